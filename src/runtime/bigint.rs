//! Big integers, for the integers past 64 bits that Elixir computes without a second
//! thought (`Integer.pow(2, 100)`, a factorial of 100), written for this project: the crate
//! it replaces cost about 15 KB of the gzipped wasm for the same few operations.
//!
//! A number is a sign and a magnitude of 32-bit limbs, least significant first, with no
//! zero limb at the top (zero has no limbs and is never negative). Multiplication is
//! schoolbook below `KARATSUBA` (192) limbs and Karatsuba above; division is Knuth's algorithm D.
//! Bitwise operations and `>>` act on the two's complement, as Erlang's `band` and `bsr` do.
//! The interpreter keeps integers that fit in 64 bits as `Term::Int` and only comes here
//! past them, and it caps their width (`ops::MAX_BIG_BITS`), so the quadratic parts (text
//! in and out) stay bounded.

use std::cmp::Ordering;
use std::fmt;
use std::ops::{Add, BitAnd, BitOr, BitXor, Div, Mul, Neg, Not, Rem, Shl, Shr, Sub, SubAssign};

/// The sign of a [`BigInt`], ordered `Minus < NoSign < Plus`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Sign {
    Minus,
    NoSign,
    Plus,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BigInt {
    neg: bool,
    mag: Vec<u32>,
}

/// Limbs from which multiplication splits the numbers (Karatsuba). High enough that the
/// halves' temporaries stay a small multiple of the product (the console counts what a
/// step allocates), low enough to pay on the widest numbers it holds.
const KARATSUBA: usize = 192;

fn trim(v: &mut Vec<u32>) {
    while v.last() == Some(&0) {
        v.pop();
    }
}

fn cmp_mag(a: &[u32], b: &[u32]) -> Ordering {
    a.len()
        .cmp(&b.len())
        .then_with(|| a.iter().rev().cmp(b.iter().rev()))
}

/// `a + b` (either may have zero limbs on top).
fn add_mag(a: &[u32], b: &[u32]) -> Vec<u32> {
    let (a, b) = if a.len() >= b.len() { (a, b) } else { (b, a) };
    let mut out = Vec::with_capacity(a.len() + 1);
    let mut carry = 0u64;
    for (i, x) in a.iter().enumerate() {
        let s = *x as u64 + *b.get(i).unwrap_or(&0) as u64 + carry;
        out.push(s as u32);
        carry = s >> 32;
    }
    out.push(carry as u32);
    trim(&mut out);
    out
}

/// `a - b`, for `a >= b`.
fn sub_mag(a: &[u32], b: &[u32]) -> Vec<u32> {
    let mut out = Vec::with_capacity(a.len());
    let mut borrow = 0i64;
    for (i, x) in a.iter().enumerate() {
        let d = *x as i64 - *b.get(i).unwrap_or(&0) as i64 - borrow;
        out.push(d as u32);
        borrow = (d < 0) as i64;
    }
    trim(&mut out);
    out
}

fn mul_mag(a: &[u32], b: &[u32]) -> Vec<u32> {
    if a.len().min(b.len()) < KARATSUBA {
        return schoolbook(a, b);
    }
    // a = a1·B^m + a0, b = b1·B^m + b0; a·b = z2·B^2m + z1·B^m + z0
    let m = a.len().max(b.len()) / 2;
    let split = |x: &[u32]| {
        let at = m.min(x.len());
        let (lo, hi) = x.split_at(at);
        let mut lo = lo.to_vec();
        trim(&mut lo);
        (lo, hi.to_vec())
    };
    let ((a0, a1), (b0, b1)) = (split(a), split(b));
    let z0 = mul_mag(&a0, &b0);
    let z2 = mul_mag(&a1, &b1);
    let z1 = mul_mag(&add_mag(&a0, &a1), &add_mag(&b0, &b1));
    let z1 = sub_mag(&sub_mag(&z1, &z0), &z2);
    let mut out = vec![0u32; a.len() + b.len() + 1];
    for (shift, part) in [(0, &z0), (m, &z1), (2 * m, &z2)] {
        let mut carry = 0u64;
        let mut i = 0;
        while i < part.len() || carry > 0 {
            let s = out[shift + i] as u64 + *part.get(i).unwrap_or(&0) as u64 + carry;
            out[shift + i] = s as u32;
            carry = s >> 32;
            i += 1;
        }
    }
    trim(&mut out);
    out
}

fn schoolbook(a: &[u32], b: &[u32]) -> Vec<u32> {
    let mut out = Vec::new();
    schoolbook_into(a, b, &mut out);
    out
}

/// `a · b` into `out` (its old limbs are dropped, its room reused).
fn schoolbook_into(a: &[u32], b: &[u32], out: &mut Vec<u32>) {
    out.clear();
    if a.is_empty() || b.is_empty() {
        return;
    }
    out.resize(a.len() + b.len(), 0);
    for (i, x) in a.iter().enumerate() {
        let mut carry = 0u64;
        for (o, y) in out[i..i + b.len()].iter_mut().zip(b) {
            let t = *x as u64 * *y as u64 + *o as u64 + carry;
            *o = t as u32;
            carry = t >> 32;
        }
        out[i + b.len()] = carry as u32;
    }
    trim(out);
}

/// `a · m + add`, in place.
fn mul_small_add(a: &mut Vec<u32>, m: u32, add: u32) {
    let mut carry = add as u64;
    for x in a.iter_mut() {
        let t = *x as u64 * m as u64 + carry;
        *x = t as u32;
        carry = t >> 32;
    }
    if carry > 0 {
        a.push(carry as u32);
    }
}

/// `a / d` in place, answering the remainder.
fn div_small(a: &mut Vec<u32>, d: u32) -> u32 {
    let mut rem = 0u64;
    for x in a.iter_mut().rev() {
        let cur = (rem << 32) | *x as u64;
        *x = (cur / d as u64) as u32;
        rem = cur % d as u64;
    }
    trim(a);
    rem as u32
}

fn shl_mag(a: &[u32], bits: u64) -> Vec<u32> {
    if a.is_empty() {
        return Vec::new();
    }
    let (limbs, bits) = ((bits / 32) as usize, (bits % 32) as u32);
    let mut out = vec![0u32; limbs];
    if bits == 0 {
        out.extend_from_slice(a);
    } else {
        let mut carry = 0u32;
        for x in a {
            out.push((x << bits) | carry);
            carry = x >> (32 - bits);
        }
        out.push(carry);
    }
    trim(&mut out);
    out
}

fn shr_mag(a: &[u32], bits: u64) -> Vec<u32> {
    let limbs = (bits / 32) as usize;
    if limbs >= a.len() {
        return Vec::new();
    }
    let bits = (bits % 32) as u32;
    let a = &a[limbs..];
    let mut out: Vec<u32> = if bits == 0 {
        a.to_vec()
    } else {
        (0..a.len())
            .map(|i| (a[i] >> bits) | a.get(i + 1).map_or(0, |h| h << (32 - bits)))
            .collect()
    };
    trim(&mut out);
    out
}

/// Quotient and remainder of magnitudes (`b` not zero): Knuth's algorithm D.
fn divrem_mag(u: &[u32], v: &[u32]) -> (Vec<u32>, Vec<u32>) {
    // (a zero divisor is refused by every caller first; answer without dividing)
    if v.is_empty() || cmp_mag(u, v) == Ordering::Less {
        return (Vec::new(), u.to_vec());
    }
    if v.len() == 1 {
        let mut q = u.to_vec();
        let r = div_small(&mut q, v[0]);
        return (q, if r == 0 { Vec::new() } else { vec![r] });
    }
    let n = v.len();
    let m = u.len() - n;
    // normalize: the divisor's top limb gets its top bit set
    let s = v[n - 1].leading_zeros() as u64;
    let vn = shl_mag(v, s);
    let mut un = shl_mag(u, s);
    un.resize(u.len() + 1, 0);
    let mut q = vec![0u32; m + 1];
    let b = 1u64 << 32;
    for j in (0..=m).rev() {
        let num = ((un[j + n] as u64) << 32) | un[j + n - 1] as u64;
        let mut qhat = num / vn[n - 1] as u64;
        let mut rhat = num % vn[n - 1] as u64;
        while qhat >= b || qhat * vn[n - 2] as u64 > ((rhat << 32) | un[j + n - 2] as u64) {
            qhat -= 1;
            rhat += vn[n - 1] as u64;
            if rhat >= b {
                break;
            }
        }
        // un[j..j+n+1] -= qhat · vn
        let mut borrow = false;
        let mut carry = 0u64;
        for (u, v) in un[j..j + n].iter_mut().zip(&vn) {
            let p = qhat * *v as u64 + carry;
            carry = p >> 32;
            let (d, b1) = u.overflowing_sub(p as u32);
            let (d, b2) = d.overflowing_sub(borrow as u32);
            *u = d;
            borrow = b1 | b2;
        }
        let top = un[j + n] as i64 - borrow as i64 - carry as i64;
        un[j + n] = top as u32;
        q[j] = qhat as u32;
        if top < 0 {
            // qhat was one too many: add the divisor back
            q[j] = q[j].wrapping_sub(1);
            let mut c = 0u64;
            for (u, v) in un[j..j + n].iter_mut().zip(&vn) {
                let s = *u as u64 + *v as u64 + c;
                *u = s as u32;
                c = s >> 32;
            }
            un[j + n] = un[j + n].wrapping_add(c as u32);
        }
    }
    trim(&mut q);
    un.truncate(n);
    trim(&mut un);
    (q, shr_mag(&un, s))
}

/// The largest power of `radix` a limb holds, and how many digits it has.
fn chunk_of(radix: u32) -> (u32, usize) {
    let (mut chunk, mut per) = (radix, 1);
    while let Some(c) = chunk.checked_mul(radix) {
        chunk = c;
        per += 1;
    }
    (chunk, per)
}

const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";

/// Writes `mag`'s digits, zero-padded on the left to `pad`, given `mag < pows[level]` where
/// `pows[i]` is the chunk to the power 2^i: split by `pows[level - 1]` into halves written
/// one after the other (divide and conquer: a wide number's text costs a few long
/// divisions, not one short division per nine digits over the whole number).
fn write_digits(
    mag: &[u32],
    pows: &[Vec<u32>],
    level: usize,
    radix: u32,
    per: usize,
    pad: usize,
    out: &mut Vec<u8>,
) {
    if level == 0 || mag.len() < 24 {
        let chunk = pows[0][0];
        let mut mag = mag.to_vec();
        let mut digits: Vec<u8> = Vec::new();
        while !mag.is_empty() {
            let mut r = div_small(&mut mag, chunk);
            for _ in 0..per {
                if mag.is_empty() && r == 0 {
                    break;
                }
                digits.push(DIGITS[(r % radix) as usize]);
                r /= radix;
            }
        }
        if digits.is_empty() && pad == 0 {
            digits.push(b'0');
        }
        out.extend(std::iter::repeat_n(b'0', pad.saturating_sub(digits.len())));
        out.extend(digits.iter().rev());
        return;
    }
    let low = per << (level - 1);
    let (q, r) = divrem_mag(mag, &pows[level - 1]);
    if q.is_empty() && pad == 0 {
        write_digits(&r, pows, level - 1, radix, per, 0, out);
        return;
    }
    write_digits(
        &q,
        pows,
        level - 1,
        radix,
        per,
        pad.saturating_sub(low),
        out,
    );
    write_digits(&r, pows, level - 1, radix, per, low, out);
}

impl BigInt {
    fn of(neg: bool, mut mag: Vec<u32>) -> BigInt {
        trim(&mut mag);
        BigInt {
            neg: neg && !mag.is_empty(),
            mag,
        }
    }

    pub fn zero() -> BigInt {
        BigInt::default()
    }

    pub fn is_zero(&self) -> bool {
        self.mag.is_empty()
    }

    pub fn is_negative(&self) -> bool {
        self.neg
    }

    pub fn sign(&self) -> Sign {
        match (self.neg, self.mag.is_empty()) {
            (_, true) => Sign::NoSign,
            (true, _) => Sign::Minus,
            _ => Sign::Plus,
        }
    }

    pub fn abs(&self) -> BigInt {
        BigInt::of(false, self.mag.clone())
    }

    /// Bits of the magnitude (0 for zero).
    pub fn bits(&self) -> u64 {
        match self.mag.last() {
            None => 0,
            Some(top) => self.mag.len() as u64 * 32 - top.leading_zeros() as u64,
        }
    }

    /// Bit `n` of the magnitude (the two's complement's too for bit 0: the parity).
    pub fn bit(&self, n: u64) -> bool {
        self.mag
            .get((n / 32) as usize)
            .is_some_and(|l| l >> (n % 32) & 1 == 1)
    }

    fn to_u128_mag(&self) -> Option<u128> {
        if self.mag.len() > 4 {
            return None;
        }
        Some(
            self.mag
                .iter()
                .rev()
                .fold(0u128, |acc, l| (acc << 32) | *l as u128),
        )
    }

    pub fn to_i128(&self) -> Option<i128> {
        let m = self.to_u128_mag()?;
        if self.neg {
            if m == 1u128 << 127 {
                Some(i128::MIN)
            } else {
                i128::try_from(m).ok().map(|x| -x)
            }
        } else {
            i128::try_from(m).ok()
        }
    }

    pub fn to_i64(&self) -> Option<i64> {
        self.to_i128().and_then(|x| i64::try_from(x).ok())
    }

    pub fn to_u64(&self) -> Option<u64> {
        self.to_i128().and_then(|x| u64::try_from(x).ok())
    }

    pub fn to_u32(&self) -> Option<u32> {
        self.to_i128().and_then(|x| u32::try_from(x).ok())
    }

    /// The nearest float (ties to even), infinite past `f64::MAX`.
    pub fn to_f64(&self) -> f64 {
        let bits = self.bits();
        let mag = if bits <= 64 {
            self.to_u128_mag().unwrap_or(0) as u64 as f64
        } else {
            // the top 64 bits, the lowest of them sticky for what lies below, round once
            let shift = bits - 64;
            let top = shr_mag(&self.mag, shift);
            let mut t = top
                .iter()
                .rev()
                .fold(0u64, |acc, l| (acc << 32) | *l as u64);
            let (whole, part) = ((shift / 32) as usize, shift % 32);
            let below = self.mag[..whole].iter().any(|l| *l != 0)
                || self.mag[whole] & ((1u32 << part) - 1) != 0;
            if below {
                t |= 1;
            }
            let f = t as f64;
            if shift > 2000 {
                f64::INFINITY
            } else {
                f * 2f64.powi(shift as i32)
            }
        };
        if self.neg {
            -mag
        } else {
            mag
        }
    }

    /// The integer part of `f`; `None` for an infinity or NaN.
    pub fn from_f64(f: f64) -> Option<BigInt> {
        if !f.is_finite() {
            return None;
        }
        let t = f.trunc();
        if t.abs() < 9.0e18 {
            return Some(BigInt::from(t as i64));
        }
        let bits = t.abs().to_bits();
        let (exp, frac) = ((bits >> 52) as i64, bits & ((1 << 52) - 1));
        let m = BigInt::from(frac | (1 << 52));
        let v = m << (exp - 1075) as u64;
        Some(if t < 0.0 { -v } else { v })
    }

    pub fn pow(&self, mut e: u64) -> BigInt {
        let mut base = self.clone();
        let mut acc = BigInt::from(1);
        while e > 0 {
            if e & 1 == 1 {
                acc = &acc * &base;
            }
            e >>= 1;
            if e > 0 {
                base = &base * &base;
            }
        }
        acc
    }

    /// `self · m + add`, the product built in `scratch` and the limbs swapped: a loop of
    /// these (`Integer.undigits/2` in a wide base) allocates nothing once its two buffers
    /// have grown.
    pub fn mul_add_reusing(&mut self, m: &BigInt, add: &BigInt, scratch: &mut Vec<u32>) {
        let neg = self.neg != m.neg;
        schoolbook_into(&self.mag, &m.mag, scratch);
        std::mem::swap(&mut self.mag, scratch);
        self.neg = neg && !self.mag.is_empty();
        let sum = add_owned(std::mem::take(self), add);
        *self = sum;
    }

    /// Quotient and remainder, the quotient truncated towards zero (`div`, `rem`).
    pub fn div_rem(&self, d: &BigInt) -> (BigInt, BigInt) {
        let (q, r) = divrem_mag(&self.mag, &d.mag);
        (BigInt::of(self.neg != d.neg, q), BigInt::of(self.neg, r))
    }

    /// The quotient rounded down (`Integer.floor_div/2`).
    pub fn div_floor(&self, d: &BigInt) -> BigInt {
        let (q, r) = self.div_rem(d);
        if !r.is_zero() && (r.neg != d.neg) {
            q - BigInt::from(1)
        } else {
            q
        }
    }

    /// The remainder with the divisor's sign (`Integer.mod/2`).
    pub fn mod_floor(&self, d: &BigInt) -> BigInt {
        let r = self % d;
        if !r.is_zero() && (r.neg != d.neg) {
            r + d.clone()
        } else {
            r
        }
    }

    pub fn gcd(&self, other: &BigInt) -> BigInt {
        let (mut a, mut b) = (self.abs(), other.abs());
        while !b.is_zero() {
            let r = &a % &b;
            a = b;
            b = r;
        }
        a
    }

    /// The text in `radix` (2 to 36), lowercase, with a `-` when negative.
    pub fn to_str_radix(&self, radix: u32) -> String {
        let radix = radix.clamp(2, 36);
        if self.mag.is_empty() {
            return "0".into();
        }
        let (chunk, per) = chunk_of(radix);
        // powers chunk^(2^i) until one exceeds the number: it is then cut in halves by them
        // (the last one squared would exceed the number: not computed, only the halves are)
        let mut pows = vec![vec![chunk]];
        while pows
            .last()
            .is_some_and(|p| 2 * p.len() < self.mag.len() + 2)
        {
            let p = pows.last().map(|p| mul_mag(p, p)).unwrap_or_default();
            pows.push(p);
        }
        let mut out: Vec<u8> = Vec::new();
        if self.neg {
            out.push(b'-');
        }
        write_digits(&self.mag, &pows, pows.len(), radix, per, 0, &mut out);
        String::from_utf8(out).unwrap_or_default()
    }

    /// The magnitude's digits in `radix` (2 to 256), most significant first; `[0]` for zero.
    pub fn to_radix_be(&self, radix: u32) -> Vec<u8> {
        let radix = radix.clamp(2, 256);
        let mut mag = self.mag.clone();
        let mut out = Vec::new();
        while !mag.is_empty() {
            out.push(div_small(&mut mag, radix) as u8);
        }
        if out.is_empty() {
            out.push(0);
        }
        out.reverse();
        out
    }

    /// Digits in `radix` (2 to 36) after an optional sign; `None` if any is not one, or
    /// there are none.
    pub fn parse_bytes(text: &[u8], radix: u32) -> Option<BigInt> {
        let (neg, digits) = match text.first() {
            Some(b'-') => (true, &text[1..]),
            Some(b'+') => (false, &text[1..]),
            _ => (false, text),
        };
        if digits.is_empty() || !(2..=36).contains(&radix) {
            return None;
        }
        // a limb's worth of digits at a time
        let (chunk, per) = chunk_of(radix);
        let mut mag = Vec::new();
        for group in digits.chunks(per) {
            let mut value = 0u32;
            for c in group {
                value = value * radix + (*c as char).to_digit(radix)?;
            }
            let scale = if group.len() == per {
                chunk
            } else {
                radix.pow(group.len() as u32)
            };
            mul_small_add(&mut mag, scale, value);
        }
        Some(BigInt::of(neg, mag))
    }

    /// An unsigned integer from big-endian bytes.
    pub fn from_bytes_be(bytes: &[u8]) -> BigInt {
        let mut mag = Vec::with_capacity(bytes.len() / 4 + 1);
        for chunk in bytes.rchunks(4) {
            mag.push(chunk.iter().fold(0u32, |acc, b| (acc << 8) | *b as u32));
        }
        BigInt::of(false, mag)
    }

    /// The magnitude as big-endian bytes (`[0]` for zero).
    pub fn to_bytes_be(&self) -> Vec<u8> {
        let mut out: Vec<u8> = self
            .mag
            .iter()
            .rev()
            .flat_map(|l| l.to_be_bytes())
            .collect();
        let zeros = out.iter().take_while(|b| **b == 0).count();
        out.drain(..zeros.min(out.len().saturating_sub(1)));
        if out.is_empty() {
            out.push(0);
        }
        out
    }

    /// The magnitude in 64-bit digits, least significant first.
    pub fn u64_digits(&self) -> Vec<u64> {
        self.mag
            .chunks(2)
            .map(|c| c[0] as u64 | (*c.get(1).unwrap_or(&0) as u64) << 32)
            .collect()
    }

    /// `len` limbs of the two's complement (sign-extended).
    fn twos(&self, len: usize) -> Vec<u32> {
        let mut v = self.mag.clone();
        v.resize(len, 0);
        if self.neg {
            let mut carry = 1u64;
            for x in v.iter_mut() {
                let s = (!*x) as u64 + carry;
                *x = s as u32;
                carry = s >> 32;
            }
        }
        v
    }

    fn from_twos(mut v: Vec<u32>) -> BigInt {
        if v.last().is_some_and(|top| top >> 31 == 1) {
            let mut carry = 1u64;
            for x in v.iter_mut() {
                let s = (!*x) as u64 + carry;
                *x = s as u32;
                carry = s >> 32;
            }
            BigInt::of(true, v)
        } else {
            BigInt::of(false, v)
        }
    }

    fn bitwise(&self, other: &BigInt, op: fn(u32, u32) -> u32) -> BigInt {
        let len = self.mag.len().max(other.mag.len()) + 1;
        let (a, b) = (self.twos(len), other.twos(len));
        BigInt::from_twos(a.iter().zip(&b).map(|(x, y)| op(*x, *y)).collect())
    }
}

impl From<i128> for BigInt {
    fn from(x: i128) -> BigInt {
        let mut m = x.unsigned_abs();
        let mut mag = Vec::new();
        while m > 0 {
            mag.push(m as u32);
            m >>= 32;
        }
        BigInt::of(x < 0, mag)
    }
}

impl From<u128> for BigInt {
    fn from(mut m: u128) -> BigInt {
        let mut mag = Vec::new();
        while m > 0 {
            mag.push(m as u32);
            m >>= 32;
        }
        BigInt::of(false, mag)
    }
}

macro_rules! from_small {
    ($($t:ty),*) => {$(
        impl From<$t> for BigInt {
            fn from(x: $t) -> BigInt {
                BigInt::from(x as i128)
            }
        }
    )*};
}
from_small!(i64, u64, i32, u32, u8, usize);

impl Ord for BigInt {
    fn cmp(&self, other: &BigInt) -> Ordering {
        match (self.neg, other.neg) {
            (false, true) => Ordering::Greater,
            (true, false) => Ordering::Less,
            (false, false) => cmp_mag(&self.mag, &other.mag),
            (true, true) => cmp_mag(&other.mag, &self.mag),
        }
    }
}

impl PartialOrd for BigInt {
    fn partial_cmp(&self, other: &BigInt) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for BigInt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_str_radix(10))
    }
}

fn add(a: &BigInt, b: &BigInt) -> BigInt {
    if a.neg == b.neg {
        return BigInt::of(a.neg, add_mag(&a.mag, &b.mag));
    }
    match cmp_mag(&a.mag, &b.mag) {
        Ordering::Less => BigInt::of(b.neg, sub_mag(&b.mag, &a.mag)),
        _ => BigInt::of(a.neg, sub_mag(&a.mag, &b.mag)),
    }
}

fn negate(a: &BigInt) -> BigInt {
    BigInt::of(!a.neg, a.mag.clone())
}

fn sub(a: &BigInt, b: &BigInt) -> BigInt {
    add(a, &negate(b))
}

fn mul(a: &BigInt, b: &BigInt) -> BigInt {
    BigInt::of(a.neg != b.neg, mul_mag(&a.mag, &b.mag))
}

fn div(a: &BigInt, b: &BigInt) -> BigInt {
    a.div_rem(b).0
}

fn rem(a: &BigInt, b: &BigInt) -> BigInt {
    a.div_rem(b).1
}

/// The operators for owned numbers and references alike, each through one function; an
/// owned left operand goes through `$owned` when given (which may reuse its limbs).
macro_rules! binary_op {
    ($trait:ident, $method:ident, $f:ident) => {
        binary_op!($trait, $method, $f, |a: BigInt, b: &BigInt| $f(&a, b));
    };
    ($trait:ident, $method:ident, $f:ident, $owned:expr) => {
        impl $trait<BigInt> for BigInt {
            type Output = BigInt;
            fn $method(self, o: BigInt) -> BigInt {
                ($owned)(self, &o)
            }
        }
        impl $trait<&BigInt> for BigInt {
            type Output = BigInt;
            fn $method(self, o: &BigInt) -> BigInt {
                ($owned)(self, o)
            }
        }
        impl $trait<BigInt> for &BigInt {
            type Output = BigInt;
            fn $method(self, o: BigInt) -> BigInt {
                $f(self, &o)
            }
        }
        impl $trait<&BigInt> for &BigInt {
            type Output = BigInt;
            fn $method(self, o: &BigInt) -> BigInt {
                $f(self, o)
            }
        }
    };
}
/// `a + b` reusing `a`'s limbs when the signs agree (`acc + digit` in a loop grows one
/// number instead of allocating a new one each time).
fn add_owned(mut a: BigInt, b: &BigInt) -> BigInt {
    if a.neg != b.neg || a.mag.len() < b.mag.len() {
        return add(&a, b);
    }
    let mut carry = 0u64;
    for (i, x) in a.mag.iter_mut().enumerate() {
        if i >= b.mag.len() && carry == 0 {
            break;
        }
        let s = *x as u64 + *b.mag.get(i).unwrap_or(&0) as u64 + carry;
        *x = s as u32;
        carry = s >> 32;
    }
    if carry > 0 {
        a.mag.push(carry as u32);
    }
    a
}

/// `a · b` in `a`'s limbs when `b` is one limb wide (`acc * base`).
fn mul_owned(mut a: BigInt, b: &BigInt) -> BigInt {
    match b.mag.as_slice() {
        [m] => {
            mul_small_add(&mut a.mag, *m, 0);
            a.neg = a.neg != b.neg && !a.mag.is_empty();
            a
        }
        _ => mul(&a, b),
    }
}

binary_op!(Add, add, add, add_owned);
binary_op!(Sub, sub, sub);
binary_op!(Mul, mul, mul, mul_owned);
binary_op!(Div, div, div);
binary_op!(Rem, rem, rem);

fn and(a: &BigInt, b: &BigInt) -> BigInt {
    a.bitwise(b, |x, y| x & y)
}
fn or(a: &BigInt, b: &BigInt) -> BigInt {
    a.bitwise(b, |x, y| x | y)
}
fn xor(a: &BigInt, b: &BigInt) -> BigInt {
    a.bitwise(b, |x, y| x ^ y)
}
binary_op!(BitAnd, bitand, and);
binary_op!(BitOr, bitor, or);
binary_op!(BitXor, bitxor, xor);

impl SubAssign<BigInt> for BigInt {
    fn sub_assign(&mut self, o: BigInt) {
        *self = sub(self, &o);
    }
}

impl Neg for BigInt {
    type Output = BigInt;
    fn neg(self) -> BigInt {
        negate(&self)
    }
}

impl Neg for &BigInt {
    type Output = BigInt;
    fn neg(self) -> BigInt {
        negate(self)
    }
}

/// `-x - 1`, the two's complement's `bnot`.
impl Not for &BigInt {
    type Output = BigInt;
    fn not(self) -> BigInt {
        sub(&negate(self), &BigInt::from(1))
    }
}

impl Shl<u64> for BigInt {
    type Output = BigInt;
    fn shl(self, n: u64) -> BigInt {
        BigInt::of(self.neg, shl_mag(&self.mag, n))
    }
}

impl Shl<u64> for &BigInt {
    type Output = BigInt;
    fn shl(self, n: u64) -> BigInt {
        BigInt::of(self.neg, shl_mag(&self.mag, n))
    }
}

/// Rounds down, as an arithmetic shift of the two's complement does (`-1 >>> n` is `-1`).
fn shr(a: &BigInt, n: u64) -> BigInt {
    if !a.neg {
        return BigInt::of(false, shr_mag(&a.mag, n));
    }
    // -((|a| - 1) >> n) - 1
    let less = sub_mag(&a.mag, &[1]);
    BigInt::of(true, add_mag(&shr_mag(&less, n), &[1]))
}

impl Shr<u64> for BigInt {
    type Output = BigInt;
    fn shr(self, n: u64) -> BigInt {
        shr(&self, n)
    }
}

impl Shr<u64> for &BigInt {
    type Output = BigInt;
    fn shr(self, n: u64) -> BigInt {
        shr(self, n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn big(s: &str) -> BigInt {
        BigInt::parse_bytes(s.as_bytes(), 10).unwrap()
    }

    #[test]
    fn a_factorial_prints_as_elixir_prints_it() {
        let f = (1..=30u32).fold(BigInt::from(1), |acc, i| acc * BigInt::from(i));
        assert_eq!(f.to_string(), "265252859812191058636308480000000");
        assert_eq!(
            BigInt::from(2).pow(100).to_string(),
            "1267650600228229401496703205376"
        );
        assert_eq!(
            (-BigInt::from(2).pow(70)).to_str_radix(16),
            "-400000000000000000"
        );
    }

    #[test]
    fn division_of_wide_numbers_gives_back_the_dividend() {
        let a = big("123456789012345678901234567890123456789012345678901234567890");
        let b = big("-98765432109876543210987");
        let (q, r) = a.div_rem(&b);
        assert_eq!(&q * &b + &r, a);
        assert!(r.bits() < b.bits() + 1 && !r.is_negative());
        assert_eq!(a.div_floor(&b), q - BigInt::from(1));
        assert!(a.mod_floor(&b).is_negative());
    }

    #[test]
    fn karatsuba_agrees_with_the_schoolbook() {
        let a: Vec<u32> = (0..900u32).map(|i| i.wrapping_mul(2_654_435_761)).collect();
        let b: Vec<u32> = (0..500u32)
            .map(|i| i.wrapping_mul(40_503) ^ 0xdead_beef)
            .collect();
        assert_eq!(mul_mag(&a, &b), schoolbook(&a, &b));
    }

    #[test]
    fn bitwise_operations_act_on_the_twos_complement() {
        let x = -BigInt::from(2).pow(80);
        assert_eq!(&x & &BigInt::from(0xff), BigInt::zero());
        assert_eq!((!&x).to_string(), "1208925819614629174706175");
        assert_eq!(&x >> 100, BigInt::from(-1));
        assert_eq!(BigInt::from(-5) >> 1, BigInt::from(-3));
    }

    #[test]
    fn floats_convert_to_the_nearest() {
        let x = BigInt::from(2).pow(64) + BigInt::from(1);
        assert_eq!(x.to_f64(), 18446744073709551616.0);
        assert_eq!(
            BigInt::from_f64(1e20).unwrap().to_string(),
            "100000000000000000000"
        );
        assert_eq!(BigInt::from(2).pow(1100).to_f64(), f64::INFINITY);
    }
}
