//! Code as data: `quote` turns the parser's tree into Elixir's quoted form (the
//! `{name, meta, args}` triples iex prints), and [`to_expr`] turns a quoted form back into a
//! tree the machine runs (`Code.eval_quoted/2`, what a macro answers). Variables keep their
//! context: a macro's `quote` names its variables in its module's context, and [`to_expr`]
//! gives them names of that context (`Mod:a`, as `var!(a, Mod)` would) so that they cannot
//! touch the caller's `a` (hygiene); `var!(a)` in a quote is the caller's `a`.

use super::ast::{Blocks, Body, Clause, Expr, Kind, Part, P};
use super::natives::Natives;
use super::value::{compile_error, R};
use crate::runtime::{Atom, Term};
use std::rc::Rc;

/// What a quote is made in: the module around it (`Elixir` at the prompt), and the Kernel
/// table (a call of a Kernel function or macro carries `imports:` its arities).
pub struct Quoter<'a> {
    pub context: Atom,
    pub natives: &'a Natives,
    /// The values of the quote's `unquote(…)`s, in the order [`unquotes`] found them.
    pub values: std::vec::IntoIter<Term>,
}

/// Elixir's special forms: a call of one carries no `imports:`.
const SPECIAL_FORMS: &[&str] = &[
    "case",
    "cond",
    "fn",
    "receive",
    "try",
    "for",
    "with",
    "quote",
    "unquote",
    "unquote_splicing",
    "import",
    "require",
    "alias",
    "__block__",
    "__aliases__",
    "=",
    "^",
    "&",
    "{}",
    "%{}",
    "%",
    "<<>>",
    "::",
    ".",
    "super",
    "__MODULE__",
    "__ENV__",
    "__CALLER__",
    "__DIR__",
    "__STACKTRACE__",
];

fn kw(pairs: Vec<(&str, Term)>) -> Term {
    Term::list(
        pairs
            .into_iter()
            .map(|(k, v)| Term::tuple(vec![Term::atom(k), v]))
            .collect(),
    )
}

fn triple(name: Term, meta: Term, args: Term) -> Term {
    Term::tuple(vec![name, meta, args])
}

/// The expressions of `unquote(x)` and `unquote_splicing(x)` in a quote's body, in the
/// order the quoting meets them (not inside a nested `quote`).
pub fn unquotes(e: &Expr, out: &mut Vec<P>, depth: usize) {
    if depth > 200 {
        return;
    }
    match &e.kind {
        Kind::Call(n, args, _)
            if matches!(&*n.name(), "unquote" | "unquote_splicing") && args.len() == 1 =>
        {
            out.push(args[0].clone())
        }
        Kind::Call(n, _, _) if &*n.name() == "quote" => {}
        _ => super::lower::each_child(e, &mut |c| unquotes(c, out, depth + 1)),
    }
}

impl Quoter<'_> {
    fn ctx(&self) -> Term {
        Term::Atom(self.context)
    }

    /// `[context: Elixir, imports: [{1, Kernel}, {2, Kernel}]]` for a Kernel function or
    /// macro, `[]` for anything else.
    fn meta(&self, name: &str) -> Term {
        if SPECIAL_FORMS.contains(&name) {
            return Term::list(vec![]);
        }
        let kernel = Atom::module("Kernel");
        let n = Atom::new(name);
        let arities: Vec<Term> = (0..=4)
            .filter(|&a| {
                self.natives.exists(kernel, n, a)
                    || super::stdlib::kernel::is_library_macro("Kernel", name, a)
            })
            .map(|a| Term::tuple(vec![Term::Int(a as i64), Term::Atom(kernel)]))
            .collect();
        if arities.is_empty() {
            return Term::list(vec![]);
        }
        kw(vec![
            ("context", self.ctx()),
            ("imports", Term::list(arities)),
        ])
    }

    fn unquoted(&mut self) -> Term {
        self.values.next().unwrap_or_else(Term::nil)
    }

    fn list(&mut self, items: &[P]) -> R<Term> {
        let mut out = Vec::with_capacity(items.len());
        for i in items {
            if let Kind::Call(n, args, _) = &i.kind {
                if &*n.name() == "unquote_splicing" && args.len() == 1 {
                    match self.unquoted() {
                        Term::List(l) => out.extend(l.iter().cloned()),
                        other => {
                            return Err(compile_error(format!(
                                "unquote_splicing expects a list, got: {}",
                                super::inspect::inspect(&other)
                            )))
                        }
                    }
                    continue;
                }
            }
            out.push(self.quote(i)?);
        }
        Ok(Term::list(out))
    }

    fn aliases(&self, a: Atom) -> Term {
        let name = a.name();
        let parts = name
            .strip_prefix("Elixir.")
            .unwrap_or(&name)
            .split('.')
            .map(Term::atom)
            .collect();
        triple(
            Term::atom("__aliases__"),
            kw(vec![("alias", Term::bool(false))]),
            Term::list(parts),
        )
    }

    fn blocks(&mut self, blocks: &Blocks) -> R<Vec<Term>> {
        let mut out = Vec::new();
        for (k, b) in &blocks.items {
            let v = match b {
                Body::Expr(e) => self.quote(e)?,
                Body::Clauses(cs) => self.clauses(cs)?,
            };
            out.push(Term::tuple(vec![Term::Atom(*k), v]));
        }
        Ok(out)
    }

    fn clauses(&mut self, cs: &[Clause]) -> R<Term> {
        let mut out = Vec::with_capacity(cs.len());
        for c in cs {
            let mut head = Vec::with_capacity(c.args.len());
            for a in &c.args {
                head.push(self.quote(a)?);
            }
            if let Some(g) = &c.guard {
                let g = self.quote(g)?;
                head.push(g);
                head = vec![triple(
                    Term::atom("when"),
                    Term::list(vec![]),
                    Term::list(head),
                )];
            }
            let body = self.quote(&c.body)?;
            out.push(triple(
                Term::atom("->"),
                Term::list(vec![]),
                Term::list(vec![Term::list(head), body]),
            ));
        }
        Ok(Term::list(out))
    }

    /// The quoted form of `e`.
    pub fn quote(&mut self, e: &Expr) -> R<Term> {
        let empty = || Term::list(vec![]);
        Ok(match &e.kind {
            Kind::Lit(t) => escape(t),
            Kind::Var(v) => {
                // `var!(a, ctx)` is named `ctx:a` by the parser; `var!(a)` is plain `a`
                let name = v.name();
                match name.split_once(':') {
                    Some((ctx, n)) => triple(Term::atom(n), empty(), Term::atom(ctx)),
                    None => triple(Term::Atom(*v), empty(), self.ctx()),
                }
            }
            Kind::Tuple(items) if items.len() == 2 => {
                Term::tuple(vec![self.quote(&items[0])?, self.quote(&items[1])?])
            }
            Kind::Tuple(items) => triple(Term::atom("{}"), empty(), self.list(items)?),
            Kind::List(items, None) => self.list(items)?,
            Kind::List(items, Some(tail)) => {
                let mut out = match self.list(items)? {
                    Term::List(l) => l.to_vec(),
                    _ => Vec::new(),
                };
                if let Some(last) = out.pop() {
                    let t = self.quote(tail)?;
                    out.push(triple(Term::atom("|"), empty(), Term::list(vec![last, t])));
                }
                Term::list(out)
            }
            Kind::Map(pairs) => {
                let mut out = Vec::with_capacity(pairs.len());
                for (k, v) in pairs {
                    out.push(Term::tuple(vec![self.quote(k)?, self.quote(v)?]));
                }
                triple(Term::atom("%{}"), empty(), Term::list(out))
            }
            Kind::MapUpdate(base, pairs) => {
                let mut out = Vec::with_capacity(pairs.len());
                for (k, v) in pairs {
                    out.push(Term::tuple(vec![self.quote(k)?, self.quote(v)?]));
                }
                let b = self.quote(base)?;
                let bar = triple(
                    Term::atom("|"),
                    empty(),
                    Term::list(vec![b, Term::list(out)]),
                );
                triple(Term::atom("%{}"), empty(), Term::list(vec![bar]))
            }
            Kind::Struct(name, _, pairs) => {
                let mut out = Vec::with_capacity(pairs.len());
                for (k, v) in pairs {
                    out.push(Term::tuple(vec![self.quote(k)?, self.quote(v)?]));
                }
                let n = self.quote(name)?;
                let map = triple(Term::atom("%{}"), empty(), Term::list(out));
                triple(Term::atom("%"), empty(), Term::list(vec![n, map]))
            }
            Kind::Unary(op, x) => {
                let x = self.quote(x)?;
                triple(Term::atom(op), self.meta(op), Term::list(vec![x]))
            }
            Kind::Binary(op, a, b) => {
                let (a, b) = (self.quote(a)?, self.quote(b)?);
                triple(Term::atom(op), self.meta(op), Term::list(vec![a, b]))
            }
            Kind::Match(a, b) => {
                let (a, b) = (self.quote(a)?, self.quote(b)?);
                triple(Term::atom("="), empty(), Term::list(vec![a, b]))
            }
            Kind::Pin(x) => triple(Term::atom("^"), empty(), Term::list(vec![self.quote(x)?])),
            Kind::Call(n, args, _) if &*n.name() == "unquote" && args.len() == 1 => self.unquoted(),
            Kind::Call(n, args, blocks) => {
                let mut items = match self.list(args)? {
                    Term::List(l) => l.to_vec(),
                    _ => Vec::new(),
                };
                let bs = self.blocks(blocks)?;
                if !bs.is_empty() {
                    items.push(Term::list(bs));
                }
                triple(Term::Atom(*n), self.meta(&n.name()), Term::list(items))
            }
            // `unquote(fun)(args)`: the parser reads it as applying the unquoted value
            Kind::Apply(f, args) if matches!(&f.kind, Kind::Call(n, a, _) if &*n.name() == "unquote" && a.len() == 1) =>
            {
                let name = self.unquoted();
                let args = self.list(args)?;
                triple(name, empty(), args)
            }
            Kind::Remote(target, name, args, parens) => {
                let t = self.quote(target)?;
                let dot = triple(
                    Term::atom("."),
                    empty(),
                    Term::list(vec![t, Term::Atom(*name)]),
                );
                let meta = if *parens {
                    empty()
                } else {
                    kw(vec![("no_parens", Term::bool(true))])
                };
                triple(dot, meta, self.list(args)?)
            }
            Kind::Apply(f, args) => {
                let f = self.quote(f)?;
                let dot = triple(Term::atom("."), empty(), Term::list(vec![f]));
                triple(dot, empty(), self.list(args)?)
            }
            Kind::Access(t, k) => {
                let (t, k) = (self.quote(t)?, self.quote(k)?);
                let dot = triple(
                    Term::atom("."),
                    empty(),
                    Term::list(vec![Term::Atom(Atom::module("Access")), Term::atom("get")]),
                );
                triple(dot, empty(), Term::list(vec![t, k]))
            }
            Kind::Fn(clauses) => triple(Term::atom("fn"), empty(), self.clauses(clauses)?),
            Kind::Stab(clauses) => self.clauses(clauses)?,
            Kind::Capture(body, _) => triple(
                Term::atom("&"),
                empty(),
                Term::list(vec![self.quote(body)?]),
            ),
            Kind::CaptureArg(n) => triple(
                Term::atom("&"),
                empty(),
                Term::list(vec![Term::Int(*n as i64)]),
            ),
            Kind::CaptureRef(m, name, arity) => {
                let f = match m {
                    Some(m) => {
                        let m = self.quote(m)?;
                        let dot = triple(
                            Term::atom("."),
                            empty(),
                            Term::list(vec![m, Term::Atom(*name)]),
                        );
                        triple(dot, kw(vec![("no_parens", Term::bool(true))]), empty())
                    }
                    None => triple(Term::Atom(*name), empty(), self.ctx()),
                };
                let slash = triple(
                    Term::atom("/"),
                    self.meta("/"),
                    Term::list(vec![f, Term::Int(*arity as i64)]),
                );
                triple(Term::atom("&"), empty(), Term::list(vec![slash]))
            }
            Kind::Block(items) => triple(Term::atom("__block__"), empty(), self.list(items)?),
            Kind::Alias(a) => self.aliases(*a),
            Kind::Attr(a) => {
                let var = triple(Term::Atom(*a), empty(), self.ctx());
                triple(Term::atom("@"), self.meta("@"), Term::list(vec![var]))
            }
            Kind::Module => triple(Term::atom("__MODULE__"), empty(), self.ctx()),
            Kind::Interp(parts, _) => {
                let mut out = Vec::new();
                for p in parts {
                    match p {
                        Part::Lit(s) => out.push(Term::str(s)),
                        Part::Code(c) => {
                            let c = self.quote(c)?;
                            let dot = triple(
                                Term::atom("."),
                                empty(),
                                Term::list(vec![
                                    Term::Atom(Atom::module("Kernel")),
                                    Term::atom("to_string"),
                                ]),
                            );
                            let call = triple(
                                dot,
                                kw(vec![("from_interpolation", Term::bool(true))]),
                                Term::list(vec![c]),
                            );
                            let ty = triple(Term::atom("binary"), empty(), self.ctx());
                            out.push(triple(
                                Term::atom("::"),
                                empty(),
                                Term::list(vec![call, ty]),
                            ));
                        }
                    }
                }
                triple(Term::atom("<<>>"), empty(), Term::list(out))
            }
            Kind::Bits(items) => triple(Term::atom("<<>>"), empty(), self.list(items)?),
        })
    }
}

/// `Macro.escape/1`: the quoted form of a value (a literal is itself; a tuple of other than
/// two elements and a map are the calls that make them).
pub fn escape(t: &Term) -> Term {
    let empty = || Term::list(vec![]);
    match t {
        Term::Tuple(items) if items.len() == 2 => Term::tuple(items.iter().map(escape).collect()),
        Term::Tuple(items) => triple(
            Term::atom("{}"),
            empty(),
            Term::list(items.iter().map(escape).collect()),
        ),
        Term::List(items) => Term::list(items.iter().map(escape).collect()),
        Term::Map(pairs) => triple(
            Term::atom("%{}"),
            empty(),
            Term::list(
                pairs
                    .iter()
                    .map(|(k, v)| Term::tuple(vec![escape(k), escape(v)]))
                    .collect(),
            ),
        ),
        Term::Struct(module, fields) => {
            let mut pairs = vec![Term::tuple(vec![
                Term::atom("__struct__"),
                Term::Atom(*module),
            ])];
            pairs.extend(
                fields
                    .iter()
                    .map(|(k, v)| Term::tuple(vec![Term::Atom(*k), escape(v)])),
            );
            triple(Term::atom("%{}"), empty(), Term::list(pairs))
        }
        other => other.clone(),
    }
}

/// A quoted form back as code to run. `caller` is the context whose variables are plain
/// ones (the code's own); variables of any other context get that context's names.
pub fn to_expr(q: &Term, caller: Atom, depth: usize) -> R<P> {
    if depth > 500 {
        return Err(compile_error("quoted expression nested too deep"));
    }
    let down = |t: &Term| to_expr(t, caller, depth + 1);
    let all = |ts: &[Term]| to_exprs(ts, caller, depth + 1);
    let bad = || {
        Err(compile_error(format!(
            "invalid quoted expression: {}",
            super::inspect::inspect(q)
        )))
    };
    Ok(match q {
        Term::Tuple(items) if items.len() == 3 => {
            let (head, meta, args) = (&items[0], &items[1], &items[2]);
            match (head, args) {
                // a variable: `{name, meta, context}`
                (Term::Atom(n), Term::Atom(ctx)) => {
                    let _ = meta;
                    if *ctx == caller || *ctx == Atom::NIL {
                        e(Kind::Var(*n))
                    } else {
                        e(Kind::Var(Atom::new(&format!(
                            "{}:{}",
                            Term::Atom(*ctx).to_string().trim_start_matches(':'),
                            n.name()
                        ))))
                    }
                }
                (Term::Atom(n), Term::List(args)) => call_expr(*n, args, caller, depth)?,
                // `{{:., _, [target, name]}, meta, args}`: a remote call or a field
                (Term::Tuple(dot), Term::List(args))
                    if dot.len() == 3 && dot[0] == Term::atom(".") =>
                {
                    let parts = dot[2].as_list().unwrap_or_default();
                    let no_parens = meta.as_list().unwrap_or_default().iter().any(|m| {
                        m.as_tuple()
                            .is_some_and(|kv| kv[0] == Term::atom("no_parens"))
                    });
                    match parts {
                        [target, Term::Atom(name)] => {
                            let t = down(target)?;
                            let args = all(args)?;
                            e(Kind::Remote(t, *name, args, !no_parens))
                        }
                        [f] => e(Kind::Apply(down(f)?, all(args)?)),
                        _ => return bad(),
                    }
                }
                _ => return bad(),
            }
        }
        Term::Tuple(items) if items.len() == 2 => {
            e(Kind::Tuple(vec![down(&items[0])?, down(&items[1])?]))
        }
        Term::List(items) => {
            // `[a | b]` at the end
            let mut out = Vec::with_capacity(items.len());
            let mut tail = None;
            for (i, it) in items.iter().enumerate() {
                if i + 1 == items.len() {
                    if let Some([Term::Atom(bar), _, Term::List(two)]) = it.as_tuple() {
                        if &*bar.name() == "|" && two.len() == 2 {
                            out.push(down(&two[0])?);
                            tail = Some(down(&two[1])?);
                            continue;
                        }
                    }
                }
                out.push(down(it)?);
            }
            e(Kind::List(out, tail))
        }
        Term::Atom(_)
        | Term::Int(_)
        | Term::Big(_)
        | Term::Float(_)
        | Term::Str(_)
        | Term::Bin(..) => e(Kind::Lit(q.clone())),
        _ => return bad(),
    })
}

/// A node of the tree made from quoted code (which has no lines: 1).
fn e(k: Kind) -> P {
    Expr::new(k, 1)
}

fn to_exprs(ts: &[Term], caller: Atom, depth: usize) -> R<Vec<P>> {
    ts.iter().map(|t| to_expr(t, caller, depth)).collect()
}

/// `{name, meta, args}` with a list of arguments: an operator, a special form or a call.
fn call_expr(n: Atom, args: &[Term], caller: Atom, depth: usize) -> R<P> {
    let down = |t: &Term| to_expr(t, caller, depth + 1);
    let all = |ts: &[Term]| to_exprs(ts, caller, depth + 1);
    let name = n.name();
    Ok(match (&*name, args) {
        ("__block__", items) => e(Kind::Block(all(items)?)),
        ("__aliases__", parts) => {
            let names: Vec<String> = parts
                .iter()
                .filter_map(|p| p.as_atom().map(|a| a.name().to_string()))
                .collect();
            e(Kind::Alias(Atom::new(&names.join("."))))
        }
        ("{}", items) => e(Kind::Tuple(all(items)?)),
        ("%{}", pairs) => {
            let mut out = Vec::new();
            for p in pairs {
                match p.as_tuple() {
                    Some([k, v]) => out.push((down(k)?, down(v)?)),
                    _ => return Err(compile_error("invalid quoted map")),
                }
            }
            e(Kind::Map(out))
        }
        ("=", [a, b]) => e(Kind::Match(down(a)?, down(b)?)),
        // `var!(a)`: the caller's `a`; `var!(a, ctx)`: `a` of that context
        ("var!", [v, rest @ ..]) if rest.len() <= 1 => match (v.as_tuple(), rest.first()) {
            (Some([Term::Atom(n), _, _]), None | Some(Term::Atom(Atom::NIL))) => e(Kind::Var(*n)),
            (Some([Term::Atom(n), _, _]), Some(Term::Atom(ctx))) => e(Kind::Var(Atom::new(
                &format!("{}:{}", ctx.name(), n.name()),
            ))),
            _ => {
                return Err(compile_error(
                    "expected the variable in var!/1 to be an identifier",
                ))
            }
        },
        ("^", [x]) => e(Kind::Pin(down(x)?)),
        ("__MODULE__", []) => e(Kind::Module),
        ("fn", clauses) => e(Kind::Fn(quoted_clauses(clauses, caller, depth)?.into())),
        ("&", [Term::Int(i)]) => e(Kind::CaptureArg(*i as usize)),
        ("&", [body]) => {
            let b = down(body)?;
            let arity = super::parser::max_capture_arg(&b, 0);
            e(Kind::Capture(b, arity))
        }
        ("@", [Term::Tuple(v)]) if v.len() == 3 => match &v[0] {
            Term::Atom(a) => e(Kind::Attr(*a)),
            _ => return Err(compile_error("invalid quoted @")),
        },
        ("-", [x]) => e(Kind::Unary("-", down(x)?)),
        ("+", [x]) => e(Kind::Unary("+", down(x)?)),
        ("!", [x]) => e(Kind::Unary("!", down(x)?)),
        ("not", [x]) => e(Kind::Unary("not", down(x)?)),
        (_, [a, b]) if super::parser::binary_operator(&name).is_some() => e(Kind::Binary(
            super::parser::binary_operator(&name).unwrap_or("+"),
            down(a)?,
            down(b)?,
        )),
        _ => {
            // a call; a trailing `[do: …, else: …]` is its blocks
            let mut rest: Vec<Term> = args.to_vec();
            let mut blocks = Blocks::default();
            if let Some(Term::List(last)) = rest.last() {
                let is_blocks = !last.is_empty()
                    && last.iter().all(|kv| {
                        kv.as_tuple().is_some_and(|kv| {
                            kv.len() == 2
                                && kv[0].as_atom().is_some_and(|k| {
                                    matches!(
                                        &*k.name(),
                                        "do" | "else" | "after" | "rescue" | "catch"
                                    )
                                })
                        })
                    })
                    && last
                        .iter()
                        .any(|kv| kv.as_tuple().is_some_and(|kv| kv[0] == Term::atom("do")));
                if is_blocks {
                    for kv in last.iter() {
                        if let Some([Term::Atom(k), v]) = kv.as_tuple() {
                            let body = match v {
                                Term::List(cs) if !cs.is_empty() && cs.iter().all(is_stab) => {
                                    Body::Clauses(quoted_clauses(cs, caller, depth)?.into())
                                }
                                other => Body::Expr(down(other)?),
                            };
                            blocks.items.push((*k, body));
                        }
                    }
                    rest.pop();
                }
            }
            e(Kind::Call(n, all(&rest)?, Rc::new(blocks)))
        }
    })
}

fn is_stab(t: &Term) -> bool {
    matches!(t.as_tuple(), Some([Term::Atom(a), _, Term::List(_)]) if &*a.name() == "->")
}

fn quoted_clauses(cs: &[Term], caller: Atom, depth: usize) -> R<Vec<Clause>> {
    let mut out = Vec::with_capacity(cs.len());
    for c in cs {
        let Some([_, _, Term::List(parts)]) = c.as_tuple() else {
            return Err(compile_error("invalid quoted clause"));
        };
        let [Term::List(head), body] = &parts[..] else {
            return Err(compile_error("invalid quoted clause"));
        };
        let (head, guard) = match &head[..] {
            [when] if matches!(when.as_tuple(), Some([Term::Atom(w), _, Term::List(_)]) if &*w.name() == "when") =>
            {
                let Some([_, _, Term::List(wargs)]) = when.as_tuple() else {
                    return Err(compile_error("invalid quoted clause"));
                };
                let (g, args) = wargs
                    .split_last()
                    .ok_or_else(|| compile_error("invalid quoted clause"))?;
                (args.to_vec(), Some(to_expr(g, caller, depth + 1)?))
            }
            other => (other.to_vec(), None),
        };
        let args = head
            .iter()
            .map(|h| to_expr(h, caller, depth + 1))
            .collect::<R<Vec<P>>>()?;
        out.push(Clause {
            args,
            guard,
            body: to_expr(body, caller, depth + 1)?,
        });
    }
    Ok(out)
}
