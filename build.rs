//! Packs the console's prelude (`src/elixir/prelude/*.ex`, in load order) into one source
//! without its comments, blank lines and indentation: the wasm carries less text, and the
//! files stay written for people.
//!
//! Also lists the iex corpus (`tests/fixtures/iex/*.exs`) as one `#[test]` each, for the
//! native tests to include (`tests/it/elixir/corpus.rs`): a new fixture is a new test.

const PRELUDE: &[&str] = &[
    "otp",
    "keyword",
    "map",
    "map_set",
    "small",
    "enum",
    "access",
    "enumerable",
    "string_chars",
    "inspect",
    "stream",
    "base",
    "regex",
    "date",
    "calendar",
    "uri",
    "string_io",
    "macro",
    "queue",
    "erlang_libs",
    "erlang_lists",
    "ets",
    "digraph",
    "registry",
    "io_format",
];

fn main() {
    let mut out = String::new();
    for name in PRELUDE {
        let path = format!("src/elixir/prelude/{name}.ex");
        println!("cargo:rerun-if-changed={path}");
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        for line in text.lines() {
            let t = line.trim();
            if t.is_empty() || t.starts_with('#') {
                continue;
            }
            out.push_str(t);
            out.push('\n');
        }
    }
    let dir = std::env::var("OUT_DIR").expect("OUT_DIR");
    std::fs::write(format!("{dir}/prelude.ex"), out).expect("write prelude.ex");
    std::fs::write(format!("{dir}/iex_corpus.rs"), corpus_tests()).expect("write iex_corpus.rs");
}

const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "dyn", "else", "enum", "extern", "false",
    "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref",
    "return", "static", "struct", "trait", "true", "type", "unsafe", "use", "where", "while",
];

/// `#[test] fn name() { check("name"); }` for each `tests/fixtures/iex/name.exs`.
fn corpus_tests() -> String {
    let fixtures = "tests/fixtures/iex";
    println!("cargo:rerun-if-changed={fixtures}");
    let mut names: Vec<String> = std::fs::read_dir(fixtures)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok()?.file_name().into_string().ok())
                .filter_map(|f| f.strip_suffix(".exs").map(String::from))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    let mut out = String::new();
    for name in names {
        let ident: String = name
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        // a fixture named after a keyword (`enum`) is a raw identifier
        let raw = if KEYWORDS.contains(&ident.as_str()) {
            "r#"
        } else {
            ""
        };
        out.push_str(&format!(
            "#[test]\nfn {raw}{ident}() {{\n    check({name:?});\n}}\n"
        ));
    }
    out
}
