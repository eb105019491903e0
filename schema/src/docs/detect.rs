//! Tells the rendering of a page from its text.

use super::model::Rendering;
use super::pipe::field_header;

/// The rendering of `text`, or `None` when it has no field table of a known kind.
pub fn detect(text: &str) -> Option<Rendering> {
    if text.contains("<md-dt-tr") || text.contains("<md-dt-table") {
        return Some(Rendering::Source);
    }
    let front_matter = text.trim_start().starts_with("---");
    let mut in_field_table = false;
    let mut rows = 0;
    for line in text.lines() {
        let t = line.trim();
        if t.starts_with("└ ") && t.contains(" | ") {
            return Some(Rendering::Text);
        }
        if field_header(t).is_some() {
            in_field_table = true;
            continue;
        }
        if !in_field_table || super::common::is_separator(t) {
            continue;
        }
        if !t.starts_with('|') {
            if t.ends_with('|') && t.contains(" | ") {
                return Some(Rendering::Text);
            }
            if t.contains(" | ") {
                return Some(Rendering::Flat);
            }
            break;
        }
        rows += 1;
        let first = t.trim_start_matches('|').trim_start();
        if first.starts_with('`') || first.starts_with("&nbsp;") || first.starts_with('<') {
            return Some(Rendering::Markdown);
        }
    }
    match (rows, front_matter) {
        (0, _) => None,
        (_, true) => Some(Rendering::Markdown),
        (_, false) => Some(Rendering::Flat),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_rendering() {
        assert_eq!(detect("<md-dt-tr level=\"0\">"), Some(Rendering::Source));
        assert_eq!(
            detect("| 名称 | 类型 | 描述 |\n| --- | --- | --- |\n| `a` | `string` | x |"),
            Some(Rendering::Markdown)
        );
        assert_eq!(
            detect("a | string | x |\n└ b | string | y |"),
            Some(Rendering::Text)
        );
        assert_eq!(
            detect("| 名称收起子列表 | 类型 | 描述 |\n|---|---|---|\n| a | string | x |"),
            Some(Rendering::Flat)
        );
        assert_eq!(
            detect("名称 | 类型 | 描述\n--- | --- | ---\na | string | x  \n- 1：一"),
            Some(Rendering::Flat)
        );
        assert_eq!(detect("just prose"), None);
    }
}
