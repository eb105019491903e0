//! Typed Feishu / Lark Open Platform events, generated from the platform's documentation pages.
//!
//! One module per service and version (`application::v6`, …), each with the event structs named as
//! the official SDKs name them (`P2ApplicationAppVersionPublishApplyV6`), the `event` part
//! (`…Data`) and every named type of the pages once. Every event struct implements [`Event`].
//!
//! The types are tolerant, as real deliveries require: every field is an `Option`, fields the page
//! does not list are kept in `extra` (and so is a listed field sent as `null`), enums keep values
//! the page does not list (`Unlisted`), bit sets keep unknown bits, and integers and timestamps
//! accept a JSON number or a numeric string ([`wire`]). Whatever arrives re-encodes exactly as it
//! came.
//!
//! ```
//! use lark_events::application::v6::{AppStatus, P2ApplicationAppVersionPublishApplyV6 as PublishApply};
//! use lark_events::Event;
//!
//! let body = r#"{
//!     "schema": "2.0",
//!     "header": {"event_type": "application.application.app_version.publish_apply_v6", "create_time": "1608725989000"},
//!     "event": {"app_status": 3, "online_version": {"create_time": 1610462759}, "new_field": true}
//! }"#;
//! let event: PublishApply = serde_json::from_str(body)?;
//! assert_eq!(event.header.as_ref().and_then(|h| h.event_type.as_deref()), Some(PublishApply::EVENT_TYPE));
//! assert_eq!(event.header.as_ref().and_then(|h| h.create_time.as_ref()?.millis()), Some(1_608_725_989_000));
//!
//! let data = event.event.as_ref().unwrap();
//! assert!(matches!(data.app_status, Some(AppStatus::Unlisted(_))));
//! assert_eq!(data.app_status.map(AppStatus::value), Some(3));
//! assert_eq!(data.online_version.as_ref().and_then(|v| v.create_time.as_ref()?.seconds()), Some(1_610_462_759));
//!
//! // Nothing is lost: the unknown field, the unlisted value and the number-typed time come back as sent.
//! let sent: serde_json::Value = serde_json::from_str(body)?;
//! assert_eq!(serde_json::to_value(&event)?, sent);
//! # Ok::<(), serde_json::Error>(())
//! ```
//!
//! # Versions
//!
//! A page that lists a new field or a new enum value is a minor release: every generated struct and
//! enum is `#[non_exhaustive]`. Build a struct from `Default` and assign its fields; match an enum
//! with a wildcard arm, and make a value with `From` (`AppStatus::from(1)`), which gives the listed
//! variant for a listed value and `Unlisted` only for the others.
//!
//! ```
//! use lark_events::application::v6::{AppStatus, P2ApplicationAppVersionPublishApplyV6Data as Data};
//!
//! let mut data = Data::default();
//! data.app_status = Some(AppStatus::from(1));
//! assert_eq!(serde_json::to_string(&data)?, r#"{"app_status":1}"#);
//! let state = match data.app_status {
//!     Some(AppStatus::Enabled) => "enabled",
//!     Some(AppStatus::Disabled) => "disabled",
//!     _ => "other", // required: a later page may list more values
//! };
//! assert_eq!(state, "enabled");
//! # Ok::<(), serde_json::Error>(())
//! ```
//!
//! A struct literal does not build outside the crate, so adding a field breaks no code:
//!
//! ```compile_fail
//! use lark_events::application::v6::{AppStatus, P2ApplicationAppVersionPublishApplyV6Data as Data};
//!
//! let data = Data { app_status: Some(AppStatus::from(1)), ..Data::default() };
//! ```

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
