//! `Integer`, `Float` and `:math`.

use super::super::inspect;
use super::super::machine::{Machine, NRet};
use super::super::ops;
use super::super::value::{argument_error, arithmetic, badarg, fn_clause_error, R};
use super::value;
use crate::runtime::bigint::BigInt;
use crate::runtime::float_parse::parse_f64;
use crate::runtime::Term;

pub const FUNS: super::Table = &[
    ("to_string", 1, true),
    ("to_string", 2, true),
    ("parse", 1, true),
    ("parse", 2, true),
    ("digits", 1, true),
    ("digits", 2, true),
    ("undigits", 1, true),
    ("pow", 2, true),
    ("gcd", 2, true),
    ("mod", 2, true),
    ("floor_div", 2, true),
    ("is_even", 1, true),
    ("is_odd", 1, true),
    ("to_charlist", 1, true),
    ("to_charlist", 2, true),
    ("undigits", 2, true),
];

pub const FLOAT: super::Table = &[
    ("round", 1, true),
    ("round", 2, true),
    ("ceil", 1, true),
    ("ceil", 2, true),
    ("floor", 1, true),
    ("floor", 2, true),
    ("to_string", 1, true),
    ("parse", 1, true),
];

pub const MATH: super::Table = &[
    ("sqrt", 1, true),
    ("pow", 2, true),
    ("pi", 0, true),
    ("log", 1, true),
    ("log2", 1, true),
    ("log10", 1, true),
    ("exp", 1, true),
    ("sin", 1, true),
    ("cos", 1, true),
    ("tan", 1, true),
    ("floor", 1, true),
    ("ceil", 1, true),
];

/// `:erlang`'s words for a base outside 2..36.
pub const NOT_A_BASE: &str = "not an integer in the range 2 through 36";

/// A base for `Integer.parse`, `String.to_integer`, `Integer.to_string`: 2 to 36.
pub fn radix(t: &Term) -> Option<u32> {
    t.as_int()
        .filter(|b| (2..=36).contains(b))
        .map(|b| b as u32)
}

fn bint(t: &Term, which: usize) -> R<BigInt> {
    t.as_bigint().ok_or_else(|| badarg(which, "not an integer"))
}

fn float(t: &Term) -> R<f64> {
    ops::num(t).ok_or_else(|| ops::arith_error("float", t, None))
}

/// `Float.round/ceil/floor` to `digits` decimal places, on the float's exact value (as
/// Elixir rounds: 5.5675 is 5.56749999… and rounds down to 5.567); halves away from zero.
fn round_to(x: f64, digits: i64, how: &str) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let bits = x.abs().to_bits();
    let (exp, frac) = ((bits >> 52) as i64, bits & ((1 << 52) - 1));
    // |x| = m · 2^e exactly
    let (m, e) = if exp == 0 {
        (frac, -1074)
    } else {
        (frac | (1 << 52), exp - 1075)
    };
    let ten = BigInt::from(10).pow(digits as u64);
    let (num, den) = if e >= 0 {
        ((BigInt::from(m) << e as u64) * &ten, BigInt::from(1))
    } else {
        (BigInt::from(m) * &ten, BigInt::from(1) << (-e) as u64)
    };
    let (q, r) = num.div_rem(&den);
    let up = match (how, x < 0.0) {
        ("round", _) => &r * &BigInt::from(2) >= den,
        ("ceil", false) | ("floor", true) => !r.is_zero(),
        _ => false,
    };
    let q = if up { q + BigInt::from(1) } else { q };
    let magnitude = parse_f64(&format!("{q}e-{digits}")).unwrap_or(f64::NAN);
    if x < 0.0 {
        -magnitude
    } else {
        magnitude
    }
}

/// The integer a whole text writes in `base` (an optional sign, then digits only), as
/// `String.to_integer/2` and `:erlang.binary_to_integer/2` read it.
pub fn parse_whole(s: &str, base: u32) -> Option<Term> {
    let digits = s.strip_prefix(['-', '+']).unwrap_or(s);
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(base)) {
        return None;
    }
    if let Ok(i) = i64::from_str_radix(s, base) {
        return Some(Term::Int(i));
    }
    let b = BigInt::parse_bytes(s.as_bytes(), base)?;
    (b.bits() <= ops::MAX_BIG_BITS).then(|| Term::big(b))
}

fn parse_int(s: &str, base: u32) -> Term {
    let bytes: Vec<char> = s.chars().collect();
    let mut end = 0;
    if matches!(bytes.first(), Some('-' | '+')) {
        end = 1;
    }
    let digits_start = end;
    while end < bytes.len() && bytes[end].is_digit(base) {
        end += 1;
    }
    if end == digits_start {
        return Term::atom("error");
    }
    let text: String = bytes[..end].iter().collect();
    let rest: String = bytes[end..].iter().collect();
    match BigInt::parse_bytes(text.as_bytes(), base) {
        Some(i) if i.bits() <= ops::MAX_BIG_BITS => {
            Term::tuple(vec![Term::big(i), Term::str(&rest)])
        }
        _ => Term::atom("error"),
    }
}

pub fn call(_m: &mut Machine, module: &str, name: &str, args: Vec<Term>) -> R<Option<NRet>> {
    let a = &args;
    match (module, name, a.len()) {
        ("Elixir.Integer", "to_string" | "to_charlist", 1 | 2) => {
            let x = bint(&a[0], 1)?;
            let b = match a.get(1) {
                None => 10,
                Some(b) => radix(b).ok_or_else(|| badarg(2, NOT_A_BASE))?,
            };
            let text = x.to_str_radix(b).to_ascii_uppercase();
            ops::note_alloc(text.len());
            value(if name == "to_string" {
                Term::str(&text)
            } else {
                Term::list(text.bytes().map(|c| Term::Int(c as i64)).collect())
            })
        }
        ("Elixir.Integer", "parse", 1 | 2) => {
            let base = match a.get(1) {
                None => 10,
                Some(b) => radix(b).ok_or_else(|| {
                    argument_error(format!("invalid base {}", inspect::inspect(b)))
                })?,
            };
            let s = a[0]
                .as_str()
                .ok_or_else(|| fn_clause_error("Integer.parse", a))?;
            value(parse_int(s, base))
        }
        ("Elixir.Integer", "digits", 1 | 2) => {
            let (Some(x), Some(base)) = (
                a[0].as_bigint(),
                a.get(1).map_or(Some(BigInt::from(10)), |b| b.as_bigint()),
            ) else {
                return Err(fn_clause_error("Integer.digits", a));
            };
            if base < BigInt::from(2) {
                return Err(fn_clause_error("Integer.digits", a));
            }
            let sign = if x.is_negative() { -1 } else { 1 };
            let d: Vec<Term> = match base.to_u32().filter(|b| *b <= 256) {
                // all at once (dividing a wide integer by 10 a digit at a time is quadratic)
                Some(b) => x
                    .to_radix_be(b)
                    .into_iter()
                    .map(|digit| Term::Int(sign * digit as i64))
                    .collect(),
                None => {
                    let mut n = x;
                    let mut d = Vec::new();
                    loop {
                        let (q, r) = n.div_rem(&base);
                        d.push(Term::big(r));
                        n = q;
                        if n.is_zero() {
                            break;
                        }
                    }
                    d.reverse();
                    d
                }
            };
            ops::note_alloc(d.len() * 16);
            value(Term::list(d))
        }
        ("Elixir.Integer", "undigits", 1 | 2) => {
            let base = match a.get(1) {
                None => BigInt::from(10),
                Some(b) => b
                    .as_bigint()
                    .filter(|b| *b >= BigInt::from(2))
                    .ok_or_else(|| fn_clause_error("Integer.undigits", a))?,
            };
            let digits = a[0]
                .as_list()
                .ok_or_else(|| fn_clause_error("Integer.undigits", a))?;
            let mut acc = BigInt::zero();
            let mut scratch = Vec::new();
            for d in digits.iter() {
                let d = d
                    .as_bigint()
                    .ok_or_else(|| fn_clause_error("Integer.undigits", a))?;
                if d >= base {
                    return Err(argument_error(format!("invalid digit {d} in base {base}")));
                }
                acc.mul_add_reusing(&base, &d, &mut scratch);
                if acc.bits() > ops::MAX_BIG_BITS {
                    return Err(ops::overflow());
                }
            }
            value(ops::big(acc)?)
        }
        ("Elixir.Integer", "pow", 2) => match (&a[0], &a[1]) {
            (x, e) if ops::is_int(x) && ops::is_int(e) => {
                if ops::negative(e) {
                    return Err(arithmetic());
                }
                value(ops::int_pow(x, e)?)
            }
            _ => Err(fn_clause_error("Integer.pow", a)),
        },
        ("Elixir.Integer", "gcd", 2) => {
            let (x, y) = (bint(&a[0], 1)?, bint(&a[1], 2)?);
            value(Term::big(x.gcd(&y)))
        }
        ("Elixir.Integer", "mod" | "floor_div", 2) => {
            let (x, y) = (bint(&a[0], 1)?, bint(&a[1], 2)?);
            if y.is_zero() {
                let op = if name == "mod" { "rem" } else { "div" };
                return Err(ops::arith_error(op, &a[0], Some(&a[1])));
            }
            value(ops::big(if name == "mod" {
                x.mod_floor(&y)
            } else {
                x.div_floor(&y)
            })?)
        }
        ("Elixir.Integer", "is_even", 1) => value(Term::bool(!bint(&a[0], 1)?.bit(0))),
        ("Elixir.Integer", "is_odd", 1) => value(Term::bool(bint(&a[0], 1)?.bit(0))),
        ("Elixir.Float", "round" | "ceil" | "floor", 1 | 2) => {
            let Term::Float(x) = a[0] else {
                return Err(badarg(1, "not a float"));
            };
            let digits = match a.get(1) {
                None => 0,
                Some(Term::Int(d)) if (0..=15).contains(d) => *d,
                Some(d) => {
                    return Err(argument_error(format!(
                        "precision {} is out of valid range of 0..15",
                        inspect::inspect(d)
                    )))
                }
            };
            value(Term::Float(round_to(x, digits, name)))
        }
        ("Elixir.Float", "to_string", 1) => {
            value(Term::str(&inspect::inspect(&Term::Float(float(&a[0])?))))
        }
        ("Elixir.Float", "parse", 1) => {
            let s = a[0].as_str().ok_or_else(|| badarg(1, "not a binary"))?;
            let end = float_prefix(s.as_bytes());
            match parse_f64(&s[..end]).filter(|f| f.is_finite()) {
                Some(f) if end > 0 => {
                    value(Term::tuple(vec![Term::Float(f), Term::str(&s[end..])]))
                }
                _ => value(Term::atom("error")),
            }
        }
        ("math", "pi", 0) => value(Term::Float(std::f64::consts::PI)),
        ("math", "pow", 2) => value(ops::finite(float(&a[0])?.powf(float(&a[1])?), arithmetic)?),
        ("math", f, 1) => {
            let x = float(&a[0])?;
            let r = match f {
                "sqrt" => x.sqrt(),
                "log" => x.ln(),
                "log2" => x.log2(),
                "log10" => x.log10(),
                "exp" => x.exp(),
                "sin" => x.sin(),
                "cos" => x.cos(),
                "tan" => x.tan(),
                "floor" => x.floor(),
                "ceil" => x.ceil(),
                _ => return Ok(None),
            };
            value(ops::finite(r, arithmetic)?)
        }
        _ => Ok(None),
    }
}

/// How long the float at the start of `b` is, as `Float.parse/1` reads one: a sign, digits,
/// then a `.` only with digits after it, and an exponent only with digits in it (0: none).
fn float_prefix(b: &[u8]) -> usize {
    let digits = |from: usize| {
        b.get(from..)
            .map_or(0, |r| r.iter().take_while(|c| c.is_ascii_digit()).count())
    };
    let mut i = usize::from(matches!(b.first(), Some(b'+' | b'-')));
    let whole = digits(i);
    if whole == 0 {
        return 0;
    }
    i += whole;
    if b.get(i) == Some(&b'.') && digits(i + 1) > 0 {
        i += 1 + digits(i + 1);
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        let sign = usize::from(matches!(b.get(i + 1), Some(b'+' | b'-')));
        let n = digits(i + 1 + sign);
        if n > 0 {
            i += 1 + sign + n;
        }
    }
    i
}
