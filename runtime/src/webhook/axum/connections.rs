//! The open connections of [`super::serve`]: how many there are, which have a request in flight,
//! and which are idle and since when. Idle connections are closed after a timeout, and the one
//! idle longest makes room when the bound on connections is reached.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::extract::{Request, State};
use axum::middleware::{from_fn_with_state, Next};
use axum::response::Response;
use axum::Router;
use tokio::sync::{watch, Notify};
use tokio::time::{sleep_until, Instant};

/// What one connection is doing.
#[derive(Debug, Clone, Copy)]
struct Activity {
    /// Requests whose handler has not answered yet.
    requests: usize,
    /// When the last request was answered (or the connection opened).
    idle_since: Instant,
    /// Closed to make room for a new connection.
    evicted: bool,
}

type Shared = Arc<watch::Sender<Activity>>;

/// The open connections, bounded in number.
pub(super) struct Connections {
    max: usize,
    open: Mutex<Open>,
    /// Notified when a connection closes or becomes idle.
    changed: Notify,
}

#[derive(Default)]
struct Open {
    next_id: u64,
    by_id: HashMap<u64, Shared>,
}

impl Connections {
    /// Room for `max` connections (at least one).
    pub(super) fn new(max: usize) -> Arc<Self> {
        Arc::new(Self {
            max: max.max(1),
            open: Mutex::default(),
            changed: Notify::new(),
        })
    }

    /// Waits for room for one more connection, closing the one idle longest when there is none;
    /// while every connection has a request in flight, waits for one to close or become idle.
    pub(super) async fn admit(self: &Arc<Self>) -> Admitted {
        loop {
            let changed = self.changed.notified();
            let mut changed = std::pin::pin!(changed);
            changed.as_mut().enable();
            {
                let mut open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
                if open.by_id.len() < self.max {
                    return self.register(&mut open);
                }
                evict_the_longest_idle(&open, self.max);
            }
            changed.await;
        }
    }

    fn register(self: &Arc<Self>, open: &mut Open) -> Admitted {
        let id = open.next_id;
        open.next_id += 1;
        let activity = Arc::new(watch::Sender::new(Activity {
            requests: 0,
            idle_since: Instant::now(),
            evicted: false,
        }));
        open.by_id.insert(id, Arc::clone(&activity));
        Admitted {
            id,
            activity,
            connections: Arc::clone(self),
        }
    }
}

/// Marks the connection idle longest as evicted, unless enough are already closing.
fn evict_the_longest_idle(open: &Open, max: usize) {
    let closing = (open.by_id.values()).filter(|a| a.borrow().evicted).count();
    if open.by_id.len() - closing < max {
        return;
    }
    let idle = (open.by_id.values())
        .filter(|a| {
            let a = a.borrow();
            a.requests == 0 && !a.evicted
        })
        .min_by_key(|a| a.borrow().idle_since);
    if let Some(activity) = idle {
        tracing::debug!("too many connections: closing the one idle longest");
        activity.send_modify(|a| a.evicted = true);
    }
}

/// One admitted connection; dropping it frees its room.
pub(super) struct Admitted {
    id: u64,
    activity: Shared,
    connections: Arc<Connections>,
}

impl Admitted {
    /// `router`, counting this connection's requests in flight.
    pub(super) fn track(&self, router: Router) -> Router {
        let requests = Requests {
            activity: Arc::clone(&self.activity),
            connections: Arc::clone(&self.connections),
        };
        router.layer(from_fn_with_state(requests, count_request))
    }

    /// Completes when the connection should close: it had no request in flight for `idle_timeout`,
    /// or it was evicted to make room.
    pub(super) async fn idle_or_evicted(&self, idle_timeout: Duration) {
        // Requests starting and ending do not wake this task (they would, twice per request): it
        // looks at the connection when its timer fires, and is woken only to be evicted.
        let mut activity = self.activity.subscribe();
        loop {
            let now = *activity.borrow_and_update();
            if now.evicted {
                return;
            }
            let since = if now.requests > 0 {
                Instant::now()
            } else {
                now.idle_since
            };
            let deadline = (since.checked_add(idle_timeout))
                .unwrap_or_else(|| since + Duration::from_secs(1 << 32));
            if now.requests == 0 && deadline <= Instant::now() {
                return;
            }
            tokio::select! {
                () = sleep_until(deadline) => {}
                _ = activity.changed() => {}
            }
        }
    }
}

impl Drop for Admitted {
    fn drop(&mut self) {
        let mut open = (self.connections.open.lock()).unwrap_or_else(PoisonError::into_inner);
        open.by_id.remove(&self.id);
        drop(open);
        self.connections.changed.notify_waiters();
    }
}

/// The middleware state: the connection whose requests are counted.
#[derive(Clone)]
struct Requests {
    activity: Shared,
    connections: Arc<Connections>,
}

/// A request in flight; dropping it (the handler answered, or the connection closed) counts it out.
struct InFlight(Requests);

impl Drop for InFlight {
    fn drop(&mut self) {
        let mut idle = false;
        self.0.activity.send_if_modified(|a| {
            a.requests -= 1;
            if a.requests == 0 {
                a.idle_since = Instant::now();
                idle = true;
            }
            false
        });
        if idle {
            self.0.connections.changed.notify_waiters();
        }
    }
}

async fn count_request(State(requests): State<Requests>, request: Request, next: Next) -> Response {
    requests.activity.send_if_modified(|a| {
        a.requests += 1;
        false
    });
    let _in_flight = InFlight(requests);
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_connection_idle_longest_makes_room() {
        let connections = Connections::new(2);
        let (first, second) = (connections.admit().await, connections.admit().await);
        let earlier = Instant::now() - Duration::from_secs(1);
        first.activity.send_modify(|a| a.idle_since = earlier);
        let third = tokio::spawn({
            let connections = Arc::clone(&connections);
            async move { connections.admit().await }
        });
        // The first connection is told to close; until it does, the third waits.
        first.idle_or_evicted(Duration::from_secs(3600)).await;
        assert!(!third.is_finished());
        drop(first);
        let third = third.await.unwrap();
        assert!(!second.activity.borrow().evicted);
        assert!(!third.activity.borrow().evicted);
    }

    #[tokio::test]
    async fn a_connection_with_a_request_in_flight_is_neither_idle_nor_evicted() {
        let connections = Connections::new(1);
        let only = connections.admit().await;
        only.activity.send_modify(|a| a.requests += 1);
        let in_flight = InFlight(Requests {
            activity: Arc::clone(&only.activity),
            connections: Arc::clone(&connections),
        });
        let next = tokio::spawn({
            let connections = Arc::clone(&connections);
            async move { connections.admit().await }
        });
        {
            let idle = only.idle_or_evicted(Duration::from_millis(10));
            let mut idle = std::pin::pin!(idle);
            let busy = tokio::time::timeout(Duration::from_millis(200), idle.as_mut()).await;
            assert!(busy.is_err(), "closed while a request was in flight");
            assert!(
                !next.is_finished(),
                "no room while the only connection is busy"
            );
            drop(in_flight);
            // Idle now: evicted for the waiting connection (or closed by the idle timeout).
            tokio::time::timeout(Duration::from_secs(10), idle)
                .await
                .expect("an idle connection closes");
        }
        drop(only);
        tokio::time::timeout(Duration::from_secs(10), next)
            .await
            .expect("room once the idle connection closed")
            .unwrap();
    }
}
