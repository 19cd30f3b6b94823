//! Evaluates parsed expressions inside the shell process: variables, matches, and calls to
//! the builtins. Errors are values ([`Failure`]) printed as iex prints them; the shell keeps
//! its variables after an error.

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;

use super::builtins;
use super::lexer::SyntaxError;
use super::parser::Expr;
use crate::runtime::{Ctx, Runtime, Term};

/// Why an entry did not produce a value.
#[derive(Clone, Debug, PartialEq)]
pub enum Failure {
    /// `** (RuntimeError) message`, `** (ArgumentError) …`, `** (MatchError) …`
    Raise {
        kind: String,
        message: String,
    },
    /// `** (exit) …`: a call that exited (timeout, noproc, the server's reason).
    Exit(Term),
    /// `** (CompileError) iex:1: message`
    Compile(String),
    Syntax(SyntaxError),
}

impl Failure {
    pub fn raise(kind: &str, message: impl Into<String>) -> Self {
        Failure::Raise {
            kind: kind.into(),
            message: message.into(),
        }
    }

    pub fn argument(which: &str, problem: &str) -> Self {
        Failure::raise(
            "ArgumentError",
            format!(
                "errors were found at the given arguments:\n\n  * {which} argument: {problem}\n"
            ),
        )
    }

    pub fn render(&self) -> String {
        match self {
            Failure::Raise { kind, message } => format!("** ({kind}) {message}"),
            Failure::Exit(reason) => render_exit(reason),
            Failure::Compile(message) => format!("** (CompileError) iex:1: {message}"),
            Failure::Syntax(e) => e.to_string(),
        }
    }
}

/// Elixir's `Exception.format_exit/1` for the reasons the console meets.
pub fn format_exit(reason: &Term) -> String {
    match reason {
        Term::Atom(a) => match &*a.name() {
            "noproc" => "no process: the process is not alive or there's no process currently associated with the given name, possibly because its application isn't started".into(),
            "timeout" => "time out".into(),
            "normal" | "shutdown" | "killed" => a.name().to_string(),
            "calling_self" => "process attempted to call itself".into(),
            _ => reason.to_string(),
        },
        Term::Tuple(t) if t.len() == 2 && t[0] == Term::atom("shutdown") => format!("shutdown: {}", t[1]),
        _ => reason.to_string(),
    }
}

fn render_exit(reason: &Term) -> String {
    if let Some([inner, Term::Tuple(call)]) = reason.as_tuple() {
        if let [Term::Atom(m), Term::Atom(f), Term::List(args)] = &call[..] {
            let module = Term::Atom(*m).to_string();
            let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
            return format!(
                "** (exit) exited in: {module}.{}({})\n    ** (EXIT) {}",
                f.name(),
                args.join(", "),
                format_exit(inner)
            );
        }
    }
    format!("** (exit) {}", format_exit(reason))
}

/// The shell's state: its variables, what it printed, what it asked the page to do.
pub struct Shell {
    pub ctx: Ctx,
    pub rt: Runtime,
    pub vars: BTreeMap<String, Term>,
    /// Lines printed before the result (`flush/0`, `h`).
    pub printed: Vec<String>,
    /// `:observer.start` was called.
    pub observer_requested: bool,
}

type Eval<'a> = Pin<Box<dyn Future<Output = Result<Term, Failure>> + 'a>>;

impl Shell {
    pub fn new(ctx: Ctx, rt: Runtime) -> Self {
        Shell {
            ctx,
            rt,
            vars: BTreeMap::new(),
            printed: vec![],
            observer_requested: false,
        }
    }

    /// Evaluates one expression.
    pub fn eval<'a>(&'a mut self, expr: &'a Expr) -> Eval<'a> {
        Box::pin(async move {
            match expr {
                Expr::Lit(t) => Ok(t.clone()),
                Expr::Var(name) => match self.vars.get(name) {
                    Some(v) => Ok(v.clone()),
                    None if name == "h" => builtins::help(self, None),
                    None if name == "_" => Err(Failure::Compile("invalid use of _. \"_\" represents a value to be ignored in a pattern and cannot be used in expressions".into())),
                    None => builtins::call(self, None, name, vec![]).await,
                },
                Expr::Tuple(items) => Ok(Term::tuple(self.eval_all(items).await?)),
                Expr::List(items) => Ok(Term::list(self.eval_all(items).await?)),
                Expr::Map(pairs) => {
                    let mut out = Vec::with_capacity(pairs.len());
                    for (k, v) in pairs {
                        let k = self.eval(k).await?;
                        let v = self.eval(v).await?;
                        out.push((k, v));
                    }
                    Ok(Term::map(out))
                }
                Expr::Call { module, fun, args, .. } => {
                    if module.is_none() && fun == "h" {
                        return builtins::help(self, args.first());
                    }
                    let values = self.eval_all(args).await?;
                    builtins::call(self, module.as_deref(), fun, values).await
                }
                Expr::Match(pattern, value) => {
                    let v = self.eval(value).await?;
                    let mut binds = BTreeMap::new();
                    if bind(pattern, &v, &mut binds)? {
                        self.vars.extend(binds);
                        Ok(v)
                    } else {
                        Err(Failure::raise("MatchError", format!("no match of right hand side value: {v}")))
                    }
                }
            }
        })
    }

    async fn eval_all(&mut self, items: &[Expr]) -> Result<Vec<Term>, Failure> {
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            out.push(self.eval(item).await?);
        }
        Ok(out)
    }
}

/// Matches `value` against `pattern`, collecting bindings; `Ok(false)` when it does not
/// match, `Err` for what cannot be a pattern.
pub fn bind(
    pattern: &Expr,
    value: &Term,
    binds: &mut BTreeMap<String, Term>,
) -> Result<bool, Failure> {
    match pattern {
        Expr::Var(name) if name.starts_with('_') => Ok(true),
        Expr::Var(name) => match binds.get(name) {
            Some(bound) => Ok(bound == value),
            None => {
                binds.insert(name.clone(), value.clone());
                Ok(true)
            }
        },
        Expr::Lit(t) => Ok(t == value),
        Expr::Tuple(items) => match value.as_tuple() {
            Some(vs) if vs.len() == items.len() => all(items, vs, binds),
            _ => Ok(false),
        },
        Expr::List(items) => match value.as_list() {
            Some(vs) if vs.len() == items.len() => all(items, vs, binds),
            _ => Ok(false),
        },
        Expr::Map(pairs) => {
            let (Term::Map(_) | Term::Struct(..)) = value else {
                return Ok(false);
            };
            for (k, p) in pairs {
                let Expr::Lit(key) = k else {
                    return Err(Failure::Compile(
                        "only literals are allowed as map keys in patterns".into(),
                    ));
                };
                let found = match (value, key) {
                    (Term::Map(entries), _) => {
                        entries.iter().find(|(ek, _)| ek == key).map(|(_, v)| v)
                    }
                    (Term::Struct(..), Term::Atom(a)) => value.get(&a.name()),
                    _ => None,
                };
                match found {
                    Some(v) if bind(p, v, binds)? => {}
                    _ => return Ok(false),
                }
            }
            Ok(true)
        }
        Expr::Call {
            module, fun, args, ..
        } => Err(Failure::Compile(format!(
            "cannot invoke remote function {}{fun}/{} inside a match",
            module
                .as_deref()
                .map(|m| format!("{m}."))
                .unwrap_or_default(),
            args.len()
        ))),
        Expr::Match(a, b) => Ok(bind(a, value, binds)? && bind(b, value, binds)?),
    }
}

fn all(
    items: &[Expr],
    values: &[Term],
    binds: &mut BTreeMap<String, Term>,
) -> Result<bool, Failure> {
    for (p, v) in items.iter().zip(values) {
        if !bind(p, v, binds)? {
            return Ok(false);
        }
    }
    Ok(true)
}
