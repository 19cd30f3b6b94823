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

mod exits;
mod host;
mod running;
mod table;

pub(crate) use exits::is_down_for;

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
    /// ETS tables, each owned by a process.
    pub(crate) ets: crate::runtime::ets::Ets,
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
            ets: Default::default(),
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
}

/// Something that died in a step: dropped only after the scheduler's borrow has ended,
/// because dropping a future or a state may run code that calls back into the runtime.
enum Grave {
    Future(#[allow(dead_code)] ProcFuture),
    View(#[allow(dead_code)] Rc<dyn StateView>),
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

    pub(super) fn with<R>(&self, f: impl FnOnce(&mut Inner) -> R) -> Result<R, RuntimeError> {
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

    pub(super) fn read<R>(&self, f: impl FnOnce(&Inner) -> R) -> Option<R> {
        self.inner.try_borrow().ok().map(|inner| f(&inner))
    }
}
