//! What a rendering module hands to the tree builder: the page's parts and its rows, in page order.

use serde_json::Value;

use super::error::{Located, Warning};
use super::model::{Cell, EventMeta, Rendering};

/// How deep a row is, as far as the rendering says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Depth {
    /// Given explicitly (`level="N"`, `&nbsp;` pairs).
    Exact(usize),
    /// A top-level row in a rendering that marks nested rows (`└ `) but not their depth.
    Top,
    /// A nested row whose depth is lost (at least 1).
    Nested,
    /// No marker at all.
    Unknown,
}

/// One table row.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub name: String,
    pub doc_type: String,
    pub cell: Cell,
    /// 1-based line; `col` is where the row starts on it.
    pub line: usize,
    pub depth: Depth,
    /// The `必填` column, in tables that have one.
    pub required: Option<bool>,
}

/// A page taken apart by its rendering module, before the tree is built.
#[derive(Debug, Clone)]
pub struct RawPage {
    pub rendering: Rendering,
    pub title: Option<String>,
    pub description: Option<String>,
    pub update_time: Option<String>,
    pub event: Option<EventMeta>,
    /// The main body (an event's, or an API's response body).
    pub body: RawBody,
    /// An API page's request body.
    pub request: Option<RawBody>,
    /// An API page's path parameters.
    pub path: Option<RawBody>,
    /// An API page's query parameters.
    pub query: Option<RawBody>,
    /// A callback page's answer, when it documents one.
    pub answer: Option<RawBody>,
}

/// One body table's rows and the example after it.
#[derive(Debug, Clone, Default)]
pub struct RawBody {
    pub rows: Vec<Row>,
    pub example: Option<Value>,
}

/// Reads `必填` / `必须` cells: `是` / `否` (anything else: unknown).
pub fn required_cell(cell: &str) -> Option<bool> {
    match super::common::strip_tags(cell).trim() {
        "是" | "yes" | "Yes" | "true" => Some(true),
        "否" | "no" | "No" | "false" => Some(false),
        _ => None,
    }
}

/// What to do with an example that is not valid JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum InvalidExample {
    /// Fail: the page is malformed.
    #[default]
    Error,
    /// Warn and go on without an example.
    Warn,
}

/// Parser settings.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    pub invalid_example: InvalidExample,
}

/// Shared state of one parse: the file name, options and collected warnings.
pub struct Ctx<'a> {
    pub file: &'a str,
    pub options: Options,
    pub warnings: Vec<Warning>,
}

impl<'a> Ctx<'a> {
    pub fn new(file: &'a str, options: Options) -> Self {
        Ctx {
            file,
            options,
            warnings: Vec::new(),
        }
    }

    pub fn warn(&mut self, line: usize, message: impl Into<String>) {
        self.warnings.push(Warning {
            file: self.file.to_string(),
            line,
            message: message.into(),
        });
    }

    /// Parses an example body whose first character is at (`line`, `col`); `whole` says whether the text
    /// must be one JSON value (a fenced block) or may go on after it (an unfenced example).
    pub fn example(
        &mut self,
        text: &str,
        line: usize,
        col: usize,
        whole: bool,
    ) -> Result<Option<Value>, Located> {
        let parsed = parse_json(text, whole);
        if parsed.is_err() {
            let uncommented = strip_comments(text);
            if uncommented != text {
                if let Ok(value) = parse_json(&uncommented, whole) {
                    self.warn(line, "the example has `//` comments: read without them");
                    return Ok(Some(value));
                }
            }
        }
        match parsed {
            Ok(value) => Ok(Some(value)),
            Err(e) => {
                let at_line = line + e.line().saturating_sub(1);
                let at_col = if e.line() <= 1 {
                    col + e.column().saturating_sub(1)
                } else {
                    e.column().max(1)
                };
                let message = format!(
                    "example is not valid JSON: {}",
                    strip_position(&e.to_string())
                );
                match self.options.invalid_example {
                    InvalidExample::Error => Err(Located::new(at_line, at_col, message)),
                    InvalidExample::Warn => {
                        self.warn(
                            at_line,
                            format!("{message} (column {at_col}); no example kept"),
                        );
                        Ok(None)
                    }
                }
            }
        }
    }
}

/// One JSON value: the whole text, or (`whole == false`) its start, where more text may follow.
fn parse_json(text: &str, whole: bool) -> serde_json::Result<Value> {
    if whole {
        serde_json::from_str::<Value>(text)
    } else {
        serde_json::Deserializer::from_str(text)
            .into_iter::<Value>()
            .next()
            .unwrap_or_else(|| serde_json::from_str::<Value>(""))
    }
}

/// Removes `// …` and `/* … */` comments outside strings, keeping line breaks (so positions still hold).
fn strip_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    let mut in_string = false;
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            match c {
                '\\' => out.extend(chars.next()),
                '"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match (c, chars.peek()) {
            ('"', _) => {
                in_string = true;
                out.push(c);
            }
            ('/', Some('/')) => {
                while chars.peek().is_some_and(|&n| n != '\n') {
                    chars.next();
                }
            }
            ('/', Some('*')) => {
                chars.next();
                let mut previous = ' ';
                for n in chars.by_ref() {
                    if n == '\n' {
                        out.push('\n');
                    }
                    if previous == '*' && n == '/' {
                        break;
                    }
                    previous = n;
                }
            }
            _ => out.push(c),
        }
    }
    out
}

/// serde_json appends " at line L column C"; the caller reports the page position instead.
fn strip_position(message: &str) -> &str {
    message.split(" at line ").next().unwrap_or(message)
}
