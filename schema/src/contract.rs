//! The schema contract of `schema/README.md`, typed once: the writer builds a [`Schema`] and serializes
//! it, codegen deserializes one.
//!
//! - Field order is key order in the written files (`serde_json` keeps it), so these types fix the
//!   layout byte for byte.
//! - Every struct denies unknown keys: a misspelt annotation (`x-lark-fromat`) fails to deserialize
//!   instead of being ignored.
//! - Listed values and defaults are [`Scalar`]s, typed as their field: `1` stays an integer.
//!
//! Keys the writer always writes but a reader can do without (`$schema`, `x-lark-page`, a field's
//! `x-lark-type` and `x-lark-line`) are optional here, so that codegen also reads hand-written schemas.

use std::collections::{HashMap, HashSet};
use std::fmt;

use serde::de::{MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Number, Value};

/// The JSON Schema draft every schema names in `$schema`.
pub const DRAFT: &str = "https://json-schema.org/draft/2020-12/schema";

/// One page's schema: the whole file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Schema {
    /// Always [`DRAFT`].
    #[serde(rename = "$schema", skip_serializing_if = "Option::is_none")]
    pub draft: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(rename = "x-lark-page", skip_serializing_if = "Option::is_none")]
    pub page: Option<PageInfo>,
    /// Present for event pages.
    #[serde(rename = "x-lark-event", skip_serializing_if = "Option::is_none")]
    pub event: Option<EventInfo>,
    /// Present for server API pages.
    #[serde(rename = "x-lark-api", skip_serializing_if = "Option::is_none")]
    pub api: Option<ApiInfo>,
    /// Always `object`.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub ty: Option<JsonType>,
    /// The body's top-level fields, in page order (written even when empty).
    #[serde(default)]
    pub properties: Ordered<FieldSchema>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub required: Vec<String>,
    /// An API page's request body; its `$ref`s point into [`Schema::defs`].
    #[serde(rename = "x-lark-request", skip_serializing_if = "Option::is_none")]
    pub request: Option<RequestBody>,
    /// A callback page's answer: the body the app responds with; its `$ref`s point into
    /// [`Schema::defs`].
    #[serde(
        rename = "x-lark-answer",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub answer: Option<RequestBody>,
    /// Every named object type, once, in order of first use.
    #[serde(rename = "$defs", default, skip_serializing_if = "Ordered::is_empty")]
    pub defs: Ordered<NamedSchema>,
    /// The page's example body (one at most).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub examples: Vec<Value>,
}

/// `x-lark-page`: where the schema comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PageInfo {
    /// The page's file name under `docs/`.
    pub source: String,
    pub rendering: Rendering,
    /// Unix time in milliseconds, as the front matter writes it (a string).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub update_time: Option<String>,
}

/// `x-lark-page.rendering`: how the page is written, from the richest rendering to the poorest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Rendering {
    Source,
    Markdown,
    Text,
    Flat,
}

impl Rendering {
    /// The name as written in the schema.
    pub fn as_str(self) -> &'static str {
        match self {
            Rendering::Source => "source",
            Rendering::Markdown => "markdown",
            Rendering::Text => "text",
            Rendering::Flat => "flat",
        }
    }
}

/// `x-lark-event`: what the page's event table gives; each key only when the page has it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventInfo {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event_type: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub app_types: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub permissions: Vec<Permission>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub field_permissions: Vec<Permission>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub push_modes: Vec<String>,
}

/// A permission, as far as the page names it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Permission {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

/// `x-lark-api`: the request line of a server API page and what the page says around it; each key
/// only when the page has it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApiInfo {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// The URL path without the host, path parameters as `:name`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// The API's name in the official SDKs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sdk: Option<SdkName>,
    /// The rate-limit tier as the page writes it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rate_limit: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub app_types: Vec<String>,
    /// `tenant_access_token`, `user_access_token`, `app_access_token`, in page order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tokens: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub permissions: Vec<Permission>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub field_permissions: Vec<Permission>,
    /// The request's media type (`application/json`, `multipart/form-data`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// `路径参数`: an object of the path parameters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path_parameters: Option<RequestBody>,
    /// `查询参数`: an object of the query parameters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub query_parameters: Option<RequestBody>,
    /// The page's error-code table.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ErrorCode>,
}

/// An API's name in the official SDKs (`application` `v6` `application.app_version` `patch`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SdkName {
    pub project: String,
    pub version: String,
    pub resource: String,
    pub method: String,
}

/// One row of an API page's error-code table.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorCode {
    /// The HTTP status.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    pub code: i64,
    pub message: String,
    /// `排查建议`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub advice: Option<String>,
}

/// `x-lark-request`: an API page's request body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequestBody {
    /// Always `object`.
    #[serde(rename = "type")]
    pub ty: JsonType,
    pub properties: Ordered<FieldSchema>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub required: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub examples: Vec<Value>,
}

/// A `$defs` entry (NAMED): a named object type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NamedSchema {
    /// Always `object`.
    #[serde(rename = "type")]
    pub ty: JsonType,
    /// The type's name as the page writes it.
    #[serde(rename = "x-lark-type")]
    pub lark_type: String,
    /// The first row that lists its children.
    #[serde(rename = "x-lark-line")]
    pub line: u64,
    /// Empty when the page lists no child.
    #[serde(default, skip_serializing_if = "Ordered::is_empty")]
    pub properties: Ordered<FieldSchema>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub required: Vec<String>,
}

/// A FIELD, or the schema of a value inside one (`items`, `additionalProperties`): a JSON Schema plus
/// annotations. Empty (`{}`) means anything.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldSchema {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub ty: Option<JsonType>,
    /// `#/$defs/<name>`, the name escaped as a JSON pointer.
    #[serde(rename = "$ref", skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub items: Option<Box<FieldSchema>>,
    #[serde(default, skip_serializing_if = "Ordered::is_empty")]
    pub properties: Ordered<FieldSchema>,
    #[serde(
        rename = "additionalProperties",
        skip_serializing_if = "Option::is_none"
    )]
    pub additional_properties: Option<Box<FieldSchema>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub required: Vec<String>,
    /// The listed values, typed as the field (absent for bit flags).
    #[serde(rename = "enum", default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<Scalar>,
    /// The listed values with their labels.
    #[serde(rename = "x-lark-enum", default, skip_serializing_if = "Vec::is_empty")]
    pub labelled_values: Vec<EnumItem>,
    /// The listed values are bits: any OR of them is valid.
    #[serde(rename = "x-lark-bitflags", default, skip_serializing_if = "is_false")]
    pub bit_flags: bool,
    #[serde(rename = "minLength", skip_serializing_if = "Option::is_none")]
    pub min_length: Option<u64>,
    #[serde(rename = "maxLength", skip_serializing_if = "Option::is_none")]
    pub max_length: Option<u64>,
    #[serde(rename = "minItems", skip_serializing_if = "Option::is_none")]
    pub min_items: Option<u64>,
    #[serde(rename = "maxItems", skip_serializing_if = "Option::is_none")]
    pub max_items: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub minimum: Option<Number>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub maximum: Option<Number>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default: Option<Scalar>,
    /// `示例值`: the page's example value (one at most).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub examples: Vec<Value>,
    /// The type exactly as the page writes it (always written on a field).
    #[serde(rename = "x-lark-type", skip_serializing_if = "Option::is_none")]
    pub lark_type: Option<String>,
    #[serde(rename = "x-lark-format", skip_serializing_if = "Option::is_none")]
    pub format: Option<TimeFormat>,
    /// The field's own permission requirement.
    #[serde(
        rename = "x-lark-permission",
        default,
        skip_serializing_if = "Vec::is_empty"
    )]
    pub permissions: Vec<Permission>,
    /// The 1-based line of the row in the page file (always written on a field).
    #[serde(rename = "x-lark-line", skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
}

fn is_false(value: &bool) -> bool {
    !value
}

/// A JSON Schema `type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum JsonType {
    String,
    Integer,
    Number,
    Boolean,
    Object,
    Array,
}

/// `x-lark-format`: the unit of a Unix time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TimeFormat {
    #[serde(rename = "unix-ms")]
    UnixMillis,
    #[serde(rename = "unix-s")]
    UnixSeconds,
}

/// One `x-lark-enum` entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnumItem {
    pub value: Scalar,
    pub label: String,
}

/// A listed value or a default, typed as its field: an integer field lists integers. A value that does
/// not fit its field's type is a string.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Scalar {
    Integer(i64),
    /// A number with a fraction (an integral one is an [`Scalar::Integer`]).
    Number(f64),
    Boolean(bool),
    String(String),
}

/// As written in JSON text, strings unquoted: `1`, `0.5`, `true`, `zh_cn`.
impl fmt::Display for Scalar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Scalar::Integer(n) => write!(f, "{n}"),
            Scalar::Number(n) => write!(f, "{}", Value::from(*n)),
            Scalar::Boolean(b) => write!(f, "{b}"),
            Scalar::String(s) => f.write_str(s),
        }
    }
}

/// A JSON object whose entries keep their order (`properties`, `$defs`). Equal to another when both
/// hold the same entries, in any order, as JSON objects are.
///
/// A plain list, as small as a `Vec` (the schema writer recurses through nested ones, and every byte
/// of a field's schema is on its stack). Building one from entries, reading one and comparing two
/// index the keys as they go, so that they take linear time however wide the object is; `get` and
/// `insert` scan, for the few lookups by name (a page's named types).
#[derive(Debug, Clone)]
pub struct Ordered<T>(Vec<(String, T)>);

impl<T> Default for Ordered<T> {
    fn default() -> Self {
        Ordered(Vec::new())
    }
}

impl<T> Ordered<T> {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn get(&self, key: &str) -> Option<&T> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// Replaces the value of `key` in place, or appends the entry.
    pub fn insert(&mut self, key: String, value: T) {
        match self.0.iter_mut().find(|(k, _)| *k == key) {
            Some(entry) => entry.1 = value,
            None => self.0.push((key, value)),
        }
    }

    /// Keeps the first `len` entries.
    pub fn truncate(&mut self, len: usize) {
        self.0.truncate(len);
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &T)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v))
    }
}

impl<T> IntoIterator for Ordered<T> {
    type Item = (String, T);
    type IntoIter = std::vec::IntoIter<(String, T)>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<T> FromIterator<(String, T)> for Ordered<T> {
    /// A key seen again replaces the value where the key first stood, as [`Ordered::insert`] does.
    fn from_iter<I: IntoIterator<Item = (String, T)>>(entries: I) -> Self {
        let mut list: Vec<(String, T)> = Vec::new();
        let mut positions: HashMap<String, usize> = HashMap::new();
        for (key, value) in entries {
            match positions.get(&key) {
                Some(&at) => list[at].1 = value,
                None => {
                    positions.insert(key.clone(), list.len());
                    list.push((key, value));
                }
            }
        }
        Ordered(list)
    }
}

impl<T: PartialEq> PartialEq for Ordered<T> {
    fn eq(&self, other: &Self) -> bool {
        if self.len() != other.len() {
            return false;
        }
        let other: HashMap<&str, &T> = other.iter().collect();
        self.iter().all(|(k, v)| other.get(k) == Some(&v))
    }
}

impl<T: Serialize> Serialize for Ordered<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.iter())
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Ordered<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct OrderedVisitor<T>(std::marker::PhantomData<T>);

        impl<'de, T: Deserialize<'de>> Visitor<'de> for OrderedVisitor<T> {
            type Value = Ordered<T>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Self::Value, A::Error> {
                let mut list = Vec::new();
                let mut seen = HashSet::new();
                while let Some((key, value)) = access.next_entry::<String, T>()? {
                    if !seen.insert(key.clone()) {
                        return Err(serde::de::Error::custom(format!("duplicate key `{key}`")));
                    }
                    list.push((key, value));
                }
                Ok(Ordered(list))
            }
        }

        deserializer.deserialize_map(OrderedVisitor(std::marker::PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn scalars_keep_their_type() {
        let values: Vec<Scalar> = serde_json::from_value(json!([1, 0.5, true, "1"])).unwrap();
        assert_eq!(
            values,
            [
                Scalar::Integer(1),
                Scalar::Number(0.5),
                Scalar::Boolean(true),
                Scalar::String("1".into())
            ]
        );
        let text: Vec<String> = values.iter().map(ToString::to_string).collect();
        assert_eq!(text, ["1", "0.5", "true", "1"]);
    }

    #[test]
    fn rendering_names_are_the_written_ones() {
        for rendering in [
            Rendering::Source,
            Rendering::Markdown,
            Rendering::Text,
            Rendering::Flat,
        ] {
            assert_eq!(serde_json::to_value(rendering).unwrap(), rendering.as_str());
        }
    }

    #[test]
    fn ordered_keeps_order_and_refuses_duplicates() {
        let text = r#"{"b": {"type": "string"}, "a": {}}"#;
        let map: Ordered<FieldSchema> = serde_json::from_str(text).unwrap();
        assert_eq!(map.iter().map(|(k, _)| k).collect::<Vec<_>>(), ["b", "a"]);
        assert_eq!(
            serde_json::to_string(&map).unwrap(),
            r#"{"b":{"type":"string"},"a":{}}"#
        );
        let twice = serde_json::from_str::<Ordered<FieldSchema>>(r#"{"a": {}, "a": {}}"#);
        assert!(twice.unwrap_err().to_string().contains("duplicate key `a`"));
    }
}
