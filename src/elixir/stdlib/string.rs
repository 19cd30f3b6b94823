//! `String`. Lengths and positions count grapheme clusters (`super::graphemes`), as Elixir's
//! do; `codepoints` and `next_codepoint` count Unicode scalar values.

use super::super::case_mapping;
use super::super::graphemes;
use super::super::machine::{Machine, NRet};
use super::super::normalization;
use super::super::ops;
use super::super::value::{argument_error, badarg, exception, fn_clause_error, R};
use super::value;
use crate::runtime::float_parse::parse_f64;
use crate::runtime::term::range_parts;
use crate::runtime::{Atom, Term};

pub const FUNS: super::Table = &[
    ("length", 1, true),
    ("upcase", 1, true),
    ("upcase", 2, true),
    ("downcase", 1, true),
    ("downcase", 2, true),
    ("capitalize", 1, true),
    ("split", 1, true),
    ("split", 2, true),
    ("split", 3, true),
    ("trim", 1, true),
    ("trim", 2, true),
    ("trim_leading", 1, true),
    ("trim_trailing", 1, true),
    ("contains?", 2, true),
    ("starts_with?", 2, true),
    ("ends_with?", 2, true),
    ("replace", 3, true),
    ("replace", 4, true),
    ("duplicate", 2, true),
    ("to_atom", 1, true),
    ("to_existing_atom", 1, true),
    ("to_integer", 1, true),
    ("to_integer", 2, true),
    ("to_float", 1, true),
    ("slice", 2, true),
    ("slice", 3, true),
    ("graphemes", 1, true),
    ("next_grapheme", 1, true),
    ("codepoints", 1, true),
    ("next_codepoint", 1, true),
    ("match?", 2, true),
    ("to_charlist", 1, true),
    ("valid?", 1, true),
    ("printable?", 1, true),
    ("normalize", 2, true),
    ("byte_size", 1, true),
];

fn s(t: &Term, name: &str, arity: usize) -> R<String> {
    match t {
        Term::Str(x) => Ok(x.to_string()),
        _ => Err(exception(
            "FunctionClauseError",
            vec![(
                "message",
                Term::str(&format!(
                    "no function clause matching in String.{name}/{arity}"
                )),
            )],
        )),
    }
}

fn str_list(v: Vec<String>) -> Term {
    Term::list(v.iter().map(|x| Term::str(x)).collect())
}

fn patterns(t: &Term) -> Vec<String> {
    match t {
        Term::Str(p) => vec![p.to_string()],
        Term::List(ps) => ps
            .iter()
            .filter_map(|p| p.as_str().map(String::from))
            .collect(),
        _ => vec![],
    }
}

/// `String.upcase/2` and `downcase/2`: `:default` maps each character by itself (no final
/// sigma), `:greek` lowers a word's last sigma to ς, `:ascii` changes only A-Z/a-z,
/// `:turkic` maps the dotted and dotless i as Turkish does.
fn change_case(x: &str, up: bool, mode: &str) -> String {
    match (mode, up) {
        ("ascii", true) => return x.to_ascii_uppercase(),
        ("ascii", false) => return x.to_ascii_lowercase(),
        _ => {}
    }
    let mut out = String::with_capacity(x.len());
    let mut prev: Option<char> = None;
    let mut chars = x.chars().peekable();
    while let Some(c) = chars.next() {
        match (mode, up, c) {
            ("turkic", true, 'i') => out.push('İ'),
            ("turkic", true, 'ı') => out.push('I'),
            ("turkic", false, 'I') => out.push('ı'),
            ("turkic", false, 'İ') => out.push('i'),
            // iex 1.14 ends a word with ς after a letter with a case, other than A-Z/a-z,
            // when no such letter follows: "ΣΑΣ" is "σας", but "AΣ" stays "aσ"
            ("greek", false, 'Σ')
                if prev.is_some_and(|p| !p.is_ascii() && case_mapping::has_case(p))
                    && !chars.peek().is_some_and(|n| case_mapping::has_case(*n)) =>
            {
                out.push('ς')
            }
            (_, true, _) => case_mapping::upcase(c, &mut out),
            (_, false, _) => case_mapping::downcase(c, &mut out),
        }
        prev = Some(c);
    }
    out
}

/// A character as the first of a capitalized word: titlecase, where it differs from the
/// capital (the ligature ﬁ becomes Fi, not FI).
fn title_case(c: char) -> String {
    let mut out = String::new();
    case_mapping::titlecase(c, &mut out);
    out
}

/// `len` grapheme clusters from `start` (counted from the end when negative, and from the
/// first when that is before it, as `String.slice/3` does).
fn slice_graphemes(gs: &[&str], start: i64, len: i64) -> String {
    let n = gs.len() as i64;
    let start = if start < 0 { (n + start).max(0) } else { start };
    if start > n || len <= 0 {
        return String::new();
    }
    gs[start as usize..start.saturating_add(len).min(n) as usize].concat()
}

/// `String.split/replace/match?` with a regex: `Regex`'s functions (Elixir, in the prelude).
fn with_regex(name: &str, a: &[Term]) -> Option<NRet> {
    let is_regex = |t: &Term| matches!(t, Term::Struct(m, _) if &*m.name() == "Elixir.Regex");
    if !a.get(1).is_some_and(is_regex) {
        return None;
    }
    let opts = |i: usize| a.get(i).cloned().unwrap_or_else(|| Term::list(vec![]));
    let (fun, args) = match (name, a.len()) {
        ("split", 2 | 3) => ("split", vec![a[1].clone(), a[0].clone(), opts(2)]),
        ("replace", 3 | 4) => (
            "replace",
            vec![a[1].clone(), a[0].clone(), a[2].clone(), opts(3)],
        ),
        ("match?", 2) => ("match?", vec![a[1].clone(), a[0].clone()]),
        _ => return None,
    };
    let arity = args.len();
    Some(NRet::Call(
        super::super::value::Fun::capture(Atom::module("Regex"), Atom::new(fun), arity),
        args,
    ))
}

pub fn call(_m: &mut Machine, name: &str, args: Vec<Term>) -> R<Option<NRet>> {
    if let Some(n) = with_regex(name, &args) {
        return Ok(Some(n));
    }
    if name == "match?" {
        return Err(badarg(2, "not a regex"));
    }
    let a = &args;
    let n = a.len();
    let st = |i: usize| s(&a[i], name, n);
    if let (Some(bytes), "next_codepoint" | "codepoints" | "next_grapheme" | "graphemes") =
        (a.first().and_then(invalid_utf8), name)
    {
        return value(broken_string(name, bytes));
    }
    match (name, n) {
        ("length", 1) => value(Term::Int(graphemes::count(&st(0)?) as i64)),
        ("byte_size", 1) => value(Term::Int(st(0)?.len() as i64)),
        ("upcase" | "downcase", 1 | 2) => {
            let mode = match a.get(1) {
                None => "default".to_string(),
                Some(Term::Atom(m))
                    if matches!(&*m.name(), "default" | "ascii" | "greek" | "turkic") =>
                {
                    m.name().to_string()
                }
                Some(_) => return Err(fn_clause_error(&format!("String.{name}"), a)),
            };
            value(Term::str(&change_case(&st(0)?, name == "upcase", &mode)))
        }
        ("capitalize", 1) => {
            let x = st(0)?;
            let mut c = x.chars();
            let out = match c.next() {
                Some(f) => title_case(f) + &change_case(c.as_str(), false, "default"),
                None => String::new(),
            };
            value(Term::str(&out))
        }
        // Unicode's whitespace but the no-break spaces, as Elixir splits
        ("split", 1) => value(str_list(
            st(0)?
                .split(|c: char| {
                    c.is_whitespace() && !matches!(c, '\u{a0}' | '\u{2007}' | '\u{202f}')
                })
                .filter(|w| !w.is_empty())
                .map(String::from)
                .collect(),
        )),
        ("split", 2 | 3) => {
            let x = st(0)?;
            let pats = patterns(&a[1]);
            let trim = a
                .get(2)
                .and_then(|o| o.get("trim"))
                .is_some_and(|t| t.is_truthy());
            let parts_limit = a
                .get(2)
                .and_then(|o| o.get("parts"))
                .and_then(|p| p.as_int());
            if pats.iter().any(|p| p.is_empty()) || (matches!(&a[1], Term::Str(p) if p.is_empty()))
            {
                // between every two grapheme clusters, and at both ends
                let gs = graphemes::graphemes(&x);
                let mut v: Vec<String> = vec![String::new()];
                v.extend(gs.iter().map(|g| g.to_string()));
                v.push(String::new());
                if trim {
                    v.retain(|p| !p.is_empty());
                }
                if let Some(limit) = parts_limit.filter(|l| *l > 0) {
                    let keep = ops::index(limit - 1).min(v.len());
                    let rest: String = v[keep..].concat();
                    v.truncate(keep);
                    v.push(rest);
                }
                return value(str_list(v));
            }
            if pats.is_empty() {
                return Err(argument_error(format!(
                    "invalid pattern: {}",
                    super::super::inspect::inspect(&a[1])
                )));
            }
            let mut out = Vec::new();
            let mut rest = x.as_str();
            loop {
                if parts_limit.is_some_and(|l| out.len() as i64 + 1 >= l) {
                    break;
                }
                let hit = pats
                    .iter()
                    .filter_map(|p| rest.find(p.as_str()).map(|i| (i, p.len())))
                    .min();
                match hit {
                    Some((i, len)) => {
                        out.push(rest[..i].to_string());
                        rest = &rest[i + len..];
                    }
                    None => break,
                }
            }
            out.push(rest.to_string());
            if trim {
                out.retain(|p| !p.is_empty());
            }
            value(str_list(out))
        }
        ("trim", 1) => value(Term::str(st(0)?.trim())),
        ("trim", 2) => {
            let x = st(0)?;
            let chars = s(&a[1], name, n)?;
            let set: Vec<char> = chars.chars().collect();
            value(Term::str(x.trim_matches(|c| set.contains(&c))))
        }
        ("trim_leading", 1) => value(Term::str(st(0)?.trim_start())),
        ("trim_trailing", 1) => value(Term::str(st(0)?.trim_end())),
        ("contains?", 2) => {
            let x = st(0)?;
            value(Term::bool(
                patterns(&a[1]).iter().any(|p| x.contains(p.as_str())),
            ))
        }
        ("starts_with?", 2) => {
            let x = st(0)?;
            value(Term::bool(
                patterns(&a[1]).iter().any(|p| x.starts_with(p.as_str())),
            ))
        }
        ("ends_with?", 2) => {
            let x = st(0)?;
            value(Term::bool(
                patterns(&a[1]).iter().any(|p| x.ends_with(p.as_str())),
            ))
        }
        // several patterns, or a function making each replacement from its match
        ("replace", 3 | 4) if matches!(a[1], Term::List(_)) || matches!(a[2], Term::Fun(_)) => {
            let x = st(0)?;
            let pats: Vec<String> = patterns(&a[1])
                .into_iter()
                .filter(|p| !p.is_empty())
                .collect();
            let global = a
                .get(3)
                .and_then(|o| o.get("global"))
                .is_none_or(|g| g.is_truthy());
            // the text around the matches, and the matches (the longest where several start)
            let (mut texts, mut found) = (Vec::new(), Vec::new());
            let (mut i, mut last) = (0, 0);
            while i < x.len() && (global || found.is_empty()) {
                match pats
                    .iter()
                    .filter(|p| x[i..].starts_with(p.as_str()))
                    .max_by_key(|p| p.len())
                {
                    Some(p) => {
                        texts.push(x[last..i].to_string());
                        found.push(Term::str(p));
                        i += p.len();
                        last = i;
                    }
                    None => i += x[i..].chars().next().map_or(1, char::len_utf8),
                }
            }
            texts.push(x[last..].to_string());
            let join = move |reps: &[Term]| -> R<Term> {
                let mut out = Vec::with_capacity(x.len());
                for (k, text) in texts.iter().enumerate() {
                    out.extend_from_slice(text.as_bytes());
                    if let Some(r) = reps.get(k) {
                        // as iodata, as :binary.replace/4 takes it
                        super::binary::iolist(r, &mut out)
                            .map_err(|_| badarg(3, "not a string or iodata"))?;
                    }
                    if out.len() > ops::MAX_STRING_BYTES {
                        return Err(ops::string_too_big(out.len()));
                    }
                }
                Ok(Term::binary(out))
            };
            if let Term::Fun(_) = a[2] {
                let map =
                    super::super::value::Fun::capture(Atom::module("Enum"), Atom::new("map"), 2);
                return Ok(Some(NRet::CallThen(
                    map,
                    vec![Term::list(found), a[2].clone()],
                    Box::new(move |_, reps| {
                        Ok(NRet::Value(join(reps.as_list().unwrap_or_default())?))
                    }),
                )));
            }
            let rep = vec![a[2].clone(); found.len()];
            value(join(&rep)?)
        }
        ("replace", 3 | 4) => {
            let x = st(0)?;
            let pat = s(&a[1], name, n)?;
            let rep = s(&a[2], name, n)?;
            let global = a
                .get(3)
                .and_then(|o| o.get("global"))
                .is_none_or(|g| g.is_truthy());
            let out = if pat.is_empty() {
                // before every grapheme cluster and at the end (only at the start when not
                // global)
                let gs = graphemes::graphemes(&x);
                if !global {
                    format!("{rep}{x}")
                } else {
                    let mut out = String::with_capacity(x.len() + rep.len() * (gs.len() + 1));
                    for g in gs {
                        out.push_str(&rep);
                        out.push_str(g);
                    }
                    out.push_str(&rep);
                    out
                }
            } else if global {
                x.replace(&pat, &rep)
            } else {
                x.replacen(&pat, &rep, 1)
            };
            if out.len() > ops::MAX_STRING_BYTES {
                return Err(ops::string_too_big(out.len()));
            }
            value(Term::str(&out))
        }
        ("duplicate", 2) => {
            let x = st(0)?;
            // :binary.copy/2's words
            let k = match a[1].as_int() {
                Some(k) if k >= 0 => ops::index(k),
                Some(_) => return Err(badarg(2, "out of range")),
                None => return Err(badarg(2, "not an integer")),
            };
            if x.len().saturating_mul(k) > ops::MAX_STRING_BYTES {
                return Err(ops::string_too_big(x.len().saturating_mul(k)));
            }
            ops::note_alloc(x.len().saturating_mul(k));
            value(Term::str(&x.repeat(k)))
        }
        ("to_atom" | "to_existing_atom", 1) => value(Term::Atom(Atom::new(&st(0)?))),
        ("to_integer", 1 | 2) => {
            let x = st(0)?;
            let base = match a.get(1) {
                None => 10,
                Some(b) => {
                    super::integer::radix(b).ok_or_else(|| badarg(2, super::integer::NOT_A_BASE))?
                }
            };
            super::integer::parse_whole(&x, base)
                .map(|i| Some(NRet::Value(i)))
                .ok_or_else(|| badarg(1, "not a textual representation of an integer"))
        }
        ("to_float", 1) => {
            let x = st(0)?;
            if !x.contains('.') {
                return Err(badarg(1, "not a textual representation of a float"));
            }
            parse_f64(&x)
                .map(|f| Some(NRet::Value(Term::Float(f))))
                .ok_or_else(|| badarg(1, "not a textual representation of a float"))
        }
        ("slice", 3) => {
            let x = st(0)?;
            let start = a[1].as_int().ok_or_else(|| badarg(2, "not an integer"))?;
            let len = a[2].as_int().ok_or_else(|| badarg(3, "not an integer"))?;
            value(Term::str(&slice_graphemes(
                &graphemes::graphemes(&x),
                start,
                len,
            )))
        }
        ("slice", 2) => {
            let x = st(0)?;
            let gs = graphemes::graphemes(&x);
            let (f, l, step) = range_parts(&a[1]).ok_or_else(|| badarg(2, "not a range"))?;
            let len = gs.len() as i64;
            let f2 = if f < 0 { len + f } else { f };
            let l2 = if l < 0 { len + l } else { l };
            let part = slice_graphemes(
                &gs,
                f2.max(0),
                l2.saturating_sub(f2.max(0)).saturating_add(1),
            );
            if step > 1 {
                // every step-th cluster of the slice
                let picked: String = graphemes::graphemes(&part)
                    .into_iter()
                    .step_by(ops::index(step))
                    .collect();
                return value(Term::str(&picked));
            }
            value(Term::str(&part))
        }
        ("next_grapheme", 1) => {
            let x = st(0)?;
            value(match graphemes::graphemes(&x).first() {
                Some(g) => Term::tuple(vec![Term::str(g), Term::str(&x[g.len()..])]),
                None => Term::nil(),
            })
        }
        ("next_codepoint", 1) => {
            let x = st(0)?;
            value(match x.chars().next() {
                Some(c) => Term::tuple(vec![
                    Term::str(&c.to_string()),
                    Term::str(&x[c.len_utf8()..]),
                ]),
                None => Term::nil(),
            })
        }
        ("graphemes", 1) => value(str_list(
            graphemes::graphemes(&st(0)?)
                .into_iter()
                .map(String::from)
                .collect(),
        )),
        ("codepoints", 1) => value(str_list(st(0)?.chars().map(|c| c.to_string()).collect())),
        ("to_charlist", 1) => value(Term::list(
            st(0)?.chars().map(|c| Term::Int(c as i64)).collect(),
        )),
        ("valid?", 1) => value(Term::bool(matches!(a[0], Term::Str(_)))),
        // what iex prints in quotes; a binary that is not UTF-8 is not printable
        ("printable?", 1) => match &a[0] {
            Term::Bin(..) => value(Term::bool(false)),
            _ => value(Term::bool(crate::runtime::term::printable(&st(0)?))),
        },
        ("normalize", 2) => {
            let form = a[1]
                .as_atom()
                .and_then(|f| normalization::Form::from_name(&f.name()));
            match form {
                Some(form) => value(Term::str(&normalization::normalize(&st(0)?, form))),
                None => Err(fn_clause_error("String.normalize", a)),
            }
        }
        _ => Ok(None),
    }
}

/// A binary's bytes when they are not UTF-8 (`"\x80OK"`).
fn invalid_utf8(t: &Term) -> Option<&[u8]> {
    match t {
        Term::Bin(b, 0) => Some(b),
        _ => None,
    }
}

/// `String.next_codepoint/1` and friends on bytes that are not all UTF-8: as Elixir does, each
/// byte that starts no character is a piece of its own (`{<<128>>, "OK"}`).
fn broken_string(name: &str, bytes: &[u8]) -> Term {
    let mut pieces: Vec<Term> = Vec::new();
    let mut first_len = 0;
    for chunk in bytes.utf8_chunks() {
        let text = chunk.valid();
        let parts: Vec<String> = if name.ends_with("grapheme") || name == "graphemes" {
            graphemes::graphemes(text)
                .into_iter()
                .map(String::from)
                .collect()
        } else {
            text.chars().map(String::from).collect()
        };
        for p in parts {
            if pieces.is_empty() {
                first_len = p.len();
            }
            pieces.push(Term::str(&p));
        }
        for &b in chunk.invalid() {
            if pieces.is_empty() {
                first_len = 1;
            }
            pieces.push(Term::binary(vec![b]));
        }
    }
    if name.starts_with("next_") {
        match pieces.into_iter().next() {
            Some(first) => Term::tuple(vec![first, Term::binary(bytes[first_len..].to_vec())]),
            None => Term::nil(),
        }
    } else {
        Term::list(pieces)
    }
}
