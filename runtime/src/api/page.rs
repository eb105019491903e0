//! Paginated APIs as a stream of items, page after page, until the platform says there are no
//! more: `has_more` false or absent, or `page_token` empty or absent. (The official Go SDK's
//! iterators loop forever on `page_token: ""`.)

use futures_util::stream::{self, Stream, TryStreamExt};
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::client::Client;
use super::error::Error;
use super::request::{CallOptions, Request};

/// The query parameter that asks for the next page.
const PAGE_TOKEN: &str = "page_token";

impl Client {
    /// Every item of a paginated API: the `items_field` array (usually `items`) of each page's
    /// `data`, fetching the next page only when the stream is polled past the current one. The
    /// first error ends the stream.
    pub fn paginate<T>(
        &self,
        request: Request,
        options: CallOptions,
        items_field: &'static str,
    ) -> impl Stream<Item = Result<T, Error>> + Send + 'static
    where
        T: DeserializeOwned + Send + 'static,
    {
        let client = self.clone();
        stream::try_unfold(Some(request), move |next| {
            let (client, options) = (client.clone(), options.clone());
            async move {
                let Some(mut request) = next else {
                    return Ok::<_, Error>(None);
                };
                let mut success = client.call_raw(&request, &options).await?;
                let mut data = success.take_data();
                let items = data.get_mut(items_field).map_or(Value::Null, Value::take);
                let items: Vec<T> = match items {
                    Value::Null => Vec::new(),
                    items => success.decode(items_field, items)?,
                };
                let has_more = data.get("has_more").and_then(Value::as_bool) == Some(true);
                let token = data.get(PAGE_TOKEN).and_then(Value::as_str).unwrap_or("");
                let next = (has_more && !token.is_empty()).then(|| {
                    request.set_query(PAGE_TOKEN, token);
                    request
                });
                Ok(Some((stream::iter(items.into_iter().map(Ok)), next)))
            }
        })
        .try_flatten()
    }
}
