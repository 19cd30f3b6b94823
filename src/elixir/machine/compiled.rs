//! The compiled path: module functions lowered by [`crate::elixir::lower`] run here, a
//! loop over their instructions with a frame per call on a vector of its own.
//!
//! The loop never recurses on the Rust stack: a call between lowered functions pushes a
//! [`Frame`], a tail call replaces it. It hands over to the tree-walking machine for what it
//! does not run itself — a call of a function that is not lowered, an anonymous function, a
//! library function that waits on the runtime, an expression kept as syntax — by leaving
//! itself on the machine's stack ([`Kont::Vm`]) to take the value back; a tail call made by
//! the only frame leaves nothing behind, so a `loop(state)` that passes through the machine
//! runs in constant space. Every `SLICE` instructions it returns to the machine's loop
//! ([`Ctl::Vm`]), which charges them to the process's turn and may yield.

use super::*;
use crate::elixir::ir::{BinOp, Callee, Code, Ins, Lowered, Pat, Short, Site, Target};
use crate::elixir::lower;
use crate::elixir::value::as_fun;

/// Instructions between returns to the machine's loop (which counts them and may yield).
const SLICE: u32 = 4096;
/// Instructions a machine step is worth, for the process's reductions.
const PER_STEP: u32 = 4;

// An instruction is two words: the loop reads one per step.
const _: () = assert!(std::mem::size_of::<Ins>() <= 16);

/// What [`Machine::call_inline`] answers.
pub enum Inline {
    Done(Term),
    Raised(Exc),
    /// The call needs the machine: answer `NRet::Resume` with it.
    Suspended(Box<Suspended>),
}

/// Suspended compiled frames and their values.
#[derive(Default)]
pub(crate) struct Vm {
    frames: Vec<Frame>,
    stack: Vec<Term>,
}

impl Vm {
    pub(super) fn values(&self) -> &[Term] {
        &self.stack
    }

    /// A call of `callee` with its `argc` arguments on top of the stack (then the values
    /// it captured, for an anonymous function): a new frame, or in place of the current
    /// one for a tail call. `pc`: where the caller goes on.
    #[inline(always)]
    fn enter(
        &mut self,
        callee: Rc<Code>,
        argc: usize,
        base: usize,
        pc: usize,
        tail: bool,
        captured: impl Iterator<Item = Term>,
    ) {
        let len = self.stack.len();
        let base = base.min(len);
        let start = len.saturating_sub(argc).max(base);
        let slots = callee.slots as usize;
        if tail {
            self.stack.drain(base..start);
            self.stack.extend(captured);
            self.stack.resize(base + slots, Term::nil());
            if let Some(f) = self.frames.last_mut() {
                f.code = callee;
                f.pc = 0;
                f.guard = None;
            }
        } else {
            if let Some(f) = self.frames.last_mut() {
                f.pc = pc as u32;
            }
            self.stack.extend(captured);
            for _ in self.stack.len() - start..slots {
                self.stack.push(Term::nil());
            }
            self.frames.push(Frame {
                code: callee,
                pc: 0,
                base: start as u32,
                guard: None,
            });
        }
    }
}

struct Frame {
    code: Rc<Code>,
    pc: u32,
    /// Where its slots start on the value stack.
    base: u32,
    /// Inside a guard: where to go on an error, and the stack's height to go back to.
    guard: Option<(u32, u32)>,
}

thread_local! {
    static LOWERING: std::cell::Cell<bool> = const { std::cell::Cell::new(true) };
}

/// Whether module functions are lowered (on unless a benchmark or a test turns it off to
/// compare with the tree-walking machine). Takes effect for functions not called yet.
pub fn set_lowering(on: bool) {
    LOWERING.with(|l| l.set(on));
}

fn int_op(op: BinOp, x: i64, y: i64) -> Option<Term> {
    Some(match op {
        BinOp::Add => Term::Int(x.checked_add(y)?),
        BinOp::Sub => Term::Int(x.checked_sub(y)?),
        BinOp::Mul => Term::Int(x.checked_mul(y)?),
        BinOp::Lt => Term::bool(x < y),
        BinOp::Gt => Term::bool(x > y),
        BinOp::Le => Term::bool(x <= y),
        BinOp::Ge => Term::bool(x >= y),
        BinOp::Eq | BinOp::StrictEq => Term::bool(x == y),
        BinOp::Ne | BinOp::StrictNe => Term::bool(x != y),
    })
}

/// Matches `v` against `p`, writing bound variables into `slots`.
fn matches(p: &Pat, v: &Term, slots: &mut [Term]) -> bool {
    match p {
        Pat::Any => true,
        Pat::Bind(s) => match slots.get_mut(*s as usize) {
            Some(slot) => {
                *slot = v.clone();
                true
            }
            None => false,
        },
        Pat::Same(s) => slots
            .get(*s as usize)
            .is_some_and(|x| crate::elixir::matcher::strict_eq(x, v)),
        Pat::Lit(t) => crate::elixir::matcher::strict_eq(t, v),
        Pat::Tuple(ps) => match v {
            Term::Tuple(vs) if vs.len() == ps.len() => {
                ps.iter().zip(vs.iter()).all(|(p, v)| matches(p, v, slots))
            }
            _ => false,
        },
        Pat::List(ps, tail) => {
            let (vs, rest) = match v {
                Term::List(vs) => (vs, None),
                Term::Improper(cell) if tail.is_some() => (&cell.0, v.list_rest(ps.len())),
                _ => return false,
            };
            let fits = match tail {
                None => vs.len() == ps.len(),
                Some(_) => vs.len() >= ps.len(),
            };
            fits && ps.iter().zip(vs.iter()).all(|(p, v)| matches(p, v, slots))
                && match (tail, rest) {
                    (Some(t), Some(rest)) => matches(t, &rest, slots),
                    (Some(t), None) => matches(t, &Term::List(vs.skip(ps.len())), slots),
                    (None, _) => true,
                }
        }
        Pat::Map(pairs) => {
            matches!(v, Term::Map(_) | Term::Struct(..))
                && pairs.iter().all(|(k, p)| match map_get(v, k) {
                    Some(x) => matches(p, &x, slots),
                    None => false,
                })
        }
        Pat::Both(a, b) => matches(a, v, slots) && matches(b, v, slots),
    }
}

/// The values a lowered anonymous function captured: its environment's entries at `at`.
pub(super) fn captured<'a>(env: &'a Env, at: &'a [u32]) -> impl Iterator<Item = Term> + 'a {
    at.iter().map(|i| {
        env.get(*i as usize)
            .map_or_else(Term::nil, |(_, v)| v.clone())
    })
}

/// Puts `v` in place of `t`, an integer or an atom (nothing to free: no drop to run).
fn replace_scalar(t: &mut Term, v: Term) {
    std::mem::forget(std::mem::replace(t, v));
}

fn internal() -> Exc {
    compile_error("internal error in compiled code")
}

impl Machine {
    /// `def` lowered (the first time it is asked for), or `None` when the machine runs it.
    pub(super) fn compiled(def: &FunDef, module: Atom, modules: &Modules) -> Option<Rc<Code>> {
        def.code
            .get_or_init(|| {
                if LOWERING.with(|l| l.get()) {
                    lower::function(module, def, modules).map(Rc::new)
                } else {
                    None
                }
            })
            .clone()
    }

    /// An anonymous function's lowered clauses (lowered at its second call: one called once
    /// is not worth it), and where the variables it reads are in its environment.
    pub(super) fn closure_code<'a>(
        modules: &Modules,
        clauses: &[Clause],
        env: &Env,
        module: Option<Atom>,
        lowered: &'a Lowered,
        origin: &Rc<str>,
    ) -> Option<(Rc<Code>, &'a [u32])> {
        if let Some(done) = lowered.code.get() {
            return done.as_ref().map(|(c, at)| (c.clone(), at.as_slice()));
        }
        if !LOWERING.with(|l| l.get()) {
            return None;
        }
        let calls = lowered.calls.get() + 1;
        lowered.calls.set(calls);
        if calls < 2 {
            return None;
        }
        let arity = clauses.first().map_or(0, |c| c.args.len());
        let done = lowered.code.get_or_init(|| {
            lower::closure(module, modules, clauses, arity, env, origin)
                .map(|(c, at)| (Rc::new(c), at))
        });
        done.as_ref().map(|(c, at)| (c.clone(), at.as_slice()))
    }

    /// Steps compiled code took that the machine's loop has not counted yet.
    pub fn pending_steps(&self) -> u64 {
        self.vm_steps
    }

    /// Calls `f` with `args` from inside a native function (an `Enum` walk), when it is an
    /// anonymous function whose clauses are lowered: without the machine's frames, and
    /// without a continuation allocated, unless the call needs the machine after all (then
    /// answer `NRet::Resume` with what it left and the native function's continuation).
    /// `None`: `f` is not such a function; call it the machine's way.
    pub fn call_inline(&mut self, f: &Term, args: &mut Vec<Term>) -> Option<Inline> {
        let fun = as_fun(f)?;
        let FunKind::Closure {
            clauses,
            env,
            module,
            lowered,
        } = &fun.kind
        else {
            return None;
        };
        if fun.arity != args.len() {
            return None;
        }
        let (code, at) =
            Self::closure_code(&self.modules, clauses, env, *module, lowered, &fun.origin)?;
        let args = args.drain(..).chain(captured(env, at));
        let saved = (std::mem::take(&mut self.env), self.module);
        self.module = *module;
        let mark = self.stack.len();
        self.stack.push(Kont::Mark);
        self.reductions += 1;
        let ctl = self.vm_start(code, args);
        // answered without leaving anything on the machine's stack: done here
        let done = match ctl {
            Ctl::Ret(v) if self.stack.len() == mark + 1 => Ok(Inline::Done(v)),
            Ctl::Throw(x) if self.stack.len() == mark + 1 => Ok(Inline::Raised(x)),
            ctl => Err(ctl),
        };
        let ctl = match done {
            Ok(answer) => {
                self.stack.pop();
                (self.env, self.module) = saved;
                return Some(answer);
            }
            Err(ctl) => ctl,
        };
        // the machine carries on from here; the caller's variables come back after it
        if let Some(k) = self.stack.get_mut(mark) {
            *k = Kont::Restore(saved.0, saved.1);
        }
        let konts = self.stack.drain(mark.min(self.stack.len())..).collect();
        Some(Inline::Suspended(Box::new(Suspended { konts, ctl })))
    }

    /// Runs a lowered function with `args` (the machine has entered a frame for the call).
    pub(super) fn vm_start(&mut self, code: Rc<Code>, args: impl IntoIterator<Item = Term>) -> Ctl {
        let mut vm = self.vm_pool.pop().unwrap_or_default();
        vm.stack.extend(args);
        vm.stack.resize(code.slots as usize, Term::nil());
        vm.frames.push(Frame {
            code,
            pc: 0,
            base: 0,
            guard: None,
        });
        self.vm_run(vm)
    }

    /// A value the machine computed for a suspended compiled frame.
    pub(super) fn vm_resume(&mut self, mut vm: Box<Vm>, v: Term) -> Ctl {
        self.env.clear();
        vm.stack.push(v);
        self.vm_run(vm)
    }

    fn vm_recycle(&mut self, mut vm: Box<Vm>) {
        if self.vm_pool.len() < 16 {
            vm.frames.clear();
            vm.stack.clear();
            self.vm_pool.push(vm);
        }
    }

    /// What a call site means now (worked out again when a module was defined since it
    /// last ran).
    fn link(&mut self, code: &Code, site: &Site, key: u32) -> Target {
        if site.version.get() == key {
            let t = site.target.borrow();
            if !matches!(*t, Target::Unknown) {
                return t.clone();
            }
        }
        let saved = self.module;
        self.module = code.module;
        let t = self.resolve_site(code.module, site);
        self.module = saved;
        site.version.set(key);
        *site.target.borrow_mut() = t.clone();
        t
    }

    fn target_of(&self, module: Atom, def: Rc<FunDef>) -> Target {
        match Self::compiled(&def, module, &self.modules) {
            Some(c) => Target::Code(c),
            None => Target::Def(module, def),
        }
    }

    /// What `call_local` and `call_remote` would call, when it is a console function or a
    /// native one; `Slow` when the machine must decide at each call.
    fn resolve_site(&self, m: Option<Atom>, site: &Site) -> Target {
        let (name, arity) = (site.name, site.arity as usize);
        let kernel = kernel_atom();
        let module = match site.callee {
            Callee::Local => {
                if site.guard {
                    return match self.natives.get(kernel, name, arity) {
                        Some(n) => Target::Native(kernel, n.run),
                        None => Target::Slow(kernel),
                    };
                }
                // the shell's closures: iex's helpers come first, the machine's business
                let Some(m) = m else {
                    return Target::Slow(kernel);
                };
                if let Some(def) = self.user_fun(m, name, arity) {
                    return self.target_of(m, def);
                }
                // a prelude module's own native functions (`:redfour_enum.to_list/1`)
                if let Some(n) = self.natives.get(m, name, arity) {
                    return Target::Native(m, n.run);
                }
                if self
                    .all_imports()
                    .iter()
                    .any(|imp| self.imported(*imp, name, arity))
                {
                    return Target::Slow(m);
                }
                if self.modules.borrow().contains_key(&kernel) {
                    return Target::Slow(m);
                }
                return match self.natives.get(kernel, name, arity) {
                    Some(n) => Target::Native(kernel, n.run),
                    None => Target::Slow(m),
                };
            }
            Callee::Alias(a) => self.resolve_alias(a),
            Callee::Module(a) => a,
        };
        if site.guard {
            return match self.natives.get(module, name, arity) {
                Some(n) => Target::Native(module, n.run),
                None => Target::Slow(module),
            };
        }
        let user = self.modules.borrow().get(&module).cloned();
        if let Some(md) = user {
            match md.funs.get(&(name, arity)) {
                Some(def) if !def.private || Some(module) == m => {
                    return self.target_of(module, def.clone())
                }
                // what a console module of the library's name does not define, the
                // library does (`call_remote`)
                None if self.natives.exists(module, name, arity)
                    && md.struct_fields.is_none()
                    && !md.exception => {}
                _ => return Target::Slow(module),
            }
        }
        match self.natives.get(module, name, arity) {
            Some(n) => Target::Native(module, n.run),
            None => Target::Slow(module),
        }
    }

    /// Leaves the compiled frames on the machine's stack to take back the value of what the
    /// machine runs next; a tail call of the only frame leaves nothing.
    fn vm_suspend(&mut self, mut vm: Box<Vm>, pc: usize, tail: bool) {
        let Some(module) = vm.frames.last().map(|f| f.code.module) else {
            self.vm_recycle(vm);
            return;
        };
        self.module = module;
        if tail {
            if let Some(f) = vm.frames.pop() {
                vm.stack.truncate(f.base as usize);
            }
            if vm.frames.is_empty() {
                self.vm_recycle(vm);
                return;
            }
        } else if let Some(f) = vm.frames.last_mut() {
            f.pc = pc as u32;
        }
        self.stack.push(Kont::Vm(vm));
        self.stack.push(Kont::Restore(Vec::new(), module));
    }

    /// The loop: runs until the function returns, the machine is needed, or a slice is spent.
    pub(super) fn vm_run(&mut self, mut vm: Box<Vm>) -> Ctl {
        let key = code_version();
        let mut fuel: u32 = 0;
        'frames: loop {
            let Some(f) = vm.frames.last() else {
                self.vm_recycle(vm);
                return Ctl::Throw(internal());
            };
            let code = f.code.clone();
            let base = f.base as usize;
            let mut pc = f.pc as usize;
            loop {
                let Some(&ins) = code.ins.get(pc) else {
                    self.vm_recycle(vm);
                    return Ctl::Throw(internal());
                };
                pc += 1;
                fuel += 1;
                // An operation's error: raised, or (inside a guard) the clause fails.
                macro_rules! attempt {
                    ($e:expr) => {
                        match $e {
                            Ok(v) => v,
                            Err(x) => {
                                let guard = vm.frames.last_mut().and_then(|f| f.guard.take());
                                match guard {
                                    Some((fail, depth)) => {
                                        vm.stack.truncate(depth as usize);
                                        pc = fail as usize;
                                        continue;
                                    }
                                    None => {
                                        self.vm_steps += (fuel / PER_STEP) as u64;
                                        self.vm_recycle(vm);
                                        return Ctl::Throw(x);
                                    }
                                }
                            }
                        }
                    };
                }
                macro_rules! fail {
                    ($x:expr) => {
                        attempt!(Err::<(), Exc>($x))
                    };
                }
                macro_rules! pop {
                    () => {
                        vm.stack.pop().unwrap_or_else(Term::nil)
                    };
                }
                macro_rules! take {
                    ($n:expr) => {{
                        let n = ($n as usize).min(vm.stack.len().saturating_sub(base));
                        vm.stack.split_off(vm.stack.len() - n)
                    }};
                }
                // Back to the machine's loop (which counts the steps, may yield, and looks at
                // the heap), to go on at `$pc`.
                macro_rules! pause {
                    ($pc:expr) => {{
                        if let Some(f) = vm.frames.last_mut() {
                            f.pc = ($pc) as u32;
                        }
                        self.vm_steps += (fuel / PER_STEP) as u64;
                        return Ctl::Vm(vm);
                    }};
                }
                // Hands over to the machine for `$ctl`, the compiled frames waiting.
                macro_rules! hand_over {
                    ($tail:expr, $ctl:expr) => {{
                        self.vm_steps += (fuel / PER_STEP) as u64;
                        self.vm_suspend(vm, pc, $tail);
                        return $ctl;
                    }};
                }
                match ins {
                    Ins::Const(k) => {
                        let t = code
                            .consts
                            .get(k as usize)
                            .cloned()
                            .unwrap_or_else(Term::nil);
                        vm.stack.push(t);
                    }
                    Ins::Load(s) => {
                        let t = match vm.stack.get(base + s as usize) {
                            Some(Term::Int(i)) => Term::Int(*i),
                            Some(t) => t.clone(),
                            None => Term::nil(),
                        };
                        vm.stack.push(t);
                    }
                    Ins::Store(s) => {
                        let v = pop!();
                        if let Some(slot) = vm.stack.get_mut(base + s as usize) {
                            *slot = v;
                        }
                    }
                    Ins::Pop => {
                        vm.stack.pop();
                    }
                    Ins::OpInt(op, y) => {
                        if let Some(t) = vm.stack.last_mut() {
                            if let Term::Int(x) = t {
                                if let Some(r) = int_op(op, *x, y) {
                                    replace_scalar(t, r);
                                    continue;
                                }
                            }
                        }
                        let a = pop!();
                        let v = attempt!(ops::binary(op.text(), &a, &Term::Int(y)));
                        vm.stack.push(v);
                    }
                    Ins::LoadOpInt(s, op, y) => {
                        let a = match vm.stack.get(base + s as usize) {
                            Some(Term::Int(x)) => match int_op(op, *x, y) {
                                Some(r) => {
                                    vm.stack.push(r);
                                    continue;
                                }
                                None => Term::Int(*x),
                            },
                            Some(t) => t.clone(),
                            None => Term::nil(),
                        };
                        let v = attempt!(ops::binary(op.text(), &a, &Term::Int(y)));
                        vm.stack.push(v);
                    }
                    Ins::Op(op) => {
                        if let [.., Term::Int(x), Term::Int(y)] = vm.stack.as_slice() {
                            if let Some(r) = int_op(op, *x, *y) {
                                if let Some(b) = vm.stack.pop() {
                                    std::mem::forget(b); // an integer: nothing to free
                                }
                                if let Some(t) = vm.stack.last_mut() {
                                    replace_scalar(t, r);
                                }
                                continue;
                            }
                        }
                        let b = pop!();
                        let a = pop!();
                        let fast = match (&a, &b) {
                            (Term::Int(x), Term::Int(y)) => int_op(op, *x, *y),
                            _ => None,
                        };
                        let v = match fast {
                            Some(v) => v,
                            None => attempt!(ops::binary(op.text(), &a, &b)),
                        };
                        vm.stack.push(v);
                    }
                    Ins::OpStr(i) => {
                        let b = pop!();
                        let a = pop!();
                        let op = code.ops.get(i as usize).copied().unwrap_or("");
                        let v = attempt!(ops::binary(op, &a, &b));
                        vm.stack.push(v);
                    }
                    Ins::Unary(i) => {
                        let op = code.ops.get(i as usize).copied().unwrap_or("");
                        let a = pop!();
                        let v = attempt!(ops::unary(op, &a));
                        vm.stack.push(v);
                    }
                    Ins::Jump(t) => pc = t as usize,
                    Ins::JumpIfNot(t) => {
                        if !pop!().is_truthy() {
                            pc = t as usize;
                        }
                    }
                    Ins::JumpIf(t) => {
                        if pop!().is_truthy() {
                            pc = t as usize;
                        }
                    }
                    Ins::Short(op, t) => {
                        let v = vm.stack.last().cloned().unwrap_or_else(Term::nil);
                        let keep = match op {
                            Short::And => !v.is_truthy(),
                            Short::Or => v.is_truthy(),
                            Short::StrictAnd | Short::StrictOr => {
                                let and = op == Short::StrictAnd;
                                let name = if and { "and" } else { "or" };
                                let b = attempt!(as_bool(&v).ok_or_else(|| bad_bool(name, &v)));
                                (and && !b) || (!and && b)
                            }
                        };
                        if keep {
                            pc = t as usize;
                        } else {
                            vm.stack.pop();
                        }
                    }
                    Ins::Tuple(n) => {
                        let items = take!(n);
                        vm.stack.push(Term::tuple(items));
                    }
                    Ins::List(n) => {
                        let items = take!(n);
                        vm.stack.push(Term::list(items));
                    }
                    Ins::ListTail(n) => {
                        let tail = pop!();
                        let items = take!(n);
                        let v = attempt!(build_list(items, Some(tail)));
                        vm.stack.push(v);
                    }
                    Ins::Map(n) => {
                        let vals = take!(n as usize * 2);
                        vm.stack.push(Term::map(pairs_of(vals)));
                    }
                    Ins::TestConst { slot, k, fail } => {
                        let same = match (
                            vm.stack.get(base + slot as usize),
                            code.consts.get(k as usize),
                        ) {
                            (Some(Term::Int(a)), Some(Term::Int(b))) => a == b,
                            (Some(Term::Atom(a)), Some(Term::Atom(b))) => a == b,
                            (Some(a), Some(b)) => crate::elixir::matcher::strict_eq(a, b),
                            _ => false,
                        };
                        if !same {
                            pc = fail as usize;
                        }
                    }
                    Ins::Test { slot, pat, fail } => {
                        let v = vm.stack.get(base + slot as usize).cloned();
                        let ok = match (v, code.pats.get(pat as usize)) {
                            (Some(v), Some(p)) => vm
                                .stack
                                .get_mut(base..)
                                .is_some_and(|slots| matches(p, &v, slots)),
                            _ => false,
                        };
                        if !ok {
                            pc = fail as usize;
                        }
                    }
                    Ins::Bind(pat) => {
                        let v = vm.stack.last().cloned().unwrap_or_else(Term::nil);
                        let ok = match code.pats.get(pat as usize) {
                            Some(p) => vm
                                .stack
                                .get_mut(base..)
                                .is_some_and(|slots| matches(p, &v, slots)),
                            None => false,
                        };
                        if !ok {
                            fail!(match_error(&v));
                        }
                    }
                    Ins::GuardBegin(fail) => {
                        let depth = vm.stack.len() as u32;
                        if let Some(f) = vm.frames.last_mut() {
                            f.guard = Some((fail, depth));
                        }
                    }
                    Ins::GuardEnd(fail) => {
                        let v = pop!();
                        if let Some(f) = vm.frames.last_mut() {
                            f.guard = None;
                        }
                        if v != Term::bool(true) {
                            pc = fail as usize;
                        }
                    }
                    Ins::Call { site, tail } => {
                        let Some(s) = code.sites.get(site as usize) else {
                            fail!(internal());
                            continue;
                        };
                        if fuel >= SLICE {
                            // the call runs when the machine's loop hands back
                            pause!(pc - 1);
                        }
                        let argc = s.arity as usize;
                        match self.link(&code, s, key) {
                            Target::Code(callee) => {
                                self.reductions += 1;
                                if !tail && vm.frames.len() + self.stack.len() >= MAX_FRAMES {
                                    fail!(too_many_frames());
                                }
                                vm.enter(callee, argc, base, pc, tail, std::iter::empty());
                                continue 'frames;
                            }
                            Target::Native(module, run) => {
                                let args = take!(argc);
                                self.module = code.module;
                                match attempt!(run(self, module, s.name, args)) {
                                    Some(NRet::Value(v)) => {
                                        vm.stack.push(v);
                                        // a big operation: the machine's loop counts its
                                        // work (and looks at the heap) before going on
                                        if ops::native_work_pending() {
                                            pause!(pc);
                                        }
                                    }
                                    Some(_) | None if s.guard => fail!(internal()),
                                    Some(n) => hand_over!(tail, self.nret(n)),
                                    None => fail!(undefined_function(
                                        module,
                                        &s.name.name(),
                                        argc,
                                        None
                                    )),
                                }
                            }
                            _ if s.guard => fail!(internal()),
                            Target::Def(module, def) => {
                                let args = take!(argc);
                                hand_over!(tail, self.call_def(module, def, args))
                            }
                            Target::Slow(module) => {
                                let args = take!(argc);
                                match s.callee {
                                    Callee::Local => {
                                        hand_over!(tail, self.call_local(s.name, args, 0))
                                    }
                                    _ => hand_over!(tail, self.call_remote(module, s.name, args)),
                                }
                            }
                            Target::Unknown => fail!(internal()),
                        }
                    }
                    Ins::Apply { argc, tail } => {
                        // an anonymous function whose clauses are lowered: a frame here
                        let argc = argc as usize;
                        let at = vm.stack.len().checked_sub(argc + 1).filter(|p| *p >= base);
                        let f = at.and_then(|p| vm.stack.get(p)).cloned();
                        if let (Some(p), Some(fun)) = (at, f.as_ref().and_then(as_fun)) {
                            if let FunKind::Closure {
                                clauses,
                                env,
                                module,
                                lowered,
                            } = &fun.kind
                            {
                                let code = match fun.arity == argc {
                                    true => Self::closure_code(
                                        &self.modules,
                                        clauses,
                                        env,
                                        *module,
                                        lowered,
                                        &fun.origin,
                                    ),
                                    false => None,
                                };
                                if let Some((callee, at)) = code {
                                    self.reductions += 1;
                                    if !tail && vm.frames.len() + self.stack.len() >= MAX_FRAMES {
                                        fail!(too_many_frames());
                                    }
                                    vm.stack.remove(p);
                                    vm.enter(callee, argc, base, pc, tail, captured(env, at));
                                    continue 'frames;
                                }
                            }
                        }
                        let args = take!(argc);
                        let f = pop!();
                        hand_over!(tail, self.call_fun(f, args))
                    }
                    Ins::Remote {
                        name,
                        argc,
                        parens,
                        tail,
                    } => {
                        let args = take!(argc);
                        let target = pop!();
                        if !parens && matches!(target, Term::Map(_) | Term::Struct(..)) {
                            let v = attempt!(map_get(&target, &Term::Atom(name))
                                .ok_or_else(|| key_error(&Term::Atom(name), &target)));
                            vm.stack.push(v);
                        } else {
                            hand_over!(tail, self.remote_on(target, name, args, parens))
                        }
                    }
                    Ins::Eval { expr, tail } => {
                        let Some(fb) = code.exprs.get(expr as usize) else {
                            fail!(internal());
                            continue;
                        };
                        self.env.clear();
                        for (n, s) in &fb.vars {
                            if let Some(v) = vm.stack.get(base + *s as usize) {
                                self.env.push((*n, v.clone()));
                            }
                        }
                        self.module = code.module;
                        if fb.guard || self.is_simple(&fb.expr) {
                            let r = self.eval_simple(&fb.expr);
                            self.env.clear();
                            match r {
                                Ok(v) => {
                                    vm.stack.push(v);
                                    if ops::native_work_pending() {
                                        pause!(pc);
                                    }
                                }
                                Err(x) => match undefined_var(&x) {
                                    Some(n) if !fb.guard => {
                                        hand_over!(tail, self.call_local(n, vec![], fb.expr.line))
                                    }
                                    _ => fail!(x),
                                },
                            }
                        } else {
                            let env = std::mem::take(&mut self.env);
                            let e = fb.expr.clone();
                            self.vm_steps += (fuel / PER_STEP) as u64;
                            self.vm_suspend(vm, pc, tail);
                            self.env = env;
                            return Ctl::Eval(e);
                        }
                    }
                    Ins::Closure(i) => {
                        let Some(p) = code.funs.get(i as usize) else {
                            fail!(internal());
                            continue;
                        };
                        let env: Env = p
                            .vars
                            .iter()
                            .map(|(n, s)| {
                                (
                                    *n,
                                    vm.stack
                                        .get(base + *s as usize)
                                        .cloned()
                                        .unwrap_or_else(Term::nil),
                                )
                            })
                            .collect();
                        vm.stack.push(Fun::term(
                            p.arity,
                            FunKind::Closure {
                                clauses: p.clauses.clone(),
                                env: Rc::new(env),
                                module: code.module,
                                lowered: p.lowered.clone(),
                            },
                            p.origin.clone(),
                        ));
                    }
                    Ins::NoCaseClause => {
                        let v = pop!();
                        fail!(exception("CaseClauseError", vec![("term", v)]));
                    }
                    Ins::NoCondClause => fail!(exception("CondClauseError", vec![])),
                    Ins::NoFunClause => {
                        let end = (base + code.arity as usize).min(vm.stack.len());
                        let args = vm.stack[base.min(end)..end].to_vec();
                        let attempted = code
                            .module
                            .and_then(|m| self.attempted_clauses(m, code.name, &args));
                        fail!(fn_clause_error_tried(&code.fun_name, &args, attempted));
                    }
                    Ins::Ret => {
                        let v = pop!();
                        if let Some(f) = vm.frames.pop() {
                            // the frame's slots: integers and atoms need no drop
                            while vm.stack.len() > f.base as usize {
                                match vm.stack.pop() {
                                    Some(t @ (Term::Int(_) | Term::Atom(_))) => std::mem::forget(t),
                                    other => drop(other),
                                }
                            }
                        }
                        if vm.frames.is_empty() {
                            self.vm_steps += (fuel / PER_STEP) as u64;
                            self.vm_recycle(vm);
                            return Ctl::Ret(v);
                        }
                        vm.stack.push(v);
                        continue 'frames;
                    }
                }
            }
        }
    }
}
