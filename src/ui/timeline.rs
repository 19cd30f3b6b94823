//! The timeline, under the controls: a slider over the run's virtual time with its
//! markers (crashes, restarts, give-ups, stops, console lines, sales). Dragging it shows the
//! whole page as the run was then (`Action::Seek`); `,` and `.` step one event back or
//! forward; Play in the past forks. Also: the trace hash, the share link, export and import.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::app::use_sim;
use super::recording::{SharedRun, TICK_MS};
use super::sim::{Action, Marker};

/// Markers drawn at most: the run's events fall into this many slots, the most telling
/// event of each slot shown (a give-up before a crash before a sale).
const MARKER_SLOTS: usize = 240;

/// The markers to draw: one per slot, the highest-ranked (the first of equals).
fn visible_markers(markers: &[Marker], end: u64) -> Vec<&Marker> {
    let mut slots: Vec<Option<&Marker>> = vec![None; MARKER_SLOTS];
    let span = end.max(1);
    for m in markers {
        let i = ((m.at.min(span) as u128 * (MARKER_SLOTS as u128 - 1)) / span as u128) as usize;
        match slots[i] {
            Some(old) if old.kind.rank() >= m.kind.rank() => {}
            _ => slots[i] = Some(m),
        }
    }
    slots.into_iter().flatten().collect()
}

fn seconds(ms: u64) -> String {
    format!("{:.1} s", ms as f64 / 1000.0)
}

/// The page's address without its fragment, then `#` and the run.
fn link_for(run: &SharedRun) -> String {
    let base = web_sys::window()
        .and_then(|w| w.location().href().ok())
        .unwrap_or_default();
    let base = base.split('#').next().unwrap_or("").to_string();
    format!("{base}#{}", run.to_link())
}

/// Offers `text` as a file download.
pub fn download(name: &str, mime: &str, text: &str) -> Result<(), String> {
    let parts = js_sys::Array::of1(&text.into());
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)
        .map_err(|_| "the browser would not make the file".to_string())?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)
        .map_err(|_| "the browser would not make the file".to_string())?;
    let a: web_sys::HtmlAnchorElement = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.create_element("a").ok())
        .and_then(|e| e.dyn_into().ok())
        .ok_or("no document")?;
    a.set_href(&url);
    a.set_download(name);
    a.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}

#[function_component(Timeline)]
pub fn timeline() -> Html {
    let ctx = use_sim();
    let link_text = use_state(String::new);
    let file_ref = use_node_ref();

    // `,` and `.` anywhere but in a text field: one event back or forward.
    {
        let dispatch = ctx.as_ref().map(|c| c.dispatch.clone());
        use_effect_with((), move |_| {
            let listener = dispatch.map(|dispatch| {
                Closure::<dyn Fn(web_sys::KeyboardEvent)>::new(move |e: web_sys::KeyboardEvent| {
                    let key = e.key();
                    if key != "," && key != "." || e.ctrl_key() || e.meta_key() || e.alt_key() {
                        return;
                    }
                    let typing = e
                        .target()
                        .and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok())
                        .is_some_and(|el| {
                            let tag = el.tag_name();
                            let range = el
                                .dyn_ref::<HtmlInputElement>()
                                .is_some_and(|i| i.type_() == "range");
                            (tag == "INPUT" && !range)
                                || tag == "TEXTAREA"
                                || el.is_content_editable()
                        });
                    if typing {
                        return;
                    }
                    e.prevent_default();
                    dispatch.emit(Action::SeekEvent(key == "."));
                })
            });
            let document = web_sys::window().and_then(|w| w.document());
            if let (Some(doc), Some(l)) = (&document, &listener) {
                let _ = doc.add_event_listener_with_callback("keydown", l.as_ref().unchecked_ref());
            }
            move || {
                if let (Some(doc), Some(l)) = (document, listener) {
                    let _ = doc
                        .remove_event_listener_with_callback("keydown", l.as_ref().unchecked_ref());
                }
            }
        });
    }

    let Some(ctx) = ctx else {
        return html! {};
    };
    let sim = ctx.sim.borrow();
    let d = ctx.dispatch.clone();
    let now = sim.rt.now();
    let end = sim.end_ms().max(now);
    let past = sim.present.is_some();
    let markers = visible_markers(sim.run_markers(), end);
    let hash = format!("{:016x}", sim.rt.trace_hash());

    let on_seek = {
        let d = d.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(v) = e
                .target_dyn_into::<HtmlInputElement>()
                .and_then(|i| i.value().parse::<u64>().ok())
            {
                d.emit(Action::Seek(v));
            }
        })
    };
    let back = d.reform(|_| Action::SeekEvent(false));
    let forward = d.reform(|_| Action::SeekEvent(true));
    let live = d.reform(|_| Action::Live);
    let other = d.reform(|_| Action::OtherTimeline);
    let share = {
        let link_text = link_text.clone();
        let run = sim.shared();
        Callback::from(move |_| {
            let link = link_for(&run);
            if let Some(w) = web_sys::window() {
                let _ = w.navigator().clipboard().write_text(&link);
            }
            link_text.set(link);
        })
    };
    let export = {
        let run = sim.shared();
        let d = d.clone();
        Callback::from(move |_| {
            let name = format!(
                "redfour-run-seed{}-{}s.json",
                run.recording.settings.seed,
                run.ticks * TICK_MS / 1000
            );
            if let Err(why) = download(&name, "application/json", &run.to_json()) {
                d.emit(Action::Notify(format!(
                    "The run could not be exported: {why}."
                )));
            }
        })
    };
    let pick = {
        let file_ref = file_ref.clone();
        Callback::from(move |_| {
            if let Some(input) = file_ref.cast::<HtmlInputElement>() {
                input.click();
            }
        })
    };
    let on_file = {
        let d = d.clone();
        Callback::from(move |e: Event| {
            let Some(input) = e.target_dyn_into::<HtmlInputElement>() else {
                return;
            };
            let Some(file) = input.files().and_then(|f| f.get(0)) else {
                return;
            };
            input.set_value("");
            let d = d.clone();
            let size = file.size();
            if size > (4 * super::recording::MAX_RUN_BYTES) as f64 {
                d.emit(Action::Notify(format!(
                    "This file is damaged or not a run: it is {} KB, more than a run file may take; nothing was changed.",
                    (size / 1024.0) as u64
                )));
                return;
            }
            wasm_bindgen_futures::spawn_local(async move {
                let text = wasm_bindgen_futures::JsFuture::from(file.text())
                    .await
                    .ok()
                    .and_then(|v| v.as_string());
                match text.map(|t| SharedRun::from_json(&t)) {
                    Some(Ok(run)) => d.emit(Action::Open(Box::new(run))),
                    Some(Err(why)) => d.emit(Action::Notify(format!(
                        "This file is damaged or not a run: {why}; nothing was changed."
                    ))),
                    None => d.emit(Action::Notify(
                        "The file could not be read; nothing was changed.".into(),
                    )),
                }
            });
        })
    };
    let replay = sim.replay_under_way();
    let parked = sim.checkpoint_instants();
    let status = if let Some(r) = replay {
        format!(
            "{} {}{}: {:.0}% · the page shows the run as it replays; Play stops it here",
            if r.opening {
                "Opening the shared run: replaying to"
            } else {
                "Replaying to"
            },
            seconds(r.to_ms),
            if r.from_ms > 0 {
                format!(" from the checkpoint at {}", seconds(r.from_ms))
            } else {
                String::new()
            },
            r.progress * 100.0
        )
    } else if past {
        format!(
            "Looking back at {} of {}: the run is paused. Play goes on from here (a fork); Back to live returns.",
            seconds(now),
            seconds(end)
        )
    } else if let Some(other) = sim.other() {
        format!(
            "Live · a fork: {} inputs so far; the other timeline had {} by {}",
            sim.run.inputs.len(),
            other.run.inputs.len(),
            seconds(other.rt.now())
        )
    } else {
        format!(
            "Live · {} recorded, {} inputs{}",
            seconds(end),
            sim.run.inputs.len(),
            match parked.len() {
                0 => String::new(),
                1 => " · 1 checkpoint (◇): seeks after it start there".to_string(),
                n => format!(" · {n} checkpoints (◇): a seek starts from the last before it"),
            }
        )
    };

    html! {
        <section class="timeline" aria-label="Timeline: look back through the run" data-testid="region-timeline">
            <div class="timeline-head">
                <strong class="timeline-title" title="Drag the slider back to see the whole page as the run was then">{ "Timeline" }</strong>
                <span class={classes!("timeline-status", past.then_some("past"))} data-testid="timeline-status" role="status">{ status }</span>
                if let Some(r) = replay {
                    <progress class="replay-progress" data-testid="replay-progress" max="100" value={format!("{:.0}", r.progress * 100.0)}
                        aria-label="Replay under way" />
                }
            </div>
            <div class="timeline-track">
                <div class="timeline-markers" aria-hidden="true">
                    { for markers.iter().map(|m| {
                        let at = m.at;
                        let left = format!("left: {:.3}%", at as f64 * 100.0 / end.max(1) as f64);
                        let text = format!("{} · {}", seconds(at), m.text);
                        html! {
                            <span class={classes!("marker", m.kind.name())} style={left} title={text}
                                data-testid="timeline-marker" data-kind={m.kind.name()} data-at={at.to_string()}
                                onclick={d.reform(move |_| Action::Seek(at))}></span>
                        }
                    }) }
                </div>
                if !parked.is_empty() {
                    <div class="timeline-checkpoints" aria-hidden="true">
                        { for parked.iter().map(|at| {
                            let left = format!("left: {:.3}%", *at as f64 * 100.0 / end.max(1) as f64);
                            html! {
                                <span class="checkpoint" style={left} data-testid="timeline-checkpoint"
                                    title={format!("{}: a replay parked here; a seek after it starts from it", seconds(*at))}></span>
                            }
                        }) }
                    </div>
                }
                <input type="range" data-testid="timeline" min="0" max={end.to_string()} step={TICK_MS.to_string()}
                    value={now.to_string()} oninput={on_seek}
                    aria-label="Virtual time in ms: drag or use the arrow keys to look back; , and . step from event to event"
                    aria-valuetext={format!("{} of {}", seconds(now), seconds(end))} />
            </div>
            <div class="timeline-bar">
                <button onclick={back} title="One event back (,)" aria-label="One event back">{ "◀ event" }</button>
                <button onclick={forward} title="One event forward (.)" aria-label="One event forward">{ "event ▶" }</button>
                if past {
                    <button class="primary" onclick={live} data-testid="timeline-live">{ "Back to live" }</button>
                }
                if sim.other().is_some() {
                    <button onclick={other} data-testid="timeline-other"
                        title="Forking dropped the later inputs; this brings them back (until your next input)">{ "Back to the other timeline" }</button>
                }
                <button onclick={share} data-testid="share-link" title="A link that replays this run to this instant">{ "Copy link" }</button>
                <button onclick={export} title="Download the run as a JSON file">{ "Export run" }</button>
                <button onclick={pick} title="Replay a run from an exported JSON file">{ "Import run…" }</button>
                <input ref={file_ref} type="file" accept=".json,application/json" class="hidden-file" onchange={on_file}
                    tabindex="-1" aria-hidden="true" />
                <span class="trace-hash" title="A hash over every trace event so far: a replay of the same run ends with the same one">
                    { "trace hash " }<code data-testid="trace-hash">{ hash }</code>
                </span>
                if let Some(note) = &sim.replay_note {
                    <span class={classes!("replay-note", note.contains("differs").then_some("bad"))} data-testid="replay-note">{ note }</span>
                }
            </div>
            if !link_text.is_empty() {
                <p class="share-url">
                    <label>{ "Link (copied): " }
                        <input type="text" readonly=true value={(*link_text).clone()} data-testid="share-url" />
                    </label>
                </p>
            }
        </section>
    }
}
