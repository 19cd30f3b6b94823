//! A process's heap, measured and let go a piece at a time: what `max_heap_size` reads, and
//! how a killed process's data is freed without a pause.

use super::*;

impl Machine {
    /// An estimate of the data this process holds (its variables, and the values waiting in
    /// its frames), counting shared data once; stops counting past `cap`.
    pub fn heap_bytes(&mut self, cap: usize) -> usize {
        self.heap_walk = None;
        loop {
            if let Some(bytes) = self.heap_step(cap, usize::MAX) {
                return bytes;
            }
        }
    }

    /// The values this process holds: its variables and those waiting in its frames.
    pub(super) fn roots(&self) -> Vec<Term> {
        let mut todo: Vec<Term> = self.env.iter().map(|(_, t)| t.clone()).collect();
        if let Some(Ctl::Vm(vm)) = &self.ctl {
            todo.extend(vm.values().iter().cloned());
        }
        for k in &self.stack {
            match k {
                Kont::Restore(env, _) => todo.extend(env.iter().map(|(_, t)| t.clone())),
                Kont::Build(_, _, vals) => todo.extend(vals.iter().cloned()),
                Kont::For(st) => todo.extend(st.out.iter().cloned()),
                Kont::Value(t) | Kont::Right(_, t) => todo.push(t.clone()),
                Kont::Vm(vm) => todo.extend(vm.values().iter().cloned()),
                _ => {}
            }
        }
        todo
    }

    /// `heap_bytes` a piece at a time, so that measuring a big heap never holds up a frame:
    /// looks at up to `nodes` values (a container's items count too, `ITEMS_PER_NODE` to a
    /// value), and answers once the walk is over (or past `cap`). The
    /// walk holds the values it has still to look at, so they stay alive meanwhile; what the
    /// process allocates after the walk began is left for the next one.
    pub fn heap_step(&mut self, cap: usize, nodes: usize) -> Option<usize> {
        if self.heap_walk.is_none() {
            self.heap_walk = Some(HeapWalk::over(self.roots()));
        }
        let walk = self.heap_walk.as_mut()?;
        let word = std::mem::size_of::<Term>();
        let seen = &mut walk.seen;
        // A container costs its items' scan too: a list of 10,000 numbers is not one value's
        // work.
        let mut budget = nodes;
        while budget > 0 {
            let Some(t) = walk.todo.pop() else {
                break;
            };
            budget = budget.saturating_sub(1 + t.items_len() / ITEMS_PER_NODE);
            // Data held by one value only cannot be met twice: no need to remember it.
            match &t {
                Term::Str(x) if Rc::strong_count(x) == 1 || seen.insert(x.as_ptr() as usize) => {
                    walk.total += x.len()
                }
                Term::List(l) if !l.shared() || seen.insert(l.as_ptr() as usize) => {
                    walk.total += l.len() * word;
                    walk.todo.extend(l.iter().filter(|t| t.is_boxed()).cloned());
                }
                Term::Tuple(x) if !x.shared() || seen.insert(x.as_ptr() as usize) => {
                    walk.total += x.len() * word;
                    walk.todo.extend(x.iter().filter(|t| t.is_boxed()).cloned());
                }
                Term::Map(x) if !x.shared() || seen.insert(x.as_ptr() as usize) => {
                    walk.total += x.len() * 2 * word;
                    for (k, v) in x.iter() {
                        walk.todo
                            .extend([k, v].into_iter().filter(|t| t.is_boxed()).cloned());
                    }
                }
                Term::Struct(_, x) if !x.shared() || seen.insert(x.as_ptr() as usize) => {
                    walk.total += x.len() * word;
                    walk.todo
                        .extend(x.iter().map(|(_, v)| v).filter(|t| t.is_boxed()).cloned());
                }
                _ => {}
            }
            if walk.total > cap {
                break;
            }
        }
        if walk.total > cap || walk.todo.is_empty() {
            let total = walk.total;
            self.heap_walk = None;
            return Some(total);
        }
        None
    }

    /// Lets go of this process's data a piece at a time (before it is killed for its heap,
    /// so that freeing millions of values never holds up a frame): frees up to `nodes`
    /// values; true once everything is gone.
    pub fn release(&mut self, nodes: usize) -> bool {
        if self.heap_walk.is_none() || !self.env.is_empty() || !self.stack.is_empty() {
            // every value the process holds, held once more here; then the process lets go
            self.heap_walk = Some(HeapWalk::over(self.roots()));
            self.env.clear();
            self.stack.clear();
            self.ctl = None;
        }
        let Some(walk) = self.heap_walk.as_mut() else {
            return true;
        };
        let mut budget = nodes;
        while budget > 0 {
            let Some(t) = walk.todo.pop() else {
                self.heap_walk = None;
                return true;
            };
            budget = budget.saturating_sub(1 + t.items_len() / ITEMS_PER_NODE);
            // The last holder of a container keeps its items for later, then frees it alone.
            let last = match &t {
                Term::List(l) => !l.shared(),
                Term::Tuple(x) => !x.shared(),
                Term::Map(x) => !x.shared(),
                Term::Struct(_, x) => !x.shared(),
                _ => false,
            };
            if last {
                match &t {
                    Term::List(l) => walk.todo.extend(l.iter().filter(|t| t.is_boxed()).cloned()),
                    Term::Tuple(x) => walk.todo.extend(x.iter().filter(|t| t.is_boxed()).cloned()),
                    Term::Map(x) => {
                        for (k, v) in x.iter() {
                            walk.todo
                                .extend([k, v].into_iter().filter(|t| t.is_boxed()).cloned());
                        }
                    }
                    Term::Struct(_, x) => walk
                        .todo
                        .extend(x.iter().map(|(_, v)| v).filter(|t| t.is_boxed()).cloned()),
                    _ => {}
                }
            }
            drop(t);
        }
        false
    }
}

/// A walk over a process's data, measuring it (`Machine::heap_step`) or letting it go
/// (`Machine::release`).
pub(super) struct HeapWalk {
    todo: Vec<Term>,
    seen: std::collections::HashSet<usize, PtrHash>,
    total: usize,
}

impl HeapWalk {
    fn over(todo: Vec<Term>) -> Box<HeapWalk> {
        Box::new(HeapWalk {
            todo,
            seen: Default::default(),
            total: 0,
        })
    }
}

/// Hashes the addresses `heap_bytes` has seen: one multiply, not SipHash (a walk over a big
/// heap inserts millions of them).
#[derive(Clone, Copy, Default)]
pub struct PtrHash;

impl std::hash::BuildHasher for PtrHash {
    type Hasher = PtrHasher;
    fn build_hasher(&self) -> PtrHasher {
        PtrHasher(0)
    }
}

#[derive(Clone, Copy, Default)]
pub struct PtrHasher(u64);

impl std::hash::Hasher for PtrHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 =
                (self.0.rotate_left(5) ^ u64::from(*b)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
    }
    fn write_usize(&mut self, n: usize) {
        self.0 = (n as u64)
            .wrapping_mul(0x9e37_79b9_7f4a_7c15)
            .rotate_left(26);
    }
}
