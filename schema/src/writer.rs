//! Doc model → JSON Schema (draft 2020-12), in the layout of `schema/README.md`, built as the
//! [`contract`](crate::contract) types.

use std::collections::HashMap;

use serde::Deserialize;
use serde_json::{Number, Value};

use crate::contract::{
    self, ApiInfo, EnumItem, EventInfo, FieldSchema, JsonType, NamedSchema, Ordered, PageInfo,
    RequestBody, Scalar, Schema, TimeFormat, DRAFT,
};
use crate::docs::types::DocType;
use crate::docs::{
    ApiMeta, Body, EventMeta, Field, Page, Permission, Rendering, Warning, MAX_DEPTH,
};

/// The schema of a page.
pub fn page_schema(page: &Page) -> Value {
    page_schema_with_warnings(page).0
}

/// The schema of a page and the warnings found while writing it (a named type with two shapes).
pub fn page_schema_with_warnings(page: &Page) -> (Value, Vec<Warning>) {
    let (schema, warnings) = typed_schema(page);
    let value = serde_json::to_value(schema).expect("the contract types always serialize");
    (value, warnings)
}

/// [`page_schema_with_warnings`] as the contract type.
pub fn typed_schema(page: &Page) -> (Schema, Vec<Warning>) {
    let mut writer = Writer {
        page,
        first_definition: HashMap::new(),
        defs: Ordered::default(),
        deferred: Vec::new(),
        depth: 0,
        warnings: Vec::new(),
    };
    writer.collect_definitions(&page.fields);
    for body in [
        &page.request,
        &page.path_parameters,
        &page.query_parameters,
        &page.answer,
    ]
    .into_iter()
    .flatten()
    {
        writer.collect_definitions(&body.fields);
    }
    let properties = writer.properties(&page.fields);
    let request = page.request.as_ref().map(|body| writer.body(body));
    let answer = page.answer.as_ref().map(|body| writer.body(body));
    while !writer.deferred.is_empty() {
        for (name, source) in std::mem::take(&mut writer.deferred) {
            writer.define(&name, source);
        }
    }
    let defs = std::mem::take(&mut writer.defs)
        .into_iter()
        .map(|(name, def)| (name, def.expect("every `$defs` placeholder is filled")))
        .collect();
    let schema = Schema {
        draft: Some(DRAFT.to_owned()),
        title: page.title.clone(),
        description: page.description.clone(),
        page: Some(PageInfo {
            source: page.file_name.clone(),
            rendering: rendering(page.rendering),
            update_time: page.update_time.clone(),
        }),
        event: page.event.as_ref().map(event_info),
        api: page.api.as_ref().map(|api| ApiInfo {
            path_parameters: page.path_parameters.as_ref().map(|b| writer.body(b)),
            query_parameters: page.query_parameters.as_ref().map(|b| writer.body(b)),
            ..api_info(api)
        }),
        ty: Some(JsonType::Object),
        properties,
        required: required(&page.fields),
        request,
        answer,
        defs,
        examples: page.example.iter().cloned().collect(),
    };
    (schema, writer.warnings)
}

/// Pretty-printed with a final newline: the bytes written to `schema/json/`.
pub fn to_pretty(schema: &Value) -> String {
    let mut text = serde_json::to_string_pretty(schema).expect("a Value always serializes");
    text.push('\n');
    text
}

/// The request body of an API page as a schema of its own: `x-lark-request` with the page's `$defs`;
/// `None` when the schema has no request body or does not follow the contract.
pub fn request_schema(schema: &Value) -> Option<Value> {
    let schema = Schema::deserialize(schema).ok()?;
    let Value::Object(mut request) = serde_json::to_value(schema.request?).ok()? else {
        return None;
    };
    request.insert("$schema".into(), DRAFT.into());
    if !schema.defs.is_empty() {
        request.insert("$defs".into(), serde_json::to_value(schema.defs).ok()?);
    }
    Some(request.into())
}

fn rendering(rendering: Rendering) -> contract::Rendering {
    match rendering {
        Rendering::Source => contract::Rendering::Source,
        Rendering::Markdown => contract::Rendering::Markdown,
        Rendering::Text => contract::Rendering::Text,
        Rendering::Flat => contract::Rendering::Flat,
    }
}

fn api_info(api: &ApiMeta) -> ApiInfo {
    ApiInfo {
        method: api.method.clone(),
        path: api.path.clone(),
        sdk: api.sdk.as_ref().map(|sdk| contract::SdkName {
            project: sdk.project.clone(),
            version: sdk.version.clone(),
            resource: sdk.resource.clone(),
            method: sdk.method.clone(),
        }),
        rate_limit: api.rate_limit.clone(),
        app_types: api.app_types.clone(),
        tokens: api.tokens.clone(),
        permissions: permissions(&api.permissions),
        field_permissions: permissions(&api.field_permissions),
        content_type: api.content_type.clone(),
        path_parameters: None,
        query_parameters: None,
        errors: api
            .errors
            .iter()
            .map(|e| contract::ErrorCode {
                status: e.status,
                code: e.code,
                message: e.message.clone(),
                advice: e.advice.clone(),
            })
            .collect(),
    }
}

/// The names of the fields the page marks `必填: 是`.
fn required(fields: &[Field]) -> Vec<String> {
    fields
        .iter()
        .filter(|f| f.required == Some(true))
        .map(|f| f.name.clone())
        .collect()
}

fn event_info(event: &EventMeta) -> EventInfo {
    EventInfo {
        event_type: event.event_type.clone(),
        app_types: event.app_types.clone(),
        permissions: permissions(&event.permissions),
        field_permissions: permissions(&event.field_permissions),
        push_modes: event.push_modes.clone(),
    }
}

fn permissions(items: &[Permission]) -> Vec<contract::Permission> {
    items
        .iter()
        .map(|p| contract::Permission {
            scope: p.scope.clone(),
            label: p.label.clone(),
        })
        .collect()
}

struct Writer<'p> {
    page: &'p Page,
    /// The first row of each named type that lists children.
    first_definition: HashMap<&'p str, &'p Field>,
    /// `None` while the entry is being written (its place is kept: `$defs` is in order of first use).
    defs: Ordered<Option<NamedSchema>>,
    /// Named types first used too deep to write their definition on the spot (see [`Writer::named`]),
    /// with the row whose children define them: written after the body.
    deferred: Vec<(String, &'p Field)>,
    /// How many levels of fields are being written: the writer recurses once per level.
    depth: usize,
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
    fn body(&mut self, body: &'p Body) -> RequestBody {
        RequestBody {
            ty: JsonType::Object,
            properties: self.properties(&body.fields),
            required: required(&body.fields),
            examples: body.example.iter().cloned().collect(),
        }
    }

    fn properties(&mut self, fields: &'p [Field]) -> Ordered<FieldSchema> {
        self.depth += 1;
        let properties = fields
            .iter()
            .map(|f| (f.name.clone(), self.field(f)))
            .collect();
        self.depth -= 1;
        properties
    }

    fn field(&mut self, field: &'p Field) -> FieldSchema {
        let mut doc_type = DocType::parse(&field.doc_type).unwrap_or(DocType::Object);
        if field.list_in_example {
            doc_type = DocType::Array(Box::new(doc_type));
        }
        let value_part = self.type_schema(&doc_type, field);
        let mut schema = match &doc_type {
            DocType::Array(_) => {
                let mut items = value_part;
                self.annotate_values(&mut items, field, doc_type.innermost());
                FieldSchema {
                    ty: Some(JsonType::Array),
                    items: Some(Box::new(items)),
                    ..FieldSchema::default()
                }
            }
            _ => {
                let mut schema = value_part;
                self.annotate_values(&mut schema, field, &doc_type);
                schema
            }
        };
        schema.description = field.cell.description.clone();
        annotate_rules(&mut schema, field, &doc_type);
        schema.lark_type = Some(field.doc_type.clone());
        schema.format = time_format(field, &doc_type);
        schema.permissions = permissions(&field.cell.permissions);
        schema.line = Some(field.line as u64);
        schema
    }

    /// The schema of a value of `doc_type` (for an array: of its items). Child rows under a scalar type or
    /// a bare `list` make it an object: the rows are stronger evidence than the type column.
    fn type_schema(&mut self, doc_type: &DocType, field: &'p Field) -> FieldSchema {
        let scalar_or_any = matches!(
            doc_type,
            DocType::String | DocType::Integer | DocType::Number | DocType::Boolean | DocType::Any
        );
        if scalar_or_any && !field.children.is_empty() {
            return self.type_schema(&DocType::Object, field);
        }
        let of_type = |ty| FieldSchema {
            ty: Some(ty),
            ..FieldSchema::default()
        };
        match doc_type {
            DocType::Any => FieldSchema::default(),
            DocType::String => of_type(JsonType::String),
            DocType::Integer => of_type(JsonType::Integer),
            DocType::Number => of_type(JsonType::Number),
            DocType::Boolean => of_type(JsonType::Boolean),
            DocType::Object => self.object(&field.children),
            DocType::Array(inner) => self.type_schema(inner, field),
            DocType::Map(inner) => FieldSchema {
                additional_properties: Some(Box::new(self.type_schema(inner, field))),
                ..of_type(JsonType::Object)
            },
            DocType::Named(name) if name.eq_ignore_ascii_case("map") => {
                match key_and_value(&field.children) {
                    Some(value) => FieldSchema {
                        additional_properties: Some(Box::new(self.field(value))),
                        ..of_type(JsonType::Object)
                    },
                    None => self.named(name, field),
                }
            }
            DocType::Named(name) => self.named(name, field),
        }
    }

    /// An inline object of the child rows.
    fn object(&mut self, children: &'p [Field]) -> FieldSchema {
        FieldSchema {
            ty: Some(JsonType::Object),
            properties: self.properties(children),
            required: required(children),
            ..FieldSchema::default()
        }
    }

    /// A `$ref` to the `$defs` entry of `name`, or an inline object when this use has another shape.
    ///
    /// The entry is written at the type's first use, from the first row that lists its children. When
    /// that row is elsewhere on the page and this use is already [`MAX_DEPTH`] levels deep, the entry is
    /// written after the body instead: a page could otherwise chain such jumps without end and overflow
    /// the stack. Until then a use listing children is written inline, as a use inside the type's own
    /// definition is.
    fn named(&mut self, name: &str, field: &'p Field) -> FieldSchema {
        let definition = self.first_definition.get(name).copied();
        if !self.defs.contains_key(name) {
            self.defs.insert(name.to_string(), None);
            let source = definition.unwrap_or(field);
            if std::ptr::eq(source, field) || self.depth < MAX_DEPTH {
                self.define(name, source);
            } else {
                self.deferred.push((name.to_owned(), source));
            }
        }
        if let Some(definition) = definition {
            if !std::ptr::eq(definition, field) && !field.children.is_empty() {
                // Written once, then compared: dropped (with what writing it said) when it is the listed
                // shape, kept inline when not.
                let (defs, warnings) = (self.defs.len(), self.warnings.len());
                let here = self.object(&field.children);
                let listed = self.defs.get(name).and_then(Option::as_ref);
                if listed.is_some_and(|def| same_properties(&def.properties, &here.properties)) {
                    // Every type `here` uses, the listed shape uses too: nothing was added to `$defs`.
                    debug_assert_eq!(self.defs.len(), defs);
                    self.warnings.truncate(warnings);
                } else {
                    let warning = Warning {
                        file: self.page.file_name.clone(),
                        line: field.line,
                        message: format!(
                            "type `{name}` has other fields here than at line {}: written inline",
                            definition.line
                        ),
                    };
                    self.warnings.insert(warnings, warning);
                    return here;
                }
            }
        }
        FieldSchema {
            reference: Some(format!("#/$defs/{}", json_pointer_escape(name))),
            ..FieldSchema::default()
        }
    }

    /// Writes the `$defs` entry of `name` from the children of `source`.
    fn define(&mut self, name: &str, source: &'p Field) {
        let def = NamedSchema {
            ty: JsonType::Object,
            lark_type: name.to_owned(),
            line: source.line as u64,
            properties: self.properties(&source.children),
            required: required(&source.children),
        };
        self.defs.insert(name.to_string(), Some(def));
    }

    fn annotate_values(&mut self, schema: &mut FieldSchema, field: &Field, value_type: &DocType) {
        let items = &field.cell.enum_items;
        if items.is_empty() {
            return;
        }
        let typed: Option<Vec<Scalar>> = items
            .iter()
            .map(|i| typed_value(&i.value, value_type))
            .collect();
        let bits = field.cell.bit_flags
            && items
                .iter()
                .all(|i| i.value.parse::<u64>().is_ok_and(|v| v.is_power_of_two()));
        match (&typed, bits) {
            (_, true) => {}
            (Some(values), false) => schema.values = values.clone(),
            (None, false) => self.warnings.push(Warning {
                file: self.page.file_name.clone(),
                line: field.line,
                message: format!(
                    "the listed values of `{}` do not all fit its type `{}`: no `enum` written",
                    field.name, field.doc_type
                ),
            }),
        }
        schema.labelled_values = items
            .iter()
            .enumerate()
            .map(|(i, item)| EnumItem {
                value: typed
                    .as_ref()
                    .map_or_else(|| Scalar::String(item.value.clone()), |t| t[i].clone()),
                label: item.label.clone(),
            })
            .collect();
        schema.bit_flags = bits;
    }
}

fn annotate_rules(schema: &mut FieldSchema, field: &Field, doc_type: &DocType) {
    let rules = &field.cell.rules;
    match doc_type {
        DocType::Array(_) => {
            schema.min_items = rules.min_length;
            schema.max_items = rules.max_length;
        }
        DocType::String => {
            schema.min_length = rules.min_length;
            schema.max_length = rules.max_length;
        }
        DocType::Integer | DocType::Number => {
            schema.minimum = rules.minimum.and_then(number);
            schema.maximum = rules.maximum.and_then(number);
        }
        _ => {}
    }
    if let Some(default) = &rules.default {
        let value =
            typed_value(default, doc_type).unwrap_or_else(|| Scalar::String(default.clone()));
        schema.default = Some(value);
    }
    schema.examples = field
        .cell
        .example
        .as_deref()
        .and_then(|text| example_value(text, doc_type))
        .into_iter()
        .collect();
}

/// A `示例值` as a JSON value of the field's type: JSON when it reads as one of that type, else a
/// string field's text without its quotes; `None` when it fits neither.
fn example_value(text: &str, doc_type: &DocType) -> Option<Value> {
    let json = serde_json::from_str::<Value>(text).ok();
    let fits = |value: &Value| match doc_type {
        DocType::String => value.is_string(),
        DocType::Integer => value.is_i64() || value.is_u64(),
        DocType::Number => value.is_number(),
        DocType::Boolean => value.is_boolean(),
        DocType::Array(_) => value.is_array(),
        _ => value.is_object(),
    };
    match json {
        Some(value) if fits(&value) => Some(value),
        _ if *doc_type == DocType::String => {
            let unquoted = text.trim_matches(|c| c == '"' || c == '“' || c == '”');
            Some(Value::String(unquoted.to_owned()))
        }
        // `"1"` for an integer: the number inside the quotes.
        _ => serde_json::from_str::<Value>(text.trim_matches('"'))
            .ok()
            .filter(|value| fits(value)),
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

/// A listed value typed as the field; `None` when it does not fit.
fn typed_value(text: &str, value_type: &DocType) -> Option<Scalar> {
    match value_type {
        DocType::Integer => text.parse::<i64>().ok().map(Scalar::Integer),
        DocType::Number => {
            let n = text.parse::<f64>().ok()?;
            Some(match number(n)?.as_i64() {
                Some(integer) => Scalar::Integer(integer),
                None => Scalar::Number(n),
            })
        }
        DocType::Boolean => text.parse::<bool>().ok().map(Scalar::Boolean),
        _ => Some(Scalar::String(text.to_owned())),
    }
}

/// An integral number as an integer; `None` for infinity and NaN, which JSON cannot write.
fn number(n: f64) -> Option<Number> {
    if n.fract() == 0.0 && n.abs() < 9e15 {
        Some(Number::from(n as i64))
    } else {
        Number::from_f64(n)
    }
}

/// `unix-ms` / `unix-s` for a string or integer holding a time, from its description.
fn time_format(field: &Field, doc_type: &DocType) -> Option<TimeFormat> {
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
    // Microseconds (`微秒级时间戳`, a callback's `create_time`) are neither format: kept as they come.
    if d.contains("微秒") {
        return None;
    }
    let unit_s = d
        .split_whitespace()
        .any(|w| w == "单位:s" || w == "s" || w == "单位:秒");
    if d.contains("毫秒") || d.split_whitespace().any(|w| w == "单位:ms" || w == "ms") {
        Some(TimeFormat::UnixMillis)
    } else if unit_s || d.contains("秒级") || d.contains("单位:秒") {
        Some(TimeFormat::UnixSeconds)
    } else {
        None
    }
}

/// Whether two uses of a named type have the same fields, compared by [`same_shape`], in any order.
fn same_properties(a: &Ordered<FieldSchema>, b: &Ordered<FieldSchema>) -> bool {
    if a.len() != b.len() {
        return false;
    }
    if a.iter().zip(b.iter()).all(|((a, _), (b, _))| a == b) {
        return a
            .iter()
            .zip(b.iter())
            .all(|((_, a), (_, b))| same_shape(a, b));
    }
    let b: HashMap<&str, &FieldSchema> = b.iter().collect();
    a.iter()
        .all(|(name, a)| b.get(name).is_some_and(|b| same_shape(a, b)))
}

/// What makes two shapes of a named type the same: everything but prose, lines, permissions, formats
/// and enum labels.
fn same_shape(a: &FieldSchema, b: &FieldSchema) -> bool {
    let same_nested = |a: &Option<Box<FieldSchema>>, b: &Option<Box<FieldSchema>>| match (a, b) {
        (Some(a), Some(b)) => same_shape(a, b),
        (a, b) => a.is_none() && b.is_none(),
    };
    // Every field named, so that a field added to the contract is decided on here.
    let FieldSchema {
        description: _,
        ty,
        reference,
        items,
        properties,
        additional_properties,
        required,
        values,
        labelled_values: _,
        bit_flags,
        min_length,
        max_length,
        min_items,
        max_items,
        minimum,
        maximum,
        default,
        examples: _,
        lark_type,
        format: _,
        permissions: _,
        line: _,
    } = a;
    *ty == b.ty
        && *reference == b.reference
        && same_nested(items, &b.items)
        && same_properties(properties, &b.properties)
        && same_nested(additional_properties, &b.additional_properties)
        && *required == b.required
        && *values == b.values
        && *bit_flags == b.bit_flags
        && (*min_length, *max_length, *min_items, *max_items)
            == (b.min_length, b.max_length, b.min_items, b.max_items)
        && (minimum, maximum) == (&b.minimum, &b.maximum)
        && *default == b.default
        && *lark_type == b.lark_type
}

fn json_pointer_escape(name: &str) -> String {
    name.replace('~', "~0").replace('/', "~1")
}

/// A `Map` documented as its entries, two child rows `key` (a string) and `value`: the value row, whose
/// type is that of the map's values (`i18n` of a toast: `{"zh_cn": "…", "en_us": "…"}`).
fn key_and_value(children: &[Field]) -> Option<&Field> {
    match children {
        [key, value]
            if key.name == "key"
                && value.name == "value"
                && DocType::parse(&key.doc_type).ok() == Some(DocType::String) =>
        {
            Some(value)
        }
        _ => None,
    }
}
