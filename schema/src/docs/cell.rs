//! Takes a description cell apart: prose, enum list, validation rules, field permission.
//!
//! Every rendering first brings its cell into one plain form (markup removed, `<br>` as a line break,
//! enum items as `` - `key`: label `` or glued `key:label`); this module reads that form.

use super::model::{Cell, EnumItem, Permission, Rules};

const ENUM_MARKERS: [&str; 2] = ["可选值有", "可能值有"];
const RULES_MARKER: &str = "数据校验规则";
const PERMISSION_MARKER: &str = "字段权限要求";
const EXAMPLE_MARKER: &str = "示例值";
/// Tags some renderings glue to a permission label: which app types it applies to.
const APP_TYPE_TAGS: [&str; 3] = ["仅自建应用", "仅商店应用", "自建应用商店应用"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Section {
    Enum,
    Rules,
    Permission,
    Example,
}

/// Parses a cell in plain form. `Err` carries a message for a list that cannot be read.
pub fn parse_cell(text: &str) -> Result<Cell, String> {
    parse_cell_with_items(text, Vec::new())
}

/// Parses a cell whose enum items were already taken out (the doc source delimits each one); the
/// `可选值有` marker is then followed by nothing.
pub fn parse_cell_with_items(text: &str, items: Vec<EnumItem>) -> Result<Cell, String> {
    let sections = split_sections(text);
    let mut cell = Cell {
        description: clean_prose(&sections.prose),
        ..Cell::default()
    };
    cell.bit_flags = cell
        .description
        .as_deref()
        .is_some_and(|d| d.contains("bit 位") || d.contains("bit位") || d.contains("按位"));
    for (section, body) in sections.parts {
        match section {
            Section::Enum if !items.is_empty() => {}
            Section::Enum => cell.enum_items.extend(parse_enum_list(&body)?),
            Section::Rules => merge_rules(&mut cell.rules, parse_rules(&body)),
            Section::Permission => cell.permissions.extend(parse_permissions(&body)),
            Section::Example => cell.example = cell.example.take().or_else(|| example_value(&body)),
        }
    }
    if !items.is_empty() {
        cell.enum_items = items;
    }
    Ok(cell)
}

struct Sections {
    prose: String,
    parts: Vec<(Section, String)>,
}

/// The text after a marker with a short qualifier in parentheses (`（满足任一）`, `(any of)`) and the
/// bold that may close around it skipped; unchanged when no qualifier follows. A qualifier is at most
/// 16 characters, the parentheses included, on one line; no more of the text than that is read.
fn after_qualifier(after: &str) -> &str {
    let trimmed = after.trim_start_matches('*').trim_start();
    let close = match trimmed.chars().next() {
        Some('（') => '）',
        Some('(') => ')',
        _ => return after,
    };
    let end = trimmed
        .char_indices()
        .take(17)
        .find(|&(_, c)| c == close || c == '\n');
    match end {
        Some((end, c)) if c == close => &trimmed[end + close.len_utf8()..],
        _ => after,
    }
}

/// The section markers of one cell (`**可选值有**：`, `数据校验规则:`, `**字段权限要求（满足任一）**：`, …),
/// found in order. Each marker's next occurrence is kept until the reading passes it, so the cell is read
/// once per marker however many sections it has.
struct Markers<'t> {
    text: &'t str,
    /// Each marker word, its section and its next occurrence that opens a section.
    next: Vec<(&'static str, Section, Option<Found>)>,
}

/// Where a marker opens a section: the marker word, the section's start (a `**` before the word
/// included) and the end of the marker (its colon included).
#[derive(Clone, Copy)]
struct Found {
    word: usize,
    start: usize,
    end: usize,
}

impl<'t> Markers<'t> {
    fn new(text: &'t str) -> Self {
        let words = ENUM_MARKERS.iter().map(|m| (*m, Section::Enum)).chain([
            (RULES_MARKER, Section::Rules),
            (PERMISSION_MARKER, Section::Permission),
            (EXAMPLE_MARKER, Section::Example),
        ]);
        let next = words
            .map(|(word, section)| (word, section, find_marker(text, word, 0)))
            .collect();
        Markers { text, next }
    }

    /// The first marker whose word is at or after `from`: (start, end, section). `from` must not be
    /// smaller than in the call before.
    fn next_from(&mut self, from: usize) -> Option<(usize, usize, Section)> {
        let mut best: Option<(usize, usize, Section)> = None;
        for (word, section, found) in &mut self.next {
            if found.is_some_and(|f| f.word < from) {
                *found = find_marker(self.text, word, from);
            }
            if let Some(f) = *found {
                if best.is_none_or(|(b, _, _)| f.start < b) {
                    best = Some((f.start, f.end, *section));
                }
            }
        }
        best
    }
}

/// The first occurrence of the marker `word` at or after `from` that a colon follows (after a
/// qualifier and bold, if any).
fn find_marker(text: &str, word: &str, from: usize) -> Option<Found> {
    let mut search = from;
    while let Some(pos) = text[search..].find(word).map(|p| p + search) {
        let after = after_qualifier(&text[pos + word.len()..]);
        let trimmed = after.trim_start_matches('*').trim_start();
        let colon = trimmed
            .strip_prefix(':')
            .or_else(|| trimmed.strip_prefix('：'));
        if let Some(rest) = colon {
            let start = if text[..pos].ends_with("**") {
                pos - 2
            } else {
                pos
            };
            return Some(Found {
                word: pos,
                start,
                end: text.len() - rest.len(),
            });
        }
        search = pos + word.len();
    }
    None
}

fn split_sections(text: &str) -> Sections {
    let mut parts = Vec::new();
    let mut markers = Markers::new(text);
    let Some((first, mut end, mut section)) = markers.next_from(0) else {
        return Sections {
            prose: text.to_string(),
            parts,
        };
    };
    let prose = text[..first].to_string();
    loop {
        match markers.next_from(end) {
            Some((start, next_end, next_section)) => {
                parts.push((section, text[end..start].to_string()));
                end = next_end;
                section = next_section;
            }
            None => {
                parts.push((section, text[end..].to_string()));
                break;
            }
        }
    }
    Sections { prose, parts }
}

/// The example value of a `示例值` section: its first non-empty line, bold and backticks removed.
fn example_value(body: &str) -> Option<String> {
    let line = body.lines().map(str::trim).find(|l| !l.is_empty())?;
    let value = unescape(line.trim_matches('*').trim()).replace('`', "");
    let value = value.trim();
    (!value.is_empty()).then(|| value.to_owned())
}

/// Trims every line, drops empty ones, unescapes markdown; `None` for nothing or `-`.
pub fn clean_prose(text: &str) -> Option<String> {
    let joined = text
        .lines()
        .map(|l| unescape(l.trim()))
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n");
    let joined = joined.trim().to_string();
    if joined.is_empty() || joined == "-" {
        None
    } else {
        Some(joined)
    }
}

/// Removes markdown backslash escapes (`\-`, `\[`, `\_`).
pub fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(&next) = chars.peek() {
                if next.is_ascii_punctuation() {
                    out.push(next);
                    chars.next();
                    continue;
                }
            }
        }
        out.push(c);
    }
    out
}

fn is_colon(c: char) -> bool {
    c == ':' || c == '：'
}

/// Reads an enum list: dashed items (`- 1: a - 2: b`, `` - `1`: a ``) or glued ones (`1:a2:b`).
fn parse_enum_list(body: &str) -> Result<Vec<EnumItem>, String> {
    let body = body.replace("**", "");
    let body = body.trim();
    if body.is_empty() {
        return Ok(Vec::new());
    }
    let starts = dashed_item_starts(body);
    let items = if starts.is_empty() {
        let glued = parse_glued(body);
        if glued.is_empty() {
            parse_listed_in_prose(body)
        } else {
            glued
        }
    } else {
        let mut items = Vec::new();
        for (i, &(start, key, label_start)) in starts.iter().enumerate() {
            let _ = start;
            let end = starts.get(i + 1).map_or(body.len(), |s| s.0);
            items.push(EnumItem {
                value: key.to_string(),
                label: clean_label(&body[label_start..end]),
            });
        }
        items
    };
    if items.is_empty() {
        return Err(format!("cannot read the value list `{}`", shorten(body)));
    }
    Ok(items)
}

/// Values named in a sentence: `info、success、error、和 warning。…` (each value its own label). Only
/// the first sentence is read; every item must be a plain value (letters, digits, `_`, `-`, `.`).
fn parse_listed_in_prose(body: &str) -> Vec<EnumItem> {
    let sentence = body
        .split(['。', '\n'])
        .next()
        .unwrap_or_default()
        .trim_end_matches(['.', ' ']);
    let mut items = Vec::new();
    for part in sentence.split(['、', ',', '，']) {
        let part = part.trim();
        let value = ["和", "或", "及", "and ", "or "]
            .iter()
            .find_map(|conjunction| part.strip_prefix(conjunction))
            .unwrap_or(part)
            .trim()
            .trim_matches('`');
        let plain = !value.is_empty()
            && value
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c));
        if !plain {
            return Vec::new();
        }
        items.push(EnumItem {
            value: value.to_owned(),
            label: value.to_owned(),
        });
    }
    if items.len() < 2 {
        return Vec::new();
    }
    items
}

pub fn clean_label(text: &str) -> String {
    unescape(
        &text
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .replace('`', ""),
    )
}

/// Positions of dashed items (`-` or `*` bullets): (start of the bullet, key, start of label).
fn dashed_item_starts(body: &str) -> Vec<(usize, &str, usize)> {
    let mut out = Vec::new();
    for (pos, c) in body.char_indices() {
        if c != '-' && c != '*' {
            continue;
        }
        let at_boundary = body[..pos]
            .chars()
            .next_back()
            .is_none_or(char::is_whitespace);
        if !at_boundary {
            continue;
        }
        let after = &body[pos + 1..];
        let rest = after.trim_start();
        if rest.len() == after.len() {
            continue;
        }
        let key_offset = body.len() - rest.len();
        if let Some((key, label_start)) = read_key(body, key_offset) {
            out.push((pos, key, label_start));
        }
    }
    out
}

/// Reads `` `key` `` or a bare key at `at`, then a colon; returns the key and where the label starts.
fn read_key(body: &str, at: usize) -> Option<(&str, usize)> {
    let rest = &body[at..];
    let (key, after) = if let Some(inner) = rest.strip_prefix('`') {
        let close = inner.find('`')?;
        (&inner[..close], &inner[close + 1..])
    } else {
        let end = rest.find(|c: char| c.is_whitespace() || is_colon(c))?;
        (&rest[..end], &rest[end..])
    };
    let key = key.trim();
    let bare = !rest.starts_with('`');
    if key.is_empty() || key.contains('`') || (bare && !key.chars().all(|c| c.is_ascii_graphic())) {
        return None;
    }
    let after_trim = after.trim_start();
    let mut chars = after_trim.chars();
    let colon = chars.next()?;
    if !is_colon(colon) {
        return None;
    }
    let label_start = body.len() - chars.as_str().len();
    Some((key, label_start))
}

/// Reads glued items `1:普通权限2:高级权限`: a key is the run of ASCII word characters right before a
/// colon (digits only when the first key is a number).
fn parse_glued(body: &str) -> Vec<EnumItem> {
    let colons: Vec<usize> = body
        .char_indices()
        .filter(|&(_, c)| is_colon(c))
        .map(|(i, _)| i)
        .collect();
    let Some(&first_colon) = colons.first() else {
        return Vec::new();
    };
    let first_key = body[..first_colon].trim();
    if first_key.is_empty() || !first_key.chars().all(is_key_char) {
        return Vec::new();
    }
    let numeric = first_key.chars().all(|c| c.is_ascii_digit() || c == '-');
    let key_start = |colon: usize| -> usize {
        let before = &body[..colon];
        let run = before
            .char_indices()
            .rev()
            .take_while(|&(_, c)| {
                if numeric {
                    c.is_ascii_digit() || c == '-'
                } else {
                    c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '.'
                }
            })
            .last()
            .map_or(colon, |(i, _)| i);
        run
    };
    // (key start, colon) for every colon that has a key before it.
    let mut keys: Vec<(usize, usize)> = Vec::new();
    for &colon in &colons {
        let start = if keys.is_empty() {
            body.len() - body.trim_start().len()
        } else {
            key_start(colon)
        };
        if start < colon {
            keys.push((start, colon));
        }
    }
    let mut items = Vec::new();
    for (i, &(start, colon)) in keys.iter().enumerate() {
        let end = keys.get(i + 1).map_or(body.len(), |k| k.0);
        let colon_len = body[colon..].chars().next().map_or(1, char::len_utf8);
        if colon + colon_len > end {
            continue;
        }
        items.push(EnumItem {
            value: body[start..colon].trim().to_string(),
            label: clean_label(&body[colon + colon_len..end]),
        });
    }
    items
}

fn is_key_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.'
}

/// The first 40 characters of `text`, and `…` when there are more.
pub fn shorten(text: &str) -> String {
    let short: String = text.chars().take(40).collect();
    if short.len() < text.len() {
        format!("{short}…")
    } else {
        short
    }
}

fn merge_rules(into: &mut Rules, from: Rules) {
    into.min_length = into.min_length.or(from.min_length);
    into.max_length = into.max_length.or(from.max_length);
    into.minimum = into.minimum.or(from.minimum);
    into.maximum = into.maximum.or(from.maximum);
    if into.default.is_none() {
        into.default = from.default;
    }
}

/// Reads `最小长度：1 字符`, `长度范围：0 ～ 200`, `取值范围：1 ~ 100`, `最大值`, `最小值`, `默认值`.
fn parse_rules(body: &str) -> Rules {
    let text = body
        .replace(['`', '*'], "")
        .replace('：', ":")
        .replace(['～', '〜'], "~");
    let mut rules = Rules::default();
    let numbers_after = |key: &str| -> Vec<f64> {
        let Some(pos) = text.find(key) else {
            return Vec::new();
        };
        let rest = text[pos + key.len()..].trim_start().trim_start_matches(':');
        read_numbers(rest)
    };
    if let [min, max, ..] = numbers_after("长度范围")[..] {
        rules.min_length = to_count(min);
        rules.max_length = to_count(max);
    }
    if let [min, ..] = numbers_after("最小长度")[..] {
        rules.min_length = to_count(min);
    }
    if let [max, ..] = numbers_after("最大长度")[..] {
        rules.max_length = to_count(max);
    }
    if let [min, max, ..] = numbers_after("取值范围")[..] {
        rules.minimum = Some(min);
        rules.maximum = Some(max);
    }
    if let [min, ..] = numbers_after("最小值")[..] {
        rules.minimum = Some(min);
    }
    if let [max, ..] = numbers_after("最大值")[..] {
        rules.maximum = Some(max);
    }
    if let Some(pos) = text.find("默认值") {
        let rest = text[pos + "默认值".len()..]
            .trim_start()
            .trim_start_matches(':');
        let value: String = rest
            .trim_start()
            .split(|c: char| c.is_whitespace() || c == '-')
            .next()
            .unwrap_or("")
            .to_string();
        if !value.is_empty() {
            rules.default = Some(value);
        }
    }
    rules
}

fn to_count(n: f64) -> Option<u64> {
    (n >= 0.0 && n.fract() == 0.0 && n < 1e15).then_some(n as u64)
}

/// Reads up to two numbers: `1`, `0 ~ 200`, `-5~5`.
fn read_numbers(text: &str) -> Vec<f64> {
    let mut out = Vec::new();
    let mut rest = text.trim_start();
    for _ in 0..2 {
        let len = rest
            .char_indices()
            .take_while(|&(i, c)| c.is_ascii_digit() || c == '.' || (i == 0 && c == '-'))
            .count();
        let Ok(n) = rest[..len].parse::<f64>() else {
            break;
        };
        out.push(n);
        rest = rest[len..].trim_start();
        match rest.strip_prefix('~').or_else(|| rest.strip_prefix("到")) {
            Some(r) => rest = r.trim_start(),
            None => break,
        }
    }
    out
}

/// Reads permissions: scopes (`contact:user.employee_id:readonly`, maybe in backticks) each followed by
/// its label, or labels alone. A leading tip (`…不建议申请`) and glued app-type tags are dropped.
pub fn parse_permissions(body: &str) -> Vec<Permission> {
    let mut text = body.replace(['`', '*'], " ");
    if let Some(pos) = text.find("不建议申请") {
        text = text[pos + "不建议申请".len()..].to_string();
    }
    let text = text.trim_start_matches(|c: char| c == ':' || c == '：' || c.is_whitespace());
    let tokens: Vec<&str> = text.split_whitespace().collect();
    let mut perms: Vec<Permission> = Vec::new();
    let mut label_words: Vec<&str> = Vec::new();
    let flush = |perms: &mut Vec<Permission>, words: &mut Vec<&str>| {
        let label = strip_app_tags(&words.join(" "));
        words.clear();
        match perms.last_mut() {
            Some(last) if last.label.is_none() && last.scope.is_some() => {
                last.label = (!label.is_empty()).then_some(label);
            }
            _ if !label.is_empty() => perms.push(Permission {
                scope: None,
                label: Some(label),
            }),
            _ => {}
        }
    };
    for token in tokens {
        if token == ">" || token.eq_ignore_ascii_case("tip:") {
            continue;
        }
        if is_scope(token) {
            flush(&mut perms, &mut label_words);
            perms.push(Permission {
                scope: Some(token.to_string()),
                label: None,
            });
        } else if let Some((label_end, scope)) = scope_in_parentheses(token) {
            if perms
                .last()
                .is_some_and(|p| p.scope.is_some() && p.label.is_none())
            {
                flush(&mut perms, &mut label_words);
            }
            label_words.push(label_end);
            let label = strip_app_tags(&label_words.join(" "));
            label_words.clear();
            perms.push(Permission {
                scope: Some(scope.to_string()),
                label: (!label.is_empty()).then_some(label),
            });
        } else {
            label_words.push(token);
        }
    }
    flush(&mut perms, &mut label_words);
    perms
}

/// A label's last word with its scope glued on in parentheses, as flat tables write a permission
/// (`ID(contact:user.employee_id:readonly)`, full-width parentheses too): (that word, the scope).
fn scope_in_parentheses(token: &str) -> Option<(&str, &str)> {
    let inner = token
        .strip_suffix(')')
        .or_else(|| token.strip_suffix('）'))?;
    let open = inner.rfind(['(', '（'])?;
    let open_len = inner[open..].chars().next().map_or(1, char::len_utf8);
    let scope = &inner[open + open_len..];
    is_scope(scope).then_some((&inner[..open], scope))
}

/// `contact:user.employee_id:readonly`: ASCII, at least one colon, no colon at either end.
fn is_scope(token: &str) -> bool {
    token.contains(':')
        && !token.starts_with(':')
        && !token.ends_with(':')
        && token.starts_with(|c: char| c.is_ascii_lowercase())
        && token
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_.:-".contains(c))
}

fn strip_app_tags(label: &str) -> String {
    let mut label = label.trim();
    while let Some(stripped) = APP_TYPE_TAGS.iter().find_map(|tag| label.strip_suffix(tag)) {
        label = stripped.trim_end();
    }
    label.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(cell: &Cell) -> Vec<(&str, &str)> {
        cell.enum_items
            .iter()
            .map(|i| (i.value.as_str(), i.label.as_str()))
            .collect()
    }

    #[test]
    fn dashed_enum_with_backticks() {
        let cell =
            parse_cell("权限等级描述\n**可选值有**：\n- `1`: 普通权限 - `2`: 高级权限").unwrap();
        assert_eq!(cell.description.as_deref(), Some("权限等级描述"));
        assert_eq!(items(&cell), [("1", "普通权限"), ("2", "高级权限")]);
    }

    #[test]
    fn dashed_enum_inline_then_rules() {
        let cell = parse_cell(
            "返回两个。 可选值有: - tenant: 应用身份类型 - user: 用户身份类型数据校验规则: - 长度范围: 0 ~ 200",
        )
        .unwrap();
        assert_eq!(
            items(&cell),
            [("tenant", "应用身份类型"), ("user", "用户身份类型")]
        );
        assert_eq!(cell.rules.min_length, Some(0));
        assert_eq!(cell.rules.max_length, Some(200));
        assert_eq!(cell.description.as_deref(), Some("返回两个。"));
    }

    #[test]
    fn values_named_in_a_sentence() {
        let cell = parse_cell(
            "弹窗提示的类型。可选值有：info、success、error、和 warning。\n\n  不同的值的展示效果如下图所示：",
        )
        .unwrap();
        assert_eq!(
            items(&cell),
            [
                ("info", "info"),
                ("success", "success"),
                ("error", "error"),
                ("warning", "warning")
            ]
        );
        assert!(parse_cell("类型。可选值有：一种、两种。").is_err());
    }

    #[test]
    fn star_bullets() {
        let cell = parse_cell("类型\n**可选值有**：\n* `1`：社招\n\n* `2`：校招").unwrap();
        assert_eq!(items(&cell), [("1", "社招"), ("2", "校招")]);
    }

    #[test]
    fn glued_enum_numeric_and_words() {
        let cell =
            parse_cell("pc 模式,bit 位表示可选值有:1:sidebar 模式2:pc 模式4:主导航模式").unwrap();
        assert_eq!(
            items(&cell),
            [("1", "sidebar 模式"), ("2", "pc 模式"), ("4", "主导航模式")]
        );
        assert!(cell.bit_flags);
        let cell = parse_cell("key可选值有:zh_cn:中文en_us:英文ja_jp:日文").unwrap();
        assert_eq!(
            items(&cell),
            [("zh_cn", "中文"), ("en_us", "英文"), ("ja_jp", "日文")]
        );
    }

    #[test]
    fn rules_in_each_syntax() {
        let a = parse_cell("名称\n**数据校验规则**：\n- 最小长度：`1` 字符").unwrap();
        let b = parse_cell("名称数据校验规则:最小长度:1 字符").unwrap();
        assert_eq!(a.rules.min_length, Some(1));
        assert_eq!(a, b);
        let c = parse_cell("x 数据校验规则: - 取值范围: `-5` ～ `10`").unwrap();
        assert_eq!((c.rules.minimum, c.rules.maximum), (Some(-5.0), Some(10.0)));
    }

    #[test]
    fn permissions_with_and_without_scope() {
        let cell = parse_cell(
            "用户的 user id 字段权限要求: contact:user.employee_id:readonly 获取用户 user ID",
        )
        .unwrap();
        assert_eq!(cell.description.as_deref(), Some("用户的 user id"));
        assert_eq!(
            cell.permissions,
            [Permission {
                scope: Some("contact:user.employee_id:readonly".into()),
                label: Some("获取用户 user ID".into())
            }]
        );
        let cell = parse_cell("用户的 user id字段权限要求:获取用户 user ID仅自建应用").unwrap();
        assert_eq!(
            cell.permissions[0].label.as_deref(),
            Some("获取用户 user ID")
        );
        assert_eq!(cell.permissions[0].scope, None);
    }

    #[test]
    fn a_qualified_permission_marker_ends_the_enum_list() {
        // contact.scope.updated_v3, `gender`, in the markdown rendering (`<br>` as line breaks).
        let cell = parse_cell(
            "性别。\n**可选值有**：\n- `0`: 保密。 - `1`: 男。 - `2`: 女。\n**字段权限要求（满足任一）**： `contact:contact:readonly_as_app` 以应用身份读取通讯录 `contact:user.gender:readonly` 获取用户性别",
        )
        .unwrap();
        assert_eq!(
            items(&cell),
            [("0", "保密。"), ("1", "男。"), ("2", "女。")]
        );
        assert_eq!(cell.description.as_deref(), Some("性别。"));
        assert_eq!(
            cell.permissions,
            [
                Permission {
                    scope: Some("contact:contact:readonly_as_app".into()),
                    label: Some("以应用身份读取通讯录".into())
                },
                Permission {
                    scope: Some("contact:user.gender:readonly".into()),
                    label: Some("获取用户性别".into())
                }
            ]
        );
        // The same marker in prose, without a colon, is no section.
        let cell = parse_cell("受字段权限要求（见下文）影响").unwrap();
        assert_eq!(
            cell.description.as_deref(),
            Some("受字段权限要求（见下文）影响")
        );
        assert!(cell.permissions.is_empty());
    }

    #[test]
    fn permissions_with_the_scope_in_parentheses_after_the_label() {
        let cell = parse_cell(
            "性别。\n字段权限要求（满足任一）：\n获取用户性别(contact:user.gender:readonly) 获取用户 user ID（contact:user.employee_id:readonly）",
        )
        .unwrap();
        assert_eq!(
            cell.permissions,
            [
                Permission {
                    scope: Some("contact:user.gender:readonly".into()),
                    label: Some("获取用户性别".into())
                },
                Permission {
                    scope: Some("contact:user.employee_id:readonly".into()),
                    label: Some("获取用户 user ID".into())
                }
            ]
        );
    }

    #[test]
    fn dash_alone_is_no_description() {
        assert_eq!(parse_cell("\\-").unwrap().description, None);
        assert_eq!(parse_cell("  ").unwrap(), Cell::default());
    }

    #[test]
    fn unreadable_enum_list_is_an_error() {
        assert!(parse_cell("可选值有: 见下文").is_err());
    }
}
