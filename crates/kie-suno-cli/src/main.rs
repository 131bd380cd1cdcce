//! `kie-suno`: lyrics, music and sounds from the KIE.AI Suno API; offline on the embedded
//! simulator.

mod args;
mod batch;
mod callbacks_args;
mod callbacks_cmd;
mod confirmer;
mod download;
mod embedded;
mod exit;
mod family;
mod ledger;
mod lyrics;
mod music;
mod output;
mod schema;
mod serve;
mod sounds;
mod tasks;
mod track;

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::{CommandFactory, Parser};

use crate::args::{Cli, Command, LyricsSub};

#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return usage_error(&e),
    };
    init_tracing(cli.verbose);
    let json = cli.global.json;
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
        // The reader went away (`kie-suno schema --all | head`): nothing more to say.
        Err(e) if output::is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            let report = exit::report(&e);
            if json {
                output::eprint_line(&report.to_json().to_string());
            } else {
                output::eprint_line(&format!("error: {}", report.message));
                if let Some(hint) = &report.hint {
                    output::eprint_line(&format!("hint: {hint}"));
                }
            }
            ExitCode::from(report.code)
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
        Command::Download(cmd) => download::command(&global, cmd).await,
        Command::Credits => lyrics::credits(&global).await,
        Command::Tasks(args) => tasks::list(&global, args),
        Command::Show(args) => tasks::show(&global, args).await,
        Command::Wait(args) => tasks::wait(&global, args).await,
        Command::Batch(args) => batch::run(&global, args).await,
        Command::Callbacks(cmd) => match cmd.sub {
            args::CallbacksSub::Serve(serve) => serve::callbacks_serve(&global, serve).await,
            other => callbacks_cmd::run(&global, other).await,
        },
        Command::Sim(cmd) => serve::sim(cmd, global.json).await,
        Command::Schema(cmd) => schema::run(&global, cmd),
        Command::Completions(cmd) => {
            let mut script = Vec::new();
            clap_complete::generate(cmd.shell, &mut Cli::command(), "kie-suno", &mut script);
            output::write_stdout(&script)
        }
    }
}

/// A command line clap refused: with `--json` anywhere on it, one JSON object on
/// stderr (exit 2); else clap's own report (help and version go to stdout, exit 0).
fn usage_error(e: &clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    let informational = matches!(
        e.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    );
    let wants_json = std::env::args_os().skip(1).any(|a| a == "--json");
    if informational || !wants_json {
        // `print` writes help to stdout and errors to stderr; a closed pipe is no
        // reason to fail `kie-suno --help | head`.
        let _ = e.print();
        return ExitCode::from(if e.use_stderr() { exit::USAGE } else { 0 });
    }
    let rendered = e.render().to_string();
    let mut lines = rendered.lines().filter(|l| !l.trim().is_empty());
    let message = lines
        .next()
        .unwrap_or_default()
        .trim_start_matches("error: ")
        .to_owned();
    let hint = lines
        .map(str::trim)
        .filter(|l| !l.starts_with("Usage:") && !l.starts_with("For more information"))
        .collect::<Vec<_>>()
        .join(" ");
    let report = exit::Report {
        code: exit::USAGE,
        message,
        hint: (!hint.is_empty()).then_some(hint),
    };
    output::eprint_line(&report.to_json().to_string());
    ExitCode::from(exit::USAGE)
}

/// Logs go to stderr; silent (warnings only) unless `-v` or `RUST_LOG` asks; no
/// colour codes unless stderr is a terminal and `NO_COLOR` is unset.
fn init_tracing(verbose: u8) {
    use tracing_subscriber::EnvFilter;
    let default = match verbose {
        0 => "warn",
        1 => "info,kie_suno=info",
        _ => "debug",
    };
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default));
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal() && !no_color)
        .with_target(false)
        .try_init();
}
