//! Reading typed events as users do: a nested field in one expression (`Get`), the routing fields
//! of any event (`Event::header`, `AnyEvent::header`), one header type for every 2.0 event, and
//! values that did not fit their type reported by `AnyEvent::mismatches`.

use lark_events::application::v6::{
    AppVersionEvent, P2ApplicationAppVersionPublishApplyV6 as PublishApply,
};
use lark_events::approval::v1::P1ApprovalCc;
use lark_events::wire::Get;
use lark_events::{AnyEvent, Event, EventHeader};
use serde_json::{json, Value};

fn publish_apply() -> Value {
    json!({
        "schema": "2.0",
        "header": {
            "event_id": "5e3702a84e847582be8db7fb73283c02",
            "event_type": "application.application.app_version.publish_apply_v6",
            "create_time": "1608725989000",
            "token": "rvaYgkND1GOiu5MM0E1rncYC6PLtF7JV",
            "app_id": "cli_9f5343c580712544",
            "tenant_key": "2ca1d211f64f6438"
        },
        "event": {
            "online_version": {"app_name": "Approvals", "scopes": [{"scope": "im:message"}]},
            "under_audit_version": {"version_id": "oav_1"}
        }
    })
}

#[test]
fn a_nested_field_reads_in_one_expression() {
    let event: PublishApply = serde_json::from_value(publish_apply()).unwrap();
    let online = event.event.get().online_version.get();
    assert_eq!(online.app_name.get(), "Approvals");
    assert_eq!(online.scopes.get()[0].scope.get(), "im:message");
    assert_eq!(
        event.event.get().under_audit_version.get().version_id.get(),
        "oav_1"
    );

    // Absent at any depth: empty values, no panic, no unwrap.
    let absent = event.event.get().under_audit_version.get();
    assert_eq!(absent.app_name.get(), "");
    assert!(absent.scopes.get().is_empty());
    assert_eq!(absent.status.get(), None);
    assert_eq!(absent.create_time.get(), None);
    let empty = PublishApply::default();
    assert_eq!(
        empty.event.get().online_version.get(),
        &AppVersionEvent::default()
    );
}

#[test]
fn every_2_0_event_shares_one_header_type() {
    let event: PublishApply = serde_json::from_value(publish_apply()).unwrap();
    let header: &EventHeader = event.header.get();
    assert_eq!(header.app_id.get(), "cli_9f5343c580712544");
    // The header type of another service's module is the same type.
    let other: Option<lark_events::im::v1::EventHeader> = event.header.clone();
    assert_eq!(
        other.get().event_id.get(),
        "5e3702a84e847582be8db7fb73283c02"
    );
}

#[test]
fn the_header_of_a_2_0_event() {
    let event: PublishApply = serde_json::from_value(publish_apply()).unwrap();
    let header = event.header();
    assert_eq!(header.event_id, "5e3702a84e847582be8db7fb73283c02");
    assert_eq!(header.create_time, Some(1_608_725_989_000));
    assert_eq!(header.app_id, "cli_9f5343c580712544");
    assert_eq!(header.tenant_key, "2ca1d211f64f6438");
    assert_eq!(header.token, "rvaYgkND1GOiu5MM0E1rncYC6PLtF7JV");
    assert_eq!(PublishApply::default().header().event_id, "");
}

#[test]
fn the_header_of_a_1_0_event() {
    let body = json!({
        "uuid": "bc447199585340d1f3728d26b1c0297a",
        "ts": "1502199207.7171419",
        "token": "41a9425ea7df4536a7623e38fa321bae",
        "type": "event_callback",
        "event": {"type": "approval_cc", "app_id": "cli_xxx", "tenant_key": "xxx"}
    });
    let event: P1ApprovalCc = serde_json::from_value(body.clone()).unwrap();
    let header = event.header();
    assert_eq!(header.event_id, "bc447199585340d1f3728d26b1c0297a");
    assert_eq!(header.create_time, Some(1_502_199_207_717));
    assert_eq!(header.app_id, "cli_xxx");
    assert_eq!(header.tenant_key, "xxx");

    let any = AnyEvent::from_slice(body.to_string().as_bytes()).unwrap();
    assert!(matches!(any, AnyEvent::P1ApprovalCc(_)));
    assert_eq!(any.header(), header);
}

#[test]
fn any_event_reads_the_header_of_an_unknown_type_from_its_json() {
    let mut body = publish_apply();
    body["header"]["event_type"] = json!("unknown.event_v9");
    let any = AnyEvent::from_slice(body.to_string().as_bytes()).unwrap();
    assert!(matches!(any, AnyEvent::Unknown(_)));
    let header = any.header();
    assert_eq!(header.event_id, "5e3702a84e847582be8db7fb73283c02");
    assert_eq!(header.create_time, Some(1_608_725_989_000));
    assert!(any.mismatches().is_empty());
}

#[test]
fn any_event_reports_values_that_did_not_fit() {
    let mut body = publish_apply();
    body["event"]["online_version"]["app_name"] = json!({"not": "a string"});
    body["event"]["online_version"]["scopes"][0]["scope"] = json!(["an", "array"]);
    let any = AnyEvent::from_slice(body.to_string().as_bytes()).unwrap();
    assert_eq!(
        any.mismatches(),
        [
            "event.online_version.app_name",
            "event.online_version.scopes[0].scope"
        ]
    );
    assert_eq!(serde_json::to_value(&any).unwrap(), body);
    let AnyEvent::P2ApplicationAppVersionPublishApplyV6(event) = &any else {
        panic!("typed variant expected, got {any:?}");
    };
    assert_eq!(event.event.get().online_version.get().app_name.get(), "");
}
