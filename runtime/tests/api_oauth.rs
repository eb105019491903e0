//! User access tokens through OAuth against a local token endpoint that behaves as the platform's
//! page documents it (`POST /open-apis/authen/v2/oauth/token`): what the client sends, the token it
//! decodes, refusals as errors with the platform's code and description, single-use refresh
//! tokens, the authorization page's address, PKCE (a code bound to its S256 challenge), and no
//! secret in `Debug` output.

#![cfg(feature = "api")]

mod api_support;

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use api_support::{answer, bearer, bounded, success, Platform, APP_ID, APP_SECRET, LOG_ID};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use lark_runtime::api::{
    CallOptions, Client, Error, Method, Pkce, Request, TokenType, LARK_BASE_URL,
};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

const TOKEN: &str = "/open-apis/authen/v2/oauth/token";
const REDIRECT: &str = "https://example.com/api/oauth/callback";
const SCOPE: &str = "auth:user.id:read offline_access";

/// The token endpoint's memory: what it was sent, the codes it handed out (with whether the user
/// granted `offline_access`), the PKCE challenge each code was asked with, the refresh tokens still
/// valid.
#[derive(Default)]
struct Endpoint {
    requests: Mutex<Vec<(HeaderMap, Value)>>,
    codes: Mutex<HashMap<String, bool>>,
    challenges: Mutex<HashMap<String, String>>,
    refresh_tokens: Mutex<Vec<String>>,
    issued: AtomicUsize,
}

type Shared = Arc<Endpoint>;

impl Endpoint {
    fn with_codes(codes: &[(&str, bool)]) -> Shared {
        let endpoint = Endpoint::default();
        let mut known = endpoint.codes.lock().unwrap();
        for (code, offline) in codes {
            known.insert((*code).to_owned(), *offline);
        }
        drop(known);
        Arc::new(endpoint)
    }

    fn requests(&self) -> Vec<(HeaderMap, Value)> {
        self.requests.lock().unwrap().clone()
    }

    /// A new token, with a refresh token when `offline`.
    fn issue(&self, offline: bool) -> Response {
        let n = self.issued.fetch_add(1, Ordering::SeqCst) + 1;
        let mut body = json!({
            "code": 0,
            "access_token": format!("u-{n}"),
            "expires_in": 7200,
            "scope": if offline { SCOPE } else { "auth:user.id:read" },
            "token_type": "Bearer",
            "id_token_hint": "a field the client does not know",
        });
        if offline {
            let refresh = format!("r-{n}");
            self.refresh_tokens.lock().unwrap().push(refresh.clone());
            body["refresh_token"] = json!(refresh);
            body["refresh_token_expires_in"] = json!(604_800);
        }
        answer(StatusCode::OK, body)
    }
}

/// A failed answer as the page shows it: `code`, `error`, `error_description`, no `msg`.
fn refused(status: StatusCode, code: i64, error: &str, description: &str) -> Response {
    answer(
        status,
        json!({"code": code, "error": error, "error_description": description}),
    )
}

async fn token_endpoint(
    State(endpoint): State<Shared>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    endpoint
        .requests
        .lock()
        .unwrap()
        .push((headers, body.clone()));
    if body["client_id"] != APP_ID || body["client_secret"] != APP_SECRET {
        let description = "The client secret is invalid.";
        return refused(
            StatusCode::BAD_REQUEST,
            20002,
            "invalid_client",
            description,
        );
    }
    match body["grant_type"].as_str() {
        Some("authorization_code") => {
            let code = body["code"].as_str().unwrap_or_default();
            let challenge = endpoint.challenges.lock().unwrap().remove(code);
            if let Some(challenge) = challenge {
                // RFC 7636, S256: the challenge is base64url(SHA-256(verifier)), unpadded.
                let verifier = body["code_verifier"].as_str().unwrap_or_default();
                let digest = Sha256::digest(verifier.as_bytes());
                if URL_SAFE_NO_PAD.encode(digest) != challenge {
                    return refused(
                        StatusCode::BAD_REQUEST,
                        20049,
                        "invalid_grant",
                        "PKCE code challenge failed.",
                    );
                }
            }
            let granted = endpoint.codes.lock().unwrap().remove(code);
            match granted {
                Some(offline) => endpoint.issue(offline),
                None => refused(
                    StatusCode::BAD_REQUEST,
                    20065,
                    "invalid_grant",
                    "The authorization code has been used.",
                ),
            }
        }
        Some("refresh_token") => {
            let token = body["refresh_token"].as_str().unwrap_or_default();
            let mut valid = endpoint.refresh_tokens.lock().unwrap();
            match valid.iter().position(|t| t == token) {
                Some(index) => {
                    valid.remove(index);
                    drop(valid);
                    endpoint.issue(true)
                }
                None => refused(
                    StatusCode::BAD_REQUEST,
                    20064,
                    "invalid_grant",
                    "The refresh token has been revoked.",
                ),
            }
        }
        _ => refused(
            StatusCode::BAD_REQUEST,
            20036,
            "unsupported_grant_type",
            "The specified grant_type is not supported.",
        ),
    }
}

async fn start(endpoint: &Shared) -> Platform {
    let api = Router::new()
        .route(TOKEN, post(token_endpoint))
        .with_state(endpoint.clone());
    Platform::start(api).await
}

#[tokio::test]
async fn a_code_is_exchanged_as_the_page_documents_and_the_token_decoded() {
    bounded(async {
        let endpoint = Endpoint::with_codes(&[("code-1", true)]);
        let platform = start(&endpoint).await;
        let before = SystemTime::now();
        let token = platform
            .client()
            .exchange_code("code-1", REDIRECT)
            .await
            .unwrap();
        let after = SystemTime::now();

        let requests = endpoint.requests();
        let [(headers, body)] = requests.as_slice() else {
            panic!("{} requests", requests.len());
        };
        assert_eq!(
            body,
            &json!({
                "grant_type": "authorization_code",
                "client_id": APP_ID,
                "client_secret": APP_SECRET,
                "code": "code-1",
                "redirect_uri": REDIRECT,
            })
        );
        assert_eq!(
            headers["content-type"], "application/json; charset=utf-8",
            "the page's Content-Type"
        );
        assert_eq!(bearer(headers), None, "the endpoint takes no token");

        assert_eq!(token.access_token, "u-1");
        assert_eq!(token.refresh_token.as_deref(), Some("r-1"));
        assert_eq!(token.expires_in, 7200);
        assert_eq!(token.refresh_token_expires_in, Some(604_800));
        assert_eq!(token.scope, SCOPE);
        assert_eq!(token.token_type, "Bearer");
        let lifetime = Duration::from_secs(7200);
        assert!(before + lifetime <= token.expires_at && token.expires_at <= after + lifetime);
        let refresh_lifetime = Duration::from_secs(604_800);
        let refresh_expires_at = token.refresh_expires_at.unwrap();
        assert!(before + refresh_lifetime <= refresh_expires_at);
        assert!(refresh_expires_at <= after + refresh_lifetime);
    })
    .await;
}

#[tokio::test]
async fn an_empty_redirect_uri_is_left_out_and_no_offline_access_means_no_refresh_token() {
    bounded(async {
        let endpoint = Endpoint::with_codes(&[("code-2", false)]);
        let platform = start(&endpoint).await;
        let token = platform.client().exchange_code("code-2", "").await.unwrap();
        assert_eq!(endpoint.requests()[0].1.get("redirect_uri"), None);
        assert_eq!(token.access_token, "u-1");
        assert_eq!(token.refresh_token, None);
        assert_eq!(token.refresh_expires_at, None);
    })
    .await;
}

#[tokio::test]
async fn a_used_code_is_an_api_error_with_the_platform_code_and_description() {
    bounded(async {
        let endpoint = Endpoint::with_codes(&[("code-1", true)]);
        let platform = start(&endpoint).await;
        let client = platform.client();
        client.exchange_code("code-1", REDIRECT).await.unwrap();

        let error = client.exchange_code("code-1", REDIRECT).await.unwrap_err();
        let api = error.api().unwrap_or_else(|| panic!("{error}"));
        assert_eq!((api.status, api.code), (400, 20065));
        assert_eq!(
            api.msg,
            "invalid_grant: The authorization code has been used."
        );
        assert_eq!(api.log_id.as_deref(), Some(LOG_ID));
        assert!(error.to_string().contains("20065"), "{error}");
        // Not retried: a code works once.
        assert_eq!(endpoint.requests().len(), 2);
    })
    .await;
}

#[tokio::test]
async fn wrong_app_credentials_are_refused_with_the_platform_code() {
    bounded(async {
        let endpoint = Endpoint::with_codes(&[("code-1", true)]);
        let platform = start(&endpoint).await;
        let client = Client::builder(APP_ID, "wrong-secret")
            .base_url(format!("http://{}", platform.addr))
            .allow_host("127.0.0.1")
            .build()
            .unwrap();
        let error = client.refresh_user_token("r-1").await.unwrap_err();
        assert_eq!(error.code(), Some(20002));
        assert_eq!(error.status(), Some(400));
        assert_eq!(endpoint.requests()[0].1["client_secret"], "wrong-secret");
    })
    .await;
}

#[tokio::test]
async fn a_refresh_sends_the_refresh_token_and_its_successor_replaces_it() {
    bounded(async {
        let endpoint = Endpoint::with_codes(&[("code-1", true)]);
        let platform = start(&endpoint).await;
        let client = platform.client();
        let first = client.exchange_code("code-1", REDIRECT).await.unwrap();

        let refresh = first.refresh_token.unwrap();
        let second = client.refresh_user_token(&refresh).await.unwrap();
        assert_eq!(
            endpoint.requests()[1].1,
            json!({
                "grant_type": "refresh_token",
                "client_id": APP_ID,
                "client_secret": APP_SECRET,
                "refresh_token": "r-1",
            })
        );
        assert_eq!(second.access_token, "u-2");
        assert_eq!(second.refresh_token.as_deref(), Some("r-2"));

        // The old refresh token worked once.
        let error = client.refresh_user_token(&refresh).await.unwrap_err();
        assert_eq!(error.code(), Some(20064));
        assert_eq!(
            error.api().unwrap().msg,
            "invalid_grant: The refresh token has been revoked."
        );
        let third = client
            .refresh_user_token(second.refresh_token.as_deref().unwrap())
            .await
            .unwrap();
        assert_eq!(third.access_token, "u-3");
    })
    .await;
}

#[tokio::test]
async fn the_exchanged_token_calls_apis_as_the_user() {
    bounded(async {
        let endpoint = Endpoint::with_codes(&[("code-1", true)]);
        let me = "/open-apis/authen/v1/user_info";
        let api =
            Router::new()
                .route(TOKEN, post(token_endpoint))
                .route(
                    me,
                    get(|headers: HeaderMap| async move {
                        success(json!({ "token": bearer(&headers) }))
                    }),
                )
                .with_state(endpoint.clone());
        let platform = Platform::start(api).await;
        let client = platform.client();
        let token = client.exchange_code("code-1", REDIRECT).await.unwrap();
        let request = Request::new(Method::GET, me).tokens(&[TokenType::User]);
        let options = CallOptions::new().user_access_token(token.access_token);
        let answer = client.call::<Value>(&request, &options).await.unwrap();
        assert_eq!(answer.data["token"], "u-1");
    })
    .await;
}

#[tokio::test]
async fn a_server_error_is_returned_once_and_a_missing_token_is_unexpected() {
    bounded(async {
        let hits = Arc::new(AtomicUsize::new(0));
        let api = Router::new()
            .route(
                TOKEN,
                post(|State(hits): State<Arc<AtomicUsize>>| async move {
                    match hits.fetch_add(1, Ordering::SeqCst) {
                        0 => refused(
                            StatusCode::INTERNAL_SERVER_ERROR,
                            20050,
                            "server_error",
                            "An unexpected server error occurred.",
                        ),
                        _ => answer(StatusCode::OK, json!({"code": 0, "token_type": "Bearer"})),
                    }
                }),
            )
            .with_state(hits.clone());
        let platform = Platform::start(api).await;
        let client = platform.client();

        let error = client.exchange_code("code-1", REDIRECT).await.unwrap_err();
        assert_eq!(error.code(), Some(20050));
        assert_eq!(error.status(), Some(500));
        assert_eq!(hits.load(Ordering::SeqCst), 1, "a code is never sent twice");

        let error = client.refresh_user_token("r-1").await.unwrap_err();
        assert!(
            matches!(error, Error::Unexpected { status: 200, .. }),
            "{error}"
        );
        assert!(error.to_string().contains("access_token"), "{error}");
    })
    .await;
}

#[test]
fn the_authorize_url_names_the_app_the_redirect_the_scopes_and_the_state() {
    let feishu = Client::builder(APP_ID, APP_SECRET).build().unwrap();
    assert_eq!(
        feishu.authorize_url(
            REDIRECT,
            &["contact:user.base:readonly", "offline_access"],
            "s 1"
        ),
        "https://accounts.feishu.cn/open-apis/authen/v1/authorize?client_id=cli_api_test\
         &redirect_uri=https%3A%2F%2Fexample.com%2Fapi%2Foauth%2Fcallback\
         &scope=contact%3Auser.base%3Areadonly%20offline_access&state=s%201"
    );
    let lark = Client::builder(APP_ID, APP_SECRET)
        .base_url(LARK_BASE_URL)
        .build()
        .unwrap();
    assert_eq!(
        lark.authorize_url("https://example.com/cb", &[], ""),
        "https://accounts.larksuite.com/open-apis/authen/v1/authorize?client_id=cli_api_test\
         &redirect_uri=https%3A%2F%2Fexample.com%2Fcb"
    );
    let private = Client::builder(APP_ID, APP_SECRET)
        .base_url("http://127.0.0.1:8080")
        .allow_host("127.0.0.1")
        .build()
        .unwrap();
    let url = private.authorize_url(REDIRECT, &["offline_access"], "s");
    assert!(
        url.starts_with("http://127.0.0.1:8080/open-apis/authen/v1/authorize?"),
        "{url}"
    );
}

#[tokio::test]
async fn debug_output_shows_no_token_and_no_secret() {
    bounded(async {
        let endpoint = Endpoint::with_codes(&[("code-1", true)]);
        let platform = start(&endpoint).await;
        let client = platform.client();
        let token = client.exchange_code("code-1", REDIRECT).await.unwrap();
        let shown = format!("{token:?} {client:?}");
        for secret in ["u-1", "r-1", APP_SECRET] {
            assert!(!shown.contains(secret), "{secret} in {shown}");
        }
        assert!(shown.contains("expires_in: 7200"), "{shown}");
    })
    .await;
}

/// The value of query parameter `name` in `url`.
fn query_value<'a>(url: &'a str, name: &str) -> Option<&'a str> {
    let query = url.split_once('?')?.1;
    query
        .split('&')
        .find_map(|pair| pair.strip_prefix(name)?.strip_prefix('='))
}

#[tokio::test]
async fn a_pkce_code_is_exchanged_with_its_verifier_and_refused_with_another() {
    bounded(async {
        let endpoint = Endpoint::with_codes(&[("code-1", false), ("code-2", false)]);
        let platform = start(&endpoint).await;
        let client = platform.client();
        let pkce = Pkce::new();
        let url = client.authorize_url_with_pkce(REDIRECT, &[], "s", &pkce);
        assert_eq!(query_value(&url, "code_challenge_method"), Some("S256"));
        let challenge = query_value(&url, "code_challenge")
            .expect("a challenge")
            .to_owned();
        assert_eq!(challenge, pkce.challenge());
        // The authorization page remembers the challenge with the codes it hands out.
        for code in ["code-1", "code-2"] {
            endpoint
                .challenges
                .lock()
                .unwrap()
                .insert(code.into(), challenge.clone());
        }

        let token = client
            .exchange_code_with_pkce("code-1", REDIRECT, &pkce)
            .await
            .unwrap();
        assert_eq!(token.access_token, "u-1");
        assert_eq!(
            endpoint.requests()[0].1["code_verifier"],
            pkce.verifier(),
            "the verifier goes in the body"
        );

        let kept = Pkce::from_verifier(pkce.verifier()).unwrap();
        assert_eq!(
            kept, pkce,
            "a verifier kept in a session makes the same Pkce"
        );
        let error = client
            .exchange_code_with_pkce("code-2", REDIRECT, &Pkce::new())
            .await
            .unwrap_err();
        let Error::Api(api) = &error else {
            panic!("{error:?}")
        };
        assert_eq!(api.code, 20049);
        assert_eq!(api.msg, "invalid_grant: PKCE code challenge failed.");
        assert_eq!(
            endpoint.requests().len(),
            2,
            "a refused code is not sent again"
        );
    })
    .await;
}

#[test]
fn a_pkce_verifier_is_checked_and_never_shown() {
    // RFC 7636, appendix B: this verifier's S256 challenge (also the example of the platform's
    // authorization page).
    let pkce = Pkce::from_verifier("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk").unwrap();
    assert_eq!(
        pkce.challenge(),
        "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    );
    for bad in ["short", &"a".repeat(129), &format!("{}+", "a".repeat(42))] {
        let error = Pkce::from_verifier(bad).unwrap_err();
        assert!(
            matches!(&error, Error::InvalidRequest(reason) if reason.contains("43 to 128")),
            "{bad}: {error}"
        );
    }
    let fresh = Pkce::new();
    assert_eq!(fresh.verifier().len(), 43);
    assert!(Pkce::from_verifier(fresh.verifier()).is_ok());
    assert_ne!(fresh, Pkce::new(), "each sign-in gets its own verifier");
    let shown = format!("{fresh:?}");
    assert!(!shown.contains(fresh.verifier()), "{shown}");
}
