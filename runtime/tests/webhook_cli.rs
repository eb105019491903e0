//! `lark-events serve` as a user runs it: environment variables, a loopback port, one JSON line per
//! event on stdout, logs on stderr.

#![cfg(feature = "cli")]

mod webhook_support;

use std::net::SocketAddr;
use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader, Lines};
use tokio::process::{Child, ChildStderr, ChildStdout, Command};
use webhook_support::{encrypted_request, post, seed_body};

const KEY: &str = "cli-test-encrypt-key";
const TOKEN: &str = "rvaYgkND1GOiu5MM0E1rncYC6PLtF7JV";

struct Server {
    child: Child,
    addr: SocketAddr,
    stdout: Lines<BufReader<ChildStdout>>,
}

/// Starts the binary on 127.0.0.1:0 and reads the bound address from its log; then keeps reading
/// the log, or closes it if `close_log`.
async fn serve(close_log: bool) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_lark-events"))
        .args(["serve", "--addr", "127.0.0.1:0", "--path", "/events"])
        .env("LARK_VERIFICATION_TOKEN", TOKEN)
        .env("LARK_ENCRYPT_KEY", KEY)
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("start lark-events");
    let mut stderr: Lines<BufReader<ChildStderr>> =
        BufReader::new(child.stderr.take().unwrap()).lines();
    let addr = tokio::time::timeout(Duration::from_secs(30), async {
        while let Some(line) = stderr.next_line().await.unwrap() {
            if let Some(rest) = line.split("listening on http://").nth(1) {
                return rest.trim_end_matches("/events").parse().expect("address");
            }
        }
        panic!("lark-events exited before listening");
    })
    .await
    .expect("lark-events did not start");
    if close_log {
        drop(stderr);
    } else {
        tokio::spawn(async move {
            while let Ok(Some(line)) = stderr.next_line().await {
                eprintln!("server: {line}");
            }
        });
    }
    let stdout = BufReader::new(child.stdout.take().unwrap()).lines();
    Server {
        child,
        addr,
        stdout,
    }
}

async fn next_line(stdout: &mut Lines<BufReader<ChildStdout>>) -> String {
    tokio::time::timeout(Duration::from_secs(10), stdout.next_line())
        .await
        .expect("a line in time")
        .unwrap()
        .expect("stdout still open")
}

#[tokio::test]
async fn serve_prints_each_event_once_as_a_json_line() {
    let mut server = serve(false).await;
    let seed = seed_body();
    let (headers, body) = encrypted_request(KEY, &seed);
    assert_eq!(
        post(server.addr, "/events", &headers, body.as_bytes())
            .await
            .0,
        200
    );
    assert_eq!(
        post(server.addr, "/events", &headers, body.as_bytes())
            .await
            .0,
        200
    );
    let (bad_status, _) = post(server.addr, "/events", &[], b"{").await;
    assert_eq!(bad_status, 400);

    let other = format!(
        r#"{{"schema":"2.0","header":{{"event_id":"x2","event_type":"im.message.receive_v1","token":"{TOKEN}"}},"event":{{"n":1}}}}"#
    );
    let (headers, body) = encrypted_request(KEY, &other);
    assert_eq!(
        post(server.addr, "/events", &headers, body.as_bytes())
            .await
            .0,
        200
    );

    assert_eq!(
        next_line(&mut server.stdout).await,
        seed,
        "the duplicate is not printed again"
    );
    assert_eq!(next_line(&mut server.stdout).await, other);
    server.child.start_kill().unwrap();
    assert_eq!(
        server.stdout.next_line().await.unwrap(),
        None,
        "nothing else was printed"
    );
}

#[tokio::test]
async fn serve_refuses_an_address_it_cannot_bind_with_a_clear_error() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let output = Command::new(env!("CARGO_BIN_EXE_lark-events"))
        .args(["serve", "--addr", &addr])
        .output()
        .await
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(&format!("cannot listen on {addr}")),
        "{stderr}"
    );
}

#[tokio::test]
async fn serve_keeps_answering_when_its_log_is_closed() {
    let server = serve(true).await;
    let (status, _) = post(server.addr, "/events", &[], b"{").await;
    assert_eq!(status, 400);
    let (headers, body) = encrypted_request(KEY, &seed_body());
    assert_eq!(
        post(server.addr, "/events", &headers, body.as_bytes())
            .await
            .0,
        200
    );
}
