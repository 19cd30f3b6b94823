//! What the observer calls each pid: its registered name (a session's key), else the
//! module it was spawned as, learnt from the trace. The trace view, the captions and the
//! banners print pids with these names; a dead process keeps its name while the kept trace
//! still mentions it.

use std::collections::VecDeque;
use std::rc::Rc;

use crate::runtime::{Event, Pid, PidMap, Runtime, TraceEvent};
use crate::sorted_map::SortedSet;

/// Names kept before the first prune (about a trace's worth of processes).
pub const PID_NAMES_KEEP: usize = 4 * super::sim::TRACE_KEEP;

pub struct PidNames {
    names: PidMap<Rc<str>>,
    /// Size at which they are next pruned (twice what a prune left, so a crowd of live
    /// processes is not scanned at every spawn).
    prune_at: usize,
}

impl Default for PidNames {
    fn default() -> Self {
        PidNames {
            names: PidMap::default(),
            prune_at: PID_NAMES_KEEP,
        }
    }
}

impl PidNames {
    pub fn get(&self, pid: Pid) -> Option<&Rc<str>> {
        self.names.get(&pid)
    }

    pub fn insert(&mut self, pid: Pid, name: Rc<str>) {
        self.names.insert(pid, name);
    }

    /// Its name, or the pid's short form (`<0.86.0>`) for a process without one.
    pub fn name_or_short(&self, pid: Pid) -> String {
        self.names
            .get(&pid)
            .map_or_else(|| pid.short(), |n| n.to_string())
    }

    /// What a trace event tells of names: a spawn's label, a registration's name. When
    /// they have grown past the mark, the names of dead processes that `trace` no longer
    /// mentions go.
    pub fn absorb(&mut self, event: &Event, trace: &VecDeque<TraceEvent>, rt: &Runtime) {
        match event {
            Event::Spawn {
                pid,
                label: Some(label),
                ..
            } => {
                self.names.insert(*pid, label.clone());
                if self.names.len() > self.prune_at {
                    self.prune(trace, rt);
                }
            }
            Event::Register { name, pid } => {
                self.names.insert(*pid, name.clone());
            }
            _ => {}
        }
    }

    /// Forgets the names of dead processes the kept trace no longer mentions (live ones,
    /// the long-lived supervisors first of all, keep theirs).
    fn prune(&mut self, trace: &VecDeque<TraceEvent>, rt: &Runtime) {
        let mentioned =
            SortedSet::from_unsorted(trace.iter().flat_map(|e| e.event.pids()).collect());
        self.names
            .retain(|pid, _| rt.alive(*pid) || mentioned.contains(pid));
        self.prune_at = (2 * self.names.len()).max(PID_NAMES_KEEP);
    }

    /// An event as the trace prints it, each pid followed by its name:
    /// `exit #PID<0.96.0> (customer_5) reason :killed`.
    pub fn describe(&self, event: &Event) -> String {
        let mut text = event.to_string();
        let mut pids = event.pids();
        crate::sorting::sort(&mut pids);
        pids.dedup();
        for pid in pids {
            if let Some(name) = self.names.get(&pid) {
                // `#PID<0.8.0>` is never part of `#PID<0.84.0>`: the form ends in `.0>`.
                let shown = pid.to_string();
                text = text.replace(&shown, &format!("{shown} ({name})"));
            }
        }
        text
    }
}
