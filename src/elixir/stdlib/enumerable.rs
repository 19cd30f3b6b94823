//! The `Enumerable` and `Collectable` protocols for lists, maps and ranges, and [`walk`]:
//! calling a function on each item through the machine (so a user's `fn` may take as long
//! as it likes: the process is preempted between items).

use std::rc::Rc;

use super::super::machine::{Inline, Machine, NRet, Then};
use super::super::ops;
use super::super::value::{as_fun, protocol_undefined, Fun, FunKind, R};
use crate::runtime::term::range_parts;
use crate::runtime::{Atom, Term};

/// Items of an enumerable without copying: a list view, a range, or a map's pairs.
#[derive(Clone)]
pub enum Items {
    List(Term),
    /// first, step, and how many (exactly: see [`Items::count`])
    Range(i64, i64, u128),
    Vec(Rc<Vec<Term>>),
}

impl Items {
    pub fn of(t: &Term) -> R<Items> {
        match t {
            Term::List(_) => Ok(Items::List(t.clone())),
            Term::Map(pairs) => Ok(Items::Vec(Rc::new(
                pairs
                    .iter()
                    .map(|(k, v)| Term::tuple(vec![k.clone(), v.clone()]))
                    .collect(),
            ))),
            _ if map_set(t).is_some() => {
                Ok(Items::Vec(Rc::new(map_set(t).map_or_else(Vec::new, |m| {
                    m.iter().map(|(k, _)| k.clone()).collect()
                }))))
            }
            _ => match range_parts(t) {
                Some((first, last, step)) => Ok(Items::Range(
                    first,
                    step,
                    ops::range_count(first, last, step),
                )),
                None => Err(protocol_undefined("Enumerable", t)),
            },
        }
    }
    pub fn len(&self) -> usize {
        match self {
            Items::List(Term::List(l)) => l.len(),
            Items::List(_) => 0,
            Items::Range(_, _, n) => usize::try_from(*n).unwrap_or(usize::MAX),
            Items::Vec(v) => v.len(),
        }
    }
    /// How many items, exactly: a range may hold more than a usize counts (2^64 for the
    /// widest; on wasm32 a usize is 32 bits).
    pub fn count(&self) -> u128 {
        match self {
            Items::Range(_, _, n) => *n,
            _ => self.len() as u128,
        }
    }
    pub fn is_empty(&self) -> bool {
        self.count() == 0
    }
    pub fn get(&self, i: usize) -> Term {
        self.get_wide(i as u128)
    }
    /// Item `i` (below [`Items::count`]).
    pub fn get_wide(&self, i: u128) -> Term {
        match self {
            Items::List(Term::List(l)) => l[i as usize].clone(),
            Items::List(_) => Term::nil(),
            Items::Range(first, step, _) => {
                Term::Int((*first as i128 + *step as i128 * i as i128) as i64)
            }
            Items::Vec(v) => v[i as usize].clone(),
        }
    }
}

pub fn to_vec(t: &Term) -> R<Vec<Term>> {
    match t {
        Term::List(l) => Ok(l.to_vec()),
        _ => {
            let items = Items::of(t)?;
            if items.len() > ops::MAX_ITEMS {
                return Err(ops::too_big("a list", items.len()));
            }
            ops::note_alloc(items.len() * std::mem::size_of::<Term>());
            Ok((0..items.len()).map(|i| items.get(i)).collect())
        }
    }
}

/// Pushes one item onto a list a walk is building: charged like any big build (so the walk
/// yields and the heap is looked at), and refused past [`ops::MAX_ITEMS`] (a walk over
/// `0..100_000_000_000` would otherwise fill the tab's memory a slice at a time).
pub fn push_item<T>(v: &mut Vec<T>, t: T) -> R<()> {
    if v.len() >= ops::MAX_ITEMS {
        return Err(ops::too_big("a list", v.len() + 1));
    }
    ops::note_alloc(std::mem::size_of::<T>());
    v.push(t);
    Ok(())
}

/// The members of a `MapSet` (`%MapSet{map: %{member => []}}`, the prelude's struct): the
/// keys of its map, in term order.
pub fn map_set(t: &Term) -> Option<&[(Term, Term)]> {
    let Term::Struct(m, fields) = t else {
        return None;
    };
    if &*m.name() != "Elixir.MapSet" {
        return None;
    }
    match fields.iter().find(|(k, _)| &*k.name() == "map") {
        Some((_, Term::Map(pairs))) => Some(pairs),
        _ => None,
    }
}

/// `Enum.into/2` and `for … into:`.
pub fn into(target: &Term, items: Vec<Term>) -> R<Term> {
    match target {
        Term::Struct(m, fields) if map_set(target).is_some() => {
            let mut pairs: Vec<(Term, Term)> = map_set(target).unwrap_or(&[]).to_vec();
            pairs.extend(items.into_iter().map(|i| (i, Term::list(vec![]))));
            let fields: Vec<(Atom, Term)> = fields
                .iter()
                .map(|(k, v)| match &*k.name() {
                    "map" => (*k, Term::map(pairs.clone())),
                    _ => (*k, v.clone()),
                })
                .collect();
            Ok(Term::Struct(*m, fields.into()))
        }
        Term::List(l) => {
            let mut v = l.to_vec();
            v.extend(items);
            Ok(Term::list(v))
        }
        Term::Map(existing) => {
            let mut pairs: Vec<(Term, Term)> = existing.to_vec();
            for i in items {
                match i.as_tuple() {
                    Some([k, v]) => pairs.push((k.clone(), v.clone())),
                    _ => {
                        return Err(super::super::value::argument_error(format!(
                            "collecting into a map requires {{key, value}} tuples, got: {}",
                            super::super::inspect::inspect(&i)
                        )))
                    }
                }
            }
            Ok(Term::map(pairs))
        }
        Term::Str(_) | Term::Bin(..) if items.iter().all(|i| i.as_bits().is_some()) => Ok(
            crate::elixir::bitstrings::concat(std::iter::once(target).chain(items.iter()))
                .unwrap_or_else(Term::nil),
        ),
        Term::Str(s) => {
            let mut out = s.to_string();
            for i in items {
                out.push_str(&ops::to_string(&i)?);
            }
            Ok(Term::str(&out))
        }
        other => Err(protocol_undefined("Collectable", other)),
    }
}

/// The arguments [`walk`] calls the function with for an item, pushed onto a vector.
pub type ArgsFn<S> = fn(&Term, &S, &mut Vec<Term>);

/// What [`walk`] does with each answer of the function.
pub type StepFn<S> = fn(&mut S, &Term, Term) -> R<Option<Term>>;

pub struct Walk<S> {
    pub items: Items,
    pub i: usize,
    pub fun: Term,
    pub state: S,
    /// The arguments for an item (the item itself, or item and accumulator), pushed.
    pub args: ArgsFn<S>,
    /// Takes an answer; `Some` stops the walk with that result.
    pub step: StepFn<S>,
    pub done: fn(S) -> R<Term>,
}

/// A Kernel operator a capture stands for (`&+/2`), to apply without dispatch.
pub fn fast_op(fun: &Term) -> Option<&'static str> {
    let f = as_fun(fun)?;
    let FunKind::Capture { module, name, .. } = &f.kind else {
        return None;
    };
    let m = module.name();
    if &*m != "erlang" && &*m != "Elixir.Kernel" {
        return None;
    }
    const OPS: &[&str] = &[
        "+", "-", "*", "/", "==", "!=", "<", ">", "<=", ">=", "<>", "++", "===", "!==",
    ];
    let n = name.name();
    OPS.iter()
        .find(|o| **o == &*n)
        .copied()
        .filter(|_| f.arity == 2)
}

/// A native function a capture stands for (`&String.upcase/1`), called without frames.
fn native_capture(m: &Machine, fun: &Term) -> Option<(Atom, Atom)> {
    let f = as_fun(fun)?;
    match &f.kind {
        FunKind::Capture { module, name, .. }
            if m.modules
                .borrow()
                .get(module)
                .is_none_or(|md| !md.funs.contains_key(&(*name, f.arity))) =>
        {
            Some((*module, *name))
        }
        _ => None,
    }
}

/// Items handled natively before the scheduler gets a turn.
pub const SLICE: usize = 20_000;

/// What a walk does per item, its state's type erased: the walk's loop below exists once in
/// the program, not once per `Enum` function (which keeps the wasm small).
trait Steps {
    fn args(&self, item: &Term, out: &mut Vec<Term>);
    fn step(&mut self, item: &Term, r: Term) -> R<Option<Term>>;
    fn done(self: Box<Self>) -> R<Term>;
}

struct Ops<S> {
    state: S,
    args: ArgsFn<S>,
    step: StepFn<S>,
    done: fn(S) -> R<Term>,
}

impl<S> Steps for Ops<S> {
    fn args(&self, item: &Term, out: &mut Vec<Term>) {
        (self.args)(item, &self.state, out)
    }
    fn step(&mut self, item: &Term, r: Term) -> R<Option<Term>> {
        (self.step)(&mut self.state, item, r)
    }
    fn done(self: Box<Self>) -> R<Term> {
        (self.done)(self.state)
    }
}

struct DynWalk {
    items: Items,
    i: usize,
    fun: Term,
    ops: Box<dyn Steps>,
}

pub fn walk<S: 'static>(m: &mut Machine, w: Walk<S>) -> R<NRet> {
    walk_dyn(
        m,
        DynWalk {
            items: w.items,
            i: w.i,
            fun: w.fun,
            ops: Box::new(Ops {
                state: w.state,
                args: w.args,
                step: w.step,
                done: w.done,
            }),
        },
    )
}

fn walk_dyn(m: &mut Machine, mut w: DynWalk) -> R<NRet> {
    let op = fast_op(&w.fun);
    let native = if op.is_none() {
        native_capture(m, &w.fun)
    } else {
        None
    };
    let mut slice = 0;
    // the arguments of one call, the vector used again item after item
    let mut args: Vec<Term> = Vec::with_capacity(2);
    loop {
        if w.i >= w.items.len() {
            return Ok(NRet::Value(w.ops.done()?));
        }
        let item = w.items.get(w.i);
        args.clear();
        w.ops.args(&item, &mut args);
        if op.is_some() || native.is_some() {
            slice += 1;
            if slice > SLICE {
                ops::note_work(slice as u64);
                return Ok(NRet::Continue(Box::new(move |m, _| walk_dyn(m, w))));
            }
            let r = match (op, native) {
                (Some(op), _) if args.len() == 2 => ops::binary(op, &args[0], &args[1])?,
                (_, Some((module, name))) => {
                    match super::call(m, module, name, std::mem::take(&mut args))? {
                        Some(NRet::Value(v)) => v,
                        Some(other) => return Ok(chain(other, w, item)),
                        None => {
                            w.ops.args(&item, &mut args);
                            return Ok(NRet::Call(w.fun.clone(), args));
                        }
                    }
                }
                _ => return Ok(NRet::Call(w.fun.clone(), args)),
            };
            w.i += 1;
            if let Some(stop) = w.ops.step(&item, r)? {
                return Ok(NRet::Value(stop));
            }
            continue;
        }
        let fun = w.fun.clone();
        // an anonymous function whose clauses are lowered: called here, item after item
        if let Some(inline) = m.call_inline(&fun, &mut args) {
            slice += 1;
            let r = match inline {
                Inline::Done(r) => r,
                Inline::Raised(x) => return Err(x),
                Inline::Suspended(s) => {
                    return Ok(NRet::Resume(s, Some(then_walk(w, item))));
                }
            };
            w.i += 1;
            if let Some(stop) = w.ops.step(&item, r)? {
                return Ok(NRet::Value(stop));
            }
            // the items, the steps the function took and what it built count towards the turn
            if slice as u64 + m.pending_steps() + ops::native_work() > SLICE as u64 {
                ops::note_work(slice as u64);
                return Ok(NRet::Continue(Box::new(move |m, _| walk_dyn(m, w))));
            }
            continue;
        }
        return Ok(NRet::CallThen(fun, args, then_walk(w, item)));
    }
}

/// The walk's continuation once the function answered for `item`: the step, then the rest.
fn then_walk(w: DynWalk, item: Term) -> Then {
    Box::new(move |m, r| {
        let mut w = w;
        w.i += 1;
        if let Some(stop) = w.ops.step(&item, r)? {
            return Ok(NRet::Value(stop));
        }
        walk_dyn(m, w)
    })
}

/// A native function that itself needs the machine: run it, then go on walking.
fn chain(n: NRet, w: DynWalk, item: Term) -> NRet {
    let cont = then_walk(w, item);
    match n {
        NRet::Call(f, args) => NRet::CallThen(f, args, cont),
        NRet::CallThen(f, args, then) => NRet::CallThen(
            f,
            args,
            Box::new(move |m, r| match then(m, r)? {
                NRet::Value(v) => cont(m, v),
                other => Ok(other),
            }),
        ),
        other => other,
    }
}

/// The common case: one argument, the item.
pub fn item_arg<S>(item: &Term, _: &S, out: &mut Vec<Term>) {
    out.push(item.clone());
}

/// Calls `fun` once and hands its answer to `then`.
pub fn call_then(
    fun: Term,
    args: Vec<Term>,
    then: impl FnOnce(&mut Machine, Term) -> R<Term> + 'static,
) -> NRet {
    NRet::CallThen(
        fun,
        args,
        Box::new(move |m, r| Ok(NRet::Value(then(m, r)?))),
    )
}

/// An enumerable the native functions do not walk themselves: a struct other than a range
/// or a MapSet (a `Stream`, or a user's struct that implements `Enumerable`), or a function
/// (of two arguments, it is a stream made by `Stream.unfold/2` and friends).
pub fn is_foreign(t: &Term) -> bool {
    match t {
        Term::Struct(s, _) => !matches!(&*s.name(), "Elixir.Range" | "Elixir.MapSet"),
        // any function: Elixir's `Enumerable.Function` explains why one of another arity is not
        Term::Fun(_) => true,
        _ => false,
    }
}

fn lists_foreign(t: &Term) -> bool {
    matches!(t, Term::List(l) if l.iter().any(is_foreign))
}

/// The Elixir module of Enum's functions for such enumerables (`prelude/enumerable.ex`).
fn lazy_enum() -> Atom {
    Atom::new("redfour_enum")
}

/// A native function given an enumerable it does not walk itself hands the call over to
/// Elixir: to the prelude's version of an `Enum` function over `Enumerable.reduce/3` (lazy,
/// so `Enum.take(Stream.cycle([1]), 3)` ends), or it first takes the enumerable's items as
/// a list (`Enumerable.reduce/3` again) and runs natively on that. `None`: nothing foreign.
pub fn redirect(m: &mut Machine, module: Atom, name: Atom, args: &[Term]) -> Option<NRet> {
    let first = args.first();
    let cheap_no = !first.is_some_and(|a| is_foreign(a) || matches!(a, Term::List(_)))
        && !args.get(1).is_some_and(is_foreign)
        && !args.get(3).is_some_and(is_foreign);
    if cheap_no {
        return None;
    }
    let module_name = module.name();
    let n = name.name();
    let at = match &*module_name {
        "Elixir.Enum" => {
            let first = args.first().is_some_and(is_foreign)
                || (matches!(&*n, "zip" | "concat") && args.first().is_some_and(lists_foreign))
                || (matches!(&*n, "zip" | "concat") && args.get(1).is_some_and(is_foreign))
                || (&*n == "chunk_every" && args.get(3).is_some_and(is_foreign));
            if !first {
                return None;
            }
            let arity = args.len();
            let defined = m
                .modules
                .borrow()
                .get(&lazy_enum())
                .is_some_and(|md| md.funs.contains_key(&(name, arity)));
            if defined {
                return Some(NRet::Call(
                    Fun::capture(lazy_enum(), name, arity),
                    args.to_vec(),
                ));
            }
            if !args.first().is_some_and(is_foreign) {
                return None;
            }
            0
        }
        "Elixir.Map" | "Elixir.Keyword" if &*n == "new" && args.first().is_some_and(is_foreign) => {
            0
        }
        _ => return None,
    };
    let rest = args.to_vec();
    Some(NRet::CallThen(
        Fun::capture(lazy_enum(), Atom::new("to_list"), 1),
        vec![args[at].clone()],
        Box::new(move |m, list| {
            let mut args = rest;
            args[at] = list;
            match super::super::natives::Natives::call(m, module, name, args)? {
                Some(n) => Ok(n),
                None => Err(super::super::value::undefined_function(module, &n, 0, None)),
            }
        }),
    ))
}

/// Native functions of `:redfour_enum` (its other functions are Elixir, in the prelude).
pub const LAZY_FUNS: super::Table = &[("to_list", 1, false)];

pub fn lazy_call(_m: &mut Machine, name: &str, args: Vec<Term>) -> R<Option<NRet>> {
    match (name, args.as_slice()) {
        ("to_list", [enumerable]) => Ok(Some(collect(enumerable.clone()))),
        _ => Ok(None),
    }
}

/// The items of an enumerable walked by `Enumerable.reduce/3`, as a list: its reduce
/// suspends after each item and the items gather here, in a vector (building the list in
/// Elixir, `[x | acc]`, would copy it at each item: a list term is one shared slice).
pub fn collect(enumerable: Term) -> NRet {
    let cont = Term::tuple(vec![Term::atom("cont"), Term::nil()]);
    let suspend = Fun::capture(lazy_enum(), Atom::new("suspend"), 2);
    NRet::CallThen(
        Fun::capture(Atom::module("Enumerable"), Atom::new("reduce"), 3),
        vec![enumerable, cont, suspend],
        gather(Vec::new()),
    )
}

fn gather(mut items: Vec<Term>) -> Then {
    Box::new(move |_m, answer| {
        match answer.as_tuple() {
        Some([tag, x, k]) if *tag == Term::atom("suspended") => {
            if items.len() >= ops::MAX_ITEMS {
                return Err(ops::too_big("a list", items.len()));
            }
            items.push(x.clone());
            let cont = Term::tuple(vec![Term::atom("cont"), Term::nil()]);
            Ok(NRet::CallThen(k.clone(), vec![cont], gather(items)))
        }
        Some([_, _]) => Ok(NRet::Value(Term::list(items))),
        _ => Err(super::super::value::exception(
            "ArgumentError",
            vec![(
                "message",
                Term::str(&format!(
                    "Enumerable.reduce/3 must answer {{:done, acc}}, {{:halted, acc}} or {{:suspended, acc, fun}}, got: {}",
                    super::super::inspect::inspect(&answer)
                )),
            )],
        )),
    }
    })
}

/// Hands the answer `n` comes to (at once, or after the calls it asks for) to `f`.
pub fn then_value(
    m: &mut Machine,
    n: NRet,
    f: impl FnOnce(&mut Machine, Term) -> R<Term> + 'static,
) -> R<NRet> {
    match n {
        NRet::Value(v) => f(m, v).map(NRet::Value),
        NRet::Call(fun, args) => Ok(NRet::CallThen(
            fun,
            args,
            Box::new(move |m, r| f(m, r).map(NRet::Value)),
        )),
        NRet::CallThen(fun, args, then) => Ok(NRet::CallThen(
            fun,
            args,
            Box::new(move |m, r| {
                let next = then(m, r)?;
                then_value(m, next, f)
            }),
        )),
        other => Ok(other),
    }
}
