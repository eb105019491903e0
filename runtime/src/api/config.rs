//! How the user sets the client up: the app, the platform's host, timeouts, retries, the cache.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::Url;

use super::cache::{MemoryCache, TokenCache};
use super::client::Client;
use super::error::Error;
use super::retry::RetryPolicy;

/// The Feishu (China) open platform.
pub const FEISHU_BASE_URL: &str = "https://open.feishu.cn";
/// The Lark (international) open platform.
pub const LARK_BASE_URL: &str = "https://open.larksuite.com";
/// How long each attempt of a call may take, by default.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// How long before its expiry a cached token is replaced, by default. The platform hands out a
/// new token once the old one has less than 30 minutes left, so any margin below that works.
pub const DEFAULT_REFRESH_MARGIN: Duration = Duration::from_secs(180);

/// The platform's hosts, which receive tokens without being allowed explicitly.
const PLATFORM_HOSTS: [&str; 2] = ["open.feishu.cn", "open.larksuite.com"];

/// How the app gets its tokens.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum AppType {
    /// A custom app (自建应用), installed in one tenant: tokens from the app id and secret.
    #[default]
    Custom,
    /// A store app (商店应用): the app token also needs the `app_ticket` the platform pushes
    /// hourly (see [`Client::set_app_ticket`]), and a tenant token needs the tenant key.
    Store,
}

/// What a built client runs with.
#[derive(Clone)]
pub(crate) struct Settings {
    pub(crate) app_id: String,
    pub(crate) app_secret: String,
    pub(crate) app_type: AppType,
    /// `scheme://host[:port]`, without a trailing slash.
    pub(crate) base_url: String,
    pub(crate) timeout: Duration,
    pub(crate) retry: RetryPolicy,
    pub(crate) refresh_margin: Duration,
    pub(crate) pacing: bool,
}

impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Settings")
            .field("app_id", &self.app_id)
            .field("app_secret", &"<redacted>")
            .field("app_type", &self.app_type)
            .field("base_url", &self.base_url)
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .field("refresh_margin", &self.refresh_margin)
            .field("pacing", &self.pacing)
            .finish()
    }
}

/// Builds a [`Client`]: `Client::builder(app_id, app_secret)…build()`.
pub struct ClientBuilder {
    settings: Settings,
    allowed_hosts: Vec<String>,
    http: Option<reqwest::Client>,
    cache: Option<Arc<dyn TokenCache>>,
}

impl ClientBuilder {
    pub(crate) fn new(app_id: String, app_secret: String) -> Self {
        Self {
            settings: Settings {
                app_id,
                app_secret,
                app_type: AppType::Custom,
                base_url: FEISHU_BASE_URL.to_owned(),
                timeout: DEFAULT_TIMEOUT,
                retry: RetryPolicy::default(),
                refresh_margin: DEFAULT_REFRESH_MARGIN,
                pacing: false,
            },
            allowed_hosts: Vec::new(),
            http: None,
            cache: None,
        }
    }

    /// Custom app (the default) or store app.
    pub fn app_type(mut self, app_type: AppType) -> Self {
        self.settings.app_type = app_type;
        self
    }

    /// The platform to call: [`FEISHU_BASE_URL`] (the default) or [`LARK_BASE_URL`]. Any other
    /// host is refused by [`ClientBuilder::build`] unless [`ClientBuilder::allow_host`] names it,
    /// so that tokens cannot leak to a mistyped or injected host.
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.settings.base_url = base_url.into();
        self
    }

    /// Allows a base URL on `host` (a private deployment, a proxy, a test server), over HTTP too.
    pub fn allow_host(mut self, host: impl Into<String>) -> Self {
        self.allowed_hosts.push(host.into());
        self
    }

    /// How long each attempt of a call may take, connection to last byte (30 s by default). For
    /// a download it bounds the wait for the headers and then for each chunk.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.settings.timeout = timeout;
        self
    }

    /// Uses this HTTP client (proxies, TLS roots, connection pool) instead of a default one.
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }

    /// Keeps tokens in `cache` instead of this client's memory (to share them between replicas).
    pub fn token_cache(mut self, cache: Arc<dyn TokenCache>) -> Self {
        self.cache = Some(cache);
        self
    }

    /// How network errors, HTTP 5xx and rate limits are retried.
    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.settings.retry = retry;
        self
    }

    /// How long before its expiry a cached token is replaced (3 minutes by default).
    pub fn refresh_margin(mut self, margin: Duration) -> Self {
        self.settings.refresh_margin = margin;
        self
    }

    /// Paces calls by the rate limits their APIs document (off by default; see
    /// [`Request::rate_limits`](super::Request::rate_limits)). Before each attempt a call waits
    /// until every limit of its API has room, counted as the platform counts (per API, app and
    /// tenant) over this client's calls; calls wait their turn in the order they come, asleep, as
    /// long as it takes (put a timeout around the call to bound it). APIs without a documented
    /// limit are not paced. A rate limit answered anyway (HTTP 429) is retried as the
    /// [`RetryPolicy`] says, and its `x-ogw-ratelimit-reset` (up to `max_rate_limit_wait`) holds
    /// the API's next calls until then.
    pub fn pacing(mut self, pacing: bool) -> Self {
        self.settings.pacing = pacing;
        self
    }

    /// The client, or why the configuration is refused.
    pub fn build(mut self) -> Result<Client, Error> {
        if self.settings.app_id.is_empty() || self.settings.app_secret.is_empty() {
            return Err(Error::Config(
                "the app id and app secret are required".into(),
            ));
        }
        self.settings.base_url = check_base_url(&self.settings.base_url, &self.allowed_hosts)?;
        let http = self.http.unwrap_or_default();
        let cache = self
            .cache
            .unwrap_or_else(|| Arc::new(MemoryCache::default()));
        Ok(Client::from_parts(self.settings, http, cache))
    }
}

/// The base URL as `scheme://host[:port]`, if it is the platform's (HTTPS) or an allowed host's.
fn check_base_url(base_url: &str, allowed_hosts: &[String]) -> Result<String, Error> {
    let url = Url::parse(base_url)
        .map_err(|e| Error::Config(format!("the base URL `{base_url}` is not a URL: {e}")))?;
    let host = url.host_str().unwrap_or_default();
    let plain = url.username().is_empty()
        && url.password().is_none()
        && url.query().is_none()
        && url.fragment().is_none()
        && url.path() == "/";
    if !plain {
        return Err(Error::Config(format!(
            "the base URL `{base_url}` must be only a scheme and host, like {FEISHU_BASE_URL}"
        )));
    }
    let platform = url.scheme() == "https" && PLATFORM_HOSTS.contains(&host);
    let allowed = matches!(url.scheme(), "https" | "http")
        && allowed_hosts.iter().any(|h| h.eq_ignore_ascii_case(host));
    if !platform && !allowed {
        return Err(Error::Config(format!(
            "the base URL `{base_url}` is not the platform's ({FEISHU_BASE_URL} or \
             {LARK_BASE_URL}); allow its host with ClientBuilder::allow_host"
        )));
    }
    Ok(url.origin().ascii_serialization())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_platform_hosts() {
        let none: &[String] = &[];
        assert_eq!(
            check_base_url(FEISHU_BASE_URL, none).unwrap(),
            FEISHU_BASE_URL
        );
        assert_eq!(
            check_base_url("https://open.larksuite.com/", none).unwrap(),
            LARK_BASE_URL
        );
    }

    #[test]
    fn refuses_other_hosts_schemes_and_parts() {
        let none: &[String] = &[];
        for url in [
            "https://open.feishu.cn.evil.com",
            "http://open.feishu.cn",
            "https://open.feishu.cn/open-apis",
            "https://user@open.feishu.cn",
            "https://open.feishu.cn?x=1",
            "ftp://open.feishu.cn",
            "open.feishu.cn",
        ] {
            assert!(check_base_url(url, none).is_err(), "{url} accepted");
        }
    }

    #[test]
    fn allowed_hosts_may_use_http_and_ports() {
        let allowed = ["127.0.0.1".to_owned()];
        assert_eq!(
            check_base_url("http://127.0.0.1:8080", &allowed).unwrap(),
            "http://127.0.0.1:8080"
        );
        assert!(check_base_url("http://127.0.0.2:8080", &allowed).is_err());
    }
}
