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
//! ([`Dispatcher::shared_claims`]), there too, for [`DEFAULT_CLAIM_TTL`] (the store may hold it as a
//! shorter lease until the handler succeeds: [`ClaimStore::keep`]). A failing handler releases the
//! claim so that the platform's retry, whichever replica it reaches, runs.
//!
//! Callbacks ([`Callback`], registered with [`Dispatcher::on_callback`]) are routed and claimed the
//! same way, and their handler's answer comes out as [`Dispatched::Answered`]: the JSON the webhook
//! puts in its HTTP body and the long connection in its acknowledgement. The official SDKs do not
//! deduplicate callbacks (and the platform does not redeliver them), but a delivery seen twice is
//! still handled once here: a redelivery gets the first answer again, remembered for the last
//! [`ANSWER_CAPACITY`] callbacks ([`AnswerKind::Replayed`]), or `{}` (the card stays as it
//! is) when that answer is not known here ([`AnswerKind::Unknown`]: still being computed, answered
//! by another replica, forgotten). [`Dispatcher::dispatch_within`] gives callback handlers a
//! deadline (the webhook's axum handler and the long connection pass
//! [`DEFAULT_CALLBACK_DEADLINE`](crate::callback::DEFAULT_CALLBACK_DEADLINE) unless configured): a
//! handler still running then is dropped (as a webhook handler is when the platform hangs up), its
//! claim released, and `{}` answered ([`AnswerKind::Late`]). A failing callback handler is a
//! [`DispatchError::Handler`], as for events (HTTP 500 / ack code 500, as the official SDKs answer).

mod answers;
mod claims;
mod recent;

use std::borrow::Cow;
use std::collections::HashMap;
use std::future::Future;
use std::pin::{pin, Pin};
use std::sync::Arc;
use std::task::Poll;
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use crate::callback::Callback;
use crate::envelope::{self, Delivery, EnvelopeError, EventEnvelope, Header, Plaintext, Read};
use crate::store::ClaimStore;
use crate::Event;

use answers::Answers;
use claims::{Claim, Claims};

/// The error a handler returns.
pub type HandlerError = Box<dyn std::error::Error + Send + Sync>;
/// What a handler returns: `Ok(())` acknowledges the event.
pub type HandlerResult = Result<(), HandlerError>;

/// What a callback handler returns: its answer, or why it has none.
pub type CallbackResult<R> = Result<R, HandlerError>;

/// A running handler: `Some(answer)` for a callback, `None` for an event.
type HandlerFuture = Pin<Box<dyn Future<Output = Result<Option<Value>, HandlerError>> + Send>>;
/// A decoded event and its handler, called once the delivery's id is claimed.
type HandlerCall = Box<dyn FnOnce() -> HandlerFuture + Send>;
/// Decodes the plaintext body into the route's event type.
type Decode = Box<dyn Fn(&str) -> Result<HandlerCall, serde_json::Error> + Send + Sync>;
type RawRoute = Box<dyn Fn(EventEnvelope) -> HandlerFuture + Send + Sync>;

/// A typed handler: how to decode its events, and whether it answers (a callback).
struct TypedRoute {
    decode: Decode,
    callback: bool,
}

/// The handler chosen for one delivery.
enum Route<'a> {
    Typed(&'a TypedRoute),
    Fallback(&'a RawRoute),
}

/// How many callback answers are remembered for redeliveries (fewer when
/// [`Dispatcher::dedup_capacity`] is lower).
pub const ANSWER_CAPACITY: usize = 256;

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
    answers: Answers,
}

/// A delivery that was accepted (answer HTTP 200).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Dispatched {
    /// An event handler (typed, or the fallback) ran and succeeded.
    Handled(Header),
    /// The same `event_id` was seen recently; no handler ran. (A callback seen again is
    /// [`Dispatched::Answered`] instead, since the platform reads its answer.)
    Duplicate(Header),
    /// No typed handler for this event type and no fallback.
    Unhandled(Header),
    /// A callback, and the answer to send back: its JSON is the webhook's HTTP body and the `data`
    /// of the long connection's acknowledgement. `kind` says where it comes from.
    Answered {
        /// The delivery's routing fields.
        header: Header,
        /// The answer (a JSON object; `{}` leaves a card as it is).
        response: Value,
        /// Whether the handler produced it, or it stands in for an answer the handler did not give.
        kind: AnswerKind,
    },
}

impl Dispatched {
    /// The delivery's routing fields.
    pub fn header(&self) -> &Header {
        match self {
            Self::Handled(header) | Self::Duplicate(header) | Self::Unhandled(header) => header,
            Self::Answered { header, .. } => header,
        }
    }

    /// The answer the platform reads, for a callback.
    pub fn response(&self) -> Option<&Value> {
        match self {
            Self::Answered { response, .. } => Some(response),
            _ => None,
        }
    }
}

/// Where the answer of a [`Dispatched::Answered`] callback comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum AnswerKind {
    /// The handler ran and returned it.
    Handler,
    /// The callback was answered before (a redelivery of the same `event_id`): the remembered
    /// answer is sent again and the handler did not run.
    Replayed,
    /// A redelivery whose first answer is not known here (still being computed, given by another
    /// replica, or forgotten): `{}`, and the handler did not run.
    Unknown,
    /// The handler was still running at the deadline: it was dropped and `{}` stands in.
    Late,
}

/// `{}`: the answer that leaves a card as it is.
fn empty_answer() -> Value {
    Value::Object(serde_json::Map::new())
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
            .field(
                "callbacks",
                &self
                    .typed
                    .iter()
                    .filter(|(_, route)| route.callback)
                    .count(),
            )
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
            answers: Answers::new(ANSWER_CAPACITY),
        }
    }

    /// Remembers the last `capacity` event ids to drop duplicate deliveries (0 turns deduplication
    /// off, shared claims included). Memory stays bounded: the oldest id is forgotten when a new one
    /// arrives at capacity.
    pub fn dedup_capacity(mut self, capacity: usize) -> Self {
        self.claims.capacity(capacity);
        self.answers.capacity(capacity.min(ANSWER_CAPACITY));
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
        let decode: Decode = Box::new(move |body: &str| {
            let event: E = serde_json::from_str(body)?;
            let handler = Arc::clone(&handler);
            Ok(Box::new(move || {
                let handled = handler(event);
                Box::pin(async move { handled.await.map(|()| None) }) as HandlerFuture
            }))
        });
        self.typed.insert(
            E::EVENT_TYPE,
            TypedRoute {
                decode,
                callback: false,
            },
        );
        self
    }

    /// Registers the handler for callbacks of type `C` (replacing an earlier handler, event or
    /// callback, for the same type). Its answer, serialized to JSON (`null` sent as `{}`), comes out
    /// of dispatch as [`Dispatched::Answered`]; an answer that does not serialize counts as a
    /// failing handler.
    pub fn on_callback<C: Callback, F, Fut>(self, handler: F) -> Self
    where
        F: Fn(C) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = CallbackResult<C::Response>> + Send + 'static,
    {
        self.answering(C::EVENT_TYPE, handler)
    }

    /// Registers an untyped callback handler for `event_type` (a callback without a generated
    /// type, e.g. `url.preview.get`): it receives the whole body as JSON and returns the answer as
    /// JSON, as [`Dispatcher::on_callback`] handlers do (`null` sent as `{}`).
    pub fn on_raw_callback<F, Fut>(self, event_type: &'static str, handler: F) -> Self
    where
        F: Fn(Value) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = CallbackResult<Value>> + Send + 'static,
    {
        self.answering(event_type, handler)
    }

    /// The route of a callback handler: the body decoded as `T`, the answer `R` sent as its JSON.
    fn answering<T, R, F, Fut>(mut self, event_type: &'static str, handler: F) -> Self
    where
        T: DeserializeOwned + Send + 'static,
        R: Serialize,
        F: Fn(T) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = CallbackResult<R>> + Send + 'static,
    {
        let handler = Arc::new(handler);
        let decode: Decode = Box::new(move |body: &str| {
            let callback: T = serde_json::from_str(body)?;
            let handler = Arc::clone(&handler);
            Ok(Box::new(move || {
                let answering = handler(callback);
                Box::pin(async move {
                    let response = serde_json::to_value(answering.await?)?;
                    Ok(Some(if response.is_null() {
                        empty_answer()
                    } else {
                        response
                    }))
                }) as HandlerFuture
            }))
        });
        self.typed.insert(
            event_type,
            TypedRoute {
                decode,
                callback: true,
            },
        );
        self
    }

    /// Registers the handler for every event type without a typed handler; it receives the envelope
    /// with the raw body.
    pub fn fallback<F, Fut>(mut self, handler: F) -> Self
    where
        F: Fn(EventEnvelope) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = HandlerResult> + Send + 'static,
    {
        self.fallback = Some(Box::new(move |envelope| {
            let handled = handler(envelope);
            Box::pin(async move { handled.await.map(|()| None) })
        }));
        self
    }

    /// Dispatches a plaintext schema 2.0 or 1.0 body. A callback handler has no deadline here; see
    /// [`Dispatcher::dispatch_within`].
    pub async fn dispatch(&self, body: &[u8]) -> Result<Dispatched, DispatchError> {
        self.dispatch_within(body, std::future::pending()).await
    }

    /// Dispatches a plaintext body as [`Dispatcher::dispatch`] does, but a callback handler still
    /// running when `deadline` completes is dropped and `{}` is answered in its place
    /// ([`AnswerKind::Late`]); events are not limited. `deadline` is any future (e.g.
    /// `tokio::time::sleep(DEFAULT_CALLBACK_DEADLINE)`), so the dispatcher stays runtime-agnostic.
    pub async fn dispatch_within(
        &self,
        body: &[u8],
        deadline: impl Future<Output = ()>,
    ) -> Result<Dispatched, DispatchError> {
        match self.read(Cow::Borrowed(envelope::utf8(body)?))? {
            Plaintext::Event(delivery) => self.dispatch_delivery_within(delivery, deadline).await,
            Plaintext::UrlVerification(_) => Err(DispatchError::NotAnEvent),
        }
    }

    /// Dispatches an already parsed event envelope.
    pub async fn dispatch_envelope(
        &self,
        envelope: EventEnvelope,
    ) -> Result<Dispatched, DispatchError> {
        self.dispatch_delivery_within(Delivery::from(envelope), std::future::pending())
            .await
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
    /// (from the body as read, without a copy) and runs the handler, a callback's until `deadline`.
    /// A delivery whose body was read only up to `event` is decoded first, in one pass; if that
    /// fails, its body is read whole and dispatched as any other, so that the outcome is the one a
    /// whole read gives.
    pub(crate) async fn dispatch_delivery_within(
        &self,
        delivery: Delivery<'_>,
        deadline: impl Future<Output = ()>,
    ) -> Result<Dispatched, DispatchError> {
        let delivery = match delivery.read {
            Read::Whole => delivery,
            Read::Prefix => match self.typed.get(delivery.header.event_type.as_str()) {
                Some(typed) => match (typed.decode)(&delivery.body) {
                    Ok(call) => {
                        let claim = match self.claim(delivery.header, typed.callback).await {
                            Ok(claimed) => claimed,
                            Err(duplicate) => return Ok(duplicate),
                        };
                        let (claim, header) = claim;
                        return self
                            .run(claim, header, typed.callback, call(), deadline)
                            .await;
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
        let callback = matches!(route, Route::Typed(typed) if typed.callback);
        let header = delivery.header.clone();
        let (claim, header) = match self.claim(header, callback).await {
            Ok(claimed) => claimed,
            Err(duplicate) => return Ok(duplicate),
        };
        let future = match route {
            Route::Typed(typed) => match (typed.decode)(&delivery.body) {
                Ok(call) => call(),
                Err(source) => {
                    return Err(DispatchError::Decode {
                        event_type: header.event_type,
                        source,
                    })
                }
            },
            Route::Fallback(fallback) => fallback(delivery.into_envelope()),
        };
        self.run(claim, header, callback, future, deadline).await
    }

    /// Claims the delivery's event id; when it is claimed already (a duplicate), the outcome to
    /// report instead: for a callback, the answer remembered for it, or `{}`.
    async fn claim(
        &self,
        header: Header,
        callback: bool,
    ) -> Result<(Claim<'_>, Header), Dispatched> {
        if let Some(claim) = self.claims.claim(header.event_id.as_deref()).await {
            return Ok((claim, header));
        }
        if !callback {
            return Err(Dispatched::Duplicate(header));
        }
        let remembered = header
            .event_id
            .as_deref()
            .and_then(|id| self.answers.get(id));
        Err(match remembered {
            Some(response) => Dispatched::Answered {
                header,
                response,
                kind: AnswerKind::Replayed,
            },
            None => Dispatched::Answered {
                header,
                response: empty_answer(),
                kind: AnswerKind::Unknown,
            },
        })
    }

    /// Runs a handler (a callback's until `deadline`), keeping the claim only when it succeeds, and
    /// releasing it (in the shared store too) before answering when it fails or is late.
    async fn run(
        &self,
        claim: Claim<'_>,
        header: Header,
        callback: bool,
        future: HandlerFuture,
        deadline: impl Future<Output = ()>,
    ) -> Result<Dispatched, DispatchError> {
        let outcome = if callback {
            let mut future = future;
            let mut deadline = pin!(deadline);
            let raced = std::future::poll_fn(|cx| {
                if let Poll::Ready(outcome) = future.as_mut().poll(cx) {
                    return Poll::Ready(Some(outcome));
                }
                deadline.as_mut().poll(cx).map(|()| None)
            })
            .await;
            match raced {
                Some(outcome) => outcome,
                None => {
                    drop(future);
                    claim.release().await;
                    tracing::warn!(
                        event_type = %header.event_type,
                        event_id = header.event_id.as_deref().unwrap_or(""),
                        "callback handler missed its deadline: dropped, and {{}} answered (the card stays as it is)"
                    );
                    return Ok(Dispatched::Answered {
                        header,
                        response: empty_answer(),
                        kind: AnswerKind::Late,
                    });
                }
            }
        } else {
            future.await
        };
        match outcome {
            Ok(answer) => {
                claim.keep();
                match answer {
                    Some(response) if callback => {
                        if let Some(id) = header.event_id.as_deref() {
                            self.answers.remember(id, &response);
                        }
                        Ok(Dispatched::Answered {
                            header,
                            response,
                            kind: AnswerKind::Handler,
                        })
                    }
                    _ => Ok(Dispatched::Handled(header)),
                }
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
    fn remembered(&self) -> usize {
        self.claims.remembered()
    }
}

#[cfg(test)]
mod tests;

/// Declares the generated crate's extension trait of [`Dispatcher`]: one `on_…` method per event
/// type, each registering a typed handler as [`Dispatcher::on`] does, or, for a callback
/// (`method: CallbackType => ResponseType`), one whose answer is sent back, as
/// [`Dispatcher::on_callback`] does. Attributes such as doc comments and `cfg` are allowed before
/// each entry.
#[doc(hidden)]
#[macro_export]
macro_rules! __dispatch_handlers {
    ($trait_name:ident { $($(#[$attr:meta])* $method:ident: $event:ty $(=> $response:ty)?),* $(,)? }) => {
        /// Typed handler registration on a [`Dispatcher`](crate::dispatch::Dispatcher): one method
        /// per event type of this crate. Bring it into scope (`use …::DispatcherExt as _;`) to call them.
        pub trait $trait_name: Sized {
            $(
                $(#[$attr])*
                fn $method<F, Fut>(self, handler: F) -> Self
                where
                    F: Fn($event) -> Fut + Send + Sync + 'static,
                    Fut: ::core::future::Future<Output = $crate::__dispatch_handlers!(@output $($response)?)>
                        + Send
                        + 'static;
            )*
        }

        impl $trait_name for $crate::dispatch::Dispatcher {
            $(
                $(#[$attr])*
                fn $method<F, Fut>(self, handler: F) -> Self
                where
                    F: Fn($event) -> Fut + Send + Sync + 'static,
                    Fut: ::core::future::Future<Output = $crate::__dispatch_handlers!(@output $($response)?)>
                        + Send
                        + 'static,
                {
                    $crate::__dispatch_handlers!(@register $event $(=> $response)?)(self, handler)
                }
            )*
        }
    };
    (@output) => { $crate::dispatch::HandlerResult };
    (@output $response:ty) => { $crate::dispatch::CallbackResult<$response> };
    (@register $event:ty) => { $crate::dispatch::Dispatcher::on::<$event, _, _> };
    (@register $event:ty => $response:ty) => {
        $crate::dispatch::Dispatcher::on_callback::<$event, _, _>
    };
}

pub use crate::__dispatch_handlers as handlers;
