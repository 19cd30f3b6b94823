//! Property tests: random sequences of operations against the runtime, checking after every
//! step that no invariant an Erlang user relies on is broken.
#![cfg(not(target_arch = "wasm32"))]

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use proptest::prelude::*;
use redfour::runtime::gen_server::{self, From, StartOpts};
use redfour::runtime::{signal, CallReply, Ctx, Flow, GenServer, Pid, Ref, Runtime, Term};

#[derive(Default)]
struct World {
    /// Every handler run, in order: (process, log position).
    handled: Vec<Pid>,
    /// Monitors created: ref -> (watcher, target).
    monitors: BTreeMap<Ref, (Pid, Pid)>,
    demonitored: BTreeSet<Ref>,
    /// `:DOWN`s received: (watcher, ref).
    downs: Vec<(Pid, Ref)>,
    /// Sequenced messages received: (from, to, n).
    received: Vec<(Pid, Pid, i64)>,
}

type Shared = Rc<RefCell<World>>;

/// A GenServer that carries out the commands the test sends it.
struct Actor(Shared);

impl GenServer for Actor {
    const MODULE: &'static str = "Actor";

    async fn handle_call(
        &mut self,
        _ctx: &Ctx,
        _req: Term,
        _from: From,
    ) -> Result<CallReply, Term> {
        Ok(CallReply::Reply(Term::atom("pong")))
    }

    async fn handle_info(&mut self, ctx: &Ctx, msg: Term) -> Result<Flow, Term> {
        let me = ctx.pid();
        self.0.borrow_mut().handled.push(me);
        let Some(parts) = msg.as_tuple() else {
            return Ok(Flow::Continue);
        };
        let tag = parts
            .first()
            .and_then(|t| t.as_atom())
            .map(|a| a.name().to_string());
        let pid_at = |i: usize| parts.get(i).and_then(|t| t.as_pid());
        match (tag.as_deref(), parts.len()) {
            (Some("link"), 2) => ctx.link(pid_at(1).unwrap()),
            (Some("unlink"), 2) => ctx.unlink(pid_at(1).unwrap()),
            (Some("monitor"), 2) => {
                let target = pid_at(1).unwrap();
                let mref = ctx.monitor(target);
                self.0.borrow_mut().monitors.insert(mref, (me, target));
            }
            (Some("demonitor"), 2) => {
                let nth = parts[1].as_int().unwrap_or(0) as usize;
                let mine: Vec<Ref> = self
                    .0
                    .borrow()
                    .monitors
                    .iter()
                    .filter(|(_, (w, _))| *w == me)
                    .map(|(r, _)| *r)
                    .collect();
                if !mine.is_empty() {
                    let mref = mine[nth % mine.len()];
                    ctx.demonitor(mref, true);
                    self.0.borrow_mut().demonitored.insert(mref);
                }
            }
            (Some("send"), 3) => {
                let n = parts[2].clone();
                ctx.send(
                    pid_at(1).unwrap(),
                    Term::tuple(vec![Term::atom("seq"), Term::Pid(me), n]),
                );
            }
            (Some("seq"), 3) => {
                let from = pid_at(1).unwrap();
                self.0
                    .borrow_mut()
                    .received
                    .push((from, me, parts[2].as_int().unwrap()));
            }
            (Some("DOWN"), 5) => {
                if let Term::Ref(mref) = parts[1] {
                    self.0.borrow_mut().downs.push((me, mref));
                }
            }
            (Some("trap"), 2) => {
                ctx.trap_exit(parts[1].is_truthy());
            }
            (Some("register"), 2) => {
                let _ = ctx.register(parts[1].as_str().unwrap_or("x"));
            }
            (Some("call"), 2) => {
                // A failed call is handled (logged), not propagated.
                let _ =
                    gen_server::call(ctx, pid_at(1).unwrap(), Term::atom("ping"), Some(100)).await;
            }
            (Some("exit"), 2) => return Ok(Flow::Stop(parts[1].clone())),
            _ => {}
        }
        Ok(Flow::Continue)
    }
}

#[derive(Clone, Debug)]
enum Op {
    Spawn,
    Link(usize, usize),
    Unlink(usize, usize),
    Monitor(usize, usize),
    Demonitor(usize, usize),
    Exit(usize, u8),
    ExitSelf(usize, u8),
    Send(usize, usize),
    Call(usize, usize),
    Register(usize, u8),
    Trap(usize, bool),
    Advance(u16),
}

fn reason(kind: u8) -> Term {
    match kind % 5 {
        0 => signal::normal(),
        1 => signal::shutdown(),
        2 => signal::kill(),
        3 => Term::tuple(vec![signal::shutdown(), Term::atom("closing")]),
        _ => Term::tuple(vec![Term::atom("error"), Term::atom("boom")]),
    }
}

fn op() -> impl Strategy<Value = Op> {
    let ix = 0usize..64;
    prop_oneof![
        3 => Just(Op::Spawn),
        2 => (ix.clone(), ix.clone()).prop_map(|(a, b)| Op::Link(a, b)),
        1 => (ix.clone(), ix.clone()).prop_map(|(a, b)| Op::Unlink(a, b)),
        2 => (ix.clone(), ix.clone()).prop_map(|(a, b)| Op::Monitor(a, b)),
        1 => (ix.clone(), ix.clone()).prop_map(|(a, b)| Op::Demonitor(a, b)),
        2 => (ix.clone(), any::<u8>()).prop_map(|(a, r)| Op::Exit(a, r)),
        1 => (ix.clone(), any::<u8>()).prop_map(|(a, r)| Op::ExitSelf(a, r)),
        3 => (ix.clone(), ix.clone()).prop_map(|(a, b)| Op::Send(a, b)),
        1 => (ix.clone(), ix.clone()).prop_map(|(a, b)| Op::Call(a, b)),
        1 => (ix.clone(), any::<u8>()).prop_map(|(a, n)| Op::Register(a, n)),
        1 => (ix.clone(), any::<bool>()).prop_map(|(a, t)| Op::Trap(a, t)),
        1 => (0u16..300).prop_map(Op::Advance),
    ]
}

fn spawn_actor(rt: &Runtime, world: &Shared) -> Pid {
    let w = world.clone();
    rt.block_on(move |ctx: Ctx| async move {
        gen_server::start(&ctx, Actor(w), StartOpts::default()).await
    })
    .unwrap()
    .pid()
    .unwrap()
}

fn check_invariants(
    rt: &Runtime,
    world: &World,
    dead_since: &BTreeMap<Pid, usize>,
) -> Result<(), TestCaseError> {
    // Every registered name points to a live process.
    for (name, pid) in rt.registered() {
        prop_assert!(rt.alive(pid), "name {name} points to dead {pid}");
    }
    // Links are symmetric and only between live processes.
    for info in rt.snapshot() {
        for other in &info.links {
            let back = rt.process_info(*other);
            prop_assert!(back.is_some(), "{} is linked to dead {}", info.pid, other);
            prop_assert!(
                back.unwrap().links.contains(&info.pid),
                "link {} -> {} is one-way",
                info.pid,
                other
            );
        }
    }
    // Each monitor fires at most once.
    let mut seen = BTreeSet::new();
    for (_, mref) in &world.downs {
        prop_assert!(seen.insert(*mref), "monitor {mref} fired twice");
    }
    // Messages between a pair arrive in send order.
    let mut last: BTreeMap<(Pid, Pid), i64> = BTreeMap::new();
    for (from, to, n) in &world.received {
        if let Some(prev) = last.insert((*from, *to), *n) {
            prop_assert!(*n > prev, "{from} -> {to}: {n} arrived after {prev}");
        }
    }
    // A dead process never runs a handler again.
    for (pid, at) in dead_since {
        prop_assert!(
            !world.handled[*at..].contains(pid),
            "{pid} handled a message after it died"
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn random_operations_keep_the_otp_invariants(ops in proptest::collection::vec(op(), 1..80)) {
        let rt = Runtime::new(7);
        let world: Shared = Rc::default();
        let mut pids: Vec<Pid> = vec![spawn_actor(&rt, &world), spawn_actor(&rt, &world)];
        let mut seq: BTreeMap<(usize, usize), i64> = BTreeMap::new();
        let mut dead_since: BTreeMap<Pid, usize> = BTreeMap::new();
        for op in ops {
            let at = |i: usize| pids[i % pids.len()];
            let cmd = |name: &str, arg: Term| Term::tuple(vec![Term::atom(name), arg]);
            match op {
                Op::Spawn => pids.push(spawn_actor(&rt, &world)),
                Op::Link(a, b) => rt.send(at(a), cmd("link", Term::Pid(at(b)))).unwrap(),
                Op::Unlink(a, b) => rt.send(at(a), cmd("unlink", Term::Pid(at(b)))).unwrap(),
                Op::Monitor(a, b) => rt.send(at(a), cmd("monitor", Term::Pid(at(b)))).unwrap(),
                Op::Demonitor(a, n) => rt.send(at(a), cmd("demonitor", Term::Int(n as i64))).unwrap(),
                Op::Exit(a, r) => { rt.exit(at(a), reason(r)).unwrap(); }
                Op::ExitSelf(a, r) => rt.send(at(a), cmd("exit", reason(r))).unwrap(),
                Op::Send(a, b) => {
                    let (ia, ib) = (a % pids.len(), b % pids.len());
                    let n = seq.entry((ia, ib)).or_insert(0);
                    *n += 1;
                    let msg = Term::tuple(vec![Term::atom("send"), Term::Pid(pids[ib]), Term::Int(*n)]);
                    rt.send(pids[ia], msg).unwrap();
                }
                Op::Call(a, b) => rt.send(at(a), cmd("call", Term::Pid(at(b)))).unwrap(),
                Op::Register(a, n) => rt.send(at(a), cmd("register", Term::str(&format!("name{}", n % 4)))).unwrap(),
                Op::Trap(a, t) => rt.send(at(a), cmd("trap", Term::bool(t))).unwrap(),
                Op::Advance(ms) => rt.advance(ms as u64),
            }
            rt.run_until_idle();
            let handled = world.borrow().handled.len();
            for pid in &pids {
                if !rt.alive(*pid) {
                    dead_since.entry(*pid).or_insert(handled);
                }
            }
            check_invariants(&rt, &world.borrow(), &dead_since)?;
        }
        // Let every pending call time out, then: each monitor whose target died, and which
        // was not removed, fired exactly once to a watcher that is still alive.
        rt.advance(1_000);
        let world = world.borrow();
        check_invariants(&rt, &world, &dead_since)?;
        let downs: BTreeSet<Ref> = world.downs.iter().map(|(_, r)| *r).collect();
        for (mref, (watcher, target)) in &world.monitors {
            if rt.alive(*watcher) && !rt.alive(*target) && !world.demonitored.contains(mref) {
                prop_assert!(downs.contains(mref), "{watcher} never got :DOWN for {target}");
            }
        }
    }
}
