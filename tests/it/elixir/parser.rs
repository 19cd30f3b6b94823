//! The parser against real Elixir's: each line of `tests/fixtures/parser/cases.txt` (calls
//! without parentheses, `do` blocks and `do:`, operators and their precedence, captures,
//! trailing keyword lists, pipes…) is printed as an s-expression of the console's syntax
//! tree and compared with the same s-expression of the tree `Code.string_to_quoted!/1` reads
//! in Elixir 1.14 (`cases.out`, captured by `elixir scripts/parser-sexpr.exs
//! tests/fixtures/parser/cases.txt > tests/fixtures/parser/cases.out`).
#![cfg(not(target_arch = "wasm32"))]

use redfour::elixir::ast::{Blocks, Body, Clause, Expr, Kind};
use redfour::elixir::inspect::inspect;
use redfour::elixir::parser;
use redfour::runtime::Term;

fn s(e: &Expr) -> String {
    match &e.kind {
        Kind::Lit(t) => lit(t),
        Kind::Var(a) => a.name().to_string(),
        Kind::Interp(..) => "<interpolation>".into(),
        Kind::Tuple(items) => format!("{{{}}}", join(items)),
        Kind::Bits(items) => format!("(<<>> {})", join(items)),
        Kind::List(items, None) => list(items),
        Kind::List(items, Some(tail)) => format!("[{} | {}]", join(items), s(tail)),
        Kind::Map(pairs) => format!("(%{{}} {})", pairs_s(pairs)),
        Kind::MapUpdate(m, pairs) => format!("(%{{|}} {} {})", s(m), pairs_s(pairs)),
        Kind::Struct(n, None, pairs) => format!("(% {} (%{{}} {}))", s(n), pairs_s(pairs)),
        Kind::Struct(n, Some(base), pairs) => {
            format!("(% {} (%{{|}} {} {}))", s(n), s(base), pairs_s(pairs))
        }
        Kind::Unary(op, x) => format!("({} {})", op.trim(), s(x)),
        // one operator here, `not(a in b)` in Elixir's tree
        Kind::Binary("not in", a, b) => format!("(not (in {} {}))", s(a), s(b)),
        Kind::Binary(op, a, b) => format!("({op} {} {})", s(a), s(b)),
        Kind::Match(a, b) => format!("(= {} {})", s(a), s(b)),
        Kind::Pin(x) => format!("(^ {})", s(x)),
        Kind::Call(name, args, blocks) => {
            let mut out = format!("({}", name.name());
            // a trailing `do:` keyword list is the same tree as a `do` block
            let (args, kw) = split_do_keywords(args);
            for a in args {
                out.push(' ');
                out.push_str(&s(a));
            }
            out.push_str(&kw);
            out.push_str(&blocks_s(blocks));
            out.push(')');
            out
        }
        Kind::Remote(target, name, args, _) => {
            let mut out = format!("(. {} {}", s(target), name.name());
            for a in args {
                out.push(' ');
                out.push_str(&s(a));
            }
            out.push(')');
            out
        }
        Kind::Apply(f, args) => {
            let mut out = format!("(.() {}", s(f));
            for a in args {
                out.push(' ');
                out.push_str(&s(a));
            }
            out.push(')');
            out
        }
        Kind::Access(t, k) => format!("([] {} {})", s(t), s(k)),
        Kind::Fn(clauses) => format!("(fn {})", clauses_s(clauses)),
        Kind::Stab(clauses) => format!("(-> {})", clauses_s(clauses)),
        Kind::Capture(body, _) => format!("(& {})", s(body)),
        Kind::CaptureRef(None, name, arity) => format!("(& (/ {} {arity}))", name.name()),
        Kind::CaptureRef(Some(m), name, arity) => {
            format!("(& (/ (. {} {}) {arity}))", s(m), name.name())
        }
        Kind::CaptureArg(n) => format!("(& {n})"),
        Kind::Block(items) if items.len() == 1 => s(&items[0]),
        Kind::Block(items) => format!("(__block__ {})", join(items)),
        Kind::Alias(a) => a.name().trim_start_matches("Elixir.").to_string(),
        Kind::Attr(a) => format!("@{}", a.name()),
        Kind::Module => "__MODULE__".into(),
    }
}

fn lit(t: &Term) -> String {
    match t {
        Term::List(items) => format!("[{}]", items.iter().map(lit).collect::<Vec<_>>().join(" ")),
        Term::Tuple(items) => format!(
            "{{{}}}",
            items.iter().map(lit).collect::<Vec<_>>().join(" ")
        ),
        Term::Atom(a) if a.name().starts_with("Elixir.") => {
            a.name().trim_start_matches("Elixir.").to_string()
        }
        // the parser folds `-1` into a literal; Elixir's tree keeps the operator
        Term::Int(i) if *i < 0 => format!("(- {})", i.unsigned_abs()),
        Term::Float(f) if *f < 0.0 => format!("(- {})", inspect(&Term::Float(-f))),
        other => inspect(other),
    }
}

fn join(items: &[std::rc::Rc<Expr>]) -> String {
    items.iter().map(|x| s(x)).collect::<Vec<_>>().join(" ")
}

fn list(items: &[std::rc::Rc<Expr>]) -> String {
    format!("[{}]", join(items))
}

fn pairs_s(pairs: &[(std::rc::Rc<Expr>, std::rc::Rc<Expr>)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{} {}", s(k), s(v)))
        .collect::<Vec<_>>()
        .join(" ")
}

fn clause_s(c: &Clause) -> String {
    match &c.guard {
        Some(g) => format!("(-> ({}) when {} {})", join(&c.args), s(g), s(&c.body)),
        None => format!("(-> ({}) {})", join(&c.args), s(&c.body)),
    }
}

fn clauses_s(cs: &[Clause]) -> String {
    cs.iter().map(clause_s).collect::<Vec<_>>().join(" ")
}

fn blocks_s(b: &Blocks) -> String {
    b.items
        .iter()
        .map(|(k, body)| {
            let inner = match body {
                Body::Expr(e) => s(e),
                Body::Clauses(cs) => clauses_s(cs),
            };
            format!(" ({} {inner})", k.name())
        })
        .collect()
}

/// `if x, do: 1, else: 2`: the keyword list of blocks, printed as blocks.
fn split_do_keywords(args: &[std::rc::Rc<Expr>]) -> (&[std::rc::Rc<Expr>], String) {
    const BLOCKS: &[&str] = &["do", "else", "after", "rescue", "catch"];
    let Some((last, init)) = args.split_last() else {
        return (args, String::new());
    };
    let pairs: Option<Vec<(String, String)>> = match &last.kind {
        Kind::List(items, None) if !items.is_empty() => items
            .iter()
            .map(|i| match &i.kind {
                Kind::Tuple(kv) if kv.len() == 2 => match &kv[0].kind {
                    Kind::Lit(Term::Atom(k)) if BLOCKS.contains(&&*k.name()) => {
                        Some((k.name().to_string(), s(&kv[1])))
                    }
                    _ => None,
                },
                _ => None,
            })
            .collect(),
        Kind::Lit(Term::List(items)) if !items.is_empty() => items
            .iter()
            .map(|i| match i.as_tuple() {
                Some([Term::Atom(k), v]) if BLOCKS.contains(&&*k.name()) => {
                    Some((k.name().to_string(), lit(v)))
                }
                _ => None,
            })
            .collect(),
        _ => None,
    };
    match pairs {
        Some(p) => (init, p.iter().map(|(k, v)| format!(" ({k} {v})")).collect()),
        None => (args, String::new()),
    }
}

#[test]
fn trees_as_real_elixir_reads_them() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/parser/");
    let cases = std::fs::read_to_string(format!("{dir}cases.txt")).unwrap();
    let expected = std::fs::read_to_string(format!("{dir}cases.out")).unwrap();
    let mut wrong = Vec::new();
    let mut n = 0;
    for (line, want) in cases.lines().zip(expected.lines()) {
        n += 1;
        let got = match parser::parse_at(line, 1) {
            Ok(exprs) if exprs.len() == 1 => s(&exprs[0]),
            Ok(exprs) => format!("(__block__ {})", join(&exprs)),
            Err(e) => format!("error: {e}"),
        };
        if got != want {
            wrong.push(format!("{line}\n  elixir:  {want}\n  console: {got}"));
        }
    }
    assert_eq!(n, expected.lines().count(), "one answer per case");
    assert!(
        wrong.is_empty(),
        "{} of {n} trees differ from Elixir's:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}
