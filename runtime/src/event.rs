//! What every generated event type has in common: the [`Event`] trait, the `header` of schema 2.0
//! events ([`EventHeader`], one type for every event), and [`HeaderRef`], the routing fields of any
//! typed event, 2.0 or 1.0.

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::wire::UnixMillis;

/// A typed event: the whole body the platform sends (`schema`, `header`, `event`).
///
/// Every generated event struct implements it; the dispatcher uses [`Event::EVENT_TYPE`] to route a
/// delivery to the handler registered for that type.
pub trait Event: DeserializeOwned + Serialize + Send + Sync + 'static {
    /// The event type as the platform writes it in `header.event_type`,
    /// e.g. `application.application.app_version.publish_apply_v6`.
    const EVENT_TYPE: &'static str;

    /// The routing fields of this delivery, whichever schema it uses: from `header` (2.0), or from
    /// `uuid`, `ts`, `token` and `event` (1.0). An absent field reads as empty.
    fn header(&self) -> HeaderRef<'_> {
        HeaderRef::default()
    }
}

/// The `header` of a schema 2.0 event, shared by every event type.
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct EventHeader {
    /// The delivery's identity: a retry of the same event keeps it.
    pub event_id: Option<String>,
    /// The event type, e.g. `im.message.receive_v1`.
    pub event_type: Option<String>,
    /// When the event happened, in milliseconds.
    pub create_time: Option<UnixMillis>,
    /// The verification token of the app's event subscription.
    pub token: Option<String>,
    /// The app the event is delivered to.
    pub app_id: Option<String>,
    /// The tenant the event happened in.
    pub tenant_key: Option<String>,
    /// Fields the header does not list, and values that do not fit their type.
    pub extra: serde_json::Map<String, serde_json::Value>,
}
crate::wire::object!(EventHeader {
    event_id,
    event_type,
    create_time,
    token,
    app_id,
    tenant_key
});

/// The routing fields of a typed event, read from its body ([`Event::header`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct HeaderRef<'a> {
    /// `header.event_id` (2.0) or `uuid` (1.0).
    pub event_id: &'a str,
    /// `header.create_time` (2.0; card callbacks send microseconds) or `ts` (1.0, seconds), in
    /// milliseconds; `None` when absent or not a number.
    pub create_time: Option<i64>,
    /// `header.token` (2.0) or `token` (1.0).
    pub token: &'a str,
    /// `header.app_id` (2.0) or `event.app_id` (1.0).
    pub app_id: &'a str,
    /// `header.tenant_key` (2.0) or `event.tenant_key` (1.0).
    pub tenant_key: &'a str,
}

/// A Unix time in milliseconds from a count in milliseconds or a finer unit, told apart by size, as
/// the platform's headers mix them (`create_time` is in milliseconds for events and in microseconds
/// for card callbacks): up to 10^14 milliseconds, then microseconds up to 10^17, then nanoseconds.
/// Every date from 1973 to 5138 reads right.
pub(crate) fn epoch_millis(count: i64) -> i64 {
    match count.unsigned_abs() {
        n if n < 100_000_000_000_000 => count,
        n if n < 100_000_000_000_000_000 => count / 1_000,
        _ => count / 1_000_000,
    }
}

/// What [`event!`](crate::wire::event) expansions call.
#[doc(hidden)]
pub mod __private {
    use super::*;

    /// `header.create_time` of a 2.0 event in milliseconds, from a typed time or from the numeric
    /// text a header documents it as (microseconds for card callbacks).
    pub fn millis(value: &impl CreateTime) -> Option<i64> {
        value.millis().map(epoch_millis)
    }

    /// A header's `create_time` field, whichever type its page gives it.
    pub trait CreateTime {
        fn millis(&self) -> Option<i64>;
    }

    impl CreateTime for Option<UnixMillis> {
        fn millis(&self) -> Option<i64> {
            self.get().and_then(UnixMillis::millis)
        }
    }

    impl CreateTime for Option<String> {
        fn millis(&self) -> Option<i64> {
            self.as_deref()?.trim().parse().ok()
        }
    }

    /// `ts` of a 1.0 event (`"1502199207.7171419"`, seconds) in milliseconds.
    pub fn seconds_text_as_millis(ts: &str) -> Option<i64> {
        let seconds: f64 = ts.trim().parse().ok()?;
        let millis = (seconds * 1000.0).round();
        (millis.is_finite() && millis.abs() < i64::MAX as f64).then_some(millis as i64)
    }

    pub use crate::wire::Get;
}

#[cfg(test)]
mod tests {
    use super::__private::millis;
    use super::*;

    #[test]
    fn a_create_time_reads_as_milliseconds_whatever_its_unit() {
        let at = 1_603_977_298_123; // 2020-10-29T13:14:58.123Z
        assert_eq!(epoch_millis(at), at);
        assert_eq!(epoch_millis(at * 1_000 + 456), at, "microseconds");
        assert_eq!(epoch_millis(at * 1_000_000 + 789), at, "nanoseconds");
        assert_eq!(epoch_millis(0), 0);
        let text = |t: &str| millis(&Some(t.to_owned()));
        assert_eq!(text(" 1603977298123000 "), Some(at));
        assert_eq!(text("soon"), None);
        assert_eq!(millis(&None::<String>), None);
    }
}
