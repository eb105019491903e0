//! The platform's answer, `{"code", "msg", "data", "error"}`, read without trusting it.

use bytes::Bytes;
use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::error::{ApiError, Error, ErrorDetail};

/// The header carrying the id of the request in the platform's logs.
pub(crate) const LOG_ID_HEADER: &str = "x-tt-logid";

/// How much of an unexpected body an error quotes.
const QUOTE_LIMIT: usize = 200;

/// The answer to one attempt, its body read and parsed once.
#[derive(Debug)]
pub(crate) struct Reply {
    pub(crate) status: u16,
    pub(crate) headers: HeaderMap,
    log_id: Option<String>,
    /// The body as it came.
    pub(crate) raw: Bytes,
    /// The body as a JSON object, or why it is not one.
    body: Result<Map<String, Value>, String>,
}

impl Reply {
    pub(crate) fn new(status: u16, headers: HeaderMap, raw: Bytes) -> Self {
        let body = match serde_json::from_slice::<Value>(&raw) {
            Ok(Value::Object(object)) => Ok(object),
            Ok(_) => Err(format!("the body is not a JSON object: {}", quote(&raw))),
            Err(e) => Err(format!("the body is not JSON ({e}): {}", quote(&raw))),
        };
        let log_id = log_id(&headers);
        Self {
            status,
            headers,
            log_id,
            raw,
            body,
        }
    }

    /// The body's `code`, when it has one.
    pub(crate) fn code(&self) -> Option<i64> {
        self.body.as_ref().ok()?.get("code")?.as_i64()
    }

    pub(crate) fn log_id(&self) -> Option<&str> {
        self.log_id.as_deref()
    }

    /// The body of a successful answer (`code` 0, HTTP 2xx), or the error it describes.
    pub(crate) fn into_success(self) -> Result<Success, Error> {
        let object = self.body.map_err(|reason| Error::Unexpected {
            status: self.status,
            log_id: self.log_id.clone(),
            reason,
        })?;
        let Some(code) = object.get("code").and_then(Value::as_i64) else {
            return Err(Error::Unexpected {
                status: self.status,
                log_id: self.log_id,
                reason: "the body has no integer `code`".into(),
            });
        };
        if code != 0 {
            let detail: ErrorDetail = object
                .get("error")
                .and_then(|e| serde_json::from_value(e.clone()).ok())
                .unwrap_or_default();
            let msg = object.get("msg").and_then(Value::as_str).unwrap_or("");
            return Err(ApiError {
                status: self.status,
                code,
                msg: msg.to_owned(),
                log_id: self.log_id.or_else(|| detail.log_id.clone()),
                detail,
            }
            .into());
        }
        if !(200..300).contains(&self.status) {
            return Err(Error::Unexpected {
                status: self.status,
                log_id: self.log_id,
                reason: "an HTTP error status with code 0".into(),
            });
        }
        Ok(Success {
            status: self.status,
            log_id: self.log_id,
            object,
        })
    }
}

/// A successful answer's body.
#[derive(Debug)]
pub(crate) struct Success {
    status: u16,
    pub(crate) log_id: Option<String>,
    pub(crate) object: Map<String, Value>,
}

impl Success {
    /// Decodes `value` (from this answer) as `T`, or says why it does not fit.
    pub(crate) fn decode<T: DeserializeOwned>(&self, what: &str, value: Value) -> Result<T, Error> {
        serde_json::from_value(value)
            .map_err(|e| self.unexpected(format!("{what} does not decode: {e}")))
    }

    /// An error about this answer's content.
    pub(crate) fn unexpected(&self, reason: String) -> Error {
        Error::Unexpected {
            status: self.status,
            log_id: self.log_id.clone(),
            reason,
        }
    }

    /// Takes `data`; a missing or `null` one counts as `{}`.
    pub(crate) fn take_data(&mut self) -> Value {
        match self.object.remove("data") {
            None | Some(Value::Null) => Value::Object(Map::new()),
            Some(data) => data,
        }
    }
}

/// A successful answer's `data`, decoded, with the log id of the request.
#[derive(Debug, Clone)]
pub struct Response<T> {
    /// `data`.
    pub data: T,
    /// The `X-Tt-Logid` header.
    pub log_id: Option<String>,
}

/// The `X-Tt-Logid` header.
pub(crate) fn log_id(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(LOG_ID_HEADER)?.to_str().ok()?;
    Some(value.to_owned())
}

/// The start of `body`, for an error message.
fn quote(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(&body[..body.len().min(QUOTE_LIMIT)]);
    if body.len() > QUOTE_LIMIT {
        format!("{text:?}…")
    } else {
        format!("{text:?}")
    }
}

#[cfg(test)]
mod tests {
    use reqwest::header::HeaderValue;

    use super::*;

    fn reply(status: u16, body: &str) -> Reply {
        let mut headers = HeaderMap::new();
        headers.insert(LOG_ID_HEADER, HeaderValue::from_static("log-1"));
        Reply::new(status, headers, Bytes::copy_from_slice(body.as_bytes()))
    }

    #[test]
    fn decodes_data_and_keeps_the_log_id() {
        let mut success = reply(200, r#"{"code":0,"msg":"ok","data":{"n":1}}"#)
            .into_success()
            .unwrap();
        let data = success.take_data();
        let n: serde_json::Value = success.decode("data", data).unwrap();
        assert_eq!(n["n"], 1);
        assert_eq!(success.log_id.as_deref(), Some("log-1"));
    }

    #[test]
    fn a_non_zero_code_carries_the_platform_detail() {
        let body = r#"{"code":99992402,"msg":"field validation failed","error":{
            "log_id":"body-log","field_violations":[{"field":"receive_id","description":"empty"}],
            "permission_violations":[{"type":"action_privilege_required","subject":"im:message"}]}}"#;
        let error = reply(400, body).into_success().unwrap_err();
        let api = error.api().unwrap();
        assert_eq!(
            (api.status, api.code, api.msg.as_str()),
            (400, 99992402, "field validation failed")
        );
        assert_eq!(api.log_id.as_deref(), Some("log-1"));
        assert_eq!(api.detail.field_violations[0].field, "receive_id");
        assert_eq!(api.detail.permission_violations[0].subject, "im:message");
        assert!(error.to_string().contains("field receive_id: empty"));
    }

    #[test]
    fn unexpected_bodies_are_errors_with_the_status() {
        for (status, body) in [
            (502, "<html>bad gateway</html>"),
            (200, "[1,2]"),
            (200, r#"{"msg":"no code"}"#),
            (500, r#"{"code":0}"#),
        ] {
            let error = reply(status, body).into_success().unwrap_err();
            assert!(matches!(error, Error::Unexpected { .. }), "{body}");
            assert_eq!(error.status(), Some(status));
            assert_eq!(error.log_id(), Some("log-1"));
        }
    }
}
