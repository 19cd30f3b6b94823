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
