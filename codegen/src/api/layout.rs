//! Where each file of the API crate goes: `Cargo.toml`, `src/lib.rs`, `src/services/mod.rs`, one
//! `mod.rs` per service and version, and one file per resource holding a module per API.

use std::collections::BTreeMap;
use std::path::PathBuf;

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use super::build::{Answer, ApiDef};
use crate::calls::Verbatim;
use crate::emit;
use crate::{Error, GeneratedFile, Layout};

/// The crate docs of `lark-api`, the API crate generated in this repository.
const IN_REPO_DOCS: &str = include_str!("lib_docs.md");

/// The service whose APIs the in-repo crate docs' example uses.
const DOCTEST_FEATURE: &str = "application";

/// The crate docs of a standalone API crate.
const STANDALONE_DOCS: &str = "Typed Feishu / Lark server APIs, generated from documentation pages \
by `cargo xtask codegen`.\n\nOne module per API (`service::version::resource::method`), each with a \
`Request` and a `Response`; send a request with `lark_runtime::api::Client::send`.\n";

/// Every file, in path order.
pub fn files(defs: &[ApiDef], layout: &Layout) -> Result<Vec<GeneratedFile>, Error> {
    let mut files = BTreeMap::new();
    // service → version → resource → APIs
    let mut tree: BTreeMap<&str, BTreeMap<&str, BTreeMap<&str, Vec<&ApiDef>>>> = BTreeMap::new();
    for def in defs {
        tree.entry(&def.path.service)
            .or_default()
            .entry(&def.path.version)
            .or_default()
            .entry(&def.path.resource)
            .or_default()
            .push(def);
    }
    for (service, versions) in &tree {
        let doc = format!(" The `{service}` APIs, one module per version.");
        let mods = declarations(versions.keys());
        files.insert(
            format!("src/services/{service}/mod.rs"),
            render(quote!(#![doc = #doc] #mods), service)?,
        );
        for (version, resources) in versions {
            let doc = format!(" The `{service}` {version} APIs, one module per resource.");
            let mods = declarations(resources.keys());
            files.insert(
                format!("src/services/{service}/{version}/mod.rs"),
                render(quote!(#![doc = #doc] #mods), service)?,
            );
            for (resource, apis) in resources {
                let module = format!("{service}::{version}::{resource}");
                files.insert(
                    format!("src/services/{service}/{version}/{resource}.rs"),
                    resource_source(&module, apis)?,
                );
            }
        }
    }
    let services = tree.keys().copied();
    let mods = feature_declarations(services.clone());
    files.insert(
        "src/services/mod.rs".to_owned(),
        render(
            quote! {
                //! One module per service, each behind the cargo feature of its name.
                #mods
            },
            "services",
        )?,
    );
    files.insert("src/catalog.rs".to_owned(), catalog(defs));
    files.insert("Cargo.toml".to_owned(), cargo_toml(layout, services));
    files.insert("src/lib.rs".to_owned(), render(lib(layout), "lib.rs")?);
    Ok(files
        .into_iter()
        .map(|(path, contents)| GeneratedFile {
            path: PathBuf::from(path),
            contents,
        })
        .collect())
}

/// `src/catalog.rs`: every API by name, for calls with JSON.
fn catalog(defs: &[ApiDef]) -> String {
    let mut text = format!(
        "{}//! Every API of the crate by its module path, to call any of them with JSON: `names()` lists\n\
         //! them, `call(client, name, parts, options)` builds the request from a JSON object of its path and\n\
         //! query parameters and `body`, sends it, and gives `data` as JSON (or the file).\n\
         crate::api::catalog!(\n",
        emit::HEADER
    );
    for def in defs {
        let name = def.path.display();
        let kind = match def.answer {
            Answer::File => "file",
            Answer::Json { .. } => "json",
        };
        text.push_str(&format!(
            "    #[cfg(feature = {:?})]\n    {name:?} => crate::{name}::Request: {kind},\n",
            def.path.service
        ));
    }
    text.push_str(");\n");
    text
}

/// A resource's file: one module per API.
fn resource_source(module: &str, apis: &[&ApiDef]) -> Result<String, Error> {
    let mut verbatim = Verbatim::default();
    let title = format!(" `{module}`: one module per API.");
    let modules: Vec<TokenStream> = apis
        .iter()
        .map(|def| super::emit::module(def, &mut verbatim))
        .collect();
    let tokens = quote! {
        #![doc = #title]
        #(#modules)*
    };
    let error = |message: String| Error::Emit {
        module: module.to_owned(),
        message,
    };
    let source = emit::source_file(tokens).map_err(|e| error(e.to_string()))?;
    verbatim.fill(source).map_err(error)
}

fn declarations<'a>(names: impl IntoIterator<Item = &'a &'a str>) -> TokenStream {
    let names = names
        .into_iter()
        .map(|name| Ident::new(name, Span::call_site()));
    quote!(#(pub mod #names;)*)
}

fn feature_declarations<'a>(names: impl IntoIterator<Item = &'a str>) -> TokenStream {
    let names = names.into_iter().map(|name| {
        let ident = Ident::new(name, Span::call_site());
        quote!(#[cfg(feature = #name)] pub mod #ident;)
    });
    quote!(#(#names)*)
}

fn render(tokens: TokenStream, module: &str) -> Result<String, Error> {
    emit::source_file(tokens).map_err(|err| Error::Emit {
        module: module.to_owned(),
        message: err.to_string(),
    })
}

fn lib(layout: &Layout) -> TokenStream {
    let lines = match layout {
        Layout::InRepo => crate::layout::doc_lines(IN_REPO_DOCS, Some(DOCTEST_FEATURE)),
        Layout::Standalone { .. } => crate::layout::doc_lines(STANDALONE_DOCS, None),
    };
    quote! {
        #(#lines)*
        pub use lark_runtime::api::{CallOptions, Client, Error};
        pub use lark_runtime::{api, wire};
        #[rustfmt::skip]
        pub mod catalog;
        #[rustfmt::skip]
        mod services;
        pub use services::*;
    }
}

fn cargo_toml<'a>(layout: &Layout, services: impl Iterator<Item = &'a str>) -> String {
    let services: Vec<&str> = services.collect();
    let mut features =
        String::from("# One feature per service: enable the ones you use (`full` enables all).\n");
    for service in &services {
        features.push_str(&format!("{service} = []\n"));
    }
    let all: Vec<String> = services.iter().map(|s| format!("{s:?}")).collect();
    features.push_str(&format!("full = [{}]\n", all.join(", ")));
    let (package, runtime_path, workspace) = match layout {
        Layout::InRepo => (
            "name = \"lark-api\"\n\
             version = \"0.1.0\"\n\
             description = \"Typed Feishu / Lark Open Platform server APIs, generated from the \
             platform's documentation\"\n\
             edition = \"2021\"\n\
             license = \"MIT OR Apache-2.0\"\n\
             rust-version = \"1.85\"\n\
             keywords = [\"feishu\", \"lark\", \"api\", \"sdk\"]\n\
             categories = [\"api-bindings\", \"web-programming\"]\n"
                .to_owned(),
            "../../runtime",
            "",
        ),
        Layout::Standalone {
            crate_name,
            runtime_path,
        } => (
            format!(
                "name = \"{crate_name}\"\n\
                 version = \"0.1.0\"\n\
                 edition = \"2021\"\n\
                 publish = false\n"
            ),
            runtime_path.as_str(),
            "\n# A crate of its own, even when written inside another workspace.\n[workspace]\n",
        ),
    };
    format!(
        "{header}[package]\n{package}\n[features]\ndefault = []\n{features}\n\
         [dependencies]\n\
         lark-runtime = {{ path = \"{runtime_path}\", version = \"0.1.0\", features = [\"api\"] }}\n\
         serde_json = \"1\"\n{workspace}",
        header = emit::HEADER.replace("//", "#"),
    )
}
