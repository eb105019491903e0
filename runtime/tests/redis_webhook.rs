//! Two webhook servers on two loopback ports sharing one real Redis, as replicas behind a load
//! balancer: a signed delivery sent to both reaches one handler, a failing handler's retry runs on
//! the other replica, a claim expires after its ttl, a replica that dies while its handler runs
//! holds the event only for the claim's lease; and Redis failing (killed, restarted on the
//! same port, paused) never fails a delivery, with claims shared again once it answers.

#![cfg(all(feature = "axum", feature = "redis"))]

mod webhook_support;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use lark_runtime::dispatch::{Dispatcher, DEFAULT_CLAIM_TTL};
use lark_runtime::envelope::EventEnvelope;
use lark_runtime::store::redis::{RedisStore, DEFAULT_LEASE};
use lark_runtime::webhook::{self, Config, Webhook};
use webhook_support::redis::RedisServer;
use webhook_support::{encrypted_request, event_with_id, post};

const KEY: &str = "redis-test-encrypt-key";
const TOKEN: &str = "redis-test-verification-token";
const APP_ID: &str = "cli_redis_test";
const PATH: &str = "/webhook/event";
/// The bound on every test; a hang fails instead of blocking the run.
const LIMIT: Duration = Duration::from_secs(90);

/// Every handler call of the replicas: which replica, which event id.
type Calls = Arc<Mutex<Vec<(&'static str, String)>>>;

struct Replica {
    addr: SocketAddr,
}

/// What a replica's handler does after recording its call.
#[derive(Clone, Copy, PartialEq)]
enum Handler {
    Succeeds,
    Fails,
    /// Never finishes, as a handler of a process about to die.
    Hangs,
}

/// A webhook server on a loopback port whose handler records its calls and then does what
/// `handler` says, claiming event ids for `claim_ttl` in the Redis at `url`.
async fn replica(
    name: &'static str,
    url: &str,
    calls: &Calls,
    claim_ttl: Duration,
    handler: Handler,
) -> Replica {
    replica_with_lease(name, url, calls, claim_ttl, handler, DEFAULT_LEASE).await
}

/// [`replica`], its claims held for `lease` while the handler runs.
async fn replica_with_lease(
    name: &'static str,
    url: &str,
    calls: &Calls,
    claim_ttl: Duration,
    handler: Handler,
    lease: Duration,
) -> Replica {
    let store = RedisStore::builder(url, APP_ID)
        .timeout(Duration::from_millis(200))
        .pause(Duration::from_millis(100))
        .lease(lease)
        .connect()
        .expect("a Redis store");
    let calls = Arc::clone(calls);
    let dispatcher = Dispatcher::new()
        .claim_ttl(claim_ttl)
        .shared_claims(Arc::new(store))
        .fallback(move |envelope: EventEnvelope| {
            let id = envelope.header.event_id.unwrap_or_default();
            calls.lock().unwrap().push((name, id));
            async move {
                match handler {
                    Handler::Succeeds => Ok(()),
                    Handler::Fails => Err("the database is down".into()),
                    Handler::Hangs => std::future::pending().await,
                }
            }
        });
    let config = Config::new().verification_token(TOKEN).encrypt_key(KEY);
    let router = webhook::axum::router(PATH, Arc::new(Webhook::new(config, dispatcher)));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("local addr");
    tokio::spawn(webhook::axum::serve(
        listener,
        router,
        Duration::from_secs(10),
        std::future::pending(),
    ));
    Replica { addr }
}

/// Two replicas, `a` and `b`, on the Redis at `url`, with the default claim ttl.
async fn pair(url: &str, calls: &Calls) -> (Replica, Replica) {
    (
        replica("a", url, calls, DEFAULT_CLAIM_TTL, Handler::Succeeds).await,
        replica("b", url, calls, DEFAULT_CLAIM_TTL, Handler::Succeeds).await,
    )
}

/// A signed, encrypted delivery of the event `id`, as the platform sends it (and sends it again).
fn delivery(id: &str) -> (Vec<(String, String)>, String) {
    encrypted_request(KEY, &event_with_id(id, TOKEN))
}

/// Sends `delivery` to `replica`; returns the status.
async fn send(replica: &Replica, delivery: &(Vec<(String, String)>, String)) -> u16 {
    let (headers, body) = delivery;
    post(replica.addr, PATH, headers, body.as_bytes()).await.0
}

/// The replicas whose handler was called with `id`, in order.
fn handlers_of(calls: &Calls, id: &str) -> Vec<&'static str> {
    let calls = calls.lock().unwrap();
    calls
        .iter()
        .filter(|(_, called)| called == id)
        .map(|(name, _)| *name)
        .collect()
}

/// Sends fresh events to `a` then `b` until one reaches `a`'s handler alone: claims are shared.
async fn until_shared(a: &Replica, b: &Replica, calls: &Calls, label: &str) -> String {
    for n in 0.. {
        let id = format!("{label}-{n}");
        let delivery = delivery(&id);
        assert_eq!(send(a, &delivery).await, 200);
        assert_eq!(send(b, &delivery).await, 200);
        if handlers_of(calls, &id) == ["a"] {
            return id;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    unreachable!()
}

/// Waits until the claim `key` is kept for the default ttl (past 7 h): its handler succeeded, and
/// the claim, a lease until then, is kept in the background as the delivery is answered.
async fn kept_for_the_ttl(redis: &RedisServer, key: &str) {
    let most = i64::try_from(DEFAULT_CLAIM_TTL.as_millis()).unwrap();
    loop {
        let left: i64 = redis.command(&["PTTL", key]).await;
        assert!(left > 0 && left <= most, "{key}: {left} ms");
        if left > 7 * 3600 * 1000 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

async fn bounded<T>(test: impl Future<Output = T>) -> T {
    tokio::time::timeout(LIMIT, test)
        .await
        .expect("test exceeded its time limit")
}

#[tokio::test]
async fn the_same_delivery_to_two_replicas_reaches_one_handler() {
    bounded(async {
        let redis = RedisServer::start().await;
        let calls = Calls::default();
        let (a, b) = pair(&redis.url(), &calls).await;

        let one = delivery("evt-one");
        assert_eq!(send(&a, &one).await, 200);
        assert_eq!(send(&b, &one).await, 200);
        assert_eq!(handlers_of(&calls, "evt-one"), ["a"]);

        // At the same moment: one of them wins the claim.
        let both = delivery("evt-both");
        let (at_a, at_b) = tokio::join!(send(&a, &both), send(&b, &both));
        assert_eq!((at_a, at_b), (200, 200));
        assert_eq!(handlers_of(&calls, "evt-both").len(), 1);

        // The claim is namespaced by the app and, once its handler succeeded, lasts the default
        // ttl, past the retry schedule (kept in the background as the delivery is answered).
        kept_for_the_ttl(&redis, "lark:event:cli_redis_test:evt-one").await;
    })
    .await;
}

#[tokio::test]
async fn a_failing_handler_releases_the_claim_and_the_retry_on_the_other_replica_runs() {
    bounded(async {
        let redis = RedisServer::start().await;
        let calls = Calls::default();
        let a = replica("a", &redis.url(), &calls, DEFAULT_CLAIM_TTL, Handler::Fails).await;
        let b = replica(
            "b",
            &redis.url(),
            &calls,
            DEFAULT_CLAIM_TTL,
            Handler::Succeeds,
        )
        .await;

        let retried = delivery("evt-retried");
        assert_eq!(send(&a, &retried).await, 500, "a's handler fails");
        assert_eq!(send(&b, &retried).await, 200, "the retry reaches b");
        assert_eq!(handlers_of(&calls, "evt-retried"), ["a", "b"]);
        assert_eq!(send(&a, &retried).await, 200, "handled by b: a duplicate");
        assert_eq!(handlers_of(&calls, "evt-retried"), ["a", "b"]);
    })
    .await;
}

#[tokio::test]
async fn a_claim_expires_after_its_ttl() {
    bounded(async {
        let redis = RedisServer::start().await;
        let calls = Calls::default();
        let ttl = Duration::from_millis(500);
        let a = replica("a", &redis.url(), &calls, ttl, Handler::Succeeds).await;
        let b = replica("b", &redis.url(), &calls, ttl, Handler::Succeeds).await;

        let expiring = delivery("evt-expiring");
        assert_eq!(send(&a, &expiring).await, 200);
        let left: i64 = redis
            .command(&["PTTL", "lark:event:cli_redis_test:evt-expiring"])
            .await;
        assert!(left <= 500, "the claim lasts the configured ttl: {left} ms");
        // Once expired, in Redis and in b's memory, the same delivery is handled again.
        while handlers_of(&calls, "evt-expiring").len() < 2 {
            assert_eq!(send(&b, &expiring).await, 200);
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert_eq!(handlers_of(&calls, "evt-expiring"), ["a", "b"]);
    })
    .await;
}

#[tokio::test]
async fn redis_killed_then_restarted_fails_no_delivery_and_claims_are_shared_again() {
    bounded(async {
        let mut redis = RedisServer::start().await;
        let calls = Calls::default();
        let (a, b) = pair(&redis.url(), &calls).await;
        until_shared(&a, &b, &calls, "evt-before").await;

        redis.kill();
        // Accepted and handled; each replica deduplicates alone meanwhile.
        let during = delivery("evt-during");
        assert_eq!(send(&a, &during).await, 200);
        assert_eq!(send(&a, &during).await, 200);
        assert_eq!(send(&b, &during).await, 200);
        assert_eq!(handlers_of(&calls, "evt-during"), ["a", "b"]);
        for n in 0..20 {
            let more = delivery(&format!("evt-down-{n}"));
            assert_eq!(send(&a, &more).await, 200);
        }

        // The same port, a new (empty) Redis: neither replica is restarted.
        redis.restart().await;
        let shared = until_shared(&a, &b, &calls, "evt-after").await;
        let held: Option<String> = redis
            .command(&["GET", &format!("lark:event:cli_redis_test:{shared}")])
            .await;
        assert!(held.is_some(), "the claim is in the new Redis");
    })
    .await;
}

#[tokio::test]
async fn a_slow_redis_costs_a_bounded_wait_then_claims_fall_back_to_memory() {
    bounded(async {
        let redis = RedisServer::start().await;
        let calls = Calls::default();
        let (a, b) = pair(&redis.url(), &calls).await;
        until_shared(&a, &b, &calls, "evt-before").await;

        // Writes wait for a minute: far longer than a request may take (`post` gives up after 30 s).
        let ok: String = redis.command(&["CLIENT", "PAUSE", "60000", "WRITE"]).await;
        assert_eq!(ok, "OK");
        let slow = delivery("evt-slow");
        assert_eq!(send(&a, &slow).await, 200);
        assert_eq!(send(&a, &slow).await, 200, "a duplicate in a's memory");
        assert_eq!(handlers_of(&calls, "evt-slow"), ["a"]);

        let ok: String = redis.command(&["CLIENT", "UNPAUSE"]).await;
        assert_eq!(ok, "OK");
        until_shared(&a, &b, &calls, "evt-after").await;
    })
    .await;
}

#[tokio::test]
async fn a_replica_that_dies_while_its_handler_runs_holds_the_event_only_for_its_lease() {
    bounded(async {
        let redis = RedisServer::start().await;
        let calls = Calls::default();
        let key = "lark:event:cli_redis_test:evt-orphaned";
        let lease = Duration::from_millis(1500);
        // Replica a runs on a runtime of its own, so that it can die as a process does: its tasks
        // stop where they are, and nothing of it runs after (no release, no renewal).
        let a_runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("a runtime for replica a");
        let a = {
            let (url, calls, handle) =
                (redis.url(), Arc::clone(&calls), a_runtime.handle().clone());
            tokio::task::spawn_blocking(move || {
                handle.block_on(replica_with_lease(
                    "a",
                    &url,
                    &calls,
                    DEFAULT_CLAIM_TTL,
                    Handler::Hangs,
                    lease,
                ))
            })
            .await
            .expect("replica a starts")
        };
        let b = replica(
            "b",
            &redis.url(),
            &calls,
            DEFAULT_CLAIM_TTL,
            Handler::Succeeds,
        )
        .await;

        let orphaned = delivery("evt-orphaned");
        let at_a = {
            let (addr, orphaned) = (a.addr, orphaned.clone());
            tokio::spawn(async move { post(addr, PATH, &orphaned.0, orphaned.1.as_bytes()).await })
        };
        while handlers_of(&calls, "evt-orphaned").is_empty() {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }

        // While a's handler runs, its claim is renewed: past three leases, the retry that reaches
        // b is a duplicate, and the claim never holds longer than one lease.
        for _ in 0..9 {
            tokio::time::sleep(lease / 3).await;
            let left: i64 = redis.command(&["PTTL", key]).await;
            let most = i64::try_from(lease.as_millis()).unwrap();
            assert!(left > 0 && left <= most, "a lease, renewed: {left} ms");
        }
        assert_eq!(send(&b, &orphaned).await, 200);
        assert_eq!(handlers_of(&calls, "evt-orphaned"), ["a"]);

        // a dies: its claim is not released, and ends with its lease (not the 8 h ttl).
        a_runtime.shutdown_background();
        at_a.abort();
        let held: Option<String> = redis.command(&["GET", key]).await;
        assert!(held.is_some(), "a dead replica releases nothing");
        while handlers_of(&calls, "evt-orphaned").len() < 2 {
            assert_eq!(send(&b, &orphaned).await, 200);
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert_eq!(handlers_of(&calls, "evt-orphaned"), ["a", "b"]);
        kept_for_the_ttl(&redis, key).await;
    })
    .await;
}
