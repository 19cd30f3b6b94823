//! `Map`.

use super::super::machine::{map_update, Machine, NRet};
use super::super::matcher::{map_get, strict_eq};
use super::super::value::{bad_map, key_error, R};
use super::enumerable::to_vec;
use super::value;
use crate::runtime::Term;

pub const FUNS: super::Table = &[
    ("new", 0, true),
    ("new", 1, true),
    ("get", 2, true),
    ("get", 3, true),
    ("put", 3, true),
    ("delete", 2, true),
    ("fetch", 2, true),
    ("fetch!", 2, true),
    ("has_key?", 2, true),
    ("keys", 1, true),
    ("values", 1, true),
    ("merge", 2, true),
    ("to_list", 1, true),
    ("take", 2, true),
    ("drop", 2, true),
    ("pop", 2, true),
    ("pop", 3, true),
    ("put_new", 3, true),
    ("replace", 3, true),
    ("replace!", 3, true),
    ("from_struct", 1, true),
    ("equal?", 2, true),
    ("split", 2, true),
];

fn pairs(t: &Term) -> R<Vec<(Term, Term)>> {
    match t {
        Term::Map(p) => Ok(p.to_vec()),
        Term::Struct(m, f) => {
            let mut p: Vec<(Term, Term)> =
                f.iter().map(|(k, v)| (Term::Atom(*k), v.clone())).collect();
            p.push((Term::atom("__struct__"), Term::Atom(*m)));
            crate::sorting::sort_by(&mut p, |a, b| a.0.key_cmp(&b.0));
            Ok(p)
        }
        other => Err(bad_map(other)),
    }
}

fn put(map: &Term, k: Term, v: Term) -> R<Term> {
    match map {
        Term::Map(_) => {
            let mut p = pairs(map)?;
            p.push((k, v));
            Ok(Term::map(p))
        }
        Term::Struct(..) => match map_get(map, &k) {
            Some(_) => map_update(map, vec![(k, v)]),
            None => {
                let mut p = pairs(map)?;
                p.push((k, v));
                Ok(Term::map(p))
            }
        },
        other => Err(bad_map(other)),
    }
}

fn from_pairs(items: Vec<Term>) -> R<Term> {
    super::enumerable::into(&Term::map(vec![]), items)
}

pub fn call(_m: &mut Machine, name: &str, args: Vec<Term>) -> R<Option<NRet>> {
    let a = &args;
    match (name, a.len()) {
        ("new", 0) => value(Term::map(vec![])),
        ("new", 1) => value(from_pairs(to_vec(&a[0])?)?),
        ("get", 2 | 3) => {
            pairs(&a[0])?;
            value(
                map_get(&a[0], &a[1])
                    .unwrap_or_else(|| a.get(2).cloned().unwrap_or_else(Term::nil)),
            )
        }
        ("fetch", 2) => {
            pairs(&a[0])?;
            value(map_get(&a[0], &a[1]).map_or_else(|| Term::atom("error"), Term::ok_tuple))
        }
        ("fetch!", 2) => map_get(&a[0], &a[1])
            .map(|v| Some(NRet::Value(v)))
            .ok_or_else(|| {
                if matches!(a[0], Term::Map(_) | Term::Struct(..)) {
                    key_error(&a[1], &a[0])
                } else {
                    bad_map(&a[0])
                }
            }),
        ("has_key?", 2) => {
            pairs(&a[0])?;
            value(Term::bool(map_get(&a[0], &a[1]).is_some()))
        }
        ("put", 3) => value(put(&a[0], a[1].clone(), a[2].clone())?),
        ("put_new", 3) => {
            if map_get(&a[0], &a[1]).is_some() {
                pairs(&a[0])?;
                value(a[0].clone())
            } else {
                value(put(&a[0], a[1].clone(), a[2].clone())?)
            }
        }
        ("replace" | "replace!", 3) => {
            if map_get(&a[0], &a[1]).is_some() {
                value(put(&a[0], a[1].clone(), a[2].clone())?)
            } else if name == "replace" {
                pairs(&a[0])?;
                value(a[0].clone())
            } else {
                Err(key_error(&a[1], &a[0]))
            }
        }
        ("delete", 2) => {
            let p: Vec<(Term, Term)> = pairs(&a[0])?
                .into_iter()
                .filter(|(k, _)| !strict_eq(k, &a[1]))
                .collect();
            value(Term::map(p))
        }
        ("keys", 1) => value(Term::list(
            pairs(&a[0])?.into_iter().map(|(k, _)| k).collect(),
        )),
        ("values", 1) => value(Term::list(
            pairs(&a[0])?.into_iter().map(|(_, v)| v).collect(),
        )),
        ("to_list", 1) => value(Term::list(
            pairs(&a[0])?
                .into_iter()
                .map(|(k, v)| Term::tuple(vec![k, v]))
                .collect(),
        )),
        ("merge", 2) => {
            let mut p = pairs(&a[0])?;
            p.extend(pairs(&a[1])?);
            match &a[0] {
                Term::Struct(..) => {
                    let mut t = a[0].clone();
                    for (k, v) in pairs(&a[1])? {
                        t = put(&t, k, v)?;
                    }
                    value(t)
                }
                _ => value(Term::map(p)),
            }
        }
        ("take", 2) => {
            let keys = to_vec(&a[1])?;
            let p = pairs(&a[0])?
                .into_iter()
                .filter(|(k, _)| keys.iter().any(|x| strict_eq(x, k)))
                .collect();
            value(Term::map(p))
        }
        ("drop", 2) => {
            let keys = to_vec(&a[1])?;
            let p = pairs(&a[0])?
                .into_iter()
                .filter(|(k, _)| !keys.iter().any(|x| strict_eq(x, k)))
                .collect();
            value(Term::map(p))
        }
        ("split", 2) => {
            let keys = to_vec(&a[1])?;
            let (x, y): (Vec<_>, Vec<_>) = pairs(&a[0])?
                .into_iter()
                .partition(|(k, _)| keys.iter().any(|z| strict_eq(z, k)));
            value(Term::tuple(vec![Term::map(x), Term::map(y)]))
        }
        ("pop", 2 | 3) => {
            let default = a.get(2).cloned().unwrap_or_else(Term::nil);
            let got = map_get(&a[0], &a[1]);
            let rest: Vec<(Term, Term)> = pairs(&a[0])?
                .into_iter()
                .filter(|(k, _)| !strict_eq(k, &a[1]))
                .collect();
            value(Term::tuple(vec![got.unwrap_or(default), Term::map(rest)]))
        }
        ("from_struct", 1) => {
            let name = Term::atom("__struct__");
            let fields = pairs(&a[0])?
                .into_iter()
                .filter(|(k, _)| *k != name)
                .collect();
            value(Term::map(fields))
        }
        ("equal?", 2) => value(Term::bool(strict_eq(&a[0], &a[1]))),
        _ => Ok(None),
    }
}
