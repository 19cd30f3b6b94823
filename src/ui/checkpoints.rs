//! Checkpoints for time travel: replays parked along the timeline, so that a seek replays
//! from the nearest one before its instant instead of from the run's start.
//!
//! A process is a future, and a future cannot be copied (design.md §7). So a checkpoint is a
//! whole replay, run from the start to its instant and kept there, untouched. A seek takes
//! the latest one at or before its instant and replays on from it. The past the page leaves
//! (a seek elsewhere, *Back to live*) is parked in its turn. In the frames' spare time, a
//! builder replays from the start to fill the largest gap. Determinism makes any of them as
//! good as a replay from the start: the same seed and inputs give the same run.
//!
//! Gaps are counted in polls, the runtime's unit of work, not in virtual time: a busy
//! stretch of a run gets its checkpoints closer together. This file holds the policy (where
//! the next one goes, which one goes when there are too many); `sim.rs` runs the replays.

/// The most replays kept parked. Each is a whole run in memory: about 13 MB of wasm memory
/// (18 MB resident natively) at 600 arrivals a minute (`web_bench::time_travel_benchmark`).
pub const MAX_PARKED: usize = 10;

/// A replay shorter than this many polls from the start (or from a checkpoint) is quick
/// enough without one (about 0.5 s in Chromium, where 3.0 M polls replayed in 9.7 s): no
/// checkpoint is made closer than that.
pub const MIN_GAP_POLLS: u64 = 150_000;

/// The most marks a run keeps (see `WorkMarks`).
const MARKS_KEEP: usize = 2_048;

/// Where the run stood as its work grew: (ticks, polls) each time the polls grew by another
/// `step`. The step starts at 64 polls and doubles (every other mark let go) whenever the
/// marks would pass `MARKS_KEEP`, so a long run keeps a few KB of them.
#[derive(Clone, Debug)]
pub struct WorkMarks {
    marks: Vec<(u64, u64)>,
    step: u64,
}

impl Default for WorkMarks {
    fn default() -> Self {
        WorkMarks {
            marks: Vec::new(),
            step: 64,
        }
    }
}

impl WorkMarks {
    /// After a tick: notes the run's ticks and polls if the polls grew by another step.
    pub fn note(&mut self, ticks: u64, polls: u64) {
        let next = self.marks.last().map_or(self.step, |m| m.1 + self.step);
        if polls < next {
            return;
        }
        self.marks.push((ticks, polls));
        if self.marks.len() > MARKS_KEEP {
            let mut i = 0;
            self.marks.retain(|_| {
                i += 1;
                i % 2 == 0
            });
            self.step *= 2;
        }
    }

    /// About how many polls the run had done by `ticks` (the last mark at or before it).
    pub fn polls_at(&self, ticks: u64) -> u64 {
        let i = self.marks.partition_point(|m| m.0 <= ticks);
        if i == 0 {
            0
        } else {
            self.marks[i - 1].1
        }
    }

    /// The tick of the mark nearest `polls` of work, strictly between the ticks `after` and
    /// `before`.
    fn tick_near(&self, polls: u64, after: u64, before: u64) -> Option<u64> {
        self.marks
            .iter()
            .filter(|m| m.0 > after && m.0 < before)
            .min_by_key(|m| m.1.abs_diff(polls))
            .map(|m| m.0)
    }
}

/// The gaps between the start, the parked ticks (sorted) and the end, in polls.
fn gaps(marks: &WorkMarks, parked: &[u64], end_ticks: u64) -> Vec<(u64, u64, u64)> {
    let mut points = vec![0];
    points.extend(parked.iter().copied().filter(|t| *t < end_ticks));
    points.push(end_ticks);
    points
        .windows(2)
        .map(|w| {
            let work = marks.polls_at(w[1]).saturating_sub(marks.polls_at(w[0]));
            (w[0], w[1], work)
        })
        .collect()
}

/// The work (polls) the checkpoints aim to leave between each other in a run of `total`
/// polls: the run cut into `MAX_PARKED + 1` even stretches, never less than `min_gap`.
pub fn spacing(total: u64, min_gap: u64) -> u64 {
    (total / (MAX_PARKED as u64 + 1)).max(min_gap)
}

/// Where the builder should park its next replay (a tick), if anywhere: in the largest gap,
/// if it is a fifth wider than `spacing`, one spacing into it (or in its middle, if less than
/// two spacings wide). With `MAX_PARKED` already parked, the caller evicts one first
/// (`to_evict`).
pub fn next_target(marks: &WorkMarks, parked: &[u64], end_ticks: u64, min_gap: u64) -> Option<u64> {
    let space = spacing(marks.polls_at(end_ticks), min_gap);
    let (a, b, work) = gaps(marks, parked, end_ticks)
        .into_iter()
        .max_by_key(|g| g.2)?;
    if work < 2 * min_gap || work * 5 <= space * 6 {
        return None;
    }
    let into = if work >= 2 * space { space } else { work / 2 };
    marks.tick_near(marks.polls_at(a) + into, a, b)
}

/// Which parked replay to let go (an index into `parked`, sorted by tick) so a new one fits:
/// the one whose two gaps together are the smallest, if that is smaller than the largest gap
/// (otherwise the ones kept are as well spread as they can be: keep them).
pub fn to_evict(marks: &WorkMarks, parked: &[u64], end_ticks: u64) -> Option<usize> {
    if parked.len() < 2 {
        return None;
    }
    let g = gaps(marks, parked, end_ticks);
    let largest = g.iter().map(|x| x.2).max().unwrap_or(0);
    (0..parked.len().min(g.len() - 1))
        .map(|i| (i, g[i].2 + g[i + 1].2))
        .min_by_key(|x| x.1)
        .filter(|x| x.1 < largest)
        .map(|x| x.0)
}

/// Replays parked at ticks (sorted), and the one being built.
pub struct Parked<T> {
    items: Vec<(u64, Box<T>)>,
    /// A replay on its way to the tick it will be parked at.
    pub builder: Option<(u64, Box<T>)>,
}

impl<T> Default for Parked<T> {
    fn default() -> Self {
        Parked {
            items: Vec::new(),
            builder: None,
        }
    }
}

impl<T> Parked<T> {
    /// The ticks at which replays are parked, in order.
    pub fn ticks(&self) -> Vec<u64> {
        self.items.iter().map(|x| x.0).collect()
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Parks a replay standing at `ticks` (one already there is replaced).
    pub fn park(&mut self, ticks: u64, item: Box<T>) {
        match self.items.binary_search_by_key(&ticks, |x| x.0) {
            Ok(i) => self.items[i] = (ticks, item),
            Err(i) => self.items.insert(i, (ticks, item)),
        }
    }

    /// Takes the latest replay parked at or before `ticks`.
    pub fn take_latest(&mut self, ticks: u64) -> Option<Box<T>> {
        let i = self.items.partition_point(|x| x.0 <= ticks);
        (i > 0).then(|| self.items.remove(i - 1).1)
    }

    /// Lets the `i`th go.
    pub fn evict(&mut self, i: usize) {
        if i < self.items.len() {
            self.items.remove(i);
        }
    }

    /// Keeps the replays (and the builder) for which `keep` says so.
    pub fn retain(&mut self, mut keep: impl FnMut(&T) -> bool) {
        self.items.retain(|x| keep(&x.1));
        if self.builder.as_ref().is_some_and(|b| !keep(&b.1)) {
            self.builder = None;
        }
    }

    /// Everything, for another timeline to keep what it can use.
    pub fn take_all(&mut self) -> Parked<T> {
        std::mem::take(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A run doing `per_tick` polls a tick for `ticks` ticks.
    fn steady(ticks: u64, per_tick: u64) -> WorkMarks {
        let mut m = WorkMarks::default();
        for t in 1..=ticks {
            m.note(t, t * per_tick);
        }
        m
    }

    #[test]
    fn a_short_run_gets_no_checkpoint_and_a_long_one_gets_them_evenly_by_work() {
        let marks = steady(1_000, 100); // 100,000 polls in all
        assert_eq!(next_target(&marks, &[], 1_000, MIN_GAP_POLLS), None);
        let marks = steady(1_000, 10_000); // ten million: cut in eleven
        let mut parked = Vec::new();
        while let Some(t) = next_target(&marks, &parked, 1_000, MIN_GAP_POLLS) {
            parked.push(t);
            crate::sorting::sort(&mut parked);
            assert!(parked.len() <= MAX_PARKED, "{parked:?}");
        }
        assert_eq!(parked.len(), MAX_PARKED, "{parked:?}");
        let mut points = vec![0];
        points.extend(&parked);
        points.push(1_000);
        let widest = points.windows(2).map(|w| w[1] - w[0]).max().unwrap();
        assert!(widest <= 1_000 / 11 + 2, "evenly spread: {parked:?}");
        // a shorter run, its checkpoints no closer than the least gap
        let marks = steady(1_000, 1_000); // a million
        let first = next_target(&marks, &[], 1_000, MIN_GAP_POLLS).unwrap();
        assert!((140..=160).contains(&first), "{first}");
        let parked = [150, 300, 450, 600, 750, 900];
        assert_eq!(next_target(&marks, &parked, 1_000, MIN_GAP_POLLS), None);
    }

    #[test]
    fn a_busy_stretch_gets_its_checkpoint_where_the_work_is_not_where_the_time_is() {
        // 900 quiet ticks, then 100 busy ones doing 90% of the work
        let mut marks = WorkMarks::default();
        for t in 1..=1_000u64 {
            let polls = if t <= 900 {
                t * 100
            } else {
                90_000 + (t - 900) * 8_100
            };
            marks.note(t, polls);
        }
        let t = next_target(&marks, &[], 1_000, MIN_GAP_POLLS).unwrap();
        assert!(t > 900, "{t}");
    }

    #[test]
    fn the_checkpoint_let_go_is_the_one_whose_neighbours_are_closest() {
        let marks = steady(1_000, 1_000);
        // 100 and 200 crowd each other; the gap to the end is wide
        assert_eq!(to_evict(&marks, &[100, 200, 600], 1_000), Some(0));
        // evenly spread: nothing to gain
        assert_eq!(to_evict(&marks, &[250, 500, 750], 1_000), None);
    }

    #[test]
    fn as_a_run_grows_its_checkpoints_stay_spread_without_rebuilding_them_all_the_time() {
        // steady work, the run growing from 1,000 to 8,000 ticks; the builder as sim.rs runs
        // it: evict only when something is then built
        let marks = steady(8_000, 1_000);
        let mut parked: Vec<u64> = Vec::new();
        let mut builds = 0;
        for end in (1_000..=8_000).step_by(10) {
            let mut kept = parked.clone();
            if kept.len() >= MAX_PARKED {
                let Some(i) = to_evict(&marks, &kept, end) else {
                    continue;
                };
                kept.remove(i);
            }
            if let Some(t) = next_target(&marks, &kept, end, MIN_GAP_POLLS) {
                kept.push(t);
                crate::sorting::sort(&mut kept);
                parked = kept;
                builds += 1;
            }
        }
        assert!(parked.len() <= MAX_PARKED);
        // each build is a replay from the start: a few per spacing the run grew by
        assert!(builds <= 6 * MAX_PARKED, "{builds} builds");
        let mut points = vec![0];
        points.extend(&parked);
        points.push(8_000);
        let widest = points.windows(2).map(|w| w[1] - w[0]).max().unwrap();
        assert!(widest <= 8_000 * 3 / (2 * 11), "spread: {parked:?}");
    }

    #[test]
    fn parked_replays_are_taken_latest_first_at_or_before_the_instant() {
        let mut p: Parked<&str> = Parked::default();
        p.park(300, Box::new("c"));
        p.park(100, Box::new("a"));
        p.park(200, Box::new("b"));
        assert_eq!(p.ticks(), vec![100, 200, 300]);
        assert_eq!(p.take_latest(50), None);
        assert_eq!(p.take_latest(250).as_deref(), Some(&"b"));
        assert_eq!(p.take_latest(300).as_deref(), Some(&"c"));
        assert_eq!(p.ticks(), vec![100]);
        p.retain(|s| *s != "a");
        assert!(p.is_empty());
    }
}
