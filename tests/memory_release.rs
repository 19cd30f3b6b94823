//! A run let go gives its memory back: a past left behind by a seek, a replay, a reset.
//! Each process's future holds the runtime, so before `Runtime::shut_down` every replay of a
//! busy store stayed in memory for good (about 15 MB for five minutes at 600 arrivals a
//! minute), and scrubbing the timeline back and forth grew the tab without end.
//!
//! One test in this file: the allocator's count is the whole binary's.
#![cfg(not(target_arch = "wasm32"))]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::RefCell;
use std::rc::Rc;
use std::sync::atomic::{AtomicIsize, Ordering::Relaxed};

use redfour::store::session_store::{MemoryBackend, SharedBackend};
use redfour::ui::sim::{Action, Settings, Sim, Stop};

struct Counting;
static LIVE: AtomicIsize = AtomicIsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size() as isize, Relaxed);
        System.alloc(layout)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size() as isize, Relaxed);
        System.dealloc(ptr, layout)
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn live_kb() -> isize {
    LIVE.load(Relaxed) / 1024
}

#[test]
fn replays_seeks_and_resets_give_their_memory_back() {
    let backend: SharedBackend = Rc::new(RefCell::new(MemoryBackend::default()));
    let settings = Settings {
        seed: 3,
        arrivals_per_minute: 300.0,
        speed: 20.0,
        ..Settings::default()
    };
    let mut live = Sim::new(settings, backend);
    for _ in 0..300 {
        live.apply(Action::Frame(16.0)); // about 100 virtual seconds
    }
    let run = live.run.clone();
    let at = live.rt.now();

    let before = live_kb();
    let one = Sim::replay(&run, Stop::Time(at));
    let held = live_kb() - before;
    assert!(
        held > 500,
        "a replay of a busy store holds some memory ({held} KB)"
    );
    drop(one);
    for _ in 0..3 {
        drop(Sim::replay(&run, Stop::Time(at)));
    }
    let kept = live_kb() - before;
    assert!(
        kept < held / 10,
        "four replays let go keep {kept} KB (one held {held} KB)"
    );

    // Seeking back and forth: each past the page leaves is let go (or parked, within limits).
    let before = live_kb();
    for i in 0..6u64 {
        live.apply(Action::Seek(at / 2 + i * 1_000));
        live.apply(Action::Seek(at / 4));
    }
    live.apply(Action::Live);
    let kept = live_kb() - before;
    assert!(
        kept < 2 * held,
        "twelve seeks keep {kept} KB: about a replay's worth at most ({held} KB)"
    );

    // A reset lets the old run go.
    let before = live_kb();
    live.apply(Action::Reset(4));
    let kept = live_kb() - before;
    assert!(kept < held / 2, "a reset keeps {kept} KB of the old run");
}
