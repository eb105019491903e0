//! The long-connection client: endpoint request, connection, reconnects.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{watch, Semaphore};

use super::backoff::{may_retry, reconnect_delay};
use super::config::{ClientConfig, Credentials, Options};
use super::endpoint::{self, Endpoint};
use super::error::WsError;
use super::session::{self, Session};
use crate::dispatch::Dispatcher;

/// Where the client is; watch it with [`Client::state`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConnectionState {
    /// Not started yet.
    Idle,
    /// Waiting before reconnect attempt `attempt` (0 = the first after a failure).
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
        let mut retry: Option<u32> = None;
        let mut connections = 0u64;
        loop {
            if let Some(attempt) = retry {
                let config = *self.config.borrow();
                let delay =
                    reconnect_delay(&config, self.options.backoff_base, attempt, rand::random());
                tracing::info!(attempt, ?delay, "reconnecting");
                self.state
                    .send_replace(ConnectionState::Waiting { attempt, delay });
                tokio::time::sleep(delay).await;
            }
            self.state.send_replace(ConnectionState::Connecting);
            let error = match self.connect(&http).await {
                Ok((endpoint, socket)) => {
                    connections += 1;
                    tracing::info!(url = %endpoint.display_url, conn_id = %endpoint.conn_id, "connected");
                    self.state.send_replace(ConnectionState::Connected {
                        conn_id: endpoint.conn_id.clone(),
                        connections,
                    });
                    let session = Session {
                        endpoint: &endpoint,
                        options: &self.options,
                        config: &self.config,
                        dispatcher: &self.dispatcher,
                        handlers: &self.handlers,
                    };
                    let error = session.run(socket).await;
                    tracing::warn!(conn_id = %endpoint.conn_id, %error, "disconnected");
                    retry = Some(0);
                    error
                }
                Err(error) if error.is_fatal() => {
                    tracing::error!(%error, "cannot connect; not retrying");
                    return Err(error);
                }
                Err(error) => {
                    tracing::warn!(%error, "connection attempt failed");
                    retry = Some(retry.map_or(0, |n| n + 1));
                    error
                }
            };
            self.give_up_when_out_of_retries(retry, error)?;
        }
    }

    /// Gives up when `ReconnectCount` does not allow the next attempt.
    fn give_up_when_out_of_retries(
        &self,
        retry: Option<u32>,
        error: WsError,
    ) -> Result<(), WsError> {
        let config = *self.config.borrow();
        match retry {
            Some(attempt) if !may_retry(&config, attempt) => {
                tracing::error!(attempts = attempt, %error, "giving up");
                Err(WsError::GaveUp {
                    attempts: attempt,
                    last: Box::new(error),
                })
            }
            _ => Ok(()),
        }
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
