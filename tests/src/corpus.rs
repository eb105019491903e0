//! The whole family: every page of a docs folder → schema → a standalone crate that is built and
//! runs every page's example through its types.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use lark_codegen::{Config, Layout, SchemaFile};
use lark_schema::docs::{self, InvalidExample, Options};
use serde_json::Value;

/// The corpus folder of event pages in doc-source rendering, beside the repository.
pub fn events_source_dir() -> PathBuf {
    crate::seeds::repo_root().join("../shared/corpus/events-source")
}

/// What happened to each page, by page file name.
#[derive(Debug, Default)]
pub struct Report {
    /// `None` for a page whose example round-trips; otherwise why it does not.
    pub pages: BTreeMap<String, Option<String>>,
    /// What generation repaired or left out.
    pub warnings: Vec<String>,
}

impl Report {
    pub fn passed(&self) -> usize {
        self.pages
            .values()
            .filter(|outcome| outcome.is_none())
            .count()
    }

    pub fn failures(&self) -> impl Iterator<Item = (&String, &String)> {
        self.pages
            .iter()
            .filter_map(|(page, outcome)| outcome.as_ref().map(|why| (page, why)))
    }

    fn fail(&mut self, page: &str, why: impl Into<String>) {
        self.pages.insert(page.to_owned(), Some(why.into()));
    }
}

/// Pages whose example contradicts their own table (an array or a string where the table documents
/// an object), so that the type generated from the table cannot decode the example yet.
pub const EXAMPLE_CONTRADICTS_TABLE: [&str; 3] = [
    "uUDN04SN0QjL1QDN__drive-v1__event__list__delete-file-to-trash-can.md",
    "uUDN04SN0QjL1QDN__drive-v1__event__list__file-deleted-completely.md",
    "uUDN04SN0QjL1QDN__drive-v1__event__list__file-edited.md",
];

/// A page that became a schema, with its example when it has one.
struct Schema {
    page: String,
    file: SchemaFile,
    example: Option<Value>,
}

/// Parses every page; a page the parser rejects is a failure with the parser's message.
fn schemas(docs_dir: &Path, report: &mut Report) -> Vec<Schema> {
    let pages = lark_schema::folder::pages(docs_dir).expect("a readable docs folder with pages");
    let options = Options {
        invalid_example: InvalidExample::Warn,
    };
    let mut schemas = Vec::new();
    for path in pages {
        let page = path
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        match docs::parse_file_with(&path, options) {
            Ok(parsed) => {
                let schema = lark_schema::writer::page_schema(&parsed.page);
                let example = schema["examples"].get(0).filter(|e| e.is_object()).cloned();
                let file_name = lark_schema::folder::schema_file_name(&path);
                schemas.push(Schema {
                    page,
                    file: SchemaFile { file_name, schema },
                    example,
                });
            }
            Err(err) => report.fail(&page, format!("parser: {err}")),
        }
    }
    schemas
}

/// The program that decodes and re-encodes every example, one line per page.
fn round_trip_program(crate_ident: &str, cases: &[(String, String)]) -> String {
    let mut calls = String::new();
    for (index, (page, path)) in cases.iter().enumerate() {
        writeln!(
            calls,
            "    run({page:?}, &dir.join(\"{index}.json\"), check::<{crate_ident}::{path}>);"
        )
        .unwrap();
    }
    format!(
        r#"//! Decodes each example into its event type and compares the re-encoded JSON.
mod json_diff;

fn check<E: {crate_ident}::Event>(text: &str) -> Result<(), String> {{
    let original: serde_json::Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {{e}}"))?;
    let typed: E = serde_json::from_str(text).map_err(|e| format!("decode: {{e}}"))?;
    let back = serde_json::to_value(&typed).map_err(|e| format!("encode: {{e}}"))?;
    json_diff::first_difference(&original, &back).map_or(Ok(()), Err)
}}

fn run(page: &str, path: &std::path::Path, check: fn(&str) -> Result<(), String>) {{
    let text = std::fs::read_to_string(path).expect("the example file");
    match check(&text) {{
        Ok(()) => println!("ok {{page}}"),
        Err(why) => println!("FAIL {{page}}: {{why}}"),
    }}
}}

fn main() {{
    let dir = std::path::PathBuf::from(std::env::args().nth(1).expect("the examples folder"));
{calls}}}
"#
    )
}

/// Runs the whole family: generate into `out`, build with `target_dir`, round-trip every example.
pub fn run(docs_dir: &Path, out: &Path, target_dir: &Path) -> Report {
    let mut report = Report::default();
    let schemas = schemas(docs_dir, &mut report);
    let crate_name = "corpus-events";
    let config = Config {
        layout: Layout::Standalone {
            crate_name: crate_name.to_owned(),
            runtime_path: crate::seeds::repo_root()
                .join("runtime")
                .display()
                .to_string(),
        },
        variant_names: fs::read_to_string(
            crate::seeds::repo_root().join("schema/variant-names.json"),
        )
        .ok(),
    };
    let generated = lark_codegen::generate(
        &schemas.iter().map(|s| s.file.clone()).collect::<Vec<_>>(),
        &config,
    )
    .expect("generation never stops on a page");
    report.warnings = generated.warnings;
    let files = generated.files;
    if out.exists() {
        fs::remove_dir_all(out).expect("a removable output folder");
    }
    for file in &files {
        let path = out.join(&file.path);
        fs::create_dir_all(path.parent().expect("a parent folder")).unwrap();
        fs::write(&path, &file.contents).unwrap();
    }
    let data = out.join("examples/data");
    fs::create_dir_all(&data).unwrap();
    let paths: BTreeMap<String, String> = generated
        .events
        .into_iter()
        .map(|entry| (entry.event_type, entry.path))
        .collect();
    let mut cases = Vec::new();
    for schema in &schemas {
        let Some(example) = &schema.example else {
            report.fail(
                &schema.page,
                "the page has no example body that is valid JSON",
            );
            continue;
        };
        let event_type = schema.file.schema["x-lark-event"]["event_type"]
            .as_str()
            .unwrap_or_default();
        let Some(path) = paths.get(event_type) else {
            report.fail(
                &schema.page,
                "no event type generated from this page (see the warnings)",
            );
            continue;
        };
        fs::write(
            data.join(format!("{}.json", cases.len())),
            serde_json::to_string(example).unwrap(),
        )
        .unwrap();
        cases.push((schema.page.clone(), path.clone()));
    }
    let json_diff = include_str!("json_diff.rs");
    fs::write(out.join("examples/json_diff.rs"), json_diff).unwrap();
    fs::write(
        out.join("examples/roundtrip.rs"),
        round_trip_program("corpus_events", &cases),
    )
    .unwrap();
    fs::copy(
        crate::seeds::repo_root().join("Cargo.lock"),
        out.join("Cargo.lock"),
    )
    .unwrap();

    let output = Command::new(env!("CARGO"))
        .args([
            "run",
            "--quiet",
            "--features",
            "full",
            "--example",
            "roundtrip",
            "--",
        ])
        .arg(&data)
        .current_dir(out)
        .env("CARGO_TARGET_DIR", target_dir)
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "the generated crate does not build or run:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        if let Some(page) = line.strip_prefix("ok ") {
            report.pages.insert(page.to_owned(), None);
        } else if let Some((page, why)) = line
            .strip_prefix("FAIL ")
            .and_then(|rest| rest.split_once(": "))
        {
            report.fail(page, format!("round trip: {why}"));
        }
    }
    report
}
