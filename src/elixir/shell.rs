//! One input of the shell: parse, evaluate in the machine (yielding to the scheduler when its
//! budget is spent, awaiting the runtime when a call waits), and render what iex prints:
//! the output the code printed, then the value or the error.

use super::machine::{Machine, Step};
use super::stdlib::iex::NO_RESULT;
use super::value::{render, Exc, Fun};
use super::{inspect, parser};
use crate::runtime::{Atom, Term};

/// Steps the machine runs before it lets other processes have a turn.
pub const BUDGET: u64 = 4_000;

/// The answer to one input.
pub struct Answer {
    pub text: String,
    /// An error (iex does not count the line: the prompt number stays).
    pub failed: bool,
}

/// Evaluates `line`, the shell's input number `number`, in the machine, suspending as the
/// BEAM would.
pub async fn eval(m: &mut Machine, line: &str, number: usize) -> Answer {
    m.out.clear();
    let exprs = match parser::parse_at(line, number) {
        Ok(e) => e,
        Err(e) => {
            let mut text = e.to_string();
            if let super::SyntaxError::Invalid {
                line: at,
                col,
                message,
            } = &e
            {
                // as iex 1.14: no snippet under these
                let bare = message.starts_with("unexpected reserved word")
                    || message.starts_with("syntax error before: ?")
                    || message.contains("is a reserved word in Elixir");
                if !bare {
                    text.push_str(&snippet(line, *at, at + 1 - number, *col));
                }
            }
            return Answer { text, failed: true };
        }
    };
    if exprs.is_empty() {
        return Answer {
            text: String::new(),
            failed: false,
        };
    }
    m.start(exprs);
    let result = drive(m).await;
    // Processes the line started get a turn before the answer shows, as on the BEAM, where
    // iex prints `Hello World` before `spawn`'s pid.
    m.ctx.yield_now().await;
    let mut text = std::mem::take(&mut m.out);
    text.push_str(&std::mem::take(&mut *m.group.borrow_mut()));
    let failed = result.is_err();
    match result {
        Ok(v) if v == Term::atom(NO_RESULT) => {
            if text.ends_with('\n') {
                text.pop();
            }
        }
        Ok(v) => {
            // structs with a user's `defimpl Inspect`: their implementations run first
            if m.inspect_impls(&v).is_empty() {
                text.push_str(&inspect::pretty(&v));
            } else {
                let pretty = Fun::capture(Atom::new("redfour_protocol"), Atom::new("pretty"), 1);
                m.start_call(pretty, vec![v.clone()]);
                match drive(m).await {
                    Ok(Term::Str(s)) => text.push_str(&s),
                    Ok(other) => text.push_str(&inspect::pretty(&other)),
                    Err(x) => text.push_str(&render(&at_line(x, number))),
                }
            }
            m.results.push(v);
            if m.results.len() > 100 {
                m.results.remove(0);
            }
        }
        Err(x) => {
            // an exception with its own `message/1`: it says what went wrong
            let own = match &x {
                Exc::Error(e) => m.own_message(e).map(|f| (f, e.clone())),
                _ => None,
            };
            match own {
                Some((f, e)) => {
                    m.start_call(f, vec![e.clone()]);
                    match drive(m).await {
                        Ok(Term::Str(s)) => {
                            text.push_str(&format!("** ({}) {s}", super::value::exception_name(&e)))
                        }
                        _ => text.push_str(&render(&at_line(x, number))),
                    }
                }
                None => text.push_str(&render(&at_line(x, number))),
            }
        }
    }
    Answer { text, failed }
}

/// What one turn (`BUDGET` steps) allocates at most, roughly: a few words a step. Big
/// allocations (a long list, a string) ask for a check themselves.
const HEAP_GROWTH_PER_TURN: usize = 256 * 1024;
/// Values the heap measure looks at in one turn (a few milliseconds at most).
const HEAP_NODES_PER_TURN: usize = 5_000;

/// Runs the machine to its answer: yields when its budget is spent, awaits what the runtime
/// must do (a call, a sleep), and waits in `receive` for a message a clause matches.
pub async fn drive(m: &mut Machine) -> Result<Term, Exc> {
    let ctx = m.ctx.clone();
    // how many turns until the next look at the heap (more often while it is small)
    let mut until_check = 8u32;
    loop {
        match m.run(BUDGET) {
            Step::Done(v) => return Ok(v),
            Step::Failed(x) => return Err(x),
            Step::Yield => {
                ctx.add_reductions(BUDGET as u32);
                until_check -= 1;
                if until_check == 0 || std::mem::take(&mut m.heap_check) {
                    // A piece of the measure per turn: a big heap is measured over several.
                    // It is work like any other: it counts against the frame's slice.
                    ctx.add_reductions(HEAP_NODES_PER_TURN as u32);
                    match m.heap_step(m.max_heap, HEAP_NODES_PER_TURN) {
                        Some(bytes) if bytes > m.max_heap => kill_for_heap(m).await,
                        // The walk costs time in proportion to the heap: the next one starts
                        // when the process could have grown by about half of it again, so
                        // measuring stays a small share of the work.
                        Some(bytes) => {
                            until_check = (bytes / HEAP_GROWTH_PER_TURN / 2).clamp(8, 1024) as u32
                        }
                        None => until_check = 1,
                    }
                }
                ctx.yield_now().await;
            }
            Step::Await(op) => {
                let r = op(ctx.clone()).await;
                m.resume(r);
            }
            Step::Receive(timeout) => {
                let msg = ctx.receive_match(|msg| m.probe(msg), timeout).await;
                m.received(msg);
            }
        }
    }
}

/// OTP's `max_heap_size`: the process is killed, with a report in the console.
async fn kill_for_heap(m: &mut Machine) {
    let ctx = m.ctx.clone();
    // Its data goes a piece per turn, as the store runs on; then the report and the exit.
    while !m.release(HEAP_NODES_PER_TURN) {
        ctx.add_reductions(BUDGET as u32);
        ctx.yield_now().await;
    }
    let ms = ctx.now();
    m.group.borrow_mut().push_str(&format!(
        "\n{} [error] Process {} killed: its heap passed max_heap_size ({} MB)\n",
        super::value::log_stamp(ms),
        ctx.pid(),
        m.max_heap / (1024 * 1024)
    ));
    ctx.exit(Term::Atom(crate::runtime::Atom::KILLED)).await;
}

/// iex reports compile errors at the input's number, as lines of a file named `iex`.
fn at_line(x: Exc, number: usize) -> Exc {
    match x {
        Exc::Error(Term::Struct(m, fields)) if &*m.name() == "Elixir.CompileError" => {
            let fields: Vec<_> = fields
                .iter()
                .map(|(k, v)| {
                    // a line the compiler placed (`compile_error_at`) is kept
                    if &*k.name() == "line" && v.as_int().is_none_or(|l| l <= 1) {
                        (*k, Term::Int(number as i64))
                    } else {
                        (*k, v.clone())
                    }
                })
                .collect();
            Exc::Error(Term::Struct(m, fields.into()))
        }
        other => other,
    }
}

/// The source line under a syntax error with a caret at the column, as iex 1.14 shows it.
/// `line` is the line's number as iex shows it (the prompt's number, plus lines before it
/// in the same input); `line_in_input` counts from 1 in `source`.
fn snippet(source: &str, line: usize, line_in_input: usize, col: usize) -> String {
    let Some(code) = source.lines().nth(line_in_input.saturating_sub(1)) else {
        return String::new();
    };
    let shown = format!("{line:>2}");
    let pad = " ".repeat(shown.len() + 2);
    format!(
        "\n{pad}|\n {shown} | {code}\n{pad}|{}^",
        " ".repeat(col.max(1))
    )
}
