//! Name resolution: aliases, imports, which module a local call or a capture `&f/1` means.

use super::*;

impl Machine {
    pub fn current_module(&self) -> Option<Atom> {
        self.defining.last().map(|b| b.name).or(self.module)
    }

    pub fn resolve_alias(&self, a: Atom) -> Atom {
        let name = a.name();
        if name.starts_with("Elixir.") {
            return a;
        }
        let (first, rest) = match name.split_once('.') {
            Some((f, r)) => (f, Some(r)),
            None => (&*name, None),
        };
        let first_atom = Atom::new(first);
        let found = self
            .defining
            .iter()
            .rev()
            .flat_map(|b| b.module.aliases.iter())
            .chain(
                self.module
                    .and_then(|m| self.modules.borrow().get(&m).map(|md| md.aliases.clone()))
                    .unwrap_or_default()
                    .iter(),
            )
            // the shell's aliases reach the shell's code; a module took those of its
            // definition with it (`end_module`), as Elixir's are lexical
            .chain(self.aliases.iter().filter(|_| self.module.is_none()))
            .find(|(short, _)| *short == first_atom)
            .map(|(_, full)| *full);
        match (found, rest) {
            (Some(full), None) => full,
            (Some(full), Some(r)) => Atom::new(&format!("{}.{r}", full.name())),
            (None, _) => Atom::module(&name),
        }
    }

    /// `&(&1 + &2)`, `&is_atom(&1)`, `&String.length(&1)`: a capture whose body calls one
    /// function with the capture's arguments in order is, as Elixir compiles it, a capture of
    /// that function (`&:erlang.+/2`, `&String.length/1`); `None` for a closure.
    pub(super) fn capture_shortcut(&mut self, body: &Expr, arity: usize) -> Option<R<Term>> {
        let (m, name) = capture_shape(body, arity)?;
        if m.is_none() {
            // a local call: only the Kernel functions the compiler inlines (`:erlang`'s)
            let (module, _) = stdlib::erlang_name(&self.natives, name, arity);
            if &*module.name() != "erlang" {
                return None;
            }
        }
        Some(self.capture_ref(m, name, arity))
    }

    pub(super) fn capture_ref(&mut self, m: Option<&P>, name: Atom, arity: usize) -> R<Term> {
        match m {
            Some(m) => {
                let module = match self.eval_simple(m)? {
                    Term::Atom(a) => a,
                    other => {
                        return Err(compile_error(format!(
                            "invalid function capture on {}",
                            inspect::inspect(&other)
                        )))
                    }
                };
                if &*module.name() == "Elixir.Kernel" {
                    let (module, name) = stdlib::erlang_name(&self.natives, name, arity);
                    return Ok(Fun::capture(module, name, arity));
                }
                Ok(Fun::capture(module, name, arity))
            }
            None => {
                if let Some(cur) = self.current_module() {
                    if self.local_defined(name, arity)
                        || self.defining.iter().any(|b| b.name == cur)
                    {
                        return Ok(Fun::local_capture(cur, name, arity));
                    }
                }
                for imp in self.all_imports() {
                    if self.user_fun(imp, name, arity).is_some() {
                        return Ok(Fun::capture(imp, name, arity));
                    }
                }
                if self.natives.exists(kernel_atom(), name, arity) {
                    let (module, name) = stdlib::erlang_name(&self.natives, name, arity);
                    return Ok(Fun::capture(module, name, arity));
                }
                Err(compile_error(format!(
                    "undefined function {}/{arity} (there is no such import)",
                    name.name()
                )))
            }
        }
    }

    pub(super) fn all_imports(&self) -> Vec<Atom> {
        let mut v = Vec::new();
        match self.module {
            None => v.extend(self.imports.iter().copied()),
            Some(m) => {
                if let Some(md) = self.modules.borrow().get(&m) {
                    v.extend(md.imports.iter().copied());
                }
            }
        }
        for b in &self.defining {
            v.extend(b.module.imports.iter().copied());
        }
        v
    }

    /// Whether `import module, only: …/except: …` brings `name/arity`.
    pub(super) fn imported(&self, module: Atom, name: Atom, arity: usize) -> bool {
        let module_opts = self
            .module
            .and_then(|m| {
                self.modules
                    .borrow()
                    .get(&m)
                    .map(|md| md.import_opts.clone())
            })
            .unwrap_or_default();
        let shell_opts = if self.module.is_none() {
            &self.import_opts[..]
        } else {
            &[]
        };
        let opts: Vec<Term> = shell_opts
            .iter()
            .chain(module_opts.iter())
            .chain(
                self.defining
                    .iter()
                    .flat_map(|b| b.module.import_opts.iter()),
            )
            .filter(|(m, _)| *m == module)
            .map(|(_, o)| o.clone())
            .collect();
        let listed = |l: &Term| {
            l.as_list().unwrap_or(&[]).iter().any(|t| {
                matches!(t.as_tuple(), Some([Term::Atom(n), Term::Int(a)]) if *n == name && *a as usize == arity)
            })
        };
        opts.iter().all(|o| {
            let only_ok = match o.get("only") {
                Some(l @ Term::List(_)) => listed(l),
                Some(Term::Atom(a)) if &*a.name() == "functions" => true,
                _ => true,
            };
            let except_ok = o.get("except").is_none_or(|l| !listed(l));
            only_ok && except_ok
        })
    }

    /// An exception's own `message/1` (`defexception` with `def message(e)`), to call for its
    /// message instead of the `:message` field.
    pub fn own_message(&self, exc: &Term) -> Option<Term> {
        let Term::Struct(module, _) = exc else {
            return None;
        };
        let message = Atom::new("message");
        self.user_fun(*module, message, 1)?;
        Some(Fun::capture(*module, message, 1))
    }

    pub(super) fn user_fun(&self, module: Atom, name: Atom, arity: usize) -> Option<Rc<FunDef>> {
        self.modules
            .borrow()
            .get(&module)
            .and_then(|m| m.funs.get(&(name, arity)).cloned())
    }
}

/// The function a capture's body calls with the capture's arguments in order, if it is one
/// call: `&(&1 + &2)` → `+`, `&Mod.f(&1, &2)` → `Mod.f` (its module as written).
pub(crate) fn capture_shape(body: &Expr, arity: usize) -> Option<(Option<&P>, Atom)> {
    // `&1, &2, …` and nothing else
    let in_order = |args: &mut dyn ExactSizeIterator<Item = &P>| {
        args.len() == arity
            && args
                .enumerate()
                .all(|(i, a)| matches!(a.kind, Kind::CaptureArg(n) if n == i + 1))
    };
    match &body.kind {
        Kind::Binary(op, a, b)
            if matches!(
                *op,
                "+" | "-"
                    | "*"
                    | "/"
                    | "=="
                    | "!="
                    | "==="
                    | "!=="
                    | "<"
                    | ">"
                    | "<="
                    | ">="
                    | "++"
                    | "--"
            ) && in_order(&mut [a, b].into_iter()) =>
        {
            Some((None, Atom::new(op)))
        }
        Kind::Unary(op @ ("-" | "+"), a) if in_order(&mut [a].into_iter()) => {
            Some((None, Atom::new(op)))
        }
        Kind::Call(name, args, blocks) if blocks.is_empty() && in_order(&mut args.iter()) => {
            Some((None, *name))
        }
        Kind::Remote(m, name, args, true)
            if matches!(m.kind, Kind::Alias(_) | Kind::Lit(Term::Atom(_)))
                && in_order(&mut args.iter()) =>
        {
            Some((Some(m), *name))
        }
        _ => None,
    }
}
