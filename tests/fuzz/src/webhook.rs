//! Any request through the webhook as `lark-events serve` mounts it (the axum router, without a
//! socket), to a dispatcher with a typed handler for every event type of `lark-events`.
//!
//! Whatever arrives: an answer, never a panic; never a 5xx (no handler fails); a JSON body, with a
//! reason when the request is refused. When a typed event decodes, in the dispatcher or through
//! `AnyEvent`, it re-encodes to the JSON value of the plaintext body.
//!
//! The input: its first byte chooses the endpoint and how the rest is sent (see [`input`]).

mod endpoints;
mod input;

use axum::body::Body;
use lark_events::AnyEvent;
use serde::Deserialize;
use serde_json::Value;
use tower::ServiceExt as _;

use endpoints::Endpoint;

/// Sends the request `data` describes and checks the answer.
pub fn run(data: &[u8]) {
    let Some(input) = input::Input::read(data) else {
        return;
    };
    let Some(request) = input.request() else {
        return;
    };
    let endpoint = Endpoint::get(input.encrypted, input.token);
    let plaintext = plaintext(endpoint, request.body());
    let request = request.map(Body::from);
    endpoints::take_recorded();
    let (status, reply) = endpoints::runtime().block_on(async {
        let response =
            (endpoint.router.clone().oneshot(request).await).unwrap_or_else(|never| match never {});
        let status = response.status().as_u16();
        let body = axum::body::to_bytes(response.into_body(), usize::MAX).await;
        (status, body.expect("the reply body is in memory"))
    });
    check_reply(status, &reply);
    let recorded = endpoints::take_recorded();
    if !recorded.is_empty() {
        assert_eq!(status, 200, "a handled event is acknowledged");
        let sent: Value = serde_json::from_slice(&plaintext)
            .expect("a body that decoded into a typed event is JSON");
        for value in recorded {
            assert_eq!(value, sent, "a typed event re-encodes as it came");
        }
    }
    if let Ok(event) = AnyEvent::from_slice(&plaintext) {
        let sent: Value =
            serde_json::from_slice(&plaintext).expect("a body AnyEvent decodes is JSON");
        let encoded = serde_json::to_value(&event).expect("an AnyEvent re-encodes");
        assert_eq!(encoded, sent, "AnyEvent re-encodes as it came");
    }
}

/// The outer shape of a body, as the webhook reads it.
#[derive(Deserialize)]
struct Outer {
    encrypt: Option<String>,
}

/// The plaintext of a body: its `encrypt` field decrypted with the endpoint's key, or the body.
fn plaintext(endpoint: &Endpoint, body: &[u8]) -> Vec<u8> {
    let encrypt = serde_json::from_slice::<Outer>(body)
        .ok()
        .and_then(|outer| outer.encrypt);
    match (encrypt, &endpoint.key) {
        (Some(encrypt), Some(key)) => key.decrypt(&encrypt).unwrap_or_default(),
        _ => body.to_vec(),
    }
}

/// An answer the sender can act on: no 5xx; a JSON object: the challenge, `success` or a reason.
fn check_reply(status: u16, reply: &[u8]) {
    let text = String::from_utf8_lossy(reply);
    assert!(status < 500, "status {status}: {text}");
    let reply: Value = serde_json::from_slice(reply).expect("the reply is JSON");
    if status == 200 {
        let answered = reply.get("challenge").is_some_and(Value::is_string)
            || reply.get("msg").and_then(Value::as_str) == Some("success");
        assert!(answered, "status 200: {text}");
    } else {
        let reason = reply.get("msg").and_then(Value::as_str).unwrap_or_default();
        assert!(
            !reason.is_empty(),
            "status {status} without a reason: {text}"
        );
    }
}
