//! `List` (and the few `:lists` functions learners meet).

use super::super::machine::{Machine, NRet};
use super::super::matcher::strict_eq;
use super::super::ops;
use super::super::value::{badarg, fn_clause_error, R};
use super::value;
use crate::runtime::Term;

pub const FUNS: super::Table = &[
    ("first", 1, true),
    ("first", 2, true),
    ("last", 1, true),
    ("last", 2, true),
    ("flatten", 1, true),
    ("delete", 2, true),
    ("delete_at", 2, true),
    ("insert_at", 3, true),
    ("replace_at", 3, true),
    ("duplicate", 2, true),
    ("wrap", 1, true),
    ("zip", 1, true),
    ("to_tuple", 1, true),
    ("to_string", 1, true),
    ("to_atom", 1, true),
    ("to_integer", 1, true),
    ("to_integer", 2, true),
    ("keyfind", 3, true),
    ("keydelete", 3, true),
];

pub const LISTS: super::Table = &[
    ("reverse", 1, true),
    ("seq", 2, true),
    ("sum", 1, true),
    ("max", 1, true),
    ("min", 1, true),
    ("sort", 1, true),
    ("append", 2, true),
    ("nth", 2, true),
];

/// The list a `List` function was given, or the FunctionClauseError its guard raises.
fn items(t: &Term, name: &str, args: &[Term]) -> R<Vec<Term>> {
    match t {
        Term::List(l) => Ok(l.to_vec()),
        _ => Err(fn_clause_error(&format!("List.{name}"), args)),
    }
}

fn flatten(t: &[Term], out: &mut Vec<Term>, depth: usize) -> R<()> {
    if depth > 500 {
        return Err(badarg(1, "nested too deep"));
    }
    for i in t {
        match i {
            Term::List(inner) => flatten(inner, out, depth + 1)?,
            other => out.push(other.clone()),
        }
        if out.len() > ops::MAX_ITEMS {
            return Err(ops::too_big("a list", out.len()));
        }
    }
    Ok(())
}

fn index(i: &Term, len: usize) -> R<Option<usize>> {
    let i = i.as_int().ok_or_else(|| badarg(2, "not an integer"))?;
    let i = if i < 0 { len as i64 + i } else { i };
    let i = usize::try_from(i).unwrap_or(usize::MAX);
    Ok((i < len).then_some(i))
}

pub fn call(m: &mut Machine, name: &str, args: Vec<Term>) -> R<Option<NRet>> {
    let a = &args;
    match (name, a.len()) {
        ("first", 1 | 2) => value(
            items(&a[0], name, a)?
                .first()
                .cloned()
                .unwrap_or_else(|| a.get(1).cloned().unwrap_or_else(Term::nil)),
        ),
        ("last", 1 | 2) => value(
            items(&a[0], name, a)?
                .last()
                .cloned()
                .unwrap_or_else(|| a.get(1).cloned().unwrap_or_else(Term::nil)),
        ),
        ("flatten", 1) => {
            let mut out = Vec::new();
            flatten(&items(&a[0], name, a)?, &mut out, 0)?;
            value(Term::list(out))
        }
        ("delete", 2) => {
            let mut v = items(&a[0], name, a)?;
            if let Some(i) = v.iter().position(|x| strict_eq(x, &a[1])) {
                v.remove(i);
            }
            value(Term::list(v))
        }
        ("delete_at", 2) => {
            let mut v = items(&a[0], name, a)?;
            if let Some(i) = index(&a[1], v.len())? {
                v.remove(i);
            }
            value(Term::list(v))
        }
        ("insert_at", 3) => {
            let mut v = items(&a[0], name, a)?;
            let i = a[1].as_int().ok_or_else(|| badarg(2, "not an integer"))?;
            let at = if i < 0 {
                (v.len() as i64 + i + 1).max(0) as usize
            } else {
                ops::index(i).min(v.len())
            };
            v.insert(at, a[2].clone());
            value(Term::list(v))
        }
        ("replace_at", 3) => {
            let mut v = items(&a[0], name, a)?;
            if let Some(i) = index(&a[1], v.len())? {
                v[i] = a[2].clone();
            }
            value(Term::list(v))
        }
        ("duplicate", 2) => {
            // List.duplicate is :lists.duplicate(n, elem), arguments swapped
            let n = match a[1].as_int() {
                Some(n) if n >= 0 => ops::index(n),
                _ => {
                    return Err(fn_clause_error(
                        ":lists.duplicate",
                        &[a[1].clone(), a[0].clone()],
                    ))
                }
            };
            if n > ops::MAX_ITEMS {
                return Err(ops::too_big("a list", n));
            }
            ops::note_alloc(n * std::mem::size_of::<Term>());
            value(Term::list(vec![a[0].clone(); n]))
        }
        ("wrap", 1) => value(match &a[0] {
            Term::List(_) => a[0].clone(),
            t if t.is_nil() => Term::list(vec![]),
            other => Term::list(vec![other.clone()]),
        }),
        ("zip", 1) => super::r#enum::call(m, "zip", args),
        ("to_tuple", 1) => value(Term::tuple(items(&a[0], name, a)?)),
        ("to_string", 1) => value(Term::str(&ops::to_string(&a[0])?)),
        ("to_atom", 1) => value(Term::atom(&ops::to_string(&a[0])?)),
        ("to_integer", 1 | 2) => {
            let base = match a.get(1) {
                None => 10,
                Some(b) => {
                    super::integer::radix(b).ok_or_else(|| badarg(2, super::integer::NOT_A_BASE))?
                }
            };
            super::integer::parse_whole(&ops::to_string(&a[0])?, base)
                .map(|i| Some(NRet::Value(i)))
                .ok_or_else(|| badarg(1, "not a textual representation of an integer"))
        }
        ("keyfind", 3) => {
            let pos = usize::try_from(a[2].as_int().unwrap_or(0)).unwrap_or(usize::MAX);
            value(
                items(&a[0], name, a)?
                    .into_iter()
                    .find(|t| {
                        t.as_tuple()
                            .and_then(|x| x.get(pos))
                            .is_some_and(|k| *k == a[1])
                    })
                    // Elixir's List.keyfind answers nil (`:lists.keyfind` false)
                    .unwrap_or_else(Term::nil),
            )
        }
        ("keydelete", 3) => {
            let pos = usize::try_from(a[2].as_int().unwrap_or(0)).unwrap_or(usize::MAX);
            let mut v = items(&a[0], name, a)?;
            if let Some(i) = v.iter().position(|t| {
                t.as_tuple()
                    .and_then(|x| x.get(pos))
                    .is_some_and(|k| *k == a[1])
            }) {
                v.remove(i);
            }
            value(Term::list(v))
        }
        // :lists
        ("reverse", 1) => {
            let mut v = items(&a[0], name, a)?;
            v.reverse();
            value(Term::list(v))
        }
        ("seq", 2) => match (a[0].as_int(), a[1].as_int()) {
            (Some(f), Some(l)) if l as i128 >= f as i128 - 1 => {
                let n = usize::try_from(l as i128 - f as i128 + 1).unwrap_or(usize::MAX);
                if n > ops::MAX_ITEMS {
                    return Err(ops::too_big("a list", n));
                }
                ops::note_alloc(n * std::mem::size_of::<Term>());
                value(Term::list((f..=l).map(Term::Int).collect()))
            }
            _ => Err(badarg(1, "not an integer")),
        },
        ("sum", 1) => super::r#enum::call(m, "sum", args),
        ("max", 1) => super::r#enum::call(m, "max", args),
        ("min", 1) => super::r#enum::call(m, "min", args),
        ("sort", 1) => super::r#enum::call(m, "sort", args),
        ("append", 2) => value(ops::binary("++", &a[0], &a[1])?),
        ("nth", 2) => {
            let v = items(&a[1], name, a)?;
            match a[0].as_int() {
                Some(i) if i >= 1 => v
                    .get(ops::index(i - 1))
                    .cloned()
                    .map(|t| Some(NRet::Value(t)))
                    .ok_or_else(|| badarg(1, "out of range")),
                _ => Err(fn_clause_error(":lists.nth", a)),
            }
        }
        _ => Ok(None),
    }
}
