//! JSON Schema (one per documentation page, see `schema/README.md`) → Rust source files.
//!
//! The schema files are the only input: this crate never looks at the documentation pages themselves.

use std::path::PathBuf;

/// One page's schema, as read from `schema/json/`.
#[derive(Debug, Clone)]
pub struct SchemaFile {
    /// The schema's file name, e.g. `003_0a4df386a132e874.schema.json`; used in error messages.
    pub file_name: String,
    /// The parsed schema.
    pub schema: serde_json::Value,
}

/// Where the generated files go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Layout {
    /// Modules under `src/services/` of the crate in `generated/`.
    InRepo,
    /// A crate of its own, with its own `Cargo.toml` and `src/lib.rs`.
    Standalone {
        /// The package name written into `Cargo.toml`.
        crate_name: String,
    },
}

/// What to generate.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where the files go.
    pub layout: Layout,
    /// The text of `schema/variant-names.json`, when there is one.
    pub variant_names: Option<String>,
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
    #[error("{file}: {message}")]
    Schema { file: String, message: String },
}

/// Generates every file of the crate from the schemas. Deterministic: the same input gives the same
/// files, byte for byte, in the same order.
pub fn generate(schemas: &[SchemaFile], config: &Config) -> Result<Vec<GeneratedFile>, Error> {
    let _ = (schemas, config);
    Ok(Vec::new())
}
