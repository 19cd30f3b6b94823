//! What the native tests share: a console on a booted store, the observer's model on an
//! in-memory store, and transcripts compared by which pids are the same.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use redfour::console::Console;
use redfour::runtime::Runtime;
use redfour::store::console_bindings;
use redfour::store::session_store::{MemoryBackend, SharedBackend};
use redfour::store::shopping::{self, StoreConfig};
use redfour::ui::sim::{Settings, Sim};

/// A console on a booted store (in memory) with the store's bindings, and its runtime.
pub fn console(seed: u64) -> (Runtime, Console) {
    let rt = Runtime::new(seed);
    shopping::install(&rt, StoreConfig::in_memory());
    shopping::boot(&rt).unwrap();
    let mut c = Console::new(rt.clone());
    c.register(console_bindings::register);
    (rt, c)
}

/// The observer's model with `settings`, its store in memory.
pub fn sim(settings: Settings) -> Sim {
    let backend: SharedBackend = Rc::new(RefCell::new(MemoryBackend::default()));
    Sim::new(settings, backend)
}

/// Replaces each distinct `prefix…>` by `tag1>`, `tag2>`… in order of appearance, so that
/// transcripts compare by which pids (or references) are the same and which are new:
/// `by_identity(text, "#PID<", "#PID<P")` turns `#PID<0.93.0>` into `#PID<P1>`.
pub fn by_identity(text: &str, prefix: &str, tag: &str) -> String {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find(prefix) {
        out.push_str(&rest[..start]);
        let tail = &rest[start..];
        let end = tail.find('>').map_or(tail.len(), |e| e + 1);
        let n = seen.len() + 1;
        let id = *seen.entry(tail[..end].to_string()).or_insert(n);
        out.push_str(&format!("{tag}{id}>"));
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}
