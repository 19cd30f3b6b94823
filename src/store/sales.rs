//! Sales: the store's books. It records each sale with everything the session tracked
//! (items, discounts, logs), and keeps the figures the observer shows: sessions started and
//! ended, abandoned carts, and the cart items lost to crashes.
//!
//! Sessions tell it their cart size after every change (a cast), which is how the books know
//! what a crash cost: when a session restarts, what it had minus what it got back is lost.

use std::collections::HashMap;

use crate::atom;
use crate::runtime::gen_server::{self, From};
use crate::runtime::{signal, CallReply, Ctx, Flow, FnvBuild, GenServer, Pid, Term};

use super::catalog;

/// The Sales registered name.
pub const NAME: &str = "Redfour.Sales";

/// The figures the observer shows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Figures {
    pub sales: i64,
    pub revenue: i64,
    pub items_sold: i64,
    pub sessions_started: i64,
    pub sessions_ended: i64,
    pub abandoned: i64,
    pub restarts: i64,
    pub items_lost: i64,
}

impl Figures {
    pub fn to_term(&self) -> Term {
        Term::atom_map(&[
            ("sales", Term::Int(self.sales)),
            ("revenue", Term::Int(self.revenue)),
            ("items_sold", Term::Int(self.items_sold)),
            ("sessions_started", Term::Int(self.sessions_started)),
            ("sessions_ended", Term::Int(self.sessions_ended)),
            ("abandoned", Term::Int(self.abandoned)),
            ("restarts", Term::Int(self.restarts)),
            ("items_lost", Term::Int(self.items_lost)),
        ])
    }

    pub fn from_term(t: &Term) -> Option<Figures> {
        let get = |k: &str| t.get(k).and_then(|v| v.as_int());
        Some(Figures {
            sales: get("sales")?,
            revenue: get("revenue")?,
            items_sold: get("items_sold")?,
            sessions_started: get("sessions_started")?,
            sessions_ended: get("sessions_ended")?,
            abandoned: get("abandoned")?,
            restarts: get("restarts")?,
            items_lost: get("items_lost")?,
        })
    }

    /// The figures as the observer reads them many times a second: a tuple of eight
    /// integers in field order (building the map of `to_term` would cost ten times more).
    pub fn to_digest(&self) -> Term {
        Term::tuple(
            [
                self.sales,
                self.revenue,
                self.items_sold,
                self.sessions_started,
                self.sessions_ended,
                self.abandoned,
                self.restarts,
                self.items_lost,
            ]
            .into_iter()
            .map(Term::Int)
            .collect(),
        )
    }

    /// Reads `to_digest` back.
    pub fn from_digest(t: &Term) -> Option<Figures> {
        let ints: Vec<i64> = t.as_tuple()?.iter().filter_map(Term::as_int).collect();
        let [sales, revenue, items_sold, sessions_started, sessions_ended, abandoned, restarts, items_lost] =
            ints[..]
        else {
            return None;
        };
        Some(Figures {
            sales,
            revenue,
            items_sold,
            sessions_started,
            sessions_ended,
            abandoned,
            restarts,
            items_lost,
        })
    }

    /// These figures plus another's (the books of a Sales process that was restarted).
    pub fn plus(&self, o: &Figures) -> Figures {
        Figures {
            sales: self.sales.saturating_add(o.sales),
            revenue: self.revenue.saturating_add(o.revenue),
            items_sold: self.items_sold.saturating_add(o.items_sold),
            sessions_started: self.sessions_started.saturating_add(o.sessions_started),
            sessions_ended: self.sessions_ended.saturating_add(o.sessions_ended),
            abandoned: self.abandoned.saturating_add(o.abandoned),
            restarts: self.restarts.saturating_add(o.restarts),
            items_lost: self.items_lost.saturating_add(o.items_lost),
        }
    }

    /// Sales per ended session, in percent.
    pub fn conversion(&self) -> f64 {
        if self.sessions_ended == 0 {
            0.0
        } else {
            100.0 * self.sales as f64 / self.sessions_ended as f64
        }
    }
}

/// The Sales server.
#[derive(Default)]
pub struct Sales {
    figures: Figures,
    /// The most recent sales, newest last (at most `KEEP`).
    recent: Vec<Term>,
    /// Open carts: the last size each session reported.
    carts: HashMap<Key, i64, FnvBuild>,
    /// The sessions it monitors, by pid: their key.
    watching: crate::runtime::PidMap<Term>,
    /// Carts of crashed sessions, counted as lost until a successor says what it restored.
    crashed: HashMap<Key, i64, FnvBuild>,
}

/// A session's key in the books' maps (only looked up, never listed), hashed cheaply: an
/// atom by its interned id, not by name (with thousands of open carts, comparing
/// `:customer_10233` with `:customer_10234` by name cost more than the rest of the books
/// together). Keys are atoms; any other term hashes alike and is told apart by `==`.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Key(Term);

impl std::hash::Hash for Key {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        match &self.0 {
            Term::Atom(a) => h.write_u32(a.id()),
            _ => h.write_u32(u32::MAX),
        }
    }
}

impl Key {
    fn of(key: &Term) -> Key {
        Key(key.clone())
    }
}

const KEEP: usize = 50;

impl GenServer for Sales {
    const MODULE: &'static str = NAME;

    /// `{:record, sale}` → `{:ok, sale_number}`; `:figures` → the figures map.
    async fn handle_call(
        &mut self,
        ctx: &Ctx,
        request: Term,
        _from: From,
    ) -> Result<CallReply, Term> {
        let reply = match request.as_tuple() {
            Some([tag, sale]) if tag == &Term::Atom(atom!("record")) => {
                self.figures.sales += 1;
                let total = sale.get("total").and_then(|t| t.as_int()).unwrap_or(0);
                self.figures.revenue = self.figures.revenue.saturating_add(total);
                for item in sale.get("items").and_then(|i| i.as_list()).unwrap_or(&[]) {
                    let qty = item.get("quantity").and_then(|q| q.as_int()).unwrap_or(0);
                    self.figures.items_sold = self.figures.items_sold.saturating_add(qty);
                    if let Some(sku) = item.get("sku").and_then(|s| s.as_str()) {
                        gen_server::cast(
                            ctx,
                            catalog::NAME,
                            Term::tuple(vec![
                                Term::Atom(atom!("sold")),
                                Term::str(sku),
                                Term::Int(qty),
                            ]),
                        );
                    }
                }
                let key = sale.get("key").cloned().unwrap_or_else(Term::nil);
                self.end(&key, false);
                let items: i64 = sale
                    .get("items")
                    .and_then(|i| i.as_list())
                    .unwrap_or(&[])
                    .iter()
                    .filter_map(|i| i.get("quantity").and_then(|q| q.as_int()))
                    .fold(0i64, i64::saturating_add);
                ctx.note(
                    "sale",
                    &format!(
                        "sale #{} to {key}: {items} items, {}",
                        self.figures.sales,
                        money(total)
                    ),
                );
                self.recent.push(sale.clone());
                if self.recent.len() > KEEP {
                    self.recent.remove(0);
                }
                Term::ok_tuple(Term::Int(self.figures.sales))
            }
            _ if request == Term::atom("figures") => self.figures.to_term(),
            _ => Term::error_tuple(Term::atom("bad_request")),
        };
        Ok(CallReply::Reply(reply))
    }

    /// `{:started, key, pid}`, `{:cart, key, size}`, `{:restarted, key, restored_size, pid}`,
    /// `{:abandoned, key}` (idle timeout). Sales monitors each session it hears of, so the
    /// `:DOWN` says how it ended (see `handle_info`).
    async fn handle_cast(&mut self, ctx: &Ctx, msg: Term) -> Result<Flow, Term> {
        match msg.as_tuple() {
            Some([tag, key, Term::Pid(pid)]) if tag == &Term::Atom(atom!("started")) => {
                self.figures.sessions_started += 1;
                self.carts.insert(Key::of(key), 0);
                self.watch(ctx, *pid, key);
            }
            Some([tag, key, Term::Int(n)])
                if tag == &Term::Atom(atom!("cart")) && self.carts.contains_key(&Key::of(key)) =>
            {
                self.carts.insert(Key::of(key), *n);
            }
            Some([tag, key, Term::Int(restored), Term::Pid(pid)])
                if tag == &Term::Atom(atom!("restarted")) =>
            {
                self.figures.restarts += 1;
                self.carts.insert(Key::of(key), *restored);
                self.watch(ctx, *pid, key);
                // Its predecessor's cart was counted as lost when it crashed: what came
                // back from storage is not.
                if let Some(had) = self.crashed.remove(&Key::of(key)) {
                    let back = (*restored).clamp(0, had);
                    self.figures.items_lost = self.figures.items_lost.saturating_sub(back);
                    let lost = had - back;
                    if lost > 0 {
                        ctx.note_about(
                            *pid,
                            "lost",
                            &format!(
                                "{key} came back with {restored} of its {had} items: {lost} lost"
                            ),
                        );
                    }
                }
            }
            Some([tag, key]) if tag == &Term::Atom(atom!("abandoned")) => self.end(key, true),
            _ => {}
        }
        Ok(Flow::Continue)
    }

    /// `{:DOWN, ref, :process, pid, reason}` of a session: `:normal` ended it (a sale or an
    /// idle timeout already told the books), `:shutdown` was its supervisor stopping it
    /// (its cart is lost, and abandoned), anything else a crash (its cart is lost unless a
    /// successor restores it).
    async fn handle_info(&mut self, ctx: &Ctx, msg: Term) -> Result<Flow, Term> {
        let Some([tag, _, _, Term::Pid(pid), reason]) = msg.as_tuple() else {
            return Ok(Flow::Continue);
        };
        if *tag != Term::Atom(atom!("DOWN")) {
            return Ok(Flow::Continue);
        }
        let Some(key) = self.watching.remove(pid) else {
            return Ok(Flow::Continue);
        };
        let Some(items) = self.carts.get(&Key::of(&key)).copied() else {
            return Ok(Flow::Continue); // already ended: a sale or an idle timeout
        };
        if signal::is_clean(reason) {
            self.end(&key, signal::is_shutdown(reason));
            if signal::is_shutdown(reason) && items > 0 {
                self.figures.items_lost = self.figures.items_lost.saturating_add(items);
                ctx.note_about(
                    *pid,
                    "lost",
                    &format!("{key} was shut down by its supervisor: {items} items lost"),
                );
            }
        } else {
            self.carts.remove(&Key::of(&key));
            self.crashed.insert(Key(key), items);
            self.figures.items_lost = self.figures.items_lost.saturating_add(items);
        }
        Ok(Flow::Continue)
    }

    fn state(&self) -> Term {
        Term::atom_map(&[
            ("figures", self.figures.to_term()),
            ("recent", Term::list(self.recent.clone())),
        ])
    }

    fn digest(&self) -> Option<Term> {
        Some(self.figures.to_digest())
    }

    fn summary(&self) -> String {
        format!(
            "{} sales, {}",
            self.figures.sales,
            money(self.figures.revenue)
        )
    }
}

impl Sales {
    fn watch(&mut self, ctx: &Ctx, pid: Pid, key: &Term) {
        ctx.monitor(pid);
        self.watching.insert(pid, key.clone());
    }

    fn end(&mut self, key: &Term, abandoned: bool) {
        if let Some(items) = self.carts.remove(&Key::of(key)) {
            self.figures.sessions_ended += 1;
            if abandoned && items > 0 {
                self.figures.abandoned += 1;
            }
        }
    }
}

/// `$1,234.00`
pub fn money(cents: i64) -> String {
    let dollars = cents / 100;
    let mut digits = dollars.abs().to_string();
    let mut i = digits.len() as i64 - 3;
    while i > 0 {
        digits.insert(i as usize, ',');
        i -= 3;
    }
    format!(
        "{}${digits}.{:02}",
        if cents < 0 { "-" } else { "" },
        (cents % 100).abs()
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn money_prints_dollars_with_separators() {
        assert_eq!(super::money(0), "$0.00");
        assert_eq!(super::money(12_900), "$129.00");
        assert_eq!(super::money(123_456_789), "$1,234,567.89");
    }
}
