//! What can go wrong calling the platform, with what the platform said about it.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use serde::Deserialize;

use super::request::TokenType;

/// `code`: the request exceeded the API's rate limit (with HTTP 429, or 400 on older APIs).
pub const CODE_RATE_LIMITED: i64 = 99_991_400;

/// `code`s saying that the tenant or app access token sent is invalid or expired: the client
/// evicts the token it cached and retries once with a fresh one.
///
/// 99991663: tenant token invalid or expired; 99991664: app token invalid; 99991665: tenant token
/// invalid; 4001: "Invalid token, please refresh" (older APIs).
pub const CODES_TOKEN_INVALID: [i64; 4] = [99_991_663, 99_991_664, 99_991_665, 4001];

/// A failed call.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The platform answered with a non-zero `code`.
    #[error(transparent)]
    Api(Box<ApiError>),
    /// The answer is not what the platform's envelope promises: not JSON, no `code`, or a `data`
    /// that does not decode into the expected type.
    #[error("unexpected response (HTTP {status}, log id {}): {reason}", log_id.as_deref().unwrap_or("-"))]
    Unexpected {
        /// The HTTP status.
        status: u16,
        /// The `X-Tt-Logid` header, when present.
        log_id: Option<String>,
        /// What was wrong.
        reason: String,
    },
    /// No complete answer within the call's timeout.
    #[error("no answer within {limit:?}")]
    Timeout {
        /// The timeout.
        limit: Duration,
    },
    /// The request could not be sent or its answer not read (connection, TLS, body).
    #[error("transport error: {0}")]
    Transport(#[source] reqwest::Error),
    /// Fetching the access token the call needs failed.
    #[error("fetching the {kind} access token failed: {source}")]
    Token {
        /// The token fetched.
        kind: TokenType,
        /// Why (shared with every caller that waited for the same fetch).
        #[source]
        source: Arc<Error>,
    },
    /// The API accepts only a user access token and the call did not pass one.
    #[error("this API needs a user access token (CallOptions::user_access_token)")]
    MissingUserToken,
    /// A store app needs the tenant key to fetch a tenant access token.
    #[error(
        "a store app needs the tenant key to fetch a tenant access token (CallOptions::tenant_key)"
    )]
    MissingTenantKey,
    /// A store app has no app ticket yet; the platform was asked to push one (event `app_ticket`).
    #[error(
        "no app_ticket yet: pass the one the `app_ticket` event delivers to Client::set_app_ticket"
    )]
    MissingAppTicket,
    /// The request cannot be built: a missing path parameter, a body that does not serialize.
    #[error("invalid request: {0}")]
    InvalidRequest(String),
    /// The token cache failed to store the app ticket.
    #[error("the token cache failed: {0}")]
    Cache(#[source] super::cache::CacheError),
    /// The client configuration is refused: a base URL outside the platform's hosts, a bad URL,
    /// empty credentials.
    #[error("invalid client configuration: {0}")]
    Config(String),
}

impl Error {
    /// The platform's `code`, when it answered with one.
    pub fn code(&self) -> Option<i64> {
        self.api().map(|api| api.code)
    }

    /// The log id to quote to the platform's support, when the answer had one.
    pub fn log_id(&self) -> Option<&str> {
        match self {
            Self::Api(api) => api.log_id.as_deref(),
            Self::Unexpected { log_id, .. } => log_id.as_deref(),
            _ => None,
        }
    }

    /// The HTTP status of the answer, when there was one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Api(api) => Some(api.status),
            Self::Unexpected { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// Whether the platform refused the call for exceeding a rate limit (after the retries).
    pub fn is_rate_limited(&self) -> bool {
        self.code() == Some(CODE_RATE_LIMITED) || self.status() == Some(429)
    }

    /// The platform's error, looking through a failed token fetch.
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Self::Api(api) => Some(api),
            Self::Token { source, .. } => source.api(),
            _ => None,
        }
    }
}

impl From<ApiError> for Error {
    fn from(error: ApiError) -> Self {
        Self::Api(Box::new(error))
    }
}

/// The platform's answer to a failed call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The HTTP status.
    pub status: u16,
    /// The `code` (see the platform's error code list).
    pub code: i64,
    /// The `msg`.
    pub msg: String,
    /// The `X-Tt-Logid` header, or the body's `error.log_id`.
    pub log_id: Option<String>,
    /// The body's `error` object: which fields and permissions were wrong.
    pub detail: ErrorDetail,
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "code {}: {} (HTTP {}", self.code, self.msg, self.status)?;
        if let Some(log_id) = &self.log_id {
            write!(f, ", log id {log_id}")?;
        }
        f.write_str(")")?;
        for violation in &self.detail.field_violations {
            write!(f, "; field {}: {}", violation.field, violation.description)?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

/// The `error` object of a failed answer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct ErrorDetail {
    /// `error.log_id`.
    pub log_id: Option<String>,
    /// `error.field_violations`: request fields the platform refused.
    pub field_violations: Vec<FieldViolation>,
    /// `error.permission_violations`: scopes the app or user lacks.
    pub permission_violations: Vec<PermissionViolation>,
    /// `error.troubleshooter`: a link to the platform's diagnosis of this log id.
    pub troubleshooter: Option<String>,
}

/// A request field the platform refused.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct FieldViolation {
    /// The field's path.
    pub field: String,
    /// The value sent, when the platform echoes it.
    pub value: Option<String>,
    /// Why it was refused.
    pub description: String,
}

/// A permission the call lacks.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct PermissionViolation {
    /// The kind of violation.
    #[serde(rename = "type")]
    pub kind: String,
    /// The scope missing.
    pub subject: String,
    /// The platform's explanation.
    pub description: String,
}
