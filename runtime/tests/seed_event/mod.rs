//! A hand-written event type standing in for a generated one, so that the runtime is tested on its
//! own: the seed event (`application.application.app_version.publish_apply_v6`), its `event` part
//! kept as JSON.

#![allow(dead_code)] // each test binary uses a part of it

use lark_runtime::Event;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct SeedEvent {
    pub header: Option<SeedHeader>,
    pub event: Option<serde_json::Value>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct SeedHeader {
    pub event_id: Option<String>,
}

impl Event for SeedEvent {
    const EVENT_TYPE: &'static str = "application.application.app_version.publish_apply_v6";
}

impl SeedEvent {
    /// `event.online_version.version_id`, as the typed struct would give it.
    pub fn online_version_id(&self) -> Option<String> {
        let version = self.event.as_ref()?.get("online_version")?;
        Some(version.get("version_id")?.as_str()?.to_owned())
    }
}
