//! What the page can ask of the observer's model (`Sim::apply`): the one way components
//! change it, as the actions of yew's `function_todomvc`.

use crate::runtime::Pid;
use crate::store::shopping::Persistence;

use super::recording::{SharedRun, TICK_MS};

/// What the page can ask for.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// An animation frame: wall milliseconds since the last one.
    Frame(f64),
    TogglePlay,
    /// One step: 100 virtual ms.
    Step,
    SetSpeed(f64),
    SetArrivals(f64),
    SetChaos(f64),
    SetPersistence(Persistence),
    /// Start again from a seed.
    Reset(u64),
    /// Crash a process: `Process.exit(pid, :kill)`.
    Kill(Pid),
    /// Crash a customer's current Session, by key (a click on the floor).
    KillKey(String),
    /// Chart (or stop charting) a customer's current Session, by key (S or alt-click on the
    /// floor).
    ChartKey(String),
    DismissEscalation,
    Select(Option<Pid>),
    /// `Application.start(:shopping)` after it stopped.
    StartApp,
    /// Starts `n` idle sessions at once (for the benchmark and tests).
    AddSessions(usize),
    /// Lets `n` shoppers in at once: each starts its session and shops (the "+N shoppers"
    /// buttons).
    AdmitShoppers(usize),
    DismissMessage,
    /// A line (or a paste) typed into the console.
    ConsoleSubmit(String),
    /// Types the seed's iex session into the console, one line at a time.
    PlaySeed,
    /// Interrupts a line that is still running (kills the shell, as iex's Ctrl-C).
    ConsoleInterrupt,
    /// The page has brought the observer into view after `:observer.start`.
    ObserverShown,
    /// Shows the run as it was at this virtual instant (ms): the timeline.
    Seek(u64),
    /// One timeline event back (`,`) or forward (`.`).
    SeekEvent(bool),
    /// Back to the present, which goes on.
    Live,
    /// Back to the timeline a fork left, until the next input.
    OtherTimeline,
    /// Replays a shared run (a link or a file) to its instant.
    Open(Box<SharedRun>),
    /// A message for the person (a file that could not be read, …).
    Notify(String),
    /// Adds a process to the sequence chart (or takes it out): its messages are traced.
    ChartToggle(Pid),
    /// Empties the sequence chart.
    ChartClear,
    /// The guided lesson.
    Lesson(LessonAction),
    /// The editor's source, run in the console (its *Run*, Ctrl-Enter).
    EditorRun(String),
}

/// What the lesson's buttons ask for.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum LessonAction {
    Open,
    Close,
    /// Show step `n` (0-based).
    Go(usize),
    /// The shown step's *Run*.
    Run,
}

/// Where a replay stops.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Stop {
    /// After this many ticks (a shared run: exactly where it was shared).
    Tick(u64),
    /// At the first tick that reaches this virtual instant, in ms (the timeline).
    Time(u64),
}

impl Stop {
    /// The virtual instant it stands for, in ms.
    pub fn ms(self) -> u64 {
        match self {
            Stop::Tick(t) => t * TICK_MS,
            Stop::Time(ms) => ms,
        }
    }
}
