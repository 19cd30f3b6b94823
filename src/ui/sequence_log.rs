//! What the sequence chart is drawn from: the processes a person charted, and their events
//! logged from the trace as it comes (a charted process's successor, after a restart, takes
//! its place), with the chart built from them once and fed the new events since.

use std::cell::RefCell;
use std::collections::VecDeque;

use super::sequence::{Builder, Chart};
use crate::runtime::{Event, Pid, Runtime, TraceEvent};
use crate::sorted_map::SortedSet;

/// Events the sequence chart keeps, at most.
pub const SEQ_KEEP: usize = 10_000;
/// Rows the chart may hold beyond `SEQ_KEEP` before its oldest are let go (a few at a time
/// would move the whole chart at every refresh).
const CHART_SLACK: usize = 1_000;

#[derive(Default)]
pub struct SequenceLog {
    /// The charted processes (pid numbers), and the successors of those restarted (the
    /// predecessors stay: their lifelines end in the chart).
    pub charted: SortedSet<u32>,
    /// The events of the charted processes, oldest first (at most `SEQ_KEEP`).
    pub events: VecDeque<TraceEvent>,
    /// Events ever pushed to `events` (the chart's cache follows them).
    pushed: u64,
    /// The chart as last built, fed since with the new events only.
    cache: RefCell<ChartCache>,
}

/// The sequence chart, built once and fed the events logged since.
#[derive(Default)]
struct ChartCache {
    builder: Builder,
    /// The charted processes it was built for (`None`: to be built again).
    chosen: Option<SortedSet<u32>>,
    /// `pushed` when it was last fed.
    fed: u64,
}

impl SequenceLog {
    /// Charts `pid` (its messages traced from now on), or stops charting it.
    pub fn toggle(&mut self, pid: Pid, rt: &Runtime) {
        let n = pid.number();
        let on = !self.charted.remove(&n);
        if on {
            self.charted.insert(n);
        }
        rt.trace_process(pid, on);
        if self.charted.is_empty() {
            self.events.clear();
        }
        self.cache.borrow_mut().chosen = None;
    }

    /// Charts nothing any more.
    pub fn clear(&mut self, rt: &Runtime) {
        for n in std::mem::take(&mut self.charted) {
            rt.trace_process(rt.pid_from_number(n), false);
        }
        self.events.clear();
        self.cache.borrow_mut().chosen = None;
    }

    /// Keeps what the chart needs of an event; a charted process's successor (after a
    /// restart) takes its place, and the supervisor's spawn of it starts its lifeline.
    pub fn absorb(&mut self, e: &TraceEvent, rt: &Runtime) {
        if self.charted.is_empty() {
            return;
        }
        let charted = |p: &Pid| self.charted.contains(&p.number());
        let keep = match &e.event {
            Event::Receive { .. } => false,
            other => other.pids().iter().any(charted),
        };
        if keep {
            self.events.push_back(e.clone());
            self.pushed += 1;
        }
        if let Event::Restart {
            supervisor,
            old,
            new,
            ..
        } = &e.event
        {
            if self.charted.contains(&old.number()) && self.charted.insert(new.number()) {
                rt.trace_process(*old, false);
                rt.trace_process(*new, true);
                self.events.push_back(TraceEvent {
                    seq: e.seq,
                    time: e.time,
                    event: Event::Spawn {
                        pid: *new,
                        parent: Some(*supervisor),
                        label: None,
                    },
                });
                self.pushed += 1;
            }
        }
        while self.events.len() > SEQ_KEEP {
            self.events.pop_front();
        }
    }

    /// The chart as it stands: fed the events logged since the last call (and rid of its
    /// oldest rows past `SEQ_KEEP`), or built again when the charted processes changed.
    /// `name` says what to call a process.
    pub fn chart(&self, name: &dyn Fn(Pid) -> Option<String>) -> std::cell::Ref<'_, Chart> {
        {
            let mut c = self.cache.borrow_mut();
            let new = (self.pushed - c.fed) as usize;
            if c.chosen.as_ref() == Some(&self.charted) && new <= self.events.len() {
                for e in self.events.iter().skip(self.events.len() - new) {
                    c.builder.feed(e, &self.charted, name);
                }
                if c.builder.chart().arrows.len() > SEQ_KEEP + CHART_SLACK {
                    c.builder.keep_newest(SEQ_KEEP);
                }
            } else {
                c.builder = Builder::from_events(&self.events, &self.charted, name);
                c.chosen = Some(self.charted.clone());
            }
            c.fed = self.pushed;
        }
        std::cell::Ref::map(self.cache.borrow(), |c| c.builder.chart())
    }
}
