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

    /// For two enums of one name whose listed values agree where both list them, and one lists every
    /// value of the other: the one that lists more. Value lists grow from one version of a page to the
    /// next, and both enums keep unlisted values, so the larger one decodes everything the smaller does.
    pub fn wider_enum<'s>(&'s self, other: &'s TypeDef) -> Option<&'s TypeDef> {
        let (TypeDef::Enum(left), TypeDef::Enum(right)) = (self, other) else {
            return None;
        };
        let covers = |wide: &EnumDef, narrow: &EnumDef| {
            narrow.variants.iter().all(|v| wide.variants.contains(v))
        };
        if left.repr != right.repr {
            None
        } else if covers(left, right) {
            Some(self)
        } else if covers(right, left) {
            Some(other)
        } else {
            None
        }
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
