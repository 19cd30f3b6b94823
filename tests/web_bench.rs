//! The runtime benchmark in headless Chromium (wasm32): ring, spawn, bytes per idle process
//! and the live processes one tab holds. Ignored by the normal test run; `scripts/bench.sh`
//! runs it with `--include-ignored --nocapture` and an optimised build.
#![cfg(target_arch = "wasm32")]

use redfour::bench;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or(0.0)
}

fn wasm_memory_bytes() -> usize {
    core::arch::wasm32::memory_size::<0>() * 65_536
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(|a, b| a.total_cmp(b));
    xs[xs.len() / 2]
}

#[wasm_bindgen_test]
#[ignore]
fn browser_benchmark() {
    const RING: usize = 1_000;
    const ROUNDS: usize = 1_000;
    const SPAWNS: usize = 100_000;
    const RUNS: usize = 7;

    let ring = median(
        (0..RUNS)
            .map(|_| {
                let rt = bench::runtime();
                let first = bench::build_ring(&rt, RING).unwrap();
                let t0 = now_ms();
                let messages = bench::run_ring(&rt, first, RING, ROUNDS);
                (now_ms() - t0) * 1e6 / messages as f64
            })
            .collect(),
    );
    console_log!(
        "wasm ring {RING} x {ROUNDS}: {ring:.1} ns/message (median of {RUNS}; target <= 50)"
    );

    let spawn = median(
        (0..RUNS)
            .map(|_| {
                let rt = bench::runtime();
                let t0 = now_ms();
                bench::spawn_idle(&rt, SPAWNS);
                (now_ms() - t0) * 1e3 / SPAWNS as f64
            })
            .collect(),
    );
    console_log!("wasm spawn {SPAWNS}: {spawn:.3} us/process (median of {RUNS}; target <= 0.3)");

    // One tab, one runtime: spawn idle processes up to a million, watching wasm memory.
    let rt = bench::runtime();
    let before = wasm_memory_bytes();
    let t0 = now_ms();
    let reached = bench::spawn_until(&rt, 1_000_000, |_| now_ms() - t0 < 60_000.0);
    let grown = wasm_memory_bytes() - before;
    console_log!(
        "wasm live processes in one tab: {reached} in {:.1} s; wasm memory grew {:.0} MB = {:.0} bytes/process (target: 1,000,000)",
        (now_ms() - t0) / 1e3,
        grown as f64 / 1e6,
        grown as f64 / reached as f64
    );
    assert_eq!(reached, 1_000_000);
}
