//! What the page does not list yet decodes and re-encodes without loss: an unknown field, unknown
//! enum values, unknown bits and a timestamp sent as a number.

use integration_tests::json_diff::first_difference;
use integration_tests::seeds;
use lark_events::application::v6::{
    AppStatus, AppStatusListed, EnablePcMode, I18nKey,
    P2ApplicationAppVersionPublishApplyV6 as PublishApply,
};
use serde_json::{json, Value};

fn future_body() -> Value {
    let (_, mut body) = seeds::examples().into_iter().next().unwrap();
    body["event"]["a_field_from_the_future"] = json!({"nested": [1, "two"]});
    body["event"]["app_status"] = json!(3);
    let version = &mut body["event"]["online_version"];
    version["i18n"][0]["i18n_key"] = json!("xx_yy");
    version["ability"]["gadget"]["enable_pc_mode"] = json!(9);
    version["create_time"] = json!(1610462759);
    body["header"]["create_time"] = json!(1608725989000u64);
    body
}

#[test]
fn unknown_values_survive_a_round_trip() {
    let body = future_body();
    let typed: PublishApply = serde_json::from_value(body.clone()).unwrap();
    let back = serde_json::to_value(&typed).unwrap();
    assert_eq!(first_difference(&body, &back), None);
    // And from bytes, the way a delivery arrives.
    let from_bytes: PublishApply =
        serde_json::from_slice(&serde_json::to_vec(&body).unwrap()).unwrap();
    assert_eq!(from_bytes, typed);
}

#[test]
fn unknown_values_are_typed_as_unlisted() {
    let typed: PublishApply = serde_json::from_value(future_body()).unwrap();
    let data = typed.event.unwrap();
    assert!(matches!(data.app_status, Some(AppStatus::Unlisted(_))));
    assert_eq!(data.app_status.map(AppStatus::value), Some(3));
    assert_eq!(
        data.extra["a_field_from_the_future"],
        json!({"nested": [1, "two"]})
    );
    let version = data.online_version.unwrap();
    let key = version.i18n.unwrap()[0].i18n_key.clone().unwrap();
    assert!(matches!(key, I18nKey::Unlisted(_)));
    assert_eq!(key, I18nKey::from("xx_yy"));
    assert_eq!(key.as_str(), "xx_yy");
    let mode = version
        .ability
        .unwrap()
        .gadget
        .unwrap()
        .enable_pc_mode
        .unwrap();
    assert!(mode.contains(EnablePcMode::SIDEBAR));
    assert_eq!(mode.bits(), 9);
    assert_eq!(version.create_time.unwrap().seconds(), Some(1_610_462_759));
    assert_eq!(
        typed.header.unwrap().create_time.unwrap().millis(),
        Some(1_608_725_989_000)
    );
}

#[test]
fn listed_values_have_names_and_labels() {
    assert_eq!(AppStatus::from(1), AppStatus::Enabled);
    assert_eq!(AppStatus::Enabled.value(), 1);
    assert_eq!(AppStatusListed::Enabled.label(), "启用状态");
    assert_eq!(AppStatus::Enabled.listed(), Some(AppStatusListed::Enabled));
    assert_eq!(AppStatus::from(3).to_string(), "3");
    assert_eq!(I18nKey::from("zh_cn"), I18nKey::ZhCn);
    assert_eq!(I18nKey::ZhCn.to_string(), "zh_cn");
    assert_eq!(String::from(I18nKey::from("xx_yy")), "xx_yy");
}

#[test]
fn a_wrong_json_type_is_kept_visible_and_never_fails_the_event() {
    let mut body = future_body();
    body["event"]["app_status"] = json!({"not": "a number"});
    let event: PublishApply = serde_json::from_value(body.clone()).unwrap();
    assert!(event.event.as_ref().unwrap().app_status.is_none());
    assert_eq!(event.mismatches(), ["event.app_status"]);
    assert_eq!(serde_json::to_value(&event).unwrap(), body);
}
