//! The request signature: `hex(sha256(timestamp ‖ nonce ‖ encrypt_key ‖ raw body))`.

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// Header with the request's Unix time in seconds.
pub const TIMESTAMP_HEADER: &str = "x-lark-request-timestamp";
/// Header with the request's random nonce.
pub const NONCE_HEADER: &str = "x-lark-request-nonce";
/// Header with the hex signature.
pub const SIGNATURE_HEADER: &str = "x-lark-signature";

/// The three signature headers of a request, each as sent (or absent).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SignatureHeaders<'a> {
    /// `X-Lark-Request-Timestamp`.
    pub timestamp: Option<&'a str>,
    /// `X-Lark-Request-Nonce`.
    pub nonce: Option<&'a str>,
    /// `X-Lark-Signature`.
    pub signature: Option<&'a str>,
}

impl<'a> SignatureHeaders<'a> {
    /// Reads the three headers through `lookup`, which receives lowercase header names.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<&'a str>) -> Self {
        Self {
            timestamp: lookup(TIMESTAMP_HEADER),
            nonce: lookup(NONCE_HEADER),
            signature: lookup(SIGNATURE_HEADER),
        }
    }
}

/// The lowercase hex signature of a request, as the platform computes it.
pub fn sign(timestamp: &str, nonce: &str, encrypt_key: &str, body: &[u8]) -> String {
    hex::encode(digest(timestamp, nonce, encrypt_key, body))
}

/// Whether `signature` (hex, any case) matches, compared in constant time over the raw body bytes.
pub fn verify(
    timestamp: &str,
    nonce: &str,
    encrypt_key: &str,
    body: &[u8],
    signature: &str,
) -> bool {
    let mut given = [0u8; 32];
    if hex::decode_to_slice(signature.trim(), &mut given).is_err() {
        return false;
    }
    digest(timestamp, nonce, encrypt_key, body)
        .ct_eq(&given)
        .into()
}

fn digest(timestamp: &str, nonce: &str, encrypt_key: &str, body: &[u8]) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(timestamp.as_bytes());
    hasher.update(nonce.as_bytes());
    hasher.update(encrypt_key.as_bytes());
    hasher.update(body);
    hasher.finalize().into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_matches_sha256_of_the_concatenation() {
        let expected = hex::encode(Sha256::digest(b"1700000000noncekey{\"a\":1}"));
        assert_eq!(sign("1700000000", "nonce", "key", br#"{"a":1}"#), expected);
    }

    #[test]
    fn verify_accepts_the_signature_in_either_case_and_nothing_else() {
        let good = sign("1", "n", "k", b"body");
        assert!(verify("1", "n", "k", b"body", &good));
        assert!(verify("1", "n", "k", b"body", &good.to_uppercase()));
        assert!(
            !verify("1", "n", "k", b"body ", &good),
            "raw bytes, not re-serialized"
        );
        assert!(!verify("2", "n", "k", b"body", &good));
        assert!(!verify("1", "n", "k", b"body", &good[..62]));
        assert!(!verify("1", "n", "k", b"body", "not hex"));
        assert!(!verify("1", "n", "k", b"body", ""));
    }
}
