//! The store's persistence in a real browser: localStorage across a "reload", and a full
//! quota (run by `wasm-pack test --headless --chrome`).
#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::rc::Rc;

use redfour::runtime::gen_server;
use redfour::runtime::{Ctx, Event, Runtime, Term};
use redfour::store::session_store::{Backend, SharedBackend};
use redfour::store::shopping::{self, Persistence, StoreConfig};
use redfour::ui::local_storage::LocalStorageBackend;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn clear_redfour_keys() {
    let storage = web_sys::window().unwrap().local_storage().unwrap().unwrap();
    let keys: Vec<String> = (0..storage.length().unwrap())
        .filter_map(|i| storage.key(i).unwrap())
        .filter(|k| k.starts_with("redfour."))
        .collect();
    for k in keys {
        storage.remove_item(&k).unwrap();
    }
}

/// A store on localStorage, booted as the page does.
fn boot() -> Runtime {
    let rt = Runtime::new(1);
    let backend: SharedBackend = Rc::new(RefCell::new(LocalStorageBackend::default()));
    shopping::install(
        &rt,
        StoreConfig {
            backend,
            persistence: Persistence::Snapshot,
            idle_ms: 600_000,
        },
    );
    assert_eq!(shopping::boot(&rt).unwrap(), Term::ok());
    rt
}

fn select(rt: &Runtime, key: &'static str, sku: &'static str) -> Term {
    rt.block_on(move |ctx: Ctx| async move {
        let req = Term::tuple(vec![
            Term::atom("select_item"),
            Term::str(sku),
            Term::Int(1),
        ]);
        gen_server::call(&ctx, key, req, Some(5000)).await.unwrap()
    })
    .unwrap()
}

fn items(rt: &Runtime, key: &str) -> usize {
    let pid = rt
        .whereis(key)
        .unwrap_or_else(|| panic!("{key} is not running"));
    rt.state_of(pid)
        .unwrap()
        .get("items")
        .unwrap()
        .as_list()
        .unwrap()
        .len()
}

#[wasm_bindgen_test]
fn sessions_come_back_after_a_reload() {
    clear_redfour_keys();
    let rt = boot();
    for key in ["ada", "grace"] {
        rt.block_on(move |ctx: Ctx| async move {
            shopping::start_session(&ctx, &Term::atom(key)).await
        })
        .unwrap()
        .unwrap();
    }
    assert_eq!(select(&rt, "ada", "R4-HELMET"), Term::ok());
    assert_eq!(select(&rt, "ada", "R4-MUG"), Term::ok());
    drop(rt); // the page goes away; localStorage stays

    let rt = boot();
    assert_eq!(items(&rt, "ada"), 2);
    assert_eq!(items(&rt, "grace"), 0);
    clear_redfour_keys();
}

#[wasm_bindgen_test]
fn a_full_quota_gives_a_clear_error_and_loses_nothing() {
    clear_redfour_keys();
    let rt = boot();
    rt.set_trace_capacity(100_000);
    rt.block_on(|ctx: Ctx| async move { shopping::start_session(&ctx, &Term::atom("ada")).await })
        .unwrap()
        .unwrap();
    assert_eq!(select(&rt, "ada", "R4-HELMET"), Term::ok());
    let mut storage = LocalStorageBackend::default();
    let before = storage.load("redfour.session.ada").unwrap().unwrap();

    // Fill the origin's quota with ever smaller filler until not even 16 bytes fit.
    let mut fillers = 0;
    for size in [512 * 1024, 64 * 1024, 8 * 1024, 1024, 128, 16] {
        let chunk = "x".repeat(size);
        while storage.save(&format!("redfour.f{fillers}"), &chunk).is_ok() {
            fillers += 1;
            assert!(fillers < 10_000, "the quota never filled");
        }
    }

    // The session goes on; the trace says why nothing was saved; the old snapshot is intact.
    assert_eq!(select(&rt, "ada", "R4-SUIT"), Term::ok());
    assert_eq!(items(&rt, "ada"), 2);
    let message = rt.trace_since(0).into_iter().find_map(|e| match e.event {
        Event::Note { kind, text, .. } if &*kind == "storage" => Some(text.to_string()),
        _ => None,
    });
    assert_eq!(
        message.as_deref(),
        Some("could not save session redfour.session.ada: storage is full (quota exceeded); the previous snapshot is kept")
    );
    assert_eq!(
        storage.load("redfour.session.ada").unwrap().unwrap(),
        before
    );
    clear_redfour_keys();
}
