//! The webhook as an axum handler and router.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;

use super::{Outcome, Rejection, Reply, SignatureHeaders, Webhook};

/// A router answering `POST path` with `webhook`, with the body limit of its config.
pub fn router(path: &str, webhook: Arc<Webhook>) -> Router {
    let limit = webhook.config().body_limit();
    Router::new()
        .route(path, post(handle))
        .layer(DefaultBodyLimit::max(limit))
        .with_state(webhook)
}

/// The axum handler: reads the signature headers and the raw body, answers with [`Webhook::handle`].
/// Mount it with [`router`], or in your own router with `State<Arc<Webhook>>` and a
/// [`DefaultBodyLimit`] of the config's body limit.
pub async fn handle(
    State(webhook): State<Arc<Webhook>>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let reply = match body {
        Ok(body) => {
            let signature = SignatureHeaders::from_lookup(|name| {
                headers.get(name).and_then(|value| value.to_str().ok())
            });
            webhook.handle(signature, &body).await
        }
        Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            Reply::from(Outcome::Rejected(Rejection::TooLarge {
                limit: webhook.config().body_limit(),
            }))
        }
        Err(rejection) => Reply::from(Outcome::Rejected(Rejection::MalformedJson(
            rejection.body_text(),
        ))),
    };
    into_response(reply)
}

fn into_response(reply: Reply) -> Response {
    let status = StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, [(CONTENT_TYPE, "application/json")], reply.body).into_response()
}
