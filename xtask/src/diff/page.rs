//! Changes to the page itself and to its event metadata (`x-lark-event`).

use serde_json::Value;

use super::change::{Change, ChangeKind, Location};
use super::lists::{entries_changes, permission_entries, string_entries};
use super::text;
use super::walk::str_of;

/// Compares the title, the page description and the event metadata.
pub fn compare_page(old: &Value, new: &Value) -> Vec<Change> {
    let mut changes = Vec::new();
    for key in ["title", "description"] {
        let (a, b) = (str_of(old, key), str_of(new, key));
        let same = match (a, b) {
            (Some(a), Some(b)) => text::same(a, b),
            (a, b) => a == b,
        };
        if !same {
            changes.push(Change {
                location: Location::Page(key),
                kind: ChangeKind::TextChanged {
                    old: a.map(str::to_owned),
                    new: b.map(str::to_owned),
                },
            });
        }
    }
    let null = Value::Null;
    let old_event = old.get("x-lark-event").unwrap_or(&null);
    let new_event = new.get("x-lark-event").unwrap_or(&null);
    let (a, b) = (
        str_of(old_event, "event_type"),
        str_of(new_event, "event_type"),
    );
    if a != b {
        changes.push(Change {
            location: Location::Event("event_type"),
            kind: ChangeKind::EventTypeChanged {
                old: a.map(str::to_owned),
                new: b.map(str::to_owned),
            },
        });
    }
    for key in [
        "app_types",
        "permissions",
        "field_permissions",
        "push_modes",
    ] {
        let read = match key {
            "app_types" | "push_modes" => string_entries,
            _ => permission_entries,
        };
        let kinds = entries_changes(&read(old_event.get(key)), &read(new_event.get(key)));
        changes.extend(kinds.into_iter().map(|kind| Change {
            location: Location::Event(key),
            kind,
        }));
    }
    changes
}
