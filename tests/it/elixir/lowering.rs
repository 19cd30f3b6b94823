//! The lowering pass, seen from the console: module functions are lowered at their first
//! call and run compiled, what is not lowered yet runs on the tree-walking machine, and the
//! two hand over to each other without growing the stack. (That both answer as iex does is
//! `elixir::corpus`, which runs every fixture in both modes.)
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

/// Submits `line` and lets the runtime run until it answers (interrupted after a while).
fn run(c: &mut Console, line: &str) -> Option<String> {
    c.submit(line);
    for _ in 0..2_000 {
        c.settle();
        if !c.busy() {
            return c.entries.last().and_then(|e| e.output.clone());
        }
    }
    c.interrupt();
    None
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
    assert_eq!(run(&mut c, "Ping.a(1_000_000)").as_deref(), Some(":done"));
    assert_eq!(mode(&c, "Ping.a/1"), Some(true));
    assert_eq!(mode(&c, "Ping.b/1"), Some(false));
    // and through an anonymous function (lowered at its second call) and back
    c.eval("defmodule Via do\n  def go(0, _f), do: :done\n  def go(n, f), do: f.(n - 1, f)\nend");
    let line = "Via.go(1_000_000, fn n, f -> Via.go(n, f) end)";
    assert_eq!(run(&mut c, line).as_deref(), Some(":done"));
}

/// A small deterministic generator (xorshift).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len())]
    }
}

const LEAVES: &[&str] = &[
    "0",
    "1",
    "2",
    "-3",
    "9223372036854775807",
    "1.5",
    ":ok",
    ":error",
    "nil",
    "true",
    "false",
    "\"s\"",
    "[]",
    "[1, 2]",
    "{1, :a}",
    "%{k: 1}",
    "'cl'",
];
const OPS: &[&str] = &[
    "+", "-", "*", "/", "==", "!=", "===", "<", ">", "<=", ">=", "and", "or", "&&", "||", "<>",
    "++", "in",
];
const CALLS: &[&str] = &[
    "elem({:x, :y}, 0)",
    "hd(_)",
    "tl(_)",
    "length(_)",
    "is_integer(_)",
    "rem(_, 3)",
    "div(_, 2)",
    "abs(_)",
    "max(_, 1)",
    "Enum.sum(_)",
    "to_string(_)",
    "g(_)",
    "Integer.to_string(_)",
    "Map.get(_, :k)",
    "tuple_size(_)",
    "inspect(_)",
];

fn pattern(rng: &mut Rng, depth: usize) -> String {
    let n = if depth > 1 { 5 } else { 9 };
    match rng.below(n) {
        0 => "x".into(),
        1 => "_".into(),
        2 => rng.pick(&["0", "1", ":ok", "nil", "\"s\"", "[]"]).into(),
        3 => "^a".into(),
        4 => "y".into(),
        5 => format!(
            "{{{}, {}}}",
            pattern(rng, depth + 1),
            pattern(rng, depth + 1)
        ),
        6 => format!(
            "[{} | {}]",
            pattern(rng, depth + 1),
            pattern(rng, depth + 1)
        ),
        7 => format!("%{{k: {}}}", pattern(rng, depth + 1)),
        _ => format!("{} = {}", pattern(rng, depth + 1), pattern(rng, depth + 1)),
    }
}

fn expr(rng: &mut Rng, depth: usize) -> String {
    if depth > 2 || rng.below(3) == 0 {
        return match rng.below(3) {
            0 => rng.pick(&["a", "b", "a", "b"]).into(),
            _ => rng.pick(LEAVES).into(),
        };
    }
    let mut e = || expr(rng, depth + 1);
    let (x, y, z) = (e(), e(), e());
    match rng.below(17) {
        0..=2 => format!("({x} {} {y})", rng.pick(OPS)),
        3 => format!("{}({x})", rng.pick(&["-", "not ", "!"])),
        4 => format!("{{{x}, {y}}}"),
        5 => format!("[{x}, {y} | {z}]"),
        6 => format!("%{{k: {x}, j: {y}}}"),
        7 => format!("({x}).k"),
        8 => format!("if {x} do {y} else {z} end"),
        9 => format!("unless {x}, do: {y}"),
        10 => {
            let (p, q) = (pattern(rng, 0), pattern(rng, 0));
            format!(
                "case {x} do\n {p} -> {y}\n {q} when is_integer({q_var}) -> {z}\n _ -> :none\n end",
                q_var = "a"
            )
        }
        11 => format!("cond do\n {x} -> {y}\n true -> {z}\n end"),
        12 => {
            let p = pattern(rng, 0);
            format!("(\n {p} = {x}\n {y}\n)")
        }
        13 => format!("(fn v -> {{v, {x}}} end).({y})"),
        14 => format!("Enum.map([1, 2], fn v -> v + {x} end)"),
        15 => format!("\"#{{{x}}}-#{{inspect({y})}}\""),
        _ => rng.pick(CALLS).replace('_', &x),
    }
}

fn normalize(out: &str) -> String {
    let mut s = String::new();
    let mut rest = out;
    while let Some(i) = rest.find("#Function<") {
        s.push_str(&rest[..i]);
        let tail = &rest[i..];
        let end = tail.find('>').map_or(tail.len(), |j| j + 1);
        s.push_str("#Function<…>");
        rest = &tail[end..];
    }
    s.push_str(rest);
    s
}

fn answer(c: &mut Console, line: &str) -> String {
    c.submit(line);
    for _ in 0..50 {
        c.settle();
        if !c.busy() {
            break;
        }
    }
    if c.busy() {
        c.interrupt();
        return "<interrupted>".into();
    }
    normalize(
        c.entries
            .last()
            .and_then(|e| e.output.as_deref())
            .unwrap_or(""),
    )
}

/// Random module code, run compiled and tree-walked: the same answers (values, errors,
/// what is printed), and no panic either way.
#[test]
fn random_module_code_answers_the_same_compiled_and_tree_walked() {
    let seed = std::env::var("REDFOUR_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(24u64);
    let cases = std::env::var("REDFOUR_FUZZ_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(300usize);
    let mut rng = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
    let mut compiled = Console::new(Runtime::new(1));
    let mut walked = Console::new(Runtime::new(1));
    let mut differ = Vec::new();
    let (mut lowered, mut answered, mut raised) = (0, 0, 0);
    for _ in 0..cases {
        let body = expr(&mut rng, 0);
        let module = format!(
            "defmodule Fz do\n  def f(a, b) do\n    {body}\n  end\n  def g(0), do: :zero\n  def g(n) when is_integer(n), do: n - 1\n  def g(x), do: {{:g, x}}\nend"
        );
        let args = [
            format!("Fz.f({}, {})", rng.pick(LEAVES), rng.pick(LEAVES)),
            format!("Fz.f({}, {})", rng.pick(LEAVES), rng.pick(LEAVES)),
        ];
        for line in std::iter::once(&module).chain(args.iter()) {
            redfour::elixir::machine::set_lowering(true);
            let x = answer(&mut compiled, line);
            redfour::elixir::machine::set_lowering(false);
            let y = answer(&mut walked, line);
            redfour::elixir::machine::set_lowering(true);
            if x != y {
                differ.push(format!("{module}\n{line}\ncompiled: {x}\nwalked:   {y}"));
            }
            if line == &module && std::env::var_os("REDFOUR_FUZZ_TRACE").is_some() {
                eprintln!("module => {}", x.lines().last().unwrap_or(""));
            }
            if line != &module {
                answered += 1;
                raised += usize::from(x.starts_with("** "));
                if std::env::var_os("REDFOUR_FUZZ_TRACE").is_some() {
                    eprintln!("{body}\n{line}\n=> {x}\n");
                }
            }
        }
        let lowered_now = modes(&compiled)
            .iter()
            .any(|(n, m)| n == "Fz.f/2" && *m == Some(true));
        lowered += usize::from(lowered_now);
        if !lowered_now && std::env::var_os("REDFOUR_FUZZ_NOT_LOWERED").is_some() {
            let m = modes(&compiled).into_iter().find(|(n, _)| n == "Fz.f/2");
            eprintln!("not lowered ({m:?}):\n{body}\n");
        }
    }
    println!("{cases} cases: {lowered} lowered; {answered} calls, {raised} raised");
    // the generator is worth its name: half the bodies lower (the rest are a variable or a
    // literal, which are not worth lowering, or code iex refuses), and most calls answer
    assert!(lowered * 2 >= cases, "{lowered} of {cases} lowered");
    assert!(raised * 10 <= answered * 7, "{raised} of {answered} raised");
    assert!(
        differ.is_empty(),
        "{} answers differ; the first:\n{}",
        differ.len(),
        differ
            .iter()
            .take(3)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n---\n")
    );
}
