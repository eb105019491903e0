//! Codegen reads schemas through the contract types: a misspelt annotation or a listed value of the
//! wrong type is an error naming the schema file, never an ignored key.

use std::path::Path;

use lark_codegen::{generate, Config, Error, Layout, SchemaFile};

const SEED: &str = "003_0a4df386a132e874.schema.json";

fn seed_text() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../schema/json")
        .join(SEED);
    std::fs::read_to_string(&path).unwrap_or_else(|err| panic!("{}: {err}", path.display()))
}

fn generate_from(text: &str) -> Result<(), Error> {
    let file = SchemaFile {
        file_name: SEED.to_owned(),
        schema: serde_json::from_str(text).unwrap(),
    };
    let config = Config {
        layout: Layout::InRepo,
        variant_names: None,
    };
    generate(&[file], &config).map(drop)
}

#[test]
fn the_seed_generates() {
    generate_from(&seed_text()).unwrap();
}

#[test]
fn a_misspelt_annotation_names_the_file_and_the_key() {
    let text = seed_text().replacen("\"x-lark-format\":", "\"x-lark-fromat\":", 1);
    let err = generate_from(&text).unwrap_err();
    assert!(matches!(err, Error::Schema { .. }), "{err}");
    let message = err.to_string();
    assert!(
        message.starts_with(&format!("{SEED}: ")) && message.contains("x-lark-fromat"),
        "{message}"
    );
}

#[test]
fn a_listed_value_of_the_wrong_type_is_an_error() {
    // The first integer enum of the seed, with a string among its values.
    let text = seed_text().replacen("\"enum\": [\n", "\"enum\": [\n\"one\",\n", 1);
    let err = generate_from(&text).unwrap_err().to_string();
    assert!(
        err.starts_with(&format!("{SEED}: ")) && err.contains("\"one\" is not an integer"),
        "{err}"
    );
}
