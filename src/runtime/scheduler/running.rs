//! Running: the run loop (poll runnable processes in FIFO order, within a step and work
//! budget, with the host's `pause` asked between polls), the virtual clock (advanced by the
//! host, firing timers in `(deadline, sequence)` order), and `block_on` for the host's own
//! calls into processes.
//!
//! Invariants: the state is never borrowed while a process is polled; what dies during a
//! step is dropped after the borrow ends (`take_graves`); the clock moves only when the
//! host advances it.

use super::*;

impl Inner {
    pub(super) fn fire_timer(&mut self, action: TimerAction) {
        match action {
            TimerAction::Send { to, msg } => {
                if self.alive(to) {
                    self.record(Event::TimerFired {
                        to,
                        msg: msg.clone(),
                    });
                }
                self.push_message(None, to, msg);
            }
            TimerAction::Wake { pid } => self.wake(pid),
        }
    }

    /// Takes the next runnable process's future out of its slot, marking it running.
    #[inline(always)]
    pub(super) fn next_to_poll(&mut self) -> Option<(Pid, ProcFuture)> {
        loop {
            let pid = self.run_queue.pop_front()?;
            let Some(slot) = self.slot_mut(pid) else {
                continue;
            };
            if slot.status != Status::Runnable {
                continue;
            }
            let Some(future) = slot.future.take() else {
                continue;
            };
            slot.status = Status::Running;
            self.current = pid;
            self.turn_msgs = 0;
            self.stats.polls += 1;
            return Some((pid, future));
        }
    }

    /// Puts a polled future back, or ends the process if its body returned.
    #[inline(always)]
    pub(super) fn after_poll(&mut self, pid: Pid, future: ProcFuture, result: Poll<Term>) {
        self.current = NO_PID;
        match result {
            Poll::Ready(reason) => {
                self.graveyard.push(Grave::Future(future));
                self.exit_process(pid, reason);
            }
            Poll::Pending => match self.slot_mut(pid) {
                Some(slot) => {
                    // The slot's future was taken out to poll it, so this replaces `None`:
                    // moving the old value out keeps a drop call off the hot path.
                    let stray = slot.future.replace(future);
                    if slot.status == Status::Running {
                        slot.status = Status::Waiting;
                    }
                    if let Some(stray) = stray {
                        self.graveyard.push(Grave::Future(stray));
                    }
                }
                None => self.graveyard.push(Grave::Future(future)),
            },
        }
    }

    #[inline]
    pub(super) fn has_graves(&self) -> bool {
        !self.graveyard.is_empty()
    }

    /// Dead futures and states, to be dropped once the borrow has ended.
    pub(super) fn take_graves(&mut self) -> Option<Vec<Grave>> {
        if !self.has_graves() {
            return None;
        }
        Some(std::mem::take(&mut self.graveyard))
    }
}

impl Runtime {
    /// Polls up to `max_steps` runnable processes; returns how many ran. 0 means idle.
    ///
    /// The scheduler state stays borrowed from one poll's bookkeeping to the next poll's
    /// set-up (one borrow per message, not two); it is released while a process runs.
    pub fn run(&self, max_steps: usize) -> usize {
        self.run_within(max_steps, WORK_PER_RUN, None).0
    }

    /// `run`, stopping once processes have reported `work` reductions (checked before each
    /// poll), or when `pause` says so (asked before the first poll, after each poll that
    /// reported work and every `PAUSE_CHECK_POLLS` polls otherwise). Returns the polls and whether it
    /// paused. A pause only decides *when* the next poll happens, never which one it is.
    pub(super) fn run_within<'p>(
        &self,
        max_steps: usize,
        work: u64,
        mut pause: Option<&mut (dyn FnMut() -> bool + 'p)>,
    ) -> (usize, bool) {
        let Ok(mut inner) = self.inner.try_borrow_mut() else {
            return (0, false);
        };
        if inner.running {
            return (0, false);
        }
        inner.running = true;
        let mut cx = Context::from_waker(Waker::noop());
        let mut steps = 0;
        let work_start = inner.work;
        let mut work_seen = inner.work;
        // asked before the first poll too: an advance runs once per timer deadline
        let mut until_check = 1;
        let mut paused = false;
        while steps < max_steps && inner.work.wrapping_sub(work_start) < work {
            if let Some(pause) = pause.as_deref_mut() {
                until_check -= 1;
                if until_check == 0 || inner.work != work_seen {
                    until_check = PAUSE_CHECK_POLLS;
                    work_seen = inner.work;
                    if inner.run_queue.is_empty() {
                        break;
                    }
                    drop(inner);
                    let stop = pause();
                    inner = match self.inner.try_borrow_mut() {
                        Ok(inner) => inner,
                        Err(_) => return (steps, false),
                    };
                    if stop {
                        paused = true;
                        break;
                    }
                }
            }
            let Some((pid, mut future)) = inner.next_to_poll() else {
                break;
            };
            drop(inner);
            let result = future.as_mut().poll(&mut cx);
            inner = match self.inner.try_borrow_mut() {
                Ok(inner) => inner,
                // Only reachable if a process kept a borrow across its poll, which no
                // public API allows; stop rather than panic.
                Err(_) => return (steps, false),
            };
            inner.after_poll(pid, future, result);
            steps += 1;
            if inner.has_graves() {
                let graves = inner.take_graves();
                drop(inner);
                drop(graves);
                inner = match self.inner.try_borrow_mut() {
                    Ok(inner) => inner,
                    Err(_) => return (steps, false),
                };
            }
        }
        inner.running = false;
        (steps, paused)
    }

    /// Reductions reported by processes so far (interpreted code's work): a host bounds a
    /// frame's work with it.
    pub fn work(&self) -> u64 {
        self.read(|inner| inner.work).unwrap_or(0)
    }

    /// Whether some process is ready to run.
    pub fn runnable(&self) -> bool {
        self.read(|inner| !inner.run_queue.is_empty())
            .unwrap_or(false)
    }

    /// Runs until no process is runnable (at most ten million steps, so that a process that
    /// messages itself forever cannot hang the host).
    pub fn run_until_idle(&self) -> usize {
        self.run(10_000_000)
    }

    /// The next timer deadline, if any.
    pub fn next_deadline(&self) -> Option<u64> {
        self.read(|inner| inner.timers.next_deadline()).flatten()
    }

    /// Moves the clock forward by `ms`, firing every timer due on the way in order and
    /// running the processes after each deadline until they are idle.
    pub fn advance(&self, ms: u64) {
        self.advance_bounded(ms, usize::MAX);
    }

    /// Like `advance`, but polls at most `max_steps` processes. If the budget runs out the
    /// clock stays at the last deadline processed, so no event is ever skipped: the
    /// simulation runs slower than asked instead of running wrong.
    pub fn advance_bounded(&self, ms: u64, max_steps: usize) -> Advance {
        let mut advancing = self.begin_advance(ms, max_steps);
        self.resume_advance(&mut advancing, None)
            .unwrap_or(Advance {
                reached: false,
                steps: advancing.steps,
            })
    }

    /// An `advance_bounded` the host can pause between two polls and resume later (a frame
    /// out of wall time carries on in the next one): see `resume_advance`.
    pub fn begin_advance(&self, ms: u64, max_steps: usize) -> Advancing {
        Advancing {
            target: self.read(|inner| inner.now.saturating_add(ms)),
            max_steps,
            steps: 0,
            work_left: WORK_PER_RUN,
        }
    }

    /// Carries an advance on until it is done (`Some`, what `advance_bounded` returns) or
    /// `pause` asks to stop (`None`: call again to go on). The polls are exactly those of
    /// `advance_bounded` in the same order, wherever the pauses fall: a paused advance
    /// resumed gives the same run, so replays stay deterministic.
    pub fn resume_advance<'p>(
        &self,
        advancing: &mut Advancing,
        mut pause: Option<&mut (dyn FnMut() -> bool + 'p)>,
    ) -> Option<Advance> {
        let Some(target) = advancing.target else {
            return Some(Advance {
                reached: false,
                steps: 0,
            });
        };
        // Reported work (interpreted code) is bounded over the whole advance, not per run:
        // once `WORK_PER_RUN` is spent, each run between two deadlines stops after the first
        // poll that reports work, so a spinning process cannot stretch a tick by a slice
        // per timer while the store's processes still answer their timers.
        loop {
            let work_before = self.read(|inner| inner.work).unwrap_or(0);
            let (ran, paused) = self.run_within(
                advancing.max_steps - advancing.steps,
                advancing.work_left.max(1),
                pause.as_deref_mut(),
            );
            advancing.steps += ran;
            let spent = self
                .read(|inner| inner.work)
                .unwrap_or(0)
                .wrapping_sub(work_before);
            advancing.work_left = advancing.work_left.saturating_sub(spent);
            if paused {
                return None;
            }
            let steps = advancing.steps;
            if steps >= advancing.max_steps {
                return Some(Advance {
                    reached: false,
                    steps,
                });
            }
            let fired = self.with(|inner| match inner.timers.next_deadline() {
                Some(deadline) if deadline <= target => {
                    inner.now = inner.now.max(deadline);
                    let now = inner.now;
                    while let Some((_, action)) = inner.timers.pop_due(now) {
                        inner.fire_timer(action);
                    }
                    true
                }
                _ => {
                    inner.now = inner.now.max(target);
                    false
                }
            });
            match fired {
                Ok(true) => continue,
                Ok(false) => {
                    return Some(Advance {
                        reached: true,
                        steps,
                    })
                }
                Err(_) => {
                    return Some(Advance {
                        reached: false,
                        steps,
                    })
                }
            }
        }
    }

    /// Runs `body` as a process and drives the scheduler (jumping the clock to the next
    /// timer whenever everything is idle) until it returns. For tests, the console and
    /// booting applications: anything that needs to wait on processes from the host.
    pub fn block_on<T, F, Fut>(&self, body: F) -> Result<T, RuntimeError>
    where
        T: 'static,
        F: FnOnce(Ctx) -> Fut,
        Fut: Future<Output = T> + 'static,
    {
        self.block_on_for(60 * 60 * 1000, body)
    }

    /// `block_on` that gives up after `max_ms` of virtual time.
    pub fn block_on_for<T, F, Fut>(&self, max_ms: u64, body: F) -> Result<T, RuntimeError>
    where
        T: 'static,
        F: FnOnce(Ctx) -> Fut,
        Fut: Future<Output = T> + 'static,
    {
        let slot: Rc<RefCell<Option<T>>> = Rc::new(RefCell::new(None));
        let out = slot.clone();
        let task = self.spawn_opts(SpawnOpts::default().labelled("host task"), move |ctx| {
            let work = body(ctx);
            async move {
                let value = work.await;
                if let Ok(mut out) = out.try_borrow_mut() {
                    *out = Some(value);
                }
                signal::normal()
            }
        })?;
        let host = self.host_pid();
        let mref = self.with(|inner| inner.monitor(host, task))?;
        let deadline = self.now().saturating_add(max_ms);
        loop {
            self.run_until_idle();
            if let Some(value) = slot.try_borrow_mut().ok().and_then(|mut s| s.take()) {
                self.with(|inner| inner.demonitor(host, mref, true))?;
                return Ok(value);
            }
            let down = self.with(|inner| {
                let slot = inner.slots.get_mut(0)?;
                let i = slot.mailbox.iter().position(|m| is_down_for(m, mref))?;
                slot.mailbox.remove(i)
            })?;
            if let Some(down) = down {
                let reason = down
                    .as_tuple()
                    .and_then(|t| t.get(4).cloned())
                    .unwrap_or_else(Term::nil);
                return Err(RuntimeError::TaskExited(reason));
            }
            match self.next_deadline() {
                Some(next) if next <= deadline => {
                    let now = self.now();
                    self.advance(next.saturating_sub(now));
                }
                _ => {
                    let _ = self.exit(task, signal::kill());
                    self.run_until_idle();
                    let _ = self.with(|inner| inner.demonitor(host, mref, true));
                    return Err(RuntimeError::Deadlock);
                }
            }
        }
    }

    /// A `send_after` from the host.
    pub fn send_after(&self, ms: u64, to: Pid, msg: Term) -> Result<TimerRef, RuntimeError> {
        self.with(|inner| {
            let deadline = inner.now.saturating_add(ms);
            inner.timers.insert(deadline, TimerAction::Send { to, msg })
        })
    }

    /// Cancels a timer; returns the milliseconds that were left, or `None` if it had fired.
    pub fn cancel_timer(&self, timer: TimerRef) -> Option<u64> {
        self.with(|inner| {
            let now = inner.now;
            inner
                .timers
                .cancel(timer)
                .map(|_| timer.deadline.saturating_sub(now))
        })
        .ok()
        .flatten()
    }
}
