//! `sign` and `verify` against fixed vectors computed with openssl, and every
//! way a signature can fail.
//!
//! Each vector was computed with (KEY, TASK, TS as in the row):
//!
//! ```text
//! printf '%s' "$TASK.$TS" | openssl dgst -sha256 -hmac "$KEY" -binary | base64
//! ```
//!
//! (OpenSSL 3.0.19, C.UTF-8 locale, so a non-ASCII key is passed as its UTF-8 bytes.)

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http::{HeaderMap, HeaderName, HeaderValue};
use kie_suno_callbacks::{sign, verify, Keys, VerifyError};
use secrecy::SecretString;

struct Vector {
    key: &'static str,
    task: &'static str,
    ts: u64,
    expected: &'static str,
}

const VECTORS: &[Vector] = &[
    // printf '%s' "3b66882fde0a5d398bd269cab6d9542b.1769670760" | openssl dgst -sha256 -hmac 'kie-hmac-key-01' -binary | base64
    Vector {
        key: "kie-hmac-key-01",
        task: "3b66882fde0a5d398bd269cab6d9542b",
        ts: 1769670760,
        expected: "mv68iVgfcceiIAXVFHw8h2DoR5bAqXAk40XN/eNG1sc=",
    },
    // printf '%s' "ee9c2715375b7837f8bb51d641ff5863.1700000000" | openssl dgst -sha256 -hmac 'my webhook key with spaces' -binary | base64
    Vector {
        key: "my webhook key with spaces",
        task: "ee9c2715375b7837f8bb51d641ff5863",
        ts: 1700000000,
        expected: "loA8gwDAyOa9gVRjSli7AFaEplX+fmUqBsJ5o23RiLk=",
    },
    // printf '%s' "5c79b1f2a8d34e6f9a0b1c2d3e4f5a6b.1769670761" | openssl dgst -sha256 -hmac 'clé-sécrète-ключ-🔑' -binary | base64
    Vector {
        key: "clé-sécrète-ключ-🔑",
        task: "5c79b1f2a8d34e6f9a0b1c2d3e4f5a6b",
        ts: 1769670761,
        expected: "gGCm2eZh9PQOTACd5NGyZZsnvS5mc+2coeWevGRq4xI=",
    },
    // printf '%s' "a1b2c3d4e5f60718293a4b5c6d7e8f90.1893456000" | openssl dgst -sha256 -hmac 'A-very-long-webhook-hmac-key-that-is-longer-than-the-sha256-block-size-of-64-bytes!!' -binary | base64
    Vector {
        key: "A-very-long-webhook-hmac-key-that-is-longer-than-the-sha256-block-size-of-64-bytes!!",
        task: "a1b2c3d4e5f60718293a4b5c6d7e8f90",
        ts: 1893456000,
        expected: "eO4Viiat354YSaAki6MjccO1fzAoBw9aV67hYkMXhAQ=",
    },
    // printf '%s' "task_with_underscore-and-dash.0" | openssl dgst -sha256 -hmac 'k' -binary | base64
    Vector {
        key: "k",
        task: "task_with_underscore-and-dash",
        ts: 0,
        expected: "3yUttmxAgGINX6qL4auoy0GWVK0Boh2CaGx49vTxRKY=",
    },
    // printf '%s' "3b66882fde0a5d398bd269cab6d9542b.1769670760" | openssl dgst -sha256 -hmac 'rotated-key-2026' -binary | base64
    Vector {
        key: "rotated-key-2026",
        task: "3b66882fde0a5d398bd269cab6d9542b",
        ts: 1769670760,
        expected: "NS2DDsGwRxkb71lQXt+8Or76J1m1dqKGteEQOyH2krU=",
    },
];

/// printf '%s' "3b66882fde0a5d398bd269cab6d9542b.1769670760" | openssl dgst -sha256 -hmac 'kie-hmac-key-01' -hex
const V0_HEX: &str = "9afebc89581f71c7a22005d5147c3c8760e84796c0a97024e345cdfde346d6c7";

fn secret(s: &str) -> SecretString {
    SecretString::from(s.to_owned())
}

fn at(ts: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(ts)
}

fn body(task: &str) -> Vec<u8> {
    format!(r#"{{"code":200,"msg":"ok","data":{{"callbackType":"complete","task_id":"{task}","data":null}}}}"#)
        .into_bytes()
}

fn headers(ts: &str, sig: &str) -> HeaderMap {
    let mut h = HeaderMap::new();
    h.insert(
        HeaderName::from_bytes(b"X-Webhook-Timestamp").unwrap(),
        HeaderValue::from_str(ts).unwrap(),
    );
    h.insert(
        HeaderName::from_bytes(b"X-WEBHOOK-SIGNATURE").unwrap(),
        HeaderValue::from_str(sig).unwrap(),
    );
    h
}

fn check(v: &Vector, keys: &Keys, now: SystemTime) -> Result<usize, VerifyError> {
    verify(
        &body(v.task),
        &headers(&v.ts.to_string(), v.expected),
        keys,
        now,
    )
    .map(|ok| {
        assert_eq!(ok.key.task_id.as_str(), v.task);
        assert_eq!(ok.timestamp, v.ts);
        ok.key_index
    })
}

#[test]
fn sign_matches_openssl_vectors() {
    for v in VECTORS {
        assert_eq!(
            sign(v.key.as_bytes(), v.task, v.ts),
            v.expected,
            "key {:?}",
            v.key
        );
    }
}

#[test]
fn verify_accepts_openssl_vectors() {
    for v in VECTORS {
        let keys = Keys::new([secret(v.key)]).unwrap();
        assert_eq!(check(v, &keys, at(v.ts)), Ok(0), "key {:?}", v.key);
    }
}

#[test]
fn verify_accepts_any_of_several_keys_during_rotation() {
    let keys = Keys::new([secret("rotated-key-2026"), secret("kie-hmac-key-01")]).unwrap();
    assert_eq!(check(&VECTORS[0], &keys, at(VECTORS[0].ts)), Ok(1));
    assert_eq!(check(&VECTORS[5], &keys, at(VECTORS[5].ts)), Ok(0));
}

#[test]
fn task_id_is_read_where_each_family_spells_it() {
    let v = &VECTORS[0];
    let keys = Keys::new([secret(v.key)]).unwrap();
    let h = headers(&v.ts.to_string(), v.expected);
    for b in [
        format!(r#"{{"code":200,"data":{{"taskId":"{}"}}}}"#, v.task),
        format!(
            r#"{{"code":200,"taskId":"{}","data":{{"images":null}}}}"#,
            v.task
        ),
        // The documented generic example: top-level taskId and data.task_id.
        format!(
            r#"{{"taskId":"{0}","code":200,"msg":"Success","data":{{"task_id":"{0}","callbackType":"task_completed"}}}}"#,
            v.task
        ),
    ] {
        assert!(verify(b.as_bytes(), &h, &keys, at(v.ts)).is_ok(), "{b}");
    }
}

#[test]
fn window_edges_are_inclusive_and_configurable() {
    let v = &VECTORS[0];
    let keys = Keys::new([secret(v.key)]).unwrap();
    assert!(check(v, &keys, at(v.ts + 300)).is_ok());
    assert!(check(v, &keys, at(v.ts - 300)).is_ok());
    let narrow = keys.clone().with_window(Duration::from_secs(10));
    assert_eq!(
        check(v, &narrow, at(v.ts + 11)),
        Err(VerifyError::Stale {
            age_secs: 11,
            max_secs: 10
        })
    );
    let skew = keys.with_max_future(Duration::from_secs(0));
    assert_eq!(
        check(v, &skew, at(v.ts - 1)),
        Err(VerifyError::Future {
            ahead_secs: 1,
            max_secs: 0
        })
    );
}

#[test]
fn wrong_key_is_a_mismatch() {
    let v = &VECTORS[0];
    let keys = Keys::new([secret("kie-hmac-key-02")]).unwrap();
    assert_eq!(check(v, &keys, at(v.ts)), Err(VerifyError::Mismatch));
}

#[test]
fn a_key_differing_only_in_spacing_or_accents_is_a_mismatch() {
    let v = &VECTORS[1];
    let keys = Keys::new([secret("mywebhookkeywithspaces")]).unwrap();
    assert_eq!(check(v, &keys, at(v.ts)), Err(VerifyError::Mismatch));
    let v = &VECTORS[2];
    let keys = Keys::new([secret("cle-secrete-ключ-🔑")]).unwrap();
    assert_eq!(check(v, &keys, at(v.ts)), Err(VerifyError::Mismatch));
}

#[test]
fn hex_instead_of_base64_is_a_mismatch() {
    let v = &VECTORS[0];
    let keys = Keys::new([secret(v.key)]).unwrap();
    let r = verify(
        &body(v.task),
        &headers(&v.ts.to_string(), V0_HEX),
        &keys,
        at(v.ts),
    );
    assert_eq!(r.unwrap_err(), VerifyError::Mismatch);
}

#[test]
fn truncated_or_altered_signatures_are_mismatches() {
    let v = &VECTORS[0];
    let keys = Keys::new([secret(v.key)]).unwrap();
    let full = v.expected;
    let mut flipped = full.to_owned();
    flipped.replace_range(0..1, "n");
    let url_safe = full.replace('/', "_");
    for sig in [
        &full[..43],
        &full[..20],
        "",
        flipped.as_str(),
        url_safe.as_str(),
        &format!("{full}="),
        &format!(" {full}"),
        &format!("sha256={full}"),
    ] {
        let r = verify(
            &body(v.task),
            &headers(&v.ts.to_string(), sig),
            &keys,
            at(v.ts),
        );
        assert_eq!(r.unwrap_err(), VerifyError::Mismatch, "{sig:?}");
    }
}

#[test]
fn stale_and_future_timestamps_are_rejected() {
    let v = &VECTORS[0];
    let keys = Keys::new([secret(v.key)]).unwrap();
    assert_eq!(
        check(v, &keys, at(v.ts + 301)),
        Err(VerifyError::Stale {
            age_secs: 301,
            max_secs: 300
        })
    );
    assert_eq!(
        check(v, &keys, at(v.ts - 301)),
        Err(VerifyError::Future {
            ahead_secs: 301,
            max_secs: 300
        })
    );
}

#[test]
fn missing_duplicate_and_malformed_headers_are_rejected() {
    let v = &VECTORS[0];
    let keys = Keys::new([secret(v.key)]).unwrap();
    let ts = v.ts.to_string();
    let b = body(v.task);

    let mut h = headers(&ts, v.expected);
    h.remove("x-webhook-signature");
    assert_eq!(
        verify(&b, &h, &keys, at(v.ts)).unwrap_err(),
        VerifyError::MissingSignature
    );
    let mut h = headers(&ts, v.expected);
    h.remove("x-webhook-timestamp");
    assert_eq!(
        verify(&b, &h, &keys, at(v.ts)).unwrap_err(),
        VerifyError::MissingTimestamp
    );
    let mut h = headers(&ts, v.expected);
    h.append("x-webhook-signature", HeaderValue::from_static("AAAA"));
    assert_eq!(
        verify(&b, &h, &keys, at(v.ts)).unwrap_err(),
        VerifyError::DuplicateHeader("x-webhook-signature")
    );
    for bad in [
        "",
        "abc",
        "+1769670760",
        "1769670760.0",
        " 1769670760",
        "-1",
        "99999999999999999999",
    ] {
        let h = headers(bad, v.expected);
        assert_eq!(
            verify(&b, &h, &keys, at(v.ts)).unwrap_err(),
            VerifyError::MalformedTimestamp,
            "{bad:?}"
        );
    }
}

#[test]
fn body_task_id_differing_from_the_signed_one_is_a_mismatch() {
    let v = &VECTORS[0];
    let keys = Keys::new([secret(v.key)]).unwrap();
    let other = body("3b66882fde0a5d398bd269cab6d9542c");
    let r = verify(
        &other,
        &headers(&v.ts.to_string(), v.expected),
        &keys,
        at(v.ts),
    );
    assert_eq!(r.unwrap_err(), VerifyError::Mismatch);
}

#[test]
fn timestamp_is_signed_as_sent() {
    // A leading zero is still decimal seconds but changes the signed text.
    let v = &VECTORS[0];
    let keys = Keys::new([secret(v.key)]).unwrap();
    let r = verify(
        &body(v.task),
        &headers(&format!("0{}", v.ts), v.expected),
        &keys,
        at(v.ts),
    );
    assert_eq!(r.unwrap_err(), VerifyError::Mismatch);
}

#[test]
fn unusable_bodies_and_key_sets() {
    let v = &VECTORS[0];
    let keys = Keys::new([secret(v.key)]).unwrap();
    let h = headers(&v.ts.to_string(), v.expected);
    assert!(matches!(
        verify(b"{not json", &h, &keys, at(v.ts)),
        Err(VerifyError::BodySyntax(_))
    ));
    assert_eq!(
        verify(br#"{"code":200,"data":{}}"#, &h, &keys, at(v.ts)).unwrap_err(),
        VerifyError::MissingTaskId
    );
    assert_eq!(
        verify(&body(v.task), &h, &Keys::none(), at(v.ts)).unwrap_err(),
        VerifyError::NoKeys
    );
    assert!(matches!(
        Keys::new([secret("")]),
        Err(kie_suno_callbacks::Error::InvalidKey(_))
    ));
}
