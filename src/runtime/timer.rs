//! Timers on the virtual clock: `send_after`, receive timeouts, `sleep`.
//!
//! Timers are ordered by `(deadline, sequence)`, so two timers due at the same virtual
//! millisecond fire in the order they were set: deterministic, whatever the host does.

use std::collections::BTreeMap;

use super::pid::Pid;
use super::term::Term;

/// Identifies one timer; returned by `send_after` and accepted by `cancel_timer`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TimerRef {
    pub(crate) deadline: u64,
    pub(crate) seq: u64,
}

impl TimerRef {
    pub fn deadline(self) -> u64 {
        self.deadline
    }
}

#[derive(Debug)]
pub(crate) enum TimerAction {
    /// `send_after`: deliver `msg` to `to` (dropped if `to` has died).
    Send { to: Pid, msg: Term },
    /// A receive timeout or sleep: make `pid` runnable so its receive sees the timeout.
    Wake { pid: Pid },
}

#[derive(Default)]
pub(crate) struct Timers {
    entries: BTreeMap<TimerRef, TimerAction>,
    next_seq: u64,
}

impl Timers {
    pub fn insert(&mut self, deadline: u64, action: TimerAction) -> TimerRef {
        self.next_seq += 1;
        let key = TimerRef {
            deadline,
            seq: self.next_seq,
        };
        self.entries.insert(key, action);
        key
    }

    pub fn cancel(&mut self, key: TimerRef) -> Option<TimerAction> {
        self.entries.remove(&key)
    }

    pub fn contains(&self, key: TimerRef) -> bool {
        self.entries.contains_key(&key)
    }

    pub fn next_deadline(&self) -> Option<u64> {
        self.entries.keys().next().map(|k| k.deadline)
    }

    /// Removes and returns the earliest timer if it is due at or before `now`.
    pub fn pop_due(&mut self, now: u64) -> Option<(TimerRef, TimerAction)> {
        let first = *self.entries.keys().next()?;
        if first.deadline > now {
            return None;
        }
        self.entries.remove(&first).map(|action| (first, action))
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }
}
