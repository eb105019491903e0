//! Sending one request: the URL, each attempt under its timeout, and the retries between them.

use std::time::Duration;

use reqwest::header::{HeaderMap, CONTENT_TYPE};
use reqwest::{multipart, Url};
use tracing::field::Empty;
use tracing::Span;

use super::client::Client;
use super::error::{Error, CODE_RATE_LIMITED};
use super::path;
use super::reply::Reply;
use super::request::{Body, Multipart, PartValue, Request};
use super::retry::{jitter_unit, rate_limit_reset, RetryPolicy};

/// What the caller will do with a successful answer's body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// Read it whole as the JSON envelope.
    Buffered,
    /// Stream it, unless it is JSON (an error, read whole).
    Stream,
}

/// The answer to a request.
#[derive(Debug)]
pub(crate) enum Answer {
    /// Read whole.
    Reply(Reply),
    /// A successful non-JSON answer whose body is still to be read ([`Mode::Stream`] only).
    Stream(reqwest::Response),
}

impl Answer {
    /// The answer read whole; a streamed one is not the envelope the caller expects.
    pub(crate) fn into_reply(self) -> Result<Reply, Error> {
        match self {
            Self::Reply(reply) => Ok(reply),
            Self::Stream(response) => Err(Error::Unexpected {
                status: response.status().as_u16(),
                log_id: super::reply::log_id(response.headers()),
                reason: "a file where the JSON envelope was expected".into(),
            }),
        }
    }
}

/// The span of one call, which records the status and log id of its last attempt.
pub(crate) fn call_span(request: &Request) -> Span {
    tracing::info_span!(
        "lark_api",
        method = %request.method,
        path = request.template,
        status = Empty,
        log_id = Empty,
    )
}

impl Client {
    /// The request's URL: the base URL, the expanded path, the query.
    pub(crate) fn url(&self, request: &Request) -> Result<Url, Error> {
        let path = path::expand(request.template, &request.path_params)?;
        let mut url = Url::parse(&format!("{}{path}", self.settings().base_url))
            .map_err(|e| Error::InvalidRequest(format!("the URL does not parse: {e}")))?;
        if !request.query.is_empty() {
            url.query_pairs_mut().extend_pairs(&request.query);
        }
        Ok(url)
    }

    /// Sends `request` with the `bearer` token, retrying as the policy allows; each attempt paced
    /// as a call in `tenant` (see `Client::pace`).
    pub(crate) async fn transmit(
        &self,
        request: &Request,
        url: &Url,
        bearer: Option<&str>,
        limit: Duration,
        mode: Mode,
        tenant: Option<&str>,
    ) -> Result<Answer, Error> {
        let policy = self.settings().retry;
        let (mut retries, mut rate_limit_retries) = (0, 0);
        loop {
            self.pace(request, tenant).await;
            let answer = self.attempt(request, url, bearer, limit, mode).await;
            let wait = match &answer {
                Ok(Answer::Reply(reply)) if is_rate_limited(reply) => {
                    let reset = rate_limit_reset(&reply.headers);
                    if let Some(reset) = reset {
                        let hold = reset.min(policy.max_rate_limit_wait);
                        self.hold_pace(request, tenant, hold);
                    }
                    let wait = policy.rate_limit_wait(reset, rate_limit_retries, jitter_unit());
                    let allowed = rate_limit_retries < policy.max_rate_limit_retries;
                    rate_limit_retries += 1;
                    wait.filter(|_| allowed)
                }
                Ok(Answer::Reply(reply)) if reply.status >= 500 => {
                    retry_after(request.idempotent, &mut retries, &policy)
                }
                Err(Error::Transport(e)) if e.is_connect() => {
                    retry_after(true, &mut retries, &policy)
                }
                Err(Error::Transport(_) | Error::Timeout { .. }) => {
                    retry_after(request.idempotent, &mut retries, &policy)
                }
                _ => None,
            };
            let Some(wait) = wait else {
                return answer;
            };
            match &answer {
                Ok(Answer::Reply(reply)) => {
                    tracing::warn!(status = reply.status, code = ?reply.code(), ?wait, "retrying")
                }
                Err(error) => tracing::warn!(%error, ?wait, "retrying"),
                Ok(Answer::Stream(_)) => {}
            }
            tokio::time::sleep(wait).await;
        }
    }

    /// One attempt: the request sent and its answer read, within `limit`.
    async fn attempt(
        &self,
        request: &Request,
        url: &Url,
        bearer: Option<&str>,
        limit: Duration,
        mode: Mode,
    ) -> Result<Answer, Error> {
        let mut builder = self.http().request(request.method.clone(), url.clone());
        if let Some(token) = bearer {
            builder = builder.bearer_auth(token);
        }
        builder = match &request.body {
            Body::Empty => builder,
            Body::Json(bytes) => builder
                .header(CONTENT_TYPE, "application/json; charset=utf-8")
                .body(bytes.clone()),
            Body::Multipart(form) => builder.multipart(to_form(form)?),
        };
        let exchange = async {
            let response = builder.send().await.map_err(Error::Transport)?;
            let status = response.status();
            let span = Span::current();
            span.record("status", status.as_u16());
            if let Some(log_id) = super::reply::log_id(response.headers()) {
                span.record("log_id", log_id);
            }
            if mode == Mode::Stream && status.is_success() && !is_json(response.headers()) {
                return Ok(Answer::Stream(response));
            }
            let headers = response.headers().clone();
            let body = response.bytes().await.map_err(Error::Transport)?;
            Ok(Answer::Reply(Reply::new(status.as_u16(), headers, body)))
        };
        tokio::time::timeout(limit, exchange)
            .await
            .unwrap_or(Err(Error::Timeout { limit }))
    }
}

/// HTTP 429, or HTTP 400 with code 99991400 (older APIs).
fn is_rate_limited(reply: &Reply) -> bool {
    reply.status == 429 || (reply.status == 400 && reply.code() == Some(CODE_RATE_LIMITED))
}

/// The backoff before the next retry, if `allowed` and the policy has retries left.
fn retry_after(allowed: bool, retries: &mut u32, policy: &RetryPolicy) -> Option<Duration> {
    if !allowed || *retries >= policy.max_retries {
        return None;
    }
    let wait = policy.backoff(*retries, jitter_unit());
    *retries += 1;
    Some(wait)
}

/// Whether the answer says it is JSON.
fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.trim_start()
                .to_ascii_lowercase()
                .starts_with("application/json")
        })
}

/// The form as reqwest sends it (built anew for each attempt).
fn to_form(form: &Multipart) -> Result<multipart::Form, Error> {
    let mut out = multipart::Form::new();
    for part in &form.parts {
        let built = match &part.value {
            PartValue::Text(text) => multipart::Part::text(text.clone()),
            PartValue::File {
                file_name,
                mime,
                content,
            } => {
                let file = multipart::Part::stream(content.clone()).file_name(file_name.clone());
                match mime {
                    Some(mime) => file.mime_str(mime).map_err(|e| {
                        Error::InvalidRequest(format!("the MIME type `{mime}` is invalid: {e}"))
                    })?,
                    None => file,
                }
            }
        };
        out = out.part(part.name.clone(), built);
    }
    Ok(out)
}
