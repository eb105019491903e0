//! Changes to the page itself, to its event metadata (`x-lark-event`) and to its endpoint (`x-lark-api`).

use serde_json::Value;

use super::change::{Change, ChangeKind, Location};
use super::lists::{entries_changes, permission_entries, string_entries, Entry};
use super::text;
use super::walk::str_of;

/// Compares the title, the page description, the event metadata and the endpoint. A key that one
/// version does not have is not compared: some renderings do not carry it (a flat table has no title,
/// the doc source no app types).
pub fn compare_page(old: &Value, new: &Value) -> Vec<Change> {
    let mut changes = Vec::new();
    for key in ["title", "description"] {
        let (Some(a), Some(b)) = (str_of(old, key), str_of(new, key)) else {
            continue;
        };
        if !text::same(a, b) {
            changes.push(Change {
                location: Location::Page(key),
                kind: ChangeKind::TextChanged {
                    old: Some(a.to_owned()),
                    new: Some(b.to_owned()),
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
        let (Some(a), Some(b)) = (old_event.get(key), new_event.get(key)) else {
            continue;
        };
        let (a, b) = match key {
            "app_types" => (app_types(a), app_types(b)),
            "push_modes" => (string_entries(Some(a)), string_entries(Some(b))),
            _ => (permission_entries(Some(a)), permission_entries(Some(b))),
        };
        let kinds = entries_changes(&a, &b);
        changes.extend(kinds.into_iter().map(|kind| Change {
            location: Location::Event(key),
            kind,
        }));
    }
    let old_api = old.get("x-lark-api").unwrap_or(&null);
    let new_api = new.get("x-lark-api").unwrap_or(&null);
    for key in ["method", "path"] {
        let (Some(a), Some(b)) = (str_of(old_api, key), str_of(new_api, key)) else {
            continue;
        };
        if a != b {
            changes.push(Change {
                location: Location::Api(key),
                kind: ChangeKind::EndpointChanged {
                    old: a.to_owned(),
                    new: b.to_owned(),
                },
            });
        }
    }
    changes
}

/// App types in the words of the source rendering: `仅自建应用` (custom apps only) → `custom`,
/// `商店应用` → `store`.
fn app_types(list: &Value) -> Vec<Entry> {
    string_entries(Some(list))
        .into_iter()
        .map(|entry| {
            let label = entry.label.as_deref().unwrap_or_default();
            let name = match label.trim().trim_start_matches('仅') {
                "自建应用" => "custom",
                "商店应用" => "store",
                other => other,
            };
            Entry {
                label: Some(name.to_owned()),
                ..entry
            }
        })
        .collect()
}
