//! Erlang terms: the one dynamic value type that messages, exit reasons, process state
//! dumps and the console all share, as on the BEAM.
//!
//! `Display` prints a term the way iex's `inspect` does (`{:ok, #PID<0.96.0>}`,
//! `%{active: 2, specs: 1}`, `%Redfour.Shopping.Session{key: :my_key, …}`), and `Ord` is
//! Erlang's term order (number < atom < reference < pid < tuple < map < list < binary).
//!
//! Atoms are interned per thread into a `u32`, so an atom message is a plain copy: a ring
//! of atoms allocates nothing. Compound values share their contents through `Rc`, so
//! sending a term to many processes copies a pointer, not the data.

use std::cell::RefCell;
use std::cmp::Ordering;
use std::collections::HashMap;
use std::fmt;
use std::hash::{BuildHasherDefault, Hasher};
use std::rc::Rc;

use super::bigint::{BigInt, Sign};

use super::pid::{Pid, Ref};

/// An interned atom. Two atoms are equal when their names are; they order by name,
/// as in Erlang.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Atom(u32);

struct Interner {
    names: Vec<Rc<str>>,
    ids: HashMap<Rc<str>, u32, BuildHasherDefault<NameHasher>>,
}

/// FNV-1a over an atom's name: atom names are short and chosen by the program (or typed by
/// a person, who gains nothing by colliding them), so the interner needs no SipHash.
#[derive(Default)]
pub(crate) struct NameHasher(u64);

impl Hasher for NameHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for b in bytes {
            h = (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3);
        }
        self.0 = h;
    }
}

/// Atoms the runtime uses itself, interned first so that their ids are constants.
const PREDEFINED: &[&str] = &[
    "nil",
    "true",
    "false",
    "ok",
    "error",
    "normal",
    "kill",
    "killed",
    "shutdown",
    "EXIT",
    "DOWN",
    "process",
    "noproc",
    "timeout",
    "undefined",
    "ignore",
    "already_started",
    "$gen_call",
    "$gen_cast",
    "Elixir.GenServer",
    "call",
    "infinity",
    "badarg",
    "stop",
    "max_children",
    "not_found",
    "running",
    "restarting",
    "$ack",
];

thread_local! {
    static INTERNER: RefCell<Interner> = RefCell::new(Interner::new());
}

/// `atom!("cart")`: the atom, interned once per thread at this spot in the code, so a hot
/// path does not hash its name every time (atoms are never let go: it stays valid).
#[macro_export]
macro_rules! atom {
    ($name:literal) => {{
        thread_local! {
            static ATOM: $crate::runtime::term::Atom = $crate::runtime::term::Atom::new($name);
        }
        ATOM.with(|a| *a)
    }};
}

impl Interner {
    fn new() -> Self {
        let mut interner = Interner {
            names: Vec::new(),
            ids: HashMap::default(),
        };
        for name in PREDEFINED {
            interner.intern(name);
        }
        interner
    }

    fn intern(&mut self, name: &str) -> u32 {
        if let Some(&id) = self.ids.get(name) {
            return id;
        }
        let id = self.names.len() as u32;
        let rc: Rc<str> = Rc::from(name);
        self.names.push(rc.clone());
        self.ids.insert(rc, id);
        id
    }
}

impl Atom {
    pub const NIL: Atom = Atom(0);
    pub const TRUE: Atom = Atom(1);
    pub const FALSE: Atom = Atom(2);
    pub const OK: Atom = Atom(3);
    pub const ERROR: Atom = Atom(4);
    pub const NORMAL: Atom = Atom(5);
    pub const KILL: Atom = Atom(6);
    pub const KILLED: Atom = Atom(7);
    pub const SHUTDOWN: Atom = Atom(8);
    pub const EXIT: Atom = Atom(9);
    pub const DOWN: Atom = Atom(10);
    pub const PROCESS: Atom = Atom(11);
    pub const NOPROC: Atom = Atom(12);
    pub const TIMEOUT: Atom = Atom(13);
    pub const UNDEFINED: Atom = Atom(14);
    pub const IGNORE: Atom = Atom(15);
    pub const ALREADY_STARTED: Atom = Atom(16);
    pub const GEN_CALL: Atom = Atom(17);
    pub const GEN_CAST: Atom = Atom(18);
    pub const GEN_SERVER: Atom = Atom(19);
    pub const CALL: Atom = Atom(20);
    pub const INFINITY: Atom = Atom(21);
    pub const BADARG: Atom = Atom(22);
    pub const STOP: Atom = Atom(23);
    pub const MAX_CHILDREN: Atom = Atom(24);
    pub const NOT_FOUND: Atom = Atom(25);
    pub const RUNNING: Atom = Atom(26);
    pub const RESTARTING: Atom = Atom(27);
    pub const ACK: Atom = Atom(28);

    /// Interns `name` (the atom's text without the leading colon; module names carry
    /// Elixir's `Elixir.` prefix, as on the BEAM).
    #[inline(never)]
    pub fn new(name: &str) -> Atom {
        Atom(INTERNER.with(|i| i.borrow_mut().intern(name)))
    }

    /// The atom for an Elixir module alias: `Atom::module("GenServer")` is `Elixir.GenServer`.
    #[inline(never)]
    pub fn module(alias: &str) -> Atom {
        // the alias `Elixir` is the atom :Elixir itself
        if alias == "Elixir" {
            return Atom::new("Elixir");
        }
        Atom::new(&format!("Elixir.{alias}"))
    }

    /// Whether the name starts with `_` (a variable a pattern ignores), without copying it.
    pub fn is_underscored(self) -> bool {
        INTERNER.with(|i| {
            i.borrow()
                .names
                .get(self.0 as usize)
                .is_some_and(|n| n.as_bytes().first() == Some(&b'_'))
        })
    }

    pub fn name(self) -> Rc<str> {
        INTERNER.with(|i| {
            i.borrow()
                .names
                .get(self.0 as usize)
                .cloned()
                .unwrap_or_else(|| Rc::from("?"))
        })
    }

    pub fn id(self) -> u32 {
        self.0
    }
}

impl PartialOrd for Atom {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Atom {
    fn cmp(&self, other: &Self) -> Ordering {
        if self.0 == other.0 {
            return Ordering::Equal;
        }
        // by name, as Erlang orders atoms: both read in one borrow, nothing cloned
        INTERNER.with(|i| {
            let i = i.borrow();
            let name = |a: &Atom| i.names.get(a.0 as usize).map_or("?", |n| &**n);
            name(self).cmp(name(other))
        })
    }
}

impl fmt::Debug for Atom {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", Term::Atom(*self))
    }
}

/// A value as the BEAM knows it.
#[derive(Clone, Debug)]
pub enum Term {
    Atom(Atom),
    Int(i64),
    /// An integer past 64 bits (Erlang's bignum). Always outside `i64`'s range: a value
    /// that fits is an `Int` (see [`Term::big`]), so equal integers are equal terms.
    Big(Rc<BigInt>),
    Float(f64),
    /// An Elixir string (a UTF-8 binary).
    Str(Rc<str>),
    /// A binary that is not valid UTF-8, or a bitstring: its bytes, and how many bits of
    /// the last byte belong to it (its high ones; 0: all eight). A binary that is valid
    /// UTF-8 is always a `Str` (see [`Term::binary`]), so equal binaries are equal terms.
    Bin(Rc<[u8]>, u8),
    Tuple(Seq<Term>),
    /// A proper list. Its tail is a view of the same items, so `[h | t]` costs nothing.
    List(List),
    /// An improper list, `[1, 2 | 3]`: one or more items and a tail that is not a list
    /// (made only by [`Term::cons`], which keeps both true). Boxed, so that a term stays
    /// four words.
    Improper(Rc<(List, Term)>),
    /// A map, its keys kept in term order (which is how iex prints them).
    Map(Seq<(Term, Term)>),
    /// An Elixir struct: a map with a `__struct__` module, printed with its fields in
    /// declaration order.
    Struct(Atom, Seq<(Atom, Term)>),
    Pid(Pid),
    Ref(Ref),
    /// A function value (an anonymous function or a capture), made by the interpreter.
    Fun(Rc<dyn FunValue>),
}

/// A function as a term: the runtime only prints, compares and carries it; what it runs
/// is the interpreter's business.
pub trait FunValue: fmt::Display {
    fn arity(&self) -> usize;
    /// Orders and identifies funs deterministically (creation order).
    fn id(&self) -> u64;
    fn as_any(&self) -> &dyn std::any::Any;
}

impl fmt::Debug for dyn FunValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self}")
    }
}

/// The items of a list term: shared, with a start offset so a tail is a cheap view.
#[derive(Clone)]
pub struct List {
    items: Rc<[Term]>,
    start: u32,
}

impl List {
    /// Whether another value holds these items too (a walk may meet them twice).
    pub fn shared(&self) -> bool {
        Rc::strong_count(&self.items) > 1
    }

    /// The list without its first `n` items (empty past the end).
    pub fn skip(&self, n: usize) -> List {
        let start = (self.start as usize + n).min(self.items.len()) as u32;
        List {
            items: self.items.clone(),
            start,
        }
    }
}

impl std::ops::Deref for List {
    type Target = [Term];
    fn deref(&self) -> &[Term] {
        &self.items[self.start as usize..]
    }
}

impl From<Vec<Term>> for List {
    fn from(v: Vec<Term>) -> Self {
        List {
            items: v.into(),
            start: 0,
        }
    }
}

impl From<&[Term]> for List {
    fn from(v: &[Term]) -> Self {
        List {
            items: v.into(),
            start: 0,
        }
    }
}

impl Drop for List {
    fn drop(&mut self) {
        if let Some(items) = Rc::get_mut(&mut self.items) {
            dismantle(items);
        }
    }
}

/// The shared items of a tuple, map or struct. Like [`List`], it drops deep nesting
/// iteratively, so no term is too deep to free.
#[derive(Clone)]
pub struct Seq<T: Nested>(Rc<[T]>);

impl<T: Nested> Seq<T> {
    /// Whether another value holds these items too (a walk may meet them twice).
    pub fn shared(&self) -> bool {
        Rc::strong_count(&self.0) > 1
    }
}

impl<T: Nested> std::ops::Deref for Seq<T> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        &self.0
    }
}

impl<T: Nested> From<Vec<T>> for Seq<T> {
    fn from(v: Vec<T>) -> Self {
        Seq(v.into())
    }
}

impl<T: Nested + Clone> From<&[T]> for Seq<T> {
    fn from(v: &[T]) -> Self {
        Seq(v.into())
    }
}

impl<T: Nested + fmt::Debug> fmt::Debug for Seq<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.0.iter()).finish()
    }
}

impl<T: Nested> Drop for Seq<T> {
    fn drop(&mut self) {
        if let Some(items) = Rc::get_mut(&mut self.0) {
            dismantle(items);
        }
    }
}

/// What holds terms: a term, a map pair, a struct field.
pub trait Nested {
    /// Moves out the compound terms it holds (leaving small ones in their place).
    fn take_compound(&mut self, out: &mut Vec<Term>);
}

fn take(t: &mut Term, out: &mut Vec<Term>) {
    if matches!(
        t,
        Term::Tuple(_) | Term::List(_) | Term::Map(_) | Term::Struct(..)
    ) {
        out.push(std::mem::replace(t, Term::Int(0)));
    }
}

impl Nested for Term {
    fn take_compound(&mut self, out: &mut Vec<Term>) {
        take(self, out);
    }
}
impl Nested for (Term, Term) {
    fn take_compound(&mut self, out: &mut Vec<Term>) {
        take(&mut self.0, out);
        take(&mut self.1, out);
    }
}
impl Nested for (Atom, Term) {
    fn take_compound(&mut self, out: &mut Vec<Term>) {
        take(&mut self.1, out);
    }
}

/// Frees a term's contents without recursion: every compound child this is the last owner
/// of is emptied before it is dropped, so each drop is shallow.
fn dismantle<T: Nested>(items: &mut [T]) {
    let mut pending: Vec<Term> = Vec::new();
    for i in items.iter_mut() {
        i.take_compound(&mut pending);
    }
    while let Some(mut t) = pending.pop() {
        match &mut t {
            Term::List(l) => {
                if let Some(items) = Rc::get_mut(&mut l.items) {
                    for i in items.iter_mut() {
                        i.take_compound(&mut pending);
                    }
                }
            }
            Term::Tuple(s) => {
                if let Some(items) = Rc::get_mut(&mut s.0) {
                    for i in items.iter_mut() {
                        i.take_compound(&mut pending);
                    }
                }
            }
            Term::Map(s) => {
                if let Some(items) = Rc::get_mut(&mut s.0) {
                    for i in items.iter_mut() {
                        i.take_compound(&mut pending);
                    }
                }
            }
            Term::Struct(_, s) => {
                if let Some(items) = Rc::get_mut(&mut s.0) {
                    for i in items.iter_mut() {
                        i.take_compound(&mut pending);
                    }
                }
            }
            _ => {}
        }
        // `t` is shallow now
    }
}

impl fmt::Debug for List {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl Term {
    /// Whether it holds data beyond its own word: a string, list, tuple, map or struct.
    pub fn is_boxed(&self) -> bool {
        matches!(
            self,
            Term::Str(_)
                | Term::Bin(..)
                | Term::List(_)
                | Term::Tuple(_)
                | Term::Map(_)
                | Term::Struct(..)
        )
    }

    /// How many items (or bytes, for a string) it holds directly: 0 for a number, an atom,
    /// a pid.
    pub fn items_len(&self) -> usize {
        match self {
            Term::Str(x) => x.len(),
            Term::Bin(x, _) => x.len(),
            Term::List(x) => x.len(),
            Term::Tuple(x) => x.len(),
            Term::Map(x) => x.len(),
            Term::Struct(_, x) => x.len(),
            _ => 0,
        }
    }

    #[inline(never)]
    pub fn atom(name: &str) -> Term {
        Term::Atom(Atom::new(name))
    }
    pub fn nil() -> Term {
        Term::Atom(Atom::NIL)
    }
    pub fn ok() -> Term {
        Term::Atom(Atom::OK)
    }
    pub fn bool(b: bool) -> Term {
        Term::Atom(if b { Atom::TRUE } else { Atom::FALSE })
    }
    #[inline(never)]
    pub fn str(s: &str) -> Term {
        Term::Str(Rc::from(s))
    }
    /// A binary of these bytes: a `Str` when they are UTF-8.
    pub fn binary(bytes: Vec<u8>) -> Term {
        match String::from_utf8(bytes) {
            Ok(s) => Term::Str(Rc::from(s.as_str())),
            Err(e) => Term::Bin(Rc::from(e.into_bytes()), 0),
        }
    }
    /// A bitstring: `bytes`, the last of which holds `tail` bits (its high ones; 0: all).
    pub fn bitstring(mut bytes: Vec<u8>, tail: u8) -> Term {
        if tail % 8 == 0 {
            return Term::binary(bytes);
        }
        if let Some(last) = bytes.last_mut() {
            *last &= 0xFFu8 << (8 - tail);
        }
        Term::Bin(Rc::from(bytes), tail)
    }
    /// A binary's bytes (a bitstring's are not whole bytes: `None`).
    pub fn as_bytes(&self) -> Option<&[u8]> {
        match self {
            Term::Str(s) => Some(s.as_bytes()),
            Term::Bin(b, 0) => Some(b),
            _ => None,
        }
    }
    /// A bitstring's bytes and the bits of its last byte (0: all eight).
    pub fn as_bits(&self) -> Option<(&[u8], u8)> {
        match self {
            Term::Str(s) => Some((s.as_bytes(), 0)),
            Term::Bin(b, t) => Some((b, *t)),
            _ => None,
        }
    }
    /// Its size in bits, for a bitstring.
    pub fn bit_size(&self) -> Option<u64> {
        let (bytes, tail) = self.as_bits()?;
        let whole = bytes.len() as u64 * 8;
        Some(if tail == 0 {
            whole
        } else {
            whole - 8 + tail as u64
        })
    }
    #[inline(never)]
    pub fn tuple(items: Vec<Term>) -> Term {
        Term::Tuple(items.into())
    }
    #[inline(never)]
    pub fn list(items: Vec<Term>) -> Term {
        Term::List(List::from(items))
    }
    /// A map from key/value pairs; a later duplicate key wins, as in `%{a: 1, a: 2}`.
    pub fn map(mut pairs: Vec<(Term, Term)>) -> Term {
        // Stable sort keeps insertion order among equal keys; keep the last of each run.
        pairs.sort_by(|a, b| a.0.key_cmp(&b.0));
        let same = |a: &Term, b: &Term| a.key_cmp(b) == Ordering::Equal;
        if pairs.windows(2).any(|w| same(&w[0].0, &w[1].0)) {
            let mut out: Vec<(Term, Term)> = Vec::with_capacity(pairs.len());
            for (k, v) in pairs {
                match out.last_mut() {
                    Some(last) if same(&last.0, &k) => last.1 = v,
                    _ => out.push((k, v)),
                }
            }
            pairs = out;
        }
        Term::Map(pairs.into())
    }
    /// A map with these atoms as keys (see `atom!`).
    pub fn atoms_map(pairs: Vec<(Atom, Term)>) -> Term {
        Term::map(pairs.into_iter().map(|(k, v)| (Term::Atom(k), v)).collect())
    }
    /// A map with atom keys: `Term::atom_map(&[("active", Term::Int(2))])`.
    pub fn atom_map(pairs: &[(&str, Term)]) -> Term {
        Term::map(
            pairs
                .iter()
                .map(|(k, v)| (Term::atom(k), v.clone()))
                .collect(),
        )
    }
    /// A struct of module `module` (an alias such as `Redfour.Shopping.Session`).
    #[inline(never)]
    pub fn structure(module: &str, fields: Vec<(&str, Term)>) -> Term {
        Term::Struct(
            Atom::module(module),
            fields
                .into_iter()
                .map(|(k, v)| (Atom::new(k), v))
                .collect::<Vec<_>>()
                .into(),
        )
    }
    /// `{:ok, value}`
    pub fn ok_tuple(value: Term) -> Term {
        Term::tuple(vec![Term::ok(), value])
    }
    /// `{:error, reason}`
    pub fn error_tuple(reason: Term) -> Term {
        Term::tuple(vec![Term::Atom(Atom::ERROR), reason])
    }

    pub fn as_atom(&self) -> Option<Atom> {
        match self {
            Term::Atom(a) => Some(*a),
            _ => None,
        }
    }
    /// `[items | tail]`: a proper list when the tail is one, else an improper list (the
    /// items of an improper tail are joined to these, so the tail is never a list).
    pub fn cons(mut items: Vec<Term>, tail: Term) -> Term {
        match tail {
            Term::List(t) => {
                if items.is_empty() {
                    return Term::List(t);
                }
                items.extend(t.iter().cloned());
                Term::list(items)
            }
            Term::Improper(cell) => {
                items.extend(cell.0.iter().cloned());
                Term::Improper(Rc::new((List::from(items), cell.1.clone())))
            }
            other if items.is_empty() => other,
            other => Term::Improper(Rc::new((List::from(items), other))),
        }
    }

    /// A list's items and, for an improper one, its tail.
    pub fn list_parts(&self) -> Option<(&[Term], Option<&Term>)> {
        match self {
            Term::List(items) => Some((items, None)),
            Term::Improper(cell) => Some((&cell.0, Some(&cell.1))),
            _ => None,
        }
    }

    /// What a `[_, _ | rest]` pattern binds to `rest` after `n` items of this list (or
    /// improper list); `None` when it holds fewer.
    pub fn list_rest(&self, n: usize) -> Option<Term> {
        match self {
            Term::List(items) if items.len() >= n => Some(Term::List(items.skip(n))),
            Term::Improper(cell) if cell.0.len() == n => Some(cell.1.clone()),
            Term::Improper(cell) if cell.0.len() > n => {
                Some(Term::Improper(Rc::new((cell.0.skip(n), cell.1.clone()))))
            }
            _ => None,
        }
    }

    /// An integer term of any size: an `Int` where it fits in 64 bits, else a `Big`.
    pub fn big(b: BigInt) -> Term {
        match b.to_i64() {
            Some(i) => Term::Int(i),
            None => Term::Big(Rc::new(b)),
        }
    }

    /// An integer term (small or big) as a big integer.
    pub fn as_bigint(&self) -> Option<BigInt> {
        match self {
            Term::Int(i) => Some(BigInt::from(*i)),
            Term::Big(b) => Some((**b).clone()),
            _ => None,
        }
    }

    pub fn as_int(&self) -> Option<i64> {
        match self {
            Term::Int(i) => Some(*i),
            _ => None,
        }
    }
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Term::Str(s) => Some(s),
            _ => None,
        }
    }
    pub fn as_pid(&self) -> Option<Pid> {
        match self {
            Term::Pid(p) => Some(*p),
            _ => None,
        }
    }
    pub fn as_tuple(&self) -> Option<&[Term]> {
        match self {
            Term::Tuple(t) => Some(t),
            _ => None,
        }
    }
    pub fn as_list(&self) -> Option<&[Term]> {
        match self {
            Term::List(l) => Some(&l[..]),
            _ => None,
        }
    }
    pub fn is_atom(&self, atom: Atom) -> bool {
        matches!(self, Term::Atom(a) if *a == atom)
    }
    pub fn is_nil(&self) -> bool {
        self.is_atom(Atom::NIL)
    }
    /// True for Elixir's truthy values: anything but `nil` and `false`.
    pub fn is_truthy(&self) -> bool {
        !(self.is_atom(Atom::NIL) || self.is_atom(Atom::FALSE))
    }
    /// Looks `key` up in a map, a struct (atom keys) or a keyword list.
    pub fn get(&self, key: &str) -> Option<&Term> {
        match self {
            Term::Map(pairs) => pairs.iter().find_map(|(k, v)| match k {
                Term::Atom(a) if &*a.name() == key => Some(v),
                _ => None,
            }),
            Term::Struct(_, fields) => fields
                .iter()
                .find_map(|(k, v)| (&*k.name() == key).then_some(v)),
            Term::List(items) => items.iter().find_map(|item| match item.as_tuple() {
                Some([Term::Atom(a), v]) if &*a.name() == key => Some(v),
                _ => None,
            }),
            _ => None,
        }
    }

    /// Erlang's type rank in the term order.
    fn rank(&self) -> u8 {
        match self {
            Term::Int(_) | Term::Big(_) | Term::Float(_) => 0,
            Term::Atom(_) => 1,
            Term::Ref(_) => 2,
            Term::Fun(_) => 3,
            Term::Pid(_) => 4,
            Term::Tuple(_) => 5,
            Term::Map(_) | Term::Struct(..) => 6,
            Term::List(_) | Term::Improper(..) => 7,
            Term::Str(_) | Term::Bin(..) => 8,
        }
    }

    /// Approximate heap bytes this term holds (for the process table's memory column).
    pub fn heap_size(&self) -> usize {
        let word = std::mem::size_of::<Term>();
        match self {
            Term::Atom(_) | Term::Int(_) | Term::Float(_) | Term::Pid(_) | Term::Ref(_) => 0,
            Term::Fun(_) => 4 * word,
            Term::Big(b) => b.bits() as usize / 8 + word,
            Term::Str(s) => s.len(),
            Term::Bin(b, _) => b.len(),
            Term::Tuple(items) => items.iter().map(|t| word + t.heap_size()).sum::<usize>(),
            Term::List(items) => items.iter().map(|t| word + t.heap_size()).sum::<usize>(),
            Term::Improper(cell) => {
                cell.0.iter().map(|t| word + t.heap_size()).sum::<usize>() + cell.1.heap_size()
            }
            Term::Map(pairs) => pairs
                .iter()
                .map(|(k, v)| 2 * word + k.heap_size() + v.heap_size())
                .sum(),
            Term::Struct(_, fields) => fields.iter().map(|(_, v)| word + v.heap_size()).sum(),
        }
    }
}

impl From<Atom> for Term {
    fn from(a: Atom) -> Self {
        Term::Atom(a)
    }
}
impl From<i64> for Term {
    fn from(i: i64) -> Self {
        Term::Int(i)
    }
}
impl From<&str> for Term {
    fn from(s: &str) -> Self {
        Term::str(s)
    }
}
impl From<Pid> for Term {
    fn from(p: Pid) -> Self {
        Term::Pid(p)
    }
}
impl From<Ref> for Term {
    fn from(r: Ref) -> Self {
        Term::Ref(r)
    }
}
impl From<bool> for Term {
    fn from(b: bool) -> Self {
        Term::bool(b)
    }
}

impl PartialEq for Term {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Term {}
impl PartialOrd for Term {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Term {
    /// Erlang's term order. Integers and floats compare by value; `1 == 1.0` is false in
    /// Elixir's `===` but true here, as with `==`. Iterative: no nesting is too deep.
    fn cmp(&self, other: &Self) -> Ordering {
        order(self, other, false)
    }
}

impl Term {
    /// The order of a map's keys: term order, except that an integer and a float are never
    /// the same key and every integer comes before every float (`%{1 => :a, 1.0 => :b}`
    /// has two keys, printed in that order, as on the BEAM).
    pub fn key_cmp(&self, other: &Term) -> Ordering {
        order(self, other, true)
    }
}

/// A big integer against a float, by value (exactly: the float's integer part is compared
/// as a big integer, so `2**64 == 18446744073709551616.0` and precision is never lost).
fn big_float_cmp(a: &BigInt, b: f64) -> Ordering {
    if b.is_nan() {
        return Ordering::Less;
    }
    match BigInt::from_f64(b.trunc()) {
        Some(t) => match a.cmp(&t) {
            Ordering::Equal => {
                // equal integer parts: the float's fraction decides
                if b > b.trunc() {
                    Ordering::Less
                } else if b < b.trunc() {
                    Ordering::Greater
                } else {
                    Ordering::Equal
                }
            }
            o => o,
        },
        None if b > 0.0 => Ordering::Less,
        None => Ordering::Greater,
    }
}

/// Term order; `exact` orders integers before floats instead of comparing their values.
fn order(this: &Term, other: &Term, exact: bool) -> Ordering {
    {
        enum Work<'a> {
            Pair(&'a Term, &'a Term),
            Items(&'a [Term], &'a [Term], usize),
            Pairs(&'a [(Term, Term)], &'a [(Term, Term)], usize),
            Cons(
                &'a [Term],
                Option<&'a Term>,
                &'a [Term],
                Option<&'a Term>,
                usize,
            ),
        }
        // Two scalars (atoms, numbers, pids: most comparisons) allocate nothing: the stack
        // grows only when containers are compared item by item.
        let mut stack = Vec::new();
        let mut first = Some(Work::Pair(this, other));
        while let Some(w) = first.take().or_else(|| stack.pop()) {
            match w {
                Work::Pair(a, b) => {
                    let o = match (a, b) {
                        (Term::Int(a), Term::Int(b)) => a.cmp(b),
                        (Term::Float(a), Term::Float(b)) => a.total_cmp(b),
                        (Term::Int(_), Term::Float(_)) if exact => Ordering::Less,
                        (Term::Float(_), Term::Int(_)) if exact => Ordering::Greater,
                        (Term::Int(a), Term::Float(b)) => (*a as f64).total_cmp(b),
                        (Term::Float(a), Term::Int(b)) => a.total_cmp(&(*b as f64)),
                        (Term::Big(a), Term::Big(b)) => a.cmp(b),
                        // a big integer lies past every small one
                        (Term::Big(a), Term::Int(_)) => a.sign().cmp(&Sign::NoSign),
                        (Term::Int(_), Term::Big(b)) => Sign::NoSign.cmp(&b.sign()),
                        (Term::Big(_), Term::Float(_)) if exact => Ordering::Less,
                        (Term::Float(_), Term::Big(_)) if exact => Ordering::Greater,
                        (Term::Big(a), Term::Float(b)) => big_float_cmp(a, *b),
                        (Term::Float(a), Term::Big(b)) => big_float_cmp(b, *a).reverse(),
                        (Term::Atom(a), Term::Atom(b)) => a.cmp(b),
                        (Term::Str(a), Term::Str(b)) => a.cmp(b),
                        (Term::Str(_) | Term::Bin(..), Term::Str(_) | Term::Bin(..)) => {
                            let (x, y) = (a.as_bits(), b.as_bits());
                            x.cmp(&y)
                        }
                        (Term::Pid(a), Term::Pid(b)) => a.cmp(b),
                        (Term::Ref(a), Term::Ref(b)) => a.cmp(b),
                        (Term::Fun(a), Term::Fun(b)) => a.id().cmp(&b.id()),
                        (Term::Tuple(a), Term::Tuple(b)) => {
                            let o = a.len().cmp(&b.len());
                            if o == Ordering::Equal {
                                stack.push(Work::Items(a, b, 0));
                            }
                            o
                        }
                        (Term::List(a), Term::List(b)) => {
                            stack.push(Work::Items(a, b, 0));
                            Ordering::Equal
                        }
                        // a cons cell at a time, as Erlang compares: items, then what follows
                        (
                            Term::List(_) | Term::Improper(..),
                            Term::List(_) | Term::Improper(..),
                        ) => {
                            let (xa, ta) = a.list_parts().unwrap_or((&[], None));
                            let (xb, tb) = b.list_parts().unwrap_or((&[], None));
                            stack.push(Work::Cons(xa, ta, xb, tb, 0));
                            Ordering::Equal
                        }
                        (Term::Map(a), Term::Map(b)) => {
                            let o = a.len().cmp(&b.len());
                            if o == Ordering::Equal {
                                stack.push(Work::Pairs(a, b, 0));
                            }
                            o
                        }
                        // as maps: by size, then keys in order, then `__struct__` and the
                        // values in key order (~D[2017-03-31] is "larger" than
                        // ~D[2017-04-01]: day comes before month and year)
                        (Term::Struct(ma, fa), Term::Struct(mb, fb)) => {
                            let o = fa.len().cmp(&fb.len());
                            if o != Ordering::Equal {
                                return o;
                            }
                            let mut ka: Vec<&'_ (Atom, Term)> = fa.iter().collect();
                            let mut kb: Vec<&'_ (Atom, Term)> = fb.iter().collect();
                            crate::sorting::sort_by_key(&mut ka, |x| x.0);
                            crate::sorting::sort_by_key(&mut kb, |x| x.0);
                            let o = ka.iter().map(|p| p.0).cmp(kb.iter().map(|p| p.0));
                            if o != Ordering::Equal {
                                return o;
                            }
                            let o = ma.cmp(mb);
                            if o == Ordering::Equal {
                                for (x, y) in ka.iter().zip(kb.iter()).rev() {
                                    stack.push(Work::Pair(&x.1, &y.1));
                                }
                            }
                            o
                        }
                        (Term::Struct(..), Term::Map(_)) => Ordering::Greater,
                        (Term::Map(_), Term::Struct(..)) => Ordering::Less,
                        _ => a.rank().cmp(&b.rank()),
                    };
                    if o != Ordering::Equal {
                        return o;
                    }
                }
                Work::Cons(a, ta, b, tb, i) => {
                    if i < a.len() && i < b.len() {
                        stack.push(Work::Cons(a, ta, b, tb, i + 1));
                        stack.push(Work::Pair(&a[i], &b[i]));
                        continue;
                    }
                    // what follows the common items on each side: more items (a list), the
                    // tail (never a list), or nothing (the empty list)
                    let rank = |items: &[Term], tail: Option<&Term>| {
                        if i < items.len() {
                            (7, true)
                        } else {
                            tail.map_or((7, false), |t| (t.rank(), true))
                        }
                    };
                    let (ra, na) = rank(a, ta);
                    let (rb, nb) = rank(b, tb);
                    match (ra.cmp(&rb), na, nb) {
                        (Ordering::Equal, true, true) if i >= a.len() && i >= b.len() => {
                            if let (Some(x), Some(y)) = (ta, tb) {
                                stack.push(Work::Pair(x, y));
                            }
                        }
                        (Ordering::Equal, x, y) => {
                            // [] against more items, or [] against []
                            let o = x.cmp(&y);
                            if o != Ordering::Equal {
                                return o;
                            }
                        }
                        (o, _, _) => return o,
                    }
                }
                Work::Items(a, b, i) => {
                    if i < a.len() && i < b.len() {
                        stack.push(Work::Items(a, b, i + 1));
                        stack.push(Work::Pair(&a[i], &b[i]));
                    } else {
                        let o = a.len().cmp(&b.len());
                        if o != Ordering::Equal {
                            return o;
                        }
                    }
                }
                Work::Pairs(a, b, i) => {
                    if i < a.len() && i < b.len() {
                        stack.push(Work::Pairs(a, b, i + 1));
                        stack.push(Work::Pair(&a[i].1, &b[i].1));
                        stack.push(Work::Pair(&a[i].0, &b[i].0));
                    }
                }
            }
        }
        Ordering::Equal
    }
}

/// Whether an atom prints bare after `:` (`:my_key`) or needs quotes (`:"my key"`).
/// The operators an atom names without quotes (`:+`, `:<>`, `:..`; but `:"::"`, `:"=<"`).
const OPERATOR_ATOMS: &[&str] = &[
    "+", "-", "*", "/", "==", "!=", "===", "!==", "<", ">", "<=", ">=", "=~", "++", "--", "+++",
    "---", "<>", "..", "...", "**", "!", "^", "&&", "||", "&&&", "|||", "&", "|", "|>", "<<<",
    ">>>", "<<~", "~>>", "<~", "~>", "<~>", "\\\\", "=", "->", "<-", ".", "%", "%{}", "{}", "<<>>",
    "@", "..//",
];

fn atom_is_plain(name: &str) -> bool {
    if OPERATOR_ATOMS.contains(&name) {
        return true;
    }
    let mut chars = name.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    if !(first.is_ascii_lowercase() || first.is_ascii_uppercase() || first == '_') {
        return false;
    }
    let body: Vec<char> = name.chars().collect();
    for (i, c) in body.iter().enumerate() {
        let last = i + 1 == body.len();
        let ok = c.is_ascii_alphanumeric()
            || *c == '_'
            || *c == '@'
            || (last && (*c == '?' || *c == '!'));
        if !ok {
            return false;
        }
    }
    true
}

/// Whether a module-like atom (`Elixir.Foo.Bar`) prints as the alias `Foo.Bar`.
fn alias_of(name: &str) -> Option<&str> {
    if name == "Elixir" {
        return Some(name);
    }
    let alias = name.strip_prefix("Elixir.")?;
    // :"Elixir.Elixir" is not the alias Elixir (which is :Elixir): printed whole
    if alias == "Elixir" || alias.starts_with("Elixir.") {
        return Some(name);
    }
    let ok = !alias.is_empty()
        && alias.split('.').all(|part| {
            let mut cs = part.chars();
            matches!(cs.next(), Some(c) if c.is_ascii_uppercase())
                && cs.all(|c| c.is_ascii_alphanumeric() || c == '_')
        });
    ok.then_some(alias)
}

/// Whether iex prints the string in quotes (`String.printable?/1`): otherwise as its bytes.
pub fn printable(s: &str) -> bool {
    s.chars().all(|c| {
        matches!(
            c,
            '\n' | '\r' | '\t' | '\x0B' | '\x08' | '\x0C' | '\x1B' | '\x7F' | '\x07'
        ) || ('\x20'..='\x7E').contains(&c)
            || ('\u{A0}'..='\u{D7FF}').contains(&c)
            // not the noncharacters U+FFFE and U+FFFF
            || ('\u{E000}'..='\u{FFFD}').contains(&c)
            || c >= '\u{10000}'
    })
}

/// A bitstring's items as iex prints them between `<<` and `>>`: `97`, `2::size(4)`.
pub fn bits_items(t: &Term) -> Vec<String> {
    let Some((bytes, tail)) = t.as_bits() else {
        return Vec::new();
    };
    let mut out: Vec<String> = bytes.iter().map(|b| b.to_string()).collect();
    if tail != 0 {
        if let (Some(last), Some(b)) = (out.last_mut(), bytes.last()) {
            *last = format!("{}::size({tail})", b >> (8 - tail));
        }
    }
    out
}

fn write_string(f: &mut fmt::Formatter<'_>, s: &str) -> fmt::Result {
    f.write_str("\"")?;
    for c in s.chars() {
        match c {
            '"' => f.write_str("\\\"")?,
            '\\' => f.write_str("\\\\")?,
            '\n' => f.write_str("\\n")?,
            '\t' => f.write_str("\\t")?,
            '\r' => f.write_str("\\r")?,
            '\x0B' => f.write_str("\\v")?,
            '\x08' => f.write_str("\\b")?,
            '\x0C' => f.write_str("\\f")?,
            '\x1B' => f.write_str("\\e")?,
            '\x7F' => f.write_str("\\d")?,
            '\x07' => f.write_str("\\a")?,
            '#' => f.write_str("#")?,
            c if (c as u32) < 0x20 => write!(f, "\\x{:02X}", c as u32)?,
            c => write!(f, "{c}")?,
        }
    }
    f.write_str("\"")
}

/// Writes an atom as a keyword key: `key:` or `"my key":`.
fn write_key(f: &mut fmt::Formatter<'_>, a: Atom) -> fmt::Result {
    let name = a.name();
    if atom_is_plain(&name) {
        write!(f, "{name}:")
    } else {
        write_string(f, &name)?;
        f.write_str(":")
    }
}

/// A list of printable character codes prints as a charlist, `'abc'`, as iex does.
pub fn charlist_text(items: &[Term]) -> Option<String> {
    if items.is_empty() {
        return None;
    }
    let mut out = String::from("'");
    for t in items {
        let Term::Int(c) = t else { return None };
        match *c {
            7 => out.push_str("\\a"),
            8 => out.push_str("\\b"),
            9 => out.push_str("\\t"),
            10 => out.push_str("\\n"),
            11 => out.push_str("\\v"),
            12 => out.push_str("\\f"),
            13 => out.push_str("\\r"),
            27 => out.push_str("\\e"),
            39 => out.push_str("\\'"),
            92 => out.push_str("\\\\"),
            32..=126 => out.push(*c as u8 as char),
            _ => return None,
        }
    }
    out.push('\'');
    // `#{` would read as interpolation: iex escapes it
    Some(out.replace("#{", "\\#{"))
}

/// `(first, last, step)` of a `%Range{}`.
pub fn range_parts(t: &Term) -> Option<(i64, i64, i64)> {
    let Term::Struct(m, fields) = t else {
        return None;
    };
    if &*m.name() != "Elixir.Range" {
        return None;
    }
    let get = |k: &str| {
        fields
            .iter()
            .find(|(a, _)| &*a.name() == k)
            .and_then(|(_, v)| v.as_int())
    };
    Some((get("first")?, get("last")?, get("step")?))
}

pub fn is_keyword_list(items: &[Term]) -> bool {
    // keys are atoms that are not module aliases (`[{Stack, 1}]` is not `[Stack: 1]`)
    !items.is_empty()
        && items.iter().all(
            |t| matches!(t.as_tuple(), Some([Term::Atom(k), _]) if alias_of(&k.name()).is_none()),
        )
}

fn write_float(f: &mut fmt::Formatter<'_>, x: f64) -> fmt::Result {
    if x.is_finite() && x.fract() == 0.0 && x.abs() < 1e16 {
        write!(f, "{x:.1}")
    } else if x.is_finite() && (x.abs() >= 1e16 || (x != 0.0 && x.abs() < 1e-4)) {
        // Elixir prints 1.0e20, 1.0e-5
        let s = format!("{x:e}");
        let (mantissa, exp) = s.split_once('e').unwrap_or((&s, "0"));
        if mantissa.contains('.') {
            write!(f, "{mantissa}e{exp}")
        } else {
            write!(f, "{mantissa}.0e{exp}")
        }
    } else {
        write!(f, "{x}")
    }
}

impl fmt::Display for Term {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", Depth(self, 0))
    }
}

/// A term printed at a nesting depth: past [`MAX_PRINT_DEPTH`] it prints `…`, so printing
/// never recurses without bound.
struct Depth<'a>(&'a Term, usize);

const MAX_PRINT_DEPTH: usize = 100;

impl fmt::Display for Depth<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.1 + 1;
        if d > MAX_PRINT_DEPTH {
            return f.write_str("…");
        }
        match self.0 {
            Term::Atom(a) => {
                let name = a.name();
                match &*name {
                    "nil" | "true" | "false" => f.write_str(&name),
                    n => {
                        if let Some(alias) = alias_of(n) {
                            f.write_str(alias)
                        } else if atom_is_plain(n) {
                            write!(f, ":{n}")
                        } else {
                            f.write_str(":")?;
                            write_string(f, n)
                        }
                    }
                }
            }
            Term::Int(i) => write!(f, "{i}"),
            Term::Big(b) => write!(f, "{b}"),
            Term::Float(x) => write_float(f, *x),
            Term::Str(s) if printable(s) => write_string(f, s),
            Term::Str(_) | Term::Bin(..) => {
                f.write_str("<<")?;
                f.write_str(&bits_items(self.0).join(", "))?;
                f.write_str(">>")
            }
            Term::Pid(p) => write!(f, "{p}"),
            Term::Ref(r) => write!(f, "{r}"),
            Term::Tuple(items) => {
                f.write_str("{")?;
                for (i, t) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{}", Depth(t, d))?;
                }
                f.write_str("}")
            }
            Term::Fun(fun) => write!(f, "{fun}"),
            Term::Improper(cell) => {
                let (items, tail) = (&cell.0, &cell.1);
                f.write_str("[")?;
                for (i, t) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{}", Depth(t, d))?;
                }
                write!(f, " | {}]", Depth(tail, d))
            }
            Term::List(items) => {
                if let Some(text) = charlist_text(items) {
                    return f.write_str(&text);
                }
                f.write_str("[")?;
                let keyword = is_keyword_list(items);
                for (i, t) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    match (keyword, t.as_tuple()) {
                        (true, Some([Term::Atom(k), v])) => {
                            write_key(f, *k)?;
                            write!(f, " {}", Depth(v, d))?;
                        }
                        _ => write!(f, "{}", Depth(t, d))?,
                    }
                }
                f.write_str("]")
            }
            Term::Map(pairs) => {
                f.write_str("%{")?;
                let atom_keys = pairs.iter().all(|(k, _)| matches!(k, Term::Atom(_)));
                for (i, (k, v)) in pairs.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    match (atom_keys, k) {
                        (true, Term::Atom(a)) => {
                            write_key(f, *a)?;
                            write!(f, " {}", Depth(v, d))?;
                        }
                        _ => write!(f, "{} => {}", Depth(k, d), Depth(v, d))?,
                    }
                }
                f.write_str("}")
            }
            Term::Struct(module, fields) => {
                if let Some((first, last, step)) = range_parts(self.0) {
                    return if step == 1 && first <= last {
                        write!(f, "{first}..{last}")
                    } else {
                        write!(f, "{first}..{last}//{step}")
                    };
                }
                f.write_str("%")?;
                write!(f, "{}", Term::Atom(*module))?;
                f.write_str("{")?;
                for (i, (k, v)) in fields.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write_key(f, *k)?;
                    write!(f, " {}", Depth(v, d))?;
                }
                f.write_str("}")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_term_stays_four_words() {
        // lists, tuples and maps hold terms by value: a wider variant widens them all
        // (an improper list and a big integer are boxed for this)
        assert!(
            std::mem::size_of::<Term>() <= 32,
            "{}",
            std::mem::size_of::<Term>()
        );
    }

    use super::*;

    #[test]
    fn prints_like_iex_inspect() {
        assert_eq!(Term::atom("my_key").to_string(), ":my_key");
        assert_eq!(Term::atom("my key").to_string(), ":\"my key\"");
        assert_eq!(Term::nil().to_string(), "nil");
        assert_eq!(Term::bool(true).to_string(), "true");
        assert_eq!(
            Term::Atom(Atom::module("Redfour.SessionSupervisor")).to_string(),
            "Redfour.SessionSupervisor"
        );
        assert_eq!(Term::str("a\"b").to_string(), "\"a\\\"b\"");
        assert_eq!(Term::Float(1.0).to_string(), "1.0");
        assert_eq!(Term::Float(0.1).to_string(), "0.1");
        assert_eq!(Term::Float(1.0e20).to_string(), "1.0e20");
        assert_eq!(
            Term::atom_map(&[
                ("workers", Term::Int(2)),
                ("active", Term::Int(2)),
                ("specs", Term::Int(1)),
                ("supervisors", Term::Int(0))
            ])
            .to_string(),
            "%{active: 2, specs: 1, supervisors: 0, workers: 2}"
        );
        assert_eq!(
            Term::map(vec![(Term::str("a"), Term::Int(1))]).to_string(),
            "%{\"a\" => 1}"
        );
        assert_eq!(
            Term::list(vec![Term::tuple(vec![
                Term::atom("key"),
                Term::atom("my_key")
            ])])
            .to_string(),
            "[key: :my_key]"
        );
        assert_eq!(Term::list(vec![]).to_string(), "[]");
        assert_eq!(
            Term::structure(
                "Redfour.Shopping.Session",
                vec![("domain", Term::nil()), ("landing", Term::str("/"))]
            )
            .to_string(),
            "%Redfour.Shopping.Session{domain: nil, landing: \"/\"}"
        );
    }

    #[test]
    fn orders_like_erlang() {
        let mut terms = [
            Term::str("b"),
            Term::list(vec![]),
            Term::tuple(vec![]),
            Term::atom("a"),
            Term::Int(3),
            Term::Float(2.5),
        ];
        terms.sort();
        let printed: Vec<String> = terms.iter().map(|t| t.to_string()).collect();
        assert_eq!(printed, ["2.5", "3", ":a", "{}", "[]", "\"b\""]);
        assert!(Term::atom("apple") < Term::atom("banana"));
    }

    #[test]
    fn map_keeps_the_last_duplicate_key() {
        let m = Term::map(vec![
            (Term::atom("a"), Term::Int(1)),
            (Term::atom("a"), Term::Int(2)),
        ]);
        assert_eq!(m.to_string(), "%{a: 2}");
        assert_eq!(m.get("a"), Some(&Term::Int(2)));
    }
}
