//! `cargo xtask codegen`: every page of a docs folder → `schema/json/*.schema.json` → Rust files, computed
//! in memory, then written (only what changed, each via a temp file and a rename) or checked.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use lark_codegen::{Config, Layout, SchemaFile};

use crate::docs::{self, DocError, Options, Warning};
use crate::schema;

/// Why `codegen` failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    Doc(#[from] DocError),
    #[error("{0}")]
    Codegen(#[from] lark_codegen::Error),
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: io::Error },
    #[error("{}: no documentation pages found", .0.display())]
    NoPages(PathBuf),
}

fn io_error(path: &Path) -> impl FnOnce(io::Error) -> Error + '_ {
    move |source| Error::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Where the outputs go, relative to one root folder.
#[derive(Debug, Clone)]
pub struct Target {
    /// Folder that receives the `*.schema.json` files.
    pub schema_dir: PathBuf,
    /// Root of the crate the generated paths are relative to.
    pub crate_dir: PathBuf,
    pub layout: Layout,
}

impl Target {
    /// The layout inside this repository: `schema/json/` and `generated/`.
    pub fn in_repo(root: &Path) -> Target {
        Target {
            schema_dir: root.join("schema/json"),
            crate_dir: root.join("generated"),
            layout: Layout::InRepo,
        }
    }

    /// A standalone crate in `out`, its schemas in `out/schema/`.
    pub fn standalone(out: &Path) -> Target {
        Target {
            schema_dir: out.join("schema"),
            crate_dir: out.to_path_buf(),
            layout: Layout::Standalone {
                crate_name: crate_name_for(out),
            },
        }
    }

    /// Folders whose files not produced any more are stale. The services folder counts only once the
    /// generator writes into it, so a generator that produces nothing yet never empties it.
    fn owned_dirs(&self, output: &Output) -> Vec<PathBuf> {
        let services = self.crate_dir.join("src/services");
        let mut dirs = vec![self.schema_dir.clone()];
        if output.files.keys().any(|p| p.starts_with(&services)) {
            dirs.push(services);
        }
        dirs
    }
}

/// A package name from the folder's last component (`out/My Events` → `my-events`).
pub fn crate_name_for(out: &Path) -> String {
    let base = out
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let mut name: String = base
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    name = name.trim_matches('-').to_string();
    while name.contains("--") {
        name = name.replace("--", "-");
    }
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        name = format!("lark-events-{name}")
            .trim_end_matches('-')
            .to_string();
    }
    name
}

/// Everything `codegen` writes, by absolute path, and the warnings met on the way.
#[derive(Debug, Default)]
pub struct Output {
    pub files: BTreeMap<PathBuf, String>,
    pub warnings: Vec<Warning>,
}

/// The pages of a docs folder, sorted by file name (hidden files skipped).
pub fn pages(docs_dir: &Path) -> Result<Vec<PathBuf>, Error> {
    let mut pages = Vec::new();
    for entry in fs::read_dir(docs_dir).map_err(io_error(docs_dir))? {
        let path = entry.map_err(io_error(docs_dir))?.path();
        let hidden = path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with('.'));
        if path.is_file() && !hidden {
            pages.push(path);
        }
    }
    pages.sort();
    if pages.is_empty() {
        return Err(Error::NoPages(docs_dir.to_path_buf()));
    }
    Ok(pages)
}

/// The schema file name of a page: `003_x.txt` → `003_x.schema.json`.
pub fn schema_file_name(page: &Path) -> String {
    let stem = page
        .file_stem()
        .map_or_else(String::new, |s| s.to_string_lossy().into_owned());
    format!("{stem}.schema.json")
}

/// Computes every output file in memory.
pub fn compute(
    docs_dir: &Path,
    target: &Target,
    variant_names: Option<String>,
) -> Result<Output, Error> {
    let mut output = Output::default();
    let mut schemas = Vec::new();
    for page in pages(docs_dir)? {
        let parsed = docs::parse_file_with(&page, Options::default())?;
        let (value, warnings) = schema::page_schema_with_warnings(&parsed.page);
        output.warnings.extend(parsed.warnings);
        output.warnings.extend(warnings.into_iter().map(|mut w| {
            w.file = page.display().to_string();
            w
        }));
        let file_name = schema_file_name(&page);
        output.files.insert(
            target.schema_dir.join(&file_name),
            schema::to_pretty(&value),
        );
        schemas.push(SchemaFile {
            file_name,
            schema: value,
        });
    }
    let config = Config {
        layout: target.layout.clone(),
        variant_names,
    };
    for file in lark_codegen::generate(&schemas, &config)? {
        output
            .files
            .insert(target.crate_dir.join(&file.path), file.contents);
    }
    Ok(output)
}

/// How a file on disk differs from the computed output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Drift {
    Stale(PathBuf),
    Missing(PathBuf),
    Extra(PathBuf),
}

/// Compares the output with the disk.
pub fn drift(output: &Output, target: &Target) -> Result<Vec<Drift>, Error> {
    let mut drift = Vec::new();
    for (path, contents) in &output.files {
        match fs::read(path) {
            Ok(bytes) if bytes == contents.as_bytes() => {}
            Ok(_) => drift.push(Drift::Stale(path.clone())),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                drift.push(Drift::Missing(path.clone()))
            }
            Err(e) => return Err(io_error(path)(e)),
        }
    }
    for path in extra_files(output, target)? {
        drift.push(Drift::Extra(path));
    }
    Ok(drift)
}

/// Files in the owned folders that the output does not produce.
fn extra_files(output: &Output, target: &Target) -> Result<Vec<PathBuf>, Error> {
    let mut extra = Vec::new();
    for dir in target.owned_dirs(output) {
        let mut stack = vec![dir];
        while let Some(dir) = stack.pop() {
            let entries = match fs::read_dir(&dir) {
                Ok(entries) => entries,
                Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
                Err(e) => return Err(io_error(&dir)(e)),
            };
            for entry in entries {
                let path = entry.map_err(io_error(&dir))?.path();
                if path.is_dir() {
                    stack.push(path);
                } else if !output.files.contains_key(&path) {
                    extra.push(path);
                }
            }
        }
    }
    extra.sort();
    Ok(extra)
}

/// Writes the files that changed (temp file + rename) and deletes extra ones. Returns what it changed.
pub fn write(output: &Output, target: &Target) -> Result<Vec<Drift>, Error> {
    let changes = drift(output, target)?;
    for change in &changes {
        match change {
            Drift::Stale(path) | Drift::Missing(path) => write_atomic(path, &output.files[path])?,
            Drift::Extra(path) => fs::remove_file(path).map_err(io_error(path))?,
        }
    }
    Ok(changes)
}

fn write_atomic(path: &Path, contents: &str) -> Result<(), Error> {
    let dir = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir).map_err(io_error(dir))?;
    let name = path
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let temp = dir.join(format!(".{name}.tmp{}", std::process::id()));
    fs::write(&temp, contents).map_err(io_error(&temp))?;
    fs::rename(&temp, path).map_err(|e| {
        let _ = fs::remove_file(&temp);
        io_error(path)(e)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crate_names() {
        assert_eq!(crate_name_for(Path::new("crates/My Events")), "my-events");
        assert_eq!(crate_name_for(Path::new("out/lark_sdk")), "lark-sdk");
        assert_eq!(crate_name_for(Path::new("2024")), "lark-events-2024");
    }

    #[test]
    fn schema_names() {
        assert_eq!(
            schema_file_name(Path::new("docs/003_x.txt")),
            "003_x.schema.json"
        );
    }
}
