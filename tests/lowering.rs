//! The lowering pass, seen from the console: module functions are lowered at their first
//! call and run compiled, what is not lowered yet runs on the tree-walking machine, and the
//! two hand over to each other without growing the stack. (That both answer as iex does is
//! `elixir_corpus`, which runs every fixture in both modes.)
#![cfg(not(target_arch = "wasm32"))]

use redfour::console::Console;
use redfour::runtime::Runtime;

fn modes(c: &Console) -> Vec<(String, Option<bool>)> {
    c.function_modes()
}

fn mode(c: &Console, f: &str) -> Option<bool> {
    modes(c)
        .into_iter()
        .find(|(n, _)| n == f)
        .unwrap_or_else(|| panic!("{f} is not defined: {:?}", modes(c)))
        .1
}

#[test]
fn module_functions_are_lowered_at_their_first_call() {
    let mut c = Console::new(Runtime::new(1));
    c.eval(
        "defmodule Fib do\n  def fib(0), do: 0\n  def fib(1), do: 1\n  def fib(n), do: fib(n - 1) + fib(n - 2)\n  def vars, do: binding()\n  def wait do\n    receive do\n      x -> x\n    after\n      0 -> :none\n    end\n  end\nend",
    );
    assert_eq!(mode(&c, "Fib.fib/1"), None, "not called yet");
    assert_eq!(c.eval("Fib.fib(15)"), "610");
    assert_eq!(mode(&c, "Fib.fib/1"), Some(true), "lowered");
    // binding() reads the machine's variables: that function stays on the machine
    assert_eq!(c.eval("Fib.vars()"), "[]");
    assert_eq!(mode(&c, "Fib.vars/0"), Some(false));
    // a body that is one receive is the machine's whole: nothing to gain
    assert_eq!(c.eval("Fib.wait()"), ":none");
    assert_eq!(mode(&c, "Fib.wait/0"), Some(false));
    // a redefinition is lowered afresh at its first call
    c.eval("defmodule Fib do\n  def fib(n), do: n * 2\nend");
    assert_eq!(mode(&c, "Fib.fib/1"), None);
    assert_eq!(c.eval("Fib.fib(15)"), "30");
    assert_eq!(mode(&c, "Fib.fib/1"), Some(true));
}

#[test]
fn compiled_and_machine_code_tail_call_each_other_in_constant_space() {
    let mut c = Console::new(Runtime::new(1));
    // `b` stays on the machine (binding/0); `a` is compiled; each tail-calls the other a
    // million times, past the 600,000 frames a process may hold
    c.eval(
        "defmodule Ping do\n  def a(0), do: :done\n  def a(n), do: b(n - 1)\n  def b(n) do\n    _ = binding()\n    a(n)\n  end\nend",
    );
    c.submit("Ping.a(1_000_000)");
    for _ in 0..2_000 {
        c.settle();
        if !c.busy() {
            break;
        }
    }
    assert_eq!(c.entries.last().unwrap().output.as_deref(), Some(":done"));
    assert_eq!(mode(&c, "Ping.a/1"), Some(true));
    assert_eq!(mode(&c, "Ping.b/1"), Some(false));
    // and the same through anonymous functions, which the machine runs
    c.eval("defmodule Via do\n  def go(0, _f), do: :done\n  def go(n, f), do: f.(n - 1, f)\nend");
    c.submit("Via.go(1_000_000, fn n, f -> Via.go(n, f) end)");
    for _ in 0..2_000 {
        c.settle();
        if !c.busy() {
            break;
        }
    }
    assert_eq!(c.entries.last().unwrap().output.as_deref(), Some(":done"));
}
