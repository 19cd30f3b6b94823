//! The sequence chart's model without a browser: a chosen Session's call to the Catalog and
//! its reply as a pair; across a kill, the old lifeline ends with :killed and the new one
//! starts from the SessionSupervisor's spawn; Mermaid export; charting changes nothing else.
#![cfg(not(target_arch = "wasm32"))]

use std::cell::RefCell;
use std::rc::Rc;

use redfour::store::session_store::{MemoryBackend, SharedBackend};
use redfour::ui::sequence::{mermaid, Kind};
use redfour::ui::sim::{Action, Settings, Sim};

fn sim() -> Sim {
    let backend: SharedBackend = Rc::new(RefCell::new(MemoryBackend::default()));
    Sim::new(
        Settings {
            arrivals_per_minute: 0.0,
            ..Settings::default()
        },
        backend,
    )
}

fn alice(s: &Sim) -> redfour::runtime::Pid {
    s.rt.whereis("alice").expect("alice is registered")
}

#[test]
fn a_sessions_call_to_the_catalog_and_its_reply_are_a_pair_and_a_kill_ends_its_lifeline() {
    let mut s = sim();
    s.apply(Action::ConsoleSubmit(
        "Redfour.Shopping.start_session key: :alice".into(),
    ));
    let old = alice(&s);
    s.apply(Action::ChartToggle(old));
    s.apply(Action::ConsoleSubmit(
        "Redfour.Shopping.Session.select_item :alice, \"R4-HELMET\", 2".into(),
    ));
    for _ in 0..5 {
        s.apply(Action::Frame(16.0));
    }
    let chart = s.chart();
    let catalog = s.rt.whereis("Redfour.Catalog").expect("the catalog");
    let call = chart
        .arrows
        .iter()
        .position(|a| a.kind == Kind::Call && a.from == old && a.to == catalog)
        .expect("alice calls the catalog");
    let reply = chart.arrows[call].pair.expect("paired");
    assert_eq!(chart.arrows[reply].kind, Kind::Reply);
    assert_eq!(chart.arrows[reply].from, catalog);
    assert_eq!(chart.arrows[reply].to, old);
    assert!(
        chart.arrows[call].full.contains("R4-HELMET"),
        "{}",
        chart.arrows[call].full
    );
    assert!(chart
        .lifelines
        .iter()
        .any(|l| l.pid == catalog && l.name.contains("Catalog")));
    // the shell's call to alice is there too
    assert!(chart
        .arrows
        .iter()
        .any(|a| a.kind == Kind::Call && a.to == old));

    s.apply(Action::Kill(old));
    for _ in 0..5 {
        s.apply(Action::Frame(16.0));
    }
    let new = alice(&s);
    assert_ne!(new, old);
    let chart = s.chart();
    let old_line = chart.lifelines.iter().find(|l| l.pid == old).unwrap();
    assert_eq!(old_line.end.as_ref().map(|e| e.1.as_str()), Some(":killed"));
    let spawn = chart
        .arrows
        .iter()
        .find(|a| a.kind == Kind::Spawn && a.to == new)
        .expect("the successor's lifeline starts from a spawn");
    let sup = s.rt.whereis("Redfour.SessionSupervisor").unwrap();
    assert_eq!(spawn.from, sup);
    // the chart follows the successor: its next call is charted
    s.apply(Action::ConsoleSubmit(
        "Redfour.Shopping.Session.select_item :alice, \"R4-HELMET\", 1".into(),
    ));
    let chart = s.chart();
    assert!(chart
        .arrows
        .iter()
        .any(|a| a.kind == Kind::Call && a.from == new && a.to == catalog));

    let text = mermaid(&chart);
    let (o, n, c) = (old.number(), new.number(), catalog.number());
    for want in [
        "sequenceDiagram\n".to_string(),
        format!("participant P{o} as alice <0.{o}.0>"),
        format!("P{o}->>P{c}: call {{:price, \"R4-HELMET\"}}"),
        format!("P{c}-->>P{o}: reply {{:ok, "),
        format!("Note over P{o}: exited :killed"),
        format!("P{}->>P{n}: spawn", sup.number()),
    ] {
        assert!(text.contains(&want), "no {want:?} in\n{text}");
    }
}

#[test]
fn charting_a_process_does_not_change_the_run() {
    let mut a = sim();
    let mut b = sim();
    for s in [&mut a, &mut b] {
        s.apply(Action::ConsoleSubmit(
            "Redfour.Shopping.start_session key: :alice".into(),
        ));
    }
    b.apply(Action::ChartToggle(alice(&b)));
    for s in [&mut a, &mut b] {
        s.apply(Action::ConsoleSubmit(
            "Redfour.Shopping.Session.select_item :alice, \"R4-HELMET\", 2".into(),
        ));
        for _ in 0..30 {
            s.apply(Action::Frame(16.0));
        }
    }
    assert!(!b.seq_log.is_empty() && a.seq_log.is_empty());
    assert_eq!(a.rt.trace_hash(), b.rt.trace_hash());
    assert_eq!(a.rt.now(), b.rt.now());
}
