//! Compares two schemas of a page (see `schema/README.md`) and classifies each change for users of
//! the generated crate `lark-events`: compatible (a minor release) or breaking (a major one).
//!
//! Paths are field paths (`event.online_version.scopes[].token_types`): `$ref`s are followed into
//! `$defs`, `[]` stands for the items of an array and `{}` for the values of a map. On an API page the
//! request body's fields are under `request.` (`request.need_rsvp_status`) and the response body's
//! are bare (`data.freebusy_lists[]`). Descriptions are compared without punctuation widths, so two
//! renderings of one page differ only where the page does.

mod change;
pub mod cli;
mod group;
mod linediff;
mod lists;
mod page;
mod render;
pub mod rust_api;
pub mod summary;
mod text;
mod walk;

use serde_json::Value;

pub use change::{Body, Change, ChangeKind, Compat, EnumValue, Location};
pub use render::render;

/// Every change from `old` to `new`: page, event and endpoint metadata first, then the fields in page
/// order (an API's request body before its response body).
pub fn diff_schemas(old: &Value, new: &Value) -> Vec<Change> {
    let mut changes = page::compare_page(old, new);
    changes.extend(group::group_by_type(walk::compare_bodies(old, new)));
    changes
}

/// The most severe class among the changes; `None` when nothing changed.
pub fn verdict(changes: &[Change]) -> Option<Compat> {
    changes.iter().map(Change::compat).max()
}

/// The exit status of `cargo xtask diff` for these changes: 0 no change, 3 compatible changes only,
/// 4 a breaking change (1 and 2 are errors: see [`cli::EXIT_CODES`]).
pub fn exit_code(changes: &[Change]) -> u8 {
    match verdict(changes) {
        None => 0,
        Some(Compat::Compatible) => 3,
        Some(Compat::Breaking) => 4,
    }
}
