//! Simulated customers. A driver process lets customers in at a seeded random rate; each
//! customer is a process that starts its Session, browses, selects, changes and removes
//! items, applies a discount now and then, and checks out or walks away. Chaos kills random
//! sessions, as `Process.exit(pid, :kill)` would.
//!
//! Everything runs on the virtual clock and the runtime's seeded generator, with integer
//! arithmetic only, so the same seed gives the same day natively and in wasm. The settings
//! live in the application environment (`:simulation`), so the observer can change them
//! while the store runs.

use crate::atom;
use crate::runtime::gen_server;
use crate::runtime::registry::atom_name;
use crate::runtime::supervisor;
use crate::runtime::{signal, Ctx, Pid, Runtime, RuntimeError, SpawnOpts, Term};

use super::catalog;
use super::shopping::{self, SESSION_SUPERVISOR};

pub const DRIVER: &str = "Redfour.Customers";
/// The process label of a shopper (the browser, outside the application).
pub const CUSTOMER: &str = "Customer";
/// The note kind of a customer turned away while the application is down.
pub const TURNED_AWAY: &str = "turned_away";
const ENV: &str = "simulation";

/// The simulation's settings.
#[derive(Clone, Debug, PartialEq)]
pub struct SimConfig {
    /// Customers arriving per virtual minute.
    pub arrivals_per_minute: f64,
    /// How long a customer shops before deciding, in virtual ms (min, max).
    pub patience_ms: (u64, u64),
    /// Chance that a customer with a full cart buys, in percent.
    pub checkout_percent: u64,
    /// Random session kills per virtual minute.
    pub chaos_per_minute: f64,
    /// Stop letting customers in after this many (None: forever).
    pub max_customers: Option<u64>,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            arrivals_per_minute: 6.0,
            patience_ms: (30_000, 4 * 60_000),
            checkout_percent: 60,
            chaos_per_minute: 0.0,
            max_customers: None,
        }
    }
}

impl SimConfig {
    /// Writes the settings to the application environment (read by the driver each tick).
    pub fn apply(&self, rt: &Runtime) {
        let milli = |x: f64| Term::Int((x * 1000.0).round() as i64);
        rt.put_env(
            ENV,
            "arrivals_milli_per_minute",
            milli(self.arrivals_per_minute),
        );
        rt.put_env(ENV, "patience_min", Term::Int(self.patience_ms.0 as i64));
        rt.put_env(ENV, "patience_max", Term::Int(self.patience_ms.1 as i64));
        rt.put_env(
            ENV,
            "checkout_percent",
            Term::Int(self.checkout_percent as i64),
        );
        rt.put_env(ENV, "chaos_milli_per_minute", milli(self.chaos_per_minute));
        rt.put_env(
            ENV,
            "max_customers",
            self.max_customers
                .map_or_else(Term::nil, |n| Term::Int(n as i64)),
        );
    }
}

fn env_int(ctx: &Ctx, key: &str, default: i64) -> i64 {
    ctx.get_env(ENV, key)
        .and_then(|t| t.as_int())
        .unwrap_or(default)
}

/// A uniformly random wait with the given mean (integer maths: identical on every platform).
fn wait_with_mean(ctx: &Ctx, mean_ms: u64) -> u64 {
    1 + ctx.random_below(2 * mean_ms.max(1))
}

/// Starts the driver: customers arrive, and chaos strikes, until it is stopped.
pub fn start(rt: &Runtime, config: &SimConfig) -> Result<Pid, RuntimeError> {
    config.apply(rt);
    rt.spawn_opts(
        SpawnOpts::default().named(DRIVER).labelled(DRIVER),
        |ctx: Ctx| async move {
            let mut next_customer: u64 = 1;
            let mut next_arrival = ctx.now();
            let mut next_chaos = ctx.now();
            let mut chaos_on = false;
            loop {
                let arrivals = env_int(&ctx, "arrivals_milli_per_minute", 0) as u64;
                let chaos = env_int(&ctx, "chaos_milli_per_minute", 0) as u64;
                let max = ctx.get_env(ENV, "max_customers").and_then(|t| t.as_int());
                let now = ctx.now();
                if arrivals > 0
                    && now >= next_arrival
                    && max.is_none_or(|m| (next_customer as i64) <= m)
                {
                    let n = next_customer;
                    next_customer += 1;
                    ctx.spawn_opts(SpawnOpts::default().labelled(CUSTOMER), move |c: Ctx| {
                        customer(c, format!("customer_{n}"))
                    })
                    .ok();
                    next_arrival = now + wait_with_mean(&ctx, 60_000_000 / arrivals);
                }
                if chaos > 0 && !chaos_on {
                    chaos_on = true;
                    next_chaos = now + wait_with_mean(&ctx, 60_000_000 / chaos);
                }
                if chaos == 0 {
                    chaos_on = false;
                } else if now >= next_chaos {
                    strike(&ctx).await;
                    next_chaos = now + wait_with_mean(&ctx, 60_000_000 / chaos);
                }
                // Wake at the next event, or check the settings again in a second.
                let mut wake = now + 1_000;
                if arrivals > 0 {
                    wake = wake.min(next_arrival);
                }
                if chaos > 0 {
                    wake = wake.min(next_chaos);
                }
                if let Some(msg) = ctx.receive_timeout(wake.saturating_sub(now).max(1)).await {
                    if msg == Term::Atom(atom!("stop")) {
                        return signal::normal();
                    }
                }
            }
        },
    )
}

/// Kills a random live session, as `Process.exit(pid, :kill)`.
async fn strike(ctx: &Ctx) {
    let Ok(children) = supervisor::which_children(ctx, SESSION_SUPERVISOR).await else {
        return;
    };
    let pids: Vec<Pid> = children
        .as_list()
        .unwrap_or(&[])
        .iter()
        .filter_map(|c| c.as_tuple().and_then(|t| t.get(1)).and_then(|p| p.as_pid()))
        .collect();
    if !pids.is_empty() {
        let victim = pids[ctx.random_below(pids.len() as u64) as usize];
        ctx.note("chaos", &format!("chaos kills {victim}"));
        ctx.exit_signal(victim, signal::kill());
    }
}

/// Lets `count` shoppers in at once, keyed `<prefix>_<first>`, `<prefix>_<first + 1>`…:
/// each starts its Session and shops like any arriving customer. Their sessions exist as
/// soon as the runtime has run (`Runtime::run_until_idle`).
pub fn admit(rt: &Runtime, prefix: &str, first: u64, count: u64) -> Result<(), RuntimeError> {
    for n in first..first.saturating_add(count) {
        let key = format!("{prefix}_{n}");
        rt.spawn_opts(SpawnOpts::default().labelled(CUSTOMER), move |c: Ctx| {
            customer(c, key)
        })?;
    }
    Ok(())
}

/// One customer's visit.
async fn customer(ctx: Ctx, key: String) -> Term {
    let key = Term::atom(&key);
    let Some(atom) = key.as_atom() else {
        return signal::normal();
    };
    let name = atom_name(atom);
    match shopping::start_session(&ctx, &key).await {
        Ok(t) if t.as_tuple().is_some_and(|t| t.first() == Some(&Term::ok())) => {}
        // The application is down: the store turns the customer away, and, as in Elixir,
        // the call's exit takes the customer's process with it.
        Err(shopping::Raise::Exit(reason)) => {
            ctx.note(
                TURNED_AWAY,
                &format!("{key} was turned away: Redfour.SessionSupervisor is not running"),
            );
            return reason;
        }
        _ => return signal::normal(),
    }
    let products = catalog::products();
    let patience_min = env_int(&ctx, "patience_min", 30_000) as u64;
    let patience_max = env_int(&ctx, "patience_max", 240_000) as u64;
    let leave_at =
        ctx.now() + patience_min + ctx.random_below(patience_max.saturating_sub(patience_min) + 1);
    let mut cart: Vec<String> = Vec::new();
    let call = |request: Term| {
        let ctx = ctx.clone();
        let name = name.clone();
        async move { gen_server::call(&ctx, &*name, request, Some(5000)).await }
    };
    while ctx.now() < leave_at {
        ctx.sleep(3_000 + ctx.random_below(17_000)).await;
        let roll = ctx.random_below(100);
        let pick =
            |ctx: &Ctx, list: &[String]| list[ctx.random_below(list.len() as u64) as usize].clone();
        // A failed call (the session was just killed) is shrugged off: the next action
        // goes to its restarted successor, found by name.
        if roll < 55 || cart.is_empty() {
            let sku = products[ctx.random_below(products.len() as u64) as usize]
                .sku
                .to_string();
            let qty = 1 + ctx.random_below(3) as i64;
            let req = Term::tuple(vec![
                Term::Atom(atom!("select_item")),
                Term::str(&sku),
                Term::Int(qty),
            ]);
            if call(req).await.is_ok_and(|r| r == Term::ok()) && !cart.contains(&sku) {
                cart.push(sku);
            }
        } else if roll < 70 {
            let sku = pick(&ctx, &cart);
            let qty = 1 + ctx.random_below(4) as i64;
            let _ = call(Term::tuple(vec![
                Term::Atom(atom!("change_item")),
                Term::str(&sku),
                Term::Int(qty),
            ]))
            .await;
        } else if roll < 80 {
            let sku = pick(&ctx, &cart);
            let _ = call(Term::tuple(vec![
                Term::Atom(atom!("remove_item")),
                Term::str(&sku),
            ]))
            .await;
            cart.retain(|s| *s != sku);
        } else if roll < 85 {
            let code =
                catalog::DISCOUNTS[ctx.random_below(catalog::DISCOUNTS.len() as u64) as usize].0;
            let _ = call(Term::tuple(vec![
                Term::Atom(atom!("apply_discount")),
                Term::str(code),
            ]))
            .await;
        }
    }
    let buys = ctx.random_below(100) < env_int(&ctx, "checkout_percent", 60) as u64;
    if buys {
        let _ = call(Term::Atom(atom!("checkout"))).await;
    }
    // Otherwise the customer walks away and the session times out.
    signal::normal()
}
