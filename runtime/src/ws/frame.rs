//! The protobuf frames of the long connection (`pbbp2.proto`: `Frame` and `Header`, proto2).

use prost::Message;

/// `Frame.method` of a control frame (ping, pong).
pub const METHOD_CONTROL: i32 = 0;
/// `Frame.method` of a data frame (an event or a card callback).
pub const METHOD_DATA: i32 = 1;

/// Header with the message type: `ping`, `pong`, `event` or `card`.
pub const HEADER_TYPE: &str = "type";
/// Header with the message id, shared by the parts of a split message.
pub const HEADER_MESSAGE_ID: &str = "message_id";
/// Header with the number of parts of a message (`1` when not split).
pub const HEADER_SUM: &str = "sum";
/// Header with the index of this part, from `0`.
pub const HEADER_SEQ: &str = "seq";
/// Header with the trace id of a delivery.
pub const HEADER_TRACE_ID: &str = "trace_id";
/// Header the client adds to an acknowledgement: handling time in milliseconds.
pub const HEADER_BIZ_RT: &str = "biz_rt";

/// One key/value header of a frame.
#[derive(Clone, PartialEq, Message)]
pub struct Header {
    /// The header name.
    #[prost(string, required, tag = "1")]
    pub key: String,
    /// The header value.
    #[prost(string, required, tag = "2")]
    pub value: String,
}

/// One WebSocket binary message.
#[derive(Clone, PartialEq, Message)]
pub struct Frame {
    /// `SeqID`.
    #[prost(uint64, required, tag = "1")]
    pub seq_id: u64,
    /// `LogID`.
    #[prost(uint64, required, tag = "2")]
    pub log_id: u64,
    /// The service id from the connection URL (`service_id`).
    #[prost(int32, required, tag = "3")]
    pub service: i32,
    /// [`METHOD_CONTROL`] or [`METHOD_DATA`].
    #[prost(int32, required, tag = "4")]
    pub method: i32,
    /// The headers, in order.
    #[prost(message, repeated, tag = "5")]
    pub headers: Vec<Header>,
    /// `payload_encoding`.
    #[prost(string, optional, tag = "6")]
    pub payload_encoding: Option<String>,
    /// `payload_type`.
    #[prost(string, optional, tag = "7")]
    pub payload_type: Option<String>,
    /// The payload: an event body, a pong's configuration, an acknowledgement.
    #[prost(bytes = "vec", optional, tag = "8")]
    pub payload: Option<Vec<u8>>,
    /// `LogIDNew`.
    #[prost(string, optional, tag = "9")]
    pub log_id_new: Option<String>,
}

/// The message type a frame announces in its `type` header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageType {
    /// A ping (client to server).
    Ping,
    /// A pong (server to client), possibly with a configuration update.
    Pong,
    /// An event.
    Event,
    /// A card callback.
    Card,
}

impl MessageType {
    /// The header value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ping => "ping",
            Self::Pong => "pong",
            Self::Event => "event",
            Self::Card => "card",
        }
    }

    /// Parses a header value; `None` for a type this client does not know.
    pub fn parse(value: &str) -> Option<Self> {
        [Self::Ping, Self::Pong, Self::Event, Self::Card]
            .into_iter()
            .find(|t| t.as_str() == value)
    }
}

impl Frame {
    /// A ping for the given service.
    pub fn ping(service: i32) -> Self {
        Self::control(service, MessageType::Ping, None)
    }

    /// A control frame of the given type, with an optional payload.
    pub fn control(service: i32, kind: MessageType, payload: Option<Vec<u8>>) -> Self {
        Self {
            service,
            method: METHOD_CONTROL,
            headers: vec![Header::new(HEADER_TYPE, kind.as_str())],
            payload,
            ..Self::default()
        }
    }

    /// The value of the first header named `key`.
    pub fn header(&self, key: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|h| h.key == key)
            .map(|h| h.value.as_str())
    }

    /// Appends a header.
    pub fn push_header(&mut self, key: &str, value: impl Into<String>) {
        self.headers.push(Header::new(key, value));
    }

    /// The message type, if the `type` header names a known one.
    pub fn message_type(&self) -> Option<MessageType> {
        self.header(HEADER_TYPE).and_then(MessageType::parse)
    }

    /// The payload, empty when absent.
    pub fn payload_bytes(&self) -> &[u8] {
        self.payload.as_deref().unwrap_or_default()
    }

    /// The protobuf encoding.
    pub fn to_bytes(&self) -> Vec<u8> {
        self.encode_to_vec()
    }

    /// Decodes a protobuf message.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, prost::DecodeError> {
        Self::decode(bytes)
    }
}

impl Header {
    /// A header.
    pub fn new(key: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            key: key.into(),
            value: value.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ping_encodes_required_fields_even_when_zero() {
        let bytes = Frame::ping(7).to_bytes();
        // SeqID=0 (tag 1), LogID=0 (tag 2), service=7 (tag 3), method=0 (tag 4), one header (tag 5).
        assert_eq!(&bytes[..8], &[0x08, 0, 0x10, 0, 0x18, 7, 0x20, 0]);
        assert_eq!(bytes[8], 0x2a);
        let back = Frame::from_bytes(&bytes).unwrap();
        assert_eq!(back.message_type(), Some(MessageType::Ping));
        assert_eq!(back.service, 7);
        assert_eq!(back.payload, None);
    }

    #[test]
    fn data_frame_round_trips_with_headers_and_payload() {
        let mut frame = Frame {
            seq_id: 3,
            log_id: 9,
            method: METHOD_DATA,
            payload: Some(b"{}".to_vec()),
            log_id_new: Some("log".into()),
            ..Frame::default()
        };
        frame.push_header(HEADER_TYPE, "event");
        frame.push_header(HEADER_SUM, "1");
        let back = Frame::from_bytes(&frame.to_bytes()).unwrap();
        assert_eq!(back, frame);
        assert_eq!(back.header(HEADER_SUM), Some("1"));
        assert_eq!(back.header("missing"), None);
    }

    #[test]
    fn garbage_is_a_decode_error() {
        assert!(Frame::from_bytes(&[0xff, 0xff, 0xff]).is_err());
    }
}
