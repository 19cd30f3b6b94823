//! Macros: `quote` and `unquote`, `defmacro`/`defmacrop` (a macro is kept as the function
//! `MACRO-name`, as Elixir names it), and a call of a macro, which runs the macro on its
//! arguments' quoted forms and then runs the code it answers where the call was
//! (`quote.rs` converts both ways). Code that calls a macro is walked, not lowered.

use super::*;
use crate::elixir::quote::{self, Quoter};

thread_local! {
    /// The name and arity of every macro defined, to know a macro call when one is met.
    static MACROS: RefCell<std::collections::HashSet<(Atom, usize), ById>> =
        RefCell::new(std::collections::HashSet::default());
}

/// Whether some console of this thread has a macro `name/arity`: a quick gate before the
/// console's own modules are asked.
pub fn is_macro(name: Atom, arity: usize) -> bool {
    MACROS.with(|m| {
        let m = m.borrow();
        !m.is_empty() && m.contains(&(name, arity))
    })
}

/// Whether a module of this console has the macro `name/arity` (what the lowering asks:
/// whether it is compiled or walked must not depend on another console's macros).
pub fn defined_in(modules: &Modules, name: Atom, arity: usize) -> bool {
    if !is_macro(name, arity) {
        return false;
    }
    let m = macro_name(name);
    modules
        .borrow()
        .values()
        .any(|md| md.funs.contains_key(&(m, arity)))
}

fn macro_name(name: Atom) -> Atom {
    Atom::new(&format!("MACRO-{}", name.name()))
}

impl Machine {
    /// The context a `quote` here names its variables in: the module, or `Elixir`.
    pub(super) fn quote_context(&self) -> Atom {
        self.current_module().unwrap_or_else(|| Atom::new("Elixir"))
    }

    /// `quote do … end`: the quoted form; the `unquote(…)`s inside are evaluated first.
    pub(super) fn quote_form(&mut self, e: &P, args: &[P], blocks: &Rc<Blocks>) -> Ctl {
        let body = match (blocks.get("do"), args) {
            (Some(Body::Expr(b)), _) => b.clone(),
            (Some(Body::Clauses(c)), _) => Expr::new(Kind::Stab(c.clone()), e.line as usize),
            _ => return Ctl::Throw(compile_error("missing :do option in \"quote\"")),
        };
        let mut exprs = Vec::new();
        quote::unquotes(&body, &mut exprs, 0);
        let context = self.quote_context();
        if exprs.is_empty() {
            let natives = self.natives.clone();
            let mut q = Quoter {
                context,
                natives: &natives,
                values: Vec::new().into_iter(),
            };
            return match q.quote(&body) {
                Ok(t) => Ctl::Ret(t),
                Err(x) => Ctl::Throw(x),
            };
        }
        self.stack.push(Kont::Then(Box::new(move |m, values| {
            let values = values.as_list().unwrap_or_default().to_vec();
            let natives = m.natives.clone();
            let mut q = Quoter {
                context,
                natives: &natives,
                values: values.into_iter(),
            };
            Ok(NRet::Value(q.quote(&body)?))
        })));
        Ctl::Eval(Expr::new(Kind::List(exprs, None), e.line as usize))
    }

    /// `defmacro name(args) do … end`: the function `MACRO-name`.
    pub(super) fn define_macro(
        &mut self,
        private: bool,
        args: &[P],
        blocks: &Rc<Blocks>,
    ) -> R<Term> {
        let rename = |head: &P| -> R<(P, Atom, usize)> {
            match &head.kind {
                Kind::Call(n, ps, b) => Ok((
                    Expr::new(
                        Kind::Call(macro_name(*n), ps.clone(), b.clone()),
                        head.line as usize,
                    ),
                    *n,
                    ps.len() + usize::from(!b.is_empty()),
                )),
                Kind::Var(n) => Ok((
                    Expr::new(
                        Kind::Call(macro_name(*n), vec![], Rc::default()),
                        head.line as usize,
                    ),
                    *n,
                    0,
                )),
                _ => Err(compile_error("invalid syntax in defmacro")),
            }
        };
        let (head, name, arity) = match args.first().map(|a| &a.kind) {
            Some(Kind::Binary("when", h, g)) => {
                let (h2, n, a) = rename(h)?;
                let line = args[0].line as usize;
                (Expr::new(Kind::Binary("when", h2, g.clone()), line), n, a)
            }
            Some(_) => rename(&args[0])?,
            None => return Err(compile_error("invalid syntax in defmacro")),
        };
        let mut new_args = vec![head];
        new_args.extend(args.iter().skip(1).cloned());
        let r = self.define(private, &new_args, blocks)?;
        MACROS.with(|m| m.borrow_mut().insert((name, arity)));
        // `{:module, M, …, {:name, 2}}` shows the macro's own name
        Ok(match r.as_tuple() {
            Some([_, a]) => Term::tuple(vec![Term::Atom(name), a.clone()]),
            _ => r,
        })
    }

    /// The macro `module.name/arity`, if there is one.
    pub fn macro_fun(&self, module: Atom, name: Atom, arity: usize) -> Option<Term> {
        if !is_macro(name, arity) {
            return None;
        }
        let m = macro_name(name);
        let def = self.user_fun(module, m, arity)?;
        // a `defmacrop` is its module's own
        if def.private && self.current_module() != Some(module) {
            return None;
        }
        Some(Fun::capture(module, m, arity))
    }

    /// A call of a macro: the macro runs on the arguments' quoted forms, then what it
    /// answers runs here. `None` when `module.name/arity` is no macro.
    pub(super) fn macro_call(&mut self, module: Atom, name: Atom, args: &[P]) -> Option<Ctl> {
        let f = self.macro_fun(module, name, args.len())?;
        let context = self.quote_context();
        let natives = self.natives.clone();
        let mut q = Quoter {
            context,
            natives: &natives,
            values: Vec::new().into_iter(),
        };
        let quoted = match args.iter().map(|a| q.quote(a)).collect::<R<Vec<Term>>>() {
            Ok(v) => v,
            Err(x) => return Some(Ctl::Throw(x)),
        };
        self.stack.push(Kont::Then(Box::new(move |_m, answer| {
            let code = quote::to_expr(&answer, context, 0)?;
            Ok(NRet::Resume(
                Box::new(Suspended {
                    konts: Vec::new(),
                    ctl: Ctl::Eval(code),
                }),
                None,
            ))
        })));
        Some(self.nret(NRet::Call(f, quoted)))
    }

    /// `Code.eval_quoted(quoted, binding)`: `{value, binding}`, run with only `binding`'s
    /// variables.
    pub fn eval_quoted(&mut self, quoted: &Term, binding: &Term) -> R<NRet> {
        let code = quote::to_expr(quoted, self.quote_context(), 0)?;
        let mut env = Env::new();
        for kv in binding.as_list().unwrap_or_default() {
            if let Some([Term::Atom(k), v]) = kv.as_tuple() {
                env.push((*k, v.clone()));
            }
        }
        // the variables afterwards
        let binding_call = Expr::new(
            Kind::Remote(
                Expr::new(Kind::Lit(Term::atom("redfour_quoted")), 1),
                Atom::new("binding"),
                vec![],
                true,
            ),
            1,
        );
        let body = Expr::new(Kind::Tuple(vec![code, binding_call]), 1);
        // a function of no arguments over `binding` runs it: the caller's variables are
        // neither seen nor changed (and nothing is changed here, before the machine runs it)
        let clause = Clause {
            args: vec![],
            guard: None,
            body,
        };
        let fun = Fun::term(
            0,
            crate::elixir::value::FunKind::Closure {
                clauses: Rc::from(vec![clause]),
                env: Rc::new(env),
                module: self.current_module(),
                lowered: Rc::default(),
            },
            Rc::from(":erl_eval.expr/6"),
        );
        Ok(NRet::Call(fun, vec![]))
    }

    /// `Macro.expand_once(quoted, env)`: a call of a macro, expanded once; anything else as
    /// it is.
    pub fn expand_once(&mut self, quoted: &Term) -> R<NRet> {
        if let Some([Term::Tuple(dot), _, Term::List(args)]) = quoted.as_tuple() {
            if let [d, _, Term::List(parts)] = &dot[..] {
                if *d == Term::atom(".") {
                    if let [target, Term::Atom(name)] = &parts[..] {
                        let module = match quote::to_expr(target, self.quote_context(), 0)?.kind {
                            Kind::Alias(a) => Some(self.resolve_alias(a)),
                            Kind::Lit(Term::Atom(a)) => Some(a),
                            _ => None,
                        };
                        if let Some(f) = module.and_then(|m| self.macro_fun(m, *name, args.len())) {
                            return Ok(NRet::Call(f, args.to_vec()));
                        }
                    }
                }
            }
        }
        Ok(NRet::Value(quoted.clone()))
    }
}
