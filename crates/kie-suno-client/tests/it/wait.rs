//! Waiters: PENDING then SUCCESS, failure status, deadline, empty success, poll
//! failure, and settling from outside through a signal.

use std::time::Duration;

use kie_suno_client::types::{parse, CallbackFamily, TaskId};
use kie_suno_client::{ClientError, Signal, WaitOptions};
use serde_json::{json, Value};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer};

use crate::support::{client, envelope, fixture, fixture_json, ok_fixture, ok_json, server};

const TASK: &str = "11dc****8b0f";
const CB_TASK: &str = "3b66882fde0a5d398bd269cab6d9542b";

/// The documented success record with another status and no result.
fn record(task: &str, status: &str) -> Value {
    let mut body = fixture_json("lyrics-record-info.success.json");
    body["data"]["taskId"] = json!(task);
    body["data"]["status"] = json!(status);
    body["data"]["response"] = Value::Null;
    body
}

async fn details_mock(
    server: &MockServer,
    task: &str,
    body: Value,
    times: Option<u64>,
    expect: u64,
) {
    let mut m = Mock::given(method("GET"))
        .and(path("/api/v1/lyrics/record-info"))
        .and(query_param("taskId", task))
        .respond_with(ok_json(body));
    if let Some(n) = times {
        m = m.up_to_n_times(n);
    }
    m.expect(expect).mount(server).await;
}

fn opts() -> WaitOptions {
    WaitOptions::new().with_delays(Duration::from_secs(10), Duration::from_secs(10))
}

#[tokio::test]
async fn pending_then_success_returns_the_variations() {
    let server = server().await;
    details_mock(&server, TASK, record(TASK, "PENDING"), Some(2), 2).await;
    Mock::given(method("GET"))
        .and(path("/api/v1/lyrics/record-info"))
        .respond_with(ok_fixture("lyrics-record-info.success.json"))
        .expect(1)
        .mount(&server)
        .await;
    let (client, clock) = client(&server);
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let sink = seen.clone();
    let out = client
        .lyrics()
        .wait(
            &TaskId::new(TASK),
            WaitOptions::default().on_status(move |s| sink.lock().unwrap().push(s.to_owned())),
        )
        .await
        .unwrap();
    assert_eq!(
        *seen.lock().unwrap(),
        ["PENDING", "SUCCESS"],
        "reported on change only"
    );
    assert_eq!(out.task_id().as_str(), TASK);
    assert_eq!(out.variations().len(), 1);
    assert_eq!(out.variations()[0].title.as_deref(), Some("钢铁侠"));
    let sleeps = clock.sleeps();
    assert_eq!(sleeps.len(), 2);
    let d = WaitOptions::default();
    assert!(
        sleeps
            .iter()
            .all(|s| *s >= d.min_delay() && *s <= d.max_delay()),
        "{sleeps:?}"
    );
}

#[tokio::test]
async fn a_failure_status_ends_the_wait_with_status_and_message() {
    let server = server().await;
    let mut body = record(TASK, "SENSITIVE_WORD_ERROR");
    body["data"]["errorCode"] = json!(400);
    body["data"]["errorMessage"] = json!("Song Description flagged for moderation");
    details_mock(&server, TASK, record(TASK, "PENDING"), Some(1), 1).await;
    details_mock(&server, TASK, body, None, 1).await;
    let (client, _) = client(&server);
    let err = client
        .lyrics()
        .wait(&TaskId::new(TASK), opts())
        .await
        .unwrap_err();
    let ClientError::TaskFailed(f) = &err else {
        panic!("expected TaskFailed, got {err:?}")
    };
    assert_eq!(f.status(), Some("SENSITIVE_WORD_ERROR"));
    assert_eq!(f.code(), Some(400));
    assert_eq!(f.message(), Some("Song Description flagged for moderation"));
    assert!(err.is_content_policy());
    assert_eq!(err.task_id().map(TaskId::as_str), Some(TASK));
}

#[tokio::test]
async fn the_deadline_ends_the_wait_and_clamps_the_last_sleep() {
    let server = server().await;
    // Polls at 0, 10, 20 and 25 s (the last sleep clamped to the 25 s deadline).
    details_mock(&server, TASK, record(TASK, "PENDING"), None, 4).await;
    let (client, clock) = client(&server);
    let err = client
        .lyrics()
        .wait(
            &TaskId::new(TASK),
            opts().with_deadline(Duration::from_secs(25)),
        )
        .await
        .unwrap_err();
    let ClientError::WaitDeadline {
        waited,
        last_status,
        ..
    } = &err
    else {
        panic!("expected WaitDeadline, got {err:?}")
    };
    assert_eq!(*waited, Duration::from_secs(25));
    assert_eq!(last_status.as_deref(), Some("PENDING"));
    assert_eq!(
        clock.sleeps(),
        vec![
            Duration::from_secs(10),
            Duration::from_secs(10),
            Duration::from_secs(5)
        ]
    );
}

#[tokio::test]
async fn success_without_lyrics_is_an_error_not_an_empty_list() {
    let server = server().await;
    details_mock(&server, TASK, record(TASK, "SUCCESS"), None, 1).await;
    let (client, _) = client(&server);
    let err = client
        .lyrics()
        .wait(&TaskId::new(TASK), opts())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, ClientError::EmptyResult { status, .. } if status == "SUCCESS"),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_failed_poll_is_a_poll_failure() {
    let server = server().await;
    details_mock(
        &server,
        TASK,
        envelope(401, "You do not have access permissions", json!(null)),
        None,
        1,
    )
    .await;
    let (client, _) = client(&server);
    let err = client
        .lyrics()
        .wait(&TaskId::new(TASK), opts())
        .await
        .unwrap_err();
    let ClientError::PollFailed { source, .. } = &err else {
        panic!("expected PollFailed, got {err:?}")
    };
    assert!(matches!(**source, ClientError::Unauthorized(_)));
    assert_eq!(err.code().map(|c| c.as_i64()), Some(401));
}

fn callback(name: &str) -> Signal {
    Signal::from(parse(CallbackFamily::Lyrics, fixture(name).as_bytes()).unwrap())
}

#[tokio::test]
async fn a_success_callback_settles_the_wait_without_another_poll() {
    let server = server().await;
    details_mock(&server, CB_TASK, record(CB_TASK, "PENDING"), None, 1).await;
    let (client, clock) = client(&server);
    let (tx, rx) = tokio::sync::mpsc::channel(4);
    // A callback for another task is ignored.
    let mut other = fixture_json("lyrics-callback.failure.json");
    other["data"]["task_id"] = json!("someone-else");
    tx.send(Signal::from(
        parse(CallbackFamily::Lyrics, other.to_string().as_bytes()).unwrap(),
    ))
    .await
    .unwrap();
    tx.send(callback("lyrics-callback.success.json"))
        .await
        .unwrap();
    let out = client
        .lyrics()
        .wait(&TaskId::new(CB_TASK), opts().with_signal_receiver(rx))
        .await
        .unwrap();
    assert_eq!(
        out.variations()[0].title.as_deref(),
        Some("Starry Night Dreams")
    );
    assert!(clock.sleeps().is_empty(), "settled before sleeping");
}

#[tokio::test]
async fn a_failure_callback_ends_the_wait_with_its_code_and_message() {
    let server = server().await;
    details_mock(&server, CB_TASK, record(CB_TASK, "PENDING"), None, 1).await;
    let (client, _) = client(&server);
    let signal = callback("lyrics-callback.failure.json");
    let err = client
        .lyrics()
        .wait(
            &TaskId::new(CB_TASK),
            opts().with_signal_future(async move { signal }),
        )
        .await
        .unwrap_err();
    let ClientError::TaskFailed(f) = &err else {
        panic!("expected TaskFailed, got {err:?}")
    };
    assert_eq!(f.code(), Some(400));
    assert_eq!(f.message(), Some("Song Description flagged for moderation"));
}

#[tokio::test]
async fn poll_now_short_circuits_the_sleep() {
    let server = server().await;
    details_mock(&server, TASK, record(TASK, "PENDING"), Some(1), 1).await;
    Mock::given(method("GET"))
        .and(path("/api/v1/lyrics/record-info"))
        .respond_with(ok_fixture("lyrics-record-info.success.json"))
        .expect(1)
        .mount(&server)
        .await;
    let (client, clock) = client(&server);
    let out = client
        .lyrics()
        .wait(
            &TaskId::new(TASK),
            opts().with_signal_stream(futures::stream::iter([Signal::PollNow])),
        )
        .await
        .unwrap();
    assert_eq!(out.variations().len(), 1);
    assert!(clock.sleeps().is_empty());
}

#[tokio::test]
async fn an_ended_signal_stream_falls_back_to_polling() {
    let server = server().await;
    details_mock(&server, TASK, record(TASK, "PENDING"), Some(1), 1).await;
    Mock::given(method("GET"))
        .and(path("/api/v1/lyrics/record-info"))
        .respond_with(ok_fixture("lyrics-record-info.success.json"))
        .expect(1)
        .mount(&server)
        .await;
    let (client, clock) = client(&server);
    let out = client
        .lyrics()
        .wait(
            &TaskId::new(TASK),
            opts().with_signal_stream(futures::stream::empty()),
        )
        .await
        .unwrap();
    assert_eq!(out.variations().len(), 1);
    assert_eq!(clock.sleeps(), vec![Duration::from_secs(10)]);
}

#[tokio::test]
async fn broadcast_and_oneshot_signals() {
    const OTHER: &str = "other-task";
    let server = server().await;
    details_mock(&server, TASK, record(TASK, "PENDING"), Some(2), 2).await;
    details_mock(&server, OTHER, record(OTHER, "PENDING"), Some(1), 1).await;
    for task in [TASK, OTHER] {
        Mock::given(method("GET"))
            .and(path("/api/v1/lyrics/record-info"))
            .and(query_param("taskId", task))
            .respond_with(ok_fixture("lyrics-record-info.success.json"))
            .expect(1)
            .mount(&server)
            .await;
    }
    let (client, clock) = client(&server);

    // Two signals into a channel of one: the receiver lags, which polls now, then
    // the signal that was kept polls again.
    let (tx, rx) = tokio::sync::broadcast::channel(1);
    tx.send(Signal::PollNow).unwrap();
    tx.send(Signal::PollNow).unwrap();
    let out = client
        .lyrics()
        .wait(&TaskId::new(TASK), opts().with_signal_broadcast(rx))
        .await
        .unwrap();
    assert_eq!(out.variations().len(), 1);
    assert!(clock.sleeps().is_empty());

    // A dropped oneshot sender ends the signal; polling goes on.
    let (tx, rx) = tokio::sync::oneshot::channel::<Signal>();
    drop(tx);
    let out = client
        .lyrics()
        .wait(&TaskId::new(OTHER), opts().with_signal_oneshot(rx))
        .await
        .unwrap();
    assert_eq!(out.variations().len(), 1);
    assert_eq!(clock.sleeps(), vec![Duration::from_secs(10)]);
}

#[tokio::test]
async fn a_hanging_poll_cannot_outlast_the_deadline() {
    let server = server().await;
    // The details endpoint answers only after 30 s; the wait allows 200 ms.
    Mock::given(method("GET"))
        .and(path("/api/v1/lyrics/record-info"))
        .and(query_param("taskId", TASK))
        .respond_with(ok_json(record(TASK, "PENDING")).set_delay(Duration::from_secs(30)))
        .expect(1)
        .mount(&server)
        .await;
    let (client, _clock) = client(&server);
    let err = client
        .lyrics()
        .wait(
            &TaskId::new(TASK),
            opts().with_deadline(Duration::from_millis(200)),
        )
        .await
        .unwrap_err();
    match err {
        ClientError::WaitDeadline {
            task_id,
            last_status,
            ..
        } => {
            assert_eq!(task_id.as_str(), TASK);
            assert_eq!(last_status, None, "no poll ever answered");
        }
        other => panic!("expected WaitDeadline, got {other:?}"),
    }
}
