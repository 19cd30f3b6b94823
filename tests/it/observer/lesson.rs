//! The guided lesson without a browser: each step's *Run* completes it from the runtime's
//! state, the same steps done by hand (typed, clicked) complete too, nothing completes
//! before it happened, and progress reads back from the address.
#![cfg(not(target_arch = "wasm32"))]

use crate::support;

use redfour::ui::actions::LessonAction;
use redfour::ui::lesson::{Progress, STEPS};
use redfour::ui::sim::{Action, Settings, Sim};

fn sim(arrivals: f64) -> Sim {
    support::sim(Settings {
        arrivals_per_minute: arrivals,
        ..Settings::default()
    })
}

fn frames(s: &mut Sim, n: usize) {
    for _ in 0..n {
        s.apply(Action::Frame(16.0));
    }
}

fn last_output(s: &Sim) -> String {
    s.console
        .entries
        .iter()
        .rev()
        .find_map(|e| e.output.clone())
        .unwrap_or_default()
}

#[test]
fn run_on_each_step_completes_the_lesson_from_the_runtime_state() {
    let mut s = sim(30.0);
    frames(&mut s, 300); // customers come in
    s.apply(Action::Lesson(LessonAction::Open));
    for (i, step) in STEPS.iter().enumerate() {
        s.apply(Action::Lesson(LessonAction::Go(i)));
        assert!(!s.lesson.is_done(i), "step {} done before its Run", i + 1);
        s.apply(Action::Lesson(LessonAction::Run));
        frames(&mut s, 60);
        assert!(
            s.lesson.is_done(i),
            "step {} ({}) not done after Run; console: {}",
            i + 1,
            step.title,
            last_output(&s)
        );
    }
    assert!(s.lesson.finished());
    // what the learner saw along the way, as iex prints it
    let outputs: Vec<String> = s
        .console
        .entries
        .iter()
        .filter_map(|e| e.output.clone())
        .collect();
    let all = outputs.join("\n");
    assert!(all.contains("Hello World"), "{all}");
    assert!(all.contains("%MyShop.Session{"), "{all}");
    assert!(
        all.contains("** (RuntimeError) Please use an atom key"),
        "{all}"
    );
    assert!(
        all.contains("R4-HELMET"),
        "the cart survives the kill under snapshot: {all}"
    );
    // the editor shows the last module it ran
    assert!(s
        .editor
        .source
        .as_deref()
        .is_some_and(|m| m.contains("use GenServer")));
}

#[test]
fn steps_done_by_hand_complete_too_and_not_before() {
    let mut s = sim(0.0);
    s.apply(Action::Lesson(LessonAction::Open));
    // step 1: nothing crashed yet; a kill by pid (a click on the floor) does it
    frames(&mut s, 30);
    assert!(!s.lesson.is_done(0));
    s.apply(Action::ConsoleSubmit(
        "Redfour.Shopping.start_session key: :bob".into(),
    ));
    frames(&mut s, 10);
    assert!(!s.lesson.is_done(0), "starting a session is not a restart");
    let bob = s.rt.whereis("bob").expect("bob");
    s.apply(Action::Kill(bob));
    frames(&mut s, 10);
    assert!(s.lesson.is_done(0));
    // step 2 typed with the post's parentheses
    s.apply(Action::Lesson(LessonAction::Go(1)));
    s.apply(Action::ConsoleSubmit(
        "spawn(fn() -> IO.puts \"Hello World\" end)".into(),
    ));
    frames(&mut s, 10);
    assert!(s.lesson.is_done(1));
    // step 4 with the store's own start_link, as the example has it
    s.apply(Action::Lesson(LessonAction::Go(3)));
    s.apply(Action::ConsoleSubmit(
        "Redfour.Shopping.Session.start_link %{key: :my_session}".into(),
    ));
    frames(&mut s, 10);
    assert!(s.lesson.is_done(3));
    // step 5: a click on its row (a selection) is what it waits for
    s.apply(Action::Lesson(LessonAction::Go(4)));
    frames(&mut s, 5);
    assert!(!s.lesson.is_done(4));
    let pid = s.rt.whereis("my_session").unwrap();
    s.apply(Action::Select(Some(pid)));
    assert!(s.lesson.is_done(4));
    // step 6: a string key alone does not do it
    s.apply(Action::Lesson(LessonAction::Go(5)));
    s.apply(Action::ConsoleSubmit(
        "Redfour.Shopping.start_session key: \"my_key\"".into(),
    ));
    frames(&mut s, 10);
    assert!(!s.lesson.is_done(5));
    s.apply(Action::ConsoleSubmit(
        "Redfour.Shopping.start_session key: :my_key".into(),
    ));
    frames(&mut s, 10);
    assert!(s.lesson.is_done(5));
    // step 7 by pid from the console
    s.apply(Action::Lesson(LessonAction::Go(6)));
    let before = s.rt.whereis("my_key").unwrap();
    s.apply(Action::ConsoleSubmit(
        "Process.exit(Process.whereis(:my_key), :kill)".into(),
    ));
    frames(&mut s, 10);
    assert!(s.lesson.is_done(6));
    assert_ne!(s.rt.whereis("my_key"), Some(before));
    // step 8: without snapshot the cart is lost, and the step waits
    s.apply(Action::Lesson(LessonAction::Go(7)));
    s.apply(Action::ConsoleSubmit(
        "Redfour.Shopping.Session.select_item :my_key, \"R4-HELMET\", 2".into(),
    ));
    s.apply(Action::ConsoleSubmit(
        "Process.exit(Process.whereis(:my_key), :kill)".into(),
    ));
    frames(&mut s, 10);
    s.apply(Action::ConsoleSubmit(
        ":sys.get_state(:my_key).items".into(),
    ));
    frames(&mut s, 10);
    assert_eq!(last_output(&s), "[]");
    assert!(!s.lesson.is_done(7));
    // step 3 was skipped: still not done
    assert!(!s.lesson.is_done(2));
    assert_eq!(s.lesson.done_count(), 6);
}

#[test]
fn progress_reads_back_from_the_address_and_ignores_the_rest() {
    let p = Progress {
        open: true,
        step: 3,
        done: 0b0111,
    };
    assert_eq!(p.to_query(), "lesson=4&done=1.2.3");
    assert_eq!(Progress::from_query("?seed=4&lesson=4&done=1.2.3"), Some(p));
    assert_eq!(Progress::from_query("seed=4"), None);
    let hostile = Progress::from_query("lesson=99999999999999999999&done=0.9.-1.x.2").unwrap();
    assert!(!hostile.open);
    assert_eq!(hostile.done, 0b10);
    let closed = Progress::from_query("lesson=0&done=1").unwrap();
    assert!(!closed.open && closed.is_done(0));
    assert_eq!(Progress::default().to_query(), "");
}

#[test]
fn sys_get_state_right_after_a_kill_waits_for_the_restarted_session() {
    // pasted at once: the successor is still starting when `:sys.get_state` asks it
    for (persistence, items) in [
        (redfour::store::shopping::Persistence::None, "items: [],"),
        (
            redfour::store::shopping::Persistence::Snapshot,
            "sku: \"R4-HELMET\"",
        ),
    ] {
        let mut s = support::sim(Settings {
            arrivals_per_minute: 0.0,
            persistence,
            ..Settings::default()
        });
        s.apply(Action::ConsoleSubmit(
            "Redfour.Shopping.start_session key: :my_key".into(),
        ));
        s.apply(Action::ConsoleSubmit(
            "Redfour.Shopping.Session.select_item :my_key, \"R4-HELMET\", 2\nProcess.exit Process.whereis(:my_key), :kill\n:sys.get_state :my_key".into(),
        ));
        frames(&mut s, 30);
        let out = last_output(&s);
        assert!(out.contains(items), "{persistence:?}: {out}");
    }
}
