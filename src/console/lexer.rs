//! Tokens of the Elixir subset the console reads, with their line and column (1-based, as
//! iex reports them in `iex:1:5: …`).

use std::fmt;

#[derive(Clone, Debug, PartialEq)]
pub enum Tok {
    Int(i64),
    Float(f64),
    Str(String),
    /// `:name` or `:"quoted name"`; also `true`, `false`, `nil`.
    Atom(String),
    /// `Redfour.Shopping` (dots included).
    Alias(String),
    /// `pid`, `alive?`, `_`.
    Ident(String),
    /// `key:` in a keyword list or keyword arguments.
    Key(String),
    LParen,
    RParen,
    LBracket,
    RBracket,
    LBrace,
    RBrace,
    /// `%{`
    MapOpen,
    Comma,
    Dot,
    Eq,
    Pipe,
    Arrow,
    Newline,
    Eof,
}

impl fmt::Display for Tok {
    /// How the token appears in "syntax error before: …".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Tok::Int(i) => write!(f, "'{i}'"),
            Tok::Float(x) => write!(f, "'{x}'"),
            Tok::Str(s) => write!(f, "\"{s}\""),
            Tok::Atom(a) => write!(f, "':{a}'"),
            Tok::Alias(a) => write!(f, "'{a}'"),
            Tok::Ident(i) => write!(f, "'{i}'"),
            Tok::Key(k) => write!(f, "'{k}:'"),
            Tok::LParen => f.write_str("'('"),
            Tok::RParen => f.write_str("')'"),
            Tok::LBracket => f.write_str("'['"),
            Tok::RBracket => f.write_str("']'"),
            Tok::LBrace => f.write_str("'{'"),
            Tok::RBrace => f.write_str("'}'"),
            Tok::MapOpen => f.write_str("'%{'"),
            Tok::Comma => f.write_str("','"),
            Tok::Dot => f.write_str("'.'"),
            Tok::Eq => f.write_str("'='"),
            Tok::Pipe => f.write_str("'|>'"),
            Tok::Arrow => f.write_str("'=>'"),
            Tok::Newline => f.write_str("newline"),
            Tok::Eof => f.write_str("end of input"),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Token {
    pub tok: Tok,
    pub line: usize,
    pub col: usize,
    /// True when white space came right before (for `f (x)` vs `f(x)` and `key: `).
    pub spaced: bool,
}

/// A lexing or parsing error, printed as iex prints it.
#[derive(Clone, Debug, PartialEq)]
pub enum SyntaxError {
    /// `** (SyntaxError) iex:1:5: …`
    Syntax {
        line: usize,
        col: usize,
        message: String,
    },
    /// `** (TokenMissingError) iex:1:6: …` (unclosed brackets, a trailing operator).
    Missing {
        line: usize,
        col: usize,
        message: String,
    },
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SyntaxError::Syntax { line, col, message } => {
                write!(f, "** (SyntaxError) iex:{line}:{col}: {message}")
            }
            SyntaxError::Missing { line, col, message } => {
                write!(f, "** (TokenMissingError) iex:{line}:{col}: {message}")
            }
        }
    }
}

/// Longest input the console reads (a paste of the whole seed post is far shorter).
pub const MAX_INPUT: usize = 20_000;

pub fn lex(src: &str) -> Result<Vec<Token>, SyntaxError> {
    let chars: Vec<char> = src.chars().take(MAX_INPUT).collect();
    let mut out = Vec::new();
    let (mut i, mut line, mut col) = (0usize, 1usize, 1usize);
    let mut spaced = true;
    macro_rules! push {
        ($tok:expr, $l:expr, $c:expr) => {{
            out.push(Token {
                tok: $tok,
                line: $l,
                col: $c,
                spaced,
            });
            spaced = false;
        }};
    }
    while i < chars.len() {
        let c = chars[i];
        let (l0, c0) = (line, col);
        let advance = |n: usize, i: &mut usize, col: &mut usize| {
            *i += n;
            *col += n;
        };
        match c {
            ' ' | '\t' | '\r' => {
                advance(1, &mut i, &mut col);
                spaced = true;
            }
            '\n' | ';' => {
                out.push(Token {
                    tok: Tok::Newline,
                    line: l0,
                    col: c0,
                    spaced,
                });
                i += 1;
                if c == '\n' {
                    line += 1;
                    col = 1;
                } else {
                    col += 1;
                }
                spaced = true;
            }
            '#' => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            '(' => {
                push!(Tok::LParen, l0, c0);
                advance(1, &mut i, &mut col);
            }
            ')' => {
                push!(Tok::RParen, l0, c0);
                advance(1, &mut i, &mut col);
            }
            '[' => {
                push!(Tok::LBracket, l0, c0);
                advance(1, &mut i, &mut col);
            }
            ']' => {
                push!(Tok::RBracket, l0, c0);
                advance(1, &mut i, &mut col);
            }
            '{' => {
                push!(Tok::LBrace, l0, c0);
                advance(1, &mut i, &mut col);
            }
            '}' => {
                push!(Tok::RBrace, l0, c0);
                advance(1, &mut i, &mut col);
            }
            ',' => {
                push!(Tok::Comma, l0, c0);
                advance(1, &mut i, &mut col);
            }
            '.' => {
                push!(Tok::Dot, l0, c0);
                advance(1, &mut i, &mut col);
            }
            '%' if chars.get(i + 1) == Some(&'{') => {
                push!(Tok::MapOpen, l0, c0);
                advance(2, &mut i, &mut col);
            }
            '|' if chars.get(i + 1) == Some(&'>') => {
                push!(Tok::Pipe, l0, c0);
                advance(2, &mut i, &mut col);
            }
            '=' if chars.get(i + 1) == Some(&'>') => {
                push!(Tok::Arrow, l0, c0);
                advance(2, &mut i, &mut col);
            }
            '=' if chars.get(i + 1) == Some(&'=') => {
                return Err(SyntaxError::Syntax {
                    line: l0,
                    col: c0,
                    message: "operators are not supported in this console (only = and |>)".into(),
                });
            }
            '=' => {
                push!(Tok::Eq, l0, c0);
                advance(1, &mut i, &mut col);
            }
            '"' => {
                let (s, used, newlines) =
                    read_string(&chars[i + 1..]).ok_or(SyntaxError::Missing {
                        line: l0,
                        col: c0,
                        message: format!(
                            "missing terminator: \" (for string starting at line {l0})"
                        ),
                    })?;
                push!(Tok::Str(s), l0, c0);
                i += used + 1;
                if newlines > 0 {
                    line += newlines;
                    col = 1;
                } else {
                    col += used + 1;
                }
            }
            ':' if chars.get(i + 1) == Some(&'"') => {
                let (s, used, _) = read_string(&chars[i + 2..]).ok_or(SyntaxError::Missing {
                    line: l0,
                    col: c0,
                    message: format!("missing terminator: \" (for atom starting at line {l0})"),
                })?;
                push!(Tok::Atom(s), l0, c0);
                advance(used + 2, &mut i, &mut col);
            }
            ':' if chars
                .get(i + 1)
                .is_some_and(|c| c.is_alphabetic() || *c == '_') =>
            {
                let mut j = i + 1;
                while j < chars.len()
                    && (chars[j].is_alphanumeric() || chars[j] == '_' || chars[j] == '@')
                {
                    j += 1;
                }
                if j < chars.len() && (chars[j] == '?' || chars[j] == '!') {
                    j += 1;
                }
                let name: String = chars[i + 1..j].iter().collect();
                push!(Tok::Atom(name), l0, c0);
                advance(j - i, &mut i, &mut col);
            }
            c if c.is_ascii_digit() => {
                let mut j = i;
                while j < chars.len() && (chars[j].is_ascii_digit() || chars[j] == '_') {
                    j += 1;
                }
                let mut float = false;
                if j + 1 < chars.len() && chars[j] == '.' && chars[j + 1].is_ascii_digit() {
                    float = true;
                    j += 1;
                    while j < chars.len() && (chars[j].is_ascii_digit() || chars[j] == '_') {
                        j += 1;
                    }
                    if j < chars.len() && (chars[j] == 'e' || chars[j] == 'E') {
                        let mut k = j + 1;
                        if k < chars.len() && (chars[k] == '-' || chars[k] == '+') {
                            k += 1;
                        }
                        if k < chars.len() && chars[k].is_ascii_digit() {
                            j = k;
                            while j < chars.len() && chars[j].is_ascii_digit() {
                                j += 1;
                            }
                        }
                    }
                }
                let text: String = chars[i..j].iter().filter(|c| **c != '_').collect();
                let tok = if float {
                    Tok::Float(text.parse().unwrap_or(0.0))
                } else {
                    match text.parse::<i64>() {
                        Ok(n) => Tok::Int(n),
                        Err(_) => {
                            return Err(SyntaxError::Syntax {
                                line: l0,
                                col: c0,
                                message: "integers this large are not supported in this console"
                                    .into(),
                            })
                        }
                    }
                };
                push!(tok, l0, c0);
                advance(j - i, &mut i, &mut col);
            }
            c if c.is_uppercase() => {
                // An alias, possibly dotted: Redfour.Shopping.Session
                let mut j = i;
                loop {
                    while j < chars.len() && (chars[j].is_alphanumeric() || chars[j] == '_') {
                        j += 1;
                    }
                    if j + 1 < chars.len() && chars[j] == '.' && chars[j + 1].is_uppercase() {
                        j += 1;
                        continue;
                    }
                    break;
                }
                let name: String = chars[i..j].iter().collect();
                push!(Tok::Alias(name), l0, c0);
                advance(j - i, &mut i, &mut col);
            }
            c if c.is_alphabetic() || c == '_' => {
                let mut j = i;
                while j < chars.len() && (chars[j].is_alphanumeric() || chars[j] == '_') {
                    j += 1;
                }
                if j < chars.len() && (chars[j] == '?' || chars[j] == '!') {
                    j += 1;
                }
                let name: String = chars[i..j].iter().collect();
                // `key: value` (a keyword), but not `::`.
                if j < chars.len()
                    && chars[j] == ':'
                    && chars.get(j + 1).is_none_or(|c| c.is_whitespace())
                {
                    push!(Tok::Key(name), l0, c0);
                    advance(j + 1 - i, &mut i, &mut col);
                    continue;
                }
                let tok = match name.as_str() {
                    "true" | "false" | "nil" => Tok::Atom(name),
                    "fn" | "do" | "end" | "case" | "cond" | "if" | "receive" | "def"
                    | "defmodule" => {
                        return Err(SyntaxError::Syntax {
                            line: l0,
                            col: c0,
                            message: format!(
                                "`{name}` is not supported in this console; type `h` for what is"
                            ),
                        })
                    }
                    _ => Tok::Ident(name),
                };
                push!(tok, l0, c0);
                advance(j - i, &mut i, &mut col);
            }
            other => {
                return Err(SyntaxError::Syntax {
                    line: l0,
                    col: c0,
                    message: format!("unexpected token: \"{other}\""),
                });
            }
        }
    }
    out.push(Token {
        tok: Tok::Eof,
        line,
        col,
        spaced: true,
    });
    Ok(out)
}

/// Reads a string body after its opening quote: (text, chars used incl. the closing quote,
/// newlines inside). `None` when it never closes.
fn read_string(chars: &[char]) -> Option<(String, usize, usize)> {
    let mut s = String::new();
    let mut i = 0;
    let mut newlines = 0;
    while i < chars.len() {
        match chars[i] {
            '"' => return Some((s, i + 1, newlines)),
            '\\' if i + 1 < chars.len() => {
                s.push(match chars[i + 1] {
                    'n' => '\n',
                    't' => '\t',
                    'r' => '\r',
                    '0' => '\0',
                    other => other,
                });
                i += 2;
            }
            c => {
                if c == '\n' {
                    newlines += 1;
                }
                s.push(c);
                i += 1;
            }
        }
    }
    None
}
