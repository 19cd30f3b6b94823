//! Process identifiers and references.

use std::fmt;

/// A process identifier, printed `#PID<0.N.0>` like a local pid on the BEAM.
///
/// `serial` is unique for the whole run (a pid is never reused); `index` is the slot the
/// process occupies in the process table, so finding a process costs one array lookup.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Pid {
    pub(crate) index: u32,
    pub(crate) serial: u32,
}

impl Pid {
    /// `#PID<0.0.0>`: the host, sender of everything the page does to the runtime.
    pub fn host() -> Pid {
        Pid {
            index: 0,
            serial: 0,
        }
    }

    /// The number shown in `#PID<0.N.0>`.
    pub fn number(self) -> u32 {
        self.serial
    }

    /// The short form used in the observer and `data-pid`: `<0.96.0>`.
    pub fn short(self) -> String {
        format!("<0.{}.0>", self.serial)
    }
}

impl PartialOrd for Pid {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Pid {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.serial.cmp(&other.serial)
    }
}

impl fmt::Display for Pid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#PID<0.{}.0>", self.serial)
    }
}
impl fmt::Debug for Pid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#PID<0.{}.0>", self.serial)
    }
}

/// A unique reference (`make_ref/0`, monitor references, call tags).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Ref(pub(crate) u64);

impl fmt::Display for Ref {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "#Reference<0.0.{}.{}>",
            self.0 >> 32,
            self.0 & 0xffff_ffff
        )
    }
}
impl fmt::Debug for Ref {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// A map keyed by pid, for lookups only (its iteration order is fixed run to run, but not
/// the pids' order): hashed with the runtime's FNV hasher, cheaper in code than a `BTreeMap`
/// and, unlike a sorted vector, as fast at 100,000 sessions.
pub(crate) type PidMap<V> = std::collections::HashMap<Pid, V, FnvBuild>;

/// The runtime's FNV-1a hasher as a `BuildHasher`, for maps whose keys nobody can choose to
/// collide (pids, a customer's key).
pub(crate) type FnvBuild = std::hash::BuildHasherDefault<crate::runtime::term::NameHasher>;
