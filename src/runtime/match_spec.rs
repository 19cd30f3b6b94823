//! Match specifications, the little language `:ets.select/2` reads:
//! `[{head, guards, body}]`, where the head is a pattern with `:_` and `:"$1"`, `:"$2"`…
//! variables, the guards are calls written as tuples (`{:>, :"$2", 1}`), and the body
//! builds each answer (`:"$_"` the whole object, `:"$$"` every variable, `{{:"$1", 2}}` a
//! tuple, `{:const, x}` a literal). `:ets.match/2` and `:ets.match_object/2` are the
//! same with a body of `:"$$"` or `:"$_"`.
//!
//! Nothing here recurses deeper than [`MAX_DEPTH`]: a spec nested deeper matches nothing.

use std::cmp::Ordering;

use super::term::{Atom, Term};

/// How deep a pattern or an expression may nest.
const MAX_DEPTH: usize = 200;

#[derive(Clone, Debug)]
struct Clause {
    head: Term,
    guards: Vec<Term>,
    body: Vec<Term>,
}

/// A compiled (checked) match specification.
#[derive(Clone, Debug)]
pub struct MatchSpec {
    clauses: Vec<Clause>,
}

/// A variable of a pattern.
enum Var {
    Any,
    N(usize),
}

fn var(a: Atom) -> Option<Var> {
    let name = a.name();
    if &*name == "_" {
        return Some(Var::Any);
    }
    let digits = name.strip_prefix('$')?;
    if digits.is_empty() || digits.len() > 6 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok().map(Var::N)
}

type Bindings = Vec<Option<Term>>;

fn exactly(a: &Term, b: &Term) -> bool {
    a.key_cmp(b) == Ordering::Equal
}

impl MatchSpec {
    /// Reads a spec: `None` unless it is a list of `{head, [guard], [body, …]}`.
    pub fn parse(spec: &Term) -> Option<MatchSpec> {
        let mut clauses = Vec::new();
        for c in spec.as_list()? {
            let [head, Term::List(guards), Term::List(body)] = c.as_tuple()? else {
                return None;
            };
            if body.is_empty() {
                return None;
            }
            clauses.push(Clause {
                head: head.clone(),
                guards: guards.to_vec(),
                body: body.to_vec(),
            });
        }
        Some(MatchSpec { clauses })
    }

    /// One pattern answering with `body` (`:"$$"` for `match`, `:"$_"` for `match_object`,
    /// `true` for `match_delete`).
    pub fn pattern(head: &Term, body: &str) -> MatchSpec {
        MatchSpec {
            clauses: vec![Clause {
                head: head.clone(),
                guards: Vec::new(),
                body: vec![Term::atom(body)],
            }],
        }
    }

    /// The key every clause's head names without a variable, if they all name the same
    /// one: only that key's objects need looking at.
    pub fn ground_key(&self, keypos: usize) -> Option<&Term> {
        let mut key: Option<&Term> = None;
        for c in &self.clauses {
            let k = c.head.as_tuple()?.get(keypos - 1)?;
            if !ground(k, 0) || key.is_some_and(|seen| !exactly(seen, k)) {
                return None;
            }
            key = Some(k);
        }
        key
    }

    /// The answer of the first clause that matches `obj`, if one does.
    pub fn run(&self, obj: &Term) -> Option<Term> {
        for c in &self.clauses {
            let mut b: Bindings = Vec::new();
            if !bind(&c.head, obj, &mut b, 0) {
                continue;
            }
            if !c
                .guards
                .iter()
                .all(|g| eval(g, &b, obj, 0).is_some_and(|t| t == Term::bool(true)))
            {
                continue;
            }
            let mut last = None;
            for e in &c.body {
                last = Some(eval(e, &b, obj, 0).unwrap_or_else(|| Term::atom("EXIT")));
            }
            return last;
        }
        None
    }
}

/// Whether a pattern holds no variable.
fn ground(p: &Term, depth: usize) -> bool {
    if depth > MAX_DEPTH {
        return false;
    }
    match p {
        Term::Atom(a) => var(*a).is_none(),
        Term::Tuple(items) => items.iter().all(|t| ground(t, depth + 1)),
        Term::List(items) => items.iter().all(|t| ground(t, depth + 1)),
        Term::Improper(_) => false,
        Term::Map(pairs) => pairs.iter().all(|(_, v)| ground(v, depth + 1)),
        _ => true,
    }
}

/// Matches `v` against the pattern `p`, binding its variables.
fn bind(p: &Term, v: &Term, b: &mut Bindings, depth: usize) -> bool {
    if depth > MAX_DEPTH {
        return false;
    }
    match p {
        Term::Atom(a) => match var(*a) {
            Some(Var::Any) => true,
            Some(Var::N(n)) => {
                if b.len() <= n {
                    b.resize(n + 1, None);
                }
                match &b[n] {
                    Some(bound) => exactly(bound, v),
                    None => {
                        b[n] = Some(v.clone());
                        true
                    }
                }
            }
            None => exactly(p, v),
        },
        Term::Tuple(ps) => match v {
            Term::Tuple(vs) if vs.len() == ps.len() => ps
                .iter()
                .zip(vs.iter())
                .all(|(p, v)| bind(p, v, b, depth + 1)),
            _ => false,
        },
        Term::List(_) | Term::Improper(_) => {
            let (Some((pi, pt)), Some((vi, vt))) = (p.list_parts(), v.list_parts()) else {
                return false;
            };
            if pi.len() > vi.len() || (pt.is_none() && (pi.len() != vi.len() || vt.is_some())) {
                return false;
            }
            if !pi
                .iter()
                .zip(vi.iter())
                .all(|(p, v)| bind(p, v, b, depth + 1))
            {
                return false;
            }
            // `[h | t]`: the tail pattern takes the rest of the list
            pt.is_none_or(|t| {
                v.list_rest(pi.len())
                    .is_some_and(|rest| bind(t, &rest, b, depth + 1))
            })
        }
        Term::Map(pairs) => {
            let Term::Map(vpairs) = v else {
                return false;
            };
            pairs.iter().all(|(k, p)| {
                vpairs
                    .iter()
                    .find(|(vk, _)| exactly(vk, k))
                    .is_some_and(|(_, vv)| bind(p, vv, b, depth + 1))
            })
        }
        _ => exactly(p, v),
    }
}

/// Evaluates a guard or body expression; `None` when it fails (an unbound variable, a
/// bad argument).
fn eval(e: &Term, b: &Bindings, obj: &Term, depth: usize) -> Option<Term> {
    if depth > MAX_DEPTH {
        return None;
    }
    let ev = |t: &Term| eval(t, b, obj, depth + 1);
    match e {
        Term::Atom(a) => match &*a.name() {
            "$_" => Some(obj.clone()),
            "$$" => Some(Term::list(b.iter().flatten().cloned().collect())),
            _ => match var(*a) {
                Some(Var::N(n)) => b.get(n).cloned().flatten(),
                _ => Some(e.clone()),
            },
        },
        Term::Tuple(items) => match &items[..] {
            // `{{a, b}}`: a tuple built from evaluated elements
            [Term::Tuple(inner)] => Some(Term::tuple(
                inner.iter().map(ev).collect::<Option<Vec<_>>>()?,
            )),
            [Term::Atom(c), x] if &*c.name() == "const" => Some(x.clone()),
            [Term::Atom(f), args @ ..] => call(&f.name(), args, &ev),
            _ => None,
        },
        Term::List(items) => Some(Term::list(
            items.iter().map(ev).collect::<Option<Vec<_>>>()?,
        )),
        Term::Map(pairs) => Some(Term::map(
            pairs
                .iter()
                .map(|(k, v)| Some((k.clone(), ev(v)?)))
                .collect::<Option<Vec<_>>>()?,
        )),
        _ => Some(e.clone()),
    }
}

fn num(t: &Term) -> Option<f64> {
    match t {
        Term::Int(i) => Some(*i as f64),
        Term::Float(f) => Some(*f),
        _ => None,
    }
}

fn arith(f: &str, x: &Term, y: &Term) -> Option<Term> {
    if let (Term::Int(a), Term::Int(b)) = (x, y) {
        return match f {
            "+" => a.checked_add(*b).map(Term::Int),
            "-" => a.checked_sub(*b).map(Term::Int),
            "*" => a.checked_mul(*b).map(Term::Int),
            "div" if *b != 0 => a.checked_div(*b).map(Term::Int),
            "rem" if *b != 0 => a.checked_rem(*b).map(Term::Int),
            "/" if *b != 0 => Some(Term::Float(*a as f64 / *b as f64)),
            _ => None,
        };
    }
    let (a, b) = (num(x)?, num(y)?);
    let r = match f {
        "+" => a + b,
        "-" => a - b,
        "*" => a * b,
        "/" if b != 0.0 => a / b,
        _ => return None,
    };
    r.is_finite().then_some(Term::Float(r))
}

/// A guard function (`:erlang`'s BIFs allowed in guards) applied to its arguments.
fn call(f: &str, args: &[Term], ev: &dyn Fn(&Term) -> Option<Term>) -> Option<Term> {
    let bool_of = |t: Term| match t {
        Term::Atom(a) if &*a.name() == "true" => Some(true),
        Term::Atom(a) if &*a.name() == "false" => Some(false),
        _ => None,
    };
    // the short-circuiting ones first: their later arguments may not be evaluated
    match (f, args) {
        ("andalso", [x, y]) => {
            return match bool_of(ev(x)?)? {
                false => Some(Term::bool(false)),
                true => ev(y),
            }
        }
        ("orelse", [x, y]) => {
            return match bool_of(ev(x)?)? {
                true => Some(Term::bool(true)),
                false => ev(y),
            }
        }
        _ => {}
    }
    let vals: Vec<Term> = args.iter().map(ev).collect::<Option<_>>()?;
    let t = |b: bool| Some(Term::bool(b));
    match (f, &vals[..]) {
        ("==", [x, y]) => t(x == y),
        ("/=", [x, y]) => t(x != y),
        ("=:=", [x, y]) => t(exactly(x, y)),
        ("=/=", [x, y]) => t(!exactly(x, y)),
        ("<", [x, y]) => t(x < y),
        (">", [x, y]) => t(x > y),
        ("=<", [x, y]) => t(x <= y),
        (">=", [x, y]) => t(x >= y),
        ("not", [x]) => t(!bool_of(x.clone())?),
        ("and", [x, y]) => t(bool_of(x.clone())? & bool_of(y.clone())?),
        ("or", [x, y]) => t(bool_of(x.clone())? | bool_of(y.clone())?),
        ("xor", [x, y]) => t(bool_of(x.clone())? ^ bool_of(y.clone())?),
        ("is_atom", [x]) => t(matches!(x, Term::Atom(_))),
        ("is_integer", [x]) => t(matches!(x, Term::Int(_) | Term::Big(_))),
        ("is_float", [x]) => t(matches!(x, Term::Float(_))),
        ("is_number", [x]) => t(matches!(x, Term::Int(_) | Term::Big(_) | Term::Float(_))),
        ("is_binary", [x]) => t(x.as_bytes().is_some()),
        ("is_list", [x]) => t(matches!(x, Term::List(_) | Term::Improper(_))),
        ("is_tuple", [x]) => t(matches!(x, Term::Tuple(_))),
        ("is_map", [x]) => t(matches!(x, Term::Map(_) | Term::Struct(..))),
        ("is_pid", [x]) => t(matches!(x, Term::Pid(_))),
        ("is_reference", [x]) => t(matches!(x, Term::Ref(_))),
        ("is_function", [x]) => t(matches!(x, Term::Fun(_))),
        ("is_boolean", [x]) => t(bool_of(x.clone()).is_some()),
        ("+" | "-" | "*" | "/" | "div" | "rem", [x, y]) => arith(f, x, y),
        ("-", [Term::Int(x)]) => x.checked_neg().map(Term::Int),
        ("abs", [Term::Int(x)]) => x.checked_abs().map(Term::Int),
        ("abs", [Term::Float(x)]) => Some(Term::Float(x.abs())),
        ("element", [Term::Int(n), Term::Tuple(items)]) if *n >= 1 => {
            items.get(*n as usize - 1).cloned()
        }
        ("hd", [l]) => l.list_parts()?.0.first().cloned(),
        ("tl", [l]) => l.list_rest(1),
        ("length", [Term::List(l)]) => Some(Term::Int(l.len() as i64)),
        ("tuple_size" | "size", [Term::Tuple(items)]) => Some(Term::Int(items.len() as i64)),
        ("map_size", [Term::Map(p)]) => Some(Term::Int(p.len() as i64)),
        ("map_get", [k, Term::Map(p)]) => p
            .iter()
            .find(|(pk, _)| exactly(pk, k))
            .map(|(_, v)| v.clone()),
        ("is_map_key", [k, Term::Map(p)]) => t(p.iter().any(|(pk, _)| exactly(pk, k))),
        _ => None,
    }
}
