//! The console's one table of native functions: a row per function, keyed by atom ids —
//! module, name, arity, whether it answers at once ("sync": it can run inside a simple
//! expression) or needs the machine (it calls a function given to it, or waits on the
//! runtime), and the Rust function that runs it. Dispatch, `function_exported?/3`, Tab
//! completion and `h` all read it.
//!
//! Elixir's standard library fills it ([`Natives::standard`]); a host adds its own modules
//! with [`Natives::add_module`] and [`Natives::add_struct`] before the console's first line
//! (the store registers `Redfour.Shopping` and its `Session` this way: the interpreter knows
//! nothing of the store).

use std::collections::{HashMap, HashSet};
use std::future::Future;

use super::machine::{Machine, NRet};
use super::value::R;
use crate::runtime::{Atom, Ctx, Term};

/// Runs `module.name(args)`: `Ok(None)` when it has no clause for these arguments' count.
pub type NativeFn = fn(&mut Machine, Atom, Atom, Vec<Term>) -> R<Option<NRet>>;

/// One native function.
#[derive(Clone, Copy)]
pub struct Native {
    /// Answers at once, without the machine's help.
    pub sync: bool,
    pub run: NativeFn,
}

/// What `h` says of a function: a line of description and an example to type.
pub struct Doc {
    pub module: &'static str,
    pub name: &'static str,
    pub doc: &'static str,
    pub example: &'static str,
}

/// Functions a module defines natively: `(name, arity, sync)`.
pub type Table = &'static [(&'static str, usize, bool)];

#[derive(Clone, Default)]
pub struct Natives {
    funs: HashMap<(Atom, Atom, usize), Native>,
    /// Each module's functions in the order its table lists them (completion, `h`), the
    /// modules in the order they were added.
    tables: Vec<(String, Vec<(Atom, usize)>)>,
    modules: HashSet<Atom>,
    /// Modules `h` and Tab name, as a learner types them (`Enum`, `Redfour.Shopping`).
    shown: Vec<String>,
    structs: HashMap<Atom, Vec<(Atom, Term)>>,
    /// Tours `h` prints: a title and the functions to try, in order.
    tours: Vec<(&'static str, &'static [Doc])>,
}

impl Natives {
    /// Elixir's standard library, as this console has it natively.
    pub fn standard() -> Natives {
        let mut n = Natives::default();
        super::stdlib::register(&mut n);
        n
    }

    /// Adds `module`'s functions (`Elixir.Enum`, or an Erlang name like `lists`), each run by
    /// `run`; `shown` lists the module for `h` and Tab.
    pub fn add_module(&mut self, module: &str, table: Table, run: NativeFn, shown: bool) {
        let m = Atom::new(module);
        self.modules.insert(m);
        let at = match self.tables.iter().position(|(name, _)| name == module) {
            Some(i) => i,
            None => {
                self.tables.push((module.to_string(), Vec::new()));
                self.tables.len() - 1
            }
        };
        let rows = &mut self.tables[at].1;
        for (name, arity, sync) in table {
            let name = Atom::new(name);
            self.funs
                .insert((m, name, *arity), Native { sync: *sync, run });
            rows.push((name, *arity));
        }
        if shown {
            let short = module.strip_prefix("Elixir.").unwrap_or(module).to_string();
            if !self.shown.contains(&short) {
                self.shown.push(short);
            }
        }
    }

    /// A struct a native module defines (`%Redfour.Shopping.Session{}`), with its defaults.
    pub fn add_struct(&mut self, module: &str, fields: Vec<(&str, Term)>) {
        self.structs.insert(
            Atom::new(module),
            fields.into_iter().map(|(k, v)| (Atom::new(k), v)).collect(),
        );
    }

    /// A tour for `h`: under `title`, each doc's example and what it does (the store's: "Try
    /// the Red:4 store:"). `h Module.fun` finds these docs too.
    pub fn add_tour(&mut self, title: &'static str, docs: &'static [Doc]) {
        self.tours.push((title, docs));
    }

    pub fn tours(&self) -> &[(&'static str, &'static [Doc])] {
        &self.tours
    }

    pub fn get(&self, module: Atom, name: Atom, arity: usize) -> Option<Native> {
        self.funs.get(&(module, name, arity)).copied()
    }

    pub fn exists(&self, module: Atom, name: Atom, arity: usize) -> bool {
        self.funs.contains_key(&(module, name, arity))
    }

    pub fn is_sync(&self, module: Atom, name: Atom, arity: usize) -> bool {
        self.get(module, name, arity).is_some_and(|n| n.sync)
    }

    pub fn module_exists(&self, module: Atom) -> bool {
        self.modules.contains(&module)
    }

    /// A module's functions, `(name, arity)` in its table's order.
    pub fn functions(&self, module: &str) -> Option<&[(Atom, usize)]> {
        self.tables
            .iter()
            .find(|(name, _)| name == module)
            .map(|(_, rows)| rows.as_slice())
    }

    /// Every function: `(module, name, arity)`, modules in the order they were added.
    pub fn rows(&self) -> impl Iterator<Item = (&str, Atom, usize)> {
        self.tables
            .iter()
            .flat_map(|(m, rows)| rows.iter().map(move |(n, a)| (m.as_str(), *n, *a)))
    }

    /// Modules `h` and Tab name.
    pub fn shown_modules(&self) -> &[String] {
        &self.shown
    }

    pub fn struct_fields(&self, module: Atom) -> Option<&[(Atom, Term)]> {
        self.structs.get(&module).map(|v| v.as_slice())
    }

    /// Calls `module.name(args)` natively: `Ok(None)` when there is no such function.
    pub fn call(m: &mut Machine, module: Atom, name: Atom, args: Vec<Term>) -> R<Option<NRet>> {
        match m.natives.get(module, name, args.len()) {
            Some(n) => (n.run)(m, module, name, args),
            None => Ok(None),
        }
    }
}

/// A native function's answer that waits on the runtime (a `GenServer.call`): `f` runs in
/// the calling process, and its result is the call's.
pub fn await_op<F, Fut>(f: F) -> R<Option<NRet>>
where
    F: FnOnce(Ctx) -> Fut + 'static,
    Fut: Future<Output = R<Term>> + 'static,
{
    Ok(Some(NRet::Await(Box::new(move |ctx| Box::pin(f(ctx))))))
}
