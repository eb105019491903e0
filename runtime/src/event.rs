//! What every generated event type has in common.

use serde::de::DeserializeOwned;
use serde::Serialize;

/// A typed event: the whole body the platform sends (`schema`, `header`, `event`).
///
/// Every generated event struct implements it; the dispatcher uses [`Event::EVENT_TYPE`] to route a
/// delivery to the handler registered for that type.
pub trait Event: DeserializeOwned + Serialize + Send + Sync + 'static {
    /// The event type as the platform writes it in `header.event_type`,
    /// e.g. `application.application.app_version.publish_apply_v6`.
    const EVENT_TYPE: &'static str;
}
