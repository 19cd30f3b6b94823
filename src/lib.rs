//! Redfour: see Erlang/OTP work. An OTP-style actor runtime ([`runtime`]), the Red:4 store
//! running on it ([`store`]), and the observer that shows it in the browser ([`ui`]).

pub mod bench;
pub mod console;
pub mod elixir;
pub mod json;
pub mod runtime;
pub mod sorted_map;
pub mod sorting;
pub mod store;
pub mod ui;
