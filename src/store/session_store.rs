//! The SessionStore: where sessions save their state when the persistence policy is
//! `snapshot`, so that a restarted session can reload it. This is the question Part 2 of
//! the Red:4 series ends on: a supervisor restarts a process, not its data.
//!
//! The store talks to a [`Backend`]: memory natively and in tests, the browser's
//! localStorage in the app (given by the host, so this module stays browser-free).

use std::fmt;
use std::rc::Rc;

use crate::atom;
use crate::runtime::gen_server::From;
use crate::runtime::{CallReply, Ctx, GenServer, Term};

/// The SessionStore's registered name.
pub const NAME: &str = "Redfour.SessionStore";

/// What can go wrong in storage. None of it stops the store: it is reported and the
/// simulation goes on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StorageError {
    /// The backend is full (localStorage's quota). Nothing stored before is lost.
    QuotaExceeded,
    /// The backend cannot be used at all (private mode, disabled storage…).
    Unavailable(String),
}

impl fmt::Display for StorageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StorageError::QuotaExceeded => write!(f, "storage is full (quota exceeded)"),
            StorageError::Unavailable(why) => write!(f, "storage is unavailable: {why}"),
        }
    }
}

impl StorageError {
    fn to_term(&self) -> Term {
        match self {
            StorageError::QuotaExceeded => Term::atom("quota_exceeded"),
            StorageError::Unavailable(why) => {
                Term::tuple(vec![Term::atom("unavailable"), Term::str(why)])
            }
        }
    }
}

/// A key-value store of session snapshots.
pub trait Backend {
    fn load(&self, key: &str) -> Result<Option<String>, StorageError>;
    fn save(&mut self, key: &str, value: &str) -> Result<(), StorageError>;
    fn remove(&mut self, key: &str);
    /// Every stored key.
    fn keys(&self) -> Vec<String>;
    /// "memory", "localStorage", …
    fn kind(&self) -> &'static str;
}

/// A backend in memory, with an optional quota in bytes (to test a full store natively).
#[derive(Clone, Debug, Default)]
pub struct MemoryBackend {
    entries: std::collections::HashMap<String, String, crate::runtime::FnvBuild>,
    pub quota: Option<usize>,
}

impl MemoryBackend {
    pub fn with_quota(quota: usize) -> Self {
        MemoryBackend {
            entries: Default::default(),
            quota: Some(quota),
        }
    }

    fn used(&self) -> usize {
        self.entries.iter().map(|(k, v)| k.len() + v.len()).sum()
    }
}

impl Backend for MemoryBackend {
    fn load(&self, key: &str) -> Result<Option<String>, StorageError> {
        Ok(self.entries.get(key).cloned())
    }
    fn save(&mut self, key: &str, value: &str) -> Result<(), StorageError> {
        if let Some(quota) = self.quota {
            let current = self.entries.get(key).map_or(0, |v| key.len() + v.len());
            if self.used() - current + key.len() + value.len() > quota {
                return Err(StorageError::QuotaExceeded);
            }
        }
        self.entries.insert(key.to_string(), value.to_string());
        Ok(())
    }
    fn remove(&mut self, key: &str) {
        self.entries.remove(key);
    }
    fn keys(&self) -> Vec<String> {
        let mut keys: Vec<String> = self.entries.keys().cloned().collect();
        crate::sorting::sort(&mut keys);
        keys
    }
    fn kind(&self) -> &'static str {
        "memory"
    }
}

/// A backend shared between the store process and whoever else needs it (a test, or the
/// host that rebuilds the store after a reload).
pub type SharedBackend = Rc<std::cell::RefCell<dyn Backend>>;

/// The SessionStore server.
pub struct SessionStore {
    backend: SharedBackend,
    writes: u64,
    failures: u64,
    /// True since the last save failed (and until one succeeds).
    failing: bool,
}

impl SessionStore {
    pub fn new(backend: SharedBackend) -> Self {
        SessionStore {
            backend,
            writes: 0,
            failures: 0,
            failing: false,
        }
    }
}

impl GenServer for SessionStore {
    const MODULE: &'static str = NAME;

    /// `{:save, key, json}` → `:ok | {:error, :quota_exceeded}`; `{:load, key}` →
    /// `{:ok, json} | :none`; `{:delete, key}` → `:ok`; `:keys` → list of strings.
    async fn handle_call(
        &mut self,
        ctx: &Ctx,
        request: Term,
        _from: From,
    ) -> Result<CallReply, Term> {
        let Ok(mut backend) = self.backend.try_borrow_mut() else {
            return Ok(CallReply::Reply(Term::error_tuple(Term::Atom(atom!(
                "busy"
            )))));
        };
        let reply = match request.as_tuple() {
            Some([tag, Term::Str(key), Term::Str(json)]) if tag == &Term::Atom(atom!("save")) => {
                match backend.save(key, json) {
                    Ok(()) => {
                        self.writes += 1;
                        if std::mem::take(&mut self.failing) {
                            ctx.note(
                                "storage",
                                &format!("saving works again (session {key} saved)"),
                            );
                        }
                        Term::ok()
                    }
                    Err(e) => {
                        self.failures += 1;
                        self.failing = true;
                        ctx.note(
                            "storage",
                            &format!(
                                "could not save session {key}: {e}; the previous snapshot is kept"
                            ),
                        );
                        Term::error_tuple(e.to_term())
                    }
                }
            }
            Some([tag, Term::Str(key)]) if tag == &Term::Atom(atom!("load")) => {
                match backend.load(key) {
                    Ok(Some(json)) => Term::ok_tuple(Term::str(&json)),
                    Ok(None) => Term::Atom(atom!("none")),
                    Err(e) => Term::error_tuple(e.to_term()),
                }
            }
            Some([tag, Term::Str(key)]) if tag == &Term::Atom(atom!("delete")) => {
                backend.remove(key);
                Term::ok()
            }
            _ if request == Term::atom("keys") => {
                Term::list(backend.keys().iter().map(|k| Term::str(k)).collect())
            }
            _ => Term::error_tuple(Term::atom("bad_request")),
        };
        Ok(CallReply::Reply(reply))
    }

    fn state(&self) -> Term {
        let backend = self.backend.try_borrow();
        Term::atom_map(&[
            (
                "backend",
                Term::str(backend.as_ref().map(|b| b.kind()).unwrap_or("busy")),
            ),
            (
                "stored",
                Term::Int(backend.map(|b| b.keys().len() as i64).unwrap_or(0)),
            ),
            ("writes", Term::Int(self.writes as i64)),
            ("failures", Term::Int(self.failures as i64)),
        ])
    }

    fn summary(&self) -> String {
        format!("{} writes, {} failed", self.writes, self.failures)
    }
}
