//! The editor panel: a module at a time, coloured by the interpreter's tokenizer, with line
//! numbers, auto-indent, Tab/Shift-Tab, the pair of the bracket or `do`/`end` at the caret
//! marked, and *Run* (Ctrl/Cmd-Enter) that defines it in the running console. A syntax
//! error is marked on its line before anything runs; a CompileError from the run too.
//!
//! A transparent textarea over a coloured copy of its text: the browser edits, the model
//! (`editor.rs`) colours and indents.

use wasm_bindgen::JsCast;
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

use super::app::use_sim;
use super::editor::{
    char_to_utf16, dedent_closer, highlight, indent_lines, matching, newline, syntax_check,
    utf16_to_char, Diagnostic,
};
use super::sim::Action;

/// What the editor holds before anything was run from it.
pub const STARTER: &str = "defmodule Counter do
  use GenServer

  def start_link(n) do
    GenServer.start_link(__MODULE__, n, name: :counter)
  end

  def init(n), do: {:ok, n}

  def handle_call(:next, _from, n) do
    {:reply, n, n + 1}
  end
end";

#[derive(Clone, PartialEq)]
struct Local {
    text: String,
    /// The syntax error found before running (nothing ran).
    checked: Option<Diagnostic>,
    /// The pair at the caret (char ranges).
    pair: Option<((usize, usize), (usize, usize))>,
}

fn field(node: &NodeRef) -> Option<HtmlTextAreaElement> {
    node.cast::<HtmlTextAreaElement>()
}

fn caret(el: &HtmlTextAreaElement, text: &str) -> (usize, usize) {
    let a = el.selection_start().ok().flatten().unwrap_or(0) as usize;
    let b = el.selection_end().ok().flatten().unwrap_or(a as u32) as usize;
    (utf16_to_char(text, a), utf16_to_char(text, b))
}

fn set_caret(el: &HtmlTextAreaElement, text: &str, a: usize, b: usize) {
    let _ = el.set_selection_range(char_to_utf16(text, a) as u32, char_to_utf16(text, b) as u32);
}

/// Text for HTML.
fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            _ => out.push(c),
        }
    }
}

/// The coloured copy, as markup: runs of chars with the same class, the pair at the caret
/// marked (one raw node: a span per run costs the page nothing to build).
fn coloured(text: &str, pair: Option<((usize, usize), (usize, usize))>) -> Html {
    let chars: Vec<char> = text.chars().collect();
    let mut class: Vec<&'static str> = vec![""; chars.len()];
    for s in highlight(text) {
        for c in class.iter_mut().take(s.end.min(chars.len())).skip(s.start) {
            *c = s.class;
        }
    }
    if let Some((a, b)) = pair {
        for (s, e) in [a, b] {
            for c in class.iter_mut().take(e.min(chars.len())).skip(s) {
                *c = "pair";
            }
        }
    }
    let mut out = String::with_capacity(text.len() * 2);
    let mut i = 0;
    while i < chars.len() {
        let c = class[i];
        let j = (i..chars.len())
            .find(|j| class[*j] != c)
            .unwrap_or(chars.len());
        let run: String = chars[i..j].iter().collect();
        if c.is_empty() {
            escape_into(&mut out, &run);
        } else {
            out.push_str(&format!("<span class=\"{c}\">"));
            escape_into(&mut out, &run);
            out.push_str("</span>");
        }
        i = j;
    }
    // a last newline needs something after it to take up its line
    out.push_str("\n ");
    Html::from_html_unchecked(AttrValue::from(out))
}

/// The line numbers, the error's marked.
fn gutter(lines: usize, error: Option<usize>) -> Html {
    let mut out = String::new();
    for n in 1..=lines {
        if Some(n) == error {
            out.push_str(&format!("<b class=\"error\">{n}</b>\n"));
        } else {
            out.push_str(&format!("{n}\n"));
        }
    }
    Html::from_html_unchecked(AttrValue::from(out))
}

/// What happened in the editor (one handler for all: the page's code stays small).
#[derive(Clone, Copy, PartialEq)]
enum Ev {
    KeyDown,
    KeyUp,
    Input,
    /// A click in the text: the caret moved.
    Caret,
    /// The *Run* button.
    Run,
}

/// The text changed by a key (Enter, Tab): into the field, the caret placed, the pair
/// at it marked.
fn edit(local: &UseStateHandle<Local>, el: &HtmlTextAreaElement, text: String, a: usize, b: usize) {
    el.set_value(&text);
    set_caret(el, &text, a, b);
    let pair = matching(&text, a);
    local.set(Local {
        text,
        checked: None,
        pair,
    });
}

/// A listener that hands its event to `handle`.
fn listener<E: AsRef<Event> + 'static>(
    node: &NodeRef,
    local: &UseStateHandle<Local>,
    dispatch: &Callback<Action>,
    ev: Ev,
) -> Callback<E> {
    let (node, local, dispatch) = (node.clone(), local.clone(), dispatch.clone());
    Callback::from(move |e: E| handle(ev, e.as_ref(), &node, &local, &dispatch))
}

#[inline(never)]
fn handle(
    ev: Ev,
    e: &Event,
    node: &NodeRef,
    local: &UseStateHandle<Local>,
    dispatch: &Callback<Action>,
) {
    let Some(el) = field(node) else { return };
    let text = el.value();
    let (a, b) = caret(&el, &text);
    let key = e.dyn_ref::<KeyboardEvent>();
    let run = ev == Ev::Run
        || (ev == Ev::KeyDown
            && key.is_some_and(|k| k.key() == "Enter" && (k.ctrl_key() || k.meta_key())));
    if run {
        if let Some(k) = &key {
            k.prevent_default();
        }
        let checked = syntax_check(&text);
        if checked.is_none() {
            dispatch.emit(Action::EditorRun(text.clone()));
        }
        local.set(Local {
            text,
            checked,
            pair: None,
        });
        return;
    }
    match (ev, key) {
        (Ev::KeyDown, Some(k)) => match k.key().as_str() {
            "Enter" if !k.shift_key() && !k.alt_key() => {
                k.prevent_default();
                let chars: Vec<char> = text.chars().collect();
                let mut cut: String = chars[..a].iter().collect();
                cut.extend(&chars[b.min(chars.len())..]);
                let (t, c) = newline(&cut, a);
                edit(local, &el, t, c, c);
            }
            "Tab" if !k.ctrl_key() && !k.alt_key() && !k.meta_key() => {
                k.prevent_default();
                let (t, s, f) = indent_lines(&text, a, b, k.shift_key());
                edit(local, &el, t, s, f);
            }
            // leave the editor by keyboard: Escape, then Tab moves on
            "Escape" => {
                let _ = el.blur();
            }
            _ => {}
        },
        (Ev::Input, _) => match dedent_closer(&text, a) {
            Some((t, c)) => edit(local, &el, t, c, c),
            None => local.set(Local {
                pair: matching(&text, a),
                text,
                checked: None,
            }),
        },
        // the caret moved (a click, an arrow key): mark the pair at it
        (Ev::Caret, _) | (Ev::KeyUp, _) => {
            let pair = matching(&text, a);
            if pair != local.pair {
                local.set(Local {
                    pair,
                    ..(**local).clone()
                });
            }
        }
        _ => {}
    }
}

#[function_component(EditorView)]
pub fn editor_view() -> Html {
    let node = use_node_ref();
    let ctx = use_sim();
    let ran = ctx
        .as_ref()
        .and_then(|c| c.sim.borrow().editor.source.clone());
    let local = {
        let ran = ran.clone();
        use_state(move || Local {
            text: ran.map_or_else(|| STARTER.to_string(), |s| s.to_string()),
            checked: None,
            pair: None,
        })
    };
    // A run from elsewhere (a lesson step, a replay, a shared link) shows its source here.
    let synced = use_mut_ref(|| ran.clone());
    if *synced.borrow() != ran {
        *synced.borrow_mut() = ran.clone();
        if let Some(src) = &ran {
            if src.as_ref() != local.text {
                local.set(Local {
                    text: src.to_string(),
                    checked: None,
                    pair: None,
                });
            }
        }
    }
    let Some(ctx) = ctx else {
        return html! {};
    };
    let outcome = {
        let s = ctx.sim.borrow();
        s.editor.outcome(&s.console)
    };
    // the error shown: the syntax check's, else the last run's (while its source is shown)
    let shown_error = local.checked.clone().or_else(|| match (&outcome, &ran) {
        (Some(Err(d)), Some(src)) if src.as_ref() == local.text => Some(d.clone()),
        _ => None,
    });
    let ran_ok = matches!(outcome, Some(Ok(()))) && ran.as_deref() == Some(local.text.as_str());

    let (n, l, d) = (&node, &local, &ctx.dispatch);
    let onkeydown = listener::<KeyboardEvent>(n, l, d, Ev::KeyDown);
    let onkeyup = listener::<KeyboardEvent>(n, l, d, Ev::KeyUp);
    let oninput = listener::<InputEvent>(n, l, d, Ev::Input);
    let onclick = listener::<MouseEvent>(n, l, d, Ev::Caret);
    let onclickrun = listener::<MouseEvent>(n, l, d, Ev::Run);
    let lines = local.text.split('\n').count();
    let width = local
        .text
        .split('\n')
        .map(|l| l.chars().count())
        .max()
        .unwrap_or(0);
    let error_line = shown_error.as_ref().and_then(|d| d.line);

    html! {
        <section class="region editor" aria-labelledby="editor-title" data-testid="region-editor">
            <h2 id="editor-title">{ "Editor" }</h2>
            <p class="panel-note">{ "Write a module; Run (Ctrl-Enter) defines it in the running console, as if typed there. Run it again after a change: the new code replaces the old." }</p>
            <div class="editor-frame">
                <pre class="editor-gutter" aria-hidden="true">{ gutter(lines, error_line) }</pre>
                <div class="editor-code">
                    if let Some(line) = error_line {
                        <div class="editor-error-line" aria-hidden="true"
                            style={format!("top: calc({} * var(--editor-line) + var(--editor-pad))", line.saturating_sub(1))}></div>
                    }
                    <pre class="editor-colours" aria-hidden="true">{ coloured(&local.text, local.pair) }</pre>
                    <textarea ref={node} data-testid="editor" class="editor-input" spellcheck="false"
                        autocomplete="off" autocapitalize="off" wrap="off"
                        rows={lines.to_string()} cols={(width + 2).max(20).to_string()}
                        aria-label="Module source: Ctrl-Enter runs it, Tab indents, Shift-Tab outdents, Escape leaves the editor"
                        aria-invalid={shown_error.is_some().then_some("true")}
                        aria-describedby={shown_error.is_some().then_some("editor-error")}
                        value={local.text.clone()} {onkeydown} {oninput} {onkeyup} {onclick} />
                </div>
            </div>
            if let Some(d) = &shown_error {
                <p id="editor-error" class="editor-error" data-testid="editor-error" role="alert"
                    data-line={d.line.map(|l| l.to_string())}>
                    { match (d.line, d.col) {
                        (Some(l), Some(c)) => format!("Line {l}, column {c}: "),
                        (Some(l), None) => format!("Line {l}: "),
                        _ => String::new(),
                    } }
                    <code>{ d.message.clone() }</code>
                </p>
            }
            <div class="editor-actions">
                <button class="primary" data-testid="editor-run" onclick={onclickrun}
                    title="Defines the module in the running console (Ctrl-Enter or Cmd-Enter)">{ "Run (Ctrl-Enter)" }</button>
                if ran_ok && shown_error.is_none() {
                    <span class="editor-ok" role="status">{ "Defined in the console." }</span>
                }
            </div>
        </section>
    }
}
