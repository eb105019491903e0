//! Feishu / Lark documentation pages → JSON Schema: the first stage of the pipeline.
//!
//! - [`docs`]: reads a page in any supported rendering into a doc model, with source lines;
//! - [`contract`]: the layout of `schema/README.md` as types, shared by the writer and codegen;
//! - [`writer`]: doc model → JSON Schema, built as the [`contract`] types;
//! - [`folder`]: which files of a folder are pages, and their schema file names;
//! - [`diff`]: two versions of a page (or of its schema) → classified changes, and the summary of a
//!   regeneration;
//! - [`timing`]: how long the schemas of a set of pages take.

pub mod contract;
pub mod diff;
pub mod docs;
pub mod folder;
pub mod timing;
pub mod writer;
