//! What the receiver logs about refused requests: signature failures at WARN
//! with their reason (rate-limited, no key, no body), untrusted strings escaped.

use std::io::Write;
use std::sync::{Arc, Mutex};

use http::StatusCode;
use kie_suno_callbacks::{Reason, ReceiverConfig, SqliteOptions, SqliteStore, Store};
use tracing::Level;

use crate::issue11::{lyrics, receiver, send, signed, LYRICS_TASK};

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

/// A subscriber for this thread (the tests run on one thread, so the spawned
/// pipeline logs here too), plain text, at `level`.
fn capture(level: Level) -> (Captured, tracing::subscriber::DefaultGuard) {
    let out = Captured::default();
    let writer = out.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(level)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    (out, tracing::subscriber::set_default(subscriber))
}

async fn store(dir: &tempfile::TempDir) -> Arc<dyn Store> {
    Arc::new(
        SqliteStore::open(dir.path().join("cb.db"), SqliteOptions::default())
            .await
            .unwrap(),
    )
}

#[tokio::test]
async fn signature_failures_are_warned_with_their_reason_without_key_or_body() {
    let dir = tempfile::tempdir().unwrap();
    let r = receiver(store(&dir).await);
    let router = r.router();
    let (out, _guard) = capture(Level::WARN);
    let start = std::time::Instant::now();
    let n = 20;
    for _ in 0..n {
        // Signed with another key: what a wrong or half-rotated key looks like.
        let mut req = signed("/callbacks/lyrics", lyrics(LYRICS_TASK), LYRICS_TASK);
        let bad = kie_suno_types::signature::sign(b"the-old-key", LYRICS_TASK, 1);
        req.headers_mut()
            .insert("x-webhook-signature", bad.parse().unwrap());
        assert_eq!(send(&router, req).await.0, StatusCode::UNAUTHORIZED);
    }
    let text = out.text();
    let lines: Vec<_> = text.lines().filter(|l| l.contains("signature")).collect();
    assert!(!lines.is_empty(), "nothing at WARN: {text}");
    assert!(
        lines[0].contains("WARN") && lines[0].contains("signature_mismatch"),
        "{text}"
    );
    // One line per second at most, however many failures.
    let bound = start.elapsed().as_secs() as usize + 1;
    assert!(
        lines.len() <= bound,
        "{} lines in {bound} s: {text}",
        lines.len()
    );
    for secret in ["issue-11-key", "the-old-key", "Starry", LYRICS_TASK] {
        assert!(!text.contains(secret), "{secret} logged: {text}");
    }
    assert_eq!(r.state().rejections().get(Reason::SignatureMismatch), n);
}

#[tokio::test]
async fn a_task_id_with_a_newline_and_ansi_codes_cannot_forge_a_log_line() {
    let dir = tempfile::tempdir().unwrap();
    let keys =
        kie_suno_callbacks::Keys::new([secrecy::SecretString::from("issue-11-key")]).unwrap();
    let r = kie_suno_callbacks::Receiver::new(
        ReceiverConfig::new().keys(keys).require_submitted(true),
        store(&dir).await,
    );
    let (out, _guard) = capture(Level::TRACE);
    let forged =
        "t1\n2026-12-01T00:00:00.000000Z  INFO kie_suno_callbacks: \u{1b}[32mcallback stored";
    let (status, _) = send(
        &r.router(),
        signed("/callbacks/lyrics", lyrics(forged), forged),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = out.text();
    assert!(text.contains("t1\\n"), "the id is logged escaped: {text}");
    assert!(!text.contains('\u{1b}'), "{text}");
    assert!(
        !text
            .lines()
            .any(|l| l.starts_with("2026-12-01T00:00:00.000000Z")),
        "forged line: {text}"
    );
}
