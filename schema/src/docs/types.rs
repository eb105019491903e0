//! The type column: `string`, `int64`, `app_scope[]`, `list<x>`, `map<string, x>`, `-`, named types.

use super::cell::shorten;
use super::MAX_DEPTH;

/// A parsed doc type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DocType {
    String,
    Integer,
    Number,
    Boolean,
    /// `object` or `-`: an inline object.
    Object,
    Array(Box<DocType>),
    /// `map<string, x>`.
    Map(Box<DocType>),
    /// A named object type such as `user_id` or `application.app_version_event`.
    Named(String),
    /// The items of a bare `list` / `array`, or `union` / `interface` / `any`: whatever its child rows
    /// say, else anything.
    Any,
}

impl DocType {
    /// Parses the type as the page writes it (already unescaped). A type wrapped more than
    /// [`MAX_DEPTH`] times (`string[][]…`, `list<list<…>>`) is an error.
    pub fn parse(text: &str) -> Result<DocType, String> {
        parse_at(text, 0)
    }

    /// The object type a row of this type opens for child rows, if any (arrays and maps look through).
    pub fn object_part(&self) -> Option<&DocType> {
        match self {
            DocType::Object | DocType::Named(_) | DocType::Any => Some(self),
            DocType::Array(inner) | DocType::Map(inner) => inner.object_part(),
            _ => None,
        }
    }
}

/// Parses a type found inside `depth` wrappers; each wrapper parses its inside one level deeper.
fn parse_at(text: &str, depth: usize) -> Result<DocType, String> {
    let t = text.trim();
    if depth > MAX_DEPTH {
        return Err(format!(
            "nesting deeper than {MAX_DEPTH} levels in a type (`{}`)",
            shorten(t)
        ));
    }
    let inside = |inner: &str| parse_at(inner, depth + 1);
    if let Some(inner) = t.strip_suffix("[]") {
        return Ok(DocType::Array(Box::new(inside(inner)?)));
    }
    if let Some((base, storage)) = t.strip_suffix(')').and_then(|r| r.split_once('(')) {
        return qualified(t, inside(base).ok(), storage);
    }
    for prefix in ["list<", "array<"] {
        if let Some(inner) = strip_prefix_ignoring_case(t, prefix).and_then(|r| r.strip_suffix('>'))
        {
            return Ok(DocType::Array(Box::new(inside(inner)?)));
        }
    }
    if let Some(inner) = strip_prefix_ignoring_case(t, "map<").and_then(|r| r.strip_suffix('>')) {
        let (key, value) = inner
            .split_once(',')
            .ok_or_else(|| format!("unknown type syntax `{t}`: a map needs `map<key, value>`"))?;
        if inside(key)? != DocType::String {
            return Err(format!(
                "unknown type syntax `{t}`: map keys must be strings"
            ));
        }
        return Ok(DocType::Map(Box::new(inside(value)?)));
    }
    if let Some(alternatives) = alternatives(t, depth)? {
        return Ok(alternatives);
    }
    Ok(match t.to_ascii_lowercase().as_str() {
        "string" => DocType::String,
        "int" | "int32" | "int64" | "long" | "integer" => DocType::Integer,
        "float" | "double" | "number" => DocType::Number,
        "boolean" | "bool" => DocType::Boolean,
        "object" | "-" | "/" => DocType::Object,
        "list" | "array" => DocType::Array(Box::new(DocType::Any)),
        "union" | "interface" | "any" => DocType::Any,
        _ if is_type_name(t) => DocType::Named(t.to_string()),
        _ => return Err(format!("unknown type syntax `{t}`")),
    })
}

/// `object/ string`: one of several types, each of which parses. The same type twice is that type;
/// different ones are anything ([`DocType::Any`]), as the value may be either. `None` when `t` is not
/// such a list (a lone `/` is an inline object).
fn alternatives(t: &str, depth: usize) -> Result<Option<DocType>, String> {
    if t == "/" || !t.contains('/') {
        return Ok(None);
    }
    let mut parsed = Vec::new();
    for part in t.split('/') {
        match parse_at(part, depth + 1) {
            Ok(ty) if !part.trim().is_empty() => parsed.push(ty),
            _ => return Ok(None),
        }
    }
    Ok(Some(if parsed.windows(2).all(|w| w[0] == w[1]) {
        parsed.swap_remove(0)
    } else {
        DocType::Any
    }))
}

/// `t` without `prefix`, which it starts with in any ASCII case (`List<`, `MAP<`).
fn strip_prefix_ignoring_case<'t>(t: &'t str, prefix: &str) -> Option<&'t str> {
    let head = t.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &t[prefix.len()..])
}

/// `number(float)`, `int(64)`: a scalar with its storage in parentheses, read as the scalar.
/// `base` is the type before the parentheses, if it parsed.
fn qualified(t: &str, base: Option<DocType>, storage: &str) -> Result<DocType, String> {
    let scalar = base.filter(|b| {
        matches!(
            b,
            DocType::Integer | DocType::Number | DocType::String | DocType::Boolean
        )
    });
    match scalar {
        Some(scalar)
            if !storage.trim().is_empty() && storage.chars().all(|c| c.is_ascii_alphanumeric()) =>
        {
            Ok(scalar)
        }
        _ => Err(format!("unknown type syntax `{t}`")),
    }
}

fn is_type_name(t: &str) -> bool {
    let mut chars = t.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
}

#[cfg(test)]
mod tests {
    use super::DocType::{self, *};

    #[test]
    fn parses_each_form() {
        assert_eq!(DocType::parse("int64").unwrap(), Integer);
        assert_eq!(
            DocType::parse("app_scope[]").unwrap(),
            Array(Box::new(Named("app_scope".into())))
        );
        assert_eq!(
            DocType::parse("list<string>").unwrap(),
            Array(Box::new(String))
        );
        assert_eq!(
            DocType::parse("map<string, int>").unwrap(),
            Map(Box::new(Integer))
        );
        assert_eq!(DocType::parse("-").unwrap(), Object);
        assert_eq!(DocType::parse("list").unwrap(), Array(Box::new(Any)));
        assert_eq!(DocType::parse("number(float)").unwrap(), Number);
        assert_eq!(DocType::parse("/").unwrap(), Object);
        assert_eq!(DocType::parse("object/ string").unwrap(), Any);
        assert_eq!(DocType::parse("int / int64").unwrap(), Integer);
        assert_eq!(
            DocType::parse("application.app_version_event").unwrap(),
            Named("application.app_version_event".into())
        );
    }

    #[test]
    fn rejects_unknown_syntax() {
        for bad in [
            "",
            "int[",
            "a b",
            "map<int, string>",
            "list<>",
            "x<y>",
            "x(float)",
            "int()",
            "string/",
            "string/a b",
        ] {
            assert!(DocType::parse(bad).is_err(), "{bad}");
        }
    }
}
