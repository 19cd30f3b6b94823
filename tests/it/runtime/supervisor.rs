//! Supervision as an Elixir user checks it: strategies, restart types, intensity and
//! escalation, shutdown, DynamicSupervisor, the child operations, and applications.
#![cfg(not(target_arch = "wasm32"))]

use std::cell::RefCell;
use std::rc::Rc;

use redfour::runtime::gen_server::{self, StartOpts};
use redfour::runtime::supervisor;
use redfour::runtime::{
    application, signal, CallReply, ChildSpec, Ctx, Event, Flow, GenServer, Init, Module, Pid,
    Restart, Runtime, Shutdown, StartResult, Strategy, SupFlags, Term,
};

/// A worker holding a counter that starts from its start argument.
struct Counter {
    count: i64,
    trap: bool,
    stubborn: bool,
    log: Rc<RefCell<Vec<String>>>,
}

impl GenServer for Counter {
    const MODULE: &'static str = "Counter";
    async fn init(&mut self, ctx: &Ctx) -> Init {
        ctx.trap_exit(self.trap);
        Init::Ok
    }
    async fn handle_call(
        &mut self,
        _ctx: &Ctx,
        req: Term,
        _from: gen_server::From,
    ) -> Result<CallReply, Term> {
        if req == Term::atom("get") {
            return Ok(CallReply::Reply(Term::Int(self.count)));
        }
        Ok(CallReply::Stop(req, Some(Term::ok()))) // anything else: stop with it as the reason
    }
    async fn handle_cast(&mut self, _ctx: &Ctx, _msg: Term) -> Result<Flow, Term> {
        self.count += 1;
        Ok(Flow::Continue)
    }
    async fn terminate(&mut self, ctx: &Ctx, reason: &Term) {
        // A stubborn worker takes a minute to clean up: its supervisor must kill it.
        if self.stubborn {
            ctx.sleep(60_000).await;
        }
        self.log.borrow_mut().push(format!("terminate {reason}"));
    }
    fn state(&self) -> Term {
        Term::Int(self.count)
    }
}

struct World {
    rt: Runtime,
    log: Rc<RefCell<Vec<String>>>,
}

/// Loads `Counter` (args `%{name: "…", start: n, trap: bool, stubborn: bool}`) and returns a
/// runtime.
fn world() -> World {
    let rt = Runtime::new(3);
    let log: Rc<RefCell<Vec<String>>> = Rc::default();
    let l = log.clone();
    rt.define_module(
        "Counter",
        Module::worker(move |ctx: Ctx, args: Term, restarts| {
            let log = l.clone();
            async move {
                let name = args.get("name").and_then(|n| n.as_str()).map(Rc::from);
                let server = Counter {
                    count: args.get("start").and_then(|n| n.as_int()).unwrap_or(0),
                    trap: args.get("trap").is_some_and(|t| t.is_truthy()),
                    stubborn: args.get("stubborn").is_some_and(|t| t.is_truthy()),
                    log,
                };
                let opts = StartOpts {
                    name,
                    link: true,
                    restarts,
                    ..StartOpts::default()
                };
                gen_server::start(&ctx, server, opts).await
            }
        }),
    );
    World { rt, log }
}

fn counter(id: &str) -> ChildSpec {
    ChildSpec::worker(id, "Counter", Term::atom_map(&[("name", Term::str(id))]))
}

/// Starts a supervisor from the host (not linked to anything that dies).
fn start_sup(rt: &Runtime, flags: SupFlags, children: Vec<ChildSpec>, name: &str) -> Pid {
    let name = name.to_string();
    rt.block_on(move |ctx: Ctx| async move {
        let result = supervisor::start_link(&ctx, flags, children, Some(&name)).await;
        ctx.unlink(result.pid().unwrap()); // the host task ends; the supervisor lives on
        result
    })
    .unwrap()
    .pid()
    .expect("supervisor started")
}

fn call<F, Fut>(rt: &Runtime, f: F) -> Term
where
    F: FnOnce(Ctx) -> Fut,
    Fut: std::future::Future<Output = Result<Term, Term>> + 'static,
{
    rt.block_on(f).unwrap().unwrap()
}

fn pids(rt: &Runtime, names: &[&str]) -> Vec<Option<Pid>> {
    names.iter().map(|n| rt.whereis(n)).collect()
}

fn kill_named(rt: &Runtime, name: &str) -> Pid {
    let pid = rt.whereis(name).unwrap();
    rt.kill(pid).unwrap();
    rt.run_until_idle();
    pid
}

/// The pids that exited after trace position `mark`, in order.
fn exits_since(rt: &Runtime, mark: u64) -> Vec<Pid> {
    rt.trace_since(mark)
        .into_iter()
        .filter_map(|e| match e.event {
            Event::Exit { pid, .. } => Some(pid),
            _ => None,
        })
        .collect()
}

fn exit_reason(rt: &Runtime, pid: Pid) -> Option<Term> {
    rt.trace_since(0).into_iter().find_map(|e| match e.event {
        Event::Exit { pid: p, reason } if p == pid => Some(reason),
        _ => None,
    })
}

#[test]
fn one_for_one_restarts_only_the_dead_child_with_a_new_pid_and_fresh_state() {
    let w = world();
    let sup = start_sup(
        &w.rt,
        SupFlags::default(),
        vec![counter("a"), counter("b")],
        "sup",
    );
    let before = pids(&w.rt, &["a", "b"]);
    w.rt.block_on(|ctx: Ctx| async move { gen_server::cast(&ctx, "a", Term::atom("inc")) })
        .unwrap();
    w.rt.run_until_idle();
    assert_eq!(w.rt.state_of(before[0].unwrap()), Some(Term::Int(1)));
    let old = kill_named(&w.rt, "a");
    let after = pids(&w.rt, &["a", "b"]);
    assert_ne!(after[0], before[0], "a has a new pid");
    assert_eq!(after[1], before[1], "b is untouched");
    assert!(!w.rt.alive(old));
    assert_eq!(
        w.rt.state_of(after[0].unwrap()),
        Some(Term::Int(0)),
        "the state started again"
    );
    assert_eq!(w.rt.process_info(after[0].unwrap()).unwrap().restarts, 1);
    // The restart is in the trace with the supervisor, the child, both pids and the reason.
    let restart = w.rt.trace_since(0).into_iter().find_map(|e| match e.event {
        Event::Restart {
            supervisor,
            child,
            old,
            new,
            reason,
            sibling_of: None,
        } => Some((supervisor, child, old, new, reason)),
        _ => None,
    });
    assert_eq!(
        restart,
        Some((
            sup,
            Rc::from(":a"),
            old,
            after[0].unwrap(),
            signal::killed()
        ))
    );
}

#[test]
fn rest_for_one_restarts_the_dead_child_and_those_started_after_it() {
    let w = world();
    start_sup(
        &w.rt,
        SupFlags::strategy(Strategy::RestForOne),
        vec![counter("a"), counter("b"), counter("c")],
        "sup",
    );
    let before = pids(&w.rt, &["a", "b", "c"]);
    kill_named(&w.rt, "b");
    let after = pids(&w.rt, &["a", "b", "c"]);
    assert_eq!(after[0], before[0]);
    assert_ne!(after[1], before[1]);
    assert_ne!(after[2], before[2]);
    assert!(after.iter().all(|p| p.is_some_and(|p| w.rt.alive(p))));
    // c (started after b) was stopped with :shutdown, then both started again in order.
    assert_eq!(
        exit_reason(&w.rt, before[2].unwrap()),
        Some(signal::shutdown())
    );
    assert!(after[1].unwrap() < after[2].unwrap(), "b starts before c");
}

#[test]
fn one_for_all_restarts_every_child() {
    let w = world();
    start_sup(
        &w.rt,
        SupFlags::strategy(Strategy::OneForAll),
        vec![counter("a"), counter("b"), counter("c")],
        "sup",
    );
    let before = pids(&w.rt, &["a", "b", "c"]);
    let mark = w.rt.last_seq();
    kill_named(&w.rt, "c");
    let after = pids(&w.rt, &["a", "b", "c"]);
    for (b, a) in before.iter().zip(&after) {
        assert_ne!(b, a);
        assert!(w.rt.alive(a.unwrap()));
    }
    // c died; the others were stopped in reverse start order: b before a.
    let exits = exits_since(&w.rt, mark);
    assert_eq!(
        exits,
        vec![before[2].unwrap(), before[1].unwrap(), before[0].unwrap()]
    );
}

#[test]
fn restart_types_permanent_transient_temporary() {
    let w = world();
    let children = vec![
        counter("perm"),
        counter("trans").restart(Restart::Transient),
        counter("temp").restart(Restart::Temporary),
        counter("trans2").restart(Restart::Transient),
    ];
    let sup = start_sup(&w.rt, SupFlags::default(), children, "sup");
    let stop = |name: &'static str, reason: Term| {
        let pid = w.rt.whereis(name).unwrap();
        // The Counter stops with whatever it is called with.
        w.rt.block_on(move |ctx: Ctx| async move {
            gen_server::call(&ctx, pid, reason, Some(5000)).await
        })
        .unwrap()
        .unwrap();
        w.rt.run_until_idle();
        pid
    };
    let perm = stop("perm", signal::normal());
    assert!(
        w.rt.whereis("perm").is_some_and(|p| p != perm),
        "permanent: restarted even after :normal"
    );
    stop("trans", signal::normal());
    assert_eq!(
        w.rt.whereis("trans"),
        None,
        "transient: not restarted after :normal"
    );
    let trans2 = stop("trans2", Term::atom("crashed"));
    assert!(
        w.rt.whereis("trans2").is_some_and(|p| p != trans2),
        "transient: restarted after a crash"
    );
    stop("temp", Term::atom("crashed"));
    assert_eq!(w.rt.whereis("temp"), None, "temporary: never restarted");
    let which = call(&w.rt, move |ctx: Ctx| async move {
        supervisor::which_children(&ctx, sup).await
    });
    let ids: Vec<String> = which
        .as_list()
        .unwrap()
        .iter()
        .map(|c| c.as_tuple().unwrap()[0].to_string())
        .collect();
    // Checked on Elixir 1.14: `ids: [:trans2, :trans, :perm]` (newest first) and
    // `count: %{active: 2, specs: 3, supervisors: 0, workers: 3}`.
    assert_eq!(
        ids,
        [":trans2", ":trans", ":perm"],
        "the temporary child's spec is gone"
    );
    let count = call(&w.rt, move |ctx: Ctx| async move {
        supervisor::count_children(&ctx, sup).await
    });
    assert_eq!(
        count.to_string(),
        "%{active: 2, specs: 3, supervisors: 0, workers: 3}"
    );
}

/// A three-level tree: root (one_for_one) > mid (one_for_one) > worker "w".
fn three_levels(w: &World) -> Pid {
    w.rt.define_module(
        "Mid",
        Module::supervisor(|ctx: Ctx, _args: Term, restarts| async move {
            supervisor::start_link_restarted(
                &ctx,
                SupFlags::default(),
                vec![counter("w")],
                Some("mid"),
                restarts,
            )
            .await
        }),
    );
    start_sup(
        &w.rt,
        SupFlags::default(),
        vec![ChildSpec::supervisor("mid", "Mid", Term::nil())],
        "root",
    )
}

#[test]
fn four_kills_within_five_seconds_make_the_supervisor_give_up_and_its_parent_restart_it() {
    let w = world();
    let root = three_levels(&w);
    let mid = w.rt.whereis("mid").unwrap();
    for i in 0..3 {
        kill_named(&w.rt, "w");
        w.rt.advance(500);
        assert_eq!(
            w.rt.whereis("mid"),
            Some(mid),
            "restart {} is within the intensity",
            i + 1
        );
    }
    kill_named(&w.rt, "w"); // the 4th restart in 5 s: more than 3
    assert_eq!(
        exit_reason(&w.rt, mid),
        Some(signal::shutdown()),
        "mid gave up with :shutdown"
    );
    let new_mid = w.rt.whereis("mid").unwrap();
    assert_ne!(new_mid, mid, "root restarted mid");
    assert!(w.rt.alive(root));
    assert!(
        w.rt.whereis("w").is_some_and(|p| w.rt.alive(p)),
        "the new mid started its worker"
    );
    let trace = w.rt.trace_since(0);
    assert!(trace.iter().any(|e| matches!(&e.event, Event::GiveUp { supervisor, restarts: 3, within_ms: 5000 } if *supervisor == mid)));
    assert!(trace.iter().any(|e| matches!(&e.event, Event::Restart { supervisor, old, new, .. } if *supervisor == root && *old == mid && *new == new_mid)));
}

#[test]
fn kills_spread_beyond_the_window_never_exhaust_the_intensity() {
    let w = world();
    three_levels(&w);
    let mid = w.rt.whereis("mid").unwrap();
    for _ in 0..10 {
        kill_named(&w.rt, "w");
        w.rt.advance(2_000); // 3 restarts never fall within 5 s
    }
    assert_eq!(w.rt.whereis("mid"), Some(mid));
}

#[test]
fn a_crash_storm_escalates_to_the_root_which_gives_up_too() {
    let w = world();
    let root = three_levels(&w);
    // Kill mid itself repeatedly: root's own intensity is spent on the 4th.
    for _ in 0..4 {
        kill_named(&w.rt, "mid");
    }
    assert!(!w.rt.alive(root));
    assert_eq!(exit_reason(&w.rt, root), Some(signal::shutdown()));
    assert_eq!(w.rt.whereis("w"), None, "the whole tree is down");
    assert_eq!(w.rt.snapshot().len(), 0);
}

#[test]
fn shutdown_brutal_kill_timeout_and_terminate() {
    let w = world();
    let args = |name: &str, trap: bool, stubborn: bool| {
        Term::atom_map(&[
            ("name", Term::str(name)),
            ("trap", Term::bool(trap)),
            ("stubborn", Term::bool(stubborn)),
        ])
    };
    let children = vec![
        ChildSpec::worker("polite", "Counter", args("polite", true, false)),
        ChildSpec::worker("brutal", "Counter", args("brutal", true, false))
            .shutdown(Shutdown::BrutalKill),
        ChildSpec::worker("stubborn", "Counter", args("stubborn", true, true))
            .shutdown(Shutdown::Timeout(2000)),
    ];
    let sup = start_sup(&w.rt, SupFlags::default(), children, "sup");
    let [polite, brutal, stubborn] = [
        w.rt.whereis("polite"),
        w.rt.whereis("brutal"),
        w.rt.whereis("stubborn"),
    ]
    .map(Option::unwrap);
    let t0 = w.rt.now();
    let mark = w.rt.last_seq();
    w.rt.block_on(
        move |ctx: Ctx| async move { supervisor::stop(&ctx, sup, signal::shutdown()).await },
    )
    .unwrap()
    .unwrap();
    assert!(!w.rt.alive(sup));
    // Stopped in reverse order: the stubborn one first, killed after its 2000 ms.
    assert_eq!(exit_reason(&w.rt, stubborn), Some(signal::killed()));
    assert_eq!(exit_reason(&w.rt, brutal), Some(signal::killed()));
    assert_eq!(exit_reason(&w.rt, polite), Some(signal::shutdown()));
    let exit_times: Vec<(Pid, u64)> =
        w.rt.trace_since(mark)
            .into_iter()
            .filter_map(|e| match e.event {
                Event::Exit { pid, .. } => Some((pid, e.time - t0)),
                _ => None,
            })
            .take(4) // then the host task that called stop exits
            .collect();
    assert_eq!(
        exit_times,
        vec![
            (stubborn, 2000),
            (brutal, 2000),
            (polite, 2000),
            (sup, 2000)
        ]
    );
    // terminate ran for the trapping child told :shutdown, not for the brutally killed one,
    // and the stubborn one was killed before its terminate finished.
    assert_eq!(*w.log.borrow(), vec!["terminate :shutdown".to_string()]);
}

#[test]
fn children_start_in_order_and_stop_in_reverse() {
    let w = world();
    let sup = start_sup(
        &w.rt,
        SupFlags::default(),
        vec![counter("a"), counter("b"), counter("c")],
        "sup",
    );
    let started = pids(&w.rt, &["a", "b", "c"]);
    assert!(started[0] < started[1] && started[1] < started[2]);
    let mark = w.rt.last_seq();
    w.rt.block_on(
        move |ctx: Ctx| async move { supervisor::stop(&ctx, sup, signal::shutdown()).await },
    )
    .unwrap()
    .unwrap();
    let mut exits = exits_since(&w.rt, mark);
    exits.truncate(4); // then the host task that called stop exits
    assert_eq!(
        exits,
        vec![
            started[2].unwrap(),
            started[1].unwrap(),
            started[0].unwrap(),
            sup
        ]
    );
}

#[test]
fn failing_child_start_fails_the_supervisor_start() {
    let w = world();
    w.rt.define_module(
        "Broken",
        Module::worker(|_ctx: Ctx, _args: Term, _r| async move {
            StartResult::Error(Term::atom("no_db"))
        }),
    );
    let result =
        w.rt.block_on(|ctx: Ctx| async move {
            ctx.trap_exit(true);
            supervisor::start_link(
                &ctx,
                SupFlags::default(),
                vec![counter("a"), ChildSpec::worker("db", "Broken", Term::nil())],
                None,
            )
            .await
        })
        .unwrap();
    assert_eq!(
        result.to_term().to_string(),
        "{:error, {:shutdown, {:failed_to_start_child, :db, :no_db}}}"
    );
    assert_eq!(
        w.rt.whereis("a"),
        None,
        "the started child was stopped again"
    );
}

#[test]
fn static_child_operations() {
    let w = world();
    let sup = start_sup(&w.rt, SupFlags::default(), vec![counter("a")], "sup");
    let r = |req: &'static str, arg: Term| {
        call(&w.rt, move |ctx: Ctx| async move {
            match req {
                "start" => supervisor::start_child(&ctx, sup, arg).await,
                "terminate" => supervisor::terminate_child(&ctx, sup, arg).await,
                "restart" => supervisor::restart_child(&ctx, sup, arg).await,
                _ => supervisor::delete_child(&ctx, sup, arg).await,
            }
        })
        .to_string()
    };
    let a = w.rt.whereis("a").unwrap();
    assert_eq!(
        r("start", counter("a").to_term()),
        format!("{{:error, {{:already_started, {a}}}}}")
    );
    assert_eq!(r("delete", Term::atom("a")), "{:error, :running}");
    assert_eq!(r("terminate", Term::atom("a")), ":ok");
    assert_eq!(w.rt.whereis("a"), None);
    assert_eq!(
        r("start", counter("a").to_term()),
        "{:error, :already_present}"
    );
    let restarted = r("restart", Term::atom("a"));
    let new_a = w.rt.whereis("a").unwrap();
    assert_eq!(restarted, format!("{{:ok, {new_a}}}"));
    assert_eq!(r("restart", Term::atom("a")), "{:error, :running}");
    assert_eq!(r("terminate", Term::atom("a")), ":ok");
    assert_eq!(r("delete", Term::atom("a")), ":ok");
    assert_eq!(r("delete", Term::atom("a")), "{:error, :not_found}");
    let b = r("start", counter("b").to_term());
    assert_eq!(b, format!("{{:ok, {}}}", w.rt.whereis("b").unwrap()));
    let which = call(&w.rt, move |ctx: Ctx| async move {
        supervisor::which_children(&ctx, sup).await
    });
    assert_eq!(
        which.to_string(),
        format!(
            "[{{:b, {}, :worker, [Counter]}}]",
            w.rt.whereis("b").unwrap()
        )
    );
}

fn start_dynamic(rt: &Runtime, max_children: Option<usize>) -> Pid {
    rt.block_on(move |ctx: Ctx| async move {
        let flags = SupFlags {
            max_children,
            ..SupFlags::default()
        };
        let result =
            supervisor::start_dynamic_link(&ctx, flags, Some("Redfour.SessionSupervisor"), 0).await;
        ctx.unlink(result.pid().unwrap());
        result
    })
    .unwrap()
    .pid()
    .unwrap()
}

#[test]
fn dynamic_supervisor_starts_children_at_run_time_up_to_max_children() {
    let w = world();
    let sup = start_dynamic(&w.rt, Some(2));
    let start = |name: &'static str| {
        call(&w.rt, move |ctx: Ctx| async move {
            let spec = Term::tuple(vec![
                Term::atom("Elixir.Counter"),
                Term::atom_map(&[("name", Term::str(name)), ("start", Term::Int(5))]),
            ]);
            supervisor::start_child(&ctx, "Redfour.SessionSupervisor", spec).await
        })
    };
    let first = start("one");
    let one = w.rt.whereis("one").unwrap();
    assert_eq!(first.to_string(), format!("{{:ok, {one}}}"));
    assert_eq!(
        w.rt.state_of(one),
        Some(Term::Int(5)),
        "started with its argument"
    );
    start("two");
    assert_eq!(start("three").to_string(), "{:error, :max_children}");
    let count = call(&w.rt, move |ctx: Ctx| async move {
        supervisor::count_children(&ctx, sup).await
    });
    assert_eq!(
        count.to_string(),
        "%{active: 2, specs: 2, supervisors: 0, workers: 2}"
    );
    let which = call(&w.rt, move |ctx: Ctx| async move {
        supervisor::which_children(&ctx, sup).await
    });
    assert_eq!(
        which.to_string(),
        format!(
            "[{{:undefined, {one}, :worker, [Counter]}}, {{:undefined, {}, :worker, [Counter]}}]",
            w.rt.whereis("two").unwrap()
        )
    );
    // Killed: restarted (one_for_one) with a new pid; the name moves to it.
    kill_named(&w.rt, "one");
    let new_one = w.rt.whereis("one").unwrap();
    assert_ne!(new_one, one);
    // terminate_child takes a pid; an id is not found.
    let t = call(&w.rt, move |ctx: Ctx| async move {
        supervisor::terminate_child(&ctx, sup, Term::Pid(new_one)).await
    });
    assert_eq!(t, Term::ok());
    assert_eq!(w.rt.whereis("one"), None);
    let t = call(&w.rt, move |ctx: Ctx| async move {
        supervisor::terminate_child(&ctx, sup, Term::atom("two")).await
    });
    assert_eq!(t.to_string(), "{:error, :not_found}");
    let count = call(&w.rt, move |ctx: Ctx| async move {
        supervisor::count_children(&ctx, sup).await
    });
    assert_eq!(
        count.to_string(),
        "%{active: 1, specs: 1, supervisors: 0, workers: 1}"
    );
}

#[test]
fn an_application_stops_when_its_root_gives_up_and_can_start_again() {
    let w = world();
    w.rt.define_module(
        "Root",
        Module::supervisor(|ctx: Ctx, _args: Term, restarts| async move {
            supervisor::start_link_restarted(
                &ctx,
                SupFlags::default(),
                vec![counter("w")],
                Some("root"),
                restarts,
            )
            .await
        }),
    );
    w.rt.define_application(
        "shopping",
        Term::tuple(vec![Term::atom("Elixir.Root"), Term::nil()]),
    );
    let start = || {
        w.rt.block_on(|ctx: Ctx| async move { application::start(&ctx, "shopping").await })
            .unwrap()
    };
    assert_eq!(start(), Term::ok());
    assert_eq!(
        start().to_string(),
        "{:error, {:already_started, :shopping}}"
    );
    for _ in 0..4 {
        kill_named(&w.rt, "w");
    }
    assert_eq!(w.rt.whereis("root"), None);
    assert!(w.rt.applications().is_empty(), "the application stopped");
    let notes: Vec<String> =
        w.rt.trace_since(0)
            .into_iter()
            .filter_map(|e| match e.event {
                Event::Note { kind, text, .. } if &*kind == "application" => Some(text.to_string()),
                _ => None,
            })
            .collect();
    assert_eq!(
        notes,
        [
            "application shopping started",
            "application shopping exited: shutdown"
        ]
    );
    assert_eq!(start(), Term::ok(), "it starts again");
    assert!(w.rt.whereis("w").is_some());
    let stop =
        w.rt.block_on(|ctx: Ctx| async move { application::stop(&ctx, "shopping").await })
            .unwrap();
    assert_eq!(stop, Term::ok());
    assert_eq!(w.rt.snapshot().len(), 0, "everything is down");
    let last_note =
        w.rt.trace_since(0)
            .into_iter()
            .rev()
            .find_map(|e| match e.event {
                Event::Note { text, .. } => Some(text.to_string()),
                _ => None,
            });
    // Elixir 1.14 logs "[notice] Application shopping exited: :stopped".
    assert_eq!(
        last_note.as_deref(),
        Some("application shopping exited: :stopped")
    );
    let stop =
        w.rt.block_on(|ctx: Ctx| async move { application::stop(&ctx, "shopping").await })
            .unwrap();
    assert_eq!(stop.to_string(), "{:error, {:not_started, :shopping}}");
}
