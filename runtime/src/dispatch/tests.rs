use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Wake, Waker};

use serde::{Deserialize, Serialize};

use super::*;

/// Runs a future to completion on this thread (the dispatcher needs no runtime).
fn block_on<F: Future>(future: F) -> F::Output {
    struct Unpark(std::thread::Thread);
    impl Wake for Unpark {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
    }
    let waker = Waker::from(Arc::new(Unpark(std::thread::current())));
    let mut context = Context::from_waker(&waker);
    let mut future = std::pin::pin!(future);
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut context) {
            return output;
        }
        std::thread::park();
    }
}

#[derive(Debug, Serialize, Deserialize, PartialEq)]
struct Ping {
    header: PingHeader,
    event: PingBody,
}

#[derive(Debug, Serialize, Deserialize, PartialEq)]
struct PingHeader {
    event_id: String,
}

#[derive(Debug, Serialize, Deserialize, PartialEq)]
struct PingBody {
    n: u32,
}

impl Event for Ping {
    const EVENT_TYPE: &'static str = "test.ping";
}

fn ping(id: &str, n: u32) -> String {
    format!(
        r#"{{"schema":"2.0","header":{{"event_id":"{id}","event_type":"test.ping","token":"t"}},"event":{{"n":{n}}}}}"#
    )
}

fn recording_dispatcher() -> (Dispatcher, Arc<Mutex<Vec<u32>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&seen);
    let dispatcher = Dispatcher::new().on(move |event: Ping| {
        let sink = Arc::clone(&sink);
        async move {
            sink.lock().unwrap().push(event.event.n);
            Ok(())
        }
    });
    (dispatcher, seen)
}

#[test]
fn typed_handler_receives_the_decoded_event() {
    let (dispatcher, seen) = recording_dispatcher();
    let outcome = block_on(dispatcher.dispatch(ping("e1", 7).as_bytes())).unwrap();
    assert!(matches!(outcome, Dispatched::Handled(h) if h.event_type == "test.ping"));
    assert_eq!(*seen.lock().unwrap(), vec![7]);
}

#[test]
fn duplicate_delivery_reaches_the_handler_once() {
    let (dispatcher, seen) = recording_dispatcher();
    let body = ping("e1", 1);
    assert!(matches!(
        block_on(dispatcher.dispatch(body.as_bytes())),
        Ok(Dispatched::Handled(_))
    ));
    assert!(matches!(
        block_on(dispatcher.dispatch(body.as_bytes())),
        Ok(Dispatched::Duplicate(h)) if h.event_id.as_deref() == Some("e1")
    ));
    block_on(dispatcher.dispatch(ping("e2", 2).as_bytes())).unwrap();
    assert_eq!(*seen.lock().unwrap(), vec![1, 2]);
}

#[test]
fn dedup_memory_is_bounded_by_capacity() {
    let (dispatcher, seen) = recording_dispatcher();
    let dispatcher = dispatcher.dedup_capacity(2);
    for (id, n) in [("a", 1), ("b", 2), ("c", 3), ("a", 4)] {
        block_on(dispatcher.dispatch(ping(id, n).as_bytes())).unwrap();
    }
    assert_eq!(
        *seen.lock().unwrap(),
        vec![1, 2, 3, 4],
        "a was evicted by c"
    );
    assert_eq!(dispatcher.remembered(), 2);
}

#[test]
fn unknown_type_without_fallback_is_unhandled_not_an_error() {
    let (dispatcher, seen) = recording_dispatcher();
    let body = r#"{"schema":"2.0","header":{"event_id":"x","event_type":"im.message.receive_v1"},"event":{}}"#;
    let outcome = block_on(dispatcher.dispatch(body.as_bytes())).unwrap();
    assert!(matches!(outcome, Dispatched::Unhandled(h) if h.event_type == "im.message.receive_v1"));
    assert!(seen.lock().unwrap().is_empty());
}

#[test]
fn fallback_receives_other_types_with_the_raw_body() {
    let raw = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&raw);
    let dispatcher = Dispatcher::new().fallback(move |envelope: EventEnvelope| {
        let sink = Arc::clone(&sink);
        async move {
            sink.lock().unwrap().push(envelope.raw);
            Ok(())
        }
    });
    let v1 = r#"{"uuid":"u","token":"t","ts":"1","type":"event_callback","event":{"type":"app_open","extra":[1]}}"#;
    let outcome = block_on(dispatcher.dispatch(v1.as_bytes())).unwrap();
    assert!(matches!(outcome, Dispatched::Handled(h) if h.event_type == "app_open"));
    assert_eq!(*raw.lock().unwrap(), vec![v1.to_owned()]);
}

#[test]
fn failing_handler_is_an_error_and_its_retry_is_delivered() {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&calls);
    let dispatcher = Dispatcher::new().on(move |_: Ping| {
        let first = counter.fetch_add(1, Ordering::SeqCst) == 0;
        async move {
            if first {
                Err("database down".into())
            } else {
                Ok(())
            }
        }
    });
    let body = ping("e1", 1);
    let error = block_on(dispatcher.dispatch(body.as_bytes())).unwrap_err();
    assert!(matches!(error, DispatchError::Handler { .. }));
    assert!(error.to_string().contains("database down"));
    assert!(matches!(
        block_on(dispatcher.dispatch(body.as_bytes())),
        Ok(Dispatched::Handled(_))
    ));
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

#[test]
fn a_delivery_dropped_midway_is_handled_on_retry() {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&calls);
    let dispatcher = Dispatcher::new().on(move |_: Ping| {
        let first = counter.fetch_add(1, Ordering::SeqCst) == 0;
        async move {
            if first {
                // The first delivery never finishes: its sender hangs up and the future is dropped.
                std::future::pending::<()>().await;
            }
            Ok(())
        }
    });
    let body = ping("e1", 1);
    {
        let waker = Waker::noop();
        let mut context = Context::from_waker(waker);
        let mut first = std::pin::pin!(dispatcher.dispatch(body.as_bytes()));
        assert!(first.as_mut().poll(&mut context).is_pending());
    }
    assert!(matches!(
        block_on(dispatcher.dispatch(body.as_bytes())),
        Ok(Dispatched::Handled(_))
    ));
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    assert!(matches!(
        block_on(dispatcher.dispatch(body.as_bytes())),
        Ok(Dispatched::Duplicate(_))
    ));
}

#[test]
fn event_not_matching_its_type_is_a_decode_error() {
    let (dispatcher, _) = recording_dispatcher();
    let body =
        r#"{"schema":"2.0","header":{"event_id":"e","event_type":"test.ping"},"event":{"n":"x"}}"#;
    let error = block_on(dispatcher.dispatch(body.as_bytes())).unwrap_err();
    assert!(
        matches!(error, DispatchError::Decode { ref event_type, .. } if event_type == "test.ping")
    );
}

#[test]
fn malformed_and_challenge_bodies_are_not_dispatched() {
    let (dispatcher, _) = recording_dispatcher();
    assert!(matches!(
        block_on(dispatcher.dispatch(b"{")),
        Err(DispatchError::Envelope(_))
    ));
    assert!(matches!(
        block_on(dispatcher.dispatch(br#"{"type":"url_verification","challenge":"c"}"#)),
        Err(DispatchError::NotAnEvent)
    ));
}

/// A claim store as the replicas share it, held in memory, that can be made to fail.
#[derive(Default)]
struct SharedStore {
    held: Mutex<HashMap<String, String>>,
    failing: std::sync::atomic::AtomicBool,
    /// Claims are taken, but answered with an error (a write whose answer timed out).
    answers_lost: std::sync::atomic::AtomicBool,
    asked: AtomicUsize,
    released: AtomicUsize,
    /// The ids kept after their handler succeeded, with the ttl asked for.
    kept: Mutex<Vec<(String, Duration)>>,
}

impl SharedStore {
    fn fail(&self, failing: bool) {
        self.failing.store(failing, Ordering::SeqCst);
    }
}

impl ClaimStore for SharedStore {
    fn claim<'a>(
        &'a self,
        id: &'a str,
        token: &'a str,
        _ttl: Duration,
    ) -> crate::store::StoreFuture<'a, bool> {
        self.asked.fetch_add(1, Ordering::SeqCst);
        let result = if self.failing.load(Ordering::SeqCst) {
            Err("store down".into())
        } else {
            let mut held = self.held.lock().unwrap();
            let taken = match held.entry(id.to_owned()) {
                std::collections::hash_map::Entry::Occupied(_) => false,
                std::collections::hash_map::Entry::Vacant(slot) => {
                    slot.insert(token.to_owned());
                    true
                }
            };
            if self.answers_lost.load(Ordering::SeqCst) {
                Err("no answer in time".into())
            } else {
                Ok(taken)
            }
        };
        Box::pin(std::future::ready(result))
    }

    fn release(&self, id: &str, token: &str) -> crate::store::StoreFuture<'static, ()> {
        self.released.fetch_add(1, Ordering::SeqCst);
        let mut held = self.held.lock().unwrap();
        if held.get(id).is_some_and(|holder| holder == token) {
            held.remove(id);
        }
        Box::pin(std::future::ready(Ok(())))
    }

    fn keep(&self, id: &str, token: &str, ttl: Duration) -> crate::store::StoreFuture<'static, ()> {
        if self
            .held
            .lock()
            .unwrap()
            .get(id)
            .is_some_and(|holder| holder == token)
        {
            self.kept.lock().unwrap().push((id.to_owned(), ttl));
        }
        Box::pin(std::future::ready(Ok(())))
    }
}

/// Two replicas sharing `store`, each counting its handler's calls; `fail_first` makes the first
/// call of each fail.
fn replicas(store: &Arc<SharedStore>, fail_first: bool) -> [(Dispatcher, Arc<AtomicUsize>); 2] {
    std::array::from_fn(|_| {
        let calls = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&calls);
        let dispatcher = Dispatcher::new()
            .shared_claims(Arc::clone(store) as Arc<dyn ClaimStore>)
            .on(move |_: Ping| {
                let first = counter.fetch_add(1, Ordering::SeqCst) == 0;
                async move {
                    if fail_first && first {
                        Err("database down".into())
                    } else {
                        Ok(())
                    }
                }
            });
        (dispatcher, calls)
    })
}

#[test]
fn replicas_sharing_claims_hand_an_event_to_one_handler() {
    let store = Arc::new(SharedStore::default());
    let [(a, a_calls), (b, b_calls)] = replicas(&store, false);
    let body = ping("e1", 1);
    assert!(matches!(
        block_on(a.dispatch(body.as_bytes())),
        Ok(Dispatched::Handled(_))
    ));
    assert!(matches!(
        block_on(b.dispatch(body.as_bytes())),
        Ok(Dispatched::Duplicate(_))
    ));
    assert_eq!(
        (
            a_calls.load(Ordering::SeqCst),
            b_calls.load(Ordering::SeqCst)
        ),
        (1, 0)
    );
    assert_eq!(b.remembered(), 0, "held by a: b forgets the id");
    assert_eq!(
        *store.kept.lock().unwrap(),
        [("e1".to_owned(), DEFAULT_CLAIM_TTL)],
        "a's claim, kept for the ttl once its handler succeeded"
    );
    assert!(format!("{a:?}").contains("shared_claims: true"));
}

#[test]
fn a_failing_handler_releases_the_shared_claim_for_the_retry_elsewhere() {
    let store = Arc::new(SharedStore::default());
    let [(a, a_calls), (b, b_calls)] = replicas(&store, true);
    let body = ping("e1", 1);
    assert!(matches!(
        block_on(a.dispatch(body.as_bytes())),
        Err(DispatchError::Handler { .. })
    ));
    assert_eq!(store.released.load(Ordering::SeqCst), 1);
    assert!(
        store.kept.lock().unwrap().is_empty(),
        "a failure keeps nothing"
    );
    // b's first call fails too (`fail_first`): the platform retries again, to a.
    assert!(block_on(b.dispatch(body.as_bytes())).is_err());
    assert!(matches!(
        block_on(a.dispatch(body.as_bytes())),
        Ok(Dispatched::Handled(_))
    ));
    assert!(matches!(
        block_on(b.dispatch(body.as_bytes())),
        Ok(Dispatched::Duplicate(_))
    ));
    assert_eq!(a_calls.load(Ordering::SeqCst), 2);
    assert_eq!(b_calls.load(Ordering::SeqCst), 1);
}

#[test]
fn a_failing_store_leaves_claims_to_each_process_until_it_answers() {
    let store = Arc::new(SharedStore::default());
    let [(a, a_calls), (b, b_calls)] = replicas(&store, false);
    store.fail(true);
    let during = ping("during", 1);
    for _ in 0..2 {
        assert!(block_on(a.dispatch(during.as_bytes())).is_ok());
    }
    assert!(matches!(
        block_on(b.dispatch(during.as_bytes())),
        Ok(Dispatched::Handled(_))
    ));
    assert_eq!(
        (
            a_calls.load(Ordering::SeqCst),
            b_calls.load(Ordering::SeqCst)
        ),
        (1, 1),
        "each process deduplicates alone"
    );
    store.fail(false);
    let after = ping("after", 2);
    assert!(matches!(
        block_on(b.dispatch(after.as_bytes())),
        Ok(Dispatched::Handled(_))
    ));
    assert!(matches!(
        block_on(a.dispatch(after.as_bytes())),
        Ok(Dispatched::Duplicate(_))
    ));
}

#[test]
fn a_delivery_dropped_midway_releases_its_shared_claim() {
    let store = Arc::new(SharedStore::default());
    let dispatcher = Dispatcher::new()
        .shared_claims(Arc::clone(&store) as Arc<dyn ClaimStore>)
        .on(|_: Ping| std::future::pending::<HandlerResult>());
    let body = ping("e1", 1);
    {
        let mut context = Context::from_waker(Waker::noop());
        let mut first = std::pin::pin!(dispatcher.dispatch(body.as_bytes()));
        assert!(first.as_mut().poll(&mut context).is_pending());
        assert_eq!(store.held.lock().unwrap().len(), 1);
    }
    assert_eq!(store.released.load(Ordering::SeqCst), 1);
    assert!(store.held.lock().unwrap().is_empty());
    assert_eq!(dispatcher.remembered(), 0);
}

#[test]
fn an_expired_claim_is_handled_again() {
    let (dispatcher, seen) = recording_dispatcher();
    let dispatcher = dispatcher.claim_ttl(Duration::ZERO);
    let body = ping("e1", 1);
    for _ in 0..2 {
        assert!(matches!(
            block_on(dispatcher.dispatch(body.as_bytes())),
            Ok(Dispatched::Handled(_))
        ));
    }
    assert_eq!(*seen.lock().unwrap(), vec![1, 1]);
}

#[test]
fn deduplication_off_asks_no_store() {
    let store = Arc::new(SharedStore::default());
    let (dispatcher, seen) = recording_dispatcher();
    let dispatcher = dispatcher
        .dedup_capacity(0)
        .shared_claims(Arc::clone(&store) as Arc<dyn ClaimStore>);
    let body = ping("e1", 1);
    for _ in 0..2 {
        block_on(dispatcher.dispatch(body.as_bytes())).unwrap();
    }
    assert_eq!(*seen.lock().unwrap(), vec![1, 1]);
    assert_eq!(store.asked.load(Ordering::SeqCst), 0);
}

#[test]
fn a_claim_whose_answer_was_lost_is_released_when_the_handler_fails() {
    let store = Arc::new(SharedStore::default());
    let [(a, a_calls), (b, b_calls)] = replicas(&store, true);
    store.answers_lost.store(true, Ordering::SeqCst);
    let body = ping("e1", 1);
    assert!(
        block_on(a.dispatch(body.as_bytes())).is_err(),
        "a's handler fails"
    );
    assert!(
        store.held.lock().unwrap().is_empty(),
        "released all the same"
    );
    store.answers_lost.store(false, Ordering::SeqCst);
    // b's first call fails too; its retry, back at b, runs.
    assert!(block_on(b.dispatch(body.as_bytes())).is_err());
    assert!(matches!(
        block_on(b.dispatch(body.as_bytes())),
        Ok(Dispatched::Handled(_))
    ));
    assert_eq!(a_calls.load(Ordering::SeqCst), 1);
    assert_eq!(b_calls.load(Ordering::SeqCst), 2);
}

/// A callback: a [`Ping`] whose answer is `{"pong": n}`.
#[derive(Debug, Serialize, Deserialize, PartialEq)]
struct Knock {
    header: PingHeader,
    event: PingBody,
}

impl Event for Knock {
    const EVENT_TYPE: &'static str = "test.knock";
}

#[derive(Debug, Serialize, Deserialize, PartialEq)]
struct Answer {
    pong: u32,
}

impl Callback for Knock {
    type Response = Option<Answer>;
}

fn knock(id: &str, n: u32) -> String {
    ping(id, n).replace("test.ping", "test.knock")
}

/// A dispatcher answering knocks (`None` for n = 0, an error for n = 13), counting its calls.
fn answering(store: Option<&Arc<SharedStore>>) -> (Dispatcher, Arc<AtomicUsize>) {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&calls);
    let mut dispatcher = Dispatcher::new();
    if let Some(store) = store {
        dispatcher = dispatcher.shared_claims(Arc::clone(store) as Arc<dyn ClaimStore>);
    }
    let dispatcher = dispatcher.on_callback(move |knock: Knock| {
        counter.fetch_add(1, Ordering::SeqCst);
        async move {
            match knock.event.n {
                0 => Ok(None),
                13 => Err("unlucky".into()),
                n => Ok(Some(Answer { pong: n })),
            }
        }
    });
    (dispatcher, calls)
}

fn answered(outcome: Result<Dispatched, DispatchError>) -> (Value, AnswerKind) {
    match outcome {
        Ok(Dispatched::Answered {
            header,
            response,
            kind,
        }) => {
            assert_eq!(header.event_type, "test.knock");
            (response, kind)
        }
        other => panic!("not answered: {other:?}"),
    }
}

#[test]
fn a_callback_handler_answer_comes_out_of_dispatch() {
    let (dispatcher, calls) = answering(None);
    let outcome = block_on(dispatcher.dispatch(knock("k1", 7).as_bytes()));
    assert_eq!(
        outcome.as_ref().unwrap().response(),
        Some(&serde_json::json!({ "pong": 7 }))
    );
    assert_eq!(
        answered(outcome),
        (serde_json::json!({ "pong": 7 }), AnswerKind::Handler)
    );
    // An answer serializing to null is sent as {}.
    assert_eq!(
        answered(block_on(dispatcher.dispatch(knock("k0", 0).as_bytes()))),
        (serde_json::json!({}), AnswerKind::Handler)
    );
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

#[test]
fn a_redelivered_callback_gets_the_remembered_answer_and_the_handler_runs_once() {
    let (dispatcher, calls) = answering(None);
    for kind in [AnswerKind::Handler, AnswerKind::Replayed] {
        assert_eq!(
            answered(block_on(dispatcher.dispatch(knock("k1", 7).as_bytes()))),
            (serde_json::json!({ "pong": 7 }), kind)
        );
    }
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[test]
fn a_callback_answered_by_another_replica_gets_an_empty_answer_here() {
    let store = Arc::new(SharedStore::default());
    let (a, _) = answering(Some(&store));
    let (b, b_calls) = answering(Some(&store));
    let body = knock("k1", 7);
    assert_eq!(
        answered(block_on(a.dispatch(body.as_bytes()))).1,
        AnswerKind::Handler
    );
    assert_eq!(
        answered(block_on(b.dispatch(body.as_bytes()))),
        (serde_json::json!({}), AnswerKind::Unknown)
    );
    assert_eq!(b_calls.load(Ordering::SeqCst), 0);
}

#[test]
fn a_late_callback_handler_is_dropped_and_answered_empty_and_may_run_again() {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&calls);
    let dispatcher = Dispatcher::new().on_callback(move |_: Knock| {
        counter.fetch_add(1, Ordering::SeqCst);
        std::future::pending::<CallbackResult<Option<Answer>>>()
    });
    let body = knock("k1", 7);
    for _ in 0..2 {
        let outcome = block_on(dispatcher.dispatch_within(body.as_bytes(), std::future::ready(())));
        assert_eq!(answered(outcome), (serde_json::json!({}), AnswerKind::Late));
    }
    // The late handler's claim was released: the redelivery ran it again.
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    // Events are not limited by the deadline.
    let (events, seen) = recording_dispatcher();
    let outcome =
        block_on(events.dispatch_within(ping("e1", 1).as_bytes(), std::future::ready(())));
    assert!(matches!(outcome, Ok(Dispatched::Handled(_))));
    assert_eq!(*seen.lock().unwrap(), [1]);
}

#[test]
fn a_failing_callback_handler_is_an_error_and_its_redelivery_runs() {
    let (dispatcher, calls) = answering(None);
    for _ in 0..2 {
        assert!(matches!(
            block_on(dispatcher.dispatch(knock("k13", 13).as_bytes())),
            Err(DispatchError::Handler { ref event_type, .. }) if event_type == "test.knock"
        ));
    }
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

#[test]
fn a_callback_body_read_whole_is_answered_too() {
    // `event` before `header`: the body is read whole for its routing fields.
    let (dispatcher, _) = answering(None);
    let body = r#"{"event":{"n":5},"schema":"2.0","header":{"event_id":"k5","event_type":"test.knock","token":"t"}}"#;
    assert_eq!(
        answered(block_on(dispatcher.dispatch(body.as_bytes()))),
        (serde_json::json!({ "pong": 5 }), AnswerKind::Handler)
    );
}

#[test]
fn a_raw_callback_handler_answers_with_json() {
    let dispatcher =
        Dispatcher::new().on_raw_callback("url.preview.get", |body: Value| async move {
            Ok(serde_json::json!({ "inline": { "title": body["event"]["context"]["url"] } }))
        });
    let body = r#"{"schema":"2.0","header":{"event_id":"u1","event_type":"url.preview.get","token":"t"},"event":{"context":{"url":"https://example.com/a"}}}"#;
    let outcome = block_on(dispatcher.dispatch(body.as_bytes())).unwrap();
    assert_eq!(
        outcome.response(),
        Some(&serde_json::json!({ "inline": { "title": "https://example.com/a" } }))
    );
    assert_eq!(outcome.header().event_type, "url.preview.get");
}
