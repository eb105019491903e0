//! The four endpoints the requests go to (with or without an encrypt key, with or without a
//! verification token), each the webhook router over a dispatcher with a typed handler for every
//! event type of `lark-events`; the handlers record what the events re-encode to.

use std::future::{ready, Ready};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use axum::Router;
use lark_events::dispatch::{Dispatcher, HandlerResult};
use lark_events::webhook::axum::{router, DEFAULT_PATH};
use lark_events::webhook::{Config, EncryptKey, Webhook};
use serde::Serialize;
use serde_json::Value;
use tokio::runtime::Runtime;

/// The encrypt key of the endpoints that have one.
pub const KEY: &str = "fuzz-encrypt-key";
/// The verification token of the endpoints that have one.
pub const TOKEN: &str = "fuzz-verification-token";

/// One endpoint: its router and its encrypt key.
pub struct Endpoint {
    pub router: Router,
    pub key: Option<EncryptKey>,
}

impl Endpoint {
    /// The endpoint with (or without) an encrypt key and a verification token.
    pub fn get(encrypted: bool, token: bool) -> &'static Endpoint {
        static ENDPOINTS: OnceLock<[Endpoint; 4]> = OnceLock::new();
        let endpoints = ENDPOINTS.get_or_init(|| {
            [(false, false), (false, true), (true, false), (true, true)]
                .map(|(encrypted, token)| Endpoint::new(encrypted, token))
        });
        &endpoints[usize::from(encrypted) * 2 + usize::from(token)]
    }

    fn new(encrypted: bool, token: bool) -> Self {
        let mut config = Config::new();
        if encrypted {
            config = config.encrypt_key(KEY);
        }
        if token {
            config = config.verification_token(TOKEN);
        }
        // No deduplication: the same input gets the same answer however often it comes.
        let dispatcher = every_event(Dispatcher::new().dedup_capacity(0))
            .fallback(|_| async { HandlerResult::Ok(()) });
        Self {
            router: router(DEFAULT_PATH, Arc::new(Webhook::new(config, dispatcher))),
            key: encrypted.then(|| EncryptKey::new(KEY)),
        }
    }
}

/// The one-threaded runtime requests are answered on.
pub fn runtime() -> &'static Runtime {
    static RUNTIME: OnceLock<Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .expect("a tokio runtime starts")
    })
}

/// What the typed handlers received since the last call, each event re-encoded.
pub fn take_recorded() -> Vec<Value> {
    std::mem::take(&mut recorded().lock().unwrap_or_else(PoisonError::into_inner))
}

fn recorded() -> &'static Mutex<Vec<Value>> {
    static RECORDED: Mutex<Vec<Value>> = Mutex::new(Vec::new());
    &RECORDED
}

/// The typed handler of every event type: records the event re-encoded.
fn record<E: Serialize>(event: E) -> Ready<HandlerResult> {
    let value = serde_json::to_value(&event).expect("a typed event re-encodes");
    (recorded().lock().unwrap_or_else(PoisonError::into_inner)).push(value);
    ready(Ok(()))
}

include!(concat!(env!("OUT_DIR"), "/every_event.rs"));
