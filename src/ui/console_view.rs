//! The console panel: an iex prompt against the live store.

use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::app::use_sim;
use super::sim::Action;

#[function_component(ConsoleView)]
pub fn console_view() -> Html {
    let input = use_node_ref();
    let history_at = use_state(|| None::<usize>);
    // Tab's candidates when more than one name fits
    let hints = use_state(Vec::<String>::new);
    let copied = use_state(|| false);
    let list = use_node_ref();
    let ctx_opt = use_sim();
    // What the console shows, in short: its entries, the last one's answer, the pending
    // input. The list scrolls to its end only when that changes (reading its height forces
    // a layout of the page, which a refresh had better not pay for nothing).
    let shown = ctx_opt.as_ref().map_or((0, 0, 0), |c| {
        let sim = c.sim.borrow();
        let console = &sim.console;
        (
            console.entries.len(),
            console
                .entries
                .last()
                .map_or(0, |e| e.output.as_ref().map_or(0, |o| o.len() + 1)),
            console.pending().len(),
        )
    });
    let observer_requested = ctx_opt
        .as_ref()
        .is_some_and(|c| c.sim.borrow().console.observer_requested);
    {
        // Keep the newest entry in view; bring the observer forward after :observer.start.
        let list = list.clone();
        let ctx = ctx_opt.clone();
        use_effect_with((shown, observer_requested), move |_| {
            if let Some(el) = list.cast::<web_sys::Element>() {
                el.set_scroll_top(el.scroll_height());
            }
            if let Some(ctx) = ctx {
                if ctx.sim.borrow().console.observer_requested {
                    if let Some(tree) = web_sys::window()
                        .and_then(|w| w.document())
                        .and_then(|d| d.get_element_by_id("tree-title"))
                    {
                        tree.scroll_into_view();
                    }
                    ctx.dispatch.emit(Action::ObserverShown);
                }
            }
        });
    }
    let Some(ctx) = ctx_opt else { return html! {} };
    let sim = ctx.sim.borrow();
    let console = &sim.console;
    let history = console.history.clone();

    let pending = console.pending().to_string();
    let onkeydown = {
        let input = input.clone();
        let history_at = history_at.clone();
        let dispatch = ctx.dispatch.clone();
        let hints = hints.clone();
        let sim = ctx.sim.clone();
        let pending = pending.clone();
        let busy = console.busy();
        Callback::from(move |e: KeyboardEvent| {
            let Some(field) = input.cast::<HtmlInputElement>() else {
                return;
            };
            if e.key() != "Tab" && !hints.is_empty() {
                hints.set(Vec::new());
            }
            match e.key().as_str() {
                "Enter" => {
                    let text = field.value();
                    // inside an unfinished expression an empty line is part of it
                    if !text.trim().is_empty() || !pending.is_empty() {
                        dispatch.emit(Action::ConsoleSubmit(text));
                    }
                    field.set_value("");
                    history_at.set(None);
                }
                // Ctrl-C with nothing selected: iex's break
                "c" if e.ctrl_key()
                    && busy
                    && field.selection_start().ok().flatten()
                        == field.selection_end().ok().flatten() =>
                {
                    e.prevent_default();
                    dispatch.emit(Action::ConsoleInterrupt);
                }
                "Tab" => {
                    let text = field.value();
                    let cursor = field
                        .selection_start()
                        .ok()
                        .flatten()
                        .map_or(text.len(), |c| c as usize);
                    let (before, after) = text.split_at(
                        text.char_indices()
                            .map(|(i, _)| i)
                            .chain([text.len()])
                            .find(|i| *i >= cursor)
                            .unwrap_or(text.len()),
                    );
                    let start = before
                        .char_indices()
                        .rev()
                        .take_while(|(_, c)| {
                            c.is_alphanumeric() || matches!(c, '_' | '.' | ':' | '?' | '!')
                        })
                        .last()
                        .map_or(before.len(), |(i, _)| i);
                    let word = &before[start..];
                    if word.is_empty() {
                        return;
                    }
                    e.prevent_default();
                    let found = sim.borrow().console.complete(word);
                    let common = common_prefix(&found);
                    if common.len() > word.len() {
                        let new = format!("{}{common}{after}", &before[..start]);
                        field.set_value(&new);
                        let at = (start + common.len()) as u32;
                        let _ = field.set_selection_range(at, at);
                    }
                    hints.set(if found.len() > 1 { found } else { Vec::new() });
                }
                "ArrowUp" if !history.is_empty() => {
                    e.prevent_default();
                    let at = history_at.map_or(history.len() - 1, |i| i.saturating_sub(1));
                    field.set_value(&history[at]);
                    history_at.set(Some(at));
                }
                "ArrowDown" => {
                    e.prevent_default();
                    match *history_at {
                        Some(i) if i + 1 < history.len() => {
                            field.set_value(&history[i + 1]);
                            history_at.set(Some(i + 1));
                        }
                        _ => {
                            field.set_value("");
                            history_at.set(None);
                        }
                    }
                }
                _ => {}
            }
        })
    };
    // A paste of several lines runs them in order, as in iex.
    let onpaste = {
        let dispatch = ctx.dispatch.clone();
        let input = input.clone();
        Callback::from(move |e: Event| {
            let text = e
                .dyn_ref::<web_sys::ClipboardEvent>()
                .and_then(|c| c.clipboard_data())
                .and_then(|d| d.get_data("text").ok());
            if let Some(text) = text.filter(|t| t.contains('\n')) {
                e.prevent_default();
                dispatch.emit(Action::ConsoleSubmit(text));
                if let Some(field) = input.cast::<HtmlInputElement>() {
                    field.set_value("");
                }
            }
        })
    };
    let play = ctx.dispatch.reform(|_| Action::PlaySeed);
    let interrupt = ctx.dispatch.reform(|_| Action::ConsoleInterrupt);
    let copy = {
        let text = console.transcript();
        let copied = copied.clone();
        Callback::from(move |_| {
            if let Some(w) = web_sys::window() {
                let _ = w.navigator().clipboard().write_text(&text);
                copied.set(true);
            }
        })
    };
    let focus = {
        let input = input.clone();
        Callback::from(move |_| {
            if let Some(field) = input.cast::<HtmlInputElement>() {
                let _ = field.focus();
            }
        })
    };

    html! {
        <section class="region console" aria-labelledby="console-title" data-testid="region-console">
            <h2 id="console-title">{ "Console" }
            </h2>
            <p class="panel-note">{ "iex against this running store: type Elixir (h for help), or play the blog post's session line by line." }</p>
            <div class="console-actions">
                <button onclick={play} title="Types the seed's iex session one line at a time">{ "Play the seed's transcript" }</button>
                <button onclick={copy}>{ if *copied { "Copied" } else { "Copy transcript" } }</button>
                if console.busy() {
                    <button class="danger" onclick={interrupt} data-testid="console-interrupt"
                        title="Like Ctrl-C in iex: kills the shell process; the next line gets a new one">{ "Interrupt" }</button>
                }
            </div>
            <ol class="console-log" ref={list} onclick={focus} aria-live="polite" tabindex="0" aria-label="Console: inputs and answers">
                { for console.entries.iter().skip(console.cleared_before).map(|e| if e.notice { html! {
                    <li data-testid="console-notice" class={classes!("notice", e.output.as_deref().is_some_and(|o| o.starts_with("** ")).then_some("error"))}>
                        <pre class="output">{ e.output.clone().unwrap_or_default() }</pre>
                    </li>
                } } else { html! {
                    <li data-testid="console-entry">
                        { echo(e.number, &e.input) }
                        <pre data-testid="console-output" class={classes!("output", e.output.as_deref().is_some_and(|o| o.starts_with("** ")).then_some("error"))}>
                            { e.output.clone().unwrap_or_else(|| "running… (Interrupt or Ctrl-C stops it)".into()) }
                        </pre>
                    </li>
                } }) }
                if !pending.is_empty() {
                    <li data-testid="console-pending">{ echo(console.next_number(), &pending) }</li>
                }
            </ol>
            if !hints.is_empty() {
                <p class="console-hints" data-testid="console-hints">{ hints.iter().take(40).cloned().collect::<Vec<_>>().join("  ") }</p>
            }
            <label class="console-line">
                <span class="prompt">{ console.prompt() }</span>
                <input ref={input} id="console-input" data-testid="console-input" type="text" spellcheck="false" autocomplete="off"
                    aria-label="Elixir input; Enter runs it, Tab completes a name, up and down walk the history, Ctrl-C interrupts" {onkeydown} {onpaste}
                    placeholder="Redfour.Shopping.start_session key: :my_key" />
            </label>
        </section>
    }
}

/// An input as iex echoes it: `iex(n)>` on its first line, `...(n)>` on the others.
fn echo(number: usize, input: &str) -> Html {
    html! {
        <div class="echo" data-testid="console-echo">
            { for input.split('\n').enumerate().map(|(i, line)| html! {
                <div class="echo-line">
                    <span class="prompt">{ if i == 0 { format!("iex({number})>") } else { format!("...({number})>") } }</span>
                    { format!(" {line}") }
                </div>
            }) }
        </div>
    }
}

/// The longest start all candidates share.
fn common_prefix(words: &[String]) -> String {
    let Some(first) = words.first() else {
        return String::new();
    };
    let mut end = first.len();
    for w in &words[1..] {
        end = first
            .char_indices()
            .zip(w.chars())
            .take_while(|((_, a), b)| a == b)
            .last()
            .map_or(0, |((i, c), _)| i + c.len_utf8())
            .min(end);
    }
    first[..end].to_string()
}
