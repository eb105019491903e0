//! `lark_codegen::roundtrip` on a folder of three small pages written here: one whose example fits
//! its type, one whose example is not of the page's event type, and one without an example. The
//! generated crate is built against this repository's `runtime/`.

use std::fs;
use std::path::{Path, PathBuf};

use lark_codegen::roundtrip::{self, Outcome, Report, Setup};

/// An event page in markdown rendering: its event type, the rows of its field table, its example.
fn page(event_type: &str, rows: &str, example: Option<&str>) -> String {
    let example = example.map_or_else(String::new, |json| format!("```json\n{json}\n```\n"));
    format!(
        "# T\n\nAbout.\n\n## 事件\n\n| 项目 | 值 |\n| --- | --- |\n| 事件类型 | {event_type} |\n\n\
         ### 事件体\n\n| 名称 | 类型 | 描述 |\n| --- | --- | --- |\n\
         | `schema` | `string` | 事件模式 |\n| `header` | `event_header` | 事件头 |\n\
         | &nbsp;&nbsp;└ `event_type` | `string` | 事件类型 |\n| `event` | `\\-` | \\- |\n{rows}\n{example}"
    )
}

const FILE_ROWS: &str = "| &nbsp;&nbsp;└ `file` | `file` | 文件 |\n\
                         | &nbsp;&nbsp;&nbsp;&nbsp;└ `token` | `string` | 文件 token |\n";

/// A page whose example fits its table.
fn fitting_page() -> String {
    page(
        "demo.file.created_v1",
        FILE_ROWS,
        Some(
            r#"{"schema": "2.0", "header": {"event_type": "demo.file.created_v1"}, "event": {"file": {"token": "t1"}}}"#,
        ),
    )
}

/// A page whose example is of another event type than the page documents.
fn contradicting_page() -> String {
    page(
        "demo.file.deleted_v1",
        FILE_ROWS,
        Some(
            r#"{"schema": "2.0", "header": {"event_type": "demo.file.created_v1"}, "event": {"file": {"token": "t2"}}}"#,
        ),
    )
}

fn page_without_example() -> String {
    page(
        "demo.file.edited_v1",
        "| &nbsp;&nbsp;└ `token` | `string` | 文件 token |\n",
        None,
    )
}

/// Writes the pages into a fresh folder `name` and runs the round trip on it, always into the same
/// crate and target folders.
fn run(name: &str, pages: &[(&str, String)]) -> Report {
    let scratch = Path::new(env!("CARGO_TARGET_TMPDIR")).join("roundtrip");
    let docs = scratch.join(name);
    if docs.exists() {
        fs::remove_dir_all(&docs).unwrap();
    }
    fs::create_dir_all(&docs).unwrap();
    for (file, text) in pages {
        fs::write(docs.join(file), text).unwrap();
    }
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let setup = Setup {
        docs_dir: docs,
        out: scratch.join("demo-events"),
        target_dir: scratch.join("target"),
        runtime_dir: repo.join("runtime"),
        variant_names: None,
        lockfile: Some(repo.join("Cargo.lock")),
    };
    roundtrip::run(&setup).unwrap_or_else(|err| panic!("{err}"))
}

#[test]
fn failures_name_their_page_and_the_closing_line_counts_checked_pages() {
    let report = run(
        "docs-one-failing",
        &[
            ("created.md", fitting_page()),
            ("deleted.md", contradicting_page()),
            ("edited.md", page_without_example()),
        ],
    );
    let text = report.to_string();
    assert_eq!(report.pages["created.md"], Outcome::Passed, "{text}");
    assert_eq!(report.pages["edited.md"], Outcome::NoExample, "{text}");
    let failures: Vec<(&str, &str)> = report.failures().collect();
    assert_eq!(failures.len(), 1, "{text}");
    let (page, why) = failures[0];
    assert_eq!(page, "deleted.md");
    assert_eq!(
        why,
        "the example is of event type `demo.file.created_v1`, the page documents `demo.file.deleted_v1`"
    );
    assert!(text.starts_with(&format!("deleted.md: {why}\n")), "{text}");
    assert!(
        text.contains(
            "1 page(s) without an example that is a valid JSON object, not checked: edited.md\n"
        ),
        "{text}"
    );
    assert_eq!(text.lines().last(), Some("round trip: 1 of 2 pages"));
    assert!(!report.all_passed(), "exit status 1");

    // The same crate folder, regenerated from the pages that fit: all pass.
    let report = run(
        "docs-all-fitting",
        &[
            ("created.md", fitting_page()),
            ("edited.md", page_without_example()),
        ],
    );
    let text = report.to_string();
    assert_eq!(report.failures().count(), 0, "{text}");
    assert_eq!(text.lines().last(), Some("round trip: 1 of 1 pages"));
    assert!(report.all_passed(), "exit status 0");
}
