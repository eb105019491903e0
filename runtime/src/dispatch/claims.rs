//! Claiming a delivery's event id before its handler runs: in this process's memory, and in a
//! shared store when one is set, so that replicas hand each event to a handler once.

use std::hash::BuildHasher;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use crate::store::{ClaimStore, Outage};

use super::recent::RecentIds;

/// The event ids claimed here, and the shared store.
pub(super) struct Claims {
    recent: Mutex<RecentIds>,
    ttl: Duration,
    shared: Option<Arc<dyn ClaimStore>>,
    outage: Outage,
    /// Random per process: with `claimed`, makes each claim's token unique among processes.
    process: u64,
    claimed: AtomicU64,
}

impl Claims {
    pub(super) fn new(capacity: usize, ttl: Duration) -> Self {
        Self {
            recent: Mutex::new(RecentIds::new(capacity)),
            ttl,
            shared: None,
            outage: Outage::new(
                "the shared claim store",
                "event ids are claimed in this process's memory alone",
            ),
            // The standard library's hasher keys are random per process.
            process: std::collections::hash_map::RandomState::new().hash_one(0_u8),
            claimed: AtomicU64::new(0),
        }
    }

    pub(super) fn capacity(&mut self, capacity: usize) {
        self.recent = Mutex::new(RecentIds::new(capacity));
    }

    pub(super) fn ttl(&mut self, ttl: Duration) {
        self.ttl = ttl;
    }

    pub(super) fn shared(&mut self, store: Arc<dyn ClaimStore>) {
        self.shared = Some(store);
    }

    pub(super) fn is_shared(&self) -> bool {
        self.shared.is_some()
    }

    /// Claims `id`, or `None` when it is claimed already, here or (when set) in the shared store: a
    /// duplicate. A delivery without an id, or with deduplication off, always gets a claim. When
    /// the shared store fails, the claim made here stands alone.
    pub(super) async fn claim(&self, id: Option<&str>) -> Option<Claim<'_>> {
        let mut claim = Claim {
            claims: self,
            id: None,
            token: None,
            confirmed: false,
        };
        let Some(id) = id else {
            return Some(claim);
        };
        {
            let mut recent = self.recent();
            if !recent.remembers() {
                return Some(claim);
            }
            if !recent.insert(id, Instant::now(), self.ttl) {
                return None;
            }
        }
        claim.id = Some(id.to_owned());
        let Some(shared) = &self.shared else {
            return Some(claim);
        };
        // Known before the store is asked: a dispatch dropped while it waits releases it.
        let n = self.claimed.fetch_add(1, Ordering::Relaxed);
        let token = claim.token.insert(format!("{:016x}-{n}", self.process));
        let claimed = shared.claim(id, token, self.ttl).await;
        match claimed {
            Ok(true) => {
                self.outage.answered();
                claim.confirmed = true;
            }
            // Claimed by another process: dropping the claim forgets the id here, so that a retry
            // reaching this process after the other's handler failed is handled.
            Ok(false) => {
                self.outage.answered();
                claim.token = None;
                return None;
            }
            // The claim stands here alone; its token stays, so that releasing it also removes a
            // shared claim that took effect after all (a write that timed out).
            Err(error) => self.outage.failed(&error),
        }
        Some(claim)
    }

    fn recent(&self) -> MutexGuard<'_, RecentIds> {
        // A poisoned lock only means another thread panicked between two set operations; the set
        // itself is still consistent.
        self.recent
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    #[cfg(test)]
    pub(super) fn remembered(&self) -> usize {
        self.recent().len()
    }
}

/// An event id claimed for one delivery. Unless [`Claim::keep`] is called after the handler
/// succeeded, dropping it releases the id again: on an error, and also when the dispatch future is
/// dropped midway (the sender hung up, a timeout fired), so the platform's retry reaches a handler.
pub(super) struct Claim<'a> {
    claims: &'a Claims,
    /// The id claimed here, if any.
    id: Option<String>,
    /// The token of the shared store's claim, if any.
    token: Option<String>,
    /// Whether the shared store answered that the claim is this delivery's (else it failed, and
    /// may or may not have taken the claim).
    confirmed: bool,
}

impl Claim<'_> {
    /// Keeps the claim: the handler succeeded. The shared store keeps it for the ttl (in the
    /// background: the delivery is answered meanwhile).
    pub(super) fn keep(mut self) {
        let (id, token) = (self.id.take(), self.token.take());
        if let (Some(id), Some(token), Some(shared)) = (id, token, &self.claims.shared) {
            drop(shared.keep(&id, &token, self.claims.ttl));
        }
    }

    /// Releases the claim and waits until the shared store has released it too, so that a retry
    /// sent as soon as the failure is answered finds the id free.
    pub(super) async fn release(mut self) {
        let id = self.id.clone();
        let Some(released) = self.release_started() else {
            return;
        };
        match released.await {
            Ok(()) => self.claims.outage.answered(),
            Err(error) if self.confirmed => tracing::warn!(
                event_id = id.as_deref().unwrap_or_default(),
                %error,
                "the failed event's claim was not released in the shared store: its retries \
                 count as duplicates until the claim expires"
            ),
            Err(error) => self.claims.outage.failed(&error),
        }
    }

    /// Forgets the id here and starts releasing the shared claim; the future waits for its end.
    fn release_started(&mut self) -> Option<crate::store::StoreFuture<'static, ()>> {
        let id = self.id.take()?;
        self.claims.recent().remove(&id);
        let token = self.token.take()?;
        let shared = self.claims.shared.as_ref()?;
        Some(shared.release(&id, &token))
    }
}

impl Drop for Claim<'_> {
    fn drop(&mut self) {
        // Nothing can be awaited here: the store releases in the background.
        drop(self.release_started());
    }
}
