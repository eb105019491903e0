//! What code outside `lark-events` writes, and what keeps it building across minor releases: values
//! built from `Default` and field assignment (the structs are `#[non_exhaustive]`), enum values made
//! with `From`, matches with a wildcard arm; and `null` fields kept through a round trip.

use integration_tests::json_diff::first_difference;
use lark_events::application::v6::{
    AppStatus, EventHeader, I18nKey, Level, P2ApplicationAppVersionPublishApplyV6 as PublishApply,
    P2ApplicationAppVersionPublishApplyV6Data as Data, UserId,
};
use serde_json::{json, Value};

#[test]
fn an_event_is_built_from_default_and_field_assignment() {
    let mut header = EventHeader::default();
    header.event_type = Some(PublishApply::EVENT_TYPE.to_owned());
    header.create_time = Some(1_608_725_989_000.into());
    let mut operator = UserId::default();
    operator.open_id = Some("ou_1".to_owned());
    let mut data = Data::default();
    data.operator_id = Some(operator);
    data.app_status = Some(AppStatus::Enabled);
    data.extra.insert("not_listed".to_owned(), json!([1]));
    let mut event = PublishApply::default();
    event.schema = Some("2.0".to_owned());
    event.header = Some(header);
    event.event = Some(data);

    let expected = json!({
        "schema": "2.0",
        "header": {"event_type": PublishApply::EVENT_TYPE, "create_time": 1_608_725_989_000u64},
        "event": {"operator_id": {"open_id": "ou_1"}, "app_status": 1, "not_listed": [1]}
    });
    let encoded = serde_json::to_value(&event).unwrap();
    assert_eq!(first_difference(&expected, &encoded), None);
    assert_eq!(
        serde_json::from_value::<PublishApply>(encoded).unwrap(),
        event
    );
}

#[test]
fn enum_values_come_from_their_raw_value() {
    // A listed value always gives its own variant, so `==` compares values.
    assert_eq!(AppStatus::from(1), AppStatus::Enabled);
    assert_eq!(I18nKey::from("zh_cn".to_owned()), I18nKey::ZhCn);
    // Any other value is kept as it came, readable through the enum.
    let unlisted = Level::from(7);
    assert!(matches!(unlisted, Level::Unlisted(_)));
    assert_eq!((unlisted.value(), unlisted.label()), (7, None));
    if let Level::Unlisted(raw) = unlisted {
        assert_eq!(*raw.get(), 7);
    }
    let key = I18nKey::from("xx_yy");
    assert_eq!(key.as_str(), "xx_yy");
    assert_eq!(serde_json::to_value(&key).unwrap(), json!("xx_yy"));
}

/// What user code looks like: a wildcard arm, which a later page that lists more values needs.
fn describe(level: Level) -> String {
    match level {
        Level::Normal => "normal".to_owned(),
        Level::Advanced | Level::HighlySensitive => "sensitive".to_owned(),
        other => format!("level {}", other.value()),
    }
}

#[test]
fn a_match_with_a_wildcard_arm_reads_every_value() {
    assert_eq!(describe(Level::from(1)), "normal");
    assert_eq!(describe(Level::from(3)), "sensitive");
    assert_eq!(describe(Level::from(0)), "level 0");
    assert_eq!(describe(Level::from(42)), "level 42");
}

fn body_with_nulls() -> Value {
    json!({
        "schema": "2.0",
        "header": {"event_id": "e1", "tenant_key": null},
        "event": {"app_status": null, "operator_id": {"open_id": null, "user_id": "u1"}}
    })
}

#[test]
fn null_fields_survive_a_round_trip() {
    let body = body_with_nulls();
    for typed in [
        serde_json::from_value::<PublishApply>(body.clone()).unwrap(),
        serde_json::from_slice::<PublishApply>(&serde_json::to_vec(&body).unwrap()).unwrap(),
    ] {
        let header = typed.header.as_ref().unwrap();
        assert_eq!(header.tenant_key, None);
        assert_eq!(header.extra.get("tenant_key"), Some(&Value::Null));
        let data = typed.event.as_ref().unwrap();
        assert_eq!(data.app_status, None);
        let back = serde_json::to_value(&typed).unwrap();
        assert_eq!(first_difference(&body, &back), None);
    }
}

#[test]
fn a_value_assigned_to_a_null_field_replaces_the_null() {
    let mut typed: PublishApply = serde_json::from_value(body_with_nulls()).unwrap();
    let header = typed.header.as_mut().unwrap();
    header.tenant_key = Some("t1".to_owned());
    let back = serde_json::to_value(&typed).unwrap();
    assert_eq!(
        back["header"],
        json!({"event_id": "e1", "tenant_key": "t1"})
    );
}

#[test]
fn a_repeated_key_keeps_its_last_value() {
    let typed: EventHeader =
        serde_json::from_str(r#"{"tenant_key": null, "tenant_key": "t1"}"#).unwrap();
    assert_eq!(typed.tenant_key.as_deref(), Some("t1"));
    assert!(typed.extra.is_empty(), "{:?}", typed.extra);
    let typed: EventHeader =
        serde_json::from_str(r#"{"tenant_key": "t1", "tenant_key": null}"#).unwrap();
    assert_eq!(typed.tenant_key, None);
    assert_eq!(
        serde_json::to_string(&typed).unwrap(),
        r#"{"tenant_key":null}"#
    );
}

#[test]
fn a_body_that_is_not_an_object_is_an_error_naming_the_type() {
    let err = serde_json::from_str::<EventHeader>("[1]").unwrap_err();
    assert!(err.to_string().contains("struct EventHeader"), "{err}");
}
