//! `cargo xtask timing DIR…`: how long the schemas of every page take (use a release build).

use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::docs::{self, InvalidExample, Options};
use crate::folder::{self, schema_file_name, FolderError};
use crate::writer;

/// The result of a timing run.
#[derive(Debug, Clone, Copy)]
pub struct Timing {
    pub pages: usize,
    pub schemas: usize,
    /// Mean time of one round: every page parsed and its schema written to text.
    pub per_round: Duration,
}

/// Reads every page once, then times parse + schema over all of them, `rounds` times.
pub fn run(dirs: &[PathBuf], rounds: u32) -> Result<Timing, FolderError> {
    let mut texts = Vec::new();
    for dir in dirs {
        for page in folder::pages(dir)? {
            let bytes = std::fs::read(&page).map_err(|source| FolderError::Io {
                path: page.clone(),
                source,
            })?;
            texts.push((schema_file_name(&page), bytes));
        }
    }
    let options = Options {
        invalid_example: InvalidExample::Warn,
    };
    let rounds = rounds.max(1);
    let mut schemas = 0;
    let start = Instant::now();
    for _ in 0..rounds {
        schemas = 0;
        for (name, bytes) in &texts {
            if let Ok(parsed) = docs::parse_bytes(name, bytes, options) {
                std::hint::black_box(writer::to_pretty(&writer::page_schema(&parsed.page)));
                schemas += 1;
            }
        }
    }
    Ok(Timing {
        pages: texts.len(),
        schemas,
        per_round: start.elapsed() / rounds,
    })
}
