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
//!
//! This file holds the machine's state and the API its process drives (`start`, `run`,
//! `probe`/`received` for `receive`, `resume` after an await); each question it answers has
//! a file: `eval` (a step: evaluate, build, resume a frame, unwind), `simple` (what needs no
//! frames), `calls`, `clauses` (matching a clause and its guard), `names` (aliases, imports,
//! what a call means), `special_forms`, `comprehensions` (`for`), `access` (`put_in` and
//! friends), `structs`, `modules` (`defmodule`, `def`), `terms` (values it builds) and
//! `heap` (measuring and freeing a process's data).

use std::cell::RefCell;
use std::collections::HashMap;
use std::future::Future;
use std::hash::{BuildHasherDefault, Hasher};
use std::pin::Pin;
use std::rc::Rc;

use super::ast::{Blocks, Body, Clause, Expr, Kind, Part, P};
use super::bitstrings;
use super::inspect;
use super::matcher::map_get;
use super::natives::Natives;
use super::ops;
use super::stdlib;
use super::value::{
    compile_error, compile_error_at, exception, fn_clause_error, fn_clause_error_tried,
    is_needs_machine, key_error, match_error, needs_machine, undefined_function, Env, Exc, Fun,
    FunKind, R,
};
use crate::runtime::{Atom, Ctx, Runtime, Term};

// One file per question the machine answers; each adds to `impl Machine`.
mod access;
mod blame;
mod calls;
mod clauses;
mod compiled;
mod comprehensions;
mod eval;
mod heap;
pub(crate) mod macros;
mod modules;
pub(crate) mod names;
mod protocols;
mod simple;
mod special_forms;
mod structs;
mod terms;

pub use self::compiled::{set_lowering, Inline};
pub use self::heap::{PtrHash, PtrHasher};
pub use self::modules::ModuleDoc;
pub use self::terms::{access, keyword_put, map_update};
use self::{access::*, calls::too_many_frames, eval::*, heap::*, modules::*, terms::*};

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
    pub funs: HashMap<(Atom, usize), Rc<FunDef>, ById>,
    pub attrs: Vec<(Atom, Term)>,
    pub struct_fields: Option<Vec<(Atom, Term)>>,
    pub exception: bool,
    pub aliases: Vec<(Atom, Atom)>,
    pub imports: Vec<Atom>,
    /// `only:`/`except:` of each import.
    pub import_opts: Vec<(Atom, Term)>,
    pub moduledoc: Option<String>,
    pub docs: crate::sorted_map::SortedMap<(Atom, usize), String>,
    /// `use GenServer` and friends (for the next issue's behaviours).
    pub uses: Vec<Atom>,
    /// `use GenServer, restart: :transient`: the options of each `use`.
    pub use_opts: Vec<Term>,
    /// Made by `defprotocol`: its bodiless `def`s dispatch on their first argument.
    pub protocol: bool,
    /// `@derive [Proto]`: protocols this struct takes from their `Any` implementation.
    pub derives: Vec<Atom>,
    /// Defined by the prelude (Elixir's own library, as this console writes it): its
    /// FunctionClauseErrors list the clauses tried, as iex does for Elixir's modules.
    pub library: bool,
    /// `defimpl P, for: [A, B]`: the implementation is defined as `P.A`, and again for
    /// these types, as `(P.B, B)`.
    pub also_as: Vec<(Atom, Atom)>,
    /// Where each `fn` of the module's code is (by its node's address): the function
    /// around it, as iex names it in `#Function<… in Mod.fun/1>`.
    pub fun_origins: HashMap<usize, Rc<str>>,
}

#[derive(Debug)]
pub struct FunDef {
    pub name: Atom,
    pub arity: usize,
    pub private: bool,
    pub clauses: Vec<Rc<Clause>>,
    /// The clauses lowered (see `compiled.rs`), the first time the function is called;
    /// `None` inside when the machine runs them.
    pub code: std::cell::OnceCell<Option<Rc<super::ir::Code>>>,
}

/// Every module the console's processes share.
pub type Modules = Rc<RefCell<HashMap<Atom, Rc<Module>, ById>>>;

/// Hashes atoms (and `(atom, arity)`) by their ids: a call looks its function up by id,
/// not by comparing names through the interner (which a `BTreeMap<Atom, _>` does, since
/// atoms order by name).
pub type ById = BuildHasherDefault<IdHasher>;

#[derive(Default)]
pub struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.write_u64(*b as u64);
        }
    }
    fn write_u32(&mut self, x: u32) {
        self.write_u64(x as u64);
    }
    fn write_usize(&mut self, x: usize) {
        self.write_u64(x as u64);
    }
    fn write_u64(&mut self, x: u64) {
        self.0 = (self.0.rotate_left(5) ^ x).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

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
    /// A call [`Machine::call_inline`] began needs the machine to go on; its answer goes to
    /// `then`, if any, else it is this call's.
    Resume(Box<Suspended>, Option<Then>),
}

/// A call begun inline, to go on in the machine: the frames it left, what runs next.
pub struct Suspended {
    konts: Vec<Kont>,
    ctl: Ctl,
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
    /// Compiled code goes on after the machine's loop had its look.
    Vm(Box<compiled::Vm>),
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
    /// Compiled frames waiting for the value of what the machine runs.
    Vm(Box<compiled::Vm>),
    /// Where a native function called a lowered closure inline (`call_inline`).
    Mark,
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
    /// This process's `:rand` state, seeded at its first draw (`stdlib/rand.rs`).
    pub rand: Option<stdlib::rand::Gen>,
    /// The process dictionary (`Process.put/2`).
    pub dict: stdlib::rand::Dict,
    /// `for` options the machine evaluated, for the `for` starting again (`for_start`).
    for_preset: Vec<(Atom, Term)>,
    /// Where the last bitstring pattern's match ended (see `matcher.rs`).
    pub(crate) bits_end: Option<u64>,
    /// Steps compiled code took since the machine's loop last counted.
    vm_steps: u64,
    /// Compiled frames' vectors kept for the next calls.
    /// (Boxes, as `Kont::Vm` holds them: reusing one allocates nothing.)
    #[allow(clippy::vec_box)]
    vm_pool: Vec<Box<compiled::Vm>>,
    /// True while the prelude loads: the modules it defines are the library's.
    pub loading_library: bool,
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
    "destructure",
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
    "unquote_splicing",
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
    "pop_in",
    "get_and_update_in",
];

thread_local! {
    /// The special forms' atoms, looked up by id (a call's name is checked at every call).
    static SPECIAL_ATOMS: std::collections::HashSet<Atom, ById> =
        SPECIAL.iter().map(|s| Atom::new(s)).collect();
}

thread_local! {
    static KERNEL: Atom = Atom::module("Kernel");
}

/// `Kernel` as an atom (looked up once per thread, not per call).
fn kernel_atom() -> Atom {
    KERNEL.with(|k| *k)
}

pub(crate) fn is_special(name: Atom) -> bool {
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
            rand: None,
            dict: Default::default(),
            max_heap: MAX_HEAP,
            heap_check: false,
            heap_walk: None,
            vm_steps: 0,
            for_preset: Vec::new(),
            bits_end: None,
            vm_pool: Vec::new(),
            loading_library: false,
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
            let native = if plain & 7 == 0 || matches!(ctl, Ctl::Vm(_)) {
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
                Ctl::Vm(vm) => self.vm_run(vm),
                Ctl::Yield(then) => {
                    self.reductions += steps;
                    self.stack.push(Kont::Then(then));
                    self.ctl = Some(Ctl::Ret(Term::nil()));
                    return Step::Yield;
                }
            };
            steps += std::mem::take(&mut self.vm_steps);
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
}
