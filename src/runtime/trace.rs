//! The event trace: a bounded log of what happened, in order, with virtual timestamps and
//! sequence numbers. The observer reads the events it has not seen yet
//! (`Runtime::trace_since`); a test hashes it to check determinism.

use std::collections::VecDeque;
use std::fmt;
use std::rc::Rc;

use super::pid::{Pid, Ref};
use super::signal;
use super::term::Term;

/// One thing that happened.
#[derive(Clone, Debug, PartialEq)]
pub enum Event {
    Spawn {
        pid: Pid,
        parent: Option<Pid>,
        label: Option<Rc<str>>,
    },
    Exit {
        pid: Pid,
        reason: Term,
    },
    Link {
        a: Pid,
        b: Pid,
    },
    Unlink {
        a: Pid,
        b: Pid,
    },
    Monitor {
        watcher: Pid,
        target: Pid,
        mref: Ref,
    },
    Demonitor {
        watcher: Pid,
        mref: Ref,
    },
    Down {
        watcher: Pid,
        target: Pid,
        reason: Term,
    },
    Register {
        name: Rc<str>,
        pid: Pid,
    },
    Unregister {
        name: Rc<str>,
        pid: Pid,
    },
    /// Only recorded while message tracing is on (`Runtime::set_trace_messages`).
    Send {
        from: Option<Pid>,
        to: Pid,
        msg: Term,
    },
    /// Only recorded while message tracing is on.
    Receive {
        pid: Pid,
        msg: Term,
    },
    TimerFired {
        to: Pid,
        msg: Term,
    },
    /// A supervisor restarted a child: the child's id, the pid that died and why, the new pid.
    /// `sibling_of` is set when the child was stopped and restarted because a sibling died
    /// (one_for_all, rest_for_one); only restarts without it count towards the intensity.
    Restart {
        supervisor: Pid,
        child: Rc<str>,
        old: Pid,
        new: Pid,
        reason: Term,
        sibling_of: Option<Pid>,
    },
    /// A supervisor exceeded its restart intensity and gave up.
    GiveUp {
        supervisor: Pid,
        restarts: u32,
        within_ms: u64,
    },
    /// A domain event or log line (a sale, a storage error, an application that exited).
    Note {
        pid: Option<Pid>,
        kind: Rc<str>,
        text: Rc<str>,
    },
}

impl Event {
    /// A short name for filtering: "spawn", "exit", "restart", …
    pub fn kind(&self) -> &str {
        match self {
            Event::Spawn { .. } => "spawn",
            Event::Exit { .. } => "exit",
            Event::Link { .. } => "link",
            Event::Unlink { .. } => "unlink",
            Event::Monitor { .. } => "monitor",
            Event::Demonitor { .. } => "demonitor",
            Event::Down { .. } => "down",
            Event::Register { .. } => "register",
            Event::Unregister { .. } => "unregister",
            Event::Send { .. } => "send",
            Event::Receive { .. } => "receive",
            Event::TimerFired { .. } => "timer",
            Event::Restart { .. } => "restart",
            Event::GiveUp { .. } => "give_up",
            Event::Note { kind, .. } => kind,
        }
    }

    /// The processes the event is about (for filtering by process).
    pub fn pids(&self) -> Vec<Pid> {
        match self {
            Event::Spawn { pid, parent, .. } => parent.iter().copied().chain([*pid]).collect(),
            Event::Exit { pid, .. } | Event::Receive { pid, .. } => vec![*pid],
            Event::Link { a, b } | Event::Unlink { a, b } => vec![*a, *b],
            Event::Monitor {
                watcher, target, ..
            }
            | Event::Down {
                watcher, target, ..
            } => vec![*watcher, *target],
            Event::Demonitor { watcher, .. } => vec![*watcher],
            Event::Register { pid, .. } | Event::Unregister { pid, .. } => vec![*pid],
            Event::Send { from, to, .. } => from.iter().copied().chain([*to]).collect(),
            Event::TimerFired { to, .. } => vec![*to],
            Event::Restart {
                supervisor,
                old,
                new,
                ..
            } => vec![*supervisor, *old, *new],
            Event::GiveUp { supervisor, .. } => vec![*supervisor],
            Event::Note { pid, .. } => pid.iter().copied().collect(),
        }
    }

    /// True for exits that OTP would log as a crash (any reason but normal/shutdown).
    pub fn is_crash(&self) -> bool {
        matches!(self, Event::Exit { reason, .. } if !signal::is_clean(reason))
    }
}

impl fmt::Display for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Event::Spawn { pid, parent, label } => {
                write!(f, "spawn {pid}")?;
                if let Some(label) = label {
                    write!(f, " ({label})")?;
                }
                if let Some(parent) = parent {
                    write!(f, " by {parent}")?;
                }
                Ok(())
            }
            Event::Exit { pid, reason } => write!(f, "exit {pid} reason {reason}"),
            Event::Link { a, b } => write!(f, "link {a} <-> {b}"),
            Event::Unlink { a, b } => write!(f, "unlink {a} <-> {b}"),
            Event::Monitor {
                watcher,
                target,
                mref,
            } => write!(f, "monitor {watcher} -> {target} {mref}"),
            Event::Demonitor { watcher, mref } => write!(f, "demonitor {watcher} {mref}"),
            Event::Down {
                watcher,
                target,
                reason,
            } => write!(f, "down {target} seen by {watcher} reason {reason}"),
            Event::Register { name, pid } => write!(f, "register {name} -> {pid}"),
            Event::Unregister { name, pid } => write!(f, "unregister {name} (was {pid})"),
            Event::Send { from, to, msg } => match from {
                Some(from) => write!(f, "send {from} -> {to}: {msg}"),
                None => write!(f, "send host -> {to}: {msg}"),
            },
            Event::Receive { pid, msg } => write!(f, "receive {pid}: {msg}"),
            Event::TimerFired { to, msg } => write!(f, "timer -> {to}: {msg}"),
            Event::Restart {
                supervisor,
                child,
                old,
                new,
                reason,
                sibling_of,
            } => match sibling_of {
                None => write!(
                    f,
                    "restart {child} by {supervisor}: {old} exited ({reason}), now {new}"
                ),
                Some(dead) => write!(
                    f,
                    "restart {child} by {supervisor}: {old} stopped as {dead} exited, now {new}"
                ),
            },
            Event::GiveUp {
                supervisor,
                restarts,
                within_ms,
            } => write!(
                f,
                "give up {supervisor}: more than {restarts} restarts in {within_ms} ms"
            ),
            Event::Note { pid, kind, text } => match pid {
                Some(pid) => write!(f, "{kind} {pid}: {text}"),
                None => write!(f, "{kind}: {text}"),
            },
        }
    }
}

/// An event with its place in the run.
#[derive(Clone, Debug, PartialEq)]
pub struct TraceEvent {
    /// 1, 2, 3, … for the whole run (also counting events the buffer has dropped).
    pub seq: u64,
    /// Virtual milliseconds since the runtime started.
    pub time: u64,
    pub event: Event,
}

impl fmt::Display for TraceEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{} t={}ms {}", self.seq, self.time, self.event)
    }
}

/// The bounded buffer. When full, the oldest events go first.
pub(crate) struct Trace {
    events: VecDeque<TraceEvent>,
    capacity: usize,
    next_seq: u64,
    pub messages: bool,
    /// A hash over every event recorded (its time and its text), kept or not: two runs with
    /// the same seed and inputs end with the same hash (`Runtime::trace_hash`).
    hash: TraceHash,
}

/// FNV-1a over what is written to it, as a `fmt::Write` (an event is hashed as it prints,
/// without building its text).
#[derive(Clone, Copy, Debug)]
pub struct TraceHash(pub u64);

impl Default for TraceHash {
    fn default() -> Self {
        TraceHash(0xcbf2_9ce4_8422_2325)
    }
}

impl fmt::Write for TraceHash {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        for b in s.bytes() {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
        Ok(())
    }
}

impl Trace {
    pub fn new(capacity: usize) -> Self {
        Trace {
            events: VecDeque::with_capacity(capacity.min(4096)),
            capacity,
            next_seq: 1,
            messages: false,
            hash: TraceHash::default(),
        }
    }

    pub fn record(&mut self, time: u64, event: Event) {
        if self.capacity == 0 {
            self.next_seq += 1;
            return;
        }
        let _ = fmt::Write::write_fmt(&mut self.hash, format_args!("{time} {event}\n"));
        if self.events.len() == self.capacity {
            self.events.pop_front();
        }
        self.events.push_back(TraceEvent {
            seq: self.next_seq,
            time,
            event,
        });
        self.next_seq += 1;
    }

    /// Events with `seq > after`, oldest first.
    pub fn since(&self, after: u64) -> impl Iterator<Item = &TraceEvent> {
        let start = self.events.partition_point(|e| e.seq <= after);
        self.events.range(start..)
    }

    pub fn hash(&self) -> u64 {
        self.hash.0
    }

    pub fn last_seq(&self) -> u64 {
        self.next_seq - 1
    }

    pub fn set_capacity(&mut self, capacity: usize) {
        self.capacity = capacity;
        while self.events.len() > capacity {
            self.events.pop_front();
        }
    }
}

/// FNV-1a over the printed events: equal traces give equal hashes on every platform.
pub fn fingerprint<'a>(events: impl IntoIterator<Item = &'a TraceEvent>) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for event in events {
        for byte in event.to_string().bytes().chain([b'\n']) {
            hash ^= byte as u64;
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    hash
}
