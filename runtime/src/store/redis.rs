//! Redis as the store replicas share: event id claims (`SET key token NX PX lease`, renewed while
//! the handler runs and then kept for the claim's ttl, or released, each with a compare-and-set
//! script) and, with the `api` feature, the token cache.
//!
//! A claim is a lease ([`DEFAULT_LEASE`]) while its handler runs: a replica that dies midway holds
//! the event id until the lease runs out, not for the claim's whole ttl, so the platform's next
//! retry runs on a replica that is alive.
//!
//! One multiplexed connection, reconnected in the background when it breaks (the `redis` crate's
//! tokio connection manager). Every call is bounded by a timeout ([`DEFAULT_TIMEOUT`]); after a
//! failure, calls fail at once for a pause ([`DEFAULT_PAUSE`]) before Redis is asked again, so that
//! a Redis down or slow costs one bounded wait per pause. The callers carry on without the store
//! meanwhile: the dispatcher claims event ids in its own memory, the API client keeps its tokens in
//! its own memory. Nothing needs restarting when Redis is back.
//!
//! Keys: `lark:event:{app_id}:{event_id}` for claims; the API client's own keys for tokens
//! (`lark:tenant_access_token:{app_id}[:{tenant_key}]`, …, each naming the app), and
//! `{key}:fetch` for the right to fetch one.
//!
//! ```no_run
//! # async fn run() -> Result<(), lark_runtime::store::redis::Error> {
//! use std::sync::Arc;
//! use lark_runtime::dispatch::Dispatcher;
//! use lark_runtime::store::redis::RedisStore;
//!
//! let store = Arc::new(RedisStore::builder("redis://127.0.0.1:6379", "cli_xxx").connect()?);
//! let dispatcher = Dispatcher::new().shared_claims(store);
//! # Ok(())
//! # }
//! ```

mod health;
mod leases;
#[cfg(feature = "api")]
mod tokens;

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::{Client, RedisResult, Script};

use super::{ClaimStore, StoreError, StoreFuture};
use health::Health;
use leases::Leases;

/// How long one call may take before the store counts as failing, unless
/// [`RedisStoreBuilder::timeout`] says otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_millis(250);

/// How long calls fail without asking Redis after a failure, unless [`RedisStoreBuilder::pause`]
/// says otherwise.
pub const DEFAULT_PAUSE: Duration = Duration::from_secs(1);

/// How long a claim holds while its handler runs, renewed every third of it, unless
/// [`RedisStoreBuilder::lease`] says otherwise: shorter than the platform's first retry (15 s after
/// the delivery), so that the retry of a delivery whose replica died runs elsewhere.
pub const DEFAULT_LEASE: Duration = Duration::from_secs(10);

/// The longest expiry sent to Redis (ten years), which refuses those past its clock's range.
const MAX_TTL: Duration = Duration::from_secs(10 * 365 * 24 * 3600);

/// Deletes `KEYS[1]` if it holds `ARGV[1]`: a claim is released only by the one who made it.
const RELEASE: &str = r"
if redis.call('GET', KEYS[1]) == ARGV[1] then
    return redis.call('DEL', KEYS[1])
end
return 0
";

/// Why the store did not answer.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The URL is not a Redis URL.
    #[error("invalid Redis URL: {0}")]
    Url(#[source] redis::RedisError),
    /// Redis refused or failed the command, or the connection failed.
    #[error("Redis at {address}: {source}")]
    Redis {
        /// Where Redis was asked.
        address: String,
        /// What the client reported.
        source: redis::RedisError,
    },
    /// Redis did not answer in time.
    #[error("Redis at {address} did not answer within {timeout:?}")]
    Timeout {
        /// Where Redis was asked.
        address: String,
        /// The bound of one call.
        timeout: Duration,
    },
    /// Redis failed less than a pause ago and was not asked.
    #[error("Redis at {address} failed less than {pause:?} ago; not asked again yet")]
    Paused {
        /// Where Redis is.
        address: String,
        /// The pause after a failure.
        pause: Duration,
    },
    /// The store was built outside a tokio runtime, which it needs for its connection.
    #[error("the Redis store needs a tokio runtime: {0}")]
    NoRuntime(#[source] tokio::runtime::TryCurrentError),
    /// A background task of the store did not finish (its runtime is shutting down).
    #[error("a Redis call did not finish: {0}")]
    Task(#[source] tokio::task::JoinError),
    /// Redis answered something this store never writes.
    #[error("Redis at {address} holds an unexpected value under {key}")]
    Unexpected {
        /// Where Redis is.
        address: String,
        /// The key.
        key: String,
    },
}

/// Event id claims and (with the `api` feature) tokens in Redis, shared by every replica of an app.
/// Clones share the connection.
#[derive(Clone)]
pub struct RedisStore {
    inner: Arc<Inner>,
}

struct Inner {
    connection: ConnectionManager,
    /// Where the background releases run.
    runtime: tokio::runtime::Handle,
    /// `host:port` for errors and logs (never the password).
    address: String,
    /// `lark:event:{app_id}:`
    claim_prefix: String,
    timeout: Duration,
    lease: Duration,
    leases: Leases,
    health: Health,
    release: Script,
    extend: Script,
    #[cfg(feature = "api")]
    invalidate: Script,
}

/// Where the store connects and how long it waits: [`RedisStore::builder`].
#[derive(Debug, Clone)]
pub struct RedisStoreBuilder {
    url: String,
    app_id: String,
    timeout: Duration,
    pause: Duration,
    lease: Duration,
}

impl RedisStore {
    /// Starts building a store on the Redis at `url` (`redis://[:password@]host:port[/db]`) for the
    /// app `app_id`, which namespaces its claims.
    pub fn builder(url: impl Into<String>, app_id: impl Into<String>) -> RedisStoreBuilder {
        RedisStoreBuilder {
            url: url.into(),
            app_id: app_id.into(),
            timeout: DEFAULT_TIMEOUT,
            pause: DEFAULT_PAUSE,
            lease: DEFAULT_LEASE,
        }
    }

    /// Where Redis is (`host:port`).
    pub fn address(&self) -> &str {
        &self.inner.address
    }

    /// Asks Redis whether it answers (`PING`), within the timeout.
    pub async fn ping(&self) -> Result<(), Error> {
        let mut connection = self.inner.connection.clone();
        let pong: String = self
            .inner
            .bounded(redis::cmd("PING").query_async(&mut connection))
            .await?;
        match pong.as_str() {
            "PONG" => Ok(()),
            _ => Err(self.inner.unexpected("PING")),
        }
    }
}

impl RedisStoreBuilder {
    /// Bounds each call to Redis ([`DEFAULT_TIMEOUT`]); a call past it counts as a failure.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// After a failure, calls fail at once for `pause` before Redis is asked again
    /// ([`DEFAULT_PAUSE`]).
    pub fn pause(mut self, pause: Duration) -> Self {
        self.pause = pause;
        self
    }

    /// How long a claim holds while its handler runs ([`DEFAULT_LEASE`]); it is renewed every third
    /// of it until the handler ends. A replica that dies midway holds the event id this long.
    pub fn lease(mut self, lease: Duration) -> Self {
        self.lease = lease.max(Duration::from_millis(3));
        self
    }

    /// The store, connecting on first use and reconnecting whenever the connection breaks: a Redis
    /// that is down now is not an error (see [`RedisStore::ping`]), an invalid URL is. Call it from
    /// within a tokio runtime, which runs the connection.
    pub fn connect(self) -> Result<RedisStore, Error> {
        let runtime = tokio::runtime::Handle::try_current().map_err(Error::NoRuntime)?;
        let client = Client::open(self.url.as_str()).map_err(Error::Url)?;
        let address = client.get_connection_info().addr().to_string();
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(self.timeout))
            .set_response_timeout(Some(self.timeout))
            // One attempt per reconnection: the next call after a pause starts another.
            .set_number_of_retries(0);
        let connection =
            ConnectionManager::new_lazy_with_config(client, config).map_err(|source| {
                Error::Redis {
                    address: address.clone(),
                    source,
                }
            })?;
        Ok(RedisStore {
            inner: Arc::new(Inner {
                connection,
                runtime,
                address,
                claim_prefix: format!("lark:event:{}:", self.app_id),
                timeout: self.timeout,
                lease: self.lease,
                leases: Leases::default(),
                health: Health::new(self.pause),
                release: Script::new(RELEASE),
                extend: Script::new(leases::EXTEND),
                #[cfg(feature = "api")]
                invalidate: Script::new(tokens::INVALIDATE),
            }),
        })
    }
}

impl Inner {
    /// Runs `call` within the timeout, unless Redis failed less than a pause ago.
    async fn bounded<T>(&self, call: impl Future<Output = RedisResult<T>>) -> Result<T, Error> {
        self.call(call, true).await
    }

    /// Runs `call` within the timeout; with `respect_pause`, only if Redis did not fail less than
    /// a pause ago.
    async fn call<T>(
        &self,
        call: impl Future<Output = RedisResult<T>>,
        respect_pause: bool,
    ) -> Result<T, Error> {
        if respect_pause && !self.health.may_ask(Instant::now()) {
            return Err(Error::Paused {
                address: self.address.clone(),
                pause: self.health.pause(),
            });
        }
        let result = match tokio::time::timeout(self.timeout, call).await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(source)) => Err(Error::Redis {
                address: self.address.clone(),
                source,
            }),
            Err(_elapsed) => Err(Error::Timeout {
                address: self.address.clone(),
                timeout: self.timeout,
            }),
        };
        match &result {
            Ok(_) => self.health.answered(),
            Err(_) => self.health.failed(Instant::now()),
        }
        result
    }

    fn unexpected(&self, key: &str) -> Error {
        Error::Unexpected {
            address: self.address.clone(),
            key: key.to_owned(),
        }
    }

    fn claim_key(&self, id: &str) -> String {
        format!("{}{id}", self.claim_prefix)
    }

    /// Sets the claim `key` to expire in `ttl` if `token` holds it: whether it did.
    async fn extend(
        &self,
        key: &str,
        token: &str,
        ttl: Duration,
        respect_pause: bool,
    ) -> Result<bool, Error> {
        let mut connection = self.connection.clone();
        let mut invocation = self.extend.key(key);
        invocation.arg(token).arg(millis(ttl));
        let extended: i64 = self
            .call(invocation.invoke_async(&mut connection), respect_pause)
            .await?;
        Ok(extended == 1)
    }
}

/// `ttl` in milliseconds as Redis takes it: at least 1, at most [`MAX_TTL`].
fn millis(ttl: Duration) -> u64 {
    u64::try_from(ttl.min(MAX_TTL).as_millis())
        .unwrap_or(u64::MAX)
        .max(1)
}

impl ClaimStore for RedisStore {
    fn claim<'a>(&'a self, id: &'a str, token: &'a str, ttl: Duration) -> StoreFuture<'a, bool> {
        Box::pin(async move {
            let inner = &self.inner;
            let key = inner.claim_key(id);
            let lease = inner.lease.min(ttl);
            let mut connection = inner.connection.clone();
            let set: Option<String> = inner
                .bounded(
                    redis::cmd("SET")
                        .arg(&key)
                        .arg(token)
                        .arg("NX")
                        .arg("PX")
                        .arg(millis(lease))
                        .query_async(&mut connection),
                )
                .await?;
            if set.is_some() {
                leases::renew(inner, key, token.to_owned(), lease, ttl);
            }
            Ok(set.is_some())
        })
    }

    fn keep(&self, id: &str, token: &str, ttl: Duration) -> StoreFuture<'static, ()> {
        let inner = Arc::clone(&self.inner);
        let key = inner.claim_key(id);
        inner.leases.stop(&key, token);
        let token = token.to_owned();
        let task = self.inner.runtime.spawn(async move {
            let kept = inner.extend(&key, &token, ttl, true).await;
            match &kept {
                Ok(true) => {}
                Ok(false) => tracing::warn!(
                    key,
                    "a handled event's claim had ended before its handler did (the handler ran \
                     past the claim's ttl, or Redis lost it): a redelivery is handled again"
                ),
                // Redis fails: the claim made before ends with its lease. The outage itself is
                // logged where claims are made, once.
                Err(error) => tracing::debug!(%error, key, "a handled event's claim was not kept"),
            }
            kept.map(drop)
        });
        Box::pin(async move {
            match task.await {
                Ok(result) => result.map_err(StoreError::from),
                Err(error) => Err(Error::Task(error).into()),
            }
        })
    }

    fn release(&self, id: &str, token: &str) -> StoreFuture<'static, ()> {
        let inner = Arc::clone(&self.inner);
        let key = inner.claim_key(id);
        inner.leases.stop(&key, token);
        let token = token.to_owned();
        let task = self.inner.runtime.spawn(async move {
            let mut connection = inner.connection.clone();
            let mut invocation = inner.release.key(key);
            invocation.arg(token);
            // Asked even within a pause: a claim that timed out may have been written after all,
            // and the release follows it on the same connection.
            inner
                .call(invocation.invoke_async::<i64>(&mut connection), false)
                .await
                .map(drop)
        });
        Box::pin(async move {
            match task.await {
                Ok(result) => result.map_err(StoreError::from),
                Err(error) => Err(Error::Task(error).into()),
            }
        })
    }
}

impl fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisStore")
            .field("address", &self.inner.address)
            .field("claim_prefix", &self.inner.claim_prefix)
            .field("timeout", &self.inner.timeout)
            .field("pause", &self.inner.health.pause())
            .field("lease", &self.inner.lease)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiries_fit_what_redis_accepts() {
        assert_eq!(millis(Duration::ZERO), 1);
        assert_eq!(millis(Duration::from_secs(8 * 3600)), 8 * 3600 * 1000);
        assert_eq!(millis(Duration::MAX), millis(MAX_TTL));
    }

    #[test]
    fn outside_a_runtime_the_store_says_it_needs_one() {
        let error = RedisStore::builder("redis://127.0.0.1:1", "cli_a")
            .connect()
            .unwrap_err();
        assert!(matches!(error, Error::NoRuntime(_)), "{error}");
    }

    #[tokio::test]
    async fn an_invalid_url_is_refused_and_a_valid_one_needs_no_server_yet() {
        let error = RedisStore::builder("http://example", "cli_a")
            .connect()
            .unwrap_err();
        assert!(matches!(error, Error::Url(_)), "{error}");
        let store = RedisStore::builder("redis://127.0.0.1:1", "cli_a")
            .connect()
            .expect("connects lazily");
        assert_eq!(store.address(), "127.0.0.1:1");
        assert_eq!(store.inner.claim_key("e1"), "lark:event:cli_a:e1");
    }
}
