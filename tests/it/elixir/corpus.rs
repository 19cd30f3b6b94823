//! The console against real iex: each `tests/fixtures/iex/*.exs` was piped into iex 1.14 on
//! OTP 25 (`scripts/capture-iex.sh`), and the `.out` next to it is what iex printed. Here the
//! same lines go into the console and its transcript, printed the way piped iex prints it,
//! must be the same.
//!
//! Compared after removing what cannot or need not match: stacktrace lines (iex prints the
//! BEAM's frames), compiler warnings, the numbers inside `#Function<…>`, pid and reference
//! numbers (compared by identity), and the bytes of a compiled module.
#![cfg(not(target_arch = "wasm32"))]

use crate::support::{by_identity, console};

use redfour::console::BANNER;

/// Runs a corpus file through the console and prints the transcript as piped iex does:
/// prompts without the input echoed, then the output.
fn transcript(input: &str) -> String {
    let (_rt, mut c) = console(9);
    let mut out = format!("{BANNER}\n");
    let mut seen = 0;
    for line in input.lines() {
        c.submit(line);
        c.settle();
        // every finished entry since the last line
        while seen < c.entries.len() {
            let e = &c.entries[seen];
            if e.output.is_none() {
                break;
            }
            seen += 1;
            if e.notice {
                out.push_str(e.output.as_deref().unwrap_or(""));
                out.push('\n');
                continue;
            }
            out.push_str(&format!("iex({})> ", e.number));
            for _ in 1..e.input.lines().count() {
                out.push_str(&format!("...({})> ", e.number));
            }
            out.push_str(e.output.as_deref().unwrap_or(""));
            out.push('\n');
        }
    }
    out.push_str(&format!("{} ", c.prompt()));
    out
}

fn is_stack_line(line: &str) -> bool {
    let Some(rest) = line.strip_prefix("    ") else {
        return false;
    };
    if rest.starts_with(' ') {
        return false;
    }
    rest.starts_with('(')
        || rest.starts_with("iex:")
        || rest.starts_with(':')
        || rest.starts_with("expanding macro")
        || rest.starts_with("expanding struct")
        || rest.split('(').next().is_some_and(|head| {
            head.contains('.')
                && head.chars().next().is_some_and(|c| c.is_ascii_uppercase())
                && !head.contains(' ')
        })
}

/// `12:03:04.567 [notice] …` as `HH:MM:SS.mmm [notice] …`.
fn unstamped(line: &str) -> String {
    let b = line.as_bytes();
    let stamped = b.len() > 13
        && b[2] == b':'
        && b[5] == b':'
        && b[8] == b'.'
        && b[12] == b' '
        && b[13] == b'['
        && [0, 1, 3, 4, 6, 7, 9, 10, 11]
            .iter()
            .all(|&i| b[i].is_ascii_digit());
    if stamped {
        format!("HH:MM:SS.mmm{}", &line[12..])
    } else {
        line.to_string()
    }
}

fn normalize(text: &str) -> Vec<String> {
    // warnings: "warning: …" then indented lines, then a blank line
    let mut lines: Vec<&str> = Vec::new();
    let mut skipping = false;
    for line in text.split('\n') {
        let (prefix, body) = match line.find("warning: ") {
            Some(i) if line[..i].ends_with("> ") || i == 0 => (&line[..i], &line[i..]),
            _ => ("", line),
        };
        if body.starts_with("warning: ") {
            skipping = true;
            if !prefix.is_empty() {
                lines.push(prefix);
            }
            continue;
        }
        if skipping {
            if line.starts_with("  ") || line.trim().is_empty() {
                if line.trim().is_empty() {
                    skipping = false;
                }
                continue;
            }
            skipping = false;
        }
        // iex's own goodbye when the input ends after a shell was restarted
        if is_stack_line(line) || line.ends_with("[notice] SIGTERM received - shutting down") {
            continue;
        }
        // the blank line iex leaves before a new shell's banner
        if line.starts_with("Interactive Elixir") && lines.last().is_some_and(|l| l.is_empty()) {
            lines.pop();
        }
        lines.push(line);
    }
    // a log line's time of day (the console's is the run's virtual clock)
    let stamped: Vec<String> = lines.iter().map(|l| unstamped(l)).collect();
    let lines: Vec<&str> = stamped.iter().map(String::as_str).collect();
    // a prompt left alone by a warning continues on its line
    let mut joined = String::new();
    for l in lines {
        joined.push_str(l.trim_end());
        if !(l.ends_with("> ") && (l.starts_with("iex(") || l.starts_with("...("))) {
            joined.push('\n');
        } else {
            joined.push(' ');
        }
    }
    let text = by_identity(&joined, "#PID<", "#PID<P");
    let text = by_identity(&text, "#Reference<", "#Reference<R");
    // `#Function<42.3316493/1 in :erl_eval.expr/6>`: keep the arity and where it was made
    let mut text = text;
    let mut from = 0;
    while let Some(i) = text[from..].find("#Function<").map(|i| i + from) {
        let start = i + "#Function<".len();
        match text[start..].find('/') {
            Some(slash) => text.replace_range(start..start + slash, ""),
            None => break,
        }
        from = start;
    }
    // compiled module bytes
    while let Some(start) = text.find("<<70, 79, 82, 49") {
        let end = text[start..]
            .find(">>")
            .map_or(text.len(), |e| start + e + 2);
        text.replace_range(start..end, "<<BEAM>>");
    }
    let text = text
        .replace(",\n <<BEAM>>", ", <<BEAM>>")
        .replace("<<BEAM>>,\n ", "<<BEAM>>, ");
    // split into entries at prompts
    let mut entries = Vec::new();
    let mut cur = String::new();
    for line in text.split('\n') {
        let mut l = line;
        while let Some(pos) = find_prompt(l) {
            cur.push_str(&l[..pos]);
            entries.push(cur.trim_end().to_string());
            cur = String::new();
            let after = &l[pos..];
            let close = after.find("> ").map_or(after.len(), |e| e + 2);
            cur.push_str(&after[..close]);
            l = &after[close..];
        }
        cur.push_str(l);
        cur.push('\n');
    }
    entries.push(cur.trim_end().to_string());
    entries
        .into_iter()
        .map(|e| {
            let mut out: Vec<&str> = Vec::new();
            for l in e.lines() {
                if l.trim().is_empty() && out.last().is_some_and(|p: &&str| p.trim().is_empty()) {
                    continue;
                }
                out.push(l);
            }
            while out.last().is_some_and(|l| l.trim().is_empty()) {
                out.pop();
            }
            out.join("\n")
        })
        .collect()
}

fn find_prompt(l: &str) -> Option<usize> {
    let p = l.find("iex(")?;
    let rest = &l[p..];
    let close = rest.find(")> ")?;
    rest[..close].split('(').nth(1)?.parse::<u32>().ok()?;
    Some(p)
}

fn check(name: &str) {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/iex/");
    let input = std::fs::read_to_string(format!("{dir}{name}.exs")).unwrap();
    let expected = std::fs::read_to_string(format!("{dir}{name}.out")).unwrap();
    // module functions lowered and run compiled (the default), then the same lines with
    // the tree-walking machine running every function: both must answer as iex does
    for lowered in [true, false] {
        redfour::elixir::machine::set_lowering(lowered);
        let actual = transcript(&input);
        redfour::elixir::machine::set_lowering(true);
        let mode = if lowered { "compiled" } else { "tree-walking" };
        compare(name, mode, &expected, &actual);
    }
}

fn compare(name: &str, mode: &str, expected: &str, actual: &str) {
    let (e, a) = (normalize(expected), normalize(actual));
    let mut report = String::new();
    let mut shown = 0;
    for i in 0..e.len().max(a.len()) {
        let (x, y) = (
            e.get(i).map_or("<missing>", |s| s),
            a.get(i).map_or("<missing>", |s| s),
        );
        if x != y {
            shown += 1;
            if shown <= 8 {
                report.push_str(&format!("--- entry {i}\nreal iex:\n{x}\nconsole:\n{y}\n"));
            }
        }
    }
    if shown > 8 {
        report.push_str(&format!("… and {} more\n", shown - 8));
    }
    assert!(
        report.is_empty(),
        "{name} ({mode} module code): the console differs from iex 1.14:\n{report}"
    );
}

// one test a fixture, named after it: `build.rs` lists `tests/fixtures/iex/*.exs`
include!(concat!(env!("OUT_DIR"), "/iex_corpus.rs"));

// What some of the fixtures hold, where the name does not say it all:
// - `enum_in_elixir`: Enum's functions that take a function, Elixir in the prelude: their
//   errors, the order they call the function in, streams, a module's private helper captured.
// - `edges`: bases out of range, negative counts, results past 64 bits, number literals at
//   the limits, map keys 1 and 1.0, and syntax errors quoting what was typed.
// - `redefinition`: a redefined module is seen at once: a closure made before calls the new
//   code, and a process blocked inside the old code finishes that function in it, then its
//   fully qualified call runs the new one (as the BEAM's two versions of a module do).
// - `big_integers`: arithmetic past 64 bits, the Integer and Bitwise functions, comparisons
//   with floats, bitstring segments, map keys and patterns.
// - `lists`: improper lists (built, matched, compared, printed) and `improper?`,
//   `ascii_printable?/2`, `flatten/2`, `to_charlist`, `myers_difference/2,3`.
// - `ranges`: the full range `..`, `first..last//step` patterns, printing with and without a
//   step, `Range.disjoint?/2` with steps.
// - `datetime_uri_more`: the `~D` sigil, `Date`'s arithmetic and printing, a module as a
//   sorter (`Enum.sort(dates, Date)`), URIs.
// - `strings_unicode`: strings by grapheme cluster, case modes, distances, `chunk`,
//   `splitter`, empty patterns and list paddings.
// - `times`: the `~T` and `~N` sigils, their fields, arithmetic and printing.
// - `string_case`, `map_in_elixir`, `function_clauses`, `string_list_in_elixir`: Unicode 14
//   case mapping, floats read back, and the library functions written in Elixir, errors
//   included ("Attempted function clauses").
