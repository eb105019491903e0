//! Rust names from wire names and doc type names.

use heck::{ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};

/// Keywords that can be written as raw identifiers (`r#type`).
const RAW_KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "dyn", "else", "enum", "extern", "false",
    "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub",
    "ref", "return", "static", "struct", "trait", "true", "type", "unsafe", "use", "where",
    "while", "abstract", "become", "box", "do", "final", "macro", "override", "priv", "try",
    "typeof", "unsized", "virtual", "yield",
];

/// Keywords that cannot be raw identifiers: a trailing `_` is added instead.
const PLAIN_KEYWORDS: &[&str] = &["self", "super", "crate", "extern", "_"];

/// Replaces every character that cannot appear in an identifier by `_`.
fn sanitize(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}

/// A snake_case field identifier for a wire name, escaped when it is a keyword: `type` → `r#type`,
/// `userId` → `user_id`, `self` → `self_`, `1st` → `_1st`.
pub fn field_ident(wire_name: &str) -> String {
    let mut ident = sanitize(wire_name).to_snake_case();
    if ident.is_empty() {
        ident = "field".to_owned();
    }
    if ident.starts_with(|c: char| c.is_ascii_digit()) {
        ident.insert(0, '_');
    }
    if PLAIN_KEYWORDS.contains(&ident.as_str()) {
        ident.push('_');
    } else if RAW_KEYWORDS.contains(&ident.as_str()) {
        ident.insert_str(0, "r#");
    }
    ident
}

/// The identifier without its raw prefix: what serde would call the field.
pub fn unraw(ident: &str) -> &str {
    ident.strip_prefix("r#").unwrap_or(ident)
}

/// Names the generated code uses unqualified (the prelude, serde's derives): a type of the same
/// name would shadow them.
const RESERVED_TYPE_NAMES: &[&str] = &[
    "Option",
    "Some",
    "None",
    "Result",
    "Ok",
    "Err",
    "String",
    "Vec",
    "Box",
    "Default",
    "Serialize",
    "Deserialize",
    "Self",
    "From",
    "Into",
    "Clone",
    "Copy",
    "Debug",
    "PartialEq",
    "Eq",
    "Hash",
    "Send",
    "Sync",
    "Sized",
    "Fn",
    "FnMut",
    "FnOnce",
    "Iterator",
    "IntoIterator",
    "AsRef",
    "ToOwned",
    "ToString",
    "Drop",
    "Ord",
    "PartialOrd",
    "TryFrom",
    "TryInto",
    "Unpin",
    "Extend",
    "FromIterator",
];

/// An UpperCamelCase type name; `None` when nothing of the text is usable. A name that would shadow
/// one the generated code relies on gets a `Type` suffix (`option` → `OptionType`).
pub fn type_name(text: &str) -> Option<String> {
    let name = sanitize(text).to_upper_camel_case();
    match name.chars().next() {
        None => None,
        Some(first) if first.is_ascii_digit() => Some(format!("T{name}")),
        Some(_) if RESERVED_TYPE_NAMES.contains(&name.as_str()) => Some(format!("{name}Type")),
        Some(_) => Some(name),
    }
}

/// A type name for a doc type name: its last dotted segment (`application.app_version_event` →
/// `AppVersionEvent`).
pub fn doc_type_name(doc_type: &str) -> Option<String> {
    let last = doc_type.rsplit('.').find(|segment| !segment.is_empty())?;
    type_name(last)
}

/// The singular of a plural field name, for the item type of an array (`token_types` → `token_type`).
pub fn singular(name: &str) -> &str {
    match name.strip_suffix('s') {
        Some(stem) if !stem.is_empty() && !stem.ends_with(['s', 'u', 'i']) => stem,
        _ => name,
    }
}

/// SCREAMING_SNAKE_CASE, for flag constants.
pub fn constant_name(text: &str) -> Option<String> {
    let name = sanitize(text).to_shouty_snake_case();
    match name.chars().next() {
        None => None,
        Some(first) if first.is_ascii_digit() => Some(format!("BIT_{name}")),
        Some(_) => Some(name),
    }
}

/// snake_case, for method names.
pub fn method_name(text: &str) -> String {
    sanitize(text).to_snake_case()
}

/// The parts of an event type: `application.application.app_version.publish_apply_v6` →
/// service `application`, version `v6`, struct `P2ApplicationAppVersionPublishApplyV6` (the service is
/// dropped and the rest joined, as the official SDKs name it). A dotted type with no `_vN` suffix is a
/// schema 2.0 callback (`card.action.trigger`): named in full as the official SDKs name it
/// (`P2CardActionTrigger`), in the module `callback` of its service. An event type of one segment is
/// a schema 1.0 event (`leave_approval` → `P1LeaveApproval`) and belongs to version `v1`, the
/// platform's first event format. Its type names no service: the service given here is the type
/// itself, and `page::choose` puts it under the service of the pages next to its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventNames {
    pub service: String,
    pub version: String,
    pub struct_name: String,
    /// Whether the event type has no `_vN` suffix: a schema 1.0 event.
    pub schema_1: bool,
}

pub fn event_names(event_type: &str) -> Option<EventNames> {
    let segments: Vec<&str> = event_type.split('.').filter(|s| !s.is_empty()).collect();
    let (service, rest) = match segments.as_slice() {
        [] => return None,
        [only] => (*only, vec![*only]),
        [first, rest @ ..] => (*first, rest.to_vec()),
    };
    let last = rest.last()?;
    let version = last
        .rsplit_once("_v")
        .filter(|(_, digits)| !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()))
        .map(|(_, digits)| format!("v{digits}"));
    let callback = version.is_none() && segments.len() > 1;
    let named = if callback { &segments } else { &rest };
    let joined: String = named
        .iter()
        .filter_map(|segment| type_name(segment))
        .collect();
    let schema_1 = version.is_none() && !callback;
    let (prefix, version) = match version {
        Some(version) => ("P2", version),
        None if callback => ("P2", "callback".to_owned()),
        None => ("P1", "v1".to_owned()),
    };
    Some(EventNames {
        service: module_name(service),
        version,
        struct_name: format!("{prefix}{joined}"),
        schema_1,
    })
}

/// A module name for a service (`vc`, `calendar`, `hire`).
pub fn module_name(service: &str) -> String {
    let ident = field_ident(service);
    if ident.starts_with("r#") {
        format!("{}_", unraw(&ident))
    } else {
        ident
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_idents_are_escaped() {
        assert_eq!(field_ident("type"), "r#type");
        assert_eq!(field_ident("self"), "self_");
        assert_eq!(field_ident("userId"), "user_id");
        assert_eq!(field_ident("i18n_key"), "i18n_key");
        assert_eq!(field_ident("1st"), "_1st");
        assert_eq!(field_ident("a-b"), "a_b");
        assert_eq!(field_ident(""), "field");
    }

    #[test]
    fn type_names() {
        assert_eq!(
            doc_type_name("application.app_version_event").as_deref(),
            Some("AppVersionEvent")
        );
        assert_eq!(doc_type_name("user_id").as_deref(), Some("UserId"));
        assert_eq!(type_name("2fa").as_deref(), Some("T2fa"));
        assert_eq!(type_name("中文"), None);
        assert_eq!(type_name("option").as_deref(), Some("OptionType"));
        assert_eq!(type_name("self").as_deref(), Some("SelfType"));
    }

    #[test]
    fn singulars() {
        assert_eq!(singular("token_types"), "token_type");
        assert_eq!(singular("status"), "status");
        assert_eq!(singular("class"), "class");
        assert_eq!(singular("mode"), "mode");
    }

    #[test]
    fn event_names_follow_the_official_sdks() {
        let names = event_names("application.application.app_version.publish_apply_v6").unwrap();
        assert_eq!(names.service, "application");
        assert_eq!(names.version, "v6");
        assert_eq!(names.struct_name, "P2ApplicationAppVersionPublishApplyV6");
        let names = event_names("im.message.receive_v1").unwrap();
        assert_eq!(names.struct_name, "P2MessageReceiveV1");
        assert!(!names.schema_1);
        let names = event_names("leave_approval").unwrap();
        assert_eq!(
            (names.service.as_str(), names.version.as_str()),
            ("leave_approval", "v1")
        );
        assert_eq!(names.struct_name, "P1LeaveApproval");
        assert!(names.schema_1);
        let names = event_names("card.action.trigger").unwrap();
        assert_eq!(
            (names.service.as_str(), names.version.as_str()),
            ("card", "callback")
        );
        assert_eq!(names.struct_name, "P2CardActionTrigger");
        assert!(!names.schema_1);
        assert!(event_names("").is_none());
    }
}
