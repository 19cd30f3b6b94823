//! The inspector: the selected process in full: its state (a Session's whole struct),
//! links, monitors, supervisor, and its recent events.

use yew::prelude::*;

use super::app::use_sim;
use super::sim::Action;

#[function_component(Inspector)]
pub fn inspector() -> Html {
    let Some(ctx) = use_sim() else {
        return html! {};
    };
    let sim = ctx.sim.borrow();
    let body = match sim.selected {
        None => {
            html! { <p class="empty">{ "Select a process in the table or the tree to see its state, links and events." }</p> }
        }
        Some(pid) => match sim.rt.process_info(pid) {
            None => html! {
                <p class="empty">{ format!("{} has exited. Its supervisor, if it had one, may have started a successor with a new pid.", pid.short()) }</p>
            },
            Some(info) => {
                let state = sim.rt.state_of(pid).map_or_else(
                    || "(no state: a plain process, or busy inside a callback)".to_string(),
                    |t| t.to_string(),
                );
                let list = |pids: &[crate::runtime::Pid]| {
                    if pids.is_empty() {
                        "none".to_string()
                    } else {
                        pids.iter()
                            .map(|p| p.short())
                            .collect::<Vec<_>>()
                            .join(", ")
                    }
                };
                // Its events, and its predecessors' (the same child before each restart).
                let lineage: Vec<crate::runtime::Pid> = sim
                    .selected_restarts
                    .iter()
                    .map(|r| r.old)
                    .chain([pid])
                    .collect();
                let events: Vec<String> = sim
                    .trace
                    .iter()
                    .rev()
                    .filter(|e| e.event.pids().iter().any(|p| lineage.contains(p)))
                    .take(12)
                    .map(|e| format!("{:>9.3}s  {}", e.time as f64 / 1000.0, e.event))
                    .collect();
                let kill = ctx.dispatch.reform(move |_| Action::Kill(pid));
                let charted = sim.sequence.charted.contains(&pid.number());
                let chart = ctx.dispatch.reform(move |_| Action::ChartToggle(pid));
                html! {
                    <>
                        <dl class="facts">
                            <dt>{ "pid" }</dt><dd class="mono">{ pid.to_string() }</dd>
                            <dt>{ "name" }</dt><dd>{ info.name.as_deref().unwrap_or("—") }</dd>
                            <dt>{ "module" }</dt><dd>{ info.label.as_deref().unwrap_or("—") }</dd>
                            <dt>{ "status" }</dt><dd>{ info.status.to_string() }</dd>
                            <dt>{ "supervisor / parent" }</dt><dd class="mono">{ info.parent.map_or("—".into(), |p| p.short()) }</dd>
                            <dt>{ "links" }</dt><dd class="mono">{ list(&info.links) }</dd>
                            <dt>{ "monitors" }</dt><dd class="mono">{ list(&info.monitoring) }</dd>
                            <dt>{ "monitored by" }</dt><dd class="mono">{ list(&info.monitored_by) }</dd>
                            <dt>{ "trap_exit" }</dt><dd>{ info.trap_exit.to_string() }</dd>
                            <dt>{ "messages / reductions / memory" }</dt>
                            <dd>{ format!("{} / {} / {} bytes", info.message_queue_len, info.reductions, info.memory) }</dd>
                            <dt>{ "restarts" }</dt><dd>{ info.restarts }</dd>
                        </dl>
                        <div class="inspector-actions">
                            <button class="danger" onclick={kill}>{ format!("Process.exit({}, :kill)", pid.short()) }</button>
                            <button onclick={chart} data-testid="chart-toggle" aria-pressed={charted.to_string()}
                                title="Draw this process's messages in the sequence chart (its calls, replies, casts, exits)">
                                { if charted { "Remove from the sequence chart" } else { "Show in the sequence chart" } }
                            </button>
                        </div>
                        if !sim.selected_restarts.is_empty() {
                            <h3>{ "Restarts of this child" }</h3>
                            <ul class="restarts" data-testid="inspector-restarts">
                                { for sim.selected_restarts.iter().rev().map(|r| html! {
                                    <li class="mono">{ format!("{:.3}s  {} → {}  restarted by {} after exit {}", r.at_ms as f64 / 1000.0, r.old.short(), r.new.short(), r.by, r.reason) }</li>
                                }) }
                            </ul>
                        }
                        <h3>{ ":sys.get_state" }</h3>
                        <pre class="state" data-testid="inspector-state" tabindex="0" aria-label=":sys.get_state">{ state }</pre>
                        <h3>{ "Recent events" }</h3>
                        <pre class="events" tabindex="0" aria-label="Recent events">{ events.join("\n") }</pre>
                    </>
                }
            }
        },
    };
    html! {
        <section class="region inspector" aria-labelledby="inspector-title" data-testid="region-inspector">
            <h2 id="inspector-title">{ "Inspector" }</h2>
            <p class="panel-note">{ "The selected process: its :sys.get_state, links, monitors and latest events; it follows a child across restarts." }</p>
            { body }
        </section>
    }
}
