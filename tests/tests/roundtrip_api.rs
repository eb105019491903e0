//! `cargo xtask roundtrip` (`lark_codegen::roundtrip`) on a small folder of pages copied from
//! `schema/docs/`: the seed event page's three renderings and five API pages. Then the same folder
//! with two broken copies: one whose response example's `data` is no longer an object, one whose
//! request body example is no longer an object; neither fits its type, and each is named with its
//! JSON path.

use std::fs;
use std::path::Path;

use integration_tests::seeds::repo_root;
use lark_codegen::roundtrip::{self, Outcome, Report, Setup};

/// The seed event page, in its three renderings.
const SEEDS: [&str; 3] = [
    "000_c6042755e2590ada.txt",
    "002_c98445f5ac19ce98.txt",
    "003_0a4df386a132e874.txt",
];

/// A request body and a response example (approving the app version the seed event names).
const JSON_BODY: &str =
    "api-source__application-v6__uATN1EjLwUTNx4CM1UTM__patch-application-app_version.md";
/// A `multipart/form-data` upload: a response example only.
const UPLOAD: &str = "api-source__im-v1__image__create.md";
/// A paginated list: query parameters and a response example with `has_more` and `page_token`.
const LIST: &str = "api-source__im-v1__pin__list.md";
/// A response example whose `data` is empty.
const EMPTY_DATA: &str = "api-source__application-v6__scope__apply.md";
/// No parameter value, request body or successful response example: nothing to check.
const NO_EXAMPLE: &str = "api-source__application-v6__app-administrator__uMzN3QjLzczN04yM3cDN.md";

const BROKEN_DATA: &str = "api-source__application-v6__scope__apply-broken.md";
const BROKEN_BODY: &str = "api-source__application-v6__app_version-broken.md";

/// A page of `schema/docs/`, by file name, with its text.
fn page(name: &str) -> (String, String) {
    let path = repo_root().join("schema/docs").join(name);
    let text = fs::read_to_string(&path).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
    (name.to_owned(), text)
}

/// A copy of the page `name` saved as `copy`, `from` replaced by `to` once.
fn broken(name: &str, copy: &str, from: &str, to: &str) -> (String, String) {
    let (_, text) = page(name);
    let edited = text.replacen(from, to, 1);
    assert_ne!(edited, text, "{name} has no {from:?}");
    (copy.to_owned(), edited)
}

/// Writes the pages into a fresh folder `name` and runs the round trip on it, always into the same
/// crates and target folder (that of `lark-codegen`'s round-trip test, so that the dependencies
/// both need build once).
fn run(name: &str, pages: &[(String, String)]) -> Report {
    let scratch = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let docs = scratch.join("roundtrip-api").join(name);
    if docs.exists() {
        fs::remove_dir_all(&docs).unwrap();
    }
    fs::create_dir_all(&docs).unwrap();
    for (file, text) in pages {
        fs::write(docs.join(file), text).unwrap();
    }
    let root = repo_root();
    let setup = Setup {
        docs_dir: docs,
        out: scratch.join("roundtrip-api/demo"),
        target_dir: scratch.join("roundtrip/target"),
        runtime_dir: root.join("runtime"),
        variant_names: fs::read_to_string(root.join("schema/variant-names.json")).ok(),
        lockfile: Some(root.join("Cargo.lock")),
    };
    roundtrip::run(&setup).unwrap_or_else(|err| panic!("{err}"))
}

#[test]
fn api_examples_round_trip_and_a_broken_one_is_named_with_its_path() {
    let mut pages: Vec<(String, String)> = SEEDS
        .iter()
        .chain(&[JSON_BODY, UPLOAD, LIST, EMPTY_DATA, NO_EXAMPLE])
        .map(|name| page(name))
        .collect();
    let report = run("docs", &pages);
    let text = report.to_string();
    assert_eq!(report.failures().count(), 0, "{text}");
    assert_eq!(report.pages[NO_EXAMPLE], Outcome::NoExample, "{text}");
    assert_eq!(
        text.lines().last(),
        Some("round trip: 7 of 7 pages (3 events, 4 APIs; 1 without an example)"),
        "{text}"
    );
    assert!(report.all_passed(), "exit status 0");

    // The broken copies document the same APIs as their originals: each is checked against the
    // types generated from one of the two.
    pages.push(broken(
        EMPTY_DATA,
        BROKEN_DATA,
        "\"data\": {}",
        "\"data\": []",
    ));
    pages.push(broken(
        JSON_BODY,
        BROKEN_BODY,
        "{\n    \"status\": 1\n}",
        "[{\"status\": 1}]",
    ));
    let report = run("docs-broken", &pages);
    let text = report.to_string();
    let failures: Vec<(&str, &str)> = report.failures().collect();
    assert_eq!(failures.len(), 2, "{text}");
    let (page, why) = failures[0];
    assert_eq!(page, BROKEN_BODY, "{text}");
    assert!(
        why.starts_with("request body: $: decode: invalid type: sequence"),
        "{text}"
    );
    let (page, why) = failures[1];
    assert_eq!(page, BROKEN_DATA, "{text}");
    assert!(
        why.starts_with("response: $.data: decode: invalid type: sequence"),
        "{text}"
    );
    assert!(
        text.starts_with(&format!("{BROKEN_BODY}: request body: $: ")),
        "{text}"
    );
    assert_eq!(
        text.lines().last(),
        Some("round trip: 7 of 9 pages (3 events, 6 APIs; 1 without an example)"),
        "{text}"
    );
    assert!(!report.all_passed(), "exit status 1");
}
