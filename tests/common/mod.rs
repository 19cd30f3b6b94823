//! Helpers shared by the browser tests.
#![cfg(target_arch = "wasm32")]
#![allow(dead_code)] // each test file uses part of this

use std::cell::RefCell;
use std::rc::Rc;

use redfour::store::session_store::{MemoryBackend, SharedBackend};
use redfour::ui::app::{App, AppProps};
use redfour::ui::sim::{Action, Settings, Sim};

/// A store with no arriving customers (the test decides what happens), in memory, with
/// `sessions` sessions started.
pub fn quiet_store(seed: u64, sessions: usize) -> Rc<RefCell<Sim>> {
    let backend: SharedBackend = Rc::new(RefCell::new(MemoryBackend::default()));
    let settings = Settings {
        seed,
        arrivals_per_minute: 0.0,
        ..Settings::default()
    };
    let sim = Rc::new(RefCell::new(Sim::new(settings, backend)));
    if sessions > 0 {
        sim.borrow_mut().apply(Action::AddSessions(sessions));
    }
    sim
}

/// Renders the app for `sim` into a fresh element (not animated: the test drives it).
pub async fn mount(sim: Rc<RefCell<Sim>>) -> web_sys::Element {
    let document = web_sys::window().unwrap().document().unwrap();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    yew::Renderer::<App>::with_root_and_props(
        root.clone(),
        AppProps {
            sim: Some(sim),
            animate: false,
            tick: 0,
        },
    )
    .render();
    yew::scheduler::flush().await;
    root
}

/// Like [`mount`], with the app's handle: `frames(n)` advances `n` 16 ms animation frames
/// (wall time for the floor's stories) and re-renders.
pub struct Mounted {
    pub root: web_sys::Element,
    pub sim: Rc<RefCell<Sim>>,
    handle: yew::AppHandle<App>,
    tick: u64,
}

impl Mounted {
    pub async fn new(sim: Rc<RefCell<Sim>>) -> Mounted {
        let document = web_sys::window().unwrap().document().unwrap();
        let root = document.create_element("div").unwrap();
        document.body().unwrap().append_child(&root).unwrap();
        let handle = yew::Renderer::<App>::with_root_and_props(
            root.clone(),
            AppProps {
                sim: Some(sim.clone()),
                animate: false,
                tick: 0,
            },
        )
        .render();
        yew::scheduler::flush().await;
        Mounted {
            root,
            sim,
            handle,
            tick: 0,
        }
    }

    pub async fn frames(&mut self, n: usize) {
        for _ in 0..n {
            self.sim.borrow_mut().apply(Action::Frame(16.0));
        }
        self.tick += 1;
        self.handle.update(AppProps {
            sim: Some(self.sim.clone()),
            animate: false,
            tick: self.tick,
        });
        yew::scheduler::flush().await;
    }
}
