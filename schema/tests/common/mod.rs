//! Shared by the xtask tests: paths of the seeds and the corpus, schema validation.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use lark_schema::docs::{self, Options, Page};
use serde_json::Value;

/// The repository root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// `../shared/corpus/<sub>` beside the repository, or `None` (saying it skipped) when it is missing.
/// Under `CI=true` a missing corpus fails the test.
pub fn corpus_dir(sub: &str) -> Option<PathBuf> {
    let dir = root().join("../shared/corpus").join(sub);
    if dir.is_dir() {
        return Some(dir);
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "the corpus is missing at {} (CI=true)",
        dir.display()
    );
    println!("corpus not found at {}: skipped", dir.display());
    None
}

/// A seed page under `schema/docs/` by its number prefix (`"003"`).
pub fn seed_path(prefix: &str) -> PathBuf {
    let dir = root().join("schema/docs");
    let mut matches: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with(prefix))
        .collect();
    assert_eq!(matches.len(), 1, "one seed page starting with {prefix}");
    matches.pop().unwrap()
}

pub fn seed_page(prefix: &str) -> Page {
    docs::parse_file_with(&seed_path(prefix), Options::default())
        .unwrap()
        .page
}

pub fn seed_schema(prefix: &str) -> Value {
    lark_schema::writer::page_schema(&seed_page(prefix))
}

/// Validates `instance` against `schema` with the `jsonschema` crate; the errors as text.
pub fn validation_errors(schema: &Value, instance: &Value) -> Vec<String> {
    let validator = jsonschema::draft202012::new(schema).expect("the schema is valid JSON Schema");
    validator
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect()
}
