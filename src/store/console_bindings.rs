//! The store's modules in the console: `Redfour.Shopping.start_session/1`, the seed's
//! `Redfour.Shopping.Session` (its struct, `start_link/1` and the cart's calls), registered
//! into the console's table of native functions by [`register`]. The interpreter knows
//! nothing of the store; the host calls this where it builds the console.

use crate::elixir::machine::{Machine, NRet};
use crate::elixir::natives::{await_op, Doc, Natives, Table};
use crate::elixir::value::{exception, fn_clause_error, function_clause, runtime_error, Exc, R};
use crate::runtime::gen_server::{self, Server};
use crate::runtime::registry::atom_name;
use crate::runtime::{Atom, StartResult, Term};

use super::session;
use super::shopping::{self, Raise};

const SHOPPING: Table = &[("start_session", 1, false)];
const SESSION: Table = &[
    ("start_link", 1, false),
    ("select_item", 3, false),
    ("remove_item", 2, false),
    ("change_item", 3, false),
    ("apply_discount", 2, false),
    ("checkout", 1, false),
];

/// What `h` offers to try: the store's functions and the runtime's, on the store.
#[rustfmt::skip]
const TOUR: &[Doc] = &[
    Doc { module: "Redfour.Shopping", name: "start_session", doc: "Starts a customer's Session under Redfour.SessionSupervisor, registered under its key (an atom).", example: "Redfour.Shopping.start_session key: :my_key" },
    Doc { module: "Redfour.Shopping.Session", name: "start_link", doc: "The post's Task Three: a Session linked to the shell, under no supervisor (kill it and the shell goes too; nothing restarts it).", example: "{:ok, pid} = Redfour.Shopping.Session.start_link %{key: :my_session}" },
    Doc { module: "Redfour.Shopping.Session", name: "select_item", doc: "Puts a quantity of a product (a SKU) in the session's cart; the price comes from the Catalog.", example: "Redfour.Shopping.Session.select_item :my_key, \"R4-HELMET\", 2" },
    Doc { module: "Redfour.Shopping.Session", name: "remove_item", doc: "Takes a product out of the cart.", example: "Redfour.Shopping.Session.remove_item :my_key, \"R4-HELMET\"" },
    Doc { module: "Redfour.Shopping.Session", name: "change_item", doc: "Sets a product's quantity (0 removes it).", example: "Redfour.Shopping.Session.change_item :my_key, \"R4-HELMET\", 1" },
    Doc { module: "Redfour.Shopping.Session", name: "apply_discount", doc: "Applies a discount code: LAUNCH10, ORBIT20 or CREW5.", example: "Redfour.Shopping.Session.apply_discount :my_key, \"LAUNCH10\"" },
    Doc { module: "Redfour.Shopping.Session", name: "checkout", doc: "Records the sale with Redfour.Sales; the session then ends normally (not restarted).", example: "Redfour.Shopping.Session.checkout :my_key" },
    Doc { module: "Process", name: "whereis", doc: "The pid registered under a name, or nil.", example: "Process.whereis :my_key" },
    Doc { module: "Process", name: "exit", doc: "Sends an exit signal: :kill cannot be trapped; :normal is ignored by a process that does not trap exits.", example: "Process.exit pid, :kill" },
    Doc { module: "Process", name: "alive?", doc: "Whether the process is alive.", example: "Process.alive? pid" },
    Doc { module: "Process", name: "sleep", doc: "Waits this many virtual milliseconds (the store keeps running).", example: "Process.sleep 1000" },
    Doc { module: "Process", name: "info", doc: "What the runtime knows of a process, or nil when it is dead.", example: "Process.info pid" },
    Doc { module: "Process", name: "monitor", doc: "Monitors a process: a {:DOWN, ref, :process, pid, reason} message comes when it exits (see flush).", example: "Process.monitor pid" },
    Doc { module: "Supervisor", name: "which_children", doc: "[{id, pid, type, modules}] of a supervisor.", example: "Supervisor.which_children Redfour.Shopping.Supervisor" },
    Doc { module: "DynamicSupervisor", name: "count_children", doc: "%{active, specs, supervisors, workers} of a DynamicSupervisor.", example: "DynamicSupervisor.count_children Redfour.SessionSupervisor" },
    Doc { module: "GenServer", name: "call", doc: "Sends a request and waits for the reply (default timeout 5000 virtual ms).", example: "GenServer.call :my_key, :get" },
    Doc { module: ":sys", name: "get_state", doc: "A GenServer's state: a session prints as its %Redfour.Shopping.Session{} struct.", example: ":sys.get_state :my_key" },
    Doc { module: "Application", name: "stop", doc: "Stops an application and its whole supervision tree.", example: "Application.stop :shopping" },
    Doc { module: ":observer", name: "start", doc: "Brings the observer (the tree and the process table) into view.", example: ":observer.start" },
];

/// Adds the store's modules to a console's table (before its first line).
pub fn register(natives: &mut Natives) {
    natives.add_tour("Try the Red:4 store:", TOUR);
    natives.add_module("Elixir.Redfour.Shopping", SHOPPING, shopping_fun, true);
    natives.add_module(
        "Elixir.Redfour.Shopping.Session",
        SESSION,
        session_fun,
        true,
    );
    // the seed's struct, field for field
    natives.add_struct(
        "Elixir.Redfour.Shopping.Session",
        vec![
            ("domain", Term::nil()),
            ("id", Term::nil()),
            ("key", Term::nil()),
            ("landing", Term::str("/")),
            ("ip", Term::str("127.0.0.1")),
            ("member_id", Term::nil()),
            ("items", Term::list(vec![])),
            ("logs", Term::list(vec![])),
            ("discounts", Term::list(vec![])),
        ],
    );
}

/// `Redfour.Shopping.start_session(key: key)`.
fn shopping_fun(_m: &mut Machine, _module: Atom, _name: Atom, args: Vec<Term>) -> R<Option<NRet>> {
    let key = match &args[0] {
        Term::List(kw) if kw.len() == 1 => args[0].get("key").cloned(),
        _ => None,
    };
    let Some(key) = key else {
        return Err(function_clause(
            Atom::module("Redfour.Shopping"),
            "start_session",
            1,
        ));
    };
    await_op(move |ctx| async move {
        match shopping::start_session(&ctx, &key).await {
            Ok(t) => Ok(t),
            Err(Raise::Runtime(msg)) => Err(runtime_error(msg)),
            Err(Raise::FunctionClause(msg)) => Err(exception(
                "FunctionClauseError",
                vec![("message", Term::str(&msg))],
            )),
            Err(Raise::Exit(reason)) => Err(Exc::Exit(reason)),
        }
    })
}

/// The Session's functions: `start_link/1` starts a real session of the store, linked to
/// the caller and registered under its key (on the floor with the others, though no
/// supervisor restarts it); the rest are `GenServer.call`s to the session by key or pid.
fn session_fun(_m: &mut Machine, _module: Atom, name: Atom, args: Vec<Term>) -> R<Option<NRet>> {
    let a = |i: usize| args.get(i).cloned().unwrap_or_else(Term::nil);
    let request = match (&*name.name(), args.len()) {
        ("start_link", 1) => return start_link(&args),
        (n @ ("select_item" | "change_item"), 3) => Term::tuple(vec![Term::atom(n), a(1), a(2)]),
        (n @ ("remove_item" | "apply_discount"), 2) => Term::tuple(vec![Term::atom(n), a(1)]),
        ("checkout", 1) => Term::atom("checkout"),
        _ => return Ok(None),
    };
    let key = a(0);
    let dest = match &key {
        Term::Pid(p) => Server::Pid(*p),
        Term::Atom(k) if !key.is_nil() => Server::Name(atom_name(*k)),
        _ => return Err(call_exit(key, request)),
    };
    await_op(move |ctx| async move {
        gen_server::call(&ctx, dest, request, Some(5000))
            .await
            .map_err(Exc::Exit)
    })
}

/// The seed's `start_link(%{key: key} = args)`: `GenServer.start_link(__MODULE__, args,
/// name: key)`, with Elixir's answers: `{:ok, pid}`, `{:error, {:already_started, pid}}`,
/// a FunctionClauseError without a `:key`, an ArgumentError for a key that is no name.
fn start_link(args: &[Term]) -> R<Option<NRet>> {
    let key = match &args[0] {
        Term::Map(_) => args[0].get("key").cloned(),
        _ => None,
    };
    let Some(key) = key else {
        return Err(fn_clause_error("Redfour.Shopping.Session.start_link", args));
    };
    if key.as_atom().is_none() {
        return Err(crate::elixir::value::argument_error(format!(
            "expected :name option to be one of the following:\n\n  * nil\n  * atom\n  * {{:global, term}}\n  * {{:via, module, term}}\n\nGot: {}",
            crate::elixir::inspect::inspect(&key)
        )));
    }
    let init = args[0].clone();
    await_op(move |ctx| async move {
        let Some(module) = ctx.module(session::MODULE) else {
            return Err(runtime_error("the store is not installed"));
        };
        Ok(match (module.start)(ctx.clone(), init, 0).await {
            StartResult::Ok(pid) => Term::ok_tuple(Term::Pid(pid)),
            StartResult::Ignore => Term::atom("ignore"),
            StartResult::Error(e) => Term::error_tuple(e),
        })
    })
}

/// `GenServer.call` to something that is no process: the caller exits, as in Elixir.
fn call_exit(dest: Term, request: Term) -> Exc {
    Exc::Exit(Term::tuple(vec![
        Term::atom("noproc"),
        Term::tuple(vec![
            Term::Atom(Atom::GEN_SERVER),
            Term::atom("call"),
            Term::list(vec![dest, request, Term::Int(5000)]),
        ]),
    ]))
}
