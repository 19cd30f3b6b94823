//! Processes written in the console: spawned, linked and monitored, crashing with iex's
//! reports, preempted when they spin, and the same run twice from the same inputs.
#![cfg(not(target_arch = "wasm32"))]

use crate::support::console;
use redfour::console::BANNER;

#[test]
fn a_crash_in_a_spawned_process_is_reported_as_iex_reports_it() {
    let (_rt, mut c) = console(1);
    let out = c.eval("spawn(fn -> raise \"oops\" end)");
    assert!(out.contains("[error] Process #PID<0."), "{out}");
    assert!(
        out.contains("> raised an exception\n** (RuntimeError) oops"),
        "{out}"
    );
    assert!(out.ends_with(".0>"), "the answer is still the pid: {out}");
    let out = c.eval("spawn(fn -> throw(:ball) end)");
    assert!(
        out.contains("** (ErlangError) Erlang error: {:nocatch, :ball}"),
        "{out}"
    );
    // an exit is not an exception: no report
    let out = c.eval("spawn(fn -> exit(:boom) end)");
    assert!(!out.contains("[error]"), "{out}");
}

#[test]
fn spawn_link_of_a_failing_function_takes_the_shell_down_and_a_new_one_starts() {
    let (_rt, mut c) = console(1);
    c.eval("x = 1");
    let me = c.eval("self()");
    let out = c.eval("spawn_link(fn -> raise \"oops\" end)");
    assert_eq!(
        out,
        format!("** (EXIT from {me}) shell process exited with reason: an exception was raised:\n    ** (RuntimeError) oops")
    );
    assert!(c
        .entries
        .iter()
        .any(|e| e.notice && e.output.as_deref() == Some(BANNER)));
    assert_eq!(c.prompt(), "iex(1)>");
    assert!(
        c.eval("x").contains("undefined function x/0"),
        "the variables are gone"
    );
    // the report of the crash shows too
    assert!(c.entries.iter().any(|e| e
        .output
        .as_deref()
        .is_some_and(|o| o.contains("raised an exception"))));
}

#[test]
fn a_spinning_process_is_preempted_and_the_shell_answers_meanwhile() {
    let (rt, mut c) = console(1);
    c.eval("defmodule Spin do\n  def spin, do: spin()\nend");
    let pid = c.eval("pid = spawn(fn -> Spin.spin() end)");
    assert!(pid.starts_with("#PID<0."));
    assert_eq!(c.eval("1 + 1"), "2");
    for _ in 0..10 {
        rt.advance_bounded(100, 20_000);
        c.poll();
    }
    assert_eq!(c.eval("Process.alive?(pid)"), "true");
    let info = c.eval("Process.info(pid)[:reductions]");
    assert!(info.parse::<u64>().unwrap() > 100_000, "{info}");
    assert_eq!(c.eval("Process.exit(pid, :kill)"), "true");
    assert_eq!(c.eval("Process.alive?(pid)"), "false");
}

#[test]
fn monitors_and_links_deliver_what_the_beam_delivers() {
    let (_rt, mut c) = console(1);
    assert_eq!(c.eval("Process.flag(:trap_exit, true)"), "false");
    c.eval("pid = spawn_link(fn -> exit(:bye) end)");
    assert_eq!(
        c.eval("receive do\n  {:EXIT, ^pid, reason} -> reason\nafter\n  1000 -> :none\nend"),
        ":bye"
    );
    c.eval("{pid, ref} = spawn_monitor(fn -> raise \"x\" end)");
    let down = c.eval("receive do\n  {:DOWN, ^ref, :process, ^pid, reason} -> reason\nend");
    assert!(
        down.starts_with("{%RuntimeError{message: \"x\"}, []}"),
        "{down}"
    );
}

#[test]
fn the_same_lines_give_the_same_run() {
    let lines = [
        "defmodule Ping do\n  def loop(n) do\n    receive do\n      {:ping, from} -> send(from, {:pong, n}); loop(n + 1)\n    end\n  end\nend",
        "pid = spawn(fn -> Ping.loop(0) end)",
        "for _ <- 1..5, do: send(pid, {:ping, self()})",
        "Process.sleep(10)",
        "flush()",
        "spawn(fn -> raise \"boom\" end)",
    ];
    let run = || {
        let (rt, mut c) = console(7);
        let outs: Vec<String> = lines.iter().map(|l| c.eval(l)).collect();
        let trace: Vec<String> = rt
            .trace_since(0)
            .into_iter()
            .map(|e| format!("{:?}", e.event))
            .collect();
        (outs, trace)
    };
    let (a, ta) = run();
    let (b, tb) = run();
    assert_eq!(a, b);
    assert_eq!(ta, tb);
    assert!(a[4].contains("{:pong, 4}"), "{}", a[4]);
}

#[test]
fn a_process_whose_heap_passes_max_heap_size_is_killed_with_a_report() {
    let (rt, mut c) = console(1);
    c.eval("defmodule Hog do\n  def grow(acc), do: grow([List.duplicate(:x, 200_000) | acc])\nend");
    c.eval("pid = spawn(fn -> Hog.grow([]) end)");
    for _ in 0..50 {
        rt.advance_bounded(100, 20_000);
        c.poll();
    }
    assert_eq!(c.eval("Process.alive?(pid)"), "false");
    let report = c
        .entries
        .iter()
        .filter_map(|e| e.output.clone())
        .find(|o| o.contains("max_heap_size"))
        .expect("a report");
    assert!(report.contains("[error] Process #PID<0."), "{report}");
    assert!(
        report.contains("killed: its heap passed max_heap_size (64 MB)"),
        "{report}"
    );
    // the shell itself is protected the same way, and comes back
    let out = c.eval("Hog.grow([])");
    assert!(
        out.contains("shell process exited with reason: killed"),
        "{out}"
    );
    // the new shell answers; the report of the old one's heap shows first
    let next = c.eval("1 + 1");
    assert!(
        next.contains("killed: its heap passed max_heap_size") && next.ends_with("\n2"),
        "{next}"
    );
}
