//! `cargo bench --bench observer`: the observer's model natively, the part of a frame that
//! is plain Rust, at 1,000, 10,000 and 100,000 live sessions (medians of 7 of 30 frames):
//!
//! - model: `Sim` absorbing one 16 ms frame at 1× (runtime, trace, carts, process table);
//! - scene: `floor_scene::build`, every customer placed, labels and buttons chosen.
//!
//! The whole frame in the browser (these, plus rendering and drawing) is measured by
//! `tests/web_bench.rs`; `scripts/bench.sh` prints both.

use std::cell::RefCell;
use std::hint::black_box;
use std::rc::Rc;
use std::time::Instant;

use redfour::bench::spread;
use redfour::store::session_store::{MemoryBackend, SharedBackend};
use redfour::ui::floor_plan::Camera;
use redfour::ui::floor_scene;
use redfour::ui::sim::{Action, Settings, Sim, Stop};

const RUNS: usize = 7;
const FRAMES: usize = 30;

/// Resident memory of this process, in MB (Linux).
fn rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

/// Seeks in the page, once its checkpoints are built: the time to build them (the page does
/// it in its frames' spare time), the memory they hold, and a seek to the last instant of
/// each gap between them (the slowest seek within that gap), latest gap first.
fn checkpoint_seeks(mut live: Sim, minutes: u64, arrivals: f64) {
    let before = rss_mb();
    let t = Instant::now();
    live.build_checkpoints_now();
    let built = t.elapsed().as_secs_f64();
    let parked = live.checkpoint_instants();
    let held = rss_mb() - before;
    let end = live.rt.now();
    let mut ends: Vec<u64> = parked.iter().skip(1).copied().collect();
    ends.push(end);
    let mut times = Vec::new();
    for gap_end in ends.iter().rev() {
        let target = gap_end - redfour::ui::recording::TICK_MS;
        let expected = Sim::replay(&live.run, Stop::Time(target)).rt.trace_hash();
        let t = Instant::now();
        live.apply(Action::Seek(target));
        times.push(t.elapsed().as_secs_f64() * 1e3);
        assert_eq!(
            live.rt.trace_hash(),
            expected,
            "a seek from a checkpoint diverged"
        );
    }
    let (m, lo, hi) = spread(times);
    println!(
        "  with checkpoints ({minutes} min at {arrivals}/min): {} parked at {:?} s, built in {built:.2} s, holding {held:.0} MB; a seek to the end of each gap: {m:.1} ms [{lo:.1}..{hi:.1}] (median of {})",
        parked.len(),
        parked.iter().map(|p| p / 1000).collect::<Vec<_>>(),
        ends.len()
    );
}

fn main() {
    if std::env::args().any(|a| a == "--test") {
        return; // `cargo test --benches` builds this; the figures come from `cargo bench`
    }
    // Time travel: seeking to the end of a recorded run replays it from the start.
    for (minutes, arrivals, inputs) in [(10u64, 12.0, 50usize), (60, 600.0, 50)] {
        let live = redfour::bench::recorded_run(minutes, arrivals, inputs);
        let shared = live.shared();
        let link = shared.to_link();
        let mut times = Vec::new();
        for _ in 0..5 {
            let t = Instant::now();
            let replayed = Sim::replay(&shared.recording, Stop::Tick(shared.ticks));
            times.push(t.elapsed().as_secs_f64() * 1e3);
            assert_eq!(replayed.rt.trace_hash(), shared.hash, "the replay diverged");
        }
        let (m, lo, hi) = spread(times);
        println!(
            "seek to the end of a {minutes}-minute run at {arrivals}/min ({} inputs, {} processes started): {m:.1} ms [{lo:.1}..{hi:.1}] (median of 5); link {} bytes = {:.0} bytes/input; trace hash {:016x}",
            shared.recording.inputs.len(),
            live.rt.stats().spawned,
            link.len(),
            link.len() as f64 / shared.recording.inputs.len().max(1) as f64,
            shared.hash
        );
        checkpoint_seeks(live, minutes, arrivals);
    }
    for n in [1_000usize, 10_000, 100_000] {
        let backend: SharedBackend = Rc::new(RefCell::new(MemoryBackend::default()));
        let mut sim = Sim::new(Settings::default(), backend);
        sim.apply(Action::AddSessions(n));
        for _ in 0..100 {
            sim.apply(Action::Frame(16.0)); // past the walk in
        }
        let camera = Camera::fit(719.0, 504.0);
        let (mut model, mut scene) = (Vec::new(), Vec::new());
        for _ in 0..RUNS {
            let t = Instant::now();
            for _ in 0..FRAMES {
                sim.apply(Action::Frame(16.0));
            }
            model.push(t.elapsed().as_secs_f64() * 1e3 / FRAMES as f64);
            let t = Instant::now();
            for _ in 0..FRAMES {
                black_box(floor_scene::build(&sim, &camera, None, None));
            }
            scene.push(t.elapsed().as_secs_f64() * 1e3 / FRAMES as f64);
        }
        let (m, mlo, mhi) = spread(model);
        let (s, slo, shi) = spread(scene);
        println!(
            "observer model, {n} sessions: {m:.2} ms/frame [{mlo:.2}..{mhi:.2}]; floor scene: {s:.2} ms [{slo:.2}..{shi:.2}] (median of {RUNS} x {FRAMES} frames)"
        );
    }
}
