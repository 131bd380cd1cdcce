//! The server side of `cargo xtask bench` and `drill`: what runs in the child process under
//! test, the `xtask-serve` binary (`src/bin/xtask-serve.rs`). It is a binary of its own so
//! that the servers run with the allocator of the shipped `kie-suno` binary (mimalloc) while
//! the load generator, in the `xtask` binary, keeps the system allocator it has always had:
//! the ratios against the bare handler then measure the servers, not a faster load
//! generator.
//!
//! Kinds: `bare` (an axum handler that reads the body and answers 200), `sqlite` and
//! `postgres` (the receiver's router on that store), `served` (the receiver on SQLite through
//! its own `serve_listener`, with `--nofile N` lowering the open-file limit first). The HMAC
//! key comes from `KIE_WEBHOOK_HMAC_KEY`. Once listening, it prints [`LISTENING`] and the
//! address on stdout.

use std::io::Write as _;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use anyhow::{bail, Context, Result};
use axum::http::StatusCode;
use axum::Router;
use kie_suno_callbacks::{
    Keys, PostgresOptions, PostgresStore, Receiver, ReceiverConfig, SqliteOptions, SqliteStore,
    Store,
};
use secrecy::SecretString;

use crate::args::Args;

/// The line a server prints on stdout once it accepts connections.
pub const LISTENING: &str = "listening on http://";

/// Runs a server under test in this process; `words` are `<kind> [--option value]...`.
pub fn main(words: &[String]) -> Result<()> {
    let Some((kind, rest)) = words.split_first() else {
        bail!("xtask-serve: missing kind (bare|sqlite|postgres|served)");
    };
    let args = Args::parse(rest)?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    if kind == "served" {
        if let Some(n) = args.opt::<u64>("nofile")? {
            let (_, hard) = rlimit::getrlimit(rlimit::Resource::NOFILE)?;
            rlimit::setrlimit(rlimit::Resource::NOFILE, n.min(hard), hard)
                .context("lowering the open-file limit")?;
        }
        let path: String = args
            .opt("db")?
            .context("xtask-serve served: --db PATH is required")?;
        return rt.block_on(async {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
            let receiver = sqlite_receiver(Path::new(&path)).await?;
            let addr = listener.local_addr()?;
            let serving = receiver
                .serve_listener(listener, std::future::pending())
                .await?;
            announce(addr)?;
            serving.wait().await?;
            Ok(())
        });
    }
    rt.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let router = match kind.as_str() {
            "bare" => bare_router(),
            "sqlite" => {
                let path: String = args
                    .opt("db")?
                    .context("xtask-serve sqlite: --db PATH is required")?;
                let max_batch = args.opt::<usize>("max-batch")?;
                sqlite_router(Path::new(&path), max_batch).await?
            }
            "postgres" => {
                let url: String = args
                    .opt("url")?
                    .context("xtask-serve postgres: --url URL is required")?;
                postgres_router(&url, args.opt("writers")?).await?
            }
            other => bail!("xtask-serve: unknown kind {other:?}"),
        };
        announce(listener.local_addr()?)?;
        axum::serve(listener, router).await?;
        Ok(())
    })
}

/// Prints the `listening on` line and flushes it so the parent learns the port.
pub fn announce(addr: SocketAddr) -> Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{LISTENING}{addr}")?;
    out.flush()?;
    Ok(())
}

fn bare_router() -> Router {
    Router::new().fallback(|_body: bytes::Bytes| async { StatusCode::OK })
}

fn receiver(store: Arc<dyn Store>) -> Result<Router> {
    Ok(signed_receiver(store)?.router())
}

fn signed_receiver(store: Arc<dyn Store>) -> Result<Receiver> {
    let key = std::env::var("KIE_WEBHOOK_HMAC_KEY")
        .context("KIE_WEBHOOK_HMAC_KEY must hold the webhook key")?;
    let keys = Keys::new([SecretString::from(key)])?;
    Ok(Receiver::new(ReceiverConfig::new().keys(keys), store))
}

/// The receiver on a SQLite file with its default limits, served by its own
/// `serve_listener` (connection caps and timeouts included): for the `served` kind.
async fn sqlite_receiver(db: &Path) -> Result<Receiver> {
    let store = SqliteStore::open(db, SqliteOptions::default()).await?;
    signed_receiver(Arc::new(store))
}

/// The receiver on a SQLite file (the store's default options: WAL, group commit,
/// `Synchronous::Full`; `max_batch` when given), as a router, for the `sqlite` kind.
/// (`commit_delay` is not offered: with `Synchronous::Full` the writer does not use it.)
async fn sqlite_router(db: &Path, max_batch: Option<usize>) -> Result<Router> {
    let mut options = SqliteOptions::default();
    if let Some(n) = max_batch {
        options = options.max_batch(n);
    }
    let store = SqliteStore::open(db, options).await?;
    receiver(Arc::new(store))
}

/// The receiver on PostgreSQL (default options; `writers` when given), as a router, for the `postgres` kind.
async fn postgres_router(url: &str, writers: Option<usize>) -> Result<Router> {
    let mut options = PostgresOptions::default();
    if let Some(n) = writers {
        options = options.writers(n);
    }
    let store = PostgresStore::connect(url, options).await?;
    receiver(Arc::new(store))
}
