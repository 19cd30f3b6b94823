//! `inspect/2` as iex 1.14 prints values: Elixir's document algebra (groups, strict and
//! flexible breaks, nesting) laid out in 80 columns, with the default limit of 50 items.
//!
//! Short lists of simple items fill lines (`[1, 2, …, 22,\n 23, …]`); lists of compound items
//! go one per line when they do not fit, as `Inspect.Algebra.container_doc/6` does.

use crate::runtime::term::{charlist_text, is_keyword_list, range_parts};
use crate::runtime::{Atom, Term};

pub const WIDTH: usize = 80;
pub const LIMIT: usize = 50;

#[derive(Clone, Debug)]
enum Doc {
    Text(String),
    Cons(Vec<Doc>),
    Nest(usize, Box<Doc>),
    /// A break: `flex` breaks only where the next item does not fit.
    Break(&'static str, bool),
    Group(Box<Doc>),
}

fn text(s: impl Into<String>) -> Doc {
    Doc::Text(s.into())
}

fn simple(d: &Doc) -> bool {
    match d {
        Doc::Text(_) => true,
        Doc::Cons(ds) => ds.iter().all(simple),
        _ => false,
    }
}

/// Options: `pretty` lays out in [`WIDTH`] columns (iex's results, `IO.inspect`), otherwise
/// one line (`inspect/1`).
#[derive(Clone)]
pub struct Opts {
    pub pretty: bool,
    pub limit: usize,
    pub width: usize,
    /// `binaries:` — `Some(true)`: `:as_strings`, `Some(false)`: `:as_binaries`, `None`:
    /// `:infer` (quoted when printable).
    pub binaries_as_strings: Option<bool>,
    /// `charlists:` — false for anything but `:infer` and `:as_charlists` (a list of
    /// printable codes prints as its numbers).
    pub charlists: bool,
    /// `base:` — integers in base 2, 8 or 16 (`0b…`, `0o…`, `0x…`); 10 otherwise.
    pub base: u32,
    /// What a user's `defimpl Inspect` answered for these structs (printed as is).
    pub overrides: std::rc::Rc<Vec<(Term, String)>>,
}

impl Default for Opts {
    fn default() -> Self {
        Opts {
            pretty: true,
            limit: LIMIT,
            width: WIDTH,
            binaries_as_strings: None,
            charlists: true,
            base: 10,
            overrides: Default::default(),
        }
    }
}

/// iex's rendering of a result.
pub fn pretty(t: &Term) -> String {
    render(t, Opts::default())
}

/// `inspect/1`: one line, limit 50.
pub fn inspect(t: &Term) -> String {
    render(
        t,
        Opts {
            pretty: false,
            ..Opts::default()
        },
    )
}

pub fn render(t: &Term, opts: Opts) -> String {
    let doc = to_doc(t, &opts, 0);
    let width = if opts.pretty {
        opts.width
    } else {
        usize::MAX / 2
    };
    format(doc, width)
}

#[derive(Clone, Copy, PartialEq)]
enum Break {
    /// Fill lines when every item is simple (lists), else one item per line.
    Maybe,
    /// Always fill lines (tuples, binaries).
    Flex,
}

fn container(left: &str, docs: Vec<Doc>, right: &str) -> Doc {
    container_with(left, docs, right, Break::Maybe)
}

fn container_with(left: &str, docs: Vec<Doc>, right: &str, mode: Break) -> Doc {
    if docs.is_empty() {
        return text(format!("{left}{right}"));
    }
    let flex = mode == Break::Flex || docs.iter().all(simple);
    let nest = left.chars().count().min(2);
    let n = docs.len();
    let mut joined = Vec::with_capacity(n * 3);
    for (i, d) in docs.into_iter().enumerate() {
        joined.push(d);
        if i + 1 < n {
            joined.push(text(","));
            joined.push(Doc::Break(" ", flex));
        }
    }
    let body = Doc::Cons(joined);
    if flex {
        Doc::Group(Box::new(Doc::Cons(vec![
            text(left),
            Doc::Nest(nest, Box::new(body)),
            text(right),
        ])))
    } else {
        Doc::Group(Box::new(Doc::Cons(vec![
            Doc::Nest(
                2,
                Box::new(Doc::Cons(vec![text(left), Doc::Break("", false), body])),
            ),
            Doc::Break("", false),
            text(right),
        ])))
    }
}

fn limited<'a>(
    items: impl Iterator<Item = &'a Term>,
    opts: &Opts,
    depth: usize,
    f: impl Fn(&Term) -> Doc,
) -> Vec<Doc> {
    let _ = depth;
    let mut out = Vec::new();
    for (i, t) in items.enumerate() {
        if i >= opts.limit {
            out.push(text("..."));
            break;
        }
        out.push(f(t));
    }
    out
}

/// The atom that stands for a compiled module's bytes in `defmodule`'s answer: printed as
/// the start of a BEAM file, `<<70, 79, 82, 49, …>>` ("FOR1"), elided as iex elides it.
pub const BEAM: &str = "$redfour_beam";

fn beam_bytes(module: &str, opts: &Opts) -> Vec<String> {
    let mut bytes: Vec<u8> = b"FOR1".to_vec();
    bytes.extend([0, 0, 5, 16]);
    bytes.extend(b"BEAMAtU8");
    bytes.extend([0, 0, 0, 172, 0, 0, 0, 18]);
    bytes.push(module.len().min(255) as u8);
    bytes.extend(module.as_bytes());
    bytes.extend([8]);
    bytes.extend(b"__info__");
    bytes.extend([10]);
    bytes.extend(b"attributes");
    let shown = opts.limit.saturating_sub(3);
    let mut out: Vec<String> = bytes.iter().take(shown).map(|b| b.to_string()).collect();
    if bytes.len() > shown {
        out.push("...".into());
    }
    out
}

pub fn string_literal(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\x1b' => out.push_str("\\e"),
            '\x07' => out.push_str("\\a"),
            '\x08' => out.push_str("\\b"),
            '\x0c' => out.push_str("\\f"),
            '\x0b' => out.push_str("\\v"),
            '\x7f' => out.push_str("\\d"),
            '\0' => out.push_str("\\0"),
            '#' if chars.peek() == Some(&'{') => out.push_str("\\#"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\x{:02X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `key:` for a keyword key or atom-keyed map.
fn key_text(a: Atom) -> String {
    let t = Term::Atom(a).to_string();
    match t.strip_prefix(':') {
        Some(plain) if !plain.starts_with('"') => format!("{plain}:"),
        Some(quoted) => format!("{quoted}:"),
        // aliases and nil/true/false print bare as keys too
        None => format!("{t}:"),
    }
}

/// Characters of a string iex prints before it cuts it (`Inspect.Opts`' `printable_limit`).
const PRINTABLE_LIMIT: usize = 4096;

/// A binary as its bytes, `<<104, 105>>`, at most `limit` of them.
fn bytes_doc(t: &Term, opts: &Opts) -> Doc {
    let items = crate::runtime::term::bits_items(t);
    let over = items.len() > opts.limit;
    let mut docs: Vec<Doc> = items.into_iter().take(opts.limit).map(text).collect();
    if over {
        docs.push(text("..."));
    }
    container("<<", docs, ">>")
}

fn to_doc(t: &Term, opts: &Opts, depth: usize) -> Doc {
    if depth > 200 {
        return text("...");
    }
    let d = |x: &Term| to_doc(x, opts, depth + 1);
    match t {
        Term::Int(_) | Term::Big(_) if opts.base != 10 => {
            let b = t.as_bigint().unwrap_or_default();
            let prefix = match opts.base {
                2 => "0b",
                8 => "0o",
                _ => "0x",
            };
            let sign = if b.is_negative() { "-" } else { "" };
            text(format!(
                "{sign}{prefix}{}",
                b.abs().to_str_radix(opts.base).to_ascii_uppercase()
            ))
        }
        // past `printable_limit` (4,096 characters) a string is cut, as iex cuts it
        Term::Str(s) if s.len() > PRINTABLE_LIMIT && opts.binaries_as_strings != Some(false) => {
            let head: String = s.chars().take(PRINTABLE_LIMIT).collect();
            let quoted =
                opts.binaries_as_strings == Some(true) || crate::runtime::term::printable(&head);
            match (quoted, head.len() == s.len()) {
                (true, true) => text(string_literal(s)),
                (true, false) => text(format!("{} <> ...", string_literal(&head))),
                (false, _) => bytes_doc(t, opts),
            }
        }
        Term::Str(s)
            if opts.binaries_as_strings == Some(true)
                || (opts.binaries_as_strings.is_none() && crate::runtime::term::printable(s)) =>
        {
            text(string_literal(s))
        }
        Term::Str(_) | Term::Bin(..) => bytes_doc(t, opts),
        Term::Tuple(items) => {
            container_with("{", limited(items.iter(), opts, depth, d), "}", Break::Flex)
        }
        Term::Atom(a) if a.name().starts_with(BEAM) => {
            let name = a.name();
            let module = name
                .strip_prefix(BEAM)
                .unwrap_or("")
                .trim_start_matches(':');
            let docs = beam_bytes(module, opts).into_iter().map(text).collect();
            container_with("<<", docs, ">>", Break::Flex)
        }
        Term::Improper(cell) => {
            let mut docs = limited(cell.0.iter(), opts, depth, d);
            if let Some(last) = docs.pop() {
                docs.push(Doc::Cons(vec![last, text(" | "), d(&cell.1)]));
            }
            container("[", docs, "]")
        }
        Term::List(items) => {
            if let Some(cl) = charlist_text(items).filter(|_| opts.charlists) {
                return text(cl);
            }
            if is_keyword_list(items) {
                let docs = limited(items.iter(), opts, depth, |kv| match kv.as_tuple() {
                    Some([Term::Atom(k), v]) => Doc::Group(Box::new(Doc::Cons(vec![
                        text(format!("{} ", key_text(*k))),
                        d(v),
                    ]))),
                    _ => d(kv),
                });
                return container("[", docs, "]");
            }
            container("[", limited(items.iter(), opts, depth, d), "]")
        }
        Term::Map(pairs) => {
            let atom_keys = pairs.iter().all(|(k, _)| matches!(k, Term::Atom(_)));
            let mut docs = Vec::new();
            for (i, (k, v)) in pairs.iter().enumerate() {
                if i >= opts.limit {
                    docs.push(text("..."));
                    break;
                }
                docs.push(match (atom_keys, k) {
                    (true, Term::Atom(a)) => Doc::Group(Box::new(Doc::Cons(vec![
                        text(format!("{} ", key_text(*a))),
                        d(v),
                    ]))),
                    _ => Doc::Group(Box::new(Doc::Cons(vec![d(k), text(" => "), d(v)]))),
                });
            }
            container("%{", docs, "}")
        }
        Term::Struct(..) if opts.overrides.iter().any(|(k, _)| k == t) => {
            let s = opts
                .overrides
                .iter()
                .find(|(k, _)| k == t)
                .map(|(_, s)| s.clone());
            text(s.unwrap_or_default())
        }
        Term::Struct(module, fields) => {
            if let Some((first, last, step)) = range_parts(t) {
                // the step is shown unless it is 1 going up (`3..1//1` is empty)
                return text(if step == 1 && first <= last {
                    format!("{first}..{last}")
                } else {
                    format!("{first}..{last}//{step}")
                });
            }
            // a MapSet prints as the call that makes it
            if let Some(members) = super::stdlib::enumerable::map_set(t) {
                let list = Term::list(members.iter().map(|(k, _)| k.clone()).collect());
                return Doc::Cons(vec![text("MapSet.new("), d(&list), text(")")]);
            }
            // a regex prints as the sigil that makes it
            if &*module.name() == "Elixir.Regex" {
                if let (Some(Term::Str(src)), Some(opts)) = (t.get("source"), t.get("opts")) {
                    return match opts {
                        Term::Str(o) => text(format!("~r/{}/{o}", src.replace('/', "\\/"))),
                        other => Doc::Cons(vec![
                            text("Regex.compile!("),
                            text(string_literal(src)),
                            text(", "),
                            d(other),
                            text(")"),
                        ]),
                    };
                }
            }
            // a stream prints its source and its functions, as Elixir's Inspect does
            if &*module.name() == "Elixir.Stream" {
                let field = |k: &str| t.get(k).cloned().unwrap_or_else(Term::nil);
                let shown = Term::list(vec![
                    Term::tuple(vec![Term::atom("enum"), field("enum")]),
                    Term::tuple(vec![Term::atom("funs"), field("funs")]),
                ]);
                return Doc::Cons(vec![text("#Stream<"), d(&shown), text(">")]);
            }
            let name = Term::Atom(*module).to_string();
            // URI's deprecated `authority` is shown only when it is set, as Elixir's Inspect does
            let is_uri = &*module.name() == "Elixir.URI";
            let docs = fields
                .iter()
                .filter(|(k, v)| !(is_uri && v.is_nil() && &*k.name() == "authority"))
                .map(|(k, v)| {
                    Doc::Group(Box::new(Doc::Cons(vec![
                        text(format!("{} ", key_text(*k))),
                        d(v),
                    ])))
                })
                .collect();
            container(&format!("%{name}{{"), docs, "}")
        }
        other => text(other.to_string()),
    }
}

enum Mode {
    Flat,
    Break,
}

fn fits(width: isize, mut k: isize, stop_at_break: bool, items: &[(usize, bool, &Doc)]) -> bool {
    // items: (indent, flat?, doc), processed front to back
    let mut stack: Vec<(bool, &Doc)> = items.iter().rev().map(|(_, f, d)| (*f, *d)).collect();
    while let Some((flat, doc)) = stack.pop() {
        if k > width {
            return false;
        }
        match doc {
            Doc::Text(s) => k += s.chars().count() as isize,
            Doc::Cons(ds) => {
                for d in ds.iter().rev() {
                    stack.push((flat, d));
                }
            }
            Doc::Nest(_, d) => stack.push((flat, d)),
            Doc::Group(d) => stack.push((true, d)),
            Doc::Break(s, _) => {
                if flat {
                    k += s.len() as isize;
                } else {
                    let _ = stop_at_break;
                    return true;
                }
            }
        }
    }
    k <= width
}

fn format(doc: Doc, width: usize) -> String {
    let width = width.min(isize::MAX as usize / 2) as isize;
    let mut out = String::new();
    let mut k: isize = 0;
    // stack of (indent, mode, doc); processed from the end
    let mut stack: Vec<(usize, Mode, &Doc)> = vec![(0, Mode::Break, &doc)];
    while let Some((i, mode, d)) = stack.pop() {
        match d {
            Doc::Text(s) => {
                out.push_str(s);
                k += s.chars().count() as isize;
            }
            Doc::Cons(ds) => {
                for x in ds.iter().rev() {
                    stack.push((
                        i,
                        match mode {
                            Mode::Flat => Mode::Flat,
                            Mode::Break => Mode::Break,
                        },
                        x,
                    ));
                }
            }
            Doc::Nest(n, x) => stack.push((i + n, mode, x)),
            Doc::Group(x) => match mode {
                Mode::Flat => stack.push((i, Mode::Flat, x)),
                Mode::Break => {
                    if fits(width, k, false, &[(i, true, x)]) {
                        stack.push((i, Mode::Flat, x));
                    } else {
                        stack.push((i, Mode::Break, x));
                    }
                }
            },
            Doc::Break(s, flex) => match mode {
                Mode::Flat => {
                    out.push_str(s);
                    k += s.len() as isize;
                }
                Mode::Break => {
                    let brk = if *flex {
                        let rest: Vec<(usize, bool, &Doc)> = stack
                            .iter()
                            .rev()
                            .map(|(ii, m, dd)| (*ii, matches!(m, Mode::Flat), *dd))
                            .collect();
                        !fits(width, k + s.len() as isize, true, &rest)
                    } else {
                        true
                    };
                    if brk {
                        out.push('\n');
                        out.push_str(&" ".repeat(i));
                        k = i as isize;
                    } else {
                        out.push_str(s);
                        k += s.len() as isize;
                    }
                }
            },
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lists_fill_lines_and_compound_items_go_one_per_line() {
        let ints = Term::list((1..=100).map(Term::Int).collect());
        assert_eq!(
            pretty(&ints),
            "[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22,\n 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42,\n 43, 44, 45, 46, 47, 48, 49, 50, ...]"
        );
        let pairs = Term::list(
            (1..=3)
                .map(|i| {
                    Term::tuple(vec![
                        Term::Int(i),
                        Term::atom("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
                    ])
                })
                .collect(),
        );
        assert_eq!(
            pretty(&pairs),
            "[\n  {1, :aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa},\n  {2, :aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa},\n  {3, :aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa}\n]"
        );
    }
}
