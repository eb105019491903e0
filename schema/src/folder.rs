//! A folder of documentation pages: which files are pages, and the schema file each one gets.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// Why a folder of pages cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum FolderError {
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: io::Error },
    #[error("{}: no documentation pages found", .0.display())]
    NoPages(PathBuf),
}

fn io_error(path: &Path) -> impl FnOnce(io::Error) -> FolderError + '_ {
    move |source| FolderError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// The pages of a docs folder, sorted by file name (hidden files skipped).
pub fn pages(docs_dir: &Path) -> Result<Vec<PathBuf>, FolderError> {
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
        return Err(FolderError::NoPages(docs_dir.to_path_buf()));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_names() {
        assert_eq!(
            schema_file_name(Path::new("docs/003_x.txt")),
            "003_x.schema.json"
        );
    }
}
