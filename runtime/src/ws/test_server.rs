//! A local server that speaks the long-connection protocol, for tests and conformance runs.
//!
//! It answers the endpoint request with a `ws://` URL on the same port, accepts WebSocket
//! connections (or refuses them with the handshake headers the platform uses), answers pings with
//! pongs that may carry a configuration, and lets the caller push events and callbacks (whole or
//! split) and read the acknowledgements. Loopback only: it has no TLS and checks no credentials.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use tokio::net::TcpListener;
use tokio::sync::mpsc;

use super::config::ClientConfigUpdate;
use super::endpoint::ENDPOINT_PATH;
use super::frame::{
    Frame, MessageType, HEADER_BIZ_RT, HEADER_MESSAGE_ID, HEADER_SEQ, HEADER_SUM, HEADER_TRACE_ID,
    HEADER_TYPE, METHOD_CONTROL, METHOD_DATA,
};

/// The path of the WebSocket.
const WS_PATH: &str = "/ws";

/// How the server behaves; change it with [`TestServer::configure`].
#[derive(Debug, Clone)]
pub struct Settings {
    /// The `ClientConfig` sent with the endpoint.
    pub client_config: ClientConfigUpdate,
    /// The configuration each pong carries (none: an empty pong).
    pub pong_config: Option<ClientConfigUpdate>,
    /// Answer pings with pongs (`false`: a server that is still connected but no longer alive).
    pub answer_pings: bool,
    /// Answer the endpoint request with this `code` and `msg` instead of a URL.
    pub endpoint_refusal: Option<(i64, String)>,
    /// Refuse WebSocket handshakes this way.
    pub handshake_refusal: Option<HandshakeRefusal>,
}

impl Default for Settings {
    /// The platform's usual configuration (every field present: the official Python client needs
    /// them all), empty pongs to every ping, no refusal.
    fn default() -> Self {
        Self {
            client_config: ClientConfigUpdate {
                reconnect_count: Some(-1),
                reconnect_interval: Some(120),
                reconnect_nonce: Some(30),
                ping_interval: Some(120),
            },
            pong_config: None,
            answer_pings: true,
            endpoint_refusal: None,
            handshake_refusal: None,
        }
    }
}

/// A refused WebSocket handshake, as the platform writes it.
#[derive(Debug, Clone)]
pub struct HandshakeRefusal {
    /// The HTTP status.
    pub http_status: StatusCode,
    /// `Handshake-Status`.
    pub status: i64,
    /// `Handshake-Autherrcode`, if any.
    pub auth_code: Option<i64>,
    /// `Handshake-Msg`.
    pub message: String,
}

/// A frame the server received from a client.
#[derive(Debug, Clone, PartialEq)]
pub enum Received {
    /// A ping (answered with a pong already).
    Ping(Frame),
    /// A data frame: an acknowledgement.
    Ack(Acknowledgement),
}

/// A client's answer to a data frame.
#[derive(Debug, Clone, PartialEq)]
pub struct Acknowledgement {
    /// The frame as received.
    pub frame: Frame,
    /// The `code` of its payload.
    pub code: Option<i64>,
    /// Its `biz_rt` header, in milliseconds.
    pub biz_rt: Option<u64>,
}

impl Acknowledgement {
    fn new(frame: Frame) -> Self {
        let payload: Option<serde_json::Value> = serde_json::from_slice(frame.payload_bytes()).ok();
        Self {
            code: payload.as_ref().and_then(|p| p["code"].as_i64()),
            biz_rt: frame.header(HEADER_BIZ_RT).and_then(|v| v.parse().ok()),
            frame,
        }
    }

    /// The acknowledged message's id.
    pub fn message_id(&self) -> Option<&str> {
        self.frame.header(HEADER_MESSAGE_ID)
    }
}

enum Command {
    Send(Frame),
    Drop,
}

/// One accepted WebSocket connection, seen from the server.
#[derive(Debug)]
pub struct ServerConnection {
    /// The connection id (`device_id`).
    pub conn_id: String,
    service_id: i32,
    commands: mpsc::Sender<Command>,
    received: mpsc::Receiver<Received>,
    next_message: AtomicU64,
}

impl std::fmt::Debug for Command {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Send(_) => "Send",
            Self::Drop => "Drop",
        })
    }
}

impl ServerConnection {
    /// Sends an event body as `parts` data frames (1: not split); returns its message id.
    pub async fn send_event(&self, body: &[u8], parts: usize) -> String {
        self.send_message(body, parts, MessageType::Event).await
    }

    /// Sends a body as `parts` data frames whose `type` header is `kind` (`event`, or `card`);
    /// returns its message id.
    pub async fn send_message(&self, body: &[u8], parts: usize, kind: MessageType) -> String {
        let n = self.next_message.fetch_add(1, Ordering::Relaxed);
        let message_id = format!("{}-msg-{n}", self.conn_id);
        let parts = parts.clamp(1, body.len().max(1));
        let size = body.len().div_ceil(parts).max(1);
        let chunks: Vec<&[u8]> = if body.is_empty() {
            vec![body]
        } else {
            body.chunks(size).collect()
        };
        let sum = chunks.len();
        for (seq, chunk) in chunks.into_iter().enumerate() {
            let mut frame = Frame {
                seq_id: n,
                log_id: n,
                service: self.service_id,
                method: METHOD_DATA,
                payload: Some(chunk.to_vec()),
                ..Frame::default()
            };
            frame.push_header(HEADER_TYPE, kind.as_str());
            frame.push_header(HEADER_MESSAGE_ID, message_id.clone());
            frame.push_header(HEADER_SUM, sum.to_string());
            frame.push_header(HEADER_SEQ, seq.to_string());
            frame.push_header(HEADER_TRACE_ID, format!("trace-{n}"));
            self.send_frame(frame).await;
        }
        message_id
    }

    /// Sends any frame.
    pub async fn send_frame(&self, frame: Frame) {
        // A closed connection shows up as `None` from `recv`.
        let _ = self.commands.send(Command::Send(frame)).await;
    }

    /// The next frame from the client; `None` once the connection is gone.
    pub async fn recv(&mut self) -> Option<Received> {
        self.received.recv().await
    }

    /// The next acknowledgement, skipping pings; `None` once the connection is gone.
    pub async fn next_ack(&mut self) -> Option<Acknowledgement> {
        loop {
            if let Received::Ack(ack) = self.recv().await? {
                return Some(ack);
            }
        }
    }

    /// The next ping, skipping acknowledgements; `None` once the connection is gone.
    pub async fn next_ping(&mut self) -> Option<Frame> {
        loop {
            if let Received::Ping(frame) = self.recv().await? {
                return Some(frame);
            }
        }
    }

    /// Drops the TCP connection without a close frame, as a network failure would.
    pub async fn drop_connection(self) {
        let _ = self.commands.send(Command::Drop).await;
    }
}

struct Shared {
    addr: SocketAddr,
    settings: Mutex<Settings>,
    endpoint_requests: Mutex<Vec<serde_json::Value>>,
    next_conn: AtomicU64,
    accepted: mpsc::UnboundedSender<ServerConnection>,
}

/// The running server; it stops when dropped.
pub struct TestServer {
    shared: Arc<Shared>,
    accepted: tokio::sync::Mutex<mpsc::UnboundedReceiver<ServerConnection>>,
    task: tokio::task::JoinHandle<()>,
}

impl TestServer {
    /// Starts on `127.0.0.1` with an ephemeral port.
    pub async fn start(settings: Settings) -> std::io::Result<Self> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let (tx, rx) = mpsc::unbounded_channel();
        let shared = Arc::new(Shared {
            addr: listener.local_addr()?,
            settings: Mutex::new(settings),
            endpoint_requests: Mutex::new(Vec::new()),
            next_conn: AtomicU64::new(1),
            accepted: tx,
        });
        let app = Router::new()
            .route(ENDPOINT_PATH, post(endpoint))
            .route(WS_PATH, get(upgrade))
            .with_state(Arc::clone(&shared));
        let task = tokio::spawn(async move {
            if let Err(e) = axum::serve(listener, app).await {
                tracing::error!(error = %e, "test server stopped");
            }
        });
        Ok(Self {
            shared,
            accepted: tokio::sync::Mutex::new(rx),
            task,
        })
    }

    /// The base URL to give a client as its domain.
    pub fn domain(&self) -> String {
        format!("http://{}", self.shared.addr)
    }

    /// Changes how the server behaves from now on.
    pub fn configure(&self, change: impl FnOnce(&mut Settings)) {
        change(&mut lock(&self.shared.settings));
    }

    /// The JSON bodies of the endpoint requests so far.
    pub fn endpoint_requests(&self) -> Vec<serde_json::Value> {
        lock(&self.shared.endpoint_requests).clone()
    }

    /// The next accepted WebSocket connection.
    pub async fn next_connection(&self) -> Option<ServerConnection> {
        self.accepted.lock().await.recv().await
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

async fn endpoint(
    State(shared): State<Arc<Shared>>,
    Json(body): Json<serde_json::Value>,
) -> Json<serde_json::Value> {
    lock(&shared.endpoint_requests).push(body);
    let settings = lock(&shared.settings).clone();
    if let Some((code, msg)) = settings.endpoint_refusal {
        return Json(serde_json::json!({ "code": code, "msg": msg }));
    }
    let conn = shared.next_conn.fetch_add(1, Ordering::Relaxed);
    let url = format!(
        "ws://{}{WS_PATH}?device_id={conn}&service_id={}",
        shared.addr,
        1000 + conn
    );
    Json(serde_json::json!({
        "code": 0,
        "msg": "ok",
        "data": { "URL": url, "ClientConfig": settings.client_config },
    }))
}

#[derive(Deserialize)]
struct ConnectionQuery {
    device_id: String,
    service_id: i32,
}

async fn upgrade(
    State(shared): State<Arc<Shared>>,
    Query(query): Query<ConnectionQuery>,
    ws: WebSocketUpgrade,
) -> Response {
    let settings = lock(&shared.settings).clone();
    if let Some(refusal) = settings.handshake_refusal {
        let mut response = (refusal.http_status, refusal.message.clone()).into_response();
        let headers = response.headers_mut();
        let mut set = |name: &'static str, value: String| {
            if let Ok(value) = value.parse() {
                headers.insert(name, value);
            }
        };
        set("handshake-status", refusal.status.to_string());
        set("handshake-msg", refusal.message);
        if let Some(code) = refusal.auth_code {
            set("handshake-autherrcode", code.to_string());
        }
        return response;
    }
    ws.on_upgrade(move |socket| serve_connection(socket, shared, query, settings))
}

async fn serve_connection(
    mut socket: WebSocket,
    shared: Arc<Shared>,
    query: ConnectionQuery,
    settings: Settings,
) {
    let (commands, mut command_rx) = mpsc::channel(64);
    let (received_tx, received) = mpsc::channel(256);
    let connection = ServerConnection {
        conn_id: query.device_id,
        service_id: query.service_id,
        commands,
        received,
        next_message: AtomicU64::new(1),
    };
    if shared.accepted.send(connection).is_err() {
        return;
    }
    loop {
        tokio::select! {
            message = socket.recv() => {
                let bytes = match message {
                    Some(Ok(Message::Binary(bytes))) => bytes,
                    Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return,
                    Some(Ok(_)) => continue,
                };
                let Ok(frame) = Frame::from_bytes(&bytes) else { continue };
                let is_ping = frame.method == METHOD_CONTROL
                    && frame.message_type() == Some(MessageType::Ping);
                if is_ping && settings.answer_pings {
                    let payload = settings.pong_config.map(|c| serde_json::to_vec(&c).unwrap_or_default());
                    let pong = Frame::control(frame.service, MessageType::Pong, payload);
                    if socket.send(Message::Binary(pong.to_bytes().into())).await.is_err() {
                        return;
                    }
                }
                if is_ping {
                    let _ = received_tx.send(Received::Ping(frame)).await;
                } else if frame.method == METHOD_DATA {
                    let _ = received_tx.send(Received::Ack(Acknowledgement::new(frame))).await;
                }
            }
            command = command_rx.recv() => match command {
                Some(Command::Send(frame)) => {
                    if socket.send(Message::Binary(frame.to_bytes().into())).await.is_err() {
                        return;
                    }
                }
                Some(Command::Drop) | None => return,
            }
        }
    }
}
