//! Property tests over decrypt-and-parse: whatever arrives, the webhook answers with a status and a
//! reason, never a panic and never a 5xx (no handler fails here).

#![cfg(feature = "axum")]

mod seed_event;
use seed_event::SeedEvent;

mod webhook_support;

use std::time::{Duration, UNIX_EPOCH};

use lark_runtime::dispatch::Dispatcher;
use lark_runtime::envelope::EventEnvelope;
use lark_runtime::webhook::{sign, Config, EncryptKey, SignatureHeaders, Webhook};
use proptest::prelude::*;

const KEY: &str = "proptest-encrypt-key";
const TOKEN: &str = "proptest-token";
const NOW: u64 = 1_700_000_000;

fn webhook() -> Webhook {
    let dispatcher = Dispatcher::new()
        .on(|_: SeedEvent| async { Ok(()) })
        .fallback(|_: EventEnvelope| async { Ok(()) });
    Webhook::new(
        Config::new()
            .verification_token(TOKEN)
            .encrypt_key(KEY)
            .max_body_bytes(64 * 1024),
        dispatcher,
    )
}

/// Answers `body`, signed correctly, at `NOW`.
fn answer(webhook: &Webhook, body: &[u8]) -> (u16, String) {
    let timestamp = NOW.to_string();
    let signature = sign(&timestamp, "nonce", KEY, body);
    let headers = SignatureHeaders {
        timestamp: Some(&timestamp),
        nonce: Some("nonce"),
        signature: Some(&signature),
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let reply =
        runtime.block_on(webhook.handle_at(UNIX_EPOCH + Duration::from_secs(NOW), headers, body));
    (reply.status, reply.body)
}

fn assert_sender_error_or_success(status: u16, body: &str) {
    assert!(
        matches!(status, 200 | 400 | 401 | 413),
        "status {status}: {body}"
    );
    let reply: serde_json::Value = serde_json::from_str(body).expect("JSON reply");
    if status != 200 {
        assert!(
            !reply["msg"].as_str().unwrap_or_default().is_empty(),
            "{body}"
        );
    }
}

/// JSON-ish text built from the pieces envelopes are made of, so parsing gets past the first byte.
fn json_like() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("{".to_owned()),
        Just("}".to_owned()),
        Just("\"schema\":\"2.0\",".to_owned()),
        Just(format!(
            "\"header\":{{\"event_type\":\"x\",\"token\":\"{TOKEN}\",\"event_id\":\"1\"}},"
        )),
        Just("\"type\":\"url_verification\",\"challenge\":\"c\",".to_owned()),
        Just("\"type\":\"event_callback\",\"event\":{\"type\":\"y\"},".to_owned()),
        Just("\"event\":".to_owned()),
        Just(format!("\"token\":\"{TOKEN}\",")),
        "[a-z\":,\\[\\]0-9]{0,8}",
    ];
    prop::collection::vec(piece, 0..12).prop_map(|pieces| pieces.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn any_bytes_are_answered_without_5xx(body in prop::collection::vec(any::<u8>(), 0..512)) {
        let (status, reply) = answer(&webhook(), &body);
        assert_sender_error_or_success(status, &reply);
    }

    #[test]
    fn any_plaintext_encrypted_is_answered_without_5xx(plaintext in json_like()) {
        let encrypt = EncryptKey::new(KEY).encrypt(plaintext.as_bytes(), [5; 16]);
        let body = serde_json::json!({ "encrypt": encrypt }).to_string();
        let (status, reply) = answer(&webhook(), body.as_bytes());
        assert_sender_error_or_success(status, &reply);
        let plain_status = answer(&webhook(), plaintext.as_bytes()).0;
        prop_assert_eq!(status, plain_status, "encryption changes nothing about the answer");
    }

    #[test]
    fn any_encrypt_field_is_answered_without_5xx(
        encrypt in prop_oneof!["[A-Za-z0-9+/=]{0,200}", ".{0,64}"],
        iv in any::<[u8; 16]>(),
        blocks in prop::collection::vec(any::<u8>(), 0..96),
    ) {
        let webhook = webhook();
        let (status, reply) = answer(&webhook, serde_json::json!({ "encrypt": encrypt }).to_string().as_bytes());
        assert_sender_error_or_success(status, &reply);
        let mut raw = iv.to_vec();
        raw.extend_from_slice(&blocks);
        use base64::Engine as _;
        let random = base64::engine::general_purpose::STANDARD.encode(raw);
        let (status, reply) = answer(&webhook, serde_json::json!({ "encrypt": random }).to_string().as_bytes());
        prop_assert_eq!(status, 400, "random ciphertext is refused: {}", reply);
    }

    #[test]
    fn encryption_round_trips(plaintext in prop::collection::vec(any::<u8>(), 0..300), iv in any::<[u8; 16]>()) {
        let key = EncryptKey::new(KEY);
        prop_assert_eq!(key.decrypt(&key.encrypt(&plaintext, iv)).unwrap(), plaintext);
    }
}
