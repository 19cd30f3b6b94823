//! Small ordered maps and sets kept as sorted vectors, for the wasm's size. Each key and
//! value type of a `BTreeMap` compiles the standard library's node code afresh (about 3.5 KB
//! of wasm a type, some 25 types); a sorted vector's code is a binary search and a
//! `Vec::insert`. Used where a map stays small (a few dozen entries: the console's modules,
//! the charts a user picked, the pointers on the floor). Maps that grow with the crowd (a
//! name per process at 100,000 customers) are hashed instead when only looked up
//! (`runtime::PidMap`), or stay `BTreeMap`s when read in order; their inserts do not move
//! the rest. A map built all at once is sorted once (`from_unsorted`), not inserted into.
//!
//! Iteration is in key order, as a `BTreeMap`'s is.

use std::borrow::Borrow;

/// An ordered map as a vector of `(key, value)` sorted by key.
#[derive(Clone, Debug, PartialEq)]
pub struct SortedMap<K, V> {
    items: Vec<(K, V)>,
}

impl<K, V> Default for SortedMap<K, V> {
    fn default() -> Self {
        SortedMap { items: Vec::new() }
    }
}

impl<K: Ord, V> SortedMap<K, V> {
    pub const fn new() -> Self {
        SortedMap { items: Vec::new() }
    }

    /// The map of `pairs` in any order, in O(n log n) (inserting one by one would move the
    /// entries after each insert); of pairs with equal keys the last stays, as with inserts.
    pub fn from_unsorted(mut pairs: Vec<(K, V)>) -> Self {
        crate::sorting::sort_by(&mut pairs, |a, b| a.0.cmp(&b.0));
        let mut items: Vec<(K, V)> = Vec::with_capacity(pairs.len());
        for (k, v) in pairs {
            match items.last_mut() {
                Some(last) if last.0 == k => last.1 = v,
                _ => items.push((k, v)),
            }
        }
        SortedMap { items }
    }

    fn find<Q: Ord + ?Sized>(&self, key: &Q) -> Result<usize, usize>
    where
        K: Borrow<Q>,
    {
        self.items.binary_search_by(|(k, _)| k.borrow().cmp(key))
    }

    pub fn get<Q: Ord + ?Sized>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|i| &self.items[i].1)
    }

    pub fn get_mut<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: Borrow<Q>,
    {
        match self.find(key) {
            Ok(i) => Some(&mut self.items[i].1),
            Err(_) => None,
        }
    }

    pub fn contains_key<Q: Ord + ?Sized>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
    {
        self.find(key).is_ok()
    }

    /// Sets `key` to `value`; the value it had, if any.
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        match self.find(&key) {
            Ok(i) => Some(std::mem::replace(&mut self.items[i].1, value)),
            Err(i) => {
                self.items.insert(i, (key, value));
                None
            }
        }
    }

    pub fn remove<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|i| self.items.remove(i).1)
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn clear(&mut self) {
        self.items.clear();
    }

    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (&K, &V)> + ExactSizeIterator {
        self.items.iter().map(|(k, v)| (k, v))
    }

    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &K> + ExactSizeIterator {
        self.items.iter().map(|(k, _)| k)
    }

    pub fn values(&self) -> impl DoubleEndedIterator<Item = &V> + ExactSizeIterator {
        self.items.iter().map(|(_, v)| v)
    }

    pub fn values_mut(&mut self) -> impl DoubleEndedIterator<Item = &mut V> + ExactSizeIterator {
        self.items.iter_mut().map(|(_, v)| v)
    }

    /// Keeps the entries for which `keep` answers true.
    pub fn retain(&mut self, mut keep: impl FnMut(&K, &mut V) -> bool) {
        self.items.retain_mut(|(k, v)| keep(k, v));
    }
}

impl<K: Ord, V> FromIterator<(K, V)> for SortedMap<K, V> {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let mut m = SortedMap::new();
        for (k, v) in iter {
            m.insert(k, v);
        }
        m
    }
}

impl<K, V> IntoIterator for SortedMap<K, V> {
    type Item = (K, V);
    type IntoIter = std::vec::IntoIter<(K, V)>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

/// An ordered set as a sorted vector.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SortedSet<K> {
    items: Vec<K>,
}

impl<K> Default for SortedSet<K> {
    fn default() -> Self {
        SortedSet { items: Vec::new() }
    }
}

impl<K: Ord> SortedSet<K> {
    pub const fn new() -> Self {
        SortedSet { items: Vec::new() }
    }

    /// The set of `keys` in any order, in O(n log n).
    pub fn from_unsorted(mut keys: Vec<K>) -> Self {
        crate::sorting::sort(&mut keys);
        keys.dedup();
        SortedSet { items: keys }
    }

    /// Adds `key`; false when it was there already.
    pub fn insert(&mut self, key: K) -> bool {
        match self.items.binary_search(&key) {
            Ok(_) => false,
            Err(i) => {
                self.items.insert(i, key);
                true
            }
        }
    }

    /// Takes `key` out; false when it was not there.
    pub fn remove(&mut self, key: &K) -> bool {
        match self.items.binary_search(key) {
            Ok(i) => {
                self.items.remove(i);
                true
            }
            Err(_) => false,
        }
    }

    pub fn clear(&mut self) {
        self.items.clear();
    }

    pub fn contains(&self, key: &K) -> bool {
        self.items.binary_search(key).is_ok()
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn iter(&self) -> std::slice::Iter<'_, K> {
        self.items.iter()
    }
}

impl<K: Ord> FromIterator<K> for SortedSet<K> {
    fn from_iter<I: IntoIterator<Item = K>>(iter: I) -> Self {
        let mut s = SortedSet::new();
        for k in iter {
            s.insert(k);
        }
        s
    }
}

impl<K> IntoIterator for SortedSet<K> {
    type Item = K;
    type IntoIter = std::vec::IntoIter<K>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

impl<'a, K> IntoIterator for &'a SortedSet<K> {
    type Item = &'a K;
    type IntoIter = std::slice::Iter<'a, K>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_map_keeps_its_keys_in_order_and_replaces_a_value() {
        let mut m = SortedMap::new();
        assert_eq!(m.insert(3, "c"), None);
        assert_eq!(m.insert(1, "a"), None);
        assert_eq!(m.insert(2, "b"), None);
        assert_eq!(m.insert(2, "B"), Some("b"));
        assert_eq!(m.keys().copied().collect::<Vec<_>>(), [1, 2, 3]);
        assert_eq!(m.get(&2), Some(&"B"));
        assert_eq!(m.remove(&1), Some("a"));
        assert_eq!(m.remove(&1), None);
        m.retain(|k, _| *k > 2);
        assert_eq!(m.iter().collect::<Vec<_>>(), [(&3, &"c")]);
    }

    #[test]
    fn a_set_answers_whether_it_changed() {
        let mut s: SortedSet<u32> = [5, 1, 3].into_iter().collect();
        assert!(!s.insert(3));
        assert!(s.insert(2));
        assert!(s.remove(&5));
        assert!(!s.remove(&5));
        assert_eq!(s.iter().copied().collect::<Vec<_>>(), [1, 2, 3]);
        assert!(s.contains(&1) && !s.contains(&4));
    }
}
