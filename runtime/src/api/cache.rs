//! Where tokens are kept between calls: a small trait, and the in-memory default.
//!
//! Keys are opaque strings the client builds from the app id and tenant key, so one cache can
//! serve several apps and tenants; a shared implementation
//! ([`RedisStore`](crate::store::redis::RedisStore), feature `redis`) lets replicas share tokens,
//! and with [`TokenCache::lease`] have one of them fetch each token for all.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use futures_util::future::BoxFuture;

/// A cached value and when it expires (wall-clock time, meaningful across machines).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CachedToken {
    /// The token (or app ticket).
    pub value: String,
    /// When the platform stops accepting it.
    pub expires_at: SystemTime,
}

/// A failure of the cache's storage; the client logs it and carries on without the cache.
pub type CacheError = Box<dyn std::error::Error + Send + Sync>;

/// A store of tokens by key.
pub trait TokenCache: Send + Sync {
    /// The entry of `key`, unless absent or expired.
    fn get<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<CachedToken>, CacheError>>;

    /// Stores `token` under `key` until its expiry.
    fn put<'a>(&'a self, key: &'a str, token: CachedToken)
        -> BoxFuture<'a, Result<(), CacheError>>;

    /// Removes the entry of `key` if it still holds `stale`, the token the platform refused; a
    /// token another caller already put in its place stays.
    fn invalidate<'a>(
        &'a self,
        key: &'a str,
        stale: &'a str,
    ) -> BoxFuture<'a, Result<(), CacheError>>;

    /// Asks for the right to fetch the token of `key` for the next `ttl`, so that of the processes
    /// sharing this cache one fetches it while the others wait for its [`put`](Self::put): `true`
    /// when granted. A cache of one process grants it always (the client already fetches each
    /// token once for all its callers).
    fn lease<'a>(&'a self, key: &'a str, ttl: Duration) -> BoxFuture<'a, Result<bool, CacheError>> {
        let _ = (key, ttl);
        Box::pin(std::future::ready(Ok(true)))
    }

    /// Gives up the right to fetch the token of `key` (the fetch ended, its token put or its error
    /// returned), so that the others need not wait for it to run out.
    fn end_lease<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<(), CacheError>> {
        let _ = key;
        Box::pin(std::future::ready(Ok(())))
    }
}

/// Tokens in this process's memory: the default cache of a [`Client`](super::Client).
#[derive(Debug, Default)]
pub struct MemoryCache {
    entries: Mutex<HashMap<String, CachedToken>>,
}

impl MemoryCache {
    fn entries(&self) -> std::sync::MutexGuard<'_, HashMap<String, CachedToken>> {
        // A panic while holding the lock cannot leave a map half-updated: recover it.
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl TokenCache for MemoryCache {
    fn get<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<CachedToken>, CacheError>> {
        let mut entries = self.entries();
        let entry = match entries.get(key) {
            Some(token) if token.expires_at > SystemTime::now() => Some(token.clone()),
            Some(_) => {
                entries.remove(key);
                None
            }
            None => None,
        };
        Box::pin(std::future::ready(Ok(entry)))
    }

    fn put<'a>(
        &'a self,
        key: &'a str,
        token: CachedToken,
    ) -> BoxFuture<'a, Result<(), CacheError>> {
        self.entries().insert(key.to_owned(), token);
        Box::pin(std::future::ready(Ok(())))
    }

    fn invalidate<'a>(
        &'a self,
        key: &'a str,
        stale: &'a str,
    ) -> BoxFuture<'a, Result<(), CacheError>> {
        let mut entries = self.entries();
        if entries.get(key).is_some_and(|token| token.value == stale) {
            entries.remove(key);
        }
        Box::pin(std::future::ready(Ok(())))
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn token(value: &str, from_now: Duration) -> CachedToken {
        CachedToken {
            value: value.to_owned(),
            expires_at: SystemTime::now() + from_now,
        }
    }

    #[tokio::test]
    async fn keeps_tokens_until_expiry() {
        let cache = MemoryCache::default();
        cache
            .put("a", token("t-1", Duration::from_secs(60)))
            .await
            .unwrap();
        cache.put("b", token("t-2", Duration::ZERO)).await.unwrap();
        assert_eq!(cache.get("a").await.unwrap().unwrap().value, "t-1");
        assert_eq!(cache.get("b").await.unwrap(), None);
        assert_eq!(cache.get("c").await.unwrap(), None);
    }

    #[tokio::test]
    async fn invalidates_only_the_stale_token() {
        let cache = MemoryCache::default();
        let long = Duration::from_secs(60);
        cache.put("a", token("t-new", long)).await.unwrap();
        cache.invalidate("a", "t-old").await.unwrap();
        assert!(cache.get("a").await.unwrap().is_some());
        cache.invalidate("a", "t-new").await.unwrap();
        assert!(cache.get("a").await.unwrap().is_none());
    }
}
