//! The doc portal's two endpoints, each request with a timeout and retried with backoff.

use std::time::Duration;

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde::Deserialize;
use serde_json::Value;

/// What a `fullPath` query keeps as it is: `/` and the characters URLs never encode.
const PATH: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'/')
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Why a request to the portal failed.
#[derive(Debug, thiserror::Error)]
pub enum PortalError {
    #[error("HTTP {0}")]
    Status(reqwest::StatusCode),
    #[error("the portal answered code {code}: {msg}")]
    Code { code: i64, msg: String },
    #[error("no answer within {0:?}")]
    Timeout(Duration),
    #[error("request failed: {0}")]
    Network(String),
    #[error("the answer is not valid JSON: {0}")]
    Json(serde_json::Error),
    #[error("the answer has no {0}")]
    Missing(&'static str),
    #[error("the page is empty: the answer's content is \"\"")]
    EmptyContent,
    #[error("{last} (gave up after {attempts} attempts)")]
    GaveUp {
        attempts: u32,
        last: Box<PortalError>,
    },
}

impl PortalError {
    /// Whether another attempt may succeed: the network, a timeout, a server error or rate limit, or
    /// an answer cut short.
    fn is_transient(&self) -> bool {
        match self {
            PortalError::Status(status) => {
                status.is_server_error() || *status == reqwest::StatusCode::TOO_MANY_REQUESTS
            }
            PortalError::Timeout(_) | PortalError::Network(_) | PortalError::Json(_) => true,
            _ => false,
        }
    }
}

/// A page as the portal serves it.
#[derive(Debug)]
pub struct Detail {
    pub content: String,
    pub update_time: String,
}

/// A node of the portal's directory: a folder (`DirectoryType`) or a page (`DocumentType`).
#[derive(Debug, Clone, Deserialize)]
pub struct Node {
    #[serde(rename = "type", default)]
    pub kind: String,
    #[serde(default)]
    pub name: String,
    #[serde(rename = "fullPath", default)]
    pub full_path: String,
    #[serde(default)]
    pub items: Vec<Node>,
}

impl Node {
    pub fn is_page(&self) -> bool {
        self.kind == "DocumentType"
    }

    /// The last component of its `fullPath` (its name when it has none): how a page's file name
    /// spells this node.
    pub fn segment(&self) -> &str {
        match self.full_path.trim_end_matches('/').rsplit('/').next() {
            Some(last) if !last.is_empty() => last,
            _ => &self.name,
        }
    }
}

/// How to reach the portal.
#[derive(Debug, Clone)]
pub struct Settings {
    pub base: String,
    pub timeout: Duration,
    /// Attempts per request, the first included.
    pub attempts: u32,
    /// The wait before the second attempt, doubled before each next one.
    pub backoff: Duration,
}

pub struct Portal {
    client: reqwest::Client,
    settings: Settings,
}

impl Portal {
    pub fn new(settings: Settings) -> reqwest::Result<Portal> {
        let client = reqwest::Client::builder()
            .timeout(settings.timeout)
            .connect_timeout(settings.timeout)
            .build()?;
        Ok(Portal { client, settings })
    }

    /// `GET /document_portal/v1/document/get_detail?fullPath=…`
    pub async fn detail(&self, full_path: &str) -> Result<Detail, PortalError> {
        let url = format!(
            "{}/document_portal/v1/document/get_detail?fullPath={}",
            self.base(),
            utf8_percent_encode(full_path, PATH)
        );
        let data = self.get(&url).await?;
        let content = match data.get("content") {
            Some(Value::String(content)) => content.clone(),
            _ => return Err(PortalError::Missing("data.content")),
        };
        if content.is_empty() {
            return Err(PortalError::EmptyContent);
        }
        let update_time = match data.get("updateTime") {
            Some(Value::String(time)) if !time.is_empty() => time.clone(),
            Some(Value::Number(time)) => time.to_string(),
            _ => return Err(PortalError::Missing("data.updateTime")),
        };
        Ok(Detail {
            content,
            update_time,
        })
    }

    /// `GET /api/tools/docment/directory_list`: the sections of the portal, each a tree.
    pub async fn directory(&self) -> Result<Vec<Node>, PortalError> {
        let url = format!("{}/api/tools/docment/directory_list", self.base());
        let mut data = self.get(&url).await?;
        let items = data.get_mut("items").map(Value::take);
        items
            .and_then(|items| serde_json::from_value(items).ok())
            .ok_or(PortalError::Missing("data.items"))
    }

    fn base(&self) -> &str {
        self.settings.base.trim_end_matches('/')
    }

    /// The `data` of a `{"code": 0, "data": …}` answer, retrying what may pass on another attempt.
    async fn get(&self, url: &str) -> Result<Value, PortalError> {
        let mut wait = self.settings.backoff;
        let mut attempt = 1;
        loop {
            match self.get_once(url).await {
                Err(e) if e.is_transient() && attempt < self.settings.attempts => {
                    tokio::time::sleep(wait).await;
                    wait *= 2;
                    attempt += 1;
                }
                Err(e) if e.is_transient() && attempt > 1 => {
                    return Err(PortalError::GaveUp {
                        attempts: attempt,
                        last: Box::new(e),
                    })
                }
                result => return result,
            }
        }
    }

    async fn get_once(&self, url: &str) -> Result<Value, PortalError> {
        let network = |e: reqwest::Error| {
            if e.is_timeout() {
                PortalError::Timeout(self.settings.timeout)
            } else {
                PortalError::Network(causes(&e))
            }
        };
        let response = self.client.get(url).send().await.map_err(network)?;
        let status = response.status();
        if !status.is_success() {
            return Err(PortalError::Status(status));
        }
        let body = response.bytes().await.map_err(network)?;
        let mut answer: Value = serde_json::from_slice(&body).map_err(PortalError::Json)?;
        match answer.get("code").and_then(Value::as_i64) {
            Some(0) => Ok(answer["data"].take()),
            Some(code) => Err(PortalError::Code {
                code,
                msg: answer["msg"].as_str().unwrap_or_default().to_string(),
            }),
            None => Err(PortalError::Missing("code")),
        }
    }
}

/// An error and its causes, on one line.
fn causes(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
