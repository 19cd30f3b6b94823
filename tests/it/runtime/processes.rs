//! Processes, exit signals, links, monitors, names and timers, each checked the way an
//! Elixir user would (see shared/reference/otp-semantics.md).
#![cfg(not(target_arch = "wasm32"))]

use std::cell::RefCell;
use std::rc::Rc;

use redfour::runtime::{signal, Ctx, Event, Pid, Runtime, SpawnOpts, Status, Term};

type Inbox = Rc<RefCell<Vec<Term>>>;

/// A process that records every message it gets, forever.
fn recorder(rt: &Runtime, trap: bool) -> (Pid, Inbox) {
    let inbox: Inbox = Rc::default();
    let sink = inbox.clone();
    let pid = rt
        .spawn(move |ctx: Ctx| async move {
            ctx.trap_exit(trap);
            loop {
                let msg = ctx.receive().await;
                sink.borrow_mut().push(msg);
            }
        })
        .unwrap();
    rt.run_until_idle();
    (pid, inbox)
}

/// A process that waits forever without handling anything.
fn idle(rt: &Runtime) -> Pid {
    let pid = rt
        .spawn(|ctx: Ctx| async move {
            loop {
                ctx.receive().await;
            }
        })
        .unwrap();
    rt.run_until_idle();
    pid
}

fn exit_reason(rt: &Runtime, pid: Pid) -> Option<Term> {
    rt.trace_since(0).into_iter().find_map(|e| match e.event {
        Event::Exit { pid: p, reason } if p == pid => Some(reason),
        _ => None,
    })
}

fn exit_msg(from: Pid, reason: Term) -> Term {
    Term::tuple(vec![Term::atom("EXIT"), Term::Pid(from), reason])
}

#[test]
fn pids_print_like_the_beam_and_are_never_reused() {
    let rt = Runtime::new(1);
    let a = idle(&rt);
    assert!(a.to_string().starts_with("#PID<0.") && a.to_string().ends_with(".0>"));
    rt.kill(a).unwrap();
    rt.run_until_idle();
    let b = idle(&rt); // takes the freed slot
    assert_ne!(a, b);
    assert_ne!(a.to_string(), b.to_string());
    assert!(!rt.alive(a));
    assert!(rt.alive(b));
}

#[test]
fn a_process_knows_its_own_pid_and_can_exit_with_any_reason() {
    let rt = Runtime::new(1);
    let seen = Rc::new(RefCell::new(None));
    let s = seen.clone();
    let pid = rt
        .spawn(move |ctx: Ctx| async move {
            *s.borrow_mut() = Some(ctx.pid());
            ctx.exit(Term::atom("done_shopping")).await
        })
        .unwrap();
    rt.run_until_idle();
    assert_eq!(*seen.borrow(), Some(pid));
    assert_eq!(exit_reason(&rt, pid), Some(Term::atom("done_shopping")));
    assert!(!rt.alive(pid));
}

#[test]
fn sending_to_a_dead_pid_is_silently_dropped() {
    let rt = Runtime::new(1);
    let pid = idle(&rt);
    rt.kill(pid).unwrap();
    rt.run_until_idle();
    assert_eq!(rt.send(pid, Term::atom("hello")), Ok(()));
    let (_, inbox) = recorder(&rt, false);
    let sender = rt
        .spawn(move |ctx: Ctx| async move {
            ctx.send(pid, Term::atom("hello"));
            signal::normal()
        })
        .unwrap();
    rt.run_until_idle();
    assert!(!rt.alive(sender));
    assert_eq!(exit_reason(&rt, sender), Some(signal::normal()));
    assert!(inbox.borrow().is_empty());
}

#[test]
fn mailbox_is_fifo_and_selective_receive_keeps_the_rest_in_order() {
    let rt = Runtime::new(1);
    let got: Inbox = Rc::default();
    let g = got.clone();
    let pid = rt
        .spawn(move |ctx: Ctx| async move {
            // Wait for :go first, although it arrives last.
            let go = ctx.receive_match(|m| m == &Term::atom("go"), None).await;
            g.borrow_mut().push(go.unwrap());
            for _ in 0..3 {
                let m = ctx.receive().await;
                g.borrow_mut().push(m);
            }
            signal::normal()
        })
        .unwrap();
    for i in 1..=3 {
        rt.send(pid, Term::Int(i)).unwrap();
    }
    rt.send(pid, Term::atom("go")).unwrap();
    rt.run_until_idle();
    let printed: Vec<String> = got.borrow().iter().map(|t| t.to_string()).collect();
    assert_eq!(printed, [":go", "1", "2", "3"]);
}

#[test]
fn normal_exit_does_not_take_linked_processes_down() {
    let rt = Runtime::new(1);
    let (watcher, _) = recorder(&rt, false);
    let worker = rt
        .spawn(move |ctx: Ctx| async move {
            ctx.link(watcher);
            ctx.receive().await;
            signal::normal()
        })
        .unwrap();
    rt.run_until_idle();
    rt.send(worker, Term::atom("stop")).unwrap();
    rt.run_until_idle();
    assert!(!rt.alive(worker));
    assert!(rt.alive(watcher));
    assert_eq!(rt.stats().crashed, 0, "a normal exit is not a crash");
}

#[test]
fn shutdown_reasons_kill_linked_non_trapping_processes_without_being_crashes() {
    for reason in [
        signal::shutdown(),
        Term::tuple(vec![signal::shutdown(), Term::atom("closing")]),
    ] {
        let rt = Runtime::new(1);
        let (watcher, _) = recorder(&rt, false);
        let r = reason.clone();
        let worker = rt
            .spawn(move |ctx: Ctx| async move {
                ctx.link(watcher);
                ctx.receive().await;
                r
            })
            .unwrap();
        rt.run_until_idle();
        rt.send(worker, Term::atom("stop")).unwrap();
        rt.run_until_idle();
        assert!(!rt.alive(watcher));
        assert_eq!(exit_reason(&rt, watcher), Some(reason.clone()));
        assert_eq!(rt.stats().crashed, 0);
    }
}

#[test]
fn crash_reasons_propagate_over_links_and_count_as_crashes() {
    let rt = Runtime::new(1);
    let (a, _) = recorder(&rt, false);
    let (b, _) = recorder(&rt, false);
    let boom = Term::tuple(vec![Term::atom("badarith"), Term::Int(42)]);
    let r = boom.clone();
    let crasher = rt
        .spawn(move |ctx: Ctx| async move {
            ctx.link(a);
            ctx.link(b);
            ctx.receive().await;
            r
        })
        .unwrap();
    rt.run_until_idle();
    rt.send(crasher, Term::atom("go")).unwrap();
    rt.run_until_idle();
    assert_eq!(exit_reason(&rt, a), Some(boom.clone()));
    assert_eq!(exit_reason(&rt, b), Some(boom));
    assert_eq!(rt.stats().crashed, 3);
    assert!(rt.trace_since(0).iter().any(
        |e| e.event.is_crash() && matches!(e.event, Event::Exit { pid, .. } if pid == crasher)
    ));
}

#[test]
fn kill_cannot_be_trapped_and_links_see_killed() {
    let rt = Runtime::new(1);
    let (trapper, inbox) = recorder(&rt, true);
    let (linked_trapper, linked_inbox) = recorder(&rt, true);
    let linked_plain = rt
        .spawn(move |ctx: Ctx| async move {
            ctx.link(trapper);
            loop {
                ctx.receive().await;
            }
        })
        .unwrap();
    // A non-trapping process linked to both: it dies of the trapper's :killed, and the
    // trapping recorder sees that death as a message.
    let linker = rt
        .spawn(move |ctx: Ctx| async move {
            ctx.link(trapper);
            ctx.link(linked_trapper);
            loop {
                ctx.receive().await;
            }
        })
        .unwrap();
    rt.run_until_idle();

    assert_eq!(rt.exit(trapper, signal::kill()), Ok(true));
    rt.run_until_idle();
    assert!(!rt.alive(trapper), "a trapping process still dies of :kill");
    assert_eq!(exit_reason(&rt, trapper), Some(signal::killed()));
    assert!(
        inbox.borrow().is_empty(),
        "no {{:EXIT, …}} message for :kill"
    );
    assert_eq!(exit_reason(&rt, linked_plain), Some(signal::killed()));
    assert_eq!(exit_reason(&rt, linker), Some(signal::killed()));
    // The trapping recorder was linked to the linker: it got {:EXIT, linker, :killed}.
    assert_eq!(
        *linked_inbox.borrow(),
        vec![exit_msg(linker, signal::killed())]
    );
}

#[test]
fn monitors_see_killed_once() {
    let rt = Runtime::new(1);
    let target = idle(&rt);
    // A watcher that forwards what it receives to a recorder.
    let (w2, inbox2) = recorder(&rt, false);
    let r2 = Rc::new(RefCell::new(None));
    let r2c = r2.clone();
    let helper = rt
        .spawn(move |ctx: Ctx| async move {
            *r2c.borrow_mut() = Some(ctx.monitor(target));
            loop {
                let m = ctx.receive().await;
                ctx.send(w2, m);
            }
        })
        .unwrap();
    rt.run_until_idle();
    rt.kill(target).unwrap();
    rt.run_until_idle();
    rt.advance(1000);
    let mref = r2.borrow().unwrap();
    let expected = Term::tuple(vec![
        Term::atom("DOWN"),
        Term::Ref(mref),
        Term::atom("process"),
        Term::Pid(target),
        Term::atom("killed"),
    ]);
    assert_eq!(*inbox2.borrow(), vec![expected], "exactly one :DOWN");
    assert!(
        rt.alive(helper),
        "monitors are one-way: the watcher lives on"
    );
}

#[test]
fn exit_normal_is_ignored_unless_trapping() {
    let rt = Runtime::new(1);
    let plain = idle(&rt);
    let (trapper, inbox) = recorder(&rt, true);
    rt.exit(plain, signal::normal()).unwrap();
    rt.exit(trapper, signal::normal()).unwrap();
    let suicide = rt
        .spawn(|ctx: Ctx| async move {
            ctx.exit_signal(ctx.pid(), signal::normal()); // exit(self(), :normal) does exit
            ctx.receive().await;
            Term::atom("not_reached")
        })
        .unwrap();
    rt.run_until_idle();
    assert_eq!(exit_reason(&rt, suicide), Some(signal::normal()));
    assert!(rt.alive(plain));
    assert!(rt.alive(trapper));
    assert_eq!(
        *inbox.borrow(),
        vec![exit_msg(rt.host_pid(), signal::normal())]
    );
}

#[test]
fn trapping_turns_exit_signals_into_messages() {
    let rt = Runtime::new(1);
    let (trapper, inbox) = recorder(&rt, true);
    let worker = rt
        .spawn(move |ctx: Ctx| async move {
            ctx.link(trapper);
            ctx.receive().await;
            Term::atom("boom")
        })
        .unwrap();
    rt.run_until_idle();
    rt.send(worker, Term::atom("go")).unwrap();
    rt.exit(trapper, Term::atom("please_stop")).unwrap();
    rt.run_until_idle();
    assert!(rt.alive(trapper));
    assert_eq!(
        *inbox.borrow(),
        vec![
            exit_msg(rt.host_pid(), Term::atom("please_stop")),
            exit_msg(worker, Term::atom("boom")),
        ]
    );
}

#[test]
fn links_are_bidirectional_single_and_never_to_self() {
    let rt = Runtime::new(1);
    let b = idle(&rt);
    let a = rt
        .spawn(move |ctx: Ctx| async move {
            ctx.link(b);
            ctx.link(b);
            ctx.link(ctx.pid());
            loop {
                ctx.receive().await;
            }
        })
        .unwrap();
    rt.run_until_idle();
    assert_eq!(rt.process_info(a).unwrap().links, vec![b]);
    assert_eq!(rt.process_info(b).unwrap().links, vec![a]);
    // Either side dying takes the other: kill b, a goes with :killed.
    rt.kill(b).unwrap();
    rt.run_until_idle();
    assert!(!rt.alive(a));
    assert_eq!(exit_reason(&rt, a), Some(signal::killed()));
}

#[test]
fn linking_to_a_dead_process_exits_with_noproc() {
    let rt = Runtime::new(1);
    let dead = idle(&rt);
    rt.kill(dead).unwrap();
    rt.run_until_idle();
    let (trapper, inbox) = recorder(&rt, true);
    let plain = rt
        .spawn(move |ctx: Ctx| async move {
            ctx.link(dead);
            ctx.receive().await;
            signal::normal()
        })
        .unwrap();
    rt.run_until_idle();
    assert_eq!(exit_reason(&rt, plain), Some(Term::atom("noproc")));
    let t = rt
        .spawn(move |ctx: Ctx| async move {
            let _ = trapper;
            ctx.trap_exit(true);
            ctx.link(dead);
            let m = ctx.receive().await;
            ctx.send(trapper, m);
            signal::normal()
        })
        .unwrap();
    rt.run_until_idle();
    assert!(!rt.alive(t));
    assert_eq!(*inbox.borrow(), vec![exit_msg(dead, Term::atom("noproc"))]);
}

#[test]
fn monitoring_a_dead_pid_gives_noproc_at_once_and_demonitor_cancels() {
    let rt = Runtime::new(1);
    let dead = idle(&rt);
    rt.kill(dead).unwrap();
    let live = idle(&rt);
    let got = rt
        .block_on(move |ctx: Ctx| async move {
            let mref = ctx.monitor(dead);
            let first = ctx.receive_timeout(0).await;
            let live_ref = ctx.monitor(live);
            ctx.demonitor(live_ref, false);
            ctx.exit_signal(live, signal::kill());
            let second = ctx.receive_timeout(100).await;
            (mref, first, second)
        })
        .unwrap();
    let (mref, first, second) = got;
    assert_eq!(
        first,
        Some(Term::tuple(vec![
            Term::atom("DOWN"),
            Term::Ref(mref),
            Term::atom("process"),
            Term::Pid(dead),
            Term::atom("noproc"),
        ]))
    );
    assert_eq!(second, None, "a cancelled monitor delivers nothing");
}

#[test]
fn names_point_to_one_live_process_and_are_freed_on_exit() {
    let rt = Runtime::new(1);
    let first = rt
        .spawn_opts(
            SpawnOpts::default().named("my_key"),
            |ctx: Ctx| async move {
                loop {
                    ctx.receive().await;
                }
            },
        )
        .unwrap();
    rt.run_until_idle();
    assert_eq!(rt.whereis("my_key"), Some(first));
    let taken = rt.spawn_opts(
        SpawnOpts::default().named("my_key"),
        |_ctx: Ctx| async move { signal::normal() },
    );
    assert_eq!(
        taken,
        Err(redfour::runtime::RuntimeError::NameTaken(
            "my_key".into(),
            first
        ))
    );
    rt.kill(first).unwrap();
    rt.run_until_idle();
    assert_eq!(
        rt.whereis("my_key"),
        None,
        "whereis gives nil once the process is gone"
    );
    let again = rt
        .block_on(|ctx: Ctx| async move {
            let me = ctx.pid();
            ctx.register("my_key").map(|_| me)
        })
        .unwrap()
        .unwrap();
    assert_ne!(again, first);
    assert_eq!(
        rt.whereis("my_key"),
        None,
        "the task ended, freeing the name again"
    );
}

#[test]
fn a_process_cannot_take_a_second_name_or_a_taken_one() {
    use redfour::runtime::RegisterError;
    let rt = Runtime::new(1);
    let holder = rt
        .spawn_opts(
            SpawnOpts::default().named("catalog"),
            |ctx: Ctx| async move {
                loop {
                    ctx.receive().await;
                }
            },
        )
        .unwrap();
    let results = rt
        .block_on(|ctx: Ctx| async move {
            (
                ctx.register("catalog"),
                ctx.register("sales"),
                ctx.register("other"),
            )
        })
        .unwrap();
    assert_eq!(results.0, Err(RegisterError::Taken(holder)));
    assert_eq!(results.1, Ok(()));
    assert_eq!(results.2, Err(RegisterError::AlreadyNamed));
}

#[test]
fn send_after_fires_on_the_virtual_clock_and_cancel_returns_time_left() {
    let rt = Runtime::new(1);
    let (pid, inbox) = recorder(&rt, false);
    rt.send_after(300, pid, Term::atom("late")).unwrap();
    let t = rt.send_after(500, pid, Term::atom("cancelled")).unwrap();
    rt.advance(299);
    assert!(inbox.borrow().is_empty());
    assert_eq!(rt.cancel_timer(t), Some(201));
    rt.advance(1);
    assert_eq!(*inbox.borrow(), vec![Term::atom("late")]);
    rt.advance(10_000);
    assert_eq!(inbox.borrow().len(), 1);
    assert_eq!(rt.cancel_timer(t), None);
    assert_eq!(rt.now(), 10_300);
}

#[test]
fn sleep_and_receive_timeouts_use_virtual_time_in_deadline_order() {
    let rt = Runtime::new(1);
    let log: Rc<RefCell<Vec<(u64, &'static str)>>> = Rc::default();
    for (name, ms) in [("slow", 250u64), ("fast", 100), ("mid", 150)] {
        let l = log.clone();
        rt.spawn(move |ctx: Ctx| async move {
            ctx.sleep(ms).await;
            l.borrow_mut().push((ctx.now(), name));
            // A timer set while handling a timer, inside the same advance.
            ctx.sleep(10).await;
            l.borrow_mut().push((ctx.now(), name));
            signal::normal()
        })
        .unwrap();
    }
    rt.advance(1000);
    assert_eq!(
        *log.borrow(),
        vec![
            (100, "fast"),
            (110, "fast"),
            (150, "mid"),
            (160, "mid"),
            (250, "slow"),
            (260, "slow"),
        ]
    );
}

#[test]
fn a_busy_process_cannot_starve_the_others() {
    let rt = Runtime::new(1);
    let order: Rc<RefCell<Vec<&'static str>>> = Rc::default();
    let o = order.clone();
    let busy = rt
        .spawn(move |ctx: Ctx| async move {
            loop {
                ctx.receive().await;
                o.borrow_mut().push("busy");
            }
        })
        .unwrap();
    let o = order.clone();
    let other = rt
        .spawn(move |ctx: Ctx| async move {
            ctx.receive().await;
            o.borrow_mut().push("other");
            signal::normal()
        })
        .unwrap();
    rt.run_until_idle();
    for _ in 0..1000 {
        rt.send(busy, Term::atom("work")).unwrap();
    }
    rt.send(other, Term::atom("work")).unwrap();
    rt.run_until_idle();
    let pos = order.borrow().iter().position(|s| *s == "other").unwrap();
    assert!(
        pos <= 100,
        "the other process ran after {pos} messages of the busy one"
    );
    assert_eq!(order.borrow().len(), 1001);
}

#[test]
fn a_killed_process_never_runs_again() {
    let rt = Runtime::new(1);
    let ran = Rc::new(RefCell::new(0));
    let r = ran.clone();
    let pid = rt
        .spawn(move |ctx: Ctx| async move {
            loop {
                ctx.receive().await;
                *r.borrow_mut() += 1;
            }
        })
        .unwrap();
    rt.send(pid, Term::Int(1)).unwrap();
    rt.run_until_idle();
    rt.send(pid, Term::Int(2)).unwrap();
    rt.kill(pid).unwrap(); // the second message is queued but never handled
    rt.run_until_idle();
    rt.send(pid, Term::Int(3)).unwrap();
    rt.advance(10_000);
    assert_eq!(*ran.borrow(), 1);
    assert_eq!(rt.process_info(pid), None);
    assert_eq!(
        rt.kill(pid),
        Err(redfour::runtime::RuntimeError::NoProcess(pid))
    );
}

#[test]
fn a_process_that_kills_itself_stops_at_once() {
    let rt = Runtime::new(1);
    let (watcher, inbox) = recorder(&rt, false);
    let pid = rt
        .spawn(move |ctx: Ctx| async move {
            ctx.exit_signal(ctx.pid(), signal::kill());
            ctx.send(watcher, Term::atom("after_death")); // ignored: the process is dead
            ctx.receive().await;
            signal::normal()
        })
        .unwrap();
    rt.run_until_idle();
    assert!(!rt.alive(pid));
    assert_eq!(exit_reason(&rt, pid), Some(signal::killed()));
    assert!(inbox.borrow().is_empty());
}

#[test]
fn spawn_monitor_and_spawn_link() {
    let rt = Runtime::new(1);
    let (down, linked_alive) = rt
        .block_on(|ctx: Ctx| async move {
            let (child, mref) = ctx
                .spawn_monitor(|_c: Ctx| async move { Term::atom("oops") })
                .unwrap();
            let down = ctx.receive().await;
            ctx.trap_exit(true);
            let linked = ctx
                .spawn_link(|_c: Ctx| async move { Term::atom("bye") })
                .unwrap();
            let exit = ctx.receive().await;
            (
                (child, mref, down),
                exit == exit_msg(linked, Term::atom("bye")),
            )
        })
        .unwrap();
    let (child, mref, msg) = down;
    assert_eq!(
        msg,
        Term::tuple(vec![
            Term::atom("DOWN"),
            Term::Ref(mref),
            Term::atom("process"),
            Term::Pid(child),
            Term::atom("oops"),
        ])
    );
    assert!(linked_alive);
}

#[test]
fn snapshots_describe_live_processes() {
    let rt = Runtime::new(1);
    let a = idle(&rt);
    rt.send(a, Term::atom("x")).unwrap(); // handled: reductions 1
    let b = rt
        .spawn_opts(
            SpawnOpts::default().named("parked").labelled("Demo"),
            |ctx: Ctx| async move {
                ctx.park().await;
                signal::normal()
            },
        )
        .unwrap();
    rt.run_until_idle();
    rt.send(b, Term::atom("queued")).unwrap();
    let info = rt.process_info(b).unwrap();
    assert_eq!(info.name.as_deref(), Some("parked"));
    assert_eq!(info.label.as_deref(), Some("Demo"));
    assert_eq!(info.status, Status::Parked);
    assert_eq!(info.message_queue_len, 1);
    assert!(info.memory > 0);
    assert_eq!(rt.process_info(a).unwrap().reductions, 1);
    assert_eq!(rt.process_info(a).unwrap().status, Status::Waiting);
    let pids: Vec<Pid> = rt.snapshot().iter().map(|i| i.pid).collect();
    assert_eq!(pids, vec![a, b]);
    assert_eq!(rt.resume(b), Ok(true));
    rt.run_until_idle();
    assert!(!rt.alive(b));
}

#[test]
fn block_on_reports_a_task_that_dies_or_deadlocks() {
    use redfour::runtime::RuntimeError;
    let rt = Runtime::new(1);
    let died = rt.block_on(|ctx: Ctx| async move {
        ctx.exit(Term::atom("gave_up")).await;
    });
    assert_eq!(died, Err(RuntimeError::TaskExited(Term::atom("gave_up"))));
    let stuck = rt.block_on(|ctx: Ctx| async move {
        ctx.receive().await;
    });
    assert_eq!(stuck, Err(RuntimeError::Deadlock));
}

#[test]
fn message_tracing_records_sends_and_receives_when_on() {
    let rt = Runtime::new(1);
    let (pid, _) = recorder(&rt, false);
    rt.send(pid, Term::atom("quiet")).unwrap();
    rt.run_until_idle();
    assert!(!rt.trace_since(0).iter().any(|e| e.event.kind() == "send"));
    rt.set_trace_messages(true);
    rt.send(pid, Term::atom("loud")).unwrap();
    rt.run_until_idle();
    let kinds: Vec<String> = rt
        .trace_since(0)
        .iter()
        .filter(|e| matches!(e.event.kind(), "send" | "receive"))
        .map(|e| e.event.to_string())
        .collect();
    assert_eq!(
        kinds,
        vec![
            format!("send {} -> {pid}: :loud", rt.host_pid()),
            format!("receive {pid}: :loud")
        ]
    );
}

#[test]
fn the_trace_is_bounded_and_numbered() {
    let rt = Runtime::new(1);
    rt.set_trace_capacity(10);
    for _ in 0..20 {
        rt.spawn(|_ctx: Ctx| async move { signal::normal() })
            .unwrap();
    }
    rt.run_until_idle();
    let events = rt.trace_since(0);
    assert_eq!(events.len(), 10);
    assert_eq!(events.last().unwrap().seq, rt.last_seq());
    assert_eq!(rt.last_seq(), 40, "20 spawns and 20 exits were numbered");
    assert!(events.windows(2).all(|w| w[1].seq == w[0].seq + 1));
    assert_eq!(rt.trace_since(rt.last_seq() - 2).len(), 2);
}
