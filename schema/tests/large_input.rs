//! Deep and large pages (issue 13). Nesting deeper than `docs::MAX_DEPTH`, in the rows or in a type, is
//! an error naming its line, never a stack overflow; and the parser reads a page in time linear in its
//! size. Each input here overflowed the stack or took seconds before the fix; `benches/parser_scaling.rs`
//! measures the scaling itself.

use lark_schema::docs::{self, DocError, Options, Page, MAX_DEPTH};

fn parse(text: &str) -> Result<Page, DocError> {
    docs::parse_str("page.md", text, Options::default()).map(|parsed| parsed.page)
}

/// A flat page (no nesting markers) with one row per `(name, type, description)`; row `i` is on line
/// `i + 3`.
fn flat_page(rows: impl IntoIterator<Item = (String, String, String)>) -> String {
    let mut page = String::from("| 名称 | 类型 | 描述 |\n| --- | --- | --- |\n");
    for (name, doc_type, description) in rows {
        page.push_str(&format!("| {name} | {doc_type} | {description} |\n"));
    }
    page
}

/// A flat page with one row, `field`, of this type.
fn typed_page(doc_type: &str) -> String {
    flat_page([("field".into(), doc_type.into(), "x".into())])
}

/// A flat page with one row, `field`, with this description cell.
fn cell_page(description: &str) -> String {
    flat_page([("field".into(), "string".into(), description.into())])
}

fn source_row(level: usize, name: &str, description: &str) -> String {
    format!("<md-dt-tr level=\"{level}\">\n<md-dt-td>{name}</md-dt-td>\n<md-dt-td>object</md-dt-td>\n<md-dt-td>{description}</md-dt-td>\n</md-dt-tr>\n")
}

/// A doc source page; its first row is on line 5, each row takes 5 lines.
fn source_page(rows: &str) -> String {
    format!("# T\n\n<md-dt-table>\n<md-dt-tbody>\n{rows}</md-dt-tbody>\n</md-dt-table>\n")
}

fn assert_too_deep(result: Result<Page, DocError>, line: usize) {
    let e = result.expect_err("nesting too deep");
    assert_eq!(e.line, line, "{e}");
    assert!(
        e.message
            .starts_with(&format!("nesting deeper than {MAX_DEPTH} levels")),
        "{e}"
    );
}

#[test]
fn a_type_nested_too_deep_is_an_error() {
    assert_too_deep(
        parse(&typed_page(&format!("string{}", "[]".repeat(25_000)))),
        3,
    );
    let deep_list = format!("{}string{}", "list<".repeat(100_000), ">".repeat(100_000));
    assert_too_deep(parse(&typed_page(&deep_list)), 3);
    let deep_map = format!("{}int{}", "map<string, ".repeat(50_000), ">".repeat(50_000));
    assert_too_deep(parse(&typed_page(&deep_map)), 3);
    let deep_array = format!("{}int(64){}", "array<".repeat(50_000), ">".repeat(50_000));
    assert_too_deep(parse(&typed_page(&deep_array)), 3);
    // The limit itself is fine.
    let deepest = format!("string{}", "[]".repeat(MAX_DEPTH));
    assert!(parse(&typed_page(&deepest)).is_ok());
    assert_too_deep(parse(&typed_page(&format!("{deepest}[]"))), 3);
}

#[test]
fn rows_nested_too_deep_are_an_error() {
    // Explicit levels: each row one level below the one before.
    let rows: String = (0..20_000)
        .map(|level| source_row(level, &format!("f{level}"), "x"))
        .collect();
    assert_too_deep(parse(&source_page(&rows)), 5 + 5 * MAX_DEPTH);
    let mut page =
        String::from("---\ntitle: T\n---\n| 名称 | 类型 | 描述 |\n| --- | --- | --- |\n");
    for level in 0..300 {
        let indent = "&nbsp;&nbsp;".repeat(level);
        page.push_str(&format!("| {indent}└ `f{level}` | `object` | x |\n"));
    }
    assert_too_deep(parse(&page), 6 + MAX_DEPTH);
    // Recovered levels: a flat page of named types nests each row under the one before.
    let rows = (0..20_000).map(|i| (format!("f{i}"), format!("type_{i}"), "x".into()));
    assert_too_deep(parse(&flat_page(rows)), 3 + MAX_DEPTH);
}

#[test]
fn the_deepest_page_allowed_has_a_schema() {
    let mut rows: String = (0..MAX_DEPTH - 1)
        .map(|level| source_row(level, &format!("f{level}"), "x"))
        .collect();
    // The deepest row's type: an object in as many arrays as allowed.
    let leaf_type = format!("object{}", "[]".repeat(MAX_DEPTH));
    rows.push_str(&source_row(MAX_DEPTH - 1, "leaf", "x").replace("object", &leaf_type));
    let page = parse(&source_page(&rows)).unwrap();
    let schema = lark_schema::writer::page_schema(&page);
    assert!(schema.to_string().contains("\"leaf\""));
}

#[test]
fn siblings_are_found_by_name() {
    let rows = 20_000;
    let named = |i: usize| (format!("field_{i}"), "string".to_string(), "x".to_string());
    let page = parse(&flat_page((0..rows).map(named))).unwrap();
    assert_eq!(page.fields.len(), rows);
    assert_eq!(page.fields[rows - 1].name, format!("field_{}", rows - 1));
    let e = parse(&flat_page((0..rows).chain([0]).map(named))).unwrap_err();
    assert_eq!(e.line, rows + 3, "{e}");
    assert!(
        e.message
            .starts_with("duplicate field `field_0` (first at line 3)"),
        "{e}"
    );
}

#[test]
fn a_named_type_used_again_and_again_is_not_copied() {
    // The text rendering marks nested rows (`└ `), not their depth. `t` lists 10 000 fields; each later
    // use of it lists none, and each is warned about.
    let mut page = String::from("名称 | 类型 | 描述 |\n--- | --- | --- |\nfirst | t | x |\n");
    for i in 0..10_000 {
        page.push_str(&format!("└ c{i} | string | x |\n"));
    }
    for i in 0..10_000 {
        page.push_str(&format!("u{i} | t | x |\n"));
    }
    let parsed = docs::parse_str("page.md", &page, Options::default()).unwrap();
    assert_eq!(parsed.page.fields.len(), 10_001);
    assert_eq!(parsed.warnings.len(), 10_000);
    assert!(parsed.warnings[0]
        .message
        .contains("fewer fields than its type `t`"));
}

#[test]
fn long_cells_are_read_in_one_pass() {
    let cell = |unit: &str| parse(&cell_page(&unit.repeat(400_000 / unit.len()))).unwrap();
    let field = |page: Page| page.fields.into_iter().next().unwrap().cell;
    assert_eq!(field(cell("字段权限要求:")).description, None);
    let enums = field(cell("可选值有:1:a"));
    assert_eq!(enums.enum_items.len(), 400_000 / "可选值有:1:a".len());
    let unclosed = field(cell("字段权限要求（"));
    assert!(unclosed.permissions.is_empty());
    let tags = field(cell("标签仅自建应用"));
    assert!(tags.description.unwrap().starts_with("标签仅自建应用"));
    let label = format!("字段权限要求: 获取用户信息{}", "仅自建应用".repeat(30_000));
    let permissions = field(parse(&cell_page(&label)).unwrap()).permissions;
    assert_eq!(permissions.len(), 1);
    assert_eq!(permissions[0].label.as_deref(), Some("获取用户信息"));
}

#[test]
fn long_source_cells_and_lines_are_read_in_one_pass() {
    let perms = "<md-perm name=\"contact:user:readonly\">读取</md-perm>".repeat(20_000);
    let page = parse(&source_page(&source_row(
        0,
        "a",
        &format!("字段权限要求：{perms}"),
    )))
    .unwrap();
    assert_eq!(page.fields[0].cell.permissions.len(), 20_000);
    let unclosed_tags = "<a".repeat(100_000);
    let page = parse(&source_page(&source_row(0, "a", &unclosed_tags))).unwrap();
    assert_eq!(
        page.fields[0].cell.description.as_deref(),
        Some(&*unclosed_tags)
    );
    // Every row on one line.
    let rows: String = (0..10_000)
        .map(|i| source_row(0, &format!("f{i}"), "x").replace('\n', ""))
        .collect();
    let page = parse(&source_page(&rows)).unwrap();
    assert_eq!(page.fields.len(), 10_000);
    assert!(page.fields.iter().all(|f| f.line == 5));
}

#[test]
fn long_pages_of_other_shapes_are_read_in_one_pass() {
    // A cell going on over 100 000 lines (each line ending in two spaces).
    let mut page = String::from("名称 | 类型 | 描述\n--- | --- | ---\nfield | string | x  \n");
    page.push_str(&"more  \n".repeat(100_000));
    let page = parse(&page).unwrap();
    let description = page.fields[0].cell.description.as_deref().unwrap();
    assert_eq!(description.lines().count(), 100_001);
    // 30 000 field tables: the first is read, each other one is warned about.
    let tables = (typed_page("string") + "\n").repeat(30_000);
    let parsed = docs::parse_str("page.md", &tables, Options::default()).unwrap();
    assert_eq!(parsed.page.fields.len(), 1);
    assert_eq!(parsed.warnings.len(), 29_999);
    // A description paragraph of 100 000 doc links.
    let links = format!(
        "# T\n{}\n\n{}",
        "{示例}(url=/x)".repeat(100_000),
        typed_page("string")
    );
    let page = parse(&links).unwrap();
    assert_eq!(page.description, None);
}

#[test]
fn a_wide_page_is_written_and_read_back_whole() {
    // Each object's keys are indexed: 50 000 top-level fields took seconds when every insert and
    // lookup scanned the keys before it.
    let rows = 50_000;
    let named = |i: usize| (format!("field_{i}"), "string".to_string(), "x".to_string());
    let page = parse(&flat_page((0..rows).map(named))).unwrap();
    let written = lark_schema::writer::page_schema(&page);
    let schema: lark_schema::contract::Schema =
        serde_json::from_value(written.clone()).expect("the written schema reads back");
    assert_eq!(schema.properties.len(), rows);
    let last = format!("field_{}", rows - 1);
    assert!(schema.properties.contains_key(&last));
    let keys: Vec<&str> = schema.properties.iter().map(|(key, _)| key).collect();
    assert_eq!(keys[..2], ["field_0", "field_1"], "order kept");
    assert_eq!(
        serde_json::to_value(&schema).unwrap(),
        written,
        "re-serialized byte for byte"
    );
}
