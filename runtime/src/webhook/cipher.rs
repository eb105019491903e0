//! AES-256-CBC with the key SHA-256(encrypt key), the IV as the first 16 bytes, PKCS#7 padding.

use aes::cipher::block_padding::Pkcs7;
use aes::cipher::{BlockDecryptMut, BlockEncryptMut, KeyIvInit};
use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::Engine as _;
use sha2::{Digest, Sha256};

const BLOCK: usize = 16;

/// Standard base64 that accepts a missing `=` padding (the payload is authenticated elsewhere).
const BASE64: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// The app's encrypt key: the text (signatures use it as is) and the AES key derived from it.
#[derive(Clone)]
pub struct EncryptKey {
    text: String,
    aes_key: [u8; 32],
}

impl std::fmt::Debug for EncryptKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("EncryptKey(..)")
    }
}

/// Why an `encrypt` field could not be decrypted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecryptError {
    /// `encrypt` is not standard base64.
    #[error("encrypt is not valid base64")]
    Base64,
    /// The decoded bytes are not a 16-byte IV followed by whole 16-byte blocks.
    #[error("ciphertext length {0} is not a 16-byte IV plus whole 16-byte blocks")]
    Length(usize),
    /// The last block does not end in valid PKCS#7 padding (usually: the wrong encrypt key).
    #[error("bad padding after decryption (wrong encrypt key?)")]
    Padding,
}

impl EncryptKey {
    /// Derives the AES-256 key as SHA-256 of the UTF-8 encrypt key.
    pub fn new(text: impl Into<String>) -> Self {
        let text = text.into();
        let aes_key = Sha256::digest(text.as_bytes()).into();
        Self { text, aes_key }
    }

    /// The encrypt key as configured (part of the signed content).
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Decrypts the base64 `encrypt` field of a body into the plaintext bytes.
    pub fn decrypt(&self, encrypt: &str) -> Result<Vec<u8>, DecryptError> {
        let mut bytes = BASE64
            .decode(encrypt.trim())
            .map_err(|_| DecryptError::Base64)?;
        if bytes.len() < 2 * BLOCK || bytes.len() % BLOCK != 0 {
            return Err(DecryptError::Length(bytes.len()));
        }
        // Decrypted in place, then the plaintext moved over the IV: one buffer for the whole body.
        let (iv, ciphertext) = bytes.split_at_mut(BLOCK);
        let plaintext_len = cbc::Decryptor::<aes::Aes256>::new(&self.aes_key.into(), (&*iv).into())
            .decrypt_padded_mut::<Pkcs7>(ciphertext)
            .map_err(|_| DecryptError::Padding)?
            .len();
        bytes.copy_within(BLOCK..BLOCK + plaintext_len, 0);
        bytes.truncate(plaintext_len);
        Ok(bytes)
    }

    /// Encrypts `plaintext` as the platform does: base64(iv ‖ AES-256-CBC(plaintext, PKCS#7)).
    /// Useful to test a receiver; the platform picks a random `iv` per message.
    pub fn encrypt(&self, plaintext: &[u8], iv: [u8; BLOCK]) -> String {
        let ciphertext = cbc::Encryptor::<aes::Aes256>::new(&self.aes_key.into(), &iv.into())
            .encrypt_padded_vec_mut::<Pkcs7>(plaintext);
        let mut out = Vec::with_capacity(BLOCK + ciphertext.len());
        out.extend_from_slice(&iv);
        out.extend_from_slice(&ciphertext);
        BASE64.encode(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let key = EncryptKey::new("test key");
        let encrypt = key.encrypt(br#"{"a":1}"#, [7; 16]);
        assert_eq!(key.decrypt(&encrypt).unwrap(), br#"{"a":1}"#);
    }

    #[test]
    fn wrong_key_is_a_padding_error_or_garbage_never_a_panic() {
        let encrypt = EncryptKey::new("right").encrypt(b"hello world", [1; 16]);
        match EncryptKey::new("wrong").decrypt(&encrypt) {
            Err(DecryptError::Padding) => {}
            Ok(plain) => assert_ne!(plain, b"hello world"),
            Err(other) => panic!("unexpected {other}"),
        }
    }

    #[test]
    fn bad_inputs_have_distinct_reasons() {
        let key = EncryptKey::new("k");
        assert_eq!(key.decrypt("***"), Err(DecryptError::Base64));
        assert_eq!(
            key.decrypt(&BASE64.encode([0u8; 16])),
            Err(DecryptError::Length(16))
        );
        assert_eq!(
            key.decrypt(&BASE64.encode([0u8; 40])),
            Err(DecryptError::Length(40))
        );
    }

    #[test]
    fn debug_does_not_print_the_key() {
        assert!(!format!("{:?}", EncryptKey::new("secret")).contains("secret"));
    }
}
