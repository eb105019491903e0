//! The webhook as an axum handler and router.

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::header::CONTENT_TYPE;
use axum::http::{Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use http_body_util::LengthLimitError;

use super::{Config, Outcome, Rejection, Reply, SignatureHeaders, Webhook};

mod connections;
mod serve;
pub use serve::{
    serve, serve_with_limits, Limits, DEFAULT_HEADER_READ_TIMEOUT, DEFAULT_MAX_CONNECTIONS,
};

/// The path of the event callback URL that `lark-events serve` and the examples use.
pub const DEFAULT_PATH: &str = "/webhook/event";

/// A router answering `POST path` with `webhook`, with the body limit and body read timeout of its
/// config. A request to another path, or with another method, gets 404 or 405 with a reason, and
/// a warning in the log naming the path and method the webhook expects.
pub fn router(path: &str, webhook: Arc<Webhook>) -> Router {
    let expected = path.to_owned();
    let wrong_method = move |method: Method, uri: Uri| {
        tracing::warn!("{method} {uri}: the webhook accepts only POST");
        async {
            reason(
                StatusCode::METHOD_NOT_ALLOWED,
                "the webhook accepts only POST",
            )
        }
    };
    let unknown_path = move |method: Method, uri: Uri| {
        tracing::warn!(
            "{method} {uri}: no webhook at this path; the event callback URL must end with {expected}"
        );
        async { reason(StatusCode::NOT_FOUND, "no webhook at this path") }
    };
    Router::new()
        .route(path, post(handle).fallback(wrong_method))
        .fallback(unknown_path)
        .with_state(webhook)
}

/// A refusal with its reason as `{"msg":…}`, like the webhook's own.
fn reason(status: StatusCode, msg: &'static str) -> Response {
    let body = serde_json::json!({ "msg": msg }).to_string();
    (status, [(CONTENT_TYPE, "application/json")], body).into_response()
}

/// The axum handler: reads the raw body (within the config's size limit and read timeout) and the
/// signature headers, and answers with [`Webhook::handle_within`], a callback's handler limited to
/// [`Config::callback_deadline`] from the request's arrival. Mount it with [`router`], or in your own
/// router with `State<Arc<Webhook>>`.
pub async fn handle(State(webhook): State<Arc<Webhook>>, request: Request) -> Response {
    let deadline = tokio::time::sleep(webhook.config().callback_time_limit());
    // The request taken apart rather than its headers extracted, which would copy them.
    let (parts, body) = request.into_parts();
    let reply = match read_body(body, webhook.config()).await {
        Ok(body) => {
            let signature = SignatureHeaders::from_lookup(|name| {
                parts
                    .headers
                    .get(name)
                    .and_then(|value| value.to_str().ok())
            });
            webhook.handle_within(signature, &body, deadline).await
        }
        Err(rejection) => Reply::from(Outcome::Rejected(rejection)),
    };
    into_response(reply)
}

/// The whole body, or why it cannot be had: too large (413), too slow (408), cut off (400).
async fn read_body(body: Body, config: &Config) -> Result<Bytes, Rejection> {
    let limit = config.body_limit();
    let timeout = config.read_timeout();
    match tokio::time::timeout(timeout, axum::body::to_bytes(body, limit)).await {
        Ok(Ok(bytes)) => Ok(bytes),
        Ok(Err(error)) => {
            let error = error.into_inner();
            if error.downcast_ref::<LengthLimitError>().is_some() {
                Err(Rejection::TooLarge { limit })
            } else {
                Err(Rejection::UnreadableBody(error.to_string()))
            }
        }
        Err(_elapsed) => Err(Rejection::SlowBody { timeout }),
    }
}

fn into_response(reply: Reply) -> Response {
    let status = StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, [(CONTENT_TYPE, "application/json")], reply.body).into_response()
}
