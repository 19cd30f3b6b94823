//! A customer's shopping Session: the seed's GenServer, holding the seed's struct.
//!
//! ```elixir
//! defstruct [domain: nil, id: nil, key: nil, landing: "/", ip: "127.0.0.1",
//!            member_id: nil, items: [], logs: [], discounts: []]
//! ```
//!
//! Every change appends a log entry ("to have an effective store we need to *track
//! everything*"). Sessions are `transient`: one that ends normally (checkout, idle timeout)
//! is not restarted; a killed or crashed one is, with a new pid, and, unless the persistence
//! policy is `snapshot`, an empty cart.

use std::rc::Rc;

use crate::json::{self, Value};

use crate::atom;
use crate::runtime::gen_server::{self, From};
use crate::runtime::registry::atom_name;
use crate::runtime::{signal, Atom, CallReply, Ctx, Flow, GenServer, Init, Term};

use super::catalog;
use super::sales;
use super::session_store;
use super::shopping::{self, Persistence};

/// The module name, as `:sys.get_state` prints the struct.
pub const MODULE: &str = "Redfour.Shopping.Session";

/// A line of the cart.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item {
    pub sku: String,
    pub name: String,
    /// Unit price in cents, as the Catalog gave it.
    pub price: i64,
    pub quantity: i64,
}

/// One entry of the session's log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogEntry {
    /// Virtual milliseconds.
    pub at: u64,
    pub action: String,
    pub sku: Option<String>,
    pub quantity: Option<i64>,
    pub code: Option<String>,
}

/// The seed's struct. `key` is an atom (stored by name).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionData {
    pub key: String,
    pub landing: String,
    pub ip: String,
    pub items: Vec<Item>,
    pub logs: Vec<LogEntry>,
    pub discounts: Vec<String>,
}

impl SessionData {
    pub fn new(key: &str) -> Self {
        SessionData {
            key: key.to_string(),
            landing: "/".into(),
            ip: "127.0.0.1".into(),
            items: vec![],
            logs: vec![],
            discounts: vec![],
        }
    }

    pub fn item_count(&self) -> i64 {
        self.items
            .iter()
            .fold(0i64, |n, i| n.saturating_add(i.quantity))
    }

    /// Subtotal minus the best discount, in cents.
    pub fn total(&self) -> i64 {
        // Saturating: a console user may type absurd quantities; the store must not overflow.
        let subtotal = self.items.iter().fold(0i64, |sum, i| {
            sum.saturating_add(i.price.saturating_mul(i.quantity))
        });
        let percent = self
            .discounts
            .iter()
            .filter_map(|c| catalog::discount_percent(c))
            .max()
            .unwrap_or(0);
        subtotal - subtotal / 100 * percent - subtotal % 100 * percent / 100
    }

    fn item_term(item: &Item) -> Term {
        Term::atoms_map(vec![
            (atom!("sku"), Term::str(&item.sku)),
            (atom!("name"), Term::str(&item.name)),
            (atom!("price"), Term::Int(item.price)),
            (atom!("quantity"), Term::Int(item.quantity)),
        ])
    }

    fn log_term(log: &LogEntry) -> Term {
        let mut fields = Vec::with_capacity(5);
        fields.push((atom!("at"), Term::Int(log.at as i64)));
        fields.push((atom!("action"), Term::atom(&log.action)));
        if let Some(sku) = &log.sku {
            fields.push((atom!("sku"), Term::str(sku)));
        }
        if let Some(q) = log.quantity {
            fields.push((atom!("quantity"), Term::Int(q)));
        }
        if let Some(code) = &log.code {
            fields.push((atom!("code"), Term::str(code)));
        }
        Term::atoms_map(fields)
    }

    /// `%Redfour.Shopping.Session{…}` with the seed's fields in declaration order.
    pub fn to_term(&self) -> Term {
        Term::structure(
            MODULE,
            vec![
                ("domain", Term::nil()),
                ("id", Term::nil()),
                ("key", Term::atom(&self.key)),
                ("landing", Term::str(&self.landing)),
                ("ip", Term::str(&self.ip)),
                ("member_id", Term::nil()),
                (
                    "items",
                    Term::list(self.items.iter().map(Self::item_term).collect()),
                ),
                (
                    "logs",
                    Term::list(self.logs.iter().map(Self::log_term).collect()),
                ),
                (
                    "discounts",
                    Term::list(self.discounts.iter().map(|d| Term::str(d)).collect()),
                ),
            ],
        )
    }

    /// The snapshot written to the SessionStore: its fields in order, a log entry's absent
    /// options left out.
    pub fn to_json(&self) -> String {
        let strings = |v: &[String]| Value::Array(v.iter().map(|s| Value::str(s)).collect());
        let items = self
            .items
            .iter()
            .map(|i| {
                Value::Object(vec![
                    ("sku".into(), Value::str(&i.sku)),
                    ("name".into(), Value::str(&i.name)),
                    ("price".into(), Value::Int(i.price.into())),
                    ("quantity".into(), Value::Int(i.quantity.into())),
                ])
            })
            .collect();
        Value::Object(vec![
            ("key".into(), Value::str(&self.key)),
            ("landing".into(), Value::str(&self.landing)),
            ("ip".into(), Value::str(&self.ip)),
            ("items".into(), Value::Array(items)),
            (
                "logs".into(),
                Value::Array(self.logs.iter().map(log_value).collect()),
            ),
            ("discounts".into(), strings(&self.discounts)),
        ])
        .to_text()
    }

    /// `to_json`, byte for byte, with the log's entries taken from `logs`, which holds the
    /// first `logs.0` of them already written (and is brought up to date here). The log only
    /// grows, so each entry is written once, not at every save of a long visit.
    pub fn to_json_with(&self, logs: &mut (usize, String)) -> String {
        if logs.0 > self.logs.len() {
            *logs = (0, String::new()); // another log (restored from storage): start again
        }
        for entry in &self.logs[logs.0..] {
            if logs.0 > 0 {
                logs.1.push(',');
            }
            logs.1.push_str(&log_value(entry).to_text());
            logs.0 += 1;
        }
        // `to_json`'s text, written here for the fields rewritten at every save: a string
        // with nothing to escape goes as it is, any other through `json::write_string`.
        fn string(out: &mut Vec<u8>, v: &str) {
            if v.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\') {
                out.push(b'"');
                out.extend_from_slice(v.as_bytes());
                out.push(b'"');
            } else {
                let mut s = String::new();
                json::write_string(&mut s, v);
                out.extend_from_slice(s.as_bytes());
            }
        }
        fn int(out: &mut Vec<u8>, n: i64) {
            out.extend_from_slice(n.to_string().as_bytes());
        }
        fn strings(out: &mut Vec<u8>, items: &[String]) {
            out.push(b'[');
            for (i, s) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                string(out, s);
            }
            out.push(b']');
        }
        let mut out = Vec::with_capacity(logs.1.len() + 256);
        out.extend_from_slice(b"{\"key\":");
        string(&mut out, &self.key);
        out.extend_from_slice(b",\"landing\":");
        string(&mut out, &self.landing);
        out.extend_from_slice(b",\"ip\":");
        string(&mut out, &self.ip);
        out.extend_from_slice(b",\"items\":[");
        for (i, item) in self.items.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            out.extend_from_slice(b"{\"sku\":");
            string(&mut out, &item.sku);
            out.extend_from_slice(b",\"name\":");
            string(&mut out, &item.name);
            out.extend_from_slice(b",\"price\":");
            int(&mut out, item.price);
            out.extend_from_slice(b",\"quantity\":");
            int(&mut out, item.quantity);
            out.push(b'}');
        }
        out.extend_from_slice(b"],\"logs\":[");
        out.extend_from_slice(logs.1.as_bytes());
        out.extend_from_slice(b"],\"discounts\":");
        strings(&mut out, &self.discounts);
        out.push(b'}');
        // UTF-8 in, UTF-8 out
        String::from_utf8(out).unwrap_or_default()
    }

    /// Reads a snapshot back; `Err` describes a corrupt one.
    pub fn from_json(text: &str) -> Result<Self, String> {
        let doc = json::parse(text)?;
        let field = |v: &Value, k: &str| -> Result<Value, String> {
            v.get(k)
                .cloned()
                .ok_or_else(|| format!("missing field `{k}`"))
        };
        let string = |v: &Value, k: &str| -> Result<String, String> {
            field(v, k)?
                .as_str()
                .map(String::from)
                .ok_or_else(|| format!("field `{k}` is not a string"))
        };
        let int = |v: &Value, k: &str| -> Result<i64, String> {
            field(v, k)?
                .as_i64()
                .ok_or_else(|| format!("field `{k}` is not an integer"))
        };
        let array = |v: &Value, k: &str| -> Result<Vec<Value>, String> {
            match field(v, k)? {
                Value::Array(items) => Ok(items),
                _ => Err(format!("field `{k}` is not a list")),
            }
        };
        let optional = |v: &Value, k: &str| v.get(k).filter(|x| **x != Value::Null).cloned();
        let mut items = Vec::new();
        for i in array(&doc, "items")? {
            items.push(Item {
                sku: string(&i, "sku")?,
                name: string(&i, "name")?,
                price: int(&i, "price")?,
                quantity: int(&i, "quantity")?,
            });
        }
        let mut logs = Vec::new();
        for l in array(&doc, "logs")? {
            logs.push(LogEntry {
                at: field(&l, "at")?
                    .as_u64()
                    .ok_or("field `at` is not a time")?,
                action: string(&l, "action")?,
                sku: optional(&l, "sku").and_then(|v| v.as_str().map(String::from)),
                quantity: optional(&l, "quantity").and_then(|v| v.as_i64()),
                code: optional(&l, "code").and_then(|v| v.as_str().map(String::from)),
            });
        }
        let mut discounts = Vec::new();
        for d in array(&doc, "discounts")? {
            discounts.push(d.as_str().ok_or("a discount is not a string")?.to_string());
        }
        Ok(SessionData {
            key: string(&doc, "key")?,
            landing: string(&doc, "landing")?,
            ip: string(&doc, "ip")?,
            items,
            logs,
            discounts,
        })
    }
}

/// The storage key of a session: `redfour.session.<key>`.
pub fn storage_key(key: &str) -> String {
    format!("redfour.session.{key}")
}

/// The Session server.
pub struct Session {
    data: SessionData,
    /// The log's entries written as JSON so far (how many, and the text): see
    /// `SessionData::to_json_with`.
    logs_json: (usize, String),
    /// `storage_key` of its key, as a term.
    store_key: Term,
    key: Term,
    restarts: u32,
    idle_ms: u64,
}

impl Session {
    /// A session for an atom key; `None` for any other term.
    pub fn new(key: &Term, restarts: u32, idle_ms: u64) -> Option<Self> {
        let atom = key.as_atom()?;
        Some(Session {
            data: SessionData::new(&atom_name(atom)),
            logs_json: (0, String::new()),
            store_key: Term::str(&storage_key(&atom_name(atom))),
            key: key.clone(),
            restarts,
            idle_ms,
        })
    }

    fn log(
        &mut self,
        ctx: &Ctx,
        action: &str,
        sku: Option<&str>,
        quantity: Option<i64>,
        code: Option<&str>,
    ) {
        self.data.logs.push(LogEntry {
            at: ctx.now(),
            action: action.to_string(),
            sku: sku.map(String::from),
            quantity,
            code: code.map(String::from),
        });
    }

    /// After an acknowledged change: report the cart size, and under `snapshot` save the
    /// state before the caller gets its reply.
    async fn persist(&mut self, ctx: &Ctx) {
        gen_server::cast(
            ctx,
            sales::NAME,
            Term::tuple(vec![
                Term::Atom(atom!("cart")),
                self.key.clone(),
                Term::Int(self.data.item_count()),
            ]),
        );
        if shopping::persistence(ctx) == Persistence::Snapshot {
            self.save(ctx).await;
        }
    }

    async fn forget(&self, ctx: &Ctx) {
        let key = self.store_key.clone();
        self.store_call(ctx, vec![Term::Atom(atom!("delete")), key])
            .await;
    }

    async fn store_call(&self, ctx: &Ctx, request: Vec<Term>) -> Option<Term> {
        gen_server::call(ctx, session_store::NAME, Term::tuple(request), Some(5000))
            .await
            .ok()
    }

    /// Loads this session's snapshot. A corrupt one is moved aside to
    /// `redfour.corrupt.<key>` (nothing stored is lost) and the session starts empty.
    async fn restore(&mut self, ctx: &Ctx) {
        let key = self.store_key.clone();
        let Some(reply) = self
            .store_call(ctx, vec![Term::Atom(atom!("load")), key])
            .await
        else {
            ctx.note(
                "storage",
                &format!(
                    "{}: the session store did not answer; starting empty",
                    self.key
                ),
            );
            return;
        };
        let Some([_, Term::Str(json)]) = reply.as_tuple() else {
            return; // nothing stored
        };
        match SessionData::from_json(json)
            .ok()
            .filter(|d| d.key == self.data.key)
        {
            Some(data) => {
                self.data = data;
                self.logs_json = (0, String::new());
                ctx.note(
                    "restore",
                    &format!(
                        "{} restored {} items from its snapshot",
                        self.key,
                        self.data.item_count()
                    ),
                );
            }
            None => {
                let aside = format!("redfour.corrupt.{}", self.data.key);
                self.store_call(
                    ctx,
                    vec![
                        Term::Atom(atom!("save")),
                        Term::str(&aside),
                        Term::Str(json.clone()),
                    ],
                )
                .await;
                ctx.note(
                    "storage",
                    &format!("{}: its stored snapshot is corrupt; moved aside to {aside}, starting empty", self.key),
                );
            }
        }
    }

    async fn save(&mut self, ctx: &Ctx) {
        let key = self.store_key.clone();
        let json = self.data.to_json_with(&mut self.logs_json);
        // A failure is noted in the trace by the store; the session goes on.
        self.store_call(ctx, vec![Term::Atom(atom!("save")), key, Term::str(&json)])
            .await;
    }
}

fn arg_str(t: Option<&Term>) -> Option<&str> {
    t.and_then(|t| t.as_str())
}

fn error(reason: &str) -> Term {
    Term::error_tuple(Term::atom(reason))
}

impl GenServer for Session {
    const MODULE: &'static str = MODULE;

    async fn init(&mut self, ctx: &Ctx) -> Init {
        // Like the seed's `use GenServer`, it does not trap exits: `Process.exit(pid,
        // :shutdown)` stops it. The books hear how it ended by monitoring it (see sales.rs).
        if shopping::persistence(ctx) == Persistence::Snapshot {
            self.restore(ctx).await;
            // An open session survives a reload even before its first change.
            self.save(ctx).await;
        }
        let me = Term::Pid(ctx.pid());
        let msg = if self.restarts > 0 {
            Term::tuple(vec![
                Term::Atom(atom!("restarted")),
                self.key.clone(),
                Term::Int(self.data.item_count()),
                me,
            ])
        } else {
            Term::tuple(vec![Term::Atom(atom!("started")), self.key.clone(), me])
        };
        gen_server::cast(ctx, sales::NAME, msg);
        Init::OkTimeout(self.idle_ms)
    }

    async fn handle_call(
        &mut self,
        ctx: &Ctx,
        request: Term,
        _from: From,
    ) -> Result<CallReply, Term> {
        let (tag, args): (Rc<str>, &[Term]) = match &request {
            Term::Atom(a) => (a.name(), &[]),
            Term::Tuple(items) => match items.first() {
                Some(Term::Atom(a)) => (a.name(), &items[1..]),
                _ => return Ok(CallReply::ReplyTimeout(error("bad_request"), self.idle_ms)),
            },
            _ => return Ok(CallReply::ReplyTimeout(error("bad_request"), self.idle_ms)),
        };
        let reply = match (&*tag, args) {
            ("get", []) => self.data.to_term(),
            ("select_item", [sku, qty]) => {
                let (Some(sku), Some(qty)) = (sku.as_str(), qty.as_int()) else {
                    return Ok(CallReply::ReplyTimeout(error("invalid_item"), self.idle_ms));
                };
                if qty <= 0 {
                    error("invalid_quantity")
                } else {
                    let price = gen_server::call(
                        ctx,
                        catalog::NAME,
                        Term::tuple(vec![Term::Atom(atom!("price")), Term::str(sku)]),
                        Some(5000),
                    )
                    .await?;
                    match price.as_tuple() {
                        Some([ok, product]) if ok == &Term::ok() => {
                            match self.data.items.iter_mut().find(|i| i.sku == sku) {
                                Some(item) => item.quantity = item.quantity.saturating_add(qty),
                                None => self.data.items.push(Item {
                                    sku: sku.to_string(),
                                    name: arg_str(product.get("name")).unwrap_or(sku).to_string(),
                                    price: product
                                        .get("price")
                                        .and_then(|p| p.as_int())
                                        .unwrap_or(0),
                                    quantity: qty,
                                }),
                            }
                            self.log(ctx, "select_item", Some(sku), Some(qty), None);
                            self.persist(ctx).await;
                            Term::ok()
                        }
                        _ => error("not_found"),
                    }
                }
            }
            ("remove_item", [sku]) => match sku
                .as_str()
                .and_then(|s| self.data.items.iter().position(|i| i.sku == s))
            {
                Some(i) => {
                    let item = self.data.items.remove(i);
                    self.log(ctx, "remove_item", Some(&item.sku), None, None);
                    self.persist(ctx).await;
                    Term::ok()
                }
                None => error("not_in_cart"),
            },
            ("change_item", [sku, qty]) => {
                let qty = qty.as_int();
                match (sku.as_str(), qty) {
                    (_, None) => error("invalid_quantity"),
                    (Some(s), Some(q)) if q >= 0 => {
                        match self.data.items.iter().position(|i| i.sku == s) {
                            Some(i) => {
                                if q == 0 {
                                    self.data.items.remove(i);
                                } else {
                                    self.data.items[i].quantity = q;
                                }
                                self.log(ctx, "change_item", Some(s), Some(q), None);
                                self.persist(ctx).await;
                                Term::ok()
                            }
                            None => error("not_in_cart"),
                        }
                    }
                    _ => error("invalid_quantity"),
                }
            }
            ("apply_discount", [code]) => match code.as_str() {
                Some(c) if catalog::discount_percent(c).is_none() => error("unknown_discount"),
                Some(c) if self.data.discounts.iter().any(|d| d == c) => error("already_applied"),
                Some(c) => {
                    self.data.discounts.push(c.to_string());
                    self.log(ctx, "apply_discount", None, None, Some(c));
                    self.persist(ctx).await;
                    Term::ok()
                }
                None => error("unknown_discount"),
            },
            ("checkout", []) => {
                if self.data.items.is_empty() {
                    error("empty_cart")
                } else {
                    self.log(ctx, "checkout", None, None, None);
                    let total = self.data.total();
                    let sale = Term::atom_map(&[
                        ("key", self.key.clone()),
                        (
                            "items",
                            Term::list(
                                self.data.items.iter().map(SessionData::item_term).collect(),
                            ),
                        ),
                        (
                            "discounts",
                            Term::list(self.data.discounts.iter().map(|d| Term::str(d)).collect()),
                        ),
                        (
                            "logs",
                            Term::list(self.data.logs.iter().map(SessionData::log_term).collect()),
                        ),
                        ("total", Term::Int(total)),
                        ("at", Term::Int(ctx.now() as i64)),
                    ]);
                    let recorded = gen_server::call(
                        ctx,
                        sales::NAME,
                        Term::tuple(vec![Term::Atom(atom!("record")), sale]),
                        Some(5000),
                    )
                    .await?;
                    let number = recorded
                        .as_tuple()
                        .and_then(|t| t.get(1).cloned())
                        .unwrap_or_else(Term::nil);
                    self.forget(ctx).await;
                    let reply = Term::ok_tuple(Term::atom_map(&[
                        ("sale", number),
                        ("total", Term::Int(total)),
                    ]));
                    return Ok(CallReply::Stop(signal::normal(), Some(reply)));
                }
            }
            _ => error("bad_request"),
        };
        Ok(CallReply::ReplyTimeout(reply, self.idle_ms))
    }

    /// The idle timeout: the customer walked away. The session ends normally (not restarted).
    async fn handle_info(&mut self, ctx: &Ctx, msg: Term) -> Result<Flow, Term> {
        if msg.is_atom(Atom::TIMEOUT) {
            self.log(ctx, "idle_timeout", None, None, None);
            gen_server::cast(
                ctx,
                sales::NAME,
                Term::tuple(vec![Term::Atom(atom!("abandoned")), self.key.clone()]),
            );
            self.forget(ctx).await;
            return Ok(Flow::Stop(signal::normal()));
        }
        Ok(Flow::Timeout(self.idle_ms))
    }

    /// Stopped by its supervisor (`:shutdown`): the books close the session. Its snapshot
    /// stays, so a restarted store can bring it back.
    fn state(&self) -> Term {
        self.data.to_term()
    }

    fn metric(&self) -> Option<i64> {
        Some(self.data.item_count())
    }

    fn summary(&self) -> String {
        let n = self.data.item_count();
        format!("{n} item{} in cart", if n == 1 { "" } else { "s" })
    }
}

/// A log entry as its snapshot writes it (absent options left out).
fn log_value(entry: &LogEntry) -> Value {
    let mut pairs = vec![
        ("at".to_string(), Value::Int(entry.at.into())),
        ("action".to_string(), Value::str(&entry.action)),
    ];
    if let Some(s) = &entry.sku {
        pairs.push(("sku".into(), Value::str(s)));
    }
    if let Some(q) = entry.quantity {
        pairs.push(("quantity".into(), Value::Int(q.into())));
    }
    if let Some(c) = &entry.code {
        pairs.push(("code".into(), Value::str(c)));
    }
    Value::Object(pairs)
}
