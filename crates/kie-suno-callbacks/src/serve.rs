//! Serving on a socket: the accept loop, the registry of open connections with
//! its cap and its shedding, and the glue to hyper's HTTP/1 connections (whose
//! header read timeout is hyper's own).
//!
//! A connection is *waiting* from its accept, and again from the end of each
//! response, until its next request head is complete; it is *busy* while a
//! request is in the router. When the connection cap (or the process's open-file
//! limit) is reached, the connection that has been waiting longest is closed
//! first: the oldest idle keep-alive connection or the slowest sender of a
//! request head, never one whose request is being handled.

use std::collections::HashMap;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, Notify};
use tower::ServiceExt as _;

use crate::metrics::Metrics;

/// The connection limits of one served receiver.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ConnLimits {
    pub(crate) header_read_timeout: Duration,
    pub(crate) idle_timeout: Duration,
    pub(crate) max_connections: usize,
    pub(crate) fd_reserve: usize,
}

/// The effective connection cap: the configured cap, lowered to the process's
/// soft open-file limit minus `fd_reserve` (store files, the PostgreSQL pool,
/// stdio) when that is lower.
pub(crate) fn effective_cap(limits: &ConnLimits) -> (usize, Option<u64>) {
    let fds = nofile_limit();
    let cap = match fds {
        Some(soft) => {
            let by_fds = usize::try_from(soft)
                .unwrap_or(usize::MAX)
                .saturating_sub(limits.fd_reserve);
            limits.max_connections.min(by_fds)
        }
        None => limits.max_connections,
    };
    (cap.max(1), fds)
}

#[cfg(unix)]
fn nofile_limit() -> Option<u64> {
    match rlimit::getrlimit(rlimit::Resource::NOFILE) {
        Ok((soft, _hard)) if soft != rlimit::INFINITY => Some(soft),
        _ => None,
    }
}

#[cfg(not(unix))]
fn nofile_limit() -> Option<u64> {
    None
}

/// One open connection.
struct Conn {
    /// Accept order (breaks ties between equal waiting times).
    id: u64,
    /// Milliseconds since the registry's epoch when the connection last started
    /// waiting for a request (its accept, or the end of its last response).
    waiting_since: AtomicU64,
    /// Whether a byte of the next request arrived since then.
    reading: AtomicBool,
    /// Requests of this connection now in the router.
    busy: AtomicUsize,
    /// Told to close at once.
    shed: Notify,
}

struct Registry {
    epoch: Instant,
    next_id: AtomicU64,
    conns: Mutex<HashMap<u64, Arc<Conn>>>,
    empty: Notify,
}

impl Registry {
    fn now_ms(&self) -> u64 {
        u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<u64, Arc<Conn>>> {
        // A panic while holding this lock leaves the map consistent (inserts and
        // removes only), so a poisoned lock is still usable.
        self.conns
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn len(&self) -> usize {
        self.lock().len()
    }

    fn add(&self) -> (u64, Arc<Conn>) {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let conn = Arc::new(Conn {
            id,
            waiting_since: AtomicU64::new(self.now_ms()),
            reading: AtomicBool::new(false),
            busy: AtomicUsize::new(0),
            shed: Notify::new(),
        });
        self.lock().insert(id, Arc::clone(&conn));
        (id, conn)
    }

    fn remove(&self, id: u64) {
        let mut conns = self.lock();
        conns.remove(&id);
        if conns.is_empty() {
            self.empty.notify_waiters();
        }
    }

    /// Closes the connection that has waited longest for a request head;
    /// `false` when every connection is busy.
    fn shed_one(&self) -> bool {
        let conns = self.lock();
        let victim = conns
            .values()
            .filter(|c| c.busy.load(Ordering::Acquire) == 0)
            .min_by_key(|c| (c.waiting_since.load(Ordering::Acquire), c.id));
        match victim {
            Some(c) => {
                // Keep it from being picked again before its task has closed it.
                c.busy.fetch_add(1, Ordering::AcqRel);
                c.shed.notify_one();
                true
            }
            None => false,
        }
    }

    /// Closes the connections idle (no byte of a next request) for longer than
    /// `idle`.
    fn shed_idle(&self, idle: Duration) -> usize {
        let now = self.now_ms();
        let idle = u64::try_from(idle.as_millis()).unwrap_or(u64::MAX);
        let conns = self.lock();
        let mut n = 0;
        for c in conns.values() {
            if c.busy.load(Ordering::Acquire) == 0
                && !c.reading.load(Ordering::Acquire)
                && now.saturating_sub(c.waiting_since.load(Ordering::Acquire)) > idle
            {
                c.busy.fetch_add(1, Ordering::AcqRel);
                c.shed.notify_one();
                n += 1;
            }
        }
        n
    }
}

/// The socket, noting when bytes of a request arrive.
struct Tracked {
    io: TcpStream,
    conn: Arc<Conn>,
}

impl AsyncRead for Tracked {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.io).poll_read(cx, buf);
        if matches!(polled, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.conn.reading.store(true, Ordering::Release);
        }
        polled
    }
}

impl AsyncWrite for Tracked {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.io).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.io).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }
}

/// Marks a connection busy while a request is in the router; when the request
/// is done, the connection waits again.
struct BusyGuard {
    conn: Arc<Conn>,
    registry: Arc<Registry>,
}

impl BusyGuard {
    fn new(conn: &Arc<Conn>, registry: &Arc<Registry>) -> Self {
        conn.busy.fetch_add(1, Ordering::AcqRel);
        Self {
            conn: Arc::clone(conn),
            registry: Arc::clone(registry),
        }
    }
}

impl Drop for BusyGuard {
    fn drop(&mut self) {
        self.conn.reading.store(false, Ordering::Release);
        self.conn
            .waiting_since
            .store(self.registry.now_ms(), Ordering::Release);
        self.conn.busy.fetch_sub(1, Ordering::AcqRel);
    }
}

/// The backoff after a failed accept: 5 ms doubling to 1 s, reset by a success.
struct Backoff(Duration);

impl Backoff {
    const FIRST: Duration = Duration::from_millis(5);
    const MAX: Duration = Duration::from_secs(1);

    fn next(&mut self) -> Duration {
        let d = self.0;
        self.0 = (self.0 * 2).min(Self::MAX);
        d
    }

    fn reset(&mut self) {
        self.0 = Self::FIRST;
    }
}

/// A failed accept that concerns only the connection being accepted.
fn is_connection_error(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
    )
}

/// Serves `app` on `listener` until `shutdown` resolves, then stops accepting,
/// lets each connection finish the request it is handling (hyper's graceful
/// shutdown), and returns once every connection is closed.
pub(crate) async fn serve<F>(
    listener: TcpListener,
    app: Router,
    limits: ConnLimits,
    observer: Metrics,
    shutdown: F,
) where
    F: Future<Output = ()> + Send + 'static,
{
    let (cap, fds) = effective_cap(&limits);
    tracing::info!(
        max_connections = cap,
        open_file_limit = fds,
        header_read_timeout_ms = limits.header_read_timeout.as_millis() as u64,
        idle_timeout_ms = limits.idle_timeout.as_millis() as u64,
        "connection limits"
    );
    let registry = Arc::new(Registry {
        epoch: Instant::now(),
        next_id: AtomicU64::new(0),
        conns: Mutex::new(HashMap::new()),
        empty: Notify::new(),
    });
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout)
        .keep_alive(true);
    let (stop_tx, stop_rx) = watch::channel(false);

    let reaper = tokio::spawn(reap(
        Arc::clone(&registry),
        limits.idle_timeout,
        observer.clone(),
    ));
    let mut shutdown = std::pin::pin!(shutdown);
    let mut backoff = Backoff(Backoff::FIRST);
    let mut last_warning: Option<Instant> = None;
    loop {
        let accepted = tokio::select! {
            biased;
            () = &mut shutdown => break,
            accepted = listener.accept() => accepted,
        };
        let stream = match accepted {
            Ok((stream, _peer)) => {
                backoff.reset();
                stream
            }
            Err(e) if is_connection_error(&e) => continue,
            Err(e) => {
                // Out of file descriptors (EMFILE / ENFILE) or another resource:
                // free one by closing the longest-waiting connection, and back off
                // instead of spinning on the same error.
                if registry.shed_one() {
                    observer.shed("accept_error");
                }
                let warn = last_warning.is_none_or(|t| t.elapsed() >= Duration::from_secs(10));
                if warn {
                    last_warning = Some(Instant::now());
                    tracing::warn!(error = %e, open = registry.len(), "accept failed; shedding a waiting connection and backing off");
                }
                tokio::time::sleep(backoff.next()).await;
                continue;
            }
        };
        if registry.len() >= cap {
            if registry.shed_one() {
                observer.shed("connection_cap");
            } else {
                // Every connection is handling a request: refuse the new one.
                observer.shed("all_busy");
                drop(stream);
                continue;
            }
        }
        let _ = stream.set_nodelay(true);
        let (id, conn) = registry.add();
        observer.open_connections(registry.len());
        let io = TokioIo::new(Tracked {
            io: stream,
            conn: Arc::clone(&conn),
        });
        let app = app.clone();
        let service_conn = Arc::clone(&conn);
        let service_registry = Arc::clone(&registry);
        let service = hyper::service::service_fn(move |req: hyper::Request<Incoming>| {
            let guard = BusyGuard::new(&service_conn, &service_registry);
            let call = app.clone().oneshot(req.map(Body::new));
            async move {
                let response = call.await;
                drop(guard);
                response
            }
        });
        let connection = builder.serve_connection(io, service);
        let registry = Arc::clone(&registry);
        let observer = observer.clone();
        let mut stop = stop_rx.clone();
        tokio::spawn(async move {
            // Boxed so that dropping it closes the socket before the registry
            // forgets the connection.
            let mut connection = Box::pin(connection);
            let mut draining = *stop.borrow();
            if draining {
                connection.as_mut().graceful_shutdown();
            }
            loop {
                tokio::select! {
                    served = connection.as_mut() => {
                        if let Err(e) = served {
                            tracing::debug!(error = %e, "connection ended with an error");
                        }
                        break;
                    }
                    () = conn.shed.notified() => break,
                    changed = stop.changed(), if !draining => {
                        draining = true;
                        if changed.is_ok() {
                            connection.as_mut().graceful_shutdown();
                        }
                    }
                }
            }
            drop(connection);
            registry.remove(id);
            observer.open_connections(registry.len());
        });
    }
    drop(listener);
    let _ = stop_tx.send(true);
    loop {
        let empty = registry.empty.notified();
        if registry.len() == 0 {
            break;
        }
        empty.await;
    }
    reaper.abort();
}

/// Closes idle connections, checking a few times per idle timeout.
async fn reap(registry: Arc<Registry>, idle: Duration, observer: Metrics) {
    let every = (idle / 4).clamp(Duration::from_millis(20), Duration::from_secs(1));
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        for _ in 0..registry.shed_idle(idle) {
            observer.shed("idle_timeout");
        }
    }
}
