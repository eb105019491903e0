//! `cargo xtask roundtrip`: a folder of pages → a standalone crate, built, and every page's example
//! decoded through the crate's `AnyEvent` and re-encoded; a failure names its page and JSON path.
//!
//! The crate is the one `cargo xtask codegen --docs DIR --out DIR` writes (its files written by
//! [`pipeline::write`], so only what changed), plus `examples/roundtrip.rs`, a program that reads
//! `examples/roundtrip.jsonl` (one example body a line) and prints one JSON line per example saying
//! what came of it. It is built and run with `--features full`.

use std::collections::BTreeMap;
use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::process::Command;

use lark_schema::contract::Schema;
use lark_schema::docs;
use lark_schema::folder;
use lark_schema::writer;
use serde::Deserialize;
use serde_json::Value;

use crate::pipeline::{self, Target};

/// What to check, and where to build it.
#[derive(Debug, Clone)]
pub struct Setup {
    /// The folder of documentation pages.
    pub docs_dir: PathBuf,
    /// Where the crate is generated (created when missing; only its generated files are replaced).
    pub out: PathBuf,
    /// Cargo's target folder for building the crate.
    pub target_dir: PathBuf,
    /// The `lark-runtime` crate the generated crate depends on.
    pub runtime_dir: PathBuf,
    /// The text of `schema/variant-names.json`, when there is one.
    pub variant_names: Option<String>,
    /// A `Cargo.lock` copied into the crate before building, so that it builds with the versions
    /// this lock pins (the repository's) rather than the newest ones.
    pub lockfile: Option<PathBuf>,
}

/// What came of one page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The example decodes into the page's event type and re-encodes as it came.
    Passed,
    /// Why it does not (a JSON path first when there is one), or why the page could not be read.
    Failed(String),
    /// The page has no example body that is a valid JSON object: nothing to check.
    NoExample,
    /// The page documents no event (an API page, say): nothing to check.
    NoEvent,
}

/// What happened to each page, by page file name.
#[derive(Debug, Default)]
pub struct Report {
    pub pages: BTreeMap<String, Outcome>,
    /// What parsing and generation warned about, each naming its page and line.
    pub warnings: Vec<String>,
}

impl Report {
    /// Pages whose example was checked: passed or failed.
    pub fn checked(&self) -> usize {
        self.pages
            .values()
            .filter(|outcome| matches!(outcome, Outcome::Passed | Outcome::Failed(_)))
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

    /// True when every checked example passed.
    pub fn all_passed(&self) -> bool {
        self.passed() == self.checked()
    }

    /// The line a run ends with: `round trip: N of M pages`, M counting the pages checked.
    pub fn closing_line(&self) -> String {
        format!("round trip: {} of {} pages", self.passed(), self.checked())
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
                "{without_event} page(s) documenting no event, not checked"
            )?;
        }
        writeln!(f, "{}", self.closing_line())
    }
}

/// Why the round trip could not run at all.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Reading the pages or writing the crate.
    #[error("{0}")]
    Pipeline(#[from] pipeline::Error),
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: io::Error },
    /// The generated crate does not build, or its round-trip program fails.
    #[error("the crate generated in {} does not build or run:\n{stderr}", out.display())]
    Build { out: PathBuf, stderr: String },
}

fn io_error(path: &Path) -> impl FnOnce(io::Error) -> Error + '_ {
    move |source| Error::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Generates the crate, builds it and round-trips every page's example.
pub fn run(setup: &Setup) -> Result<Report, Error> {
    let target = Target::standalone(&setup.out, &setup.runtime_dir);
    let output = pipeline::compute(&setup.docs_dir, &target, setup.variant_names.clone())?;
    pipeline::write(&output, &target)?;
    let mut report = Report {
        pages: BTreeMap::new(),
        warnings: output.warnings,
    };
    let mut examples = Vec::new();
    for path in folder::pages(&setup.docs_dir).map_err(pipeline::Error::from)? {
        let page = path
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        match example_of(&path) {
            Ok(example) => examples.push((page, example)),
            Err(outcome) => {
                report.pages.insert(page, outcome);
            }
        }
    }
    if examples.is_empty() {
        return Ok(report);
    }
    let decoded = decode_all(setup, examples.iter().map(|(_, example)| example))?;
    for ((page, example), decoded) in examples.iter().zip(decoded) {
        report.pages.insert(page.clone(), example.outcome(decoded));
    }
    Ok(report)
}

/// A page's example, to check against the page's event type.
struct Example {
    event_type: String,
    value: Value,
    /// The compact JSON text sent to the crate, and where each value of it lies.
    body: Compact,
}

/// The example of an event page, or why there is nothing to check.
fn example_of(path: &Path) -> Result<Example, Outcome> {
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
        .and_then(|event| event.event_type)
        .map(|event_type| event_type.trim().to_owned())
        .filter(|event_type| !event_type.is_empty())
        .ok_or(Outcome::NoEvent)?;
    let value = contract
        .examples
        .into_iter()
        .next()
        .filter(Value::is_object)
        .ok_or(Outcome::NoExample)?;
    Ok(Example {
        event_type,
        body: Compact::of(&value),
        value,
    })
}

/// What the round-trip program says of one example (one JSON line of its output).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Decoded {
    /// Decoded into the variant of `event_type`; `json` is the variant re-encoded.
    Typed { event_type: String, json: Value },
    /// Decoded as `AnyEvent::Unknown`: the crate has no type for `event_type`.
    Unknown { event_type: String },
    /// The body is not JSON of its event type's shape; serde's message and position.
    Invalid {
        message: String,
        line: usize,
        column: usize,
    },
    /// The typed value does not encode.
    NotEncoded { message: String },
    /// The body is not an event envelope.
    NotAnEvent { message: String },
}

impl Example {
    fn outcome(&self, decoded: Decoded) -> Outcome {
        let why = match decoded {
            Decoded::Typed { event_type, json } if event_type == self.event_type => {
                match first_difference(&self.value, &json) {
                    None => return Outcome::Passed,
                    Some(difference) => format!("re-encoded differently: {difference}"),
                }
            }
            Decoded::Typed { event_type, .. } | Decoded::Unknown { event_type }
                if event_type != self.event_type =>
            {
                format!(
                    "the example is of event type `{event_type}`, the page documents `{}`",
                    self.event_type
                )
            }
            Decoded::Typed { .. } | Decoded::Unknown { .. } => format!(
                "decoded as AnyEvent::Unknown: the crate has no type for `{}` (see the warnings)",
                self.event_type
            ),
            Decoded::Invalid {
                message,
                line,
                column,
            } => {
                let message = message
                    .strip_suffix(&format!(" at line {line} column {column}"))
                    .unwrap_or(&message);
                format!("{}: decode: {message}", self.body.path_at(column))
            }
            Decoded::NotEncoded { message } => format!("encode: {message}"),
            Decoded::NotAnEvent { message } => format!("not an event: {message}"),
        };
        Outcome::Failed(why)
    }
}

/// Writes the examples and the program into the crate, builds and runs it, and reads what it says
/// of each example, in order.
fn decode_all<'a>(
    setup: &Setup,
    examples: impl Iterator<Item = &'a Example>,
) -> Result<Vec<Decoded>, Error> {
    let out = &setup.out;
    let dir = out.join("examples");
    fs::create_dir_all(&dir).map_err(io_error(&dir))?;
    let lines: String = examples
        .map(|example| example.body.text.clone() + "\n")
        .collect();
    let data = dir.join("roundtrip.jsonl");
    fs::write(&data, lines).map_err(io_error(&data))?;
    let program = dir.join("roundtrip.rs");
    let crate_name = pipeline::crate_name_for(out).replace('-', "_");
    fs::write(&program, PROGRAM.replace("CRATE", &crate_name)).map_err(io_error(&program))?;
    if let Some(lockfile) = &setup.lockfile {
        let copy = out.join("Cargo.lock");
        fs::copy(lockfile, &copy).map_err(io_error(&copy))?;
    }
    let target_dir = std::path::absolute(&setup.target_dir).map_err(io_error(&setup.target_dir))?;
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .args([
            "run",
            "--quiet",
            "--features",
            "full",
            "--example",
            "roundtrip",
            "--",
        ])
        .arg("examples/roundtrip.jsonl")
        .current_dir(out)
        .env("CARGO_TARGET_DIR", target_dir)
        .output()
        .map_err(io_error(out))?;
    let build_error = |stderr: String| Error::Build {
        out: out.clone(),
        stderr,
    };
    if !output.status.success() {
        return Err(build_error(
            String::from_utf8_lossy(&output.stderr).into_owned(),
        ));
    }
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| {
            serde_json::from_str(line)
                .map_err(|err| build_error(format!("unexpected output {line:?}: {err}")))
        })
        .collect()
}

/// `examples/roundtrip.rs` of the generated crate, `CRATE` standing for the crate's name.
const PROGRAM: &str = r#"//! Written by `cargo xtask roundtrip`: decodes each line of the file it is given (one example
//! body) through `AnyEvent`, and prints one JSON line per example saying what came of it.

use CRATE::any_event::{event_type_of, AnyEventError};
use CRATE::AnyEvent;
use serde_json::{json, Value};

fn main() {
    let path = std::env::args().nth(1).expect("the examples file");
    let examples = std::fs::read_to_string(path).expect("a readable examples file");
    for body in examples.lines() {
        println!("{}", decoded(body.as_bytes()));
    }
}

fn decoded(body: &[u8]) -> Value {
    let event_type = event_type_of(body).unwrap_or_default();
    match AnyEvent::from_slice(body) {
        Ok(AnyEvent::Unknown(_)) => json!({"unknown": {"event_type": event_type}}),
        Ok(event) => match serde_json::to_value(&event) {
            Ok(json) => json!({"typed": {"event_type": event_type, "json": json}}),
            Err(err) => json!({"not_encoded": {"message": err.to_string()}}),
        },
        Err(AnyEventError::Decode { source, .. }) => json!({"invalid": {
            "message": source.to_string(),
            "line": source.line(),
            "column": source.column(),
        }}),
        Err(err) => json!({"not_an_event": {"message": err.to_string()}}),
    }
}
"#;

/// A JSON value as compact text, with the byte range and JSON path of every value in it, so that a
/// decoding error's position can be told as a path.
struct Compact {
    text: String,
    /// `(start, end, path)`: the bytes `start..end` of `text` are the value at `path`.
    spans: Vec<(usize, usize, String)>,
}

impl Compact {
    fn of(value: &Value) -> Compact {
        let mut compact = Compact {
            text: String::new(),
            spans: Vec::new(),
        };
        compact.push(value, "$".to_owned());
        compact
    }

    fn push(&mut self, value: &Value, path: String) {
        let start = self.text.len();
        match value {
            Value::Object(map) => {
                self.text.push('{');
                for (index, (key, item)) in map.iter().enumerate() {
                    if index > 0 {
                        self.text.push(',');
                    }
                    self.text.push_str(&Value::from(key.as_str()).to_string());
                    self.text.push(':');
                    self.push(item, format!("{path}.{key}"));
                }
                self.text.push('}');
            }
            Value::Array(items) => {
                self.text.push('[');
                for (index, item) in items.iter().enumerate() {
                    if index > 0 {
                        self.text.push(',');
                    }
                    self.push(item, format!("{path}[{index}]"));
                }
                self.text.push(']');
            }
            scalar => self.text.push_str(&scalar.to_string()),
        }
        self.spans.push((start, self.text.len(), path));
    }

    /// The path of the value a serde_json error at `column` (of the only line) is about. serde_json
    /// reports the byte just after a value it read and then refused (a scalar of the wrong type,
    /// a number out of range), or the first byte of a value it refused on sight (a container).
    fn path_at(&self, column: usize) -> &str {
        let just_read = self.spans.iter().find(|(_, end, _)| *end == column);
        let around = || {
            self.spans
                .iter()
                .filter(|(start, end, _)| (*start..*end).contains(&column))
                .min_by_key(|(start, end, _)| end - start)
        };
        just_read
            .or_else(around)
            .map_or("$", |(_, _, path)| path.as_str())
    }
}

/// `None` when the values are equal; otherwise where and how they first differ, as a JSON path
/// (`$.event.scopes[0].level: expected 1, got 2`).
pub fn first_difference(expected: &Value, actual: &Value) -> Option<String> {
    difference_at("$", expected, actual)
}

fn difference_at(path: &str, expected: &Value, actual: &Value) -> Option<String> {
    match (expected, actual) {
        (Value::Object(left), Value::Object(right)) => {
            for (key, value) in left {
                let child = format!("{path}.{key}");
                match right.get(key) {
                    Some(other) => {
                        if let Some(found) = difference_at(&child, value, other) {
                            return Some(found);
                        }
                    }
                    None => return Some(format!("{child}: missing (expected {value})")),
                }
            }
            right
                .keys()
                .find(|key| !left.contains_key(*key))
                .map(|key| format!("{path}.{key}: unexpected (got {})", right[key]))
        }
        (Value::Array(left), Value::Array(right)) => {
            for (index, (value, other)) in left.iter().zip(right).enumerate() {
                if let Some(found) = difference_at(&format!("{path}[{index}]"), value, other) {
                    return Some(found);
                }
            }
            (left.len() != right.len())
                .then(|| format!("{path}: {} items expected, got {}", left.len(), right.len()))
        }
        _ if expected == actual => None,
        _ => Some(format!("{path}: expected {expected}, got {actual}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn differences_by_key_path() {
        let a = json!({"event": {"scopes": [{"level": 1}], "x": "1"}});
        assert_eq!(first_difference(&a, &a), None);
        let b = json!({"event": {"scopes": [{"level": 2}], "x": "1"}});
        assert_eq!(
            first_difference(&a, &b).unwrap(),
            "$.event.scopes[0].level: expected 1, got 2"
        );
        let c = json!({"event": {"scopes": [{"level": 1}], "x": 1}});
        assert_eq!(
            first_difference(&a, &c).unwrap(),
            "$.event.x: expected \"1\", got 1"
        );
        let d = json!({"event": {"scopes": [{"level": 1}]}});
        assert_eq!(
            first_difference(&a, &d).unwrap(),
            "$.event.x: missing (expected \"1\")"
        );
        assert_eq!(
            first_difference(&d, &a).unwrap(),
            "$.event.x: unexpected (got \"1\")"
        );
        let e = json!({"event": {"scopes": [], "x": "1"}});
        assert_eq!(
            first_difference(&a, &e).unwrap(),
            "$.event.scopes: 1 items expected, got 0"
        );
    }

    #[test]
    fn error_positions_as_paths() {
        let path_of_error = |value: Value| {
            let compact = Compact::of(&value);
            let error = serde_json::from_str::<BTreeMap<String, Vec<Option<u8>>>>(&compact.text)
                .unwrap_err();
            compact.path_at(error.column()).to_owned()
        };
        // A container where another type is expected: refused on its first byte.
        assert_eq!(path_of_error(json!({"a": [], "s": {"x": 1}})), "$.s");
        // A scalar of the wrong type or out of range: read, then refused.
        assert_eq!(path_of_error(json!({"a": [null, "x"]})), "$.a[1]");
        assert_eq!(path_of_error(json!({"a": [1, null, 300]})), "$.a[2]");
        // Keys are escaped as JSON strings, and the text is what serde_json writes.
        let value = json!({"k\"ey": [1, "two", {"x": null}]});
        assert_eq!(Compact::of(&value).text, value.to_string());
    }
}
