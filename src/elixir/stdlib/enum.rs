//! `Enum` over lists, ranges and maps. Functions that take a function call it through the
//! machine, item by item ([`walk`]), so a user's `fn` can be as slow as it likes.

use super::super::machine::{Machine, NRet};
use super::super::matcher::{strict_eq, StrictKeys};
use super::super::ops;
use super::super::value::{as_fun, badarg, exception, protocol_undefined, Exc, Fun, R};
use super::enumerable::{item_arg, push_item, to_vec, walk, Items, Walk};
use super::value;
use crate::runtime::bigint::BigInt;
use crate::runtime::{Atom, Term};

pub const FUNS: super::Table = &[
    ("to_list", 1, false),
    ("count", 1, false),
    ("sum", 1, false),
    ("product", 1, false),
    ("min", 1, false),
    ("max", 1, false),
    ("min_max", 1, false),
    ("sort", 1, false),
    ("reverse", 1, false),
    ("take", 2, false),
    ("drop", 2, false),
    ("zip", 2, false),
    ("zip", 1, false),
    ("unzip", 1, false),
    ("with_index", 1, false),
    ("into", 2, false),
    ("join", 1, false),
    ("join", 2, false),
    ("member?", 2, false),
    ("uniq", 1, false),
    ("chunk_every", 2, false),
    ("chunk_every", 3, false),
    ("chunk_every", 4, false),
    ("frequencies", 1, false),
    ("at", 2, false),
    ("at", 3, false),
    ("empty?", 1, false),
    ("fetch", 2, false),
    ("fetch!", 2, false),
    ("slice", 2, false),
    ("slice", 3, false),
    ("split", 2, false),
    ("concat", 1, false),
    ("concat", 2, false),
    ("dedup", 1, false),
    ("shuffle", 1, false),
    ("random", 1, false),
    ("intersperse", 2, false),
    ("take_every", 2, false),
    ("any?", 1, false),
    ("all?", 1, false),
    ("reverse", 2, false),
    ("map", 2, false),
    ("filter", 2, false),
    ("reject", 2, false),
    ("reduce", 2, false),
    ("reduce", 3, false),
    ("each", 2, false),
    ("sort", 2, false),
    ("sort_by", 2, false),
    ("sort_by", 3, false),
    ("reduce_while", 3, false),
];

fn empty_error() -> Exc {
    exception(
        "Enum.EmptyError",
        vec![("message", Term::str("empty error"))],
    )
}

fn ints(t: &Term, which: usize) -> R<i64> {
    t.as_int().ok_or_else(|| badarg(which, "not an integer"))
}

fn list(v: Vec<Term>) -> R<Option<NRet>> {
    if v.len() > ops::MAX_ITEMS {
        return Err(ops::too_big("a list", v.len()));
    }
    ops::note_alloc(v.len() * std::mem::size_of::<Term>());
    value(Term::list(v))
}

fn need_fun(t: &Term, name: &str, n: usize) -> R<()> {
    match as_fun(t) {
        // a function of another arity fails when called, with the arguments it was given
        // (BadArityError), and not at all on an empty enumerable, as in Elixir
        Some(_) => Ok(()),
        None => Err(exception(
            "FunctionClauseError",
            vec![(
                "message",
                Term::str(&format!("no function clause matching in Enum.{name}/{n}")),
            )],
        )),
    }
}

/// A walk over `t` calling `fun` on each item.
fn start<S: 'static>(
    m: &mut Machine,
    t: &Term,
    fun: &Term,
    state: S,
    step: super::enumerable::StepFn<S>,
    done: fn(S) -> R<Term>,
) -> R<Option<NRet>> {
    let items = Items::of(t)?;
    Ok(Some(walk(
        m,
        Walk {
            items,
            i: 0,
            fun: fun.clone(),
            state,
            args: item_arg,
            step,
            done,
        },
    )?))
}

fn sorted(mut v: Vec<Term>) -> Vec<Term> {
    v.sort();
    v
}

/// `Enum.map(list, fun)`: the function's answers, in a list.
fn map_list(m: &mut Machine, list: &Term, fun: &Term) -> R<Option<NRet>> {
    start(
        m,
        list,
        fun,
        Vec::new(),
        |s, _, r| {
            push_item(s, r)?;
            Ok(None)
        },
        |s| Ok(Term::list(s)),
    )
}

pub fn call(m: &mut Machine, name: &str, args: Vec<Term>) -> R<Option<NRet>> {
    let a = &args;
    let n = a.len();
    match (name, n) {
        ("to_list", 1) => list(to_vec(&a[0])?),
        ("count", 1) => value(Term::Int(
            i64::try_from(Items::of(&a[0])?.count()).map_err(|_| ops::overflow())?,
        )),
        ("empty?", 1) => value(Term::bool(Items::of(&a[0])?.is_empty())),
        ("sum", 1) => {
            let items = Items::of(&a[0])?;
            if let Items::Range(first, step, len) = items {
                // first·n + step·n(n-1)/2, checked: n may be 2^64
                let n = len as i128;
                let pairs = if n % 2 == 0 {
                    (n / 2).checked_mul(n - 1)
                } else {
                    n.checked_mul((n - 1) / 2)
                };
                let total = pairs
                    .and_then(|p| p.checked_mul(step as i128))
                    .and_then(|t| t.checked_add(n.checked_mul(first as i128)?));
                if let Some(t) = total {
                    return value(Term::big(BigInt::from(t)));
                }
                let n = BigInt::from(len);
                let pairs = &n * &(&n - BigInt::from(1)) / BigInt::from(2);
                return value(Term::big(
                    pairs * BigInt::from(step) + n * BigInt::from(first),
                ));
            }
            // `item + acc`, as Elixir adds (its error reads `:a + 0`)
            ops::note_work(items.len() as u64);
            let mut acc = Term::Int(0);
            for i in 0..items.len() {
                acc = ops::binary("+", &items.get(i), &acc)?;
            }
            value(acc)
        }
        ("product", 1) => {
            let items = Items::of(&a[0])?;
            if let Items::Range(first, step, len) = items {
                // a range's items are distinct: past a zero the product stays 0, and
                // without one it overflows within 64 items; only the zero needs a shortcut
                // (0..100_000_000_000 would take minutes)
                let last = first as i128 + step as i128 * (len as i128 - 1);
                let (lo, hi) = (first.min(last as i64), first.max(last as i64));
                if len > 0 && lo <= 0 && hi >= 0 && (first as i128).rem_euclid(step as i128) == 0 {
                    return value(Term::Int(0));
                }
            }
            // every integer item of magnitude 2 or more adds a bit or more: past the widest
            // integer the answer is refused at once, not after a long run of big products
            // (1..9223372036854775807 would otherwise multiply for seconds first)
            if items.len() > 64 {
                let mut bits = 0u64;
                for i in 0..items.len() {
                    bits += match items.get(i) {
                        Term::Int(0) => break,
                        Term::Int(x) => 63 - x.unsigned_abs().max(1).leading_zeros() as u64,
                        Term::Big(b) => b.bits() - 1,
                        // a zero (or a float) may make the product small again
                        _ => break,
                    };
                    if bits > ops::MAX_BIG_BITS {
                        return Err(ops::overflow());
                    }
                }
            }
            ops::note_work(items.len() as u64);
            let mut acc = Term::Int(1);
            for i in 0..items.len() {
                acc = ops::binary("*", &items.get(i), &acc)?;
            }
            value(acc)
        }
        ("min" | "max", 1) => {
            let v = to_vec(&a[0])?;
            let r = if name == "min" {
                v.iter().min_by(|x, y| x.cmp(y))
            } else {
                v.iter().fold(None, |best: Option<&Term>, x| match best {
                    Some(b) if b >= x => Some(b),
                    _ => Some(x),
                })
            };
            r.cloned()
                .map(|t| Some(NRet::Value(t)))
                .ok_or_else(empty_error)
        }
        ("min_max", 1) => {
            let v = to_vec(&a[0])?;
            let min = v.iter().min().cloned().ok_or_else(empty_error)?;
            let max = v
                .iter()
                .fold(v[0].clone(), |b, x| if *x > b { x.clone() } else { b });
            value(Term::tuple(vec![min, max]))
        }
        ("sort", 1) => list(sorted(to_vec(&a[0])?)),
        ("reverse", 1) => {
            let mut v = to_vec(&a[0])?;
            v.reverse();
            list(v)
        }
        ("reverse", 2) => {
            let mut v = to_vec(&a[0])?;
            v.reverse();
            v.extend(to_vec(&a[1])?);
            list(v)
        }
        ("take", 2) => {
            let k = ints(&a[1], 2)?;
            let items = Items::of(&a[0])?;
            let n = items.count();
            let from_front = k >= 0;
            let k = (k.unsigned_abs() as u128).min(n);
            if from_front {
                list(part(&items, 0, k)?)
            } else {
                list(part(&items, n - k, n)?)
            }
        }
        ("drop", 2) => {
            let k = ints(&a[1], 2)?;
            let items = Items::of(&a[0])?;
            let n = items.count();
            let from_front = k >= 0;
            let k = (k.unsigned_abs() as u128).min(n);
            if from_front {
                list(part(&items, k, n)?)
            } else {
                list(part(&items, 0, n - k)?)
            }
        }
        ("split", 2) => {
            let k = ints(&a[1], 2)?;
            let mut v = to_vec(&a[0])?;
            let at = if k >= 0 {
                ops::index(k).min(v.len())
            } else {
                v.len().saturating_sub(ops::index(k.saturating_neg()))
            };
            let rest = v.split_off(at);
            value(Term::tuple(vec![Term::list(v), Term::list(rest)]))
        }
        ("take_every", 2) => {
            let k = ints(&a[1], 2)?;
            if k <= 0 {
                return list(vec![]);
            }
            list(to_vec(&a[0])?.into_iter().step_by(ops::index(k)).collect())
        }
        ("slice", 2) => {
            let v = to_vec(&a[0])?;
            let Some((f, l, s)) = crate::runtime::term::range_parts(&a[1]) else {
                return Err(badarg(2, "not a range"));
            };
            let len = v.len() as i64;
            let norm = |i: i64| if i < 0 { len + i } else { i };
            let (f, l) = (norm(f), norm(l));
            if f < 0 || f >= len || l < f {
                return list(vec![]);
            }
            list(
                v.into_iter()
                    .skip(ops::index(f))
                    .take(ops::index(l - f + 1))
                    .step_by(ops::index(s.max(1)))
                    .collect(),
            )
        }
        ("slice", 3) => {
            let v = to_vec(&a[0])?;
            let start = ints(&a[1], 2)?;
            let count = ops::index(ints(&a[2], 3)?);
            let len = v.len() as i64;
            let start = if start < 0 {
                (len + start).max(0)
            } else {
                start
            };
            list(v.into_iter().skip(ops::index(start)).take(count).collect())
        }
        ("zip", 2) => {
            let x = to_vec(&a[0])?;
            let y = to_vec(&a[1])?;
            list(
                x.into_iter()
                    .zip(y)
                    .map(|(p, q)| Term::tuple(vec![p, q]))
                    .collect(),
            )
        }
        ("zip", 1) => {
            let lists: Vec<Vec<Term>> = to_vec(&a[0])?.iter().map(to_vec).collect::<R<_>>()?;
            let n = lists.iter().map(|l| l.len()).min().unwrap_or(0);
            list(
                (0..n)
                    .map(|i| Term::tuple(lists.iter().map(|l| l[i].clone()).collect()))
                    .collect(),
            )
        }
        ("unzip", 1) => {
            let (mut xs, mut ys) = (vec![], vec![]);
            for t in to_vec(&a[0])? {
                match t.as_tuple() {
                    Some([x, y]) => {
                        xs.push(x.clone());
                        ys.push(y.clone());
                    }
                    _ => return Err(badarg(1, "not a list of 2-tuples")),
                }
            }
            value(Term::tuple(vec![Term::list(xs), Term::list(ys)]))
        }
        ("with_index", 1) => list(
            to_vec(&a[0])?
                .into_iter()
                .enumerate()
                .map(|(i, t)| Term::tuple(vec![t, Term::Int(i as i64)]))
                .collect(),
        ),
        ("into", 2) => value(super::enumerable::into(&a[1], to_vec(&a[0])?)?),
        ("join", 1 | 2) => {
            let sep = match a.get(1) {
                Some(Term::Str(s)) => s.to_string(),
                Some(_) => return Err(badarg(2, "not a binary")),
                None => String::new(),
            };
            let items = to_vec(&a[0])?;
            // items with `defimpl String.Chars`: their strings first, then the join again
            if items.iter().any(|i| m.chars_impl(i).is_some()) {
                let to_string =
                    Fun::capture(Atom::module("String.Chars"), Atom::new("to_string"), 1);
                let rest: Vec<Term> = a[1..].to_vec();
                return Ok(Some(NRet::CallThen(
                    Fun::capture(Atom::module("Enum"), Atom::new("map"), 2),
                    vec![Term::list(items.to_vec()), to_string],
                    Box::new(move |m, strings| {
                        let mut args = vec![strings];
                        args.extend(rest);
                        call(m, "join", args)?.ok_or_else(|| badarg(1, "not a list"))
                    }),
                )));
            }
            let parts: Vec<Vec<u8>> = items.iter().map(ops::to_binary).collect::<R<_>>()?;
            // the size is known before anything is built: refused past the limit, charged
            let total = parts
                .iter()
                .map(Vec::len)
                .sum::<usize>()
                .saturating_add(sep.len().saturating_mul(parts.len().saturating_sub(1)));
            if total > ops::MAX_STRING_BYTES {
                return Err(ops::string_too_big(total));
            }
            ops::note_alloc(total);
            value(Term::binary(parts.join(sep.as_bytes())))
        }
        ("member?", 2) => value(Term::bool(ops::member(&a[0], &a[1])?)),
        ("uniq", 1) => {
            let mut seen = crate::elixir::matcher::StrictBag::default();
            let mut v = to_vec(&a[0])?;
            ops::note_work(v.len() as u64);
            v.retain(|t| seen.insert(t));
            list(v)
        }
        ("dedup", 1) => {
            let mut out: Vec<Term> = Vec::new();
            for t in to_vec(&a[0])? {
                if out.last().is_none_or(|l| !strict_eq(l, &t)) {
                    out.push(t);
                }
            }
            list(out)
        }
        ("chunk_every", 2..=4) => {
            let count = ints(&a[1], 2)?;
            let step = match a.get(2) {
                Some(s) => ints(s, 3)?,
                None => count,
            };
            if count <= 0 || step <= 0 {
                return Err(exception(
                    "FunctionClauseError",
                    vec![(
                        "message",
                        Term::str(&format!(
                            "no function clause matching in Enum.chunk_every/{n}"
                        )),
                    )],
                ));
            }
            let v = to_vec(&a[0])?;
            let leftover = a.get(3).cloned();
            let mut out = Vec::new();
            let mut i = 0usize;
            while i < v.len() {
                let count = ops::index(count);
                let end = i.saturating_add(count).min(v.len());
                let mut chunk: Vec<Term> = v[i..end].to_vec();
                if chunk.len() < count {
                    match &leftover {
                        Some(Term::List(pad)) => {
                            chunk.extend(pad.iter().take(count - chunk.len()).cloned());
                            out.push(Term::list(chunk));
                        }
                        Some(t) if t == &Term::atom("discard") => {}
                        _ => out.push(Term::list(chunk)),
                    }
                    break;
                }
                out.push(Term::list(chunk));
                if end == v.len() {
                    break;
                }
                i = i.saturating_add(ops::index(step));
            }
            list(out)
        }
        ("frequencies", 1) => {
            let mut counts: Vec<(Term, i64)> = Vec::new();
            let mut keys = StrictKeys::default();
            let items = to_vec(&a[0])?;
            ops::note_work(items.len() as u64);
            for t in items {
                match keys.slot(&t) {
                    (i, false) => counts[i].1 += 1,
                    _ => counts.push((t, 1)),
                }
            }
            value(Term::map(
                counts.into_iter().map(|(k, c)| (k, Term::Int(c))).collect(),
            ))
        }
        ("at", 2 | 3) => {
            let items = Items::of(&a[0])?;
            let i = ints(&a[1], 2)?;
            value(nth(&items, i).unwrap_or_else(|| a.get(2).cloned().unwrap_or_else(Term::nil)))
        }
        ("fetch" | "fetch!", 2) => {
            let items = Items::of(&a[0])?;
            let i = ints(&a[1], 2)?;
            let got = nth(&items, i);
            match (got, name) {
                (Some(t), "fetch") => value(Term::ok_tuple(t)),
                (Some(t), _) => value(t),
                (None, "fetch") => value(Term::atom("error")),
                (None, _) => Err(exception(
                    "Enum.OutOfBoundsError",
                    vec![(
                        "message",
                        // iex 1.14's words (later versions name the position)
                        Term::str("out of bounds error"),
                    )],
                )),
            }
        }
        ("concat", 1) => {
            let mut out = Vec::new();
            for l in to_vec(&a[0])? {
                out.extend(to_vec(&l)?);
                if out.len() > ops::MAX_ITEMS {
                    return Err(ops::too_big("a list", out.len()));
                }
            }
            list(out)
        }
        ("concat", 2) => {
            let mut out = to_vec(&a[0])?;
            out.extend(to_vec(&a[1])?);
            list(out)
        }
        ("intersperse", 2) => {
            let mut out = Vec::new();
            for (i, t) in to_vec(&a[0])?.into_iter().enumerate() {
                if i > 0 {
                    out.push(a[1].clone());
                }
                out.push(t);
            }
            list(out)
        }
        ("shuffle", 1) => {
            // a draw of `:rand.uniform()` per item, in order, then the items by their draws
            let v = to_vec(&a[0])?;
            let mut keyed: Vec<(f64, Term)> = v
                .into_iter()
                .map(|t| (super::rand::uniform(m), t))
                .collect();
            // sorted by draw, then read backwards (as Elixir unwraps its keysort)
            crate::sorting::sort_by(&mut keyed, |x, y| x.0.total_cmp(&y.0));
            list(keyed.into_iter().rev().map(|(_, t)| t).collect())
        }
        ("random", 1) => {
            let items = Items::of(&a[0])?;
            if items.is_empty() {
                return Err(empty_error());
            }
            let i = super::rand::uniform_n(m, items.len() as u64) - 1;
            value(items.get(i as usize))
        }
        ("any?", 1) => value(Term::bool(to_vec(&a[0])?.iter().any(|t| t.is_truthy()))),
        ("all?", 1) => value(Term::bool(to_vec(&a[0])?.iter().all(|t| t.is_truthy()))),

        // ------------------------------------------------------------ with a function
        ("map", 2) => map_list(m, &a[0], &a[1]),
        ("filter", 2) => start(
            m,
            &a[0],
            &a[1],
            Vec::new(),
            |s, item, r| {
                if r.is_truthy() {
                    push_item(s, item.clone())?;
                }
                Ok(None)
            },
            |s| Ok(Term::list(s)),
        ),
        ("reject", 2) => start(
            m,
            &a[0],
            &a[1],
            Vec::new(),
            |s, item, r| {
                if !r.is_truthy() {
                    push_item(s, item.clone())?;
                }
                Ok(None)
            },
            |s| Ok(Term::list(s)),
        ),
        ("each", 2) => start(m, &a[0], &a[1], (), |_, _, _| Ok(None), |_| Ok(Term::ok())),
        ("reduce", 2) => {
            let items = to_vec(&a[0])?;
            let Some((first, rest)) = items.split_first() else {
                return Err(empty_error());
            };
            reduce(m, Term::list(rest.to_vec()), first.clone(), &a[1])
        }
        ("reduce", 3) => {
            need_fun(&a[2], "reduce", 3)?;
            reduce(m, a[0].clone(), a[1].clone(), &a[2])
        }
        ("reduce_while", 3) => {
            let items = Items::of(&a[0])?;
            Ok(Some(walk(
                m,
                Walk {
                    items,
                    i: 0,
                    fun: a[2].clone(),
                    state: a[1].clone(),
                    args: |item, acc, out| out.extend([item.clone(), acc.clone()]),
                    step: |acc, _, r| match r.as_tuple() {
                        Some([Term::Atom(k), v]) if &*k.name() == "cont" => {
                            *acc = v.clone();
                            Ok(None)
                        }
                        Some([Term::Atom(k), v]) if &*k.name() == "halt" => Ok(Some(v.clone())),
                        _ => Err(exception("CaseClauseError", vec![("term", r.clone())])),
                    },
                    done: Ok,
                },
            )?))
        }
        ("sort", 2) => sort_with(m, to_vec(&a[0])?, &a[1]),
        ("sort_by", 2 | 3) => {
            let items = to_vec(&a[0])?;
            let order = a.get(2).cloned();
            let keyed = Term::list(items.clone());
            let keys = map_list(m, &keyed, &a[1])?;
            Ok(keys.map(|k| {
                then_map(k, move |m, keys| {
                    let keys = keys.as_list().unwrap_or(&[]).to_vec();
                    let mut pairs: Vec<(Term, Term)> = keys.into_iter().zip(items).collect();
                    match &order.clone().unwrap_or_else(Term::nil) {
                        o if o == &Term::atom("asc") || o.is_nil() => {
                            crate::sorting::sort_by(&mut pairs, |x, y| x.0.cmp(&y.0));
                            Ok(NRet::Value(Term::list(
                                pairs.into_iter().map(|p| p.1).collect(),
                            )))
                        }
                        o if o == &Term::atom("desc") => {
                            crate::sorting::sort_by(&mut pairs, |x, y| y.0.cmp(&x.0));
                            Ok(NRet::Value(Term::list(
                                pairs.into_iter().map(|p| p.1).collect(),
                            )))
                        }
                        f => {
                            // sort the keys with the sorter function, carrying the items
                            let tagged: Vec<Term> = pairs
                                .into_iter()
                                .map(|(k, v)| Term::tuple(vec![k, v]))
                                .collect();
                            let sorted = move |m: &mut Machine, sorter: Term| {
                                let r = sort_with_key(m, tagged, sorter)?;
                                Ok(r.unwrap_or(NRet::Value(Term::list(vec![]))))
                            };
                            match module_sorter(f) {
                                Some(call) => Ok(call(Box::new(sorted))),
                                None => sorted(m, f.clone()),
                            }
                        }
                    }
                })
            }))
        }
        _ => Ok(None),
    }
}

/// Applies `f` to the value an [`NRet`] eventually produces.
fn then_map(n: NRet, f: impl FnOnce(&mut Machine, Term) -> R<NRet> + 'static) -> NRet {
    match n {
        NRet::Value(v) => NRet::Continue(Box::new(move |m, _| f(m, v))),
        NRet::Call(fun, args) => NRet::CallThen(fun, args, Box::new(f)),
        NRet::CallThen(fun, args, then) => NRet::CallThen(
            fun,
            args,
            Box::new(move |m, r| Ok(then_map(then(m, r)?, f))),
        ),
        NRet::Continue(then) => NRet::Continue(Box::new(move |m, r| Ok(then_map(then(m, r)?, f)))),
        NRet::Await(op) => NRet::AwaitThen(op, Box::new(f)),
        NRet::AwaitThen(op, then) => {
            NRet::AwaitThen(op, Box::new(move |m, r| Ok(then_map(then(m, r)?, f))))
        }
        NRet::Resume(s, None) => NRet::Resume(s, Some(Box::new(f))),
        NRet::Resume(s, Some(then)) => {
            NRet::Resume(s, Some(Box::new(move |m, r| Ok(then_map(then(m, r)?, f)))))
        }
    }
}

fn reduce(m: &mut Machine, items: Term, acc: Term, fun: &Term) -> R<Option<NRet>> {
    let items = Items::of(&items)?;
    if let Some(op) = super::enumerable::fast_op(fun) {
        return Ok(Some(reduce_op(op, items, 0, acc)?));
    }
    Ok(Some(walk(
        m,
        Walk {
            items,
            i: 0,
            fun: fun.clone(),
            state: acc,
            args: |item, acc, out| out.extend([item.clone(), acc.clone()]),
            step: |acc, _, r| {
                *acc = r;
                Ok(None)
            },
            done: Ok,
        },
    )?))
}

/// `Enum.reduce(1..1_000_000, 0, &+/2)`: the operator applied to each item and the
/// accumulator natively (`item + acc`, as the capture is called), a slice at a time with the
/// work charged, so the process yields between slices as a walk does, without building each
/// call's arguments.
fn reduce_op(op: &'static str, items: Items, from: usize, mut acc: Term) -> R<NRet> {
    let end = from
        .saturating_add(super::enumerable::SLICE)
        .min(items.len());
    for i in from..end {
        acc = ops::binary(op, &items.get(i), &acc)?;
    }
    ops::note_work((end - from) as u64);
    if end >= items.len() {
        return Ok(NRet::Value(acc));
    }
    Ok(NRet::Continue(Box::new(move |_, _| {
        reduce_op(op, items, end, acc)
    })))
}

/// `Enum.sort(list, fun)` and `:asc`/`:desc`: a stable binary-insertion sort whose
/// comparisons go through the machine.
fn sort_with(m: &mut Machine, items: Vec<Term>, how: &Term) -> R<Option<NRet>> {
    if how == &Term::atom("asc") {
        return list(sorted(items));
    }
    if how == &Term::atom("desc") {
        let mut v = items;
        crate::sorting::sort_by(&mut v, |a, b| b.cmp(a));
        return list(v);
    }
    if let Some(call) = module_sorter(how) {
        return Ok(Some(call(Box::new(move |m, sorter| {
            Ok(sort_with(m, items, &sorter)?.unwrap_or(NRet::Value(Term::list(vec![]))))
        }))));
    }
    if as_fun(how).is_none() {
        return Err(protocol_undefined("Enumerable", how));
    }
    let tagged: Vec<Term> = items
        .into_iter()
        .map(|t| Term::tuple(vec![t.clone(), t]))
        .collect();
    sort_with_key(m, tagged, how.clone())
}

type Then = Box<dyn FnOnce(&mut Machine, Term) -> R<NRet>>;

/// A sorter that names a module (`Date`, `{:desc, Date}`): sorting then goes by the
/// module's `compare/2`, through the function `Enum.__sorter__/2` of the prelude makes
/// (given to `then`).
fn module_sorter(how: &Term) -> Option<impl FnOnce(Then) -> NRet> {
    let (order, module) = match how {
        Term::Atom(m) if m.name().starts_with("Elixir.") => ("asc", *m),
        Term::Tuple(t) if t.len() == 2 => match (&t[0], &t[1]) {
            (Term::Atom(o), Term::Atom(m))
                if matches!(&*o.name(), "asc" | "desc") && m.name().starts_with("Elixir.") =>
            {
                (if &*o.name() == "asc" { "asc" } else { "desc" }, *m)
            }
            _ => return None,
        },
        _ => return None,
    };
    Some(move |then: Then| {
        NRet::CallThen(
            Fun::capture(Atom::module("Enum"), Atom::new("__sorter__"), 2),
            vec![Term::Atom(module), Term::atom(order)],
            then,
        )
    })
}

struct Insertion {
    pending: Vec<Term>,
    next: usize,
    sorted: Vec<Term>,
    lo: usize,
    hi: usize,
    sorter: Term,
}

/// Items are `{key, value}`; the sorter compares keys (`fun(a, b)` true: `a` goes first).
fn sort_with_key(_m: &mut Machine, items: Vec<Term>, sorter: Term) -> R<Option<NRet>> {
    let st = Insertion {
        pending: items,
        next: 0,
        sorted: Vec::new(),
        lo: 0,
        hi: 0,
        sorter,
    };
    Ok(Some(insertion_step(st)))
}

fn key(t: &Term) -> Term {
    t.as_tuple()
        .and_then(|p| p.first().cloned())
        .unwrap_or_else(Term::nil)
}

fn insertion_step(mut st: Insertion) -> NRet {
    loop {
        if st.lo >= st.hi {
            // place the current item (if any) at lo, take the next
            if st.next > 0 && st.next <= st.pending.len() {
                let item = st.pending[st.next - 1].clone();
                st.sorted.insert(st.lo, item);
            }
            if st.next >= st.pending.len() {
                let out: Vec<Term> = st
                    .sorted
                    .iter()
                    .map(|t| {
                        t.as_tuple()
                            .and_then(|p| p.get(1).cloned())
                            .unwrap_or_else(Term::nil)
                    })
                    .collect();
                return NRet::Value(Term::list(out));
            }
            st.next += 1;
            st.lo = 0;
            st.hi = st.sorted.len();
            continue;
        }
        let mid = (st.lo + st.hi) / 2;
        let x = key(&st.pending[st.next - 1]);
        let y = key(&st.sorted[mid]);
        let sorter = st.sorter.clone();
        // does sorted[mid] go before x?  fun(sorted[mid], x)
        return NRet::CallThen(
            sorter,
            vec![y, x],
            Box::new(move |_, r| {
                let mut st = st;
                if r.is_truthy() {
                    st.lo = mid + 1;
                } else {
                    st.hi = mid;
                }
                Ok(insertion_step(st))
            }),
        );
    }
}

/// Items `from..to` (exclusive) of an enumerable, copied without copying the rest (the
/// first 3 of `1..1_000_000` are 3 items' work).
fn part(items: &Items, from: u128, to: u128) -> R<Vec<Term>> {
    let n = to.saturating_sub(from);
    if n > ops::MAX_ITEMS as u128 {
        return Err(ops::too_big(
            "a list",
            usize::try_from(n).unwrap_or(usize::MAX),
        ));
    }
    ops::note_alloc(n as usize * std::mem::size_of::<Term>());
    Ok((from..to).map(|i| items.get_wide(i)).collect())
}

/// Item `i` (from the end when negative), without copying the rest: `Enum.at(1..10**11, 5)`.
fn nth(items: &Items, i: i64) -> Option<Term> {
    let n = items.count();
    let i = if i < 0 {
        n.checked_sub(i.unsigned_abs() as u128)?
    } else {
        i as u128
    };
    (i < n).then(|| items.get_wide(i))
}
