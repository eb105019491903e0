//! What `cargo xtask codegen` changes, page by page: the diff of each checked-in schema against its
//! regenerated version, ready to paste into a pull request.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::change::Compat;
use super::{diff_schemas, render::render_titled, verdict};

/// The summary of every schema file under `schema_dir` that `files` (the regenerated outputs, by path)
/// adds, changes or removes. A checked-in file that is not valid JSON is named, not compared.
pub fn schema_changes(files: &BTreeMap<PathBuf, String>, schema_dir: &Path) -> String {
    let mut paths: Vec<PathBuf> = files
        .keys()
        .filter(|p| p.parent() == Some(schema_dir))
        .cloned()
        .collect();
    if let Ok(entries) = fs::read_dir(schema_dir) {
        for path in entries.flatten().map(|e| e.path()) {
            let is_schema = path.to_string_lossy().ends_with(".schema.json");
            if is_schema && !files.contains_key(&path) {
                paths.push(path);
            }
        }
    }
    paths.sort();
    let mut pages = Vec::new();
    let mut worst = None;
    for path in paths {
        let name = path
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let old_text = fs::read_to_string(&path).ok();
        let new_text = files.get(&path);
        if old_text.as_ref() == new_text {
            continue;
        }
        let parse = |text: Option<&String>| text.map(|t| serde_json::from_str::<Value>(t));
        let (section, compat) = match (parse(old_text.as_ref()), parse(new_text)) {
            (Some(Ok(old)), Some(Ok(new))) => {
                let changes = diff_schemas(&old, &new);
                (
                    render_titled(&page_name(&new, &name), &changes),
                    verdict(&changes),
                )
            }
            (None, Some(Ok(new))) => (
                format!(
                    "## {}: new page, {}\n{}",
                    page_name(&new, &name),
                    event_of(&new),
                    contents(&new)
                ),
                Some(Compat::Compatible),
            ),
            (Some(Ok(old)), None) => (
                format!(
                    "## {}: page removed, {}; breaking, major release\n",
                    page_name(&old, &name),
                    event_of(&old)
                ),
                Some(Compat::Breaking),
            ),
            _ => (
                format!("## {name}: the checked-in file is not valid JSON; not compared\n"),
                None,
            ),
        };
        worst = worst.max(compat);
        pages.push(section);
    }
    let closing = match (pages.len(), worst) {
        (0, _) => "Schemas: no page changed.".to_owned(),
        (n, None) => {
            format!("Schemas: {n} page(s) regenerated, no change for users of lark-events.")
        }
        (n, Some(Compat::Compatible)) => {
            format!("Schemas: {n} page(s) changed, all compatible: a minor release of lark-events.")
        }
        (n, Some(Compat::Breaking)) => {
            format!("Schemas: {n} page(s) changed, some breaking: a major release of lark-events.")
        }
    };
    pages.push(closing + "\n");
    pages.join("\n")
}

/// The page file a schema was made from, or the schema's own file name.
fn page_name(schema: &Value, file_name: &str) -> String {
    schema["x-lark-page"]["source"]
        .as_str()
        .unwrap_or(file_name)
        .to_owned()
}

/// What a new page brings: its endpoint, when it is an API page, and its named types. The Rust
/// items generated for it are listed in the summary's Rust API section.
fn contents(schema: &Value) -> String {
    let mut text = String::new();
    let api = &schema["x-lark-api"];
    if let (Some(method), Some(path)) = (api["method"].as_str(), api["path"].as_str()) {
        text.push_str(&format!("\n- API method: `{method} {path}`\n"));
    }
    let types: Vec<String> = schema["$defs"]
        .as_object()
        .map(|defs| defs.keys().map(|name| format!("`{name}`")).collect())
        .unwrap_or_default();
    if !types.is_empty() {
        text.push_str(&format!("\n- types: {}\n", types.join(", ")));
    }
    text
}

fn event_of(schema: &Value) -> String {
    match schema["x-lark-event"]["event_type"].as_str() {
        Some(event) => format!("event `{event}`"),
        None => "not an event page".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn schema(source: &str, fields: Value) -> String {
        json!({
            "x-lark-page": {"source": source},
            "x-lark-event": {"event_type": "a.b.c_v1"},
            "type": "object",
            "properties": fields
        })
        .to_string()
    }

    #[test]
    fn each_changed_added_or_removed_page_has_a_section() {
        let dir = std::env::temp_dir().join(format!("diff-summary-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let field = json!({"type": "string", "x-lark-type": "string", "x-lark-line": 1});
        fs::write(
            dir.join("1.schema.json"),
            schema("1.md", json!({"a": field})),
        )
        .unwrap();
        fs::write(dir.join("2.schema.json"), schema("2.md", json!({}))).unwrap();
        fs::write(dir.join("3.schema.json"), schema("3.md", json!({}))).unwrap();
        let mut files = BTreeMap::new();
        files.insert(
            dir.join("1.schema.json"),
            schema("1.md", json!({"a": field, "b": field})),
        );
        files.insert(dir.join("3.schema.json"), schema("3.md", json!({})));
        files.insert(dir.join("4.schema.json"), schema("4.md", json!({})));
        let text = schema_changes(&files, &dir);
        fs::remove_dir_all(&dir).unwrap();

        assert!(
            text.contains("## 1.md: compatible, minor release"),
            "{text}"
        );
        assert!(text.contains("- `b`: field added"), "{text}");
        assert!(
            text.contains("## 2.md: page removed, event `a.b.c_v1`; breaking"),
            "{text}"
        );
        assert!(!text.contains("3.md"), "{text}");
        assert!(
            text.contains("## 4.md: new page, event `a.b.c_v1`"),
            "{text}"
        );
        assert!(text.ends_with(
            "Schemas: 3 page(s) changed, some breaking: a major release of lark-events.\n"
        ));
    }

    #[test]
    fn nothing_regenerated_says_so() {
        let dir = std::env::temp_dir().join(format!("diff-summary-none-{}", std::process::id()));
        assert_eq!(
            schema_changes(&BTreeMap::new(), &dir),
            "Schemas: no page changed.\n"
        );
    }
}
