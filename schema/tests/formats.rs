//! Every page of `../shared/corpus/formats/` (events and server APIs in every rendering and several
//! versions): a schema is produced, the main example validates against it and an API page's request
//! example against `x-lark-request`. Prints the pass count and each exception with its reason.

mod common;

use std::path::PathBuf;

use common::{corpus_dir, validation_errors};
use lark_schema::docs::{self, InvalidExample, Options, Parsed};
use lark_schema::writer::{page_schema, request_schema};
use serde_json::Value;

/// Pages known not to give a schema, and why. Each must still fail with an error naming its line, and any
/// other page must pass.
const NO_SCHEMA: [(&str, &str); 1] = [(
    "b_dochub_legacy_contact_user_event_v1.md",
    "the page has no field table: its fields are only described in comments of its example",
)];

/// API pages whose tables are not read: their schema is the request line alone (untyped bodies),
/// with a warning saying so.
const UNTYPED_BODIES: [(&str, &str); 3] = [
    (
        "c-legacy_galvingao_api_mina_code2session.md",
        "the response table is a legacy `<md-table>` with `∟` nesting, which is not read",
    ),
    (
        "c_riba_api_application_v3_is_user_admin.md",
        "the response table has two columns (参数 | 说明) and no type column",
    ),
    (
        "c_riba_api_legacy_meeting_room_building_batch_get_id.md",
        "the response table has two columns (参数 | 说明) and no type column",
    ),
];

/// Why a page passed only in part: (page, reason). `None` when everything it has validates.
fn exception(name: &str, parsed: &Parsed) -> Option<String> {
    let schema = page_schema(&parsed.page);
    let invalid_json = || {
        parsed
            .warnings
            .iter()
            .find(|w| w.message.contains("not valid JSON"))
            .map(|w| w.to_string())
    };
    let mut reasons = Vec::new();
    match &parsed.page.example {
        Some(example) => {
            let errors = validation_errors(&schema, example);
            if !errors.is_empty() {
                reasons.push(format!("example does not validate: {}", errors.join("; ")));
            }
        }
        None => reasons.push(
            invalid_json().unwrap_or_else(|| "the page has no example of its body".to_string()),
        ),
    }
    if let Some(request) = &parsed.page.request {
        if let Some(example) = &request.example {
            let errors = validation_errors(&request_schema(&schema).unwrap(), example);
            if !errors.is_empty() {
                reasons.push(format!(
                    "request example does not validate: {}",
                    errors.join("; ")
                ));
            }
        }
    }
    (!reasons.is_empty()).then(|| format!("{name}: {}", reasons.join(" / ")))
}

#[test]
fn formats() {
    let Some(dir) = corpus_dir("formats") else {
        return;
    };
    let mut pages: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    pages.sort();
    let options = Options {
        invalid_example: InvalidExample::Warn,
    };
    let (mut passed, mut schemas) = (0, 0);
    let mut exceptions = Vec::new();
    let mut unexpected = Vec::new();
    for page in &pages {
        let name = page.file_name().unwrap().to_string_lossy().into_owned();
        let known = NO_SCHEMA.iter().find(|(n, _)| *n == name);
        match (docs::parse_file_with(page, options), known) {
            (Ok(parsed), None) if UNTYPED_BODIES.iter().any(|(n, _)| *n == name) => {
                schemas += 1;
                let schema = page_schema(&parsed.page);
                assert!(schema["x-lark-api"]["path"].is_string(), "{name}");
                assert_eq!(schema["properties"], serde_json::json!({}), "{name}");
                assert!(
                    parsed
                        .warnings
                        .iter()
                        .any(|w| w.message.contains("untyped JSON")),
                    "{name}: {:?}",
                    parsed.warnings
                );
                exceptions.push(format!("{name}: untyped bodies"));
            }
            (Ok(parsed), None) => {
                schemas += 1;
                match exception(&name, &parsed) {
                    Some(reason) => exceptions.push(reason),
                    None => passed += 1,
                }
            }
            (Ok(_), Some(_)) => unexpected.push(format!("{name}: now gives a schema")),
            (Err(e), Some((_, why))) => {
                assert!(e.line >= 1, "{e}");
                exceptions.push(format!("{name}: no schema ({why}): {e}"));
            }
            (Err(e), None) => unexpected.push(format!("{name}: no schema: {e}")),
        }
    }
    println!(
        "formats: {} pages, {schemas} schemas, {passed} passed (every example validates), {} exceptions",
        pages.len(),
        exceptions.len()
    );
    for line in &exceptions {
        println!("  {line}");
    }
    assert_eq!(unexpected, Vec::<String>::new());
    assert!(pages.len() >= 49, "only {} pages", pages.len());
    assert!(passed >= 40, "only {passed} pages passed");
}

/// The same API page in three renderings gives the same request line and the same body field names.
#[test]
fn api_page_in_three_renderings() {
    let Some(dir) = corpus_dir("formats") else {
        return;
    };
    let schema = |file: &str| -> Value {
        let parsed = docs::parse_file_with(
            &dir.join(file),
            Options {
                invalid_example: InvalidExample::Warn,
            },
        )
        .unwrap();
        page_schema(&parsed.page)
    };
    let names = |v: &Value| -> Vec<String> {
        v.as_object()
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default()
    };
    let renderings = [
        "c_riba_api_im_v1_message_create.md",
        "a_riba_api_im_v1_message_create.md",
        "b_dochub_api_im_v1_message_create.md",
    ];
    for file in renderings {
        let s = schema(file);
        assert_eq!(
            (&s["x-lark-api"]["method"], &s["x-lark-api"]["path"]),
            (&"POST".into(), &"/open-apis/im/v1/messages".into()),
            "{file}"
        );
        assert_eq!(names(&s["properties"]), ["code", "msg", "data"], "{file}");
        let request = &s["x-lark-request"];
        assert_eq!(
            names(&request["properties"]),
            ["receive_id", "msg_type", "content", "uuid"],
            "{file}"
        );
        assert_eq!(
            request["required"],
            serde_json::json!(["receive_id", "msg_type", "content"]),
            "{file}"
        );
        let data = &s["properties"]["data"];
        let data = match data["$ref"].as_str() {
            Some(r) => &s["$defs"][r.trim_start_matches("#/$defs/")],
            None => data,
        };
        assert!(
            data["properties"].get("message_id").is_some(),
            "{file}: data.message_id in {data:#}"
        );
    }
}
