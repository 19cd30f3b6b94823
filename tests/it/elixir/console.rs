//! The console against the live store: the seed's iex session with the answers real Elixir
//! gives, the language subset, the errors, and arbitrary input that must never panic.
#![cfg(not(target_arch = "wasm32"))]

use crate::support;

use proptest::prelude::*;
use redfour::console::{Console, SEED_TRANSCRIPT};
use redfour::runtime::Runtime;

fn console() -> (Runtime, Console) {
    support::console(9)
}

fn by_identity(text: &str) -> String {
    support::by_identity(text, "#PID<", "#PID<P")
}

#[test]
fn the_seed_transcript_gives_what_real_elixir_gives() {
    // shared/reference/otp-semantics.md: the seed's session run on Elixir 1.14 / OTP 25.
    let expected = [
        // Task Three (captured from iex 1.14 with the post's module): a linked Session
        "{:ok, #PID<0.109.0>}",
        "true",
        "{:ok, #PID<0.110.0>}",
        "{:ok, #PID<0.111.0>}",
        "{:error, {:already_started, #PID<0.110.0>}}",
        "#PID<0.110.0>",
        "true",
        "#PID<0.112.0>",
        "false",
        "%{active: 2, specs: 2, supervisors: 0, workers: 2}",
        "** (RuntimeError) Please use an atom key",
        // iex lays a value out in 80 columns (checked against real iex 1.14 with the same struct)
        "%Redfour.Shopping.Session{\n  domain: nil,\n  id: nil,\n  key: :another_key,\n  landing: \"/\",\n  ip: \"127.0.0.1\",\n  member_id: nil,\n  items: [],\n  logs: [],\n  discounts: []\n}",
    ];
    let (_rt, mut c) = console();
    let actual: Vec<String> = SEED_TRANSCRIPT.iter().map(|line| c.eval(line)).collect();
    assert_eq!(
        by_identity(&actual.join("\n")),
        by_identity(&expected.join("\n"))
    );
    // iex numbers only the inputs that succeeded: one of the twelve raised
    assert_eq!(c.prompt(), "iex(12)>");
}

#[test]
fn the_part_two_post_session_too() {
    // The post's own session: a new pid after the kill.
    let (_rt, mut c) = console();
    let out = [
        c.eval("Redfour.Shopping.start_session key: :my_key"),
        c.eval("Redfour.Shopping.start_session key: :another_key"),
        c.eval("pid = Process.whereis :my_key"),
        c.eval("Process.exit pid, :kill"),
        c.eval("Process.whereis :my_key"),
    ];
    assert_eq!(
        by_identity(&out.join("\n")),
        "{:ok, #PID<P1>}\n{:ok, #PID<P2>}\n#PID<P1>\ntrue\n#PID<P3>"
    );
}

#[test]
fn pasting_several_lines_runs_them_in_order_as_separate_entries() {
    let (_rt, mut c) = console();
    c.submit("a = 1\nb = {a, :two}\n\nb");
    let outputs: Vec<String> = c
        .entries
        .iter()
        .map(|e| e.output.clone().unwrap())
        .collect();
    assert_eq!(outputs, ["1", "{1, :two}", "{1, :two}"]);
    assert_eq!(
        c.entries.iter().map(|e| e.number).collect::<Vec<_>>(),
        [1, 2, 3]
    );
    // A bracket left open continues on the next line, as iex's ...> prompt does.
    c.submit("[1,\n 2,\n 3] |> length");
    assert_eq!(c.entries.last().unwrap().output.as_deref(), Some("3"));
    assert!(c.transcript().contains("...(4)>  2,"));
}

#[test]
fn literals_print_as_iex_inspects_them() {
    let (_rt, mut c) = console();
    for (input, output) in [
        ("%{sku: \"X\", quantity: 1}", "%{quantity: 1, sku: \"X\"}"),
        ("[key: :my_key]", "[key: :my_key]"),
        ("[{:a, 1}, {:b, 2}]", "[a: 1, b: 2]"),
        ("{1, 2.5, \"s\", nil, true}", "{1, 2.5, \"s\", nil, true}"),
        ("%{\"k\" => [1, 2]}", "%{\"k\" => [1, 2]}"),
        ("1_000", "1000"),
        ("1.0e6", "1000000.0"),
        (":\"odd atom\"", ":\"odd atom\""),
        ("Redfour.SessionSupervisor", "Redfour.SessionSupervisor"),
        ("[1, 2, 3] |> length()", "3"),
    ] {
        assert_eq!(c.eval(input), output, "{input}");
    }
}

#[test]
fn matches_bind_and_a_failed_match_keeps_the_variables() {
    let (_rt, mut c) = console();
    assert_eq!(
        c.eval("{:ok, pid} = Redfour.Shopping.start_session key: :k"),
        c.eval("{:ok, pid}")
    );
    assert_eq!(
        c.eval("{:ok, other} = Redfour.Shopping.start_session key: :k"),
        format!("** (MatchError) no match of right hand side value: {{:error, {{:already_started, {}}}}}", c.eval("pid"))
    );
    assert!(c.eval("pid").starts_with("#PID<0."), "pid is still bound");
    // iex reports the error at the input's number (a successful line moved it to 5)
    assert_eq!(
        c.eval("other"),
        "** (CompileError) iex:5: undefined function other/0 (there is no such import)"
    );
}

#[test]
fn errors_read_like_iex() {
    let (_rt, mut c) = console();
    for (input, output) in [
        ("Foo.bar()", "** (UndefinedFunctionError) function Foo.bar/0 is undefined (module Foo is not available)"),
        ("Process.foo(1)", "** (UndefinedFunctionError) function Process.foo/1 is undefined or private"),
        ("foo()", "** (CompileError) iex:1: undefined function foo/0 (there is no such import)"),
        ("[1, 2", "** (TokenMissingError) iex:1:6: missing terminator: ] (for \"[\" starting at line 1)"),
        ("GenServer.call(:nope, :get)", "** (exit) exited in: GenServer.call(:nope, :get, 5000)\n    ** (EXIT) no process: the process is not alive or there's no process currently associated with the given name, possibly because its application isn't started"),
        ("length(:a)", "** (ArgumentError) errors were found at the given arguments:\n\n  * 1st argument: not a list\n"),
        ("Process.whereis(\"x\")", "** (ArgumentError) errors were found at the given arguments:\n\n  * 1st argument: not an atom\n"),
        ("send(:nope, :hi)", "** (ArgumentError) errors were found at the given arguments:\n\n  * 1st argument: invalid destination\n"),
        ("Redfour.Shopping.start_session key: \"my_key\"", "** (RuntimeError) Please use an atom key"),
        ("Redfour.Shopping.start_session :my_key", "** (FunctionClauseError) no function clause matching in Redfour.Shopping.start_session/1"),
    ] {
        assert_eq!(c.eval(input), output, "{input}");
    }
    assert_eq!(c.eval("1 + 1"), "2");
}

#[test]
fn a_call_that_times_out_exits_with_time_out_on_the_virtual_clock() {
    let (rt, mut c) = console();
    c.eval("Redfour.Shopping.start_session key: :k");
    // The session is busy for a minute, so the shell's call times out after 5000 ms.
    c.eval("Process.exit(Process.whereis(:k), :kill)");
    let t0 = rt.now();
    let out = c.eval("GenServer.call(Redfour.Catalog, {:price, \"R4-MUG\"}, 0)");
    assert_eq!(out, "** (exit) exited in: GenServer.call(Redfour.Catalog, {:price, \"R4-MUG\"}, 0)\n    ** (EXIT) time out");
    assert_eq!(rt.now(), t0);
    assert_eq!(c.eval("Process.sleep 1500"), ":ok");
    assert_eq!(rt.now(), t0 + 1500, "sleep moved the virtual clock");
}

#[test]
fn self_send_flush_monitor_and_the_shell_as_a_process() {
    let (_rt, mut c) = console();
    let me = c.eval("self()");
    assert_eq!(c.eval("send self(), {:hello, 1}"), "{:hello, 1}");
    assert_eq!(c.eval("send self(), :again"), ":again");
    assert_eq!(c.eval("flush()"), "{:hello, 1}\n:again\n:ok");
    assert_eq!(c.eval("flush"), ":ok");
    c.eval("Redfour.Shopping.start_session key: :k");
    let r = c.eval("ref = Process.monitor Process.whereis(:k)");
    c.eval("Process.exit(Process.whereis(:k), :kill)");
    let flushed = c.eval("flush");
    assert!(
        flushed.starts_with(&format!("{{:DOWN, {r}, :process, #PID<0.")),
        "{flushed}"
    );
    assert!(flushed.ends_with(", :killed}\n:ok"), "{flushed}");
    assert_eq!(c.eval("self()"), me, "the same shell all along");
}

#[test]
fn killing_the_shell_gives_a_new_one_and_forgets_the_variables() {
    let (_rt, mut c) = console();
    c.eval("x = 1");
    let me = c.eval("self()");
    let out = c.eval("Process.exit(self(), :kill)");
    assert_eq!(
        out,
        format!("** (EXIT from {me}) shell process exited with reason: killed")
    );
    assert_ne!(c.eval("self()"), me);
    // the new shell's second input
    assert_eq!(
        c.eval("x"),
        "** (CompileError) iex:2: undefined function x/0 (there is no such import)"
    );
}

#[test]
fn the_store_functions_of_the_posts() {
    let (_rt, mut c) = console();
    c.eval("Redfour.Shopping.start_session key: :k");
    assert_eq!(
        c.eval("Redfour.Shopping.Session.select_item :k, \"R4-HELMET\", 2"),
        ":ok"
    );
    assert_eq!(
        c.eval("Redfour.Shopping.Session.change_item :k, \"R4-HELMET\", 1"),
        ":ok"
    );
    assert_eq!(
        c.eval("Redfour.Shopping.Session.apply_discount :k, \"LAUNCH10\""),
        ":ok"
    );
    assert_eq!(
        c.eval("Redfour.Shopping.Session.remove_item :k, \"R4-MUG\""),
        "{:error, :not_in_cart}"
    );
    assert_eq!(
        c.eval("Redfour.Shopping.Session.checkout :k"),
        "{:ok, %{sale: 1, total: 11610}}"
    );
    assert_eq!(c.eval("Process.whereis :k"), "nil");
    assert_eq!(
        c.eval("Redfour.Shopping.Session.checkout :k"),
        "** (exit) exited in: GenServer.call(:k, :checkout, 5000)\n    ** (EXIT) no process: the process is not alive or there's no process currently associated with the given name, possibly because its application isn't started"
    );
    assert_eq!(
        c.eval("Supervisor.which_children(Redfour.Shopping.Supervisor) |> length"),
        "4"
    );
    // with Logger's notice, as iex 1.14 prints it
    assert_eq!(
        c.eval("Application.stop :shopping"),
        "\n00:00:00.000 [notice] Application shopping exited: :stopped\n:ok"
    );
    assert_eq!(c.eval("Process.whereis Redfour.SessionSupervisor"), "nil");
    assert_eq!(c.eval("Application.start :shopping"), ":ok");
    assert_eq!(c.eval(":observer.start"), ":ok");
    assert!(c.observer_requested);
    assert!(c.eval("h").contains("Process.whereis :my_key"));
    assert!(c
        .eval("h Process.whereis")
        .contains("The pid registered under a name, or nil."));
    assert_eq!(c.eval("DynamicSupervisor.terminate_child Redfour.SessionSupervisor, :k"), "** (FunctionClauseError) no function clause matching in DynamicSupervisor.terminate_child/2");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Whatever is typed, the console answers: a value or an error, never a panic or a hang.
    #[test]
    fn any_input_ends_in_an_answer(input in "[ -~\n]{0,80}") {
        let (_rt, mut c) = console();
        let out = c.eval(&input);
        // Every line it made an entry for has finished, with an answer.
        prop_assert!(!c.busy(), "still running after {:?}: {}", input, out);
        prop_assert!(!out.contains("(still running)"));
        prop_assert!(c.entries.iter().all(|e| e.output.is_some()));
    }

    #[test]
    fn elixir_shaped_input_ends_in_an_answer(parts in proptest::collection::vec(prop_oneof![
        Just("Process.whereis"), Just(":my_key"), Just("("), Just(")"), Just("["), Just("]"), Just("{"), Just("}"),
        Just("%{"), Just(","), Just("key:"), Just("="), Just("|>"), Just("self()"), Just("pid"), Just("\""),
        Just("Redfour.Shopping.start_session"), Just("1"), Just("GenServer.call"), Just("flush"), Just("\n"),
    ], 0..24)) {
        let (_rt, mut c) = console();
        let input = parts.join(" ");
        let out = c.eval(&input);
        prop_assert!(!c.busy(), "still running after {:?}: {}", input, out);
    }
}

#[test]
fn absurd_numbers_and_endless_sleeps_do_not_break_the_console() {
    let (rt, mut c) = console();
    c.eval("Redfour.Shopping.start_session key: :k");
    let huge = i64::MAX;
    assert_eq!(
        c.eval(&format!(
            "Redfour.Shopping.Session.select_item :k, \"R4-MUG\", {huge}"
        )),
        ":ok"
    );
    assert_eq!(
        c.eval(&format!(
            "Redfour.Shopping.Session.select_item :k, \"R4-MUG\", {huge}"
        )),
        ":ok"
    );
    assert!(
        c.eval(":sys.get_state(:k)")
            .contains(&format!("quantity: {huge}")),
        "saturates instead of overflowing"
    );
    // A sleep far beyond any test's patience: the line keeps running until interrupted.
    c.submit("Process.sleep 99999999999");
    rt.advance(60_000);
    c.poll();
    assert!(c.busy());
    let me = c.shell_pid().unwrap();
    c.interrupt();
    assert!(!c.busy());
    assert_eq!(
        c.entries
            .iter()
            .rev()
            .find(|e| !e.notice)
            .unwrap()
            .output
            .as_deref(),
        Some(format!("** (EXIT from {me}) shell process exited with reason: killed").as_str())
    );
    assert_eq!(c.eval("1"), "1", "a new shell answers");
}

/// The lesson of links (issue 13): the shell linked to a session dies with it. Real iex 1.14
/// (tests/fixtures/elixir/linked_shell_dies.txt) prints the exit instead of the line's
/// `true`, then a new shell's banner, and numbers lines from 1 again.
#[test]
fn a_shell_linked_to_a_killed_session_dies_with_it_and_says_so() {
    let fixture = include_str!("../../fixtures/elixir/linked_shell_dies.txt");
    assert!(fixture.contains(
        "iex(3)> ** (EXIT from #PID<0.106.0>) shell process exited with reason: killed\n\nInteractive Elixir (1.14.0)"
    ));
    assert!(fixture.ends_with("iex(1)> #PID<0.111.0>\n"));

    let (_rt, mut c) = console();
    c.eval("Redfour.Shopping.start_session key: :my_key");
    c.eval("x = 1");
    let me = c.eval("self()");
    assert_eq!(c.eval("Process.link Process.whereis(:my_key)"), "true");
    assert_eq!(
        c.eval("Process.exit Process.whereis(:my_key), :kill"),
        format!("** (EXIT from {me}) shell process exited with reason: killed")
    );
    let last = c.entries.last().unwrap();
    assert!(last.notice);
    assert_eq!(last.output.as_deref(), Some(redfour::console::BANNER));
    assert_eq!(c.prompt(), "iex(1)>", "a new shell numbers from 1");
    assert_ne!(c.eval("self()"), me);
    assert!(c
        .eval("x")
        .starts_with("** (CompileError) iex:2: undefined function x/0"));
    assert!(c.transcript().contains(&format!(
        "shell process exited with reason: killed\n\n{}\niex(1)> self()",
        redfour::console::BANNER
    )));
}

/// Killed while it waits for input (the session it is linked to crashed later): iex
/// prints the exit as it happens.
#[test]
fn a_shell_killed_while_idle_is_reported_as_it_happens() {
    let (rt, mut c) = console();
    c.eval("Redfour.Shopping.start_session key: :my_key");
    let me = c.eval("self()");
    assert_eq!(c.eval("Process.link Process.whereis(:my_key)"), "true");
    let entries = c.entries.len();
    rt.kill(rt.whereis("my_key").unwrap()).unwrap();
    rt.run_until_idle();
    c.poll();
    let notices: Vec<_> = c.entries[entries..]
        .iter()
        .map(|e| (e.notice, e.output.clone().unwrap_or_default()))
        .collect();
    assert_eq!(
        notices,
        vec![
            (
                true,
                format!("** (EXIT from {me}) shell process exited with reason: killed")
            ),
            (true, redfour::console::BANNER.to_string()),
        ]
    );
}

/// With the application down, `start_session` exits the caller as
/// `DynamicSupervisor.start_child` does in Elixir 1.14:
/// `** (exit) exited in: GenServer.call(Redfour.SessionSupervisor, {:start_child, …}, :infinity)`
/// `    ** (EXIT) no process: the process is not alive or there's no process currently
/// associated with the given name, possibly because its application isn't started`.
#[test]
fn start_session_with_the_application_down_exits_as_elixir_does() {
    let (rt, mut c) = console();
    rt.block_on(|ctx| async move { redfour::runtime::application::stop(&ctx, "shopping").await })
        .unwrap();
    rt.run_until_idle();
    let out = c.eval("Redfour.Shopping.start_session key: :late");
    assert!(
        out.starts_with(
            "** (exit) exited in: GenServer.call(Redfour.SessionSupervisor, {:start_child, "
        ),
        "{out}"
    );
    assert!(out.ends_with("\n    ** (EXIT) no process: the process is not alive or there's no process currently associated with the given name, possibly because its application isn't started"), "{out}");
}

/// The post's Task Three: `Session.start_link` starts a real session of the store, linked to
/// the shell and registered under its key, answering as the post's module does in iex 1.14
/// (captured with the post's `defmodule` in real iex).
#[test]
fn session_start_link_is_the_posts_genserver_start_link() {
    let (rt, mut c) = console();
    let started = c.eval("{:ok, pid} = Redfour.Shopping.Session.start_link %{key: :my_session}");
    assert!(started.starts_with("{:ok, #PID<0."), "{started}");
    assert_eq!(c.eval("Process.whereis(:my_session) == pid"), "true");
    let again = c.eval("Redfour.Shopping.Session.start_link %{key: :my_session}");
    let pid = started.trim_start_matches("{:ok, ").trim_end_matches('}');
    assert_eq!(again, format!("{{:error, {{:already_started, {pid}}}}}"));
    assert_eq!(
        c.eval("Redfour.Shopping.Session.start_link %{key: \"x\"}"),
        "** (ArgumentError) expected :name option to be one of the following:\n\n  * nil\n  * atom\n  * {:global, term}\n  * {:via, module, term}\n\nGot: \"x\""
    );
    let no_key = c.eval("Redfour.Shopping.Session.start_link %{}");
    assert!(
        no_key.starts_with("** (FunctionClauseError) no function clause matching in Redfour.Shopping.Session.start_link/1"),
        "{no_key}"
    );
    // linked to the shell, and a session of the store: its cart works
    let shell = c.eval("self()");
    assert_eq!(
        c.eval("Process.info(pid, :links)"),
        format!("{{:links, [{shell}]}}")
    );
    assert_eq!(
        c.eval("Redfour.Shopping.Session.select_item :my_session, \"R4-HELMET\", 2"),
        ":ok"
    );
    assert_eq!(
        c.eval(":sys.get_state(:my_session).items |> Enum.map(& &1.quantity)"),
        "[2]"
    );
    // under no supervisor, and linked: killing it takes the shell down too, as in iex
    assert_eq!(
        c.eval("Process.exit(pid, :kill)"),
        format!("** (EXIT from {shell}) shell process exited with reason: killed")
    );
    rt.run(1000);
    assert_eq!(c.eval("Process.whereis(:my_session)"), "nil");
}

/// The prelude (`src/elixir/prelude/*.ex`) parses and loads whole: a mistake in it would
/// otherwise only leave the modules after it missing.
#[test]
fn the_prelude_loads_whole() {
    assert_eq!(redfour::elixir::prelude::parses(), Ok(()));
    let (_rt, mut c) = console();
    c.submit("Base.encode16(\"ok\")");
    c.settle();
    assert_eq!(redfour::elixir::prelude::load_error(), None);
    assert_eq!(
        c.entries.last().and_then(|e| e.output.clone()).as_deref(),
        Some("\"6F6B\"")
    );
}

#[test]
fn now_is_the_runs_virtual_clock_from_the_posts_day() {
    let (_rt, mut c) = console();
    assert_eq!(c.eval("Date.utc_today()"), "~D[2016-02-11]");
    let start = c.eval("DateTime.utc_now()");
    assert!(start.starts_with("~U[2016-02-11 00:00:"), "{start}");
    c.eval("Process.sleep(90_000)");
    let later = c.eval("now = NaiveDateTime.utc_now(); {now.minute, now.second}");
    assert_eq!(later, "{1, 30}");
    assert_eq!(
        c.eval("System.convert_time_unit(System.system_time(:second), :second, :millisecond) |> rem(1000)"),
        "0"
    );
    // the same run reads the same times
    let (_rt, mut again) = console();
    assert_eq!(again.eval("DateTime.utc_now()"), start);
}

/// A supervisor whose child never returns from its start waits, as Elixir's does, and
/// Ctrl-C still frees the console; the next line gets its answer.
#[test]
fn a_supervisor_start_that_never_completes_waits_and_ctrl_c_frees_the_console() {
    let (rt, mut c) = console();
    c.submit(
        "Supervisor.start_link([%{id: :stuck, start: {Agent, :start_link, [fn -> Process.sleep(:infinity) end]}}], strategy: :one_for_one)",
    );
    rt.advance(60_000);
    c.poll();
    assert!(
        c.busy(),
        "the start answered although its child never started"
    );
    c.interrupt();
    assert!(!c.busy());
    assert_eq!(c.eval("1 + 1"), "2");
}
