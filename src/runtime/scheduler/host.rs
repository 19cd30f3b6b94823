//! The host's API: defining modules and applications, spawning, sending, exiting, and the
//! read-only questions the observer asks (process info, names, states, stats, the trace).
//!
//! Invariants: every call borrows the state through `with` or `read`, so a call made from
//! inside a process's poll is refused (`RuntimeError::Busy`, or `None`) instead of panicking.

use super::*;

impl Runtime {
    /// Loads a module into the code table: child specs and the console can then start it
    /// by name (`{Module, :start_link, [args]}`).
    pub fn define_module(&self, name: &str, module: Module) {
        let _ = self.with(|inner| inner.code.define(name, module));
    }

    /// Declares an application: its name and the child spec of its root supervisor.
    pub fn define_application(&self, name: &str, root: Term) {
        let _ = self.with(|inner| inner.code.define_application(name, root));
    }

    /// `Application.put_env(app, key, value)` from the host.
    pub fn put_env(&self, app: &str, key: &str, value: Term) {
        let _ = self.with(|inner| {
            inner.env.insert((Rc::from(app), Rc::from(key)), value);
        });
    }

    /// `Application.get_env(app, key)`.
    pub fn get_env(&self, app: &str, key: &str) -> Option<Term> {
        self.read(|inner| inner.env.get(&(Rc::from(app), Rc::from(key))).cloned())
            .flatten()
    }

    /// Running applications and their masters.
    pub fn applications(&self) -> Vec<(Rc<str>, Pid)> {
        self.read(|inner| {
            inner
                .applications
                .iter()
                .map(|(n, p)| (n.clone(), *p))
                .collect()
        })
        .unwrap_or_default()
    }

    /// The ETS tables, in the order they were made (for the observer).
    pub fn ets_tables(&self) -> Vec<crate::runtime::ets::TableInfo> {
        self.read(|inner| inner.ets.summaries()).unwrap_or_default()
    }

    /// The pid that stands for the host (`#PID<0.0.0>`): the sender of host messages and
    /// exit signals.
    pub fn host_pid(&self) -> Pid {
        Pid {
            index: 0,
            serial: 0,
        }
    }

    /// Spawns a process running `body`; the returned future's output is its exit reason.
    pub fn spawn<F, Fut>(&self, body: F) -> Result<Pid, RuntimeError>
    where
        F: FnOnce(Ctx) -> Fut,
        Fut: Future<Output = Term> + 'static,
    {
        self.spawn_opts(SpawnOpts::default(), body)
    }

    /// Spawns with options. A taken `name` is refused before anything is spawned.
    pub fn spawn_opts<F, Fut>(&self, opts: SpawnOpts, body: F) -> Result<Pid, RuntimeError>
    where
        F: FnOnce(Ctx) -> Fut,
        Fut: Future<Output = Term> + 'static,
    {
        let name = opts.name.clone();
        let pid = self
            .with(|inner| inner.allocate(None, &opts))?
            .map_err(|holder| {
                RuntimeError::NameTaken(name.as_deref().unwrap_or("").into(), holder)
            })?;
        let ctx = Ctx::new(self.inner.clone(), pid);
        let future = body(ctx);
        let size = std::mem::size_of_val(&future);
        self.with(|inner| inner.install(pid, Box::pin(future), size))?;
        Ok(pid)
    }

    /// Sends `msg` to `to` from the host. Like `send/2`, a dead pid silently drops it.
    pub fn send(&self, to: Pid, msg: Term) -> Result<(), RuntimeError> {
        self.with(|inner| {
            let host = inner.host();
            inner.push_message(Some(host), to, msg)
        })
    }

    /// Sends to a registered name; an unknown name is an error (as `send/2` raises).
    pub fn send_named(&self, name: &str, msg: Term) -> Result<(), RuntimeError> {
        let pid = self
            .whereis(name)
            .ok_or_else(|| RuntimeError::NotRegistered(name.to_string()))?;
        self.send(pid, msg)
    }

    /// `Process.exit(pid, reason)` from the host. Returns true (as Elixir does) even when
    /// the process is already dead.
    pub fn exit(&self, pid: Pid, reason: Term) -> Result<bool, RuntimeError> {
        self.with(|inner| {
            let host = inner.host();
            inner.exit_signal(host, pid, reason, true);
            true
        })
    }

    /// Kills `pid` the way a click in the observer does: `Process.exit(pid, :kill)`.
    /// An error tells the host that the process was already gone.
    pub fn kill(&self, pid: Pid) -> Result<(), RuntimeError> {
        if !self.alive(pid) {
            return Err(RuntimeError::NoProcess(pid));
        }
        self.exit(pid, signal::kill()).map(|_| ())
    }

    /// Lets a process suspended in `Ctx::park` run again.
    pub fn resume(&self, pid: Pid) -> Result<bool, RuntimeError> {
        self.with(|inner| inner.resume(pid))
    }

    pub fn alive(&self, pid: Pid) -> bool {
        self.read(|inner| inner.alive(pid)).unwrap_or(false)
    }

    pub fn whereis(&self, name: &str) -> Option<Pid> {
        self.read(|inner| inner.registry.whereis(name)).flatten()
    }

    /// Registered names and their pids, in name order.
    pub fn registered(&self) -> Vec<(Rc<str>, Pid)> {
        self.read(|inner| {
            inner
                .registry
                .iter()
                .map(|(n, p)| (n.clone(), *p))
                .collect()
        })
        .unwrap_or_default()
    }

    /// Virtual milliseconds since the runtime started.
    pub fn now(&self) -> u64 {
        self.read(|inner| inner.now).unwrap_or(0)
    }

    /// Draws from the runtime's seeded generator (for host-side simulation choices).
    pub fn random_u64(&self) -> u64 {
        self.with(|inner| inner.rng.next_u64()).unwrap_or(0)
    }

    /// Traces the messages `pid` sends and receives (or stops): what a sequence chart of it
    /// needs, while the rest of the system pays one flag test per message. Message events are
    /// observation, not behaviour: the trace hash leaves them out.
    pub fn trace_process(&self, pid: Pid, on: bool) {
        let _ = self.with(|inner| {
            inner.traced.retain(|p| *p != pid.serial);
            if on {
                inner.traced.push(pid.serial);
            }
            inner.trace.watching = !inner.traced.is_empty();
        });
    }

    pub fn set_trace_messages(&self, on: bool) {
        let _ = self.with(|inner| inner.trace.messages = on);
    }

    pub fn set_trace_capacity(&self, capacity: usize) {
        let _ = self.with(|inner| inner.trace.set_capacity(capacity));
    }

    /// Records a note in the trace from the host.
    pub fn note(&self, kind: &str, text: &str) {
        let _ = self.with(|inner| {
            inner.record(Event::Note {
                pid: None,
                kind: Rc::from(kind),
                text: Rc::from(text),
            })
        });
    }

    /// Messages waiting in the host's mailbox (replies and `:DOWN`s addressed to the host).
    pub fn take_host_messages(&self) -> Vec<Term> {
        self.with(|inner| {
            inner
                .slots
                .get_mut(0)
                .map(|s| s.mailbox.drain(..).collect())
                .unwrap_or_default()
        })
        .unwrap_or_default()
    }

    /// A snapshot of one process; `None` once it has exited.
    pub fn process_info(&self, pid: Pid) -> Option<ProcessInfo> {
        self.read(|inner| inner.info(pid)).flatten()
    }

    /// Every live process, in table order. Cheap enough per frame for thousands of
    /// processes; for more, use `pids` and `process_info` for the rows on screen.
    pub fn snapshot(&self) -> Vec<ProcessInfo> {
        self.read(|inner| inner.live_pids().filter_map(|p| inner.info(p)).collect())
            .unwrap_or_default()
    }

    pub fn pids(&self) -> Vec<Pid> {
        self.read(|inner| inner.live_pids().collect())
            .unwrap_or_default()
    }

    /// The state a behaviour exposes (`:sys.get_state`); `None` for plain processes, dead
    /// ones, or a process in the middle of a callback.
    pub fn state_of(&self, pid: Pid) -> Option<Term> {
        let view = self
            .read(|inner| inner.slot(pid)?.ext.as_ref()?.view.clone())
            .flatten()?;
        view.state()
    }

    /// The pid shown as `#PID<0.n.0>`: the live process with that number, or (when none lives)
    /// a pid that no process has, for which every operation behaves as for a dead process.
    pub fn pid_from_number(&self, n: u32) -> Pid {
        self.read(|inner| {
            inner
                .live_pids()
                .find(|p| p.serial == n)
                .or((n == 0).then_some(inner.host))
        })
        .flatten()
        .unwrap_or(Pid {
            index: u32::MAX,
            serial: n,
        })
    }

    /// What a process is (its module name), without building a whole snapshot.
    pub fn label_of(&self, pid: Pid) -> Option<Rc<str>> {
        self.read(|inner| inner.slot(pid)?.ext.as_ref()?.label.clone())
            .flatten()
    }

    /// A process's parent (who spawned it), without a whole `process_info`.
    pub fn parent_of(&self, pid: Pid) -> Option<Pid> {
        self.read(|inner| inner.slot(pid)?.parent).flatten()
    }

    /// A process's registered name, without a whole `process_info`.
    pub fn name_of(&self, pid: Pid) -> Option<Rc<str>> {
        self.read(|inner| inner.slot(pid)?.ext.as_ref()?.name.clone())
            .flatten()
    }

    /// The number a behaviour exposes for badges and charts (a Session's cart size).
    pub fn metric_of(&self, pid: Pid) -> Option<i64> {
        let view = self
            .read(|inner| inner.slot(pid)?.ext.as_ref()?.view.clone())
            .flatten()?;
        view.metric()
    }

    /// The part of a process's state an observer reads often (`GenServer::digest`).
    pub fn digest_of(&self, pid: Pid) -> Option<Term> {
        let view = self
            .read(|inner| inner.slot(pid)?.ext.as_ref()?.view.clone())
            .flatten()?;
        view.digest()
    }

    /// One line describing the state, for the process table.
    pub fn summary_of(&self, pid: Pid) -> Option<String> {
        let view = self
            .read(|inner| inner.slot(pid)?.ext.as_ref()?.view.clone())
            .flatten()?;
        view.summary()
    }

    /// Bumped on every spawn, exit, link, monitor and name change: the observer rebuilds
    /// its tree only when this moved.
    pub fn version(&self) -> u64 {
        self.read(|inner| inner.version).unwrap_or(0)
    }

    pub fn stats(&self) -> Stats {
        self.read(|inner| inner.stats).unwrap_or_default()
    }

    /// Trace events with a sequence number above `after`, oldest first.
    pub fn trace_since(&self, after: u64) -> Vec<TraceEvent> {
        self.read(|inner| inner.trace.since(after).cloned().collect())
            .unwrap_or_default()
    }

    /// A hash over every trace event so far (its time and text), including those the
    /// bounded buffer has let go: the fingerprint of a run, for replays to match.
    pub fn trace_hash(&self) -> u64 {
        self.read(|inner| inner.trace.hash()).unwrap_or(0)
    }

    /// The sequence number of the newest event.
    pub fn last_seq(&self) -> u64 {
        self.read(|inner| inner.trace.last_seq()).unwrap_or(0)
    }

    /// Pending timers (for the observer and tests).
    pub fn timer_count(&self) -> usize {
        self.read(|inner| inner.timers.len()).unwrap_or(0)
    }
}
