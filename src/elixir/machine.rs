//! The evaluator: an explicit-stack machine over the syntax tree.
//!
//! Nothing an Elixir program does recurses on the Rust stack except the evaluation of small
//! "simple" expressions (operators, literals, calls of pure library functions), whose depth is
//! bounded by the source's nesting. Calls, blocks, `case`, `for`, `try` and the library's
//! higher-order functions push continuation frames ([`Kont`]) on a heap vector instead, so:
//! - a tail call replaces the caller's frame (a `loop(state)` runs forever in constant space);
//! - the machine can stop after any step: [`Machine::run`] returns [`Step::Yield`] when its
//!   reduction budget is spent and the process awaits its next turn, as the BEAM preempts;
//! - deep non-tail recursion meets [`MAX_FRAMES`] and ends in an error, not a stack overflow.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use super::ast::{Blocks, Body, Clause, Expr, Kind, Part, P};
use super::inspect;
use super::matcher::map_get;
use super::natives::Natives;
use super::ops;
use super::stdlib;
use super::value::{
    compile_error, exception, fn_clause_error, key_error, match_error, undefined_function, Env,
    Exc, Fun, FunKind, R,
};
use crate::runtime::{Atom, Ctx, Runtime, Term};

/// The default `max_heap_size` of a console process: past it the process is killed, as OTP
/// kills a process whose heap passes its limit.
pub const MAX_HEAP: usize = 64 * 1024 * 1024;

/// Continuation frames one evaluation may hold (non-tail recursion depth, roughly).
pub const MAX_FRAMES: usize = 600_000;
/// Items a container's scan costs per value in the heap walks' budgets (`heap_step`,
/// `release`): scanning a list's items is cheaper than visiting a value, but not free.
const ITEMS_PER_NODE: usize = 4;

/// A module defined in the console.
#[derive(Debug, Default)]
pub struct Module {
    pub name: Option<Atom>,
    pub funs: BTreeMap<(Atom, usize), Rc<FunDef>>,
    pub attrs: Vec<(Atom, Term)>,
    pub struct_fields: Option<Vec<(Atom, Term)>>,
    pub exception: bool,
    pub aliases: Vec<(Atom, Atom)>,
    pub imports: Vec<Atom>,
    /// `only:`/`except:` of each import.
    pub import_opts: Vec<(Atom, Term)>,
    pub moduledoc: Option<String>,
    pub docs: BTreeMap<(Atom, usize), String>,
    /// `use GenServer` and friends (for the next issue's behaviours).
    pub uses: Vec<Atom>,
    /// `use GenServer, restart: :transient`: the options of each `use`.
    pub use_opts: Vec<Term>,
}

#[derive(Debug)]
pub struct FunDef {
    pub name: Atom,
    pub arity: usize,
    pub private: bool,
    pub clauses: Vec<Rc<Clause>>,
}

/// Every module the console's processes share.
pub type Modules = Rc<RefCell<BTreeMap<Atom, Rc<Module>>>>;

thread_local! {
    static CODE_VERSION: std::cell::Cell<u32> = const { std::cell::Cell::new(1) };
}

/// The version of the console's code on this thread: it moves on whenever a module is
/// defined, so that what was worked out from the code before (which calls are native and
/// answer at once) is worked out again.
pub fn code_version() -> u32 {
    CODE_VERSION.with(|v| v.get())
}

fn new_code_version() {
    // 31 bits: the low bit of the cache holds the answer; wrapping to 0 would read as "not
    // known", which is safe
    CODE_VERSION.with(|v| v.set((v.get() + 1) & 0x7fff_ffff));
}

/// Something a library function needs the runtime to do before the evaluation goes on
/// (a `GenServer.call`, `Process.sleep`, `flush`). The driver awaits it in the process.
pub type AsyncOp = Box<dyn FnOnce(Ctx) -> Pin<Box<dyn Future<Output = R<Term>>>>>;
pub type Then = Box<dyn FnOnce(&mut Machine, Term) -> R<NRet>>;

/// What a library function answers.
pub enum NRet {
    Value(Term),
    /// Call `fun` with `args`; its result goes to `then`.
    CallThen(Term, Vec<Term>, Then),
    /// Call `fun` with `args` in place of this call (`apply/3`).
    Call(Term, Vec<Term>),
    Await(AsyncOp),
    /// Wait, then hand the answer to `then`.
    AwaitThen(AsyncOp, Then),
    /// Work on a long native loop continues after the scheduler had its turn.
    Continue(Then),
}

pub enum Step {
    Done(Term),
    Failed(Exc),
    Yield,
    Await(AsyncOp),
    /// `receive`: wait for the first message one of the clauses matches (see
    /// [`Machine::probe`]), at most `Some(ms)`; then call [`Machine::received`].
    Receive(Option<u64>),
}

pub(crate) enum Ctl {
    Eval(P),
    Ret(Term),
    Throw(Exc),
    Await(AsyncOp),
    Yield(Then),
    Receive(Option<u64>),
}

enum TryPhase {
    Body,
    Handler,
}

struct ForState {
    quals: Vec<P>,
    body: Body,
    into: Option<Term>,
    uniq: bool,
    reduce: bool,
    acc: Term,
    out: Vec<Term>,
    levels: Vec<Level>,
    /// Which qualifier is being evaluated (a generator's source or a filter).
    at: usize,
    base: usize,
}

struct Level {
    qual: usize,
    items: Vec<Term>,
    idx: usize,
    env_len: usize,
}

enum Kont {
    Restore(Env, Option<Atom>),
    Truncate(usize),
    Block(P, usize),
    Build(P, usize, Vec<Term>),
    Match(P),
    Short(&'static str, P),
    /// The left operand came back; the right one is next.
    Left(&'static str, P),
    /// Both are known: apply the operator.
    Right(&'static str, Term),
    If(P, bool),
    Case(Rc<[Clause]>, usize),
    Cond(Rc<[Clause]>, usize),
    With(P, usize, usize),
    For(Box<ForState>),
    Try(P, Env, TryPhase),
    Then(Then),
    Value(Term),
    Rethrow(Exc),
    EndModule(Atom, Option<Atom>),
    SetAttr(Atom),
    MatchQ(P),
}

/// One module being defined (`defmodule` nests).
struct Builder {
    module: Module,
    name: Atom,
    /// Clauses in definition order, grouped by name and arity.
    defs: Vec<Def>,
    pending_doc: Option<String>,
}

pub struct Machine {
    pub ctx: Ctx,
    pub rt: Runtime,
    pub modules: Modules,
    /// The native functions this console knows (the library's and its host's).
    pub natives: Rc<Natives>,
    pub env: Env,
    /// The module whose code is running (its local functions, aliases and imports).
    pub module: Option<Atom>,
    stack: Vec<Kont>,
    ctl: Option<Ctl>,
    /// What the evaluation printed (IO.puts, IO.inspect, warnings), in order.
    pub out: String,
    pub reductions: u64,
    defining: Vec<Builder>,
    /// The shell's `alias` and `import`s.
    pub aliases: Vec<(Atom, Atom)>,
    pub imports: Vec<Atom>,
    pub import_opts: Vec<(Atom, Term)>,
    /// Results of earlier lines, for `v/0,1`.
    pub results: Vec<Term>,
    /// Asked for by `:observer.start`.
    pub observer_requested: bool,
    /// `clear` was called.
    pub clear_requested: bool,
    /// Emptied environments kept for the next calls (a call then allocates nothing).
    env_pool: Vec<Env>,
    /// The clauses (and `after` body) of the `receive` being waited on.
    receiving: Option<(Rc<[Clause]>, Option<P>)>,
    /// The clause `probe` found for the message `receive` is taking, and where its bindings
    /// start.
    probed: Option<(usize, usize)>,
    /// Where this process's output goes when it is not the shell: the console's group
    /// leader, shared by every process the console started.
    pub io: Option<Rc<RefCell<String>>>,
    /// The console's group leader: what processes the console started print, and their
    /// crash reports (`[error] Process … raised an exception`).
    pub group: Rc<RefCell<String>>,
    /// A console GenServer's state and the message it was handling, for its crash report.
    pub gen_state: Option<Term>,
    pub gen_last: Option<Term>,
    /// OTP's `max_heap_size` for this process, in bytes (estimated: see [`Machine::heap_bytes`]).
    pub max_heap: usize,
    /// Much was allocated: the driver measures the heap at this yield.
    pub heap_check: bool,
    /// A measure of the heap under way (`heap_step`).
    heap_walk: Option<Box<HeapWalk>>,
    /// `Process.send_after`'s references and the runtime's timers behind them.
    pub timers: Vec<(crate::runtime::Ref, crate::runtime::TimerRef)>,
}

/// The forms evaluated from their syntax (their arguments are not evaluated first).
const SPECIAL: &[&str] = &[
    "if",
    "unless",
    "case",
    "cond",
    "with",
    "for",
    "try",
    "match?",
    "defmodule",
    "def",
    "defp",
    "defstruct",
    "defexception",
    "alias",
    "import",
    "require",
    "use",
    "@",
    "receive",
    "quote",
    "unquote",
    "defmacro",
    "defmacrop",
    "defguard",
    "defguardp",
    "defprotocol",
    "defimpl",
    "defdelegate",
    "defoverridable",
    "h",
    "put_in",
    "update_in",
    "get_in",
];

thread_local! {
    static SPECIAL_ATOMS: Vec<Atom> = SPECIAL.iter().map(|s| Atom::new(s)).collect();
}

thread_local! {
    static KERNEL: Atom = Atom::module("Kernel");
}

/// `Kernel` as an atom (looked up once per thread, not per call).
fn kernel_atom() -> Atom {
    KERNEL.with(|k| *k)
}

fn is_special(name: Atom) -> bool {
    SPECIAL_ATOMS.with(|s| s.contains(&name))
}

fn var(name: &str) -> Atom {
    Atom::new(name)
}

impl Machine {
    pub fn new(ctx: Ctx, rt: Runtime, modules: Modules, natives: Rc<Natives>) -> Self {
        Machine {
            ctx,
            rt,
            modules,
            natives,
            env: Vec::new(),
            module: None,
            stack: Vec::new(),
            ctl: None,
            out: String::new(),
            reductions: 0,
            defining: Vec::new(),
            aliases: Vec::new(),
            imports: Vec::new(),
            import_opts: Vec::new(),
            results: Vec::new(),
            observer_requested: false,
            clear_requested: false,
            env_pool: Vec::new(),
            receiving: None,
            probed: None,
            io: None,
            group: Rc::default(),
            gen_state: None,
            gen_last: None,
            timers: Vec::new(),
            max_heap: MAX_HEAP,
            heap_check: false,
            heap_walk: None,
        }
    }

    /// Starts evaluating one input (its expressions in order).
    pub fn start(&mut self, exprs: Vec<P>) {
        self.stack.clear();
        self.defining.clear();
        self.module = None;
        let line = exprs.first().map_or(1, |e| e.line as usize);
        let block = if exprs.len() == 1 {
            exprs.into_iter().next().unwrap_or_else(|| Expr::nil(1))
        } else {
            Expr::new(Kind::Block(exprs), line)
        };
        self.ctl = Some(Ctl::Eval(block));
    }

    /// An estimate of the data this process holds (its variables, and the values waiting in
    /// its frames), counting shared data once; stops counting past `cap`.
    pub fn heap_bytes(&mut self, cap: usize) -> usize {
        self.heap_walk = None;
        loop {
            if let Some(bytes) = self.heap_step(cap, usize::MAX) {
                return bytes;
            }
        }
    }

    /// The values this process holds: its variables and those waiting in its frames.
    fn roots(&self) -> Vec<Term> {
        let mut todo: Vec<Term> = self.env.iter().map(|(_, t)| t.clone()).collect();
        for k in &self.stack {
            match k {
                Kont::Restore(env, _) => todo.extend(env.iter().map(|(_, t)| t.clone())),
                Kont::Build(_, _, vals) => todo.extend(vals.iter().cloned()),
                Kont::For(st) => todo.extend(st.out.iter().cloned()),
                Kont::Value(t) | Kont::Right(_, t) => todo.push(t.clone()),
                _ => {}
            }
        }
        todo
    }

    /// `heap_bytes` a piece at a time, so that measuring a big heap never holds up a frame:
    /// looks at up to `nodes` values (a container's items count too, `ITEMS_PER_NODE` to a
    /// value), and answers once the walk is over (or past `cap`). The
    /// walk holds the values it has still to look at, so they stay alive meanwhile; what the
    /// process allocates after the walk began is left for the next one.
    pub fn heap_step(&mut self, cap: usize, nodes: usize) -> Option<usize> {
        if self.heap_walk.is_none() {
            self.heap_walk = Some(HeapWalk::over(self.roots()));
        }
        let walk = self.heap_walk.as_mut()?;
        let word = std::mem::size_of::<Term>();
        let seen = &mut walk.seen;
        // A container costs its items' scan too: a list of 10,000 numbers is not one value's
        // work.
        let mut budget = nodes;
        while budget > 0 {
            let Some(t) = walk.todo.pop() else {
                break;
            };
            budget = budget.saturating_sub(1 + t.items_len() / ITEMS_PER_NODE);
            // Data held by one value only cannot be met twice: no need to remember it.
            match &t {
                Term::Str(x) if Rc::strong_count(x) == 1 || seen.insert(x.as_ptr() as usize) => {
                    walk.total += x.len()
                }
                Term::List(l) if !l.shared() || seen.insert(l.as_ptr() as usize) => {
                    walk.total += l.len() * word;
                    walk.todo.extend(l.iter().filter(|t| t.is_boxed()).cloned());
                }
                Term::Tuple(x) if !x.shared() || seen.insert(x.as_ptr() as usize) => {
                    walk.total += x.len() * word;
                    walk.todo.extend(x.iter().filter(|t| t.is_boxed()).cloned());
                }
                Term::Map(x) if !x.shared() || seen.insert(x.as_ptr() as usize) => {
                    walk.total += x.len() * 2 * word;
                    for (k, v) in x.iter() {
                        walk.todo
                            .extend([k, v].into_iter().filter(|t| t.is_boxed()).cloned());
                    }
                }
                Term::Struct(_, x) if !x.shared() || seen.insert(x.as_ptr() as usize) => {
                    walk.total += x.len() * word;
                    walk.todo
                        .extend(x.iter().map(|(_, v)| v).filter(|t| t.is_boxed()).cloned());
                }
                _ => {}
            }
            if walk.total > cap {
                break;
            }
        }
        if walk.total > cap || walk.todo.is_empty() {
            let total = walk.total;
            self.heap_walk = None;
            return Some(total);
        }
        None
    }

    /// Lets go of this process's data a piece at a time (before it is killed for its heap,
    /// so that freeing millions of values never holds up a frame): frees up to `nodes`
    /// values; true once everything is gone.
    pub fn release(&mut self, nodes: usize) -> bool {
        if self.heap_walk.is_none() || !self.env.is_empty() || !self.stack.is_empty() {
            // every value the process holds, held once more here; then the process lets go
            self.heap_walk = Some(HeapWalk::over(self.roots()));
            self.env.clear();
            self.stack.clear();
            self.ctl = None;
        }
        let Some(walk) = self.heap_walk.as_mut() else {
            return true;
        };
        let mut budget = nodes;
        while budget > 0 {
            let Some(t) = walk.todo.pop() else {
                self.heap_walk = None;
                return true;
            };
            budget = budget.saturating_sub(1 + t.items_len() / ITEMS_PER_NODE);
            // The last holder of a container keeps its items for later, then frees it alone.
            let last = match &t {
                Term::List(l) => !l.shared(),
                Term::Tuple(x) => !x.shared(),
                Term::Map(x) => !x.shared(),
                Term::Struct(_, x) => !x.shared(),
                _ => false,
            };
            if last {
                match &t {
                    Term::List(l) => walk.todo.extend(l.iter().filter(|t| t.is_boxed()).cloned()),
                    Term::Tuple(x) => walk.todo.extend(x.iter().filter(|t| t.is_boxed()).cloned()),
                    Term::Map(x) => {
                        for (k, v) in x.iter() {
                            walk.todo
                                .extend([k, v].into_iter().filter(|t| t.is_boxed()).cloned());
                        }
                    }
                    Term::Struct(_, x) => walk
                        .todo
                        .extend(x.iter().map(|(_, v)| v).filter(|t| t.is_boxed()).cloned()),
                    _ => {}
                }
            }
            drop(t);
        }
        false
    }

    /// Starts calling `f` with `args` (the body of a spawned process).
    pub fn start_call(&mut self, f: Term, args: Vec<Term>) {
        self.stack.clear();
        self.ctl = Some(Ctl::Ret(Term::nil()));
        let c = self.call_fun(f, args);
        self.ctl = Some(c);
    }

    /// Whether a clause of the `receive` being waited on matches `msg` (nothing is bound).
    /// The clause that matched keeps its bindings: `received` runs its body without matching
    /// the message again.
    pub fn probe(&mut self, msg: &Term) -> bool {
        let Some((clauses, _)) = self.receiving.clone() else {
            return false;
        };
        let base = self.env.len();
        for (i, c) in clauses.iter().enumerate() {
            let ok = self
                .clause_matches(c, std::slice::from_ref(msg), base)
                .unwrap_or(false);
            if ok {
                self.probed = Some((i, base));
                return true;
            }
            self.env.truncate(base);
        }
        false
    }

    /// The message `receive` took (or `None`: its `after` ran out).
    pub fn received(&mut self, msg: Option<Term>) {
        let Some((clauses, after)) = self.receiving.take() else {
            self.ctl = Some(Ctl::Ret(Term::nil()));
            return;
        };
        let probed = self.probed.take();
        self.ctl = Some(match (msg, probed) {
            (Some(_), Some((i, base))) if i < clauses.len() => {
                self.stack.push(Kont::Truncate(base));
                Ctl::Eval(clauses[i].body.clone())
            }
            (Some(m), _) => self.match_clauses(&clauses, &[m], 0, |v| {
                exception("CaseClauseError", vec![("term", v[0].clone())])
            }),
            (None, _) => match after {
                Some(body) => {
                    self.stack.push(Kont::Truncate(self.env.len()));
                    Ctl::Eval(body)
                }
                None => Ctl::Ret(Term::nil()),
            },
        });
    }

    /// Feeds the answer of an [`AsyncOp`] back.
    pub fn resume(&mut self, r: R<Term>) {
        self.ctl = Some(match r {
            Ok(v) => Ctl::Ret(v),
            Err(e) => Ctl::Throw(e),
        });
    }

    /// Runs up to `budget` steps.
    pub fn run(&mut self, budget: u64) -> Step {
        let mut steps = 0u64;
        let mut plain = 0u32;
        // what another process's big operations charged is not this one's
        ops::take_native_work();
        loop {
            let Some(ctl) = self.ctl.take() else {
                return Step::Done(Term::nil());
            };
            steps += 1;
            plain = plain.wrapping_add(1);
            // What big operations charged, every 8 steps (a thread-local's read at every
            // step costs the interpreter's loop more than it is worth); only they count
            // towards the heap check.
            let native = if plain & 7 == 0 {
                ops::take_native_work()
            } else {
                0
            };
            steps += native;
            let check = native > 0 && ops::heap_check_due();
            if steps > budget || check {
                self.heap_check |= check;
                self.ctl = Some(ctl);
                self.reductions += steps;
                return Step::Yield;
            }
            let next = match ctl {
                Ctl::Eval(e) => self.eval(e),
                Ctl::Ret(v) => match self.stack.pop() {
                    None => {
                        self.reductions += steps;
                        // the shell's variables persist; keep one binding per name
                        self.compact_env();
                        return Step::Done(v);
                    }
                    Some(k) => self.resume_kont(k, v),
                },
                Ctl::Throw(x) => match self.unwind(plain_undefined(x)) {
                    Ok(c) => c,
                    Err(x) => {
                        self.reductions += steps;
                        self.stack.clear();
                        self.defining.clear();
                        self.module = None;
                        return Step::Failed(x);
                    }
                },
                Ctl::Await(op) => {
                    self.reductions += steps;
                    return Step::Await(op);
                }
                Ctl::Receive(timeout) => {
                    self.reductions += steps;
                    return Step::Receive(timeout);
                }
                Ctl::Yield(then) => {
                    self.reductions += steps;
                    self.stack.push(Kont::Then(then));
                    self.ctl = Some(Ctl::Ret(Term::nil()));
                    return Step::Yield;
                }
            };
            self.ctl = Some(next);
        }
    }

    fn compact_env(&mut self) {
        let mut seen: Vec<Atom> = Vec::new();
        let mut out: Env = Vec::with_capacity(self.env.len());
        for (k, v) in self.env.drain(..).rev() {
            if !seen.contains(&k) {
                seen.push(k);
                out.push((k, v));
            }
        }
        out.reverse();
        self.env = out;
    }

    pub fn lookup(&self, name: Atom) -> Option<&Term> {
        self.env
            .iter()
            .rev()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v)
    }

    // ---------------------------------------------------------------- simple expressions

    /// Whether `e` evaluates without the machine's frames (cached on the node, for as long
    /// as no module is defined: `String.upcase("a")` is simple until `defmodule String`).
    pub fn is_simple(&self, e: &Expr) -> bool {
        let version = code_version();
        let cached = e.simple.get();
        if cached >> 1 == version {
            return cached & 1 == 1;
        }
        let s = self.compute_simple(e, 0);
        e.simple.set(version << 1 | s as u32);
        s
    }

    fn compute_simple(&self, e: &Expr, depth: usize) -> bool {
        if depth > 40 {
            return false;
        }
        let s = |x: &P| self.compute_simple(x, depth + 1);
        match &e.kind {
            Kind::Lit(_)
            | Kind::Var(_)
            | Kind::CaptureArg(_)
            | Kind::Alias(_)
            | Kind::Module
            | Kind::Fn(_) => true,
            Kind::Attr(_) => true,
            Kind::CaptureRef(m, _, _) => m.as_ref().is_none_or(s),
            Kind::Capture(..) => true,
            Kind::Interp(parts, _) => parts.iter().all(|p| match p {
                Part::Lit(_) => true,
                Part::Code(c) => s(c),
            }),
            Kind::Tuple(items) | Kind::Block(items) => items.iter().all(s),
            Kind::List(items, tail) => items.iter().all(s) && tail.as_ref().is_none_or(s),
            Kind::Map(pairs) => pairs.iter().all(|(k, v)| s(k) && s(v)),
            Kind::MapUpdate(b, pairs) => s(b) && pairs.iter().all(|(k, v)| s(k) && s(v)),
            Kind::Struct(n, b, pairs) => {
                s(n) && b.as_ref().is_none_or(s) && pairs.iter().all(|(k, v)| s(k) && s(v))
            }
            Kind::Unary(_, x) | Kind::Pin(x) => s(x),
            Kind::Binary(_, a, b) | Kind::Access(a, b) => s(a) && s(b),
            Kind::Match(_, rhs) => s(rhs),
            Kind::Call(name, args, blocks) => {
                blocks.is_empty()
                    && self.natives.is_sync(kernel_atom(), *name, args.len())
                    && args.iter().all(s)
                    && !self.local_defined(*name, args.len())
                    && self.all_imports().iter().all(|m| {
                        !self.natives.exists(*m, *name, args.len())
                            && self.user_fun(*m, *name, args.len()).is_none()
                    })
            }
            Kind::Remote(target, name, args, parens) => {
                let module = match &target.kind {
                    Kind::Alias(a) => self.resolve_alias(*a),
                    Kind::Lit(Term::Atom(a)) => *a,
                    _ => return false,
                };
                (*parens || args.is_empty())
                    && !self.modules.borrow().contains_key(&module)
                    && self.natives.is_sync(module, *name, args.len())
                    && args.iter().all(s)
            }
            Kind::Apply(..) => false,
        }
    }

    fn local_defined(&self, name: Atom, arity: usize) -> bool {
        let Some(m) = self.module else { return false };
        self.modules
            .borrow()
            .get(&m)
            .is_some_and(|md| md.funs.contains_key(&(name, arity)))
            || self
                .defining
                .last()
                .is_some_and(|b| b.defs.iter().any(|(k, _, _)| *k == (name, arity)))
    }

    /// Evaluates a simple expression directly.
    pub fn eval_simple(&mut self, e: &Expr) -> R<Term> {
        match &e.kind {
            Kind::Lit(t) => Ok(t.clone()),
            Kind::Var(name) => self.var(*name, e),
            Kind::CaptureArg(n) => self
                .lookup(var(&format!("&{n}")))
                .cloned()
                .ok_or_else(|| compile_error(format!("unhandled &{n} outside of a capture"))),
            Kind::Alias(a) => Ok(Term::Atom(self.resolve_alias(*a))),
            Kind::Module => Ok(self.current_module().map_or_else(Term::nil, Term::Atom)),
            Kind::Attr(a) => self.read_attr(*a),
            Kind::Fn(clauses) => Ok(self.closure(clauses.clone(), clauses.first().map_or(0, |c| c.args.len()))),
            Kind::Capture(body, arity) => {
                let args = (1..=*arity)
                    .map(|i| Expr::new(Kind::Var(var(&format!("&{i}"))), e.line as usize))
                    .collect();
                let clause = Clause {
                    args,
                    guard: None,
                    body: body.clone(),
                };
                Ok(self.closure(Rc::from(vec![clause]), *arity))
            }
            Kind::CaptureRef(m, name, arity) => self.capture_ref(m.as_ref(), *name, *arity),
            Kind::Interp(parts, charlist) => {
                let mut s = String::new();
                for p in parts {
                    match p {
                        Part::Lit(l) => s.push_str(l),
                        Part::Code(c) => {
                            let v = self.eval_simple(c)?;
                            s.push_str(&ops::to_string(&v)?);
                        }
                    }
                }
                Ok(if *charlist {
                    Term::list(s.chars().map(|c| Term::Int(c as i64)).collect())
                } else {
                    Term::str(&s)
                })
            }
            Kind::Tuple(items) => {
                let mut v = Vec::with_capacity(items.len());
                for i in items {
                    v.push(self.eval_simple(i)?);
                }
                Ok(Term::tuple(v))
            }
            Kind::Block(items) => {
                let mut last = Term::nil();
                for i in items {
                    last = self.eval_simple(i)?;
                }
                Ok(last)
            }
            Kind::List(items, tail) => {
                let mut v = Vec::with_capacity(items.len());
                for i in items {
                    v.push(self.eval_simple(i)?);
                }
                let t = match tail {
                    Some(t) => Some(self.eval_simple(t)?),
                    None => None,
                };
                build_list(v, t)
            }
            Kind::Map(pairs) => {
                let mut v = Vec::with_capacity(pairs.len());
                for (k, x) in pairs {
                    let k = self.eval_simple(k)?;
                    let x = self.eval_simple(x)?;
                    v.push((k, x));
                }
                Ok(Term::map(v))
            }
            Kind::MapUpdate(b, pairs) => {
                let base = self.eval_simple(b)?;
                let mut v = Vec::with_capacity(pairs.len());
                for (k, x) in pairs {
                    let k = self.eval_simple(k)?;
                    let x = self.eval_simple(x)?;
                    v.push((k, x));
                }
                map_update(&base, v)
            }
            Kind::Struct(n, b, pairs) => {
                let name = self.struct_name(n)?;
                let base = match b {
                    Some(b) => Some(self.eval_simple(b)?),
                    None => None,
                };
                let mut v = Vec::with_capacity(pairs.len());
                for (k, x) in pairs {
                    let k = self.eval_simple(k)?;
                    let x = self.eval_simple(x)?;
                    v.push((k, x));
                }
                self.make_struct(name, base, v)
            }
            Kind::Unary(op, x) => {
                let v = self.eval_simple(x)?;
                ops::unary(op, &v)
            }
            Kind::Pin(_) => Err(compile_error(
                "misplaced operator ^/1\n\nThe pin operator ^ is supported only inside matches or inside custom macros. Make sure you are inside a match or all necessary macros have been required",
            )),
            Kind::Binary(op, a, b) => {
                let a = self.eval_simple(a)?;
                match *op {
                    "&&" => {
                        if a.is_truthy() {
                            self.eval_simple(b)
                        } else {
                            Ok(a)
                        }
                    }
                    "||" => {
                        if a.is_truthy() {
                            Ok(a)
                        } else {
                            self.eval_simple(b)
                        }
                    }
                    "and" | "or" => {
                        let Some(ab) = as_bool(&a) else {
                            return Err(bad_bool(op, &a));
                        };
                        if (*op == "and" && !ab) || (*op == "or" && ab) {
                            Ok(a)
                        } else {
                            self.eval_simple(b)
                        }
                    }
                    _ => {
                        let b = self.eval_simple(b)?;
                        ops::binary(op, &a, &b)
                    }
                }
            }
            Kind::Access(t, k) => {
                let t = self.eval_simple(t)?;
                let k = self.eval_simple(k)?;
                access(&t, &k)
            }
            Kind::Match(pat, rhs) => {
                let v = self.eval_simple(rhs)?;
                self.bind(pat, v)
            }
            Kind::Call(name, args, _) => {
                let mut vals = Vec::with_capacity(args.len());
                for a in args {
                    vals.push(self.eval_simple(a)?);
                }
                match Natives::call(self, kernel_atom(), *name, vals)? {
                    Some(NRet::Value(v)) => Ok(v),
                    _ => Err(compile_error(format!("undefined function {}/{}", name.name(), args.len()))),
                }
            }
            Kind::Remote(target, name, args, _) => {
                let module = match self.eval_simple(target)? {
                    Term::Atom(a) => a,
                    other => return Err(compile_error(format!("not a module: {}", inspect::inspect(&other)))),
                };
                let mut vals = Vec::with_capacity(args.len());
                for a in args {
                    vals.push(self.eval_simple(a)?);
                }
                match Natives::call(self, module, *name, vals)? {
                    Some(NRet::Value(v)) => Ok(v),
                    _ => Err(undefined_function(module, &name.name(), args.len(), None)),
                }
            }
            Kind::Apply(..) => Err(compile_error("internal: not a simple expression")),
        }
    }

    fn var(&mut self, name: Atom, e: &Expr) -> R<Term> {
        if let Some(v) = self.lookup(name) {
            return Ok(v.clone());
        }
        let n = name.name();
        if &*n == "_" {
            return Err(compile_error(
                "invalid use of _. \"_\" represents a value to be ignored in a pattern and cannot be used in expressions",
            ));
        }
        let _ = e;
        Err(Exc::Error(Term::tuple(vec![
            Term::atom(UNDEFINED_VAR),
            Term::Atom(name),
        ])))
    }

    /// Matches and binds; a failed match raises MatchError.
    fn bind(&mut self, pat: &Expr, v: Term) -> R<Term> {
        let base = self.env.len();
        match self.pattern(pat, &v, base) {
            Ok(true) => Ok(v),
            Ok(false) => {
                self.env.truncate(base);
                Err(match_error(&v))
            }
            Err(e) => {
                self.env.truncate(base);
                Err(e)
            }
        }
    }

    pub fn current_module(&self) -> Option<Atom> {
        self.defining.last().map(|b| b.name).or(self.module)
    }

    pub fn resolve_alias(&self, a: Atom) -> Atom {
        let name = a.name();
        if name.starts_with("Elixir.") {
            return a;
        }
        let (first, rest) = match name.split_once('.') {
            Some((f, r)) => (f, Some(r)),
            None => (&*name, None),
        };
        let first_atom = Atom::new(first);
        let found = self
            .defining
            .iter()
            .rev()
            .flat_map(|b| b.module.aliases.iter())
            .chain(
                self.module
                    .and_then(|m| self.modules.borrow().get(&m).map(|md| md.aliases.clone()))
                    .unwrap_or_default()
                    .iter(),
            )
            .chain(self.aliases.iter())
            .find(|(short, _)| *short == first_atom)
            .map(|(_, full)| *full);
        match (found, rest) {
            (Some(full), None) => full,
            (Some(full), Some(r)) => Atom::new(&format!("{}.{r}", full.name())),
            (None, _) => Atom::module(&name),
        }
    }

    fn read_attr(&mut self, a: Atom) -> R<Term> {
        if let Some(b) = self.defining.last() {
            return Ok(b
                .module
                .attrs
                .iter()
                .rev()
                .find(|(k, _)| *k == a)
                .map_or_else(Term::nil, |(_, v)| v.clone()));
        }
        if let Some(m) = self.module {
            if let Some(md) = self.modules.borrow().get(&m) {
                return Ok(md
                    .attrs
                    .iter()
                    .rev()
                    .find(|(k, _)| *k == a)
                    .map_or_else(Term::nil, |(_, v)| v.clone()));
            }
        }
        Err(exception(
            "ArgumentError",
            vec![(
                "message",
                Term::str(&format!(
                    "cannot invoke @/1 outside module. @{} is a module attribute and can only be used inside a module",
                    a.name()
                )),
            )],
        ))
    }

    fn closure(&self, clauses: Rc<[Clause]>, arity: usize) -> Term {
        let origin: Rc<str> = match (self.current_module(), self.module) {
            (Some(m), _) => Rc::from(format!("{}.-fun-/{arity}", Term::Atom(m)).as_str()),
            _ => Rc::from(":erl_eval.expr/6"),
        };
        Fun::term(
            arity,
            FunKind::Closure {
                clauses,
                env: Rc::new(self.env.clone()),
                module: self.current_module(),
            },
            origin,
        )
    }

    fn capture_ref(&mut self, m: Option<&P>, name: Atom, arity: usize) -> R<Term> {
        match m {
            Some(m) => {
                let module = match self.eval_simple(m)? {
                    Term::Atom(a) => a,
                    other => {
                        return Err(compile_error(format!(
                            "invalid function capture on {}",
                            inspect::inspect(&other)
                        )))
                    }
                };
                if &*module.name() == "Elixir.Kernel" {
                    return Ok(Fun::capture(
                        stdlib::erlang_name(&self.natives, name, arity),
                        name,
                        arity,
                    ));
                }
                Ok(Fun::capture(module, name, arity))
            }
            None => {
                if let Some(cur) = self.current_module() {
                    if self.local_defined(name, arity)
                        || self.defining.iter().any(|b| b.name == cur)
                    {
                        return Ok(Fun::capture(cur, name, arity));
                    }
                }
                for imp in self.all_imports() {
                    if self.user_fun(imp, name, arity).is_some() {
                        return Ok(Fun::capture(imp, name, arity));
                    }
                }
                if self.natives.exists(kernel_atom(), name, arity) {
                    let shown = stdlib::erlang_name(&self.natives, name, arity);
                    return Ok(Fun::capture(shown, name, arity));
                }
                Err(compile_error(format!(
                    "undefined function {}/{arity} (there is no such import)",
                    name.name()
                )))
            }
        }
    }

    fn all_imports(&self) -> Vec<Atom> {
        let mut v = self.imports.clone();
        if let Some(m) = self.module {
            if let Some(md) = self.modules.borrow().get(&m) {
                v.extend(md.imports.iter().copied());
            }
        }
        for b in &self.defining {
            v.extend(b.module.imports.iter().copied());
        }
        v
    }

    /// Whether `import module, only: …/except: …` brings `name/arity`.
    fn imported(&self, module: Atom, name: Atom, arity: usize) -> bool {
        let opts: Vec<Term> = self
            .import_opts
            .iter()
            .chain(
                self.defining
                    .iter()
                    .flat_map(|b| b.module.import_opts.iter()),
            )
            .filter(|(m, _)| *m == module)
            .map(|(_, o)| o.clone())
            .collect();
        let listed = |l: &Term| {
            l.as_list().unwrap_or(&[]).iter().any(|t| {
                matches!(t.as_tuple(), Some([Term::Atom(n), Term::Int(a)]) if *n == name && *a as usize == arity)
            })
        };
        opts.iter().all(|o| {
            let only_ok = match o.get("only") {
                Some(l @ Term::List(_)) => listed(l),
                Some(Term::Atom(a)) if &*a.name() == "functions" => true,
                _ => true,
            };
            let except_ok = o.get("except").is_none_or(|l| !listed(l));
            only_ok && except_ok
        })
    }

    fn user_fun(&self, module: Atom, name: Atom, arity: usize) -> Option<Rc<FunDef>> {
        self.modules
            .borrow()
            .get(&module)
            .and_then(|m| m.funs.get(&(name, arity)).cloned())
    }

    fn struct_name(&mut self, n: &Expr) -> R<Atom> {
        match &n.kind {
            Kind::Alias(a) => Ok(self.resolve_alias(*a)),
            Kind::Module => self
                .current_module()
                .ok_or_else(|| compile_error("__MODULE__ is nil outside of a module")),
            _ => match self.eval_simple(n)? {
                Term::Atom(a) => Ok(a),
                other => Err(compile_error(format!(
                    "expected struct name to be a compile time atom or alias, got: {}",
                    inspect::inspect(&other)
                ))),
            },
        }
    }

    pub fn struct_fields(&self, name: Atom) -> Option<Vec<(Atom, Term)>> {
        if let Some(b) = self.defining.iter().rev().find(|b| b.name == name) {
            if let Some(f) = &b.module.struct_fields {
                return Some(f.clone());
            }
        }
        if let Some(m) = self.modules.borrow().get(&name) {
            return m.struct_fields.clone();
        }
        self.natives.struct_fields(name).map(|f| f.to_vec())
    }

    fn make_struct(&mut self, name: Atom, base: Option<Term>, pairs: Vec<(Term, Term)>) -> R<Term> {
        let Some(mut fields) = self.struct_fields(name) else {
            return Err(compile_error(format!(
                "{}.__struct__/1 is undefined, cannot expand struct {}. Make sure the struct name is correct. If the struct name exists and is correct but it still cannot be found, you likely have cyclic module usage in your code",
                Term::Atom(name),
                Term::Atom(name)
            )));
        };
        if let Some(b) = base {
            match &b {
                Term::Struct(m, fs) if *m == name => fields = fs.to_vec(),
                _ => {
                    return Err(exception(
                        "BadStructError",
                        vec![("struct", Term::Atom(name)), ("term", b.clone())],
                    ))
                }
            }
        }
        for (k, v) in pairs {
            let Term::Atom(ka) = k else {
                return Err(key_error(&k, &Term::Atom(name)));
            };
            match fields.iter_mut().find(|(f, _)| *f == ka) {
                Some(slot) => slot.1 = v,
                None => return Err(key_error(&k, &Term::nil())),
            }
        }
        Ok(Term::Struct(name, fields.into()))
    }

    // ---------------------------------------------------------------- the machine

    fn eval(&mut self, e: P) -> Ctl {
        if self.is_simple(&e) {
            return match self.eval_simple(&e) {
                Ok(v) => Ctl::Ret(v),
                Err(x) => self.throw_or_call(x, &e),
            };
        }
        match &e.kind {
            Kind::Block(items) => match items.len() {
                0 => Ctl::Ret(Term::nil()),
                1 => Ctl::Eval(items[0].clone()),
                _ => {
                    let first = items[0].clone();
                    self.stack.push(Kont::Block(e.clone(), 1));
                    Ctl::Eval(first)
                }
            },
            Kind::Match(_, rhs) => {
                let rhs = rhs.clone();
                self.stack.push(Kont::Match(e.clone()));
                Ctl::Eval(rhs)
            }
            Kind::Binary(op @ ("&&" | "||" | "and" | "or"), a, b) => {
                let a = a.clone();
                self.stack.push(Kont::Short(op, b.clone()));
                Ctl::Eval(a)
            }
            // `fib(n - 1) + fib(n - 2)`: operands one after the other, without a vector
            Kind::Binary(op, a, b) => {
                let a = a.clone();
                self.stack.push(Kont::Left(op, b.clone()));
                Ctl::Eval(a)
            }
            Kind::Call(name, args, blocks) => {
                if is_special(*name) {
                    if let Some(c) = self.special_form(&e, *name, args, blocks) {
                        return c;
                    }
                }
                // arguments that need no frames: evaluate them here and call at once
                if let Some(vals) = self.simple_args(args) {
                    return self.call_local(*name, vals, e.line);
                }
                self.build(e.clone())
            }
            Kind::Remote(target, name, args, true) if matches!(target.kind, Kind::Alias(_)) => {
                let module = match &target.kind {
                    Kind::Alias(a) => self.resolve_alias(*a),
                    _ => Atom::NIL,
                };
                match self.simple_args(args) {
                    Some(vals) => self.call_remote(module, *name, vals),
                    None => self.build(e.clone()),
                }
            }
            Kind::Apply(f, args) if self.is_simple(f) => match self.simple_args(args) {
                Some(vals) => match self.eval_simple(f) {
                    Ok(fun) => self.call_fun(fun, vals),
                    Err(x) => Ctl::Throw(x),
                },
                None => self.build(e.clone()),
            },
            _ => self.build(e.clone()),
        }
    }

    /// The values of arguments that are all simple expressions (`fib(n - 1)`), or `None`
    /// when one needs the machine (or names an unbound variable iex would call).
    fn simple_args(&mut self, args: &[P]) -> Option<Vec<Term>> {
        if !args.iter().all(|a| self.is_simple(a)) {
            return None;
        }
        let mut vals = Vec::with_capacity(args.len());
        for a in args {
            match self.eval_simple(a) {
                Ok(v) => vals.push(v),
                Err(_) => return None,
            }
        }
        Some(vals)
    }

    /// A variable that is not bound: in iex 1.14, a call of a zero-arity function of that
    /// name if there is one (with a warning), else "undefined function".
    fn throw_or_call(&mut self, x: Exc, e: &P) -> Ctl {
        match undefined_var(&x) {
            Some(n) => self.call_local(n, vec![], e.line),
            None => Ctl::Throw(x),
        }
    }

    /// Evaluates the node's children in order, then combines them.
    fn build(&mut self, e: P) -> Ctl {
        match child(&e, 0) {
            Some(c) => {
                self.stack.push(Kont::Build(e.clone(), 1, Vec::new()));
                Ctl::Eval(c)
            }
            None => self.combine(&e, Vec::new()),
        }
    }

    fn combine(&mut self, e: &P, vals: Vec<Term>) -> Ctl {
        let r: R<Term> = match &e.kind {
            Kind::Tuple(_) => Ok(Term::tuple(vals)),
            Kind::List(items, tail) => {
                let mut vals = vals;
                let t = if tail.is_some() { vals.pop() } else { None };
                let _ = items;
                build_list(vals, t)
            }
            Kind::Map(_) => Ok(Term::map(pairs_of(vals))),
            Kind::MapUpdate(..) => {
                let mut it = vals.into_iter();
                let base = it.next().unwrap_or_else(Term::nil);
                map_update(&base, pairs_of(it.collect()))
            }
            Kind::Struct(n, b, _) => {
                let name = match self.struct_name(n) {
                    Ok(n) => n,
                    Err(x) => return Ctl::Throw(x),
                };
                let mut it = vals.into_iter();
                let base = if b.is_some() { it.next() } else { None };
                self.make_struct(name, base, pairs_of(it.collect()))
            }
            Kind::Unary(op, _) => ops::unary(op, &vals[0]),
            Kind::Binary(op, _, _) => ops::binary(op, &vals[0], &vals[1]),
            Kind::Access(..) => access(&vals[0], &vals[1]),
            Kind::Interp(parts, charlist) => {
                let mut s = String::new();
                let mut it = vals.iter();
                for p in parts {
                    match p {
                        Part::Lit(l) => s.push_str(l),
                        Part::Code(_) => match ops::to_string(it.next().unwrap_or(&Term::nil())) {
                            Ok(x) => s.push_str(&x),
                            Err(x) => return Ctl::Throw(x),
                        },
                    }
                }
                Ok(if *charlist {
                    Term::list(s.chars().map(|c| Term::Int(c as i64)).collect())
                } else {
                    Term::str(&s)
                })
            }
            Kind::Call(name, _, _) => return self.call_local(*name, vals, e.line),
            Kind::Remote(_, name, _, parens) => {
                let mut it = vals.into_iter();
                let target = it.next().unwrap_or_else(Term::nil);
                let args: Vec<Term> = it.collect();
                return match target {
                    Term::Atom(m) => self.call_remote(m, *name, args),
                    Term::Map(_) | Term::Struct(..) if !parens => match map_get(&target, &Term::Atom(*name)) {
                        Some(v) => Ctl::Ret(v),
                        None => Ctl::Throw(key_error(&Term::Atom(*name), &target)),
                    },
                    other if !parens => Ctl::Throw(exception(
                        "ArgumentError",
                        vec![("message", Term::str(&format!(
                            "you attempted to apply a function named :{} on {}. If you are using Kernel.apply/3, make sure the module is an atom. If you are trying to access a map key, make sure the key exists",
                            name.name(),
                            inspect::inspect(&other)
                        )))],
                    )),
                    other => Ctl::Throw(exception(
                        "ArgumentError",
                        vec![("message", Term::str(&format!(
                            "you attempted to apply a function named :{} on {}. If you are using Kernel.apply/3, make sure the module is an atom. If you are trying to access a map key, make sure the key exists",
                            name.name(),
                            inspect::inspect(&other)
                        )))],
                    )),
                };
            }
            Kind::Apply(..) => {
                let mut it = vals.into_iter();
                let f = it.next().unwrap_or_else(Term::nil);
                return self.call_fun(f, it.collect());
            }
            _ => Err(compile_error("internal: cannot combine")),
        };
        match r {
            Ok(v) => Ctl::Ret(v),
            Err(x) => Ctl::Throw(x),
        }
    }

    fn resume_kont(&mut self, k: Kont, v: Term) -> Ctl {
        match k {
            Kont::Restore(env, module) => {
                let mut done = std::mem::replace(&mut self.env, env);
                if self.env_pool.len() < 256 {
                    done.clear();
                    self.env_pool.push(done);
                }
                self.module = module;
                Ctl::Ret(v)
            }
            Kont::Truncate(n) => {
                self.env.truncate(n);
                Ctl::Ret(v)
            }
            Kont::Value(saved) => Ctl::Ret(saved),
            Kont::Rethrow(x) => Ctl::Throw(x),
            Kont::Block(e, i) => {
                let Kind::Block(items) = &e.kind else {
                    return Ctl::Ret(v);
                };
                let next = items[i].clone();
                if i + 1 < items.len() {
                    self.stack.push(Kont::Block(e.clone(), i + 1));
                }
                Ctl::Eval(next)
            }
            Kont::Build(e, i, mut vals) => {
                vals.push(v);
                match child(&e, i) {
                    Some(c) => {
                        self.stack.push(Kont::Build(e, i + 1, vals));
                        Ctl::Eval(c)
                    }
                    None => self.combine(&e, vals),
                }
            }
            Kont::Match(e) => {
                let Kind::Match(pat, _) = &e.kind else {
                    return Ctl::Ret(v);
                };
                match self.bind(pat, v) {
                    Ok(v) => Ctl::Ret(v),
                    Err(x) => Ctl::Throw(x),
                }
            }
            Kont::MatchQ(pat) => {
                let base = self.env.len();
                let r = self.pattern_with_guard(&pat, &v, base);
                self.env.truncate(base);
                match r {
                    Ok(b) => Ctl::Ret(Term::bool(b)),
                    Err(x) => Ctl::Throw(x),
                }
            }
            Kont::Left(op, rhs) => {
                self.stack.push(Kont::Right(op, v));
                Ctl::Eval(rhs)
            }
            Kont::Right(op, lhs) => match ops::binary(op, &lhs, &v) {
                Ok(r) => Ctl::Ret(r),
                Err(x) => Ctl::Throw(x),
            },
            Kont::Short(op, rhs) => match op {
                "&&" => {
                    if v.is_truthy() {
                        Ctl::Eval(rhs)
                    } else {
                        Ctl::Ret(v)
                    }
                }
                "||" => {
                    if v.is_truthy() {
                        Ctl::Ret(v)
                    } else {
                        Ctl::Eval(rhs)
                    }
                }
                _ => match as_bool(&v) {
                    None => Ctl::Throw(bad_bool(op, &v)),
                    Some(b) => {
                        if (op == "and" && !b) || (op == "or" && b) {
                            Ctl::Ret(v)
                        } else {
                            Ctl::Eval(rhs)
                        }
                    }
                },
            },
            Kont::If(e, unless) => {
                let Kind::Call(_, _, blocks) = &e.kind else {
                    return Ctl::Ret(Term::nil());
                };
                let take = v.is_truthy() != unless;
                let body = if take {
                    blocks.get("do")
                } else {
                    blocks.get("else")
                };
                match body {
                    Some(Body::Expr(b)) => {
                        self.stack.push(Kont::Truncate(self.env.len()));
                        Ctl::Eval(b.clone())
                    }
                    _ => Ctl::Ret(Term::nil()),
                }
            }
            Kont::Case(clauses, line) => {
                self.match_clauses(&clauses, std::slice::from_ref(&v), line, |v| {
                    exception("CaseClauseError", vec![("term", v[0].clone())])
                })
            }
            Kont::Cond(clauses, i) => {
                if v.is_truthy() {
                    self.stack.push(Kont::Truncate(self.env.len()));
                    return Ctl::Eval(clauses[i].body.clone());
                }
                self.next_cond(clauses, i + 1)
            }
            Kont::With(e, i, base) => self.with_step(e, i, base, Some(v)),
            Kont::For(state) => self.for_step(state, Some(v)),
            Kont::Try(e, _, phase) => self.try_done(e, phase, v),
            Kont::Then(then) => match then(self, v) {
                Ok(n) => self.nret(n),
                Err(x) => Ctl::Throw(x),
            },
            Kont::EndModule(name, saved_module) => self.end_module(name, saved_module, v),
            Kont::SetAttr(a) => {
                if let Some(b) = self.defining.last_mut() {
                    let n = a.name();
                    match &*n {
                        "moduledoc" => b.module.moduledoc = v.as_str().map(String::from),
                        "doc" => b.pending_doc = v.as_str().map(String::from),
                        _ => b.module.attrs.push((a, v.clone())),
                    }
                }
                Ctl::Ret(v)
            }
        }
    }

    /// Unwinds to the nearest `try` that handles `x`, restoring environments on the way.
    fn unwind(&mut self, x: Exc) -> Result<Ctl, Exc> {
        while let Some(k) = self.stack.pop() {
            match k {
                Kont::Restore(env, module) => {
                    self.env = env;
                    self.module = module;
                }
                Kont::Truncate(n) => self.env.truncate(n),
                Kont::EndModule(..) => {
                    self.defining.pop();
                }
                Kont::Try(e, env, TryPhase::Body) => {
                    self.env = env.clone();
                    let Kind::Call(_, _, blocks) = &e.kind else {
                        continue;
                    };
                    if let Some(c) = self.handle(&e, blocks, &x) {
                        return Ok(c);
                    }
                    if let Some(Body::Expr(after)) = blocks.get("after") {
                        self.stack.push(Kont::Rethrow(x));
                        return Ok(Ctl::Eval(after.clone()));
                    }
                }
                Kont::Try(e, env, TryPhase::Handler) => {
                    self.env = env;
                    let Kind::Call(_, _, blocks) = &e.kind else {
                        continue;
                    };
                    if let Some(Body::Expr(after)) = blocks.get("after") {
                        self.stack.push(Kont::Rethrow(x));
                        return Ok(Ctl::Eval(after.clone()));
                    }
                }
                _ => {}
            }
        }
        Err(x)
    }

    /// `rescue` and `catch` clauses of a `try` for `x`.
    fn handle(&mut self, e: &P, blocks: &Blocks, x: &Exc) -> Option<Ctl> {
        let base = self.env.len();
        if let (Exc::Error(err), Some(Body::Clauses(clauses))) = (x, blocks.get("rescue")) {
            for c in clauses.iter() {
                let Some(pat) = c.args.first() else { continue };
                if self.rescue_matches(pat, err, base) {
                    let saved = self.env[..base].to_vec();
                    self.stack
                        .push(Kont::Try(e.clone(), saved, TryPhase::Handler));
                    self.stack.push(Kont::Truncate(base));
                    return Some(Ctl::Eval(c.body.clone()));
                }
                self.env.truncate(base);
            }
        }
        if let Some(Body::Clauses(clauses)) = blocks.get("catch") {
            let (kind, value) = match x {
                Exc::Error(t) => ("error", t.clone()),
                Exc::Throw(t) => ("throw", t.clone()),
                Exc::Exit(t) => ("exit", t.clone()),
            };
            for c in clauses.iter() {
                let ok = match c.args.len() {
                    1 => kind == "throw" && self.pattern(&c.args[0], &value, base).unwrap_or(false),
                    2 => {
                        self.pattern(&c.args[0], &Term::atom(kind), base)
                            .unwrap_or(false)
                            && self.pattern(&c.args[1], &value, base).unwrap_or(false)
                    }
                    _ => false,
                };
                let ok = ok
                    && match &c.guard {
                        Some(g) => self.eval_simple(g).map(|t| t.is_truthy()).unwrap_or(false),
                        None => true,
                    };
                if ok {
                    let saved = self.env[..base].to_vec();
                    self.stack
                        .push(Kont::Try(e.clone(), saved, TryPhase::Handler));
                    self.stack.push(Kont::Truncate(base));
                    return Some(Ctl::Eval(c.body.clone()));
                }
                self.env.truncate(base);
            }
        }
        None
    }

    fn rescue_matches(&mut self, pat: &Expr, err: &Term, base: usize) -> bool {
        let module_of = |t: &Term| match t {
            Term::Struct(m, _) => Some(*m),
            _ => None,
        };
        let matches_alias = |m: &mut Machine, alias: &Expr| -> bool {
            match &alias.kind {
                Kind::Alias(a) => module_of(err) == Some(m.resolve_alias(*a)),
                Kind::List(items, None) => items.iter().any(|i| match &i.kind {
                    Kind::Alias(a) => module_of(err) == Some(m.resolve_alias(*a)),
                    _ => false,
                }),
                _ => false,
            }
        };
        match &pat.kind {
            Kind::Var(_) => self.pattern(pat, err, base).unwrap_or(false),
            Kind::Alias(_) => matches_alias(self, pat),
            Kind::Binary("in", v, alias) => {
                matches_alias(self, alias) && self.pattern(v, err, base).unwrap_or(false)
            }
            _ => false,
        }
    }

    fn try_done(&mut self, e: P, phase: TryPhase, v: Term) -> Ctl {
        let Kind::Call(_, _, blocks) = &e.kind else {
            return Ctl::Ret(v);
        };
        if let (TryPhase::Body, Some(Body::Clauses(clauses))) = (&phase, blocks.get("else")) {
            let clauses = clauses.clone();
            if let Some(Body::Expr(after)) = blocks.get("after") {
                // after runs once the else clause has answered
                let after = after.clone();
                self.stack.push(Kont::Then(Box::new(move |_m, r| {
                    Ok(NRet::CallThen(
                        Fun::term(
                            0,
                            FunKind::Closure {
                                clauses: Rc::from(vec![Clause {
                                    args: vec![],
                                    guard: None,
                                    body: after,
                                }]),
                                env: Rc::new(vec![]),
                                module: None,
                            },
                            Rc::from(""),
                        ),
                        vec![],
                        Box::new(move |_, _| Ok(NRet::Value(r))),
                    ))
                })));
            }
            return self.match_clauses(&clauses, &[v], e.line as usize, |v| {
                exception("TryClauseError", vec![("term", v[0].clone())])
            });
        }
        if let Some(Body::Expr(after)) = blocks.get("after") {
            self.stack.push(Kont::Value(v));
            return Ctl::Eval(after.clone());
        }
        Ctl::Ret(v)
    }

    /// Matches `vals` against clauses (`case`, `fn`, `with … else`), evaluating the first
    /// that matches in its own scope.
    fn match_clauses(
        &mut self,
        clauses: &Rc<[Clause]>,
        vals: &[Term],
        _line: usize,
        err: impl Fn(&[Term]) -> Exc,
    ) -> Ctl {
        let base = self.env.len();
        for c in clauses.iter() {
            match self.clause_matches(c, vals, base) {
                Ok(true) => {
                    self.stack.push(Kont::Truncate(base));
                    return Ctl::Eval(c.body.clone());
                }
                Ok(false) => self.env.truncate(base),
                Err(x) => {
                    self.env.truncate(base);
                    return Ctl::Throw(x);
                }
            }
        }
        Ctl::Throw(err(vals))
    }

    fn clause_matches(&mut self, c: &Clause, vals: &[Term], base: usize) -> R<bool> {
        if c.args.len() != vals.len() {
            return Ok(false);
        }
        for (p, v) in c.args.iter().zip(vals) {
            if !self.pattern(p, v, base)? {
                return Ok(false);
            }
        }
        match &c.guard {
            None => Ok(true),
            Some(g) => Ok(self.guard(g)),
        }
    }

    /// A guard: errors count as false, as in Elixir.
    fn guard(&mut self, g: &Expr) -> bool {
        match &g.kind {
            Kind::Binary("when", a, b) => self.guard(a) || self.guard(b),
            _ => self
                .eval_simple(g)
                .map(|t| t.is_truthy() && t == Term::bool(true))
                .unwrap_or(false),
        }
    }

    fn pattern_with_guard(&mut self, pat: &Expr, v: &Term, base: usize) -> R<bool> {
        match &pat.kind {
            Kind::Binary("when", p, g) => Ok(self.pattern(p, v, base)? && self.guard(g)),
            _ => self.pattern(pat, v, base),
        }
    }

    fn next_cond(&mut self, clauses: Rc<[Clause]>, i: usize) -> Ctl {
        match clauses.get(i) {
            None => Ctl::Throw(exception("CondClauseError", vec![])),
            Some(c) => {
                let Some(cond) = c.args.first().cloned() else {
                    return Ctl::Throw(compile_error("expected -> clauses for :do in \"cond\""));
                };
                self.stack.push(Kont::Cond(clauses.clone(), i));
                Ctl::Eval(cond)
            }
        }
    }

    fn nret(&mut self, n: NRet) -> Ctl {
        match n {
            NRet::Value(v) => Ctl::Ret(v),
            NRet::CallThen(f, args, then) => {
                self.stack.push(Kont::Then(then));
                self.call_fun(f, args)
            }
            NRet::Call(f, args) => self.call_fun(f, args),
            NRet::Await(op) => Ctl::Await(op),
            NRet::AwaitThen(op, then) => {
                self.stack.push(Kont::Then(then));
                Ctl::Await(op)
            }
            NRet::Continue(then) => Ctl::Yield(then),
        }
    }

    // ---------------------------------------------------------------- calls

    fn enter_frame(&mut self) -> Result<(), Exc> {
        // Scope frames of the caller end with the call: dropping them keeps tail calls flat.
        while matches!(self.stack.last(), Some(Kont::Truncate(_))) {
            self.stack.pop();
        }
        if matches!(self.stack.last(), Some(Kont::Restore(..))) {
            return Ok(());
        }
        if self.stack.len() >= MAX_FRAMES {
            return Err(exception(
                "SystemLimitError",
                vec![("message", Term::str(&format!(
                    "a system limit has been reached: more than {MAX_FRAMES} nested calls are waiting for their results (a recursion that is not a tail call?)"
                )))],
            ));
        }
        let fresh = self.env_pool.pop().unwrap_or_default();
        let env = std::mem::replace(&mut self.env, fresh);
        self.stack.push(Kont::Restore(env, self.module));
        Ok(())
    }

    pub(crate) fn call_fun(&mut self, f: Term, args: Vec<Term>) -> Ctl {
        let Some(fun) = super::value::as_fun(&f) else {
            return Ctl::Throw(exception("BadFunctionError", vec![("term", f.clone())]));
        };
        if fun.arity != args.len() {
            return Ctl::Throw(exception(
                "BadArityError",
                vec![("function", f.clone()), ("args", Term::list(args))],
            ));
        }
        match &fun.kind {
            FunKind::Capture { module, name } => {
                let (m, n) = (*module, *name);
                self.call_remote(m, n, args)
            }
            FunKind::Closure {
                clauses,
                env,
                module,
            } => {
                let clauses = clauses.clone();
                let env = env.clone();
                let module = *module;
                if let Err(x) = self.enter_frame() {
                    return Ctl::Throw(x);
                }
                self.reductions += 1;
                self.env.clear();
                self.env.extend_from_slice(&env);
                self.module = module;
                let base = self.env.len();
                for c in clauses.iter() {
                    match self.clause_matches(c, &args, base) {
                        Ok(true) => return Ctl::Eval(c.body.clone()),
                        Ok(false) => self.env.truncate(base),
                        Err(x) => return Ctl::Throw(x),
                    }
                }
                Ctl::Throw(fn_clause_error(
                    ":erl_eval.\"-inside-an-interpreted-fun-\"",
                    &args,
                ))
            }
        }
    }

    fn call_def(&mut self, module: Atom, def: Rc<FunDef>, args: Vec<Term>) -> Ctl {
        if let Err(x) = self.enter_frame() {
            return Ctl::Throw(x);
        }
        self.reductions += 1;
        self.env.clear();
        self.module = Some(module);
        for c in def.clauses.iter() {
            match self.clause_matches(c, &args, 0) {
                Ok(true) => return Ctl::Eval(c.body.clone()),
                Ok(false) => self.env.clear(),
                Err(x) => return Ctl::Throw(x),
            }
        }
        let name = format!("{}.{}", Term::Atom(module), def.name.name());
        Ctl::Throw(fn_clause_error(&name, &args))
    }

    pub(crate) fn call_remote(&mut self, module: Atom, name: Atom, args: Vec<Term>) -> Ctl {
        let user = self.modules.borrow().get(&module).cloned();
        if let Some(m) = user {
            return match m.funs.get(&(name, args.len())) {
                Some(def) if !def.private || self.module == Some(module) => {
                    let def = def.clone();
                    self.call_def(module, def, args)
                }
                _ => {
                    if let Some(r) = self.struct_helpers(&m, module, name, &args) {
                        return r;
                    }
                    // a console module in place of a library one (the post's own
                    // `Redfour.Shopping.Session`): what it does not define, the library does
                    if self.natives.exists(module, name, args.len()) {
                        return match Natives::call(self, module, name, args) {
                            Ok(Some(n)) => self.nret(n),
                            Ok(None) => {
                                Ctl::Throw(undefined_function(module, &name.name(), 0, None))
                            }
                            Err(x) => Ctl::Throw(x),
                        };
                    }
                    Ctl::Throw(undefined_function(module, &name.name(), args.len(), None))
                }
            };
        }
        let arity = args.len();
        match Natives::call(self, module, name, args) {
            Ok(Some(n)) => self.nret(n),
            Ok(None) => {
                let reason = if self.natives.module_exists(module) {
                    None
                } else {
                    Some("module_not_available")
                };
                Ctl::Throw(undefined_function(module, &name.name(), arity, reason))
            }
            Err(x) => Ctl::Throw(x),
        }
    }

    fn struct_helpers(
        &mut self,
        m: &Module,
        module: Atom,
        name: Atom,
        args: &[Term],
    ) -> Option<Ctl> {
        match (&*name.name(), args.len()) {
            ("__struct__", 0) => m
                .struct_fields
                .as_ref()
                .map(|f| Ctl::Ret(Term::Struct(module, f.clone().into()))),
            ("exception", 1) if m.exception => {
                let pairs: Vec<(Term, Term)> = match &args[0] {
                    Term::List(kv) => kv
                        .iter()
                        .filter_map(|t| {
                            t.as_tuple()
                                .and_then(|p| (p.len() == 2).then(|| (p[0].clone(), p[1].clone())))
                        })
                        .collect(),
                    Term::Str(s) => vec![(Term::atom("message"), Term::Str(s.clone()))],
                    _ => vec![],
                };
                Some(match self.make_struct(module, None, pairs) {
                    Ok(t) => Ctl::Ret(t),
                    Err(x) => Ctl::Throw(x),
                })
            }
            ("__info__", 1) if args[0] == Term::atom("functions") => Some(Ctl::Ret(Term::list(
                m.funs
                    .values()
                    .filter(|d| !d.private)
                    .map(|d| Term::tuple(vec![Term::Atom(d.name), Term::Int(d.arity as i64)]))
                    .collect(),
            ))),
            ("module_info", 0) => Some(Ctl::Ret(Term::list(vec![]))),
            _ => None,
        }
    }

    fn call_local(&mut self, name: Atom, args: Vec<Term>, line: u32) -> Ctl {
        let arity = args.len();
        // the current module's functions (public and private)
        if let Some(m) = self.module {
            if let Some(def) = self.user_fun(m, name, arity) {
                return self.call_def(m, def, args);
            }
        }
        for imp in self.all_imports() {
            if !self.imported(imp, name, arity) {
                continue;
            }
            if let Some(def) = self.user_fun(imp, name, arity) {
                if !def.private {
                    return self.call_def(imp, def, args);
                }
            }
            if !self.modules.borrow().contains_key(&imp) && self.natives.exists(imp, name, arity) {
                if self.natives.exists(kernel_atom(), name, arity)
                    && &*imp.name() != "Elixir.Kernel"
                {
                    return Ctl::Throw(compile_error(format!(
                        "function {}/{arity} imported from both {} and Kernel, call is ambiguous",
                        name.name(),
                        Term::Atom(imp)
                    )));
                }
                return self.call_remote(imp, name, args);
            }
        }
        let n = name.name();
        if self.module.is_none() && self.defining.is_empty() {
            if let Some(r) = stdlib::iex_helper(self, &n, &args) {
                return match r {
                    Ok(v) => self.nret(v),
                    Err(x) => Ctl::Throw(x),
                };
            }
        }
        if self.natives.exists(kernel_atom(), name, arity) {
            return self.call_remote(kernel_atom(), name, args);
        }
        if self
            .defining
            .last()
            .is_some_and(|b| b.defs.iter().any(|(k, _, _)| *k == (name, arity)))
        {
            return Ctl::Throw(compile_error(format!(
                "undefined function {n}/{arity} (expected {} to define such a function or for it to be imported, but none are available)",
                Term::Atom(self.defining.last().map(|b| b.name).unwrap_or(Atom::NIL))
            )));
        }
        let _ = line;
        if let Some(cur) = self.module.or(self.defining.last().map(|b| b.name)) {
            return Ctl::Throw(compile_error(format!(
                "undefined function {n}/{arity} (expected {} to define such a function or for it to be imported, but none are available)",
                Term::Atom(cur)
            )));
        }
        Ctl::Throw(compile_error(format!(
            "undefined function {n}/{arity} (there is no such import)"
        )))
    }

    // ---------------------------------------------------------------- special forms

    fn special_form(&mut self, e: &P, name: Atom, args: &[P], blocks: &Rc<Blocks>) -> Option<Ctl> {
        let n = name.name();
        let c = match (&*n, args.len()) {
            ("if" | "unless", 1) if !blocks.is_empty() => {
                self.stack.push(Kont::If(e.clone(), &*n == "unless"));
                Ctl::Eval(args[0].clone())
            }
            ("case", 1) => match blocks.get("do") {
                Some(Body::Clauses(c)) => {
                    self.stack.push(Kont::Case(c.clone(), e.line as usize));
                    Ctl::Eval(args[0].clone())
                }
                _ => Ctl::Throw(compile_error("expected -> clauses for :do in \"case\"")),
            },
            ("cond", 0) => match blocks.get("do") {
                Some(Body::Clauses(c)) => self.next_cond(c.clone(), 0),
                _ => Ctl::Throw(compile_error("expected -> clauses for :do in \"cond\"")),
            },
            ("with", _) => self.with_step(e.clone(), 0, self.env.len(), None),
            ("for", _) => return self.for_start(e, args, blocks),
            ("try", 0) => match blocks.get("do") {
                Some(Body::Expr(b)) => {
                    let saved = self.env.clone();
                    self.stack.push(Kont::Try(e.clone(), saved, TryPhase::Body));
                    self.stack.push(Kont::Truncate(self.env.len()));
                    Ctl::Eval(b.clone())
                }
                _ => Ctl::Throw(compile_error("missing :do option in \"try\"")),
            },
            ("h", 1) if self.module.is_none() && self.defining.is_empty() => {
                match stdlib::iex::help_on(self, &args[0]) {
                    Ok(n) => self.nret(n),
                    Err(x) => Ctl::Throw(x),
                }
            }
            ("put_in" | "update_in" | "get_in", 1 | 2) if path_parts(&args[0]).is_some() => {
                return Some(self.path_macro(&n, args));
            }
            ("match?", 2) => {
                self.stack.push(Kont::MatchQ(args[0].clone()));
                Ctl::Eval(args[1].clone())
            }
            ("defmodule", 1) => self.begin_module(args, blocks),
            ("def" | "defp", 1 | 2) => match self.define(&*n == "defp", args, blocks) {
                Ok(t) => Ctl::Ret(t),
                Err(x) => Ctl::Throw(x),
            },
            ("def" | "defp", _) => Ctl::Throw(compile_error(format!("invalid syntax in {n}"))),
            ("defstruct" | "defexception", 1) => {
                let v = match self.eval_simple(&args[0]) {
                    Ok(v) => v,
                    Err(x) => return Some(Ctl::Throw(x)),
                };
                let fields: Vec<(Atom, Term)> = v
                    .as_list()
                    .unwrap_or(&[])
                    .iter()
                    .filter_map(|t| match t {
                        Term::Atom(a) => Some((*a, Term::nil())),
                        Term::Tuple(p) if p.len() == 2 => p[0].as_atom().map(|a| (a, p[1].clone())),
                        _ => None,
                    })
                    .collect();
                match self.defining.last_mut() {
                    Some(b) => {
                        let mut fields = fields;
                        if &*n == "defexception" {
                            b.module.exception = true;
                            if !fields.iter().any(|(k, _)| &*k.name() == "message")
                                && fields.is_empty()
                            {
                                fields.push((Atom::new("message"), Term::nil()));
                            }
                        }
                        b.module.struct_fields = Some(fields.clone());
                        if &*n == "defexception" {
                            Ctl::Ret(Term::ok())
                        } else {
                            Ctl::Ret(Term::Struct(b.name, fields.into()))
                        }
                    }
                    None => {
                        Ctl::Throw(compile_error(format!("cannot invoke {n}/1 outside module")))
                    }
                }
            }
            ("alias", 1 | 2) => {
                let full = match &args[0].kind {
                    Kind::Alias(a) => self.resolve_alias(*a),
                    _ => {
                        return Some(Ctl::Throw(compile_error(
                            "invalid argument for alias, expected a compile time atom or alias",
                        )))
                    }
                };
                let short = match args.get(1).map(|a| self.eval_simple(a)) {
                    Some(Ok(opts)) => match opts.get("as") {
                        Some(Term::Atom(a)) => Atom::new(a.name().trim_start_matches("Elixir.")),
                        _ => last_segment(full),
                    },
                    Some(Err(x)) => return Some(Ctl::Throw(x)),
                    None => last_segment(full),
                };
                match self.defining.last_mut() {
                    Some(b) => b.module.aliases.push((short, full)),
                    None => self.aliases.push((short, full)),
                }
                Ctl::Ret(Term::Atom(full))
            }
            ("import" | "require", 1 | 2) => {
                let full = match self.eval_simple(&args[0]) {
                    Ok(Term::Atom(a)) => a,
                    Ok(_) => {
                        return Some(Ctl::Throw(compile_error(format!(
                            "invalid argument for {n}, expected a compile time atom or alias"
                        ))))
                    }
                    Err(x) => return Some(Ctl::Throw(x)),
                };
                if &*n == "import" {
                    if !self.modules.borrow().contains_key(&full)
                        && !self.natives.module_exists(full)
                    {
                        return Some(Ctl::Throw(compile_error(format!(
                            "module {} is not loaded and could not be found",
                            Term::Atom(full)
                        ))));
                    }
                    let opts = match args.get(1).map(|a| self.eval_simple(a)) {
                        Some(Ok(o)) => Some(o),
                        Some(Err(x)) => return Some(Ctl::Throw(x)),
                        None => None,
                    };
                    match self.defining.last_mut() {
                        Some(b) => {
                            b.module.imports.push(full);
                            if let Some(o) = opts {
                                b.module.import_opts.push((full, o));
                            }
                        }
                        None => {
                            self.imports.push(full);
                            if let Some(o) = opts {
                                self.import_opts.push((full, o));
                            }
                        }
                    }
                }
                Ctl::Ret(Term::Atom(full))
            }
            ("use", 1 | 2) => {
                let full = match self.eval_simple(&args[0]) {
                    Ok(Term::Atom(a)) => a,
                    Ok(_) => return Some(Ctl::Throw(compile_error("invalid argument for use"))),
                    Err(x) => return Some(Ctl::Throw(x)),
                };
                let opts = match args.get(1).map(|a| self.eval_simple(a)) {
                    Some(Ok(o)) => o,
                    Some(Err(x)) => return Some(Ctl::Throw(x)),
                    None => Term::list(vec![]),
                };
                match self.defining.last_mut() {
                    Some(b) => {
                        b.module.uses.push(full);
                        b.module.use_opts.push(opts);
                        Ctl::Ret(Term::nil())
                    }
                    None => Ctl::Throw(compile_error(format!(
                        "use {} is only supported inside defmodule in this console",
                        Term::Atom(full)
                    ))),
                }
            }
            ("@", 2) => {
                let Kind::Lit(Term::Atom(attr)) = &args[0].kind else {
                    return Some(Ctl::Throw(compile_error("invalid module attribute")));
                };
                if self.defining.is_empty() {
                    return Some(Ctl::Throw(exception(
                        "ArgumentError",
                        vec![("message", Term::str(&format!(
                            "cannot invoke @/1 outside module. @{} is a module attribute and can only be used inside a module",
                            attr.name()
                        )))],
                    )));
                }
                match &*attr.name() {
                    "spec" | "type" | "typep" | "opaque" | "callback" | "macrocallback"
                    | "impl" | "behaviour" | "derive" | "enforce_keys" => Ctl::Ret(Term::nil()),
                    _ => {
                        self.stack.push(Kont::SetAttr(*attr));
                        Ctl::Eval(args[1].clone())
                    }
                }
            }
            ("receive", 0) => {
                let clauses: Rc<[Clause]> = match blocks.get("do") {
                    Some(Body::Clauses(c)) => c.clone(),
                    Some(Body::Expr(e)) if matches!(&e.kind, Kind::Lit(t) if t.is_nil()) => {
                        Rc::from(Vec::new())
                    }
                    _ => {
                        return Some(Ctl::Throw(compile_error(
                            "expected -> clauses for :do in \"receive\"",
                        )))
                    }
                };
                // `after t -> body`
                let (timeout, after) = match blocks.get("after") {
                    Some(Body::Clauses(c)) if c.len() == 1 && c[0].args.len() == 1 => {
                        match self.eval_simple(&c[0].args[0]) {
                            Ok(Term::Int(ms)) if ms >= 0 => (Some(ms as u64), Some(c[0].body.clone())),
                            Ok(Term::Atom(a)) if a == Atom::INFINITY => (None, None),
                            Ok(other) => {
                                return Some(Ctl::Throw(exception(
                                    "ArgumentError",
                                    vec![("message", Term::str(&format!("timeout for receive must be a non-negative integer or :infinity, got: {}", inspect::inspect(&other))))],
                                )))
                            }
                            Err(x) => return Some(Ctl::Throw(x)),
                        }
                    }
                    Some(_) => {
                        return Some(Ctl::Throw(compile_error(
                            "expected a single -> clause for :after in \"receive\"",
                        )))
                    }
                    None => (None, None),
                };
                self.receiving = Some((clauses, after));
                Ctl::Receive(timeout)
            }
            (
                "quote" | "unquote" | "defmacro" | "defmacrop" | "defguard" | "defguardp"
                | "defprotocol" | "defimpl" | "defdelegate" | "defoverridable",
                _,
            ) => Ctl::Throw(compile_error(format!(
                "{n} is not supported by this console: it interprets code and has no macros"
            ))),
            _ => return None,
        };
        Some(c)
    }

    fn with_step(&mut self, e: P, i: usize, base: usize, v: Option<Term>) -> Ctl {
        let Kind::Call(_, quals, blocks) = &e.kind else {
            return Ctl::Ret(Term::nil());
        };
        // a value came back for qualifier i-1
        if let Some(v) = v {
            if let Some(Kind::Binary("<-", pat, _)) = quals.get(i - 1).map(|q| &q.kind) {
                let b = self.env.len();
                match self.pattern_with_guard(pat, &v, b) {
                    Ok(true) => {}
                    Ok(false) => {
                        self.env.truncate(base);
                        return match blocks.get("else") {
                            Some(Body::Clauses(c)) => {
                                let c = c.clone();
                                self.match_clauses(&c, &[v], e.line as usize, |v| {
                                    exception("WithClauseError", vec![("term", v[0].clone())])
                                })
                            }
                            _ => Ctl::Ret(v),
                        };
                    }
                    Err(x) => return Ctl::Throw(x),
                }
            }
        }
        match quals.get(i) {
            None => {
                let body = match blocks.get("do") {
                    Some(Body::Expr(b)) => b.clone(),
                    _ => return Ctl::Throw(compile_error("missing :do option in \"with\"")),
                };
                self.stack.push(Kont::Truncate(base));
                Ctl::Eval(body)
            }
            Some(q) => {
                let src = match &q.kind {
                    Kind::Binary("<-", _, src) => src.clone(),
                    _ => q.clone(),
                };
                self.stack.push(Kont::With(e.clone(), i + 1, base));
                Ctl::Eval(src)
            }
        }
    }

    fn for_start(&mut self, e: &P, args: &[P], blocks: &Rc<Blocks>) -> Option<Ctl> {
        let mut quals: Vec<P> = args.to_vec();
        let mut into = None;
        let mut uniq = false;
        let mut reduce = None;
        if let Some(last) = quals.last() {
            if let Kind::List(items, None) = &last.kind {
                if items.iter().all(|i| matches!(&i.kind, Kind::Tuple(p) if p.len() == 2 && matches!(p[0].kind, Kind::Lit(Term::Atom(_))))) && !items.is_empty() {
                    for i in items {
                        if let Kind::Tuple(p) = &i.kind {
                            if let Kind::Lit(Term::Atom(k)) = &p[0].kind {
                                let v = match self.eval_simple(&p[1]) {
                                    Ok(v) => v,
                                    Err(x) => return Some(Ctl::Throw(x)),
                                };
                                match &*k.name() {
                                    "into" => into = Some(v),
                                    "uniq" => uniq = v.is_truthy(),
                                    "reduce" => reduce = Some(v),
                                    other => return Some(Ctl::Throw(compile_error(format!("unsupported option :{other} given to for")))),
                                }
                            }
                        }
                    }
                    quals.pop();
                }
            }
        }
        let Some(body) = blocks.get("do").cloned() else {
            return Some(Ctl::Throw(compile_error("missing :do option in \"for\"")));
        };
        let _ = e;
        let state = ForState {
            quals,
            body,
            into,
            uniq,
            reduce: reduce.is_some(),
            acc: reduce.unwrap_or_else(Term::nil),
            out: Vec::new(),
            levels: Vec::new(),
            at: 0,
            base: self.env.len(),
        };
        Some(self.for_advance(Box::new(state), 0))
    }

    /// Evaluates qualifier `q` (or the body past the last).
    fn for_advance(&mut self, mut st: Box<ForState>, q: usize) -> Ctl {
        if q == st.quals.len() {
            st.at = usize::MAX;
            let body = st.body.clone();
            return match body {
                Body::Expr(b) => {
                    self.stack.push(Kont::For(st));
                    Ctl::Eval(b)
                }
                Body::Clauses(c) => {
                    let acc = st.acc.clone();
                    self.stack.push(Kont::For(st));
                    self.match_clauses(&c, &[acc], 0, |v| {
                        exception(
                            "FunctionClauseError",
                            vec![
                                ("module", Term::nil()),
                                ("function", Term::nil()),
                                ("arity", Term::Int(1)),
                                ("term", v[0].clone()),
                            ],
                        )
                    })
                }
            };
        }
        st.at = q;
        let src = match &st.quals[q].kind {
            Kind::Binary("<-", _, src) => src.clone(),
            _ => st.quals[q].clone(),
        };
        self.stack.push(Kont::For(st));
        Ctl::Eval(src)
    }

    fn for_step(&mut self, mut st: Box<ForState>, v: Option<Term>) -> Ctl {
        let v = v.unwrap_or_else(Term::nil);
        self.reductions += 1;
        if st.at == usize::MAX {
            // the body answered
            if st.reduce {
                st.acc = v;
            } else {
                if st.out.len() >= ops::MAX_ITEMS {
                    return Ctl::Throw(ops::too_big("a comprehension's result", st.out.len()));
                }
                st.out.push(v);
            }
            return self.for_next(st);
        }
        let q = st.at;
        match &st.quals[q].kind {
            Kind::Binary("<-", _, _) => {
                let items = match stdlib::enumerable::to_vec(&v) {
                    Ok(items) => items,
                    Err(x) => return Ctl::Throw(x),
                };
                st.levels.push(Level {
                    qual: q,
                    items,
                    idx: 0,
                    env_len: self.env.len(),
                });
                self.for_next(st)
            }
            _ => {
                if v.is_truthy() {
                    self.for_advance(st, q + 1)
                } else {
                    self.for_next(st)
                }
            }
        }
    }

    /// The next item of the innermost generator (popping exhausted ones).
    fn for_next(&mut self, mut st: Box<ForState>) -> Ctl {
        loop {
            let Some(level) = st.levels.last_mut() else {
                return self.for_finish(st);
            };
            self.env.truncate(level.env_len);
            if level.idx >= level.items.len() {
                st.levels.pop();
                continue;
            }
            let item = level.items[level.idx].clone();
            level.idx += 1;
            let q = level.qual;
            let pat = match &st.quals[q].kind {
                Kind::Binary("<-", p, _) => p.clone(),
                _ => continue,
            };
            let base = self.env.len();
            match self.pattern_with_guard(&pat, &item, base) {
                Ok(true) => return self.for_advance(st, q + 1),
                Ok(false) => {
                    self.env.truncate(base);
                    continue;
                }
                Err(x) => return Ctl::Throw(x),
            }
        }
    }

    #[allow(clippy::boxed_local)]
    fn for_finish(&mut self, st: Box<ForState>) -> Ctl {
        let st = *st;
        self.env.truncate(st.base);
        if st.reduce {
            return Ctl::Ret(st.acc);
        }
        let mut out = st.out;
        if st.uniq {
            let mut seen = super::matcher::StrictBag::default();
            out.retain(|t| seen.insert(t));
        }
        match st.into {
            None => Ctl::Ret(Term::list(out)),
            Some(into) => match stdlib::enumerable::into(&into, out) {
                Ok(t) => Ctl::Ret(t),
                Err(x) => Ctl::Throw(x),
            },
        }
    }

    /// `put_in users[:john].age, 31` and `update_in …, fun`: the path is syntax.
    fn path_macro(&mut self, which: &str, args: &[P]) -> Ctl {
        let Some((root, steps)) = path_parts(&args[0]) else {
            return Ctl::Throw(compile_error("expected a path such as data[:key].field"));
        };
        let mut keys = Vec::new();
        let r = (|| -> R<(Term, Vec<(Term, bool)>)> {
            let root = self.eval_simple(&root)?;
            for (k, field) in &steps {
                keys.push((self.eval_simple(k)?, *field));
            }
            Ok((root, std::mem::take(&mut keys)))
        })();
        let (data, keys) = match r {
            Ok(x) => x,
            Err(x) => return Ctl::Throw(x),
        };
        // the values along the path
        let mut values = vec![data.clone()];
        for (k, field) in &keys {
            let cur = values.last().cloned().unwrap_or_else(Term::nil);
            let next = if *field {
                match map_get(&cur, k) {
                    Some(v) => v,
                    None => return Ctl::Throw(key_error(k, &cur)),
                }
            } else {
                match access(&cur, k) {
                    Ok(v) => v,
                    Err(x) => return Ctl::Throw(x),
                }
            };
            values.push(next);
        }
        let current = values.last().cloned().unwrap_or_else(Term::nil);
        let rebuild = move |new: Term| -> R<Term> {
            let mut acc = new;
            for i in (0..keys.len()).rev() {
                let (k, field) = &keys[i];
                let parent = &values[i];
                acc = if *field {
                    map_update(parent, vec![(k.clone(), acc)])?
                } else {
                    match parent {
                        Term::Map(_) => {
                            let mut p = parent_pairs(parent);
                            p.push((k.clone(), acc));
                            Term::map(p)
                        }
                        Term::List(items) => keyword_put(items, k, acc),
                        other => return Err(super::value::bad_map(other)),
                    }
                };
            }
            Ok(acc)
        };
        match which {
            "get_in" => Ctl::Ret(current),
            "put_in" => {
                let v = match args.get(1).map(|a| self.eval_simple(a)) {
                    Some(Ok(v)) => v,
                    Some(Err(x)) => return Ctl::Throw(x),
                    None => return Ctl::Throw(compile_error("put_in/2 expects a value")),
                };
                match rebuild(v) {
                    Ok(t) => Ctl::Ret(t),
                    Err(x) => Ctl::Throw(x),
                }
            }
            _ => {
                let f = match args.get(1).map(|a| self.eval_simple(a)) {
                    Some(Ok(v)) => v,
                    Some(Err(x)) => return Ctl::Throw(x),
                    None => return Ctl::Throw(compile_error("update_in/2 expects a function")),
                };
                self.nret(NRet::CallThen(
                    f,
                    vec![current],
                    Box::new(move |_, new| Ok(NRet::Value(rebuild(new)?))),
                ))
            }
        }
    }

    // ---------------------------------------------------------------- modules

    fn begin_module(&mut self, args: &[P], blocks: &Rc<Blocks>) -> Ctl {
        let name = match &args[0].kind {
            Kind::Alias(a) => {
                // nested modules are named inside their parent
                match self.defining.last() {
                    Some(parent) if !a.name().starts_with("Elixir.") => {
                        let full = Atom::new(&format!("{}.{}", parent.name.name(), a.name()));
                        let short = Atom::new(a.name().split('.').next().unwrap_or(""));
                        let first_full =
                            Atom::new(&format!("{}.{}", parent.name.name(), short.name()));
                        if let Some(p) = self.defining.last_mut() {
                            p.module.aliases.push((short, first_full));
                        }
                        full
                    }
                    _ => self.resolve_alias(*a),
                }
            }
            _ => match self.eval_simple(&args[0]) {
                Ok(Term::Atom(a)) => a,
                Ok(other) => {
                    return Ctl::Throw(compile_error(format!(
                        "invalid module name: {}",
                        inspect::inspect(&other)
                    )))
                }
                Err(x) => return Ctl::Throw(x),
            },
        };
        let Some(Body::Expr(body)) = blocks.get("do").cloned() else {
            return Ctl::Throw(compile_error("missing :do option in \"defmodule\""));
        };
        let saved_module = self.module;
        self.defining.push(Builder {
            module: Module {
                name: Some(name),
                ..Module::default()
            },
            name,
            defs: Vec::new(),
            pending_doc: None,
        });
        if let Err(x) = self.enter_frame() {
            return Ctl::Throw(x);
        }
        self.module = None;
        self.stack.push(Kont::EndModule(name, saved_module));
        Ctl::Eval(body)
    }

    fn end_module(&mut self, name: Atom, saved_module: Option<Atom>, last: Term) -> Ctl {
        let Some(b) = self.defining.pop() else {
            return Ctl::Ret(Term::nil());
        };
        self.module = saved_module;
        let mut module = b.module;
        for ((fname, arity), private, clauses) in b.defs {
            module.funs.insert(
                (fname, arity),
                Rc::new(FunDef {
                    name: fname,
                    arity,
                    private,
                    clauses,
                }),
            );
        }
        let startable =
            !module.uses.is_empty() || module.funs.contains_key(&(Atom::new("start_link"), 1));
        let supervisor = module
            .uses
            .iter()
            .any(|u| &*u.name() == "Elixir.Supervisor");
        let restart = module
            .use_opts
            .iter()
            .find_map(|o| o.get("restart").cloned());
        new_code_version();
        let replaced = self
            .modules
            .borrow_mut()
            .insert(name, Rc::new(module))
            .is_some();
        if startable {
            self.define_child_module(name, supervisor, restart);
        }
        if replaced {
            self.out.push_str(&format!(
                "warning: redefining module {} (current version defined in memory)\n  iex:1\n\n",
                Term::Atom(name)
            ));
        } else if self.natives.module_exists(name) {
            self.out.push_str(&format!(
                "warning: redefining module {} (the processes already running its built-in code keep it; console calls use yours, and the built-in functions for what yours does not define)\n  iex:1\n\n",
                Term::Atom(name)
            ));
        }
        let beam = Term::atom(&format!("{}:{}", inspect::BEAM, name.name()));
        Ctl::Ret(Term::tuple(vec![
            Term::atom("module"),
            Term::Atom(name),
            beam,
            last,
        ]))
    }

    /// Makes a console module startable by the runtime's supervisors: its child spec starts it
    /// with `Mod.start_link(arg)`, run by the interpreter in the supervisor's process.
    fn define_child_module(&self, name: Atom, supervisor: bool, restart: Option<Term>) {
        use crate::runtime::gen_server::StartResult;
        let (rt, modules, group) = (self.rt.clone(), self.modules.clone(), self.group.clone());
        let natives = self.natives.clone();
        let start = move |ctx: Ctx, args: Term, _restarts: u32| {
            let (rt, modules, group) = (rt.clone(), modules.clone(), group.clone());
            let natives = natives.clone();
            async move {
                let mut m = Machine::new(ctx.clone(), rt, modules, natives);
                m.io = Some(group.clone());
                m.group = group;
                m.start_call(Fun::capture(name, Atom::new("start_link"), 1), vec![args]);
                match super::shell::drive(&mut m).await {
                    Ok(t) => match t.as_tuple() {
                        Some([ok, Term::Pid(p)]) if *ok == Term::ok() => StartResult::Ok(*p),
                        Some([_, reason]) => StartResult::Error(reason.clone()),
                        _ if t == Term::atom("ignore") => StartResult::Ignore,
                        _ => StartResult::Error(Term::tuple(vec![Term::atom("bad_return"), t])),
                    },
                    Err(Exc::Error(e)) => {
                        StartResult::Error(Term::tuple(vec![e, Term::list(vec![])]))
                    }
                    Err(Exc::Exit(r)) | Err(Exc::Throw(r)) => StartResult::Error(r),
                }
            }
        };
        let mut module = if supervisor {
            crate::runtime::Module::supervisor(start)
        } else {
            crate::runtime::Module::worker(start)
        };
        if let Some(r) = restart
            .as_ref()
            .and_then(crate::runtime::Restart::from_term)
        {
            module.restart = r;
        }
        self.rt
            .define_module(&crate::runtime::registry::atom_name(name), module);
    }

    /// `def`/`defp`: records a clause (and the clauses its default arguments imply).
    fn define(&mut self, private: bool, args: &[P], blocks: &Rc<Blocks>) -> R<Term> {
        if self.defining.is_empty() {
            return Err(compile_error(format!(
                "cannot invoke {}/2 outside module",
                if private { "defp" } else { "def" }
            )));
        }
        let (head, guard) = match &args[0].kind {
            Kind::Binary("when", h, g) => (h.clone(), Some(g.clone())),
            _ => (args[0].clone(), None),
        };
        let (name, params): (Atom, Vec<P>) = match &head.kind {
            Kind::Call(n, ps, _) => (*n, ps.clone()),
            Kind::Var(n) => (*n, vec![]),
            _ => {
                return Err(compile_error(format!(
                    "invalid syntax in def {}",
                    super::source::to_source(&head)
                )))
            }
        };
        let body = match blocks.get("do") {
            Some(Body::Expr(b)) => b.clone(),
            Some(Body::Clauses(_)) => {
                return Err(compile_error("unexpected -> clauses in def body"))
            }
            None => {
                // a bodiless head (for defaults): nothing to run
                return Ok(Term::tuple(vec![
                    Term::Atom(name),
                    Term::Int(params.len() as i64),
                ]));
            }
        };
        // defaults: `x \\ 1`
        let mut plain = Vec::new();
        let mut defaults: Vec<(usize, P)> = Vec::new();
        for (i, p) in params.iter().enumerate() {
            match &p.kind {
                Kind::Binary("\\\\", pat, d) => {
                    plain.push(pat.clone());
                    defaults.push((i, d.clone()));
                }
                _ => plain.push(p.clone()),
            }
        }
        let arity = plain.len();
        let b = self
            .defining
            .last_mut()
            .ok_or_else(|| compile_error("no module"))?;
        if let Some(doc) = b.pending_doc.take() {
            b.module.docs.insert((name, arity), doc);
        }
        let clause = Rc::new(Clause {
            args: plain.clone(),
            guard,
            body,
        });
        push_def(&mut b.defs, (name, arity), private, clause);
        // f/k for each k from arity - defaults to arity - 1 calls f/arity with the defaults
        for k in 0..defaults.len() {
            let given = arity - defaults.len() + k;
            let mut call_args = Vec::new();
            let mut head_args = Vec::new();
            let mut var_i = 0;
            let mut defaults_used = 0;
            for (i, p) in params.iter().enumerate() {
                let is_default = defaults.iter().any(|(di, _)| *di == i);
                let keep_given = !is_default || defaults_used < k;
                if is_default && !keep_given {
                    let d = defaults
                        .iter()
                        .find(|(di, _)| *di == i)
                        .map(|(_, d)| d.clone());
                    call_args.push(d.unwrap_or_else(|| Expr::nil(1)));
                } else {
                    if is_default {
                        defaults_used += 1;
                    }
                    let v = Expr::new(Kind::Var(var(&format!("arg{var_i}@"))), p.line as usize);
                    var_i += 1;
                    head_args.push(v.clone());
                    call_args.push(v);
                }
            }
            if head_args.len() != given {
                continue;
            }
            let body = Expr::new(Kind::Call(name, call_args, Rc::default()), 1);
            let clause = Rc::new(Clause {
                args: head_args,
                guard: None,
                body,
            });
            if !b.defs.iter().any(|(key, _, _)| *key == (name, given)) {
                push_def(&mut b.defs, (name, given), private, clause);
            }
        }
        Ok(Term::tuple(vec![Term::Atom(name), Term::Int(arity as i64)]))
    }

    /// `h Mod`'s and `h Mod.fun`'s documentation of console modules.
    pub fn module_doc(&self, module: Atom) -> Option<ModuleDoc> {
        let mods = self.modules.borrow();
        let m = mods.get(&module)?;
        let funs = m
            .funs
            .values()
            .filter(|d| !d.private)
            .map(|d| (d.name, d.arity, m.docs.get(&(d.name, d.arity)).cloned()))
            .collect();
        Some((m.moduledoc.clone(), funs))
    }
}

/// A function being defined: name and arity, private, its clauses so far.
type Def = ((Atom, usize), bool, Vec<Rc<Clause>>);

/// A console module's documentation: its `@moduledoc`, and each public function's `@doc`.
pub type ModuleDoc = (Option<String>, Vec<(Atom, usize, Option<String>)>);

fn push_def(defs: &mut Vec<Def>, key: (Atom, usize), private: bool, clause: Rc<Clause>) {
    match defs.iter_mut().find(|(k, _, _)| *k == key) {
        Some(entry) => entry.2.push(clause),
        None => defs.push((key, private, vec![clause])),
    }
}

fn last_segment(full: Atom) -> Atom {
    let n = full.name();
    let short = n.rsplit('.').next().unwrap_or(&n).to_string();
    Atom::new(&short)
}

/// Marks an unbound variable met in a simple expression: iex 1.14 then calls a zero-arity
/// function of that name, and says "undefined function" when there is none.
const UNDEFINED_VAR: &str = "$undefined_var";

fn undefined_var(x: &Exc) -> Option<Atom> {
    match x {
        Exc::Error(Term::Tuple(t)) if t.len() == 2 && t[0] == Term::atom(UNDEFINED_VAR) => {
            t[1].as_atom()
        }
        _ => None,
    }
}

/// The error an unbound variable is where no call can stand for it.
fn plain_undefined(x: Exc) -> Exc {
    match undefined_var(&x) {
        Some(n) => compile_error(format!(
            "undefined function {}/0 (there is no such import)",
            n.name()
        )),
        None => x,
    }
}

/// The i-th child a node evaluates before combining.
fn child(e: &Expr, i: usize) -> Option<P> {
    match &e.kind {
        Kind::Tuple(items) | Kind::Block(items) => items.get(i).cloned(),
        Kind::List(items, tail) => {
            items
                .get(i)
                .cloned()
                .or_else(|| if i == items.len() { tail.clone() } else { None })
        }
        Kind::Map(pairs) => pairs
            .get(i / 2)
            .map(|(k, v)| if i % 2 == 0 { k.clone() } else { v.clone() }),
        Kind::MapUpdate(b, pairs) => {
            if i == 0 {
                Some(b.clone())
            } else {
                pairs.get((i - 1) / 2).map(|(k, v)| {
                    if (i - 1) % 2 == 0 {
                        k.clone()
                    } else {
                        v.clone()
                    }
                })
            }
        }
        Kind::Struct(_, b, pairs) => {
            let off = usize::from(b.is_some());
            if i == 0 && b.is_some() {
                return b.clone();
            }
            pairs.get((i - off) / 2).map(|(k, v)| {
                if (i - off) % 2 == 0 {
                    k.clone()
                } else {
                    v.clone()
                }
            })
        }
        Kind::Unary(_, x) => (i == 0).then(|| x.clone()),
        Kind::Binary(_, a, b) | Kind::Access(a, b) => match i {
            0 => Some(a.clone()),
            1 => Some(b.clone()),
            _ => None,
        },
        Kind::Interp(parts, _) => parts
            .iter()
            .filter_map(|p| match p {
                Part::Code(c) => Some(c.clone()),
                Part::Lit(_) => None,
            })
            .nth(i),
        Kind::Call(_, args, _) => args.get(i).cloned(),
        Kind::Remote(t, _, args, _) | Kind::Apply(t, args) => {
            if i == 0 {
                Some(t.clone())
            } else {
                args.get(i - 1).cloned()
            }
        }
        _ => None,
    }
}

/// `data[:a].b` as its root and steps (key, is a `.field`).
fn path_parts(e: &P) -> Option<(P, Vec<(P, bool)>)> {
    let mut steps = Vec::new();
    let mut cur = e.clone();
    loop {
        let next = match &cur.kind {
            Kind::Access(t, k) => {
                steps.push((k.clone(), false));
                t.clone()
            }
            Kind::Remote(t, name, args, false)
                if args.is_empty() && !matches!(t.kind, Kind::Alias(_)) =>
            {
                steps.push((
                    Expr::new(Kind::Lit(Term::Atom(*name)), cur.line as usize),
                    true,
                ));
                t.clone()
            }
            _ => break,
        };
        cur = next;
    }
    if steps.is_empty() {
        return None;
    }
    steps.reverse();
    Some((cur, steps))
}

/// A keyword list with `k` set: in place of its first occurrence (later ones dropped), or
/// in front, as Access does.
pub fn keyword_put(items: &[Term], k: &Term, v: Term) -> Term {
    let mut out = Vec::with_capacity(items.len() + 1);
    let mut done = false;
    for t in items {
        match t.as_tuple() {
            Some([kk, _]) if kk == k => {
                if !done {
                    out.push(Term::tuple(vec![k.clone(), v.clone()]));
                    done = true;
                }
            }
            _ => out.push(t.clone()),
        }
    }
    if !done {
        out.insert(0, Term::tuple(vec![k.clone(), v]));
    }
    Term::list(out)
}

fn parent_pairs(t: &Term) -> Vec<(Term, Term)> {
    match t {
        Term::Map(p) => p.to_vec(),
        _ => Vec::new(),
    }
}

fn pairs_of(vals: Vec<Term>) -> Vec<(Term, Term)> {
    let mut out = Vec::with_capacity(vals.len() / 2);
    let mut it = vals.into_iter();
    while let (Some(k), Some(v)) = (it.next(), it.next()) {
        out.push((k, v));
    }
    out
}

fn build_list(mut items: Vec<Term>, tail: Option<Term>) -> R<Term> {
    match tail {
        None => Ok(Term::list(items)),
        Some(Term::List(t)) => {
            if items.len() + t.len() > ops::MAX_ITEMS {
                return Err(ops::too_big("a list", items.len() + t.len()));
            }
            items.extend(t.iter().cloned());
            Ok(Term::list(items))
        }
        Some(other) => Err(exception(
            "ArgumentError",
            vec![(
                "message",
                Term::str(&format!(
                    "improper lists ([… | {}]) are not supported by this console",
                    inspect::inspect(&other)
                )),
            )],
        )),
    }
}

pub fn map_update(base: &Term, pairs: Vec<(Term, Term)>) -> R<Term> {
    match base {
        Term::Map(existing) => {
            let mut v = existing.to_vec();
            for (k, x) in pairs {
                match v.binary_search_by(|(ek, _)| ek.key_cmp(&k)) {
                    Ok(i) => v[i].1 = x,
                    Err(_) => return Err(key_error(&k, base)),
                }
            }
            Ok(Term::Map(v.into()))
        }
        Term::Struct(m, fields) => {
            let mut v = fields.to_vec();
            for (k, x) in pairs {
                match (&k, v.iter_mut().find(|(ek, _)| Term::Atom(*ek) == k)) {
                    (Term::Atom(_), Some(slot)) => slot.1 = x,
                    _ => return Err(key_error(&k, base)),
                }
            }
            Ok(Term::Struct(*m, v.into()))
        }
        other => Err(super::value::bad_map(other)),
    }
}

pub fn access(t: &Term, k: &Term) -> R<Term> {
    match t {
        Term::Map(_) => Ok(map_get(t, k).unwrap_or_else(Term::nil)),
        Term::List(items) => match k {
            Term::Atom(a) => Ok(items
                .iter()
                .find_map(|i| match i.as_tuple() {
                    Some([Term::Atom(x), v]) if x == a => Some(v.clone()),
                    _ => None,
                })
                .unwrap_or_else(Term::nil)),
            _ => Err(super::value::argument_error(format!(
                "the Access calls for keywords expect the key to be an atom, got: {}",
                inspect::inspect(k)
            ))),
        },
        Term::Atom(a) if *a == Atom::NIL => Ok(Term::nil()),
        Term::Struct(m, _) => Err(undefined_function(*m, "fetch", 2, None).with_message(format!(
            "function {}.fetch/2 is undefined ({} does not implement the Access behaviour. If you are using get_in/put_in/update_in, you can specify the field to be accessed using Access.key!/1)",
            Term::Atom(*m),
            Term::Atom(*m)
        ))),
        other => Err(super::value::argument_error(format!(
            "the Access module does not support accessing {} with key {}... (Access is supported for maps, keyword lists and nil)",
            inspect::inspect(other),
            inspect::inspect(k)
        ))),
    }
}

trait WithMessage {
    fn with_message(self, m: String) -> Exc;
}
impl WithMessage for Exc {
    fn with_message(self, m: String) -> Exc {
        match self {
            Exc::Error(Term::Struct(n, fields)) => {
                let mut f = fields.to_vec();
                for (k, v) in f.iter_mut() {
                    if &*k.name() == "message" {
                        *v = Term::str(&m);
                    }
                }
                Exc::Error(Term::Struct(n, f.into()))
            }
            other => other,
        }
    }
}

fn as_bool(t: &Term) -> Option<bool> {
    match t {
        Term::Atom(a) if *a == Atom::TRUE => Some(true),
        Term::Atom(a) if *a == Atom::FALSE => Some(false),
        _ => None,
    }
}

fn bad_bool(op: &str, t: &Term) -> Exc {
    exception(
        "BadBooleanError",
        vec![("term", t.clone()), ("operator", Term::atom(op))],
    )
}

/// FunctionClauseError with the arguments (and clauses) iex lists under it.
/// A walk over a process's data, measuring it (`Machine::heap_step`) or letting it go
/// (`Machine::release`).
struct HeapWalk {
    todo: Vec<Term>,
    seen: std::collections::HashSet<usize, PtrHash>,
    total: usize,
}

impl HeapWalk {
    fn over(todo: Vec<Term>) -> Box<HeapWalk> {
        Box::new(HeapWalk {
            todo,
            seen: Default::default(),
            total: 0,
        })
    }
}

/// Hashes the addresses `heap_bytes` has seen: one multiply, not SipHash (a walk over a big
/// heap inserts millions of them).
#[derive(Clone, Copy, Default)]
pub struct PtrHash;

impl std::hash::BuildHasher for PtrHash {
    type Hasher = PtrHasher;
    fn build_hasher(&self) -> PtrHasher {
        PtrHasher(0)
    }
}

#[derive(Clone, Copy, Default)]
pub struct PtrHasher(u64);

impl std::hash::Hasher for PtrHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 =
                (self.0.rotate_left(5) ^ u64::from(*b)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
    }
    fn write_usize(&mut self, n: usize) {
        self.0 = (n as u64)
            .wrapping_mul(0x9e37_79b9_7f4a_7c15)
            .rotate_left(26);
    }
}
