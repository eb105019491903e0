//! Every generated API, called once from its page's example values against a local server driven by
//! the pages themselves: the server checks each request (method, path, the query parameters the page
//! requires, the body against the page's example or its required fields, the token) and answers the
//! page's example response, which must decode into the typed `Response` and re-encode unchanged.

use std::collections::BTreeMap;
use std::fs;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use integration_tests::json_diff::first_difference;
use integration_tests::seeds::repo_root;
use lark_api::api::{Answer, CallOptions, Client, RetryPolicy};
use serde_json::{json, Map, Value};

/// What the pages say about one API, as the server and the caller need it.
#[derive(Debug, Clone)]
struct Page {
    name: String,
    page: String,
    method: String,
    url: String,
    tokens: Vec<String>,
    required_query: Vec<String>,
    required_body: Vec<String>,
    request_example: Option<Value>,
    response_example: Option<Value>,
    parts: Value,
}

/// The APIs of the crate, from the generator's own list and the schemas of their pages.
fn pages() -> Vec<Page> {
    let root = repo_root();
    let dir = root.join("schema/json");
    let mut schemas = Vec::new();
    for entry in fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let schema: Value = serde_json::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
        let file_name = path.file_name().unwrap().to_string_lossy().into_owned();
        schemas.push(lark_codegen::SchemaFile { file_name, schema });
    }
    schemas.sort_by(|a, b| a.file_name.cmp(&b.file_name));
    let by_page: BTreeMap<String, &Value> = schemas
        .iter()
        .filter_map(|s| {
            Some((
                s.schema["x-lark-page"]["source"].as_str()?.to_owned(),
                &s.schema,
            ))
        })
        .collect();
    let config = lark_codegen::Config {
        layout: lark_codegen::Layout::InRepo,
        variant_names: fs::read_to_string(root.join("schema/variant-names.json")).ok(),
        names_lock: None,
    };
    let generated = lark_codegen::generate_api(&schemas, &config).unwrap();
    generated
        .apis
        .into_iter()
        .map(|entry| {
            let schema = by_page[&entry.page];
            let api = &schema["x-lark-api"];
            let names = |value: &Value| -> Vec<String> {
                value
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect()
            };
            Page {
                parts: parts(
                    &entry.url,
                    api,
                    &schema["x-lark-request"],
                    entry.request_example.as_ref(),
                ),
                name: entry.path,
                page: entry.page,
                method: entry.http_method,
                url: entry.url,
                tokens: names(&api["tokens"]),
                required_query: names(&api["query_parameters"]["required"]),
                required_body: names(&schema["x-lark-request"]["required"]),
                request_example: entry.request_example,
                response_example: entry.response_example,
            }
        })
        .collect()
}

/// The request as JSON from the page's examples: every path parameter (its example, else a
/// placeholder), every query parameter the page gives an example for (and every required one), and
/// the page's request example as the body (else its required fields with placeholders).
fn parts(url: &str, api: &Value, request: &Value, request_example: Option<&Value>) -> Value {
    let mut parts = Map::new();
    for name in url.split('/').filter_map(|s| s.strip_prefix(':')) {
        let example = &api["path_parameters"]["properties"][name]["examples"][0];
        let text = match example {
            Value::String(text) if !text.is_empty() => text.clone(),
            Value::Null => format!("example_{name}"),
            other => other.to_string().trim_matches('"').to_owned(),
        };
        parts.insert(name.to_owned(), Value::String(text));
    }
    let query = &api["query_parameters"];
    let required: Vec<&str> = query["required"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    for (name, field) in query["properties"].as_object().into_iter().flatten() {
        let example = field["examples"].get(0).cloned();
        let value = match (example, required.contains(&name.as_str())) {
            (Some(example), _) if field["type"] != "array" || example.is_array() => example,
            (_, true) => placeholder(field),
            _ => continue,
        };
        parts.insert(name.clone(), value);
    }
    match request_example {
        Some(body) => {
            parts.insert("body".into(), body.clone());
        }
        // No valid example: the required fields, each with a value of its type.
        None if request.is_object() => {
            let body: Map<String, Value> = request["required"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(|name| (name.to_owned(), placeholder(&request["properties"][name])))
                .collect();
            parts.insert("body".into(), Value::Object(body));
        }
        None => {}
    }
    Value::Object(parts)
}

/// A value of the field's type for a required parameter the page gives no example of.
fn placeholder(field: &Value) -> Value {
    if let Some(first) = field["enum"].get(0) {
        return first.clone();
    }
    match field["type"].as_str() {
        Some("integer") | Some("number") => json!(1),
        Some("boolean") => json!(true),
        Some("array") => json!(["example"]),
        Some("string") => json!("example"),
        _ => json!({}),
    }
}

/// The server's state: the pages and what each request broke.
struct Server {
    pages: Vec<Page>,
    problems: Mutex<BTreeMap<String, Vec<String>>>,
    seen: Mutex<BTreeMap<String, usize>>,
}

impl Server {
    /// The page whose method and URL template match, the most literal segments first.
    fn route(&self, method: &Method, path: &str) -> Option<&Page> {
        let segments: Vec<&str> = path.split('/').collect();
        self.pages
            .iter()
            .filter(|page| page.method == method.as_str())
            .filter_map(|page| {
                let template: Vec<&str> = page.url.split('/').collect();
                let matches = template.len() == segments.len()
                    && template
                        .iter()
                        .zip(&segments)
                        .all(|(t, s)| t.starts_with(':') || t == s);
                let literal = template.iter().filter(|t| !t.starts_with(':')).count();
                matches.then_some((literal, page))
            })
            .max_by_key(|(literal, page)| (*literal, std::cmp::Reverse(page.name.clone())))
            .map(|(_, page)| page)
    }
}

async fn answer(State(server): State<Arc<Server>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, 64 << 20)
        .await
        .unwrap_or_default();
    let path = parts.uri.path().to_owned();
    if parts.method == Method::POST
        && path.starts_with("/open-apis/auth/v3/")
        && path.ends_with("/internal")
    {
        return axum::Json(json!({
            "code": 0, "msg": "ok", "expire": 7200,
            "tenant_access_token": "t-test", "app_access_token": "a-test",
        }))
        .into_response();
    }
    let Some(page) = server.route(&parts.method, &path).cloned() else {
        return (
            StatusCode::NOT_FOUND,
            format!("no page documents {} {path}", parts.method),
        )
            .into_response();
    };
    let problems = check(
        &page,
        parts.uri.query().unwrap_or(""),
        &parts.headers,
        &body,
    );
    *server
        .seen
        .lock()
        .unwrap()
        .entry(page.name.clone())
        .or_default() += 1;
    if !problems.is_empty() {
        server
            .problems
            .lock()
            .unwrap()
            .entry(page.name.clone())
            .or_default()
            .extend(problems);
    }
    let download = page.name.ends_with("download") || page.url.ends_with("/download");
    if download && page.response_example.is_none() {
        return (StatusCode::OK, Bytes::from_static(b"file bytes")).into_response();
    }
    let reply = match &page.response_example {
        Some(example) if example["code"] == 0 => example.clone(),
        _ => json!({"code": 0, "msg": "success", "data": {}}),
    };
    axum::Json(reply).into_response()
}

/// What the request does not do as the page says.
fn check(page: &Page, query: &str, headers: &HeaderMap, body: &[u8]) -> Vec<String> {
    let mut problems = Vec::new();
    let names: Vec<String> = query
        .split('&')
        .filter_map(|pair| pair.split('=').next())
        .map(str::to_owned)
        .collect();
    for name in &page.required_query {
        if !names.contains(name) {
            problems.push(format!("the required query parameter `{name}` is missing"));
        }
    }
    let authorization = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let expected: Vec<&str> = page
        .tokens
        .iter()
        .filter_map(|t| match t.as_str() {
            "tenant_access_token" => Some("Bearer t-test"),
            "user_access_token" => Some("Bearer u-test"),
            "app_access_token" => Some("Bearer a-test"),
            _ => None,
        })
        .collect();
    if !expected.is_empty() && !expected.contains(&authorization) {
        problems.push(format!(
            "authorization {authorization:?}, expected one of {expected:?}"
        ));
    }
    let content_type = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if content_type.starts_with("application/json") {
        match serde_json::from_slice::<Value>(body) {
            Ok(sent) => match &page.request_example {
                Some(example) => {
                    if let Some(difference) = first_difference(example, &sent) {
                        problems.push(format!("the body is not the page's example: {difference}"));
                    }
                }
                None => {
                    for name in &page.required_body {
                        if sent.get(name).is_none() {
                            problems.push(format!("the required body field `{name}` is missing"));
                        }
                    }
                }
            },
            Err(e) => problems.push(format!("the body is not JSON: {e}")),
        }
    }
    problems
}

/// The catalog dispatches over every API in one function, whose unoptimized frame is large: the test
/// runs on threads with room for it.
#[test]
fn every_api_is_called_from_its_page_and_its_answer_round_trips() {
    const STACK: usize = 64 << 20;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_stack_size(STACK)
        .enable_all()
        .build()
        .unwrap();
    std::thread::Builder::new()
        .stack_size(STACK)
        .spawn(move || runtime.block_on(call_every_api()))
        .unwrap()
        .join()
        .unwrap();
}

async fn call_every_api() {
    let pages = pages();
    let names = lark_api::catalog::names();
    assert_eq!(
        names.len(),
        pages.len(),
        "the catalog lists every generated API"
    );
    let server = Arc::new(Server {
        pages: pages.clone(),
        problems: Mutex::default(),
        seen: Mutex::default(),
    });
    let app = axum::Router::new()
        .fallback(answer)
        .with_state(server.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let client = Client::builder("cli_test", "secret")
        .base_url(&base)
        .allow_host("127.0.0.1")
        .retry(RetryPolicy::none())
        .build()
        .unwrap();

    let mut failures = Vec::new();
    let (mut decoded, mut files) = (0, 0);
    for page in &pages {
        let user_only =
            page.tokens.iter().all(|t| t == "user_access_token") && !page.tokens.is_empty();
        let options = match user_only {
            true => CallOptions::new().user_access_token("u-test"),
            false => CallOptions::new(),
        };
        let outcome =
            lark_api::catalog::call(&client, &page.name, page.parts.clone(), &options).await;
        let problem = match outcome {
            Err(error) => Some(format!("call: {error}")),
            Ok(Answer::File(download)) => {
                files += 1;
                download
                    .bytes()
                    .await
                    .err()
                    .map(|e| format!("download: {e}"))
            }
            Ok(Answer::Json(answer)) => {
                decoded += 1;
                let sent = page
                    .response_example
                    .as_ref()
                    .filter(|example| example["code"] == 0)
                    .map(|example| match &example["data"] {
                        Value::Null => json!({}),
                        data => data.clone(),
                    });
                sent.and_then(|data| first_difference(&data, &answer.data))
                    .map(|d| format!("the answer does not re-encode as the page's example: {d}"))
            }
        };
        if let Some(problem) = problem {
            failures.push(format!("{} ({}): {problem}", page.name, page.page));
        }
    }
    let problems = server.problems.lock().unwrap().clone();
    for (name, list) in &problems {
        for problem in list {
            failures.push(format!("{name}: server: {problem}"));
        }
    }
    let seen = server.seen.lock().unwrap().len();
    println!(
        "api pages: {} APIs called, {seen} reached the server, {decoded} answers decoded, {files} files, {} failures",
        pages.len(),
        failures.len()
    );
    for failure in &failures {
        println!("  {failure}");
    }
    assert!(pages.len() >= 800, "only {} APIs", pages.len());
    assert!(failures.is_empty(), "{} failures", failures.len());
}
