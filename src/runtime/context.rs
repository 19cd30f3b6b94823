//! `Ctx`: what a process can do. Each process body receives one; it is the process's own
//! handle to the runtime (its pid, its mailbox, its links), like `self()` and the BIFs in
//! Erlang.
//!
//! The `async` methods are the suspension points. `receive` waits for the next message;
//! `receive_match` is Erlang's selective receive (other messages stay queued, in order);
//! `sleep` and the `*_timeout` forms use the virtual clock.
//!
//! A process that has been killed never runs again: its future is dropped at its next
//! suspension point, and until then every operation it attempts is ignored.

use std::cell::{RefCell, RefMut};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use super::ets;
use super::pid::{Pid, Ref};
use super::process::StateView;
use super::scheduler::{Inner, SpawnOpts, Take};
use super::term::{Atom, Term};
use super::timer::{TimerAction, TimerRef};
use super::trace::Event;

/// A process's handle to the runtime.
#[derive(Clone)]
pub struct Ctx {
    inner: Rc<RefCell<Inner>>,
    pid: Pid,
}

/// Why `register` failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RegisterError {
    /// The name belongs to this live process.
    Taken(Pid),
    /// This process already has a name.
    AlreadyNamed,
    /// The process is not alive.
    NotAlive,
}

impl Ctx {
    pub(crate) fn new(inner: Rc<RefCell<Inner>>, pid: Pid) -> Self {
        Ctx { inner, pid }
    }

    /// The scheduler state, if this process is alive and the state is not borrowed.
    #[inline(always)]
    fn live_inner(&self) -> Option<RefMut<'_, Inner>> {
        let inner = self.inner.try_borrow_mut().ok()?;
        // The running process is alive (terminating it clears `current`): no lookup.
        (inner.current == self.pid || inner.alive(self.pid)).then_some(inner)
    }

    /// Runs `f` on the scheduler state if this process is alive; otherwise returns `dead`.
    #[inline(always)]
    fn with<R>(&self, dead: R, f: impl FnOnce(&mut Inner) -> R) -> R {
        match self.live_inner() {
            Some(mut inner) => f(&mut inner),
            None => dead,
        }
    }

    /// `self()`
    pub fn pid(&self) -> Pid {
        self.pid
    }

    /// Virtual milliseconds since the runtime started.
    pub fn now(&self) -> u64 {
        self.inner.try_borrow().map(|i| i.now).unwrap_or(0)
    }

    /// A random number from the runtime's seeded generator.
    pub fn random_u64(&self) -> u64 {
        self.with(0, |inner| inner.random().next_u64())
    }

    /// A random number in `0..n`.
    pub fn random_below(&self, n: u64) -> u64 {
        self.with(0, |inner| inner.random().below(n))
    }

    /// True with probability `p`.
    pub fn chance(&self, p: f64) -> bool {
        self.with(false, |inner| inner.random().chance(p))
    }

    /// `make_ref()`
    pub fn make_ref(&self) -> Ref {
        self.with(Ref(0), |inner| inner.make_ref())
    }

    /// `send(to, msg)`: always succeeds; a dead `to` drops the message.
    #[inline(always)]
    pub fn send(&self, to: Pid, msg: Term) {
        // Not through `with`: a closure here stays out of line on the hot path.
        if let Some(mut inner) = self.live_inner() {
            inner.push_message(Some(self.pid), to, msg);
        }
    }

    /// Sends to a registered name. `Err` when nothing is registered under it (`send/2`
    /// raises `ArgumentError` there).
    pub fn send_named(&self, name: &str, msg: Term) -> Result<(), Term> {
        match self.whereis(name) {
            Some(pid) => {
                self.send(pid, msg);
                Ok(())
            }
            None => Err(Term::atom("badarg")),
        }
    }

    /// Replies to a `GenServer.call` (see `gen_server::reply`).
    pub(crate) fn send_reply(&self, to: Pid, tag: Ref, reply: Term) {
        let from = self.pid;
        self.with((), |inner| inner.push_reply(Some(from), to, tag, reply))
    }

    /// Waits for the next message.
    #[inline]
    pub fn receive(&self) -> Next<'_> {
        Next { ctx: self }
    }

    /// Waits up to `ms` for the next message; `None` on timeout.
    pub fn receive_timeout(&self, ms: u64) -> Receive<'_, fn(&Term) -> bool> {
        Receive::new(self, None, Some(ms))
    }

    /// Selective receive: the first queued message for which `matches` is true, waiting up to
    /// `timeout` ms (`None`: forever). Messages that do not match stay in the mailbox, in
    /// order. `matches` must not call back into `Ctx`.
    pub fn receive_match<F: FnMut(&Term) -> bool>(
        &self,
        matches: F,
        timeout: Option<u64>,
    ) -> Receive<'_, F> {
        Receive::new(self, Some(matches), timeout)
    }

    /// `Process.sleep(ms)`: waits on the virtual clock; messages stay queued.
    pub async fn sleep(&self, ms: u64) {
        self.receive_match(|_| false, Some(ms)).await;
    }

    /// Suspends until the host calls `Runtime::resume` for this process. Messages arriving
    /// meanwhile are queued but do not wake it.
    pub fn park(&self) -> Park<'_> {
        Park {
            ctx: self,
            parked: false,
        }
    }

    /// `Process.register(pid, name)` for any live process without a name.
    pub fn register_pid(&self, pid: Pid, name: &str) -> Result<(), RegisterError> {
        self.with(Err(RegisterError::NotAlive), |inner| {
            let Some(slot) = inner.slot(pid) else {
                return Err(RegisterError::NotAlive);
            };
            if slot.ext.as_ref().is_some_and(|e| e.name.is_some()) {
                return Err(RegisterError::AlreadyNamed);
            }
            inner
                .register(pid, Rc::from(name))
                .map_err(RegisterError::Taken)
        })
    }

    /// Gives up the rest of this turn: the process goes to the back of the run queue and
    /// continues when its turn comes again (how an interpreted process is preempted).
    pub fn yield_now(&self) -> YieldNow<'_> {
        YieldNow {
            ctx: self,
            yielded: false,
        }
    }

    /// Counts work done outside of messages (an interpreter's reductions), so the process
    /// table shows a busy process as busy.
    pub fn add_reductions(&self, n: u32) {
        if let Ok(mut inner) = self.inner.try_borrow_mut() {
            if let Some(slot) = inner.slot_mut(self.pid) {
                slot.reductions = slot.reductions.wrapping_add(n);
            }
            inner.work = inner.work.wrapping_add(n as u64);
        }
    }

    /// Ends this process now with `reason` (`exit(reason)`); never returns.
    pub async fn exit(&self, reason: Term) -> Term {
        let pid = self.pid;
        self.with((), |inner| inner.exit_process(pid, reason.clone()));
        std::future::pending::<()>().await;
        reason
    }

    /// `Process.exit(pid, reason)`: sends an exit signal (to itself too).
    pub fn exit_signal(&self, to: Pid, reason: Term) {
        let from = self.pid;
        self.with((), |inner| inner.exit_signal(from, to, reason, true))
    }

    /// Spawns a process.
    pub fn spawn<F, Fut>(&self, body: F) -> Option<Pid>
    where
        F: FnOnce(Ctx) -> Fut,
        Fut: Future<Output = Term> + 'static,
    {
        self.spawn_opts(SpawnOpts::default(), body).ok()
    }

    /// `spawn_link`
    pub fn spawn_link<F, Fut>(&self, body: F) -> Option<Pid>
    where
        F: FnOnce(Ctx) -> Fut,
        Fut: Future<Output = Term> + 'static,
    {
        self.spawn_opts(SpawnOpts::link(), body).ok()
    }

    /// `spawn_monitor`: the pid and the monitor reference.
    pub fn spawn_monitor<F, Fut>(&self, body: F) -> Option<(Pid, Ref)>
    where
        F: FnOnce(Ctx) -> Fut,
        Fut: Future<Output = Term> + 'static,
    {
        let pid = self.spawn(body)?;
        Some((pid, self.monitor(pid)))
    }

    /// Spawns with options. `Err(holder)` when `opts.name` is taken; `Err` with this pid
    /// when the caller itself is dead.
    pub fn spawn_opts<F, Fut>(&self, opts: SpawnOpts, body: F) -> Result<Pid, Pid>
    where
        F: FnOnce(Ctx) -> Fut,
        Fut: Future<Output = Term> + 'static,
    {
        let parent = self.pid;
        let pid = self.with(Err(parent), |inner| inner.allocate(Some(parent), &opts))?;
        let future = body(Ctx::new(self.inner.clone(), pid));
        let size = std::mem::size_of_val(&future);
        if let Ok(mut inner) = self.inner.try_borrow_mut() {
            inner.install(pid, Box::pin(future), size);
        }
        if opts.monitor {
            self.monitor(pid);
        }
        Ok(pid)
    }

    /// `Process.link/1`. Linking to a dead process sends this one an exit signal `noproc`.
    pub fn link(&self, other: Pid) {
        let me = self.pid;
        self.with((), |inner| inner.link(me, other))
    }

    /// `Process.unlink/1`
    pub fn unlink(&self, other: Pid) {
        let me = self.pid;
        self.with((), |inner| inner.unlink(me, other))
    }

    /// `Process.monitor/1`: a `{:DOWN, ref, :process, pid, reason}` comes exactly once
    /// (at once with `:noproc` if `target` is dead).
    pub fn monitor(&self, target: Pid) -> Ref {
        let me = self.pid;
        self.with(Ref(0), |inner| inner.monitor(me, target))
    }

    /// `Process.demonitor/2`; `flush` also removes a `:DOWN` already queued.
    pub fn demonitor(&self, mref: Ref, flush: bool) -> bool {
        let me = self.pid;
        self.with(false, |inner| inner.demonitor(me, mref, flush))
    }

    /// `Process.flag(:trap_exit, on)`; returns the previous value.
    pub fn trap_exit(&self, on: bool) -> bool {
        let me = self.pid;
        self.with(false, |inner| {
            inner
                .slot_mut(me)
                .map(|s| std::mem::replace(&mut s.trap_exit, on))
                .unwrap_or(false)
        })
    }

    /// `Process.register(self(), name)`
    pub fn register(&self, name: &str) -> Result<(), RegisterError> {
        let me = self.pid;
        self.with(Err(RegisterError::NotAlive), |inner| {
            let named = inner
                .slot(me)
                .and_then(|s| s.ext.as_ref())
                .is_some_and(|e| e.name.is_some());
            if named {
                return Err(RegisterError::AlreadyNamed);
            }
            inner
                .register(me, Rc::from(name))
                .map_err(RegisterError::Taken)
        })
    }

    /// `Process.unregister(name)`
    pub fn unregister(&self, name: &str) -> bool {
        self.with(false, |inner| inner.unregister(name).is_some())
    }

    /// `Process.whereis(name)`
    pub fn whereis(&self, name: &str) -> Option<Pid> {
        self.inner
            .try_borrow()
            .ok()
            .and_then(|i| i.registry.whereis(name))
    }

    /// `Process.alive?(pid)`
    pub fn alive(&self, pid: Pid) -> bool {
        self.inner
            .try_borrow()
            .map(|i| i.alive(pid))
            .unwrap_or(false)
    }

    /// The process that spawned this one.
    pub fn parent(&self) -> Option<Pid> {
        let me = self.pid;
        self.inner
            .try_borrow()
            .ok()
            .and_then(|i| i.slot(me).and_then(|s| s.parent))
    }

    /// `Process.send_after(to, msg, ms)`
    pub fn send_after(&self, ms: u64, to: Pid, msg: Term) -> Option<TimerRef> {
        self.with(None, |inner| {
            let deadline = inner.now.saturating_add(ms);
            Some(inner.timers.insert(deadline, TimerAction::Send { to, msg }))
        })
    }

    /// `Process.cancel_timer(ref)`: the milliseconds left, or `None` if it already fired.
    pub fn cancel_timer(&self, timer: TimerRef) -> Option<u64> {
        self.with(None, |inner| {
            let now = inner.now;
            inner
                .timers
                .cancel(timer)
                .map(|_| timer.deadline().saturating_sub(now))
        })
    }

    /// `Application.get_env(app, key)`
    pub fn get_env(&self, app: &str, key: &str) -> Option<Term> {
        self.inner.try_borrow().ok().and_then(|i| {
            // a handful of entries: a walk, rather than two strings made for a lookup
            i.env
                .iter()
                .find(|((a, k), _)| &**a == app && &**k == key)
                .map(|(_, v)| v.clone())
        })
    }

    /// `Application.put_env(app, key, value)`
    pub fn put_env(&self, app: &str, key: &str, value: Term) {
        self.with((), |inner| {
            inner.env.insert((Rc::from(app), Rc::from(key)), value);
        })
    }

    /// Looks a module up in the code table.
    pub fn module(&self, name: &str) -> Option<super::code::Module> {
        self.inner
            .try_borrow()
            .ok()
            .and_then(|i| i.code.lookup(name))
    }

    /// The root child spec of a declared application.
    pub fn application_spec(&self, name: &str) -> Option<Term> {
        self.inner
            .try_borrow()
            .ok()
            .and_then(|i| i.code.application(name))
    }

    /// The master of a running application.
    pub fn application_master(&self, name: &str) -> Option<Pid> {
        self.inner
            .try_borrow()
            .ok()
            .and_then(|i| i.applications.get(name).copied())
    }

    pub(crate) fn set_application(&self, name: &str, master: Option<Pid>) {
        if let Ok(mut inner) = self.inner.try_borrow_mut() {
            match master {
                Some(pid) => {
                    inner.applications.insert(Rc::from(name), pid);
                }
                None => {
                    inner.applications.remove(name);
                }
            }
            inner.bump_version();
        }
    }

    /// `:ets.new/2`: a table this process owns.
    pub fn ets_new(&self, name: Atom, opts: ets::Options) -> Result<Term, ets::Badarg> {
        let me = self.pid;
        self.with(Err(ets::NO_TABLE), |inner| {
            let id = inner.make_ref();
            let text = format!(
                "ETS table {} created ({}, {})",
                if opts.named {
                    Term::Atom(name).to_string()
                } else {
                    format!("{} {id}", Term::Atom(name))
                },
                opts.kind.name(),
                opts.access.name()
            );
            let tid = inner.ets.create(me, id, name, opts)?;
            inner.record(Event::Note {
                pid: Some(me),
                kind: Rc::from("ets"),
                text: Rc::from(text),
            });
            inner.bump_version();
            Ok(tid)
        })
    }

    /// Runs `f` on the table `tab` names (its name or reference) if this process may read
    /// it, or write it with `write`; OTP's `badarg` otherwise.
    pub fn ets<R>(
        &self,
        tab: &Term,
        write: bool,
        f: impl FnOnce(&mut ets::Table) -> R,
    ) -> Result<R, ets::Badarg> {
        let me = self.pid;
        self.with(Err(ets::NO_TABLE), |inner| {
            let r = f(inner.ets.get(me, tab, write)?);
            if write {
                inner.bump_version();
            }
            Ok(r)
        })
    }

    /// `:ets.delete/1`, `:ets.give_away/3` (`Some((to, data))`) and `:ets.rename/2`
    /// (`rename`): a change of the table itself, told in the trace.
    pub fn ets_change(
        &self,
        tab: &Term,
        give: Option<(Pid, Term)>,
        rename: Option<Atom>,
    ) -> Result<Term, ets::Badarg> {
        let me = self.pid;
        self.with(Err(ets::NO_TABLE), |inner| {
            let (text, answer) = if let Some((to, data)) = give {
                if !inner.alive(to) {
                    return Err(ets::Badarg(2, "not a pid of an existing process"));
                }
                let msg = inner.ets.give_away(me, tab, to, data)?;
                inner.push_message(Some(me), to, msg);
                (format!("ETS table {tab} given to {to}"), Term::bool(true))
            } else if let Some(name) = rename {
                let n = inner.ets.rename(me, tab, name)?;
                (format!("ETS table {tab} renamed {n}"), n)
            } else {
                inner.ets.delete(me, tab)?;
                (format!("ETS table {tab} deleted"), Term::bool(true))
            };
            inner.record(Event::Note {
                pid: Some(me),
                kind: Rc::from("ets"),
                text: Rc::from(text),
            });
            inner.bump_version();
            Ok(answer)
        })
    }

    /// Reads every table (`:ets.all/0`, `whereis/1`, `info/1`: no access rights needed).
    pub fn ets_read<R>(&self, f: impl FnOnce(&ets::Ets) -> R) -> Option<R> {
        self.with(None, |inner| Some(f(&inner.ets)))
    }

    /// Records an event in the trace (supervisors record restarts this way).
    pub fn emit(&self, event: Event) {
        self.with((), |inner| inner.record(event))
    }

    /// Records a note about this process in the trace.
    pub fn note(&self, kind: &str, text: &str) {
        let pid = self.pid;
        self.emit(Event::Note {
            pid: Some(pid),
            kind: Rc::from(kind),
            text: Rc::from(text),
        })
    }

    /// A note about another process (the books record a loss against the session that
    /// lost it, not against themselves).
    pub fn note_about(&self, about: Pid, kind: &str, text: &str) {
        self.emit(Event::Note {
            pid: Some(about),
            kind: Rc::from(kind),
            text: Rc::from(text),
        })
    }

    /// Exposes this process's state to `:sys.get_state` and the observer.
    pub fn set_state_view(&self, view: Rc<dyn StateView>) {
        let me = self.pid;
        self.with((), |inner| {
            if let Some(slot) = inner.slot_mut(me) {
                slot.ext().view = Some(view);
            }
        })
    }

    /// Names what this process is in the observer (a module name).
    pub fn set_label(&self, label: &str) {
        let me = self.pid;
        self.with((), |inner| {
            if let Some(slot) = inner.slot_mut(me) {
                slot.ext().label = Some(Rc::from(label));
            }
        })
    }

    pub(crate) fn set_awaiting(&self, tag: Option<Ref>) {
        let me = self.pid;
        self.with((), |inner| inner.set_awaiting(me, tag))
    }
}

/// The future behind `receive`, `receive_timeout` and `receive_match`.
pub struct Receive<'a, F> {
    ctx: &'a Ctx,
    /// `None`: any message (the head of the mailbox).
    matches: Option<F>,
    timeout: Option<u64>,
    timer: Option<TimerRef>,
}

impl<'a, F: FnMut(&Term) -> bool> Receive<'a, F> {
    fn new(ctx: &'a Ctx, matches: Option<F>, timeout: Option<u64>) -> Self {
        Receive {
            ctx,
            matches,
            timeout,
            timer: None,
        }
    }
}

impl<F: FnMut(&Term) -> bool + Unpin> Future for Receive<'_, F> {
    type Output = Option<Term>;

    fn poll(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Option<Term>> {
        let this = self.get_mut();
        let pid = this.ctx.pid;
        let Ok(mut inner) = this.ctx.inner.try_borrow_mut() else {
            return Poll::Pending;
        };
        let matches: Option<&mut dyn FnMut(&Term) -> bool> = match &mut this.matches {
            Some(m) => Some(m),
            None => None,
        };
        // A killed process gets `Yield`: it never resumes, the scheduler drops this future.
        match inner.take_message(pid, matches) {
            Take::Message(msg) => {
                if let Some(timer) = this.timer.take() {
                    inner.timers.cancel(timer);
                }
                return Poll::Ready(Some(msg));
            }
            Take::Yield => return Poll::Pending,
            Take::Empty => {}
        }
        match (this.timer, this.timeout) {
            (Some(timer), _) => {
                if inner.timers.contains(timer) {
                    Poll::Pending
                } else {
                    this.timer = None;
                    this.timeout = None;
                    wake_if_waiting_to_yield(&mut inner, pid);
                    Poll::Ready(None)
                }
            }
            (None, Some(0)) => {
                wake_if_waiting_to_yield(&mut inner, pid);
                Poll::Ready(None)
            }
            (None, Some(ms)) => {
                let deadline = inner.now.saturating_add(ms);
                this.timer = Some(inner.timers.insert(deadline, TimerAction::Wake { pid }));
                Poll::Pending
            }
            (None, None) => Poll::Pending,
        }
    }
}

/// `take_message` marked the process waiting; a receive that completes with a timeout keeps
/// running, so it is running again.
fn wake_if_waiting_to_yield(inner: &mut Inner, pid: Pid) {
    if let Some(slot) = inner.slot_mut(pid) {
        if slot.status == super::process::Status::Waiting {
            slot.status = super::process::Status::Running;
        }
    }
}

impl<F> Drop for Receive<'_, F> {
    fn drop(&mut self) {
        if let Some(timer) = self.timer.take() {
            if let Ok(mut inner) = self.ctx.inner.try_borrow_mut() {
                inner.timers.cancel(timer);
            }
        }
    }
}

/// The future behind `Ctx::receive`: the head of the mailbox, no timeout (the hot path of
/// every process, so it has no timer to manage).
pub struct Next<'a> {
    ctx: &'a Ctx,
}

impl Future for Next<'_> {
    type Output = Term;

    #[inline(always)]
    fn poll(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Term> {
        let Ok(mut inner) = self.ctx.inner.try_borrow_mut() else {
            return Poll::Pending;
        };
        match inner.take_message(self.ctx.pid, None) {
            Take::Message(msg) => Poll::Ready(msg),
            Take::Empty | Take::Yield => Poll::Pending,
        }
    }
}

/// The future behind `Ctx::park`.
pub struct Park<'a> {
    ctx: &'a Ctx,
    parked: bool,
}

impl Future for Park<'_> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<()> {
        let this = self.get_mut();
        if this.parked {
            return Poll::Ready(());
        }
        let pid = this.ctx.pid;
        if let Ok(mut inner) = this.ctx.inner.try_borrow_mut() {
            if let Some(slot) = inner.slot_mut(pid) {
                slot.status = super::process::Status::Parked;
                this.parked = true;
            }
        }
        Poll::Pending
    }
}

/// The future behind `Ctx::yield_now`.
pub struct YieldNow<'a> {
    ctx: &'a Ctx,
    yielded: bool,
}

impl Future for YieldNow<'_> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<()> {
        let this = self.get_mut();
        if this.yielded {
            return Poll::Ready(());
        }
        let pid = this.ctx.pid;
        let Ok(mut inner) = this.ctx.inner.try_borrow_mut() else {
            return Poll::Pending;
        };
        let Some(slot) = inner.slot_mut(pid) else {
            return Poll::Pending; // dead: never resumes
        };
        slot.status = super::process::Status::Runnable;
        inner.run_queue.push_back(pid);
        this.yielded = true;
        Poll::Pending
    }
}
