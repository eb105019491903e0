//! Downloads: a file answer streamed chunk by chunk; a JSON error answer decoded as one.

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use futures_util::stream::{self, BoxStream, Stream, StreamExt};
use reqwest::header::HeaderMap;

use super::client::Client;
use super::error::Error;
use super::reply::log_id;
use super::request::{CallOptions, Request};
use super::transport::{Answer, Mode};

/// A file being downloaded: its headers now, its bytes as a stream of chunks.
pub struct Download {
    /// The answer's headers (`Content-Type`, `Content-Length`, `Content-Disposition`).
    pub headers: HeaderMap,
    /// The `X-Tt-Logid` header.
    pub log_id: Option<String>,
    chunks: BoxStream<'static, Result<Bytes, Error>>,
}

impl Download {
    /// The whole file in memory.
    pub async fn bytes(mut self) -> Result<Vec<u8>, Error> {
        let mut out = Vec::new();
        while let Some(chunk) = self.chunks.next().await {
            out.extend_from_slice(&chunk?);
        }
        Ok(out)
    }
}

impl Stream for Download {
    type Item = Result<Bytes, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.chunks.poll_next_unpin(cx)
    }
}

impl std::fmt::Debug for Download {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Download")
            .field("headers", &self.headers)
            .field("log_id", &self.log_id)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Calls a download API. The file streams without being held in memory; the timeout bounds
    /// the wait for the headers, then for each chunk. An answer whose JSON `code` is not 0 is
    /// the error it describes.
    pub async fn download(
        &self,
        request: &Request,
        options: &CallOptions,
    ) -> Result<Download, Error> {
        let limit = options.timeout.unwrap_or(self.settings().timeout);
        match self.execute(request, options, Mode::Stream).await? {
            Answer::Stream(response) => {
                let headers = response.headers().clone();
                Ok(Download {
                    log_id: log_id(&headers),
                    headers,
                    chunks: chunks(response, limit),
                })
            }
            Answer::Reply(reply) if is_file(reply.status, reply.code()) => Ok(Download {
                log_id: reply.log_id().map(str::to_owned),
                chunks: stream::iter([Ok(reply.raw)]).boxed(),
                headers: reply.headers,
            }),
            // An HTTP error or a non-zero code, which `into_success` turns into its error.
            Answer::Reply(reply) => Err(match reply.into_success() {
                Err(error) => error,
                Ok(success) => success.unexpected("neither a file nor an error".into()),
            }),
        }
    }
}

/// A JSON answer is the file itself when it succeeded and is not an error envelope.
fn is_file(status: u16, code: Option<i64>) -> bool {
    (200..300).contains(&status) && code.is_none_or(|code| code == 0)
}

/// The body's chunks, each awaited for at most `limit`.
fn chunks(
    response: reqwest::Response,
    limit: Duration,
) -> BoxStream<'static, Result<Bytes, Error>> {
    let body = response.bytes_stream().boxed();
    stream::try_unfold(body, move |mut body| async move {
        match tokio::time::timeout(limit, body.next()).await {
            Err(_) => Err(Error::Timeout { limit }),
            Ok(None) => Ok(None),
            Ok(Some(Err(e))) => Err(Error::Transport(e)),
            Ok(Some(Ok(chunk))) => Ok(Some((chunk, body))),
        }
    })
    .boxed()
}
