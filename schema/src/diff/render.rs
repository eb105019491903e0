//! The change list as text: Markdown that reads in a terminal and pastes into a pull request.

use std::fmt::Write;

use serde_json::Value;

use super::change::{Change, ChangeKind, Compat, EnumValue, Location};
use super::linediff::changed_lines;
use super::verdict;
use super::walk::plain;

/// Renders the changes from the page `old_name` to the page `new_name`, breaking ones first.
pub fn render(old_name: &str, new_name: &str, changes: &[Change]) -> String {
    render_titled(&format!("{old_name} → {new_name}"), changes)
}

/// Renders the changes under a heading that starts with `title`, breaking ones first.
pub fn render_titled(title: &str, changes: &[Change]) -> String {
    let mut out = String::new();
    let headline = match verdict(changes) {
        None => "no change".to_owned(),
        Some(compat) => format!("{}, {}", class_name(compat), compat.release()),
    };
    let _ = writeln!(out, "## {title}: {headline}");
    for compat in [Compat::Breaking, Compat::Compatible] {
        let of_class: Vec<&Change> = changes.iter().filter(|c| c.compat() == compat).collect();
        if of_class.is_empty() {
            continue;
        }
        let title = capitalized(class_name(compat));
        let _ = writeln!(
            out,
            "\n{title} changes ({}): {}\n",
            compat.release(),
            of_class.len()
        );
        for change in &of_class {
            write_change(&mut out, change);
        }
        write_reasons(&mut out, compat, &of_class);
    }
    out
}

/// Why each kind of change in the list has its class, once per kind.
fn write_reasons(out: &mut String, compat: Compat, changes: &[&Change]) {
    let mut seen = Vec::new();
    for change in changes {
        if let Some(reason) = change.kind.reason() {
            let entry = (change.kind.label(), reason);
            if !seen.contains(&entry) {
                seen.push(entry);
            }
        }
    }
    if seen.is_empty() {
        return;
    }
    let _ = writeln!(out, "\nWhy {}:\n", class_name(compat));
    for (label, reason) in seen {
        let _ = writeln!(out, "- {label}: {reason}");
    }
}

/// How each kind of change is classified, for `diff --help`.
pub fn classification() -> String {
    let mut out = String::from("How each kind of change is classified:\n");
    for kind in ChangeKind::every_kind() {
        let class = class_name(kind.compat());
        let _ = write!(out, "\n  {} ({class})", kind.label());
        if let Some(reason) = kind.reason() {
            let _ = write!(out, ": {reason}");
        }
    }
    out
}

/// A code fence longer than any run of backticks in the lines it encloses.
fn fence_for(lines: &[String]) -> String {
    let longest = lines
        .iter()
        .flat_map(|line| line.split(|c| c != '`'))
        .map(str::len)
        .max()
        .unwrap_or(0);
    "`".repeat(longest.max(2) + 1)
}

fn class_name(compat: Compat) -> &'static str {
    match compat {
        Compat::Compatible => "compatible",
        Compat::Breaking => "breaking",
    }
}

fn capitalized(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

fn write_change(out: &mut String, change: &Change) {
    let (place, also) = match &change.location {
        Location::Field { paths, owner } => {
            let first = paths.first().map(String::as_str).unwrap_or_default();
            let mut place = format!("`{first}`");
            if let Some(owner) = owner {
                let _ = write!(place, " (in `{owner}`)");
            }
            let also: Vec<String> = paths.iter().skip(1).map(|p| format!("`{p}`")).collect();
            (place, also)
        }
        Location::Event(key) => (format!("event `{key}`"), Vec::new()),
        Location::Api(key) => (format!("api `{key}`"), Vec::new()),
        Location::Page(key) => (format!("page `{key}`"), Vec::new()),
    };
    let _ = writeln!(out, "- {place}: {}", what(&change.kind, &change.location));
    if !also.is_empty() {
        let _ = writeln!(out, "  - also at {}", also.join(", "));
    }
    if let ChangeKind::TextChanged { old, new } = &change.kind {
        let lines = changed_lines(
            old.as_deref().unwrap_or_default(),
            new.as_deref().unwrap_or_default(),
        );
        let fence = fence_for(&lines);
        let _ = writeln!(out, "  {fence}diff");
        for line in lines {
            let _ = writeln!(out, "  {line}");
        }
        let _ = writeln!(out, "  {fence}");
    }
}

fn what(kind: &ChangeKind, location: &Location) -> String {
    use ChangeKind::*;
    match kind {
        FieldAdded { ty } => format!("field added, type `{ty}`"),
        RequiredFieldAdded { ty } => format!("required field added, type `{ty}`"),
        FieldRemoved { ty } => format!("field removed (was `{ty}`)"),
        TypeChanged { old, new } => format!("type changed: `{old}` → `{new}`"),
        DocTypeChanged { old, new } => format!("documented type changed: `{old}` → `{new}`"),
        EnumValuesAdded(values) => {
            format!("enum {} added: {}", count(values, "value"), list(values))
        }
        EnumValuesRemoved(values) => {
            format!("enum {} removed: {}", count(values, "value"), list(values))
        }
        EnumLabelChanged {
            value, old, new, ..
        } => format!(
            "label of enum value `{value}` changed: {} → {}",
            old.as_deref().unwrap_or("(none)"),
            new.as_deref().unwrap_or("(none)")
        ),
        BecameEnum(values) => format!(
            "now an enum of {}: {}",
            count(values, "value"),
            list(values)
        ),
        NoLongerEnum(values) => format!("no longer an enum (was {})", list(values)),
        BecameBitflags => "now a bit set".to_owned(),
        NoLongerBitflags => "no longer a bit set".to_owned(),
        FlagsAdded(values) => format!("bit {} added: {}", count(values, "flag"), list(values)),
        FlagsRemoved(values) => format!("bit {} removed: {}", count(values, "flag"), list(values)),
        RuleChanged { rule, old, new } => {
            let name = if rule == "default" {
                "default"
            } else {
                "validation"
            };
            format!(
                "{name} `{rule}`: {}",
                before_after(old.as_ref(), new.as_ref())
            )
        }
        FormatChanged { old, new } => format!(
            "time format: {}",
            before_after(
                old.as_ref().map(|s| Value::String(s.clone())).as_ref(),
                new.as_ref().map(|s| Value::String(s.clone())).as_ref()
            )
        ),
        TextChanged { .. } => match location {
            Location::Page(key) => format!("{key} changed"),
            _ => "description changed".to_owned(),
        },
        EntriesAdded(entries) => format!("{} added: {}", list_name(location), entries.join(", ")),
        EntriesRemoved(entries) => {
            format!("{} removed: {}", list_name(location), entries.join(", "))
        }
        EntriesRelabelled(entries) => {
            format!("{} relabelled: {}", list_name(location), entries.join(", "))
        }
        BecameRequired { .. } => "now required".to_owned(),
        NoLongerRequired { .. } => "no longer required".to_owned(),
        EndpointChanged { old, new } => format!("changed: `{old}` → `{new}`"),
        EventTypeChanged { old, new } => format!(
            "event type changed: `{}` → `{}`",
            old.as_deref().unwrap_or("(none)"),
            new.as_deref().unwrap_or("(none)")
        ),
    }
}

fn list_name(location: &Location) -> &'static str {
    match location {
        Location::Event("app_types") => "app types",
        Location::Event("push_modes") => "push modes",
        Location::Event("field_permissions") => "field permissions",
        Location::Event(_) => "permissions",
        _ => "field permission",
    }
}

fn count(values: &[EnumValue], noun: &str) -> String {
    if values.len() == 1 {
        noun.to_owned()
    } else {
        format!("{noun}s ({})", values.len())
    }
}

fn list(values: &[EnumValue]) -> String {
    values
        .iter()
        .map(|v| match &v.label {
            Some(label) => format!("`{}` ({label})", v.value),
            None => format!("`{}`", v.value),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn before_after(old: Option<&Value>, new: Option<&Value>) -> String {
    match (old, new) {
        (Some(a), Some(b)) => format!("{} → {}", plain(a), plain(b)),
        (None, Some(b)) => format!("added, {}", plain(b)),
        (Some(a), None) => format!("removed (was {})", plain(a)),
        (None, None) => "unchanged".to_owned(),
    }
}
