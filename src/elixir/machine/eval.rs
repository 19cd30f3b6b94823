//! The machine's step: evaluating a node, building a value from its children, resuming
//! the frame under a value, and unwinding for an exception (`try`/`rescue`/`catch`/`after`).

use super::*;

impl Machine {
    // ---------------------------------------------------------------- the machine

    pub(super) fn eval(&mut self, e: P) -> Ctl {
        if self.is_simple(&e) {
            match self.eval_simple(&e) {
                Ok(v) => return Ctl::Ret(v),
                Err(x) if is_needs_machine(&x) => {}
                Err(x) => return self.throw_or_call(x, &e),
            }
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
                // a macro of the module being defined or run (`defmacrop` used in its module)
                let arity = args.len() + usize::from(!blocks.is_empty());
                if macros::is_macro(*name, arity) {
                    // its own module's, then an imported module's
                    let mut all = args.clone();
                    if !blocks.is_empty() {
                        all.push(crate::elixir::parser::blocks_kw(
                            blocks.clone(),
                            e.line as usize,
                        ));
                    }
                    let mut owners: Vec<Atom> = self.current_module().into_iter().collect();
                    owners.extend(self.all_imports());
                    for m in owners {
                        if let Some(c) = self.macro_call(m, *name, &all) {
                            return c;
                        }
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
                if let Some(c) = self.macro_call(module, *name, args) {
                    return c;
                }
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
    pub(super) fn simple_args(&mut self, args: &[P]) -> Option<Vec<Term>> {
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
    pub(super) fn throw_or_call(&mut self, x: Exc, e: &P) -> Ctl {
        match undefined_var(&x) {
            Some(n) => self.call_local(n, vec![], e.line),
            None => Ctl::Throw(x),
        }
    }

    /// Evaluates the node's children in order, then combines them.
    pub(super) fn build(&mut self, e: P) -> Ctl {
        match child(&e, 0) {
            Some(c) => {
                self.stack.push(Kont::Build(e.clone(), 1, Vec::new()));
                Ctl::Eval(c)
            }
            None => self.combine(&e, Vec::new()),
        }
    }

    pub(super) fn combine(&mut self, e: &P, vals: Vec<Term>) -> Ctl {
        let r: R<Term> = match &e.kind {
            Kind::Tuple(_) => Ok(Term::tuple(vals)),
            Kind::Bits(items) => bitstrings::build(items, &vals),
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
                let mut s = Vec::new();
                let nil = Term::nil();
                let mut it = vals.iter().enumerate();
                for p in parts {
                    match p {
                        Part::Lit(l) => s.extend_from_slice(l.as_bytes()),
                        Part::Code(_) => {
                            let (i, v) = it.next().unwrap_or((0, &nil));
                            match ops::to_string(v) {
                                Ok(x) => s.extend_from_slice(x.as_bytes()),
                                // bytes that are not UTF-8 (`"\x80#{x}"`)
                                Err(_) if matches!(v, Term::Bin(_, 0)) => {
                                    s.extend_from_slice(v.as_bytes().unwrap_or_default())
                                }
                                Err(x) => {
                                    // a struct with `defimpl String.Chars`: its string in its
                                    // place, then the interpolation again
                                    let Some(call) = self.chars_call(v) else {
                                        return Ctl::Throw(x);
                                    };
                                    let (e2, mut vals2) = (e.clone(), vals.clone());
                                    self.stack.push(Kont::Then(Box::new(move |m, text| {
                                        if text.as_str().is_none() {
                                            return Err(exception(
                                                "Protocol.UndefinedError",
                                                vec![
                                                    (
                                                        "protocol",
                                                        Term::Atom(Atom::module("String.Chars")),
                                                    ),
                                                    ("value", text),
                                                    ("description", Term::str("")),
                                                ],
                                            ));
                                        }
                                        vals2[i] = text;
                                        let ctl = m.combine(&e2, vals2);
                                        Ok(NRet::Resume(
                                            Box::new(Suspended {
                                                konts: Vec::new(),
                                                ctl,
                                            }),
                                            None,
                                        ))
                                    })));
                                    return self.nret(call);
                                }
                            }
                        }
                    }
                }
                Ok(if *charlist {
                    let s = String::from_utf8_lossy(&s);
                    Term::list(s.chars().map(|c| Term::Int(c as i64)).collect())
                } else {
                    Term::binary(s)
                })
            }
            Kind::Call(name, _, _) => return self.call_local(*name, vals, e.line),
            Kind::Remote(_, name, _, parens) => {
                let mut it = vals.into_iter();
                let target = it.next().unwrap_or_else(Term::nil);
                return self.remote_on(target, *name, it.collect(), *parens);
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

    pub(super) fn resume_kont(&mut self, k: Kont, v: Term) -> Ctl {
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
            Kont::Vm(vm) => self.vm_resume(vm, v),
            Kont::Mark => Ctl::Ret(v),
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
    pub(super) fn unwind(&mut self, x: Exc) -> Result<Ctl, Exc> {
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

    /// Runs a `rescue` or `catch` clause's body: the `try`'s variables come back after it.
    fn enter_handler(&mut self, e: &P, base: usize, body: &P) -> Ctl {
        let saved = self.env[..base].to_vec();
        self.stack
            .push(Kont::Try(e.clone(), saved, TryPhase::Handler));
        self.stack.push(Kont::Truncate(base));
        Ctl::Eval(body.clone())
    }

    /// `rescue` and `catch` clauses of a `try` for `x`.
    pub(super) fn handle(&mut self, e: &P, blocks: &Blocks, x: &Exc) -> Option<Ctl> {
        let base = self.env.len();
        if let (Exc::Error(err), Some(Body::Clauses(clauses))) = (x, blocks.get("rescue")) {
            for c in clauses.iter() {
                let Some(pat) = c.args.first() else { continue };
                if self.rescue_matches(pat, err, base) {
                    return Some(self.enter_handler(e, base, &c.body));
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
                    return Some(self.enter_handler(e, base, &c.body));
                }
                self.env.truncate(base);
            }
        }
        None
    }

    pub(super) fn rescue_matches(&mut self, pat: &Expr, err: &Term, base: usize) -> bool {
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

    pub(super) fn try_done(&mut self, e: P, phase: TryPhase, v: Term) -> Ctl {
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
                                lowered: Rc::default(),
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
}

impl Machine {
    /// `target.name(args)` where the target is a value: a module's function, or (without
    /// parentheses) a map's field.
    pub(super) fn remote_on(
        &mut self,
        target: Term,
        name: Atom,
        args: Vec<Term>,
        parens: bool,
    ) -> Ctl {
        match target {
                    Term::Atom(m) => self.call_remote(m, name, args),
                    Term::Map(_) | Term::Struct(..) if !parens => match map_get(&target, &Term::Atom(name)) {
                        Some(v) => Ctl::Ret(v),
                        None => Ctl::Throw(key_error(&Term::Atom(name), &target)),
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
                }
    }
}

/// Marks an unbound variable met in a simple expression: iex 1.14 then calls a zero-arity
/// function of that name, and says "undefined function" when there is none.
pub(super) const UNDEFINED_VAR: &str = "$undefined_var";

pub(super) fn undefined_var(x: &Exc) -> Option<Atom> {
    match x {
        Exc::Error(Term::Tuple(t)) if t.len() == 2 && t[0] == Term::atom(UNDEFINED_VAR) => {
            t[1].as_atom()
        }
        _ => None,
    }
}

/// The error an unbound variable is where no call can stand for it.
pub(super) fn plain_undefined(x: Exc) -> Exc {
    match undefined_var(&x) {
        Some(n) => compile_error(format!(
            "undefined function {}/0 (there is no such import)",
            n.name()
        )),
        None => x,
    }
}

/// The i-th child a node evaluates before combining.
pub(super) fn child(e: &Expr, i: usize) -> Option<P> {
    match &e.kind {
        Kind::Tuple(items) | Kind::Block(items) => items.get(i).cloned(),
        Kind::Bits(items) => bitstrings::children(items).get(i).cloned(),
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
