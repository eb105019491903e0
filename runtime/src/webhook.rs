//! Receiving events by webhook, independent of any HTTP framework: [`Webhook::handle`] turns the
//! signature headers and the raw body of a request into a status and a JSON body.
//!
//! Checks, in order: body size (413); signature over the raw bytes and timestamp window when an
//! encrypt key is set (401); decryption (400); envelope (400); verification token on every request,
//! the challenge included (401); then the URL verification challenge is answered, or the event is
//! dispatched. Compared with the official Node SDK, the signature covers the raw bytes (not
//! re-serialized JSON), a refused request gets a 4xx with a reason (not a silent 200), and a
//! duplicate delivery reaches the handler once.
//!
//! A callback ([`crate::callback`], e.g. `card.action.trigger`) is answered as the official SDKs
//! answer it: HTTP 200 with the handler's answer as the JSON body, in plaintext even when the
//! delivery was encrypted; 500 `{"msg":…}` when its handler fails. [`Webhook::handle_within`] bounds
//! the handler's time ([`Config::callback_deadline`], which the axum handler applies): a late
//! handler is dropped and `{}` answered, so that the card stays as it is instead of showing the
//! platform's timeout error.
//!
//! ```
//! use lark_runtime::dispatch::Dispatcher;
//! use lark_runtime::webhook::{Config, SignatureHeaders, Webhook};
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! // A generated crate adds typed handlers (`.on_p2_application_app_version_publish_apply_v6(…)`).
//! let dispatcher = Dispatcher::new().fallback(|envelope| async move {
//!     println!("{}", envelope.header.event_type);
//!     Ok(())
//! });
//! let webhook = Webhook::new(Config::new().verification_token("t0ken"), dispatcher);
//! // With the `axum` feature: `lark_runtime::webhook::axum::router("/webhook/event", Arc::new(webhook))`.
//! let challenge = br#"{"type":"url_verification","challenge":"c1","token":"t0ken"}"#;
//! let reply = webhook.handle(SignatureHeaders::default(), challenge).await;
//! assert_eq!((reply.status, reply.body.as_str()), (200, r#"{"challenge":"c1"}"#));
//! # }
//! ```

mod cipher;
mod config;
mod rejection;
mod signature;

#[cfg(feature = "axum")]
pub mod axum;

use std::borrow::Cow;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::Deserialize;
use subtle::ConstantTimeEq;

use crate::dispatch::{DispatchError, Dispatched, Dispatcher};
use crate::envelope::{self, Plaintext};

pub use cipher::{DecryptError, EncryptKey};
pub use config::{
    Config, DEFAULT_BODY_READ_TIMEOUT, DEFAULT_MAX_BODY_BYTES, DEFAULT_TIMESTAMP_TOLERANCE,
    ENCRYPT_KEY_ENV, VERIFICATION_TOKEN_ENV,
};
pub use rejection::Rejection;
pub use signature::{
    sign, verify, SignatureHeaders, NONCE_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER,
};

/// A webhook endpoint: its checks and the dispatcher events go to.
#[derive(Debug)]
pub struct Webhook {
    config: Config,
    dispatcher: Dispatcher,
}

/// What became of a request.
#[derive(Debug)]
pub enum Outcome {
    /// A URL verification request, answered with its challenge.
    Challenge(String),
    /// An event accepted by the dispatcher (handled, duplicate or unhandled), or a callback and its
    /// answer.
    Dispatched(Dispatched),
    /// A refused request.
    Rejected(Rejection),
}

/// The answer to a request: status, JSON body, and the outcome for logging.
#[derive(Debug)]
pub struct Reply {
    /// The HTTP status.
    pub status: u16,
    /// The JSON body: `{"challenge":…}`, `{"msg":"success"}`, a callback's answer, or
    /// `{"msg":"<reason>"}`.
    pub body: String,
    /// What happened.
    pub outcome: Outcome,
}

/// The body of the answer to an accepted event.
const SUCCESS: &str = r#"{"msg":"success"}"#;

impl From<Outcome> for Reply {
    fn from(outcome: Outcome) -> Self {
        let (status, body) = match &outcome {
            Outcome::Challenge(challenge) => (
                200,
                serde_json::json!({ "challenge": challenge }).to_string(),
            ),
            // A callback's answer is what the platform shows the user.
            Outcome::Dispatched(Dispatched::Answered { response, .. }) => {
                (200, response.to_string())
            }
            // Every accepted event gets the same answer: no JSON to build.
            Outcome::Dispatched(_) => (200, SUCCESS.to_owned()),
            Outcome::Rejected(rejection) => (
                rejection.status(),
                serde_json::json!({ "msg": rejection.reason() }).to_string(),
            ),
        };
        Self {
            status,
            body,
            outcome,
        }
    }
}

/// The outer shape of a body: an encrypted body has an `encrypt` field.
#[derive(Deserialize)]
struct Outer<'a> {
    #[serde(borrow)]
    encrypt: Option<Cow<'a, str>>,
}

impl Webhook {
    /// A webhook with these checks, dispatching events to `dispatcher`.
    pub fn new(config: Config, dispatcher: Dispatcher) -> Self {
        Self { config, dispatcher }
    }

    /// The checks in force.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Answers one request, using the system clock for the timestamp window. A callback handler has
    /// no deadline here: see [`Webhook::handle_within`].
    pub async fn handle(&self, headers: SignatureHeaders<'_>, body: &[u8]) -> Reply {
        self.handle_at(SystemTime::now(), headers, body).await
    }

    /// Answers one request as [`Webhook::handle`] does, but a callback handler still running when
    /// `deadline` completes is dropped and `{}` is answered (HTTP 200). `deadline` is any future, so
    /// that this stays independent of the async runtime: with tokio,
    /// `tokio::time::sleep(webhook.config().callback_deadline())`, started when the request arrived.
    pub async fn handle_within(
        &self,
        headers: SignatureHeaders<'_>,
        body: &[u8],
        deadline: impl std::future::Future<Output = ()>,
    ) -> Reply {
        self.answer(SystemTime::now(), headers, body, deadline)
            .await
    }

    /// Answers one request as if received at `now`.
    pub async fn handle_at(
        &self,
        now: SystemTime,
        headers: SignatureHeaders<'_>,
        body: &[u8],
    ) -> Reply {
        self.answer(now, headers, body, std::future::pending())
            .await
    }

    async fn answer(
        &self,
        now: SystemTime,
        headers: SignatureHeaders<'_>,
        body: &[u8],
        deadline: impl std::future::Future<Output = ()>,
    ) -> Reply {
        let outcome = match self.process(now, headers, body, deadline).await {
            Ok(outcome) => outcome,
            Err(rejection) => Outcome::Rejected(rejection),
        };
        log(&outcome);
        Reply::from(outcome)
    }

    async fn process(
        &self,
        now: SystemTime,
        headers: SignatureHeaders<'_>,
        body: &[u8],
        deadline: impl std::future::Future<Output = ()>,
    ) -> Result<Outcome, Rejection> {
        if body.len() > self.config.max_body_bytes {
            return Err(Rejection::TooLarge {
                limit: self.config.max_body_bytes,
            });
        }
        let signed = match (&self.config.encrypt_key, headers.signature) {
            (Some(key), Some(signature)) => {
                self.check_signature(now, key, headers, signature, body)?;
                true
            }
            _ => false,
        };
        let outer: Outer =
            serde_json::from_slice(body).map_err(|e| Rejection::MalformedJson(e.to_string()))?;
        // The decrypted body is dispatched as it is, never copied.
        let plaintext: Cow<str> = match outer.encrypt {
            Some(encrypt) => {
                let key = self
                    .config
                    .encrypt_key
                    .as_ref()
                    .ok_or(Rejection::NoEncryptKey)?;
                Cow::Owned(
                    envelope::utf8_owned(key.decrypt(&encrypt)?).map_err(DispatchError::from)?,
                )
            }
            None => Cow::Borrowed(envelope::utf8(body).map_err(DispatchError::from)?),
        };
        match self
            .dispatcher
            .read(plaintext)
            .map_err(DispatchError::from)?
        {
            Plaintext::UrlVerification(verification) => {
                self.check_token(verification.token.as_deref())?;
                Ok(Outcome::Challenge(verification.challenge))
            }
            Plaintext::Event(delivery) => {
                if self.config.encrypt_key.is_some() && !signed {
                    return Err(Rejection::MissingSignature);
                }
                self.check_token(delivery.header.token.as_deref())?;
                Ok(Outcome::Dispatched(
                    self.dispatcher
                        .dispatch_delivery_within(delivery, deadline)
                        .await?,
                ))
            }
        }
    }

    fn check_signature(
        &self,
        now: SystemTime,
        key: &EncryptKey,
        headers: SignatureHeaders<'_>,
        signature: &str,
        body: &[u8],
    ) -> Result<(), Rejection> {
        let (Some(timestamp), Some(nonce)) = (headers.timestamp, headers.nonce) else {
            return Err(Rejection::MissingSignature);
        };
        if let Some(tolerance) = self.config.timestamp_tolerance {
            let sent: i64 = timestamp
                .trim()
                .parse()
                .map_err(|_| Rejection::BadTimestamp)?;
            let now = now.duration_since(UNIX_EPOCH).map_or(0, |since| {
                i64::try_from(since.as_secs()).unwrap_or(i64::MAX)
            });
            if now.abs_diff(sent) > tolerance.as_secs() {
                return Err(Rejection::StaleTimestamp {
                    tolerance_secs: tolerance.as_secs(),
                });
            }
        }
        if verify(timestamp, nonce, key.as_str(), body, signature) {
            Ok(())
        } else {
            Err(Rejection::BadSignature)
        }
    }

    fn check_token(&self, given: Option<&str>) -> Result<(), Rejection> {
        let Some(expected) = &self.config.verification_token else {
            return Ok(());
        };
        match given {
            Some(given) if bool::from(given.as_bytes().ct_eq(expected.as_bytes())) => Ok(()),
            _ => Err(Rejection::BadToken),
        }
    }
}

fn log(outcome: &Outcome) {
    match outcome {
        Outcome::Challenge(_) => tracing::info!("answered url_verification challenge"),
        Outcome::Dispatched(Dispatched::Handled(header)) => tracing::debug!(
            event_type = %header.event_type,
            event_id = header.event_id.as_deref().unwrap_or(""),
            "handled"
        ),
        Outcome::Dispatched(Dispatched::Duplicate(header)) => tracing::info!(
            event_type = %header.event_type,
            event_id = header.event_id.as_deref().unwrap_or(""),
            "duplicate delivery acknowledged"
        ),
        Outcome::Dispatched(Dispatched::Unhandled(header)) => tracing::info!(
            event_type = %header.event_type,
            event_id = header.event_id.as_deref().unwrap_or(""),
            "no handler; acknowledged"
        ),
        Outcome::Dispatched(Dispatched::Answered { header, kind, .. }) => tracing::debug!(
            event_type = %header.event_type,
            event_id = header.event_id.as_deref().unwrap_or(""),
            ?kind,
            "callback answered"
        ),
        Outcome::Rejected(rejection) if rejection.status() >= 500 => {
            tracing::error!(status = rejection.status(), error = %rejection, "handler failed")
        }
        Outcome::Rejected(rejection) => {
            tracing::warn!(status = rejection.status(), reason = %rejection, "request refused")
        }
    }
}
