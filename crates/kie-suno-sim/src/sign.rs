//! KIE's callback signature: `base64(HMAC-SHA256(key, task_id + "." + timestamp))`.

use base64::Engine as _;
use hmac::{Hmac, Mac};
use secrecy::{ExposeSecret, SecretString};
use sha2::Sha256;

/// The header carrying the Unix timestamp (seconds) a callback was signed at.
pub const TIMESTAMP_HEADER: &str = "X-Webhook-Timestamp";
/// The header carrying the signature.
pub const SIGNATURE_HEADER: &str = "X-Webhook-Signature";

/// Signs a callback the way KIE does: HMAC-SHA256 keyed with the UTF-8 bytes of the
/// webhook HMAC key over `"{task_id}.{timestamp}"`, then standard base64 with padding.
///
/// The body is not covered: KIE signs only the task id and the timestamp.
///
/// ```
/// use secrecy::SecretString;
/// let key = SecretString::from("kie-sim-test-key");
/// let sig = kie_suno_sim::sign(&key, "3b66882fde0a5d398bd269cab6d9542b", 1769670760);
/// assert_eq!(sig, "ZuSMyzWqPmJhG6Aw/5qBzJTOC6PwpBLglP/D5BqoRSg=");
/// ```
pub fn sign(key: &SecretString, task_id: &str, timestamp: i64) -> String {
    // HMAC accepts keys of any length, so `new_from_slice` cannot fail here.
    let mut mac = match Hmac::<Sha256>::new_from_slice(key.expose_secret().as_bytes()) {
        Ok(mac) => mac,
        Err(_) => unreachable!("hmac accepts keys of any length"),
    };
    mac.update(task_id.as_bytes());
    mac.update(b".");
    mac.update(timestamp.to_string().as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}
