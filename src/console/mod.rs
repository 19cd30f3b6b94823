//! The console: type the Elixir of the Red:4 posts and get what iex prints, against the
//! live store.
//!
//! Lines are evaluated by a shell process in the runtime, as in iex: `self()` is its pid,
//! `flush()` reads its mailbox, a call waits on the virtual clock while the store goes on,
//! and a shell that is killed is replaced by a new one (its variables are gone).
//!
//! - [`lexer`] and [`parser`]: the language subset;
//! - [`eval`]: variables, matches, errors as iex prints them;
//! - [`builtins`]: the functions the posts use, and `h`.

pub mod builtins;
pub mod eval;
pub mod lexer;
pub mod parser;

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use crate::runtime::{Ctx, Event, Pid, Runtime, SpawnOpts, Term};
use eval::{Failure, Shell};
use lexer::SyntaxError;

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
    done: Vec<(usize, String)>,
    observer: bool,
}

pub struct Console {
    rt: Runtime,
    shell: Option<Pid>,
    io: Rc<RefCell<Io>>,
    pub entries: Vec<Entry>,
    pub history: Vec<String>,
    next_number: usize,
    /// Trace position when the current shell took its last work (to find why it died).
    seq_mark: u64,
    /// `:observer.start` was called since the page last looked.
    pub observer_requested: bool,
}

/// Evaluates one line in the shell: what iex prints for it.
async fn run_line(shell: &mut Shell, line: &str) -> String {
    shell.printed.clear();
    let result = match parser::parse(line) {
        Err(e) => Err(Failure::Syntax(e)),
        Ok(exprs) => {
            let mut last = Ok(Term::atom(builtins::NO_RESULT));
            for expr in &exprs {
                last = shell.eval(expr).await;
                if last.is_err() {
                    break;
                }
            }
            last
        }
    };
    let mut lines = std::mem::take(&mut shell.printed);
    match result {
        Ok(t) if t == Term::atom(builtins::NO_RESULT) => {}
        Ok(t) => lines.push(t.to_string()),
        Err(f) => lines.push(f.render()),
    }
    lines.join("\n")
}

impl Console {
    pub fn new(rt: Runtime) -> Self {
        Console {
            rt,
            shell: None,
            io: Rc::default(),
            entries: Vec::new(),
            history: Vec::new(),
            next_number: 1,
            seq_mark: 0,
            observer_requested: false,
        }
    }

    /// The prompt for the next line: `iex(N)>`.
    pub fn prompt(&self) -> String {
        format!("iex({})>", self.next_number)
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
        let pid = self
            .rt
            .spawn_opts(
                SpawnOpts::default().labelled("IEx shell"),
                move |ctx: Ctx| async move {
                    let mut shell = Shell::new(ctx.clone(), rt);
                    loop {
                        let next = io.borrow_mut().queue.pop_front();
                        match next {
                            Some((index, line)) => {
                                let output = run_line(&mut shell, &line).await;
                                let mut io = io.borrow_mut();
                                io.done.push((index, output));
                                io.observer |= std::mem::take(&mut shell.observer_requested);
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
        let text: String = text.chars().take(lexer::MAX_INPUT).collect();
        let mut pending = String::new();
        let mut lines: Vec<String> = Vec::new();
        for raw in text.lines() {
            if pending.is_empty() && raw.trim().is_empty() {
                continue;
            }
            if !pending.is_empty() {
                pending.push('\n');
            }
            pending.push_str(raw);
            if !matches!(parser::parse(&pending), Err(SyntaxError::Missing { .. })) {
                lines.push(std::mem::take(&mut pending));
            }
        }
        if !pending.is_empty() {
            lines.push(pending);
        }
        for line in lines {
            self.history.push(line.clone());
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
        self.kick();
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
        let (done, observer) = {
            let mut io = self.io.borrow_mut();
            (
                std::mem::take(&mut io.done),
                std::mem::take(&mut io.observer),
            )
        };
        self.observer_requested |= observer;
        let last_done = done.last().map(|(i, _)| *i);
        for (index, output) in done {
            if let Some(e) = self.entries.get_mut(index) {
                e.output = Some(output);
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
            let reason = reason.map_or_else(|| "killed".to_string(), |r| eval::format_exit(&r));
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
        if self.busy() || self.shell.is_some_and(|p| !self.rt.alive(p)) {
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

    /// Evaluates `line` and drives the runtime (jumping the virtual clock over waits) until
    /// it has answered: for tests and scripts, where nothing else moves the clock.
    pub fn eval(&mut self, line: &str) -> String {
        let first = self.entries.len();
        self.submit(line);
        for _ in 0..10_000 {
            if !self.busy() {
                break;
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
        self.entries[first..]
            .iter()
            .filter(|e| !e.notice)
            .map(|e| e.output.clone().unwrap_or_else(|| "(still running)".into()))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// The seed's iex session (Part 2 of the Red:4 series, run on real Elixir in
/// shared/reference/otp-semantics.md), for the console's "play the seed" button.
pub const SEED_TRANSCRIPT: &[&str] = &[
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
