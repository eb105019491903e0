//! Named types nested in named types (issue 13, item 1). The writer writes each use of a type once, so a
//! page whose type nests itself with other fields at each level takes time linear in its rows (it took
//! 55 s at 24 levels when each use was written twice); and its recursion stays bounded on any page the
//! parser accepts, however the page chains its types. `benches/parser_scaling.rs` (group `nested`)
//! measures the scaling.

mod common;

use std::time::{Duration, Instant};

use common::corpus_dir;
use lark_schema::docs::{self, InvalidExample, Options, Parsed, MAX_DEPTH};
use lark_schema::writer::page_schema_with_warnings;
use serde_json::Value;

/// A doc source row.
fn row(level: usize, name: &str, doc_type: &str) -> String {
    format!("<md-dt-tr level=\"{level}\">\n<md-dt-td>{name}</md-dt-td>\n<md-dt-td>{doc_type}</md-dt-td>\n<md-dt-td>x</md-dt-td>\n</md-dt-tr>\n")
}

fn source_page(rows: &str) -> String {
    format!("# T\n\n<md-dt-table>\n<md-dt-tbody>\n{rows}</md-dt-tbody>\n</md-dt-table>\n")
}

fn parse(page: &str) -> Parsed {
    docs::parse_str("page.md", page, Options::default()).expect("the page parses")
}

/// Type `node` nested `depth` levels deep, with a field of another name at each level.
fn nested_node_page(depth: usize) -> String {
    let mut rows = row(0, "root", "node");
    for level in 1..depth {
        rows.push_str(&row(level, &format!("field_{level}"), "string"));
        rows.push_str(&row(level, "child", "node"));
    }
    source_page(&rows)
}

#[test]
fn a_type_nesting_itself_with_other_fields_is_written_in_linear_time() {
    let depth = 24;
    let parsed = parse(&nested_node_page(depth));
    let start = Instant::now();
    let (schema, warnings) = page_schema_with_warnings(&parsed.page);
    let elapsed = start.elapsed();
    assert!(
        elapsed < Duration::from_secs(2),
        "{depth} levels took {elapsed:?}"
    );
    // The first row defines `node`; every use below it has other fields, so it is written inline, once,
    // with a warning in page order.
    let lines: Vec<usize> = warnings.iter().map(|w| w.line).collect();
    let expected: Vec<usize> = (1..depth - 1).map(|level| 5 + 10 * level).collect();
    assert_eq!(lines, expected, "{warnings:?}");
    assert!(warnings[0]
        .message
        .starts_with("type `node` has other fields here than at line 5"));
    let mut node = &schema["$defs"]["node"];
    for level in 1..depth {
        assert!(node["properties"][format!("field_{level}")].is_object());
        node = &node["properties"]["child"];
    }
    assert_eq!(node["$ref"], "#/$defs/node");
}

#[test]
fn a_use_with_the_listed_fields_is_a_reference_and_warns_nothing() {
    let rows = [
        row(0, "first", "user"),
        row(1, "id", "user_id"),
        row(2, "open_id", "string"),
        row(0, "second", "user"),
        row(1, "id", "user_id"),
        row(2, "open_id", "string"),
        row(0, "third", "user"),
        row(1, "name", "string"),
    ]
    .concat();
    let (schema, warnings) = page_schema_with_warnings(&parse(&source_page(&rows)).page);
    assert_eq!(schema["properties"]["first"]["$ref"], "#/$defs/user");
    assert_eq!(schema["properties"]["second"]["$ref"], "#/$defs/user");
    assert!(schema["properties"]["third"]["properties"]["name"].is_object());
    let defs: Vec<&String> = schema["$defs"].as_object().unwrap().keys().collect();
    assert_eq!(defs, ["user", "user_id"]);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert_eq!(warnings[0].line, 5 + 5 * 6);
}

/// Each type is first used, with no fields, at the bottom of the definition of the one before, and
/// defined later on the page: writing each definition where the type is first used would nest one
/// definition in the other, `types` × [`MAX_DEPTH`] levels deep.
fn chained_types_page(types: usize) -> String {
    // Each level also a list in as many lists as a type may be.
    let deepest_list = format!("object{}", "[]".repeat(MAX_DEPTH));
    let mut rows = row(0, "first", "type_0");
    for t in 0..types {
        rows.push_str(&row(0, &format!("defines_{t}"), &format!("type_{t}")));
        for level in 1..MAX_DEPTH - 1 {
            rows.push_str(&row(level, &format!("level_{level}"), &deepest_list));
        }
        rows.push_str(&row(MAX_DEPTH - 1, "next", &format!("type_{}", t + 1)));
    }
    source_page(&rows)
}

#[test]
fn types_defined_in_a_chain_do_not_overflow_the_stack() {
    let types = 300;
    let parsed = parse(&chained_types_page(types));
    let (schema, warnings) = page_schema_with_warnings(&parsed.page);
    assert_eq!(warnings, []);
    let defs = schema["$defs"].as_object().unwrap();
    assert_eq!(defs.len(), types + 1);
    // Every type is defined by its rows, whether written on the spot or after the body.
    for t in 0..types {
        let mut def = &defs[&format!("type_{t}")];
        for level in 1..MAX_DEPTH - 1 {
            def = &def["properties"][format!("level_{level}")]["items"];
        }
        assert_eq!(
            def["properties"]["next"]["$ref"],
            format!("#/$defs/type_{}", t + 1)
        );
    }
    assert_eq!(defs[&format!("type_{types}")]["properties"], Value::Null);
}

/// A real flat page whose request example has a typo (`false` → `fals`): with no example to guide it,
/// nesting recovery nests a chain of 19 named types, each use with other fields. It took 1.9 s (release
/// build); the page as published takes a few milliseconds.
#[test]
fn a_real_page_with_a_broken_example_is_written_quickly() {
    let Some(dir) = corpus_dir("formats") else {
        return;
    };
    let text = std::fs::read_to_string(dir.join("b_dochub_api_task_v2_task_create.md")).unwrap();
    let example = text.find("### 请求体示例").unwrap();
    let broken = format!(
        "{}{}",
        &text[..example],
        text[example..].replacen("false", "fals", 1)
    );
    let options = Options {
        invalid_example: InvalidExample::Warn,
    };
    let parsed = docs::parse_str("task_create.md", &broken, options).unwrap();
    let start = Instant::now();
    let (schema, _) = page_schema_with_warnings(&parsed.page);
    let elapsed = start.elapsed();
    assert!(elapsed < Duration::from_secs(1), "took {elapsed:?}");
    assert!(schema["x-lark-request"]["properties"].is_object());
}
