//! No typed line stops the page. On wasm32 a Rust panic aborts the whole module (floor,
//! console, timeline), so every native function of the console's library, every operator and
//! the parser's literals are called here with random terms of every type: each must answer a
//! value or raise an Elixir exception, never panic, never run long without yielding, and never
//! build something big without charging it to the process (which is what lets `max_heap_size`
//! kill it before the tab runs out of memory).
//!
//! The cases are random but seeded, so a failure repeats: `REDFOUR_FUZZ_SEED=7` picks another
//! seed, `REDFOUR_FUZZ_CASES=2000` more cases per function (the default finds the
//! `Integer.parse("a2", 38)` panic this file was written for, without naming it), and
//! `REDFOUR_FUZZ_TRACE=1` prints each case before it runs (a stack overflow aborts the binary
//! without a report: the last case printed is the one).
#![cfg(not(target_arch = "wasm32"))]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, BTreeSet};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Mutex, Once};
use std::time::{Duration, Instant};

use redfour::console::Console;
use redfour::elixir::ops;
use redfour::runtime::Runtime;
use redfour::store::console_bindings;
use redfour::store::shopping::{self, StoreConfig};

// ------------------------------------------------------------------ the allocator's view

/// Counts the bytes each thread allocates, and stops the test binary with the case that
/// asked for an allocation no tab could hold (an abort cannot be caught as a panic can).
struct Counting;

thread_local! {
    static ALLOCATED: Cell<u64> = const { Cell::new(0) };
    static CASE: RefCell<String> = const { RefCell::new(String::new()) };
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
    static FUZZING: Cell<bool> = const { Cell::new(false) };
}

/// A single allocation this large is a bug whatever the input (a tab has a few GB at most).
const REFUSED: usize = 2 << 30;

fn count(bytes: usize) {
    if bytes >= REFUSED {
        refuse(bytes);
    }
    let _ = ALLOCATED.try_with(|a| a.set(a.get().wrapping_add(bytes as u64)));
}

fn refuse(bytes: usize) -> ! {
    use std::io::Write;
    let mut err = std::io::stderr().lock();
    let _ = write!(
        err,
        "\nan allocation of {bytes} bytes was asked for by the case: "
    );
    let _ = CASE.try_with(|c| {
        if let Ok(c) = c.try_borrow() {
            let _ = err.write_all(c.as_bytes());
        }
    });
    let _ = writeln!(err);
    std::process::abort()
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count(layout.size());
        System.alloc(layout)
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count(layout.size());
        System.alloc_zeroed(layout)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout)
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count(new_size.saturating_sub(layout.size()));
        System.realloc(ptr, layout, new_size)
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn allocated() -> u64 {
    ALLOCATED.with(|a| a.get())
}

// ------------------------------------------------------------------ random source text

/// splitmix64: small, seeded, the same on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len())]
    }
}

const INTEGERS: &[&str] = &[
    "0",
    "1",
    "-1",
    "2",
    "3",
    "7",
    "10",
    "16",
    "36",
    "37",
    "38",
    "64",
    "100",
    "255",
    "256",
    "-5",
    "-64",
    "1_114_112",
    "1_000_000",
    "100_000_000_000",
    "4294967296",
    "9223372036854775807",
    "-9223372036854775807",
    "-9223372036854775807 - 1",
    "9223372036854775808",
    "18446744073709551616",
    "-18446744073709551617",
    "340282366920938463463374607431768211457",
    "-(2 ** 200)",
];
const FLOATS: &[&str] = &[
    "0.0", "-0.0", "1.5", "-2.5", "3.14", "1.0e300", "-1.0e300", "1.0e-300", "0.1",
];
const ATOMS: &[&str] = &[
    ":a",
    "nil",
    "true",
    "false",
    ":ok",
    ":error",
    ":infinity",
    ":utf8",
    "Enum",
    ":\"hello world\"",
    ":kill",
    ":normal",
];
const STRINGS: &[&str] = &[
    "\"\"",
    "\"a2\"",
    "\"hello world\"",
    "\"héllo\"",
    "\"12abc\"",
    "\"-7\"",
    "\"1.5e3\"",
    "\"\\u0000\"",
    "\"a,b,,c\"",
    "\"🎉👩‍🚒\"",
    "\"  x  \"",
    "\"ZZ\"",
    "\"0x1F\"",
    "\"\\n\"",
];
const LISTS: &[&str] = &[
    "[]",
    "'abc'",
    "[1, 2, 3]",
    "[1 | 2]",
    "[1, 2 | 3]",
    "[a: 1, b: 2]",
    "[{:a, 1}, {\"b\", 2}]",
    "[[1], [2, [3]]]",
    "[\"a\", :b, 3.0]",
    "[-1, 1_114_112]",
    "[3, 1, 2, 1]",
    "[[[[[[[[[[[[1]]]]]]]]]]]]",
    "[a: [b: [c: 1]]]",
    "[{1, 2}, {3, 4}]",
];
const TUPLES: &[&str] = &["{}", "{1}", "{1, 2}", "{:a, [1], %{}}", "{:ok, self()}"];
const MAPS: &[&str] = &[
    "%{}",
    "%{a: 1}",
    "%{\"k\" => [1, 2], 1 => :x}",
    "%{a: %{b: %{c: 1}}}",
    "%{__struct__: Range, first: 1, last: 3, step: 1}",
];
const RANGES: &[&str] = &[
    "1..10",
    "10..1//-1",
    "1..0//1",
    "0..100_000_000_000",
    "-5..5//3",
    "1..9223372036854775807",
    "-9223372036854775807..9223372036854775807",
    "9223372036854775807..-9223372036854775807//-3",
];
const FUNS: &[&str] = &[
    "fn x -> x end",
    "fn a, b -> {a, b} end",
    "fn -> :zero end",
    "&is_integer/1",
    "&(&1 > 2)",
    "fn _, _, _ -> :three end",
    "fn _ -> raise \"boom\" end",
    "&+/2",
    "fn x, acc -> {:cont, [x | acc]} end",
];
const OTHERS: &[&str] = &[
    "self()",
    "make_ref()",
    "spawn(fn -> :ok end)",
    "List.duplicate(7, 10_000)",
    "String.duplicate(\"ab\", 50_000)",
    "Enum.to_list(1..2_000)",
];

/// A random term's source text, weighted so that integers and strings (the arguments most
/// functions check first) come up most.
fn term(rng: &mut Rng) -> String {
    let groups: [(&[&str], usize); 10] = [
        (INTEGERS, 6),
        (FLOATS, 2),
        (ATOMS, 3),
        (STRINGS, 5),
        (LISTS, 4),
        (TUPLES, 2),
        (MAPS, 2),
        (RANGES, 2),
        (FUNS, 3),
        (OTHERS, 1),
    ];
    let total: usize = groups.iter().map(|(_, w)| w).sum();
    let mut k = rng.below(total);
    for (xs, w) in groups {
        if k < w {
            return rng.pick(xs).to_string();
        }
        k -= w;
    }
    unreachable!()
}

// ------------------------------------------------------------------ running a case

struct Rig {
    rt: Runtime,
    console: Console,
}

fn rig() -> Rig {
    let rt = Runtime::new(3);
    shopping::install(&rt, StoreConfig::in_memory());
    shopping::boot(&rt).unwrap();
    let mut console = Console::new(rt.clone());
    console.register(console_bindings::register);
    Rig { rt, console }
}

#[derive(Debug)]
#[allow(dead_code)] // read through Debug, in the report
enum Trouble {
    Panicked(String),
    /// One turn of the runtime took this long: native work that never yields.
    Slow(Duration),
    /// Bytes allocated in one turn, against the bytes its case has charged so far.
    Uncharged(u64, u64),
}

/// How long one turn of the runtime may take before it counts as blocking the tab. A turn
/// is about 15,000 reductions; in this debug build it takes well under 50 ms.
const SLOW: Duration = Duration::from_secs(1);
/// What a turn may allocate uncharged: interpreted steps and small results.
const FREE_BYTES: u64 = 48 << 20;
/// Turns a case may take before it is interrupted (a call waiting forever is fine).
const TURNS: usize = 40;

struct Stats {
    cases: usize,
    /// The slowest cases, for the report (a case may take many turns: it is interrupted
    /// after `TURNS`).
    slow_cases: Vec<(Duration, String)>,
    slowest: Duration,
    most_uncharged: u64,
}

/// One turn of the runtime, checked: its wall time, and what it allocated against what the
/// case has charged since `case_start` (a list built item by item is charged per item, but
/// reallocated to twice its size in one turn now and then).
fn turn(stats: &mut Stats, case_start: u64, what: impl FnOnce()) -> Result<(), Trouble> {
    let (a0, t0) = (allocated(), Instant::now());
    what();
    let (took, built, charged) = (
        t0.elapsed(),
        allocated() - a0,
        ops::charged_bytes() - case_start,
    );
    stats.slowest = stats.slowest.max(took);
    stats.most_uncharged = stats.most_uncharged.max(built.saturating_sub(charged));
    if took > SLOW {
        return Err(Trouble::Slow(took));
    }
    if built > FREE_BYTES + 2 * charged {
        return Err(Trouble::Uncharged(built, charged));
    }
    Ok(())
}

/// What each fuzzing thread is running, and since when: a case stuck inside one turn never
/// returns to be checked, so a watchdog thread names it and stops the binary.
static RUNNING: Mutex<BTreeMap<String, (Instant, String)>> = Mutex::new(BTreeMap::new());
/// A case that has not come back after this long is stuck.
const STUCK: Duration = Duration::from_secs(20);

fn watchdog() {
    static START: Once = Once::new();
    START.call_once(|| {
        std::thread::spawn(|| loop {
            std::thread::sleep(Duration::from_secs(1));
            let running = RUNNING.lock().unwrap_or_else(|e| e.into_inner());
            for (test, (since, line)) in running.iter() {
                if since.elapsed() > STUCK {
                    eprintln!(
                        "\n{test}: stuck for {} s in the case: {line}",
                        STUCK.as_secs()
                    );
                    std::process::abort();
                }
            }
        });
    });
}

fn run_case(rig: &mut Rig, stats: &mut Stats, line: &str) -> Result<(), Trouble> {
    stats.cases += 1;
    if std::env::var_os("REDFOUR_FUZZ_TRACE").is_some() {
        // a stack overflow aborts the binary without a report: this names the case
        eprintln!("case: {line}");
    }
    CASE.with(|c| *c.borrow_mut() = line.to_string());
    let me = format!("{:?}", std::thread::current().id());
    RUNNING
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(me.clone(), (Instant::now(), line.to_string()));
    let outcome = run_case_inner(rig, stats, line);
    RUNNING
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .remove(&me);
    outcome
}

fn run_case_inner(rig: &mut Rig, stats: &mut Stats, line: &str) -> Result<(), Trouble> {
    let outcome = catch_unwind(AssertUnwindSafe(|| -> Result<(), Trouble> {
        let c = &mut rig.console;
        let charged = ops::charged_bytes();
        turn(stats, charged, || {
            c.submit(line);
            c.flush_pending();
        })?;
        for _ in 0..TURNS {
            if !c.busy() {
                break;
            }
            let rt = rig.rt.clone();
            turn(stats, charged, || {
                if rt.runnable() {
                    rt.run(100);
                } else if let Some(at) = rt.next_deadline() {
                    // a sleep or a timeout: jump the clock, a few seconds of the store at most
                    rt.advance_bounded(at.saturating_sub(rt.now()).clamp(1, 5_000), 2_000);
                }
                c.collect();
            })?;
            if !rig.rt.runnable() && rig.rt.next_deadline().is_none() {
                break;
            }
        }
        if c.busy() {
            c.interrupt();
        }
        Ok(())
    }));
    match outcome {
        Ok(r) => r,
        Err(_) => Err(Trouble::Panicked(
            LAST_PANIC
                .with(|p| p.borrow_mut().take())
                .unwrap_or_default(),
        )),
    }
}

/// Panics inside a case are caught and kept for the report; anywhere else they print.
fn quiet_panics() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if FUZZING.with(|f| f.get()) {
            let at = info
                .location()
                .map(|l| format!(" at {}:{}", l.file(), l.line()))
                .unwrap_or_default();
            let msg = info
                .payload()
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| info.payload().downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            LAST_PANIC.with(|p| *p.borrow_mut() = Some(format!("{msg}{at}")));
        } else {
            default(info);
        }
    }));
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Runs `lines` (grouped: a new console for each group, so a case that stops the store or
/// moves the clock far cannot spoil another group), and fails with every trouble found.
fn fuzz(title: &str, groups: Vec<(String, Vec<String>)>) {
    quiet_panics();
    watchdog();
    FUZZING.with(|f| f.set(true));
    let started = Instant::now();
    let mut stats = Stats {
        cases: 0,
        slowest: Duration::ZERO,
        most_uncharged: 0,
        slow_cases: Vec::new(),
    };
    let mut troubles: Vec<(String, String, Trouble)> = Vec::new();
    let mut reported: BTreeSet<String> = BTreeSet::new();
    for (group, lines) in groups {
        let mut r = rig();
        for line in lines {
            if reported.contains(&group) {
                break; // one report per function is enough
            }
            let t0 = Instant::now();
            let outcome = run_case(&mut r, &mut stats, &line);
            stats.slow_cases.push((t0.elapsed(), line.clone()));
            stats.slow_cases.sort_by_key(|c| std::cmp::Reverse(c.0));
            stats.slow_cases.truncate(3);
            if let Err(t) = outcome {
                reported.insert(group.clone());
                troubles.push((group.clone(), line.clone(), t));
                r = rig(); // a runtime that panicked mid-poll is not to be trusted
            }
        }
    }
    FUZZING.with(|f| f.set(false));
    println!(
        "{title}: {} cases in {:.1} s; slowest turn {:.1} ms; most allocated uncharged in a turn {} KB",
        stats.cases,
        started.elapsed().as_secs_f64(),
        stats.slowest.as_secs_f64() * 1e3,
        stats.most_uncharged / 1024,
    );
    for (took, line) in &stats.slow_cases {
        println!("  slowest case: {:.0} ms  {line}", took.as_secs_f64() * 1e3);
    }
    if !troubles.is_empty() {
        let list: Vec<String> = troubles
            .iter()
            .map(|(g, line, t)| format!("  {g}: {line}\n    {t:?}"))
            .collect();
        panic!(
            "{} of them went wrong:\n{}",
            troubles.len(),
            list.join("\n")
        );
    }
}

fn elixir_name(module: &str) -> String {
    match module.strip_prefix("Elixir.") {
        Some(m) => m.to_string(),
        None => format!(":{module}"),
    }
}

/// Every function of every native table, with random arguments of its arity.
#[test]
fn every_native_function_answers_or_raises_whatever_its_arguments() {
    let seed = env_number("REDFOUR_FUZZ_SEED", 28);
    let per_fun = env_number("REDFOUR_FUZZ_CASES", 300) as usize;
    let mut rng = Rng(seed);
    let mut groups = Vec::new();
    // the console's whole table: the library's rows, then the store's
    let natives = rig().console.natives().clone();
    for (module, name, arity) in natives.rows() {
        let callee = format!("{}.{}", elixir_name(module), quoted(&name.name()));
        let mut lines = Vec::with_capacity(per_fun);
        let cases = if arity == 0 { 1 } else { per_fun };
        for _ in 0..cases {
            let args: Vec<String> = (0..arity).map(|_| term(&mut rng)).collect();
            lines.push(format!("{callee}({})", args.join(", ")));
        }
        groups.push((format!("{callee}/{arity}"), lines));
    }
    assert!(
        groups.len() > 300,
        "the tables list {} functions",
        groups.len()
    );
    fuzz("native functions", groups);
}

/// A function name as a remote call needs it: `Kernel.+`, `:erlang."=<"`.
fn quoted(name: &str) -> String {
    if name
        .chars()
        .all(|c| c.is_alphanumeric() || "_?!".contains(c))
    {
        name.to_string()
    } else {
        format!("{name:?}")
    }
}

const BINARY_OPS: &[&str] = &[
    "+", "-", "*", "/", "==", "!=", "===", "!==", "<", ">", "<=", ">=", "&&", "||", "and", "or",
    "<>", "++", "--", "in", "not in", "|>", "..", "**", "=", "<-", "\\\\",
];
const UNARY_OPS: &[&str] = &["-", "+", "!", "not ", "^", "&", "@"];

/// Operators between random terms, and unary operators on them.
#[test]
fn every_operator_answers_or_raises_whatever_its_operands() {
    let seed = env_number("REDFOUR_FUZZ_SEED", 28);
    let per_op = env_number("REDFOUR_FUZZ_CASES", 300) as usize;
    let mut rng = Rng(seed ^ 0x0b);
    let mut groups = Vec::new();
    for op in BINARY_OPS {
        let lines = (0..per_op)
            .map(|_| format!("{} {op} {}", term(&mut rng), term(&mut rng)))
            .collect();
        groups.push((format!("a {op} b"), lines));
    }
    for op in UNARY_OPS {
        let lines = (0..per_op / 3)
            .map(|_| format!("{op}{}", term(&mut rng)))
            .collect();
        groups.push((format!("{op}a"), lines));
    }
    // steps and ranges with edge integers
    let lines = (0..per_op)
        .map(|_| {
            format!(
                "Enum.take({}..{}//{}, 3)",
                rng.pick(INTEGERS),
                rng.pick(INTEGERS),
                rng.pick(INTEGERS)
            )
        })
        .collect();
    groups.push(("a..b//c".into(), lines));
    fuzz("operators", groups);
}

/// Number literals at and past the edges of 64 bits, in every base, and random ones.
#[test]
fn number_literals_answer_or_raise_a_syntax_error() {
    let mut lines: Vec<String> = [
        "9223372036854775807",
        "9223372036854775808",
        "-9223372036854775808",
        "-9223372036854775809",
        "0x7FFFFFFFFFFFFFFF",
        "0x8000000000000000",
        "0xFFFFFFFFFFFFFFFFFFFF",
        "-0x8000000000000000",
        "0b1111111111111111111111111111111111111111111111111111111111111111",
        "0o1777777777777777777777",
        "0o7777777777777777777777",
        "1.0e400",
        "-1.0e400",
        "1.0e-400",
        "1.7976931348623157e308",
        "0b",
        "0x",
        "0o",
        "0xG",
        "0b2",
        "1_",
        "1__0",
        "0x_1",
        "1e10",
        "1.e5",
        ".5",
        "1.0e",
        "1.0e+",
        "1.0e99999999999999999999",
        "?a",
        "?",
        "?\\x",
        "?\\u{110000}",
        "\"\\u{110000}\"",
        "\"\\x{FFFFFFFFFF}\"",
        "99999999999999999999999999999999999999999999 + 1",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let mut rng = Rng(env_number("REDFOUR_FUZZ_SEED", 28) ^ 0x1e);
    let digits = ["0123456789_", "0123456789abcdefABCDEF_", "01_", "01234567_"];
    let prefixes = ["", "0x", "0b", "0o"];
    for _ in 0..env_number("REDFOUR_FUZZ_CASES", 300) * 4 {
        let p = rng.below(4);
        let len = 1 + rng.below(30);
        let mut s = String::from(if rng.below(4) == 0 { "-" } else { "" });
        s.push_str(prefixes[p]);
        for _ in 0..len {
            let alphabet = digits[if rng.below(8) == 0 { 1 } else { p }].as_bytes();
            s.push(alphabet[rng.below(alphabet.len())] as char);
        }
        if p == 0 && rng.below(2) == 0 {
            s.push('.');
            s.push_str(&"0123456789"[..1 + rng.below(9)]);
            if rng.below(2) == 0 {
                s.push_str(&format!(
                    "e{}{}",
                    ["", "-", "+"][rng.below(3)],
                    rng.next() % 2_000
                ));
            }
        }
        lines.push(s);
    }
    fuzz("number literals", vec![("literals".into(), lines)]);
}

/// Random token soup: the tokenizer and parser answer a syntax error or a value, whatever
/// is pasted.
#[test]
fn random_token_soup_answers_or_raises() {
    const TOKENS: &[&str] = &[
        "(",
        ")",
        "[",
        "]",
        "{",
        "}",
        "%{",
        "%",
        "<<",
        ">>",
        "do",
        "end",
        "fn",
        "->",
        ",",
        ".",
        ":",
        "::",
        "\"",
        "'",
        "#{",
        "|",
        "&",
        "&1",
        "@",
        "^",
        "~",
        "\\",
        "1",
        "a",
        "A",
        "x",
        "=",
        "+",
        "-",
        "when",
        "case",
        "cond",
        "if",
        "else",
        "for",
        "<-",
        "with",
        "receive",
        "after",
        "try",
        "rescue",
        "catch",
        ";",
        "\n",
        " ",
        "\"a\"",
        ":b",
        "c:",
        "..",
        "//",
        "?",
        "?a",
        "1.0",
        "|>",
        "defmodule",
        "def",
        "__MODULE__",
        "%A{}",
        "nil",
        "&&",
        "**",
        "~r/a/",
        "~s(x)",
        "'''",
        "\"\"\"",
    ];
    let mut rng = Rng(env_number("REDFOUR_FUZZ_SEED", 28) ^ 0x50);
    let lines = (0..env_number("REDFOUR_FUZZ_CASES", 300) * 10)
        .map(|_| {
            let n = 1 + rng.below(14);
            (0..n)
                .map(|_| rng.pick(TOKENS))
                .collect::<Vec<_>>()
                .join("")
        })
        .collect();
    fuzz("token soup", vec![("soup".into(), lines)]);
}

/// Every row of the table has code behind it: called with its arity (any arguments), no
/// native function answers "undefined" — the table and the modules' dispatch are kept in
/// step (a row added without its clause, or a clause renamed, fails here).
#[test]
fn every_row_of_the_native_table_is_dispatched() {
    let mut r = rig();
    let natives = r.console.natives().clone();
    let mut missing = Vec::new();
    let mut rows = 0;
    for (module, name, arity) in natives.rows() {
        rows += 1;
        let shown = elixir_name(module);
        let callee = format!("{shown}.{}", quoted(&name.name()));
        let args = vec!["nil"; arity].join(", ");
        let line = format!("{callee}({args})");
        r.console.submit(&line);
        for _ in 0..TURNS {
            r.console.settle();
            if !r.console.busy() {
                break;
            }
        }
        if r.console.busy() {
            r.console.interrupt();
            continue;
        }
        let out = r
            .console
            .entries
            .last()
            .and_then(|e| e.output.clone())
            .unwrap_or_default();
        let undefined = format!("function {shown}.{}/{arity} is undefined", name.name());
        if rows < 4 || std::env::var_os("REDFOUR_FUZZ_TRACE").is_some() {
            eprintln!("{line} => {out}");
        }
        if out.contains(&undefined) {
            missing.push(line);
        }
    }
    assert!(rows > 300, "{rows} rows");
    assert!(missing.is_empty(), "rows without code: {missing:#?}");
}
