//! iex's helpers: `h`, `i`, `v`, `clear`, `flush`, `respawn`, `pid`, and what `h` says.

use super::super::ast::{Expr, Kind};
use super::super::inspect;
use super::super::machine::{Machine, NRet};
use super::super::natives::Doc;
use super::super::value::{badarg, exception, Exc, R};
use crate::runtime::{Atom, Term};

/// What iex prints nothing for (the answer of `h`, `clear`).
pub const NO_RESULT: &str = "$iex_no_result";

fn hidden() -> R<NRet> {
    Ok(NRet::Value(Term::atom(NO_RESULT)))
}

fn print(m: &mut Machine, s: &str) {
    super::io::print(m, s);
    super::io::print(m, "\n");
}

/// `h` with no argument.
pub fn help(m: &mut Machine) -> R<NRet> {
    print(m, "IEx.Helpers");
    print(m, "");
    print(
        m,
        "This console interprets Elixir in the page: values, operators, pattern matching,",
    );
    print(
        m,
        "fn, case/cond/with/try, for, defmodule, and these modules:",
    );
    let natives = m.natives.clone();
    print(m, &format!("  {}", natives.shown_modules().join(", ")));
    print(m, "");
    for (title, docs) in natives.tours() {
        print(m, title);
        for d in docs.iter() {
            print(m, &format!("  {:<58} # {}", d.example, d.doc));
        }
        print(m, "");
    }
    print(m, "`h Module` or `h Module.fun` describes one; `v()` is the last result; `clear` wipes the screen.");
    hidden()
}

/// `h Something`: the argument is not evaluated.
pub fn help_on(m: &mut Machine, e: &Expr) -> R<NRet> {
    let (module, fun) = match &e.kind {
        Kind::Remote(target, name, _, _) => match &target.kind {
            Kind::Alias(a) => (m.resolve_alias(*a), Some(name.name().to_string())),
            Kind::Lit(Term::Atom(a)) => (*a, Some(name.name().to_string())),
            _ => return Err(h_usage()),
        },
        Kind::Alias(a) => (m.resolve_alias(*a), None),
        Kind::Binary("/", f, _) => return help_on(m, f),
        Kind::Var(n) | Kind::Call(n, _, _) => (Atom::module("Kernel"), Some(n.name().to_string())),
        _ => return Err(h_usage()),
    };
    let shown = Term::Atom(module).to_string();
    // modules typed in the console; of a library module the prelude adds to (`Keyword`),
    // only the functions it writes in Elixir
    let library = m.natives.module_exists(module);
    let console_doc = m.module_doc(module).filter(|(_, funs)| {
        !library
            || fun
                .as_ref()
                .is_some_and(|f| funs.iter().any(|(n, _, _)| &*n.name() == f))
    });
    if let Some((moduledoc, funs)) = console_doc {
        match fun {
            None => {
                print(m, &format!("                                  {shown}"));
                print(m, "");
                print(
                    m,
                    moduledoc.as_deref().unwrap_or("(no @moduledoc)").trim_end(),
                );
            }
            Some(f) => {
                let found: Vec<_> = funs
                    .into_iter()
                    .filter(|(n, _, _)| *n.name() == *f)
                    .collect();
                if found.is_empty() {
                    print(m, &format!("No documentation for {shown}.{f} was found"));
                }
                // a library module the prelude writes in Elixir (`URI`, `DateTime`): Elixir's
                // own page says the rest
                let in_prelude = super::super::prelude::SOURCE
                    .contains(&format!("defmodule {} do", shown.trim_start_matches(':')));
                for (n, arity, doc) in found {
                    print(
                        m,
                        &format!("                                  def {}/{arity}", n.name()),
                    );
                    print(m, "");
                    let link = format!(
                        "Available in this console. Its documentation: https://hexdocs.pm/elixir/{shown}.html#{}/{arity}",
                        n.name()
                    );
                    let text = match doc.as_deref() {
                        Some(d) => d.trim_end(),
                        None if in_prelude => &link,
                        None => "(no @doc)",
                    };
                    print(m, text);
                }
            }
        }
        return hidden();
    }
    let short = shown.trim_start_matches(':');
    let natives = m.natives.clone();
    let docs: Vec<&Doc> = natives
        .tours()
        .iter()
        .flat_map(|(_, docs)| docs.iter())
        .filter(|d| {
            d.module.trim_start_matches(':') == short && fun.as_deref().is_none_or(|f| d.name == f)
        })
        .collect();
    let key = module.name();
    match (natives.functions(&key), fun) {
        (Some(table), Some(f)) => {
            let arities: Vec<usize> = table
                .iter()
                .filter(|(n, _)| *n.name() == *f)
                .map(|(_, a)| *a)
                .collect();
            if arities.is_empty() {
                print(m, &format!("No documentation for {shown}.{f} was found"));
                return hidden();
            }
            let heads: Vec<String> = arities.iter().map(|a| format!("{f}/{a}")).collect();
            print(
                m,
                &format!(
                    "                                  def {shown}.{}",
                    heads.join(", ")
                ),
            );
            print(m, "");
            match docs.first() {
                Some(d) => {
                    print(m, d.doc);
                    print(m, "");
                    print(m, &format!("    iex> {}", d.example));
                }
                None => print(m, &format!(
                    "Available in this console. Its documentation: https://hexdocs.pm/elixir/{}.html#{f}/{}",
                    short, arities[0]
                )),
            }
            hidden()
        }
        (Some(table), None) => {
            let mut names: Vec<String> = table
                .iter()
                .map(|(n, a)| format!("{}/{a}", n.name()))
                .collect();
            names.dedup();
            print(m, &format!("                                  {shown}"));
            print(m, "");
            print(m, &format!("In this console: {}", names.join(", ")));
            hidden()
        }
        (None, _) => {
            print(m, &format!("Could not load module {shown}, got: nofile"));
            hidden()
        }
    }
}

fn h_usage() -> Exc {
    exception(
        "ArgumentError",
        vec![(
            "message",
            Term::str("h/1 expects a module or a function, such as h Enum or h Enum.map"),
        )],
    )
}

/// `i/1`'s data type: Elixir's type names, a struct as a struct.
fn type_of(t: &Term) -> &'static str {
    match t {
        Term::Struct(..) => "Struct",
        other => super::super::value::type_name(other),
    }
}

pub fn call(m: &mut Machine, name: &str, args: &[Term]) -> Option<R<NRet>> {
    Some(match (name, args.len()) {
        ("h", 0) => help(m),
        ("v", 0 | 1) => {
            let n = args.first().and_then(|t| t.as_int()).unwrap_or(-1);
            let len = m.results.len() as i64;
            let idx = if n < 0 { len + n } else { n - 1 };
            match (idx >= 0)
                .then(|| m.results.get(super::super::ops::index(idx)).cloned())
                .flatten()
            {
                Some(t) => Ok(NRet::Value(t)),
                None => Err(exception(
                    "RuntimeError",
                    vec![("message", Term::str(&format!("v({n}) is out of bounds")))],
                )),
            }
        }
        ("clear", 0) => {
            m.clear_requested = true;
            hidden()
        }
        ("respawn", 0) => {
            let me = m.ctx.pid();
            m.ctx.exit_signal(me, Term::atom("kill"));
            Ok(NRet::Await(Box::new(|ctx| {
                Box::pin(async move {
                    ctx.sleep(0).await;
                    Ok(Term::bool(true))
                })
            })))
        }
        ("flush", 0) => Ok(NRet::AwaitThen(
            Box::new(|ctx| {
                Box::pin(async move {
                    let mut lines = String::new();
                    while let Some(msg) = ctx.receive_timeout(0).await {
                        lines.push_str(&inspect::pretty(&msg));
                        lines.push('\n');
                    }
                    Ok(Term::str(&lines))
                })
            }),
            Box::new(|m, lines| {
                super::io::print(m, lines.as_str().unwrap_or(""));
                Ok(NRet::Value(Term::ok()))
            }),
        )),
        ("pid", 1) => {
            let text = match args[0].as_str() {
                Some(t) => t.to_string(),
                None => return Some(Err(badarg(1, "not a string"))),
            };
            let parts: Vec<&str> = text.split('.').collect();
            match parts.as_slice() {
                ["0", n, "0"] => match n.parse() {
                    Ok(n) => Ok(NRet::Value(Term::Pid(m.rt.pid_from_number(n)))),
                    Err(_) => Err(badarg(1, "not a textual representation of a pid")),
                },
                _ => Err(badarg(1, "not a textual representation of a pid")),
            }
        }
        ("pid", 3) => match (&args[0], &args[1], &args[2]) {
            (Term::Int(0), Term::Int(n), Term::Int(0)) if *n >= 0 && *n <= u32::MAX as i64 => {
                Ok(NRet::Value(Term::Pid(m.rt.pid_from_number(*n as u32))))
            }
            _ => Err(badarg(1, "not a textual representation of a pid")),
        },
        ("i", 1) => {
            let t = &args[0];
            print(m, "Term");
            print(m, &format!("  {}", inspect::inspect(t)));
            print(m, "Data type");
            print(m, &format!("  {}", type_of(t)));
            if let Term::Str(s) = t {
                print(m, "Byte size");
                print(m, &format!("  {}", s.len()));
            }
            if let Term::List(l) = t {
                print(m, "Length");
                print(m, &format!("  {}", l.len()));
            }
            print(m, "Reference modules");
            print(m, &format!("  {}", type_of(t)));
            hidden()
        }
        _ => return None,
    })
}
