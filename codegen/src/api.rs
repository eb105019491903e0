//! Server API pages → the `lark-api` crate: one module per API, grouped as the official SDKs
//! group them (`service::version::resource::method`), each with a `Request` (path and query
//! parameters, body), a `Response` (the answer's `data`) and every type under them. The calls go
//! through `lark_runtime::api`; each module's `endpoint!` call says how.

mod build;
mod emit;
mod layout;
mod locked;
mod names;

use std::collections::BTreeMap;

use lark_schema::contract::Schema;
use serde::Deserialize;

use build::Answer;
use names::ApiPath;

use crate::names_lock::NamesLock;
use crate::variants::VariantNames;
use crate::{Error, GeneratedFile, SchemaFile};

/// The files of the API crate and what generation repaired or left out.
#[derive(Debug, Clone)]
pub struct GeneratedApi {
    pub files: Vec<GeneratedFile>,
    pub warnings: Vec<String>,
    /// Every generated API, in module path order.
    pub apis: Vec<ApiEntry>,
    /// The text of `schema/api-names.lock.json` after this generation: every public name it gave.
    pub names_lock: String,
}

/// One API the crate provides.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiEntry {
    /// `application::v6::application_app_version::patch`.
    pub path: String,
    /// `PATCH`.
    pub http_method: String,
    /// `/open-apis/application/v6/applications/:app_id/app_versions/:version_id`.
    pub url: String,
    /// The page it was generated from.
    pub page: String,
    /// Whether the answer is a file.
    pub file: bool,
    /// The page's request body example, when it has a valid one.
    pub request_example: Option<serde_json::Value>,
    /// The page's response example, when it has a valid one.
    pub response_example: Option<serde_json::Value>,
}

/// One API page: its schema and where its API goes.
struct ApiPage<'a> {
    file: &'a SchemaFile,
    source: String,
    update_time: Option<u64>,
    schema: Schema,
    path: ApiPath,
}

/// Generates the API crate from every schema with `x-lark-api`; other schemas are ignored.
/// Deterministic; no page stops the others: a page that cannot be generated is left out with a
/// warning, and so is a page documenting an API another page documents more recently. Names in
/// `lock` are given back (see `crate::names_lock`).
pub fn generate(
    schemas: &[SchemaFile],
    names: &VariantNames,
    lock: &NamesLock,
    crate_layout: &crate::Layout,
) -> Result<GeneratedApi, Error> {
    let mut warnings = Vec::new();
    let mut by_path: BTreeMap<ApiPath, Vec<ApiPage<'_>>> = BTreeMap::new();
    let mut pages = Vec::new();
    for file in schemas {
        match read(file) {
            Ok(Some(page)) => pages.push(page),
            Ok(None) => {}
            Err(err) => warnings.push(format!("{err}; left out")),
        }
    }
    for page in distinct_names(pages) {
        by_path.entry(page.path.clone()).or_default().push(page);
    }
    let mut defs = Vec::new();
    let mut apis = Vec::new();
    let mut next_lock = NamesLock::default();
    for (_, mut pages) in by_path {
        pages.sort_by(|a, b| {
            b.update_time
                .cmp(&a.update_time)
                .then_with(|| a.source.cmp(&b.source))
        });
        let mut pages = pages.into_iter();
        let Some(page) = pages.next() else { continue };
        for other in pages {
            warnings.push(format!(
                "{}: warning: left out: {} is generated from {}, updated later or named first",
                other.source,
                other.path.display(),
                page.source
            ));
        }
        let api = page.schema.api.clone().unwrap_or_default();
        match build::api(
            page.path.clone(),
            &page.schema,
            &api,
            &page.source,
            &page.file.file_name,
            names,
        ) {
            Ok((mut def, repairs)) => {
                warnings.extend(repairs);
                locked::restore(lock, &mut def, &mut warnings, &mut next_lock);
                apis.push(ApiEntry {
                    path: def.path.display(),
                    http_method: def.http_method.clone(),
                    url: def.url.clone(),
                    page: page.source.clone(),
                    file: matches!(def.answer, Answer::File),
                    request_example: def.examples.request_body.clone(),
                    response_example: def.examples.response.clone(),
                });
                defs.push(def);
            }
            Err(err) => warnings.push(format!("{}: left out: {err}", page.source)),
        }
    }
    Ok(GeneratedApi {
        files: layout::files(&defs, crate_layout)?,
        warnings,
        apis,
        names_lock: next_lock.to_text(),
    })
}

/// Pages whose endpoints differ but whose names are the same (`GET` and `POST` on one URL of an old
/// API) get the HTTP method appended to the method name, in endpoint order after the first; pages of
/// the same endpoint keep one name (the caller picks one of them).
fn distinct_names(pages: Vec<ApiPage<'_>>) -> Vec<ApiPage<'_>> {
    let mut by_path: BTreeMap<ApiPath, Vec<ApiPage<'_>>> = BTreeMap::new();
    for page in pages {
        by_path.entry(page.path.clone()).or_default().push(page);
    }
    let mut out = Vec::new();
    for (_, mut group) in by_path {
        group.sort_by_key(endpoint);
        let first = group.first().map(endpoint);
        for mut page in group {
            if Some(endpoint(&page)) != first {
                let http = endpoint(&page).0.to_ascii_lowercase();
                page.path.method = format!("{}_{http}", page.path.method);
            }
            out.push(page);
        }
    }
    out
}

/// The HTTP method and URL of a page's API.
fn endpoint(page: &ApiPage<'_>) -> (String, String) {
    let api = page.schema.api.as_ref();
    (
        api.and_then(|a| a.method.clone()).unwrap_or_default(),
        api.and_then(|a| a.path.clone()).unwrap_or_default(),
    )
}

/// An API page's schema and its module path; `None` for a page that documents no API.
fn read(file: &SchemaFile) -> Result<Option<ApiPage<'_>>, Error> {
    let schema = Schema::deserialize(&file.schema).map_err(|err| {
        Error::schema(
            &file.file_name,
            format!("not the layout of schema/README.md: {err}"),
        )
    })?;
    let Some(api) = &schema.api else {
        return Ok(None);
    };
    if schema.event.is_some() {
        return Ok(None);
    }
    let path = names::api_path(api).ok_or_else(|| {
        Error::schema(
            &file.file_name,
            format!(
                "the API's URL {:?} is not under /open-apis/",
                api.path.as_deref().unwrap_or("")
            ),
        )
    })?;
    let page = schema.page.as_ref();
    Ok(Some(ApiPage {
        source: page.map_or(&file.file_name, |page| &page.source).clone(),
        update_time: page
            .and_then(|page| page.update_time.as_deref())
            .and_then(|t| t.parse().ok()),
        file,
        schema,
        path,
    }))
}
