//! The Catalog: Red:4 Aerospace's products. Sessions ask it for prices with a call.

use std::rc::Rc;

use crate::atom;
use crate::runtime::gen_server::From;
use crate::runtime::{CallReply, Ctx, Flow, GenServer, Term};

/// The Catalog's registered name.
pub const NAME: &str = "Redfour.Catalog";

/// A product. Prices are integer cents.
#[derive(Clone, Debug, PartialEq)]
pub struct Product {
    pub sku: Rc<str>,
    pub name: Rc<str>,
    pub price: i64,
    pub stock: i64,
}

impl Product {
    fn new(sku: &str, name: &str, price: i64, stock: i64) -> Self {
        Product {
            sku: Rc::from(sku),
            name: Rc::from(name),
            price,
            stock,
        }
    }

    pub fn to_term(&self) -> Term {
        Term::atom_map(&[
            ("sku", Term::str(&self.sku)),
            ("name", Term::str(&self.name)),
            ("price", Term::Int(self.price)),
            ("stock", Term::Int(self.stock)),
        ])
    }
}

/// Whole dollars in cents.
const fn dollars(d: i64) -> i64 {
    d * 100
}

/// What Red:4 Aerospace sells.
pub fn products() -> Vec<Product> {
    vec![
        Product::new("R4-HELMET", "Pressure helmet", dollars(129), 400),
        Product::new("R4-SUIT", "EVA suit", dollars(2_199), 120),
        Product::new("R4-BOOTS", "Mag boots", dollars(89), 500),
        Product::new("R4-PACK", "Jet pack", dollars(1_499), 80),
        Product::new("R4-TETHER", "Safety tether", dollars(19), 2_000),
        Product::new("R4-VISOR", "Sun visor", dollars(45), 900),
        Product::new(
            "R4-RATIONS",
            "Freeze-dried rations (12)",
            dollars(24),
            5_000,
        ),
        Product::new("R4-MUG", "Zero-g mug", dollars(12), 3_000),
    ]
}

/// Discount codes and their percentage off.
pub const DISCOUNTS: &[(&str, i64)] = &[("LAUNCH10", 10), ("ORBIT20", 20), ("CREW5", 5)];

pub fn discount_percent(code: &str) -> Option<i64> {
    DISCOUNTS.iter().find(|(c, _)| *c == code).map(|(_, p)| *p)
}

/// The Catalog server.
pub struct Catalog {
    products: Vec<Product>,
    /// Each product's answer to `{:price, sku}`, built once (a price never changes).
    price_replies: Vec<Term>,
}

impl Default for Catalog {
    fn default() -> Self {
        let products = products();
        let price_replies = products
            .iter()
            .map(|p| {
                Term::ok_tuple(Term::atom_map(&[
                    ("sku", Term::str(&p.sku)),
                    ("name", Term::str(&p.name)),
                    ("price", Term::Int(p.price)),
                ]))
            })
            .collect();
        Catalog {
            products,
            price_replies,
        }
    }
}

impl GenServer for Catalog {
    const MODULE: &'static str = NAME;

    /// `{:price, sku}` → `{:ok, %{sku, name, price}}` or `{:error, :not_found}`; `:list`.
    async fn handle_call(
        &mut self,
        _ctx: &Ctx,
        request: Term,
        _from: From,
    ) -> Result<CallReply, Term> {
        let reply = match request.as_tuple() {
            Some([tag, Term::Str(sku)]) if tag == &Term::Atom(atom!("price")) => {
                match self.products.iter().position(|p| p.sku == *sku) {
                    Some(i) => self.price_replies[i].clone(),
                    None => Term::error_tuple(Term::atom("not_found")),
                }
            }
            _ if request == Term::atom("list") => {
                Term::list(self.products.iter().map(Product::to_term).collect())
            }
            _ => Term::error_tuple(Term::atom("bad_request")),
        };
        Ok(CallReply::Reply(reply))
    }

    /// `{:sold, sku, quantity}` takes stock off.
    async fn handle_cast(&mut self, _ctx: &Ctx, msg: Term) -> Result<Flow, Term> {
        if let Some([tag, Term::Str(sku), Term::Int(qty)]) = msg.as_tuple() {
            if tag == &Term::Atom(atom!("sold")) {
                if let Some(p) = self.products.iter_mut().find(|p| p.sku == *sku) {
                    p.stock = p.stock.saturating_sub(*qty).max(0);
                }
            }
        }
        Ok(Flow::Continue)
    }

    fn state(&self) -> Term {
        Term::atom_map(&[(
            "products",
            Term::list(self.products.iter().map(Product::to_term).collect()),
        )])
    }

    fn summary(&self) -> String {
        format!("{} products", self.products.len())
    }
}
