//! Tenant and app access tokens: from the cache while fresh, else fetched once for every caller
//! waiting on the same key (single flight), and evicted when the platform refuses them.
//!
//! A cache shared between processes also grants the right to fetch a token ([`TokenCache::lease`]),
//! so that one process fetches it while the others wait for it in the cache. When the cache fails,
//! tokens are kept in this process's memory until it answers again: calls go on with tokens fetched
//! here.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use serde_json::{json, Value};
use tokio::sync::OnceCell;
use tracing::Instrument;

use super::cache::{CacheError, CachedToken, MemoryCache, TokenCache};
use super::client::Client;
use super::config::AppType;
use super::error::{Error, CODES_TOKEN_INVALID};
use super::reply::Success;
use super::request::{Request, TokenType};
use super::transport::{call_span, Mode};
use crate::store::Outage;
use reqwest::Method;

/// How long a stored app ticket is used; the platform pushes a new one every hour.
const APP_TICKET_LIFETIME: Duration = Duration::from_secs(12 * 3600);

/// How long the right to fetch a token lasts: a fetch taking longer lets another process fetch
/// too, which costs a second token (both stay valid) and nothing else.
const FETCH_LEASE: Duration = Duration::from_secs(5);

/// How often a process waiting for another's fetch looks in the cache.
const LEASE_POLL: Duration = Duration::from_millis(20);

/// A fetch in progress, shared by every caller of its key.
type Flight = Arc<OnceCell<Result<CachedToken, Arc<Error>>>>;

/// The token cache, this process's memory for when it fails, and the fetches in progress.
pub(crate) struct Tokens {
    cache: Arc<dyn TokenCache>,
    /// Where tokens go while the cache fails.
    fallback: MemoryCache,
    outage: Outage,
    flights: Mutex<HashMap<String, Flight>>,
}

impl Tokens {
    pub(crate) fn new(cache: Arc<dyn TokenCache>) -> Self {
        Self {
            cache,
            fallback: MemoryCache::default(),
            outage: Outage::new(
                "the token cache",
                "tokens are kept in this process's memory",
            ),
            flights: Mutex::new(HashMap::new()),
        }
    }

    /// The flight of `key`, joined or started.
    fn join(&self, key: &str) -> Flight {
        let mut flights = self.flights.lock().unwrap_or_else(|e| e.into_inner());
        flights.entry(key.to_owned()).or_default().clone()
    }

    /// Forgets `flight` once it has landed, so that the next miss starts a new one.
    fn land(&self, key: &str, flight: &Flight) {
        let mut flights = self.flights.lock().unwrap_or_else(|e| e.into_inner());
        if flights.get(key).is_some_and(|f| Arc::ptr_eq(f, flight)) {
            flights.remove(key);
        }
    }

    /// The cached entry of `key` unless it expires within `margin`; while the cache fails, the
    /// entry kept in this process's memory.
    async fn fresh(&self, key: &str, margin: Duration) -> Option<CachedToken> {
        let entry = match self.cache.get(key).await {
            Ok(entry) => {
                self.outage.answered();
                entry
            }
            Err(error) => {
                self.outage.failed(&error);
                self.fallback.get(key).await.unwrap_or_default()
            }
        };
        entry.filter(|t| t.expires_at > SystemTime::now() + margin)
    }

    /// Stores `token` in the cache, or, when it fails, in this process's memory.
    async fn put(&self, key: &str, token: CachedToken) -> Result<(), CacheError> {
        match self.cache.put(key, token.clone()).await {
            Ok(()) => {
                self.outage.answered();
                Ok(())
            }
            Err(error) => {
                self.outage.failed(&error);
                let _infallible = self.fallback.put(key, token).await;
                Err(error)
            }
        }
    }

    /// Drops `stale` from the cache and this process's memory, the token the platform just refused.
    pub(crate) async fn evict(&self, key: &str, stale: &str) {
        match self.cache.invalidate(key, stale).await {
            Ok(()) => self.outage.answered(),
            Err(error) => self.outage.failed(&error),
        }
        let _infallible = self.fallback.invalidate(key, stale).await;
    }

    /// Takes the right to fetch the token of `key`, waiting while another process holds it and
    /// taking the token it puts in the cache, if it does before its right runs out.
    async fn turn(&self, key: &str, margin: Duration) -> Turn {
        let deadline = tokio::time::Instant::now() + FETCH_LEASE;
        loop {
            match self.cache.lease(key, FETCH_LEASE).await {
                Ok(true) => return Turn::Fetch { leased: true },
                Ok(false) => self.outage.answered(),
                Err(error) => {
                    self.outage.failed(&error);
                    return Turn::Fetch { leased: false };
                }
            }
            if tokio::time::Instant::now() >= deadline {
                return Turn::Fetch { leased: false };
            }
            tokio::time::sleep(LEASE_POLL).await;
            if let Some(token) = self.fresh(key, margin).await {
                return Turn::Cached(token);
            }
        }
    }

    /// Gives up the right to fetch `key`, taken in [`Tokens::turn`].
    async fn end_lease(&self, key: &str) {
        match self.cache.end_lease(key).await {
            Ok(()) => self.outage.answered(),
            Err(error) => self.outage.failed(&error),
        }
    }
}

/// What a process missing a token does.
enum Turn {
    /// Takes the token another process fetched.
    Cached(CachedToken),
    /// Fetches it, holding the right to (`leased`) or not (the cache failed, or the other process
    /// took too long).
    Fetch { leased: bool },
}

/// A token the client holds for a call, with the cache key to evict it by.
pub(crate) struct HeldToken {
    pub(crate) key: String,
    pub(crate) value: String,
}

impl Client {
    /// A tenant access token: `tenant_key` names the tenant of a store app (custom apps have one
    /// tenant and ignore it). Cached until shortly before it expires.
    pub async fn tenant_access_token(&self, tenant_key: Option<&str>) -> Result<String, Error> {
        Ok(self.held_tenant_token(tenant_key).await?.value)
    }

    /// The app access token. Cached until shortly before it expires.
    pub async fn app_access_token(&self) -> Result<String, Error> {
        Ok(self.held_app_token().await?.value)
    }

    /// Stores the `app_ticket` a store app receives in the `app_ticket` event (hourly), in the
    /// token cache, where a shared cache makes it available to every replica. When the cache fails
    /// the ticket is kept in this process's memory, for this process alone, and the error returned.
    pub async fn set_app_ticket(&self, ticket: impl Into<String>) -> Result<(), Error> {
        let token = CachedToken {
            value: ticket.into(),
            expires_at: SystemTime::now() + APP_TICKET_LIFETIME,
        };
        let key = self.cache_key("app_ticket", None);
        self.tokens().put(&key, token).await.map_err(Error::Cache)
    }

    /// The tenant token and its cache key.
    pub(crate) async fn held_tenant_token(
        &self,
        tenant_key: Option<&str>,
    ) -> Result<HeldToken, Error> {
        let key = match self.settings().app_type {
            AppType::Store => {
                let tenant = tenant_key.ok_or(Error::MissingTenantKey)?;
                self.cache_key("tenant_access_token", Some(tenant))
            }
            AppType::Custom => self.cache_key("tenant_access_token", None),
        };
        let fetch = || self.fetch_tenant_token(tenant_key.unwrap_or_default());
        let value = self.single_flight(&key, TokenType::Tenant, fetch).await?;
        Ok(HeldToken { key, value })
    }

    /// The app token and its cache key.
    pub(crate) async fn held_app_token(&self) -> Result<HeldToken, Error> {
        let key = self.cache_key("app_access_token", None);
        let fetch = || self.fetch_app_token();
        let value = self.single_flight(&key, TokenType::App, fetch).await?;
        Ok(HeldToken { key, value })
    }

    /// The fresh cached token of `key`, or the result of the one `fetch` all callers share.
    async fn single_flight<F, Fut>(
        &self,
        key: &str,
        kind: TokenType,
        fetch: F,
    ) -> Result<String, Error>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<CachedToken, Error>>,
    {
        let tokens = self.tokens();
        let margin = self.settings().refresh_margin;
        if let Some(token) = tokens.fresh(key, margin).await {
            return Ok(token.value);
        }
        let flight = tokens.join(key);
        let result = flight
            .get_or_init(|| async {
                // A flight that landed since the miss above has filled the cache.
                if let Some(token) = tokens.fresh(key, margin).await {
                    return Ok(token);
                }
                // Another process sharing the cache may be fetching it.
                let leased = match tokens.turn(key, margin).await {
                    Turn::Cached(token) => return Ok(token),
                    Turn::Fetch { leased } => leased,
                };
                let fetched = fetch().await.map_err(Arc::new);
                if let Ok(token) = &fetched {
                    // A failing cache keeps it in this process's memory, and says so in the log.
                    let _logged = tokens.put(key, token.clone()).await;
                }
                if leased {
                    tokens.end_lease(key).await;
                }
                fetched
            })
            .await
            .clone();
        tokens.land(key, &flight);
        result
            .map(|token| token.value)
            .map_err(|source| Error::Token { kind, source })
    }

    async fn fetch_tenant_token(&self, tenant_key: &str) -> Result<CachedToken, Error> {
        let settings = self.settings();
        if settings.app_type == AppType::Custom {
            let body = json!({ "app_id": settings.app_id, "app_secret": settings.app_secret });
            let path = "/open-apis/auth/v3/tenant_access_token/internal";
            return self.fetch_token(path, &body, "tenant_access_token").await;
        }
        // A store app's tenant token is asked for with its app token: refreshed once if refused.
        let mut refreshed = false;
        loop {
            let app = self.held_app_token().await?;
            let body = json!({ "app_access_token": app.value, "tenant_key": tenant_key });
            let path = "/open-apis/auth/v3/tenant_access_token";
            match self.fetch_token(path, &body, "tenant_access_token").await {
                Err(e)
                    if !refreshed && e.code().is_some_and(|c| CODES_TOKEN_INVALID.contains(&c)) =>
                {
                    self.tokens().evict(&app.key, &app.value).await;
                    refreshed = true;
                }
                result => return result,
            }
        }
    }

    async fn fetch_app_token(&self) -> Result<CachedToken, Error> {
        let settings = self.settings();
        if settings.app_type == AppType::Custom {
            let body = json!({ "app_id": settings.app_id, "app_secret": settings.app_secret });
            let path = "/open-apis/auth/v3/app_access_token/internal";
            return self.fetch_token(path, &body, "app_access_token").await;
        }
        let key = self.cache_key("app_ticket", None);
        let Some(ticket) = self.tokens().fresh(&key, Duration::ZERO).await else {
            self.request_app_ticket().await;
            return Err(Error::MissingAppTicket);
        };
        let body = json!({
            "app_id": settings.app_id,
            "app_secret": settings.app_secret,
            "app_ticket": ticket.value,
        });
        self.fetch_token(
            "/open-apis/auth/v3/app_access_token",
            &body,
            "app_access_token",
        )
        .await
    }

    /// Asks the platform to push the `app_ticket` event now rather than within the hour.
    async fn request_app_ticket(&self) {
        let settings = self.settings();
        let body = json!({ "app_id": settings.app_id, "app_secret": settings.app_secret });
        let result = self
            .auth_call("/open-apis/auth/v3/app_ticket/resend", &body)
            .await;
        match result {
            Ok(_) => tracing::info!("no app_ticket yet; asked the platform to push one"),
            Err(error) => tracing::warn!(%error, "no app_ticket yet, and asking for one failed"),
        }
    }

    /// Calls a token endpoint and reads the token named `field` and its `expire` (seconds).
    async fn fetch_token(
        &self,
        path: &'static str,
        body: &Value,
        field: &str,
    ) -> Result<CachedToken, Error> {
        let fetched_at = SystemTime::now();
        let mut answer = self.auth_call(path, body).await?;
        let token = answer.object.remove(field).unwrap_or(Value::Null);
        let expire = answer.object.remove("expire").unwrap_or(Value::Null);
        let value: String = answer.decode(field, token)?;
        let expire: u64 = answer.decode("expire", expire)?;
        if value.is_empty() {
            return Err(answer.unexpected(format!("{field} is empty")));
        }
        let expires_at = fetched_at
            .checked_add(Duration::from_secs(expire))
            .ok_or_else(|| answer.unexpected(format!("an expire of {expire} s is out of range")))?;
        Ok(CachedToken { value, expires_at })
    }

    /// POSTs `body` to an auth endpoint, which takes no token and answers at the top level.
    async fn auth_call(&self, path: &'static str, body: &Value) -> Result<Success, Error> {
        let request = Request::new(Method::POST, path)
            .tokens(&[])
            .idempotent(true)
            .json(body)?;
        let url = self.url(&request)?;
        let timeout = self.settings().timeout;
        self.transmit(&request, &url, None, timeout, Mode::Buffered, None)
            .instrument(call_span(&request))
            .await?
            .into_reply()?
            .into_success()
    }

    /// `lark:{what}:{app_id}[:{tenant_key}]`.
    fn cache_key(&self, what: &str, tenant_key: Option<&str>) -> String {
        let app_id = &self.settings().app_id;
        match tenant_key {
            Some(tenant) => format!("lark:{what}:{app_id}:{tenant}"),
            None => format!("lark:{what}:{app_id}"),
        }
    }
}
