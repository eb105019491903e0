//! Errors on schemas that break the contract: never a panic, never a silent merge.

use lark_codegen::{generate, Config, Error, Layout, SchemaFile};
use serde_json::{json, Value};

fn page(file: &str, event_type: &str, user_id: Value) -> SchemaFile {
    SchemaFile {
        file_name: format!("{file}.schema.json"),
        schema: json!({
            "x-lark-page": {"source": format!("{file}.md"), "rendering": "source"},
            "x-lark-event": {"event_type": event_type},
            "type": "object",
            "properties": {
                "event": {"type": "object", "x-lark-line": 9, "properties": {
                    "operator_id": {"$ref": "#/$defs/user_id", "x-lark-line": 10}
                }}
            },
            "$defs": {"user_id": user_id}
        }),
    }
}

fn user_id(line: u64, fields: &[&str]) -> Value {
    let properties: serde_json::Map<String, Value> = fields
        .iter()
        .map(|name| {
            (
                name.to_string(),
                json!({"type": "string", "x-lark-line": line + 1}),
            )
        })
        .collect();
    json!({"type": "object", "x-lark-type": "user_id", "x-lark-line": line, "properties": properties})
}

fn config() -> Config {
    Config {
        layout: Layout::InRepo,
        variant_names: None,
    }
}

#[test]
fn same_name_two_shapes_names_both_lines() {
    let schemas = [
        page(
            "a",
            "contact.user.created_v3",
            user_id(11, &["open_id", "union_id"]),
        ),
        page("b", "contact.user.deleted_v3", user_id(40, &["open_id"])),
    ];
    let err = generate(&schemas, &config()).unwrap_err();
    assert!(matches!(err, Error::Conflict { .. }), "{err}");
    assert_eq!(
        err.to_string(),
        "type UserId has two different shapes: a.md:11 and b.md:40"
    );
}

#[test]
fn same_name_same_shape_is_one_type() {
    let schemas = [
        page("a", "contact.user.created_v3", user_id(11, &["open_id"])),
        page("b", "contact.user.deleted_v3", user_id(40, &["open_id"])),
    ];
    let files = generate(&schemas, &config()).unwrap();
    let module = files
        .iter()
        .find(|f| f.path.ends_with("contact/v3.rs"))
        .unwrap();
    assert_eq!(module.contents.matches("pub struct UserId {").count(), 1);
    assert!(module.contents.contains("pub struct P2UserCreatedV3 {"));
    assert!(module.contents.contains("pub struct P2UserDeletedV3 {"));
}

#[test]
fn broken_schemas_are_errors_naming_the_file() {
    let missing_def = SchemaFile {
        file_name: "c.schema.json".into(),
        schema: json!({
            "x-lark-event": {"event_type": "im.message.receive_v1"},
            "properties": {"header": {"$ref": "#/$defs/event_header"}}
        }),
    };
    let err = generate(&[missing_def], &config()).unwrap_err().to_string();
    assert!(
        err.starts_with("c.schema.json:") && err.contains("event_header"),
        "{err}"
    );

    let no_type = SchemaFile {
        file_name: "d.schema.json".into(),
        schema: json!({"x-lark-event": {}}),
    };
    let err = generate(&[no_type], &config()).unwrap_err().to_string();
    assert_eq!(err, "d.schema.json: x-lark-event has no event_type");

    let bad_names = Config {
        layout: Layout::InRepo,
        variant_names: Some("{".into()),
    };
    assert!(matches!(
        generate(&[], &bad_names),
        Err(Error::VariantNames(_))
    ));
}
