//! Any bytes as a documentation page, read as `cargo xtask codegen` reads pages (an example that is
//! not JSON is a warning), then written as a JSON Schema.
//!
//! Whatever the bytes: an error or a schema, never a panic, an abort or a hang. Every error and
//! warning names a line of the page, and the schema follows the contract types it is built from.

use lark_schema::contract::Schema;
use lark_schema::docs::{self, InvalidExample, Options};
use lark_schema::writer;
use serde::Deserialize;

/// The file name the page is read under.
const FILE: &str = "page.md";

/// Parses `bytes` as a page and writes its schema, checking what the parser and writer promise.
pub fn run(bytes: &[u8]) {
    let options = Options {
        invalid_example: InvalidExample::Warn,
    };
    let lines = bytes.iter().filter(|&&b| b == b'\n').count() + 1;
    let in_page = |line: usize| (1..=lines).contains(&line);
    let parsed = match docs::parse_bytes(FILE, bytes, options) {
        Ok(parsed) => parsed,
        Err(error) => {
            let message = error.to_string();
            assert!(message.starts_with(FILE), "{message}");
            assert!(in_page(error.line) && error.col >= 1, "{message}");
            return;
        }
    };
    let (schema, more) = writer::page_schema_with_warnings(&parsed.page);
    for warning in parsed.warnings.iter().chain(&more) {
        assert!(in_page(warning.line), "{warning}");
    }
    let typed = Schema::deserialize(&schema).expect("the schema written follows the contract");
    assert_eq!(
        serde_json::to_value(&typed).expect("a contract value serializes"),
        schema,
        "the schema written reads back as the contract types unchanged"
    );
    let request = writer::request_schema(&schema);
    assert_eq!(request.is_some(), parsed.page.request.is_some());
    let pretty = writer::to_pretty(&schema);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&pretty).ok(),
        Some(schema)
    );
}
