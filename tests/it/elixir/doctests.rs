//! Elixir's own documentation, typed into the console: every `iex>` example of the standard
//! library's docs (`tests/fixtures/docs/*.jsonl`, made from real Elixir 1.14 by
//! `elixir scripts/doc-examples.exs tests/fixtures/docs`, which also evaluated each example
//! there for its expected answer; the examples of one doc entry share their variables, as a
//! doctest does). Prints `doctests: Module P/T` per module; each module must answer at least
//! as many as it did when the floor below was last raised (issue 25's goal is 97%).
//! `REDFOUR_DOCTESTS_SHOW=Enum` prints that module's misses.
#![cfg(not(target_arch = "wasm32"))]

use redfour::console::Console;
use redfour::runtime::Runtime;
use serde::Deserialize;

#[derive(Deserialize)]
struct Entry {
    fun: String,
    lines: Vec<Line>,
}

#[derive(Deserialize)]
struct Line {
    input: String,
    expect: String,
    /// "no": its answer is the run's (a `#Function<…>`); it runs for the lines after it.
    check: String,
}

/// Examples whose documented answer Elixir 1.14 gets wrong: the console answers the truth
/// and these are left out of the count (shown with the run).
const ELIXIR_IS_WRONG: &[(&str, &str)] = &[
    (
        "Range.disjoint?(1..100//14, 51..8//-21)",
        "51..8//-21 is 51, 30, 9 and 1..100//14 never meets them: disjoint (1.14 answers false)",
    ),
    (
        "Range.disjoint?(2..28//3, 9..28//5)",
        "both hold 14 (2 + 3·4, 9 + 5·1): not disjoint (1.14 answers true)",
    ),
];

/// Lines each module answers as iex does, at least (raise it as the library grows).
const FLOORS: &[(&str, usize)] = &[
    ("Access", 87),
    ("Atom", 11),
    ("Base", 49),
    ("Bitwise", 24),
    ("Enum", 243),
    ("Float", 40),
    ("Function", 24),
    ("Integer", 65),
    ("Kernel", 283),
    ("Keyword", 127),
    ("List", 128),
    ("Map", 84),
    ("MapSet", 36),
    ("Range", 55),
    ("Regex", 44),
    ("Stream", 72),
    ("String", 235),
    ("Tuple", 18),
];

fn is_stack_line(line: &str) -> bool {
    let Some(rest) = line.strip_prefix("    ") else {
        return false;
    };
    rest.starts_with('(') || rest.starts_with("iex:") || rest.starts_with(':')
}

/// Without warnings, stack lines and iex's account of a FunctionClauseError's arguments,
/// which the fixtures (evaluated with `Code.eval_string`, messages by `Exception.message/1`)
/// do not have.
fn normalize(text: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    let mut skipping = false;
    let mut blaming = false;
    for line in text.split('\n') {
        if line.starts_with("    The following arguments were given to ") {
            blaming = true;
            // the blank line before it
            if out.last().is_some_and(|l| l.is_empty()) {
                out.pop();
            }
            continue;
        }
        if blaming {
            if line.trim().is_empty() || line.starts_with("    ") {
                continue;
            }
            blaming = false;
        }
        if line.starts_with("warning: ") {
            skipping = true;
            continue;
        }
        if skipping {
            if line.trim().is_empty() {
                skipping = false;
            }
            if line.starts_with("  ") || line.trim().is_empty() {
                continue;
            }
            skipping = false;
        }
        if is_stack_line(line) {
            continue;
        }
        out.push(line.trim_end());
    }
    // where a CompileError happened: `nofile:1:` in the fixture, `iex:7:` in the console
    let text = out.join("\n");
    let mut s = String::new();
    let mut rest = text.as_str();
    while let Some(i) = rest.find("(CompileError) ") {
        let (head, tail) = rest.split_at(i + "(CompileError) ".len());
        s.push_str(head);
        let loc = tail.split(' ').next().unwrap_or("");
        let is_loc = loc.ends_with(':') && (loc.starts_with("nofile:") || loc.starts_with("iex:"));
        if is_loc {
            s.push_str("<line>:");
            rest = &tail[loc.len()..];
        } else {
            rest = tail;
        }
    }
    s.push_str(rest);
    s.trim().to_string()
}

/// Types `input` a line at a time, as a learner pastes it, and reads what the console said,
/// an answer per expression (`a = 1\nb = a + 1` is two).
fn answers(c: &mut Console, input: &str) -> Vec<String> {
    let first = c.entries.len();
    for line in input.split('\n') {
        c.submit(line);
    }
    c.flush_pending();
    for _ in 0..200 {
        c.settle();
        if !c.busy() {
            break;
        }
    }
    if c.busy() {
        c.interrupt();
    }
    c.entries[first..]
        .iter()
        .filter(|e| !e.notice)
        .filter_map(|e| e.output.clone())
        .collect::<Vec<_>>()
}

fn answer(c: &mut Console, input: &str) -> String {
    answers(c, input).join("\n")
}

#[test]
fn the_standard_librarys_documentation_examples() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/docs/");
    let show = std::env::var("REDFOUR_DOCTESTS_SHOW").unwrap_or_default();
    let mut modules: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| {
            let name = e.ok()?.file_name().into_string().ok()?;
            name.strip_suffix(".jsonl").map(String::from)
        })
        .collect();
    modules.sort();
    assert!(modules.len() >= 18, "{modules:?}");
    let (mut all_pass, mut all_total) = (0, 0);
    let mut below = Vec::new();
    for module in &modules {
        let text = std::fs::read_to_string(format!("{dir}{module}.jsonl")).unwrap();
        let mut c = Console::new(Runtime::new(1));
        let (mut pass, mut total) = (0, 0);
        for row in text.lines().filter(|l| !l.trim().is_empty()) {
            let entry: Entry = serde_json::from_str(row).unwrap();
            // each doc entry starts afresh, as a doctest does: no variables, no messages
            answer(&mut c, "respawn()");
            for line in &entry.lines {
                let said = answers(&mut c, &line.input);
                let got = normalize(&said.join("\n"));
                // an example of two expressions (`a = …` then a call on a `...>` line) is
                // two inputs to iex; the fixture has the last one's value
                let last = normalize(said.last().map_or("", |s| s.as_str()));
                if line.check == "no" {
                    continue;
                }
                if let Some((_, why)) = ELIXIR_IS_WRONG.iter().find(|(l, _)| *l == line.input) {
                    println!("doctests: left out {}: {why}", line.input);
                    continue;
                }
                total += 1;
                let expect = normalize(&line.expect);
                if got == expect || (said.len() > 1 && last == expect) {
                    pass += 1;
                } else if show == *module || show == "all" {
                    println!(
                        "--- {}\n{}\nelixir: {}\nconsole: {}",
                        entry.fun, line.input, line.expect, got
                    );
                }
            }
        }
        println!("doctests: {module} {pass}/{total}");
        all_pass += pass;
        all_total += total;
        if let Some((_, floor)) = FLOORS.iter().find(|(m, _)| m == module) {
            if pass < *floor {
                below.push(format!("{module}: {pass} < {floor}"));
            }
        }
    }
    println!(
        "doctests: all {all_pass}/{all_total} ({:.0}%)",
        100.0 * all_pass as f64 / all_total.max(1) as f64
    );
    assert!(
        below.is_empty(),
        "fewer examples answered than before: {below:?}"
    );
}
