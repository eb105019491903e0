//! Pieces several renderings share: front matter, pipe-table cells, tags, the keyed event table.

use super::cell::{parse_permissions, unescape};
use super::model::EventMeta;

/// The YAML front matter (`---` … `---`) at the top: (title, updateTime, index of the first line after it).
pub fn front_matter(lines: &[&str]) -> (Option<String>, Option<String>, usize) {
    if lines.first().map(|l| l.trim()) != Some("---") {
        return (None, None, 0);
    }
    let Some(end) = lines.iter().skip(1).position(|l| l.trim() == "---") else {
        return (None, None, 0);
    };
    let mut title = None;
    let mut update_time = None;
    for line in &lines[1..=end] {
        if let Some((key, value)) = line.split_once(':') {
            let value = value
                .trim()
                .trim_matches('"')
                .trim_matches('\'')
                .to_string();
            match key.trim() {
                "title" => title = Some(value),
                "updateTime" | "last_remote_update_timestamp" => update_time = Some(value),
                _ => {}
            }
        }
    }
    (title, update_time, end + 2)
}

/// Splits `| a | b \| c |` into trimmed cells, keeping escaped pipes inside cells.
pub fn pipe_cells(line: &str) -> Vec<String> {
    let body = line.trim();
    let body = body.strip_prefix('|').unwrap_or(body);
    let body = body
        .strip_suffix('|')
        .filter(|b| !b.ends_with('\\'))
        .unwrap_or(body);
    let mut cells = Vec::new();
    let mut current = String::new();
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'|') => {
                current.push('|');
                chars.next();
            }
            '|' => cells.push(std::mem::take(&mut current).trim().to_string()),
            _ => current.push(c),
        }
    }
    cells.push(current.trim().to_string());
    cells
}

/// Is this line a pipe-table separator (`|---|---|`)?
pub fn is_separator(line: &str) -> bool {
    let t = line.trim();
    t.contains('|') && t.contains("--") && t.chars().all(|c| "|-: ".contains(c))
}

/// Removes every `<tag …>` and `</tag>`.
pub fn strip_tags(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        if !after.starts_with(|c: char| c.is_ascii_alphabetic() || c == '/') {
            out.push('<');
            rest = after;
            continue;
        }
        match after.find('>') {
            Some(close) => rest = &after[close + 1..],
            // No tag after this one can close either: the rest is text.
            None => break,
        }
    }
    out.push_str(rest);
    out
}

/// Decodes the HTML entities the pages use.
pub fn decode_entities(text: &str) -> String {
    if !text.contains('&') {
        return text.to_string();
    }
    text.replace("&nbsp;", " ")
        .replace("&gt;", ">")
        .replace("&lt;", "<")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// Drops the `{使用示例}(url=…)` link the doc source appends to a page description.
pub fn drop_doc_links(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find("}(").map(|c| c + open) else {
            break;
        };
        let Some(end) = rest[close..].find(')').map(|e| e + close) else {
            break;
        };
        out.push_str(&rest[..open]);
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out.trim().to_string()
}

/// Splits a list cell (`custom, isv`, `` `Webhook` ``) into its words.
pub fn words(text: &str) -> Vec<String> {
    text.split(|c: char| c.is_whitespace() || ",，、`".contains(c))
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// The event table from (key, value) pairs: `事件类型` (a callback's `回调类型`), `支持的应用类型`,
/// `权限要求`, `字段权限要求`, `推送方式`. `None` when none of these keys is there.
pub fn event_meta(pairs: &[(String, String)]) -> Option<EventMeta> {
    let mut meta = EventMeta::default();
    let mut found = false;
    for (key, value) in pairs {
        let value = unescape(&decode_entities(value).replace("<br>", " "));
        let key = key.trim();
        if key.starts_with("事件类型") || key.starts_with("回调类型") {
            meta.event_type = words(&value).into_iter().next();
        } else if key.starts_with("支持的应用类型") {
            meta.app_types = words(&value);
        } else if key.starts_with("权限要求") {
            meta.permissions = parse_permissions(&value);
        } else if key.starts_with("字段权限要求") {
            meta.field_permissions = parse_permissions(&value);
        } else if key.starts_with("推送方式") {
            meta.push_modes = words(&value);
        } else {
            continue;
        }
        found = true;
    }
    found.then_some(meta)
}

/// Maps byte offsets in a page to 1-based (line, column).
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { starts }
    }

    /// 1-based line and column (in characters) of `offset`; reads the line up to `offset`, so it is for
    /// error messages, not for every row.
    pub fn position(&self, text: &str, offset: usize) -> (usize, usize) {
        let line = self.starts.partition_point(|&s| s <= offset);
        let start = self.starts[line - 1];
        let col = text.get(start..offset).map_or(1, |s| s.chars().count() + 1);
        (line, col)
    }

    pub fn line(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset)
    }
}

/// Finds one pattern in a text again and again, at positions that never go back: the occurrence found
/// last is kept until the reading passes it, so each part of the text is searched once.
pub struct NextMatch<'t> {
    text: &'t str,
    pattern: &'static str,
    /// The first occurrence at or after the position asked for last.
    found: Option<usize>,
}

impl<'t> NextMatch<'t> {
    pub fn new(text: &'t str, pattern: &'static str) -> Self {
        NextMatch {
            text,
            pattern,
            found: text.find(pattern),
        }
    }

    /// The first occurrence at or after `at`, which must not be smaller than in the call before.
    pub fn at_or_after(&mut self, at: usize) -> Option<usize> {
        if self.found.is_some_and(|f| f < at) {
            self.found = self.text[at..].find(self.pattern).map(|p| p + at);
        }
        self.found
    }
}

/// The value of `name="…"` (or `name='…'`) inside a tag's text.
pub fn attribute<'t>(tag: &'t str, name: &str) -> Option<&'t str> {
    for quote in ['"', '\''] {
        let pattern = format!("{name}={quote}");
        if let Some(pos) = tag.find(&pattern) {
            let rest = &tag[pos + pattern.len()..];
            return rest.find(quote).map(|end| &rest[..end]);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pipe_cells_keep_escaped_pipes() {
        assert_eq!(pipe_cells("| a | b \\| c |"), ["a", "b | c"]);
        assert_eq!(pipe_cells("x | y |"), ["x", "y"]);
    }

    #[test]
    fn front_matter_fields() {
        let lines = ["---", "title: \"T\"", "updateTime: \"17\"", "---", "# T"];
        assert_eq!(
            front_matter(&lines),
            (Some("T".into()), Some("17".into()), 4)
        );
    }

    #[test]
    fn doc_links_are_dropped() {
        assert_eq!(
            drop_doc_links("可接收事件{使用示例}(url=/api?x=1)"),
            "可接收事件"
        );
    }

    #[test]
    fn strips_tags_but_not_comparisons() {
        assert_eq!(
            strip_tags("<md-perm name=\"a\">x</md-perm> a < b"),
            "x a < b"
        );
    }
}
