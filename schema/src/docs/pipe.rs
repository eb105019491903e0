//! Field tables written as pipe tables, with or without outer pipes: their headers, rows and the cells
//! that run over several lines (a line ending in two spaces goes on on the next line).

use serde_json::Value;

use super::common::{is_separator, pipe_cells};
use super::error::Located;
use super::raw::{Ctx, RawBody, Row};
use super::section::{roles_at, Picked};

/// Where a field table's columns are, from its header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Columns {
    /// The first description cell (cells after it belong to it too).
    pub description: usize,
    /// The `必填` / `必须` column.
    pub required: Option<usize>,
    /// The table has outer pipes (`| a | b |`).
    pub piped: bool,
}

/// The columns of a field table header: a name (`名称…`, `字段`, `参数`), a type (`类型`, `数据类型`,
/// `参数类型`), maybe `必填`, and a description (`描述…`, `说明`).
pub fn field_header(line: &str) -> Option<Columns> {
    if !line.contains('|') || !line.contains("类型") {
        return None;
    }
    let cells: Vec<String> = pipe_cells(line)
        .into_iter()
        .map(|c| c.replace("**", "").trim().to_string())
        .collect();
    if cells.len() < 3 {
        return None;
    }
    let name = &cells[0];
    let is_name = name.starts_with("名称") || name == "字段" || name == "参数";
    let is_type = ["类型", "数据类型", "参数类型"].contains(&cells[1].as_str());
    let is_description = |c: &str| c.starts_with("描述") || c == "说明";
    let (description, required) = if is_description(&cells[2]) {
        (2, None)
    } else if (cells[2] == "必填" || cells[2] == "必须")
        && cells.get(3).is_some_and(|c| is_description(c))
    {
        (3, Some(2))
    } else {
        return None;
    };
    (is_name && is_type).then_some(Columns {
        description,
        required,
        piped: line.trim_start().starts_with('|'),
    })
}

/// One row's cells and its 1-based line.
pub struct CellRow {
    pub line: usize,
    pub cells: Vec<String>,
}

/// Reads the rows after the header at line index `header`; returns them and the index of the first line
/// after the table. A row must have the header's cells; a piped row must end with `|`.
pub fn rows(
    lines: &[&str],
    header: usize,
    columns: Columns,
) -> Result<(Vec<CellRow>, usize), Located> {
    let mut out: Vec<CellRow> = Vec::new();
    let mut i = header + 1;
    let mut continues = false;
    while i < lines.len() {
        let line = lines[i];
        let t = line.trim();
        if continues && !t.is_empty() {
            let row = out.last_mut().expect("a row precedes a continuation");
            let cell = row.cells.last_mut().expect("a row has a cell");
            cell.push('\n');
            cell.push_str(t);
            continues = line.ends_with("  ");
            i += 1;
            continue;
        }
        if is_separator(t) {
            i += 1;
            continue;
        }
        if !t.contains('|') {
            break;
        }
        let cells = pipe_cells(t);
        if cells.len() <= columns.description || (columns.piped && !t.ends_with('|')) {
            return Err(Located::new(
                i + 1,
                1,
                format!(
                    "truncated table row: expected {} cells (name | type | description){}, found {}",
                    columns.description + 1,
                    if columns.piped { " closed by `|`" } else { "" },
                    cells.len()
                ),
            ));
        }
        out.push(CellRow { line: i + 1, cells });
        continues = !columns.piped && line.ends_with("  ");
        i += 1;
    }
    Ok((out, i))
}

impl CellRow {
    /// The description: its cell and any after it (a `|` inside the text split it).
    pub fn description(&self, columns: Columns) -> String {
        self.cells[columns.description..].join(" | ")
    }

    /// The `必填` cell, when the table has one.
    pub fn required(&self, columns: Columns) -> Option<bool> {
        columns
            .required
            .and_then(|c| self.cells.get(c))
            .and_then(|c| super::raw::required_cell(c))
    }
}

/// Every field table of a page: (header line index, columns).
pub fn headers(lines: &[&str]) -> Vec<(usize, Columns)> {
    lines
        .iter()
        .enumerate()
        .filter_map(|(i, l)| field_header(l).map(|c| (i, c)))
        .collect()
}

/// Reads the body tables of a page: the main one and, on an API page, the request body. `row` turns a
/// row's cells into a row; `example` finds the example between two line indices.
pub fn bodies(
    lines: &[&str],
    api: bool,
    ctx: &mut Ctx,
    row: impl Fn(&CellRow, Columns) -> Result<Row, Located>,
    example: impl Fn(&[&str], usize, &mut Ctx) -> Result<Option<Value>, Located>,
) -> Result<(RawBody, Option<RawBody>), Located> {
    let tables = headers(lines);
    let header_lines: Vec<usize> = tables.iter().map(|&(i, _)| i).collect();
    let roles = roles_at(lines, &header_lines);
    let picked = Picked::from_roles(&roles, api);
    for &i in &picked.further {
        ctx.warn(
            tables[i].0 + 1,
            "a further field table: only the first table of a page is read",
        );
    }
    let read = |i: Option<usize>, ctx: &mut Ctx| -> Result<Option<RawBody>, Located> {
        let Some(i) = i else { return Ok(None) };
        let (header, columns) = tables[i];
        let (cell_rows, end) = rows(lines, header, columns)?;
        let rows = cell_rows
            .iter()
            .map(|r| row(r, columns))
            .collect::<Result<Vec<_>, _>>()?;
        let limit = picked.next_after(i).map_or(lines.len(), |j| tables[j].0);
        let example = example(&lines[..limit.max(end)], end, ctx)?;
        Ok(Some(RawBody { rows, example }))
    };
    let main = read(picked.main, ctx)?.unwrap_or_default();
    let request = read(picked.request, ctx)?;
    Ok((main, request))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_of_each_kind() {
        assert_eq!(
            field_header("| 名称 | 类型 | 描述 |").unwrap().description,
            2
        );
        let c = field_header("名称 | 类型 | 必填 | 描述").unwrap();
        assert_eq!((c.description, c.required, c.piped), (3, Some(2), false));
        assert!(field_header("参数 | 类型 | 必填 | 说明 ").is_some());
        assert!(field_header("| 字段 | 数据类型 | 描述 |").is_some());
        assert!(field_header("名称 | 值").is_none());
        assert!(field_header("| 参数 | 说明 |").is_none());
    }

    #[test]
    fn cells_go_on_after_two_spaces() {
        let lines = [
            "名称 | 类型 | 描述",
            "--- | --- | ---",
            "level | int | 等级  ",
            "**可选值有**：  ",
            "- 1：普通",
            "name | string | 名称",
            "",
            "after",
        ];
        let columns = field_header(lines[0]).unwrap();
        let (rows, end) = rows(&lines, 0, columns).unwrap();
        assert_eq!(end, 6);
        assert_eq!(rows.len(), 2);
        assert_eq!(
            rows[0].description(columns),
            "等级\n**可选值有**：\n- 1：普通"
        );
        assert_eq!(rows[1].line, 6);
    }
}
