//! Schema → type space: decides every Rust name and gives each named type once per module. One
//! name documented with different shapes on different pages becomes one type with the union of
//! their fields or values; shapes that cannot merge become separate types named after their event.
//! Each such repair is a warning, and a page that cannot be resolved at all is left out with one:
//! no page stops the others.

use std::collections::{BTreeMap, HashMap, HashSet};

use lark_schema::contract::{
    self, FieldSchema, JsonType, NamedSchema, Ordered, Permission, Scalar, TimeFormat,
};

use crate::docs;
use crate::model::{
    EnumDef, EnumRepr, EventInfo, Field, FieldType, FlagsDef, Module, Origin, StructDef, TypeDef,
    VariantValue,
};
use crate::naming;
use crate::page::{Chosen, Page};
use crate::variants::VariantNames;
use crate::{Error, EventEntry};

/// Builds the modules, one per service and version, in name order, and says what it repaired or
/// left out.
pub fn modules(
    chosen: &[Chosen<'_>],
    names: &VariantNames,
    warnings: &mut Vec<String>,
    events: &mut Vec<EventEntry>,
) -> Vec<Module> {
    let mut builders: BTreeMap<(String, String), ModuleBuilder> = BTreeMap::new();
    for event in chosen {
        let page = &event.page;
        let Some(event_names) = event.names.clone() else {
            warnings.push(format!(
                "{}: left out: event type {:?} names no service",
                page.source, page.event_type
            ));
            continue;
        };
        let builder = builders
            .entry((event_names.service.clone(), event_names.version.clone()))
            .or_default();
        // The page is resolved on a copy, so that a page left out leaves no half of its types.
        let mut attempt = builder.clone();
        let mut resolver = PageResolver {
            source: &page.source,
            schema_file: page.schema_file,
            defs: &page.schema.defs,
            builder: &mut attempt,
            names,
            event_struct: &event_names.struct_name,
        };
        match resolver.event(event, &event_names.struct_name) {
            Ok(struct_name) => {
                *builder = attempt;
                events.push(EventEntry {
                    event_type: page.event_type.clone(),
                    path: format!(
                        "{}::{}::{struct_name}",
                        event_names.service, event_names.version
                    ),
                    page: page.source.clone(),
                });
            }
            Err(err) => warnings.push(format!("{}: left out: {err}", page.source)),
        }
    }
    builders
        .into_iter()
        .map(|((service, version), builder)| {
            warnings.extend(builder.warnings);
            Module {
                service,
                version,
                types: builder
                    .order
                    .iter()
                    .filter_map(|name| builder.defs.get(name).map(|(def, _)| def.clone()))
                    .collect(),
            }
        })
        .collect()
}

/// The types of one module, in order of first use, and the repairs made on the way.
#[derive(Default, Clone)]
struct ModuleBuilder {
    order: Vec<String>,
    defs: HashMap<String, (TypeDef, Origin)>,
    in_progress: HashSet<String>,
    warnings: Vec<String>,
}

impl ModuleBuilder {
    /// Adds a type; one already there under its name must have the same shape or merge with it.
    fn insert(&mut self, def: TypeDef, origin: Origin) -> Result<(), Conflict> {
        let name = def.name().to_owned();
        match self.defs.get(&name) {
            Some((existing, _)) if existing.shape() == def.shape() => Ok(()),
            Some((existing, first)) => match existing.merged(&def) {
                Some(merged) => {
                    if merged.shape() != existing.shape() {
                        self.warnings.push(format!(
                            "{origin}: warning: type {name} is documented with other fields or values at \
                             {first}; generated once, with the union of both"
                        ));
                    }
                    let first = first.clone();
                    self.defs.insert(name, (merged, first));
                    Ok(())
                }
                None => Err(Conflict {
                    first: first.clone(),
                }),
            },
            None => {
                if !self.order.contains(&name) {
                    self.order.push(name.clone());
                }
                self.defs.insert(name, (def, origin));
                Ok(())
            }
        }
    }
}

/// A type whose name is taken by a shape it cannot merge with, documented at `first`.
struct Conflict {
    first: Origin,
}

struct PageResolver<'p> {
    /// The page file, for origins in warnings.
    source: &'p str,
    /// The schema file, for errors.
    schema_file: &'p str,
    /// The page's named types.
    defs: &'p Ordered<NamedSchema>,
    builder: &'p mut ModuleBuilder,
    names: &'p VariantNames,
    /// The page's event struct, whose name qualifies a type that cannot take its own.
    event_struct: &'p str,
}

impl PageResolver<'_> {
    fn origin(&self, line: Option<u64>) -> Origin {
        Origin {
            file: self.source.to_owned(),
            line,
        }
    }

    fn error(&self, message: impl Into<String>) -> Error {
        Error::schema(self.schema_file, message)
    }

    /// Resolves the page's event struct and every type under it; returns the struct's name.
    fn event(&mut self, chosen: &Chosen<'_>, struct_name: &str) -> Result<String, Error> {
        let page = &chosen.page;
        let name = struct_name.to_owned();
        self.builder.order.push(name.clone());
        let data_name = format!("{struct_name}Data");
        let mut fields = Vec::new();
        for (wire_name, property) in page.schema.properties.iter() {
            let ty = if wire_name == "event" && is_inline_object(property) {
                let docs = vec![format!(
                    "The `event` part of [`{struct_name}`]: what happened."
                )];
                let object = Object::of(property);
                FieldType::Named(self.object(&data_name, object, docs)?)
            } else {
                self.field_type(struct_name, wire_name, property, false)?
            };
            fields.push(field(&fields, wire_name, ty, property));
        }
        let response = match &page.schema.answer {
            Some(answer) if !answer.properties.is_empty() => {
                let docs = vec![
                    format!(
                        "What the app answers to [`{struct_name}`]: the page's `响应回调的结构体`."
                    ),
                    "Build it with `..Default::default()`; fields left `None` are not sent."
                        .to_owned(),
                ];
                let object = Object {
                    properties: &answer.properties,
                    line: None,
                };
                Some(self.object(&format!("{struct_name}Response"), object, docs)?)
            }
            _ => None,
        };
        let def = StructDef {
            name: name.clone(),
            docs: event_docs(chosen),
            fields,
            event: Some(EventInfo {
                event_type: page.event_type.clone(),
                handler_method: format!("on_{}", naming::method_name(struct_name)),
                response,
            }),
        };
        let origin = self.origin(None);
        Ok(self.insert_named(TypeDef::Struct(def), origin))
    }

    /// Inserts `def` under its name or, when that name has a shape it cannot merge with, under the
    /// name qualified by the page's event (`P2DriveFileEditV1EventHeader`), with a warning. Returns
    /// the name it got.
    fn insert_named(&mut self, def: TypeDef, origin: Origin) -> String {
        let name = def.name().to_owned();
        let conflict = match self.builder.insert(def.clone(), origin.clone()) {
            Ok(()) => return name,
            Err(conflict) => conflict,
        };
        let base = if name.starts_with(self.event_struct) {
            name.clone()
        } else {
            format!("{}{name}", self.event_struct)
        };
        let mut qualified = base.clone();
        let mut counter = 2;
        loop {
            if qualified != name
                && self
                    .builder
                    .insert(def.renamed(&qualified), origin.clone())
                    .is_ok()
            {
                break;
            }
            qualified = format!("{base}{counter}");
            counter += 1;
        }
        self.builder.warnings.push(format!(
            "{origin}: warning: type {name} has another shape at {} that cannot merge with this one \
             (an object in one, a value in the other); this page's is generated as {qualified}",
            conflict.first
        ));
        qualified
    }

    /// Resolves an object with properties into a struct named `name`, once per module.
    fn object(
        &mut self,
        name: &str,
        object: Object<'_>,
        docs: Vec<String>,
    ) -> Result<String, Error> {
        if self.builder.in_progress.contains(name) {
            return Err(self.error(format!(
                "type {name} contains itself outside an array ({})",
                self.origin(object.line)
            )));
        }
        if !self.builder.order.iter().any(|known| known == name) {
            self.builder.order.push(name.to_owned());
        }
        self.builder.in_progress.insert(name.to_owned());
        let mut fields = Vec::new();
        for (wire_name, property) in object.properties.iter() {
            let ty = self.field_type(name, wire_name, property, false)?;
            fields.push(field(&fields, wire_name, ty, property));
        }
        self.builder.in_progress.remove(name);
        let def = StructDef {
            name: name.to_owned(),
            docs,
            fields,
            event: None,
        };
        let origin = self.origin(object.line);
        Ok(self.insert_named(TypeDef::Struct(def), origin))
    }

    fn field_type(
        &mut self,
        owner: &str,
        wire_name: &str,
        schema: &FieldSchema,
        in_array: bool,
    ) -> Result<FieldType, Error> {
        if let Some(reference) = &schema.reference {
            return self.reference(owner, wire_name, reference, in_array);
        }
        let item_name = || {
            let base = if in_array {
                naming::singular(wire_name)
            } else {
                wire_name
            };
            naming::type_name(base).unwrap_or_else(|| "Field".to_owned())
        };
        let listed = !schema.values.is_empty();
        let ty = match schema.ty {
            Some(JsonType::String) if listed => {
                self.enumeration(owner, wire_name, &item_name(), EnumRepr::String, schema)?
            }
            Some(JsonType::Integer) if schema.bit_flags => {
                self.flags(owner, wire_name, &item_name(), schema)?
            }
            Some(JsonType::Integer) if listed => {
                self.enumeration(owner, wire_name, &item_name(), EnumRepr::Integer, schema)?
            }
            Some(JsonType::String | JsonType::Integer)
                if schema.format == Some(TimeFormat::UnixMillis) =>
            {
                FieldType::UnixMillis
            }
            Some(JsonType::String | JsonType::Integer)
                if schema.format == Some(TimeFormat::UnixSeconds) =>
            {
                FieldType::UnixSeconds
            }
            Some(JsonType::String) => FieldType::String,
            Some(JsonType::Integer) => FieldType::Integer,
            Some(JsonType::Number) => FieldType::Float,
            Some(JsonType::Boolean) => FieldType::Bool,
            Some(JsonType::Array) => match &schema.items {
                Some(items) => {
                    FieldType::Vec(Box::new(self.field_type(owner, wire_name, items, true)?))
                }
                None => FieldType::Vec(Box::new(FieldType::Json)),
            },
            Some(JsonType::Object) => match &schema.additional_properties {
                Some(values) => {
                    FieldType::Map(Box::new(self.field_type(owner, wire_name, values, false)?))
                }
                None if is_inline_object(schema) => {
                    let name = format!("{owner}{}", item_name());
                    let docs = vec![format!("The `{wire_name}` of [`{owner}`].")];
                    FieldType::Named(self.object(&name, Object::of(schema), docs)?)
                }
                None => FieldType::Json,
            },
            None => FieldType::Json,
        };
        Ok(ty)
    }

    fn reference(
        &mut self,
        owner: &str,
        wire_name: &str,
        reference: &str,
        in_array: bool,
    ) -> Result<FieldType, Error> {
        let key = reference.strip_prefix("#/$defs/").ok_or_else(|| {
            self.error(format!(
                "{owner}.{wire_name}: unsupported $ref {reference:?}"
            ))
        })?;
        let def = self.defs.get(key).ok_or_else(|| {
            self.error(format!(
                "{owner}.{wire_name}: $ref to a missing $defs entry {key:?}"
            ))
        })?;
        if def.ty != JsonType::Object || def.properties.is_empty() {
            return Ok(FieldType::Json);
        }
        let name = naming::doc_type_name(key).unwrap_or_else(|| {
            format!(
                "{owner}{}",
                naming::type_name(wire_name).unwrap_or_default()
            )
        });
        if self.builder.in_progress.contains(&name) && in_array {
            return Ok(FieldType::Named(name));
        }
        let docs = vec![format!("The page's type `{key}`.")];
        let object = Object {
            properties: &def.properties,
            line: Some(def.line),
        };
        Ok(FieldType::Named(self.object(&name, object, docs)?))
    }

    /// The listed values (`enum`, else those of `x-lark-enum`) with their labels, each once, as
    /// `repr` types them.
    fn listed_values(
        &self,
        owner: &str,
        name: &str,
        repr: EnumRepr,
        schema: &FieldSchema,
    ) -> Result<Vec<(VariantValue, String)>, Error> {
        let values: Vec<&Scalar> = if schema.values.is_empty() {
            schema
                .labelled_values
                .iter()
                .map(|item| &item.value)
                .collect()
        } else {
            schema.values.iter().collect()
        };
        let mut seen = HashSet::new();
        let mut listed = Vec::new();
        for value in values {
            let typed = match (repr, value) {
                (EnumRepr::Integer, Scalar::Integer(n)) => VariantValue::Integer(*n),
                (EnumRepr::String, Scalar::String(text)) => VariantValue::String(text.clone()),
                _ => {
                    let kind = match repr {
                        EnumRepr::Integer => "an integer",
                        EnumRepr::String => "a string",
                    };
                    return Err(self.error(format!(
                        "{owner}.{name}: listed value {:?} is not {kind} ({})",
                        value.to_string(),
                        self.origin(schema.line)
                    )));
                }
            };
            if seen.insert(typed.clone()) {
                // A value labelled twice takes its last label.
                let label = schema
                    .labelled_values
                    .iter()
                    .rev()
                    .find(|item| item.value == *value)
                    .map_or("", |item| item.label.as_str());
                listed.push((typed, label.to_owned()));
            }
        }
        Ok(listed)
    }

    fn enumeration(
        &mut self,
        owner: &str,
        wire_name: &str,
        name: &str,
        repr: EnumRepr,
        schema: &FieldSchema,
    ) -> Result<FieldType, Error> {
        let values = self.listed_values(owner, name, repr, schema)?;
        let variants = self.names.enum_variants(&values);
        let docs = vec![format!(
            "The values of `{wire_name}` in [`{owner}`]; an unlisted one is kept as it came."
        )];
        let def = |name: String| {
            TypeDef::Enum(EnumDef {
                name,
                docs: docs.clone(),
                repr,
                variants: variants.clone(),
            })
        };
        self.named_with_fallback(owner, name, def, schema.line)
    }

    fn flags(
        &mut self,
        owner: &str,
        wire_name: &str,
        name: &str,
        schema: &FieldSchema,
    ) -> Result<FieldType, Error> {
        let values = self.listed_values(owner, name, EnumRepr::Integer, schema)?;
        if let Some((bad, _)) = values.iter().find(|(value, _)| {
            !matches!(value, VariantValue::Integer(bits) if *bits > 0 && bits.count_ones() == 1)
        }) {
            return Err(self.error(format!(
                "{owner}.{name}: bit flag value {:?} is not a power of two ({})",
                bad.to_string(),
                self.origin(schema.line)
            )));
        }
        let flags = self.names.flag_constants(&values);
        let docs = vec![format!(
            "The bits of `{wire_name}` in [`{owner}`]; unlisted bits are kept."
        )];
        let def = |name: String| {
            TypeDef::Flags(FlagsDef {
                name,
                docs: docs.clone(),
                flags: flags.clone(),
            })
        };
        self.named_with_fallback(owner, name, def, schema.line)
    }

    /// Names a value type after its field, or after its owner and field when that name is taken
    /// by another shape, or after the page's event when that one is taken too.
    fn named_with_fallback(
        &mut self,
        owner: &str,
        name: &str,
        def: impl Fn(String) -> TypeDef,
        line: Option<u64>,
    ) -> Result<FieldType, Error> {
        let origin = self.origin(line);
        if self
            .builder
            .insert(def(name.to_owned()), origin.clone())
            .is_ok()
        {
            return Ok(FieldType::Named(name.to_owned()));
        }
        let qualified = format!("{owner}{name}");
        Ok(FieldType::Named(self.insert_named(def(qualified), origin)))
    }
}

/// Resolves the types of one server API, in a module of its own: its request body and response
/// become structs of the names given, its parameters field types, and every type under them is
/// named as for events (a name taken by another shape is qualified by `qualifier`).
pub struct ApiResolver<'p> {
    source: &'p str,
    schema_file: &'p str,
    defs: &'p Ordered<NamedSchema>,
    names: &'p VariantNames,
    qualifier: &'p str,
    builder: ModuleBuilder,
    /// Names of types the caller writes itself.
    reserved: Vec<String>,
}

impl<'p> ApiResolver<'p> {
    pub fn new(
        source: &'p str,
        schema_file: &'p str,
        defs: &'p Ordered<NamedSchema>,
        names: &'p VariantNames,
        qualifier: &'p str,
    ) -> Self {
        Self {
            source,
            schema_file,
            defs,
            names,
            qualifier,
            builder: ModuleBuilder::default(),
            reserved: Vec::new(),
        }
    }

    fn resolver(&mut self) -> PageResolver<'_> {
        PageResolver {
            source: self.source,
            schema_file: self.schema_file,
            defs: self.defs,
            builder: &mut self.builder,
            names: self.names,
            event_struct: self.qualifier,
        }
    }

    /// Reserves a name for a type written by the caller, so that a resolved type of another shape
    /// takes a qualified name instead.
    pub fn reserve(&mut self, name: &str) {
        let placeholder = TypeDef::Struct(StructDef {
            name: name.to_owned(),
            docs: Vec::new(),
            fields: Vec::new(),
            event: None,
        });
        let origin = Origin {
            file: self.source.to_owned(),
            line: None,
        };
        if self.builder.insert(placeholder, origin).is_ok() {
            self.reserved.push(name.to_owned());
        }
    }

    /// A struct named `name` (or a qualified name, when taken) of `properties`; returns its name.
    pub fn object(
        &mut self,
        name: &str,
        properties: &Ordered<FieldSchema>,
        line: Option<u64>,
        docs: Vec<String>,
    ) -> Result<String, Error> {
        if let Some(at) = self.reserved.iter().position(|reserved| reserved == name) {
            // The caller's own type of that name: the placeholder gives way.
            self.reserved.remove(at);
            self.builder.defs.remove(name);
        }
        let object = Object { properties, line };
        self.resolver().object(name, object, docs)
    }

    /// The fields of `properties` as fields of a struct named `owner`, their types resolved.
    pub fn fields(
        &mut self,
        owner: &str,
        properties: &Ordered<FieldSchema>,
    ) -> Result<Vec<Field>, Error> {
        let mut fields = Vec::new();
        for (wire_name, property) in properties.iter() {
            let ty = self
                .resolver()
                .field_type(owner, wire_name, property, false)?;
            fields.push(field(&fields, wire_name, ty, property));
        }
        Ok(fields)
    }

    /// The resolved types, in order of first use, and the repairs made on the way.
    pub fn finish(self) -> (Vec<TypeDef>, Vec<String>) {
        let ModuleBuilder {
            order,
            defs,
            warnings,
            ..
        } = self.builder;
        let types = order
            .iter()
            .filter(|name| !self.reserved.contains(name))
            .filter_map(|name| defs.get(name).map(|(def, _)| def.clone()))
            .collect();
        (types, warnings)
    }
}

/// The children of an object that becomes a struct: an inline object or a `$defs` entry.
#[derive(Clone, Copy)]
struct Object<'s> {
    properties: &'s Ordered<FieldSchema>,
    line: Option<u64>,
}

impl<'s> Object<'s> {
    fn of(schema: &'s FieldSchema) -> Self {
        Object {
            properties: &schema.properties,
            line: schema.line,
        }
    }
}

/// An object whose children the page lists.
fn is_inline_object(schema: &FieldSchema) -> bool {
    schema.ty == Some(JsonType::Object) && !schema.properties.is_empty()
}

/// A field with an identifier unique in its struct.
fn field(existing: &[Field], wire_name: &str, ty: FieldType, schema: &FieldSchema) -> Field {
    let base = naming::field_ident(wire_name);
    let mut ident = base.clone();
    let mut counter = 2;
    while existing.iter().any(|field| field.ident == ident) || naming::unraw(&ident) == "extra" {
        ident = format!("{}_{counter}", naming::unraw(&base));
        counter += 1;
    }
    Field {
        wire_name: wire_name.to_owned(),
        ident,
        ty,
        docs: docs::field_lines(schema),
    }
}

/// The docs of an event's body struct: the page's title, description, event facts and provenance.
fn event_docs(chosen: &Chosen<'_>) -> Vec<String> {
    let page = &chosen.page;
    let schema = &page.schema;
    let mut lines = Vec::new();
    for text in [&schema.title, &schema.description].into_iter().flatten() {
        lines.extend(docs::text_lines(text));
        lines.push(String::new());
    }
    lines.push(format!("- Event type: {}", docs::code(&page.event_type)));
    let no_event = contract::EventInfo::default();
    let event = schema.event.as_ref().unwrap_or(&no_event);
    let codes = |items: &[String]| -> Vec<String> { items.iter().map(|s| docs::code(s)).collect() };
    let permissions =
        |items: &[Permission]| -> Vec<String> { items.iter().map(docs::permission).collect() };
    for (label, items) in [
        ("App types", codes(&event.app_types)),
        ("Permissions (any one)", permissions(&event.permissions)),
        ("Field permissions", permissions(&event.field_permissions)),
        ("Push modes", codes(&event.push_modes)),
    ] {
        if !items.is_empty() {
            lines.push(format!("- {label}: {}", items.join(", ")));
        }
    }
    lines.push(String::new());
    lines.push(format!("Generated from {}.", describe(page)));
    if !chosen.others.is_empty() {
        lines.push("Also documented by:".to_owned());
        for other in &chosen.others {
            lines.push(format!(
                "- {}: not used, {}",
                describe(other),
                page.preferred_because(other)
            ));
        }
    }
    lines
}

fn describe(page: &Page<'_>) -> String {
    let mut text = docs::code(&page.source);
    let mut facts = Vec::new();
    if let Some(rendering) = page.rendering {
        facts.push(format!("rendering `{}`", rendering.as_str()));
    }
    if let Some(millis) = page.update_time {
        facts.push(format!("updated {}", utc_date(millis)));
    }
    if !facts.is_empty() {
        text.push_str(&format!(" ({})", facts.join(", ")));
    }
    text
}

/// `YYYY-MM-DD` (UTC) of a Unix time in milliseconds.
fn utc_date(millis: u64) -> String {
    let days = (millis / 86_400_000) as i64;
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(utc_date(0), "1970-01-01");
        assert_eq!(utc_date(1_739_867_978_000), "2025-02-18");
        assert_eq!(utc_date(951_782_400_000), "2000-02-29");
    }
}
