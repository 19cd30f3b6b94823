//! `Tuple`.

use super::super::machine::{Machine, NRet};
use super::super::ops;
use super::super::value::{badarg, R};
use super::value;
use crate::runtime::Term;

pub const FUNS: super::Table = &[
    ("to_list", 1, true),
    ("append", 2, true),
    ("delete_at", 2, true),
    ("insert_at", 3, true),
    ("duplicate", 2, true),
    ("sum", 1, true),
    ("product", 1, true),
];

fn items(t: &Term) -> R<Vec<Term>> {
    t.as_tuple()
        .map(|x| x.to_vec())
        .ok_or_else(|| badarg(1, "not a tuple"))
}

pub fn call(m: &mut Machine, name: &str, args: Vec<Term>) -> R<Option<NRet>> {
    let a = &args;
    match (name, a.len()) {
        ("to_list", 1) => value(Term::list(items(&a[0])?)),
        ("append", 2) => {
            let mut v = items(&a[0])?;
            v.push(a[1].clone());
            value(Term::tuple(v))
        }
        ("delete_at", 2) => {
            let mut v = items(&a[0])?;
            let i = a[1]
                .as_int()
                .filter(|i| *i >= 0 && usize::try_from(*i).unwrap_or(usize::MAX) < v.len())
                .ok_or_else(|| badarg(2, "out of range"))?;
            v.remove(i as usize);
            value(Term::tuple(v))
        }
        ("insert_at", 3) => {
            let mut v = items(&a[0])?;
            let i = a[1]
                .as_int()
                .filter(|i| *i >= 0 && usize::try_from(*i).unwrap_or(usize::MAX) <= v.len())
                .ok_or_else(|| badarg(2, "out of range"))?;
            v.insert(i as usize, a[2].clone());
            value(Term::tuple(v))
        }
        ("duplicate", 2) => {
            // :erlang.make_tuple(n, elem): the count is its 1st argument
            let n = match a[1].as_int() {
                Some(n) if n >= 0 => n as u64,
                Some(_) => return Err(badarg(1, "out of range")),
                None => return Err(badarg(1, "not an integer")),
            };
            if n > ops::MAX_ITEMS as u64 {
                return Err(ops::too_big("a tuple", n as usize));
            }
            ops::note_alloc(n as usize * std::mem::size_of::<Term>());
            value(Term::tuple(vec![a[0].clone(); n as usize]))
        }
        ("sum" | "product", 1) => super::r#enum::call(m, name, vec![Term::list(items(&a[0])?)]),
        _ => Ok(None),
    }
}
