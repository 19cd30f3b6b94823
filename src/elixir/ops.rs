//! Elixir's operators on terms: arithmetic (on 64-bit integers, and past them on big
//! integers, as the BEAM's bignums), comparison in Erlang's term order, `<>`, `++`, `--`, `in`, ranges, and `to_string` (String.Chars).

use super::inspect;
use super::matcher::strict_eq;
use super::value::{argument_error, arithmetic, exception, protocol_undefined, Exc, R};
use crate::runtime::bigint::BigInt;
use crate::runtime::term::range_parts;
use crate::runtime::{Atom, Term};

/// The longest list or string an operation may build (a guard against a tab running out of
/// memory; Elixir itself would grow until the VM's memory is gone).
pub const MAX_ITEMS: usize = 10_000_000;

thread_local! {
    static ALLOCATED: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
    static NATIVE_WORK: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
    static CHARGED: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// Bytes a big operation built in one step: they count towards the heap check and, as
/// reductions (one per `BYTES_PER_REDUCTION`), towards the process's turn (the BEAM charges
/// a BIF for its work the same way), so that a loop building a 10,000-item list per step
/// yields as often as one adding numbers.
pub fn note_alloc(bytes: usize) {
    ALLOCATED.with(|a| a.set(a.get().saturating_add(bytes)));
    NATIVE_WORK.with(|w| w.set(w.get().saturating_add((bytes / BYTES_PER_REDUCTION) as u64)));
    CHARGED.with(|c| c.set(c.get().saturating_add(bytes as u64)));
}

/// Reductions a native loop did (a walk over 20,000 items natively): they count towards the
/// process's turn, so the loop yields to the scheduler as interpreted code does.
pub fn note_work(reductions: u64) {
    NATIVE_WORK.with(|w| w.set(w.get().saturating_add(reductions)));
}

/// Every byte big operations have charged on this thread so far (it only grows): a test
/// compares it with what the allocator saw, so that nothing big is built uncharged.
pub fn charged_bytes() -> u64 {
    CHARGED.with(|c| c.get())
}

/// A count or index typed as an integer, as a usize: negative is 0, and past `usize::MAX`
/// (2^32 on wasm32) it saturates rather than wrapping to a small number.
pub fn index(n: i64) -> usize {
    usize::try_from(n.max(0)).unwrap_or(usize::MAX)
}

/// Bytes built natively that count as one reduction (about a list item's).
pub const BYTES_PER_REDUCTION: usize = 16;

/// Reductions charged by big operations since the last call (and starts counting again).
pub fn take_native_work() -> u64 {
    NATIVE_WORK.with(|w| w.replace(0))
}

/// Reductions charged by big operations that the machine's loop has not counted yet.
pub fn native_work() -> u64 {
    NATIVE_WORK.with(|w| w.get())
}

/// Whether a big operation charged work that the machine's loop has not counted yet.
pub fn native_work_pending() -> bool {
    NATIVE_WORK.with(|w| w.get() > 0)
}

pub const HEAP_CHECK_BYTES: usize = 8 * 1024 * 1024;

/// Whether enough was allocated to look at the heap now (and starts counting again).
pub fn heap_check_due() -> bool {
    ALLOCATED.with(|a| {
        if a.get() > HEAP_CHECK_BYTES {
            a.set(0);
            true
        } else {
            false
        }
    })
}

/// The longest string an operation may build, in bytes.
pub const MAX_STRING_BYTES: usize = MAX_ITEMS * 10;

/// A string longer than [`MAX_STRING_BYTES`].
pub fn string_too_big(bytes: usize) -> Exc {
    exception(
        "SystemLimitError",
        vec![(
            "message",
            Term::str(&format!(
                "a system limit has been reached: a string of {bytes} bytes is more than this console holds ({MAX_STRING_BYTES})"
            )),
        )],
    )
}

pub fn too_big(what: &str, n: usize) -> Exc {
    exception(
        "SystemLimitError",
        vec![(
            "message",
            Term::str(&format!(
                "a system limit has been reached: {what} of {n} items is more than this console holds ({MAX_ITEMS})"
            )),
        )],
    )
}

/// The widest integer this console builds, in bits (315,653 decimal digits: a product
/// of integers this wide still ends within a second; the BEAM's own limit is far past it).
pub const MAX_BIG_BITS: u64 = 1 << 20;

/// An integer result wider than [`MAX_BIG_BITS`].
#[cold]
pub fn overflow() -> Exc {
    exception(
        "SystemLimitError",
        vec![(
            "message",
            Term::str(&format!(
                "a system limit has been reached: an integer wider than this console holds ({MAX_BIG_BITS} bits)"
            )),
        )],
    )
}

/// An integer term from a big result: charged as the bytes it holds, refused past
/// [`MAX_BIG_BITS`], and small again when it fits in 64 bits.
pub fn big(b: BigInt) -> R<Term> {
    let bits = b.bits();
    if bits > MAX_BIG_BITS {
        return Err(overflow());
    }
    if bits > 63 {
        note_alloc(bits as usize / 8);
    }
    Ok(Term::big(b))
}

/// `+`, `-`, `*` on two integers where one is big or the answer is.
fn big_arith(op: &str, x: BigInt, y: BigInt) -> R<Term> {
    if op == "*" && x.bits() + y.bits() > MAX_BIG_BITS + 1 {
        return Err(overflow());
    }
    // the work grows with the digits multiplied
    note_work((x.bits() / 64 * (y.bits() / 64 + 1)).min(1 << 20));
    big(match op {
        "+" => x + y,
        "-" => x - y,
        _ => x * y,
    })
}

/// `x ** e` for integers, `e >= 0`.
pub fn int_pow(x: &Term, e: &Term) -> R<Term> {
    if let (Term::Int(x), Term::Int(e)) = (x, e) {
        if let Some(r) = u32::try_from(*e).ok().and_then(|e| x.checked_pow(e)) {
            return Ok(Term::Int(r));
        }
    }
    let (Some(b), Some(e)) = (x.as_bigint(), e.as_bigint()) else {
        return Err(arith_error("**", x, Some(e)));
    };
    let zero_or_one = b.bits() <= 1;
    match e.to_u64().ok_or(()) {
        // 0, 1 and -1 to any power stay small
        _ if zero_or_one => {
            let odd = e.bit(0);
            Ok(Term::Int(match b.to_i64().unwrap_or(0) {
                0 if e.is_zero() => 1,
                0 => 0,
                -1 if odd => -1,
                _ => 1,
            }))
        }
        // the result's width is about e × log2|b|: refused before the work when past the limit
        Ok(e) if (e as f64) * log2_abs(&b) <= MAX_BIG_BITS as f64 + 1.0 => {
            note_work(b.bits() * e / 64);
            big(b.pow(e))
        }
        _ => Err(overflow()),
    }
}

/// log2 of |b|: from its value while it fits a float, from its width past that.
fn log2_abs(b: &crate::runtime::bigint::BigInt) -> f64 {
    if b.bits() <= 1000 {
        b.to_f64().abs().log2()
    } else {
        (b.bits() - 1) as f64
    }
}

/// A float result, or the error the BEAM raises where IEEE gives an infinity or a NaN (the
/// BEAM has neither).
pub fn finite(x: f64, error: impl FnOnce() -> Exc) -> R<Term> {
    if x.is_finite() {
        Ok(Term::Float(x))
    } else {
        Err(error())
    }
}

pub fn arith_error(op: &str, a: &Term, b: Option<&Term>) -> Exc {
    let expr = match b {
        Some(b) if op.chars().all(|c| c.is_alphabetic()) => {
            format!("{op}({}, {})", inspect::inspect(a), inspect::inspect(b))
        }
        Some(b) => format!("{} {op} {}", inspect::inspect(a), inspect::inspect(b)),
        None => format!("{op}({})", inspect::inspect(a)),
    };
    exception(
        "ArithmeticError",
        vec![(
            "message",
            Term::str(&format!("bad argument in arithmetic expression: {expr}")),
        )],
    )
}

/// Whether a term is an integer, small or big.
pub fn is_int(t: &Term) -> bool {
    matches!(t, Term::Int(_) | Term::Big(_))
}

/// Whether an integer (small or big) is below zero.
pub fn negative(t: &Term) -> bool {
    match t {
        Term::Int(i) => *i < 0,
        Term::Big(b) => b.is_negative(),
        _ => false,
    }
}

pub fn num(t: &Term) -> Option<f64> {
    match t {
        Term::Int(i) => Some(*i as f64),
        Term::Big(b) => Some(b.to_f64()),
        Term::Float(f) => Some(*f),
        _ => None,
    }
}

pub fn binary(op: &str, a: &Term, b: &Term) -> R<Term> {
    // Two integers and arithmetic or a comparison (`n - 1`, `n < 2`: most operations a
    // program does), told apart by the operator's bytes, without comparing strings.
    if let (Term::Int(x), Term::Int(y)) = (a, b) {
        let (x, y) = (*x, *y);
        let int = |r: Option<i64>| match r {
            Some(r) => Ok(Term::Int(r)),
            None => big_arith(op, BigInt::from(x), BigInt::from(y)),
        };
        match op.as_bytes() {
            b"+" => return int(x.checked_add(y)),
            b"-" => return int(x.checked_sub(y)),
            b"*" => return int(x.checked_mul(y)),
            b"<" => return Ok(Term::bool(x < y)),
            b">" => return Ok(Term::bool(x > y)),
            b"<=" => return Ok(Term::bool(x <= y)),
            b">=" => return Ok(Term::bool(x >= y)),
            b"==" | b"===" => return Ok(Term::bool(x == y)),
            b"!=" | b"!==" => return Ok(Term::bool(x != y)),
            _ => {}
        }
    }
    match op {
        "+" | "-" | "*" if is_int(a) && is_int(b) => big_arith(
            op,
            a.as_bigint().unwrap_or_default(),
            b.as_bigint().unwrap_or_default(),
        ),
        "+" | "-" | "*" => match (num(a), num(b)) {
            (Some(x), Some(y)) => finite(
                match op {
                    "+" => x + y,
                    "-" => x - y,
                    _ => x * y,
                },
                || arith_error(op, a, Some(b)),
            ),
            _ => Err(arith_error(op, a, Some(b))),
        },
        "/" => match (num(a), num(b)) {
            (Some(_), Some(0.0)) => Err(arith_error("/", a, Some(b))),
            (Some(x), Some(y)) => finite(x / y, || arith_error("/", a, Some(b))),
            _ => Err(arith_error("/", a, Some(b))),
        },
        "**" => match (a, b) {
            _ if is_int(a) && is_int(b) && !negative(b) => int_pow(a, b),
            _ => match (num(a), num(b)) {
                // Elixir's `**` on floats is `:math.pow`, whose error names no expression
                (Some(x), Some(y)) => finite(x.powf(y), arithmetic),
                _ => Err(arith_error("**", a, Some(b))),
            },
        },
        "==" => Ok(Term::bool(a == b)),
        "!=" => Ok(Term::bool(a != b)),
        "===" => Ok(Term::bool(strict_eq(a, b))),
        "!==" => Ok(Term::bool(!strict_eq(a, b))),
        "<" => Ok(Term::bool(a < b)),
        ">" => Ok(Term::bool(a > b)),
        "<=" => Ok(Term::bool(a <= b)),
        ">=" => Ok(Term::bool(a >= b)),
        "<>" => match (a, b) {
            (Term::Str(x), Term::Str(y)) => {
                if x.len() + y.len() > MAX_STRING_BYTES {
                    return Err(string_too_big(x.len() + y.len()));
                }
                note_alloc(x.len() + y.len());
                let mut s = String::with_capacity(x.len() + y.len());
                s.push_str(x);
                s.push_str(y);
                Ok(Term::str(&s))
            }
            (x, y) if x.as_bits().is_some() && y.as_bits().is_some() => {
                let (Some(xb), Some(yb)) = (x.as_bytes(), y.as_bytes()) else {
                    return Err(argument_error(
                        "construction of binary failed: segment 1 of type 'binary': expected a binary but got a bitstring",
                    ));
                };
                if xb.len() + yb.len() > MAX_STRING_BYTES {
                    return Err(string_too_big(xb.len() + yb.len()));
                }
                note_alloc(xb.len() + yb.len());
                Ok(Term::binary([xb, yb].concat()))
            }
            _ => Err(argument_error(
                "errors were found at the given arguments:\n\n  * 1st argument: not a bitstring\n",
            )),
        },
        "++" => match (a, b) {
            (Term::List(x), Term::List(y)) => {
                if x.is_empty() {
                    return Ok(b.clone());
                }
                if x.len() + y.len() > MAX_ITEMS {
                    return Err(too_big("a list", x.len() + y.len()));
                }
                note_alloc((x.len() + y.len()) * std::mem::size_of::<Term>());
                let mut v = Vec::with_capacity(x.len() + y.len());
                v.extend(x.iter().cloned());
                v.extend(y.iter().cloned());
                Ok(Term::list(v))
            }
            // `[1] ++ 2` is the improper list `[1 | 2]`
            (Term::List(x), _) => {
                let n = x.len() + b.list_parts().map_or(0, |(items, _)| items.len());
                if n > MAX_ITEMS {
                    return Err(too_big("a list", n));
                }
                note_alloc(n * std::mem::size_of::<Term>());
                Ok(Term::cons(x.to_vec(), b.clone()))
            }
            // :erlang.++/2 says no more than this
            _ => Err(argument_error("argument error")),
        },
        "--" => match (a, b) {
            (Term::List(x), Term::List(y)) => {
                let mut remove = super::matcher::StrictBag::default();
                for r in y.iter() {
                    remove.insert(r);
                }
                note_work((x.len() + y.len()) as u64);
                note_alloc((x.len() + y.len()) * std::mem::size_of::<Term>());
                let mut out = Vec::with_capacity(x.len());
                for item in x.iter() {
                    if !remove.take(item) {
                        out.push(item.clone());
                    }
                }
                Ok(Term::list(out))
            }
            _ => Err(argument_error("argument error")),
        },
        ".." => range(a, b, None),
        "in" => member(b, a).map(Term::bool),
        "not in" => member(b, a).map(|m| Term::bool(!m)),
        "=~" => match (a, b) {
            (Term::Str(x), Term::Str(y)) => Ok(Term::bool(x.contains(&**y))),
            (Term::Str(x), Term::Struct(m, _)) if &*m.name() == "Elixir.Regex" => {
                super::stdlib::re::is_match(b, x).map(Term::bool)
            }
            _ => Err(exception(
                "FunctionClauseError",
                vec![
                    ("module", Term::Atom(Atom::module("Kernel"))),
                    ("function", Term::atom("=~")),
                    ("arity", Term::Int(2)),
                    ("kind", Term::nil()),
                    ("args", Term::nil()),
                    ("clauses", Term::nil()),
                ],
            )),
        },
        _ => Err(exception(
            "CompileError",
            vec![
                ("file", Term::str("iex")),
                ("line", Term::Int(1)),
                (
                    "description",
                    Term::str(&format!(
                        "undefined function {op}/2 (there is no such import)"
                    )),
                ),
            ],
        )),
    }
}

pub fn unary(op: &str, a: &Term) -> R<Term> {
    match op {
        "-" => match a {
            Term::Int(i) => match i.checked_neg() {
                Some(n) => Ok(Term::Int(n)),
                None => big(-BigInt::from(*i)),
            },
            Term::Big(b) => big(-(**b).clone()),
            Term::Float(f) => Ok(Term::Float(-f)),
            _ => Err(arith_error("-", a, None)),
        },
        "+" => match a {
            Term::Int(_) | Term::Big(_) | Term::Float(_) => Ok(a.clone()),
            _ => Err(arith_error("+", a, None)),
        },
        "!" => Ok(Term::bool(!a.is_truthy())),
        "not" => match a {
            Term::Atom(x) if *x == Atom::TRUE => Ok(Term::bool(false)),
            Term::Atom(x) if *x == Atom::FALSE => Ok(Term::bool(true)),
            _ => Err(argument_error(
                "errors were found at the given arguments:\n\n  * 1st argument: not a boolean\n",
            )),
        },
        _ => Err(argument_error(format!("unknown operator {op}"))),
    }
}

pub fn range(a: &Term, b: &Term, step: Option<&Term>) -> R<Term> {
    match (a, b) {
        (Term::Int(x), Term::Int(y)) => {
            let step = match step {
                None => {
                    if x <= y {
                        1
                    } else {
                        -1
                    }
                }
                Some(Term::Int(s)) if *s != 0 => *s,
                Some(s) => {
                    return Err(argument_error(format!(
                        "the step to be a non-zero integer, got: {}",
                        inspect::inspect(s)
                    )))
                }
            };
            Ok(make_range(*x, *y, step))
        }
        _ => Err(argument_error(format!(
            "ranges (first..last) expect both sides to be integers, got: {}..{}",
            inspect::inspect(a),
            inspect::inspect(b)
        ))),
    }
}

pub fn make_range(first: i64, last: i64, step: i64) -> Term {
    Term::structure(
        "Range",
        vec![
            ("first", Term::Int(first)),
            ("last", Term::Int(last)),
            ("step", Term::Int(step)),
        ],
    )
}

/// The integers of a range, without building them.
pub fn range_iter(t: &Term) -> Option<impl Iterator<Item = i64>> {
    let (first, last, step) = range_parts(t)?;
    let count = range_len(first, last, step);
    Some((0..count).map(move |i| (first as i128 + i as i128 * step as i128) as i64))
}

/// How many integers a range holds, exactly (`-9223372036854775808..9223372036854775807`
/// holds 2^64).
pub fn range_count(first: i64, last: i64, step: i64) -> u128 {
    let n = if step > 0 && first <= last {
        (last as i128 - first as i128) / step as i128 + 1
    } else if step < 0 && first >= last {
        (first as i128 - last as i128) / -(step as i128) + 1
    } else {
        0
    };
    n as u128
}

/// How many integers a range holds (saturating at `usize::MAX`: on wasm32 a usize is 32
/// bits, and `1..9223372036854775807` must not wrap to a small count).
pub fn range_len(first: i64, last: i64, step: i64) -> usize {
    usize::try_from(range_count(first, last, step)).unwrap_or(usize::MAX)
}

pub fn member(coll: &Term, x: &Term) -> R<bool> {
    if let Some(members) = super::stdlib::enumerable::map_set(coll) {
        return Ok(members.iter().any(|(k, _)| strict_eq(k, x)));
    }
    match coll {
        Term::List(items) => Ok(items.iter().any(|i| strict_eq(i, x))),
        Term::Map(pairs) => Ok(match x.as_tuple() {
            Some([k, v]) => pairs
                .iter()
                .any(|(pk, pv)| strict_eq(pk, k) && strict_eq(pv, v)),
            _ => false,
        }),
        t if range_parts(t).is_some() => {
            let (first, last, step) = range_parts(t).unwrap_or((0, 0, 1));
            Ok(match x {
                Term::Int(i) => {
                    let inside = if step > 0 {
                        *i >= first && *i <= last
                    } else {
                        *i <= first && *i >= last
                    };
                    inside && (*i as i128 - first as i128) % step as i128 == 0
                }
                _ => false,
            })
        }
        other => Err(protocol_undefined("Enumerable", other)),
    }
}

/// [`to_string`]'s bytes; a binary that is not UTF-8 is its own (`Enum.join`).
pub fn to_binary(t: &Term) -> R<Vec<u8>> {
    match t {
        Term::Bin(b, 0) => Ok(b.to_vec()),
        other => Ok(to_string(other)?.into_bytes()),
    }
}

/// `to_string/1` (the `String.Chars` protocol), also used by interpolation.
pub fn to_string(t: &Term) -> R<String> {
    match t {
        Term::Str(s) => Ok(s.to_string()),
        Term::Atom(a) if *a == Atom::NIL => Ok(String::new()),
        Term::Atom(a) => {
            let n = a.name();
            Ok(n.strip_prefix("Elixir.").unwrap_or(&n).to_string())
        }
        Term::Int(i) => Ok(i.to_string()),
        Term::Big(b) => Ok(b.to_string()),
        Term::Float(_) => Ok(inspect::inspect(t)),
        Term::List(items) => {
            let mut s = String::new();
            chardata(items, &mut s, 0)?;
            Ok(s)
        }
        Term::Struct(..) if range_parts(t).is_some() => Ok(inspect::inspect(t)),
        other => Err(protocol_undefined("String.Chars", other)),
    }
}

fn chardata(items: &[Term], out: &mut String, depth: usize) -> R<()> {
    if depth > 100 {
        return Err(argument_error("chardata nested too deep"));
    }
    for i in items {
        match i {
            Term::Int(c) => match u32::try_from(*c).ok().and_then(char::from_u32) {
                Some(ch) => out.push(ch),
                None => return Err(argument_error("invalid codepoint in chardata")),
            },
            Term::Str(s) => out.push_str(s),
            Term::List(inner) => chardata(inner, out, depth + 1)?,
            other => return Err(protocol_undefined("String.Chars", other)),
        }
    }
    Ok(())
}
