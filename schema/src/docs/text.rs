//! The rendered-text rendering (seed 000): title and description as plain lines, a `| 项目 | 值 |` event
//! table, body rows `name | type | description |` with nested rows starting `└ ` (their depth is lost),
//! enums and rules inline, an unfenced example after a `json` line.

use super::cell::{parse_cell, unescape};
use super::common::{decode_entities, event_meta};
use super::error::Located;
use super::markdown::key_value_rows;
use super::model::Rendering;
use super::pipe::{bodies, CellRow, Columns};
use super::raw::{Ctx, Depth, RawPage, Row};

/// Parses a page in the text rendering; `api` says whether it documents a server API.
pub fn parse(text: &str, api: bool, ctx: &mut Ctx) -> Result<RawPage, Located> {
    let lines: Vec<&str> = text.lines().collect();
    let (title, description) = title_and_description(&lines);
    let split_name = |name: &str| match name.strip_prefix('└') {
        Some(rest) => (rest.trim().to_string(), Depth::Nested),
        None => (name.to_string(), Depth::Top),
    };
    let (body, request) = bodies(
        &lines,
        api,
        ctx,
        |r, c| plain_row(r, c, split_name),
        unfenced_example,
    )?;
    Ok(RawPage {
        rendering: Rendering::Text,
        title,
        description,
        update_time: None,
        event: event_meta(&key_value_rows(&lines)),
        body,
        request,
        path: None,
        query: None,
        answer: None,
    })
}

/// The first line is the title, the lines up to the `事件` heading (or a table) the description.
fn title_and_description(lines: &[&str]) -> (Option<String>, Option<String>) {
    let mut plain = lines
        .iter()
        .map(|l| l.trim())
        .take_while(|l| *l != "事件" && !l.starts_with('|'))
        .filter(|l| !l.is_empty());
    let title = plain.next().map(str::to_string);
    let description = plain.collect::<Vec<_>>().join("\n");
    (title, (!description.is_empty()).then_some(description))
}

/// A row of a table without markup in its cells; `split_name` tells the name cell's depth.
pub fn plain_row(
    cells: &CellRow,
    columns: Columns,
    split_name: impl Fn(&str) -> (String, Depth),
) -> Result<Row, Located> {
    let (name, depth) = split_name(cells.cells[0].trim());
    let name = unescape(&name);
    if name.is_empty() {
        return Err(Located::new(
            cells.line,
            1,
            "a table row without a field name",
        ));
    }
    let description = decode_entities(&cells.description(columns));
    let cell = parse_cell(&description).map_err(|m| Located::new(cells.line, 1, m))?;
    Ok(Row {
        name,
        doc_type: unescape(&decode_entities(&cells.cells[1])),
        cell,
        line: cells.line,
        depth,
        required: cells.required(columns),
    })
}

/// An example not fenced: the JSON value starting on the first line that begins with `{` at or after `from`.
pub fn unfenced_example(
    lines: &[&str],
    from: usize,
    ctx: &mut Ctx,
) -> Result<Option<serde_json::Value>, Located> {
    let Some(start) = lines[from..]
        .iter()
        .position(|l| l.trim_start().starts_with('{'))
        .map(|p| p + from)
    else {
        return Ok(None);
    };
    let rest = lines[start..].join("\n");
    ctx.example(&rest, start + 1, 1, false)
}
