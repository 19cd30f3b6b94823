//! Tokens to syntax tree: Elixir's operator table (precedence and associativity), calls with
//! and without parentheses, `do … end` blocks and `do:` keywords (one shape, as in Elixir's
//! own AST), clauses (`->`), pipes (rewritten into calls), captures, sigils and structs.
//!
//! Nesting is bounded ([`MAX_DEPTH`]) so that no input can overflow the parser's stack.

use std::rc::Rc;

use super::ast::{Blocks, Body, Clause, Expr, Kind, Part, P};
use super::tokenizer::{self, Part as TPart, SyntaxError, Tok, Token};
use crate::runtime::{Atom, Term};

pub const MAX_DEPTH: usize = 100;
/// Operators in one left-associative chain (`1 + 2 + …`): the tree they make is that deep.
pub const MAX_CHAIN: usize = 2_000;

/// Binary operators: (token, precedence, right-associative).
const BINARY: &[(&str, u8, bool)] = &[
    ("when", 10, true),
    ("<-", 20, false),
    ("::", 25, true),
    ("\\\\", 20, false),
    ("|", 30, true),
    ("=", 50, true),
    ("||", 60, false),
    ("|||", 60, false),
    ("or", 60, false),
    ("&&", 70, false),
    ("&&&", 70, false),
    ("and", 70, false),
    ("==", 80, false),
    ("!=", 80, false),
    ("=~", 80, false),
    ("===", 80, false),
    ("!==", 80, false),
    ("<", 90, false),
    (">", 90, false),
    ("<=", 90, false),
    (">=", 90, false),
    ("|>", 100, false),
    ("<<<", 100, false),
    (">>>", 100, false),
    ("in", 110, false),
    ("not in", 110, false),
    ("++", 120, true),
    ("--", 120, true),
    ("..", 120, true),
    ("<>", 120, true),
    ("//", 120, true),
    ("+", 130, false),
    ("-", 130, false),
    ("*", 140, false),
    ("/", 140, false),
    ("**", 150, false), // left: 2 ** 3 ** 2 is 64 in Elixir 1.14
];
const UNARY_PREC: u8 = 160;

/// The binary operator named `s`, as the parser writes it in the tree.
pub fn binary_operator(s: &str) -> Option<&'static str> {
    BINARY.iter().find(|o| o.0 == s).map(|o| o.0)
}
const CAPTURE_PREC: u8 = 40;

const RESERVED: &[&str] = &[
    "do", "end", "fn", "when", "and", "or", "not", "in", "else", "after", "rescue", "catch",
];
const BLOCK_WORDS: &[&str] = &["else", "after", "rescue", "catch"];

pub fn parse(src: &str) -> Result<Vec<P>, SyntaxError> {
    parse_at(src, 1)
}

/// Parses input that starts at `line` (iex numbers lines across inputs: `iex:5:3:`).
pub fn parse_at(src: &str, line: usize) -> Result<Vec<P>, SyntaxError> {
    if src.len() > tokenizer::MAX_INPUT {
        return Err(SyntaxError::Invalid {
            line: 1,
            col: 1,
            message: format!(
                "input of {} bytes is longer than this console takes ({} bytes)",
                src.len(),
                tokenizer::MAX_INPUT
            ),
        });
    }
    let tokens = tokenizer::tokenize_at(src, line, 1)?;
    let mut p = Parser {
        toks: tokens,
        pos: 0,
        depth: 0,
        no_do: 0,
        paren_stab: 0,
        in_quote: 0,
        source: Rc::new(Source {
            lines: src.lines().map(|l| l.chars().collect()).collect(),
            first: line,
        }),
    };
    let mut out = Vec::new();
    loop {
        p.skip_separators();
        if p.at_eof() {
            break;
        }
        let t = p.peek();
        match &t.tok {
            Tok::Ident(w) if RESERVED.contains(&w.as_str()) && w != "fn" && w != "not" => {
                return Err(SyntaxError::Invalid {
                    line: t.line,
                    col: t.col,
                    message: format!("unexpected reserved word: {w}"),
                })
            }
            Tok::Op(c @ (")" | "]" | "}")) => {
                return Err(SyntaxError::Invalid {
                    line: t.line,
                    col: t.col,
                    message: format!("unexpected token: {c}"),
                })
            }
            _ => {}
        }
        out.push(p.expr(0)?);
        match &p.peek().tok {
            Tok::Eol | Tok::Eof => {}
            Tok::Op(";") => {}
            _ => return Err(p.unexpected()),
        }
    }
    Ok(out)
}

struct Parser {
    toks: Vec<Token>,
    pos: usize,
    depth: usize,
    /// Inside the arguments of a call without parentheses: inner calls do not take `do`.
    no_do: usize,
    /// Inside `(x -> …)`: a `)` ends the clauses.
    paren_stab: usize,
    /// Inside `quote`'s arguments.
    in_quote: usize,
    source: Rc<Source>,
}

/// The text parsed, for error messages that quote a token as it was typed (`0x1F`, `?a`).
struct Source {
    lines: Vec<Vec<char>>,
    /// The line number of the first line.
    first: usize,
}

impl Source {
    /// A number's text as typed at this line and column.
    fn number_at(&self, line: usize, col: usize) -> Option<String> {
        let chars = self.lines.get(line.checked_sub(self.first)?)?;
        let rest = chars.get(col.checked_sub(1)?..)?;
        if rest.first() == Some(&'?') {
            let n = if rest.get(1) == Some(&'\\') { 3 } else { 2 };
            return Some(rest.iter().take(n).collect());
        }
        let mut out = String::new();
        for (i, c) in rest.iter().enumerate() {
            let exponent_sign =
                (*c == '-' || *c == '+') && i > 0 && matches!(rest[i - 1], 'e' | 'E');
            let point = *c == '.' && rest.get(i + 1).is_some_and(|d| d.is_ascii_digit());
            if c.is_ascii_alphanumeric() || *c == '_' || point || exponent_sign {
                out.push(*c);
            } else {
                break;
            }
        }
        (!out.is_empty()).then_some(out)
    }
}

fn binary_info(op: &str) -> Option<(u8, bool)> {
    BINARY
        .iter()
        .find(|(o, _, _)| *o == op)
        .map(|(_, p, r)| (*p, *r))
}

/// A keyword list with something after it (`[a: 1, 2]`, `f(a: 1, 2)`), in iex 1.14's words,
/// at the comma.
fn keyword_not_last(comma: &Token, call: bool) -> SyntaxError {
    let message = if call {
        "unexpected expression after keyword list. Keyword lists must always come as the last argument. Therefore, this is not allowed:\n\n    function_call(1, some: :option, 2)\n\nInstead, wrap the keyword in brackets:\n\n    function_call(1, [some: :option], 2)\n\nSyntax error after: ','"
    } else {
        "unexpected expression after keyword list. Keyword lists must always come last in lists and maps. Therefore, this is not allowed:\n\n    [some: :value, :another]\n    %{some: :value, another => value}\n\nInstead, reorder it to be the last entry:\n\n    [:another, some: :value]\n    %{another => value, some: :value}\n\nSyntax error after: ','"
    };
    SyntaxError::Invalid {
        line: comma.line,
        col: comma.col,
        message: message.into(),
    }
}

fn token_text(t: &Tok) -> String {
    match t {
        Tok::Int(i) => i.to_string(),
        Tok::BigInt(text, _) => text.clone(),
        Tok::Float(f) => f.to_string(),
        Tok::Atom(a) => format!(":{a}"),
        Tok::Str(_) => "string".into(),
        Tok::Charlist(_) => "charlist".into(),
        Tok::Sigil(..) => "sigil".into(),
        Tok::Ident(s) | Tok::Alias(s) => s.clone(),
        Tok::Key(k) => format!("{k}:"),
        Tok::Op(o) => o.to_string(),
        Tok::Eol => "newline".into(),
        Tok::Eof => "end of input".into(),
    }
}

impl Parser {
    fn peek(&self) -> &Token {
        &self.toks[self.pos.min(self.toks.len() - 1)]
    }
    fn peek_at(&self, n: usize) -> &Token {
        &self.toks[(self.pos + n).min(self.toks.len() - 1)]
    }
    fn next(&mut self) -> Token {
        let t = self.peek().clone();
        if self.pos < self.toks.len() - 1 {
            self.pos += 1;
        }
        t
    }
    fn at_eof(&self) -> bool {
        self.peek().tok == Tok::Eof
    }
    fn is_op(&self, op: &str) -> bool {
        matches!(&self.peek().tok, Tok::Op(o) if *o == op)
    }
    fn is_ident(&self, name: &str) -> bool {
        matches!(&self.peek().tok, Tok::Ident(o) if o == name)
    }
    fn skip_eol(&mut self) {
        while self.peek().tok == Tok::Eol {
            self.next();
        }
    }
    fn skip_separators(&mut self) {
        while matches!(self.peek().tok, Tok::Eol | Tok::Op(";")) {
            self.next();
        }
    }
    fn line(&self) -> usize {
        self.peek().line
    }

    fn unexpected(&self) -> SyntaxError {
        let t = self.peek();
        if t.tok == Tok::Eof {
            return SyntaxError::Missing {
                line: t.line,
                col: t.col,
                message: "syntax error: expression is incomplete".into(),
            };
        }
        let text = token_text(&t.tok);
        let message = match &t.tok {
            Tok::Str(_) | Tok::Charlist(_) => format!("syntax error before: {}", quote_str(&t.tok)),
            Tok::Eol => "syntax error before: newline".into(),
            Tok::Ident(s) if RESERVED.contains(&s.as_str()) => format!("syntax error before: {s}"),
            Tok::Ident(s) if matches!(s.as_str(), "true" | "false" | "nil") => format!(
                "syntax error before: {s}. \"{s}\" is a reserved word in Elixir and therefore its usage is limited. For instance, it can't be used as a variable or be defined nor invoked as a regular function"
            ),
            Tok::Ident(s) => format!("syntax error before: {s}"),
            Tok::Int(_) | Tok::BigInt(..) | Tok::Float(_) => {
                match self.source.number_at(t.line, t.col) {
                    Some(typed) if typed.starts_with('?') => format!("syntax error before: {typed}"),
                    Some(typed) => format!("syntax error before: \"{typed}\""),
                    None => format!("syntax error before: \"{text}\""),
                }
            }
            Tok::Atom(a) if super::inspect::inspect(&Term::atom(a)).starts_with(":\"") => {
                format!("syntax error before: '{a}'")
            }
            Tok::Atom(a) => format!("syntax error before: {a}"),
            _ => format!("syntax error before: '{text}'"),
        };
        SyntaxError::Invalid {
            line: t.line,
            col: t.col,
            message,
        }
    }

    fn missing(&self, what: &str, opened_line: usize) -> SyntaxError {
        let t = self.peek();
        SyntaxError::Missing {
            line: t.line,
            col: t.col,
            message: format!(
                "missing terminator: {what} (for \"{}\" starting at line {opened_line})",
                match what {
                    ")" => "(",
                    "]" => "[",
                    "}" => "{",
                    "end" => "do",
                    ">>" => "<<",
                    _ => what,
                }
            ),
        }
    }

    fn expect_close(&mut self, close: &str, opened_line: usize) -> Result<(), SyntaxError> {
        self.skip_eol();
        if self.is_op(close) || (close == "end" && self.is_ident("end")) {
            self.next();
            Ok(())
        } else if self.at_eof() {
            Err(self.missing(close, opened_line))
        } else {
            Err(self.unexpected())
        }
    }

    fn enter(&mut self) -> Result<(), SyntaxError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            let t = self.peek();
            return Err(SyntaxError::Invalid {
                line: t.line,
                col: t.col,
                message: format!("expression nested more than {MAX_DEPTH} levels deep"),
            });
        }
        Ok(())
    }

    /// The operator at the cursor, if it can continue an expression as a binary operator.
    fn binary_here(&self) -> Option<(&'static str, u8, bool, usize)> {
        let t = self.peek();
        match &t.tok {
            Tok::Op(o) => binary_info(o).map(|(p, r)| (*o, p, r, 1)),
            Tok::Ident(s) if s == "when" => Some(("when", 10, true, 1)),
            Tok::Ident(s) if s == "and" => Some(("and", 70, false, 1)),
            Tok::Ident(s) if s == "or" => Some(("or", 60, false, 1)),
            Tok::Ident(s) if s == "in" => Some(("in", 110, false, 1)),
            Tok::Ident(s)
                if s == "not" && matches!(&self.peek_at(1).tok, Tok::Ident(n) if n == "in") =>
            {
                Some(("not in", 110, false, 2))
            }
            _ => None,
        }
    }

    pub fn expr(&mut self, min: u8) -> Result<P, SyntaxError> {
        self.enter()?;
        let r = self.expr_inner(min);
        self.depth -= 1;
        r
    }

    fn expr_inner(&mut self, min: u8) -> Result<P, SyntaxError> {
        let mut left = self.unary()?;
        let mut chain = 0;
        loop {
            // A binary operator at the start of the next line (a pipe, a guard's `when`,
            // `and`, `<>`…) continues the expression, as in Elixir; `+` and `-` there
            // begin a new one (they may be unary).
            if self.peek().tok == Tok::Eol {
                let mut n = 0;
                while self.peek_at(n).tok == Tok::Eol {
                    n += 1;
                }
                let continues = match &self.peek_at(n).tok {
                    Tok::Op(op) if !matches!(*op, "+" | "-" | "|" | "=" | "..") => {
                        BINARY.iter().find(|(o, _, _)| o == op).map(|(_, p, _)| *p)
                    }
                    Tok::Ident(w) if matches!(w.as_str(), "when" | "and" | "or" | "in") => {
                        BINARY.iter().find(|(o, _, _)| o == w).map(|(_, p, _)| *p)
                    }
                    _ => None,
                };
                if continues.is_some_and(|p| p >= min) {
                    self.skip_eol();
                } else {
                    break;
                }
            }
            let Some((op, prec, right, width)) = self.binary_here() else {
                break;
            };
            if prec < min || (op == "|" && min > 30) {
                break;
            }
            // `|` only inside lists and map updates: leave it for them.
            if op == "|" && min == 0 {
                break;
            }
            let line = self.line();
            chain += 1;
            if chain > MAX_CHAIN {
                let t = self.peek();
                return Err(SyntaxError::Invalid {
                    line: t.line,
                    col: t.col,
                    message: format!(
                        "more than {MAX_CHAIN} operators in one expression: split it up"
                    ),
                });
            }
            for _ in 0..width {
                self.next();
            }
            self.skip_eol();
            let next_min = if right { prec } else { prec + 1 };
            let rhs = self.expr(next_min)?;
            left = self.binary(op, left, rhs, line)?;
        }
        Ok(left)
    }

    fn binary(
        &mut self,
        op: &'static str,
        left: P,
        right: P,
        line: usize,
    ) -> Result<P, SyntaxError> {
        Ok(match op {
            "=" => Expr::new(Kind::Match(left, right), line),
            "|>" => pipe(left, right, line)?,
            "//" => match &left.kind {
                Kind::Binary("..", a, b) => Expr::new(
                    Kind::Call(
                        Atom::new(".."),
                        vec![a.clone(), b.clone(), right],
                        Rc::default(),
                    ),
                    line,
                ),
                _ => Expr::new(Kind::Binary("//", left, right), line),
            },
            ".." => match &right.kind {
                // `a..b//c` parsed right-associatively as `a..(b//c)`
                Kind::Binary("//", b, c) => Expr::new(
                    Kind::Call(
                        Atom::new(".."),
                        vec![left, b.clone(), c.clone()],
                        Rc::default(),
                    ),
                    line,
                ),
                _ => Expr::new(Kind::Binary("..", left, right), line),
            },
            // `import Bitwise`'s operators are functions, called as locals, as in Elixir
            "&&&" | "|||" | "<<<" | ">>>" => Expr::new(
                Kind::Call(Atom::new(op), vec![left, right], Rc::default()),
                line,
            ),
            _ => Expr::new(Kind::Binary(op, left, right), line),
        })
    }

    fn unary(&mut self) -> Result<P, SyntaxError> {
        let t = self.peek().clone();
        let line = t.line;
        match &t.tok {
            // `..` alone is the full range, 0..-1//1 (`String.slice(s, ..)`)
            Tok::Op("..")
                if matches!(
                    self.peek_at(1).tok,
                    Tok::Op(")" | "," | "]" | "}") | Tok::Eol | Tok::Eof
                ) =>
            {
                self.next();
                Ok(Expr::new(Kind::Lit(super::ops::make_range(0, -1, 1)), line))
            }
            Tok::Op(op @ ("-" | "+" | "!" | "^")) => {
                self.next();
                let operand = self.expr(UNARY_PREC)?;
                // fold negative number literals
                if *op == "-" {
                    match &operand.kind {
                        Kind::Lit(Term::Int(i)) if *i != i64::MIN => {
                            return Ok(Expr::new(Kind::Lit(Term::Int(-i)), line))
                        }
                        // -9223372036854775808 is small again
                        Kind::Lit(Term::Big(b)) => {
                            return Ok(Expr::new(Kind::Lit(Term::big(-(**b).clone())), line))
                        }
                        Kind::Lit(Term::Float(f)) => {
                            return Ok(Expr::new(Kind::Lit(Term::Float(-f)), line))
                        }
                        _ => {}
                    }
                }
                if *op == "^" {
                    return Ok(Expr::new(Kind::Pin(operand), line));
                }
                Ok(Expr::new(Kind::Unary(op, operand), line))
            }
            Tok::Ident(s) if s == "not" => {
                self.next();
                let operand = self.expr(UNARY_PREC)?;
                Ok(Expr::new(Kind::Unary("not", operand), line))
            }
            Tok::Op("&") => {
                self.next();
                self.capture(line)
            }
            Tok::Op("@") => {
                self.next();
                let name = match self.next().tok {
                    Tok::Ident(n) => n,
                    _ => return Err(self.unexpected()),
                };
                // `@attr value` defines, `@attr` reads
                if self.starts_argument() {
                    let value = self.no_paren_args()?;
                    let mut args = value;
                    let v = if args.len() == 1 {
                        args.remove(0)
                    } else {
                        Expr::new(Kind::List(args, None), line)
                    };
                    return Ok(Expr::new(
                        Kind::Call(
                            Atom::new("@"),
                            vec![Expr::new(Kind::Lit(Term::atom(&name)), line), v],
                            Rc::default(),
                        ),
                        line,
                    ));
                }
                Ok(Expr::new(Kind::Attr(Atom::new(&name)), line))
            }
            _ => self.postfix(),
        }
    }

    fn capture(&mut self, line: usize) -> Result<P, SyntaxError> {
        // &1 (and what follows it: `&1.name`, `&1[:key]`)
        if let Tok::Int(n) = self.peek().tok {
            if !self.peek().space_before {
                self.next();
                let arg = Expr::new(Kind::CaptureArg(n.max(0) as usize), line);
                return self.postfix_from(arg);
            }
        }
        // &+/2
        if let (Tok::Op(op), Tok::Op("/")) = (&self.peek().tok, &self.peek_at(1).tok) {
            let op = *op;
            if let Tok::Int(n) = self.peek_at(2).tok {
                self.pos += 3;
                return Ok(Expr::new(
                    Kind::CaptureRef(None, Atom::new(op), n.max(0) as usize),
                    line,
                ));
            }
        }
        let body = self.expr(CAPTURE_PREC + 1)?;
        if let Kind::Binary("/", f, n) = &body.kind {
            if let Kind::Lit(Term::Int(n)) = n.kind {
                match &f.kind {
                    Kind::Var(name) => {
                        return Ok(Expr::new(
                            Kind::CaptureRef(None, *name, n.max(0) as usize),
                            line,
                        ))
                    }
                    Kind::Call(name, args, _) if args.is_empty() => {
                        return Ok(Expr::new(
                            Kind::CaptureRef(None, *name, n.max(0) as usize),
                            line,
                        ))
                    }
                    Kind::Remote(m, name, args, false) if args.is_empty() => {
                        return Ok(Expr::new(
                            Kind::CaptureRef(Some(m.clone()), *name, n.max(0) as usize),
                            line,
                        ))
                    }
                    _ => {}
                }
            }
        }
        let arity = max_capture_arg(&body, 0);
        if arity == 0 {
            return Err(SyntaxError::Invalid {
                line,
                col: 1,
                message: "invalid args for &, expected one of:\n\n  * &Mod.fun/arity to capture a remote function, such as &Enum.map/2\n  * &fun/arity to capture a local or imported function, such as &is_atom/1\n  * &some_code(&1, ...) containing at least one argument as &1, such as &List.flatten(&1)\n\nGot: ".to_string() + &describe(&body),
            });
        }
        Ok(Expr::new(Kind::Capture(body, arity), line))
    }

    /// Whether the token after an identifier starts an argument of a call without parens.
    fn starts_argument(&self) -> bool {
        let t = self.peek();
        if !t.space_before {
            return false;
        }
        match &t.tok {
            Tok::Int(_)
            | Tok::BigInt(..)
            | Tok::Float(_)
            | Tok::Atom(_)
            | Tok::Str(_)
            | Tok::Charlist(_)
            | Tok::Sigil(..)
            | Tok::Alias(_)
            | Tok::Key(_) => true,
            Tok::Ident(s) => {
                let word = matches!(
                    s.as_str(),
                    "do" | "end"
                        | "when"
                        | "and"
                        | "or"
                        | "in"
                        | "else"
                        | "after"
                        | "rescue"
                        | "catch"
                );
                let not_in =
                    s == "not" && matches!(&self.peek_at(1).tok, Tok::Ident(n) if n == "in");
                !word && !not_in
            }
            Tok::Op("[" | "{" | "%" | "&" | "!" | "^" | "@" | "(" | "<<") => true,
            Tok::Op("-" | "+") => !self.peek_at(1).space_before,
            _ => false,
        }
    }

    fn postfix(&mut self) -> Result<P, SyntaxError> {
        let e = self.primary()?;
        self.postfix_from(e)
    }

    /// Field access, remote calls, `.()` and `[key]` after `e`.
    fn postfix_from(&mut self, mut e: P) -> Result<P, SyntaxError> {
        loop {
            let t = self.peek().clone();
            match &t.tok {
                Tok::Op(".") => {
                    self.next();
                    self.skip_eol();
                    let mut n = self.next();
                    // `:erlang."=<"(1, 2)`: a quoted function name
                    if let Tok::Str(parts) = &n.tok {
                        match parts.as_slice() {
                            [] => n.tok = Tok::Ident(String::new()),
                            [crate::elixir::tokenizer::Part::Lit(s)] => {
                                n.tok = Tok::Ident(s.clone())
                            }
                            _ => {}
                        }
                    }
                    match n.tok {
                        Tok::Alias(a) => {
                            // Foo.Bar
                            let base = match &e.kind {
                                Kind::Alias(m) => m.name().to_string(),
                                _ => {
                                    return Err(SyntaxError::Invalid {
                                        line: n.line,
                                        col: n.col,
                                        message: format!("syntax error before: {a}"),
                                    })
                                }
                            };
                            e = Expr::new(Kind::Alias(Atom::new(&format!("{base}.{a}"))), n.line);
                        }
                        Tok::Op("(") => {
                            let args = self.paren_args(n.line)?;
                            e = Expr::new(Kind::Apply(e, args), n.line);
                        }
                        Tok::Ident(name) | Tok::Key(name) => {
                            let name_atom = Atom::new(&name);
                            if self.is_op("(") && !self.peek().space_before {
                                self.next();
                                let mut args = self.paren_args(n.line)?;
                                if name == "var!"
                                    && self.in_quote == 0
                                    && matches!(&e.kind, Kind::Alias(k) if &*k.name() == "Kernel")
                                {
                                    if let Some(v) = var_bang(&args, n.line) {
                                        e = v;
                                        continue;
                                    }
                                }
                                let blocks = self.maybe_do_blocks(&mut args)?;
                                if !blocks.is_empty() {
                                    args.push(blocks_as_kw(blocks, n.line));
                                }
                                e = Expr::new(Kind::Remote(e, name_atom, args, true), n.line);
                            } else if self.starts_argument() {
                                let mut args = self.no_paren_args()?;
                                let blocks = self.maybe_do_blocks(&mut args)?;
                                if !blocks.is_empty() {
                                    args.push(blocks_as_kw(blocks, n.line));
                                }
                                e = Expr::new(Kind::Remote(e, name_atom, args, true), n.line);
                            } else {
                                e = Expr::new(Kind::Remote(e, name_atom, vec![], false), n.line);
                            }
                        }
                        // `Kernel.+(1, 2)`, `&Kernel.+/2`
                        Tok::Op(
                            op @ ("+" | "-" | "*" | "/" | "==" | "!=" | "<" | ">" | "<=" | ">="
                            | "<>" | "++" | "--" | "===" | "!==" | ".."),
                        ) => {
                            let name_atom = Atom::new(op);
                            if self.is_op("(") && !self.peek().space_before {
                                self.next();
                                let args = self.paren_args(n.line)?;
                                e = Expr::new(Kind::Remote(e, name_atom, args, true), n.line);
                            } else {
                                e = Expr::new(Kind::Remote(e, name_atom, vec![], false), n.line);
                            }
                        }
                        Tok::Atom(_) | Tok::Str(_) | Tok::Int(_) | Tok::BigInt(..) => {
                            return Err(SyntaxError::Invalid {
                                line: n.line,
                                col: n.col,
                                message: format!("syntax error before: {}", token_text(&n.tok)),
                            });
                        }
                        Tok::Eof => {
                            return Err(SyntaxError::Missing {
                                line: n.line,
                                col: n.col,
                                message: "syntax error: expression is incomplete".into(),
                            })
                        }
                        _ => {
                            return Err(SyntaxError::Invalid {
                                line: n.line,
                                col: n.col,
                                message: format!("syntax error before: '{}'", token_text(&n.tok)),
                            })
                        }
                    }
                }
                Tok::Op("[") if !t.space_before => {
                    self.next();
                    self.skip_eol();
                    let key = self.expr(0)?;
                    self.expect_close("]", t.line)?;
                    e = Expr::new(Kind::Access(e, key), t.line);
                }
                _ => break,
            }
        }
        Ok(e)
    }

    /// Arguments after `(`, up to `)`; a trailing `key: value` list is one argument.
    fn paren_args(&mut self, line: usize) -> Result<Vec<P>, SyntaxError> {
        let saved = self.no_do;
        self.no_do = 0;
        let r = self.items_until(")", line);
        self.no_do = saved;
        r
    }

    /// Comma-separated items until `close`, with a trailing keyword list gathered.
    fn items_until(&mut self, close: &str, line: usize) -> Result<Vec<P>, SyntaxError> {
        let mut items = Vec::new();
        loop {
            self.skip_eol();
            if self.is_op(close) {
                self.next();
                return Ok(items);
            }
            if matches!(self.peek().tok, Tok::Key(_)) {
                items.push(self.keyword_list(close == ")")?);
                self.skip_eol();
                self.expect_close(close, line)?;
                return Ok(items);
            }
            if self.at_eof() {
                return Err(self.missing(close, line));
            }
            items.push(self.expr(0)?);
            self.skip_eol();
            if self.is_op(",") {
                self.next();
                continue;
            }
            self.expect_close(close, line)?;
            return Ok(items);
        }
    }

    /// `a: 1, b: 2` as a list of tuples.
    /// A keyword list (`a: 1, b: 2`); `call` says it ends a call's arguments (for the words
    /// of the error when something that is no keyword follows it).
    fn keyword_list(&mut self, call: bool) -> Result<P, SyntaxError> {
        let line = self.line();
        let mut pairs = Vec::new();
        loop {
            self.skip_eol();
            let Tok::Key(k) = self.peek().tok.clone() else {
                break;
            };
            let kline = self.line();
            self.next();
            self.skip_eol();
            let v = self.expr(0)?;
            pairs.push(Expr::new(
                Kind::Tuple(vec![Expr::new(Kind::Lit(Term::atom(&k)), kline), v]),
                kline,
            ));
            let mut n = 0;
            while self.peek_at(n).tok == Tok::Eol {
                n += 1;
            }
            if matches!(self.peek_at(n).tok, Tok::Op(",")) {
                self.skip_eol();
                let comma = self.next();
                self.skip_eol();
                match &self.peek().tok {
                    Tok::Key(_) => continue,
                    Tok::Eof => return Err(self.unexpected()),
                    Tok::Op(")" | "]" | "}") => break,
                    _ => return Err(keyword_not_last(&comma, call)),
                }
            }
            break;
        }
        Ok(Expr::new(Kind::List(pairs, None), line))
    }

    /// Arguments of a call without parentheses, up to the end of the expression.
    fn no_paren_args(&mut self) -> Result<Vec<P>, SyntaxError> {
        self.no_do += 1;
        let r = (|| {
            let mut args = Vec::new();
            loop {
                if matches!(self.peek().tok, Tok::Key(_)) {
                    args.push(self.keyword_list(true)?);
                    break;
                }
                args.push(self.expr(0)?);
                if self.is_op(",") {
                    self.next();
                    self.skip_eol();
                    continue;
                }
                break;
            }
            Ok(args)
        })();
        self.no_do -= 1;
        r
    }

    /// `do … end` after a call, unless inside another call's bare arguments. A trailing
    /// `do:` keyword argument is taken out of `args` into the blocks too.
    fn maybe_do_blocks(&mut self, args: &mut Vec<P>) -> Result<Rc<Blocks>, SyntaxError> {
        if self.no_do == 0 && self.is_ident("do") {
            let line = self.line();
            self.next();
            return Ok(Rc::new(self.do_blocks(line)?));
        }
        // `do:` keywords (with `else:` and friends; other options, such as `for`'s `into:`,
        // stay in the keyword list)
        if let Some(last) = args.last() {
            if let Kind::List(items, None) = &last.kind {
                let key = |item: &P| match &item.kind {
                    Kind::Tuple(kv) if kv.len() == 2 => match &kv[0].kind {
                        Kind::Lit(Term::Atom(a)) => Some((*a, kv[1].clone())),
                        _ => None,
                    },
                    _ => None,
                };
                let all_kw = items.iter().all(|i| key(i).is_some());
                let has_do = items
                    .iter()
                    .any(|i| key(i).is_some_and(|(a, _)| &*a.name() == "do"));
                if all_kw && has_do {
                    let mut blocks = Blocks::default();
                    let mut rest = Vec::new();
                    for item in items {
                        if let Some((a, v)) = key(item) {
                            let n = a.name();
                            if &*n == "do" || BLOCK_WORDS.contains(&&*n) {
                                let body = match &v.kind {
                                    Kind::Stab(clauses) => Body::Clauses(clauses.clone()),
                                    _ => Body::Expr(v),
                                };
                                blocks.items.push((a, body));
                            } else {
                                rest.push(item.clone());
                            }
                        }
                    }
                    let line = last.line as usize;
                    args.pop();
                    if !rest.is_empty() {
                        args.push(Expr::new(Kind::List(rest, None), line));
                    }
                    return Ok(Rc::new(blocks));
                }
            }
        }
        Ok(Rc::default())
    }

    /// After `do`: sections until `end`.
    fn do_blocks(&mut self, line: usize) -> Result<Blocks, SyntaxError> {
        self.enter()?;
        self.depth += 2;
        let r = self.do_blocks_inner(line);
        self.depth -= 3;
        r
    }

    fn do_blocks_inner(&mut self, line: usize) -> Result<Blocks, SyntaxError> {
        let mut blocks = Blocks::default();
        let mut name = Atom::new("do");
        loop {
            let body = self.body_or_clauses(line)?;
            blocks.items.push((name, body));
            match &self.peek().tok {
                Tok::Ident(s) if s == "end" => {
                    self.next();
                    return Ok(blocks);
                }
                Tok::Ident(s) if BLOCK_WORDS.contains(&s.as_str()) => {
                    name = Atom::new(s);
                    self.next();
                }
                Tok::Eof => return Err(self.missing("end", line)),
                _ => return Err(self.unexpected()),
            }
        }
    }

    fn at_block_end(&self) -> bool {
        match &self.peek().tok {
            Tok::Op(")") => self.paren_stab > 0,
            Tok::Ident(s) => s == "end" || BLOCK_WORDS.contains(&s.as_str()),
            Tok::Eof => true,
            _ => false,
        }
    }

    /// A block's contents: expressions, or `head -> body` clauses.
    fn body_or_clauses(&mut self, line: usize) -> Result<Body, SyntaxError> {
        let saved = (self.no_do, self.paren_stab);
        self.no_do = 0;
        self.paren_stab = 0;
        let r = self.body_or_clauses_inner(line);
        (self.no_do, self.paren_stab) = saved;
        r
    }

    fn body_or_clauses_inner(&mut self, line: usize) -> Result<Body, SyntaxError> {
        self.skip_separators();
        if self.at_block_end() {
            if self.at_eof() {
                return Err(self.missing("end", line));
            }
            return Ok(Body::Expr(Expr::nil(line)));
        }
        let (first, is_head) = self.head_or_expr()?;
        if !is_head {
            let mut exprs = first;
            loop {
                self.skip_separators();
                if self.at_block_end() {
                    break;
                }
                exprs.push(self.expr(0)?);
                if !matches!(self.peek().tok, Tok::Eol | Tok::Op(";")) && !self.at_block_end() {
                    return Err(self.unexpected());
                }
            }
            if self.at_eof() {
                return Err(self.missing("end", line));
            }
            return Ok(Body::Expr(block(exprs, line)));
        }
        Ok(Body::Clauses(self.clauses(first, line)?.into()))
    }

    /// Clauses, the first head already read (and its `->` consumed).
    fn clauses(&mut self, first_head: Vec<P>, line: usize) -> Result<Vec<Clause>, SyntaxError> {
        let mut clauses = Vec::new();
        let mut head = first_head;
        loop {
            let mut body = Vec::new();
            let next_head;
            loop {
                self.skip_separators();
                if self.at_block_end() {
                    next_head = None;
                    break;
                }
                let (items, is_head) = self.head_or_expr()?;
                if is_head {
                    next_head = Some(items);
                    break;
                }
                body.extend(items);
            }
            let hline = head.first().map_or(line, |h| h.line as usize);
            clauses.push(make_clause(head, block(body, hline)));
            match next_head {
                Some(h) => head = h,
                None => break,
            }
        }
        if self.at_eof() {
            return Err(self.missing("end", line));
        }
        Ok(clauses)
    }

    /// Reads either a clause head (`a, b when g ->`, consuming `->`) or one expression.
    fn head_or_expr(&mut self) -> Result<(Vec<P>, bool), SyntaxError> {
        let line = self.line();
        // `() -> …` and `(a, b) -> …`
        if self.is_op("(") {
            let save = self.pos;
            self.next();
            if let Ok(items) = self.items_until(")", line) {
                if self.is_op("->") || self.is_ident("when") {
                    let mut items = items;
                    if self.is_ident("when") {
                        self.next();
                        let g = self.expr(11)?;
                        items.push(Expr::new(
                            Kind::Binary("when", Expr::new(Kind::Block(vec![]), line), g),
                            line,
                        ));
                    }
                    self.next();
                    return Ok((items, true));
                }
            }
            self.pos = save;
        }
        self.head_or_expr_plain()
    }

    /// [`Self::head_or_expr`] without its `(a, b) ->` form (which would parse nested
    /// parentheses twice each: exponential on `((((…))))`).
    fn head_or_expr_plain(&mut self) -> Result<(Vec<P>, bool), SyntaxError> {
        if self.is_op("->") {
            self.next();
            return Ok((vec![], true));
        }
        let mut items = vec![self.expr(0)?];
        while self.is_op(",") {
            self.next();
            self.skip_eol();
            if matches!(self.peek().tok, Tok::Key(_)) {
                items.push(self.keyword_list(true)?);
                break;
            }
            items.push(self.expr(0)?);
        }
        if self.is_op("->") {
            self.next();
            return Ok((items, true));
        }
        if items.len() > 1 {
            return Err(self.unexpected());
        }
        Ok((items, false))
    }

    fn primary(&mut self) -> Result<P, SyntaxError> {
        let t = self.next();
        let line = t.line;
        let e = match t.tok {
            Tok::Int(i) => Expr::new(Kind::Lit(Term::Int(i)), line),
            Tok::BigInt(text, value) => {
                if value.bits() > super::ops::MAX_BIG_BITS {
                    return Err(SyntaxError::Invalid {
                        line,
                        col: t.col,
                        message: format!(
                            "integer {}… is wider than this console holds ({} bits)",
                            text.get(..20).unwrap_or(&text),
                            super::ops::MAX_BIG_BITS
                        ),
                    });
                }
                Expr::new(Kind::Lit(Term::big(value)), line)
            }
            Tok::Float(f) => Expr::new(Kind::Lit(Term::Float(f)), line),
            Tok::Atom(a) => Expr::new(Kind::Lit(Term::atom(&a)), line),
            Tok::Str(parts) => self.interp(parts, false, line)?,
            Tok::Charlist(parts) => self.interp(parts, true, line)?,
            Tok::Sigil(letter, parts, mods) => self.sigil(letter, parts, &mods, line)?,
            Tok::Alias(a) => {
                if a == "__MODULE__" {
                    Expr::new(Kind::Module, line)
                } else {
                    Expr::new(Kind::Alias(Atom::new(&a)), line)
                }
            }
            Tok::Key(k) => {
                // a keyword list where an expression was expected: `foo key: 1` handled by
                // callers; here it is an error as in Elixir
                return Err(SyntaxError::Invalid {
                    line,
                    col: t.col,
                    message: format!("syntax error before: {k}"),
                });
            }
            Tok::Ident(name) => {
                let tok = Token {
                    tok: Tok::Eof,
                    line: t.line,
                    col: t.col,
                    space_before: t.space_before,
                };
                return self.identifier(name, tok);
            }
            Tok::Op("(") => {
                self.skip_separators();
                if self.is_op(")") {
                    self.next();
                    return Ok(Expr::nil(line));
                }
                // `(x -> x)`: clauses in parentheses
                let (first, is_head) = self.head_or_expr_plain()?;
                if is_head {
                    self.paren_stab += 1;
                    let clauses = self.clauses(first, line);
                    self.paren_stab -= 1;
                    let clauses = clauses?;
                    if !self.is_op(")") {
                        return Err(self.missing(")", line));
                    }
                    self.next();
                    return Ok(Expr::new(Kind::Stab(clauses.into()), line));
                }
                let mut exprs = first;
                loop {
                    self.skip_separators();
                    if self.is_op(")") {
                        self.next();
                        break;
                    }
                    if self.at_eof() {
                        return Err(self.missing(")", line));
                    }
                    if !matches!(self.toks[self.pos - 1].tok, Tok::Eol | Tok::Op(";")) {
                        return Err(self.unexpected());
                    }
                    exprs.push(self.expr(0)?);
                }
                block(exprs, line)
            }
            Tok::Op("[") => {
                self.enter()?;
                self.depth -= 1;
                let mut items = Vec::new();
                let mut tail = None;
                loop {
                    self.skip_eol();
                    if self.is_op("]") {
                        self.next();
                        break;
                    }
                    if matches!(self.peek().tok, Tok::Key(_)) {
                        let kw = self.keyword_list(false)?;
                        if let Kind::List(pairs, _) = &kw.kind {
                            for p in pairs {
                                items.push(p.clone());
                            }
                        }
                        self.expect_close("]", line)?;
                        break;
                    }
                    if self.at_eof() {
                        return Err(self.missing("]", line));
                    }
                    items.push(self.expr(31)?);
                    self.skip_eol();
                    if self.is_op("|") {
                        self.next();
                        self.skip_eol();
                        tail = Some(self.expr(31)?);
                        self.expect_close("]", line)?;
                        break;
                    }
                    if self.is_op(",") {
                        self.next();
                        continue;
                    }
                    self.expect_close("]", line)?;
                    break;
                }
                Expr::new(Kind::List(items, tail), line)
            }
            Tok::Op("{") => {
                self.enter()?;
                let items = self.items_until("}", line);
                self.depth -= 1;
                let items = items?;
                Expr::new(Kind::Tuple(items), line)
            }
            Tok::Op("%") => return self.map_or_struct(line),
            Tok::Op("<<") => {
                self.enter()?;
                let items = self.items_until(">>", line);
                self.depth -= 1;
                Expr::new(Kind::Bits(items?), line)
            }
            Tok::Eof => {
                return Err(SyntaxError::Missing {
                    line,
                    col: t.col,
                    message: "syntax error: expression is incomplete".into(),
                })
            }
            _ => {
                self.pos -= 1;
                return Err(self.unexpected());
            }
        };
        Ok(e)
    }

    fn identifier(&mut self, name: String, t: Token) -> Result<P, SyntaxError> {
        // inside `quote`, `var!(x)` stays a call: the macro's caller's `x`, when it runs
        if name == "quote" {
            self.in_quote += 1;
            let r = self.identifier_inner(name, t);
            self.in_quote -= 1;
            return r;
        }
        self.identifier_inner(name, t)
    }

    fn identifier_inner(&mut self, name: String, t: Token) -> Result<P, SyntaxError> {
        let line = t.line;
        match name.as_str() {
            "true" => return Ok(Expr::new(Kind::Lit(Term::bool(true)), line)),
            "false" => return Ok(Expr::new(Kind::Lit(Term::bool(false)), line)),
            "nil" => return Ok(Expr::new(Kind::Lit(Term::nil()), line)),
            "fn" => return self.fn_expr(line),
            "do" | "end" | "when" | "and" | "or" | "in" | "else" | "after" | "rescue" | "catch" => {
                self.pos -= 1;
                return Err(self.unexpected());
            }
            _ => {}
        }
        if name == "__MODULE__" {
            return Ok(Expr::new(Kind::Module, line));
        }
        // where the code is, for `Macro.expand/2`
        if name == "__ENV__" {
            let module = Expr::new(Kind::Module, line);
            return Ok(library_call("Macro.Env", "__env__", vec![module], line));
        }
        let atom = Atom::new(&name);
        if self.is_op("(") && !self.peek().space_before {
            self.next();
            let mut args = self.paren_args(line)?;
            if name == "var!" && self.in_quote == 0 {
                if let Some(v) = var_bang(&args, line) {
                    return Ok(v);
                }
            }
            // `unquote(fun)(args)` in a quote: a call of the function named by the value
            if name == "unquote" && self.is_op("(") && !self.peek().space_before {
                self.next();
                let call_args = self.paren_args(line)?;
                let f = Expr::new(Kind::Call(atom, args, Rc::default()), line);
                return Ok(Expr::new(Kind::Apply(f, call_args), line));
            }
            let blocks = self.maybe_do_blocks(&mut args)?;
            return Ok(Expr::new(Kind::Call(atom, args, blocks), line));
        }
        if self.starts_argument() {
            let mut args = self.no_paren_args()?;
            let blocks = self.maybe_do_blocks(&mut args)?;
            return Ok(Expr::new(Kind::Call(atom, args, blocks), line));
        }
        if self.no_do == 0 && self.is_ident("do") {
            let mut args = vec![];
            let blocks = self.maybe_do_blocks(&mut args)?;
            return Ok(Expr::new(Kind::Call(atom, args, blocks), line));
        }
        Ok(Expr::new(Kind::Var(atom), line))
    }

    fn fn_expr(&mut self, line: usize) -> Result<P, SyntaxError> {
        self.enter()?;
        self.depth += 2;
        let r = self.fn_inner(line);
        self.depth -= 3;
        r
    }

    fn fn_inner(&mut self, line: usize) -> Result<P, SyntaxError> {
        let saved = self.no_do;
        self.no_do = 0;
        let r = (|| {
            self.skip_eol();
            let (head, is_head) = self.head_or_expr()?;
            if !is_head {
                return Err(self.unexpected());
            }
            let clauses = self.clauses(head, line)?;
            if !self.is_ident("end") {
                return Err(self.unexpected());
            }
            self.next();
            Ok(Expr::new(Kind::Fn(clauses.into()), line))
        })();
        self.no_do = saved;
        r
    }

    fn map_or_struct(&mut self, line: usize) -> Result<P, SyntaxError> {
        let name = if self.is_op("{") {
            None
        } else {
            let n = self.next();
            Some(match n.tok {
                Tok::Alias(a) if a == "__MODULE__" => Expr::new(Kind::Module, line),
                Tok::Alias(a) => {
                    let mut full = a;
                    while self.is_op(".") {
                        if let Tok::Alias(b) = &self.peek_at(1).tok {
                            full = format!("{full}.{b}");
                            self.pos += 2;
                        } else {
                            break;
                        }
                    }
                    Expr::new(Kind::Alias(Atom::new(&full)), line)
                }
                Tok::Ident(v) if v == "__MODULE__" => Expr::new(Kind::Module, line),
                Tok::Ident(v) => Expr::new(Kind::Var(Atom::new(&v)), line),
                _ => {
                    self.pos -= 1;
                    return Err(self.unexpected());
                }
            })
        };
        if !self.is_op("{") {
            return Err(self.unexpected());
        }
        self.next();
        self.skip_eol();
        // `%{base | k: v}`
        let mut base = None;
        if !self.is_op("}") && !matches!(self.peek().tok, Tok::Key(_)) {
            let save = self.pos;
            let first = self.expr(31)?;
            self.skip_eol();
            if self.is_op("|") {
                self.next();
                base = Some(first);
            } else {
                self.pos = save;
            }
        }
        let pairs = self.map_pairs(line)?;
        Ok(match (name, base) {
            (None, None) => Expr::new(Kind::Map(pairs), line),
            (None, Some(b)) => Expr::new(Kind::MapUpdate(b, pairs), line),
            (Some(n), b) => Expr::new(Kind::Struct(n, b, pairs), line),
        })
    }

    fn map_pairs(&mut self, line: usize) -> Result<Vec<(P, P)>, SyntaxError> {
        let mut pairs = Vec::new();
        loop {
            self.skip_eol();
            if self.is_op("}") {
                self.next();
                return Ok(pairs);
            }
            if self.at_eof() {
                return Err(self.missing("}", line));
            }
            if let Tok::Key(k) = self.peek().tok.clone() {
                let kl = self.line();
                self.next();
                self.skip_eol();
                let v = self.expr(0)?;
                pairs.push((Expr::new(Kind::Lit(Term::atom(&k)), kl), v));
                // `%{a: 1, "b" => 2}`: keywords come last in a map, as in a list
                let mut n = 0;
                while self.peek_at(n).tok == Tok::Eol {
                    n += 1;
                }
                if matches!(self.peek_at(n).tok, Tok::Op(",")) {
                    let comma = self.peek_at(n).clone();
                    let mut m = n + 1;
                    while self.peek_at(m).tok == Tok::Eol {
                        m += 1;
                    }
                    if !matches!(self.peek_at(m).tok, Tok::Key(_) | Tok::Op("}") | Tok::Eof) {
                        return Err(keyword_not_last(&comma, false));
                    }
                }
            } else {
                let k = self.expr(31)?;
                self.skip_eol();
                if !self.is_op("=>") {
                    return Err(self.unexpected());
                }
                self.next();
                self.skip_eol();
                let v = self.expr(0)?;
                pairs.push((k, v));
            }
            self.skip_eol();
            if self.is_op(",") {
                self.next();
                continue;
            }
            self.expect_close("}", line)?;
            return Ok(pairs);
        }
    }

    fn interp(&mut self, parts: Vec<TPart>, charlist: bool, line: usize) -> Result<P, SyntaxError> {
        let mut out = Vec::new();
        for p in parts {
            match p {
                TPart::Lit(s) if charlist => out.push(Part::Lit(
                    crate::elixir::tokenizer::unmark_raw_bytes(&s).into(),
                )),
                // `"\x80…"`: bytes, a binary that is not UTF-8
                TPart::Lit(s) => match crate::elixir::tokenizer::raw_bytes(&s) {
                    Some(bytes) => {
                        out.push(Part::Code(Expr::new(Kind::Lit(Term::binary(bytes)), line)))
                    }
                    None => out.push(Part::Lit(s.into())),
                },
                TPart::Code(mut toks) => {
                    let l = toks.first().map_or(line, |t| t.line);
                    toks.push(Token {
                        tok: Tok::Eof,
                        line: l,
                        col: 1,
                        space_before: true,
                    });
                    let mut sub = Parser {
                        toks,
                        pos: 0,
                        depth: self.depth,
                        no_do: 0,
                        paren_stab: 0,
                        in_quote: self.in_quote,
                        source: self.source.clone(),
                    };
                    sub.skip_separators();
                    if sub.at_eof() {
                        out.push(Part::Code(Expr::new(Kind::Lit(Term::str("")), l)));
                        continue;
                    }
                    let mut exprs = vec![];
                    while !sub.at_eof() {
                        exprs.push(sub.expr(0)?);
                        sub.skip_separators();
                    }
                    out.push(Part::Code(block(exprs, l)));
                }
            }
        }
        if let [Part::Code(e)] = out.as_slice() {
            if matches!(e.kind, Kind::Lit(Term::Bin(..) | Term::Str(_))) {
                return Ok(e.clone());
            }
        }
        if out.iter().all(|p| matches!(p, Part::Lit(_))) {
            let s: String = out
                .iter()
                .map(|p| match p {
                    Part::Lit(s) => s.to_string(),
                    Part::Code(_) => String::new(),
                })
                .collect();
            let t = if charlist {
                Term::list(s.chars().map(|c| Term::Int(c as i64)).collect())
            } else {
                Term::str(&s)
            };
            return Ok(Expr::new(Kind::Lit(t), line));
        }
        Ok(Expr::new(Kind::Interp(out, charlist), line))
    }

    fn sigil(
        &mut self,
        letter: char,
        parts: Vec<TPart>,
        mods: &str,
        line: usize,
    ) -> Result<P, SyntaxError> {
        match letter {
            's' | 'S' => self.interp(parts, false, line),
            'c' | 'C' => self.interp(parts, true, line),
            // `~w(a #{b} c)`: the words after interpolation, split when it runs
            'w' if parts.iter().any(|p| matches!(p, TPart::Code(_))) => {
                let text = self.interp(parts, false, line)?;
                let mods = Expr::new(Kind::Lit(Term::str(mods)), line);
                Ok(library_call("String", "__words__", vec![text, mods], line))
            }
            'w' | 'W' => {
                let text: String = parts
                    .iter()
                    .map(|p| match p {
                        TPart::Lit(s) => s.as_str(),
                        TPart::Code(_) => "",
                    })
                    .collect();
                let words = text.split_whitespace().map(|w| match mods {
                    "a" => Term::atom(w),
                    "c" => Term::list(w.chars().map(|c| Term::Int(c as i64)).collect()),
                    _ => Term::str(w),
                });
                Ok(Expr::new(Kind::Lit(Term::list(words.collect())), line))
            }
            // `Regex.compile!(source, modifiers)`: checked when it runs
            'r' | 'R' => {
                let source = self.interp(parts, false, line)?;
                let mods = Expr::new(Kind::Lit(Term::str(mods)), line);
                Ok(library_call("Regex", "compile!", vec![source, mods], line))
            }
            // `Date.from_iso8601!(text)`: a bad date raises when it runs
            'D' | 'T' | 'N' => {
                let text = self.interp(parts, false, line)?;
                let module = match letter {
                    'D' => "Date",
                    'T' => "Time",
                    _ => "NaiveDateTime",
                };
                Ok(library_call(module, "from_iso8601!", vec![text], line))
            }
            'U' => {
                let text = self.interp(parts, false, line)?;
                Ok(library_call("DateTime", "__sigil_u__", vec![text], line))
            }
            _ => Err(SyntaxError::Invalid {
                line,
                col: 1,
                message: format!("the sigil ~{letter} is not supported by this console (it knows ~s, ~S, ~c, ~C, ~w, ~W, ~r, ~R, ~D, ~T, ~N and ~U)"),
            }),
        }
    }
}

/// `Module.fun(args)` of the library, as a sigil expands to it.
fn library_call(module: &str, fun: &str, args: Vec<P>, line: usize) -> P {
    let alias = Expr::new(Kind::Alias(Atom::new(module)), line);
    Expr::new(Kind::Remote(alias, Atom::new(fun), args, true), line)
}

fn quote_str(t: &Tok) -> String {
    match t {
        Tok::Str(parts) | Tok::Charlist(parts) => {
            let s: String = parts
                .iter()
                .map(|p| match p {
                    TPart::Lit(s) => s.clone(),
                    TPart::Code(_) => "#{…}".into(),
                })
                .collect();
            if matches!(t, Tok::Str(_)) {
                format!("\"{s}\"")
            } else {
                format!("'{s}'")
            }
        }
        _ => String::new(),
    }
}

fn block(mut exprs: Vec<P>, line: usize) -> P {
    match exprs.len() {
        0 => Expr::nil(line),
        1 => exprs.remove(0),
        _ => Expr::new(Kind::Block(exprs), line),
    }
}

/// `var!(x)` is the variable `x`; `var!(x, :ctx)` the variable `x` of the context `:ctx`
/// (named `ctx:x` here, a name no source can write; `binding(:ctx)` lists them).
fn var_bang(args: &[P], line: usize) -> Option<P> {
    let name = match args {
        [v] | [v, _] => match &v.kind {
            Kind::Var(x) => *x,
            _ => return None,
        },
        _ => return None,
    };
    let var = match args.get(1).map(|c| &c.kind) {
        None => name,
        Some(Kind::Lit(Term::Atom(ctx))) if &*ctx.name() == "nil" => name,
        Some(Kind::Lit(Term::Atom(ctx))) => Atom::new(&format!("{}:{}", ctx.name(), name.name())),
        _ => return None,
    };
    Some(Expr::new(Kind::Var(var), line))
}

/// A call's `do`/`else` blocks as the keyword argument they are (`[do: …, else: …]`).
pub fn blocks_kw(blocks: Rc<Blocks>, line: usize) -> P {
    blocks_as_kw(blocks, line)
}

fn blocks_as_kw(blocks: Rc<Blocks>, line: usize) -> P {
    // Remote calls keep do-blocks as a keyword argument (the evaluator treats them as such).
    let items = blocks
        .items
        .iter()
        .map(|(k, b)| {
            let v = match b {
                Body::Expr(e) => e.clone(),
                Body::Clauses(c) => Expr::new(Kind::Fn(c.clone()), line),
            };
            Expr::new(
                Kind::Tuple(vec![Expr::new(Kind::Lit(Term::Atom(*k)), line), v]),
                line,
            )
        })
        .collect();
    Expr::new(Kind::List(items, None), line)
}

fn make_clause(mut head: Vec<P>, body: P) -> Clause {
    let mut guard = None;
    if let Some(last) = head.pop() {
        match &last.kind {
            Kind::Binary("when", lhs, g) => {
                guard = Some(g.clone());
                // `() when g` leaves an empty placeholder
                if !matches!(&lhs.kind, Kind::Block(v) if v.is_empty()) {
                    head.push(lhs.clone());
                }
            }
            _ => head.push(last),
        }
    }
    Clause {
        args: head,
        guard,
        body,
    }
}

/// `left |> right`: `left` becomes the first argument of the call `right`.
fn pipe(left: P, right: P, line: usize) -> Result<P, SyntaxError> {
    let kind = match &right.kind {
        Kind::Call(name, args, blocks) => {
            let mut a = vec![left];
            a.extend(args.iter().cloned());
            Kind::Call(*name, a, blocks.clone())
        }
        Kind::Var(name) => Kind::Call(*name, vec![left], Rc::default()),
        Kind::Remote(m, name, args, _) => {
            let mut a = vec![left];
            a.extend(args.iter().cloned());
            Kind::Remote(m.clone(), *name, a, true)
        }
        Kind::Apply(f, args) => {
            let mut a = vec![left];
            a.extend(args.iter().cloned());
            Kind::Apply(f.clone(), a)
        }
        _ => {
            return Err(SyntaxError::Invalid {
                line,
                col: 1,
                message: format!(
                    "cannot pipe {} into {}, can only pipe into local calls foo(), remote calls Foo.bar() or anonymous function calls foo.()",
                    describe(&left),
                    describe(&right)
                ),
            })
        }
    };
    Ok(Expr::new(kind, right.line as usize))
}

pub fn max_capture_arg(e: &Expr, depth: usize) -> usize {
    if depth > MAX_DEPTH * 4 {
        return 0;
    }
    let m = |x: &P| max_capture_arg(x, depth + 1);
    match &e.kind {
        Kind::CaptureArg(n) => *n,
        Kind::Lit(_)
        | Kind::Var(_)
        | Kind::Alias(_)
        | Kind::Attr(_)
        | Kind::Module
        | Kind::CaptureRef(..) => 0,
        Kind::Capture(..) | Kind::Fn(_) | Kind::Stab(_) => 0,
        Kind::Interp(parts, _) => parts
            .iter()
            .map(|p| match p {
                Part::Code(c) => m(c),
                Part::Lit(_) => 0,
            })
            .max()
            .unwrap_or(0),
        Kind::Tuple(items) | Kind::Block(items) | Kind::Bits(items) => {
            items.iter().map(m).max().unwrap_or(0)
        }
        Kind::List(items, tail) => items.iter().chain(tail.iter()).map(m).max().unwrap_or(0),
        Kind::Map(pairs) => pairs.iter().map(|(k, v)| m(k).max(m(v))).max().unwrap_or(0),
        Kind::MapUpdate(b, pairs) | Kind::Struct(b, None, pairs) => pairs
            .iter()
            .map(|(k, v)| m(k).max(m(v)))
            .max()
            .unwrap_or(0)
            .max(m(b)),
        Kind::Struct(b, Some(u), pairs) => pairs
            .iter()
            .map(|(k, v)| m(k).max(m(v)))
            .max()
            .unwrap_or(0)
            .max(m(b))
            .max(m(u)),
        Kind::Unary(_, x) | Kind::Pin(x) => m(x),
        Kind::Binary(_, a, b) | Kind::Match(a, b) | Kind::Access(a, b) => m(a).max(m(b)),
        Kind::Call(_, args, _) => args.iter().map(m).max().unwrap_or(0),
        Kind::Remote(t, _, args, _) | Kind::Apply(t, args) => {
            args.iter().map(m).max().unwrap_or(0).max(m(t))
        }
    }
}

/// Source-like text of an expression, for messages.
pub fn describe(e: &Expr) -> String {
    super::source::to_source(e)
}
