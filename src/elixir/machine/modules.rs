//! `defmodule`, `def`/`defp`, attributes, and what a module's documentation says.

use super::*;

impl Machine {
    pub(super) fn read_attr(&mut self, a: Atom) -> R<Term> {
        if let Some(b) = self.defining.last() {
            return Ok(b
                .module
                .attrs
                .iter()
                .rev()
                .find(|(k, _)| *k == a)
                .map_or_else(Term::nil, |(_, v)| v.clone()));
        }
        if let Some(m) = self.module {
            if let Some(md) = self.modules.borrow().get(&m) {
                return Ok(md
                    .attrs
                    .iter()
                    .rev()
                    .find(|(k, _)| *k == a)
                    .map_or_else(Term::nil, |(_, v)| v.clone()));
            }
        }
        Err(exception(
            "ArgumentError",
            vec![(
                "message",
                Term::str(&format!(
                    "cannot invoke @/1 outside module. @{} is a module attribute and can only be used inside a module",
                    a.name()
                )),
            )],
        ))
    }

    // ---------------------------------------------------------------- modules

    /// The module `e` names where a module is being defined: an alias (nested modules are
    /// named inside their parent) or an atom.
    pub(super) fn module_name(&mut self, e: &P) -> R<Atom> {
        match &e.kind {
            Kind::Alias(a) => {
                // nested modules are named inside their parent
                match self.defining.last() {
                    Some(parent) if !a.name().starts_with("Elixir.") => {
                        let full = Atom::new(&format!("{}.{}", parent.name.name(), a.name()));
                        let short = Atom::new(a.name().split('.').next().unwrap_or(""));
                        let first_full =
                            Atom::new(&format!("{}.{}", parent.name.name(), short.name()));
                        if let Some(p) = self.defining.last_mut() {
                            p.module.aliases.push((short, first_full));
                        }
                        Ok(full)
                    }
                    _ => Ok(self.resolve_alias(*a)),
                }
            }
            _ => match self.eval_simple(e) {
                Ok(Term::Atom(a)) => Ok(a),
                Ok(other) => Err(compile_error(format!(
                    "invalid module name: {}",
                    inspect::inspect(&other)
                ))),
                Err(x) => Err(x),
            },
        }
    }

    /// `defmodule Name do … end`, or `defprotocol` (`protocol`: its bodiless `def`s dispatch).
    pub(super) fn begin_module(&mut self, args: &[P], blocks: &Rc<Blocks>, protocol: bool) -> Ctl {
        let name = match self.module_name(&args[0]) {
            Ok(n) => n,
            Err(x) => return Ctl::Throw(x),
        };
        let Some(Body::Expr(body)) = blocks.get("do").cloned() else {
            let form = if protocol { "defprotocol" } else { "defmodule" };
            return Ctl::Throw(compile_error(format!("missing :do option in \"{form}\"")));
        };
        self.open_module(
            Module {
                name: Some(name),
                protocol,
                ..Module::default()
            },
            body,
        )
    }

    /// Evaluates `body` as the body of `module` (a `defmodule`'s, a `defprotocol`'s or a
    /// `defimpl`'s); [`Machine::end_module`] defines it.
    pub(super) fn open_module(&mut self, module: Module, body: P) -> Ctl {
        let Some(name) = module.name else {
            return Ctl::Throw(compile_error("a module needs a name"));
        };
        let saved_module = self.module;
        self.defining.push(Builder {
            module,
            name,
            defs: Vec::new(),
            pending_doc: None,
        });
        if let Err(x) = self.enter_frame() {
            return Ctl::Throw(x);
        }
        self.module = None;
        self.stack.push(Kont::EndModule(name, saved_module));
        Ctl::Eval(body)
    }

    pub(super) fn end_module(&mut self, name: Atom, saved_module: Option<Atom>, last: Term) -> Ctl {
        let Some(b) = self.defining.pop() else {
            return Ctl::Ret(Term::nil());
        };
        self.module = saved_module;
        let mut module = b.module;
        module.library = self.loading_library;
        // the aliases and imports in force where the module was defined (the shell's, or
        // the enclosing module's) are its own from now on: later ones do not reach it
        if saved_module.is_none() {
            if let Some(parent) = self.defining.last() {
                module.aliases.extend(parent.module.aliases.iter().copied());
                module.imports.extend(parent.module.imports.iter().copied());
                module
                    .import_opts
                    .extend(parent.module.import_opts.iter().cloned());
            }
            module.aliases.extend(self.aliases.iter().copied());
            module.imports.extend(self.imports.iter().copied());
            module.import_opts.extend(self.import_opts.iter().cloned());
        }
        let mut defs = b.defs;
        // `use GenServer` (Agent, Task, Supervisor) gives the module a child_spec/1
        let child_spec = (Atom::new("child_spec"), 1);
        if !self.loading_library && !defs.iter().any(|(k, _, _)| *k == child_spec) {
            if let Some(clause) = generated_child_spec(name, &module) {
                push_def(&mut defs, child_spec, false, clause);
            }
        }
        if module.protocol {
            for (key, clause) in Self::protocol_helpers(name) {
                push_def(&mut defs, key, false, clause);
            }
        }
        for ((fname, arity), _, clauses) in &defs {
            let origin: Rc<str> =
                Rc::from(format!("{}.{}/{arity}", Term::Atom(name), fname.name()).as_str());
            let mut nodes = Vec::new();
            for c in clauses {
                crate::elixir::lower::fun_nodes(&c.body, &mut nodes, 0);
            }
            for n in nodes {
                module.fun_origins.insert(n, origin.clone());
            }
        }
        for ((fname, arity), private, clauses) in defs {
            module.funs.insert(
                (fname, arity),
                Rc::new(FunDef {
                    name: fname,
                    arity,
                    private,
                    clauses,
                    code: Default::default(),
                }),
            );
        }
        let startable =
            !module.uses.is_empty() || module.funs.contains_key(&(Atom::new("start_link"), 1));
        let supervisor = module
            .uses
            .iter()
            .any(|u| &*u.name() == "Elixir.Supervisor");
        let restart = module
            .use_opts
            .iter()
            .find_map(|o| o.get("restart").cloned());
        let module_is_protocol = module.protocol;
        let default_init = !module.library
            && module.uses.iter().any(|u| &*u.name() == "Elixir.GenServer")
            && !module.funs.contains_key(&(Atom::new("init"), 1));
        new_code_version();
        // `defimpl P, for: [A, B]`: the same functions as `P.B` too
        let copies = std::mem::take(&mut module.also_as);
        let mut defined = Vec::new();
        for (other, target) in copies {
            let copy = Module {
                name: Some(other),
                funs: module
                    .funs
                    .iter()
                    .map(|(k, d)| {
                        let d = FunDef {
                            name: d.name,
                            arity: d.arity,
                            private: d.private,
                            clauses: d.clauses.clone(),
                            code: Default::default(),
                        };
                        (*k, Rc::new(d))
                    })
                    .collect(),
                attrs: module
                    .attrs
                    .iter()
                    .map(|(k, v)| match &*k.name() {
                        "for" => (*k, Term::Atom(target)),
                        _ => (*k, v.clone()),
                    })
                    .collect(),
                aliases: module.aliases.clone(),
                imports: module.imports.clone(),
                import_opts: module.import_opts.clone(),
                fun_origins: module.fun_origins.clone(),
                ..Module::default()
            };
            self.modules.borrow_mut().insert(other, Rc::new(copy));
            defined.push(other);
        }
        let check = !module.library && !module_is_protocol && defined.is_empty();
        let replaced = self.modules.borrow_mut().insert(name, Rc::new(module));
        // Elixir compiles the module before defining it: a local call to a function that
        // is neither defined, imported nor Kernel's is a CompileError on its line, and the
        // module (or its earlier version) stays as it was
        if check {
            if let Some((fname, arity, line)) = self.undefined_local(name) {
                match &replaced {
                    Some(old) => {
                        self.modules.borrow_mut().insert(name, old.clone());
                    }
                    None => {
                        self.modules.borrow_mut().remove(&name);
                    }
                }
                return Ctl::Throw(compile_error_at(
                    format!(
                        "undefined function {}/{arity} (expected {} to define such a function or for it to be imported, but none are available)",
                        fname.name(),
                        Term::Atom(name)
                    ),
                    line,
                ));
            }
        }
        // the old code's call sites hold compiled code (its own too): let go of it
        if let Some(old) = &replaced {
            for def in old.funs.values() {
                if let Some(Some(code)) = def.code.get() {
                    code.forget_links();
                }
            }
        }
        let replaced = replaced.is_some();
        if default_init {
            // Elixir 1.14 injects `def init(init_arg), do: {:ok, init_arg}` (the prelude's
            // GenServer does the same for a module without init/1) and says so
            self.out.push_str(&format!(
                "warning: function init/1 required by behaviour GenServer is not implemented (in module {m}).\n\nWe will inject a default implementation for now:\n\n    def init(init_arg) do\n      {{:ok, init_arg}}\n    end\n\nYou can copy the implementation above or define your own that converts the arguments given to GenServer.start_link/3 to the server state.\n\n  iex:1: {m} (module)\n\n",
                m = Term::Atom(name)
            ));
        }
        if startable {
            self.define_child_module(name, supervisor, restart);
        }
        if replaced {
            self.out.push_str(&format!(
                "warning: redefining module {} (current version defined in memory)\n  iex:1\n\n",
                Term::Atom(name)
            ));
        } else if self.natives.module_exists(name) {
            self.out.push_str(&format!(
                "warning: redefining module {} (the processes already running its built-in code keep it; console calls use yours, and the built-in functions for what yours does not define)\n  iex:1\n\n",
                Term::Atom(name)
            ));
        }
        // a protocol's body ends with the definitions Elixir adds to it
        let last = if module_is_protocol {
            Term::tuple(vec![Term::atom("__protocol__"), Term::Int(1)])
        } else {
            last
        };
        let defined_tuple = |name: Atom| {
            let beam = Term::atom(&format!("{}:{}", inspect::BEAM, name.name()));
            Term::tuple(vec![
                Term::atom("module"),
                Term::Atom(name),
                beam,
                last.clone(),
            ])
        };
        if defined.is_empty() {
            Ctl::Ret(defined_tuple(name))
        } else {
            let all = std::iter::once(name).chain(defined);
            Ctl::Ret(Term::list(all.map(defined_tuple).collect()))
        }
    }

    /// The first local call in `module`'s functions that `call_local` could not resolve:
    /// not the module's own, not imported, not Kernel's, not a macro or special form.
    fn undefined_local(&mut self, module: Atom) -> Option<(Atom, usize, usize)> {
        let md = self.modules.borrow().get(&module).cloned()?;
        let saved = self.module.replace(module);
        let mut found = None;
        'defs: for def in md.funs.values() {
            for c in def.clauses.iter() {
                found = self.first_undefined(module, &c.body, 0);
                if found.is_some() {
                    break 'defs;
                }
            }
        }
        self.module = saved;
        found
    }

    fn first_undefined(
        &self,
        module: Atom,
        e: &Expr,
        depth: usize,
    ) -> Option<(Atom, usize, usize)> {
        if depth > 200 {
            return None;
        }
        if let Kind::Call(name, args, blocks) = &e.kind {
            let n = name.name();
            if &*n == "quote" {
                return None;
            }
            let arity = args.len();
            let checked = blocks.is_empty()
                && !is_special(*name)
                && !super::macros::is_macro(*name, arity)
                && !super::macros::defined_in(&self.modules, *name, arity)
                && !matches!(
                    &*n,
                    "binding" | "super" | "__MODULE__" | "unquote" | "unquote_splicing"
                );
            if checked && !self.resolvable_local(module, *name, arity) {
                return Some((*name, arity, e.line as usize));
            }
        }
        let mut found = None;
        crate::elixir::lower::each_child(e, &mut |c| {
            if found.is_none() {
                found = self.first_undefined(module, c, depth + 1);
            }
        });
        found
    }

    /// What `call_local` finds from inside `module` (without calling it).
    fn resolvable_local(&self, module: Atom, name: Atom, arity: usize) -> bool {
        if self.user_fun(module, name, arity).is_some() || self.natives.exists(module, name, arity)
        {
            return true;
        }
        let imported = self.all_imports().into_iter().any(|imp| {
            self.imported(imp, name, arity)
                && (self.user_fun(imp, name, arity).is_some_and(|d| !d.private)
                    || self.natives.exists(imp, name, arity))
        });
        imported || self.natives.exists(kernel_atom(), name, arity)
    }

    /// Makes a console module startable by the runtime's supervisors: its child spec starts it
    /// with `Mod.start_link(arg)`, run by the interpreter in the supervisor's process.
    pub(crate) fn define_child_module(&self, name: Atom, supervisor: bool, restart: Option<Term>) {
        let start = self.interpreted_start(name, "start_link", |args| vec![args]);
        let mut module = if supervisor {
            crate::runtime::Module::supervisor(start)
        } else {
            crate::runtime::Module::worker(start)
        };
        if let Some(r) = restart
            .as_ref()
            .and_then(crate::runtime::Restart::from_term)
        {
            module.restart = r;
        }
        self.rt
            .define_module(&crate::runtime::registry::atom_name(name), module);
    }

    /// A start function for the runtime that runs `Mod.fun(args…)` in the starting process
    /// and reads its `{:ok, pid}`.
    fn interpreted_start(
        &self,
        name: Atom,
        fun: &'static str,
        args_of: fn(Term) -> Vec<Term>,
    ) -> impl Fn(
        Ctx,
        Term,
        u32,
    )
        -> std::pin::Pin<Box<dyn std::future::Future<Output = crate::runtime::StartResult>>>
           + 'static {
        use crate::runtime::gen_server::StartResult;
        let (rt, modules, group) = (self.rt.clone(), self.modules.clone(), self.group.clone());
        let natives = self.natives.clone();
        move |ctx: Ctx, args: Term, _restarts: u32| {
            let (rt, modules, group) = (rt.clone(), modules.clone(), group.clone());
            let natives = natives.clone();
            Box::pin(async move {
                let mut m = Machine::new(ctx.clone(), rt, modules, natives);
                m.io = Some(group.clone());
                m.group = group;
                // `start: {M, :f, [a, b]}` in a map child spec: `M.f(a, b)`
                let (fun, args) = match args.as_tuple() {
                    Some([Term::Atom(tag), Term::Atom(f), Term::List(l)])
                        if &*tag.name() == crate::runtime::supervisor::APPLY =>
                    {
                        (*f, l.to_vec())
                    }
                    _ => (Atom::new(fun), args_of(args)),
                };
                m.start_call(Fun::capture(name, fun, args.len()), args);
                match super::super::shell::drive(&mut m).await {
                    Ok(t) => match t.as_tuple() {
                        Some([ok, Term::Pid(p)]) if *ok == Term::ok() => StartResult::Ok(*p),
                        Some([ok, Term::Pid(p), _]) if *ok == Term::ok() => StartResult::Ok(*p),
                        Some([_, reason]) => StartResult::Error(reason.clone()),
                        _ if t == Term::atom("ignore") => StartResult::Ignore,
                        _ => StartResult::Error(Term::tuple(vec![Term::atom("bad_return"), t])),
                    },
                    Err(Exc::Error(e)) => {
                        StartResult::Error(Term::tuple(vec![e, Term::list(vec![])]))
                    }
                    Err(Exc::Exit(r)) | Err(Exc::Throw(r)) => StartResult::Error(r),
                }
            })
        }
    }

    /// `Application.start(:kv)` in the console, which has no Mix project: a module typed
    /// with `use Application` is the application named by its first alias, underscored
    /// (`KV.Application` is `:kv`); its `start(:normal, [])` builds the tree. True when
    /// `app` is (now) known to the runtime.
    pub fn define_console_application(&self, app: &str) -> bool {
        if self.ctx.application_spec(app).is_some() {
            return true;
        }
        let uses_application = Atom::module("Application");
        let found = self.modules.borrow().iter().find_map(|(name, module)| {
            let first = name.name();
            let first = first
                .trim_start_matches("Elixir.")
                .split('.')
                .next()?
                .to_string();
            (module.uses.contains(&uses_application) && underscore(&first) == app).then_some(*name)
        });
        let Some(module) = found else {
            return false;
        };
        self.load_application(app, module, Term::list(vec![]));
        true
    }

    /// Makes `app` an application whose master calls `module.start(:normal, args)`
    /// (`:application.load/1` with `mod: {module, args}`).
    pub fn load_application(&self, app: &str, module: Atom, args: Term) {
        let start =
            self.interpreted_start(module, "start", |args| vec![Term::atom("normal"), args]);
        let key = format!("application {app}");
        self.rt
            .define_module(&key, crate::runtime::Module::supervisor(start));
        self.rt
            .define_application(app, Term::tuple(vec![Term::atom(&key), args]));
        self.rt.put_env(
            app,
            crate::elixir::stdlib::otp::APP_MODULE,
            Term::Atom(module),
        );
    }

    /// `def`/`defp`: records a clause (and the clauses its default arguments imply).
    pub(super) fn define(&mut self, private: bool, args: &[P], blocks: &Rc<Blocks>) -> R<Term> {
        if self.defining.is_empty() {
            return Err(compile_error(format!(
                "cannot invoke {}/2 outside module",
                if private { "defp" } else { "def" }
            )));
        }
        let (head, guard) = match &args[0].kind {
            Kind::Binary("when", h, g) => (h.clone(), Some(g.clone())),
            _ => (args[0].clone(), None),
        };
        let (name, params): (Atom, Vec<P>) = match &head.kind {
            // `def f(x, do: body)`: the parser read the keyword as blocks
            Kind::Call(n, ps, b) if !b.is_empty() => {
                let mut ps = ps.clone();
                ps.push(crate::elixir::parser::blocks_kw(
                    b.clone(),
                    head.line as usize,
                ));
                (*n, ps)
            }
            Kind::Call(n, ps, _) => (*n, ps.clone()),
            // `def unquote(:in)(x, q)`: a name the parser would not take as one
            Kind::Apply(f, ps) => match &f.kind {
                Kind::Call(u, a, _) if &*u.name() == "unquote" && a.len() == 1 => {
                    match &a[0].kind {
                        Kind::Lit(Term::Atom(n)) => (*n, ps.clone()),
                        _ => {
                            return Err(compile_error(format!(
                                "invalid syntax in def {}",
                                super::super::source::to_source(&head)
                            )))
                        }
                    }
                }
                _ => {
                    return Err(compile_error(format!(
                        "invalid syntax in def {}",
                        super::super::source::to_source(&head)
                    )))
                }
            },
            Kind::Var(n) => (*n, vec![]),
            _ => {
                return Err(compile_error(format!(
                    "invalid syntax in def {}",
                    super::super::source::to_source(&head)
                )))
            }
        };
        let body = match blocks.get("do") {
            Some(Body::Expr(b)) => Some(b.clone()),
            Some(Body::Clauses(_)) => {
                return Err(compile_error("unexpected -> clauses in def body"))
            }
            None if self.defining.last().is_some_and(|b| b.module.protocol) => {
                // a protocol's function: it dispatches on its first argument
                let b = self
                    .defining
                    .last_mut()
                    .ok_or_else(|| compile_error("no module"))?;
                let clause = Self::protocol_clause(b.name, name, params.len())?;
                if let Some(doc) = b.pending_doc.take() {
                    b.module.docs.insert((name, params.len()), doc);
                }
                push_def(&mut b.defs, (name, params.len()), false, clause);
                return Ok(Term::tuple(vec![
                    Term::Atom(name),
                    Term::Int(params.len() as i64),
                ]));
            }
            // a bodiless head: nothing to run, but the defaults it declares
            None => None,
        };
        // defaults: `x \\ 1`
        let mut plain = Vec::new();
        let mut defaults: Vec<(usize, P)> = Vec::new();
        for (i, p) in params.iter().enumerate() {
            match &p.kind {
                Kind::Binary("\\\\", pat, d) => {
                    plain.push(pat.clone());
                    defaults.push((i, d.clone()));
                }
                _ => plain.push(p.clone()),
            }
        }
        let arity = plain.len();
        let b = self
            .defining
            .last_mut()
            .ok_or_else(|| compile_error("no module"))?;
        if let Some(doc) = b.pending_doc.take() {
            b.module.docs.insert((name, arity), doc);
        }
        if let Some(body) = body {
            let clause = Rc::new(Clause {
                args: plain.clone(),
                guard,
                body,
            });
            push_def(&mut b.defs, (name, arity), private, clause);
        }
        // f/k for each k from arity - defaults to arity - 1 calls f/arity with the defaults
        for k in 0..defaults.len() {
            let given = arity - defaults.len() + k;
            let mut call_args = Vec::new();
            let mut head_args = Vec::new();
            let mut var_i = 0;
            let mut defaults_used = 0;
            for (i, p) in params.iter().enumerate() {
                let is_default = defaults.iter().any(|(di, _)| *di == i);
                let keep_given = !is_default || defaults_used < k;
                if is_default && !keep_given {
                    let d = defaults
                        .iter()
                        .find(|(di, _)| *di == i)
                        .map(|(_, d)| d.clone());
                    call_args.push(d.unwrap_or_else(|| Expr::nil(1)));
                } else {
                    if is_default {
                        defaults_used += 1;
                    }
                    let v = Expr::new(Kind::Var(var(&format!("arg{var_i}@"))), p.line as usize);
                    var_i += 1;
                    head_args.push(v.clone());
                    call_args.push(v);
                }
            }
            if head_args.len() != given {
                continue;
            }
            let body = Expr::new(Kind::Call(name, call_args, Rc::default()), 1);
            let clause = Rc::new(Clause {
                args: head_args,
                guard: None,
                body,
            });
            if !b.defs.iter().any(|(key, _, _)| *key == (name, given)) {
                push_def(&mut b.defs, (name, given), private, clause);
            }
        }
        Ok(Term::tuple(vec![Term::Atom(name), Term::Int(arity as i64)]))
    }

    /// `h Mod`'s and `h Mod.fun`'s documentation of console modules.
    pub fn module_doc(&self, module: Atom) -> Option<ModuleDoc> {
        let mods = self.modules.borrow();
        let m = mods.get(&module)?;
        let mut funs: Vec<_> = m
            .funs
            .values()
            .filter(|d| !d.private)
            .map(|d| (d.name, d.arity, m.docs.get(&(d.name, d.arity)).cloned()))
            .collect();
        crate::sorting::sort_by_key(&mut funs, |f| (f.0, f.1)); // by name
        Some((m.moduledoc.clone(), funs))
    }
}

/// A function being defined: name and arity, private, its clauses so far.
pub(super) type Def = ((Atom, usize), bool, Vec<Rc<Clause>>);

/// A console module's documentation: its `@moduledoc`, and each public function's `@doc`.
pub type ModuleDoc = (Option<String>, Vec<(Atom, usize, Option<String>)>);

pub(super) fn push_def(defs: &mut Vec<Def>, key: (Atom, usize), private: bool, clause: Rc<Clause>) {
    match defs.iter_mut().find(|(k, _, _)| *k == key) {
        Some(entry) => entry.2.push(clause),
        None => defs.push((key, private, vec![clause])),
    }
}

pub(super) fn last_segment(full: Atom) -> Atom {
    let n = full.name();
    let short = n.rsplit('.').next().unwrap_or(&n).to_string();
    Atom::new(&short)
}

/// The `child_spec/1` a `use` of an OTP behaviour defines, as a clause calling
/// `:redfour_child.spec/4` (in the prelude) with the module, its kind and the `use` options.
fn generated_child_spec(name: Atom, module: &Module) -> Option<Rc<Clause>> {
    let (kind, opts) = module
        .uses
        .iter()
        .zip(module.use_opts.iter())
        .find_map(|(u, opts)| {
            let kind = match &*u.name() {
                "Elixir.GenServer" | "Elixir.Agent" => "worker",
                "Elixir.Task" => "task",
                "Elixir.Supervisor" => "supervisor",
                _ => return None,
            };
            Some((kind, opts))
        })?;
    let source = format!(
        "fn arg -> :redfour_child.spec({}, :{kind}, {}, arg) end",
        Term::Atom(name),
        inspect::inspect(opts)
    );
    let exprs = crate::elixir::parser::parse(&source).ok()?;
    match &exprs.first()?.kind {
        Kind::Fn(clauses) => clauses.first().map(|c| {
            Rc::new(Clause {
                args: c.args.clone(),
                guard: c.guard.clone(),
                body: c.body.clone(),
            })
        }),
        _ => None,
    }
}

/// An alias as Elixir underscores it (`Macro.underscore`): `KV` is `kv`, `MyApp` is
/// `my_app`, `KVServer` is `kv_server`.
pub fn underscore(alias: &str) -> String {
    let cs: Vec<char> = alias.chars().collect();
    let mut out = String::with_capacity(cs.len() + 4);
    for (i, &c) in cs.iter().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            let prev = cs[i - 1];
            let next_lower = cs.get(i + 1).is_some_and(|n| n.is_ascii_lowercase());
            if prev.is_ascii_lowercase()
                || prev.is_ascii_digit()
                || (prev.is_ascii_uppercase() && next_lower)
            {
                out.push('_');
            }
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}
