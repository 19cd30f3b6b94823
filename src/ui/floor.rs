//! The store floor: every customer drawn on a canvas between the shelves, the checkout and
//! the door, at any crowd size. Click a customer (or focus it and press Enter) to crash its
//! Session with `Process.exit(pid, :kill)`; the crash story tells, in wall-clock time, how
//! it died and how `Redfour.SessionSupervisor` brought it back, and what became of its cart.
//!
//! Layout and input live here; what to draw is worked out in `floor_scene.rs` and drawn by
//! `floor_canvas.rs`. Customers in view keep an accessible button each, keyed by customer,
//! so keyboard focus stays on one customer while it moves. Wheel, pinch and drag zoom and
//! pan; arrow keys move focus to the nearest customer in that direction.

use crate::sorted_map::SortedMap;
use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, Element, HtmlCanvasElement, HtmlElement};
use yew::prelude::*;

use super::app::use_sim;
use super::crash_story::Beat;
use super::floor_canvas;
use super::floor_plan::{self, Camera, Rect};
use super::floor_scene::{self, Look, Scene};
use super::sim::Action;
use crate::store::shopping;

/// A pointer that moved further than this (CSS px) between down and up was a drag, not a
/// click: it pans and crashes nobody.
const DRAG_SLOP: f64 = 5.0;

/// The floor's own UI state (not the store's): camera input, focus, hover, buffers.
#[derive(Default)]
struct FloorUi {
    focused: Option<Rc<str>>,
    hovered: Option<Rc<str>>,
    /// Focus to move to this customer's button after the next render.
    pending_focus: Option<Rc<str>>,
    pointers: SortedMap<i32, (f64, f64)>,
    down_at: Option<(f64, f64)>,
    dragged: bool,
    /// The crowd's pixel buffer, reused between frames.
    buffer: Vec<u8>,
    /// What the plan canvas shows (redrawn only when this changes).
    plan_drawn: Option<(u64, u64, u64, u64, bool, u64)>,
    scene: Rc<Scene>,
    /// The viewport's size, as its ResizeObserver last reported it: read there (after the
    /// browser's layout), not at every frame, where reading it would force a layout of the
    /// whole page that the frame had just changed.
    size: Option<(f64, f64)>,
    /// The canvases' drawing contexts, taken once.
    contexts: Option<(CanvasRenderingContext2d, CanvasRenderingContext2d)>,
}

fn window() -> Option<web_sys::Window> {
    web_sys::window()
}

fn prefers_reduced_motion() -> bool {
    window()
        .and_then(|w| {
            w.match_media("(prefers-reduced-motion: reduce)")
                .ok()
                .flatten()
        })
        .is_some_and(|m| m.matches())
}

/// A pointer's position relative to an element, in CSS px.
fn local(e: &MouseEvent, el: &Element) -> (f64, f64) {
    let r = el.get_bounding_client_rect();
    (
        e.client_x() as f64 - r.left(),
        e.client_y() as f64 - r.top(),
    )
}

fn target_is_canvas(e: &Event) -> bool {
    e.target()
        .and_then(|t| t.dyn_into::<Element>().ok())
        .is_some_and(|el| el.tag_name().eq_ignore_ascii_case("canvas"))
}

fn within(e: &Event, selector: &str) -> bool {
    e.target()
        .and_then(|t| t.dyn_into::<Element>().ok())
        .and_then(|el| el.closest(selector).ok().flatten())
        .is_some()
}

/// The customer whose button an event came from (the buttons' handlers are delegated to
/// their container: one set of callbacks a frame, not four per button).
fn target_key(e: &Event) -> Option<Rc<str>> {
    e.target()
        .and_then(|t| t.dyn_into::<Element>().ok())
        .and_then(|el| el.closest("[data-testid=session]").ok().flatten())
        .and_then(|el| el.get_attribute("data-key"))
        .map(Rc::from)
}

fn plural(n: i64, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// The floor is drawn every animation frame (`frame` changes each one); the panels around
/// it refresh less often (see `app::PANEL_REFRESH_MS`).
#[derive(Properties, PartialEq)]
pub struct FloorProps {
    #[prop_or_default]
    pub frame: u64,
}

#[function_component(Floor)]
pub fn floor(_props: &FloorProps) -> Html {
    let ctx = use_sim();
    let viewport = use_node_ref();
    let plan_ref = use_node_ref();
    let crowd_ref = use_node_ref();
    let camera = use_mut_ref(|| Camera::fit(760.0, 440.0));
    let ui = use_mut_ref(FloorUi::default);
    let refresh = use_force_update();
    let reduced_motion = use_memo((), |_| prefers_reduced_motion());

    // The viewport's size, from a ResizeObserver.
    {
        let viewport = viewport.clone();
        let ui = ui.clone();
        let refresh = refresh.clone();
        use_effect_with((), move |_| {
            let el: Option<HtmlElement> = viewport.cast();
            let observer = el.as_ref().and_then(|el| {
                let cb = Closure::<dyn FnMut(js_sys::Array)>::new(move |entries: js_sys::Array| {
                    let size = entries
                        .get(0)
                        .dyn_into::<web_sys::ResizeObserverEntry>()
                        .ok()
                        .and_then(|e| e.target().dyn_into::<HtmlElement>().ok())
                        .map(|t| (f64::from(t.client_width()), f64::from(t.client_height())));
                    if size.is_some() && ui.borrow().size != size {
                        ui.borrow_mut().size = size;
                        refresh.force_update();
                    }
                });
                let observer = web_sys::ResizeObserver::new(cb.as_ref().unchecked_ref()).ok()?;
                observer.observe(el);
                Some((observer, cb))
            });
            move || {
                if let Some((observer, _cb)) = observer {
                    observer.disconnect();
                }
            }
        });
    }

    // The wheel zooms the floor, not the page: a listener that is not passive.
    {
        let viewport = viewport.clone();
        let camera = camera.clone();
        let refresh = refresh.clone();
        use_effect_with((), move |_| {
            let el: Option<HtmlElement> = viewport.cast();
            let listener = el.as_ref().map(|el| {
                let el2 = el.clone();
                let cb = Closure::<dyn FnMut(web_sys::WheelEvent)>::new(
                    move |e: web_sys::WheelEvent| {
                        e.prevent_default();
                        let (x, y) = local(&e, &el2);
                        let factor = (-e.delta_y().clamp(-300.0, 300.0) * 0.002).exp();
                        let next = camera.borrow().zoom_at(x, y, factor);
                        *camera.borrow_mut() = next;
                        refresh.force_update();
                    },
                );
                let opts = web_sys::AddEventListenerOptions::new();
                opts.set_passive(false);
                let _ = el.add_event_listener_with_callback_and_add_event_listener_options(
                    "wheel",
                    cb.as_ref().unchecked_ref(),
                    &opts,
                );
                cb
            });
            move || {
                if let (Some(el), Some(cb)) = (el, listener) {
                    let _ = el
                        .remove_event_listener_with_callback("wheel", cb.as_ref().unchecked_ref());
                }
            }
        });
    }

    // After every render: keep the camera to the viewport's size, draw, move focus.
    {
        let viewport = viewport.clone();
        let plan_ref = plan_ref.clone();
        let crowd_ref = crowd_ref.clone();
        let camera = camera.clone();
        let ui = ui.clone();
        let refresh = refresh.clone();
        let reduced_motion = *reduced_motion;
        use_effect(move || {
            draw(
                &viewport,
                &plan_ref,
                &crowd_ref,
                &camera,
                &ui,
                &refresh,
                reduced_motion,
            );
        });
    }

    let Some(ctx) = ctx else {
        return html! {};
    };
    let sim = ctx.sim.borrow();
    let cam = *camera.borrow();
    let scene = {
        let u = ui.borrow();
        Rc::new(floor_scene::build(
            &sim,
            &cam,
            u.focused.as_deref(),
            u.hovered.as_deref(),
        ))
    };
    ui.borrow_mut().scene = scene.clone();
    let dispatch = ctx.dispatch.clone();

    // Pointer input on the viewport: drag pans, two fingers pinch, a click on the canvas
    // crashes the customer under it, hovering shows its card.
    let on_down = {
        let ui = ui.clone();
        let viewport = viewport.clone();
        Callback::from(move |e: PointerEvent| {
            let Some(el) = viewport.cast::<Element>() else {
                return;
            };
            if within(
                &e,
                ".customer-card, .floor-tools, .floor-banner, .floor-stopped",
            ) {
                return;
            }
            let p = local(&e, &el);
            let mut u = ui.borrow_mut();
            u.pointers.insert(e.pointer_id(), p);
            if u.pointers.len() == 1 {
                u.down_at = Some(p);
                u.dragged = false;
            }
        })
    };
    let on_move = {
        let ui = ui.clone();
        let viewport = viewport.clone();
        let camera = camera.clone();
        let sim_rc = ctx.sim.clone();
        let refresh = refresh.clone();
        Callback::from(move |e: PointerEvent| {
            let Some(el) = viewport.cast::<Element>() else {
                return;
            };
            let p = local(&e, &el);
            let mut u = ui.borrow_mut();
            if let Some(prev) = u.pointers.get(&e.pointer_id()).copied() {
                if u.pointers.len() >= 2 {
                    // Pinch: zoom by the change in distance between two fingers.
                    let other = u
                        .pointers
                        .iter()
                        .find(|(id, _)| **id != e.pointer_id())
                        .map(|(_, q)| *q);
                    if let Some(q) = other {
                        let before = ((prev.0 - q.0).powi(2) + (prev.1 - q.1).powi(2)).sqrt();
                        let after = ((p.0 - q.0).powi(2) + (p.1 - q.1).powi(2)).sqrt();
                        if before > 1.0 {
                            let mid = ((p.0 + q.0) / 2.0, (p.1 + q.1) / 2.0);
                            let next = camera.borrow().zoom_at(mid.0, mid.1, after / before);
                            *camera.borrow_mut() = next;
                        }
                    }
                    u.dragged = true;
                } else {
                    let start = u.down_at.unwrap_or(p);
                    if (p.0 - start.0).hypot(p.1 - start.1) > DRAG_SLOP {
                        u.dragged = true;
                    }
                    if u.dragged {
                        let next = camera.borrow().pan(p.0 - prev.0, p.1 - prev.1);
                        *camera.borrow_mut() = next;
                    }
                }
                u.pointers.insert(e.pointer_id(), p);
                drop(u);
                refresh.force_update();
                return;
            }
            if within(&e, ".customer-card") {
                return; // keep the card while the pointer is on it
            }
            if within(
                &e,
                ".floor-tools, .supervisor-badge, .floor-banner, .floor-stopped",
            ) {
                // Over the floor's own controls: no customer is under the pointer.
                if u.hovered.take().is_some() {
                    drop(u);
                    refresh.force_update();
                }
                return;
            }
            let Ok(sim) = sim_rc.try_borrow() else {
                return;
            };
            let cam = *camera.borrow();
            let reach = (u.scene.radius + 6.0).max(10.0);
            let hit = floor_scene::nearest(&sim, &cam, p.0, p.1, reach);
            if hit != u.hovered {
                u.hovered = hit;
                drop(u);
                refresh.force_update();
            }
        })
    };
    let on_up = {
        let ui = ui.clone();
        Callback::from(move |e: PointerEvent| {
            let mut u = ui.borrow_mut();
            u.pointers.remove(&e.pointer_id());
            if u.pointers.is_empty() {
                u.down_at = None;
            }
        })
    };
    let on_leave = {
        let ui = ui.clone();
        let refresh = refresh.clone();
        Callback::from(move |_: PointerEvent| {
            let mut u = ui.borrow_mut();
            u.pointers.clear();
            if u.hovered.take().is_some() {
                drop(u);
                refresh.force_update();
            }
        })
    };
    let on_click = {
        let ui = ui.clone();
        let viewport = viewport.clone();
        let camera = camera.clone();
        let sim_rc = ctx.sim.clone();
        let dispatch = dispatch.clone();
        Callback::from(move |e: MouseEvent| {
            if !target_is_canvas(&e) || ui.borrow().dragged {
                return;
            }
            let Some(el) = viewport.cast::<Element>() else {
                return;
            };
            let p = local(&e, &el);
            let hit = {
                let Ok(sim) = sim_rc.try_borrow() else {
                    return;
                };
                let cam = *camera.borrow();
                let reach = (ui.borrow().scene.radius + 6.0).max(10.0);
                floor_scene::nearest(&sim, &cam, p.0, p.1, reach)
            };
            if let Some(key) = hit {
                // alt-click charts its messages; a plain click crashes it
                dispatch.emit(if e.alt_key() {
                    Action::ChartKey(key.to_string())
                } else {
                    Action::KillKey(key.to_string())
                });
            }
        })
    };

    let zoom_by = |factor: f64| {
        let camera = camera.clone();
        let refresh = refresh.clone();
        Callback::from(move |_: MouseEvent| {
            let c = *camera.borrow();
            *camera.borrow_mut() = c.zoom_at(c.width / 2.0, c.height / 2.0, factor);
            refresh.force_update();
        })
    };
    let on_fit = {
        let camera = camera.clone();
        let refresh = refresh.clone();
        Callback::from(move |_: MouseEvent| {
            let c = *camera.borrow();
            *camera.borrow_mut() = Camera::fit(c.width, c.height);
            refresh.force_update();
        })
    };

    // One button per customer in view (capped), keyed by customer so focus stays put.
    let target = |t: &floor_scene::Target| {
        let key = t.key.clone();
        let size = (2.0 * scene.radius + 8.0).max(24.0);
        let style = format!(
            "left:{:.1}px;top:{:.1}px;width:{size:.0}px;height:{size:.0}px",
            t.x - size / 2.0,
            t.y - size / 2.0
        );
        let label = format!(
            "Customer :{}, session {}, {} in cart. Enter crashes it with Process.exit(pid, :kill); S charts its messages; arrow keys move to the nearest customer.",
            t.key,
            t.pid,
            plural(t.items, "item")
        );
        html! {
            <button key={key.to_string()} class={classes!("customer-target", (!t.live).then_some("dead"))}
                style={style} data-testid="session" data-key={key.to_string()} data-pid={t.pid.clone()}
                aria-label={label} />
        }
    };

    // The buttons' handlers, delegated: click crashes, focus shows the card, arrows move.
    let on_target_click = {
        let ui = ui.clone();
        let dispatch = dispatch.clone();
        Callback::from(move |e: MouseEvent| {
            if let Some(key) = target_key(&e).filter(|_| !ui.borrow().dragged) {
                dispatch.emit(if e.alt_key() {
                    Action::ChartKey(key.to_string())
                } else {
                    Action::KillKey(key.to_string())
                });
            }
        })
    };
    let on_target_focus = {
        let ui = ui.clone();
        let refresh = refresh.clone();
        Callback::from(move |e: FocusEvent| {
            if let Some(key) = target_key(&e) {
                ui.borrow_mut().focused = Some(key);
                refresh.force_update();
            }
        })
    };
    let on_target_blur = {
        let ui = ui.clone();
        let refresh = refresh.clone();
        Callback::from(move |e: FocusEvent| {
            let into_card = e
                .related_target()
                .and_then(|t| t.dyn_into::<Element>().ok())
                .and_then(|el| el.closest(".customer-card").ok().flatten())
                .is_some();
            if target_key(&e).is_some() && !into_card {
                ui.borrow_mut().focused = None;
                refresh.force_update();
            }
        })
    };
    let on_target_key = {
        let ui = ui.clone();
        let camera = camera.clone();
        let sim_rc = ctx.sim.clone();
        let refresh = refresh.clone();
        let dispatch = dispatch.clone();
        Callback::from(move |e: KeyboardEvent| {
            let Some(key) = target_key(&e) else {
                return;
            };
            if super::sequence_view::is_chart_key(&e) {
                e.prevent_default();
                dispatch.emit(Action::ChartKey(key.to_string()));
                return;
            }
            let dir = match e.key().as_str() {
                "ArrowLeft" => (-1.0, 0.0),
                "ArrowRight" => (1.0, 0.0),
                "ArrowUp" => (0.0, -1.0),
                "ArrowDown" => (0.0, 1.0),
                _ => return,
            };
            e.prevent_default();
            let next = {
                let Ok(sim) = sim_rc.try_borrow() else {
                    return;
                };
                floor_scene::neighbour(&sim, &camera.borrow(), &key, dir)
            };
            if let Some(next) = next {
                let mut u = ui.borrow_mut();
                u.focused = Some(next.clone());
                u.pending_focus = Some(next);
                drop(u);
                refresh.force_update();
            }
        })
    };

    // The card for the focused (or hovered) customer.
    let card_key = ui
        .borrow()
        .focused
        .clone()
        .or_else(|| ui.borrow().hovered.clone());
    let card = card_key.and_then(|key| {
        let c = sim.customer(&key)?;
        let (wx, wy) = sim.position_of(c);
        let (sx, sy) = cam.to_screen(wx, wy);
        let pid = sim.shown_pid(c);
        let cart = if c.items == 0 {
            "empty cart".to_string()
        } else {
            format!("{} in cart", plural(c.items, "item"))
        };
        let state = match sim.story(&key).map(|s| (s.beat(sim.wall_ms), s.supervised)) {
            Some((Beat::Killed | Beat::Restarting, true)) => {
                "killed: its supervisor restarts it".into()
            }
            Some((Beat::Back, true)) => format!("just restarted · {cart}"),
            Some((_, false)) => "killed: no supervisor restarts it".into(),
            _ => format!("browsing · {cart}"),
        };
        // Below the figure (its crash caption goes above), else beside or above it: the
        // first spot inside the floor that covers no caption.
        let (card_w, card_h) = (250.0, 132.0);
        let gap = scene.radius + 12.0;
        let inside = |x: f64, y: f64| Rect::new(
            x.clamp(4.0, (cam.width - card_w - 4.0).max(4.0)),
            y.clamp(4.0, (cam.height - card_h - 4.0).max(4.0)),
            card_w,
            card_h,
        );
        let mut spots = vec![
            inside(sx - card_w / 2.0, sy + gap),
            inside(sx + gap, sy - card_h / 2.0),
            inside(sx - gap - card_w, sy - card_h / 2.0),
            inside(sx - card_w / 2.0, sy - gap - card_h),
        ];
        // Beyond the captions, above or below them all; centred on the figure, or pushed
        // sideways (clear of a shelf's name, which sits mid-shelf).
        if let Some(top) = scene.captions.iter().map(|c| c.rect.y).reduce(f64::min) {
            for x in [sx - card_w / 2.0, sx - card_w + 30.0, sx - 30.0] {
                spots.push(inside(x, top - card_h - 6.0));
            }
        }
        if let Some(bottom) = scene.captions.iter().map(|c| c.rect.y + c.rect.h).reduce(f64::max) {
            for x in [sx - card_w / 2.0, sx - card_w + 30.0, sx - 30.0] {
                spots.push(inside(x, bottom + 6.0));
            }
        }
        // Covering the figure is out; a crash caption matters more than a shelf's name.
        let labels: Vec<Rect> = (0..floor_plan::SHELVES.len())
            .filter_map(|i| floor_plan::shelf_label(i, &cam))
            .collect();
        let covered = |r: &Rect| -> f64 {
            let figure = if r.contains(sx, sy) { 1e9 } else { 0.0 };
            figure
                + scene.captions.iter().map(|c| c.rect.overlap(r)).sum::<f64>()
                + 0.5 * labels.iter().map(|l| l.overlap(r)).sum::<f64>()
        };
        let spot = spots
            .iter()
            .min_by(|a, b| covered(a).total_cmp(&covered(b)))
            .copied()
            .unwrap_or(spots[0]);
        let (left, top) = (spot.x, spot.y);
        let live_pid = c.pid;
        let inspect = dispatch.reform(move |_: MouseEvent| Action::Select(Some(live_pid)));
        let charted = sim.sequence.charted.contains(&live_pid.number());
        let chart = dispatch.reform(move |_: MouseEvent| Action::ChartToggle(live_pid));
        Some(html! {
            <div class="customer-card" data-testid="customer-card" style={format!("left:{left:.0}px;top:{top:.0}px")}>
                <div class="card-key mono">{ format!(":{key}") }</div>
                <div class="mono">{ format!("pid {}", pid.short()) }</div>
                <div>{ state }</div>
                <div class="card-actions">
                    <button onclick={inspect} data-testid="inspect-customer">{ "Inspect" }</button>
                    <button onclick={chart} data-testid="chart-customer" aria-pressed={charted.to_string()}
                        title="Draw its messages in the sequence chart (S, or alt-click the figure)">
                        { if charted { "Charted" } else { "Chart" } }
                    </button>
                </div>
                <div class="hint">{ "click the figure to crash it" }</div>
            </div>
        })
    });

    let captions = scene.captions.iter().map(|c| {
        let style = format!("left:{:.0}px;top:{:.0}px", c.rect.x, c.rect.y);
        let class = classes!(
            "crash-caption",
            match c.beat {
                Beat::Back => "back",
                _ => "dying",
            }
        );
        html! {
            <div class={class} style={style} data-testid="crash-caption" data-key={c.key.to_string()}>
                <div class="headline">{ c.headline.clone() }</div>
                if let Some(fate) = &c.fate { <div class="fate"><span class="sr-only">{ " · " }</span>{ fate.clone() }</div> }
            </div>
        }
    });

    let session_sup = sim.rt.whereis(shopping::SESSION_SUPERVISOR);
    let dismiss = dispatch.reform(|_: MouseEvent| Action::DismissEscalation);
    let start_app = dispatch.reform(|_: MouseEvent| Action::StartApp);
    let zoom_pct = (cam.zoom() * 100.0).round();
    let running = sim.app_running();
    let empty = running && scene.live == 0 && scene.walking_out == 0 && scene.captions.is_empty();

    html! {
        <section class="region floor" aria-labelledby="floor-title" data-testid="region-floor">
            <h2 id="floor-title">{ "Store floor" }
                <span class="hint">{ " — each customer is a Session process; click one to crash it" }</span>
            </h2>
            <nav class="skip-links" aria-label="Skip the floor">
                <a class="skip" href="#process-filter">{ "Skip to the process table" }</a>
                <a class="skip" href="#console-input">{ "Skip to the console" }</a>
            </nav>
            if let Some(e) = sim.escalation.as_ref().filter(|_| running) {
                <div class="floor-banner" role="alert" data-testid="floor-escalation">
                    <div>
                        <strong>{ e.text() }</strong>
                        <pre class="otp-log">{ e.log() }</pre>
                    </div>
                    <button onclick={dismiss} aria-label="Dismiss the give-up message">{ "×" }</button>
                </div>
            }
            <div class={classes!("floor-viewport", (!running).then_some("stopped"))} ref={viewport.clone()}
                data-testid="floor" data-live={scene.live.to_string()} data-drawn={scene.drawn.to_string()}
                onpointerdown={on_down} onpointermove={on_move} onpointerup={on_up.clone()}
                onpointercancel={on_up} onpointerleave={on_leave} onclick={on_click}>
                <canvas ref={plan_ref} class="floor-canvas" aria-hidden="true" />
                <canvas ref={crowd_ref} class="floor-canvas" role="img"
                    aria-label={format!("Store floor: {} customers, each a Session process. Use the buttons to reach them.", scene.live)} />
                <div class="supervisor-badge" data-testid="supervisor-badge">
                    <span class="mono">{ "Redfour.SessionSupervisor" }</span>
                    <span class="mono sub">{ session_sup.map_or_else(|| "not running".to_string(), |p| p.short()) }
                        { format!(" · {}", plural(sim.supervised_session_count() as i64, "session")) }</span>
                </div>
                <div class="targets" onclick={on_target_click} onfocusin={on_target_focus}
                    onfocusout={on_target_blur} onkeydown={on_target_key}>
                    { for scene.targets.iter().map(target) }
                </div>
                <div class="captions" aria-live="polite">{ for captions }</div>
                { card.unwrap_or_default() }
                if !running {
                    <div class="floor-stopped" data-testid="floor-stopped">
                        <p><strong>{ "The shopping application has stopped." }</strong></p>
                        <p>{ sim.escalation.as_ref().map(|e| e.text()).unwrap_or_else(|| "No Session can run until it starts again.".into()) }</p>
                        <button class="primary" onclick={start_app} data-testid="floor-start-app">{ "Application.start(:shopping)" }</button>
                    </div>
                }
                if empty {
                    <p class="floor-empty">{ "The floor is empty. Customers arrive at the rate set above, or press +100 shoppers." }</p>
                }
                <div class="floor-tools">
                    <button onclick={zoom_by(1.5)} aria-label="Zoom in" title="Zoom in (or wheel, or pinch)">{ "+" }</button>
                    <button onclick={zoom_by(1.0 / 1.5)} aria-label="Zoom out" title="Zoom out">{ "−" }</button>
                    <button onclick={on_fit} data-testid="floor-fit" title="Show the whole floor">{ "Fit" }</button>
                    <span class="zoom mono" aria-live="off">{ format!("{zoom_pct}%") }</span>
                </div>
            </div>
            <ul class="legend" aria-label="What the colours mean">
                { for Look::LEGEND.iter().map(|l| html! {
                    <li><span class="swatch" style={format!("background:{}", l.css())} />{ l.meaning() }</li>
                }) }
                <li><span class="swatch line" />{ "restart: the SessionSupervisor brings a customer back" }</li>
            </ul>
        </section>
    }
}

/// Sizes the camera to the viewport, draws the plan (when it changed) and the crowd, and
/// moves keyboard focus where an arrow key asked.
fn draw(
    viewport: &NodeRef,
    plan_ref: &NodeRef,
    crowd_ref: &NodeRef,
    camera: &Rc<RefCell<Camera>>,
    ui: &Rc<RefCell<FloorUi>>,
    refresh: &UseForceUpdateHandle,
    reduced_motion: bool,
) {
    let (Some(vp), Some(plan), Some(crowd)) = (
        viewport.cast::<HtmlElement>(),
        plan_ref.cast::<HtmlCanvasElement>(),
        crowd_ref.cast::<HtmlCanvasElement>(),
    ) else {
        return;
    };
    let known = ui.borrow().size;
    let (w, h) = known.unwrap_or_else(|| {
        let size = (vp.client_width() as f64, vp.client_height() as f64);
        ui.borrow_mut().size = Some(size);
        size
    });
    if w < 1.0 || h < 1.0 {
        return;
    }
    let cam = *camera.borrow();
    if (cam.width - w).abs() > 0.5 || (cam.height - h).abs() > 0.5 {
        *camera.borrow_mut() = cam.resized(w, h);
        // The scene was laid out for the old size: lay it out again.
        refresh.force_update();
        return;
    }
    let dpr = window()
        .map_or(1.0, |w| w.device_pixel_ratio())
        .clamp(1.0, 3.0);
    let mut u = ui.borrow_mut();
    let scene = u.scene.clone();
    floor_canvas::fit_canvas(&plan, w, h, dpr);
    floor_canvas::fit_canvas(&crowd, w, h, dpr);
    let plan_key = (
        cam.scale.to_bits(),
        cam.x.to_bits(),
        cam.y.to_bits(),
        (w as u64) << 32 | h as u64,
        scene.stopped,
        dpr.to_bits(),
    );
    if u.contexts.is_none() {
        u.contexts = floor_canvas::context(&plan).zip(floor_canvas::context(&crowd));
    }
    let Some((plan_ctx, crowd_ctx)) = u.contexts.clone() else {
        return;
    };
    if u.plan_drawn != Some(plan_key) {
        floor_canvas::draw_plan(&plan_ctx, &cam, dpr, scene.stopped);
        u.plan_drawn = Some(plan_key);
    }
    floor_canvas::draw_crowd(
        &crowd_ctx,
        &crowd,
        &scene,
        dpr,
        reduced_motion,
        &mut u.buffer,
    );
    if let Some(key) = u.pending_focus.take() {
        let buttons = vp.query_selector_all("[data-testid=session]").ok();
        if let Some(list) = buttons {
            for i in 0..list.length() {
                let Some(el) = list.item(i).and_then(|n| n.dyn_into::<HtmlElement>().ok()) else {
                    continue;
                };
                if el.get_attribute("data-key").as_deref() == Some(&key) {
                    let _ = el.focus();
                    break;
                }
            }
        }
    }
}
