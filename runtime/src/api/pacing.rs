//! Client-side pacing: a call waits until every rate limit its API documents has room, so that a
//! burst is spread out instead of refused with HTTP 429.
//!
//! The platform counts calls per API, per app and per tenant; a client is one app, so its pacer
//! keeps one lane per API (method and path template) and tenant. A lane remembers, for each limit
//! of at most `n` calls per period, the times of its last `n` calls (a sliding log). A call is
//! given the earliest time at which no limit counts more than its `n` calls within one period, in
//! the order calls ask, and sleeps until then; a call dropped while it sleeps stays counted, which
//! errs toward fewer calls. A rate limit's reset, once answered, delays the calls that ask after
//! it. Lanes whose calls have all left their periods are dropped as new lanes come.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::Duration;

use reqwest::Method;
use tokio::time::Instant;

use super::client::Client;
use super::config::AppType;
use super::request::{CallOptions, Request};

/// The most calls a limit's log keeps: a limit above it is paced as a stricter one (`n / k` calls
/// per `period / k`), so that a lane's memory stays bounded whatever limit it is given.
const MAX_LOG: u32 = 1024;

/// The longest period a limit may have.
const MAX_PERIOD: Duration = Duration::from_secs(24 * 3600);

/// How many lanes the pacer holds before it first drops idle ones.
const MIN_SWEEP: usize = 64;

/// A rate limit an API documents: at most `calls` calls per `per`, per app and tenant.
///
/// A limit of 0 calls, or with a period of zero or longer than a day, is ignored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RateLimit {
    /// How many calls the period allows.
    pub calls: u32,
    /// The period.
    pub per: Duration,
}

impl RateLimit {
    /// At most `calls` per `per`.
    pub const fn new(calls: u32, per: Duration) -> Self {
        Self { calls, per }
    }

    /// `N 次/秒`.
    pub const fn per_second(calls: u32) -> Self {
        Self::new(calls, Duration::from_secs(1))
    }

    /// `N 次/分钟`.
    pub const fn per_minute(calls: u32) -> Self {
        Self::new(calls, Duration::from_secs(60))
    }

    /// `N 次/小时`.
    pub const fn per_hour(calls: u32) -> Self {
        Self::new(calls, Duration::from_secs(3600))
    }
}

/// The lanes of one client.
#[derive(Default)]
pub(crate) struct Pacer {
    lanes: Mutex<Lanes>,
}

#[derive(Default)]
struct Lanes {
    by_key: HashMap<Key, Lane>,
    /// The number of lanes at which idle ones are dropped next.
    sweep_at: usize,
}

/// Whom the platform counts a call against: the API and the tenant (the app is the client's).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    method: Method,
    template: &'static str,
    tenant: Option<String>,
}

/// One API's calls in one tenant.
#[derive(Default)]
struct Lane {
    logs: Vec<Log>,
    /// No call before this: the reset of a rate limit the platform answered.
    held_until: Option<Instant>,
}

/// The last calls under one limit, oldest first.
struct Log {
    limit: RateLimit,
    capacity: usize,
    period: Duration,
    times: VecDeque<Instant>,
}

impl Pacer {
    /// Waits for the turn of a call of `request` counted against `tenant`.
    async fn wait(&self, request: &Request, tenant: Option<&str>) {
        let now = Instant::now();
        let at = self.reserve(key(request, tenant), request.rate_limits, now);
        if at > now {
            tracing::debug!(wait = ?(at - now), "pacing by the API's rate limit");
            tokio::time::sleep_until(at).await;
        }
    }

    /// The time of the next call of `key`, taken: the earliest at which every limit has room.
    fn reserve(&self, key: Key, limits: &[RateLimit], now: Instant) -> Instant {
        let mut lanes = self.lanes.lock().unwrap_or_else(|e| e.into_inner());
        lanes.sweep(now);
        let lane = lanes.by_key.entry(key).or_default();
        lane.adopt(limits);
        let at = lane.next(now);
        for log in &mut lane.logs {
            log.record(at);
        }
        at
    }

    /// Holds the later calls of `key` until `until` (a rate limit's reset).
    fn hold(&self, key: Key, until: Instant) {
        let mut lanes = self.lanes.lock().unwrap_or_else(|e| e.into_inner());
        let lane = lanes.by_key.entry(key).or_default();
        lane.held_until = lane.held_until.max(Some(until));
    }
}

impl Lanes {
    /// Drops the idle lanes once their number has doubled since the last sweep.
    fn sweep(&mut self, now: Instant) {
        if self.by_key.len() < self.sweep_at {
            return;
        }
        self.by_key.retain(|_, lane| !lane.idle(now));
        self.sweep_at = (2 * self.by_key.len()).max(MIN_SWEEP);
    }
}

impl Lane {
    /// Adds a log for each limit not yet kept (a lane counts its calls against every limit any of
    /// them declared).
    fn adopt(&mut self, limits: &[RateLimit]) {
        for limit in limits {
            if !self.logs.iter().any(|log| log.limit == *limit) {
                self.logs.extend(Log::new(*limit));
            }
        }
    }

    /// The earliest time from `now` at which a call fits every limit.
    fn next(&self, now: Instant) -> Instant {
        let free = self.logs.iter().filter_map(Log::free_at);
        free.chain(self.held_until).fold(now, Instant::max)
    }

    /// Whether forgetting the lane changes nothing: no hold and no call within its period.
    fn idle(&self, now: Instant) -> bool {
        self.held_until.is_none_or(|until| until <= now)
            && self.logs.iter().all(|log| log.idle(now))
    }
}

impl Log {
    /// The log of `limit`, none for a limit that allows nothing or has no period (or one too long).
    fn new(limit: RateLimit) -> Option<Self> {
        if limit.calls == 0 || limit.per.is_zero() || limit.per > MAX_PERIOD {
            return None;
        }
        let split = (limit.calls / MAX_LOG).max(1);
        // Rounded up, so that `split` periods never fit in `per`.
        let period = match split {
            1 => limit.per,
            _ => limit.per / split + Duration::from_nanos(1),
        };
        Some(Self {
            limit,
            capacity: (limit.calls / split) as usize,
            period,
            times: VecDeque::new(),
        })
    }

    /// When the oldest logged call leaves the period, if the log is full.
    fn free_at(&self) -> Option<Instant> {
        let oldest = self.times.front()?;
        (self.times.len() >= self.capacity).then(|| *oldest + self.period)
    }

    fn record(&mut self, at: Instant) {
        if self.times.len() >= self.capacity {
            self.times.pop_front();
        }
        self.times.push_back(at);
    }

    fn idle(&self, now: Instant) -> bool {
        self.times
            .back()
            .is_none_or(|last| *last + self.period <= now)
    }
}

/// The lane of a call: its API, and its tenant for a store app (a custom app has one tenant).
fn key(request: &Request, tenant: Option<&str>) -> Key {
    Key {
        method: request.method.clone(),
        template: request.template,
        tenant: tenant.map(str::to_owned),
    }
}

impl Client {
    /// The tenant a call of a store app is counted in; a custom app has one.
    pub(crate) fn pacing_tenant<'a>(&self, options: &'a CallOptions) -> Option<&'a str> {
        match self.settings().app_type {
            AppType::Store => options.tenant_key.as_deref(),
            AppType::Custom => None,
        }
    }

    /// Waits for the turn of an attempt of `request`, when pacing is on and the API has limits.
    pub(crate) async fn pace(&self, request: &Request, tenant: Option<&str>) {
        if let Some(pacer) = self.pacer().filter(|_| !request.rate_limits.is_empty()) {
            pacer.wait(request, tenant).await;
        }
    }

    /// After the platform refused `request` for its rate limit: its API's later calls wait for
    /// the `reset`.
    pub(crate) fn hold_pace(&self, request: &Request, tenant: Option<&str>, reset: Duration) {
        let until = Instant::now().checked_add(reset);
        if let (Some(pacer), Some(until)) = (self.pacer(), until) {
            if !request.rate_limits.is_empty() {
                pacer.hold(key(request, tenant), until);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIVE_PER_SECOND: &[RateLimit] = &[RateLimit::per_second(5)];
    const TIERED: &[RateLimit] = &[RateLimit::per_minute(6), RateLimit::per_second(2)];

    fn lane(name: &'static str) -> Key {
        Key {
            method: Method::GET,
            template: name,
            tenant: None,
        }
    }

    fn offsets(pacer: &Pacer, limits: &[RateLimit], start: Instant, n: usize) -> Vec<u64> {
        (0..n)
            .map(|_| {
                let at = pacer.reserve(lane("/a"), limits, start);
                (at - start).as_millis() as u64
            })
            .collect()
    }

    #[test]
    fn a_burst_is_spread_over_the_periods() {
        let pacer = Pacer::default();
        let start = Instant::now();
        let times = offsets(&pacer, FIVE_PER_SECOND, start, 12);
        assert_eq!(
            times,
            [0, 0, 0, 0, 0, 1000, 1000, 1000, 1000, 1000, 2000, 2000]
        );
    }

    #[test]
    fn every_limit_of_a_tier_holds() {
        let pacer = Pacer::default();
        let start = Instant::now();
        let times = offsets(&pacer, TIERED, start, 8);
        assert_eq!(times, [0, 0, 1000, 1000, 2000, 2000, 60_000, 60_000]);
    }

    #[test]
    fn calls_spread_out_in_time_wait_for_nothing() {
        let pacer = Pacer::default();
        let start = Instant::now();
        for n in 0..10 {
            let now = start + Duration::from_millis(250 * n);
            assert_eq!(pacer.reserve(lane("/a"), FIVE_PER_SECOND, now), now);
        }
    }

    #[test]
    fn a_hold_delays_later_calls() {
        let pacer = Pacer::default();
        let start = Instant::now();
        pacer.hold(lane("/a"), start + Duration::from_secs(3));
        let at = pacer.reserve(lane("/a"), FIVE_PER_SECOND, start);
        assert_eq!(at - start, Duration::from_secs(3));
        assert_eq!(pacer.reserve(lane("/b"), FIVE_PER_SECOND, start), start);
    }

    #[test]
    fn huge_and_empty_limits_stay_bounded() {
        let minute = Duration::from_secs(60);
        let huge = Log::new(RateLimit::new(1_000_000, minute)).unwrap();
        assert!(huge.capacity <= MAX_LOG as usize);
        // However a minute falls on the periods, it sees no more calls than the limit allows.
        let periods = minute.as_nanos().div_ceil(huge.period.as_nanos());
        assert!(periods * huge.capacity as u128 <= 1_000_000);
        assert!(Log::new(RateLimit::per_second(0)).is_none());
        assert!(Log::new(RateLimit::new(5, Duration::ZERO)).is_none());
        assert!(Log::new(RateLimit::new(5, Duration::MAX)).is_none());
    }

    #[test]
    fn idle_lanes_are_dropped() {
        let pacer = Pacer::default();
        let start = Instant::now();
        let names: Vec<&'static str> = (0..300)
            .map(|n| &*Box::leak(format!("/api/{n}").into_boxed_str()))
            .collect();
        for name in &names[..200] {
            pacer.reserve(lane(name), FIVE_PER_SECOND, start);
        }
        // A second later the first 200 lanes are idle: new lanes make room by dropping them.
        let later = start + Duration::from_secs(1);
        for name in &names[200..] {
            pacer.reserve(lane(name), FIVE_PER_SECOND, later);
        }
        let lanes = pacer.lanes.lock().unwrap();
        assert!(lanes.by_key.len() <= 100, "{} lanes", lanes.by_key.len());
    }
}
