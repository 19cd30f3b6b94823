//! The store floor: customers as figures between the shelves, the checkout and the door.
//! A click crashes a customer's session (`Process.exit(pid, :kill)`); the figure breaks
//! apart and its supervisor brings it back, with a new pid and, unless the persistence
//! policy saved it, an empty cart.

use yew::prelude::*;

use super::app::use_sim;
use super::sim::{Action, Effect, Figure, EFFECT_MS};

/// Past this many customers the floor shows a count instead of more figures.
pub const FLOOR_LIMIT: usize = 300;

fn figure(fig: &Figure, wall: f64, dispatch: &Callback<Action>) -> Html {
    let pid = fig.pid;
    let (class, note) = match &fig.effect {
        Some((Effect::Restored { lost }, since)) => {
            let fresh = wall - since < EFFECT_MS;
            let note = (*lost > 0 && fresh).then(|| format!("−{lost} lost"));
            ("customer restored", note)
        }
        Some((Effect::Crashed, _)) => ("customer crashed", None),
        None if fig.leaving => ("customer leaving", None),
        None => ("customer", None),
    };
    let style = format!("left:{:.2}%;top:{:.2}%", fig.x * 100.0, fig.y * 100.0);
    let label = format!(
        "Customer :{}, session {}, {} item{} in cart. Click to crash it with Process.exit(pid, :kill).",
        fig.key,
        pid.short(),
        fig.items,
        if fig.items == 1 { "" } else { "s" }
    );
    let tooltip = format!(
        "Click: Process.exit({}, :kill). Its supervisor restarts :{} with a new pid.",
        pid.short(),
        fig.key
    );
    if fig.leaving {
        return html! {
            <div class={class} style={style} aria-hidden="true">
                <span class="body" /><span class="tag">{ format!(":{}", fig.key) }</span>
            </div>
        };
    }
    let onclick = dispatch.reform(move |_| Action::Kill(pid));
    html! {
        <button class={class} style={style} data-testid="session" data-key={fig.key.clone()}
            data-pid={pid.short()} aria-label={label} title={tooltip} onclick={onclick}>
            <span class="body" />
            if fig.items > 0 { <span class="badge">{ fig.items }</span> }
            <span class="tag">{ format!(":{}", fig.key) }<br/><span class="pid">{ pid.short() }</span></span>
            if let Some(note) = note { <span class="lost">{ note }</span> }
        </button>
    }
}

#[function_component(Floor)]
pub fn floor() -> Html {
    let Some(ctx) = use_sim() else {
        return html! {};
    };
    let sim = ctx.sim.borrow();
    let figures = sim.figures(FLOOR_LIMIT);
    let total = sim.session_count();
    html! {
        <section class="region floor" aria-labelledby="floor-title" data-testid="region-floor">
            <h2 id="floor-title">{ "Store floor" }
                <span class="hint">{ " — each customer is a Session process; click one to crash it" }</span>
            </h2>
            <div class="floor-plan">
                <div class="shelf" style="left:16%;top:10%">{ "Helmets · Suits" }</div>
                <div class="shelf" style="left:16%;top:38%">{ "Boots · Tethers" }</div>
                <div class="shelf" style="left:16%;top:66%">{ "Packs · Visors" }</div>
                <div class="checkout">{ "Checkout" }</div>
                <div class="door">{ "Door" }</div>
                { for figures.iter().map(|f| figure(f, sim.wall_ms, &ctx.dispatch)) }
                if total > FLOOR_LIMIT {
                    <div class="crowd" role="status">{ format!("+{} more customers (the floor draws the first {FLOOR_LIMIT}; the table lists all)", total - FLOOR_LIMIT) }</div>
                }
                if total == 0 {
                    <p class="empty">{ "The floor is empty. Customers arrive at the rate set above, or press +100 shoppers." }</p>
                }
            </div>
        </section>
    }
}
