//! Calls: of closures, of console functions (a frame each; tail calls replace it), of
//! remote and local functions, and what the library's native functions answer.

use super::*;

impl Machine {
    /// The anonymous function `e` makes: it captures the variables its clauses may read,
    /// not the whole environment (as `erl_eval` does).
    pub(super) fn closure(&self, clauses: Rc<[Clause]>, arity: usize, e: &Expr) -> Term {
        let reads = e
            .captures
            .get_or_init(|| crate::elixir::lower::captures(&clauses).map(Rc::from));
        let env: Env = match reads {
            Some(names) => self
                .env
                .iter()
                .filter(|(k, _)| names.binary_search_by_key(&k.id(), |a| a.id()).is_ok())
                .cloned()
                .collect(),
            None => self.env.clone(),
        };
        let origin: Rc<str> = match self.current_module() {
            Some(m) => {
                let at = e as *const Expr as usize;
                let known = self
                    .modules
                    .borrow()
                    .get(&m)
                    .and_then(|md| md.fun_origins.get(&at).cloned());
                known.unwrap_or_else(|| {
                    Rc::from(format!("{}.-fun-/{arity}", Term::Atom(m)).as_str())
                })
            }
            _ => Rc::from(":erl_eval.expr/6"),
        };
        Fun::term(
            arity,
            FunKind::Closure {
                clauses,
                env: Rc::new(env),
                module: self.current_module(),
                lowered: Rc::default(),
            },
            origin,
        )
    }

    pub(super) fn nret(&mut self, n: NRet) -> Ctl {
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
            NRet::Resume(s, then) => {
                if let Some(then) = then {
                    self.stack.push(Kont::Then(then));
                }
                let Suspended { konts, ctl } = *s;
                self.stack.extend(konts);
                ctl
            }
        }
    }

    // ---------------------------------------------------------------- calls

    pub(super) fn enter_frame(&mut self) -> Result<(), Exc> {
        // Scope frames of the caller end with the call: dropping them keeps tail calls flat.
        // (the caller's variables they would have dropped are dropped from what is kept)
        let mut cut = usize::MAX;
        while let Some(Kont::Truncate(n)) = self.stack.last() {
            cut = cut.min(*n);
            self.stack.pop();
        }
        if matches!(self.stack.last(), Some(Kont::Restore(..))) {
            return Ok(());
        }
        if self.stack.len() >= MAX_FRAMES {
            return Err(too_many_frames());
        }
        let fresh = self.env_pool.pop().unwrap_or_default();
        let mut env = std::mem::replace(&mut self.env, fresh);
        env.truncate(cut);
        self.stack.push(Kont::Restore(env, self.module));
        Ok(())
    }

    pub(crate) fn call_fun(&mut self, f: Term, args: Vec<Term>) -> Ctl {
        let Some(fun) = super::super::value::as_fun(&f) else {
            return Ctl::Throw(exception("BadFunctionError", vec![("term", f.clone())]));
        };
        if fun.arity != args.len() {
            return Ctl::Throw(exception(
                "BadArityError",
                vec![("function", f.clone()), ("args", Term::list(args))],
            ));
        }
        match &fun.kind {
            FunKind::Capture {
                module,
                name,
                local,
            } => {
                let (m, n, local) = (*module, *name, *local);
                self.call_remote_as(m, n, args, local)
            }
            FunKind::Closure {
                clauses,
                env,
                module,
                lowered,
            } => {
                if let Some((code, at)) =
                    Self::closure_code(&self.modules, clauses, env, *module, lowered, &fun.origin)
                {
                    if let Err(x) = self.enter_frame() {
                        return Ctl::Throw(x);
                    }
                    self.reductions += 1;
                    self.env.clear();
                    self.module = *module;
                    return self
                        .vm_start(code, args.into_iter().chain(compiled::captured(env, at)));
                }
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

    pub(super) fn call_def(&mut self, module: Atom, def: Rc<FunDef>, args: Vec<Term>) -> Ctl {
        if let Err(x) = self.enter_frame() {
            return Ctl::Throw(x);
        }
        self.reductions += 1;
        self.env.clear();
        self.module = Some(module);
        if self.defining.is_empty() {
            if let Some(code) = Self::compiled(&def, module, &self.modules) {
                return self.vm_start(code, args);
            }
        }
        for c in def.clauses.iter() {
            match self.clause_matches(c, &args, 0) {
                Ok(true) => return Ctl::Eval(c.body.clone()),
                Ok(false) => self.env.clear(),
                Err(x) => return Ctl::Throw(x),
            }
        }
        let name = format!("{}.{}", Term::Atom(module), def.name.name());
        let attempted = self.attempted_clauses(module, def.name, &args);
        Ctl::Throw(fn_clause_error_tried(&name, &args, attempted))
    }

    pub(crate) fn call_remote(&mut self, module: Atom, name: Atom, args: Vec<Term>) -> Ctl {
        self.call_remote_as(module, name, args, false)
    }

    /// `call_remote`, where `local` (a capture made inside `module`) may reach its private
    /// functions from anywhere, as the module's own code can.
    fn call_remote_as(&mut self, module: Atom, name: Atom, args: Vec<Term>, local: bool) -> Ctl {
        let user = self.modules.borrow().get(&module).cloned();
        if let Some(m) = user {
            return match m.funs.get(&(name, args.len())) {
                Some(def) if !def.private || local || self.module == Some(module) => {
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

    pub(super) fn struct_helpers(
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
            ("__info__", 1) if args[0] == Term::atom("functions") => {
                let mut funs: Vec<(Atom, usize)> = m
                    .funs
                    .values()
                    .filter(|d| !d.private)
                    .map(|d| (d.name, d.arity))
                    .collect();
                crate::sorting::sort(&mut funs); // by name, as Elixir lists them
                Some(Ctl::Ret(Term::list(
                    funs.into_iter()
                        .map(|(n, a)| Term::tuple(vec![Term::Atom(n), Term::Int(a as i64)]))
                        .collect(),
                )))
            }
            ("module_info", 0) => Some(Ctl::Ret(Term::list(vec![]))),
            _ => None,
        }
    }

    pub(super) fn call_local(&mut self, name: Atom, args: Vec<Term>, line: u32) -> Ctl {
        let arity = args.len();
        // the current module's functions (public and private)
        if let Some(m) = self.module {
            if let Some(def) = self.user_fun(m, name, arity) {
                return self.call_def(m, def, args);
            }
            // a prelude module's own native functions (`:redfour_enum.to_list/1`)
            if self.natives.exists(m, name, arity) {
                return self.call_remote(m, name, args);
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
            if self.user_fun(imp, name, arity).is_none() && self.natives.exists(imp, name, arity) {
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
}

/// What a process meets past [`MAX_FRAMES`] waiting calls (the machine's or compiled code's).
pub(super) fn too_many_frames() -> Exc {
    exception(
        "SystemLimitError",
        vec![("message", Term::str(&format!(
            "a system limit has been reached: more than {MAX_FRAMES} nested calls are waiting for their results (a recursion that is not a tail call?)"
        )))],
    )
}
