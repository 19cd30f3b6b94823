//! The sequence chart panel: a lifeline per process, arrows in virtual-time order, drawn as
//! SVG; only the rows in view are drawn, so 10,000 messages scroll as lightly as ten. Each
//! arrow's label is abbreviated; the whole message shows on hover or focus. Export as
//! Mermaid text or as SVG.

use yew::prelude::*;

use super::app::use_sim;
use super::sequence::{mermaid, Chart, Kind, Lifeline};
use super::sim::Action;
use crate::runtime::Pid;

const ROW: f64 = 26.0;
const COL: f64 = 150.0;
const HEAD: f64 = 44.0;
/// Rows drawn beyond the visible ones, above and below.
const OVERSCAN: usize = 10;
/// The chart's visible height (px).
const VIEW: f64 = 360.0;

fn color(kind: Kind) -> &'static str {
    match kind {
        Kind::Call => "#3e9bff",
        Kind::Reply => "#93a0b8",
        Kind::Cast => "#b38cff",
        Kind::Send => "#e6eaf2",
        Kind::Exit => "#e5484d",
        Kind::Down => "#ffb224",
        Kind::Spawn => "#30a46c",
        Kind::Link | Kind::Monitor => "#8a9bbd",
    }
}

/// The middle of a process's column.
fn column_x(chart: &Chart, pid: Pid) -> f64 {
    chart
        .lifelines
        .iter()
        .position(|l| l.pid == pid)
        .unwrap_or(0) as f64
        * COL
        + COL / 2.0
}

/// Where a lifeline stops: at its end row, or at the bottom.
fn end_y(l: &Lifeline, height: f64) -> f64 {
    l.end
        .as_ref()
        .map_or(height, |(i, _)| HEAD + *i as f64 * ROW + ROW / 2.0)
}

/// The chart as a standalone SVG document (every row: for export).
pub fn svg(chart: &Chart) -> String {
    let cols = chart.lifelines.len().max(1);
    let width = cols as f64 * COL;
    let height = HEAD + chart.arrows.len() as f64 * ROW + ROW;
    let x = |pid| column_x(chart, pid);
    let esc = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    };
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" font-family=\"monospace\" font-size=\"11\"><rect width=\"100%\" height=\"100%\" fill=\"#171e2e\"/>"
    );
    for l in &chart.lifelines {
        let lx = x(l.pid);
        let y0 = HEAD + l.first as f64 * ROW;
        let y1 = end_y(l, height);
        out.push_str(&format!(
            "<text x=\"{lx}\" y=\"16\" fill=\"#e6eaf2\" text-anchor=\"middle\">{}</text><text x=\"{lx}\" y=\"30\" fill=\"#93a0b8\" text-anchor=\"middle\">{}</text><line x1=\"{lx}\" y1=\"{y0}\" x2=\"{lx}\" y2=\"{y1}\" stroke=\"#2b3650\" stroke-dasharray=\"4 3\"/>",
            esc(&l.name),
            esc(&l.pid.short())
        ));
    }
    for (i, a) in chart.arrows.iter().enumerate() {
        let y = HEAD + i as f64 * ROW + ROW / 2.0;
        let (x1, x2) = (x(a.from), x(a.to));
        if a.from == a.to {
            out.push_str(&format!(
                "<text x=\"{x1}\" y=\"{}\" fill=\"#ffb4b6\">✕ {}</text>",
                y + 4.0,
                esc(&a.label)
            ));
            continue;
        }
        out.push_str(&format!(
            "<line x1=\"{x1}\" y1=\"{y}\" x2=\"{x2}\" y2=\"{y}\" stroke=\"{}\"/><text x=\"{}\" y=\"{}\" fill=\"{}\" text-anchor=\"middle\">{} {}</text>",
            color(a.kind),
            (x1 + x2) / 2.0,
            y - 4.0,
            color(a.kind),
            a.kind.name(),
            esc(&a.label)
        ));
    }
    out.push_str("</svg>");
    out
}

#[function_component(SequenceView)]
pub fn sequence_view() -> Html {
    let scroll = use_state(|| 0.0f64);
    let copied = use_state(|| false);
    let Some(ctx) = use_sim() else {
        return html! {};
    };
    let sim = ctx.sim.borrow();
    let chart = sim.chart();
    let clear = ctx.dispatch.reform(|_| Action::ChartClear);
    let on_scroll = {
        let scroll = scroll.clone();
        Callback::from(move |e: Event| {
            if let Some(el) = e.target_dyn_into::<web_sys::Element>() {
                scroll.set(f64::from(el.scroll_top()));
            }
        })
    };
    let text = mermaid(&chart);
    let copy = {
        let copied = copied.clone();
        let text = text.clone();
        Callback::from(move |_| {
            if let Some(w) = web_sys::window() {
                let _ = w.navigator().clipboard().write_text(&text);
            }
            copied.set(true);
        })
    };
    let export_svg = {
        let doc = svg(&chart);
        let d = ctx.dispatch.clone();
        Callback::from(move |_| {
            if let Err(why) =
                super::timeline::download("redfour-sequence.svg", "image/svg+xml", &doc)
            {
                d.emit(Action::Notify(format!(
                    "The chart could not be exported: {why}."
                )));
            }
        })
    };

    let cols = chart.lifelines.len().max(1);
    let width = cols as f64 * COL;
    let rows = chart.arrows.len();
    let height = HEAD + rows as f64 * ROW + 2.0 * ROW;
    let first = ((*scroll - HEAD) / ROW).floor().max(0.0) as usize;
    let first = first.saturating_sub(OVERSCAN);
    let last = ((((*scroll + VIEW) / ROW).ceil() as usize) + OVERSCAN).min(rows);
    let x = |pid| column_x(&chart, pid);
    let body = if sim.charted.is_empty() {
        html! {
            <p class="empty" data-testid="sequence-empty">
                { "Select a process (in the table, the tree, or a customer's Inspect) and press " }
                <strong>{ "Show in the sequence chart" }</strong>
                { " in the inspector: its calls, replies, casts, exits and monitors are drawn here as they happen." }
            </p>
        }
    } else {
        html! {
            <div class="sequence-scroll" onscroll={on_scroll} style={format!("height:{VIEW}px")} tabindex="0"
                aria-label="Sequence chart: scroll to see older and newer messages">
                <svg width={width.to_string()} height={height.to_string()} class="sequence" data-testid="sequence-chart"
                    role="img" aria-label={format!("{} lifelines, {} arrows", chart.lifelines.len(), rows)}>
                    { for chart.lifelines.iter().map(|l| {
                        let lx = x(l.pid);
                        let y0 = HEAD + l.first as f64 * ROW;
                        let y1 = end_y(l, height);
                        html! {
                            <g data-testid="lifeline" data-pid={l.pid.short()} data-end={l.end.as_ref().map(|e| e.1.clone()).unwrap_or_default()}>
                                <text x={lx.to_string()} y="16" class="lifeline-name">{ l.name.clone() }</text>
                                <text x={lx.to_string()} y="31" class="lifeline-pid">{ l.pid.short() }</text>
                                <line x1={lx.to_string()} y1={y0.to_string()} x2={lx.to_string()} y2={y1.to_string()} class="lifeline" />
                            </g>
                        }
                    }) }
                    { for chart.arrows.iter().enumerate().skip(first).take(last.saturating_sub(first)).map(|(i, a)| {
                        let y = HEAD + i as f64 * ROW + ROW / 2.0;
                        let (x1, x2) = (x(a.from), x(a.to));
                        if a.from == a.to {
                            // a lifeline's end: a cross and the reason
                            return html! {
                                <g class="arrow end" data-testid="sequence-arrow" data-kind="end" data-from={a.from.short()}
                                    data-to={a.to.short()} data-index={i.to_string()} tabindex="0"
                                    aria-label={format!("{} {}", a.from.short(), a.full)}>
                                    <title>{ format!("{:.3} s · {} {}", a.at as f64 / 1000.0, a.from.short(), a.full) }</title>
                                    <text x={x1.to_string()} y={(y + 5.0).to_string()} class="lifeline-end">{ "✕" }</text>
                                    <text x={(x1 + 12.0).to_string()} y={(y + 5.0).to_string()} class="end-label">{ a.label.clone() }</text>
                                </g>
                            };
                        }
                        let dir = if x2 >= x1 { 1.0 } else { -1.0 };
                        let head = format!("{},{} {},{} {},{}", x2, y, x2 - 7.0 * dir, y - 4.0, x2 - 7.0 * dir, y + 4.0);
                        html! {
                            <g class={classes!("arrow", a.kind.name())} data-testid="sequence-arrow" data-kind={a.kind.name()}
                                data-from={a.from.short()} data-to={a.to.short()} data-index={i.to_string()}
                                data-pair={a.pair.map(|p| p.to_string()).unwrap_or_default()} tabindex="0"
                                aria-label={format!("{} from {} to {}: {}", a.kind.name(), a.from.short(), a.to.short(), a.full)}>
                                <title>{ format!("{:.3} s · {} {} → {}: {}", a.at as f64 / 1000.0, a.kind.name(), a.from.short(), a.to.short(), a.full) }</title>
                                <line x1={x1.to_string()} y1={y.to_string()} x2={x2.to_string()} y2={y.to_string()} stroke={color(a.kind)}
                                    stroke-dasharray={if a.kind == Kind::Reply { "5 3" } else { "" }} />
                                <polygon points={head} fill={color(a.kind)} />
                                <text x={((x1 + x2) / 2.0).to_string()} y={(y - 5.0).to_string()} fill={color(a.kind)} class="arrow-label">
                                    { if a.label.is_empty() || matches!(a.kind, Kind::Exit | Kind::Down) { if a.label.is_empty() { a.kind.name().to_string() } else { a.label.clone() } } else { format!("{} {}", a.kind.name(), a.label) } }
                                </text>
                            </g>
                        }
                    }) }
                </svg>
            </div>
        }
    };
    html! {
        <section class="region sequence" aria-labelledby="sequence-title" data-testid="region-sequence">
            <h2 id="sequence-title">{ "Sequence chart" }</h2>
            <p class="panel-note">{ "The messages of the processes you chose, in virtual-time order: a call and its reply (dashed), casts, sends, exit signals, :DOWNs, spawns. A restarted process's lifeline ends with ✕ and its reason; its successor starts from the supervisor's spawn." }</p>
            if !sim.charted.is_empty() {
                <div class="sequence-actions">
                    <button onclick={copy} data-testid="sequence-mermaid">{ if *copied { "Copied" } else { "Copy as Mermaid" } }</button>
                    <button onclick={export_svg}>{ "Export SVG" }</button>
                    <button onclick={clear}>{ "Clear" }</button>
                    <span class="panel-note">{ format!("{} arrows", rows) }</span>
                </div>
            }
            { body }
            if !sim.charted.is_empty() {
                <details class="mermaid">
                    <summary>{ "Mermaid text" }</summary>
                    <pre data-testid="sequence-mermaid-text">{ text }</pre>
                </details>
            }
        </section>
    }
}
