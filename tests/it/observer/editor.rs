//! The module editor's model without a browser: colours from the tokenizer, Enter's and
//! Tab's indentation, `do`/`end` pairs, and errors placed on the editor's own lines.
#![cfg(not(target_arch = "wasm32"))]

use crate::support;

use redfour::ui::editor::{
    dedent_closer, highlight, indent_lines, matching, newline, syntax_check, utf16_to_char,
};
use redfour::ui::sim::{Action, Settings};

fn class_of(src: &str, word: &str) -> &'static str {
    let at = src.find(word).unwrap();
    let at = src[..at].chars().count();
    highlight(src)
        .into_iter()
        .find(|s| s.start <= at && at < s.end)
        .map_or("", |s| s.class)
}

#[test]
fn colours_come_from_the_tokenizer_even_while_the_text_is_unfinished() {
    let src = "defmodule A do\n  # a note\n  def f(x), do: {:ok, x + 1, \"two\"}\nend";
    assert_eq!(class_of(src, "defmodule"), "kw");
    assert_eq!(class_of(src, "A do"), "mod");
    assert_eq!(class_of(src, "# a note"), "comment");
    assert_eq!(class_of(src, ":ok"), "atom");
    assert_eq!(class_of(src, "do:"), "atom");
    assert_eq!(class_of(src, "1,"), "num");
    assert_eq!(class_of(src, "\"two\""), "str");
    assert_eq!(class_of(src, "x +"), "");
    // an unclosed string: what comes before keeps its colours, the rest is string
    let open = "def f do\n  IO.puts \"still typing";
    assert_eq!(class_of(open, "def"), "kw");
    assert_eq!(class_of(open, "IO"), "mod");
    assert_eq!(class_of(open, "still"), "str");
    // non-ASCII text keeps spans on chars
    let wide = "x = \"héllo 👩‍🚒\" # ok";
    assert_eq!(class_of(wide, "# ok"), "comment");
}

#[test]
fn enter_indents_after_do_fn_and_arrows_and_end_finds_its_do() {
    let (s, c) = newline("defmodule A do", 14);
    assert_eq!((s.as_str(), c), ("defmodule A do\n  ", 17));
    let (s, _) = newline("  def f(x) do", 13);
    assert_eq!(s, "  def f(x) do\n    ");
    let (s, _) = newline("  fn x ->", 9);
    assert_eq!(s, "  fn x ->\n    ");
    let (s, _) = newline("  x = 1", 7);
    assert_eq!(s, "  x = 1\n  ");
    let (s, _) = newline("  def f, do: 1", 14);
    assert_eq!(s, "  def f, do: 1\n  ");
    // typing `end` moves it under its `do`
    let src = "defmodule A do\n  def f do\n    1\n    end";
    let (s, c) = dedent_closer(src, src.chars().count()).expect("moved");
    assert_eq!(s, "defmodule A do\n  def f do\n    1\n  end");
    assert_eq!(c, s.chars().count());
    assert_eq!(dedent_closer(&s, c), None);
}

#[test]
fn tab_and_shift_tab_move_the_selected_lines_a_level() {
    let src = "a\nb\nc";
    let (s, start, end) = indent_lines(src, 0, 3, false);
    assert_eq!(s, "  a\n  b\nc");
    assert_eq!((start, end), (2, 7));
    let (s, _, _) = indent_lines(&s, 0, 7, true);
    assert_eq!(s, "a\nb\nc");
    let (s, c, _) = indent_lines("ab", 1, 1, false);
    assert_eq!((s.as_str(), c), ("a b", 2));
}

#[test]
fn the_caret_on_an_end_marks_its_do() {
    let src = "def f(x) do\n  [x]\nend";
    let end = src.chars().count();
    let ((a, _), (b, _)) = matching(src, end).expect("a pair");
    assert_eq!(a, 9); // the `do`
    assert_eq!(b, end - 3);
    let ((a, _), _) = matching(src, 5).expect("the paren");
    assert_eq!(a, 5);
    assert_eq!(utf16_to_char("👩x", 2), 1);
}

#[test]
fn a_syntax_error_is_on_its_line_and_a_run_error_on_the_editors_line() {
    let d = syntax_check("defmodule A do\n  def f(x) do\n    [x, 1\n  end\nend").expect("an error");
    assert_eq!(d.line, Some(4));
    assert!(d.message.contains("SyntaxError"), "{}", d.message);
    assert_eq!(syntax_check("defmodule A do\nend"), None);

    // run from the editor after some console lines: the error's line is the editor's
    let mut s = support::sim(Settings {
        arrivals_per_minute: 0.0,
        ..Settings::default()
    });
    s.apply(Action::ConsoleSubmit("1 + 1".into()));
    s.apply(Action::ConsoleSubmit("x = 2".into()));
    s.apply(Action::EditorRun(
        "defmodule Broken do\n  def f do\n    g()\n  end\nend".into(),
    ));
    for _ in 0..10 {
        s.apply(Action::Frame(16.0));
    }
    let outcome = s.editor.outcome(&s.console).expect("answered");
    let d = outcome.expect_err("undefined function g/0");
    assert_eq!(d.line, Some(3), "{}", d.message);
    assert!(d.message.contains("CompileError"), "{}", d.message);
    // fixed and run again: no error, and the module answers
    s.apply(Action::EditorRun(
        "defmodule Broken do\n  def f do\n    :fixed\n  end\nend".into(),
    ));
    s.apply(Action::ConsoleSubmit("Broken.f()".into()));
    for _ in 0..10 {
        s.apply(Action::Frame(16.0));
    }
    assert_eq!(s.editor.outcome(&s.console), Some(Ok(())));
    assert_eq!(
        s.console.entries.last().and_then(|e| e.output.clone()),
        Some(":fixed".into())
    );
    // the source travels with the run
    let link = s.shared().to_link();
    let back = redfour::ui::recording::SharedRun::from_link(&link).unwrap();
    let replayed = redfour::ui::sim::Sim::replay(
        &back.recording,
        redfour::ui::actions::Stop::Tick(back.ticks),
    );
    assert_eq!(
        replayed.editor.source.as_deref(),
        Some("defmodule Broken do\n  def f do\n    :fixed\n  end\nend")
    );
}

#[test]
fn running_the_editor_again_redefines_the_module_and_a_running_server_takes_the_new_code() {
    let mut s = support::sim(Settings {
        arrivals_per_minute: 0.0,
        ..Settings::default()
    });
    let settle = |s: &mut redfour::ui::sim::Sim| {
        for _ in 0..10 {
            s.apply(Action::Frame(16.0));
        }
    };
    let server = |reply: &str| {
        format!(
            "defmodule Greeter do\n  use GenServer\n  def start_link(_), do: GenServer.start_link(__MODULE__, 0, name: :greeter)\n  def init(n), do: {{:ok, n}}\n  def handle_call(:hi, _from, n), do: {{:reply, {reply}, n + 1}}\nend"
        )
    };
    s.apply(Action::EditorRun(server(":hello")));
    s.apply(Action::ConsoleSubmit("Greeter.start_link(nil)".into()));
    s.apply(Action::ConsoleSubmit(
        "GenServer.call(:greeter, :hi)".into(),
    ));
    settle(&mut s);
    let last = |s: &redfour::ui::sim::Sim| {
        s.console
            .entries
            .last()
            .and_then(|e| e.output.clone())
            .unwrap_or_default()
    };
    assert_eq!(last(&s), ":hello");
    let pid = s.rt.whereis("greeter").expect("running");
    // edited and run again: Elixir's warning, and the same process answers with the new code
    s.apply(Action::EditorRun(server("{:hello, n}")));
    settle(&mut s);
    let redefined = s
        .console
        .entries
        .last()
        .and_then(|e| e.output.clone())
        .unwrap_or_default();
    assert!(
        redefined
            .starts_with("warning: redefining module Greeter (current version defined in memory)"),
        "{redefined}"
    );
    s.apply(Action::ConsoleSubmit(
        "GenServer.call(:greeter, :hi)".into(),
    ));
    settle(&mut s);
    assert_eq!(last(&s), "{:hello, 1}");
    assert_eq!(s.rt.whereis("greeter"), Some(pid), "the same process");
}

#[test]
fn an_error_names_the_editors_line_not_the_consoles() {
    let d = syntax_check("defmodule A do\n  def f(x) do\n    [x, 1\n  end\nend").expect("an error");
    assert!(
        d.message
            .starts_with("** (SyntaxError) syntax error before"),
        "{}",
        d.message
    );
}
