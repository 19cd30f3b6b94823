//! The crash storyboard: what the floor tells about one killed customer, in wall-clock time
//! so that it reads at any simulation speed (also at 100×). The runtime restarts a killed
//! Session at once; the story slows that instant down into three beats:
//!
//! 1. **killed** (0–0.6 s): the figure freezes and breaks apart, `killed · <0.96.0>`;
//! 2. **restarting** (0.6–1.2 s): a line from the supervisor's badge to the spot;
//! 3. **back** (1.2–5 s): the customer reappears,
//!    `restarted by Redfour.SessionSupervisor · <0.96.0> → <0.683.0>`, and the cart's fate.
//!
//! If the supervisor gave up instead of restarting, the story says so. Browser-free.

use std::rc::Rc;

use crate::runtime::Pid;
use crate::store::shopping::Persistence;

/// When each beat ends, in wall ms from the kill.
pub const KILLED_MS: f64 = 600.0;
pub const RESTARTING_MS: f64 = 1_200.0;
pub const STORY_MS: f64 = 5_000.0;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Beat {
    Killed,
    Restarting,
    Back,
    Over,
}

/// One killed customer's story.
#[derive(Clone, Debug, PartialEq)]
pub struct CrashStory {
    pub key: Rc<str>,
    pub old: Pid,
    /// The successor, once its supervisor has started it.
    pub new: Option<Pid>,
    /// The supervisor that restarted it (or gave up), by name.
    pub supervisor: Option<Rc<str>>,
    /// False for a session no supervisor watches (started with `start_link`): no restart
    /// is waited for.
    pub supervised: bool,
    pub reason: String,
    /// Cart items when it was killed, and when it came back.
    pub items_before: i64,
    pub items_after: Option<i64>,
    pub persistence: Persistence,
    /// True when the supervisor gave up instead of restarting it.
    pub gave_up: bool,
    /// Why snapshots were not being saved when it came back (storage full, …), if they were not.
    pub storage_failing: Option<String>,
    /// Wall ms of the kill.
    pub started: f64,
    /// Where it died, in world units (the figure freezes there).
    pub at: (f64, f64),
}

impl CrashStory {
    pub fn beat(&self, wall_ms: f64) -> Beat {
        let t = wall_ms - self.started;
        if t < KILLED_MS {
            Beat::Killed
        } else if t < RESTARTING_MS
            || (self.new.is_none() && !self.gave_up && self.supervised && t < STORY_MS)
        {
            Beat::Restarting
        } else if t < STORY_MS {
            Beat::Back
        } else {
            Beat::Over
        }
    }

    /// 0..1 through the current beat (for animation).
    pub fn progress(&self, wall_ms: f64) -> f64 {
        let t = wall_ms - self.started;
        match self.beat(wall_ms) {
            Beat::Killed => t / KILLED_MS,
            Beat::Restarting => (t - KILLED_MS) / (RESTARTING_MS - KILLED_MS),
            Beat::Back => (t - RESTARTING_MS) / (STORY_MS - RESTARTING_MS),
            Beat::Over => 1.0,
        }
        .clamp(0.0, 1.0)
    }

    /// The pid the figure shows: the old one until it is back.
    pub fn shown_pid(&self, wall_ms: f64) -> Pid {
        match (self.beat(wall_ms), self.new) {
            (Beat::Back | Beat::Over, Some(new)) => new,
            _ => self.old,
        }
    }

    fn supervisor_name(&self) -> &str {
        self.supervisor.as_deref().unwrap_or("its supervisor")
    }

    /// The caption's first line.
    pub fn headline(&self, wall_ms: f64) -> String {
        let reason = if self.reason == ":killed" || self.reason == ":kill" {
            "killed".to_string()
        } else {
            format!("exited ({})", self.reason)
        };
        match (self.beat(wall_ms), self.new) {
            (Beat::Killed | Beat::Restarting, _) => format!("{reason} · {}", self.old.short()),
            (_, Some(new)) => format!(
                "restarted by {} · {} → {}",
                self.supervisor_name(),
                self.old.short(),
                new.short()
            ),
            (_, None) if self.gave_up || self.supervised => format!(
                "{reason} · {} · not restarted: {} gave up",
                self.old.short(),
                self.supervisor_name()
            ),
            // the post's Task Three: a Session the console started with start_link
            (_, None) => format!(
                "{reason} · {} · not restarted: no supervisor watches it (started with start_link)",
                self.old.short()
            ),
        }
    }

    /// What happened to the cart, once it is back.
    pub fn fate(&self) -> Option<String> {
        let after = self.items_after?;
        let before = self.items_before;
        let items = |n: i64| format!("{n} item{}", if n == 1 { "" } else { "s" });
        let because = match &self.storage_failing {
            Some(why) => format!("saves were failing: {why}"),
            None => "the last save failed".to_string(),
        };
        Some(match self.persistence {
            _ if before == 0 && after == 0 => "cart was empty: nothing lost".to_string(),
            Persistence::Snapshot if after >= before => {
                format!("cart restored from snapshot: {}", items(after))
            }
            Persistence::Snapshot if after > 0 => format!(
                "cart restored from snapshot: {after} of {} ({} lost: {because})",
                items(before),
                before - after
            ),
            Persistence::Snapshot => format!(
                "cart could not be restored: {} lost ({})",
                items(before),
                match &self.storage_failing {
                    Some(_) => because,
                    None => "no snapshot was saved".to_string(),
                }
            ),
            Persistence::None => format!("cart lost: {}", items(before - after)),
        })
    }

    /// The whole caption as one line (the DOM's text, for screen readers and tests).
    pub fn caption(&self, wall_ms: f64) -> String {
        let head = self.headline(wall_ms);
        match (self.beat(wall_ms), self.fate()) {
            (Beat::Back | Beat::Over, Some(fate)) if self.new.is_some() => {
                format!("{head} · {fate}")
            }
            _ => head,
        }
    }
}
