//! `Keyword`: lists of `{atom, value}` pairs.

use super::super::machine::{Machine, NRet};
use super::super::matcher::strict_eq;
use super::super::value::{badarg, key_error, R};
use super::value;
use crate::runtime::Term;

pub const FUNS: super::Table = &[
    ("get", 2, true),
    ("get", 3, true),
    ("put", 3, true),
    ("delete", 2, true),
    ("fetch", 2, true),
    ("fetch!", 2, true),
    ("has_key?", 2, true),
    ("values", 1, true),
    ("new", 0, true),
    ("keyword?", 1, true),
    ("get_values", 2, true),
    ("take", 2, true),
    ("drop", 2, true),
    ("to_list", 1, true),
    ("put_new", 3, true),
];

fn pairs(t: &Term) -> R<Vec<(Term, Term)>> {
    let Term::List(items) = t else {
        return Err(badarg(1, "not a list"));
    };
    items
        .iter()
        .map(|i| match i.as_tuple() {
            Some([k @ Term::Atom(_), v]) => Ok((k.clone(), v.clone())),
            _ => Err(badarg(1, "not a keyword list")),
        })
        .collect()
}

fn list(p: Vec<(Term, Term)>) -> Term {
    Term::list(
        p.into_iter()
            .map(|(k, v)| Term::tuple(vec![k, v]))
            .collect(),
    )
}

fn put(kw: &Term, k: &Term, v: Term) -> R<Term> {
    let mut p: Vec<(Term, Term)> = pairs(kw)?.into_iter().filter(|(x, _)| x != k).collect();
    p.insert(0, (k.clone(), v));
    Ok(list(p))
}

pub fn call(_m: &mut Machine, name: &str, args: Vec<Term>) -> R<Option<NRet>> {
    let a = &args;
    match (name, a.len()) {
        ("new", 0) => value(Term::list(vec![])),
        ("to_list", 1) => value(list(pairs(&a[0])?)),
        ("keyword?", 1) => value(Term::bool(pairs(&a[0]).is_ok())),
        ("get", 2 | 3) => value(
            pairs(&a[0])?
                .into_iter()
                .find(|(k, _)| *k == a[1])
                .map(|(_, v)| v)
                .unwrap_or_else(|| a.get(2).cloned().unwrap_or_else(Term::nil)),
        ),
        ("get_values", 2) => value(Term::list(
            pairs(&a[0])?
                .into_iter()
                .filter(|(k, _)| *k == a[1])
                .map(|(_, v)| v)
                .collect(),
        )),
        ("fetch", 2) => value(
            pairs(&a[0])?
                .into_iter()
                .find(|(k, _)| *k == a[1])
                .map_or_else(|| Term::atom("error"), |(_, v)| Term::ok_tuple(v)),
        ),
        ("fetch!", 2) => pairs(&a[0])?
            .into_iter()
            .find(|(k, _)| *k == a[1])
            .map(|(_, v)| Some(NRet::Value(v)))
            .ok_or_else(|| key_error(&a[1], &a[0])),
        ("has_key?", 2) => value(Term::bool(pairs(&a[0])?.iter().any(|(k, _)| *k == a[1]))),
        ("put", 3) => value(put(&a[0], &a[1], a[2].clone())?),
        ("put_new", 3) => {
            if pairs(&a[0])?.iter().any(|(k, _)| *k == a[1]) {
                value(a[0].clone())
            } else {
                value(put(&a[0], &a[1], a[2].clone())?)
            }
        }
        ("delete", 2) => value(list(
            pairs(&a[0])?
                .into_iter()
                .filter(|(k, _)| *k != a[1])
                .collect(),
        )),
        ("values", 1) => value(Term::list(
            pairs(&a[0])?.into_iter().map(|(_, v)| v).collect(),
        )),
        ("take" | "drop", 2) => {
            let keys = a[1].as_list().unwrap_or(&[]).to_vec();
            let keep = name == "take";
            value(list(
                pairs(&a[0])?
                    .into_iter()
                    .filter(|(k, _)| keys.iter().any(|x| strict_eq(x, k)) == keep)
                    .collect(),
            ))
        }
        _ => Ok(None),
    }
}
