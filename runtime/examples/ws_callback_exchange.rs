//! Checks that lark-runtime's long-connection client acknowledges a callback exactly as an official
//! client does: one `card.action.trigger` frame, two clients, two acknowledgements compared.
//!
//! `ws_callback_exchange CALLBACK_JSON RESPONSE_JSON` prints `domain=http://127.0.0.1:PORT` and waits
//! for the official client (started by `tests/conformance/ws_official_callback.sh`, its card
//! handler answering as below) to connect; sends it the callback as a data frame of type `event`
//! (the official clients drop frames of type `card` unanswered) and reads its acknowledgement. Then
//! it runs lark-runtime's client against the same server, with a handler giving the same answer,
//! sends the same callback and reads its acknowledgement. The answer of both handlers: the
//! response file, its toast's `content` set to `"<operator.open_id> pressed <action.tag>"` of the
//! callback.
//!
//! The acknowledgements must match: the frame's `SeqID`, `LogID`, `method` and headers (the value
//! of `biz_rt`, a duration, and of `message_id`, which names the connection, excepted), and the
//! payload as JSON, with `data` (the base64 of the answer's JSON) decoded and parsed as JSON. Exits
//! 0 when they match, 1 when they do not, 2 on bad arguments and 3 when an acknowledgement does
//! not arrive within 30 s.

#[cfg(all(feature = "ws-test-server", feature = "webhook"))]
mod exchange {
    use std::io::Write;
    use std::process::ExitCode;
    use std::time::Duration;

    use base64::Engine as _;
    use lark_runtime::dispatch::Dispatcher;
    use lark_runtime::ws::frame::{Frame, MessageType, HEADER_BIZ_RT, HEADER_MESSAGE_ID};
    use lark_runtime::ws::test_server::{Settings, TestServer};
    use lark_runtime::ws::{Client, Credentials, Options};
    use lark_runtime::{Callback, Event};
    use serde::{Deserialize, Serialize};
    use serde_json::Value;

    const WAIT: Duration = Duration::from_secs(30);

    /// `card.action.trigger`, read as JSON: the handler needs two fields.
    #[derive(Serialize, Deserialize)]
    struct CardActionTrigger(Value);

    impl Event for CardActionTrigger {
        const EVENT_TYPE: &'static str = "card.action.trigger";
    }

    impl Callback for CardActionTrigger {
        type Response = Value;
    }

    /// The answer both handlers give.
    fn answer(response: &Value, callback: &Value) -> Value {
        let mut answer = response.clone();
        let event = &callback["event"];
        answer["toast"]["content"] = Value::String(format!(
            "{} pressed {}",
            event["operator"]["open_id"].as_str().unwrap_or_default(),
            event["action"]["tag"].as_str().unwrap_or_default()
        ));
        answer
    }

    pub async fn main() -> ExitCode {
        let args: Vec<String> = std::env::args().skip(1).collect();
        let [callback, response] = args.as_slice() else {
            eprintln!("usage: ws_callback_exchange CALLBACK_JSON RESPONSE_JSON");
            return ExitCode::from(2);
        };
        let read = |path: &str| -> Result<Value, String> {
            let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
            serde_json::from_str(&text).map_err(|e| format!("{path}: {e}"))
        };
        let (callback, response) = match (read(callback), read(response)) {
            (Ok(callback), Ok(response)) => (callback, response),
            (Err(e), _) | (_, Err(e)) => {
                eprintln!("{e}");
                return ExitCode::from(2);
            }
        };
        match tokio::time::timeout(2 * WAIT, compare(&callback, &response)).await {
            Ok(Ok(true)) => ExitCode::SUCCESS,
            Ok(Ok(false)) => ExitCode::FAILURE,
            Ok(Err(e)) => {
                eprintln!("{e}");
                ExitCode::from(3)
            }
            Err(_) => {
                eprintln!("no acknowledgement within {WAIT:?}");
                ExitCode::from(3)
            }
        }
    }

    async fn compare(callback: &Value, response: &Value) -> Result<bool, String> {
        let server = TestServer::start(Settings::default())
            .await
            .map_err(|e| format!("cannot listen on loopback: {e}"))?;
        println!("domain={}", server.domain());
        std::io::stdout().flush().map_err(|e| e.to_string())?;
        let body = callback.to_string();

        let official = exchange(&server, &body).await?;
        println!("official_ack={}", shown(&official));

        let answering = response.clone();
        let dispatcher = Dispatcher::new().on_callback(move |callback: CardActionTrigger| {
            let answer = answer(&answering, &callback.0);
            async move { Ok(answer) }
        });
        let options = Options::default().domain(server.domain());
        let client = Client::new(
            Credentials::new("cli_conformance", "s"),
            options,
            dispatcher,
        );
        let run = tokio::spawn(client.run());
        let ours = exchange(&server, &body).await;
        run.abort();
        let ours = ours?;
        println!("lark_runtime_ack={}", shown(&ours));

        let expected = answer(response, callback);
        let mut same = true;
        let mut check = |what: &str, official: Value, ours: Value| {
            if official != ours {
                println!("MISMATCH {what}: official {official} lark-runtime {ours}");
                same = false;
            }
        };
        check("frame", frame_fields(&official), frame_fields(&ours));
        check("payload", payload(&official)?, payload(&ours)?);
        check("answer", payload(&official)?["data"].clone(), expected);
        Ok(same)
    }

    /// Sends the callback on the server's next connection; returns the acknowledgement.
    async fn exchange(server: &TestServer, body: &str) -> Result<Frame, String> {
        let wait = async {
            let mut connection = server.next_connection().await.ok_or("the server stopped")?;
            connection
                .send_message(body.as_bytes(), 1, MessageType::Event)
                .await;
            let ack = connection
                .next_ack()
                .await
                .ok_or("the client disconnected")?;
            Ok::<_, String>(ack.frame)
        };
        tokio::time::timeout(WAIT, wait)
            .await
            .map_err(|_| format!("no acknowledgement within {WAIT:?}"))?
    }

    fn shown(frame: &Frame) -> Value {
        serde_json::json!({
            "seq_id": frame.seq_id,
            "log_id": frame.log_id,
            "method": frame.method,
            "headers": frame.headers.iter().map(|h| [&h.key, &h.value]).collect::<Vec<_>>(),
            "payload": String::from_utf8_lossy(frame.payload_bytes()),
        })
    }

    /// The frame without its payload, `biz_rt` and `message_id` values blanked.
    fn frame_fields(frame: &Frame) -> Value {
        let headers: Vec<_> = frame
            .headers
            .iter()
            .map(|h| {
                let value = if h.key == HEADER_BIZ_RT || h.key == HEADER_MESSAGE_ID {
                    "…"
                } else {
                    h.value.as_str()
                };
                [h.key.as_str(), value]
            })
            .collect();
        serde_json::json!({
            "seq_id": frame.seq_id,
            "log_id": frame.log_id,
            "method": frame.method,
            "headers": headers,
            "payload_encoding": frame.payload_encoding,
            "payload_type": frame.payload_type,
        })
    }

    /// The payload as JSON, with `data` decoded from base64 and parsed as JSON.
    fn payload(frame: &Frame) -> Result<Value, String> {
        let mut payload: Value = serde_json::from_slice(frame.payload_bytes())
            .map_err(|e| format!("payload is not JSON: {e}"))?;
        if let Some(data) = payload.get_mut("data") {
            let text = data.as_str().ok_or("data is not a string")?;
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(text)
                .map_err(|e| format!("data is not base64: {e}"))?;
            *data = serde_json::from_slice(&bytes).map_err(|e| format!("data is not JSON: {e}"))?;
        }
        Ok(payload)
    }
}

#[cfg(all(feature = "ws-test-server", feature = "webhook"))]
#[tokio::main]
async fn main() -> std::process::ExitCode {
    exchange::main().await
}

#[cfg(not(all(feature = "ws-test-server", feature = "webhook")))]
fn main() {
    eprintln!("ws_callback_exchange needs the features ws-test-server and webhook");
    std::process::exit(2);
}
