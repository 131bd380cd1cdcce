//! Signed callbacks as KIE sends them: a body and the values of its two
//! signature headers, made with the one signer ([`kie_suno_types::signature`]).

use std::time::{SystemTime, UNIX_EPOCH};

use bytes::Bytes;
pub use kie_suno_types::signature::{sign, Signer, SIGNATURE_HEADER, TIMESTAMP_HEADER};

/// Seconds since the Unix epoch, as `X-Webhook-Timestamp` carries them (0 if the
/// clock is before the epoch).
pub fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// The two signature headers of a callback for `task_id` signed at `timestamp`
/// (Unix seconds): `(name, value)` pairs, the timestamp first, names lowercase.
pub fn signature_headers(
    signer: &Signer,
    task_id: &str,
    timestamp: u64,
) -> [(&'static str, String); 2] {
    [
        (TIMESTAMP_HEADER, timestamp.to_string()),
        (SIGNATURE_HEADER, signer.sign(task_id, timestamp)),
    ]
}

/// A callback ready to send: its body and the values of its signature headers.
///
/// The header values are kept as the text that is sent, so a load generator
/// sending the same request many times does not format them again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedCallback {
    /// The JSON body.
    pub body: Bytes,
    /// The value of `X-Webhook-Timestamp` (decimal Unix seconds).
    pub timestamp: String,
    /// The value of `X-Webhook-Signature` (Base64 of the HMAC).
    pub signature: String,
}

impl SignedCallback {
    /// `body` signed for `task_id` at `timestamp` (Unix seconds). The signature
    /// covers the task id and the timestamp only, as KIE's does: the task id is
    /// not read from the body, so a test can sign a body for another task.
    pub fn new(signer: &Signer, task_id: &str, timestamp: u64, body: impl Into<Bytes>) -> Self {
        let [(_, timestamp), (_, signature)] = signature_headers(signer, task_id, timestamp);
        Self {
            body: body.into(),
            timestamp,
            signature,
        }
    }

    /// The signature headers as `(name, value)` pairs, the timestamp first.
    pub fn headers(&self) -> [(&'static str, &str); 2] {
        [
            (TIMESTAMP_HEADER, self.timestamp.as_str()),
            (SIGNATURE_HEADER, self.signature.as_str()),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_carry_the_signers_signature() {
        // printf '%s' "3b66882fde0a5d398bd269cab6d9542b.1769670760" \
        //   | openssl dgst -sha256 -hmac "kie-sim-test-key" -binary | base64
        let signer = Signer::new(b"kie-sim-test-key");
        let cb = SignedCallback::new(
            &signer,
            "3b66882fde0a5d398bd269cab6d9542b",
            1_769_670_760,
            "{}",
        );
        assert_eq!(
            cb.headers(),
            [
                ("x-webhook-timestamp", "1769670760"),
                (
                    "x-webhook-signature",
                    "ZuSMyzWqPmJhG6Aw/5qBzJTOC6PwpBLglP/D5BqoRSg="
                ),
            ]
        );
        assert_eq!(&cb.body[..], b"{}");
    }
}
