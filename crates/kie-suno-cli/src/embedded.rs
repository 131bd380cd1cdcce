//! The environment a command runs in: the real API (KIE_API_KEY set) or the embedded
//! simulator plus a local callback receiver, and the callback-settled wait that both share.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use base64::Engine;
use futures::StreamExt;
use kie_suno_callbacks::{
    Keys, Outcomes, PostgresOptions, PostgresStore, Receiver, ReceiverConfig, SqliteOptions,
    SqliteStore, Store,
};
use kie_suno_client::{Client, Signal, WaitOptions};
use kie_suno_sim::{SimConfig, SimHandle, Simulator};
use kie_suno_types::{CallbackFamily, TaskId};
use secrecy::SecretString;
use tokio::sync::oneshot;

use crate::args::{Follow, Global};
use crate::confirmer::ClientConfirmer;
use crate::output::Spinner;

/// Where a command's requests go and how their outcomes arrive.
pub struct Env {
    pub client: Client,
    /// The callback URL to send with each task.
    pub callback_url: Option<String>,
    /// The local receiver's outcome stream, when one runs.
    pub outcomes: Option<Outcomes>,
    /// True on the embedded simulator.
    pub simulated: bool,
    poll: Duration,
    _sim: Option<SimHandle>,
    receiver: Option<RunningReceiver>,
    scratch: Option<PathBuf>,
}

struct RunningReceiver {
    stop: oneshot::Sender<()>,
    serving: kie_suno_callbacks::Serving,
}

impl std::fmt::Debug for Env {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Env")
            .field("client", &self.client)
            .field("callback_url", &self.callback_url)
            .field("simulated", &self.simulated)
            .finish_non_exhaustive()
    }
}

/// The HMAC keys of a receiver: KIE_WEBHOOK_HMAC_KEY plus the lines of a key file.
pub fn hmac_keys_from_env(file: Option<&std::path::Path>) -> anyhow::Result<Vec<SecretString>> {
    let mut keys = Vec::new();
    if let Ok(k) = std::env::var("KIE_WEBHOOK_HMAC_KEY") {
        if !k.trim().is_empty() {
            keys.push(SecretString::from(k.trim().to_owned()));
        }
    }
    if let Some(path) = file {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the hmac key file {}", path.display()))?;
        keys.extend(
            text.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
                .map(|l| SecretString::from(l.to_owned())),
        );
    }
    Ok(keys)
}

/// Opens the callback store named by `db`: a postgres:// URL (or a key=value
/// connection string with `host=`), else a SQLite file path.
pub async fn open_store(db: &str) -> anyhow::Result<Arc<dyn Store>> {
    if db.starts_with("postgres://") || db.starts_with("postgresql://") || db.contains("host=") {
        Ok(Arc::new(
            PostgresStore::connect(db, PostgresOptions::default())
                .await
                .context("cannot connect to PostgreSQL")?,
        ))
    } else {
        Ok(Arc::new(
            SqliteStore::open(db, SqliteOptions::default())
                .await
                .with_context(|| format!("cannot open the SQLite store {db}"))?,
        ))
    }
}

impl Env {
    /// Chooses the environment for a task-submitting command.
    pub async fn for_task(
        global: &Global,
        follow: &Follow,
        family: CallbackFamily,
    ) -> anyhow::Result<Self> {
        match api_key() {
            Some(key) => Self::real(global, follow, family, key).await,
            None if global.base_url.is_some() => {
                Self::standalone(
                    global,
                    follow.callback_url.clone(),
                    Some(family),
                    follow.poll_interval,
                )
                .await
            }
            None => Self::embedded(global, Some(family)).await,
        }
    }

    /// Refuses a `--timeout` shorter than the first poll interval (the wait would
    /// give up before its first look, after the task was billed): a usage error
    /// before anything is sent.
    pub fn check_timeout(global: &Global, timeout: u64, poll_interval: u64) -> anyhow::Result<()> {
        let first_poll = if api_key().is_none() && global.base_url.is_none() {
            // The embedded simulator is polled every 0.5 s.
            1
        } else {
            poll_interval.max(1)
        };
        if timeout < first_poll {
            anyhow::bail!(crate::exit::Usage(format!(
                "--timeout {timeout} is shorter than the first poll ({first_poll} s): the task would be \
                 billed and given up on before its first look; use --timeout {first_poll} or more"
            )));
        }
        Ok(())
    }

    /// The API at `--base-url` without a key (a standalone `kie-suno sim`): a
    /// placeholder key is sent; for a callback family without `--callback-url`, a
    /// local receiver on 127.0.0.1 takes the callbacks (they make the waiter poll
    /// at once; signatures are checked when KIE_WEBHOOK_HMAC_KEY is set).
    async fn standalone(
        global: &Global,
        callback_url: Option<String>,
        family: Option<CallbackFamily>,
        poll_interval: u64,
    ) -> anyhow::Result<Self> {
        let base = global.base_url.clone().unwrap_or_default();
        let client = Client::builder()
            .api_key("kie-suno-no-key")
            .base_url(base.clone())
            .build()
            .context("cannot build the client")?;
        let mut env = Self::bare(client, false);
        env.poll = Duration::from_secs(poll_interval.max(1));
        let receiver_note = match (family, callback_url) {
            (_, Some(url)) => {
                env.callback_url = Some(url);
                String::new()
            }
            (None, None) => String::new(),
            (Some(family), None) => {
                let dir = scratch_dir()?;
                let store = open_store(&dir.join("callbacks.db").to_string_lossy()).await?;
                let keys = hmac_keys_from_env(None)?;
                // Terminal callbacks are confirmed through the same API's record-info.
                let confirmer = ClientConfirmer::new(env.client.clone());
                let (receiver, addr) = start_receiver(
                    SocketAddr::from(([127, 0, 0, 1], 0)),
                    keys,
                    store,
                    Some(confirmer),
                )
                .await?;
                env.callback_url = Some(format!(
                    "http://{addr}{}",
                    kie_suno_callbacks::callback_path(family)
                ));
                env.outcomes = Some(receiver.serving.outcomes());
                env.receiver = Some(receiver);
                env.scratch = Some(dir);
                format!(" and a local callback receiver at http://{addr}")
            }
        };
        if !global.quiet {
            eprintln!(
                "KIE_API_KEY is not set: using the API at {base} without a key{receiver_note}"
            );
        }
        Ok(env)
    }

    /// For a task followed by polling only (Generate Sounds: no callback is
    /// documented): no receiver; `callback_url` is sent when given.
    pub async fn for_polling(
        global: &Global,
        callback_url: Option<String>,
        poll_interval: u64,
    ) -> anyhow::Result<Self> {
        match api_key() {
            Some(key) => {
                let mut env = Self::bare(build_client(global, key)?, false);
                env.callback_url = callback_url;
                env.poll = Duration::from_secs(poll_interval.max(1));
                Ok(env)
            }
            None if global.base_url.is_some() => {
                Self::standalone(global, callback_url, None, poll_interval).await
            }
            None => Self::embedded(global, None).await,
        }
    }

    /// Only a client (no callbacks needed): details, credits.
    pub async fn for_query(global: &Global) -> anyhow::Result<Self> {
        match api_key() {
            Some(key) => {
                let client = build_client(global, key)?;
                Ok(Self::bare(client, false))
            }
            None if global.base_url.is_some() => Self::standalone(global, None, None, 10).await,
            None => {
                anyhow::bail!(crate::exit::Usage(
                    "KIE_API_KEY is not set: this command needs the real API, or --base-url \
                     (KIE_BASE_URL) of a running `kie-suno sim` (the embedded simulator lives \
                     only as long as one `lyrics`, `music` or `sounds` run)"
                        .to_owned()
                ))
            }
        }
    }

    fn bare(client: Client, simulated: bool) -> Self {
        Self {
            client,
            callback_url: None,
            outcomes: None,
            simulated,
            poll: Duration::from_secs(10),
            _sim: None,
            receiver: None,
            scratch: None,
        }
    }

    async fn real(
        global: &Global,
        follow: &Follow,
        family: CallbackFamily,
        key: String,
    ) -> anyhow::Result<Self> {
        let client = build_client(global, key)?;
        let mut env = Self::bare(client, false);
        env.poll = Duration::from_secs(follow.poll_interval.max(1));
        let Some(callback_url) = follow.callback_url.clone() else {
            if follow.listen.is_some() {
                anyhow::bail!(crate::exit::Usage(
                    "--listen receives callbacks at --callback-url: pass --callback-url URL \
                     (or set KIE_CALLBACK_URL)"
                        .to_owned()
                ));
            }
            if callback_optional(family) {
                // The newest docs make the URL optional here: poll only.
                return Ok(env);
            }
            anyhow::bail!(crate::exit::Usage(
                "the API requires a callBackUrl: pass --callback-url URL (or set KIE_CALLBACK_URL); \
                 add --listen ADDR to receive the callback here"
                    .to_owned()
            ));
        };
        env.callback_url = Some(callback_url);
        if let Some(bind) = follow.listen {
            // A persistent store: callbacks acknowledged here stay after the run
            // (a `complete` arriving after --stop-at first, or after a timeout).
            let keys = hmac_keys_from_env(follow.hmac_key_file.as_deref())?;
            let store = open_store(&follow.db).await?;
            // A key is set (this is the real API): terminal callbacks are
            // confirmed through record-info after the 200.
            let confirmer = ClientConfirmer::new(env.client.clone());
            let (receiver, _) = start_receiver(bind, keys, store, Some(confirmer)).await?;
            env.outcomes = Some(receiver.serving.outcomes());
            env.receiver = Some(receiver);
        }
        Ok(env)
    }

    /// The embedded simulator, and for a `family` a local receiver of its
    /// callbacks (without one the task is followed by polling).
    async fn embedded(global: &Global, family: Option<CallbackFamily>) -> anyhow::Result<Self> {
        // A fresh random webhook key, shared by the simulator (signs) and the receiver
        // (verifies), so the run exercises the real signature path.
        let mut raw = [0u8; 32];
        rand::Rng::fill(&mut rand::thread_rng(), &mut raw[..]);
        let key = base64::engine::general_purpose::STANDARD.encode(raw);

        let sim = Simulator::spawn(SimConfig::new().with_hmac_key(key.clone()))
            .await
            .context("cannot start the embedded simulator")?;
        let Some(family) = family else {
            if !global.quiet {
                eprintln!(
                    "KIE_API_KEY is not set: using the embedded simulator at {}",
                    sim.base_url
                );
            }
            let client = embedded_client(global, &sim)?;
            let mut env = Self::bare(client, true);
            env.poll = Duration::from_millis(500);
            env._sim = Some(sim);
            return Ok(env);
        };
        // The run's receiver lives as long as the run: its store is scratch.
        let dir = scratch_dir()?;
        let store = open_store(&dir.join("callbacks.db").to_string_lossy()).await?;
        let client = embedded_client(global, &sim)?;
        let (receiver, addr) = start_receiver(
            SocketAddr::from(([127, 0, 0, 1], 0)),
            vec![SecretString::from(key)],
            store,
            Some(ClientConfirmer::new(client.clone())),
        )
        .await?;
        let callback_url = format!("http://{addr}{}", kie_suno_callbacks::callback_path(family));
        if !global.quiet {
            eprintln!(
                "KIE_API_KEY is not set: using the embedded simulator at {} and a local callback receiver at http://{addr}",
                sim.base_url
            );
        }
        Ok(Self {
            client,
            callback_url: Some(callback_url),
            outcomes: Some(receiver.serving.outcomes()),
            simulated: true,
            poll: Duration::from_millis(500),
            _sim: Some(sim),
            receiver: Some(receiver),
            scratch: Some(dir),
        })
    }

    /// Polls every `poll` (with a real API; the embedded simulator keeps its pace).
    pub fn with_poll(mut self, poll: Duration) -> Self {
        if !self.simulated {
            self.poll = poll.max(Duration::from_secs(1));
        }
        self
    }

    /// Subscribes to the local receiver's callbacks. Call it before submitting, so
    /// that a callback arriving before the wait starts is not missed.
    pub fn subscribe(&self) -> Option<Subscription> {
        self.outcomes
            .as_ref()
            .map(|o| Subscription(o.subscribe(), o.clone()))
    }

    /// Wait options: polling at the environment's pace, raced against the local
    /// receiver's callbacks for `task_id` when a receiver runs; each new status is
    /// shown on the spinner.
    pub fn wait_options(
        &self,
        task_id: &TaskId,
        timeout: Duration,
        subscription: Option<Subscription>,
        spinner: &Spinner,
    ) -> WaitOptions {
        spinner.status(&format!("task {task_id}: PENDING"));
        let max = if self.simulated {
            Duration::from_secs(2)
        } else {
            self.poll.max(Duration::from_secs(30))
        };
        let mut options = WaitOptions::new()
            .with_delays(self.poll, max)
            .with_deadline(timeout)
            .on_status({
                let spinner = spinner.clone();
                let task_id = task_id.clone();
                move |status: &str| spinner.status(&format!("task {task_id}: {status}"))
            });
        if let Some(Subscription(stream, outcomes)) = subscription {
            let wanted = task_id.clone();
            // KIE signs the task id and timestamp, not the body: a callback never
            // settles the wait by itself. A confirmed outcome (record-info, fetched
            // by the receiver's confirmer) or a signed callback makes the waiter
            // poll now, and the details endpoint says what happened.
            options = options.with_signal_stream(stream.into_stream().filter_map(move |event| {
                let wanted = wanted.clone();
                let outcomes = outcomes.clone();
                async move {
                    if event.task_id != wanted {
                        return None;
                    }
                    outcomes.settles(&event).map(|_| Signal::PollNow)
                }
            }));
        }
        options
    }

    /// Stops the receiver (graceful) and removes scratch files.
    pub async fn close(mut self) {
        if let Some(r) = self.receiver.take() {
            let _ = r.stop.send(());
            let _ = r.serving.wait().await;
        }
        if let Some(dir) = self.scratch.take() {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

/// KIE_API_KEY, when set to something.
fn api_key() -> Option<String> {
    std::env::var("KIE_API_KEY")
        .ok()
        .filter(|k| !k.trim().is_empty())
}

/// A subscription to the local receiver's outcome stream, from the newest event.
#[derive(Debug)]
pub struct Subscription(kie_suno_callbacks::OutcomeStream, Outcomes);

/// Whether a family's create request may go without a `callBackUrl` (the
/// newest docs: lyrics and cover images); the others require one.
fn callback_optional(family: CallbackFamily) -> bool {
    matches!(family, CallbackFamily::Lyrics | CallbackFamily::CoverImage)
}

fn embedded_client(global: &Global, sim: &SimHandle) -> anyhow::Result<Client> {
    let mut builder = Client::builder()
        .api_key("embedded-simulator")
        .base_url(sim.base_url.clone());
    if global.self_paced {
        builder = builder.rate_limit(None);
    }
    builder.build().context("cannot build the client")
}

fn build_client(global: &Global, key: String) -> anyhow::Result<Client> {
    let mut builder = Client::builder().api_key(key);
    if let Some(url) = &global.base_url {
        if !global.quiet {
            eprintln!("using the API at {url}");
        }
        builder = builder.base_url(url.clone());
    }
    if global.self_paced {
        builder = builder.rate_limit(None);
    }
    builder.build().context("cannot build the client")
}

fn scratch_dir() -> anyhow::Result<PathBuf> {
    let mut suffix = [0u8; 8];
    rand::Rng::fill(&mut rand::thread_rng(), &mut suffix[..]);
    let name = format!(
        "kie-suno-{}-{}",
        std::process::id(),
        suffix
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    );
    let dir = std::env::temp_dir().join(name);
    std::fs::create_dir_all(&dir)
        .with_context(|| format!("cannot create a scratch directory at {}", dir.display()))?;
    Ok(dir)
}

async fn start_receiver(
    bind: SocketAddr,
    keys: Vec<SecretString>,
    store: Arc<dyn Store>,
    confirmer: Option<ClientConfirmer>,
) -> anyhow::Result<(RunningReceiver, SocketAddr)> {
    let keys = if keys.is_empty() {
        Keys::none()
    } else {
        Keys::new(keys).context("invalid hmac key")?
    };
    let mut config = ReceiverConfig::new().keys(keys);
    if let Some(confirmer) = confirmer {
        config = config.confirmer(confirmer);
    }
    let receiver = Receiver::new(config, store);
    let (stop, stopped) = oneshot::channel::<()>();
    let serving = receiver
        .serve(bind, async {
            let _ = stopped.await;
        })
        .await
        .with_context(|| format!("cannot start the callback receiver on {bind}"))?;
    let addr = serving.local_addr();
    Ok((RunningReceiver { stop, serving }, addr))
}
