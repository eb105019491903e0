//! Pagination against a local platform: the stream stops on `has_more: false`, on an empty
//! `page_token`, and on the first error.

#![cfg(feature = "api")]

mod api_support;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use api_support::{answer, bounded, success, Platform};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use futures_util::{StreamExt, TryStreamExt};
use lark_runtime::api::{CallOptions, Error, Method, Request};
use serde_json::{json, Value};

const PATH: &str = "/open-apis/test/v1/users";

/// The `page_token` of each request, `None` for the first.
type Seen = Arc<Mutex<Vec<Option<String>>>>;

/// The answer to the request for page `page_token`.
type Pages = fn(Option<&str>) -> Response;

/// An API answering the request for page `page_token` with `pages(page_token)`.
fn api(seen: &Seen, pages: Pages) -> Router {
    Router::new()
        .route(
            PATH,
            get(
                |State((seen, pages)): State<(Seen, Pages)>,
                 Query(query): Query<HashMap<String, String>>| async move {
                    assert_eq!(query.get("page_size").map(String::as_str), Some("2"));
                    let token = query.get("page_token").cloned();
                    seen.lock().unwrap().push(token.clone());
                    pages(token.as_deref())
                },
            ),
        )
        .with_state((seen.clone(), pages))
}

fn page(items: &[i64], has_more: bool, page_token: &str) -> Response {
    success(json!({"items": items, "has_more": has_more, "page_token": page_token}))
}

fn request() -> Request {
    Request::new(Method::GET, PATH).query("page_size", 2)
}

async fn all(platform: &Platform) -> Result<Vec<i64>, Error> {
    platform
        .client()
        .paginate::<i64>(request(), CallOptions::new(), "items")
        .try_collect()
        .await
}

fn seen(seen: &Seen) -> Vec<Option<String>> {
    seen.lock().unwrap().clone()
}

#[tokio::test]
async fn pagination_stops_on_has_more_false() {
    bounded(async {
        let tokens = Seen::default();
        let pages = |token: Option<&str>| match token {
            None => page(&[1, 2], true, "p2"),
            Some("p2") => page(&[3, 4], true, "p3"),
            // A token on the last page, as some APIs send: has_more decides.
            _ => page(&[5], false, "p4"),
        };
        let platform = Platform::start(api(&tokens, pages)).await;
        assert_eq!(all(&platform).await.unwrap(), [1, 2, 3, 4, 5]);
        let expected = [None, Some("p2".to_owned()), Some("p3".to_owned())];
        assert_eq!(seen(&tokens), expected);
    })
    .await;
}

#[tokio::test]
async fn pagination_stops_on_an_empty_page_token() {
    bounded(async {
        let tokens = Seen::default();
        let pages = |token: Option<&str>| match token {
            None => page(&[1, 2], true, "p2"),
            // has_more still true, but no token to ask for more (oapi-sdk-go#220 loops here).
            _ => page(&[3], true, ""),
        };
        let platform = Platform::start(api(&tokens, pages)).await;
        assert_eq!(all(&platform).await.unwrap(), [1, 2, 3]);
        assert_eq!(seen(&tokens), [None, Some("p2".to_owned())]);
    })
    .await;
}

#[tokio::test]
async fn pagination_stops_on_a_missing_page_token_and_missing_items() {
    bounded(async {
        let tokens = Seen::default();
        let pages = |_: Option<&str>| success(json!({"has_more": true}));
        let platform = Platform::start(api(&tokens, pages)).await;
        assert_eq!(all(&platform).await.unwrap(), Vec::<i64>::new());
        assert_eq!(seen(&tokens).len(), 1);
    })
    .await;
}

#[tokio::test]
async fn pagination_yields_the_first_error_and_ends() {
    bounded(async {
        let tokens = Seen::default();
        let pages = |token: Option<&str>| match token {
            None => page(&[1, 2], true, "p2"),
            _ => answer(
                StatusCode::BAD_REQUEST,
                json!({"code": 99991672, "msg": "Access denied"}),
            ),
        };
        let platform = Platform::start(api(&tokens, pages)).await;
        let results: Vec<Result<i64, Error>> = platform
            .client()
            .paginate::<i64>(request(), CallOptions::new(), "items")
            .collect()
            .await;
        assert_eq!(results.len(), 3);
        assert_eq!(results[0].as_ref().unwrap(), &1);
        assert_eq!(results[2].as_ref().unwrap_err().code(), Some(99991672));
        assert_eq!(seen(&tokens).len(), 2);
    })
    .await;
}

#[tokio::test]
async fn pagination_decodes_items_into_the_callers_type() {
    bounded(async {
        let tokens = Seen::default();
        let pages = |_: Option<&str>| {
            success(json!({"has_more": false, "items": [{"name": "a"}, {"name": "b"}]}))
        };
        let platform = Platform::start(api(&tokens, pages)).await;
        let names: Vec<String> = platform
            .client()
            .paginate::<Value>(request(), CallOptions::new(), "items")
            .map_ok(|item| item["name"].as_str().unwrap().to_owned())
            .try_collect()
            .await
            .unwrap();
        assert_eq!(names, ["a", "b"]);

        let error = platform
            .client()
            .paginate::<i64>(request(), CallOptions::new(), "items")
            .try_collect::<Vec<_>>()
            .await
            .unwrap_err();
        assert!(matches!(error, Error::Unexpected { .. }), "{error}");
    })
    .await;
}
