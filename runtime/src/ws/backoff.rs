//! The wait before each reconnect attempt: exponential, bounded, with random jitter.

use std::time::Duration;

use super::config::ClientConfig;

/// The wait before reconnect attempt `attempt` (0 = the first after a drop).
///
/// The first attempt waits only the jitter, as the official SDKs do; later ones add
/// `base · 2^(attempt-1)`, capped at `ReconnectInterval`. The jitter is `unit · ReconnectNonce`
/// with `unit` drawn uniformly from `[0, 1)`, so clients dropped together do not return together.
pub(crate) fn reconnect_delay(
    config: &ClientConfig,
    base: Duration,
    attempt: u32,
    unit: f64,
) -> Duration {
    let jitter = config.reconnect_nonce.mul_f64(unit.clamp(0.0, 1.0));
    let backoff = match attempt {
        0 => Duration::ZERO,
        n => {
            let factor = 1u32.checked_shl(n - 1).unwrap_or(u32::MAX);
            base.saturating_mul(factor).min(config.reconnect_interval)
        }
    };
    backoff.saturating_add(jitter)
}

/// Whether attempt `attempt` (0-based) is still allowed by `ReconnectCount`.
pub(crate) fn may_retry(config: &ClientConfig, attempt: u32) -> bool {
    !matches!(config.reconnect_count, Some(count) if attempt >= count)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> ClientConfig {
        ClientConfig {
            reconnect_count: Some(3),
            reconnect_interval: Duration::from_secs(10),
            reconnect_nonce: Duration::from_secs(4),
            ping_interval: Duration::from_secs(120),
        }
    }

    #[test]
    fn first_attempt_waits_only_the_jitter() {
        let base = Duration::from_secs(1);
        assert_eq!(reconnect_delay(&config(), base, 0, 0.0), Duration::ZERO);
        assert_eq!(
            reconnect_delay(&config(), base, 0, 0.5),
            Duration::from_secs(2)
        );
    }

    #[test]
    fn backoff_doubles_up_to_the_interval() {
        let base = Duration::from_secs(1);
        let waits: Vec<_> = (1..7)
            .map(|n| reconnect_delay(&config(), base, n, 0.0).as_secs())
            .collect();
        assert_eq!(waits, [1, 2, 4, 8, 10, 10]);
        assert_eq!(
            reconnect_delay(&config(), base, 200, 0.25),
            Duration::from_secs(11)
        );
    }

    #[test]
    fn reconnect_count_bounds_attempts() {
        assert!(may_retry(&config(), 2));
        assert!(!may_retry(&config(), 3));
        let unlimited = ClientConfig {
            reconnect_count: None,
            ..config()
        };
        assert!(may_retry(&unlimited, u32::MAX));
    }
}
