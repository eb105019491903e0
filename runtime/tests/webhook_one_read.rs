//! The webhook reads a decrypted body once and hands it on without a copy: what the handlers receive
//! is still exactly what the platform sent, for the typed handler and for the fallback alike.

#![cfg(feature = "webhook")]

mod webhook_support;

mod seed_event;

use std::sync::{Arc, Mutex};
use std::time::{Duration, UNIX_EPOCH};

use lark_runtime::dispatch::{Dispatched, Dispatcher};
use lark_runtime::envelope::{EventEnvelope, Schema};
use lark_runtime::webhook::{sign, Config, EncryptKey, Outcome, SignatureHeaders, Webhook};
use seed_event::SeedEvent;
use webhook_support::{seed_body, SEED_TYPE};

const KEY: &str = "one-read-encrypt-key";
const TOKEN: &str = "rvaYgkND1GOiu5MM0E1rncYC6PLtF7JV";
const NOW: u64 = 1_700_000_000;

/// Answers `plaintext`, encrypted and signed as the platform sends it, at `NOW`.
async fn deliver(webhook: &Webhook, plaintext: &str) -> (u16, String, Outcome) {
    let encrypt = EncryptKey::new(KEY).encrypt(plaintext.as_bytes(), [9; 16]);
    let body = serde_json::json!({ "encrypt": encrypt }).to_string();
    let timestamp = NOW.to_string();
    let signature = sign(&timestamp, "nonce", KEY, body.as_bytes());
    let headers = SignatureHeaders {
        timestamp: Some(&timestamp),
        nonce: Some("nonce"),
        signature: Some(&signature),
    };
    let now = UNIX_EPOCH + Duration::from_secs(NOW);
    let reply = webhook.handle_at(now, headers, body.as_bytes()).await;
    (reply.status, reply.body, reply.outcome)
}

fn config() -> Config {
    Config::new().verification_token(TOKEN).encrypt_key(KEY)
}

#[tokio::test]
async fn the_typed_handler_gets_the_event_decoded_from_the_decrypted_body() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&seen);
    let dispatcher = Dispatcher::new().on(move |event: SeedEvent| {
        sink.lock().unwrap().push(event);
        async { Ok(()) }
    });
    let webhook = Webhook::new(config(), dispatcher);
    let plaintext = seed_body();

    let (status, body, outcome) = deliver(&webhook, &plaintext).await;

    assert_eq!((status, body.as_str()), (200, r#"{"msg":"success"}"#));
    assert!(
        matches!(outcome, Outcome::Dispatched(Dispatched::Handled(ref h)) if h.event_type == SEED_TYPE)
    );
    let expected: SeedEvent = serde_json::from_str(&plaintext).unwrap();
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 1);
    assert_eq!(
        serde_json::to_value(&seen[0]).unwrap(),
        serde_json::to_value(&expected).unwrap()
    );
}

#[tokio::test]
async fn the_fallback_gets_the_decrypted_body_byte_for_byte() {
    let raw = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&raw);
    let dispatcher = Dispatcher::new().fallback(move |envelope: EventEnvelope| {
        sink.lock().unwrap().push(envelope);
        async { Ok(()) }
    });
    let webhook = Webhook::new(config(), dispatcher);
    // Whitespace, key order, an escaped key and an unknown top-level field, all kept as sent.
    let plaintext = format!(
        "{{ \"schema\" : \"2.0\",\n \"header\": {{\"event_id\":\"e-1\",\"event_type\":\"x.y\",\"token\":\"{TOKEN}\"}},\
         \"ev\\u0065nt\":{{\"b\":2,\"a\":1}}, \"later\": [null] }}"
    );

    let (status, _, _) = deliver(&webhook, &plaintext).await;

    assert_eq!(status, 200);
    let raw = raw.lock().unwrap();
    assert_eq!(raw.len(), 1);
    assert_eq!(raw[0].raw, plaintext);
    assert_eq!(raw[0].schema, Schema::V2);
    assert_eq!(raw[0].header.event_id.as_deref(), Some("e-1"));
}

#[tokio::test]
async fn an_envelope_parsed_by_the_caller_still_reaches_its_typed_handler() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&seen);
    let dispatcher = Dispatcher::new().on(move |event: SeedEvent| {
        sink.lock().unwrap().push(event.online_version_id());
        async { Ok(()) }
    });
    let envelope = match lark_runtime::envelope::Envelope::parse(seed_body().as_bytes()).unwrap() {
        lark_runtime::envelope::Envelope::Event(envelope) => envelope,
        other => panic!("not an event: {other:?}"),
    };
    let expected = serde_json::from_str::<SeedEvent>(&envelope.raw)
        .unwrap()
        .online_version_id();

    let outcome = dispatcher.dispatch_envelope(envelope).await.unwrap();

    assert!(matches!(outcome, Dispatched::Handled(_)));
    assert_eq!(*seen.lock().unwrap(), vec![expected]);
}
