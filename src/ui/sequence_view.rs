//! The sequence chart panel: a lifeline per process, arrows in virtual-time order, drawn as
//! SVG; only the rows in view are drawn, so 10,000 messages scroll as lightly as ten. Each
//! arrow's label is abbreviated; the whole message shows on hover or focus. Export as
//! Mermaid text or as SVG.

use yew::prelude::*;

use super::app::use_sim;
use super::sequence::{abbreviate, mermaid, Arrow, Chart, Kind, Lifeline, LABEL_CHARS};
use super::sim::Action;
use crate::runtime::Pid;

const ROW: f64 = 26.0;
const COL: f64 = 170.0;
/// The left margin, where each row's virtual time is written.
const GUTTER: f64 = 64.0;
/// The standalone SVG's header (names and pids); the panel's header is a sticky row above.
const HEAD: f64 = 44.0;
/// The panel's space above the first arrow.
const TOP: f64 = 6.0;
/// Rows drawn beyond the visible ones, above and below.
const OVERSCAN: usize = 10;
/// The chart's visible height (px).
const VIEW: f64 = 360.0;
/// The width of a character of the labels' monospace font (12 px), for fitting labels
/// between two lifelines.
const CHAR_W: f64 = 7.3;

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
    GUTTER + chart.column(pid) as f64 * COL + COL / 2.0
}

/// The middle of arrow row `i`, below `top`.
fn row_y(i: usize, top: f64) -> f64 {
    top + i as f64 * ROW + ROW / 2.0
}

/// Where a lifeline stops: at its end row, or at the bottom.
fn end_y(l: &Lifeline, top: f64, height: f64) -> f64 {
    l.end.as_ref().map_or(height, |(i, _)| row_y(*i, top))
}

/// An arrow's text: its kind and message (an exit or a :DOWN shows the message alone),
/// abbreviated to fit between its two lifelines; the whole message is in its title.
fn fitted(chart: &Chart, a: &Arrow) -> String {
    let text = if a.full.is_empty() {
        a.kind.name().to_string()
    } else if matches!(a.kind, Kind::Exit | Kind::Down) {
        a.full.clone()
    } else {
        format!("{} {}", a.kind.name(), a.full)
    };
    let gap = (column_x(chart, a.to) - column_x(chart, a.from)).abs();
    let fits = (((gap - 12.0).max(0.0) / CHAR_W) as usize).clamp(6, LABEL_CHARS);
    abbreviate(&text, fits)
}

/// A row's virtual time, written when it differs from the row above's (one instant's
/// messages share one label).
fn row_time(chart: &Chart, i: usize) -> Option<String> {
    let at = chart.arrows.get(i)?.at;
    let shown = i == 0 || chart.arrows.get(i - 1).map(|a| a.at) != Some(at);
    shown.then(|| format!("{:.3}s", at as f64 / 1000.0))
}

/// The chart as a standalone SVG document (every row: for export).
pub fn svg(chart: &Chart) -> String {
    let cols = chart.lifelines.len().max(1);
    let width = GUTTER + cols as f64 * COL;
    let height = HEAD + chart.arrows.len() as f64 * ROW + ROW;
    let x = |pid| column_x(chart, pid);
    let esc = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    };
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" font-family=\"monospace\" font-size=\"12\"><rect width=\"100%\" height=\"100%\" fill=\"#0f1522\"/>"
    );
    for l in &chart.lifelines {
        let lx = x(l.pid);
        let y0 = HEAD + l.first as f64 * ROW;
        let y1 = end_y(l, HEAD, height);
        out.push_str(&format!(
            "<text x=\"{lx}\" y=\"16\" fill=\"#e6eaf2\" text-anchor=\"middle\">{}</text><text x=\"{lx}\" y=\"30\" fill=\"#93a0b8\" text-anchor=\"middle\">{}</text><line x1=\"{lx}\" y1=\"{y0}\" x2=\"{lx}\" y2=\"{y1}\" stroke=\"#3a4866\" stroke-dasharray=\"4 3\"/>",
            esc(&abbreviate(&l.name, 22)),
            esc(&l.pid.short())
        ));
    }
    for (i, a) in chart.arrows.iter().enumerate() {
        let y = row_y(i, HEAD);
        let (x1, x2) = (x(a.from), x(a.to));
        if let Some(t) = row_time(chart, i) {
            out.push_str(&format!(
                "<text x=\"{}\" y=\"{}\" fill=\"#93a0b8\" text-anchor=\"end\">{t}</text>",
                GUTTER - 8.0,
                y + 4.0
            ));
        }
        if a.from == a.to {
            out.push_str(&format!(
                "<text x=\"{x1}\" y=\"{}\" fill=\"#ffb4b6\" text-anchor=\"middle\">✕</text><text x=\"{}\" y=\"{}\" fill=\"#ffb4b6\">{}</text>",
                y + 5.0,
                x1 + 12.0,
                y + 5.0,
                esc(&a.label)
            ));
            continue;
        }
        let dir = if x2 >= x1 { 1.0 } else { -1.0 };
        out.push_str(&format!(
            "<line x1=\"{x1}\" y1=\"{y}\" x2=\"{x2}\" y2=\"{y}\" stroke=\"{c}\"{dash}/><polygon points=\"{x2},{y} {hx},{} {hx},{}\" fill=\"{c}\"/><text x=\"{}\" y=\"{}\" fill=\"{c}\" text-anchor=\"middle\" stroke=\"#0f1522\" stroke-width=\"3\" paint-order=\"stroke\">{}</text>",
            y - 4.0,
            y + 4.0,
            (x1 + x2) / 2.0,
            y - 5.0,
            esc(&fitted(chart, a)),
            c = color(a.kind),
            dash = if a.kind == Kind::Reply { " stroke-dasharray=\"5 3\"" } else { "" },
            hx = x2 - 7.0 * dir,
        ));
    }
    out.push_str("</svg>");
    out
}

/// S, the key that charts a process (in the table, the tree and on the floor); not with Ctrl
/// or ⌘, which belong to the browser.
pub fn is_chart_key(e: &KeyboardEvent) -> bool {
    e.key().eq_ignore_ascii_case("s") && !e.ctrl_key() && !e.meta_key()
}

/// Where the chart's scroll area stands: its scroll offsets and its visible width.
#[derive(Clone, Copy, PartialEq)]
struct View {
    top: f64,
    left: f64,
    width: f64,
}

#[function_component(SequenceView)]
pub fn sequence_view() -> Html {
    let view = use_state(|| View {
        top: 0.0,
        left: 0.0,
        width: 1280.0,
    });
    let copied = use_state(|| false);
    let show_text = use_state(|| false);
    let latest = use_mut_ref(|| None::<View>);
    let request = use_mut_ref(|| None::<gloo_render::AnimationFrame>);
    let Some(ctx) = use_sim() else {
        return html! {};
    };
    let sim = ctx.sim.borrow();
    let clear = ctx.dispatch.reform(|_| Action::ChartClear);
    // A wheel sends several scroll events a frame: the chart is drawn again once a frame,
    // at the latest position.
    let on_scroll = {
        let view = view.clone();
        let latest = latest.clone();
        let request = request.clone();
        Callback::from(move |e: Event| {
            if let Some(el) = e.target_dyn_into::<web_sys::Element>() {
                *latest.borrow_mut() = Some(View {
                    top: f64::from(el.scroll_top()),
                    left: f64::from(el.scroll_left()),
                    width: f64::from(el.client_width()),
                });
                if request.borrow().is_none() {
                    let view = view.clone();
                    let latest = latest.clone();
                    let done = request.clone();
                    let frame = gloo_render::request_animation_frame(move |_| {
                        done.borrow_mut().take();
                        let next = latest.borrow_mut().take();
                        if let Some(v) = next {
                            view.set(v);
                        }
                    });
                    *request.borrow_mut() = Some(frame);
                }
            }
        })
    };
    // The texts of a long chart are made when asked for, not at every refresh.
    let copy = {
        let copied = copied.clone();
        let sim = ctx.sim.clone();
        Callback::from(move |_| {
            let text = mermaid(&sim.borrow().chart());
            if let Some(w) = web_sys::window() {
                let _ = w.navigator().clipboard().write_text(&text);
            }
            copied.set(true);
        })
    };
    let export_svg = {
        let sim = ctx.sim.clone();
        let d = ctx.dispatch.clone();
        Callback::from(move |_| {
            let doc = svg(&sim.borrow().chart());
            if let Err(why) =
                super::timeline::download("redfour-sequence.svg", "image/svg+xml", &doc)
            {
                d.emit(Action::Notify(format!(
                    "The chart could not be exported: {why}."
                )));
            }
        })
    };
    let toggle_text = {
        let show_text = show_text.clone();
        Callback::from(move |_| show_text.set(!*show_text))
    };

    let chart = sim.chart();
    let cols = chart.lifelines.len().max(1);
    let width = GUTTER + cols as f64 * COL;
    let rows = chart.arrows.len();
    let height = TOP + rows as f64 * ROW + 2.0 * ROW;
    let View {
        top,
        left,
        width: seen,
    } = *view;
    let first = (((top - TOP) / ROW).floor().max(0.0) as usize).saturating_sub(OVERSCAN);
    let last = ((((top + VIEW) / ROW).ceil() as usize) + OVERSCAN).min(rows);
    // columns in view, and one either side
    let (x_lo, x_hi) = (left - COL, left + seen + COL);
    let x = |pid| column_x(&chart, pid);
    let in_view = |lx: f64| lx >= x_lo && lx <= x_hi;
    let body = if sim.sequence.charted.is_empty() {
        html! {
            <p class="empty" data-testid="sequence-empty">
                { "Choose processes to chart: press " }<kbd>{ "S" }</kbd>
                { " on a process in the table or the tree, or on a customer on the floor (or alt-click it), or press " }
                <strong>{ "Show in the sequence chart" }</strong>
                { " in the inspector. Their calls, replies, casts, exits and monitors are drawn here as they happen." }
            </p>
        }
    } else {
        html! {
            <div class="sequence-scroll" onscroll={on_scroll} style={format!("height:{VIEW}px")} tabindex="0"
                aria-label="Sequence chart: scroll to see older and newer messages, and more processes">
                <div class="sequence-heads" style={format!("width:{width}px")}>
                    { for chart.lifelines.iter().filter(|l| in_view(x(l.pid))).map(|l| html! {
                        <div key={l.pid.short()} class="sequence-head" data-testid="lifeline" data-pid={l.pid.short()}
                            data-end={l.end.as_ref().map(|e| e.1.clone()).unwrap_or_default()}
                            style={format!("left:{}px;width:{}px", x(l.pid) - COL / 2.0, COL)} title={format!("{} {}", l.name, l.pid.short())}>
                            <span class="lifeline-name">{ l.name.clone() }</span>
                            <span class="lifeline-pid">{ l.pid.short() }</span>
                        </div>
                    }) }
                </div>
                <svg width={width.to_string()} height={height.to_string()} class="sequence" data-testid="sequence-chart"
                    role="img" aria-label={format!("{} lifelines, {} arrows", chart.lifelines.len(), rows)}>
                    { for chart.lifelines.iter().filter(|l| in_view(x(l.pid))).map(|l| {
                        let lx = x(l.pid);
                        let y0 = TOP + l.first as f64 * ROW;
                        let y1 = end_y(l, TOP, height);
                        html! {
                            <line key={l.pid.short()} x1={lx.to_string()} y1={y0.to_string()} x2={lx.to_string()} y2={y1.to_string()} class="lifeline" />
                        }
                    }) }
                    { for (first..last).filter_map(|i| row_time(&chart, i).map(|t| html! {
                        <text key={i} x={(left + GUTTER - 8.0).to_string()} y={(row_y(i, TOP) + 4.0).to_string()} class="row-time">{ t }</text>
                    })) }
                    { for chart.arrows.iter().enumerate().skip(first).take(last.saturating_sub(first)).filter_map(|(i, a)| {
                        let y = row_y(i, TOP);
                        let (x1, x2) = (x(a.from), x(a.to));
                        if x1.max(x2) < x_lo || x1.min(x2) > x_hi {
                            return None;
                        }
                        if a.from == a.to {
                            // a lifeline's end: a cross and the reason
                            return Some(html! {
                                <g key={i} class="arrow end" data-testid="sequence-arrow" data-kind="end" data-from={a.from.short()}
                                    data-to={a.to.short()} data-index={i.to_string()} tabindex="0"
                                    aria-label={format!("{} {}", a.from.short(), a.full)}>
                                    <title>{ format!("{:.3} s · {} {}", a.at as f64 / 1000.0, a.from.short(), a.full) }</title>
                                    <text x={x1.to_string()} y={(y + 5.0).to_string()} class="lifeline-end">{ "✕" }</text>
                                    <text x={(x1 + 12.0).to_string()} y={(y + 5.0).to_string()} class="end-label">{ a.label.clone() }</text>
                                </g>
                            });
                        }
                        let dir = if x2 >= x1 { 1.0 } else { -1.0 };
                        let head = format!("{},{} {},{} {},{}", x2, y, x2 - 7.0 * dir, y - 4.0, x2 - 7.0 * dir, y + 4.0);
                        Some(html! {
                            <g key={i} class={classes!("arrow", a.kind.name())} data-testid="sequence-arrow" data-kind={a.kind.name()}
                                data-from={a.from.short()} data-to={a.to.short()} data-index={i.to_string()}
                                data-pair={a.pair.map(|p| p.to_string()).unwrap_or_default()} tabindex="0"
                                aria-label={format!("{} from {} to {}: {}", a.kind.name(), a.from.short(), a.to.short(), a.full)}>
                                <title>{ format!("{:.3} s · {} {} → {}: {}", a.at as f64 / 1000.0, a.kind.name(), a.from.short(), a.to.short(), a.full) }</title>
                                <line x1={x1.to_string()} y1={y.to_string()} x2={x2.to_string()} y2={y.to_string()} stroke={color(a.kind)}
                                    stroke-dasharray={if a.kind == Kind::Reply { "5 3" } else { "" }} />
                                <polygon points={head} fill={color(a.kind)} />
                                <text x={((x1 + x2) / 2.0).to_string()} y={(y - 5.0).to_string()} fill={color(a.kind)} class="arrow-label">
                                    { fitted(&chart, a) }
                                </text>
                            </g>
                        })
                    }) }
                </svg>
            </div>
        }
    };
    html! {
        <section class="region sequence" aria-labelledby="sequence-title" data-testid="region-sequence">
            <h2 id="sequence-title">{ "Sequence chart" }</h2>
            <p class="panel-note">{ "The messages of the processes you chose, in virtual-time order: a call and its reply (dashed), casts, sends, exit signals, :DOWNs, spawns. A restarted process's lifeline ends with ✕ and its reason; its successor starts from the supervisor's spawn. Hover or focus an arrow for its whole message." }</p>
            if !sim.sequence.charted.is_empty() {
                <div class="sequence-actions">
                    <button onclick={copy} data-testid="sequence-mermaid">{ if *copied { "Copied" } else { "Copy as Mermaid" } }</button>
                    <button onclick={export_svg}>{ "Export SVG" }</button>
                    <button onclick={toggle_text} aria-expanded={show_text.to_string()} data-testid="sequence-mermaid-show">
                        { if *show_text { "Hide Mermaid text" } else { "Show Mermaid text" } }
                    </button>
                    <button onclick={clear}>{ "Clear" }</button>
                    <span class="panel-note">{ format!("{} processes, {} arrows", chart.lifelines.len(), rows) }</span>
                </div>
            }
            { body }
            if !sim.sequence.charted.is_empty() && *show_text {
                <pre class="mermaid" data-testid="sequence-mermaid-text" tabindex="0" aria-label="The chart as Mermaid text">{ mermaid(&chart) }</pre>
            }
        </section>
    }
}
