//! `cargo xtask codegen`: every page of a docs folder → `schema/json/*.schema.json` → Rust files, computed
//! in memory, then written (only what changed, each via a temp file and a rename) or checked.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use lark_schema::docs::{self, InvalidExample, Options};
use lark_schema::folder::{self, FolderError};
use lark_schema::writer;

use crate::{Config, Layout, SchemaFile};

/// Why `codegen` failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    Codegen(#[from] crate::Error),
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: io::Error },
    #[error("{0}")]
    Folder(#[from] FolderError),
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
    /// Root of the events crate.
    pub crate_dir: PathBuf,
    pub layout: Layout,
    /// Root of the API crate, written when the pages document server APIs.
    pub api_crate_dir: PathBuf,
    pub api_layout: Layout,
    /// The names already given (read, then rewritten): `schema/names.lock.json` for the events
    /// crate, `schema/api-names.lock.json` for the API crate.
    pub names_lock: PathBuf,
    pub api_names_lock: PathBuf,
}

impl Target {
    /// The layout inside this repository: `schema/json/`, `generated/events/` and `generated/api/`.
    pub fn in_repo(root: &Path) -> Target {
        Target {
            schema_dir: root.join("schema/json"),
            crate_dir: root.join("generated/events"),
            layout: Layout::InRepo,
            api_crate_dir: root.join("generated/api"),
            api_layout: Layout::InRepo,
            names_lock: root.join("schema/names.lock.json"),
            api_names_lock: root.join("schema/api-names.lock.json"),
        }
    }

    /// A standalone events crate in `out` and an API crate in `out/api`, their schemas in
    /// `out/schema/`, depending on the runtime crate in `runtime_dir` (by a relative path when one
    /// exists).
    pub fn standalone(out: &Path, runtime_dir: &Path) -> Target {
        let api_dir = out.join("api");
        let crate_name = crate_name_for(out);
        Target {
            schema_dir: out.join("schema"),
            crate_dir: out.to_path_buf(),
            layout: Layout::Standalone {
                crate_name: crate_name.clone(),
                runtime_path: relative_path(out, runtime_dir).display().to_string(),
            },
            api_layout: Layout::Standalone {
                crate_name: format!("{crate_name}-api"),
                runtime_path: relative_path(&api_dir, runtime_dir).display().to_string(),
            },
            api_crate_dir: api_dir,
            names_lock: out.join("names.lock.json"),
            api_names_lock: out.join("api-names.lock.json"),
        }
    }

    /// Folders whose files not produced any more are stale: the schemas, and the crates' `src/`
    /// (every file of them is generated).
    fn owned_dirs(&self) -> Vec<PathBuf> {
        vec![
            self.schema_dir.clone(),
            self.crate_dir.join("src"),
            self.api_crate_dir.join("src"),
        ]
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

/// `to` as seen from the folder `from` (`../../runtime`), both made absolute first; `to` as it is
/// when the two share no root.
fn relative_path(from: &Path, to: &Path) -> PathBuf {
    let absolute = |path: &Path| {
        std::path::absolute(path)
            .map(|p| p.components().collect::<PathBuf>())
            .unwrap_or_else(|_| path.to_path_buf())
    };
    let (from, to) = (absolute(from), absolute(to));
    let common = from
        .components()
        .zip(to.components())
        .take_while(|(a, b)| a == b)
        .count();
    if common == 0 {
        return to;
    }
    let mut path: PathBuf = from.components().skip(common).map(|_| "..").collect();
    path.extend(to.components().skip(common));
    path
}

/// Everything `codegen` writes, by absolute path, and the warnings met on the way (each naming its
/// page and line): the parser's, the pages it could not read, and codegen's repairs.
#[derive(Debug, Default)]
pub struct Output {
    pub files: BTreeMap<PathBuf, String>,
    pub warnings: Vec<String>,
    /// The APIs of the API crate (none when the pages document none).
    pub apis: Vec<crate::ApiEntry>,
}

/// How every command reads a page: an example that is not valid JSON is a warning (the example only
/// feeds the tests), not a reason to leave the page out.
pub fn options() -> Options {
    Options {
        invalid_example: InvalidExample::Warn,
    }
}

/// Computes every output file in memory. A page the parser cannot read is left out with a warning.
pub fn compute(
    docs_dir: &Path,
    target: &Target,
    variant_names: Option<String>,
) -> Result<Output, Error> {
    let mut output = Output::default();
    let mut schemas = Vec::new();
    for page in folder::pages(docs_dir)? {
        let parsed = match docs::parse_file_with(&page, options()) {
            Ok(parsed) => parsed,
            Err(err) => {
                output.warnings.push(format!("{err} (page left out)"));
                continue;
            }
        };
        let (value, warnings) = writer::page_schema_with_warnings(&parsed.page);
        output
            .warnings
            .extend(parsed.warnings.iter().map(ToString::to_string));
        output.warnings.extend(warnings.into_iter().map(|mut w| {
            w.file = page.display().to_string();
            w.to_string()
        }));
        let file_name = folder::schema_file_name(&page);
        output.files.insert(
            target.schema_dir.join(&file_name),
            writer::to_pretty(&value),
        );
        schemas.push(SchemaFile {
            file_name,
            schema: value,
        });
    }
    let config = Config {
        layout: target.layout.clone(),
        variant_names,
        names_lock: read_if_present(&target.names_lock)?,
    };
    let generated = crate::generate(&schemas, &config)?;
    output.warnings.extend(generated.warnings);
    output
        .files
        .insert(target.names_lock.clone(), generated.names_lock);
    for file in generated.files {
        output
            .files
            .insert(target.crate_dir.join(&file.path), file.contents);
    }
    let api_config = Config {
        layout: target.api_layout.clone(),
        names_lock: read_if_present(&target.api_names_lock)?,
        ..config
    };
    let api = crate::generate_api(&schemas, &api_config)?;
    output.warnings.extend(api.warnings);
    output.apis = api.apis;
    if !output.apis.is_empty() {
        output
            .files
            .insert(target.api_names_lock.clone(), api.names_lock);
        for file in api.files {
            output
                .files
                .insert(target.api_crate_dir.join(&file.path), file.contents);
        }
    }
    Ok(output)
}

/// The text of `path`, `None` when there is no such file.
fn read_if_present(path: &Path) -> Result<Option<String>, Error> {
    match fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(io_error(path)(e)),
    }
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
    for dir in target.owned_dirs() {
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
    fn relative_paths() {
        assert_eq!(
            relative_path(Path::new("/w/target/out"), Path::new("/w/runtime")),
            Path::new("../../runtime")
        );
        assert_eq!(
            relative_path(Path::new("/w/generated/api"), Path::new("/w/runtime")),
            Path::new("../../runtime")
        );
    }

    #[test]
    fn crate_names() {
        assert_eq!(crate_name_for(Path::new("crates/My Events")), "my-events");
        assert_eq!(crate_name_for(Path::new("out/lark_sdk")), "lark-sdk");
        assert_eq!(crate_name_for(Path::new("2024")), "lark-events-2024");
    }
}
