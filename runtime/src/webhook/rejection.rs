//! Why a request was refused, as an HTTP status and a short reason.

use crate::dispatch::DispatchError;

use super::cipher::DecryptError;

/// A refused request. Every sender's mistake is a 4xx; only a failing handler is a 5xx, so that
/// the platform retries the event.
#[derive(Debug, thiserror::Error)]
pub enum Rejection {
    /// The body is longer than the configured limit (413).
    #[error("body exceeds {limit} bytes")]
    TooLarge {
        /// The configured limit.
        limit: usize,
    },
    /// The body could not be read: the connection failed midway (400).
    #[error("cannot read the body: {0}")]
    UnreadableBody(String),
    /// The body did not fully arrive in time (408).
    #[error("body not received within {timeout:?}")]
    SlowBody {
        /// The configured body read timeout.
        timeout: std::time::Duration,
    },
    /// The body is not JSON (400).
    #[error("malformed JSON: {0}")]
    MalformedJson(String),
    /// An encrypted body arrived but no encrypt key is configured (400).
    #[error("body is encrypted but no encrypt key is configured")]
    NoEncryptKey,
    /// The `encrypt` field could not be decrypted (400).
    #[error("cannot decrypt: {0}")]
    Decrypt(#[from] DecryptError),
    /// The signature headers are missing on an event while an encrypt key is configured (401).
    #[error("missing signature headers")]
    MissingSignature,
    /// The timestamp header is not a Unix time in seconds (401).
    #[error("timestamp header is not a Unix time in seconds")]
    BadTimestamp,
    /// The timestamp is outside the configured window (401).
    #[error("timestamp outside the allowed window of {tolerance_secs} s")]
    StaleTimestamp {
        /// The configured window.
        tolerance_secs: u64,
    },
    /// The signature does not match the raw body (401).
    #[error("signature mismatch")]
    BadSignature,
    /// The verification token is missing or wrong (401).
    #[error("verification token mismatch")]
    BadToken,
    /// The body is not an event envelope, does not fit its registered type (400), or its handler
    /// failed (500).
    #[error(transparent)]
    Dispatch(#[from] DispatchError),
}

impl Rejection {
    /// The HTTP status to answer with.
    pub fn status(&self) -> u16 {
        match self {
            Self::TooLarge { .. } => 413,
            Self::SlowBody { .. } => 408,
            Self::MissingSignature
            | Self::BadTimestamp
            | Self::StaleTimestamp { .. }
            | Self::BadSignature
            | Self::BadToken => 401,
            Self::Dispatch(DispatchError::Handler { .. }) => 500,
            Self::UnreadableBody(_)
            | Self::MalformedJson(_)
            | Self::NoEncryptKey
            | Self::Decrypt(_)
            | Self::Dispatch(_) => 400,
        }
    }

    /// The short reason put in the response body. A handler's own error stays in the logs.
    pub fn reason(&self) -> String {
        match self {
            Self::Dispatch(DispatchError::Handler { event_type, .. }) => {
                format!("handler for {event_type} failed")
            }
            other => other.to_string(),
        }
    }
}
