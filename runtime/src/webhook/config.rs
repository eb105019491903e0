//! What a webhook checks: verification token, encrypt key, timestamp window, body size, how long
//! a body may take to arrive, and how long a callback handler may take.

use std::time::Duration;

use super::cipher::EncryptKey;

/// Environment variable read by [`Config::from_env`] for the verification token.
pub const VERIFICATION_TOKEN_ENV: &str = "LARK_VERIFICATION_TOKEN";
/// Environment variable read by [`Config::from_env`] for the encrypt key.
pub const ENCRYPT_KEY_ENV: &str = "LARK_ENCRYPT_KEY";

/// The default largest accepted body: 1 MiB.
pub const DEFAULT_MAX_BODY_BYTES: usize = 1 << 20;
/// The default timestamp window: a signed request more than 5 minutes from now is refused.
pub const DEFAULT_TIMESTAMP_TOLERANCE: Duration = Duration::from_secs(300);

/// The default time a request body may take to arrive: a sender that stalls longer gets 408. The
/// platform itself waits 3 s for an answer, so a body that takes longer is not one it sent.
pub const DEFAULT_BODY_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// Webhook settings, from the app's "Events and callbacks → Encryption strategy" page.
#[derive(Debug, Clone)]
pub struct Config {
    pub(super) verification_token: Option<String>,
    pub(super) encrypt_key: Option<EncryptKey>,
    pub(super) timestamp_tolerance: Option<Duration>,
    pub(super) max_body_bytes: usize,
    pub(super) body_read_timeout: Duration,
    pub(super) callback_deadline: Duration,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            verification_token: None,
            encrypt_key: None,
            timestamp_tolerance: Some(DEFAULT_TIMESTAMP_TOLERANCE),
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            body_read_timeout: DEFAULT_BODY_READ_TIMEOUT,
            callback_deadline: crate::callback::DEFAULT_CALLBACK_DEADLINE,
        }
    }
}

impl Config {
    /// No token, no key, the default window, body limit and body read timeout.
    pub fn new() -> Self {
        Self::default()
    }

    /// Reads [`VERIFICATION_TOKEN_ENV`] and [`ENCRYPT_KEY_ENV`]; an unset or empty variable means none.
    pub fn from_env() -> Self {
        let var = |name| {
            std::env::var(name)
                .ok()
                .filter(|value: &String| !value.is_empty())
        };
        let mut config = Self::new();
        if let Some(token) = var(VERIFICATION_TOKEN_ENV) {
            config = config.verification_token(token);
        }
        if let Some(key) = var(ENCRYPT_KEY_ENV) {
            config = config.encrypt_key(key);
        }
        config
    }

    /// Every request must carry this token (compared in constant time).
    pub fn verification_token(mut self, token: impl Into<String>) -> Self {
        self.verification_token = Some(token.into());
        self
    }

    /// Bodies are decrypted with this key and every event must be signed with it.
    pub fn encrypt_key(mut self, key: impl Into<String>) -> Self {
        self.encrypt_key = Some(EncryptKey::new(key));
        self
    }

    /// A signed request whose timestamp is further than `tolerance` from now is refused;
    /// `None` accepts any timestamp.
    pub fn timestamp_tolerance(mut self, tolerance: Option<Duration>) -> Self {
        self.timestamp_tolerance = tolerance;
        self
    }

    /// Bodies longer than this are refused with 413.
    pub fn max_body_bytes(mut self, limit: usize) -> Self {
        self.max_body_bytes = limit;
        self
    }

    /// A body that has not fully arrived after `timeout` is refused with 408 (used by the HTTP
    /// integrations, which read the body).
    pub fn body_read_timeout(mut self, timeout: Duration) -> Self {
        self.body_read_timeout = timeout;
        self
    }

    /// How long a callback handler may run, counted from the request's arrival, before `{}` is
    /// answered in its place ([`DEFAULT_CALLBACK_DEADLINE`](crate::callback::DEFAULT_CALLBACK_DEADLINE),
    /// 2.8 s, by default: the platform waits 3 s). Applied by the HTTP integrations (axum) through
    /// [`Webhook::handle_within`](super::Webhook::handle_within).
    pub fn callback_deadline(mut self, deadline: Duration) -> Self {
        self.callback_deadline = deadline;
        self
    }

    /// The callback deadline ([`Config::callback_deadline`]).
    pub fn callback_time_limit(&self) -> Duration {
        self.callback_deadline
    }

    /// The body size limit.
    pub fn body_limit(&self) -> usize {
        self.max_body_bytes
    }

    /// How long a body may take to arrive.
    pub fn read_timeout(&self) -> Duration {
        self.body_read_timeout
    }

    /// Whether a verification token is configured.
    pub fn has_verification_token(&self) -> bool {
        self.verification_token.is_some()
    }

    /// Whether an encrypt key is configured.
    pub fn has_encrypt_key(&self) -> bool {
        self.encrypt_key.is_some()
    }
}
