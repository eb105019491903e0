//! The converted-markdown rendering: pipe tables, nested rows `&nbsp;&nbsp;└ \`name\`` (two `&nbsp;` per
//! level), enums inline (`` - `1`: label ``), `<br>` line breaks, ```` ```json ```` examples.

use super::cell::{parse_cell, unescape};
use super::common::{decode_entities, event_meta, front_matter, is_separator, pipe_cells};
use super::detect::is_field_header;
use super::error::Located;
use super::model::Rendering;
use super::raw::{Ctx, Depth, RawPage, Row};
use super::source::title_and_description;

/// Parses a page in the markdown rendering.
pub fn parse(text: &str, ctx: &mut Ctx) -> Result<RawPage, Located> {
    let lines: Vec<&str> = text.lines().collect();
    let (fm_title, update_time, body_start) = front_matter(&lines);
    let (heading_title, description) = title_and_description(&lines[body_start..]);
    let (rows, table_end) = body_rows(&lines, ctx)?;
    Ok(RawPage {
        rendering: Rendering::Markdown,
        title: fm_title.or(heading_title),
        description,
        update_time,
        event: event_meta(&key_value_rows(&lines)),
        rows,
        example: fenced_example(&lines, table_end, ctx)?,
        warnings: Vec::new(),
    })
}

/// The (key, value) rows of the `| 项目 | 值 |` table.
pub fn key_value_rows(lines: &[&str]) -> Vec<(String, String)> {
    let Some(header) = lines.iter().position(|l| {
        let cells = pipe_cells(l);
        l.trim_start().starts_with('|')
            && cells.len() == 2
            && (cells[0] == "项目" || cells[0] == "基本")
    }) else {
        return Vec::new();
    };
    lines[header + 1..]
        .iter()
        .take_while(|l| l.trim_start().starts_with('|'))
        .filter(|l| !l.contains("---"))
        .map(|l| pipe_cells(l))
        .filter(|cells| cells.len() >= 2)
        .map(|cells| (cells[0].clone(), cells[1].clone()))
        .collect()
}

/// The rows of the first field table, and the index of the line after it.
fn body_rows(lines: &[&str], ctx: &mut Ctx) -> Result<(Vec<Row>, usize), Located> {
    let Some(header) = lines.iter().position(|l| is_field_header(l)) else {
        return Ok((Vec::new(), 0));
    };
    let mut rows = Vec::new();
    let mut end = lines.len();
    for (i, line) in lines.iter().enumerate().skip(header + 1) {
        let t = line.trim();
        if !t.starts_with('|') {
            end = i;
            break;
        }
        if is_separator(t) {
            continue;
        }
        rows.push(row(t, i + 1)?);
    }
    if let Some(further) = lines[end..].iter().position(|l| is_field_header(l)) {
        ctx.warn(
            end + further + 1,
            "a further field table: only the first table of a page is read",
        );
    }
    Ok((rows, end))
}

fn row(line: &str, number: usize) -> Result<Row, Located> {
    let cells = pipe_cells(line);
    if cells.len() < 3 || !line.ends_with('|') {
        return Err(Located::new(
            number,
            line.len().min(1),
            format!("truncated table row: expected 3 cells (name | type | description) closed by `|`, found {}", cells.len()),
        ));
    }
    let name_cell = cells[0].as_str();
    let indent = name_cell.matches("&nbsp;").count();
    let name = name_cell.replace("&nbsp;", "");
    let name = name.trim().trim_start_matches('└').trim().trim_matches('`');
    let name = unescape(name.trim());
    if name.is_empty() {
        return Err(Located::new(number, 1, "a table row without a field name"));
    }
    let doc_type = unescape(cells[1].trim_matches('`').trim());
    let description = decode_entities(
        &cells[2..]
            .join(" | ")
            .replace("<br>", "\n")
            .replace("<br/>", "\n"),
    );
    let cell = parse_cell(&description).map_err(|m| Located::new(number, 1, m))?;
    Ok(Row {
        name,
        doc_type,
        cell,
        line: number,
        depth: Depth::Exact(indent / 2),
    })
}

/// The first ```` ```json ```` block at or after line index `from`.
pub fn fenced_example(
    lines: &[&str],
    from: usize,
    ctx: &mut Ctx,
) -> Result<Option<serde_json::Value>, Located> {
    let Some(open) = lines[from..]
        .iter()
        .position(|l| {
            let t = l.trim();
            t.starts_with("```") && t.trim_start_matches('`').trim() == "json"
        })
        .map(|p| p + from)
    else {
        return Ok(None);
    };
    let Some(close) = lines[open + 1..]
        .iter()
        .position(|l| l.trim() == "```")
        .map(|p| p + open + 1)
    else {
        return Err(Located::new(open + 1, 1, "unclosed ```json block"));
    };
    let body = lines[open + 1..close].join("\n");
    ctx.example(&body, open + 2, 1, true)
}
