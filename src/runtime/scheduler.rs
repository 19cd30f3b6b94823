//! The scheduler: a cooperative, single-threaded, deterministic executor of processes.
//!
//! Every process is a boxed future owned by the process table. The host drives everything:
//! `run` polls runnable processes in FIFO order, `advance` moves the virtual clock and
//! fires timers in `(deadline, sequence)` order. Nothing reads the wall clock and the only
//! randomness is the seeded generator owned here, so the same seed and the same host inputs
//! give the same trace on every platform.
//!
//! Borrowing discipline: the scheduler state lives in a `RefCell`. It is never borrowed while
//! a process is polled or while a future or state is dropped (dead futures go to a graveyard
//! emptied after the borrow ends), and every entry point uses `try_borrow_mut`, so a
//! re-entrant call is refused with an error instead of a panic.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use super::code::{Code, Module};
use super::context::Ctx;
use super::pid::{Pid, Ref};
use super::process::{MonitorEntry, ProcFuture, ProcessInfo, Slot, StateView, Status};
use super::registry::Registry;
use super::rng::Rng;
use super::signal::{self, SignalEffect};
use super::term::{Atom, Term};
use super::timer::{TimerAction, TimerRef, Timers};
use super::trace::{Event, Trace, TraceEvent};

/// Tunables of a runtime.
#[derive(Clone, Debug)]
pub struct RuntimeConfig {
    /// Seed of the one random generator.
    pub seed: u64,
    /// Messages a process may handle in one turn before it goes to the back of the run queue.
    pub budget: u32,
    /// Events kept in the trace buffer (older ones are dropped).
    pub trace_capacity: usize,
    /// Record every send and receive in the trace (off by default, as tracing is in OTP).
    pub trace_messages: bool,
}

impl Default for RuntimeConfig {
    fn default() -> Self {
        RuntimeConfig {
            seed: 0x5eed,
            budget: 100,
            trace_capacity: 20_000,
            trace_messages: false,
        }
    }
}

/// Misuse of the runtime's host API. Processes never see these: they get OTP's answers.
#[derive(Clone, Debug, PartialEq)]
pub enum RuntimeError {
    /// The runtime was called from inside one of its own processes while it was busy.
    Busy,
    /// No live process with that pid.
    NoProcess(Pid),
    /// No process registered under that name.
    NotRegistered(String),
    /// The name is taken (by that pid).
    NameTaken(String, Pid),
    /// A task started with `block_on` exited before producing its result.
    TaskExited(Term),
    /// A task started with `block_on` waits for something that can never happen.
    Deadlock,
}

impl fmt::Display for RuntimeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RuntimeError::Busy => write!(f, "the runtime is busy (re-entrant call)"),
            RuntimeError::NoProcess(pid) => write!(f, "no process {pid}"),
            RuntimeError::NotRegistered(name) => write!(f, "no process is registered as {name}"),
            RuntimeError::NameTaken(name, pid) => {
                write!(f, "{name} is already registered to {pid}")
            }
            RuntimeError::TaskExited(reason) => write!(f, "the task exited with reason {reason}"),
            RuntimeError::Deadlock => {
                write!(f, "the task waits for a message that can never arrive")
            }
        }
    }
}

impl std::error::Error for RuntimeError {}

/// Options for spawning a process.
#[derive(Clone, Debug, Default)]
pub struct SpawnOpts {
    pub link: bool,
    pub monitor: bool,
    /// Register the new process under this name before it first runs.
    pub name: Option<Rc<str>>,
    /// What the process is (a module name), for the observer.
    pub label: Option<Rc<str>>,
    pub trap_exit: bool,
    /// How many times this child has been restarted (set by supervisors).
    pub restarts: u32,
    /// Marks supervisors in the observer's tree.
    pub supervisor: bool,
}

impl SpawnOpts {
    pub fn link() -> Self {
        SpawnOpts {
            link: true,
            ..Default::default()
        }
    }
    pub fn named(mut self, name: &str) -> Self {
        self.name = Some(Rc::from(name));
        self
    }
    pub fn labelled(mut self, label: &str) -> Self {
        self.label = Some(Rc::from(label));
        self
    }
}

/// Counters for the observer's charts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    pub spawned: u64,
    pub exited: u64,
    pub crashed: u64,
    pub messages: u64,
    pub polls: u64,
    pub live: usize,
    pub peak_live: usize,
}

/// An advance of the clock under way (`Runtime::begin_advance`), paused between two polls.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Advancing {
    /// The instant it moves the clock to (`None` if the runtime could not be read).
    target: Option<u64>,
    max_steps: usize,
    steps: usize,
    work_left: u64,
}

/// What `advance_bounded` achieved.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Advance {
    /// True when the clock reached the requested time; false when the step budget ran out
    /// first (the clock then stands at the last deadline processed).
    pub reached: bool,
    pub steps: usize,
}

/// What `take_message` found.
pub(crate) enum Take {
    Message(Term),
    /// Nothing matched; the process is now waiting.
    Empty,
    /// The process used its turn's budget (or is gone): it must suspend now.
    Yield,
}

enum Pending {
    Signal {
        from: Pid,
        to: Pid,
        reason: Term,
        direct: bool,
    },
}

pub(crate) struct Inner {
    slots: Vec<Slot>,
    free: Vec<u32>,
    next_serial: u32,
    next_ref: u64,
    pub(crate) run_queue: VecDeque<Pid>,
    /// The process being polled, or `NO_PID`.
    pub(crate) current: Pid,
    turn_msgs: u32,
    budget: u32,
    /// Work processes reported besides messages (an interpreter's reductions): bounds how
    /// long one `run` may take when a process computes without waiting.
    pub(crate) work: u64,
    pub(crate) registry: Registry,
    pub(crate) code: Code,
    pub(crate) applications: crate::sorted_map::SortedMap<Rc<str>, Pid>,
    /// Application environments: `Application.get_env(app, key)`.
    pub(crate) env: crate::sorted_map::SortedMap<(Rc<str>, Rc<str>), Term>,
    pub(crate) timers: Timers,
    pub(crate) now: u64,
    pub(crate) rng: Rng,
    pub(crate) trace: Trace,
    pending: VecDeque<Pending>,
    /// What died while the state was borrowed, dropped once the borrow has ended.
    graveyard: Vec<Grave>,
    stats: Stats,
    version: u64,
    running: bool,
    host: Pid,
    /// Pid numbers whose messages are traced (`Runtime::trace_process`): a sequence chart's.
    /// By number, so that a pid not yet spawned (a replay's) can be named in advance.
    traced: Vec<u32>,
}

/// The first pid numbers are kept for the runtime itself, as the BEAM's are.
/// Reductions reported by processes (`Ctx::add_reductions`) after which one `run` returns,
/// even with processes still runnable: an interpreted loop gets its share of a frame, and
/// the frame ends on time.
pub const WORK_PER_RUN: u64 = 15_000;

/// Polls between two questions to a host's `pause` when no interpreted work was reported
/// (the store's processes answer in well under a microsecond each).
const PAUSE_CHECK_POLLS: u32 = 512;

const FIRST_SERIAL: u32 = 80;

/// The serial of a free slot. Only the host (slot 0, which never dies) has it, so a slot
/// holds the process `pid` exactly when its serial is `pid.serial` (see `Slot::is`).
pub(crate) const FREE_SERIAL: u32 = 0;

/// `Inner::current` while no process is being polled: no slot has this index.
pub(crate) const NO_PID: Pid = Pid {
    index: u32::MAX,
    serial: FREE_SERIAL,
};

impl Inner {
    fn new(config: &RuntimeConfig) -> Self {
        let mut trace = Trace::new(config.trace_capacity);
        trace.messages = config.trace_messages;
        let mut inner = Inner {
            slots: Vec::new(),
            free: Vec::new(),
            next_serial: FIRST_SERIAL,
            next_ref: 1,
            run_queue: VecDeque::new(),
            current: NO_PID,
            turn_msgs: 0,
            budget: config.budget.max(1),
            work: 0,
            registry: Registry::default(),
            code: Code::default(),
            applications: Default::default(),
            env: Default::default(),
            timers: Timers::default(),
            now: 0,
            rng: Rng::new(config.seed),
            trace,
            pending: VecDeque::new(),
            graveyard: Vec::new(),
            stats: Stats::default(),
            version: 0,
            running: false,
            host: Pid {
                index: 0,
                serial: 0,
            },
            traced: Vec::new(),
        };
        // Slot 0 is the host: `#PID<0.0.0>`, the sender of everything the host does.
        let mut host = Slot::free();
        host.status = Status::Parked;
        host.ext().label = Some(Rc::from("host"));
        inner.slots.push(host);
        inner
    }

    pub(crate) fn bump_version(&mut self) {
        self.version += 1;
    }

    pub(crate) fn host(&self) -> Pid {
        self.host
    }

    pub(crate) fn record(&mut self, event: Event) {
        self.trace.record(self.now, event);
    }

    /// Whether a message between these is traced for a process that asked for it.
    #[cold]
    #[inline(never)]
    fn is_traced(&self, from: Option<Pid>, to: Pid) -> bool {
        self.traced.contains(&to.serial) || from.is_some_and(|f| self.traced.contains(&f.serial))
    }

    /// Message tracing, kept out of line: it is off on the hot path of `send` and `receive`.
    #[cold]
    #[inline(never)]
    fn record_send(&mut self, from: Option<Pid>, to: Pid, msg: &Term) {
        let msg = msg.clone();
        self.record(Event::Send { from, to, msg });
    }

    #[cold]
    #[inline(never)]
    fn record_receive(&mut self, pid: Pid, msg: &Term) {
        let msg = msg.clone();
        self.record(Event::Receive { pid, msg });
    }

    #[inline]
    pub(crate) fn slot(&self, pid: Pid) -> Option<&Slot> {
        self.slots.get(pid.index as usize).filter(|s| s.is(pid))
    }

    #[inline]
    pub(crate) fn slot_mut(&mut self, pid: Pid) -> Option<&mut Slot> {
        self.slots.get_mut(pid.index as usize).filter(|s| s.is(pid))
    }

    #[inline]
    pub(crate) fn alive(&self, pid: Pid) -> bool {
        self.slot(pid).is_some()
    }

    pub(crate) fn make_ref(&mut self) -> Ref {
        let r = Ref(self.next_ref);
        self.next_ref += 1;
        r
    }

    pub(crate) fn random(&mut self) -> &mut Rng {
        &mut self.rng
    }

    /// Reserves a pid for a new process (not yet runnable: `install` gives it its body).
    pub(crate) fn allocate(&mut self, parent: Option<Pid>, opts: &SpawnOpts) -> Result<Pid, Pid> {
        if let Some(name) = &opts.name {
            if let Some(holder) = self.registry.whereis(name) {
                return Err(holder);
            }
        }
        let serial = self.next_serial;
        // Past u32::MAX, numbering starts again above the runtime's own (never at FREE_SERIAL).
        self.next_serial = self.next_serial.checked_add(1).unwrap_or(FIRST_SERIAL);
        let index = match self.free.pop() {
            Some(index) => index,
            None => {
                self.slots.push(Slot::free());
                (self.slots.len() - 1) as u32
            }
        };
        let pid = Pid { index, serial };
        let now = self.now;
        let slot = &mut self.slots[index as usize];
        *slot = Slot::free();
        slot.serial = serial;
        slot.status = Status::Parked;
        slot.parent = parent;
        slot.trap_exit = opts.trap_exit;
        slot.spawned_at = now;
        if opts.label.is_some() || opts.restarts > 0 || opts.supervisor {
            let ext = slot.ext();
            ext.label = opts.label.clone();
            ext.restarts = opts.restarts;
            ext.supervisor = opts.supervisor;
        }
        self.stats.spawned += 1;
        self.stats.live += 1;
        self.stats.peak_live = self.stats.peak_live.max(self.stats.live);
        self.version += 1;
        self.record(Event::Spawn {
            pid,
            parent,
            label: opts.label.clone(),
        });
        if let Some(name) = &opts.name {
            // Cannot fail: checked above.
            let _ = self.register(pid, name.clone());
        }
        if let Some(parent) = parent {
            if opts.link {
                self.link(parent, pid);
            }
        }
        Ok(pid)
    }

    /// Gives a reserved process its body and makes it runnable.
    pub(crate) fn install(&mut self, pid: Pid, future: ProcFuture, body_size: usize) -> bool {
        let Some(slot) = self.slot_mut(pid) else {
            return false;
        };
        slot.future = Some(future);
        slot.body_size = body_size.min(u32::MAX as usize) as u32;
        slot.status = Status::Runnable;
        self.run_queue.push_back(pid);
        true
    }

    #[inline(always)]
    pub(crate) fn push_message(&mut self, from: Option<Pid>, to: Pid, msg: Term) {
        self.stats.messages += 1;
        if self.trace.messages || (self.trace.watching && self.is_traced(from, to)) {
            self.record_send(from, to, &msg);
        }
        let Some(slot) = self.slots.get_mut(to.index as usize).filter(|s| s.is(to)) else {
            return; // sending to a dead pid is silently dropped
        };
        slot.mailbox.push_back(msg);
        if slot.status == Status::Waiting {
            slot.status = Status::Runnable;
            self.run_queue.push_back(to);
        }
    }

    /// A call's reply reaches the caller only while it still waits for it.
    pub(crate) fn push_reply(&mut self, from: Option<Pid>, to: Pid, tag: Ref, reply: Term) {
        let awaiting = self
            .slot(to)
            .and_then(|s| s.ext.as_ref())
            .and_then(|e| e.awaiting_call);
        if awaiting == Some(tag) {
            self.push_message(from, to, Term::tuple(vec![Term::Ref(tag), reply]));
        }
    }

    pub(crate) fn wake(&mut self, pid: Pid) {
        if let Some(slot) = self.slot_mut(pid) {
            if slot.status == Status::Waiting {
                slot.status = Status::Runnable;
                self.run_queue.push_back(pid);
            }
        }
    }

    pub(crate) fn resume(&mut self, pid: Pid) -> bool {
        match self.slot_mut(pid) {
            Some(slot) if slot.status == Status::Parked && slot.future.is_some() => {
                slot.status = Status::Runnable;
                self.run_queue.push_back(pid);
                true
            }
            _ => false,
        }
    }

    /// Takes the first message of `pid` that `matches` (the head of the mailbox when
    /// `matches` is `None`), or records that it waits. Enforces the turn budget: past it,
    /// the process goes to the back of the run queue.
    #[inline(always)]
    pub(crate) fn take_message(
        &mut self,
        pid: Pid,
        matches: Option<&mut dyn FnMut(&Term) -> bool>,
    ) -> Take {
        let over_budget = self.turn_msgs >= self.budget && self.current == pid;
        let Some(slot) = self.slots.get_mut(pid.index as usize).filter(|s| s.is(pid)) else {
            return Take::Yield; // dead: never resumes
        };
        if over_budget {
            slot.status = Status::Runnable;
            self.run_queue.push_back(pid);
            return Take::Yield;
        }
        let msg = match matches {
            None => slot.mailbox.pop_front(),
            Some(matches) => {
                let found = slot.mailbox.iter().position(matches);
                found.and_then(|i| slot.mailbox.remove(i))
            }
        };
        match msg {
            Some(msg) => {
                slot.reductions = slot.reductions.wrapping_add(1);
                self.turn_msgs += 1;
                if self.trace.messages || (self.trace.watching && self.is_traced(None, pid)) {
                    self.record_receive(pid, &msg);
                }
                Take::Message(msg)
            }
            None => {
                slot.status = Status::Waiting;
                Take::Empty
            }
        }
    }

    pub(crate) fn register(&mut self, pid: Pid, name: Rc<str>) -> Result<(), Pid> {
        if !self.alive(pid) {
            return Err(pid);
        }
        self.registry.register(name.clone(), pid)?;
        if let Some(slot) = self.slot_mut(pid) {
            slot.ext().name = Some(name.clone());
        }
        self.version += 1;
        self.record(Event::Register { name, pid });
        Ok(())
    }

    pub(crate) fn unregister(&mut self, name: &str) -> Option<Pid> {
        let pid = self.registry.unregister(name)?;
        if let Some(slot) = self.slot_mut(pid) {
            slot.ext().name = None;
        }
        self.version += 1;
        self.record(Event::Unregister {
            name: Rc::from(name),
            pid,
        });
        Some(pid)
    }

    /// Links `a` and `b`. Linking to a dead process sends `a` an exit signal `noproc`.
    pub(crate) fn link(&mut self, a: Pid, b: Pid) {
        if a == b || !self.alive(a) {
            return;
        }
        if !self.alive(b) {
            self.pending.push_back(Pending::Signal {
                from: b,
                to: a,
                reason: Term::Atom(Atom::NOPROC),
                direct: false,
            });
            self.process_pending();
            return;
        }
        // Links are kept on both sides, so the shorter list answers (a supervisor has
        // thousands; its new child, none).
        let links = |p: Pid| self.slot(p).and_then(|s| s.ext.as_ref()).map(|e| &e.links);
        let already = match (links(a), links(b)) {
            (Some(la), Some(lb)) if lb.len() < la.len() => lb.contains(&a),
            (Some(la), _) => la.contains(&b),
            (None, _) => false,
        };
        if already {
            return;
        }
        if let Some(s) = self.slot_mut(a) {
            s.ext().links.push_back(b);
        }
        if let Some(s) = self.slot_mut(b) {
            s.ext().links.push_back(a);
        }
        self.version += 1;
        self.record(Event::Link { a, b });
    }

    pub(crate) fn unlink(&mut self, a: Pid, b: Pid) {
        let mut removed = false;
        for (x, y) in [(a, b), (b, a)] {
            if let Some(ext) = self.slot_mut(x).and_then(|s| s.ext.as_mut()) {
                let before = ext.links.len();
                ext.links.retain(|p| *p != y);
                removed |= ext.links.len() != before;
            }
        }
        if removed {
            self.version += 1;
            self.record(Event::Unlink { a, b });
        }
    }

    pub(crate) fn monitor(&mut self, watcher: Pid, target: Pid) -> Ref {
        let mref = self.make_ref();
        if !self.alive(watcher) {
            return mref;
        }
        if !self.alive(target) {
            let down = down_message(mref, target, Term::Atom(Atom::NOPROC));
            self.push_message(Some(target), watcher, down);
            self.record(Event::Down {
                watcher,
                target,
                reason: Term::Atom(Atom::NOPROC),
            });
            return mref;
        }
        if let Some(s) = self.slot_mut(watcher) {
            s.ext().monitors.push_back(MonitorEntry {
                mref,
                other: target,
                watching: true,
            });
        }
        if let Some(s) = self.slot_mut(target) {
            s.ext().monitors.push_back(MonitorEntry {
                mref,
                other: watcher,
                watching: false,
            });
        }
        self.version += 1;
        self.record(Event::Monitor {
            watcher,
            target,
            mref,
        });
        mref
    }

    /// Removes monitor `mref` held by `watcher`; with `flush`, also a `:DOWN` already queued.
    /// Returns true when the monitor was still active.
    pub(crate) fn demonitor(&mut self, watcher: Pid, mref: Ref, flush: bool) -> bool {
        let mut target = None;
        if let Some(ext) = self.slot_mut(watcher).and_then(|s| s.ext.as_mut()) {
            // From the back: a demonitor usually ends the newest monitor (a call's), and a
            // reference is unique, so this finds the same one as from the front.
            if let Some(i) = ext
                .monitors
                .iter()
                .rposition(|m| m.mref == mref && m.watching)
            {
                target = ext.monitors.swap_remove_back(i).map(|m| m.other);
            }
        }
        if let Some(t) = target {
            if let Some(ext) = self.slot_mut(t).and_then(|s| s.ext.as_mut()) {
                // (Sales watches every session: its list is long, the call's entry last.)
                if let Some(i) = ext.monitors.iter().rposition(|m| m.mref == mref) {
                    ext.monitors.remove(i);
                }
            }
            self.version += 1;
            self.record(Event::Demonitor { watcher, mref });
        }
        if flush {
            if let Some(slot) = self.slot_mut(watcher) {
                slot.mailbox.retain(|m| !is_down_for(m, mref));
            }
        }
        target.is_some()
    }

    pub(crate) fn set_awaiting(&mut self, pid: Pid, tag: Option<Ref>) {
        if let Some(slot) = self.slot_mut(pid) {
            if tag.is_some() || slot.ext.is_some() {
                slot.ext().awaiting_call = tag;
            }
        }
    }

    /// Sends an exit signal and applies everything that follows from it.
    pub(crate) fn exit_signal(&mut self, from: Pid, to: Pid, reason: Term, direct: bool) {
        self.pending.push_back(Pending::Signal {
            from,
            to,
            reason,
            direct,
        });
        self.process_pending();
    }

    /// Ends `pid` with `reason` (its body returned, or it chose to exit).
    pub(crate) fn exit_process(&mut self, pid: Pid, reason: Term) {
        self.terminate(pid, reason);
        self.process_pending();
    }

    fn process_pending(&mut self) {
        while let Some(Pending::Signal {
            from,
            to,
            reason,
            direct,
        }) = self.pending.pop_front()
        {
            let Some(slot) = self.slot(to) else { continue };
            match signal::effect(&reason, slot.trap_exit, direct, from == to) {
                SignalEffect::Ignore => {}
                SignalEffect::Message => {
                    let msg = Term::tuple(vec![Term::Atom(Atom::EXIT), Term::Pid(from), reason]);
                    self.push_message(Some(from), to, msg);
                }
                SignalEffect::Die(reason) => self.terminate(to, reason),
            }
        }
    }

    /// Frees the process's slot, then queues its exit signals and `:DOWN` messages.
    fn terminate(&mut self, pid: Pid, reason: Term) {
        if pid == self.host {
            return;
        }
        if !self.alive(pid) {
            return;
        }
        if self.current == pid {
            self.current = NO_PID;
        }
        let Some(slot) = self.slot_mut(pid) else {
            return;
        };
        let future = slot.future.take();
        let ext = slot.ext.take();
        slot.mailbox = VecDeque::new();
        slot.status = Status::Dead;
        slot.serial = FREE_SERIAL;
        self.free.push(pid.index);
        if let Some(future) = future {
            self.graveyard.push(Grave::Future(future));
        }
        self.stats.live = self.stats.live.saturating_sub(1);
        self.stats.exited += 1;
        if !signal::is_clean(&reason) {
            self.stats.crashed += 1;
        }
        self.version += 1;
        self.record(Event::Exit {
            pid,
            reason: reason.clone(),
        });
        let Some(mut ext) = ext else { return };
        if let Some(name) = ext.name.take() {
            self.registry.unregister(&name);
            self.record(Event::Unregister { name, pid });
        }
        if let Some(view) = ext.view.take() {
            self.graveyard.push(Grave::View(view));
        }
        for other in std::mem::take(&mut ext.links) {
            if let Some(e) = self.slot_mut(other).and_then(|s| s.ext.as_mut()) {
                remove_first(&mut e.links, |p| *p == pid);
            }
            self.pending.push_back(Pending::Signal {
                from: pid,
                to: other,
                reason: reason.clone(),
                direct: false,
            });
        }
        for m in std::mem::take(&mut ext.monitors) {
            if let Some(e) = self.slot_mut(m.other).and_then(|s| s.ext.as_mut()) {
                remove_first(&mut e.monitors, |x| x.mref == m.mref);
            }
            if !m.watching {
                self.push_message(
                    Some(pid),
                    m.other,
                    down_message(m.mref, pid, reason.clone()),
                );
                self.record(Event::Down {
                    watcher: m.other,
                    target: pid,
                    reason: reason.clone(),
                });
            }
        }
    }

    fn fire_timer(&mut self, action: TimerAction) {
        match action {
            TimerAction::Send { to, msg } => {
                if self.alive(to) {
                    self.record(Event::TimerFired {
                        to,
                        msg: msg.clone(),
                    });
                }
                self.push_message(None, to, msg);
            }
            TimerAction::Wake { pid } => self.wake(pid),
        }
    }

    pub(crate) fn info(&self, pid: Pid) -> Option<ProcessInfo> {
        let slot = self.slot(pid)?;
        let ext = slot.ext.as_deref();
        let mailbox_bytes: usize = slot
            .mailbox
            .iter()
            .map(|m| std::mem::size_of::<Term>() + m.heap_size())
            .sum();
        let ext_bytes = ext.map_or(0, |e| {
            std::mem::size_of_val(e)
                + e.links.capacity() * std::mem::size_of::<Pid>()
                + e.monitors.capacity() * std::mem::size_of::<MonitorEntry>()
        });
        Some(ProcessInfo {
            pid,
            name: ext.and_then(|e| e.name.clone()),
            label: ext.and_then(|e| e.label.clone()),
            status: slot.status,
            parent: slot.parent,
            links: ext
                .map(|e| e.links.iter().copied().collect())
                .unwrap_or_default(),
            monitoring: ext
                .map(|e| {
                    e.monitors
                        .iter()
                        .filter(|m| m.watching)
                        .map(|m| m.other)
                        .collect()
                })
                .unwrap_or_default(),
            monitored_by: ext
                .map(|e| {
                    e.monitors
                        .iter()
                        .filter(|m| !m.watching)
                        .map(|m| m.other)
                        .collect()
                })
                .unwrap_or_default(),
            message_queue_len: slot.mailbox.len(),
            reductions: slot.reductions,
            memory: std::mem::size_of::<Slot>()
                + slot.body_size as usize
                + mailbox_bytes
                + ext_bytes,
            trap_exit: slot.trap_exit,
            restarts: ext.map_or(0, |e| e.restarts),
            is_supervisor: ext.is_some_and(|e| e.supervisor),
            spawned_at: slot.spawned_at,
        })
    }

    fn live_pids(&self) -> impl Iterator<Item = Pid> + '_ {
        self.slots.iter().enumerate().skip(1).filter_map(|(i, s)| {
            (s.status != Status::Dead).then_some(Pid {
                index: i as u32,
                serial: s.serial,
            })
        })
    }

    /// Takes the next runnable process's future out of its slot, marking it running.
    #[inline(always)]
    fn next_to_poll(&mut self) -> Option<(Pid, ProcFuture)> {
        loop {
            let pid = self.run_queue.pop_front()?;
            let Some(slot) = self.slot_mut(pid) else {
                continue;
            };
            if slot.status != Status::Runnable {
                continue;
            }
            let Some(future) = slot.future.take() else {
                continue;
            };
            slot.status = Status::Running;
            self.current = pid;
            self.turn_msgs = 0;
            self.stats.polls += 1;
            return Some((pid, future));
        }
    }

    /// Puts a polled future back, or ends the process if its body returned.
    #[inline(always)]
    fn after_poll(&mut self, pid: Pid, future: ProcFuture, result: Poll<Term>) {
        self.current = NO_PID;
        match result {
            Poll::Ready(reason) => {
                self.graveyard.push(Grave::Future(future));
                self.exit_process(pid, reason);
            }
            Poll::Pending => match self.slot_mut(pid) {
                Some(slot) => {
                    // The slot's future was taken out to poll it, so this replaces `None`:
                    // moving the old value out keeps a drop call off the hot path.
                    let stray = slot.future.replace(future);
                    if slot.status == Status::Running {
                        slot.status = Status::Waiting;
                    }
                    if let Some(stray) = stray {
                        self.graveyard.push(Grave::Future(stray));
                    }
                }
                None => self.graveyard.push(Grave::Future(future)),
            },
        }
    }

    #[inline]
    fn has_graves(&self) -> bool {
        !self.graveyard.is_empty()
    }

    /// Dead futures and states, to be dropped once the borrow has ended.
    fn take_graves(&mut self) -> Option<Vec<Grave>> {
        if !self.has_graves() {
            return None;
        }
        Some(std::mem::take(&mut self.graveyard))
    }
}

/// Something that died in a step: dropped only after the scheduler's borrow has ended,
/// because dropping a future or a state may run code that calls back into the runtime.
enum Grave {
    Future(#[allow(dead_code)] ProcFuture),
    View(#[allow(dead_code)] Rc<dyn StateView>),
}

pub(crate) fn down_message(mref: Ref, pid: Pid, reason: Term) -> Term {
    Term::tuple(vec![
        Term::Atom(Atom::DOWN),
        Term::Ref(mref),
        Term::Atom(Atom::PROCESS),
        Term::Pid(pid),
        reason,
    ])
}

pub(crate) fn is_down_for(msg: &Term, mref: Ref) -> bool {
    matches!(msg.as_tuple(), Some([Term::Atom(a), Term::Ref(r), ..]) if *a == Atom::DOWN && *r == mref)
}

/// The runtime, as the host sees it. Cloning gives another handle to the same runtime.
#[derive(Clone)]
pub struct Runtime {
    pub(crate) inner: Rc<RefCell<Inner>>,
}

impl Default for Runtime {
    fn default() -> Self {
        Runtime::new(RuntimeConfig::default().seed)
    }
}

impl Runtime {
    pub fn new(seed: u64) -> Self {
        Runtime::with_config(RuntimeConfig {
            seed,
            ..RuntimeConfig::default()
        })
    }

    pub fn with_config(config: RuntimeConfig) -> Self {
        Runtime {
            inner: Rc::new(RefCell::new(Inner::new(&config))),
        }
    }

    /// Lets go of every process at once (no exit signals, traces or restarts) and of all
    /// the runtime holds, leaving it empty: for a runtime nobody will look at again (a
    /// replay left behind, a reset). A process's future holds the runtime itself, so
    /// without this a runtime outlives its last handle (an `Rc` cycle: megabytes per
    /// replay of a busy store).
    pub fn shut_down(&self) {
        let old = match self.inner.try_borrow_mut() {
            Ok(mut inner) => std::mem::replace(&mut *inner, Inner::new(&RuntimeConfig::default())),
            Err(_) => return, // mid-poll: never, since only the host calls this
        };
        // Dropped outside the borrow: a future's drop may reach the runtime.
        drop(old);
    }

    fn with<R>(&self, f: impl FnOnce(&mut Inner) -> R) -> Result<R, RuntimeError> {
        let mut inner = self
            .inner
            .try_borrow_mut()
            .map_err(|_| RuntimeError::Busy)?;
        let out = f(&mut inner);
        let graves = inner.take_graves();
        drop(inner);
        drop(graves);
        Ok(out)
    }

    fn read<R>(&self, f: impl FnOnce(&Inner) -> R) -> Option<R> {
        self.inner.try_borrow().ok().map(|inner| f(&inner))
    }

    /// Loads a module into the code table: child specs and the console can then start it
    /// by name (`{Module, :start_link, [args]}`).
    pub fn define_module(&self, name: &str, module: Module) {
        let _ = self.with(|inner| inner.code.define(name, module));
    }

    /// Declares an application: its name and the child spec of its root supervisor.
    pub fn define_application(&self, name: &str, root: Term) {
        let _ = self.with(|inner| inner.code.define_application(name, root));
    }

    /// `Application.put_env(app, key, value)` from the host.
    pub fn put_env(&self, app: &str, key: &str, value: Term) {
        let _ = self.with(|inner| {
            inner.env.insert((Rc::from(app), Rc::from(key)), value);
        });
    }

    /// `Application.get_env(app, key)`.
    pub fn get_env(&self, app: &str, key: &str) -> Option<Term> {
        self.read(|inner| inner.env.get(&(Rc::from(app), Rc::from(key))).cloned())
            .flatten()
    }

    /// Running applications and their masters.
    pub fn applications(&self) -> Vec<(Rc<str>, Pid)> {
        self.read(|inner| {
            inner
                .applications
                .iter()
                .map(|(n, p)| (n.clone(), *p))
                .collect()
        })
        .unwrap_or_default()
    }

    /// The pid that stands for the host (`#PID<0.0.0>`): the sender of host messages and
    /// exit signals.
    pub fn host_pid(&self) -> Pid {
        Pid {
            index: 0,
            serial: 0,
        }
    }

    /// Spawns a process running `body`; the returned future's output is its exit reason.
    pub fn spawn<F, Fut>(&self, body: F) -> Result<Pid, RuntimeError>
    where
        F: FnOnce(Ctx) -> Fut,
        Fut: Future<Output = Term> + 'static,
    {
        self.spawn_opts(SpawnOpts::default(), body)
    }

    /// Spawns with options. A taken `name` is refused before anything is spawned.
    pub fn spawn_opts<F, Fut>(&self, opts: SpawnOpts, body: F) -> Result<Pid, RuntimeError>
    where
        F: FnOnce(Ctx) -> Fut,
        Fut: Future<Output = Term> + 'static,
    {
        let name = opts.name.clone();
        let pid = self
            .with(|inner| inner.allocate(None, &opts))?
            .map_err(|holder| {
                RuntimeError::NameTaken(name.as_deref().unwrap_or("").into(), holder)
            })?;
        let ctx = Ctx::new(self.inner.clone(), pid);
        let future = body(ctx);
        let size = std::mem::size_of_val(&future);
        self.with(|inner| inner.install(pid, Box::pin(future), size))?;
        Ok(pid)
    }

    /// Sends `msg` to `to` from the host. Like `send/2`, a dead pid silently drops it.
    pub fn send(&self, to: Pid, msg: Term) -> Result<(), RuntimeError> {
        self.with(|inner| {
            let host = inner.host();
            inner.push_message(Some(host), to, msg)
        })
    }

    /// Sends to a registered name; an unknown name is an error (as `send/2` raises).
    pub fn send_named(&self, name: &str, msg: Term) -> Result<(), RuntimeError> {
        let pid = self
            .whereis(name)
            .ok_or_else(|| RuntimeError::NotRegistered(name.to_string()))?;
        self.send(pid, msg)
    }

    /// `Process.exit(pid, reason)` from the host. Returns true (as Elixir does) even when
    /// the process is already dead.
    pub fn exit(&self, pid: Pid, reason: Term) -> Result<bool, RuntimeError> {
        self.with(|inner| {
            let host = inner.host();
            inner.exit_signal(host, pid, reason, true);
            true
        })
    }

    /// Kills `pid` the way a click in the observer does: `Process.exit(pid, :kill)`.
    /// An error tells the host that the process was already gone.
    pub fn kill(&self, pid: Pid) -> Result<(), RuntimeError> {
        if !self.alive(pid) {
            return Err(RuntimeError::NoProcess(pid));
        }
        self.exit(pid, signal::kill()).map(|_| ())
    }

    /// Lets a process suspended in `Ctx::park` run again.
    pub fn resume(&self, pid: Pid) -> Result<bool, RuntimeError> {
        self.with(|inner| inner.resume(pid))
    }

    pub fn alive(&self, pid: Pid) -> bool {
        self.read(|inner| inner.alive(pid)).unwrap_or(false)
    }

    pub fn whereis(&self, name: &str) -> Option<Pid> {
        self.read(|inner| inner.registry.whereis(name)).flatten()
    }

    /// Registered names and their pids, in name order.
    pub fn registered(&self) -> Vec<(Rc<str>, Pid)> {
        self.read(|inner| {
            inner
                .registry
                .iter()
                .map(|(n, p)| (n.clone(), *p))
                .collect()
        })
        .unwrap_or_default()
    }

    /// Virtual milliseconds since the runtime started.
    pub fn now(&self) -> u64 {
        self.read(|inner| inner.now).unwrap_or(0)
    }

    /// Draws from the runtime's seeded generator (for host-side simulation choices).
    pub fn random_u64(&self) -> u64 {
        self.with(|inner| inner.rng.next_u64()).unwrap_or(0)
    }

    /// Traces the messages `pid` sends and receives (or stops): what a sequence chart of it
    /// needs, while the rest of the system pays one flag test per message. Message events are
    /// observation, not behaviour: the trace hash leaves them out.
    pub fn trace_process(&self, pid: Pid, on: bool) {
        let _ = self.with(|inner| {
            inner.traced.retain(|p| *p != pid.serial);
            if on {
                inner.traced.push(pid.serial);
            }
            inner.trace.watching = !inner.traced.is_empty();
        });
    }

    pub fn set_trace_messages(&self, on: bool) {
        let _ = self.with(|inner| inner.trace.messages = on);
    }

    pub fn set_trace_capacity(&self, capacity: usize) {
        let _ = self.with(|inner| inner.trace.set_capacity(capacity));
    }

    /// Records a note in the trace from the host.
    pub fn note(&self, kind: &str, text: &str) {
        let _ = self.with(|inner| {
            inner.record(Event::Note {
                pid: None,
                kind: Rc::from(kind),
                text: Rc::from(text),
            })
        });
    }

    /// Polls up to `max_steps` runnable processes; returns how many ran. 0 means idle.
    ///
    /// The scheduler state stays borrowed from one poll's bookkeeping to the next poll's
    /// set-up (one borrow per message, not two); it is released while a process runs.
    pub fn run(&self, max_steps: usize) -> usize {
        self.run_within(max_steps, WORK_PER_RUN, None).0
    }

    /// `run`, stopping once processes have reported `work` reductions (checked before each
    /// poll), or when `pause` says so (asked before the first poll, after each poll that
    /// reported work and every `PAUSE_CHECK_POLLS` polls otherwise). Returns the polls and whether it
    /// paused. A pause only decides *when* the next poll happens, never which one it is.
    fn run_within<'p>(
        &self,
        max_steps: usize,
        work: u64,
        mut pause: Option<&mut (dyn FnMut() -> bool + 'p)>,
    ) -> (usize, bool) {
        let Ok(mut inner) = self.inner.try_borrow_mut() else {
            return (0, false);
        };
        if inner.running {
            return (0, false);
        }
        inner.running = true;
        let mut cx = Context::from_waker(Waker::noop());
        let mut steps = 0;
        let work_start = inner.work;
        let mut work_seen = inner.work;
        // asked before the first poll too: an advance runs once per timer deadline
        let mut until_check = 1;
        let mut paused = false;
        while steps < max_steps && inner.work.wrapping_sub(work_start) < work {
            if let Some(pause) = pause.as_deref_mut() {
                until_check -= 1;
                if until_check == 0 || inner.work != work_seen {
                    until_check = PAUSE_CHECK_POLLS;
                    work_seen = inner.work;
                    if inner.run_queue.is_empty() {
                        break;
                    }
                    drop(inner);
                    let stop = pause();
                    inner = match self.inner.try_borrow_mut() {
                        Ok(inner) => inner,
                        Err(_) => return (steps, false),
                    };
                    if stop {
                        paused = true;
                        break;
                    }
                }
            }
            let Some((pid, mut future)) = inner.next_to_poll() else {
                break;
            };
            drop(inner);
            let result = future.as_mut().poll(&mut cx);
            inner = match self.inner.try_borrow_mut() {
                Ok(inner) => inner,
                // Only reachable if a process kept a borrow across its poll, which no
                // public API allows; stop rather than panic.
                Err(_) => return (steps, false),
            };
            inner.after_poll(pid, future, result);
            steps += 1;
            if inner.has_graves() {
                let graves = inner.take_graves();
                drop(inner);
                drop(graves);
                inner = match self.inner.try_borrow_mut() {
                    Ok(inner) => inner,
                    Err(_) => return (steps, false),
                };
            }
        }
        inner.running = false;
        (steps, paused)
    }

    /// Reductions reported by processes so far (interpreted code's work): a host bounds a
    /// frame's work with it.
    pub fn work(&self) -> u64 {
        self.read(|inner| inner.work).unwrap_or(0)
    }

    /// Whether some process is ready to run.
    pub fn runnable(&self) -> bool {
        self.read(|inner| !inner.run_queue.is_empty())
            .unwrap_or(false)
    }

    /// Runs until no process is runnable (at most ten million steps, so that a process that
    /// messages itself forever cannot hang the host).
    pub fn run_until_idle(&self) -> usize {
        self.run(10_000_000)
    }

    /// The next timer deadline, if any.
    pub fn next_deadline(&self) -> Option<u64> {
        self.read(|inner| inner.timers.next_deadline()).flatten()
    }

    /// Moves the clock forward by `ms`, firing every timer due on the way in order and
    /// running the processes after each deadline until they are idle.
    pub fn advance(&self, ms: u64) {
        self.advance_bounded(ms, usize::MAX);
    }

    /// Like `advance`, but polls at most `max_steps` processes. If the budget runs out the
    /// clock stays at the last deadline processed, so no event is ever skipped: the
    /// simulation runs slower than asked instead of running wrong.
    pub fn advance_bounded(&self, ms: u64, max_steps: usize) -> Advance {
        let mut advancing = self.begin_advance(ms, max_steps);
        self.resume_advance(&mut advancing, None)
            .unwrap_or(Advance {
                reached: false,
                steps: advancing.steps,
            })
    }

    /// An `advance_bounded` the host can pause between two polls and resume later (a frame
    /// out of wall time carries on in the next one): see `resume_advance`.
    pub fn begin_advance(&self, ms: u64, max_steps: usize) -> Advancing {
        Advancing {
            target: self.read(|inner| inner.now.saturating_add(ms)),
            max_steps,
            steps: 0,
            work_left: WORK_PER_RUN,
        }
    }

    /// Carries an advance on until it is done (`Some`, what `advance_bounded` returns) or
    /// `pause` asks to stop (`None`: call again to go on). The polls are exactly those of
    /// `advance_bounded` in the same order, wherever the pauses fall: a paused advance
    /// resumed gives the same run, so replays stay deterministic.
    pub fn resume_advance<'p>(
        &self,
        advancing: &mut Advancing,
        mut pause: Option<&mut (dyn FnMut() -> bool + 'p)>,
    ) -> Option<Advance> {
        let Some(target) = advancing.target else {
            return Some(Advance {
                reached: false,
                steps: 0,
            });
        };
        // Reported work (interpreted code) is bounded over the whole advance, not per run:
        // once `WORK_PER_RUN` is spent, each run between two deadlines stops after the first
        // poll that reports work, so a spinning process cannot stretch a tick by a slice
        // per timer while the store's processes still answer their timers.
        loop {
            let work_before = self.read(|inner| inner.work).unwrap_or(0);
            let (ran, paused) = self.run_within(
                advancing.max_steps - advancing.steps,
                advancing.work_left.max(1),
                pause.as_deref_mut(),
            );
            advancing.steps += ran;
            let spent = self
                .read(|inner| inner.work)
                .unwrap_or(0)
                .wrapping_sub(work_before);
            advancing.work_left = advancing.work_left.saturating_sub(spent);
            if paused {
                return None;
            }
            let steps = advancing.steps;
            if steps >= advancing.max_steps {
                return Some(Advance {
                    reached: false,
                    steps,
                });
            }
            let fired = self.with(|inner| match inner.timers.next_deadline() {
                Some(deadline) if deadline <= target => {
                    inner.now = inner.now.max(deadline);
                    let now = inner.now;
                    while let Some((_, action)) = inner.timers.pop_due(now) {
                        inner.fire_timer(action);
                    }
                    true
                }
                _ => {
                    inner.now = inner.now.max(target);
                    false
                }
            });
            match fired {
                Ok(true) => continue,
                Ok(false) => {
                    return Some(Advance {
                        reached: true,
                        steps,
                    })
                }
                Err(_) => {
                    return Some(Advance {
                        reached: false,
                        steps,
                    })
                }
            }
        }
    }

    /// Runs `body` as a process and drives the scheduler (jumping the clock to the next
    /// timer whenever everything is idle) until it returns. For tests, the console and
    /// booting applications: anything that needs to wait on processes from the host.
    pub fn block_on<T, F, Fut>(&self, body: F) -> Result<T, RuntimeError>
    where
        T: 'static,
        F: FnOnce(Ctx) -> Fut,
        Fut: Future<Output = T> + 'static,
    {
        self.block_on_for(60 * 60 * 1000, body)
    }

    /// `block_on` that gives up after `max_ms` of virtual time.
    pub fn block_on_for<T, F, Fut>(&self, max_ms: u64, body: F) -> Result<T, RuntimeError>
    where
        T: 'static,
        F: FnOnce(Ctx) -> Fut,
        Fut: Future<Output = T> + 'static,
    {
        let slot: Rc<RefCell<Option<T>>> = Rc::new(RefCell::new(None));
        let out = slot.clone();
        let task = self.spawn_opts(SpawnOpts::default().labelled("host task"), move |ctx| {
            let work = body(ctx);
            async move {
                let value = work.await;
                if let Ok(mut out) = out.try_borrow_mut() {
                    *out = Some(value);
                }
                signal::normal()
            }
        })?;
        let host = self.host_pid();
        let mref = self.with(|inner| inner.monitor(host, task))?;
        let deadline = self.now().saturating_add(max_ms);
        loop {
            self.run_until_idle();
            if let Some(value) = slot.try_borrow_mut().ok().and_then(|mut s| s.take()) {
                self.with(|inner| inner.demonitor(host, mref, true))?;
                return Ok(value);
            }
            let down = self.with(|inner| {
                let slot = inner.slots.get_mut(0)?;
                let i = slot.mailbox.iter().position(|m| is_down_for(m, mref))?;
                slot.mailbox.remove(i)
            })?;
            if let Some(down) = down {
                let reason = down
                    .as_tuple()
                    .and_then(|t| t.get(4).cloned())
                    .unwrap_or_else(Term::nil);
                return Err(RuntimeError::TaskExited(reason));
            }
            match self.next_deadline() {
                Some(next) if next <= deadline => {
                    let now = self.now();
                    self.advance(next.saturating_sub(now));
                }
                _ => {
                    let _ = self.exit(task, signal::kill());
                    self.run_until_idle();
                    let _ = self.with(|inner| inner.demonitor(host, mref, true));
                    return Err(RuntimeError::Deadlock);
                }
            }
        }
    }

    /// Messages waiting in the host's mailbox (replies and `:DOWN`s addressed to the host).
    pub fn take_host_messages(&self) -> Vec<Term> {
        self.with(|inner| {
            inner
                .slots
                .get_mut(0)
                .map(|s| s.mailbox.drain(..).collect())
                .unwrap_or_default()
        })
        .unwrap_or_default()
    }

    /// A snapshot of one process; `None` once it has exited.
    pub fn process_info(&self, pid: Pid) -> Option<ProcessInfo> {
        self.read(|inner| inner.info(pid)).flatten()
    }

    /// Every live process, in table order. Cheap enough per frame for thousands of
    /// processes; for more, use `pids` and `process_info` for the rows on screen.
    pub fn snapshot(&self) -> Vec<ProcessInfo> {
        self.read(|inner| inner.live_pids().filter_map(|p| inner.info(p)).collect())
            .unwrap_or_default()
    }

    pub fn pids(&self) -> Vec<Pid> {
        self.read(|inner| inner.live_pids().collect())
            .unwrap_or_default()
    }

    /// The state a behaviour exposes (`:sys.get_state`); `None` for plain processes, dead
    /// ones, or a process in the middle of a callback.
    pub fn state_of(&self, pid: Pid) -> Option<Term> {
        let view = self
            .read(|inner| inner.slot(pid)?.ext.as_ref()?.view.clone())
            .flatten()?;
        view.state()
    }

    /// The pid shown as `#PID<0.n.0>`: the live process with that number, or (when none lives)
    /// a pid that no process has, for which every operation behaves as for a dead process.
    pub fn pid_from_number(&self, n: u32) -> Pid {
        self.read(|inner| {
            inner
                .live_pids()
                .find(|p| p.serial == n)
                .or((n == 0).then_some(inner.host))
        })
        .flatten()
        .unwrap_or(Pid {
            index: u32::MAX,
            serial: n,
        })
    }

    /// What a process is (its module name), without building a whole snapshot.
    pub fn label_of(&self, pid: Pid) -> Option<Rc<str>> {
        self.read(|inner| inner.slot(pid)?.ext.as_ref()?.label.clone())
            .flatten()
    }

    /// A process's parent (who spawned it), without a whole `process_info`.
    pub fn parent_of(&self, pid: Pid) -> Option<Pid> {
        self.read(|inner| inner.slot(pid)?.parent).flatten()
    }

    /// A process's registered name, without a whole `process_info`.
    pub fn name_of(&self, pid: Pid) -> Option<Rc<str>> {
        self.read(|inner| inner.slot(pid)?.ext.as_ref()?.name.clone())
            .flatten()
    }

    /// The number a behaviour exposes for badges and charts (a Session's cart size).
    pub fn metric_of(&self, pid: Pid) -> Option<i64> {
        let view = self
            .read(|inner| inner.slot(pid)?.ext.as_ref()?.view.clone())
            .flatten()?;
        view.metric()
    }

    /// The part of a process's state an observer reads often (`GenServer::digest`).
    pub fn digest_of(&self, pid: Pid) -> Option<Term> {
        let view = self
            .read(|inner| inner.slot(pid)?.ext.as_ref()?.view.clone())
            .flatten()?;
        view.digest()
    }

    /// One line describing the state, for the process table.
    pub fn summary_of(&self, pid: Pid) -> Option<String> {
        let view = self
            .read(|inner| inner.slot(pid)?.ext.as_ref()?.view.clone())
            .flatten()?;
        view.summary()
    }

    /// Bumped on every spawn, exit, link, monitor and name change: the observer rebuilds
    /// its tree only when this moved.
    pub fn version(&self) -> u64 {
        self.read(|inner| inner.version).unwrap_or(0)
    }

    pub fn stats(&self) -> Stats {
        self.read(|inner| inner.stats).unwrap_or_default()
    }

    /// Trace events with a sequence number above `after`, oldest first.
    pub fn trace_since(&self, after: u64) -> Vec<TraceEvent> {
        self.read(|inner| inner.trace.since(after).cloned().collect())
            .unwrap_or_default()
    }

    /// A hash over every trace event so far (its time and text), including those the
    /// bounded buffer has let go: the fingerprint of a run, for replays to match.
    pub fn trace_hash(&self) -> u64 {
        self.read(|inner| inner.trace.hash()).unwrap_or(0)
    }

    /// The sequence number of the newest event.
    pub fn last_seq(&self) -> u64 {
        self.read(|inner| inner.trace.last_seq()).unwrap_or(0)
    }

    /// Pending timers (for the observer and tests).
    pub fn timer_count(&self) -> usize {
        self.read(|inner| inner.timers.len()).unwrap_or(0)
    }

    /// A `send_after` from the host.
    pub fn send_after(&self, ms: u64, to: Pid, msg: Term) -> Result<TimerRef, RuntimeError> {
        self.with(|inner| {
            let deadline = inner.now.saturating_add(ms);
            inner.timers.insert(deadline, TimerAction::Send { to, msg })
        })
    }

    /// Cancels a timer; returns the milliseconds that were left, or `None` if it had fired.
    pub fn cancel_timer(&self, timer: TimerRef) -> Option<u64> {
        self.with(|inner| {
            let now = inner.now;
            inner
                .timers
                .cancel(timer)
                .map(|_| timer.deadline.saturating_sub(now))
        })
        .ok()
        .flatten()
    }
}

/// Removes the first item that matches, keeping the order of the rest: what `retain` does
/// to a list whose items are unique (a process's links, its monitors' references), without
/// looking past the match. A supervisor's oldest children, the likeliest to go, come first.
fn remove_first<T>(items: &mut VecDeque<T>, matches: impl Fn(&T) -> bool) {
    if let Some(i) = items.iter().position(matches) {
        items.remove(i);
    }
}
