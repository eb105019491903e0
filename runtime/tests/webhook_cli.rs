//! `lark-events serve` as a user runs it: environment variables, a loopback port, one JSON line per
//! event on stdout, logs on stderr.

#![cfg(feature = "cli")]

mod webhook_support;

use std::net::SocketAddr;
use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader, Lines};
use tokio::process::{Child, ChildStderr, ChildStdout, Command};
use tokio::sync::mpsc;
use webhook_support::{encrypted_request, post, seed_body};

const KEY: &str = "cli-test-encrypt-key";
const TOKEN: &str = "rvaYgkND1GOiu5MM0E1rncYC6PLtF7JV";

struct Server {
    child: Child,
    addr: SocketAddr,
    stdout: Lines<BufReader<ChildStdout>>,
    /// The log lines after the one that says where it listens (none if the log was closed).
    log: mpsc::UnboundedReceiver<String>,
}

/// Starts the binary on 127.0.0.1:0 with `args`, the test's token and key unless `plain`, and reads
/// the bound address from its log; then keeps reading the log, or closes it if `close_log`.
async fn serve_with(args: &[&str], plain: bool, close_log: bool) -> Server {
    let mut command = Command::new(env!("CARGO_BIN_EXE_lark-events"));
    command
        .args(["serve", "--addr", "127.0.0.1:0"])
        .args(args)
        .env_remove("LARK_VERIFICATION_TOKEN")
        .env_remove("LARK_ENCRYPT_KEY")
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    if !plain {
        command
            .env("LARK_VERIFICATION_TOKEN", TOKEN)
            .env("LARK_ENCRYPT_KEY", KEY);
    }
    let mut child = command.spawn().expect("start lark-events");
    let mut stderr: Lines<BufReader<ChildStderr>> =
        BufReader::new(child.stderr.take().unwrap()).lines();
    let addr = tokio::time::timeout(Duration::from_secs(30), async {
        while let Some(line) = stderr.next_line().await.unwrap() {
            if let Some(rest) = line.split("listening on http://").nth(1) {
                let (addr, _path) = rest.split_once('/').expect("a path after the address");
                return addr.parse().expect("address");
            }
        }
        panic!("lark-events exited before listening");
    })
    .await
    .expect("lark-events did not start");
    let (log_tx, log) = mpsc::unbounded_channel();
    if close_log {
        drop(stderr);
    } else {
        tokio::spawn(async move {
            while let Ok(Some(line)) = stderr.next_line().await {
                eprintln!("server: {line}");
                let _ = log_tx.send(line);
            }
        });
    }
    let stdout = BufReader::new(child.stdout.take().unwrap()).lines();
    Server {
        child,
        addr,
        stdout,
        log,
    }
}

/// The server on the test's path, with the test's token and key.
async fn serve(close_log: bool) -> Server {
    serve_with(&["--path", "/events"], false, close_log).await
}

/// The next log line containing `text`; fails the test if none comes in time.
async fn log_line(server: &mut Server, text: &str) -> String {
    let wait = async {
        while let Some(line) = server.log.recv().await {
            if line.contains(text) {
                return line;
            }
        }
        panic!("the log ended without {text:?}");
    };
    tokio::time::timeout(Duration::from_secs(10), wait)
        .await
        .unwrap_or_else(|_| panic!("no log line with {text:?}"))
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

#[tokio::test]
async fn serve_listens_on_the_default_path_and_says_so_when_a_request_misses_it() {
    let mut server = serve_with(&[], true, false).await;
    let challenge = r#"{"challenge":"c-1","type":"url_verification"}"#;
    let (status, body) = post(server.addr, "/webhook/event", &[], challenge.as_bytes()).await;
    assert_eq!((status, body.as_str()), (200, r#"{"challenge":"c-1"}"#));

    let (status, body) = post(server.addr, "/", &[], challenge.as_bytes()).await;
    assert_eq!(
        (status, body.as_str()),
        (404, r#"{"msg":"no webhook at this path"}"#)
    );
    let line = log_line(&mut server, "no webhook at this path").await;
    assert!(line.contains("WARN"), "{line}");
    assert!(
        line.ends_with(
            "POST /: no webhook at this path; the event callback URL must end with /webhook/event"
        ),
        "{line}"
    );
}

#[tokio::test]
async fn serve_keeps_answering_when_nothing_reads_its_stdout() {
    // Nothing reads stdout until the end: the pipe fills, then the print queue.
    let mut server = serve_with(&[], true, false).await;
    let padding = "x".repeat(512 * 1024);
    let mut statuses = Vec::new();
    for n in 0..40 {
        let event = format!(
            r#"{{"schema":"2.0","header":{{"event_id":"full-{n}","event_type":"im.message.receive_v1"}},"event":{{"pad":"{padding}"}}}}"#
        );
        statuses.push(
            post(server.addr, "/webhook/event", &[], event.as_bytes())
                .await
                .0,
        );
    }
    let printed = statuses.iter().filter(|s| **s == 200).count();
    assert!(
        statuses.iter().all(|s| *s == 200 || *s == 500),
        "{statuses:?}"
    );
    assert!(
        printed < statuses.len(),
        "20 MiB cannot all wait for stdout: {statuses:?}"
    );
    log_line(&mut server, "event not printed: stdout is not keeping up").await;
    let challenge = r#"{"challenge":"c-2","type":"url_verification"}"#;
    let (status, body) = post(server.addr, "/webhook/event", &[], challenge.as_bytes()).await;
    assert_eq!((status, body.as_str()), (200, r#"{"challenge":"c-2"}"#));

    // Every event answered 200 is printed once stdout is read; the refused ones come again.
    for n in (0..40).filter(|n| statuses[*n] == 200) {
        let line = next_line(&mut server.stdout).await;
        let event: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(event["header"]["event_id"], format!("full-{n}"));
    }
}
