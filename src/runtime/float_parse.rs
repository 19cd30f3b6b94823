//! Decimal text to the nearest `f64`, accepting exactly what `str::parse::<f64>` accepts.
//!
//! Written for this project because the standard library's parser carries a 10 KB table of
//! powers of five (Eisel–Lemire), the largest single object in the wasm, and incompressible.
//! Here a short number with a small exponent is one exact float multiplication or division
//! (Clinger's fast path); anything else is computed exactly with [`BigInt`] and rounded once,
//! to nearest, ties to even, subnormals included. The slow path costs microseconds, which a
//! console and a URL parser never notice.
//!
//! Grammar, as the standard library's: an optional sign, then `inf`, `infinity` or `nan`
//! (any case), or digits with an optional `.` (at least one digit on one side of it) and an
//! optional exponent `e`/`E`, sign, digits. No underscores, no spaces.

use super::bigint::BigInt;

/// The powers of ten that a float holds exactly.
const EXACT_POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// Significant digits kept: a float's halfway points need at most 767, so digits past
/// this many only tell whether the number lies above the kept ones, which one digit `1`
/// appended says as well.
const MAX_DIGITS: usize = 780;

/// `text` as the nearest float, or `None` if it is not a number (see the module's grammar).
pub fn parse_f64(text: &str) -> Option<f64> {
    let b = text.as_bytes();
    let (neg, rest) = match b.first() {
        Some(b'-') => (true, &b[1..]),
        Some(b'+') => (false, &b[1..]),
        _ => (false, b),
    };
    let magnitude = named(rest).or_else(|| number(rest))?;
    Some(if neg { -magnitude } else { magnitude })
}

fn named(b: &[u8]) -> Option<f64> {
    if b.eq_ignore_ascii_case(b"inf") || b.eq_ignore_ascii_case(b"infinity") {
        Some(f64::INFINITY)
    } else if b.eq_ignore_ascii_case(b"nan") {
        Some(f64::NAN)
    } else {
        None
    }
}

fn number(b: &[u8]) -> Option<f64> {
    let digits_at = |from: usize| b[from..].iter().take_while(|c| c.is_ascii_digit()).count();
    let whole = digits_at(0);
    let mut i = whole;
    let mut frac = 0;
    if b.get(i) == Some(&b'.') {
        frac = digits_at(i + 1);
        i += 1 + frac;
    }
    if whole + frac == 0 {
        return None;
    }
    let mut exp: i64 = 0;
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        let negative = match b.get(i) {
            Some(b'-') => {
                i += 1;
                true
            }
            Some(b'+') => {
                i += 1;
                false
            }
            _ => false,
        };
        let n = digits_at(i);
        if n == 0 {
            return None;
        }
        for c in &b[i..i + n] {
            // past any float's range already; saturating keeps huge exponents finite
            exp = (exp * 10 + (c - b'0') as i64).min(1 << 40);
        }
        if negative {
            exp = -exp;
        }
        i += n;
    }
    if i != b.len() {
        return None;
    }
    // the significant digits, without leading zeros, and the exponent of the last one
    let mut sig: Vec<u8> = b[..whole].to_vec();
    if frac > 0 {
        sig.extend_from_slice(&b[whole + 1..whole + 1 + frac]);
    }
    exp -= frac as i64;
    let lead = sig.iter().take_while(|c| **c == b'0').count();
    sig.drain(..lead);
    let trail = sig.iter().rev().take_while(|c| **c == b'0').count();
    sig.truncate(sig.len() - trail);
    exp += trail as i64;
    if sig.is_empty() {
        return Some(0.0);
    }
    if sig.len() > MAX_DIGITS {
        // trailing zeros are gone, so the digits cut are not all zero
        exp += (sig.len() - MAX_DIGITS) as i64 - 1;
        sig.truncate(MAX_DIGITS);
        sig.push(b'1');
    }
    Some(nearest(&sig, exp))
}

/// The nearest float to the decimal digits `sig` (no leading zero) times ten to `exp`.
fn nearest(sig: &[u8], exp: i64) -> f64 {
    let n = sig.len() as i64;
    // 10^(n-1+exp) ≤ value < 10^(n+exp): settle what is out of range without big numbers
    if n - 1 + exp > 309 {
        return f64::INFINITY;
    }
    if n + exp < -325 {
        return 0.0;
    }
    if n <= 15 && exp.abs() <= 22 {
        let m = sig.iter().fold(0u64, |acc, c| acc * 10 + (c - b'0') as u64) as f64;
        let p = EXACT_POW10[exp.unsigned_abs() as usize];
        return if exp >= 0 { m * p } else { m / p };
    }
    let m = BigInt::parse_bytes(sig, 10).unwrap_or_default();
    let ten = BigInt::from(10);
    if exp >= 0 {
        round(&(m * ten.pow(exp as u64)), 0, false)
    } else {
        // value = m / 10^-exp: a quotient of at least 64 bits, and whether it was exact
        let d = ten.pow(exp.unsigned_abs());
        let k = (64 + d.bits()).saturating_sub(m.bits());
        let (q, r) = (m << k).div_rem(&d);
        round(&q, k as i64, !r.is_zero())
    }
}

/// The float nearest to `q · 2^-k`, where `inexact` says the true value lies a little above.
fn round(q: &BigInt, k: i64, inexact: bool) -> f64 {
    let bits = q.bits() as i64;
    // value is in [2^e, 2^(e+1)); below 2^-1022 the precision shrinks with it
    let e = bits - 1 - k;
    let precision = if e >= -1022 { 53 } else { 53 - (-1022 - e) };
    let drop = bits - precision;
    let (mut mant, half, below) = if drop <= 0 {
        (low_u64(q) << (-drop) as u64, false, inexact)
    } else {
        let drop = drop as u64;
        let mant = if drop >= bits as u64 {
            0
        } else {
            low_u64(&(q >> drop))
        };
        let half = q.bit(drop - 1);
        let below = inexact || (drop >= 2 && low_bits_nonzero(q, drop - 1));
        (mant, half, below)
    };
    if half && (below || mant & 1 == 1) {
        mant += 1;
    }
    if e < -1022 {
        // a subnormal (or, rounded up, the least normal): its bits are its mantissa
        return f64::from_bits(mant);
    }
    let mut e = e;
    if mant == 1 << 53 {
        mant >>= 1;
        e += 1;
    }
    if e > 1023 {
        return f64::INFINITY;
    }
    f64::from_bits((((e + 1023) as u64) << 52) | (mant & ((1 << 52) - 1)))
}

fn low_u64(q: &BigInt) -> u64 {
    q.to_u64().unwrap_or(0)
}

/// Whether any of the lowest `n` bits of `q` is set.
fn low_bits_nonzero(q: &BigInt, n: u64) -> bool {
    let high = (q >> n) << n;
    &high != q
}

#[cfg(test)]
mod tests {
    use super::parse_f64;

    #[test]
    fn agrees_with_the_standard_library_on_hard_cases() {
        for t in [
            "0",
            "-0",
            "1",
            "1.",
            ".5",
            "1e5",
            "1E+5",
            "2.5e-3",
            "inf",
            "-Infinity",
            "NaN",
            "9007199254740993",
            "9007199254740992.5",
            "1.7976931348623157e308",
            "1.7976931348623158e308",
            "1.8e308",
            "2.2250738585072011e-308",
            "2.2250738585072014e-308",
            "4.9406564584124654e-324",
            "2.4703282292062328e-324",
            "2.4703282292062327e-324",
            "1e-400",
            "1e400",
            "0.1",
            "0.3",
            "123456789012345678901234567890",
            "3.14159265358979323846264338327950288",
            "1e23",
            "8.98846567431158e307",
            "1e-7",
            "000123.4500",
            "0.000000000000000000000000000000000001",
        ] {
            let ours = parse_f64(t).map(f64::to_bits);
            let std = t.parse::<f64>().ok().map(f64::to_bits);
            assert_eq!(ours, std, "{t}");
        }
    }

    #[test]
    fn rejects_what_the_standard_library_rejects() {
        for t in [
            "", "+", "-", ".", "e5", "1e", "1e+", "1.2.3", " 1", "1 ", "1_000", "0x10", "infinit",
            "--1", "1e5.0",
        ] {
            assert_eq!(parse_f64(t), None, "{t:?}");
            assert!(t.parse::<f64>().is_err(), "{t:?}");
        }
    }
}
