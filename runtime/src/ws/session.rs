//! One WebSocket connection: open it, then ping, read frames, dispatch events and acknowledge them
//! until it ends.

use std::sync::Arc;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use tokio::net::TcpStream;
use tokio::sync::{mpsc, watch, OwnedSemaphorePermit, Semaphore};
use tokio::time::{sleep_until, timeout, Instant};
use tokio_tungstenite::tungstenite::{self, Message};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use super::config::{ClientConfig, ClientConfigUpdate, Options};
use super::endpoint::Endpoint;
use super::error::WsError;
use super::frame::{
    Frame, MessageType, HEADER_BIZ_RT, HEADER_MESSAGE_ID, HEADER_SEQ, HEADER_SUM, HEADER_TRACE_ID,
    METHOD_CONTROL, METHOD_DATA,
};
use super::reassembly::Reassembly;
use crate::dispatch::{Dispatched, Dispatcher};

pub(crate) type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// How many acknowledgements may wait for the socket.
const ACK_QUEUE: usize = 256;

/// Opens the WebSocket, turning a refused handshake into [`WsError::HandshakeRefused`].
pub(crate) async fn open(endpoint: &Endpoint, options: &Options) -> Result<Socket, WsError> {
    let limit = options.connect_timeout;
    let connecting = tokio_tungstenite::connect_async(endpoint.url.as_str());
    match timeout(limit, connecting).await {
        Err(_) => Err(WsError::Timeout {
            during: "websocket handshake",
            limit,
        }),
        Ok(Ok((socket, _))) => Ok(socket),
        Ok(Err(tungstenite::Error::Http(response))) => Err(handshake_refusal(&response)),
        Ok(Err(e)) => Err(WsError::websocket("handshake", e)),
    }
}

fn handshake_refusal<B>(response: &tungstenite::http::Response<B>) -> WsError {
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let http_status = response.status().as_u16();
    let number = |name: &str| header(name).and_then(|v| v.trim().parse::<i64>().ok());
    WsError::HandshakeRefused {
        http_status,
        status: number("handshake-status").unwrap_or(i64::from(http_status)),
        auth_code: number("handshake-autherrcode").unwrap_or(0),
        message: header("handshake-msg").unwrap_or_else(|| {
            response
                .status()
                .canonical_reason()
                .unwrap_or_default()
                .to_owned()
        }),
    }
}

/// A connected session; [`Session::run`] returns why it ended.
pub(crate) struct Session<'a> {
    pub(crate) endpoint: &'a Endpoint,
    pub(crate) options: &'a Options,
    pub(crate) config: &'a watch::Sender<ClientConfig>,
    pub(crate) dispatcher: &'a Arc<Dispatcher>,
    /// Permits for events in their handlers: bounds how many run at once.
    pub(crate) handlers: &'a Arc<Semaphore>,
}

impl Session<'_> {
    /// Runs the connection until it fails, stops answering pings or is closed.
    ///
    /// A handler slot is taken before each read: while every handler is busy the client stops
    /// reading (the server's frames wait in the network) and the pong deadline is paused.
    pub(crate) async fn run(&self, socket: Socket) -> WsError {
        let (mut sink, mut stream) = socket.split();
        let (ack_tx, mut ack_rx) = mpsc::channel::<Frame>(ACK_QUEUE);
        let mut reassembly = Reassembly::new(self.options.reassembly);
        let mut last_ping = Instant::now();
        let mut next_ping = last_ping;
        let mut last_pong = last_ping;
        let mut slot: Option<OwnedSemaphorePermit> = None;
        let mut paused_at = Some(last_ping);
        let write_limit = self.options.write_timeout;
        loop {
            let ping_interval = self.config.borrow().ping_interval;
            let pong_limit = ping_interval.saturating_add(self.options.pong_timeout);
            let expiry = reassembly.next_deadline().map(Instant::from_std);
            let outgoing = tokio::select! {
                _ = sleep_until(next_ping) => {
                    last_ping = Instant::now();
                    next_ping = later(last_ping, ping_interval);
                    tracing::debug!(conn_id = %self.endpoint.conn_id, "ping");
                    Frame::ping(self.endpoint.service_id)
                }
                _ = sleep_until(later(last_pong, pong_limit)), if slot.is_some() => {
                    return WsError::Timeout { during: "waiting for a pong", limit: pong_limit };
                }
                _ = sleep_until(expiry.unwrap_or(next_ping)), if expiry.is_some() => {
                    reassembly.expire(std::time::Instant::now());
                    continue;
                }
                permit = Arc::clone(self.handlers).acquire_owned(), if slot.is_none() => {
                    // The semaphore is never closed, so a permit always comes.
                    slot = permit.ok();
                    if let Some(paused) = paused_at.take() {
                        last_pong += paused.elapsed();
                    }
                    continue;
                }
                Some(ack) = ack_rx.recv() => ack,
                message = stream.next(), if slot.is_some() => {
                    match message {
                        None | Some(Ok(Message::Close(_))) => return WsError::Closed,
                        Some(Err(e)) => return WsError::websocket("read", e),
                        Some(Ok(Message::Binary(bytes))) => {
                            match self.on_frame(&bytes, &mut reassembly, &ack_tx, &mut slot) {
                                Received::Pong { ping_interval } => {
                                    last_pong = Instant::now();
                                    if let Some(interval) = ping_interval {
                                        next_ping = later(last_ping, interval);
                                    }
                                }
                                Received::Other if slot.is_none() => paused_at = Some(Instant::now()),
                                Received::Other => {}
                            }
                        }
                        Some(Ok(_)) => {}
                    }
                    continue;
                }
            };
            let bytes = outgoing.to_bytes();
            match timeout(write_limit, sink.send(Message::Binary(bytes.into()))).await {
                Ok(Ok(())) => {}
                Ok(Err(e)) => return WsError::websocket("write", e),
                Err(_) => {
                    return WsError::Timeout {
                        during: "websocket write",
                        limit: write_limit,
                    }
                }
            }
        }
    }

    /// Handles one binary message; a data event takes the handler `slot`.
    fn on_frame(
        &self,
        bytes: &[u8],
        reassembly: &mut Reassembly,
        acks: &mpsc::Sender<Frame>,
        slot: &mut Option<OwnedSemaphorePermit>,
    ) -> Received {
        let frame = match Frame::from_bytes(bytes) {
            Ok(frame) => frame,
            Err(e) => {
                tracing::warn!(error = %e, "dropping a message that is not a frame");
                return Received::Other;
            }
        };
        match frame.method {
            METHOD_CONTROL if frame.message_type() == Some(MessageType::Pong) => Received::Pong {
                ping_interval: self.on_pong(&frame),
            },
            METHOD_CONTROL => Received::Other,
            METHOD_DATA => {
                self.on_data(frame, reassembly, acks, slot);
                Received::Other
            }
            other => {
                tracing::warn!(method = other, "dropping a frame of unknown method");
                Received::Other
            }
        }
    }

    /// Applies the configuration a pong carries; returns the new ping interval if it changed.
    fn on_pong(&self, frame: &Frame) -> Option<Duration> {
        tracing::debug!(conn_id = %self.endpoint.conn_id, "pong");
        let payload = frame.payload_bytes();
        if payload.is_empty() {
            return None;
        }
        let update: ClientConfigUpdate = match serde_json::from_slice(payload) {
            Ok(update) => update,
            Err(e) => {
                tracing::warn!(error = %e, "ignoring a pong whose configuration does not parse");
                return None;
            }
        };
        let before = *self.config.borrow();
        self.config.send_if_modified(|config| {
            update.apply_to(config);
            *config != before
        });
        let after = *self.config.borrow();
        if after == before {
            return None;
        }
        tracing::info!(config = ?after, "configuration updated by the server");
        (after.ping_interval != before.ping_interval).then_some(after.ping_interval)
    }

    /// Reassembles a data frame and, once whole, runs its event in a handler task holding `slot`.
    fn on_data(
        &self,
        mut frame: Frame,
        reassembly: &mut Reassembly,
        acks: &mpsc::Sender<Frame>,
        slot: &mut Option<OwnedSemaphorePermit>,
    ) {
        let number = |key: &str, default: usize| {
            frame
                .header(key)
                .and_then(|v| v.parse::<usize>().ok())
                .unwrap_or(default)
        };
        let (sum, seq) = (number(HEADER_SUM, 1), number(HEADER_SEQ, 0));
        let message_id = frame
            .header(HEADER_MESSAGE_ID)
            .unwrap_or_default()
            .to_owned();
        let trace_id = frame.header(HEADER_TRACE_ID).unwrap_or_default().to_owned();
        let payload = if sum > 1 {
            let part = frame.payload.take().unwrap_or_default();
            match reassembly.add(&message_id, sum, seq, &part, std::time::Instant::now()) {
                Ok(Some(whole)) => whole,
                Ok(None) => return,
                Err(e) => {
                    tracing::warn!(%message_id, error = %e, "dropping a split message");
                    return;
                }
            }
        } else {
            frame.payload.take().unwrap_or_default()
        };
        let kind = frame.message_type();
        if !matches!(kind, Some(MessageType::Event | MessageType::Card)) {
            tracing::warn!(%message_id, kind = ?frame.header("type"), "ignoring a data frame of unknown type");
            return;
        }
        tracing::debug!(%message_id, %trace_id, bytes = payload.len(), "event received");
        let dispatcher = Arc::clone(self.dispatcher);
        let permit = slot.take();
        let acks = acks.clone();
        let deadline = self.options.callback_deadline;
        tokio::spawn(async move {
            let _permit = permit;
            let started = Instant::now();
            let dispatched = dispatcher
                .dispatch_within(&payload, sleep_until(later(started, deadline)))
                .await;
            let (code, response) = match dispatched {
                Ok(outcome) => {
                    tracing::debug!(%message_id, ?outcome, "event dispatched");
                    let response = match outcome {
                        Dispatched::Answered { response, .. } => Some(response),
                        _ => None,
                    };
                    (200, response)
                }
                Err(e) => {
                    tracing::warn!(%message_id, %trace_id, error = %e, "event not handled");
                    (500, None)
                }
            };
            let ack = acknowledgement(frame, code, started.elapsed(), response.as_ref());
            if acks.send(ack).await.is_err() {
                tracing::warn!(%message_id, "connection closed before the acknowledgement; the server will deliver again");
            }
        });
    }
}

/// What a received frame means for the connection loop.
enum Received {
    /// A pong: the server is alive; `ping_interval` is set when its configuration changed it.
    Pong { ping_interval: Option<Duration> },
    /// Anything else.
    Other,
}

/// `at + by`, or a time too far to matter when that overflows (a huge configured duration).
fn later(at: Instant, by: Duration) -> Instant {
    at.checked_add(by)
        .unwrap_or_else(|| at + Duration::from_secs(1 << 32))
}

/// The answer to a data frame: the same frame with `biz_rt` and the handler's result as payload,
/// as the official Python SDK writes it: `{"code":200}`, with `"data"`, the base64 of the answer's
/// JSON, for a callback (absent fields are left out, not written as `null`).
pub(crate) fn acknowledgement(
    mut frame: Frame,
    code: u16,
    elapsed: Duration,
    response: Option<&serde_json::Value>,
) -> Frame {
    frame.push_header(HEADER_BIZ_RT, elapsed.as_millis().to_string());
    let mut body = serde_json::json!({ "code": code });
    if let Some(response) = response {
        body["data"] = serde_json::Value::String(base64(response.to_string().as_bytes()));
    }
    frame.payload = Some(body.to_string().into_bytes());
    frame
}

/// Standard base64 (RFC 4648 alphabet, padded), as Python's `base64.b64encode` writes it.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i)) as usize & 63]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn acknowledgement_keeps_the_frame_and_adds_the_result() {
        let mut frame = Frame {
            seq_id: 5,
            method: METHOD_DATA,
            payload: Some(b"{\"schema\":\"2.0\"}".to_vec()),
            ..Frame::default()
        };
        frame.push_header(HEADER_MESSAGE_ID, "m1");
        let ack = acknowledgement(frame.clone(), 500, Duration::from_millis(42), None);
        assert_eq!(ack.seq_id, 5);
        assert_eq!(ack.header(HEADER_MESSAGE_ID), Some("m1"));
        assert_eq!(ack.header(HEADER_BIZ_RT), Some("42"));
        assert_eq!(ack.payload_bytes(), br#"{"code":500}"#);
        let answer = serde_json::json!({ "toast": { "type": "info", "content": "ok" } });
        let ack = acknowledgement(frame, 200, Duration::ZERO, Some(&answer));
        let body: serde_json::Value = serde_json::from_slice(ack.payload_bytes()).unwrap();
        assert_eq!(body["code"], 200);
        // The answer's JSON as serde_json writes it (key order depends on its `preserve_order`
        // feature, which other crates of a build may turn on), in base64 (checked on its own below).
        let json = serde_json::to_string(&answer).unwrap();
        assert_eq!(body["data"], base64(json.as_bytes()));
    }

    #[test]
    fn base64_matches_the_standard_alphabet_with_padding() {
        for (plain, encoded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(plain.as_bytes()), encoded);
        }
        assert_eq!(base64(&[0xfb, 0xff, 0xfe]), "+//+");
    }

    #[test]
    fn refused_handshake_reads_the_status_headers() {
        let response = tungstenite::http::Response::builder()
            .status(400)
            .header("Handshake-Status", "514")
            .header("Handshake-Msg", "too many connections")
            .header("Handshake-Autherrcode", "1000040350")
            .body(())
            .unwrap();
        let err = handshake_refusal(&response);
        assert!(err.is_fatal(), "{err}");
        assert!(err.to_string().contains("too many connections"), "{err}");
        let plain = tungstenite::http::Response::builder()
            .status(502)
            .body(())
            .unwrap();
        let err = handshake_refusal(&plain);
        assert!(!err.is_fatal());
        assert!(err.to_string().contains("502"), "{err}");
    }
}
