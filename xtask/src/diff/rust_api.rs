//! The Rust side of a regeneration: public items of the generated modules that are no longer
//! generated. A page diff cannot see every one of them: a type is also renamed when another page of
//! its module takes its name, and that breaks code that names it just the same.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// The item kinds looked for, as they begin a line of prettyplease output.
const KINDS: [&str; 5] = [
    "pub struct ",
    "pub enum ",
    "pub const ",
    "pub fn ",
    "pub mod ",
];

/// Public items (`module::Name`, with their kind) that the generated files under `services_dir`
/// on disk declare and the regenerated `files` (by path) no longer do.
pub fn removed_items(files: &BTreeMap<PathBuf, String>, services_dir: &Path) -> Vec<String> {
    let mut old = BTreeSet::new();
    for path in rust_files(services_dir) {
        if let Ok(text) = fs::read_to_string(&path) {
            old.extend(items(&path, services_dir, &text));
        }
    }
    let new: BTreeSet<String> = files
        .iter()
        .filter(|(path, _)| path.starts_with(services_dir))
        .flat_map(|(path, text)| items(path, services_dir, text))
        .collect();
    old.difference(&new).cloned().collect()
}

/// The section of the codegen summary, empty when nothing was removed.
pub fn summary(removed: &[String]) -> String {
    if removed.is_empty() {
        return String::new();
    }
    let mut text = format!(
        "\n## Rust API: {} public item(s) no longer generated: breaking, major release\n\n",
        removed.len()
    );
    for item in removed {
        text.push_str(&format!("- {item}\n"));
    }
    text.push_str("\nCode that names them stops building: a major release of lark-events.\n");
    text
}

/// `kind module::name` for each public item a generated file declares.
fn items(path: &Path, services_dir: &Path, text: &str) -> Vec<String> {
    let module = module_path(path, services_dir);
    text.lines()
        .filter_map(|line| {
            let line = line.trim_start();
            KINDS.iter().find_map(|kind| {
                let rest = line.strip_prefix(kind)?;
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                (!name.is_empty())
                    .then(|| format!("{}`{module}{name}`", kind.trim_start_matches("pub ")))
            })
        })
        .collect()
}

/// `application::v6::` for `…/services/application/v6.rs`; `application::` for its `mod.rs`.
fn module_path(path: &Path, services_dir: &Path) -> String {
    let relative = path.strip_prefix(services_dir).unwrap_or(path);
    let mut parts: Vec<String> = relative
        .with_extension("")
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.last().is_some_and(|last| last == "mod") {
        parts.pop();
    }
    parts.iter().map(|p| format!("{p}::")).collect()
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let Ok(entries) = fs::read_dir(dir) else {
        return found;
    };
    for path in entries.flatten().map(|e| e.path()) {
        if path.is_dir() {
            found.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_renamed_type_is_reported_and_an_unchanged_one_is_not() {
        let dir = std::env::temp_dir().join(format!("rust-api-{}", std::process::id()));
        let services = dir.join("services");
        fs::create_dir_all(services.join("application")).unwrap();
        let v6 = services.join("application/v6.rs");
        fs::write(
            &v6,
            "pub struct AppScope {\n}\npub enum Status {\n    A,\n}\nimpl Status {\n    pub fn value(self) -> i64 { 0 }\n}\n",
        )
        .unwrap();
        let renamed = "pub struct AppScope {\n}\npub enum AppVersionStatus {\n    A,\n}\nimpl AppVersionStatus {\n    pub fn value(self) -> i64 { 0 }\n}\n";
        let files = BTreeMap::from([(v6.clone(), renamed.to_owned())]);
        let removed = removed_items(&files, &services);
        fs::remove_dir_all(&dir).unwrap();
        assert_eq!(removed, vec!["enum `application::v6::Status`".to_owned()]);
        assert!(summary(&removed).contains("breaking, major release"));
        assert_eq!(summary(&[]), "");
    }
}
