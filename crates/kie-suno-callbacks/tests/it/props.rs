//! Property tests (bounded for CI): arbitrary bytes and mutated documented payloads never
//! make `parse`, `callback_key` or `verify` panic, and every accepted callback round-trips
//! (parse, serialise, parse again: the same typed value).

use std::time::{Duration, UNIX_EPOCH};

use http::{HeaderMap, HeaderValue};
use kie_suno_callbacks::{
    check_task_id, foreign_family, json_depth_within, sign, verify, Keys, VerifyError,
};
use kie_suno_types::{callback_key, parse, CallbackFamily, TaskId};
use proptest::prelude::*;
use secrecy::SecretString;

const NOW: u64 = 1_769_670_760;

/// Documented callback payloads (`kie_suno_types::fixtures`, so the packaged crate
/// has them too) and their family, by upstream file-name prefix.
fn documented_callbacks() -> Vec<(CallbackFamily, Vec<u8>)> {
    let prefixes: &[(&str, CallbackFamily)] = &[
        ("lyrics-callback", CallbackFamily::Lyrics),
        ("music-callback", CallbackFamily::Music),
        ("music-extend-callback", CallbackFamily::Music),
        ("upload-cover-callback", CallbackFamily::Music),
        ("upload-extend-callback", CallbackFamily::Music),
        ("add-instrumental-callback", CallbackFamily::Music),
        ("add-vocals-callback", CallbackFamily::Music),
        ("replace-section-callback", CallbackFamily::ReplaceSection),
        ("cover-image-callback", CallbackFamily::CoverImage),
        ("wav-callback", CallbackFamily::Wav),
        ("separation-callback", CallbackFamily::Separation),
        ("midi-callback", CallbackFamily::Midi),
        ("video-callback", CallbackFamily::Video),
    ];
    let mut out = Vec::new();
    for (name, text) in kie_suno_types::fixtures::DOCUMENTED {
        if !name.ends_with(".json") {
            continue;
        }
        if let Some((_, family)) = prefixes
            .iter()
            .find(|(p, _)| name.starts_with(&format!("{p}.")))
        {
            out.push((*family, text.as_bytes().to_vec()));
        }
    }
    out.sort_by(|a, b| a.1.cmp(&b.1));
    assert!(
        out.len() >= 30,
        "found only {} documented callbacks",
        out.len()
    );
    out
}

fn keys() -> Keys {
    Keys::new([SecretString::from("prop-key".to_owned())]).unwrap()
}

fn headers_for(body: &[u8], ts: u64) -> HeaderMap {
    let mut h = HeaderMap::new();
    h.insert("x-webhook-timestamp", HeaderValue::from(ts));
    // Sign whatever task id the body carries, so verification goes past the signature
    // check and into the body whenever it can.
    let task = callback_key(body)
        .map(|k| k.task_id)
        .unwrap_or_else(|_| TaskId::new("none"));
    let sig = sign(b"prop-key", task.as_str(), ts);
    h.insert("x-webhook-signature", HeaderValue::from_str(&sig).unwrap());
    h
}

/// Parses, and when accepted, checks the round trip. Never panics by itself: any
/// panic comes from the code under test.
fn exercise(family: CallbackFamily, body: &[u8]) {
    let _ = callback_key(body);
    let _ = verify(
        body,
        &headers_for(body, NOW),
        &keys(),
        UNIX_EPOCH + Duration::from_secs(NOW),
    );
    if let Ok(cb) = parse(family, body) {
        let again = serde_json::to_vec(&cb).unwrap();
        let reparsed = parse(family, &again).unwrap_or_else(|e| {
            panic!(
                "accepted value did not re-parse: {e}\n{}",
                String::from_utf8_lossy(&again)
            )
        });
        assert_eq!(reparsed, cb, "round trip changed the value");
        assert_eq!(reparsed.task_id(), cb.task_id());
    }
}

/// A JSON mutation: replace the node at a random position with another value.
fn mutate_json(
    value: &mut serde_json::Value,
    mut pick: usize,
    replacement: serde_json::Value,
) -> bool {
    fn walk(v: &mut serde_json::Value, pick: &mut usize, rep: &serde_json::Value) -> bool {
        if *pick == 0 {
            *v = rep.clone();
            return true;
        }
        *pick -= 1;
        match v {
            serde_json::Value::Object(map) => map.values_mut().any(|c| walk(c, pick, rep)),
            serde_json::Value::Array(items) => items.iter_mut().any(|c| walk(c, pick, rep)),
            _ => false,
        }
    }
    walk(value, &mut pick, &replacement)
}

/// The nesting depth of arrays and objects, computed on the parsed value.
fn depth(v: &serde_json::Value) -> usize {
    match v {
        serde_json::Value::Array(a) => 1 + a.iter().map(depth).max().unwrap_or(0),
        serde_json::Value::Object(o) => 1 + o.values().map(depth).max().unwrap_or(0),
        _ => 0,
    }
}

fn arb_json() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::Bool),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<f64>().prop_map(serde_json::Value::from),
        ".{0,12}".prop_map(serde_json::Value::String),
        Just(serde_json::Value::String("complete".into())),
        Just(serde_json::Value::String("error".into())),
        Just(serde_json::Value::String("0.5".into())),
    ];
    leaf.prop_recursive(2, 8, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::Array),
            prop::collection::btree_map("[a-z_]{1,8}", inner, 0..4)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

#[test]
fn every_documented_callback_is_accepted_and_round_trips() {
    for (family, body) in documented_callbacks() {
        assert!(
            parse(family, &body).is_ok(),
            "{family}: {}",
            String::from_utf8_lossy(&body)
        );
        exercise(family, &body);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(body in prop::collection::vec(any::<u8>(), 0..512), fam in 0usize..8) {
        exercise(CallbackFamily::ALL[fam], &body);
        // The input checks never panic either, whatever the bytes.
        let _ = json_depth_within(&body, 3);
        let _ = foreign_family(CallbackFamily::ALL[fam], &body);
        let _ = check_task_id(&String::from_utf8_lossy(&body));
    }

    /// The depth scan agrees with the depth of the parsed value, for JSON
    /// whose strings hold brackets, quotes and backslashes.
    #[test]
    fn the_depth_scan_agrees_with_the_parsed_depth(
        value in arb_json(),
        wraps in 0usize..6,
        tricky in "[\\[\\]{}\"\\\\a]{0,8}",
        max in 0usize..10,
    ) {
        let mut v = value;
        for i in 0..wraps {
            v = if i % 2 == 0 {
                serde_json::json!([v, tricky.clone()])
            } else {
                serde_json::json!({ "k": v, "s": tricky.clone() })
            };
        }
        let text = serde_json::to_vec(&v).unwrap();
        prop_assert_eq!(json_depth_within(&text, max), depth(&v) <= max);
    }

    #[test]
    fn byte_mutations_of_documented_payloads_never_panic(
        idx in any::<prop::sample::Index>(),
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0u8..3), 1..6),
        cut in any::<Option<prop::sample::Index>>(),
    ) {
        let docs = documented_callbacks();
        let (family, body) = &docs[idx.index(docs.len())];
        let mut body = body.clone();
        for (at, byte, op) in edits {
            if body.is_empty() { break; }
            let i = at.index(body.len());
            match op {
                0 => body[i] = byte,
                1 => body.insert(i, byte),
                _ => { body.remove(i); }
            }
        }
        if let Some(c) = cut {
            body.truncate(c.index(body.len() + 1));
        }
        exercise(*family, &body);
    }

    #[test]
    fn json_mutations_of_documented_payloads_never_panic_and_round_trip(
        idx in any::<prop::sample::Index>(),
        pick in 0usize..64,
        replacement in arb_json(),
    ) {
        let docs = documented_callbacks();
        let (family, body) = &docs[idx.index(docs.len())];
        let mut value: serde_json::Value = serde_json::from_slice(body).unwrap();
        mutate_json(&mut value, pick, replacement);
        let bytes = serde_json::to_vec(&value).unwrap();
        exercise(*family, &bytes);
    }

    /// `sign` equals an HMAC computed here straight from the hmac/sha2/base64 crates
    /// (the scheme of 04-webhook-verification.md), `verify` accepts exactly that
    /// header, and a one-character change is a signature mismatch. The fixed
    /// openssl vectors in `signature.rs` pin the same scheme independently.
    #[test]
    fn signatures_match_an_independent_hmac_and_one_changed_character_fails(
        task in "[A-Za-z0-9*_-]{1,40}",
        key in "\\PC{1,40}",
        ts in (NOW - 200)..(NOW + 200),
        flip in any::<prop::sample::Index>(),
    ) {
        use base64::Engine as _;
        use hmac::Mac as _;
        let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(key.as_bytes()).unwrap();
        mac.update(format!("{task}.{ts}").as_bytes());
        let expected = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
        let secret = SecretString::from(key.clone());
        let sig = sign(key.as_bytes(), &task, ts);
        prop_assert_eq!(&sig, &expected);

        let body = serde_json::to_vec(&serde_json::json!({
            "code": 200, "msg": "ok", "data": {"callbackType": "complete", "task_id": task, "data": null}
        })).unwrap();
        let keys = Keys::new([secret]).unwrap();
        let mut h = HeaderMap::new();
        h.insert("X-Webhook-Timestamp", HeaderValue::from(ts));
        h.insert("X-Webhook-Signature", HeaderValue::from_str(&expected).unwrap());
        let now = UNIX_EPOCH + Duration::from_secs(NOW);
        let ok = verify(&body, &h, &keys, now).unwrap();
        prop_assert_eq!(ok.key.task_id.as_str(), task.as_str());
        prop_assert_eq!(ok.timestamp, ts);
        // Not the last data character (its low bits are padding) nor the final '='.
        let mut bad: Vec<char> = expected.chars().collect();
        let i = flip.index(bad.len() - 2);
        bad[i] = if bad[i] == 'A' { 'B' } else { 'A' };
        let bad: String = bad.into_iter().collect();
        h.insert("X-Webhook-Signature", HeaderValue::from_str(&bad).unwrap());
        prop_assert_eq!(verify(&body, &h, &keys, now).unwrap_err(), VerifyError::Mismatch);
    }
}
