//! Documentation pages → doc model. One module per rendering; `tree` rebuilds nesting.

mod api;
mod cell;
mod common;
mod detect;
pub mod error;
mod flat;
mod markdown;
pub mod model;
mod pipe;
mod raw;
mod section;
mod source;
mod text;
mod tree;
pub mod types;

use std::path::Path;

pub use error::{DocError, Warning};
pub use model::*;
pub use raw::{InvalidExample, Options};

use error::Located;
use raw::Ctx;

/// The deepest nesting the parser accepts, counted twice over: field levels in a body (a top-level field
/// is at depth 1), and wrappers around a type (`list<…>`, `…[]`, `map<string, …>`). Real pages nest
/// fewer than 20 levels. Deeper input is an error naming its line (`nesting deeper than …`), so the
/// parser and the schema writer, which recurse once per level, never run out of stack.
pub const MAX_DEPTH: usize = 32;

/// A parsed page and what the parser was unsure about.
#[derive(Debug, Clone)]
pub struct Parsed {
    pub page: Page,
    pub warnings: Vec<Warning>,
}

/// Reads and parses a page file with default options.
pub fn parse_file(path: &Path) -> Result<Parsed, DocError> {
    parse_file_with(path, Options::default())
}

/// Reads and parses a page file.
pub fn parse_file_with(path: &Path, options: Options) -> Result<Parsed, DocError> {
    let file = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let shown = path.display().to_string();
    let bytes = std::fs::read(path)
        .map_err(|e| Located::new(1, 1, format!("cannot read the file: {e}")).in_file(&shown))?;
    parse_bytes(&file, &bytes, options)
        .map_err(|mut e| {
            e.file = shown.clone();
            e
        })
        .map(|mut parsed| {
            for w in &mut parsed.warnings {
                w.file = shown.clone();
            }
            parsed
        })
}

/// Parses a page's bytes; `file_name` names it in the model and in messages.
pub fn parse_bytes(file_name: &str, bytes: &[u8], options: Options) -> Result<Parsed, DocError> {
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let line = bytes[..e.valid_up_to()]
                .iter()
                .filter(|&&b| b == b'\n')
                .count()
                + 1;
            return Err(
                Located::new(line, 1, "not a text page: invalid UTF-8 (binary file?)")
                    .in_file(file_name),
            );
        }
    };
    parse_str(file_name, text, options)
}

/// Parses a page's text.
pub fn parse_str(file_name: &str, text: &str, options: Options) -> Result<Parsed, DocError> {
    let mut ctx = Ctx::new(file_name, options);
    let page = match parse_in(file_name, text, &mut ctx) {
        Ok(page) => page,
        Err(error) => match untyped_api_page(file_name, text, &error) {
            Some(page) => {
                ctx.warn(
                    error.line,
                    format!(
                        "{}; the API's request and response bodies are read as untyped JSON",
                        error.message
                    ),
                );
                page
            }
            None => return Err(error.in_file(file_name)),
        },
    };
    Ok(Parsed {
        page,
        warnings: ctx.warnings,
    })
}

/// A server API page whose tables cannot be read, as its request line alone: the API is still
/// callable, with untyped bodies. `None` for a page that is no API page or whose error is not in its
/// tables (a nesting limit, a binary file).
fn untyped_api_page(file_name: &str, text: &str, error: &Located) -> Option<Page> {
    if error.message.starts_with("nesting deeper than") {
        return None;
    }
    let mut api = section::api_meta(text)?;
    api.path.as_ref()?;
    api::details(text, &mut api);
    let lines: Vec<&str> = text.lines().collect();
    let (fm_title, update_time, body_start) = common::front_matter(&lines);
    let (heading_title, description) = source::title_and_description(&lines[body_start..]);
    Some(Page {
        file_name: file_name.to_string(),
        rendering: detect::detect(text).unwrap_or(Rendering::Source),
        title: fm_title.or(heading_title),
        description,
        update_time,
        event: None,
        api: Some(api),
        fields: Vec::new(),
        example: None,
        request: None,
        path_parameters: None,
        query_parameters: None,
        answer: None,
    })
}

fn parse_in(file_name: &str, text: &str, ctx: &mut Ctx) -> Result<Page, Located> {
    if text.trim().is_empty() {
        return Err(Located::new(1, 1, "empty page"));
    }
    if let Some(pos) = text.find('\0') {
        let line = text[..pos].matches('\n').count() + 1;
        return Err(Located::new(
            line,
            1,
            "not a text page: NUL byte (binary file?)",
        ));
    }
    let api = section::api_meta(text).map(|mut meta| {
        api::details(text, &mut meta);
        meta
    });
    let is_api = api.is_some();
    let rendering = match (detect::detect(text), is_api) {
        (Some(rendering), _) => rendering,
        // An API page is its request line even when no table of it can be read.
        (None, true) => Rendering::Source,
        (None, false) => {
            return Err(Located::new(
                1,
                1,
                "no field table of a known rendering (source, markdown, text or flat) found",
            ))
        }
    };
    let raw = match rendering {
        Rendering::Source => source::parse(text, is_api, ctx)?,
        Rendering::Markdown => markdown::parse(text, is_api, ctx)?,
        Rendering::Text => text::parse(text, is_api, ctx)?,
        Rendering::Flat => flat::parse(text, is_api, ctx)?,
    };
    if raw.body.rows.is_empty() {
        if !is_api {
            return Err(Located::new(1, 1, "the field table has no rows"));
        }
        ctx.warn(
            1,
            "no response body table (`响应体`) with rows in the doc source form: the response is \
             read as untyped JSON",
        );
    }
    let fields = tree::build(raw.body.rows, raw.body.example.as_ref(), ctx)?;
    let body = |raw: Option<raw::RawBody>, ctx: &mut Ctx| match raw {
        Some(body) if !body.rows.is_empty() => Ok::<_, Located>(Some(Body {
            fields: tree::build(body.rows, body.example.as_ref(), ctx)?,
            example: body.example,
        })),
        _ => Ok(None),
    };
    let request = body(raw.request, ctx)?;
    let path_parameters = body(raw.path, ctx)?;
    let query_parameters = body(raw.query, ctx)?;
    let answer = body(raw.answer, ctx)?;
    Ok(Page {
        file_name: file_name.to_string(),
        rendering: raw.rendering,
        title: raw.title,
        description: raw.description,
        update_time: raw.update_time,
        event: raw.event,
        api,
        fields,
        example: raw.body.example,
        request,
        path_parameters,
        query_parameters,
        answer,
    })
}
