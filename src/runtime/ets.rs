//! ETS (Erlang Term Storage): tables of tuples that a process owns and others may read or
//! write without messages, as `:ets` in OTP.
//!
//! A table is `:set`, `:ordered_set`, `:bag` or `:duplicate_bag`; `:public`, `:protected`
//! (the default: others only read) or `:private`; named (`:named_table`) or known by its
//! reference. It belongs to the process that made it and goes away when that process
//! exits, unless it has an heir, which then receives it with an `{:"ETS-TRANSFER", …}`
//! message. The runtime's scheduler holds the tables; processes reach them through
//! [`Ctx`](super::Ctx) and the host lists them for the observer.
//!
//! One difference from OTP: a `:set` or `:bag` is walked in term order of its keys (as an
//! `:ordered_set` is, but with `1` and `1.0` as two keys), where the BEAM walks its hash
//! order. The order is the same in every run, so time travel replays it exactly.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::rc::Rc;

use super::match_spec::MatchSpec;
use super::pid::{Pid, Ref};
use super::term::{Atom, Term};

/// How a table keeps its objects.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// One object per key (keys compared exactly: `1` and `1.0` are two keys).
    Set,
    /// One object per key, walked in key order (`1` and `1.0` are the same key).
    OrderedSet,
    /// Several objects per key, never two equal ones.
    Bag,
    /// Several objects per key, duplicates too.
    DuplicateBag,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Set => "set",
            Kind::OrderedSet => "ordered_set",
            Kind::Bag => "bag",
            Kind::DuplicateBag => "duplicate_bag",
        }
    }
    fn is_set(self) -> bool {
        matches!(self, Kind::Set | Kind::OrderedSet)
    }
}

/// Who may read and write a table besides its owner.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    Public,
    Protected,
    Private,
}

impl Access {
    pub fn name(self) -> &'static str {
        match self {
            Access::Public => "public",
            Access::Protected => "protected",
            Access::Private => "private",
        }
    }
}

/// A bad argument to an `:ets` function: which one (1-based; 0 for OTP's bare
/// `argument error`) and what is wrong, in OTP 25's words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Badarg(pub usize, pub &'static str);

pub const NO_TABLE: Badarg = Badarg(
    1,
    "the table identifier does not refer to an existing ETS table",
);
const NO_ACCESS: Badarg = Badarg(
    1,
    "the table identifier refers to an ETS table with insufficient access rights",
);
pub const NOT_A_KEY: Badarg = Badarg(2, "not a key that exists in the table");

/// `:ets.new/2`'s options, read.
#[derive(Clone, Debug)]
pub struct Options {
    pub kind: Kind,
    pub access: Access,
    pub named: bool,
    pub keypos: usize,
    pub heir: Option<(Pid, Term)>,
    pub read_concurrency: bool,
    pub write_concurrency: bool,
}

impl Options {
    /// Reads `:ets.new`'s option list: `None` when an option is not one of OTP's.
    pub fn parse(list: &Term) -> Option<Options> {
        let mut o = Options {
            kind: Kind::Set,
            access: Access::Protected,
            named: false,
            keypos: 1,
            heir: None,
            read_concurrency: false,
            write_concurrency: false,
        };
        for opt in list.as_list()? {
            match opt {
                Term::Atom(a) => match &*a.name() {
                    "set" => o.kind = Kind::Set,
                    "ordered_set" => o.kind = Kind::OrderedSet,
                    "bag" => o.kind = Kind::Bag,
                    "duplicate_bag" => o.kind = Kind::DuplicateBag,
                    "public" => o.access = Access::Public,
                    "protected" => o.access = Access::Protected,
                    "private" => o.access = Access::Private,
                    "named_table" => o.named = true,
                    "compressed" => {}
                    _ => return None,
                },
                Term::Tuple(t) => match (&t[..], t.first().and_then(Term::as_atom)) {
                    ([_, Term::Int(n)], Some(a)) if &*a.name() == "keypos" && *n >= 1 => {
                        o.keypos = *n as usize
                    }
                    ([_, Term::Atom(b)], Some(a)) => {
                        let on = match &*b.name() {
                            "true" => true,
                            "false" => false,
                            "none" if &*a.name() == "heir" => {
                                o.heir = None;
                                continue;
                            }
                            "auto" if &*a.name() == "write_concurrency" => true,
                            _ => return None,
                        };
                        match &*a.name() {
                            "read_concurrency" => o.read_concurrency = on,
                            "write_concurrency" => o.write_concurrency = on,
                            "decentralized_counters" => {}
                            _ => return None,
                        }
                    }
                    ([_, Term::Pid(p), data], Some(a)) if &*a.name() == "heir" => {
                        o.heir = Some((*p, data.clone()))
                    }
                    _ => return None,
                },
                _ => return None,
            }
        }
        Some(o)
    }
}

/// A key in a table: compared exactly (`=:=`) in every kind but `:ordered_set`, where `==`
/// decides.
#[derive(Clone, Debug)]
pub struct Key {
    term: Term,
    exact: bool,
}

impl Key {
    /// A key compared exactly (`=:=`), as a set's and the process dictionary's are.
    pub fn exact(term: Term) -> Key {
        Key { term, exact: true }
    }
    pub fn term(&self) -> &Term {
        &self.term
    }
}

/// Terms under keys, in key order: a table's objects (and a process dictionary, one value a
/// key, sharing this one compiled map for the wasm's size).
pub type Objects = BTreeMap<Key, Vec<Term>>;

impl Ord for Key {
    fn cmp(&self, other: &Self) -> Ordering {
        if self.exact {
            self.term.key_cmp(&other.term)
        } else {
            self.term.cmp(&other.term)
        }
    }
}
impl PartialOrd for Key {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl PartialEq for Key {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Key {}

/// `=:=`
fn exactly(a: &Term, b: &Term) -> bool {
    a.key_cmp(b) == Ordering::Equal
}

/// The most objects one table keeps: past it an insert fails instead of the tab running
/// out of memory (OTP has no such bound; its node has the machine's memory).
pub const MAX_OBJECTS: usize = 2_000_000;

/// Words a table takes before its objects (OTP 25 reports about this for an empty table).
const TABLE_WORDS: usize = 305;

/// One table.
#[derive(Clone, Debug)]
pub struct Table {
    pub id: Ref,
    pub name: Atom,
    pub owner: Pid,
    pub opts: Options,
    objects: Objects,
    size: usize,
    words: usize,
}

/// What the observer shows of a table.
#[derive(Clone, Debug, PartialEq)]
pub struct TableInfo {
    pub id: Ref,
    pub name: Rc<str>,
    pub named: bool,
    pub owner: Pid,
    pub kind: Kind,
    pub access: Access,
    pub size: usize,
    /// Words, as `:ets.info(tab, :memory)` counts them.
    pub memory: usize,
}

impl Table {
    fn key(&self, term: Term) -> Key {
        Key {
            term,
            exact: self.opts.kind != Kind::OrderedSet,
        }
    }

    /// How the table is named in terms: its name if named, else its reference.
    pub fn tid(&self) -> Term {
        if self.opts.named {
            Term::Atom(self.name)
        } else {
            Term::Ref(self.id)
        }
    }

    pub fn size(&self) -> usize {
        self.size
    }

    pub fn memory(&self) -> usize {
        TABLE_WORDS + self.words
    }

    fn object_words(obj: &Term) -> usize {
        obj.heap_size() / 8 + 2
    }

    /// The objects of a tuple or a list of tuples to insert, checked: each is a tuple with
    /// at least `keypos` elements.
    fn objects_of(&self, what: &Term) -> Result<Vec<Term>, Badarg> {
        let check = |t: &Term| match t {
            Term::Tuple(items) if items.is_empty() => Err(Badarg(2, "is an empty tuple")),
            Term::Tuple(items) if items.len() < self.opts.keypos => Err(Badarg(0, "")),
            Term::Tuple(_) => Ok(t.clone()),
            _ => Err(Badarg(2, "not a tuple")),
        };
        match what {
            Term::List(items) => items.iter().map(check).collect(),
            other => Ok(vec![check(other)?]),
        }
    }

    fn key_of(&self, obj: &Term) -> Term {
        obj.as_tuple()
            .and_then(|t| t.get(self.opts.keypos - 1))
            .cloned()
            .unwrap_or_else(Term::nil)
    }

    fn put(&mut self, obj: Term) {
        let key = self.key(self.key_of(&obj));
        let words = Self::object_words(&obj);
        if self.opts.kind.is_set() {
            // the new object's key replaces the old one (`1.0` for `1` in an ordered_set)
            if let Some(old) = self.objects.remove(&key) {
                self.forget(&old);
            }
            self.objects.insert(key, vec![obj]);
            self.size += 1;
            self.words += words;
            return;
        }
        let slot = self.objects.entry(key).or_default();
        if self.opts.kind == Kind::Bag && slot.iter().any(|o| exactly(o, &obj)) {
            return;
        }
        slot.push(obj);
        self.size += 1;
        self.words += words;
    }

    fn room_for(&self, n: usize) -> Result<(), Badarg> {
        if self.size.saturating_add(n) > MAX_OBJECTS {
            return Err(Badarg(
                2,
                "the table would hold more than 2,000,000 objects, the most a table in this page keeps",
            ));
        }
        Ok(())
    }

    /// `:ets.insert/2`
    pub fn insert(&mut self, what: &Term) -> Result<(), Badarg> {
        let objs = self.objects_of(what)?;
        self.room_for(objs.len())?;
        for obj in objs {
            self.put(obj);
        }
        Ok(())
    }

    /// `:ets.insert_new/2`: nothing is inserted if one of the keys is there.
    pub fn insert_new(&mut self, what: &Term) -> Result<bool, Badarg> {
        let objs = self.objects_of(what)?;
        self.room_for(objs.len())?;
        if objs
            .iter()
            .any(|o| self.objects.contains_key(&self.key(self.key_of(o))))
        {
            return Ok(false);
        }
        for obj in objs {
            self.put(obj);
        }
        Ok(true)
    }

    /// `:ets.lookup/2`
    pub fn lookup(&self, key: &Term) -> Vec<Term> {
        self.objects
            .get(&self.key(key.clone()))
            .cloned()
            .unwrap_or_default()
    }

    /// `:ets.member/2`
    pub fn member(&self, key: &Term) -> bool {
        self.objects.contains_key(&self.key(key.clone()))
    }

    /// `:ets.lookup_element/3`
    pub fn lookup_element(&self, key: &Term, pos: &Term) -> Result<Term, Badarg> {
        let pos = match pos {
            Term::Int(n) if *n >= 1 => *n as usize,
            _ => return Err(Badarg(3, "not a valid position")),
        };
        let objs = self.lookup(key);
        if objs.is_empty() {
            return Err(NOT_A_KEY);
        }
        let mut out = Vec::with_capacity(objs.len());
        for o in &objs {
            match o.as_tuple().and_then(|t| t.get(pos - 1)) {
                Some(e) => out.push(e.clone()),
                None => return Err(Badarg(3, "position is greater than the size of the object")),
            }
        }
        Ok(match self.opts.kind {
            Kind::Set | Kind::OrderedSet => out.pop().unwrap_or_else(Term::nil),
            _ => Term::list(out),
        })
    }

    /// `:ets.delete/2`
    pub fn delete_key(&mut self, key: &Term) {
        if let Some(objs) = self.objects.remove(&self.key(key.clone())) {
            self.forget(&objs);
        }
    }

    fn forget(&mut self, objs: &[Term]) {
        self.size -= objs.len();
        self.words -= objs.iter().map(Self::object_words).sum::<usize>();
    }

    /// `:ets.take/2`
    pub fn take(&mut self, key: &Term) -> Vec<Term> {
        let objs = self
            .objects
            .remove(&self.key(key.clone()))
            .unwrap_or_default();
        self.forget(&objs);
        objs
    }

    /// `:ets.delete_object/2`: every copy of the object.
    pub fn delete_object(&mut self, obj: &Term) -> Result<(), Badarg> {
        let obj = self
            .objects_of(obj)?
            .pop()
            .ok_or(Badarg(2, "not a tuple"))?;
        let key = self.key(self.key_of(&obj));
        let Some(slot) = self.objects.get_mut(&key) else {
            return Ok(());
        };
        let (gone, kept): (Vec<Term>, Vec<Term>) = std::mem::take(slot)
            .into_iter()
            .partition(|o| exactly(o, &obj));
        *slot = kept;
        if slot.is_empty() {
            self.objects.remove(&key);
        }
        self.forget(&gone);
        Ok(())
    }

    /// `:ets.delete_all_objects/1`
    pub fn clear(&mut self) {
        self.objects.clear();
        self.size = 0;
        self.words = 0;
    }

    /// Every object, in the table's order.
    pub fn to_list(&self) -> Vec<Term> {
        self.objects.values().flatten().cloned().collect()
    }

    /// `:ets.first/1` and `:ets.last/1`
    pub fn first(&self, last: bool) -> Term {
        let k = if last {
            self.objects.keys().next_back()
        } else {
            self.objects.keys().next()
        };
        k.map_or_else(|| Term::atom("$end_of_table"), |k| k.term.clone())
    }

    /// `:ets.next/2` and `:ets.prev/2`: the key after (before) `key`, which in an
    /// `:ordered_set` need not be in the table.
    pub fn next(&self, key: &Term, back: bool) -> Result<Term, Badarg> {
        use std::ops::Bound::{Excluded, Unbounded};
        let k = self.key(key.clone());
        if self.opts.kind != Kind::OrderedSet && !self.objects.contains_key(&k) {
            return Err(NOT_A_KEY);
        }
        let found = if back {
            self.objects.range((Unbounded, Excluded(k))).next_back()
        } else {
            self.objects.range((Excluded(k), Unbounded)).next()
        };
        Ok(found.map_or_else(|| Term::atom("$end_of_table"), |(k, _)| k.term.clone()))
    }

    /// `:ets.update_counter/3,4`: `op` is an increment, `{pos, incr}`,
    /// `{pos, incr, threshold, set_to}` or a list of these (answered with a list).
    pub fn update_counter(
        &mut self,
        key: &Term,
        op: &Term,
        default: Option<&Term>,
    ) -> Result<Term, Badarg> {
        if !self.opts.kind.is_set() {
            return Err(Badarg(
                1,
                "the table identifier refers to an ETS table of a type not supported by this operation",
            ));
        }
        let k = self.key(key.clone());
        let mut obj = match (self.objects.get(&k).and_then(|v| v.first()), default) {
            (Some(o), _) => o.as_tuple().map(<[Term]>::to_vec).unwrap_or_default(),
            (None, Some(Term::Tuple(d))) if d.len() >= self.opts.keypos => {
                let mut d = d.to_vec();
                d[self.opts.keypos - 1] = key.clone();
                d
            }
            (None, Some(_)) => return Err(Badarg(4, "not a valid default object")),
            (None, None) => return Err(NOT_A_KEY),
        };
        let (ops, many) = match op {
            Term::List(l) => (l.to_vec(), true),
            o => (vec![o.clone()], false),
        };
        let mut results = Vec::with_capacity(ops.len());
        for op in &ops {
            let (pos, incr, limit) = match op {
                Term::Int(i) => (self.opts.keypos + 1, *i, None),
                Term::Tuple(t) => match &t[..] {
                    [Term::Int(p), Term::Int(i)] if *p >= 1 => (*p as usize, *i, None),
                    [Term::Int(p), Term::Int(i), Term::Int(th), Term::Int(set)] if *p >= 1 => {
                        (*p as usize, *i, Some((*th, *set)))
                    }
                    _ => return Err(Badarg(3, "not a valid update operation")),
                },
                _ => return Err(Badarg(3, "not a valid update operation")),
            };
            if pos == self.opts.keypos {
                return Err(Badarg(3, "the position is the same as the key position"));
            }
            let Some(Term::Int(old)) = obj.get(pos - 1) else {
                return Err(match obj.get(pos - 1) {
                    None => Badarg(3, "the position is greater than the size of the object"),
                    Some(_) => Badarg(
                        3,
                        "the value in the given position, in the object, is not an integer",
                    ),
                });
            };
            let mut new = old
                .checked_add(incr)
                .ok_or(Badarg(3, "the counter would grow past 64 bits"))?;
            if let Some((threshold, set_to)) = limit {
                if (incr >= 0 && new > threshold) || (incr < 0 && new < threshold) {
                    new = set_to;
                }
            }
            obj[pos - 1] = Term::Int(new);
            results.push(Term::Int(new));
        }
        self.put(Term::tuple(obj));
        Ok(if many {
            Term::list(results)
        } else {
            results.pop().unwrap_or_else(Term::nil)
        })
    }

    /// `:ets.update_element/3`: `{pos, value}` or a list of these; false without the key.
    pub fn update_element(&mut self, key: &Term, change: &Term) -> Result<bool, Badarg> {
        if !self.opts.kind.is_set() {
            return Err(Badarg(
                1,
                "the table identifier refers to an ETS table of a type not supported by this operation",
            ));
        }
        let changes = match change {
            Term::List(l) => l.to_vec(),
            c => vec![c.clone()],
        };
        let Some(mut obj) = self
            .objects
            .get(&self.key(key.clone()))
            .and_then(|v| v.first())
            .and_then(|o| o.as_tuple().map(<[Term]>::to_vec))
        else {
            return Ok(false);
        };
        for c in &changes {
            let Some([Term::Int(p), v]) = c.as_tuple() else {
                return Err(Badarg(3, "not a valid element update"));
            };
            let p = *p as usize;
            if p == self.opts.keypos {
                return Err(Badarg(3, "the position is the same as the key position"));
            }
            match obj.get_mut(p.wrapping_sub(1)) {
                Some(slot) => *slot = v.clone(),
                None => {
                    return Err(Badarg(
                        3,
                        "the position is greater than the size of the object",
                    ))
                }
            }
        }
        self.put(Term::tuple(obj));
        Ok(true)
    }

    /// The objects a match spec may select: only those under its key when the pattern
    /// names the key (no variable in it), else all.
    fn candidates(&self, spec: &MatchSpec) -> Vec<&Term> {
        if let Some(key) = spec.ground_key(self.opts.keypos) {
            return self
                .objects
                .get(&self.key(key.clone()))
                .map(|v| v.iter().collect())
                .unwrap_or_default();
        }
        self.objects.values().flatten().collect()
    }

    /// `:ets.select/2` (and `match`, `match_object`, `select_count`, with their specs).
    pub fn select(&self, spec: &MatchSpec, reverse: bool) -> Vec<Term> {
        let mut out: Vec<Term> = self
            .candidates(spec)
            .into_iter()
            .filter_map(|o| spec.run(o))
            .collect();
        if reverse {
            out.reverse();
        }
        out
    }

    /// `:ets.select_delete/2`: deletes the objects for which the spec answers `true`.
    pub fn select_delete(&mut self, spec: &MatchSpec) -> usize {
        let gone: Vec<Term> = self
            .candidates(spec)
            .into_iter()
            .filter(|o| spec.run(o).is_some_and(|r| r == Term::bool(true)))
            .cloned()
            .collect();
        for obj in &gone {
            let key = self.key(self.key_of(obj));
            if let Some(slot) = self.objects.get_mut(&key) {
                if let Some(i) = slot.iter().position(|o| exactly(o, obj)) {
                    slot.remove(i);
                }
                if slot.is_empty() {
                    self.objects.remove(&key);
                }
            }
        }
        self.forget(&gone);
        gone.len()
    }

    /// `:ets.info/1`, in OTP 25's order.
    pub fn info(&self) -> Vec<(&'static str, Term)> {
        let b = Term::bool;
        vec![
            ("id", Term::Ref(self.id)),
            ("decentralized_counters", b(false)),
            ("read_concurrency", b(self.opts.read_concurrency)),
            ("write_concurrency", b(self.opts.write_concurrency)),
            ("compressed", b(false)),
            ("memory", Term::Int(self.memory() as i64)),
            ("owner", Term::Pid(self.owner)),
            (
                "heir",
                self.opts
                    .heir
                    .as_ref()
                    .map_or_else(|| Term::atom("none"), |(p, _)| Term::Pid(*p)),
            ),
            ("name", Term::Atom(self.name)),
            ("size", Term::Int(self.size as i64)),
            ("node", Term::atom("nonode@nohost")),
            ("named_table", b(self.opts.named)),
            ("type", Term::atom(self.opts.kind.name())),
            ("keypos", Term::Int(self.opts.keypos as i64)),
            ("protection", Term::atom(self.opts.access.name())),
        ]
    }

    fn summary(&self) -> TableInfo {
        TableInfo {
            id: self.id,
            name: self.name.name(),
            named: self.opts.named,
            owner: self.owner,
            kind: self.opts.kind,
            access: self.opts.access,
            size: self.size,
            memory: self.memory(),
        }
    }
}

/// Every table of a runtime, in the order they were made.
#[derive(Default)]
pub struct Ets {
    tables: Vec<Table>,
}

/// What became of a dead owner's table.
pub enum Orphan {
    /// Deleted with its owner.
    Deleted(Table),
    /// Given to its heir, who is sent `{:"ETS-TRANSFER", tid, old_owner, data}`.
    Inherited {
        heir: Pid,
        message: Term,
        name: Atom,
    },
}

impl Ets {
    fn index(&self, tab: &Term) -> Option<usize> {
        match tab {
            // tables are kept in creation order, and references only grow: a binary search
            Term::Ref(r) => self.tables.binary_search_by_key(r, |t| t.id).ok(),
            Term::Atom(a) => self
                .tables
                .iter()
                .position(|t| t.opts.named && t.name == *a),
            _ => None,
        }
    }

    /// `:ets.new/2` for `owner`, with `id` a fresh reference.
    pub fn create(
        &mut self,
        owner: Pid,
        id: Ref,
        name: Atom,
        opts: Options,
    ) -> Result<Term, Badarg> {
        if opts.named && self.index(&Term::Atom(name)).is_some() {
            return Err(Badarg(1, "table name already exists"));
        }
        let t = Table {
            id,
            name,
            owner,
            opts,
            objects: Objects::new(),
            size: 0,
            words: 0,
        };
        let tid = t.tid();
        self.tables.push(t);
        Ok(tid)
    }

    /// The table `tab` names, if `me` may read it (or write it, with `write`).
    pub fn get(&mut self, me: Pid, tab: &Term, write: bool) -> Result<&mut Table, Badarg> {
        let i = self.index(tab).ok_or(NO_TABLE)?;
        let t = &mut self.tables[i];
        let allowed = t.owner == me
            || match t.opts.access {
                Access::Public => true,
                Access::Protected => !write,
                Access::Private => false,
            };
        if allowed {
            Ok(t)
        } else {
            Err(NO_ACCESS)
        }
    }

    /// `:ets.delete/1`: only the owner may, unless the table is public.
    pub fn delete(&mut self, me: Pid, tab: &Term) -> Result<Table, Badarg> {
        self.get(me, tab, true)?;
        let i = self.index(tab).ok_or(NO_TABLE)?;
        Ok(self.tables.remove(i))
    }

    /// `:ets.give_away/3`: the owner gives its table to `to` (alive, checked by the
    /// caller): the message `to` is sent.
    pub fn give_away(&mut self, me: Pid, tab: &Term, to: Pid, data: Term) -> Result<Term, Badarg> {
        let i = self.index(tab).ok_or(NO_TABLE)?;
        let t = &mut self.tables[i];
        if t.owner != me {
            return Err(Badarg(1, "the table is not owned by the calling process"));
        }
        if to == me {
            return Err(Badarg(2, "the process is already the owner of the table"));
        }
        t.owner = to;
        Ok(transfer(t.tid(), me, data))
    }

    /// `:ets.rename/2`
    pub fn rename(&mut self, me: Pid, tab: &Term, name: Atom) -> Result<Term, Badarg> {
        let i = self.index(tab).ok_or(NO_TABLE)?;
        if self.tables[i].opts.named && self.index(&Term::Atom(name)).is_some() {
            return Err(Badarg(2, "table name already exists"));
        }
        let t = self.get(me, tab, true)?;
        t.name = name;
        Ok(Term::Atom(name))
    }

    /// The tables' ids, for `:ets.all/0`.
    pub fn all(&self) -> Vec<Term> {
        self.tables.iter().map(Table::tid).collect()
    }

    /// `:ets.whereis/1`
    pub fn whereis(&self, name: Atom) -> Option<Ref> {
        self.index(&Term::Atom(name)).map(|i| self.tables[i].id)
    }

    /// `:ets.info/1,2` (any process may ask).
    pub fn info(&self, tab: &Term) -> Option<Vec<(&'static str, Term)>> {
        self.index(tab).map(|i| self.tables[i].info())
    }

    /// The tables as the observer lists them.
    pub fn summaries(&self) -> Vec<TableInfo> {
        self.tables.iter().map(Table::summary).collect()
    }

    pub fn is_empty(&self) -> bool {
        self.tables.is_empty()
    }

    /// `owner` exited: its tables go to their heirs (when `alive`) or away.
    pub fn owner_exited(&mut self, owner: Pid, alive: impl Fn(Pid) -> bool) -> Vec<Orphan> {
        if !self.tables.iter().any(|t| t.owner == owner) {
            return Vec::new();
        }
        let mut out = Vec::new();
        let mut kept = Vec::with_capacity(self.tables.len());
        for mut t in std::mem::take(&mut self.tables) {
            if t.owner != owner {
                kept.push(t);
                continue;
            }
            match t.opts.heir.clone() {
                Some((heir, data)) if heir != owner && alive(heir) => {
                    t.owner = heir;
                    out.push(Orphan::Inherited {
                        heir,
                        message: transfer(t.tid(), owner, data),
                        name: t.name,
                    });
                    kept.push(t);
                }
                _ => out.push(Orphan::Deleted(t)),
            }
        }
        self.tables = kept;
        out
    }
}

fn transfer(tid: Term, from: Pid, data: Term) -> Term {
    Term::tuple(vec![Term::atom("ETS-TRANSFER"), tid, Term::Pid(from), data])
}
