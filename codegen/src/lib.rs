//! JSON Schema (one per documentation page, see `schema/README.md`) → Rust source files.
//!
//! The schema files are the only input: this crate never looks at the documentation pages themselves,
//! and reads the schemas as the types of [`lark_schema::contract`], never by string keys.
//! The pipeline: [`page`] picks one page per event type, [`resolve`] decides every Rust name and
//! gives each named type once per module, [`emit`] writes the tokens, [`layout`] places the files.
//! [`pipeline`] runs the whole chain for `cargo xtask codegen`: a folder of pages → schema files
//! (through `lark-schema`) → this crate's files, written or checked. [`roundtrip`] builds such a crate
//! and checks that every page's example decodes into its type and re-encodes as it came; [`cargo`]
//! runs cargo as the user's own commands run.

use std::path::PathBuf;

mod api;
mod calls;
pub mod cargo;
mod docs;
mod emit;
mod layout;
mod model;
mod names_lock;
mod naming;
mod page;
pub mod pipeline;
mod resolve;
pub mod roundtrip;
mod variants;

pub use api::{ApiEntry, GeneratedApi};
pub use emit::HEADER;

/// One page's schema, as read from `schema/json/`.
#[derive(Debug, Clone)]
pub struct SchemaFile {
    /// The schema's file name, e.g. `003_0a4df386a132e874.schema.json`; used in error messages.
    pub file_name: String,
    /// The parsed schema, read through [`lark_schema::contract::Schema`]: a schema that does not follow
    /// the contract is an [`Error::Schema`].
    pub schema: serde_json::Value,
}

/// Where the generated files go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Layout {
    /// `lark-events`, the crate in `generated/`.
    InRepo,
    /// A crate of its own, with its own `Cargo.toml` and `src/lib.rs`.
    Standalone {
        /// The package name written into `Cargo.toml`.
        crate_name: String,
        /// The `path` of its `lark-runtime` dependency, relative to the crate.
        runtime_path: String,
    },
}

/// What to generate.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where the files go.
    pub layout: Layout,
    /// The text of `schema/variant-names.json`, when there is one.
    pub variant_names: Option<String>,
    /// The text of the crate's names lock (the names already given), when there is one:
    /// `schema/names.lock.json` for [`generate`], `schema/api-names.lock.json` for [`generate_api`].
    pub names_lock: Option<String>,
}

/// One file to write, relative to the crate root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    pub path: PathBuf,
    pub contents: String,
}

/// Why generation failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A schema that does not follow `schema/README.md`.
    #[error("{file}: {message}")]
    Schema { file: String, message: String },
    /// `schema/variant-names.json` is not a valid naming table.
    #[error("variant-names.json: {0}")]
    VariantNames(String),
    /// The names lock is not a valid lock (fix or delete it: it is rewritten).
    #[error("{file}: {message}")]
    NamesLock { file: &'static str, message: String },
    /// The emitted tokens do not parse as Rust (a bug in this crate).
    #[error("generated code for {module} does not parse: {message}")]
    Emit { module: String, message: String },
}

impl Error {
    pub(crate) fn schema(file: &str, message: impl Into<String>) -> Self {
        Error::Schema {
            file: file.to_owned(),
            message: message.into(),
        }
    }
}

/// The files of the crate, and what generation repaired or left out to get them.
#[derive(Debug, Clone)]
pub struct Generated {
    pub files: Vec<GeneratedFile>,
    /// One line per repair (types merged or renamed) and per page left out, naming the page and line.
    pub warnings: Vec<String>,
    /// Every event the crate has a struct for, in event type order.
    pub events: Vec<EventEntry>,
    /// The text of `schema/names.lock.json` after this generation: every public name it gave.
    pub names_lock: String,
}

/// Generates every file of the crate from the schemas. Deterministic: the same input gives the same
/// files, byte for byte, in the same order. Imperfect pages never stop it: what cannot be generated
/// as documented is repaired or left out, with a warning. Only a broken `variant-names.json` or a bug
/// in this crate is an error.
pub fn generate(schemas: &[SchemaFile], config: &Config) -> Result<Generated, Error> {
    let names = match &config.variant_names {
        Some(text) => variants::VariantNames::parse(text).map_err(Error::VariantNames)?,
        None => variants::VariantNames::default(),
    };
    let mut warnings = Vec::new();
    let mut pages = Vec::new();
    for file in schemas {
        match page::Page::read(file) {
            Ok(page) => pages.extend(page),
            Err(err) => warnings.push(format!("{err}; left out")),
        }
    }
    let lock = read_lock(config, "names.lock.json")?;
    let chosen = page::choose(pages);
    let mut events = Vec::new();
    let mut modules = resolve::modules(&chosen, &names, &mut warnings, &mut events);
    let names_lock = lock.apply(&mut modules, &mut warnings).to_text();
    Ok(Generated {
        files: layout::files(&modules, &config.layout)?,
        warnings,
        events,
        names_lock,
    })
}

/// Generates every file of the API crate from the schemas of server API pages (other schemas are
/// ignored); deterministic, and no page stops the others, as for [`generate`].
pub fn generate_api(schemas: &[SchemaFile], config: &Config) -> Result<GeneratedApi, Error> {
    let names = match &config.variant_names {
        Some(text) => variants::VariantNames::parse(text).map_err(Error::VariantNames)?,
        None => variants::VariantNames::default(),
    };
    let lock = read_lock(config, "api-names.lock.json")?;
    api::generate(schemas, &names, &lock, &config.layout)
}

/// The lock `config` carries, empty when it carries none; `file` names it in the error.
fn read_lock(config: &Config, file: &'static str) -> Result<names_lock::NamesLock, Error> {
    match &config.names_lock {
        Some(text) => {
            names_lock::NamesLock::parse(text).map_err(|message| Error::NamesLock { file, message })
        }
        None => Ok(names_lock::NamesLock::default()),
    }
}

/// One event the generated crate provides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventEntry {
    /// `header.event_type`.
    pub event_type: String,
    /// The struct's path from the crate root, e.g. `application::v6::P2ApplicationAppVersionPublishApplyV6`.
    pub path: String,
    /// The page it was generated from.
    pub page: String,
}
