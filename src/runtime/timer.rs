//! Timers on the virtual clock: `send_after`, receive timeouts, `sleep`.
//!
//! Timers are ordered by `(deadline, sequence)`, so two timers due at the same virtual
//! millisecond fire in the order they were set: deterministic, whatever the host does.
//!
//! A binary heap of refs orders them; their actions sit in a map by ref. A cancelled timer
//! leaves the map at once and its ref leaves the heap when it comes to the top (the top is
//! always a live timer, so `next_deadline` needs no cleaning).

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};

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
    order: BinaryHeap<Reverse<TimerRef>>,
    entries: HashMap<TimerRef, TimerAction, super::pid::FnvBuild>,
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
        self.order.push(Reverse(key));
        key
    }

    pub fn cancel(&mut self, key: TimerRef) -> Option<TimerAction> {
        let action = self.entries.remove(&key);
        self.drop_cancelled();
        action
    }

    /// Takes cancelled refs off the top of the heap.
    fn drop_cancelled(&mut self) {
        while let Some(Reverse(top)) = self.order.peek() {
            if self.entries.contains_key(top) {
                break;
            }
            self.order.pop();
        }
    }

    pub fn contains(&self, key: TimerRef) -> bool {
        self.entries.contains_key(&key)
    }

    pub fn next_deadline(&self) -> Option<u64> {
        self.order.peek().map(|Reverse(k)| k.deadline)
    }

    /// Removes and returns the earliest timer if it is due at or before `now`.
    pub fn pop_due(&mut self, now: u64) -> Option<(TimerRef, TimerAction)> {
        let Reverse(first) = *self.order.peek()?;
        if first.deadline > now {
            return None;
        }
        self.order.pop();
        let action = self.entries.remove(&first);
        self.drop_cancelled();
        action.map(|action| (first, action))
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }
}
