//! The conformance vectors (tests/conformance/vectors.json, shared with the official SDKs' drivers)
//! through our decryption, signature and the whole webhook, with the typed seed event.

#![cfg(feature = "axum")]

mod webhook_support;

mod seed_event;

use seed_event::SeedEvent;
use std::sync::{Arc, Mutex};
use std::time::{Duration, UNIX_EPOCH};

use base64::Engine as _;
use lark_runtime::dispatch::Dispatcher;
use lark_runtime::envelope::EventEnvelope;
use lark_runtime::webhook::{self, Config, EncryptKey, SignatureHeaders, Webhook};
use webhook_support::{vectors, Vector, SEED_TYPE};

type Seen = Arc<Mutex<Vec<(String, String)>>>;

fn webhook_for(vector: &Vector) -> (Webhook, Seen) {
    let seen: Seen = Arc::default();
    let typed = Arc::clone(&seen);
    let raw = Arc::clone(&seen);
    let mut config = Config::new().verification_token(&vector.verification_token);
    if !vector.encrypt_key.is_empty() {
        config = config.encrypt_key(&vector.encrypt_key);
    }
    let dispatcher = Dispatcher::new()
        .on(move |event: SeedEvent| {
            let typed = Arc::clone(&typed);
            async move {
                let header = event.header.expect("typed event keeps its header");
                let id = header.event_id.expect("event_id");
                typed.lock().unwrap().push((SEED_TYPE.to_owned(), id));
                Ok(())
            }
        })
        .fallback(move |event: EventEnvelope| {
            let raw = Arc::clone(&raw);
            async move {
                let id = event.header.event_id.unwrap_or_default();
                raw.lock().unwrap().push((event.header.event_type, id));
                Ok(())
            }
        });
    (Webhook::new(config, dispatcher), seen)
}

fn headers(vector: &Vector) -> SignatureHeaders<'_> {
    SignatureHeaders::from_lookup(|name| vector.headers.get(name).map(String::as_str))
}

#[tokio::test]
async fn every_vector_gets_the_expected_answer() {
    let vectors = vectors();
    assert!(
        vectors.len() >= 10,
        "vectors.json has {} vectors",
        vectors.len()
    );
    for vector in &vectors {
        let (webhook, seen) = webhook_for(vector);
        let now = UNIX_EPOCH + Duration::from_secs(vector.received_at);
        let reply = webhook
            .handle_at(now, headers(vector), vector.body.as_bytes())
            .await;
        let name = &vector.name;
        assert_eq!(reply.status, vector.expect.status, "{name}: {}", reply.body);
        let body: serde_json::Value = serde_json::from_str(&reply.body).expect("JSON reply");
        if let Some(challenge) = &vector.expect.challenge {
            assert_eq!(
                body,
                serde_json::json!({ "challenge": challenge }),
                "{name}"
            );
        }
        let seen = seen.lock().unwrap().clone();
        match (&vector.expect.event_type, &vector.expect.event_id) {
            (Some(event_type), Some(event_id)) => {
                assert_eq!(seen, vec![(event_type.clone(), event_id.clone())], "{name}")
            }
            _ => assert!(seen.is_empty(), "{name}: no handler may run, got {seen:?}"),
        }
        if reply.status != 200 {
            let reason = body["msg"].as_str().unwrap_or_default();
            assert!(!reason.is_empty(), "{name}: a refusal says why");
        }
    }
}

#[test]
fn our_decryption_gives_the_committed_plaintexts_and_our_encryption_the_ciphertexts() {
    let mut checked = 0;
    for vector in vectors().iter().filter(|v| v.expect.status == 200) {
        let Ok(serde_json::Value::Object(body)) = serde_json::from_str(&vector.body) else {
            continue;
        };
        let Some(encrypt) = body.get("encrypt").and_then(|e| e.as_str()) else {
            continue;
        };
        let key = EncryptKey::new(&vector.encrypt_key);
        let plaintext = vector.plaintext.as_deref().expect("plaintext");
        assert_eq!(
            key.decrypt(encrypt).unwrap(),
            plaintext.as_bytes(),
            "{}",
            vector.name
        );
        let iv: [u8; 16] = base64::engine::general_purpose::STANDARD
            .decode(encrypt)
            .unwrap()[..16]
            .try_into()
            .unwrap();
        assert_eq!(
            key.encrypt(plaintext.as_bytes(), iv),
            encrypt,
            "{}",
            vector.name
        );
        checked += 1;
    }
    assert!(checked >= 4, "only {checked} encrypted vectors");
}

#[test]
fn our_signatures_match_the_committed_ones() {
    let mut checked = 0;
    for vector in vectors() {
        let (Some(ts), Some(nonce), Some(signature)) = (
            vector.headers.get(webhook::TIMESTAMP_HEADER),
            vector.headers.get(webhook::NONCE_HEADER),
            vector.headers.get(webhook::SIGNATURE_HEADER),
        ) else {
            continue;
        };
        let ours = webhook::sign(ts, nonce, &vector.encrypt_key, vector.body.as_bytes());
        assert_eq!(
            &ours == signature,
            vector.name != "event_bad_signature",
            "{}",
            vector.name
        );
        checked += 1;
    }
    assert!(checked >= 8, "only {checked} signed vectors");
}
