//! The `shopping` application: its tree, `start_session`, the persistence policy and the
//! figures.
//!
//! ```text
//! shopping (application)
//! └── Redfour.Shopping.Supervisor (one_for_one)
//!     ├── Redfour.Catalog
//!     ├── Redfour.Sales
//!     ├── Redfour.SessionStore
//!     └── Redfour.SessionSupervisor (DynamicSupervisor)
//!         └── Redfour.Shopping.Session, one per customer, registered under its key
//! ```

use std::rc::Rc;

use crate::runtime::gen_server::{self, StartOpts};
use crate::runtime::registry::atom_name;
use crate::runtime::supervisor::{self, ChildSpec, Restart, SupFlags};
use crate::runtime::{application, Atom, Ctx, Module, Runtime, RuntimeError, StartResult, Term};

use super::catalog::{self, Catalog};
use super::sales::{self, Figures, Sales};
use super::session::{self, Session};
use super::session_store::{self, SessionStore, SharedBackend};

pub const APP: &str = "shopping";
pub const ROOT: &str = "Redfour.Shopping.Supervisor";
pub const SESSION_SUPERVISOR: &str = "Redfour.SessionSupervisor";

/// How a session's data survives its process.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Persistence {
    /// OTP's default: a restarted session starts empty.
    None,
    /// Each acknowledged change is saved before the reply; a restarted session reloads it.
    Snapshot,
}

impl Persistence {
    pub fn to_term(self) -> Term {
        Term::atom(match self {
            Persistence::None => "none",
            Persistence::Snapshot => "snapshot",
        })
    }
    pub fn from_term(t: &Term) -> Option<Self> {
        match &*t.as_atom()?.name() {
            "none" => Some(Persistence::None),
            "snapshot" => Some(Persistence::Snapshot),
            _ => None,
        }
    }
}

/// The policy in force (`Application.get_env(:shopping, :persistence)`).
pub fn persistence(ctx: &Ctx) -> Persistence {
    ctx.get_env(APP, "persistence")
        .and_then(|t| Persistence::from_term(&t))
        .unwrap_or(Persistence::None)
}

/// Switches the policy at run time.
pub fn set_persistence(rt: &Runtime, policy: Persistence) {
    rt.put_env(APP, "persistence", policy.to_term());
}

/// How the store is set up.
#[derive(Clone)]
pub struct StoreConfig {
    /// Where snapshots go: memory natively, localStorage in the browser.
    pub backend: SharedBackend,
    pub persistence: Persistence,
    /// Virtual ms of inactivity after which a session stops itself normally.
    pub idle_ms: u64,
}

impl StoreConfig {
    pub fn in_memory() -> Self {
        StoreConfig {
            backend: Rc::new(std::cell::RefCell::new(
                session_store::MemoryBackend::default(),
            )),
            persistence: Persistence::None,
            idle_ms: 10 * 60 * 1000,
        }
    }
}

fn server<G: crate::runtime::GenServer>(name: &'static str, make: fn() -> G) -> Module {
    Module::worker(move |ctx: Ctx, _args: Term, restarts| async move {
        gen_server::start(
            &ctx,
            make(),
            StartOpts {
                name: Some(Rc::from(name)),
                link: true,
                restarts,
                supervisor: false,
            },
        )
        .await
    })
}

/// Loads the store's modules and declares the application into `rt`.
pub fn install(rt: &Runtime, config: StoreConfig) {
    set_persistence(rt, config.persistence);
    rt.put_env(APP, "idle_ms", Term::Int(config.idle_ms as i64));
    rt.define_module(catalog::NAME, server(catalog::NAME, Catalog::default));
    rt.define_module(sales::NAME, server(sales::NAME, Sales::default));
    let backend = config.backend.clone();
    rt.define_module(
        session_store::NAME,
        Module::worker(move |ctx: Ctx, _args: Term, restarts| {
            let store = SessionStore::new(backend.clone());
            async move {
                let opts = StartOpts {
                    name: Some(Rc::from(session_store::NAME)),
                    link: true,
                    restarts,
                    supervisor: false,
                };
                gen_server::start(&ctx, store, opts).await
            }
        }),
    );
    rt.define_module(
        SESSION_SUPERVISOR,
        Module::supervisor(|ctx: Ctx, _args: Term, restarts| async move {
            supervisor::start_dynamic_link(
                &ctx,
                SupFlags::default(),
                Some(SESSION_SUPERVISOR),
                restarts,
            )
            .await
        }),
    );
    rt.define_module(
        session::MODULE,
        Module::worker(|ctx: Ctx, args: Term, restarts| async move {
            let key = args.get("key").cloned().unwrap_or_else(Term::nil);
            let idle = ctx
                .get_env(APP, "idle_ms")
                .and_then(|t| t.as_int())
                .unwrap_or(600_000) as u64;
            let (Some(atom), Some(session)) = (key.as_atom(), Session::new(&key, restarts, idle))
            else {
                return StartResult::Error(Term::tuple(vec![Term::atom("badarg"), key]));
            };
            let opts = StartOpts {
                name: Some(atom_name(atom)),
                link: true,
                restarts,
                supervisor: false,
            };
            gen_server::start(&ctx, session, opts).await
        })
        .restart(Restart::Transient),
    );
    rt.define_module(
        ROOT,
        Module::supervisor(|ctx: Ctx, _args: Term, restarts| async move {
            let children = vec![
                ChildSpec::worker(catalog::NAME, catalog::NAME, Term::nil()),
                ChildSpec::worker(sales::NAME, sales::NAME, Term::nil()),
                ChildSpec::worker(session_store::NAME, session_store::NAME, Term::nil()),
                ChildSpec::supervisor(SESSION_SUPERVISOR, SESSION_SUPERVISOR, Term::nil()),
            ];
            let started = supervisor::start_link_restarted(
                &ctx,
                SupFlags::default(),
                children,
                Some(ROOT),
                restarts,
            )
            .await;
            if started.pid().is_some() {
                restore_sessions(&ctx).await;
            }
            started
        }),
    );
    rt.define_application(
        APP,
        Term::tuple(vec![Term::Atom(Atom::module(ROOT)), Term::nil()]),
    );
}

/// Under `snapshot`, starts a session for every snapshot in the store: after a page reload,
/// the open carts come back.
async fn restore_sessions(ctx: &Ctx) {
    if persistence(ctx) != Persistence::Snapshot {
        return;
    }
    let Ok(keys) = gen_server::call(ctx, session_store::NAME, Term::atom("keys"), Some(5000)).await
    else {
        return;
    };
    for key in keys.as_list().unwrap_or(&[]) {
        if let Some(name) = key
            .as_str()
            .and_then(|k| k.strip_prefix("redfour.session."))
        {
            let _ = start_session(ctx, &Term::atom(name)).await;
        }
    }
}

/// Starts the application from the host. `Ok(:ok)` or the error term.
pub fn boot(rt: &Runtime) -> Result<Term, RuntimeError> {
    rt.block_on(|ctx: Ctx| async move { application::start(&ctx, APP).await })
}

/// What `start_session` raises, as the console prints it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Raise {
    /// `** (RuntimeError) …`
    Runtime(String),
    /// `** (FunctionClauseError) …`
    FunctionClause(String),
    /// `** (exit) …`: the call to the SessionSupervisor exited (it is not running: the
    /// application is down), as `DynamicSupervisor.start_child` exits its caller in Elixir.
    Exit(Term),
}

/// The seed's `Redfour.Shopping.start_session(key: key)`: `{:ok, pid}`,
/// `{:error, {:already_started, pid}}`, or, for a string key, the seed's raise.
pub async fn start_session(ctx: &Ctx, key: &Term) -> Result<Term, Raise> {
    match key {
        Term::Str(_) => Err(Raise::Runtime("Please use an atom key".into())),
        Term::Atom(_) => {
            let spec = Term::tuple(vec![
                Term::Atom(Atom::module(session::MODULE)),
                Term::atom_map(&[("key", key.clone())]),
            ]);
            supervisor::start_child(ctx, SESSION_SUPERVISOR, spec)
                .await
                .map_err(Raise::Exit)
        }
        _ => Err(Raise::FunctionClause(
            "no function clause matching in Redfour.Shopping.start_session/1".into(),
        )),
    }
}

/// The store's figures, read from the Sales server's state (no message is sent: the
/// observer calls this every frame), plus the live sessions.
pub fn figures(rt: &Runtime) -> Figures {
    rt.whereis(sales::NAME)
        .and_then(|pid| rt.digest_of(pid))
        .and_then(|figures| Figures::from_digest(&figures))
        .unwrap_or_default()
}

/// Live sessions: the SessionSupervisor's running children (read from its state, without
/// a message).
pub fn live_sessions(rt: &Runtime) -> usize {
    rt.whereis(SESSION_SUPERVISOR)
        .and_then(|pid| rt.state_of(pid))
        .and_then(|state| {
            state
                .get("children")
                .and_then(|c| c.as_list())
                .map(|children| {
                    children
                        .iter()
                        .filter(|c| {
                            c.as_tuple()
                                .is_some_and(|t| matches!(t.get(1), Some(Term::Pid(_))))
                        })
                        .count()
                })
        })
        .unwrap_or(0)
}
