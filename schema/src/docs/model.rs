//! The doc model: what a page says, independent of its rendering, with the source line of every row.

use serde_json::Value;

/// How the page is written; see `schema/README.md`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rendering {
    Source,
    Markdown,
    Text,
    Flat,
}

impl Rendering {
    /// The name used in `x-lark-page.rendering`.
    pub fn as_str(self) -> &'static str {
        match self {
            Rendering::Source => "source",
            Rendering::Markdown => "markdown",
            Rendering::Text => "text",
            Rendering::Flat => "flat",
        }
    }
}

/// One documentation page.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    /// The file name (no directory).
    pub file_name: String,
    pub rendering: Rendering,
    pub title: Option<String>,
    pub description: Option<String>,
    pub update_time: Option<String>,
    /// Present when the page has an event table.
    pub event: Option<EventMeta>,
    /// Present for a server API page.
    pub api: Option<ApiMeta>,
    /// The body's top-level fields, in page order: an event's body or an API's response body.
    pub fields: Vec<Field>,
    /// The example body, when the page has one that parses.
    pub example: Option<Value>,
    /// An API page's request body, when it lists one.
    pub request: Option<Body>,
    /// An API page's path parameters (`路径参数`), when it lists them.
    pub path_parameters: Option<Body>,
    /// An API page's query parameters (`查询参数`), when it lists them.
    pub query_parameters: Option<Body>,
    /// A callback page's answer (`响应回调的结构体`): what the app responds with, when it lists one.
    pub answer: Option<Body>,
}

/// A body other than the page's main one: its fields and example.
#[derive(Debug, Clone, PartialEq)]
pub struct Body {
    pub fields: Vec<Field>,
    pub example: Option<Value>,
}

/// The request line of a server API page and what the page says around it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApiMeta {
    /// `GET`, `POST`, …
    pub method: Option<String>,
    /// The URL path, e.g. `/open-apis/im/v1/messages` (path parameters as `:name`).
    pub path: Option<String>,
    /// How the official SDKs name the API, from the page's API explorer link.
    pub sdk: Option<SdkName>,
    /// The rate-limit tier as the page writes it (`1000 次/分钟、50 次/秒`, `特殊频控`).
    pub rate_limit: Option<String>,
    pub app_types: Vec<String>,
    /// The access tokens the page accepts: `tenant_access_token`, `user_access_token`,
    /// `app_access_token`, in page order.
    pub tokens: Vec<String>,
    pub permissions: Vec<Permission>,
    pub field_permissions: Vec<Permission>,
    /// The request's `Content-Type` without parameters (`application/json`, `multipart/form-data`).
    pub content_type: Option<String>,
    /// The page's error-code table.
    pub errors: Vec<ErrorCode>,
}

/// An API's name in the official SDKs: `application` `v6` `application.app_version` `patch`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SdkName {
    pub project: String,
    pub version: String,
    pub resource: String,
    pub method: String,
}

/// One row of an API page's error-code table.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ErrorCode {
    /// The HTTP status, when the row gives a number.
    pub status: Option<u16>,
    pub code: i64,
    pub message: String,
    /// `排查建议`, when the row has one.
    pub advice: Option<String>,
}

/// The event table of a page.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EventMeta {
    pub event_type: Option<String>,
    pub app_types: Vec<String>,
    pub permissions: Vec<Permission>,
    pub field_permissions: Vec<Permission>,
    pub push_modes: Vec<String>,
}

/// A permission, as far as the page names it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Permission {
    pub scope: Option<String>,
    pub label: Option<String>,
}

/// One field of the body, with its children.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub name: String,
    /// The type exactly as the page writes it, unescaped.
    pub doc_type: String,
    pub cell: Cell,
    /// 1-based line of the row.
    pub line: usize,
    /// The `必填` column, in tables that have one.
    pub required: Option<bool>,
    pub children: Vec<Field>,
    /// The page's example has a list of objects here though the type is not a list: the field is a list
    /// of what its type and child rows describe (a repair the parser warns about).
    pub list_in_example: bool,
}

/// What a description cell says, taken apart.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Cell {
    /// The prose, with enum list, rules and permission taken out; `None` for none or `-`.
    pub description: Option<String>,
    pub enum_items: Vec<EnumItem>,
    /// The description says the values are bits (`bit 位表示`).
    pub bit_flags: bool,
    pub rules: Rules,
    pub permissions: Vec<Permission>,
    /// `示例值`, as written (quotes around a string kept).
    pub example: Option<String>,
}

/// One listed value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnumItem {
    pub value: String,
    pub label: String,
}

/// `数据校验规则` and `默认值`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rules {
    pub min_length: Option<u64>,
    pub max_length: Option<u64>,
    pub minimum: Option<f64>,
    pub maximum: Option<f64>,
    pub default: Option<String>,
}

impl Rules {
    pub fn is_empty(&self) -> bool {
        *self == Rules::default()
    }
}
