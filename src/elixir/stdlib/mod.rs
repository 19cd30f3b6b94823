//! Elixir's standard library, one file per module, as native Rust on terms.
//!
//! Each module file has a table `FUNS` of `(name, arity, sync)`: `sync` functions answer
//! at once (they can run inside simple expressions); the others call functions given to
//! them (`Enum.map`) or wait on the runtime (`GenServer.call`), through the machine.

pub mod atom;
pub mod binary;
pub mod bitwise;
pub mod crypto;
pub mod r#enum;
pub mod enumerable;
pub mod ets;
pub mod iex;
pub mod integer;
pub mod io;
pub mod kernel;
pub mod keyword;
pub mod list;
pub mod map;
pub mod otp;
pub mod protocol;
pub mod quoted;
pub mod rand;
pub mod range;
pub mod re;
pub mod string;
pub mod tuple;

use super::machine::{Machine, NRet};
use super::value::R;
use crate::runtime::{Atom, Term};

use super::natives::Natives;
pub use super::natives::Table;

/// The modules the console knows natively, by their Elixir names (`Elixir.Enum`) or Erlang
/// names (`erlang`), with their tables of functions.
pub const TABLES: &[(&str, Table)] = &[
    ("Elixir.Kernel", kernel::FUNS),
    ("erlang", kernel::ERLANG),
    ("Elixir.Kernel", binary::KERNEL),
    ("erlang", binary::ERLANG),
    ("binary", binary::BINARY),
    ("Elixir.Enum", r#enum::FUNS),
    ("Elixir.Map", map::FUNS),
    ("Elixir.Keyword", keyword::FUNS),
    ("Elixir.List", list::FUNS),
    ("Elixir.String", string::FUNS),
    ("Elixir.Integer", integer::FUNS),
    ("Elixir.Float", integer::FLOAT),
    ("Elixir.Tuple", tuple::FUNS),
    ("Elixir.Atom", atom::FUNS),
    ("Elixir.Bitwise", bitwise::FUNS),
    ("Elixir.Range", range::FUNS),
    ("Elixir.IO", io::FUNS),
    ("Elixir.Exception", kernel::EXCEPTION),
    ("lists", list::LISTS),
    ("ets", ets::FUNS),
    ("rand", rand::FUNS),
    ("crypto", crypto::FUNS),
    ("erlang", crypto::ERLANG),
    ("erlang", rand::DICT),
    ("Elixir.Process", rand::PROCESS_DICT),
    ("math", integer::MATH),
    ("redfour", otp::REDFOUR),
    ("Elixir.Process", otp::PROCESS),
    ("Elixir.GenServer", otp::GENSERVER),
    ("Elixir.Supervisor", otp::SUPERVISOR),
    ("Elixir.DynamicSupervisor", otp::DYNSUP),
    ("sys", otp::SYS),
    ("Elixir.Application", otp::APPLICATION),
    ("observer", otp::OBSERVER),
    ("application", otp::ERL_APPLICATION),
    ("redfour_protocol", protocol::FUNS),
    ("redfour_enum", enumerable::LAZY_FUNS),
    ("redfour_re", re::FUNS),
    ("Elixir.Macro", quoted::MACRO),
    ("Elixir.Code", quoted::CODE),
    ("redfour_quoted", quoted::QUOTED),
];

/// Fills the console's table of native functions with the library's modules.
pub fn register(n: &mut Natives) {
    for (module, table) in TABLES {
        // Erlang's modules (`:lists`) and the console's own (`:redfour`) are not listed by `h`
        n.add_module(module, table, call, module.starts_with("Elixir."));
    }
    n.add_struct(
        "Elixir.Range",
        vec![
            ("first", Term::nil()),
            ("last", Term::nil()),
            ("step", Term::nil()),
        ],
    );
}

/// How iex shows a capture of a Kernel function that the compiler inlines, module and name:
/// `&:erlang.+/2`, `&:erlang."=<"/2` for `&<=/2`.
pub fn erlang_name(n: &Natives, name: Atom, arity: usize) -> (Atom, Atom) {
    let erlang = Atom::new("erlang");
    let erl = match (&*name.name(), arity) {
        ("!=", 2) => Atom::new("/="),
        ("<=", 2) => Atom::new("=<"),
        ("===", 2) => Atom::new("=:="),
        ("!==", 2) => Atom::new("=/="),
        _ => name,
    };
    if n.exists(erlang, erl, arity) {
        (erlang, erl)
    } else {
        (Atom::module("Kernel"), name)
    }
}

/// Runs a library function (the library's rows of [`Natives`] point here): `Ok(None)` when
/// there is no such function.
pub fn call(m: &mut Machine, module: Atom, name: Atom, args: Vec<Term>) -> R<Option<NRet>> {
    if let Some(n) = enumerable::redirect(m, module, name, &args) {
        return Ok(Some(n));
    }
    let mname = module.name();
    let n = name.name();
    let r = match &*mname {
        // the process dictionary, by name (not a scan of its table at every `:erlang` call)
        "erlang" if matches!(&*n, "put" | "get" | "get_keys" | "erase") => {
            rand::dict(m, false, &n, args)?
        }
        "erlang" if &*n == "md5" => crypto::call(m, true, &n, args)?,
        "crypto" => crypto::call(m, false, &n, args)?,
        "Elixir.Process" if matches!(&*n, "put" | "get" | "get_keys" | "delete") => {
            rand::dict(m, true, &n, args)?
        }
        "Elixir.Kernel" | "erlang" if binary::handles(&n, args.len()) => {
            binary::kernel_call(m, &n, args)?
        }
        "Elixir.Kernel" | "erlang" => kernel::call(m, &n, args)?,
        "binary" => binary::call(m, &n, args)?,
        "ets" => ets::call(m, &n, args)?,
        "rand" => rand::call(m, &n, args)?,
        "Elixir.Enum" => r#enum::call(m, &n, args)?,
        "Elixir.Map" => map::call(m, &n, args)?,
        "Elixir.Keyword" => keyword::call(m, &n, args)?,
        "Elixir.List" | "lists" => list::call(m, &n, args)?,
        "Elixir.String" => string::call(m, &n, args)?,
        "Elixir.Integer" | "Elixir.Float" | "math" => integer::call(m, &mname, &n, args)?,
        "Elixir.Tuple" => tuple::call(m, &n, args)?,
        "Elixir.Atom" => atom::call(m, &n, args)?,
        "Elixir.Bitwise" => bitwise::call(m, &n, args)?,
        "Elixir.Range" => range::call(m, &n, args)?,
        "Elixir.IO" => io::call(m, &n, args)?,
        "Elixir.Exception" => kernel::exception_call(m, &n, args)?,
        "redfour_protocol" => protocol::call(m, &n, args)?,
        "redfour_enum" => enumerable::lazy_call(m, &n, args)?,
        "redfour_re" => re::call(m, &n, args)?,
        "Elixir.Macro" | "Elixir.Code" | "redfour_quoted" => quoted::call(m, &mname, &n, args)?,
        _ => otp::call(m, &mname, &n, args)?,
    };
    Ok(r)
}

/// iex's helpers (only in the shell): `h`, `i`, `v`, `clear`, `flush`, `respawn`, `pid`.
pub fn iex_helper(m: &mut Machine, name: &str, args: &[Term]) -> Option<R<NRet>> {
    iex::call(m, name, args)
}

pub fn value(t: Term) -> R<Option<NRet>> {
    Ok(Some(NRet::Value(t)))
}

/// Tab completion: `En` → `Enum`, `Enum.ma` → `Enum.map`, `Enum.map_` → `Enum.map_join`…
pub fn complete(natives: &Natives, modules: &super::Modules, prefix: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    match prefix.rsplit_once('.') {
        Some((module, fun)) => {
            let key = match module.strip_prefix(':') {
                Some(erl) => erl.to_string(),
                None => format!("Elixir.{module}"),
            };
            if let Some(t) = natives.functions(&key) {
                out.extend(
                    t.iter()
                        .filter(|(n, _)| n.name().starts_with(fun))
                        .map(|(n, _)| format!("{module}.{}", n.name())),
                );
            }
            if let Some(m) = modules.borrow().get(&Atom::new(&key)) {
                out.extend(
                    m.funs
                        .values()
                        .filter(|d| !d.private && d.name.name().starts_with(fun))
                        .map(|d| format!("{module}.{}", d.name.name())),
                );
            }
            // nested modules: `Redfour.Sh` → `Redfour.Shopping`
            for name in natives.shown_modules().iter().cloned().chain(
                modules
                    .borrow()
                    .keys()
                    .map(|a| a.name().trim_start_matches("Elixir.").to_string()),
            ) {
                if name.starts_with(prefix) && name != prefix {
                    out.push(name);
                }
            }
        }
        None => {
            for name in natives.shown_modules().iter().cloned().chain(
                modules
                    .borrow()
                    .keys()
                    .map(|a| a.name().trim_start_matches("Elixir.").to_string()),
            ) {
                if name.starts_with(prefix) && !prefix.is_empty() {
                    out.push(name);
                }
            }
            if !prefix.is_empty() && prefix.chars().next().is_some_and(|c| c.is_lowercase()) {
                out.extend(
                    kernel::FUNS
                        .iter()
                        .filter(|(n, _, _)| n.starts_with(prefix))
                        .map(|(n, _, _)| n.to_string()),
                );
            }
        }
    }
    crate::sorting::sort(&mut out);
    out.dedup();
    out
}
