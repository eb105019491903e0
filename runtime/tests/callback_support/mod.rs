//! Shared by the callback tests: a hand-written `card.action.trigger` callback type and its answer,
//! the page's examples (`callback_support/*.json`, from the "卡片回传交互回调" page), and an HTTP
//! client that also returns the response headers.

#![allow(dead_code)] // each test file uses its own subset

use std::collections::BTreeMap;

use lark_runtime::{Callback, Event, EventHeader};
use serde::{Deserialize, Serialize};

pub const CARD_ACTION_TRIGGER: &str = "card.action.trigger";

/// The callback body: the "回调结构体示例" of the page, as sent (compact JSON).
pub fn callback_body() -> String {
    let text = include_str!("card_action_trigger.json");
    let value: serde_json::Value = serde_json::from_str(text).expect("callback example");
    value.to_string()
}

/// The page's example answer (toast and a JSON 2.0 card).
pub fn example_response() -> CardActionResponse {
    serde_json::from_str(include_str!("card_action_response.json")).expect("answer example")
}

/// `card.action.trigger`, with the fields the tests read.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CardActionTrigger {
    pub schema: String,
    pub header: EventHeader,
    pub event: CardAction,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CardAction {
    pub token: String,
    pub operator: Operator,
    pub action: Action,
    #[serde(flatten)]
    pub rest: serde_json::Map<String, serde_json::Value>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Operator {
    pub open_id: String,
    #[serde(flatten)]
    pub rest: serde_json::Map<String, serde_json::Value>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Action {
    pub tag: String,
    pub value: serde_json::Value,
    #[serde(flatten)]
    pub rest: serde_json::Map<String, serde_json::Value>,
}

impl Event for CardActionTrigger {
    const EVENT_TYPE: &'static str = CARD_ACTION_TRIGGER;
}

impl Callback for CardActionTrigger {
    type Response = CardActionResponse;
}

/// The answer: a toast, a card, both or neither.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CardActionResponse {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub toast: Option<Toast>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub card: Option<Card>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Toast {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub i18n: Option<BTreeMap<String, String>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Card {
    #[serde(rename = "type")]
    pub kind: String,
    pub data: serde_json::Value,
}

/// A toast naming the operator and the button, with the page's example card.
pub fn answer_for(callback: &CardActionTrigger) -> CardActionResponse {
    let mut response = example_response();
    response.toast = Some(Toast {
        kind: "success".into(),
        content: Some(format!(
            "{} pressed {} {}",
            callback.event.operator.open_id, callback.event.action.tag, callback.event.action.value
        )),
        i18n: None,
    });
    response
}

/// An HTTP answer: status, headers (names in lower case) and body.
#[derive(Debug)]
pub struct HttpAnswer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl HttpAnswer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// One HTTP/1.1 POST over a fresh connection, bounded to 30 s.
pub async fn post(
    addr: std::net::SocketAddr,
    path: &str,
    headers: &[(String, String)],
    body: &[u8],
) -> HttpAnswer {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let exchange = async {
        let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
        let mut request = format!(
            "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n",
            body.len()
        );
        for (name, value) in headers {
            request.push_str(&format!("{name}: {value}\r\n"));
        }
        request.push_str("\r\n");
        stream
            .write_all(request.as_bytes())
            .await
            .expect("write head");
        stream.write_all(body).await.expect("write body");
        let mut response = Vec::new();
        stream
            .read_to_end(&mut response)
            .await
            .expect("read answer");
        String::from_utf8(response).expect("UTF-8 answer")
    };
    let response = tokio::time::timeout(std::time::Duration::from_secs(30), exchange)
        .await
        .expect("an answer within 30 s");
    let (head, body) = response.split_once("\r\n\r\n").expect("head and body");
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|line| line.split(' ').nth(1))
        .and_then(|code| code.parse().ok())
        .expect("status line");
    let headers = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    HttpAnswer {
        status,
        headers,
        body: body.to_owned(),
    }
}
