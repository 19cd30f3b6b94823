//! The console's regular expressions: a backtracking matcher for the PCRE syntax Elixir's
//! `~r` patterns use (written for this project; Elixir's own run on the BEAM's PCRE).
//!
//! Supported: literals and escapes, `.`, classes (`[a-z]`, `[^…]`, `\d \w \s \h` and their
//! negations, POSIX `[:alpha:]`…, `\p{L}`-style properties), anchors (`^ $ \A \z \Z \b \B`),
//! groups (capturing, `(?:…)`, named `(?<name>…)`), alternation, greedy and lazy
//! quantifiers (`* + ? {n} {n,} {n,m}`), backreferences (`\1`, `\g{1}`), lookahead and
//! lookbehind (`(?=…) (?!…) (?<=…) (?<!…)`), and the modifiers `i m s x u` (`u` makes the
//! classes Unicode-aware, as PCRE's UCP). It matches on characters: positions it reports
//! are byte offsets, as Elixir's are.
//!
//! A match runs on an explicit stack (no recursion on the input) and stops after
//! [`STEP_LIMIT`] steps with an error, as PCRE stops at its match limit: a pathological
//! pattern never freezes the tab.

use std::rc::Rc;

use super::case_mapping;

/// Backtracking steps one search may take (PCRE's default match limit is 10,000,000).
pub const STEP_LIMIT: u64 = 5_000_000;
/// Instructions a pattern may compile to (counted repetitions are unrolled).
const MAX_PROG: usize = 50_000;

#[derive(Clone, Copy, Default, Debug)]
pub struct Flags {
    pub caseless: bool,
    pub multiline: bool,
    pub dotall: bool,
    pub extended: bool,
    pub unicode: bool,
    pub ungreedy: bool,
    pub firstline: bool,
}

impl Flags {
    /// The modifiers of `~r/…/imsxu` (or Erlang's option names); `Err` names a bad one.
    pub fn parse(opts: &str) -> Result<Flags, char> {
        let mut f = Flags::default();
        for c in opts.chars() {
            match c {
                'i' => f.caseless = true,
                'm' => f.multiline = true,
                's' => f.dotall = true,
                'x' => f.extended = true,
                'u' => f.unicode = true,
                'U' => f.ungreedy = true,
                'f' => f.firstline = true,
                'o' => {}
                other => return Err(other),
            }
        }
        Ok(f)
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Item {
    Char(char),
    Range(char, char),
    Class(Named, bool),
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Named {
    Digit,
    Word,
    Space,
    HSpace,
    VSpace,
    Alpha,
    Alnum,
    Upper,
    Lower,
    Punct,
    XDigit,
    Cntrl,
    Graph,
    Print,
    Blank,
    /// `\p{…}` properties: letters, numbers, punctuation, symbols, currency.
    Letter,
    Number,
    PunctU,
    Symbol,
    Currency,
    Any,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Look {
    LineStart,
    LineEnd,
    TextStart,
    TextEnd,
    TextEndNl,
    WordB,
    NotWordB,
}

#[derive(Clone, Debug)]
enum Inst {
    Char(char),
    Any,
    AnyNoNl,
    Set(Rc<[Item]>, bool),
    Look(Look),
    /// Try the first, then the second.
    Split(usize, usize),
    Jmp(usize),
    Save(usize),
    /// Loop register: remember the position (for [`Inst::Progress`]).
    Mark(usize),
    /// Fail unless the position moved since the mark (an empty loop body ends the loop).
    Progress(usize),
    Backref(usize),
    /// Lookaround: the sub-program at `start` (ending in `Match`), ahead or behind
    /// (behind: at each of the lengths it can have), negated or not; continue at `next`.
    Around {
        start: usize,
        next: usize,
        negate: bool,
        behind: Option<(usize, usize)>,
    },
    Match,
}

/// Each group's byte span in a match (`None`: the group took no part).
pub type Groups = Vec<Option<(usize, usize)>>;

/// A search's registers: capture slots and loop marks.
struct State {
    slots: Vec<Option<usize>>,
    marks: Vec<usize>,
}

/// A compiled pattern.
#[derive(Debug)]
pub struct Regex {
    prog: Vec<Inst>,
    /// Capture groups, the whole match being group 0.
    pub groups: usize,
    /// Named groups: (name, group number), in the order they appear.
    pub names: Vec<(String, usize)>,
    flags: Flags,
    marks: usize,
}

/// Why a pattern does not compile: PCRE's words and the offset in the pattern.
#[derive(Debug, PartialEq)]
pub struct CompileError {
    pub message: &'static str,
    pub at: usize,
}

/// Why a search stopped without an answer.
#[derive(Debug, PartialEq)]
pub enum MatchError {
    StepLimit,
}

// ------------------------------------------------------------------ parsing

#[derive(Debug, Clone)]
enum Node {
    Empty,
    Char(char),
    Any,
    Set(Vec<Item>, bool),
    Look(Look),
    Group(Box<Node>, Option<usize>),
    Concat(Vec<Node>),
    Alt(Vec<Node>),
    Repeat(Box<Node>, u32, Option<u32>, bool),
    Backref(usize),
    Around(Box<Node>, bool, bool),
}

struct Parser {
    chars: Vec<char>,
    pos: usize,
    flags: Flags,
    groups: usize,
    names: Vec<(String, usize)>,
}

fn err(message: &'static str, at: usize) -> CompileError {
    CompileError { message, at }
}

impl Parser {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }
    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }
    /// Byte offset of the char at `i` (PCRE reports offsets in bytes).
    fn offset(&self, i: usize) -> usize {
        self.chars[..i.min(self.chars.len())]
            .iter()
            .map(|c| c.len_utf8())
            .sum()
    }
    fn skip_extended(&mut self) {
        if !self.flags.extended {
            return;
        }
        loop {
            match self.peek() {
                Some(c) if c.is_whitespace() => self.pos += 1,
                Some('#') => {
                    while let Some(c) = self.peek() {
                        self.pos += 1;
                        if c == '\n' {
                            break;
                        }
                    }
                }
                _ => return,
            }
        }
    }

    fn alt(&mut self, depth: usize) -> Result<Node, CompileError> {
        if depth > 200 {
            return Err(err(
                "parentheses are too deeply nested",
                self.offset(self.pos),
            ));
        }
        let mut branches = vec![self.concat(depth)?];
        while self.eat('|') {
            branches.push(self.concat(depth)?);
        }
        Ok(if branches.len() == 1 {
            branches.pop().unwrap_or(Node::Empty)
        } else {
            Node::Alt(branches)
        })
    }

    fn concat(&mut self, depth: usize) -> Result<Node, CompileError> {
        let mut items = Vec::new();
        loop {
            self.skip_extended();
            match self.peek() {
                None | Some('|') | Some(')') => break,
                _ => {}
            }
            let start = self.pos;
            let atom = self.atom(depth)?;
            self.skip_extended();
            let atom = self.quantified(atom, start)?;
            items.push(atom);
        }
        Ok(match items.len() {
            0 => Node::Empty,
            1 => items.pop().unwrap_or(Node::Empty),
            _ => Node::Concat(items),
        })
    }

    fn number(&mut self) -> Option<u32> {
        let start = self.pos;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.pos += 1;
        }
        if start == self.pos {
            return None;
        }
        self.chars[start..self.pos]
            .iter()
            .collect::<String>()
            .parse()
            .ok()
    }

    fn quantified(&mut self, atom: Node, start: usize) -> Result<Node, CompileError> {
        let mut atom = atom;
        loop {
            let (min, max) = match self.peek() {
                Some('*') => (0, None),
                Some('+') => (1, None),
                Some('?') => (0, Some(1)),
                Some('{') => {
                    let save = self.pos;
                    self.pos += 1;
                    let min = self.number();
                    let (min, max) = if self.eat(',') {
                        (min.unwrap_or(0), self.number())
                    } else {
                        match min {
                            Some(n) => (n, Some(n)),
                            None => {
                                self.pos = save;
                                return Ok(atom);
                            }
                        }
                    };
                    if !self.eat('}') {
                        // not a quantifier: a literal `{`
                        self.pos = save;
                        return Ok(atom);
                    }
                    if max.is_some_and(|m| m < min) {
                        return Err(err(
                            "numbers out of order in {} quantifier",
                            self.offset(self.pos - 1),
                        ));
                    }
                    self.pos -= 1;
                    (min, max)
                }
                _ => return Ok(atom),
            };
            self.pos += 1;
            if matches!(atom, Node::Look(_) | Node::Empty) && start == self.pos - 1 {
                return Err(err("nothing to repeat", self.offset(start)));
            }
            let mut greedy = !self.flags.ungreedy;
            if self.eat('?') {
                greedy = !greedy;
            } else {
                self.eat('+'); // possessive: treated as greedy
            }
            atom = Node::Repeat(Box::new(atom), min, max, greedy);
        }
    }

    fn atom(&mut self, depth: usize) -> Result<Node, CompileError> {
        let at = self.pos;
        let Some(c) = self.peek() else {
            return Ok(Node::Empty);
        };
        self.pos += 1;
        Ok(match c {
            '.' => Node::Any,
            '^' => Node::Look(if self.flags.multiline {
                Look::LineStart
            } else {
                Look::TextStart
            }),
            '$' => Node::Look(if self.flags.multiline {
                Look::LineEnd
            } else {
                Look::TextEndNl
            }),
            '*' | '+' | '?' => return Err(err("nothing to repeat", self.offset(at))),
            '{' if self.chars.get(self.pos).is_some_and(|c| c.is_ascii_digit()) && at == 0 => {
                return Err(err("nothing to repeat", self.offset(at)))
            }
            '[' => self.class()?,
            '(' => self.group(depth)?,
            ')' => return Err(err("unmatched parentheses", self.offset(at))),
            '\\' => self.escape(false)?.into_node(),
            c => Node::Char(c),
        })
    }

    fn group(&mut self, depth: usize) -> Result<Node, CompileError> {
        let open = self.pos - 1;
        let mut capture = true;
        let mut name = None;
        let mut around: Option<(bool, bool)> = None;
        if self.eat('?') {
            match self.peek() {
                Some(':') => {
                    self.pos += 1;
                    capture = false;
                }
                Some('=') | Some('!') => {
                    let neg = self.peek() == Some('!');
                    self.pos += 1;
                    around = Some((true, neg));
                }
                Some('<') if matches!(self.chars.get(self.pos + 1), Some('=') | Some('!')) => {
                    let neg = self.chars.get(self.pos + 1) == Some(&'!');
                    self.pos += 2;
                    around = Some((false, neg));
                }
                Some('<') | Some('P') | Some('\'') => {
                    if self.peek() == Some('P') {
                        self.pos += 1;
                    }
                    let close = if self.peek() == Some('\'') { '\'' } else { '>' };
                    self.pos += 1;
                    let start = self.pos;
                    while self.peek().is_some_and(|c| c.is_alphanumeric() || c == '_') {
                        self.pos += 1;
                    }
                    if start == self.pos || !self.eat(close) {
                        return Err(err(
                            "syntax error in subpattern name (missing terminator?)",
                            self.offset(self.pos),
                        ));
                    }
                    name = Some(self.chars[start..self.pos - 1].iter().collect::<String>());
                }
                _ => {
                    // inline flags: (?i) (?i:…) (?-i)
                    let mut on = true;
                    let mut flags = self.flags;
                    loop {
                        match self.peek() {
                            Some('-') => on = false,
                            Some('i') => flags.caseless = on,
                            Some('m') => flags.multiline = on,
                            Some('s') => flags.dotall = on,
                            Some('x') => flags.extended = on,
                            Some('U') => flags.ungreedy = on,
                            Some(')') => {
                                self.pos += 1;
                                self.flags = flags;
                                return Ok(Node::Empty);
                            }
                            Some(':') => {
                                self.pos += 1;
                                let saved = self.flags;
                                self.flags = flags;
                                let inner = self.alt(depth + 1)?;
                                self.flags = saved;
                                if !self.eat(')') {
                                    return Err(err("missing )", self.offset(self.chars.len())));
                                }
                                return Ok(Node::Group(Box::new(inner), None));
                            }
                            _ => {
                                return Err(err(
                                    "unrecognized character after (? or (?-",
                                    self.offset(self.pos),
                                ))
                            }
                        }
                        self.pos += 1;
                    }
                }
            }
        }
        let index = if capture && around.is_none() {
            self.groups += 1;
            if let Some(n) = name {
                self.names.push((n, self.groups));
            }
            Some(self.groups)
        } else {
            None
        };
        let saved = self.flags;
        let inner = self.alt(depth + 1)?;
        self.flags = saved;
        if !self.eat(')') {
            let _ = open;
            return Err(err("missing )", self.offset(self.chars.len())));
        }
        Ok(match around {
            Some((ahead, neg)) => Node::Around(Box::new(inner), ahead, neg),
            None => Node::Group(Box::new(inner), index),
        })
    }

    fn class(&mut self) -> Result<Node, CompileError> {
        let open = self.pos - 1;
        let negated = self.eat('^');
        let mut items = Vec::new();
        let mut first = true;
        loop {
            let Some(c) = self.peek() else {
                return Err(err(
                    "missing terminating ] for character class",
                    self.offset(self.chars.len()),
                ));
            };
            self.pos += 1;
            if c == ']' && !first {
                break;
            }
            first = false;
            let item = match c {
                '[' if self.peek() == Some(':') => {
                    let start = self.pos + 1;
                    let end = (start..self.chars.len().saturating_sub(1))
                        .find(|i| self.chars[*i] == ':' && self.chars[*i + 1] == ']');
                    match end {
                        Some(end) => {
                            let name: String = self.chars[start..end].iter().collect();
                            let (name, neg) = match name.strip_prefix('^') {
                                Some(n) => (n.to_string(), true),
                                None => (name, false),
                            };
                            self.pos = end + 2;
                            let class = match name.as_str() {
                                "alpha" => Named::Alpha,
                                "digit" => Named::Digit,
                                "alnum" => Named::Alnum,
                                "upper" => Named::Upper,
                                "lower" => Named::Lower,
                                "space" => Named::Space,
                                "blank" => Named::Blank,
                                "punct" => Named::Punct,
                                "xdigit" => Named::XDigit,
                                "word" => Named::Word,
                                "cntrl" => Named::Cntrl,
                                "graph" => Named::Graph,
                                "print" => Named::Print,
                                _ => {
                                    return Err(err("unknown POSIX class name", self.offset(start)))
                                }
                            };
                            Item::Class(class, neg)
                        }
                        None => Item::Char('['),
                    }
                }
                '\\' => match self.escape(true)? {
                    Esc::Char(c) => Item::Char(c),
                    Esc::Class(n, neg) => Item::Class(n, neg),
                    _ => {
                        return Err(err(
                            "invalid escape sequence in character class",
                            self.offset(self.pos - 1),
                        ))
                    }
                },
                c => Item::Char(c),
            };
            // a range: `a-z`
            if let Item::Char(lo) = item {
                if self.peek() == Some('-')
                    && self.chars.get(self.pos + 1).is_some_and(|c| *c != ']')
                {
                    self.pos += 1;
                    let hi = match self.peek() {
                        Some('\\') => {
                            self.pos += 1;
                            match self.escape(true)? {
                                Esc::Char(c) => c,
                                _ => {
                                    return Err(err(
                                        "invalid range in character class",
                                        self.offset(self.pos),
                                    ))
                                }
                            }
                        }
                        Some(c) => {
                            self.pos += 1;
                            c
                        }
                        None => {
                            return Err(err(
                                "missing terminating ] for character class",
                                self.offset(open),
                            ))
                        }
                    };
                    if hi < lo {
                        return Err(err(
                            "range out of order in character class",
                            self.offset(self.pos - 1),
                        ));
                    }
                    items.push(Item::Range(lo, hi));
                    continue;
                }
            }
            items.push(item);
        }
        Ok(Node::Set(items, negated))
    }

    fn escape(&mut self, in_class: bool) -> Result<Esc, CompileError> {
        let at = self.pos;
        let Some(c) = self.peek() else {
            return Err(err("\\ at end of pattern", self.offset(at)));
        };
        self.pos += 1;
        Ok(match c {
            'd' => Esc::Class(Named::Digit, false),
            'D' => Esc::Class(Named::Digit, true),
            'w' => Esc::Class(Named::Word, false),
            'W' => Esc::Class(Named::Word, true),
            's' => Esc::Class(Named::Space, false),
            'S' => Esc::Class(Named::Space, true),
            'h' => Esc::Class(Named::HSpace, false),
            'H' => Esc::Class(Named::HSpace, true),
            'v' => Esc::Class(Named::VSpace, false),
            'V' => Esc::Class(Named::VSpace, true),
            'p' | 'P' => {
                let neg = c == 'P';
                let name: String = if self.eat('{') {
                    let start = self.pos;
                    while self.peek().is_some_and(|c| c != '}') {
                        self.pos += 1;
                    }
                    if !self.eat('}') {
                        return Err(err("malformed \\P or \\p sequence", self.offset(at)));
                    }
                    self.chars[start..self.pos - 1].iter().collect()
                } else {
                    self.peek()
                        .map(|c| {
                            self.pos += 1;
                            c.to_string()
                        })
                        .unwrap_or_default()
                };
                let (name, neg) = match name.strip_prefix('^') {
                    Some(n) => (n.to_string(), !neg),
                    None => (name, neg),
                };
                let class = match name.as_str() {
                    "L" | "L&" | "Latin" => Named::Letter,
                    "Lu" => Named::Upper,
                    "Ll" => Named::Lower,
                    "N" | "Nd" => Named::Number,
                    "P" | "Po" | "Ps" | "Pe" | "Pd" => Named::PunctU,
                    "S" | "Sm" | "So" => Named::Symbol,
                    "Sc" => Named::Currency,
                    "Z" | "Zs" => Named::Space,
                    "Any" => Named::Any,
                    _ => {
                        return Err(err(
                            "unknown property name after \\P or \\p",
                            self.offset(at),
                        ))
                    }
                };
                Esc::Class(class, neg)
            }
            'n' => Esc::Char('\n'),
            't' => Esc::Char('\t'),
            'r' => Esc::Char('\r'),
            'f' => Esc::Char('\x0c'),
            'e' => Esc::Char('\x1b'),
            'a' => Esc::Char('\x07'),
            '0' => Esc::Char('\0'),
            'x' => {
                let digits: String = if self.eat('{') {
                    let start = self.pos;
                    while self.peek().is_some_and(|c| c != '}') {
                        self.pos += 1;
                    }
                    self.pos += 1;
                    self.chars[start..self.pos - 1].iter().collect()
                } else {
                    let start = self.pos;
                    while self.pos < start + 2 && self.peek().is_some_and(|c| c.is_ascii_hexdigit())
                    {
                        self.pos += 1;
                    }
                    self.chars[start..self.pos].iter().collect()
                };
                let v = u32::from_str_radix(if digits.is_empty() { "0" } else { &digits }, 16)
                    .ok()
                    .and_then(char::from_u32);
                match v {
                    Some(c) => Esc::Char(c),
                    None => {
                        return Err(err(
                            "character code point value in \\x{} or \\o{} is too large",
                            self.offset(at),
                        ))
                    }
                }
            }
            'b' if in_class => Esc::Char('\x08'),
            'b' => Esc::Look(Look::WordB),
            'B' => Esc::Look(Look::NotWordB),
            'A' => Esc::Look(Look::TextStart),
            'z' => Esc::Look(Look::TextEnd),
            'Z' => Esc::Look(Look::TextEndNl),
            'G' => Esc::Look(Look::TextStart),
            'g' if !in_class => {
                let braced = self.eat('{');
                let n = self.number();
                if braced && !self.eat('}') {
                    return Err(err(
                        "a numbered reference must not be zero",
                        self.offset(at),
                    ));
                }
                match n {
                    Some(n) if n > 0 => Esc::Backref(n as usize),
                    _ => {
                        return Err(err(
                            "a numbered reference must not be zero",
                            self.offset(at),
                        ))
                    }
                }
            }
            '1'..='9' if !in_class => {
                self.pos -= 1;
                let n = self.number().unwrap_or(0);
                Esc::Backref(n as usize)
            }
            c if c.is_ascii_alphanumeric() => {
                return Err(err("unrecognized character follows \\", self.offset(at)))
            }
            c => Esc::Char(c),
        })
    }
}

enum Esc {
    Char(char),
    Class(Named, bool),
    Look(Look),
    Backref(usize),
}

impl Esc {
    fn into_node(self) -> Node {
        match self {
            Esc::Char(c) => Node::Char(c),
            Esc::Class(n, neg) => Node::Set(vec![Item::Class(n, neg)], false),
            Esc::Look(l) => Node::Look(l),
            Esc::Backref(n) => Node::Backref(n),
        }
    }
}

// ------------------------------------------------------------------ compiling

struct Compiler {
    prog: Vec<Inst>,
    flags: Flags,
    marks: usize,
}

impl Compiler {
    fn emit(&mut self, i: Inst) -> Result<usize, CompileError> {
        if self.prog.len() >= MAX_PROG {
            return Err(err("regular expression is too large", 0));
        }
        self.prog.push(i);
        Ok(self.prog.len() - 1)
    }

    fn node(&mut self, n: &Node) -> Result<(), CompileError> {
        match n {
            Node::Empty => {}
            Node::Char(c) => {
                self.emit(Inst::Char(*c))?;
            }
            Node::Any => {
                self.emit(if self.flags.dotall {
                    Inst::Any
                } else {
                    Inst::AnyNoNl
                })?;
            }
            Node::Set(items, neg) => {
                self.emit(Inst::Set(Rc::from(items.clone()), *neg))?;
            }
            Node::Look(l) => {
                self.emit(Inst::Look(*l))?;
            }
            Node::Backref(g) => {
                self.emit(Inst::Backref(*g))?;
            }
            Node::Group(inner, idx) => match idx {
                Some(i) => {
                    self.emit(Inst::Save(2 * i))?;
                    self.node(inner)?;
                    self.emit(Inst::Save(2 * i + 1))?;
                }
                None => self.node(inner)?,
            },
            Node::Concat(items) => {
                for i in items {
                    self.node(i)?;
                }
            }
            Node::Alt(branches) => {
                let mut jumps = Vec::new();
                for (k, b) in branches.iter().enumerate() {
                    if k + 1 < branches.len() {
                        let split = self.emit(Inst::Split(0, 0))?;
                        self.node(b)?;
                        jumps.push(self.emit(Inst::Jmp(0))?);
                        let next = self.prog.len();
                        self.prog[split] = Inst::Split(split + 1, next);
                    } else {
                        self.node(b)?;
                    }
                }
                let end = self.prog.len();
                for j in jumps {
                    self.prog[j] = Inst::Jmp(end);
                }
            }
            Node::Repeat(inner, min, max, greedy) => {
                for _ in 0..*min {
                    self.node(inner)?;
                }
                match max {
                    None => {
                        // L: split(body, out); body: mark; inner; progress; jmp L
                        let mark = self.marks;
                        self.marks += 1;
                        let split = self.emit(Inst::Split(0, 0))?;
                        self.emit(Inst::Mark(mark))?;
                        self.node(inner)?;
                        self.emit(Inst::Progress(mark))?;
                        self.emit(Inst::Jmp(split))?;
                        let out = self.prog.len();
                        self.prog[split] = if *greedy {
                            Inst::Split(split + 1, out)
                        } else {
                            Inst::Split(out, split + 1)
                        };
                    }
                    Some(max) => {
                        let mut splits = Vec::new();
                        for _ in *min..*max {
                            splits.push(self.emit(Inst::Split(0, 0))?);
                            self.node(inner)?;
                        }
                        let out = self.prog.len();
                        for s in splits {
                            self.prog[s] = if *greedy {
                                Inst::Split(s + 1, out)
                            } else {
                                Inst::Split(out, s + 1)
                            };
                        }
                    }
                }
            }
            Node::Around(inner, ahead, negate) => {
                let at = self.emit(Inst::Around {
                    start: 0,
                    next: 0,
                    negate: *negate,
                    behind: None,
                })?;
                let start = self.prog.len();
                self.node(inner)?;
                self.emit(Inst::Match)?;
                let next = self.prog.len();
                let behind = if *ahead {
                    None
                } else {
                    match widths(inner) {
                        Some(w) => Some(w),
                        None => return Err(err("lookbehind assertion is not fixed length", 0)),
                    }
                };
                self.prog[at] = Inst::Around {
                    start,
                    next,
                    negate: *negate,
                    behind,
                };
            }
        }
        Ok(())
    }
}

/// The shortest and longest match of `n`, in characters (lookbehind needs them bounded).
fn widths(n: &Node) -> Option<(usize, usize)> {
    Some(match n {
        Node::Empty | Node::Look(_) | Node::Around(..) => (0, 0),
        Node::Char(_) | Node::Any | Node::Set(..) => (1, 1),
        Node::Group(i, _) => widths(i)?,
        Node::Concat(items) => items.iter().try_fold((0, 0), |(a, b), i| {
            let (x, y) = widths(i)?;
            Some((a + x, b + y))
        })?,
        Node::Alt(bs) => bs.iter().try_fold((usize::MAX, 0), |(a, b), i| {
            let (x, y) = widths(i)?;
            Some((a.min(x), b.max(y)))
        })?,
        Node::Repeat(i, min, Some(max), _) => {
            let (x, y) = widths(i)?;
            (x * *min as usize, y * *max as usize)
        }
        Node::Repeat(..) | Node::Backref(_) => return None,
    })
}

impl Regex {
    pub fn new(source: &str, flags: Flags) -> Result<Regex, CompileError> {
        let mut p = Parser {
            chars: source.chars().collect(),
            pos: 0,
            flags,
            groups: 0,
            names: Vec::new(),
        };
        let ast = p.alt(0)?;
        if p.pos < p.chars.len() {
            return Err(err("unmatched parentheses", p.offset(p.pos)));
        }
        let mut c = Compiler {
            prog: Vec::new(),
            flags,
            marks: 0,
        };
        c.node(&Node::Group(Box::new(ast), Some(0)))?;
        c.emit(Inst::Match)?;
        let mut names = p.names;
        crate::sorting::sort(&mut names);
        Ok(Regex {
            prog: c.prog,
            groups: p.groups + 1,
            names,
            flags,
            marks: c.marks,
        })
    }

    /// The first match at or after byte `from`: each group's byte span (`None`: unset).
    pub fn find_at(
        &self,
        text: &str,
        from: usize,
        steps: &mut u64,
    ) -> Result<Option<Groups>, MatchError> {
        self.find(text, from, false, steps)
    }

    /// [`Regex::find_at`]; `nonempty_here`: only a match that starts at `from` and is not
    /// empty (how a global search goes on after an empty match, as PCRE's
    /// `NOTEMPTY_ATSTART | ANCHORED`).
    pub fn find(
        &self,
        text: &str,
        from: usize,
        nonempty_here: bool,
        steps: &mut u64,
    ) -> Result<Option<Groups>, MatchError> {
        let mut start = from;
        loop {
            if let Some(slots) = self.run(text, start, 0, nonempty_here, steps)? {
                return Ok(Some(
                    (0..self.groups)
                        .map(|g| match (slots[2 * g], slots[2 * g + 1]) {
                            (Some(a), Some(b)) if a <= b => Some((a, b)),
                            _ => None,
                        })
                        .collect(),
                ));
            }
            if nonempty_here || (self.flags.firstline && text[start..].starts_with('\n')) {
                return Ok(None);
            }
            match text[start..].chars().next() {
                Some(c) => start += c.len_utf8(),
                None => return Ok(None),
            }
        }
    }

    /// Runs the program from `pc` at byte `at`: the capture slots of the first way it
    /// reaches `Match`.
    fn run(
        &self,
        text: &str,
        at: usize,
        pc: usize,
        nonempty: bool,
        steps: &mut u64,
    ) -> Result<Option<Vec<Option<usize>>>, MatchError> {
        let mut st = State {
            slots: vec![None; 2 * self.groups],
            marks: vec![usize::MAX; self.marks],
        };
        let not_at = if nonempty { Some(at) } else { None };
        self.exec(text, at, pc, &mut st, not_at, steps)
            .map(|end| end.map(|_| st.slots))
    }

    fn exec(
        &self,
        text: &str,
        at: usize,
        pc: usize,
        st: &mut State,
        not_ending_at: Option<usize>,
        steps: &mut u64,
    ) -> Result<Option<usize>, MatchError> {
        enum Back {
            Branch(usize, usize),
            Slot(usize, Option<usize>),
            Mark(usize, usize),
        }
        let mut stack: Vec<Back> = Vec::new();
        let (mut pc, mut pos) = (pc, at);
        let bytes = text.as_bytes();
        loop {
            *steps += 1;
            if *steps > STEP_LIMIT {
                return Err(MatchError::StepLimit);
            }
            let ok = match &self.prog[pc] {
                Inst::Match if not_ending_at == Some(pos) => false,
                Inst::Match => return Ok(Some(pos)),
                Inst::Char(c) => match text[pos..].chars().next() {
                    Some(x) if x == *c || (self.flags.caseless && fold(x) == fold(*c)) => {
                        pos += x.len_utf8();
                        pc += 1;
                        true
                    }
                    _ => false,
                },
                Inst::Any | Inst::AnyNoNl => match text[pos..].chars().next() {
                    Some(x) if x != '\n' || matches!(self.prog[pc], Inst::Any) => {
                        pos += x.len_utf8();
                        pc += 1;
                        true
                    }
                    _ => false,
                },
                Inst::Set(items, neg) => match text[pos..].chars().next() {
                    Some(x) if in_set(items, x, self.flags) != *neg => {
                        pos += x.len_utf8();
                        pc += 1;
                        true
                    }
                    _ => false,
                },
                Inst::Look(l) => {
                    let before = text[..pos].chars().next_back();
                    let after = text[pos..].chars().next();
                    let word = |c: Option<char>| c.is_some_and(|c| is_word(c, self.flags));
                    let yes = match l {
                        Look::TextStart => pos == 0,
                        Look::TextEnd => pos == text.len(),
                        Look::TextEndNl => {
                            pos == text.len() || (pos + 1 == text.len() && bytes[pos] == b'\n')
                        }
                        Look::LineStart => pos == 0 || before == Some('\n'),
                        Look::LineEnd => pos == text.len() || after == Some('\n'),
                        Look::WordB => word(before) != word(after),
                        Look::NotWordB => word(before) == word(after),
                    };
                    pc += 1;
                    yes
                }
                Inst::Split(a, b) => {
                    stack.push(Back::Branch(*b, pos));
                    pc = *a;
                    true
                }
                Inst::Jmp(t) => {
                    pc = *t;
                    true
                }
                Inst::Save(s) => {
                    stack.push(Back::Slot(*s, st.slots[*s]));
                    st.slots[*s] = Some(pos);
                    pc += 1;
                    true
                }
                Inst::Mark(k) => {
                    stack.push(Back::Mark(*k, st.marks[*k]));
                    st.marks[*k] = pos;
                    pc += 1;
                    true
                }
                Inst::Progress(k) => {
                    pc += 1;
                    st.marks[*k] != pos
                }
                Inst::Backref(g) => {
                    match (
                        st.slots.get(2 * g).copied().flatten(),
                        st.slots.get(2 * g + 1).copied().flatten(),
                    ) {
                        (Some(a), Some(b)) if a <= b => {
                            let want = &text[a..b];
                            let have = text.get(pos..).unwrap_or("");
                            let n = want.len();
                            let same = have.len() >= n
                                && have.is_char_boundary(n)
                                && (have[..n] == *want
                                    || (self.flags.caseless
                                        && case_mapping::downcase_str(&have[..n])
                                            == case_mapping::downcase_str(want)));
                            if same {
                                pos += n;
                                pc += 1;
                            }
                            same
                        }
                        // an unset group matches nothing (PCRE fails the reference)
                        _ => false,
                    }
                }
                Inst::Around {
                    start,
                    next,
                    negate,
                    behind,
                } => {
                    let found = match behind {
                        None => self.exec(text, pos, *start, st, None, steps)?.is_some(),
                        Some((min, max)) => {
                            let mut any = false;
                            for w in *min..=*max {
                                let Some(begin) = back_chars(text, pos, w) else {
                                    continue;
                                };
                                if self.exec(text, begin, *start, st, None, steps)? == Some(pos) {
                                    any = true;
                                    break;
                                }
                            }
                            any
                        }
                    };
                    pc = *next;
                    found != *negate
                }
            };
            if ok {
                continue;
            }
            // backtrack
            loop {
                match stack.pop() {
                    None => return Ok(None),
                    Some(Back::Slot(s, old)) => st.slots[s] = old,
                    Some(Back::Mark(k, old)) => st.marks[k] = old,
                    Some(Back::Branch(p, at)) => {
                        pc = p;
                        pos = at;
                        break;
                    }
                }
            }
        }
    }
}

/// The byte offset `n` characters before `pos`.
fn back_chars(text: &str, pos: usize, n: usize) -> Option<usize> {
    let mut at = pos;
    for _ in 0..n {
        let c = text[..at].chars().next_back()?;
        at -= c.len_utf8();
    }
    Some(at)
}

fn fold(c: char) -> char {
    case_mapping::lower(c)
}

fn is_word(c: char, f: Flags) -> bool {
    if f.unicode {
        c.is_alphanumeric() || c == '_'
    } else {
        c.is_ascii_alphanumeric() || c == '_'
    }
}

/// The Unicode answer with `u` (PCRE's UCP), the ASCII one without.
fn either(unicode: bool, uni: bool, ascii: bool) -> bool {
    if unicode {
        uni
    } else {
        ascii
    }
}

fn named(n: Named, c: char, f: Flags) -> bool {
    let u = f.unicode;
    match n {
        Named::Digit => either(u, c.is_numeric(), c.is_ascii_digit()),
        Named::Word => is_word(c, f),
        Named::Space => {
            if u {
                c.is_whitespace()
            } else {
                matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0b' | '\x0c')
            }
        }
        Named::HSpace => {
            matches!(c, ' ' | '\t' | '\u{a0}') || (c as u32 >= 0x2000 && c as u32 <= 0x200a)
        }
        Named::VSpace => matches!(
            c,
            '\n' | '\x0b' | '\x0c' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}'
        ),
        Named::Alpha => either(u, c.is_alphabetic(), c.is_ascii_alphabetic()),
        Named::Alnum => either(u, c.is_alphanumeric(), c.is_ascii_alphanumeric()),
        Named::Upper => either(u, c.is_uppercase(), c.is_ascii_uppercase()),
        Named::Lower => either(u, c.is_lowercase(), c.is_ascii_lowercase()),
        Named::Punct => c.is_ascii_punctuation(),
        Named::XDigit => c.is_ascii_hexdigit(),
        Named::Cntrl => c.is_control(),
        Named::Graph => !c.is_whitespace() && !c.is_control() && (u || c.is_ascii()),
        Named::Print => !c.is_control() && (u || c.is_ascii()),
        Named::Blank => matches!(c, ' ' | '\t'),
        Named::Letter => c.is_alphabetic(),
        Named::Number => c.is_numeric(),
        Named::PunctU => {
            c.is_ascii_punctuation()
                || matches!(c, '¡' | '¿' | '«' | '»' | '…' | '‘' | '’' | '“' | '”')
        }
        Named::Symbol => matches!(
            c,
            '+' | '<' | '=' | '>' | '|' | '~' | '^' | '`' | '$' | '¢'
                ..='¥' | '©' | '®' | '°' | '±' | '×' | '÷' | '€' | '™'
        ),
        Named::Currency => {
            matches!(
                c,
                '$' | '¢' | '£' | '¤' | '¥' | '€' | '₹' | '₽' | '₩' | '₪' | '₫' | '₱' | '₿'
            ) || ('\u{20a0}'..='\u{20cf}').contains(&c)
        }
        Named::Any => true,
    }
}

fn in_set(items: &[Item], c: char, f: Flags) -> bool {
    let test = |c: char| {
        items.iter().any(|i| match i {
            Item::Char(x) => *x == c,
            Item::Range(a, b) => *a <= c && c <= *b,
            Item::Class(n, neg) => named(*n, c, f) != *neg,
        })
    };
    test(c) || (f.caseless && (test(fold(c)) || test(case_mapping::upper(c))))
}

/// `Regex.escape/1`: each character that means something in a pattern, escaped.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '.' | '^' | '$' | '*' | '+' | '?' | '(' | ')' | '[' | ']' | '{' | '}' | '|' | '\\'
            | '#' | '-' | ' ' => {
                out.push('\\');
                out.push(c);
            }
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\x0c' => out.push_str("\\f"),
            '\x0b' => out.push_str("\\v"),
            c => out.push(c),
        }
    }
    out
}
