//! Reports a change inside a named type once for the type, listing every path where the type is used.
//!
//! The generated crate has one Rust type per named type, so a change to it is one change to review,
//! however many fields use the type; the paths show where users meet it.

use super::change::{Change, Location};
use super::walk::FieldChange;

/// Groups the changes that are the same change to the same field of the same named type.
pub fn group_by_type(changes: Vec<FieldChange>) -> Vec<Change> {
    let mut grouped: Vec<(FieldChange, Vec<String>)> = Vec::new();
    for change in changes {
        let same = grouped.iter_mut().find(|(first, _)| {
            first.place.owner.is_some()
                && first.place.owner == change.place.owner
                && first.place.rel == change.place.rel
                && first.kind == change.kind
        });
        match same {
            Some((_, paths)) => paths.push(change.place.path),
            None => {
                let paths = vec![change.place.path.clone()];
                grouped.push((change, paths));
            }
        }
    }
    grouped
        .into_iter()
        .map(|(first, paths)| Change {
            location: Location::Field {
                paths,
                owner: first.place.owner,
            },
            kind: first.kind,
        })
        .collect()
}
