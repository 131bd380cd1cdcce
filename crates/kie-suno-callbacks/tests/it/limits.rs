//! The serving limits over real loopback sockets: the 413 a sender that writes its
//! whole body first can read, the drain limit, the header, body and idle timeouts,
//! the connection cap and its shedding order, and the cap on in-flight pipelines.
//!
//! Timeouts here are configured short (hundreds of ms) and every wait is bounded by
//! a generous [`BOUND`]: the tests assert what happens, never how fast.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use http::StatusCode;
use kie_suno_callbacks::{
    Receiver, ReceiverConfig, Rejection, Serving, SqliteOptions, SqliteStore, Store,
};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::common::*;

/// The most any single step may take before the test fails (not a speed claim).
const BOUND: Duration = Duration::from_secs(30);

struct Served {
    serving: Serving,
    store: Arc<SqliteStore>,
    stop: tokio::sync::oneshot::Sender<()>,
    _dir: tempfile::TempDir,
}

impl Served {
    fn addr(&self) -> SocketAddr {
        self.serving.local_addr()
    }

    async fn stored(&self) -> u64 {
        self.store.stats().await.unwrap().callbacks
    }

    async fn stop(self) {
        let _ = self.stop.send(());
        tokio::time::timeout(BOUND, self.serving.wait())
            .await
            .unwrap()
            .unwrap();
    }
}

async fn serve(config: ReceiverConfig) -> Served {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(
        SqliteStore::open(dir.path().join("limits.db"), SqliteOptions::default())
            .await
            .unwrap(),
    );
    let receiver = Receiver::new(config, store.clone() as Arc<dyn Store>);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let serving = receiver
        .serve("127.0.0.1:0".parse().unwrap(), async {
            let _ = stopped.await;
        })
        .await
        .unwrap();
    Served {
        serving,
        store,
        stop,
        _dir: dir,
    }
}

/// A complete unsigned lyrics POST for `task`, keep-alive.
fn post(task: &str) -> String {
    let body = lyrics_body(task);
    format!(
        "POST /callbacks/lyrics HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\n\r\n{body}",
        body.len()
    )
}

/// Reads one response (head and `Content-Length` body); `None` on EOF or reset
/// before a complete response.
async fn read_response(stream: &mut TcpStream) -> Option<(u16, String, String)> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).to_string();
            let len = head
                .lines()
                .find_map(|l| {
                    let (n, v) = l.split_once(':')?;
                    n.eq_ignore_ascii_case("content-length")
                        .then(|| v.trim().parse::<usize>().ok())?
                })
                .unwrap_or(0);
            if buf.len() >= end + 4 + len {
                let status = head.split(' ').nth(1)?.parse().ok()?;
                let body = String::from_utf8_lossy(&buf[end + 4..end + 4 + len]).to_string();
                return Some((status, head, body));
            }
        }
        match tokio::time::timeout(BOUND, stream.read(&mut chunk)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return None,
            Ok(Ok(n)) => buf.extend_from_slice(&chunk[..n]),
            Err(_) => panic!("no response within {BOUND:?}"),
        }
    }
}

/// Waits until the peer closes the connection (EOF or reset); fails after
/// [`BOUND`].
async fn closed_by_peer(stream: &mut TcpStream) {
    let mut chunk = [0u8; 1024];
    loop {
        match tokio::time::timeout(BOUND, stream.read(&mut chunk)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return,
            Ok(Ok(_)) => continue,
            Err(_) => panic!("the connection was not closed within {BOUND:?}"),
        }
    }
}

fn has_header(head: &str, name: &str, value: &str) -> bool {
    head.lines().any(|l| {
        l.split_once(':').is_some_and(|(n, v)| {
            n.trim().eq_ignore_ascii_case(name) && v.trim().eq_ignore_ascii_case(value)
        })
    })
}

fn rejection_json(r: Rejection) -> serde_json::Value {
    json!({"status": "rejected", "error": r.code(), "message": r.message()})
}

/// Python's urllib writes the whole body before it reads: with the body drained,
/// it reads the 413 instead of a broken pipe.
#[tokio::test]
async fn a_sender_that_writes_its_whole_2_mib_body_first_reads_the_413() {
    let served = serve(ReceiverConfig::new()).await;
    for chunked in [false, true] {
        let mut stream = TcpStream::connect(served.addr()).await.unwrap();
        let body = vec![b' '; 2 * 1024 * 1024];
        let head = if chunked {
            "POST /callbacks/lyrics HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n\
             Transfer-Encoding: chunked\r\n\r\n"
                .to_owned()
        } else {
            format!(
                "POST /callbacks/lyrics HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n\
                 Content-Length: {}\r\n\r\n",
                body.len()
            )
        };
        stream.write_all(head.as_bytes()).await.unwrap();
        if chunked {
            for part in body.chunks(64 * 1024) {
                let size = format!("{:x}\r\n", part.len());
                stream.write_all(size.as_bytes()).await.unwrap();
                stream.write_all(part).await.unwrap();
                stream.write_all(b"\r\n").await.unwrap();
            }
            stream.write_all(b"0\r\n\r\n").await.unwrap();
        } else {
            // Fails with a broken pipe when the server closes without reading.
            stream.write_all(&body).await.unwrap();
        }
        let (status, head, text) = read_response(&mut stream).await.expect("a response");
        assert_eq!(status, 413, "chunked {chunked}: {head}");
        assert!(has_header(&head, "connection", "close"), "{head}");
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(json, rejection_json(Rejection::PayloadTooLarge));
        closed_by_peer(&mut stream).await;
    }
    assert_eq!(served.stored().await, 0);
    served.stop().await;
}

/// A body declared larger than the drain limit is not read: the 413 comes at
/// once, before any byte of the body is sent.
#[tokio::test]
async fn a_body_declared_past_the_drain_limit_is_answered_without_reading_it() {
    let served = serve(ReceiverConfig::new().drain_limit(64 * 1024)).await;
    let mut stream = TcpStream::connect(served.addr()).await.unwrap();
    let head = "POST /callbacks/lyrics HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n\
                Content-Length: 2097152\r\n\r\n";
    stream.write_all(head.as_bytes()).await.unwrap();
    let (status, head, text) = read_response(&mut stream).await.expect("a response");
    assert_eq!(status, 413, "{head}");
    assert!(has_header(&head, "connection", "close"), "{head}");
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&text).unwrap(),
        rejection_json(Rejection::PayloadTooLarge)
    );
    closed_by_peer(&mut stream).await;
    served.stop().await;
}

/// A request head that never completes is cut at the header read timeout; the
/// receiver still serves the next sender.
#[tokio::test]
async fn a_request_head_that_never_completes_is_cut_at_the_header_read_timeout() {
    let served = serve(
        ReceiverConfig::new()
            .header_read_timeout(Duration::from_millis(300))
            .idle_timeout(Duration::from_secs(60)),
    )
    .await;
    let mut slow = TcpStream::connect(served.addr()).await.unwrap();
    slow.write_all(b"POST /callbacks/lyrics HTTP/1.1\r\nHost: t\r\nX-Slow: a")
        .await
        .unwrap();
    closed_by_peer(&mut slow).await;

    let mut good = TcpStream::connect(served.addr()).await.unwrap();
    good.write_all(post("header-timeout-ok").as_bytes())
        .await
        .unwrap();
    let (status, _, _) = read_response(&mut good).await.expect("a response");
    assert_eq!(status, 200);
    assert_eq!(served.stored().await, 1);
    served.stop().await;
}

/// A body that stops arriving is answered 408 at the body read timeout, nothing
/// is stored, and the connection is closed.
#[tokio::test]
async fn a_body_that_stops_arriving_gets_408_and_nothing_is_stored() {
    let served = serve(ReceiverConfig::new().body_read_timeout(Duration::from_millis(300))).await;
    let mut stream = TcpStream::connect(served.addr()).await.unwrap();
    let body = lyrics_body("body-timeout");
    let head = format!(
        "POST /callbacks/lyrics HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream
        .write_all(&body.as_bytes()[..body.len() / 2])
        .await
        .unwrap();
    let (status, head, text) = read_response(&mut stream).await.expect("a response");
    assert_eq!(status, 408, "{head}");
    assert!(has_header(&head, "connection", "close"), "{head}");
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&text).unwrap(),
        rejection_json(Rejection::BodyTimeout)
    );
    closed_by_peer(&mut stream).await;
    assert_eq!(served.stored().await, 0);
    served.stop().await;
}

/// A kept-alive connection serves several requests, then is closed once idle.
#[tokio::test]
async fn a_kept_alive_connection_is_closed_once_idle() {
    let served = serve(
        ReceiverConfig::new()
            .idle_timeout(Duration::from_millis(300))
            .header_read_timeout(Duration::from_secs(60)),
    )
    .await;
    let mut stream = TcpStream::connect(served.addr()).await.unwrap();
    for i in 0..2 {
        stream
            .write_all(post(&format!("idle-{i}")).as_bytes())
            .await
            .unwrap();
        let (status, head, _) = read_response(&mut stream).await.expect("a response");
        assert_eq!(status, 200, "{head}");
    }
    closed_by_peer(&mut stream).await;
    assert_eq!(served.stored().await, 2);
    served.stop().await;
}

/// At the cap, the connection that has waited longest for a request head is
/// closed to make room; the newer ones (and the new one) are served.
#[tokio::test]
async fn at_the_connection_cap_the_longest_waiting_connection_is_shed() {
    let served = serve(
        ReceiverConfig::new()
            .max_connections(3)
            .idle_timeout(Duration::from_secs(60))
            .header_read_timeout(Duration::from_secs(60)),
    )
    .await;
    let mut oldest = TcpStream::connect(served.addr()).await.unwrap();
    // A byte of a head: the slowest sender, not yet an idle one.
    oldest.write_all(b"P").await.unwrap();
    let mut second = TcpStream::connect(served.addr()).await.unwrap();
    let mut third = TcpStream::connect(served.addr()).await.unwrap();
    // Each of these is accepted in order; a fourth makes room by closing `oldest`.
    let mut fourth = TcpStream::connect(served.addr()).await.unwrap();
    fourth.write_all(post("cap-4").as_bytes()).await.unwrap();
    assert_eq!(read_response(&mut fourth).await.map(|r| r.0), Some(200));
    closed_by_peer(&mut oldest).await;
    for (i, s) in [&mut second, &mut third].into_iter().enumerate() {
        s.write_all(post(&format!("cap-{i}")).as_bytes())
            .await
            .unwrap();
        assert_eq!(read_response(s).await.map(|r| r.0), Some(200));
    }
    assert_eq!(served.stored().await, 3);
    served.stop().await;
}

/// Beyond the cap on in-flight pipelines: a fast 503 with `Retry-After: 1`, and
/// nothing stored; once the pipeline ends, the next callback is accepted.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pipelines_beyond_the_cap_get_503_with_retry_after() {
    let (entered_tx, mut entered_rx) = tokio::sync::mpsc::unbounded_channel::<()>();
    let release = Arc::new(tokio::sync::Notify::new());
    let gate = release.clone();
    let rig = Rig::new(ReceiverConfig::new()).await;
    // The pipeline is held inside its store write.
    let gated = Receiver::new(
        ReceiverConfig::new().max_in_flight(1),
        Arc::new(GatedStore {
            inner: rig.store.clone() as Arc<dyn Store>,
            entered: entered_tx,
            gate,
        }) as Arc<dyn Store>,
    );
    let router = gated.router();
    let first = tokio::spawn({
        let router = router.clone();
        async move { send(&router, unsigned("/callbacks/lyrics", lyrics_success())).await }
    });
    entered_rx.recv().await.unwrap();
    let res = tower::ServiceExt::oneshot(
        router.clone(),
        unsigned("/callbacks/lyrics", &lyrics_body("second")),
    )
    .await
    .unwrap();
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(
        res.headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok()),
        Some("1")
    );
    let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
        .await
        .unwrap();
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&bytes).unwrap(),
        rejection_json(Rejection::Overloaded)
    );
    release.notify_one();
    assert_eq!(first.await.unwrap().0, StatusCode::OK);
    // The permit is back: the retried second delivery is stored.
    let retried = tokio::spawn({
        let router = router.clone();
        async move {
            send(
                &router,
                unsigned("/callbacks/lyrics", &lyrics_body("second")),
            )
            .await
        }
    });
    entered_rx.recv().await.unwrap();
    release.notify_one();
    assert_eq!(retried.await.unwrap().0, StatusCode::OK);
    assert_eq!(rig.stats().await.callbacks, 2);
}
