//! `cargo bench`: the runtime's speed and memory, printed as medians.
//!
//! - ring: 1,000 processes pass one message around 1,000 times (ns per message);
//! - spawn: 100,000 processes spawned and run until they wait in `receive` (µs per spawn);
//! - memory: see `benches/memory.rs` (its counting allocator would slow these down);
//! - the same ring on Erlang/OTP, when `erl` is installed, with the ratio from this run.

use std::process::Command;
use std::time::Instant;

use redfour::bench::{self, machine, spread};

const RING: usize = 1_000;
const ROUNDS: usize = 1_000;
const SPAWNS: usize = 100_000;
const RUNS: usize = 7;

fn ring_ns_per_message() -> f64 {
    let rt = bench::runtime();
    let first = bench::build_ring(&rt, RING).expect("ring");
    let start = Instant::now();
    let messages = bench::run_ring(&rt, first, RING, ROUNDS);
    let elapsed = start.elapsed();
    assert_eq!(
        messages,
        (RING * ROUNDS) as u64 + 1,
        "one token, one message per hop"
    );
    elapsed.as_nanos() as f64 / messages as f64
}

fn spawn_us_per_process() -> f64 {
    let rt = bench::runtime();
    let start = Instant::now();
    bench::spawn_idle(&rt, SPAWNS);
    let elapsed = start.elapsed();
    assert_eq!(rt.stats().live, SPAWNS);
    elapsed.as_secs_f64() * 1e6 / SPAWNS as f64
}

/// The same ring on the BEAM (`benches/erlang/ring.erl`, compiled), timed inside Erlang as
/// the median of `RUNS` runs; `None` without `erl`.
fn erlang_ring_ns_per_message(schedulers: u32) -> Option<f64> {
    let dir = std::env::temp_dir().join("redfour-erlang-ring");
    std::fs::create_dir_all(&dir).ok()?;
    let source = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/erlang/ring.erl");
    let compiled = Command::new("erlc")
        .arg("-o")
        .arg(&dir)
        .arg(source)
        .status()
        .ok()?;
    if !compiled.success() {
        return None;
    }
    let program = format!("[ring:run({RING}, {ROUNDS}) || _ <- lists:seq(1, {RUNS})], halt().");
    let out = Command::new("erl")
        .arg("-noshell")
        .arg("-pa")
        .arg(&dir)
        .args(["+S", &schedulers.to_string(), "-eval", &program])
        .output()
        .ok()?;
    let runs: Vec<f64> = String::from_utf8(out.stdout)
        .ok()?
        .lines()
        .filter_map(|l| l.trim().parse().ok())
        .collect();
    (!runs.is_empty()).then(|| spread(runs).0)
}

fn main() {
    // `cargo test --benches` runs this too: keep it to a smoke run there.
    let quick = std::env::args().any(|a| a == "--test");
    let runs = if quick { 1 } else { RUNS };
    println!(
        "redfour runtime benchmarks ({} runs each, median [min..max])",
        runs
    );
    println!("machine: {}", machine());

    let (ring, lo, hi) = spread((0..runs).map(|_| ring_ns_per_message()).collect());
    println!("ring {RING} x {ROUNDS}: {ring:.1} ns/message [{lo:.1}..{hi:.1}]  (target <= 25)");

    let (spawn, lo, hi) = spread((0..runs).map(|_| spawn_us_per_process()).collect());
    println!("spawn {SPAWNS}: {spawn:.3} us/process [{lo:.3}..{hi:.3}]  (target <= 0.3)");

    if quick {
        return;
    }
    for schedulers in [1, 2] {
        match erlang_ring_ns_per_message(schedulers) {
            Some(erl) => println!(
                "erlang/OTP ring {RING} x {ROUNDS} (erl +S {schedulers}, median of {RUNS}, same run): \
                 {erl:.1} ns/message; redfour is {:.1}x {}",
                if ring < erl { erl / ring } else { ring / erl },
                if ring < erl { "faster" } else { "slower" }
            ),
            None => {
                println!("erlang: `erl`/`erlc` not installed (apt-get install erlang-base): no comparison");
                break;
            }
        }
    }
}
