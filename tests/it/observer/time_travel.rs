//! Time travel without a browser: a run is its seed, settings and inputs; replaying them
//! gives the same trace hash, whatever the frames were; seeking shows the past; forks and
//! shared runs behave; damaged links are refused with a reason.
#![cfg(not(target_arch = "wasm32"))]

use crate::support;
use std::rc::Rc;

use proptest::prelude::*;
use redfour::runtime::Pid;
use redfour::ui::recording::{Input, SharedRun, TICK_MS};
use redfour::ui::sim::{Action, MarkerKind, Settings, Sim, Stop};

fn sim(arrivals: f64, seed: u64) -> Sim {
    support::sim(Settings {
        seed,
        arrivals_per_minute: arrivals,
        speed: 5.0,
        ..Settings::default()
    })
}

/// Frames of uneven length, as a browser gives them.
fn frames(s: &mut Sim, n: usize, salt: u64) {
    for i in 0..n {
        let dt = 8.0 + ((i as u64 * 7919 + salt * 104729) % 40) as f64;
        s.apply(Action::Frame(dt));
    }
}

fn live_session(s: &Sim) -> Option<(String, Pid)> {
    s.session_pids().into_iter().next()
}

#[test]
fn a_replay_ends_with_the_live_runs_trace_hash_whatever_the_frames() {
    let mut live = sim(40.0, 7);
    frames(&mut live, 200, 1);
    let (_, pid) = live_session(&live).expect("a shopper by now");
    live.apply(Action::Kill(pid));
    live.apply(Action::ConsoleSubmit("Enum.sum(1..10)".into()));
    frames(&mut live, 50, 2);
    live.apply(Action::SetChaos(20.0));
    frames(&mut live, 300, 3);
    live.apply(Action::ConsoleSubmit(
        "spawn(fn -> receive do x -> x end end)".into(),
    ));
    frames(&mut live, 100, 4);
    let shared = live.shared();
    assert!(shared.recording.inputs.len() >= 4);
    let replayed = Sim::replay(&shared.recording, Stop::Tick(shared.ticks));
    assert_eq!(replayed.rt.now(), live.rt.now());
    assert_eq!(
        format!("{:016x}", replayed.rt.trace_hash()),
        format!("{:016x}", live.rt.trace_hash()),
        "same seed and inputs, other frames: the same run"
    );
    assert_eq!(replayed.console.transcript(), live.console.transcript());
}

#[test]
fn scrubbing_back_shows_the_old_pid_alive_with_its_cart_and_the_end_shows_the_new_one() {
    let mut s = sim(30.0, 3);
    frames(&mut s, 300, 5);
    let (key, old) = live_session(&s).expect("a shopper");
    let t_before = s.rt.now();
    let cart_before = s.customer(&key).map(|c| c.items).unwrap_or(0);
    frames(&mut s, 5, 6);
    s.apply(Action::Kill(old));
    let t1 = s.rt.now();
    frames(&mut s, 100, 7);
    let new = s.customer(&key).map(|c| c.pid);
    assert!(new.is_some_and(|p| p != old), "restarted with a new pid");
    let hash_live = s.rt.trace_hash();

    s.apply(Action::Seek(t_before));
    assert!(s.present.is_some(), "in the past");
    assert!(s.rt.now() >= t_before && s.rt.now() < t1);
    assert!(s.rt.alive(old), "the old pid is alive again");
    let c = s.customer(&key).expect("the customer is on the floor");
    assert_eq!(c.pid, old);
    assert_eq!(c.items, cart_before, "with its cart");
    assert!(s.markers.iter().all(|m| m.at <= s.rt.now()));
    assert!(
        s.run_markers()
            .iter()
            .any(|m| m.kind == MarkerKind::Crash && m.at >= t1),
        "the timeline still shows the crash to come"
    );

    // forward within the past, then to the end: the present as it was
    s.apply(Action::Seek(t1 + 50));
    assert!(!s.rt.alive(old));
    s.apply(Action::Seek(u64::MAX));
    assert!(s.present.is_none(), "back to the present");
    assert_eq!(s.customer(&key).map(|c| c.pid), new);
    assert_eq!(s.rt.trace_hash(), hash_live);
}

#[test]
fn play_in_the_past_forks_and_the_other_timeline_comes_back_until_the_next_input() {
    let mut s = sim(30.0, 4);
    frames(&mut s, 200, 8);
    let (_, pid) = live_session(&s).expect("a shopper");
    let before = s.rt.now();
    frames(&mut s, 3, 9);
    s.apply(Action::Kill(pid));
    frames(&mut s, 50, 10);
    let end = s.rt.now();
    s.apply(Action::Seek(before));
    s.apply(Action::TogglePlay);
    assert!(s.playing && s.present.is_none() && s.other().is_some());
    frames(&mut s, 100, 11);
    assert!(s.rt.alive(pid), "the fork never had the kill");
    assert!(s
        .run
        .inputs
        .iter()
        .all(|(_, i)| *i != Input::Kill(pid.number())));
    s.apply(Action::OtherTimeline);
    assert_eq!(s.rt.now(), end);
    assert!(!s.rt.alive(pid));
    // an input in the past forks too; the next input lets the other timeline go
    s.apply(Action::Seek(before));
    s.apply(Action::ConsoleSubmit("1 + 1".into()));
    assert!(s.other().is_some() && s.present.is_none());
    s.apply(Action::ConsoleSubmit("2 + 2".into()));
    assert!(s.other().is_none());
}

/// The other timeline belongs to the present: looking back hides it (and the button does
/// nothing), going live shows it again; forking twice and going back twice returns to the
/// first timeline, as each fork keeps the timeline it left.
#[test]
fn the_other_timeline_is_the_presents_and_forks_stack() {
    let mut s = sim(30.0, 4);
    frames(&mut s, 200, 8);
    let first_end = {
        let before = s.rt.now() / 2;
        frames(&mut s, 20, 9);
        let end = s.rt.now();
        s.apply(Action::Seek(before));
        s.apply(Action::ConsoleSubmit("1 + 1".into())); // fork 1
        end
    };
    frames(&mut s, 40, 10);
    let second_end = s.rt.now();
    assert!(s.other().is_some());
    // looking back: no other timeline on offer, and asking for it changes nothing
    s.apply(Action::Seek(second_end / 2));
    assert!(s.present.is_some() && s.other().is_none());
    let shown = s.rt.now();
    s.apply(Action::OtherTimeline);
    assert!(s.present.is_some() && s.rt.now() == shown);
    s.apply(Action::Live);
    assert!(
        s.other().is_some(),
        "live again, the other timeline is back"
    );
    // fork 2, then back twice: the second fork's timeline, then the first run
    s.apply(Action::Seek(second_end - 100));
    s.apply(Action::ConsoleSubmit("2 + 2".into()));
    s.apply(Action::OtherTimeline);
    assert_eq!(s.rt.now(), second_end);
    s.apply(Action::OtherTimeline);
    assert_eq!(s.rt.now(), first_end);
    assert!(s.other().is_none());
}

#[test]
fn comma_and_period_step_from_event_to_event() {
    let mut s = sim(60.0, 5);
    frames(&mut s, 100, 12);
    s.apply(Action::ConsoleSubmit("1 + 1".into()));
    frames(&mut s, 100, 13);
    s.apply(Action::ConsoleSubmit("2 + 2".into()));
    frames(&mut s, 100, 14);
    let now = s.rt.now();
    let markers: Vec<u64> = s
        .markers
        .iter()
        .map(|m| m.at)
        .filter(|at| *at < now)
        .collect();
    assert!(markers.len() >= 2, "sales at least: {markers:?}");
    let (last, before) = (markers[markers.len() - 1], markers[markers.len() - 2]);
    s.apply(Action::SeekEvent(false));
    assert!(s.present.is_some());
    assert!(
        s.rt.now() >= last && s.rt.now() < last + TICK_MS,
        "at the last event {last}: {} (before {before}, live {now})",
        s.rt.now()
    );
    s.apply(Action::SeekEvent(false));
    assert!(
        s.rt.now() >= before && s.rt.now() < last,
        "one event further back"
    );
    s.apply(Action::SeekEvent(true));
    assert!(
        s.rt.now() >= last && s.rt.now() < last + TICK_MS,
        "and forward again"
    );
}

#[test]
fn a_link_round_trips_and_replays_to_the_same_hash() {
    let mut live = sim(20.0, 11);
    frames(&mut live, 150, 13);
    live.apply(Action::ConsoleSubmit(
        "IO.puts(\"a.b~c%d #{1 + 1} ünïcode\")".into(),
    ));
    live.apply(Action::SetArrivals(12.5));
    frames(&mut live, 50, 14);
    let shared = live.shared();
    let link = shared.to_link();
    assert!(
        link.is_ascii() && !link.contains(['#', ' ', '&', '?']),
        "{link}"
    );
    let back = SharedRun::from_link(&format!("#{link}")).expect("reads back");
    assert_eq!(back, shared);
    let mut opened = sim(0.0, 0);
    opened.apply(Action::Open(Box::new(back)));
    assert_eq!(opened.rt.trace_hash(), live.rt.trace_hash());
    assert!(opened
        .replay_note
        .as_deref()
        .is_some_and(|n| n.starts_with("replayed · trace hash matches")));
    // the file form too
    assert_eq!(SharedRun::from_json(&shared.to_json()).unwrap(), shared);
}

#[test]
fn a_tampered_link_replays_with_a_hash_that_differs() {
    let mut live = sim(20.0, 12);
    frames(&mut live, 100, 15);
    let mut shared = live.shared();
    shared
        .recording
        .inputs
        .push((shared.ticks, Input::Admit(3)));
    let mut opened = sim(0.0, 0);
    opened.apply(Action::Open(Box::new(shared)));
    assert!(opened
        .replay_note
        .as_deref()
        .is_some_and(|n| n.contains("differs")));
}

#[test]
fn damaged_newer_or_oversized_links_and_files_are_refused_with_a_reason() {
    let mut live = sim(20.0, 2);
    frames(&mut live, 60, 16);
    live.apply(Action::ConsoleSubmit("1 + 1".into()));
    let link = live.shared().to_link();
    let cases = [
        (link[..link.len() / 2].to_string(), ""),
        (link.replacen("run=1.", "run=9.", 1), "newer Redfour"),
        ("run=1.seed%3Dx.0.0.".to_string(), "seed"),
        ("run=1.seed%3D1.zzzzzzzzzzzzzzzz.0.".to_string(), "instant"),
        ("run=1.seed%3D1.10.ab.0-q".to_string(), "unknown"),
        ("run=1.seed%3D1.10.ab.99-k1".to_string(), "after the run"),
        ("nothing".to_string(), "does not hold a run"),
        (format!("run=1.{}", "a".repeat(300_000)), "KB"),
        ("run=1.seed%3D1.10.ab.0-c%E2%8".to_string(), ""),
    ];
    for (bad, why) in cases {
        match SharedRun::from_link(&bad) {
            Ok(run) if why.is_empty() => {
                // a cut that happens to parse is caught by its hash on replay
                let mut opened = sim(0.0, 0);
                opened.apply(Action::Open(Box::new(run)));
                assert!(opened.replay_note.is_some());
            }
            Ok(_) => panic!("{bad:.60} was taken"),
            Err(e) => assert!(e.contains(why), "{bad:.60}: {e}"),
        }
    }
    for (bad, why) in [
        ("not json", "not JSON"),
        ("{}", "not a Redfour run"),
        ("{\"redfour_run\": 2}", "newer"),
        (
            "{\"redfour_run\": 1, \"tick_ms\": 10, \"settings\": \"seed=1\", \"ticks\": 5, \"trace_hash\": \"ab\", \"inputs\": [{\"tick\": 9, \"kind\": \"kill\", \"arg\": 3}]}",
            "after the run",
        ),
    ] {
        let e = SharedRun::from_json(bad).expect_err(bad);
        assert!(e.contains(why), "{bad}: {e}");
    }
}

#[test]
fn a_ten_minute_run_with_fifty_inputs_fits_a_link_under_2_kb() {
    let mut live = sim(12.0, 1);
    for i in 0..50 {
        frames(&mut live, 70, i);
        match i % 3 {
            0 => live.apply(Action::ConsoleSubmit(format!("Enum.sum(1..{i})"))),
            1 => {
                if let Some((_, pid)) = live_session(&live) {
                    live.apply(Action::Kill(pid))
                } else {
                    live.apply(Action::SetArrivals(12.0))
                }
            }
            _ => live.apply(Action::SetArrivals(10.0 + i as f64)),
        }
    }
    // speed 5: 50 × 70 frames of ~28 ms ≈ 8 minutes of virtual time; run on to 10
    while live.rt.now() < 600_000 {
        live.apply(Action::Frame(250.0));
    }
    let shared = live.shared();
    assert_eq!(shared.recording.inputs.len(), 50);
    let link = shared.to_link();
    println!(
        "link: {} bytes for {} inputs over {} s",
        link.len(),
        shared.recording.inputs.len(),
        live.rt.now() / 1000
    );
    assert!(link.len() < 2048, "{} bytes", link.len());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, .. ProptestConfig::default() })]

    /// Random input logs, applied live between random frames: the replay's hash is the
    /// live run's.
    #[test]
    fn replays_of_random_input_logs_match_the_live_hash(
        seed in 0u64..1000,
        steps in proptest::collection::vec((1usize..40, 0u8..7, 0u32..100), 1..12),
    ) {
        let mut live = sim(30.0, seed);
        for (i, (n, kind, arg)) in steps.iter().enumerate() {
            frames(&mut live, *n, i as u64 + seed);
            match kind {
                0 => if let Some((_, pid)) = live_session(&live) { live.apply(Action::Kill(pid)) },
                1 => live.apply(Action::ConsoleSubmit(format!("{arg} * 2"))),
                2 => live.apply(Action::SetChaos(f64::from(arg % 30))),
                3 => live.apply(Action::AdmitShoppers((arg % 5) as usize)),
                4 => live.apply(Action::ConsoleSubmit("spawn(fn -> Process.sleep(500) end)".into())),
                5 => live.apply(Action::Step),
                _ => live.apply(Action::SetPersistence(if arg % 2 == 0 {
                    redfour::store::shopping::Persistence::Snapshot
                } else {
                    redfour::store::shopping::Persistence::None
                })),
            }
        }
        let shared = live.shared();
        let replayed = Sim::replay(&shared.recording, Stop::Tick(shared.ticks));
        prop_assert_eq!(replayed.rt.trace_hash(), live.rt.trace_hash());
        let back = SharedRun::from_link(&shared.to_link()).unwrap();
        prop_assert_eq!(back, shared);
    }
}

/// A wall clock for the model: each reading is a little later than the last, as though
/// every question cost some time (so frames run out of time at uneven points).
fn stepping_clock(step_ms: f64) -> (Rc<std::cell::Cell<f64>>, redfour::ui::sim::FrameClock) {
    let now = Rc::new(std::cell::Cell::new(0.0));
    let t = now.clone();
    let clock: redfour::ui::sim::FrameClock = Rc::new(move || {
        t.set(t.get() + step_ms);
        t.get()
    });
    (now, clock)
}

/// Frames until the replay under way (if any) has landed: the number of frames it took.
fn finish_replay(s: &mut Sim) -> usize {
    let mut n = 0;
    while s.replay_under_way().is_some() {
        s.apply(Action::Frame(16.0));
        n += 1;
        assert!(n < 20_000, "the replay ends");
    }
    n
}

#[test]
fn a_frame_out_of_wall_time_stops_mid_tick_and_the_run_is_the_same_as_without_pauses() {
    let mut live = sim(40.0, 11);
    let (_, clock) = stepping_clock(2.0);
    live.set_frame_clock(clock);
    live.apply(Action::ConsoleSubmit(
        "defmodule Spin do\n  def loop(n), do: loop(n + 1)\nend".into(),
    ));
    frames(&mut live, 20, 5);
    live.apply(Action::ConsoleSubmit(
        "spawn(fn -> Spin.loop(0) end)".into(),
    ));
    let mut cut_short = 0;
    let mut most_work = 0;
    let ticks_before = live.ticks;
    for i in 0..300 {
        let before = live.rt.work();
        live.apply(Action::Frame(16.0 + (i % 5) as f64));
        most_work = most_work.max(live.rt.work() - before);
        if live.mid_tick() {
            cut_short += 1;
        }
        if i == 150 {
            if let Some((_, pid)) = live_session(&live) {
                live.apply(Action::Kill(pid));
            }
        }
    }
    assert!(
        cut_short > 100,
        "with a spinner the frames run out of time mid-tick ({cut_short} of 300 did)"
    );
    assert!(
        most_work < redfour::runtime::WORK_PER_RUN,
        "a frame out of time stops before its work slice is spent ({most_work})"
    );
    assert!(live.mid_tick(), "the last frame too ended mid-tick");
    assert!(
        live.ticks - ticks_before > 60,
        "cut short or not, the run moves on ({} ticks in 300 frames)",
        live.ticks - ticks_before
    );
    let shared = live.shared();
    assert!(shared.recording.inputs.len() >= 3);
    let replayed = Sim::replay(&shared.recording, Stop::Tick(shared.ticks));
    assert_eq!(
        format!("{:016x}", replayed.rt.trace_hash()),
        format!("{:016x}", shared.hash),
        "shared mid-tick, the link holds the run at the tick's start, and a replay (never paused) reaches it"
    );
    // The live run carried on from where each frame stopped: finishing the tick and
    // replaying one tick further gives the same run.
    live.apply(Action::ConsoleSubmit("1 + 1".into()));
    assert!(
        !live.mid_tick(),
        "an input waits for the tick under way to end"
    );
    let shared = live.shared();
    let replayed = Sim::replay(&shared.recording, Stop::Tick(shared.ticks));
    assert_eq!(replayed.rt.trace_hash(), live.rt.trace_hash());
}

/// A busy run (two minutes of virtual time at 120 arrivals a minute, a crash and a
/// console line), and a wall clock that makes a frame's replay slice end after about
/// 60 questions.
fn busy_run() -> Sim {
    let mut s = sim(120.0, 5);
    frames(&mut s, 400, 12);
    if let Some((_, pid)) = live_session(&s) {
        s.apply(Action::Kill(pid));
    }
    s.apply(Action::ConsoleSubmit("Enum.sum(1..100)".into()));
    frames(&mut s, 400, 13);
    s
}

#[test]
fn a_long_seek_replays_across_frames_showing_its_progress_and_ends_where_a_replay_at_once_does() {
    let mut s = busy_run();
    let live_hash = s.rt.trace_hash();
    let target = s.rt.now() / 2;
    let at_once = Sim::replay(&s.run, Stop::Time(target));
    let (_, clock) = stepping_clock(0.5);
    s.set_frame_clock(clock);

    s.apply(Action::Seek(target));
    let first = s
        .replay_under_way()
        .expect("too long to replay in one frame");
    assert_eq!(first.to_ms, target);
    assert!(!first.opening);
    assert!(first.progress < 1.0);
    assert!(s.present.is_some(), "the present is kept aside meanwhile");
    let mut frames_taken = 1;
    let mut last = first.progress;
    let mut shown_midway = false;
    while let Some(r) = s.replay_under_way() {
        assert!(r.progress >= last, "progress only grows");
        last = r.progress;
        shown_midway |= s.rt.now() > 0 && s.rt.now() < target && !s.processes().is_empty();
        s.apply(Action::Frame(16.0));
        frames_taken += 1;
        assert!(frames_taken < 20_000, "the replay ends");
    }
    assert!(frames_taken > 3, "it took {frames_taken} frames");
    assert!(shown_midway, "the page showed the run on its way");
    assert_same_page(
        &s,
        &at_once,
        "cut into frames anywhere, the replay is the same run",
    );
    s.apply(Action::Seek(u64::MAX));
    assert!(s.present.is_none());
    assert_eq!(s.rt.trace_hash(), live_hash);
}

#[test]
fn a_shared_run_opens_across_frames_and_only_then_says_its_hash_matches() {
    let live = busy_run();
    let shared = live.shared();
    let mut page = sim(12.0, 1);
    let (_, clock) = stepping_clock(0.5);
    page.set_frame_clock(clock);
    page.apply(Action::Open(Box::new(shared.clone())));
    assert!(page.replay_under_way().is_some_and(|r| r.opening));
    assert!(page.replay_note.is_none(), "no verdict before the end");
    page.apply(Action::Seek(0));
    assert!(
        page.replay_under_way().is_some_and(|r| r.opening),
        "the timeline waits for the shared run's instant"
    );
    finish_replay(&mut page);
    assert_eq!(page.ticks, shared.ticks);
    let note = page.replay_note.clone().unwrap_or_default();
    assert!(note.starts_with("replayed · trace hash matches"), "{note}");
    assert!(!page.playing, "it stops at the shared instant");
}

#[test]
fn play_during_a_long_replay_stops_it_where_it_stands_and_forks_from_there() {
    let mut s = busy_run();
    let target = s.rt.now() / 2;
    let (_, clock) = stepping_clock(0.5);
    s.set_frame_clock(clock);
    s.apply(Action::Seek(target));
    s.apply(Action::Frame(16.0));
    let midway = s.rt.now();
    assert!(s.replay_under_way().is_some() && midway < target);
    s.apply(Action::TogglePlay);
    assert!(s.replay_under_way().is_none());
    assert!(s.playing);
    assert!(
        s.present.is_none() && s.other().is_some(),
        "a fork, the other timeline kept"
    );
    assert!(
        s.rt.now() <= midway + TICK_MS,
        "it goes on from where the replay stood"
    );
}

/// The page at two instants reached two ways: the same run, to the user.
fn assert_same_page(a: &Sim, b: &Sim, what: &str) {
    assert_eq!(a.rt.now(), b.rt.now(), "{what}: instant");
    assert_eq!(
        format!("{:016x}", a.rt.trace_hash()),
        format!("{:016x}", b.rt.trace_hash()),
        "{what}: trace hash"
    );
    assert_eq!(a.console.transcript(), b.console.transcript(), "{what}");
    assert_eq!(a.session_pids(), b.session_pids(), "{what}: sessions");
    let table = |s: &Sim| {
        s.processes()
            .iter()
            .map(|p| (p.pid, p.name.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(table(a), table(b), "{what}: process table");
    let carts = |s: &Sim| {
        s.customers()
            .map(|c| (c.key.to_string(), c.pid, c.items))
            .collect::<Vec<_>>()
    };
    assert_eq!(carts(a), carts(b), "{what}: the floor's carts");
}

#[test]
fn a_seek_starts_from_the_latest_checkpoint_before_it_and_lands_where_a_replay_from_the_start_does()
{
    let mut s = busy_run();
    s.set_checkpoint_gap(500);
    s.build_checkpoints_now();
    let parked = s.checkpoint_instants();
    assert!(
        (4..=redfour::ui::checkpoints::MAX_PARKED).contains(&parked.len()),
        "checkpoints along a two-minute run: {parked:?}"
    );
    assert!(parked.windows(2).all(|w| w[0] < w[1]));
    let target = parked[2] + (parked[3] - parked[2]) / 2;
    let at_once = Sim::replay(&s.run, Stop::Time(target));
    let (_, clock) = stepping_clock(0.5);
    s.set_frame_clock(clock);

    s.apply(Action::Seek(target));
    let r = s.replay_under_way();
    if let Some(r) = r {
        assert_eq!(
            r.from_ms, parked[2],
            "it set out from the checkpoint before"
        );
    }
    finish_replay(&mut s);
    assert_same_page(&s, &at_once, "from a checkpoint");
    assert!(
        !s.checkpoint_instants().contains(&parked[2]),
        "the checkpoint was taken, not copied"
    );

    // Back to live parks the past the page leaves; a seek just after it starts there.
    s.apply(Action::Live);
    assert!(s.present.is_none());
    assert!(
        s.checkpoint_instants().contains(&target),
        "the past left is parked: {:?}",
        s.checkpoint_instants()
    );
    let later = target + 500;
    s.apply(Action::Seek(later));
    if let Some(r) = s.replay_under_way() {
        assert_eq!(r.from_ms, target);
    }
    assert!(
        !s.checkpoint_instants().contains(&target),
        "the seek took the parked past"
    );
    finish_replay(&mut s);
    let fresh = Sim::replay(&s.present.as_ref().unwrap().run, Stop::Time(later));
    assert_same_page(&s, &fresh, "from the parked past");
}

#[test]
fn after_a_fork_and_a_new_input_the_checkpoints_of_the_old_future_are_not_used() {
    let mut s = busy_run();
    s.set_checkpoint_gap(500);
    s.build_checkpoints_now();
    let parked = s.checkpoint_instants();
    assert!(parked.len() >= 4, "{parked:?}");
    // fork a third of the way in, with an input the old timeline never had
    let fork_at = parked[1] + 1_000;
    s.apply(Action::Seek(fork_at));
    s.apply(Action::ConsoleSubmit("Enum.sum(1..7)".into()));
    assert!(s.present.is_none() && s.other().is_some());
    s.apply(Action::TogglePlay);
    frames(&mut s, 200, 3);
    let now = s.rt.now();
    assert!(now > fork_at);
    // a seek between the fork and now: no checkpoint of the old future may serve it, one
    // from before the fork does
    let target = fork_at + (now - fork_at) / 2;
    let fresh = Sim::replay(&s.run, Stop::Time(target));
    assert!(s.checkpoint_instants().contains(&parked[0]));
    s.apply(Action::Seek(target));
    assert_same_page(&s, &fresh, "after the fork");
    assert!(
        !s.checkpoint_instants().contains(&parked[0]),
        "the checkpoint from before the fork served the seek"
    );
    assert!(
        s.checkpoint_instants().iter().all(|t| *t <= fork_at),
        "none from the old future remains: {:?}",
        s.checkpoint_instants()
    );
}

#[test]
fn the_page_builds_checkpoints_in_its_frames_spare_time_while_the_run_goes_on() {
    let mut s = busy_run();
    s.set_checkpoint_gap(500);
    let (_, clock) = stepping_clock(0.5);
    s.set_frame_clock(clock);
    let ticks = s.ticks;
    let mut n = 0;
    while s.checkpoint_instants().len() < 4 {
        s.apply(Action::Frame(16.0));
        n += 1;
        assert!(n < 50_000, "{:?}", s.checkpoint_instants());
    }
    assert!(n > 10, "built across frames, not in one ({n})");
    assert!(s.ticks > ticks, "the live run went on meanwhile");
    assert!(s.present.is_none() && s.playing);
    // each is the run as it was: a seek from one ends where a replay from the start does
    let parked = s.checkpoint_instants();
    let target = parked[parked.len() - 1] + 100;
    let fresh = Sim::replay(&s.run, Stop::Time(target));
    s.set_frame_clock(Rc::new(|| 0.0));
    s.apply(Action::Seek(target));
    finish_replay(&mut s);
    assert_same_page(&s, &fresh, "from a checkpoint built in the background");
}

#[test]
fn a_run_that_fell_behind_builds_its_checkpoints_once_paused() {
    let mut s = busy_run();
    s.set_checkpoint_gap(500);
    let (_, clock) = stepping_clock(1.0);
    s.set_frame_clock(clock);
    s.apply(Action::SetSpeed(100.0));
    for _ in 0..60 {
        s.apply(Action::Frame(16.0));
    }
    assert!(s.behind, "at 100x on a slow clock the run falls behind");
    assert!(
        s.checkpoint_instants().is_empty(),
        "while behind, the live run gets all the time"
    );
    s.apply(Action::TogglePlay);
    s.apply(Action::Frame(16.0));
    assert!(!s.behind, "paused, nothing is late");
    let mut n = 0;
    while s.checkpoint_instants().is_empty() {
        s.apply(Action::Frame(16.0));
        n += 1;
        assert!(
            n < 50_000,
            "paused, the frames' time goes to the checkpoints"
        );
    }
}
