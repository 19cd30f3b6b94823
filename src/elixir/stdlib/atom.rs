//! `Atom`.

use super::super::machine::{Machine, NRet};
use super::super::value::{badarg, R};
use super::value;
use crate::runtime::Term;

pub const FUNS: super::Table = &[("to_string", 1, true), ("to_charlist", 1, true)];

pub fn call(_m: &mut Machine, name: &str, args: Vec<Term>) -> R<Option<NRet>> {
    let a = &args;
    let Term::Atom(x) = &a[0] else {
        return if a.len() == 1 && FUNS.iter().any(|(n, _, _)| *n == name) {
            Err(badarg(1, "not an atom"))
        } else {
            Ok(None)
        };
    };
    match (name, a.len()) {
        ("to_string", 1) => value(Term::str(&x.name())),
        ("to_charlist", 1) => value(Term::list(
            x.name().chars().map(|c| Term::Int(c as i64)).collect(),
        )),
        _ => Ok(None),
    }
}
