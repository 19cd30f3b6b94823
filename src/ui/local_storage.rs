//! The SessionStore's backend in the browser: `window.localStorage`. A reload of the page
//! finds the open sessions again; a full quota is reported as `QuotaExceeded` and stores
//! nothing (the entry already there stays as it was).

use wasm_bindgen::{JsCast, JsValue};

use crate::store::session_store::{Backend, StorageError};

/// Keys this app owns start with this prefix.
pub const PREFIX: &str = "redfour.";

pub struct LocalStorageBackend {
    storage: Option<web_sys::Storage>,
}

impl Default for LocalStorageBackend {
    fn default() -> Self {
        LocalStorageBackend {
            storage: web_sys::window().and_then(|w| w.local_storage().ok().flatten()),
        }
    }
}

fn describe(e: &JsValue) -> String {
    e.dyn_ref::<web_sys::DomException>()
        .map(|d| format!("{}: {}", d.name(), d.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "unknown error".into())
}

fn classify(e: JsValue) -> StorageError {
    match e.dyn_ref::<web_sys::DomException>() {
        Some(d) if d.name() == "QuotaExceededError" || d.code() == 22 => {
            StorageError::QuotaExceeded
        }
        _ => StorageError::Unavailable(describe(&e)),
    }
}

impl LocalStorageBackend {
    fn storage(&self) -> Result<&web_sys::Storage, StorageError> {
        self.storage.as_ref().ok_or_else(|| {
            StorageError::Unavailable("this browser gives the page no localStorage".into())
        })
    }
}

impl Backend for LocalStorageBackend {
    fn load(&self, key: &str) -> Result<Option<String>, StorageError> {
        self.storage()?.get_item(key).map_err(classify)
    }

    fn save(&mut self, key: &str, value: &str) -> Result<(), StorageError> {
        self.storage()?.set_item(key, value).map_err(classify)
    }

    fn remove(&mut self, key: &str) {
        if let Ok(storage) = self.storage() {
            let _ = storage.remove_item(key);
        }
    }

    fn keys(&self) -> Vec<String> {
        let Ok(storage) = self.storage() else {
            return vec![];
        };
        let n = storage.length().unwrap_or(0);
        let mut keys: Vec<String> = (0..n)
            .filter_map(|i| storage.key(i).ok().flatten())
            .filter(|k| k.starts_with(PREFIX))
            .collect();
        crate::sorting::sort(&mut keys);
        keys
    }

    fn kind(&self) -> &'static str {
        "localStorage"
    }
}
