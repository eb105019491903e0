//! Event pages: each page's example decoded through the events crate's `AnyEvent` and re-encoded.
//! The crate's `examples/roundtrip.rs` reads one example body a line and prints one JSON line per
//! example saying what came of it.

use lark_schema::contract::Schema;
use serde::Deserialize;
use serde_json::Value;

use super::json::{first_difference, Compact};
use super::program::Program;
use super::{Crate, Error, Outcome, Setup};

/// An event page: its file name, its event type and its schema.
pub(super) struct EventPage {
    pub(super) page: String,
    pub(super) event_type: String,
    pub(super) schema: Schema,
}

/// Round-trips the example of every page through the crate (built only when there is one):
/// each page with what came of it.
pub(super) fn check(
    setup: &Setup,
    events: &Crate<'_>,
    pages: Vec<EventPage>,
) -> Result<Vec<(String, Outcome)>, Error> {
    let mut outcomes = Vec::new();
    let mut examples = Vec::new();
    for page in pages {
        match Example::of(page.event_type, page.schema) {
            Some(example) => examples.push((page.page, example)),
            None => outcomes.push((page.page, Outcome::NoExample)),
        }
    }
    if examples.is_empty() {
        return Ok(outcomes);
    }
    let program = Program {
        crate_dir: events.dir,
        name: "roundtrip",
        source: PROGRAM.replace("CRATE", &events.ident),
    };
    let bodies: Vec<String> = examples
        .iter()
        .map(|(_, example)| example.body.text.clone())
        .collect();
    let decoded: Vec<Decoded> = program.run(setup, &bodies)?;
    for ((page, example), decoded) in examples.into_iter().zip(decoded) {
        outcomes.push((page, example.outcome(decoded)));
    }
    Ok(outcomes)
}

/// A page's example, to check against the page's event type.
struct Example {
    event_type: String,
    value: Value,
    /// The compact JSON text sent to the crate, and where each value of it lies.
    body: Compact,
}

impl Example {
    /// The page's example, when it has one that is a JSON object.
    fn of(event_type: String, schema: Schema) -> Option<Example> {
        let value = schema
            .examples
            .into_iter()
            .next()
            .filter(Value::is_object)?;
        Some(Example {
            event_type,
            body: Compact::of(&value),
            value,
        })
    }

    fn outcome(&self, decoded: Decoded) -> Outcome {
        let why = match decoded {
            Decoded::Typed { event_type, json } if event_type == self.event_type => {
                match first_difference(&self.value, &json) {
                    None => return Outcome::Passed,
                    Some(difference) => format!("re-encoded differently: {difference}"),
                }
            }
            Decoded::Typed { event_type, .. } | Decoded::Unknown { event_type }
                if event_type != self.event_type =>
            {
                format!(
                    "the example is of event type `{event_type}`, the page documents `{}`",
                    self.event_type
                )
            }
            Decoded::Typed { .. } | Decoded::Unknown { .. } => format!(
                "decoded as AnyEvent::Unknown: the crate has no type for `{}` (see the warnings)",
                self.event_type
            ),
            Decoded::Invalid {
                message,
                line,
                column,
            } => self.body.decode_error(&message, line, column),
            Decoded::NotEncoded { message } => format!("encode: {message}"),
            Decoded::NotAnEvent { message } => format!("not an event: {message}"),
        };
        Outcome::Failed(why)
    }
}

/// What the round-trip program says of one example (one JSON line of its output).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Decoded {
    /// Decoded into the variant of `event_type`; `json` is the variant re-encoded.
    Typed { event_type: String, json: Value },
    /// Decoded as `AnyEvent::Unknown`: the crate has no type for `event_type`.
    Unknown { event_type: String },
    /// The body is not JSON of its event type's shape; serde's message and position.
    Invalid {
        message: String,
        line: usize,
        column: usize,
    },
    /// The typed value does not encode.
    NotEncoded { message: String },
    /// The body is not an event envelope.
    NotAnEvent { message: String },
}

/// `examples/roundtrip.rs` of the events crate, `CRATE` standing for the crate's name.
const PROGRAM: &str = r#"//! Written by `cargo xtask roundtrip`: decodes each line of the file it is given (one example
//! body) through `AnyEvent`, and prints one JSON line per example saying what came of it.

use CRATE::any_event::{event_type_of, AnyEventError};
use CRATE::AnyEvent;
use serde_json::{json, Value};

fn main() {
    let path = std::env::args().nth(1).expect("the examples file");
    let examples = std::fs::read_to_string(path).expect("a readable examples file");
    for body in examples.lines() {
        println!("{}", decoded(body.as_bytes()));
    }
}

fn decoded(body: &[u8]) -> Value {
    let event_type = event_type_of(body).unwrap_or_default();
    match AnyEvent::from_slice(body) {
        Ok(AnyEvent::Unknown(_)) => json!({"unknown": {"event_type": event_type}}),
        Ok(event) => match serde_json::to_value(&event) {
            Ok(json) => json!({"typed": {"event_type": event_type, "json": json}}),
            Err(err) => json!({"not_encoded": {"message": err.to_string()}}),
        },
        Err(AnyEventError::Decode { source, .. }) => json!({"invalid": {
            "message": source.to_string(),
            "line": source.line(),
            "column": source.column(),
        }}),
        Err(err) => json!({"not_an_event": {"message": err.to_string()}}),
    }
}
"#;
