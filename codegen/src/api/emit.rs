//! An [`ApiDef`] → the tokens of its module: the `Request` struct and its `endpoint!` call, the
//! `Body` and `Response` structs, and every type under them.

use proc_macro2::TokenStream;
use quote::quote;

use super::build::{Answer, ApiDef, BodyKind, Rate, BODY, REQUEST, RESPONSE};
use crate::calls::{call, Entry, Verbatim, Wrap};
use crate::emit::{doc_attrs, field_type, ident, type_items, Construct};
use crate::model::{Field, FieldType, StructDef, TypeDef};

/// `pub mod <method> { … }` with the module's docs.
pub fn module(def: &ApiDef, verbatim: &mut Verbatim) -> TokenStream {
    let docs = doc_attrs(&def.docs);
    let name = ident(&def.path.method);
    let request = request(def, verbatim);
    let form_body = match &def.body {
        BodyKind::Form { files } => def.types.iter().find_map(|ty| match ty {
            TypeDef::Struct(body) if body.name == BODY => Some(form(body, files, verbatim)),
            _ => None,
        }),
        _ => None,
    };
    let types: Vec<TypeDef> = def
        .types
        .iter()
        .filter(|ty| !(form_body.is_some() && ty.name() == BODY))
        .cloned()
        .collect();
    let items = type_items(&types, verbatim, Construct::Literal);
    quote! {
        #docs
        pub mod #name {
            #request
            #form_body
            #(#items)*
        }
    }
}

/// The `Request` struct: path parameters, query parameters, `body`; and its `endpoint!` call.
fn request(def: &ApiDef, verbatim: &mut Verbatim) -> TokenStream {
    let path = def.path_params.iter().map(|field| {
        let docs = doc_attrs(&field.docs);
        let name = ident(&field.ident);
        quote!(#docs pub #name: String,)
    });
    let query = def.query.iter().map(|param| {
        let mut lines = param.field.docs.clone();
        if param.required {
            if !lines.is_empty() {
                lines.push(String::new());
            }
            lines.push("Required.".to_owned());
        }
        let docs = doc_attrs(&lines);
        let name = ident(&param.field.ident);
        let ty = field_type(&param.field.ty);
        quote!(#docs pub #name: Option<#ty>,)
    });
    let body = (def.body != BodyKind::None).then(|| {
        let body = ident(BODY);
        quote!(#[doc = " The request body."] pub body: #body,)
    });
    let name = ident(REQUEST);
    let call = verbatim.place(endpoint_call(def));
    let pages = match &def.answer {
        Answer::Json { pages: Some(pages) } => Some(verbatim.place(format!(
            "crate::api::pages!({REQUEST}: {:?} => {});\n",
            pages.items,
            type_text(&pages.item)
        ))),
        _ => None,
    };
    quote! {
        #[doc = " The request: path and query parameters and the body."]
        #[derive(Debug, Clone, PartialEq, Default)]
        pub struct #name {
            #(#path)*
            #(#query)*
            #body
        }
        #call
        #pages
    }
}

/// `crate::api::endpoint!(Request -> Response { … });`
fn endpoint_call(def: &ApiDef) -> String {
    let answer = match def.answer {
        Answer::File => "file",
        Answer::Json { .. } => RESPONSE,
    };
    let names = |fields: &mut dyn Iterator<Item = &Field>| -> String {
        let names: Vec<String> = fields.map(wire_entry).collect();
        match names.is_empty() {
            true => "{}".to_owned(),
            false => format!("{{ {} }}", names.join(", ")),
        }
    };
    let required: Vec<String> = def
        .query
        .iter()
        .filter(|p| p.required)
        .map(|p| p.field.ident.clone())
        .collect();
    let required = match required.is_empty() {
        true => "{}".to_owned(),
        false => format!("{{ {} }}", required.join(", ")),
    };
    let body = match def.body {
        BodyKind::None => "none",
        BodyKind::Json => "json",
        BodyKind::Form { .. } => "form",
    };
    format!(
        "crate::api::endpoint!({REQUEST} -> {answer} {{\n    \
         {} {:?},\n    \
         tokens: [{}],\n    \
         {}\
         path: {},\n    \
         query: {},\n    \
         required: {required},\n    \
         body: {body},\n\
         }});\n",
        def.http_method,
        def.url,
        def.tokens.join(", "),
        rate_line(&def.rate_limits),
        names(&mut def.path_params.iter()),
        names(&mut def.query.iter().map(|p| &p.field)),
    )
}

/// `rate: [1000 / minute, 50 / second],` and the next line's indent; nothing without limits.
fn rate_line(rates: &[Rate]) -> String {
    if rates.is_empty() {
        return String::new();
    }
    let rates: Vec<String> = rates
        .iter()
        .map(|rate| format!("{} / {}", rate.calls, rate.per.keyword()))
        .collect();
    format!("rate: [{}],\n    ", rates.join(", "))
}

/// `ident` or `ident: "wire name"`.
fn wire_entry(field: &Field) -> String {
    if field.ident == field.wire_name {
        field.ident.clone()
    } else {
        format!("{}: {:?}", field.ident, field.wire_name)
    }
}

/// A `multipart/form-data` body: its fields, files as `crate::api::File`, and its `form!` call.
fn form(def: &StructDef, files: &[String], verbatim: &mut Verbatim) -> TokenStream {
    let is_file = |field: &Field| files.contains(&field.wire_name);
    let fields = def.fields.iter().map(|field| {
        let docs = doc_attrs(&field.docs);
        let name = ident(&field.ident);
        let ty = match is_file(field) {
            true => quote!(crate::api::File),
            false => field_type(&field.ty),
        };
        quote!(#docs pub #name: Option<#ty>,)
    });
    let entries: Vec<Entry> = def
        .fields
        .iter()
        .map(|field| {
            let kind = match is_file(field) {
                true => "file",
                false => "text",
            };
            Entry::plain(match (field.ident == field.wire_name, kind) {
                (true, "text") => field.ident.clone(),
                (true, _) => format!("{}: file", field.ident),
                (false, kind) => format!("{}: {kind} {:?}", field.ident, field.wire_name),
            })
        })
        .collect();
    let docs = doc_attrs(&def.docs);
    let name = ident(&def.name);
    let call = verbatim.place(call("crate::api::form", &def.name, &entries, Wrap::Fill));
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, Default)]
        pub struct #name {
            #(#fields)*
        }
        #call
    }
}

/// A field type as source text.
fn type_text(ty: &FieldType) -> String {
    let tokens = field_type(ty);
    let text = tokens.to_string();
    text.replace(" :: ", "::")
        .replace(" < ", "<")
        .replace(" >", ">")
        .replace(" ,", ",")
}

#[cfg(test)]
mod tests {
    use super::super::build::{Examples, Per};
    use super::super::names::ApiPath;
    use super::*;

    fn def(rate_limits: Vec<Rate>) -> ApiDef {
        ApiDef {
            path: ApiPath {
                service: "im".into(),
                version: "v1".into(),
                resource: "chat".into(),
                method: "get".into(),
            },
            docs: Vec::new(),
            http_method: "GET".into(),
            url: "/open-apis/im/v1/chats".into(),
            tokens: vec!["Tenant", "User"],
            rate_limits,
            path_params: Vec::new(),
            query: Vec::new(),
            body: BodyKind::None,
            answer: Answer::Json { pages: None },
            types: Vec::new(),
            examples: Examples::default(),
        }
    }

    #[test]
    fn the_rate_line_follows_the_tokens() {
        let rates = vec![
            Rate {
                calls: 1000,
                per: Per::Minute,
            },
            Rate {
                calls: 50,
                per: Per::Second,
            },
        ];
        let call = endpoint_call(&def(rates));
        assert!(
            call.contains(
                "    tokens: [Tenant, User],\n    rate: [1000 / minute, 50 / second],\n    path: {},\n"
            ),
            "{call}"
        );
    }

    #[test]
    fn no_limit_no_rate_line() {
        let call = endpoint_call(&def(Vec::new()));
        assert!(!call.contains("rate: ["), "{call}");
        assert!(
            call.contains("    tokens: [Tenant, User],\n    path: {},\n"),
            "{call}"
        );
    }
}
