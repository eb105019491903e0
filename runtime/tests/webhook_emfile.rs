//! `lark-events serve` out of file descriptors: run with a low `ulimit -n` and flooded with
//! connections until `accept` fails with "Too many open files", it keeps answering on the
//! connections it has, warns once for the whole burst rather than once per attempt, and serves new
//! connections again once descriptors are free, saying after how many failed attempts.

#![cfg(all(feature = "cli", unix))]

mod webhook_support;

use std::net::SocketAddr;
use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::process::{Child, Command};
use tokio::sync::mpsc;
use webhook_support::post;

const TOKEN: &str = "emfile-test-token";
const PATH: &str = "/webhook/event";

/// The server's limit on open file descriptors.
const DESCRIPTORS: u32 = 64;

/// How long the test waits for a log line or an answer before failing instead of hanging.
const PATIENCE: Duration = Duration::from_secs(30);

struct Server {
    _child: Child,
    addr: SocketAddr,
    log: mpsc::UnboundedReceiver<String>,
}

/// `lark-events serve` on 127.0.0.1:0 with at most [`DESCRIPTORS`] open files, its log read on.
async fn serve() -> Server {
    let mut child = Command::new("sh")
        .args([
            "-c",
            &format!("ulimit -n {DESCRIPTORS} && exec \"$0\" \"$@\""),
        ])
        .arg(env!("CARGO_BIN_EXE_lark-events"))
        .args(["serve", "--addr", "127.0.0.1:0"])
        .env("LARK_VERIFICATION_TOKEN", TOKEN)
        .env_remove("LARK_ENCRYPT_KEY")
        .env("RUST_LOG", "info")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("start lark-events under sh");
    let mut stderr = BufReader::new(child.stderr.take().unwrap()).lines();
    let (log_tx, mut log) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok(Some(line)) = stderr.next_line().await {
            eprintln!("server: {line}");
            let _ = log_tx.send(line);
        }
    });
    let listening = next_log(&mut log, "listening on http://").await;
    let rest = listening.split("listening on http://").nth(1).unwrap();
    let addr = rest
        .split_once('/')
        .expect("a path")
        .0
        .parse()
        .expect("address");
    Server {
        _child: child,
        addr,
        log,
    }
}

/// Waits for the log line containing `text`; returns it.
async fn next_log(log: &mut mpsc::UnboundedReceiver<String>, text: &str) -> String {
    let wait = async {
        while let Some(line) = log.recv().await {
            if line.contains(text) {
                return line;
            }
        }
        panic!("the log ended without {text:?}");
    };
    tokio::time::timeout(PATIENCE, wait)
        .await
        .unwrap_or_else(|_| panic!("no log line with {text:?}"))
}

fn challenge() -> String {
    format!(r#"{{"type":"url_verification","challenge":"c1","token":"{TOKEN}"}}"#)
}

/// One request on a kept-alive connection; returns the status.
async fn post_on(stream: &mut TcpStream, addr: SocketAddr, body: &str) -> u16 {
    let request = format!(
        "POST {PATH} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.expect("write");
    let read = async {
        let mut response = Vec::new();
        let mut buffer = [0; 1024];
        // The answers are short: the head and the whole body come before the connection idles.
        while !is_complete(&response) {
            let n = stream.read(&mut buffer).await.expect("read");
            assert!(n > 0, "closed before answering: {response:?}");
            response.extend_from_slice(&buffer[..n]);
        }
        let response = String::from_utf8(response).expect("UTF-8");
        response.split(' ').nth(1).unwrap().parse().expect("status")
    };
    tokio::time::timeout(PATIENCE, read)
        .await
        .expect("an answer")
}

/// Whether `response` holds a head and the body its `content-length` announces.
fn is_complete(response: &[u8]) -> bool {
    let text = String::from_utf8_lossy(response);
    let Some((head, body)) = text.split_once("\r\n\r\n") else {
        return false;
    };
    let length = head
        .lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse::<usize>().ok())?
        })
        .expect("a content-length");
    body.len() >= length
}

#[tokio::test]
async fn out_of_descriptors_the_server_backs_off_warns_once_and_serves_again() {
    let mut server = serve().await;
    let addr = server.addr;
    let mut kept = TcpStream::connect(addr).await.expect("connect");
    assert_eq!(post_on(&mut kept, addr, &challenge()).await, 200);

    // More connections than the server has descriptors: the kernel queues them all, and the server
    // accepts until it runs out.
    let mut flood = Vec::new();
    for _ in 0..2 * DESCRIPTORS {
        flood.push(TcpStream::connect(addr).await.expect("connect"));
    }
    let first = next_log(&mut server.log, "cannot accept").await;
    assert!(first.contains("Too many open files"), "{first}");
    assert!(first.contains("WARN"), "{first}");

    // Out of descriptors, the connections it has are still answered.
    assert_eq!(post_on(&mut kept, addr, &challenge()).await, 200);
    // Some time out of descriptors, for several attempts to accept.
    tokio::time::sleep(Duration::from_millis(500)).await;

    drop(flood);
    // New connections are served again. The burst is over once `accept` has not failed for a
    // second: the next connection accepted then says so, with the count.
    let mut log = Vec::new();
    let again = tokio::time::timeout(PATIENCE, async {
        loop {
            let (status, body) = post(addr, PATH, &[], challenge().as_bytes()).await;
            assert_eq!((status, body.as_str()), (200, r#"{"challenge":"c1"}"#));
            tokio::time::sleep(Duration::from_millis(250)).await;
            while let Ok(line) = server.log.try_recv() {
                log.push(line);
            }
            if let Some(at) = log
                .iter()
                .position(|l| l.contains("accepting connections again"))
            {
                return log.remove(at);
            }
        }
    })
    .await
    .expect("the end of the burst in the log");
    // One warning for the whole burst, none for each attempt after the first.
    assert!(
        !log.iter().any(|line| line.contains("cannot accept")),
        "{log:?}"
    );
    let attempts: u64 = (again.split("after ").nth(1))
        .and_then(|rest| rest.split(' ').next()?.parse().ok())
        .unwrap_or_else(|| panic!("no count of failed attempts in {again:?}"));
    assert!(attempts >= 2, "{again}");
}
