//! The base-URL guard: tokens go only to the platform's hosts, or to a host allowed by name.

#![cfg(feature = "api")]

mod api_support;

use api_support::{bounded, Platform, APP_ID, APP_SECRET};
use axum::Router;
use lark_runtime::api::{Client, Error, FEISHU_BASE_URL, LARK_BASE_URL};

fn build(base_url: &str, allowed: Option<&str>) -> Result<Client, Error> {
    let builder = Client::builder(APP_ID, APP_SECRET).base_url(base_url);
    match allowed {
        Some(host) => builder.allow_host(host).build(),
        None => builder.build(),
    }
}

#[test]
fn the_platform_hosts_are_accepted() {
    assert!(build(FEISHU_BASE_URL, None).is_ok());
    assert!(build(LARK_BASE_URL, None).is_ok());
}

#[test]
fn a_foreign_host_is_refused() {
    for url in [
        "https://open.feishu.cn.attacker.example",
        "https://attacker.example",
        "http://open.feishu.cn",
        "https://open.feishu.cn@attacker.example",
    ] {
        let error = build(url, None).unwrap_err();
        assert!(matches!(error, Error::Config(_)), "{url}: {error}");
        assert!(
            error.to_string().contains("allow_host") || error.to_string().contains("scheme"),
            "{url}: {error}"
        );
    }
    let error = build("https://attacker.example", Some("other.example")).unwrap_err();
    assert!(matches!(error, Error::Config(_)), "{error}");
}

#[tokio::test]
async fn a_local_server_needs_to_be_allowed_by_name() {
    bounded(async {
        let platform = Platform::start(Router::new()).await;
        let url = format!("http://{}", platform.addr);
        assert!(matches!(build(&url, None), Err(Error::Config(_))));
        assert_eq!(platform.counters.tenant_tokens(), 0);

        let client = build(&url, Some("127.0.0.1")).unwrap();
        assert_eq!(client.tenant_access_token(None).await.unwrap(), "t-1");
    })
    .await;
}

#[test]
fn empty_credentials_are_refused() {
    let error = Client::builder("", APP_SECRET).build().unwrap_err();
    assert!(matches!(error, Error::Config(_)), "{error}");
}
