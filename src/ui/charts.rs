//! Charts over virtual time: live sessions, messages a second, restarts, sales and revenue,
//! each with its axes (virtual seconds across, the figure's unit up) and its current value.

use yew::prelude::*;

use super::app::use_sim;
use super::sim::{Sample, SESSION_IDLE_MS};

/// Plot area and margins, in SVG units (1 unit = 1 CSS px).
const W: f64 = 236.0;
const H: f64 = 96.0;
const LEFT: f64 = 44.0;
const BOTTOM: f64 = 18.0;
const TOP: f64 = 6.0;

/// The axis top: a round number at or above `max`.
fn nice_ceiling(max: f64) -> f64 {
    if max <= 1.0 {
        return 1.0;
    }
    let magnitude = 10f64.powf(max.log10().floor());
    for step in [1.0, 2.0, 2.5, 5.0, 10.0] {
        if step * magnitude >= max {
            return step * magnitude;
        }
    }
    10.0 * magnitude
}

fn chart(
    title: &str,
    unit: &str,
    samples: &[Sample],
    value: fn(&Sample) -> f64,
    format: fn(f64) -> String,
) -> Html {
    let top = nice_ceiling(samples.iter().map(value).fold(0.0f64, f64::max));
    let (t0, t1) = match (samples.first(), samples.last()) {
        (Some(a), Some(b)) => (a.at as f64 / 1000.0, b.at as f64 / 1000.0),
        _ => (0.0, 0.0),
    };
    let span = (t1 - t0).max(1.0);
    let plot_w = W - LEFT - 4.0;
    let plot_h = H - BOTTOM - TOP;
    let points: Vec<String> = samples
        .iter()
        .map(|s| {
            let x = LEFT + (s.at as f64 / 1000.0 - t0) / span * plot_w;
            let y = TOP + plot_h - value(s) / top * plot_h;
            format!("{x:.1},{y:.1}")
        })
        .collect();
    let last = samples.last().map(value).unwrap_or(0.0);
    let label = format!(
        "{title} over virtual time {t0:.0} s to {t1:.0} s: now {} {unit}, axis up to {}",
        format(last),
        format(top)
    );
    html! {
        <figure class="chart">
            <figcaption>{ format!("{title} ({unit})") }<span class="now">{ format(last) }</span></figcaption>
            <svg viewBox={format!("0 0 {W} {H}")} width={W.to_string()} height={H.to_string()} role="img" aria-label={label}>
                <line class="axis" x1={LEFT.to_string()} y1={TOP.to_string()} x2={LEFT.to_string()} y2={(TOP + plot_h).to_string()} />
                <line class="axis" x1={LEFT.to_string()} y1={(TOP + plot_h).to_string()} x2={(W - 4.0).to_string()} y2={(TOP + plot_h).to_string()} />
                <text class="tick" x={(LEFT - 4.0).to_string()} y={(TOP + 9.0).to_string()} text-anchor="end">{ format(top) }</text>
                <text class="tick" x={(LEFT - 4.0).to_string()} y={(TOP + plot_h).to_string()} text-anchor="end">{ "0" }</text>
                <text class="tick" x={LEFT.to_string()} y={(H - 3.0).to_string()}>{ format!("{t0:.0} s") }</text>
                <text class="tick" x={(W - 4.0).to_string()} y={(H - 3.0).to_string()} text-anchor="end">{ format!("{t1:.0} s") }</text>
                <polyline points={points.join(" ")} />
            </svg>
        </figure>
    }
}

#[function_component(Charts)]
pub fn charts() -> Html {
    let Some(ctx) = use_sim() else {
        return html! {};
    };
    let sim = ctx.sim.borrow();
    let samples: Vec<Sample> = sim.samples.iter().copied().collect();
    let idle_s = SESSION_IDLE_MS / 1000;
    html! {
        <section class="region charts" aria-labelledby="charts-title" data-testid="region-charts">
            <h2 id="charts-title">{ "Over the last two virtual minutes" }</h2>
            <p class="panel-note">{ format!(
                "One sample a virtual second; totals are over the whole run. Customers shop 30 s to 4 min before they buy or walk away; a cart left alone for {idle_s} s is abandoned, so the first sales and abandoned carts come a minute or more in."
            ) }</p>
            <div class="chart-grid">
                { chart("live sessions", "sessions", &samples, |s| s.sessions, |x| format!("{x:.0}")) }
                { chart("messages", "per virtual s", &samples, |s| s.messages_per_s, |x| format!("{x:.0}")) }
                { chart("restarts", "total", &samples, |s| s.restarts, |x| format!("{x:.0}")) }
                { chart("sales", "total", &samples, |s| s.sales, |x| format!("{x:.0}")) }
                { chart("revenue", "total, $", &samples, |s| s.revenue, |x| format!("${x:.0}")) }
            </div>
        </section>
    }
}
