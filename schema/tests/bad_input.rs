//! Malformed pages: a clear error with file:line:col, never a panic; the parser never panics on
//! arbitrary input or on mutated seed pages.

mod common;

use lark_schema::docs::{self, DocError, Options};
use proptest::prelude::*;

fn parse(text: &str) -> Result<docs::Parsed, DocError> {
    docs::parse_str("page.md", text, Options::default())
}

fn error(text: &str) -> DocError {
    parse(text).expect_err("a malformed page")
}

const HEADER: &str = "| 名称 | 类型 | 描述 |\n| --- | --- | --- |\n";

fn source_row(level: usize, name: &str, doc_type: &str) -> String {
    format!("<md-dt-tr level=\"{level}\">\n<md-dt-td>{name}</md-dt-td>\n<md-dt-td>{doc_type}</md-dt-td>\n<md-dt-td>x</md-dt-td>\n</md-dt-tr>\n")
}

fn source_page(rows: &str) -> String {
    format!("# T\n\n<md-dt-table>\n<md-dt-tbody>\n{rows}</md-dt-tbody>\n</md-dt-table>\n")
}

#[test]
fn empty_and_binary_files() {
    assert_eq!(error("").message, "empty page");
    assert_eq!(error(" \n\n").line, 1);
    let e = docs::parse_bytes("page.md", b"a\nb\n\xff\xfe", Options::default()).unwrap_err();
    assert_eq!((e.line, e.message.contains("binary")), (3, true));
    let e = error("x\n\0\0");
    assert_eq!(e.line, 2);
}

#[test]
fn truncated_table() {
    let e = error(&format!(
        "---\ntitle: T\n---\n{HEADER}| `a` | `string` | x |\n| `b` | `str"
    ));
    assert_eq!(e.line, 7);
    assert!(e.message.starts_with("truncated table row"), "{e}");
}

#[test]
fn unclosed_tags() {
    let e = error("# T\n<md-dt-table>\n<md-dt-tr level=\"0\">\n");
    assert_eq!(
        (e.line, e.message.contains("unclosed <md-dt-table>")),
        (2, true),
        "{e}"
    );
    let rows = format!(
        "<md-dt-tr level=\"0\">\n<md-dt-td>a</md-dt-td>\n{}",
        source_row(0, "b", "string")
    );
    let e = error(&source_page(&rows));
    assert_eq!(
        (e.line, e.message.contains("unclosed <md-dt-tr>")),
        (5, true),
        "{e}"
    );
    let page = source_page(&source_row(0, "a", "string")) + "<md-code-json>\n{}\n";
    assert!(error(&page).message.contains("unclosed <md-code-json>"));
}

#[test]
fn level_jump() {
    let rows = source_row(0, "a", "object") + &source_row(2, "b", "string");
    let e = error(&source_page(&rows));
    assert_eq!(e.line, 10);
    assert!(
        e.message
            .starts_with("level jump: level 2 after level 0 (line 5)"),
        "{e}"
    );
    let e = error(&format!(
        "{HEADER}| `a` | `string` | x |\n| &nbsp;&nbsp;&nbsp;&nbsp;└ `b` | `string` | y |\n"
    ));
    assert_eq!(e.line, 4);
}

#[test]
fn unknown_type_syntax() {
    let e = error(&format!("{HEADER}| `a` | `map<int, x>` | x |\n"));
    assert_eq!(e.line, 3);
    assert!(e.message.contains("unknown type syntax"), "{e}");
    assert!(error(&source_page(&source_row(0, "a", "int[")))
        .message
        .contains("unknown type syntax `int[`"));
}

#[test]
fn invalid_example_json() {
    let page = format!(
        "{HEADER}| `a` | `string` | x |\n\n```json\n{{\n  \"a\": \"x\",\n  \"b\" 1\n}}\n```\n"
    );
    let e = error(&page);
    assert_eq!((e.line, e.col), (8, 7), "{e}");
    assert!(e.message.starts_with("example is not valid JSON"), "{e}");
    let lenient = Options {
        invalid_example: docs::InvalidExample::Warn,
    };
    let parsed = docs::parse_str("page.md", &page, lenient).unwrap();
    assert!(parsed.page.example.is_none());
    assert_eq!(parsed.warnings[0].line, 8);
}

#[test]
fn duplicate_field() {
    let rows =
        source_row(0, "a", "object") + &source_row(1, "b", "string") + &source_row(1, "b", "int");
    let e = error(&source_page(&rows));
    assert_eq!(e.line, 15);
    assert!(
        e.message.contains("duplicate field `b` (first at line 10)"),
        "{e}"
    );
    let flat = "| 名称 | 类型 | 描述 |\n|---|---|---|\n| a | string | x |\n| a | string | y |\n";
    assert!(error(flat).message.contains("duplicate field `a`"));
}

/// Lines of the seed pages, to mutate.
fn seed_lines() -> Vec<String> {
    ["000", "002", "003"]
        .iter()
        .flat_map(|p| {
            std::fs::read_to_string(common::seed_path(p))
                .unwrap()
                .lines()
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn never_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..2000)) {
        let _ = docs::parse_bytes("any.md", &bytes, Options::default());
    }

    #[test]
    fn never_panics_on_markup_soup(parts in proptest::collection::vec(
        prop_oneof![
            Just("<md-dt-tr level=\"1\">".to_string()), Just("</md-dt-tr>".to_string()),
            Just("<md-dt-td>".to_string()), Just("</md-dt-td>".to_string()), Just("<md-dt-table>".to_string()),
            Just("</md-dt-table>".to_string()), Just("| 名称 | 类型 | 描述 |".to_string()), Just("|".to_string()),
            Just("└ ".to_string()), Just("&nbsp;".to_string()), Just("\n".to_string()), Just("可选值有：".to_string()),
            Just("- `1`: a".to_string()), Just("<md-enum-item key=\"".to_string()), Just("```json\n{".to_string()),
            Just("数据校验规则:长度范围:".to_string()), Just("字段权限要求:".to_string()), "[a-z0-9_:{}\\[\\]\"` ]{0,12}",
        ],
        0..80,
    )) {
        let _ = parse(&parts.concat());
    }

    #[test]
    fn never_panics_on_mutated_seeds(
        cuts in proptest::collection::vec((0usize..5000, 0usize..40, 0usize..5000), 1..12),
    ) {
        let lines = seed_lines();
        let mut page: Vec<String> = lines[..lines.len().min(700)].to_vec();
        for (at, len, from) in cuts {
            let at = at % (page.len() + 1);
            let end = (at + len).min(page.len());
            page.drain(at..end);
            let source = &lines[from % lines.len()];
            let cut = source.char_indices().map(|(i, _)| i).nth(len % 8).unwrap_or(0);
            page.insert(at.min(page.len()), source[cut..].to_string());
        }
        let _ = parse(&page.join("\n"));
    }
}
