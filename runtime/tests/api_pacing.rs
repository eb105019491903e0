//! Client-side pacing against a local platform, on tokio's paused clock (which moves only while
//! every task waits, so the arrival times the server records are exact): a burst spread over the
//! API's documented limit, no wait with pacing off, lanes per tenant and per API, and a 429's
//! reset holding the API's next calls.

#![cfg(feature = "api")]

mod api_support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use api_support::{answer, success, Platform, APP_TICKET};
use axum::extract::{OriginalUri, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use futures_util::future::join_all;
use lark_runtime::api::{self, CallOptions, Client, Error};
use serde_json::json;
use tokio::time::Instant;

/// An API limited to 5 calls a second, declared as the generated modules declare it.
mod five_per_second {
    #[derive(Default)]
    pub struct Request {
        pub thing_id: String,
    }
    lark_runtime::api::endpoint!(Request -> serde_json::Value {
        GET "/open-apis/test/v1/things/:thing_id",
        tokens: [Tenant],
        rate: [5 / second],
        path: { thing_id },
        query: {},
        required: {},
        body: none,
    });
}

/// Another API with the same limit.
mod other {
    #[derive(Default)]
    pub struct Request {}
    lark_runtime::api::endpoint!(Request -> serde_json::Value {
        GET "/open-apis/test/v1/others",
        tokens: [Tenant],
        rate: [5 / second,],
        path: {},
        query: {},
        required: {},
        body: none,
    });
}

/// When each request arrived, with its path and tenant token, in order.
type Arrivals = Arc<Mutex<Vec<Arrival>>>;

#[derive(Debug, Clone)]
struct Arrival {
    at: Instant,
    path: String,
    token: String,
}

/// The answer to request `n` (0-based).
type Reply = fn(usize) -> Response;

/// The test APIs, recording arrivals; `reply(n)` answers request `n`.
fn api(arrivals: &Arrivals, reply: Reply) -> Router {
    let handler = |State((arrivals, reply)): State<(Arrivals, Reply)>,
                   OriginalUri(uri): OriginalUri,
                   headers: axum::http::HeaderMap| async move {
        let mut arrivals = arrivals.lock().unwrap();
        let n = arrivals.len();
        arrivals.push(Arrival {
            at: Instant::now(),
            path: uri.path().to_owned(),
            token: api_support::bearer(&headers).unwrap_or_default(),
        });
        reply(n)
    };
    Router::new()
        .route("/open-apis/test/v1/things/{thing_id}", get(handler))
        .route("/open-apis/test/v1/others", get(handler))
        .with_state((arrivals.clone(), reply))
}

fn done(_: usize) -> Response {
    success(json!({"done": true}))
}

fn thing(id: &str) -> five_per_second::Request {
    five_per_second::Request {
        thing_id: id.to_owned(),
    }
}

/// Sends `n` calls of `endpoint` at once.
async fn burst<E: api::Endpoint>(
    client: &Client,
    endpoint: E,
    options: CallOptions,
    n: usize,
) -> Vec<Result<api::Response<E::Response>, Error>> {
    join_all((0..n).map(|_| client.send_with(&endpoint, &options))).await
}

fn all_ok<T>(results: Vec<Result<T, Error>>) {
    for result in results {
        if let Err(error) = result {
            panic!("{error}");
        }
    }
}

/// Arrival times in milliseconds after the first.
fn offsets(arrivals: &[Arrival]) -> Vec<u128> {
    let first = arrivals.iter().map(|a| a.at).min().expect("arrivals");
    let mut offsets: Vec<u128> = arrivals
        .iter()
        .map(|a| (a.at - first).as_millis())
        .collect();
    offsets.sort_unstable();
    offsets
}

/// How many of `offsets` fall in each second after the first.
fn per_second(offsets: &[u128]) -> Vec<usize> {
    let seconds = offsets.iter().max().map_or(0, |last| last / 1000 + 1);
    (0..seconds)
        .map(|s| offsets.iter().filter(|o| **o / 1000 == s).count())
        .collect()
}

fn recorded(arrivals: &Arrivals) -> Vec<Arrival> {
    arrivals.lock().unwrap().clone()
}

#[tokio::test(start_paused = true)]
async fn a_burst_is_spread_over_the_documented_limit() {
    let arrivals = Arrivals::default();
    let platform = Platform::start(api(&arrivals, done)).await;
    let client = platform.builder().pacing(true).build().unwrap();
    all_ok(burst(&client, thing("a"), CallOptions::new(), 12).await);

    let offsets = offsets(&recorded(&arrivals));
    assert_eq!(per_second(&offsets), [5, 5, 2], "{offsets:?}");
    // Whatever second one looks at, never a sixth call within it.
    for pair in offsets.windows(6) {
        assert!(pair[5] - pair[0] >= 1000, "{offsets:?}");
    }
}

#[tokio::test(start_paused = true)]
async fn without_pacing_a_burst_goes_out_at_once() {
    let arrivals = Arrivals::default();
    let platform = Platform::start(api(&arrivals, done)).await;
    all_ok(burst(&platform.client(), thing("a"), CallOptions::new(), 12).await);

    let offsets = offsets(&recorded(&arrivals));
    assert_eq!(offsets.len(), 12);
    assert!(offsets[11] < 100, "{offsets:?}");
}

#[tokio::test(start_paused = true)]
async fn tenants_and_apis_are_paced_apart() {
    let arrivals = Arrivals::default();
    let platform = Platform::start(api(&arrivals, done)).await;
    let client = platform
        .builder()
        .app_type(api::AppType::Store)
        .pacing(true)
        .build()
        .unwrap();
    client.set_app_ticket(APP_TICKET).await.unwrap();
    let tenant = |key: &str| CallOptions::new().tenant_key(key);

    // Five calls in each of three lanes: tenant A's things, tenant B's things, tenant A's others.
    let (a, b, others) = tokio::join!(
        burst(&client, thing("x"), tenant("A"), 5),
        burst(&client, thing("y"), tenant("B"), 5),
        burst(&client, other::Request {}, tenant("A"), 5),
    );
    all_ok(a);
    all_ok(b);
    all_ok(others);
    let first = recorded(&arrivals);
    assert_eq!(first.len(), 15);
    assert!(offsets(&first)[14] < 100, "{:?}", offsets(&first));
    let tenant_b = first.iter().filter(|a| a.token.starts_with("t-B-"));
    assert_eq!(tenant_b.count(), 5);

    // A sixth call of the things API in tenant A waits for the second to end, though its path
    // differs: the platform counts per API, its path template.
    all_ok(burst(&client, thing("z"), tenant("A"), 1).await);
    let all = recorded(&arrivals);
    let sixth = all.last().unwrap();
    assert!(
        sixth.path.ends_with("/z") && sixth.token.starts_with("t-A-"),
        "{sixth:?}"
    );
    let waited = sixth.at - all.iter().map(|a| a.at).min().unwrap();
    assert!(waited >= Duration::from_secs(1), "{waited:?}");
}

fn rate_limited_first(n: usize) -> Response {
    if n > 0 {
        return done(n);
    }
    let body = json!({"code": 99991400, "msg": "request trigger frequency limit"});
    let mut response = answer(StatusCode::TOO_MANY_REQUESTS, body);
    let headers = response.headers_mut();
    headers.insert("x-ogw-ratelimit-limit", "5".parse().unwrap());
    headers.insert("x-ogw-ratelimit-reset", "2".parse().unwrap());
    response
}

#[tokio::test(start_paused = true)]
async fn a_rate_limit_reset_holds_the_next_calls_of_the_api() {
    let arrivals = Arrivals::default();
    let platform = Platform::start(api(&arrivals, rate_limited_first)).await;
    let client = platform.builder().pacing(true).build().unwrap();

    let refused_then_retried = async { client.send(&thing("a")).await.unwrap() };
    // Sent once the first call has been refused, with room under 5 a second.
    let later = async {
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(recorded(&arrivals).len(), 1, "the first call was refused");
        client.send(&thing("b")).await.unwrap()
    };
    tokio::join!(refused_then_retried, later);

    let offsets = offsets(&recorded(&arrivals));
    assert_eq!(offsets.len(), 3, "{offsets:?}");
    // Both the retry and the later call waited for the reset.
    assert!(offsets[1] >= 2000, "{offsets:?}");
}
