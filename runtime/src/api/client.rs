//! The client: one per app, cheap to clone, and the typed call every API method goes through.

use std::fmt;
use std::sync::Arc;

use serde::de::DeserializeOwned;
use tracing::Instrument;

use super::cache::TokenCache;
use super::config::{ClientBuilder, Settings};
use super::error::{Error, CODES_TOKEN_INVALID};
use super::pacing::Pacer;
use super::reply::{Response, Success};
use super::request::{CallOptions, Request, TokenType};
use super::token::{HeldToken, Tokens};
use super::transport::{call_span, Answer, Mode};

/// A client of the platform's server APIs for one app. Clones share the token cache, the HTTP
/// connection pool and the pacing.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    settings: Settings,
    http: reqwest::Client,
    tokens: Tokens,
    /// When pacing is on.
    pacer: Option<Pacer>,
}

/// The token a call sends.
enum Auth {
    None,
    /// A tenant or app token from the cache, evicted if the platform refuses it.
    Held(HeldToken),
    User(String),
}

impl Client {
    /// Starts building a client for the app `app_id` (`cli_…`) with its secret.
    pub fn builder(app_id: impl Into<String>, app_secret: impl Into<String>) -> ClientBuilder {
        ClientBuilder::new(app_id.into(), app_secret.into())
    }

    pub(crate) fn from_parts(
        settings: Settings,
        http: reqwest::Client,
        cache: Arc<dyn TokenCache>,
    ) -> Self {
        let tokens = Tokens::new(cache);
        let pacer = settings.pacing.then(Pacer::default);
        Self {
            inner: Arc::new(Inner {
                settings,
                http,
                tokens,
                pacer,
            }),
        }
    }

    pub(crate) fn settings(&self) -> &Settings {
        &self.inner.settings
    }

    pub(crate) fn http(&self) -> &reqwest::Client {
        &self.inner.http
    }

    pub(crate) fn tokens(&self) -> &Tokens {
        &self.inner.tokens
    }

    pub(crate) fn pacer(&self) -> Option<&Pacer> {
        self.inner.pacer.as_ref()
    }

    /// Calls the API and decodes the answer's `data` as `T` (a missing or `null` `data` as `{}`;
    /// use [`serde::de::IgnoredAny`] when there is nothing to read).
    pub async fn call<T: DeserializeOwned>(
        &self,
        request: &Request,
        options: &CallOptions,
    ) -> Result<Response<T>, Error> {
        let mut success = self.call_raw(request, options).await?;
        let data = success.take_data();
        Ok(Response {
            data: success.decode("data", data)?,
            log_id: success.log_id,
        })
    }

    /// Calls the API and returns the body of its successful answer.
    pub(crate) async fn call_raw(
        &self,
        request: &Request,
        options: &CallOptions,
    ) -> Result<Success, Error> {
        self.execute(request, options, Mode::Buffered)
            .await?
            .into_reply()?
            .into_success()
    }

    /// Sends the request with the token it needs; a held token the platform refuses is evicted
    /// and the request sent once more with a fresh one.
    pub(crate) async fn execute(
        &self,
        request: &Request,
        options: &CallOptions,
        mode: Mode,
    ) -> Result<Answer, Error> {
        let span = call_span(request);
        async {
            let url = self.url(request)?;
            let limit = options.timeout.unwrap_or(self.settings().timeout);
            let tenant = self.pacing_tenant(options);
            let mut refreshed = false;
            loop {
                let auth = self.authorize(request, options).await?;
                let bearer = match &auth {
                    Auth::None => None,
                    Auth::Held(held) => Some(held.value.as_str()),
                    Auth::User(token) => Some(token.as_str()),
                };
                let answer = self
                    .transmit(request, &url, bearer, limit, mode, tenant)
                    .await?;
                let refused = match &answer {
                    Answer::Reply(reply) => reply
                        .code()
                        .filter(|code| CODES_TOKEN_INVALID.contains(code)),
                    Answer::Stream(_) => None,
                };
                match (auth, refused) {
                    (Auth::Held(held), Some(code)) if !refreshed => {
                        tracing::info!(code, "the platform refused the cached token; refreshing");
                        self.tokens().evict(&held.key, &held.value).await;
                        refreshed = true;
                    }
                    _ => return Ok(answer),
                }
            }
        }
        .instrument(span)
        .await
    }

    /// The token to send: the caller's user token when given (and accepted), else the first
    /// kind of held token the API accepts.
    async fn authorize(&self, request: &Request, options: &CallOptions) -> Result<Auth, Error> {
        let accepts = |kind| request.tokens.contains(&kind);
        if let Some(token) = &options.user_access_token {
            if !accepts(TokenType::User) {
                return Err(Error::InvalidRequest(
                    "this API does not accept a user access token".into(),
                ));
            }
            return Ok(Auth::User(token.clone()));
        }
        let tenant_key = options.tenant_key.as_deref();
        for kind in request.tokens {
            match kind {
                TokenType::Tenant => {
                    return Ok(Auth::Held(self.held_tenant_token(tenant_key).await?))
                }
                TokenType::App => return Ok(Auth::Held(self.held_app_token().await?)),
                TokenType::User => {}
            }
        }
        if accepts(TokenType::User) {
            return Err(Error::MissingUserToken);
        }
        Ok(Auth::None)
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("settings", &self.inner.settings)
            .finish_non_exhaustive()
    }
}
