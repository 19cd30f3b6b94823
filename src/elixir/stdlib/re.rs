//! `:redfour_re`: what the `Regex` module (Elixir, in the prelude) stands on, as Elixir's
//! stands on Erlang's `:re`: compile a pattern, run it from an offset, its group names.
//! The matcher is `elixir/regex.rs`; compiled patterns are kept, a few dozen, by source.

use crate::sorted_map::SortedMap;
use std::cell::RefCell;
use std::rc::Rc;

use super::super::machine::{Machine, NRet};
use super::super::regex::{self, Flags, MatchError, Regex};
use super::super::value::{badarg, exception, Exc, R};
use super::value;
use crate::runtime::Term;

pub const FUNS: super::Table = &[
    ("compile", 2, true),
    ("run", 4, true),
    ("run", 5, true),
    ("names", 2, true),
    ("groups", 2, true),
    ("escape", 1, true),
];

thread_local! {
    static CACHE: RefCell<SortedMap<(String, String), Rc<Regex>>> = const { RefCell::new(SortedMap::new()) };
}

/// The modifiers as `~r//` writes them: a string, or Erlang's option atoms.
fn flags_of(opts: &Term) -> R<(String, Flags)> {
    let text: String = match opts {
        Term::Str(s) => s.to_string(),
        Term::List(l) => {
            let mut s = String::new();
            for o in l.iter() {
                let c = match o.as_atom().map(|a| a.name()) {
                    Some(n) => match &*n {
                        "caseless" => 'i',
                        "multiline" => 'm',
                        "dotall" => 's',
                        "extended" => 'x',
                        "unicode" | "ucp" => 'u',
                        "ungreedy" => 'U',
                        "firstline" => 'f',
                        _ => continue,
                    },
                    None => continue,
                };
                s.push(c);
            }
            s
        }
        _ => return Err(badarg(2, "not a list of options")),
    };
    let flags = Flags::parse(&text).map_err(|c| {
        exception(
            "Regex.CompileError",
            vec![(
                "message",
                Term::str(&format!("invalid regex modifier: {c}")),
            )],
        )
    })?;
    Ok((text, flags))
}

fn compiled(source: &Term, opts: &Term) -> R<Result<Rc<Regex>, regex::CompileError>> {
    let Term::Str(src) = source else {
        return Err(badarg(1, "not a string"));
    };
    let (text, flags) = flags_of(opts)?;
    let key = (src.to_string(), text);
    if let Some(r) = CACHE.with(|c| c.borrow().get(&key).cloned()) {
        return Ok(Ok(r));
    }
    let r = match Regex::new(src, flags) {
        Ok(r) => Rc::new(r),
        Err(e) => return Ok(Err(e)),
    };
    CACHE.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() >= 64 {
            c.clear();
        }
        c.insert(key, r.clone());
    });
    Ok(Ok(r))
}

fn must(source: &Term, opts: &Term) -> R<Rc<Regex>> {
    compiled(source, opts)?.map_err(|e| {
        exception(
            "Regex.CompileError",
            vec![(
                "message",
                Term::str(&format!("{} at position {}", e.message, e.at)),
            )],
        )
    })
}

fn too_complex() -> Exc {
    exception(
        "RuntimeError",
        vec![(
            "message",
            Term::str(&format!(
                "the regular expression gave up after {} steps of backtracking (PCRE's match limit): simplify the pattern, or anchor it",
                regex::STEP_LIMIT
            )),
        )],
    )
}

/// `string =~ regex`, natively (the operator answers at once).
pub fn is_match(regex: &Term, subject: &str) -> R<bool> {
    let (Some(src), Some(opts)) = (regex.get("source"), regex.get("opts")) else {
        return Err(badarg(2, "not a regex"));
    };
    let re = must(src, opts)?;
    let mut steps = 0;
    re.find_at(subject, 0, &mut steps)
        .map(|m| m.is_some())
        .map_err(|MatchError::StepLimit| too_complex())
}

pub fn call(m: &mut Machine, name: &str, a: Vec<Term>) -> R<Option<NRet>> {
    match (name, a.as_slice()) {
        ("compile", [_, opts]) if flags_of(opts).is_err() => {
            let bad: String = match opts {
                Term::Str(s) => s
                    .chars()
                    .filter(|c| Flags::parse(&c.to_string()).is_err())
                    .collect(),
                _ => String::new(),
            };
            value(Term::tuple(vec![
                Term::atom("error"),
                Term::tuple(vec![Term::atom("invalid_option"), Term::str(&bad)]),
            ]))
        }
        ("compile", [src, opts]) => value(match compiled(src, opts)? {
            Ok(_) => Term::ok(),
            Err(e) => Term::tuple(vec![
                Term::atom("error"),
                Term::tuple(vec![
                    Term::list(e.message.chars().map(|c| Term::Int(c as i64)).collect()),
                    Term::Int(e.at as i64),
                ]),
            ]),
        }),
        ("run", [src, opts, Term::Str(subject), Term::Int(from), ..]) => {
            let nonempty_here = a.get(4) == Some(&Term::atom("nonempty_here"));
            let re = must(src, opts)?;
            let from = usize::try_from(*from).unwrap_or(0).min(subject.len());
            if !subject.is_char_boundary(from) {
                return value(Term::nil());
            }
            let mut steps = 0;
            let found = re
                .find(subject, from, nonempty_here, &mut steps)
                .map_err(|MatchError::StepLimit| too_complex())?;
            // the work counts against the process's turn, as any native loop does
            m.reductions += steps / 64;
            value(match found {
                None => Term::nil(),
                Some(groups) => Term::list(
                    groups
                        .into_iter()
                        .map(|g| match g {
                            Some((s, e)) => {
                                Term::tuple(vec![Term::Int(s as i64), Term::Int((e - s) as i64)])
                            }
                            None => Term::tuple(vec![Term::Int(-1), Term::Int(0)]),
                        })
                        .collect(),
                ),
            })
        }
        ("names", [src, opts]) => {
            let re = must(src, opts)?;
            value(Term::list(
                re.names.iter().map(|(n, _)| Term::str(n)).collect(),
            ))
        }
        ("groups", [src, opts]) => {
            let re = must(src, opts)?;
            value(Term::list(
                re.names
                    .iter()
                    .map(|(n, g)| Term::tuple(vec![Term::str(n), Term::Int(*g as i64)]))
                    .collect(),
            ))
        }
        ("escape", [Term::Str(s)]) => value(Term::str(&regex::escape(s))),
        _ => Err(badarg(1, "not a valid argument")),
    }
}
