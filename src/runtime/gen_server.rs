//! GenServer: a process that holds state and answers calls, casts and plain messages,
//! with Elixir's callbacks and return values.
//!
//! The callbacks are `async`: a Session handling a call can itself `call` the Catalog and
//! wait for the price without blocking the thread and without running the Catalog
//! re-entrantly. While it waits, its other messages stay queued, in order.
//!
//! ```
//! use redfour::runtime::gen_server::{self, CallReply, From, StartOpts};
//! use redfour::runtime::{Ctx, GenServer, Runtime, Term};
//!
//! struct Counter(i64);
//!
//! impl GenServer for Counter {
//!     const MODULE: &'static str = "Counter";
//!     async fn handle_call(&mut self, _: &Ctx, _: Term, _: From) -> Result<CallReply, Term> {
//!         self.0 += 1;
//!         Ok(CallReply::Reply(Term::Int(self.0)))
//!     }
//! }
//!
//! let rt = Runtime::new(1);
//! let answer = rt.block_on(|ctx| async move {
//!     let pid = gen_server::start(&ctx, Counter(0), StartOpts::default()).await.pid()?;
//!     gen_server::call(&ctx, pid, Term::atom("next"), Some(5000)).await.ok()?;
//!     gen_server::call(&ctx, pid, Term::atom("next"), Some(5000)).await.ok()
//! });
//! assert_eq!(answer, Ok(Some(Term::Int(2))));
//! ```

use std::cell::RefCell;
use std::rc::Rc;

use super::context::Ctx;
use super::pid::{Pid, Ref};
use super::process::StateView;
use super::registry::name_term;
use super::scheduler::{is_down_for, SpawnOpts};
use super::signal;
use super::term::{Atom, Term};

/// `GenServer.call`'s default timeout, in virtual milliseconds.
pub const DEFAULT_CALL_TIMEOUT: u64 = 5000;

/// What `init` returns.
#[derive(Clone, Debug, PartialEq)]
pub enum Init {
    /// `{:ok, state}`
    Ok,
    /// `{:ok, state, timeout}`: `handle_info(:timeout)` if no message comes within `ms`.
    OkTimeout(u64),
    /// `:ignore`: the start returns `:ignore` and the process exits normally.
    Ignore,
    /// `{:stop, reason}`: the start returns `{:error, reason}`.
    Stop(Term),
}

/// What `handle_call` returns.
#[derive(Clone, Debug, PartialEq)]
pub enum CallReply {
    /// `{:reply, reply, state}`
    Reply(Term),
    /// `{:reply, reply, state, timeout}`
    ReplyTimeout(Term, u64),
    /// `{:noreply, state}`: reply later with `reply(from, …)`.
    NoReply,
    /// `{:noreply, state, timeout}`
    NoReplyTimeout(u64),
    /// `{:stop, reason, reply, state}` (with a reply) or `{:stop, reason, state}`.
    Stop(Term, Option<Term>),
}

/// What `handle_cast` and `handle_info` return.
#[derive(Clone, Debug, PartialEq)]
pub enum Flow {
    /// `{:noreply, state}`
    Continue,
    /// `{:noreply, state, timeout}`
    Timeout(u64),
    /// `{:stop, reason, state}`
    Stop(Term),
}

/// Who is waiting for a call's reply (`from` in `handle_call`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct From {
    pub pid: Pid,
    pub tag: Ref,
}

/// What `start` / `start_link` return: `{:ok, pid}`, `:ignore` or `{:error, reason}`.
#[derive(Clone, Debug, PartialEq)]
pub enum StartResult {
    Ok(Pid),
    Ignore,
    Error(Term),
}

impl StartResult {
    pub fn pid(&self) -> Option<Pid> {
        match self {
            StartResult::Ok(pid) => Some(*pid),
            _ => None,
        }
    }

    pub fn to_term(&self) -> Term {
        match self {
            StartResult::Ok(pid) => Term::ok_tuple(Term::Pid(*pid)),
            StartResult::Ignore => Term::Atom(Atom::IGNORE),
            StartResult::Error(reason) => Term::error_tuple(reason.clone()),
        }
    }
}

/// `{:already_started, pid}`
pub fn already_started(pid: Pid) -> Term {
    Term::tuple(vec![Term::Atom(Atom::ALREADY_STARTED), Term::Pid(pid)])
}

/// Where a call or cast goes: a pid or a registered name.
#[derive(Clone, Debug, PartialEq)]
pub enum Server {
    Pid(Pid),
    Name(Rc<str>),
}

impl Server {
    fn resolve(&self, ctx: &Ctx) -> Option<Pid> {
        match self {
            Server::Pid(pid) => Some(*pid),
            Server::Name(name) => ctx.whereis(name),
        }
    }

    /// How the server appears in an exit reason: the pid, or the name as an atom.
    pub fn to_term(&self) -> Term {
        match self {
            Server::Pid(pid) => Term::Pid(*pid),
            Server::Name(name) => name_term(name),
        }
    }
}

impl std::convert::From<Pid> for Server {
    fn from(pid: Pid) -> Self {
        Server::Pid(pid)
    }
}
impl std::convert::From<&str> for Server {
    fn from(name: &str) -> Self {
        Server::Name(Rc::from(name))
    }
}
impl std::convert::From<Rc<str>> for Server {
    fn from(name: Rc<str>) -> Self {
        Server::Name(name)
    }
}

/// Options for `start`.
#[derive(Clone, Debug, Default)]
pub struct StartOpts {
    /// `name:` — register the server under this name.
    pub name: Option<Rc<str>>,
    /// `start_link` rather than `start`.
    pub link: bool,
    /// Restarts so far (set by supervisors, shown in the observer).
    pub restarts: u32,
    /// Marks supervisors in the observer's tree.
    pub supervisor: bool,
}

impl StartOpts {
    pub fn link() -> Self {
        StartOpts {
            link: true,
            ..Default::default()
        }
    }
    pub fn named(mut self, name: &str) -> Self {
        self.name = Some(Rc::from(name));
        self
    }
}

/// A GenServer: implement the callbacks you need; `self` is the server's state.
#[allow(async_fn_in_trait)] // single-threaded runtime: no `Send` bound is wanted
pub trait GenServer: 'static {
    /// The module name shown by the observer and in `:sys.get_state`'s struct.
    const MODULE: &'static str;

    async fn init(&mut self, _ctx: &Ctx) -> Init {
        Init::Ok
    }

    /// Default: exits with `{:bad_call, request}`, as a server without the clause would.
    async fn handle_call(
        &mut self,
        _ctx: &Ctx,
        request: Term,
        _from: From,
    ) -> Result<CallReply, Term> {
        Err(Term::tuple(vec![Term::atom("bad_call"), request]))
    }

    /// Default: exits with `{:bad_cast, msg}`.
    async fn handle_cast(&mut self, _ctx: &Ctx, msg: Term) -> Result<Flow, Term> {
        Err(Term::tuple(vec![Term::atom("bad_cast"), msg]))
    }

    /// Default: ignores the message (Elixir logs it and goes on).
    async fn handle_info(&mut self, _ctx: &Ctx, _msg: Term) -> Result<Flow, Term> {
        Ok(Flow::Continue)
    }

    /// Runs when a callback stops or fails, or when a server that traps exits is told to
    /// shut down by its parent. Never on `:kill`.
    async fn terminate(&mut self, _ctx: &Ctx, _reason: &Term) {}

    /// The state as `:sys.get_state` prints it.
    fn state(&self) -> Term {
        Term::nil()
    }

    /// One line for the process table.
    fn summary(&self) -> String {
        String::new()
    }

    /// One number for a badge or a chart (a Session's item count); `None` by default.
    fn metric(&self) -> Option<i64> {
        None
    }

    /// The part of the state an observer reads often (the books' figures), cheaper to build
    /// than the whole `state`; `None` by default.
    fn digest(&self) -> Option<Term> {
        None
    }
}

struct View<G>(RefCell<G>);

impl<G: GenServer> StateView for View<G> {
    fn state(&self) -> Option<Term> {
        self.0.try_borrow().ok().map(|g| g.state())
    }
    fn summary(&self) -> Option<String> {
        self.0.try_borrow().ok().map(|g| g.summary())
    }
    fn metric(&self) -> Option<i64> {
        self.0.try_borrow().ok().and_then(|g| g.metric())
    }
    fn digest(&self) -> Option<Term> {
        self.0.try_borrow().ok().and_then(|g| g.digest())
    }
}

fn gen_call_reason(reason: Term, server: &Server, request: &Term, timeout: Option<u64>) -> Term {
    let timeout = match timeout {
        Some(ms) => Term::Int(ms as i64),
        None => Term::Atom(Atom::INFINITY),
    };
    Term::tuple(vec![
        reason,
        Term::tuple(vec![
            Term::Atom(Atom::GEN_SERVER),
            Term::Atom(Atom::CALL),
            Term::list(vec![server.to_term(), request.clone(), timeout]),
        ]),
    ])
}

/// `GenServer.call(server, request, timeout)`; `timeout` `None` is `:infinity`.
///
/// `Err` is the reason the caller exits with if it does not handle it (propagate it with
/// `?` to exit, as an Elixir caller would): `{:timeout, {GenServer, :call, [...]}}`,
/// `{:noproc, {GenServer, :call, [...]}}`, or the server's own exit reason.
pub async fn call(
    ctx: &Ctx,
    server: impl Into<Server>,
    request: Term,
    timeout: Option<u64>,
) -> Result<Term, Term> {
    let server = server.into();
    let Some(pid) = server.resolve(ctx) else {
        return Err(gen_call_reason(
            Term::Atom(Atom::NOPROC),
            &server,
            &request,
            timeout,
        ));
    };
    if pid == ctx.pid() {
        return Err(gen_call_reason(
            Term::atom("calling_self"),
            &server,
            &request,
            timeout,
        ));
    }
    let tag = ctx.monitor(pid);
    ctx.set_awaiting(Some(tag));
    ctx.send(
        pid,
        Term::tuple(vec![
            Term::Atom(Atom::GEN_CALL),
            Term::tuple(vec![Term::Pid(ctx.pid()), Term::Ref(tag)]),
            request.clone(),
        ]),
    );
    let is_reply = |m: &Term| matches!(m.as_tuple(), Some([Term::Ref(r), _]) if *r == tag);
    let got = ctx
        .receive_match(|m| is_reply(m) || is_down_for(m, tag), timeout)
        .await;
    ctx.set_awaiting(None);
    match got {
        Some(msg) if is_reply(&msg) => {
            ctx.demonitor(tag, true);
            Ok(msg
                .as_tuple()
                .and_then(|t| t.get(1).cloned())
                .unwrap_or_else(Term::nil))
        }
        Some(down) => {
            let reason = down
                .as_tuple()
                .and_then(|t| t.get(4).cloned())
                .unwrap_or_else(Term::nil);
            Err(gen_call_reason(reason, &server, &request, timeout))
        }
        None => {
            ctx.demonitor(tag, true);
            Err(gen_call_reason(
                Term::Atom(Atom::TIMEOUT),
                &server,
                &request,
                timeout,
            ))
        }
    }
}

/// `GenServer.cast(server, msg)`: always `:ok`, even when the server does not exist.
pub fn cast(ctx: &Ctx, server: impl Into<Server>, msg: Term) {
    if let Some(pid) = server.into().resolve(ctx) {
        ctx.send(pid, Term::tuple(vec![Term::Atom(Atom::GEN_CAST), msg]));
    }
}

/// `GenServer.reply(from, reply)`: answers a call that `handle_call` left with `NoReply`.
pub fn reply(ctx: &Ctx, from: From, reply: Term) {
    ctx.send_reply(from.pid, from.tag, reply);
}

/// `GenServer.stop(server, reason, timeout)`: the server runs `terminate(reason)` and exits
/// with `reason`; returns once it is gone. `Err` with `{:noproc, …}` when there is no such
/// server, or `:timeout` when it did not stop in time.
pub async fn stop(
    ctx: &Ctx,
    server: impl Into<Server>,
    reason: Term,
    timeout: Option<u64>,
) -> Result<(), Term> {
    let server = server.into();
    let Some(pid) = server.resolve(ctx).filter(|p| ctx.alive(*p)) else {
        return Err(Term::tuple(vec![
            Term::Atom(Atom::NOPROC),
            Term::tuple(vec![
                Term::Atom(Atom::GEN_SERVER),
                Term::atom("stop"),
                Term::list(vec![server.to_term(), reason]),
            ]),
        ]));
    };
    let mref = ctx.monitor(pid);
    ctx.send(pid, Term::tuple(vec![Term::atom(GEN_STOP), reason]));
    match ctx.receive_match(|m| is_down_for(m, mref), timeout).await {
        Some(_) => Ok(()),
        None => {
            ctx.demonitor(mref, true);
            Err(Term::Atom(Atom::TIMEOUT))
        }
    }
}

const GEN_STOP: &str = "$gen_stop";

/// `GenServer.start/3` and `start_link/3`: spawns the server, runs `init` in it, and
/// returns once `init` has answered.
pub async fn start<G: GenServer>(ctx: &Ctx, server: G, opts: StartOpts) -> StartResult {
    let ack = ctx.make_ref();
    let starter = ctx.pid();
    let spawn_opts = SpawnOpts {
        link: opts.link,
        name: opts.name.clone(),
        label: Some(Rc::from(G::MODULE)),
        restarts: opts.restarts,
        supervisor: opts.supervisor,
        ..Default::default()
    };
    let pid = match ctx.spawn_opts(spawn_opts, move |c| serve(c, server, starter, ack)) {
        Ok(pid) => pid,
        Err(holder) if holder != starter => return StartResult::Error(already_started(holder)),
        Err(_) => return StartResult::Error(Term::Atom(Atom::NOPROC)),
    };
    let mref = ctx.monitor(pid);
    let is_ack = |m: &Term| matches!(m.as_tuple(), Some([Term::Atom(a), Term::Ref(r), _]) if *a == Atom::ACK && *r == ack);
    let got = ctx
        .receive_match(|m| is_ack(m) || is_down_for(m, mref), None)
        .await;
    ctx.demonitor(mref, true);
    match got {
        Some(msg) if is_ack(&msg) => match msg.as_tuple().and_then(|t| t.get(2)) {
            Some(Term::Atom(a)) if *a == Atom::OK => StartResult::Ok(pid),
            Some(Term::Atom(a)) if *a == Atom::IGNORE => StartResult::Ignore,
            Some(reason) => StartResult::Error(reason.clone()),
            None => StartResult::Error(Term::nil()),
        },
        Some(down) => StartResult::Error(
            down.as_tuple()
                .and_then(|t| t.get(4).cloned())
                .unwrap_or_else(Term::nil),
        ),
        None => StartResult::Error(Term::Atom(Atom::TIMEOUT)),
    }
}

/// `start` with `link: true`.
pub async fn start_link<G: GenServer>(ctx: &Ctx, server: G, name: Option<&str>) -> StartResult {
    let mut opts = StartOpts::link();
    opts.name = name.map(Rc::from);
    start(ctx, server, opts).await
}

/// The server's receive loop.
///
/// The state stays borrowed while a callback runs, across its awaits (a Session waiting on
/// the Catalog): that is the process being busy. The only other reader, the observer's
/// `StateView`, uses `try_borrow` and shows "busy" meanwhile, so the borrow cannot clash.
#[allow(clippy::await_holding_refcell_ref)]
async fn serve<G: GenServer>(ctx: Ctx, server: G, starter: Pid, ack: Ref) -> Term {
    let view = Rc::new(View(RefCell::new(server)));
    ctx.set_state_view(view.clone());
    let cell = &view.0;
    let send_ack = |result: Term| {
        ctx.send(
            starter,
            Term::tuple(vec![Term::Atom(Atom::ACK), Term::Ref(ack), result]),
        );
    };
    let Ok(mut state) = cell.try_borrow_mut() else {
        return Term::atom("state_busy");
    };
    let mut timeout = match state.init(&ctx).await {
        Init::Ok => None,
        Init::OkTimeout(ms) => Some(ms),
        Init::Ignore => {
            send_ack(Term::Atom(Atom::IGNORE));
            return signal::normal();
        }
        Init::Stop(reason) => {
            send_ack(reason.clone());
            return reason;
        }
    };
    drop(state);
    send_ack(Term::ok());
    let parent = ctx.parent();
    loop {
        let msg = match timeout.take() {
            None => ctx.receive().await,
            Some(ms) => ctx
                .receive_timeout(ms)
                .await
                .unwrap_or(Term::Atom(Atom::TIMEOUT)),
        };
        let Ok(mut state) = cell.try_borrow_mut() else {
            return Term::atom("state_busy");
        };
        let outcome: Result<Option<u64>, Term> = match msg.as_tuple() {
            Some([Term::Atom(tag), from, request]) if *tag == Atom::GEN_CALL => {
                let from = match from.as_tuple() {
                    Some([Term::Pid(pid), Term::Ref(tag)]) => From {
                        pid: *pid,
                        tag: *tag,
                    },
                    _ => continue, // a malformed call is not for us
                };
                match state.handle_call(&ctx, request.clone(), from).await {
                    Ok(CallReply::Reply(r)) => {
                        reply(&ctx, from, r);
                        Ok(None)
                    }
                    Ok(CallReply::ReplyTimeout(r, ms)) => {
                        reply(&ctx, from, r);
                        Ok(Some(ms))
                    }
                    Ok(CallReply::NoReply) => Ok(None),
                    Ok(CallReply::NoReplyTimeout(ms)) => Ok(Some(ms)),
                    Ok(CallReply::Stop(reason, r)) => {
                        if let Some(r) = r {
                            reply(&ctx, from, r);
                        }
                        Err(reason)
                    }
                    Err(reason) => Err(reason),
                }
            }
            Some([Term::Atom(tag), msg]) if *tag == Atom::GEN_CAST => {
                flow(state.handle_cast(&ctx, msg.clone()).await)
            }
            Some([Term::Atom(tag), reason]) if &*tag.name() == GEN_STOP => Err(reason.clone()),
            Some([Term::Atom(tag), Term::Pid(from), reason])
                if *tag == Atom::EXIT && Some(*from) == parent =>
            {
                Err(reason.clone())
            }
            _ => flow(state.handle_info(&ctx, msg).await),
        };
        match outcome {
            Ok(next) => timeout = next,
            Err(reason) => {
                state.terminate(&ctx, &reason).await;
                return reason;
            }
        }
    }
}

fn flow(result: Result<Flow, Term>) -> Result<Option<u64>, Term> {
    match result {
        Ok(Flow::Continue) => Ok(None),
        Ok(Flow::Timeout(ms)) => Ok(Some(ms)),
        Ok(Flow::Stop(reason)) => Err(reason),
        Err(reason) => Err(reason),
    }
}
