//! `Fib.fib(n)` typed into a console, once, for counting instructions per call under
//! callgrind (`scripts/bench.sh` runs it with and without `--baseline`, which evaluates `1`
//! instead, and divides the difference by the calls: 2·fib(n+1) − 1).
use redfour::console::Console;
use redfour::runtime::Runtime;

fn main() {
    let n: u32 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(18);
    let baseline = std::env::args().any(|a| a == "--baseline");
    let mut c = Console::new(Runtime::new(1));
    c.eval("defmodule Fib do\n  def fib(0), do: 0\n  def fib(1), do: 1\n  def fib(n), do: fib(n - 1) + fib(n - 2)\nend");
    let line = if baseline {
        "1".to_string()
    } else {
        format!("Fib.fib({n})")
    };
    println!("{}", c.eval(&line));
}
