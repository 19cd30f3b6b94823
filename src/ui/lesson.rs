//! The guided lesson: Part 2 of the Red:4 Store series as eight steps on the live store.
//! Each step says what to try, gives the code (its *Run* types it into the console, or
//! puts a module in the editor and runs it), names the panel it concerns, and is done when
//! the runtime shows it happened — a process registered as `:my_session`, a restart of
//! `:my_key` — however the learner got there (typed by hand, a click on the floor, *Run*).
//!
//! Browser-free: the steps, their checks over a [`World`], and the learner's progress,
//! which the page keeps in the browser and in the address (`lesson=3&done=1.2`).

use std::rc::Rc;

use crate::runtime::{Event, Pid};
use crate::sorted_map::SortedSet;
use crate::store::shopping::{self, Persistence};

use super::sim::World;

/// What the trace has shown that the lesson's checks ask about (kept by the world as it
/// absorbs the trace, so a replay or a shared run knows the same).
#[derive(Clone, Debug, Default)]
pub struct LessonFacts {
    /// Processes the console's shell spawned (`spawn/1`, a `start_link`).
    pub shell_spawns: u32,
    /// Sessions a supervisor restarted.
    pub session_restarts: u32,
    /// Registered names of the children supervisors restarted (`my_key`).
    pub restarted: SortedSet<Rc<str>>,
    /// Sessions that came back from a crash with items in their cart (snapshot persistence).
    pub carts_kept: u32,
}

impl LessonFacts {
    /// What a trace event adds; `shell` is the console's shell process, `name` what the
    /// observer calls a pid, `items` a live session's cart size.
    pub fn absorb(
        &mut self,
        event: &Event,
        shell: Option<Pid>,
        name: impl Fn(Pid) -> Option<Rc<str>>,
        items: impl Fn(Pid) -> Option<i64>,
        is_session: bool,
        persistence: Persistence,
    ) {
        match event {
            Event::Spawn {
                parent: Some(p), ..
            } if Some(*p) == shell => self.shell_spawns += 1,
            Event::Restart { old, new, .. } => {
                if let Some(n) = name(*old) {
                    self.restarted.insert(n);
                }
                if is_session {
                    self.session_restarts += 1;
                    if persistence == Persistence::Snapshot && items(*new).unwrap_or(0) > 0 {
                        self.carts_kept += 1;
                    }
                }
            }
            _ => {}
        }
    }
}

/// Where a step's code goes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Code {
    /// Typed into the console, line by line.
    Console(&'static str),
    /// A module put in the editor and run, then a line typed into the console.
    Editor(&'static str, &'static str),
}

pub struct Step {
    pub title: &'static str,
    /// Paragraphs; `code` in backquotes is shown as code.
    pub text: &'static [&'static str],
    pub code: Code,
    /// The region it concerns (`region-<panel>`): highlighted and scrolled into view.
    pub panel: &'static str,
    /// What the check waits for, in words.
    pub goal: &'static str,
}

const SESSION_STRUCT: &str = "defmodule MyShop.Session do
  # the post's Session: who the customer is, and what they do
  defstruct domain: nil,
            id: nil,
            key: nil,
            landing: \"/\",
            ip: \"127.0.0.1\",
            member_id: nil,
            items: [],
            logs: [],
            discounts: []
end";

const SESSION_SERVER: &str = "defmodule MyShop.Session do
  use GenServer

  defstruct key: nil, items: [], logs: [], discounts: []

  # a process per customer, registered under its key
  def start_link(%{key: key} = args) do
    GenServer.start_link(__MODULE__, args, name: key)
  end

  # the state it starts with: an empty cart
  def init(%{key: key}) do
    {:ok, %MyShop.Session{key: key}}
  end
end";

pub const STEPS: &[Step] = &[
    Step {
        title: "Every shopper is a process",
        text: &[
            "Each figure on the floor is a customer's `Session`: a GenServer process holding that customer's cart, started under a supervisor, `Redfour.SessionSupervisor`.",
            "Crash one: click a customer on the floor, or press Run. It dies with reason `:killed`, and its supervisor starts a new Session for the same customer at once, with a new pid.",
        ],
        code: Code::Console("Process.exit(Process.whereis(:KEY), :kill)"),
        panel: "floor",
        goal: "a supervisor restarts a customer's Session",
    },
    Step {
        title: "Spawn a process yourself",
        text: &[
            "Processes are cheap: `spawn/1` runs a function in a new one, which lives until the function returns. This one prints a line and ends; the console answers with its pid.",
            "It is not an operating-system process: it lives inside the runtime in this tab, as Erlang processes live inside the BEAM.",
        ],
        code: Code::Console("spawn(fn -> IO.puts \"Hello World\" end)"),
        panel: "console",
        goal: "the console spawns a process",
    },
    Step {
        title: "A Session is data: a struct",
        text: &[
            "The post starts with plain data: a struct with the store's domain, the customer's key, and lists for the cart's items, logs and discounts.",
            "This store already runs a module named `Redfour.Shopping.Session` (every customer on the floor), so yours gets a name of its own. Run puts it in the editor and compiles it; change it there and run it again with Ctrl-Enter.",
        ],
        code: Code::Editor(SESSION_STRUCT, "%MyShop.Session{key: :my_session}"),
        panel: "editor",
        goal: "a module with a struct is defined",
    },
    Step {
        title: "Make it a GenServer",
        text: &[
            "`use GenServer` turns the module into a server: `start_link` starts a process that keeps the struct as its state between messages, registered under its key so anything can reach it by name; `init/1` builds that state.",
            "Start one called `:my_session`. (The store's own `Redfour.Shopping.Session.start_link %{key: :my_session}` does the same.)",
        ],
        code: Code::Editor(
            SESSION_SERVER,
            "{:ok, pid} = MyShop.Session.start_link %{key: :my_session}",
        ),
        panel: "editor",
        goal: "a process registered as :my_session is alive",
    },
    Step {
        title: "Find it in the table and the tree",
        text: &[
            "The process table lists `my_session` with its pid: click its row to inspect it (Run selects it for you). Its state is your struct.",
            "Now find it in the tree: not under the application's supervisors but under the console's shell, which started it and is linked to it. No supervisor watches it: if it dies, nothing brings it back.",
        ],
        code: Code::Console(":sys.get_state :my_session"),
        panel: "processes",
        goal: "the inspector shows :my_session",
    },
    Step {
        title: "Start sessions under a supervisor",
        text: &[
            "The store's `start_session` asks `Redfour.SessionSupervisor` to start the Session: the supervisor is its parent now, and the tree shows it under the supervisor as `my_key`.",
            "A key must be an atom: a string key raises \"Please use an atom key\", as in the post.",
        ],
        code: Code::Console(
            "Redfour.Shopping.start_session key: :my_key\nRedfour.Shopping.start_session key: \"my_key\"",
        ),
        panel: "tree",
        goal: ":my_key runs under Redfour.SessionSupervisor",
    },
    Step {
        title: "Kill it and watch it come back",
        text: &[
            "`Process.exit(pid, :kill)` cannot be caught: the Session dies. Its supervisor starts a new one under the same name, so asking for `:my_key` again gives a different pid.",
            "The trace shows the exit and the restart, the floor tells it as a story.",
        ],
        code: Code::Console(
            "pid = Process.whereis :my_key\nProcess.exit pid, :kill\nProcess.whereis :my_key",
        ),
        panel: "trace",
        goal: "Redfour.SessionSupervisor restarts my_key",
    },
    Step {
        title: "Where did the cart go?",
        text: &[
            "A restarted Session starts from scratch: put a helmet in `:my_key`'s cart, kill it, and `:sys.get_state` shows `items: []`. The post ends on this question: where should the state live?",
            "One answer: with persistence set to snapshot (the control above the floor), each Session saves its cart to the browser's storage after every change and its successor reads it back. Run switches it on and does it again: the cart survives.",
        ],
        code: Code::Console(
            "Redfour.Shopping.Session.select_item :my_key, \"R4-HELMET\", 2\nProcess.exit Process.whereis(:my_key), :kill\n:sys.get_state :my_key",
        ),
        panel: "console",
        goal: "a Session comes back from a kill with its cart",
    },
];

/// Is step `i` done, as the world shows it now?
pub fn check(i: usize, w: &World) -> bool {
    let alive = |name: &str| w.rt.whereis(name).is_some();
    match i {
        0 => w.lesson_facts.session_restarts > 0,
        1 => w.lesson_facts.shell_spawns > 0,
        2 => w.console.defines_a_struct(),
        3 => alive("my_session"),
        4 => w.selected.is_some() && w.selected == w.rt.whereis("my_session"),
        5 => match (
            w.rt.whereis("my_key"),
            w.rt.whereis(shopping::SESSION_SUPERVISOR),
        ) {
            (Some(pid), Some(sup)) => w.rt.process_info(pid).and_then(|i| i.parent) == Some(sup),
            _ => false,
        },
        6 => w.lesson_facts.restarted.contains(&Rc::from("my_key")),
        7 => w.lesson_facts.carts_kept > 0,
        _ => false,
    }
}

/// What step `i`'s *Run* types, as the world is now: a live customer to crash, and the
/// processes earlier steps made when they are gone (after a reload, say).
pub fn console_code(i: usize, w: &World) -> String {
    let code = match STEPS.get(i).map(|s| s.code) {
        Some(Code::Console(c)) => c,
        Some(Code::Editor(_, line)) => line,
        None => return String::new(),
    };
    let alive = |name: &str| w.rt.whereis(name).is_some();
    match i {
        0 => {
            let key = w
                .customers()
                .filter(|c| c.live && w.rt.whereis(&c.key).is_some())
                .map(|c| c.key.to_string())
                .next();
            match key {
                Some(k) => code.replace("KEY", &k),
                None => format!(
                    "Redfour.Shopping.start_session key: :first_shopper\n{}",
                    code.replace("KEY", "first_shopper")
                ),
            }
        }
        4 if !alive("my_session") => {
            format!("Redfour.Shopping.Session.start_link %{{key: :my_session}}\n{code}")
        }
        6 | 7 if !alive("my_key") => {
            format!("Redfour.Shopping.start_session key: :my_key\n{code}")
        }
        _ => code.to_string(),
    }
}

/// The learner's place in the lesson.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Progress {
    pub open: bool,
    /// The step shown (0-based).
    pub step: usize,
    /// Steps done, a bit each.
    pub done: u32,
}

impl Progress {
    pub fn is_done(&self, i: usize) -> bool {
        self.done & (1 << i) != 0
    }

    pub fn done_count(&self) -> usize {
        self.done.count_ones() as usize
    }

    pub fn finished(&self) -> bool {
        self.done_count() == STEPS.len()
    }

    /// Watches the world: the step shown is done once its check passes (and stays done).
    /// True if that changed anything.
    pub fn observe(&mut self, w: &World) -> bool {
        if !self.open || self.is_done(self.step) || !check(self.step, w) {
            return false;
        }
        self.done |= 1 << self.step;
        true
    }

    /// For the address and the browser's storage: `lesson=3&done=1.2` (1-based steps;
    /// `lesson=0` when it is closed but has progress), or nothing before it is opened.
    pub fn to_query(&self) -> String {
        if !self.open && self.done == 0 {
            return String::new();
        }
        let done: Vec<String> = (0..STEPS.len())
            .filter(|i| self.is_done(*i))
            .map(|i| (i + 1).to_string())
            .collect();
        let step = if self.open { self.step + 1 } else { 0 };
        if done.is_empty() {
            format!("lesson={step}")
        } else {
            format!("lesson={step}&done={}", done.join("."))
        }
    }

    /// Reads `lesson=` and `done=` from a query; anything out of range is ignored. `None`
    /// when the query says nothing of the lesson.
    pub fn from_query(query: &str) -> Option<Progress> {
        let mut progress = None::<Progress>;
        for pair in query.trim_start_matches('?').split('&') {
            let Some((k, v)) = pair.split_once('=') else {
                continue;
            };
            match k {
                "lesson" => {
                    let p = progress.get_or_insert_with(Progress::default);
                    match v.parse::<usize>() {
                        Ok(0) => p.open = false,
                        Ok(n) if n <= STEPS.len() => {
                            p.open = true;
                            p.step = n - 1;
                        }
                        _ => {}
                    }
                }
                "done" => {
                    let p = progress.get_or_insert_with(Progress::default);
                    for n in v.split('.').filter_map(|n| n.parse::<usize>().ok()) {
                        if (1..=STEPS.len()).contains(&n) {
                            p.done |= 1 << (n - 1);
                        }
                    }
                }
                _ => {}
            }
        }
        progress
    }
}
