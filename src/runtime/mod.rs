//! An Erlang/OTP-style process runtime: cooperative, single-threaded and deterministic.
//!
//! It knows nothing of the browser: time enters through [`Runtime::advance`], randomness
//! through the seeded generator the runtime owns, and the host's inputs (sends, kills)
//! through explicit calls. The same seed and inputs give the same [`trace`], natively and in
//! wasm.
//!
//! Vocabulary, file by file, as in OTP:
//! - [`term`]: Erlang terms, printed as iex prints them;
//! - [`pid`]: pids and references;
//! - [`scheduler`]: the run queue, the clock and the host API ([`Runtime`]);
//! - [`context`]: what a process can do ([`Ctx`]): receive, send, spawn, link, monitor…;
//! - [`process`]: the process table entry and its snapshot ([`ProcessInfo`]);
//! - [`signal`]: exit reasons and the rules of exit signals;
//! - [`registry`]: registered names;
//! - [`ets`]: ETS tables owned by processes, and [`match_spec`]: the patterns `select` reads;
//! - [`timer`]: timers on the virtual clock;
//! - [`gen_server`]: the GenServer behaviour;
//! - [`supervisor`]: Supervisor and DynamicSupervisor, with restart strategies and intensity;
//! - [`application`]: applications, named trees that start and stop as a unit;
//! - [`code`]: the code table, from module names to start functions;
//! - [`trace`]: the event trace.

pub mod application;
pub mod bigint;
pub mod code;
pub mod context;
pub mod ets;
pub mod float_parse;
pub mod gen_server;
pub mod match_spec;
pub mod pid;
pub mod process;
pub mod registry;
pub mod rng;
pub mod scheduler;
pub mod signal;
pub mod supervisor;
pub mod term;
pub mod timer;
pub mod trace;

pub use code::Module;
pub use context::{Ctx, RegisterError};
pub use gen_server::{CallReply, Flow, GenServer, Init, Server, StartOpts, StartResult};
pub(crate) use pid::{FnvBuild, PidMap};
pub use pid::{Pid, Ref};
pub use process::{ProcessInfo, StateView, Status};
pub use scheduler::{
    Advance, Advancing, Runtime, RuntimeConfig, RuntimeError, SpawnOpts, Stats, WORK_PER_RUN,
};
pub use supervisor::{ChildSpec, ChildType, Restart, Shutdown, Strategy, SupFlags};
pub use term::{Atom, Term};
pub use timer::TimerRef;
pub use trace::{Event, TraceEvent};
