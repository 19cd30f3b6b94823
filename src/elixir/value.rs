//! The interpreter's own values inside `Term`: functions (closures and captures), and
//! exceptions as Elixir's structs (`%MatchError{term: 1}`) with the messages iex prints.

use std::cell::Cell;
use std::fmt;
use std::rc::Rc;

use super::ast::Clause;
use super::inspect;
use crate::runtime::term::FunValue;
use crate::runtime::{Atom, Term};

thread_local! {
    static NEXT_FUN: Cell<u64> = const { Cell::new(1) };
}

pub type Env = Vec<(Atom, Term)>;

#[derive(Debug)]
pub enum FunKind {
    /// `fn … end` or `&(&1 + 1)`: clauses and the variables they closed over.
    Closure {
        clauses: Rc<[Clause]>,
        env: Rc<Env>,
        /// The module whose local functions the body may call.
        module: Option<Atom>,
        /// Its clauses lowered (shared by the closures one `fn` of compiled code makes).
        lowered: Rc<super::ir::Lowered>,
    },
    /// `&Mod.fun/2` (also what `&fun/1` becomes). `local`: made inside the module by
    /// `&fun/1`, so it may name a private function and be called from anywhere, as a local
    /// capture in Elixir can (`Enum.map(list, &helper/1)` with `defp helper`).
    Capture {
        module: Atom,
        name: Atom,
        local: bool,
    },
}

#[derive(Debug)]
pub struct Fun {
    pub id: u64,
    pub arity: usize,
    pub kind: FunKind,
    /// Where it was made: `:erl_eval.expr/6` in the shell, `Mod.fun/1` in a module.
    pub origin: Rc<str>,
}

impl Fun {
    pub fn term(arity: usize, kind: FunKind, origin: Rc<str>) -> Term {
        let id = NEXT_FUN.with(|n| {
            let v = n.get();
            n.set(v + 1);
            v
        });
        Term::Fun(Rc::new(Fun {
            id,
            arity,
            kind,
            origin,
        }))
    }
    pub fn capture(module: Atom, name: Atom, arity: usize) -> Term {
        Fun::term(
            arity,
            FunKind::Capture {
                module,
                name,
                local: false,
            },
            Rc::from(""),
        )
    }

    /// `&fun/1` inside the module that defines `fun` (private or not).
    pub fn local_capture(module: Atom, name: Atom, arity: usize) -> Term {
        Fun::term(
            arity,
            FunKind::Capture {
                module,
                name,
                local: true,
            },
            Rc::from(""),
        )
    }
}

impl fmt::Display for Fun {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            FunKind::Closure { .. } => write!(
                f,
                "#Function<{}.{}/{} in {}>",
                self.id % 128,
                3316493 + self.id * 7919 % 100_000,
                self.arity,
                self.origin
            ),
            FunKind::Capture { module, name, .. } => {
                let m = Term::Atom(*module).to_string();
                // quoted as an atom is, without its colon: `&:erlang."=<"/2`
                let n = Term::Atom(*name).to_string();
                let n = n.strip_prefix(':').unwrap_or(&n);
                write!(f, "&{m}.{n}/{}", self.arity)
            }
        }
    }
}

impl FunValue for Fun {
    fn arity(&self) -> usize {
        self.arity
    }
    fn id(&self) -> u64 {
        self.id
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

pub fn as_fun(t: &Term) -> Option<&Fun> {
    match t {
        Term::Fun(f) => f.as_any().downcast_ref::<Fun>(),
        _ => None,
    }
}

/// Why an evaluation stopped: `raise`, `throw` or `exit`, as the BEAM's three classes.
#[derive(Clone, Debug)]
pub enum Exc {
    Error(Term),
    Throw(Term),
    Exit(Term),
}

pub type R<T> = Result<T, Exc>;

/// What a simple (frame-free) evaluation answers when a value turns out to need the
/// machine after all (a struct whose `String.Chars` is written in Elixir): the machine
/// evaluates the expression again its own way. Never reaches user code.
pub fn needs_machine() -> Exc {
    Exc::Throw(Term::atom("$redfour: needs the machine"))
}

pub fn is_needs_machine(x: &Exc) -> bool {
    matches!(x, Exc::Throw(t) if *t == Term::atom("$redfour: needs the machine"))
}

#[inline(never)]
pub fn exception(module: &str, fields: Vec<(&str, Term)>) -> Exc {
    Exc::Error(Term::structure(module, fields))
}

pub fn runtime_error(msg: impl AsRef<str>) -> Exc {
    exception("RuntimeError", vec![("message", Term::str(msg.as_ref()))])
}

pub fn argument_error(msg: impl AsRef<str>) -> Exc {
    exception("ArgumentError", vec![("message", Term::str(msg.as_ref()))])
}

/// `:erlang.error(reason)` as Elixir sees it: `:badarg` an ArgumentError, `:badarith` an
/// ArithmeticError, an exception struct itself, anything else an ErlangError around it.
pub fn erlang_error(reason: Term) -> Exc {
    match &reason {
        Term::Atom(a) if &*a.name() == "badarg" => argument_error("argument error"),
        Term::Atom(a) if &*a.name() == "badarith" => exception(
            "ArithmeticError",
            vec![(
                "message",
                Term::str("bad argument in arithmetic expression"),
            )],
        ),
        Term::Struct(..) => Exc::Error(reason),
        _ => exception("ErlangError", vec![("original", reason)]),
    }
}

/// The form `:erlang` BIFs give: "errors were found at the given arguments: * 1st argument: …".
#[inline(never)]
/// `FunctionClauseError` for a native function given arguments it has no clause for,
/// worded as Elixir words it.
pub fn fn_clause_error(name: &str, args: &[Term]) -> Exc {
    fn_clause_error_tried(name, args, None)
}

/// The same, with iex's "Attempted function clauses" section after the arguments.
pub fn fn_clause_error_tried(name: &str, args: &[Term], attempted: Option<String>) -> Exc {
    let arity = args.len();
    let mut msg = format!(
        "no function clause matching in {name}/{arity}    \n    \n    The following arguments were given to {name}/{arity}:\n    "
    );
    for (i, a) in args.iter().enumerate() {
        msg.push_str(&format!(
            "\n        # {}\n        {}\n    ",
            i + 1,
            inspect::inspect(a)
        ));
    }
    if let Some(text) = attempted {
        msg.push_str(&text);
    }
    exception("FunctionClauseError", vec![("message", Term::str(&msg))])
}

pub fn badarg(which: usize, problem: &str) -> Exc {
    argument_error(format!(
        "errors were found at the given arguments:\n\n  * {} argument: {problem}\n",
        ordinal(which)
    ))
}

pub fn ordinal(n: usize) -> String {
    match n {
        1 => "1st".into(),
        2 => "2nd".into(),
        3 => "3rd".into(),
        n => format!("{n}th"),
    }
}

pub fn arithmetic() -> Exc {
    exception(
        "ArithmeticError",
        vec![(
            "message",
            Term::str("bad argument in arithmetic expression"),
        )],
    )
}

pub fn compile_error(msg: impl AsRef<str>) -> Exc {
    exception(
        "CompileError",
        vec![
            ("file", Term::str("iex")),
            ("line", Term::Int(1)),
            ("description", Term::str(msg.as_ref())),
        ],
    )
}

/// A CompileError at a line of the input (as the parser numbers it: `iex:7`).
pub fn compile_error_at(msg: impl AsRef<str>, line: usize) -> Exc {
    exception(
        "CompileError",
        vec![
            ("file", Term::str("iex")),
            ("line", Term::Int(line as i64)),
            ("description", Term::str(msg.as_ref())),
        ],
    )
}

pub fn match_error(t: &Term) -> Exc {
    exception("MatchError", vec![("term", t.clone())])
}

pub fn bad_map(t: &Term) -> Exc {
    exception("BadMapError", vec![("term", t.clone())])
}

pub fn key_error(key: &Term, term: &Term) -> Exc {
    exception(
        "KeyError",
        vec![
            ("key", key.clone()),
            ("term", term.clone()),
            ("message", Term::nil()),
        ],
    )
}

pub fn undefined_function(module: Atom, name: &str, arity: usize, reason: Option<&str>) -> Exc {
    exception(
        "UndefinedFunctionError",
        vec![
            ("module", Term::Atom(module)),
            ("function", Term::atom(name)),
            ("arity", Term::Int(arity as i64)),
            ("reason", reason.map_or_else(Term::nil, Term::atom)),
            ("message", Term::nil()),
        ],
    )
}

pub fn function_clause(module: Atom, name: &str, arity: usize) -> Exc {
    exception(
        "FunctionClauseError",
        vec![
            ("module", Term::Atom(module)),
            ("function", Term::atom(name)),
            ("arity", Term::Int(arity as i64)),
            ("kind", Term::nil()),
            ("args", Term::nil()),
            ("clauses", Term::nil()),
        ],
    )
}

pub fn protocol_undefined(protocol: &str, value: &Term) -> Exc {
    exception(
        "Protocol.UndefinedError",
        vec![
            ("protocol", Term::Atom(Atom::module(protocol))),
            ("value", value.clone()),
            ("description", Term::str("")),
        ],
    )
}

fn field<'a>(t: &'a Term, k: &str) -> Option<&'a Term> {
    t.get(k)
}

/// The Elixir type name `Protocol.UndefinedError` uses ("of type Integer").
pub fn type_name(t: &Term) -> &'static str {
    match t {
        Term::Int(_) | Term::Big(_) => "Integer",
        Term::Float(_) => "Float",
        Term::Atom(_) => "Atom",
        Term::Str(_) | Term::Bin(..) => "BitString",
        Term::Tuple(_) => "Tuple",
        Term::List(_) | Term::Improper(..) => "List",
        Term::Map(_) => "Map",
        Term::Struct(..) => "Map",
        Term::Pid(_) => "PID",
        Term::Ref(_) => "Reference",
        Term::Fun(_) => "Function",
    }
}

/// `Exception.message/1` for the exceptions the interpreter raises and user ones.
pub fn message(exc: &Term) -> String {
    let Term::Struct(m, _) = exc else {
        return inspect::inspect(exc);
    };
    let name = m.name();
    let kind = name.trim_start_matches("Elixir.");
    let ins = |k: &str| field(exc, k).map(inspect::inspect).unwrap_or_default();
    match kind {
        "MatchError" => format!("no match of right hand side value: {}", ins("term")),
        "ErlangError" => format!("Erlang error: {}", ins("original")),
        "CaseClauseError" => format!("no case clause matching: {}", ins("term")),
        "WithClauseError" => format!("no with clause matching: {}", ins("term")),
        "CondClauseError" => "no cond clause evaluated to a truthy value".into(),
        "TryClauseError" => format!("no try clause matching: {}", ins("term")),
        "BadMapError" => format!("expected a map, got: {}", ins("term")),
        "BadStructError" => format!(
            "expected a struct named {}, got: {}",
            ins("struct"),
            ins("term")
        ),
        "BadFunctionError" => format!("expected a function, got: {}", ins("term")),
        "BadBooleanError" => format!(
            "expected a boolean on left-side of \"{}\", got: {}",
            field(exc, "operator")
                .and_then(|o| o.as_atom())
                .map(|a| a.name().to_string())
                .unwrap_or_default(),
            ins("term")
        ),
        "BadArityError" => {
            let args = field(exc, "args").and_then(|a| a.as_list()).unwrap_or(&[]);
            let f = field(exc, "function").cloned().unwrap_or_else(Term::nil);
            let arity = match &f {
                Term::Fun(x) => x.arity(),
                _ => 0,
            };
            let shown: Vec<String> = args.iter().map(inspect::inspect).collect();
            format!(
                "{} with arity {arity} called with {} ({})",
                inspect::inspect(&f),
                match args.len() {
                    0 => "no arguments".to_string(),
                    1 => "1 argument".to_string(),
                    n => format!("{n} arguments"),
                },
                shown.join(", ")
            )
            .replace(" (no arguments)", "")
        }
        "KeyError" => {
            if let Some(Term::Str(m)) = field(exc, "message") {
                return m.to_string();
            }
            if field(exc, "term").is_some_and(|t| t.is_nil()) {
                return format!("key {} not found", ins("key"));
            }
            format!("key {} not found in: {}", ins("key"), ins("term"))
        }
        "UndefinedFunctionError" => {
            let module = field(exc, "module").cloned().unwrap_or_else(Term::nil);
            let fun = field(exc, "function")
                .and_then(|f| f.as_atom())
                .map(|a| a.name().to_string())
                .unwrap_or_default();
            let arity = field(exc, "arity").and_then(|a| a.as_int()).unwrap_or(0);
            let m = inspect::inspect(&module);
            let fun_text = fun;
            match field(exc, "reason")
                .and_then(|r| r.as_atom())
                .map(|a| a.name().to_string())
                .as_deref()
            {
                Some("module_not_available") => format!(
                    "function {m}.{fun_text}/{arity} is undefined (module {m} is not available)"
                ),
                _ => format!("function {m}.{fun_text}/{arity} is undefined or private"),
            }
        }
        "FunctionClauseError" if matches!(field(exc, "message"), Some(Term::Str(_))) => {
            field(exc, "message")
                .and_then(|m| m.as_str())
                .unwrap_or("")
                .to_string()
        }
        "FunctionClauseError" => {
            let module = field(exc, "module").cloned().unwrap_or_else(Term::nil);
            let fun = field(exc, "function")
                .and_then(|f| f.as_atom())
                .map(|a| a.name().to_string())
                .unwrap_or_default();
            let arity = field(exc, "arity").and_then(|a| a.as_int()).unwrap_or(0);
            format!(
                "no function clause matching in {}.{fun}/{arity}",
                inspect::inspect(&module)
            )
        }
        "Protocol.UndefinedError" => {
            let p = ins("protocol");
            let v = field(exc, "value").cloned().unwrap_or_else(Term::nil);
            let extra = field(exc, "description")
                .and_then(|d| d.as_str())
                .unwrap_or("");
            let mut s = format!(
                "protocol {p} not implemented for {} of type {}",
                inspect::inspect(&v),
                type_name(&v)
            );
            if let Term::Struct(sm, _) = &v {
                s = format!(
                    "protocol {p} not implemented for {} of type {} (a struct)",
                    inspect::inspect(&v),
                    Term::Atom(*sm)
                );
            }
            if !extra.is_empty() {
                s.push_str(", ");
                s.push_str(extra);
            }
            s
        }
        "CompileError" => {
            let d = field(exc, "description")
                .and_then(|d| d.as_str())
                .unwrap_or("");
            format!(
                "iex:{}: {d}",
                field(exc, "line").and_then(|l| l.as_int()).unwrap_or(1)
            )
        }
        _ => match field(exc, "message") {
            Some(Term::Str(s)) => s.to_string(),
            Some(other) => inspect::inspect(other),
            None => format!("{} exception raised", inspect::inspect(&Term::Atom(*m))),
        },
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
            _ => inspect::inspect(reason),
        },
        Term::Tuple(t) if t.len() == 2 && t[0] == Term::atom("shutdown") => {
            format!("shutdown: {}", format_exit(&t[1]))
        }
        // a supervisor's start, as Elixir words it
        Term::Tuple(t) if t.len() == 3 && t[0] == Term::atom("failed_to_start_child") => {
            format!(
                "failed to start child: {}\n    ** (EXIT) {}",
                inspect::inspect(&t[1]),
                format_exit(&t[2])
            )
        }
        Term::Tuple(t) if t.len() == 2 && t[0] == Term::atom("already_started") => {
            format!("already started: {}", inspect::inspect(&t[1]))
        }
        Term::Tuple(t) if t.len() == 2 && matches!(&t[0], Term::Struct(..)) => {
            // {exception, stacktrace}: the banner only, as Exception.format_exit shows it
            format!(
                "an exception was raised:\n    ** ({}) {}",
                exception_name(&t[0]),
                banner(&t[0])
            )
        }
        _ => inspect::inspect(reason),
    }
}

/// The first line of an exception's message (without FunctionClauseError's arguments).
pub fn banner(t: &Term) -> String {
    let m = message(t);
    m.lines().next().unwrap_or("").trim_end().to_string()
}

pub fn exception_name(t: &Term) -> String {
    match t {
        Term::Struct(m, _) => Term::Atom(*m).to_string(),
        _ => "ErlangError".into(),
    }
}

/// What iex prints for an uncaught exception, throw or exit (without the stacktrace).
pub fn render(exc: &Exc) -> String {
    match exc {
        Exc::Error(t) => format!("** ({}) {}", exception_name(t), message(t)),
        Exc::Throw(t) => format!("** (throw) {}", inspect::inspect(t)),
        Exc::Exit(reason) => {
            if let Some([inner, Term::Tuple(call)]) = reason.as_tuple() {
                if let [Term::Atom(m), Term::Atom(f), Term::List(args)] = &call[..] {
                    let module = Term::Atom(*m).to_string();
                    let args: Vec<String> = args.iter().map(inspect::inspect).collect();
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
    }
}

/// The wall-clock part of a log line (`14:48:22.920`), here the virtual clock's.
pub fn log_stamp(ms: u64) -> String {
    format!(
        "{:02}:{:02}:{:02}.{:03}",
        ms / 3_600_000 % 24,
        ms / 60_000 % 60,
        ms / 1000 % 60,
        ms % 1000
    )
}
