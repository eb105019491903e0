//! A fixed-capacity set of recently seen event ids, forgetting the oldest first.

use std::collections::{HashSet, VecDeque};
use std::sync::Arc;

/// At most `capacity` ids; inserting into a full set evicts the oldest.
#[derive(Debug)]
pub(super) struct RecentIds {
    capacity: usize,
    members: HashSet<Arc<str>>,
    order: VecDeque<Arc<str>>,
}

impl RecentIds {
    pub(super) fn new(capacity: usize) -> Self {
        Self {
            capacity,
            // Grown as ids arrive: a large capacity costs memory only once that many ids were seen.
            members: HashSet::new(),
            order: VecDeque::new(),
        }
    }

    /// Records `id`; `false` if it was already present (a duplicate). Always `true` at capacity 0.
    pub(super) fn insert(&mut self, id: &str) -> bool {
        if self.capacity == 0 {
            return true;
        }
        if self.members.contains(id) {
            return false;
        }
        if self.order.len() == self.capacity {
            if let Some(oldest) = self.order.pop_front() {
                self.members.remove(&oldest);
            }
        }
        let id: Arc<str> = Arc::from(id);
        self.members.insert(Arc::clone(&id));
        self.order.push_back(id);
        true
    }

    /// Forgets `id` (its delivery failed, so a retry must be handled).
    pub(super) fn remove(&mut self, id: &str) {
        if self.members.remove(id) {
            if let Some(position) = self.order.iter().position(|known| &**known == id) {
                self.order.remove(position);
            }
        }
    }

    #[cfg(test)]
    pub(super) fn len(&self) -> usize {
        debug_assert_eq!(self.members.len(), self.order.len());
        self.members.len()
    }
}

#[cfg(test)]
mod tests {
    use super::RecentIds;

    #[test]
    fn duplicates_are_reported_until_evicted() {
        let mut recent = RecentIds::new(2);
        assert!(recent.insert("a"));
        assert!(!recent.insert("a"));
        assert!(recent.insert("b"));
        assert!(recent.insert("c"), "evicts a");
        assert_eq!(recent.len(), 2);
        assert!(recent.insert("a"), "a was forgotten");
        assert!(!recent.insert("c"));
    }

    #[test]
    fn memory_stays_bounded() {
        let mut recent = RecentIds::new(16);
        for i in 0..10_000 {
            assert!(recent.insert(&i.to_string()));
        }
        assert_eq!(recent.len(), 16);
    }

    #[test]
    fn removed_ids_are_accepted_again() {
        let mut recent = RecentIds::new(4);
        assert!(recent.insert("a"));
        recent.remove("a");
        assert_eq!(recent.len(), 0);
        assert!(recent.insert("a"));
        assert!(!recent.insert("a"));
    }

    #[test]
    fn capacity_zero_disables_deduplication() {
        let mut recent = RecentIds::new(0);
        assert!(recent.insert("a"));
        assert!(recent.insert("a"));
    }

    #[test]
    fn a_huge_capacity_allocates_nothing_up_front() {
        let mut recent = RecentIds::new(usize::MAX);
        assert!(recent.insert("a"));
        assert!(!recent.insert("a"));
    }
}
