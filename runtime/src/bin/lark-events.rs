//! `lark-events`: receive Feishu / Lark events and print each one as a JSON line on stdout.
//! Logs go to stderr (`RUST_LOG` sets the level, `info` by default) through a queue and a thread of
//! their own: a stderr that nobody reads loses log lines, never stalls requests.
//! With `--redis URL`, replicas share the claims of event ids, so that each event is printed once.

use std::io::IsTerminal as _;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use lark_runtime::dispatch::{Dispatcher, DEFAULT_DEDUP_CAPACITY};
use lark_runtime::envelope::EventEnvelope;
use lark_runtime::store::redis::RedisStore;
use lark_runtime::webhook::{self, Config, Webhook, DEFAULT_MAX_BODY_BYTES};
use lark_runtime::ws;
use tracing_subscriber::EnvFilter;

// Under `lark-events/`, not `src/bin/`, where cargo would take it for another command.
#[path = "lark-events/printer.rs"]
mod printer;

use printer::Printer;

#[derive(Parser)]
#[command(name = "lark-events", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Receive events by webhook (reads LARK_VERIFICATION_TOKEN and LARK_ENCRYPT_KEY).
    Serve(ServeArgs),
    /// Receive events over the long connection (reads LARK_APP_ID, LARK_APP_SECRET and, optionally,
    /// LARK_DOMAIN).
    Connect(ConnectArgs),
}

#[derive(Args)]
struct ConnectArgs {
    /// Open platform base URL (default: LARK_DOMAIN, else https://open.feishu.cn; use
    /// https://open.larksuite.com for Lark).
    #[arg(long)]
    domain: Option<String>,
    /// How many recent event ids are remembered to drop duplicate deliveries (0: off).
    #[arg(long, default_value_t = DEFAULT_DEDUP_CAPACITY)]
    dedup_capacity: usize,
    /// Redis shared by the replicas of the app (redis://[:password@]host:port[/db]): each event id
    /// is claimed there, so that a delivery retried to another replica is printed once.
    #[arg(long = "redis", value_name = "URL", env = "REDIS_URL")]
    redis: Option<String>,
}

#[derive(Args)]
struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// Request path of the event callback URL.
    #[arg(long, default_value = webhook::axum::DEFAULT_PATH)]
    path: String,
    /// How many recent event ids are remembered to drop duplicate deliveries (0: off).
    #[arg(long, default_value_t = DEFAULT_DEDUP_CAPACITY)]
    dedup_capacity: usize,
    /// Largest accepted body in bytes.
    #[arg(long, default_value_t = DEFAULT_MAX_BODY_BYTES)]
    max_body_bytes: usize,
    /// Refuse signed requests whose timestamp is further than this from now, in seconds (0: off).
    #[arg(long, default_value_t = webhook::DEFAULT_TIMESTAMP_TOLERANCE.as_secs())]
    timestamp_tolerance: u64,
    /// Refuse with 408 a request whose body has not fully arrived after this many seconds.
    #[arg(long, default_value_t = webhook::DEFAULT_BODY_READ_TIMEOUT.as_secs())]
    body_read_timeout: u64,
    /// Close a connection with no request in flight (idle keep-alive, or a request head that has
    /// not arrived) after this many seconds.
    #[arg(long, default_value_t = webhook::axum::DEFAULT_HEADER_READ_TIMEOUT.as_secs())]
    header_read_timeout: u64,
    /// Connections open at once; at the limit, the connection idle longest is closed.
    #[arg(long, default_value_t = webhook::axum::DEFAULT_MAX_CONNECTIONS)]
    max_connections: usize,
    /// Threads serving requests. One spends the least CPU per request (no hand-offs between
    /// threads); more pay off only when handling an event takes long.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..))]
    threads: u16,
    /// Redis shared by the replicas of the app (redis://[:password@]host:port[/db]): each event id
    /// is claimed there, so that a delivery sent to several replicas is printed once.
    #[arg(long = "redis", value_name = "URL", env = "REDIS_URL")]
    redis: Option<String>,
    /// The app's id (cli_…), which namespaces its keys in Redis; needed with --redis.
    #[arg(long, env = "LARK_APP_ID")]
    app_id: Option<String>,
}

fn main() -> ExitCode {
    // Lines are queued for a thread that writes them; when stderr blocks and the queue is full,
    // lines are dropped rather than the request that logs them waiting. The guard, dropped when
    // `main` returns, writes what is queued.
    let (stderr, _written_at_exit) = tracing_appender::non_blocking::NonBlockingBuilder::default()
        .lossy(true)
        .thread_name("lark-events-log")
        .finish(std::io::stderr());
    tracing_subscriber::fmt()
        .with_writer(stderr)
        .with_ansi(std::io::stderr().is_terminal())
        // A closed stderr must not take request handling down with it.
        .log_internal_errors(false)
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
        .init();
    let command = Cli::parse().command;
    let threads = match &command {
        Command::Serve(args) => args.threads,
        // One connection, its events handled one after another.
        Command::Connect(_) => 1,
    };
    let result = runtime(threads)
        .map_err(|error| format!("cannot start the runtime: {error}"))
        .and_then(|runtime| {
            runtime.block_on(async {
                match command {
                    Command::Serve(args) => serve(args).await,
                    Command::Connect(args) => connect(args).await,
                }
            })
        });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!("{error}");
            ExitCode::FAILURE
        }
    }
}

/// A runtime on this thread alone, or with that many worker threads.
fn runtime(threads: u16) -> std::io::Result<tokio::runtime::Runtime> {
    let mut builder = if threads == 1 {
        tokio::runtime::Builder::new_current_thread()
    } else {
        let mut builder = tokio::runtime::Builder::new_multi_thread();
        builder.worker_threads(threads.into());
        builder
    };
    builder.enable_all().build()
}

async fn serve(args: ServeArgs) -> Result<(), String> {
    let tolerance =
        (args.timestamp_tolerance > 0).then(|| Duration::from_secs(args.timestamp_tolerance));
    let config = Config::from_env()
        .max_body_bytes(args.max_body_bytes)
        .timestamp_tolerance(tolerance)
        .body_read_timeout(Duration::from_secs(args.body_read_timeout));
    if !config.has_verification_token() {
        tracing::warn!(
            "{} is not set: requests are not checked for a token",
            webhook::VERIFICATION_TOKEN_ENV
        );
    }
    if !config.has_encrypt_key() {
        tracing::warn!(
            "{} is not set: bodies are neither decrypted nor signature-checked",
            webhook::ENCRYPT_KEY_ENV
        );
    }
    let store = match args.redis.as_deref().filter(|url| !url.is_empty()) {
        Some(url) => {
            let app_id = args.app_id.as_deref().filter(|id| !id.is_empty()).ok_or(
                "--redis needs the app id (--app-id or LARK_APP_ID), which namespaces its keys",
            )?;
            Some(redis_store(url, app_id).await?)
        }
        None => None,
    };
    let dispatcher = printing_dispatcher(args.dedup_capacity, store);
    let router = webhook::axum::router(&args.path, Arc::new(Webhook::new(config, dispatcher)));
    let listener = tokio::net::TcpListener::bind(args.addr)
        .await
        .map_err(|error| format!("cannot listen on {}: {error}", args.addr))?;
    let local = listener.local_addr().map_err(|error| error.to_string())?;
    tracing::info!("listening on http://{local}{}", args.path);
    let limits = webhook::axum::Limits {
        header_read_timeout: Duration::from_secs(args.header_read_timeout),
        max_connections: args.max_connections,
    };
    webhook::axum::serve_with_limits(listener, router, limits, shutdown_signal()).await;
    Ok(())
}

async fn connect(args: ConnectArgs) -> Result<(), String> {
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let app_id = env("LARK_APP_ID").ok_or("LARK_APP_ID is not set")?;
    let app_secret = env("LARK_APP_SECRET").ok_or("LARK_APP_SECRET is not set")?;
    let domain = args
        .domain
        .or_else(|| env("LARK_DOMAIN"))
        .unwrap_or_else(|| ws::FEISHU_DOMAIN.to_owned());
    let store = match args.redis.as_deref().filter(|url| !url.is_empty()) {
        Some(url) => Some(redis_store(url, &app_id).await?),
        None => None,
    };
    let dispatcher = printing_dispatcher(args.dedup_capacity, store);
    let client = ws::Client::new(
        ws::Credentials::new(app_id, app_secret),
        ws::Options::default().domain(domain),
        dispatcher,
    );
    client
        .run_until(shutdown_signal())
        .await
        .map_err(|error| format!("long connection stopped: {}", error.report()))
}

/// The Redis store at `url` for the app, after asking whether it answers: one that does not is
/// said in the log, and event ids are claimed in this process's memory until it answers.
async fn redis_store(url: &str, app_id: &str) -> Result<Arc<RedisStore>, String> {
    let store = RedisStore::builder(url, app_id)
        .connect()
        .map_err(|error| format!("--redis: {error}"))?;
    match store.ping().await {
        Ok(()) => tracing::info!(
            "event ids are claimed in Redis at {}, shared with the other replicas",
            store.address()
        ),
        Err(error) => tracing::warn!(
            "{error}: event ids are claimed in this process's memory until Redis answers"
        ),
    }
    Ok(Arc::new(store))
}

/// A dispatcher printing every event body on one line: a parsed body has line breaks only as
/// whitespace between tokens (JSON strings cannot hold raw ones), so replacing them keeps the JSON
/// and its key order. With `store`, event ids are claimed there too.
fn printing_dispatcher(dedup_capacity: usize, store: Option<Arc<RedisStore>>) -> Dispatcher {
    let printer = Printer::start();
    let dispatcher = Dispatcher::new().dedup_capacity(dedup_capacity);
    let dispatcher = match store {
        Some(store) => dispatcher.shared_claims(store),
        None => dispatcher,
    };
    dispatcher.fallback(move |event: EventEnvelope| {
        let printed = printer.print(one_line(event.raw));
        async move { printed }
    })
}

/// The body with its line breaks turned into spaces, in place: both are ASCII, so this works on the
/// bytes (no per-character decoding, no copy).
fn one_line(body: String) -> Vec<u8> {
    let mut line = body.into_bytes();
    for byte in &mut line {
        if matches!(*byte, b'\n' | b'\r') {
            *byte = b' ';
        }
    }
    line
}

async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut terminate =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(signal) => signal,
                Err(_) => return interrupt.await.unwrap_or(()),
            };
        tokio::select! {
            _ = interrupt => {},
            _ = terminate.recv() => {},
        }
    }
    #[cfg(not(unix))]
    interrupt.await.unwrap_or(());
}
