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

fn text(root: &web_sys::Element, selector: &str) -> String {
    root.query_selector(selector)
        .unwrap()
        .and_then(|e| e.text_content())
        .unwrap_or_default()
}

#[wasm_bindgen_test]
async fn the_floor_shows_every_session_and_a_click_tells_its_crash_story() {
    let sim = seeded_store(5);
    let mut app = common::Mounted::new(sim.clone()).await;
    app.frames(100).await; // past the walk in from the door
    let root = app.root.clone();
    let floor = root.query_selector("[data-testid=floor]").unwrap().unwrap();
    assert_eq!(attr(&floor, "data-live"), "5");
    assert_eq!(attr(&floor, "data-drawn"), "5", "every customer is drawn");
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
    assert_eq!(text(&root, "[data-testid=session-count]"), "5");
    // The canvas is sized to its box and has something drawn on it.
    let canvas: web_sys::HtmlCanvasElement = root
        .query_selector("canvas.floor-canvas")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    assert!(canvas.width() > 100 && canvas.height() > 100);

    let (key, old_pid) = (attr(&figures[2], "data-key"), attr(&figures[2], "data-pid"));
    // Inspect it first: the inspector follows it through the crash.
    let selected = sim.borrow().customer(&key).unwrap().pid;
    sim.borrow_mut()
        .apply(redfour::ui::sim::Action::Select(Some(selected)));
    app.frames(1).await;
    figures[2]
        .dyn_ref::<web_sys::HtmlElement>()
        .unwrap()
        .click();
    yew::scheduler::flush().await;
    assert_eq!(
        text(&root, "[data-testid=crash-caption]"),
        format!("killed · {old_pid}"),
        "first the death, with the pid that died"
    );
    let same = |root: &web_sys::Element| {
        root.query_selector(&format!("[data-testid=session][data-key='{key}']"))
            .unwrap()
            .expect("the same key stays on the floor")
    };
    assert_eq!(attr(&same(&root), "data-pid"), old_pid);
    assert_eq!(text(&root, "[data-testid=restart-count]"), "1");

    app.frames(80).await; // 1.3 s of wall time
    let new_pid = attr(&same(&root), "data-pid");
    assert_ne!(new_pid, old_pid, "back, with a new pid");
    assert_eq!(
        text(&root, "[data-testid=crash-caption]"),
        format!(
            "restarted by Redfour.SessionSupervisor · {old_pid} → {new_pid} · cart was empty: nothing lost"
        )
    );
    assert_eq!(all(&root, "[data-testid=session]").len(), 5);
    let restarts = text(&root, "[data-testid=inspector-restarts]");
    assert!(
        restarts.contains(&format!(
            "{old_pid} → {new_pid}  restarted by Redfour.SessionSupervisor after exit :killed"
        )),
        "{restarts}"
    );
    assert!(text(&root, "[data-testid=region-inspector]").contains(&format!("#PID{new_pid}")));
    app.frames(250).await;
    assert!(
        all(&root, "[data-testid=crash-caption]").is_empty(),
        "the story ends"
    );
}

#[wasm_bindgen_test]
async fn keyboard_focus_stays_on_one_customer_and_enter_crashes_it() {
    let sim = seeded_store(12);
    let mut app = common::Mounted::new(sim.clone()).await;
    app.frames(100).await;
    let root = app.root.clone();
    let buttons = all(&root, "[data-testid=session]");
    let target = buttons[5]
        .dyn_ref::<web_sys::HtmlElement>()
        .unwrap()
        .clone();
    let key = attr(&target, "data-key");
    target.focus().unwrap();
    app.frames(5).await;
    let document = web_sys::window().unwrap().document().unwrap();
    for _ in 0..10 {
        // Customers move (they wander and new frames re-order nothing): focus stays.
        app.frames(20).await;
        let active = document.active_element().expect("something has focus");
        assert_eq!(attr(&active, "data-key"), key);
    }
    // Focus shows the customer's card.
    assert!(text(&root, "[data-testid=customer-card]").contains(&format!(":{key}")));
    let old = attr(&target, "data-pid");
    target.click(); // what Enter does on a button
    yew::scheduler::flush().await;
    assert!(text(&root, "[data-testid=crash-caption]").contains(&old));
    let active = document.active_element().unwrap();
    assert_eq!(
        attr(&active, "data-key"),
        key,
        "still on the same customer after the crash"
    );
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
    // Tree nodes are focusable: Enter inspects, Delete crashes.
    let catalog = all(&root, ".tree-svg .node")
        .into_iter()
        .find(|n| n.text_content().unwrap_or_default().contains("Catalog"))
        .unwrap();
    assert_eq!(attr(&catalog, "tabindex"), "0");
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
