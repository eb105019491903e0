//! `lark-fetch` against a local server speaking the doc portal's two endpoints, serving the real
//! event pages of `../shared/corpus/events-source/`, on a copy of them in a temporary folder.

use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use axum::extract::{Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use lark_fetch::{Config, Report};
use serde_json::{json, Value};

/// What the portal answers for a page.
#[derive(Clone)]
enum Served {
    Page {
        content: String,
        update_time: String,
    },
    NotFound,
    Code,
    Stall,
    Truncated,
    EmptyContent,
}

/// A page of the corpus: its file (without `source__`), front matter and content.
struct CorpusPage {
    file: String,
    title: String,
    full_path: String,
    update_time: String,
    content: String,
}

struct Fake {
    pages: HashMap<String, Served>,
    directory: Value,
}

type Shared = Arc<Mutex<Fake>>;

/// The corpus pages, or `None` (having said it skipped) when the corpus is missing; under `CI=true` a
/// missing corpus fails.
fn corpus() -> Option<Vec<CorpusPage>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/events-source");
    if !dir.is_dir() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "the corpus is missing at {} (CI=true)",
            dir.display()
        );
        println!("corpus not found at {}: skipped", dir.display());
        return None;
    }
    let mut pages = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let field = |key: &str| {
            let start = text.find(&format!("\n{key}: \"")).unwrap() + key.len() + 4;
            text[start..start + text[start..].find("\"\n").unwrap()].replace("\\\"", "\"")
        };
        let content = &text[text.find("\n---\n\n").unwrap() + "\n---\n\n".len()..];
        pages.push(CorpusPage {
            file: path.file_name().unwrap().to_string_lossy().into_owned(),
            title: field("title"),
            full_path: field("fullPath"),
            update_time: field("updateTime"),
            content: content.to_string(),
        });
    }
    pages.sort_by(|a, b| a.file.cmp(&b.file));
    Some(pages)
}

/// The directory of the pages: one section, a folder per component of their file names, as the
/// portal's directory names them; plus a guide under `vc-v1`, which is neither an event nor an API.
fn directory(pages: &[CorpusPage]) -> Value {
    #[derive(Default)]
    struct Folder {
        folders: BTreeMap<String, Folder>,
        pages: Vec<Value>,
    }
    fn to_json(name: &str, path: &str, folder: &Folder) -> Value {
        let mut items: Vec<Value> = folder
            .folders
            .iter()
            .map(|(segment, sub)| to_json(segment, &format!("{path}/{segment}"), sub))
            .collect();
        items.extend(folder.pages.iter().cloned());
        json!({"type": "DirectoryType", "name": name, "fullPath": path, "items": items})
    }
    let mut root = Folder::default();
    for page in pages {
        let stem = page.file.trim_end_matches(".md");
        let segments: Vec<&str> = stem.split("__").collect();
        let mut folder = &mut root;
        for segment in &segments[..segments.len() - 1] {
            folder = folder.folders.entry(segment.to_string()).or_default();
        }
        folder.pages.push(json!({
            "type": "DocumentType", "name": page.title, "fullPath": page.full_path,
            "updateTime": page.update_time, "items": [],
        }));
    }
    root.folders
        .entry("vc-v1".into())
        .or_default()
        .pages
        .push(json!({"type": "DocumentType", "name": "概述", "fullPath": GUIDE, "items": []}));
    json!({"code": 0, "data": {"items": [to_json("服务端 API", "/server-docs", &root)]}})
}

const GUIDE: &str = "/server-docs/vc-v1/overview";

async fn detail(State(fake): State<Shared>, Query(q): Query<HashMap<String, String>>) -> Response {
    let served = fake.lock().unwrap().pages.get(&q["fullPath"]).cloned();
    match served.unwrap_or(Served::NotFound) {
        Served::Page {
            content,
            update_time,
        } => Json(json!({"code": 0, "data": {"content": content, "updateTime": update_time}}))
            .into_response(),
        Served::NotFound => StatusCode::NOT_FOUND.into_response(),
        Served::Code => {
            Json(json!({"code": 99991400, "msg": "document not found"})).into_response()
        }
        Served::Stall => {
            tokio::time::sleep(Duration::from_secs(60)).await;
            StatusCode::OK.into_response()
        }
        Served::Truncated => (
            [(header::CONTENT_TYPE, "application/json")],
            r##"{"code":0,"data":{"content":"# 新增"##,
        )
            .into_response(),
        Served::EmptyContent => {
            Json(json!({"code": 0, "data": {"content": "", "updateTime": "1"}})).into_response()
        }
    }
}

async fn directory_list(State(fake): State<Shared>) -> Json<Value> {
    Json(fake.lock().unwrap().directory.clone())
}

/// A portal serving the corpus as it is, on loopback.
async fn serve(pages: &[CorpusPage]) -> (String, Shared) {
    let mut served: HashMap<String, Served> = pages
        .iter()
        .map(|p| {
            let page = Served::Page {
                content: p.content.clone(),
                update_time: p.update_time.clone(),
            };
            (p.full_path.clone(), page)
        })
        .collect();
    let guide = Served::Page {
        content: "# 概述\n\n视频会议的开发指南。\n".into(),
        update_time: "1700000000000".into(),
    };
    served.insert(GUIDE.into(), guide);
    let fake = Arc::new(Mutex::new(Fake {
        pages: served,
        directory: directory(pages),
    }));
    let app = Router::new()
        .route("/document_portal/v1/document/get_detail", get(detail))
        .route("/api/tools/docment/directory_list", get(directory_list))
        .with_state(fake.clone());
    let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}"), fake)
}

/// A docs folder holding the corpus pages as `schema/docs/` names them, all last modified long ago.
fn docs_copy(pages: &[CorpusPage]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/events-source");
    for page in pages {
        let path = dir.path().join(format!("source__{}", page.file));
        std::fs::copy(corpus.join(&page.file), &path).unwrap();
        let file = std::fs::File::options().write(true).open(&path).unwrap();
        file.set_modified(long_ago()).unwrap();
    }
    dir
}

fn long_ago() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000)
}

fn config(docs: &Path, base: &str) -> Config {
    Config {
        base: base.to_string(),
        timeout: Duration::from_millis(500),
        attempts: 2,
        backoff: Duration::from_millis(10),
        ..Config::new(docs)
    }
}

/// Every file of the folder with its bytes and modification time.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, (Vec<u8>, SystemTime)> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let path = e.unwrap().path();
            let modified = std::fs::metadata(&path).unwrap().modified().unwrap();
            (path.clone(), (std::fs::read(&path).unwrap(), modified))
        })
        .collect()
}

/// The page `file` of the corpus served with a newer `updateTime` and a changed description.
fn newer(fake: &Shared, page: &CorpusPage) -> String {
    let content = page.content.replacen('\n', "\n\n文档已更新。\n", 1);
    fake.lock().unwrap().pages.insert(
        page.full_path.clone(),
        Served::Page {
            content: content.clone(),
            update_time: "1800000000000".into(),
        },
    );
    format!(
        "---\ntitle: \"{}\"\nfullPath: \"{}\"\nupdateTime: \"1800000000000\"\n---\n\n{content}",
        page.title, page.full_path
    )
}

fn changed_files(report: &Report) -> Vec<&str> {
    report.changed.iter().map(|c| c.file.as_str()).collect()
}

#[tokio::test]
async fn unchanged_pages_are_not_rewritten() {
    let Some(pages) = corpus() else { return };
    let (base, _fake) = serve(&pages).await;
    let docs = docs_copy(&pages);
    // The converted rendering of a page has its fullPath too, but the portal serves the doc source.
    let rendered = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/corpus/events-rendered")
        .join(&pages[0].file);
    let copy = docs.path().join(format!("rendered__{}", pages[0].file));
    std::fs::copy(rendered, &copy).unwrap();
    let before = snapshot(docs.path());

    let report = lark_fetch::fetch(&config(docs.path(), &base))
        .await
        .unwrap();

    assert!(report.failed.is_empty(), "{report}");
    assert!(report.changed.is_empty(), "{report}");
    assert_eq!(report.unchanged, pages.len());
    assert_eq!(report.other_renderings, 1, "the converted page left alone");
    assert_eq!(report.exit_code(), 0);
    assert_eq!(snapshot(docs.path()), before, "bytes and mtimes kept");

    let checked = lark_fetch::fetch(&Config {
        check: true,
        ..config(docs.path(), &base)
    })
    .await
    .unwrap();
    assert_eq!(checked.exit_code(), 0, "{checked}");
}

#[tokio::test]
async fn a_newer_page_is_rewritten_and_named_and_check_writes_nothing() {
    let Some(pages) = corpus() else { return };
    let (base, fake) = serve(&pages).await;
    let docs = docs_copy(&pages);
    let page = &pages[0];
    let file = format!("source__{}", page.file);
    let expected = newer(&fake, page);
    let before = snapshot(docs.path());

    let checked = lark_fetch::fetch(&Config {
        check: true,
        ..config(docs.path(), &base)
    })
    .await
    .unwrap();
    assert_eq!(changed_files(&checked), [file.as_str()]);
    assert_eq!(checked.exit_code(), 1, "out of date");
    assert!(checked.to_string().contains("1 page(s) out of date"));
    assert_eq!(snapshot(docs.path()), before, "--check writes nothing");

    let report = lark_fetch::fetch(&config(docs.path(), &base))
        .await
        .unwrap();
    assert_eq!(changed_files(&report), [file.as_str()]);
    assert_eq!(report.unchanged, pages.len() - 1);
    assert_eq!(report.exit_code(), 0);
    let summary = report.to_string();
    assert!(
        summary.contains(&format!(
            "- {file} ({}): updateTime {} → 1800000000000",
            page.full_path, page.update_time
        )),
        "{summary}"
    );
    let path = docs.path().join(&file);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), expected);
    let mut after = snapshot(docs.path());
    after.remove(&path);
    let mut others = before;
    others.remove(&path);
    assert_eq!(
        after, others,
        "the other pages untouched, no file left over"
    );
}

#[tokio::test]
async fn add_writes_a_new_page_as_the_others_are_written() {
    let Some(pages) = corpus() else { return };
    let (base, _fake) = serve(&pages).await;
    let docs = docs_copy(&pages);
    let page = pages
        .iter()
        .find(|p| p.file == "acs-v1__access_record__events__created.md")
        .unwrap();
    let path = docs.path().join(format!("source__{}", page.file));
    let original = std::fs::read(&path).unwrap();
    std::fs::remove_file(&path).unwrap();

    let report = lark_fetch::fetch(&Config {
        add: vec![format!(
            "https://open.feishu.cn/document{}?lang=zh-CN",
            page.full_path
        )],
        ..config(docs.path(), &base)
    })
    .await
    .unwrap();

    assert_eq!(report.changed.len(), 1, "{report}");
    assert_eq!(report.changed[0].old_update_time, None);
    assert!(report.to_string().contains("new page"));
    assert_eq!(std::fs::read(&path).unwrap(), original, "byte for byte");
}

#[tokio::test]
async fn service_adds_its_event_pages_and_leaves_out_guides() {
    let Some(pages) = corpus() else { return };
    let (base, _fake) = serve(&pages).await;
    let docs = docs_copy(&pages);
    let vc: Vec<&CorpusPage> = pages
        .iter()
        .filter(|p| p.file.starts_with("vc-v1__"))
        .collect();
    assert!(vc.len() > 5);
    let originals: Vec<(PathBuf, Vec<u8>)> = vc
        .iter()
        .map(|p| {
            let path = docs.path().join(format!("source__{}", p.file));
            (path.clone(), std::fs::read(&path).unwrap())
        })
        .collect();
    for (path, _) in &originals[1..] {
        std::fs::remove_file(path).unwrap();
    }

    let report = lark_fetch::fetch(&Config {
        services: vec!["vc".into()],
        ..config(docs.path(), &base)
    })
    .await
    .unwrap();

    assert!(report.failed.is_empty(), "{report}");
    assert_eq!(report.changed.len(), vc.len() - 1, "{report}");
    assert_eq!(report.unchanged, 1, "the page already there is refreshed");
    assert_eq!(report.skipped.len(), 1);
    assert_eq!(report.skipped[0].full_path, GUIDE);
    for (path, original) in &originals {
        assert_eq!(
            &std::fs::read(path).unwrap(),
            original,
            "{}",
            path.display()
        );
    }

    let unknown = lark_fetch::fetch(&Config {
        services: vec!["nope".into()],
        ..config(docs.path(), &base)
    })
    .await
    .unwrap_err();
    assert!(unknown.to_string().contains("vc-v1"), "{unknown}");
}

#[tokio::test]
async fn each_failing_page_is_reported_with_its_path_and_the_rest_is_done() {
    let Some(pages) = corpus() else { return };
    let (base, fake) = serve(&pages).await;
    let docs = docs_copy(&pages);
    let faults = [
        (Served::NotFound, "HTTP 404"),
        (Served::Code, "code 99991400: document not found"),
        (
            Served::Stall,
            "no answer within 500ms (gave up after 2 attempts)",
        ),
        (Served::Truncated, "not valid JSON"),
        (Served::EmptyContent, "the page is empty"),
    ];
    for (page, (served, _)) in pages.iter().zip(&faults) {
        fake.lock()
            .unwrap()
            .pages
            .insert(page.full_path.clone(), served.clone());
    }
    let updated = &pages[faults.len()];
    let expected = newer(&fake, updated);
    let before = snapshot(docs.path());

    let report = lark_fetch::fetch(&config(docs.path(), &base))
        .await
        .unwrap();

    assert_eq!(report.failed.len(), faults.len(), "{report}");
    assert_eq!(report.exit_code(), 2);
    let summary = report.to_string();
    for (page, (_, cause)) in pages.iter().zip(&faults) {
        let line = format!("- source__{} ({}): ", page.file, page.full_path);
        let reported = summary.lines().find(|l| l.starts_with(&line));
        assert!(
            reported.is_some_and(|l| l.contains(cause)),
            "{cause}:\n{summary}"
        );
    }
    let updated_path = docs.path().join(format!("source__{}", updated.file));
    assert_eq!(
        changed_files(&report),
        [format!("source__{}", updated.file)]
    );
    assert_eq!(std::fs::read_to_string(&updated_path).unwrap(), expected);
    let mut after = snapshot(docs.path());
    after.remove(&updated_path);
    let mut others = before;
    others.remove(&updated_path);
    assert_eq!(
        after, others,
        "failed pages untouched, no temporary file left"
    );
}
