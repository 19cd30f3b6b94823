//! The observer's model: the running store and what the page shows of it, changed only
//! through [`Action`]s (the reducer pattern of yew's `function_todomvc`), apart from the
//! components that draw it. Plain Rust, no browser crate: tested natively.
//!
//! Each animation frame the app sends `Action::Frame(elapsed_ms)`: the virtual clock moves by
//! elapsed × speed, within a step budget (if the runtime cannot keep up, the simulation runs
//! slower instead of freezing the page), and new trace events turn into effects on the floor.
//! Positions on the floor are derived from session state and wall time here: the runtime
//! knows nothing of pixels.

use std::collections::{BTreeMap, VecDeque};
use std::rc::Rc;

use crate::console::{Console, SEED_TRANSCRIPT};
use crate::runtime::{signal, Event, Pid, ProcessInfo, Runtime, Term, TraceEvent};
use crate::store::customers::{self, SimConfig};
use crate::store::session;
use crate::store::session_store::SharedBackend;
use crate::store::shopping::{self, Persistence, StoreConfig};

/// Steps the scheduler may take per frame (about 2–4 ms of work in the browser).
pub const FRAME_STEP_BUDGET: usize = 20_000;
/// Trace events kept for the trace view: enough that a give-up is not pushed out by the
/// hundreds of exits that follow it.
pub const TRACE_KEEP: usize = 5_000;
/// Chart samples kept (one per virtual second).
pub const SAMPLES_KEEP: usize = 120;

/// The observer's settings: they survive a reload and can be shared as a URL.
#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    pub seed: u64,
    /// Virtual time per wall time, 0.25 to 100.
    pub speed: f64,
    pub arrivals_per_minute: f64,
    pub chaos_per_minute: f64,
    pub persistence: Persistence,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            seed: 4,
            speed: 1.0,
            arrivals_per_minute: 12.0,
            chaos_per_minute: 0.0,
            persistence: Persistence::None,
        }
    }
}

impl Settings {
    /// `seed=4&speed=1&arrivals=12&chaos=0&persistence=none`
    pub fn to_query(&self) -> String {
        format!(
            "seed={}&speed={}&arrivals={}&chaos={}&persistence={}",
            self.seed,
            self.speed,
            self.arrivals_per_minute,
            self.chaos_per_minute,
            match self.persistence {
                Persistence::None => "none",
                Persistence::Snapshot => "snapshot",
            }
        )
    }

    /// Reads a query string over these settings; unknown or malformed values are ignored.
    pub fn with_query(mut self, query: &str) -> Self {
        for pair in query.trim_start_matches('?').split('&') {
            let Some((k, v)) = pair.split_once('=') else {
                continue;
            };
            match k {
                "seed" => {
                    if let Ok(x) = v.parse() {
                        self.seed = x;
                    }
                }
                "speed" => {
                    if let Ok(x) = v.parse::<f64>() {
                        self.speed = x.clamp(0.25, 100.0);
                    }
                }
                "arrivals" => {
                    if let Ok(x) = v.parse::<f64>() {
                        self.arrivals_per_minute = x.clamp(0.0, 10_000.0);
                    }
                }
                "chaos" => {
                    if let Ok(x) = v.parse::<f64>() {
                        self.chaos_per_minute = x.clamp(0.0, 600.0);
                    }
                }
                "persistence" => match v {
                    "none" => self.persistence = Persistence::None,
                    "snapshot" => self.persistence = Persistence::Snapshot,
                    _ => {}
                },
                _ => {}
            }
        }
        self
    }
}

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
    Select(Option<Pid>),
    /// `Application.start(:shopping)` after it stopped.
    StartApp,
    /// Starts `n` sessions at once (for demos and the benchmark).
    AddSessions(usize),
    DismissMessage,
    /// A line (or a paste) typed into the console.
    ConsoleSubmit(String),
    /// Types the seed's iex session into the console, one line at a time.
    PlaySeed,
    /// Interrupts a line that is still running (kills the shell, as iex's Ctrl-C).
    ConsoleInterrupt,
    /// The page has brought the observer into view after `:observer.start`.
    ObserverShown,
}

/// Wall ms between two lines when the console types the seed's transcript.
pub const SEED_TYPING_MS: f64 = 900.0;

/// A visible effect on a customer's figure.
#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    /// Killed: the figure breaks apart.
    Crashed,
    /// Brought back by its supervisor, with how many cart items were lost.
    Restored { lost: i64 },
}

/// A customer on the floor.
#[derive(Clone, Debug, PartialEq)]
pub struct Figure {
    pub key: String,
    pub pid: Pid,
    pub items: i64,
    /// 0..1 across the floor, 0..1 down.
    pub x: f64,
    pub y: f64,
    pub effect: Option<(Effect, f64)>,
    pub leaving: bool,
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

#[derive(Clone, Debug)]
struct Seen {
    first_seen: f64,
    items: i64,
    pid: Pid,
}

pub struct Sim {
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
    /// A message for the person (a click on a process that had just died, for instance).
    pub message: Option<String>,
    pub console: Console,
    /// Lines of the seed's transcript still to type, and when the last one was typed.
    seed_queue: VecDeque<&'static str>,
    seed_typed_at: f64,
    backend: SharedBackend,
    last_seq: u64,
    seen: BTreeMap<String, Seen>,
    by_pid: BTreeMap<Pid, String>,
    effects: BTreeMap<String, (Effect, f64)>,
    /// Processes just restarted (or supervisors that just gave up): wall time of the event.
    flashes: BTreeMap<Pid, f64>,
    leaving: Vec<(Figure, f64)>,
    next_sample: u64,
    last_messages: u64,
    added: u64,
    /// The process table of this frame, taken once and shared by the tree and the table.
    snapshot: Rc<Vec<ProcessInfo>>,
}

/// How long effects and walks last, in wall ms.
pub const EFFECT_MS: f64 = 1_600.0;
pub const WALK_MS: f64 = 1_200.0;

fn hash(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ b as u64).wrapping_mul(0x0100_0000_01b3)
    })
}

impl Sim {
    pub fn new(settings: Settings, backend: SharedBackend) -> Sim {
        let rt = Runtime::new(settings.seed);
        shopping::install(
            &rt,
            StoreConfig {
                backend: backend.clone(),
                persistence: settings.persistence,
                idle_ms: 5 * 60_000,
            },
        );
        let _ = shopping::boot(&rt);
        let _ = customers::start(&rt, &Self::sim_config(&settings));
        let console = Console::new(rt.clone());
        Sim {
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
            message: None,
            backend,
            last_seq: 0,
            seen: BTreeMap::new(),
            by_pid: BTreeMap::new(),
            effects: BTreeMap::new(),
            flashes: BTreeMap::new(),
            leaving: Vec::new(),
            next_sample: 0,
            last_messages: 0,
            added: 0,
            snapshot: Rc::default(),
        }
    }

    fn sim_config(s: &Settings) -> SimConfig {
        SimConfig {
            arrivals_per_minute: s.arrivals_per_minute,
            chaos_per_minute: s.chaos_per_minute,
            ..SimConfig::default()
        }
    }

    pub fn apply(&mut self, action: Action) {
        match action {
            Action::Frame(dt) => self.frame(dt),
            Action::TogglePlay => self.playing = !self.playing,
            Action::Step => {
                self.rt.advance_bounded(100, FRAME_STEP_BUDGET);
                self.absorb();
            }
            Action::SetSpeed(x) => self.settings.speed = x.clamp(0.25, 100.0),
            Action::SetArrivals(x) => {
                self.settings.arrivals_per_minute = x.clamp(0.0, 10_000.0);
                Self::sim_config(&self.settings).apply(&self.rt);
            }
            Action::SetChaos(x) => {
                self.settings.chaos_per_minute = x.clamp(0.0, 600.0);
                Self::sim_config(&self.settings).apply(&self.rt);
            }
            Action::SetPersistence(p) => {
                self.settings.persistence = p;
                shopping::set_persistence(&self.rt, p);
            }
            Action::Reset(seed) => {
                let settings = Settings {
                    seed,
                    ..self.settings.clone()
                };
                *self = Sim::new(settings, self.backend.clone());
            }
            Action::Kill(pid) => {
                if self.rt.kill(pid).is_err() {
                    self.message = Some(format!(
                        "{} has already exited: there is nothing to crash (its supervisor may have replaced it).",
                        pid.short()
                    ));
                }
                self.rt.run_until_idle();
                self.absorb();
            }
            Action::Select(pid) => self.selected = pid,
            Action::StartApp => {
                let started = self.rt.block_on(|ctx| async move {
                    crate::runtime::application::start(&ctx, shopping::APP).await
                });
                if !matches!(started, Ok(ref t) if *t == Term::ok()) {
                    self.message =
                        Some(format!("Application.start(:shopping) answered {started:?}"));
                }
                self.absorb();
            }
            Action::AddSessions(n) => {
                for _ in 0..n {
                    self.added += 1;
                    let key = Term::atom(&format!("visitor_{}", self.added));
                    let _ = self.rt.block_on(move |ctx| async move {
                        shopping::start_session(&ctx, &key).await
                    });
                }
                self.absorb();
            }
            Action::DismissMessage => self.message = None,
            Action::ConsoleSubmit(text) => {
                self.console.submit(&text);
                self.absorb();
            }
            Action::PlaySeed => {
                self.seed_queue = SEED_TRANSCRIPT.iter().copied().collect();
                self.seed_typed_at = f64::MIN;
            }
            Action::ObserverShown => self.console.observer_requested = false,
            Action::ConsoleInterrupt => {
                self.seed_queue.clear();
                self.console.interrupt();
                self.absorb();
            }
        }
    }

    fn frame(&mut self, dt: f64) {
        let dt = dt.clamp(0.0, 250.0); // a background tab comes back without a time jump
        self.wall_ms += dt;
        if self.playing {
            let virtual_ms = (dt * self.settings.speed).round() as u64;
            let outcome = self.rt.advance_bounded(virtual_ms, FRAME_STEP_BUDGET);
            self.behind = !outcome.reached;
        }
        self.console.poll();
        if !self.console.busy() && self.wall_ms - self.seed_typed_at >= SEED_TYPING_MS {
            if let Some(line) = self.seed_queue.pop_front() {
                self.console.submit(line);
                self.seed_typed_at = self.wall_ms;
            }
        }
        self.absorb();
        self.leaving
            .retain(|(_, since)| self.wall_ms - since < WALK_MS);
        let wall = self.wall_ms;
        self.effects
            .retain(|_, (_, since)| wall - *since < EFFECT_MS);
        self.flashes.retain(|_, since| wall - *since < EFFECT_MS);
    }

    /// True while a process's restart (or give-up) is fresh enough to flash.
    pub fn flashing(&self, pid: Pid) -> bool {
        self.flashes.contains_key(&pid)
    }

    /// Reads new trace events and the sessions' state into effects and samples.
    fn absorb(&mut self) {
        let events = self.rt.trace_since(self.last_seq);
        if let Some(last) = events.last() {
            self.last_seq = last.seq;
        }
        for e in &events {
            match &e.event {
                Event::Exit { pid, reason } => {
                    if let Some(key) = self.by_pid.get(pid).cloned() {
                        if signal::is_clean(reason) {
                            if let Some(fig) = self.figure_of(&key) {
                                self.leaving.push((
                                    Figure {
                                        leaving: true,
                                        ..fig
                                    },
                                    self.wall_ms,
                                ));
                            }
                        } else {
                            self.effects.insert(key, (Effect::Crashed, self.wall_ms));
                        }
                    }
                }
                Event::GiveUp { supervisor, .. } => {
                    self.flashes.insert(*supervisor, self.wall_ms);
                }
                Event::Restart { old, new, .. } => {
                    self.flashes.insert(*new, self.wall_ms);
                    if let Some(key) = self.by_pid.get(old).cloned() {
                        let before = self.seen.get(&key).map_or(0, |s| s.items);
                        let now = self.rt.metric_of(*new).unwrap_or(0);
                        self.effects.insert(
                            key,
                            (
                                Effect::Restored {
                                    lost: (before - now).max(0),
                                },
                                self.wall_ms,
                            ),
                        );
                    }
                }
                _ => {}
            }
            self.trace.push_back(e.clone());
        }
        while self.trace.len() > TRACE_KEEP {
            self.trace.pop_front();
        }
        // The sessions now on the floor.
        let wall = self.wall_ms;
        let mut by_pid = BTreeMap::new();
        let mut seen = BTreeMap::new();
        for (key, pid) in self.session_pids() {
            let items = self.rt.metric_of(pid).unwrap_or(0);
            let first_seen = self.seen.get(&key).map_or(wall, |s| s.first_seen);
            by_pid.insert(pid, key.clone());
            seen.insert(
                key,
                Seen {
                    first_seen,
                    items,
                    pid,
                },
            );
        }
        // Events are matched against the sessions of the previous frame, so this frame's
        // map replaces it whole.
        self.by_pid = by_pid;
        self.seen = seen;
        self.snapshot = Rc::new(self.rt.snapshot());
        self.sample();
    }

    fn sample(&mut self) {
        let now = self.rt.now();
        if now < self.next_sample {
            return;
        }
        let f = shopping::figures(&self.rt);
        let messages = self.rt.stats().messages;
        let elapsed_s = if self.samples.is_empty() {
            1.0
        } else {
            ((now - self.samples.back().map_or(0, |s| s.at)) as f64 / 1000.0).max(0.001)
        };
        self.samples.push_back(Sample {
            at: now,
            sessions: self.seen.len() as f64,
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
        self.rt
            .registered()
            .into_iter()
            .filter(|(_, pid)| self.rt.label_of(*pid).as_deref() == Some(session::MODULE))
            .map(|(name, pid)| (name.to_string(), pid))
            .collect()
    }

    /// Where a customer browses: spread over the aisles, the same spot for the same key.
    fn place(key: &str) -> (f64, f64) {
        let h = hash(key);
        let x = 0.14 + (h % 1009) as f64 / 1009.0 * 0.62;
        let y = 0.08 + ((h >> 20) % 997) as f64 / 997.0 * 0.78;
        (x, y)
    }

    fn figure_of(&self, key: &str) -> Option<Figure> {
        let s = self.seen.get(key)?;
        let (sx, sy) = Self::place(key);
        // The fuller the cart, the closer to the checkout on the right.
        let pull = (s.items.min(8) as f64) / 8.0;
        let (tx, ty) = (sx + (0.84 - sx) * pull * 0.6, sy);
        let t = ((self.wall_ms - s.first_seen) / WALK_MS).clamp(0.0, 1.0);
        let (door_x, door_y) = (0.02, 0.92);
        Some(Figure {
            key: key.to_string(),
            pid: s.pid,
            items: s.items,
            x: door_x + (tx - door_x) * t,
            y: door_y + (ty - door_y) * t,
            effect: self.effects.get(key).cloned(),
            leaving: false,
        })
    }

    /// The figures to draw: live sessions (at most `limit`, by key), then those walking
    /// out. Past the limit the floor shows a count instead of more figures.
    pub fn figures(&self, limit: usize) -> Vec<Figure> {
        let mut out: Vec<Figure> = self
            .seen
            .keys()
            .take(limit)
            .filter_map(|k| self.figure_of(k))
            .collect();
        for (fig, since) in &self.leaving {
            let t = ((self.wall_ms - since) / WALK_MS).clamp(0.0, 1.0);
            // Out through the door they came in by.
            out.push(Figure {
                x: fig.x + (0.02 - fig.x) * t,
                y: fig.y + (0.92 - fig.y) * t,
                ..fig.clone()
            });
        }
        out
    }

    pub fn session_count(&self) -> usize {
        self.seen.len()
    }

    pub fn app_running(&self) -> bool {
        !self.rt.applications().is_empty()
    }

    /// Every live process as of the last frame, for the table and the tree (taken once per
    /// frame, not once per panel).
    pub fn processes(&self) -> Rc<Vec<ProcessInfo>> {
        self.snapshot.clone()
    }
}
