//! `Integer`, `Float` and `:math`.

use super::super::inspect;
use super::super::machine::{Machine, NRet};
use super::super::ops;
use super::super::value::{argument_error, arithmetic, badarg, fn_clause_error, R};
use super::value;
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

fn int(t: &Term, which: usize) -> R<i64> {
    t.as_int().ok_or_else(|| badarg(which, "not an integer"))
}

fn float(t: &Term) -> R<f64> {
    ops::num(t).ok_or_else(|| ops::arith_error("float", t, None))
}

fn round_to(x: f64, digits: i64, how: &str) -> f64 {
    let p = 10f64.powi(digits as i32);
    match how {
        "ceil" => (x * p).ceil() / p,
        "floor" => (x * p).floor() / p,
        _ => (x * p).round() / p,
    }
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
    match i64::from_str_radix(&text, base) {
        Ok(i) => Term::tuple(vec![Term::Int(i), Term::str(&rest)]),
        Err(_) => Term::atom("error"),
    }
}

pub fn call(_m: &mut Machine, module: &str, name: &str, args: Vec<Term>) -> R<Option<NRet>> {
    let a = &args;
    match (module, name, a.len()) {
        ("Elixir.Integer", "to_string", 1) => value(Term::str(&int(&a[0], 1)?.to_string())),
        ("Elixir.Integer", "to_string", 2) => {
            let x = int(&a[0], 1)?;
            let b = radix(&a[1]).ok_or_else(|| badarg(2, NOT_A_BASE))? as i64;
            let mut n = x.unsigned_abs();
            let mut digits = Vec::new();
            loop {
                digits.push(
                    std::char::from_digit((n % b as u64) as u32, b as u32)
                        .unwrap_or('?')
                        .to_ascii_uppercase(),
                );
                n /= b as u64;
                if n == 0 {
                    break;
                }
            }
            if x < 0 {
                digits.push('-');
            }
            value(Term::str(&digits.iter().rev().collect::<String>()))
        }
        ("Elixir.Integer", "to_charlist", 1) => value(Term::list(
            int(&a[0], 1)?
                .to_string()
                .chars()
                .map(|c| Term::Int(c as i64))
                .collect(),
        )),
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
            let (Some(x), Some(base)) = (a[0].as_int(), a.get(1).map_or(Some(10), |b| b.as_int()))
            else {
                return Err(fn_clause_error("Integer.digits", a));
            };
            if base < 2 {
                return Err(fn_clause_error("Integer.digits", a));
            }
            let base = base as u64;
            let mut n = x.unsigned_abs();
            let mut d = Vec::new();
            loop {
                d.push(Term::Int(
                    (n % base) as i64 * x.signum().max(1) * if x < 0 { -1 } else { 1 },
                ));
                n /= base;
                if n == 0 {
                    break;
                }
            }
            d.reverse();
            value(Term::list(d))
        }
        ("Elixir.Integer", "undigits", 1) => {
            let mut acc: i64 = 0;
            for d in a[0].as_list().unwrap_or(&[]) {
                acc = acc
                    .checked_mul(10)
                    .and_then(|x| x.checked_add(d.as_int().unwrap_or(0)))
                    .ok_or_else(|| badarg(1, "too large"))?;
            }
            value(Term::Int(acc))
        }
        ("Elixir.Integer", "pow", 2) => match (&a[0], &a[1]) {
            (Term::Int(_), Term::Int(e)) if *e < 0 => Err(arithmetic()),
            (Term::Int(_), Term::Int(_)) => value(ops::binary("**", &a[0], &a[1])?),
            _ => Err(fn_clause_error("Integer.pow", a)),
        },
        ("Elixir.Integer", "gcd", 2) => {
            let (mut x, mut y) = (int(&a[0], 1)?.unsigned_abs(), int(&a[1], 2)?.unsigned_abs());
            while y != 0 {
                (x, y) = (y, x % y);
            }
            // gcd(-2^63, 0) is 2^63: one past the largest 64-bit integer
            value(Term::Int(i64::try_from(x).map_err(|_| ops::overflow())?))
        }
        ("Elixir.Integer", "mod", 2) => {
            let (x, y) = (int(&a[0], 1)?, int(&a[1], 2)?);
            if y == 0 {
                return Err(ops::arith_error("rem", &a[0], Some(&a[1])));
            }
            let r = x.wrapping_rem(y); // rem(-2^63, -1) is 0
            value(Term::Int(if r != 0 && (r < 0) != (y < 0) {
                r + y
            } else {
                r
            }))
        }
        ("Elixir.Integer", "floor_div", 2) => {
            let (x, y) = (int(&a[0], 1)?, int(&a[1], 2)?);
            if y == 0 {
                return Err(ops::arith_error("div", &a[0], Some(&a[1])));
            }
            let q = x.checked_div(y).ok_or_else(ops::overflow)?; // -2^63 div -1
            value(Term::Int(if (x % y != 0) && ((x < 0) != (y < 0)) {
                q - 1
            } else {
                q
            }))
        }
        ("Elixir.Integer", "is_even", 1) => value(Term::bool(int(&a[0], 1)? % 2 == 0)),
        ("Elixir.Integer", "is_odd", 1) => value(Term::bool(int(&a[0], 1)? % 2 != 0)),
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
            let end = s
                .char_indices()
                .take_while(|(i, c)| {
                    c.is_ascii_digit()
                        || *c == '.'
                        || ((*c == '-' || *c == '+') && *i == 0)
                        || *c == 'e'
                })
                .count();
            match s[..end].parse::<f64>() {
                Ok(f) => value(Term::tuple(vec![Term::Float(f), Term::str(&s[end..])])),
                Err(_) => value(Term::atom("error")),
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
