//! Parses the console's Elixir subset into expressions: literals, variables, tuples, lists
//! (keyword lists included), maps, remote calls with or without parentheses
//! (`Process.whereis :my_key`, `start_session key: :my_key`), local calls (`self()`,
//! `flush`, `length x`), matches (`{:ok, pid} = …`) and the pipe `|>`.

use super::lexer::{lex, SyntaxError, Tok, Token};
use crate::runtime::Term;

#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    Lit(Term),
    Var(String),
    Tuple(Vec<Expr>),
    List(Vec<Expr>),
    Map(Vec<(Expr, Expr)>),
    /// `Module.fun(args)` (module `None` for a local call such as `self()`).
    Call {
        module: Option<String>,
        fun: String,
        args: Vec<Expr>,
        /// `false` for `Process.list` written without parentheses (so `h` can name it).
        parens: bool,
    },
    /// `pattern = expr`
    Match(Box<Expr>, Box<Expr>),
}

/// Deepest nesting accepted: a pathological input must not exhaust the stack (1 MB in wasm;
/// each level is a few frames of the recursive descent).
const MAX_DEPTH: usize = 64;

struct Parser {
    toks: Vec<Token>,
    pos: usize,
    depth: usize,
}

/// Parses one entry: a sequence of expressions separated by newlines or `;`.
pub fn parse(src: &str) -> Result<Vec<Expr>, SyntaxError> {
    let toks = lex(src)?;
    let mut p = Parser {
        toks,
        pos: 0,
        depth: 0,
    };
    let mut out = Vec::new();
    loop {
        p.skip_newlines();
        if p.peek().tok == Tok::Eof {
            break;
        }
        out.push(p.expr()?);
        match p.peek().tok {
            Tok::Newline | Tok::Eof => {}
            _ => return Err(p.unexpected()),
        }
    }
    Ok(out)
}

fn starts_expr(t: &Token) -> bool {
    matches!(
        t.tok,
        Tok::Int(_)
            | Tok::Float(_)
            | Tok::Str(_)
            | Tok::Atom(_)
            | Tok::Alias(_)
            | Tok::Ident(_)
            | Tok::Key(_)
            | Tok::LBracket
            | Tok::LBrace
            | Tok::MapOpen
    ) || (t.tok == Tok::LParen && t.spaced)
}

impl Parser {
    fn peek(&self) -> &Token {
        &self.toks[self.pos.min(self.toks.len() - 1)]
    }

    fn next(&mut self) -> Token {
        let t = self.peek().clone();
        if self.pos < self.toks.len() - 1 {
            self.pos += 1;
        }
        t
    }

    fn skip_newlines(&mut self) {
        while self.peek().tok == Tok::Newline {
            self.next();
        }
    }

    fn unexpected(&self) -> SyntaxError {
        let t = self.peek();
        if t.tok == Tok::Eof {
            SyntaxError::Missing {
                line: t.line,
                col: t.col,
                message: "syntax error: expression is incomplete".into(),
            }
        } else {
            SyntaxError::Syntax {
                line: t.line,
                col: t.col,
                message: format!("syntax error before: {}", t.tok),
            }
        }
    }

    fn expect(&mut self, want: Tok, open: &Token, closer: char) -> Result<(), SyntaxError> {
        self.skip_newlines();
        if self.peek().tok == want {
            self.next();
            return Ok(());
        }
        let t = self.peek();
        if t.tok == Tok::Eof {
            let opener = match closer {
                ')' => "(",
                ']' => "[",
                _ => "{",
            };
            return Err(SyntaxError::Missing {
                line: t.line,
                col: t.col,
                message: format!(
                    "missing terminator: {closer} (for \"{opener}\" starting at line {})",
                    open.line
                ),
            });
        }
        Err(self.unexpected())
    }

    fn expr(&mut self) -> Result<Expr, SyntaxError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            let t = self.peek();
            return Err(SyntaxError::Syntax {
                line: t.line,
                col: t.col,
                message: "expression nested too deeply".into(),
            });
        }
        let left = self.pipe()?;
        let result = if self.peek().tok == Tok::Eq {
            self.next();
            self.skip_newlines();
            let right = self.expr()?;
            Ok(Expr::Match(Box::new(left), Box::new(right)))
        } else {
            Ok(left)
        };
        self.depth -= 1;
        result
    }

    fn pipe(&mut self) -> Result<Expr, SyntaxError> {
        let mut left = self.primary()?;
        loop {
            // A pipe may start the next line, as in iex.
            let save = self.pos;
            self.skip_newlines();
            if self.peek().tok != Tok::Pipe {
                self.pos = save;
                return Ok(left);
            }
            let at = self.next();
            self.skip_newlines();
            match self.primary()? {
                Expr::Call {
                    module,
                    fun,
                    mut args,
                    ..
                } => {
                    args.insert(0, left);
                    left = Expr::Call {
                        module,
                        fun,
                        args,
                        parens: true,
                    };
                }
                Expr::Var(fun) => {
                    left = Expr::Call {
                        module: None,
                        fun,
                        args: vec![left],
                        parens: true,
                    };
                }
                _ => {
                    return Err(SyntaxError::Syntax {
                        line: at.line,
                        col: at.col,
                        message: "the right side of |> must be a function call".into(),
                    })
                }
            }
        }
    }

    /// Arguments in parentheses (after the `(`), with trailing keywords gathered in a list.
    fn paren_args(&mut self, open: &Token) -> Result<Vec<Expr>, SyntaxError> {
        let mut args = Vec::new();
        let mut keywords = Vec::new();
        self.skip_newlines();
        if self.peek().tok != Tok::RParen {
            loop {
                self.skip_newlines();
                self.arg(&mut args, &mut keywords)?;
                self.skip_newlines();
                if self.peek().tok == Tok::Comma {
                    self.next();
                    continue;
                }
                break;
            }
        }
        self.expect(Tok::RParen, open, ')')?;
        if !keywords.is_empty() {
            args.push(Expr::List(keywords));
        }
        Ok(args)
    }

    /// Arguments without parentheses: up to the end of the line.
    fn bare_args(&mut self) -> Result<Vec<Expr>, SyntaxError> {
        let mut args = Vec::new();
        let mut keywords = Vec::new();
        loop {
            self.arg(&mut args, &mut keywords)?;
            if self.peek().tok == Tok::Comma {
                self.next();
                self.skip_newlines();
                continue;
            }
            break;
        }
        if !keywords.is_empty() {
            args.push(Expr::List(keywords));
        }
        Ok(args)
    }

    fn arg(&mut self, args: &mut Vec<Expr>, keywords: &mut Vec<Expr>) -> Result<(), SyntaxError> {
        if let Tok::Key(k) = self.peek().tok.clone() {
            self.next();
            self.skip_newlines();
            let value = self.expr()?;
            keywords.push(Expr::Tuple(vec![Expr::Lit(Term::atom(&k)), value]));
        } else if !keywords.is_empty() {
            return Err(self.unexpected()); // keywords must come last
        } else {
            args.push(self.expr()?);
        }
        Ok(())
    }

    fn primary(&mut self) -> Result<Expr, SyntaxError> {
        let t = self.next();
        match t.tok.clone() {
            Tok::Int(i) => Ok(Expr::Lit(Term::Int(i))),
            Tok::Float(x) => Ok(Expr::Lit(Term::Float(x))),
            Tok::Str(s) => Ok(Expr::Lit(Term::str(&s))),
            Tok::LParen => {
                self.skip_newlines();
                let e = self.expr()?;
                self.expect(Tok::RParen, &t, ')')?;
                Ok(e)
            }
            Tok::LBrace => {
                let items = self.items(Tok::RBrace, &t, '}')?;
                Ok(Expr::Tuple(items))
            }
            Tok::LBracket => {
                let items = self.items(Tok::RBracket, &t, ']')?;
                Ok(Expr::List(items))
            }
            Tok::MapOpen => {
                let mut pairs = Vec::new();
                self.skip_newlines();
                while self.peek().tok != Tok::RBrace {
                    if let Tok::Key(k) = self.peek().tok.clone() {
                        self.next();
                        self.skip_newlines();
                        pairs.push((Expr::Lit(Term::atom(&k)), self.expr()?));
                    } else if self.peek().tok == Tok::Eof {
                        break;
                    } else {
                        let key = self.expr()?;
                        self.skip_newlines();
                        if self.peek().tok != Tok::Arrow {
                            return Err(self.unexpected());
                        }
                        self.next();
                        self.skip_newlines();
                        pairs.push((key, self.expr()?));
                    }
                    self.skip_newlines();
                    if self.peek().tok == Tok::Comma {
                        self.next();
                        self.skip_newlines();
                    } else {
                        break;
                    }
                }
                self.expect(Tok::RBrace, &t, '}')?;
                Ok(Expr::Map(pairs))
            }
            Tok::Atom(a) => {
                if self.peek().tok == Tok::Dot {
                    return self.remote(format!(":{a}"));
                }
                Ok(Expr::Lit(Term::atom(&a)))
            }
            Tok::Alias(a) => {
                if self.peek().tok == Tok::Dot {
                    return self.remote(a);
                }
                Ok(Expr::Lit(Term::Atom(crate::runtime::Atom::module(&a))))
            }
            Tok::Ident(name) => {
                let next = self.peek().clone();
                if next.tok == Tok::LParen && !next.spaced {
                    let open = self.next();
                    let args = self.paren_args(&open)?;
                    return Ok(Expr::Call {
                        module: None,
                        fun: name,
                        args,
                        parens: true,
                    });
                }
                if next.spaced && starts_expr(&next) && name != "_" {
                    let args = self.bare_args()?;
                    return Ok(Expr::Call {
                        module: None,
                        fun: name,
                        args,
                        parens: true,
                    });
                }
                Ok(Expr::Var(name))
            }
            _ => {
                self.pos -= 1;
                Err(self.unexpected())
            }
        }
    }

    /// `Module.fun …` after the module (the `.` is next).
    fn remote(&mut self, module: String) -> Result<Expr, SyntaxError> {
        self.next(); // the dot
        let Tok::Ident(fun) = self.peek().tok.clone() else {
            return Err(self.unexpected());
        };
        self.next();
        let next = self.peek().clone();
        if next.tok == Tok::LParen && !next.spaced {
            let open = self.next();
            let args = self.paren_args(&open)?;
            return Ok(Expr::Call {
                module: Some(module),
                fun,
                args,
                parens: true,
            });
        }
        if next.spaced && starts_expr(&next) {
            let args = self.bare_args()?;
            return Ok(Expr::Call {
                module: Some(module),
                fun,
                args,
                parens: true,
            });
        }
        Ok(Expr::Call {
            module: Some(module),
            fun,
            args: vec![],
            parens: false,
        })
    }

    /// Items of a tuple or list, up to `close`; in a list, trailing `key: value` pairs.
    fn items(&mut self, close: Tok, open: &Token, closer: char) -> Result<Vec<Expr>, SyntaxError> {
        let mut items = Vec::new();
        self.skip_newlines();
        while self.peek().tok != close && self.peek().tok != Tok::Eof {
            if let Tok::Key(k) = self.peek().tok.clone() {
                self.next();
                self.skip_newlines();
                items.push(Expr::Tuple(vec![Expr::Lit(Term::atom(&k)), self.expr()?]));
            } else {
                items.push(self.expr()?);
            }
            self.skip_newlines();
            if self.peek().tok == Tok::Comma {
                self.next();
                self.skip_newlines();
            } else {
                break;
            }
        }
        self.expect(close, open, closer)?;
        Ok(items)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(src: &str) -> Expr {
        let mut v = parse(src).unwrap_or_else(|e| panic!("{src}: {e}"));
        assert_eq!(v.len(), 1, "{src}");
        v.remove(0)
    }

    #[test]
    fn calls_with_and_without_parentheses_are_the_same() {
        assert_eq!(
            one("Process.whereis :my_key"),
            one("Process.whereis(:my_key)")
        );
        assert_eq!(
            one("Redfour.Shopping.start_session key: :my_key"),
            one("Redfour.Shopping.start_session([key: :my_key])")
        );
        assert_eq!(one("length [1, 2]"), one("length([1, 2])"));
        assert!(matches!(
            one("Process.list"),
            Expr::Call { parens: false, .. }
        ));
    }

    #[test]
    fn matches_and_pipes() {
        assert!(matches!(
            one("{:ok, pid} = Redfour.Shopping.start_session key: :k"),
            Expr::Match(..)
        ));
        assert_eq!(one("[1, 2] |> length()"), one("length([1, 2])"));
        assert_eq!(one("[1, 2] |> length"), one("length([1, 2])"));
    }

    #[test]
    fn errors_look_like_iex() {
        assert_eq!(
            parse("[1, 2").unwrap_err().to_string(),
            "** (TokenMissingError) iex:1:6: missing terminator: ] (for \"[\" starting at line 1)"
        );
        assert_eq!(
            parse("1 +").unwrap_err().to_string(),
            "** (SyntaxError) iex:1:3: unexpected token: \"+\""
        );
        assert_eq!(
            parse("foo(1))").unwrap_err().to_string(),
            "** (SyntaxError) iex:1:7: syntax error before: ')'"
        );
        assert_eq!(
            parse("Process.").unwrap_err().to_string(),
            "** (TokenMissingError) iex:1:9: syntax error: expression is incomplete"
        );
    }

    #[test]
    fn several_lines_are_several_expressions() {
        assert_eq!(parse("a = 1\nb = 2; a").unwrap().len(), 3);
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let deep = "[".repeat(5_000);
        assert!(parse(&deep).is_err());
    }
}
