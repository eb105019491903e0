//! Calls per second and CPU per call of our API client, beside lark-oapi's: `tests/load/api.sh`.
//!
//! ```text
//! api_bench serve                                    # prints `base=http://127.0.0.1:PORT`, answers until killed
//! api_bench client BASE CALLS CONCURRENCY [THREADS]  # prints one JSON line of figures
//! ```
//!
//! `serve` answers the tenant token fetch and `im.v1.message.create` (the page's example answer)
//! on one thread, as fast as it can: the server of the benchmark, not measured. `client` sends one
//! message `CALLS` times through `Client::send`, spread over `CONCURRENCY` tokio tasks, on a
//! runtime of `THREADS` threads (1, the default, is tokio's current-thread runtime), after a
//! warm-up (the token fetch and the connections); it measures the wall time and this process's
//! user + system CPU time (`/proc/self/stat`, ticks of `CLK_TCK`, 100 unless the environment says).
//! It uses only `lark_api::im`, so that `tests/load/api.sh` builds it in release against `lark-api`
//! with the `im` feature alone; in this crate it builds with the rest (`full`).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use lark_api::api::Client;
use lark_api::im::v1::message::create;

/// The page's example answer of `im.v1.message.create`.
const ANSWER: &str = r#"{"code":0,"msg":"success","data":{"message_id":"om_dc13264520392913993dd051dba21dcf","root_id":"om_40eb06e7b84dc71c03e009ad3c754195","parent_id":"om_d4be107c616aed9c1da8ed8068570a9f","thread_id":"omt_d4be107c616a","msg_type":"interactive","create_time":"1615380573411","update_time":"1615380573411","deleted":false,"updated":false,"chat_id":"oc_5ad11d72b830411d72b836c20","sender":{"id":"cli_9f427eec54ae901b","id_type":"app_id","sender_type":"app","tenant_key":"736588c9260f175e"},"body":{"content":"{\"text\":\"@_user_1 test content\"}"},"mentions":[{"key":"@_user_1","id":"ou_155184d1e73cbfb8973e5a9e698e74f2","id_type":"open_id","name":"Tom","tenant_key":"736588c9260f175e"}],"upper_message_id":"om_40eb06e7b84dc71c03e009ad3c754195"}}"#;
const TOKEN: &str =
    r#"{"code":0,"msg":"ok","tenant_access_token":"t-bench-tenant-token","expire":7200}"#;

type Failure = Box<dyn std::error::Error + Send + Sync>;

fn main() -> Result<(), Failure> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["serve"] => serve(),
        ["client", base, calls, concurrency] => {
            client(base, calls.parse()?, concurrency.parse()?, 1)
        }
        ["client", base, calls, concurrency, threads] => {
            client(base, calls.parse()?, concurrency.parse()?, threads.parse()?)
        }
        _ => {
            Err("usage: api_bench serve | api_bench client BASE CALLS CONCURRENCY [THREADS]".into())
        }
    }
}

fn serve() -> Result<(), Failure> {
    use axum::http::header::CONTENT_TYPE;
    use axum::routing::post;

    let app = axum::Router::new()
        .route(
            "/open-apis/auth/v3/tenant_access_token/internal",
            post(|| async { ([(CONTENT_TYPE, "application/json")], TOKEN) }),
        )
        .route(
            "/open-apis/im/v1/messages",
            post(|| async { ([(CONTENT_TYPE, "application/json")], ANSWER) }),
        );
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        println!("base=http://{}", listener.local_addr()?);
        axum::serve(listener, app).await?;
        Ok(())
    })
}

fn client(base: &str, calls: u64, concurrency: u64, threads: usize) -> Result<(), Failure> {
    let runtime = match threads {
        0 | 1 => tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?,
        n => tokio::runtime::Builder::new_multi_thread()
            .worker_threads(n)
            .enable_all()
            .build()?,
    };
    let client = Client::builder("cli_bench", "bench-secret")
        .base_url(base)
        .allow_host("127.0.0.1")
        .timeout(Duration::from_secs(30))
        .build()?;
    runtime.block_on(async {
        // Warm-up: the token and a connection per task.
        run(&client, concurrency * 20, concurrency).await?;
        let (cpu, start) = (cpu_seconds()?, Instant::now());
        run(&client, calls, concurrency).await?;
        let (seconds, cpu) = (start.elapsed().as_secs_f64(), cpu_seconds()? - cpu);
        println!(
            "{}",
            serde_json::json!({
                "client": "ours",
                "calls": calls,
                "concurrency": concurrency,
                "threads": threads.max(1),
                "seconds": seconds,
                "cpu_seconds": cpu,
                "calls_per_second": calls as f64 / seconds,
                "cpu_us_per_call": cpu * 1e6 / calls as f64,
            })
        );
        Ok(())
    })
}

/// `calls` messages sent by `concurrency` tasks, each taking the next call until none is left.
async fn run(client: &Client, calls: u64, concurrency: u64) -> Result<(), Failure> {
    let next = Arc::new(AtomicU64::new(0));
    let tasks: Vec<_> = (0..concurrency)
        .map(|_| {
            let (client, next) = (client.clone(), next.clone());
            tokio::spawn(async move {
                while next.fetch_add(1, Ordering::Relaxed) < calls {
                    let answer = client.send(&request()).await?;
                    if answer.data.message_id.is_none() {
                        return Err::<(), Failure>("an answer without message_id".into());
                    }
                }
                Ok(())
            })
        })
        .collect();
    for task in tasks {
        task.await??;
    }
    Ok(())
}

/// The page's example request.
fn request() -> create::Request {
    create::Request {
        receive_id_type: Some(create::ReceiveIdType::OpenId),
        body: create::Body {
            receive_id: Some("ou_7d8a6e6df7621556ce0d21922b676706ccs".into()),
            msg_type: Some(create::MsgType::Text),
            content: Some(r#"{"text":"test content"}"#.into()),
            uuid: Some("a0d69e20-1dd1-458b-k525-dfeca4015204".into()),
            ..Default::default()
        },
    }
}

/// This process's user + system CPU time so far, all threads.
fn cpu_seconds() -> Result<f64, Failure> {
    let stat = std::fs::read_to_string("/proc/self/stat")?;
    // The fields after the command name, which is in parentheses and may hold spaces.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .ok_or("unexpected /proc/self/stat")?
        .1
        .split_whitespace()
        .collect();
    let ticks: f64 = fields[11].parse::<f64>()? + fields[12].parse::<f64>()?;
    let hz: f64 = std::env::var("CLK_TCK")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100.0);
    Ok(ticks / hz)
}
