//! The guided lesson's panel: the steps as a numbered list, the shown step's text, its code
//! with *Run*, what its check waits for, and the way to the next step. The panel a step
//! concerns is highlighted and brought into view.

use yew::prelude::*;

use super::actions::LessonAction;
use super::app::SimCtx;
use super::lesson::{self, Code, STEPS};
use super::sim::Action;

/// The button that opens the lesson (in the page's header): a plain function of the app's
/// render, which runs at every change anyway.
pub fn lesson_opener(ctx: &SimCtx) -> Html {
    let (open, done) = {
        let s = ctx.sim.borrow();
        (s.lesson.open, s.lesson.done_count())
    };
    if open {
        return html! {};
    }
    let onclick = ctx.dispatch.reform(|_| Action::Lesson(LessonAction::Open));
    let label = if done == 0 {
        "Start the guided lesson".to_string()
    } else {
        format!("Continue the lesson ({done} of {} done)", STEPS.len())
    };
    html! {
        <button class="lesson-open primary" data-testid="lesson-open" {onclick}>{ label }</button>
    }
}

/// Text with `code` in backquotes.
fn rich(text: &str) -> Html {
    html! {
        { for text.split('`').enumerate().map(|(i, part)| if i % 2 == 1 {
            html! { <code>{ part }</code> }
        } else {
            html! { { part } }
        }) }
    }
}

/// Highlights the panel the shown step concerns and brings it into view (the app runs it
/// when the step changes).
pub fn focus_panel(open: bool, step: usize) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if let Ok(list) = doc.query_selector_all(".region.lesson-focus") {
        for i in 0..list.length() {
            if let Some(el) = list
                .item(i)
                .and_then(|n| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(n).ok())
            {
                let _ = el.class_list().remove_1("lesson-focus");
            }
        }
    }
    if open {
        let panel = STEPS.get(step).map_or("", |s| s.panel);
        if let Ok(Some(el)) = doc.query_selector(&format!("[data-testid=\"region-{panel}\"]")) {
            let _ = el.class_list().add_1("lesson-focus");
            el.scroll_into_view();
        }
    }
}

/// The lesson's panel: a plain function of the app's render (which runs at every change).
pub fn lesson_view(ctx: &SimCtx) -> Html {
    let (open, step) = {
        let s = ctx.sim.borrow();
        (s.lesson.open, s.lesson.step)
    };
    if !open {
        return html! {};
    }
    let sim = ctx.sim.borrow();
    let progress = sim.lesson.clone();
    let Some(current) = STEPS.get(step) else {
        return html! {};
    };
    let done_here = progress.is_done(step);
    let code = lesson::console_code(step, &sim);
    let module = match current.code {
        Code::Editor(m, _) => Some(m),
        Code::Console(_) => None,
    };
    let d = ctx.dispatch.clone();
    let go = move |i: usize| d.reform(move |_| Action::Lesson(LessonAction::Go(i)));
    let run = ctx.dispatch.reform(|_| Action::Lesson(LessonAction::Run));
    let close = ctx.dispatch.reform(|_| Action::Lesson(LessonAction::Close));
    let last = step + 1 == STEPS.len();

    html! {
        <aside class="lesson" data-testid="lesson" data-step={(step + 1).to_string()}
            data-done={progress.done_count().to_string()} aria-labelledby="lesson-title">
            <div class="lesson-head">
                <h2 id="lesson-title">{ "Guided lesson · Part 2: processes and supervisors" }</h2>
                <button class="lesson-close" onclick={close} aria-label="Close the lesson" title="Close the lesson (your progress is kept)">{ "×" }</button>
            </div>
            <nav aria-label="Lesson steps">
                <ol class="lesson-steps">
                    { for STEPS.iter().enumerate().map(|(i, s)| {
                        let done = progress.is_done(i);
                        let label = format!("Step {}: {}{}", i + 1, s.title, if done { " (done)" } else { "" });
                        html! {
                            <li>
                                <button class={classes!("lesson-dot", done.then_some("done"), (i == step).then_some("current"))}
                                    aria-current={(i == step).then_some("step")} aria-label={label.clone()} title={label}
                                    onclick={go(i)}>
                                    { if done { "✓".to_string() } else { (i + 1).to_string() } }
                                </button>
                            </li>
                        }
                    }) }
                </ol>
            </nav>
            <p class="lesson-count">{ format!("{} of {} steps done", progress.done_count(), STEPS.len()) }</p>
            <h3 class="lesson-title">{ format!("{}. {}", step + 1, current.title) }</h3>
            { for current.text.iter().map(|p| html! { <p>{ rich(p) }</p> }) }
            if let Some(m) = module {
                <details class="lesson-module">
                    <summary>{ format!("The module ({} lines): Run puts it in the editor and defines it, then types:", m.lines().count()) }</summary>
                    <pre class="lesson-code">{ m }</pre>
                </details>
            }
            <pre class="lesson-code" data-testid="lesson-code">{ code }</pre>
            <div class="lesson-actions">
                <button class="primary" data-testid="lesson-run" onclick={run}
                    title="Types the code into the console (a module goes to the editor and runs)">{ if done_here { "Run again" } else { "Run" } }</button>
                if done_here {
                    <span class="lesson-status done" role="status" data-testid="lesson-status">{ format!("✓ Done: {}", current.goal) }</span>
                } else {
                    <span class="lesson-status" role="status" data-testid="lesson-status">{ format!("Waiting for: {}", current.goal) }</span>
                }
            </div>
            <div class="lesson-nav">
                <button disabled={step == 0} onclick={go(step.saturating_sub(1))}>{ "← Back" }</button>
                if last {
                    if progress.finished() {
                        <span class="lesson-finished">{ "Lesson complete. Part 3 of the series asks where the data should live: try snapshot persistence with chaos on." }</span>
                    }
                } else {
                    <button class={classes!(done_here.then_some("primary"))} data-testid="lesson-next" onclick={go(step + 1)}>{ "Next step →" }</button>
                }
            </div>
        </aside>
    }
}
