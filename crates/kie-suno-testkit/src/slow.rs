//! Slow clients ("slowloris"): connections that send a request head one byte at a
//! time and never finish it, reconnecting whenever the server closes them. For the
//! receiver's connection-limit test and the `cargo xtask drill slowloris` figure.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;
use tokio::task::JoinHandle;

/// What the slow clients saw.
#[derive(Debug, Default)]
pub struct SlowCounts {
    /// Connections now open (connected, not yet closed by the server).
    pub open: AtomicU64,
    /// Connections made, reconnections included.
    pub connects: AtomicU64,
    /// Connections the server closed (or that failed to connect).
    pub closed: AtomicU64,
}

/// A running set of slow clients; stops (and closes its connections) on
/// [`SlowClients::stop`] or drop.
#[derive(Debug)]
pub struct SlowClients {
    stop: Arc<AtomicBool>,
    tasks: Vec<JoinHandle<()>>,
    /// What they saw so far.
    pub counts: Arc<SlowCounts>,
}

impl SlowClients {
    /// Starts `n` clients against `addr`, each sending one byte of a request head
    /// every `every`, reconnecting after a close (waiting `every` first).
    pub fn start(addr: SocketAddr, n: usize, every: Duration) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let counts = Arc::new(SlowCounts::default());
        let tasks = (0..n)
            .map(|_| {
                let stop = Arc::clone(&stop);
                let counts = Arc::clone(&counts);
                tokio::spawn(async move {
                    while !stop.load(Ordering::Relaxed) {
                        slow_connection(addr, every, &stop, &counts).await;
                        counts.closed.fetch_add(1, Ordering::Relaxed);
                        tokio::time::sleep(every).await;
                    }
                })
            })
            .collect();
        Self {
            stop,
            tasks,
            counts,
        }
    }

    /// Connections now open.
    pub fn open(&self) -> u64 {
        self.counts.open.load(Ordering::Relaxed)
    }

    /// Stops every client and waits for them to close their connections.
    pub async fn stop(mut self) {
        self.stop.store(true, Ordering::Relaxed);
        for t in self.tasks.drain(..) {
            t.abort();
            let _ = t.await;
        }
    }
}

impl Drop for SlowClients {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        for t in &self.tasks {
            t.abort();
        }
    }
}

/// Decrements the open count when the connection ends however it ends.
struct Open<'a>(&'a AtomicU64);

impl Drop for Open<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

async fn slow_connection(
    addr: SocketAddr,
    every: Duration,
    stop: &AtomicBool,
    counts: &SlowCounts,
) {
    let Ok(mut stream) = TcpStream::connect(addr).await else {
        return;
    };
    counts.connects.fetch_add(1, Ordering::Relaxed);
    counts.open.fetch_add(1, Ordering::Relaxed);
    let _open = Open(&counts.open);
    if stream
        .write_all(b"POST /callbacks/lyrics HTTP/1.1\r\nHost: slow\r\nX-Slow: ")
        .await
        .is_err()
    {
        return;
    }
    while !stop.load(Ordering::Relaxed) {
        tokio::time::sleep(every).await;
        // A closed connection shows as a failed write (reset or broken pipe),
        // sooner or later; a read would show it at once, but the head must stay
        // unfinished, so one byte at a time it is.
        if stream.write_all(b"a").await.is_err() {
            return;
        }
        let mut probe = [0u8; 64];
        match stream.try_read(&mut probe) {
            Ok(0) => return,
            Ok(_) => return, // an answer (e.g. 408/431): the server is done with it
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
            Err(_) => return,
        }
    }
}
