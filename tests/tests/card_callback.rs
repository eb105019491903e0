//! The card action callback as generated from its page: its example decodes into
//! `P2CardActionTrigger` and re-encodes unchanged, its header's routing fields read through
//! `Event::header()` (its `create_time`, in microseconds, as milliseconds), the page's answer example decodes into the
//! generated answer type and re-encodes unchanged, and the generated `on_p2_card_action_trigger`
//! registers a handler whose answer comes out of dispatch (the webhook and long-connection tests of
//! `lark-runtime` carry it from there onto the wire).

use integration_tests::json_diff::first_difference;
use integration_tests::seeds::repo_root;
use lark_events::card::callback::{
    P2CardActionTrigger, P2CardActionTriggerResponse as Answer,
    P2CardActionTriggerResponseToast as Toast, Type,
};
use lark_events::dispatch::{Dispatched, Dispatcher};
use lark_events::wire::Get as _;
use lark_events::{AnyEvent, Callback, DispatcherExt as _, Event as _};
use serde_json::{json, Value};

const SCHEMA: &str = "schema/json/source__card__callback__card-action-trigger.schema.json";

fn schema() -> Value {
    let path = repo_root().join(SCHEMA);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

/// The answer type the generated code names for the callback.
fn answer_type_of<C: Callback<Response = Answer>>() {}

#[test]
fn the_callback_and_its_answer_round_trip_through_the_generated_types() {
    answer_type_of::<P2CardActionTrigger>();
    let schema = schema();
    let example = schema["examples"][0].clone();
    let callback: P2CardActionTrigger = serde_json::from_value(example.clone()).unwrap();
    assert_eq!(
        callback.event.get().operator.get().open_id.get(),
        "ou_3c14f3a59eaf2825dbe25359f15*****"
    );
    assert_eq!(callback.event.get().action.get().tag.get(), "button");
    let back = serde_json::to_value(&callback).unwrap();
    assert_eq!(first_difference(&example, &back), None);

    let answer_example = schema["x-lark-answer"]["examples"][0].clone();
    let answer: Answer = serde_json::from_value(answer_example.clone()).unwrap();
    assert_eq!(answer.toast.get().r#type, Some(Type::Info));
    assert_eq!(
        answer.toast.get().i18n.get()["en_us"],
        "card action success"
    );
    let back = serde_json::to_value(&answer).unwrap();
    assert_eq!(first_difference(&answer_example, &back), None);
}

#[test]
fn the_callback_header_reads_as_any_event_header() {
    let example = schema()["examples"][0].clone();
    let callback: P2CardActionTrigger = serde_json::from_value(example.clone()).unwrap();
    let header = callback.header();
    assert_eq!(header.event_id, "f7984f25108f8137722bb63c*****");
    assert_eq!(header.token, "066zT6pS4QCbgj5Do145GfDbbag*****");
    assert_eq!(header.app_id, "cli_a5fb0ae6a4******");
    assert_eq!(header.tenant_key, "2df73991750*****");
    // "1603977298000000", documented as microseconds: 2020-10-29T13:14:58Z.
    assert_eq!(header.create_time, Some(1_603_977_298_000));
    let any = AnyEvent::from_slice(example.to_string().as_bytes()).unwrap();
    assert_eq!(
        any.header(),
        header,
        "the raw reading agrees with the typed one"
    );
}

#[tokio::test]
async fn the_generated_handler_method_answers_with_the_handlers_value() {
    let dispatcher = Dispatcher::new().on_p2_card_action_trigger(|callback| async move {
        let value = callback.event.get().action.get().value.get().clone();
        Ok(Answer {
            toast: Some(Toast {
                r#type: Some(Type::Success),
                content: Some(format!("got {value}")),
                ..Default::default()
            }),
            ..Default::default()
        })
    });
    let body = serde_json::to_vec(&schema()["examples"][0]).unwrap();
    let dispatched = dispatcher.dispatch(&body).await.unwrap();
    assert!(
        matches!(dispatched, Dispatched::Answered { .. }),
        "{dispatched:?}"
    );
    assert_eq!(
        dispatched.response(),
        Some(&json!({"toast": {"type": "success", "content": "got {\"key\":\"value\"}"}}))
    );
}
