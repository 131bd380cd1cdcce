//! The typed errors: each keeps its cause as `source()`, the predicates say what a
//! retry can do, and a verification failure maps to the router's rejection.

use std::error::Error as _;
use std::time::{Duration, UNIX_EPOCH};

use http::{HeaderMap, HeaderValue};
use kie_suno_callbacks::{verify, Error, Rejection, VerifyError};

use crate::common::*;

#[test]
fn a_custom_store_error_keeps_its_source_and_says_whether_to_retry() {
    let e = Error::custom_store(
        std::io::Error::new(std::io::ErrorKind::TimedOut, "redis timed out"),
        true,
    );
    assert!(e.is_transient() && !e.is_closed());
    assert_eq!(e.to_string(), "callback store error");
    let io = e
        .source()
        .and_then(|s| s.downcast_ref::<std::io::Error>())
        .unwrap();
    assert_eq!(io.kind(), std::io::ErrorKind::TimedOut);
    assert!(!Error::custom_store("bad row", false).is_transient());
}

#[test]
fn messages_are_lowercase_and_the_closed_store_is_closed_for_good() {
    for e in [
        Error::StoreClosed,
        Error::Config("the postgres connection string does not parse"),
        Error::InvalidKey("the key is empty"),
    ] {
        let text = e.to_string();
        assert!(
            text.chars().next().is_some_and(|c| c.is_lowercase()),
            "{text}"
        );
        assert!(!text.ends_with('.'), "{text}");
        assert!(!e.is_transient(), "{text}");
    }
    assert!(Error::StoreClosed.is_closed());
    assert!(!Error::Config("x").is_closed());
}

fn headers_for(task: &str, ts: u64) -> HeaderMap {
    let mut h = HeaderMap::new();
    for (name, value) in signature_headers(task, ts, &key()) {
        h.insert(name, HeaderValue::from_str(&value).unwrap());
    }
    h
}

#[test]
fn verify_errors_map_to_the_rejections_the_router_answers() {
    let ts = 1_769_670_760;
    let now = UNIX_EPOCH + Duration::from_secs(ts);
    let h = headers_for(DOC_TASK, ts);
    let check = |body: &[u8]| verify(body, &h, &keys(), now).unwrap_err();

    let e = check(b"{not json");
    assert!(matches!(e, VerifyError::BodySyntax(_)), "{e:?}");
    assert_eq!(e.rejection(), Rejection::MalformedJson);
    assert!(e.source().is_some(), "the parser's error is kept");
    for body in [
        &b"null"[..],
        br#""callback""#,
        br#"{"code":200,"data":{"task_id":42}}"#,
    ] {
        let e = check(body);
        assert!(matches!(e, VerifyError::BodyShape(_)), "{e:?}");
        assert_eq!(e.rejection(), Rejection::InvalidCallback);
    }
    // An array reads as an envelope without any field.
    for body in [&br#"{"code":200,"data":{}}"#[..], b"[]"] {
        let e = check(body);
        assert_eq!(e, VerifyError::MissingTaskId);
        assert_eq!(e.rejection(), Rejection::InvalidCallback);
    }
    let e = check(
        br#"{"code":200,"msg":"ok","data":{"callbackType":"complete","task_id":"other","data":null}}"#,
    );
    assert_eq!(e, VerifyError::Mismatch);
    assert_eq!(e.rejection(), Rejection::Unauthorized);
    let stale = verify(
        lyrics_success().as_bytes(),
        &h,
        &keys(),
        now + Duration::from_secs(3600),
    )
    .unwrap_err();
    assert_eq!(stale.rejection(), Rejection::Unauthorized);
}

#[cfg(feature = "sqlite")]
mod sqlite {
    use std::time::Duration;

    use kie_suno_callbacks::{Error, SqliteOptions, SqliteStore, Store};

    use crate::common::*;

    /// Every message in the chain of `e`, outermost first.
    fn chain(e: &dyn std::error::Error) -> Vec<String> {
        let mut out = vec![e.to_string()];
        let mut next = e.source();
        while let Some(s) = next {
            out.push(s.to_string());
            next = s.source();
        }
        out
    }

    /// While another connection holds the write lock, a write fails with SQLite's
    /// own busy error, kept as the source, and is transient: once the lock is
    /// gone, the same write succeeds.
    #[tokio::test]
    async fn a_locked_database_is_a_transient_sqlite_error_and_a_retry_succeeds() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("busy.db");
        let store = SqliteStore::open(
            &path,
            SqliteOptions::default().busy_timeout(Duration::from_millis(50)),
        )
        .await
        .unwrap();
        let other = rusqlite::Connection::open(&path).unwrap();
        other.execute_batch("BEGIN IMMEDIATE;").unwrap();

        let err = store.record(record("busy", "complete")).await.unwrap_err();
        let Error::Sqlite(cause) = &err else {
            panic!("{err:?}");
        };
        assert_eq!(
            cause.sqlite_error_code(),
            Some(rusqlite::ErrorCode::DatabaseBusy)
        );
        assert!(err.is_transient() && !err.is_closed(), "{err:?}");
        let source = std::error::Error::source(&err)
            .and_then(|s| s.downcast_ref::<rusqlite::Error>())
            .unwrap();
        assert_eq!(
            source.sqlite_error_code(),
            Some(rusqlite::ErrorCode::DatabaseBusy)
        );
        assert_eq!(chain(&err)[0], "sqlite store error");

        other.execute_batch("COMMIT;").unwrap();
        assert!(store
            .record(record("busy", "complete"))
            .await
            .unwrap()
            .is_new());
        store.close().await.unwrap();
    }

    #[tokio::test]
    async fn a_newer_schema_an_unopenable_file_and_a_closed_store_are_not_transient() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("newer.db");
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch("PRAGMA user_version = 7;").unwrap();
        drop(conn);
        let err = SqliteStore::open(&path, SqliteOptions::default())
            .await
            .unwrap_err();
        assert!(
            matches!(
                err,
                Error::SchemaTooNew {
                    found: 7,
                    supported: 4,
                    ..
                }
            ),
            "{err:?}"
        );
        assert_eq!(
            err.to_string(),
            "the database schema version 7 is newer than this build supports (4)"
        );
        assert!(!err.is_transient());

        let err = SqliteStore::open(dir.path().join("no/such/dir.db"), SqliteOptions::default())
            .await
            .unwrap_err();
        let Error::Sqlite(cause) = &err else {
            panic!("{err:?}");
        };
        assert_eq!(
            cause.sqlite_error_code(),
            Some(rusqlite::ErrorCode::CannotOpen)
        );
        assert!(!err.is_transient());
        assert!(chain(&err).len() >= 2, "{:?}", chain(&err));

        let store = SqliteStore::open(dir.path().join("closed.db"), SqliteOptions::default())
            .await
            .unwrap();
        store.close().await.unwrap();
        let err = store.stats().await.unwrap_err();
        assert!(matches!(err, Error::StoreClosed), "{err:?}");
        assert!(err.is_closed() && !err.is_transient());
    }
}

#[cfg(all(feature = "router", feature = "sqlite"))]
mod router {
    use std::error::Error as _;

    use kie_suno_callbacks::{Error, ReceiverConfig};

    use crate::common::*;

    #[tokio::test]
    async fn an_address_in_use_is_a_transient_io_error_with_its_cause() {
        let taken = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = taken.local_addr().unwrap();
        let rig = Rig::new(ReceiverConfig::new()).await;
        let err = rig
            .receiver
            .clone()
            .serve(addr, std::future::pending::<()>())
            .await
            .unwrap_err();
        assert!(
            matches!(
                &err,
                Error::Io {
                    context: "binding the receiver's socket",
                    ..
                }
            ),
            "{err:?}"
        );
        assert_eq!(
            err.to_string(),
            "i/o error while binding the receiver's socket"
        );
        let io = err
            .source()
            .and_then(|s| s.downcast_ref::<std::io::Error>())
            .unwrap();
        assert_eq!(io.kind(), std::io::ErrorKind::AddrInUse);
        assert!(err.is_transient());
    }
}

#[cfg(feature = "postgres")]
mod postgres {
    use std::error::Error as _;
    use std::time::Duration;

    use kie_suno_callbacks::{Error, PostgresOptions, PostgresStore};

    /// Nothing listens on the port: the pool's error keeps the connection error
    /// (and its I/O error) as the source, and a retry may well succeed.
    #[tokio::test]
    async fn a_refused_connection_is_a_transient_pool_error_with_its_cause() {
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        let err = PostgresStore::connect(
            &format!("host=127.0.0.1 port={port} user=nobody password=hunter2 dbname=none"),
            PostgresOptions::default()
                .connect_timeout(Duration::from_secs(2))
                .wait_timeout(Duration::from_secs(2)),
        )
        .await
        .unwrap_err();
        assert!(matches!(err, Error::PostgresPool(_)), "{err:?}");
        assert!(err.is_transient() && !err.is_closed(), "{err:?}");
        let mut io = None;
        let mut next = err.source();
        while let Some(s) = next {
            assert!(!s.to_string().contains("hunter2"), "{s}");
            io = io.or(s.downcast_ref::<std::io::Error>().map(std::io::Error::kind));
            next = s.source();
        }
        assert_eq!(io, Some(std::io::ErrorKind::ConnectionRefused), "{err:?}");
        assert!(!format!("{err:?}").contains("hunter2"), "{err:?}");
    }
}
