//! The supervision tree, live, as SVG: the application, its supervisors and workers.
//! Restarted nodes flash; large groups of sessions collapse. Click a node (or focus it and
//! press Enter) to inspect it; shift-click it (or press Delete) to crash it.

use crate::sorted_map::SortedMap;
use std::rc::Rc;

use yew::prelude::*;

use super::app::use_sim;
use super::sim::Action;
use crate::runtime::{Pid, ProcessInfo};

/// Width of a character of a node's name (12 px monospace).
const NODE_CHAR_W: f64 = 7.4;

/// Children shown per supervisor before the rest collapse into one node.
pub const GROUP_LIMIT: usize = 8;

#[derive(Clone)]
struct Node {
    pid: Option<Pid>,
    label: String,
    sub: String,
    depth: usize,
    row: usize,
    parent_row: Option<usize>,
    supervisor: bool,
    flash: bool,
}

enum Item {
    Process(Pid),
    /// Children beyond `GROUP_LIMIT`, drawn as one node.
    Group(usize),
}

/// Rows of the tree, depth first from `root`, each with the row of its parent.
fn layout(procs: &[ProcessInfo], root: Pid, root_label: Option<&str>) -> Vec<Node> {
    let by_pid = SortedMap::from_unsorted(procs.iter().map(|p| (p.pid, p)).collect());
    // each parent's children in table order (the sort is stable)
    let mut by_parent: Vec<(Pid, &ProcessInfo)> =
        procs.iter().filter_map(|p| Some((p.parent?, p))).collect();
    crate::sorting::sort_by(&mut by_parent, |a, b| a.0.cmp(&b.0));
    let mut children: SortedMap<Pid, Vec<&ProcessInfo>> = SortedMap::new();
    for (parent, p) in by_parent {
        match children.get_mut(&parent) {
            Some(list) => list.push(p),
            // parents come in order: this insert is a push at the end
            None => {
                children.insert(parent, vec![p]);
            }
        }
    }
    let mut nodes = Vec::new();
    let mut stack: Vec<(Item, usize, Option<usize>)> = vec![(Item::Process(root), 0, None)];
    while let Some((item, depth, parent_row)) = stack.pop() {
        let row = nodes.len();
        match item {
            Item::Group(hidden) => nodes.push(Node {
                pid: None,
                label: format!("+{hidden} more"),
                sub: "collapsed".into(),
                depth,
                row,
                parent_row,
                supervisor: false,
                flash: false,
            }),
            Item::Process(pid) => {
                let Some(info) = by_pid.get(&pid) else {
                    continue;
                };
                let name = info
                    .name
                    .as_deref()
                    .or(info.label.as_deref())
                    .unwrap_or("process");
                nodes.push(Node {
                    pid: Some(pid),
                    label: match (depth, root_label) {
                        (0, Some(l)) => l.to_string(),
                        _ => name.trim_start_matches("Redfour.").to_string(),
                    },
                    sub: pid.short(),
                    depth,
                    row,
                    parent_row,
                    supervisor: info.is_supervisor || (depth == 0 && root_label.is_some()),
                    flash: false,
                });
                let kids = children.get(&pid).map(Vec::as_slice).unwrap_or(&[]);
                // Last pushed is drawn first: the group goes in before the shown children.
                if kids.len() > GROUP_LIMIT {
                    stack.push((Item::Group(kids.len() - GROUP_LIMIT), depth + 1, Some(row)));
                }
                for kid in kids.iter().take(GROUP_LIMIT).rev() {
                    stack.push((Item::Process(kid.pid), depth + 1, Some(row)));
                }
            }
        }
    }
    nodes
}

#[function_component(Tree)]
pub fn tree() -> Html {
    let Some(ctx) = use_sim() else {
        return html! {};
    };
    let sim = ctx.sim.borrow();
    let root = sim.shopping_master();
    let procs = sim.processes();
    let driver = sim.rt.whereis(crate::store::customers::DRIVER);
    // Laid out (and the clients counted) again only when the process table is read afresh
    // (with 100,000 processes, once a second), not every frame.
    let laid_out: Rc<(Vec<Node>, usize, Vec<Node>)> = {
        let procs = procs.clone();
        use_memo((Rc::as_ptr(&procs) as usize, root), move |(_, root)| {
            let clients = procs
                .iter()
                .filter(|p| p.label.as_deref() == Some(crate::store::customers::CUSTOMER))
                .count();
            // the console's shell and what it started (processes, supervisors typed there)
            let shell = procs
                .iter()
                .find(|p| p.label.as_deref() == Some("IEx shell"))
                .map(|p| p.pid);
            let console = shell
                .filter(|s| procs.iter().any(|p| p.parent == Some(*s)))
                .map(|s| layout(&procs, s, None))
                .unwrap_or_default();
            (
                root.map(|r| layout(&procs, r, Some("shopping (application)")))
                    .unwrap_or_default(),
                clients,
                console,
            )
        })
    };
    let clients = laid_out.1;
    let console_tree = if laid_out.2.is_empty() {
        html! {}
    } else {
        let mut nodes = laid_out.2.clone();
        for n in nodes.iter_mut() {
            n.flash = n.pid.is_some_and(|p| sim.flashing(p));
        }
        html! {
            <div class="console-tree" data-testid="console-tree">
                <p class="panel-note"><strong>{ "console" }</strong>{ " — the shell and the processes typed in it:" }</p>
                <div class="tree-scroll" tabindex="0" role="region" aria-label="Processes started from the console, scrollable">
                    { draw(&nodes, &ctx.dispatch, &sim.sequence.charted, "Processes started from the console") }
                </div>
            </div>
        }
    };
    let body = match root {
        None => html! { <p class="empty">{ "No application is running." }</p> },
        Some(_) => {
            let mut nodes: Vec<Node> = laid_out.0.clone();
            for n in nodes.iter_mut() {
                n.flash = n.pid.is_some_and(|p| sim.flashing(p));
            }
            draw(
                &nodes,
                &ctx.dispatch,
                &sim.sequence.charted,
                "Supervision tree",
            )
        }
    };
    html! {
        <section class="region tree" aria-labelledby="tree-title" data-testid="region-tree">
            <h2 id="tree-title">{ "Supervision tree" }</h2>
            <p class="panel-note">{ "Who supervises whom: the shopping application, its supervisors and their children. Restarts flash amber. On a process: Enter inspects, Delete crashes, S (or alt-click) draws its messages in the sequence chart." }</p>
            <div class="tree-scroll" tabindex="0" role="region" aria-label="Supervision tree, scrollable">{ body }</div>
            <div class="clients-group" data-testid="clients-group">
                <strong>{ "clients" }</strong>{ " — outside the application, like the shoppers' browsers: " }
                <span class="mono">{ driver.map_or_else(|| "Redfour.Customers is not running".to_string(), |p| format!("Redfour.Customers {}", p.short())) }</span>
                { format!(" lets customers in; {} Customer process{} call the store.", clients, if clients == 1 { "" } else { "es" }) }
                if sim.turned_away > 0 || root.is_none() {
                    { format!(" While the application is down, arriving customers are turned away: {} so far.", sim.turned_away) }
                }
            </div>
            { console_tree }
        </section>
    }
}

/// A tree's rows as SVG: one node a row, indented by depth, each as wide as its name (12 px
/// monospace): names are never cut.
fn draw(
    nodes: &[Node],
    dispatch: &Callback<Action>,
    charted: &crate::sorted_map::SortedSet<u32>,
    aria: &str,
) -> Html {
    let row_h = 40.0;
    let col_w = 28.0;
    let node_w = |n: &Node| {
        (n.label.chars().count().max(n.sub.chars().count()) as f64 * NODE_CHAR_W + 18.0).max(110.0)
    };
    let height = (nodes.len() as f64 * row_h + 10.0).max(60.0);
    let width = nodes
        .iter()
        .map(|n| n.depth as f64 * col_w + 8.0 + node_w(n))
        .fold(200.0, f64::max)
        + 8.0;
    html! {
        <svg class="tree-svg" viewBox={format!("0 0 {width} {height}")} width={width.to_string()} height={height.to_string()} role="tree" aria-label={aria.to_string()}>
            { for nodes.iter().filter_map(|n| {
                let pr = n.parent_row?;
                let parent = &nodes[pr];
                let (x1, y1) = (parent.depth as f64 * col_w + 16.0, pr as f64 * row_h + 40.0);
                let (x2, y2) = (n.depth as f64 * col_w + 8.0, n.row as f64 * row_h + 23.0);
                Some(html! { <path class="edge" d={format!("M{x1},{y1} V{y2} H{x2}")} /> })
            }) }
            { for nodes.iter().map(|n| {
                let x = n.depth as f64 * col_w + 8.0;
                let y = n.row as f64 * row_h + 6.0;
                let charted = n.pid.is_some_and(|p| charted.contains(&p.number()));
                let class = classes!("node", n.supervisor.then_some("sup"), n.flash.then_some("flash"), n.pid.is_none().then_some("group"), charted.then_some("charted"));
                let onclick = n.pid.map(|pid| dispatch.reform(move |e: MouseEvent| {
                    if e.shift_key() {
                        Action::Kill(pid)
                    } else if e.alt_key() {
                        Action::ChartToggle(pid)
                    } else {
                        Action::Select(Some(pid))
                    }
                }));
                // The keyboard form of click, shift-click and alt-click: Enter inspects,
                // Delete crashes, S charts.
                let onkeydown = n.pid.map(|pid| {
                    let d = dispatch.clone();
                    Callback::from(move |e: KeyboardEvent| match e.key().as_str() {
                        "Enter" | " " => {
                            e.prevent_default();
                            d.emit(Action::Select(Some(pid)));
                        }
                        "Delete" | "Backspace" => {
                            e.prevent_default();
                            d.emit(Action::Kill(pid));
                        }
                        _ if super::sequence_view::is_chart_key(&e) => {
                            e.prevent_default();
                            d.emit(Action::ChartToggle(pid));
                        }
                        _ => {}
                    })
                });
                let tabindex = n.pid.map(|_| "0");
                // The name starts with the visible text, as a screen reader user hears it.
                let label = match n.pid {
                    Some(_) => format!("{} {}: Enter inspects it, Delete crashes it, S charts its messages{}", n.label, n.sub, if charted { " (charted)" } else { "" }),
                    None => format!("{} {}", n.label, n.sub),
                };
                let w = node_w(n);
                html! {
                    <g class={class} transform={format!("translate({x},{y})")} onclick={onclick} {onkeydown} role="treeitem"
                        {tabindex} aria-label={label} data-pid={n.sub.clone()}>
                        <title>{ format!("{} {} — click or Enter to inspect, shift-click or Delete to crash, alt-click or S to chart its messages", n.label, n.sub) }</title>
                        <rect width={w.to_string()} height="34" rx="6" />
                        <text x="8" y="14" class="label">{ n.label.clone() }</text>
                        <text x="8" y="29" class="sub">{ n.sub.clone() }</text>
                    </g>
                }
            }) }
        </svg>
    }
}
