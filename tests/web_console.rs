//! The console panel in headless Chromium: type into `console-input`, press Enter, read
//! `console-output`; the up arrow brings the last line back.
#![cfg(target_arch = "wasm32")]

mod common;

use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{HtmlInputElement, KeyboardEvent, KeyboardEventInit};

wasm_bindgen_test_configure!(run_in_browser);

async fn mount() -> web_sys::Element {
    common::mount(common::quiet_store(4, 0)).await
}

async fn press(input: &HtmlInputElement, key: &str) {
    let init = KeyboardEventInit::new();
    init.set_key(key);
    init.set_bubbles(true);
    let event = KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    input.dispatch_event(&event).unwrap();
    yew::scheduler::flush().await;
}

async fn type_line(root: &web_sys::Element, line: &str) -> String {
    let input: HtmlInputElement = root
        .query_selector("[data-testid=console-input]")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    input.set_value(line);
    press(&input, "Enter").await;
    let outputs = root
        .query_selector_all("[data-testid=console-output]")
        .unwrap();
    outputs
        .item(outputs.length() - 1)
        .unwrap()
        .text_content()
        .unwrap()
}

#[wasm_bindgen_test]
async fn typing_the_seeds_lines_gives_iexs_answers() {
    let root = mount().await;
    let started = type_line(&root, "Redfour.Shopping.start_session key: :my_key").await;
    assert!(
        started.starts_with("{:ok, #PID<0.") && started.ends_with(".0>}"),
        "{started}"
    );
    let pid = started
        .trim_start_matches("{:ok, ")
        .trim_end_matches('}')
        .to_string();
    assert_eq!(type_line(&root, "pid = Process.whereis :my_key").await, pid);
    assert_eq!(type_line(&root, "Process.exit pid, :kill").await, "true");
    let again = type_line(&root, "Process.whereis :my_key").await;
    assert!(
        again.starts_with("#PID<0.") && again != pid,
        "a new pid: {again}"
    );
    assert_eq!(
        type_line(&root, "Redfour.Shopping.start_session key: \"my_key\"").await,
        "** (RuntimeError) Please use an atom key"
    );
    // The echo shows the prompt and the input; the session walked onto the floor.
    let echoes = root
        .query_selector_all("[data-testid=console-echo]")
        .unwrap();
    assert_eq!(
        echoes.item(0).unwrap().text_content().unwrap(),
        "iex(1)> Redfour.Shopping.start_session key: :my_key"
    );
    // The floor tells the crash: the figure keeps the pid that died while the caption says
    // so (the successor shows once the story reaches "restarted", 1.2 s of wall time later).
    let figure = root
        .query_selector("[data-testid=session][data-key=my_key]")
        .unwrap()
        .expect("my_key is on the floor");
    let short = |p: &str| format!("<{}>", p.trim_start_matches("#PID<").trim_end_matches('>'));
    assert_eq!(figure.get_attribute("data-pid").unwrap(), short(&pid));
    let caption = root
        .query_selector("[data-testid=crash-caption][data-key=my_key]")
        .unwrap()
        .expect("a crash caption for my_key");
    assert_eq!(
        caption.text_content().unwrap(),
        format!("killed · {}", short(&pid))
    );
}

#[wasm_bindgen_test]
async fn up_brings_back_the_last_line_and_bad_input_is_an_error_not_a_crash() {
    let root = mount().await;
    assert_eq!(
        type_line(&root, "{:ok, x} = {:error, :nope}").await,
        "** (MatchError) no match of right hand side value: {:error, :nope}"
    );
    // An unfinished expression waits for more lines at iex's `...(n)>` prompt (the error did
    // not move the counter); `#iex:break` abandons it.
    type_line(&root, "%{{{[[[").await;
    let prompt = || {
        root.query_selector(".console-line .prompt")
            .unwrap()
            .unwrap()
            .text_content()
            .unwrap()
    };
    assert_eq!(prompt(), "...(1)>");
    assert!(root
        .query_selector("[data-testid=console-pending]")
        .unwrap()
        .is_some());
    type_line(&root, "#iex:break").await;
    assert_eq!(prompt(), "iex(1)>");
    assert!(root
        .query_selector("[data-testid=console-pending]")
        .unwrap()
        .is_none());
    let input: HtmlInputElement = root
        .query_selector("[data-testid=console-input]")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    press(&input, "ArrowUp").await;
    assert_eq!(input.value(), "#iex:break");
    press(&input, "ArrowUp").await;
    assert_eq!(input.value(), "%{{{[[[");
    press(&input, "ArrowUp").await;
    assert_eq!(input.value(), "{:ok, x} = {:error, :nope}");
    assert_eq!(
        type_line(&root, &"[".repeat(5_000))
            .await
            .lines()
            .next()
            .unwrap(),
        "** (SyntaxError) iex:1:101: expression nested more than 100 levels deep"
    );
}

/// In wasm32 a usize is 32 bits: counts and indices typed as 64-bit integers must saturate,
/// not wrap (`elem({1, 2}, 4294967296)` answered `1` in the browser), and a line that once
/// panicked (aborting the whole module) must answer. The expected answers are real iex's.
#[wasm_bindgen_test]
fn integers_past_32_bits_answer_as_natively() {
    let rt = redfour::runtime::Runtime::new(1);
    let mut c = redfour::console::Console::new(rt);
    let cases = [
        (
            "Integer.parse(\"a2\", 38)",
            "** (ArgumentError) invalid base 38",
        ),
        ("Enum.count(1..5_000_000_000)", "5000000000"),
        (
            "Enum.take(1..5_000_000_000, -2)",
            "[4999999999, 5000000000]",
        ),
        ("Enum.at(1..100_000_000_000, 5)", "6"),
        ("function_exported?(Enum, :map, 4294967298)", "false"),
        ("Enum.sum(-9223372036854775807..9223372036854775807)", "0"),
        ("Integer.mod(-9223372036854775807 - 1, -1)", "0"),
    ];
    for (line, want) in cases {
        assert_eq!(c.eval(line), want, "{line}");
    }
    let out = c.eval("elem({1, 2}, 4294967296)");
    assert!(out.contains("* 1st argument: out of range"), "{out}");
    let out = c.eval("List.duplicate(:a, 4294967297)");
    assert!(out.starts_with("** (SystemLimitError)"), "{out}");
    let out = c.eval("String.duplicate(\"ab\", 4294967298)");
    assert!(out.starts_with("** (SystemLimitError)"), "{out}");
}
