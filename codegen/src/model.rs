//! The resolved type space: Rust types with their names decided, ready to emit.

/// Where a type or field comes from: the page file and the 1-based line of its row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub file: String,
    pub line: Option<u64>,
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}", self.file),
            None => f.write_str(&self.file),
        }
    }
}

/// The Rust type of a field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldType {
    String,
    Bool,
    /// `wire::Float`: a number or a numeric string, kept as it came.
    Float,
    /// `wire::Integer`: a number or a numeric string, kept as it came.
    Integer,
    /// `wire::UnixMillis`.
    UnixMillis,
    /// `wire::UnixSeconds`.
    UnixSeconds,
    /// Any JSON (an object the page lists no field for, an array of unknown items).
    Json,
    /// A generated type of the same module.
    Named(String),
    Vec(Box<FieldType>),
    Map(Box<FieldType>),
}

/// One field of a struct.
#[derive(Debug, Clone)]
pub struct Field {
    /// The name on the wire.
    pub wire_name: String,
    /// The Rust identifier, escaped when it is a keyword (`r#type`).
    pub ident: String,
    pub ty: FieldType,
    pub docs: Vec<String>,
}

/// A struct.
#[derive(Debug, Clone)]
pub struct StructDef {
    pub name: String,
    pub docs: Vec<String>,
    pub fields: Vec<Field>,
    /// Set on the body struct of an event.
    pub event: Option<EventInfo>,
}

/// What the body struct of an event carries besides its fields.
#[derive(Debug, Clone)]
pub struct EventInfo {
    /// `header.event_type`, e.g. `application.application.app_version.publish_apply_v6`.
    pub event_type: String,
    /// The dispatcher method, e.g. `on_p2_application_app_version_publish_apply_v6`.
    pub handler_method: String,
    /// A callback's answer struct (`P2CardActionTriggerResponse`), when the page documents one.
    pub response: Option<String>,
}

/// The JSON type of an enum's values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnumRepr {
    Integer,
    String,
}

/// One listed value of an enum or flag set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variant {
    /// The Rust name (`Approved`, `ZhCn`, `SIDEBAR`).
    pub name: String,
    pub value: VariantValue,
    /// The page's label (`审核通过`).
    pub label: String,
}

/// A listed value: an integer (an integer enum, a bit of a flag set) or a string.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum VariantValue {
    Integer(i64),
    String(String),
}

/// As written in JSON, strings unquoted (`1`, `zh_cn`).
impl std::fmt::Display for VariantValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            VariantValue::Integer(n) => write!(f, "{n}"),
            VariantValue::String(s) => f.write_str(s),
        }
    }
}

/// An enum that keeps values it does not list in a fallback variant.
#[derive(Debug, Clone)]
pub struct EnumDef {
    pub name: String,
    pub docs: Vec<String>,
    pub repr: EnumRepr,
    pub variants: Vec<Variant>,
}

/// A bit set (`x-lark-bitflags`), kept as an integer with unknown bits retained.
#[derive(Debug, Clone)]
pub struct FlagsDef {
    pub name: String,
    pub docs: Vec<String>,
    pub flags: Vec<Variant>,
}

/// A generated type.
#[derive(Debug, Clone)]
pub enum TypeDef {
    Struct(StructDef),
    Enum(EnumDef),
    Flags(FlagsDef),
}

/// What makes two types with the same name the same type: everything but their docs and the order of
/// their fields.
#[derive(Debug, PartialEq, Eq)]
pub enum Shape<'a> {
    Struct(Vec<(&'a str, &'a FieldType)>),
    Enum(EnumRepr, &'a [Variant]),
    Flags(&'a [Variant]),
}

impl TypeDef {
    pub fn name(&self) -> &str {
        match self {
            TypeDef::Struct(def) => &def.name,
            TypeDef::Enum(def) => &def.name,
            TypeDef::Flags(def) => &def.name,
        }
    }

    /// One type that decodes everything either of two same-named types decodes, when they can be
    /// one: two structs give the union of their fields (a field both list must have one type),
    /// two enums of one representation or two bit sets the union of their values. `None` for
    /// shapes that cannot merge (a struct and an enum, a field that is a string in one and an object
    /// in the other). Every generated field is an `Option` and enums keep unlisted values, so the
    /// union is as tolerant as either side.
    pub fn merged(&self, other: &TypeDef) -> Option<TypeDef> {
        match (self, other) {
            (TypeDef::Struct(left), TypeDef::Struct(right)) => {
                let mut merged = left.clone();
                for field in &right.fields {
                    match merged
                        .fields
                        .iter()
                        .find(|f| f.wire_name == field.wire_name)
                    {
                        Some(known) if known.ty == field.ty => {}
                        Some(_) => return None,
                        None => {
                            let mut field = field.clone();
                            field.ident = unique_ident(&merged.fields, &field.ident);
                            merged.fields.push(field);
                        }
                    }
                }
                if merged.event.is_none() {
                    merged.event.clone_from(&right.event);
                }
                Some(TypeDef::Struct(merged))
            }
            (TypeDef::Enum(left), TypeDef::Enum(right)) if left.repr == right.repr => {
                let mut merged = left.clone();
                merged.variants = union_of_values(&left.variants, &right.variants);
                Some(TypeDef::Enum(merged))
            }
            (TypeDef::Flags(left), TypeDef::Flags(right)) => {
                let mut merged = left.clone();
                merged.flags = union_of_values(&left.flags, &right.flags);
                Some(TypeDef::Flags(merged))
            }
            _ => None,
        }
    }

    /// The same type under another name.
    pub fn renamed(&self, name: &str) -> TypeDef {
        let mut def = self.clone();
        match &mut def {
            TypeDef::Struct(def) => def.name = name.to_owned(),
            TypeDef::Enum(def) => def.name = name.to_owned(),
            TypeDef::Flags(def) => def.name = name.to_owned(),
        }
        def
    }

    pub fn shape(&self) -> Shape<'_> {
        match self {
            TypeDef::Struct(def) => {
                let mut fields: Vec<(&str, &FieldType)> = def
                    .fields
                    .iter()
                    .map(|field| (field.wire_name.as_str(), &field.ty))
                    .collect();
                fields.sort_by(|a, b| a.0.cmp(b.0));
                Shape::Struct(fields)
            }
            TypeDef::Enum(def) => Shape::Enum(def.repr, &def.variants),
            TypeDef::Flags(def) => Shape::Flags(&def.flags),
        }
    }
}

/// One module: a service at one version (`application::v6`).
#[derive(Debug, Clone)]
pub struct Module {
    pub service: String,
    pub version: String,
    /// Every type, in order of first use.
    pub types: Vec<TypeDef>,
}

/// `ident`, or `ident_2`, `ident_3`… when a field of `fields` already has it.
fn unique_ident(fields: &[Field], ident: &str) -> String {
    let base = ident.strip_prefix("r#").unwrap_or(ident);
    let mut candidate = ident.to_owned();
    let mut counter = 2;
    while fields.iter().any(|f| f.ident == candidate) {
        candidate = format!("{base}_{counter}");
        counter += 1;
    }
    candidate
}

/// The variants of `left`, then those of `right` whose value `left` does not list; a name taken by
/// another value gets the value appended (`Unknown`, `Unknown2`).
fn union_of_values(left: &[Variant], right: &[Variant]) -> Vec<Variant> {
    let mut union = left.to_vec();
    for variant in right {
        if union.iter().any(|v| v.value == variant.value) {
            continue;
        }
        let mut variant = variant.clone();
        if union.iter().any(|v| v.name == variant.name) {
            let suffix: String = variant
                .value
                .to_string()
                .chars()
                .filter(char::is_ascii_alphanumeric)
                .collect();
            variant.name = format!("{}{suffix}", variant.name);
            let mut counter = 2;
            while union.iter().any(|v| v.name == variant.name) {
                variant.name = format!("{}{counter}", variant.name);
                counter += 1;
            }
        }
        union.push(variant);
    }
    union
}
