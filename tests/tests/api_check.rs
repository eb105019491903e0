//! The diff engine's verdict on a page change, cross-checked against the Rust API that the change
//! generates: on the seed pair (page version 002 → 003) both say "compatible" (no public item of
//! the generated module disappears), and on the way back (003 → 002) both say "breaking" (the
//! diff sees removed fields and values, the Rust check a removed enum type).

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use integration_tests::seeds::repo_root;
use integration_tests::target_dir;
use lark_codegen::{generate, Config, Layout, SchemaFile};
use lark_schema::diff::{diff_schemas, rust_api, verdict, Compat};

const OLD: &str = "002_c98445f5ac19ce98.schema.json";
const NEW: &str = "003_0a4df386a132e874.schema.json";

fn schema(file_name: &str) -> SchemaFile {
    let path = repo_root().join("schema/json").join(file_name);
    let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    SchemaFile {
        file_name: file_name.to_owned(),
        schema: serde_json::from_str(&text).unwrap(),
    }
}

/// The generated files of one page, by path under `root`.
fn generated(page: &SchemaFile, root: &Path) -> BTreeMap<PathBuf, String> {
    let config = Config {
        layout: Layout::InRepo,
        variant_names: fs::read_to_string(repo_root().join("schema/variant-names.json")).ok(),
        names_lock: None,
    };
    generate(std::slice::from_ref(page), &config)
        .unwrap()
        .files
        .into_iter()
        .map(|file| (root.join(file.path), file.contents))
        .collect()
}

/// The public items the crate generated from `old` has and the one from `new` no longer has.
fn removed_items(old: &SchemaFile, new: &SchemaFile, scratch: &str) -> Vec<String> {
    let root = target_dir().join(scratch);
    if root.exists() {
        fs::remove_dir_all(&root).unwrap();
    }
    for (path, contents) in generated(old, &root) {
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, contents).unwrap();
    }
    let services = root.join("src/services");
    let removed = rust_api::removed_items(&generated(new, &root), &services);
    fs::remove_dir_all(&root).unwrap();
    removed
}

#[test]
fn a_compatible_page_change_removes_no_public_item() {
    let (old, new) = (schema(OLD), schema(NEW));
    assert_eq!(
        verdict(&diff_schemas(&old.schema, &new.schema)),
        Some(Compat::Compatible)
    );
    assert_eq!(
        removed_items(&old, &new, "api-check-forward"),
        Vec::<String>::new()
    );
}

#[test]
fn a_breaking_page_change_removes_public_items() {
    let (old, new) = (schema(NEW), schema(OLD));
    assert_eq!(
        verdict(&diff_schemas(&old.schema, &new.schema)),
        Some(Compat::Breaking)
    );
    let removed = removed_items(&old, &new, "api-check-backward");
    assert!(
        removed
            .iter()
            .any(|item| item == "enum `application::v6::TokenType`"),
        "{removed:?}"
    );
}
