//! Walks the fields of two schemas side by side, following `$ref` into `$defs`, and records every
//! change at the field path where it shows: the request body of an API page (`x-lark-request`, paths
//! under `request.`), then the body the platform sends (an event, or an API's response).

use serde_json::{Map, Value};

use super::change::{Body, ChangeKind, EnumValue};
use super::lists::{entries_changes, permission_entries};
use super::text;

/// Where the walk is: the body, the field path, and the named type it is inside with the path
/// relative to it.
#[derive(Debug, Clone, Default)]
pub struct Place {
    pub body: Body,
    pub path: String,
    pub owner: Option<String>,
    pub rel: String,
}

impl Place {
    /// The top of the request body: its fields' paths start with `request.`.
    fn request() -> Place {
        Place {
            body: Body::Request,
            path: "request".to_owned(),
            ..Place::default()
        }
    }

    fn field(&self, name: &str) -> Place {
        Place {
            body: self.body,
            path: join(&self.path, name),
            owner: self.owner.clone(),
            rel: join(&self.rel, name),
        }
    }

    fn suffixed(&self, suffix: &str) -> Place {
        Place {
            body: self.body,
            path: format!("{}{suffix}", self.path),
            owner: self.owner.clone(),
            rel: format!("{}{suffix}", self.rel),
        }
    }

    fn inside(&self, owner: Option<&str>) -> Place {
        match owner {
            Some(name) => Place {
                body: self.body,
                path: self.path.clone(),
                owner: Some(name.to_owned()),
                rel: String::new(),
            },
            None => self.clone(),
        }
    }
}

fn join(base: &str, name: &str) -> String {
    if base.is_empty() {
        name.to_owned()
    } else {
        format!("{base}.{name}")
    }
}

/// A change at one place, before changes in shared types are grouped.
#[derive(Debug, Clone)]
pub struct FieldChange {
    pub place: Place,
    pub kind: ChangeKind,
}

/// Validation rules and the default, compared as values.
const RULES: [&str; 7] = [
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "minimum",
    "maximum",
    "default",
];

/// Compares the body fields of two schemas: the request bodies first, when either version has one
/// (a request body only one version has counts as one without fields on the other side), then the
/// bodies the platform sends.
pub fn compare_bodies(old_root: &Value, new_root: &Value) -> Vec<FieldChange> {
    let mut walker = Walker {
        old_root,
        new_root,
        out: Vec::new(),
        open_types: Vec::new(),
    };
    let (old_request, new_request) = (
        old_root.get("x-lark-request"),
        new_root.get("x-lark-request"),
    );
    if old_request.is_some() || new_request.is_some() {
        let none = Value::Null;
        walker.properties(
            old_request.unwrap_or(&none),
            new_request.unwrap_or(&none),
            &Place::request(),
        );
    }
    walker.properties(old_root, new_root, &Place::default());
    walker.out
}

struct Walker<'a> {
    old_root: &'a Value,
    new_root: &'a Value,
    out: Vec<FieldChange>,
    /// The pairs of named types being compared, to stop on a recursive type.
    open_types: Vec<(String, String)>,
}

impl<'a> Walker<'a> {
    fn push(&mut self, place: &Place, kind: ChangeKind) {
        self.out.push(FieldChange {
            place: place.clone(),
            kind,
        });
    }

    fn properties(&mut self, old: &Value, new: &Value, place: &Place) {
        let empty = Map::new();
        let old_props = old
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let new_props = new
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let (old_required, new_required) = (required(old), required(new));
        for (name, old_field) in old_props {
            let Some(new_field) = new_props.get(name) else {
                let ty = describe(self.old_root, old_field);
                self.push(&place.field(name), ChangeKind::FieldRemoved { ty });
                continue;
            };
            let field_place = place.field(name);
            match (
                old_required.contains(&name.as_str()),
                new_required.contains(&name.as_str()),
            ) {
                (false, true) => self.push(
                    &field_place,
                    ChangeKind::BecameRequired { body: place.body },
                ),
                (true, false) => self.push(
                    &field_place,
                    ChangeKind::NoLongerRequired { body: place.body },
                ),
                _ => {}
            }
            self.field(old_field, new_field, &field_place);
        }
        for (name, new_field) in new_props {
            if !old_props.contains_key(name) {
                let ty = describe(self.new_root, new_field);
                let kind = if place.body == Body::Request && new_required.contains(&name.as_str()) {
                    ChangeKind::RequiredFieldAdded { ty }
                } else {
                    ChangeKind::FieldAdded { ty }
                };
                self.push(&place.field(name), kind);
            }
        }
    }

    fn field(&mut self, old: &Value, new: &Value, place: &Place) {
        self.annotations(old, new, place);
        let (old_target, old_name) = resolve(self.old_root, old);
        let (new_target, new_name) = resolve(self.new_root, new);
        let (old_json, new_json) = (json_type(old_target), json_type(new_target));
        let json_type_differs = old_json != new_json;
        let (notation_differs, rust_differs) =
            match (str_of(old, "x-lark-type"), str_of(new, "x-lark-type")) {
                (Some(a), Some(b)) => (
                    canonical(a, Width::Kept) != canonical(b, Width::Kept),
                    canonical(a, Width::Folded) != canonical(b, Width::Folded),
                ),
                _ => (false, false),
            };
        let one_time_type = json_type_differs
            && [old_json, new_json]
                .iter()
                .all(|t| matches!(*t, "string" | "integer"))
            && str_of(old_target, "x-lark-format").is_some()
            && str_of(old_target, "x-lark-format") == str_of(new_target, "x-lark-format");
        let (old_ty, new_ty) = (describe(self.old_root, old), describe(self.new_root, new));
        if (rust_differs || json_type_differs) && !one_time_type {
            self.push(
                place,
                ChangeKind::TypeChanged {
                    old: old_ty,
                    new: new_ty,
                },
            );
        } else if notation_differs || json_type_differs {
            self.push(
                place,
                ChangeKind::DocTypeChanged {
                    old: old_ty,
                    new: new_ty,
                },
            );
        }
        if json_type_differs {
            return;
        }
        match json_type(new_target) {
            "array" => {
                if let (Some(old_items), Some(new_items)) =
                    (old_target.get("items"), new_target.get("items"))
                {
                    self.field(old_items, new_items, &place.suffixed("[]"));
                }
            }
            "object" => {
                let owner = new_name.or(old_name).or_else(|| named_inline(new_target));
                let key = (
                    old_name.unwrap_or_default().to_owned(),
                    new_name.unwrap_or_default().to_owned(),
                );
                let recursive =
                    (old_name.is_some() || new_name.is_some()) && self.open_types.contains(&key);
                if recursive {
                    return;
                }
                self.open_types.push(key);
                let inner = place.inside(owner);
                match (
                    old_target.get("additionalProperties"),
                    new_target.get("additionalProperties"),
                ) {
                    (Some(old_values), Some(new_values))
                        if old_values.is_object() && new_values.is_object() =>
                    {
                        self.field(old_values, new_values, &inner.suffixed("{}"));
                    }
                    _ => self.properties(old_target, new_target, &inner),
                }
                self.open_types.pop();
            }
            _ => self.values(old_target, new_target, place),
        }
    }

    /// Description, field permission, time format, validation rules, default.
    fn annotations(&mut self, old: &Value, new: &Value, place: &Place) {
        let old_text = str_of(old, "description");
        let new_text = str_of(new, "description");
        let same_text = match (old_text, new_text) {
            (Some(a), Some(b)) => text::same(a, b),
            (a, b) => a == b,
        };
        if !same_text {
            let change = ChangeKind::TextChanged {
                old: old_text.map(str::to_owned),
                new: new_text.map(str::to_owned),
            };
            self.push(place, change);
        }
        let old_perms = permission_entries(old.get("x-lark-permission"));
        let new_perms = permission_entries(new.get("x-lark-permission"));
        for change in entries_changes(&old_perms, &new_perms) {
            self.push(place, change);
        }
        let old_format = str_of(old, "x-lark-format");
        let new_format = str_of(new, "x-lark-format");
        if old_format != new_format {
            let change = ChangeKind::FormatChanged {
                old: old_format.map(str::to_owned),
                new: new_format.map(str::to_owned),
            };
            self.push(place, change);
        }
        for rule in RULES {
            let (a, b) = (old.get(rule), new.get(rule));
            if a != b {
                let change = ChangeKind::RuleChanged {
                    rule: rule.to_owned(),
                    old: a.cloned(),
                    new: b.cloned(),
                };
                self.push(place, change);
            }
        }
    }

    /// Enum values and bit flags of a scalar.
    fn values(&mut self, old: &Value, new: &Value, place: &Place) {
        let old_bits = old.get("x-lark-bitflags") == Some(&Value::Bool(true));
        let new_bits = new.get("x-lark-bitflags") == Some(&Value::Bool(true));
        let old_values = enum_values(old);
        let new_values = enum_values(new);
        match (old_bits, new_bits) {
            (false, true) => return self.push(place, ChangeKind::BecameBitflags),
            (true, false) => return self.push(place, ChangeKind::NoLongerBitflags),
            _ => {}
        }
        let (old_values, new_values) = match (old_values, new_values) {
            (Some(a), Some(b)) => (a, b),
            (None, None) => return,
            (None, Some(b)) if !new_bits => return self.push(place, ChangeKind::BecameEnum(b)),
            (Some(a), None) if !old_bits => return self.push(place, ChangeKind::NoLongerEnum(a)),
            (a, b) => (a.unwrap_or_default(), b.unwrap_or_default()),
        };
        let removed: Vec<EnumValue> = old_values
            .iter()
            .filter(|v| !new_values.iter().any(|n| n.value == v.value))
            .cloned()
            .collect();
        let added: Vec<EnumValue> = new_values
            .iter()
            .filter(|v| !old_values.iter().any(|o| o.value == v.value))
            .cloned()
            .collect();
        if !removed.is_empty() {
            let change = if new_bits {
                ChangeKind::FlagsRemoved(removed)
            } else {
                ChangeKind::EnumValuesRemoved(removed)
            };
            self.push(place, change);
        }
        if !added.is_empty() {
            let change = if new_bits {
                ChangeKind::FlagsAdded(added)
            } else {
                ChangeKind::EnumValuesAdded(added)
            };
            self.push(place, change);
        }
        for old_value in &old_values {
            let Some(new_value) = new_values.iter().find(|n| n.value == old_value.value) else {
                continue;
            };
            let same_label = match (&old_value.label, &new_value.label) {
                (Some(a), Some(b)) => text::same(a, b),
                (a, b) => a == b,
            };
            if !same_label {
                let change = ChangeKind::EnumLabelChanged {
                    value: old_value.value.clone(),
                    old: old_value.label.clone(),
                    new: new_value.label.clone(),
                    names_variant: names_variant(
                        new_bits,
                        json_type(new) == "string",
                        &old_value.value,
                    ),
                };
                self.push(place, change);
            }
        }
    }
}

/// The names an object marks required (`required`).
fn required(node: &Value) -> Vec<&str> {
    node.get("required")
        .and_then(Value::as_array)
        .map(|names| names.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

/// Whether the Rust name of an enum variant or flag comes from its label: it comes from the value only
/// for a string value that makes an identifier (`zh_cn` → `ZhCn`).
fn names_variant(bits: bool, string_enum: bool, value: &str) -> bool {
    let identifier = value.starts_with(|c: char| c.is_ascii_alphabetic())
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | ' '));
    bits || !string_enum || !identifier
}

/// The schema a node stands for, with the `$defs` name when it is a `$ref`.
fn resolve<'v>(root: &'v Value, node: &'v Value) -> (&'v Value, Option<&'v str>) {
    let Some(reference) = str_of(node, "$ref") else {
        return (node, None);
    };
    let Some(name) = reference.strip_prefix("#/$defs/") else {
        return (node, None);
    };
    match root.get("$defs").and_then(|defs| defs.get(name)) {
        Some(target) => (target, Some(name)),
        None => (node, None),
    }
}

/// The JSON type of a resolved node; `object` for a node with properties but no `type`.
fn json_type(node: &Value) -> &str {
    match str_of(node, "type") {
        Some(t) => t,
        None if node.get("properties").is_some() || node.get("$ref").is_some() => "object",
        None => "any",
    }
}

/// The doc name of an inline object that keeps one (same name as a `$defs` entry, another shape).
fn named_inline(node: &Value) -> Option<&str> {
    str_of(node, "x-lark-type").filter(|t| !matches!(*t, "-" | "object" | "map"))
}

/// The type of a field as the page writes it, or as its schema says when the page does not.
fn describe(root: &Value, node: &Value) -> String {
    if let Some(t) = str_of(node, "x-lark-type") {
        return t.to_owned();
    }
    let (target, name) = resolve(root, node);
    if let Some(name) = name {
        return name.to_owned();
    }
    match json_type(target) {
        "array" => match target.get("items") {
            Some(items) => format!("{}[]", describe(root, items)),
            None => "array".to_owned(),
        },
        other => other.to_owned(),
    }
}

/// Whether [`canonical`] keeps the width of numbers apart.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Width {
    /// `int` and `int64` differ: what the page says.
    Kept,
    /// `int` and `int64` are one: what the Rust type is (every integer is one Rust type, and so is
    /// every float).
    Folded,
}

/// One spelling for the page types that mean the same: `list<x>`, `array<x>`, `x[]`; `int` and
/// `int32`; `int64` and `long`; `bool` and `boolean`; `-` and `object`.
fn canonical(ty: &str, width: Width) -> String {
    let ty = ty.trim();
    let inner = ty
        .strip_suffix("[]")
        .or_else(|| ty.strip_prefix("list<").and_then(|t| t.strip_suffix('>')))
        .or_else(|| ty.strip_prefix("array<").and_then(|t| t.strip_suffix('>')));
    if let Some(inner) = inner {
        return format!("array<{}>", canonical(inner, width));
    }
    let folded = width == Width::Folded;
    match ty {
        "int" | "int32" | "int64" | "long" if folded => "integer",
        "float" | "double" | "number" if folded => "number",
        "int32" => "int",
        "long" => "int64",
        "bool" => "boolean",
        "-" => "object",
        other => other,
    }
    .to_owned()
}

/// The documented values of a scalar, from `x-lark-enum` (with labels) or `enum`.
fn enum_values(node: &Value) -> Option<Vec<EnumValue>> {
    if let Some(Value::Array(items)) = node.get("x-lark-enum") {
        return Some(
            items
                .iter()
                .map(|item| EnumValue {
                    value: item.get("value").map(plain).unwrap_or_default(),
                    label: str_of(item, "label").map(str::to_owned),
                })
                .collect(),
        );
    }
    let Value::Array(values) = node.get("enum")? else {
        return None;
    };
    Some(
        values
            .iter()
            .map(|value| EnumValue {
                value: plain(value),
                label: None,
            })
            .collect(),
    )
}

/// A JSON scalar as text, without quotes for strings.
pub fn plain(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

pub(super) fn str_of<'v>(node: &'v Value, key: &str) -> Option<&'v str> {
    node.get(key).and_then(Value::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equivalent_spellings_of_a_type_are_one() {
        let same = |a, b, width| canonical(a, width) == canonical(b, width);
        assert!(same("app_scope[]", "list<app_scope>", Width::Kept));
        assert!(same("int32", "int", Width::Kept));
        assert!(same("bool", "boolean", Width::Kept));
        assert!(!same("int", "int64", Width::Kept));
        assert!(same("int[]", "array<int64>", Width::Folded));
        assert!(!same("int", "string", Width::Folded));
    }

    #[test]
    fn a_variant_is_named_by_its_value_only_when_the_value_makes_an_identifier() {
        assert!(!names_variant(false, true, "zh_cn"));
        assert!(names_variant(false, false, "1"));
        assert!(names_variant(false, true, "1"));
        assert!(names_variant(true, false, "4"));
    }
}
