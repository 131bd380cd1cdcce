//! The router through `oneshot`: every status path, a bad-input corpus that must
//! leave the store unchanged, repeats, a real socket, and graceful shutdown.

use std::sync::Arc;

use axum::body::Body;
use bytes::Bytes;
use http::{Request, StatusCode};
use kie_suno_callbacks::{
    callback_path, sign, ConfirmRequest, Receiver, ReceiverConfig, RecordInfo, Rejection,
    RemoteState, SqliteOptions, SqliteStore, Store, DEFAULT_BODY_LIMIT,
};
use kie_suno_types::{CallbackFamily, TaskId};
use secrecy::SecretString;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::common::*;

fn rejection_json(r: Rejection) -> serde_json::Value {
    json!({"status": "rejected", "error": r.code(), "message": r.message()})
}

#[test]
fn every_rejection_has_a_fixed_status_and_json_body() {
    for r in Rejection::ALL {
        let parsed: serde_json::Value = serde_json::from_str(&r.body()).unwrap();
        assert_eq!(parsed, rejection_json(*r));
        assert!(r.status().is_client_error() || r.status().is_server_error());
    }
    assert_eq!(
        callback_path(CallbackFamily::ReplaceSection),
        "/callbacks/replace-section"
    );
}

#[tokio::test]
async fn unsigned_receiver_stores_and_answers_200() {
    let rig = Rig::new(ReceiverConfig::new().store_parsed_json(true)).await;
    let (status, body) = send(
        &rig.router(),
        unsigned("/callbacks/lyrics", lyrics_success()),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, json!({"status": "received", "duplicate": false}));
    let stored = rig.count(DOC_TASK).await;
    assert_eq!(stored.len(), 1);
    let s = &stored[0];
    assert_eq!(s.body, lyrics_success().as_bytes());
    assert_eq!(s.stage, "complete");
    assert_eq!(s.family, "lyrics");
    assert_eq!(s.code, Some(200));
    assert!(s.success && s.terminal && !s.signed);
    assert_eq!(s.trust, kie_suno_callbacks::Trust::Unsigned);
    assert_eq!(
        s.confirmation,
        kie_suno_callbacks::Confirmation::NotRequested
    );
    let parsed: serde_json::Value = serde_json::from_str(s.parsed.as_deref().unwrap()).unwrap();
    assert_eq!(parsed["data"]["data"][0]["title"], "Starry Night Dreams");
    assert!(s
        .headers
        .iter()
        .any(|(n, v)| n == "content-type" && v == "application/json"));
    assert!(matches!(
        s.callback(),
        Some(kie_suno_types::Callback::Lyrics(_))
    ));
}

#[tokio::test]
async fn parsed_json_is_off_by_default_and_the_body_still_parses() {
    let rig = Rig::new(ReceiverConfig::new()).await;
    send(
        &rig.router(),
        unsigned("/callbacks/lyrics", lyrics_success()),
    )
    .await;
    let s = &rig.count(DOC_TASK).await[0];
    assert_eq!(s.parsed, None);
    match s.callback() {
        Some(kie_suno_types::Callback::Lyrics(c)) => {
            assert_eq!(
                c.variations()[0].title.as_deref(),
                Some("Starry Night Dreams")
            )
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn failure_callback_is_stored_as_terminal_failure() {
    let rig = Rig::new(ReceiverConfig::new()).await;
    let (status, _) = send(
        &rig.router(),
        unsigned("/callbacks/lyrics", lyrics_failure()),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let s = &rig.count(DOC_TASK).await[0];
    assert_eq!(s.code, Some(400));
    assert!(!s.success && s.terminal);
    assert_eq!(s.trust, kie_suno_callbacks::Trust::Unsigned);
}

#[tokio::test]
async fn signed_receiver_accepts_a_signed_callback_and_keeps_the_signature_header() {
    let rig = Rig::new(ReceiverConfig::new().keys(keys())).await;
    let ts = now_secs();
    let req = signed("/callbacks/lyrics", lyrics_success(), DOC_TASK, ts, &key());
    let (status, _) = send(&rig.router(), req).await;
    assert_eq!(status, StatusCode::OK);
    let s = &rig.count(DOC_TASK).await[0];
    assert!(s.signed);
    assert_eq!(s.signature_timestamp, Some(ts as i64));
    let sig = sign(KEY.as_bytes(), DOC_TASK, ts);
    assert!(s
        .headers
        .iter()
        .any(|(n, v)| n == "x-webhook-signature" && *v == sig));
}

#[tokio::test]
async fn the_same_callback_three_times_is_one_record_counted_three_times() {
    let rig = Rig::new(ReceiverConfig::new().keys(keys())).await;
    let router = rig.router();
    let mut duplicates = Vec::new();
    for _ in 0..3 {
        let req = signed(
            "/callbacks/lyrics",
            lyrics_success(),
            DOC_TASK,
            now_secs(),
            &key(),
        );
        let (status, body) = send(&router, req).await;
        assert_eq!(status, StatusCode::OK);
        duplicates.push(body["duplicate"].as_bool().unwrap());
    }
    assert_eq!(duplicates, [false, true, true]);
    let stored = rig.count(DOC_TASK).await;
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].deliveries, 3);
    assert!(stored[0].last_received_ms >= stored[0].first_received_ms);
    let stats = rig.stats().await;
    assert_eq!((stats.callbacks, stats.deliveries), (1, 3));
}

#[tokio::test]
async fn the_same_callback_three_times_at_once_is_one_record() {
    let rig = Rig::new(ReceiverConfig::new()).await;
    let router = rig.router();
    let sends = (0..3).map(|_| send(&router, unsigned("/callbacks/lyrics", lyrics_success())));
    let results = futures::future::join_all(sends).await;
    let new = results
        .iter()
        .filter(|(s, b)| *s == StatusCode::OK && b["duplicate"] == false)
        .count();
    assert_eq!(new, 1);
    let stored = rig.count(DOC_TASK).await;
    assert_eq!((stored.len(), stored[0].deliveries), (1, 3));
}

#[tokio::test]
async fn distinct_tasks_under_concurrency_are_all_committed() {
    let rig = Rig::new(ReceiverConfig::new()).await;
    let router = rig.router();
    let bodies: Vec<String> = (0..200)
        .map(|i| lyrics_body(&format!("task-{i:04}")))
        .collect();
    let sends = bodies
        .iter()
        .map(|b| send(&router, unsigned("/callbacks/lyrics", b)));
    for (status, _) in futures::future::join_all(sends).await {
        assert_eq!(status, StatusCode::OK);
    }
    let stats = rig.stats().await;
    assert_eq!((stats.callbacks, stats.deliveries), (200, 200));
}

#[tokio::test]
async fn unknown_tasks_are_rejected_when_required_and_accepted_once_submitted() {
    let rig = Rig::new(ReceiverConfig::new().require_submitted(true)).await;
    let router = rig.router();
    let (status, body) = send(&router, unsigned("/callbacks/lyrics", lyrics_success())).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body, rejection_json(Rejection::UnknownTask));
    assert_eq!(rig.stats().await.callbacks, 0);
    rig.receiver
        .record_submitted(&TaskId::new(DOC_TASK), CallbackFamily::Lyrics)
        .await
        .unwrap();
    let (status, _) = send(&router, unsigned("/callbacks/lyrics", lyrics_success())).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(rig.stats().await.submitted, 1);
}

#[tokio::test]
async fn a_closed_store_answers_503_so_kie_retries() {
    let rig = Rig::new(ReceiverConfig::new()).await;
    rig.store.close().await.unwrap();
    let (status, body) = send(
        &rig.router(),
        unsigned("/callbacks/lyrics", lyrics_success()),
    )
    .await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(body, rejection_json(Rejection::StoreUnavailable));
    assert!(matches!(
        rig.store.stats().await,
        Err(kie_suno_callbacks::Error::StoreClosed)
    ));
}

#[tokio::test]
async fn the_body_limit_is_configurable() {
    let rig = Rig::new(ReceiverConfig::new().body_limit(64)).await;
    let (status, _) = send(
        &rig.router(),
        unsigned("/callbacks/lyrics", lyrics_success()),
    )
    .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(rig.stats().await.callbacks, 0);
}

#[tokio::test]
async fn a_body_of_exactly_the_limit_is_accepted() {
    let body = lyrics_body("limit-task");
    let rig = Rig::new(ReceiverConfig::new().body_limit(body.len())).await;
    let (status, _) = send(&rig.router(), unsigned("/callbacks/lyrics", &body)).await;
    assert_eq!(status, StatusCode::OK);
}

/// One bad request: what to send and the rejection expected.
struct Case {
    name: &'static str,
    request: Request<Body>,
    expect: Rejection,
}

fn case(name: &'static str, request: Request<Body>, expect: Rejection) -> Case {
    Case {
        name,
        request,
        expect,
    }
}

fn with_headers(
    path: &str,
    method: &str,
    headers: &[(&str, String)],
    body: impl Into<Body>,
) -> Request<Body> {
    let mut b = Request::builder().method(method).uri(path);
    for (n, v) in headers {
        b = b.header(*n, v.as_str());
    }
    b.body(body.into()).unwrap()
}

fn sig_headers(task: &str, ts: u64, key: &SecretString) -> Vec<(&'static str, String)> {
    let mut headers = vec![("content-type", "application/json".to_owned())];
    headers.extend(signature_headers(task, ts, key));
    headers
}

fn corpus() -> Vec<Case> {
    use Rejection::*;
    let now = now_secs();
    let good = lyrics_success();
    let l = "/callbacks/lyrics";
    let json = || vec![("content-type", "application/json".to_owned())];
    let signed_with =
        |h: Vec<(&'static str, String)>, body: &str| with_headers(l, "POST", &h, body.to_owned());
    let sh = || sig_headers(DOC_TASK, now, &key());
    let replace = |name: &'static str, value: String| {
        let mut h = sh();
        for (n, v) in h.iter_mut() {
            if *n == name {
                *v = value.clone();
            }
        }
        h
    };
    let without = |name: &'static str| {
        let mut h = sh();
        h.retain(|(n, _)| *n != name);
        h
    };
    let hex_sig = {
        // The right HMAC, hex-encoded instead of Base64.
        use base64::Engine as _;
        let b64 = sign(KEY.as_bytes(), DOC_TASK, now);
        let raw = base64::engine::general_purpose::STANDARD
            .decode(b64)
            .unwrap();
        raw.iter().map(|b| format!("{b:02x}")).collect::<String>()
    };
    let truncated = sign(KEY.as_bytes(), DOC_TASK, now)[..40].to_owned();
    let big = format!(
        r#"{{"code":200,"msg":"{}","data":{{"callbackType":"complete","task_id":"{DOC_TASK}","data":null}}}}"#,
        "x".repeat(DEFAULT_BODY_LIMIT)
    );
    let chunks: Vec<Result<Bytes, std::io::Error>> = (0..20)
        .map(|_| Ok(Bytes::from(vec![b' '; 64 * 1024])))
        .collect();
    let stream_body = Body::from_stream(futures::stream::iter(chunks));
    let mut duplicate_sig = sh();
    duplicate_sig.push(("x-webhook-signature", "AAAA".to_owned()));

    vec![
        // Syntax (400).
        case(
            "malformed json",
            signed_with(sh(), r#"{"code":200,"#),
            MalformedJson,
        ),
        case("empty body", signed_with(sh(), ""), MalformedJson),
        case(
            "trailing garbage",
            signed_with(sh(), &format!("{good} x")),
            MalformedJson,
        ),
        case(
            "utf-8 bom",
            signed_with(sh(), &format!("\u{feff}{good}")),
            MalformedJson,
        ),
        case(
            "single quotes",
            signed_with(sh(), "{'code':200}"),
            MalformedJson,
        ),
        case(
            "invalid utf-8",
            with_headers(
                l,
                "POST",
                &sh(),
                b"{\"code\":200,\"msg\":\"\xff\xfe\"}".to_vec(),
            ),
            MalformedJson,
        ),
        // Data (422).
        case("json null", signed_with(sh(), "null"), InvalidCallback),
        case("json array", signed_with(sh(), "[]"), InvalidCallback),
        case(
            "json string",
            signed_with(sh(), r#""callback""#),
            InvalidCallback,
        ),
        case("empty object", signed_with(sh(), "{}"), InvalidCallback),
        case(
            "task id is a number",
            signed_with(sh(), r#"{"code":200,"data":{"task_id":42}}"#),
            InvalidCallback,
        ),
        case(
            "data.data is a string",
            signed_with(
                sh(),
                &format!(
                    r#"{{"code":200,"msg":"m","data":{{"callbackType":"complete","task_id":"{DOC_TASK}","data":"lyrics"}}}}"#
                ),
            ),
            InvalidCallback,
        ),
        case(
            "missing callbackType",
            signed_with(
                sh(),
                &format!(
                    r#"{{"code":200,"msg":"m","data":{{"task_id":"{DOC_TASK}","data":null}}}}"#
                ),
            ),
            InvalidCallback,
        ),
        case(
            "code is an object",
            signed_with(sh(), &good.replace("\"code\": 200", "\"code\": {}")),
            InvalidCallback,
        ),
        // Content type (415).
        case(
            "text/plain",
            with_headers(
                l,
                "POST",
                &[("content-type", "text/plain".to_owned())],
                good,
            ),
            UnsupportedMediaType,
        ),
        case(
            "no content type",
            with_headers(l, "POST", &[], good),
            UnsupportedMediaType,
        ),
        case(
            "form encoded",
            with_headers(
                l,
                "POST",
                &[(
                    "content-type",
                    "application/x-www-form-urlencoded".to_owned(),
                )],
                good,
            ),
            UnsupportedMediaType,
        ),
        case(
            "application/jsonp",
            with_headers(
                l,
                "POST",
                &[("content-type", "application/jsonp".to_owned())],
                good,
            ),
            UnsupportedMediaType,
        ),
        // Size (413).
        case("oversized", signed_with(sh(), &big), PayloadTooLarge),
        case(
            "oversized streamed without length",
            with_headers(l, "POST", &json(), stream_body),
            PayloadTooLarge,
        ),
        case(
            "declared length over the limit",
            with_headers(
                l,
                "POST",
                &[
                    ("content-type", "application/json".to_owned()),
                    ("content-length", (DEFAULT_BODY_LIMIT + 1).to_string()),
                ],
                Body::empty(),
            ),
            PayloadTooLarge,
        ),
        // Routing (404, 405).
        case(
            "unknown family",
            with_headers("/callbacks/nope", "POST", &sh(), good),
            UnknownFamily,
        ),
        case(
            "family in capitals",
            with_headers("/callbacks/LYRICS", "POST", &sh(), good),
            UnknownFamily,
        ),
        case(
            "get",
            with_headers(l, "GET", &[], Body::empty()),
            MethodNotAllowed,
        ),
        case("put", with_headers(l, "PUT", &sh(), good), MethodNotAllowed),
        // Signature (401).
        case(
            "missing signature",
            signed_with(without("x-webhook-signature"), good),
            Unauthorized,
        ),
        case(
            "missing timestamp",
            signed_with(without("x-webhook-timestamp"), good),
            Unauthorized,
        ),
        case(
            "unsigned",
            with_headers(l, "POST", &json(), good),
            Unauthorized,
        ),
        case(
            "wrong key",
            signed_with(
                sig_headers(DOC_TASK, now, &SecretString::from("wrong")),
                good,
            ),
            Unauthorized,
        ),
        case(
            "hex signature",
            signed_with(replace("x-webhook-signature", hex_sig), good),
            Unauthorized,
        ),
        case(
            "truncated signature",
            signed_with(replace("x-webhook-signature", truncated), good),
            Unauthorized,
        ),
        case(
            "stale",
            signed_with(sig_headers(DOC_TASK, now - 3600, &key()), good),
            Unauthorized,
        ),
        case(
            "future",
            signed_with(sig_headers(DOC_TASK, now + 3600, &key()), good),
            Unauthorized,
        ),
        case(
            "signed for another task",
            signed_with(sig_headers("another-task", now, &key()), good),
            Unauthorized,
        ),
        case(
            "timestamp not a number",
            signed_with(replace("x-webhook-timestamp", "soon".to_owned()), good),
            Unauthorized,
        ),
        case(
            "timestamp swapped after signing",
            signed_with(replace("x-webhook-timestamp", (now - 1).to_string()), good),
            Unauthorized,
        ),
        case(
            "duplicate signature header",
            signed_with(duplicate_sig, good),
            Unauthorized,
        ),
        case(
            "empty signature",
            signed_with(replace("x-webhook-signature", String::new()), good),
            Unauthorized,
        ),
    ]
}

#[tokio::test]
async fn bad_input_corpus_gets_the_right_4xx_and_leaves_the_store_unchanged() {
    let rig = Rig::new(ReceiverConfig::new().keys(keys())).await;
    // One good callback first, so "unchanged" is checked against a non-empty store.
    let other = lyrics_body("seed-task");
    let seeded = signed("/callbacks/lyrics", &other, "seed-task", now_secs(), &key());
    assert_eq!(send(&rig.router(), seeded).await.0, StatusCode::OK);
    let before = rig.stats().await;
    assert_eq!((before.callbacks, before.deliveries), (1, 1));

    let cases = corpus();
    assert!(cases.len() >= 25, "{} cases", cases.len());
    for c in cases {
        let (status, body) = send(&rig.router(), c.request).await;
        assert_eq!(status, c.expect.status(), "case {:?}", c.name);
        assert_eq!(body, rejection_json(c.expect), "case {:?}", c.name);
        assert_eq!(
            rig.stats().await,
            before,
            "case {:?} changed the store",
            c.name
        );
    }
    // The receiver still works after the corpus.
    let req = signed(
        "/callbacks/lyrics",
        lyrics_success(),
        DOC_TASK,
        now_secs(),
        &key(),
    );
    assert_eq!(send(&rig.router(), req).await.0, StatusCode::OK);
}

#[tokio::test]
async fn mounts_under_a_prefix_next_to_other_routes() {
    let rig = Rig::new(ReceiverConfig::new()).await;
    let app = axum::Router::new()
        .route("/health", axum::routing::get(|| async { "ok" }))
        .nest("/kie", rig.router());
    let (status, _) = send(&app, unsigned("/kie/callbacks/lyrics", lyrics_success())).await;
    assert_eq!(status, StatusCode::OK);
}

async fn raw_http(addr: std::net::SocketAddr, request: String) -> String {
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut out = String::new();
    stream.read_to_string(&mut out).await.unwrap();
    out
}

#[tokio::test]
async fn over_a_real_socket_with_header_names_in_any_case() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("socket.db");
    let store = Arc::new(
        SqliteStore::open(&path, SqliteOptions::default())
            .await
            .unwrap(),
    );
    let receiver = Receiver::new(ReceiverConfig::new().keys(keys()), store as Arc<dyn Store>);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let serving = receiver
        .serve("127.0.0.1:0".parse().unwrap(), async {
            let _ = stopped.await;
        })
        .await
        .unwrap();
    let addr = serving.local_addr();
    assert!(addr.ip().is_loopback() && addr.port() != 0);
    let mut events = serving.outcomes().subscribe();

    let ts = now_secs();
    let sig = sign(KEY.as_bytes(), DOC_TASK, ts);
    let req = format!(
        "POST /callbacks/lyrics HTTP/1.1\r\nHost: {addr}\r\nCONTENT-TYPE: Application/JSON; charset=utf-8\r\n\
         X-WEBHOOK-TIMESTAMP: {ts}\r\nx-Webhook-Signature: {sig}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{}",
        lyrics_success().len(),
        lyrics_success()
    );
    let res = raw_http(addr, req).await;
    assert!(res.starts_with("HTTP/1.1 200"), "{res}");
    assert!(
        res.ends_with(r#"{"status":"received","duplicate":false}"#),
        "{res}"
    );
    let ev = events.next().await.unwrap();
    assert_eq!(ev.task_id.as_str(), DOC_TASK);

    let client = reqwest::Client::new();
    let res = client
        .post(format!("http://{addr}/callbacks/lyrics"))
        .header("content-type", "application/json")
        .body(lyrics_success())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 401);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body, rejection_json(Rejection::Unauthorized));

    stop.send(()).unwrap();
    serving.wait().await.unwrap();
    let reopened = SqliteStore::open(&path, SqliteOptions::default())
        .await
        .unwrap();
    let stats = reopened.stats().await.unwrap();
    assert_eq!((stats.callbacks, stats.deliveries), (1, 1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn graceful_shutdown_finishes_the_confirmation_in_hand_and_keeps_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shutdown.db");
    let store = Arc::new(
        SqliteStore::open(&path, SqliteOptions::default())
            .await
            .unwrap(),
    );
    let (entered_tx, entered_rx) = tokio::sync::mpsc::unbounded_channel::<()>();
    let release = Arc::new(tokio::sync::Notify::new());
    let gate = release.clone();
    let config = ReceiverConfig::new().confirmer(move |_r: ConfirmRequest| {
        let entered = entered_tx.clone();
        let gate = gate.clone();
        async move {
            let _ = entered.send(());
            gate.notified().await;
            let body: serde_json::Value = serde_json::from_str(lyrics_success()).unwrap();
            Ok(RecordInfo::new(
                RemoteState::Succeeded,
                json!({"taskId": DOC_TASK, "status": "SUCCESS",
                    "response": {"data": body["data"]["data"]}}),
            ))
        }
    });
    let receiver = Receiver::new(config, store as Arc<dyn Store>);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let serving = receiver
        .serve("127.0.0.1:0".parse().unwrap(), async {
            let _ = stopped.await;
        })
        .await
        .unwrap();
    let addr = serving.local_addr();
    let in_flight = tokio::spawn(async move {
        reqwest::Client::new()
            .post(format!("http://{addr}/callbacks/lyrics"))
            .header("content-type", "application/json")
            .body(lyrics_success())
            .send()
            .await
            .map(|r| r.status().as_u16())
    });
    // Answered 200 before the confirmation (which is held at the gate) ends.
    assert_eq!(in_flight.await.unwrap().unwrap(), 200);
    let mut entered_rx = entered_rx;
    entered_rx.recv().await.unwrap();
    // The confirmation is in hand; ask the server to stop, then let it finish.
    stop.send(()).unwrap();
    // Wait until the listener is gone (no new connections), then let it finish.
    while tokio::net::TcpStream::connect(addr).await.is_ok() {
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    release.notify_one();
    serving.wait().await.unwrap();

    let reopened = SqliteStore::open(&path, SqliteOptions::default())
        .await
        .unwrap();
    let stored = reopened
        .callbacks_for(&TaskId::new(DOC_TASK))
        .await
        .unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(
        stored[0].confirmation,
        kie_suno_callbacks::Confirmation::Confirmed
    );
    assert_eq!(stored[0].trust, kie_suno_callbacks::Trust::Confirmed);
}
