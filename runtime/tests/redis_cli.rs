//! `lark-events serve` and `connect` as replicas sharing one real Redis (`--redis URL` or
//! `REDIS_URL`): a delivery sent to both is printed once; Redis dying or absent fails nothing and
//! is said in the log; and a log nobody reads never stalls requests.

#![cfg(feature = "cli")]

mod webhook_support;

use std::net::SocketAddr;
use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader, Lines};
use tokio::process::{Child, ChildStdout, Command};
use tokio::sync::mpsc;
use webhook_support::redis::RedisServer;
use webhook_support::{encrypted_request, event_with_id, post};

const KEY: &str = "redis-cli-encrypt-key";
const TOKEN: &str = "redis-cli-verification-token";
const APP_ID: &str = "cli_redis_cli_test";
const PATH: &str = "/webhook/event";
/// How long a line (of stdout or the log) may take to come.
const LINE_LIMIT: Duration = Duration::from_secs(20);

struct Server {
    child: Child,
    addr: SocketAddr,
    stdout: Lines<BufReader<ChildStdout>>,
    log: mpsc::UnboundedReceiver<String>,
}

/// `lark-events serve` on 127.0.0.1:0 with the test's token and key, `args` and `env`; reads the
/// bound address from its log, then forwards the log.
async fn serve(args: &[&str], env: &[(&str, &str)]) -> Server {
    let mut command = Command::new(env!("CARGO_BIN_EXE_lark-events"));
    command
        .args(["serve", "--addr", "127.0.0.1:0"])
        .args(args)
        .env_remove("REDIS_URL")
        .env_remove("LARK_APP_ID")
        .env("LARK_VERIFICATION_TOKEN", TOKEN)
        .env("LARK_ENCRYPT_KEY", KEY)
        .env("RUST_LOG", "info")
        .envs(env.iter().copied())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    let mut child = command.spawn().expect("start lark-events");
    let mut stderr = BufReader::new(child.stderr.take().unwrap()).lines();
    let (log_tx, log) = mpsc::unbounded_channel();
    let addr = tokio::time::timeout(LINE_LIMIT, async {
        while let Some(line) = stderr.next_line().await.unwrap() {
            eprintln!("server: {line}");
            if let Some(rest) = line.split("listening on http://").nth(1) {
                let (addr, _path) = rest.split_once('/').expect("a path after the address");
                return addr.parse().expect("address");
            }
            let _ = log_tx.send(line);
        }
        panic!("lark-events exited before listening");
    })
    .await
    .expect("lark-events did not start");
    tokio::spawn(async move {
        while let Ok(Some(line)) = stderr.next_line().await {
            eprintln!("server: {line}");
            let _ = log_tx.send(line);
        }
    });
    let stdout = BufReader::new(child.stdout.take().unwrap()).lines();
    Server {
        child,
        addr,
        stdout,
        log,
    }
}

impl Server {
    async fn deliver(&self, delivery: &(Vec<(String, String)>, String)) -> u16 {
        let (headers, body) = delivery;
        post(self.addr, PATH, headers, body.as_bytes()).await.0
    }

    /// The event ids printed until `last` (included): the printer keeps the order of events, so
    /// anything printed before `last` is there.
    async fn printed_until(&mut self, last: &str) -> Vec<String> {
        let mut ids = Vec::new();
        loop {
            let line = tokio::time::timeout(LINE_LIMIT, self.stdout.next_line())
                .await
                .expect("a line in time")
                .unwrap()
                .expect("stdout still open");
            let event: serde_json::Value = serde_json::from_str(&line).expect("a JSON line");
            let id = event["header"]["event_id"].as_str().unwrap().to_owned();
            let done = id == last;
            ids.push(id);
            if done {
                return ids;
            }
        }
    }

    /// The next log line containing `text`.
    async fn log_line(&mut self, text: &str) -> String {
        let wait = async {
            while let Some(line) = self.log.recv().await {
                if line.contains(text) {
                    return line;
                }
            }
            panic!("the log ended without {text:?}");
        };
        tokio::time::timeout(LINE_LIMIT, wait)
            .await
            .unwrap_or_else(|_| panic!("no log line with {text:?}"))
    }
}

fn delivery(id: &str) -> (Vec<(String, String)>, String) {
    encrypted_request(KEY, &event_with_id(id, TOKEN))
}

#[tokio::test]
async fn two_serve_replicas_on_one_redis_print_a_delivery_once() {
    let redis = RedisServer::start().await;
    let url = redis.url();
    let mut a = serve(&["--redis", &url, "--app-id", APP_ID], &[]).await;
    let mut b = serve(&[], &[("REDIS_URL", &url), ("LARK_APP_ID", APP_ID)]).await;
    for server in [&mut a, &mut b] {
        let line = server.log_line("event ids are claimed in Redis").await;
        assert!(line.contains("Redis at 127.0.0.1:"), "{line}");
    }

    let first = delivery("cli-first");
    assert_eq!(a.deliver(&first).await, 200);
    assert_eq!(b.deliver(&first).await, 200);
    b.log_line("duplicate delivery acknowledged").await;
    let second = delivery("cli-second");
    assert_eq!(b.deliver(&second).await, 200);
    assert_eq!(a.deliver(&second).await, 200);

    // A marker sent to each alone: what each printed before it is all it printed.
    assert_eq!(a.deliver(&delivery("cli-marker-a")).await, 200);
    assert_eq!(b.deliver(&delivery("cli-marker-b")).await, 200);
    assert_eq!(
        a.printed_until("cli-marker-a").await,
        ["cli-first", "cli-marker-a"]
    );
    assert_eq!(
        b.printed_until("cli-marker-b").await,
        ["cli-second", "cli-marker-b"]
    );
    let held: Option<String> = redis
        .command(&["GET", "lark:event:cli_redis_cli_test:cli-first"])
        .await;
    assert!(held.is_some());
}

#[tokio::test]
async fn serve_keeps_accepting_when_redis_dies_and_says_so_once() {
    let mut redis = RedisServer::start().await;
    let mut a = serve(&["--redis", &redis.url(), "--app-id", APP_ID], &[]).await;
    assert_eq!(a.deliver(&delivery("cli-before")).await, 200);
    redis.kill();
    for n in 0..20 {
        assert_eq!(a.deliver(&delivery(&format!("cli-down-{n}"))).await, 200);
    }
    let line = a.log_line("the shared claim store failed").await;
    assert!(line.contains("WARN"), "{line}");
    assert!(line.contains("in this process's memory"), "{line}");
    let printed = a.printed_until("cli-down-19").await;
    assert_eq!(printed.len(), 21, "{printed:?}");
    a.child.start_kill().unwrap();
    while let Some(line) = a.log.recv().await {
        assert!(
            !line.contains("the shared claim store failed"),
            "said once per outage: {line}"
        );
    }
}

#[tokio::test]
async fn serve_starts_and_accepts_when_redis_is_not_there() {
    let redis = RedisServer::start().await;
    let url = redis.url();
    drop(redis);
    let mut a = serve(&["--redis", &url, "--app-id", APP_ID], &[]).await;
    let line = a.log_line("until Redis answers").await;
    assert!(line.contains("WARN"), "{line}");
    assert_eq!(a.deliver(&delivery("cli-alone")).await, 200);
    assert_eq!(a.deliver(&delivery("cli-alone")).await, 200);
    assert_eq!(
        a.deliver(&delivery("cli-alone-marker")).await,
        200,
        "deduplicated in memory meanwhile"
    );
    assert_eq!(
        a.printed_until("cli-alone-marker").await,
        ["cli-alone", "cli-alone-marker"]
    );
}

#[tokio::test]
async fn serve_with_redis_needs_the_app_id_and_a_redis_url() {
    for (args, expected) in [
        (
            vec!["--redis", "redis://127.0.0.1:6379"],
            "--redis needs the app id (--app-id or LARK_APP_ID)",
        ),
        (
            vec!["--redis", "http://127.0.0.1", "--app-id", APP_ID],
            "--redis: invalid Redis URL",
        ),
    ] {
        let output = tokio::time::timeout(
            LINE_LIMIT,
            Command::new(env!("CARGO_BIN_EXE_lark-events"))
                .args(["serve", "--addr", "127.0.0.1:0"])
                .args(&args)
                .env_remove("REDIS_URL")
                .env_remove("LARK_APP_ID")
                .output(),
        )
        .await
        .expect("exits")
        .unwrap();
        assert!(!output.status.success());
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(expected), "{stderr}");
    }
}

/// A log nobody reads (a full pipe) loses lines instead of blocking the thread serving requests:
/// an outage of Redis is logged, and so is every refused request.
#[tokio::test]
async fn serve_keeps_answering_when_nothing_reads_its_log() {
    let mut command = Command::new(env!("CARGO_BIN_EXE_lark-events"));
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let addr: SocketAddr = ([127, 0, 0, 1], port).into();
    let mut child = command
        .args(["serve", "--addr", &addr.to_string()])
        .env_remove("LARK_VERIFICATION_TOKEN")
        .env_remove("LARK_ENCRYPT_KEY")
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let _unread_log = child.stderr.take();
    let mut stdout = BufReader::new(child.stdout.take().unwrap()).lines();
    let challenge = br#"{"challenge":"c","type":"url_verification"}"#;
    tokio::time::timeout(LINE_LIMIT, async {
        while tokio::net::TcpStream::connect(addr).await.is_err() {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .expect("lark-events did not start");
    // Each refused request logs its 16 KiB path: a pipe (64 KiB) holds a few of them.
    let long_path = format!("/{}", "x".repeat(16 * 1024));
    for _ in 0..200 {
        let (status, _) = post(addr, &long_path, &[], challenge).await;
        assert_eq!(status, 404);
    }
    let event = event_with_id("cli-logged", "");
    let (status, _) = post(addr, PATH, &[], event.as_bytes()).await;
    assert_eq!(status, 200);
    let line = tokio::time::timeout(LINE_LIMIT, stdout.next_line())
        .await
        .expect("a line in time")
        .unwrap()
        .expect("stdout open");
    assert!(line.contains("cli-logged"), "{line}");
}

#[cfg(feature = "ws-test-server")]
#[tokio::test]
async fn two_connect_replicas_on_one_redis_print_an_event_once() {
    use lark_runtime::ws::test_server::{Settings, TestServer};

    let redis = RedisServer::start().await;
    let platform = TestServer::start(Settings::default()).await.unwrap();
    let connect = |redis_url: &str| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_lark-events"));
        command
            .args([
                "connect",
                "--domain",
                &platform.domain(),
                "--redis",
                redis_url,
            ])
            .env_remove("LARK_DOMAIN")
            .env_remove("REDIS_URL")
            .env("LARK_APP_ID", APP_ID)
            .env("LARK_APP_SECRET", "secret")
            .env("RUST_LOG", "info")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .kill_on_drop(true);
        command.spawn().expect("start lark-events connect")
    };
    let mut replicas = [connect(&redis.url()), connect(&redis.url())];
    tokio::time::timeout(Duration::from_secs(60), async {
        let mut connections = Vec::new();
        for _ in &replicas {
            connections.push(platform.next_connection().await.unwrap());
        }
        let body = event_with_id("ws-once", "");
        let marker = |n: usize| event_with_id(&format!("ws-marker-{n}"), "");
        for connection in &mut connections {
            connection.send_event(body.as_bytes(), 1).await;
            assert_eq!(connection.next_ack().await.unwrap().code, Some(200));
        }
        // A marker to each: what a replica printed before its marker is all it printed (which
        // connection is which replica's does not matter).
        for (n, connection) in connections.iter_mut().enumerate() {
            connection.send_event(marker(n).as_bytes(), 1).await;
            assert_eq!(connection.next_ack().await.unwrap().code, Some(200));
        }
        let mut printed = Vec::new();
        for child in &mut replicas {
            let mut stdout = BufReader::new(child.stdout.take().unwrap()).lines();
            loop {
                let line = stdout.next_line().await.unwrap().expect("stdout open");
                let event: serde_json::Value = serde_json::from_str(&line).unwrap();
                let id = event["header"]["event_id"].as_str().unwrap().to_owned();
                if id.starts_with("ws-marker") {
                    break;
                }
                printed.push(id);
            }
        }
        assert_eq!(printed, ["ws-once"], "printed by one replica");
    })
    .await
    .expect("the exchange did not finish in time");
}
