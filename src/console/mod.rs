//! The console: type Elixir and get what iex prints, against the live store.
//!
//! Lines are evaluated by a shell process in the runtime, as in iex: `self()` is its pid,
//! `flush()` reads its mailbox, a call waits on the virtual clock while the store goes on,
//! and a shell that is killed is replaced by a new one (its variables are gone; the modules
//! it defined stay, as on the BEAM). The language itself lives in [`crate::elixir`]; this
//! module keeps the transcript: entries, prompts, continuation lines, history.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use crate::elixir::natives::Natives;
use crate::elixir::{self, parser, Machine, Modules, SyntaxError};
use crate::runtime::{Ctx, Event, Pid, Runtime, SpawnOpts};

/// One finished or running entry of the transcript.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    /// The `N` of `iex(N)>`.
    pub number: usize,
    pub input: String,
    /// `None` while it runs (a call or `Process.sleep` waiting on virtual time).
    pub output: Option<String>,
    /// Not a typed line but something the shell printed by itself: a shell that died while
    /// waiting for input, the banner of a new shell. Only `output` is shown.
    pub notice: bool,
}

/// What iex prints when it starts a shell (again, after one died).
pub const BANNER: &str =
    "Interactive Elixir (1.14.0) - press Ctrl+C to exit (type h() ENTER for help)";

#[derive(Default)]
struct Io {
    queue: VecDeque<(usize, String)>,
    /// (entry, output, failed)
    done: Vec<(usize, String, bool)>,
    observer: bool,
    clear: bool,
}

pub struct Console {
    rt: Runtime,
    /// Modules defined in the console: shared by its shells, kept when a shell dies.
    modules: Modules,
    /// The group leader: what processes started from the console print, and their crash
    /// reports. Shown with the line that was running, or on its own when none was.
    group: Rc<RefCell<String>>,
    shell: Option<Pid>,
    io: Rc<RefCell<Io>>,
    pub entries: Vec<Entry>,
    pub history: Vec<String>,
    next_number: usize,
    /// Trace position when the current shell took its last work (to find why it died).
    seq_mark: u64,
    /// `:observer.start` was called since the page last looked.
    pub observer_requested: bool,
    /// The start of an expression that is not finished yet.
    pending: String,
    /// Unfinished expressions given up with `#iex:break`.
    pub abandoned: Vec<String>,
    /// `clear` hid the entries before this index.
    pub cleared_before: usize,
    /// The native functions its processes know: the library's, and the host's (see
    /// [`Console::register`]).
    natives: Rc<Natives>,
}

impl Console {
    pub fn new(rt: Runtime) -> Self {
        Console {
            rt,
            modules: Modules::default(),
            group: Rc::default(),
            shell: None,
            io: Rc::default(),
            entries: Vec::new(),
            history: Vec::new(),
            next_number: 1,
            seq_mark: 0,
            observer_requested: false,
            pending: String::new(),
            abandoned: Vec::new(),
            cleared_before: 0,
            natives: Rc::new(Natives::standard()),
        }
    }

    /// Adds a host's native modules (the store's: `store::console_bindings::register`) to the
    /// console's table. Processes already running keep the table they started with.
    pub fn register(&mut self, add: impl FnOnce(&mut Natives)) {
        add(Rc::make_mut(&mut self.natives));
    }

    /// The console's table of native functions.
    pub fn natives(&self) -> &Natives {
        &self.natives
    }

    /// Each function defined in the console (`Fib.fib/1`, sorted) and how it runs:
    /// `Some(true)` lowered and compiled, `Some(false)` walked by the machine (something in
    /// it is not lowered yet), `None` not called yet (functions are lowered at their first
    /// call).
    pub fn function_modes(&self) -> Vec<(String, Option<bool>)> {
        let mut out: Vec<(String, Option<bool>)> = Vec::new();
        for (name, m) in self.modules.borrow().iter() {
            for def in m.funs.values() {
                let label = format!(
                    "{}.{}/{}",
                    crate::runtime::Term::Atom(*name),
                    def.name.name(),
                    def.arity
                );
                out.push((label, def.code.get().map(|c| c.is_some())));
            }
        }
        crate::sorting::sort(&mut out);
        out
    }

    /// True once a module typed into the console (not the prelude's, not the host's)
    /// defines a struct.
    pub fn defines_a_struct(&self) -> bool {
        self.modules
            .borrow()
            .values()
            .any(|m| !m.library && m.struct_fields.is_some())
    }

    /// Runs `text` as one input, however many lines and expressions it has (the editor's
    /// *Run*: a module and the lines after it are one entry, so an error's `iex:L:C` is a
    /// line of the editor: `L - number + 1`). An unfinished expression waiting at the
    /// prompt is abandoned first, as `#iex:break` does.
    pub fn submit_block(&mut self, text: &str) {
        let text: String = text.chars().take(elixir::tokenizer::MAX_INPUT).collect();
        if !self.pending.is_empty() {
            self.abandoned.push(std::mem::take(&mut self.pending));
        }
        if text.trim().is_empty() {
            return;
        }
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            self.history.push(line.to_string());
        }
        self.queue_line(text);
        self.kick();
    }

    /// The prompt for the next line: `iex(N)>`, or `...(N)>` inside an unfinished expression.
    pub fn prompt(&self) -> String {
        if self.pending.is_empty() {
            format!("iex({})>", self.next_number)
        } else {
            format!("...({})>", self.next_number)
        }
    }

    /// The number the next input gets (`iex(n)>`).
    pub fn next_number(&self) -> usize {
        self.next_number
    }

    /// The lines typed so far of an unfinished expression.
    pub fn pending(&self) -> &str {
        &self.pending
    }

    /// Ends an unfinished expression as the input stands (Enter on an empty line after a
    /// paste that never closes would otherwise wait forever): it runs and reports its error.
    pub fn flush_pending(&mut self) {
        let pending = std::mem::take(&mut self.pending);
        if !pending.is_empty() {
            self.queue_line(pending);
            self.kick();
        }
    }

    /// Module names and function names that start with `prefix`, for Tab.
    pub fn complete(&self, prefix: &str) -> Vec<String> {
        elixir::stdlib::complete(&self.natives, &self.modules, prefix)
    }

    /// True while an entry is still running.
    pub fn busy(&self) -> bool {
        self.entries.iter().any(|e| e.output.is_none())
    }

    /// The shell's pid, if it has started.
    pub fn shell_pid(&self) -> Option<Pid> {
        self.shell.filter(|p| self.rt.alive(*p))
    }

    fn ensure_shell(&mut self) -> Option<Pid> {
        if let Some(pid) = self.shell_pid() {
            return Some(pid);
        }
        let io = self.io.clone();
        let rt = self.rt.clone();
        let modules = self.modules.clone();
        let natives = self.natives.clone();
        let group = self.group.clone();
        let pid = self
            .rt
            .spawn_opts(
                SpawnOpts::default().labelled("IEx shell"),
                move |ctx: Ctx| async move {
                    let mut machine = Machine::new(ctx.clone(), rt, modules, natives);
                    machine.group = group;
                    elixir::prelude::load(&mut machine).await;
                    // iex's counter: it moves on only when an input succeeds
                    let mut number = 1;
                    loop {
                        let next = io.borrow_mut().queue.pop_front();
                        match next {
                            Some((index, line)) => {
                                let answer = elixir::shell::eval(&mut machine, &line, number).await;
                                if !answer.failed {
                                    number += 1;
                                }
                                let mut io = io.borrow_mut();
                                io.done.push((index, answer.text, answer.failed));
                                io.observer |= std::mem::take(&mut machine.observer_requested);
                                io.clear |= std::mem::take(&mut machine.clear_requested);
                            }
                            None => ctx.park().await,
                        }
                    }
                },
            )
            .ok()?;
        self.shell = Some(pid);
        Some(pid)
    }

    /// Takes what a person typed or pasted: each line is an entry, as in iex; a line that
    /// is not complete yet (an open bracket) continues on the next.
    pub fn submit(&mut self, text: &str) {
        let text: String = text.chars().take(elixir::tokenizer::MAX_INPUT).collect();
        let mut pending = std::mem::take(&mut self.pending);
        let mut lines: Vec<String> = Vec::new();
        // an empty line inside an unfinished expression is part of it (iex shows `...(n)>`)
        if text.is_empty() && !pending.is_empty() {
            pending.push('\n');
        }
        for raw in text.lines() {
            if pending.is_empty() && raw.trim().is_empty() {
                continue;
            }
            // iex's escape from an unfinished expression
            if raw.trim() == "#iex:break" {
                self.history.push(raw.to_string());
                if !pending.is_empty() {
                    self.abandoned.push(std::mem::take(&mut pending));
                }
                continue;
            }
            if !pending.is_empty() {
                pending.push('\n');
            }
            pending.push_str(raw);
            // every typed line goes into the history, as in iex
            if !raw.trim().is_empty() {
                self.history.push(raw.to_string());
            }
            if !matches!(parser::parse(&pending), Err(SyntaxError::Missing { .. })) {
                lines.push(std::mem::take(&mut pending));
            }
        }
        // An unfinished expression waits for more lines (iex's `...(n)>` prompt).
        self.pending = pending;
        for line in lines {
            self.queue_line(line);
        }
        self.kick();
    }

    fn queue_line(&mut self, line: String) {
        let index = self.entries.len();
        self.entries.push(Entry {
            number: self.next_number,
            input: line.clone(),
            output: None,
            notice: false,
        });
        self.next_number += 1;
        self.io.borrow_mut().queue.push_back((index, line));
    }

    /// Lets the shell work on its queue, then collects what finished.
    fn kick(&mut self) {
        if self.io.borrow().queue.is_empty() {
            self.collect();
            return;
        }
        self.seq_mark = self.rt.last_seq();
        if let Some(pid) = self.ensure_shell() {
            let _ = self.rt.resume(pid);
            self.rt.run_until_idle();
        }
        self.collect();
    }

    /// Moves finished results into the transcript; reports a shell that died.
    pub fn collect(&mut self) {
        let (done, observer, clear) = {
            let mut io = self.io.borrow_mut();
            (
                std::mem::take(&mut io.done),
                std::mem::take(&mut io.observer),
                std::mem::take(&mut io.clear),
            )
        };
        self.observer_requested |= observer;
        let last_done = done.last().map(|(i, _, _)| *i);
        for (index, output, failed) in done {
            if let Some(e) = self.entries.get_mut(index) {
                e.output = Some(output);
            }
            // iex counts only inputs that succeed: the next prompt keeps the number
            if failed {
                for later in self
                    .entries
                    .iter_mut()
                    .skip(index + 1)
                    .filter(|e| !e.notice)
                {
                    later.number = later.number.saturating_sub(1);
                }
                self.next_number = self.next_number.saturating_sub(1).max(1);
            }
        }
        if clear {
            self.cleared_before = self.entries.len();
        }
        // what processes printed while no line was running
        if !self.busy() && self.io.borrow().queue.is_empty() {
            let printed = std::mem::take(&mut *self.group.borrow_mut());
            let printed = printed.trim_matches('\n');
            if !printed.is_empty() {
                self.notice(printed.to_string());
            }
        }
        let died = self.shell.filter(|p| !self.rt.alive(*p));
        if let Some(pid) = died {
            self.shell = None;
            let reason = self
                .rt
                .trace_since(self.seq_mark)
                .into_iter()
                .find_map(|e| match e.event {
                    Event::Exit { pid: p, reason } if p == pid => Some(reason),
                    _ => None,
                });
            let reason =
                reason.map_or_else(|| "killed".to_string(), |r| elixir::value::format_exit(&r));
            let exit = format!("** (EXIT from {pid}) shell process exited with reason: {reason}");
            // The shell runs one line at a time: the unanswered entry that is not queued is
            // the one it died on. If it died as a line finished (a link to what that line
            // killed), iex prints the exit instead of the line's value. Otherwise it died
            // waiting for input, and iex prints the exit as it happens.
            let queued: Vec<usize> = self.io.borrow().queue.iter().map(|(i, _)| *i).collect();
            let running = self
                .entries
                .iter()
                .enumerate()
                .find(|(i, e)| e.output.is_none() && !queued.contains(i) && !e.notice)
                .map(|(i, _)| i)
                .or(last_done);
            match running.and_then(|i| self.entries.get_mut(i)) {
                Some(e) => e.output = Some(exit),
                None => self.notice(exit),
            }
            // A new shell: iex prints its banner and numbers lines from 1 again.
            self.notice(BANNER.to_string());
            let mut number = 1;
            for i in &queued {
                if let Some(e) = self.entries.get_mut(*i) {
                    e.number = number;
                    number += 1;
                }
            }
            self.next_number = number;
            if !queued.is_empty() {
                self.kick();
            }
        }
    }

    fn notice(&mut self, text: String) {
        self.entries.push(Entry {
            number: 0,
            input: String::new(),
            output: Some(text),
            notice: true,
        });
    }

    /// Ctrl-C: kills the shell, as iex's break does. The running line ends with the shell's
    /// exit; the next line gets a new shell, without the old one's variables.
    pub fn interrupt(&mut self) {
        if let Some(pid) = self.shell_pid() {
            let _ = self.rt.exit(pid, crate::runtime::signal::kill());
            self.rt.run_until_idle();
        }
        self.io.borrow_mut().queue.clear();
        self.collect();
        for e in self.entries.iter_mut().filter(|e| e.output.is_none()) {
            e.output = Some("** (interrupted before it ran)".into());
        }
    }

    /// Called each frame: a running entry may have finished as virtual time moved, or the
    /// shell may have died waiting for input (a process linked to it crashed).
    pub fn poll(&mut self) {
        if self.busy()
            || self.shell.is_some_and(|p| !self.rt.alive(p))
            || !self.group.borrow().is_empty()
        {
            self.collect();
        }
    }

    /// The transcript as text, for copying.
    pub fn transcript(&self) -> String {
        let mut out = String::new();
        for e in &self.entries {
            if e.notice && e.output.as_deref() == Some(BANNER) {
                out.push('\n'); // iex leaves a blank line before a new shell's banner
            }
            for (i, line) in e.input.lines().enumerate() {
                if i == 0 {
                    out.push_str(&format!("iex({})> {line}\n", e.number));
                } else {
                    out.push_str(&format!("...({})> {line}\n", e.number));
                }
            }
            if let Some(o) = &e.output {
                if !o.is_empty() {
                    out.push_str(o);
                    out.push('\n');
                }
            }
        }
        out
    }

    /// Drives the runtime (jumping the virtual clock over waits) until every entry has
    /// answered, or a bounded amount of work has been done (an endless loop stays running).
    pub fn settle(&mut self) {
        for _ in 0..2_000 {
            if !self.busy() {
                break;
            }
            if self.rt.runnable() {
                self.rt.run(100_000);
                self.collect();
                continue;
            }
            match self.rt.next_deadline() {
                Some(next) => {
                    let now = self.rt.now();
                    self.rt.advance(next.saturating_sub(now));
                    self.collect();
                }
                None => break,
            }
        }
    }

    /// Evaluates `line` and drives the runtime (jumping the virtual clock over waits) until
    /// it has answered: for tests and scripts, where nothing else moves the clock.
    pub fn eval(&mut self, line: &str) -> String {
        let first = self.entries.len();
        self.submit(line);
        self.flush_pending();
        self.settle();
        self.entries[first..]
            .iter()
            .filter(|e| !e.notice)
            .map(|e| e.output.clone().unwrap_or_else(|| "(still running)".into()))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// The seed's iex session (Part 2 of the Red:4 series, run on real Elixir in
/// shared/reference/otp-semantics.md), for the console's "play the seed" button: Task
/// Three's `start_link` (a Session under no supervisor), then Task Four's supervised ones.
pub const SEED_TRANSCRIPT: &[&str] = &[
    "{:ok, pid} = Redfour.Shopping.Session.start_link %{key: :my_session}",
    "Process.whereis(:my_session) == pid",
    "Redfour.Shopping.start_session key: :my_key",
    "Redfour.Shopping.start_session key: :another_key",
    "Redfour.Shopping.start_session key: :my_key",
    "pid = Process.whereis :my_key",
    "Process.exit pid, :kill",
    "Process.whereis :my_key",
    "Process.alive? pid",
    "DynamicSupervisor.count_children Redfour.SessionSupervisor",
    "Redfour.Shopping.start_session key: \"my_key\"",
    ":sys.get_state :another_key",
];
