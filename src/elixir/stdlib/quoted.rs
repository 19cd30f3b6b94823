//! `Macro.escape/1`, `Macro.expand_once/2` and `Code.eval_quoted/1,2`: the natives under
//! the prelude's `Macro` (the machine's `macros.rs` and `quote.rs` do the work).

use super::super::machine::{Machine, NRet};
use super::super::quote;
use super::super::value::R;
use super::value;
use crate::runtime::Term;

pub const MACRO: super::Table = &[("escape", 1, true), ("expand_once", 2, true)];

pub const CODE: super::Table = &[
    ("eval_quoted", 1, true),
    ("eval_quoted", 2, true),
    ("ensure_loaded?", 1, true),
];

/// `Code.eval_quoted/2`'s binding afterwards.
pub const QUOTED: super::Table = &[("binding", 0, true)];

pub fn call(m: &mut Machine, module: &str, name: &str, args: Vec<Term>) -> R<Option<NRet>> {
    match (module, name, args.len()) {
        ("Elixir.Macro", "escape", 1) => value(quote::escape(&args[0])),
        ("Elixir.Macro", "expand_once", 2) => m.expand_once(&args[0]).map(Some),
        // a module of the console, of the prelude or of the natives
        ("Elixir.Code", "ensure_loaded?", 1) => {
            let known = match &args[0] {
                Term::Atom(md) => {
                    m.modules.borrow().contains_key(md) || m.natives.module_exists(*md)
                }
                _ => false,
            };
            value(Term::Atom(if known {
                crate::runtime::Atom::TRUE
            } else {
                crate::runtime::Atom::FALSE
            }))
        }
        ("Elixir.Code", "eval_quoted", 1 | 2) => {
            let binding = args.get(1).cloned().unwrap_or_else(|| Term::list(vec![]));
            m.eval_quoted(&args[0], &binding).map(Some)
        }
        // `binding()`'s list, the other way round: as Elixir 1.14 lists an evaluation's
        // binding (by name, the last first)
        ("redfour_quoted", "binding", 0) => {
            let Some(NRet::Value(Term::List(vars))) = super::kernel::call(m, "binding", vec![])?
            else {
                return value(Term::list(vec![]));
            };
            value(Term::list(vars.iter().rev().cloned().collect()))
        }
        _ => Ok(None),
    }
}
