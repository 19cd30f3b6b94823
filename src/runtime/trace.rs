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
    /// Some processes' messages are traced (`Runtime::trace_process`).
    pub watching: bool,
    /// A fingerprint of every event recorded, kept or not: two runs with the same seed and
    /// inputs end with the same hash (`Runtime::trace_hash`).
    hash: TraceHash,
}

/// A fingerprint of every event recorded, mixed a word at a time (Fx-style): each event's
/// time, kind, pids, names and a shallow look at its terms (their type, size, atoms, numbers
/// and first items). Cheap enough to keep always; a run that diverges changes it.
#[derive(Clone, Copy, Debug)]
pub struct TraceHash(pub u64);

impl Default for TraceHash {
    fn default() -> Self {
        TraceHash(0xcbf2_9ce4_8422_2325)
    }
}

impl TraceHash {
    fn word(&mut self, w: u64) {
        self.0 = (self.0.rotate_left(5) ^ w).wrapping_mul(0x517c_c1b7_2722_0a95);
    }

    fn text(&mut self, s: &str) {
        self.word(s.len() as u64);
        for chunk in s.as_bytes().chunks(8) {
            let mut w = [0u8; 8];
            w[..chunk.len()].copy_from_slice(chunk);
            self.word(u64::from_le_bytes(w));
        }
    }

    fn pid(&mut self, p: Pid) {
        self.word(u64::from(p.serial));
    }

    fn opt_pid(&mut self, p: Option<Pid>) {
        self.word(p.map_or(u64::MAX, |p| u64::from(p.serial)));
    }

    /// A tuple's or list's size and first few items.
    fn items(&mut self, tag: u64, items: &[Term], depth: u32) {
        self.word(tag);
        self.word(items.len() as u64);
        if depth > 0 {
            for item in items.iter().take(4) {
                self.term(item, depth - 1);
            }
        }
    }

    fn term(&mut self, t: &Term, depth: u32) {
        match t {
            Term::Atom(a) => {
                self.word(1);
                self.text(&a.name());
            }
            Term::Int(i) => {
                self.word(2);
                self.word(*i as u64);
            }
            Term::Big(b) => {
                self.word(13);
                self.word(b.is_negative() as u64);
                for d in b.u64_digits() {
                    self.word(d);
                }
            }
            Term::Float(f) => {
                self.word(3);
                self.word(f.to_bits());
            }
            Term::Str(x) => {
                self.word(4);
                let end = (0..=x.len().min(32))
                    .rev()
                    .find(|i| x.is_char_boundary(*i))
                    .unwrap_or(0);
                self.text(&x[..end]);
            }
            Term::Bin(x, tail) => {
                self.word(12);
                self.word(x.len() as u64 * 8 + *tail as u64);
                for b in x.iter().take(32) {
                    self.word(*b as u64);
                }
            }
            Term::Tuple(x) => self.items(5, x, depth),
            Term::List(l) => self.items(6, l, depth),
            Term::Improper(cell) => {
                self.items(14, &cell.0, depth);
                self.term(&cell.1, depth.saturating_sub(1));
            }
            Term::Map(x) => {
                self.word(7);
                self.word(x.len() as u64);
            }
            Term::Struct(name, x) => {
                self.word(8);
                self.text(&name.name());
                self.word(x.len() as u64);
            }
            Term::Pid(p) => {
                self.word(9);
                self.pid(*p);
            }
            Term::Ref(r) => {
                self.word(10);
                self.word(r.0);
            }
            Term::Fun(f) => {
                // not its id: that counts funs made in the page, replays included
                self.word(11);
                self.word(f.arity() as u64);
            }
        }
    }

    fn event(&mut self, time: u64, e: &Event) {
        // What is traced of messages depends on what the person watches, not on the run:
        // message events stay out of its fingerprint.
        if matches!(e, Event::Send { .. } | Event::Receive { .. }) {
            return;
        }
        self.word(time);
        match e {
            Event::Spawn { pid, parent, label } => {
                self.word(20);
                self.pid(*pid);
                self.opt_pid(*parent);
                self.text(label.as_deref().unwrap_or(""));
            }
            Event::Exit { pid, reason } => {
                self.word(21);
                self.pid(*pid);
                self.term(reason, 2);
            }
            Event::Link { a, b } | Event::Unlink { a, b } => {
                self.word(if matches!(e, Event::Link { .. }) {
                    22
                } else {
                    23
                });
                self.pid(*a);
                self.pid(*b);
            }
            Event::Monitor {
                watcher,
                target,
                mref,
            } => {
                self.word(24);
                self.pid(*watcher);
                self.pid(*target);
                self.word(mref.0);
            }
            Event::Demonitor { watcher, mref } => {
                self.word(25);
                self.pid(*watcher);
                self.word(mref.0);
            }
            Event::Down {
                watcher,
                target,
                reason,
            } => {
                self.word(26);
                self.pid(*watcher);
                self.pid(*target);
                self.term(reason, 2);
            }
            Event::Register { name, pid } | Event::Unregister { name, pid } => {
                self.word(if matches!(e, Event::Register { .. }) {
                    27
                } else {
                    28
                });
                self.text(name);
                self.pid(*pid);
            }
            Event::Send { .. } | Event::Receive { .. } => {} // left out above
            Event::TimerFired { to, msg } => {
                self.word(31);
                self.pid(*to);
                self.term(msg, 2);
            }
            Event::Restart {
                supervisor,
                child,
                old,
                new,
                reason,
                sibling_of,
            } => {
                self.word(32);
                self.pid(*supervisor);
                self.text(child);
                self.pid(*old);
                self.pid(*new);
                self.term(reason, 2);
                self.opt_pid(*sibling_of);
            }
            Event::GiveUp {
                supervisor,
                restarts,
                within_ms,
            } => {
                self.word(33);
                self.pid(*supervisor);
                self.word(u64::from(*restarts));
                self.word(*within_ms);
            }
            Event::Note { pid, kind, text } => {
                self.word(34);
                self.opt_pid(*pid);
                self.text(kind);
                self.text(text);
            }
        }
    }
}

impl Trace {
    pub fn new(capacity: usize) -> Self {
        Trace {
            events: VecDeque::with_capacity(capacity.min(4096)),
            capacity,
            next_seq: 1,
            messages: false,
            watching: false,
            hash: TraceHash::default(),
        }
    }

    pub fn record(&mut self, time: u64, event: Event) {
        if self.capacity == 0 {
            self.next_seq += 1;
            return;
        }
        self.hash.event(time, &event);
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
