//! The rendered-text rendering (seed 000): title and description as plain lines, a `| 项目 | 值 |` event
//! table, body rows `name | type | description |` with nested rows starting `└ ` (their depth is lost),
//! enums and rules inline, an unfenced example after a `json` line.

use super::cell::{parse_cell, unescape};
use super::common::{decode_entities, event_meta, is_separator, pipe_cells};
use super::detect::is_field_header;
use super::error::Located;
use super::markdown::key_value_rows;
use super::model::Rendering;
use super::raw::{Ctx, Depth, RawPage, Row};

/// Parses a page in the text rendering.
pub fn parse(text: &str, ctx: &mut Ctx) -> Result<RawPage, Located> {
    let lines: Vec<&str> = text.lines().collect();
    let header = lines.iter().position(|l| is_field_header(l));
    let (title, description) = title_and_description(&lines);
    let (rows, end) = table_rows(&lines, header, |name| match name.strip_prefix('└') {
        Some(rest) => (rest.trim().to_string(), Depth::Nested),
        None => (name.to_string(), Depth::Top),
    })?;
    Ok(RawPage {
        rendering: Rendering::Text,
        title,
        description,
        update_time: None,
        event: event_meta(&key_value_rows(&lines)),
        rows,
        example: unfenced_example(&lines, end, ctx)?,
        warnings: Vec::new(),
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

/// Reads the rows after the field table header; `split_name` tells each name cell's depth. Returns the
/// rows and the index of the first line after the table.
pub fn table_rows(
    lines: &[&str],
    header: Option<usize>,
    split_name: impl Fn(&str) -> (String, Depth),
) -> Result<(Vec<Row>, usize), Located> {
    let Some(header) = header else {
        return Ok((Vec::new(), 0));
    };
    let mut rows = Vec::new();
    for (i, line) in lines.iter().enumerate().skip(header + 1) {
        let t = line.trim();
        if is_separator(t) {
            continue;
        }
        if !t.contains('|') {
            return Ok((rows, i));
        }
        let cells = pipe_cells(t);
        if cells.len() < 3 || !t.ends_with('|') {
            return Err(Located::new(
                i + 1,
                1,
                format!("truncated table row: expected 3 cells (name | type | description) closed by `|`, found {}", cells.len()),
            ));
        }
        let (name, depth) = split_name(cells[0].trim());
        let name = unescape(&name);
        if name.is_empty() {
            return Err(Located::new(i + 1, 1, "a table row without a field name"));
        }
        let description = decode_entities(&cells[2..].join(" | "));
        let cell = parse_cell(&description).map_err(|m| Located::new(i + 1, 1, m))?;
        rows.push(Row {
            name,
            doc_type: unescape(&cells[1]),
            cell,
            line: i + 1,
            depth,
        });
    }
    Ok((rows, lines.len()))
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
