//! Pattern matching: `=`, function heads, `case`, `fn` and `with` clauses. Variables bind
//! (a name twice in one pattern must match equal values), `^pin` compares with the
//! variable's current value, `_` ignores, maps match partially, `"prefix" <> rest` splits a
//! string, `[h | t]` takes a list's head and tail (a cheap view).

use super::ast::{Expr, Kind, Part};
use super::bitstrings;
use super::machine::Machine;
use super::value::{compile_error, exception, R};
use crate::runtime::{Atom, Term};

impl Machine {
    /// Matches `value` against `pat`, pushing bindings onto the environment. On `Ok(false)`
    /// the caller truncates the environment back to where it was.
    pub fn pattern(&mut self, pat: &Expr, value: &Term, base: usize) -> R<bool> {
        match &pat.kind {
            Kind::Var(name) => {
                if name.is_underscored() {
                    return Ok(true);
                }
                // bound earlier in this same pattern: must be equal
                if let Some((_, v)) = self.env[base..].iter().rev().find(|(k, _)| k == name) {
                    return Ok(v == value && strict_eq(v, value));
                }
                self.env.push((*name, value.clone()));
                Ok(true)
            }
            Kind::Lit(t) => Ok(strict_eq(t, value)),
            Kind::Pin(inner) => {
                let Kind::Var(name) = &inner.kind else {
                    return Err(compile_error("invalid argument for unary operator ^"));
                };
                match self.env[..base].iter().rev().find(|(k, _)| k == name) {
                    Some((_, v)) => Ok(strict_eq(v, value)),
                    None => Err(compile_error(format!(
                        "undefined variable ^{}",
                        name.name()
                    ))),
                }
            }
            Kind::Tuple(items) => match value {
                Term::Tuple(vs) if vs.len() == items.len() => {
                    for (p, v) in items.iter().zip(vs.iter()) {
                        if !self.pattern(p, v, base)? {
                            return Ok(false);
                        }
                    }
                    Ok(true)
                }
                _ => Ok(false),
            },
            Kind::List(items, tail) => {
                let Some((vs, improper)) = value.list_parts() else {
                    return Ok(false);
                };
                match tail {
                    None if vs.len() != items.len() || improper.is_some() => Ok(false),
                    Some(_) if vs.len() < items.len() => Ok(false),
                    _ => {
                        for (p, v) in items.iter().zip(vs.iter()) {
                            if !self.pattern(p, v, base)? {
                                return Ok(false);
                            }
                        }
                        match tail.as_ref().map(|t| (t, value.list_rest(items.len()))) {
                            Some((t, Some(rest))) => self.pattern(t, &rest, base),
                            Some((_, None)) => Ok(false),
                            None => Ok(true),
                        }
                    }
                }
            }
            Kind::Map(pairs) => match value {
                Term::Map(_) | Term::Struct(..) => self.pattern_pairs(pairs, value, base),
                _ => Ok(false),
            },
            Kind::Struct(name, None, pairs) => {
                let Term::Struct(m, _) = value else {
                    return Ok(false);
                };
                match &name.kind {
                    Kind::Var(v) => {
                        if !self.pattern(
                            &Expr {
                                kind: Kind::Var(*v),
                                line: pat.line,
                                simple: Default::default(),
                                captures: Default::default(),
                            },
                            &Term::Atom(*m),
                            base,
                        )? {
                            return Ok(false);
                        }
                    }
                    _ => {
                        let want = match &name.kind {
                            Kind::Alias(a) => self.resolve_alias(*a),
                            _ => match self.eval_simple(name)? {
                                Term::Atom(a) => a,
                                _ => return Ok(false),
                            },
                        };
                        if want != *m {
                            return Ok(false);
                        }
                    }
                }
                self.pattern_pairs(pairs, value, base)
            }
            Kind::Match(a, b) => Ok(self.pattern(a, value, base)? && self.pattern(b, value, base)?),
            Kind::Binary("<>", prefix, rest) => {
                let p = match &prefix.kind {
                    Kind::Lit(Term::Str(p)) => p.clone(),
                    // `<<a, b>> <> rest`
                    Kind::Bits(items) => {
                        let mut items = items.clone();
                        items.push(Expr::new(
                            Kind::Binary(
                                "::",
                                rest.clone(),
                                Expr::new(Kind::Var(Atom::new("binary")), pat.line as usize),
                            ),
                            pat.line as usize,
                        ));
                        return self.bits_pattern(&items, value, base);
                    }
                    _ => {
                        return Err(compile_error(
                            "the left argument of <> operator inside a match should always be a literal binary",
                        ))
                    }
                };
                match value {
                    Term::Str(s) => match s.strip_prefix(&*p) {
                        Some(r) => self.pattern(rest, &Term::str(r), base),
                        None => Ok(false),
                    },
                    Term::Bin(b, 0) if b.starts_with(p.as_bytes()) => {
                        self.pattern(rest, &Term::binary(b[p.len()..].to_vec()), base)
                    }
                    _ => Ok(false),
                }
            }
            Kind::Bits(items) => self.bits_pattern(items, value, base),
            Kind::Unary("-", x) => match (&x.kind, value) {
                (Kind::Lit(Term::Int(i)), Term::Int(v)) => Ok(-i == *v),
                (Kind::Lit(Term::Float(f)), Term::Float(v)) => Ok(-f == *v),
                _ => Ok(false),
            },
            Kind::Alias(_) | Kind::Module | Kind::Attr(_) => {
                let t = self.eval_simple(pat)?;
                Ok(strict_eq(&t, value))
            }
            Kind::Interp(parts, false) if parts.iter().all(|p| matches!(p, Part::Lit(_))) => {
                let t = self.eval_simple(pat)?;
                Ok(strict_eq(&t, value))
            }
            // `first..last` and `first..last//step` match a range's fields
            Kind::Binary("..", a, b) => self.range_pattern(&[a, b], value, base),
            Kind::Call(name, args, _) if &*name.name() == ".." && args.len() == 3 => {
                self.range_pattern(&[&args[0], &args[1], &args[2]], value, base)
            }
            Kind::Call(name, args, _) if self.natives.exists(Atom::new("erlang"), *name, args.len()) => Err(compile_error(format!(
                "cannot invoke remote function :erlang.{}/{} inside a match",
                name.name(),
                args.len()
            ))),
            Kind::Call(name, args, _) => Err(compile_error(format!(
                "cannot find or invoke local {}/{} inside match. Only macros can be invoked in a match and they must be defined before their invocation. Called as: {}",
                name.name(),
                args.len(),
                super::source::to_source(pat)
            ))),
            Kind::Remote(m, name, args, _) => Err(compile_error(format!(
                "cannot invoke remote function {}.{}/{} inside a match",
                super::source::to_source(m),
                name.name(),
                args.len()
            ))),
            Kind::Binary("when", _, _) => Err(compile_error("invalid use of when in a match")),
            _ => Err(compile_error(format!(
                "invalid pattern in match, {} is not allowed in matches",
                super::source::to_source(pat)
            ))),
        }
    }

    /// `first..last` (and `//step`) against a range: each part against its field.
    fn range_pattern(&mut self, parts: &[&super::ast::P], value: &Term, base: usize) -> R<bool> {
        let Some((first, last, step)) = crate::runtime::term::range_parts(value) else {
            return Ok(false);
        };
        for (p, v) in parts.iter().zip([first, last, step]) {
            if !self.pattern(p, &Term::Int(v), base)? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// A map pattern's pairs: each key present, each value matching.
    fn pattern_pairs(
        &mut self,
        pairs: &[(super::ast::P, super::ast::P)],
        value: &Term,
        base: usize,
    ) -> R<bool> {
        for (k, p) in pairs {
            let key = self.pattern_key(k)?;
            match map_get(value, &key) {
                Some(v) if self.pattern(p, &v, base)? => {}
                _ => return Ok(false),
            }
        }
        Ok(true)
    }

    fn pattern_key(&mut self, k: &Expr) -> R<Term> {
        match &k.kind {
            Kind::Lit(t) => Ok(t.clone()),
            Kind::Pin(_) | Kind::Alias(_) | Kind::Module | Kind::Attr(_) | Kind::Tuple(_) => {
                match &k.kind {
                    Kind::Pin(inner) => self.eval_simple(inner),
                    _ => self.eval_simple(k),
                }
            }
            Kind::Var(name) => Err(compile_error(format!(
                "cannot use variable {} as map key inside a pattern. Map keys in patterns can only be literals (such as atoms, strings, tuples, and the like) or an existing variable matched with the pin operator (such as ^some_var)",
                name.name()
            ))),
            _ => self.eval_simple(k),
        }
    }
}

/// A value in a map or struct by key.
pub fn map_get(t: &Term, key: &Term) -> Option<Term> {
    match t {
        // a map's keys are kept in `key_cmp` order, in which 1 and 1.0 are two keys
        Term::Map(pairs) => pairs
            .binary_search_by(|(k, _)| k.key_cmp(key))
            .ok()
            .map(|i| pairs[i].1.clone()),
        Term::Struct(m, fields) => match key {
            Term::Atom(a) if &*a.name() == "__struct__" => Some(Term::Atom(*m)),
            Term::Atom(a) => fields.iter().find(|(k, _)| k == a).map(|(_, v)| v.clone()),
            _ => None,
        },
        _ => None,
    }
}

/// Numbers terms by `===` in the order they are first seen (`Enum.frequencies`'s and
/// `Enum.group_by`'s keys), each lookup O(log n): terms equal in term order (1 and 1.0)
/// share a bucket, searched strictly.
#[derive(Default)]
pub struct StrictKeys {
    buckets: std::collections::BTreeMap<Term, Vec<(Term, usize)>>,
    len: usize,
}

impl StrictKeys {
    /// `t`'s number, and whether it is new (then it is the next number).
    pub fn slot(&mut self, t: &Term) -> (usize, bool) {
        if let Some(i) = self.find(t) {
            return (i, false);
        }
        let i = self.len;
        self.buckets
            .entry(t.clone())
            .or_default()
            .push((t.clone(), i));
        self.len += 1;
        (i, true)
    }

    /// `t`'s number, if it has one.
    pub fn find(&self, t: &Term) -> Option<usize> {
        let bucket = self.buckets.get(t)?;
        bucket
            .iter()
            .find(|(x, _)| strict_eq(x, t))
            .map(|(_, i)| *i)
    }
}

/// A multiset of terms told apart as `===` tells them (1 and 1.0 differ), each operation
/// O(log n). `Enum.uniq`, `for … uniq: true` and `--` use it, so 100,000 items take
/// milliseconds, not minutes.
#[derive(Default)]
pub struct StrictBag {
    keys: StrictKeys,
    counts: Vec<usize>,
}

impl StrictBag {
    /// Adds one `t`; true when none was there before.
    pub fn insert(&mut self, t: &Term) -> bool {
        match self.keys.slot(t) {
            (i, false) => {
                self.counts[i] += 1;
                false
            }
            _ => {
                self.counts.push(1);
                true
            }
        }
    }

    /// Takes one `t` out; true when there was one.
    pub fn take(&mut self, t: &Term) -> bool {
        match self.keys.find(t).map(|i| &mut self.counts[i]) {
            Some(n) if *n > 0 => {
                *n -= 1;
                true
            }
            _ => false,
        }
    }
}

/// `===`: like `==` but 1 and 1.0 differ. Iterative: no nesting is too deep.
pub fn strict_eq(a: &Term, b: &Term) -> bool {
    // two scalars (a clause's `0` against an argument: most comparisons) need no stack
    match (a, b) {
        (Term::Int(x), Term::Int(y)) => return x == y,
        (Term::Atom(x), Term::Atom(y)) => return x == y,
        (Term::Int(_), Term::Float(_)) | (Term::Float(_), Term::Int(_)) => return false,
        _ => {}
    }
    let mut stack: Vec<(&Term, &Term)> = vec![(a, b)];
    while let Some((a, b)) = stack.pop() {
        match (a, b) {
            (Term::Int(_), Term::Float(_)) | (Term::Float(_), Term::Int(_)) => return false,
            (Term::Tuple(x), Term::Tuple(y)) => {
                if x.len() != y.len() {
                    return false;
                }
                stack.extend(x.iter().zip(y.iter()));
            }
            (Term::List(x), Term::List(y)) => {
                if x.len() != y.len() {
                    return false;
                }
                stack.extend(x.iter().zip(y.iter()));
            }
            (Term::Map(x), Term::Map(y)) => {
                if x.len() != y.len() {
                    return false;
                }
                for ((k1, v1), (k2, v2)) in x.iter().zip(y.iter()) {
                    stack.push((k1, k2));
                    stack.push((v1, v2));
                }
            }
            (Term::Struct(m1, x), Term::Struct(m2, y)) => {
                if m1 != m2 || x.len() != y.len() {
                    return false;
                }
                for ((k1, v1), (k2, v2)) in x.iter().zip(y.iter()) {
                    if k1 != k2 {
                        return false;
                    }
                    stack.push((v1, v2));
                }
            }
            _ => {
                if a != b {
                    return false;
                }
            }
        }
    }
    true
}

impl Machine {
    /// `<<a, size::8, rest::binary-size(size)>> = value`: each segment read in turn, its
    /// size evaluated with what the pattern bound so far, its value matched as a pattern.
    fn bits_pattern(&mut self, items: &[std::rc::Rc<Expr>], value: &Term, base: usize) -> R<bool> {
        let total = value.bit_size();
        Ok(self.bits_match(items, value, base, 0)?.is_some() && self.bits_end == total)
    }

    /// The pieces of `value` that `<<segments>>` matches one after the other, as a bitstring
    /// generator (`for <<r::8, g::8 <- pixels>>`) takes them.
    pub fn bits_chunks(&mut self, items: &[std::rc::Rc<Expr>], value: &Term) -> R<Vec<Term>> {
        let Some((bytes, tail)) = value.as_bits() else {
            return Err(exception(
                "Protocol.UndefinedError",
                vec![
                    ("protocol", Term::Atom(Atom::module("Enumerable"))),
                    ("value", value.clone()),
                    ("description", Term::str("")),
                ],
            ));
        };
        let whole = Term::bitstring(bytes.to_vec(), tail);
        let mut out = Vec::new();
        let mut at = 0;
        loop {
            let base = self.env.len();
            let matched = self.bits_match(items, &whole, base, at)?;
            self.env.truncate(base);
            let Some(end) = matched.and(self.bits_end).filter(|e| *e > at) else {
                break;
            };
            let Some(mut r) = bitstrings::Reader::new(&whole) else {
                break;
            };
            r.pos = at;
            match r.take_bits(end - at) {
                Some(piece) => out.push(piece),
                None => break,
            }
            if out.len() >= super::ops::MAX_ITEMS {
                return Err(super::ops::too_big(
                    "a comprehension's generator",
                    out.len(),
                ));
            }
            at = end;
        }
        Ok(out)
    }

    /// Matches the segments from bit `start`; `Some(())` with where it ended in `bits_end`.
    fn bits_match(
        &mut self,
        items: &[std::rc::Rc<Expr>],
        value: &Term,
        base: usize,
        start: u64,
    ) -> R<Option<()>> {
        let segs = bitstrings::segments(items)?;
        let Some(mut r) = bitstrings::Reader::new(value) else {
            return Ok(None);
        };
        r.pos = start;
        let n = segs.len();
        for (i, seg) in segs.iter().enumerate() {
            // a literal string segment: those bytes
            if let (Some(bytes), bitstrings::Ty::Binary) =
                (bitstrings::literal_bytes(&seg.value), seg.ty)
            {
                match r.take_bits(bytes.len() as u64 * 8) {
                    Some(t) if t.as_bytes() == Some(bytes.as_slice()) => continue,
                    _ => return Ok(None),
                }
            }
            let size = match seg.size.as_ref() {
                None => None,
                Some(e) => {
                    let e = match &e.kind {
                        Kind::Pin(inner) => inner.clone(),
                        _ => e.clone(),
                    };
                    match self.eval_simple(&e)? {
                        Term::Int(k) => Some(k),
                        other => {
                            return Err(compile_error(format!(
                                "size in bitstring expects an integer or a variable as argument, got: {}",
                                super::inspect::inspect(&other)
                            )))
                        }
                    }
                }
            };
            let Some(v) = bitstrings::read(seg, size, i + 1 == n, &mut r)? else {
                return Ok(None);
            };
            if !self.pattern(&seg.value, &v, base)? {
                return Ok(None);
            }
        }
        self.bits_end = Some(r.pos);
        Ok(Some(()))
    }
}
