//! A fixed-capacity set of recently seen event ids, each until it expires, forgetting the oldest
//! first when full.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// At most `capacity` ids; inserting into a full set evicts the oldest.
#[derive(Debug)]
pub(super) struct RecentIds {
    capacity: usize,
    /// Each id and when it expires (`None`: too far to represent).
    members: HashMap<Arc<str>, Option<Instant>>,
    order: VecDeque<Arc<str>>,
}

impl RecentIds {
    pub(super) fn new(capacity: usize) -> Self {
        Self {
            capacity,
            // Grown as ids arrive: a large capacity costs memory only once that many ids were seen.
            members: HashMap::new(),
            order: VecDeque::new(),
        }
    }

    /// Whether ids are remembered at all (capacity 0 turns deduplication off).
    pub(super) fn remembers(&self) -> bool {
        self.capacity > 0
    }

    /// Records `id` until `now + ttl`; `false` if it is present and unexpired (a duplicate).
    /// Always `true` at capacity 0.
    pub(super) fn insert(&mut self, id: &str, now: Instant, ttl: Duration) -> bool {
        if self.capacity == 0 {
            return true;
        }
        match self.members.get(id) {
            Some(expiry) if expiry.is_none_or(|expiry| expiry > now) => return false,
            Some(_expired) => self.remove(id),
            None => {}
        }
        if self.order.len() == self.capacity {
            if let Some(oldest) = self.order.pop_front() {
                self.members.remove(&oldest);
            }
        }
        let id: Arc<str> = Arc::from(id);
        self.members.insert(Arc::clone(&id), now.checked_add(ttl));
        self.order.push_back(id);
        true
    }

    /// Forgets `id` (its delivery failed, so a retry must be handled).
    pub(super) fn remove(&mut self, id: &str) {
        if self.members.remove(id).is_some() {
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
    use std::time::{Duration, Instant};

    use super::RecentIds;

    const LONG: Duration = Duration::from_secs(3600);

    #[test]
    fn duplicates_are_reported_until_evicted() {
        let now = Instant::now();
        let mut recent = RecentIds::new(2);
        assert!(recent.insert("a", now, LONG));
        assert!(!recent.insert("a", now, LONG));
        assert!(recent.insert("b", now, LONG));
        assert!(recent.insert("c", now, LONG), "evicts a");
        assert_eq!(recent.len(), 2);
        assert!(recent.insert("a", now, LONG), "a was forgotten");
        assert!(!recent.insert("c", now, LONG));
    }

    #[test]
    fn memory_stays_bounded() {
        let now = Instant::now();
        let mut recent = RecentIds::new(16);
        for i in 0..10_000 {
            assert!(recent.insert(&i.to_string(), now, LONG));
        }
        assert_eq!(recent.len(), 16);
    }

    #[test]
    fn removed_ids_are_accepted_again() {
        let now = Instant::now();
        let mut recent = RecentIds::new(4);
        assert!(recent.insert("a", now, LONG));
        recent.remove("a");
        assert_eq!(recent.len(), 0);
        assert!(recent.insert("a", now, LONG));
        assert!(!recent.insert("a", now, LONG));
    }

    #[test]
    fn expired_ids_are_accepted_again_once() {
        let now = Instant::now();
        let ttl = Duration::from_secs(10);
        let mut recent = RecentIds::new(4);
        assert!(recent.insert("a", now, ttl));
        assert!(!recent.insert("a", now + ttl - Duration::from_millis(1), ttl));
        let later = now + ttl;
        assert!(recent.insert("a", later, ttl), "expired");
        assert!(
            !recent.insert("a", later, ttl),
            "claimed again until later + ttl"
        );
        assert_eq!(recent.len(), 1);
    }

    #[test]
    fn a_ttl_too_long_to_represent_never_expires() {
        let now = Instant::now();
        let mut recent = RecentIds::new(4);
        assert!(recent.insert("a", now, Duration::MAX));
        assert!(!recent.insert("a", now + LONG, Duration::MAX));
    }

    #[test]
    fn capacity_zero_disables_deduplication() {
        let now = Instant::now();
        let mut recent = RecentIds::new(0);
        assert!(!recent.remembers());
        assert!(recent.insert("a", now, LONG));
        assert!(recent.insert("a", now, LONG));
    }

    #[test]
    fn a_huge_capacity_allocates_nothing_up_front() {
        let now = Instant::now();
        let mut recent = RecentIds::new(usize::MAX);
        assert!(recent.remembers());
        assert!(recent.insert("a", now, LONG));
        assert!(!recent.insert("a", now, LONG));
    }
}
