//! Calls against a local platform: rate limits waited out, 5xx retried when idempotent, timeouts,
//! malformed and error answers, and what the request looks like on the wire.

#![cfg(feature = "api")]

mod api_support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use api_support::{answer, bounded, success, Platform, LOG_ID};
use axum::extract::{OriginalUri, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use lark_runtime::api::{CallOptions, Error, Method, Request, RetryPolicy};
use serde::Deserialize;
use serde_json::{json, Value};

const PATH: &str = "/open-apis/test/v1/things";

/// How many requests arrived.
type Hits = Arc<AtomicUsize>;

/// The answer to request `n` (0-based).
type Reply = fn(usize) -> Response;

/// An API at [`PATH`] (GET and POST) answering request `n` with `reply(n)`.
fn api(hits: &Hits, reply: Reply) -> Router {
    let handler = |State((hits, reply)): State<(Hits, Reply)>| async move {
        reply(hits.fetch_add(1, Ordering::SeqCst))
    };
    Router::new()
        .route(PATH, get(handler).post(handler))
        .with_state((hits.clone(), reply))
}

fn rate_limited(status: StatusCode, reset: &'static str) -> Response {
    let body = json!({"code": 99991400, "msg": "request trigger frequency limit"});
    let mut response = answer(status, body);
    let headers = response.headers_mut();
    headers.insert("x-ogw-ratelimit-limit", "100".parse().unwrap());
    headers.insert("x-ogw-ratelimit-reset", reset.parse().unwrap());
    response
}

fn done() -> Response {
    success(json!({"done": true}))
}

async fn call(platform: &Platform, method: Method) -> Result<Value, Error> {
    let request = Request::new(method, PATH);
    let response = platform
        .client()
        .call::<Value>(&request, &CallOptions::new())
        .await?;
    Ok(response.data)
}

fn count(hits: &Hits) -> usize {
    hits.load(Ordering::SeqCst)
}

#[tokio::test]
async fn http_429_waits_for_the_reset_then_succeeds() {
    bounded(async {
        let hits = Hits::default();
        let reply = |n| match n {
            0 => rate_limited(StatusCode::TOO_MANY_REQUESTS, "1"),
            _ => done(),
        };
        let platform = Platform::start(api(&hits, reply)).await;
        let started = Instant::now();
        assert_eq!(call(&platform, Method::GET).await.unwrap()["done"], true);
        assert!(started.elapsed() >= Duration::from_millis(950));
        assert_eq!(count(&hits), 2);
    })
    .await;
}

#[tokio::test]
async fn http_400_with_code_99991400_waits_for_the_reset_then_succeeds_even_for_a_post() {
    bounded(async {
        let hits = Hits::default();
        let reply = |n| match n {
            0 => rate_limited(StatusCode::BAD_REQUEST, "1"),
            _ => done(),
        };
        let platform = Platform::start(api(&hits, reply)).await;
        let started = Instant::now();
        assert_eq!(call(&platform, Method::POST).await.unwrap()["done"], true);
        assert!(started.elapsed() >= Duration::from_millis(950));
        assert_eq!(count(&hits), 2);
    })
    .await;
}

#[tokio::test]
async fn a_rate_limit_reset_beyond_the_bound_is_returned_at_once() {
    bounded(async {
        let hits = Hits::default();
        let reply = |_| rate_limited(StatusCode::TOO_MANY_REQUESTS, "120");
        let platform = Platform::start(api(&hits, reply)).await;
        let error = call(&platform, Method::GET).await.unwrap_err();
        assert!(error.is_rate_limited(), "{error}");
        assert_eq!(error.status(), Some(429));
        assert_eq!(error.log_id(), Some(LOG_ID));
        assert_eq!(count(&hits), 1);
    })
    .await;
}

#[tokio::test]
async fn rate_limit_retries_are_bounded() {
    bounded(async {
        let hits = Hits::default();
        let reply = |_| rate_limited(StatusCode::TOO_MANY_REQUESTS, "0");
        let platform = Platform::start(api(&hits, reply)).await;
        let error = call(&platform, Method::GET).await.unwrap_err();
        assert!(error.is_rate_limited(), "{error}");
        assert_eq!(count(&hits), 1 + 3);
    })
    .await;
}

#[tokio::test]
async fn a_500_then_success_is_retried_for_an_idempotent_call() {
    bounded(async {
        let hits = Hits::default();
        let reply = |n| match n {
            0 => answer(
                StatusCode::INTERNAL_SERVER_ERROR,
                json!({"code": 1500, "msg": "internal error"}),
            ),
            _ => done(),
        };
        let platform = Platform::start(api(&hits, reply)).await;
        assert_eq!(call(&platform, Method::GET).await.unwrap()["done"], true);
        assert_eq!(count(&hits), 2);
    })
    .await;
}

#[tokio::test]
async fn a_500_is_not_retried_for_a_post() {
    bounded(async {
        let hits = Hits::default();
        let reply = |_| (StatusCode::BAD_GATEWAY, "<html>bad gateway</html>").into_response();
        let platform = Platform::start(api(&hits, reply)).await;
        let error = call(&platform, Method::POST).await.unwrap_err();
        assert!(
            matches!(error, Error::Unexpected { status: 502, .. }),
            "{error}"
        );
        assert_eq!(count(&hits), 1);
    })
    .await;
}

#[tokio::test]
async fn a_stalled_answer_is_a_timeout_error() {
    bounded(async {
        let hits = Hits::default();
        let stalled = Router::new().route(
            PATH,
            get(|State(hits): State<Hits>| async move {
                hits.fetch_add(1, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_secs(60)).await;
            }),
        );
        let platform = Platform::start(stalled.with_state(hits.clone())).await;
        let client = platform
            .builder()
            .timeout(Duration::from_millis(200))
            .retry(RetryPolicy {
                max_retries: 1,
                ..api_support::fast_retries()
            })
            .build()
            .unwrap();
        let request = Request::new(Method::GET, PATH);
        let error = client
            .call::<Value>(&request, &CallOptions::new())
            .await
            .unwrap_err();
        let limit = Duration::from_millis(200);
        assert!(
            matches!(error, Error::Timeout { limit: l } if l == limit),
            "{error}"
        );
        // Idempotent: tried once more.
        assert_eq!(count(&hits), 2);

        // The per-call timeout wins over the client's.
        let options = CallOptions::new().timeout(Duration::from_millis(50));
        let error = client.call::<Value>(&request, &options).await.unwrap_err();
        let limit = Duration::from_millis(50);
        assert!(
            matches!(error, Error::Timeout { limit: l } if l == limit),
            "{error}"
        );
    })
    .await;
}

#[tokio::test]
async fn a_malformed_body_is_an_error_with_the_status_and_log_id() {
    bounded(async {
        let hits = Hits::default();
        let reply = |_| {
            let headers = [("x-tt-logid", LOG_ID), ("content-type", "application/json")];
            (StatusCode::OK, headers, "{\"code\":0,\"data\":").into_response()
        };
        let platform = Platform::start(api(&hits, reply)).await;
        let error = call(&platform, Method::GET).await.unwrap_err();
        assert!(matches!(error, Error::Unexpected { .. }), "{error}");
        assert_eq!(error.status(), Some(200));
        assert_eq!(error.log_id(), Some(LOG_ID));
        assert!(error.to_string().contains("not JSON"), "{error}");
    })
    .await;
}

#[tokio::test]
async fn data_of_the_wrong_shape_is_an_error_not_a_panic() {
    bounded(async {
        #[derive(Debug, Deserialize)]
        struct Chat {
            #[allow(dead_code)]
            name: String,
        }
        let hits = Hits::default();
        let reply = |_| success(json!({"name": {"zh_cn": "群"}}));
        let platform = Platform::start(api(&hits, reply)).await;
        let request = Request::new(Method::GET, PATH);
        let error = platform
            .client()
            .call::<Chat>(&request, &CallOptions::new())
            .await
            .unwrap_err();
        assert!(
            matches!(error, Error::Unexpected { status: 200, .. }),
            "{error}"
        );
        assert!(
            error.to_string().contains("data does not decode"),
            "{error}"
        );
    })
    .await;
}

#[tokio::test]
async fn platform_errors_carry_code_msg_log_id_status_and_field_violations() {
    bounded(async {
        let hits = Hits::default();
        let reply = |_| {
            answer(
                StatusCode::BAD_REQUEST,
                json!({
                    "code": 99992402,
                    "msg": "field validation failed",
                    "error": {
                        "log_id": "body-log-id",
                        "field_violations": [
                            {"field": "receive_id", "description": "receive_id is required"}
                        ]
                    }
                }),
            )
        };
        let platform = Platform::start(api(&hits, reply)).await;
        let error = call(&platform, Method::POST).await.unwrap_err();
        let api = error.api().expect("a platform error");
        assert_eq!(api.code, 99992402);
        assert_eq!(api.msg, "field validation failed");
        assert_eq!(api.status, 400);
        assert_eq!(api.log_id.as_deref(), Some(LOG_ID));
        assert_eq!(api.detail.field_violations.len(), 1);
        assert_eq!(api.detail.field_violations[0].field, "receive_id");
        assert_eq!(count(&hits), 1);
    })
    .await;
}

#[tokio::test]
async fn path_parameters_are_percent_encoded_and_the_query_and_body_sent() {
    bounded(async {
        let api = Router::new().route(
            "/open-apis/test/v1/chats/{chat_id}/members",
            post(|OriginalUri(uri): OriginalUri, body: String| async move {
                success(json!({"uri": uri.to_string(), "body": body}))
            }),
        );
        let platform = Platform::start(api).await;
        let request = Request::new(Method::POST, "/open-apis/test/v1/chats/:chat_id/members")
            .path_param("chat_id", "oc_1/../x y")
            .query("member_id_type", "open_id")
            .query("succeed_type", 1)
            .json(&json!({"id_list": ["ou_1"]}))
            .unwrap();
        let response = platform
            .client()
            .call::<Value>(&request, &CallOptions::new())
            .await
            .unwrap();
        assert_eq!(
            response.data["uri"],
            "/open-apis/test/v1/chats/oc_1%2F..%2Fx%20y/members?member_id_type=open_id&succeed_type=1"
        );
        assert_eq!(response.data["body"], r#"{"id_list":["ou_1"]}"#);

        let missing = Request::new(Method::GET, "/open-apis/test/v1/chats/:chat_id");
        let error = platform
            .client()
            .call::<Value>(&missing, &CallOptions::new())
            .await
            .unwrap_err();
        assert!(matches!(error, Error::InvalidRequest(_)), "{error}");
    })
    .await;
}
