//! The axum integration on real loopback servers: every answer the platform or a sender can get.

#![cfg(feature = "axum")]

mod webhook_support;

mod seed_event;

use seed_event::SeedEvent;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use lark_runtime::dispatch::Dispatcher;
use lark_runtime::webhook::{self, Config, EncryptKey, Webhook};
use webhook_support::{encrypted_request, post, seed_body, signed_headers, unix_now};

const KEY: &str = "http-test-encrypt-key";
const TOKEN: &str = "rvaYgkND1GOiu5MM0E1rncYC6PLtF7JV";
const PATH: &str = "/webhook/event";

/// Starts a server on 127.0.0.1:0 whose seed handler counts calls (and fails if `fail` is set).
async fn start(config: Config, fail: bool) -> (SocketAddr, Arc<AtomicUsize>) {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&calls);
    let dispatcher = Dispatcher::new().on(move |event: SeedEvent| {
        counter.fetch_add(1, Ordering::SeqCst);
        async move {
            assert!(event.event.is_some());
            if fail {
                Err("storage unavailable".into())
            } else {
                Ok(())
            }
        }
    });
    let router = webhook::axum::router(PATH, Arc::new(Webhook::new(config, dispatcher)));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await });
    (addr, calls)
}

fn secure() -> Config {
    Config::new().verification_token(TOKEN).encrypt_key(KEY)
}

fn reason(body: &str) -> String {
    let value: serde_json::Value = serde_json::from_str(body).expect("JSON body");
    value["msg"].as_str().unwrap_or_default().to_owned()
}

#[tokio::test]
async fn encrypted_signed_event_is_handled_once_and_its_duplicate_acknowledged() {
    let (addr, calls) = start(secure(), false).await;
    let (headers, body) = encrypted_request(KEY, &seed_body());
    assert_eq!(
        post(addr, PATH, &headers, body.as_bytes()).await,
        (200, r#"{"msg":"success"}"#.into())
    );
    assert_eq!(post(addr, PATH, &headers, body.as_bytes()).await.0, 200);
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn challenges_are_answered_plain_and_encrypted() {
    let challenge =
        format!(r#"{{"challenge":"c-123","token":"{TOKEN}","type":"url_verification"}}"#);
    let (plain_addr, _) = start(Config::new().verification_token(TOKEN), false).await;
    let (status, body) = post(plain_addr, PATH, &[], challenge.as_bytes()).await;
    assert_eq!((status, body.as_str()), (200, r#"{"challenge":"c-123"}"#));

    let (addr, _) = start(secure(), false).await;
    let encrypted = serde_json::json!({ "encrypt": EncryptKey::new(KEY).encrypt(challenge.as_bytes(), [3; 16]) });
    let (status, body) = post(addr, PATH, &[], encrypted.to_string().as_bytes()).await;
    assert_eq!((status, body.as_str()), (200, r#"{"challenge":"c-123"}"#));
}

#[tokio::test]
async fn event_type_without_handler_is_acknowledged_with_200() {
    let (addr, calls) = start(secure(), false).await;
    let other = format!(
        r#"{{"schema":"2.0","header":{{"event_id":"x1","event_type":"im.message.receive_v1","token":"{TOKEN}"}},"event":{{}}}}"#
    );
    let (headers, body) = encrypted_request(KEY, &other);
    assert_eq!(post(addr, PATH, &headers, body.as_bytes()).await.0, 200);
    assert_eq!(calls.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn senders_mistakes_get_4xx_with_a_reason() {
    let (addr, calls) = start(secure().max_body_bytes(16 * 1024), false).await;
    let (good_headers, good_body) = encrypted_request(KEY, &seed_body());

    let mut tampered = good_body.clone().into_bytes();
    tampered.insert(1, b' ');
    let (status, body) = post(addr, PATH, &good_headers, &tampered).await;
    assert_eq!(
        (status, reason(&body).as_str()),
        (401, "signature mismatch")
    );

    let (status, body) = post(addr, PATH, &[], good_body.as_bytes()).await;
    assert_eq!(
        (status, reason(&body).as_str()),
        (401, "missing signature headers")
    );

    let stale = signed_headers(KEY, &good_body, unix_now() - 3600);
    let (status, body) = post(addr, PATH, &stale, good_body.as_bytes()).await;
    assert_eq!(status, 401);
    assert!(reason(&body).contains("timestamp"), "{body}");

    let wrong_token = seed_body().replace(TOKEN, "not-the-token");
    let (headers, body_bytes) = encrypted_request(KEY, &wrong_token);
    let (status, body) = post(addr, PATH, &headers, body_bytes.as_bytes()).await;
    assert_eq!(
        (status, reason(&body).as_str()),
        (401, "verification token mismatch")
    );

    let malformed = "{\"encrypt\":";
    let (status, body) = post(
        addr,
        PATH,
        &signed_headers(KEY, malformed, unix_now()),
        malformed.as_bytes(),
    )
    .await;
    assert_eq!(status, 400);
    assert!(reason(&body).starts_with("malformed JSON"), "{body}");

    let bad_base64 = r#"{"encrypt":"***"}"#;
    let (status, body) = post(
        addr,
        PATH,
        &signed_headers(KEY, bad_base64, unix_now()),
        bad_base64.as_bytes(),
    )
    .await;
    assert_eq!(
        (status, reason(&body).as_str()),
        (400, "cannot decrypt: encrypt is not valid base64")
    );

    let (_, wrong_key) = encrypted_request("another key", &seed_body());
    let resigned = signed_headers(KEY, &wrong_key, unix_now());
    let (status, body) = post(addr, PATH, &resigned, wrong_key.as_bytes()).await;
    assert_eq!(status, 400, "{body}");

    let huge = vec![b' '; 64 * 1024];
    let (status, body) = post(addr, PATH, &[], &huge).await;
    assert_eq!(
        (status, reason(&body).as_str()),
        (413, "body exceeds 16384 bytes")
    );

    assert_eq!(
        calls.load(Ordering::SeqCst),
        0,
        "no refused request reaches a handler"
    );
}

#[tokio::test]
async fn failing_handler_gets_500_so_the_platform_retries_and_the_retry_runs_again() {
    let (addr, calls) = start(secure(), true).await;
    let (headers, body) = encrypted_request(KEY, &seed_body());
    let (status, reply) = post(addr, PATH, &headers, body.as_bytes()).await;
    assert_eq!(status, 500);
    assert_eq!(
        reason(&reply),
        format!("handler for {} failed", webhook_support::SEED_TYPE)
    );
    assert!(
        !reply.contains("storage unavailable"),
        "the handler's error stays in the logs"
    );
    assert_eq!(post(addr, PATH, &headers, body.as_bytes()).await.0, 500);
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_body_that_stalls_gets_408_and_never_reaches_a_handler() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let config = secure().body_read_timeout(std::time::Duration::from_millis(200));
    let (addr, calls) = start(config, false).await;
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "POST {PATH} HTTP/1.1\r\nHost: {addr}\r\nContent-Length: 100\r\nConnection: close\r\n\r\n{{\"encrypt\":"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    // The rest of the promised 100 bytes never comes.
    let mut response = String::new();
    let read = stream.read_to_string(&mut response);
    tokio::time::timeout(std::time::Duration::from_secs(30), read)
        .await
        .expect("the server answers a stalled body instead of waiting forever")
        .unwrap();
    assert!(response.starts_with("HTTP/1.1 408"), "{response}");
    assert!(
        response.ends_with(r#"{"msg":"body not received within 200ms"}"#),
        "{response}"
    );
    assert_eq!(calls.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn serve_closes_a_connection_whose_request_head_stalls_and_stops_on_shutdown() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let dispatcher = Dispatcher::new();
    let router = webhook::axum::router(PATH, Arc::new(Webhook::new(secure(), dispatcher)));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(webhook::axum::serve(
        listener,
        router,
        std::time::Duration::from_millis(200),
        async {
            stopped.await.ok();
        },
    ));

    let (headers, body) = encrypted_request(KEY, &seed_body());
    assert_eq!(post(addr, PATH, &headers, body.as_bytes()).await.0, 200);

    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream
        .write_all(format!("POST {PATH} HTTP/1.1\r\nHost: {addr}\r\n").as_bytes())
        .await
        .unwrap();
    // The blank line that ends the head never comes.
    let mut rest = Vec::new();
    tokio::time::timeout(
        std::time::Duration::from_secs(30),
        stream.read_to_end(&mut rest),
    )
    .await
    .expect("the server closes a stalled connection instead of keeping it")
    .ok();

    stop.send(()).unwrap();
    tokio::time::timeout(std::time::Duration::from_secs(30), server)
        .await
        .expect("serve returns after shutdown")
        .unwrap();
}
