//! Protocols: `defprotocol`, `defimpl`, `@derive` and the dispatch on a value's type.
//!
//! A protocol is a module whose bodiless `def`s dispatch on their first argument: to the
//! module `Proto.Type` (`Enumerable.List`, `String.Chars.User`), which `defimpl` defines,
//! or to `Proto.Any` for a struct that derives the protocol or a protocol with
//! `@fallback_to_any true`; otherwise they raise `Protocol.UndefinedError`, as Elixir's
//! consolidated protocols do. The library's own protocols (`Enumerable`, `Collectable`,
//! `String.Chars`, `Inspect`) are written this way in the prelude.

use super::*;

/// The types a protocol dispatches on, in Elixir's order, as their implementations name them.
pub fn builtin_type(t: &Term) -> &'static str {
    match t {
        Term::Tuple(_) => "Tuple",
        Term::Atom(_) => "Atom",
        Term::List(_) | Term::Improper(..) => "List",
        Term::Map(_) | Term::Struct(..) => "Map",
        Term::Str(_) | Term::Bin(..) => "BitString",
        Term::Int(_) | Term::Big(_) => "Integer",
        Term::Float(_) => "Float",
        Term::Fun(_) => "Function",
        Term::Pid(_) => "PID",
        Term::Ref(_) => "Reference",
    }
}

fn child(parent: Atom, last: &str) -> Atom {
    Atom::new(&format!("{}.{}", parent.name(), last))
}

impl Machine {
    /// `defimpl Proto, for: Type do … end` (`for:` may list several types; inside a
    /// `defmodule` it defaults to that module).
    pub(super) fn begin_impl(&mut self, args: &[P], blocks: &Rc<Blocks>) -> Ctl {
        let proto = match &args[0].kind {
            Kind::Alias(a) => self.resolve_alias(*a),
            _ => match self.eval_simple(&args[0]) {
                Ok(Term::Atom(a)) => a,
                Ok(_) => return Ctl::Throw(compile_error("invalid protocol name in defimpl")),
                Err(x) => return Ctl::Throw(x),
            },
        };
        let opts = match args.get(1).map(|a| self.eval_simple(a)) {
            Some(Ok(o)) => o,
            Some(Err(x)) => return Ctl::Throw(x),
            None => Term::list(vec![]),
        };
        let targets: Vec<Atom> = match opts.get("for") {
            Some(Term::Atom(a)) => vec![*a],
            Some(Term::List(l)) => l.iter().filter_map(|t| t.as_atom()).collect(),
            Some(other) => {
                return Ctl::Throw(compile_error(format!(
                    "invalid :for option in defimpl: {}",
                    inspect::inspect(other)
                )))
            }
            None => match self.defining.last() {
                Some(b) => vec![b.name],
                None => {
                    return Ctl::Throw(compile_error(
                        "defimpl/3 expects a :for option when declared outside a module",
                    ))
                }
            },
        };
        let Some(first) = targets.first().copied() else {
            return Ctl::Throw(compile_error("defimpl's :for option lists no type"));
        };
        let Some(Body::Expr(body)) = blocks.get("do").cloned() else {
            return Ctl::Throw(compile_error("missing :do option in \"defimpl\""));
        };
        let impl_name = |t: Atom| child(proto, t.name().trim_start_matches("Elixir."));
        let name = impl_name(first);
        // the implementation is a module of its own, not nested in the one being defined
        let outer = std::mem::take(&mut self.defining);
        let ctl = self.open_module(
            Module {
                name: Some(name),
                attrs: vec![
                    (Atom::new("protocol"), Term::Atom(proto)),
                    (Atom::new("for"), Term::Atom(first)),
                ],
                also_as: targets[1..].iter().map(|t| (impl_name(*t), *t)).collect(),
                ..Module::default()
            },
            body,
        );
        let inner = std::mem::replace(&mut self.defining, outer);
        self.defining.extend(inner);
        ctl
    }

    /// The clause of a protocol's bodiless `def name(a, b)`: it dispatches on `a`.
    pub(super) fn protocol_clause(proto: Atom, name: Atom, arity: usize) -> R<Rc<Clause>> {
        if arity == 0 {
            return Err(exception(
                "ArgumentError",
                vec![(
                    "message",
                    Term::str("protocol functions expect at least one argument"),
                )],
            ));
        }
        let vars: Vec<String> = (0..arity).map(|i| format!("protocol_arg{i}")).collect();
        let src = format!(
            ":redfour_protocol.dispatch({}, {}, [{}])",
            inspect::inspect(&Term::Atom(proto)),
            inspect::inspect(&Term::Atom(name)),
            vars.join(", ")
        );
        let body = super::super::parser::parse(&src)
            .ok()
            .and_then(|mut v| v.pop())
            .ok_or_else(|| compile_error("protocol dispatch"))?;
        Ok(Rc::new(Clause {
            args: vars
                .iter()
                .map(|v| Expr::new(Kind::Var(var(v)), 1))
                .collect(),
            guard: None,
            body,
        }))
    }

    /// What a protocol module gets besides its functions: `impl_for/1`, `impl_for!/1`,
    /// `__protocol__/1`.
    pub(super) fn protocol_helpers(proto: Atom) -> Vec<((Atom, usize), Rc<Clause>)> {
        let p = inspect::inspect(&Term::Atom(proto));
        [
            (
                "impl_for",
                format!(":redfour_protocol.impl_for({p}, value)"),
            ),
            (
                "impl_for!",
                format!(":redfour_protocol.impl_for!({p}, value)"),
            ),
            (
                "__protocol__",
                format!(":redfour_protocol.info({p}, value)"),
            ),
        ]
        .into_iter()
        .filter_map(|(name, src)| {
            let body = super::super::parser::parse(&src).ok()?.pop()?;
            Some((
                (Atom::new(name), 1),
                Rc::new(Clause {
                    args: vec![Expr::new(Kind::Var(var("value")), 1)],
                    guard: None,
                    body,
                }),
            ))
        })
        .collect()
    }

    /// The module implementing `proto` for `value`, if any.
    pub fn protocol_impl(&self, proto: Atom, value: &Term) -> Option<Atom> {
        let mods = self.modules.borrow();
        let any = || {
            let any = child(proto, "Any");
            mods.contains_key(&any).then_some(any)
        };
        if let Term::Struct(s, _) = value {
            let own = child(proto, s.name().trim_start_matches("Elixir."));
            if mods.contains_key(&own) {
                return Some(own);
            }
            if mods.get(s).is_some_and(|m| m.derives.contains(&proto)) {
                return any();
            }
        } else {
            let own = child(proto, builtin_type(value));
            if mods.contains_key(&own) {
                return Some(own);
            }
        }
        let fallback = mods.get(&proto).is_some_and(|m| {
            m.attrs
                .iter()
                .any(|(k, v)| &*k.name() == "fallback_to_any" && *v == Term::Atom(Atom::TRUE))
        });
        if fallback {
            any()
        } else {
            None
        }
    }

    /// The console module implementing `String.Chars` for a value the native `to_string`
    /// does not convert (a user's struct with `defimpl String.Chars`).
    pub fn chars_impl(&self, value: &Term) -> Option<Atom> {
        if !matches!(
            value,
            Term::Struct(..)
                | Term::Tuple(_)
                | Term::Map(_)
                | Term::Pid(_)
                | Term::Ref(_)
                | Term::Fun(_)
        ) {
            return None;
        }
        self.protocol_impl(Atom::module("String.Chars"), value)
    }

    /// `to_string/1` of a value written in Elixir: a call of its `String.Chars` implementation.
    pub fn chars_call(&self, value: &Term) -> Option<NRet> {
        let module = self.chars_impl(value)?;
        Some(NRet::Call(
            Fun::capture(module, Atom::new("to_string"), 1),
            vec![value.clone()],
        ))
    }

    /// Whether `proto` is a protocol defined in the console.
    pub fn is_protocol(&self, proto: Atom) -> bool {
        self.modules
            .borrow()
            .get(&proto)
            .is_some_and(|m| m.protocol)
    }
}

/// What a user's `Inspect` implementations answered, for the printer.
pub type Overrides = Rc<Vec<(Term, String)>>;
/// What runs once they all answered.
type AfterInspect = Box<dyn FnOnce(&mut Machine, Overrides) -> R<NRet>>;

/// Structs looked at, at most, for a user's `Inspect` implementations in one value.
const INSPECT_SCAN: usize = 10_000;

impl Machine {
    /// The structs in `t` whose `Inspect` is written in Elixir (`defimpl Inspect, for:
    /// User`), each once, with their implementation.
    pub fn inspect_impls(&self, t: &Term) -> Vec<(Term, Atom)> {
        let proto = Atom::module("Inspect");
        let mut out: Vec<(Term, Atom)> = Vec::new();
        let mut todo = vec![t];
        let mut seen = 0;
        while let Some(t) = todo.pop() {
            seen += 1;
            if seen > INSPECT_SCAN {
                break;
            }
            match t {
                Term::Struct(s, fields) => {
                    let own = child(proto, s.name().trim_start_matches("Elixir."));
                    if self.modules.borrow().contains_key(&own) {
                        if !out.iter().any(|(k, _)| k == t) {
                            out.push((t.clone(), own));
                        }
                        continue;
                    }
                    todo.extend(fields.iter().map(|(_, v)| v));
                }
                Term::Tuple(items) => todo.extend(items.iter()),
                Term::List(items) => todo.extend(items.iter()),
                Term::Map(pairs) => todo.extend(pairs.iter().flat_map(|(k, v)| [k, v])),
                _ => {}
            }
        }
        out
    }

    /// Calls each implementation in turn (their answers are strings, or iodata), then
    /// `finish` with what they answered.
    pub fn inspect_chain(
        &mut self,
        mut pending: Vec<(Term, Atom)>,
        mut done: Vec<(Term, String)>,
        finish: AfterInspect,
    ) -> R<NRet> {
        let Some((value, module)) = pending.pop() else {
            return finish(self, Rc::new(done));
        };
        let opts = self
            .make_struct(Atom::module("Inspect.Opts"), None, Vec::new())
            .unwrap_or_else(|_| Term::list(vec![]));
        Ok(NRet::CallThen(
            Fun::capture(module, Atom::new("inspect"), 2),
            vec![value.clone(), opts],
            Box::new(move |m, answer| {
                let mut bytes = Vec::new();
                super::super::stdlib::binary::iolist(&answer, &mut bytes).map_err(|_| {
                    exception(
                        "ArgumentError",
                        vec![(
                            "message",
                            Term::str(&format!(
                                "{}.inspect/2 must answer a string, got: {}",
                                Term::Atom(module),
                                inspect::inspect(&answer)
                            )),
                        )],
                    )
                })?;
                done.push((value, String::from_utf8_lossy(&bytes).into_owned()));
                m.inspect_chain(pending, done, finish)
            }),
        ))
    }

    /// `inspect(t, opts)` with the user's `Inspect` implementations, or `None` when `t`
    /// holds no struct that has one (the native printer answers alone).
    pub fn inspect_with_impls(&mut self, t: &Term, opts: inspect::Opts) -> Option<R<NRet>> {
        let pending = self.inspect_impls(t);
        if pending.is_empty() {
            return None;
        }
        let t = t.clone();
        Some(self.inspect_chain(
            pending,
            Vec::new(),
            Box::new(move |_m, overrides| {
                let mut opts = opts;
                opts.overrides = overrides;
                Ok(NRet::Value(Term::str(&inspect::render(&t, opts))))
            }),
        ))
    }
}
