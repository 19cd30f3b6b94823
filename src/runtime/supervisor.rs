//! Supervisor: a process that starts children, watches them, and restarts them by its
//! strategy, as in Elixir's `Supervisor` (and, with `dynamic`, `DynamicSupervisor`).
//!
//! - Strategies: `one_for_one`, `one_for_all`, `rest_for_one`.
//! - Restart types: `permanent` (always), `transient` (only after an abnormal exit),
//!   `temporary` (never).
//! - Intensity: more than `max_restarts` restarts within `max_seconds` makes the supervisor
//!   give up: it stops its children in reverse order and exits with `:shutdown`, which its
//!   own supervisor sees as a child exit: escalation up the tree.
//! - Shutdown: `brutal_kill`, or send `:shutdown` and `:kill` after a timeout (5000 ms for
//!   workers), or wait forever (`infinity`, the default for supervisors).
//!
//! A supervisor is a GenServer that traps exits; its API functions are calls to it.

use std::collections::VecDeque;
use std::fmt;
use std::rc::Rc;

use super::context::Ctx;
use super::gen_server::{
    self, CallReply, Flow, From, GenServer, Init, Server, StartOpts, StartResult,
};
use super::pid::Pid;
use super::registry::{atom_name, name_term};
use super::scheduler::is_down_for;
use super::signal;
use super::term::{Atom, Term};
use super::trace::Event;

/// When a child is restarted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Restart {
    Permanent,
    Transient,
    Temporary,
}

/// How a child is stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shutdown {
    BrutalKill,
    /// Send `:shutdown`, then `:kill` after this many ms.
    Timeout(u64),
    Infinity,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChildType {
    Worker,
    Supervisor,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Strategy {
    OneForOne,
    OneForAll,
    RestForOne,
}

impl Restart {
    fn to_term(self) -> Term {
        Term::atom(match self {
            Restart::Permanent => "permanent",
            Restart::Transient => "transient",
            Restart::Temporary => "temporary",
        })
    }
    pub fn from_term(t: &Term) -> Option<Self> {
        match &*t.as_atom()?.name() {
            "permanent" => Some(Restart::Permanent),
            "transient" => Some(Restart::Transient),
            "temporary" => Some(Restart::Temporary),
            _ => None,
        }
    }
    /// Whether a child that exited with `reason` is restarted.
    pub fn restarts_after(self, reason: &Term) -> bool {
        match self {
            Restart::Permanent => true,
            Restart::Transient => !signal::is_clean(reason),
            Restart::Temporary => false,
        }
    }
}

impl Shutdown {
    fn to_term(self) -> Term {
        match self {
            Shutdown::BrutalKill => Term::atom("brutal_kill"),
            Shutdown::Timeout(ms) => Term::Int(ms as i64),
            Shutdown::Infinity => Term::Atom(Atom::INFINITY),
        }
    }
    pub fn from_term(t: &Term) -> Option<Self> {
        match t {
            Term::Int(ms) if *ms >= 0 => Some(Shutdown::Timeout(*ms as u64)),
            Term::Atom(a) if &*a.name() == "brutal_kill" => Some(Shutdown::BrutalKill),
            Term::Atom(a) if *a == Atom::INFINITY => Some(Shutdown::Infinity),
            _ => None,
        }
    }
}

impl ChildType {
    fn to_term(self) -> Term {
        Term::atom(match self {
            ChildType::Worker => "worker",
            ChildType::Supervisor => "supervisor",
        })
    }
}

/// The tag of a child's start arguments when its spec's start is not `start_link` with one
/// argument: `{APPLY, fun, [args]}`, which the module's start function applies (the console's
/// modules do; see `elixir/machine/modules.rs`).
pub const APPLY: &str = "$redfour_apply";

/// A child spec: `%{id: …, start: {Module, :start_link, [args]}, restart: …, shutdown: …,
/// type: …}`.
#[derive(Clone, Debug, PartialEq)]
pub struct ChildSpec {
    pub id: Term,
    pub module: Rc<str>,
    pub args: Term,
    pub restart: Restart,
    pub shutdown: Shutdown,
    pub kind: ChildType,
}

impl ChildSpec {
    /// A worker: permanent, 5000 ms shutdown.
    pub fn worker(id: &str, module: &str, args: Term) -> Self {
        ChildSpec {
            id: name_term(id),
            module: Rc::from(module),
            args,
            restart: Restart::Permanent,
            shutdown: Shutdown::Timeout(5000),
            kind: ChildType::Worker,
        }
    }

    /// A supervisor child: permanent, shutdown infinity.
    pub fn supervisor(id: &str, module: &str, args: Term) -> Self {
        ChildSpec {
            shutdown: Shutdown::Infinity,
            kind: ChildType::Supervisor,
            ..ChildSpec::worker(id, module, args)
        }
    }

    pub fn restart(mut self, restart: Restart) -> Self {
        self.restart = restart;
        self
    }

    pub fn shutdown(mut self, shutdown: Shutdown) -> Self {
        self.shutdown = shutdown;
        self
    }

    /// The spec as a map, as `Supervisor.child_spec/2` returns it.
    pub fn to_term(&self) -> Term {
        Term::atom_map(&[
            ("id", self.id.clone()),
            ("start", self.start_mfa()),
            ("restart", self.restart.to_term()),
            ("shutdown", self.shutdown.to_term()),
            ("type", self.kind.to_term()),
        ])
    }

    /// The `{Module, :fun, [args]}` the spec starts with.
    pub fn start_mfa(&self) -> Term {
        let (f, args) = match self.args.as_tuple() {
            Some([Term::Atom(tag), f @ Term::Atom(_), args @ Term::List(_)])
                if &*tag.name() == APPLY =>
            {
                (f.clone(), args.clone())
            }
            _ => (
                Term::atom("start_link"),
                Term::list(vec![self.args.clone()]),
            ),
        };
        Term::tuple(vec![module_term(&self.module), f, args])
    }

    /// Reads a spec the way Elixir accepts one: a map with `:id` and `:start`, a
    /// `{Module, arg}` tuple, or a bare `Module` (argument `[]`). Defaults come from the
    /// module's definition in the code table (`module_defaults`).
    pub fn from_term(
        term: &Term,
        module_defaults: impl Fn(&str) -> Option<(Restart, Shutdown, ChildType)>,
    ) -> Result<Self, Term> {
        let invalid = || Term::tuple(vec![Term::atom("invalid_child_spec"), term.clone()]);
        let (module, args, overrides) = match term {
            Term::Atom(a) => (atom_name(*a), Term::list(vec![]), None),
            Term::Tuple(items) if items.len() == 2 => match &items[0] {
                Term::Atom(a) => (atom_name(*a), items[1].clone(), None),
                _ => return Err(invalid()),
            },
            Term::Map(_) => {
                let start = term.get("start").ok_or_else(invalid)?;
                match start.as_tuple() {
                    Some([Term::Atom(m), Term::Atom(f), Term::List(args)]) => {
                        let args = if args.len() == 1 && &*f.name() == "start_link" {
                            args[0].clone()
                        } else {
                            // another function or arity: the module's start applies it
                            Term::tuple(vec![
                                Term::atom(APPLY),
                                Term::Atom(*f),
                                Term::List(args.clone()),
                            ])
                        };
                        (atom_name(*m), args, Some(term))
                    }
                    _ => return Err(invalid()),
                }
            }
            _ => return Err(invalid()),
        };
        let (restart, shutdown, kind) = module_defaults(&module)
            .ok_or_else(|| Term::tuple(vec![Term::atom("undef"), module_term(&module)]))?;
        let mut spec = ChildSpec {
            id: module_term(&module),
            module,
            args,
            restart,
            shutdown,
            kind,
        };
        if let Some(map) = overrides {
            if let Some(id) = map.get("id") {
                spec.id = id.clone();
            }
            if let Some(r) = map.get("restart") {
                spec.restart = Restart::from_term(r).ok_or_else(invalid)?;
            }
            if let Some(s) = map.get("shutdown") {
                spec.shutdown = Shutdown::from_term(s).ok_or_else(invalid)?;
            }
            if let Some(t) = map.get("type") {
                spec.kind = match t.as_atom().map(|a| a.name()).as_deref() {
                    Some("worker") => ChildType::Worker,
                    Some("supervisor") => ChildType::Supervisor,
                    _ => return Err(invalid()),
                };
            }
        }
        Ok(spec)
    }
}

fn module_term(module: &str) -> Term {
    Term::Atom(Atom::module(module))
}

/// Supervisor flags.
#[derive(Clone, Debug, PartialEq)]
pub struct SupFlags {
    pub strategy: Strategy,
    /// Elixir's default: 3 restarts…
    pub max_restarts: u32,
    /// …within 5 seconds.
    pub max_seconds: u64,
    /// DynamicSupervisor only: `None` is infinity.
    pub max_children: Option<usize>,
}

impl Default for SupFlags {
    fn default() -> Self {
        SupFlags {
            strategy: Strategy::OneForOne,
            max_restarts: 3,
            max_seconds: 5,
            max_children: None,
        }
    }
}

impl SupFlags {
    pub fn strategy(strategy: Strategy) -> Self {
        SupFlags {
            strategy,
            ..SupFlags::default()
        }
    }
    pub fn intensity(mut self, max_restarts: u32, max_seconds: u64) -> Self {
        self.max_restarts = max_restarts;
        self.max_seconds = max_seconds;
        self
    }
}

struct Child {
    spec: ChildSpec,
    pid: Option<Pid>,
    restarts: u32,
}

/// The state shared by `Supervisor` and `DynamicSupervisor`.
struct Core {
    flags: SupFlags,
    /// In start order. A deque: a DynamicSupervisor's children mostly leave oldest first
    /// (shoppers go home in the order they came), and a removal near the front moves only
    /// the few before it.
    children: VecDeque<Child>,
    restart_log: VecDeque<u64>,
    dynamic: bool,
    name: Option<Rc<str>>,
}

/// Why a restart loop stopped: the supervisor gives up.
struct GiveUp;

impl Core {
    fn module_defaults(ctx: &Ctx) -> impl Fn(&str) -> Option<(Restart, Shutdown, ChildType)> + '_ {
        move |m| ctx.module(m).map(|d| (d.restart, d.shutdown, d.kind))
    }

    /// Starts `children[i]` linked to the supervisor.
    async fn start_child_at(&mut self, ctx: &Ctx, i: usize) -> StartResult {
        let Some(child) = self.children.get(i) else {
            return StartResult::Error(Term::Atom(Atom::NOT_FOUND));
        };
        let Some(module) = ctx.module(&child.spec.module) else {
            return StartResult::Error(Term::tuple(vec![
                Term::atom("undef"),
                module_term(&child.spec.module),
            ]));
        };
        let result = (module.start)(ctx.clone(), child.spec.args.clone(), child.restarts).await;
        if let (StartResult::Ok(pid), Some(child)) = (&result, self.children.get_mut(i)) {
            child.pid = Some(*pid);
        }
        result
    }

    /// Stops one child by its shutdown spec and waits until it is gone.
    async fn shutdown_child(ctx: &Ctx, pid: Pid, shutdown: Shutdown) -> Term {
        let mref = ctx.monitor(pid);
        ctx.unlink(pid);
        let first = match shutdown {
            Shutdown::BrutalKill => signal::kill(),
            _ => signal::shutdown(),
        };
        ctx.exit_signal(pid, first);
        let timeout = match shutdown {
            Shutdown::Timeout(ms) => Some(ms),
            _ => None,
        };
        let mut down = ctx.receive_match(|m| is_down_for(m, mref), timeout).await;
        if down.is_none() {
            ctx.exit_signal(pid, signal::kill());
            down = ctx.receive_match(|m| is_down_for(m, mref), None).await;
        }
        // An {:EXIT, pid, _} that came before the unlink is no longer news.
        while ctx
            .receive_match(|m| is_exit_from(m, pid), Some(0))
            .await
            .is_some()
        {}
        down.and_then(|d| d.as_tuple().and_then(|t| t.get(4).cloned()))
            .unwrap_or_else(signal::shutdown)
    }

    /// Stops all children, last started first.
    async fn stop_all(&mut self, ctx: &Ctx) {
        for i in (0..self.children.len()).rev() {
            if let Some(pid) = self.children[i].pid.take() {
                Self::shutdown_child(ctx, pid, self.children[i].spec.shutdown).await;
            }
        }
    }

    /// Records a restart; `Err(GiveUp)` past the intensity.
    fn add_restart(&mut self, ctx: &Ctx) -> Result<(), GiveUp> {
        let now = ctx.now();
        let period = self.flags.max_seconds.saturating_mul(1000);
        self.restart_log.push_back(now);
        while self
            .restart_log
            .front()
            .is_some_and(|t| now.saturating_sub(*t) > period)
        {
            self.restart_log.pop_front();
        }
        if self.restart_log.len() as u32 > self.flags.max_restarts {
            ctx.emit(Event::GiveUp {
                supervisor: ctx.pid(),
                restarts: self.flags.max_restarts,
                within_ms: period,
            });
            Err(GiveUp)
        } else {
            Ok(())
        }
    }

    /// A child exited: apply the restart type and the strategy.
    async fn child_exited(&mut self, ctx: &Ctx, pid: Pid, reason: Term) -> Result<(), GiveUp> {
        let Some(i) = self.children.iter().position(|c| c.pid == Some(pid)) else {
            return Ok(()); // not a child (any more)
        };
        self.children[i].pid = None;
        let restart = self.children[i].spec.restart;
        if !restart.restarts_after(&reason) {
            if self.dynamic || restart == Restart::Temporary {
                self.children.remove(i);
            }
            return Ok(());
        }
        self.add_restart(ctx)?;
        // The group that restarts, in start order.
        let group: Vec<usize> = match self.flags.strategy {
            Strategy::OneForOne => vec![i],
            Strategy::OneForAll => (0..self.children.len()).collect(),
            Strategy::RestForOne => (i..self.children.len()).collect(),
        };
        // Stop the living siblings of the group, last started first; remember who they were.
        let mut old: Vec<Option<(Pid, Term)>> = vec![None; self.children.len()];
        old[i] = Some((pid, reason));
        for &j in group.iter().rev() {
            if let Some(sibling) = self.children[j].pid.take() {
                let why = Self::shutdown_child(ctx, sibling, self.children[j].spec.shutdown).await;
                old[j] = Some((sibling, why));
            }
        }
        // Start the group again in order. Temporary siblings are not restarted: they leave.
        for &j in &group {
            if self.children[j].spec.restart == Restart::Temporary {
                continue;
            }
            loop {
                self.children[j].restarts += 1;
                match self.start_child_at(ctx, j).await {
                    StartResult::Ok(new) => {
                        if let Some((old_pid, why)) = &old[j] {
                            ctx.emit(Event::Restart {
                                supervisor: ctx.pid(),
                                child: Rc::from(child_label(&self.children[j].spec).as_str()),
                                old: *old_pid,
                                new,
                                reason: why.clone(),
                                sibling_of: (j != i).then_some(pid),
                            });
                        }
                        break;
                    }
                    StartResult::Ignore => break,
                    // A failed restart is one more restart towards the intensity.
                    StartResult::Error(_) => self.add_restart(ctx)?,
                }
            }
        }
        let mut j = 0;
        self.children.retain(|c| {
            let leave = group.contains(&j) && c.spec.restart == Restart::Temporary;
            j += 1;
            !leave
        });
        Ok(())
    }

    fn count(&self) -> Term {
        let active = self.children.iter().filter(|c| c.pid.is_some()).count();
        let supervisors = self
            .children
            .iter()
            .filter(|c| c.spec.kind == ChildType::Supervisor)
            .count();
        let workers = self.children.len() - supervisors;
        Term::atom_map(&[
            ("active", Term::Int(active as i64)),
            ("specs", Term::Int(self.children.len() as i64)),
            ("supervisors", Term::Int(supervisors as i64)),
            ("workers", Term::Int(workers as i64)),
        ])
    }

    /// `which_children`: a static supervisor lists its newest child first (as OTP keeps
    /// them); a dynamic one in start order.
    fn which(&self) -> Term {
        let order: Box<dyn Iterator<Item = &Child>> = if self.dynamic {
            Box::new(self.children.iter())
        } else {
            Box::new(self.children.iter().rev())
        };
        Term::list(
            order
                .map(|c| {
                    Term::tuple(vec![
                        if self.dynamic {
                            Term::Atom(Atom::UNDEFINED)
                        } else {
                            c.spec.id.clone()
                        },
                        c.pid.map(Term::Pid).unwrap_or(Term::Atom(Atom::UNDEFINED)),
                        c.spec.kind.to_term(),
                        Term::list(vec![module_term(&c.spec.module)]),
                    ])
                })
                .collect(),
        )
    }

    fn find(&self, key: &Term) -> Option<usize> {
        match key {
            Term::Pid(pid) => self.children.iter().position(|c| c.pid == Some(*pid)),
            id => self.children.iter().position(|c| &c.spec.id == id),
        }
    }

    async fn call(&mut self, ctx: &Ctx, request: Term) -> Term {
        let error = |what: &str| Term::error_tuple(Term::atom(what));
        let (tag, arg) = match request.as_tuple() {
            Some([Term::Atom(tag), arg]) => (tag.name(), Some(arg.clone())),
            _ => (
                request
                    .as_atom()
                    .map(|a| a.name())
                    .unwrap_or_else(|| Rc::from("")),
                None,
            ),
        };
        match (&*tag, arg) {
            ("count_children", None) => self.count(),
            ("which_children", None) => self.which(),
            ("start_child", Some(spec)) => {
                let spec = match ChildSpec::from_term(&spec, Core::module_defaults(ctx)) {
                    Ok(spec) => spec,
                    Err(reason) => return Term::error_tuple(reason),
                };
                if self.dynamic {
                    if self
                        .flags
                        .max_children
                        .is_some_and(|max| self.children.len() >= max)
                    {
                        return error("max_children");
                    }
                } else if let Some(existing) = self.children.iter().find(|c| c.spec.id == spec.id) {
                    return match existing.pid {
                        Some(pid) => Term::error_tuple(gen_server::already_started(pid)),
                        None => error("already_present"),
                    };
                }
                self.children.push_back(Child {
                    spec,
                    pid: None,
                    restarts: 0,
                });
                let i = self.children.len() - 1;
                let result = self.start_child_at(ctx, i).await;
                match &result {
                    StartResult::Ok(_) => {}
                    StartResult::Ignore if !self.dynamic => {
                        return Term::ok_tuple(Term::Atom(Atom::UNDEFINED))
                    }
                    _ => {
                        self.children.remove(i);
                    }
                }
                result.to_term()
            }
            ("terminate_child", Some(key)) => {
                if self.dynamic && key.as_pid().is_none() {
                    return error("not_found");
                }
                let Some(i) = self.find(&key) else {
                    return error("not_found");
                };
                if let Some(pid) = self.children[i].pid.take() {
                    Self::shutdown_child(ctx, pid, self.children[i].spec.shutdown).await;
                }
                if self.dynamic || self.children[i].spec.restart == Restart::Temporary {
                    self.children.remove(i);
                }
                Term::ok()
            }
            ("restart_child", Some(id)) if !self.dynamic => {
                let Some(i) = self.find(&id) else {
                    return error("not_found");
                };
                if self.children[i].pid.is_some() {
                    return error("running");
                }
                match self.start_child_at(ctx, i).await {
                    StartResult::Ignore => Term::ok_tuple(Term::Atom(Atom::UNDEFINED)),
                    other => other.to_term(),
                }
            }
            ("delete_child", Some(id)) if !self.dynamic => {
                let Some(i) = self.find(&id) else {
                    return error("not_found");
                };
                if self.children[i].pid.is_some() {
                    return error("running");
                }
                self.children.remove(i);
                Term::ok()
            }
            _ => Term::error_tuple(Term::tuple(vec![
                Term::atom("bad_request"),
                request.clone(),
            ])),
        }
    }

    fn state(&self) -> Term {
        Term::atom_map(&[
            (
                "name",
                self.name
                    .as_deref()
                    .map(name_term)
                    .unwrap_or_else(Term::nil),
            ),
            (
                "strategy",
                Term::atom(match self.flags.strategy {
                    Strategy::OneForOne => "one_for_one",
                    Strategy::OneForAll => "one_for_all",
                    Strategy::RestForOne => "rest_for_one",
                }),
            ),
            ("intensity", Term::Int(self.flags.max_restarts as i64)),
            ("period", Term::Int(self.flags.max_seconds as i64)),
            ("children", self.which()),
            ("restarts", Term::Int(self.restart_log.len() as i64)),
        ])
    }
}

fn child_label(spec: &ChildSpec) -> String {
    match &spec.id {
        Term::Atom(a) if *a == Atom::UNDEFINED => spec.module.to_string(),
        id => id.to_string(),
    }
}

fn is_exit_from(msg: &Term, pid: Pid) -> bool {
    matches!(msg.as_tuple(), Some([Term::Atom(a), Term::Pid(p), _]) if *a == Atom::EXIT && *p == pid)
}

/// Initial children; shared by both behaviours.
async fn init_core(core: &mut Core, ctx: &Ctx) -> Init {
    ctx.trap_exit(true);
    for i in 0..core.children.len() {
        match core.start_child_at(ctx, i).await {
            StartResult::Ok(_) | StartResult::Ignore => {}
            StartResult::Error(reason) => {
                let id = core.children[i].spec.id.clone();
                core.stop_all(ctx).await;
                return Init::Stop(Term::tuple(vec![
                    signal::shutdown(),
                    Term::tuple(vec![Term::atom("failed_to_start_child"), id, reason]),
                ]));
            }
        }
    }
    Init::Ok
}

async fn info_core(core: &mut Core, ctx: &Ctx, msg: Term) -> Result<Flow, Term> {
    let Some([Term::Atom(a), Term::Pid(pid), reason]) = msg.as_tuple() else {
        return Ok(Flow::Continue); // OTP logs "unexpected message" and goes on
    };
    if *a == Atom::EXIT && core.child_exited(ctx, *pid, reason.clone()).await.is_err() {
        return Ok(Flow::Stop(signal::shutdown()));
    }
    Ok(Flow::Continue)
}

/// `Supervisor` with static children.
pub struct Supervisor(Core);

/// `DynamicSupervisor`: children started at run time, one_for_one only.
pub struct DynamicSupervisor(Core);

impl Supervisor {
    pub fn new(flags: SupFlags, children: Vec<ChildSpec>) -> Self {
        Supervisor(Core {
            flags,
            children: children
                .into_iter()
                .map(|spec| Child {
                    spec,
                    pid: None,
                    restarts: 0,
                })
                .collect(),
            restart_log: VecDeque::new(),
            dynamic: false,
            name: None,
        })
    }
}

impl DynamicSupervisor {
    pub fn new(flags: SupFlags) -> Self {
        DynamicSupervisor(Core {
            flags: SupFlags {
                strategy: Strategy::OneForOne,
                ..flags
            },
            children: VecDeque::new(),
            restart_log: VecDeque::new(),
            dynamic: true,
            name: None,
        })
    }
}

macro_rules! supervisor_behaviour {
    ($t:ty, $module:literal) => {
        impl GenServer for $t {
            const MODULE: &'static str = $module;

            async fn init(&mut self, ctx: &Ctx) -> Init {
                init_core(&mut self.0, ctx).await
            }

            async fn handle_call(
                &mut self,
                ctx: &Ctx,
                request: Term,
                _from: From,
            ) -> Result<CallReply, Term> {
                Ok(CallReply::Reply(self.0.call(ctx, request).await))
            }

            async fn handle_info(&mut self, ctx: &Ctx, msg: Term) -> Result<Flow, Term> {
                info_core(&mut self.0, ctx, msg).await
            }

            async fn terminate(&mut self, ctx: &Ctx, _reason: &Term) {
                self.0.stop_all(ctx).await;
            }

            fn state(&self) -> Term {
                self.0.state()
            }

            fn summary(&self) -> String {
                let active = self.0.children.iter().filter(|c| c.pid.is_some()).count();
                format!(
                    "{active} children, {} restarts in window",
                    self.0.restart_log.len()
                )
            }
        }
    };
}

supervisor_behaviour!(Supervisor, "Supervisor");
supervisor_behaviour!(DynamicSupervisor, "DynamicSupervisor");

fn start_opts(name: Option<&str>, restarts: u32) -> StartOpts {
    StartOpts {
        name: name.map(Rc::from),
        link: true,
        restarts,
        supervisor: true,
    }
}

/// `Supervisor.start_link(children, strategy: …, name: …)`.
pub async fn start_link(
    ctx: &Ctx,
    flags: SupFlags,
    children: Vec<ChildSpec>,
    name: Option<&str>,
) -> StartResult {
    start_link_restarted(ctx, flags, children, name, 0).await
}

/// `start_link` for a supervisor that its own supervisor restarts (`restarts` is shown).
pub async fn start_link_restarted(
    ctx: &Ctx,
    flags: SupFlags,
    children: Vec<ChildSpec>,
    name: Option<&str>,
    restarts: u32,
) -> StartResult {
    let mut sup = Supervisor::new(flags, children);
    sup.0.name = name.map(Rc::from);
    gen_server::start(ctx, sup, start_opts(name, restarts)).await
}

/// `DynamicSupervisor.start_link(strategy: :one_for_one, name: …)`.
pub async fn start_dynamic_link(
    ctx: &Ctx,
    flags: SupFlags,
    name: Option<&str>,
    restarts: u32,
) -> StartResult {
    let mut sup = DynamicSupervisor::new(flags);
    sup.0.name = name.map(Rc::from);
    gen_server::start(ctx, sup, start_opts(name, restarts)).await
}

async fn sup_call(ctx: &Ctx, sup: impl Into<Server>, request: Term) -> Result<Term, Term> {
    gen_server::call(ctx, sup, request, None).await
}

/// `Supervisor.start_child/2` (and `DynamicSupervisor.start_child/2`): `{:ok, pid}`,
/// `{:error, {:already_started, pid}}`, `{:error, :max_children}`, …
pub async fn start_child(ctx: &Ctx, sup: impl Into<Server>, spec: Term) -> Result<Term, Term> {
    sup_call(
        ctx,
        sup,
        Term::tuple(vec![Term::Atom(crate::atom!("start_child")), spec]),
    )
    .await
}

/// `Supervisor.terminate_child/2` (by id; by pid for a DynamicSupervisor).
pub async fn terminate_child(ctx: &Ctx, sup: impl Into<Server>, child: Term) -> Result<Term, Term> {
    sup_call(
        ctx,
        sup,
        Term::tuple(vec![Term::atom("terminate_child"), child]),
    )
    .await
}

/// `Supervisor.restart_child/2`
pub async fn restart_child(ctx: &Ctx, sup: impl Into<Server>, id: Term) -> Result<Term, Term> {
    sup_call(ctx, sup, Term::tuple(vec![Term::atom("restart_child"), id])).await
}

/// `Supervisor.delete_child/2`
pub async fn delete_child(ctx: &Ctx, sup: impl Into<Server>, id: Term) -> Result<Term, Term> {
    sup_call(ctx, sup, Term::tuple(vec![Term::atom("delete_child"), id])).await
}

/// `Supervisor.stop(sup, reason)`: stops the children in reverse order, then the supervisor.
pub async fn stop(ctx: &Ctx, sup: impl Into<Server>, reason: Term) -> Result<(), Term> {
    gen_server::stop(ctx, sup, reason, None).await
}

/// `Supervisor.which_children/1`: `[{id, pid, type, [Module]}]`.
pub async fn which_children(ctx: &Ctx, sup: impl Into<Server>) -> Result<Term, Term> {
    sup_call(ctx, sup, Term::atom("which_children")).await
}

/// `Supervisor.count_children/1`: `%{active: …, specs: …, supervisors: …, workers: …}`.
pub async fn count_children(ctx: &Ctx, sup: impl Into<Server>) -> Result<Term, Term> {
    sup_call(ctx, sup, Term::atom("count_children")).await
}

impl fmt::Display for ChildSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.to_term())
    }
}
