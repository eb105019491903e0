//! The whole family: a standalone crate generated from every page of
//! `../shared/corpus/events-source/`, built, and every page's example round-tripped through it.

use integration_tests::{corpus, target_dir};

#[test]
fn every_corpus_page_generates_builds_and_round_trips() {
    let docs = corpus::events_source_dir();
    if !docs.is_dir() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "corpus missing: {}",
            docs.display()
        );
        eprintln!("skipped: no corpus at {}", docs.display());
        return;
    }
    let target = target_dir();
    let report = corpus::run(
        &docs,
        &target.join("corpus-events"),
        &target.join("corpus-target"),
    );
    let total = report.pages.len();
    println!("corpus round trip: {}/{total} pages pass", report.passed());
    for (page, why) in report.failures() {
        println!("  {page}: {why}");
    }
    println!("codegen warnings: {}", report.warnings.len());
    for warning in &report.warnings {
        println!("  {warning}");
    }
    assert_eq!(total, 128, "every page is accounted for");
    // What may fail is the documentation's own doing, each page named: no usable example. A page the
    // parser rejects, a page left out of the crate, or an example that does not survive the round
    // trip is a bug here.
    for (page, why) in report.failures() {
        let explained = why.starts_with("the page has no example")
            || (corpus::EXAMPLE_CONTRADICTS_TABLE.contains(&page.as_str())
                && why.starts_with("round trip: decode"));
        assert!(explained, "{page}: {why}");
    }
}
