//! `cargo bench --bench interpreter`: the console's Elixir against real Elixir in the same
//! run (when `elixir` is installed): `Enum.reduce(1..1_000_000, 0, &+/2)`, and fib(25) in a
//! module and as an anonymous function, timed through the console as a user types them
//! (parse, evaluate in the shell process, print).

use std::process::Command;
use std::time::Instant;

use redfour::console::Console;
use redfour::runtime::Runtime;

const RUNS: usize = 7;

fn median(mut xs: Vec<f64>) -> (f64, f64, f64) {
    xs.sort_by(|a, b| a.total_cmp(b));
    (xs[xs.len() / 2], xs[0], xs[xs.len() - 1])
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    format!("{cpu}, {cores} cores")
}

fn time(c: &mut Console, line: &str, expect: &str) -> (f64, f64, f64) {
    assert_eq!(c.eval(line), expect, "{line}");
    let mut xs = Vec::new();
    for _ in 0..RUNS {
        let start = Instant::now();
        let out = c.eval(line);
        xs.push(start.elapsed().as_secs_f64() * 1000.0);
        assert_eq!(out, expect);
    }
    median(xs)
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
