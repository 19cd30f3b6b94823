//! Determinism: the same seed and the same host inputs give the same trace, natively and
//! in wasm. This file runs in both (`cargo test` and `wasm-pack test`), and both compare the
//! trace's hash with the same constant.

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

use redfour::runtime::gen_server::{self, CallReply, From, StartOpts};
use redfour::runtime::trace::fingerprint;
use redfour::runtime::{signal, Ctx, GenServer, Runtime, RuntimeConfig, Term};

/// A counter the workers call.
struct Tally(i64);

impl GenServer for Tally {
    const MODULE: &'static str = "Tally";
    async fn handle_call(&mut self, _ctx: &Ctx, req: Term, _from: From) -> Result<CallReply, Term> {
        self.0 += req.as_int().unwrap_or(0);
        Ok(CallReply::Reply(Term::Int(self.0)))
    }
}

/// Workers that sleep random spans, call the tally, message each other, link, monitor and
/// sometimes crash; the host kills a few and sends messages at fixed virtual times.
fn run_scenario(seed: u64) -> (u64, usize, u64) {
    run_scenario_paused(seed, None).0
}

/// `run_scenario`, with each advance of the clock paused by the host every `pause_every`
/// questions (as a frame out of wall time does) and resumed; also returns the pauses.
fn run_scenario_paused(seed: u64, pause_every: Option<u64>) -> ((u64, usize, u64), u64) {
    let mut pauses = 0;
    let rt = Runtime::with_config(RuntimeConfig {
        seed,
        trace_messages: true,
        trace_capacity: 1_000_000,
        ..RuntimeConfig::default()
    });
    rt.block_on(|ctx: Ctx| async move {
        gen_server::start(&ctx, Tally(0), StartOpts::default().named("tally")).await
    })
    .unwrap();
    let mut workers = Vec::new();
    for i in 0..12 {
        let pid = rt
            .spawn(move |ctx: Ctx| async move {
                let mut peers = Vec::new();
                loop {
                    let wait = 10 + ctx.random_below(200);
                    if let Some(msg) = ctx.receive_timeout(wait).await {
                        if let Some(p) = msg.as_pid() {
                            peers.push(p);
                            if ctx.chance(0.5) {
                                ctx.link(p);
                            } else {
                                ctx.monitor(p);
                            }
                        }
                        continue;
                    }
                    let n = ctx.random_below(5) as i64;
                    if gen_server::call(&ctx, "tally", Term::Int(n), Some(500))
                        .await
                        .is_err()
                    {
                        return Term::atom("tally_gone");
                    }
                    if let Some(&p) = peers.get(ctx.random_below(peers.len() as u64 + 1) as usize) {
                        ctx.send(p, Term::tuple(vec![Term::atom("hello"), Term::Int(i)]));
                    }
                    if ctx.chance(0.02) {
                        return Term::tuple(vec![Term::atom("error"), Term::Int(i)]);
                    }
                }
            })
            .unwrap();
        workers.push(pid);
    }
    for (t, w) in workers.iter().enumerate() {
        let peer = workers[(t * 7 + 3) % workers.len()];
        rt.send(*w, Term::Pid(peer)).unwrap();
    }
    for step in 0..40u64 {
        match pause_every {
            None => rt.advance(50),
            Some(k) => {
                let mut advancing = rt.begin_advance(50, usize::MAX);
                let mut asked = 0u64;
                let mut pause = || {
                    asked += 1;
                    asked % k == 0
                };
                while rt
                    .resume_advance(&mut advancing, Some(&mut pause))
                    .is_none()
                {
                    pauses += 1;
                }
            }
        }
        if step % 9 == 4 {
            let victim = workers[(rt.random_u64() % workers.len() as u64) as usize];
            let _ = rt.exit(victim, signal::kill());
        }
    }
    let events = rt.trace_since(0);
    ((fingerprint(&events), events.len(), rt.now()), pauses)
}

/// The trace hash of seed 42, recorded from a native run; the wasm run must match it.
const SEED_42_FINGERPRINT: u64 = 0xc02b_7ee3_4cb1_7fda;

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn same_seed_same_trace_on_every_platform() {
    let first = run_scenario(42);
    let again = run_scenario(42);
    assert_eq!(first, again, "two runs with one seed differ");
    assert!(
        first.1 > 500,
        "the scenario did too little: {} events",
        first.1
    );
    assert_eq!(first.2, 2000);
    let other = run_scenario(43);
    assert_ne!(first.0, other.0, "another seed gave the same trace");
    assert_eq!(
        first.0, SEED_42_FINGERPRINT,
        "the trace of seed 42 changed (or differs on this platform): {:#x} with {} events",
        first.0, first.1
    );
}

/// Where a host pauses an advance (a frame out of wall time) never changes the run.
#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn an_advance_paused_anywhere_and_resumed_gives_the_same_trace() {
    for k in [2, 3, 5] {
        let (run, pauses) = run_scenario_paused(42, Some(k));
        assert!(pauses > 0, "pausing every {k} questions never paused");
        assert_eq!(
            run.0, SEED_42_FINGERPRINT,
            "paused every {k} questions ({pauses} pauses), the trace differs"
        );
        assert_eq!(run.2, 2000);
    }
}
