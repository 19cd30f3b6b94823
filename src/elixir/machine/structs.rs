//! Structs: `%Name{}` built from the fields a module (or the library) defines.

use super::*;

impl Machine {
    pub(super) fn struct_name(&mut self, n: &Expr) -> R<Atom> {
        match &n.kind {
            Kind::Alias(a) => Ok(self.resolve_alias(*a)),
            Kind::Module => self
                .current_module()
                .ok_or_else(|| compile_error("__MODULE__ is nil outside of a module")),
            _ => match self.eval_simple(n)? {
                Term::Atom(a) => Ok(a),
                other => Err(compile_error(format!(
                    "expected struct name to be a compile time atom or alias, got: {}",
                    inspect::inspect(&other)
                ))),
            },
        }
    }

    pub fn struct_fields(&self, name: Atom) -> Option<Vec<(Atom, Term)>> {
        if let Some(b) = self.defining.iter().rev().find(|b| b.name == name) {
            if let Some(f) = &b.module.struct_fields {
                return Some(f.clone());
            }
        }
        if let Some(m) = self.modules.borrow().get(&name) {
            return m.struct_fields.clone();
        }
        self.natives.struct_fields(name).map(|f| f.to_vec())
    }

    pub(super) fn make_struct(
        &mut self,
        name: Atom,
        base: Option<Term>,
        pairs: Vec<(Term, Term)>,
    ) -> R<Term> {
        let Some(mut fields) = self.struct_fields(name) else {
            return Err(compile_error(format!(
                "{}.__struct__/1 is undefined, cannot expand struct {}. Make sure the struct name is correct. If the struct name exists and is correct but it still cannot be found, you likely have cyclic module usage in your code",
                Term::Atom(name),
                Term::Atom(name)
            )));
        };
        if let Some(b) = base {
            match &b {
                Term::Struct(m, fs) if *m == name => fields = fs.to_vec(),
                _ => {
                    return Err(exception(
                        "BadStructError",
                        vec![("struct", Term::Atom(name)), ("term", b.clone())],
                    ))
                }
            }
        }
        for (k, v) in pairs {
            let Term::Atom(ka) = k else {
                return Err(key_error(&k, &Term::Atom(name)));
            };
            match fields.iter_mut().find(|(f, _)| *f == ka) {
                Some(slot) => slot.1 = v,
                None => return Err(key_error(&k, &Term::nil())),
            }
        }
        Ok(Term::Struct(name, fields.into()))
    }
}
