//! Typed calls: each generated API request type implements [`Endpoint`] (or [`FileEndpoint`] for an
//! API that answers with a file) through one [`endpoint!`](crate::api::endpoint) call, and the client
//! sends it with [`Client::send`]. Paginated APIs also implement [`Paginated`], so that
//! [`Client::items`] streams their items across pages.

use futures_util::future::ready;
use futures_util::stream::{self, Stream, StreamExt};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use super::client::Client;
use super::download::Download;
use super::error::Error;
use super::reply::Response;
use super::request::{CallOptions, Multipart, Request};

/// A typed API request: what it sends and what its answer's `data` decodes into.
pub trait Endpoint {
    /// The answer's `data`.
    type Response: DeserializeOwned;

    /// The HTTP request; an error when a required parameter is missing or empty.
    fn to_request(&self) -> Result<Request, Error>;
}

/// A typed API request whose answer is a file.
pub trait FileEndpoint {
    /// The HTTP request; an error when a required parameter is missing or empty.
    fn to_request(&self) -> Result<Request, Error>;
}

/// A paginated API: `page_token` in the query, `has_more` and `page_token` in the answer.
pub trait Paginated: Endpoint {
    /// One item of the page's list.
    type Item: DeserializeOwned + Send + 'static;
    /// The name of the list in `data` (usually `items`).
    const ITEMS: &'static str;
}

/// A value built from one JSON object: a request from its path and query parameters by name and
/// its body under `body`; a form from its fields by name (a file as its text content). What
/// [`catalog!`](crate::api::catalog) calls, so that any API can be called by name with JSON.
pub trait FromJson: Sized {
    fn from_json(value: Value) -> Result<Self, Error>;
}

/// A `multipart/form-data` body: text fields and files.
pub trait Form {
    /// The form, fields in declaration order.
    fn to_multipart(&self) -> Result<Multipart, Error>;
}

/// A file to upload: its name, media type and bytes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct File {
    pub file_name: String,
    /// `image/png`, …; `None` lets the server decide.
    pub mime: Option<String>,
    pub content: bytes::Bytes,
}

impl File {
    /// A file named `file_name` holding `content`.
    pub fn new(file_name: impl Into<String>, content: impl Into<bytes::Bytes>) -> Self {
        Self {
            file_name: file_name.into(),
            mime: None,
            content: content.into(),
        }
    }
}

impl Client {
    /// Sends a typed request and decodes its answer's `data`.
    ///
    /// ```no_run
    /// # async fn run(client: lark_runtime::api::Client) -> Result<(), lark_runtime::api::Error> {
    /// # use lark_runtime::api::{Endpoint, Error, Method, Request};
    /// # struct GetChat { chat_id: String }
    /// # impl Endpoint for GetChat {
    /// #     type Response = serde_json::Value;
    /// #     fn to_request(&self) -> Result<Request, Error> {
    /// #         Ok(Request::new(Method::GET, "/open-apis/im/v1/chats/:chat_id")
    /// #             .path_param("chat_id", self.chat_id.clone()))
    /// #     }
    /// # }
    /// let chat = client.send(&GetChat { chat_id: "oc_xxx".into() }).await?;
    /// println!("{}", chat.data["name"]);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn send<E: Endpoint>(&self, endpoint: &E) -> Result<Response<E::Response>, Error> {
        self.send_with(endpoint, &CallOptions::new()).await
    }

    /// [`Client::send`] with per-call options (a user access token, a tenant, a timeout).
    pub async fn send_with<E: Endpoint>(
        &self,
        endpoint: &E,
        options: &CallOptions,
    ) -> Result<Response<E::Response>, Error> {
        self.call(&endpoint.to_request()?, options).await
    }

    /// Every item of a paginated API, page after page (see [`Client::paginate`]).
    pub fn items<E: Paginated>(
        &self,
        endpoint: &E,
        options: CallOptions,
    ) -> impl Stream<Item = Result<E::Item, Error>> + Send + 'static {
        match endpoint.to_request() {
            Ok(request) => self.paginate(request, options, E::ITEMS).left_stream(),
            Err(error) => stream::once(ready(Err(error))).right_stream(),
        }
    }

    /// Sends a typed request whose answer is a file, streamed (see [`Client::download`]).
    pub async fn fetch<E: FileEndpoint>(
        &self,
        endpoint: &E,
        options: &CallOptions,
    ) -> Result<Download, Error> {
        self.download(&endpoint.to_request()?, options).await
    }
}

/// What an API called by name answered: `data` as JSON, or a file.
#[derive(Debug)]
pub enum Answer {
    Json(Response<Value>),
    File(Download),
}

/// A value as the text(s) of a path, query or form parameter: a string as it is, a number or a
/// boolean as JSON writes it, a list as one text per item, `None` for an absent value.
fn texts<T: Serialize + ?Sized>(what: &str, value: &T) -> Result<Option<Vec<String>>, Error> {
    let value = serde_json::to_value(value)
        .map_err(|e| Error::InvalidRequest(format!("{what} does not serialize: {e}")))?;
    let text = |value: Value| match value {
        Value::String(text) => text,
        other => other.to_string(),
    };
    Ok(match value {
        Value::Null => None,
        Value::Array(items) => Some(items.into_iter().map(text).collect()),
        other => Some(vec![text(other)]),
    })
}

/// What the `endpoint!` and `form!` expansions call.
#[doc(hidden)]
pub mod __private {
    use super::*;

    pub use crate::api::{Method, TokenType};

    /// Fills the path parameter `name`; an empty or absent value is an error.
    pub fn path<T: Serialize + ?Sized>(
        request: Request,
        name: &'static str,
        value: &T,
    ) -> Result<Request, Error> {
        let what = format!("path parameter `{name}`");
        match texts(&what, value)?.as_deref() {
            Some([text]) if !text.is_empty() => Ok(request.path_param(name, text.clone())),
            _ => Err(Error::InvalidRequest(format!("{what} is empty"))),
        }
    }

    /// Adds the query parameter `name` (once per item of a list); nothing for `None`.
    pub fn query<T: Serialize + ?Sized>(
        mut request: Request,
        name: &'static str,
        value: &T,
    ) -> Result<Request, Error> {
        for text in texts(&format!("query parameter `{name}`"), value)?.unwrap_or_default() {
            request = request.query(name, text);
        }
        Ok(request)
    }

    /// An error when the required query parameter `name` is absent.
    pub fn required<T>(name: &'static str, value: &Option<T>) -> Result<(), Error> {
        match value {
            Some(_) => Ok(()),
            None => Err(Error::InvalidRequest(format!(
                "query parameter `{name}` is required"
            ))),
        }
    }

    /// Adds the text field `name` to a form (once per item of a list); nothing for `None`.
    pub fn text<T: Serialize + ?Sized>(
        mut form: Multipart,
        name: &'static str,
        value: &T,
    ) -> Result<Multipart, Error> {
        for text in texts(&format!("form field `{name}`"), value)?.unwrap_or_default() {
            form = form.text(name, text);
        }
        Ok(form)
    }

    /// Adds the file field `name` to a form; nothing for `None`.
    pub fn file(form: Multipart, name: &'static str, file: &Option<File>) -> Multipart {
        match file {
            Some(file) => form.file(
                name,
                file.file_name.clone(),
                file.mime.as_deref(),
                file.content.clone(),
            ),
            None => form,
        }
    }

    /// The JSON body of a request.
    pub fn json<B: Serialize>(request: Request, body: &B) -> Result<Request, Error> {
        request.json(body)
    }

    /// The form body of a request.
    pub fn form<F: Form>(request: Request, form: &F) -> Result<Request, Error> {
        Ok(request.multipart(form.to_multipart()?))
    }

    /// The JSON object a [`FromJson`] value is built from.
    pub fn object(value: Value) -> Result<serde_json::Map<String, Value>, Error> {
        match value {
            Value::Object(map) => Ok(map),
            other => Err(Error::InvalidRequest(format!(
                "expected a JSON object, found {other}"
            ))),
        }
    }

    /// Reads the member `name` of `object` into `target`; an absent or `null` member leaves it.
    pub fn read<T: DeserializeOwned>(
        object: &mut serde_json::Map<String, Value>,
        name: &str,
        target: &mut T,
    ) -> Result<(), Error> {
        match object.remove(name) {
            None | Some(Value::Null) => Ok(()),
            Some(value) => {
                *target = serde_json::from_value(value)
                    .map_err(|e| Error::InvalidRequest(format!("`{name}`: {e}")))?;
                Ok(())
            }
        }
    }

    /// Reads the member `name` of `object` as a file whose content is the member's text.
    pub fn read_file(object: &mut serde_json::Map<String, Value>, name: &str) -> Option<File> {
        let value = object.remove(name)?;
        let content = match value {
            Value::String(text) => text.into_bytes(),
            Value::Null => return None,
            other => other.to_string().into_bytes(),
        };
        Some(File::new(name, content))
    }

    /// Reads the body of a request from the member `body`.
    pub fn read_body<B: FromJson + Default>(
        object: &mut serde_json::Map<String, Value>,
    ) -> Result<B, Error> {
        match object.remove("body") {
            None | Some(Value::Null) => Ok(B::default()),
            Some(value) => B::from_json(value),
        }
    }

    /// Builds `E` from JSON and sends it; `data` re-encoded as JSON.
    pub async fn send_json<E>(
        client: &Client,
        parts: Value,
        options: &CallOptions,
    ) -> Result<Answer, Error>
    where
        E: Endpoint + FromJson,
        E::Response: Serialize,
    {
        let answer = client.send_with(&E::from_json(parts)?, options).await?;
        let data = serde_json::to_value(&answer.data)
            .map_err(|e| Error::InvalidRequest(format!("the answer does not re-encode: {e}")))?;
        Ok(Answer::Json(Response {
            data,
            log_id: answer.log_id,
        }))
    }

    /// Builds `E` from JSON and downloads its file.
    pub async fn fetch_json<E: FileEndpoint + FromJson>(
        client: &Client,
        parts: Value,
        options: &CallOptions,
    ) -> Result<Answer, Error> {
        Ok(Answer::File(
            client.fetch(&E::from_json(parts)?, options).await?,
        ))
    }

    /// The error for a name no API has.
    pub fn unknown(name: &str) -> Error {
        Error::InvalidRequest(format!("no API is named `{name}`"))
    }

    /// A JSON body as [`FromJson`].
    pub fn json_body<B: DeserializeOwned>(value: Value) -> Result<B, Error> {
        serde_json::from_value(value).map_err(|e| Error::InvalidRequest(format!("`body`: {e}")))
    }
}

/// Gives a generated request type its [`Endpoint`] (or, with `-> file`, [`FileEndpoint`]) impl:
/// the method and path template, the accepted tokens, optionally the documented rate limits
/// (`rate: [N / second, N / minute, N / hour]`, see [`RateLimit`](crate::api::RateLimit)), which
/// fields are path and query parameters (`ident: "wire name"` where they differ), which query
/// parameters are required, and how the `body` field is sent (`json`, `form`, or `none` for no
/// body).
///
/// ```
/// use lark_runtime::api::{self, Endpoint};
///
/// #[derive(Default)]
/// pub struct Request {
///     pub chat_id: String,
///     pub user_id_type: Option<String>,
/// }
/// api::endpoint!(Request -> serde_json::Value {
///     GET "/open-apis/im/v1/chats/:chat_id",
///     tokens: [Tenant, User],
///     rate: [1000 / minute, 50 / second],
///     path: { chat_id },
///     query: { user_id_type },
///     required: {},
///     body: none,
/// });
///
/// let request = Request { chat_id: "oc_1".into(), user_id_type: Some("open_id".into()) };
/// assert!(request.to_request().is_ok());
/// assert!(Request::default().to_request().is_err()); // the path parameter is empty
/// ```
#[doc(hidden)]
#[macro_export]
macro_rules! __api_endpoint {
    ($request:ident -> file { $($spec:tt)* }) => {
        impl $crate::api::FileEndpoint for $request {
            fn to_request(&self) -> ::core::result::Result<$crate::api::Request, $crate::api::Error> {
                $crate::__api_request!(self, $($spec)*)
            }
        }
        $crate::__api_from_json!($request { $($spec)* });
    };
    ($request:ident -> $response:ty { $($spec:tt)* }) => {
        impl $crate::api::Endpoint for $request {
            type Response = $response;

            fn to_request(&self) -> ::core::result::Result<$crate::api::Request, $crate::api::Error> {
                $crate::__api_request!(self, $($spec)*)
            }
        }
        $crate::__api_from_json!($request { $($spec)* });
    };
}

/// The body of `to_request` for [`endpoint!`](crate::api::endpoint).
#[doc(hidden)]
#[macro_export]
macro_rules! __api_request {
    ($self:ident, $method:ident $path:literal,
        tokens: [$($token:ident),* $(,)?],
        $(rate: [$($calls:literal / $unit:ident),* $(,)?],)?
        path: { $($param:ident $(: $param_wire:literal)?),* $(,)? },
        query: { $($query:ident $(: $query_wire:literal)?),* $(,)? },
        required: { $($required:ident),* $(,)? },
        body: $body:ident $(,)?
    ) => {{
        use $crate::api::__private as p;
        $(p::required(stringify!($required), &$self.$required)?;)*
        let request = $crate::api::Request::new(p::Method::$method, $path)
            .tokens(&[$(p::TokenType::$token),*]);
        $(let request = request.rate_limits({
            const LIMITS: &[$crate::api::RateLimit] =
                &[$($crate::__api_rate!($calls / $unit)),*];
            LIMITS
        });)?
        $(let request = p::path(request, $crate::__wire_name!($param $($param_wire)?), &$self.$param)?;)*
        $(let request = p::query(request, $crate::__wire_name!($query $($query_wire)?), &$self.$query)?;)*
        $crate::__api_body!($self, request, $body)
    }};
}

/// The [`FromJson`] impl of a request type, for [`endpoint!`](crate::api::endpoint).
#[doc(hidden)]
#[macro_export]
macro_rules! __api_from_json {
    ($request:ident { $method:ident $path:literal,
        tokens: [$($token:ident),* $(,)?],
        $(rate: [$($calls:literal / $unit:ident),* $(,)?],)?
        path: { $($param:ident $(: $param_wire:literal)?),* $(,)? },
        query: { $($query:ident $(: $query_wire:literal)?),* $(,)? },
        required: { $($required:ident),* $(,)? },
        body: $body:ident $(,)?
    }) => {
        impl $crate::api::FromJson for $request {
            fn from_json(
                value: $crate::wire::__private::serde_json::Value,
            ) -> ::core::result::Result<Self, $crate::api::Error> {
                use $crate::api::__private as p;
                let mut object = p::object(value)?;
                let mut request = <Self as ::core::default::Default>::default();
                $(p::read(&mut object, $crate::__wire_name!($param $($param_wire)?), &mut request.$param)?;)*
                $(p::read(&mut object, $crate::__wire_name!($query $($query_wire)?), &mut request.$query)?;)*
                $crate::__api_body_from!(object, request, $body);
                ::core::result::Result::Ok(request)
            }
        }
    };
}

/// One rate limit of [`endpoint!`](crate::api::endpoint): `N / second`, `N / minute`, `N / hour`.
#[doc(hidden)]
#[macro_export]
macro_rules! __api_rate {
    ($calls:literal / second) => {
        $crate::api::RateLimit::per_second($calls)
    };
    ($calls:literal / minute) => {
        $crate::api::RateLimit::per_minute($calls)
    };
    ($calls:literal / hour) => {
        $crate::api::RateLimit::per_hour($calls)
    };
}

/// How [`endpoint!`](crate::api::endpoint) sends the `body` field.
#[doc(hidden)]
#[macro_export]
macro_rules! __api_body {
    ($self:ident, $request:ident, none) => {
        ::core::result::Result::Ok($request)
    };
    ($self:ident, $request:ident, json) => {
        $crate::api::__private::json($request, &$self.body)
    };
    ($self:ident, $request:ident, form) => {
        $crate::api::__private::form($request, &$self.body)
    };
}

/// How [`FromJson`] reads the `body` field.
#[doc(hidden)]
#[macro_export]
macro_rules! __api_body_from {
    ($object:ident, $request:ident, none) => {};
    ($object:ident, $request:ident, json) => {
        if let ::core::option::Option::Some(body) = $object.remove("body") {
            $request.body = $crate::api::__private::json_body(body)?;
        }
    };
    ($object:ident, $request:ident, form) => {
        $request.body = $crate::api::__private::read_body(&mut $object)?;
    };
}

/// The catalog of a generated API crate: every API by its module path, so that any API can be
/// called by name with JSON (`service::version::resource::method` and an object of its path and
/// query parameters and `body`, as [`FromJson`] reads it). Each entry is `"name" => Request: json`
/// (or `: file`), with the `#[cfg]` of its service.
///
/// ```
/// mod catalog {
///     #[derive(Default)]
///     pub struct Request {
///         pub chat_id: String,
///     }
///     lark_runtime::api::endpoint!(Request -> serde_json::Value {
///         GET "/open-apis/im/v1/chats/:chat_id",
///         tokens: [Tenant],
///         path: { chat_id },
///         query: {},
///         required: {},
///         body: none,
///     });
///     lark_runtime::api::catalog!("im::v1::chat::get" => Request: json);
/// }
/// assert_eq!(catalog::names(), ["im::v1::chat::get"]);
/// ```
#[doc(hidden)]
#[macro_export]
macro_rules! __api_catalog {
    ($($(#[$attr:meta])* $name:literal => $request:path : $kind:ident),* $(,)?) => {
        /// The name of every API this crate was built with (its enabled services).
        pub fn names() -> ::std::vec::Vec<&'static str> {
            #[allow(unused_mut)]
            let mut names = ::std::vec::Vec::new();
            $($(#[$attr])* names.push($name);)*
            names
        }

        /// Calls the API named `name` (see `names()`) with a JSON object of its path and query
        /// parameters by name and its body under `body`.
        pub async fn call(
            client: &$crate::api::Client,
            name: &str,
            parts: $crate::wire::__private::serde_json::Value,
            options: &$crate::api::CallOptions,
        ) -> ::core::result::Result<$crate::api::Answer, $crate::api::Error> {
            #[allow(unused_imports)]
            use $crate::api::__private as p;
            match name {
                $($(#[$attr])* $name => $crate::__api_catalog_call!($kind, $request, client, parts, options),)*
                _ => {
                    let _ = (client, parts, options);
                    ::core::result::Result::Err(p::unknown(name))
                }
            }
        }
    };
}

/// One arm of [`catalog!`](crate::api::catalog): each call's future is boxed, so that the catalog's
/// own future stays small however many APIs it has.
#[doc(hidden)]
#[macro_export]
macro_rules! __api_catalog_call {
    (json, $request:path, $client:ident, $parts:ident, $options:ident) => {
        ::std::boxed::Box::pin(p::send_json::<$request>($client, $parts, $options)).await
    };
    (file, $request:path, $client:ident, $parts:ident, $options:ident) => {
        ::std::boxed::Box::pin(p::fetch_json::<$request>($client, $parts, $options)).await
    };
}

/// Gives a generated paginated request type its [`Paginated`] impl: the list's name in `data` and
/// its item type.
///
/// ```
/// use lark_runtime::api::{self, Paginated};
///
/// #[derive(Default)]
/// pub struct Request {
///     pub page_token: Option<String>,
/// }
/// api::endpoint!(Request -> serde_json::Value {
///     GET "/open-apis/im/v1/chats",
///     tokens: [Tenant],
///     path: {},
///     query: { page_token },
///     required: {},
///     body: none,
/// });
/// api::pages!(Request: "items" => serde_json::Value);
/// assert_eq!(<Request as Paginated>::ITEMS, "items");
/// ```
#[doc(hidden)]
#[macro_export]
macro_rules! __api_pages {
    ($request:ident : $items:literal => $item:ty) => {
        impl $crate::api::Paginated for $request {
            type Item = $item;
            const ITEMS: &'static str = $items;
        }
    };
}

/// Gives a generated `multipart/form-data` body its [`Form`] impl: text fields (sent as their
/// JSON text) and file fields (`name: file`), in order; `ident: "wire name"` where they differ.
///
/// ```
/// use lark_runtime::api::{self, File, Form};
///
/// #[derive(Default)]
/// pub struct Body {
///     pub image_type: Option<String>,
///     pub image: Option<File>,
/// }
/// api::form!(Body { image_type, image: file });
///
/// let body = Body { image_type: Some("message".into()), image: Some(File::new("a.png", vec![1])) };
/// assert!(body.to_multipart().is_ok());
/// ```
#[doc(hidden)]
#[macro_export]
macro_rules! __api_form {
    ($name:ident { $($field:ident $(: $kind:ident $($wire:literal)?)?),* $(,)? }) => {
        impl $crate::api::Form for $name {
            fn to_multipart(&self) -> ::core::result::Result<$crate::api::Multipart, $crate::api::Error> {
                let form = $crate::api::Multipart::new();
                $(let form = $crate::__api_form_field!(self, form, $field $(: $kind $($wire)?)?);)*
                ::core::result::Result::Ok(form)
            }
        }

        impl $crate::api::FromJson for $name {
            fn from_json(
                value: $crate::wire::__private::serde_json::Value,
            ) -> ::core::result::Result<Self, $crate::api::Error> {
                let mut object = $crate::api::__private::object(value)?;
                let mut form = <Self as ::core::default::Default>::default();
                $($crate::__api_form_read!(object, form, $field $(: $kind $($wire)?)?);)*
                ::core::result::Result::Ok(form)
            }
        }
    };
}

/// Reads one field of [`form!`](crate::api::form) from JSON.
#[doc(hidden)]
#[macro_export]
macro_rules! __api_form_read {
    ($object:ident, $form:ident, $field:ident) => {
        $crate::api::__private::read(&mut $object, stringify!($field), &mut $form.$field)?
    };
    ($object:ident, $form:ident, $field:ident : text $wire:literal) => {
        $crate::api::__private::read(&mut $object, $wire, &mut $form.$field)?
    };
    ($object:ident, $form:ident, $field:ident : file) => {
        $form.$field = $crate::api::__private::read_file(&mut $object, stringify!($field))
    };
    ($object:ident, $form:ident, $field:ident : file $wire:literal) => {
        $form.$field = $crate::api::__private::read_file(&mut $object, $wire)
    };
}

/// One field of [`form!`](crate::api::form).
#[doc(hidden)]
#[macro_export]
macro_rules! __api_form_field {
    ($self:ident, $form:ident, $field:ident) => {
        $crate::api::__private::text($form, stringify!($field), &$self.$field)?
    };
    ($self:ident, $form:ident, $field:ident : text $wire:literal) => {
        $crate::api::__private::text($form, $wire, &$self.$field)?
    };
    ($self:ident, $form:ident, $field:ident : file) => {
        $crate::api::__private::file($form, stringify!($field), &$self.$field)
    };
    ($self:ident, $form:ident, $field:ident : file $wire:literal) => {
        $crate::api::__private::file($form, $wire, &$self.$field)
    };
}
