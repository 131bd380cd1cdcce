//! Running the simulator: `Simulator::spawn` for tests (127.0.0.1, port 0), `serve`
//! for the CLI, and the `SimHandle` that reads counters and shuts the server down.

use std::future::Future;
use std::net::SocketAddr;

use kie_suno_types::TaskId;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::config::SimConfig;
use crate::error::SimError;
use crate::state::SimState;
use crate::stats::Stats;

/// Entry point for running a simulator.
#[derive(Debug)]
#[non_exhaustive]
pub struct Simulator;

impl Simulator {
    /// Starts a simulator on `127.0.0.1:0` in the current tokio runtime. It stops
    /// when the handle is dropped or [`SimHandle::shutdown`] is called.
    pub async fn spawn(config: SimConfig) -> Result<SimHandle, SimError> {
        Self::spawn_on(
            "127.0.0.1:0"
                .parse()
                .unwrap_or(SocketAddr::from(([127, 0, 0, 1], 0))),
            config,
        )
        .await
    }

    /// Starts a simulator on `addr` (a wildcard address is reported as
    /// `127.0.0.1` in `base_url`).
    pub async fn spawn_on(addr: SocketAddr, config: SimConfig) -> Result<SimHandle, SimError> {
        let listener = TcpListener::bind(addr)
            .await
            .map_err(|source| SimError::Bind {
                addr: addr.to_string(),
                source,
            })?;
        let local = listener.local_addr().map_err(SimError::Serve)?;
        let base_url = format!("http://{}", reachable(local));
        let state = SimState::bound(config, base_url.clone());
        tracing::info!(addr = %local, seed = state.seed(), "kie-suno simulator started");
        let app = crate::routes::router(state.clone());
        let (tx, rx) = oneshot::channel::<()>();
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = rx.await;
                })
                .await;
        });
        Ok(SimHandle {
            base_url,
            addr: local,
            state,
            stop: Some(tx),
            server: Some(server),
        })
    }
}

/// A running simulator. Dropping it stops the server, task drivers and callback
/// deliveries.
#[derive(Debug)]
pub struct SimHandle {
    /// `http://127.0.0.1:<port>`: use as the client's base URL.
    pub base_url: String,
    /// The bound address.
    pub addr: SocketAddr,
    state: SimState,
    stop: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<()>>,
}

impl SimHandle {
    /// `base_url` + `path`, e.g. `sim.url("/api/v1/lyrics")`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// The seed of this run ([`SimConfig::seed`]): give it to
    /// [`SimConfig::with_seed`] to repeat the run's ids.
    pub fn seed(&self) -> u64 {
        self.state.seed()
    }

    /// The state behind the server (for [`router`](crate::router) or direct reads).
    pub fn state(&self) -> &SimState {
        &self.state
    }

    /// A snapshot of the counters.
    pub fn stats(&self) -> Stats {
        self.state.stats()
    }

    /// How many task-creating POSTs carried exactly this `prompt` (whatever their
    /// outcome): assert "submitted once" with it.
    pub fn count_generate(&self, prompt: &str) -> u64 {
        self.state.stats().submissions_of(prompt)
    }

    /// The current status of a task, as its record spells it.
    pub fn task_status(&self, task_id: &TaskId) -> Option<String> {
        self.state.task_status(task_id)
    }

    /// Moves a task to its next state now (for [`Timing::manual`](crate::Timing::manual)).
    pub fn advance(&self, task_id: &TaskId) -> Option<String> {
        self.state.advance(task_id)
    }

    /// Waits until every automatic state change and callback delivery in flight
    /// has finished.
    pub async fn settle(&self) {
        self.state.settle().await;
    }

    /// Stops the server gracefully and waits for it.
    pub async fn shutdown(mut self) {
        self.signal();
        if let Some(server) = self.server.take() {
            let _ = server.await;
        }
    }

    fn signal(&mut self) {
        self.state.stop();
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
    }
}

impl Drop for SimHandle {
    fn drop(&mut self) {
        self.signal();
    }
}

/// The address clients on this machine use: a wildcard bind (`0.0.0.0`, `::`) is
/// reached through loopback.
fn reachable(local: SocketAddr) -> SocketAddr {
    if local.ip().is_unspecified() {
        SocketAddr::new(std::net::Ipv4Addr::LOCALHOST.into(), local.port())
    } else {
        local
    }
}

/// Serves the simulator on `bind` until Ctrl-C (for `kie-suno sim`).
pub async fn serve(config: SimConfig, bind: SocketAddr) -> Result<(), SimError> {
    serve_with_shutdown(config, bind, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await
}

/// Serves the simulator on `bind` until `signal` completes.
pub async fn serve_with_shutdown(
    config: SimConfig,
    bind: SocketAddr,
    signal: impl Future<Output = ()> + Send + 'static,
) -> Result<(), SimError> {
    let listener = TcpListener::bind(bind)
        .await
        .map_err(|source| SimError::Bind {
            addr: bind.to_string(),
            source,
        })?;
    let local = listener.local_addr().map_err(SimError::Serve)?;
    let state = SimState::bound(config, format!("http://{}", reachable(local)));
    tracing::info!(addr = %local, seed = state.seed(), "kie-suno simulator listening");
    let result = axum::serve(listener, crate::routes::router(state.clone()))
        .with_graceful_shutdown(signal)
        .await
        .map_err(SimError::Serve);
    state.stop();
    result
}
