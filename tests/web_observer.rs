//! The observer's components in headless Chromium: the floor shows a seeded store's
//! sessions, a click crashes one and the same key comes back with a new pid, and the tree
//! and the table show the runtime's processes.
#![cfg(target_arch = "wasm32")]

mod common;

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::rc::Rc;

use redfour::ui::sim::Sim;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn seeded_store(sessions: usize) -> Rc<RefCell<Sim>> {
    common::quiet_store(21, sessions)
}

fn all(root: &web_sys::Element, selector: &str) -> Vec<web_sys::Element> {
    let list = root.query_selector_all(selector).unwrap();
    (0..list.length())
        .filter_map(|i| list.item(i)?.dyn_into().ok())
        .collect()
}

fn attr(e: &web_sys::Element, name: &str) -> String {
    e.get_attribute(name).unwrap_or_default()
}

#[wasm_bindgen_test]
async fn the_floor_shows_every_session_and_a_click_brings_it_back_with_a_new_pid() {
    let sim = seeded_store(5);
    let root = common::mount(sim.clone()).await;
    let figures = all(&root, "[data-testid=session]");
    assert_eq!(figures.len(), 5);
    let expected: BTreeSet<(String, String)> = sim
        .borrow()
        .session_pids()
        .into_iter()
        .map(|(k, p)| (k, p.short()))
        .collect();
    let shown: BTreeSet<(String, String)> = figures
        .iter()
        .map(|f| (attr(f, "data-key"), attr(f, "data-pid")))
        .collect();
    assert_eq!(shown, expected);
    assert_eq!(
        root.query_selector("[data-testid=session-count]")
            .unwrap()
            .unwrap()
            .text_content()
            .unwrap(),
        "5"
    );

    let (key, old_pid) = (attr(&figures[2], "data-key"), attr(&figures[2], "data-pid"));
    figures[2]
        .dyn_ref::<web_sys::HtmlElement>()
        .unwrap()
        .click();
    yew::scheduler::flush().await;
    let again = root
        .query_selector(&format!("[data-testid=session][data-key='{key}']"))
        .unwrap()
        .expect("the same key is back");
    assert_ne!(attr(&again, "data-pid"), old_pid, "with a new pid");
    assert!(
        again.class_name().contains("restored"),
        "and a highlight: {}",
        again.class_name()
    );
    assert_eq!(
        root.query_selector("[data-testid=restart-count]")
            .unwrap()
            .unwrap()
            .text_content()
            .unwrap(),
        "1"
    );
    assert_eq!(all(&root, "[data-testid=session]").len(), 5);
}

#[wasm_bindgen_test]
async fn the_tree_and_the_table_show_the_runtimes_processes() {
    let sim = seeded_store(3);
    let root = common::mount(sim.clone()).await;
    let snapshot: BTreeSet<String> = sim
        .borrow()
        .processes()
        .iter()
        .map(|p| p.pid.short())
        .collect();
    let rows: BTreeSet<String> = all(&root, "[data-testid=process-row]")
        .iter()
        .map(|r| attr(r, "data-pid"))
        .collect();
    assert_eq!(
        rows, snapshot,
        "every process has a row (few enough to all be in view)"
    );
    // The tree holds the application's processes: master, root, 4 children, 3 sessions.
    let nodes: BTreeSet<String> = all(&root, ".tree-svg .node")
        .iter()
        .map(|n| attr(n, "data-pid"))
        .collect();
    assert_eq!(nodes.len(), 9);
    assert!(nodes.is_subset(&snapshot));
    for name in ["Catalog", "Sales", "SessionStore", "SessionSupervisor"] {
        assert!(
            root.query_selector(".tree-svg")
                .unwrap()
                .unwrap()
                .text_content()
                .unwrap()
                .contains(name),
            "{name} in the tree"
        );
    }
}
