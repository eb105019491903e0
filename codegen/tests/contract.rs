//! Codegen reads schemas through the contract types: a misspelt annotation or a listed value of the
//! wrong type leaves its page out with a warning naming the schema file, never an ignored key.

use std::path::Path;

use lark_codegen::{generate, Config, Layout, SchemaFile};

const SEED: &str = "003_0a4df386a132e874.schema.json";

fn seed_text() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../schema/json")
        .join(SEED);
    std::fs::read_to_string(&path).unwrap_or_else(|err| panic!("{}: {err}", path.display()))
}

/// The warnings of generating from the schema `text`, and whether the page's event was generated.
fn generate_from(text: &str) -> (Vec<String>, bool) {
    let file = SchemaFile {
        file_name: SEED.to_owned(),
        schema: serde_json::from_str(text).unwrap(),
    };
    let config = Config {
        layout: Layout::InRepo,
        variant_names: None,
        names_lock: None,
    };
    let generated = generate(&[file], &config).unwrap();
    let has_event = generated.files.iter().any(|f| {
        f.contents
            .contains("pub struct P2ApplicationAppVersionPublishApplyV6 {")
    });
    (generated.warnings, has_event)
}

#[test]
fn the_seed_generates() {
    assert_eq!(generate_from(&seed_text()), (Vec::new(), true));
}

#[test]
fn a_misspelt_annotation_leaves_the_page_out_naming_the_file_and_the_key() {
    let text = seed_text().replacen("\"x-lark-format\":", "\"x-lark-fromat\":", 1);
    let (warnings, has_event) = generate_from(&text);
    assert!(!has_event);
    assert!(
        warnings[0].starts_with(&format!("{SEED}: ")) && warnings[0].contains("x-lark-fromat"),
        "{warnings:?}"
    );
}

#[test]
fn a_listed_value_of_the_wrong_type_leaves_the_page_out() {
    // The first integer enum of the seed, with a string among its values.
    let text = seed_text().replacen("\"enum\": [\n", "\"enum\": [\n\"one\",\n", 1);
    let (warnings, has_event) = generate_from(&text);
    assert!(!has_event);
    assert!(
        warnings[0].contains(&format!("left out: {SEED}: "))
            && warnings[0].contains("\"one\" is not an integer"),
        "{warnings:?}"
    );
}
