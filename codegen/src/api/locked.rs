//! The names an API module once gave (`schema/api-names.lock.json`) given back after it is built,
//! with the lock's rules for events (`crate::names_lock`).

use super::build::{Answer, ApiDef, BODY, REQUEST, RESPONSE};
use crate::model::TypeDef;
use crate::names_lock::{rename_in, NamesLock, Root};

/// Gives `def` the names `lock` has for it and records them in `next`, under its module path.
pub fn restore(
    lock: &NamesLock,
    def: &mut ApiDef,
    warnings: &mut Vec<String>,
    next: &mut NamesLock,
) {
    let roots = roots(def);
    let renames = lock.restore(&def.path.display(), &mut def.types, &roots, warnings, next);
    if renames.is_empty() {
        return;
    }
    for field in &mut def.path_params {
        rename_in(&mut field.ty, &renames);
    }
    for param in &mut def.query {
        rename_in(&mut param.field.ty, &renames);
    }
    if let Answer::Json { pages: Some(pages) } = &mut def.answer {
        rename_in(&mut pages.item, &renames);
    }
}

/// What reaches an API module's types: its body and response structs, and the types of its path
/// and query parameters as fields of `Request`.
fn roots(def: &ApiDef) -> Vec<Root> {
    let mut roots: Vec<Root> = [BODY, RESPONSE]
        .into_iter()
        .filter(|name| {
            def.types
                .iter()
                .any(|t| matches!(t, TypeDef::Struct(s) if s.name == *name))
        })
        .map(|name| Root {
            name: name.to_owned(),
            path: name.to_owned(),
        })
        .collect();
    let params = def
        .path_params
        .iter()
        .chain(def.query.iter().map(|p| &p.field));
    roots.extend(
        params.filter_map(|field| {
            Root::of_field(&format!("{REQUEST}.{}", field.wire_name), &field.ty)
        }),
    );
    roots
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::build::{BodyKind, Examples, Pages, Param};
    use crate::api::names::ApiPath;
    use crate::model::{EnumDef, EnumRepr, Field, FieldType, StructDef, Variant, VariantValue};

    fn field(wire_name: &str, ty: FieldType) -> Field {
        Field {
            wire_name: wire_name.to_owned(),
            ident: wire_name.to_owned(),
            ty,
            docs: Vec::new(),
        }
    }

    fn object(name: &str, fields: Vec<Field>) -> TypeDef {
        TypeDef::Struct(StructDef {
            name: name.to_owned(),
            docs: Vec::new(),
            fields,
            event: None,
        })
    }

    fn named(name: &str) -> FieldType {
        FieldType::Named(name.to_owned())
    }

    fn list(name: &str) -> FieldType {
        FieldType::Vec(Box::new(named(name)))
    }

    /// `GET /open-apis/task/v2/tasks?status=…`, listing `items` of `item_type`.
    fn api(item_type: &str, status: &str, types: Vec<TypeDef>) -> ApiDef {
        ApiDef {
            path: ApiPath {
                service: "task".into(),
                version: "v2".into(),
                resource: "task".into(),
                method: "list".into(),
            },
            docs: Vec::new(),
            http_method: "GET".into(),
            url: "/open-apis/task/v2/tasks".into(),
            tokens: Vec::new(),
            rate_limits: Vec::new(),
            path_params: Vec::new(),
            query: vec![Param {
                field: field("status", named(status)),
                required: false,
            }],
            body: BodyKind::None,
            answer: Answer::Json {
                pages: Some(Pages {
                    items: "items".into(),
                    item: named(item_type),
                }),
            },
            types,
            examples: Examples::default(),
        }
    }

    fn status(name: &str, variants: &[(&str, &str)]) -> TypeDef {
        TypeDef::Enum(EnumDef {
            name: name.to_owned(),
            docs: Vec::new(),
            repr: EnumRepr::String,
            variants: variants
                .iter()
                .map(|(value, name)| Variant {
                    name: (*name).to_owned(),
                    value: VariantValue::String((*value).to_owned()),
                    label: String::new(),
                })
                .collect(),
        })
    }

    fn names(def: &ApiDef) -> Vec<&str> {
        def.types.iter().map(TypeDef::name).collect()
    }

    #[test]
    fn an_updated_page_keeps_the_names_its_module_published() {
        let mut published = api(
            "Item",
            "Status",
            vec![
                object("Response", vec![field("items", list("Item"))]),
                object("Item", vec![field("id", FieldType::String)]),
                status("Status", &[("todo", "Todo"), ("done", "Done")]),
            ],
        );
        let mut lock = NamesLock::default();
        restore(
            &NamesLock::default(),
            &mut published,
            &mut Vec::new(),
            &mut lock,
        );
        // The page now documents a `filter` whose type, met first, takes the plain name `Item`;
        // the listed items become `ResponseItem`, and the labels of the query's values are reworded.
        let mut updated = api(
            "ResponseItem",
            "Status",
            vec![
                object(
                    "Response",
                    vec![
                        field("filter", named("Item")),
                        field("items", list("ResponseItem")),
                    ],
                ),
                object("Item", vec![field("keyword", FieldType::String)]),
                object("ResponseItem", vec![field("id", FieldType::String)]),
                status("Status", &[("todo", "Open"), ("done", "Done")]),
            ],
        );
        let mut warnings = Vec::new();
        let mut next = NamesLock::default();
        restore(&lock, &mut updated, &mut warnings, &mut next);
        assert_eq!(
            names(&updated),
            ["Response", "ResponseItem", "Item", "Status"]
        );
        let Answer::Json { pages: Some(pages) } = &updated.answer else {
            panic!("pages")
        };
        assert_eq!(pages.item, named("Item"), "the streamed item type follows");
        let TypeDef::Struct(response) = &updated.types[0] else {
            panic!("Response")
        };
        assert_eq!(response.fields[0].ty, named("ResponseItem"));
        assert_eq!(response.fields[1].ty, list("Item"));
        let TypeDef::Enum(status) = &updated.types[3] else {
            panic!("Status")
        };
        assert_eq!(
            status.variants[0].name, "Todo",
            "a reworded label keeps its variant"
        );
        assert!(warnings.is_empty(), "{warnings:?}");
        assert!(
            next.to_text()
                .contains("\"Response.filter\": \"ResponseItem\""),
            "{}",
            next.to_text()
        );
    }
}
