//! `:rand` with OTP's default algorithm, `exsss` (Xorshift116** over 58-bit words, seeded
//! through SplitMix64), written from its published description so that a seeded run gives
//! the numbers OTP 25 gives: after `:rand.seed(:exsss, 42)`, `:rand.uniform(10)` is 4 in
//! both. Without a seed, a process's first draw seeds from the runtime's own generator
//! (the run's seed), so a replay draws the same numbers. The state lives with the process
//! (OTP keeps it in the process dictionary under `:rand_seed`); `Enum.random/1` and
//! `Enum.shuffle/1` draw from it too.
//!
//! Also the process dictionary (`Process.put/2`, `:erlang.get/1`…), kept per process.

use std::cmp::Ordering;

use super::super::machine::{Machine, NRet};
use super::super::value::{badarg, R};
use super::value;
use crate::runtime::ets::Key;
use crate::runtime::Term;

pub const FUNS: super::Table = &[
    ("seed", 1, true),
    ("seed", 2, true),
    ("seed_s", 2, true),
    ("uniform", 0, true),
    ("uniform", 1, true),
    ("uniform_s", 1, true),
    ("uniform_s", 2, true),
    ("uniform_real", 0, true),
    ("export_seed", 0, true),
];

pub const DICT: super::Table = &[
    ("put", 2, true),
    ("get", 1, true),
    ("get", 0, true),
    ("get_keys", 0, true),
    ("get_keys", 1, true),
    ("erase", 1, true),
    ("erase", 0, true),
];

pub const PROCESS_DICT: super::Table = &[
    ("put", 2, true),
    ("get", 0, true),
    ("get", 1, true),
    ("get", 2, true),
    ("get_keys", 0, true),
    ("get_keys", 1, true),
    ("delete", 1, true),
];

const M58: u64 = (1 << 58) - 1;

/// A generator's state: `exsss`'s `[s0 | s1]` (58-bit words), or `exs1024`'s sixteen
/// 64-bit words (Xorshift1024*, which the getting-started guide seeds), as a list being
/// walked and the part already walked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Gen {
    Exsss(u64, u64),
    Exs1024(Vec<u64>, Vec<u64>),
}

fn splitmix64(x: u64) -> (u64, u64) {
    let x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    (z ^ (z >> 31), x)
}

/// The low 58 bits of SplitMix64's next non-zero output, and its next state.
fn seed58(mut x: u64) -> (u64, u64) {
    loop {
        let (z, next) = splitmix64(x);
        x = next;
        if z & M58 != 0 {
            return (z & M58, x);
        }
    }
}

/// `(x & (2^(58-n) - 1)) << n`: a shift that stays in 58 bits.
fn bsl58(x: u64, n: u32) -> u64 {
    (x & ((1 << (58 - n)) - 1)) << n
}

/// Xorshift64*, which fills exs1024's words from one seed.
fn exs64_next(r: u64) -> (u64, u64) {
    let r1 = r ^ (r >> 12);
    let r2 = r1 ^ (r1 << 25);
    let r3 = r2 ^ (r2 >> 27);
    (r3.wrapping_mul(2_685_821_657_736_338_717), r3)
}

impl Gen {
    /// `exsss` from an integer (its low 64 bits, as OTP's `band` takes them).
    pub fn from_int(x: u64) -> Gen {
        let (s0, x) = seed58(x);
        let (s1, _) = seed58(x);
        Gen::Exsss(s0, s1)
    }

    /// `exsss` from OTP's traditional triple.
    pub fn from_triple(a1: u64, a2: u64, a3: u64) -> Gen {
        let (_, x0) = seed58(a1);
        let (s0, x1) = seed58(a2 ^ x0);
        let (s1, _) = seed58(a3 ^ x1);
        Gen::Exsss(s0, s1)
    }

    /// `exs1024` from the traditional triple: 21 bits of each, mixed by three primes.
    pub fn exs1024(a1: u64, a2: u64, a3: u64) -> Gen {
        let m21 = (1u64 << 21) - 1;
        let b1 = ((a1 & m21) + 1).wrapping_mul(2_097_131) & m21;
        let b2 = ((a2 & m21) + 1).wrapping_mul(2_097_133) & m21;
        let b3 = ((a3 & m21) + 1).wrapping_mul(2_097_143) & m21;
        let mut r = (b1 << 43) | (b2 << 22) | (b3 << 1) | 1;
        let mut words = Vec::with_capacity(16);
        for _ in 0..16 {
            let (x, next) = exs64_next(r);
            words.push(x);
            r = next;
        }
        words.reverse();
        Gen::Exs1024(words, Vec::new())
    }

    fn bits(&self) -> u32 {
        match self {
            Gen::Exsss(..) => 58,
            Gen::Exs1024(..) => 64,
        }
    }

    /// The next output (58 or 64 bits).
    pub fn next_word(&mut self) -> u64 {
        match self {
            Gen::Exsss(a, b) => {
                let s0 = *b & M58;
                let a_b = (*a & M58) ^ bsl58(*a, 24);
                let new = a_b ^ s0 ^ (a_b >> 11) ^ (s0 >> 41);
                *a = s0;
                *b = new;
                // ((s * 5) rotl 7) * 9, in 58 bits
                let v_a = s0 + bsl58(s0, 2);
                let v_b = bsl58(v_a, 7) | ((v_a >> 51) & 127);
                (v_b + bsl58(v_b, 3)) & M58
            }
            Gen::Exs1024(l, rl) => {
                if l.len() < 2 {
                    // the walk wraps around: what was walked comes back in order
                    let mut back: Vec<u64> = rl.drain(..).rev().collect();
                    l.append(&mut back);
                }
                let (s0, s1) = (l.remove(0), l[0]);
                let s11 = s1 ^ (s1 << 31);
                let s12 = s11 ^ (s11 >> 11);
                let s01 = s0 ^ (s0 >> 30);
                let ns1 = s01 ^ s12;
                l[0] = ns1;
                rl.insert(0, s0);
                ns1.wrapping_mul(1_181_783_497_276_652_981)
            }
        }
    }

    /// A float in `[0.0, 1.0)`.
    pub fn uniform(&mut self) -> f64 {
        match self {
            // exs1024 divides the whole word (rounded to a float) by 2^64, as OTP does
            Gen::Exs1024(..) => self.next_word() as f64 / 18_446_744_073_709_551_616.0,
            Gen::Exsss(..) => (self.next_word() >> 5) as f64 * f64::powi(2.0, -53),
        }
    }

    /// An integer in `1..=n` (`n` at least 1), without bias.
    pub fn uniform_n(&mut self, n: u64) -> u64 {
        let bits = self.bits();
        let top: u128 = 1 << bits;
        if n as u128 > top {
            let wide = ((self.next_word() as u128) << 58) | self.next_word() as u128;
            return (wide % n as u128) as u64 + 1;
        }
        let room = top - n as u128;
        loop {
            let v = self.next_word();
            if v < n {
                return v + 1;
            }
            let i = v % n;
            if ((v - i) as u128) <= room {
                return i + 1;
            }
        }
    }

    fn term(&self) -> Term {
        match self {
            Gen::Exsss(a, b) => {
                let alg = Term::atom_map(&[("bits", Term::Int(58)), ("type", Term::atom("exsss"))]);
                Term::tuple(vec![
                    alg,
                    Term::cons(vec![Term::Int(*a as i64)], Term::Int(*b as i64)),
                ])
            }
            Gen::Exs1024(l, rl) => {
                let alg =
                    Term::atom_map(&[("bits", Term::Int(64)), ("type", Term::atom("exs1024"))]);
                let words = |v: &Vec<u64>| Term::list(v.iter().map(|w| u64_term(*w)).collect());
                Term::tuple(vec![alg, Term::tuple(vec![words(l), words(rl)])])
            }
        }
    }

    fn of_term(t: &Term) -> Option<Gen> {
        let [alg, state] = t.as_tuple()? else {
            return None;
        };
        if alg.get("type") == Some(&Term::atom("exs1024")) {
            let [l, rl] = state.as_tuple()? else {
                return None;
            };
            let words = |t: &Term| -> Option<Vec<u64>> { t.as_list()?.iter().map(low64).collect() };
            let (l, rl) = (words(l)?, words(rl)?);
            return (l.len() + rl.len() == 16 && !l.is_empty()).then_some(Gen::Exs1024(l, rl));
        }
        if alg.get("type") != Some(&Term::atom("exsss")) {
            return None;
        }
        let (items, Some(tail)) = state.list_parts()? else {
            return None;
        };
        match (items, tail) {
            ([Term::Int(a)], Term::Int(b)) => Some(Gen::Exsss(*a as u64 & M58, *b as u64 & M58)),
            _ => None,
        }
    }
}

/// A 64-bit word as an integer term (a big one past `i64`).
fn u64_term(w: u64) -> Term {
    match i64::try_from(w) {
        Ok(i) => Term::Int(i),
        Err(_) => Term::big(crate::runtime::bigint::BigInt::from(w as u128)),
    }
}

/// An integer's low 64 bits (a seed).
fn low64(t: &Term) -> Option<u64> {
    match t {
        Term::Int(i) => Some(*i as u64),
        Term::Big(b) => {
            // two's complement, as `band` reads a negative bignum
            let low = b.u64_digits().first().copied().unwrap_or(0);
            Some(if b.is_negative() {
                low.wrapping_neg()
            } else {
                low
            })
        }
        _ => None,
    }
}

fn seed_of(alg: &Term, seed: &Term) -> R<Gen> {
    let name = alg.as_atom().map(|a| a.name());
    match name.as_deref() {
        Some("exsss" | "default") => {}
        Some("exs1024") => {
            let triple = seed.as_tuple().and_then(|t| match t {
                [a, b, c] => Some((low64(a)?, low64(b)?, low64(c)?)),
                _ => None,
            });
            return triple
                .map(|(a, b, c)| Gen::exs1024(a, b, c))
                .ok_or_else(|| badarg(2, "not a seed this console takes for :exs1024 (a triple)"));
        }
        _ => {
            return Err(badarg(
                1,
                "not an algorithm this console has (it has :exsss, OTP's default, and :exs1024)",
            ))
        }
    }
    match seed {
        Term::Tuple(t) => match &t[..] {
            [a, b, c] => match (low64(a), low64(b), low64(c)) {
                (Some(a), Some(b), Some(c)) => Ok(Gen::from_triple(a, b, c)),
                _ => Err(badarg(2, "not a seed")),
            },
            _ => Err(badarg(2, "not a seed")),
        },
        other => low64(other)
            .map(Gen::from_int)
            .ok_or_else(|| badarg(2, "not a seed")),
    }
}

/// The process's generator, seeded from the run the first time.
pub fn state(m: &mut Machine) -> &mut Gen {
    if m.rand.is_none() {
        m.rand = Some(Gen::from_int(m.ctx.random_u64()));
    }
    m.rand.get_or_insert(Gen::Exsss(1, 1))
}

/// `:rand.uniform(n)` in the calling process.
pub fn uniform_n(m: &mut Machine, n: u64) -> u64 {
    state(m).uniform_n(n.max(1))
}

/// `:rand.uniform()` in the calling process.
pub fn uniform(m: &mut Machine) -> f64 {
    state(m).uniform()
}

fn positive(t: &Term) -> R<u64> {
    match t {
        Term::Int(n) if *n >= 1 => Ok(*n as u64),
        _ => Err(super::super::value::exception(
            "FunctionClauseError",
            vec![
                ("module", Term::atom("rand")),
                ("function", Term::atom("uniform")),
                ("arity", Term::Int(1)),
                ("kind", Term::nil()),
                ("args", Term::nil()),
                ("clauses", Term::nil()),
            ],
        )),
    }
}

pub fn call(m: &mut Machine, name: &str, args: Vec<Term>) -> R<Option<NRet>> {
    let a = &args;
    let t = match (name, a.len()) {
        ("seed", 1) => {
            let s = seed_of(&a[0], &Term::Int(m.ctx.random_u64() as i64))?;
            let t = s.term();
            m.rand = Some(s);
            t
        }
        ("seed", 2) => {
            // `:rand.seed(state)` is seed/1 with an exported state
            let s = seed_of(&a[0], &a[1])?;
            let t = s.term();
            m.rand = Some(s);
            t
        }
        ("seed_s", 2) => seed_of(&a[0], &a[1])?.term(),
        ("uniform", 0) => Term::Float(uniform(m)),
        ("uniform_real", 0) => Term::Float(loop {
            let x = uniform(m);
            if x > 0.0 {
                break x;
            }
        }),
        ("uniform", 1) => {
            let n = positive(&a[0])?;
            Term::Int(uniform_n(m, n) as i64)
        }
        ("uniform_s", 1 | 2) => {
            let st = a.last().and_then(Gen::of_term);
            let Some(mut st) = st else {
                return Err(badarg(a.len(), "not a state of :rand"));
            };
            let x = if a.len() == 2 {
                Term::Int(st.uniform_n(positive(&a[0])?) as i64)
            } else {
                Term::Float(st.uniform())
            };
            Term::tuple(vec![x, st.term()])
        }
        ("export_seed", 0) => m
            .rand
            .as_ref()
            .map_or_else(|| Term::atom("undefined"), Gen::term),
        _ => return Ok(None),
    };
    value(t)
}

/// The process dictionary: each key (compared exactly) with its one value.
pub type Dict = crate::runtime::ets::Objects;

/// The most keys a process dictionary holds (past it `put` raises instead of the tab
/// running out of memory).
const MAX_KEYS: usize = 1_000_000;

fn pairs(d: &Dict) -> Term {
    Term::list(
        d.iter()
            .filter_map(|(k, v)| Some(Term::tuple(vec![k.term().clone(), v.first()?.clone()])))
            .collect(),
    )
}

/// `Process.put/get/delete/get_keys` and `:erlang.put/get/erase/get_keys`.
pub fn dict(m: &mut Machine, elixir: bool, name: &str, args: Vec<Term>) -> R<Option<NRet>> {
    let d = &mut m.dict;
    let key = |i: usize| Key::exact(args[i].clone());
    let one = |v: Vec<Term>| v.into_iter().next();
    let undefined = || {
        if elixir {
            Term::nil()
        } else {
            Term::atom("undefined")
        }
    };
    let t = match (name, args.len()) {
        ("put", 2) => {
            if d.len() >= MAX_KEYS && !d.contains_key(&key(0)) {
                return Err(super::super::value::exception(
                    "SystemLimitError",
                    vec![("message", Term::str("a system limit has been reached: the process dictionary holds 1,000,000 keys, the most a process in this page keeps"))],
                ));
            }
            d.insert(key(0), vec![args[1].clone()])
                .and_then(one)
                .unwrap_or_else(undefined)
        }
        ("get", 0) => pairs(d),
        ("get", 1 | 2) => d
            .get(&key(0))
            .and_then(|v| v.first().cloned())
            .unwrap_or_else(|| args.get(1).cloned().unwrap_or_else(undefined)),
        ("get_keys", 0) => Term::list(d.keys().map(|k| k.term().clone()).collect()),
        ("get_keys", 1) => Term::list(
            d.iter()
                .filter(|(_, v)| v.iter().any(|v| v.key_cmp(&args[0]) == Ordering::Equal))
                .map(|(k, _)| k.term().clone())
                .collect(),
        ),
        ("erase" | "delete", 1) => d.remove(&key(0)).and_then(one).unwrap_or_else(undefined),
        ("erase", 0) => {
            let all = pairs(d);
            d.clear();
            all
        }
        _ => return Ok(None),
    };
    value(t)
}
