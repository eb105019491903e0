//! One small page per rendering, and the checked-in schemas being fresh.

mod common;

use lark_schema::docs::{self, Options, Rendering};

fn page(text: &str) -> docs::Parsed {
    docs::parse_str("page.md", text, Options::default()).unwrap()
}

#[test]
fn markdown_rendering_nests_by_nbsp_pairs() {
    let parsed = page(
        "---\ntitle: \"T\"\nupdateTime: \"17\"\n---\n# T\n\nAbout.\n\n## 事件\n\n| 项目 | 值 |\n| --- | --- |\n\
         | 事件类型 | a.b_v1 |\n| 支持的应用类型 | custom,isv |\n| 推送方式 | `Webhook` |\n\n### 事件体\n\n\
         | 名称 | 类型 | 描述 |\n| --- | --- | --- |\n| `event` | `\\-` | \\- |\n\
         | &nbsp;&nbsp;└ `ids` | `user_id\\[\\]` | 列表<br>**数据校验规则**：<br>- 最大长度：`3` |\n\
         | &nbsp;&nbsp;&nbsp;&nbsp;└ `open_id` | `string` | x |\n\
         | &nbsp;&nbsp;└ `kind` | `int` | 种类<br>**可选值有**：<br>- `1`: 一 - `2`: 二 |\n\n\
         ```json\n{\"event\": {\"ids\": [{\"open_id\": \"o\"}], \"kind\": 2}}\n```\n",
    );
    let p = &parsed.page;
    assert_eq!(p.rendering, Rendering::Markdown);
    assert_eq!(
        (p.title.as_deref(), p.update_time.as_deref()),
        (Some("T"), Some("17"))
    );
    let event = p.event.as_ref().unwrap();
    assert_eq!(event.app_types, ["custom", "isv"]);
    assert_eq!(event.push_modes, ["Webhook"]);
    let root = &p.fields[0];
    assert_eq!(root.children[0].doc_type, "user_id[]");
    assert_eq!(root.children[0].children[0].name, "open_id");
    assert_eq!(root.children[0].cell.rules.max_length, Some(3));
    assert_eq!(root.children[1].cell.enum_items.len(), 2);
    let schema = lark_schema::writer::page_schema(p);
    assert_eq!(
        common::validation_errors(&schema, p.example.as_ref().unwrap()),
        Vec::<String>::new()
    );
    assert!(parsed.warnings.is_empty());
}

#[test]
fn text_rendering_recovers_depth_from_the_example() {
    let parsed = page(
        "T\nD\n事件\n| 名称 | 类型 | 描述 |\n|---|---|---|\nevent | - | - |\n└ a | obj | x |\n└ b | string | y |\n└ c | string | z |\n\
         json\n{\"event\": {\"a\": {\"b\": \"1\"}, \"c\": \"2\"}}\n",
    );
    let event = &parsed.page.fields[0];
    assert_eq!(parsed.page.rendering, Rendering::Text);
    assert_eq!(
        event
            .children
            .iter()
            .map(|f| f.name.as_str())
            .collect::<Vec<_>>(),
        ["a", "c"]
    );
    assert_eq!(event.children[0].children[0].name, "b");
    assert!(parsed.warnings.is_empty(), "{:?}", parsed.warnings);
}

#[test]
fn flat_rendering_warns_where_nothing_tells_the_depth() {
    let parsed = page("| 名称 | 类型 | 描述 |\n|---|---|---|\n| a | obj | x |\n| b | string | y |\n| c | string | z |\n");
    assert_eq!(parsed.page.rendering, Rendering::Flat);
    let lines: Vec<usize> = parsed.warnings.iter().map(|w| w.line).collect();
    assert_eq!(lines, [4, 5], "{:?}", parsed.warnings);
    assert!(parsed.warnings[1]
        .message
        .starts_with("cannot place `c` with certainty"));
}

#[test]
fn flat_rendering_reuses_named_types_seen_before() {
    let parsed = page(
        "| 名称 | 类型 | 描述 |\n|---|---|---|\n| a | t | x |\n| b | string | y |\n| c | t | z |\n| b | string | y |\n| d | int | w |\n\
         {\"a\": {\"b\": \"1\"}, \"c\": {\"b\": \"2\"}}\n",
    );
    // `d` is in no example object; `c` is known to end after `b` (type `t` was listed before).
    assert!(parsed.warnings.is_empty(), "{:?}", parsed.warnings);
    let names: Vec<&str> = parsed.page.fields.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["a", "c", "d"]);
    assert_eq!(parsed.page.fields[1].children[0].name, "b");
}
