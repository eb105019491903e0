//! Receiving events over the long connection (长连接): a WebSocket of protobuf frames.
//!
//! The client asks `{domain}/callback/ws/endpoint` for a WebSocket URL with the app id and
//! secret, then receives events as data frames, hands each to the same [`Dispatcher`] the webhook
//! uses and answers every event with an acknowledgement carrying the handler's result: as the
//! official Python SDK writes it, `{"code":200}` (500 when the handler failed), and for a callback
//! (`card.action.trigger`, registered with `Dispatcher::on_callback`) `{"code":200,"data":…}`, `data`
//! being the base64 of the answer's JSON; a callback handler gets
//! [`Options::callback_deadline`] to answer, after which `{}` is sent. Callbacks arrive in frames of
//! type `event`; frames of type `card` are dispatched and answered the same way (the official Python
//! and Go clients drop them unanswered). It pings at
//! the interval the server asks for (clamped to sane bounds), applies configuration updates that
//! arrive in pongs, replaces a connection whose pongs stop, reassembles split messages (bounded in
//! count, bytes and time), stops reading while every handler is busy, and reconnects with jitter
//! and bounded backoff (a connection that dies young counts as a failure); handshake errors that
//! retrying cannot fix stop it.
//!
//! ```no_run
//! # async fn run() -> Result<(), lark_runtime::ws::WsError> {
//! use lark_runtime::dispatch::Dispatcher;
//! use lark_runtime::ws::{Client, Credentials, Options};
//!
//! let dispatcher = Dispatcher::new();
//! let credentials = Credentials::new("cli_xxx", "secret");
//! Client::new(credentials, Options::default(), dispatcher).run().await
//! # }
//! ```
//!
//! [`Dispatcher`]: crate::dispatch::Dispatcher

mod backoff;
mod client;
mod config;
mod endpoint;
mod error;
pub mod frame;
mod reassembly;
mod session;
#[cfg(feature = "ws-test-server")]
pub mod test_server;

pub use client::{Client, ConnectionState};
pub use config::{
    ClientConfig, ClientConfigUpdate, Credentials, Options, DEFAULT_MAX_CONCURRENT_HANDLERS,
    FEISHU_DOMAIN, LARK_DOMAIN, MAX_PING_INTERVAL, MAX_RECONNECT_WAIT, MIN_RECONNECT_INTERVAL,
};
pub use error::WsError;
pub use reassembly::ReassemblyLimits;
