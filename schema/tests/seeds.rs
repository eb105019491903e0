//! The three seed pages: snapshots, examples that validate, and the equivalences between renderings.

mod common;

use common::{seed_page, seed_schema, validation_errors};
use lark_schema::docs::Rendering;
use lark_schema::writer::to_pretty;
use serde_json::{Map, Value};

#[test]
fn snapshot_000_text() {
    insta::assert_snapshot!("000_text", to_pretty(&seed_schema("000")));
}

#[test]
fn snapshot_002_flat() {
    insta::assert_snapshot!("002_flat", to_pretty(&seed_schema("002")));
}

#[test]
fn snapshot_003_source() {
    insta::assert_snapshot!("003_source", to_pretty(&seed_schema("003")));
}

#[test]
fn each_seed_is_detected_and_its_example_validates() {
    for (prefix, rendering) in [
        ("000", Rendering::Text),
        ("002", Rendering::Flat),
        ("003", Rendering::Source),
    ] {
        let page = seed_page(prefix);
        assert_eq!(page.rendering, rendering, "{prefix}");
        let schema = lark_schema::writer::page_schema(&page);
        let example = page
            .example
            .as_ref()
            .unwrap_or_else(|| panic!("{prefix} has an example"));
        assert_eq!(
            validation_errors(&schema, example),
            Vec::<String>::new(),
            "{prefix}"
        );
    }
}

#[test]
fn a_changed_example_no_longer_validates() {
    let schema = seed_schema("003");
    let mut example = seed_page("003").example.unwrap();
    example["event"]["app_status"] = Value::from("on");
    example["event"]["online_version"]["scopes"][0]["token_types"] = serde_json::json!(["nobody"]);
    let errors = validation_errors(&schema, &example);
    assert!(
        errors.iter().any(|e| e.ends_with("at /event/app_status")),
        "{errors:?}"
    );
    assert!(
        errors
            .iter()
            .any(|e| e.ends_with("at /event/online_version/scopes/0/token_types/0")),
        "{errors:?}"
    );
}

#[test]
fn regenerating_is_byte_identical() {
    assert_eq!(
        to_pretty(&seed_schema("003")),
        to_pretty(&seed_schema("003"))
    );
    let text = to_pretty(&seed_schema("000"));
    assert!(text.ends_with("}\n") && !text.ends_with("\n\n"));
}

/// Full-width punctuation as half-width, so renderings that differ only there compare equal.
fn half_width(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '，' => ',',
            '：' => ':',
            '（' => '(',
            '）' => ')',
            '；' => ';',
            '～' => '~',
            other => other,
        })
        .collect()
}

/// The schema without what legitimately differs between renderings of one page: page metadata, line
/// numbers, the example, and permissions reduced to their labels; text with half-width punctuation.
fn comparable(value: &Value) -> Value {
    match value {
        Value::Object(map) => map
            .iter()
            .filter(|(k, _)| {
                !matches!(
                    k.as_str(),
                    "x-lark-line" | "x-lark-page" | "examples" | "x-lark-event"
                )
            })
            .map(|(k, v)| {
                let v = if k == "x-lark-permission" {
                    labels_only(v)
                } else {
                    comparable(v)
                };
                (k.clone(), v)
            })
            .collect::<Map<_, _>>()
            .into(),
        Value::Array(items) => items.iter().map(comparable).collect(),
        Value::String(s) => half_width(s).into(),
        other => other.clone(),
    }
}

fn labels_only(perms: &Value) -> Value {
    perms
        .as_array()
        .unwrap()
        .iter()
        .map(|p| serde_json::json!({ "label": p["label"] }))
        .collect()
}

#[test]
fn seed_000_and_003_describe_the_same_thing() {
    let text = seed_schema("000");
    let source = seed_schema("003");
    assert_eq!(comparable(&text), comparable(&source));
    // 000 also names the scope of the field permission; 003 only its label.
    let user_id = &text["$defs"]["user_id"]["properties"]["user_id"]["x-lark-permission"][0];
    assert_eq!(user_id["scope"], "contact:user.employee_id:readonly");
    assert_eq!(
        source["$defs"]["user_id"]["properties"]["user_id"]["x-lark-permission"][0]["scope"],
        Value::Null
    );
    assert_eq!(
        text["x-lark-event"]["event_type"],
        source["x-lark-event"]["event_type"]
    );
    assert_eq!(
        text["x-lark-event"]["push_modes"],
        source["x-lark-event"]["push_modes"]
    );
    assert_eq!(
        text["x-lark-event"]["app_types"],
        serde_json::json!(["custom"])
    );
    assert_eq!(
        text["x-lark-event"]["permissions"][0]["scope"],
        "application:application.app_version:readonly"
    );
    assert_eq!(
        comparable(&labels_only(&text["x-lark-event"]["permissions"])),
        comparable(&labels_only(&source["x-lark-event"]["permissions"]))
    );
    assert_eq!(
        labels_only(&text["x-lark-event"]["field_permissions"]),
        labels_only(&source["x-lark-event"]["field_permissions"])
    );
}

/// Every path (JSON pointer) where two values differ.
fn differences(a: &Value, b: &Value, path: &str, out: &mut Vec<String>) {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for key in x.keys().chain(y.keys().filter(|k| !x.contains_key(*k))) {
                let p = format!("{path}/{key}");
                match (x.get(key), y.get(key)) {
                    (Some(u), Some(v)) => differences(u, v, &p, out),
                    _ => out.push(p),
                }
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (u, v)) in x.iter().zip(y).enumerate() {
                differences(u, v, &format!("{path}/{i}"), out);
            }
        }
        _ if a != b => out.push(path.to_string()),
        _ => {}
    }
}

#[test]
fn seed_002_differs_from_003_only_where_the_page_does() {
    let old = comparable(&seed_schema("002"));
    let new = comparable(&seed_schema("003"));
    let mut diffs = Vec::new();
    differences(&old, &new, "", &mut diffs);
    let defs = "/$defs";
    let expected = [
        // 002 has no title nor description line.
        "/title".to_string(),
        "/description".to_string(),
        "/properties/event/properties/under_audit_version/description".to_string(),
        format!("{defs}/app_scope/properties/token_types"),
        format!("{defs}/app_i18n_info/properties/i18n_key/enum"),
        format!("{defs}/app_i18n_info/properties/i18n_key/x-lark-enum"),
        format!("{defs}/app_i18n_info/properties/help_use/description"),
        format!("{defs}/workplace_widget/properties/min_lark_version/description"),
        format!("{defs}/cloud_doc_i18n_info/properties/i18n_key/x-lark-enum/0/label"),
        format!("{defs}/block_i18n_info/properties/i18n_key/x-lark-enum/0/label"),
        format!("{defs}/message_action_i18n_info/properties/i18n_key/x-lark-enum/0/label"),
    ];
    diffs.sort();
    let mut expected = expected.to_vec();
    expected.sort();
    assert_eq!(diffs, expected);
    let old = seed_schema("002");
    assert_eq!(
        old["$defs"]["app_i18n_info"]["properties"]["i18n_key"]["enum"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    assert_eq!(
        new["$defs"]["app_i18n_info"]["properties"]["i18n_key"]["enum"]
            .as_array()
            .unwrap()
            .len(),
        16
    );
    assert_eq!(
        old["x-lark-event"]["event_type"],
        "application.application.app_version.publish_apply_v6"
    );
    assert_eq!(
        old["x-lark-event"]["field_permissions"][0]["label"],
        "获取用户 user ID"
    );
    assert_eq!(
        old["x-lark-event"]["permissions"][0]["label"],
        "获取应用版本信息"
    );
}

#[test]
fn bit_flags_rules_and_formats() {
    let schema = seed_schema("003");
    let gadget = &schema["$defs"]["gadget"]["properties"]["enable_pc_mode"];
    assert_eq!(gadget["x-lark-bitflags"], true);
    assert!(gadget.get("enum").is_none());
    let version = &schema["$defs"]["application.app_version_event"]["properties"];
    assert_eq!(version["version"]["minLength"], 1);
    assert_eq!(version["common_categories"]["maxItems"], 3);
    assert_eq!(version["create_time"]["x-lark-format"], "unix-s");
    assert_eq!(
        schema["$defs"]["event_header"]["properties"]["create_time"]["x-lark-format"],
        "unix-ms"
    );
    let token_types = &schema["$defs"]["app_scope"]["properties"]["token_types"];
    assert_eq!(token_types["maxItems"], 200);
    assert_eq!(
        token_types["items"]["enum"],
        serde_json::json!(["tenant", "user"])
    );
    // application.app_version_event is listed twice with the same children: one $defs entry.
    let event = &schema["properties"]["event"]["properties"];
    assert_eq!(
        event["online_version"]["$ref"],
        event["under_audit_version"]["$ref"]
    );
}
