//! `cargo run --release --example seek [minutes] [arrivals/min]`: records a run as the
//! benchmark does and replays it from its start, for profiling. With `--save FILE` it writes
//! the run's link to FILE; with `--open FILE` it only replays that link (`perf record`).
use redfour::ui::recording::SharedRun;
use redfour::ui::sim::{Sim, Stop};
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let flag = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1).cloned())
    };
    let shared = match flag("--open") {
        Some(file) => {
            let link = std::fs::read_to_string(file).expect("a link file");
            SharedRun::from_link(link.trim()).expect("a readable link")
        }
        None => {
            let minutes: u64 = args.first().and_then(|a| a.parse().ok()).unwrap_or(60);
            let arrivals: f64 = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(600.0);
            let t = Instant::now();
            let live = redfour::bench::recorded_run(minutes, arrivals, 50);
            eprintln!(
                "recorded in {:.2} s: {} processes started",
                t.elapsed().as_secs_f64(),
                live.rt.stats().spawned
            );
            let shared = live.shared();
            if let Some(file) = flag("--save") {
                std::fs::write(file, shared.to_link()).expect("writable");
            }
            shared
        }
    };
    let t = Instant::now();
    let replayed = Sim::replay(&shared.recording, Stop::Tick(shared.ticks));
    let took = t.elapsed().as_secs_f64();
    let st = replayed.rt.stats();
    eprintln!(
        "replayed {} ticks in {took:.3} s: {} events, {} messages, {} polls, {} spawned; hash {}",
        shared.ticks,
        replayed.rt.last_seq(),
        st.messages,
        st.polls,
        st.spawned,
        if replayed.rt.trace_hash() == shared.hash {
            "matches"
        } else {
            "DIFFERS"
        }
    );
}
