//! What the console loads before its first line: OTP behaviours for modules typed into it
//! (`GenServer.start_link`, `Agent`, `Task`), written in Elixir (`prelude/otp.ex`) and run by
//! the interpreter like any module a user types.

use super::machine::Machine;
use super::{parser, shell};
use crate::runtime::Atom;

pub const OTP: &str = include_str!("prelude/otp.ex");

/// Defines the prelude's modules in `m`'s module table, once; prints nothing.
pub async fn load(m: &mut Machine) {
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
    let _ = shell::drive(m).await;
    m.out.clear();
}

thread_local! {
    /// The prelude parsed once per thread: every shell (each replay starts one) shares its
    /// syntax tree, which is immutable (`P` is an `Rc`).
    static PARSED: std::cell::OnceCell<Option<Vec<super::ast::P>>> = const { std::cell::OnceCell::new() };
}

fn parsed() -> Option<Vec<super::ast::P>> {
    PARSED.with(|p| p.get_or_init(|| parser::parse(OTP).ok()).clone())
}
