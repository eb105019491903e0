//! What the replicas of one app share: claims of event ids, so that a delivery retried to another
//! replica reaches a handler once, and (with the `api` feature) the API client's token cache
//! ([`TokenCache`](crate::api::TokenCache)), so that one replica's token serves all.
//!
//! A [`Dispatcher`](crate::dispatch::Dispatcher) remembers event ids in its own memory; given a
//! [`ClaimStore`] ([`Dispatcher::shared_claims`](crate::dispatch::Dispatcher::shared_claims)) it also
//! claims each id there, atomically, for longer than the platform's retry schedule (the Redis store
//! holds it for a short lease while the handler runs, renewed until the handler ends, so that a
//! process dying midway holds the id only briefly and the platform's retry runs). When the store
//! fails, the dispatcher carries on with its memory alone (and says so in the log) until the store
//! answers again: a failing store never fails a delivery.
//!
//! `redis` (feature `redis`) implements both traits on one Redis server.

#[cfg(feature = "redis")]
pub mod redis;

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};

/// A failure of a shared store: unreachable, too slow, or an unexpected answer.
pub type StoreError = Box<dyn std::error::Error + Send + Sync>;

/// What a store's methods return.
pub type StoreFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, StoreError>> + Send + 'a>>;

/// Claims of event ids shared between processes.
pub trait ClaimStore: Send + Sync {
    /// Claims the event id `id` with `token` for `ttl` unless it is claimed already: `true` for
    /// the one caller that got it, `false` for every other until the claim is released or expires.
    /// Atomic: of concurrent callers, one gets the claim. `token` is unique to this claim among all
    /// processes (the dispatcher makes one per delivery).
    fn claim<'a>(
        &'a self,
        id: &'a str,
        token: &'a str,
        ttl: std::time::Duration,
    ) -> StoreFuture<'a, bool>;

    /// Releases the claim of `id` made with `token` (its handler failed, so a retry must run); a
    /// claim made with another token stays. Also called after a `claim` that failed (timed out), in
    /// case it took effect after all.
    ///
    /// The release starts when this is called, and the future only waits for its end: a dispatch
    /// dropped midway (its sender hung up) drops the future unpolled, and the claim must still go.
    fn release(&self, id: &str, token: &str) -> StoreFuture<'static, ()>;

    /// Keeps the claim of `id` made with `token` for `ttl` from now: its handler succeeded. A store
    /// that claims for the whole `ttl` at once has nothing to do (the default); one that claims for
    /// a short lease while the handler runs (so that a process dying midway holds the id only
    /// briefly) extends the claim here.
    ///
    /// Like [`ClaimStore::release`], it starts when called; the dispatcher does not wait for it
    /// (the delivery is answered already), so the store reports its own failures.
    fn keep(&self, id: &str, token: &str, ttl: std::time::Duration) -> StoreFuture<'static, ()> {
        let _ = (id, token, ttl);
        Box::pin(std::future::ready(Ok(())))
    }
}

/// Logs a shared store's failures once per outage, at warn, and its recovery, at info; the
/// failures in between at debug, so that an outage does not flood the log.
pub(crate) struct Outage {
    /// What fails, for the log: "the shared claim store", "the token cache".
    what: &'static str,
    /// What the process does meanwhile.
    meanwhile: &'static str,
    failing: AtomicBool,
}

impl Outage {
    pub(crate) const fn new(what: &'static str, meanwhile: &'static str) -> Self {
        Self {
            what,
            meanwhile,
            failing: AtomicBool::new(false),
        }
    }

    pub(crate) fn failed(&self, error: &StoreError) {
        if self.failing.swap(true, Ordering::Relaxed) {
            tracing::debug!(%error, "{} failed again", self.what);
        } else {
            tracing::warn!(%error, "{} failed: {} until it answers again", self.what, self.meanwhile);
        }
    }

    pub(crate) fn answered(&self) {
        // Read first: the common case (no outage) writes nothing shared.
        if self.failing.load(Ordering::Relaxed) && self.failing.swap(false, Ordering::Relaxed) {
            tracing::info!("{} answers again", self.what);
        }
    }
}
