//! The sequence chart's model without a browser: a chosen Session's call to the Catalog and
//! its reply as a pair; across a kill, the old lifeline ends with :killed and the new one
//! starts from the SessionSupervisor's spawn; Mermaid export; charting changes nothing else.
#![cfg(not(target_arch = "wasm32"))]

use crate::support;

use redfour::ui::sequence::{mermaid, Kind};
use redfour::ui::sim::{Action, Settings, Sim, SEQ_KEEP};

fn sim() -> Sim {
    support::sim(Settings {
        arrivals_per_minute: 0.0,
        ..Settings::default()
    })
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
    let chart = s.chart().clone();
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
    let chart = s.chart().clone();
    let old_line = chart.lifelines.iter().find(|l| l.pid == old).unwrap();
    assert_eq!(old_line.end.as_ref().map(|e| e.1.as_str()), Some(":killed"));
    // the signals its death sends (the exit down its link, a :DOWN) come before its ✕,
    // and its lifeline ends at the ✕
    let end_row = old_line.end.as_ref().unwrap().0;
    assert_eq!(chart.arrows[end_row].from, old);
    assert_eq!(chart.arrows[end_row].to, old);
    let signals: Vec<usize> = chart
        .arrows
        .iter()
        .enumerate()
        .filter(|(_, a)| a.from == old && a.to != old && matches!(a.kind, Kind::Exit | Kind::Down))
        .map(|(i, _)| i)
        .collect();
    assert!(!signals.is_empty(), "its death signals someone");
    assert!(
        signals.iter().all(|&i| i < end_row),
        "{signals:?} then ✕ at {end_row}"
    );
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
    let chart = s.chart().clone();
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
    assert!(!b.sequence.events.is_empty() && a.sequence.events.is_empty());
    assert_eq!(a.rt.trace_hash(), b.rt.trace_hash());
    assert_eq!(a.rt.now(), b.rt.now());
}

#[test]
fn a_checkout_hands_the_sale_to_sales_and_the_session_ends_normally() {
    let mut s = sim();
    s.apply(Action::ConsoleSubmit(
        "Redfour.Shopping.start_session key: :alice".into(),
    ));
    let pid = alice(&s);
    s.apply(Action::ChartToggle(pid));
    for line in [
        "Redfour.Shopping.Session.select_item :alice, \"R4-HELMET\", 1",
        "Redfour.Shopping.Session.checkout :alice",
    ] {
        s.apply(Action::ConsoleSubmit(line.into()));
        for _ in 0..10 {
            s.apply(Action::Frame(16.0));
        }
    }
    let chart = s.chart();
    let sales = s.rt.whereis("Redfour.Sales").expect("Sales runs");
    let record = chart
        .arrows
        .iter()
        .position(|a| a.kind == Kind::Call && a.from == pid && a.to == sales)
        .expect("the session calls Sales");
    assert!(
        chart.arrows[record].full.starts_with("{:record, %{"),
        "{}",
        chart.arrows[record].full
    );
    let reply = chart.arrows[record].pair.expect("Sales answers");
    assert_eq!(chart.arrows[reply].from, sales);
    let sales_line = &chart.lifelines[chart.column(sales)];
    assert_eq!(sales_line.name, "Redfour.Sales");
    let end = chart.lifelines[chart.column(pid)]
        .end
        .clone()
        .expect("the session's lifeline ends");
    assert_eq!(end.1, ":normal");
}

#[test]
fn the_chart_fed_event_by_event_is_the_chart_built_at_once() {
    let mut s = sim();
    s.apply(Action::ConsoleSubmit(
        "Redfour.Shopping.start_session key: :alice".into(),
    ));
    let catalog = s.rt.whereis("Redfour.Catalog").expect("the Catalog runs");
    s.apply(Action::ChartToggle(catalog));
    s.apply(Action::AddSessions(100));
    s.apply(Action::SetArrivals(600.0));
    let mut sizes = Vec::new();
    for i in 0..400 {
        s.apply(Action::Frame(100.0));
        if i % 7 == 0 {
            sizes.push(s.chart().arrows.len()); // fed a little at a time
        }
        if i == 200 {
            s.apply(Action::Kill(alice(&s)));
        }
    }
    let fed = s.chart().clone();
    let built = redfour::ui::sequence::build(&s.sequence.events, &s.sequence.charted, |p| {
        s.pid_name(p)
            .map(str::to_string)
            .or_else(|| s.rt.label_of(p).map(|l| l.to_string()))
    });
    assert!(
        sizes.windows(2).any(|w| w[1] > w[0]),
        "the chart grew: {sizes:?}"
    );
    assert!(fed.arrows.len() > 150, "{} arrows", fed.arrows.len());
    assert_eq!(fed.arrows, built.arrows);
    assert_eq!(fed.lifelines, built.lifelines);
}

#[test]
fn a_long_chart_keeps_the_newest_ten_thousand_messages_or_so() {
    let mut s = sim();
    let catalog = s.rt.whereis("Redfour.Catalog").expect("the Catalog runs");
    s.apply(Action::ChartToggle(catalog));
    s.apply(Action::AddSessions(300));
    s.apply(Action::SetArrivals(600.0));
    let mut most = 0;
    let mut frames = 0;
    while s.sequence.events.len() < SEQ_KEEP || frames < 100 {
        s.apply(Action::Frame(100.0));
        most = most.max(s.chart().arrows.len());
        frames += 1;
        assert!(frames < 20_000, "the Catalog is too quiet");
    }
    for _ in 0..200 {
        s.apply(Action::Frame(100.0));
        most = most.max(s.chart().arrows.len());
    }
    assert!(most >= SEQ_KEEP, "{most}");
    assert!(most <= SEQ_KEEP + 1_000 + 50, "{most} arrows kept");
    // after letting its oldest rows go, the chart still holds together
    let chart = s.chart().clone();
    for (i, a) in chart.arrows.iter().enumerate() {
        if let Some(p) = a.pair {
            assert_eq!(chart.arrows[p].pair, Some(i), "arrow {i} and its pair {p}");
        }
        for pid in [a.from, a.to] {
            let l = &chart.lifelines[chart.column(pid)];
            assert_eq!(l.pid, pid, "arrow {i}'s lifeline");
            assert!(
                l.first <= i && i <= l.last,
                "arrow {i} outside its lifeline {l:?}"
            );
        }
    }
    assert!(chart
        .arrows
        .iter()
        .any(|a| a.kind == Kind::Reply && a.pair.is_some()));
}

#[test]
fn charting_a_customer_by_key_or_one_that_has_gone() {
    let mut s = sim();
    s.apply(Action::ConsoleSubmit(
        "Redfour.Shopping.start_session key: :alice".into(),
    ));
    for _ in 0..5 {
        s.apply(Action::Frame(16.0));
    }
    let pid = alice(&s);
    s.apply(Action::ChartKey("alice".into()));
    assert!(s.sequence.charted.contains(&pid.number()));
    s.apply(Action::ChartKey("alice".into()));
    assert!(
        !s.sequence.charted.contains(&pid.number()),
        "a second S stops charting"
    );
    s.apply(Action::ChartKey("nobody".into()));
    assert!(
        s.message
            .as_deref()
            .is_some_and(|m| m.contains(":nobody has no live session to chart")),
        "{:?}",
        s.message
    );
}

#[test]
fn a_process_typed_in_the_console_is_charted_the_same_way() {
    let mut s = sim();
    s.apply(Action::ConsoleSubmit(
        "pid = spawn(fn -> receive do {:ping, from} -> send(from, :pong) end end)".into(),
    ));
    for _ in 0..5 {
        s.apply(Action::Frame(16.0));
    }
    let printed = s
        .console
        .entries
        .last()
        .and_then(|e| e.output.clone())
        .unwrap();
    let n: u32 = printed
        .trim_start_matches("#PID<0.")
        .trim_end_matches(".0>")
        .parse()
        .unwrap_or_else(|_| panic!("a pid: {printed}"));
    let pid = s.rt.pid_from_number(n);
    s.apply(Action::ChartToggle(pid));
    s.apply(Action::ConsoleSubmit("send(pid, {:ping, self()})".into()));
    for _ in 0..5 {
        s.apply(Action::Frame(16.0));
    }
    let shell = s.console.shell_pid().expect("the shell runs");
    let chart = s.chart().clone();
    let ping = chart
        .arrows
        .iter()
        .position(|a| a.kind == Kind::Send && a.from == shell && a.to == pid)
        .expect("the shell's message to it");
    assert!(chart.arrows[ping].full.starts_with("{:ping, #PID<0."));
    let pong = chart
        .arrows
        .iter()
        .position(|a| a.kind == Kind::Send && a.from == pid && a.to == shell)
        .expect("its answer");
    assert_eq!(chart.arrows[pong].full, ":pong");
    assert!(ping < pong);
    let line = &chart.lifelines[chart.column(pid)];
    assert_eq!(line.end.as_ref().map(|e| e.1.as_str()), Some(":normal"));
    assert_eq!(chart.lifelines[chart.column(shell)].name, "IEx shell");
}
