//! Binaries: Kernel's `bit_size/1` and `binary_part/3`, Erlang's binary built-ins
//! (`:erlang.binary_to_list/1`, `list_to_binary/1`, `iolist_to_binary/1`…) and the
//! `:binary` module.

use super::super::machine::{Machine, NRet};
use super::super::ops;
use super::super::value::{argument_error, badarg, R};
use super::value;
use crate::runtime::Term;

/// Kernel's and `:erlang`'s functions written here (the rest of those modules are in
/// `kernel.rs`).
pub const KERNEL: super::Table = &[
    ("bit_size", 1, true),
    ("binary_part", 3, true),
    ("binary_slice", 2, true),
    ("binary_slice", 3, true),
];

pub const ERLANG: super::Table = &[
    ("bit_size", 1, true),
    ("binary_part", 3, true),
    ("binary_part", 2, true),
    ("binary_to_list", 1, true),
    ("binary_to_list", 3, true),
    ("bitstring_to_list", 1, true),
    ("list_to_binary", 1, true),
    ("list_to_bitstring", 1, true),
    ("iolist_to_binary", 1, true),
    ("iolist_size", 1, true),
    ("split_binary", 2, true),
];

pub const BINARY: super::Table = &[
    ("first", 1, true),
    ("last", 1, true),
    ("at", 2, true),
    ("part", 3, true),
    ("part", 2, true),
    ("copy", 1, true),
    ("copy", 2, true),
    ("bin_to_list", 1, true),
    ("bin_to_list", 3, true),
    ("list_to_bin", 1, true),
    ("match", 2, true),
    ("match", 3, true),
    ("matches", 2, true),
    ("compile_pattern", 1, true),
    ("split", 2, true),
    ("split", 3, true),
    ("replace", 3, true),
    ("replace", 4, true),
    ("decode_unsigned", 1, true),
    ("decode_unsigned", 2, true),
    ("encode_unsigned", 1, true),
    ("encode_unsigned", 2, true),
    ("longest_common_prefix", 1, true),
    ("longest_common_suffix", 1, true),
];

/// Whether `name/arity` of Kernel or `:erlang` is one of this file's.
pub fn handles(name: &str, arity: usize) -> bool {
    ERLANG
        .iter()
        .chain(KERNEL)
        .any(|(n, a, _)| *n == name && *a == arity)
}

/// `binary_slice/2,3`: bytes as `String.slice/2,3` takes characters (a negative start counts
/// from the end; what lies past the end is left out).
fn slice(b: &[u8], first: i64, last: i64, step: i64) -> Term {
    let total = b.len() as i64;
    let at = |i: i64| if i < 0 { i.saturating_add(total) } else { i };
    let (first, last) = (at(first).max(0), at(last).min(total - 1));
    if first >= total || last < first || step < 1 {
        return Term::str("");
    }
    let picked: Vec<u8> = (first..=last)
        .step_by(step as usize)
        .map(|i| b[i as usize])
        .collect();
    Term::binary(picked)
}

fn bytes(t: &Term, which: usize) -> R<&[u8]> {
    t.as_bytes().ok_or_else(|| badarg(which, "not a binary"))
}

fn int(t: &Term, which: usize) -> R<i64> {
    t.as_int().ok_or_else(|| badarg(which, "not an integer"))
}

fn list_of_bytes(v: &[u8]) -> Term {
    Term::list(v.iter().map(|b| Term::Int(*b as i64)).collect())
}

/// The bytes of an iolist: binaries, bytes (0..=255) and nested iolists.
pub fn iolist(t: &Term, out: &mut Vec<u8>) -> R<()> {
    let mut stack = vec![t.clone()];
    while let Some(t) = stack.pop() {
        match &t {
            Term::Int(b) if (0..=255).contains(b) => out.push(*b as u8),
            Term::List(items) => stack.extend(items.iter().rev().cloned()),
            other => match other.as_bytes() {
                Some(b) => out.extend_from_slice(b),
                None => return Err(badarg(1, "not an iodata term")),
            },
        }
        if out.len() > ops::MAX_STRING_BYTES {
            return Err(ops::too_big("a binary", out.len()));
        }
    }
    Ok(())
}

/// `binary_part(bin, start, length)`: a negative length counts back from `start`.
fn part(b: &[u8], start: i64, len: i64) -> R<Term> {
    let (from, to) = if len >= 0 {
        (start, start.checked_add(len))
    } else {
        (start.saturating_add(len), Some(start))
    };
    match to {
        Some(to) if from >= 0 && to as u128 <= b.len() as u128 && from <= to => {
            Ok(Term::binary(b[from as usize..to as usize].to_vec()))
        }
        _ if start < 0 || start as u128 > b.len() as u128 => Err(badarg(2, "out of range")),
        _ => Err(badarg(3, "out of range")),
    }
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if needle.is_empty() || needle.len() > hay.len() {
        return None;
    }
    (from..=hay.len() - needle.len()).find(|i| &hay[*i..*i + needle.len()] == needle)
}

/// The patterns of `:binary.match/split/replace`: one binary or a list of them.
fn patterns(t: &Term) -> R<Vec<Vec<u8>>> {
    let list: Vec<Term> = match t {
        Term::List(l) => l.iter().cloned().collect(),
        other => vec![other.clone()],
    };
    let out: Vec<Vec<u8>> = list
        .iter()
        .map(|p| p.as_bytes().map(|b| b.to_vec()).filter(|b| !b.is_empty()))
        .collect::<Option<_>>()
        .ok_or_else(|| badarg(2, "not a valid pattern"))?;
    if out.is_empty() {
        return Err(badarg(2, "not a valid pattern"));
    }
    Ok(out)
}

/// The first match of any pattern at or after `from`: (position, length), the longest at
/// the earliest position.
fn first_match(hay: &[u8], pats: &[Vec<u8>], from: usize) -> Option<(usize, usize)> {
    let mut best: Option<(usize, usize)> = None;
    for p in pats {
        if let Some(i) = find(hay, p, from) {
            best = match best {
                Some((j, l)) if j < i || (j == i && l >= p.len()) => Some((j, l)),
                _ => Some((i, p.len())),
            };
        }
    }
    best
}

fn global(opts: Option<&Term>) -> bool {
    matches!(opts, Some(Term::List(l)) if l.iter().any(|o| *o == Term::atom("global")))
}

pub fn kernel_call(_m: &mut Machine, name: &str, a: Vec<Term>) -> R<Option<NRet>> {
    match (name, a.as_slice()) {
        ("bit_size", [t]) => match t.bit_size() {
            Some(n) => value(Term::Int(n as i64)),
            None => Err(badarg(1, "not a bitstring")),
        },
        ("binary_part", [b, s, l]) => value(part(bytes(b, 1)?, int(s, 2)?, int(l, 3)?)?),
        ("binary_part", [b, Term::Tuple(sl)]) if sl.len() == 2 => {
            value(part(bytes(b, 1)?, int(&sl[0], 2)?, int(&sl[1], 2)?)?)
        }
        ("binary_slice", [b, r]) => {
            let b = bytes(b, 1)?;
            let Some((first, last, step)) = crate::runtime::term::range_parts(r) else {
                return Err(badarg(2, "not a range"));
            };
            if step < 0 {
                return Err(argument_error(format!(
                    "binary_slice/2 does not accept ranges with negative steps, got: {}",
                    super::super::inspect::inspect(r)
                )));
            }
            value(slice(b, first, last, step))
        }
        ("binary_slice", [b, start, size]) => {
            let (b, start, size) = (bytes(b, 1)?, int(start, 2)?, int(size, 3)?);
            if size < 0 {
                return Err(badarg(3, "not a non-negative integer"));
            }
            let total = b.len() as i64;
            let from = if start < 0 {
                (start + total).max(0)
            } else {
                start
            };
            value(slice(b, from, from.saturating_add(size) - 1, 1))
        }
        ("binary_to_list", [b]) => value(list_of_bytes(bytes(b, 1)?)),
        ("binary_to_list", [b, s, e]) => {
            let (b, s, e) = (bytes(b, 1)?, int(s, 2)?, int(e, 3)?);
            if s < 1 || e < s || e as u128 > b.len() as u128 {
                return Err(argument_error("argument error"));
            }
            value(list_of_bytes(&b[s as usize - 1..e as usize]))
        }
        ("bitstring_to_list", [t]) => {
            let Some((b, tail)) = t.as_bits() else {
                return Err(badarg(1, "not a bitstring"));
            };
            let mut items: Vec<Term> = b.iter().map(|x| Term::Int(*x as i64)).collect();
            if tail != 0 {
                if let Some(last) = items.pop() {
                    let x = last.as_int().unwrap_or(0) as u8;
                    items.push(Term::bitstring(vec![x], tail));
                }
            }
            value(Term::list(items))
        }
        ("list_to_binary" | "iolist_to_binary" | "list_to_bitstring", [t]) => {
            if let (Some(b), "iolist_to_binary") = (t.as_bytes(), name) {
                return value(Term::binary(b.to_vec()));
            }
            if !matches!(t, Term::List(_)) {
                return Err(badarg(1, "not an iolist term"));
            }
            let mut out = Vec::new();
            iolist(t, &mut out)?;
            value(Term::binary(out))
        }
        ("iolist_size", [t]) => {
            let mut out = Vec::new();
            iolist(t, &mut out)?;
            value(Term::Int(out.len() as i64))
        }
        ("split_binary", [b, n]) => {
            let (b, n) = (bytes(b, 1)?, int(n, 2)?);
            if n < 0 || n as u128 > b.len() as u128 {
                return Err(argument_error("argument error"));
            }
            let (x, y) = b.split_at(n as usize);
            value(Term::tuple(vec![
                Term::binary(x.to_vec()),
                Term::binary(y.to_vec()),
            ]))
        }
        _ => Err(badarg(1, "not a binary")),
    }
}

pub fn call(_m: &mut Machine, name: &str, a: Vec<Term>) -> R<Option<NRet>> {
    match (name, a.as_slice()) {
        ("first", [b]) => match bytes(b, 1)?.first() {
            Some(x) => value(Term::Int(*x as i64)),
            None => Err(badarg(1, "a zero-sized binary is not allowed")),
        },
        ("last", [b]) => match bytes(b, 1)?.last() {
            Some(x) => value(Term::Int(*x as i64)),
            None => Err(badarg(1, "a zero-sized binary is not allowed")),
        },
        ("at", [b, i]) => {
            let (b, i) = (bytes(b, 1)?, int(i, 2)?);
            match usize::try_from(i).ok().and_then(|i| b.get(i)) {
                Some(x) => value(Term::Int(*x as i64)),
                None => Err(badarg(2, "out of range")),
            }
        }
        ("part", [b, s, l]) => value(part(bytes(b, 1)?, int(s, 2)?, int(l, 3)?)?),
        ("part", [b, Term::Tuple(sl)]) if sl.len() == 2 => {
            value(part(bytes(b, 1)?, int(&sl[0], 2)?, int(&sl[1], 2)?)?)
        }
        ("copy", [b]) => value(Term::binary(bytes(b, 1)?.to_vec())),
        ("copy", [b, n]) => {
            let (b, n) = (bytes(b, 1)?, int(n, 2)?);
            let n = usize::try_from(n).map_err(|_| badarg(2, "not a non-negative integer"))?;
            if b.len().saturating_mul(n) > ops::MAX_STRING_BYTES {
                return Err(ops::too_big("a binary", b.len().saturating_mul(n)));
            }
            ops::note_alloc(b.len() * n);
            value(Term::binary(b.repeat(n)))
        }
        ("bin_to_list", [b]) => value(list_of_bytes(bytes(b, 1)?)),
        ("bin_to_list", [b, s, l]) => {
            let t = part(bytes(b, 1)?, int(s, 2)?, int(l, 3)?)?;
            value(list_of_bytes(t.as_bytes().unwrap_or(&[])))
        }
        ("list_to_bin", [t]) => {
            let mut out = Vec::new();
            iolist(t, &mut out)?;
            value(Term::binary(out))
        }
        ("match", [b, p, ..]) => {
            let (b, pats) = (bytes(b, 1)?, patterns(p)?);
            value(match first_match(b, &pats, 0) {
                Some((i, l)) => Term::tuple(vec![Term::Int(i as i64), Term::Int(l as i64)]),
                None => Term::atom("nomatch"),
            })
        }
        // a pattern for the functions that search (`String.split/3` and friends take it
        // as they take the pattern itself: here it is the pattern, unchanged)
        ("compile_pattern", [p]) => {
            let ok = match p {
                Term::Str(x) => !x.is_empty(),
                Term::List(ps) => {
                    !ps.is_empty() && ps.iter().all(|x| x.as_str().is_some_and(|x| !x.is_empty()))
                }
                _ => false,
            };
            if !ok {
                return Err(badarg(1, "not a valid pattern"));
            }
            value(p.clone())
        }
        ("matches", [b, p, ..]) => {
            let (b, pats) = (bytes(b, 1)?, patterns(p)?);
            let mut out = Vec::new();
            let mut from = 0;
            while let Some((i, l)) = first_match(b, &pats, from) {
                out.push(Term::tuple(vec![Term::Int(i as i64), Term::Int(l as i64)]));
                from = i + l;
            }
            value(Term::list(out))
        }
        ("split", [b, p, rest @ ..]) => {
            let (b, pats) = (bytes(b, 1)?, patterns(p)?);
            let all = global(rest.first());
            let mut out = Vec::new();
            let mut from = 0;
            while let Some((i, l)) = first_match(b, &pats, from) {
                out.push(Term::binary(b[from..i].to_vec()));
                from = i + l;
                if !all {
                    break;
                }
            }
            out.push(Term::binary(b[from..].to_vec()));
            value(Term::list(out))
        }
        ("replace", [b, p, r, rest @ ..]) => {
            let (b, pats, r) = (bytes(b, 1)?, patterns(p)?, bytes(r, 3)?);
            let all = global(rest.first());
            let mut out = Vec::new();
            let mut from = 0;
            while let Some((i, l)) = first_match(b, &pats, from) {
                out.extend_from_slice(&b[from..i]);
                out.extend_from_slice(r);
                from = i + l;
                if !all {
                    break;
                }
            }
            out.extend_from_slice(&b[from..]);
            value(Term::binary(out))
        }
        ("decode_unsigned", [b, rest @ ..]) => {
            let b = bytes(b, 1)?;
            let little = rest.first() == Some(&Term::atom("little"));
            let digits: Vec<u8> = if little {
                b.iter().rev().copied().collect()
            } else {
                b.to_vec()
            };
            let mut v: u64 = 0;
            for d in digits.iter().skip_while(|d| **d == 0) {
                v = v
                    .checked_mul(256)
                    .and_then(|v| v.checked_add(*d as u64))
                    .filter(|v| *v <= i64::MAX as u64)
                    .ok_or_else(ops::overflow)?;
            }
            value(Term::Int(v as i64))
        }
        ("encode_unsigned", [n, rest @ ..]) => {
            let n = int(n, 1)?;
            if n < 0 {
                return Err(badarg(1, "not a non-negative integer"));
            }
            let mut out: Vec<u8> = n
                .to_be_bytes()
                .iter()
                .copied()
                .skip_while(|b| *b == 0)
                .collect();
            if out.is_empty() {
                out.push(0);
            }
            if rest.first() == Some(&Term::atom("little")) {
                out.reverse();
            }
            value(Term::binary(out))
        }
        ("longest_common_prefix" | "longest_common_suffix", [Term::List(l)]) => {
            let bins: Vec<&[u8]> = l
                .iter()
                .map(|t| t.as_bytes())
                .collect::<Option<_>>()
                .ok_or_else(|| badarg(1, "not a list of binaries"))?;
            let suffix = name == "longest_common_suffix";
            let at = |b: &[u8], i: usize| if suffix { b[b.len() - 1 - i] } else { b[i] };
            let shortest = bins.iter().map(|b| b.len()).min().unwrap_or(0);
            let n = (0..shortest)
                .take_while(|i| bins.iter().all(|b| at(b, *i) == at(bins[0], *i)))
                .count();
            value(Term::Int(n as i64))
        }
        _ => Err(badarg(1, "not a binary")),
    }
}
