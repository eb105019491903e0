//! `cargo xtask diff OLD NEW`: reads two versions of a page, each a documentation page in any rendering
//! or a `*.json` schema, and prints their changes.

use std::io;
use std::path::Path;
use std::process::ExitCode;

use serde_json::Value;

use crate::docs::{self, DocError, InvalidExample, Options, Warning};
use crate::writer;

use super::{diff_schemas, exit_code, render};

/// What `diff --help` shows after the options: the exit status and how each kind of change is
/// classified.
pub fn help() -> String {
    format!("{EXIT_CODES}\n\n{}", super::render::classification())
}

/// The exit status, for `--help`.
const EXIT_CODES: &str = "\
Exit status:
  0  no change
  1  error (a page cannot be read or parsed)
  2  usage error (bad arguments)
  3  compatible changes only: a minor release of lark-events
  4  at least one breaking change: a major release of lark-events

Pages are compared through their JSON Schemas, so two renderings of one page differ only where the
page does. A file whose name ends in .json is read as a schema (e.g. schema/json/*.schema.json).
An API page is compared on its method and path, its request body (fields under `request.`) and its
response body; a field that becomes required is breaking in a request, compatible in a response.";

/// Why a version cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("{0}")]
    Doc(#[from] DocError),
    #[error("{path}: error: cannot read the file: {source}")]
    Io { path: String, source: io::Error },
    #[error("{path}:{}:{}: error: not a JSON schema: {source}", source.line(), source.column())]
    Json {
        path: String,
        source: serde_json::Error,
    },
}

/// A schema and the warnings the parser had on the way.
#[derive(Debug)]
pub struct Loaded {
    pub schema: Value,
    pub warnings: Vec<Warning>,
}

/// The schema of one version: parsed from the page, or read when the file is a `*.json` schema.
/// An example body that is not valid JSON is only a warning here: examples are not compared.
pub fn load(path: &Path) -> Result<Loaded, LoadError> {
    let shown = path.display().to_string();
    if path.extension().is_some_and(|e| e == "json") {
        let text = std::fs::read_to_string(path).map_err(|source| LoadError::Io {
            path: shown.clone(),
            source,
        })?;
        let schema = serde_json::from_str(&text).map_err(|source| LoadError::Json {
            path: shown,
            source,
        })?;
        return Ok(Loaded {
            schema,
            warnings: Vec::new(),
        });
    }
    let options = Options {
        invalid_example: InvalidExample::Warn,
    };
    let parsed = docs::parse_file_with(path, options)?;
    let (schema, more) = writer::page_schema_with_warnings(&parsed.page);
    let mut warnings = parsed.warnings;
    warnings.extend(more.into_iter().map(|w| Warning {
        file: shown.clone(),
        ..w
    }));
    Ok(Loaded { schema, warnings })
}

/// Runs the command: warnings on stderr, the change list on stdout, the status of [`EXIT_CODES`].
pub fn run(old: &Path, new: &Path) -> ExitCode {
    let (old_schema, new_schema) = match (load(old), load(new)) {
        (Ok(a), Ok(b)) => (a, b),
        (a, b) => {
            for error in [a.err(), b.err()].into_iter().flatten() {
                eprintln!("{error}");
            }
            return ExitCode::from(1);
        }
    };
    for warning in old_schema.warnings.iter().chain(&new_schema.warnings) {
        eprintln!("{warning}");
    }
    let changes = diff_schemas(&old_schema.schema, &new_schema.schema);
    let names = (old.display().to_string(), new.display().to_string());
    print!("{}", render(&names.0, &names.1, &changes));
    ExitCode::from(exit_code(&changes))
}
