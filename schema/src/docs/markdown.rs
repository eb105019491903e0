//! The converted-markdown rendering: pipe tables, nested rows `&nbsp;&nbsp;└ \`name\`` (two `&nbsp;` per
//! level), enums inline (`` - `1`: label ``), `<br>` line breaks, ```` ```json ```` examples.

use super::cell::{parse_cell, unescape};
use super::common::{
    decode_entities, event_meta, front_matter, is_separator, pipe_cells, strip_tags,
};
use super::error::Located;
use super::model::Rendering;
use super::pipe::{bodies, CellRow, Columns};
use super::raw::{Ctx, Depth, RawPage, Row};
use super::source::title_and_description;

/// Parses a page in the markdown rendering; `api` says whether it documents a server API.
pub fn parse(text: &str, api: bool, ctx: &mut Ctx) -> Result<RawPage, Located> {
    let lines: Vec<&str> = text.lines().collect();
    let (fm_title, update_time, body_start) = front_matter(&lines);
    let (heading_title, description) = title_and_description(&lines[body_start..]);
    let (body, request) = bodies(&lines, api, ctx, row, fenced_example)?;
    Ok(RawPage {
        rendering: Rendering::Markdown,
        title: fm_title.or(heading_title),
        description,
        update_time,
        event: event_meta(&key_value_rows(&lines)),
        body,
        request,
        path: None,
        query: None,
        answer: None,
    })
}

/// The (key, value) rows of the `| 项目 | 值 |` table (also `基本`, or `名称 | 值` without outer pipes,
/// where a line ending in two spaces goes on on the next line).
pub fn key_value_rows(lines: &[&str]) -> Vec<(String, String)> {
    let Some(header) = lines.iter().position(|l| {
        l.contains('|') && {
            let cells = pipe_cells(l);
            cells.len() == 2
                && (cells[0] == "项目"
                    || cells[0] == "基本"
                    || (cells[0] == "名称" && cells[1] == "值"))
        }
    }) else {
        return Vec::new();
    };
    let mut rows: Vec<String> = Vec::new();
    let mut continues = false;
    for line in &lines[header + 1..] {
        let t = line.trim();
        if continues && !t.is_empty() {
            let last = rows.last_mut().expect("a row precedes a continuation");
            last.push('\n');
            last.push_str(t);
        } else if t.contains('|') {
            rows.push(t.to_string());
        } else {
            break;
        }
        continues = line.ends_with("  ");
    }
    rows.iter()
        .filter(|l| !is_separator(l))
        .map(|l| pipe_cells(l))
        .filter(|cells| cells.len() >= 2)
        .map(|cells| (cells[0].clone(), cells[1..].join(" | ")))
        .collect()
}

fn row(cells: &CellRow, columns: Columns) -> Result<Row, Located> {
    let number = cells.line;
    let (name, depth) = name_and_depth(&cells.cells[0]);
    if name.is_empty() {
        return Err(Located::new(number, 1, "a table row without a field name"));
    }
    let doc_type = decode_entities(&without_wrapper(&cells.cells[1]));
    let doc_type = unescape(doc_type.trim().trim_matches('`').trim());
    let description = decode_entities(
        &cells
            .description(columns)
            .replace("<br>", "\n")
            .replace("<br/>", "\n"),
    );
    let cell = parse_cell(&description).map_err(|m| Located::new(number, 1, m))?;
    Ok(Row {
        name,
        doc_type,
        cell,
        line: number,
        depth: Depth::Exact(depth),
        required: cells.required(columns),
    })
}

/// A cell without its `<md-text …>` wrapper; a cell with no closing tag is kept as it is (`map<a, b>`).
fn without_wrapper(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.contains("</") {
        strip_tags(cell).into()
    } else {
        cell.into()
    }
}

/// A name cell's field name and depth: two `&nbsp;` per level before `└`, or, in older pages, `∟` with
/// one `&emsp;` (or three `&nbsp;`) per level before it.
fn name_and_depth(cell: &str) -> (String, usize) {
    let depth = match cell.find('∟') {
        Some(mark) => {
            let before = &cell[..mark];
            let units = before.matches("&emsp;").count();
            let extra = before.matches("&nbsp;").count() / 3;
            units.max(1) + extra
        }
        None => cell.matches("&nbsp;").count() / 2,
    };
    let name = without_wrapper(cell)
        .replace("&nbsp;", "")
        .replace("&emsp;", "");
    let name = name
        .trim()
        .trim_start_matches(['└', '∟'])
        .trim()
        .trim_matches('`');
    (unescape(name.trim()), depth)
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
