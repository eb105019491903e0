//! A stored page: the portal's content under a front matter of `title`, `fullPath` and `updateTime`,
//! in the form the pages of `schema/docs/` have:
//!
//! ```text
//! ---
//! title: "新增门禁访问记录"
//! fullPath: "/uAjLw4CM/ukTMukTMukTM/acs-v1/access_record/events/created"
//! updateTime: "1671441948000"
//! ---
//!
//! <the content, as the portal serves it>
//! ```

use std::io::Write as _;
use std::path::{Path, PathBuf};

use lark_schema::docs::{self, Rendering};

/// The front matter of a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrontMatter {
    pub title: String,
    pub full_path: String,
    pub update_time: String,
}

/// Splits a stored page into its front matter and the content below it; `None` when the page has no
/// front matter or no `fullPath` in it.
pub fn split(text: &str) -> Option<(FrontMatter, &str)> {
    let rest = text.strip_prefix("---\n")?;
    let end = rest.find("\n---\n")?;
    let content = &rest[end + "\n---\n".len()..];
    let mut front = FrontMatter {
        title: String::new(),
        full_path: String::new(),
        update_time: String::new(),
    };
    for line in rest[..end].lines() {
        let Some((key, value)) = line.split_once(": ") else {
            continue;
        };
        let value = value
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .unwrap_or(value)
            .replace("\\\"", "\"");
        match key {
            "title" => front.title = value,
            "fullPath" => front.full_path = value,
            "updateTime" => front.update_time = value,
            _ => {}
        }
    }
    if front.full_path.is_empty() {
        return None;
    }
    Some((front, content.strip_prefix('\n').unwrap_or(content)))
}

/// The stored form of a page: `split` of it gives back `front` and `content`.
pub fn render(front: &FrontMatter, content: &str) -> String {
    format!(
        "---\ntitle: \"{}\"\nfullPath: \"{}\"\nupdateTime: \"{}\"\n---\n\n{content}",
        front.title.replace('"', "\\\""),
        front.full_path,
        front.update_time,
    )
}

/// The title of a page that is not in the portal's directory: its first heading.
pub fn heading(content: &str) -> String {
    content
        .lines()
        .find_map(|line| line.strip_prefix("# "))
        .unwrap_or_default()
        .trim()
        .to_string()
}

/// The parser's settings as `codegen` has them: an example that is not JSON is no reason to refuse a
/// page.
fn options() -> docs::Options {
    docs::Options {
        invalid_example: docs::InvalidExample::Warn,
    }
}

/// Whether the portal's content of a page documents an event or a server API (and not, say, a guide).
pub fn is_event_or_api(full_path: &str, content: &str) -> bool {
    docs::parse_str(full_path, content, options())
        .is_ok_and(|parsed| parsed.page.event.is_some() || parsed.page.api.is_some())
}

/// A page of the docs folder that came from the portal, in the doc-source rendering.
#[derive(Debug)]
pub struct Local {
    pub path: PathBuf,
    pub front: FrontMatter,
    /// The whole file, front matter included.
    pub text: String,
}

/// What a look at the docs folder found.
#[derive(Debug, Default)]
pub struct Scan {
    /// The pages the portal can refresh.
    pub pages: Vec<Local>,
    /// Pages with a `fullPath` not in the doc-source rendering (a converted one, or one the parser
    /// cannot read): the portal serves the doc source only, so they are left as they are.
    pub other_renderings: Vec<String>,
    /// Every file name in the folder, so that a new page never takes one.
    pub file_names: Vec<String>,
}

/// Reads the docs folder.
pub fn scan(dir: &Path) -> std::io::Result<Scan> {
    let mut scan = Scan::default();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        scan.file_names.push(name.to_string());
        if !path.is_file() {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue; // not a text page
        };
        let Some((front, _)) = split(&text) else {
            continue;
        };
        let rendering = docs::parse_str(name, &text, options()).map(|parsed| parsed.page.rendering);
        if !matches!(rendering, Ok(Rendering::Source)) {
            scan.other_renderings.push(name.to_string());
            continue;
        }
        scan.pages.push(Local { path, front, text });
    }
    scan.pages.sort_by(|a, b| a.path.cmp(&b.path));
    scan.other_renderings.sort();
    Ok(scan)
}

/// Replaces (or creates) `path` with `text` in one step: a temporary file in the same folder, synced,
/// then renamed over it, so a reader never sees half a page.
pub fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut file = tempfile::Builder::new()
        .prefix(".fetch-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    file.write_all(text.as_bytes())?;
    file.as_file().sync_all()?;
    file.persist(path).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn render_gives_back_what_split_read() {
        let text = "---\ntitle: \"a \\\"quoted\\\" title\"\nfullPath: \"/a/b\"\nupdateTime: \"1\"\n---\n\n# a\n";
        let (front, content) = split(text).unwrap();
        assert_eq!(front.title, "a \"quoted\" title");
        assert_eq!(content, "# a\n");
        assert_eq!(render(&front, content), text);
    }

    #[test]
    fn a_page_without_full_path_is_not_from_the_portal() {
        assert!(split("---\ntitle: \"x\"\n---\n\n# x\n").is_none());
        assert!(split("# x\n").is_none());
    }
}
