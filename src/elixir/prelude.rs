//! What the console loads before its first line, written in Elixir and run by the
//! interpreter like any module a user types: OTP behaviours for modules typed into it
//! (`GenServer.start_link`, `Agent`, `Task`: `prelude/otp.ex`), and library functions
//! written over the native ones (`prelude/keyword.ex`, `prelude/map.ex`: a call of a
//! function the Elixir module does not define reaches the native one; `prelude/enum.ex`, `prelude/small.ex`), and
//! `MapSet` and `Access` (`prelude/map_set.ex`, `prelude/access.ex`), the `Enumerable` and
//! `Collectable` protocols with Enum's functions for what the native Enum does not walk
//! itself (`prelude/enumerable.ex`), `Stream` (`prelude/stream.ex`) and `Base`
//! (`prelude/base.ex`).

use super::machine::Machine;
use super::{parser, shell};
use crate::runtime::Atom;

/// The prelude's files, as `build.rs` packs them (in load order, without comments, blank
/// lines or indentation).
pub const SOURCE: &str = include_str!(concat!(env!("OUT_DIR"), "/prelude.ex"));

/// Defines the prelude's modules in `m`'s module table, once; prints nothing.
pub async fn load(m: &mut Machine) {
    // a DynamicSupervisor (native) or a Supervisor (`start: {Supervisor, :start_link,
    // [children, opts]}`) as a supervisor's child
    m.define_child_module(Atom::module("DynamicSupervisor"), true, None);
    m.define_child_module(Atom::module("Supervisor"), true, None);
    if m.modules
        .borrow()
        .contains_key(&Atom::new("redfour_gen_server"))
    {
        return;
    }
    let Some(exprs) = parsed() else {
        return;
    };
    m.start(exprs);
    m.loading_library = true;
    let result = shell::drive(m).await;
    m.loading_library = false;
    if let Err(x) = result {
        // a mistake in the prelude: the modules after it are missing; tests read this
        let text = super::value::message(&match x {
            super::value::Exc::Error(t)
            | super::value::Exc::Exit(t)
            | super::value::Exc::Throw(t) => t,
        });
        LOAD_ERROR.with(|e| *e.borrow_mut() = Some(text));
    }
    m.out.clear();
}

thread_local! {
    static LOAD_ERROR: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// What stopped the prelude from loading on this thread, if anything did (a test holds
/// it to `None`: a mistake in `prelude/*.ex` would otherwise only leave modules missing).
pub fn load_error() -> Option<String> {
    LOAD_ERROR.with(|e| e.borrow().clone())
}

/// Whether the packed prelude parses (see `build.rs`).
pub fn parses() -> Result<(), String> {
    parser::parse(SOURCE)
        .map(|_| ())
        .map_err(|e| format!("{e:?}"))
}

thread_local! {
    /// The prelude parsed once per thread: every shell (each replay starts one) shares its
    /// syntax tree, which is immutable (`P` is an `Rc`).
    static PARSED: std::cell::OnceCell<Option<Vec<super::ast::P>>> = const { std::cell::OnceCell::new() };
}

fn parsed() -> Option<Vec<super::ast::P>> {
    PARSED.with(|p| p.get_or_init(|| parser::parse(SOURCE).ok()).clone())
}
