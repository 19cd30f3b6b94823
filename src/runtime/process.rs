//! A process: its slot in the process table, and the snapshot the observer reads.
//!
//! The slot keeps what every process needs inline (status, mailbox, the suspended future)
//! and everything else (links, monitors, name, label, state view) in a box allocated on
//! first use, so a bare idle process stays small.

use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use super::pid::{Pid, Ref};
use super::term::Term;

/// The body of a process: it runs until it returns its exit reason.
pub(crate) type ProcFuture = Pin<Box<dyn Future<Output = Term>>>;

/// What a process is doing, as the process table shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// In the run queue.
    Runnable,
    /// Being polled right now.
    Running,
    /// Waiting in `receive` for a message (or a timeout).
    Waiting,
    /// Suspended until the host resumes it (`Ctx::park`).
    Parked,
    /// Not a process any more (a free slot).
    Dead,
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Status::Runnable => "runnable",
            Status::Running => "running",
            Status::Waiting => "waiting",
            Status::Parked => "suspended",
            Status::Dead => "exited",
        })
    }
}

/// A view of a process's state for `:sys.get_state` and the inspector, registered by
/// behaviours such as GenServer. Returns `None` while the state is being changed (the
/// process is inside a callback, for instance waiting on a call).
pub trait StateView {
    fn state(&self) -> Option<Term>;
    /// One line for the process table ("3 items", "12 products").
    fn summary(&self) -> Option<String>;
    /// One number worth a badge or a chart (a cart's item count), cheap to read per frame.
    fn metric(&self) -> Option<i64>;
    /// The part of the state read often (`GenServer::digest`), if the process has one.
    fn digest(&self) -> Option<Term> {
        None
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct MonitorEntry {
    pub mref: Ref,
    pub other: Pid,
    /// true: this process watches `other`; false: `other` watches this process.
    pub watching: bool,
}

#[derive(Default)]
pub(crate) struct Ext {
    /// In the order made (exit signals go out in it). Deques: a supervisor's oldest
    /// children, the likeliest to exit, are at the front, where removal moves nothing.
    pub links: VecDeque<Pid>,
    pub monitors: VecDeque<MonitorEntry>,
    pub name: Option<Rc<str>>,
    pub label: Option<Rc<str>>,
    pub view: Option<Rc<dyn StateView>>,
    /// The tag of the `GenServer.call` this process waits on; a reply with another tag
    /// (a late reply after a timeout) is dropped, as OTP's aliases do.
    pub awaiting_call: Option<Ref>,
    pub restarts: u32,
    pub supervisor: bool,
}

pub(crate) struct Slot {
    /// The serial of the process in this slot; a stale pid has another serial.
    pub serial: u32,
    pub status: Status,
    pub trap_exit: bool,
    /// Messages handled over the process's life.
    pub reductions: u32,
    pub parent: Option<Pid>,
    pub future: Option<ProcFuture>,
    /// Bytes of the process body when it was spawned (for the memory estimate).
    pub body_size: u32,
    pub spawned_at: u64,
    pub mailbox: VecDeque<Term>,
    pub ext: Option<Box<Ext>>,
}

impl Slot {
    pub fn free() -> Self {
        Slot {
            serial: super::scheduler::FREE_SERIAL,
            status: Status::Dead,
            trap_exit: false,
            reductions: 0,
            parent: None,
            future: None,
            body_size: 0,
            spawned_at: 0,
            mailbox: VecDeque::new(),
            ext: None,
        }
    }

    pub fn ext(&mut self) -> &mut Ext {
        self.ext.get_or_insert_with(Box::default)
    }

    /// True when this slot holds the live process `pid`. A freed slot's serial is
    /// `FREE_SERIAL`, which no pid but the host's has, and the host's slot never dies.
    #[inline(always)]
    pub fn is(&self, pid: Pid) -> bool {
        self.serial == pid.serial
    }
}

/// A snapshot of one process, for the process table, the tree and the inspector.
#[derive(Clone, Debug, PartialEq)]
pub struct ProcessInfo {
    pub pid: Pid,
    pub name: Option<Rc<str>>,
    /// What the process is: a module name such as `Redfour.Shopping.Session`.
    pub label: Option<Rc<str>>,
    pub status: Status,
    pub parent: Option<Pid>,
    pub links: Vec<Pid>,
    /// Processes this one monitors.
    pub monitoring: Vec<Pid>,
    /// Processes that monitor this one.
    pub monitored_by: Vec<Pid>,
    pub message_queue_len: usize,
    pub reductions: u32,
    /// Approximate bytes: table slot, body, mailbox.
    pub memory: usize,
    pub trap_exit: bool,
    pub restarts: u32,
    pub is_supervisor: bool,
    pub spawned_at: u64,
}
