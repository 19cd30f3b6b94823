//! GenServer, as an Elixir user knows it: init results, call and its timeouts, cast,
//! reply later, idle timeouts, terminate (and when it does not run).
#![cfg(not(target_arch = "wasm32"))]

use std::cell::RefCell;
use std::rc::Rc;

use redfour::runtime::gen_server::{self, From, StartOpts, DEFAULT_CALL_TIMEOUT};
use redfour::runtime::{
    signal, CallReply, Ctx, Event, Flow, GenServer, Init, Pid, Runtime, StartResult, Term,
};

/// A stack server that can be told to misbehave.
struct Stack {
    items: Vec<Term>,
    init: Init,
    terminated: Rc<RefCell<Vec<Term>>>,
    pending: Option<From>,
}

impl Stack {
    fn new(init: Init) -> (Self, Rc<RefCell<Vec<Term>>>) {
        let terminated: Rc<RefCell<Vec<Term>>> = Rc::default();
        (
            Stack {
                items: vec![],
                init,
                terminated: terminated.clone(),
                pending: None,
            },
            terminated,
        )
    }
}

impl GenServer for Stack {
    const MODULE: &'static str = "Stack";

    async fn init(&mut self, _ctx: &Ctx) -> Init {
        self.init.clone()
    }

    async fn handle_call(
        &mut self,
        ctx: &Ctx,
        request: Term,
        from: From,
    ) -> Result<CallReply, Term> {
        match request.as_atom().map(|a| a.name().to_string()).as_deref() {
            Some("pop") => Ok(CallReply::Reply(self.items.pop().unwrap_or_else(Term::nil))),
            Some("slow") => {
                ctx.sleep(10_000).await;
                Ok(CallReply::Reply(Term::atom("too_late")))
            }
            Some("later") => {
                self.pending = Some(from);
                Ok(CallReply::NoReply)
            }
            Some("stop") => Ok(CallReply::Stop(
                Term::atom("asked"),
                Some(Term::atom("bye")),
            )),
            Some("crash") => Err(Term::atom("boom")),
            Some("idle") => Ok(CallReply::ReplyTimeout(Term::ok(), 1000)),
            _ => Ok(CallReply::Reply(Term::tuple(vec![
                Term::atom("unknown"),
                request,
            ]))),
        }
    }

    async fn handle_cast(&mut self, ctx: &Ctx, msg: Term) -> Result<Flow, Term> {
        if msg == Term::atom("answer") {
            if let Some(from) = self.pending.take() {
                gen_server::reply(ctx, from, Term::atom("answered_later"));
            }
        } else {
            self.items.push(msg);
        }
        Ok(Flow::Continue)
    }

    async fn handle_info(&mut self, _ctx: &Ctx, msg: Term) -> Result<Flow, Term> {
        self.items.push(Term::tuple(vec![Term::atom("info"), msg]));
        Ok(Flow::Continue)
    }

    async fn terminate(&mut self, _ctx: &Ctx, reason: &Term) {
        self.terminated.borrow_mut().push(reason.clone());
    }

    fn state(&self) -> Term {
        Term::list(self.items.clone())
    }
}

fn start(rt: &Runtime, init: Init, name: Option<&str>) -> (StartResult, Rc<RefCell<Vec<Term>>>) {
    let (server, terminated) = Stack::new(init);
    let opts = StartOpts {
        name: name.map(Rc::from),
        ..StartOpts::default()
    };
    let result = rt
        .block_on(move |ctx: Ctx| async move { gen_server::start(&ctx, server, opts).await })
        .unwrap();
    (result, terminated)
}

fn call(rt: &Runtime, server: Pid, request: &str) -> Result<Term, Term> {
    let request = Term::atom(request);
    rt.block_on(move |ctx: Ctx| async move {
        gen_server::call(&ctx, server, request, Some(DEFAULT_CALL_TIMEOUT)).await
    })
    .unwrap()
}

#[test]
fn init_ok_ignore_and_stop() {
    let rt = Runtime::new(1);
    let (ok, _) = start(&rt, Init::Ok, None);
    let pid = ok.pid().unwrap();
    assert!(rt.alive(pid));
    assert_eq!(ok.to_term().to_string(), format!("{{:ok, {pid}}}"));

    let (ignored, _) = start(&rt, Init::Ignore, None);
    assert_eq!(ignored, StartResult::Ignore);
    assert_eq!(ignored.to_term(), Term::atom("ignore"));

    let (stopped, _) = start(&rt, Init::Stop(Term::atom("no_stock")), None);
    assert_eq!(stopped.to_term().to_string(), "{:error, :no_stock}");
    assert_eq!(rt.snapshot().len(), 1, "only the :ok server is alive");
}

#[test]
fn a_taken_name_gives_already_started_with_the_holder() {
    let rt = Runtime::new(1);
    let (first, _) = start(&rt, Init::Ok, Some("my_key"));
    let (second, _) = start(&rt, Init::Ok, Some("my_key"));
    let holder = first.pid().unwrap();
    assert_eq!(
        second.to_term().to_string(),
        format!("{{:error, {{:already_started, {holder}}}}}")
    );
    assert_eq!(rt.whereis("my_key"), Some(holder));
}

#[test]
fn call_and_cast_round_trip_and_state_is_inspectable() {
    let rt = Runtime::new(1);
    let (started, _) = start(&rt, Init::Ok, Some("stack"));
    let pid = started.pid().unwrap();
    rt.block_on(|ctx: Ctx| async move {
        gen_server::cast(&ctx, "stack", Term::Int(1));
        gen_server::cast(&ctx, "stack", Term::Int(2));
    })
    .unwrap();
    rt.run_until_idle();
    assert_eq!(rt.state_of(pid).unwrap().to_string(), "[1, 2]");
    assert_eq!(call(&rt, pid, "pop"), Ok(Term::Int(2)));
    assert_eq!(rt.state_of(pid).unwrap().to_string(), "[1]");
}

#[test]
fn cast_returns_ok_even_without_a_server() {
    let rt = Runtime::new(1);
    let survived = rt
        .block_on(|ctx: Ctx| async move {
            gen_server::cast(&ctx, "nobody", Term::atom("hello"));
            true
        })
        .unwrap();
    assert!(survived);
}

#[test]
fn call_timeout_exits_the_caller_with_the_elixir_reason() {
    let rt = Runtime::new(1);
    let (started, _) = start(&rt, Init::Ok, Some("stack"));
    let pid = started.pid().unwrap();
    let t0 = rt.now();
    // Handled: the caller sees the reason.
    let err = rt
        .block_on(|ctx: Ctx| async move {
            gen_server::call(
                &ctx,
                "stack",
                Term::atom("slow"),
                Some(DEFAULT_CALL_TIMEOUT),
            )
            .await
        })
        .unwrap()
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "{:timeout, {GenServer, :call, [:stack, :slow, 5000]}}"
    );
    assert_eq!(
        rt.now() - t0,
        5000,
        "the default timeout is 5000 ms of virtual time"
    );
    // Not handled (propagated with `?`): the caller process exits with it.
    let caller = rt
        .spawn(|ctx: Ctx| async move {
            match gen_server::call(&ctx, "stack", Term::atom("slow"), Some(5000)).await {
                Ok(_) => signal::normal(),
                Err(reason) => reason,
            }
        })
        .unwrap();
    rt.advance(20_000);
    let reason = rt.trace_since(0).into_iter().find_map(|e| match e.event {
        Event::Exit { pid, reason } if pid == caller => Some(reason),
        _ => None,
    });
    assert_eq!(
        reason.unwrap().to_string(),
        "{:timeout, {GenServer, :call, [:stack, :slow, 5000]}}"
    );
    // The late reply was dropped: it is in nobody's mailbox and the server lives on.
    assert!(rt.alive(pid));
    assert!(rt.take_host_messages().is_empty());
}

#[test]
fn calling_a_dead_or_unknown_server_is_noproc() {
    let rt = Runtime::new(1);
    let (started, _) = start(&rt, Init::Ok, None);
    let pid = started.pid().unwrap();
    rt.kill(pid).unwrap();
    rt.run_until_idle();
    assert_eq!(
        call(&rt, pid, "pop").unwrap_err().to_string(),
        format!("{{:noproc, {{GenServer, :call, [{pid}, :pop, 5000]}}}}")
    );
    let unknown = rt
        .block_on(|ctx: Ctx| async move {
            gen_server::call(&ctx, "Redfour.Catalog", Term::atom("list"), None).await
        })
        .unwrap();
    assert_eq!(
        unknown.unwrap_err().to_string(),
        "{:noproc, {GenServer, :call, [Redfour.Catalog, :list, :infinity]}}"
    );
}

#[test]
fn a_server_that_dies_during_a_call_gives_its_reason() {
    let rt = Runtime::new(1);
    let (started, terminated) = start(&rt, Init::Ok, None);
    let pid = started.pid().unwrap();
    let err = call(&rt, pid, "crash").unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("{{:boom, {{GenServer, :call, [{pid}, :crash, 5000]}}}}")
    );
    assert!(!rt.alive(pid));
    assert_eq!(
        *terminated.borrow(),
        vec![Term::atom("boom")],
        "terminate ran"
    );
}

#[test]
fn stop_with_a_reply_replies_then_terminates() {
    let rt = Runtime::new(1);
    let (started, terminated) = start(&rt, Init::Ok, None);
    let pid = started.pid().unwrap();
    assert_eq!(call(&rt, pid, "stop"), Ok(Term::atom("bye")));
    rt.run_until_idle();
    assert!(!rt.alive(pid));
    assert_eq!(*terminated.borrow(), vec![Term::atom("asked")]);
}

#[test]
fn noreply_then_reply_later_from_another_callback() {
    let rt = Runtime::new(1);
    let (started, _) = start(&rt, Init::Ok, None);
    let pid = started.pid().unwrap();
    let answer = rt
        .block_on(move |ctx: Ctx| async move {
            // A helper casts :answer a little later.
            ctx.spawn(move |c: Ctx| async move {
                c.sleep(100).await;
                gen_server::cast(&c, pid, Term::atom("answer"));
                signal::normal()
            });
            gen_server::call(&ctx, pid, Term::atom("later"), Some(5000)).await
        })
        .unwrap();
    assert_eq!(answer, Ok(Term::atom("answered_later")));
}

#[test]
fn idle_timeout_delivers_timeout_info_unless_a_message_comes_first() {
    let rt = Runtime::new(1);
    let (started, _) = start(&rt, Init::Ok, None);
    let pid = started.pid().unwrap();
    assert_eq!(call(&rt, pid, "idle"), Ok(Term::ok()));
    rt.advance(999);
    assert_eq!(rt.state_of(pid).unwrap().to_string(), "[]");
    rt.advance(1);
    assert_eq!(rt.state_of(pid).unwrap().to_string(), "[info: :timeout]");
    // A message before the timeout cancels it.
    assert_eq!(call(&rt, pid, "idle"), Ok(Term::ok()));
    rt.send(pid, Term::atom("ping")).unwrap();
    rt.advance(5000);
    assert_eq!(
        rt.state_of(pid).unwrap().to_string(),
        "[info: :timeout, info: :ping]"
    );
}

#[test]
fn terminate_does_not_run_on_kill() {
    let rt = Runtime::new(1);
    let (started, terminated) = start(&rt, Init::Ok, None);
    rt.kill(started.pid().unwrap()).unwrap();
    rt.run_until_idle();
    assert!(terminated.borrow().is_empty());
}

/// A server that traps exits, started linked by a parent.
struct Trapper(Rc<RefCell<Vec<Term>>>);
impl GenServer for Trapper {
    const MODULE: &'static str = "Trapper";
    async fn init(&mut self, ctx: &Ctx) -> Init {
        ctx.trap_exit(true);
        Init::Ok
    }
    async fn terminate(&mut self, _ctx: &Ctx, reason: &Term) {
        self.0.borrow_mut().push(reason.clone());
    }
}

#[test]
fn terminate_runs_when_a_trapping_server_gets_shutdown_from_its_parent() {
    let rt = Runtime::new(1);
    let log: Rc<RefCell<Vec<Term>>> = Rc::default();
    let l = log.clone();
    let child = Rc::new(RefCell::new(None));
    let c = child.clone();
    let parent = rt
        .spawn(move |ctx: Ctx| async move {
            let started = gen_server::start_link(&ctx, Trapper(l), None).await;
            *c.borrow_mut() = started.pid();
            ctx.receive().await; // wait for the order to stop
            signal::shutdown()
        })
        .unwrap();
    rt.run_until_idle();
    let child = child.borrow().unwrap();
    assert!(rt.alive(child));
    // An exit from someone else is just a message to a trapping server:
    rt.exit(child, Term::atom("not_from_parent")).unwrap();
    rt.run_until_idle();
    assert!(rt.alive(child));
    rt.send(parent, Term::atom("stop")).unwrap();
    rt.run_until_idle();
    assert!(!rt.alive(child));
    assert_eq!(*log.borrow(), vec![signal::shutdown()]);
}

/// Session-like server that asks another server during its own call.
struct Asker;
impl GenServer for Asker {
    const MODULE: &'static str = "Asker";
    async fn handle_call(
        &mut self,
        ctx: &Ctx,
        request: Term,
        _from: From,
    ) -> Result<CallReply, Term> {
        // Ask the other one; a failure exits this server too (Elixir's default).
        let answer = gen_server::call(ctx, "stack", request, Some(1000)).await?;
        Ok(CallReply::Reply(Term::tuple(vec![
            Term::atom("via"),
            answer,
        ])))
    }
}

#[test]
fn a_call_inside_a_call_suspends_without_blocking_others() {
    let rt = Runtime::new(1);
    let (stack, _) = start(&rt, Init::Ok, Some("stack"));
    rt.block_on(|ctx: Ctx| async move {
        gen_server::cast(&ctx, "stack", Term::Int(7));
    })
    .unwrap();
    let asker = rt
        .block_on(
            |ctx: Ctx| async move { gen_server::start(&ctx, Asker, StartOpts::default()).await },
        )
        .unwrap()
        .pid()
        .unwrap();
    assert_eq!(call(&rt, asker, "pop").unwrap().to_string(), "{:via, 7}");
    // While the stack is stuck in a slow call, the asker's call times out after 1000 ms
    // and the asker exits with that reason.
    let _slow = rt.spawn(move |ctx: Ctx| async move {
        let _ = gen_server::call(&ctx, stack.pid().unwrap(), Term::atom("slow"), None).await;
        signal::normal()
    });
    rt.run_until_idle();
    let err = call(&rt, asker, "pop").unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("{{{{:timeout, {{GenServer, :call, [:stack, :pop, 1000]}}}}, {{GenServer, :call, [{asker}, :pop, 5000]}}}}")
    );
    assert!(!rt.alive(asker));
}

/// Two servers that call each other: A -> B -> A. The runtime does not run A re-entrantly;
/// the cycle ends in call timeouts, as on the BEAM.
struct Mutual(&'static str);
impl GenServer for Mutual {
    const MODULE: &'static str = "Mutual";
    async fn handle_call(
        &mut self,
        ctx: &Ctx,
        request: Term,
        _from: From,
    ) -> Result<CallReply, Term> {
        let reply = gen_server::call(ctx, self.0, request, Some(1000)).await?;
        Ok(CallReply::Reply(reply))
    }
}

#[test]
fn a_call_cycle_times_out_instead_of_deadlocking_the_runtime() {
    let rt = Runtime::new(1);
    let a = rt
        .block_on(|ctx: Ctx| async move {
            gen_server::start(&ctx, Mutual("b"), StartOpts::default().named("a")).await
        })
        .unwrap();
    rt.block_on(|ctx: Ctx| async move {
        gen_server::start(&ctx, Mutual("a"), StartOpts::default().named("b")).await
    })
    .unwrap();
    let err = call(&rt, a.pid().unwrap(), "ping").unwrap_err();
    assert!(
        err.to_string().contains(":timeout"),
        "the cycle ends in a timeout: {err}"
    );
}
