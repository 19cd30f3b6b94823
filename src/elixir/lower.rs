//! The lowering pass: a module function's clauses, as parsed, to the flat form of
//! [`super::ir`], once, the first time the function is called.
//!
//! Variables become frame slots (a new slot at each binding, so `x = x + 1` reads the old
//! slot and writes a new one; a clause's bindings end with the clause, as in Elixir),
//! operators become [`BinOp`]s, `if`/`unless`/`case`/`cond` become jumps, calls become call
//! sites, and each `fn` records the variables it uses and captures only those (as
//! `erl_eval` does). What is not lowered yet — string interpolation, structs, `receive`,
//! `for`, `try`, `with`… — stays syntax that the tree-walking machine evaluates through one
//! [`Ins::Eval`], with the variables it reads. A function this pass cannot express at all
//! (an unusual pattern, `alias` inside a body) is not lowered: the machine runs it as before.

use std::rc::Rc;

use super::ast::{Blocks, Body, Clause, Expr, Kind, Part, P};
use super::ir::{BinOp, Callee, Code, Fallback, FnProto, Ins, Pat, Short, Site};
use super::machine::{is_special, macros, FunDef, Modules};
use super::value::Env;
use crate::runtime::{Atom, Term};

/// Nesting past which a function is left to the machine (the pass recurses on the syntax).
const MAX_DEPTH: usize = 200;
/// Slots past which a function is left to the machine.
const MAX_SLOTS: u32 = 1 << 16;

/// `def`'s clauses lowered, or `None` when something in them is not lowered yet.
pub fn function(module: Atom, def: &FunDef, modules: &Modules) -> Option<Code> {
    let name = Rc::from(format!("{}.{}", Term::Atom(module), def.name.name()).as_str());
    let mut l = Lower::new(Some(module), def.name, name, def.arity, modules);
    l.clauses(def.clauses.iter().map(|c| &**c), def.arity)?;
    l.finish()
}

/// An anonymous function's clauses lowered for the variables `env` binds (the newest of
/// each name), with where each variable it reads is in `env`.
pub fn closure(
    module: Option<Atom>,
    modules: &Modules,
    clauses: &[Clause],
    arity: usize,
    env: &Env,
    origin: &Rc<str>,
) -> Option<(Code, Vec<u32>)> {
    let name = Rc::from(":erl_eval.\"-inside-an-interpreted-fun-\"");
    let mut l = Lower::new(module, Atom::new("-fun-"), name, arity, modules);
    // a fun made inside this one was made in the same function
    l.origin = Some(origin.clone());
    let mut names = Vec::new();
    for c in clauses {
        clause_names(c, &mut names, 0);
    }
    let mut at = Vec::new();
    for n in names {
        if l.scope.iter().any(|(v, _)| *v == n) {
            continue;
        }
        if let Some(i) = env.iter().rposition(|(k, _)| *k == n) {
            let s = l.slot();
            l.scope.push((n, s));
            at.push(i as u32);
        }
    }
    l.clauses(clauses.iter(), arity)?;
    Some((l.finish()?, at))
}

impl Lower {
    fn new(
        module: Option<Atom>,
        name: Atom,
        fun_name: Rc<str>,
        arity: usize,
        modules: &Modules,
    ) -> Lower {
        let arity = arity as u32;
        Lower {
            code: Code {
                module,
                name,
                fun_name,
                arity,
                slots: arity,
                ins: Vec::new(),
                consts: Vec::new(),
                ops: Vec::new(),
                pats: Vec::new(),
                sites: Vec::new(),
                exprs: Vec::new(),
                funs: Vec::new(),
            },
            scope: Vec::new(),
            depth: 0,
            origin: None,
            modules: modules.clone(),
        }
    }

    /// The clauses of a function: each tried in turn against the arguments in slots
    /// `0..arity`, with the variables in scope now (a closure's) visible in each.
    fn clauses<'a>(
        &mut self,
        clauses: impl Iterator<Item = &'a Clause>,
        arity: usize,
    ) -> Option<()> {
        let outer = self.scope.len();
        for c in clauses {
            if c.args.len() != arity {
                return None;
            }
            let mut group = Vec::new();
            let mut fails = Vec::new();
            for (j, p) in c.args.iter().enumerate() {
                match &p.kind {
                    // a plain variable is the argument's own slot: nothing to do
                    Kind::Var(n) if !n.is_underscored() && !group.iter().any(|(g, _)| g == n) => {
                        group.push((*n, j as u32));
                    }
                    _ => {
                        let pat = self.pattern(p, &mut group)?;
                        fails.extend(self.test(j as u32, pat));
                    }
                }
            }
            self.scope.extend(group);
            if let Some(g) = &c.guard {
                fails.push(self.emit(Ins::GuardBegin(0)));
                self.guard(g)?;
                fails.push(self.emit(Ins::GuardEnd(0)));
            }
            self.expr(&c.body, true, false)?;
            self.emit(Ins::Ret);
            let next = self.here();
            for f in fails {
                self.patch(f, next);
            }
            self.scope.truncate(outer);
        }
        self.emit(Ins::NoFunClause);
        Some(())
    }

    fn finish(self) -> Option<Code> {
        // a body the machine evaluates whole (a `receive` loop) gains nothing from lowering
        let whole = self.code.ins.iter().all(|i| {
            matches!(
                i,
                Ins::Eval { .. } | Ins::Ret | Ins::NoFunClause | Ins::Load(_) | Ins::Const(_)
            )
        });
        (self.code.slots <= MAX_SLOTS && !whole).then_some(self.code)
    }
}

struct Lower {
    code: Code,
    /// Visible variables and their slots, the newest last.
    scope: Vec<(Atom, u32)>,
    depth: usize,
    origin: Option<Rc<str>>,
    /// The console's modules: a call of one of their macros is left to the machine.
    modules: Modules,
}

impl Lower {
    fn emit(&mut self, i: Ins) -> usize {
        self.code.ins.push(i);
        self.code.ins.len() - 1
    }

    fn here(&self) -> u32 {
        self.code.ins.len() as u32
    }

    /// Points the jump at `at` to `to`.
    fn patch(&mut self, at: usize, to: u32) {
        if let Some(
            Ins::Jump(t)
            | Ins::JumpIfNot(t)
            | Ins::JumpIf(t)
            | Ins::Short(_, t)
            | Ins::GuardBegin(t)
            | Ins::GuardEnd(t)
            | Ins::Test { fail: t, .. }
            | Ins::TestConst { fail: t, .. },
        ) = self.code.ins.get_mut(at)
        {
            *t = to;
        }
    }

    /// Tests `slot` against a pattern: the jump to patch, if any.
    fn test(&mut self, slot: u32, pat: Pat) -> Option<usize> {
        match pat {
            Pat::Any => None,
            Pat::Lit(t) => {
                let k = self.konst(t);
                Some(self.emit(Ins::TestConst { slot, k, fail: 0 }))
            }
            pat => {
                let at = self.pat(pat);
                Some(self.emit(Ins::Test {
                    slot,
                    pat: at,
                    fail: 0,
                }))
            }
        }
    }

    fn op(&mut self, op: &'static str) -> u32 {
        match self.code.ops.iter().position(|o| *o == op) {
            Some(i) => i as u32,
            None => {
                self.code.ops.push(op);
                (self.code.ops.len() - 1) as u32
            }
        }
    }

    fn konst(&mut self, t: Term) -> u32 {
        self.code.consts.push(t);
        (self.code.consts.len() - 1) as u32
    }

    fn pat(&mut self, p: Pat) -> u32 {
        self.code.pats.push(p);
        (self.code.pats.len() - 1) as u32
    }

    fn slot(&mut self) -> u32 {
        self.code.slots = self.code.slots.saturating_add(1);
        self.code.slots - 1
    }

    fn lookup(&self, name: Atom) -> Option<u32> {
        self.scope
            .iter()
            .rev()
            .find(|(n, _)| *n == name)
            .map(|(_, s)| *s)
    }

    fn site(&mut self, callee: Callee, name: Atom, arity: usize, guard: bool) -> u32 {
        self.code.sites.push(Site::new(callee, name, arity, guard));
        (self.code.sites.len() - 1) as u32
    }

    /// A guard: only what answers at once, and an error fails the clause.
    fn guard(&mut self, g: &P) -> Option<()> {
        if matches!(g.kind, Kind::Binary("when", ..)) {
            return None;
        }
        self.expr(g, false, true)
    }

    /// Lowers `e`, leaving its value on the stack. `tail`: nothing follows it in the
    /// function (its calls replace the frame); `guard`: it is (part of) a guard.
    fn expr(&mut self, e: &P, tail: bool, guard: bool) -> Option<()> {
        self.depth += 1;
        let r = if self.depth > MAX_DEPTH {
            None
        } else {
            self.expr_inner(e, tail, guard)
        };
        self.depth -= 1;
        r
    }

    fn expr_inner(&mut self, e: &P, tail: bool, guard: bool) -> Option<()> {
        match &e.kind {
            Kind::Lit(t) => {
                let k = self.konst(t.clone());
                self.emit(Ins::Const(k));
            }
            Kind::Var(n) => {
                // an unbound name calls a function of that name (iex 1.14): the machine's
                let s = self.lookup(*n)?;
                self.emit(Ins::Load(s));
            }
            Kind::Tuple(items) => {
                for i in items {
                    self.expr(i, false, guard)?;
                }
                self.emit(Ins::Tuple(items.len() as u32));
            }
            Kind::List(items, tail_expr) => {
                for i in items {
                    self.expr(i, false, guard)?;
                }
                match tail_expr {
                    Some(t) => {
                        self.expr(t, false, guard)?;
                        self.emit(Ins::ListTail(items.len() as u32));
                    }
                    None => {
                        self.emit(Ins::List(items.len() as u32));
                    }
                }
            }
            Kind::Map(pairs) => {
                for (k, v) in pairs {
                    self.expr(k, false, guard)?;
                    self.expr(v, false, guard)?;
                }
                self.emit(Ins::Map(pairs.len() as u32));
            }
            Kind::Unary(op, x) => {
                self.expr(x, false, guard)?;
                let i = self.op(op);
                self.emit(Ins::Unary(i));
            }
            Kind::Binary(op @ ("&&" | "||" | "and" | "or"), a, b) => {
                self.expr(a, false, guard)?;
                let kind = match *op {
                    "&&" => Short::And,
                    "||" => Short::Or,
                    "and" => Short::StrictAnd,
                    _ => Short::StrictOr,
                };
                let j = self.emit(Ins::Short(kind, 0));
                self.expr(b, tail, guard)?;
                let end = self.here();
                self.patch(j, end);
            }
            Kind::Binary("when" | "<-" | "::" | "\\\\" | "|" | "->", ..) => return None,
            Kind::Binary(op, a, b) => match (BinOp::of(op), &a.kind, &b.kind) {
                (Some(op), Kind::Var(n), Kind::Lit(Term::Int(i))) if self.lookup(*n).is_some() => {
                    let s = self.lookup(*n)?;
                    self.emit(Ins::LoadOpInt(s, op, *i));
                }
                (Some(op), _, Kind::Lit(Term::Int(i))) => {
                    self.expr(a, false, guard)?;
                    self.emit(Ins::OpInt(op, *i));
                }
                (fast, _, _) => {
                    self.expr(a, false, guard)?;
                    self.expr(b, false, guard)?;
                    match fast {
                        Some(op) => self.emit(Ins::Op(op)),
                        None => {
                            let i = self.op(op);
                            self.emit(Ins::OpStr(i))
                        }
                    };
                }
            },
            Kind::Match(pat, rhs) if !guard => {
                self.expr(rhs, false, guard)?;
                let mut group = Vec::new();
                let p = self.pattern(pat, &mut group)?;
                let at = self.pat(p);
                self.emit(Ins::Bind(at));
                self.scope.extend(group);
            }
            Kind::Block(items) if !guard => match items.split_last() {
                None => {
                    let k = self.konst(Term::nil());
                    self.emit(Ins::Const(k));
                }
                Some((last, rest)) => {
                    for i in rest {
                        self.expr(i, false, guard)?;
                        self.emit(Ins::Pop);
                    }
                    self.expr(last, tail, guard)?;
                }
            },
            Kind::Call(name, args, blocks) if is_special(*name) => {
                if guard {
                    return None;
                }
                return self.special(e, *name, args, blocks, tail);
            }
            Kind::Call(name, args, blocks) => {
                // `binding()` reads the machine's variables; a macro's code is the machine's
                if !blocks.is_empty()
                    || (args.len() < 2 && &*name.name() == "binding")
                    || macros::defined_in(&self.modules, *name, args.len())
                {
                    return None;
                }
                for a in args {
                    self.expr(a, false, guard)?;
                }
                let s = self.site(Callee::Local, *name, args.len(), guard);
                self.emit(Ins::Call { site: s, tail });
            }
            Kind::Remote(_, name, args, _)
                if macros::defined_in(&self.modules, *name, args.len()) =>
            {
                return None;
            }
            Kind::Remote(target, name, args, parens) => {
                let callee = match &target.kind {
                    Kind::Alias(a) => Some(Callee::Alias(*a)),
                    Kind::Lit(Term::Atom(a)) => Some(Callee::Module(*a)),
                    _ => None,
                };
                match callee {
                    Some(c) if *parens || args.is_empty() => {
                        for a in args {
                            self.expr(a, false, guard)?;
                        }
                        let s = self.site(c, *name, args.len(), guard);
                        self.emit(Ins::Call { site: s, tail });
                    }
                    _ if guard => return self.fallback(e, tail, guard),
                    _ => {
                        self.expr(target, false, guard)?;
                        for a in args {
                            self.expr(a, false, guard)?;
                        }
                        self.emit(Ins::Remote {
                            name: *name,
                            argc: args.len() as u32,
                            parens: *parens,
                            tail,
                        });
                    }
                }
            }
            Kind::Apply(f, args) if !guard => {
                self.expr(f, false, guard)?;
                for a in args {
                    self.expr(a, false, guard)?;
                }
                self.emit(Ins::Apply {
                    argc: args.len() as u32,
                    tail,
                });
            }
            Kind::Fn(clauses) if !guard => {
                let arity = clauses.first().map_or(0, |c| c.args.len());
                self.closure(clauses.clone(), arity, e)?;
            }
            Kind::Capture(body, arity)
                if !guard
                    && crate::elixir::machine::names::capture_shape(body, *arity).is_none() =>
            {
                let args = (1..=*arity)
                    .map(|i| Expr::new(Kind::Var(Atom::new(&format!("&{i}"))), e.line as usize))
                    .collect();
                let clause = Clause {
                    args,
                    guard: None,
                    body: body.clone(),
                };
                self.closure(Rc::from(vec![clause]), *arity, e)?;
            }
            Kind::CaptureArg(n) => match self.lookup(Atom::new(&format!("&{n}"))) {
                Some(s) => {
                    self.emit(Ins::Load(s));
                }
                None => return self.fallback(e, tail, guard),
            },
            Kind::Pin(_) => return None,
            // interpolation, structs, access, captures of named functions, attributes…
            _ => return self.fallback(e, tail, guard),
        }
        Some(())
    }

    /// `if`, `unless`, `case`, `cond` as jumps; the other special forms the machine runs.
    fn special(
        &mut self,
        e: &P,
        name: Atom,
        args: &[P],
        blocks: &Blocks,
        tail: bool,
    ) -> Option<()> {
        let n = name.name();
        match (&*n, args.len()) {
            ("if" | "unless", 1) if !blocks.is_empty() => {
                let body = |k: &str| match blocks.get(k) {
                    None => Some(None),
                    Some(Body::Expr(b)) => Some(Some(b.clone())),
                    Some(Body::Clauses(_)) => None,
                };
                let (yes, no) = (body("do")?, body("else")?);
                self.expr(&args[0], false, false)?;
                let j = self.emit(if &*n == "if" {
                    Ins::JumpIfNot(0)
                } else {
                    Ins::JumpIf(0)
                });
                self.branch(yes.as_ref(), tail)?;
                let done = self.emit(Ins::Jump(0));
                let other = self.here();
                self.patch(j, other);
                self.branch(no.as_ref(), tail)?;
                let end = self.here();
                self.patch(done, end);
                Some(())
            }
            ("case", 1) => {
                let Some(Body::Clauses(clauses)) = blocks.get("do") else {
                    return None;
                };
                self.expr(&args[0], false, false)?;
                let tmp = self.slot();
                self.emit(Ins::Store(tmp));
                let mut ends = Vec::new();
                for c in clauses.iter() {
                    let [p] = c.args.as_slice() else { return None };
                    let mark = self.scope.len();
                    let mut group = Vec::new();
                    let mut fails = Vec::new();
                    let pat = self.pattern(p, &mut group)?;
                    fails.extend(self.test(tmp, pat));
                    self.scope.extend(group);
                    if let Some(g) = &c.guard {
                        fails.push(self.emit(Ins::GuardBegin(0)));
                        self.guard(g)?;
                        fails.push(self.emit(Ins::GuardEnd(0)));
                    }
                    self.expr(&c.body, tail, false)?;
                    ends.push(self.emit(Ins::Jump(0)));
                    self.scope.truncate(mark);
                    let next = self.here();
                    for f in fails {
                        self.patch(f, next);
                    }
                }
                self.emit(Ins::Load(tmp));
                self.emit(Ins::NoCaseClause);
                let end = self.here();
                for j in ends {
                    self.patch(j, end);
                }
                Some(())
            }
            ("cond", 0) => {
                let Some(Body::Clauses(clauses)) = blocks.get("do") else {
                    return None;
                };
                let mut ends = Vec::new();
                for c in clauses.iter() {
                    let [cond] = c.args.as_slice() else {
                        return None;
                    };
                    if c.guard.is_some() {
                        return None;
                    }
                    self.expr(cond, false, false)?;
                    let j = self.emit(Ins::JumpIfNot(0));
                    let mark = self.scope.len();
                    self.expr(&c.body, tail, false)?;
                    self.scope.truncate(mark);
                    ends.push(self.emit(Ins::Jump(0)));
                    let next = self.here();
                    self.patch(j, next);
                }
                self.emit(Ins::NoCondClause);
                let end = self.here();
                for j in ends {
                    self.patch(j, end);
                }
                Some(())
            }
            // forms whose bindings end with them: the machine runs them
            (
                "receive" | "try" | "for" | "with" | "match?" | "put_in" | "update_in" | "get_in"
                | "pop_in" | "get_and_update_in",
                _,
            ) => self.fallback(e, tail, false),
            // `alias`, `import`, `def` inside a body, `quote`…: the machine's business
            _ => None,
        }
    }

    /// An `if` branch in its own scope; a missing one is `nil`.
    fn branch(&mut self, body: Option<&P>, tail: bool) -> Option<()> {
        let mark = self.scope.len();
        match body {
            Some(b) => self.expr(b, tail, false)?,
            None => {
                let k = self.konst(Term::nil());
                self.emit(Ins::Const(k));
            }
        }
        self.scope.truncate(mark);
        Some(())
    }

    /// The variables `e` may read, with their slots.
    fn reads(&self, e: &Expr) -> Vec<(Atom, u32)> {
        let mut names = Vec::new();
        names_in(e, &mut names, 0);
        let mut vars: Vec<(Atom, u32)> = Vec::new();
        for n in names {
            if vars.iter().any(|(v, _)| *v == n) {
                continue;
            }
            if let Some(s) = self.lookup(n) {
                vars.push((n, s));
            }
        }
        vars
    }

    /// `e` evaluated by the machine, with the variables it reads; not when it binds a
    /// variable that code after it would see (the machine's bindings end with it).
    fn fallback(&mut self, e: &P, tail: bool, guard: bool) -> Option<()> {
        if binds(e, 0) {
            return None;
        }
        let vars = self.reads(e);
        self.code.exprs.push(Fallback {
            expr: e.clone(),
            vars,
            guard,
        });
        let i = (self.code.exprs.len() - 1) as u32;
        self.emit(Ins::Eval { expr: i, tail });
        Some(())
    }

    fn closure(&mut self, clauses: Rc<[Clause]>, arity: usize, e: &Expr) -> Option<()> {
        let vars = self.reads(e);
        // where iex says a fun was made: the function around it (`Stream.unfold/2`)
        let origin: Rc<str> = match self.code.module {
            Some(m) => {
                let (name, outer) = (self.code.name, self.code.arity);
                self.origin
                    .get_or_insert_with(|| {
                        Rc::from(format!("{}.{}/{outer}", Term::Atom(m), name.name()).as_str())
                    })
                    .clone()
            }
            None => Rc::from(":erl_eval.expr/6"),
        };
        self.code.funs.push(FnProto {
            clauses,
            arity,
            vars,
            origin,
            lowered: Rc::default(),
        });
        let i = (self.code.funs.len() - 1) as u32;
        self.emit(Ins::Closure(i));
        Some(())
    }

    /// A pattern; `group` holds the variables bound so far in the same match (a name twice
    /// must match equal values). `None`: a pattern this pass leaves to the machine.
    fn pattern(&mut self, p: &Expr, group: &mut Vec<(Atom, u32)>) -> Option<Pat> {
        self.depth += 1;
        let r = if self.depth > MAX_DEPTH {
            None
        } else {
            self.pattern_inner(p, group)
        };
        self.depth -= 1;
        r
    }

    fn pattern_inner(&mut self, p: &Expr, group: &mut Vec<(Atom, u32)>) -> Option<Pat> {
        Some(match &p.kind {
            Kind::Var(n) if n.is_underscored() => Pat::Any,
            Kind::Var(n) => match group.iter().find(|(g, _)| g == n) {
                Some((_, s)) => Pat::Same(*s),
                None => {
                    let s = self.slot();
                    group.push((*n, s));
                    Pat::Bind(s)
                }
            },
            Kind::Pin(inner) => match &inner.kind {
                Kind::Var(n) => Pat::Same(self.lookup(*n)?),
                _ => return None,
            },
            Kind::Lit(t) => Pat::Lit(t.clone()),
            Kind::Interp(parts, false) => {
                let mut s = String::new();
                for part in parts {
                    match part {
                        Part::Lit(l) => s.push_str(l),
                        Part::Code(_) => return None,
                    }
                }
                Pat::Lit(Term::str(&s))
            }
            Kind::Unary("-", x) => match &x.kind {
                Kind::Lit(Term::Int(i)) => Pat::Lit(Term::Int(i.checked_neg()?)),
                Kind::Lit(Term::Float(f)) => Pat::Lit(Term::Float(-f)),
                _ => return None,
            },
            Kind::Tuple(items) => Pat::Tuple(
                items
                    .iter()
                    .map(|i| self.pattern(i, group))
                    .collect::<Option<_>>()?,
            ),
            Kind::List(items, tail) => {
                let items = items
                    .iter()
                    .map(|i| self.pattern(i, group))
                    .collect::<Option<_>>()?;
                let tail = match tail {
                    Some(t) => Some(Box::new(self.pattern(t, group)?)),
                    None => None,
                };
                Pat::List(items, tail)
            }
            Kind::Map(pairs) => {
                let mut out = Vec::with_capacity(pairs.len());
                for (k, v) in pairs {
                    let Kind::Lit(key) = &k.kind else { return None };
                    out.push((key.clone(), self.pattern(v, group)?));
                }
                Pat::Map(out)
            }
            Kind::Match(a, b) => Pat::Both(
                Box::new(self.pattern(a, group)?),
                Box::new(self.pattern(b, group)?),
            ),
            _ => return None,
        })
    }
}

/// The variables an anonymous function's clauses may read (what it needs to capture), or
/// `None` when it calls `binding()`, which reads them all.
pub fn captures(clauses: &[Clause]) -> Option<Vec<Atom>> {
    let mut names = Vec::new();
    for c in clauses {
        clause_names(c, &mut names, 0);
        if calls_binding(&c.body, 0) {
            return None;
        }
    }
    crate::sorting::sort_by_key(&mut names, |a| a.id());
    names.dedup();
    Some(names)
}

/// Whether `binding()` may be called in `e` (looked for anywhere: a superset is safe).
fn calls_binding(e: &Expr, depth: usize) -> bool {
    if depth > MAX_DEPTH {
        return true;
    }
    if let Kind::Call(name, args, _) = &e.kind {
        if args.len() < 2 && &*name.name() == "binding" {
            return true;
        }
    }
    let mut found = false;
    each_child(e, &mut |c| found = found || calls_binding(c, depth + 1));
    found
}

/// Calls `f` on each child expression of `e` (clause bodies included).
/// The `fn` and `&(…)` nodes in `e`, by address: where closures are made.
pub fn fun_nodes(e: &Expr, out: &mut Vec<usize>, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    if matches!(e.kind, Kind::Fn(_) | Kind::Capture(..)) {
        out.push(e as *const Expr as usize);
    }
    each_child(e, &mut |c| fun_nodes(c, out, depth + 1));
}

/// Calls `f` on each child expression of `e`, in source order.
pub(crate) fn each_child(e: &Expr, f: &mut dyn FnMut(&Expr)) {
    match &e.kind {
        Kind::Var(_)
        | Kind::Lit(_)
        | Kind::CaptureArg(_)
        | Kind::Alias(_)
        | Kind::Attr(_)
        | Kind::Module => {}
        Kind::Interp(parts, _) => {
            for p in parts {
                if let Part::Code(c) = p {
                    f(c);
                }
            }
        }
        Kind::Tuple(items) | Kind::Block(items) | Kind::Bits(items) => {
            items.iter().for_each(|i| f(i))
        }
        Kind::List(items, tail) => {
            items.iter().for_each(|i| f(i));
            if let Some(t) = tail {
                f(t);
            }
        }
        Kind::Map(pairs) => pairs.iter().for_each(|(k, v)| {
            f(k);
            f(v);
        }),
        Kind::MapUpdate(b, pairs) => {
            f(b);
            pairs.iter().for_each(|(k, v)| {
                f(k);
                f(v);
            });
        }
        Kind::Struct(n, b, pairs) => {
            f(n);
            if let Some(b) = b {
                f(b);
            }
            pairs.iter().for_each(|(k, v)| {
                f(k);
                f(v);
            });
        }
        Kind::Unary(_, x) | Kind::Pin(x) | Kind::Capture(x, _) => f(x),
        Kind::Binary(_, a, b) | Kind::Match(a, b) | Kind::Access(a, b) => {
            f(a);
            f(b);
        }
        Kind::Call(_, args, blocks) => {
            args.iter().for_each(|a| f(a));
            for (_, body) in &blocks.items {
                match body {
                    Body::Expr(b) => f(b),
                    Body::Clauses(cs) => cs.iter().for_each(|c| {
                        c.args.iter().for_each(|a| f(a));
                        if let Some(g) = &c.guard {
                            f(g);
                        }
                        f(&c.body);
                    }),
                }
            }
        }
        Kind::Remote(t, _, args, _) | Kind::Apply(t, args) => {
            f(t);
            args.iter().for_each(|a| f(a));
        }
        Kind::Fn(clauses) | Kind::Stab(clauses) => clauses.iter().for_each(|c| {
            c.args.iter().for_each(|a| f(a));
            if let Some(g) = &c.guard {
                f(g);
            }
            f(&c.body);
        }),
        Kind::CaptureRef(m, _, _) => {
            if let Some(m) = m {
                f(m);
            }
        }
    }
}

/// Every variable name in `e` (a superset of what it reads is enough).
fn names_in(e: &Expr, out: &mut Vec<Atom>, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    match &e.kind {
        Kind::Var(n) => out.push(*n),
        Kind::CaptureArg(n) => out.push(Atom::new(&format!("&{n}"))),
        _ => each_child(e, &mut |c| names_in(c, out, depth + 1)),
    }
}

fn clause_names(c: &Clause, out: &mut Vec<Atom>, depth: usize) {
    c.args.iter().for_each(|a| names_in(a, out, depth));
    if let Some(g) = &c.guard {
        names_in(g, out, depth);
    }
    names_in(&c.body, out, depth);
}

/// Whether evaluating `e` binds a variable that stays bound after it (a `=` outside the
/// clause bodies, whose bindings end with their clause).
fn binds(e: &Expr, depth: usize) -> bool {
    if depth > MAX_DEPTH {
        return true;
    }
    let go = |x: &Expr| binds(x, depth + 1);
    match &e.kind {
        Kind::Match(..) => true,
        Kind::Lit(_)
        | Kind::Var(_)
        | Kind::CaptureArg(_)
        | Kind::Alias(_)
        | Kind::Attr(_)
        | Kind::Module
        | Kind::Fn(_)
        | Kind::Stab(_)
        | Kind::Capture(..)
        | Kind::CaptureRef(..) => false,
        Kind::Interp(parts, _) => parts.iter().any(|p| match p {
            Part::Code(c) => go(c),
            Part::Lit(_) => false,
        }),
        Kind::Tuple(items) | Kind::Block(items) | Kind::Bits(items) => items.iter().any(|i| go(i)),
        Kind::List(items, tail) => items.iter().any(|i| go(i)) || tail.as_deref().is_some_and(go),
        Kind::Map(pairs) => pairs.iter().any(|(k, v)| go(k) || go(v)),
        Kind::MapUpdate(b, pairs) => go(b) || pairs.iter().any(|(k, v)| go(k) || go(v)),
        Kind::Struct(n, b, pairs) => {
            go(n) || b.as_deref().is_some_and(go) || pairs.iter().any(|(k, v)| go(k) || go(v))
        }
        Kind::Unary(_, x) | Kind::Pin(x) => go(x),
        Kind::Binary(_, a, b) | Kind::Access(a, b) => go(a) || go(b),
        // a special form's arguments (a `for`'s generators, a `with`'s clauses) are looked
        // at whole: their `=` are taken to bind; clause bodies end their bindings
        Kind::Call(_, args, _) => args.iter().any(|a| go(a)),
        Kind::Remote(t, _, args, _) | Kind::Apply(t, args) => go(t) || args.iter().any(|a| go(a)),
    }
}
