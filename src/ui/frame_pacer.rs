//! Frame pacing: how much wall time each animation frame may spend running processes.
//!
//! The page must keep drawing whatever the processes do (a spinning loop typed in the
//! console, a crowd of ten thousand) and on whatever machine. The pacer watches the interval
//! between frames: while frames come on time it lets processes run a little longer each
//! frame, and when one comes late (by a tenth of a frame) it cuts their share. Processes get the frame's spare
//! time; the page keeps the display's rate when it can.
//!
//! Where a frame stops the processes never changes what they do (see
//! `Runtime::resume_advance`): pacing decides *when* a tick's work happens, never *what*
//! it is, so a run replays the same on a fast machine and a slow one.

use std::rc::Rc;

/// A host's wall clock, in milliseconds (the browser's `performance.now()`).
pub type FrameClock = Rc<dyn Fn() -> f64>;

/// The least a frame gives processes, in ms (they always make some progress).
pub const MIN_RUN_MS: f64 = 1.0;
/// The most, in ms: half a 60 Hz frame; the rest draws the page.
pub const MAX_RUN_MS: f64 = 8.0;
/// What a frame on time gives back (slowly: each probe for more time costs a late frame).
const STEP_UP_MS: f64 = 0.1;
/// What a page starts with.
const START_RUN_MS: f64 = 4.0;

pub struct FramePacer {
    clock: FrameClock,
    /// Wall ms processes may run in the next frame.
    run_ms: f64,
    /// The display's frame interval as seen so far (the shortest recent one).
    period_ms: f64,
}

impl FramePacer {
    pub fn new(clock: FrameClock) -> FramePacer {
        FramePacer {
            clock,
            run_ms: START_RUN_MS,
            period_ms: 1000.0 / 60.0,
        }
    }

    /// A frame began `dt` ms after the last: a late one cuts the processes' share by a
    /// quarter, one on time adds a tenth of a millisecond.
    pub fn observe(&mut self, dt: f64) {
        if !(dt.is_finite() && dt > 0.0) {
            return;
        }
        // The shortest interval is the display's; it drifts up slowly in case the display
        // changed (a window moved to a slower screen).
        self.period_ms = if dt < self.period_ms {
            dt.max(4.0)
        } else {
            self.period_ms + (dt - self.period_ms) * 0.002
        };
        // Late by a tenth of a frame: processes had more than the frame could spare.
        let late = dt > self.period_ms * 1.1 + 0.5;
        self.run_ms = if late {
            (self.run_ms * 0.75).max(MIN_RUN_MS)
        } else {
            (self.run_ms + STEP_UP_MS).min(MAX_RUN_MS)
        };
    }

    /// The wall-clock instant at which this frame's processes stop.
    pub fn deadline(&self) -> f64 {
        (self.clock)() + self.run_ms
    }

    /// Wall ms processes may run this frame.
    pub fn run_ms(&self) -> f64 {
        self.run_ms
    }

    /// The display's frame interval, as seen.
    pub fn period_ms(&self) -> f64 {
        self.period_ms
    }

    /// The same clock, with what has been learned about the display.
    pub fn clock(&self) -> FrameClock {
        self.clock.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pacer() -> FramePacer {
        FramePacer::new(Rc::new(|| 0.0))
    }

    #[test]
    fn late_frames_cut_the_processes_share_and_frames_on_time_give_it_back() {
        let mut p = pacer();
        for _ in 0..100 {
            p.observe(16.7);
        }
        assert_eq!(p.run_ms(), MAX_RUN_MS);
        for _ in 0..5 {
            p.observe(30.0);
        }
        assert!(p.run_ms() < 2.5, "{}", p.run_ms());
        for _ in 0..100 {
            p.observe(40.0);
        }
        assert_eq!(p.run_ms(), MIN_RUN_MS);
        for _ in 0..20 {
            p.observe(16.6);
        }
        assert!(p.run_ms() > 2.5, "{}", p.run_ms());
    }

    #[test]
    fn a_fast_display_is_learned_and_nonsense_intervals_are_ignored() {
        let mut p = pacer();
        for _ in 0..20 {
            p.observe(8.3);
        }
        assert!((p.period_ms() - 8.3).abs() < 0.01);
        let before = p.run_ms();
        p.observe(f64::NAN);
        p.observe(-3.0);
        p.observe(0.0);
        assert_eq!(p.run_ms(), before);
        p.observe(16.7); // a frame missed at 120 Hz is late
        assert!(p.run_ms() < before);
    }
}
