//! Claims held as leases while their handler runs: claimed for a short lease, renewed in the
//! background until the handler ends, and only then kept for the claim's ttl. A process that dies
//! midway stops renewing, so the id is free again once its lease runs out, and the platform's
//! next retry (15 s after the first delivery) reaches a replica that handles it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use tokio::task::AbortHandle;

use super::Inner;

/// Sets `KEYS[1]` to expire in `ARGV[2]` ms if it holds `ARGV[1]`: only the claim's holder renews
/// or keeps it. 1 if it did, 0 if the claim is gone or another's.
pub(super) const EXTEND: &str = r"
if redis.call('GET', KEYS[1]) == ARGV[1] then
    return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
";

/// The renewals running in this process, by claim key and token.
#[derive(Default)]
pub(super) struct Leases {
    renewing: Mutex<HashMap<(String, String), AbortHandle>>,
}

impl Leases {
    /// Stops renewing the claim of `key` made with `token`, if it is renewed.
    pub(super) fn stop(&self, key: &str, token: &str) {
        if let Some(renewal) = self.renewing().remove(&(key.to_owned(), token.to_owned())) {
            renewal.abort();
        }
    }

    fn renewing(&self) -> MutexGuard<'_, HashMap<(String, String), AbortHandle>> {
        // A poisoned lock only means another thread panicked between two map operations.
        self.renewing
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Starts renewing the claim of `key` made with `token` for `lease`, every third of it, until
/// [`Leases::stop`], until the claim is no longer this token's, or until `ttl` has passed (a
/// handler running longer than the claim's ttl no longer holds it).
pub(super) fn renew(
    inner: &Arc<Inner>,
    key: String,
    token: String,
    lease: Duration,
    ttl: Duration,
) {
    let every = (lease / 3).max(Duration::from_millis(1));
    let started = Instant::now();
    let renewal = {
        let inner = Arc::clone(inner);
        let (key, token) = (key.clone(), token.clone());
        inner.runtime.clone().spawn(async move {
            loop {
                tokio::time::sleep(every).await;
                if started.elapsed() >= ttl {
                    break;
                }
                match inner.extend(&key, &token, lease, true).await {
                    Ok(true) => {}
                    Ok(false) => break,
                    // Asked again next time: the lease outlives two failed renewals.
                    Err(error) => tracing::debug!(%error, key, "a claim's lease was not renewed"),
                }
            }
            inner.leases.renewing().remove(&(key, token));
        })
    };
    inner
        .leases
        .renewing()
        .insert((key, token), renewal.abort_handle());
}
