//! `kie-suno callbacks serve` (the receiver standalone) and `kie-suno sim` (the
//! simulator standalone).

use std::time::Duration;

use anyhow::Context;
use kie_suno_callbacks::{Keys, Receiver, ReceiverConfig};
use kie_suno_sim::{SimConfig, Timing};

use crate::args::{ServeArgs, SimCmd};
use crate::embedded::{hmac_keys_from_env, open_store};

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}

/// Runs the receiver until Ctrl-C / SIGTERM; prints `listening on http://ADDR` on
/// stdout once bound.
pub async fn callbacks_serve(args: ServeArgs) -> anyhow::Result<()> {
    let store = open_store(&args.db).await?;
    let keys = hmac_keys_from_env(args.hmac_key_file.as_deref())?;
    let keys = if keys.is_empty() {
        Keys::none()
    } else {
        Keys::new(keys).context("invalid hmac key")?
    }
    .with_window(Duration::from_secs(args.replay_window));
    let config = ReceiverConfig::new()
        .keys(keys)
        .body_limit(args.body_limit)
        .require_submitted(args.require_submitted);
    let serving = Receiver::new(config, store)
        .serve(args.bind, shutdown_signal())
        .await
        .with_context(|| format!("cannot listen on {}", args.bind))?;
    println!("listening on http://{}", serving.local_addr());
    serving.wait().await.context("the receiver failed")?;
    Ok(())
}

/// Runs the simulator until Ctrl-C / SIGTERM. The accepted API key comes from
/// KIE_SIM_API_KEY (any non-empty key when unset), the webhook key from
/// KIE_SIM_HMAC_KEY (unsigned callbacks when unset).
pub async fn sim(cmd: SimCmd) -> anyhow::Result<()> {
    let step = Duration::from_millis(cmd.step_ms);
    let mut config = SimConfig::new()
        .with_timing(Timing::uniform(step))
        .with_credits(cmd.credits);
    if let Ok(key) = std::env::var("KIE_SIM_API_KEY") {
        if !key.trim().is_empty() {
            config = config.with_api_key(key);
        }
    }
    if let Ok(key) = std::env::var("KIE_SIM_HMAC_KEY") {
        if !key.trim().is_empty() {
            config = config.with_hmac_key(key);
        }
    }
    let handle = kie_suno_sim::Simulator::spawn_on(cmd.bind, config)
        .await
        .with_context(|| format!("cannot start the simulator on {}", cmd.bind))?;
    println!("listening on {}", handle.base_url);
    shutdown_signal().await;
    handle.shutdown().await;
    Ok(())
}
