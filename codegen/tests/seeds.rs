//! Snapshots of the code generated from each seed schema in `schema/json/`, one snapshot per schema:
//! a documentation update shows up as a readable diff of the generated Rust.

use std::fs;
use std::path::{Path, PathBuf};

use lark_codegen::{generate, Config, Layout, SchemaFile};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn seed_schemas() -> Vec<SchemaFile> {
    let dir = repo_root().join("schema/json");
    let mut paths: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap_or_else(|err| panic!("{}: {err}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| {
            let name = path.file_name().unwrap().to_string_lossy();
            // The seed page's renderings: `000_…`, `002_…`, `003_…`.
            name.starts_with(|c: char| c.is_ascii_digit()) && name.ends_with(".schema.json")
        })
        .collect();
    paths.sort();
    assert!(!paths.is_empty(), "no schema in {}", dir.display());
    paths
        .iter()
        .map(|path| SchemaFile {
            file_name: path.file_name().unwrap().to_string_lossy().into_owned(),
            schema: serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap(),
        })
        .collect()
}

fn config(layout: Layout) -> Config {
    let names = fs::read_to_string(repo_root().join("schema/variant-names.json")).unwrap();
    Config {
        layout,
        variant_names: Some(names),
        names_lock: None,
    }
}

fn render(files: &[lark_codegen::GeneratedFile]) -> String {
    files
        .iter()
        .map(|file| format!("=== {} ===\n{}", file.path.display(), file.contents))
        .collect()
}

/// The modules a page generates (the crate's `Cargo.toml` and `lib.rs` are the same for every page,
/// and checked by the freshness test).
#[test]
fn each_seed_generates_its_snapshot() {
    for schema in seed_schemas() {
        let mut files = generate(std::slice::from_ref(&schema), &config(Layout::InRepo))
            .unwrap()
            .files;
        files.retain(|file| file.path.starts_with("src/services"));
        let name = schema.file_name.trim_end_matches(".schema.json").to_owned();
        insta::assert_snapshot!(name, render(&files));
    }
}

#[test]
fn output_is_byte_identical_run_to_run() {
    let schemas = seed_schemas();
    let first = generate(&schemas, &config(Layout::InRepo)).unwrap().files;
    let second = generate(&schemas, &config(Layout::InRepo)).unwrap().files;
    assert_eq!(first, second);
}

#[test]
fn every_file_starts_with_the_generated_header() {
    let layout = Layout::Standalone {
        crate_name: "seed-events".into(),
        runtime_path: "../../runtime".into(),
    };
    let files = generate(&seed_schemas(), &config(layout)).unwrap().files;
    let paths: Vec<String> = files.iter().map(|f| f.path.display().to_string()).collect();
    assert_eq!(
        paths,
        [
            "Cargo.toml",
            "src/lib.rs",
            "src/services/application/mod.rs",
            "src/services/application/v6.rs",
            "src/services/mod.rs",
        ],
        "the whole crate, and nothing hand-written copied into it"
    );
    for file in &files {
        let first_line = file.contents.lines().next().unwrap_or_default();
        assert!(
            first_line.contains("@generated"),
            "{}: {first_line}",
            file.path.display()
        );
    }
    let cargo_toml = &files[0].contents;
    assert!(
        cargo_toml.contains("name = \"seed-events\""),
        "{cargo_toml}"
    );
    assert!(
        cargo_toml.contains("lark-runtime = { path = \"../../runtime\""),
        "{cargo_toml}"
    );
}

#[test]
fn handlers_are_registered_through_the_dispatcher_extension() {
    let files = generate(&seed_schemas(), &config(Layout::InRepo))
        .unwrap()
        .files;
    let services = files
        .iter()
        .find(|f| f.path.ends_with("src/services/mod.rs"))
        .unwrap();
    assert!(services.contents.contains(
        "crate::dispatch::handlers!(DispatcherExt {\n    /// Registers the handler of \
         [`application::v6::P2ApplicationAppVersionPublishApplyV6`] events"
    ));
    assert!(services.contents.contains(
        "    on_p2_application_app_version_publish_apply_v6: \
         application::v6::P2ApplicationAppVersionPublishApplyV6,\n});"
    ));
}

#[test]
fn generated_modules_are_declarations_and_one_macro_call_per_item() {
    let files = generate(&seed_schemas(), &config(Layout::InRepo))
        .unwrap()
        .files;
    let v6 = files
        .iter()
        .find(|f| f.path.ends_with("application/v6.rs"))
        .unwrap();
    assert!(
        !v6.contents.contains("\nimpl"),
        "no impl block in a generated module"
    );
    assert!(
        !v6.contents.contains("\nuse "),
        "no import a module does not use"
    );
    assert!(v6
        .contents
        .contains("crate::wire::object!(UserId { union_id, user_id, open_id });"));
    assert!(
        v6.contents.contains("\npub use crate::EventHeader;\n"),
        "the standard header is the runtime's shared type"
    );
    assert!(v6.contents.contains(
        "crate::wire::event!(P2ApplicationAppVersionPublishApplyV6 {\n    \
         event_type: \"application.application.app_version.publish_apply_v6\",\n    header,\n});"
    ));
}
