//! iex's "Attempted function clauses" under a FunctionClauseError from a library function
//! (one the prelude writes in Elixir; iex shows them for Elixir's own modules, whose
//! compiled code it can read, and not for modules typed into it):
//!
//! ```text
//!     Attempted function clauses (showing 2 out of 2):
//!
//!         def first(-[]-, default)
//!         def fetch(list, key) when -is_list(list)- and is_atom(key)
//! ```
//!
//! Each argument's pattern is tried alone, and marked `-…-` when it does not match; when
//! they all match, each part of the guard joined by `and`/`or` is tried and marked when false.

use super::super::ast::{Clause, Expr, Kind};
use super::super::source::to_source;
use super::Machine;
use crate::runtime::{Atom, Term};

/// iex shows at most this many clauses.
const SHOWN: usize = 10;

impl Machine {
    /// The section for `module.name(args)`, or `None` when iex would not print one (a
    /// module typed into the console, or a native function).
    pub(super) fn attempted_clauses(
        &mut self,
        module: Atom,
        name: Atom,
        args: &[Term],
    ) -> Option<String> {
        let def = {
            let modules = self.modules.borrow();
            let m = modules.get(&module)?;
            // Erlang's modules (`:string`) are not Elixir's: iex has no clauses to show
            if !m.library || !module.name().starts_with("Elixir.") {
                return None;
            }
            m.funs.get(&(name, args.len()))?.clone()
        };
        let saved = std::mem::take(&mut self.env);
        let total = def.clauses.len();
        let mut text = format!(
            "\n    Attempted function clauses (showing {} out of {total}):\n    \n",
            total.min(SHOWN)
        );
        for c in def.clauses.iter().take(SHOWN) {
            let head = self.blame_clause(c, args);
            let kind = if def.private { "defp" } else { "def" };
            text.push_str(&format!("        {kind} {}({head}\n", name.name()));
        }
        text.push_str("    ");
        self.env = saved;
        Some(text)
    }

    /// `args) when guard` with what failed marked.
    fn blame_clause(&mut self, c: &Clause, args: &[Term]) -> String {
        self.env.clear();
        let mut all = true;
        let mut shown = Vec::new();
        for (p, v) in c.args.iter().zip(args) {
            let before = self.env.len();
            let matched = self.pattern(p, v, 0).unwrap_or(false);
            if !matched {
                self.env.truncate(before);
                all = false;
            }
            shown.push(mark(to_source(p), !matched));
        }
        let mut out = shown.join(", ") + ")";
        if let Some(g) = &c.guard {
            out.push_str(" when ");
            self.blame_guard(g, all, &mut out);
        }
        out
    }

    fn blame_guard(&mut self, g: &Expr, evaluate: bool, out: &mut String) {
        match &g.kind {
            Kind::Binary(op @ ("and" | "or" | "when"), a, b) => {
                self.blame_guard(a, evaluate, out);
                out.push_str(&format!(" {op} "));
                self.blame_guard(b, evaluate, out);
            }
            _ => {
                let failed = evaluate && !self.guard(g);
                out.push_str(&mark(to_source(g), failed));
            }
        }
    }
}

fn mark(text: String, failed: bool) -> String {
    if failed {
        format!("-{text}-")
    } else {
        text
    }
}
