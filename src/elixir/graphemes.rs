//! Grapheme clusters: what a reader sees as one character (`"é"` written as `e` and a
//! combining accent, a flag, a family emoji), which `String.length/1`, `graphemes/1`,
//! `reverse/1`, `slice/2,3` and `at/2` count in. An approximation of Unicode's extended
//! grapheme clusters (UAX #29) without its tables, to keep the wasm small: a character
//! takes the combining marks, variation selectors, skin tones and tags after it, a zero
//! width joiner joins the next character, regional indicators pair into flags, Hangul
//! jamo join into syllables, and CR LF is one. Scripts whose clusters need the full tables
//! (some Indic conjuncts) may split where Elixir does not.

/// Marks that extend the character before them (combining marks of the common scripts,
/// variation selectors, emoji modifiers and tags).
fn extends(c: char) -> bool {
    matches!(c as u32,
        0x0300..=0x036F | 0x0483..=0x0489 | 0x0591..=0x05BD | 0x05BF | 0x05C1..=0x05C2
        | 0x05C4..=0x05C5 | 0x05C7 | 0x0610..=0x061A | 0x064B..=0x065F | 0x0670
        | 0x06D6..=0x06DC | 0x06DF..=0x06E4 | 0x06E7..=0x06E8 | 0x06EA..=0x06ED
        | 0x0900..=0x0903 | 0x093A..=0x094F | 0x0951..=0x0957 | 0x0962..=0x0963
        | 0x0981..=0x0983 | 0x09BC..=0x09CD | 0x0E31 | 0x0E34..=0x0E3A | 0x0E47..=0x0E4E
        | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x200C | 0x20D0..=0x20FF | 0x302A..=0x302F
        | 0x3099..=0x309A | 0xFE00..=0xFE0F | 0xFE20..=0xFE2F | 0x1F3FB..=0x1F3FF
        | 0xE0020..=0xE007F | 0xE0100..=0xE01EF)
}

fn regional(c: char) -> bool {
    matches!(c as u32, 0x1F1E6..=0x1F1FF)
}

/// Hangul's parts: leading consonant, vowel, trailing consonant, and the precomposed
/// syllables with (LVT) and without (LV) a trailing one.
#[derive(PartialEq, Clone, Copy)]
enum Jamo {
    L,
    V,
    T,
    Lv,
    Lvt,
}

fn jamo(c: char) -> Option<Jamo> {
    let u = c as u32;
    Some(match u {
        0x1100..=0x115F | 0xA960..=0xA97C => Jamo::L,
        0x1160..=0x11A7 | 0xD7B0..=0xD7C6 => Jamo::V,
        0x11A8..=0x11FF | 0xD7CB..=0xD7FB => Jamo::T,
        0xAC00..=0xD7A3 if (u - 0xAC00) % 28 == 0 => Jamo::Lv,
        0xAC00..=0xD7A3 => Jamo::Lvt,
        _ => return None,
    })
}

/// Whether `next` belongs to the cluster whose last character is `prev` (`ri` counts the
/// regional indicators the cluster already holds).
fn joins(prev: char, next: char, ri: usize) -> bool {
    if prev == '\r' {
        return next == '\n';
    }
    if prev == '\n' || next == '\r' || next == '\n' {
        return false;
    }
    if extends(next) || next == '\u{200D}' {
        return true;
    }
    if prev == '\u{200D}' {
        return true;
    }
    if regional(prev) && regional(next) {
        return ri % 2 == 1;
    }
    matches!(
        (jamo(prev), jamo(next)),
        (
            Some(Jamo::L),
            Some(Jamo::L | Jamo::V | Jamo::Lv | Jamo::Lvt)
        ) | (Some(Jamo::Lv | Jamo::V), Some(Jamo::V | Jamo::T))
            | (Some(Jamo::Lvt | Jamo::T), Some(Jamo::T))
    )
}

/// The grapheme clusters of a string, in order.
pub fn graphemes(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut prev: Option<char> = None;
    let mut ri = 0;
    for (i, c) in s.char_indices() {
        if let Some(p) = prev {
            if !joins(p, c, ri) {
                out.push(&s[start..i]);
                start = i;
                ri = 0;
            }
        }
        if regional(c) {
            ri += 1;
        }
        prev = Some(c);
    }
    if start < s.len() {
        out.push(&s[start..]);
    }
    out
}

/// How many grapheme clusters a string holds (`String.length/1`).
pub fn count(s: &str) -> usize {
    // most strings are ASCII: a byte is a cluster unless it is CR before LF
    if s.is_ascii() && !s.contains("\r\n") {
        return s.len();
    }
    graphemes(s).len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clusters_are_what_a_reader_sees_as_one_character() {
        assert_eq!(graphemes("e\u{301}a"), vec!["e\u{301}", "a"]);
        assert_eq!(graphemes("\r\nx"), vec!["\r\n", "x"]);
        // a family: man ZWJ woman ZWJ girl
        assert_eq!(graphemes("👨\u{200D}👩\u{200D}👧!").len(), 2);
        // two flags
        assert_eq!(graphemes("🇫🇷🇩🇪"), vec!["🇫🇷", "🇩🇪"]);
        assert_eq!(graphemes("👍🏽"), vec!["👍🏽"]);
        // Hangul jamo make one syllable
        assert_eq!(graphemes("\u{1100}\u{1161}\u{11A8}").len(), 1);
        assert_eq!(count("héllo"), 5);
        assert_eq!(count(""), 0);
    }
}
