//! `:ets`: the runtime's tables (`runtime/ets.rs`) as the console calls them, with OTP 25's
//! errors. `foldl`/`foldr`, which call back into Elixir, are in `prelude/ets.ex`.

use super::super::machine::{Machine, NRet};
use super::super::ops;
use super::super::value::{argument_error, badarg, Exc, R};
use super::value;
use crate::runtime::ets::{self, Badarg, Options, Table};
use crate::runtime::match_spec::MatchSpec;
use crate::runtime::Term;

pub const FUNS: super::Table = &[
    ("new", 2, true),
    ("insert", 2, true),
    ("insert_new", 2, true),
    ("lookup", 2, true),
    ("lookup_element", 3, true),
    ("member", 2, true),
    ("delete", 1, true),
    ("delete", 2, true),
    ("delete_object", 2, true),
    ("delete_all_objects", 1, true),
    ("take", 2, true),
    ("update_counter", 3, true),
    ("update_counter", 4, true),
    ("update_element", 3, true),
    ("tab2list", 1, true),
    ("info", 1, true),
    ("info", 2, true),
    ("first", 1, true),
    ("last", 1, true),
    ("next", 2, true),
    ("prev", 2, true),
    ("match", 2, true),
    ("match_object", 2, true),
    ("match_delete", 2, true),
    ("select", 2, true),
    ("select_reverse", 2, true),
    ("select_count", 2, true),
    ("select_delete", 2, true),
    ("all", 0, true),
    ("whereis", 1, true),
    ("give_away", 3, true),
    ("rename", 2, true),
];

fn err(b: Badarg) -> Exc {
    match b {
        Badarg(0, _) => argument_error("argument error"),
        Badarg(n, problem) => badarg(n, problem),
    }
}

fn spec(t: &Term) -> R<MatchSpec> {
    MatchSpec::parse(t).ok_or_else(|| badarg(2, "not a valid match specification"))
}

/// Charges a walk over a table's objects to the calling process's turn.
fn walked(t: &Table) {
    ops::note_work(t.size() as u64);
}

pub fn call(m: &mut Machine, name: &str, args: Vec<Term>) -> R<Option<NRet>> {
    let a = &args;
    let ctx = &m.ctx;
    // reads and writes of one table: `read` may read it, `write` may change it
    let read = |f: &mut dyn FnMut(&mut Table) -> Result<Term, Badarg>| {
        ctx.ets(&a[0], false, |t| f(t)).and_then(|r| r).map_err(err)
    };
    let write = |f: &mut dyn FnMut(&mut Table) -> Result<Term, Badarg>| {
        ctx.ets(&a[0], true, |t| f(t)).and_then(|r| r).map_err(err)
    };
    let t = match (name, a.len()) {
        ("new", 2) => {
            let Term::Atom(n) = &a[0] else {
                return Err(badarg(1, "not an atom"));
            };
            let opts = Options::parse(&a[1]).ok_or_else(|| badarg(2, "invalid options"))?;
            ctx.ets_new(*n, opts).map_err(err)?
        }
        ("insert", 2) => write(&mut |t| t.insert(&a[1]).map(|_| Term::bool(true)))?,
        ("insert_new", 2) => write(&mut |t| t.insert_new(&a[1]).map(Term::bool))?,
        ("lookup", 2) => read(&mut |t| Ok(Term::list(t.lookup(&a[1]))))?,
        ("lookup_element", 3) => read(&mut |t| t.lookup_element(&a[1], &a[2]))?,
        ("member", 2) => read(&mut |t| Ok(Term::bool(t.member(&a[1]))))?,
        ("delete", 1) => ctx.ets_change(&a[0], None, None).map_err(err)?,
        ("delete", 2) => write(&mut |t| {
            t.delete_key(&a[1]);
            Ok(Term::bool(true))
        })?,
        ("delete_object", 2) => write(&mut |t| t.delete_object(&a[1]).map(|_| Term::bool(true)))?,
        ("delete_all_objects", 1) => write(&mut |t| {
            t.clear();
            Ok(Term::bool(true))
        })?,
        ("take", 2) => write(&mut |t| Ok(Term::list(t.take(&a[1]))))?,
        ("update_counter", 3 | 4) => write(&mut |t| t.update_counter(&a[1], &a[2], a.get(3)))?,
        ("update_element", 3) => write(&mut |t| t.update_element(&a[1], &a[2]).map(Term::bool))?,
        ("tab2list", 1) => read(&mut |t| {
            walked(t);
            Ok(Term::list(t.to_list()))
        })?,
        ("first", 1) => read(&mut |t| Ok(t.first(false)))?,
        ("last", 1) => read(&mut |t| Ok(t.first(true)))?,
        ("next", 2) => read(&mut |t| t.next(&a[1], false))?,
        ("prev", 2) => read(&mut |t| t.next(&a[1], true))?,
        ("match" | "match_object" | "match_delete", 2) => {
            let body = match name {
                "match" => "$$",
                "match_object" => "$_",
                _ => "true",
            };
            let s = MatchSpec::pattern(&a[1], body);
            if name == "match_delete" {
                write(&mut |t| {
                    walked(t);
                    t.select_delete(&s);
                    Ok(Term::bool(true))
                })?
            } else {
                read(&mut |t| {
                    walked(t);
                    Ok(Term::list(t.select(&s, false)))
                })?
            }
        }
        ("select" | "select_reverse", 2) => {
            let s = spec(&a[1])?;
            read(&mut |t| {
                walked(t);
                Ok(Term::list(t.select(&s, name == "select_reverse")))
            })?
        }
        ("select_count", 2) => {
            let s = spec(&a[1])?;
            read(&mut |t| {
                walked(t);
                let n = t
                    .select(&s, false)
                    .iter()
                    .filter(|r| **r == Term::bool(true))
                    .count();
                Ok(Term::Int(n as i64))
            })?
        }
        ("select_delete", 2) => {
            let s = spec(&a[1])?;
            write(&mut |t| {
                walked(t);
                Ok(Term::Int(t.select_delete(&s) as i64))
            })?
        }
        ("info", 1) => ctx.ets_read(|e| e.info(&a[0])).flatten().map_or_else(
            || Term::atom("undefined"),
            |items| {
                Term::list(
                    items
                        .into_iter()
                        .map(|(k, v)| Term::tuple(vec![Term::atom(k), v]))
                        .collect(),
                )
            },
        ),
        ("info", 2) => {
            let Some(items) = ctx.ets_read(|e| e.info(&a[0])).flatten() else {
                return value(Term::atom("undefined"));
            };
            let item = a[1].as_atom().map(|x| x.name()).unwrap_or_default();
            items
                .into_iter()
                .find(|(k, _)| **k == *item)
                .map(|(_, v)| v)
                .ok_or_else(|| badarg(2, "not a valid info item"))?
        }
        ("all", 0) => Term::list(ctx.ets_read(ets::Ets::all).unwrap_or_default()),
        ("whereis", 1) => {
            let Term::Atom(n) = &a[0] else {
                return Err(badarg(1, "not an atom"));
            };
            ctx.ets_read(|e| e.whereis(*n))
                .flatten()
                .map_or_else(|| Term::atom("undefined"), Term::Ref)
        }
        ("give_away", 3) => {
            let Term::Pid(to) = &a[1] else {
                return Err(badarg(2, "not a pid"));
            };
            ctx.ets_change(&a[0], Some((*to, a[2].clone())), None)
                .map_err(err)?
        }
        ("rename", 2) => {
            let Term::Atom(n) = &a[1] else {
                return Err(badarg(2, "not an atom"));
            };
            ctx.ets_change(&a[0], None, Some(*n)).map_err(err)?
        }
        _ => return Ok(None),
    };
    value(t)
}
