//! Packs the console's prelude (`src/elixir/prelude/*.ex`, in load order) into one source
//! without its comments, blank lines and indentation: the wasm carries less text, and the
//! files stay written for people.

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
}
