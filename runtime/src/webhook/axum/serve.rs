//! Serving the webhook router with the connection limits `axum::serve` does not set.

use std::future::Future;
use std::io;
use std::time::Duration;

use axum::Router;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::time::Instant;

use super::connections::Connections;

/// The default time a connection may go without a request in flight, and a client may take to send
/// its request line and headers.
pub const DEFAULT_HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// The default bound on open connections.
pub const DEFAULT_MAX_CONNECTIONS: usize = 512;

/// The first wait before accepting again after `accept` failed for want of a resource (out of file
/// descriptors, …); it doubles with each failure in a row, up to [`ACCEPT_RETRY_MAX`].
const ACCEPT_RETRY_MIN: Duration = Duration::from_millis(1);

/// The longest wait between two attempts to accept while `accept` keeps failing.
const ACCEPT_RETRY_MAX: Duration = Duration::from_millis(100);

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
    let mut failures = AcceptFailures::default();
    loop {
        let admitted = tokio::select! {
            admitted = connections.admit() => admitted,
            () = &mut shutdown => break,
        };
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    failures.accepted();
                    stream
                }
                Err(error) if is_connection_error(&error) => {
                    tracing::debug!("a connection closed before it was accepted: {error}");
                    continue;
                }
                Err(error) => {
                    // The listener stays ready while connections wait, so retrying at once would
                    // spin. Its room is given back while waiting.
                    let wait = failures.failed(&error);
                    drop(admitted);
                    tokio::select! {
                        () = tokio::time::sleep(wait) => continue,
                        () = &mut shutdown => break,
                    }
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

/// An error of the connection being accepted alone (the next one may be fine), not of the listener.
fn is_connection_error(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::ConnectionRefused
            | io::ErrorKind::Interrupted
    )
}

/// How long `accept` must have gone without failing for a burst of failures to be over.
const ACCEPT_QUIET: Duration = Duration::from_secs(1);

/// Failures of `accept` (out of file descriptors, say, until connections close): how long to wait
/// before the next attempt, and one warning when a burst starts and one, with its count, at the
/// first connection accepted [`ACCEPT_QUIET`] after its last failure, instead of one per attempt.
/// Failures that come and go while descriptors are freed one by one make one burst.
#[derive(Debug, Default)]
struct AcceptFailures {
    /// Failures since the last connection accepted: what the wait grows with.
    in_a_row: u32,
    /// Failures in the burst.
    count: u64,
    /// When the burst's first and last failures happened.
    burst: Option<(Instant, Instant)>,
}

impl AcceptFailures {
    /// Counts a failure; returns how long to wait before accepting again.
    fn failed(&mut self, error: &io::Error) -> Duration {
        let now = Instant::now();
        match &mut self.burst {
            Some((_, last)) => *last = now,
            None => {
                tracing::warn!("cannot accept connections: {error}; retrying until it can");
                self.burst = Some((now, now));
            }
        }
        self.count += 1;
        let doublings = self.in_a_row.min(16);
        self.in_a_row = self.in_a_row.saturating_add(1);
        (ACCEPT_RETRY_MIN.saturating_mul(1 << doublings)).min(ACCEPT_RETRY_MAX)
    }

    /// A connection was accepted: ends the burst if its last failure is old enough.
    fn accepted(&mut self) {
        self.in_a_row = 0;
        let Some((first, last)) = self.burst else {
            return;
        };
        if last.elapsed() >= ACCEPT_QUIET {
            tracing::warn!(
                "accepting connections again, after {} failed attempts over {:.1} s",
                self.count,
                (last - first).as_secs_f64()
            );
            *self = Self::default();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wait_doubles_up_to_its_bound_and_starts_over_once_a_connection_is_accepted() {
        let error = io::Error::from_raw_os_error(24);
        let mut failures = AcceptFailures::default();
        let waits: Vec<Duration> = (0..9).map(|_| failures.failed(&error)).collect();
        let ms = |n| Duration::from_millis(n);
        let doubling = [
            ms(1),
            ms(2),
            ms(4),
            ms(8),
            ms(16),
            ms(32),
            ms(64),
            ms(100),
            ms(100),
        ];
        assert_eq!(waits, doubling);
        failures.accepted();
        assert_eq!(failures.failed(&error), ms(1));
        assert_eq!(failures.count, 10, "one burst: its last failure is recent");
    }

    #[test]
    fn a_burst_ends_at_an_accept_long_enough_after_its_last_failure() {
        let error = io::Error::from_raw_os_error(24);
        let mut failures = AcceptFailures::default();
        failures.failed(&error);
        let long_ago = Instant::now() - ACCEPT_QUIET;
        failures.burst = Some((long_ago, long_ago));
        failures.accepted();
        assert!(failures.burst.is_none());
        assert_eq!(failures.count, 0);
    }
}
