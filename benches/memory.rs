//! `cargo bench --bench memory`: heap bytes per idle process, counted exactly by a counting
//! allocator (kept out of `benches/runtime.rs`, whose timings it would slow down).

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use redfour::bench;

struct Counting;
static LIVE_BYTES: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE_BYTES.fetch_add(layout.size(), Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE_BYTES.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE_BYTES.fetch_add(new_size, Ordering::Relaxed);
        LIVE_BYTES.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn bytes_per_idle_process(n: usize) -> f64 {
    let rt = bench::runtime();
    bench::spawn_idle(&rt, 1_000); // let the tables reach their steady shape
    let before = LIVE_BYTES.load(Ordering::Relaxed);
    bench::spawn_idle(&rt, n);
    let after = LIVE_BYTES.load(Ordering::Relaxed);
    assert_eq!(rt.stats().live, n + 1_000);
    after.saturating_sub(before) as f64 / n as f64
}

fn main() {
    let quick = std::env::args().any(|a| a == "--test");
    let sizes: &[usize] = if quick {
        &[10_000]
    } else {
        &[10_000, 100_000, 1_000_000]
    };
    println!("redfour memory: heap bytes per idle process (spawned, waiting in receive)");
    for &n in sizes {
        println!(
            "memory {n} idle processes: {:.0} bytes/process  (target <= 300; Erlang/OTP 25: 2,698)",
            bytes_per_idle_process(n)
        );
    }
}
