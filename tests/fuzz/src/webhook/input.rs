//! What an input means. Its first byte, modulo 8, chooses the endpoint and how the rest is sent:
//!
//! - bit 0: the endpoint checks the verification token
//!   [`TOKEN`](super::endpoints::TOKEN);
//! - bits 1–2: `0` plain: the rest is the body, unsigned, to an endpoint without an encrypt key;
//!   `1` signed: the rest is the body, signed now with [`KEY`]; `2` encrypted: the rest is the
//!   plaintext, sent as `{"encrypt":…}` and signed; `3` raw: the rest is the request as given, a
//!   line `METHOD PATH`, header lines `name: value`, an empty line and the body. Signed, encrypted
//!   and raw requests go to an endpoint with the encrypt key.
//!
//! So `@{…}` is a plain body, `B{…}` a signed one, `D{…}` an encrypted one and `FPOST /…` a raw
//! request; `A`, `C`, `E` and `G` are the same with the token checked.

use std::time::{SystemTime, UNIX_EPOCH};

use axum::http::{HeaderName, HeaderValue, Method, Request};
use lark_events::webhook::axum::DEFAULT_PATH;
use lark_events::webhook::{sign, EncryptKey, NONCE_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER};

use super::endpoints::KEY;

/// How the rest of the input is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sending {
    Plain,
    Signed,
    Encrypted,
    Raw,
}

/// A decoded input.
pub struct Input<'a> {
    /// Whether the endpoint has the encrypt key.
    pub encrypted: bool,
    /// Whether the endpoint checks the verification token.
    pub token: bool,
    sending: Sending,
    rest: &'a [u8],
}

impl<'a> Input<'a> {
    /// The input's parts; `None` when it is empty.
    pub fn read(data: &'a [u8]) -> Option<Self> {
        let (&first, rest) = data.split_first()?;
        let sending = match (first >> 1) & 3 {
            0 => Sending::Plain,
            1 => Sending::Signed,
            2 => Sending::Encrypted,
            _ => Sending::Raw,
        };
        Some(Self {
            encrypted: sending != Sending::Plain,
            token: first & 1 == 1,
            sending,
            rest,
        })
    }

    /// The request to send; `None` when a raw request has no valid method and path.
    pub fn request(&self) -> Option<Request<Vec<u8>>> {
        let body = match self.sending {
            Sending::Plain | Sending::Signed => self.rest.to_vec(),
            Sending::Encrypted => {
                let encrypt = EncryptKey::new(KEY).encrypt(self.rest, [7; 16]);
                serde_json::json!({ "encrypt": encrypt })
                    .to_string()
                    .into_bytes()
            }
            Sending::Raw => return raw(self.rest),
        };
        let mut request = Request::post(DEFAULT_PATH).header("content-type", "application/json");
        if self.sending != Sending::Plain {
            let timestamp = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |since| since.as_secs())
                .to_string();
            let signature = sign(&timestamp, "nonce", KEY, &body);
            request = (request.header(TIMESTAMP_HEADER, timestamp))
                .header(NONCE_HEADER, "nonce")
                .header(SIGNATURE_HEADER, signature);
        }
        request.body(body).ok()
    }
}

/// `METHOD PATH`, header lines and, after an empty line, the body. Header lines that are not a
/// valid `name: value` are left out.
fn raw(text: &[u8]) -> Option<Request<Vec<u8>>> {
    let (head, body) = match find(text, b"\n\n") {
        Some(at) => (&text[..at], &text[at + 2..]),
        None => (text, &[][..]),
    };
    let mut lines = head.split(|&b| b == b'\n');
    let (method, path) = split_once(lines.next()?, b' ')?;
    let mut builder = Request::builder()
        .method(Method::from_bytes(method).ok()?)
        .uri(std::str::from_utf8(path).ok()?);
    for line in lines {
        let Some((name, value)) = split_once(line, b':') else {
            continue;
        };
        let value = value.strip_prefix(b" ").unwrap_or(value);
        if let (Ok(name), Ok(value)) =
            (HeaderName::from_bytes(name), HeaderValue::from_bytes(value))
        {
            builder = builder.header(name, value);
        }
    }
    builder.body(body.to_vec()).ok()
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn split_once(bytes: &[u8], separator: u8) -> Option<(&[u8], &[u8])> {
    let at = bytes.iter().position(|&b| b == separator)?;
    Some((&bytes[..at], &bytes[at + 1..]))
}
