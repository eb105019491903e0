//! Why the long connection failed, and whether retrying can help.

use std::time::Duration;

/// Endpoint `code`: success.
pub(crate) const CODE_OK: i64 = 0;
/// Endpoint `code`: the server is busy (retry).
pub(crate) const CODE_SYSTEM_BUSY: i64 = 1;
/// Endpoint `code`: an internal server error (retry).
pub(crate) const CODE_INTERNAL_ERROR: i64 = 1_000_040_343;
/// Handshake status: the client is forbidden (stop).
pub(crate) const HANDSHAKE_FORBIDDEN: i64 = 403;
/// Handshake status: authentication failed; fatal only with [`AUTH_EXCEED_CONN_LIMIT`].
pub(crate) const HANDSHAKE_AUTH_FAILED: i64 = 514;
/// Handshake auth error code: the app has too many connections (stop).
pub(crate) const AUTH_EXCEED_CONN_LIMIT: i64 = 1_000_040_350;

/// A long-connection failure.
#[derive(Debug, thiserror::Error)]
pub enum WsError {
    /// The app id or secret is empty.
    #[error("the app id and app secret are required")]
    MissingCredentials,
    /// The endpoint request did not complete.
    #[error("endpoint request to {url} failed")]
    EndpointTransport {
        /// The request URL.
        url: String,
        /// The HTTP client's error.
        source: reqwest::Error,
    },
    /// The endpoint answered with an HTTP status other than 200.
    #[error("endpoint request to {url} answered HTTP {status}: {message}")]
    EndpointStatus {
        /// The request URL.
        url: String,
        /// The HTTP status and reason.
        status: reqwest::StatusCode,
        /// The body's `msg`, or the body.
        message: String,
    },
    /// The endpoint answered 200 with an error code.
    #[error("endpoint refused the connection: code {code}: {message}")]
    EndpointRefused {
        /// The `code`.
        code: i64,
        /// The `msg`.
        message: String,
    },
    /// The endpoint's answer is not what the protocol says.
    #[error("endpoint response is invalid: {0}")]
    EndpointInvalid(String),
    /// The server refused the WebSocket handshake.
    #[error("websocket handshake refused: HTTP {http_status}, status {status}, auth code {auth_code}: {message}")]
    HandshakeRefused {
        /// The HTTP status of the refusal.
        http_status: u16,
        /// The `Handshake-Status` header (the HTTP status when absent).
        status: i64,
        /// The `Handshake-Autherrcode` header (0 when absent).
        auth_code: i64,
        /// The `Handshake-Msg` header.
        message: String,
    },
    /// The WebSocket failed (handshake transport, read or write).
    #[error("websocket {during} failed")]
    WebSocket {
        /// What was being done.
        during: &'static str,
        /// The WebSocket library's error.
        source: Box<tokio_tungstenite::tungstenite::Error>,
    },
    /// A network call took longer than its limit.
    #[error("{during} timed out after {limit:?}")]
    Timeout {
        /// What was being done.
        during: &'static str,
        /// The limit.
        limit: Duration,
    },
    /// The server closed the connection.
    #[error("the server closed the connection")]
    Closed,
    /// `ReconnectCount` attempts failed.
    #[error("gave up after {attempts} reconnect attempts")]
    GaveUp {
        /// How many attempts were made.
        attempts: u32,
        /// The last attempt's error.
        #[source]
        last: Box<WsError>,
    },
}

impl WsError {
    /// Whether retrying cannot help: the credentials or the app are refused, as the official SDKs
    /// decide (endpoint codes other than busy/internal, handshake status 403, connection limit).
    pub fn is_fatal(&self) -> bool {
        match self {
            Self::MissingCredentials | Self::GaveUp { .. } => true,
            Self::EndpointRefused { code, .. } => {
                !matches!(*code, CODE_SYSTEM_BUSY | CODE_INTERNAL_ERROR)
            }
            Self::HandshakeRefused {
                status, auth_code, ..
            } => match *status {
                HANDSHAKE_FORBIDDEN => true,
                HANDSHAKE_AUTH_FAILED => *auth_code == AUTH_EXCEED_CONN_LIMIT,
                _ => false,
            },
            _ => false,
        }
    }

    /// This error and every cause under it, joined by `: ` (DNS, refused connection, TLS, timeout…).
    /// `Display` shows only this error's own message, as `std::error::Error` asks.
    pub fn report(&self) -> String {
        let mut report = self.to_string();
        let mut cause = std::error::Error::source(self);
        while let Some(error) = cause {
            let text = error.to_string();
            // Some errors repeat their cause in their own message; say it once.
            if !report.ends_with(&text) {
                report.push_str(": ");
                report.push_str(&text);
            }
            cause = error.source();
        }
        report
    }

    pub(crate) fn websocket(
        during: &'static str,
        source: tokio_tungstenite::tungstenite::Error,
    ) -> Self {
        Self::WebSocket {
            during,
            source: Box::new(source),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(status: i64, auth_code: i64) -> WsError {
        WsError::HandshakeRefused {
            http_status: 400,
            status,
            auth_code,
            message: String::new(),
        }
    }

    #[test]
    fn handshake_errors_after_which_retrying_stops() {
        assert!(refused(403, 0).is_fatal());
        assert!(refused(514, AUTH_EXCEED_CONN_LIMIT).is_fatal());
        assert!(!refused(514, 1).is_fatal());
        assert!(!refused(500, 0).is_fatal());
    }

    #[test]
    fn endpoint_codes_after_which_retrying_stops() {
        let code = |code| WsError::EndpointRefused {
            code,
            message: String::new(),
        };
        assert!(!code(CODE_SYSTEM_BUSY).is_fatal());
        assert!(!code(CODE_INTERNAL_ERROR).is_fatal());
        assert!(code(10003).is_fatal());
        assert!(!WsError::Closed.is_fatal());
    }

    #[test]
    fn report_names_every_cause_once() {
        let io = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "connection refused");
        let error = WsError::GaveUp {
            attempts: 2,
            last: Box::new(WsError::websocket("read", io.into())),
        };
        assert_eq!(
            error.report(),
            "gave up after 2 reconnect attempts: websocket read failed: IO error: connection refused"
        );
    }
}
