//! Shared by the API client tests: a local server speaking the platform's token endpoints, to
//! which each test adds the API routes it needs, and a client pointed at it.

#![allow(dead_code)] // each test file uses its own subset

use std::future::Future;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use lark_runtime::api::{AppType, Client, ClientBuilder, RetryPolicy};
use serde_json::{json, Value};

pub const APP_ID: &str = "cli_api_test";
pub const APP_SECRET: &str = "api-test-secret";
pub const APP_TICKET: &str = "ticket-1";
/// The log id every answer of the test server carries.
pub const LOG_ID: &str = "20240101000000test";
/// The bound on every test; a hang fails instead of blocking the run.
pub const LIMIT: Duration = Duration::from_secs(30);

/// What the token endpoints have been asked.
#[derive(Default)]
pub struct Counters {
    pub tenant_tokens: AtomicUsize,
    pub app_tokens: AtomicUsize,
    pub ticket_resends: AtomicUsize,
    /// `expire` of the tokens handed out, seconds.
    pub expire: AtomicUsize,
}

impl Counters {
    pub fn tenant_tokens(&self) -> usize {
        self.tenant_tokens.load(Ordering::SeqCst)
    }

    pub fn app_tokens(&self) -> usize {
        self.app_tokens.load(Ordering::SeqCst)
    }
}

/// A running test platform.
pub struct Platform {
    pub addr: SocketAddr,
    pub counters: Arc<Counters>,
}

impl Platform {
    /// Serves the token endpoints and `api` on a loopback port.
    pub async fn start(api: Router) -> Self {
        let counters = Arc::new(Counters {
            expire: AtomicUsize::new(7200),
            ..Counters::default()
        });
        let tokens = Router::new()
            .route(
                "/open-apis/auth/v3/tenant_access_token/internal",
                post(tenant_token_internal),
            )
            .route(
                "/open-apis/auth/v3/app_access_token/internal",
                post(app_token_internal),
            )
            .route("/open-apis/auth/v3/app_access_token", post(app_token_store))
            .route(
                "/open-apis/auth/v3/tenant_access_token",
                post(tenant_token_store),
            )
            .route("/open-apis/auth/v3/app_ticket/resend", post(ticket_resend))
            .with_state(counters.clone());
        let router = tokens.merge(api);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("local addr");
        tokio::spawn(async move { axum::serve(listener, router).await.expect("serve") });
        Self { addr, counters }
    }

    /// A custom-app client of this platform: short timeout, fast retries.
    pub fn client(&self) -> Client {
        self.builder().build().expect("client")
    }

    /// The builder of [`Platform::client`], to adjust.
    pub fn builder(&self) -> ClientBuilder {
        Client::builder(APP_ID, APP_SECRET)
            .base_url(format!("http://{}", self.addr))
            .allow_host("127.0.0.1")
            .timeout(Duration::from_secs(5))
            .retry(fast_retries())
    }

    /// A store-app client of this platform.
    pub fn store_client(&self) -> Client {
        self.builder()
            .app_type(AppType::Store)
            .build()
            .expect("client")
    }
}

/// Retries with millisecond backoffs.
pub fn fast_retries() -> RetryPolicy {
    RetryPolicy {
        max_retries: 3,
        base_delay: Duration::from_millis(10),
        max_delay: Duration::from_millis(50),
        max_rate_limit_retries: 3,
        max_rate_limit_wait: Duration::from_secs(5),
    }
}

/// Runs `test` under [`LIMIT`].
pub async fn bounded<T>(test: impl Future<Output = T>) -> T {
    tokio::time::timeout(LIMIT, test)
        .await
        .expect("test exceeded its time limit")
}

/// The tenant token of fetch `n` (1-based) of a custom app.
pub fn tenant_token(n: usize) -> String {
    format!("t-{n}")
}

/// The bearer token of a request, if any.
pub fn bearer(headers: &HeaderMap) -> Option<String> {
    let value = headers.get("authorization")?.to_str().ok()?;
    value.strip_prefix("Bearer ").map(str::to_owned)
}

/// An answer as the platform gives it: JSON with the log id header.
pub fn answer(status: StatusCode, body: Value) -> Response {
    (status, [("x-tt-logid", LOG_ID)], Json(body)).into_response()
}

/// `{"code":0,"msg":"success","data":data}`.
pub fn success(data: Value) -> Response {
    answer(
        StatusCode::OK,
        json!({"code": 0, "msg": "success", "data": data}),
    )
}

/// The platform's answer to a refused tenant token.
pub fn token_refused() -> Response {
    answer(
        StatusCode::BAD_REQUEST,
        json!({"code": 99991663, "msg": "Invalid access token for authorization."}),
    )
}

fn credentials_ok(body: &Value) -> bool {
    body["app_id"] == APP_ID && body["app_secret"] == APP_SECRET
}

fn refused_credentials() -> Response {
    answer(
        StatusCode::BAD_REQUEST,
        json!({"code": 10014, "msg": "app secret invalid"}),
    )
}

fn expire(counters: &Counters) -> usize {
    counters.expire.load(Ordering::SeqCst)
}

async fn tenant_token_internal(
    State(counters): State<Arc<Counters>>,
    Json(body): Json<Value>,
) -> Response {
    if !credentials_ok(&body) {
        return refused_credentials();
    }
    // Slow enough that concurrent callers overlap with the fetch.
    tokio::time::sleep(Duration::from_millis(50)).await;
    let n = counters.tenant_tokens.fetch_add(1, Ordering::SeqCst) + 1;
    answer(
        StatusCode::OK,
        json!({"code": 0, "msg": "ok", "tenant_access_token": tenant_token(n), "expire": expire(&counters)}),
    )
}

async fn app_token_internal(
    State(counters): State<Arc<Counters>>,
    Json(body): Json<Value>,
) -> Response {
    if !credentials_ok(&body) {
        return refused_credentials();
    }
    let n = counters.app_tokens.fetch_add(1, Ordering::SeqCst) + 1;
    answer(
        StatusCode::OK,
        json!({"code": 0, "msg": "ok", "app_access_token": format!("a-{n}"), "expire": expire(&counters)}),
    )
}

async fn app_token_store(
    State(counters): State<Arc<Counters>>,
    Json(body): Json<Value>,
) -> Response {
    if !credentials_ok(&body) || body["app_ticket"] != APP_TICKET {
        return refused_credentials();
    }
    let n = counters.app_tokens.fetch_add(1, Ordering::SeqCst) + 1;
    answer(
        StatusCode::OK,
        json!({"code": 0, "msg": "ok", "app_access_token": format!("a-{n}"), "expire": expire(&counters)}),
    )
}

/// A store app's tenant token, `t-{tenant_key}-{n}`, for the current app token only.
async fn tenant_token_store(
    State(counters): State<Arc<Counters>>,
    Json(body): Json<Value>,
) -> Response {
    let current_app_token = format!("a-{}", counters.app_tokens());
    let tenant_key = body["tenant_key"].as_str().unwrap_or_default();
    if body["app_access_token"] != current_app_token.as_str() || tenant_key.is_empty() {
        return answer(
            StatusCode::BAD_REQUEST,
            json!({"code": 99991664, "msg": "invalid app token"}),
        );
    }
    let n = counters.tenant_tokens.fetch_add(1, Ordering::SeqCst) + 1;
    answer(
        StatusCode::OK,
        json!({"code": 0, "msg": "ok", "tenant_access_token": format!("t-{tenant_key}-{n}"), "expire": expire(&counters)}),
    )
}

async fn ticket_resend(State(counters): State<Arc<Counters>>, Json(body): Json<Value>) -> Response {
    if !credentials_ok(&body) {
        return refused_credentials();
    }
    counters.ticket_resends.fetch_add(1, Ordering::SeqCst);
    answer(StatusCode::OK, json!({"code": 0, "msg": "success"}))
}
