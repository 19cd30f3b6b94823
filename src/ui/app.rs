//! The application: it owns the running store ([`Sim`]) outside of component state, shares
//! it through a context, and drives it from animation frames. Components re-render when the
//! frame number moves and read only what they show.

use std::cell::RefCell;
use std::rc::Rc;

use gloo_render::{request_animation_frame, AnimationFrame};
use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::charts::Charts;
use super::console_view::ConsoleView;
use super::controls::{Controls, StatusBar};
use super::editor_view::EditorView;
use super::embed::{PageRequest, Piece};
use super::floor::Floor;
use super::inspector::Inspector;
use super::lesson::Progress;
use super::lesson_view::{focus_panel, lesson_opener, lesson_view};
use super::local_storage::LocalStorageBackend;
use super::process_table::ProcessTable;
use super::recording::SharedRun;
use super::sequence_view::SequenceView;
use super::sim::{Action, Settings, Sim};
use super::timeline::Timeline;
use super::trace_view::TraceView;
use super::tree::Tree;
use crate::store::session_store::{MemoryBackend, SharedBackend};

/// What every component gets: the store, the frame number, and a way to act.
#[derive(Clone)]
pub struct SimCtx {
    pub sim: Rc<RefCell<Sim>>,
    /// Counts the panels' refreshes: after each action, and every `PANEL_REFRESH_MS` while
    /// the clock runs (a table or a chart redrawn 60 times a second only costs frames).
    pub frame: u64,
    pub dispatch: Callback<Action>,
}

impl PartialEq for SimCtx {
    fn eq(&self, other: &Self) -> bool {
        self.frame == other.frame && Rc::ptr_eq(&self.sim, &other.sim)
    }
}

const SETTINGS_KEY: &str = "redfour.settings";
const LESSON_KEY: &str = "redfour.lesson";

/// Wall ms between two refreshes of the panels while the clock runs (10 a second; once a
/// second while it is paused).
pub const PANEL_REFRESH_MS: f64 = 100.0;

/// The post the page is built on (its address from the blog's permalink pattern).
pub const BLOG_POST: &str = "https://rob.conery.io/2016/02/11/red-4-store-part-2/";

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// Settings from the last visit, overridden by the page's URL (a shared link wins), and
/// notices for whatever was refused (a value that is not a number in its control's range).
fn initial_settings() -> (Settings, Vec<String>) {
    let saved = local_storage()
        .and_then(|s| s.get_item(SETTINGS_KEY).ok().flatten())
        .unwrap_or_default();
    let query = web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default();
    let (settings, mut notices) =
        Settings::default().with_query_checked(&saved, "your saved settings");
    let (settings, more) = settings.with_query_checked(&query, "the address");
    notices.extend(more);
    (settings, notices)
}

/// The page's query: its settings, the lesson's progress, and what an embed asked for.
fn page_query(settings: &Settings, lesson: &Progress, page: &PageRequest) -> String {
    let mut query = settings.to_query();
    for part in [lesson.to_query(), page.kept.clone()] {
        if !part.is_empty() {
            query.push('&');
            query.push_str(&part);
        }
    }
    query
}

/// Puts the page's state in the address bar, so the page can be shared as is.
fn show_in_address(query: &str) {
    if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
        let _ = history.replace_state_with_url(
            &wasm_bindgen::JsValue::NULL,
            "",
            Some(&format!("?{query}")),
        );
    }
}

/// The lesson's progress: from the address (a shared link), else from the last visit (not
/// in an embedded page: the host page's reader starts their own).
fn initial_lesson(query: &str, embedded: bool) -> Progress {
    Progress::from_query(query)
        .or_else(|| {
            if embedded {
                return None;
            }
            let saved = local_storage()?.get_item(LESSON_KEY).ok().flatten()?;
            Progress::from_query(&saved)
        })
        .unwrap_or_default()
}

/// Keeps the lesson's progress for the next visit (an embedded page keeps its own in its
/// address only: the host page's reader has their own lesson).
fn remember_lesson(lesson: &Progress, page: &PageRequest) {
    if !page.embedded() {
        if let Some(storage) = local_storage() {
            let _ = storage.set_item(LESSON_KEY, &lesson.to_query());
        }
    }
}

/// Saves the settings and puts them in the address bar, so the page can be shared as is.
/// Says why, if the browser would not store them.
fn remember(settings: &Settings, lesson: &Progress, page: &PageRequest) -> Result<(), String> {
    show_in_address(&page_query(settings, lesson, page));
    if page.embedded() {
        return Ok(());
    }
    let query = settings.to_query();
    let saved = match local_storage() {
        Some(storage) => storage.set_item(SETTINGS_KEY, &query).map_err(|e| {
            let name = e
                .dyn_ref::<web_sys::DomException>()
                .map(|d| d.name())
                .unwrap_or_default();
            if name.contains("Quota") {
                "storage is full (quota exceeded)".to_string()
            } else {
                format!(
                    "the browser refused ({})",
                    if name.is_empty() {
                        "no reason given".into()
                    } else {
                        name
                    }
                )
            }
        }),
        None => Err("this browser gives the page no storage".to_string()),
    };
    saved
}

/// Where sessions save snapshots: the browser's storage, or memory for an embedded page
/// (two frames on one post must not share one store).
fn backend(embedded: bool) -> SharedBackend {
    if local_storage().is_some() && !embedded {
        Rc::new(RefCell::new(LocalStorageBackend::default()))
    } else {
        Rc::new(RefCell::new(MemoryBackend::default()))
    }
}

#[derive(Properties)]
pub struct AppProps {
    /// A store to show instead of a new one (tests pass a seeded one).
    #[prop_or_default]
    pub sim: Option<Rc<RefCell<Sim>>>,
    /// Drive the store from animation frames (off in tests that step it by hand).
    #[prop_or(true)]
    pub animate: bool,
    /// Bumped by a host that steps the store itself, to re-render (the benchmark does).
    #[prop_or_default]
    pub tick: u64,
}

impl Default for AppProps {
    fn default() -> Self {
        AppProps {
            sim: None,
            animate: true,
            tick: 0,
        }
    }
}

impl PartialEq for AppProps {
    fn eq(&self, other: &Self) -> bool {
        self.animate == other.animate
            && self.tick == other.tick
            && match (&self.sim, &other.sim) {
                (Some(a), Some(b)) => Rc::ptr_eq(a, b),
                (None, None) => true,
                _ => false,
            }
    }
}

#[function_component(App)]
pub fn app(props: &AppProps) -> Html {
    let given = props.sim.clone();
    // what the address asks for: read once (the app renders at every animation frame)
    let page_and_notices = use_memo((), |_| {
        let query = web_sys::window()
            .and_then(|w| w.location().search().ok())
            .unwrap_or_default();
        let (page, notices) = PageRequest::from_query(&query);
        (Rc::new(page), notices, query)
    });
    let page: Rc<PageRequest> = page_and_notices.0.clone();
    let sim = use_mut_ref(move || {
        let sim = given.unwrap_or_else(|| {
            let (page, refused, query) = &*page_and_notices;
            let (settings, mut notices) = initial_settings();
            notices.extend(refused.iter().cloned());
            let mut sim = Sim::new(settings, backend(page.embedded()));
            sim.lesson = initial_lesson(query, page.embedded());
            if page.shows(Piece::Lesson) && page.embedded() {
                sim.lesson.open = true;
            }
            if !notices.is_empty() {
                sim.message = Some(notices.join(" "));
                // What was refused is not kept: the address and storage get the values used.
                let _ = remember(&sim.settings, &sim.lesson, page);
            }
            // A shared run in the address's fragment: replayed to the instant it was shared.
            let fragment = web_sys::window()
                .and_then(|w| w.location().hash().ok())
                .unwrap_or_default();
            if fragment.starts_with("#run=") {
                match SharedRun::from_link(&fragment) {
                    Ok(run) => sim.apply(Action::Open(Box::new(run))),
                    Err(why) => {
                        sim.message = Some(format!(
                            "This link is damaged: {why}; starting a fresh run."
                        ))
                    }
                }
            } else if let Some(code) = &page.code {
                // `&code=`: a module goes to the editor (when it is shown) and runs, anything
                // else is typed into the console
                let module = code.trim_start().starts_with("defmodule");
                if module && page.shows_region("editor") {
                    sim.apply(Action::EditorRun(code.clone()));
                } else {
                    sim.apply(Action::ConsoleSubmit(code.clone()));
                }
            }
            Rc::new(RefCell::new(sim))
        });
        // Each frame runs processes for a bounded share of wall time, on any machine.
        if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
            sim.borrow_mut()
                .set_frame_clock(Rc::new(move || performance.now()));
        }
        sim
    });
    let sim: Rc<RefCell<Sim>> = sim.borrow().clone();
    let frame = use_reducer(FrameCounter::default);

    // The panels' refresh count: up at once after anything but a frame, and every
    // `PANEL_REFRESH_MS` of wall time while frames run (the floor alone is drawn each frame).
    let panels = use_mut_ref(|| (0u64, f64::MIN));
    let dispatch = {
        let sim = sim.clone();
        let frame = frame.clone();
        let panels = panels.clone();
        let page_for_dispatch = page.clone();
        Callback::from(move |action: Action| {
            let is_frame = matches!(action, Action::Frame(_));
            {
                let (wall, playing) = {
                    let s = sim.borrow();
                    (s.wall_ms, s.playing)
                };
                // paused, little changes: once a second is enough
                let every = if playing {
                    PANEL_REFRESH_MS
                } else {
                    10.0 * PANEL_REFRESH_MS
                };
                let mut p = panels.borrow_mut();
                if !is_frame || wall - p.1 >= every || wall < p.1 {
                    *p = (p.0.wrapping_add(1), wall);
                }
            }
            let (before, lesson_before) = {
                let s = sim.borrow();
                (s.settings.clone(), s.lesson.clone())
            };
            sim.borrow_mut().apply(action);
            let (after, lesson_after) = {
                let s = sim.borrow();
                (s.settings.clone(), s.lesson.clone())
            };
            if lesson_before != lesson_after {
                remember_lesson(&lesson_after, &page_for_dispatch);
                show_in_address(&page_query(&after, &lesson_after, &page_for_dispatch));
            }
            if !is_frame && before != after {
                if let Err(why) = remember(&after, &lesson_after, &page_for_dispatch) {
                    sim.borrow_mut().message = Some(format!(
                        "Your settings could not be saved for your next visit: {why}. They apply to this page, and the address bar holds them."
                    ));
                }
            }
            frame.dispatch(());
        })
    };

    {
        let dispatch = dispatch.clone();
        let animate = props.animate;
        use_effect_with(animate, move |animate| {
            let handle: Rc<RefCell<Option<AnimationFrame>>> = Rc::default();
            if *animate {
                schedule(handle.clone(), dispatch, None);
            }
            move || {
                handle.borrow_mut().take();
            }
        });
    }

    // the panel of the lesson's step: highlighted and brought into view as the step changes
    let focus = {
        let s = sim.borrow();
        (s.lesson.open, s.lesson.step)
    };
    use_effect_with(focus, |(open, step)| focus_panel(*open, *step));

    let ctx = SimCtx {
        sim,
        frame: panels.borrow().0.wrapping_add(props.tick),
        dispatch,
    };
    let floor_frame = frame.0.wrapping_add(props.tick);
    let progress = ctx.sim.borrow().lesson.clone();
    let lesson_open = progress.open;
    // the lesson's panel is built again when it or the panels change (10 times a second
    // while the clock runs), not at every animation frame
    let lesson = {
        let c = ctx.clone();
        use_memo((ctx.frame, progress), move |_| {
            (lesson_opener(&c), lesson_view(&c))
        })
    };
    let (opener, lesson) = (lesson.0.clone(), lesson.1.clone());
    let embedded = page.embedded();
    let shows = |name: &str| page.shows_region(name);
    // "Open in Redfour": the whole page, with this run, in a new tab
    let open_full = {
        let sim = ctx.sim.clone();
        Callback::from(move |e: MouseEvent| {
            let Some(a) = e
                .current_target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlAnchorElement>().ok())
            else {
                return;
            };
            let s = sim.borrow();
            let base = web_sys::window()
                .and_then(|w| w.location().pathname().ok())
                .unwrap_or_default();
            let query = page_query(&s.settings, &s.lesson, &PageRequest::default());
            a.set_href(&format!("{base}?{query}#{}", s.shared().to_link()));
        })
    };
    html! {
        <ContextProvider<SimCtx> context={ctx}>
            <div class={classes!("app", lesson_open.then_some("with-lesson"), embedded.then_some("embedded"))} data-testid="app">
                if embedded {
                    <header class="embed-bar">
                        <h1 class="brand">{ "Red:4 Store" }</h1>
                        <span class="embed-tagline">{ "a live Elixir/OTP runtime in this page" }</span>
                        <a href="./" target="_blank" rel="noopener" data-testid="embed-open" onclick={open_full}>{ "Open in Redfour ↗" }</a>
                    </header>
                } else {
                    <header class="topbar">
                        <h1 class="brand">{ "Red:4 Store" }</h1>
                        <p class="tagline">{ "Every shopper is a supervised process. Click one to crash it. " }
                            <a href={BLOG_POST} target="_blank" rel="noopener noreferrer">{ "From Rob Conery's Red:4 Store series, Part 2 ↗" }</a>
                        </p>
                        { opener }
                        <StatusBar />
                    </header>
                    <Controls />
                    <Timeline />
                }
                <div class="workspace">
                    { lesson }
                    <main class="regions">
                        if shows("floor") { <Floor frame={floor_frame} /> }
                        if shows("console") { <ConsoleView /> }
                        if shows("editor") { <EditorView /> }
                        if shows("tree") { <Tree /> }
                        if shows("processes") { <ProcessTable /> }
                        if !embedded { <Inspector /> }
                        if shows("trace") { <TraceView /> }
                        if !embedded {
                            <Charts />
                            <SequenceView />
                        }
                    </main>
                </div>
            </div>
        </ContextProvider<SimCtx>>
    }
}

/// Requests the next animation frame; each one advances the store by the elapsed time.
fn schedule(
    handle: Rc<RefCell<Option<AnimationFrame>>>,
    dispatch: Callback<Action>,
    last: Option<f64>,
) {
    let next = handle.clone();
    let frame = request_animation_frame(move |ts| {
        let dt = last.map_or(16.0, |l| ts - l);
        dispatch.emit(Action::Frame(dt));
        schedule(next, dispatch, Some(ts));
    });
    *handle.borrow_mut() = Some(frame);
}

#[derive(Default, PartialEq)]
struct FrameCounter(u64);

impl Reducible for FrameCounter {
    type Action = ();
    fn reduce(self: Rc<Self>, _: ()) -> Rc<Self> {
        Rc::new(FrameCounter(self.0.wrapping_add(1)))
    }
}

/// The context, for components (`None` outside of `App`: they then render nothing).
#[hook]
pub fn use_sim() -> Option<SimCtx> {
    use_context::<SimCtx>()
}
