//! Project tasks: documentation pages → JSON Schema → Rust.
//!
//! - [`docs`]: reads a page in any supported rendering into a doc model;
//! - [`schema`]: doc model → JSON Schema, the contract of `schema/README.md`;
//! - [`codegen`]: every page of a folder → schemas → Rust files, written or checked;
//! - [`tasks`]: the README's commands, `demo` and `test`.

pub mod codegen;
pub mod diff;
pub mod docs;
pub mod schema;
pub mod tasks;
pub mod timing;
