//! The observer's ETS tables (as OTP's observer has a *Table Viewer*): every table with its
//! name, kind, protection, objects, memory and owner, under the process table. A click on
//! the owner inspects it; kill the owner and its tables go (the trace tells it).

use yew::prelude::*;

use super::sim::{Action, World};
use crate::runtime::ets::TableInfo;

/// Rows drawn at most: the section renders with the process table at every frame, and a
/// loop making `:digraph`s (three tables each) could make thousands.
const SHOWN: usize = 50;

/// The section, a plain function of the world shown (the process table renders it).
pub fn ets_tables(sim: &World, dispatch: &Callback<Action>) -> Html {
    let tables = sim.rt.ets_tables();
    let row = |t: &TableInfo| {
        let owner = t.owner;
        let onclick = dispatch.reform(move |_| Action::Select(Some(owner)));
        let owner_name = sim
            .rt
            .process_info(owner)
            .map(|p| super::process_table::display_name(&p))
            .filter(|n| !n.is_empty())
            .map(|n| format!(" {n}"))
            .unwrap_or_default();
        html! {
            <tr data-testid="ets-row">
                <th scope="row" class="mono">{ crate::runtime::Term::Atom(crate::runtime::Atom::new(&t.name)).to_string() }
                    if !t.named { <span class="ets-ref">{ format!(" {}", t.id) }</span> }
                </th>
                <td>{ t.kind.name() }</td>
                <td>{ t.access.name() }</td>
                <td class="num">{ t.size }</td>
                <td class="num">{ t.memory * 8 }</td>
                <td><button class="link pid" {onclick} title="Inspect the owner">{ format!("{}{owner_name}", owner.short()) }</button></td>
            </tr>
        }
    };
    html! {
        <div class="ets-tables" data-testid="ets-tables">
            <h3 id="ets-title">{ format!("ETS tables ({})", tables.len()) }</h3>
            if tables.is_empty() {
                <p class="empty">{ "No tables: " }<code>{ ":ets.new(:buckets, [:named_table])" }</code>{ " in the console makes one, owned by the shell." }</p>
            } else {
                <div class="table-scroll" tabindex="0" role="region" aria-labelledby="ets-title">
                <table class="ets">
                    <thead><tr>
                        <th scope="col">{ "name" }</th><th scope="col">{ "type" }</th><th scope="col">{ "protection" }</th>
                        <th scope="col" class="num">{ "objects" }</th><th scope="col" class="num">{ "bytes" }</th><th scope="col">{ "owner" }</th>
                    </tr></thead>
                    <tbody>{ for tables.iter().take(SHOWN).map(row) }</tbody>
                </table>
                </div>
                if tables.len() > SHOWN {
                    <p class="panel-note">{ format!("… and {} more (the first {SHOWN} made are shown)", tables.len() - SHOWN) }</p>
                }
            }
        </div>
    }
}
