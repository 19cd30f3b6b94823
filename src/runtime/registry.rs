//! Registered names: `Process.register/2`, `Process.whereis/1`, `name:` in `start_link`.
//!
//! Names are strings. The Red:4 series started with atom names (`name: key`) and, in Part 4,
//! moved to a Registry with string keys because the BEAM never frees atoms; here an atom
//! typed in the console is registered under its text.

use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::rc::Rc;

use super::pid::Pid;
use super::term::{Atom, NameHasher, Term};

/// Looked up at every call by name (each shopper's session is registered under its key),
/// so hashed; listed in name order, so never iterated unsorted.
#[derive(Default)]
pub(crate) struct Registry {
    names: HashMap<Rc<str>, Pid, BuildHasherDefault<NameHasher>>,
}

impl Registry {
    pub fn whereis(&self, name: &str) -> Option<Pid> {
        self.names.get(name).copied()
    }

    /// Binds `name` to `pid`; `Err(holder)` when the name is taken.
    pub fn register(&mut self, name: Rc<str>, pid: Pid) -> Result<(), Pid> {
        match self.names.get(&name) {
            Some(holder) => Err(*holder),
            None => {
                self.names.insert(name, pid);
                Ok(())
            }
        }
    }

    pub fn unregister(&mut self, name: &str) -> Option<Pid> {
        self.names.remove(name)
    }

    /// In name order.
    pub fn iter(&self) -> impl Iterator<Item = (&Rc<str>, &Pid)> {
        let mut all: Vec<_> = self.names.iter().collect();
        crate::sorting::sort_by(&mut all, |a, b| a.0.cmp(b.0));
        all.into_iter()
    }
}

/// How a registered name reads as an Elixir term: a module alias (`Redfour.SessionSupervisor`)
/// or an atom (`:my_key`).
pub fn name_term(name: &str) -> Term {
    let alias_like = name
        .split('.')
        .all(|part| part.chars().next().is_some_and(|c| c.is_ascii_uppercase()));
    if alias_like && !name.contains(' ') {
        Term::Atom(Atom::module(name))
    } else {
        Term::atom(name)
    }
}

/// The name an atom registers under: `:my_key` → `my_key`, `Redfour.SessionSupervisor` →
/// `Redfour.SessionSupervisor`.
pub fn atom_name(atom: Atom) -> Rc<str> {
    let name = atom.name();
    match name.strip_prefix("Elixir.") {
        Some(alias) => Rc::from(alias),
        None => name,
    }
}
