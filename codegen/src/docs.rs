//! Doc comment lines from a schema: description, validation rules, listed values, permissions.
//!
//! Page text is made safe for rustdoc: no indented or fenced block becomes a doc test, brackets and
//! angle brackets are escaped, and bare URLs are wrapped in `<…>`.

use lark_schema::contract::{FieldSchema, JsonType, Permission, TimeFormat};

/// Page text as doc lines, safe for rustdoc.
pub fn text_lines(text: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut in_fence = false;
    let mut list_indent = None;
    for line in text.lines() {
        let line = line.trim();
        if let Some(rest) = line.strip_prefix("```") {
            lines.push(if in_fence || rest.trim() == "text" {
                "```".to_owned()
            } else {
                "```text".to_owned()
            });
            in_fence = !in_fence;
        } else if in_fence {
            lines.push(line.to_owned());
        } else if let Some(marker) = list_marker_width(line) {
            list_indent = Some(marker);
            lines.push(escape(line));
        } else if line.is_empty() {
            list_indent = None;
            lines.push(String::new());
        } else {
            // A line that continues a list item is indented under it.
            let indent = " ".repeat(list_indent.unwrap_or(0));
            lines.push(format!("{indent}{}", escape(line)));
        }
    }
    if in_fence {
        lines.push("```".to_owned());
    }
    while lines.last().is_some_and(|line| line.is_empty()) {
        lines.pop();
    }
    lines
}

/// Where a list item's text starts (`- a` → 2, `12.  b` → 5), when the line starts a list item.
fn list_marker_width(line: &str) -> Option<usize> {
    let marker = if line.starts_with(['-', '*', '+']) {
        1
    } else {
        let digits = line.chars().take_while(char::is_ascii_digit).count();
        if digits == 0 || !line[digits..].starts_with('.') {
            return None;
        }
        digits + 1
    };
    let spaces = line[marker..].chars().take_while(|c| *c == ' ').count();
    (spaces > 0 && marker + spaces < line.len()).then_some(marker + spaces)
}

/// Escapes markdown that rustdoc would read as links or HTML, and wraps bare URLs.
fn escape(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while !rest.is_empty() {
        if rest.starts_with("http://") || rest.starts_with("https://") {
            let end = rest
                .find(|c: char| {
                    c.is_whitespace()
                        || !c.is_ascii()
                        || matches!(c, '<' | '>' | '"' | '`' | ')' | ']')
                })
                .unwrap_or(rest.len());
            out.push('<');
            out.push_str(&rest[..end]);
            out.push('>');
            rest = &rest[end..];
            continue;
        }
        let c = rest.chars().next().unwrap_or_default();
        match c {
            '[' => out.push_str("\\["),
            ']' => out.push_str("\\]"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\\' => out.push_str("\\\\"),
            _ => out.push(c),
        }
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// Inline code, with backticks in the text kept readable.
pub fn code(text: &str) -> String {
    if text.contains('`') {
        format!("`` {text} ``")
    } else {
        format!("`{text}`")
    }
}

/// The doc lines of a field: its description, then one line per annotation.
pub fn field_lines(field: &FieldSchema) -> Vec<String> {
    let mut lines = text_lines(field.description.as_deref().unwrap_or_default());
    let mut notes = Vec::new();
    let target = match &field.items {
        Some(items) if field.ty == Some(JsonType::Array) => items,
        _ => field,
    };
    match field.format.or(target.format) {
        Some(TimeFormat::UnixMillis) => notes.push("Unix time in milliseconds.".to_owned()),
        Some(TimeFormat::UnixSeconds) => notes.push("Unix time in seconds.".to_owned()),
        None => {}
    }
    if !target.labelled_values.is_empty() {
        let heading = if target.bit_flags { "Bits" } else { "Values" };
        let listed: Vec<String> = target
            .labelled_values
            .iter()
            .map(|item| format!("{}: {}", code(&item.value.to_string()), escape(&item.label)))
            .collect();
        notes.push(format!("{heading}: {}.", listed.join("; ")));
    }
    notes.extend(rule_lines(field));
    if let Some(example) = field.examples.first() {
        let text = match example {
            serde_json::Value::String(text) => text.clone(),
            other => other.to_string(),
        };
        notes.push(format!("Example: {}.", code(&text)));
    }
    if !field.permissions.is_empty() {
        let listed: Vec<String> = field.permissions.iter().map(permission).collect();
        notes.push(format!("Field permission: {}.", listed.join("; ")));
    }
    if !notes.is_empty() && !lines.is_empty() {
        lines.push(String::new());
    }
    lines.extend(notes);
    lines
}

/// A permission as `label (scope)`.
pub fn permission(item: &Permission) -> String {
    let label = item.label.as_deref().map(escape);
    let scope = item.scope.as_deref().map(code);
    match (label, scope) {
        (Some(label), Some(scope)) => format!("{label} ({scope})"),
        (Some(one), None) | (None, Some(one)) => one,
        (None, None) => "unnamed".to_owned(),
    }
}

fn rule_lines(field: &FieldSchema) -> Vec<String> {
    let range = |min: Option<String>, max: Option<String>, unit: &str| match (min, max) {
        (Some(min), Some(max)) => Some(format!("{unit} from {min} to {max}")),
        (Some(min), None) => Some(format!("{unit} at least {min}")),
        (None, Some(max)) => Some(format!("{unit} at most {max}")),
        (None, None) => None,
    };
    let mut rules = Vec::new();
    rules.extend(range(
        field.min_length.map(|n| n.to_string()),
        field.max_length.map(|n| n.to_string()),
        "length (characters)",
    ));
    rules.extend(range(
        field.min_items.map(|n| n.to_string()),
        field.max_items.map(|n| n.to_string()),
        "number of items",
    ));
    rules.extend(range(
        field.minimum.as_ref().map(ToString::to_string),
        field.maximum.as_ref().map(ToString::to_string),
        "value",
    ));
    if let Some(default) = &field.default {
        rules.push(format!("default {}", code(&default.to_string())));
    }
    if rules.is_empty() {
        return Vec::new();
    }
    vec![format!("Validation: {}.", rules.join(", "))]
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn field(value: serde_json::Value) -> FieldSchema {
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn nothing_becomes_a_doc_test_or_a_link() {
        let lines = text_lines(
            "see https://a.example/x?y=1 now\n    indented\n```\nlet x = [1];\n```\n[link] <b>",
        );
        assert_eq!(
            lines,
            [
                "see <https://a.example/x?y=1> now",
                "indented",
                "```text",
                "let x = [1];",
                "```",
                "\\[link\\] &lt;b&gt;"
            ]
        );
    }

    #[test]
    fn list_continuations_are_indented() {
        assert_eq!(
            text_lines("- a\nmore\n\nafter\n10. b\nc"),
            ["- a", "  more", "", "after", "10. b", "    c"]
        );
        assert_eq!(text_lines("1.  x\ny"), ["1.  x", "    y"]);
    }

    #[test]
    fn unclosed_fence_is_closed() {
        assert_eq!(text_lines("```json\n{}"), ["```text", "{}", "```"]);
    }

    #[test]
    fn field_annotations() {
        let field = field(json!({
            "description": "版本状态",
            "x-lark-enum": [{"value": 0, "label": "未知"}, {"value": 1, "label": "通过"}],
            "minLength": 1,
            "x-lark-permission": [{"scope": "contact:user.employee_id:readonly", "label": "获取用户 user ID"}]
        }));
        assert_eq!(
            field_lines(&field),
            [
                "版本状态",
                "",
                "Values: `0`: 未知; `1`: 通过.",
                "Validation: length (characters) at least 1.",
                "Field permission: 获取用户 user ID (`contact:user.employee_id:readonly`)."
            ]
        );
    }

    #[test]
    fn array_rules_and_item_enum() {
        let field = field(
            json!({"type": "array", "items": {"x-lark-enum": [{"value": "user", "label": "用户"}]}, "minItems": 0, "maxItems": 200}),
        );
        assert_eq!(
            field_lines(&field),
            [
                "Values: `user`: 用户.",
                "Validation: number of items from 0 to 200."
            ]
        );
    }
}
