//! Values the machine builds and reads: lists with tails, map updates, keyword puts,
//! `Access` on maps and keywords, booleans.

use super::*;

/// A keyword list with `k` set: in place of its first occurrence (later ones kept), or in
/// front, as Access does in Elixir 1.14 (`put_in([a: 1, b: 2, b: 5][:b], 3)` is
/// `[a: 1, b: 3, b: 5]`).
pub fn keyword_put(items: &[Term], k: &Term, v: Term) -> Term {
    let mut out = Vec::with_capacity(items.len() + 1);
    let mut done = false;
    for t in items {
        match t.as_tuple() {
            Some([kk, _]) if kk == k && !done => {
                out.push(Term::tuple(vec![k.clone(), v.clone()]));
                done = true;
            }
            _ => out.push(t.clone()),
        }
    }
    if !done {
        out.insert(0, Term::tuple(vec![k.clone(), v]));
    }
    Term::list(out)
}

pub(super) fn parent_pairs(t: &Term) -> Vec<(Term, Term)> {
    match t {
        Term::Map(p) => p.to_vec(),
        _ => Vec::new(),
    }
}

pub(super) fn pairs_of(vals: Vec<Term>) -> Vec<(Term, Term)> {
    let mut out = Vec::with_capacity(vals.len() / 2);
    let mut it = vals.into_iter();
    while let (Some(k), Some(v)) = (it.next(), it.next()) {
        out.push((k, v));
    }
    out
}

pub(super) fn build_list(mut items: Vec<Term>, tail: Option<Term>) -> R<Term> {
    match tail {
        None => Ok(Term::list(items)),
        Some(Term::List(t)) => {
            if items.len() + t.len() > ops::MAX_ITEMS {
                return Err(ops::too_big("a list", items.len() + t.len()));
            }
            // `[x | acc]` copies the tail (a list term is one shared slice): charged as the
            // allocation it is, so a long accumulation yields as it goes
            if t.len() > 64 {
                ops::note_alloc(t.len() * std::mem::size_of::<Term>());
            }
            items.extend(t.iter().cloned());
            Ok(Term::list(items))
        }
        // `[1, 2 | 3]`: an improper list (`[x | acc]` onto one copies its items too,
        // charged the same way)
        Some(other) => {
            if let Term::Improper(cell) = &other {
                let n = cell.0.len();
                if items.len() + n > ops::MAX_ITEMS {
                    return Err(ops::too_big("a list", items.len() + n));
                }
                if n > 64 {
                    ops::note_alloc(n * std::mem::size_of::<Term>());
                }
            }
            Ok(Term::cons(items, other))
        }
    }
}

pub fn map_update(base: &Term, pairs: Vec<(Term, Term)>) -> R<Term> {
    match base {
        Term::Map(existing) => {
            let mut v = existing.to_vec();
            for (k, x) in pairs {
                match v.binary_search_by(|(ek, _)| ek.key_cmp(&k)) {
                    Ok(i) => v[i].1 = x,
                    Err(_) => return Err(key_error(&k, base)),
                }
            }
            Ok(Term::Map(v.into()))
        }
        Term::Struct(m, fields) => {
            let mut v = fields.to_vec();
            for (k, x) in pairs {
                match (&k, v.iter_mut().find(|(ek, _)| Term::Atom(*ek) == k)) {
                    (Term::Atom(_), Some(slot)) => slot.1 = x,
                    _ => return Err(key_error(&k, base)),
                }
            }
            Ok(Term::Struct(*m, v.into()))
        }
        other => Err(super::super::value::bad_map(other)),
    }
}

pub fn access(t: &Term, k: &Term) -> R<Term> {
    match t {
        Term::Map(_) => Ok(map_get(t, k).unwrap_or_else(Term::nil)),
        Term::List(items) => match k {
            Term::Atom(a) => Ok(items
                .iter()
                .find_map(|i| match i.as_tuple() {
                    Some([Term::Atom(x), v]) if x == a => Some(v.clone()),
                    _ => None,
                })
                .unwrap_or_else(Term::nil)),
            _ => Err(super::super::value::argument_error(format!(
                "the Access calls for keywords expect the key to be an atom, got: {}",
                inspect::inspect(k)
            ))),
        },
        Term::Atom(a) if *a == Atom::NIL => Ok(Term::nil()),
        Term::Struct(m, _) => Err(undefined_function(*m, "fetch", 2, None).with_message(format!(
            "function {}.fetch/2 is undefined ({} does not implement the Access behaviour. If you are using get_in/put_in/update_in, you can specify the field to be accessed using Access.key!/1)",
            Term::Atom(*m),
            Term::Atom(*m)
        ))),
        other => Err(super::super::value::argument_error(format!(
            "the Access module does not support accessing {} with key {}... (Access is supported for maps, keyword lists and nil)",
            inspect::inspect(other),
            inspect::inspect(k)
        ))),
    }
}

pub(super) trait WithMessage {
    fn with_message(self, m: String) -> Exc;
}
impl WithMessage for Exc {
    fn with_message(self, m: String) -> Exc {
        match self {
            Exc::Error(Term::Struct(n, fields)) => {
                let mut f = fields.to_vec();
                for (k, v) in f.iter_mut() {
                    if &*k.name() == "message" {
                        *v = Term::str(&m);
                    }
                }
                Exc::Error(Term::Struct(n, f.into()))
            }
            other => other,
        }
    }
}

pub(super) fn as_bool(t: &Term) -> Option<bool> {
    match t {
        Term::Atom(a) if *a == Atom::TRUE => Some(true),
        Term::Atom(a) if *a == Atom::FALSE => Some(false),
        _ => None,
    }
}

pub(super) fn bad_bool(op: &str, t: &Term) -> Exc {
    exception(
        "BadBooleanError",
        vec![("term", t.clone()), ("operator", Term::atom(op))],
    )
}
