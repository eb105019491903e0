//! Calling the platform's server APIs: the client the generated API methods go through.
//!
//! A [`Client`] is built once per app. It fetches tenant and app access tokens itself, keeps
//! them in a [`TokenCache`] (in memory by default) until shortly before they expire, fetches each
//! only once however many calls wait for it, and when the platform answers that a token is
//! invalid or expired, evicts it and retries the call once. A user access token is passed per
//! call in [`CallOptions`].
//!
//! Each call is a [`Request`]: method, path template, path parameters (percent-encoded), query,
//! JSON or multipart body, and the token kinds the API accepts. The answer's envelope
//! `{"code", "msg", "data"}` is checked and `data` decoded into the caller's type; anything
//! unexpected is an [`Error`], never a panic. Network errors and HTTP 5xx are retried with
//! jittered backoff for idempotent requests, and rate limits (HTTP 429, or 400 with code
//! 99991400) after the `x-ogw-ratelimit-reset` wait, a bounded number of times ([`RetryPolicy`]).
//! With [`ClientBuilder::pacing`], calls also wait for room under the rate limits their APIs
//! document ([`RateLimit`]). Paginated APIs are a [`Stream`](futures_util::Stream) of items
//! ([`Client::paginate`]), downloads a stream of chunks ([`Client::download`]). Each call runs in
//! a `lark_api` tracing span that records its HTTP status and log id.
//!
//! User access tokens come from the platform's OAuth flow: [`Client::authorize_url`], then
//! [`Client::exchange_code`] and [`Client::refresh_user_token`] (see [`UserToken`]), with PKCE
//! through [`Pkce`].
//!
//! The base URL is Feishu's or Lark's; any other host is refused unless allowed explicitly, so
//! that tokens cannot leak.
//!
//! ```no_run
//! # async fn run() -> Result<(), lark_runtime::api::Error> {
//! use lark_runtime::api::{CallOptions, Client, Method, Request, LARK_BASE_URL};
//!
//! let client = Client::builder("cli_xxx", "secret").base_url(LARK_BASE_URL).build()?;
//! let request = Request::new(Method::GET, "/open-apis/im/v1/chats/:chat_id")
//!     .path_param("chat_id", "oc_xxx");
//! let chat = client.call::<serde_json::Value>(&request, &CallOptions::new()).await?;
//! println!("{} (log id {:?})", chat.data["name"], chat.log_id);
//! # Ok(())
//! # }
//! ```

mod cache;
mod client;
mod config;
mod download;
mod endpoint;
mod error;
mod oauth;
mod pacing;
mod page;
mod path;
mod reply;
mod request;
mod retry;
mod token;
mod transport;

pub use cache::{CacheError, CachedToken, MemoryCache, TokenCache};
pub use client::Client;
pub use config::{
    AppType, ClientBuilder, DEFAULT_REFRESH_MARGIN, DEFAULT_TIMEOUT, FEISHU_BASE_URL, LARK_BASE_URL,
};
pub use download::Download;
#[doc(hidden)]
pub use endpoint::__private;
pub use endpoint::{Answer, Endpoint, File, FileEndpoint, Form, FromJson, Paginated};
pub use error::{
    ApiError, Error, ErrorDetail, FieldViolation, PermissionViolation, CODES_TOKEN_INVALID,
    CODE_RATE_LIMITED,
};
pub use oauth::{Pkce, UserToken};
pub use pacing::RateLimit;
pub use reply::Response;
pub use request::{CallOptions, Multipart, Request, TokenType};
pub use reqwest::Method;
pub use retry::RetryPolicy;

pub use crate::__api_catalog as catalog;
pub use crate::__api_endpoint as endpoint;
pub use crate::__api_form as form;
pub use crate::__api_pages as pages;
