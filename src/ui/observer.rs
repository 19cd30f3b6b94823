//! The observer around a run: what the page shows (a [`World`], live or a past), the live
//! world kept aside while the page looks back, the timelines forks left, and the replays
//! parked along the run (checkpoints). Time travel lives here: seeking, going live, forking,
//! opening a shared run, building checkpoints in the frames' spare time. Components hold a
//! [`Sim`] and send it [`Action`]s; the world it shows does the rest (`sim.rs`).

use crate::sorted_map::SortedSet;
use crate::store::session_store::SharedBackend;

use crate::store::shopping::Persistence;

use super::actions::{Action, LessonAction, Stop};
use super::checkpoints::{self, Parked, MIN_GAP_POLLS};
use super::frame_pacer::FramePacer;
use super::lesson::{self, Code, Progress};
use super::markers::Marker;
use super::recording::{Input, Recording, TICK_MS};
use super::settings::{in_range, Settings, ARRIVALS_RANGE, CHAOS_RANGE};
use super::sim::{FastForward, World};

/// The observer's model as the page holds it: the world it shows, and the timeline around
/// it. While the page looks back, `world` is a past replayed from the run's recording and
/// the live world waits in `present`; after a fork (an input in the past), the timeline it
/// left is kept in `others` until the next input (a stack: going back to it drops the fork,
/// and the timeline that one had left is next). Replays parked along the run
/// (`checkpoints`) let a seek start near its instant.
///
/// It reads as the world it shows (`Deref`): the components read `sim.rt`, `sim.markers`…
/// of what is on the page, and send actions to `apply`.
pub struct Sim {
    /// The world the page shows: the live one, or a past.
    pub world: World,
    /// While the page shows the past: the present, kept as it was.
    pub present: Option<Box<World>>,
    /// After forks: the timelines they left, the latest last, until the next input.
    others: Vec<World>,
    /// Replays parked along this run's timeline: a seek starts from the latest one before
    /// its instant (`checkpoints.rs`).
    checkpoints: Parked<World>,
    /// The least work (polls) between two checkpoints.
    checkpoint_gap: u64,
    /// The learner's place in the guided lesson (the page keeps it; not part of the run).
    pub lesson: Progress,
    /// A process a lesson step selects once it is registered (its *Run* starts it first).
    select_when_registered: Option<&'static str>,
}

impl std::ops::Deref for Sim {
    type Target = World;
    fn deref(&self) -> &World {
        &self.world
    }
}

impl std::ops::DerefMut for Sim {
    fn deref_mut(&mut self) -> &mut World {
        &mut self.world
    }
}

impl Sim {
    pub fn new(settings: Settings, backend: SharedBackend) -> Sim {
        Sim::showing(World::new(settings, backend))
    }

    /// An observer of `world`, with no past, other timeline or checkpoint yet.
    fn showing(world: World) -> Sim {
        Sim {
            world,
            present: None,
            others: Vec::new(),
            checkpoints: Parked::default(),
            checkpoint_gap: MIN_GAP_POLLS,
            lesson: Progress::default(),
            select_when_registered: None,
        }
    }

    /// A run replayed from its recording until `stop`: the same seed, storage and inputs
    /// give the same run (storage is a copy in memory: a replay writes nothing).
    pub fn replay(run: &Recording, stop: Stop) -> Sim {
        Sim::replay_charted(run, stop, &SortedSet::new())
    }

    /// `replay`, with these processes' messages traced from the start (a sequence chart
    /// opened in the present shows the past too).
    pub fn replay_charted(run: &Recording, stop: Stop, charted: &SortedSet<u32>) -> Sim {
        let mut world = World::replay_start(run, charted);
        world.replay_to(stop);
        Sim::showing(world)
    }

    pub fn apply(&mut self, action: Action) {
        let is_frame = matches!(action, Action::Frame(_));
        self.reduce(action);
        self.watch_lesson();
        // After anything but a frame the header's figures are read at once.
        if !is_frame {
            let world = &mut self.world;
            world.books.read(&world.rt);
        }
    }

    fn reduce(&mut self, action: Action) {
        match action {
            Action::Frame(dt) => self.frame(dt),
            Action::TogglePlay => {
                self.world.stop_fast_forward();
                if self.present.is_some() && !self.world.playing {
                    // Play in the past: the run goes on from here, without the later inputs.
                    self.fork();
                }
                self.world.playing = !self.world.playing;
            }
            Action::Step => {
                self.world.stop_fast_forward();
                if self.present.is_some() {
                    self.fork();
                }
                self.world
                    .step_ticks(100 / TICK_MS, usize::MAX, u64::MAX, None);
                self.world.absorb();
            }
            Action::SetArrivals(x) => {
                if let Some(x) = in_range(x, ARRIVALS_RANGE) {
                    self.input(Input::SetArrivals(x));
                }
            }
            Action::SetChaos(x) => {
                if let Some(x) = in_range(x, CHAOS_RANGE) {
                    self.input(Input::SetChaos(x));
                }
            }
            Action::SetPersistence(p) => self.input(Input::SetPersistence(p)),
            Action::Reset(seed) => {
                let settings = Settings {
                    seed,
                    ..self.world.settings.clone()
                };
                let backend = self.present().backend.clone();
                let pacer = self.world.pacer.take();
                *self = Sim::new(settings, backend);
                self.world.pacer = pacer;
            }
            Action::KillKey(key) => {
                if let Some(pid) = self.world.live_session_of(&key, "crash") {
                    self.apply(Action::Kill(pid));
                }
            }
            Action::Kill(pid) => self.input(Input::Kill(pid.number())),
            Action::StartApp => self.input(Input::StartApp),
            Action::AddSessions(n) => self.input(Input::AddSessions(n as u32)),
            Action::AdmitShoppers(n) => self.input(Input::Admit(n as u32)),
            Action::ConsoleSubmit(text) => self.input(Input::Console(text)),
            Action::ConsoleInterrupt => self.input(Input::Interrupt),
            Action::Seek(ms) => self.seek(ms),
            Action::SeekEvent(forward) => {
                let now = self.world.shown_ms();
                let markers = &self.present().markers;
                let to = if forward {
                    markers.iter().map(|m| m.at).find(|at| *at > now)
                } else {
                    markers.iter().rev().map(|m| m.at).find(|at| *at < now)
                };
                match to {
                    Some(at) => self.seek(at),
                    None if forward => self.reduce(Action::Live),
                    None => self.seek(0),
                }
            }
            Action::Live => {
                if let Some(present) = self.present.take() {
                    let selected = self.world.selected;
                    let past = std::mem::replace(&mut self.world, *present);
                    self.park(past);
                    let world = &mut self.world;
                    world.selected = selected.filter(|p| world.rt.alive(*p));
                    world.playing = true;
                }
            }
            Action::OtherTimeline => {
                // (not while looking back: the other timeline is the present's)
                if self.present.is_none() {
                    if let Some(other) = self.others.pop() {
                        // the checkpoints before the fork serve both timelines
                        self.world = other;
                        self.world.playing = false;
                    }
                }
            }
            Action::Lesson(LessonAction::Open) => self.lesson.open = true,
            Action::Lesson(LessonAction::Close) => self.lesson.open = false,
            Action::Lesson(LessonAction::Go(i)) => {
                self.lesson.open = true;
                self.lesson.step = i.min(lesson::STEPS.len() - 1);
            }
            Action::Lesson(LessonAction::Run) => self.run_lesson_step(),
            Action::EditorRun(source) => self.input(Input::Editor(source)),
            Action::Open(shared) => {
                let pacer = self.world.pacer.take();
                let lesson = std::mem::take(&mut self.lesson);
                *self = Sim::showing(World::replay_start(&shared.recording, &SortedSet::new()));
                self.lesson = lesson;
                self.world.pacer = pacer;
                self.fast_forward_to(Stop::Tick(shared.ticks), Some(shared.hash));
            }
            // what only changes the world shown
            other => self.world.reduce_shown(other),
        }
    }

    /// The shown lesson step's *Run*: its code typed into the console (a module put in the
    /// editor and run first), as the world is now (see `lesson::console_code`).
    fn run_lesson_step(&mut self) {
        let i = self.lesson.step;
        let Some(step) = lesson::STEPS.get(i) else {
            return;
        };
        self.lesson.open = true;
        if self.present.is_some() {
            // a step runs on the present, not on a past being looked at
            self.reduce(Action::Live);
        }
        if let Code::Editor(module, _) = step.code {
            self.input(Input::Editor(module.to_string()));
        }
        if i == 7 && self.world.settings.persistence != Persistence::Snapshot {
            self.input(Input::SetPersistence(Persistence::Snapshot));
        }
        let code = lesson::console_code(i, &self.world);
        self.input(Input::Console(code));
        if i == 4 {
            self.select_when_registered = Some("my_session");
        }
    }

    /// Checks the shown step against the live world, and selects a process a step asked
    /// for once it exists.
    fn watch_lesson(&mut self) {
        if let Some(name) = self.select_when_registered {
            if let Some(pid) = self.world.rt.whereis(name) {
                self.select_when_registered = None;
                self.world.reduce_shown(Action::Select(Some(pid)));
            }
        }
        let mut lesson = self.lesson.clone();
        if lesson.observe(self.present()) {
            self.lesson = lesson;
        }
    }

    /// Something the host does to the run: recorded with the tick it arrived at, then done.
    /// In the past, it forks first: the run goes on from here without the later inputs.
    fn input(&mut self, input: Input) {
        self.world.stop_fast_forward();
        self.world.finish_tick();
        if self.present.is_some() {
            // the fork's first input: the timeline it leaves stays within reach
            self.fork();
        } else {
            self.others.clear();
        }
        let world = &mut self.world;
        world.run.inputs.push((world.ticks, input.clone()));
        world.perform(&input);
    }

    /// Continue from the instant shown: the present becomes the other timeline (the
    /// checkpoints before the fork serve both timelines).
    fn fork(&mut self) {
        if let Some(present) = self.present.take() {
            self.others.push(*present);
            self.world.pending.clear();
            self.world.replay_note = None;
        }
    }

    /// Replays toward `stop` for at most a frame's slice of wall time (all the way without a
    /// host clock): a short replay ends at once; a long one goes on in the next frames, the
    /// page showing it as it goes.
    fn fast_forward_to(&mut self, stop: Stop, expected: Option<u64>) {
        let world = &mut self.world;
        world.fast_forward = Some(FastForward {
            stop,
            from_ms: world.rt.now(),
            expected,
        });
        world.playing = false;
        self.continue_fast_forward();
    }

    /// One frame's slice of the replay under way; once it reaches where the present
    /// stands, the present is shown again.
    fn continue_fast_forward(&mut self) {
        if !self.world.continue_fast_forward() {
            return;
        }
        // Forward through the past and on to where the present stands: the present.
        let end_ticks = self.present.as_ref().map(|p| p.ticks);
        if end_ticks.is_some_and(|end| self.world.ticks >= end) {
            self.reduce(Action::Live);
        }
    }

    /// Shows the run at `ms` (virtual): the page's whole state as it was then. From the
    /// present, the present is kept aside and the run replayed, from the latest checkpoint
    /// before `ms` if there is one; forward within the past, the replay goes on from where it
    /// stands. The past the page leaves is parked as a checkpoint.
    fn seek(&mut self, ms: u64) {
        if self
            .world
            .fast_forward
            .as_ref()
            .is_some_and(|ff| ff.expected.is_some())
        {
            return; // a shared run is being opened: its instant comes first
        }
        if ms >= self.end_ms() {
            self.reduce(Action::Live);
            return;
        }
        let selected = self.world.selected;
        if self.present.is_some() {
            let shown = self.world.ticks;
            let nearer = self
                .checkpoints
                .ticks()
                .iter()
                .any(|t| *t > shown && t * TICK_MS <= ms);
            if ms >= self.world.rt.now() && !nearer {
                // forward through the past: the replay goes on from where it stands
                self.fast_forward_to(Stop::Time(ms), None);
                return;
            }
        }
        let mut past = self.past_at(ms);
        {
            let base = self.present();
            past.settings.speed = base.settings.speed;
            past.pacer = base.pacer.as_ref().map(|p| FramePacer::new(p.clock()));
        }
        past.selected = selected;
        let left = std::mem::replace(&mut self.world, past);
        match self.present {
            Some(_) => self.park(left),
            None => {
                let mut live = left;
                live.playing = false;
                self.present = Some(Box::new(live));
            }
        }
        self.fast_forward_to(Stop::Time(ms), None);
    }

    /// The run (the present's) set to replay toward `ms`: the latest usable checkpoint at
    /// or before it, or the run's start.
    fn past_at(&mut self, ms: u64) -> World {
        self.drop_unusable_checkpoints();
        if let Some(mut cp) = self.checkpoints.take_latest(ms / TICK_MS) {
            let run = &self.present().run;
            // what it has not done yet of this run's inputs (another timeline's may follow)
            cp.pending = run.inputs[cp.run.inputs.len()..].iter().cloned().collect();
            cp.message = None;
            cp.replay_note = None;
            return *cp;
        }
        let live = self.present();
        World::replay_start(&live.run, &live.sequence.charted)
    }

    fn drop_unusable_checkpoints(&mut self) {
        let mut parked = self.checkpoints.take_all();
        let live = self.present();
        parked.retain(|cp| live.can_resume(cp));
        self.checkpoints = parked;
    }

    /// Parks a past the page leaves, if it is this run and worth keeping: it becomes a
    /// checkpoint.
    fn park(&mut self, mut past: World) {
        if past.fast_forward.take().is_some() {
            past.replaying = true;
        }
        past.finish_tick();
        past.pacer = None;
        let work = past.rt.stats().polls;
        if work < self.checkpoint_gap || !self.present().can_resume(&past) {
            return;
        }
        let ticks = past.ticks;
        self.checkpoints.park(ticks, Box::new(past));
        self.trim_checkpoints();
    }

    /// At most `MAX_PARKED` checkpoints: the most crowded go.
    fn trim_checkpoints(&mut self) {
        while self.checkpoints.len() > checkpoints::MAX_PARKED {
            let parked = self.checkpoints.ticks();
            let live = self.present();
            let i = checkpoints::to_evict(&live.work_marks, &parked, live.ticks).unwrap_or(0);
            self.checkpoints.evict(i);
        }
    }

    /// The checkpoints' builder, until the host's clock reaches `until`: it replays from the
    /// start toward the middle of the largest gap and parks there. Nothing without a host
    /// clock (see `build_checkpoints_now`).
    fn build_checkpoints(&mut self, until: f64) {
        let Some(clock) = self.present().pacer.as_ref().map(FramePacer::clock) else {
            return;
        };
        if clock() < until {
            self.advance_builder(Some(until));
        }
    }

    /// Takes the builder on (setting it off first if none is under way) until the host's
    /// clock reaches `until`, or to its checkpoint without one; parks it once there. False
    /// when the run wants no checkpoint.
    fn advance_builder(&mut self, until: Option<f64>) -> bool {
        if self.checkpoints.builder.is_none() {
            self.start_builder();
        }
        let Some((target, mut builder)) = self.checkpoints.builder.take() else {
            return false;
        };
        if builder.replay_until(Stop::Tick(target), until) {
            self.park(*builder);
        } else {
            self.checkpoints.builder = Some((target, builder));
        }
        true
    }

    /// Sets the builder off toward the next checkpoint wanted, if one is.
    fn start_builder(&mut self) {
        self.drop_unusable_checkpoints();
        let mut parked = self.checkpoints.ticks();
        let live = self.present();
        let mut evict = None;
        if parked.len() >= checkpoints::MAX_PARKED {
            let Some(i) = checkpoints::to_evict(&live.work_marks, &parked, live.ticks) else {
                return;
            };
            parked.remove(i);
            evict = Some(i);
        }
        let Some(target) =
            checkpoints::next_target(&live.work_marks, &parked, live.ticks, self.checkpoint_gap)
        else {
            return; // nothing to build: none is let go for nothing
        };
        let mut builder = World::replay_start(&live.run, &live.sequence.charted);
        builder.replaying = true;
        builder.pacer = live.pacer.as_ref().map(|p| FramePacer::new(p.clock()));
        if let Some(i) = evict {
            self.checkpoints.evict(i);
        }
        self.checkpoints.builder = Some((target, Box::new(builder)));
    }

    /// Builds every checkpoint this run wants, now (benchmarks and tests; the page builds
    /// them in its frames' spare time).
    pub fn build_checkpoints_now(&mut self) {
        while self.build_checkpoint_now() {}
    }

    /// Builds the next checkpoint this run wants, now: false when it wants none.
    pub fn build_checkpoint_now(&mut self) -> bool {
        self.advance_builder(None)
    }

    /// The least work (polls) between checkpoints (tests set it low, to have them in a
    /// short run).
    pub fn set_checkpoint_gap(&mut self, polls: u64) {
        self.checkpoint_gap = polls.max(1);
    }

    /// The timeline the last fork left, while the page shows the live run.
    pub fn other(&self) -> Option<&World> {
        match self.present {
            Some(_) => None,
            None => self.others.last(),
        }
    }

    /// The present: the world shown, or the one kept aside while the page shows the past.
    fn present(&self) -> &World {
        self.present.as_deref().unwrap_or(&self.world)
    }

    /// The virtual instants (ms) at which replays are parked.
    pub fn checkpoint_instants(&self) -> Vec<u64> {
        self.checkpoints
            .ticks()
            .into_iter()
            .map(|t| t * TICK_MS)
            .collect()
    }

    /// The virtual instant the present has reached (the timeline's end).
    pub fn end_ms(&self) -> u64 {
        self.present().rt.now()
    }

    /// The timeline's markers: the whole run's, from the present.
    pub fn run_markers(&self) -> &[Marker] {
        &self.present().markers
    }

    fn frame(&mut self, dt: f64) {
        let (dt, deadline) = self.world.begin_frame(dt);
        if self.world.fast_forward.is_some() {
            self.continue_fast_forward();
            if self.world.fast_forward.is_some() {
                return; // the page shows the replay where it stands
            }
        } else {
            self.world.run_frame(dt);
        }
        self.world.console.poll();
        // the seed's transcript, typed a line at a time into the live console
        if self.present.is_none() {
            if let Some(line) = self.world.due_seed_line() {
                self.input(Input::Console(line.to_string()));
                self.world.seed_typed_at = self.world.wall_ms;
            }
        }
        self.world.absorb();
        self.world.tidy();
        // The frame's spare time, if any is left: the checkpoints' builder.
        if let (Some(until), false) = (deadline, self.world.behind) {
            self.build_checkpoints(until);
        }
    }
}
