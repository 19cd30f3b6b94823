//! The lowered form of a module function: what [`super::lower`] makes of its clauses once,
//! and what the machine's compiled path (`machine/compiled.rs`) runs.
//!
//! A function becomes one flat vector of instructions over a value stack. Its variables are
//! slots of a frame (a clause's arguments are slots `0..arity`), operators are [`BinOp`]s,
//! `if`, `case` and `cond` are jumps, and each call site names what it calls (`Site`),
//! resolved the first time it runs and again whenever the console's code changes (a module
//! defined or redefined): a fully qualified call reaches the
//! newest code, as on the BEAM. Whatever the lowering does not know yet is kept as syntax and
//! run by the tree-walking machine through one instruction ([`Ins::Eval`]).

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use super::ast::{Clause, P};
use super::natives::NativeFn;
use crate::runtime::{Atom, Term};

/// A function lowered: its instructions and the tables they index.
#[derive(Debug)]
pub struct Code {
    /// The module whose functions its local calls reach (`None`: a closure of the shell's).
    pub module: Option<Atom>,
    pub name: Atom,
    /// What a FunctionClauseError names: `Fib.fib`, or an anonymous function's name.
    pub fun_name: Rc<str>,
    pub arity: u32,
    /// The frame's size: arguments, then every variable a clause binds.
    pub slots: u32,
    pub ins: Vec<Ins>,
    pub consts: Vec<Term>,
    /// Operators as written, for [`Ins::OpStr`] and [`Ins::Unary`].
    pub ops: Vec<&'static str>,
    pub pats: Vec<Pat>,
    pub sites: Vec<Site>,
    /// Expressions the machine evaluates, with the variables they read.
    pub exprs: Vec<Fallback>,
    /// Anonymous functions the body makes.
    pub funs: Vec<FnProto>,
}

impl Code {
    /// Forgets what the call sites resolved to (their cache holds other functions' code, and
    /// this function's own: a cycle, broken when the module is replaced).
    pub fn forget_links(&self) {
        for s in &self.sites {
            s.version.set(0);
            *s.target.borrow_mut() = Target::Unknown;
        }
        for f in &self.funs {
            if let Some(Some((code, _))) = f.lowered.code.get() {
                code.forget_links();
            }
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub enum Ins {
    /// Push `consts[i]`.
    Const(u32),
    Load(u32),
    /// Pop into a slot.
    Store(u32),
    Pop,
    Op(BinOp),
    /// Any other operator: `ops[i]` (`/`, `<>`, `++`, `in`…).
    OpStr(u32),
    /// The operator with an integer literal on its right (`n - 1`, `n < 2`).
    OpInt(BinOp, i64),
    /// `slot` with an integer literal (`n - 1` where `n` is a variable).
    LoadOpInt(u32, BinOp, i64),
    /// `ops[i]` on one operand.
    Unary(u32),
    Jump(u32),
    /// Pop; jump when it is falsy (`nil` or `false`).
    JumpIfNot(u32),
    /// Pop; jump when it is truthy (`unless`).
    JumpIf(u32),
    /// `&&`, `||`, `and`, `or` with the left operand on top: keep it and jump to the end,
    /// or pop it and go on to the right operand.
    Short(Short, u32),
    Tuple(u32),
    List(u32),
    /// `[a, b | tail]`: the items, then the tail.
    ListTail(u32),
    Map(u32),
    /// Whether slot `slot` is `consts[k]` (a literal pattern); jump to `fail` when not.
    TestConst {
        slot: u32,
        k: u32,
        fail: u32,
    },
    /// Match slot `slot` against `pats[pat]`; jump to `fail` when it does not match.
    Test {
        slot: u32,
        pat: u32,
        fail: u32,
    },
    /// `pat = value`: the value stays on top; MatchError when it does not match.
    Bind(u32),
    /// The guard's instructions follow; an error in them jumps to `fail`.
    GuardBegin(u32),
    /// Pop the guard's value; anything but `true` jumps to `fail`.
    GuardEnd(u32),
    /// Call `sites[i]` with its arguments on top.
    Call {
        site: u32,
        tail: bool,
    },
    /// `f.(args)`: the function, then its arguments.
    Apply {
        argc: u32,
        tail: bool,
    },
    /// `target.name` or `target.name(args)` where the target is a value.
    Remote {
        name: Atom,
        argc: u32,
        parens: bool,
        tail: bool,
    },
    /// Evaluate `exprs[i]` with the machine.
    Eval {
        expr: u32,
        tail: bool,
    },
    /// Make the anonymous function `funs[i]`.
    Closure(u32),
    /// No clause matched: raise with the value on top (`case`) or the arguments (`def`).
    NoCaseClause,
    NoCondClause,
    NoFunClause,
    Ret,
}

/// `&&`, `||`, `and`, `or`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Short {
    And,
    Or,
    /// `and`
    StrictAnd,
    /// `or`
    StrictOr,
}

/// An operator whose integer cases the compiled loop works out itself.
#[derive(Debug, Clone, Copy)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Lt,
    Gt,
    Le,
    Ge,
    Eq,
    Ne,
    StrictEq,
    StrictNe,
}

impl BinOp {
    pub fn of(op: &str) -> Option<BinOp> {
        Some(match op {
            "+" => BinOp::Add,
            "-" => BinOp::Sub,
            "*" => BinOp::Mul,
            "<" => BinOp::Lt,
            ">" => BinOp::Gt,
            "<=" => BinOp::Le,
            ">=" => BinOp::Ge,
            "==" => BinOp::Eq,
            "!=" => BinOp::Ne,
            "===" => BinOp::StrictEq,
            "!==" => BinOp::StrictNe,
            _ => return None,
        })
    }

    pub fn text(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Lt => "<",
            BinOp::Gt => ">",
            BinOp::Le => "<=",
            BinOp::Ge => ">=",
            BinOp::Eq => "==",
            BinOp::Ne => "!=",
            BinOp::StrictEq => "===",
            BinOp::StrictNe => "!==",
        }
    }
}

/// A pattern, its variables as slots.
#[derive(Debug)]
pub enum Pat {
    Any,
    /// A variable's first appearance: bind it.
    Bind(u32),
    /// A variable seen before in the same pattern, or `^pinned`: must be equal.
    Same(u32),
    Lit(Term),
    Tuple(Vec<Pat>),
    List(Vec<Pat>, Option<Box<Pat>>),
    /// `%{key => pat}` with literal keys: each key present, each value matching.
    Map(Vec<(Term, Pat)>),
    /// `a = b` inside a pattern: both.
    Both(Box<Pat>, Box<Pat>),
}

/// Where a call goes.
#[derive(Debug)]
pub struct Site {
    pub callee: Callee,
    pub name: Atom,
    pub arity: u32,
    /// Inside a guard: only native functions, and an error fails the clause.
    pub guard: bool,
    /// What it resolved to, and the code version it was resolved in.
    pub version: Cell<u32>,
    pub target: RefCell<Target>,
}

#[derive(Debug, Clone, Copy)]
pub enum Callee {
    /// `name(args)`: the module's own function, an import or Kernel.
    Local,
    /// `Alias.name(args)`, the alias resolved when the call runs.
    Alias(Atom),
    /// `:lists.name(args)`.
    Module(Atom),
}

#[derive(Clone)]
pub enum Target {
    Unknown,
    /// A console function that is lowered.
    Code(Rc<Code>),
    /// A console function the machine runs.
    Def(Atom, Rc<super::machine::FunDef>),
    Native(Atom, NativeFn),
    /// Anything else: the machine works it out at each call (and raises what iex raises).
    Slow(Atom),
}

impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Target::Unknown => write!(f, "unknown"),
            Target::Code(c) => write!(f, "code {}", c.fun_name),
            Target::Def(_, d) => write!(f, "def {}", d.name.name()),
            Target::Native(m, _) => write!(f, "native {}", Term::Atom(*m)),
            Target::Slow(m) => write!(f, "slow {}", Term::Atom(*m)),
        }
    }
}

impl Site {
    pub fn new(callee: Callee, name: Atom, arity: usize, guard: bool) -> Site {
        Site {
            callee,
            name,
            arity: arity as u32,
            guard,
            version: Cell::new(0),
            target: RefCell::new(Target::Unknown),
        }
    }
}

/// An expression the machine evaluates: the syntax, and the variables it may read.
#[derive(Debug)]
pub struct Fallback {
    pub expr: P,
    pub vars: Vec<(Atom, u32)>,
    pub guard: bool,
}

/// An anonymous function: its clauses (run by the machine) and the variables it captures.
#[derive(Debug)]
pub struct FnProto {
    pub clauses: Rc<[Clause]>,
    pub arity: usize,
    pub vars: Vec<(Atom, u32)>,
    pub origin: Rc<str>,
    /// Its clauses lowered, shared by every closure it makes.
    pub lowered: Rc<Lowered>,
}

/// An anonymous function's clauses lowered (at its second call), with where each variable
/// it reads is in its environment; shared by the closures one `fn` in compiled code makes.
#[derive(Debug, Default)]
pub struct Lowered {
    pub code: std::cell::OnceCell<Option<(Rc<Code>, Vec<u32>)>>,
    pub calls: Cell<u32>,
}
