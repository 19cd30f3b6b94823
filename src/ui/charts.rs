//! Small SVG charts over virtual time: live sessions, messages per second, restarts,
//! sales and revenue.

use yew::prelude::*;

use super::app::use_sim;
use super::sim::Sample;

fn spark(
    title: &str,
    samples: &[Sample],
    value: fn(&Sample) -> f64,
    format: fn(f64) -> String,
) -> Html {
    let (w, h) = (220.0, 46.0);
    let max = samples.iter().map(value).fold(0.0f64, f64::max).max(1.0);
    let n = samples.len().max(2) as f64 - 1.0;
    let points: Vec<String> = samples
        .iter()
        .enumerate()
        .map(|(i, s)| {
            format!(
                "{:.1},{:.1}",
                i as f64 / n * w,
                h - value(s) / max * (h - 4.0) - 2.0
            )
        })
        .collect();
    let last = samples.last().map(value).unwrap_or(0.0);
    html! {
        <figure class="chart">
            <figcaption>{ title.to_string() }<span class="now">{ format(last) }</span></figcaption>
            <svg viewBox={format!("0 0 {w} {h}")} width={w.to_string()} height={h.to_string()} role="img"
                aria-label={format!("{title}: now {}", format(last))}>
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
    html! {
        <section class="region charts" aria-labelledby="charts-title" data-testid="region-charts">
            <h2 id="charts-title">{ "Over the last two virtual minutes" }</h2>
            <p class="panel-note">{ "The store over time: live sessions, messages a second, restarts, sales and revenue." }</p>
            <div class="chart-grid">
                { spark("live sessions", &samples, |s| s.sessions, |x| format!("{x:.0}")) }
                { spark("messages / s", &samples, |s| s.messages_per_s, |x| format!("{x:.0}")) }
                { spark("restarts", &samples, |s| s.restarts, |x| format!("{x:.0}")) }
                { spark("sales", &samples, |s| s.sales, |x| format!("{x:.0}")) }
                { spark("revenue", &samples, |s| s.revenue, |x| format!("${x:.0}")) }
            </div>
        </section>
    }
}
