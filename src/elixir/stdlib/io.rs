//! `IO`: what a process prints appears in the console above the result, as in iex.

use super::super::inspect;
use super::super::machine::{Machine, NRet};
use super::super::ops;
use super::super::value::R;
use super::value;
use crate::runtime::Term;

pub const FUNS: super::Table = &[
    ("puts", 1, true),
    ("puts", 2, true),
    ("write", 1, true),
    ("write", 2, true),
    ("inspect", 1, true),
    ("inspect", 2, true),
    ("inspect", 3, true),
    ("gets", 1, true),
    ("gets", 2, true),
    ("getn", 1, true),
    ("getn", 2, true),
    ("getn", 3, true),
    ("read", 1, true),
    ("read", 2, true),
    ("binread", 2, true),
    ("binwrite", 2, true),
    ("iodata_to_binary", 1, true),
];

/// `IO.puts(pid, …)`, `IO.gets(pid, …)` and friends on a device that is a process (a
/// `StringIO`): the prelude's `StringIO.__io__/3` asks it.
fn on_device(name: &str, args: &[Term]) -> R<Option<NRet>> {
    let (request, arg) = match (name, args.len()) {
        ("puts", 2) => {
            let mut data = ops::to_binary(&args[1])?;
            data.push(b'\n');
            ("write", Term::binary(data))
        }
        ("write" | "binwrite", 2) => ("write", Term::binary(ops::to_binary(&args[1])?)),
        ("gets", 2) => ("gets", args[1].clone()),
        ("getn", 2) => ("getn", Term::tuple(vec![args[1].clone(), Term::Int(1)])),
        ("getn", 3) => ("getn", Term::tuple(vec![args[1].clone(), args[2].clone()])),
        ("read" | "binread", 2) => ("read", args[1].clone()),
        _ => return Ok(None),
    };
    let io = super::super::value::Fun::capture(
        crate::runtime::Atom::module("StringIO"),
        crate::runtime::Atom::new("__io__"),
        3,
    );
    Ok(Some(NRet::Call(
        io,
        vec![args[0].clone(), Term::atom(request), arg],
    )))
}

/// Bounded so that a loop printing forever cannot exhaust memory; the console shows the
/// cut.
pub const MAX_OUTPUT: usize = 1_000_000;

pub fn print(m: &mut Machine, s: &str) {
    if let Some(io) = &m.io {
        let mut io = io.borrow_mut();
        if io.len() + s.len() <= MAX_OUTPUT {
            io.push_str(s);
        }
        return;
    }
    if m.out.len() + s.len() > MAX_OUTPUT {
        if !m.out.ends_with("[output cut: more than 1 MB]\n") {
            m.out.push_str("\n[output cut: more than 1 MB]\n");
        }
        return;
    }
    m.out.push_str(s);
}

fn device_and(args: &[Term]) -> (bool, &Term) {
    // IO.puts(:stderr, x) prints too; IO.puts(x)
    if args.len() == 2 {
        (true, &args[1])
    } else {
        (false, &args[0])
    }
}

/// `IO.inspect`'s options: the printer's, and the label.
fn io_opts(opts: Option<&Term>) -> (inspect::Opts, Option<String>) {
    let mut o = inspect::Opts::default();
    let mut label = None;
    if let Some(Term::List(kv)) = opts {
        for item in kv.iter() {
            if let Some([Term::Atom(k), v]) = item.as_tuple() {
                match &*k.name() {
                    "label" => label = ops::to_string(v).ok(),
                    "width" => o.width = ops::index(v.as_int().unwrap_or(80).max(1)),
                    "limit" => o.limit = v.as_int().map_or(usize::MAX, ops::index),
                    "pretty" => o.pretty = v.is_truthy(),
                    "binaries" if *v == Term::atom("as_strings") => {
                        o.binaries_as_strings = Some(true)
                    }
                    "binaries" if *v == Term::atom("as_binaries") => {
                        o.binaries_as_strings = Some(false)
                    }
                    "charlists" => {
                        o.charlists = matches!(v, Term::Atom(a) if matches!(&*a.name(), "infer" | "as_charlists"))
                    }
                    _ => {}
                }
            }
        }
    }
    (o, label)
}

fn labelled(label: Option<String>, body: String) -> String {
    match label {
        Some(l) => format!("{l}: {body}"),
        None => body,
    }
}

/// Prints `item` as IO.inspect does (with a user's `defimpl Inspect` for its structs).
fn io_inspect(m: &mut Machine, item: &Term, opts: Option<&Term>) -> R<Option<NRet>> {
    let (o, label) = io_opts(opts);
    let item = item.clone();
    if let Some(r) = m.inspect_with_impls(&item, o.clone()) {
        let n = r?;
        return super::enumerable::then_value(m, n, move |m, body| {
            let body = body.as_str().unwrap_or("").to_string();
            print(m, &labelled(label, body));
            print(m, "\n");
            Ok(item)
        })
        .map(Some);
    }
    print(m, &labelled(label, inspect::render(&item, o)));
    print(m, "\n");
    value(item)
}

pub fn call(m: &mut Machine, name: &str, args: Vec<Term>) -> R<Option<NRet>> {
    if let Some(Term::Pid(_)) = args.first() {
        if let Some(request) = on_device(name, &args)? {
            return Ok(Some(request));
        }
    }
    match (name, args.len()) {
        ("puts", 1 | 2) => {
            let (_, x) = device_and(&args);
            let s = match ops::to_string(x) {
                Ok(s) => s,
                Err(e) => {
                    let Some(NRet::Call(f, a)) = m.chars_call(x) else {
                        return Err(e);
                    };
                    return Ok(Some(NRet::CallThen(
                        f,
                        a,
                        Box::new(|m, s| call(m, "puts", vec![s])?.ok_or(e)),
                    )));
                }
            };
            print(m, &s);
            print(m, "\n");
            value(Term::ok())
        }
        ("write", 1 | 2) | ("binwrite", 2) => {
            let (_, x) = device_and(&args);
            let s = ops::to_string(x)?;
            print(m, &s);
            value(Term::ok())
        }
        ("inspect", 1) => io_inspect(m, &args[0], None),
        ("inspect", 2) => {
            // IO.inspect(item, opts) or IO.inspect(device, item)
            let (item, opts) = if matches!(&args[1], Term::List(_))
                && !matches!(&args[0], Term::Atom(a) if &*a.name() == "stderr" || &*a.name() == "stdio")
            {
                (&args[0], Some(&args[1]))
            } else {
                (&args[1], None)
            };
            io_inspect(m, item, opts)
        }
        ("inspect", 3) => io_inspect(m, &args[1], Some(&args[2])),
        // the console's own input is the prompt line, not a device to read: end of file
        ("gets", 1 | 2) | ("getn", 1..=3) => {
            // `gets(device, prompt)`, `getn(device, prompt, count)`; else the prompt comes first
            let prompt = match (name, args.len()) {
                ("gets", 2) | ("getn", 3) => &args[1],
                _ => &args[0],
            };
            let s = ops::to_string(prompt)?;
            print(m, &s);
            print(m, "\n");
            value(Term::atom("eof"))
        }
        ("read", 1 | 2) | ("binread", 2) => value(Term::atom("eof")),
        ("iodata_to_binary", 1) => {
            let mut out = Vec::new();
            super::binary::iolist(&args[0], &mut out)?;
            value(Term::binary(out))
        }
        _ => Ok(None),
    }
}
