//! The hand-written runtime that the generated Feishu / Lark crates build on.
//!
//! Generated crates (`lark-events` in this repository, or any crate `cargo xtask codegen --docs DIR
//! --out DIR` writes) hold only declarations: structs, enums and bit sets with their doc comments,
//! each followed by one macro call from [`wire`] that gives it its wire behaviour. Everything else
//! lives here:
//!
//! - [`wire`]: lenient integers and timestamps, enums that keep unlisted values, structs that keep
//!   unknown fields and `null`s, and the macros generated code calls;
//! - [`envelope`]: the routing fields of a delivery (schema 2.0, 1.0, URL verification);
//! - [`any_event`]: one typed value for any delivery (the generated `AnyEvent`);
//! - [`dispatch`]: routes a delivery to the handler registered for its event type, once per event id;
//! - [`callback`]: deliveries the platform waits an answer to (card actions), and that answer;
//! - [`store`]: what replicas share: event id claims and tokens (`redis` with the feature `redis`);
//! - `webhook` (feature `webhook`, `axum`): challenge, token, decryption, signature;
//! - `ws` (feature `ws`): the long-connection client;
//! - `api` (feature `api`): the server-API client (tokens, typed calls, retries, pagination, files).
//!
//! Users import the generated crate, which re-exports these modules.

pub mod any_event;
pub mod callback;
pub mod dispatch;
pub mod envelope;
pub mod event;
pub mod store;
pub mod wire;

#[cfg(feature = "api")]
pub mod api;
#[cfg(feature = "webhook")]
pub mod webhook;
#[cfg(feature = "ws")]
pub mod ws;

pub use callback::Callback;
pub use event::{Event, EventHeader, HeaderRef};
