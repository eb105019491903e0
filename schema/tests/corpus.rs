//! Every page of `../shared/corpus/events-source/` and `events-rendered/`: a schema is produced and the
//! page's example validates against it. Prints the pass count and each exception with its reason.

mod common;

use std::path::PathBuf;

use common::{corpus_dir, validation_errors};
use lark_schema::docs::{self, InvalidExample, Options};

#[derive(Default)]
struct Tally {
    pages: usize,
    validated: usize,
    no_example: Vec<String>,
    /// The example uses a value the page's own table does not list.
    unlisted_values: Vec<String>,
    /// The table contradicts itself (child rows under a scalar type, flagged by a warning) and the
    /// example sides with neither reading.
    contradictions: Vec<String>,
    failures: Vec<String>,
}

fn run(folder: &str) -> Option<Tally> {
    let dir = corpus_dir("")?.join(folder);
    let mut pages: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    pages.sort();
    let mut tally = Tally::default();
    let options = Options {
        invalid_example: InvalidExample::Warn,
    };
    for page in pages {
        tally.pages += 1;
        let name = page.file_name().unwrap().to_string_lossy().into_owned();
        let parsed = match docs::parse_file_with(&page, options) {
            Ok(parsed) => parsed,
            Err(e) => {
                tally.failures.push(format!("{name}: no schema: {e}"));
                continue;
            }
        };
        let schema = lark_schema::writer::page_schema(&parsed.page);
        let Some(example) = &parsed.page.example else {
            let reason = parsed
                .warnings
                .iter()
                .find(|w| w.message.contains("not valid JSON"))
                .map_or("the page has no example".to_string(), |w| w.to_string());
            tally.no_example.push(format!("{name}: {reason}"));
            continue;
        };
        let errors = validation_errors(&schema, example);
        if errors.is_empty() {
            tally.validated += 1;
        } else if let Some(w) = parsed
            .warnings
            .iter()
            .find(|w| w.message.contains("which has no fields"))
        {
            tally.contradictions.push(format!(
                "{name}: the table contradicts itself ({}) and the example: {}",
                w.message,
                errors.join("; ")
            ));
        } else if errors.iter().all(|e| e.contains(" is not one of ")) {
            tally.unlisted_values.push(format!(
                "{name}: the example uses a value the page does not list: {}",
                errors.join("; ")
            ));
        } else {
            tally.failures.push(format!(
                "{name}: example does not validate: {}",
                errors.join("; ")
            ));
        }
    }
    println!(
        "{folder}: {} pages, {} schemas, {} examples validate, {} without a valid example, {} with a value the table does not list, {} whose table contradicts itself, {} failures",
        tally.pages,
        tally.pages - tally.failures.iter().filter(|f| f.contains("no schema")).count(),
        tally.validated,
        tally.no_example.len(),
        tally.unlisted_values.len(),
        tally.contradictions.len(),
        tally.failures.len()
    );
    let exceptions = tally
        .no_example
        .iter()
        .chain(&tally.unlisted_values)
        .chain(&tally.contradictions);
    for line in exceptions.chain(&tally.failures) {
        println!("  {line}");
    }
    Some(tally)
}

fn check(folder: &str) {
    let Some(tally) = run(folder) else { return };
    assert!(tally.pages >= 100, "{folder}: only {} pages", tally.pages);
    assert_eq!(tally.failures, Vec::<String>::new(), "{folder}");
    assert_eq!(
        tally.validated
            + tally.no_example.len()
            + tally.unlisted_values.len()
            + tally.contradictions.len(),
        tally.pages
    );
    // Only a handful of pages may contradict themselves; more means the parser misreads enum lists.
    assert!(
        tally.unlisted_values.len() <= 3,
        "{folder}: {:?}",
        tally.unlisted_values
    );
    assert!(
        tally.contradictions.len() <= 3,
        "{folder}: {:?}",
        tally.contradictions
    );
}

#[test]
fn events_source() {
    check("events-source");
}

#[test]
fn events_rendered() {
    check("events-rendered");
}
