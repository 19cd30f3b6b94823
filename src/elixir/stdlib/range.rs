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
            let r1 = range_parts(&a[0]).ok_or_else(|| badarg(1, "not a range"))?;
            let r2 = range_parts(&a[1]).ok_or_else(|| badarg(2, "not a range"))?;
            value(Term::bool(disjoint(r1, r2)))
        }
        ("to_list", 1) => super::r#enum::call(m, "to_list", args),
        _ => Ok(None),
    }
}

/// A range as an ascending progression: its lowest and highest members and its step (> 0);
/// `None` when it is empty.
fn ascending((first, last, step): (i64, i64, i64)) -> Option<(i128, i128, i128)> {
    let n = ops::range_count(first, last, step) as i128;
    if n == 0 {
        return None;
    }
    let end = first as i128 + step as i128 * (n - 1);
    let (lo, hi) = (end.min(first as i128), end.max(first as i128));
    Some((lo, hi, (step as i128).abs()))
}

/// `(g, x)` with `g = gcd(a, b) = a·x + b·y` for some `y` (Euclid's, extended).
fn extended_gcd(a: i128, b: i128) -> (i128, i128) {
    let (mut r0, mut r1, mut x0, mut x1) = (a, b, 1i128, 0i128);
    while r1 != 0 {
        let q = r0 / r1;
        (r0, r1) = (r1, r0 - q * r1);
        (x0, x1) = (x1, x0 - q * x1);
    }
    if r0 < 0 {
        (-r0, -x0)
    } else {
        (r0, x0)
    }
}

/// Whether two ranges share no integer, steps included: the members of both are the
/// solutions of two congruences (the Chinese remainder theorem), looked for between the
/// larger low end and the smaller high end.
fn disjoint(r1: (i64, i64, i64), r2: (i64, i64, i64)) -> bool {
    let (Some((lo1, hi1, s1)), Some((lo2, hi2, s2))) = (ascending(r1), ascending(r2)) else {
        return true;
    };
    let (lo, hi) = (lo1.max(lo2), hi1.min(hi2));
    if lo > hi {
        return true;
    }
    // x = lo1 + s1·k with x ≡ lo2 (mod s2): s1·k ≡ lo2 - lo1 (mod s2)
    let (g, inv) = extended_gcd(s1, s2);
    let diff = lo2 - lo1;
    if diff % g != 0 {
        return true;
    }
    let m = s2 / g;
    let k = ((diff / g) % m * (inv % m)) % m;
    let lcm = s1.saturating_mul(m);
    let x0 = lo1.saturating_add(s1.saturating_mul(k.rem_euclid(m)));
    // the first common member at or above `lo`
    let first = x0.saturating_add((lo - x0).max(0).div_euclid(lcm).saturating_mul(lcm));
    let first = if first < lo {
        first.saturating_add(lcm)
    } else {
        first
    };
    first > hi
}
