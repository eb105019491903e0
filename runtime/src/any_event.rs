//! One typed value for any delivery: the generated crate's `AnyEvent` enum, with a variant per event
//! type it knows and `Unknown` for the others, to `match` on instead of registering a handler per
//! type. [`declare!`] writes it from the generated list of event types.

use crate::envelope::{Envelope, EnvelopeError};
use crate::event::HeaderRef;

/// Why a body is not an event.
#[derive(Debug, thiserror::Error)]
pub enum AnyEventError {
    /// The body is not an event envelope.
    #[error(transparent)]
    Envelope(#[from] EnvelopeError),
    /// The body is a URL verification request, not an event.
    #[error("a url_verification request is not an event")]
    NotAnEvent,
    /// The body is not JSON of its event type's shape (with the JSON position).
    #[error("event {event_type} does not decode: {source}")]
    Decode {
        /// The event type read from the body.
        event_type: String,
        /// The decoding error.
        source: serde_json::Error,
    },
}

/// The event type of a plaintext delivery body (`header.event_type`, or `event.type` for schema 1.0).
pub fn event_type_of(body: &[u8]) -> Result<String, AnyEventError> {
    match Envelope::parse(body)? {
        Envelope::Event(envelope) => Ok(envelope.header.event_type),
        Envelope::UrlVerification(_) => Err(AnyEventError::NotAnEvent),
    }
}

/// The routing fields of an event's JSON: from `header` (2.0), else from `uuid`, `ts`, `token` and
/// `event` (1.0); a field that is absent or not a string reads as empty.
pub fn header_of(value: &serde_json::Value) -> HeaderRef<'_> {
    let text = |pointer: &str| {
        value
            .pointer(pointer)
            .and_then(|v| v.as_str())
            .unwrap_or("")
    };
    let mut header = HeaderRef::default();
    if value.get("header").is_some() {
        header.event_id = text("/header/event_id");
        header.create_time = match value.pointer("/header/create_time") {
            Some(serde_json::Value::String(text)) => text.trim().parse().ok(),
            Some(number) => number.as_i64(),
            None => None,
        }
        .map(crate::event::epoch_millis);
        header.token = text("/header/token");
        header.app_id = text("/header/app_id");
        header.tenant_key = text("/header/tenant_key");
    } else {
        header.event_id = text("/uuid");
        header.create_time = crate::event::__private::seconds_text_as_millis(text("/ts"));
        header.token = text("/token");
        header.app_id = text("/event/app_id");
        header.tenant_key = text("/event/tenant_key");
    }
    header
}

/// Declares a generated crate's `AnyEvent`: `AnyEvent { Variant: EventType, … }`, each entry
/// optionally behind `#[cfg(…)]`. The enum decodes any plaintext body into the variant of its event
/// type (`Unknown` keeps the JSON of a type it does not know) and re-encodes as it came.
#[doc(hidden)]
#[macro_export]
macro_rules! __any_event {
    ($name:ident { $($(#[$cfg:meta])* $variant:ident: $event:ty),* $(,)? }) => {
        /// Any delivered event: the typed event for each event type this crate knows, `Unknown`
        /// (the JSON as it came) for the others. `from_slice` reads a plaintext body; serializing
        /// gives the body back.
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum $name {
            $($(#[$cfg])* $variant(::std::boxed::Box<$event>),)*
            /// An event type this crate does not know (or whose service feature is off).
            Unknown($crate::wire::__private::serde_json::Value),
        }

        impl $name {
            /// Decodes a plaintext body into the variant of its event type.
            pub fn from_slice(body: &[u8]) -> ::core::result::Result<Self, $crate::any_event::AnyEventError> {
                let event_type = $crate::any_event::event_type_of(body)?;
                let decode_error = |source| $crate::any_event::AnyEventError::Decode {
                    event_type: event_type.clone(),
                    source,
                };
                $($(#[$cfg])* {
                    if event_type == <$event as $crate::Event>::EVENT_TYPE {
                        let event = $crate::wire::__private::serde_json::from_slice(body)
                            .map_err(decode_error)?;
                        return ::core::result::Result::Ok(Self::$variant(::std::boxed::Box::new(event)));
                    }
                })*
                $crate::wire::__private::serde_json::from_slice(body)
                    .map(Self::Unknown)
                    .map_err(decode_error)
            }

            /// The routing fields of the delivery (see [`Event::header`](crate::Event::header));
            /// for `Unknown`, read from its JSON as schema 2.0 or 1.0 writes them.
            pub fn header(&self) -> $crate::event::HeaderRef<'_> {
                match self {
                    $($(#[$cfg])* Self::$variant(event) => $crate::Event::header(&**event),)*
                    Self::Unknown(value) => $crate::any_event::header_of(value),
                }
            }

            /// The paths of the values that did not fit their documented type (see each event
            /// type's `mismatches()`); none for `Unknown`, which keeps its JSON as it came.
            pub fn mismatches(&self) -> ::std::vec::Vec<::std::string::String> {
                match self {
                    $($(#[$cfg])* Self::$variant(event) => event.mismatches(),)*
                    Self::Unknown(_) => ::std::vec::Vec::new(),
                }
            }
        }

        impl $crate::wire::__private::serde::Serialize for $name {
            fn serialize<S: $crate::wire::__private::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::core::result::Result<S::Ok, S::Error> {
                use $crate::wire::__private::serde::Serialize as _;
                match self {
                    $($(#[$cfg])* Self::$variant(event) => event.serialize(serializer),)*
                    Self::Unknown(value) => value.serialize(serializer),
                }
            }
        }
    };
}

pub use crate::__any_event as declare;
