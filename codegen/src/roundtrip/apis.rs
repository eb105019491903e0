//! API pages: each page's examples checked against the API crate's types for its API. The request's
//! path and query parameters are built into the typed `Request` from their example values (through
//! its `FromJson`), the request body example is decoded into its `body` and re-encoded, and the
//! response example's `data` (of a successful answer, `{}` when it has none, as
//! `tests/tests/api_pages.rs` reads it) is decoded into its `Response` and re-encoded.
//!
//! The crate's `examples/roundtrip_api.rs` reads one case a line (an API's module path and a page's
//! examples) and prints one JSON line per case saying what came of each part.

use std::collections::BTreeMap;

use lark_schema::contract::Schema;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::json::{difference_at, Compact};
use super::program::Program;
use super::{Crate, Error, Outcome, Setup};
use crate::ApiEntry;

/// An API page: its file name and its schema.
pub(super) struct ApiPage {
    pub(super) page: String,
    pub(super) schema: Schema,
}

/// Checks the examples of every page against the crate (built only when a page has one): each
/// page with what came of it.
pub(super) fn check(
    setup: &Setup,
    apis: &Crate<'_>,
    entries: &[ApiEntry],
    pages: Vec<ApiPage>,
) -> Result<Vec<(String, Outcome)>, Error> {
    let shapes = shapes(entries, &pages);
    let mut outcomes = Vec::new();
    let mut cases = Vec::new();
    for page in pages {
        let Some(shape) = shape_of(&page.schema, &page.page, entries, &shapes) else {
            outcomes.push((page.page, Outcome::Failed(no_api(&page.schema))));
            continue;
        };
        match Case::of(page.page, &page.schema, shape) {
            Ok(case) => cases.push(case),
            Err((page, outcome)) => outcomes.push((page, outcome)),
        }
    }
    if cases.is_empty() {
        return Ok(outcomes);
    }
    let program = Program {
        crate_dir: apis.dir,
        name: "roundtrip_api",
        source: program(&apis.ident, &cases),
    };
    let lines: Vec<String> = cases.iter().map(Case::line).collect();
    let results: Vec<Checked> = program.run(setup, &lines)?;
    for (case, checked) in cases.into_iter().zip(results) {
        let outcome = case.outcome(checked);
        outcomes.push((case.page, outcome));
    }
    Ok(outcomes)
}

/// What the check program needs to know of one API of the crate.
#[derive(Debug, Clone, PartialEq)]
struct Shape {
    /// Its module path (`im::v1::message::create`).
    path: String,
    /// Whether its `Request` has a `body` sent as JSON.
    json_body: bool,
    /// Whether its answer's `data` decodes as its `Response` (else the answer is a file).
    json_answer: bool,
}

/// The shape of every API of the crate, by the page it was generated from.
fn shapes(entries: &[ApiEntry], pages: &[ApiPage]) -> BTreeMap<String, Shape> {
    let schemas: BTreeMap<&str, &Schema> = pages
        .iter()
        .map(|page| (page.page.as_str(), &page.schema))
        .collect();
    entries
        .iter()
        .map(|entry| {
            let shape = Shape {
                path: entry.path.clone(),
                json_body: schemas
                    .get(entry.page.as_str())
                    .is_some_and(|s| json_body(s)),
                json_answer: !entry.file,
            };
            (entry.page.clone(), shape)
        })
        .collect()
}

/// Whether the API a page documents has a JSON body, as the crate generates it: the page documents
/// a request body, not sent as `multipart/form-data`.
fn json_body(schema: &Schema) -> bool {
    let content_type = schema
        .api
        .as_ref()
        .and_then(|api| api.content_type.as_deref());
    schema.request.is_some() && content_type != Some("multipart/form-data")
}

/// The API of the crate a page's examples are checked against: the one generated from the page,
/// else the one of the same method and URL (generated from another page of it).
fn shape_of<'a>(
    schema: &Schema,
    page: &str,
    entries: &[ApiEntry],
    shapes: &'a BTreeMap<String, Shape>,
) -> Option<&'a Shape> {
    if let Some(shape) = shapes.get(page) {
        return Some(shape);
    }
    let (method, url) = endpoint(schema);
    entries
        .iter()
        .find(|entry| entry.http_method == method && entry.url == url)
        .and_then(|entry| shapes.get(&entry.page))
}

/// The method and URL of a page's API.
fn endpoint(schema: &Schema) -> (&str, &str) {
    let api = schema.api.as_ref();
    (
        api.and_then(|api| api.method.as_deref())
            .unwrap_or_default(),
        api.and_then(|api| api.path.as_deref()).unwrap_or_default(),
    )
}

/// Why a page whose API the crate leaves out fails.
fn no_api(schema: &Schema) -> String {
    let (method, url) = endpoint(schema);
    format!("the API crate has no API for `{method} {url}` (see the warnings)")
}

/// One page's examples, to check against the API of `shape`.
struct Case<'a> {
    page: String,
    shape: &'a Shape,
    /// The example value of every path and query parameter that has one, by wire name.
    parameters: Map<String, Value>,
    /// The request body example.
    body: Option<Example>,
    /// The response example's `data`, when the answer decodes as a `Response`.
    data: Option<Example>,
}

/// One example, as the program receives it.
struct Example {
    value: Value,
    /// Its compact text, its paths from where it lies in what the page shows.
    text: Compact,
    /// Its path in what the page shows: `$` for a body, `$.data` for a response's `data`.
    root: &'static str,
}

impl Example {
    fn at(value: Value, root: &'static str) -> Example {
        Example {
            text: Compact::at(&value, root),
            value,
            root,
        }
    }

    /// What is wrong with what the program made of the example, if anything.
    fn problem(&self, round_trip: RoundTrip) -> Option<String> {
        match round_trip {
            RoundTrip::Typed { json } => difference_at(self.root, &self.value, &json)
                .map(|difference| format!("re-encoded differently: {difference}")),
            RoundTrip::Invalid {
                message,
                line,
                column,
            } => Some(self.text.decode_error(&message, line, column)),
            RoundTrip::NotEncoded { message } => Some(format!("encode: {message}")),
        }
    }
}

impl<'a> Case<'a> {
    /// The page's examples; the page with [`Outcome::NoExample`] when it gives none.
    fn of(page: String, schema: &Schema, shape: &'a Shape) -> Result<Case<'a>, (String, Outcome)> {
        let body = schema
            .request
            .as_ref()
            .and_then(|request| request.examples.first())
            .map(|body| Example::at(body.clone(), "$"));
        let data = shape
            .json_answer
            .then(|| response_data(schema))
            .flatten()
            .map(|data| Example::at(data, "$.data"));
        let parameters = parameters(schema);
        if parameters.is_empty() && body.is_none() && data.is_none() {
            return Err((page, Outcome::NoExample));
        }
        Ok(Case {
            page,
            shape,
            parameters,
            body,
            data,
        })
    }

    /// The program's input line: `{"api": …, "parameters": {…}, "body": text, "data": text}`.
    fn line(&self) -> String {
        let text = |example: &Option<Example>| example.as_ref().map(|e| e.text.text.clone());
        json!({
            "api": self.shape.path,
            "parameters": self.parameters,
            "body": text(&self.body),
            "data": text(&self.data),
        })
        .to_string()
    }

    fn outcome(&self, checked: Checked) -> Outcome {
        let mut problems = Vec::new();
        if let Some(message) = checked.parameters {
            problems.push(format!(
                "request: the parameters' example values do not build the `Request`: {message}"
            ));
        }
        match (&self.body, checked.body) {
            (Some(body), Some(round_trip)) => problems.extend(
                body.problem(round_trip)
                    .map(|problem| format!("request body: {problem}")),
            ),
            (Some(_), None) => problems.push(
                "request body: the API's `Request` has no JSON body to hold the page's example"
                    .to_owned(),
            ),
            (None, _) => {}
        }
        if let (Some(data), Some(round_trip)) = (&self.data, checked.data) {
            problems.extend(
                data.problem(round_trip)
                    .map(|problem| format!("response: {problem}")),
            );
        }
        match problems.is_empty() {
            true => Outcome::Passed,
            false => Outcome::Failed(problems.join("; ")),
        }
    }
}

/// The example value of every path and query parameter that has one, by wire name.
fn parameters(schema: &Schema) -> Map<String, Value> {
    let Some(api) = &schema.api else {
        return Map::new();
    };
    [&api.path_parameters, &api.query_parameters]
        .into_iter()
        .flatten()
        .flat_map(|table| table.properties.iter())
        .filter_map(|(name, field)| Some((name.to_owned(), field.examples.first()?.clone())))
        .collect()
}

/// The `data` of the page's response example when it is a successful answer (`code` 0), `{}` when
/// that answer has none.
fn response_data(schema: &Schema) -> Option<Value> {
    let example = schema.examples.first().filter(|e| e["code"] == 0)?;
    Some(match &example["data"] {
        Value::Null => json!({}),
        data => data.clone(),
    })
}

/// What the program says of one case (one JSON line of its output): each part checked, `null`
/// for a part not checked or, for the parameters, built.
#[derive(Debug, Deserialize)]
struct Checked {
    /// Why the parameters' example values do not build the `Request`.
    parameters: Option<String>,
    body: Option<RoundTrip>,
    data: Option<RoundTrip>,
}

/// What came of decoding an example into its type and re-encoding it.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "snake_case")]
enum RoundTrip {
    /// Decoded; `json` is the value re-encoded.
    Typed { json: Value },
    /// The example is not JSON of the type's shape; serde's message and position.
    Invalid {
        message: String,
        line: usize,
        column: usize,
    },
    /// The typed value does not encode.
    NotEncoded { message: String },
}

/// `examples/roundtrip_api.rs` of the API crate named `ident`: the helpers, then a table of the
/// APIs the cases name.
fn program(ident: &str, cases: &[Case<'_>]) -> String {
    let apis: BTreeMap<&str, &Shape> = cases
        .iter()
        .map(|case| (case.shape.path.as_str(), case.shape))
        .collect();
    let mut source = PROGRAM.replace("CRATE", ident);
    source.push_str("\n/// Each API the cases name, with its check.\nconst APIS: &[(&str, fn(&Value) -> Value)] = &[\n");
    for shape in apis.values() {
        source.push_str(&table_entry(ident, shape));
    }
    source.push_str("];\n");
    source
}

/// One entry of the program's table: the API's name and a call of `check` with its types.
fn table_entry(ident: &str, shape: &Shape) -> String {
    let body = match shape.json_body {
        true => {
            "Some(|request: &mut api::Request, text: &str| round_trip(text, &mut request.body))"
        }
        false => "None",
    };
    let data = match shape.json_answer {
        true => "Some(response::<api::Response>)",
        false => "None",
    };
    format!(
        "    ({path:?}, |case| {{\n        \
         use {ident}::{path} as api;\n        \
         check::<api::Request>(case, {body}, {data})\n    \
         }}),\n",
        path = shape.path,
    )
}

/// The fixed part of `examples/roundtrip_api.rs`, `CRATE` standing for the crate's name.
const PROGRAM: &str = r#"//! Written by `cargo xtask roundtrip`: checks each line of the file it is given (an API's name and
//! a page's examples for it) against the API's types, and prints one JSON line per case saying what
//! came of each part.

use CRATE::api::FromJson;
use CRATE::wire::__private::serde::{de::DeserializeOwned, Serialize};
use serde_json::{json, Value};

/// Decodes a body example into the request's `body` and re-encodes it.
type BodyCheck<R> = Option<fn(&mut R, &str) -> Value>;
/// Decodes a response example's `data` into the API's `Response` and re-encodes it.
type DataCheck = Option<fn(&str) -> Value>;

fn main() {
    let path = std::env::args().nth(1).expect("the cases file");
    let cases = std::fs::read_to_string(path).expect("a readable cases file");
    for line in cases.lines() {
        let case: Value = serde_json::from_str(line).expect("a case in JSON");
        let name = case["api"].as_str().unwrap_or_default();
        let (_, check) = APIS.iter().find(|(api, _)| *api == name).expect("an API of the table");
        println!("{}", check(&case));
    }
}

/// Builds the request from the case's parameters, then checks its body and `data` examples.
fn check<R: FromJson + Default>(case: &Value, body: BodyCheck<R>, data: DataCheck) -> Value {
    let (mut request, parameters) = match R::from_json(case["parameters"].clone()) {
        Ok(request) => (request, Value::Null),
        Err(err) => (R::default(), Value::from(err.to_string())),
    };
    let body = match (body, case["body"].as_str()) {
        (Some(check), Some(text)) => check(&mut request, text),
        _ => Value::Null,
    };
    let data = match (data, case["data"].as_str()) {
        (Some(check), Some(text)) => check(text),
        _ => Value::Null,
    };
    json!({"parameters": parameters, "body": body, "data": data})
}

/// Decodes `text` into `target` and re-encodes it.
fn round_trip<T: DeserializeOwned + Serialize>(text: &str, target: &mut T) -> Value {
    match serde_json::from_str(text) {
        Ok(value) => *target = value,
        Err(err) => {
            return json!({"invalid": {
                "message": err.to_string(),
                "line": err.line(),
                "column": err.column(),
            }})
        }
    }
    match serde_json::to_value(&*target) {
        Ok(json) => json!({"typed": {"json": json}}),
        Err(err) => json!({"not_encoded": {"message": err.to_string()}}),
    }
}

/// [`round_trip`] into a new `T`.
fn response<T: DeserializeOwned + Serialize + Default>(text: &str) -> Value {
    round_trip(text, &mut T::default())
}
"#;

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(json_body: bool, json_answer: bool) -> Shape {
        Shape {
            path: "demo::v1::item::get".to_owned(),
            json_body,
            json_answer,
        }
    }

    /// A page's schema: a path and a query parameter with examples (and one without), a request
    /// body example, and `response` as its response example.
    fn schema(response: Value) -> Schema {
        Schema::deserialize(&json!({
            "x-lark-api": {
                "method": "POST",
                "path": "/open-apis/demo/v1/items/:name",
                "path_parameters": {"type": "object", "properties": {
                    "name": {"type": "string", "examples": ["i1"]},
                }},
                "query_parameters": {"type": "object", "properties": {
                    "page_size": {"type": "integer", "examples": [20]},
                    "page_token": {"type": "string"},
                }},
            },
            "x-lark-request": {"type": "object", "properties": {}, "examples": [{"a": 1}]},
            "examples": [response],
        }))
        .unwrap()
    }

    fn success() -> Value {
        json!({"code": 0, "data": {"items": ["x"]}})
    }

    fn outcome(case: &Case<'_>, checked: Value) -> Outcome {
        case.outcome(serde_json::from_value(checked).unwrap())
    }

    fn typed(json: Value) -> Value {
        json!({"typed": {"json": json}})
    }

    #[test]
    fn a_case_holds_the_examples_the_program_checks() {
        let json = shape(true, true);
        let case = Case::of("p.md".to_owned(), &schema(success()), &json).unwrap();
        let line: Value = serde_json::from_str(&case.line()).unwrap();
        assert_eq!(
            line,
            json!({
                "api": "demo::v1::item::get",
                "parameters": {"name": "i1", "page_size": 20},
                "body": "{\"a\":1}",
                "data": "{\"items\":[\"x\"]}",
            })
        );
        // An answer that is a file has no `Response`; an error example has no `data` to check; a
        // successful one without `data` is `{}`.
        let file = shape(true, false);
        let case = Case::of("p.md".to_owned(), &schema(success()), &file).unwrap();
        assert!(case.data.is_none());
        let error = schema(json!({"code": 99991663, "msg": "token invalid"}));
        assert!(Case::of("p.md".to_owned(), &error, &json)
            .unwrap()
            .data
            .is_none());
        let empty = schema(json!({"code": 0, "msg": "success"}));
        let case = Case::of("p.md".to_owned(), &empty, &json).unwrap();
        assert_eq!(case.data.map(|data| data.value), Some(json!({})));
    }

    #[test]
    fn a_page_without_any_example_is_not_checked() {
        let bare = Schema::deserialize(&json!({
            "x-lark-api": {"method": "GET", "path": "/open-apis/demo/v1/items"},
            "examples": [{"code": 1, "msg": "error"}],
        }))
        .unwrap();
        let json = shape(false, true);
        let outcome = Case::of("p.md".to_owned(), &bare, &json).err();
        assert_eq!(outcome, Some(("p.md".to_owned(), Outcome::NoExample)));
    }

    #[test]
    fn what_the_program_says_becomes_the_outcome() {
        let json = shape(true, true);
        let case = Case::of("p.md".to_owned(), &schema(success()), &json).unwrap();
        let passed = json!({
            "parameters": null,
            "body": typed(json!({"a": 1})),
            "data": typed(json!({"items": ["x"]})),
        });
        assert_eq!(outcome(&case, passed), Outcome::Passed);
        let failed = json!({
            "parameters": "invalid request: `page_size`: invalid type",
            "body": typed(json!({"a": 2})),
            "data": {"invalid": {"message": "bad at line 1 column 10", "line": 1, "column": 10}},
        });
        assert_eq!(
            outcome(&case, failed),
            Outcome::Failed(
                "request: the parameters' example values do not build the `Request`: invalid \
                 request: `page_size`: invalid type; request body: re-encoded differently: $.a: \
                 expected 1, got 2; response: $.data.items[0]: decode: bad"
                    .to_owned()
            )
        );
        // A body example for an API whose `Request` has no JSON body.
        let no_body = shape(false, true);
        let case = Case::of("p.md".to_owned(), &schema(success()), &no_body).unwrap();
        let checked =
            json!({"parameters": null, "body": null, "data": typed(json!({"items": ["x"]}))});
        assert_eq!(
            outcome(&case, checked),
            Outcome::Failed(
                "request body: the API's `Request` has no JSON body to hold the page's example"
                    .to_owned()
            )
        );
    }
}
