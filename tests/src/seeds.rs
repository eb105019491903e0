//! The seed schemas in `schema/json/` and their examples.

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

/// The repository root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Each seed schema's file name and example body, in file name order: the seed page's renderings
/// (`000_…`, `002_…`, `003_…`), not the rest of the family.
pub fn examples() -> Vec<(String, Value)> {
    let dir = repo_root().join("schema/json");
    let mut paths: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap_or_else(|err| panic!("{}: {err}", dir.display()))
        .map(|entry| entry.expect("a readable directory entry").path())
        .filter(|path| {
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            name.starts_with(|c: char| c.is_ascii_digit()) && name.ends_with(".schema.json")
        })
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let text =
                fs::read_to_string(&path).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
            let schema: Value = serde_json::from_str(&text)
                .unwrap_or_else(|err| panic!("{}: {err}", path.display()));
            let example = schema["examples"][0].clone();
            assert!(example.is_object(), "{}: no example", path.display());
            (
                path.file_name()
                    .unwrap_or_default()
                    .to_string_lossy()
                    .into_owned(),
                example,
            )
        })
        .collect()
}
