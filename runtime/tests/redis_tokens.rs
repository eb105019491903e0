//! Two API clients (replicas) sharing their tokens through one real Redis, against a local platform:
//! one token request between them, one refresh serving both, and calls going on with a token
//! fetched locally while Redis is down.

#![cfg(all(feature = "api", feature = "redis"))]

mod api_support;
// The Redis launcher alone: the rest of the webhook support needs the `webhook` feature.
#[path = "webhook_support/redis.rs"]
mod redis_server;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use api_support::{bearer, bounded, success, tenant_token, token_refused, Platform, APP_ID};
use axum::extract::State;
use axum::http::HeaderMap;
use axum::routing::get;
use axum::Router;
use lark_runtime::api::{CallOptions, Client, Method, Request};
use lark_runtime::store::redis::RedisStore;
use redis_server::RedisServer;
use serde_json::{json, Value};

const ECHO: &str = "/open-apis/test/v1/echo";

/// An API answering with the token it was called with, accepting `t-{n}` for `n` ≥ `accepted`.
fn echo_api(accepted: &Arc<AtomicUsize>) -> Router {
    Router::new()
        .route(
            ECHO,
            get(
                |State(accepted): State<Arc<AtomicUsize>>, headers: HeaderMap| async move {
                    let oldest = accepted.load(Ordering::SeqCst);
                    let fresh = bearer(&headers)
                        .and_then(|t| t.strip_prefix("t-").and_then(|n| n.parse::<usize>().ok()))
                        .is_some_and(|n| n >= oldest);
                    match bearer(&headers) {
                        Some(token) if fresh => success(json!({ "token": token })),
                        _ => token_refused(),
                    }
                },
            ),
        )
        .with_state(Arc::clone(accepted))
}

/// A client of `platform` keeping its tokens in the Redis at `url`.
fn client(platform: &Platform, url: &str) -> Client {
    let store = RedisStore::builder(url, APP_ID)
        .timeout(Duration::from_millis(200))
        .pause(Duration::from_millis(100))
        .connect()
        .expect("a Redis store");
    platform
        .builder()
        .token_cache(Arc::new(store))
        .build()
        .expect("client")
}

async fn token_of(client: &Client) -> String {
    let response = client
        .call::<Value>(&Request::new(Method::GET, ECHO), &CallOptions::new())
        .await
        .expect("call");
    response.data["token"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn two_clients_on_one_redis_make_one_token_request_between_them() {
    bounded(async {
        let redis = RedisServer::start().await;
        let platform = Platform::start(echo_api(&Arc::new(AtomicUsize::new(1)))).await;
        let (a, b) = (
            client(&platform, &redis.url()),
            client(&platform, &redis.url()),
        );
        // Cold, at the same moment, 50 calls on each.
        let calls: Vec<_> = (0..100)
            .map(|n| {
                let client = if n % 2 == 0 { a.clone() } else { b.clone() };
                tokio::spawn(async move { token_of(&client).await })
            })
            .collect();
        for call in calls {
            assert_eq!(call.await.expect("task"), tenant_token(1));
        }
        assert_eq!(platform.counters.tenant_tokens(), 1);

        let held: String = redis
            .command(&["GET", "lark:tenant_access_token:cli_api_test"])
            .await;
        assert!(held.ends_with(":t-1"), "{held}");
        let ttl: i64 = redis
            .command(&["PTTL", "lark:tenant_access_token:cli_api_test"])
            .await;
        assert!(
            ttl > 0 && ttl <= 7200 * 1000,
            "expires with the token: {ttl} ms"
        );
    })
    .await;
}

#[tokio::test]
async fn one_clients_refresh_serves_the_other() {
    bounded(async {
        let redis = RedisServer::start().await;
        let accepted = Arc::new(AtomicUsize::new(1));
        let platform = Platform::start(echo_api(&accepted)).await;
        let (a, b) = (
            client(&platform, &redis.url()),
            client(&platform, &redis.url()),
        );
        assert_eq!(token_of(&a).await, tenant_token(1));
        assert_eq!(token_of(&b).await, tenant_token(1));

        // The platform stops accepting t-1: a is refused, evicts it and fetches t-2 for both.
        accepted.store(2, Ordering::SeqCst);
        assert_eq!(token_of(&a).await, tenant_token(2));
        assert_eq!(token_of(&b).await, tenant_token(2));
        assert_eq!(platform.counters.tenant_tokens(), 2);
    })
    .await;
}

#[tokio::test]
async fn with_redis_down_calls_go_on_with_a_token_fetched_once_here() {
    bounded(async {
        let mut redis = RedisServer::start().await;
        let platform = Platform::start(echo_api(&Arc::new(AtomicUsize::new(1)))).await;
        let a = client(&platform, &redis.url());
        redis.kill();
        for _ in 0..20 {
            assert_eq!(token_of(&a).await, tenant_token(1));
        }
        assert_eq!(platform.counters.tenant_tokens(), 1);

        // Back (empty): the next fetch is shared again.
        redis.restart().await;
        let b = client(&platform, &redis.url());
        assert_eq!(token_of(&b).await, tenant_token(2));
        let mut shared = token_of(&a).await;
        while shared != tenant_token(2) {
            tokio::time::sleep(Duration::from_millis(50)).await;
            shared = token_of(&a).await;
        }
        assert_eq!(platform.counters.tenant_tokens(), 2);
    })
    .await;
}
