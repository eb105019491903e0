//! `webhook::axum::serve` under connections that send nothing useful: every idle connection is
//! closed, whatever its protocol, and a flood of them does not lock valid requests out.

#![cfg(feature = "axum")]

mod webhook_support;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use lark_runtime::dispatch::Dispatcher;
use lark_runtime::webhook::{self, Config, Webhook};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use webhook_support::{post, seed_body};

const PATH: &str = "/webhook/event";
/// What an HTTP/2 client sends first.
const HTTP2_PREFACE: &[u8] = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
/// The bound on every wait; a connection kept open fails the test instead of hanging it.
const LIMIT: Duration = Duration::from_secs(20);

async fn start(limits: webhook::axum::Limits) -> SocketAddr {
    let webhook = Webhook::new(Config::new(), Dispatcher::new());
    let router = webhook::axum::router(PATH, Arc::new(webhook));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let serve = webhook::axum::serve_with_limits(listener, router, limits, std::future::pending());
    tokio::spawn(serve);
    addr
}

/// Reads until the server closes the connection; fails the test if it stays open past [`LIMIT`].
async fn closed_by_server(mut stream: TcpStream, what: &str) -> Vec<u8> {
    let mut received = Vec::new();
    tokio::time::timeout(LIMIT, stream.read_to_end(&mut received))
        .await
        .unwrap_or_else(|_| panic!("{what}: the server kept the connection open"))
        .ok();
    received
}

#[tokio::test]
async fn idle_connections_of_every_kind_are_closed() {
    let addr = start(webhook::axum::Limits {
        header_read_timeout: Duration::from_millis(200),
        ..Default::default()
    })
    .await;

    let silent = TcpStream::connect(addr).await.unwrap();
    closed_by_server(silent, "a connection that sends nothing").await;

    let mut preface_only = TcpStream::connect(addr).await.unwrap();
    preface_only.write_all(HTTP2_PREFACE).await.unwrap();
    closed_by_server(preface_only, "an HTTP/2 preface alone").await;

    // A keep-alive connection, idle after its request was answered.
    let mut keep_alive = TcpStream::connect(addr).await.unwrap();
    let request = format!("GET /health HTTP/1.1\r\nHost: {addr}\r\n\r\n");
    keep_alive.write_all(request.as_bytes()).await.unwrap();
    let answer = closed_by_server(keep_alive, "an idle keep-alive connection").await;
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 404"), "{answer}");
}

#[tokio::test]
async fn a_flood_of_idle_connections_does_not_lock_requests_out() {
    let max_connections = 8;
    // Idle connections would stay for a minute: only making room can let the request in.
    let addr = start(webhook::axum::Limits {
        header_read_timeout: Duration::from_secs(60),
        max_connections,
    })
    .await;
    let mut flood = Vec::new();
    for n in 0..4 * max_connections {
        let mut stream = TcpStream::connect(addr).await.unwrap();
        if n % 2 == 1 {
            stream.write_all(HTTP2_PREFACE).await.unwrap();
        }
        flood.push(stream);
    }
    let challenge = r#"{"challenge":"still-here","type":"url_verification"}"#;
    let (status, body) = post(addr, PATH, &[], challenge.as_bytes()).await;
    assert_eq!(
        (status, body.as_str()),
        (200, r#"{"challenge":"still-here"}"#)
    );
    let event = seed_body();
    assert_eq!(post(addr, PATH, &[], event.as_bytes()).await.0, 200);
    // The server holds no more than its bound: all but `max_connections` of the flood were closed.
    let (closed_tx, mut closed) = tokio::sync::mpsc::unbounded_channel();
    for mut stream in flood {
        let closed_tx = closed_tx.clone();
        tokio::spawn(async move {
            let mut rest = Vec::new();
            let _ = stream.read_to_end(&mut rest).await;
            let _ = closed_tx.send(());
        });
    }
    tokio::time::timeout(LIMIT, async {
        for _ in 0..3 * max_connections {
            closed.recv().await.unwrap();
        }
    })
    .await
    .expect("idle connections beyond the bound are closed");
}
