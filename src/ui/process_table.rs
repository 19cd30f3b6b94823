//! The process table: every live process, sortable, filterable by name or pid, and
//! virtualized (only the rows in view are in the page), so it stays fast with thousands;
//! under it, the ETS tables (`ets_tables.rs`).

use std::rc::Rc;

use web_sys::{Element, HtmlInputElement};
use yew::prelude::*;

use super::app::use_sim;
use super::sim::Action;
use crate::elixir::case_mapping::downcase_str;
use crate::runtime::ProcessInfo;

const ROW_HEIGHT: f64 = 26.0;
const VIEW_HEIGHT: f64 = 312.0;
const OVERSCAN: usize = 6;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Column {
    Pid,
    Name,
    Status,
    Queue,
    Reductions,
    Memory,
    Restarts,
    State,
}

const COLUMNS: &[(Column, &str)] = &[
    (Column::Pid, "pid"),
    (Column::Name, "name / module"),
    (Column::Status, "status"),
    (Column::Queue, "queue"),
    (Column::Reductions, "reductions"),
    (Column::Memory, "memory"),
    (Column::Restarts, "restarts"),
    (Column::State, "current state"),
];

/// A process as the table names it: `name (Module)`, or either.
pub fn display_name(p: &ProcessInfo) -> String {
    match (&p.name, &p.label) {
        (Some(n), Some(l)) if **n != **l => format!("{n} ({l})"),
        (Some(n), _) => n.to_string(),
        (None, Some(l)) => l.to_string(),
        (None, None) => String::new(),
    }
}

#[function_component(ProcessTable)]
pub fn process_table() -> Html {
    let sort = use_state(|| (Column::Pid, false));
    let filter = use_state(String::new);
    let scroll = use_state(|| 0.0f64);
    let Some(ctx) = use_sim() else {
        return html! {};
    };
    let sim = ctx.sim.borrow();

    let procs = sim.processes();
    // Filtering and sorting every process is redone only when the table, the filter or the
    // order changes (with 100,000 processes the table is read once a second, not per frame).
    let order: Rc<Vec<usize>> = {
        let procs = procs.clone();
        let sim_rc = ctx.sim.clone();
        let key = (Rc::as_ptr(&procs) as usize, (*filter).clone(), *sort);
        use_memo(key, move |(_, filter, sort)| {
            let Ok(sim) = sim_rc.try_borrow() else {
                return (0..procs.len()).collect();
            };
            let needle = downcase_str(filter);
            let mut rows: Vec<usize> = procs
                .iter()
                .enumerate()
                .filter(|(_, p)| {
                    needle.is_empty()
                        || p.pid.short().contains(&needle)
                        || downcase_str(&display_name(p)).contains(&needle)
                })
                .map(|(i, _)| i)
                .collect();
            let (column, descending) = *sort;
            crate::sorting::sort_by(&mut rows, |&a, &b| {
                let (a, b) = (&procs[a], &procs[b]);
                let order = match column {
                    Column::Pid => a.pid.cmp(&b.pid),
                    Column::Name => display_name(a).cmp(&display_name(b)),
                    Column::Status => a.status.to_string().cmp(&b.status.to_string()),
                    Column::Queue => a.message_queue_len.cmp(&b.message_queue_len),
                    Column::Reductions => a.reductions.cmp(&b.reductions),
                    Column::Memory => a.memory.cmp(&b.memory),
                    Column::Restarts => a.restarts.cmp(&b.restarts),
                    // Sorting by state reads every row's summary: fine at thousands, and only on demand.
                    Column::State => sim.rt.summary_of(a.pid).cmp(&sim.rt.summary_of(b.pid)),
                };
                if descending {
                    order.reverse()
                } else {
                    order
                }
            });
            rows
        })
    };
    let (column, descending) = *sort;
    let rows: Vec<&ProcessInfo> = order.iter().filter_map(|&i| procs.get(i)).collect();
    let total = rows.len();
    let first = ((*scroll / ROW_HEIGHT) as usize)
        .saturating_sub(OVERSCAN)
        .min(total);
    let last = (first + (VIEW_HEIGHT / ROW_HEIGHT) as usize + 2 * OVERSCAN).min(total);
    let onscroll = {
        let scroll = scroll.clone();
        Callback::from(move |e: Event| {
            if let Some(el) = e.target_dyn_into::<Element>() {
                scroll.set(el.scroll_top() as f64);
            }
        })
    };
    let oninput = {
        let filter = filter.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(input) = e.target_dyn_into::<HtmlInputElement>() {
                filter.set(input.value());
            }
        })
    };
    let selected = sim.selected;

    html! {
        <section class="region processes" aria-labelledby="processes-title" data-testid="region-processes">
            <h2 id="processes-title">{ format!("Processes ({total})") }</h2>
            <p class="panel-note">{ "Every process in the runtime, as in Erlang's observer: sort by a column, filter by name or pid, Enter to inspect, S (or alt-click) to draw its messages in the sequence chart (◆)." }</p>
            <input id="process-filter" class="filter" type="search" placeholder="Filter by name or pid" aria-label="Filter processes by name or pid" value={(*filter).clone()} {oninput} />
            <p class="scroll-hint">{ "Nine columns: swipe the table sideways for the rest →" }</p>
            <div class="table-scroll" tabindex="0" role="region" aria-label="Process table, scrolls sideways">
            <div role="table" aria-label="Processes" aria-rowcount={(total + 1).to_string()}>
            <div role="rowgroup">
            <div class="table-head" role="row" aria-rowindex="1">
                <div class="th-cell" role="columnheader"><span class="th static">{ "group" }</span></div>
                { for COLUMNS.iter().map(|&(col, title)| {
                    let sort = sort.clone();
                    let arrow = if column == col { if descending { " ▼" } else { " ▲" } } else { "" };
                    let aria_sort = if column == col { if descending { "descending" } else { "ascending" } } else { "none" };
                    let onclick = Callback::from(move |_| {
                        let (c, d) = *sort;
                        sort.set((col, if c == col { !d } else { false }));
                    });
                    let numeric = matches!(col, Column::Queue | Column::Reductions | Column::Memory | Column::Restarts);
                    html! {
                        <div class={classes!("th-cell", numeric.then_some("num"))} role="columnheader" aria-sort={aria_sort}>
                            <button class="th" {onclick}>{ format!("{title}{arrow}") }</button>
                        </div>
                    }
                }) }
            </div>
            </div>
            <div class="table-body" style={format!("height:{VIEW_HEIGHT}px")} {onscroll} role="rowgroup" tabindex="-1">
                <div style={format!("height:{}px;position:relative", total as f64 * ROW_HEIGHT)} role="none">
                    { for rows[first..last].iter().enumerate().map(|(i, p)| {
                        let pid = p.pid;
                        let top = (first + i) as f64 * ROW_HEIGHT;
                        let onclick = ctx.dispatch.reform(move |e: MouseEvent| {
                            if e.alt_key() { Action::ChartToggle(pid) } else { Action::Select(Some(pid)) }
                        });
                        let onkeydown = {
                            let dispatch = ctx.dispatch.clone();
                            Callback::from(move |e: KeyboardEvent| {
                                if e.key() == "Enter" || e.key() == " " {
                                    dispatch.emit(Action::Select(Some(pid)));
                                } else if super::sequence_view::is_chart_key(&e) {
                                    e.prevent_default();
                                    dispatch.emit(Action::ChartToggle(pid));
                                }
                            })
                        };
                        let charted = sim.sequence.charted.contains(&pid.number());
                        let class = classes!("tr", (selected == Some(pid)).then_some("selected"), charted.then_some("charted"));
                        html! {
                            <div class={class} role="row" aria-rowindex={(first + i + 2).to_string()} data-testid="process-row" data-pid={pid.short()}
                                style={format!("top:{top}px;height:{ROW_HEIGHT}px")} {onclick} {onkeydown} tabindex="0">
                                <span role="cell" class={classes!("td", "group", sim.group_of(pid))}>{ sim.group_of(pid) }</span>
                                <span role="cell" class="td mono">{ pid.short() }</span>
                                <span role="cell" class="td name" title={display_name(p)}>
                                    if charted { <span class="charted-mark" title="in the sequence chart">{ "◆ " }</span><span class="sr-only">{ "(in the sequence chart) " }</span> }
                                    { display_name(p) }
                                </span>
                                <span role="cell" class="td">{ p.status.to_string() }</span>
                                <span role="cell" class="td num">{ p.message_queue_len }</span>
                                <span role="cell" class="td num">{ p.reductions }</span>
                                <span role="cell" class="td num">{ p.memory }</span>
                                <span role="cell" class="td num">{ p.restarts }</span>
                                <span role="cell" class="td state" title={sim.rt.summary_of(pid).unwrap_or_default()}>{ sim.rt.summary_of(pid).unwrap_or_default() }</span>
                            </div>
                        }
                    }) }
                </div>
            </div>
            </div>
            </div>
            { super::ets_tables::ets_tables(&sim, &ctx.dispatch) }
        </section>
    }
}
