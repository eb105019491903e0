//! One API page's schema → an [`ApiDef`]: its request (path and query parameters, body), its
//! response (`data`, or a file), whether it paginates, and every type under them, resolved in a
//! module of its own.

use lark_schema::contract::{ApiInfo, FieldSchema, JsonType, Ordered, Schema};

use super::names::ApiPath;
use crate::docs;
use crate::model::{Field, FieldType, TypeDef};
use crate::resolve::ApiResolver;
use crate::variants::VariantNames;
use crate::Error;

/// The names the request, body and response types of every API module take.
pub const REQUEST: &str = "Request";
pub const BODY: &str = "Body";
pub const RESPONSE: &str = "Response";

/// One API, ready to emit.
#[derive(Debug, Clone)]
pub struct ApiDef {
    pub path: ApiPath,
    /// The module's doc lines: what the API does and everything the page says about calling it.
    pub docs: Vec<String>,
    /// `GET`, `POST`, …
    pub http_method: String,
    /// The URL path template (`/open-apis/…/:app_id`).
    pub url: String,
    /// `Tenant`, `User`, `App`: the `TokenType`s the API accepts, in the page's order.
    pub tokens: Vec<&'static str>,
    /// The rate limits the page documents, in its order; none when it documents none it states
    /// as numbers (`特殊频控`).
    pub rate_limits: Vec<Rate>,
    pub path_params: Vec<Field>,
    pub query: Vec<Param>,
    pub body: BodyKind,
    pub answer: Answer,
    pub types: Vec<TypeDef>,
    /// The page's example values of the parameters and its example bodies, for tests.
    pub examples: Examples,
}

/// One documented rate limit: `calls` per `per`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    pub calls: u32,
    pub per: Per,
}

/// The period of a [`Rate`], named as the runtime's `endpoint!` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Per {
    Second,
    Minute,
    Hour,
}

impl Per {
    /// `second`, `minute`, `hour`.
    pub fn keyword(self) -> &'static str {
        match self {
            Self::Second => "second",
            Self::Minute => "minute",
            Self::Hour => "hour",
        }
    }
}

/// A query parameter.
#[derive(Debug, Clone)]
pub struct Param {
    pub field: Field,
    pub required: bool,
}

/// How the request body is sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BodyKind {
    None,
    /// JSON: the `Body` struct.
    Json,
    /// `multipart/form-data`: the `Body` form, with these fields holding files.
    Form {
        files: Vec<String>,
    },
}

/// What a successful answer holds.
#[derive(Debug, Clone)]
pub enum Answer {
    /// `data`, decoded as `Response`; with the list a paginated API streams.
    Json { pages: Option<Pages> },
    /// A file.
    File,
}

/// A paginated API's list: its wire name in `data` and its item type.
#[derive(Debug, Clone)]
pub struct Pages {
    pub items: String,
    pub item: FieldType,
}

/// The page's examples, as far as it gives them.
#[derive(Debug, Clone, Default)]
pub struct Examples {
    pub request_body: Option<serde_json::Value>,
    pub response: Option<serde_json::Value>,
}

/// Builds the API of one page; `source` is the page file, `schema_file` its schema's.
pub fn api(
    path: ApiPath,
    schema: &Schema,
    api: &ApiInfo,
    source: &str,
    schema_file: &str,
    names: &VariantNames,
) -> Result<(ApiDef, Vec<String>), Error> {
    let url = api
        .path
        .clone()
        .ok_or_else(|| Error::schema(schema_file, "x-lark-api has no path"))?;
    let http_method = api
        .method
        .clone()
        .ok_or_else(|| Error::schema(schema_file, "x-lark-api has no method"))?;
    let qualifier = crate::naming::type_name(&path.method).unwrap_or_else(|| "Api".to_owned());
    let mut resolver = ApiResolver::new(source, schema_file, &schema.defs, names, &qualifier);
    for name in [REQUEST, BODY, RESPONSE] {
        resolver.reserve(name);
    }
    let path_params = path_params(&url, api, &mut resolver)?;
    let query = match &api.query_parameters {
        Some(query) => resolver
            .fields(REQUEST, &query.properties)?
            .into_iter()
            .map(|field| Param {
                required: query.required.contains(&field.wire_name),
                field,
            })
            .collect(),
        None => Vec::new(),
    };
    let body = match (&schema.request, api.content_type.as_deref()) {
        (Some(request), Some("multipart/form-data")) => {
            let docs = vec!["The request body, sent as `multipart/form-data`.".to_owned()];
            resolver.object(BODY, &request.properties, None, docs)?;
            let files = request
                .properties
                .iter()
                .filter(|(_, field)| field.lark_type.as_deref() == Some("file"))
                .map(|(name, _)| name.to_owned())
                .collect();
            BodyKind::Form { files }
        }
        (Some(request), _) => {
            let docs = vec!["The request body, sent as JSON.".to_owned()];
            resolver.object(BODY, &request.properties, None, docs)?;
            BodyKind::Json
        }
        (None, _) => BodyKind::None,
    };
    let answer = if answers_with_a_file(&path, &url, schema) {
        Answer::File
    } else {
        let (properties, line) = data_properties(schema);
        let docs = vec!["The answer's `data`.".to_owned()];
        let empty = Ordered::default();
        resolver.object(RESPONSE, properties.unwrap_or(&empty), line, docs)?;
        Answer::Json {
            pages: pages(&query, properties, &mut resolver)?,
        }
    };
    let (types, warnings) = resolver.finish();
    let def = ApiDef {
        docs: module_docs(schema, api, &http_method, &url, source),
        path,
        http_method,
        url,
        tokens: api.tokens.iter().filter_map(|t| token(t)).collect(),
        rate_limits: api
            .rate_limit
            .as_deref()
            .map(rate_limits)
            .unwrap_or_default(),
        path_params,
        query,
        body,
        answer,
        types,
        examples: Examples {
            request_body: schema
                .request
                .as_ref()
                .and_then(|r| r.examples.first().cloned()),
            response: schema.examples.first().cloned(),
        },
    };
    Ok((def, warnings))
}

/// Every `:name` of the URL, as a `String` field, documented from the page's path parameter table
/// when it lists it.
fn path_params(
    url: &str,
    api: &ApiInfo,
    resolver: &mut ApiResolver<'_>,
) -> Result<Vec<Field>, Error> {
    let listed = match &api.path_parameters {
        Some(table) => resolver.fields(REQUEST, &table.properties)?,
        None => Vec::new(),
    };
    Ok(url
        .split('/')
        .filter_map(|segment| segment.strip_prefix(':'))
        .map(|name| {
            let documented = listed.iter().find(|field| field.wire_name == name);
            Field {
                wire_name: name.to_owned(),
                ident: crate::naming::field_ident(name),
                ty: FieldType::String,
                docs: documented
                    .map_or_else(|| vec!["A path parameter.".to_owned()], |f| f.docs.clone()),
            }
        })
        .collect())
}

/// A download: the method or the URL says so, and the page documents no JSON `data`.
fn answers_with_a_file(path: &ApiPath, url: &str, schema: &Schema) -> bool {
    let named = path.method.contains("download") || url.ends_with("/download");
    named && data_properties(schema).0.is_none_or(|p| p.is_empty())
}

/// The fields of the response's `data`, inline or through `$defs`, and the line of its row.
fn data_properties(schema: &Schema) -> (Option<&Ordered<FieldSchema>>, Option<u64>) {
    let Some(data) = schema.properties.get("data") else {
        return (None, None);
    };
    if let Some(key) = data
        .reference
        .as_deref()
        .and_then(|r| r.strip_prefix("#/$defs/"))
    {
        return match schema.defs.get(key) {
            Some(def) => (Some(&def.properties), Some(def.line)),
            None => (None, data.line),
        };
    }
    match data.ty {
        Some(JsonType::Object) => (Some(&data.properties), data.line),
        _ => (None, data.line),
    }
}

/// Pagination: a `page_token` query parameter and, in `data`, `has_more` beside exactly one list.
fn pages(
    query: &[Param],
    data: Option<&Ordered<FieldSchema>>,
    resolver: &mut ApiResolver<'_>,
) -> Result<Option<Pages>, Error> {
    let Some(data) = data else { return Ok(None) };
    if !query.iter().any(|p| p.field.wire_name == "page_token") || !data.contains_key("has_more") {
        return Ok(None);
    }
    let lists: Vec<&str> = data
        .iter()
        .filter(|(_, field)| field.ty == Some(JsonType::Array))
        .map(|(name, _)| name)
        .collect();
    let [items] = lists.as_slice() else {
        return Ok(None);
    };
    // The response struct is resolved already: its fields have their names decided.
    let fields = resolver.fields(RESPONSE, data)?;
    Ok(fields
        .into_iter()
        .find(|field| field.wire_name == *items)
        .and_then(|field| match field.ty {
            FieldType::Vec(item) => Some(Pages {
                items: field.wire_name,
                item: *item,
            }),
            _ => None,
        }))
}

/// `tenant_access_token` → `Tenant`, …
fn token(name: &str) -> Option<&'static str> {
    match name {
        "tenant_access_token" => Some("Tenant"),
        "user_access_token" => Some("User"),
        "app_access_token" => Some("App"),
        _ => None,
    }
}

/// The limits of a page's rate limit text, `1000 次/分钟、50 次/秒`: each `N 次/秒`, `N 次/分钟`
/// or `N 次/小时`, separated by `、` or commas. Any other text (`特殊频控`, a part that does not
/// read so) gives none: a call is better not paced than paced by a misread limit.
pub fn rate_limits(text: &str) -> Vec<Rate> {
    let parts = text.split(['、', ',', '，']).map(str::trim);
    let rates: Option<Vec<Rate>> = parts.map(rate).collect();
    rates.unwrap_or_default()
}

/// `N 次/秒`, spaces anywhere.
fn rate(part: &str) -> Option<Rate> {
    let (calls, unit) = part.split_once('次')?;
    let calls: u32 = calls.trim().parse().ok().filter(|n| *n > 0)?;
    let per = match unit.trim().strip_prefix('/')?.trim() {
        "秒" => Per::Second,
        "分钟" | "分" => Per::Minute,
        "小时" => Per::Hour,
        _ => return None,
    };
    Some(Rate { calls, per })
}

/// The module docs: title, description, the request line, rate limit, tokens, permissions, errors
/// and provenance.
fn module_docs(
    schema: &Schema,
    api: &ApiInfo,
    http_method: &str,
    url: &str,
    source: &str,
) -> Vec<String> {
    let mut lines = Vec::new();
    for text in [&schema.title, &schema.description].into_iter().flatten() {
        lines.extend(docs::text_lines(text));
        lines.push(String::new());
    }
    lines.push(format!(
        "- Request: {}",
        docs::code(&format!("{http_method} {url}"))
    ));
    if let Some(limit) = &api.rate_limit {
        lines.push(format!("- Rate limit: {}", docs::code(limit)));
    }
    let codes = |items: &[String]| -> Vec<String> { items.iter().map(|s| docs::code(s)).collect() };
    let permissions = |items: &[lark_schema::contract::Permission]| -> Vec<String> {
        items.iter().map(docs::permission).collect()
    };
    for (label, items) in [
        ("Tokens", codes(&api.tokens)),
        ("App types", codes(&api.app_types)),
        ("Permissions (any one)", permissions(&api.permissions)),
        ("Field permissions", permissions(&api.field_permissions)),
    ] {
        if !items.is_empty() {
            lines.push(format!("- {label}: {}", items.join(", ")));
        }
    }
    if !api.errors.is_empty() {
        lines.push(String::new());
        lines.push("Errors the page documents:".to_owned());
        lines.push(String::new());
        for error in &api.errors {
            let status = error
                .status
                .map_or(String::new(), |s| format!(" (HTTP {s})"));
            let advice = error
                .advice
                .as_deref()
                .map_or(String::new(), |a| format!(": {}", single_line(a)));
            lines.push(format!(
                "- `{}`{status} {}{advice}",
                error.code,
                single_line(&error.message)
            ));
        }
    }
    lines.push(String::new());
    lines.push(format!("Generated from {}.", docs::code(source)));
    lines
}

/// Text on one doc line, markdown-safe.
fn single_line(text: &str) -> String {
    docs::text_lines(text).join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rates(text: &str) -> Vec<(u32, &'static str)> {
        rate_limits(text)
            .into_iter()
            .map(|rate| (rate.calls, rate.per.keyword()))
            .collect()
    }

    #[test]
    fn reads_the_documented_tiers() {
        assert_eq!(
            rates("1000 次/分钟、50 次/秒"),
            [(1000, "minute"), (50, "second")]
        );
        assert_eq!(rates("100 次/分钟"), [(100, "minute")]);
        assert_eq!(rates("5 次/秒"), [(5, "second")]);
        assert_eq!(rates("1 次/秒"), [(1, "second")]);
        assert_eq!(rates("20次 / 小时"), [(20, "hour")]);
        assert_eq!(
            rates("10 次/秒, 600 次/分"),
            [(10, "second"), (600, "minute")]
        );
        assert_eq!(
            rates(" 3 次/秒，100 次/分钟 "),
            [(3, "second"), (100, "minute")]
        );
    }

    #[test]
    fn anything_else_gives_no_limit() {
        for text in [
            "特殊频控",
            "",
            "1000 次/分钟、特殊频控",
            "0 次/秒",
            "-5 次/秒",
            "5 次/天",
            "5 次",
            "五 次/秒",
            "99999999999 次/秒",
            "1000 次/分钟、",
        ] {
            assert_eq!(rates(text), [], "{text:?}");
        }
    }
}
