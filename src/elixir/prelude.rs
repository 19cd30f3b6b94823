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
    let Ok(exprs) = parser::parse(OTP) else {
        return;
    };
    m.start(exprs);
    let _ = shell::drive(m).await;
    m.out.clear();
}
