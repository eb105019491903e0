//! The dispatcher: routes a delivered event to the handler registered for its type.
//!
//! Runtime-agnostic: handlers return any `Send` future and [`Dispatcher::dispatch`] is a plain
//! `async fn`, so the webhook (axum/tokio), the long connection or a test executor can drive it.
//!
//! Outcomes the platform must see as success (HTTP 200) are [`Dispatched`] values: a handled event,
//! a duplicate delivery (same `event_id`, never given to a handler twice) and an event type nobody
//! registered for. Only a malformed body, an event that does not decode into its registered type, or
//! a failing handler are [`DispatchError`]s.
//!
//! A body is read once. A schema 2.0 body for a typed handler whose `schema` and `header` come
//! first, as the platform sends them, has only those members read for routing
//! (`envelope::read_prefix`); the typed decoding of the body is then its one whole pass, and only
//! when that decoding fails is the body read again for its routing fields (so that errors and
//! statuses are those of a whole read). Any other body is read whole for its routing fields
//! ([`crate::envelope`]) and a typed handler's event decoded from that same text. The body is copied
//! into an [`EventEnvelope`] only for the fallback, which takes one.
//!
//! Before its handler runs, a delivery's event id is claimed: in this process's memory (the last
//! [`DEFAULT_DEDUP_CAPACITY`] ids), and, when replicas share a [`ClaimStore`]
//! ([`Dispatcher::shared_claims`]), there too, for [`DEFAULT_CLAIM_TTL`]. A failing handler releases
//! the claim so that the platform's retry, whichever replica it reaches, runs.

mod claims;
mod recent;

use std::borrow::Cow;
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use crate::envelope::{self, Delivery, EnvelopeError, EventEnvelope, Header, Plaintext, Read};
use crate::store::ClaimStore;
use crate::Event;

use claims::{Claim, Claims};

/// The error a handler returns.
pub type HandlerError = Box<dyn std::error::Error + Send + Sync>;
/// What a handler returns: `Ok(())` acknowledges the event.
pub type HandlerResult = Result<(), HandlerError>;

type HandlerFuture = Pin<Box<dyn Future<Output = HandlerResult> + Send>>;
/// A decoded event and its handler, called once the delivery's id is claimed.
type HandlerCall = Box<dyn FnOnce() -> HandlerFuture + Send>;
/// Decodes the plaintext body into the route's event type.
type TypedRoute = Box<dyn Fn(&str) -> Result<HandlerCall, serde_json::Error> + Send + Sync>;
type RawRoute = Box<dyn Fn(EventEnvelope) -> HandlerFuture + Send + Sync>;

/// The handler chosen for one delivery.
enum Route<'a> {
    Typed(&'a TypedRoute),
    Fallback(&'a RawRoute),
}

/// How many recent event ids are remembered for deduplication unless
/// [`Dispatcher::dedup_capacity`] says otherwise.
pub const DEFAULT_DEDUP_CAPACITY: usize = 4096;

/// How long a handled event id stays claimed unless [`Dispatcher::claim_ttl`] says otherwise: longer
/// than the platform's retry schedule (retries after 15 s, 5 min, 1 h and 6 h, the last about 7 h 5
/// min after the first delivery).
pub const DEFAULT_CLAIM_TTL: Duration = Duration::from_secs(8 * 3600);

/// Routes event bodies to typed handlers by `event_type`, with a raw fallback and deduplication.
pub struct Dispatcher {
    typed: HashMap<&'static str, TypedRoute>,
    fallback: Option<RawRoute>,
    claims: Claims,
}

/// A delivery that was accepted (answer HTTP 200).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Dispatched {
    /// A handler (typed, or the fallback) ran and succeeded.
    Handled(Header),
    /// The same `event_id` was seen recently; no handler ran.
    Duplicate(Header),
    /// No typed handler for this event type and no fallback.
    Unhandled(Header),
}

/// A delivery that was not accepted.
#[derive(Debug, thiserror::Error)]
pub enum DispatchError {
    /// The body is not an event envelope.
    #[error(transparent)]
    Envelope(#[from] EnvelopeError),
    /// The body is a URL verification request, which is answered by the webhook, not dispatched.
    #[error("a url_verification request is not an event")]
    NotAnEvent,
    /// The body does not decode into the type registered for its `event_type`.
    #[error("event {event_type} does not match its type: {source}")]
    Decode {
        /// The event type that failed to decode.
        event_type: String,
        /// The decoding error, with the JSON position.
        source: serde_json::Error,
    },
    /// The handler returned an error; the event id is forgotten so a retry is delivered again.
    #[error("handler for {event_type} failed: {source}")]
    Handler {
        /// The event type whose handler failed.
        event_type: String,
        /// What the handler returned.
        source: HandlerError,
    },
}

impl Default for Dispatcher {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for Dispatcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut types: Vec<_> = self.typed.keys().collect();
        types.sort();
        f.debug_struct("Dispatcher")
            .field("typed", &types)
            .field("fallback", &self.fallback.is_some())
            .field("shared_claims", &self.claims.is_shared())
            .finish_non_exhaustive()
    }
}

impl Dispatcher {
    /// A dispatcher with no handlers, remembering [`DEFAULT_DEDUP_CAPACITY`] event ids for
    /// [`DEFAULT_CLAIM_TTL`] each.
    pub fn new() -> Self {
        Self {
            typed: HashMap::new(),
            fallback: None,
            claims: Claims::new(DEFAULT_DEDUP_CAPACITY, DEFAULT_CLAIM_TTL),
        }
    }

    /// Remembers the last `capacity` event ids to drop duplicate deliveries (0 turns deduplication
    /// off, shared claims included). Memory stays bounded: the oldest id is forgotten when a new one
    /// arrives at capacity.
    pub fn dedup_capacity(mut self, capacity: usize) -> Self {
        self.claims.capacity(capacity);
        self
    }

    /// How long a handled event id stays claimed, here and in the shared store
    /// ([`DEFAULT_CLAIM_TTL`]); a delivery of the same id after that is handled again.
    pub fn claim_ttl(mut self, ttl: Duration) -> Self {
        self.claims.ttl(ttl);
        self
    }

    /// Claims event ids in `store` too, shared with the other replicas of the app, so that a
    /// delivery retried to another replica is not handled twice. When the store fails (unreachable,
    /// too slow), deliveries are still accepted, claimed in this process's memory alone, and the
    /// log says so once; claims are shared again as soon as the store answers.
    pub fn shared_claims(mut self, store: Arc<dyn ClaimStore>) -> Self {
        self.claims.shared(store);
        self
    }

    /// Registers the handler for events of type `E` (replacing an earlier one for the same type).
    pub fn on<E: Event, F, Fut>(mut self, handler: F) -> Self
    where
        F: Fn(E) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = HandlerResult> + Send + 'static,
    {
        let handler = Arc::new(handler);
        let route: TypedRoute = Box::new(move |body: &str| {
            let event: E = serde_json::from_str(body)?;
            let handler = Arc::clone(&handler);
            Ok(Box::new(move || Box::pin(handler(event)) as HandlerFuture))
        });
        self.typed.insert(E::EVENT_TYPE, route);
        self
    }

    /// Registers the handler for every event type without a typed handler; it receives the envelope
    /// with the raw body.
    pub fn fallback<F, Fut>(mut self, handler: F) -> Self
    where
        F: Fn(EventEnvelope) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = HandlerResult> + Send + 'static,
    {
        self.fallback = Some(Box::new(move |envelope| Box::pin(handler(envelope))));
        self
    }

    /// Dispatches a plaintext schema 2.0 or 1.0 body.
    pub async fn dispatch(&self, body: &[u8]) -> Result<Dispatched, DispatchError> {
        match self.read(Cow::Borrowed(envelope::utf8(body)?))? {
            Plaintext::Event(delivery) => self.dispatch_delivery(delivery).await,
            Plaintext::UrlVerification(_) => Err(DispatchError::NotAnEvent),
        }
    }

    /// Dispatches an already parsed event envelope.
    pub async fn dispatch_envelope(
        &self,
        envelope: EventEnvelope,
    ) -> Result<Dispatched, DispatchError> {
        self.dispatch_delivery(Delivery::from(envelope)).await
    }

    /// Reads the routing fields of a plaintext body: only its `schema` and `header` when it is a 2.0
    /// body for a typed handler that starts with them (the typed decoding then reads the rest),
    /// else the whole body.
    pub(crate) fn read<'a>(&self, body: Cow<'a, str>) -> Result<Plaintext<'a>, EnvelopeError> {
        if !self.typed.is_empty() {
            if let Some(header) = envelope::read_prefix(&body) {
                if self.typed.contains_key(header.event_type.as_str()) {
                    return Ok(Plaintext::Event(Delivery {
                        schema: envelope::Schema::V2,
                        header,
                        body,
                        read: Read::Prefix,
                    }));
                }
            }
        }
        Plaintext::read(body)
    }

    /// Dispatches an event delivery: finds its route, claims its id, decodes it for a typed handler
    /// (from the body as read, without a copy) and runs the handler. A delivery whose body was read
    /// only up to `event` is decoded first, in one pass; if that fails, its body is read whole and
    /// dispatched as any other, so that the outcome is the one a whole read gives.
    pub(crate) async fn dispatch_delivery(
        &self,
        delivery: Delivery<'_>,
    ) -> Result<Dispatched, DispatchError> {
        let delivery = match delivery.read {
            Read::Whole => delivery,
            Read::Prefix => match self.typed.get(delivery.header.event_type.as_str()) {
                Some(typed) => match typed(&delivery.body) {
                    Ok(call) => {
                        let Some(claim) = self.claim(&delivery.header).await else {
                            return Ok(Dispatched::Duplicate(delivery.header));
                        };
                        return run(claim, delivery.header, call()).await;
                    }
                    Err(_) => delivery.read_whole()?,
                },
                None => delivery.read_whole()?,
            },
        };
        let route = match (
            self.typed.get(delivery.header.event_type.as_str()),
            &self.fallback,
        ) {
            (Some(typed), _) => Route::Typed(typed),
            (None, Some(fallback)) => Route::Fallback(fallback),
            (None, None) => return Ok(Dispatched::Unhandled(delivery.header)),
        };
        let Some(claim) = self.claim(&delivery.header).await else {
            return Ok(Dispatched::Duplicate(delivery.header));
        };
        let (header, future) = match route {
            Route::Typed(typed) => match typed(&delivery.body) {
                Ok(call) => (delivery.header, call()),
                Err(source) => {
                    return Err(DispatchError::Decode {
                        event_type: delivery.header.event_type,
                        source,
                    })
                }
            },
            Route::Fallback(fallback) => {
                (delivery.header.clone(), fallback(delivery.into_envelope()))
            }
        };
        run(claim, header, future).await
    }

    /// Claims the delivery's event id, or `None` when it is claimed already (a duplicate).
    async fn claim(&self, header: &Header) -> Option<Claim<'_>> {
        self.claims.claim(header.event_id.as_deref()).await
    }

    #[cfg(test)]
    fn remembered(&self) -> usize {
        self.claims.remembered()
    }
}

/// Runs a handler, keeping the claim only when it succeeds, and releasing it (in the shared store
/// too) before answering when it fails.
async fn run(
    claim: Claim<'_>,
    header: Header,
    future: HandlerFuture,
) -> Result<Dispatched, DispatchError> {
    match future.await {
        Ok(()) => {
            claim.keep();
            Ok(Dispatched::Handled(header))
        }
        Err(source) => {
            claim.release().await;
            Err(DispatchError::Handler {
                event_type: header.event_type,
                source,
            })
        }
    }
}

#[cfg(test)]
mod tests;

/// Declares the generated crate's extension trait of [`Dispatcher`]: one `on_…` method per event
/// type, each registering a typed handler as [`Dispatcher::on`] does. Entries are
/// `method: EventType` (attributes such as doc comments and `cfg` allowed before each).
#[doc(hidden)]
#[macro_export]
macro_rules! __dispatch_handlers {
    ($trait_name:ident { $($(#[$attr:meta])* $method:ident: $event:ty),* $(,)? }) => {
        /// Typed handler registration on a [`Dispatcher`](crate::dispatch::Dispatcher): one method
        /// per event type of this crate. Bring it into scope (`use …::DispatcherExt as _;`) to call them.
        pub trait $trait_name: Sized {
            $(
                $(#[$attr])*
                fn $method<F, Fut>(self, handler: F) -> Self
                where
                    F: Fn($event) -> Fut + Send + Sync + 'static,
                    Fut: ::core::future::Future<Output = $crate::dispatch::HandlerResult> + Send + 'static;
            )*
        }

        impl $trait_name for $crate::dispatch::Dispatcher {
            $(
                $(#[$attr])*
                fn $method<F, Fut>(self, handler: F) -> Self
                where
                    F: Fn($event) -> Fut + Send + Sync + 'static,
                    Fut: ::core::future::Future<Output = $crate::dispatch::HandlerResult> + Send + 'static,
                {
                    self.on::<$event, _, _>(handler)
                }
            )*
        }
    };
}

pub use crate::__dispatch_handlers as handlers;
