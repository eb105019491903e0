//! The seed event, received both ways a Feishu / Lark app receives events, end to end on loopback.
//!
//! 1. Webhook: a real HTTP server (axum) with a verification token and an encrypt key; the page's
//!    example body is encrypted (AES-256-CBC) and signed as the platform does, POSTed, decrypted,
//!    checked and dispatched to a typed handler. A tampered signature is refused with 401.
//! 2. Another service's event (`im.message.receive_v1`) through the same webhook, read with `get()`
//!    chains, and a card callback (`card.action.trigger`) answered: the handler's toast is the HTTP
//!    answer the platform shows the user.
//! 3. Long connection: a local server speaking the platform's WebSocket protocol pushes the seed
//!    event; the client dispatches it to the same typed handler and acknowledges it.
//!
//! `cargo run -p lark-events --features cli,ws-test-server --example demo`

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use lark_events::application::v6::P2ApplicationAppVersionPublishApplyV6;
use lark_events::card::callback::{
    P2CardActionTrigger, P2CardActionTriggerResponse, P2CardActionTriggerResponseToast, Type,
};
use lark_events::dispatch::{Dispatcher, HandlerResult};
use lark_events::im::v1::P2MessageReceiveV1;
use lark_events::webhook::{self, Config, Webhook};
use lark_events::webhook::{sign, NONCE_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER};
use lark_events::wire::Get as _;
use lark_events::ws::test_server::{Settings, TestServer};
use lark_events::ws::{Client, Credentials, Options};
use lark_events::DispatcherExt as _;
use tokio::sync::mpsc;

/// The page's example body, as the schema keeps it.
const SCHEMA: &str = include_str!("../../schema/json/003_0a4df386a132e874.schema.json");
/// The examples of an event of another service and of the card callback.
const MESSAGE_SCHEMA: &str =
    include_str!("../../schema/json/source__im-v1__message__events__receive.schema.json");
const CARD_SCHEMA: &str =
    include_str!("../../schema/json/source__card__callback__card-action-trigger.schema.json");
const TOKEN: &str = "demo-verification-token";
const ENCRYPT_KEY: &str = "demo-encrypt-key";
const WAIT: Duration = Duration::from_secs(10);

type Demo = Result<(), Box<dyn std::error::Error>>;

#[tokio::main]
async fn main() -> Demo {
    let body = example(SCHEMA)?;

    let (seen, mut events) = mpsc::unbounded_channel();
    let dispatcher = || {
        let seen = seen.clone();
        let seen_message = seen.clone();
        Dispatcher::new()
            .on_p2_application_app_version_publish_apply_v6(move |event| {
                let seen = seen.clone();
                async move { report(&seen, event) }
            })
            .on_p2_message_receive_v1(move |event| {
                let seen = seen_message.clone();
                async move { report_message(&seen, event) }
            })
            .on_p2_card_action_trigger(|callback| async move { Ok(answer(callback)) })
    };

    println!("== webhook: POST an encrypted, signed event to a server on loopback");
    let config = Config::new()
        .verification_token(TOKEN)
        .encrypt_key(ENCRYPT_KEY);
    let webhook = Arc::new(Webhook::new(config, dispatcher()));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/webhook/event", listener.local_addr()?);
    let app = webhook::axum::router("/webhook/event", webhook);
    tokio::spawn(async move { axum::serve(listener, app).await });

    let http = reqwest::Client::new();
    let timestamp = unix_seconds().to_string();
    // What the platform sends: the body encrypted, the encrypted body signed.
    let post = |body: &[u8], signed: bool| {
        let encrypted = serde_json::json!({ "encrypt": encrypt(body) }).to_string();
        let signature = match signed {
            true => sign(&timestamp, "demo-nonce", ENCRYPT_KEY, encrypted.as_bytes()),
            false => "0".repeat(64),
        };
        http.post(&url)
            .header(TIMESTAMP_HEADER, timestamp.as_str())
            .header(NONCE_HEADER, "demo-nonce")
            .header(SIGNATURE_HEADER, signature)
            .body(encrypted)
            .send()
    };
    let reply = post(&body, true).await?;
    println!("POST {url} -> {} {}", reply.status(), reply.text().await?);
    println!("{}", next(&mut events).await?);

    println!("\n== webhook: an event of another service, and a card callback answered");
    let reply = post(&example(MESSAGE_SCHEMA)?, true).await?;
    println!("POST im.message.receive_v1 -> {}", reply.status());
    println!("{}", next(&mut events).await?);
    let reply = post(&example(CARD_SCHEMA)?, true).await?;
    println!(
        "POST card.action.trigger -> {} {}",
        reply.status(),
        reply.text().await?
    );

    println!("\n== webhook: a tampered signature");
    let reply = post(&body, false).await?;
    println!(
        "POST with a tampered signature -> {} {}",
        reply.status(),
        reply.text().await?
    );

    println!("\n== long connection: the same event pushed over the WebSocket protocol");
    let server = TestServer::start(Settings::default()).await?;
    let options = Options::default().domain(server.domain());
    let client = Client::new(
        Credentials::new("cli_demo", "demo-secret"),
        options,
        dispatcher(),
    );
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let running = tokio::spawn(client.run_until(async {
        stopped.await.ok();
    }));
    let mut connection = tokio::time::timeout(WAIT, server.next_connection())
        .await?
        .ok_or("the test server stopped")?;
    connection.send_event(&body, 2).await;
    println!("{}", next(&mut events).await?);
    let ack = tokio::time::timeout(WAIT, connection.next_ack())
        .await?
        .ok_or("no acknowledgement")?;
    println!(
        "acknowledged message {:?} with code {:?}",
        ack.message_id().unwrap_or_default(),
        ack.code
    );
    stop.send(()).ok();
    running.await??;
    Ok(())
}

/// The typed handler: what a user writes.
fn report(
    seen: &mpsc::UnboundedSender<String>,
    event: P2ApplicationAppVersionPublishApplyV6,
) -> HandlerResult {
    let header = event.header.unwrap_or_default();
    let data = event.event.unwrap_or_default();
    let version = data.online_version.unwrap_or_default();
    let line = format!(
        "typed handler: event {} created at {:?} ms, app {} version {} ({:?}), status {:?}",
        header.event_id.unwrap_or_default(),
        header.create_time.and_then(|t| t.millis()),
        version.app_name.unwrap_or_default(),
        version.version.unwrap_or_default(),
        version.version_id.unwrap_or_default(),
        version.status,
    );
    seen.send(line)?;
    Ok(())
}

/// A message, read in one expression per field: no unwrap, an absent part reads as empty.
fn report_message(
    seen: &mpsc::UnboundedSender<String>,
    event: P2MessageReceiveV1,
) -> HandlerResult {
    let data = event.event.get();
    let line = format!(
        "typed handler: message {} ({}) in chat {} from {}: {}",
        data.message.get().message_id.get(),
        data.message.get().message_type.get(),
        data.message.get().chat_id.get(),
        data.sender.get().sender_id.get().open_id.get(),
        data.message.get().content.get(),
    );
    seen.send(line)?;
    Ok(())
}

/// The card callback's answer: a toast, shown to the user who clicked.
fn answer(callback: P2CardActionTrigger) -> P2CardActionTriggerResponse {
    let action = callback.event.get().action.get();
    P2CardActionTriggerResponse {
        toast: Some(P2CardActionTriggerResponseToast {
            r#type: Some(Type::Success),
            content: Some(format!(
                "got {} from the {} button",
                action.value.get(),
                action.tag.get()
            )),
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// A page's example body with the demo's verification token, and an event id of its own (the pages'
/// examples share one, and a repeated id is a redelivery, handled once).
fn example(schema: &str) -> Result<Vec<u8>, Box<dyn std::error::Error>> {
    let schema: serde_json::Value = serde_json::from_str(schema)?;
    let mut example = schema["examples"][0].clone();
    example["header"]["token"] = TOKEN.into();
    let event_type = example["header"]["event_type"].as_str().unwrap_or_default();
    example["header"]["event_id"] = format!("demo-{event_type}").into();
    Ok(serde_json::to_vec(&example)?)
}

async fn next(
    events: &mut mpsc::UnboundedReceiver<String>,
) -> Result<String, Box<dyn std::error::Error>> {
    Ok(tokio::time::timeout(WAIT, events.recv())
        .await?
        .ok_or("the handler never ran")?)
}

/// What the platform sends when an encrypt key is set: base64(IV ‖ AES-256-CBC(SHA-256(key), body)).
fn encrypt(body: &[u8]) -> String {
    let iv = *b"lark-events-demo";
    webhook::EncryptKey::new(ENCRYPT_KEY).encrypt(body, iv)
}

fn unix_seconds() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}
