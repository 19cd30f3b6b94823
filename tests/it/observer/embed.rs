//! What an embedding page's address asks for: the pieces, the code to run, and what is
//! refused with a notice.
#![cfg(not(target_arch = "wasm32"))]

use redfour::ui::embed::{decode, PageRequest, Piece};

#[test]
fn the_address_names_the_pieces_and_the_code_to_run() {
    let (p, notices) = PageRequest::from_query("?seed=4&embed=floor,console&code=Enum.sum(1..3)");
    assert!(notices.is_empty(), "{notices:?}");
    assert_eq!(p.embed, Some(vec![Piece::Console, Piece::Floor]));
    assert_eq!(p.code.as_deref(), Some("Enum.sum(1..3)"));
    assert!(p.shows_region("floor") && p.shows_region("console"));
    assert!(!p.shows_region("tree") && !p.shows_region("charts") && !p.shows_region("editor"));
    assert_eq!(p.kept, "embed=floor,console&code=Enum.sum(1..3)");
    // the lesson brings the panels its steps point at
    let (lesson, _) = PageRequest::from_query("embed=lesson");
    for region in ["floor", "console", "editor", "tree", "processes", "trace"] {
        assert!(lesson.shows_region(region), "{region}");
    }
    assert!(!lesson.shows_region("charts"));
    // not embedded: everything
    let (full, _) = PageRequest::from_query("seed=4");
    assert!(!full.embedded() && full.shows_region("charts"));
}

#[test]
fn unknown_pieces_and_damaged_or_huge_code_are_refused_with_a_notice() {
    let (p, notices) = PageRequest::from_query("embed=console,<script>&code=%E2%28");
    assert_eq!(p.embed, Some(vec![Piece::Console]));
    assert_eq!(p.code, None);
    assert_eq!(notices.len(), 2, "{notices:?}");
    assert!(notices[0].contains("console, floor, editor and lesson"));
    let long = "a".repeat(9000);
    let (p, notices) = PageRequest::from_query(&format!("embed=console&code={long}"));
    assert_eq!(p.code, None);
    assert!(notices[0].contains("longer than 8 KB"));
    // an empty embed= shows the console and the floor
    let (p, _) = PageRequest::from_query("embed=");
    assert_eq!(p.embed, Some(vec![Piece::Console, Piece::Floor]));
}

#[test]
fn code_round_trips_through_the_address() {
    // as a page's script writes it (`encodeURIComponent`)
    let encoded =
        "defmodule%20A%20do%0A%20%20def%20f%2C%20do%3A%20%22h%C3%A9llo%20%26%20%3Cbye%3E%22%0Aend";
    let code = "defmodule A do\n  def f, do: \"héllo & <bye>\"\nend";
    assert_eq!(decode(encoded).as_deref(), Some(code));
    assert_eq!(decode("a+b%20c").as_deref(), Some("a b c"));
    assert_eq!(decode("%zz"), None);
}
