//! Elixir source to tokens: numbers in every base, atoms, strings and charlists with escapes
//! and `#{}` interpolation, heredocs, sigils, identifiers, aliases, keyword keys (`key:`),
//! operators, and newlines (which end expressions).
//!
//! Errors carry iex's wording and position: `** (SyntaxError) iex:1:5: …` and, for input
//! that is only unfinished, `** (TokenMissingError) …`, which the console reads as "wait
//! for the next line".

use crate::runtime::float_parse::parse_f64;
use std::fmt;

/// Inputs longer than this are refused before tokenizing (a paste of a whole book).
pub const MAX_INPUT: usize = 200_000;

#[derive(Clone, Debug, PartialEq)]
pub enum Part {
    Lit(String),
    /// `#{…}`: the tokens of the code inside.
    Code(Vec<Token>),
}

#[derive(Clone, Debug, PartialEq)]
pub enum Tok {
    Int(i64),
    /// An integer literal past 64 bits, as written (`9223372036854775808`, `0xFFFF…`), and
    /// its value.
    BigInt(String, crate::runtime::bigint::BigInt),
    Float(f64),
    /// `:name`, `:"quoted"` (no interpolation in quoted atoms here).
    Atom(String),
    Str(Vec<Part>),
    Charlist(Vec<Part>),
    /// `~w(a b c)a` and friends: letter, content, modifiers.
    Sigil(char, Vec<Part>, String),
    Ident(String),
    Alias(String),
    /// `key:` in keyword lists and `do:`.
    Key(String),
    Op(&'static str),
    Eol,
    Eof,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Token {
    pub tok: Tok,
    pub line: usize,
    pub col: usize,
    /// Whitespace came right before it (tells `f -1` from `f - 1`, `f (x)` from `f(x)`).
    pub space_before: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub enum SyntaxError {
    /// Input ends inside something open (`do` without `end`, a string, a bracket): the
    /// console keeps reading lines.
    Missing {
        line: usize,
        col: usize,
        message: String,
    },
    Invalid {
        line: usize,
        col: usize,
        message: String,
    },
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SyntaxError::Missing { line, col, message } => {
                write!(f, "** (TokenMissingError) iex:{line}:{col}: {message}")
            }
            SyntaxError::Invalid { line, col, message } => {
                write!(f, "** (SyntaxError) iex:{line}:{col}: {message}")
            }
        }
    }
}

const OPERATORS: &[&str] = &[
    "===", "!==", "...", "<<<", ">>>", "|||", "&&&", "**", "|>", "<>", "++", "--", "..", "==",
    "!=", "<=", ">=", "&&", "||", "->", "=>", "<-", "\\\\", "=~", "<<", ">>", "::", "//", "+", "-",
    "*", "/", "=", "<", ">", "!", "^", "&", "|", ".", ",", ";", "(", ")", "[", "]", "{", "}", "%",
    "@",
];

/// Operator atoms that may follow `:` (`:+`, `:==`), longest first.
const OP_ATOMS: &[&str] = &[
    "..//", "<<>>", "%{}", "<<<", ">>>", "<<~", "~>>", "<~>", "===", "!==", "&&&", "|||", "+++",
    "---", "...", "==", "!=", "<=", ">=", "&&", "||", "<>", "++", "--", "..", "=~", "**", "|>",
    "<~", "~>", "\\\\", "->", "<-", "{}", "+", "-", "*", "/", "<", ">", "!", "^", "&", "|", "=",
    ".", "%", "@",
];

/// `\xHH` escapes above 0x7F are bytes, which a Rust string cannot hold: the tokenizer marks
/// each as a character of Unicode's last private-use block (U+10FF80 to U+10FFFF), and the
/// parser makes a binary of a string that has them ([`raw_bytes`]).
const RAW_BYTE_BASE: u32 = 0x10FF00;

fn raw_byte_mark(byte: u8) -> char {
    char::from_u32(RAW_BYTE_BASE + byte as u32).unwrap_or(char::REPLACEMENT_CHARACTER)
}

/// The bytes of a literal with `\x80`-style bytes in it, or `None` when it has none.
pub fn raw_bytes(s: &str) -> Option<Vec<u8>> {
    let is_mark = |c: char| (RAW_BYTE_BASE + 0x80..=RAW_BYTE_BASE + 0xFF).contains(&(c as u32));
    if !s.chars().any(is_mark) {
        return None;
    }
    let mut out = Vec::with_capacity(s.len());
    for c in s.chars() {
        if is_mark(c) {
            out.push((c as u32 - RAW_BYTE_BASE) as u8);
        } else {
            let mut buf = [0; 4];
            out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
        }
    }
    Some(out)
}

/// In a charlist, `\x80` is the character 0x80.
pub fn unmark_raw_bytes(s: &str) -> String {
    s.chars()
        .map(|c| match c as u32 {
            n if (RAW_BYTE_BASE + 0x80..=RAW_BYTE_BASE + 0xFF).contains(&n) => {
                char::from_u32(n - RAW_BYTE_BASE).unwrap_or(c)
            }
            _ => c,
        })
        .collect()
}

/// Strings inside `#{}` inside strings…, at most this deep.
const MAX_INTERPOLATION_DEPTH: usize = 32;

thread_local! {
    static DEPTH: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

struct Lexer<'a> {
    chars: Vec<char>,
    pos: usize,
    line: usize,
    col: usize,
    out: Vec<Token>,
    _src: &'a str,
    /// Where the token being read starts (a char index), and each token's chars, start
    /// and end, when the caller asked for them ([`token_spans`]: the editor's colours).
    start: usize,
    spans: Option<Vec<(usize, usize)>>,
}

fn is_ident_start(c: char) -> bool {
    c.is_ascii_lowercase() || c == '_' || (c.is_alphabetic() && !c.is_uppercase())
}
fn is_ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

pub fn tokenize(src: &str) -> Result<Vec<Token>, SyntaxError> {
    tokenize_at(src, 1, 1)
}

pub fn tokenize_at(src: &str, line: usize, col: usize) -> Result<Vec<Token>, SyntaxError> {
    let depth = DEPTH.with(|d| d.get());
    if depth >= MAX_INTERPOLATION_DEPTH {
        return Err(SyntaxError::Invalid {
            line,
            col,
            message: format!(
                "interpolation nested more than {MAX_INTERPOLATION_DEPTH} levels deep"
            ),
        });
    }
    DEPTH.with(|d| d.set(depth + 1));
    let r = tokenize_inner(src, line, col);
    DEPTH.with(|d| d.set(depth));
    r
}

fn tokenize_inner(src: &str, line: usize, col: usize) -> Result<Vec<Token>, SyntaxError> {
    let mut lx = Lexer {
        chars: src.chars().collect(),
        pos: 0,
        line,
        col,
        out: Vec::new(),
        _src: src,
        start: 0,
        spans: None,
    };
    lx.run()?;
    Ok(lx.out)
}

/// The tokens of `src` with the chars each covers (`start..end`, char indices), as far as
/// the text can be read, and the error that stopped it if one did: an editor colours text
/// that is still being written (an unclosed string, a `do` without its `end`).
pub fn token_spans(src: &str) -> (Vec<(usize, usize, Tok)>, Option<SyntaxError>) {
    if src.len() > MAX_INPUT {
        return (Vec::new(), None);
    }
    let mut lx = Lexer {
        chars: src.chars().collect(),
        pos: 0,
        line: 1,
        col: 1,
        out: Vec::new(),
        _src: src,
        start: 0,
        spans: Some(Vec::new()),
    };
    let error = lx.run().err();
    let spans = lx.spans.take().unwrap_or_default();
    let tokens = lx
        .out
        .into_iter()
        .zip(spans)
        .map(|(t, (a, b))| (a, b, t.tok))
        .filter(|(_, _, t)| !matches!(t, Tok::Eol | Tok::Eof))
        .collect();
    (tokens, error)
}

impl Lexer<'_> {
    fn peek(&self, n: usize) -> Option<char> {
        self.chars.get(self.pos + n).copied()
    }
    fn bump(&mut self) -> Option<char> {
        let c = self.chars.get(self.pos).copied()?;
        self.pos += 1;
        if c == '\n' {
            self.line += 1;
            self.col = 1;
        } else {
            self.col += 1;
        }
        Some(c)
    }
    fn starts_with(&self, s: &str) -> bool {
        s.chars().enumerate().all(|(i, c)| self.peek(i) == Some(c))
    }
    fn invalid<T>(
        &self,
        line: usize,
        col: usize,
        message: impl Into<String>,
    ) -> Result<T, SyntaxError> {
        Err(SyntaxError::Invalid {
            line,
            col,
            message: message.into(),
        })
    }

    fn push(&mut self, tok: Tok, line: usize, col: usize, space: bool) {
        if let Some(spans) = self.spans.as_mut() {
            spans.push((self.start, self.pos));
        }
        self.out.push(Token {
            tok,
            line,
            col,
            space_before: space,
        });
    }

    fn run(&mut self) -> Result<(), SyntaxError> {
        let mut space = true;
        loop {
            let Some(c) = self.peek(0) else {
                let (l, c) = (self.line, self.col);
                self.push(Tok::Eof, l, c, space);
                return Ok(());
            };
            let (line, col) = (self.line, self.col);
            self.start = self.pos;
            if c == ' ' || c == '\t' || c == '\r' {
                self.bump();
                space = true;
                continue;
            }
            if c == '\\' && self.peek(1) == Some('\n') {
                self.bump();
                self.bump();
                space = true;
                continue;
            }
            if c == '#' {
                while let Some(c) = self.peek(0) {
                    if c == '\n' {
                        break;
                    }
                    self.bump();
                }
                continue;
            }
            if c == '\n' || c == ';' {
                self.bump();
                if c == ';' {
                    self.push(Tok::Op(";"), line, col, space);
                } else {
                    self.push(Tok::Eol, line, col, space);
                }
                space = true;
                continue;
            }
            let tok = if c.is_ascii_digit() {
                self.number()?
            } else if c == '"' {
                if self.starts_with("\"\"\"") {
                    Tok::Str(self.heredoc('"')?)
                } else {
                    self.bump();
                    Tok::Str(self.quoted('"', line, col)?)
                }
            } else if c == '\'' {
                if self.starts_with("'''") {
                    Tok::Charlist(self.heredoc('\'')?)
                } else {
                    self.bump();
                    Tok::Charlist(self.quoted('\'', line, col)?)
                }
            } else if c == ':' && self.peek(1) != Some(':') {
                self.atom(line, col)?
            } else if c == '?' && self.peek(1).is_some() {
                self.bump();
                let ch = self.bump().unwrap_or(' ');
                let ch = if ch == '\\' {
                    match self.bump() {
                        Some('n') => '\n',
                        Some('t') => '\t',
                        Some('s') => ' ',
                        Some('r') => '\r',
                        Some('0') => '\0',
                        Some('e') => '\x1b',
                        Some(other) => other,
                        None => ' ',
                    }
                } else {
                    ch
                };
                Tok::Int(ch as i64)
            } else if c == '~' && self.peek(1).is_some_and(|c| c.is_ascii_alphabetic()) {
                self.sigil(line, col)?
            } else if is_ident_start(c) {
                let mut name = String::new();
                while let Some(c) = self.peek(0).filter(|c| is_ident_char(*c)) {
                    name.push(c);
                    self.bump();
                }
                if let Some(c) = self.peek(0).filter(|c| *c == '?' || *c == '!') {
                    name.push(c);
                    self.bump();
                }
                if self.peek(0) == Some(':') && self.peek(1) != Some(':') {
                    self.bump();
                    Tok::Key(name)
                } else {
                    Tok::Ident(name)
                }
            } else if c.is_uppercase() {
                let mut name = String::new();
                while let Some(c) = self.peek(0).filter(|c| is_ident_char(*c)) {
                    name.push(c);
                    self.bump();
                }
                if self.peek(0) == Some(':')
                    && self.peek(1) != Some(':')
                    && self.peek(1).is_some_and(|c| c.is_whitespace())
                {
                    self.bump();
                    Tok::Key(name)
                } else {
                    Tok::Alias(name)
                }
            } else {
                match OPERATORS.iter().find(|op| self.starts_with(op)) {
                    Some(op) => {
                        for _ in 0..op.chars().count() {
                            self.bump();
                        }
                        // `"quoted": value`
                        Tok::Op(op)
                    }
                    None => {
                        return self.invalid(
                            line,
                            col,
                            format!(
                                "unexpected token: \"{c}\" (column {col}, code point U+{:04X})",
                                c as u32
                            ),
                        );
                    }
                }
            };
            // `"key": value` makes a quoted keyword key.
            let tok = match tok {
                Tok::Str(parts)
                    if self.peek(0) == Some(':')
                        && self.peek(1).is_some_and(|c| c.is_whitespace())
                        && parts.iter().all(|p| matches!(p, Part::Lit(_))) =>
                {
                    self.bump();
                    let text: String = parts
                        .iter()
                        .map(|p| match p {
                            Part::Lit(s) => s.as_str(),
                            Part::Code(_) => "",
                        })
                        .collect();
                    Tok::Key(text)
                }
                t => t,
            };
            self.push(tok, line, col, space);
            space = false;
        }
    }

    /// A number; a letter right after a decimal one (`1a`) is an error, as in iex.
    fn number(&mut self) -> Result<Tok, SyntaxError> {
        let (line, col, start) = (self.line, self.col, self.pos);
        let tok = self.number_body()?;
        let typed: String = self.chars[start..self.pos].iter().collect();
        let prefixed = typed.len() > 2 && matches!(&typed[..2], "0x" | "0b" | "0o");
        if let Some(c) = self
            .peek(0)
            .filter(|c| !prefixed && (c.is_lowercase() || *c == '_'))
        {
            return self.invalid(
                line,
                col,
                format!(
                    "invalid character \"{c}\" after number {typed}. If you intended to write a number, make sure to separate the number from the character (using comma, space, etc). If you meant to write a function name or a variable, note that identifiers in Elixir cannot start with numbers. Unexpected token: {c}"
                ),
            );
        }
        Ok(tok)
    }

    fn number_body(&mut self) -> Result<Tok, SyntaxError> {
        let (line, col) = (self.line, self.col);
        if self.peek(0) == Some('0') {
            let radix = match self.peek(1) {
                Some('x') => 16,
                Some('b') => 2,
                Some('o') => 8,
                _ => 10,
            };
            // `0x` without a hex digit after it is the number 0 and a stray `x`
            if radix != 10 && self.peek(2).is_some_and(|c| c.is_digit(radix)) {
                let letter = self.peek(1).unwrap_or('x');
                self.bump();
                self.bump();
                let mut digits = String::new();
                while let Some(c) = self.peek(0) {
                    if c.is_digit(radix) {
                        digits.push(c);
                    } else if !(c == '_' && self.peek(1).is_some_and(|d| d.is_digit(radix))) {
                        break;
                    }
                    self.bump();
                }
                let written = format!("0{letter}{digits}");
                return Ok(int_token(&digits, radix, written));
            }
        }
        let mut text = String::new();
        let mut float = false;
        while let Some(c) = self.peek(0) {
            if c.is_ascii_digit() {
                text.push(c);
            } else if c == '_' && self.peek(1).is_some_and(|c| c.is_ascii_digit()) {
            } else if c == '.' && !float && self.peek(1).is_some_and(|c| c.is_ascii_digit()) {
                float = true;
                text.push(c);
            } else if (c == 'e' || c == 'E') && float {
                text.push('e');
                self.bump();
                if let Some(s) = self.peek(0).filter(|c| *c == '-' || *c == '+') {
                    text.push(s);
                    self.bump();
                }
                continue;
            } else {
                break;
            }
            self.bump();
        }
        if float {
            // the BEAM has no infinity: `1.0e400` is a syntax error, as in iex
            parse_f64(&text)
                .filter(|f| f.is_finite())
                .map(Tok::Float)
                .map_or_else(
                    || self.invalid(line, col, format!("invalid float number {text}")),
                    Ok,
                )
        } else {
            Ok(int_token(&text, 10, text.clone()))
        }
    }

    fn atom(&mut self, line: usize, col: usize) -> Result<Tok, SyntaxError> {
        self.bump(); // ':'
        match self.peek(0) {
            Some('"') => {
                self.bump();
                let parts = self.quoted('"', line, col)?;
                let mut s = String::new();
                for p in parts {
                    match p {
                        Part::Lit(l) => s.push_str(&l),
                        Part::Code(_) => {
                            return self.invalid(
                                line,
                                col,
                                "interpolation in atoms is not supported in this console",
                            );
                        }
                    }
                }
                Ok(Tok::Atom(s))
            }
            Some(c) if is_ident_start(c) || c.is_uppercase() => {
                let mut name = String::new();
                while let Some(c) = self.peek(0).filter(|c| is_ident_char(*c) || *c == '@') {
                    name.push(c);
                    self.bump();
                }
                if let Some(c) = self.peek(0).filter(|c| *c == '?' || *c == '!') {
                    name.push(c);
                    self.bump();
                }
                Ok(Tok::Atom(name))
            }
            _ => {
                if let Some(op) = OP_ATOMS.iter().find(|op| self.starts_with(op)) {
                    for _ in 0..op.len() {
                        self.bump();
                    }
                    return Ok(Tok::Atom(op.to_string()));
                }
                self.invalid(line, col, "unexpected token: \":\"")
            }
        }
    }

    /// The character of a hex escape: `{digits}`, or up to `digits` hex digits.
    fn hex_escape(&mut self, digits: usize) -> Option<char> {
        let mut hex = String::new();
        if self.peek(0) == Some('{') {
            self.bump();
            while let Some(c) = self.bump() {
                if c == '}' {
                    break;
                }
                hex.push(c);
            }
        } else {
            for _ in 0..digits {
                if let Some(c) = self.peek(0).filter(|c| c.is_ascii_hexdigit()) {
                    hex.push(c);
                    self.bump();
                }
            }
        }
        u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32)
    }

    /// The body of a string or charlist after its opening quote, up to the closing one.
    fn quoted(&mut self, close: char, line: usize, col: usize) -> Result<Vec<Part>, SyntaxError> {
        self.quoted_until(&close.to_string(), true, true, line, col)
    }

    fn quoted_until(
        &mut self,
        close: &str,
        interpolate: bool,
        escapes: bool,
        line: usize,
        col: usize,
    ) -> Result<Vec<Part>, SyntaxError> {
        let mut parts = Vec::new();
        let mut lit = String::new();
        loop {
            if self.starts_with(close) {
                for _ in 0..close.chars().count() {
                    self.bump();
                }
                break;
            }
            let Some(c) = self.bump() else {
                let q = close.chars().next().unwrap_or('"');
                return Err(SyntaxError::Missing {
                    line,
                    col,
                    message: format!(
                        "missing terminator: {close} (for string starting at line {line})"
                    )
                    .replace(&format!("{q}{q}{q}"), close),
                });
            };
            if c == '\\' {
                let Some(e) = self.bump() else { continue };
                if !escapes {
                    if close.starts_with(e) {
                        lit.push(e);
                    } else {
                        lit.push('\\');
                        lit.push(e);
                    }
                    continue;
                }
                match e {
                    'n' => lit.push('\n'),
                    't' => lit.push('\t'),
                    'r' => lit.push('\r'),
                    's' => lit.push(' '),
                    '0' => lit.push('\0'),
                    'e' => lit.push('\x1b'),
                    'a' => lit.push('\x07'),
                    'b' => lit.push('\x08'),
                    'f' => lit.push('\x0c'),
                    'v' => lit.push('\x0b'),
                    'd' => lit.push('\x7f'),
                    '\n' => {}
                    'x' | 'u' => {
                        // \xHH, \x{H…}, \uHHHH, \u{H…}
                        let ch = self.hex_escape(if e == 'x' { 2 } else { 4 });
                        match ch {
                            // `"\x80"` is the byte 0x80, not a character: marked for the parser
                            Some(ch) if e == 'x' && ('\u{80}'..='\u{ff}').contains(&ch) => {
                                lit.push(raw_byte_mark(ch as u8))
                            }
                            Some(ch) => lit.push(ch),
                            None if e == 'x' => {
                                return self.invalid(line, col, "invalid hex escape")
                            }
                            None => return self.invalid(line, col, "invalid Unicode escape"),
                        }
                    }
                    other => lit.push(other),
                }
                continue;
            }
            if interpolate && c == '#' && self.peek(0) == Some('{') {
                self.bump();
                let (l0, c0) = (self.line, self.col);
                let start = self.pos;
                let mut depth = 1;
                let mut in_str: Option<char> = None;
                while let Some(ch) = self.peek(0) {
                    match in_str {
                        Some(q) => {
                            if ch == '\\' {
                                self.bump();
                            } else if ch == q {
                                in_str = None;
                            }
                        }
                        None => {
                            if ch == '"' || ch == '\'' {
                                in_str = Some(ch);
                            } else if ch == '{' {
                                depth += 1;
                            } else if ch == '}' {
                                depth -= 1;
                                if depth == 0 {
                                    break;
                                }
                            }
                        }
                    }
                    self.bump();
                }
                if self.peek(0) != Some('}') {
                    return Err(SyntaxError::Missing {
                        line,
                        col,
                        message: "missing interpolation terminator: \"}\"".into(),
                    });
                }
                let code: String = self.chars[start..self.pos].iter().collect();
                self.bump();
                if !lit.is_empty() {
                    parts.push(Part::Lit(std::mem::take(&mut lit)));
                }
                let mut toks = tokenize_at(&code, l0, c0)?;
                toks.retain(|t| t.tok != Tok::Eof);
                parts.push(Part::Code(toks));
                continue;
            }
            lit.push(c);
        }
        if !lit.is_empty() || parts.is_empty() {
            parts.push(Part::Lit(lit));
        }
        Ok(parts)
    }

    fn heredoc(&mut self, q: char) -> Result<Vec<Part>, SyntaxError> {
        let (line, col) = (self.line, self.col);
        for _ in 0..3 {
            self.bump();
        }
        // the rest of the opening line must be blank
        while let Some(c) = self.peek(0) {
            if c == '\n' {
                self.bump();
                break;
            }
            if !c.is_whitespace() {
                return self.invalid(line, col, "heredoc allows only zero or more whitespace characters followed by a new line after \"\"\"");
            }
            self.bump();
        }
        // Find the closing delimiter line to learn the indentation to strip.
        let close: String = std::iter::repeat_n(q, 3).collect();
        let rest: String = self.chars[self.pos..].iter().collect();
        let mut indent = None;
        let mut offset = 0;
        for l in rest.split('\n') {
            let trimmed = l.trim_start();
            if trimmed.starts_with(&close) {
                indent = Some(l.len() - trimmed.len());
                offset += l.len() - trimmed.len();
                break;
            }
            offset += l.chars().count() + 1;
        }
        let Some(indent) = indent else {
            return Err(SyntaxError::Missing {
                line,
                col,
                message: format!(
                    "missing terminator: {close} (for heredoc starting at line {line})"
                ),
            });
        };
        let body: String = self.chars[self.pos..self.pos + offset].iter().collect();
        let (bl, bc) = (self.line, self.col);
        for _ in 0..offset + 3 {
            self.bump();
        }
        // strip indentation line by line, drop the final newline before the closing line
        let mut stripped = String::new();
        for l in body.split('\n') {
            let n = l.chars().take(indent).take_while(|c| *c == ' ').count();
            stripped.push_str(&l[n..]);
            stripped.push('\n');
        }
        // body ends with "\n<indent>", which became "...\n\n" : remove the last line
        let stripped = stripped.strip_suffix('\n').unwrap_or(&stripped).to_string();
        let mut sub = Lexer {
            chars: stripped.chars().chain(close.chars()).collect(),
            pos: 0,
            line: bl,
            col: bc,
            out: Vec::new(),
            _src: "",
            start: 0,
            spans: None,
        };
        sub.quoted_until(&close, true, true, line, col)
    }

    fn sigil(&mut self, line: usize, col: usize) -> Result<Tok, SyntaxError> {
        self.bump(); // ~
        let letter = self.bump().unwrap_or('s');
        let open = self.bump().unwrap_or(' ');
        let close = match open {
            '(' => ')',
            '[' => ']',
            '{' => '}',
            '<' => '>',
            '/' | '|' | '"' | '\'' => open,
            _ => return self.invalid(line, col, format!("invalid sigil delimiter: \"{open}\"")),
        };
        let lower = letter.is_ascii_lowercase();
        // a regex keeps its backslashes (`\d`) for the regex to read
        let escapes = lower && letter != 'r';
        let parts = self.quoted_until(&close.to_string(), lower, escapes, line, col)?;
        let mut mods = String::new();
        while let Some(c) = self.peek(0).filter(|c| c.is_ascii_alphabetic()) {
            mods.push(c);
            self.bump();
        }
        Ok(Tok::Sigil(letter, parts, mods))
    }
}

/// The token of an integer literal's digits (valid for `radix`, underscores removed).
fn int_token(digits: &str, radix: u32, written: String) -> Tok {
    match i64::from_str_radix(digits, radix) {
        Ok(i) => Tok::Int(i),
        Err(_) => Tok::BigInt(
            written,
            crate::runtime::bigint::BigInt::parse_bytes(digits.as_bytes(), radix)
                .unwrap_or_default(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Vec<Tok> {
        tokenize(s).unwrap().into_iter().map(|t| t.tok).collect()
    }

    #[test]
    fn numbers_atoms_keys_and_operators() {
        assert_eq!(
            toks("1_000 0x1F 0b101 1.5e3"),
            vec![
                Tok::Int(1000),
                Tok::Int(31),
                Tok::Int(5),
                Tok::Float(1500.0),
                Tok::Eof
            ]
        );
        assert_eq!(
            toks("[a: :b, \"c d\": 1]")[1..4],
            [Tok::Key("a".into()), Tok::Atom("b".into()), Tok::Op(",")]
        );
        assert_eq!(toks("x |> f")[1], Tok::Op("|>"));
        assert_eq!(toks("?a"), vec![Tok::Int(97), Tok::Eof]);
    }

    #[test]
    fn strings_interpolate_and_unfinished_input_is_missing() {
        let t = toks("\"a#{1 + 2}b\"");
        assert!(matches!(&t[0], Tok::Str(parts) if parts.len() == 3));
        assert!(matches!(
            tokenize("\"abc"),
            Err(SyntaxError::Missing { .. })
        ));
    }
}
