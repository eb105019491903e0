//! Doc model → JSON Schema (draft 2020-12), in the layout of `schema/README.md`.

use std::collections::HashMap;

use serde_json::{json, Map, Value};

use crate::docs::types::DocType;
use crate::docs::{ApiMeta, Body, EnumItem, EventMeta, Field, Page, Permission, Warning};

const DRAFT: &str = "https://json-schema.org/draft/2020-12/schema";

/// The schema of a page.
pub fn page_schema(page: &Page) -> Value {
    page_schema_with_warnings(page).0
}

/// The schema of a page and the warnings found while writing it (a named type with two shapes).
pub fn page_schema_with_warnings(page: &Page) -> (Value, Vec<Warning>) {
    let mut writer = Writer {
        page,
        first_definition: HashMap::new(),
        defs: Map::new(),
        warnings: Vec::new(),
    };
    writer.collect_definitions(&page.fields);
    if let Some(request) = &page.request {
        writer.collect_definitions(&request.fields);
    }
    let properties = writer.properties(&page.fields);
    let request = page.request.as_ref().map(|body| writer.body(body));

    let mut root = Map::new();
    root.insert("$schema".into(), DRAFT.into());
    if let Some(title) = &page.title {
        root.insert("title".into(), title.as_str().into());
    }
    if let Some(description) = &page.description {
        root.insert("description".into(), description.as_str().into());
    }
    let mut meta = Map::new();
    meta.insert("source".into(), page.file_name.as_str().into());
    meta.insert("rendering".into(), page.rendering.as_str().into());
    if let Some(time) = &page.update_time {
        meta.insert("update_time".into(), time.as_str().into());
    }
    root.insert("x-lark-page".into(), meta.into());
    if let Some(event) = &page.event {
        root.insert("x-lark-event".into(), event_meta(event));
    }
    if let Some(api) = &page.api {
        root.insert("x-lark-api".into(), api_meta(api));
    }
    root.insert("type".into(), "object".into());
    root.insert("properties".into(), properties.into());
    if let Some(required) = required(&page.fields) {
        root.insert("required".into(), required);
    }
    if let Some(request) = request {
        root.insert("x-lark-request".into(), request.into());
    }
    if !writer.defs.is_empty() {
        root.insert("$defs".into(), std::mem::take(&mut writer.defs).into());
    }
    if let Some(example) = &page.example {
        root.insert("examples".into(), json!([example]));
    }
    (root.into(), writer.warnings)
}

/// Pretty-printed with a final newline: the bytes written to `schema/json/`.
pub fn to_pretty(schema: &Value) -> String {
    let mut text = serde_json::to_string_pretty(schema).expect("a Value always serializes");
    text.push('\n');
    text
}

/// The request body of an API page as a schema of its own: `x-lark-request` with the page's `$defs`.
pub fn request_schema(schema: &Value) -> Option<Value> {
    let mut request = schema.get("x-lark-request")?.as_object()?.clone();
    request.insert("$schema".into(), DRAFT.into());
    if let Some(defs) = schema.get("$defs") {
        request.insert("$defs".into(), defs.clone());
    }
    Some(request.into())
}

fn api_meta(api: &ApiMeta) -> Value {
    let mut meta = Map::new();
    if let Some(method) = &api.method {
        meta.insert("method".into(), method.as_str().into());
    }
    if let Some(path) = &api.path {
        meta.insert("path".into(), path.as_str().into());
    }
    meta.into()
}

/// The names of the fields the page marks `必填: 是`, if any.
fn required(fields: &[Field]) -> Option<Value> {
    let names: Vec<Value> = fields
        .iter()
        .filter(|f| f.required == Some(true))
        .map(|f| Value::from(f.name.as_str()))
        .collect();
    (!names.is_empty()).then(|| names.into())
}

fn event_meta(event: &EventMeta) -> Value {
    let mut meta = Map::new();
    if let Some(t) = &event.event_type {
        meta.insert("event_type".into(), t.as_str().into());
    }
    let lists = [
        ("app_types", strings(&event.app_types)),
        ("permissions", permissions(&event.permissions)),
        ("field_permissions", permissions(&event.field_permissions)),
        ("push_modes", strings(&event.push_modes)),
    ];
    for (key, list) in lists {
        if list.as_array().is_some_and(|a| !a.is_empty()) {
            meta.insert(key.into(), list);
        }
    }
    meta.into()
}

fn strings(items: &[String]) -> Value {
    items.iter().map(|s| Value::from(s.as_str())).collect()
}

fn permissions(items: &[Permission]) -> Value {
    items
        .iter()
        .map(|p| {
            let mut m = Map::new();
            if let Some(scope) = &p.scope {
                m.insert("scope".into(), scope.as_str().into());
            }
            if let Some(label) = &p.label {
                m.insert("label".into(), label.as_str().into());
            }
            Value::from(m)
        })
        .collect()
}

struct Writer<'p> {
    page: &'p Page,
    /// The first row of each named type that lists children.
    first_definition: HashMap<&'p str, &'p Field>,
    defs: Map<String, Value>,
    warnings: Vec<Warning>,
}

impl<'p> Writer<'p> {
    fn collect_definitions(&mut self, fields: &'p [Field]) {
        for field in fields {
            if let Some(name) = named(field) {
                if !field.children.is_empty() {
                    self.first_definition.entry(name).or_insert(field);
                }
            }
            self.collect_definitions(&field.children);
        }
    }

    /// `x-lark-request`: an object of the body's fields, with its example.
    fn body(&mut self, body: &'p Body) -> Map<String, Value> {
        let mut m = Map::new();
        m.insert("type".into(), "object".into());
        m.insert("properties".into(), self.properties(&body.fields).into());
        if let Some(required) = required(&body.fields) {
            m.insert("required".into(), required);
        }
        if let Some(example) = &body.example {
            m.insert("examples".into(), json!([example]));
        }
        m
    }

    fn properties(&mut self, fields: &'p [Field]) -> Map<String, Value> {
        fields
            .iter()
            .map(|f| (f.name.clone(), self.field(f).into()))
            .collect()
    }

    fn field(&mut self, field: &'p Field) -> Map<String, Value> {
        let doc_type = DocType::parse(&field.doc_type).unwrap_or(DocType::Object);
        let mut schema = Map::new();
        if let Some(d) = &field.cell.description {
            schema.insert("description".into(), d.as_str().into());
        }
        let value_part = self.type_schema(&doc_type, field);
        match &doc_type {
            DocType::Array(_) => {
                let mut items = value_part;
                self.annotate_values(&mut items, field, doc_type.innermost());
                schema.insert("type".into(), "array".into());
                schema.insert("items".into(), items.into());
            }
            _ => {
                schema.extend(value_part);
                self.annotate_values(&mut schema, field, &doc_type);
            }
        }
        self.annotate_rules(&mut schema, field, &doc_type);
        schema.insert("x-lark-type".into(), field.doc_type.as_str().into());
        if let Some(format) = time_format(field, &doc_type) {
            schema.insert("x-lark-format".into(), format.into());
        }
        if !field.cell.permissions.is_empty() {
            schema.insert(
                "x-lark-permission".into(),
                permissions(&field.cell.permissions),
            );
        }
        schema.insert("x-lark-line".into(), field.line.into());
        schema
    }

    /// The schema of a value of `doc_type` (for an array: of its items). Child rows under a scalar type or
    /// a bare `list` make it an object: the rows are stronger evidence than the type column.
    fn type_schema(&mut self, doc_type: &DocType, field: &'p Field) -> Map<String, Value> {
        let mut m = Map::new();
        let scalar_or_any = matches!(
            doc_type,
            DocType::String | DocType::Integer | DocType::Number | DocType::Boolean | DocType::Any
        );
        if scalar_or_any && !field.children.is_empty() {
            return self.type_schema(&DocType::Object, field);
        }
        match doc_type {
            DocType::Any => {}
            DocType::String => {
                m.insert("type".into(), "string".into());
            }
            DocType::Integer => {
                m.insert("type".into(), "integer".into());
            }
            DocType::Number => {
                m.insert("type".into(), "number".into());
            }
            DocType::Boolean => {
                m.insert("type".into(), "boolean".into());
            }
            DocType::Object => {
                m.insert("type".into(), "object".into());
                if !field.children.is_empty() {
                    m.insert("properties".into(), self.properties(&field.children).into());
                }
                if let Some(required) = required(&field.children) {
                    m.insert("required".into(), required);
                }
            }
            DocType::Array(inner) => return self.type_schema(inner, field),
            DocType::Map(inner) => {
                m.insert("type".into(), "object".into());
                m.insert(
                    "additionalProperties".into(),
                    self.type_schema(inner, field).into(),
                );
            }
            DocType::Named(name) => return self.named(name, field),
        }
        m
    }

    /// A `$ref` to the `$defs` entry of `name`, or an inline object when this use has another shape.
    fn named(&mut self, name: &str, field: &'p Field) -> Map<String, Value> {
        let definition = self.first_definition.get(name).copied();
        if !self.defs.contains_key(name) {
            self.defs.insert(name.to_string(), Value::Null);
            let source = definition.unwrap_or(field);
            let mut def = Map::new();
            def.insert("type".into(), "object".into());
            def.insert("x-lark-type".into(), name.into());
            def.insert("x-lark-line".into(), source.line.into());
            if !source.children.is_empty() {
                def.insert(
                    "properties".into(),
                    self.properties(&source.children).into(),
                );
            }
            if let Some(required) = required(&source.children) {
                def.insert("required".into(), required);
            }
            self.defs.insert(name.to_string(), def.into());
        }
        if let Some(definition) = definition {
            if !std::ptr::eq(definition, field)
                && !field.children.is_empty()
                && shape(&self.defs[name]["properties"])
                    != shape(&Value::from(self.properties_quiet(&field.children)))
            {
                self.warnings.push(Warning {
                    file: self.page.file_name.clone(),
                    line: field.line,
                    message: format!(
                        "type `{name}` has other fields here than at line {}: written inline",
                        definition.line
                    ),
                });
                let mut m = Map::new();
                m.insert("type".into(), "object".into());
                m.insert("properties".into(), self.properties(&field.children).into());
                if let Some(required) = required(&field.children) {
                    m.insert("required".into(), required);
                }
                return m;
            }
        }
        let mut m = Map::new();
        m.insert(
            "$ref".into(),
            format!("#/$defs/{}", json_pointer_escape(name)).into(),
        );
        m
    }

    /// Properties for a shape comparison, without touching `$defs` order or warnings.
    fn properties_quiet(&mut self, fields: &'p [Field]) -> Map<String, Value> {
        // `$defs` only grows at its end (an entry is written once), so the entries added here are the
        // last ones: removing them from the end restores it.
        let defs = self.defs.len();
        let warnings = self.warnings.len();
        let props = self.properties(fields);
        while self.defs.len() > defs {
            let last = self.defs.keys().next_back().cloned().expect("non-empty");
            self.defs.remove(&last);
        }
        self.warnings.truncate(warnings);
        props
    }

    fn annotate_values(&mut self, m: &mut Map<String, Value>, field: &Field, value_type: &DocType) {
        let items = &field.cell.enum_items;
        if items.is_empty() {
            return;
        }
        let typed: Option<Vec<Value>> = items
            .iter()
            .map(|i| typed_value(&i.value, value_type))
            .collect();
        let bits = field.cell.bit_flags
            && items
                .iter()
                .all(|i| i.value.parse::<u64>().is_ok_and(|v| v.is_power_of_two()));
        match (&typed, bits) {
            (_, true) => {}
            (Some(values), false) => {
                m.insert("enum".into(), values.clone().into());
            }
            (None, false) => self.warnings.push(Warning {
                file: self.page.file_name.clone(),
                line: field.line,
                message: format!(
                    "the listed values of `{}` do not all fit its type `{}`: no `enum` written",
                    field.name, field.doc_type
                ),
            }),
        }
        let labels: Vec<Value> = items
            .iter()
            .zip(0..)
            .map(|(item, i): (&EnumItem, usize)| {
                let value = typed
                    .as_ref()
                    .map_or_else(|| Value::from(item.value.as_str()), |t| t[i].clone());
                json!({ "value": value, "label": item.label })
            })
            .collect();
        m.insert("x-lark-enum".into(), labels.into());
        if bits {
            m.insert("x-lark-bitflags".into(), true.into());
        }
    }

    fn annotate_rules(&self, m: &mut Map<String, Value>, field: &Field, doc_type: &DocType) {
        let rules = &field.cell.rules;
        let (min_key, max_key) = match doc_type {
            DocType::Array(_) => ("minItems", "maxItems"),
            DocType::String => ("minLength", "maxLength"),
            _ => ("", ""),
        };
        if !min_key.is_empty() {
            if let Some(n) = rules.min_length {
                m.insert(min_key.into(), n.into());
            }
            if let Some(n) = rules.max_length {
                m.insert(max_key.into(), n.into());
            }
        }
        if matches!(doc_type, DocType::Integer | DocType::Number) {
            if let Some(n) = rules.minimum {
                m.insert("minimum".into(), number(n));
            }
            if let Some(n) = rules.maximum {
                m.insert("maximum".into(), number(n));
            }
        }
        if let Some(default) = &rules.default {
            let value = typed_value(default, doc_type).unwrap_or_else(|| default.as_str().into());
            m.insert("default".into(), value);
        }
    }
}

impl DocType {
    /// The type of the innermost items of nested arrays.
    fn innermost(&self) -> &DocType {
        match self {
            DocType::Array(inner) => inner.innermost(),
            other => other,
        }
    }
}

fn named(field: &Field) -> Option<&str> {
    match DocType::parse(&field.doc_type).ok()?.object_part()? {
        DocType::Named(_) => {
            let t = field.doc_type.trim();
            let t = t.trim_end_matches("[]");
            Some(
                t.strip_prefix("list<")
                    .or_else(|| t.strip_prefix("array<"))
                    .map_or(t, |s| s.trim_end_matches('>')),
            )
        }
        _ => None,
    }
}

/// A listed value as JSON of the field's type; `None` when it does not fit.
fn typed_value(text: &str, value_type: &DocType) -> Option<Value> {
    match value_type {
        DocType::Integer => text.parse::<i64>().ok().map(Value::from),
        DocType::Number => text.parse::<f64>().ok().map(number),
        DocType::Boolean => text.parse::<bool>().ok().map(Value::from),
        _ => Some(text.into()),
    }
}

fn number(n: f64) -> Value {
    if n.fract() == 0.0 && n.abs() < 9e15 {
        Value::from(n as i64)
    } else {
        Value::from(n)
    }
}

/// `unix-ms` / `unix-s` for a string or integer holding a time, from its description.
fn time_format(field: &Field, doc_type: &DocType) -> Option<&'static str> {
    if !matches!(doc_type, DocType::String | DocType::Integer) {
        return None;
    }
    let d = field
        .cell
        .description
        .as_deref()?
        .replace('：', ":")
        .replace(['（', '）', '(', ')', '，', ','], " ");
    if !(d.contains("时间") || d.to_ascii_lowercase().contains("timestamp")) {
        return None;
    }
    let unit_s = d
        .split_whitespace()
        .any(|w| w == "单位:s" || w == "s" || w == "单位:秒");
    if d.contains("毫秒") || d.split_whitespace().any(|w| w == "单位:ms" || w == "ms") {
        Some("unix-ms")
    } else if unit_s || d.contains("秒级") || d.contains("单位:秒") {
        Some("unix-s")
    } else {
        None
    }
}

/// What makes two shapes of a named type the same: everything but prose, lines and permissions.
fn shape(value: &Value) -> Value {
    match value {
        Value::Object(m) => m
            .iter()
            .filter(|(k, _)| {
                !matches!(
                    k.as_str(),
                    "description"
                        | "x-lark-line"
                        | "x-lark-permission"
                        | "x-lark-format"
                        | "x-lark-enum"
                )
            })
            .map(|(k, v)| (k.clone(), shape(v)))
            .collect::<Map<_, _>>()
            .into(),
        Value::Array(items) => items.iter().map(shape).collect(),
        other => other.clone(),
    }
}

fn json_pointer_escape(name: &str) -> String {
    name.replace('~', "~0").replace('/', "~1")
}
