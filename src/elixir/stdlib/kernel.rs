//! `Kernel`: arithmetic, type checks, tuples, `inspect`, `to_string`, `raise`/`throw`/`exit`,
//! `apply`, `binding`, `self`, `send`; and `Exception`.

use super::super::inspect;
use super::super::machine::{Machine, NRet};
use super::super::ops;
use super::super::value::{argument_error, badarg, exception, message, runtime_error, Exc, Fun, R};
use super::enumerable::call_then;
use super::value;
use crate::runtime::{Atom, Term};

pub const FUNS: super::Table = &[
    ("abs", 1, true),
    ("div", 2, true),
    ("rem", 2, true),
    ("max", 2, true),
    ("min", 2, true),
    ("round", 1, true),
    ("trunc", 1, true),
    ("ceil", 1, true),
    ("floor", 1, true),
    ("hd", 1, true),
    ("tl", 1, true),
    ("length", 1, true),
    ("elem", 2, true),
    ("put_elem", 3, true),
    ("tuple_size", 1, true),
    ("map_size", 1, true),
    ("byte_size", 1, true),
    ("is_atom", 1, true),
    ("is_binary", 1, true),
    ("is_bitstring", 1, true),
    ("is_boolean", 1, true),
    ("is_float", 1, true),
    ("is_function", 1, true),
    ("is_function", 2, true),
    ("is_integer", 1, true),
    ("is_list", 1, true),
    ("is_map", 1, true),
    ("is_map_key", 2, true),
    ("is_nil", 1, true),
    ("is_number", 1, true),
    ("is_pid", 1, true),
    ("is_reference", 1, true),
    ("is_tuple", 1, true),
    ("is_struct", 1, true),
    ("is_struct", 2, true),
    ("is_exception", 1, true),
    ("is_exception", 2, true),
    ("macro_exported?", 3, true),
    ("to_string", 1, true),
    ("to_charlist", 1, true),
    ("inspect", 1, true),
    ("inspect", 2, true),
    ("self", 0, true),
    ("node", 0, true),
    ("make_ref", 0, true),
    ("raise", 1, true),
    ("raise", 2, true),
    ("reraise", 2, true),
    ("throw", 1, true),
    ("exit", 1, true),
    ("binding", 0, true),
    ("binding", 1, true),
    ("not", 1, true),
    ("send", 2, true),
    ("struct", 1, true),
    ("struct", 2, true),
    ("get_in", 2, false),
    ("put_in", 3, false),
    ("get_and_update_in", 3, false),
    ("pop_in", 2, false),
    ("function_exported?", 3, true),
    ("apply", 2, false),
    ("apply", 3, false),
    ("then", 2, false),
    ("tap", 2, false),
    ("update_in", 3, false),
    ("+", 2, true),
    ("-", 2, true),
    ("*", 2, true),
    ("/", 2, true),
    ("-", 1, true),
    ("+", 1, true),
    ("==", 2, true),
    ("!=", 2, true),
    ("===", 2, true),
    ("!==", 2, true),
    ("<", 2, true),
    (">", 2, true),
    ("<=", 2, true),
    (">=", 2, true),
    ("<>", 2, true),
    ("++", 2, true),
    ("--", 2, true),
    ("!", 1, true),
    ("..", 2, true),
    ("..", 3, true),
    ("=~", 2, true),
    ("**", 2, true),
    ("in", 2, true),
    ("spawn", 1, false),
    ("spawn", 3, false),
    ("spawn_link", 1, false),
    ("spawn_link", 3, false),
    ("spawn_monitor", 1, false),
    ("spawn_monitor", 3, false),
];

/// What `&+/2` and friends show as (`&:erlang.+/2`).
pub const ERLANG: super::Table = &[
    ("error", 1, true),
    ("error", 2, true),
    ("float_to_binary", 2, true),
    ("fun_info", 1, true),
    ("fun_info", 2, true),
    ("make_fun", 3, true),
    ("element", 2, true),
    ("setelement", 3, true),
    ("+", 2, true),
    ("-", 2, true),
    ("*", 2, true),
    ("/", 2, true),
    ("==", 2, true),
    ("/=", 2, true),
    ("=:=", 2, true),
    ("=/=", 2, true),
    ("-", 1, true),
    ("+", 1, true),
    ("<", 2, true),
    (">", 2, true),
    ("=<", 2, true),
    (">=", 2, true),
    ("++", 2, true),
    ("--", 2, true),
    ("abs", 1, true),
    ("div", 2, true),
    ("rem", 2, true),
    ("hd", 1, true),
    ("tl", 1, true),
    ("length", 1, true),
    ("elem", 2, true),
    ("is_atom", 1, true),
    ("is_binary", 1, true),
    ("is_integer", 1, true),
    ("is_list", 1, true),
    ("is_map", 1, true),
    ("is_tuple", 1, true),
    ("is_float", 1, true),
    ("is_number", 1, true),
    ("is_pid", 1, true),
    ("is_function", 1, true),
    ("tuple_size", 1, true),
    ("map_size", 1, true),
    ("max", 2, true),
    ("min", 2, true),
    ("round", 1, true),
    ("trunc", 1, true),
    ("self", 0, true),
    ("make_ref", 0, true),
    ("node", 0, true),
    ("atom_to_binary", 1, true),
    ("binary_to_atom", 1, true),
    ("integer_to_binary", 1, true),
    ("list_to_tuple", 1, true),
    ("tuple_to_list", 1, true),
    ("system_time", 0, true),
    ("system_time", 1, true),
    ("monotonic_time", 0, true),
    ("monotonic_time", 1, true),
    ("phash2", 1, true),
];

pub const EXCEPTION: super::Table = &[
    ("message", 1, true),
    ("format", 2, true),
    ("format", 3, true),
];

fn int(t: &Term) -> Option<i64> {
    t.as_int()
}

fn is(b: bool) -> R<Option<NRet>> {
    value(Term::bool(b))
}

fn erl_arith(op: &str, args: &[Term]) -> Exc {
    ops::arith_error(op, &args[0], args.get(1))
}

pub fn call(m: &mut Machine, name: &str, args: Vec<Term>) -> R<Option<NRet>> {
    let a = &args;
    match (name, a.len()) {
        (
            "+" | "-" | "*" | "/" | "==" | "!=" | "===" | "!==" | "<" | ">" | "<=" | ">=" | "<>"
            | "++" | "--" | "=~" | "**" | ".." | "in",
            2,
        ) => value(ops::binary(name, &a[0], &a[1])?),
        ("=<", 2) => value(Term::bool(a[0] <= a[1])),
        ("/=", 2) => value(ops::binary("!=", &a[0], &a[1])?),
        ("=:=", 2) => value(Term::bool(super::super::matcher::strict_eq(&a[0], &a[1]))),
        ("=/=", 2) => value(Term::bool(!super::super::matcher::strict_eq(&a[0], &a[1]))),
        ("-" | "+", 1) => value(ops::unary(name, &a[0])?),
        ("!", 1) => value(Term::bool(!a[0].is_truthy())),
        ("not", 1) => value(ops::unary("not", &a[0])?),
        ("..", 3) => value(ops::range(&a[0], &a[1], Some(&a[2]))?),
        ("abs", 1) => match &a[0] {
            Term::Int(i) => value(match i.checked_abs() {
                Some(n) => Term::Int(n),
                None => Term::big(crate::runtime::bigint::BigInt::from(*i).abs()),
            }),
            Term::Big(b) => value(Term::big(b.abs())),
            Term::Float(f) => value(Term::Float(f.abs())),
            _ => Err(badarg(1, "not a number")),
        },
        ("div" | "rem", 2) => match (int(&a[0]), int(&a[1])) {
            (_, Some(0)) => Err(erl_arith(name, a)),
            // rem(-9223372036854775808, -1) is 0; the div is 2^63, past 64 bits
            (Some(x), Some(y)) if name == "rem" => value(Term::Int(x.wrapping_rem(y))),
            (Some(x), Some(y)) if x.checked_div(y).is_some() => value(Term::Int(x / y)),
            _ => match (a[0].as_bigint(), a[1].as_bigint()) {
                (Some(x), Some(y)) => value(ops::big(if name == "div" { x / y } else { x % y })?),
                _ => Err(erl_arith(name, a)),
            },
        },
        ("max", 2) => value(if a[0] >= a[1] {
            a[0].clone()
        } else {
            a[1].clone()
        }),
        ("min", 2) => value(if a[0] <= a[1] {
            a[0].clone()
        } else {
            a[1].clone()
        }),
        ("round" | "trunc" | "ceil" | "floor", 1) => match &a[0] {
            Term::Int(i) => value(Term::Int(*i)),
            Term::Float(f) => {
                let r = match name {
                    "round" => f.round(),
                    "trunc" => f.trunc(),
                    "ceil" => f.ceil(),
                    _ => f.floor(),
                };
                if (-9.223_372_036_854_776e18..9.223_372_036_854_776e18).contains(&r) {
                    value(Term::Int(r as i64))
                } else {
                    // past 64 bits: a big integer, exactly the float's value
                    let b = crate::runtime::bigint::BigInt::from_f64(r);
                    value(Term::big(b.unwrap_or_default()))
                }
            }
            Term::Big(_) => value(a[0].clone()),
            _ => Err(badarg(1, "not a number")),
        },
        ("hd", 1) => match &a[0] {
            Term::List(l) if !l.is_empty() => value(l[0].clone()),
            Term::Improper(cell) => value(cell.0.first().cloned().unwrap_or_else(Term::nil)),
            _ => Err(badarg(1, "not a nonempty list")),
        },
        ("tl", 1) => match &a[0] {
            Term::Improper(..) => value(a[0].list_rest(1).unwrap_or_else(Term::nil)),
            Term::List(l) if !l.is_empty() => value(Term::List(l.skip(1))),
            _ => Err(badarg(1, "not a nonempty list")),
        },
        ("length", 1) => match &a[0] {
            Term::List(l) => value(Term::Int(l.len() as i64)),
            _ => Err(badarg(1, "not a list")),
        },
        ("fun_info", 1 | 2) => {
            let Term::Fun(f) = &a[0] else {
                return Err(badarg(1, "not a fun"));
            };
            let info = fun_info(m, f.as_any().downcast_ref::<Fun>());
            match a.get(1) {
                None => value(Term::list(
                    info.into_iter()
                        .map(|(k, v)| Term::tuple(vec![Term::atom(k), v]))
                        .collect(),
                )),
                Some(Term::Atom(item)) => match info.into_iter().find(|(k, _)| *k == &*item.name())
                {
                    Some((k, v)) => value(Term::tuple(vec![Term::atom(k), v])),
                    // a capture belongs to no process
                    None if &*item.name() == "pid" => value(Term::tuple(vec![
                        Term::atom("pid"),
                        Term::atom("undefined"),
                    ])),
                    None => Err(badarg(2, "invalid item")),
                },
                Some(_) => Err(badarg(2, "not an atom")),
            }
        }
        ("make_fun", 3) => match (&a[0], &a[1], int(&a[2])) {
            (Term::Atom(module), Term::Atom(name), Some(n)) if (0..=255).contains(&n) => {
                value(Fun::capture(*module, *name, n as usize))
            }
            _ => Err(badarg(1, "not a module, function name and arity")),
        },
        // Erlang's own, 1-based and the index first: Kernel's elem/put_elem, whose errors
        // already name Erlang's arguments
        ("element" | "setelement", 2 | 3) => {
            let Some(i) = int(&a[0]).and_then(|i| i.checked_sub(1)) else {
                return Err(badarg(1, "out of range"));
            };
            let mut kernel_args = vec![a[1].clone(), Term::Int(i)];
            kernel_args.extend(a.get(2).cloned());
            let kernel = if name == "element" {
                "elem"
            } else {
                "put_elem"
            };
            call(m, kernel, kernel_args)
        }
        // :erlang.element(i + 1, tuple) and setelement/3: the index is their 1st argument
        ("elem", 2) => match (&a[0], int(&a[1])) {
            (_, None) => Err(ops::arith_error("+", &a[1], Some(&Term::Int(1)))),
            (Term::Tuple(t), Some(i)) if usize::try_from(i).is_ok_and(|i| i < t.len()) => {
                value(t[i as usize].clone())
            }
            (Term::Tuple(_), Some(_)) => Err(badarg(1, "out of range")),
            _ => Err(badarg(2, "not a tuple")),
        },
        ("put_elem", 3) => match (&a[0], int(&a[1])) {
            (_, None) => Err(ops::arith_error("+", &a[1], Some(&Term::Int(1)))),
            (Term::Tuple(t), Some(i)) if usize::try_from(i).is_ok_and(|i| i < t.len()) => {
                let mut v = t.to_vec();
                v[i as usize] = a[2].clone();
                value(Term::tuple(v))
            }
            (Term::Tuple(_), Some(_)) => Err(badarg(1, "out of range")),
            _ => Err(badarg(2, "not a tuple")),
        },
        ("tuple_size", 1) => match &a[0] {
            Term::Tuple(t) => value(Term::Int(t.len() as i64)),
            _ => Err(badarg(1, "not a tuple")),
        },
        ("map_size", 1) => match &a[0] {
            Term::Map(p) => value(Term::Int(p.len() as i64)),
            Term::Struct(_, f) => value(Term::Int(f.len() as i64 + 1)),
            _ => Err(exception("BadMapError", vec![("term", a[0].clone())])),
        },
        ("byte_size", 1) => match &a[0] {
            Term::Str(s) => value(Term::Int(s.len() as i64)),
            Term::Bin(b, _) => value(Term::Int(b.len() as i64)),
            _ => Err(badarg(1, "not a bitstring")),
        },
        ("is_atom", 1) => is(matches!(a[0], Term::Atom(_))),
        ("is_binary", 1) => is(a[0].as_bytes().is_some()),
        ("is_bitstring", 1) => is(matches!(a[0], Term::Str(_) | Term::Bin(..))),
        ("is_boolean", 1) => is(a[0] == Term::bool(true) || a[0] == Term::bool(false)),
        ("is_float", 1) => is(matches!(a[0], Term::Float(_))),
        ("is_integer", 1) => is(matches!(a[0], Term::Int(_) | Term::Big(_))),
        ("is_number", 1) => is(matches!(a[0], Term::Int(_) | Term::Big(_) | Term::Float(_))),
        ("is_list", 1) => is(matches!(a[0], Term::List(_) | Term::Improper(..))),
        ("is_map", 1) => is(matches!(a[0], Term::Map(_) | Term::Struct(..))),
        ("is_tuple", 1) => is(matches!(a[0], Term::Tuple(_))),
        ("is_pid", 1) => is(matches!(a[0], Term::Pid(_))),
        ("is_reference", 1) => is(matches!(a[0], Term::Ref(_))),
        ("is_nil", 1) => is(a[0].is_nil()),
        ("is_function", 1) => is(matches!(a[0], Term::Fun(_))),
        ("is_function", 2) => {
            is(matches!(&a[0], Term::Fun(f) if Some(f.arity() as i64) == int(&a[1])))
        }
        ("is_map_key", 2) => match &a[0] {
            Term::Map(_) | Term::Struct(..) => {
                is(super::super::matcher::map_get(&a[0], &a[1]).is_some())
            }
            _ => Err(exception("BadMapError", vec![("term", a[0].clone())])),
        },
        ("is_struct", 1) => is(matches!(a[0], Term::Struct(..))),
        ("is_struct", 2) => is(matches!(&a[0], Term::Struct(m, _) if Term::Atom(*m) == a[1])),
        ("is_exception", 1) => is(matches!(&a[0], Term::Struct(m, _) if is_exception_module(m))),
        ("is_exception", 2) => is(
            matches!((&a[0], &a[1]), (Term::Struct(m, _), Term::Atom(n)) if m == n && is_exception_module(m)),
        ),
        // the library's macros a learner meets, and the console's own (`defmacro`)
        ("macro_exported?", 3) => is(match (&a[0], &a[1], int(&a[2])) {
            (Term::Atom(md), Term::Atom(f), Some(n)) if n >= 0 => {
                let alias = md.name();
                let alias = alias.strip_prefix("Elixir.").unwrap_or(&alias);
                is_library_macro(alias, &f.name(), n as usize)
                    || m.macro_fun(*md, *f, n as usize).is_some()
            }
            _ => false,
        }),
        // a binary is its own string, UTF-8 or not
        ("to_string", 1) if matches!(a[0], Term::Bin(_, 0)) => value(a[0].clone()),
        ("to_string", 1) => match ops::to_string(&a[0]) {
            Ok(s) => value(Term::str(&s)),
            Err(x) => match m.chars_call(&a[0]) {
                Some(call) => Ok(Some(call)),
                None => Err(x),
            },
        },
        ("to_charlist", 1) => {
            let s = ops::to_string(&a[0])?;
            value(Term::list(s.chars().map(|c| Term::Int(c as i64)).collect()))
        }
        ("inspect", 1) => {
            let plain = inspect::Opts {
                pretty: false,
                ..Default::default()
            };
            match m.inspect_with_impls(&a[0], plain) {
                Some(r) => r.map(Some),
                None => value(Term::str(&inspect::inspect(&a[0]))),
            }
        }
        ("inspect", 2) => match m.inspect_with_impls(&a[0], opts_of(&a[1])) {
            Some(r) => r.map(Some),
            None => value(Term::str(&inspect_with(&a[0], &a[1]))),
        },
        ("self", 0) => value(Term::Pid(m.ctx.pid())),
        ("spawn" | "spawn_link" | "spawn_monitor", 1 | 3) => super::otp::spawn(m, name, args),
        ("node", 0) => value(Term::atom("nonode@nohost")),
        ("make_ref", 0) => value(Term::Ref(m.ctx.make_ref())),
        ("send", 2) => {
            let dest = match &a[0] {
                Term::Pid(p) => Some(*p),
                Term::Atom(n) => m.ctx.whereis(&crate::runtime::registry::atom_name(*n)),
                _ => None,
            };
            match dest {
                Some(p) => {
                    m.ctx.send(p, a[1].clone());
                    value(a[1].clone())
                }
                None if matches!(a[0], Term::Atom(_)) => Err(badarg(1, "invalid destination")),
                None => Err(badarg(1, "invalid destination")),
            }
        }
        ("raise", 1) => Err(raise(m, &a[0], None)?),
        ("raise", 2) => Err(raise(m, &a[0], Some(&a[1]))?),
        ("reraise", 2) => Err(raise(m, &a[0], None)?),
        ("throw", 1) => Err(Exc::Throw(a[0].clone())),
        ("error", 1 | 2) => Err(crate::elixir::value::erlang_error(a[0].clone())),
        // `[decimals: n]`: fixed notation, correctly rounded (as Erlang's)
        ("float_to_binary", 2) => {
            let x = match &a[0] {
                Term::Float(x) => *x,
                _ => return Err(badarg(1, "not a float")),
            };
            match a[1].get("decimals").and_then(|d| d.as_int()) {
                Some(d) if (0..=253).contains(&d) && x.is_finite() => {
                    value(Term::str(&fixed_half_up(x, d as usize)))
                }
                _ => Err(badarg(2, "invalid option in list")),
            }
        }
        ("exit", 1) => Err(Exc::Exit(a[0].clone())),
        ("binding", 0 | 1) => {
            // `binding(:ctx)`: the variables `var!(x, :ctx)` made, named `ctx:x`
            let prefix = match a.first() {
                None => String::new(),
                Some(Term::Atom(c)) if c.name().as_ref() == "nil" => String::new(),
                Some(Term::Atom(c)) => format!("{}:", c.name()),
                Some(_) => return Err(badarg(1, "not an atom")),
            };
            let mut seen: Vec<Atom> = Vec::new();
            let mut out = Vec::new();
            for (k, v) in m.env.iter().rev() {
                let name = k.name();
                let Some(short) = name.strip_prefix(prefix.as_str()) else {
                    continue;
                };
                if short.starts_with('&') || short.ends_with('@') || short.contains(':') {
                    continue;
                }
                if seen.contains(k) {
                    continue;
                }
                seen.push(*k);
                out.push(Term::tuple(vec![Term::atom(short), v.clone()]));
            }
            crate::sorting::sort(&mut out);
            value(Term::list(out))
        }
        ("struct", 1 | 2) => {
            let name = match &a[0] {
                Term::Atom(n) => *n,
                Term::Struct(n, _) => *n,
                _ => return Err(badarg(1, "not a struct module")),
            };
            let Some(mut fields) = m.struct_fields(name) else {
                return Err(undefined_struct(name));
            };
            if let Term::Struct(_, f) = &a[0] {
                fields = f.to_vec();
            }
            // the given fields, from a keyword list or a map; keys the struct lacks are left out
            let given: Vec<(Term, Term)> = match a.get(1) {
                None => Vec::new(),
                Some(Term::List(kv)) => kv
                    .iter()
                    .filter_map(|t| match t.as_tuple() {
                        Some([k, v]) => Some((k.clone(), v.clone())),
                        _ => None,
                    })
                    .collect(),
                Some(Term::Map(p)) => p.to_vec(),
                Some(Term::Struct(_, f)) => {
                    f.iter().map(|(k, v)| (Term::Atom(*k), v.clone())).collect()
                }
                Some(_) => return Err(badarg(2, "not an enumerable of key-value pairs")),
            };
            for (k, v) in given {
                if let Term::Atom(k) = k {
                    if let Some(slot) = fields.iter_mut().find(|(f, _)| *f == k) {
                        slot.1 = v;
                    }
                }
            }
            value(Term::Struct(name, fields.into()))
        }
        // a path with an accessor function (`Access.all()`): the prelude's Elixir walks it
        ("get_in" | "put_in" | "update_in", _) if has_accessor(&a[1]) => {
            in_elixir(&format!("__{name}__"), args)
        }
        ("get_and_update_in" | "pop_in", _) => in_elixir(&format!("__{name}__"), args),
        ("get_in", 2) => {
            let mut cur = a[0].clone();
            for k in a[1].as_list().unwrap_or(&[]) {
                cur = super::super::machine::access(&cur, k)?;
            }
            value(cur)
        }
        ("put_in", 3) => value(put_in(&a[0], a[1].as_list().unwrap_or(&[]), a[2].clone())?),
        ("function_exported?", 3) => {
            let (Term::Atom(md), Term::Atom(f), Some(n)) = (&a[0], &a[1], int(&a[2])) else {
                return is(false);
            };
            let arity = usize::try_from(n).unwrap_or(usize::MAX); // negative: no such arity
            let user = m
                .modules
                .borrow()
                .get(md)
                .map(|x| x.funs.get(&(*f, arity)).is_some_and(|d| !d.private));
            // a console module of the library's name (the prelude's) adds to the library's
            is(user == Some(true) || m.natives.exists(*md, *f, arity))
        }
        ("apply", 2) => match &a[1] {
            Term::List(l) => Ok(Some(NRet::Call(a[0].clone(), l.to_vec()))),
            _ => Err(badarg(2, "not a list")),
        },
        ("apply", 3) => match (&a[0], &a[1], &a[2]) {
            (Term::Atom(md), Term::Atom(f), Term::List(l)) => {
                Ok(Some(NRet::Call(Fun::capture(*md, *f, l.len()), l.to_vec())))
            }
            _ => Err(badarg(1, "not an atom")),
        },
        ("then", 2) => Ok(Some(NRet::Call(a[1].clone(), vec![a[0].clone()]))),
        ("tap", 2) => {
            let v = a[0].clone();
            Ok(Some(call_then(
                a[1].clone(),
                vec![a[0].clone()],
                move |_, _| Ok(v),
            )))
        }
        ("update_in", 3) => {
            let path: Vec<Term> = a[1].as_list().unwrap_or(&[]).to_vec();
            let mut cur = a[0].clone();
            for (i, k) in path.iter().enumerate() {
                // a missing key on the way: nothing to update under it
                if cur.is_nil() && i > 0 {
                    return Err(argument_error(format!(
                        "could not put/update key {} on a nil value",
                        inspect::inspect(k)
                    )));
                }
                cur = super::super::machine::access(&cur, k)?;
            }
            let data = a[0].clone();
            Ok(Some(call_then(a[2].clone(), vec![cur], move |_, new| {
                put_in(&data, &path, new)
            })))
        }
        // :erlang
        ("atom_to_binary", 1) => match &a[0] {
            Term::Atom(x) => value(Term::str(&x.name())),
            _ => Err(badarg(1, "not an atom")),
        },
        ("binary_to_atom", 1) => match &a[0] {
            Term::Str(s) => value(Term::atom(s)),
            _ => Err(badarg(1, "not a binary")),
        },
        ("integer_to_binary", 1) => match &a[0] {
            Term::Int(i) => value(Term::str(&i.to_string())),
            Term::Big(b) => value(Term::str(&b.to_string())),
            _ => Err(badarg(1, "not an integer")),
        },
        ("list_to_tuple", 1) => match &a[0] {
            Term::List(l) => value(Term::tuple(l.to_vec())),
            _ => Err(badarg(1, "not a list")),
        },
        ("tuple_to_list", 1) => match &a[0] {
            Term::Tuple(t) => value(Term::list(t.to_vec())),
            _ => Err(badarg(1, "not a tuple")),
        },
        // the virtual clock (a replay reads the same times): monotonic from the run's start,
        // system from 2016-02-11T00:00:00Z, the day Part 2 of the series was published
        ("system_time" | "monotonic_time", 0 | 1) => {
            let epoch = if name == "system_time" {
                VIRTUAL_EPOCH_MS
            } else {
                0
            };
            let ms = m.ctx.now() as i64 + epoch;
            let unit = a
                .first()
                .and_then(|u| u.as_atom())
                .map(|u| u.name().to_string());
            let t = match unit.as_deref() {
                None | Some("native" | "nanosecond") => ms * 1_000_000,
                Some("microsecond") => ms * 1000,
                Some("millisecond") => ms,
                Some("second") => ms / 1000,
                _ => return Err(badarg(1, "invalid time unit")),
            };
            value(Term::Int(t))
        }
        ("phash2", 1) => value(Term::Int(
            (inspect::inspect(&a[0])
                .bytes()
                .fold(0u32, |h, b| h.wrapping_mul(31).wrapping_add(b as u32))
                % (1 << 27)) as i64,
        )),
        _ => Ok(None),
    }
}

/// Whether the library has the macro `module.name/arity` (`Kernel`, `if`, 2).
pub fn is_library_macro(module: &str, name: &str, arity: usize) -> bool {
    LIBRARY_MACROS
        .iter()
        .any(|(m, n, a)| *m == module && *n == name && *a == arity as i64)
}

/// Macros of the library, for `macro_exported?/3`: (module alias, name, arity).
const LIBRARY_MACROS: &[(&str, &str, i64)] = &[
    ("Kernel", "use", 1),
    ("Kernel", "use", 2),
    ("Kernel", "def", 1),
    ("Kernel", "def", 2),
    ("Kernel", "defp", 2),
    ("Kernel", "defmodule", 2),
    ("Kernel", "defmacro", 2),
    ("Kernel", "defstruct", 1),
    ("Kernel", "defexception", 1),
    ("Kernel", "defprotocol", 2),
    ("Kernel", "defimpl", 2),
    ("Kernel", "defimpl", 3),
    ("Kernel", "defdelegate", 2),
    ("Kernel", "defguard", 1),
    ("Kernel", "if", 2),
    ("Kernel", "unless", 2),
    ("Kernel", "|>", 2),
    ("Kernel", "&&", 2),
    ("Kernel", "||", 2),
    ("Kernel", "..", 2),
    ("Kernel", "!", 1),
    ("Kernel", "in", 2),
    ("Kernel", "is_nil", 1),
    ("Kernel", "is_struct", 1),
    ("Kernel", "is_exception", 1),
    ("Kernel", "match?", 2),
    ("Kernel", "raise", 1),
    ("Kernel", "raise", 2),
    ("Kernel", "reraise", 2),
    ("Kernel", "then", 2),
    ("Kernel", "tap", 2),
    ("Kernel", "dbg", 1),
    ("Kernel", "to_string", 1),
    ("Kernel", "to_charlist", 1),
    ("Kernel", "get_in", 1),
    ("Kernel", "put_in", 2),
    ("Kernel", "update_in", 2),
    ("Kernel", "pop_in", 1),
    ("Kernel", "sigil_r", 2),
    ("Kernel", "sigil_s", 2),
    ("Kernel", "sigil_c", 2),
    ("Kernel", "sigil_w", 2),
    ("Kernel", "sigil_D", 2),
    ("Kernel", "binding", 0),
    ("Kernel", "var!", 1),
    ("Kernel", "var!", 2),
    ("Kernel", "@", 1),
    ("Integer", "is_even", 1),
    ("Integer", "is_odd", 1),
];

pub fn is_exception_module(m: &Atom) -> bool {
    let n = m.name();
    n.ends_with("Error") || n.ends_with("Exception") || n.contains("Error.")
}

fn undefined_struct(name: Atom) -> Exc {
    exception(
        "UndefinedFunctionError",
        vec![
            ("module", Term::Atom(name)),
            ("function", Term::atom("__struct__")),
            ("arity", Term::Int(0)),
            ("reason", Term::nil()),
            ("message", Term::nil()),
        ],
    )
}

/// `put_in/3` with a list path: down the path to each container, then back up, putting each
/// new inner value in its container. A loop, not a recursion: a path may be 10,000 keys long.
fn put_in(data: &Term, path: &[Term], v: Term) -> R<Term> {
    let mut containers = Vec::with_capacity(path.len());
    let mut at = data.clone();
    for k in path {
        if at.is_nil() {
            return Err(argument_error(format!(
                "could not put/update key {} on a nil value",
                inspect::inspect(k)
            )));
        }
        let inner = super::super::machine::access(&at, k)?;
        containers.push(std::mem::replace(&mut at, inner));
    }
    ops::note_work(path.len() as u64);
    let mut new = v;
    for (container, k) in containers.iter().zip(path).rev() {
        new = put_one(container, k, new)?;
    }
    Ok(new)
}

/// `container` (not nil: `put_in` said so first) with `k` set to `new`.
fn put_one(data: &Term, k: &Term, new: Term) -> R<Term> {
    match data {
        Term::Map(p) => {
            let mut pairs = p.to_vec();
            pairs.push((k.clone(), new));
            Ok(Term::map(pairs))
        }
        Term::Struct(..) => super::super::machine::map_update(data, vec![(k.clone(), new)]),
        Term::List(items) => Ok(super::super::machine::keyword_put(items, k, new)),
        other => Err(exception("BadMapError", vec![("term", other.clone())])),
    }
}

fn inspect_with(t: &Term, opts: &Term) -> String {
    inspect::render(t, opts_of(opts))
}

/// `inspect/2`'s options.
fn opts_of(opts: &Term) -> inspect::Opts {
    let mut o = inspect::Opts {
        pretty: false,
        ..Default::default()
    };
    if let Some(Term::Int(w)) = opts.get("width") {
        o.width = ops::index((*w).max(1));
    }
    if let Some(p) = opts.get("pretty") {
        o.pretty = p.is_truthy();
    }
    if let Some(l) = opts.get("limit") {
        o.limit = match l {
            Term::Int(n) => ops::index(*n),
            _ => usize::MAX,
        };
    }
    if let Some(Term::Atom(b)) = opts.get("base") {
        o.base = match &*b.name() {
            "binary" => 2,
            "octal" => 8,
            "hex" => 16,
            _ => 10,
        };
    }
    if let Some(c) = opts.get("charlists") {
        o.charlists = matches!(c, Term::Atom(a) if matches!(&*a.name(), "infer" | "as_charlists"));
    }
    if let Some(Term::Atom(b)) = opts.get("binaries") {
        o.binaries_as_strings = match &*b.name() {
            "as_strings" => Some(true),
            "as_binaries" => Some(false),
            _ => None,
        };
    }
    o
}

/// The exception `raise` raises for its arguments.
fn raise(m: &mut Machine, what: &Term, arg: Option<&Term>) -> R<Exc> {
    match (what, arg) {
        (Term::Str(s), None) => Ok(runtime_error(s)),
        (Term::Struct(..), None) => Ok(Exc::Error(what.clone())),
        (Term::Atom(module), arg) => {
            let name = module.name();
            let short = name.trim_start_matches("Elixir.");
            let msg: Option<Term> = match arg {
                Some(Term::Str(s)) => Some(Term::Str(s.clone())),
                _ => None,
            };
            let kw: Vec<(Atom, Term)> = match arg {
                Some(Term::List(kv)) => kv
                    .iter()
                    .filter_map(|t| match t.as_tuple() {
                        Some([Term::Atom(k), v]) => Some((*k, v.clone())),
                        _ => None,
                    })
                    .collect(),
                _ => vec![],
            };
            if let Some(fields) = m.struct_fields(*module) {
                let is_exc = m.modules.borrow().get(module).is_some_and(|md| md.exception)
                    || m.natives.struct_fields(*module).is_none();
                if !is_exc {
                    return Err(argument_error(format!("expected an exception, got: {}", inspect::inspect(what))));
                }
                let mut fields = fields;
                for (k, v) in kw {
                    match fields.iter_mut().find(|(f, _)| *f == k) {
                        Some(slot) => slot.1 = v,
                        None => {
                            return Err(super::super::value::key_error(&Term::Atom(k), &Term::Struct(*module, fields.clone().into())))
                        }
                    }
                }
                if let Some(msg) = msg {
                    if let Some(slot) = fields.iter_mut().find(|(f, _)| &*f.name() == "message") {
                        slot.1 = msg;
                    }
                }
                return Ok(Exc::Error(Term::Struct(*module, fields.into())));
            }
            let default = match short {
                "RuntimeError" => "runtime error",
                "ArgumentError" => "argument error",
                "ArithmeticError" => "bad argument in arithmetic expression",
                "SystemLimitError" => "a system limit has been reached",
                _ if is_exception_module(module) => "",
                _ => {
                    return Err(exception(
                        "UndefinedFunctionError",
                        vec![
                            ("module", what.clone()),
                            ("function", Term::atom("exception")),
                            ("arity", Term::Int(1)),
                            ("reason", Term::atom("module_not_available")),
                            ("message", Term::nil()),
                        ],
                    ))
                }
            };
            let mut fields: Vec<(Atom, Term)> = vec![];
            // a KeyError without a message says which key it did not find in what
            let computed = short == "KeyError" && kw.iter().any(|(k, _)| &*k.name() == "key");
            let message = msg
                .or_else(|| kw.iter().find(|(k, _)| &*k.name() == "message").map(|(_, v)| v.clone()))
                .unwrap_or_else(|| if computed { Term::nil() } else { Term::str(default) });
            for (k, v) in &kw {
                if &*k.name() != "message" {
                    fields.push((*k, v.clone()));
                }
            }
            fields.push((Atom::new("message"), message));
            Ok(Exc::Error(Term::Struct(*module, fields.into())))
        }
        _ => Ok(argument_error(format!(
            "raise/1 and raise/2 expect a module name, string or exception as the first argument, got: {}",
            inspect::inspect(what)
        ))),
    }
}

/// Whether a path of `get_in` and friends holds a function (an `Access` accessor).
fn has_accessor(path: &Term) -> bool {
    path.as_list()
        .is_some_and(|keys| keys.iter().any(|k| matches!(k, Term::Fun(_))))
}

/// `Access.name(args)`, written in Elixir in the prelude.
fn in_elixir(name: &str, args: Vec<Term>) -> R<Option<NRet>> {
    let n = args.len();
    Ok(Some(NRet::Call(
        Fun::capture(Atom::module("Access"), Atom::new(name), n),
        args,
    )))
}

pub fn exception_call(m: &mut Machine, name: &str, args: Vec<Term>) -> R<Option<NRet>> {
    match (name, args.len()) {
        ("message", 1) => match m.own_message(&args[0]) {
            Some(f) => Ok(Some(NRet::Call(f, args))),
            None => value(Term::str(&message(&args[0]))),
        },
        ("format", 2 | 3) => {
            let exc = match args[0].as_atom().map(|a| a.name().to_string()).as_deref() {
                Some("error") => Exc::Error(args[1].clone()),
                Some("throw") => Exc::Throw(args[1].clone()),
                _ => Exc::Exit(args[1].clone()),
            };
            value(Term::str(
                super::super::value::render(&exc).trim_start_matches("** "),
            ))
        }
        _ => Ok(None),
    }
}

/// What `:erlang.fun_info/1` says of a function (`Function.info/1`): a capture is
/// `:external`, a closure `:local` to the module (or the shell's `:erl_eval`) that made it.
fn fun_info(m: &Machine, f: Option<&Fun>) -> Vec<(&'static str, Term)> {
    use super::super::value::FunKind;
    let Some(f) = f else {
        return vec![("type", Term::atom("local"))];
    };
    let arity = Term::Int(f.arity as i64);
    match &f.kind {
        FunKind::Capture { module, name, .. } => vec![
            ("module", Term::Atom(*module)),
            ("name", Term::Atom(*name)),
            ("arity", arity),
            ("env", Term::list(vec![])),
            ("type", Term::atom("external")),
        ],
        FunKind::Closure { module, .. } => {
            let made_in = f.origin.rsplit(' ').next().unwrap_or("expr/6").to_string();
            vec![
                ("pid", Term::Pid(m.ctx.pid())),
                (
                    "module",
                    Term::Atom(module.unwrap_or(Atom::new("erl_eval"))),
                ),
                (
                    "name",
                    Term::atom(&format!("-{made_in}-fun-{}-", f.id % 128)),
                ),
                ("arity", arity),
                ("env", Term::list(vec![])),
                ("type", Term::atom("local")),
            ]
        }
    }
}

/// What the console's clock reads as the run starts: 2016-02-11T00:00:00Z, in Unix ms.
pub const VIRTUAL_EPOCH_MS: i64 = 1_455_148_800_000;

/// `x` with `decimals` digits after the point, its exact value rounded half up, as Erlang's
/// `float_to_binary(x, [{decimals, n}])` (`2.25` → `"2.3"`, `2.675` → `"2.67"`: it is
/// 2.67499…).
fn fixed_half_up(x: f64, decimals: usize) -> String {
    // an f64's decimal expansion ends within 1,074 places: this is it, exactly
    let exact = format!("{:.1100}", x.abs());
    let (int, frac) = exact.split_once('.').unwrap_or((&exact, ""));
    let mut digits: Vec<u8> = int.bytes().chain(frac.bytes().take(decimals)).collect();
    if frac.as_bytes().get(decimals).is_some_and(|d| *d >= b'5') {
        let mut i = digits.len();
        loop {
            if i == 0 {
                digits.insert(0, b'1');
                break;
            }
            i -= 1;
            if digits[i] == b'9' {
                digits[i] = b'0';
            } else {
                digits[i] += 1;
                break;
            }
        }
    }
    let cut = digits.len() - decimals;
    let (whole, part) = digits.split_at(cut);
    let mut out = String::new();
    if x.is_sign_negative() {
        out.push('-');
    }
    out.push_str(std::str::from_utf8(whole).unwrap_or("0"));
    if decimals > 0 {
        out.push('.');
        out.push_str(std::str::from_utf8(part).unwrap_or(""));
    }
    out
}
