//! `Range`.

use super::super::machine::{Machine, NRet};
use super::super::ops;
use super::super::value::{badarg, R};
use super::value;
use crate::runtime::term::range_parts;
use crate::runtime::Term;

pub const FUNS: super::Table = &[
    ("new", 2, true),
    ("new", 3, true),
    ("size", 1, true),
    ("disjoint?", 2, true),
    ("to_list", 1, true),
];

pub fn call(m: &mut Machine, name: &str, args: Vec<Term>) -> R<Option<NRet>> {
    let a = &args;
    match (name, a.len()) {
        ("new", 2) => value(ops::range(&a[0], &a[1], None)?),
        ("new", 3) => value(ops::range(&a[0], &a[1], Some(&a[2]))?),
        ("size", 1) => {
            let (f, l, s) = range_parts(&a[0]).ok_or_else(|| badarg(1, "not a range"))?;
            value(Term::Int(
                i64::try_from(ops::range_count(f, l, s)).map_err(|_| ops::overflow())?,
            ))
        }
        ("disjoint?", 2) => {
            let (f1, l1, _) = range_parts(&a[0]).ok_or_else(|| badarg(1, "not a range"))?;
            let (f2, l2, _) = range_parts(&a[1]).ok_or_else(|| badarg(2, "not a range"))?;
            let (a1, b1) = (f1.min(l1), f1.max(l1));
            let (a2, b2) = (f2.min(l2), f2.max(l2));
            value(Term::bool(b1 < a2 || b2 < a1))
        }
        ("to_list", 1) => super::r#enum::call(m, "to_list", args),
        _ => Ok(None),
    }
}
