//! `Map`.

use super::super::machine::{map_update, Machine, NRet};
use super::super::matcher::{map_get, strict_eq};
use super::super::value::{bad_map, key_error, R};
use super::enumerable::{call_then, item_arg, push_item, to_vec, walk, Items, Walk};
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
    ("new", 2, false),
    ("update", 4, false),
    ("update!", 3, false),
    ("get_lazy", 3, false),
    ("put_new_lazy", 3, false),
    ("filter", 2, false),
    ("reject", 2, false),
    ("map", 2, false),
    ("merge", 3, false),
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

pub fn call(m: &mut Machine, name: &str, args: Vec<Term>) -> R<Option<NRet>> {
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
        ("new", 2) => {
            let items = Items::of(&a[0])?;
            Ok(Some(walk(
                m,
                Walk {
                    items,
                    i: 0,
                    fun: a[1].clone(),
                    state: Vec::new(),
                    args: item_arg,
                    step: |s, _, r| {
                        push_item(s, r)?;
                        Ok(None)
                    },
                    done: from_pairs,
                },
            )?))
        }
        ("update", 4) => {
            pairs(&a[0])?;
            match map_get(&a[0], &a[1]) {
                None => value(put(&a[0], a[1].clone(), a[2].clone())?),
                Some(old) => {
                    let (map, k) = (a[0].clone(), a[1].clone());
                    Ok(Some(call_then(a[3].clone(), vec![old], move |_, new| {
                        put(&map, k, new)
                    })))
                }
            }
        }
        ("update!", 3) => match map_get(&a[0], &a[1]) {
            None => {
                pairs(&a[0])?;
                Err(key_error(&a[1], &a[0]))
            }
            Some(old) => {
                let (map, k) = (a[0].clone(), a[1].clone());
                Ok(Some(call_then(a[2].clone(), vec![old], move |_, new| {
                    put(&map, k, new)
                })))
            }
        },
        ("get_lazy", 3) => match map_get(&a[0], &a[1]) {
            Some(v) => value(v),
            None => Ok(Some(NRet::Call(a[2].clone(), vec![]))),
        },
        ("put_new_lazy", 3) => match map_get(&a[0], &a[1]) {
            Some(_) => value(a[0].clone()),
            None => {
                let (map, k) = (a[0].clone(), a[1].clone());
                Ok(Some(call_then(a[2].clone(), vec![], move |_, v| {
                    put(&map, k, v)
                })))
            }
        },
        ("filter" | "reject", 2) => {
            let items = Items::of(&Term::map(pairs(&a[0])?))?;
            let keep = name == "filter";
            Ok(Some(walk(
                m,
                Walk {
                    items,
                    i: 0,
                    fun: a[1].clone(),
                    state: (keep, Vec::new()),
                    args: item_arg,
                    step: |s, item, r| {
                        if r.is_truthy() == s.0 {
                            push_item(&mut s.1, item.clone())?;
                        }
                        Ok(None)
                    },
                    done: |s| from_pairs(s.1),
                },
            )?))
        }
        ("map", 2) => {
            let items = Items::of(&Term::map(pairs(&a[0])?))?;
            Ok(Some(walk(
                m,
                Walk {
                    items,
                    i: 0,
                    fun: a[1].clone(),
                    state: Vec::new(),
                    args: item_arg,
                    step: |s, item, r| {
                        if let Some([k, _]) = item.as_tuple() {
                            push_item(s, Term::tuple(vec![k.clone(), r]))?;
                        }
                        Ok(None)
                    },
                    done: from_pairs,
                },
            )?))
        }
        ("merge", 3) => {
            // conflicts resolved by fun(key, v1, v2)
            let left = pairs(&a[0])?;
            let right = pairs(&a[1])?;
            let mut conflicts = Vec::new();
            let mut out = left.clone();
            for (k, v2) in right {
                match left.iter().find(|(lk, _)| strict_eq(lk, &k)) {
                    Some((_, v1)) => conflicts.push(Term::tuple(vec![k, v1.clone(), v2])),
                    None => out.push((k, v2)),
                }
            }
            let items = Items::of(&Term::list(conflicts))?;
            Ok(Some(walk(
                m,
                Walk {
                    items,
                    i: 0,
                    fun: a[2].clone(),
                    state: out,
                    args: |item, _, out| out.extend(item.as_tuple().into_iter().flatten().cloned()),
                    step: |s, item, r| {
                        if let Some([k, _, _]) = item.as_tuple() {
                            push_item(s, (k.clone(), r))?;
                        }
                        Ok(None)
                    },
                    done: |s| Ok(Term::map(s)),
                },
            )?))
        }
        _ => Ok(None),
    }
}
