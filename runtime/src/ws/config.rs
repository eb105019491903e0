//! What the client is told: credentials and options by the user, [`ClientConfig`] by the server.

use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::reassembly::ReassemblyLimits;

/// The Feishu (China) open platform.
pub const FEISHU_DOMAIN: &str = "https://open.feishu.cn";
/// The Lark (international) open platform.
pub const LARK_DOMAIN: &str = "https://open.larksuite.com";

/// The app id and secret sent to the endpoint request.
#[derive(Clone)]
pub struct Credentials {
    pub(crate) app_id: String,
    pub(crate) app_secret: String,
}

impl Credentials {
    /// Credentials of an app (`cli_…` id and its secret).
    pub fn new(app_id: impl Into<String>, app_secret: impl Into<String>) -> Self {
        Self {
            app_id: app_id.into(),
            app_secret: app_secret.into(),
        }
    }

    /// The app id.
    pub fn app_id(&self) -> &str {
        &self.app_id
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("app_id", &self.app_id)
            .field("app_secret", &"<redacted>")
            .finish()
    }
}

/// The connection settings the server decides, starting from the official SDKs' defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientConfig {
    /// How many reconnect attempts after a drop before giving up; `None` is unlimited.
    pub reconnect_count: Option<u32>,
    /// The upper bound of the wait between reconnect attempts.
    pub reconnect_interval: Duration,
    /// The upper bound of the random jitter added before each reconnect attempt.
    pub reconnect_nonce: Duration,
    /// How often to ping.
    pub ping_interval: Duration,
}

impl Default for ClientConfig {
    fn default() -> Self {
        Self {
            reconnect_count: None,
            reconnect_interval: Duration::from_secs(120),
            reconnect_nonce: Duration::from_secs(30),
            ping_interval: Duration::from_secs(120),
        }
    }
}

/// `ClientConfig` as the server sends it (endpoint response, pong payload); values in seconds.
///
/// An absent field keeps the current value; a `ReconnectCount` below zero means unlimited; a
/// `PingInterval` below one second is ignored (it would flood the server). Durations are clamped
/// to sane ranges, whatever the server sends: `PingInterval` to at most [`MAX_PING_INTERVAL`],
/// `ReconnectInterval` to [`MIN_RECONNECT_INTERVAL`]..=[`MAX_RECONNECT_WAIT`] (so that backoff
/// always waits) and `ReconnectNonce` to at most [`MAX_RECONNECT_WAIT`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ClientConfigUpdate {
    /// `ReconnectCount`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reconnect_count: Option<i64>,
    /// `ReconnectInterval`, seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reconnect_interval: Option<i64>,
    /// `ReconnectNonce`, seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reconnect_nonce: Option<i64>,
    /// `PingInterval`, seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ping_interval: Option<i64>,
}

impl ClientConfigUpdate {
    /// Applies the fields that are present.
    pub fn apply_to(&self, config: &mut ClientConfig) {
        if let Some(count) = self.reconnect_count {
            config.reconnect_count = u32::try_from(count).ok();
        }
        if let Some(secs) = self.reconnect_interval {
            config.reconnect_interval =
                seconds(secs).clamp(MIN_RECONNECT_INTERVAL, MAX_RECONNECT_WAIT);
        }
        if let Some(secs) = self.reconnect_nonce {
            config.reconnect_nonce = seconds(secs).min(MAX_RECONNECT_WAIT);
        }
        if let Some(secs) = self.ping_interval.filter(|s| *s >= 1) {
            config.ping_interval = seconds(secs).min(MAX_PING_INTERVAL);
        }
    }
}

/// The longest ping interval the client accepts from the server.
pub const MAX_PING_INTERVAL: Duration = Duration::from_secs(600);
/// The shortest cap on the reconnect backoff the client accepts from the server.
pub const MIN_RECONNECT_INTERVAL: Duration = Duration::from_secs(1);
/// The longest reconnect interval or jitter the client accepts from the server.
pub const MAX_RECONNECT_WAIT: Duration = Duration::from_secs(600);

fn seconds(secs: i64) -> Duration {
    Duration::from_secs(u64::try_from(secs).unwrap_or(0))
}

/// The default bound on events in their handlers at once.
pub const DEFAULT_MAX_CONCURRENT_HANDLERS: usize = 64;

/// The client's own settings: where to connect and how long each network call may take.
#[derive(Debug, Clone)]
pub struct Options {
    pub(crate) domain: String,
    pub(crate) request_timeout: Duration,
    pub(crate) connect_timeout: Duration,
    pub(crate) write_timeout: Duration,
    pub(crate) pong_timeout: Duration,
    pub(crate) backoff_base: Duration,
    pub(crate) reassembly: ReassemblyLimits,
    pub(crate) max_concurrent_handlers: usize,
    pub(crate) callback_deadline: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            domain: FEISHU_DOMAIN.to_owned(),
            request_timeout: Duration::from_secs(10),
            connect_timeout: Duration::from_secs(10),
            write_timeout: Duration::from_secs(10),
            pong_timeout: Duration::from_secs(30),
            backoff_base: Duration::from_secs(1),
            reassembly: ReassemblyLimits::default(),
            max_concurrent_handlers: DEFAULT_MAX_CONCURRENT_HANDLERS,
            callback_deadline: crate::callback::DEFAULT_CALLBACK_DEADLINE,
        }
    }
}

impl Options {
    /// The open platform to ask for the endpoint ([`FEISHU_DOMAIN`] by default, [`LARK_DOMAIN`],
    /// or any `https://` or `http://` base URL).
    pub fn domain(mut self, domain: impl Into<String>) -> Self {
        self.domain = domain.into().trim_end_matches('/').to_owned();
        self
    }

    /// The limit on the endpoint request (10 s by default).
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.request_timeout = timeout;
        self
    }

    /// The limit on opening the WebSocket (10 s by default).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The limit on sending one frame (10 s by default).
    pub fn write_timeout(mut self, timeout: Duration) -> Self {
        self.write_timeout = timeout;
        self
    }

    /// How long past the ping interval the connection may go without a pong (the protocol's own,
    /// not the WebSocket's) before it counts as dead and is replaced (30 s by default).
    pub fn pong_timeout(mut self, timeout: Duration) -> Self {
        self.pong_timeout = timeout;
        self
    }

    /// The first wait of the exponential backoff between failed reconnect attempts (1 s by
    /// default); it doubles per attempt up to the server's `ReconnectInterval`.
    pub fn backoff_base(mut self, base: Duration) -> Self {
        self.backoff_base = base;
        self
    }

    /// Bounds on split messages waiting for their other parts.
    pub fn reassembly(mut self, limits: ReassemblyLimits) -> Self {
        self.reassembly = limits;
        self
    }

    /// How many events may be in their handlers at once ([`DEFAULT_MAX_CONCURRENT_HANDLERS`] by
    /// default, at least 1); while all are busy the client stops reading, so later events wait in
    /// the network, not in memory.
    pub fn max_concurrent_handlers(mut self, limit: usize) -> Self {
        self.max_concurrent_handlers = limit.max(1);
        self
    }

    /// How long a callback handler may run, from when its (reassembled) frame is handed to it,
    /// before it is dropped and `{}` is sent in its acknowledgement instead
    /// ([`DEFAULT_CALLBACK_DEADLINE`](crate::callback::DEFAULT_CALLBACK_DEADLINE), 2.8 s, by
    /// default: the platform waits 3 s). Events are not limited.
    pub fn callback_deadline(mut self, deadline: Duration) -> Self {
        self.callback_deadline = deadline;
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn update_applies_present_fields_only() {
        let mut config = ClientConfig::default();
        let update: ClientConfigUpdate =
            serde_json::from_str(r#"{"PingInterval":15,"ReconnectCount":3}"#).unwrap();
        update.apply_to(&mut config);
        assert_eq!(config.ping_interval, Duration::from_secs(15));
        assert_eq!(config.reconnect_count, Some(3));
        assert_eq!(config.reconnect_interval, Duration::from_secs(120));
    }

    #[test]
    fn negative_count_is_unlimited_and_zero_ping_is_ignored() {
        let mut config = ClientConfig {
            reconnect_count: Some(2),
            ..ClientConfig::default()
        };
        let update: ClientConfigUpdate =
            serde_json::from_str(r#"{"ReconnectCount":-1,"PingInterval":0,"ReconnectNonce":0}"#)
                .unwrap();
        update.apply_to(&mut config);
        assert_eq!(config.reconnect_count, None);
        assert_eq!(config.ping_interval, Duration::from_secs(120));
        assert_eq!(config.reconnect_nonce, Duration::ZERO);
    }

    #[test]
    fn server_sent_durations_are_clamped() {
        let mut config = ClientConfig::default();
        let huge = i64::MAX;
        let update: ClientConfigUpdate = serde_json::from_str(&format!(
            r#"{{"PingInterval":{huge},"ReconnectInterval":{huge},"ReconnectNonce":{huge},"ReconnectCount":{huge}}}"#
        ))
        .unwrap();
        update.apply_to(&mut config);
        assert_eq!(config.ping_interval, MAX_PING_INTERVAL);
        assert_eq!(config.reconnect_interval, MAX_RECONNECT_WAIT);
        assert_eq!(config.reconnect_nonce, MAX_RECONNECT_WAIT);
        assert_eq!(config.reconnect_count, None, "beyond u32: unlimited");
        let zero: ClientConfigUpdate = serde_json::from_str(r#"{"ReconnectInterval":0}"#).unwrap();
        zero.apply_to(&mut config);
        assert_eq!(config.reconnect_interval, MIN_RECONNECT_INTERVAL);
    }

    #[test]
    fn secret_is_not_printed() {
        let debug = format!("{:?}", Credentials::new("cli_a", "s3cr3t"));
        assert!(debug.contains("cli_a") && !debug.contains("s3cr3t"));
    }

    #[test]
    fn domain_loses_trailing_slash() {
        assert_eq!(Options::default().domain("http://x/").domain, "http://x");
    }
}
