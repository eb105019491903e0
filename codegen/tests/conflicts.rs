//! One type name documented with different shapes: merged into one type when the shapes can merge,
//! separate types named after their events when they cannot, each with a warning naming both
//! places; a broken schema leaves its page out with a warning. Never a panic, never a silent merge,
//! never a stop.

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
        names_lock: None,
    }
}

fn module<'a>(files: &'a [lark_codegen::GeneratedFile], path: &str) -> &'a str {
    &files
        .iter()
        .find(|f| f.path.ends_with(path))
        .unwrap_or_else(|| panic!("no {path}"))
        .contents
}

#[test]
fn same_name_other_fields_is_one_type_with_the_union() {
    let schemas = [
        page("a", "contact.user.created_v3", user_id(11, &["open_id"])),
        page(
            "b",
            "contact.user.deleted_v3",
            user_id(40, &["open_id", "union_id"]),
        ),
    ];
    let generated = generate(&schemas, &config()).unwrap();
    let module = module(&generated.files, "contact/v3.rs");
    assert_eq!(module.matches("pub struct UserId {").count(), 1);
    assert!(module.contains("crate::wire::object!(UserId { open_id, union_id });"));
    assert_eq!(
        generated.warnings,
        [
            "b.md:40: warning: type UserId is documented with other fields or values at a.md:11; \
          generated once, with the union of both"
        ]
    );
}

#[test]
fn shapes_that_cannot_merge_become_types_named_after_their_event() {
    let mut as_text = user_id(40, &["open_id"]);
    as_text["properties"]["open_id"] = json!({
        "type": "object", "x-lark-line": 41,
        "properties": {"id": {"type": "string", "x-lark-line": 42}}
    });
    let schemas = [
        page("a", "contact.user.created_v3", user_id(11, &["open_id"])),
        page("b", "contact.user.deleted_v3", as_text),
    ];
    let generated = generate(&schemas, &config()).unwrap();
    let module = module(&generated.files, "contact/v3.rs");
    assert!(module.contains("pub struct UserId {"));
    assert!(module.contains("pub struct P2UserDeletedV3UserId {"));
    assert!(module.contains("pub operator_id: Option<P2UserDeletedV3UserId>,"));
    assert_eq!(generated.warnings.len(), 1, "{:?}", generated.warnings);
    assert!(
        generated.warnings[0]
            .starts_with("b.md:40: warning: type UserId has another shape at a.md:11"),
        "{:?}",
        generated.warnings
    );
}

#[test]
fn same_name_same_shape_is_one_type() {
    let schemas = [
        page("a", "contact.user.created_v3", user_id(11, &["open_id"])),
        page("b", "contact.user.deleted_v3", user_id(40, &["open_id"])),
    ];
    let generated = generate(&schemas, &config()).unwrap();
    assert_eq!(generated.warnings, Vec::<String>::new());
    let module = module(&generated.files, "contact/v3.rs");
    assert_eq!(module.matches("pub struct UserId {").count(), 1);
    assert!(module.contains("pub struct P2UserCreatedV3 {"));
    assert!(module.contains("pub struct P2UserDeletedV3 {"));
}

#[test]
fn broken_schemas_leave_their_page_out_naming_the_file() {
    let missing_def = SchemaFile {
        file_name: "c.schema.json".into(),
        schema: json!({
            "x-lark-event": {"event_type": "im.message.receive_v1"},
            "properties": {"header": {"$ref": "#/$defs/event_header"}}
        }),
    };
    let no_type = SchemaFile {
        file_name: "d.schema.json".into(),
        schema: json!({"x-lark-event": {}}),
    };
    let good = page("a", "contact.user.created_v3", user_id(11, &["open_id"]));
    let generated = generate(&[missing_def, no_type, good], &config()).unwrap();
    assert_eq!(generated.warnings.len(), 2, "{:?}", generated.warnings);
    assert!(
        generated.warnings[0].starts_with("d.schema.json: x-lark-event has no event_type"),
        "{:?}",
        generated.warnings
    );
    assert!(
        generated.warnings[1].contains("c.schema.json")
            && generated.warnings[1].contains("event_header"),
        "{:?}",
        generated.warnings
    );
    assert!(module(&generated.files, "contact/v3.rs").contains("pub struct P2UserCreatedV3 {"));

    let bad_names = Config {
        layout: Layout::InRepo,
        variant_names: Some("{".into()),
        names_lock: None,
    };
    assert!(matches!(
        generate(&[], &bad_names),
        Err(Error::VariantNames(_))
    ));
}
