//! Refreshes the documentation pages of a docs folder (`schema/docs/`) from the Feishu / Lark doc
//! portal, and adds new ones.
//!
//! Every page that came from the portal names its address in its front matter (`fullPath`). A run
//! asks the portal for each page (`get_detail`), a few at a time, and rewrites a page only when the
//! portal's version differs (its `updateTime` or its content), atomically. A page that fails (HTTP
//! error, a `code` other than 0, no answer in time, an answer that is not JSON, an empty page) is
//! reported with its path; the others are still written. [`Config::add`] and [`Config::services`]
//! find new pages in the portal's directory (`directory_list`) and name their files as the pages
//! of `schema/docs/` are named.

mod directory;
mod page;
mod portal;

use std::collections::HashSet;
use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

pub use portal::PortalError;

use page::{FrontMatter, Local};
use portal::{Node, Portal, Settings};

/// The portal of Feishu, which serves Lark's pages too.
pub const DEFAULT_BASE: &str = "https://open.feishu.cn";

/// What a run does.
#[derive(Debug, Clone)]
pub struct Config {
    /// The folder of pages (`schema/docs/`).
    pub docs_dir: PathBuf,
    /// The portal, `https://open.feishu.cn` by default.
    pub base: String,
    /// Write nothing; report the pages that are out of date.
    pub check: bool,
    /// Pages to add (or refresh), by `fullPath` or by their URL on the portal. With `services`,
    /// only these pages are fetched; with neither, every page of `docs_dir` is.
    pub add: Vec<String>,
    /// Services of the portal's directory (`im-v1`, `im`, or its title) whose event and API pages to
    /// add or refresh.
    pub services: Vec<String>,
    /// Requests at once.
    pub concurrency: usize,
    /// The longest a request may take, its answer included.
    pub timeout: Duration,
    /// Attempts per request, the first included.
    pub attempts: u32,
    /// The wait before the second attempt, doubled before each next one.
    pub backoff: Duration,
    /// Show a progress bar (on a terminal).
    pub progress: bool,
}

impl Config {
    pub fn new(docs_dir: impl Into<PathBuf>) -> Config {
        Config {
            docs_dir: docs_dir.into(),
            base: DEFAULT_BASE.to_string(),
            check: false,
            add: Vec::new(),
            services: Vec::new(),
            concurrency: 8,
            timeout: Duration::from_secs(30),
            attempts: 3,
            backoff: Duration::from_millis(500),
            progress: false,
        }
    }
}

/// Why a whole run failed (a page that fails is in [`Report::failed`] instead).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{}: {source}", .dir.display())]
    Docs {
        dir: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot start the HTTP client: {0}")]
    Client(#[from] reqwest::Error),
    #[error("cannot start the async runtime: {0}")]
    Runtime(std::io::Error),
    #[error("the portal's directory: {0}")]
    Directory(PortalError),
    #[error("`{0}` is neither a fullPath (/uAjLw4CM/…) nor a URL of the portal")]
    NotAPage(String),
    #[error("no service `{name}` in the portal's directory; there are: {}", .known.join(", "))]
    NoService { name: String, known: Vec<String> },
}

/// A page written (or, with `check`, out of date).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub file: String,
    pub full_path: String,
    /// The `updateTime` of the page on disk; `None` for a new page.
    pub old_update_time: Option<String>,
    pub update_time: String,
}

/// A page that could not be fetched or written.
#[derive(Debug)]
pub struct Failure {
    pub file: String,
    pub full_path: String,
    pub error: String,
}

/// A page of a service that was not added because it documents neither an event nor an API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub full_path: String,
    pub title: String,
}

/// The outcome of a run.
#[derive(Debug, Default)]
pub struct Report {
    pub check: bool,
    /// Pages written, or with `check` out of date, by file name.
    pub changed: Vec<Change>,
    pub unchanged: usize,
    pub failed: Vec<Failure>,
    pub skipped: Vec<Skipped>,
    /// Pages with a `fullPath` not in the doc-source rendering (a converted one, or one the parser
    /// cannot read), left as they are: the portal serves the doc source only.
    pub other_renderings: usize,
}

impl Report {
    /// The exit status of a run: 2 when a page failed, 1 when `check` found a page out of date, 0
    /// otherwise.
    pub fn exit_code(&self) -> u8 {
        if !self.failed.is_empty() {
            2
        } else if self.check && !self.changed.is_empty() {
            1
        } else {
            0
        }
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = if self.check { "out of date" } else { "changed" };
        writeln!(f, "## Documentation pages\n")?;
        writeln!(f, "{} page(s) {what}:", self.changed.len())?;
        for change in &self.changed {
            let how = match &change.old_update_time {
                None => "new page".to_string(),
                Some(old) if *old == change.update_time => {
                    format!("content changed, updateTime {old}")
                }
                Some(old) => format!("updateTime {old} → {}", change.update_time),
            };
            writeln!(f, "- {} ({}): {how}", change.file, change.full_path)?;
        }
        writeln!(f, "\n{} page(s) up to date.", self.unchanged)?;
        if self.other_renderings > 0 {
            writeln!(
                f,
                "{} page(s) not in the doc-source rendering left as they are (the portal serves the doc source).",
                self.other_renderings
            )?;
        }
        if !self.skipped.is_empty() {
            writeln!(f, "\nNot added, neither an event nor an API page:")?;
            for skipped in &self.skipped {
                writeln!(f, "- {} ({})", skipped.full_path, skipped.title)?;
            }
        }
        if !self.failed.is_empty() {
            writeln!(f, "\n{} page(s) failed:", self.failed.len())?;
            for failure in &self.failed {
                writeln!(
                    f,
                    "- {} ({}): {}",
                    failure.file, failure.full_path, failure.error
                )?;
            }
        }
        Ok(())
    }
}

/// [`fetch`] on a runtime of its own.
pub fn fetch_blocking(config: &Config) -> Result<Report, Error> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(Error::Runtime)?
        .block_on(fetch(config))
}

/// Refreshes the pages of `config.docs_dir`, or adds those of `config.add` and `config.services`.
pub async fn fetch(config: &Config) -> Result<Report, Error> {
    let portal = Portal::new(Settings {
        base: config.base.clone(),
        timeout: config.timeout,
        attempts: config.attempts.max(1),
        backoff: config.backoff,
    })?;
    let scan = page::scan(&config.docs_dir).map_err(|source| Error::Docs {
        dir: config.docs_dir.clone(),
        source,
    })?;
    let mut report = Report {
        check: config.check,
        ..Report::default()
    };
    let jobs = if config.add.is_empty() && config.services.is_empty() {
        report.other_renderings = scan.other_renderings.len();
        scan.pages.into_iter().map(Job::refresh).collect()
    } else {
        let sections = portal.directory().await.map_err(Error::Directory)?;
        plan(config, &scan, &sections)?
    };
    run(Arc::new(portal), jobs, config, &mut report).await;
    report.changed.sort_by(|a, b| a.file.cmp(&b.file));
    report.failed.sort_by(|a, b| a.file.cmp(&b.file));
    Ok(report)
}

/// The `fullPath` of a page given by its `fullPath` or by its URL
/// (`https://open.feishu.cn/document/uAjLw4CM/…?lang=zh-CN`).
pub fn full_path_of(page: &str) -> Result<String, Error> {
    let path = match page.split_once("://") {
        Some((_, rest)) => rest.find('/').map_or("", |slash| &rest[slash..]),
        None => page.trim(),
    };
    let path = path.split(['?', '#']).next().unwrap_or_default();
    let path = path
        .strip_prefix("/document")
        .filter(|rest| rest.starts_with('/'))
        .unwrap_or(path)
        .trim_end_matches('/');
    if !path.starts_with('/') || path.len() < 2 {
        return Err(Error::NotAPage(page.to_string()));
    }
    Ok(path.to_string())
}

/// One page to fetch.
struct Job {
    path: PathBuf,
    full_path: String,
    /// From the page on disk or the directory; `None`: the content's first heading.
    title: Option<String>,
    /// The page on disk, front matter included.
    existing: Option<(String, FrontMatter)>,
    /// Keep the page only if it documents an event or an API (a page of a service).
    events_and_apis_only: bool,
}

impl Job {
    fn refresh(local: Local) -> Job {
        Job {
            path: local.path,
            full_path: local.front.full_path.clone(),
            title: Some(local.front.title.clone()),
            existing: Some((local.text, local.front)),
            events_and_apis_only: false,
        }
    }

    fn file(&self) -> String {
        self.path
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
    }
}

/// The jobs of `--add` and `--service`: a page already on disk is refreshed in place, a new one gets
/// a file name of its own.
fn plan(config: &Config, scan: &page::Scan, sections: &[Node]) -> Result<Vec<Job>, Error> {
    let mut wanted: Vec<(String, bool)> = Vec::new();
    for page in &config.add {
        wanted.push((full_path_of(page)?, false));
    }
    for name in &config.services {
        let pages = directory::service_pages(sections, name).map_err(|known| Error::NoService {
            name: name.clone(),
            known,
        })?;
        wanted.extend(pages.into_iter().map(|p| (p.full_path.clone(), true)));
    }
    let mut taken: HashSet<String> = scan.file_names.iter().cloned().collect();
    let mut seen = HashSet::new();
    let mut jobs = Vec::new();
    for (full_path, events_and_apis_only) in wanted {
        if !seen.insert(full_path.clone()) {
            continue;
        }
        if let Some(local) = scan.pages.iter().find(|p| p.front.full_path == full_path) {
            jobs.push(Job {
                path: local.path.clone(),
                full_path,
                title: Some(local.front.title.clone()),
                existing: Some((local.text.clone(), local.front.clone())),
                events_and_apis_only: false,
            });
            continue;
        }
        let (segments, title) = match directory::locate(sections, &full_path) {
            Some(found) => (found.segments, Some(found.page.name.clone())),
            None => (
                full_path.split('/').filter(|s| !s.is_empty()).collect(),
                None,
            ),
        };
        let file = free_file_name(&segments, &full_path, &taken);
        taken.insert(file.clone());
        jobs.push(Job {
            path: config.docs_dir.join(file),
            full_path,
            title,
            existing: None,
            events_and_apis_only,
        });
    }
    Ok(jobs)
}

/// `source__` and the components joined with `__`; when that name is taken, the second-to-last
/// component of the `fullPath` is appended (`created-events.md`), then a number
/// (`created-events-1.md`), as the pages of `schema/docs/` were named.
fn free_file_name(segments: &[&str], full_path: &str, taken: &HashSet<String>) -> String {
    let base = format!("source__{}", segments.join("__"));
    let parent = full_path.rsplit('/').nth(1).filter(|p| !p.is_empty());
    let with_parent = parent.map_or_else(|| base.clone(), |p| format!("{base}-{p}"));
    std::iter::once(format!("{base}.md"))
        .chain(std::iter::once(format!("{with_parent}.md")))
        .chain((1..).map(|n| format!("{with_parent}-{n}.md")))
        .find(|name| !taken.contains(name))
        .expect("an endless list has a free name")
}

/// What became of a job.
enum Outcome {
    Unchanged,
    Changed(Change),
    Skipped(Skipped),
}

async fn run(portal: Arc<Portal>, jobs: Vec<Job>, config: &Config, report: &mut Report) {
    let bar = if config.progress {
        ProgressBar::new(jobs.len() as u64).with_style(
            ProgressStyle::with_template("{bar:40} {pos}/{len} pages {msg}")
                .expect("a valid template"),
        )
    } else {
        ProgressBar::hidden()
    };
    let permits = Arc::new(Semaphore::new(config.concurrency.max(1)));
    let mut tasks = JoinSet::new();
    for job in jobs {
        let (portal, permits, check) = (portal.clone(), permits.clone(), config.check);
        tasks.spawn(async move {
            let _permit = permits.acquire_owned().await.expect("never closed");
            let outcome = run_job(&portal, &job, check).await;
            (job, outcome)
        });
    }
    while let Some(joined) = tasks.join_next().await {
        let (job, outcome) = joined.expect("a page's task does not panic");
        bar.inc(1);
        match outcome {
            Ok(Outcome::Unchanged) => report.unchanged += 1,
            Ok(Outcome::Changed(change)) => {
                bar.set_message(change.file.clone());
                report.changed.push(change);
            }
            Ok(Outcome::Skipped(skipped)) => report.skipped.push(skipped),
            Err(error) => report.failed.push(Failure {
                file: job.file(),
                full_path: job.full_path,
                error,
            }),
        }
    }
    bar.finish_and_clear();
}

async fn run_job(portal: &Portal, job: &Job, check: bool) -> Result<Outcome, String> {
    let detail = portal
        .detail(&job.full_path)
        .await
        .map_err(|e| e.to_string())?;
    let title = job
        .title
        .clone()
        .unwrap_or_else(|| page::heading(&detail.content));
    if job.events_and_apis_only && !page::is_event_or_api(&job.full_path, &detail.content) {
        return Ok(Outcome::Skipped(Skipped {
            full_path: job.full_path.clone(),
            title,
        }));
    }
    let front = FrontMatter {
        title,
        full_path: job.full_path.clone(),
        update_time: detail.update_time,
    };
    let text = page::render(&front, &detail.content);
    if job.existing.as_ref().is_some_and(|(old, _)| *old == text) {
        return Ok(Outcome::Unchanged);
    }
    if !check {
        page::write_atomically(&job.path, &text)
            .map_err(|e| format!("cannot write {}: {e}", job.path.display()))?;
    }
    Ok(Outcome::Changed(Change {
        file: job.file(),
        full_path: front.full_path,
        old_update_time: job.existing.as_ref().map(|(_, f)| f.update_time.clone()),
        update_time: front.update_time,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_is_named_by_a_url_or_its_full_path() {
        let full = "/uAjLw4CM/ukTMukTMukTM/reference/im-v1/message/events/receive";
        for given in [
            full.to_string(),
            format!("https://open.feishu.cn/document{full}?lang=zh-CN"),
            format!("https://open.larksuite.com/document{full}/#top"),
        ] {
            assert_eq!(full_path_of(&given).unwrap(), full, "{given}");
        }
        assert!(full_path_of("receive").is_err());
        assert!(full_path_of("https://open.feishu.cn/").is_err());
    }

    #[test]
    fn a_taken_name_gets_the_parent_then_a_number() {
        let segments = ["application-v6", "event", "created"];
        let full_path = "/uAjLw4CM/ukTMukTMukTM/application-v6/application-feedback/events/created";
        let mut taken = HashSet::new();
        let mut names = Vec::new();
        for _ in 0..3 {
            let name = free_file_name(&segments, full_path, &taken);
            taken.insert(name.clone());
            names.push(name);
        }
        assert_eq!(
            names,
            [
                "source__application-v6__event__created.md",
                "source__application-v6__event__created-events.md",
                "source__application-v6__event__created-events-1.md",
            ]
        );
    }
}
