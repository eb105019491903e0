//! Where each generated file goes: the whole generated crate, `Cargo.toml`, `src/lib.rs`,
//! `src/services/mod.rs` (with the dispatcher extension) and `src/services/<service>/<version>.rs`.
//! Nothing hand-written is copied: the crate depends on `lark-runtime`.

use std::collections::BTreeMap;
use std::path::PathBuf;

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::calls::{call, Entry, Wrap};
use crate::emit;
use crate::model::{Module, TypeDef};
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
    let mods = module_declarations(services.keys());
    let services_mod = render(quote! {
        //! One module per service and version, and the typed handler registration of their events.
        #mods
    })?;
    files.insert(
        "src/services/mod.rs".to_owned(),
        services_mod + &handlers(modules),
    );
    files.insert("Cargo.toml".to_owned(), cargo_toml(layout));
    files.insert("src/lib.rs".to_owned(), render(lib(layout))?);
    Ok(files
        .into_iter()
        .map(|(path, contents)| GeneratedFile {
            path: PathBuf::from(path),
            contents,
        })
        .collect())
}

fn module_declarations<'a>(names: impl IntoIterator<Item = &'a &'a str>) -> TokenStream {
    let names = names
        .into_iter()
        .map(|name| Ident::new(name, Span::call_site()));
    quote!(#(pub mod #names;)*)
}

/// The `dispatch::handlers!` call: one `on_…` method per event of every module.
fn handlers(modules: &[Module]) -> String {
    let entries: Vec<Entry> = modules
        .iter()
        .flat_map(|module| {
            module.types.iter().filter_map(move |def| {
                let TypeDef::Struct(def) = def else {
                    return None;
                };
                let event = def.event.as_ref()?;
                let path = format!("{}::{}::{}", module.service, module.version, def.name);
                Some(Entry {
                    docs: vec![format!(
                        "Registers the handler of [`{path}`] events (`{}`).",
                        event.event_type
                    )],
                    text: format!("{}: {path}", event.handler_method),
                })
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

fn render(tokens: TokenStream) -> Result<String, Error> {
    emit::source_file(tokens).map_err(|err| Error::Emit {
        module: "mod.rs".to_owned(),
        message: err.to_string(),
    })
}

fn lib(layout: &Layout) -> TokenStream {
    let docs = match layout {
        Layout::InRepo => IN_REPO_DOCS,
        Layout::Standalone { .. } => STANDALONE_DOCS,
    };
    let docs = docs.trim_end().lines().map(|line| {
        let text = if line.is_empty() {
            String::new()
        } else {
            format!(" {line}")
        };
        quote!(#![doc = #text])
    });
    quote! {
        #(#docs)*
        #[cfg(feature = "webhook")]
        pub use lark_runtime::webhook;
        #[cfg(feature = "ws")]
        pub use lark_runtime::ws;
        pub use lark_runtime::{dispatch, envelope, wire, Event};
        #[rustfmt::skip]
        mod services;
        pub use services::*;
    }
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

fn cargo_toml(layout: &Layout) -> String {
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
        Layout::InRepo => ("../runtime", ""),
        Layout::Standalone { runtime_path, .. } => (
            runtime_path.as_str(),
            "\n# A crate of its own, even when written inside another workspace.\n[workspace]\n",
        ),
    };
    format!(
        "{header}[package]\n{package}\n[features]\ndefault = []\n{RUNTIME_FEATURES}\n\
         [dependencies]\n\
         lark-runtime = {{ path = \"{runtime_path}\", version = \"0.1.0\" }}\n\
         serde_json = \"1\"\n{workspace}",
        header = emit::HEADER.replace("//", "#"),
    )
}
