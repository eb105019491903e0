//! The type column: `string`, `int64`, `app_scope[]`, `list<x>`, `map<string, x>`, `-`, named types.

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
    /// Parses the type as the page writes it (already unescaped).
    pub fn parse(text: &str) -> Result<DocType, String> {
        let t = text.trim();
        if let Some(inner) = t.strip_suffix("[]") {
            return Ok(DocType::Array(Box::new(DocType::parse(inner)?)));
        }
        if let Some(base) = t.strip_suffix(')').and_then(|r| r.split_once('(')) {
            return qualified(t, base.0, base.1);
        }
        let lower = t.to_ascii_lowercase();
        for prefix in ["list<", "array<"] {
            if let Some(inner) = lower.strip_prefix(prefix).and_then(|r| r.strip_suffix('>')) {
                let inner = &t[t.len() - inner.len() - 1..t.len() - 1];
                return Ok(DocType::Array(Box::new(DocType::parse(inner)?)));
            }
        }
        if let Some(inner) = lower.strip_prefix("map<").and_then(|r| r.strip_suffix('>')) {
            let inner = &t[4..4 + inner.len()];
            let (key, value) = inner.split_once(',').ok_or_else(|| {
                format!("unknown type syntax `{t}`: a map needs `map<key, value>`")
            })?;
            if DocType::parse(key)? != DocType::String {
                return Err(format!(
                    "unknown type syntax `{t}`: map keys must be strings"
                ));
            }
            return Ok(DocType::Map(Box::new(DocType::parse(value)?)));
        }
        Ok(match lower.as_str() {
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

    /// The object type a row of this type opens for child rows, if any (arrays and maps look through).
    pub fn object_part(&self) -> Option<&DocType> {
        match self {
            DocType::Object | DocType::Named(_) | DocType::Any => Some(self),
            DocType::Array(inner) | DocType::Map(inner) => inner.object_part(),
            _ => None,
        }
    }
}

/// `number(float)`, `int(64)`: a scalar with its storage in parentheses, read as the scalar.
fn qualified(t: &str, base: &str, storage: &str) -> Result<DocType, String> {
    let scalar = DocType::parse(base).ok().filter(|b| {
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
        ] {
            assert!(DocType::parse(bad).is_err(), "{bad}");
        }
    }
}
