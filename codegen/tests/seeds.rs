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
        .filter(|path| path.to_string_lossy().ends_with(".schema.json"))
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
    }
}

fn render(files: &[lark_codegen::GeneratedFile]) -> String {
    files
        .iter()
        .map(|file| format!("=== {} ===\n{}", file.path.display(), file.contents))
        .collect()
}

#[test]
fn each_seed_generates_its_snapshot() {
    for schema in seed_schemas() {
        let files = generate(std::slice::from_ref(&schema), &config(Layout::InRepo)).unwrap();
        let name = schema.file_name.trim_end_matches(".schema.json").to_owned();
        insta::assert_snapshot!(name, render(&files));
    }
}

#[test]
fn output_is_byte_identical_run_to_run() {
    let schemas = seed_schemas();
    let first = generate(&schemas, &config(Layout::InRepo)).unwrap();
    let second = generate(&schemas, &config(Layout::InRepo)).unwrap();
    assert_eq!(first, second);
}

#[test]
fn every_file_starts_with_the_generated_header() {
    let layout = Layout::Standalone {
        crate_name: "seed-events".into(),
    };
    let files = generate(&seed_schemas(), &config(layout)).unwrap();
    let paths: Vec<String> = files.iter().map(|f| f.path.display().to_string()).collect();
    for expected in [
        "Cargo.toml",
        "src/lib.rs",
        "src/wire.rs",
        "src/event.rs",
        "src/services/mod.rs",
    ] {
        assert!(
            paths.iter().any(|p| p == expected),
            "{expected} missing from {paths:?}"
        );
    }
    for file in &files {
        let first_line = file.contents.lines().next().unwrap_or_default();
        assert!(
            first_line.contains("@generated"),
            "{}: {first_line}",
            file.path.display()
        );
    }
    assert!(
        !render(&files).contains("crate::dispatch"),
        "a standalone crate has no dispatcher"
    );
}

#[test]
fn in_repo_layout_registers_handlers_on_the_dispatcher() {
    let files = generate(&seed_schemas(), &config(Layout::InRepo)).unwrap();
    let all = render(&files);
    assert!(all.contains("pub fn on_p2_application_app_version_publish_apply_v6<F, Fut>"));
    assert!(!files.iter().any(|f| f.path.ends_with("Cargo.toml")));
}
