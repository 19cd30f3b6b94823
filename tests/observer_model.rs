//! The observer's model (src/ui/sim.rs) without a browser: settings, clicks, effects.
#![cfg(not(target_arch = "wasm32"))]

use std::cell::RefCell;
use std::rc::Rc;

use redfour::store::session_store::{MemoryBackend, SharedBackend};
use redfour::store::shopping::Persistence;
use redfour::ui::sim::{Action, Effect, Settings, Sim};

fn sim(persistence: Persistence) -> Sim {
    let backend: SharedBackend = Rc::new(RefCell::new(MemoryBackend::default()));
    let settings = Settings {
        arrivals_per_minute: 0.0,
        persistence,
        ..Settings::default()
    };
    Sim::new(settings, backend)
}

#[test]
fn settings_survive_a_round_trip_through_the_url_and_ignore_garbage() {
    let s = Settings {
        seed: 99,
        speed: 25.0,
        arrivals_per_minute: 40.0,
        chaos_per_minute: 3.0,
        persistence: Persistence::Snapshot,
    };
    assert_eq!(Settings::default().with_query(&s.to_query()), s);
    let odd = Settings::default().with_query("?seed=abc&speed=1e9&chaos=-4&persistence=maybe&x");
    assert_eq!(
        odd.seed,
        Settings::default().seed,
        "a malformed seed is ignored"
    );
    assert_eq!(odd.speed, 100.0, "speed is clamped");
    assert_eq!(odd.chaos_per_minute, 0.0);
    assert_eq!(odd.persistence, Persistence::None);
}

#[test]
fn clicking_a_customer_crashes_it_and_the_floor_shows_it_restored_with_what_it_lost() {
    let mut sim = sim(Persistence::None);
    sim.apply(Action::AddSessions(3));
    let before = sim.figures(100);
    assert_eq!(before.len(), 3);
    let victim = before[0].clone();
    // Give the victim something to lose.
    let key = victim.key.clone();
    sim.rt
        .block_on(move |ctx| async move {
            let req = redfour::runtime::Term::tuple(vec![
                redfour::runtime::Term::atom("select_item"),
                redfour::runtime::Term::str("R4-MUG"),
                redfour::runtime::Term::Int(2),
            ]);
            redfour::runtime::gen_server::call(&ctx, key.as_str(), req, Some(5000)).await
        })
        .unwrap()
        .unwrap();
    sim.apply(Action::Frame(16.0));
    sim.apply(Action::Kill(victim.pid));
    let after = sim.figures(100);
    let same = after
        .iter()
        .find(|f| f.key == victim.key)
        .expect("the customer is back");
    assert_ne!(same.pid, victim.pid, "with a new pid");
    assert_eq!(same.items, 0, "and, under `none`, an empty cart");
    assert!(
        matches!(same.effect, Some((Effect::Restored { lost: 2 }, _))),
        "{:?}",
        same.effect
    );
    assert!(sim.flashing(same.pid), "the tree flashes the new pid");
    // The effect fades after a while of animation.
    for _ in 0..200 {
        sim.apply(Action::Frame(16.0));
    }
    assert_eq!(
        sim.figures(100)
            .iter()
            .find(|f| f.key == victim.key)
            .unwrap()
            .effect,
        None
    );
}

#[test]
fn clicking_a_process_that_just_died_says_so_and_changes_nothing() {
    let mut sim = sim(Persistence::None);
    sim.apply(Action::AddSessions(1));
    let fig = sim.figures(10)[0].clone();
    sim.apply(Action::Kill(fig.pid));
    let count = sim.session_count();
    sim.apply(Action::Kill(fig.pid)); // the old pid: already dead
    assert!(
        sim.message
            .as_deref()
            .unwrap_or("")
            .contains("has already exited"),
        "{:?}",
        sim.message
    );
    assert_eq!(sim.session_count(), count);
    sim.apply(Action::DismissMessage);
    assert_eq!(sim.message, None);
}

#[test]
fn rapid_kills_escalate_and_the_application_can_be_started_again() {
    let mut sim = sim(Persistence::None);
    sim.playing = false;
    // Four storms of four kills: the SessionSupervisor gives up four times, then the root.
    for _ in 0..4 {
        sim.apply(Action::AddSessions(4));
        for fig in sim.figures(10) {
            sim.apply(Action::Kill(fig.pid));
        }
    }
    assert!(!sim.app_running(), "the application stopped");
    let give_ups = sim
        .trace
        .iter()
        .filter(|e| e.event.kind() == "give_up")
        .count();
    assert_eq!(
        give_ups, 5,
        "four SessionSupervisor give-ups, then the root's"
    );
    sim.apply(Action::StartApp);
    assert!(sim.app_running());
    sim.apply(Action::AddSessions(2));
    assert_eq!(sim.session_count(), 2);
}

#[test]
fn frames_advance_virtual_time_by_speed_and_pause_stops_it() {
    let mut sim = sim(Persistence::None);
    sim.apply(Action::SetSpeed(10.0));
    sim.apply(Action::Frame(100.0));
    assert_eq!(sim.rt.now(), 1000);
    sim.apply(Action::TogglePlay);
    sim.apply(Action::Frame(100.0));
    assert_eq!(sim.rt.now(), 1000);
    sim.apply(Action::Step);
    assert_eq!(sim.rt.now(), 1100);
}

#[test]
fn the_console_types_the_seed_transcript_one_line_at_a_time() {
    let mut sim = sim(Persistence::None);
    sim.apply(Action::PlaySeed);
    sim.apply(Action::Frame(16.0));
    assert_eq!(sim.console.entries.len(), 1, "the first line at once");
    sim.apply(Action::Frame(500.0));
    assert_eq!(
        sim.console.entries.len(),
        1,
        "then one line per {} ms",
        redfour::ui::sim::SEED_TYPING_MS
    );
    for _ in 0..40 {
        sim.apply(Action::Frame(250.0));
    }
    let outputs: Vec<String> = sim
        .console
        .entries
        .iter()
        .map(|e| e.output.clone().unwrap_or_default())
        .collect();
    assert_eq!(outputs.len(), redfour::console::SEED_TRANSCRIPT.len());
    assert_eq!(outputs[8], "** (RuntimeError) Please use an atom key");
    assert!(
        sim.figures(10).iter().any(|f| f.key == "another_key"),
        "the console's session is on the floor"
    );
}
