//! Serving the webhook router with the connection limits `axum::serve` does not set.

use std::future::Future;
use std::time::Duration;

use axum::Router;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;

use super::connections::Connections;

/// The default time a connection may go without a request in flight, and a client may take to send
/// its request line and headers.
pub const DEFAULT_HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// The default bound on open connections.
pub const DEFAULT_MAX_CONNECTIONS: usize = 512;

/// How long to wait before accepting again after `accept` failed (out of file descriptors, …).
const ACCEPT_RETRY: Duration = Duration::from_millis(100);

/// The connection limits of [`serve_with_limits`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// A connection with no request in flight for this long is closed, whatever its protocol: one
    /// that sends nothing, only part of a request head or only the HTTP/2 preface, or an idle
    /// keep-alive connection ([`DEFAULT_HEADER_READ_TIMEOUT`]).
    pub header_read_timeout: Duration,
    /// Connections open at once ([`DEFAULT_MAX_CONNECTIONS`]); at the bound, the connection idle
    /// longest is closed to make room, so a flood of idle connections cannot lock requests out.
    pub max_connections: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            header_read_timeout: DEFAULT_HEADER_READ_TIMEOUT,
            max_connections: DEFAULT_MAX_CONNECTIONS,
        }
    }
}

/// Serves `router` on `listener` until `shutdown` completes, then waits for the requests in flight,
/// with the default [`Limits`] but `header_read_timeout`.
///
/// Unlike `axum::serve`, idle and slow clients cannot hold connections open, nor open so many
/// that requests are locked out: see [`Limits`]. (The body read timeout is the webhook config's,
/// applied by [`super::router`].)
pub async fn serve(
    listener: TcpListener,
    router: Router,
    header_read_timeout: Duration,
    shutdown: impl Future<Output = ()>,
) {
    let limits = Limits {
        header_read_timeout,
        ..Limits::default()
    };
    serve_with_limits(listener, router, limits, shutdown).await;
}

/// Serves like [`serve`], with every limit chosen.
pub async fn serve_with_limits(
    listener: TcpListener,
    router: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()>,
) {
    let mut builder = Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout);
    let connections = Connections::new(limits.max_connections);
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let admitted = tokio::select! {
            admitted = connections.admit() => admitted,
            () = &mut shutdown => break,
        };
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(error) => {
                    tracing::warn!("cannot accept a connection: {error}");
                    tokio::time::sleep(ACCEPT_RETRY).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let service = TowerToHyperService::new(admitted.track(router.clone()));
        let connection = builder
            .serve_connection(TokioIo::new(stream), service)
            .into_owned();
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            tokio::select! {
                result = connection => if let Err(error) = result {
                    tracing::debug!("connection closed: {error}");
                },
                () = admitted.idle_or_evicted(limits.header_read_timeout) => {
                    tracing::debug!("closing a connection with no request in flight");
                }
            }
        });
    }
    drop(listener);
    graceful.shutdown().await;
}
