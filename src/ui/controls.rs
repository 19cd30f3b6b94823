//! Controls (play, pause, step, speed, seed, arrival rate, chaos, persistence, reset) and
//! the status bar with the store's figures.

use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use super::app::use_sim;
use super::sim::Action;
use crate::runtime::float_parse::parse_f64;
use crate::store::sales::money;
use crate::store::shopping::Persistence;

const SPEEDS: &[f64] = &[0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 25.0, 50.0, 100.0];

/// The SessionSupervisor allows 3 restarts in 5 s: on average, 36 kills a minute.
pub const CHAOS_LIMIT_PER_MINUTE: f64 = 36.0;

/// What the chaos rate means for the SessionSupervisor's restart intensity.
pub fn chaos_note(per_minute: f64) -> String {
    if per_minute >= CHAOS_LIMIT_PER_MINUTE {
        "past the SessionSupervisor's limit (3 restarts in 5 s): it will give up".to_string()
    } else if per_minute > 0.0 {
        "limit 36/min (3 restarts in 5 s); a burst of 4 kills in 5 s makes it give up sooner"
            .to_string()
    } else {
        "SessionSupervisor limit: 3 restarts in 5 s (36/min)".to_string()
    }
}

fn input_f64(e: &Event) -> Option<f64> {
    parse_f64(&e.target_dyn_into::<HtmlInputElement>()?.value())
}

#[function_component(Controls)]
pub fn controls() -> Html {
    let Some(ctx) = use_sim() else {
        return html! {};
    };
    let sim = ctx.sim.borrow();
    let s = sim.settings.clone();
    let playing = sim.playing;
    let d = ctx.dispatch.clone();
    let seed_ref = use_node_ref();

    let on_speed = {
        let d = d.clone();
        Callback::from(move |e: Event| {
            if let Some(v) = e
                .target_dyn_into::<HtmlSelectElement>()
                .and_then(|s| parse_f64(&s.value()))
            {
                d.emit(Action::SetSpeed(v));
            }
        })
    };
    let on_arrivals = {
        let d = d.clone();
        Callback::from(move |e: Event| {
            if let Some(v) = input_f64(&e) {
                d.emit(Action::SetArrivals(arrivals_at(v)));
            }
        })
    };
    let on_chaos = {
        let d = d.clone();
        Callback::from(move |e: Event| {
            if let Some(v) = input_f64(&e) {
                d.emit(Action::SetChaos(v));
            }
        })
    };
    let on_persistence = {
        let d = d.clone();
        Callback::from(move |e: Event| {
            let value = e.target_dyn_into::<HtmlSelectElement>().map(|s| s.value());
            let p = if value.as_deref() == Some("snapshot") {
                Persistence::Snapshot
            } else {
                Persistence::None
            };
            d.emit(Action::SetPersistence(p));
        })
    };
    let on_reset = {
        let d = d.clone();
        let seed_ref = seed_ref.clone();
        let current = s.seed;
        Callback::from(move |_| {
            let seed = seed_ref
                .cast::<HtmlInputElement>()
                .and_then(|i| i.value().trim().parse().ok())
                .unwrap_or(current);
            d.emit(Action::Reset(seed));
        })
    };
    let toggle = d.reform(|_| Action::TogglePlay);
    let step = d.reform(|_| Action::Step);
    let add = d.reform(|_| Action::AdmitShoppers(100));
    let add_many = d.reform(|_| Action::AdmitShoppers(1_000));

    html! {
        <section class="controls" aria-label="Simulation controls">
            <button data-testid="play-pause" class="primary" onclick={toggle} aria-pressed={(!playing).to_string()}
                title={if playing { "Pause the virtual clock" } else { "Let the virtual clock run" }}>
                { if playing { "Pause" } else { "Play" } }
            </button>
            <button onclick={step} disabled={playing} title="Advance the clock by 100 virtual ms">{ "Step" }</button>
            <label>{ "Speed " }
                <select onchange={on_speed} aria-label="Speed">
                    if !SPEEDS.iter().any(|&x| (x - s.speed).abs() < 1e-9) {
                        <option value={s.speed.to_string()} selected=true>{ format!("{}×", s.speed) }</option>
                    }
                    { for SPEEDS.iter().map(|&x| html! {
                        <option value={x.to_string()} selected={(x - s.speed).abs() < 1e-9}>{ format!("{x}×") }</option>
                    }) }
                </select>
            </label>
            <label>{ format!("Arrivals {}/min ", s.arrivals_per_minute) }
                <input type="range" min="0" max={ARRIVALS_SLIDER_MAX.to_string()} step="1" value={arrivals_slider(s.arrivals_per_minute).to_string()} onchange={on_arrivals}
                    aria-label="Customers arriving per virtual minute" aria-valuetext={format!("{} a minute", s.arrivals_per_minute)} />
            </label>
            <label>{ format!("Chaos {}/min ", s.chaos_per_minute) }
                <input type="range" min="0" max="60" step="1" value={s.chaos_per_minute.to_string()} onchange={on_chaos}
                    aria-label="Random session kills per virtual minute" aria-describedby="chaos-limit" list="chaos-marks" />
                <datalist id="chaos-marks"><option value={CHAOS_LIMIT_PER_MINUTE.to_string()} label="limit" /></datalist>
            </label>
            <span id="chaos-limit" class={classes!("chaos-limit", (s.chaos_per_minute >= CHAOS_LIMIT_PER_MINUTE).then_some("over"))} data-testid="chaos-limit">
                { chaos_note(s.chaos_per_minute) }
            </span>
            <label>{ "Persistence " }
                <select onchange={on_persistence} aria-label="Persistence policy">
                    <option value="none" selected={s.persistence == Persistence::None}>{ "none (OTP default: restart empty)" }</option>
                    <option value="snapshot" selected={s.persistence == Persistence::Snapshot}>{ "snapshot (save each change)" }</option>
                </select>
            </label>
            <label>{ "Seed " }
                <input ref={seed_ref} type="number" min="0" value={s.seed.to_string()} class="seed" aria-label="Seed" />
            </label>
            <button onclick={on_reset} title="Start the store again from this seed">{ "Reset" }</button>
            <button onclick={add} title="Let 100 shoppers in at once: each starts its Session and shops">{ "+100 shoppers" }</button>
            <button onclick={add_many} title="Let 1,000 shoppers in at once">{ "+1,000 shoppers" }</button>
        </section>
    }
}

#[function_component(StatusBar)]
pub fn status_bar() -> Html {
    let Some(ctx) = use_sim() else {
        return html! {};
    };
    let sim = ctx.sim.borrow();
    let f = sim.books();
    let clock = sim.rt.now() as f64 / 1000.0;
    let dismiss = ctx.dispatch.reform(|_| Action::DismissMessage);
    let start_app = ctx.dispatch.reform(|_| Action::StartApp);
    let stat = |label: &str, value: String, testid: &'static str| {
        html! { <div class="stat"><span class="value" data-testid={testid}>{ value }</span><span class="label">{ label.to_string() }</span></div> }
    };
    html! {
        <>
            <div class="stats" aria-live="polite">
                { stat("live sessions", sim.session_count().to_string(), "session-count") }
                { stat("restarts", f.restarts.to_string(), "restart-count") }
                { stat("sales", f.sales.to_string(), "sales-count") }
                { stat("revenue", money(f.revenue), "revenue") }
                { stat("conversion", format!("{:.0}%", f.conversion()), "conversion") }
                { stat("abandoned", f.abandoned.to_string(), "abandoned") }
                { stat("items lost", f.items_lost.to_string(), "items-lost") }
                { stat("turned away", sim.turned_away.to_string(), "turned-away") }
                { stat(if sim.behind { "virtual time (running behind)" } else { "virtual time" }, format!("{clock:.1}s"), "clock") }
            </div>
            if !sim.app_running() {
                <div class="banner escalated" role="alert" data-testid="app-stopped">
                    <strong>{ "The shopping application has stopped." }</strong>
                    { " Its root supervisor gave up after more than 3 restarts in 5 seconds, so the whole tree is down." }
                    <button class="primary" onclick={start_app} data-testid="start-app">{ "Application.start(:shopping)" }</button>
                </div>
            }
            if let Some(why) = sim.storage_failing.clone().filter(|_| sim.settings.persistence == Persistence::Snapshot) {
                <div class="banner warn" role="alert" data-testid="storage-failing">
                    <span><strong>{ "Snapshots are not being saved: " }</strong>{ why }
                    { ". Carts of sessions killed now come back as they were at their last successful save (or empty); this clears once a save works again." }</span>
                </div>
            }
            if let Some(message) = sim.message.clone() {
                <div class="banner info" role="status">
                    { message }
                    <button onclick={dismiss} aria-label="Dismiss">{ "×" }</button>
                </div>
            }
        </>
    }
}

/// The arrivals slider's positions: one a minute at a time up to 60 a minute (where most
/// runs are), then 10 at a time up to 600 (a crowd: thousands of live processes).
pub const ARRIVALS_SLIDER_MAX: f64 = 114.0;

/// The arrival rate at a slider position.
pub fn arrivals_at(position: f64) -> f64 {
    let p = position.clamp(0.0, ARRIVALS_SLIDER_MAX).round();
    if p <= 60.0 {
        p
    } else {
        60.0 + (p - 60.0) * 10.0
    }
}

/// The slider position nearest an arrival rate.
pub fn arrivals_slider(per_minute: f64) -> f64 {
    if per_minute <= 60.0 {
        per_minute.max(0.0).round()
    } else {
        (60.0 + (per_minute - 60.0) / 10.0)
            .round()
            .min(ARRIVALS_SLIDER_MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_arrivals_slider_reaches_600_and_steps_by_one_below_60() {
        assert_eq!(arrivals_at(0.0), 0.0);
        assert_eq!(arrivals_at(12.0), 12.0);
        assert_eq!(arrivals_at(60.0), 60.0);
        assert_eq!(arrivals_at(61.0), 70.0);
        assert_eq!(arrivals_at(ARRIVALS_SLIDER_MAX), 600.0);
        assert_eq!(arrivals_at(1e9), 600.0);
        for rate in [0.0, 12.0, 60.0, 120.0, 600.0] {
            assert_eq!(arrivals_at(arrivals_slider(rate)), rate);
        }
    }
}
