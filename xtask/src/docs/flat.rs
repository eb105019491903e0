//! The flat rendering (seed 002): a `| 基本 | |` event table and a pipe table with no nesting marker at
//! all; enums glued (`可选值有:1:普通权限2:高级权限`); an unfenced example after the table.

use super::common::event_meta;
use super::detect::is_field_header;
use super::error::Located;
use super::markdown::key_value_rows;
use super::model::Rendering;
use super::raw::{Ctx, Depth, RawPage};
use super::source::title_and_description;
use super::text::{table_rows, unfenced_example};

/// Parses a page in the flat rendering.
pub fn parse(text: &str, ctx: &mut Ctx) -> Result<RawPage, Located> {
    let lines: Vec<&str> = text.lines().collect();
    let header = lines.iter().position(|l| is_field_header(l));
    let (title, description) = title_and_description(&lines);
    let (rows, end) = table_rows(&lines, header, |name| {
        (name.trim_matches('`').to_string(), Depth::Unknown)
    })?;
    Ok(RawPage {
        rendering: Rendering::Flat,
        title,
        description,
        update_time: None,
        event: event_meta(&key_value_rows(&lines)),
        rows,
        example: unfenced_example(&lines, end, ctx)?,
        warnings: Vec::new(),
    })
}
