//! Moments on the timeline: what happened (a crash, a restart, a supervisor giving up, the
//! application stopping, a console line, a sale) and when, in virtual ms.

/// What a timeline marker stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MarkerKind {
    Crash,
    Restart,
    /// A supervisor gave up (too many restarts) and stopped its children.
    GiveUp,
    /// The whole application stopped.
    AppStop,
    /// A line typed into the console (an input: it is part of the recording).
    Console,
    Sale,
}

impl MarkerKind {
    /// Its name in the page (a CSS class and `data-kind`): `crash`, `give-up`, …
    pub fn name(self) -> &'static str {
        match self {
            MarkerKind::Crash => "crash",
            MarkerKind::Restart => "restart",
            MarkerKind::GiveUp => "give-up",
            MarkerKind::AppStop => "app-stop",
            MarkerKind::Console => "console",
            MarkerKind::Sale => "sale",
        }
    }

    /// Which marker a crowded stretch of the timeline shows: the most drastic event wins.
    pub fn rank(self) -> u8 {
        match self {
            MarkerKind::GiveUp => 6,
            MarkerKind::AppStop => 5,
            MarkerKind::Crash => 4,
            MarkerKind::Restart => 3,
            MarkerKind::Console => 2,
            MarkerKind::Sale => 1,
        }
    }
}

/// A moment on the timeline.
#[derive(Clone, Debug, PartialEq)]
pub struct Marker {
    /// Virtual ms.
    pub at: u64,
    pub kind: MarkerKind,
    pub text: String,
}

/// Timeline markers kept, at most (the oldest go first).
pub const MARKERS_KEEP: usize = 50_000;
