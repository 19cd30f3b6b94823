//! The console's own big integers (`src/runtime/bigint.rs`) against `num-bigint` on random
//! numbers from one to a few hundred limbs wide: every operation the interpreter uses.
#![cfg(not(target_arch = "wasm32"))]

use num_bigint::BigInt as Theirs;
use proptest::prelude::*;
use redfour::runtime::bigint::BigInt as Ours;

/// A random integer as decimal text, `limbs` 32-bit limbs wide at most, either sign.
fn number(max_limbs: usize) -> impl Strategy<Value = String> {
    (
        any::<bool>(),
        prop::collection::vec(any::<u32>(), 0..=max_limbs),
    )
        .prop_map(|(neg, limbs)| {
            let mut t = Theirs::from(0u8);
            for l in limbs {
                t = (t << 32u32) + Theirs::from(l);
            }
            if neg {
                t = -t;
            }
            t.to_string()
        })
}

fn ours(s: &str) -> Ours {
    Ours::parse_bytes(s.as_bytes(), 10).unwrap()
}

fn theirs(s: &str) -> Theirs {
    Theirs::parse_bytes(s.as_bytes(), 10).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn arithmetic_agrees(a in number(6), b in number(6)) {
        let (x, y) = (ours(&a), ours(&b));
        let (p, q) = (theirs(&a), theirs(&b));
        prop_assert_eq!((&x + &y).to_string(), (&p + &q).to_string());
        prop_assert_eq!((&x - &y).to_string(), (&p - &q).to_string());
        prop_assert_eq!((&x * &y).to_string(), (&p * &q).to_string());
        prop_assert_eq!(x.cmp(&y), p.cmp(&q));
        if !y.is_zero() {
            prop_assert_eq!((&x / &y).to_string(), (&p / &q).to_string());
            prop_assert_eq!((&x % &y).to_string(), (&p % &q).to_string());
            let (fd, fm) = num_integer_floor(&p, &q);
            prop_assert_eq!(x.div_floor(&y).to_string(), fd);
            prop_assert_eq!(x.mod_floor(&y).to_string(), fm);
        }
    }

    #[test]
    fn wide_products_and_quotients_agree(a in number(700), b in number(450)) {
        let (x, y) = (ours(&a), ours(&b));
        let (p, q) = (theirs(&a), theirs(&b));
        prop_assert_eq!((&x * &y).to_string(), (&p * &q).to_string());
        if !y.is_zero() {
            prop_assert_eq!((&x / &y).to_string(), (&p / &q).to_string());
            prop_assert_eq!((&x % &y).to_string(), (&p % &q).to_string());
        }
        // wide text both ways (written by halves past 24 limbs), in 10 and in 16
        prop_assert_eq!(x.to_str_radix(16), p.to_str_radix(16));
        prop_assert_eq!(ours(&p.to_string()), x);
    }

    #[test]
    fn bits_shifts_and_bitwise_agree(a in number(5), b in number(5), n in 0u64..300) {
        let (x, y) = (ours(&a), ours(&b));
        let (p, q) = (theirs(&a), theirs(&b));
        prop_assert_eq!((&x & &y).to_string(), (&p & &q).to_string());
        prop_assert_eq!((&x | &y).to_string(), (&p | &q).to_string());
        prop_assert_eq!((&x ^ &y).to_string(), (&p ^ &q).to_string());
        prop_assert_eq!((!&x).to_string(), (!&p).to_string());
        prop_assert_eq!((&x << n).to_string(), (&p << n).to_string());
        prop_assert_eq!((&x >> n).to_string(), (&p >> n).to_string());
        prop_assert_eq!(x.bits(), p.bits());
        prop_assert_eq!(x.gcd(&y).to_string(), gcd(&p, &q));
    }

    #[test]
    fn text_and_floats_agree(a in number(8), radix in 2u32..=36) {
        let (x, p) = (ours(&a), theirs(&a));
        prop_assert_eq!(x.to_str_radix(radix), p.to_str_radix(radix));
        let back = Ours::parse_bytes(p.to_str_radix(radix).as_bytes(), radix).unwrap();
        prop_assert_eq!(back, x.clone());
        let f = num_traits_to_f64(&p);
        prop_assert_eq!(x.to_f64(), f);
        prop_assert_eq!(x.to_i64(), i64::try_from(&p).ok());
    }

    #[test]
    fn powers_agree(a in number(2), e in 0u32..40) {
        let (x, p) = (ours(&a), theirs(&a));
        prop_assert_eq!(x.pow(e as u64).to_string(), p.pow(e).to_string());
    }
}

fn num_integer_floor(p: &Theirs, q: &Theirs) -> (String, String) {
    let (d, m) = (p / q, p % q);
    if m != Theirs::from(0) && ((m < Theirs::from(0)) != (*q < Theirs::from(0))) {
        ((d - Theirs::from(1)).to_string(), (m + q).to_string())
    } else {
        (d.to_string(), m.to_string())
    }
}

fn gcd(p: &Theirs, q: &Theirs) -> String {
    let (mut a, mut b) = (p.magnitude().clone(), q.magnitude().clone());
    while b != num_bigint::BigUint::from(0u8) {
        let r = &a % &b;
        a = b;
        b = r;
    }
    a.to_string()
}

/// `num-bigint`'s nearest float (its `ToPrimitive`), through its text and Rust's parser
/// (which rounds to nearest, ties to even): the same rounding, without `num-traits`.
fn num_traits_to_f64(p: &Theirs) -> f64 {
    p.to_string().parse::<f64>().unwrap()
}
