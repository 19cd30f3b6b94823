//! `:redfour_protocol`: what a protocol's functions call (see `machine/protocols.rs`): the
//! dispatch to the implementation for a value's type, and `impl_for/1`.

use super::super::machine::{Machine, NRet};
use super::super::value::{badarg, exception, protocol_undefined, Fun, R};
use super::value;
use crate::runtime::{Atom, Term};

pub const FUNS: super::Table = &[
    ("dispatch", 3, false),
    ("impl_for", 2, true),
    ("impl_for!", 2, true),
    ("info", 2, true),
    ("inspect_native", 1, true),
    ("pretty", 1, false),
];

fn undefined(proto: Atom, v: &Term) -> super::super::value::Exc {
    protocol_undefined(proto.name().trim_start_matches("Elixir."), v)
}

pub fn call(m: &mut Machine, name: &str, args: Vec<Term>) -> R<Option<NRet>> {
    match (name, args.as_slice()) {
        ("inspect_native", [v]) => {
            let plain = super::super::inspect::Opts {
                pretty: false,
                ..Default::default()
            };
            return match m.inspect_with_impls(v, plain) {
                Some(r) => r.map(Some),
                None => value(Term::str(&super::super::inspect::inspect(v))),
            };
        }
        ("pretty", [v]) => {
            return match m.inspect_with_impls(v, Default::default()) {
                Some(r) => r.map(Some),
                None => value(Term::str(&super::super::inspect::pretty(v))),
            };
        }
        _ => {}
    }
    let Some(Term::Atom(proto)) = args.first().cloned() else {
        return Err(badarg(1, "not an atom"));
    };
    match (name, &args[..]) {
        ("dispatch", [_, Term::Atom(fun), Term::List(l)]) if !l.is_empty() => {
            let target = &l[0];
            match m.protocol_impl(proto, target) {
                Some(module) => Ok(Some(NRet::Call(
                    Fun::capture(module, *fun, l.len()),
                    l.iter().cloned().collect(),
                ))),
                None => Err(undefined(proto, target)),
            }
        }
        ("impl_for", [_, v]) => value(m.protocol_impl(proto, v).map_or_else(Term::nil, Term::Atom)),
        ("impl_for!", [_, v]) => match m.protocol_impl(proto, v) {
            Some(module) => value(Term::Atom(module)),
            None => Err(undefined(proto, v)),
        },
        ("info", [_, Term::Atom(what)]) => match &*what.name() {
            "module" => value(Term::Atom(proto)),
            "consolidated?" => value(Term::Atom(Atom::TRUE)),
            "functions" => {
                let mut funs: Vec<(Atom, usize)> = m
                    .modules
                    .borrow()
                    .get(&proto)
                    .map(|md| {
                        md.funs
                            .values()
                            .filter(|d| {
                                !d.private
                                    && !matches!(
                                        &*d.name.name(),
                                        "impl_for" | "impl_for!" | "__protocol__"
                                    )
                            })
                            .map(|d| (d.name, d.arity))
                            .collect()
                    })
                    .unwrap_or_default();
                crate::sorting::sort(&mut funs);
                value(Term::list(
                    funs.into_iter()
                        .map(|(n, a)| Term::tuple(vec![Term::Atom(n), Term::Int(a as i64)]))
                        .collect(),
                ))
            }
            _ => Err(exception(
                "ArgumentError",
                vec![("message", Term::str("unknown __protocol__ key"))],
            )),
        },
        _ => Err(badarg(2, "not a valid argument")),
    }
}
