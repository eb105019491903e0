//! The long-connection client: endpoint request, connection, reconnects.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{watch, Semaphore};
use tokio::time::Instant;

use super::backoff::{may_retry, reconnect_delay};
use super::config::{ClientConfig, Credentials, Options};
use super::endpoint::{self, Endpoint};
use super::error::WsError;
use super::session::{self, Session};
use crate::dispatch::Dispatcher;

/// How long a connection must last for the next reconnect to start the backoff over; one that dies
/// younger counts as a failed attempt, so a server that accepts and closes at once is not hammered.
const STABLE_CONNECTION: Duration = Duration::from_secs(30);

/// Where the client is; watch it with [`Client::state`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConnectionState {
    /// Not started yet.
    Idle,
    /// Waiting before reconnect attempt `attempt`: 0 after a connection that lasted, one more for
    /// each failed attempt or connection that died young since.
    Waiting {
        /// The retry number.
        attempt: u32,
        /// How long the wait is.
        delay: Duration,
    },
    /// Requesting the endpoint and opening the WebSocket.
    Connecting,
    /// Connected; `connections` counts the successful connections so far.
    Connected {
        /// The connection id (`device_id`).
        conn_id: String,
        /// Successful connections since the start, this one included.
        connections: u64,
    },
    /// Stopped: shut down, a fatal error, or `ReconnectCount` exhausted.
    Stopped,
}

/// Receives events over the long connection and hands them to a [`Dispatcher`].
pub struct Client {
    credentials: Credentials,
    options: Options,
    dispatcher: Arc<Dispatcher>,
    handlers: Arc<Semaphore>,
    state: watch::Sender<ConnectionState>,
    config: watch::Sender<ClientConfig>,
}

impl Client {
    /// A client for the app, sending its events to `dispatcher`.
    pub fn new(credentials: Credentials, options: Options, dispatcher: Dispatcher) -> Self {
        let handlers = Arc::new(Semaphore::new(options.max_concurrent_handlers));
        Self {
            credentials,
            options,
            dispatcher: Arc::new(dispatcher),
            handlers,
            state: watch::Sender::new(ConnectionState::Idle),
            config: watch::Sender::new(ClientConfig::default()),
        }
    }

    /// The connection state as it changes.
    pub fn state(&self) -> watch::Receiver<ConnectionState> {
        self.state.subscribe()
    }

    /// The configuration in force, as the server updates it.
    pub fn config(&self) -> watch::Receiver<ClientConfig> {
        self.config.subscribe()
    }

    /// Runs until an error retrying cannot fix, or until `ReconnectCount` attempts failed.
    pub async fn run(self) -> Result<(), WsError> {
        self.run_until(std::future::pending()).await
    }

    /// Runs like [`Client::run`], and returns `Ok(())` once `shutdown` completes.
    pub async fn run_until(self, shutdown: impl Future<Output = ()>) -> Result<(), WsError> {
        let outcome = tokio::select! {
            () = shutdown => {
                tracing::info!("long connection shut down");
                Ok(())
            }
            outcome = self.keep_connected() => outcome,
        };
        self.state.send_replace(ConnectionState::Stopped);
        outcome
    }

    async fn keep_connected(&self) -> Result<(), WsError> {
        let http = reqwest::Client::builder()
            .connect_timeout(self.options.request_timeout)
            .build()
            .map_err(|source| WsError::EndpointTransport {
                url: self.options.domain.clone(),
                source,
            })?;
        // Failed attempts in a row, connections that died young included.
        let mut failures = 0u32;
        let mut connections = 0u64;
        loop {
            self.state.send_replace(ConnectionState::Connecting);
            let (what, error) = match self.connect(&http).await {
                Ok((endpoint, socket)) => {
                    connections += 1;
                    let (lived, error) = self.run_session(&endpoint, socket, connections).await;
                    failures = if lived >= STABLE_CONNECTION {
                        0
                    } else {
                        failures.saturating_add(1)
                    };
                    ("disconnected", error)
                }
                Err(error) if error.is_fatal() => {
                    tracing::error!(
                        "cannot connect: {}; not retrying, as retrying cannot fix this",
                        error.report()
                    );
                    return Err(error);
                }
                Err(error) => {
                    failures = failures.saturating_add(1);
                    ("connection attempt failed", error)
                }
            };
            self.wait_before_reconnecting(what, failures, error).await?;
        }
    }

    /// Runs one connected session; returns how long it lived and why it ended.
    async fn run_session(
        &self,
        endpoint: &Endpoint,
        socket: session::Socket,
        connections: u64,
    ) -> (Duration, WsError) {
        tracing::info!(url = %endpoint.display_url, conn_id = %endpoint.conn_id, "connected");
        self.state.send_replace(ConnectionState::Connected {
            conn_id: endpoint.conn_id.clone(),
            connections,
        });
        let started = Instant::now();
        let session = Session {
            endpoint,
            options: &self.options,
            config: &self.config,
            dispatcher: &self.dispatcher,
            handlers: &self.handlers,
        };
        let error = session.run(socket).await;
        (started.elapsed(), error)
    }

    /// Says what failed and what comes next, then waits before the next attempt, or gives up when
    /// `ReconnectCount` does not allow `failures` more.
    async fn wait_before_reconnecting(
        &self,
        what: &str,
        failures: u32,
        error: WsError,
    ) -> Result<(), WsError> {
        let config = *self.config.borrow();
        // The first wait after a connection that lived long is jitter only (attempt 0).
        let attempt = failures.saturating_sub(1);
        if failures > 0 && !may_retry(&config, attempt) {
            tracing::error!(
                "{what}: {}; giving up after {attempt} reconnect attempts",
                error.report()
            );
            return Err(WsError::GaveUp {
                attempts: attempt,
                last: Box::new(error),
            });
        }
        let delay = reconnect_delay(&config, self.options.backoff_base, attempt, rand::random());
        tracing::warn!(
            "{what}: {}; reconnecting in {:.1}s (attempt {})",
            error.report(),
            delay.as_secs_f64(),
            attempt + 1
        );
        self.state
            .send_replace(ConnectionState::Waiting { attempt, delay });
        tokio::time::sleep(delay).await;
        Ok(())
    }

    async fn connect(
        &self,
        http: &reqwest::Client,
    ) -> Result<(Endpoint, session::Socket), WsError> {
        tracing::info!(domain = %self.options.domain, app_id = %self.credentials.app_id(), "requesting the endpoint");
        let endpoint = endpoint::fetch(http, &self.credentials, &self.options).await?;
        if let Some(update) = endpoint.config {
            self.config.send_modify(|config| update.apply_to(config));
        }
        tracing::info!(url = %endpoint.display_url, "opening the websocket");
        let socket = session::open(&endpoint, &self.options).await?;
        Ok((endpoint, socket))
    }
}
