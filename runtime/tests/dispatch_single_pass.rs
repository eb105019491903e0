//! A 2.0 body for a typed handler whose `schema` and `header` come first is decoded in one pass; every
//! other body is read whole for its routing fields first. Either way the handler gets the event as
//! `serde_json::from_str` gives it, and the outcome (handled, duplicate, error, status) is the same.

#![cfg(feature = "webhook")]

use std::sync::{Arc, Mutex};

use lark_runtime::dispatch::{DispatchError, Dispatched, Dispatcher};
use lark_runtime::webhook::{Config, SignatureHeaders, Webhook};
use lark_runtime::Event;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Probe {
    schema: Option<String>,
    header: Option<Value>,
    event: Option<ProbeData>,
    #[serde(flatten)]
    extra: Map<String, Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct ProbeData {
    n: u32,
    #[serde(flatten)]
    extra: Map<String, Value>,
}

impl Event for Probe {
    const EVENT_TYPE: &'static str = "test.probe";
}

type Seen = Arc<Mutex<Vec<Probe>>>;

fn recording(dispatcher: Dispatcher) -> (Dispatcher, Seen) {
    let seen = Seen::default();
    let sink = Arc::clone(&seen);
    let dispatcher = dispatcher.on(move |event: Probe| {
        sink.lock().unwrap().push(event);
        async { Ok(()) }
    });
    (dispatcher, seen)
}

const HEADER: &str = r#"{"event_id":"e1","event_type":"test.probe","token":"t","app_id":"cli"}"#;

/// Dispatches `body` and checks that the handler got exactly what `serde_json::from_str` decodes,
/// and that it re-encodes the same.
fn assert_handled_as_decoded(body: &str) {
    let (dispatcher, seen) = recording(Dispatcher::new());
    let outcome = block_on(dispatcher.dispatch(body.as_bytes()));
    let Ok(Dispatched::Handled(header)) = outcome else {
        panic!("{body}: {outcome:?}");
    };
    assert_eq!(header.event_type, "test.probe", "{body}");
    let expected: Probe = serde_json::from_str(body).unwrap();
    let got = seen.lock().unwrap().pop().expect("the handler ran");
    assert_eq!(got, expected, "{body}");
    assert_eq!(
        serde_json::to_string(&got).unwrap(),
        serde_json::to_string(&expected).unwrap()
    );
}

#[test]
fn every_key_order_gives_the_event_from_str_gives() {
    let event = r#"{"n":7,"new_field":[1,{"a":null}]}"#;
    for body in [
        // As the platform sends it: one pass.
        format!(r#"{{"schema":"2.0","header":{HEADER},"event":{event}}}"#),
        format!(r#"{{"header":{HEADER},"schema":"2.0","event":{event}}}"#),
        // Whitespace and line breaks between tokens.
        format!("\n {{ \"schema\" :\t\"2.0\" ,\r\n \"header\" : {HEADER} , \"event\" : {event} }} \n"),
        // Unknown members after `event` are kept.
        format!(r#"{{"schema":"2.0","header":{HEADER},"event":{event},"later":{{"x":1}}}}"#),
        // `event` before `header`, `schema` after `event`, an unknown member first, an escaped key:
        // the routing fields are read first, then the event.
        format!(r#"{{"event":{event},"schema":"2.0","header":{HEADER}}}"#),
        format!(r#"{{"header":{HEADER},"event":{event},"schema":"2.0"}}"#),
        format!(r#"{{"first":true,"schema":"2.0","header":{HEADER},"event":{event}}}"#),
        format!(r#"{{"sch\u0065ma":"2.0","header":{HEADER},"event":{event}}}"#),
        // Schema 1.0: routed by `event.type`.
        r#"{"uuid":"u1","token":"t","ts":"1502199207.7","type":"event_callback","event":{"type":"test.probe","n":7,"app_id":"cli"}}"#.to_owned(),
    ] {
        assert_handled_as_decoded(&body);
    }
}

#[test]
fn a_2_0_event_with_fields_named_like_1_0_routing_fields_is_decoded_in_one_pass() {
    assert_handled_as_decoded(&format!(
        r#"{{"schema":"2.0","header":{HEADER},"event":{{"n":1,"type":1,"app_id":[],"tenant_key":{{}}}}}}"#
    ));
}

#[test]
fn a_body_malformed_after_its_header_is_refused_and_its_id_released() {
    let (dispatcher, seen) = recording(Dispatcher::new());
    for malformed in [
        format!(r#"{{"schema":"2.0","header":{HEADER},"event":{{"n":1}},}}"#),
        format!(r#"{{"schema":"2.0","header":{HEADER},"event":{{"n":1}}}} trailing"#),
        format!(r#"{{"schema":"2.0","header":{HEADER},"event":{{"n":1"#),
    ] {
        let outcome = block_on(dispatcher.dispatch(malformed.as_bytes()));
        assert!(
            matches!(outcome, Err(DispatchError::Envelope(_))),
            "{malformed}: {outcome:?}"
        );
    }
    let decode_error = format!(r#"{{"schema":"2.0","header":{HEADER},"event":{{"n":"x"}}}}"#);
    let outcome = block_on(dispatcher.dispatch(decode_error.as_bytes()));
    assert!(
        matches!(outcome, Err(DispatchError::Decode { ref event_type, .. }) if event_type == "test.probe"),
        "{outcome:?}"
    );
    assert!(seen.lock().unwrap().is_empty());
    // None of them kept the id: the valid delivery of e1 reaches the handler, then is a duplicate.
    let valid = format!(r#"{{"schema":"2.0","header":{HEADER},"event":{{"n":1}}}}"#);
    assert!(matches!(
        block_on(dispatcher.dispatch(valid.as_bytes())),
        Ok(Dispatched::Handled(_))
    ));
    assert!(matches!(
        block_on(dispatcher.dispatch(valid.as_bytes())),
        Ok(Dispatched::Duplicate(_))
    ));
    assert_eq!(seen.lock().unwrap().len(), 1);
}

#[test]
fn a_duplicate_is_not_decoded_into_an_error() {
    let (dispatcher, seen) = recording(Dispatcher::new());
    let valid = format!(r#"{{"schema":"2.0","header":{HEADER},"event":{{"n":1}}}}"#);
    block_on(dispatcher.dispatch(valid.as_bytes())).unwrap();
    // The same id again, now with an event that does not decode: still a duplicate, as it was
    // before the typed decoding came first.
    let undecodable = format!(r#"{{"schema":"2.0","header":{HEADER},"event":{{"n":"x"}}}}"#);
    assert!(matches!(
        block_on(dispatcher.dispatch(undecodable.as_bytes())),
        Ok(Dispatched::Duplicate(_))
    ));
    assert_eq!(seen.lock().unwrap().len(), 1);
}

#[test]
fn routing_fields_of_the_wrong_type_are_refused_in_any_order() {
    let (dispatcher, seen) = recording(Dispatcher::new());
    for body in [
        r#"{"schema":"2.0","header":{"event_type":"test.probe","event_id":5},"event":{"n":1}}"#,
        r#"{"schema":2,"header":{"event_type":"test.probe"},"event":{"n":1}}"#,
        r#"{"schema":"1.0","header":{"event_type":"test.probe"},"event":{"n":1}}"#,
        r#"{"schema":"2.0","header":{"event_type":"test.probe"},"header":{"event_type":"test.probe"},"event":{"n":1}}"#,
        r#"{"event":{"n":1},"schema":"2.0","header":{"event_type":"test.probe","token":[]}}"#,
    ] {
        let outcome = block_on(dispatcher.dispatch(body.as_bytes()));
        assert!(
            matches!(outcome, Err(DispatchError::Envelope(_))),
            "{body}: {outcome:?}"
        );
    }
    assert!(seen.lock().unwrap().is_empty());
}

#[test]
fn other_event_types_reach_the_fallback_with_the_raw_body() {
    let raw = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&raw);
    let (dispatcher, seen) = recording(Dispatcher::new().fallback(move |envelope| {
        sink.lock().unwrap().push(envelope.raw);
        async { Ok(()) }
    }));
    let body =
        r#"{"schema":"2.0","header":{"event_id":"o1","event_type":"test.other"},"event":{"n":1}}"#;
    assert!(matches!(
        block_on(dispatcher.dispatch(body.as_bytes())),
        Ok(Dispatched::Handled(_))
    ));
    assert_eq!(*raw.lock().unwrap(), [body]);
    assert!(seen.lock().unwrap().is_empty());
    // A body malformed after its header is refused for the fallback too.
    let malformed =
        r#"{"schema":"2.0","header":{"event_id":"o2","event_type":"test.other"},"event":{"n":1},}"#;
    assert!(matches!(
        block_on(dispatcher.dispatch(malformed.as_bytes())),
        Err(DispatchError::Envelope(_))
    ));
}

#[tokio::test]
async fn the_token_is_checked_before_the_event_is_decoded() {
    let (dispatcher, seen) = recording(Dispatcher::new());
    let webhook = Webhook::new(Config::new().verification_token("t"), dispatcher);
    let wrong_token = r#"{"schema":"2.0","header":{"event_id":"w","event_type":"test.probe","token":"bad"},"event":{"n":"not a number"}}"#;
    let reply = webhook
        .handle(SignatureHeaders::default(), wrong_token.as_bytes())
        .await;
    assert_eq!(reply.status, 401, "{}", reply.body);
    let undecodable = format!(r#"{{"schema":"2.0","header":{HEADER},"event":{{"n":"x"}}}}"#);
    let reply = webhook
        .handle(SignatureHeaders::default(), undecodable.as_bytes())
        .await;
    assert_eq!(reply.status, 400, "{}", reply.body);
    let valid = format!(r#"{{"schema":"2.0","header":{HEADER},"event":{{"n":3}}}}"#);
    let reply = webhook
        .handle(SignatureHeaders::default(), valid.as_bytes())
        .await;
    assert_eq!(
        (reply.status, reply.body.as_str()),
        (200, r#"{"msg":"success"}"#)
    );
    assert_eq!(seen.lock().unwrap().len(), 1);
}

/// Runs a future to completion on this thread (the dispatcher needs no runtime).
fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
        .block_on(future)
}
