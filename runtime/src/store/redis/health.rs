//! Whether Redis is asked at all: after a failure, calls fail at once for a while, so that a Redis
//! that is down or slow costs one bounded wait per pause rather than one per event.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

#[derive(Debug)]
pub(super) struct Health {
    pause: Duration,
    /// The reference of the times below.
    epoch: Instant,
    /// Until when (milliseconds since `epoch`) calls fail without asking; 0 while Redis answers.
    paused_until: AtomicU64,
}

impl Health {
    pub(super) fn new(pause: Duration) -> Self {
        Self {
            pause,
            epoch: Instant::now(),
            paused_until: AtomicU64::new(0),
        }
    }

    /// How long calls fail without asking after a failure.
    pub(super) fn pause(&self) -> Duration {
        self.pause
    }

    /// Whether Redis may be asked now.
    pub(super) fn may_ask(&self, now: Instant) -> bool {
        let until = self.paused_until.load(Ordering::Relaxed);
        until == 0 || self.millis(now) >= until
    }

    /// Redis answered: ask it again every time.
    pub(super) fn answered(&self) {
        if self.paused_until.load(Ordering::Relaxed) != 0 {
            self.paused_until.store(0, Ordering::Relaxed);
        }
    }

    /// Redis failed at `now`: do not ask it again for a pause.
    pub(super) fn failed(&self, now: Instant) {
        let until = self.millis(now).saturating_add(millis(self.pause)).max(1);
        self.paused_until.store(until, Ordering::Relaxed);
    }

    fn millis(&self, now: Instant) -> u64 {
        millis(now.saturating_duration_since(self.epoch))
    }
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failure_pauses_asking_until_the_pause_is_over() {
        let health = Health::new(Duration::from_secs(1));
        let start = health.epoch;
        assert!(health.may_ask(start));
        health.failed(start);
        assert!(!health.may_ask(start + Duration::from_millis(999)));
        assert!(health.may_ask(start + Duration::from_secs(1)));
        health.failed(start + Duration::from_secs(1));
        assert!(!health.may_ask(start + Duration::from_millis(1500)));
        health.answered();
        assert!(health.may_ask(start + Duration::from_millis(1500)));
    }

    #[test]
    fn a_huge_pause_does_not_overflow() {
        let health = Health::new(Duration::MAX);
        let start = health.epoch;
        health.failed(start + Duration::from_secs(5));
        assert!(!health.may_ask(start + Duration::from_secs(3600 * 24 * 365)));
    }
}
