//! Simple expressions: what evaluates without the machine's frames (operators, literals,
//! variables, calls of library functions that answer at once), recursing on the Rust stack
//! only as deep as the source nests.

use super::*;

impl Machine {
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

    pub(super) fn compute_simple(&self, e: &Expr, depth: usize) -> bool {
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
            | Kind::Fn(_)
            | Kind::Stab(_) => true,
            Kind::Attr(_) => true,
            Kind::CaptureRef(m, _, _) => m.as_ref().is_none_or(s),
            Kind::Capture(..) => true,
            Kind::Interp(parts, _) => parts.iter().all(|p| match p {
                Part::Lit(_) => true,
                Part::Code(c) => s(c),
            }),
            Kind::Tuple(items) | Kind::Block(items) => items.iter().all(s),
            Kind::Bits(items) => bitstrings::children(items).iter().all(s),
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
                // a console module of the library's name (the prelude's `Keyword`) takes
                // the calls of the functions it defines; the others stay native
                (*parens || args.is_empty())
                    && self.user_fun(module, *name, args.len()).is_none()
                    && self.natives.is_sync(module, *name, args.len())
                    && args.iter().all(s)
            }
            Kind::Apply(..) => false,
        }
    }

    pub(super) fn local_defined(&self, name: Atom, arity: usize) -> bool {
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
            Kind::Stab(_) => Err(compile_error("unhandled operator ->")),
            Kind::Fn(clauses) => Ok(self.closure(clauses.clone(), clauses.first().map_or(0, |c| c.args.len()), e)),
            Kind::Capture(body, arity) => {
                if let Some(r) = self.capture_shortcut(body, *arity) {
                    return r;
                }
                let args = (1..=*arity)
                    .map(|i| Expr::new(Kind::Var(var(&format!("&{i}"))), e.line as usize))
                    .collect();
                let clause = Clause {
                    args,
                    guard: None,
                    body: body.clone(),
                };
                Ok(self.closure(Rc::from(vec![clause]), *arity, e))
            }
            Kind::CaptureRef(m, name, arity) => self.capture_ref(m.as_ref(), *name, *arity),
            Kind::Interp(parts, charlist) => {
                let mut s = Vec::new();
                for p in parts {
                    match p {
                        Part::Lit(l) => s.extend_from_slice(l.as_bytes()),
                        Part::Code(c) => {
                            let v = self.eval_simple(c)?;
                            match ops::to_string(&v) {
                                Ok(x) => s.extend_from_slice(x.as_bytes()),
                                // bytes that are not UTF-8 (`"\x80#{x}"`)
                                Err(_) if matches!(v, Term::Bin(_, 0)) => {
                                    s.extend_from_slice(v.as_bytes().unwrap_or_default())
                                }
                                Err(_) if self.chars_impl(&v).is_some() => {
                                    return Err(needs_machine())
                                }
                                Err(x) => return Err(x),
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
            Kind::Tuple(items) => {
                let mut v = Vec::with_capacity(items.len());
                for i in items {
                    v.push(self.eval_simple(i)?);
                }
                Ok(Term::tuple(v))
            }
            Kind::Bits(items) => {
                let mut v = Vec::new();
                for c in bitstrings::children(items) {
                    v.push(self.eval_simple(&c)?);
                }
                bitstrings::build(items, &v)
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
                    Some(_) => Err(needs_machine()),
                    None => Err(compile_error(format!("undefined function {}/{}", name.name(), args.len()))),
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
                    Some(_) => Err(needs_machine()),
                    _ => Err(undefined_function(module, &name.name(), args.len(), None)),
                }
            }
            Kind::Apply(..) => Err(compile_error("internal: not a simple expression")),
        }
    }

    pub(super) fn var(&mut self, name: Atom, e: &Expr) -> R<Term> {
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
    pub(super) fn bind(&mut self, pat: &Expr, v: Term) -> R<Term> {
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
}
