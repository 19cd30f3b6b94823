//! Unicode normalization, `String.normalize/2`'s four forms (UAX #15): decompose each
//! character (canonically for NFD and NFC, also by compatibility for NFKD and NFKC), put
//! combining marks in canonical order, and for NFC and NFKC compose again. The Unicode data
//! is in `normalization_data.rs` (written by `scripts/unicode-tables.py`), parsed the first
//! time a string is normalized.

use super::normalization_data::{COMBINING_CLASSES, DECOMPOSITIONS};
use crate::sorted_map::SortedMap;
use std::sync::OnceLock;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Form {
    Nfd,
    Nfc,
    Nfkd,
    Nfkc,
}

impl Form {
    pub fn from_name(name: &str) -> Option<Form> {
        match name {
            "nfd" => Some(Form::Nfd),
            "nfc" => Some(Form::Nfc),
            "nfkd" => Some(Form::Nfkd),
            "nfkc" => Some(Form::Nfkc),
            _ => None,
        }
    }
}

struct Decomposition {
    compat: bool,
    chars: &'static str,
}

struct Tables {
    decompositions: SortedMap<char, Decomposition>,
    /// Runs of characters with a non-zero combining class: first, last, class.
    classes: Vec<(u32, u32, u8)>,
    compositions: SortedMap<(char, char), char>,
}

fn tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(|| {
        let mut decompositions = Vec::new();
        let mut compositions = Vec::new();
        let mut cp = 0u32;
        for line in DECOMPOSITIONS.split('\n') {
            let Some(at) = line.find(['=', '+', '~']) else {
                continue;
            };
            cp += u32::from_str_radix(&line[..at], 16).unwrap_or(0);
            let Some(c) = char::from_u32(cp) else {
                continue;
            };
            let kind = line.as_bytes()[at];
            let chars = &line[at + 1..];
            if kind == b'=' {
                let mut it = chars.chars();
                if let (Some(a), Some(b)) = (it.next(), it.next()) {
                    compositions.push(((a, b), c));
                }
            }
            let compat = kind == b'~';
            decompositions.push((c, Decomposition { compat, chars }));
        }
        let mut classes = Vec::new();
        let mut end = 0u32;
        for line in COMBINING_CLASSES.split('\n') {
            let mut parts = line.split(' ');
            let (Some(gap), Some(len), Some(class)) = (parts.next(), parts.next(), parts.next())
            else {
                continue;
            };
            let first = end + u32::from_str_radix(gap, 16).unwrap_or(0);
            let len = u32::from_str_radix(len, 16).unwrap_or(1);
            classes.push((first, first + len - 1, class.parse().unwrap_or(0)));
            end = first + len;
        }
        Tables {
            decompositions: SortedMap::from_unsorted(decompositions),
            classes,
            compositions: SortedMap::from_unsorted(compositions),
        }
    })
}

/// Canonical combining class: 0 for a starter.
fn class(c: char) -> u8 {
    let cp = c as u32;
    let runs = &tables().classes;
    match runs.binary_search_by(|&(first, last, _)| {
        if last < cp {
            std::cmp::Ordering::Less
        } else if first > cp {
            std::cmp::Ordering::Greater
        } else {
            std::cmp::Ordering::Equal
        }
    }) {
        Ok(i) => runs[i].2,
        Err(_) => 0,
    }
}

// Hangul syllables, by arithmetic (Unicode 3.12)
const S_BASE: u32 = 0xAC00;
const L_BASE: u32 = 0x1100;
const V_BASE: u32 = 0x1161;
const T_BASE: u32 = 0x11A7;
const L_COUNT: u32 = 19;
const V_COUNT: u32 = 21;
const T_COUNT: u32 = 28;
const N_COUNT: u32 = V_COUNT * T_COUNT;
const S_COUNT: u32 = L_COUNT * N_COUNT;

fn decompose(c: char, compat: bool, out: &mut Vec<char>, depth: usize) {
    let cp = c as u32;
    if (S_BASE..S_BASE + S_COUNT).contains(&cp) {
        let s = cp - S_BASE;
        let jamo = [
            L_BASE + s / N_COUNT,
            V_BASE + (s % N_COUNT) / T_COUNT,
            T_BASE + s % T_COUNT,
        ];
        for (i, j) in jamo.into_iter().enumerate() {
            if i < 2 || j != T_BASE {
                out.extend(char::from_u32(j));
            }
        }
        return;
    }
    match tables().decompositions.get(&c) {
        // the data nests a few levels at most; the bound is a guard, not a limit met
        Some(d) if (compat || !d.compat) && depth < 8 => {
            for ch in d.chars.chars() {
                decompose(ch, compat, out, depth + 1);
            }
        }
        _ => out.push(c),
    }
}

fn compose_pair(a: char, b: char) -> Option<char> {
    let (a32, b32) = (a as u32, b as u32);
    if (L_BASE..L_BASE + L_COUNT).contains(&a32) && (V_BASE..V_BASE + V_COUNT).contains(&b32) {
        let s = S_BASE + ((a32 - L_BASE) * V_COUNT + (b32 - V_BASE)) * T_COUNT;
        return char::from_u32(s);
    }
    if (S_BASE..S_BASE + S_COUNT).contains(&a32)
        && (a32 - S_BASE) % T_COUNT == 0
        && (T_BASE + 1..T_BASE + T_COUNT).contains(&b32)
    {
        return char::from_u32(a32 + (b32 - T_BASE));
    }
    tables().compositions.get(&(a, b)).copied()
}

pub fn normalize(s: &str, form: Form) -> String {
    let compat = matches!(form, Form::Nfkd | Form::Nfkc);
    let mut chars = Vec::with_capacity(s.len());
    for c in s.chars() {
        decompose(c, compat, &mut chars, 0);
    }
    // canonical order: each run of combining marks sorted (stably) by class
    let mut i = 0;
    while i < chars.len() {
        if class(chars[i]) == 0 {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && class(chars[i]) != 0 {
            i += 1;
        }
        crate::sorting::sort_by_key(&mut chars[start..i], |c| class(*c));
    }
    if matches!(form, Form::Nfd | Form::Nfkd) {
        return chars.into_iter().collect();
    }
    // canonical composition: each mark joins the last starter unless a mark of the same or a
    // higher class (or a starter) stands between them
    let mut out: Vec<char> = Vec::with_capacity(chars.len());
    let mut starter: Option<usize> = None;
    let mut last_class: Option<u8> = None;
    for c in chars {
        let cc = class(c);
        if let Some(si) = starter {
            let reachable = match last_class {
                None => true,
                Some(lc) => lc != 0 && lc < cc,
            };
            if reachable {
                if let Some(p) = compose_pair(out[si], c) {
                    out[si] = p;
                    continue;
                }
            }
        }
        if cc == 0 {
            starter = Some(out.len());
            last_class = None;
        } else {
            last_class = Some(cc);
        }
        out.push(c);
    }
    out.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_four_forms() {
        assert_eq!(normalize("é", Form::Nfd), "e\u{301}");
        assert_eq!(normalize("e\u{301}", Form::Nfc), "é");
        assert_eq!(normalize("ﬁ", Form::Nfkd), "fi");
        assert_eq!(normalize("ﬁ", Form::Nfd), "ﬁ");
        assert_eq!(normalize("한", Form::Nfd), "\u{1112}\u{1161}\u{11ab}");
        assert_eq!(normalize("\u{1112}\u{1161}\u{11ab}", Form::Nfc), "한");
        // marks reordered by class: dot below (220) before circumflex (230)
        assert_eq!(normalize("ệ", Form::Nfd), "e\u{323}\u{302}");
        assert_eq!(normalize("e\u{302}\u{323}", Form::Nfc), "ệ");
        // a composition exclusion stays decomposed
        assert_eq!(normalize("\u{0958}", Form::Nfc), "\u{0915}\u{093c}");
    }
}
