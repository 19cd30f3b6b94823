//! The functions the console knows, with the answers real Elixir gives, and `h`.

use super::eval::{Failure, Shell};
use super::parser::Expr;
use crate::runtime::gen_server::{self, Server};
use crate::runtime::registry::{atom_name, name_term};
use crate::runtime::{application, supervisor, Pid, Term};
use crate::store::shopping::{self, Raise};

/// What iex prints nothing for (the result of `h`).
pub const NO_RESULT: &str = "do not show this result in output";

struct Fun {
    module: &'static str,
    name: &'static str,
    arities: &'static [usize],
    doc: &'static str,
    example: &'static str,
}

const FUNS: &[Fun] = &[
    Fun { module: "Redfour.Shopping", name: "start_session", arities: &[1], doc: "Starts a customer's Session under Redfour.SessionSupervisor, registered under its key (an atom).", example: "Redfour.Shopping.start_session key: :my_key" },
    Fun { module: "Redfour.Shopping.Session", name: "select_item", arities: &[3], doc: "Puts a quantity of a product (a SKU) in the session's cart; the price comes from the Catalog.", example: "Redfour.Shopping.Session.select_item :my_key, \"R4-HELMET\", 2" },
    Fun { module: "Redfour.Shopping.Session", name: "remove_item", arities: &[2], doc: "Takes a product out of the cart.", example: "Redfour.Shopping.Session.remove_item :my_key, \"R4-HELMET\"" },
    Fun { module: "Redfour.Shopping.Session", name: "change_item", arities: &[3], doc: "Sets a product's quantity (0 removes it).", example: "Redfour.Shopping.Session.change_item :my_key, \"R4-HELMET\", 1" },
    Fun { module: "Redfour.Shopping.Session", name: "apply_discount", arities: &[2], doc: "Applies a discount code: LAUNCH10, ORBIT20 or CREW5.", example: "Redfour.Shopping.Session.apply_discount :my_key, \"LAUNCH10\"" },
    Fun { module: "Redfour.Shopping.Session", name: "checkout", arities: &[1], doc: "Records the sale with Redfour.Sales; the session then ends normally (not restarted).", example: "Redfour.Shopping.Session.checkout :my_key" },
    Fun { module: "Process", name: "whereis", arities: &[1], doc: "The pid registered under a name, or nil.", example: "Process.whereis :my_key" },
    Fun { module: "Process", name: "exit", arities: &[2], doc: "Sends an exit signal: :kill cannot be trapped; :normal is ignored by a process that does not trap exits.", example: "Process.exit pid, :kill" },
    Fun { module: "Process", name: "alive?", arities: &[1], doc: "Whether the process is alive.", example: "Process.alive? pid" },
    Fun { module: "Process", name: "sleep", arities: &[1], doc: "Waits this many virtual milliseconds (the store keeps running).", example: "Process.sleep 1000" },
    Fun { module: "Process", name: "list", arities: &[0], doc: "Every live process.", example: "Process.list |> length" },
    Fun { module: "Process", name: "info", arities: &[1], doc: "What the runtime knows of a process, or nil when it is dead.", example: "Process.info pid" },
    Fun { module: "Process", name: "monitor", arities: &[1], doc: "Monitors a process: a {:DOWN, ref, :process, pid, reason} message comes when it exits (see flush).", example: "Process.monitor pid" },
    Fun { module: "Process", name: "link", arities: &[1], doc: "Links the shell to a process: if it crashes, so does the shell.", example: "Process.link pid" },
    Fun { module: "Kernel", name: "self", arities: &[0], doc: "The shell's own pid.", example: "self()" },
    Fun { module: "Kernel", name: "send", arities: &[2], doc: "Sends a message to a pid or a registered name; returns the message.", example: "send self(), {:hello, 1}" },
    Fun { module: "Kernel", name: "flush", arities: &[0], doc: "Prints and removes every message in the shell's mailbox.", example: "flush()" },
    Fun { module: "Kernel", name: "length", arities: &[1], doc: "The length of a list.", example: "length [1, 2, 3]" },
    Fun { module: "Kernel", name: "pid", arities: &[1, 3], doc: "The pid with these numbers: pid(\"0.96.0\") or pid(0, 96, 0).", example: "pid(\"0.96.0\")" },
    Fun { module: "Supervisor", name: "count_children", arities: &[1], doc: "%{active, specs, supervisors, workers} of a supervisor.", example: "Supervisor.count_children Redfour.Shopping.Supervisor" },
    Fun { module: "Supervisor", name: "which_children", arities: &[1], doc: "[{id, pid, type, modules}] of a supervisor.", example: "Supervisor.which_children Redfour.Shopping.Supervisor" },
    Fun { module: "DynamicSupervisor", name: "count_children", arities: &[1], doc: "%{active, specs, supervisors, workers} of a DynamicSupervisor.", example: "DynamicSupervisor.count_children Redfour.SessionSupervisor" },
    Fun { module: "DynamicSupervisor", name: "which_children", arities: &[1], doc: "[{:undefined, pid, type, modules}] of a DynamicSupervisor.", example: "DynamicSupervisor.which_children Redfour.SessionSupervisor" },
    Fun { module: "DynamicSupervisor", name: "start_child", arities: &[2], doc: "Starts a child from a spec such as {Redfour.Shopping.Session, %{key: :k}}.", example: "DynamicSupervisor.start_child Redfour.SessionSupervisor, {Redfour.Shopping.Session, %{key: :k}}" },
    Fun { module: "DynamicSupervisor", name: "terminate_child", arities: &[2], doc: "Stops a child, by pid; it is not restarted.", example: "DynamicSupervisor.terminate_child Redfour.SessionSupervisor, pid" },
    Fun { module: "GenServer", name: "call", arities: &[2, 3], doc: "Sends a request and waits for the reply (default timeout 5000 virtual ms).", example: "GenServer.call :my_key, :get" },
    Fun { module: "GenServer", name: "cast", arities: &[2], doc: "Sends a request without waiting; always :ok.", example: "GenServer.cast :my_key, :hello" },
    Fun { module: ":sys", name: "get_state", arities: &[1], doc: "A GenServer's state: a session prints as its %Redfour.Shopping.Session{} struct.", example: ":sys.get_state :my_key" },
    Fun { module: "Application", name: "stop", arities: &[1], doc: "Stops an application and its whole supervision tree.", example: "Application.stop :shopping" },
    Fun { module: "Application", name: "start", arities: &[1], doc: "Starts an application.", example: "Application.start :shopping" },
    Fun { module: ":observer", name: "start", arities: &[0], doc: "Brings the observer (the tree and the process table) into view.", example: ":observer.start" },
];

const KNOWN_MODULES: &[&str] = &[
    "Redfour.Shopping",
    "Redfour.Shopping.Session",
    "Process",
    "Kernel",
    "Supervisor",
    "DynamicSupervisor",
    "GenServer",
    ":sys",
    "Application",
    ":observer",
];

fn undefined(module: Option<&str>, fun: &str, arity: usize) -> Failure {
    match module {
        None => Failure::Compile(format!(
            "undefined function {fun}/{arity} (there is no such import)"
        )),
        Some(m) if KNOWN_MODULES.contains(&m) => Failure::raise(
            "UndefinedFunctionError",
            format!("function {m}.{fun}/{arity} is undefined or private"),
        ),
        Some(m) => Failure::raise(
            "UndefinedFunctionError",
            format!("function {m}.{fun}/{arity} is undefined (module {m} is not available)"),
        ),
    }
}

fn no_clause(module: &str, fun: &str, arity: usize) -> Failure {
    Failure::raise(
        "FunctionClauseError",
        format!("no function clause matching in {module}.{fun}/{arity}"),
    )
}

/// A pid or a registered name, as GenServer and Process functions take them.
fn server(t: &Term) -> Option<Server> {
    match t {
        Term::Pid(p) => Some(Server::Pid(*p)),
        Term::Atom(a) if !t.is_nil() => Some(Server::Name(atom_name(*a))),
        _ => None,
    }
}

fn pid_arg(t: &Term, which: &str) -> Result<Pid, Failure> {
    t.as_pid()
        .ok_or_else(|| Failure::argument(which, "not a pid"))
}

fn resolve(sh: &Shell, t: &Term) -> Option<Pid> {
    match server(t)? {
        Server::Pid(p) => Some(p),
        Server::Name(n) => sh.rt.whereis(&n),
    }
}

async fn session_call(sh: &mut Shell, key: &Term, request: Term) -> Result<Term, Failure> {
    let Some(dest) = server(key) else {
        return Err(Failure::Exit(Term::tuple(vec![
            Term::atom("noproc"),
            Term::tuple(vec![
                Term::atom("Elixir.GenServer"),
                Term::atom("call"),
                Term::list(vec![key.clone(), request, Term::Int(5000)]),
            ]),
        ])));
    };
    gen_server::call(&sh.ctx, dest, request, Some(5000))
        .await
        .map_err(Failure::Exit)
}

/// Calls `module.fun(args)`.
pub async fn call(
    sh: &mut Shell,
    module: Option<&str>,
    fun: &str,
    args: Vec<Term>,
) -> Result<Term, Failure> {
    let arity = args.len();
    let a = |i: usize| args.get(i).cloned().unwrap_or_else(Term::nil);
    match (module.unwrap_or("Kernel"), fun, arity) {
        ("Kernel", "self", 0) => Ok(Term::Pid(sh.ctx.pid())),
        ("Kernel", "send", 2) => {
            let dest = match &args[0] {
                Term::Pid(p) => Some(*p),
                Term::Atom(name) => sh.ctx.whereis(&atom_name(*name)),
                _ => None,
            };
            let Some(dest) = dest else {
                return Err(Failure::argument("1st", "invalid destination"));
            };
            sh.ctx.send(dest, a(1));
            Ok(a(1))
        }
        ("Kernel", "flush", 0) => {
            while let Some(msg) = sh.ctx.receive_timeout(0).await {
                sh.printed.push(msg.to_string());
            }
            Ok(Term::ok())
        }
        ("Kernel", "length", 1) => match &args[0] {
            Term::List(items) => Ok(Term::Int(items.len() as i64)),
            _ => Err(Failure::argument("1st", "not a list")),
        },
        ("Kernel", "pid", 1) => {
            let text = args[0]
                .as_str()
                .ok_or_else(|| Failure::argument("1st", "not a string"))?;
            let parts: Vec<&str> = text.split('.').collect();
            match parts.as_slice() {
                ["0", n, "0"] => n
                    .parse()
                    .map(|n| Term::Pid(sh.rt.pid_from_number(n)))
                    .map_err(|_| Failure::argument("1st", "not a textual representation of a pid")),
                _ => Err(Failure::argument(
                    "1st",
                    "not a textual representation of a pid",
                )),
            }
        }
        ("Kernel", "pid", 3) => match (&args[0], &args[1], &args[2]) {
            (Term::Int(0), Term::Int(n), Term::Int(0)) if *n >= 0 && *n <= u32::MAX as i64 => {
                Ok(Term::Pid(sh.rt.pid_from_number(*n as u32)))
            }
            _ => Err(Failure::argument(
                "1st",
                "not a textual representation of a pid",
            )),
        },
        ("Process", "whereis", 1) => match &args[0] {
            Term::Atom(name) => Ok(sh
                .ctx
                .whereis(&atom_name(*name))
                .map_or_else(Term::nil, Term::Pid)),
            _ => Err(Failure::argument("1st", "not an atom")),
        },
        ("Process", "exit", 2) => {
            let pid = pid_arg(&args[0], "1st")?;
            sh.ctx.exit_signal(pid, a(1));
            // A signal to the shell itself takes effect before it can answer.
            if pid == sh.ctx.pid() {
                sh.ctx.sleep(0).await;
            }
            Ok(Term::bool(true))
        }
        ("Process", "alive?", 1) => Ok(Term::bool(sh.ctx.alive(pid_arg(&args[0], "1st")?))),
        ("Process", "sleep", 1) => match args[0] {
            Term::Int(ms) if ms >= 0 => {
                sh.ctx.sleep(ms as u64).await;
                Ok(Term::ok())
            }
            _ => Err(Failure::argument("1st", "not a non-negative integer")),
        },
        ("Process", "list", 0) => Ok(Term::list(
            sh.rt.pids().into_iter().map(Term::Pid).collect(),
        )),
        ("Process", "info", 1) => {
            let pid = pid_arg(&args[0], "1st")?;
            Ok(match sh.rt.process_info(pid) {
                None => Term::nil(),
                Some(i) => {
                    let mut kw: Vec<(&str, Term)> = Vec::new();
                    if let Some(name) = &i.name {
                        kw.push(("registered_name", name_term(name)));
                    }
                    kw.push(("status", Term::atom(&i.status.to_string())));
                    kw.push(("message_queue_len", Term::Int(i.message_queue_len as i64)));
                    kw.push((
                        "links",
                        Term::list(i.links.iter().map(|p| Term::Pid(*p)).collect()),
                    ));
                    kw.push(("trap_exit", Term::bool(i.trap_exit)));
                    kw.push(("reductions", Term::Int(i.reductions as i64)));
                    kw.push(("memory", Term::Int(i.memory as i64)));
                    Term::list(
                        kw.into_iter()
                            .map(|(k, v)| Term::tuple(vec![Term::atom(k), v]))
                            .collect(),
                    )
                }
            })
        }
        ("Process", "monitor", 1) => {
            let pid = resolve(sh, &args[0]).ok_or_else(|| Failure::argument("1st", "not a pid"));
            Ok(Term::Ref(sh.ctx.monitor(pid?)))
        }
        ("Process", "link", 1) => {
            sh.ctx.link(pid_arg(&args[0], "1st")?);
            Ok(Term::bool(true))
        }
        ("GenServer", "call", 2 | 3) => {
            let timeout = match args.get(2) {
                None => Some(5000),
                Some(Term::Int(ms)) if *ms >= 0 => Some(*ms as u64),
                Some(t) if t == &Term::atom("infinity") => None,
                Some(_) => return Err(no_clause("GenServer", "call", 3)),
            };
            match server(&args[0]) {
                Some(dest) => gen_server::call(&sh.ctx, dest, a(1), timeout)
                    .await
                    .map_err(Failure::Exit),
                None => Err(Failure::Exit(Term::tuple(vec![
                    Term::atom("noproc"),
                    Term::tuple(vec![
                        Term::atom("Elixir.GenServer"),
                        Term::atom("call"),
                        Term::list(vec![
                            a(0),
                            a(1),
                            timeout.map_or(Term::atom("infinity"), |t| Term::Int(t as i64)),
                        ]),
                    ]),
                ]))),
            }
        }
        ("GenServer", "cast", 2) => {
            if let Some(dest) = server(&args[0]) {
                gen_server::cast(&sh.ctx, dest, a(1));
            }
            Ok(Term::ok())
        }
        (":sys", "get_state", 1) => {
            let exit = |reason: &str| {
                Failure::Exit(Term::tuple(vec![
                    Term::atom(reason),
                    Term::tuple(vec![
                        Term::atom("sys"),
                        Term::atom("get_state"),
                        Term::list(vec![a(0)]),
                    ]),
                ]))
            };
            let pid = resolve(sh, &args[0])
                .filter(|p| sh.rt.alive(*p))
                .ok_or_else(|| exit("noproc"))?;
            sh.rt.state_of(pid).ok_or_else(|| exit("timeout"))
        }
        ("Supervisor" | "DynamicSupervisor", "count_children" | "which_children", 1) => {
            let dest = server(&args[0]).ok_or_else(|| no_clause(module.unwrap_or(""), fun, 1))?;
            let r = if fun == "count_children" {
                supervisor::count_children(&sh.ctx, dest).await
            } else {
                supervisor::which_children(&sh.ctx, dest).await
            };
            r.map_err(Failure::Exit)
        }
        ("DynamicSupervisor", "start_child", 2) => {
            let dest = server(&args[0]).ok_or_else(|| no_clause("DynamicSupervisor", fun, 2))?;
            supervisor::start_child(&sh.ctx, dest, a(1))
                .await
                .map_err(Failure::Exit)
        }
        ("DynamicSupervisor", "terminate_child", 2) => {
            if args[1].as_pid().is_none() {
                return Err(no_clause("DynamicSupervisor", "terminate_child", 2));
            }
            let dest = server(&args[0]).ok_or_else(|| no_clause("DynamicSupervisor", fun, 2))?;
            supervisor::terminate_child(&sh.ctx, dest, a(1))
                .await
                .map_err(Failure::Exit)
        }
        ("Application", "start" | "stop", 1) => {
            let Some(app) = args[0].as_atom() else {
                return Err(no_clause("Application", fun, 1));
            };
            Ok(if fun == "start" {
                application::start(&sh.ctx, &app.name()).await
            } else {
                application::stop(&sh.ctx, &app.name()).await
            })
        }
        (":observer", "start", 0) => {
            sh.observer_requested = true;
            Ok(Term::ok())
        }
        ("Redfour.Shopping", "start_session", 1) => {
            let key = match &args[0] {
                Term::List(kw) if kw.len() == 1 => args[0].get("key").cloned(),
                _ => None,
            };
            let Some(key) = key else {
                return Err(no_clause("Redfour.Shopping", "start_session", 1));
            };
            match shopping::start_session(&sh.ctx, &key).await {
                Ok(t) => Ok(t),
                Err(Raise::Runtime(m)) => Err(Failure::raise("RuntimeError", m)),
                Err(Raise::FunctionClause(m)) => Err(Failure::raise("FunctionClauseError", m)),
                Err(Raise::Exit(reason)) => Err(Failure::Exit(reason)),
            }
        }
        ("Redfour.Shopping.Session", "select_item" | "change_item", 3) => {
            let req = Term::tuple(vec![Term::atom(fun), a(1), a(2)]);
            session_call(sh, &args[0], req).await
        }
        ("Redfour.Shopping.Session", "remove_item" | "apply_discount", 2) => {
            let req = Term::tuple(vec![Term::atom(fun), a(1)]);
            session_call(sh, &args[0], req).await
        }
        ("Redfour.Shopping.Session", "checkout", 1) => {
            session_call(sh, &args[0], Term::atom("checkout")).await
        }
        _ => Err(undefined(module, fun, arity)),
    }
}

/// `h` and `h Module.fun`: what the console supports, with an example.
pub fn help(sh: &mut Shell, what: Option<&Expr>) -> Result<Term, Failure> {
    let hidden = Term::atom(NO_RESULT);
    match what {
        None => {
            sh.printed
                .push("The console speaks the Elixir of the Red:4 posts. Try:".into());
            for f in FUNS {
                sh.printed.push(format!("  {:<58} # {}", f.example, f.doc));
            }
            sh.printed.push("Variables (pid = …), matches ({:ok, pid} = …) and |> work too; `h Module.fun` for one function.".into());
            Ok(hidden)
        }
        Some(Expr::Call { module, fun, .. }) => {
            let module = module.as_deref().unwrap_or("Kernel");
            let found: Vec<&Fun> = FUNS
                .iter()
                .filter(|f| f.module == module && f.name == fun)
                .collect();
            if found.is_empty() {
                sh.printed
                    .push(format!("No documentation for {module}.{fun} was found"));
            }
            for f in found {
                let arities: Vec<String> = f
                    .arities
                    .iter()
                    .map(|n| format!("{}/{n}", f.name))
                    .collect();
                sh.printed.push(format!(
                    "                            def {}.{}",
                    f.module.trim_start_matches("Kernel."),
                    arities.join(", ")
                ));
                sh.printed.push(String::new());
                sh.printed.push(f.doc.to_string());
                sh.printed.push(String::new());
                sh.printed.push(format!("    iex> {}", f.example));
            }
            Ok(hidden)
        }
        Some(_) => Err(Failure::raise(
            "ArgumentError",
            "h/1 expects a function such as Process.whereis",
        )),
    }
}
