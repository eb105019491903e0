//! Callbacks: deliveries whose answer the platform reads (card actions, link previews).
//!
//! A callback arrives like an event (schema 2.0, `header.event_type` such as `card.action.trigger`),
//! by webhook or over the long connection, but the platform waits for an answer (3 s at most) and
//! shows it to the user: a toast, an updated card, a link preview. A callback type implements
//! [`Callback`] to name the type of that answer; its handler, registered with
//! [`Dispatcher::on_callback`](crate::dispatch::Dispatcher::on_callback), returns one.
//!
//! How the answer travels, as the official SDKs send it:
//!
//! - webhook: HTTP 200, `Content-Type: application/json`, the answer's JSON as the body (in
//!   plaintext, also when the delivery was encrypted);
//! - long connection: the acknowledgement frame's payload is `{"code":200,"data":"<base64>"}`, where
//!   `data` is the base64 (standard alphabet, padded) of the answer's JSON.
//!
//! What else is answered (see [`crate::dispatch`]): a handler that fails gets HTTP 500 / ack code 500
//! (as in the official SDKs: the client shows an error); a handler still running at the deadline
//! ([`DEFAULT_CALLBACK_DEADLINE`]) is dropped and `{}` is answered (the card stays as it is); a
//! redelivery of an answered callback gets the remembered answer again without running the handler.

use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::Event;

/// How long a callback handler may run before the receivers answer `{}` in its place: a little
/// under the platform's 3 s, after which it gives up on the answer (error 200341) and the user
/// sees an error.
pub const DEFAULT_CALLBACK_DEADLINE: Duration = Duration::from_millis(2800);

/// A typed callback: an [`Event`] whose delivery the platform expects an answer to.
pub trait Callback: Event {
    /// The answer a handler returns, e.g. `{"toast":{…},"card":{…}}` for `card.action.trigger`.
    /// It is sent as its JSON; a value serializing to `null` is sent as `{}`.
    type Response: Serialize + DeserializeOwned + Send + 'static;
}
