//! The Elixir interpreter: what a learner types in the console, evaluated inside a process
//! of the runtime, printing what iex 1.14 prints.
//!
//! - [`tokenizer`] and [`parser`]: source to the syntax tree of [`ast`];
//! - [`matcher`]: pattern matching;
//! - [`machine`]: the evaluator, an explicit-stack machine that yields to the scheduler
//!   (preemption by reductions) and runs tail calls in constant space;
//! - [`ops`]: operators; [`value`]: functions and exceptions as terms;
//! - [`inspect`]: values printed as iex prints them (80 columns, limit 50);
//! - [`stdlib`]: `Kernel`, `Enum`, `Map`, `String`… one file per module, and iex's helpers;
//! - [`natives`]: the one table of native functions (the library's and a host's, such as
//!   the store's modules);
//! - [`shell`]: one input in, iex's answer out.

pub mod ast;
pub mod bitstrings;
mod case_data;
pub mod case_mapping;
pub mod graphemes;
pub mod inspect;
pub mod ir;
pub mod lower;
pub mod machine;
pub mod matcher;
pub mod natives;
pub mod normalization;
mod normalization_data;
pub mod ops;
pub mod parser;
pub mod prelude;
pub mod quote;
pub mod regex;
pub mod shell;
pub mod source;
pub mod stdlib;
pub mod tokenizer;
pub mod value;

pub use machine::{Machine, Modules, Step};
pub use tokenizer::SyntaxError;
