//! The native tests, one crate (one build, one binary, every test run in parallel), by the
//! layer they test. Run them all with `cargo test`, one area with `cargo test --test it
//! elixir::`, one test by name as usual.
//!
//! Apart from this crate: the browser tests (`tests/web_*.rs`, `wasm-pack test`), the
//! determinism check that runs in both (`tests/determinism.rs`), and the two tests that
//! install their own counting allocator, which counts the whole binary's allocations
//! (`tests/elixir_no_panic.rs`, `tests/memory_release.rs`).
#![cfg(not(target_arch = "wasm32"))]

mod support;

/// The OTP-style runtime: processes, links and monitors, GenServer, supervisors, and the
/// numbers under the terms (big integers, float text).
mod runtime {
    mod bigint;
    mod ets;
    mod float_parse;
    mod gen_server;
    mod processes;
    mod props;
    mod supervisor;
    mod supervisor_props;
}

/// The Elixir console: the parser, the lowering pass, iex's answers (the corpus and the
/// standard library's doc examples), processes typed in, and the limits that protect the tab.
mod elixir {
    mod console;
    mod corpus;
    mod doctests;
    mod limits;
    mod lowering;
    mod parser;
    mod processes;
}

/// The Red:4 store on the runtime.
mod store {
    mod props;
    mod shop;
}

/// The observer's model without a browser: settings and clicks, the floor, the sequence
/// chart, time travel.
mod observer {
    mod editor;
    mod embed;
    mod floor;
    mod lesson;
    mod model;
    mod sequence_chart;
    mod time_travel;
}
