//! KIE's webhook signature, the one implementation every crate uses (feature `signature`).
//!
//! The scheme (04-webhook-verification): `X-Webhook-Signature =
//! base64(HMAC-SHA256(key = the key's UTF-8 bytes, message = task_id + "." +
//! X-Webhook-Timestamp))`, standard Base64 with padding. The body is **not** covered.
//!
//! [`sign`] is the pure function; [`Signer`] holds a keyed HMAC state so that a
//! verifier or a simulator signing many callbacks with one key does not re-key each time.

use std::fmt;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The timestamp header (decimal Unix seconds). HTTP header names are
/// case-insensitive; this is the lowercase form `http::HeaderName` requires.
pub const TIMESTAMP_HEADER: &str = "x-webhook-timestamp";
/// The signature header (standard Base64 of the 32-byte HMAC-SHA256).
pub const SIGNATURE_HEADER: &str = "x-webhook-signature";
/// Length of a signature header value: Base64 of a 32-byte digest, with padding.
pub const SIGNATURE_LEN: usize = 44;

type HmacSha256 = Hmac<Sha256>;

/// Computes KIE's signature header value for `task_id` signed at `timestamp`
/// (Unix seconds) with `key` (the webhook HMAC key's UTF-8 bytes).
///
/// ```
/// // echo -n "3b66882fde0a5d398bd269cab6d9542b.1769670760" \
/// //   | openssl dgst -sha256 -hmac "kie-sim-test-key" -binary | base64
/// let sig = kie_suno_types::signature::sign(b"kie-sim-test-key", "3b66882fde0a5d398bd269cab6d9542b", 1769670760);
/// assert_eq!(sig, "ZuSMyzWqPmJhG6Aw/5qBzJTOC6PwpBLglP/D5BqoRSg=");
/// ```
pub fn sign(key: &[u8], task_id: &str, timestamp: u64) -> String {
    Signer::new(key).sign(task_id, timestamp)
}

/// A webhook key ready to sign: the HMAC state keyed once. `Debug` prints
/// `[redacted]`.
#[derive(Clone)]
pub struct Signer {
    mac: HmacSha256,
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Signer([redacted])")
    }
}

impl Signer {
    /// Keys a signer with the key's bytes (HMAC accepts a key of any length).
    pub fn new(key: &[u8]) -> Self {
        let mac = match HmacSha256::new_from_slice(key) {
            Ok(mac) => mac,
            // `Hmac` implements `KeyInit` for keys of any length: this arm never runs.
            Err(_) => unreachable!("hmac accepts keys of any length"),
        };
        Self { mac }
    }

    /// The signature of `task_id` at `timestamp` (Unix seconds).
    pub fn sign(&self, task_id: &str, timestamp: u64) -> String {
        let mut out = [0u8; SIGNATURE_LEN];
        let n = self.sign_text_into(task_id, &timestamp.to_string(), &mut out);
        String::from_utf8_lossy(&out[..n]).into_owned()
    }

    /// Writes the signature of `task_id` at the timestamp exactly as it appears in
    /// the `X-Webhook-Timestamp` header into `out`, returning the length written
    /// (always [`SIGNATURE_LEN`]). Allocation-free, for verifiers.
    pub fn sign_text_into(
        &self,
        task_id: &str,
        timestamp: &str,
        out: &mut [u8; SIGNATURE_LEN],
    ) -> usize {
        let mut mac = self.mac.clone();
        mac.update(task_id.as_bytes());
        mac.update(b".");
        mac.update(timestamp.as_bytes());
        let digest = mac.finalize().into_bytes();
        STANDARD.encode_slice(digest, out).unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Vectors computed with openssl, not with this code:
    //   printf '%s' "$task.$ts" | openssl dgst -sha256 -hmac "$key" -binary | base64
    #[test]
    fn matches_openssl_vectors() {
        assert_eq!(
            sign(
                b"kie-sim-test-key",
                "3b66882fde0a5d398bd269cab6d9542b",
                1_769_670_760
            ),
            "ZuSMyzWqPmJhG6Aw/5qBzJTOC6PwpBLglP/D5BqoRSg="
        );
        assert_eq!(
            sign(b"another key, with spaces", "5c79be8e", 1_700_000_000),
            "eo2shXblZ6555gomynIYuWCNYuSHEh2h1Wt3B7c+JYI="
        );
        // A timestamp with a leading zero is signed as sent, not re-formatted.
        let mut out = [0u8; SIGNATURE_LEN];
        let n = Signer::new(b"another key, with spaces").sign_text_into(
            "5c79be8e",
            "01700000000",
            &mut out,
        );
        assert_eq!(n, SIGNATURE_LEN);
        assert_ne!(
            &out[..],
            "eo2shXblZ6555gomynIYuWCNYuSHEh2h1Wt3B7c+JYI=".as_bytes()
        );
    }

    #[test]
    fn debug_is_redacted() {
        let s = format!("{:?}", Signer::new(b"very-secret-key"));
        assert!(!s.contains("very-secret"), "{s}");
    }
}
