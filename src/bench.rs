//! Benchmark workloads, shared by `cargo bench` (native) and the browser benchmark
//! (`tests/web_bench.rs`), so that both measure exactly the same thing. Timing is the
//! caller's: `Instant` natively, `performance.now()` in the browser.

use crate::runtime::{signal, Ctx, Pid, Runtime, RuntimeConfig, Term};

/// A runtime as the benchmarks use it: no message tracing (as in production OTP).
pub fn runtime() -> Runtime {
    Runtime::with_config(RuntimeConfig {
        trace_capacity: 1024,
        ..RuntimeConfig::default()
    })
}

/// Builds a ring of `n` processes, each forwarding what it gets to the next one.
/// Returns the first process (the ring is idle), or `None` if the runtime refused a spawn.
pub fn build_ring(rt: &Runtime, n: usize) -> Option<Pid> {
    // The last process forwards to a placeholder until it is told the first pid.
    let first = rt
        .spawn(|ctx: Ctx| async move {
            let next = ctx.receive().await.as_pid();
            let Some(next) = next else {
                return signal::normal();
            };
            loop {
                let msg = ctx.receive().await;
                ctx.send(next, msg);
            }
        })
        .ok()?;
    let mut next = first;
    for _ in 1..n {
        next = rt
            .spawn(move |ctx: Ctx| async move {
                loop {
                    let msg = ctx.receive().await;
                    ctx.send(next, msg);
                }
            })
            .ok()?;
    }
    // `next` is now the newest process, which forwards towards `first`; close the ring.
    let _ = rt.send(first, Term::Pid(next));
    rt.run_until_idle();
    Some(first)
}

/// Sends one token around a fresh ring `rounds` times: `n * rounds` messages, each handled
/// by one poll of one process. Returns the number of messages delivered (one more than the
/// hops: the host's first send). Call it on a ring that has never carried a token.
/// Never inlined, so that a profiler can count exactly the ring's instructions.
#[inline(never)]
pub fn run_ring(rt: &Runtime, first: Pid, n: usize, rounds: usize) -> u64 {
    let before = rt.stats().messages;
    let _ = rt.send(first, Term::atom("token"));
    rt.run(n * rounds);
    rt.stats().messages - before
}

/// Spawns `n` processes that wait in `receive` and runs them until all wait.
pub fn spawn_idle(rt: &Runtime, n: usize) {
    for _ in 0..n {
        let _ = rt.spawn(|ctx: Ctx| async move {
            ctx.receive().await;
            signal::normal()
        });
    }
    rt.run_until_idle();
}

/// Spawns idle processes in batches until `limit` are alive or `keep_going` says stop
/// (for instance when a time budget is spent). Returns how many are alive.
pub fn spawn_until(rt: &Runtime, limit: usize, mut keep_going: impl FnMut(usize) -> bool) -> usize {
    let batch = 10_000;
    while rt.stats().live < limit && keep_going(rt.stats().live) {
        spawn_idle(rt, batch.min(limit - rt.stats().live));
    }
    rt.stats().live
}

/// Median, min and max of some runs, as every benchmark prints them.
pub fn spread(mut xs: Vec<f64>) -> (f64, f64, f64) {
    xs.sort_by(|a, b| a.total_cmp(b));
    (xs[xs.len() / 2], xs[0], xs[xs.len() - 1])
}

/// The CPU and core count, printed with native figures.
pub fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    format!("{cpu}, {cores} cores")
}

/// A recorded run for the time-travel benchmark: `minutes` of virtual time at `arrivals`
/// shoppers a minute, with `inputs` host inputs spread over it (console lines, kills of
/// live sessions, arrival-rate changes), driven by frames at 100× as the page would.
pub fn recorded_run(minutes: u64, arrivals: f64, inputs: usize) -> crate::ui::sim::Sim {
    use crate::ui::sim::{Action, Settings, Sim};
    let backend: crate::store::session_store::SharedBackend = std::rc::Rc::new(
        std::cell::RefCell::new(crate::store::session_store::MemoryBackend::default()),
    );
    let settings = Settings {
        seed: 42,
        speed: 100.0,
        arrivals_per_minute: arrivals,
        ..Settings::default()
    };
    let mut sim = Sim::new(settings, backend);
    let end = minutes * 60_000;
    let every = end / (inputs as u64 + 1);
    let mut done = 0;
    while sim.rt.now() < end {
        sim.apply(Action::Frame(16.7));
        if done < inputs && sim.rt.now() >= every * (done as u64 + 1) {
            match done % 3 {
                0 => sim.apply(Action::ConsoleSubmit(format!("Enum.sum(1..{done})"))),
                1 => match sim.session_pids().first() {
                    Some((_, pid)) => sim.apply(Action::Kill(*pid)),
                    None => sim.apply(Action::SetChaos(0.0)),
                },
                // A setting change that leaves the arrival rate as stated: the seed's
                // persistence choice, switched on and off.
                _ => sim.apply(Action::SetPersistence(if done % 2 == 0 {
                    crate::store::shopping::Persistence::Snapshot
                } else {
                    crate::store::shopping::Persistence::None
                })),
            }
            done += 1;
        }
    }
    sim
}
