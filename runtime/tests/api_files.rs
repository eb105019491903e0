//! Uploads and downloads against a local platform: the multipart parts as sent, a download
//! consumed while the server is still sending it, error answers and stalls.

#![cfg(feature = "api")]

mod api_support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use api_support::{answer, bounded, success, Platform};
use axum::body::{Body, Bytes};
use axum::extract::{Multipart as Form, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::Router;
use futures_util::StreamExt;
use lark_runtime::api::{CallOptions, Error, Method, Multipart, Request};
use serde_json::{json, Value};
use tokio::sync::{mpsc, oneshot};

const UPLOAD: &str = "/open-apis/im/v1/files";
const DOWNLOAD: &str = "/open-apis/im/v1/files/:file_key";

#[tokio::test]
async fn an_upload_arrives_as_multipart_with_its_parts() {
    bounded(async {
        let api = Router::new().route(
            UPLOAD,
            post(|mut form: Form| async move {
                let mut parts = Vec::new();
                while let Some(field) = form.next_field().await.unwrap() {
                    parts.push(json!({
                        "name": field.name(),
                        "file_name": field.file_name(),
                        "content_type": field.content_type(),
                        "bytes": field.bytes().await.unwrap().to_vec(),
                    }));
                }
                success(json!({"file_key": "file_v2_1", "parts": parts}))
            }),
        );
        let platform = Platform::start(api).await;
        let form = Multipart::new()
            .text("file_type", "pdf")
            .text("file_name", "report.pdf")
            .file("file", "report.pdf", Some("application/pdf"), &b"%PDF-1.7\x00\xff"[..]);
        let request = Request::new(Method::POST, UPLOAD).multipart(form);
        let response = platform
            .client()
            .call::<Value>(&request, &CallOptions::new())
            .await
            .unwrap();
        assert_eq!(response.data["file_key"], "file_v2_1");
        assert_eq!(
            response.data["parts"],
            json!([
                {"name": "file_type", "file_name": null, "content_type": null, "bytes": b"pdf"},
                {"name": "file_name", "file_name": null, "content_type": null, "bytes": b"report.pdf"},
                {
                    "name": "file",
                    "file_name": "report.pdf",
                    "content_type": "application/pdf",
                    "bytes": b"%PDF-1.7\x00\xff",
                },
            ])
        );
    })
    .await;
}

/// The server's side of a streamed download: the test releases the second chunk.
type Release = Arc<Mutex<Option<oneshot::Receiver<()>>>>;

#[tokio::test]
async fn a_download_streams_before_the_server_has_sent_it_all() {
    bounded(async {
        let (release, released) = oneshot::channel();
        let released: Release = Arc::new(Mutex::new(Some(released)));
        let api = Router::new()
            .route(
                "/open-apis/im/v1/files/{file_key}",
                get(|State(released): State<Release>| async move {
                    let released = released.lock().unwrap().take().expect("one download");
                    let (tx, rx) = mpsc::channel::<Result<Bytes, std::io::Error>>(1);
                    tokio::spawn(async move {
                        tx.send(Ok(Bytes::from_static(b"first "))).await.unwrap();
                        released.await.unwrap();
                        tx.send(Ok(Bytes::from_static(b"second"))).await.unwrap();
                    });
                    let body = Body::from_stream(tokio_stream(rx));
                    ([("content-type", "application/octet-stream")], body).into_response()
                }),
            )
            .with_state(released);
        let platform = Platform::start(api).await;
        let request = Request::new(Method::GET, DOWNLOAD).path_param("file_key", "file_v2_1");
        let mut download = platform
            .client()
            .download(&request, &CallOptions::new())
            .await
            .unwrap();
        assert_eq!(download.headers["content-type"], "application/octet-stream");
        // The second chunk exists only once the first has reached us.
        assert_eq!(download.next().await.unwrap().unwrap(), &b"first "[..]);
        release.send(()).unwrap();
        assert_eq!(download.next().await.unwrap().unwrap(), &b"second"[..]);
        assert!(download.next().await.is_none());
    })
    .await;
}

#[tokio::test]
async fn a_download_error_answer_is_the_platform_error() {
    bounded(async {
        let api = Router::new().route(
            "/open-apis/im/v1/files/{file_key}",
            get(|| async {
                answer(
                    StatusCode::BAD_REQUEST,
                    json!({"code": 234003, "msg": "File not in msg."}),
                )
            }),
        );
        let platform = Platform::start(api).await;
        let request = Request::new(Method::GET, DOWNLOAD).path_param("file_key", "missing");
        let error = platform
            .client()
            .download(&request, &CallOptions::new())
            .await
            .unwrap_err();
        assert_eq!(error.code(), Some(234003));
        assert_eq!(error.log_id(), Some(api_support::LOG_ID));
    })
    .await;
}

#[tokio::test]
async fn a_json_file_downloads_whole() {
    bounded(async {
        let api = Router::new().route(
            "/open-apis/im/v1/files/{file_key}",
            get(|| async { success(json!({"a": 1})) }),
        );
        let platform = Platform::start(api).await;
        let request = Request::new(Method::GET, DOWNLOAD).path_param("file_key", "f");
        let download = platform
            .client()
            .download(&request, &CallOptions::new())
            .await
            .unwrap();
        let bytes = download.bytes().await.unwrap();
        let value: Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(value["data"]["a"], 1);
    })
    .await;
}

#[tokio::test]
async fn a_stalled_download_chunk_is_a_timeout_error() {
    bounded(async {
        let api = Router::new().route(
            "/open-apis/im/v1/files/{file_key}",
            get(|| async {
                let (tx, rx) = mpsc::channel::<Result<Bytes, std::io::Error>>(1);
                tokio::spawn(async move {
                    tx.send(Ok(Bytes::from_static(b"partial"))).await.unwrap();
                    tokio::time::sleep(Duration::from_secs(60)).await;
                    drop(tx);
                });
                Body::from_stream(tokio_stream(rx)).into_response()
            }),
        );
        let platform = Platform::start(api).await;
        let client = platform
            .builder()
            .timeout(Duration::from_millis(200))
            .build()
            .unwrap();
        let request = Request::new(Method::GET, DOWNLOAD).path_param("file_key", "f");
        let mut download = client
            .download(&request, &CallOptions::new())
            .await
            .unwrap();
        assert_eq!(download.next().await.unwrap().unwrap(), &b"partial"[..]);
        let error = download.next().await.unwrap().unwrap_err();
        assert!(matches!(error, Error::Timeout { .. }), "{error}");
        assert!(download.next().await.is_none());
    })
    .await;
}

/// A receiver as a stream.
fn tokio_stream<T: Send + 'static>(
    rx: mpsc::Receiver<T>,
) -> impl futures_util::Stream<Item = T> + Send + 'static {
    futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|item| (item, rx))
    })
}
