//! The envelope around every delivered event: schema 2.0 (`header` + `event`), schema 1.0
//! (`uuid`, `token`, `ts`, `type: event_callback`, `event.type`) and the URL verification challenge.
//!
//! Only the routing fields are read; the whole plaintext body is kept in [`EventEnvelope::raw`] so
//! nothing the platform sent is lost.

use std::borrow::Cow;

use serde::{Deserialize, Deserializer};

/// A parsed plaintext body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Envelope {
    /// An event delivery (schema 2.0 or 1.0).
    Event(EventEnvelope),
    /// The URL verification request sent when a callback URL is configured.
    UrlVerification(UrlVerification),
}

/// The URL verification request: `{"type":"url_verification","challenge":"…","token":"…"}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrlVerification {
    /// The value to echo back as `{"challenge":"…"}`.
    pub challenge: String,
    /// The verification token, when the platform sent one.
    pub token: Option<String>,
}

/// The envelope schema of an event delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Schema {
    /// `{"uuid", "token", "ts", "type": "event_callback", "event": {"type", …}}`.
    V1,
    /// `{"schema": "2.0", "header": {…}, "event": {…}}`.
    V2,
}

/// An event delivery: its routing header and the raw plaintext body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventEnvelope {
    /// Which envelope schema the body uses.
    pub schema: Schema,
    /// The routing fields, taken from `header` (2.0) or from the top level and `event` (1.0).
    pub header: Header,
    /// The whole plaintext body as received.
    pub raw: String,
}

/// The routing fields common to both schemas.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Header {
    /// `header.event_id` (2.0) or `uuid` (1.0): the delivery's identity, used for deduplication.
    pub event_id: Option<String>,
    /// `header.event_type` (2.0) or `event.type` (1.0).
    pub event_type: String,
    /// `header.create_time` (2.0, milliseconds) or `ts` (1.0, seconds), as text.
    pub create_time: Option<String>,
    /// The verification token the platform put in the body.
    pub token: Option<String>,
    /// `header.app_id` (2.0) or `event.app_id` (1.0).
    pub app_id: Option<String>,
    /// `header.tenant_key` (2.0) or `event.tenant_key` (1.0).
    pub tenant_key: Option<String>,
}

/// Why a plaintext body is not an envelope.
#[derive(Debug, thiserror::Error)]
pub enum EnvelopeError {
    /// The body is not JSON, or a routing field has the wrong JSON type.
    #[error("malformed JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// The body is an encrypted `{"encrypt": …}` body; decrypt it first.
    #[error("body is encrypted")]
    Encrypted,
    /// The body is JSON but neither a 2.0 nor a 1.0 envelope nor a challenge.
    #[error("not an event envelope: {0}")]
    Unrecognized(&'static str),
}

impl Envelope {
    /// Reads the routing fields of a plaintext body, keeping the body itself.
    pub fn parse(body: &[u8]) -> Result<Self, EnvelopeError> {
        Ok(match Plaintext::read(Cow::Borrowed(utf8(body)?))? {
            Plaintext::Event(delivery) => Envelope::Event(delivery.into_envelope()),
            Plaintext::UrlVerification(verification) => Envelope::UrlVerification(verification),
        })
    }
}

/// A plaintext body after its one read of the routing fields, before anything is copied: the
/// dispatcher decodes a typed event from [`Delivery::body`] and copies the body into an
/// [`EventEnvelope`] only for a handler that takes one.
pub(crate) enum Plaintext<'a> {
    /// An event delivery (schema 2.0 or 1.0).
    Event(Delivery<'a>),
    /// The URL verification request.
    UrlVerification(UrlVerification),
}

/// An event delivery: its routing header and the plaintext body, borrowed from the request when it
/// can be, or owned (a decrypted body).
pub(crate) struct Delivery<'a> {
    pub(crate) schema: Schema,
    pub(crate) header: Header,
    pub(crate) body: Cow<'a, str>,
    /// How much of the body has been read so far.
    pub(crate) read: Read,
}

/// How much of a delivery's body was read for its routing fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Read {
    /// All of it: the body is JSON and every routing field has its JSON type.
    Whole,
    /// Only the members before `event` of a 2.0 body (`schema` and `header`), by [`read_prefix`]: the
    /// rest is read once, by the typed decoding, and by [`Delivery::read_whole`] if that fails.
    Prefix,
}

impl<'a> Plaintext<'a> {
    /// Reads the routing fields of `body`, which it keeps.
    pub(crate) fn read(body: Cow<'a, str>) -> Result<Self, EnvelopeError> {
        let wire: Wire = serde_json::from_str(&body)?;
        wire.into_plaintext(body)
    }
}

/// The routing fields of a schema 2.0 body whose `schema` and `header` come before `event`, as the
/// platform sends them (`{"schema":"2.0","header":{…},"event":{…}}`), read without reading `event` or
/// anything after it. `None` when the body does not start that way (another member before `event`,
/// `event` first, a key with an escape, a routing field of the wrong type, schema 1.0, a challenge):
/// [`Plaintext::read`] then reads the whole body, as it does for every body. Members after `event`
/// are not read here: in 2.0 the routing fields come from `header` alone.
pub(crate) fn read_prefix(body: &str) -> Option<Header> {
    let mut rest = skip_whitespace(body).strip_prefix('{')?;
    let mut schema = None;
    let mut header = None;
    loop {
        let (key, value) = member_key(rest)?;
        rest = match key {
            "event" => break,
            "schema" if schema.is_none() => {
                let (text, rest) = member_value::<&str>(value)?;
                schema = Some(text);
                rest
            }
            "header" if header.is_none() => {
                let (wire, rest) = member_value::<WireHeader>(value)?;
                header = Some(wire);
                rest
            }
            _ => return None,
        };
        rest = skip_whitespace(rest).strip_prefix(',')?;
    }
    if schema != Some("2.0") {
        return None;
    }
    header?.into_header().ok()
}

/// JSON's whitespace (not Unicode's) removed from the start of `text`.
fn skip_whitespace(text: &str) -> &str {
    text.trim_start_matches([' ', '\t', '\n', '\r'])
}

/// The key of the member `text` starts with, without escapes, and the text after its `:`.
fn member_key(text: &str) -> Option<(&str, &str)> {
    let text = skip_whitespace(text).strip_prefix('"')?;
    let end = text.find(['"', '\\'])?;
    let rest = text[end..].strip_prefix('"')?;
    Some((&text[..end], skip_whitespace(rest).strip_prefix(':')?))
}

/// The JSON value `text` starts with, and the text after it.
fn member_value<'a, T: Deserialize<'a>>(text: &'a str) -> Option<(T, &'a str)> {
    let mut values = serde_json::Deserializer::from_str(text).into_iter::<T>();
    let value = values.next()?.ok()?;
    Some((value, &text[values.byte_offset()..]))
}

impl<'a> Delivery<'a> {
    /// The delivery with its whole body read, as [`Plaintext::read`] reads it (no-op when it was).
    pub(crate) fn read_whole(self) -> Result<Self, EnvelopeError> {
        match self.read {
            Read::Whole => Ok(self),
            Read::Prefix => match Plaintext::read(self.body)? {
                Plaintext::Event(delivery) => Ok(delivery),
                // A body with `header` is never a challenge.
                Plaintext::UrlVerification(_) => Err(EnvelopeError::Unrecognized(
                    "a body with `header` must be an event",
                )),
            },
        }
    }
    /// The public form, owning the body (no copy when it is already owned).
    pub(crate) fn into_envelope(self) -> EventEnvelope {
        EventEnvelope {
            schema: self.schema,
            header: self.header,
            raw: self.body.into_owned(),
        }
    }
}

impl From<EventEnvelope> for Delivery<'static> {
    fn from(envelope: EventEnvelope) -> Self {
        Self {
            schema: envelope.schema,
            header: envelope.header,
            body: Cow::Owned(envelope.raw),
            read: Read::Whole,
        }
    }
}

/// The body as text: the routing fields and the raw body are JSON text.
pub(crate) fn utf8(body: &[u8]) -> Result<&str, EnvelopeError> {
    std::str::from_utf8(body).map_err(|_| not_utf8())
}

/// [`utf8`] for an owned body (a decrypted one), without copying it.
#[cfg(feature = "webhook")]
pub(crate) fn utf8_owned(body: Vec<u8>) -> Result<String, EnvelopeError> {
    String::from_utf8(body).map_err(|_| not_utf8())
}

fn not_utf8() -> EnvelopeError {
    EnvelopeError::Json(serde::de::Error::custom("body is not valid UTF-8"))
}

/// The fields of all three shapes, every one optional; unknown fields are skipped.
#[derive(Deserialize)]
struct Wire {
    schema: Option<String>,
    header: Option<WireHeader>,
    uuid: Option<String>,
    token: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    ts: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    challenge: Option<String>,
    event: Option<WireEvent>,
    encrypt: Option<serde::de::IgnoredAny>,
}

#[derive(Deserialize)]
struct WireHeader {
    event_id: Option<String>,
    event_type: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    create_time: Option<String>,
    token: Option<String>,
    app_id: Option<String>,
    tenant_key: Option<String>,
}

/// The routing fields of `event` (schema 1.0). A 2.0 event may carry fields of these names with
/// any JSON (`"type": 1`): a value that is not a string is not a routing field, never an error.
#[derive(Deserialize)]
struct WireEvent {
    #[serde(rename = "type", default, deserialize_with = "string_or_skip")]
    kind: Option<String>,
    #[serde(default, deserialize_with = "string_or_skip")]
    app_id: Option<String>,
    #[serde(default, deserialize_with = "string_or_skip")]
    tenant_key: Option<String>,
}

impl WireHeader {
    fn into_header(self) -> Result<Header, EnvelopeError> {
        let event_type = self
            .event_type
            .ok_or(EnvelopeError::Unrecognized("header.event_type is missing"))?;
        Ok(Header {
            event_id: self.event_id,
            event_type,
            create_time: self.create_time,
            token: self.token,
            app_id: self.app_id,
            tenant_key: self.tenant_key,
        })
    }
}

impl Wire {
    fn into_plaintext<'a>(self, body: Cow<'a, str>) -> Result<Plaintext<'a>, EnvelopeError> {
        if let Some(header) = self.header {
            if self.schema.as_deref() != Some("2.0") {
                return Err(EnvelopeError::Unrecognized(
                    "a body with `header` must have schema \"2.0\"",
                ));
            }
            return Ok(Plaintext::Event(Delivery {
                schema: Schema::V2,
                header: header.into_header()?,
                body,
                read: Read::Whole,
            }));
        }
        match self.kind.as_deref() {
            Some("url_verification") => Ok(Plaintext::UrlVerification(UrlVerification {
                challenge: self
                    .challenge
                    .ok_or(EnvelopeError::Unrecognized("challenge is missing"))?,
                token: self.token,
            })),
            Some("event_callback") => {
                let event = self
                    .event
                    .ok_or(EnvelopeError::Unrecognized("event is missing"))?;
                let event_type = event
                    .kind
                    .ok_or(EnvelopeError::Unrecognized("event.type is missing"))?;
                Ok(Plaintext::Event(Delivery {
                    schema: Schema::V1,
                    header: Header {
                        event_id: self.uuid,
                        event_type,
                        create_time: self.ts,
                        token: self.token,
                        app_id: event.app_id,
                        tenant_key: event.tenant_key,
                    },
                    body,
                    read: Read::Whole,
                }))
            }
            Some(_) => Err(EnvelopeError::Unrecognized("unknown `type`")),
            None if self.encrypt.is_some() => Err(EnvelopeError::Encrypted),
            None => Err(EnvelopeError::Unrecognized(
                "neither `header` (2.0) nor `type` (1.0 or challenge)",
            )),
        }
    }
}

/// A string, or a number turned into its decimal text (`ts` and `create_time` arrive as either).
fn lenient_string<'de, D: Deserializer<'de>>(de: D) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum StringOrNumber {
        String(String),
        Number(serde_json::Number),
    }
    Ok(
        Option::<StringOrNumber>::deserialize(de)?.map(|value| match value {
            StringOrNumber::String(s) => s,
            StringOrNumber::Number(n) => n.to_string(),
        }),
    )
}

/// A string, or `None` for any other JSON value (skipped without building it).
fn string_or_skip<'de, D: Deserializer<'de>>(de: D) -> Result<Option<String>, D::Error> {
    struct StringOrSkip;

    impl<'de> serde::de::Visitor<'de> for StringOrSkip {
        type Value = Option<String>;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("any JSON value")
        }

        fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<Self::Value, E> {
            Ok(Some(value.to_owned()))
        }

        fn visit_string<E: serde::de::Error>(self, value: String) -> Result<Self::Value, E> {
            Ok(Some(value))
        }

        fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_seq<A: serde::de::SeqAccess<'de>>(
            self,
            mut seq: A,
        ) -> Result<Self::Value, A::Error> {
            while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
            Ok(None)
        }

        fn visit_map<A: serde::de::MapAccess<'de>>(
            self,
            mut map: A,
        ) -> Result<Self::Value, A::Error> {
            while map
                .next_entry::<serde::de::IgnoredAny, serde::de::IgnoredAny>()?
                .is_some()
            {}
            Ok(None)
        }
    }

    de.deserialize_any(StringOrSkip)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_2_0_event_may_have_fields_named_like_1_0_routing_fields() {
        let body = r#"{"schema":"2.0","header":{"event_id":"e1","event_type":"hire.talent.tag_subscription_v1"},"event":{"type":1,"app_id":[],"tenant_key":{"a":1}}}"#;
        let env = event(body);
        assert_eq!(env.header.event_type, "hire.talent.tag_subscription_v1");
        assert_eq!(env.header.app_id, None);
    }

    fn event(body: &str) -> EventEnvelope {
        match Envelope::parse(body.as_bytes()).unwrap() {
            Envelope::Event(event) => event,
            other => panic!("expected an event, got {other:?}"),
        }
    }

    #[test]
    fn schema_2_reads_the_header_and_keeps_the_body() {
        let body = r#"{"schema":"2.0","header":{"event_id":"e1","event_type":"a.b","create_time":"1608725989000","token":"t","app_id":"cli_1","tenant_key":"tk"},"event":{"x":1,"new_field":[1,2]}}"#;
        let env = event(body);
        assert_eq!(env.schema, Schema::V2);
        assert_eq!(env.header.event_id.as_deref(), Some("e1"));
        assert_eq!(env.header.event_type, "a.b");
        assert_eq!(env.header.create_time.as_deref(), Some("1608725989000"));
        assert_eq!(env.header.token.as_deref(), Some("t"));
        assert_eq!(env.header.app_id.as_deref(), Some("cli_1"));
        assert_eq!(env.header.tenant_key.as_deref(), Some("tk"));
        assert_eq!(env.raw, body);
    }

    #[test]
    fn schema_1_routes_by_event_type_and_uses_uuid_as_id() {
        let body = r#"{"uuid":"u1","token":"t","ts":"1502199207.7171419","type":"event_callback","event":{"type":"app_open","app_id":"cli_1","tenant_key":"tk"}}"#;
        let env = event(body);
        assert_eq!(env.schema, Schema::V1);
        assert_eq!(env.header.event_id.as_deref(), Some("u1"));
        assert_eq!(env.header.event_type, "app_open");
        assert_eq!(
            env.header.create_time.as_deref(),
            Some("1502199207.7171419")
        );
        assert_eq!(env.header.app_id.as_deref(), Some("cli_1"));
        let numeric =
            event(r#"{"uuid":"u","ts":1502199207,"type":"event_callback","event":{"type":"x"}}"#);
        assert_eq!(numeric.header.create_time.as_deref(), Some("1502199207"));
    }

    #[test]
    fn the_prefix_of_a_2_0_body_is_read_up_to_event() {
        // What follows `"event":` is not read at all.
        let header = read_prefix(
            " {\"schema\" : \"2.0\",\n\"header\":{\"event_id\":\"e1\",\"event_type\":\"a.b\",\"create_time\":1608725989000,\"more\":[1]}, \"event\": {\"x\"",
        )
        .unwrap();
        assert_eq!(header.event_id.as_deref(), Some("e1"));
        assert_eq!(header.event_type, "a.b");
        assert_eq!(header.create_time.as_deref(), Some("1608725989000"));
        let header_first =
            read_prefix(r#"{"header":{"event_type":"a.b"},"schema":"2.0","event":1}"#);
        assert_eq!(header_first.unwrap().event_type, "a.b");
        for body in [
            r#"{"event":{},"schema":"2.0","header":{"event_type":"a.b"}}"#,
            r#"{"schema":"2.0","event":{},"header":{"event_type":"a.b"}}"#,
            r#"{"other":1,"schema":"2.0","header":{"event_type":"a.b"},"event":{}}"#,
            r#"{"sch\u0065ma":"2.0","header":{"event_type":"a.b"},"event":{}}"#,
            r#"{"schema":"2.0","header":{"event_type":"a.b"},"header":{"event_type":"a.b"},"event":{}}"#,
            r#"{"schema":"1.0","header":{"event_type":"a.b"},"event":{}}"#,
            r#"{"schema":null,"header":{"event_type":"a.b"},"event":{}}"#,
            r#"{"schema":"2.0","header":{"event_id":"e"},"event":{}}"#,
            r#"{"schema":"2.0","header":{"event_type":5},"event":{}}"#,
            r#"{"schema":"2.0","header":{"event_type":"a.b"}}"#,
            r#"{"schema":"2.0" "header":{"event_type":"a.b"},"event":{}}"#,
            r#"{"uuid":"u","type":"event_callback","event":{"type":"a.b"}}"#,
            r#"{"type":"url_verification","challenge":"c"}"#,
            r#"["schema"]"#,
            "",
        ] {
            assert!(read_prefix(body).is_none(), "{body}");
        }
    }

    #[test]
    fn challenge_is_recognized() {
        let env = Envelope::parse(br#"{"challenge":"c1","token":"t","type":"url_verification"}"#)
            .unwrap();
        assert_eq!(
            env,
            Envelope::UrlVerification(UrlVerification {
                challenge: "c1".into(),
                token: Some("t".into())
            })
        );
    }

    #[test]
    fn bad_bodies_are_errors_not_panics() {
        for body in [
            &b"not json"[..],
            b"[]",
            b"{}",
            b"\xff\xfe",
            br#"{"type":"event_callback"}"#,
            br#"{"schema":"2.0","header":{}}"#,
            br#"{"header":{"event_type":"x"}}"#,
            br#"{"type":"url_verification"}"#,
            br#"{"type":"other"}"#,
            br#"{"schema":"2.0","header":{"event_type":5}}"#,
        ] {
            assert!(
                Envelope::parse(body).is_err(),
                "{:?}",
                String::from_utf8_lossy(body)
            );
        }
        assert!(matches!(
            Envelope::parse(br#"{"encrypt":"abc"}"#),
            Err(EnvelopeError::Encrypted)
        ));
    }
}
