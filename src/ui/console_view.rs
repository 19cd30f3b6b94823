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
    let copied = use_state(|| false);
    let list = use_node_ref();
    let ctx_opt = use_sim();
    let frame = ctx_opt.as_ref().map_or(0, |c| c.frame);
    {
        // Keep the newest entry in view; bring the observer forward after :observer.start.
        let list = list.clone();
        let ctx = ctx_opt.clone();
        use_effect_with(frame, move |_| {
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

    let onkeydown = {
        let input = input.clone();
        let history_at = history_at.clone();
        let dispatch = ctx.dispatch.clone();
        Callback::from(move |e: KeyboardEvent| {
            let Some(field) = input.cast::<HtmlInputElement>() else {
                return;
            };
            match e.key().as_str() {
                "Enter" => {
                    let text = field.value();
                    if !text.trim().is_empty() {
                        dispatch.emit(Action::ConsoleSubmit(text));
                    }
                    field.set_value("");
                    history_at.set(None);
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
            <ol class="console-log" ref={list} onclick={focus} aria-live="polite">
                { for console.entries.iter().map(|e| if e.notice { html! {
                    <li data-testid="console-notice" class={classes!("notice", e.output.as_deref().is_some_and(|o| o.starts_with("** ")).then_some("error"))}>
                        <pre class="output">{ e.output.clone().unwrap_or_default() }</pre>
                    </li>
                } } else { html! {
                    <li data-testid="console-entry">
                        <div class="echo" data-testid="console-echo"><span class="prompt">{ format!("iex({})>", e.number) }</span>{ format!(" {}", e.input) }</div>
                        <pre data-testid="console-output" class={classes!("output", e.output.as_deref().is_some_and(|o| o.starts_with("** ")).then_some("error"))}>
                            { e.output.clone().unwrap_or_else(|| "…".into()) }
                        </pre>
                    </li>
                } }) }
            </ol>
            <label class="console-line">
                <span class="prompt">{ console.prompt() }</span>
                <input ref={input} id="console-input" data-testid="console-input" type="text" spellcheck="false" autocomplete="off"
                    aria-label="Elixir input; Enter runs it, up and down walk the history" {onkeydown} {onpaste}
                    placeholder="Redfour.Shopping.start_session key: :my_key" />
            </label>
        </section>
    }
}
