//! When to try a call again, and how long to wait first.

use std::time::Duration;

use reqwest::header::HeaderMap;

/// How a call is retried.
///
/// Network errors, timeouts and HTTP 5xx are retried only for idempotent requests (and refused
/// connections for any), with exponential backoff and random jitter. Rate limits (HTTP 429, or
/// HTTP 400 with code 99991400) are retried for any request after the wait the platform names
/// in `x-ogw-ratelimit-reset`; a longer wait than `max_rate_limit_wait` is not waited for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after network errors, timeouts and HTTP 5xx.
    pub max_retries: u32,
    /// The first backoff; each retry doubles it, up to `max_delay`.
    pub base_delay: Duration,
    /// The longest backoff.
    pub max_delay: Duration,
    /// Retries after rate limits.
    pub max_rate_limit_retries: u32,
    /// The longest rate-limit wait the client accepts.
    pub max_rate_limit_wait: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 3,
            base_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(5),
            max_rate_limit_retries: 3,
            max_rate_limit_wait: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// No retries at all.
    pub fn none() -> Self {
        Self {
            max_retries: 0,
            max_rate_limit_retries: 0,
            ..Self::default()
        }
    }

    /// The wait before retry `retry` (0 = the first): half of `base · 2^retry` (capped at
    /// `max_delay`) plus up to as much again, drawn from `unit` in `[0, 1)`.
    pub(crate) fn backoff(&self, retry: u32, unit: f64) -> Duration {
        let factor = 1u32.checked_shl(retry).unwrap_or(u32::MAX);
        let cap = self.base_delay.saturating_mul(factor).min(self.max_delay);
        cap / 2 + (cap / 2).mul_f64(unit.clamp(0.0, 1.0))
    }

    /// The wait after a rate limit: `reset` (or the backoff when the platform named none), plus
    /// up to `base_delay` of jitter so that callers limited together do not return together.
    /// `None` when it exceeds `max_rate_limit_wait`.
    pub(crate) fn rate_limit_wait(
        &self,
        reset: Option<Duration>,
        retry: u32,
        unit: f64,
    ) -> Option<Duration> {
        let wait = match reset {
            Some(reset) => reset + self.base_delay.mul_f64(unit.clamp(0.0, 1.0)),
            None => self.backoff(retry, unit),
        };
        (wait <= self.max_rate_limit_wait).then_some(wait)
    }
}

/// `x-ogw-ratelimit-reset`: seconds until the limit resets.
pub(crate) fn rate_limit_reset(headers: &HeaderMap) -> Option<Duration> {
    let text = headers.get("x-ogw-ratelimit-reset")?.to_str().ok()?;
    let seconds: f64 = text.trim().parse().ok()?;
    Duration::try_from_secs_f64(seconds).ok()
}

/// A number in `[0, 1)` for jitter.
pub(crate) fn jitter_unit() -> f64 {
    rand::random()
}

#[cfg(test)]
mod tests {
    use reqwest::header::HeaderValue;

    use super::*;

    #[test]
    fn backoff_doubles_with_jitter_up_to_the_cap() {
        let policy = RetryPolicy {
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(500),
            ..RetryPolicy::default()
        };
        let low: Vec<_> = (0..5).map(|n| policy.backoff(n, 0.0).as_millis()).collect();
        assert_eq!(low, [50, 100, 200, 250, 250]);
        assert_eq!(policy.backoff(1, 1.0), Duration::from_millis(200));
        assert_eq!(policy.backoff(64, 0.5), Duration::from_millis(375));
    }

    #[test]
    fn rate_limit_waits_for_the_reset_within_the_bound() {
        let policy = RetryPolicy::default();
        let reset = Some(Duration::from_secs(2));
        assert_eq!(
            policy.rate_limit_wait(reset, 0, 0.0),
            Some(Duration::from_secs(2))
        );
        assert_eq!(
            policy.rate_limit_wait(Some(Duration::from_secs(61)), 0, 0.0),
            None
        );
        assert_eq!(
            policy.rate_limit_wait(None, 0, 0.0),
            Some(Duration::from_millis(100))
        );
    }

    #[test]
    fn reads_the_reset_header() {
        let mut headers = HeaderMap::new();
        assert_eq!(rate_limit_reset(&headers), None);
        headers.insert("x-ogw-ratelimit-reset", HeaderValue::from_static("52"));
        assert_eq!(rate_limit_reset(&headers), Some(Duration::from_secs(52)));
        headers.insert("x-ogw-ratelimit-reset", HeaderValue::from_static("-1"));
        assert_eq!(rate_limit_reset(&headers), None);
    }
}
