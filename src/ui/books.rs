//! The store's books over a whole run, as the observer shows them: the Sales process keeps
//! them, but an application restart starts a new, empty Sales, so the figures of the gone
//! ones are kept here and added to the current one's.

use crate::runtime::{Pid, Runtime};
use crate::store::sales::{self, Figures};
use crate::store::shopping;

#[derive(Clone, Debug, Default)]
pub struct Books {
    /// The figures of the Sales processes that have gone.
    before: Figures,
    /// The current Sales's, as last read.
    now: Figures,
    /// The Sales process they were read from.
    pid: Option<Pid>,
}

impl Books {
    /// Reads the current Sales's figures; a new Sales (after an application restart)
    /// starts from zero, so the gone one's are added to `before` first.
    pub fn read(&mut self, rt: &Runtime) {
        let pid = rt.whereis(sales::NAME);
        if pid != self.pid {
            self.before = self.before.plus(&self.now);
            self.now = Figures::default();
            self.pid = pid;
        }
        if pid.is_some() {
            self.now = shopping::figures(rt);
        }
    }

    /// Whether they were ever read from a Sales process.
    pub fn has_source(&self) -> bool {
        self.pid.is_some()
    }

    /// The figures over the whole run (they never go back), with `restarts` by any
    /// supervisor.
    pub fn total(&self, restarts: i64) -> Figures {
        Figures {
            restarts,
            ..self.before.plus(&self.now)
        }
    }
}
