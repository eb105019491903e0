//! Where each generated file goes: the whole generated crate, `Cargo.toml`, `src/lib.rs`,
//! `src/services/mod.rs` (with the dispatcher extension) and `src/services/<service>/<version>.rs`.
//! Nothing hand-written is copied: the crate depends on `lark-runtime`.

use std::collections::BTreeMap;
use std::path::PathBuf;

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::calls::{call, Entry, Wrap};
use crate::emit;
use crate::model::{Module, StructDef, TypeDef};
use crate::{Error, GeneratedFile, Layout};

/// The crate docs of `lark-events`, the crate generated in this repository.
const IN_REPO_DOCS: &str = include_str!("lib_docs.md");

/// The crate docs of a standalone crate.
const STANDALONE_DOCS: &str = "Typed Feishu / Lark events, generated from documentation pages by \
`cargo xtask codegen`.\n\nOne module per service and version; every event struct implements \
[`Event`], and [`DispatcherExt`] registers typed handlers on a [`dispatch::Dispatcher`].\n";

/// Every file, in path order.
pub fn files(modules: &[Module], layout: &Layout) -> Result<Vec<GeneratedFile>, Error> {
    let mut files = BTreeMap::new();
    let mut services: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for module in modules {
        services
            .entry(&module.service)
            .or_default()
            .push(&module.version);
        let path = format!("src/services/{}/{}.rs", module.service, module.version);
        let source = emit::module_source(module).map_err(|err| Error::Emit {
            module: format!("{}::{}", module.service, module.version),
            message: err.to_string(),
        })?;
        files.insert(path, source);
    }
    for (service, versions) in &services {
        let doc = format!(" The `{service}` service, one module per version.");
        let mods = module_declarations(versions);
        files.insert(
            format!("src/services/{service}/mod.rs"),
            render(quote!(#![doc = #doc] #mods))?,
        );
    }
    let mods = service_declarations(services.keys());
    let services_mod = render(quote! {
        //! One module per service and version, and the typed handler registration of their events.
        #mods
    })?;
    files.insert(
        "src/services/mod.rs".to_owned(),
        services_mod + &handlers(modules) + &any_event(modules),
    );
    files.insert(
        "Cargo.toml".to_owned(),
        cargo_toml(layout, services.keys().copied()),
    );
    files.insert("src/lib.rs".to_owned(), render(lib(layout))?);
    Ok(files
        .into_iter()
        .map(|(path, contents)| GeneratedFile {
            path: PathBuf::from(path),
            contents,
        })
        .collect())
}

/// `pub mod service;` for each service, each behind the cargo feature of its name.
fn service_declarations<'a>(names: impl IntoIterator<Item = &'a &'a str>) -> TokenStream {
    let names = names.into_iter().map(|name| {
        let ident = Ident::new(name, Span::call_site());
        quote!(#[cfg(feature = #name)] pub mod #ident;)
    });
    quote!(#(#names)*)
}

fn module_declarations<'a>(names: impl IntoIterator<Item = &'a &'a str>) -> TokenStream {
    let names = names
        .into_iter()
        .map(|name| Ident::new(name, Span::call_site()));
    quote!(#(pub mod #names;)*)
}

/// The `dispatch::handlers!` call: one `on_…` method per event of every module.
fn handlers(modules: &[Module]) -> String {
    let entries: Vec<Entry> = events(modules)
        .filter_map(|(module, def)| {
            let event = def.event.as_ref()?;
            let path = format!("{}::{}::{}", module.service, module.version, def.name);
            let (docs, text) = match &event.response {
                Some(response) => (
                    format!(
                        "Registers the handler of [`{path}`] callbacks (`{}`), whose answer is sent back.",
                        event.event_type
                    ),
                    format!(
                        "{}: {path} => {}::{}::{response}",
                        event.handler_method, module.service, module.version
                    ),
                ),
                None => (
                    format!(
                        "Registers the handler of [`{path}`] events (`{}`).",
                        event.event_type
                    ),
                    format!("{}: {path}", event.handler_method),
                ),
            };
            Some(Entry {
                docs: vec![docs],
                attrs: vec![format!("#[cfg(feature = {:?})]", module.service)],
                text,
            })
        })
        .collect();
    call(
        "crate::dispatch::handlers",
        "DispatcherExt",
        &entries,
        Wrap::Lines,
    )
}

/// The `any_event::declare!` call: one `AnyEvent` variant per event of every module.
fn any_event(modules: &[Module]) -> String {
    let entries: Vec<Entry> = events(modules)
        .map(|(module, def)| Entry {
            docs: Vec::new(),
            attrs: vec![format!("#[cfg(feature = {:?})]", module.service)],
            text: format!(
                "{}: {}::{}::{}",
                def.name, module.service, module.version, def.name
            ),
        })
        .collect();
    call(
        "crate::any_event::declare",
        "AnyEvent",
        &entries,
        Wrap::Lines,
    )
}

/// Every event struct of every module, with its module.
fn events(modules: &[Module]) -> impl Iterator<Item = (&Module, &StructDef)> {
    modules.iter().flat_map(|module| {
        module.types.iter().filter_map(move |def| match def {
            TypeDef::Struct(def) if def.event.is_some() => Some((module, def)),
            _ => None,
        })
    })
}

fn render(tokens: TokenStream) -> Result<String, Error> {
    emit::source_file(tokens).map_err(|err| Error::Emit {
        module: "mod.rs".to_owned(),
        message: err.to_string(),
    })
}

fn lib(layout: &Layout) -> TokenStream {
    let (docs, doctest_feature) = match layout {
        Layout::InRepo => (IN_REPO_DOCS, Some(DOCTEST_FEATURE)),
        Layout::Standalone { .. } => (STANDALONE_DOCS, None),
    };
    let docs = doc_lines(docs, doctest_feature);
    quote! {
        #(#docs)*
        #[cfg(feature = "webhook")]
        pub use lark_runtime::webhook;
        #[cfg(feature = "ws")]
        pub use lark_runtime::ws;
        pub use lark_runtime::{any_event, dispatch, envelope, wire, Callback, Event, EventHeader, HeaderRef};
        #[rustfmt::skip]
        mod services;
        pub use services::*;
    }
}

/// The service whose types the in-repo crate docs' examples use.
const DOCTEST_FEATURE: &str = "application";

/// The crate docs as `#![doc]` lines. With `doctest_feature`, each code block opens as a doctest
/// when that feature is on and as `ignore` when it is off, so `cargo test` passes with any features.
pub(crate) fn doc_lines(docs: &str, doctest_feature: Option<&str>) -> Vec<TokenStream> {
    let mut in_code = false;
    let mut lines = Vec::new();
    for line in docs.trim_end().lines() {
        let text = if line.is_empty() {
            String::new()
        } else {
            format!(" {line}")
        };
        let fence = line.starts_with("```");
        match doctest_feature {
            Some(feature) if fence && !in_code => {
                lines.push(quote!(#![cfg_attr(feature = #feature, doc = #text)]));
                lines.push(quote!(#![cfg_attr(not(feature = #feature), doc = " ```ignore")]));
            }
            _ => lines.push(quote!(#![doc = #text])),
        }
        if fence {
            in_code = !in_code;
        }
    }
    lines
}

/// The runtime's features, forwarded so that users name only the generated crate.
const RUNTIME_FEATURES: &str = "\
# Webhook receiving: envelope, token, AES-256-CBC decryption, signature (framework-agnostic).
webhook = [\"lark-runtime/webhook\"]
# The webhook as an axum handler.
axum = [\"webhook\", \"lark-runtime/axum\"]
# The long-connection (WebSocket) client.
ws = [\"lark-runtime/ws\"]
# A local server that speaks the long-connection protocol, for tests and conformance runs.
ws-test-server = [\"ws\", \"lark-runtime/ws-test-server\"]
";

fn cargo_toml<'a>(layout: &Layout, services: impl Iterator<Item = &'a str>) -> String {
    let services: Vec<&str> = services.collect();
    let mut features =
        String::from("# One feature per service: enable the ones you use (`full` enables all).\n");
    for service in &services {
        features.push_str(&format!("{service} = []\n"));
    }
    let all: Vec<String> = services.iter().map(|s| format!("{s:?}")).collect();
    features.push_str(&format!("full = [{}]\n", all.join(", ")));
    let package = match layout {
        Layout::InRepo => "name = \"lark-events\"\n\
             version = \"0.1.0\"\n\
             description = \"Typed Feishu / Lark Open Platform events, generated from the platform's \
             documentation, with webhook and long-connection receivers\"\n\
             edition = \"2021\"\n\
             license = \"MIT OR Apache-2.0\"\n\
             rust-version = \"1.85\"\n\
             keywords = [\"feishu\", \"lark\", \"webhook\", \"events\", \"sdk\"]\n\
             categories = [\"api-bindings\", \"web-programming\"]\n"
            .to_owned(),
        Layout::Standalone { crate_name, .. } => format!(
            "name = \"{crate_name}\"\n\
             version = \"0.1.0\"\n\
             edition = \"2021\"\n\
             publish = false\n"
        ),
    };
    let (runtime_path, workspace) = match layout {
        Layout::InRepo => ("../../runtime", ""),
        Layout::Standalone { runtime_path, .. } => (
            runtime_path.as_str(),
            "\n# A crate of its own, even when written inside another workspace.\n[workspace]\n",
        ),
    };
    format!(
        "{header}[package]\n{package}\n[features]\ndefault = []\n{features}{RUNTIME_FEATURES}\n\
         [dependencies]\n\
         lark-runtime = {{ path = \"{runtime_path}\", version = \"0.1.0\" }}\n\
         serde_json = \"1\"\n{workspace}",
        header = emit::HEADER.replace("//", "#"),
    )
}
