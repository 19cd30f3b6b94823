//! The special forms and Kernel's macros: `case`, `cond`, `if`, `with`, `receive`, `try`,
//! `raise`, `fn` captures, `import`, `alias`, and the like.

use super::*;

impl Machine {
    // ---------------------------------------------------------------- special forms

    pub(super) fn special_form(
        &mut self,
        e: &P,
        name: Atom,
        args: &[P],
        blocks: &Rc<Blocks>,
    ) -> Option<Ctl> {
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
            ("pop_in", 1) | ("get_and_update_in", 2) if path_parts(&args[0]).is_some() => {
                return Some(self.path_call(&n, args));
            }
            ("match?", 2) => {
                self.stack.push(Kont::MatchQ(args[0].clone()));
                Ctl::Eval(args[1].clone())
            }
            // `destructure([a, b], list)`: as many of the list's items as there are names,
            // nil for those it lacks
            ("destructure", 2) if matches!(args[0].kind, Kind::List(_, None)) => {
                let pat = args[0].clone();
                self.stack.push(Kont::Then(Box::new(move |m, v| {
                    let Kind::List(names, None) = &pat.kind else {
                        return Ok(NRet::Value(Term::nil()));
                    };
                    let items: Vec<Term> = match &v {
                        Term::List(l) => l.iter().cloned().collect(),
                        t if t.is_nil() => Vec::new(),
                        other => {
                            return Err(exception(
                                "ArgumentError",
                                vec![("message", Term::str(&format!(
                                    "destructure/2 expects a list or nil as its second argument, got: {}",
                                    inspect::inspect(other)
                                )))],
                            ))
                        }
                    };
                    let mut taken: Vec<Term> = items.into_iter().take(names.len()).collect();
                    taken.resize(names.len(), Term::nil());
                    m.bind(&pat, Term::list(taken)).map(NRet::Value)
                })));
                Ctl::Eval(args[1].clone())
            }
            ("defmodule", 1) => self.begin_module(args, blocks, false),
            ("defprotocol", 1) => self.begin_module(args, blocks, true),
            ("defimpl", 1 | 2) => self.begin_impl(args, blocks),
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
                    | "impl" | "behaviour" | "enforce_keys" => Ctl::Ret(Term::nil()),
                    "derive" => {
                        let v = match self.eval_simple(&args[1]) {
                            Ok(v) => v,
                            Err(x) => return Some(Ctl::Throw(x)),
                        };
                        let list = match &v {
                            Term::List(l) => l.iter().cloned().collect(),
                            other => vec![other.clone()],
                        };
                        if let Some(b) = self.defining.last_mut() {
                            for p in list {
                                let p = match &p {
                                    Term::Tuple(t) if !t.is_empty() => t[0].clone(),
                                    other => other.clone(),
                                };
                                if let Term::Atom(a) = p {
                                    b.module.derives.push(a);
                                }
                            }
                        }
                        Ctl::Ret(Term::nil())
                    }
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
            ("quote", 0 | 1) => self.quote_form(e, args, blocks),
            ("unquote" | "unquote_splicing", 1) => {
                Ctl::Throw(compile_error(format!("{n} called outside quote")))
            }
            ("defmacro" | "defmacrop", 1 | 2) => {
                match self.define_macro(&*n == "defmacrop", args, blocks) {
                    Ok(t) => Ctl::Ret(t),
                    Err(x) => Ctl::Throw(x),
                }
            }
            ("defguard" | "defguardp" | "defdelegate" | "defoverridable", _) => Ctl::Throw(
                compile_error(format!("{n} is not supported by this console yet")),
            ),
            _ => return None,
        };
        Some(c)
    }

    pub(super) fn with_step(&mut self, e: P, i: usize, base: usize, v: Option<Term>) -> Ctl {
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
}
