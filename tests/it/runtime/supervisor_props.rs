//! Property test: random kill storms (random targets, random virtual-time gaps) against a
//! three-level tree. After the scheduler drains, the supervision rules must hold.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeMap;

use proptest::prelude::*;
use redfour::runtime::gen_server::{self, StartOpts};
use redfour::runtime::supervisor;
use redfour::runtime::{
    ChildSpec, Ctx, Event, GenServer, Module, Pid, Restart, Runtime, Strategy, SupFlags, Term,
    TraceEvent,
};

struct Worker;
impl GenServer for Worker {
    const MODULE: &'static str = "Worker";
}

const PERIOD_MS: u64 = 5_000;
const MAX_RESTARTS: usize = 3;

/// root (one_for_one) > mid1 (one_for_all) > w1, w2
///                    > mid2 (rest_for_one) > w3, w4 (transient), w5
fn tree() -> (Runtime, Pid) {
    let rt = Runtime::new(11);
    rt.define_module(
        "Worker",
        Module::worker(|ctx: Ctx, args: Term, restarts| async move {
            let opts = StartOpts {
                link: true,
                restarts,
                ..StartOpts::default()
            };
            let _ = args;
            gen_server::start(&ctx, Worker, opts).await
        }),
    );
    rt.define_module(
        "Mid1",
        Module::supervisor(move |ctx: Ctx, _args: Term, restarts| async move {
            let children = vec![
                ChildSpec::worker("w1", "Worker", Term::nil()),
                ChildSpec::worker("w2", "Worker", Term::nil()),
            ];
            supervisor::start_link_restarted(
                &ctx,
                SupFlags::strategy(Strategy::OneForAll),
                children,
                Some("mid1"),
                restarts,
            )
            .await
        }),
    );
    rt.define_module(
        "Mid2",
        Module::supervisor(move |ctx: Ctx, _args: Term, restarts| async move {
            let children = vec![
                ChildSpec::worker("w3", "Worker", Term::nil()),
                ChildSpec::worker("w4", "Worker", Term::nil()).restart(Restart::Transient),
                ChildSpec::worker("w5", "Worker", Term::nil()),
            ];
            supervisor::start_link_restarted(
                &ctx,
                SupFlags::strategy(Strategy::RestForOne),
                children,
                Some("mid2"),
                restarts,
            )
            .await
        }),
    );
    let root = rt
        .block_on(|ctx: Ctx| async move {
            let children = vec![
                ChildSpec::supervisor("mid1", "Mid1", Term::nil()),
                ChildSpec::supervisor("mid2", "Mid2", Term::nil()),
            ];
            let started =
                supervisor::start_link(&ctx, SupFlags::default(), children, Some("root")).await;
            if let Some(pid) = started.pid() {
                ctx.unlink(pid);
            }
            started
        })
        .unwrap()
        .pid()
        .unwrap();
    (rt, root)
}

/// Restarts that count towards each supervisor's intensity: (supervisor, time).
fn triggers(trace: &[TraceEvent]) -> BTreeMap<Pid, Vec<u64>> {
    let mut out: BTreeMap<Pid, Vec<u64>> = BTreeMap::new();
    for e in trace {
        if let Event::Restart {
            supervisor,
            sibling_of: None,
            ..
        } = &e.event
        {
            out.entry(*supervisor).or_default().push(e.time);
        }
    }
    out
}

fn in_window(times: &[u64], t: u64) -> usize {
    times
        .iter()
        .filter(|&&x| x <= t && t - x <= PERIOD_MS)
        .count()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn kill_storms_obey_the_supervision_rules(storm in proptest::collection::vec((any::<u8>(), 0u64..2_500), 1..40)) {
        let (rt, root) = tree();
        rt.set_trace_capacity(1_000_000);
        for (target, gap) in storm {
            // Anything but the root (killing the root is stopping the whole tree).
            let live: Vec<Pid> = rt.pids().into_iter().filter(|p| *p != root).collect();
            if live.is_empty() {
                break;
            }
            let victim = live[target as usize % live.len()];
            let _ = rt.kill(victim);
            rt.advance(gap);
        }
        rt.advance(10_000);
        let trace = rt.trace_since(0);
        let snapshot = rt.snapshot();
        let live_sups: Vec<Pid> = snapshot.iter().filter(|p| p.is_supervisor).map(|p| p.pid).collect();

        // No process is left without its supervisor.
        for p in &snapshot {
            if p.pid != root {
                prop_assert!(p.parent.is_some_and(|parent| rt.alive(parent)), "{} outlived its supervisor", p.pid);
            }
        }
        // Every permanent (and crashed transient) child of a live supervisor is alive.
        for sup in &live_sups {
            let sup = *sup;
            let children = rt.block_on(move |ctx: Ctx| async move { supervisor::which_children(&ctx, sup).await }).unwrap().unwrap();
            for child in children.as_list().unwrap() {
                let fields = child.as_tuple().unwrap();
                let pid = fields[1].as_pid();
                prop_assert!(pid.is_some_and(|p| rt.alive(p)), "child {} of {} is not running", fields[0], sup);
            }
        }
        // Intensity: a live supervisor never had more than 3 restarts within 5 s; one that
        // gave up had exactly 3 in the 5 s before the failure it could not absorb, and died.
        let counted = triggers(&trace);
        for (sup, times) in &counted {
            if rt.alive(*sup) {
                for &t in times {
                    prop_assert!(in_window(times, t) <= MAX_RESTARTS, "{sup} restarted more than 3 times in 5 s");
                }
            }
        }
        for e in &trace {
            if let Event::GiveUp { supervisor, .. } = &e.event {
                prop_assert!(!rt.alive(*supervisor), "{supervisor} gave up but lives");
                let times = counted.get(supervisor).cloned().unwrap_or_default();
                prop_assert_eq!(in_window(&times, e.time), MAX_RESTARTS, "{} gave up without 3 restarts in the window", supervisor);
            }
        }
        // The root is alive exactly when it never gave up; if it is gone, so is everything.
        let root_gave_up = trace.iter().any(|e| matches!(e.event, Event::GiveUp { supervisor, .. } if supervisor == root));
        prop_assert_eq!(rt.alive(root), !root_gave_up);
        if !rt.alive(root) {
            prop_assert!(snapshot.is_empty(), "processes outlived the root");
        }
    }
}
