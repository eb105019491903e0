//! `cargo xtask roundtrip`: a folder of pages → standalone crates, built, and every page's examples
//! decoded through their types and re-encoded; a failure names its page and JSON path.
//!
//! The crates are the ones `cargo xtask codegen --docs DIR --out DIR` writes (their files written by
//! [`pipeline::write`], so only what changed): the events crate in `out`, checked by [`events`], and
//! the API crate in `out/api`, checked by [`apis`]. Each gets a program in its `examples/` that reads
//! one case a line and prints one JSON line per case saying what came of it; it is built and run
//! with `--features full`, and only when a page gives it something to check.

mod apis;
mod events;
mod json;
mod program;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use lark_schema::contract::Schema;
use lark_schema::docs;
use lark_schema::folder;
use lark_schema::writer;
use serde::Deserialize;

use crate::pipeline::{self, Target};
use crate::Layout;

pub use json::first_difference;

/// What to check, and where to build it.
#[derive(Debug, Clone)]
pub struct Setup {
    /// The folder of documentation pages.
    pub docs_dir: PathBuf,
    /// Where the crates are generated: the events crate, and the API crate in `api/` (created when
    /// missing; only their generated files are replaced).
    pub out: PathBuf,
    /// Cargo's target folder for building the crates.
    pub target_dir: PathBuf,
    /// The `lark-runtime` crate the generated crates depend on.
    pub runtime_dir: PathBuf,
    /// The text of `schema/variant-names.json`, when there is one.
    pub variant_names: Option<String>,
    /// A `Cargo.lock` copied into each crate before building, so that it builds with the versions
    /// this lock pins (the repository's) rather than the newest ones.
    pub lockfile: Option<PathBuf>,
}

/// What came of one page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Every example of the page decodes into its type and re-encodes as it came: an event page's
    /// example; an API page's parameter values, request body and response examples, those it gives.
    Passed,
    /// Why it does not (a JSON path first when there is one), or why the page could not be read.
    Failed(String),
    /// The page has no example to check: an event page none that is a valid JSON object, an API
    /// page no parameter value, request body or successful response example.
    NoExample,
    /// The page documents no event, nor an API (a method and a URL): nothing to check.
    NoEvent,
}

/// What happened to each page, by page file name.
#[derive(Debug, Default)]
pub struct Report {
    pub pages: BTreeMap<String, Outcome>,
    /// The pages that document an API (the others document an event, or nothing).
    pub api_pages: BTreeSet<String>,
    /// What parsing and generation warned about, each naming its page and line.
    pub warnings: Vec<String>,
}

impl Report {
    /// Pages whose examples were checked: passed or failed.
    pub fn checked(&self) -> usize {
        self.checked_pages().count()
    }

    /// API pages whose examples were checked.
    pub fn checked_apis(&self) -> usize {
        self.checked_pages()
            .filter(|page| self.api_pages.contains(*page))
            .count()
    }

    pub fn passed(&self) -> usize {
        self.pages_with(&Outcome::Passed).count()
    }

    /// Each failed page, with why.
    pub fn failures(&self) -> impl Iterator<Item = (&str, &str)> {
        self.pages
            .iter()
            .filter_map(|(page, outcome)| match outcome {
                Outcome::Failed(why) => Some((page.as_str(), why.as_str())),
                _ => None,
            })
    }

    /// The pages with this outcome.
    pub fn pages_with<'a>(&'a self, outcome: &'a Outcome) -> impl Iterator<Item = &'a str> {
        self.pages
            .iter()
            .filter(move |(_, of_page)| *of_page == outcome)
            .map(|(page, _)| page.as_str())
    }

    /// True when every checked page passed.
    pub fn all_passed(&self) -> bool {
        self.passed() == self.checked()
    }

    /// The line a run ends with: `round trip: N of M pages`, M counting the pages checked; when the
    /// folder has API pages, followed by how many of them are event and API pages and how many
    /// pages were not checked for want of an example:
    /// `round trip: N of M pages (E events, A APIs; K without an example)`.
    pub fn closing_line(&self) -> String {
        let line = format!("round trip: {} of {} pages", self.passed(), self.checked());
        if self.api_pages.is_empty() {
            return line;
        }
        let apis = self.checked_apis();
        format!(
            "{line} ({} events, {apis} APIs; {} without an example)",
            self.checked() - apis,
            self.pages_with(&Outcome::NoExample).count()
        )
    }

    fn checked_pages(&self) -> impl Iterator<Item = &str> {
        self.pages
            .iter()
            .filter(|(_, outcome)| matches!(outcome, Outcome::Passed | Outcome::Failed(_)))
            .map(|(page, _)| page.as_str())
    }
}

/// One line per failure (`page: why`), the pages not checked, then [`Report::closing_line`].
impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (page, why) in self.failures() {
            writeln!(f, "{page}: {why}")?;
        }
        let without_example: Vec<&str> = self.pages_with(&Outcome::NoExample).collect();
        if !without_example.is_empty() {
            writeln!(
                f,
                "{} page(s) without an example that is a valid JSON object, not checked: {}",
                without_example.len(),
                without_example.join(", ")
            )?;
        }
        let without_event = self.pages_with(&Outcome::NoEvent).count();
        if without_event > 0 {
            writeln!(
                f,
                "{without_event} page(s) documenting no event or API, not checked"
            )?;
        }
        writeln!(f, "{}", self.closing_line())
    }
}

/// Why the round trip could not run at all.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Reading the pages or writing the crates.
    #[error("{0}")]
    Pipeline(#[from] pipeline::Error),
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: io::Error },
    /// A generated crate does not build, or its round-trip program fails.
    #[error("the crate generated in {} does not build or run:\n{stderr}", out.display())]
    Build { out: PathBuf, stderr: String },
}

fn io_error(path: &Path) -> impl FnOnce(io::Error) -> Error + '_ {
    move |source| Error::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// A generated crate: its folder, and its name in Rust code (`demo-events-api` → `demo_events_api`).
struct Crate<'a> {
    dir: &'a Path,
    ident: String,
}

impl<'a> Crate<'a> {
    /// The crate of `layout` in `dir`: named as its `Cargo.toml` names it (a crate in this
    /// repository's layout, which [`run`] never generates, after its folder).
    fn new(dir: &'a Path, layout: &Layout) -> Crate<'a> {
        let name = match layout {
            Layout::Standalone { crate_name, .. } => crate_name.clone(),
            Layout::InRepo => pipeline::crate_name_for(dir),
        };
        Crate {
            dir,
            ident: name.replace('-', "_"),
        }
    }
}

/// Generates the crates, builds them and round-trips every page's examples.
pub fn run(setup: &Setup) -> Result<Report, Error> {
    let target = Target::standalone(&setup.out, &setup.runtime_dir);
    let output = pipeline::compute(&setup.docs_dir, &target, setup.variant_names.clone())?;
    pipeline::write(&output, &target)?;
    let mut report = Report {
        warnings: output.warnings,
        ..Report::default()
    };
    let (mut event_pages, mut api_pages) = (Vec::new(), Vec::new());
    for path in folder::pages(&setup.docs_dir).map_err(pipeline::Error::from)? {
        let page = path
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        match read(&path) {
            Ok(Documented::Event { event_type, schema }) => event_pages.push(events::EventPage {
                page,
                event_type,
                schema,
            }),
            Ok(Documented::Api(schema)) => {
                report.api_pages.insert(page.clone());
                api_pages.push(apis::ApiPage { page, schema });
            }
            Err(outcome) => {
                report.pages.insert(page, outcome);
            }
        }
    }
    let events_crate = Crate::new(&target.crate_dir, &target.layout);
    report
        .pages
        .extend(events::check(setup, &events_crate, event_pages)?);
    let api_crate = Crate::new(&target.api_crate_dir, &target.api_layout);
    report
        .pages
        .extend(apis::check(setup, &api_crate, &output.apis, api_pages)?);
    Ok(report)
}

/// What a page documents.
enum Documented {
    /// An event, of this type.
    Event { event_type: String, schema: Schema },
    /// A server API: a method and a URL.
    Api(Schema),
}

/// Reads a page as `codegen` does; a page that documents nothing to check, or cannot be read, with
/// its outcome.
fn read(path: &Path) -> Result<Documented, Outcome> {
    let parsed = docs::parse_file_with(path, pipeline::options())
        .map_err(|err| Outcome::Failed(format!("parser: {err}")))?;
    let schema = writer::page_schema(&parsed.page);
    let contract = Schema::deserialize(&schema).map_err(|err| {
        Outcome::Failed(format!(
            "schema not of the layout of schema/README.md: {err}"
        ))
    })?;
    let event_type = contract
        .event
        .as_ref()
        .and_then(|event| event.event_type.as_deref())
        .map(str::trim)
        .filter(|event_type| !event_type.is_empty());
    if let Some(event_type) = event_type {
        return Ok(Documented::Event {
            event_type: event_type.to_owned(),
            schema: contract,
        });
    }
    let api = contract.api.as_ref();
    match api.is_some_and(|api| api.method.is_some() && api.path.is_some()) {
        true => Ok(Documented::Api(contract)),
        false => Err(Outcome::NoEvent),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_closing_line_counts_event_and_api_pages_when_there_are_api_pages() {
        let mut report = Report::default();
        for (page, outcome) in [
            ("event.md", Outcome::Passed),
            ("event-bare.md", Outcome::NoExample),
            ("other.md", Outcome::NoEvent),
        ] {
            report.pages.insert(page.to_owned(), outcome);
        }
        assert_eq!(report.closing_line(), "round trip: 1 of 1 pages");
        for (page, outcome) in [
            ("api.md", Outcome::Failed("response: $.data: …".to_owned())),
            ("api-bare.md", Outcome::NoExample),
        ] {
            report.pages.insert(page.to_owned(), outcome);
            report.api_pages.insert(page.to_owned());
        }
        assert_eq!(
            report.closing_line(),
            "round trip: 1 of 2 pages (1 events, 1 APIs; 2 without an example)"
        );
        assert!(!report.all_passed());
    }
}
