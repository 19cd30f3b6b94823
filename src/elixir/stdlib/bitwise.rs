//! `Bitwise`: `band`, `bor`, `bxor`, `bnot`, `bsl`, `bsr`, and the operators `&&&`, `|||`,
//! `<<<`, `>>>` that `import Bitwise` brings (the parser makes them local calls, as Elixir
//! does). On 64-bit integers natively; past them on big integers in two's complement, as
//! the BEAM answers (`bnot(2 ** 64)` is `-18446744073709551617`).

use super::super::inspect::inspect;
use super::super::machine::{Machine, NRet};
use super::super::ops;
use super::super::value::{exception, Exc, R};
use super::value;
use crate::runtime::bigint::BigInt;
use crate::runtime::Term;

pub const FUNS: super::Table = &[
    ("band", 2, true),
    ("bor", 2, true),
    ("bxor", 2, true),
    ("bnot", 1, true),
    ("bsl", 2, true),
    ("bsr", 2, true),
    ("&&&", 2, true),
    ("|||", 2, true),
    ("<<<", 2, true),
    (">>>", 2, true),
];

/// The function an operator stands for.
fn named(name: &str) -> &str {
    match name {
        "&&&" => "band",
        "|||" => "bor",
        "<<<" => "bsl",
        ">>>" => "bsr",
        other => other,
    }
}

/// `bad argument in arithmetic expression: Bitwise.band(1.0, 2)`, as iex says it.
fn bad(name: &str, args: &[Term]) -> Exc {
    let shown: Vec<String> = args.iter().map(inspect).collect();
    exception(
        "ArithmeticError",
        vec![(
            "message",
            Term::str(&format!(
                "bad argument in arithmetic expression: Bitwise.{name}({})",
                shown.join(", ")
            )),
        )],
    )
}

/// `x` shifted left by `n` bits (right when `n` is negative), or `None` past 64 bits.
fn shift_left(x: i64, n: i64) -> Option<i64> {
    if n < 0 {
        return Some(shift_right(x, n.checked_neg().unwrap_or(i64::MAX)));
    }
    if x == 0 {
        return Some(0);
    }
    if n >= 64 {
        return None;
    }
    let r = x.checked_shl(n as u32)?;
    // every bit shifted out must equal the sign, or the answer needs more bits
    (r >> n == x).then_some(r)
}

/// Arithmetic shift right by `n ≥ 0` bits; a shift past 63 gives 0 or -1.
fn shift_right(x: i64, n: i64) -> i64 {
    if n >= 64 {
        return if x < 0 { -1 } else { 0 };
    }
    x >> n.max(0)
}

pub fn call(_m: &mut Machine, name: &str, args: Vec<Term>) -> R<Option<NRet>> {
    let name = named(name);
    let ints: Vec<i64> = args.iter().filter_map(Term::as_int).collect();
    if ints.len() == args.len() {
        let r = match (name, ints.as_slice()) {
            ("band", [x, y]) => Some(x & y),
            ("bor", [x, y]) => Some(x | y),
            ("bxor", [x, y]) => Some(x ^ y),
            ("bnot", [x]) => Some(!x),
            ("bsl", [x, n]) => shift_left(*x, *n),
            ("bsr", [x, n]) if *n < 0 => shift_left(*x, n.checked_neg().unwrap_or(i64::MAX)),
            ("bsr", [x, n]) => Some(shift_right(*x, *n)),
            _ => return Ok(None),
        };
        if let Some(r) = r {
            return value(Term::Int(r));
        }
    }
    let bigs: Vec<BigInt> = args.iter().filter_map(Term::as_bigint).collect();
    if bigs.len() != args.len() {
        return Err(bad(name, &args));
    }
    value(ops::big(match (name, bigs.as_slice()) {
        ("band", [x, y]) => x & y,
        ("bor", [x, y]) => x | y,
        ("bxor", [x, y]) => x ^ y,
        ("bnot", [x]) => !x,
        ("bsl" | "bsr", [x, n]) => {
            let left = if name == "bsl" { n.clone() } else { -n };
            match left.to_i64() {
                _ if x.is_zero() => BigInt::zero(),
                Some(k) if k >= 0 => {
                    if x.bits().saturating_add(k as u64) > ops::MAX_BIG_BITS {
                        return Err(ops::overflow());
                    }
                    x << k as u64
                }
                Some(k) => x >> k.unsigned_abs().min(x.bits() + 1),
                // a shift past any width: all bits out (0, or -1 for a negative)
                None if left.is_negative() => {
                    if x.is_negative() {
                        BigInt::from(-1)
                    } else {
                        BigInt::zero()
                    }
                }
                None => return Err(ops::overflow()),
            }
        }
        _ => return Ok(None),
    })?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shifts_keep_to_64_bits_or_say_so() {
        assert_eq!(shift_left(1, 10), Some(1024));
        assert_eq!(shift_left(1, 62), Some(1 << 62));
        assert_eq!(shift_left(1, 63), None); // 9223372036854775808 needs a 65th bit
        assert_eq!(shift_left(-1, 63), Some(i64::MIN));
        assert_eq!(shift_left(3, 62), None);
        assert_eq!(shift_left(5, -2), Some(1));
        assert_eq!(shift_left(0, 1_000_000), Some(0));
        assert_eq!(shift_left(1, i64::MIN), Some(0));
        assert_eq!(shift_right(-16, 2), -4);
        assert_eq!(shift_right(-1, 100), -1);
        assert_eq!(shift_right(1024, 3), 128);
    }
}
