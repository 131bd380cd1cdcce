//! `kie-suno callbacks serve` (the receiver standalone) and `kie-suno sim` (the
//! simulator standalone).

use std::time::Duration;

use anyhow::Context;
use kie_suno_callbacks::{Endpoints, Keys, Receiver, ReceiverConfig};
use kie_suno_sim::{SimConfig, Timing};

use crate::args::{Global, ServeArgs, SimCmd};
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
pub async fn callbacks_serve(global: &Global, args: ServeArgs) -> anyhow::Result<()> {
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
        .require_submitted(args.require_submitted)
        .header_read_timeout(Duration::from_millis(args.header_read_timeout_ms))
        .body_read_timeout(Duration::from_millis(args.body_read_timeout_ms))
        .idle_timeout(Duration::from_millis(args.idle_timeout_ms))
        .max_connections(args.max_connections)
        .fd_reserve(args.fd_reserve)
        .max_in_flight(args.max_in_flight)
        .drain_limit(args.drain_limit)
        .endpoints(if args.no_ops_endpoints {
            Endpoints::none()
        } else {
            Endpoints::all()
        });
    let config = crate::callbacks_cmd::with_confirmer(config, global, &args.confirm)?;
    let serving = Receiver::new(config, store)
        .serve(args.bind, shutdown_signal())
        .await
        .with_context(|| format!("cannot listen on {}", args.bind))?;
    crate::output::println(&format!("listening on http://{}", serving.local_addr()))?;
    serving.wait().await.context("the receiver failed")?;
    Ok(())
}

/// The simulator's config for `kie-suno sim`. The accepted API key comes from
/// KIE_SIM_API_KEY (any non-empty key when unset), the webhook key from
/// KIE_SIM_HMAC_KEY (unsigned callbacks when unset).
pub fn sim_config(cmd: &SimCmd) -> SimConfig {
    let step = Duration::from_millis(cmd.step_ms);
    let mut config = SimConfig::new()
        .with_timing(Timing::uniform(step))
        .with_credits(cmd.credits);
    if let Some(seed) = cmd.seed {
        config = config.with_seed(seed);
    }
    if let Some(base) = &cmd.public_base_url {
        config = config.with_files_base_url(base.as_str());
    }
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
    config
}

/// Runs the simulator until Ctrl-C / SIGTERM; prints `listening on http://ADDR` and
/// `seed: N` on stdout once bound.
/// With `json`, one line instead: `{"listening": URL, "seed": N}`.
pub async fn sim(cmd: SimCmd, json: bool) -> anyhow::Result<()> {
    let config = sim_config(&cmd);
    let handle = kie_suno_sim::Simulator::spawn_on(cmd.bind, config)
        .await
        .with_context(|| format!("cannot start the simulator on {}", cmd.bind))?;
    if json {
        crate::output::println(
            &serde_json::json!({ "listening": handle.base_url, "seed": handle.seed() }).to_string(),
        )?;
    } else {
        crate::output::println(&format!("listening on {}", handle.base_url))?;
        crate::output::println(&format!(
            "seed: {} (--seed {} repeats this run)",
            handle.seed(),
            handle.seed()
        ))?;
    }
    shutdown_signal().await;
    handle.shutdown().await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::{CommandFactory as _, Parser as _};

    fn parse(args: &[&str]) -> SimCmd {
        let cli = crate::args::Cli::parse_from(["kie-suno", "sim"].iter().chain(args));
        match cli.command {
            crate::args::Command::Sim(cmd) => cmd,
            other => panic!("not sim: {other:?}"),
        }
    }

    /// What `--help` says a task takes is what the default step makes it take.
    #[test]
    fn the_help_tells_the_true_task_times() {
        let cmd = parse(&[]);
        let timing = sim_config(&cmd).timing;
        let secs = |d: Duration| format!("{} s", d.as_secs_f64());
        let lyrics = secs(timing.lyrics);
        let music = secs(timing.music_text + timing.music_first + timing.music_complete);
        let media = secs(timing.media);
        let mut cli = crate::args::Cli::command();
        let help = cli
            .find_subcommand_mut("sim")
            .map(|c| c.render_long_help().to_string())
            .unwrap_or_default();
        let help = help.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            help.contains(&format!("lyrics or media task, one stage, takes {lyrics}")),
            "{help}"
        );
        assert!(
            help.contains(&format!("music task, three stages, {music}")),
            "{help}"
        );
        assert_eq!(lyrics, media);
    }

    #[test]
    fn seed_and_public_base_url_reach_the_config() {
        let config = sim_config(&parse(&[
            "--seed",
            "42",
            "--public-base-url",
            "https://sim.example.com",
        ]));
        assert_eq!(config.seed, 42);
        assert_eq!(
            config.files_base_url.as_deref(),
            Some("https://sim.example.com/")
        );
        assert_ne!(sim_config(&parse(&[])).seed, sim_config(&parse(&[])).seed);
    }
}
