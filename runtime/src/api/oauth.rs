//! User access tokens through OAuth 2.0 (authorization code grant), as the platform documents it.
//!
//! Send the user to [`Client::authorize_url`]; the platform redirects them back with a `code`
//! (valid 5 minutes, once), which [`Client::exchange_code`] turns into a [`UserToken`]; before the
//! token expires, [`Client::refresh_user_token`] renews it with its single-use `refresh_token`
//! (returned when the user granted `offline_access`). Both calls use the current endpoint,
//! `POST /open-apis/authen/v2/oauth/token`, with the app id and secret as `client_id` and
//! `client_secret`; the older `/open-apis/authen/v1/…` token endpoints, which take an app access
//! token, are not used. The client keeps no user token: pass `access_token` per call
//! ([`CallOptions::user_access_token`](super::CallOptions::user_access_token)).
//!
//! With PKCE (RFC 7636, which the platform supports and recommends), a [`Pkce`] made per sign-in
//! binds the code to the one who asked for it: [`Client::authorize_url_with_pkce`] sends its S256
//! challenge, [`Client::exchange_code_with_pkce`] its verifier, which the platform checks (error
//! 20049, `PKCE code challenge failed`, when they do not match).

use std::fmt;
use std::time::{Duration, SystemTime};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use reqwest::Method;
use serde::Deserialize;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use tracing::Instrument;

use super::client::Client;
use super::config::{FEISHU_BASE_URL, LARK_BASE_URL};
use super::error::Error;
use super::pacing::RateLimit;
use super::reply::{Reply, Success};
use super::request::Request;
use super::transport::{call_span, Mode};

/// The token endpoint, for codes and refresh tokens alike.
const TOKEN_PATH: &str = "/open-apis/authen/v2/oauth/token";
/// The authorization page, on the accounts host.
const AUTHORIZE_PATH: &str = "/open-apis/authen/v1/authorize";
/// The token endpoint's documented rate limit.
const TOKEN_RATE: &[RateLimit] = &[RateLimit::per_minute(1000), RateLimit::per_second(50)];
/// What a query value keeps as is: RFC 3986's unreserved characters.
const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// A user's grant: the token to call as the user, and how to renew it.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct UserToken {
    /// `access_token`: the `user_access_token`.
    pub access_token: String,
    /// `expires_in`: its lifetime, in seconds.
    pub expires_in: u64,
    /// When it expires: when it was asked for, plus `expires_in`.
    pub expires_at: SystemTime,
    /// `refresh_token`, single use; only when the user granted `offline_access`.
    pub refresh_token: Option<String>,
    /// `refresh_token_expires_in`: the refresh token's lifetime, in seconds.
    pub refresh_token_expires_in: Option<u64>,
    /// When the refresh token expires.
    pub refresh_expires_at: Option<SystemTime>,
    /// `scope`: the scopes granted, space-separated.
    pub scope: String,
    /// `token_type`: `Bearer`.
    pub token_type: String,
}

impl fmt::Debug for UserToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let refresh_token = self.refresh_token.as_ref().map(|_| "<redacted>");
        f.debug_struct("UserToken")
            .field("access_token", &"<redacted>")
            .field("expires_in", &self.expires_in)
            .field("expires_at", &self.expires_at)
            .field("refresh_token", &refresh_token)
            .field("refresh_token_expires_in", &self.refresh_token_expires_in)
            .field("refresh_expires_at", &self.refresh_expires_at)
            .field("scope", &self.scope)
            .field("token_type", &self.token_type)
            .finish()
    }
}

/// A PKCE code verifier (RFC 7636) for one sign-in: made before sending the user to the
/// authorization page, kept with the `state` (in the user's session, say) until they come back, then
/// given to [`Client::exchange_code_with_pkce`]. `Debug` does not show it.
#[derive(Clone, PartialEq, Eq)]
pub struct Pkce {
    verifier: String,
}

impl Pkce {
    /// A new random verifier: 32 bytes from the thread's cryptographic generator, base64url, 43
    /// characters.
    #[allow(clippy::new_without_default)] // each value is a fresh secret, not a default
    pub fn new() -> Self {
        let bytes: [u8; 32] = rand::random();
        Pkce {
            verifier: URL_SAFE_NO_PAD.encode(bytes),
        }
    }

    /// A verifier kept from [`Pkce::verifier`]: 43 to 128 characters of `A–Z a–z 0–9 - . _ ~`, as
    /// the RFC and the token page require; anything else is [`Error::InvalidRequest`].
    pub fn from_verifier(verifier: impl Into<String>) -> Result<Self, Error> {
        let verifier = verifier.into();
        let allowed = |b: u8| b.is_ascii_alphanumeric() || b"-._~".contains(&b);
        if !(43..=128).contains(&verifier.len()) || !verifier.bytes().all(allowed) {
            return Err(Error::InvalidRequest(format!(
                "a PKCE code verifier is 43 to 128 characters of A-Z a-z 0-9 - . _ ~ \
                 (this one has {} characters)",
                verifier.chars().count()
            )));
        }
        Ok(Pkce { verifier })
    }

    /// The verifier, to keep until the user comes back.
    pub fn verifier(&self) -> &str {
        &self.verifier
    }

    /// The S256 challenge the authorization page gets: base64url of the verifier's SHA-256.
    pub fn challenge(&self) -> String {
        URL_SAFE_NO_PAD.encode(Sha256::digest(self.verifier.as_bytes()))
    }
}

impl fmt::Debug for Pkce {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pkce")
            .field("verifier", &"<redacted>")
            .finish()
    }
}

/// A successful answer of the token endpoint; other fields are ignored.
#[derive(Deserialize)]
struct Grant {
    access_token: String,
    expires_in: u64,
    refresh_token: Option<String>,
    refresh_token_expires_in: Option<u64>,
    #[serde(default)]
    scope: String,
    #[serde(default)]
    token_type: String,
}

/// The OAuth fields of a failed answer.
#[derive(Deserialize)]
struct Refusal {
    error: Option<String>,
    error_description: Option<String>,
}

impl Client {
    /// The address of the authorization page to send the user to: the accounts host of the
    /// platform (`https://accounts.feishu.cn`, `https://accounts.larksuite.com`; the base URL
    /// itself for an allowed host) with `client_id`, `redirect_uri` (registered in the app's
    /// security settings), `scope` (space-separated; include `offline_access` for a refresh
    /// token) and `state` (checked on the way back, against CSRF). Empty scopes and state are
    /// left out.
    pub fn authorize_url(&self, redirect_uri: &str, scopes: &[&str], state: &str) -> String {
        self.authorize_url_for(redirect_uri, scopes, state, None)
    }

    /// [`Client::authorize_url`] with PKCE: also `code_challenge` (from `pkce`) and
    /// `code_challenge_method=S256`. Exchange the code with [`Client::exchange_code_with_pkce`] and
    /// the same `pkce`.
    pub fn authorize_url_with_pkce(
        &self,
        redirect_uri: &str,
        scopes: &[&str],
        state: &str,
        pkce: &Pkce,
    ) -> String {
        self.authorize_url_for(redirect_uri, scopes, state, Some(pkce))
    }

    fn authorize_url_for(
        &self,
        redirect_uri: &str,
        scopes: &[&str],
        state: &str,
        pkce: Option<&Pkce>,
    ) -> String {
        let settings = self.settings();
        let origin = match settings.base_url.as_str() {
            FEISHU_BASE_URL => "https://accounts.feishu.cn",
            LARK_BASE_URL => "https://accounts.larksuite.com",
            other => other,
        };
        let encode = |value: &str| utf8_percent_encode(value, QUERY_VALUE).to_string();
        let mut url = format!(
            "{origin}{AUTHORIZE_PATH}?client_id={}&redirect_uri={}",
            encode(&settings.app_id),
            encode(redirect_uri)
        );
        for (name, value) in [("scope", scopes.join(" ")), ("state", state.to_owned())] {
            if !value.is_empty() {
                url.push_str(&format!("&{name}={}", encode(&value)));
            }
        }
        if let Some(pkce) = pkce {
            url.push_str(&format!(
                "&code_challenge={}&code_challenge_method=S256",
                pkce.challenge()
            ));
        }
        url
    }

    /// Exchanges the `code` the authorization page redirected with for the user's token;
    /// `redirect_uri` is the one given to [`Client::authorize_url`] (sent unless empty). A code
    /// works once; the platform's refusal is [`Error::Api`] with its code and description.
    pub async fn exchange_code(&self, code: &str, redirect_uri: &str) -> Result<UserToken, Error> {
        self.exchange(code, redirect_uri, None).await
    }

    /// [`Client::exchange_code`] for a code asked for with [`Client::authorize_url_with_pkce`]:
    /// also sends `pkce`'s verifier (`code_verifier`), which the platform checks against the
    /// challenge.
    pub async fn exchange_code_with_pkce(
        &self,
        code: &str,
        redirect_uri: &str,
        pkce: &Pkce,
    ) -> Result<UserToken, Error> {
        self.exchange(code, redirect_uri, Some(pkce)).await
    }

    async fn exchange(
        &self,
        code: &str,
        redirect_uri: &str,
        pkce: Option<&Pkce>,
    ) -> Result<UserToken, Error> {
        let settings = self.settings();
        let mut body = json!({
            "grant_type": "authorization_code",
            "client_id": settings.app_id,
            "client_secret": settings.app_secret,
            "code": code,
        });
        if !redirect_uri.is_empty() {
            body["redirect_uri"] = Value::from(redirect_uri);
        }
        if let Some(pkce) = pkce {
            body["code_verifier"] = Value::from(pkce.verifier());
        }
        self.grant(&body).await
    }

    /// Renews a user's token with its `refresh_token`, which works once: keep the new one the
    /// answer holds. The old access token stays valid for a minute.
    pub async fn refresh_user_token(&self, refresh_token: &str) -> Result<UserToken, Error> {
        let settings = self.settings();
        let body = json!({
            "grant_type": "refresh_token",
            "client_id": settings.app_id,
            "client_secret": settings.app_secret,
            "refresh_token": refresh_token,
        });
        self.grant(&body).await
    }

    /// POSTs `body` to the token endpoint: sent once (a code or refresh token is single use),
    /// except after a refused connection or a rate limit.
    async fn grant(&self, body: &Value) -> Result<UserToken, Error> {
        let request = Request::new(Method::POST, TOKEN_PATH)
            .tokens(&[])
            .rate_limits(TOKEN_RATE)
            .json(body)?;
        let url = self.url(&request)?;
        let timeout = self.settings().timeout;
        let asked_at = SystemTime::now();
        let reply = self
            .transmit(&request, &url, None, timeout, Mode::Buffered, None)
            .instrument(call_span(&request))
            .await?
            .into_reply()?;
        let refusal = refusal(&reply);
        let mut success = reply.into_success().map_err(|error| match error {
            Error::Api(mut api) if api.msg.is_empty() => {
                api.msg = refusal.unwrap_or_default();
                Error::Api(api)
            }
            other => other,
        })?;
        user_token(&mut success, asked_at)
    }
}

/// `error: error_description` of a failed answer, which carries no `msg`.
fn refusal(reply: &Reply) -> Option<String> {
    if reply.code() == Some(0) {
        return None;
    }
    let refusal: Refusal = serde_json::from_slice(&reply.raw).ok()?;
    match (refusal.error, refusal.error_description) {
        (Some(error), Some(description)) => Some(format!("{error}: {description}")),
        (error, description) => error.or(description),
    }
}

/// The token of a successful answer, its expiries counted from `asked_at`.
fn user_token(success: &mut Success, asked_at: SystemTime) -> Result<UserToken, Error> {
    let object = Value::Object(std::mem::take(&mut success.object));
    let grant: Grant = success.decode("the token answer", object)?;
    if grant.access_token.is_empty() {
        return Err(success.unexpected("access_token is empty".into()));
    }
    let after = |seconds: u64| {
        asked_at
            .checked_add(Duration::from_secs(seconds))
            .ok_or_else(|| success.unexpected(format!("a lifetime of {seconds} s is out of range")))
    };
    Ok(UserToken {
        expires_at: after(grant.expires_in)?,
        refresh_expires_at: grant.refresh_token_expires_in.map(after).transpose()?,
        access_token: grant.access_token,
        expires_in: grant.expires_in,
        refresh_token: grant.refresh_token.filter(|t| !t.is_empty()),
        refresh_token_expires_in: grant.refresh_token_expires_in,
        scope: grant.scope,
        token_type: grant.token_type,
    })
}
