//! The endpoint request: `POST {domain}/callback/ws/endpoint` with the app's credentials.

use serde::Deserialize;

use super::config::{ClientConfigUpdate, Credentials, Options};
use super::error::{WsError, CODE_OK};

/// The path of the endpoint request.
pub(crate) const ENDPOINT_PATH: &str = "/callback/ws/endpoint";

/// Where to connect, as the endpoint answered.
#[derive(Debug, Clone)]
pub(crate) struct Endpoint {
    /// The WebSocket URL (it carries an access ticket: never logged whole).
    pub(crate) url: String,
    /// The URL without its query, for logs.
    pub(crate) display_url: String,
    /// `device_id` from the URL: the connection id.
    pub(crate) conn_id: String,
    /// `service_id` from the URL, written into every frame the client sends.
    pub(crate) service_id: i32,
    /// The configuration that came with it.
    pub(crate) config: Option<ClientConfigUpdate>,
}

#[derive(Deserialize)]
struct Response {
    #[serde(default)]
    code: i64,
    #[serde(default)]
    msg: String,
    data: Option<Data>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Data {
    #[serde(rename = "URL")]
    url: Option<String>,
    client_config: Option<ClientConfigUpdate>,
}

/// Asks the endpoint where to connect; every error names the URL or the code the server gave.
pub(crate) async fn fetch(
    http: &reqwest::Client,
    credentials: &Credentials,
    options: &Options,
) -> Result<Endpoint, WsError> {
    if credentials.app_id.is_empty() || credentials.app_secret.is_empty() {
        return Err(WsError::MissingCredentials);
    }
    let url = format!("{}{ENDPOINT_PATH}", options.domain);
    let body = serde_json::json!({
        "AppID": credentials.app_id,
        "AppSecret": credentials.app_secret,
    });
    let transport = |source| WsError::EndpointTransport {
        url: url.clone(),
        source,
    };
    let response = http
        .post(&url)
        .timeout(options.request_timeout)
        .header("locale", "zh")
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .body(body.to_string())
        .send()
        .await
        .map_err(transport)?;
    let status = response.status();
    let bytes = response.bytes().await.map_err(transport)?;
    let parsed = serde_json::from_slice::<Response>(&bytes);
    if status != reqwest::StatusCode::OK {
        let message = match parsed {
            Ok(r) if !r.msg.is_empty() => r.msg,
            _ => String::from_utf8_lossy(&bytes).chars().take(200).collect(),
        };
        return Err(WsError::EndpointStatus {
            url,
            status,
            message,
        });
    }
    let response = parsed.map_err(|e| WsError::EndpointInvalid(format!("{url}: {e}")))?;
    if response.code != CODE_OK {
        return Err(WsError::EndpointRefused {
            code: response.code,
            message: response.msg,
        });
    }
    let data = response
        .data
        .ok_or_else(|| WsError::EndpointInvalid(format!("{url}: no data")))?;
    let ws_url = data
        .url
        .filter(|u| !u.is_empty())
        .ok_or_else(|| WsError::EndpointInvalid(format!("{url}: no URL")))?;
    parse_ws_url(ws_url, data.client_config)
}

fn parse_ws_url(url: String, config: Option<ClientConfigUpdate>) -> Result<Endpoint, WsError> {
    let (display_url, query) = url.split_once('?').unwrap_or((&url, ""));
    if !(display_url.starts_with("wss://") || display_url.starts_with("ws://")) {
        return Err(WsError::EndpointInvalid(format!(
            "not a WebSocket URL: {display_url}"
        )));
    }
    let param = |name: &str| {
        query
            .split('&')
            .filter_map(|pair| pair.split_once('='))
            .find(|(key, _)| *key == name)
            .map(|(_, value)| value.to_owned())
    };
    let conn_id = param("device_id").unwrap_or_default();
    let service_id = param("service_id")
        .and_then(|s| s.parse::<i32>().ok())
        .ok_or_else(|| {
            WsError::EndpointInvalid(format!("{display_url}: no numeric service_id in the query"))
        })?;
    Ok(Endpoint {
        display_url: display_url.to_owned(),
        url,
        conn_id,
        service_id,
        config,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ws_url_gives_connection_and_service_ids() {
        let e = parse_ws_url(
            "wss://msg.example/ws/v2?fpid=1&access_key=k&service_id=33&device_id=77".into(),
            None,
        )
        .unwrap();
        assert_eq!((e.conn_id.as_str(), e.service_id), ("77", 33));
        assert_eq!(e.display_url, "wss://msg.example/ws/v2");
    }

    #[test]
    fn ws_url_without_service_id_or_scheme_is_invalid() {
        let err = parse_ws_url("wss://m/ws?device_id=1".into(), None).unwrap_err();
        assert!(err.to_string().contains("service_id"), "{err}");
        let err = parse_ws_url("https://m/ws?service_id=1".into(), None).unwrap_err();
        assert!(err.to_string().contains("not a WebSocket URL"), "{err}");
    }
}
