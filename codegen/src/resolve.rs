//! Schema → type space: decides every Rust name, gives each named type once per module, and refuses
//! two different shapes under one name.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde_json::Value;

use crate::docs;
use crate::model::{
    EnumDef, EnumRepr, EventInfo, Field, FieldType, FlagsDef, Module, Origin, StructDef, TypeDef,
};
use crate::naming;
use crate::page::{Chosen, Page};
use crate::variants::VariantNames;
use crate::Error;

/// Builds the modules, one per service and version, in name order.
pub fn modules(chosen: &[Chosen<'_>], names: &VariantNames) -> Result<Vec<Module>, Error> {
    let mut builders: BTreeMap<(String, String), ModuleBuilder> = BTreeMap::new();
    for event in chosen {
        let page = &event.page;
        let event_names = naming::event_names(&page.event_type).ok_or_else(|| {
            Error::schema(
                page.schema_file,
                format!("event type {:?} names no service", page.event_type),
            )
        })?;
        let builder = builders
            .entry((event_names.service.clone(), event_names.version.clone()))
            .or_default();
        let mut resolver = PageResolver {
            page,
            builder,
            names,
        };
        resolver.event(event, &event_names.struct_name)?;
    }
    Ok(builders
        .into_iter()
        .map(|((service, version), builder)| Module {
            service,
            version,
            types: builder.finish(),
        })
        .collect())
}

/// The types of one module, in order of first use.
#[derive(Default)]
struct ModuleBuilder {
    order: Vec<String>,
    defs: HashMap<String, (TypeDef, Origin)>,
    in_progress: HashSet<String>,
}

impl ModuleBuilder {
    fn finish(mut self) -> Vec<TypeDef> {
        self.order
            .iter()
            .filter_map(|name| self.defs.remove(name).map(|(def, _)| def))
            .collect()
    }

    /// Adds a type, or checks that the one already there has the same shape.
    fn insert(&mut self, def: TypeDef, origin: Origin) -> Result<(), Conflict> {
        let name = def.name().to_owned();
        match self.defs.get(&name) {
            Some((existing, _)) if existing.shape() == def.shape() => Ok(()),
            Some((existing, first)) => match existing.wider_enum(&def) {
                Some(wider) => {
                    let (wider, first) = (wider.clone(), first.clone());
                    self.defs.insert(name, (wider, first));
                    Ok(())
                }
                None => Err(Conflict {
                    name,
                    first: first.clone(),
                    second: origin,
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

struct Conflict {
    name: String,
    first: Origin,
    second: Origin,
}

impl From<Conflict> for Error {
    fn from(conflict: Conflict) -> Self {
        Error::Conflict {
            name: conflict.name,
            first: conflict.first.to_string(),
            second: conflict.second.to_string(),
        }
    }
}

struct PageResolver<'p, 'a> {
    page: &'p Page<'a>,
    builder: &'p mut ModuleBuilder,
    names: &'p VariantNames,
}

impl PageResolver<'_, '_> {
    fn origin(&self, schema: &Value) -> Origin {
        Origin {
            file: self.page.source.clone(),
            line: schema["x-lark-line"].as_u64(),
        }
    }

    fn error(&self, message: impl Into<String>) -> Error {
        Error::schema(self.page.schema_file, message)
    }

    fn event(&mut self, chosen: &Chosen<'_>, struct_name: &str) -> Result<(), Error> {
        let schema = self.page.schema;
        let name = struct_name.to_owned();
        self.builder.order.push(name.clone());
        let data_name = format!("{struct_name}Data");
        let mut fields = Vec::new();
        for (wire_name, property) in properties(schema) {
            let ty = if wire_name == "event" && is_inline_object(property) {
                let docs = vec![format!(
                    "The `event` part of [`{struct_name}`]: what happened."
                )];
                FieldType::Named(self.object(&data_name, property, docs)?)
            } else {
                self.field_type(struct_name, wire_name, property, false)?
            };
            fields.push(field(&fields, wire_name, ty, property));
        }
        let def = StructDef {
            name: name.clone(),
            docs: event_docs(chosen),
            fields,
            event: Some(EventInfo {
                event_type: self.page.event_type.clone(),
                handler_method: format!("on_{}", naming::method_name(struct_name)),
            }),
        };
        let origin = Origin {
            file: self.page.source.clone(),
            line: None,
        };
        self.builder.insert(TypeDef::Struct(def), origin)?;
        Ok(())
    }

    /// Resolves an object with properties into a struct named `name`, once per module.
    fn object(&mut self, name: &str, schema: &Value, docs: Vec<String>) -> Result<String, Error> {
        if self.builder.in_progress.contains(name) {
            return Err(self.error(format!(
                "type {name} contains itself outside an array ({})",
                self.origin(schema)
            )));
        }
        if !self.builder.order.iter().any(|known| known == name) {
            self.builder.order.push(name.to_owned());
        }
        self.builder.in_progress.insert(name.to_owned());
        let mut fields = Vec::new();
        for (wire_name, property) in properties(schema) {
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
        self.builder
            .insert(TypeDef::Struct(def), self.origin(schema))?;
        Ok(name.to_owned())
    }

    fn field_type(
        &mut self,
        owner: &str,
        wire_name: &str,
        schema: &Value,
        in_array: bool,
    ) -> Result<FieldType, Error> {
        if let Some(reference) = schema.get("$ref") {
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
        let ty = match schema["type"].as_str() {
            Some("string") if schema.get("enum").is_some() => {
                self.enumeration(owner, wire_name, &item_name(), EnumRepr::String, schema)?
            }
            Some("integer") if schema["x-lark-bitflags"] == true => {
                self.flags(owner, wire_name, &item_name(), schema)?
            }
            Some("integer") if schema.get("enum").is_some() => {
                self.enumeration(owner, wire_name, &item_name(), EnumRepr::Integer, schema)?
            }
            Some("string" | "integer") if schema["x-lark-format"] == "unix-ms" => {
                FieldType::UnixMillis
            }
            Some("string" | "integer") if schema["x-lark-format"] == "unix-s" => {
                FieldType::UnixSeconds
            }
            Some("string") => FieldType::String,
            Some("integer") => FieldType::Integer,
            Some("number") => FieldType::Float,
            Some("boolean") => FieldType::Bool,
            Some("array") => match schema.get("items") {
                Some(items) => {
                    FieldType::Vec(Box::new(self.field_type(owner, wire_name, items, true)?))
                }
                None => FieldType::Vec(Box::new(FieldType::Json)),
            },
            Some("object")
                if schema
                    .get("additionalProperties")
                    .is_some_and(Value::is_object) =>
            {
                FieldType::Map(Box::new(self.field_type(
                    owner,
                    wire_name,
                    &schema["additionalProperties"],
                    false,
                )?))
            }
            Some("object") if is_inline_object(schema) => {
                let name = format!("{owner}{}", item_name());
                let docs = vec![format!("The `{wire_name}` of [`{owner}`].")];
                FieldType::Named(self.object(&name, schema, docs)?)
            }
            _ => FieldType::Json,
        };
        Ok(ty)
    }

    fn reference(
        &mut self,
        owner: &str,
        wire_name: &str,
        reference: &Value,
        in_array: bool,
    ) -> Result<FieldType, Error> {
        let key = reference
            .as_str()
            .and_then(|text| text.strip_prefix("#/$defs/"))
            .ok_or_else(|| {
                self.error(format!("{owner}.{wire_name}: unsupported $ref {reference}"))
            })?;
        let def = self.page.schema["$defs"].get(key).ok_or_else(|| {
            self.error(format!(
                "{owner}.{wire_name}: $ref to a missing $defs entry {key:?}"
            ))
        })?;
        if !is_inline_object(def) {
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
        Ok(FieldType::Named(self.object(&name, def, docs)?))
    }

    fn listed_values(&self, schema: &Value) -> Vec<(String, String)> {
        let labels: HashMap<String, &str> = schema["x-lark-enum"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|item| {
                (
                    docs::scalar(&item["value"]),
                    item["label"].as_str().unwrap_or_default(),
                )
            })
            .collect();
        let values: Vec<String> = match schema["enum"].as_array() {
            Some(values) => values.iter().map(docs::scalar).collect(),
            None => schema["x-lark-enum"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|item| docs::scalar(&item["value"]))
                .collect(),
        };
        let mut seen = HashSet::new();
        values
            .into_iter()
            .filter(|value| seen.insert(value.clone()))
            .map(|value| {
                let label = labels.get(&value).copied().unwrap_or_default().to_owned();
                (value, label)
            })
            .collect()
    }

    fn enumeration(
        &mut self,
        owner: &str,
        wire_name: &str,
        name: &str,
        repr: EnumRepr,
        schema: &Value,
    ) -> Result<FieldType, Error> {
        let values = self.listed_values(schema);
        if repr == EnumRepr::Integer {
            if let Some((bad, _)) = values
                .iter()
                .find(|(value, _)| value.parse::<i64>().is_err())
            {
                return Err(self.error(format!(
                    "{owner}.{name}: integer enum value {bad:?} ({})",
                    self.origin(schema)
                )));
            }
        }
        let variants = self.names.enum_variants(repr, &values);
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
        self.named_with_fallback(owner, name, def, schema)
    }

    fn flags(
        &mut self,
        owner: &str,
        wire_name: &str,
        name: &str,
        schema: &Value,
    ) -> Result<FieldType, Error> {
        let values = self.listed_values(schema);
        if let Some((bad, _)) = values.iter().find(|(value, _)| {
            value
                .parse::<u64>()
                .map_or(true, |bits| bits.count_ones() != 1)
        }) {
            return Err(self.error(format!(
                "{owner}.{name}: bit flag value {bad:?} is not a power of two ({})",
                self.origin(schema)
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
        self.named_with_fallback(owner, name, def, schema)
    }

    /// Names a value type after its field, or after its owner and field when that name is taken
    /// by another shape.
    fn named_with_fallback(
        &mut self,
        owner: &str,
        name: &str,
        def: impl Fn(String) -> TypeDef,
        schema: &Value,
    ) -> Result<FieldType, Error> {
        let origin = self.origin(schema);
        if self
            .builder
            .insert(def(name.to_owned()), origin.clone())
            .is_ok()
        {
            return Ok(FieldType::Named(name.to_owned()));
        }
        let qualified = format!("{owner}{name}");
        self.builder.insert(def(qualified.clone()), origin)?;
        Ok(FieldType::Named(qualified))
    }
}

/// An object whose children the page lists.
fn is_inline_object(schema: &Value) -> bool {
    schema["type"] == "object"
        && schema["properties"]
            .as_object()
            .is_some_and(|props| !props.is_empty())
}

fn properties(schema: &Value) -> impl Iterator<Item = (&str, &Value)> {
    schema["properties"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(name, value)| (name.as_str(), value))
}

/// A field with an identifier unique in its struct.
fn field(existing: &[Field], wire_name: &str, ty: FieldType, schema: &Value) -> Field {
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
    let schema = page.schema;
    let mut lines = Vec::new();
    if let Some(title) = schema["title"].as_str() {
        lines.extend(docs::text_lines(title));
        lines.push(String::new());
    }
    if let Some(description) = schema["description"].as_str() {
        lines.extend(docs::text_lines(description));
        lines.push(String::new());
    }
    let event = &schema["x-lark-event"];
    lines.push(format!("- Event type: {}", docs::code(&page.event_type)));
    let list = |key: &str| -> Vec<String> {
        event[key]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(docs::code)
            .collect()
    };
    let permissions = |key: &str| -> Vec<String> {
        event[key]
            .as_array()
            .into_iter()
            .flatten()
            .map(docs::permission)
            .collect()
    };
    for (label, items) in [
        ("App types", list("app_types")),
        ("Permissions (any one)", permissions("permissions")),
        ("Field permissions", permissions("field_permissions")),
        ("Push modes", list("push_modes")),
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
    if let Some(rendering) = &page.rendering {
        facts.push(format!("rendering `{rendering}`"));
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
