//! The process table and the run queue: a process's slot (allocated, installed, looked up
//! by pid), its mailbox (messages in, selective receive out), its registered name, and
//! `info` for the observer.
//!
//! Invariants: a slot holds the process `pid` exactly when its serial is `pid.serial`
//! (`Slot::is`), so a pid whose process has died finds nothing, even once its slot is
//! reused; a message wakes a process (`wake`) only if it was waiting, so messages never
//! queue a runnable process twice.

use super::*;

impl Inner {
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

    pub(crate) fn set_awaiting(&mut self, pid: Pid, tag: Option<Ref>) {
        if let Some(slot) = self.slot_mut(pid) {
            if tag.is_some() || slot.ext.is_some() {
                slot.ext().awaiting_call = tag;
            }
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

    pub(super) fn live_pids(&self) -> impl Iterator<Item = Pid> + '_ {
        self.slots.iter().enumerate().skip(1).filter_map(|(i, s)| {
            (s.status != Status::Dead).then_some(Pid {
                index: i as u32,
                serial: s.serial,
            })
        })
    }
}
