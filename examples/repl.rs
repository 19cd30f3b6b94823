//! The console in a terminal: reads Elixir from standard input (a line at a time, as the
//! page's prompt takes it) and prints what the console answers, prompt and all.
//!
//!     echo 'Enum.map([1, 2], &(&1 * 2))' | cargo run --example repl
//!     cargo run --example repl < session.exs
//!     cargo run --example repl -- --store < lesson.exs   # with the store running, as the page
use std::io::BufRead;

use redfour::console::Console;
use redfour::runtime::Runtime;
use redfour::store::console_bindings;
use redfour::store::shopping::{self, StoreConfig};

fn main() {
    let rt = Runtime::new(1);
    let store = std::env::args().any(|a| a == "--store");
    if store {
        shopping::install(&rt, StoreConfig::in_memory());
        if let Err(why) = shopping::boot(&rt) {
            eprintln!("the store did not start: {why:?}");
        }
    }
    let mut c = Console::new(rt);
    if store {
        c.register(console_bindings::register);
    }
    for line in std::io::stdin().lock().lines() {
        let Ok(line) = line else { break };
        let first = c.entries.len();
        c.submit(&line);
        for _ in 0..200 {
            c.settle();
            if !c.busy() {
                break;
            }
        }
        if c.busy() {
            println!("(still running after 200 turns: interrupted)");
            c.interrupt();
        }
        for e in &c.entries[first..] {
            if let Some(out) = &e.output {
                if !e.notice {
                    println!("iex({})> {}", e.number, e.input);
                }
                println!("{out}");
            }
        }
    }
}
