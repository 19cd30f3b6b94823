//! The event trace: spawns, exits with reasons, restarts, give-ups, sales, newest first with
//! virtual timestamps; filter by kind and by process.

use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use super::app::use_sim;
use crate::elixir::case_mapping::downcase_str;
use crate::runtime::{Event, TraceEvent};

const SHOWN: usize = 150;

const KINDS: &[(&str, &str)] = &[
    ("activity", "activity (no call monitors)"),
    ("all", "everything"),
    ("life", "spawns and exits"),
    ("crash", "crashes"),
    ("restart", "restarts and give-ups"),
    ("sale", "sales"),
    ("store", "storage and lost items"),
    ("app", "applications"),
    ("ets", "ETS tables"),
];

fn matches_kind(e: &TraceEvent, kind: &str) -> bool {
    match kind {
        "all" => true,
        // Every GenServer.call monitors its server for the call's duration: noise here.
        "activity" => !matches!(
            e.event,
            Event::Monitor { .. } | Event::Demonitor { .. } | Event::Down { .. }
        ),
        "life" => matches!(e.event, Event::Spawn { .. } | Event::Exit { .. }),
        "crash" => e.event.is_crash(),
        "restart" => matches!(e.event, Event::Restart { .. } | Event::GiveUp { .. }),
        "sale" => e.event.kind() == "sale",
        "store" => matches!(e.event.kind(), "storage" | "lost" | "restore"),
        "app" => e.event.kind() == "application",
        "ets" => e.event.kind() == "ets",
        _ => true,
    }
}

fn class_of(e: &TraceEvent) -> &'static str {
    match &e.event {
        _ if e.event.is_crash() => "ev crash",
        Event::Restart { .. } => "ev restart",
        Event::GiveUp { .. } => "ev giveup",
        Event::Note { kind, .. } if &**kind == "sale" => "ev sale",
        Event::Note { kind, .. } if matches!(&**kind, "storage" | "lost" | "chaos") => "ev warn",
        Event::Note { .. } => "ev note",
        _ => "ev",
    }
}

#[function_component(TraceView)]
pub fn trace_view() -> Html {
    let kind = use_state(|| "activity".to_string());
    let who = use_state(String::new);
    let Some(ctx) = use_sim() else {
        return html! {};
    };
    let sim = ctx.sim.borrow();
    let needle = downcase_str(who.trim().trim_start_matches("#PID"));
    // Newest first: what just happened is what a person is looking for.
    let shown: Vec<&TraceEvent> = sim
        .trace
        .iter()
        .rev()
        .filter(|e| matches_kind(e, &kind))
        .filter(|e| {
            needle.is_empty()
                || e.event.pids().iter().any(|p| p.short().contains(&needle))
                || downcase_str(&sim.describe(&e.event)).contains(&needle)
        })
        .take(SHOWN)
        .collect();
    let on_kind = {
        let kind = kind.clone();
        Callback::from(move |e: Event_| {
            if let Some(s) = e.target_dyn_into::<HtmlSelectElement>() {
                kind.set(s.value());
            }
        })
    };
    let on_who = {
        let who = who.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(i) = e.target_dyn_into::<HtmlInputElement>() {
                who.set(i.value());
            }
        })
    };
    html! {
        <section class="region trace" aria-labelledby="trace-title" data-testid="region-trace">
            <h2 id="trace-title">{ "Event trace" }</h2>
            <p class="panel-note">{ "What happened, newest first: spawns, exits and their reasons, restarts, give-ups, sales." }</p>
            <div class="trace-filters">
                <select onchange={on_kind} aria-label="Show events of kind">
                    { for KINDS.iter().map(|(k, label)| html! { <option value={*k} selected={*kind == *k}>{ *label }</option> }) }
                </select>
                <input type="search" placeholder="process, e.g. <0.96.0> or customer_3" aria-label="Filter events by process" value={(*who).clone()} oninput={on_who} />
            </div>
            <ol class="trace-list" data-testid="trace" aria-live="off" tabindex="0" aria-label="Events, newest first">
                { for shown.iter().map(|e| html! {
                    <li class={class_of(e)}>
                        <span class="t">{ format!("{:.3}s", e.time as f64 / 1000.0) }</span>
                        <span class="text">{ sim.describe(&e.event) }</span>
                    </li>
                }) }
            </ol>
        </section>
    }
}

type Event_ = yew::Event;
