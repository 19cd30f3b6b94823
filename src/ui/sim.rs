//! The observer's model: the running store and what the page shows of it, changed only
//! through [`Action`]s (the reducer pattern of yew's `function_todomvc`), apart from the
//! components that draw it. Plain Rust, no browser crate: tested natively.
//!
//! Each animation frame the app sends `Action::Frame(elapsed_ms)`: the virtual clock moves by
//! elapsed × speed, within a step budget (if the runtime cannot keep up, the simulation runs
//! slower instead of freezing the page), and new trace events turn into effects on the floor.
//! Positions on the floor are derived from session state and wall time here: the runtime
//! knows nothing of pixels.
//!
//! Two levels: a [`World`] is one run as the page shows it (the runtime, the console, the
//! models derived from its trace, the recording and its replay): what is replayed, parked
//! as a checkpoint and forked. A [`Sim`] (`observer.rs`) is the observer around it: the
//! world shown, the live one kept aside while the page looks back, the timelines forks
//! left, the checkpoints.
//! Components hold a `Sim`, read the world it shows through it, and send it [`Action`]s.
//!
//! Models derived from the trace with their own files: what each pid is called
//! (`pid_names.rs`), the run's books (`books.rs`), the sequence chart's log
//! (`sequence_log.rs`), the timeline's markers (`markers.rs`), the floor's customers, crash
//! stories and walkers (`floor_model.rs`); the settings and the actions (`settings.rs`,
//! `actions.rs`).

use crate::sorted_map::{SortedMap, SortedSet};
use std::collections::VecDeque;
use std::rc::Rc;

use crate::console::{Console, SEED_TRANSCRIPT};

use super::editor::EditorRun;
use super::lesson::LessonFacts;
use crate::runtime::{Advancing, Event, Pid, PidMap, ProcessInfo, Runtime, Term, TraceEvent};
use crate::store::console_bindings;
use crate::store::customers::{self, SimConfig};
use crate::store::sales::Figures;
use crate::store::session;
use crate::store::session_store::SharedBackend;
use crate::store::shopping::{self, StoreConfig};

pub use super::actions::{Action, Stop};
use super::books::Books;
use super::checkpoints::WorkMarks;
use super::crash_story::{Beat, CrashStory};
use super::floor_model::FloorModel;
pub use super::floor_model::{Customer, Walker};
pub use super::frame_pacer::FrameClock;
use super::frame_pacer::FramePacer;
pub use super::markers::{Marker, MarkerKind, MARKERS_KEEP};
pub use super::observer::Sim;
use super::pid_names::PidNames;
use super::recording::{Input, Recording, SharedRun, TICK_MS, TICK_STEP_BUDGET};
use super::sequence_log::SequenceLog;
pub use super::sequence_log::SEQ_KEEP;
use super::settings::in_range;
pub use super::settings::{Settings, ARRIVALS_RANGE, CHAOS_RANGE, SPEED_RANGE};
use crate::store::session_store::MemoryBackend;

/// Steps the scheduler may take per frame (about 2–4 ms of work in the browser).
pub const FRAME_STEP_BUDGET: usize = 20_000;
/// Trace events kept for the trace view: enough that a give-up is not pushed out by the
/// hundreds of exits that follow it.
pub const TRACE_KEEP: usize = 5_000;
/// Chart samples kept (one per virtual second).
pub const SAMPLES_KEEP: usize = 120;

/// Wall ms between two lines when the console types the seed's transcript.
pub const SEED_TYPING_MS: f64 = 900.0;

/// A restart of the selected process, for the inspector's history.
#[derive(Clone, Debug, PartialEq)]
pub struct Restarted {
    pub old: Pid,
    pub new: Pid,
    pub by: Rc<str>,
    pub reason: String,
    /// Virtual ms.
    pub at_ms: u64,
}

/// A supervisor reached its restart intensity and gave up.
#[derive(Clone, Debug, PartialEq)]
pub struct Escalation {
    pub supervisor: Rc<str>,
    pub pid: Pid,
    pub restarts: u32,
    pub within_ms: u64,
    /// Sessions it took down, and the items in their carts.
    pub sessions: usize,
    pub items: i64,
    /// The supervisor above it that restarted it, if one did.
    pub restarted_by: Option<Rc<str>>,
    /// The child it restarted last (the one restarted too often).
    pub child: Option<Rc<str>>,
    /// Random kills a minute at the time (chaos), if any.
    pub chaos_per_minute: f64,
    /// Wall ms.
    pub at: f64,
}

impl Escalation {
    /// What happened, in a sentence.
    pub fn text(&self) -> String {
        let mut s = format!(
            "{} gave up: more than {} restarts in {} s.",
            self.supervisor,
            self.restarts,
            self.within_ms / 1000
        );
        if self.sessions > 0 || self.supervisor.as_ref() == shopping::SESSION_SUPERVISOR {
            s.push_str(&format!(
                " It stopped {} session{} ({} cart item{} lost) and exited with reason :shutdown.",
                self.sessions,
                if self.sessions == 1 { "" } else { "s" },
                self.items,
                if self.items == 1 { "" } else { "s" }
            ));
        } else {
            s.push_str(" It stopped its children and exited with reason :shutdown.");
        }
        if let Some(by) = &self.restarted_by {
            s.push_str(&format!(" {by} restarted it, with no children."));
        }
        if self.chaos_per_minute > 0.0 {
            s.push_str(&format!(
                " Chaos was killing {} sessions a minute: more than {} kills in {} s is past its limit.",
                self.chaos_per_minute,
                self.restarts,
                self.within_ms / 1000
            ));
        }
        s
    }

    /// The report Elixir 1.14 logs for it (with `--logger-sasl-reports true`; see
    /// `tests/fixtures/elixir/supervisor_gives_up.txt`). A DynamicSupervisor's children
    /// have no id: `:undefined`.
    pub fn log(&self) -> String {
        let child = if self.supervisor.as_ref() == shopping::SESSION_SUPERVISOR {
            ":undefined".to_string()
        } else {
            self.child.as_deref().unwrap_or(":undefined").to_string()
        };
        format!(
            "[error] Child {child} of Supervisor {} caused shutdown\n** (exit) :reached_max_restart_intensity",
            self.supervisor
        )
    }
}

/// One chart sample.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Sample {
    pub at: u64,
    pub sessions: f64,
    pub messages_per_s: f64,
    pub restarts: f64,
    pub sales: f64,
    pub revenue: f64,
}

pub struct World {
    pub rt: Runtime,
    pub settings: Settings,
    pub playing: bool,
    /// Wall milliseconds of animation so far.
    pub wall_ms: f64,
    /// True when the last frame ran out of step budget (the store runs slower than asked).
    pub behind: bool,
    pub trace: VecDeque<TraceEvent>,
    pub samples: VecDeque<Sample>,
    pub selected: Option<Pid>,
    /// The selected process's restarts, oldest first: the inspector follows the same child
    /// from pid to pid.
    pub selected_restarts: Vec<Restarted>,
    /// A message for the person (a click on a process that had just died, for instance).
    pub message: Option<String>,
    pub console: Console,
    /// Lines of the seed's transcript still to type, and when the last one was typed.
    seed_queue: VecDeque<&'static str>,
    pub(super) seed_typed_at: f64,
    pub(super) backend: SharedBackend,
    last_seq: u64,
    /// The floor: its customers, the crash stories being told, the customers walking out.
    floor: FloorModel,
    /// The last supervisor give-up, for the floor's banner.
    pub escalation: Option<Escalation>,
    /// Why snapshots are not being saved, while they are not (storage full, …).
    pub storage_failing: Option<String>,
    /// The child each supervisor restarted last.
    last_restarted: PidMap<Rc<str>>,
    /// What to call each pid (registered name, a session's key, or its module), for the
    /// trace, captions and banners.
    pid_names: PidNames,
    /// The books over the whole run: those of Sales processes that have gone (an application
    /// restart starts a new, empty Sales), plus the current one's.
    pub(super) books: Books,
    /// Restarts by any supervisor in this run.
    restarts_seen: i64,
    /// Customers turned away while the application was down.
    pub turned_away: u64,
    /// Processes just restarted (or supervisors that just gave up): wall time of the event.
    flashes: SortedMap<Pid, f64>,
    next_sample: u64,
    last_messages: u64,
    added: u64,
    /// The process table of this frame, taken once and shared by the tree and the table.
    snapshot: Rc<Vec<ProcessInfo>>,
    /// Wall ms when it was taken.
    snapshot_at: f64,
    /// Frames absorbed (to rotate the cart reads in a huge crowd).
    absorbs: usize,
    /// The run so far, to replay it: its start and every input (time travel).
    pub run: Recording,
    /// Ticks run (the clock's unit of work: `recording::TICK_MS`).
    pub ticks: u64,
    /// Virtual ms asked for by the frames and not run yet.
    owed_ms: f64,
    /// What happened, for the timeline: crashes, restarts, give-ups, stops, console lines
    /// and sales.
    pub markers: Vec<Marker>,
    /// Inputs still to replay, each at its tick (a seek forward through the past).
    pub(super) pending: VecDeque<(u64, Input)>,
    /// True while replaying: the floor's heavier reads wait for the end.
    pub(super) replaying: bool,
    /// What opening a shared run found: `replayed · trace hash matches`, or what differed.
    pub replay_note: Option<String>,
    /// A replay too long for one frame (a seek far back in a busy run, a shared link): the
    /// page shows it as it goes and each frame takes it further (`REPLAY_SLICE_MS`).
    pub(super) fast_forward: Option<FastForward>,
    /// The sequence chart's processes and their events.
    pub sequence: SequenceLog,
    /// A tick cut short by the end of a frame, to go on with in the next.
    advancing: Option<Advancing>,
    /// The trace hash as the tick under way started.
    tick_hash: u64,
    /// The host's wall clock, if it gave one: it bounds each frame's run to the frame's
    /// spare time, on any machine.
    pub(super) pacer: Option<FramePacer>,
    /// Where the run stood as its work grew, to place the checkpoints by work.
    pub(super) work_marks: WorkMarks,
    /// The editor's last run (its source travels with the run).
    pub editor: EditorRun,
    /// What the lesson's checks ask of the trace.
    pub lesson_facts: LessonFacts,
}

/// Wall ms a frame gives a replay under way (a seek or a shared link that one frame cannot
/// finish): most of the frame, since the page only waits for it, but never all of it, so the
/// page keeps drawing (17-32 frames a second measured with 1,700 shoppers on the floor) and
/// answers clicks.
pub const REPLAY_SLICE_MS: f64 = 22.0;

/// A replay under way across frames.
#[derive(Clone, Debug)]
pub(super) struct FastForward {
    pub(super) stop: Stop,
    /// The virtual instant it set out from (for its progress).
    pub(super) from_ms: u64,
    /// The hash a shared run said it ends with (an opened link); `None` for a seek.
    pub(super) expected: Option<u64>,
}

/// A replay under way, as the page shows it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Replay {
    /// The virtual instant it goes to, in ms.
    pub to_ms: u64,
    /// How far it has come, 0 to 1.
    pub progress: f64,
    /// True for a shared run being opened; false for a seek.
    pub opening: bool,
    /// The virtual instant it set out from: 0, or a checkpoint's.
    pub from_ms: u64,
}

/// A session nobody touches for this long ends by itself, its cart abandoned (virtual ms).
/// Customers who walk away without buying leave their session behind; after this long the
/// books count it as abandoned.
pub const SESSION_IDLE_MS: u64 = 90_000;
/// Up to this many processes the process table is read afresh every frame; up to
/// `SNAPSHOT_LARGE_FROM`, every `SNAPSHOT_MEDIUM_MS` of wall time; beyond, every
/// `LARGE_SNAPSHOT_MS` (Erlang's observer refreshes its table every 10 s).
pub const SNAPSHOT_EVERY_FRAME_UP_TO: usize = 5_000;
pub const SNAPSHOT_LARGE_FROM: usize = 20_000;
pub const SNAPSHOT_MEDIUM_MS: f64 = 250.0;
pub const LARGE_SNAPSHOT_MS: f64 = 1_000.0;
/// Carts read per frame, at most (every one, up to this many customers).
pub const CART_READS_PER_FRAME: usize = 20_000;
/// How long a restart flashes in the tree, in wall ms.
pub const EFFECT_MS: f64 = 1_600.0;
/// How long the walk in from the door (and out without buying) takes, in wall ms.
pub const WALK_MS: f64 = 1_500.0;
/// How long the walk out through the checkout takes, in wall ms.
pub const CHECKOUT_WALK_MS: f64 = 3_000.0;
/// Customers walking out at once, at most (the oldest go first).
pub const WALKERS_KEEP: usize = 2_000;
/// How long the escalation banner stays, in wall ms (it can be dismissed sooner).
pub const ESCALATION_MS: f64 = 12_000.0;

/// A run let go (a past left behind, a reset, a replaced page) lets go of its processes:
/// their futures hold the runtime, which would otherwise never be freed.
impl Drop for World {
    fn drop(&mut self) {
        self.rt.shut_down();
    }
}

impl World {
    pub fn new(settings: Settings, backend: SharedBackend) -> World {
        // What storage holds as the run starts is part of it: a replay starts from the same.
        let storage = {
            let b = backend.borrow();
            b.keys()
                .into_iter()
                .filter_map(|k| b.load(&k).ok().flatten().map(|v| (k, v)))
                .collect()
        };
        let run = Recording {
            settings: settings.clone(),
            storage,
            inputs: Vec::new(),
        };
        let rt = Runtime::new(settings.seed);
        shopping::install(
            &rt,
            StoreConfig {
                backend: backend.clone(),
                persistence: settings.persistence,
                idle_ms: SESSION_IDLE_MS,
            },
        );
        let _ = shopping::boot(&rt);
        let _ = customers::start(&rt, &Self::sim_config(&settings));
        let mut console = Console::new(rt.clone());
        console.register(console_bindings::register);
        World {
            console,
            seed_queue: VecDeque::new(),
            seed_typed_at: 0.0,
            rt,
            settings,
            playing: true,
            wall_ms: 0.0,
            behind: false,
            trace: VecDeque::new(),
            samples: VecDeque::new(),
            selected: None,
            selected_restarts: Vec::new(),
            message: None,
            backend,
            last_seq: 0,
            floor: FloorModel::default(),
            escalation: None,
            storage_failing: None,
            last_restarted: PidMap::default(),
            pid_names: PidNames::default(),
            books: Books::default(),
            restarts_seen: 0,
            turned_away: 0,
            flashes: SortedMap::new(),
            next_sample: 0,
            last_messages: 0,
            added: 0,
            snapshot: Rc::default(),
            snapshot_at: 0.0,
            absorbs: 0,
            run,
            ticks: 0,
            owed_ms: 0.0,
            markers: Vec::new(),
            pending: VecDeque::new(),
            replaying: false,
            replay_note: None,
            fast_forward: None,
            sequence: SequenceLog::default(),
            advancing: None,
            tick_hash: 0,
            pacer: None,
            work_marks: WorkMarks::default(),
            editor: EditorRun::default(),
            lesson_facts: LessonFacts::default(),
        }
    }

    fn sim_config(s: &Settings) -> SimConfig {
        SimConfig {
            arrivals_per_minute: s.arrivals_per_minute,
            chaos_per_minute: s.chaos_per_minute,
            ..SimConfig::default()
        }
    }

    /// The live session of the customer `key` (a click or a key on the floor), or a message
    /// saying why there is none to `verb`.
    pub(super) fn live_session_of(&mut self, key: &str, verb: &str) -> Option<Pid> {
        match self.floor.customers.get(key) {
            Some(c) if c.live => Some(c.pid),
            _ => {
                self.message = Some(format!(
                    ":{key} has no live session to {verb}: it has left the store, or its supervisor gave up."
                ));
                None
            }
        }
    }

    /// What an input does to the runtime (live, or replayed).
    pub(super) fn perform(&mut self, input: &Input) {
        if self.replaying {
            self.absorb_trace(); // the floor as it is now: a kill tells its cart
        }
        match input {
            Input::Kill(n) => {
                let pid = self.rt.pid_from_number(*n);
                // The cart as it is now, so that the story says exactly what was lost.
                if let Some(key) = self.floor.session_keys.get(&pid) {
                    if let (Some(c), Some(items)) =
                        (self.floor.customers.get_mut(key), self.rt.metric_of(pid))
                    {
                        c.items = items;
                    }
                }
                if self.rt.kill(pid).is_err() {
                    self.message = Some(format!(
                        "{} has already exited: there is nothing to crash (its supervisor may have replaced it).",
                        pid.short()
                    ));
                }
                self.rt.run_until_idle();
            }
            Input::Console(text) => {
                self.mark(self.rt.now(), MarkerKind::Console, input.describe());
                self.console.submit(text);
            }
            Input::Editor(source) => {
                self.mark(self.rt.now(), MarkerKind::Console, input.describe());
                self.editor.ran(
                    source,
                    self.console.entries.len(),
                    self.console.next_number(),
                );
                self.console.submit_block(source);
            }
            Input::Interrupt => {
                self.seed_queue.clear();
                self.console.interrupt();
            }
            Input::SetArrivals(x) => {
                self.settings.arrivals_per_minute = *x;
                Self::sim_config(&self.settings).apply(&self.rt);
            }
            Input::SetChaos(x) => {
                self.settings.chaos_per_minute = *x;
                Self::sim_config(&self.settings).apply(&self.rt);
            }
            Input::SetPersistence(p) => {
                self.settings.persistence = *p;
                shopping::set_persistence(&self.rt, *p);
            }
            Input::StartApp => {
                let started = self.rt.block_on(|ctx| async move {
                    crate::runtime::application::start(&ctx, shopping::APP).await
                });
                if !matches!(started, Ok(ref t) if *t == Term::ok()) {
                    self.message =
                        Some(format!("Application.start(:shopping) answered {started:?}"));
                }
            }
            Input::AddSessions(n) => {
                for _ in 0..*n {
                    self.added += 1;
                    let key = Term::atom(&format!("visitor_{}", self.added));
                    let _ = self.rt.block_on(move |ctx| async move {
                        shopping::start_session(&ctx, &key).await
                    });
                }
            }
            Input::Admit(n) => {
                let first = self.added + 1;
                self.added += u64::from(*n);
                let _ = customers::admit(&self.rt, "shopper", first, u64::from(*n));
                self.rt.run_until_idle();
            }
        }
        if self.replaying {
            self.absorb_trace();
        } else {
            self.absorb();
        }
    }

    fn mark(&mut self, at: u64, kind: MarkerKind, text: String) {
        if self.markers.len() >= MARKERS_KEEP {
            self.markers.drain(..MARKERS_KEEP / 10);
        }
        self.markers.push(Marker { at, kind, text });
    }

    /// Runs up to `max_ticks` ticks (fewer once `max_steps` scheduler steps or `max_work`
    /// reductions of interpreted code are spent, or the host's frame clock passes `until`),
    /// replaying pending inputs at their ticks. A tick cut short
    /// stays under way (`advancing`) and goes on in the next call, with exactly the polls it
    /// would have had: where a frame ends never changes the run. A stretch where nothing can
    /// happen (nothing runnable, no timer due) is crossed in one move of the clock: exactly
    /// what ticking through it would do, at no cost. Returns the ticks completed.
    pub(super) fn step_ticks(
        &mut self,
        max_ticks: u64,
        max_steps: usize,
        max_work: u64,
        until: Option<f64>,
    ) -> u64 {
        let mut done = 0;
        let mut steps = 0;
        // Interpreted code's work counts too: a frame stops once a slice is spent (else a
        // spinning process would make each slow frame owe more ticks, and the next slower
        // still), and so does a frame out of wall time on a slow machine.
        let rt = self.rt.clone();
        let work_start = rt.work();
        let deadline = until.and_then(|u| self.pacer.as_ref().map(|p| (p.clock(), u)));
        // a replay, or a step: nothing to ask between polls
        let pausable = deadline.is_some() || max_work != u64::MAX;
        // A frame always gets at least one poll done, whatever the clock says: the run
        // moves on, however slow the machine.
        let polls_start = rt.stats().polls;
        let mut out_of_time = move || {
            rt.work().wrapping_sub(work_start) >= max_work
                || deadline.as_ref().is_some_and(|(clock, until)| {
                    clock() >= *until && rt.stats().polls != polls_start
                })
        };
        while done < max_ticks && steps < max_steps {
            if let Some(mut advancing) = self.advancing.take() {
                let pause: Option<&mut dyn FnMut() -> bool> = if pausable {
                    Some(&mut out_of_time)
                } else {
                    None
                };
                match self.rt.resume_advance(&mut advancing, pause) {
                    Some(outcome) => {
                        steps += outcome.steps.max(1);
                        self.tick_done();
                        done += 1;
                        continue;
                    }
                    None => {
                        self.advancing = Some(advancing);
                        break;
                    }
                }
            }
            while self.pending.front().is_some_and(|(t, _)| *t <= self.ticks) {
                if let Some((tick, input)) = self.pending.pop_front() {
                    self.run.inputs.push((tick, input.clone()));
                    self.perform(&input);
                }
            }
            if !self.rt.runnable() {
                let now = self.rt.now();
                let idle = match self.rt.next_deadline() {
                    Some(d) if d > now => (d - now - 1) / TICK_MS,
                    Some(_) => 0,
                    None => u64::MAX,
                };
                let until_input = self
                    .pending
                    .front()
                    .map_or(u64::MAX, |(t, _)| t - self.ticks);
                let skip = idle.min(until_input).min(max_ticks - done);
                if skip > 0 {
                    self.rt.advance(skip * TICK_MS);
                    self.ticks += skip;
                    done += skip;
                    if self.replaying {
                        // the floor's animations (walks, crash stories) as at speed 1
                        self.wall_ms += (skip * TICK_MS) as f64;
                        self.tidy();
                    }
                    continue;
                }
            }
            if out_of_time() {
                break;
            }
            self.tick_hash = self.rt.trace_hash();
            self.advancing = Some(self.rt.begin_advance(TICK_MS, TICK_STEP_BUDGET));
        }
        done
    }

    /// Gives the run the host's wall clock: from then on a frame runs processes only for
    /// its spare time (`FramePacer`), however slow the machine or busy the processes.
    pub fn set_frame_clock(&mut self, clock: FrameClock) {
        self.pacer = Some(FramePacer::new(clock));
    }

    /// True while a tick is under way, cut short by the last frame's end.
    pub fn mid_tick(&self) -> bool {
        self.advancing.is_some()
    }

    /// A tick under way (cut short by the last frame) run to its end, before anything that
    /// needs the run at a tick's edge: an input, a shared link.
    pub(super) fn finish_tick(&mut self) {
        if let Some(mut advancing) = self.advancing.take() {
            let _ = self.rt.resume_advance(&mut advancing, None);
            self.tick_done();
        }
    }

    /// The bookkeeping after each tick.
    fn tick_done(&mut self) {
        self.ticks += 1;
        self.work_marks.note(self.ticks, self.rt.stats().polls);
        if self.replaying {
            // The floor's model reads the trace in batches (well within its buffer),
            // and whenever a chart sample is due.
            self.wall_ms += TICK_MS as f64;
            let due = self.rt.now() >= self.next_sample;
            if due || self.ticks % 64 == 0 || self.rt.last_seq() - self.last_seq > 1_000 {
                self.absorb_trace();
                self.tidy();
            }
            if due {
                self.books.read(&self.rt);
                self.sample();
            }
        }
    }

    /// A run at its start, with its inputs to replay (and these processes charted).
    pub(super) fn replay_start(run: &Recording, charted: &SortedSet<u32>) -> World {
        let mut memory = MemoryBackend::default();
        for (k, v) in &run.storage {
            let _ = crate::store::session_store::Backend::save(&mut memory, k, v);
        }
        let backend: SharedBackend = Rc::new(std::cell::RefCell::new(memory));
        let mut sim = World::new(run.settings.clone(), backend);
        sim.run.storage = run.storage.clone();
        sim.pending = run.inputs.iter().cloned().collect();
        for n in charted {
            sim.sequence.charted.insert(*n);
            sim.rt.trace_process(sim.rt.pid_from_number(*n), true);
        }
        sim
    }

    /// Replays forward (inputs from `pending`) until `stop`.
    pub(super) fn replay_to(&mut self, stop: Stop) {
        self.replaying = true;
        self.replay_until(stop, None);
        self.replay_done();
    }

    /// Replays forward toward `stop`: true once there, false when the host's clock passed
    /// `until` first (the replay stands where it is, mid-tick perhaps, to go on later with
    /// exactly the same polls).
    pub(super) fn replay_until(&mut self, stop: Stop, until: Option<f64>) -> bool {
        loop {
            let left = self.ticks_to(stop);
            if left == 0 {
                return true;
            }
            self.step_ticks(left, usize::MAX, u64::MAX, until);
            let clock = self.pacer.as_ref().map(FramePacer::clock);
            if let (Some(until), Some(clock)) = (until, clock) {
                if clock() >= until && self.ticks_to(stop) > 0 {
                    return false;
                }
            }
        }
    }

    /// Ticks still to run before `stop`.
    fn ticks_to(&self, stop: Stop) -> u64 {
        match stop {
            Stop::Tick(t) => t.saturating_sub(self.ticks),
            Stop::Time(ms) => {
                let now = self.rt.now();
                if now >= ms {
                    0
                } else {
                    (ms - now).div_ceil(TICK_MS)
                }
            }
        }
    }

    /// A replay has reached its stop: inputs at that very tick, then the whole floor.
    fn replay_done(&mut self) {
        self.finish_tick();
        while self.pending.front().is_some_and(|(t, _)| *t <= self.ticks) {
            if let Some((tick, input)) = self.pending.pop_front() {
                self.run.inputs.push((tick, input.clone()));
                self.perform(&input);
            }
        }
        self.replaying = false;
        self.playing = false;
        self.snapshot_at = f64::MIN;
        self.absorb();
    }

    /// Play, a step or an input while a replay is under way: the replay stops where it
    /// stands, which becomes the instant shown (and, for a shared run, the run goes on from
    /// there without its later inputs).
    pub(super) fn stop_fast_forward(&mut self) {
        if let Some(ff) = self.fast_forward.take() {
            self.replay_done();
            if ff.expected.is_some() {
                self.pending.clear();
                self.replay_note = Some(format!(
                    "stopped replaying the shared run at {:.1} s: it goes on from here",
                    self.rt.now() as f64 / 1000.0
                ));
            }
        }
    }

    /// The replay under way, if one is (a seek or a shared link longer than a frame).
    pub fn replay_under_way(&self) -> Option<Replay> {
        self.fast_forward.as_ref().map(|ff| {
            let to_ms = ff.stop.ms();
            let span = to_ms.saturating_sub(ff.from_ms).max(1) as f64;
            Replay {
                to_ms,
                progress: (self.rt.now().saturating_sub(ff.from_ms) as f64 / span).clamp(0.0, 1.0),
                opening: ff.expected.is_some(),
                from_ms: ff.from_ms,
            }
        })
    }

    /// The instant the page is showing, or going to (a replay under way).
    pub(super) fn shown_ms(&self) -> u64 {
        self.fast_forward
            .as_ref()
            .map_or(self.rt.now(), |ff| ff.stop.ms())
    }

    /// The run as a link or file carries it: up to the instant shown.
    pub fn shared(&self) -> SharedRun {
        SharedRun {
            recording: self.run.clone(),
            ticks: self.ticks,
            // mid-tick, the run as it stood at the tick's start: what a replay reaches
            hash: if self.advancing.is_some() {
                self.tick_hash
            } else {
                self.rt.trace_hash()
            },
        }
    }

    /// Ends what the wall clock has finished: walks, stories, flashes, the banner.
    pub(super) fn tidy(&mut self) {
        let wall = self.wall_ms;
        self.floor
            .walkers
            .retain(|w| wall - w.started < w.duration());
        let over: Vec<Rc<str>> = self
            .floor
            .stories
            .iter()
            .filter(|(_, s)| s.beat(wall) == Beat::Over)
            .map(|(k, _)| k.clone())
            .collect();
        for key in over {
            self.floor.stories.remove(&key);
            // A customer whose supervisor gave up leaves the floor with its story.
            if self.floor.customers.get(&key).is_some_and(|c| !c.live) {
                self.floor.customers.remove(&key);
            }
        }
        self.flashes.retain(|_, since| wall - *since < EFFECT_MS);
        if self
            .escalation
            .as_ref()
            .is_some_and(|e| wall - e.at >= ESCALATION_MS)
        {
            self.escalation = None;
        }
    }

    /// True while a process's restart (or give-up) is fresh enough to flash.
    pub fn flashing(&self, pid: Pid) -> bool {
        self.flashes.contains_key(&pid)
    }

    /// Reads new trace events into the floor's model (arrivals, departures, crash stories,
    /// give-ups), then the carts' sizes and the chart samples.
    pub(super) fn absorb(&mut self) {
        self.absorb_trace();
        // The books ten times a second (reading Sales's state builds its figures as a term).
        if self.absorbs % 6 == 0 || !self.books.has_source() {
            self.books.read(&self.rt);
        }
        self.read_carts();
        self.refresh_snapshot(LARGE_SNAPSHOT_MS);
        self.sample();
    }

    /// The process table, for the table and the tree: every frame up to
    /// `SNAPSHOT_EVERY_FRAME_UP_TO` processes; beyond, once per `every_ms` of wall time.
    fn refresh_snapshot(&mut self, every_ms: f64) {
        let large = self.snapshot.len() > SNAPSHOT_EVERY_FRAME_UP_TO;
        if !large || self.wall_ms - self.snapshot_at >= every_ms || self.wall_ms < self.snapshot_at
        {
            self.snapshot = Rc::new(self.rt.snapshot());
            self.snapshot_at = self.wall_ms;
        }
    }

    /// Carts: every customer each frame in a store of ordinary size; in a huge crowd a
    /// rotating slice of `CART_READS_PER_FRAME`, so each cart is read every few frames.
    fn read_carts(&mut self) {
        let slices = self
            .floor
            .customers
            .len()
            .div_ceil(CART_READS_PER_FRAME)
            .max(1);
        let phase = self.absorbs % slices;
        self.absorbs = self.absorbs.wrapping_add(1);
        for (i, c) in self.floor.customers.values_mut().enumerate() {
            if slices == 1 || i % slices == phase {
                if let Some(items) = self.rt.metric_of(c.pid) {
                    c.items = items;
                }
            }
        }
    }

    /// Reads new trace events into the floor's model and the trace view.
    fn absorb_trace(&mut self) {
        if self.rt.last_seq() == self.last_seq {
            return;
        }
        let events = self.rt.trace_since(self.last_seq);
        // The trace is a bounded buffer: after a burst (thousands of sessions started at
        // once) the oldest unseen events may be gone, and the floor is read afresh.
        let gap = events.first().is_some_and(|e| e.seq > self.last_seq + 1);
        if let Some(last) = events.last() {
            self.last_seq = last.seq;
        }
        for e in &events {
            self.absorb_event(&e.event, e.time);
            self.sequence.absorb(e, &self.rt);
            if !matches!(e.event, Event::Send { .. } | Event::Receive { .. }) {
                self.trace.push_back(e.clone());
            }
        }
        while self.trace.len() > TRACE_KEEP {
            self.trace.pop_front();
        }
        if gap {
            self.resync();
        }
    }

    /// The sequence chart of the charted processes, as it stands: fed the events logged
    /// since the last call (and rid of its oldest rows past `SEQ_KEEP`), or built again
    /// when the charted processes changed.
    pub fn chart(&self) -> std::cell::Ref<'_, super::sequence::Chart> {
        let name = |p: Pid| {
            self.pid_name(p)
                .map(str::to_string)
                .or_else(|| self.rt.label_of(p).map(|l| l.to_string()))
        };
        self.sequence.chart(&name)
    }

    /// Which part of the system a process belongs to: the `shopping` application, the
    /// clients (the shoppers' browsers: `Redfour.Customers` and each `Customer`), or the
    /// console's shell.
    pub fn group_of(&self, pid: Pid) -> &'static str {
        // an application typed in the console belongs to the console (its master's parent
        // is the shell): only the store's master marks the shopping group
        let master = self.shopping_master();
        let mut at = Some(pid);
        for _ in 0..8 {
            let Some(p) = at.filter(|p| self.rt.alive(*p)) else {
                break;
            };
            match (
                self.rt.label_of(p).as_deref(),
                self.rt.name_of(p).as_deref(),
            ) {
                (Some(customers::CUSTOMER), _) | (_, Some(customers::DRIVER)) => return "clients",
                (Some("IEx shell"), _) => return "console",
                (_, Some(shopping::ROOT)) => return "shopping",
                _ if master == Some(p) => return "shopping",
                _ => {}
            }
            at = self.rt.parent_of(p);
        }
        "—"
    }

    /// What the trace calls a pid: its registered name (a session's key), else its module.
    pub fn pid_name(&self, pid: Pid) -> Option<&str> {
        self.pid_names.get(pid).map(|s| s.as_ref())
    }

    /// An event as the trace prints it, each pid followed by its name:
    /// `exit #PID<0.96.0> (customer_5) reason :killed`.
    pub fn describe(&self, event: &Event) -> String {
        self.pid_names.describe(event)
    }

    /// The store's figures over the whole run (they never go back), with restarts by any
    /// supervisor.
    pub fn books(&self) -> Figures {
        self.books.total(self.restarts_seen)
    }

    fn is_session(&self, pid: Pid) -> bool {
        self.rt.label_of(pid).as_deref() == Some(session::MODULE)
    }

    /// A Session registered its key: a new customer, or a killed one's successor.
    fn session_registered(&mut self, name: &Rc<str>, pid: Pid) {
        let wall = self.wall_ms;
        let items = self.rt.metric_of(pid).unwrap_or(0);
        // who started it: the SessionSupervisor, or (the post's Task Three) the console
        let supervised = match (
            self.rt.parent_of(pid),
            self.rt.whereis(shopping::SESSION_SUPERVISOR),
        ) {
            (Some(parent), Some(sup)) => parent == sup,
            _ => true,
        };
        self.floor
            .session_registered(name, pid, items, supervised, wall);
    }

    fn absorb_event(&mut self, event: &Event, at_ms: u64) {
        let wall = self.wall_ms;
        self.pid_names.absorb(event, &self.trace, &self.rt);
        if matches!(event, Event::Spawn { .. } | Event::Restart { .. }) {
            let by_sessions = match event {
                Event::Restart { supervisor, .. } => self
                    .pid_names
                    .get(*supervisor)
                    .is_some_and(|n| n.as_ref() == shopping::SESSION_SUPERVISOR),
                _ => false,
            };
            let (names, rt) = (&self.pid_names, &self.rt);
            self.lesson_facts.absorb(
                event,
                self.console.shell_pid(),
                |p| names.get(p).cloned(),
                |p| rt.metric_of(p),
                by_sessions,
                self.settings.persistence,
            );
        }
        match event {
            Event::Register { name, pid } if self.is_session(*pid) => {
                self.session_registered(name, *pid);
            }
            Event::Exit { pid, reason } => {
                let persistence = self.settings.persistence;
                if let Some(key) = self.floor.session_exited(*pid, reason, wall, persistence) {
                    self.mark(
                        at_ms,
                        MarkerKind::Crash,
                        format!("{key} {} crashed: {reason}", pid.short()),
                    );
                }
            }
            Event::Restart {
                supervisor,
                child,
                old,
                new,
                reason,
                ..
            } => {
                self.flashes.insert(*new, wall);
                self.restarts_seen += 1;
                self.mark(
                    at_ms,
                    MarkerKind::Restart,
                    format!(
                        "{} restarted {child}: {} → {}",
                        self.pid_names.name_or_short(*supervisor),
                        old.short(),
                        new.short()
                    ),
                );
                self.last_restarted.insert(*supervisor, child.clone());
                let by = self.pid_names.get(*supervisor).cloned();
                if self.selected == Some(*old) {
                    // The inspector follows the same child to its successor.
                    self.selected = Some(*new);
                    self.selected_restarts.push(Restarted {
                        old: *old,
                        new: *new,
                        by: by.clone().unwrap_or_else(|| Rc::from(supervisor.short())),
                        reason: reason.to_string(),
                        at_ms,
                    });
                }
                let items_after = self.rt.metric_of(*new).unwrap_or(0);
                let storage_failing = self.storage_failing.clone();
                self.floor
                    .restarted(*old, *new, by.clone(), items_after, storage_failing);
                if let Some(e) = self.escalation.as_mut() {
                    if e.pid == *old && e.restarted_by.is_none() {
                        e.restarted_by = by.or_else(|| Some(child.clone()));
                    }
                }
            }
            Event::GiveUp {
                supervisor,
                restarts,
                within_ms,
            } => {
                self.flashes.insert(*supervisor, wall);
                let gave_up = format!(
                    "{} gave up: more than {restarts} restarts in {} s",
                    self.pid_names.name_or_short(*supervisor),
                    within_ms / 1000
                );
                self.mark(at_ms, MarkerKind::GiveUp, gave_up);
                let name = self
                    .pid_names
                    .get(*supervisor)
                    .cloned()
                    .unwrap_or_else(|| Rc::from(supervisor.to_string()));
                let (sessions, items) = if name.as_ref() == shopping::SESSION_SUPERVISOR
                    || name.as_ref() == shopping::ROOT
                {
                    self.floor.live_carts()
                } else {
                    (0, 0)
                };
                self.floor.gave_up(&name);
                // A give-up of the root after the SessionSupervisor's keeps the first count.
                let keep_count = self.escalation.as_ref().filter(|e| wall - e.at < 1.0);
                let (sessions, items) = match keep_count {
                    Some(e) if sessions == 0 => (e.sessions, e.items),
                    _ => (sessions, items),
                };
                self.escalation = Some(Escalation {
                    supervisor: name,
                    pid: *supervisor,
                    restarts: *restarts,
                    within_ms: *within_ms,
                    sessions,
                    items,
                    restarted_by: None,
                    child: self.last_restarted.get(supervisor).cloned(),
                    chaos_per_minute: self.settings.chaos_per_minute,
                    at: wall,
                });
            }
            Event::Note { kind, .. } if kind.as_ref() == customers::TURNED_AWAY => {
                self.turned_away += 1;
            }
            Event::Note { kind, text, .. } if kind.as_ref() == "storage" => {
                if text.starts_with("saving works again") {
                    self.storage_failing = None;
                } else if let Some((_, why)) = text.split_once(": ") {
                    // "could not save session redfour.session.k: storage is full (…); …"
                    let why = why.split(';').next().unwrap_or(why);
                    self.storage_failing = Some(why.to_string());
                }
            }
            Event::Note { kind, text, .. }
                if kind.as_ref() == "application" && text.contains("exited") =>
            {
                self.mark(at_ms, MarkerKind::AppStop, text.to_string());
            }
            Event::Note { kind, text, .. } if kind.as_ref() == "sale" => {
                self.mark(at_ms, MarkerKind::Sale, text.to_string());
                // "sale #3 to :customer_5: 4 items, $56.00"
                if let Some(rest) = text.split_once(" to :").map(|(_, r)| r) {
                    if let Some((key, _)) = rest.split_once(": ") {
                        self.floor.bought.insert(Rc::from(key.trim_matches('"')));
                    }
                }
            }
            _ => {}
        }
    }

    /// Reads the floor afresh from the registry (at the start, and after a trace gap).
    fn resync(&mut self) {
        let registered = self.rt.registered();
        self.floor.session_keys.clear();
        self.floor.unsupervised.clear();
        for (name, pid) in registered {
            self.pid_names.insert(pid, name.clone());
            if self.is_session(pid) {
                self.session_registered(&name, pid);
            }
        }
        let live = &self.floor.session_keys;
        let stories = &self.floor.stories;
        self.floor.customers.retain(|k, c| {
            c.live = live.contains_key(&c.pid);
            c.live || stories.contains_key(k)
        });
    }

    fn sample(&mut self) {
        let now = self.rt.now();
        if now < self.next_sample {
            return;
        }
        let f = self.books();
        let messages = self.rt.stats().messages;
        let elapsed_s = if self.samples.is_empty() {
            1.0
        } else {
            ((now - self.samples.back().map_or(0, |s| s.at)) as f64 / 1000.0).max(0.001)
        };
        self.samples.push_back(Sample {
            at: now,
            sessions: self.floor.session_keys.len() as f64,
            messages_per_s: (messages - self.last_messages) as f64 / elapsed_s,
            restarts: f.restarts as f64,
            sales: f.sales as f64,
            revenue: f.revenue as f64 / 100.0,
        });
        self.last_messages = messages;
        self.next_sample = now + 1000;
        while self.samples.len() > SAMPLES_KEEP {
            self.samples.pop_front();
        }
    }

    /// Live sessions as (key, pid), in key order.
    pub fn session_pids(&self) -> Vec<(String, Pid)> {
        self.floor.session_pids()
    }

    /// Live sessions.
    pub fn session_count(&self) -> usize {
        self.floor.session_count()
    }

    /// Live sessions the SessionSupervisor started (its badge's count: a Session the
    /// console started with `start_link` is on the floor but not its child).
    pub fn supervised_session_count(&self) -> usize {
        self.floor.supervised_session_count()
    }

    /// Every customer on the floor, in key order (live ones, and killed ones whose story
    /// is still being told).
    pub fn customers(&self) -> impl Iterator<Item = &Customer> {
        self.floor.customers.values()
    }

    pub fn customer(&self, key: &str) -> Option<&Customer> {
        self.floor.customers.get(key)
    }

    pub fn walkers(&self) -> impl Iterator<Item = &Walker> {
        self.floor.walkers.iter()
    }

    /// The crash stories being told, in no particular order (the floor sorts them newest
    /// first).
    pub fn stories(&self) -> impl Iterator<Item = &CrashStory> {
        self.floor.stories.values()
    }

    pub fn story(&self, key: &str) -> Option<&CrashStory> {
        self.floor.stories.get(key)
    }

    /// Where a customer is now, in world units: walking in from the door, browsing around
    /// its spot (further along the fuller its cart), or frozen where it was killed.
    pub fn position_of(&self, c: &Customer) -> (f64, f64) {
        self.floor.position_of(c, self.wall_ms)
    }

    /// The pid a figure shows: during a crash story, the old one until the customer is back.
    pub fn shown_pid(&self, c: &Customer) -> Pid {
        self.floor.shown_pid(c, self.wall_ms)
    }

    /// Whether the store's application runs (one typed in the console does not count).
    pub fn app_running(&self) -> bool {
        self.shopping_master().is_some()
    }

    /// The master of the store's `shopping` application, while it runs.
    pub fn shopping_master(&self) -> Option<Pid> {
        self.rt
            .applications()
            .into_iter()
            .find(|(name, _)| &**name == shopping::APP)
            .map(|(_, pid)| pid)
    }

    /// Every live process as of the last frame, for the table and the tree (taken once per
    /// frame, not once per panel).
    pub fn processes(&self) -> Rc<Vec<ProcessInfo>> {
        self.snapshot.clone()
    }

    /// A frame begins: `dt` wall ms pass (clamped: a background tab comes back without a
    /// time jump). Returns them, and the frame's deadline if the host gave a clock.
    pub(super) fn begin_frame(&mut self, dt: f64) -> (f64, Option<f64>) {
        let dt = dt.clamp(0.0, 250.0);
        self.wall_ms += dt;
        if let Some(pacer) = self.pacer.as_mut() {
            pacer.observe(dt);
        }
        (dt, self.pacer.as_ref().map(FramePacer::deadline))
    }

    /// The frame's share of the run: the virtual time `dt` wall ms ask for at the set
    /// speed, as far as the frame's budget goes.
    pub(super) fn run_frame(&mut self, dt: f64) {
        if self.playing {
            self.owed_ms += dt * self.settings.speed;
            let due = (self.owed_ms / TICK_MS as f64) as u64;
            let until = self.pacer.as_ref().map(FramePacer::deadline);
            let ran = self.step_ticks(due, FRAME_STEP_BUDGET, crate::runtime::WORK_PER_RUN, until);
            self.owed_ms -= (ran * TICK_MS) as f64;
            self.behind = ran < due;
            // What could not be run in time is let go: the store runs slower, never in a rush.
            self.owed_ms = self.owed_ms.min(2.0 * TICK_MS as f64);
        } else {
            self.behind = false; // paused: nothing is late (and the frames' time is spare)
        }
    }

    /// The seed transcript's next line, when it is time to type it (the console is free
    /// and the last line was typed long enough ago).
    pub(super) fn due_seed_line(&mut self) -> Option<&'static str> {
        if self.console.busy() || self.wall_ms - self.seed_typed_at < SEED_TYPING_MS {
            return None;
        }
        self.seed_queue.pop_front()
    }

    /// What changes only the world shown: the speed, the selection, messages, the sequence
    /// chart, the console's seed transcript.
    pub(super) fn reduce_shown(&mut self, action: Action) {
        match action {
            Action::SetSpeed(x) => {
                if let Some(x) = in_range(x, SPEED_RANGE) {
                    self.settings.speed = x;
                }
            }
            Action::ChartKey(key) => {
                if let Some(pid) = self.live_session_of(&key, "chart") {
                    self.reduce_shown(Action::ChartToggle(pid));
                }
            }
            Action::DismissEscalation => self.escalation = None,
            Action::Select(pid) => {
                if pid != self.selected {
                    self.selected_restarts.clear();
                }
                self.selected = pid;
            }
            Action::DismissMessage => self.message = None,
            Action::Notify(text) => self.message = Some(text),
            Action::ChartToggle(pid) => self.sequence.toggle(pid, &self.rt),
            Action::ChartClear => self.sequence.clear(&self.rt),
            Action::PlaySeed => {
                self.seed_queue = SEED_TRANSCRIPT.iter().copied().collect();
                self.seed_typed_at = f64::MIN;
            }
            Action::ObserverShown => self.console.observer_requested = false,
            _ => {}
        }
    }

    /// One frame's slice of the replay under way: true when it has just ended.
    pub(super) fn continue_fast_forward(&mut self) -> bool {
        let Some(ff) = self.fast_forward.clone() else {
            return false;
        };
        self.replaying = true;
        let until = self.pacer.as_ref().map(|p| p.clock()() + REPLAY_SLICE_MS);
        if !self.replay_until(ff.stop, until) {
            // Where it stands, for the page: the floor, its carts and the trace (the books
            // and the charts are read at its end, as in a replay done at once).
            self.absorb_trace();
            self.read_carts();
            self.tidy();
            self.refresh_snapshot(LARGE_SNAPSHOT_MS / 4.0);
            return false;
        }
        self.fast_forward = None;
        self.replay_done();
        if let Some(expected) = ff.expected {
            let hash = self.rt.trace_hash();
            self.replay_note = Some(if hash == expected {
                format!("replayed · trace hash matches ({hash:016x})")
            } else {
                format!(
                    "replayed · trace hash differs: the run ended at {hash:016x}, the link says {expected:016x} (made by another version?)"
                )
            });
        }
        true
    }

    /// Whether a parked replay is this run as it was (the same start and inputs up to where
    /// it stands, and the same processes charted), so a seek may go on from it.
    pub(super) fn can_resume(&self, cp: &World) -> bool {
        let done = cp.run.inputs.len();
        cp.ticks <= self.ticks
            && cp.sequence.charted == self.sequence.charted
            && cp.run.settings == self.run.settings
            && cp.run.storage.len() == self.run.storage.len()
            && self.run.inputs.len() >= done
            && self.run.inputs[..done] == cp.run.inputs[..]
            && self.run.inputs[done..]
                .first()
                .is_none_or(|(t, _)| *t >= cp.ticks)
    }
}
