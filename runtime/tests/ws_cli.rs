//! `lark-events connect` against the local test server: the event is printed and acknowledged.

#![cfg(all(feature = "ws-test-server", feature = "cli"))]

use std::process::Stdio;
use std::time::Duration;

use lark_runtime::ws::test_server::{Settings, TestServer};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;

const LIMIT: Duration = Duration::from_secs(20);

fn connect_command() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_lark-events"));
    command
        .arg("connect")
        .env_remove("LARK_DOMAIN")
        .env("RUST_LOG", "info")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    command
}

#[tokio::test]
async fn connect_prints_and_acknowledges_an_event() {
    let server = TestServer::start(Settings::default()).await.unwrap();
    let mut child = connect_command()
        .args(["--domain", &server.domain()])
        .env("LARK_APP_ID", "cli_from_env")
        .env("LARK_APP_SECRET", "secret_from_env")
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap()).lines();
    let body = br#"{"schema":"2.0","header":{"event_id":"cli-1","event_type":"im.message.receive_v1"},"event":{"n":1}}"#;
    tokio::time::timeout(LIMIT, async {
        let mut conn = server.next_connection().await.unwrap();
        conn.send_event(body, 2).await;
        assert_eq!(conn.next_ack().await.unwrap().code, Some(200));
        let line = stdout.next_line().await.unwrap().unwrap();
        let printed: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(printed["header"]["event_id"], "cli-1");
    })
    .await
    .expect("the exchange did not finish in time");
    assert_eq!(server.endpoint_requests()[0]["AppID"], "cli_from_env");
    child.kill().await.unwrap();
}

#[tokio::test]
async fn connect_without_credentials_says_which_is_missing() {
    let output = tokio::time::timeout(
        LIMIT,
        connect_command()
            .env_remove("LARK_APP_ID")
            .env("LARK_APP_SECRET", "s")
            .output(),
    )
    .await
    .expect("the command did not finish in time")
    .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("LARK_APP_ID is not set"), "{stderr}");
}

#[tokio::test]
async fn connect_says_why_the_endpoint_is_unreachable_and_when_it_retries() {
    // A port nothing listens on: the connection is refused.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}/callback/ws/endpoint");
    let mut child = connect_command()
        .args(["--domain", &format!("http://127.0.0.1:{port}")])
        .env("LARK_APP_ID", "cli_unreachable")
        .env("LARK_APP_SECRET", "secret")
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap()).lines();
    let line = tokio::time::timeout(LIMIT, async {
        while let Some(line) = stderr.next_line().await.unwrap() {
            if line.contains("connection attempt failed") {
                return line;
            }
        }
        panic!("lark-events exited without saying why");
    })
    .await
    .expect("no failed attempt in time");
    child.kill().await.unwrap();
    let expected_start = format!(
        "connection attempt failed: endpoint request to {url} failed: error sending request for url ({url}): "
    );
    let (_, message) = line.split_once("WARN ").expect("a warning");
    let message = message.split_once(": ").map_or(message, |(_target, m)| m);
    assert!(message.starts_with(&expected_start), "{line}");
    assert!(message.contains("Connection refused"), "{line}");
    assert!(message.contains("; reconnecting in "), "{line}");
    assert!(message.ends_with("s (attempt 1)"), "{line}");
}
