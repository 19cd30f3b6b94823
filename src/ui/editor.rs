//! The module editor's model, browser-free: colours from the interpreter's own tokenizer,
//! the indentation Enter and Tab give, the bracket or `do`/`end` that pairs with the one at
//! the caret, the syntax check before a run, and the error a run answered, on its line.
//!
//! Positions are char indices into the source; the page converts the textarea's UTF-16
//! offsets with [`utf16_to_char`] and [`char_to_utf16`].

use std::rc::Rc;

use crate::console::Console;
use crate::elixir::parser;
use crate::elixir::tokenizer::{token_spans, SyntaxError, Tok};

/// Spaces an indentation level takes (Elixir's formatter uses two).
pub const INDENT: usize = 2;

/// A coloured run of the source: chars `start..end`, and its kind (a CSS class).
#[derive(Clone, Debug, PartialEq)]
pub struct Span {
    pub start: usize,
    pub end: usize,
    pub class: &'static str,
}

const KEYWORDS: &[&str] = &[
    "do",
    "end",
    "fn",
    "when",
    "and",
    "or",
    "not",
    "in",
    "else",
    "after",
    "rescue",
    "catch",
    "def",
    "defp",
    "defmodule",
    "defstruct",
    "defmacro",
    "defprotocol",
    "defimpl",
    "use",
    "import",
    "alias",
    "require",
    "case",
    "cond",
    "if",
    "unless",
    "with",
    "for",
    "receive",
    "try",
    "raise",
    "quote",
    "unquote",
];

/// The source's colours: each token the tokenizer reads (as far as it can read: text still
/// being written is coloured up to where it stops), and the comments between them. What no
/// span covers is plain text.
pub fn highlight(src: &str) -> Vec<Span> {
    let chars: Vec<char> = src.chars().collect();
    let (tokens, _) = token_spans(src);
    let mut spans = Vec::with_capacity(tokens.len());
    let mut at = 0;
    for (start, end, tok) in &tokens {
        comments(&chars, at, *start, &mut spans);
        let class = match tok {
            Tok::Int(_) | Tok::BigInt(..) | Tok::Float(_) => "num",
            Tok::Atom(_) | Tok::Key(_) => "atom",
            Tok::Str(_) | Tok::Charlist(_) | Tok::Sigil(..) => "str",
            Tok::Alias(_) => "mod",
            Tok::Ident(w) if KEYWORDS.contains(&w.as_str()) => "kw",
            Tok::Ident(w) if matches!(w.as_str(), "true" | "false" | "nil") => "atom",
            Tok::Op("@") => "attr",
            Tok::Op(_) => "op",
            _ => "",
        };
        if !class.is_empty() && end > start {
            spans.push(Span {
                start: *start,
                end: *end,
                class,
            });
        }
        at = *end;
    }
    // after the last token read: comments, or the rest of an unfinished string
    match tokens.last() {
        _ if at >= chars.len() => {}
        _ => {
            let rest = &chars[at..];
            let quote = rest
                .iter()
                .position(|c| !c.is_whitespace())
                .filter(|i| matches!(rest[*i], '"' | '\''));
            match quote {
                Some(i) => spans.push(Span {
                    start: at + i,
                    end: chars.len(),
                    class: "str",
                }),
                None => comments(&chars, at, chars.len(), &mut spans),
            }
        }
    }
    spans
}

/// Comments in the gap `from..to` between two tokens (the tokenizer skips them).
fn comments(chars: &[char], from: usize, to: usize, out: &mut Vec<Span>) {
    let mut i = from;
    while i < to {
        if chars[i] == '#' {
            let end = (i..to).find(|j| chars[*j] == '\n').unwrap_or(to);
            out.push(Span {
                start: i,
                end,
                class: "comment",
            });
            i = end;
        }
        i += 1;
    }
}

/// Token kinds that open and close pairs.
fn opener(tok: &Tok) -> Option<&'static str> {
    match tok {
        Tok::Op("(") => Some(")"),
        Tok::Op("[") => Some("]"),
        Tok::Op("{") => Some("}"),
        Tok::Op("<<") => Some(">>"),
        Tok::Ident(w) if w == "do" || w == "fn" => Some("end"),
        _ => None,
    }
}

fn closer(tok: &Tok) -> Option<&'static str> {
    match tok {
        Tok::Op(c @ (")" | "]" | "}" | ">>")) => Some(c),
        Tok::Ident(w) if w == "end" => Some("end"),
        _ => None,
    }
}

/// The pairs of the source (`(`…`)`, `do`…`end`, `fn`…`end`, …), each as the two tokens'
/// char ranges, opener first; a closer with no opener is left out.
pub fn pairs(src: &str) -> Vec<((usize, usize), (usize, usize))> {
    let (tokens, _) = token_spans(src);
    let mut stack: Vec<(usize, usize, &'static str)> = Vec::new();
    let mut out = Vec::new();
    for (start, end, tok) in &tokens {
        if let Some(close) = opener(tok) {
            // `fn … end` holds `->` clauses but no `do`: only one `end` closes both
            stack.push((*start, *end, close));
        } else if let Some(close) = closer(tok) {
            if let Some(i) = stack.iter().rposition(|(_, _, c)| *c == close) {
                let (s, e, _) = stack[i];
                stack.truncate(i);
                out.push(((s, e), (*start, *end)));
            }
        }
    }
    out
}

/// The pair whose opener or closer touches the caret (a char index), if any: the page
/// marks both.
pub fn matching(src: &str, caret: usize) -> Option<((usize, usize), (usize, usize))> {
    let touches = |(s, e): (usize, usize)| s <= caret && caret <= e;
    pairs(src)
        .into_iter()
        .filter(|(a, b)| touches(*a) || touches(*b))
        // the innermost: the latest opener
        .max_by_key(|(a, _)| a.0)
}

/// Leading spaces of a line.
fn indent_of(line: &str) -> usize {
    line.chars().take_while(|c| *c == ' ').count()
}

/// True when a line ends by opening a block or a bracket: `do`, `fn`, `->`, `(`, `[`, `{`,
/// `else` and its kin (a comment after it does not count).
fn opens(line: &str) -> bool {
    let code = match line.find(" #") {
        Some(i) if !line[..i].contains('"') => &line[..i],
        _ => line,
    };
    let t = code.trim_end();
    let last_word = t
        .rsplit(|c: char| !(c.is_alphanumeric() || c == '_'))
        .next()
        .unwrap_or("");
    matches!(
        last_word,
        "do" | "fn" | "else" | "after" | "rescue" | "catch"
    ) || t.ends_with("->")
        || t.ends_with('(')
        || t.ends_with('[')
        || t.ends_with('{')
        || t.ends_with("%{")
}

/// Where the line holding char `at` starts.
fn start_of_line(chars: &[char], at: usize) -> usize {
    chars[..at]
        .iter()
        .rposition(|c| *c == '\n')
        .map_or(0, |i| i + 1)
}

/// Where the line holding char `at` ends (its newline, or the end).
fn end_of_line(chars: &[char], at: usize) -> usize {
    chars[at..]
        .iter()
        .position(|c| *c == '\n')
        .map_or(chars.len(), |i| at + i)
}

/// Enter at `caret`: a newline, indented as the line it leaves, one level more after a
/// line that opens a block. The new source and caret.
pub fn newline(src: &str, caret: usize) -> (String, usize) {
    let chars: Vec<char> = src.chars().collect();
    let caret = caret.min(chars.len());
    let line_start = start_of_line(&chars, caret);
    let before: String = chars[line_start..caret].iter().collect();
    let mut indent = indent_of(&before);
    if opens(&before) {
        indent += INDENT;
    }
    let insert = format!("\n{}", " ".repeat(indent));
    let mut out: String = chars[..caret].iter().collect();
    out.push_str(&insert);
    out.extend(&chars[caret..]);
    (out, caret + insert.chars().count())
}

/// After a keystroke: a line that now reads only `end` (or `else`, `after`, `rescue`,
/// `catch`) with the caret at its end moves to its opener's indentation. `None` when there
/// is nothing to do.
pub fn dedent_closer(src: &str, caret: usize) -> Option<(String, usize)> {
    let chars: Vec<char> = src.chars().collect();
    let caret = caret.min(chars.len());
    let line_start = start_of_line(&chars, caret);
    let line_end = end_of_line(&chars, caret);
    let line: String = chars[line_start..line_end].iter().collect();
    let word = line.trim();
    if caret != line_end || !matches!(word, "end" | "else" | "after" | "rescue" | "catch") {
        return None;
    }
    let have = indent_of(&line);
    // the opener: the `do` this `end` closes; for `else` and kin, the innermost open `do`
    let want = if word == "end" {
        let word_start = line_start + have;
        let (open, _) = pairs(src)
            .into_iter()
            .find(|(_, close)| close.0 == word_start)?;
        let open_line_start = start_of_line(&chars, open.0);
        let open_line: String = chars[open_line_start..].iter().collect();
        indent_of(&open_line)
    } else {
        have.saturating_sub(INDENT)
    };
    if want == have {
        return None;
    }
    let mut out: String = chars[..line_start].iter().collect();
    out.push_str(&" ".repeat(want));
    out.push_str(word);
    out.extend(&chars[line_end..]);
    Some((out, line_start + want + word.chars().count()))
}

/// Tab (or Shift-Tab, `outdent`) over the selection `start..end`: every line it touches
/// moves a level; with no selection, Tab inserts spaces to the next level at the caret.
/// The new source and selection.
pub fn indent_lines(src: &str, start: usize, end: usize, outdent: bool) -> (String, usize, usize) {
    let chars: Vec<char> = src.chars().collect();
    let (start, end) = (start.min(chars.len()), end.min(chars.len()));
    let first = start_of_line(&chars, start);
    if start == end && !outdent {
        let col = start - first;
        let n = INDENT - col % INDENT;
        let mut out: String = chars[..start].iter().collect();
        out.push_str(&" ".repeat(n));
        out.extend(&chars[start..]);
        return (out, start + n, start + n);
    }
    let mut out: String = chars[..first].iter().collect();
    let (mut new_start, mut new_end) = (start, end);
    let mut i = first;
    let last = if end > start && end > 0 && chars[end - 1] == '\n' {
        end - 1
    } else {
        end
    };
    loop {
        let line_end = end_of_line(&chars, i);
        let line: String = chars[i..line_end].iter().collect();
        let delta: isize = if outdent {
            -(indent_of(&line).min(INDENT) as isize)
        } else if line.trim().is_empty() {
            0
        } else {
            INDENT as isize
        };
        if delta > 0 {
            out.push_str(&" ".repeat(delta as usize));
            out.push_str(&line);
        } else {
            out.extend(line.chars().skip((-delta) as usize));
        }
        let shift = |p: usize| -> usize {
            if p < i {
                p
            } else {
                (p as isize + delta).max(i as isize) as usize
            }
        };
        if i <= start {
            new_start = shift(start);
        }
        new_end = shift(new_end);
        if line_end >= last || line_end >= chars.len() {
            out.extend(&chars[line_end..]);
            break;
        }
        out.push('\n');
        i = line_end + 1;
    }
    (out, new_start, new_end)
}

/// UTF-16 offset (a textarea's selection) to a char index.
pub fn utf16_to_char(src: &str, units: usize) -> usize {
    let mut seen = 0;
    for (i, c) in src.chars().enumerate() {
        if seen >= units {
            return i;
        }
        seen += c.len_utf16();
    }
    src.chars().count()
}

/// Char index to UTF-16 offset.
pub fn char_to_utf16(src: &str, index: usize) -> usize {
    src.chars().take(index).map(char::len_utf16).sum()
}

/// An error to show on the editor: the line (1 = the editor's first) and column when the
/// error says where, and what iex printed.
#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    pub line: Option<usize>,
    pub col: Option<usize>,
    pub message: String,
}

/// The source read as the console will read it: the syntax error that stops it, on its
/// line (nothing runs then).
pub fn syntax_check(src: &str) -> Option<Diagnostic> {
    match parser::parse(src) {
        Ok(_) => None,
        Err(e) => {
            let (line, col, message) = match &e {
                SyntaxError::Missing { line, col, .. } | SyntaxError::Invalid { line, col, .. } => {
                    (*line, *col, e.to_string())
                }
            };
            Some(Diagnostic {
                line: Some(line),
                col: Some(col),
                message: without_place(&message),
            })
        }
    }
}

/// The editor's last run: its source (what the page shows in the editor), and the console
/// entry it made (whose answer may be an error to mark). Part of the run: a replay or a
/// shared link shows the same source.
#[derive(Clone, Debug, Default)]
pub struct EditorRun {
    pub source: Option<Rc<str>>,
    /// The console entry (index) and its `iex(N)` number.
    entry: usize,
    number: usize,
    /// Bumped at each run: the page puts the source in the editor when it changes.
    pub version: u64,
}

impl EditorRun {
    pub fn ran(&mut self, source: &str, entry: usize, number: usize) {
        self.source = Some(Rc::from(source));
        self.entry = entry;
        self.number = number;
        self.version += 1;
    }

    /// The answer of the last run, if it has come: `Ok` with nothing to mark, or the
    /// error (`** (CompileError) iex:7: …`), its line made the editor's.
    pub fn outcome(&self, console: &Console) -> Option<Result<(), Diagnostic>> {
        self.source.as_ref()?;
        let output = console.entries.get(self.entry)?.output.as_deref()?;
        Some(match error_of(output, self.number) {
            Some(d) => Err(d),
            None => Ok(()),
        })
    }
}

/// The first error line of an answer (`** (Kind) iex:L:C: message`) with its line counted
/// from the entry's first (`number`).
fn error_of(output: &str, number: usize) -> Option<Diagnostic> {
    let first = output.lines().find(|l| l.starts_with("** ("))?.trim_end();
    let rest = first.split_once(") ").map_or("", |(_, r)| r);
    let mut line = None;
    let mut col = None;
    if let Some(place) = rest.strip_prefix("iex:") {
        let mut nums = place.split(':');
        line = nums
            .next()
            .and_then(|n| n.trim().parse::<usize>().ok())
            .map(|l| (l + 1).saturating_sub(number).max(1));
        col = nums.next().and_then(|n| n.trim().parse::<usize>().ok());
    }
    let more: Vec<&str> = output
        .lines()
        .skip_while(|l| !l.starts_with("** ("))
        .take(4)
        .collect();
    Some(Diagnostic {
        line,
        col,
        message: without_place(&more.join("\n")),
    })
}

/// `** (CompileError) iex:12: undefined…` without its `iex:12:` (the console's numbering):
/// the editor says the line in its own.
fn without_place(message: &str) -> String {
    let Some((kind, rest)) = message.split_once(") iex:") else {
        return message.to_string();
    };
    let rest = rest.trim_start_matches(|c: char| c.is_ascii_digit() || c == ':');
    format!("{kind}) {}", rest.trim_start())
}
