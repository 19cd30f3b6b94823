//! The console's own decimal-to-float parser (`src/runtime/float_parse.rs`) against the
//! standard library's on random texts: the same float to the bit, and the same texts refused.
#![cfg(not(target_arch = "wasm32"))]

use num_bigint::BigUint;
use proptest::prelude::*;
use redfour::runtime::float_parse::parse_f64;

fn same(t: &str) -> Result<(), TestCaseError> {
    let ours = parse_f64(t).map(f64::to_bits);
    let std = t.parse::<f64>().ok().map(f64::to_bits);
    prop_assert_eq!(ours, std, "{}", t);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]

    /// Any float printed shortest, or with 17 digits, or as an exponent, reads back.
    #[test]
    fn floats_read_back(bits in any::<u64>()) {
        let f = f64::from_bits(bits);
        same(&format!("{f}"))?;
        same(&format!("{f:e}"))?;
        same(&format!("{f:.17e}"))?;
    }

    /// Decimal texts of every length and exponent, near halfway points and range ends included.
    #[test]
    fn decimal_texts_agree(
        sign in "[+-]?",
        whole in "[0-9]{0,30}",
        frac in prop::option::of("[0-9]{0,30}"),
        exp in prop::option::of(-400i32..400),
    ) {
        let mut t = format!("{sign}{whole}");
        if let Some(f) = frac {
            t.push('.');
            t.push_str(&f);
        }
        if let Some(e) = exp {
            t.push_str(&format!("e{e}"));
        }
        same(&t)?;
    }

    /// Exact halfway points between neighbouring floats, and one unit of the last digit
    /// either side: ties go to the even neighbour.
    #[test]
    fn halfway_points_round_to_even(bits in 0u64..0x7fe0_0000_0000_0000) {
        // lo = m · 2^e, so the midpoint is (2m + 1) · 2^(e - 1)
        let (field, frac) = (bits >> 52, bits & ((1 << 52) - 1));
        let (m, e) = if field == 0 { (frac, -1074i64) } else { (frac | 1 << 52, field as i64 - 1075) };
        let odd = BigUint::from(2 * m + 1);
        let (digits, exp10) = if e > 0 {
            (odd << (e - 1) as usize, 0i64)
        } else {
            let k = (1 - e) as u32;
            (odd * BigUint::from(5u8).pow(k), -(k as i64))
        };
        let digits = digits.to_string();
        same(&format!("{digits}e{exp10}"))?;
        same(&format!("{digits}1e{}", exp10 - 1))?;
        same(&format!("{digits}e{exp10}").replacen(&digits, &(BigUint::parse_bytes(digits.as_bytes(), 10).unwrap() - 1u8).to_string(), 1))?;
    }

    /// Long texts: digits past the 780 the parser keeps still decide the rounding.
    #[test]
    fn long_texts_agree(digits in "[1-9][0-9]{700,900}", exp in -1100i32..-600) {
        same(&format!("{digits}e{exp}"))?;
        same(&format!("0.{digits}"))?;
    }

    /// Anything at all: the same texts accepted and refused.
    #[test]
    fn any_text_agrees(t in "[-+0-9.eEinfatyINFATY_ ]{0,12}") {
        same(&t)?;
    }
}
