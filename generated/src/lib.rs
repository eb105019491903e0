//! Typed Feishu / Lark Open Platform events.

pub mod dispatch;
pub mod envelope;
pub mod event;
#[rustfmt::skip]
mod services;
pub mod wire;

#[cfg(feature = "webhook")]
pub mod webhook;
#[cfg(feature = "ws")]
pub mod ws;

pub use event::Event;
pub use services::*;
