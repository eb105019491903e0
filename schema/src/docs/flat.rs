//! The flat rendering: field tables with no nesting marker at all, either piped (seed 002: enums glued,
//! `可选值有:1:普通权限2:高级权限`, an unfenced example after the table) or without outer pipes (cells
//! going on over lines that end in two spaces, enums as `- 1：普通权限` lines, fenced examples).

use super::common::{event_meta, front_matter};
use super::error::Located;
use super::markdown::key_value_rows;
use super::model::Rendering;
use super::pipe::bodies;
use super::raw::{Ctx, Depth, RawPage};
use super::source::title_and_description;
use super::text::{plain_row, unfenced_example};

/// Parses a page in the flat rendering; `api` says whether it documents a server API.
pub fn parse(text: &str, api: bool, ctx: &mut Ctx) -> Result<RawPage, Located> {
    let lines: Vec<&str> = text.lines().collect();
    let (fm_title, update_time, body_start) = front_matter(&lines);
    let (heading_title, description) = title_and_description(&lines[body_start..]);
    let split_name = |name: &str| (name.trim_matches('`').to_string(), Depth::Unknown);
    let (body, request) = bodies(
        &lines,
        api,
        ctx,
        |r, c| plain_row(r, c, split_name),
        unfenced_example,
    )?;
    Ok(RawPage {
        rendering: Rendering::Flat,
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
