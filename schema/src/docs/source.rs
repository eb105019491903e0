//! The doc source rendering: `<md-dt-tr level="N">` rows, `<md-enum-item>`, `<md-perm>`, `<md-table>` or a
//! flattened pipe table for the event, `<md-code-json>` or ```` ```json ```` examples, YAML front matter.

use super::cell::{clean_label, parse_cell_with_items, unescape};
use super::common::{
    attribute, decode_entities, drop_doc_links, event_meta, front_matter, pipe_cells, strip_tags,
    LineIndex, NextMatch,
};
use super::error::Located;
use super::model::{EnumItem, EventMeta, Permission, Rendering};
use super::raw::{required_cell, Ctx, Depth, RawBody, RawPage, Row};
use super::section::{roles_at, Picked};

/// Parses a page in the doc source rendering; `api` says whether it documents a server API.
pub fn parse(text: &str, api: bool, ctx: &mut Ctx) -> Result<RawPage, Located> {
    let index = LineIndex::new(text);
    let lines: Vec<&str> = text.lines().collect();
    let (fm_title, update_time, body_start) = front_matter(&lines);
    let (heading_title, description) = title_and_description(&lines[body_start..]);
    let tables = body_tables(text, &index)?;
    let table_lines: Vec<usize> = tables
        .iter()
        .map(|&(open, _)| index.line(open) - 1)
        .collect();
    let roles = roles_at(&lines, &table_lines);
    let picked = Picked::from_roles(&roles, api);
    for &i in &picked.further {
        ctx.warn(
            index.line(tables[i].0),
            "a further body table: only the first table of a page is read",
        );
    }
    // A body table is followed by its example; a parameter table has none.
    let read = |i: Option<usize>, with_example: bool, ctx: &mut Ctx| {
        let Some(i) = i else { return Ok(None) };
        let (open, close) = tables[i];
        let rows = parse_rows(text, open, close, &index)?;
        let limit = picked.next_after(i).map_or(text.len(), |j| tables[j].0);
        let example = match with_example {
            true => find_example(&text[..limit], close, &index, ctx)?,
            false => None,
        };
        Ok::<_, Located>(Some(RawBody { rows, example }))
    };
    let body = read(picked.main, true, ctx)?.unwrap_or_default();
    let request = read(picked.request, true, ctx)?;
    let path = read(picked.path, false, ctx)?;
    let query = read(picked.query, false, ctx)?;
    let answer = read(picked.answer, true, ctx)?;
    Ok(RawPage {
        rendering: Rendering::Source,
        title: fm_title.or(heading_title),
        description,
        update_time,
        event: event_table(text, &lines),
        body,
        request,
        path,
        query,
        answer,
    })
}

/// The first `# ` heading and the paragraph after it.
pub fn title_and_description(lines: &[&str]) -> (Option<String>, Option<String>) {
    let Some(pos) = lines.iter().position(|l| l.starts_with("# ")) else {
        return (None, None);
    };
    let title = lines[pos][2..].trim().to_string();
    let paragraph: Vec<String> = lines[pos + 1..]
        .iter()
        .map(|l| l.trim())
        .skip_while(|l| l.is_empty())
        .take_while(|l| {
            !l.is_empty()
                && !l.starts_with('#')
                && !l.starts_with('<')
                && !l.starts_with(":::")
                && !l.starts_with('|')
        })
        .map(|l| drop_doc_links(&strip_tags(l)))
        .collect();
    let description = paragraph.join("\n");
    (
        Some(title),
        (!description.is_empty()).then_some(description),
    )
}

/// Every `<md-dt-table>` … `</md-dt-table>`: byte ranges of their insides.
fn body_tables(text: &str, index: &LineIndex) -> Result<Vec<(usize, usize)>, Located> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(open) = text[from..].find("<md-dt-table").map(|p| p + from) {
        let Some(close) = text[open..].find("</md-dt-table>").map(|p| p + open) else {
            let (line, col) = index.position(text, open);
            return Err(Located::new(
                line,
                col,
                "unclosed <md-dt-table>: no </md-dt-table> follows",
            ));
        };
        found.push((open, close));
        from = close + 1;
    }
    Ok(found)
}

/// Which cells hold the description and the `必填` column, from the `<md-dt-th>` header.
fn columns(head: &str) -> (usize, Option<usize>) {
    let names: Vec<String> = head
        .split("<md-dt-th")
        .skip(1)
        .filter(|th| !th.starts_with("ead"))
        .map(|th| strip_tags(&format!("<x{th}")).trim().to_string())
        .collect();
    let description = names.iter().position(|n| n.starts_with("描述"));
    let required = names.iter().position(|n| n == "必填" || n == "必须");
    (description.unwrap_or(2), required)
}

fn parse_rows(
    text: &str,
    start: usize,
    end: usize,
    index: &LineIndex,
) -> Result<Vec<Row>, Located> {
    let table = &text[..end];
    let mut rows = Vec::new();
    let mut from = match table[start..].find("</md-dt-thead>") {
        Some(p) => start + p,
        None => start,
    };
    let (description_col, required_col) = columns(&table[start..from]);
    while let Some(open) = table[from..].find("<md-dt-tr").map(|p| p + from) {
        let line = index.line(open);
        // The column is counted only for an error: counting it for every row of a long line would read
        // the line again for each row.
        let error = |message: String| {
            let (line, col) = index.position(text, open);
            Located::new(line, col, message)
        };
        let tag_end = table[open..]
            .find('>')
            .map(|p| p + open)
            .ok_or_else(|| error("unclosed <md-dt-tr tag".into()))?;
        let tag = &table[open..tag_end];
        let close = table[tag_end..].find("</md-dt-tr>").map(|p| p + tag_end);
        let next_open = table[tag_end..].find("<md-dt-tr").map(|p| p + tag_end);
        let close = match (close, next_open) {
            (Some(c), Some(n)) if n < c => None,
            (c, _) => c,
        }
        .ok_or_else(|| {
            error(
                "unclosed <md-dt-tr>: no </md-dt-tr> before the next row or the end of the table"
                    .into(),
            )
        })?;
        let level = attribute(tag, "level")
            .ok_or_else(|| error("a body row without level=\"N\"".into()))?;
        let level: usize = level
            .trim()
            .parse()
            .map_err(|_| error(format!("level=\"{level}\" is not a number")))?;
        let cells = row_cells(&table[tag_end + 1..close]);
        if cells.len() < 3 || cells.len() <= description_col {
            return Err(error(format!(
                "a body row needs {} cells (name, type, description), found {}",
                (description_col + 1).max(3),
                cells.len()
            )));
        }
        let name = unescape(strip_tags(&cells[0]).trim());
        let doc_type = unescape(decode_entities(&strip_tags(&cells[1])).trim());
        if name.is_empty() {
            return Err(error("a body row without a field name".into()));
        }
        let (description, items) = description_text(&cells[description_col]);
        let cell = parse_cell_with_items(&description, items).map_err(error)?;
        rows.push(Row {
            name,
            doc_type,
            cell,
            line,
            depth: Depth::Exact(level),
            required: required_col
                .and_then(|c| cells.get(c))
                .and_then(|c| required_cell(c)),
        });
        from = close;
    }
    Ok(rows)
}

/// The insides of the `<md-dt-td>` cells of one row.
fn row_cells(row: &str) -> Vec<String> {
    let mut cells = Vec::new();
    let mut rest = row;
    while let Some(open) = rest.find("<md-dt-td") {
        let Some(tag_end) = rest[open..].find('>').map(|p| p + open) else {
            break;
        };
        let inner = &rest[tag_end + 1..];
        let close = inner.find("</md-dt-td>").unwrap_or(inner.len());
        cells.push(inner[..close].to_string());
        rest = &inner[close..];
    }
    cells
}

/// Brings a source description cell into the plain form `cell::parse_cell` reads; enum items are taken
/// out whole (a label may hold a list of its own).
fn description_text(html: &str) -> (String, Vec<EnumItem>) {
    let mut items = Vec::new();
    let mut out = String::with_capacity(html.len());
    let mut enum_items = NextMatch::new(html, "<md-enum-item");
    let mut perms = NextMatch::new(html, "<md-perm");
    let mut at = 0;
    loop {
        let (pos, close_tag) = match (enum_items.at_or_after(at), perms.at_or_after(at)) {
            (Some(i), Some(p)) if p < i => (p, "</md-perm>"),
            (Some(i), _) => (i, "</md-enum-item>"),
            (None, Some(p)) => (p, "</md-perm>"),
            (None, None) => break,
        };
        out.push_str(&html[at..pos]);
        at = pos;
        let Some(tag_end) = html[pos..].find('>').map(|p| p + pos) else {
            break;
        };
        let tag = &html[pos..tag_end];
        let inner_end = html[tag_end..]
            .find(close_tag)
            .map_or(html.len(), |p| p + tag_end);
        let inner = strip_tags(&html[tag_end + 1..inner_end]);
        let inner = inner.trim();
        if close_tag == "</md-enum-item>" {
            items.push(EnumItem {
                value: decode_entities(attribute(tag, "key").unwrap_or("")),
                label: clean_label(&decode_entities(inner)),
            });
        } else {
            let scope = attribute(tag, "name").unwrap_or("");
            let label = if inner.is_empty() {
                attribute(tag, "desc").unwrap_or("")
            } else {
                inner
            };
            out.push_str(&format!(" `{scope}` {label} "));
        }
        at = (inner_end + close_tag.len()).min(html.len());
    }
    out.push_str(&html[at..]);
    let text = decode_entities(&strip_tags(
        &out.replace("<br>", "\n").replace("<br/>", "\n"),
    ));
    (text, items)
}

/// The first `<md-code-json>` or ```` ```json ```` block after `from`.
fn find_example(
    text: &str,
    from: usize,
    index: &LineIndex,
    ctx: &mut Ctx,
) -> Result<Option<serde_json::Value>, Located> {
    let rest = &text[from..];
    let tag = rest
        .find("<md-code-json>")
        .map(|p| (p + from, "<md-code-json>", "</md-code-json>"));
    let fence = ["```json", "``` json"]
        .iter()
        .filter_map(|f| rest.find(f).map(|p| (p + from, *f, "```")))
        .min();
    let (open, open_tag, close_tag) = match (tag, fence) {
        (Some(t), Some(f)) => {
            if t.0 < f.0 {
                t
            } else {
                f
            }
        }
        (Some(t), None) => t,
        (None, Some(f)) => f,
        (None, None) => return Ok(None),
    };
    let content_start = open + open_tag.len();
    let Some(close) = text[content_start..]
        .find(close_tag)
        .map(|p| p + content_start)
    else {
        let (line, col) = index.position(text, open);
        return Err(Located::new(
            line,
            col,
            format!("unclosed {open_tag}: no {close_tag} follows"),
        ));
    };
    let (line, col) = index.position(text, content_start);
    ctx.example(&text[content_start..close], line, col, true)
}

/// The event table (a callback page's `## 回调`): `<md-table>` with `<md-th>` keys, or the flattened
/// pipe table of a rendered source.
fn event_table(text: &str, lines: &[&str]) -> Option<EventMeta> {
    let heading = lines
        .iter()
        .position(|l| matches!(l.trim(), "## 事件" | "## 回调"))?;
    let after: usize = lines[..=heading].iter().map(|l| l.len() + 1).sum();
    let after = after.min(text.len());
    let next_heading = text[after..].find("\n#").map_or(text.len(), |p| p + after);
    let section = &text[after..next_heading];
    if section.contains("<md-table") {
        Some(md_table_meta(section))
    } else {
        flattened_meta(section)
    }
}

fn md_table_meta(section: &str) -> EventMeta {
    let mut pairs = Vec::new();
    for chunk in section.split("<md-tr>").skip(1) {
        let chunk = chunk.split("</md-tr>").next().unwrap_or("");
        let Some(th_start) = chunk.find("<md-th") else {
            continue;
        };
        let th = &chunk[th_start..];
        let th_end = th.find("</md-th>").unwrap_or(th.len());
        let key_html = th[..th_end].split("<md-tooltip").next().unwrap_or("");
        let key = strip_tags(key_html).trim().to_string();
        let td = chunk.find("<md-td").map_or("", |p| &chunk[p..]);
        let td = td.split("</md-td>").next().unwrap_or("");
        let value = if let Some(app) = td.find("<md-app-support") {
            attribute(&td[app..], "types").unwrap_or("").to_string()
        } else {
            description_text(&drop_element(td, "md-alert")).0
        };
        pairs.push((key, value));
    }
    event_meta(&pairs).unwrap_or_default()
}

/// A source page rendered to text keeps the event table as one-cell rows, in a fixed order: event type,
/// app types, permissions, field permissions (after a tip about sensitive fields), push modes.
fn flattened_meta(section: &str) -> Option<EventMeta> {
    let rows: Vec<Vec<String>> = section
        .lines()
        .filter(|l| l.trim_start().starts_with('|') && !l.contains("---"))
        .map(pipe_cells)
        .collect();
    let mut values = rows
        .iter()
        .skip(1)
        .map(|cells| cells.first().cloned().unwrap_or_default());
    let mut meta = EventMeta {
        event_type: values.next().filter(|v| !v.is_empty()),
        app_types: super::common::words(&values.next().unwrap_or_default()),
        ..EventMeta::default()
    };
    for value in values {
        let plain = unescape(&strip_tags(&value.replace("<br>", "\n")));
        if value.contains('`') {
            meta.push_modes = super::common::words(&plain);
        } else if plain.contains("敏感字段") {
            let labels = plain.split("不建议申请").nth(1).unwrap_or("");
            meta.field_permissions = labels_of(labels);
        } else {
            meta.permissions.extend(labels_of(&plain));
        }
    }
    (rows.len() > 1).then_some(meta)
}

fn labels_of(text: &str) -> Vec<Permission> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| Permission {
            scope: None,
            label: Some(l.to_string()),
        })
        .collect()
}

/// Removes `<name …>…</name>` elements (e.g. the tip before a permission list).
fn drop_element(html: &str, name: &str) -> String {
    let open = format!("<{name}");
    let close = format!("</{name}>");
    let mut out = String::new();
    let mut rest = html;
    while let Some(start) = rest.find(&open) {
        out.push_str(&rest[..start]);
        match rest[start..].find(&close) {
            Some(end) => rest = &rest[start + end + close.len()..],
            None => {
                rest = "";
                break;
            }
        }
    }
    out.push_str(rest);
    out
}
