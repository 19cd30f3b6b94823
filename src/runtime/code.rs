//! The code table: which modules exist and how to start them, like the BEAM's loaded
//! modules.
//!
//! A child spec names its start as `{Module, :start_link, [args]}`, an ordinary term, so it
//! can travel in a message (`DynamicSupervisor.start_child`) or be typed in the console. The
//! runtime resolves `Module` here to the Rust function that starts it, and to the defaults
//! of its `child_spec/1` (`use GenServer, restart: :transient`, for instance).

use crate::sorted_map::SortedMap;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use super::context::Ctx;
use super::gen_server::StartResult;
use super::supervisor::{ChildType, Restart, Shutdown};
use super::term::Term;

/// How a module starts a process: called inside the parent (a supervisor), it must link the
/// new process to the caller (`start_link`). `restarts` is how many times this child has
/// been restarted so far, for the observer.
pub type StartFn = Rc<dyn Fn(Ctx, Term, u32) -> Pin<Box<dyn Future<Output = StartResult>>>>;

/// A module: its start function and the defaults of its child spec.
#[derive(Clone)]
pub struct Module {
    pub start: StartFn,
    pub restart: Restart,
    pub shutdown: Shutdown,
    pub kind: ChildType,
}

impl Module {
    /// A worker module (permanent, 5000 ms shutdown, like `use GenServer`).
    pub fn worker<F, Fut>(start: F) -> Self
    where
        F: Fn(Ctx, Term, u32) -> Fut + 'static,
        Fut: Future<Output = StartResult> + 'static,
    {
        Module {
            start: Rc::new(move |ctx, args, restarts| Box::pin(start(ctx, args, restarts))),
            restart: Restart::Permanent,
            shutdown: Shutdown::Timeout(5000),
            kind: ChildType::Worker,
        }
    }

    /// A supervisor module (permanent, shutdown infinity, like `use Supervisor`).
    pub fn supervisor<F, Fut>(start: F) -> Self
    where
        F: Fn(Ctx, Term, u32) -> Fut + 'static,
        Fut: Future<Output = StartResult> + 'static,
    {
        Module {
            shutdown: Shutdown::Infinity,
            kind: ChildType::Supervisor,
            ..Module::worker(start)
        }
    }

    pub fn restart(mut self, restart: Restart) -> Self {
        self.restart = restart;
        self
    }
}

#[derive(Clone, Default)]
pub(crate) struct Code {
    modules: SortedMap<Rc<str>, Module>,
    applications: SortedMap<Rc<str>, Term>,
}

impl Code {
    pub fn define(&mut self, name: &str, module: Module) {
        self.modules.insert(Rc::from(name), module);
    }

    pub fn lookup(&self, name: &str) -> Option<Module> {
        self.modules.get(name).cloned()
    }

    pub fn define_application(&mut self, name: &str, root: Term) {
        self.applications.insert(Rc::from(name), root);
    }

    pub fn application(&self, name: &str) -> Option<Term> {
        self.applications.get(name).cloned()
    }
}
