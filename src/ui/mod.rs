//! The observer, in Yew. Components read snapshots of the runtime and send it commands;
//! they never reach into its internals.

pub mod actions;
pub mod app;
pub mod books;
pub mod charts;
pub mod checkpoints;
pub mod console_view;
pub mod controls;
pub mod crash_story;
pub mod editor;
pub mod editor_view;
pub mod embed;
pub mod ets_tables;
pub mod floor;
pub mod floor_canvas;
pub mod floor_model;
pub mod floor_plan;
pub mod floor_scene;
pub mod frame_pacer;
pub mod inspector;
pub mod lesson;
pub mod lesson_view;
pub mod local_storage;
pub mod markers;
pub mod observer;
pub mod pid_names;
pub mod process_table;
pub mod recording;
pub mod sequence;
pub mod sequence_log;
pub mod sequence_view;
pub mod settings;
pub mod sim;
pub mod timeline;
pub mod trace_view;
pub mod tree;

/// A Rust panic aborts the wasm module: the page would freeze silently. This hook shows a
/// visible banner with the message first, so a bug is never a silent frozen page.
pub fn install_panic_banner() {
    std::panic::set_hook(Box::new(|info| {
        let text =
            format!("Internal error: the app stopped. Reload the page to start again.\n{info}");
        let banner = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id("internal-error"));
        if let Some(banner) = banner {
            banner.set_text_content(Some(&text));
            let _ = banner.remove_attribute("hidden");
        }
        web_sys::console::error_1(&text.into());
    }));
}
