//! `cargo bench --bench interpreter`: the console's Elixir against real Elixir in the same
//! run (when `elixir` is installed): `Enum.reduce(1..1_000_000, 0, &+/2)`, and fib(25) in a
//! module and as an anonymous function, timed through the console as a user types them
//! (parse, evaluate in the shell process, print).

use std::process::Command;
use std::time::Instant;

use redfour::bench::{machine, spread};
use redfour::console::Console;
use redfour::runtime::Runtime;

const RUNS: usize = 7;

/// The Erlang ring, written in the console's Elixir: the shell is one of the processes.
pub const RING: &str = "defmodule Ring do\n  def run(n, rounds) do\n    first = Enum.reduce(1..(n - 1), self(), fn _, next -> spawn(fn -> relay(next) end) end)\n    loop(first, rounds)\n  end\n  defp loop(_first, 0), do: :done\n  defp loop(first, r) do\n    send(first, :token)\n    receive do\n      :token -> loop(first, r - 1)\n    end\n  end\n  def relay(next) do\n    receive do\n      :token ->\n        send(next, :token)\n        relay(next)\n    end\n  end\nend";

fn time(c: &mut Console, line: &str, expect: &str) -> (f64, f64, f64) {
    assert_eq!(c.eval(line), expect, "{line}");
    let mut xs = Vec::new();
    for _ in 0..RUNS {
        let start = Instant::now();
        let out = c.eval(line);
        xs.push(start.elapsed().as_secs_f64() * 1000.0);
        assert_eq!(out, expect);
    }
    spread(xs)
}

fn main() {
    if std::env::args().any(|a| a == "--test") {
        return;
    }
    println!("interpreter benchmark on {}", machine());
    let rt = Runtime::new(1);
    let mut c = Console::new(rt);
    c.eval("defmodule Fib do\n  def fib(0), do: 0\n  def fib(1), do: 1\n  def fib(n), do: fib(n - 1) + fib(n - 2)\nend");
    c.eval("fib = fn f, n -> if n < 2, do: n, else: f.(f, n - 1) + f.(f, n - 2) end");
    let ours = [
        (
            "reduce",
            time(&mut c, "Enum.reduce(1..1_000_000, 0, &+/2)", "500000500000"),
        ),
        (
            "reduce_fn",
            time(
                &mut c,
                "Enum.reduce(1..1_000_000, 0, fn x, acc -> x + acc end)",
                "500000500000",
            ),
        ),
        ("fib_module", time(&mut c, "Fib.fib(25)", "75025")),
        ("fib_fn", time(&mut c, "fib.(fib, 25)", "75025")),
    ];
    for (name, (m, lo, hi)) in ours {
        println!("redfour {name}: {m:.1} ms (median of {RUNS}) [{lo:.1}..{hi:.1}]");
    }
    // processes written in the console: a ring of 1,000 × 1,000 and 100,000 spawns
    c.eval(RING);
    let (m, lo, hi) = time(&mut c, "Ring.run(1_000, 1_000)", ":done");
    println!(
        "redfour ring of console processes 1,000 x 1,000: {:.2} us/message (median of {RUNS}) [{:.2}..{:.2}]",
        m * 1000.0 / 1e6,
        lo * 1000.0 / 1e6,
        hi * 1000.0 / 1e6
    );
    let mut spawns = Vec::new();
    for _ in 0..3 {
        let mut fresh = Console::new(Runtime::new(1));
        let start = Instant::now();
        assert_eq!(
            fresh.eval(
                "Enum.each(1..100_000, fn _ -> spawn(fn -> receive do :stop -> :ok end end) end)"
            ),
            ":ok"
        );
        spawns.push(start.elapsed().as_secs_f64() * 1e6 / 100_000.0);
    }
    let (m, lo, hi) = spread(spawns);
    println!("redfour spawn of 100,000 console processes: {m:.2} us/spawn (median of 3) [{lo:.2}..{hi:.2}]");
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/elixir-bench.exs");
    match Command::new("elixir").arg(script).output() {
        Ok(out) if out.status.success() => {
            let text = String::from_utf8_lossy(&out.stdout);
            let mut theirs = std::collections::BTreeMap::new();
            for l in text.lines() {
                let p: Vec<&str> = l.split_whitespace().collect();
                if let [name, m, lo, hi] = p[..] {
                    let v: Vec<f64> = [m, lo, hi].iter().filter_map(|x| x.parse().ok()).collect();
                    if v.len() == 3 {
                        println!(
                            "elixir 1.14 {name}: {:.1} ms (median of 7) [{:.1}..{:.1}]",
                            v[0], v[1], v[2]
                        );
                        theirs.insert(name.to_string(), v[0]);
                    }
                }
            }
            let ratio =
                |a: f64, b: Option<&f64>| b.map_or("n/a".to_string(), |b| format!("{:.2}x", a / b));
            println!(
                "ratios (redfour / elixir): reduce with &+/2 vs iex {}, vs compiled {}; fib in a module vs compiled {}; fib as a fn vs iex's erl_eval {}",
                ratio(ours[0].1 .0, theirs.get("erl_eval_reduce")),
                ratio(ours[0].1 .0, theirs.get("compiled_reduce")),
                ratio(ours[2].1 .0, theirs.get("compiled_fib")),
                ratio(ours[3].1 .0, theirs.get("erl_eval_fib_fn")),
            );
            println!(
                "reduce with a fn: vs iex {}, vs compiled {}",
                ratio(ours[1].1 .0, theirs.get("erl_eval_reduce_fn")),
                ratio(ours[1].1 .0, theirs.get("compiled_reduce_fn")),
            );
        }
        _ => println!("elixir not installed: no reference figures (apt-get install elixir)"),
    }
}
