//! `Process`, `GenServer`, `Supervisor`, `DynamicSupervisor`, `Application`, `:sys` and
//! `:observer`, against the live runtime.
//! Calls that wait (a `GenServer.call`, `Process.sleep`) suspend the console's process on
//! the virtual clock while the store goes on.

use super::super::machine::{Machine, NRet};
use super::super::value::{badarg, function_clause, runtime_error, Exc, R};
use super::value;
use crate::runtime::gen_server::{self, Server};
use crate::runtime::registry::{atom_name, name_term};
use crate::runtime::{application, supervisor, Atom, Pid, Term};

pub const PROCESS: super::Table = &[
    ("whereis", 1, true),
    ("exit", 2, false),
    ("alive?", 1, true),
    ("sleep", 1, false),
    ("list", 0, true),
    ("info", 1, true),
    ("monitor", 1, true),
    ("link", 1, true),
    ("unlink", 1, true),
    ("registered", 0, true),
    ("register", 2, true),
    ("unregister", 1, true),
    ("flag", 2, true),
    ("send", 3, true),
    ("demonitor", 1, true),
    ("demonitor", 2, true),
    ("send_after", 3, true),
    ("info", 2, true),
    ("cancel_timer", 1, true),
    ("spawn", 1, false),
    ("spawn", 3, false),
];
pub const GENSERVER: super::Table = &[("call", 2, false), ("call", 3, false), ("cast", 2, true)];
pub const SUPERVISOR: super::Table = &[
    ("count_children", 1, false),
    ("which_children", 1, false),
    ("start_child", 2, false),
    ("terminate_child", 2, false),
    ("restart_child", 2, false),
    ("delete_child", 2, false),
    ("stop", 1, false),
    ("stop", 2, false),
];
pub const DYNSUP: super::Table = &[
    ("start_link", 1, false),
    ("count_children", 1, false),
    ("which_children", 1, false),
    ("start_child", 2, false),
    ("terminate_child", 2, false),
];
pub const SYS: super::Table = &[("get_state", 1, true)];
pub const APPLICATION: super::Table = &[
    ("start", 1, false),
    ("stop", 1, false),
    ("ensure_all_started", 1, false),
    ("ensure_started", 1, false),
    ("get_env", 2, true),
    ("get_env", 3, true),
    ("fetch_env", 2, true),
    ("fetch_env!", 2, true),
    ("put_env", 3, true),
    ("started_applications", 0, true),
];
pub const OBSERVER: super::Table = &[("start", 0, true)];
pub const ERL_APPLICATION: super::Table = &[("load", 1, true)];

/// Where an application typed in the console keeps its callback module (in its
/// environment, where `Application.get_env/2` would not look for it).
pub const APP_MODULE: &str = "$redfour_mod";

/// `spawn/1,3`, `spawn_link`, `spawn_monitor`: a process running interpreted code, with the
/// console's modules, printing to the console's group leader.
pub fn spawn(m: &mut Machine, name: &str, args: Vec<Term>) -> R<Option<NRet>> {
    spawn_with(m, name, args, Report::Process)
}

/// Which crash report a process that fails prints, as OTP's loggers do.
#[derive(Clone)]
enum Report {
    /// `[error] Process … raised an exception`
    Process,
    /// `[error] GenServer … terminating`, with its last message and state; the label.
    GenServer(String),
    /// `[error] Task … started from … terminating`, with its function: the owner and
    /// the function the task runs.
    Task(crate::runtime::Pid, Term),
}

/// A crash report's exception line: the message without iex's blame (a report shows
/// `bad argument in arithmetic expression`, the shell adds the expression).
fn report_message(e: &Term, banner: bool) -> String {
    let name = super::super::value::exception_name(e);
    let text = if name == "ArithmeticError" {
        "bad argument in arithmetic expression".to_string()
    } else if banner {
        super::super::value::banner(e)
    } else {
        super::super::value::message(e)
    };
    format!("** ({name}) {text}")
}

fn spawn_with(m: &mut Machine, name: &str, args: Vec<Term>, mode: Report) -> R<Option<NRet>> {
    let (f, call_args, label) = match args.as_slice() {
        [f @ Term::Fun(_)] => (f.clone(), vec![], "fn".to_string()),
        [Term::Atom(module), Term::Atom(fun), Term::List(a)] => (
            super::super::value::Fun::capture(*module, *fun, a.len()),
            a.to_vec(),
            Term::Atom(*module).to_string(),
        ),
        [_] => return Err(badarg(1, "not a fun")),
        _ => return Err(badarg(1, "not an atom")),
    };
    if let Some(fun) = super::super::value::as_fun(&f) {
        if fun.arity != call_args.len() {
            return Err(badarg(1, "not a fun of arity 0"));
        }
    }
    let gen_server = matches!(mode, Report::GenServer(_));
    let label = match &mode {
        Report::GenServer(l) => l.clone(),
        Report::Task(..) => "Task".to_string(),
        Report::Process => label,
    };
    let link = name == "spawn_link";
    let group = m.group.clone();
    let modules = m.modules.clone();
    let natives = m.natives.clone();
    let rt = m.rt.clone();
    let mut opts = crate::runtime::SpawnOpts::default().labelled(&label);
    opts.link = link;
    let pid = m
        .ctx
        .spawn_opts(opts, move |ctx: crate::runtime::Ctx| async move {
            let mut child = Machine::new(ctx.clone(), rt, modules, natives);
            child.io = Some(group.clone());
            child.group = group.clone();
            child.start_call(f, call_args);
            match super::super::shell::drive(&mut child).await {
                Ok(_) => Term::Atom(Atom::NORMAL),
                Err(x) => {
                    let (reason, report) = match x {
                        Exc::Error(e) => {
                            let report = report_message(&e, gen_server);
                            (Term::tuple(vec![e, Term::list(vec![])]), Some(report))
                        }
                        Exc::Throw(v) => {
                            let nocatch = Term::tuple(vec![Term::atom("nocatch"), v]);
                            let report = format!(
                                "** (ErlangError) Erlang error: {}",
                                super::super::inspect::inspect(&nocatch)
                            );
                            (Term::tuple(vec![nocatch, Term::list(vec![])]), Some(report))
                        }
                        Exc::Exit(r) => (r, None),
                    };
                    let stamp = super::super::value::log_stamp(ctx.now());
                    if gen_server && !matches!(&reason, Term::Atom(a) if *a == Atom::NORMAL || *a == Atom::SHUTDOWN) {
                        // OTP's report for a GenServer that stops abnormally
                        let who = child
                            .rt
                            .name_of(ctx.pid())
                            .map_or_else(|| ctx.pid().to_string(), |n| name_term(&n).to_string());
                        let why = report.unwrap_or_else(|| format!("** (stop) {}", super::super::inspect::inspect(&reason)));
                        let last = match child.gen_last.as_ref().and_then(|l| l.as_tuple()) {
                            Some([Term::Atom(t), from, req]) if *t == Atom::GEN_CALL => {
                                let from = from.as_tuple().and_then(|f| f.first().cloned()).unwrap_or_else(Term::nil);
                                format!("Last message (from {from}): {}", super::super::inspect::inspect(req))
                            }
                            Some(_) | None => format!(
                                "Last message: {}",
                                child.gen_last.as_ref().map_or_else(|| "nil".to_string(), super::super::inspect::inspect)
                            ),
                        };
                        let state = child.gen_state.as_ref().map_or_else(|| "nil".to_string(), super::super::inspect::inspect);
                        group.borrow_mut().push_str(&format!(
                            "\n{stamp} [error] GenServer {who} terminating\n{why}\n{last}\nState: {state}\n"
                        ));
                    } else if let Report::Task(owner, fun) = &mode {
                        if !matches!(&reason, Term::Atom(a) if *a == Atom::NORMAL || *a == Atom::SHUTDOWN) {
                            let why = report.unwrap_or_else(|| format!("** (stop) {}", super::super::inspect::inspect(&reason)));
                            group.borrow_mut().push_str(&format!(
                                "\n{stamp} [error] Task {} started from {owner} terminating\n{why}\nFunction: {}\n    Args: []\n",
                                ctx.pid(),
                                super::super::inspect::inspect(fun)
                            ));
                        }
                    } else if let Some(report) = report {
                        group.borrow_mut().push_str(&format!(
                            "\n{stamp} [error] Process {} raised an exception\n{report}\n",
                            ctx.pid()
                        ));
                    }
                    reason
                }
            }
        })
        .map_err(|_| runtime_error("could not spawn: the shell is exiting"))?;
    if name == "spawn_monitor" {
        let r = m.ctx.monitor(pid);
        return value(Term::tuple(vec![Term::Pid(pid), Term::Ref(r)]));
    }
    value(Term::Pid(pid))
}

/// `strategy:`, `max_restarts:`, `max_seconds:` (and a DynamicSupervisor's `max_children:`).
fn sup_flags(opts: &Term) -> Option<crate::runtime::SupFlags> {
    let mut f = crate::runtime::SupFlags::default();
    if let Some(s) = opts.get("strategy") {
        f.strategy = match &*s.as_atom()?.name() {
            "one_for_one" => crate::runtime::Strategy::OneForOne,
            "one_for_all" => crate::runtime::Strategy::OneForAll,
            "rest_for_one" => crate::runtime::Strategy::RestForOne,
            _ => return None,
        };
    }
    if let Some(n) = opts.get("max_restarts").and_then(|n| n.as_int()) {
        f.max_restarts = n.max(0) as u32;
    }
    if let Some(n) = opts.get("max_seconds").and_then(|n| n.as_int()) {
        f.max_seconds = n.max(0) as u64;
    }
    if let Some(n) = opts.get("max_children").and_then(|n| n.as_int()) {
        f.max_children = Some(super::super::ops::index(n));
    }
    Some(f)
}

fn start_result(r: crate::runtime::StartResult) -> Term {
    match r {
        crate::runtime::StartResult::Ok(p) => Term::ok_tuple(Term::Pid(p)),
        crate::runtime::StartResult::Ignore => Term::atom("ignore"),
        crate::runtime::StartResult::Error(e) => Term::error_tuple(e),
    }
}

/// A process state shown by `:sys.get_state` and the inspector (a console GenServer's).
struct StateTerm(Term);

impl crate::runtime::StateView for StateTerm {
    fn state(&self) -> Option<Term> {
        Some(self.0.clone())
    }
    fn summary(&self) -> Option<String> {
        let s = super::super::inspect::inspect(&self.0);
        Some(if s.chars().count() > 40 {
            format!("{}…", s.chars().take(40).collect::<String>())
        } else {
            s
        })
    }
    fn metric(&self) -> Option<i64> {
        None
    }
}

/// The prelude's helpers (`:redfour.put_state/1` …), not for users.
pub const REDFOUR: super::Table = &[
    ("start_supervisor", 2, false),
    ("put_state", 1, true),
    ("got", 1, true),
    ("unexpected", 2, true),
    ("log", 2, true),
    ("runtime_module?", 1, true),
    ("spawn_as", 3, false),
    ("spawn_task", 4, false),
];

fn redfour(m: &mut Machine, name: &str, args: Vec<Term>) -> R<Option<NRet>> {
    match (name, args.len()) {
        ("put_state", 1) => {
            m.ctx
                .set_state_view(std::rc::Rc::new(StateTerm(args[0].clone())));
            m.gen_state = Some(args[0].clone());
            value(Term::ok())
        }
        ("got", 1) => {
            m.gen_last = Some(args[0].clone());
            value(Term::ok())
        }
        ("runtime_module?", 1) => {
            let known = args[0]
                .as_atom()
                .is_some_and(|a| m.ctx.module(&atom_name(a)).is_some());
            value(Term::bool(known))
        }
        ("log", 2) => {
            // Logger's line, as iex 1.14 prints it, and the same in the trace
            let level = args[0].as_atom().map(|a| a.name()).unwrap_or_default();
            let text = args[1].as_str().unwrap_or_default().to_string();
            let line = format!(
                "\n{} [{level}] {text}\n",
                super::super::value::log_stamp(m.ctx.now()),
            );
            m.group.borrow_mut().push_str(&line);
            m.ctx.note("log", &format!("[{level}] {text}"));
            value(Term::ok())
        }
        ("unexpected", 2) => {
            let line = format!(
                "\n{} [error] {} {} received unexpected message in handle_info/2: {}\n",
                super::super::value::log_stamp(m.ctx.now()),
                args[0],
                m.ctx.pid(),
                super::super::inspect::inspect(&args[1])
            );
            m.group.borrow_mut().push_str(&line);
            value(Term::ok())
        }
        ("start_supervisor", 2) => {
            let ctx = m.ctx.clone();
            let defaults = |name: &str| {
                ctx.module(name)
                    .map(|md| (md.restart, md.shutdown, md.kind))
            };
            let mut specs = Vec::new();
            for c in args[0].as_list().unwrap_or(&[]) {
                match crate::runtime::ChildSpec::from_term(c, defaults) {
                    Ok(s) => specs.push(s),
                    Err(reason) => return value(Term::error_tuple(reason)),
                }
            }
            let flags = sup_flags(&args[1]).ok_or_else(|| {
                Exc::Exit(Term::tuple(vec![
                    Term::atom("bad_start_spec"),
                    args[1].clone(),
                ]))
            })?;
            let name = args[1]
                .get("name")
                .and_then(|n| n.as_atom())
                .map(|a| atom_name(a).to_string());
            await_op(move |ctx| async move {
                Ok(start_result(
                    supervisor::start_link(&ctx, flags, specs, name.as_deref()).await,
                ))
            })
        }
        ("spawn_as", 3) => {
            let label = args[0].to_string();
            let kind = if args[1] == Term::atom("link") {
                "spawn_link"
            } else {
                "spawn"
            };
            spawn_with(m, kind, vec![args[2].clone()], Report::GenServer(label))
        }
        // `:redfour.spawn_task(link, owner, fun, body)`: a Task's process running `body`,
        // whose crash report names `fun` and the process that started it
        ("spawn_task", 4) => {
            let kind = if args[0] == Term::atom("link") {
                "spawn_link"
            } else {
                "spawn"
            };
            let owner = args[1].as_pid().unwrap_or_else(|| m.ctx.pid());
            spawn_with(
                m,
                kind,
                vec![args[3].clone()],
                Report::Task(owner, args[2].clone()),
            )
        }
        _ => Ok(None),
    }
}

/// A pid or a registered name, as GenServer and Process functions take them.
fn server(t: &Term) -> Option<Server> {
    match t {
        Term::Pid(p) => Some(Server::Pid(*p)),
        Term::Atom(a) if !t.is_nil() => Some(Server::Name(atom_name(*a))),
        _ => None,
    }
}

/// The pid a `{:via, Registry, {registry, key}}` name stands for, read from the registry
/// partition's state (the prelude's `Registry.Partition`); a pid no process has when the key
/// is not registered. `None` for anything else.
fn via_registry(m: &Machine, t: &Term) -> Option<Pid> {
    let [Term::Atom(via), Term::Atom(module), Term::Tuple(name)] = t.as_tuple()? else {
        return None;
    };
    if &*via.name() != "via" || &*module.name() != "Elixir.Registry" {
        return None;
    }
    let [Term::Atom(registry), key] = &name[..] else {
        return None;
    };
    let found =
        m.rt.whereis(&atom_name(*registry))
            .and_then(|partition| m.rt.state_of(partition))
            .and_then(|state| match state.get("entries") {
                Some(Term::Map(entries)) => entries.iter().find_map(|(k, v)| {
                    (k == key)
                        .then(|| v.as_list()?.first()?.as_tuple()?.first()?.as_pid())
                        .flatten()
                }),
                _ => None,
            });
    Some(found.unwrap_or_else(|| m.rt.pid_from_number(u32::MAX)))
}

fn pid_arg(t: &Term, which: usize) -> R<Pid> {
    t.as_pid().ok_or_else(|| badarg(which, "not a pid"))
}

fn resolve(m: &Machine, t: &Term) -> Option<Pid> {
    match server(t)? {
        Server::Pid(p) => Some(p),
        Server::Name(n) => m.rt.whereis(&n),
    }
}

fn clause(module: &str, fun: &str, arity: usize) -> Exc {
    function_clause(Atom::module(module), fun, arity)
}

fn await_op<F, Fut>(f: F) -> R<Option<NRet>>
where
    F: FnOnce(crate::runtime::Ctx) -> Fut + 'static,
    Fut: std::future::Future<Output = R<Term>> + 'static,
{
    Ok(Some(NRet::Await(Box::new(move |ctx| Box::pin(f(ctx))))))
}

fn call_exit(dest: Term, request: Term, timeout: Term) -> Exc {
    Exc::Exit(Term::tuple(vec![
        Term::atom("noproc"),
        Term::tuple(vec![
            Term::Atom(Atom::GEN_SERVER),
            Term::atom("call"),
            Term::list(vec![dest, request, timeout]),
        ]),
    ]))
}

pub fn call(m: &mut Machine, module: &str, name: &str, mut args: Vec<Term>) -> R<Option<NRet>> {
    // `{:via, Registry, {registry, key}}`: the registered pid (or one no process has)
    if matches!(module, "Elixir.GenServer" | "sys") {
        if let Some(pid) = args.first().and_then(|t| via_registry(m, t)) {
            args[0] = Term::Pid(pid);
        }
    }
    let a = |i: usize| args.get(i).cloned().unwrap_or_else(Term::nil);
    let arity = args.len();
    if module == "redfour" {
        return redfour(m, name, args);
    }
    match (module, name, arity) {
        ("Elixir.Process", "whereis", 1) => match &args[0] {
            Term::Atom(n) => value(
                m.ctx
                    .whereis(&atom_name(*n))
                    .map_or_else(Term::nil, Term::Pid),
            ),
            _ => Err(badarg(1, "not an atom")),
        },
        ("Elixir.Process", "exit", 2) => {
            let pid = pid_arg(&args[0], 1)?;
            m.ctx.exit_signal(pid, a(1));
            if pid == m.ctx.pid() {
                // a signal to the shell itself takes effect before it can answer
                return await_op(|ctx| async move {
                    ctx.sleep(0).await;
                    Ok(Term::bool(true))
                });
            }
            value(Term::bool(true))
        }
        ("Elixir.Process", "alive?", 1) => value(Term::bool(m.ctx.alive(pid_arg(&args[0], 1)?))),
        ("Elixir.Process", "sleep", 1) => match args[0] {
            Term::Int(ms) if ms >= 0 => await_op(move |ctx| async move {
                ctx.sleep(ms as u64).await;
                Ok(Term::ok())
            }),
            Term::Atom(a) if a == Atom::INFINITY => await_op(|ctx| async move {
                ctx.sleep(u64::MAX / 4).await;
                Ok(Term::ok())
            }),
            _ => Err(clause("Process", "sleep", 1)),
        },
        ("Elixir.Process", "list", 0) => {
            value(Term::list(m.rt.pids().into_iter().map(Term::Pid).collect()))
        }
        ("Elixir.Process", "registered", 0) => value(Term::list(
            m.rt.registered()
                .into_iter()
                .map(|(n, _)| name_term(&n))
                .collect(),
        )),
        ("Elixir.Process", "register", 2) => {
            let pid = pid_arg(&args[0], 1)?;
            let Term::Atom(n) = &args[1] else {
                return Err(badarg(2, "not an atom"));
            };
            m.ctx
                .register_pid(pid, &atom_name(*n))
                .map_err(|e| match e {
                    crate::runtime::RegisterError::NotAlive => badarg(1, "not an alive process"),
                    crate::runtime::RegisterError::AlreadyNamed => {
                        badarg(1, "the process already has a name")
                    }
                    _ => badarg(2, "this name is already registered to another process"),
                })?;
            value(Term::bool(true))
        }
        ("Elixir.Process", "unregister", 1) => match &args[0] {
            Term::Atom(n) => {
                if m.ctx.unregister(&atom_name(*n)) {
                    value(Term::bool(true))
                } else {
                    Err(badarg(1, "not a registered name"))
                }
            }
            _ => Err(badarg(1, "not an atom")),
        },
        ("Elixir.Process", "flag", 2) => match (&args[0], &args[1]) {
            (Term::Atom(f), v) if &*f.name() == "trap_exit" => {
                let old = m.ctx.trap_exit(v.is_truthy());
                value(Term::bool(old))
            }
            _ => Err(badarg(1, "invalid flag")),
        },
        ("Elixir.Process", "info", 1) => {
            let pid = pid_arg(&args[0], 1)?;
            value(match m.rt.process_info(pid) {
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
        ("Elixir.Process", "monitor", 1) => match resolve(m, &args[0]) {
            Some(pid) => value(Term::Ref(m.ctx.monitor(pid))),
            // a name nobody has: the DOWN comes at once, naming it
            None if matches!(args[0], Term::Atom(_)) => {
                let r = m.ctx.make_ref();
                let me = m.ctx.pid();
                m.ctx.send(
                    me,
                    Term::tuple(vec![
                        Term::Atom(Atom::DOWN),
                        Term::Ref(r),
                        Term::Atom(Atom::PROCESS),
                        Term::tuple(vec![a(0), Term::atom("nonode@nohost")]),
                        Term::Atom(Atom::NOPROC),
                    ]),
                );
                value(Term::Ref(r))
            }
            None => Err(badarg(1, "not a pid")),
        },
        ("Elixir.Process", "info", 2) => {
            let pid = pid_arg(&args[0], 1)?;
            let Some(i) = m.rt.process_info(pid) else {
                return value(Term::nil());
            };
            let one = |k: &Term| -> Option<Term> {
                let key = k.as_atom()?;
                let v = match &*key.name() {
                    "message_queue_len" => Term::Int(i.message_queue_len as i64),
                    "links" => Term::list(i.links.iter().map(|p| Term::Pid(*p)).collect()),
                    "trap_exit" => Term::bool(i.trap_exit),
                    "reductions" => Term::Int(i.reductions as i64),
                    "memory" => Term::Int(i.memory as i64),
                    "status" => Term::atom(&i.status.to_string()),
                    "registered_name" => {
                        i.name.as_ref().map_or(Term::list(vec![]), |n| name_term(n))
                    }
                    _ => return None,
                };
                Some(Term::tuple(vec![Term::Atom(key), v]))
            };
            match &args[1] {
                Term::List(keys) => value(Term::list(keys.iter().filter_map(one).collect())),
                k => one(k)
                    .map(|t| Some(NRet::Value(t)))
                    .ok_or_else(|| badarg(2, "invalid item")),
            }
        }
        ("Elixir.Process", "demonitor", 1 | 2) => match &args[0] {
            Term::Ref(r) => {
                let flush = args
                    .get(1)
                    .and_then(|o| o.as_list())
                    .is_some_and(|l| l.contains(&Term::atom("flush")));
                m.ctx.demonitor(*r, flush);
                value(Term::bool(true))
            }
            _ => Err(badarg(1, "not a reference")),
        },
        ("Elixir.Process", "link", 1) => {
            m.ctx.link(pid_arg(&args[0], 1)?);
            value(Term::bool(true))
        }
        ("Elixir.Process", "unlink", 1) => {
            m.ctx.unlink(pid_arg(&args[0], 1)?);
            value(Term::bool(true))
        }
        ("Elixir.Process", "spawn", 1 | 3) => spawn(m, "spawn", args),
        ("Elixir.Process", "send", 3) => {
            super::kernel::call(m, "send", vec![a(0), a(1)]).map(|_| Some(NRet::Value(Term::ok())))
        }
        ("Elixir.Process", "send_after", 3) => {
            let pid = resolve(m, &args[0]).ok_or_else(|| badarg(1, "not a pid"))?;
            let ms = args[2]
                .as_int()
                .filter(|x| *x >= 0)
                .ok_or_else(|| badarg(3, "not a non-negative integer"))?;
            let timer = m.ctx.send_after(ms as u64, pid, a(1));
            let r = m.ctx.make_ref();
            if let Some(t) = timer {
                m.timers.push((r, t));
                if m.timers.len() > 10_000 {
                    m.timers.remove(0);
                }
            }
            value(Term::Ref(r))
        }
        ("Elixir.Process", "cancel_timer", 1) => {
            let Term::Ref(r) = &args[0] else {
                return Err(badarg(1, "not a reference"));
            };
            match m.timers.iter().position(|(x, _)| x == r) {
                Some(i) => {
                    let (_, t) = m.timers.remove(i);
                    value(
                        m.ctx
                            .cancel_timer(t)
                            .map_or(Term::bool(false), |left| Term::Int(left as i64)),
                    )
                }
                None => value(Term::bool(false)),
            }
        }
        ("Elixir.GenServer", "call", 2 | 3) => {
            let timeout = match args.get(2) {
                None => Some(5000),
                Some(Term::Int(ms)) if *ms >= 0 => Some(*ms as u64),
                Some(t) if t == &Term::Atom(Atom::INFINITY) => None,
                Some(_) => return Err(clause("GenServer", "call", 3)),
            };
            let timeout_term = timeout.map_or(Term::Atom(Atom::INFINITY), |t| Term::Int(t as i64));
            match server(&args[0]) {
                Some(dest) => {
                    let req = a(1);
                    await_op(move |ctx| async move {
                        gen_server::call(&ctx, dest, req, timeout)
                            .await
                            .map_err(Exc::Exit)
                    })
                }
                None => Err(call_exit(a(0), a(1), timeout_term)),
            }
        }
        ("Elixir.GenServer", "cast", 2) => {
            if let Some(dest) = server(&args[0]) {
                gen_server::cast(&m.ctx, dest, a(1));
            }
            value(Term::ok())
        }
        ("sys", "get_state", 1) => {
            let exit = |reason: &str| {
                Exc::Exit(Term::tuple(vec![
                    Term::atom(reason),
                    Term::tuple(vec![
                        Term::atom("sys"),
                        Term::atom("get_state"),
                        Term::list(vec![a(0)]),
                    ]),
                ]))
            };
            let pid = resolve(m, &args[0])
                .filter(|p| m.rt.alive(*p))
                .ok_or_else(|| exit("noproc"))?;
            if let Some(t) = m.rt.state_of(pid) {
                return value(t);
            }
            // Not answering system messages yet (a restarted server still in its `init`,
            // as right after a kill): it answers once it is up, as OTP's does, within
            // `:sys.get_state`'s 5 s.
            let (rt, arg) = (m.rt.clone(), a(0));
            await_op(move |ctx| async move {
                let exit = |reason: &str| {
                    Term::tuple(vec![
                        Term::atom(reason),
                        Term::tuple(vec![
                            Term::atom("sys"),
                            Term::atom("get_state"),
                            Term::list(vec![arg.clone()]),
                        ]),
                    ])
                };
                for _ in 0..5000 {
                    ctx.sleep(1).await;
                    if !rt.alive(pid) {
                        return Err(Exc::Exit(exit("noproc")));
                    }
                    if let Some(t) = rt.state_of(pid) {
                        return Ok(t);
                    }
                }
                Err(Exc::Exit(exit("timeout")))
            })
        }
        (
            "Elixir.Supervisor" | "Elixir.DynamicSupervisor",
            "count_children" | "which_children",
            1,
        ) => {
            let short = module.trim_start_matches("Elixir.");
            let dest = server(&args[0]).ok_or_else(|| clause(short, name, 1))?;
            let count = name == "count_children";
            await_op(move |ctx| async move {
                let r = if count {
                    supervisor::count_children(&ctx, dest).await
                } else {
                    supervisor::which_children(&ctx, dest).await
                };
                r.map_err(Exc::Exit)
            })
        }
        (
            "Elixir.Supervisor",
            "start_child" | "terminate_child" | "restart_child" | "delete_child",
            2,
        ) => {
            let dest = server(&args[0]).ok_or_else(|| clause("Supervisor", name, 2))?;
            let (which, arg) = (name.to_string(), a(1));
            await_op(move |ctx| async move {
                let r = match which.as_str() {
                    "start_child" => supervisor::start_child(&ctx, dest, arg).await,
                    "terminate_child" => supervisor::terminate_child(&ctx, dest, arg).await,
                    "restart_child" => supervisor::restart_child(&ctx, dest, arg).await,
                    _ => supervisor::delete_child(&ctx, dest, arg).await,
                };
                r.map_err(Exc::Exit)
            })
        }
        ("Elixir.Supervisor", "stop", 1 | 2) => {
            let dest = server(&args[0]).ok_or_else(|| clause("Supervisor", name, arity))?;
            let reason = args.get(1).cloned().unwrap_or(Term::Atom(Atom::NORMAL));
            await_op(move |ctx| async move {
                supervisor::stop(&ctx, dest, reason)
                    .await
                    .map(|_| Term::ok())
                    .map_err(Exc::Exit)
            })
        }
        ("Elixir.DynamicSupervisor", "start_link", 1) => {
            let flags = sup_flags(&args[0]).ok_or_else(|| badarg(1, "invalid options"))?;
            let name = args[0]
                .get("name")
                .and_then(|n| n.as_atom())
                .map(|a| atom_name(a).to_string());
            await_op(move |ctx| async move {
                Ok(start_result(
                    supervisor::start_dynamic_link(&ctx, flags, name.as_deref(), 0).await,
                ))
            })
        }
        ("Elixir.DynamicSupervisor", "start_child", 2) => {
            let dest = server(&args[0]).ok_or_else(|| clause("DynamicSupervisor", name, 2))?;
            let spec = a(1);
            await_op(move |ctx| async move {
                supervisor::start_child(&ctx, dest, spec)
                    .await
                    .map_err(Exc::Exit)
            })
        }
        ("Elixir.DynamicSupervisor", "terminate_child", 2) => {
            if args[1].as_pid().is_none() {
                return Err(clause("DynamicSupervisor", "terminate_child", 2));
            }
            let dest = server(&args[0]).ok_or_else(|| clause("DynamicSupervisor", name, 2))?;
            let child = a(1);
            await_op(move |ctx| async move {
                supervisor::terminate_child(&ctx, dest, child)
                    .await
                    .map_err(Exc::Exit)
            })
        }
        ("Elixir.Application", "start" | "stop" | "ensure_all_started" | "ensure_started", 1) => {
            let Some(app) = args[0].as_atom() else {
                return Err(clause("Application", name, 1));
            };
            let start = name != "stop";
            if start {
                m.define_console_application(&app.name());
            }
            if name.starts_with("ensure") {
                let already = m.ctx.application_master(&app.name()).is_some();
                let all = name == "ensure_all_started";
                return await_op(move |ctx| async move {
                    let r = if already {
                        Term::ok()
                    } else {
                        application::start(&ctx, &app.name()).await
                    };
                    Ok(match (r == Term::ok(), all) {
                        (true, true) => Term::ok_tuple(Term::list(if already {
                            vec![]
                        } else {
                            vec![Term::Atom(app)]
                        })),
                        (true, false) => Term::ok(),
                        (false, true) => match r.as_tuple() {
                            Some([_, reason]) => Term::error_tuple(Term::tuple(vec![
                                Term::Atom(app),
                                reason.clone(),
                            ])),
                            _ => r,
                        },
                        (false, false) => r,
                    })
                });
            }
            if start {
                return await_op(move |ctx| async move {
                    Ok(application::start(&ctx, &app.name()).await)
                });
            }
            // a console application's module: its `stop/1` runs once the tree is down
            let callback = m
                .ctx
                .get_env(&app.name(), APP_MODULE)
                .and_then(|t| t.as_atom())
                .filter(|md| {
                    m.modules
                        .borrow()
                        .get(md)
                        .is_some_and(|d| d.funs.contains_key(&(Atom::new("stop"), 1)))
                });
            let op: crate::elixir::machine::AsyncOp = Box::new(move |ctx| {
                Box::pin(async move { Ok(application::stop(&ctx, &app.name()).await) })
            });
            let then = Box::new(move |m: &mut Machine, r: Term| {
                let stopped = r == Term::ok();
                // Logger's line, as iex 1.14 prints it, after the callback
                let notice = move |m: &mut Machine| {
                    if stopped {
                        let line = format!(
                            "\n{} [notice] Application {} exited: :stopped\n",
                            super::super::value::log_stamp(m.ctx.now()),
                            app.name()
                        );
                        m.group.borrow_mut().push_str(&line);
                    }
                };
                match callback {
                    Some(md) if stopped => Ok(NRet::CallThen(
                        super::super::value::Fun::capture(md, Atom::new("stop"), 1),
                        vec![Term::list(vec![])],
                        Box::new(move |m: &mut Machine, _| {
                            notice(m);
                            Ok(NRet::Value(Term::ok()))
                        }),
                    )),
                    _ => {
                        notice(m);
                        Ok(NRet::Value(r))
                    }
                }
            });
            Ok(Some(NRet::AwaitThen(op, then)))
        }
        ("Elixir.Application", "get_env", 2 | 3) | ("Elixir.Application", "fetch_env", 2) => {
            let (Some(app), Some(key)) = (args[0].as_atom(), args[1].as_atom()) else {
                return Err(clause("Application", name, arity));
            };
            let got = m.ctx.get_env(&app.name(), &key.name());
            value(match (name, got) {
                ("fetch_env", Some(v)) => Term::ok_tuple(v),
                ("fetch_env", None) => Term::atom("error"),
                (_, Some(v)) => v,
                (_, None) => args.get(2).cloned().unwrap_or_else(Term::nil),
            })
        }
        ("Elixir.Application", "fetch_env!", 2) => {
            let (Some(app), Some(key)) = (args[0].as_atom(), args[1].as_atom()) else {
                return Err(clause("Application", name, arity));
            };
            match m.ctx.get_env(&app.name(), &key.name()) {
                Some(v) => value(v),
                None => Err(super::super::value::argument_error(format!(
                    "could not fetch application environment {} for application {} because {}",
                    Term::Atom(key),
                    Term::Atom(app),
                    if m.ctx.application_spec(&app.name()).is_some() {
                        format!("configuration at {} was not set", Term::Atom(key))
                    } else {
                        "the application was not loaded nor configured".to_string()
                    }
                ))),
            }
        }
        ("application", "load", 1) => {
            // `{:application, :kv, [mod: {KV.Application, []}, …]}`: the .app a Mix
            // project would write
            let Some([tag, Term::Atom(app), keys]) = args[0].as_tuple() else {
                return Err(clause("application", name, 1));
            };
            if tag != &Term::atom("application") || keys.as_list().is_none() {
                return Err(clause("application", name, 1));
            }
            if m.ctx.application_spec(&app.name()).is_some() {
                return value(Term::error_tuple(Term::tuple(vec![
                    Term::atom("already_loaded"),
                    Term::Atom(*app),
                ])));
            }
            if let Some([Term::Atom(module), a]) = keys.get("mod").and_then(|t| t.as_tuple()) {
                m.load_application(&app.name(), *module, a.clone());
            }
            value(Term::ok())
        }
        ("Elixir.Application", "put_env", 3) => {
            let (Some(app), Some(key)) = (args[0].as_atom(), args[1].as_atom()) else {
                return Err(clause("Application", name, arity));
            };
            m.ctx.put_env(&app.name(), &key.name(), args[2].clone());
            value(Term::ok())
        }
        ("Elixir.Application", "started_applications", 0) => value(Term::list(
            m.rt.applications()
                .into_iter()
                .map(|(n, _)| Term::tuple(vec![Term::atom(&n), Term::str(""), Term::str("")]))
                .collect(),
        )),
        ("observer", "start", 0) => {
            m.observer_requested = true;
            value(Term::ok())
        }
        _ => Ok(None),
    }
}
