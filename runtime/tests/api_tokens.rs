//! Tokens against a local platform: one fetch for many cold callers, eviction and one retry when
//! the platform refuses a token, user tokens passed through, store apps, the refresh margin.

#![cfg(feature = "api")]

mod api_support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use api_support::{bearer, bounded, success, tenant_token, token_refused, Platform, APP_TICKET};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::get;
use axum::Router;
use lark_runtime::api::{CallOptions, Error, Method, Request, TokenType};
use serde_json::{json, Value};

const ECHO: &str = "/open-apis/test/v1/echo";

/// How many API requests arrived.
type Hits = Arc<AtomicUsize>;

/// An API that answers with the token it was called with, accepting only `t-{accepted}`.
fn echo_api(hits: &Hits, accepted: usize) -> Router {
    let accepted = tenant_token(accepted);
    Router::new()
        .route(
            ECHO,
            get(
                |State((hits, accepted)): State<(Hits, String)>, headers: HeaderMap| async move {
                    hits.fetch_add(1, Ordering::SeqCst);
                    match bearer(&headers) {
                        Some(token) if token == accepted => success(json!({ "token": token })),
                        _ => token_refused(),
                    }
                },
            ),
        )
        .with_state((hits.clone(), accepted))
}

fn echo() -> Request {
    Request::new(Method::GET, ECHO)
}

async fn token_of(client: &lark_runtime::api::Client, request: &Request) -> Result<String, Error> {
    let response = client.call::<Value>(request, &CallOptions::new()).await?;
    Ok(response.data["token"]
        .as_str()
        .unwrap_or_default()
        .to_owned())
}

#[tokio::test]
async fn a_thousand_concurrent_cold_calls_fetch_the_token_once() {
    bounded(async {
        let hits = Hits::default();
        let platform = Platform::start(echo_api(&hits, 1)).await;
        let client = platform.client();
        let calls: Vec<_> = (0..1000)
            .map(|_| {
                let client = client.clone();
                tokio::spawn(async move { token_of(&client, &echo()).await })
            })
            .collect();
        for call in calls {
            assert_eq!(call.await.expect("task").expect("call"), "t-1");
        }
        assert_eq!(platform.counters.tenant_tokens(), 1);
        assert_eq!(hits.load(Ordering::SeqCst), 1000);
    })
    .await;
}

#[tokio::test]
async fn a_refused_token_is_evicted_and_the_call_retried_once() {
    bounded(async {
        let hits = Hits::default();
        // The platform accepts only the second token: the first call is refused once.
        let platform = Platform::start(echo_api(&hits, 2)).await;
        let client = platform.client();
        assert_eq!(client.tenant_access_token(None).await.unwrap(), "t-1");

        assert_eq!(token_of(&client, &echo()).await.unwrap(), "t-2");
        assert_eq!(platform.counters.tenant_tokens(), 2);
        assert_eq!(hits.load(Ordering::SeqCst), 2);

        // The fresh token stays cached.
        assert_eq!(token_of(&client, &echo()).await.unwrap(), "t-2");
        assert_eq!(platform.counters.tenant_tokens(), 2);
    })
    .await;
}

#[tokio::test]
async fn a_token_refused_twice_is_an_error_after_one_retry() {
    bounded(async {
        let hits = Hits::default();
        let platform = Platform::start(echo_api(&hits, 0)).await;
        let error = token_of(&platform.client(), &echo()).await.unwrap_err();
        assert_eq!(error.code(), Some(99991663));
        assert_eq!(error.status(), Some(400));
        assert_eq!(hits.load(Ordering::SeqCst), 2);
        assert_eq!(platform.counters.tenant_tokens(), 2);
    })
    .await;
}

#[tokio::test]
async fn user_tokens_are_sent_as_given_and_never_refreshed() {
    bounded(async {
        let hits = Hits::default();
        let platform = Platform::start(echo_api(&hits, 1)).await;
        let client = platform.client();
        let user_api = echo().tokens(&[TokenType::Tenant, TokenType::User]);
        let as_user = CallOptions::new().user_access_token("u-1");

        // Refused like any token the API does not know, but not retried: only the user can
        // get a new one.
        let error = client.call::<Value>(&user_api, &as_user).await.unwrap_err();
        assert_eq!(error.code(), Some(99991663));
        assert_eq!(hits.load(Ordering::SeqCst), 1);
        assert_eq!(platform.counters.tenant_tokens(), 0);

        let user_only = echo().tokens(&[TokenType::User]);
        let error = client
            .call::<Value>(&user_only, &CallOptions::new())
            .await
            .unwrap_err();
        assert!(matches!(error, Error::MissingUserToken), "{error}");
        let error = client.call::<Value>(&echo(), &as_user).await.unwrap_err();
        assert!(matches!(error, Error::InvalidRequest(_)), "{error}");
        assert_eq!(hits.load(Ordering::SeqCst), 1);
    })
    .await;
}

#[tokio::test]
async fn the_user_token_reaches_the_api() {
    bounded(async {
        let api = Router::new().route(
            ECHO,
            get(|headers: HeaderMap| async move { success(json!({ "token": bearer(&headers) })) }),
        );
        let platform = Platform::start(api).await;
        let request = echo().tokens(&[TokenType::User]);
        let options = CallOptions::new().user_access_token("u-abc");
        let response = platform
            .client()
            .call::<Value>(&request, &options)
            .await
            .unwrap();
        assert_eq!(response.data["token"], "u-abc");
        assert_eq!(response.log_id.as_deref(), Some(api_support::LOG_ID));
    })
    .await;
}

#[tokio::test]
async fn a_store_app_needs_its_ticket_and_a_tenant_key() {
    bounded(async {
        let api = Router::new().route(
            ECHO,
            get(|headers: HeaderMap| async move { success(json!({ "token": bearer(&headers) })) }),
        );
        let platform = Platform::start(api).await;
        let client = platform.store_client();
        let in_tenant = |key: &str| CallOptions::new().tenant_key(key);

        // No ticket yet: the platform is asked to push one.
        let error = client.call::<Value>(&echo(), &in_tenant("tk1")).await.unwrap_err();
        assert!(
            matches!(&error, Error::Token { kind: TokenType::Tenant, source } if matches!(**source, Error::Token { kind: TokenType::App, .. })),
            "{error}"
        );
        assert!(error.to_string().contains("app_ticket"), "{error}");
        assert_eq!(platform.counters.ticket_resends.load(Ordering::SeqCst), 1);

        client.set_app_ticket(APP_TICKET).await.unwrap();
        let token = |key| {
            let client = client.clone();
            async move {
                let response = client.call::<Value>(&echo(), &in_tenant(key)).await;
                response.unwrap().data["token"].as_str().unwrap().to_owned()
            }
        };
        assert_eq!(token("tk1").await, "t-tk1-1");
        assert_eq!(token("tk2").await, "t-tk2-2");
        assert_eq!(token("tk1").await, "t-tk1-1");
        assert_eq!(platform.counters.app_tokens(), 1);

        let error = client.call::<Value>(&echo(), &CallOptions::new()).await.unwrap_err();
        assert!(matches!(error, Error::MissingTenantKey), "{error}");

        // Another replica (its own cache) gets a new app token: ours, a-1, is now refused when
        // asking for a tenant token, so it is replaced (a-3) and the request made again.
        let other = platform.store_client();
        other.set_app_ticket(APP_TICKET).await.unwrap();
        assert_eq!(other.app_access_token().await.unwrap(), "a-2");
        assert_eq!(token("tk3").await, "t-tk3-3");
        assert_eq!(client.app_access_token().await.unwrap(), "a-3");
    })
    .await;
}

#[tokio::test]
async fn a_token_within_the_refresh_margin_is_fetched_again() {
    bounded(async {
        let hits = Hits::default();
        let platform = Platform::start(echo_api(&hits, 1)).await;
        platform.counters.expire.store(600, Ordering::SeqCst);

        // 600 s left is more than the default 180 s margin: cached.
        let client = platform.client();
        client.tenant_access_token(None).await.unwrap();
        client.tenant_access_token(None).await.unwrap();
        assert_eq!(platform.counters.tenant_tokens(), 1);

        // With a 10-minute margin, 600 s left is already too little.
        let client = platform
            .builder()
            .refresh_margin(Duration::from_secs(600))
            .build()
            .unwrap();
        assert_eq!(client.tenant_access_token(None).await.unwrap(), "t-2");
        assert_eq!(client.tenant_access_token(None).await.unwrap(), "t-3");
    })
    .await;
}

#[tokio::test]
async fn an_expiry_out_of_range_is_an_unexpected_answer_not_a_panic() {
    bounded(async {
        let hits = Hits::default();
        let platform = Platform::start(echo_api(&hits, 1)).await;
        platform.counters.expire.store(usize::MAX, Ordering::SeqCst);
        let error = platform
            .client()
            .tenant_access_token(None)
            .await
            .unwrap_err();
        let Error::Token { source, .. } = &error else {
            panic!("{error:?}");
        };
        assert!(matches!(**source, Error::Unexpected { .. }), "{error:?}");
        assert!(source.to_string().contains("out of range"), "{error}");
    })
    .await;
}

#[tokio::test]
async fn refused_credentials_are_a_token_error_with_the_platform_code() {
    bounded(async {
        let platform = Platform::start(Router::new()).await;
        let client = platform.builder().build().unwrap();
        let wrong = lark_runtime::api::Client::builder(api_support::APP_ID, "wrong")
            .base_url(format!("http://{}", platform.addr))
            .allow_host("127.0.0.1")
            .build()
            .unwrap();
        let error = wrong
            .call::<Value>(&echo(), &CallOptions::new())
            .await
            .unwrap_err();
        assert!(
            matches!(
                error,
                Error::Token {
                    kind: TokenType::Tenant,
                    ..
                }
            ),
            "{error}"
        );
        assert_eq!(error.code(), Some(10014));
        assert_eq!(
            error.api().unwrap().status,
            StatusCode::BAD_REQUEST.as_u16()
        );
        assert_eq!(client.app_access_token().await.unwrap(), "a-1");
    })
    .await;
}
