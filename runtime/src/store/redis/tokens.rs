//! The API client's token cache in Redis: each token under the client's key as
//! `{expiry in Unix milliseconds}:{token}`, expiring with the token; the right to fetch one under
//! `{key}:fetch`.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::{millis, RedisStore};
use crate::api::{CacheError, CachedToken, TokenCache};
use futures_util::future::BoxFuture;

/// Deletes `KEYS[1]` if the token it holds (after the expiry and `:`) is `ARGV[1]`.
pub(super) const INVALIDATE: &str = r"
local held = redis.call('GET', KEYS[1])
if held then
    local colon = string.find(held, ':', 1, true)
    if colon and string.sub(held, colon + 1) == ARGV[1] then
        return redis.call('DEL', KEYS[1])
    end
end
return 0
";

/// `{expiry}:{token}`, or `None` when the token has expired already.
fn encode(token: &CachedToken, now: SystemTime) -> Option<(String, Duration)> {
    let left = token.expires_at.duration_since(now).ok()?;
    if left.is_zero() {
        return None;
    }
    let expiry = token
        .expires_at
        .duration_since(UNIX_EPOCH)
        .ok()?
        .as_millis();
    Some((format!("{expiry}:{}", token.value), left))
}

/// Where the right to fetch the token of `key` is held.
fn lease_key(key: &str) -> String {
    format!("{key}:fetch")
}

fn decode(held: &str) -> Option<CachedToken> {
    let (expiry, value) = held.split_once(':')?;
    let expiry: u64 = expiry.parse().ok()?;
    Some(CachedToken {
        value: value.to_owned(),
        expires_at: UNIX_EPOCH.checked_add(Duration::from_millis(expiry))?,
    })
}

impl TokenCache for RedisStore {
    fn get<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<CachedToken>, CacheError>> {
        Box::pin(async move {
            let inner = &self.inner;
            let mut connection = inner.connection.clone();
            let held: Option<String> = inner
                .bounded(redis::cmd("GET").arg(key).query_async(&mut connection))
                .await?;
            let Some(held) = held else {
                return Ok(None);
            };
            let token = decode(&held).ok_or_else(|| inner.unexpected(key))?;
            Ok(Some(token).filter(|token| token.expires_at > SystemTime::now()))
        })
    }

    fn put<'a>(
        &'a self,
        key: &'a str,
        token: CachedToken,
    ) -> BoxFuture<'a, Result<(), CacheError>> {
        Box::pin(async move {
            let Some((held, left)) = encode(&token, SystemTime::now()) else {
                return Ok(());
            };
            let inner = &self.inner;
            let mut connection = inner.connection.clone();
            inner
                .bounded(
                    redis::cmd("SET")
                        .arg(key)
                        .arg(held)
                        .arg("PX")
                        .arg(millis(left))
                        .query_async::<()>(&mut connection),
                )
                .await?;
            Ok(())
        })
    }

    fn invalidate<'a>(
        &'a self,
        key: &'a str,
        stale: &'a str,
    ) -> BoxFuture<'a, Result<(), CacheError>> {
        Box::pin(async move {
            let inner = &self.inner;
            let mut connection = inner.connection.clone();
            let mut invocation = inner.invalidate.key(key);
            invocation.arg(stale);
            inner
                .bounded(invocation.invoke_async::<i64>(&mut connection))
                .await?;
            Ok(())
        })
    }

    fn lease<'a>(&'a self, key: &'a str, ttl: Duration) -> BoxFuture<'a, Result<bool, CacheError>> {
        Box::pin(async move {
            let inner = &self.inner;
            let mut connection = inner.connection.clone();
            let set: Option<String> = inner
                .bounded(
                    redis::cmd("SET")
                        .arg(lease_key(key))
                        .arg(1)
                        .arg("NX")
                        .arg("PX")
                        .arg(millis(ttl))
                        .query_async(&mut connection),
                )
                .await?;
            Ok(set.is_some())
        })
    }

    fn end_lease<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<(), CacheError>> {
        Box::pin(async move {
            let inner = &self.inner;
            let mut connection = inner.connection.clone();
            inner
                .bounded(
                    redis::cmd("DEL")
                        .arg(lease_key(key))
                        .query_async::<()>(&mut connection),
                )
                .await?;
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_reads_back_as_written() {
        let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let token = CachedToken {
            value: "t-1:with:colons".to_owned(),
            expires_at: now + Duration::from_millis(7_200_500),
        };
        let (held, left) = encode(&token, now).expect("unexpired");
        assert_eq!(held, "1700007200500:t-1:with:colons");
        assert_eq!(left, Duration::from_millis(7_200_500));
        assert_eq!(decode(&held), Some(token));
    }

    #[test]
    fn an_expired_token_is_not_written_and_garbage_not_read() {
        let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let token = CachedToken {
            value: "t".to_owned(),
            expires_at: now,
        };
        assert_eq!(encode(&token, now), None);
        assert_eq!(decode("no expiry"), None);
        assert_eq!(decode("x:t"), None);
    }
}
