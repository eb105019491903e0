//! The long-connection client against the local test server, on loopback: delivery and
//! acknowledgement, split messages, configuration from pongs, reconnects, and the errors that stop it.

#![cfg(feature = "ws-test-server")]

mod seed_event;

use seed_event::SeedEvent;
use std::future::Future;
use std::time::Duration;

use lark_runtime::dispatch::Dispatcher;
use lark_runtime::ws::test_server::{HandshakeRefusal, Settings, TestServer};
use lark_runtime::ws::{
    Client, ClientConfigUpdate, ConnectionState, Credentials, Options, WsError, MAX_PING_INTERVAL,
};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

const APP_ID: &str = "cli_ws_test";
const APP_SECRET: &str = "ws-test-secret";
const SEED_VERSION_ID: &str = "oav_d317f090b7258ad0372aa53963cda70d";
/// The bound on every test; a hang fails instead of blocking the run.
const LIMIT: Duration = Duration::from_secs(20);

/// The JSON example of the seed page `schema/docs/003_*.txt`.
fn seed_body() -> Vec<u8> {
    let docs = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../schema/docs");
    let page = std::fs::read_dir(&docs)
        .expect("schema/docs")
        .map(|entry| entry.expect("directory entry").path())
        .find(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("003_"))
        })
        .expect("seed page 003");
    let text = std::fs::read_to_string(&page).expect("seed page text");
    let start = text.find("<md-code-json>").expect("code block") + "<md-code-json>".len();
    let end = text[start..]
        .find("</md-code-json>")
        .expect("code block end")
        + start;
    let value: serde_json::Value = serde_json::from_str(&text[start..end]).expect("seed JSON");
    serde_json::to_vec(&value).expect("compact JSON")
}

/// A dispatcher whose seed handler reports each event's version id (and fails if `fail`).
fn reporting_dispatcher(fail: bool) -> (Dispatcher, mpsc::UnboundedReceiver<String>) {
    let (tx, rx) = mpsc::unbounded_channel();
    let dispatcher = Dispatcher::new().on(move |event: SeedEvent| {
        let version_id = event.online_version_id().unwrap_or_default();
        let _ = tx.send(version_id);
        async move {
            if fail {
                Err("storage unavailable".into())
            } else {
                Ok(())
            }
        }
    });
    (dispatcher, rx)
}

fn options(server: &TestServer) -> Options {
    Options::default()
        .domain(server.domain())
        .backoff_base(Duration::from_millis(10))
}

fn fast_reconnects(count: i64) -> ClientConfigUpdate {
    ClientConfigUpdate {
        reconnect_count: Some(count),
        reconnect_interval: Some(0),
        reconnect_nonce: Some(0),
        ping_interval: Some(120),
    }
}

fn spawn(client: Client) -> JoinHandle<Result<(), WsError>> {
    tokio::spawn(client.run())
}

/// Runs a client of the test app against `server` with the default test options.
fn spawn_for(server: &TestServer, dispatcher: Dispatcher) -> JoinHandle<Result<(), WsError>> {
    spawn(Client::new(
        Credentials::new(APP_ID, APP_SECRET),
        options(server),
        dispatcher,
    ))
}

async fn bounded<T>(future: impl Future<Output = T>) -> T {
    tokio::time::timeout(LIMIT, future)
        .await
        .expect("the test did not finish in time")
}

#[tokio::test]
async fn event_reaches_its_typed_handler_and_is_acknowledged() {
    let server = TestServer::start(Settings::default()).await.unwrap();
    let (dispatcher, mut handled) = reporting_dispatcher(false);
    let credentials = Credentials::new(APP_ID, APP_SECRET);
    let run = spawn(Client::new(credentials, options(&server), dispatcher));
    bounded(async {
        let mut conn = server.next_connection().await.unwrap();
        let message_id = conn.send_event(&seed_body(), 1).await;
        let ack = conn.next_ack().await.unwrap();
        assert_eq!(ack.message_id(), Some(message_id.as_str()));
        assert_eq!(ack.code, Some(200));
        assert!(
            ack.biz_rt.is_some(),
            "biz_rt header: {:?}",
            ack.frame.headers
        );
        assert_eq!(handled.recv().await.unwrap(), SEED_VERSION_ID);
    })
    .await;
    let requests = server.endpoint_requests();
    assert_eq!(requests[0]["AppID"], APP_ID);
    assert_eq!(requests[0]["AppSecret"], APP_SECRET);
    run.abort();
}

#[tokio::test]
async fn failing_handler_is_acknowledged_with_500() {
    let server = TestServer::start(Settings::default()).await.unwrap();
    let (dispatcher, mut handled) = reporting_dispatcher(true);
    let run = spawn_for(&server, dispatcher);
    bounded(async {
        let mut conn = server.next_connection().await.unwrap();
        conn.send_event(&seed_body(), 1).await;
        assert_eq!(conn.next_ack().await.unwrap().code, Some(500));
        assert_eq!(handled.recv().await.unwrap(), SEED_VERSION_ID);
    })
    .await;
    run.abort();
}

#[tokio::test]
async fn split_message_is_reassembled_and_acknowledged_once() {
    let server = TestServer::start(Settings::default()).await.unwrap();
    let (dispatcher, mut handled) = reporting_dispatcher(false);
    let run = spawn_for(&server, dispatcher);
    bounded(async {
        let mut conn = server.next_connection().await.unwrap();
        let split = conn.send_event(&seed_body(), 4).await;
        let ack = conn.next_ack().await.unwrap();
        assert_eq!(ack.message_id(), Some(split.as_str()));
        assert_eq!(ack.frame.header("sum"), Some("4"));
        assert_eq!(ack.code, Some(200));
        assert_eq!(handled.recv().await.unwrap(), SEED_VERSION_ID);
        // The next acknowledgement is for the next message: no part was answered on its own.
        let whole = conn.send_event(b"{}", 1).await;
        assert_eq!(
            conn.next_ack().await.unwrap().message_id(),
            Some(whole.as_str())
        );
    })
    .await;
    run.abort();
}

#[tokio::test]
async fn configuration_from_a_pong_is_applied() {
    let server = TestServer::start(Settings {
        client_config: ClientConfigUpdate {
            ping_interval: Some(3600),
            ..fast_reconnects(-1)
        },
        pong_config: Some(ClientConfigUpdate {
            ping_interval: Some(1),
            reconnect_count: Some(7),
            ..ClientConfigUpdate::default()
        }),
        ..Settings::default()
    })
    .await
    .unwrap();
    let (dispatcher, _handled) = reporting_dispatcher(false);
    let client = Client::new(
        Credentials::new(APP_ID, APP_SECRET),
        options(&server),
        dispatcher,
    );
    let mut config = client.config();
    let run = spawn(client);
    bounded(async {
        let mut conn = server.next_connection().await.unwrap();
        let first = conn.next_ping().await.unwrap();
        assert_eq!(first.service, 1001, "the service id of the connection URL");
        let applied = config
            .wait_for(|c| c.ping_interval == Duration::from_secs(1))
            .await
            .unwrap()
            .to_owned();
        assert_eq!(applied.reconnect_count, Some(7));
        // With the endpoint's hour-long interval there would be no second ping before the limit.
        assert!(conn.next_ping().await.is_some());
    })
    .await;
    run.abort();
}

#[tokio::test]
async fn client_reconnects_after_the_server_drops_the_connection() {
    let server = TestServer::start(Settings {
        client_config: fast_reconnects(-1),
        ..Settings::default()
    })
    .await
    .unwrap();
    let (dispatcher, mut handled) = reporting_dispatcher(false);
    let client = Client::new(
        Credentials::new(APP_ID, APP_SECRET),
        options(&server),
        dispatcher,
    );
    let mut state = client.state();
    let run = spawn(client);
    bounded(async {
        let first = server.next_connection().await.unwrap();
        let first_id = first.conn_id.clone();
        first.drop_connection().await;
        let mut second = server.next_connection().await.unwrap();
        assert_ne!(second.conn_id, first_id);
        state
            .wait_for(|s| matches!(s, ConnectionState::Connected { connections: 2, .. }))
            .await
            .unwrap();
        second.send_event(&seed_body(), 1).await;
        assert_eq!(second.next_ack().await.unwrap().code, Some(200));
        assert_eq!(handled.recv().await.unwrap(), SEED_VERSION_ID);
    })
    .await;
    assert_eq!(server.endpoint_requests().len(), 2);
    run.abort();
}

async fn run_to_end(server: &TestServer) -> WsError {
    let (dispatcher, _handled) = reporting_dispatcher(false);
    let client = Client::new(
        Credentials::new(APP_ID, APP_SECRET),
        options(server),
        dispatcher,
    );
    let mut state = client.state();
    let error = bounded(client.run())
        .await
        .expect_err("the client must stop with an error");
    assert_eq!(*state.borrow_and_update(), ConnectionState::Stopped);
    error
}

#[tokio::test]
async fn forbidden_handshake_stops_without_retrying() {
    let server = TestServer::start(Settings {
        client_config: fast_reconnects(-1),
        handshake_refusal: Some(HandshakeRefusal {
            http_status: axum::http::StatusCode::FORBIDDEN,
            status: 403,
            auth_code: None,
            message: "app is not allowed to connect".into(),
        }),
        ..Settings::default()
    })
    .await
    .unwrap();
    let error = run_to_end(&server).await;
    assert!(
        matches!(error, WsError::HandshakeRefused { status: 403, .. }),
        "{error}"
    );
    assert!(
        error.to_string().contains("app is not allowed to connect"),
        "{error}"
    );
    assert_eq!(
        server.endpoint_requests().len(),
        1,
        "no retry after a fatal error"
    );
}

#[tokio::test]
async fn connection_limit_stops_without_retrying() {
    let server = TestServer::start(Settings {
        client_config: fast_reconnects(-1),
        handshake_refusal: Some(HandshakeRefusal {
            http_status: axum::http::StatusCode::BAD_REQUEST,
            status: 514,
            auth_code: Some(1_000_040_350),
            message: "exceed connection limit".into(),
        }),
        ..Settings::default()
    })
    .await
    .unwrap();
    let error = run_to_end(&server).await;
    assert!(error.is_fatal(), "{error}");
    assert_eq!(server.endpoint_requests().len(), 1);
}

#[tokio::test]
async fn retryable_handshake_error_is_retried_reconnect_count_times() {
    let server = TestServer::start(Settings {
        client_config: fast_reconnects(2),
        handshake_refusal: Some(HandshakeRefusal {
            http_status: axum::http::StatusCode::BAD_REQUEST,
            status: 514,
            auth_code: Some(1),
            message: "auth service busy".into(),
        }),
        ..Settings::default()
    })
    .await
    .unwrap();
    let error = run_to_end(&server).await;
    match &error {
        WsError::GaveUp { attempts: 2, last } => {
            assert!(
                matches!(**last, WsError::HandshakeRefused { status: 514, .. }),
                "{last}"
            )
        }
        other => panic!("expected GaveUp after 2 retries, got {other}"),
    }
    assert_eq!(
        server.endpoint_requests().len(),
        3,
        "the first try and 2 retries"
    );
}

#[tokio::test]
async fn refused_credentials_stop_and_busy_endpoint_is_retried() {
    let server = TestServer::start(Settings {
        endpoint_refusal: Some((10003, "invalid app_secret".into())),
        ..Settings::default()
    })
    .await
    .unwrap();
    let error = run_to_end(&server).await;
    assert!(
        matches!(error, WsError::EndpointRefused { code: 10003, .. }),
        "{error}"
    );
    assert_eq!(server.endpoint_requests().len(), 1);

    server.configure(|s| s.endpoint_refusal = Some((1, "system busy".into())));
    // A busy endpoint sends no ClientConfig: the client waits to retry (unlimited by default).
    let (dispatcher, _handled) = reporting_dispatcher(false);
    let client = Client::new(
        Credentials::new(APP_ID, APP_SECRET),
        options(&server),
        dispatcher,
    );
    let mut state = client.state();
    let run = spawn(client);
    bounded(state.wait_for(|s| matches!(s, ConnectionState::Waiting { attempt: 0, .. })))
        .await
        .unwrap();
    assert!(!run.is_finished(), "a busy endpoint is not fatal");
    run.abort();
}

#[tokio::test]
async fn silent_endpoint_times_out_instead_of_hanging() {
    // A listener that accepts connections and never answers.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let keep = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    let (dispatcher, _handled) = reporting_dispatcher(false);
    let options = Options::default()
        .domain(format!("http://{addr}"))
        .request_timeout(Duration::from_millis(200));
    let client = Client::new(Credentials::new(APP_ID, APP_SECRET), options, dispatcher);
    let mut state = client.state();
    let run = spawn(client);
    bounded(state.wait_for(|s| matches!(s, ConnectionState::Waiting { attempt: 0, .. })))
        .await
        .unwrap();
    run.abort();
    keep.abort();
}

#[tokio::test]
async fn no_more_events_run_at_once_than_the_handler_limit() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    let running = Arc::new(AtomicUsize::new(0));
    let most = Arc::new(AtomicUsize::new(0));
    let (counts, count_most) = (Arc::clone(&running), Arc::clone(&most));
    let dispatcher = Dispatcher::new().on(move |_: SeedEvent| {
        let (running, most) = (Arc::clone(&counts), Arc::clone(&count_most));
        async move {
            let now = running.fetch_add(1, Ordering::SeqCst) + 1;
            most.fetch_max(now, Ordering::SeqCst);
            tokio::time::sleep(Duration::from_millis(20)).await;
            running.fetch_sub(1, Ordering::SeqCst);
            Ok(())
        }
    });
    let server = TestServer::start(Settings::default()).await.unwrap();
    let options = options(&server).max_concurrent_handlers(2);
    let run = spawn(Client::new(
        Credentials::new(APP_ID, APP_SECRET),
        options,
        dispatcher,
    ));
    bounded(async {
        let mut conn = server.next_connection().await.unwrap();
        let mut event: serde_json::Value = serde_json::from_slice(&seed_body()).unwrap();
        for n in 0..6 {
            // Distinct event ids: the dispatcher drops duplicates.
            event["header"]["event_id"] = format!("event-{n}").into();
            conn.send_event(&serde_json::to_vec(&event).unwrap(), 1)
                .await;
        }
        for _ in 0..6 {
            assert_eq!(conn.next_ack().await.unwrap().code, Some(200));
        }
    })
    .await;
    let most = most.load(Ordering::SeqCst);
    assert!(
        (1..=2).contains(&most),
        "{most} handlers ran at once; the limit is 2"
    );
    run.abort();
}

#[tokio::test]
async fn a_huge_ping_interval_from_the_server_is_clamped() {
    let huge = ClientConfigUpdate {
        ping_interval: Some(i64::MAX),
        ..fast_reconnects(-1)
    };
    let server = TestServer::start(Settings {
        client_config: huge,
        pong_config: Some(huge),
        ..Settings::default()
    })
    .await
    .unwrap();
    let (dispatcher, mut handled) = reporting_dispatcher(false);
    let client = Client::new(
        Credentials::new(APP_ID, APP_SECRET),
        options(&server),
        dispatcher,
    );
    let config = client.config();
    let run = spawn(client);
    bounded(async {
        let mut conn = server.next_connection().await.unwrap();
        // Answered with a pong carrying the huge interval, read before the event.
        conn.next_ping().await.unwrap();
        conn.send_event(&seed_body(), 1).await;
        assert_eq!(conn.next_ack().await.unwrap().code, Some(200));
        assert_eq!(handled.recv().await.unwrap(), SEED_VERSION_ID);
    })
    .await;
    assert_eq!(config.borrow().ping_interval, MAX_PING_INTERVAL);
    assert!(!run.is_finished(), "the client is still running");
    run.abort();
}

#[tokio::test]
async fn connections_that_die_young_back_off() {
    // No jitter, and a cap the client raises to 1 s: each reconnect waits only the backoff.
    let server = TestServer::start(Settings {
        client_config: fast_reconnects(-1),
        ..Settings::default()
    })
    .await
    .unwrap();
    let (dispatcher, _handled) = reporting_dispatcher(false);
    let client = Client::new(
        Credentials::new(APP_ID, APP_SECRET),
        options(&server).backoff_base(Duration::from_millis(500)),
        dispatcher,
    );
    let mut state = client.state();
    let run = spawn(client);
    bounded(async {
        for _ in 0..3 {
            let conn = server.next_connection().await.unwrap();
            conn.drop_connection().await;
        }
        // Without backoff, every reconnect would be attempt 0, right away.
        let waiting = state
            .wait_for(|s| matches!(s, ConnectionState::Waiting { attempt: 2, .. }))
            .await
            .unwrap()
            .clone();
        assert_eq!(
            waiting,
            ConnectionState::Waiting {
                attempt: 2,
                delay: Duration::from_secs(1)
            }
        );
    })
    .await;
    run.abort();
}

#[tokio::test]
async fn a_server_that_stops_answering_pings_is_replaced_even_while_it_sends() {
    let server = TestServer::start(Settings {
        client_config: ClientConfigUpdate {
            ping_interval: Some(1),
            ..fast_reconnects(-1)
        },
        answer_pings: false,
        ..Settings::default()
    })
    .await
    .unwrap();
    let (dispatcher, _handled) = reporting_dispatcher(false);
    let options = options(&server).pong_timeout(Duration::from_millis(200));
    let run = spawn(Client::new(
        Credentials::new(APP_ID, APP_SECRET),
        options,
        dispatcher,
    ));
    bounded(async {
        let first = server.next_connection().await.unwrap();
        // Frames keep coming, but no pong: the connection is dead all the same.
        let chatter = async {
            loop {
                first.send_event(b"{}", 1).await;
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        };
        tokio::select! {
            second = server.next_connection() => assert!(second.is_some()),
            () = chatter => {}
        }
    })
    .await;
    run.abort();
}

#[tokio::test]
async fn the_client_stops_reading_while_every_handler_is_busy() {
    use std::sync::Arc;
    use tokio::sync::Semaphore;

    let gate = Arc::new(Semaphore::new(0));
    let handler_gate = Arc::clone(&gate);
    let dispatcher = Dispatcher::new().fallback(move |_| {
        let gate = Arc::clone(&handler_gate);
        async move {
            gate.acquire().await?.forget();
            Ok(())
        }
    });
    let server = TestServer::start(Settings::default()).await.unwrap();
    let run = spawn(Client::new(
        Credentials::new(APP_ID, APP_SECRET),
        options(&server).max_concurrent_handlers(1),
        dispatcher,
    ));
    let event = |n: usize, padding: &str| {
        format!(
            r#"{{"schema":"2.0","header":{{"event_id":"busy-{n}","event_type":"x"}},"event":{{"pad":"{padding}"}}}}"#
        )
    };
    bounded(async {
        let mut conn = server.next_connection().await.unwrap();
        let padding = "x".repeat(512 << 10);
        let send_all = async {
            for n in 0..200 {
                conn.send_event(event(n, &padding).as_bytes(), 1).await;
            }
        };
        // 100 MiB fit neither in the server's queue of 64 frames nor in the network buffers
        // (tens of MiB at most): sending completes only if the client reads.
        let sent = tokio::time::timeout(Duration::from_secs(2), send_all).await;
        assert!(
            sent.is_err(),
            "the client read every event while its handler was busy"
        );
        gate.add_permits(1000);
        let last = conn.send_event(event(1000, "").as_bytes(), 1).await;
        while conn.next_ack().await.unwrap().message_id() != Some(last.as_str()) {}
    })
    .await;
    run.abort();
}
