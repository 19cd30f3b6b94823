//! The floor as the observer models it, from the trace: a customer per live Session (by
//! its registered key), the crash stories being told, and the customers walking out. Where
//! a customer is at a given wall-clock instant is derived here; the canvas draws it.

use std::collections::{BTreeMap, VecDeque};
use std::rc::Rc;

use super::crash_story::{Beat, CrashStory};
use super::floor_plan;
use super::sim::{CHECKOUT_WALK_MS, WALKERS_KEEP, WALK_MS};
use crate::runtime::term::Atom;
use crate::runtime::{signal, FnvBuild, Pid, PidMap, Term};
use crate::sorted_map::SortedSet;
use crate::store::shopping::Persistence;

/// A customer on the floor: a live Session process (or one whose crash story is still
/// being told), by its registered key.
#[derive(Clone, Debug, PartialEq)]
pub struct Customer {
    pub key: Rc<str>,
    /// `floor_plan::hash` of the key: where it browses.
    pub hash: u64,
    /// The current process (after a crash: the successor, once it registered).
    pub pid: Pid,
    /// False between its process's crash and its successor's start (or for good, if its
    /// supervisor gave up).
    pub live: bool,
    pub items: i64,
    /// Wall ms when it came in (it walks from the door for `WALK_MS`).
    pub arrived: f64,
    /// Started by the SessionSupervisor (false for the post's `Session.start_link` typed in
    /// the console: nothing restarts it).
    pub supervised: bool,
}

/// A customer walking out: through the checkout after a sale, or straight to the door.
#[derive(Clone, Debug, PartialEq)]
pub struct Walker {
    pub key: Rc<str>,
    pub pid: Pid,
    pub items: i64,
    pub aisle: usize,
    pub from: (f64, f64),
    /// The checkout lane it pays at, if it bought.
    pub lane: Option<usize>,
    pub started: f64,
}

impl Walker {
    pub fn duration(&self) -> f64 {
        if self.lane.is_some() {
            CHECKOUT_WALK_MS
        } else {
            WALK_MS
        }
    }

    /// Where it is, and whether it is (still) at the checkout.
    pub fn position(&self, wall_ms: f64) -> ((f64, f64), bool) {
        let t = ((wall_ms - self.started) / self.duration()).clamp(0.0, 1.0);
        match self.lane {
            Some(lane) => (
                floor_plan::along(
                    &floor_plan::path_out_via_checkout(self.aisle, self.from, lane),
                    t,
                ),
                t < 0.75,
            ),
            None => (
                floor_plan::along(&floor_plan::path_out(self.aisle, self.from), t),
                false,
            ),
        }
    }
}

#[derive(Default)]
pub struct FloorModel {
    /// The customers on the floor, by key.
    pub(super) customers: BTreeMap<Rc<str>, Customer>,
    /// Live Session pids and their keys.
    pub(super) session_keys: PidMap<Rc<str>>,
    /// Those of them no supervisor started (the post's `start_link` typed in the console):
    /// few, kept so that the badge's count needs no walk over every session each frame.
    pub(super) unsupervised: SortedSet<Pid>,
    /// Crash stories being told, by key.
    pub(super) stories: std::collections::HashMap<Rc<str>, CrashStory, FnvBuild>,
    /// Customers walking out.
    pub(super) walkers: VecDeque<Walker>,
    /// Keys that just bought (their session's normal exit walks them through the checkout).
    pub(super) bought: SortedSet<Rc<str>>,
}

impl FloorModel {
    /// A Session registered its key: a new customer, or a killed one's successor (the same
    /// customer, with its new pid).
    pub fn session_registered(
        &mut self,
        name: &Rc<str>,
        pid: Pid,
        items: i64,
        supervised: bool,
        wall: f64,
    ) {
        match self.customers.get_mut(name) {
            Some(c) => {
                self.session_keys.remove(&c.pid);
                self.unsupervised.remove(&c.pid);
                c.pid = pid;
                c.live = true;
                c.items = items;
                c.supervised = supervised;
            }
            None => {
                self.customers.insert(
                    name.clone(),
                    Customer {
                        key: name.clone(),
                        hash: floor_plan::hash(name),
                        pid,
                        live: true,
                        items,
                        arrived: wall,
                        supervised,
                    },
                );
            }
        }
        self.session_keys.insert(pid, name.clone());
        if !supervised {
            self.unsupervised.insert(pid);
        }
    }

    /// A process exited. A Session that crashed starts its crash story (its supervisor's
    /// restart fills it in) and its key is returned; one that ended normally walks out
    /// (through the checkout if it just bought); one its supervisor shut down just goes.
    pub fn session_exited(
        &mut self,
        pid: Pid,
        reason: &Term,
        wall: f64,
        persistence: Persistence,
    ) -> Option<Rc<str>> {
        self.unsupervised.remove(&pid);
        let key = self.session_keys.remove(&pid)?;
        let c = self.customers.get(&key).cloned()?;
        let at = self.position_of(&c, wall);
        if let Some(c) = self.customers.get_mut(&key) {
            c.live = false;
        }
        if !signal::is_clean(reason) {
            self.stories.insert(
                key.clone(),
                CrashStory {
                    key: key.clone(),
                    old: pid,
                    new: None,
                    supervisor: None,
                    supervised: c.supervised,
                    reason: reason.to_string(),
                    items_before: c.items,
                    items_after: None,
                    persistence,
                    gave_up: false,
                    storage_failing: None,
                    started: wall,
                    at,
                },
            );
            return Some(key);
        }
        self.customers.remove(&key);
        let bought = self.bought.remove(&key);
        // `:shutdown` is its supervisor stopping it: it leaves no ghost behind.
        if reason.is_atom(Atom::NORMAL) {
            let (aisle, ..) = floor_plan::home(&key, c.items);
            self.walkers.push_back(Walker {
                lane: bought.then_some((c.hash % floor_plan::CHECKOUT_LANES as u64) as usize),
                key,
                pid,
                items: c.items,
                aisle,
                from: at,
                started: wall,
            });
            if self.walkers.len() > WALKERS_KEEP {
                self.walkers.pop_front();
            }
        }
        None
    }

    /// A supervisor restarted `old` as `new`: a crash story under way learns its ending
    /// (who restarted it, the cart the successor has, and whether saving was failing).
    pub fn restarted(
        &mut self,
        old: Pid,
        new: Pid,
        by: Option<Rc<str>>,
        items_after: i64,
        storage_failing: Option<String>,
    ) {
        if let Some(story) = self.stories.values_mut().find(|s| s.old == old) {
            story.new = Some(new);
            story.supervisor = by;
            story.items_after = Some(items_after);
            story.storage_failing = storage_failing;
        }
    }

    /// A supervisor (`name`) gave up: the stories still waiting for a restart end with it.
    pub fn gave_up(&mut self, name: &Rc<str>) {
        for story in self.stories.values_mut().filter(|s| s.new.is_none()) {
            story.gave_up = true;
            story.supervisor = Some(name.clone());
        }
    }

    /// The live customers and the items in their carts (what a give-up takes down).
    pub fn live_carts(&self) -> (usize, i64) {
        self.customers
            .values()
            .filter(|c| c.live)
            .fold((0, 0i64), |(n, items), c| {
                (n + 1, items.saturating_add(c.items))
            })
    }

    /// Where a customer is at wall time `wall`, in world units: walking in from the door,
    /// browsing around its spot (further along the fuller its cart), or frozen where it was
    /// killed.
    pub fn position_of(&self, c: &Customer, wall: f64) -> (f64, f64) {
        if let Some(story) = self.stories.get(&c.key) {
            if matches!(story.beat(wall), Beat::Killed | Beat::Restarting) {
                return story.at;
            }
        }
        let (aisle, hx, hy) = floor_plan::home_of(c.hash, c.items);
        let spot = (hx + floor_plan::wander(c.hash, wall), hy);
        let t = (wall - c.arrived) / WALK_MS;
        if t < 1.0 {
            floor_plan::along(&floor_plan::path_in(aisle, spot), t)
        } else {
            spot
        }
    }

    /// The pid a figure shows at wall time `wall`: during a crash story, the old one until
    /// the customer is back.
    pub fn shown_pid(&self, c: &Customer, wall: f64) -> Pid {
        self.stories
            .get(&c.key)
            .map_or(c.pid, |s| s.shown_pid(wall))
    }

    /// Live sessions as (key, pid), in key order.
    pub fn session_pids(&self) -> Vec<(String, Pid)> {
        self.customers
            .values()
            .filter(|c| c.live)
            .map(|c| (c.key.to_string(), c.pid))
            .collect()
    }

    /// Live sessions.
    pub fn session_count(&self) -> usize {
        self.session_keys.len()
    }

    /// Live sessions the SessionSupervisor started.
    pub fn supervised_session_count(&self) -> usize {
        self.session_keys.len() - self.unsupervised.len()
    }
}
