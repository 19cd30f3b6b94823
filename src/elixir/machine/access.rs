//! `put_in`, `update_in`, `get_in` with a path (`put_in(map.a.b, 1)`, `m[:k]`).

use super::*;

impl Machine {
    /// `put_in users[:john].age, 31` and `update_in …, fun`: the path is syntax.
    pub(super) fn path_macro(&mut self, which: &str, args: &[P]) -> Ctl {
        let Some((root, steps)) = path_parts(&args[0]) else {
            return Ctl::Throw(compile_error("expected a path such as data[:key].field"));
        };
        let mut keys = Vec::new();
        let r = (|| -> R<(Term, Vec<(Term, bool)>)> {
            let root = self.eval_simple(&root)?;
            for (k, field) in &steps {
                keys.push((self.eval_simple(k)?, *field));
            }
            Ok((root, std::mem::take(&mut keys)))
        })();
        let (data, keys) = match r {
            Ok(x) => x,
            Err(x) => return Ctl::Throw(x),
        };
        // the values along the path
        let mut values = vec![data.clone()];
        for (k, field) in &keys {
            let cur = values.last().cloned().unwrap_or_else(Term::nil);
            let next = if *field {
                match map_get(&cur, k) {
                    Some(v) => v,
                    None => return Ctl::Throw(key_error(k, &cur)),
                }
            } else {
                match access(&cur, k) {
                    Ok(v) => v,
                    Err(x) => return Ctl::Throw(x),
                }
            };
            values.push(next);
        }
        let current = values.last().cloned().unwrap_or_else(Term::nil);
        let rebuild = move |new: Term| -> R<Term> {
            let mut acc = new;
            for i in (0..keys.len()).rev() {
                let (k, field) = &keys[i];
                let parent = &values[i];
                acc = if *field {
                    map_update(parent, vec![(k.clone(), acc)])?
                } else {
                    match parent {
                        Term::Map(_) => {
                            let mut p = parent_pairs(parent);
                            p.push((k.clone(), acc));
                            Term::map(p)
                        }
                        Term::List(items) => keyword_put(items, k, acc),
                        other => return Err(super::super::value::bad_map(other)),
                    }
                };
            }
            Ok(acc)
        };
        match which {
            "get_in" => Ctl::Ret(current),
            "put_in" => {
                let v = match args.get(1).map(|a| self.eval_simple(a)) {
                    Some(Ok(v)) => v,
                    Some(Err(x)) => return Ctl::Throw(x),
                    None => return Ctl::Throw(compile_error("put_in/2 expects a value")),
                };
                match rebuild(v) {
                    Ok(t) => Ctl::Ret(t),
                    Err(x) => Ctl::Throw(x),
                }
            }
            _ => {
                let f = match args.get(1).map(|a| self.eval_simple(a)) {
                    Some(Ok(v)) => v,
                    Some(Err(x)) => return Ctl::Throw(x),
                    None => return Ctl::Throw(compile_error("update_in/2 expects a function")),
                };
                self.nret(NRet::CallThen(
                    f,
                    vec![current],
                    Box::new(move |_, new| Ok(NRet::Value(rebuild(new)?))),
                ))
            }
        }
    }
}

impl Machine {
    /// `pop_in(data[:a].b)` and `get_and_update_in(data.a[:b], fun)`: the prelude's
    /// `Access.__path_in__` walks the path, its steps `{key, field?}`.
    pub(super) fn path_call(&mut self, which: &str, args: &[P]) -> Ctl {
        let Some((root, steps)) = path_parts(&args[0]) else {
            return Ctl::Throw(compile_error("expected a path such as data[:key].field"));
        };
        let r = (|| -> R<Vec<Term>> {
            let mut call = vec![Term::atom(which), self.eval_simple(&root)?];
            let mut keys = Vec::with_capacity(steps.len());
            for (k, field) in &steps {
                keys.push(Term::tuple(vec![self.eval_simple(k)?, Term::bool(*field)]));
            }
            call.push(Term::list(keys));
            if let Some(f) = args.get(1) {
                call.push(self.eval_simple(f)?);
            }
            Ok(call)
        })();
        match r {
            Ok(call) => {
                let n = call.len();
                let f = Fun::capture(Atom::module("Access"), Atom::new("__path_in__"), n);
                self.nret(NRet::Call(f, call))
            }
            Err(x) => Ctl::Throw(x),
        }
    }
}

/// `data[:a].b` as its root and steps (key, is a `.field`).
pub(super) fn path_parts(e: &P) -> Option<(P, Vec<(P, bool)>)> {
    let mut steps = Vec::new();
    let mut cur = e.clone();
    loop {
        let next = match &cur.kind {
            Kind::Access(t, k) => {
                steps.push((k.clone(), false));
                t.clone()
            }
            Kind::Remote(t, name, args, false)
                if args.is_empty() && !matches!(t.kind, Kind::Alias(_)) =>
            {
                steps.push((
                    Expr::new(Kind::Lit(Term::Atom(*name)), cur.line as usize),
                    true,
                ));
                t.clone()
            }
            _ => break,
        };
        cur = next;
    }
    if steps.is_empty() {
        return None;
    }
    steps.reverse();
    Some((cur, steps))
}
