//! The schema contract (`lark_schema::contract`): every schema the writer produces reads back into the
//! contract types and writes out byte for byte the same; a misspelt annotation is refused.

mod common;

use std::path::{Path, PathBuf};

use common::{corpus_dir, root};
use lark_schema::contract::{FieldSchema, JsonType, Scalar, Schema};
use lark_schema::docs::{self, InvalidExample, Options};
use lark_schema::writer::{page_schema, to_pretty};
use serde_json::{json, Value};

/// Reads `text` as the contract and writes it again; the error names `name`.
fn round_trip(name: &str, text: &str) -> Result<String, String> {
    let schema: Schema = serde_json::from_str(text).map_err(|err| format!("{name}: {err}"))?;
    let value = serde_json::to_value(&schema).map_err(|err| format!("{name}: {err}"))?;
    Ok(to_pretty(&value))
}

fn files(dir: &Path, suffix: &str) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|err| panic!("{}: {err}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.to_string_lossy().ends_with(suffix))
        .collect();
    paths.sort();
    paths
}

#[test]
fn checked_in_schemas_follow_the_contract() {
    let paths = files(&root().join("schema/json"), ".schema.json");
    assert!(!paths.is_empty(), "no schema in schema/json");
    for path in paths {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(round_trip(&name, &text).unwrap(), text, "{name}");
    }
}

#[test]
fn corpus_schemas_follow_the_contract() {
    let Some(corpus) = corpus_dir("") else {
        return;
    };
    let options = Options {
        invalid_example: InvalidExample::Warn,
    };
    let mut checked = 0;
    let mut failures = Vec::new();
    for folder in ["events-source", "events-rendered", "api-source", "formats"] {
        for path in files(&corpus.join(folder), ".md") {
            let Ok(parsed) = docs::parse_file_with(&path, options) else {
                continue; // the parser's own tests report these pages
            };
            let name = format!("{folder}/{}", path.file_name().unwrap().to_string_lossy());
            let text = to_pretty(&page_schema(&parsed.page));
            match round_trip(&name, &text) {
                Ok(again) if again == text => checked += 1,
                Ok(_) => failures.push(format!("{name}: written differently after reading")),
                Err(err) => failures.push(err),
            }
        }
    }
    println!("{checked} corpus schemas follow the contract");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The seed schema with one key renamed wherever it appears.
fn misspelt(key: &str, typo: &str) -> String {
    let path = root().join("schema/json/003_0a4df386a132e874.schema.json");
    let text = std::fs::read_to_string(path).unwrap();
    let quoted = format!("\"{key}\":");
    assert!(text.contains(&quoted), "the seed has no {key}");
    text.replace(&quoted, &format!("\"{typo}\":"))
}

#[test]
fn misspelt_annotations_are_refused() {
    for (key, typo) in [
        ("x-lark-page", "x-lark-pages"),
        ("x-lark-event", "x-lark-evnt"),
        ("event_type", "eventType"),
        ("x-lark-type", "x-lark-typ"),
        ("x-lark-line", "x-lark-lines"),
        ("x-lark-enum", "x-lark-enums"),
        ("x-lark-format", "x-lark-fromat"),
        ("label", "lable"),
        ("$ref", "ref"),
        ("minLength", "min_length"),
    ] {
        let err = round_trip("003", &misspelt(key, typo)).expect_err(typo);
        assert!(
            err.starts_with("003: unknown field") && err.contains(typo),
            "{typo}: {err}"
        );
    }
}

#[test]
fn unknown_values_are_refused() {
    let field =
        |value: Value| serde_json::from_value::<FieldSchema>(value).map_err(|e| e.to_string());
    assert!(field(json!({"x-lark-format": "unix-ns"}))
        .unwrap_err()
        .contains("unix-ns"));
    assert!(field(json!({"type": "int"})).unwrap_err().contains("int"));
    let rendering = json!({"x-lark-page": {"source": "a.md", "rendering": "html"}});
    assert!(serde_json::from_value::<Schema>(rendering).is_err());
}

#[test]
fn listed_values_are_typed() {
    let field: FieldSchema = serde_json::from_value(json!({
        "type": "integer",
        "enum": [1, 2],
        "x-lark-enum": [{"value": 1, "label": "普通权限"}, {"value": 2, "label": "高级权限"}],
        "default": "2"
    }))
    .unwrap();
    assert_eq!(field.ty, Some(JsonType::Integer));
    assert_eq!(field.values, [Scalar::Integer(1), Scalar::Integer(2)]);
    assert_eq!(field.labelled_values[1].value, Scalar::Integer(2));
    assert_eq!(field.default, Some(Scalar::String("2".into())));
}
