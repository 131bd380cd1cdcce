//! The hostile corpus: bad deliveries (methods, paths, content types and
//! encodings, sizes, broken and non-UTF-8 bodies, malformed and deep JSON,
//! every signature and timestamp fault, shapes, task ids, families), each
//! asserted for its status, its JSON error body, the one rejection reason it
//! counts, and a store left exactly as it was (stats and a full row dump).
//!
//! Shared by `tests/it` (SQLite) and `tests/workspace` (PostgreSQL, through
//! `#[path]`), so both stores answer every case the same way. Self-contained:
//! nothing from either binary's `common`.

use std::sync::Arc;

use axum::body::Body;
use axum::Router;
use http::{HeaderValue, Request, StatusCode};
use kie_suno_callbacks::{
    Keys, Reason, ReceiverConfig, ReceiverState, Rejection, Store, StoreStats, StoredCallback,
};
use kie_suno_types::{CallbackFamily, TaskId};
use secrecy::SecretString;
use serde_json::{json, Value};
use tower::ServiceExt;

const KEY: &str = "corpus-hmac-key";
/// The lyrics task seeded before the corpus (submitted, one row).
pub const LYRICS_TASK: &str = "3e63b4cc88d52611159371f6af5571e7";
/// The music task seeded before the corpus (submitted, its `text` row).
pub const MUSIC_TASK: &str = "ee9c2715375b7837f8bb51d641ff5863";
/// A well-formed task id nobody submitted.
const UNSUBMITTED: &str = "0000000000000000000000000000dead";

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

fn documented(name: &str) -> Value {
    serde_json::from_str(kie_suno_types::fixtures::documented(name).unwrap()).unwrap()
}

/// A documented body with its task id (wherever the family puts it) replaced.
pub fn body_of(name: &str, task: &str) -> Value {
    let mut v = documented(name);
    let data = &mut v["data"];
    if data.get("taskId").is_some() {
        data["taskId"] = json!(task);
    } else {
        data["task_id"] = json!(task);
    }
    if v.get("taskId").is_some() {
        v["taskId"] = json!(task);
    }
    v
}

pub fn lyrics(task: &str) -> String {
    body_of("lyrics-callback.success.json", task).to_string()
}

pub fn music(task: &str, stage: &str) -> String {
    let mut v = body_of("music-callback.complete.json", task);
    v["data"]["callbackType"] = json!(stage);
    v.to_string()
}

pub fn key() -> SecretString {
    SecretString::from(KEY)
}

pub fn config() -> ReceiverConfig {
    ReceiverConfig::new()
        .keys(Keys::new([key()]).unwrap())
        .require_submitted(true)
}

fn sig(task: &str, ts: u64) -> [(&'static str, String); 2] {
    [
        ("x-webhook-timestamp", ts.to_string()),
        (
            "x-webhook-signature",
            kie_suno_types::signature::sign(KEY.as_bytes(), task, ts),
        ),
    ]
}

fn request(method: &str, path: &str, headers: &[(&str, HeaderValue)], body: Body) -> Request<Body> {
    let mut b = Request::builder().method(method).uri(path);
    for (n, v) in headers {
        b = b.header(*n, v.clone());
    }
    b.body(body).unwrap()
}

fn hv(s: &str) -> HeaderValue {
    HeaderValue::from_str(s).unwrap()
}

fn json_ct() -> (&'static str, HeaderValue) {
    ("content-type", hv("application/json"))
}

/// A signed JSON POST of `body` for `task`, at `ts`, plus `extra` headers.
pub fn signed_at(path: &str, body: impl Into<Body>, task: &str, ts: u64) -> Request<Body> {
    let mut h = vec![json_ct()];
    h.extend(sig(task, ts).map(|(n, v)| (n, hv(&v))));
    request("POST", path, &h, body.into())
}

pub fn signed(path: &str, body: impl Into<Body>, task: &str) -> Request<Body> {
    signed_at(path, body, task, now())
}

fn signed_with(
    path: &str,
    body: impl Into<Body>,
    task: &str,
    extra: &[(&str, HeaderValue)],
) -> Request<Body> {
    let mut h = vec![json_ct()];
    h.extend(sig(task, now()).map(|(n, v)| (n, hv(&v))));
    h.extend(extra.iter().cloned());
    request("POST", path, &h, body.into())
}

/// A POST with exactly these headers.
fn raw(path: &str, headers: &[(&str, HeaderValue)], body: impl Into<Body>) -> Request<Body> {
    request("POST", path, headers, body.into())
}

/// Request headers, in order (repeats allowed).
type Headers = Vec<(&'static str, HeaderValue)>;

struct Case {
    name: String,
    request: Request<Body>,
    status: u16,
    error: &'static str,
    reason: Reason,
}

fn case(
    name: impl Into<String>,
    request: Request<Body>,
    status: u16,
    error: &'static str,
    reason: Reason,
) -> Case {
    Case {
        name: name.into(),
        request,
        status,
        error,
        reason,
    }
}

/// A lyrics body whose task id is `task`, signed for `task`.
fn lyrics_for(task: &str) -> Request<Body> {
    signed("/callbacks/lyrics", lyrics(task), task)
}

fn cases() -> Vec<Case> {
    use Reason as R;
    let t = LYRICS_TASK;
    let good = lyrics(t);
    let ts = now();
    let mut c = Vec::new();

    // Methods.
    for m in ["GET", "PUT", "DELETE", "PATCH", "OPTIONS"] {
        let mut h = vec![json_ct()];
        h.extend(sig(t, ts).map(|(n, v)| (n, hv(&v))));
        c.push(case(
            format!("method {m}"),
            request(m, "/callbacks/lyrics", &h, Body::from(good.clone())),
            405,
            "method_not_allowed",
            R::MethodNotAllowed,
        ));
    }
    // Paths.
    for p in ["Lyrics", "lyric", "sounds", "..%2Flyrics", "lyrics%00"] {
        c.push(case(
            format!("path /callbacks/{p}"),
            signed(&format!("/callbacks/{p}"), good.clone(), t),
            404,
            "unknown_callback_family",
            R::UnknownFamily,
        ));
    }
    // Content types.
    for ct in [
        None,
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
        Some("multipart/form-data; boundary=x"),
        Some("application/jsonp"),
        Some("application/json-patch+json"),
    ] {
        let mut h: Vec<(&str, HeaderValue)> = sig(t, ts).map(|(n, v)| (n, hv(&v))).to_vec();
        if let Some(ct) = ct {
            h.push(("content-type", hv(ct)));
        }
        c.push(case(
            format!("content type {ct:?}"),
            raw("/callbacks/lyrics", &h, good.clone()),
            415,
            "unsupported_media_type",
            R::UnsupportedMediaType,
        ));
    }
    // Content encodings: the body would not be the JSON it claims to be.
    for enc in ["gzip", "br", "identity, gzip", "x-unknown"] {
        c.push(case(
            format!("content encoding {enc}"),
            signed_with(
                "/callbacks/lyrics",
                good.clone(),
                t,
                &[("content-encoding", hv(enc))],
            ),
            415,
            "unsupported_content_encoding",
            R::UnsupportedEncoding,
        ));
    }
    // Sizes.
    c.push(case(
        "declared 2 MiB",
        signed_with(
            "/callbacks/lyrics",
            good.clone(),
            t,
            &[("content-length", hv("2097152"))],
        ),
        413,
        "payload_too_large",
        R::PayloadTooLarge,
    ));
    c.push(case(
        "declared u64::MAX",
        signed_with(
            "/callbacks/lyrics",
            good.clone(),
            t,
            &[("content-length", hv("18446744073709551615"))],
        ),
        413,
        "payload_too_large",
        R::PayloadTooLarge,
    ));
    let mut big = body_of("lyrics-callback.success.json", t);
    big["padding"] = json!("x".repeat(1024 * 1024));
    c.push(case(
        "1 MiB + padding, undeclared",
        signed("/callbacks/lyrics", big.to_string(), t),
        413,
        "payload_too_large",
        R::PayloadTooLarge,
    ));
    // A body that breaks off.
    let broken = futures::stream::iter(vec![
        Ok::<_, std::io::Error>(bytes::Bytes::from_static(b"{\"code\":200,")),
        Err(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "reset",
        )),
    ]);
    c.push(case(
        "body breaks off",
        signed("/callbacks/lyrics", Body::from_stream(broken), t),
        400,
        "body_unreadable",
        R::BodyUnreadable,
    ));
    // Not UTF-8.
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(good.encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    // Inside the `msg` string, where serde would skip it unchecked.
    let at = good.find("\"msg\":\"").unwrap() + 7;
    let inserted = |bytes: &[u8]| {
        let mut b = good.clone().into_bytes();
        b.splice(at..at, bytes.iter().copied());
        b
    };
    let latin1 = inserted(&[0xE9]);
    let surrogate = inserted(&[0xED, 0xA0, 0x80]);
    let overlong = inserted(&[0xC0, 0xAF]);
    for (name, bytes) in [
        ("utf-16 with bom", utf16),
        ("latin-1 byte", latin1),
        ("cesu surrogate", surrogate),
        ("overlong slash", overlong),
    ] {
        c.push(case(
            name,
            signed("/callbacks/lyrics", bytes, t),
            400,
            "malformed_json",
            R::NotUtf8,
        ));
    }
    // Not JSON (signed, so the signature passes and the body is what fails).
    for (name, body) in [
        ("empty body", String::new()),
        ("open brace", "{".to_owned()),
        ("trailing garbage", format!("{good} x")),
        ("single quotes", good.replace('"', "'")),
        ("NaN", format!("{{\"code\":NaN,{}", &good[1..])),
        ("comment", format!("// hi\n{good}")),
        ("two documents", format!("{good}{good}")),
    ] {
        c.push(case(
            name,
            signed("/callbacks/lyrics", body, t),
            400,
            "malformed_json",
            R::MalformedJson,
        ));
    }
    // Nesting: the issue's 100,000 objects inside an unknown field, and just over
    // the limit, in an array and inside data.
    let deep = format!(
        "{{\"code\":200,\"msg\":\"ok\",\"junk\":{}1{},\"data\":{{\"callbackType\":\"complete\",\"task_id\":\"{t}\",\"data\":[]}}}}",
        "{\"a\":".repeat(100_000),
        "}".repeat(100_000)
    );
    let arrays = format!(
        "{{\"code\":200,\"x\":{}{},{}",
        "[".repeat(64),
        "]".repeat(64),
        &good[1..]
    );
    let mut in_data = body_of("lyrics-callback.success.json", t);
    in_data["data"]["extra"] =
        serde_json::from_str(&format!("{}{}", "[".repeat(63), "]".repeat(63))).unwrap();
    for (name, body) in [
        ("100000 nested objects", deep),
        ("65 levels of arrays", arrays),
        ("65 levels inside data", in_data.to_string()),
    ] {
        c.push(case(
            name,
            signed("/callbacks/lyrics", body, t),
            400,
            "json_too_deep",
            R::JsonTooDeep,
        ));
    }
    // Signatures and timestamps.
    let good_sig = kie_suno_types::signature::sign(KEY.as_bytes(), t, ts);
    let other_key = kie_suno_types::signature::sign(b"another-key", t, ts);
    let other_task = kie_suno_types::signature::sign(KEY.as_bytes(), UNSUBMITTED, ts);
    let ts_s = ts.to_string();
    let sig_cases: Vec<(&str, Headers, Reason)> = vec![
        ("no signature headers", vec![], R::SignatureMissing),
        (
            "timestamp only",
            vec![("x-webhook-timestamp", hv(&ts_s))],
            R::SignatureMissing,
        ),
        (
            "signature only",
            vec![("x-webhook-signature", hv(&good_sig))],
            R::SignatureMissing,
        ),
        (
            "wrong key",
            vec![
                ("x-webhook-timestamp", hv(&ts_s)),
                ("x-webhook-signature", hv(&other_key)),
            ],
            R::SignatureMismatch,
        ),
        (
            "signed for another task",
            vec![
                ("x-webhook-timestamp", hv(&ts_s)),
                ("x-webhook-signature", hv(&other_task)),
            ],
            R::SignatureMismatch,
        ),
        (
            "signed for another timestamp",
            vec![
                ("x-webhook-timestamp", hv(&(ts - 1).to_string())),
                ("x-webhook-signature", hv(&good_sig)),
            ],
            R::SignatureMismatch,
        ),
        (
            "truncated signature",
            vec![
                ("x-webhook-timestamp", hv(&ts_s)),
                ("x-webhook-signature", hv(&good_sig[..20])),
            ],
            R::SignatureMismatch,
        ),
        (
            "empty signature",
            vec![
                ("x-webhook-timestamp", hv(&ts_s)),
                ("x-webhook-signature", hv("")),
            ],
            R::SignatureMismatch,
        ),
        (
            "hex instead of base64",
            vec![
                ("x-webhook-timestamp", hv(&ts_s)),
                ("x-webhook-signature", hv(&"ab".repeat(32))),
            ],
            R::SignatureMismatch,
        ),
        (
            "signature with a non-ascii byte",
            vec![
                ("x-webhook-timestamp", hv(&ts_s)),
                (
                    "x-webhook-signature",
                    HeaderValue::from_bytes(b"\xffabc=").unwrap(),
                ),
            ],
            R::SignatureMismatch,
        ),
        (
            "duplicate signature",
            vec![
                ("x-webhook-timestamp", hv(&ts_s)),
                ("x-webhook-signature", hv(&good_sig)),
                ("x-webhook-signature", hv(&good_sig)),
            ],
            R::SignatureMalformed,
        ),
        (
            "duplicate timestamp",
            vec![
                ("x-webhook-timestamp", hv(&ts_s)),
                ("x-webhook-timestamp", hv(&ts_s)),
                ("x-webhook-signature", hv(&good_sig)),
            ],
            R::SignatureMalformed,
        ),
    ];
    for (name, mut h, reason) in sig_cases {
        h.push(json_ct());
        c.push(case(
            name,
            raw("/callbacks/lyrics", &h, good.clone()),
            401,
            "invalid_signature",
            reason,
        ));
    }
    for (name, stamp) in [
        ("timestamp letters", "12a".to_owned()),
        ("timestamp plus sign", format!("+{ts}")),
        ("timestamp fraction", format!("{ts}.5")),
        ("timestamp negative", "-1".to_owned()),
        ("timestamp 20 digits", "99999999999999999999".to_owned()),
        ("timestamp milliseconds", format!("{ts}000")),
        ("timestamp empty", String::new()),
    ] {
        let reason = if name == "timestamp milliseconds" {
            R::SignatureFuture
        } else {
            R::SignatureMalformed
        };
        let s = kie_suno_types::signature::sign(KEY.as_bytes(), t, 0);
        let h = vec![
            json_ct(),
            ("x-webhook-timestamp", hv(&stamp)),
            ("x-webhook-signature", hv(&s)),
        ];
        c.push(case(
            name,
            raw("/callbacks/lyrics", &h, good.clone()),
            401,
            "invalid_signature",
            reason,
        ));
    }
    // Built before they run: a stale one only gets staler, a future one is
    // kept well beyond the window so the time the corpus takes cannot matter.
    c.push(case(
        "stale by 301 s",
        signed_at("/callbacks/lyrics", good.clone(), t, ts - 301),
        401,
        "invalid_signature",
        R::SignatureStale,
    ));
    c.push(case(
        "a day old",
        signed_at("/callbacks/lyrics", good.clone(), t, ts - 86_400),
        401,
        "invalid_signature",
        R::SignatureStale,
    ));
    c.push(case(
        "an hour in the future",
        signed_at("/callbacks/lyrics", good.clone(), t, ts + 3600),
        401,
        "invalid_signature",
        R::SignatureFuture,
    ));
    // Bodies that are no callback envelope, or have no task id.
    for (name, body, reason) in [
        ("json null", "null".to_owned(), R::NotACallback),
        ("json array", "[1,2]".to_owned(), R::NotACallback),
        ("json number", "200".to_owned(), R::NotACallback),
        ("json string", "\"complete\"".to_owned(), R::NotACallback),
        (
            "code a string",
            json!({"code": "two hundred", "data": {"task_id": t}}).to_string(),
            R::NotACallback,
        ),
        (
            "task id a number",
            json!({"code": 200, "data": {"task_id": 7}}).to_string(),
            R::NotACallback,
        ),
        ("empty object", "{}".to_owned(), R::MissingTaskId),
        (
            "task id empty",
            json!({"code": 200, "data": {"task_id": ""}}).to_string(),
            R::MissingTaskId,
        ),
        (
            "task id blank",
            json!({"code": 200, "data": {"task_id": "   "}}).to_string(),
            R::MissingTaskId,
        ),
    ] {
        c.push(case(
            name,
            signed("/callbacks/lyrics", body, t),
            422,
            "invalid_callback",
            reason,
        ));
    }
    // The family's shape: a task id, but not a lyrics callback.
    for (name, body) in [
        (
            "lyrics without data.data",
            json!({"code": 200, "msg": "ok", "data": {"task_id": t}}).to_string(),
        ),
        ("item title a number", {
            let mut v = body_of("lyrics-callback.success.json", t);
            v["data"]["data"][0]["title"] = json!(5);
            v.to_string()
        }),
        ("data.data an object", {
            let mut v = body_of("lyrics-callback.success.json", t);
            v["data"]["data"] = json!({"text": 1});
            v.to_string()
        }),
    ] {
        c.push(case(
            name,
            signed("/callbacks/lyrics", body, t),
            422,
            "invalid_callback",
            R::InvalidCallback,
        ));
    }
    // Task ids that cannot be stored the same way everywhere (signed for
    // exactly that id, so only its shape is wrong).
    let mb = "a".repeat(1_000_000);
    let long = "b".repeat(129);
    for (name, task) in [
        ("1 MB task id", mb.as_str()),
        ("129-byte task id", long.as_str()),
        ("NUL in task id", "pg\u{0}nul"),
        (
            "newline and ANSI in task id",
            "ok\n2026-01-01T00:00:00Z  INFO \u{1b}[32mforged",
        ),
        ("space in task id", "task id"),
        ("tab in task id", "task\tid"),
        ("non-ascii task id", "t\u{e2}che"),
        ("DEL in task id", "task\u{7f}"),
    ] {
        c.push(case(
            name,
            lyrics_for(task),
            422,
            "invalid_task_id",
            R::InvalidTaskId,
        ));
    }
    // Families: another family's body on this route.
    let m = MUSIC_TASK;
    for (name, route, body, task) in [
        ("lyrics on video", "video", lyrics(t), t),
        ("lyrics on wav", "wav", lyrics(t), t),
        ("lyrics on music", "music", lyrics(t), t),
        ("lyrics on separation", "separation", lyrics(t), t),
        ("music on lyrics", "lyrics", music(m, "complete"), m),
        ("music on video", "video", music(m, "complete"), m),
        ("music on cover-image", "cover-image", music(m, "first"), m),
        (
            "video on wav",
            "wav",
            body_of("video-callback.complete.json", m).to_string(),
            m,
        ),
        (
            "wav on video",
            "video",
            body_of("wav-callback.complete.json", m).to_string(),
            m,
        ),
        (
            "cover image on midi",
            "midi",
            body_of("cover-image-callback.complete.json", m).to_string(),
            m,
        ),
        (
            "midi on cover-image",
            "cover-image",
            body_of("midi-callback.complete.json", m).to_string(),
            m,
        ),
        (
            "separation on video",
            "video",
            body_of("separation-callback.separate_vocal.complete.json", m).to_string(),
            m,
        ),
        (
            "replace-section error on video",
            "video",
            body_of("replace-section-callback.error.json", m).to_string(),
            m,
        ),
    ] {
        c.push(case(
            name,
            signed(&format!("/callbacks/{route}"), body, task),
            422,
            "wrong_callback_family",
            R::WrongFamily,
        ));
    }
    // Valid, but for a task this system did not submit.
    c.push(case(
        "unsubmitted task",
        lyrics_for(UNSUBMITTED),
        403,
        "unknown_task",
        R::UnknownTask,
    ));
    c
}

async fn dump(store: &dyn Store) -> (StoreStats, Vec<StoredCallback>) {
    let mut rows = Vec::new();
    for task in [
        LYRICS_TASK,
        MUSIC_TASK,
        UNSUBMITTED,
        "pg\u{0}nul",
        "task id",
    ] {
        rows.extend(
            store
                .callbacks_for(&TaskId::new(task))
                .await
                .unwrap_or_default(),
        );
    }
    (store.stats().await.unwrap(), rows)
}

/// Seeds the store through the receiver: the two tasks submitted, a lyrics
/// row and a music `text` row.
pub async fn seed(router: &Router, store: &dyn Store) {
    store
        .record_submitted(&TaskId::new(LYRICS_TASK), CallbackFamily::Lyrics)
        .await
        .unwrap();
    store
        .record_submitted(&TaskId::new(MUSIC_TASK), CallbackFamily::Music)
        .await
        .unwrap();
    for req in [
        signed("/callbacks/lyrics", lyrics(LYRICS_TASK), LYRICS_TASK),
        signed("/callbacks/music", music(MUSIC_TASK, "text"), MUSIC_TASK),
    ] {
        let res = router.clone().oneshot(req).await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
    }
}

/// Runs every case against a receiver on `store`; returns how many ran.
pub async fn run(store: Arc<dyn Store>) -> usize {
    let receiver = kie_suno_callbacks::Receiver::new(config(), Arc::clone(&store));
    let router = receiver.router();
    let state: ReceiverState = receiver.state();
    seed(&router, store.as_ref()).await;
    let cases = cases();
    assert!(cases.len() >= 60, "{} cases", cases.len());
    let before = dump(store.as_ref()).await;
    assert_eq!((before.0.callbacks, before.1.len()), (2, 2));
    for Case {
        name,
        request,
        status,
        error,
        reason,
    } in cases
    {
        let counted = state.rejections();
        let res = router.clone().oneshot(request).await.unwrap();
        let got = res.status();
        let ct = res.headers().get("content-type").cloned();
        let allow = res.headers().get("allow").cloned();
        let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
            .await
            .unwrap();
        let text = String::from_utf8_lossy(&bytes);
        assert_eq!(got.as_u16(), status, "{name}: {text}");
        assert_eq!(
            ct.as_ref().map(|v| v.as_bytes()),
            Some(&b"application/json"[..]),
            "{name}"
        );
        let body: Value =
            serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{name}: {e}: {text}"));
        let expected = Rejection::ALL
            .iter()
            .find(|r| r.code() == error)
            .unwrap_or_else(|| panic!("{name}: no rejection {error}"));
        assert_eq!(expected.status().as_u16(), status, "{name}");
        assert_eq!(
            body,
            json!({"status": "rejected", "error": error, "message": expected.message()}),
            "{name}"
        );
        if status == 405 {
            assert_eq!(
                allow.as_ref().map(|v| v.as_bytes()),
                Some(&b"POST"[..]),
                "{name}"
            );
        }
        let after = state.rejections();
        assert_eq!(
            after.total(),
            counted.total() + 1,
            "{name}: one rejection counted"
        );
        assert_eq!(
            after.get(reason),
            counted.get(reason) + 1,
            "{name}: counted as {reason}"
        );
        assert_eq!(reason.rejection().code(), error, "{name}");
        assert_eq!(
            dump(store.as_ref()).await,
            before,
            "{name}: the store changed"
        );
    }
    state.rejections().total() as usize
}

/// The documented bodies of each family (success and failure).
const FAMILY_BODIES: &[(CallbackFamily, &[&str])] = &[
    (
        CallbackFamily::Lyrics,
        &[
            "lyrics-callback.success.json",
            "lyrics-callback.failure.json",
        ],
    ),
    (
        CallbackFamily::Music,
        &[
            "music-callback.complete.json",
            "music-callback.error.json",
            "music-extend-callback.text.json",
            "music-extend-callback.first.json",
        ],
    ),
    (
        CallbackFamily::ReplaceSection,
        &[
            "replace-section-callback.complete.json",
            "replace-section-callback.error.json",
        ],
    ),
    (
        CallbackFamily::CoverImage,
        &[
            "cover-image-callback.complete.json",
            "cover-image-callback.error.json",
        ],
    ),
    (
        CallbackFamily::Wav,
        &["wav-callback.complete.json", "wav-callback.error.json"],
    ),
    (
        CallbackFamily::Separation,
        &[
            "separation-callback.separate_vocal.complete.json",
            "separation-callback.separate_vocal.error.json",
            "separation-callback.split_stem.complete.json",
            "separation-callback.split_stem.error.json",
        ],
    ),
    (
        CallbackFamily::Midi,
        &["midi-callback.complete.json", "midi-callback.error.json"],
    ),
    (
        CallbackFamily::Video,
        &["video-callback.complete.json", "video-callback.error.json"],
    ),
];

/// Every documented body of every family posted (signed) to every other
/// family's route. Each is refused with 422, or, where no field tells the two
/// shapes apart, stored under the route's family; then the genuine delivery
/// on its own route is still new (not a "duplicate" of the misrouted one) and
/// both rows exist. Returns the accepted (body, route) pairs, which the
/// callers pin.
pub async fn family_pairs(store: Arc<dyn Store>) -> Vec<(String, String)> {
    let keys = Keys::new([key()]).unwrap();
    let receiver =
        kie_suno_callbacks::Receiver::new(ReceiverConfig::new().keys(keys), Arc::clone(&store));
    let router = receiver.router();
    let mut accepted = Vec::new();
    let mut n = 0u32;
    for (own, names) in FAMILY_BODIES {
        for name in names.iter() {
            for route in CallbackFamily::ALL.iter().filter(|f| *f != own) {
                n += 1;
                let task = format!("pair{n:04}");
                let body = body_of(name, &task).to_string();
                let res = router
                    .clone()
                    .oneshot(signed(
                        &format!("/callbacks/{}", route.as_str()),
                        body.clone(),
                        &task,
                    ))
                    .await
                    .unwrap();
                let status = res.status();
                let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
                    .await
                    .unwrap();
                let json: Value = serde_json::from_slice(&bytes).unwrap();
                let rows = store
                    .callbacks_for(&TaskId::new(task.as_str()))
                    .await
                    .unwrap();
                if status == StatusCode::UNPROCESSABLE_ENTITY {
                    let code = json["error"].as_str().unwrap_or("");
                    assert!(
                        code == "wrong_callback_family" || code == "invalid_callback",
                        "{name} on {route}: {json}"
                    );
                    assert!(rows.is_empty(), "{name} on {route}: stored");
                    continue;
                }
                assert_eq!(status, StatusCode::OK, "{name} on {route}: {json}");
                accepted.push((name.to_string(), route.as_str().to_owned()));
                assert_eq!(rows.len(), 1);
                assert_eq!(rows[0].family, route.as_str());
                // The genuine delivery, on its own route: new, stored as its family.
                let res = router
                    .clone()
                    .oneshot(signed(&format!("/callbacks/{}", own.as_str()), body, &task))
                    .await
                    .unwrap();
                assert_eq!(res.status(), StatusCode::OK, "{name} on its own route");
                let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
                    .await
                    .unwrap();
                let json: Value = serde_json::from_slice(&bytes).unwrap();
                assert_eq!(
                    json["duplicate"],
                    json!(false),
                    "{name}: shadowed by {route}"
                );
                let rows = store
                    .callbacks_for(&TaskId::new(task.as_str()))
                    .await
                    .unwrap();
                let families: Vec<_> = rows.iter().map(|r| r.family.as_str()).collect();
                assert_eq!(families, [route.as_str(), own.as_str()], "{name}");
            }
        }
    }
    accepted
}
/// The (body, route) pairs no field tells apart, accepted and kept apart by the
/// family in the key: music and replace-section share one shape; a lyrics
/// failure and a music error are both `{callbackType, task_id, data: null}`;
/// the single-task families' failures carry nothing but the task id.
pub const CONFUSABLE_PAIRS: &[(&str, &str)] = &[
    ("lyrics-callback.failure.json", "music"),
    ("lyrics-callback.failure.json", "replace-section"),
    ("music-callback.complete.json", "replace-section"),
    ("music-callback.error.json", "lyrics"),
    ("music-callback.error.json", "replace-section"),
    ("music-extend-callback.text.json", "replace-section"),
    ("music-extend-callback.first.json", "replace-section"),
    ("replace-section-callback.complete.json", "music"),
    ("replace-section-callback.error.json", "music"),
    ("cover-image-callback.error.json", "wav"),
    ("cover-image-callback.error.json", "separation"),
    ("cover-image-callback.error.json", "midi"),
    ("cover-image-callback.error.json", "video"),
    ("wav-callback.error.json", "cover-image"),
    ("wav-callback.error.json", "separation"),
    ("wav-callback.error.json", "midi"),
    ("wav-callback.error.json", "video"),
    (
        "separation-callback.separate_vocal.error.json",
        "cover-image",
    ),
    ("separation-callback.separate_vocal.error.json", "wav"),
    ("separation-callback.separate_vocal.error.json", "midi"),
    ("separation-callback.separate_vocal.error.json", "video"),
    ("separation-callback.split_stem.error.json", "cover-image"),
    ("separation-callback.split_stem.error.json", "wav"),
    ("separation-callback.split_stem.error.json", "midi"),
    ("separation-callback.split_stem.error.json", "video"),
    ("midi-callback.error.json", "cover-image"),
    ("midi-callback.error.json", "wav"),
    ("midi-callback.error.json", "separation"),
    ("midi-callback.error.json", "video"),
    ("video-callback.error.json", "cover-image"),
    ("video-callback.error.json", "wav"),
    ("video-callback.error.json", "separation"),
    ("video-callback.error.json", "midi"),
];

/// [`family_pairs`] with its result pinned to [`CONFUSABLE_PAIRS`].
pub async fn check_family_pairs(store: Arc<dyn Store>) {
    let accepted = family_pairs(store).await;
    let accepted: Vec<(&str, &str)> = accepted
        .iter()
        .map(|(b, r)| (b.as_str(), r.as_str()))
        .collect();
    assert_eq!(accepted, CONFUSABLE_PAIRS);
}
