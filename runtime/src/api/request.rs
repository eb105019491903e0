//! What a call sends: the API's method, path, query and body, and which tokens it accepts.

use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use reqwest::Method;
use serde::Serialize;

use super::error::Error;
use super::pacing::RateLimit;

/// An access token kind an API accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokenType {
    /// `tenant_access_token`: the app acting in a tenant; fetched and cached by the client.
    Tenant,
    /// `app_access_token`: the app itself; fetched and cached by the client.
    App,
    /// `user_access_token`: a user's grant, passed per call in [`CallOptions`].
    User,
}

impl fmt::Display for TokenType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Tenant => "tenant",
            Self::App => "app",
            Self::User => "user",
        })
    }
}

/// One API request, as the generated methods describe it.
///
/// ```
/// use lark_runtime::api::{Method, Request, TokenType};
///
/// let request = Request::new(Method::GET, "/open-apis/im/v1/chats/:chat_id")
///     .path_param("chat_id", "oc_a0553eda9014c201e6969b478895c230")
///     .query("user_id_type", "open_id")
///     .tokens(&[TokenType::Tenant, TokenType::User]);
/// ```
#[derive(Debug, Clone)]
pub struct Request {
    pub(crate) method: Method,
    pub(crate) template: &'static str,
    pub(crate) path_params: Vec<(&'static str, String)>,
    pub(crate) query: Vec<(String, String)>,
    pub(crate) body: Body,
    pub(crate) tokens: &'static [TokenType],
    pub(crate) rate_limits: &'static [RateLimit],
    pub(crate) idempotent: bool,
}

/// The body of a request, kept so that a retry can send it again.
#[derive(Debug, Clone)]
pub(crate) enum Body {
    Empty,
    Json(Bytes),
    Multipart(Multipart),
}

impl Request {
    /// A request for `template`, a path such as `/open-apis/im/v1/chats/:chat_id` whose `:name`
    /// segments are filled by [`Request::path_param`]. It accepts the tenant token, declares no
    /// rate limit, and is idempotent unless the method is `POST` or `PATCH`.
    pub fn new(method: Method, template: &'static str) -> Self {
        let idempotent = !matches!(method, Method::POST | Method::PATCH);
        Self {
            method,
            template,
            path_params: Vec::new(),
            query: Vec::new(),
            body: Body::Empty,
            tokens: &[TokenType::Tenant],
            rate_limits: &[],
            idempotent,
        }
    }

    /// Fills the `:name` segment of the path (percent-encoded when sent).
    pub fn path_param(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.path_params.push((name, value.into()));
        self
    }

    /// Adds a query parameter (repeat the name for a list).
    pub fn query(mut self, name: impl Into<String>, value: impl ToString) -> Self {
        self.query.push((name.into(), value.to_string()));
        self
    }

    /// Sets the query parameter `name`, replacing any value it had.
    pub(crate) fn set_query(&mut self, name: &str, value: &str) {
        self.query.retain(|(key, _)| key != name);
        self.query.push((name.to_owned(), value.to_owned()));
    }

    /// Sends `body` as JSON.
    pub fn json<B: Serialize + ?Sized>(mut self, body: &B) -> Result<Self, Error> {
        let bytes = serde_json::to_vec(body)
            .map_err(|e| Error::InvalidRequest(format!("the JSON body does not serialize: {e}")))?;
        self.body = Body::Json(bytes.into());
        Ok(self)
    }

    /// Sends `form` as `multipart/form-data` (uploads).
    pub fn multipart(mut self, form: Multipart) -> Self {
        self.body = Body::Multipart(form);
        self
    }

    /// The token kinds the API accepts, in the order the client prefers them; a user token
    /// passed in [`CallOptions`] wins when [`TokenType::User`] is listed. Empty: no token.
    pub fn tokens(mut self, tokens: &'static [TokenType]) -> Self {
        self.tokens = tokens;
        self
    }

    /// The rate limits the API documents, which a client with
    /// [`pacing`](super::ClientBuilder::pacing) keeps its calls within.
    pub fn rate_limits(mut self, limits: &'static [RateLimit]) -> Self {
        self.rate_limits = limits;
        self
    }

    /// Whether sending the request twice does no harm, so that network errors and HTTP 5xx may
    /// be retried (a refused connection or a rate limit is retried either way).
    pub fn idempotent(mut self, idempotent: bool) -> Self {
        self.idempotent = idempotent;
        self
    }
}

/// A `multipart/form-data` body: text fields and files, in order.
#[derive(Debug, Clone, Default)]
pub struct Multipart {
    pub(crate) parts: Vec<Part>,
}

#[derive(Debug, Clone)]
pub(crate) struct Part {
    pub(crate) name: String,
    pub(crate) value: PartValue,
}

#[derive(Debug, Clone)]
pub(crate) enum PartValue {
    Text(String),
    File {
        file_name: String,
        mime: Option<String>,
        content: Bytes,
    },
}

impl Multipart {
    /// An empty form.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a text field.
    pub fn text(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.parts.push(Part {
            name: name.into(),
            value: PartValue::Text(value.into()),
        });
        self
    }

    /// Adds a file, held in memory so that a retry can send it again.
    pub fn file(
        mut self,
        name: impl Into<String>,
        file_name: impl Into<String>,
        mime: Option<&str>,
        content: impl Into<Bytes>,
    ) -> Self {
        self.parts.push(Part {
            name: name.into(),
            value: PartValue::File {
                file_name: file_name.into(),
                mime: mime.map(str::to_owned),
                content: content.into(),
            },
        });
        self
    }
}

/// Per-call settings: whose token, which tenant, how long.
#[derive(Clone, Default)]
pub struct CallOptions {
    pub(crate) user_access_token: Option<String>,
    pub(crate) tenant_key: Option<String>,
    pub(crate) timeout: Option<Duration>,
}

impl CallOptions {
    /// No user token, no tenant key, the client's timeout.
    pub fn new() -> Self {
        Self::default()
    }

    /// Calls as this user, when the API accepts user tokens.
    pub fn user_access_token(mut self, token: impl Into<String>) -> Self {
        self.user_access_token = Some(token.into());
        self
    }

    /// The tenant a store app acts in (ignored by custom apps, which have one tenant).
    pub fn tenant_key(mut self, tenant_key: impl Into<String>) -> Self {
        self.tenant_key = Some(tenant_key.into());
        self
    }

    /// Overrides the client's timeout for each attempt of this call.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }
}

impl fmt::Debug for CallOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let redacted = self.user_access_token.as_ref().map(|_| "<redacted>");
        f.debug_struct("CallOptions")
            .field("user_access_token", &redacted)
            .field("tenant_key", &self.tenant_key)
            .field("timeout", &self.timeout)
            .finish()
    }
}
