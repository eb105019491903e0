//! Shared by the webhook tests: the conformance vectors, signed requests, a tiny HTTP client.

#![allow(dead_code)] // each test file uses its own subset

use std::net::SocketAddr;
use std::time::{SystemTime, UNIX_EPOCH};

use lark_runtime::webhook::{sign, EncryptKey, NONCE_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER};
use serde::Deserialize;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

pub const SEED_TYPE: &str = "application.application.app_version.publish_apply_v6";

/// A real `redis-server` for the tests of replicas sharing claims and tokens.
#[cfg(feature = "redis")]
pub mod redis;

/// The vectors written by `tests/conformance/gen_vectors.mjs`.
#[derive(Debug, Deserialize)]
pub struct Vector {
    pub name: String,
    pub encrypt_key: String,
    pub verification_token: String,
    pub received_at: u64,
    pub headers: std::collections::BTreeMap<String, String>,
    pub body: String,
    pub plaintext: Option<String>,
    pub expect: Expect,
}

#[derive(Debug, Deserialize)]
pub struct Expect {
    pub status: u16,
    pub challenge: Option<String>,
    pub event_type: Option<String>,
    pub event_id: Option<String>,
}

pub fn vectors() -> Vec<Vector> {
    #[derive(Deserialize)]
    struct File {
        vectors: Vec<Vector>,
    }
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/conformance/vectors.json"
    );
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str::<File>(&text)
        .unwrap_or_else(|e| panic!("{path}: {e}"))
        .vectors
}

pub fn vector(name: &str) -> Vector {
    vectors()
        .into_iter()
        .find(|v| v.name == name)
        .unwrap_or_else(|| panic!("no vector {name}"))
}

/// The seed event body (compact JSON), as the vectors carry it.
pub fn seed_body() -> String {
    vector("event_v2_plain").body
}

pub fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// `plaintext` encrypted with `key` and signed now, as the platform sends it.
pub fn encrypted_request(key: &str, plaintext: &str) -> (Vec<(String, String)>, String) {
    let body = serde_json::json!({ "encrypt": EncryptKey::new(key).encrypt(plaintext.as_bytes(), [9; 16]) })
        .to_string();
    (signed_headers(key, &body, unix_now()), body)
}

pub fn signed_headers(key: &str, body: &str, timestamp: u64) -> Vec<(String, String)> {
    let timestamp = timestamp.to_string();
    let nonce = "test-nonce".to_owned();
    let signature = sign(&timestamp, &nonce, key, body.as_bytes());
    vec![
        (TIMESTAMP_HEADER.to_owned(), timestamp),
        (NONCE_HEADER.to_owned(), nonce),
        (SIGNATURE_HEADER.to_owned(), signature),
    ]
}

/// How long one request may take before the test fails instead of hanging.
const REQUEST_LIMIT: std::time::Duration = std::time::Duration::from_secs(30);

/// One HTTP/1.1 POST over a fresh connection; returns the status and the body. Fails the test if
/// the server has not answered and closed within [`REQUEST_LIMIT`].
pub async fn post(
    addr: SocketAddr,
    path: &str,
    headers: &[(String, String)],
    body: &[u8],
) -> (u16, String) {
    tokio::time::timeout(REQUEST_LIMIT, exchange(addr, path, headers, body))
        .await
        .unwrap_or_else(|_| panic!("no answer from {addr}{path} within {REQUEST_LIMIT:?}"))
}

async fn exchange(
    addr: SocketAddr,
    path: &str,
    headers: &[(String, String)],
    body: &[u8],
) -> (u16, String) {
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    let mut request = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    stream
        .write_all(request.as_bytes())
        .await
        .expect("write head");
    // A server may answer (413) and close before reading a large body.
    let _ = stream.write_all(body).await;
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response).await;
    let response = String::from_utf8(response).expect("UTF-8 response");
    let status = response
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {response:?}"));
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, body)| body.to_owned())
        .unwrap_or_default();
    (status, body)
}

/// A schema 2.0 event of type `im.message.receive_v1` with this id and verification token.
pub fn event_with_id(event_id: &str, token: &str) -> String {
    format!(
        r#"{{"schema":"2.0","header":{{"event_id":"{event_id}","event_type":"im.message.receive_v1","token":"{token}"}},"event":{{"n":1}}}}"#
    )
}
