//! What protects the tab: whatever is typed, the console answers without a panic, a stack
//! overflow or a frozen page. Endless loops are preempted and can be interrupted; tail calls
//! run in constant space; deep recursion and huge allocations end in a clear error.
#![cfg(not(target_arch = "wasm32"))]

use crate::support;
use proptest::prelude::*;
use redfour::console::Console;
use redfour::runtime::Runtime;

fn console() -> (Runtime, Console) {
    support::console(3)
}

#[test]
fn deep_nesting_in_the_input_is_refused_with_a_message() {
    let (_rt, mut c) = console();
    for input in [
        format!("{}1{}", "(".repeat(20_000), ")".repeat(20_000)),
        format!("{}{}", "[".repeat(20_000), "]".repeat(20_000)),
        format!("{}{}", "{".repeat(20_000), "}".repeat(20_000)),
        format!("{}1{}", "\"#{".repeat(5_000), "}\"".repeat(5_000)),
        format!("{}1{}", "fn -> ".repeat(5_000), " end".repeat(5_000)),
        format!("{}1", "- ".repeat(50_000)),
        format!("{}1{}", "if true do ".repeat(5_000), " end".repeat(5_000)),
        format!("{}1{}", "%{a: ".repeat(5_000), "}".repeat(5_000)),
        format!("{}1", "1 <> ".repeat(50_000)),
    ] {
        let out = c.eval(&input);
        assert!(
            out.starts_with("** (SyntaxError)"),
            "{}…: {out}",
            &input[..20]
        );
        assert!(out.contains("nested") || out.contains("operators"), "{out}");
    }
    // just under the limits, nesting is fine
    for input in [
        format!("{}1{}", "(".repeat(99), ")".repeat(99)),
        format!("{}{}", "[".repeat(99), "]".repeat(99)),
        format!("{}{}", "{".repeat(49), "}".repeat(49)),
        format!("{}1{}", "fn -> ".repeat(24), " end".repeat(24)),
        format!("{}1{}", "if true do ".repeat(24), " end".repeat(24)),
    ] {
        assert!(!c.eval(&input).starts_with("**"), "{input}");
    }
    // a long left-associative chain is fine up to the limit, and evaluates
    let sum = format!("1{}", " + 1".repeat(1_999));
    assert_eq!(c.eval(&sum), "2000");
    let too_long = format!("1{}", " + 1".repeat(5_000));
    assert!(c.eval(&too_long).contains("more than 2000 operators"));
}

/// Twenty frames of 100 virtual ms, as the page runs them: the virtual clock must move on
/// whatever the console is doing.
fn two_seconds_of_frames(rt: &Runtime, c: &mut Console) {
    let t0 = rt.now();
    for _ in 0..20 {
        rt.advance_bounded(100, 20_000);
        c.poll();
    }
    assert!(rt.now() >= t0 + 2_000, "virtual time went on");
}

#[test]
fn an_endless_loop_is_preempted_the_store_goes_on_and_ctrl_c_stops_it() {
    let (rt, mut c) = console();
    c.eval("defmodule Spin do\n  def spin, do: spin()\nend");
    c.submit("Spin.spin()");
    let shell = c.shell_pid().unwrap();
    // The store answers while the shell spins: a session starts and takes an item.
    two_seconds_of_frames(&rt, &mut c);
    assert!(c.busy(), "still spinning");
    let info = rt.process_info(shell).unwrap();
    // each frame gives interpreted code its slice of work (15,000 reductions)
    assert!(
        info.reductions > 200_000,
        "reductions grow: {}",
        info.reductions
    );
    c.interrupt();
    assert!(!c.busy());
    assert_eq!(c.eval("1 + 1"), "2", "a new shell answers");
}

#[test]
fn tail_calls_run_in_constant_space_for_millions_of_iterations() {
    let (_rt, mut c) = console();
    c.eval(
        "defmodule Count do\n  def down(0, acc), do: acc\n  def down(n, acc) do\n    case rem(n, 2) do\n      0 -> down(n - 1, acc + 1)\n      _ -> if true, do: down(n - 1, acc), else: :never\n    end\n  end\nend",
    );
    c.submit("Count.down(1_000_000, 0)");
    for _ in 0..400 {
        c.settle();
        if !c.busy() {
            break;
        }
    }
    assert_eq!(c.entries.last().unwrap().output.as_deref(), Some("500000"));
    // an anonymous function's recursion through a module, and Enum over a big range
    assert_eq!(c.eval("Enum.reduce(1..1_000_000, 0, &+/2)"), "500000500000");
}

#[test]
fn deep_non_tail_recursion_ends_in_a_clear_error() {
    let (_rt, mut c) = console();
    c.eval("defmodule Deep do\n  def sum(0), do: 0\n  def sum(n), do: n + sum(n - 1)\nend");
    assert_eq!(
        c.eval("Deep.sum(100_000)"),
        "5000050000",
        "a deep recursion learners write works"
    );
    c.submit("Deep.sum(10_000_000)");
    for _ in 0..400 {
        c.settle();
        if !c.busy() {
            break;
        }
    }
    let out = c.entries.last().unwrap().output.clone().unwrap_or_default();
    assert!(out.starts_with("** (SystemLimitError)"), "{out}");
    assert!(out.contains("not a tail call"), "{out}");
    assert_eq!(c.eval("Deep.sum(10)"), "55", "the shell goes on");
}

#[test]
fn huge_allocations_end_in_a_clear_error() {
    let (_rt, mut c) = console();
    for input in [
        "Enum.to_list(1..100_000_000)",
        "String.duplicate(\"abc\", 1_000_000_000)",
        "Enum.reduce(1..40, [1], fn _, acc -> acc ++ acc end)",
        "List.duplicate(:x, 50_000_000)",
    ] {
        let out = c.eval(input);
        // the operation's own limit, or the process's max_heap_size (OTP's way: killed)
        assert!(
            out.contains("** (SystemLimitError) a system limit has been reached")
                || out.contains("shell process exited with reason: killed"),
            "{input}: {out}"
        );
    }
    // deeply nested values are built, compared, printed and freed without recursion
    assert_eq!(
        c.eval("x = Enum.reduce(1..300_000, nil, fn i, acc -> {i, acc} end); x == x"),
        "true"
    );
    assert!(c.eval("x").starts_with("{300000,\n {299999,\n  {299998,"));
    assert_eq!(c.eval("x = nil"), "nil");
}

#[test]
fn printing_forever_is_cut_and_loses_nothing_else() {
    let (_rt, mut c) = console();
    let out = c.eval("Enum.each(1..300_000, fn i -> IO.puts(\"line #{i}\") end)");
    assert!(out.len() < 1_100_000, "{}", out.len());
    assert!(out.contains("[output cut: more than 1 MB]"));
    assert!(out.ends_with(":ok"));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    /// Random soup of the language's tokens: always an answer, never a panic or a hang.
    #[test]
    fn elixir_token_soup_ends_in_an_answer(parts in proptest::collection::vec(prop_oneof![
        Just("fn"), Just("->"), Just("end"), Just("do"), Just("case"), Just("cond"), Just("if"),
        Just("else"), Just("x"), Just("y"), Just("="), Just("+"), Just("*"), Just("<>"), Just("++"),
        Just(".."), Just("&"), Just("&1"), Just("("), Just(")"), Just("["), Just("]"), Just("{"),
        Just("}"), Just("%{"), Just(","), Just("|"), Just("|>"), Just("when"), Just("1"), Just("2.5"),
        Just(":a"), Just("\"s\""), Just("\"#{"), Just("}\""), Just("Enum.map"), Just("String.upcase"),
        Just("for"), Just("<-"), Just("with"), Just("try"), Just("rescue"), Just("raise"), Just("a:"),
        Just("\n"), Just(";"), Just("^"), Just("_"), Just("defmodule M do"), Just("def f(n)"),
        Just("f(n)"), Just("M.f"), Just("@a"), Just("\\\\"), Just("'c'"), Just("~w(a b)"), Just("."),
    ], 0..30)) {
        let (_rt, mut c) = console();
        let input = parts.join(" ");
        c.eval(&input);
        prop_assert!(!c.busy(), "still running after {:?}", input);
        prop_assert!(c.entries.iter().all(|e| e.output.is_some()));
    }
}

/// `Enum.reduce` with an operator capture runs natively (faster than iex's erl_eval), but
/// a slice at a time: over a range of 10^11 the process still yields, the store goes on,
/// and Ctrl-C stops it.
#[test]
fn a_native_reduction_over_a_huge_range_yields_and_can_be_interrupted() {
    let (rt, mut c) = console();
    c.submit("Enum.reduce(1..100_000_000_000, 0, &+/2)");
    two_seconds_of_frames(&rt, &mut c);
    assert!(c.busy(), "still adding");
    c.interrupt();
    assert!(!c.busy());
    assert_eq!(c.eval("Enum.reduce(1..1_000_000, 0, &+/2)"), "500000500000");
}

/// Catastrophic backtracking (`(a+)+$` against a long run of `a`s with no match) ends with
/// a clear error within the matcher's step limit, and the console answers the next line;
/// patterns that do not blow up answer as PCRE does, on long inputs too.
#[test]
fn a_pathological_regex_ends_with_a_clear_error_and_the_console_goes_on() {
    let (_rt, mut c) = console();
    for (line, want) in [
        (
            r#"Regex.run(~r/^(a+)+$/, String.duplicate("a", 40) <> "b")"#,
            "** (RuntimeError) the regular expression gave up after 5000000 steps",
        ),
        (
            r#"Regex.match?(~r/(x+x+)+y/, String.duplicate("x", 5_000))"#,
            "** (RuntimeError) the regular expression gave up",
        ),
        (
            r#"String.duplicate("ab", 100_000) =~ ~r/(ab)+c/"#,
            "** (RuntimeError) the regular expression gave up",
        ),
        (
            r#"Regex.scan(~r/\d+/, String.duplicate("a1", 20_000)) |> length()"#,
            "20000",
        ),
        (r#"String.duplicate("x", 200_000) =~ ~r/x$/"#, "true"),
    ] {
        let started = std::time::Instant::now();
        let out = c.eval(line);
        assert!(out.starts_with(want), "{line}: {out}");
        // in a debug build: the limit holds each search to well under a few seconds
        assert!(
            started.elapsed().as_secs() < 20,
            "{line} took {:?}",
            started.elapsed()
        );
    }
    assert_eq!(c.eval("1 + 1"), "2");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    /// Random patterns from a small alphabet of regex pieces, on random text: each compiles
    /// or is refused with a message, and a match answers or stops with the limit's error.
    #[test]
    fn random_regexes_answer_or_refuse_without_a_panic(
        pattern in proptest::collection::vec(prop::sample::select(vec![
            "a", "b", ".", "*", "+", "?", "(", ")", "|", "[ab]", "[^a]", "\\d", "\\w", "^", "$",
            "{2}", "{1,3}", "(?:", "(?=", "(?<=a)", "\\1", "*?", "\\b",
        ]), 0..12),
        text in "[ab1 ]{0,40}",
    ) {
        let (_rt, mut c) = console();
        let source = pattern.concat().replace('"', "");
        let line = format!("Regex.compile({source:?}) |> elem(0)");
        let compiled = c.eval(&line);
        prop_assert!(compiled == ":ok" || compiled == ":error", "{line}: {compiled}");
        if compiled == ":ok" {
            let run = format!("Regex.scan(Regex.compile!({source:?}), {text:?}) |> length()");
            let out = c.eval(&run);
            prop_assert!(
                out.parse::<usize>().is_ok() || out.contains("gave up"),
                "{run}: {out}"
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    /// Random integer segments (sizes 1 to 63 bits, signed or not, big or little endian for
    /// whole bytes) built into a bitstring with a binary after them, then matched back with
    /// the same specs: every value and the binary come back.
    #[test]
    fn bitstrings_built_and_matched_give_their_values_back(
        segs in proptest::collection::vec((1u32..=63, any::<i64>(), any::<bool>(), any::<bool>()), 1..6),
    ) {
        let (_rt, mut c) = console();
        let mut build = Vec::new();
        let mut pattern = Vec::new();
        let mut want = Vec::new();
        for (i, (n, raw, signed, little)) in segs.iter().enumerate() {
            let n = *n;
            let little = *little && n % 8 == 0;
            // the value the n bits hold, as the pattern reads them back
            let v: i64 = if *signed {
                let shift = 64 - n;
                (raw << shift) >> shift
            } else {
                ((*raw as u64) & (u64::MAX >> (64 - n))) as i64
            };
            let spec = format!(
                "size({n})-{}-{}",
                if *signed { "signed" } else { "unsigned" },
                if little { "little" } else { "big" }
            );
            build.push(format!("{v}::{spec}"));
            pattern.push(format!("a{i}::{spec}"));
            want.push(v.to_string());
        }
        let names: Vec<String> = (0..segs.len()).map(|i| format!("a{i}")).collect();
        let line = format!(
            // `:v` first, so that small values never print as a charlist (`[7]` is '\a')
            "<<{}, rest::bits>> = <<{}, \"ab\">>; {{[:v, {}], rest}}",
            pattern.join(", "),
            build.join(", "),
            names.join(", ")
        );
        let out = c.eval(&line);
        let expect = format!("{{[:v, {}], \"ab\"}}", want.join(", "));
        prop_assert!(out.ends_with(&expect) || out.replace('\n', "").replace("  ", " ").ends_with(&expect), "{line}\n => {out}\n want {expect}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]
    /// Integer arithmetic across the 64-bit edge: the console's `+`, `-`, `*`, `div`, `rem`,
    /// comparisons and `Integer.to_string/2` on random 64-bit operands (some made big by a
    /// product first) agree with Rust's `i128`.
    #[test]
    fn big_integer_arithmetic_agrees_with_i128(
        a in any::<i64>(), b in any::<i64>(), k in -3i64..=3, base in 2u32..=36,
    ) {
        let (_rt, mut c) = console();
        // x = a * 3 (past 64 bits for a large a), y = b / 4 + k (so x * y fits an i128)
        let x = a as i128 * 3;
        let y = (b / 4) as i128 + k as i128;
        let line = format!(
            "x = {a} * 3; y = div({b}, 4) + {k}; [x + y, x - y, x * y, div(x, y), rem(x, y), x < y, x == y, -x, abs(x)]"
        );
        let out = c.eval(&line).replace(['\n', ' '], "");
        let want = if y == 0 {
            None
        } else {
            Some(format!(
                "[{},{},{},{},{},{},{},{},{}]",
                x + y, x - y, x * y, x / y, x % y, x < y, x == y, -x, x.abs()
            ))
        };
        match want {
            Some(w) => prop_assert_eq!(out, w, "{}", line),
            None => prop_assert!(out.contains("ArithmeticError"), "{}: {}", line, out),
        }
        let text = c.eval(&format!("Integer.to_string({a} * 3, {base})"));
        let back = c.eval(&format!("String.to_integer({text}, {base}) == {a} * 3"));
        prop_assert_eq!(back, "true", "{}", text);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    /// Integer segments wider than 64 bits (65 to 200, signed or not, either endianness for
    /// whole bytes) built from a big value and matched back give the value modulo 2^size.
    #[test]
    fn wide_integer_segments_round_trip(
        n in 65u32..=200, a in any::<i64>(), b in any::<u64>(), signed in any::<bool>(), little in any::<bool>(),
    ) {
        let (_rt, mut c) = console();
        let little = little && n % 8 == 0;
        let spec = format!(
            "size({n})-{}-{}",
            if signed { "signed" } else { "unsigned" },
            if little { "little" } else { "big" }
        );
        // v = a * 2^64 + b: up to 128 bits, so it fits the segment (n >= 65) or wraps
        let line = format!(
            "import Bitwise; v = ({a} <<< 64) + {b}; <<w::{spec}>> = <<v::{spec}>>; \
             m = v &&& ((1 <<< {n}) - 1); \
             want = if {signed} and m >= (1 <<< ({n} - 1)), do: m - (1 <<< {n}), else: m; w == want"
        );
        prop_assert_eq!(c.eval(&line), "true", "{}", line);
    }
}

#[test]
fn huge_integers_end_in_a_clear_error_not_a_frozen_tab() {
    let (_rt, mut c) = console();
    for line in [
        "2 ** 100_000_000",
        "Integer.pow(10, 1_000_000)",
        // a small base whose width the old estimate (bits - 1 per power) put at 1,000,000
        "Integer.pow(3, 1_000_000)",
        "import Bitwise; 1 <<< 10_000_000",
        "Enum.reduce(1..200_000, 1, &*/2)",
    ] {
        let out = c.eval(line);
        assert!(
            out.contains("SystemLimitError") && out.contains("wider than this console holds"),
            "{line}: {out}"
        );
    }
    // the widest power that fits is answered whole
    let out = c.eval("Integer.pow(2, 1_048_575) |> Integer.to_string() |> String.length()");
    assert_eq!(out, "315653");
    // a join whose result would be 200 MB is refused before it is built
    let out = c.eval("Enum.join(Enum.to_list(1..2_000), String.duplicate(\"ab\", 50_000))");
    assert!(
        out.contains("SystemLimitError") && out.contains("more than this console holds"),
        "{out}"
    );
    // 1000! has 2,568 digits and is answered whole
    let out = c.eval("Enum.reduce(1..1000, 1, &*/2) |> Integer.to_string() |> String.length()");
    assert_eq!(out, "2568");
}
