//! Runs the local long-connection server for one exchange, to check a client against it.
//!
//! `ws_test_server EVENT_JSON_FILE [PARTS]` prints `domain=http://127.0.0.1:PORT`, waits for a client
//! to connect, sends the event (split into PARTS frames, 1 by default), waits for its
//! acknowledgement and prints it as JSON. It exits 0 when the acknowledgement's code is 200, 1 when
//! it is not, 2 on bad arguments and 3 when nothing arrives within 30 s.

use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use lark_runtime::ws::test_server::{Received, Settings, TestServer};

const WAIT: Duration = Duration::from_secs(30);

#[tokio::main]
async fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: ws_test_server EVENT_JSON_FILE [PARTS]");
        return ExitCode::from(2);
    };
    let parts = match args.next().map(|p| p.parse::<usize>()) {
        None => 1,
        Some(Ok(n)) if n >= 1 => n,
        Some(_) => {
            eprintln!("PARTS must be a positive integer");
            return ExitCode::from(2);
        }
    };
    let body = match std::fs::read(&path) {
        Ok(body) => body,
        Err(e) => {
            eprintln!("{path}: {e}");
            return ExitCode::from(2);
        }
    };
    match tokio::time::timeout(WAIT, exchange(&body, parts)).await {
        Ok(Ok(code)) => code,
        Ok(Err(e)) => {
            eprintln!("{e}");
            ExitCode::from(3)
        }
        Err(_) => {
            eprintln!("no acknowledgement within {WAIT:?}");
            ExitCode::from(3)
        }
    }
}

async fn exchange(body: &[u8], parts: usize) -> Result<ExitCode, String> {
    let server = TestServer::start(Settings::default())
        .await
        .map_err(|e| format!("cannot listen on loopback: {e}"))?;
    println!("domain={}", server.domain());
    std::io::stdout().flush().map_err(|e| e.to_string())?;
    let mut connection = server.next_connection().await.ok_or("the server stopped")?;
    let message_id = connection.send_event(body, parts).await;
    let mut pings = 0;
    let ack = loop {
        match connection.recv().await.ok_or("the client disconnected")? {
            Received::Ping(_) => pings += 1,
            Received::Ack(ack) => break ack,
        }
    };
    let report = serde_json::json!({
        "conn_id": connection.conn_id,
        "message_id": message_id,
        "acknowledged_message_id": ack.message_id(),
        "code": ack.code,
        "biz_rt": ack.biz_rt,
        "pings": pings,
        "payload": String::from_utf8_lossy(ack.frame.payload_bytes()),
    });
    println!("ack={report}");
    let ok = ack.code == Some(200) && ack.message_id() == Some(message_id.as_str());
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
