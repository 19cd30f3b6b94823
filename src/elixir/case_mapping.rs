//! Unicode's case mappings as Elixir 1.14 applies them (`String.upcase/downcase/capitalize`,
//! a caseless regex), from the Unicode 14.0.0 tables in `case_data.rs`.
//!
//! The standard library's `char::to_lowercase` would do most of this, but its tables are
//! Unicode 16's (a few letters map differently from iex's) and cost about 10 KB of the
//! gzipped wasm as pairs; runs of characters shifted by the same distance take a tenth of it.

use super::case_data::{LOWER_MULTI, LOWER_RUNS, TITLE_MULTI, TITLE_RUNS, UPPER_MULTI, UPPER_RUNS};

type Runs = &'static [(u32, u16, u8, i32)];
type Multi = &'static [(u32, &'static str)];

/// What a character maps to: itself (`None`), or one or more characters.
enum Mapped {
    One(char),
    Many(&'static str),
}

fn look(runs: Runs, multi: Multi, c: char) -> Option<Mapped> {
    let cp = c as u32;
    if let Ok(i) = multi.binary_search_by_key(&cp, |m| m.0) {
        return Some(Mapped::Many(multi[i].1));
    }
    let i = runs.partition_point(|r| r.0 <= cp).checked_sub(1)?;
    let (first, count, step, distance) = runs[i];
    let offset = cp - first;
    if offset % step as u32 != 0 || offset / step as u32 >= count as u32 {
        return None;
    }
    char::from_u32(cp.wrapping_add_signed(distance)).map(Mapped::One)
}

fn push(out: &mut String, c: char, m: Option<Mapped>) {
    match m {
        None => out.push(c),
        Some(Mapped::One(x)) => out.push(x),
        Some(Mapped::Many(s)) => out.push_str(s),
    }
}

/// `c` lowercased onto `out` (İ becomes i and a combining dot).
pub fn downcase(c: char, out: &mut String) {
    push(out, c, look(LOWER_RUNS, LOWER_MULTI, c));
}

/// `c` uppercased onto `out` (ß becomes SS).
pub fn upcase(c: char, out: &mut String) {
    push(out, c, look(UPPER_RUNS, UPPER_MULTI, c));
}

/// `c` in titlecase onto `out`, as the first letter of a capitalized word: the capital,
/// except where Unicode's titlecase differs (ǆ → ǅ, ß → Ss, ﬁ → Fi, Georgian unchanged).
pub fn titlecase(c: char, out: &mut String) {
    match look(TITLE_RUNS, TITLE_MULTI, c) {
        None => upcase(c, out),
        m => push(out, c, m),
    }
}

fn first(m: Option<Mapped>, c: char) -> char {
    match m {
        None => c,
        Some(Mapped::One(x)) => x,
        Some(Mapped::Many(s)) => s.chars().next().unwrap_or(c),
    }
}

/// The lowercase of `c` as one character (the first of its full mapping).
pub fn lower(c: char) -> char {
    first(look(LOWER_RUNS, LOWER_MULTI, c), c)
}

/// The uppercase of `c` as one character (the first of its full mapping).
pub fn upper(c: char) -> char {
    first(look(UPPER_RUNS, UPPER_MULTI, c), c)
}

/// Whether `c` has a lowercase or an uppercase other than itself.
pub fn has_case(c: char) -> bool {
    look(LOWER_RUNS, LOWER_MULTI, c).is_some() || look(UPPER_RUNS, UPPER_MULTI, c).is_some()
}

/// `s` lowercased, character by character (no final sigma: see `String.downcase/2`).
pub fn downcase_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    s.chars().for_each(|c| downcase(c, &mut out));
    out
}

/// `s` uppercased, character by character.
pub fn upcase_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    s.chars().for_each(|c| upcase(c, &mut out));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_as_iex_does() {
        // iex 1.14: String.upcase("ß ŉ ǰ ﬀ ΐ"), String.downcase("İ"), String.capitalize("ǆa")
        assert_eq!(
            upcase_str("ß ŉ ǰ ﬀ ΐ"),
            "SS ʼN J\u{30c} FF \u{399}\u{308}\u{301}"
        );
        assert_eq!(downcase_str("İ"), "i\u{307}");
        let mut t = String::new();
        titlecase('ǆ', &mut t);
        titlecase('ﬃ', &mut t);
        titlecase('a', &mut t);
        assert_eq!(t, "ǅFfiA");
        // Unicode 14's tables: ꟀꟁꟂ upcase as iex 1.14 upcases them (Ꟁ has no pair before 15)
        assert_eq!(upcase_str("ꞔ ꟀꟁꟂ"), "Ꞔ ꟀꟀꟂ");
        assert_eq!(downcase_str("Ᲊ ꟀꟁꟂ 𞤀"), "Ᲊ ꟁꟁꟃ 𞤢");
        assert!(has_case('é') && !has_case('1') && !has_case('ª'));
    }
}
