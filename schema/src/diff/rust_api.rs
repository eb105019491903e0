//! The Rust side of a regeneration: public items of the generated modules that are no longer
//! generated. A page diff cannot see every one of them: a type is also renamed when another page of
//! its module takes its name, and that breaks code that names it just the same.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// The item kinds looked for, as they begin a line of prettyplease output.
const KINDS: [&str; 6] = [
    "pub struct ",
    "pub enum ",
    "pub trait ",
    "pub const ",
    "pub fn ",
    "pub mod ",
];

/// The public items each runtime macro call gives the type it names (`crate::wire::event!(Name {`).
const MACRO_ITEMS: [(&str, &[&str]); 3] = [
    ("crate::wire::event!(", &["const EVENT_TYPE"]),
    ("crate::wire::integer_enum!(", &["fn value", "fn label"]),
    ("crate::wire::string_enum!(", &["fn as_str", "fn label"]),
];

/// The call that declares the dispatcher extension trait; each entry `method: Type,` is a method.
const HANDLERS_CALL: &str = "crate::dispatch::handlers!(";

/// The public items of the generated modules that a regeneration removes and adds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ItemChanges {
    /// Items (`kind module::Name`) the modules on disk declare and the regenerated ones no longer do.
    pub removed: Vec<String>,
    /// Items the regenerated modules declare and the ones on disk do not.
    pub added: Vec<String>,
}

/// Compares the generated files under `services_dir` on disk with the regenerated `files` (by path).
pub fn item_changes(files: &BTreeMap<PathBuf, String>, services_dir: &Path) -> ItemChanges {
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
    ItemChanges {
        removed: old.difference(&new).cloned().collect(),
        added: new.difference(&old).cloned().collect(),
    }
}

/// Public items that the generated files under `services_dir` on disk declare and the regenerated
/// `files` (by path) no longer do.
pub fn removed_items(files: &BTreeMap<PathBuf, String>, services_dir: &Path) -> Vec<String> {
    item_changes(files, services_dir).removed
}

/// The section of the codegen summary, empty when no public item changed: the items removed
/// (breaking) and the items added (types, handlers, API methods: compatible).
pub fn summary(changes: &ItemChanges) -> String {
    let ItemChanges { removed, added } = changes;
    if removed.is_empty() && added.is_empty() {
        return String::new();
    }
    let verdict = if removed.is_empty() {
        "compatible, minor release"
    } else {
        "breaking, major release"
    };
    let mut text = format!(
        "\n## Rust API: {} public item(s) added, {} no longer generated: {verdict}\n",
        added.len(),
        removed.len()
    );
    if !removed.is_empty() {
        text.push_str("\nNo longer generated (code that names them stops building):\n\n");
        for item in removed {
            text.push_str(&format!("- {item}\n"));
        }
    }
    if !added.is_empty() {
        text.push_str("\nAdded:\n\n");
        for item in added {
            text.push_str(&format!("- {item}\n"));
        }
    }
    text
}

/// `kind module::name` for each public item a generated file declares, directly or through a
/// runtime macro call; methods and constants are named after their type (`module::Type::value`).
fn items(path: &Path, services_dir: &Path, text: &str) -> Vec<String> {
    let module = module_path(path, services_dir);
    let mut found = Vec::new();
    // The type of the `impl` block or the handlers trait whose body the line is in.
    let mut owner: Option<String> = None;
    for line in text.lines() {
        if line == "}" || line == "});" {
            owner = None;
            continue;
        }
        if let Some(rest) = line.strip_prefix("impl ") {
            owner = Some(name_at(rest));
            continue;
        }
        if let Some(rest) = line.strip_prefix(HANDLERS_CALL) {
            let name = name_at(rest);
            found.push(format!("trait `{module}{name}`"));
            owner = Some(name);
            continue;
        }
        if let Some((call, kinds)) = MACRO_ITEMS.iter().find(|(call, _)| line.starts_with(call)) {
            let name = name_at(&line[call.len()..]);
            for kind in *kinds {
                let (kind, item) = kind.split_once(' ').unwrap_or(("fn", kind));
                found.push(format!("{kind} `{module}{name}::{item}`"));
            }
            continue;
        }
        let trimmed = line.trim_start();
        let owned = owner.as_ref().map_or(String::new(), |o| format!("{o}::"));
        if owner.is_some() && line.starts_with("    on_") {
            found.push(format!("fn `{module}{owned}{}`", name_at(trimmed)));
            continue;
        }
        for kind in KINDS {
            if let Some(rest) = trimmed.strip_prefix(kind) {
                let name = name_at(rest);
                if !name.is_empty() {
                    let owned = if kind == "pub fn " || kind == "pub const " {
                        owned.as_str()
                    } else {
                        ""
                    };
                    found.push(format!(
                        "{}`{module}{owned}{name}`",
                        kind.trim_start_matches("pub ")
                    ));
                }
            }
        }
    }
    found
}

/// The identifier at the start of `text`.
fn name_at(text: &str) -> String {
    text.chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
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
        assert_eq!(
            removed,
            [
                "enum `application::v6::Status`",
                "fn `application::v6::Status::value`"
            ]
        );
        let changes = ItemChanges {
            removed,
            added: vec!["enum `application::v6::AppVersionStatus`".to_owned()],
        };
        let text = summary(&changes);
        assert!(
            text.contains("1 public item(s) added, 2 no longer generated: breaking, major release"),
            "{text}"
        );
        assert!(
            text.contains("- enum `application::v6::AppVersionStatus`"),
            "{text}"
        );
        assert_eq!(summary(&ItemChanges::default()), "");
    }

    #[test]
    fn items_given_by_macro_calls_are_named_after_their_type() {
        let text =
            "pub enum Status {\n    A,\n}\ncrate::wire::integer_enum!(Status { A: (1, \"a\") });\n\
                    pub struct Ev {\n}\ncrate::wire::event!(Ev { event_type: \"x\" });\n";
        let services = Path::new("/s");
        let found = items(&services.join("app/v1.rs"), services, text);
        assert_eq!(
            found,
            [
                "enum `app::v1::Status`",
                "fn `app::v1::Status::value`",
                "fn `app::v1::Status::label`",
                "struct `app::v1::Ev`",
                "const `app::v1::Ev::EVENT_TYPE`",
            ]
        );
        let handlers = "pub mod app;\ncrate::dispatch::handlers!(DispatcherExt {\n    /// Doc.\n    on_a: app::v1::Ev,\n});\n";
        assert_eq!(
            items(&services.join("mod.rs"), services, handlers),
            [
                "mod `app`",
                "trait `DispatcherExt`",
                "fn `DispatcherExt::on_a`"
            ]
        );
    }
}
