//! Syntax back to Elixir source (`Macro.to_string/1`), for messages that quote code.

use super::ast::{Expr, Kind, Part};
use super::inspect;

pub fn to_source(e: &Expr) -> String {
    let mut out = String::new();
    write(e, &mut out, 0);
    out
}

fn list(items: &[std::rc::Rc<Expr>], out: &mut String, depth: usize) {
    for (i, x) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        write(x, out, depth + 1);
    }
}

fn write(e: &Expr, out: &mut String, depth: usize) {
    if depth > 64 {
        out.push('…');
        return;
    }
    match &e.kind {
        Kind::Lit(t) => out.push_str(&inspect::inspect(t)),
        Kind::Var(a) => out.push_str(&a.name()),
        Kind::Interp(parts, charlist) => {
            out.push(if *charlist { '\'' } else { '"' });
            for p in parts {
                match p {
                    Part::Lit(s) => out.push_str(s),
                    Part::Code(c) => {
                        out.push_str("#{");
                        write(c, out, depth + 1);
                        out.push('}');
                    }
                }
            }
            out.push(if *charlist { '\'' } else { '"' });
        }
        Kind::Tuple(items) => {
            out.push('{');
            list(items, out, depth);
            out.push('}');
        }
        Kind::Bits(items) => {
            out.push_str("<<");
            list(items, out, depth);
            out.push_str(">>");
        }
        Kind::List(items, tail) => {
            out.push('[');
            list(items, out, depth);
            if let Some(t) = tail {
                out.push_str(" | ");
                write(t, out, depth + 1);
            }
            out.push(']');
        }
        Kind::Map(pairs) | Kind::MapUpdate(_, pairs) | Kind::Struct(_, _, pairs) => {
            out.push('%');
            if let Kind::Struct(n, _, _) = &e.kind {
                write(n, out, depth + 1);
            }
            out.push('{');
            if let Kind::MapUpdate(b, _) | Kind::Struct(_, Some(b), _) = &e.kind {
                write(b, out, depth + 1);
                out.push_str(" | ");
            }
            for (i, (k, v)) in pairs.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write(k, out, depth + 1);
                out.push_str(" => ");
                write(v, out, depth + 1);
            }
            out.push('}');
        }
        Kind::Unary(op, x) => {
            out.push_str(op);
            if *op == "not" {
                out.push(' ');
            }
            write(x, out, depth + 1);
        }
        Kind::Binary(op, a, b) => {
            write(a, out, depth + 1);
            out.push(' ');
            out.push_str(op);
            out.push(' ');
            write(b, out, depth + 1);
        }
        Kind::Match(a, b) => {
            write(a, out, depth + 1);
            out.push_str(" = ");
            write(b, out, depth + 1);
        }
        Kind::Pin(x) => {
            out.push('^');
            write(x, out, depth + 1);
        }
        Kind::Call(name, args, blocks) => {
            out.push_str(&name.name());
            out.push('(');
            list(args, out, depth);
            out.push(')');
            if !blocks.is_empty() {
                out.push_str(" do … end");
            }
        }
        Kind::Remote(m, name, args, parens) => {
            write(m, out, depth + 1);
            out.push('.');
            out.push_str(&name.name());
            if *parens {
                out.push('(');
                list(args, out, depth);
                out.push(')');
            }
        }
        Kind::Apply(f, args) => {
            write(f, out, depth + 1);
            out.push_str(".(");
            list(args, out, depth);
            out.push(')');
        }
        Kind::Access(t, k) => {
            write(t, out, depth + 1);
            out.push('[');
            write(k, out, depth + 1);
            out.push(']');
        }
        Kind::Fn(clauses) | Kind::Stab(clauses) => {
            let stab = matches!(e.kind, Kind::Stab(_));
            out.push_str(if stab { "(" } else { "fn " });
            for (i, c) in clauses.iter().enumerate() {
                if i > 0 {
                    out.push_str("; ");
                }
                list(&c.args, out, depth);
                out.push_str(" -> ");
                write(&c.body, out, depth + 1);
            }
            out.push_str(if stab { ")" } else { " end" });
        }
        Kind::Capture(body, _) => {
            out.push('&');
            write(body, out, depth + 1);
        }
        Kind::CaptureRef(m, name, arity) => {
            out.push('&');
            if let Some(m) = m {
                write(m, out, depth + 1);
                out.push('.');
            }
            out.push_str(&format!("{}/{arity}", name.name()));
        }
        Kind::CaptureArg(n) => out.push_str(&format!("&{n}")),
        Kind::Block(items) => {
            out.push('(');
            for (i, x) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str("; ");
                }
                write(x, out, depth + 1);
            }
            out.push(')');
        }
        Kind::Alias(a) => out.push_str(&a.name()),
        Kind::Attr(a) => {
            out.push('@');
            out.push_str(&a.name());
        }
        Kind::Module => out.push_str("__MODULE__"),
    }
}
