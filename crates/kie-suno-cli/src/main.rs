//! `kie-suno`: lyrics, music and sounds from the KIE.AI Suno API; offline on the embedded
//! simulator.

mod args;
mod callbacks_args;
mod callbacks_cmd;
mod confirmer;
mod embedded;
mod exit;
mod lyrics;
mod music;
mod output;
mod schema;
mod serve;
mod sounds;

use std::process::ExitCode;

use clap::Parser;

use crate::args::{Cli, Command, LyricsSub};

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_tracing(cli.verbose);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(exit::INTERNAL);
        }
    };
    let result = runtime.block_on(run(cli));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let (code, line, hint) = exit::describe(&e);
            eprintln!("error: {line}");
            if let Some(hint) = hint {
                eprintln!("hint: {hint}");
            }
            ExitCode::from(code)
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let global = cli.global;
    match cli.command {
        Command::Lyrics(cmd) => match cmd.sub {
            Some(LyricsSub::Show(show)) => lyrics::show(&global, show).await,
            None => lyrics::generate(&global, cmd.generate).await,
        },
        Command::Music(cmd) => music::generate(&global, cmd).await,
        Command::Sounds(cmd) => sounds::generate(&global, cmd).await,
        Command::Credits => lyrics::credits(&global).await,
        Command::Callbacks(cmd) => match cmd.sub {
            args::CallbacksSub::Serve(serve) => serve::callbacks_serve(&global, serve).await,
            other => callbacks_cmd::run(&global, other).await,
        },
        Command::Sim(cmd) => serve::sim(cmd).await,
        Command::Schema(cmd) => schema::run(cmd),
    }
}

/// Logs go to stderr; silent (warnings only) unless `-v` or `RUST_LOG` asks.
fn init_tracing(verbose: u8) {
    use tracing_subscriber::EnvFilter;
    let default = match verbose {
        0 => "warn",
        1 => "info,kie_suno=info",
        _ => "debug",
    };
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .try_init();
}
