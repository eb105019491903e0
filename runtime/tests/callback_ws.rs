//! Callbacks over the long connection, against the local protocol server: the acknowledgement of a
//! `card.action.trigger` frame carries the handler's answer as the official Python SDK writes it,
//! `{"code":200,"data":"<base64 of the answer's JSON>"}`.

#![cfg(all(feature = "ws-test-server", feature = "webhook"))]

mod callback_support;

use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine as _;
use callback_support::{answer_for, callback_body, CardActionResponse, CardActionTrigger};
use lark_runtime::dispatch::{CallbackResult, Dispatcher};
use lark_runtime::ws::frame::MessageType;
use lark_runtime::ws::test_server::{Acknowledgement, Settings, TestServer};
use lark_runtime::ws::{Client, Credentials, Options};

const LIMIT: Duration = Duration::from_secs(20);

async fn bounded<T>(future: impl Future<Output = T>) -> T {
    tokio::time::timeout(LIMIT, future)
        .await
        .expect("the test did not finish in time")
}

/// A client whose callback handler waits `delay` then answers (or fails when `fail`).
fn spawn_client(
    server: &TestServer,
    delay: Duration,
    fail: bool,
    deadline: Option<Duration>,
) -> (tokio::task::JoinHandle<()>, Arc<AtomicUsize>) {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&calls);
    let dispatcher = Dispatcher::new().on_callback(move |callback: CardActionTrigger| {
        counter.fetch_add(1, Ordering::SeqCst);
        async move {
            tokio::time::sleep(delay).await;
            if fail {
                return CallbackResult::<CardActionResponse>::Err("no card".into());
            }
            Ok(answer_for(&callback))
        }
    });
    let mut options = Options::default().domain(server.domain());
    if let Some(deadline) = deadline {
        options = options.callback_deadline(deadline);
    }
    let client = Client::new(Credentials::new("cli_cb", "secret"), options, dispatcher);
    let run = tokio::spawn(async move {
        let _ = client.run().await;
    });
    (run, calls)
}

/// The acknowledgement's payload, its `data` decoded from base64 and parsed as JSON.
fn payload(ack: &Acknowledgement) -> (serde_json::Value, Option<serde_json::Value>) {
    let payload: serde_json::Value = serde_json::from_slice(ack.frame.payload_bytes()).unwrap();
    let data = payload.get("data").map(|data| {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(data.as_str().expect("data is a string"))
            .expect("data is base64");
        serde_json::from_slice(&bytes).expect("data is JSON")
    });
    (payload, data)
}

fn expected_answer() -> serde_json::Value {
    let callback: CardActionTrigger = serde_json::from_str(&callback_body()).unwrap();
    serde_json::to_value(answer_for(&callback)).unwrap()
}

#[tokio::test]
async fn the_ack_of_a_card_action_carries_the_answer_in_base64_json() {
    let server = TestServer::start(Settings::default()).await.unwrap();
    let (run, calls) = spawn_client(&server, Duration::ZERO, false, None);
    bounded(async {
        let mut conn = server.next_connection().await.unwrap();
        for kind in [MessageType::Event, MessageType::Card] {
            let message_id = conn.send_message(callback_body().as_bytes(), 1, kind).await;
            let ack = conn.next_ack().await.unwrap();
            assert_eq!(ack.message_id(), Some(message_id.as_str()));
            assert_eq!(ack.code, Some(200));
            assert!(ack.biz_rt.is_some());
            let answer = expected_answer();
            let encoded = base64::engine::general_purpose::STANDARD.encode(answer.to_string());
            let exact = serde_json::json!({ "code": 200, "data": encoded }).to_string();
            assert_eq!(
                String::from_utf8_lossy(ack.frame.payload_bytes()),
                exact,
                "{kind:?} frame"
            );
            let (_, data) = payload(&ack);
            assert_eq!(data, Some(answer));
        }
    })
    .await;
    // The second frame is the same callback (same event id): answered again, handled once.
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    run.abort();
}

#[tokio::test]
async fn a_split_card_action_is_answered_once_whole() {
    let server = TestServer::start(Settings::default()).await.unwrap();
    let (run, _) = spawn_client(&server, Duration::ZERO, false, None);
    bounded(async {
        let mut conn = server.next_connection().await.unwrap();
        conn.send_message(callback_body().as_bytes(), 3, MessageType::Event)
            .await;
        let (_, data) = payload(&conn.next_ack().await.unwrap());
        assert_eq!(data, Some(expected_answer()));
    })
    .await;
    run.abort();
}

#[tokio::test]
async fn a_late_handler_is_acknowledged_with_an_empty_answer_at_the_deadline() {
    let server = TestServer::start(Settings::default()).await.unwrap();
    let deadline = Duration::from_millis(300);
    let (run, calls) = spawn_client(&server, Duration::from_secs(10), false, Some(deadline));
    bounded(async {
        let mut conn = server.next_connection().await.unwrap();
        let started = Instant::now();
        conn.send_event(callback_body().as_bytes(), 1).await;
        let ack = conn.next_ack().await.unwrap();
        let took = started.elapsed();
        assert!(
            took >= deadline && took < Duration::from_secs(2),
            "{took:?}"
        );
        assert_eq!(ack.code, Some(200));
        let (_, data) = payload(&ack);
        assert_eq!(data, Some(serde_json::json!({})));
    })
    .await;
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    run.abort();
}

#[tokio::test]
async fn a_failing_handler_is_acknowledged_with_500_and_no_data() {
    let server = TestServer::start(Settings::default()).await.unwrap();
    let (run, _) = spawn_client(&server, Duration::ZERO, true, None);
    bounded(async {
        let mut conn = server.next_connection().await.unwrap();
        conn.send_event(callback_body().as_bytes(), 1).await;
        let ack = conn.next_ack().await.unwrap();
        assert_eq!(ack.frame.payload_bytes(), br#"{"code":500}"#);
    })
    .await;
    run.abort();
}
