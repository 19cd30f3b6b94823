//! How processes end and who hears of it, as OTP's rules say: links (both ways) and
//! monitors (one way), exit signals (`:normal` is ignored unless sent to itself, `:kill`
//! cannot be trapped and arrives as `:killed`, a trapping process gets `{:EXIT, from,
//! reason}`), and `terminate`, which frees the slot and tells the linked and the monitoring.
//!
//! Invariants: exit signals wait in `pending` and are delivered in the order they were
//! raised (`process_pending`), so a chain of links dies in the same order on every run;
//! `demonitor` with `flush` also removes a `:DOWN` already in the mailbox.

use super::*;

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

/// Removes the first item that matches, keeping the order of the rest: what `retain` does
/// to a list whose items are unique (a process's links, its monitors' references), without
/// looking past the match. A supervisor's oldest children, the likeliest to go, come first.
pub(super) fn remove_first<T>(items: &mut VecDeque<T>, matches: impl Fn(&T) -> bool) {
    if let Some(i) = items.iter().position(matches) {
        items.remove(i);
    }
}

impl Inner {
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

    pub(super) fn process_pending(&mut self) {
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

    /// The dead `owner`'s ETS tables go to their heirs or away, as the trace tells.
    fn orphan_tables(&mut self, owner: Pid) {
        use crate::runtime::ets::Orphan;
        let slots = &self.slots;
        let orphans = self.ets.owner_exited(owner, |p| {
            slots.get(p.index as usize).is_some_and(|s| s.is(p))
        });
        for o in orphans {
            match o {
                Orphan::Deleted(t) => {
                    let text =
                        format!("ETS table {} deleted: its owner exited", Term::Atom(t.name));
                    self.record(Event::Note {
                        pid: Some(owner),
                        kind: Rc::from("ets"),
                        text: Rc::from(text),
                    });
                }
                Orphan::Inherited {
                    heir,
                    message,
                    name,
                } => {
                    let text = format!("ETS table {} inherited by {heir}", Term::Atom(name));
                    self.push_message(Some(owner), heir, message);
                    self.record(Event::Note {
                        pid: Some(heir),
                        kind: Rc::from("ets"),
                        text: Rc::from(text),
                    });
                }
            }
        }
        self.version += 1;
    }

    /// Frees the process's slot, then queues its exit signals and `:DOWN` messages.
    pub(super) fn terminate(&mut self, pid: Pid, reason: Term) {
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
        if !self.ets.is_empty() {
            self.orphan_tables(pid);
        }
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
}
