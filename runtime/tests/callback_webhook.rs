//! Callbacks by webhook, on a real axum server on loopback: a `card.action.trigger` delivery (the
//! page's example, signed, then encrypted) answered with the handler's toast and card, a late
//! handler, a failing one, and a redelivery.

#![cfg(feature = "axum")]

mod callback_support;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use callback_support::{
    answer_for, callback_body, post, CardActionResponse, CardActionTrigger, CARD_ACTION_TRIGGER,
};
use lark_runtime::callback::DEFAULT_CALLBACK_DEADLINE;
use lark_runtime::dispatch::{AnswerKind, CallbackResult, Dispatched, Dispatcher};
use lark_runtime::webhook::{self, sign, Config, EncryptKey, Outcome, SignatureHeaders, Webhook};
use lark_runtime::webhook::{NONCE_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER};

const PATH: &str = "/webhook/event";
const KEY: &str = "callback-encrypt-key";
/// The verification token of the page's example.
const TOKEN: &str = "066zT6pS4QCbgj5Do145GfDbbag*****";

/// How a test's handler behaves.
#[derive(Clone, Copy)]
enum Behaviour {
    Answer,
    AnswerAfter(Duration),
    Fail,
}

fn dispatcher(behaviour: Behaviour, calls: Arc<AtomicUsize>) -> Dispatcher {
    Dispatcher::new().on_callback(move |callback: CardActionTrigger| {
        calls.fetch_add(1, Ordering::SeqCst);
        async move {
            match behaviour {
                Behaviour::Answer => Ok(answer_for(&callback)),
                Behaviour::AnswerAfter(delay) => {
                    tokio::time::sleep(delay).await;
                    Ok(answer_for(&callback))
                }
                Behaviour::Fail => {
                    CallbackResult::<CardActionResponse>::Err("card store unavailable".into())
                }
            }
        }
    })
}

fn config() -> Config {
    Config::new().verification_token(TOKEN).encrypt_key(KEY)
}

/// Starts a server answering with `config` and a callback handler behaving as `behaviour`.
async fn start(config: Config, behaviour: Behaviour) -> (SocketAddr, Arc<AtomicUsize>) {
    let calls = Arc::new(AtomicUsize::new(0));
    let webhook = Webhook::new(config, dispatcher(behaviour, Arc::clone(&calls)));
    let router = webhook::axum::router(PATH, Arc::new(webhook));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await });
    (addr, calls)
}

fn now() -> String {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
        .to_string()
}

/// The signature headers of `body`, as the platform sends them.
fn signed(body: &str) -> Vec<(String, String)> {
    let (timestamp, nonce) = (now(), "callback-nonce".to_owned());
    let signature = sign(&timestamp, &nonce, KEY, body.as_bytes());
    vec![
        (TIMESTAMP_HEADER.to_owned(), timestamp),
        (NONCE_HEADER.to_owned(), nonce),
        (SIGNATURE_HEADER.to_owned(), signature),
    ]
}

fn encrypted(plaintext: &str) -> String {
    let encrypt = EncryptKey::new(KEY).encrypt(plaintext.as_bytes(), [7; 16]);
    serde_json::json!({ "encrypt": encrypt }).to_string()
}

/// The exact body the handler's answer to the example callback should give.
fn expected_body() -> String {
    let callback: CardActionTrigger = serde_json::from_str(&callback_body()).unwrap();
    let answer = serde_json::to_value(answer_for(&callback)).unwrap();
    assert_eq!(
        answer["toast"]["content"],
        r#"ou_3c14f3a59eaf2825dbe25359f15***** pressed button {"key":"value"}"#
    );
    assert_eq!(
        answer["card"]["data"]["header"]["title"]["content"],
        "示例标题"
    );
    answer.to_string()
}

#[tokio::test]
async fn a_signed_card_action_is_answered_with_the_handlers_toast_and_card() {
    let (addr, calls) = start(config(), Behaviour::Answer).await;
    let body = callback_body();
    let answer = post(addr, PATH, &signed(&body), body.as_bytes()).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.header("content-type"), Some("application/json"));
    assert_eq!(answer.body, expected_body());
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn an_encrypted_card_action_is_answered_in_plaintext_json() {
    let (addr, calls) = start(config(), Behaviour::Answer).await;
    let body = encrypted(&callback_body());
    let answer = post(addr, PATH, &signed(&body), body.as_bytes()).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.header("content-type"), Some("application/json"));
    assert_eq!(answer.body, expected_body());
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_card_action_with_a_bad_signature_reaches_no_handler() {
    let (addr, calls) = start(config(), Behaviour::Answer).await;
    let body = callback_body();
    let mut headers = signed(&body);
    headers[2].1 = "0".repeat(64);
    let answer = post(addr, PATH, &headers, body.as_bytes()).await;
    assert_eq!(answer.status, 401, "{}", answer.body);
    assert_eq!(calls.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn a_handler_slower_than_the_deadline_is_answered_with_an_empty_object_in_time() {
    let deadline = Duration::from_millis(300);
    let config = config().callback_deadline(deadline);
    let (addr, calls) = start(config, Behaviour::AnswerAfter(Duration::from_secs(10))).await;
    let body = callback_body();
    let started = Instant::now();
    let answer = post(addr, PATH, &signed(&body), body.as_bytes()).await;
    let took = started.elapsed();
    assert_eq!((answer.status, answer.body.as_str()), (200, "{}"));
    assert_eq!(answer.header("content-type"), Some("application/json"));
    assert!(took >= deadline, "answered after {took:?}");
    assert!(took < Duration::from_secs(2), "answered after {took:?}");
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_handler_within_the_deadline_is_waited_for() {
    let config = config().callback_deadline(Duration::from_secs(2));
    let (addr, _) = start(config, Behaviour::AnswerAfter(Duration::from_millis(200))).await;
    let body = callback_body();
    let answer = post(addr, PATH, &signed(&body), body.as_bytes()).await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.body, expected_body());
}

#[tokio::test]
async fn a_failing_handler_gets_500_as_in_the_official_sdks() {
    let (addr, calls) = start(config(), Behaviour::Fail).await;
    let body = callback_body();
    let answer = post(addr, PATH, &signed(&body), body.as_bytes()).await;
    assert_eq!(answer.status, 500);
    assert_eq!(answer.header("content-type"), Some("application/json"));
    let reason: serde_json::Value = serde_json::from_str(&answer.body).unwrap();
    assert_eq!(
        reason,
        serde_json::json!({ "msg": format!("handler for {CARD_ACTION_TRIGGER} failed") })
    );
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_redelivered_card_action_gets_the_first_answer_without_running_the_handler_again() {
    let (addr, calls) = start(config(), Behaviour::Answer).await;
    let body = callback_body();
    let first = post(addr, PATH, &signed(&body), body.as_bytes()).await;
    let again = post(addr, PATH, &signed(&body), body.as_bytes()).await;
    assert_eq!((first.status, again.status), (200, 200));
    assert_eq!(first.body, expected_body());
    assert_eq!(again.body, first.body);
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn the_outcome_names_where_the_answer_comes_from() {
    let calls = Arc::new(AtomicUsize::new(0));
    let webhook = Webhook::new(
        Config::new().verification_token(TOKEN),
        dispatcher(Behaviour::Answer, Arc::clone(&calls)),
    );
    let body = callback_body();
    let mut kinds = Vec::new();
    for _ in 0..2 {
        let reply = webhook
            .handle(SignatureHeaders::default(), body.as_bytes())
            .await;
        assert_eq!((reply.status, reply.body.clone()), (200, expected_body()));
        let Outcome::Dispatched(Dispatched::Answered { header, kind, .. }) = reply.outcome else {
            panic!("not answered: {:?}", reply.outcome);
        };
        assert_eq!(header.event_type, CARD_ACTION_TRIGGER);
        kinds.push(kind);
    }
    assert_eq!(kinds, [AnswerKind::Handler, AnswerKind::Replayed]);
    assert!(DEFAULT_CALLBACK_DEADLINE < Duration::from_secs(3));
    assert_eq!(
        webhook.config().callback_time_limit(),
        DEFAULT_CALLBACK_DEADLINE
    );
}
