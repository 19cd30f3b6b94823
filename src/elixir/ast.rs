//! The syntax tree the parser builds and the evaluator walks. Nodes are shared (`Rc`), so a
//! function's clauses are kept once in its module and referenced by every closure and call.

use std::rc::Rc;

use crate::runtime::{Atom, Term};

pub type P = Rc<Expr>;

#[derive(Debug)]
pub struct Expr {
    pub kind: Kind,
    pub line: u32,
    /// Cached: whether it evaluates without the machine's stack (the low bit), as of a
    /// version of the console's code (the rest: see `machine::code_version`); 0 not known.
    pub simple: std::cell::Cell<u32>,
    /// For `fn` and `&(…)`: the variables it may read, worked out at its first evaluation
    /// (`None` inside: it calls `binding()`, which reads them all).
    pub captures: std::cell::OnceCell<Option<Rc<[Atom]>>>,
}

#[derive(Debug)]
pub enum Part {
    Lit(Rc<str>),
    Code(P),
}

#[derive(Debug)]
pub enum Kind {
    Lit(Term),
    Var(Atom),
    /// A string (or charlist, when the flag is set) with `#{}` parts.
    Interp(Vec<Part>, bool),
    Tuple(Vec<P>),
    /// `<<a, b::8, rest::binary>>`: its segments, each a value or `value::spec`.
    Bits(Vec<P>),
    /// Items and an optional tail: `[a, b | rest]`.
    List(Vec<P>, Option<P>),
    Map(Vec<(P, P)>),
    /// `%{map | key: value}`
    MapUpdate(P, Vec<(P, P)>),
    /// `%Name{fields}` or `%Name{base | fields}`
    Struct(P, Option<P>, Vec<(P, P)>),
    Unary(&'static str, P),
    Binary(&'static str, P, P),
    Match(P, P),
    Pin(P),
    /// A local call: `name(args)`, `name args`, with its `do`/`else`/… blocks.
    Call(Atom, Vec<P>, Rc<Blocks>),
    /// `Mod.fun(args)`, `var.field` (no parens: a field of a map or a zero-arity call).
    Remote(P, Atom, Vec<P>, bool),
    /// `fun.(args)`
    Apply(P, Vec<P>),
    /// `term[key]`
    Access(P, P),
    Fn(Rc<[Clause]>),
    /// `(x -> x)`: clauses in parentheses, the value of a `do:` keyword
    /// (`receive do: (x -> x)`); nowhere else.
    Stab(Rc<[Clause]>),
    /// `&(&1 + 1)`: the body and its arity.
    Capture(P, usize),
    /// `&Mod.fun/2` or `&fun/1`.
    CaptureRef(Option<P>, Atom, usize),
    CaptureArg(usize),
    Block(Vec<P>),
    /// A module alias as written (`Foo.Bar`); resolved against `alias` at evaluation.
    Alias(Atom),
    /// `@name`
    Attr(Atom),
    /// `__MODULE__`
    Module,
}

/// The blocks of a call: `do`, `else`, `after`, `rescue`, `catch`, each a body or clauses.
#[derive(Debug, Default)]
pub struct Blocks {
    pub items: Vec<(Atom, Body)>,
}

impl Blocks {
    pub fn get(&self, name: &str) -> Option<&Body> {
        self.items
            .iter()
            .find(|(k, _)| &*k.name() == name)
            .map(|(_, b)| b)
    }
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

#[derive(Debug, Clone)]
pub enum Body {
    Expr(P),
    Clauses(Rc<[Clause]>),
}

#[derive(Debug)]
pub struct Clause {
    pub args: Vec<P>,
    pub guard: Option<P>,
    pub body: P,
}

impl Expr {
    pub fn new(kind: Kind, line: usize) -> P {
        Rc::new(Expr {
            kind,
            line: line as u32,
            simple: std::cell::Cell::new(0),
            captures: Default::default(),
        })
    }
    pub fn nil(line: usize) -> P {
        Expr::new(Kind::Lit(Term::nil()), line)
    }
}
