//! The whole family: `cargo xtask roundtrip` on `../shared/corpus/events-source/`, a standalone crate
//! generated from every page, built, and every page's example round-tripped through it.

use std::path::PathBuf;

use integration_tests::{seeds::repo_root, target_dir};
use lark_codegen::roundtrip::{self, Outcome, Setup};

/// Pages whose example contradicts their own table (an array or a string where the table documents
/// an object), so that the type generated from the table cannot decode the example yet.
const EXAMPLE_CONTRADICTS_TABLE: [&str; 3] = [
    "uUDN04SN0QjL1QDN__drive-v1__event__list__delete-file-to-trash-can.md",
    "uUDN04SN0QjL1QDN__drive-v1__event__list__file-deleted-completely.md",
    "uUDN04SN0QjL1QDN__drive-v1__event__list__file-edited.md",
];

/// The corpus folder of event pages in doc-source rendering, beside the repository.
fn events_source_dir() -> PathBuf {
    repo_root().join("../shared/corpus/events-source")
}

#[test]
fn every_corpus_page_generates_builds_and_round_trips() {
    let docs = events_source_dir();
    if !docs.is_dir() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "corpus missing: {}",
            docs.display()
        );
        eprintln!("skipped: no corpus at {}", docs.display());
        return;
    }
    let root = repo_root();
    let target = target_dir();
    let setup = Setup {
        docs_dir: docs,
        out: target.join("corpus-events"),
        target_dir: target.join("corpus-target"),
        runtime_dir: root.join("runtime"),
        variant_names: std::fs::read_to_string(root.join("schema/variant-names.json")).ok(),
        lockfile: Some(root.join("Cargo.lock")),
    };
    let report = roundtrip::run(&setup).unwrap_or_else(|err| panic!("{err}"));
    println!("codegen warnings: {}", report.warnings.len());
    for warning in &report.warnings {
        println!("  {warning}");
    }
    print!("{report}");
    assert_eq!(report.pages.len(), 128, "every page is accounted for");
    assert_eq!(
        report.pages_with(&Outcome::NoEvent).count(),
        0,
        "every page documents an event"
    );
    // What may fail is the documentation's own doing, each page named. A page the parser rejects, a
    // page left out of the crate, or an example that does not survive the round trip is a bug here.
    for (page, why) in report.failures() {
        let explained = EXAMPLE_CONTRADICTS_TABLE.contains(&page) && why.contains(": decode: ");
        assert!(explained, "{page}: {why}");
    }
}
