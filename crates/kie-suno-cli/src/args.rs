//! Command-line arguments (clap derive).

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::family::Family;

/// Lyrics and music from the KIE.AI Suno API.
///
/// With KIE_API_KEY unset, `lyrics`, `music` and `sounds` run against an embedded
/// simulator (and a local callback receiver), so everything works offline and without
/// an account; with --base-url (or KIE_BASE_URL) and no key, every command talks to
/// that API without a key (a standalone `kie-suno sim`).
#[derive(Debug, Parser)]
#[command(name = "kie-suno", version, about, long_about = None, after_help = ENVIRONMENT)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    /// More logging on stderr (-v info, -vv debug). Default: warnings only.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,
    #[command(subcommand)]
    pub command: Command,
}

/// The ENVIRONMENT and EXAMPLES sections of `kie-suno --help`.
pub const ENVIRONMENT: &str = "\
ENVIRONMENT:
  KIE_API_KEY           The API key (https://kie.ai/api-key). Unset: the embedded simulator,
                        or the API at KIE_BASE_URL without a key
  KIE_BASE_URL          The API base URL (--base-url). Default: https://api.kie.ai
  KIE_CALLBACK_URL      The callBackUrl sent with each task (--callback-url)
  KIE_WEBHOOK_HMAC_KEY  The webhook HMAC key a callback receiver verifies signatures with
  KIE_CALLBACKS_DB      Where received callbacks are stored: a SQLite path or postgres:// URL
  KIE_SUNO_LEDGER       The task ledger (--ledger). Default: ledger.db in the data directory
  NO_COLOR              Set (to anything) for no colour in logs; logs are plain when stderr
                        is not a terminal anyway
  RUST_LOG              Log filter, e.g. kie_suno_client=debug (overrides -v)

EXAMPLES:
  kie-suno lyrics \"a lighthouse keeper who talks to the sea\"
  kie-suno music \"an upbeat song about coffee\" --download ./songs
  kie-suno download 5c79be8e0f2a4b1d --dir ./songs
  kie-suno sim --bind 127.0.0.1:8080 &  KIE_BASE_URL=http://127.0.0.1:8080 kie-suno credits
  kie-suno schema --all | head
  kie-suno completions zsh > ~/.zfunc/_kie-suno

EXIT STATUS:
  0 ok, 1 internal, 2 usage, 3 unauthorized, 4 credits, 5 rate limited, 6 task failed,
  7 gave up waiting, 8 network or server, 9 invalid input, 10 file expired";

/// Options every command shares.
#[derive(Debug, Clone, Args)]
pub struct Global {
    /// Print the typed result as JSON on stdout instead of the readable form; errors
    /// as one JSON object on stderr ({"error": {"code", "exit", "message", "hint"}}).
    #[arg(long, global = true)]
    pub json: bool,
    /// No spinner and no informational lines on stderr.
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// API base URL. Default: https://api.kie.ai (env KIE_BASE_URL).
    #[arg(long, env = "KIE_BASE_URL", global = true, hide_env_values = true)]
    pub base_url: Option<String>,
    /// The task ledger (SQLite) where every submitted task is recorded. Default:
    /// ledger.db in the platform's data directory (~/.local/share/kie-suno on Linux).
    #[arg(long, env = "KIE_SUNO_LEDGER", global = true, value_name = "PATH")]
    pub ledger: Option<PathBuf>,
    /// Set by `batch`, which paces its submissions itself: the client's own rate
    /// limiter is then off.
    #[arg(skip)]
    pub self_paced: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Generate lyrics and wait for them: `kie-suno lyrics "<prompt>"`; or
    /// `kie-suno lyrics show <task-id>`.
    #[command(after_help = "EXAMPLES:
  kie-suno lyrics \"a lighthouse keeper who talks to the sea\"
  kie-suno lyrics --json \"rain on a tin roof\" | jq '.response.data[0].text'
  kie-suno lyrics show 5c79be8e0f2a4b1d")]
    Lyrics(LyricsCmd),
    /// Generate music and wait for the tracks.
    #[command(after_help = "EXAMPLES:
  kie-suno music \"an upbeat song about coffee\"
  kie-suno music \"[Verse] ...\" --style \"indie folk\" --title \"Coffee\" --model V5_5
  kie-suno music \"a lullaby\" --stop-at first --download ./songs")]
    Music(MusicCmd),
    /// Generate sounds (ambience, loops, effects) and wait for them:
    /// `kie-suno sounds "<prompt>" [--loop] [--tempo BPM] [--key KEY] [--model V5|V5_5]`.
    #[command(after_help = "EXAMPLES:
  kie-suno sounds \"rain on a tin roof\" --loop --tempo 90 --key D#m
  kie-suno sounds \"a door creaking open\" --download ./fx")]
    Sounds(SoundsCmd),
    /// Download every file of finished tasks (audio, streams, images, stems, WAV,
    /// video, MIDI notes) before KIE deletes them (14 days after the task was made).
    #[command(
        after_help = "Files go to DIR/<task-id>/. A file already there is skipped; a partial
one (.NAME.part, left by an interrupted run) is resumed with an HTTP range
request, sent with If-Range so a file that changed on the host since is fetched
whole again. Sizes and SHA-256 are recorded in the task ledger.

EXAMPLES:
  kie-suno download 5c79be8e0f2a4b1d
  kie-suno download 5c79be8e0f2a4b1d 9a8f77c2d4e1b0aa --dir ./songs --jobs 8
  kie-suno download 1f2e3d4c5b6a7988 --family separation --json"
    )]
    Download(DownloadArgs),
    /// Print the account's remaining credits.
    #[command(after_help = "EXAMPLES:
  kie-suno credits
  kie-suno credits --json")]
    Credits,
    /// List the tasks in the ledger (every task this machine submitted):
    /// `kie-suno tasks [--family F] [--status S] [--json]`.
    #[command(after_help = "EXAMPLES:
  kie-suno tasks
  kie-suno tasks --family music --status pending
  kie-suno tasks --status unknown --json")]
    Tasks(TasksArgs),
    /// Show a task of any family: its ledger entry, refreshed from the API.
    #[command(after_help = "EXAMPLES:
  kie-suno show 5c79be8e0f2a4b1d
  kie-suno show 1f2e3d4c5b6a7988 --family separation --json")]
    Show(TaskArgs),
    /// Wait for a task of any family (submitted earlier, interrupted, timed out):
    /// `kie-suno wait <task-id>`.
    #[command(after_help = "EXAMPLES:
  kie-suno wait 5c79be8e0f2a4b1d
  kie-suno wait 5c79be8e0f2a4b1d --timeout 1200 --json")]
    Wait(WaitArgs),
    /// Submit many tasks from a file at the rate limit and wait for them all:
    /// `kie-suno batch FILE` (one prompt per line, or JSON Lines).
    #[command(after_help = "EXAMPLES:
  kie-suno batch prompts.txt > results.jsonl
  kie-suno batch songs.txt --family music --model V5_5
  kie-suno batch requests.jsonl --rate 10/10")]
    Batch(BatchArgs),
    /// The callback receiver.
    #[command(after_help = "EXAMPLES:
  KIE_WEBHOOK_HMAC_KEY=... kie-suno callbacks serve --bind 0.0.0.0:8787
  kie-suno callbacks serve --db postgres://kie@db/kie --require-submitted")]
    Callbacks(CallbacksCmd),
    /// Run the simulator of the KIE API standalone.
    #[command(after_help = "EXAMPLES:
  kie-suno sim --bind 127.0.0.1:8080 --seed 7
  KIE_BASE_URL=http://127.0.0.1:8080 kie-suno music \"a song\" --poll-interval 1")]
    Sim(SimCmd),
    /// Print the JSON Schema of a wire type, or list them.
    #[command(after_help = "EXAMPLES:
  kie-suno schema
  kie-suno schema GenerateLyricsRequest
  kie-suno schema --all | head")]
    Schema(SchemaCmd),
    /// Print a shell completion script.
    #[command(after_help = "EXAMPLES:
  kie-suno completions bash > ~/.local/share/bash-completion/completions/kie-suno
  kie-suno completions zsh > ~/.zfunc/_kie-suno
  kie-suno completions fish > ~/.config/fish/completions/kie-suno.fish
  kie-suno completions powershell >> $PROFILE")]
    Completions(CompletionsArgs),
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct LyricsCmd {
    #[command(subcommand)]
    pub sub: Option<LyricsSub>,
    #[command(flatten)]
    pub generate: LyricsGenerate,
}

#[derive(Debug, Subcommand)]
pub enum LyricsSub {
    /// Print the details of an existing lyrics task.
    Show(ShowArgs),
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The task id returned when the task was submitted.
    pub task_id: String,
}

/// How to follow the task once submitted.
#[derive(Debug, Clone, Args)]
pub struct Follow {
    /// The callBackUrl sent with the task. With a real API key: required for `music`
    /// (the API answers 422 without one), optional for `lyrics` (the task is then
    /// followed by polling); set automatically on the embedded simulator. Env
    /// KIE_CALLBACK_URL.
    #[arg(long, env = "KIE_CALLBACK_URL")]
    pub callback_url: Option<String>,
    /// Run a local callback receiver on this address and settle the wait by callback
    /// (it must be reachable at --callback-url). Keys from KIE_WEBHOOK_HMAC_KEY and
    /// --hmac-key-file.
    #[arg(long)]
    pub listen: Option<SocketAddr>,
    /// With --listen: where the receiver stores callbacks (a SQLite file, or a
    /// postgres:// URL via KIE_CALLBACKS_DB). Kept after the run: nothing acknowledged
    /// is deleted. Default: kie-suno-callbacks.db in the current directory.
    #[arg(
        long,
        env = "KIE_CALLBACKS_DB",
        hide_env_values = true,
        default_value = "kie-suno-callbacks.db"
    )]
    pub db: String,
    /// With --listen: a file with one HMAC key per line (rotation).
    #[arg(long)]
    pub hmac_key_file: Option<PathBuf>,
    /// Give up waiting after this many seconds. Default: 600.
    #[arg(long, default_value_t = 600)]
    pub timeout: u64,
    /// Seconds between polls with a real API key. Default: 10 (the docs advise 10-30).
    #[arg(long, default_value_t = 10)]
    pub poll_interval: u64,
}

#[derive(Debug, Clone, Args)]
pub struct LyricsGenerate {
    /// What the lyrics should be about (at most 200 characters).
    #[arg(required = true)]
    pub prompt: Option<String>,
    #[command(flatten)]
    pub follow: Follow,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StopAt {
    /// The lyrics/text stage (TEXT_SUCCESS).
    Text,
    /// The first track (FIRST_SUCCESS): streamable.
    First,
    /// Every track (SUCCESS).
    Complete,
}

#[derive(Debug, Clone, Args)]
pub struct MusicCmd {
    /// The idea of the song (non-custom mode), or the lyrics with --style/--title.
    pub prompt: String,
    /// Model. Default: V5.
    #[arg(long, default_value = "V5", value_parser = clap::builder::PossibleValuesParser::new(kie_suno_types::Model::KNOWN))]
    pub model: String,
    /// Custom mode: the style (requires --title).
    #[arg(long, requires = "title")]
    pub style: Option<String>,
    /// Custom mode: the title (requires --style).
    #[arg(long, requires = "style")]
    pub title: Option<String>,
    /// Custom mode: no vocals (the prompt is then ignored).
    #[arg(long, requires = "style")]
    pub instrumental: bool,
    /// The stage to stop at. Default: complete.
    #[arg(long, value_enum, default_value_t = StopAt::Complete)]
    pub stop_at: StopAt,
    /// Download the tracks' files into DIR/<task-id>/ once they are there.
    #[arg(long, value_name = "DIR")]
    pub download: Option<PathBuf>,
    #[command(flatten)]
    pub follow: Follow,
}

#[derive(Debug, Clone, Args)]
pub struct SoundsCmd {
    /// What to generate (at most 500 characters).
    pub prompt: String,
    /// Make the sound loop (suits background music and ambience). Default: no.
    #[arg(long = "loop")]
    pub sound_loop: bool,
    /// Tempo in BPM, 1-300. Default: Auto (not sent).
    #[arg(long, value_name = "BPM")]
    pub tempo: Option<u16>,
    /// Key (sharps only), or Any. Default: Any (not sent).
    #[arg(long, value_parser = sound_keys())]
    pub key: Option<String>,
    /// Model. Default: V5.
    #[arg(long, default_value = "V5", value_parser = ["V5", "V5_5"])]
    pub model: String,
    /// Download the sounds' files into DIR/<task-id>/ once they are there.
    #[arg(long, value_name = "DIR")]
    pub download: Option<PathBuf>,
    /// Ask the API to capture lyric subtitles (grabLyrics). Default: no.
    #[arg(long)]
    pub grab_lyrics: bool,
    /// A callBackUrl to send (optional; no sounds callback is documented, so the
    /// task is followed by polling either way). Env KIE_CALLBACK_URL.
    #[arg(long, env = "KIE_CALLBACK_URL")]
    pub callback_url: Option<String>,
    /// Give up waiting after this many seconds. Default: 600.
    #[arg(long, default_value_t = 600)]
    pub timeout: u64,
    /// Seconds between polls with a real API key. Default: 30 (the page advises 30).
    #[arg(long, default_value_t = 30)]
    pub poll_interval: u64,
}

#[derive(Debug, Clone, Args)]
pub struct TasksArgs {
    /// Only tasks of this family.
    #[arg(long, value_enum)]
    pub family: Option<Family>,
    /// Only tasks in this state (submitting, unknown, refused, pending, succeeded,
    /// failed) or with this API status (e.g. PENDING, TEXT_SUCCESS, SUCCESS).
    #[arg(long)]
    pub status: Option<String>,
}

#[derive(Debug, Clone, Args)]
pub struct TaskArgs {
    /// The task id.
    pub task_id: String,
    /// The task's family, for a task the ledger does not know. Default: the ledger's.
    #[arg(long, value_enum)]
    pub family: Option<Family>,
}

#[derive(Debug, Clone, Args)]
pub struct WaitArgs {
    #[command(flatten)]
    pub task: TaskArgs,
    /// Give up waiting after this many seconds. Default: 600.
    #[arg(long, default_value_t = 600)]
    pub timeout: u64,
    /// Seconds between polls. Default: 10 (the docs advise 10-30).
    #[arg(long, default_value_t = 10)]
    pub poll_interval: u64,
}

#[derive(Debug, Clone, Args)]
pub struct BatchArgs {
    /// The file: one prompt per line (blank lines and lines starting with # are
    /// skipped), or JSON Lines: `{"family": "music", "request": {...}}` or a bare
    /// request object (of --family). `-` reads stdin (no resume then).
    pub file: PathBuf,
    /// The family of prompt lines and of bare JSON requests. Default: lyrics.
    #[arg(long, value_enum, default_value_t = Family::Lyrics)]
    pub family: Family,
    /// For prompt lines of music: the model. Default: V5.
    #[arg(long, default_value = "V5", value_parser = clap::builder::PossibleValuesParser::new(kie_suno_types::Model::KNOWN))]
    pub model: String,
    /// The submission pace, N/SECONDS. Default: 20/10.2, the documented account limit
    /// (20 per 10 s) with a 2% margin for the time between a request's start here and
    /// its count at the server.
    #[arg(long, default_value = "20/10.2", value_parser = parse_rate)]
    pub rate: (u32, f64),
    #[command(flatten)]
    pub follow: Follow,
}

/// `N/SECONDS`, e.g. `20/10`.
fn parse_rate(s: &str) -> Result<(u32, f64), String> {
    let (n, secs) = s
        .split_once('/')
        .ok_or_else(|| format!("{s:?} is not N/SECONDS (e.g. 20/10)"))?;
    let n: u32 = n
        .trim()
        .parse()
        .map_err(|_| format!("{n:?} is not a whole number of requests"))?;
    let secs: f64 = secs
        .trim()
        .trim_end_matches('s')
        .parse()
        .map_err(|_| format!("{secs:?} is not a number of seconds"))?;
    if n == 0 || !(secs > 0.0 && secs.is_finite()) {
        return Err(format!(
            "{s:?}: both the count and the window must be above 0"
        ));
    }
    Ok((n, secs))
}

/// The documented sound keys, and `Any`.
fn sound_keys() -> clap::builder::PossibleValuesParser {
    let mut keys: Vec<&'static str> = kie_suno_types::SoundKey::KNOWN.to_vec();
    keys.push("Any");
    clap::builder::PossibleValuesParser::new(keys)
}

#[derive(Debug, Clone, Args)]
pub struct DownloadArgs {
    /// The tasks whose files to download.
    #[arg(required = true, value_name = "TASK_ID")]
    pub task_ids: Vec<String>,
    /// Where to put them (one directory per task inside). Default: the current
    /// directory.
    #[arg(long, default_value = ".", value_name = "DIR")]
    pub dir: PathBuf,
    /// The tasks' family, for tasks not in the ledger. Default: from the ledger.
    #[arg(long, value_enum)]
    pub family: Option<crate::family::Family>,
    /// Files downloaded at once, 1-16. Default: 4.
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=16))]
    pub jobs: u16,
}

#[derive(Debug, Clone, Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct CallbacksCmd {
    #[command(subcommand)]
    pub sub: CallbacksSub,
}

#[derive(Debug, Subcommand)]
pub enum CallbacksSub {
    /// Run the callback receiver standalone. HMAC keys come from KIE_WEBHOOK_HMAC_KEY
    /// or --hmac-key-file (one key per line, for rotation), never from arguments.
    Serve(ServeArgs),
    /// List the outcome stream's events after a cursor (oldest first).
    List(crate::callbacks_args::ListArgs),
    /// Show one stored callback and its outcome events, by cursor or task id.
    Show(crate::callbacks_args::ShowArgs),
    /// Export the events after a cursor as JSON lines, with their callbacks.
    Export(crate::callbacks_args::ListArgs),
    /// Remove events and callbacks older than a duration (never a pending confirmation).
    Prune(crate::callbacks_args::PruneArgs),
}

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address to bind. Default: 127.0.0.1:8787 (loopback only).
    #[arg(long, default_value = "127.0.0.1:8787")]
    pub bind: SocketAddr,
    /// Where to store callbacks: a SQLite file path, or a postgres:// URL. A URL with
    /// a password belongs in the environment (KIE_CALLBACKS_DB), not on the command
    /// line. Default: kie-suno-callbacks.db in the current directory.
    #[arg(
        long,
        env = "KIE_CALLBACKS_DB",
        hide_env_values = true,
        default_value = "kie-suno-callbacks.db"
    )]
    pub db: String,
    /// A file with one HMAC key per line (rotation). Adds to KIE_WEBHOOK_HMAC_KEY.
    #[arg(long)]
    pub hmac_key_file: Option<PathBuf>,
    /// Accept callbacks only for task ids recorded as submitted.
    #[arg(long)]
    pub require_submitted: bool,
    /// Replay window in seconds for the signature timestamp. Default: 300.
    #[arg(long, default_value_t = 300)]
    pub replay_window: u64,
    /// Largest accepted body in bytes. Default: 1048576 (1 MiB).
    #[arg(long, default_value_t = 1024 * 1024)]
    pub body_limit: usize,
    /// Milliseconds a connection may take to send a complete request head (from
    /// its accept or its previous response). Default: 10000.
    #[arg(long, default_value_t = 10_000)]
    pub header_read_timeout_ms: u64,
    /// Milliseconds the whole body may take to arrive (then 408). Default: 10000.
    #[arg(long, default_value_t = 10_000)]
    pub body_read_timeout_ms: u64,
    /// Milliseconds a kept-alive connection may stay idle. Default: 5000.
    #[arg(long, default_value_t = 5_000)]
    pub idle_timeout_ms: u64,
    /// Cap on open connections; lowered to the open-file limit minus
    /// --fd-reserve. At the cap the longest-waiting (idle or slowest) connection
    /// is closed first. Default: 10000.
    #[arg(long, default_value_t = 10_000)]
    pub max_connections: usize,
    /// File descriptors kept free of connections. Default: 64.
    #[arg(long, default_value_t = 64)]
    pub fd_reserve: usize,
    /// Cap on callbacks being handled at once; beyond it, 503 with Retry-After: 1.
    /// Default: 1024.
    #[arg(long, default_value_t = 1024)]
    pub max_in_flight: usize,
    /// Bytes of an oversized body read and discarded before the 413 (so the
    /// sender can read it). Default: 8388608 (8 MiB).
    #[arg(long, default_value_t = 8 * 1024 * 1024)]
    pub drain_limit: usize,
    /// Serve no GET /healthz, /readyz, /metrics.
    #[arg(long)]
    pub no_ops_endpoints: bool,
    #[command(flatten)]
    pub confirm: crate::callbacks_args::ConfirmArgs,
}

#[derive(Debug, Clone, Args)]
pub struct SimCmd {
    /// Address to bind. Default: 127.0.0.1:8080.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,
    /// Milliseconds between task stages. Default: 300 (a lyrics or media task, one
    /// stage, takes 0.3 s; a music task, three stages, 0.9 s).
    #[arg(long, default_value_t = 300)]
    pub step_ms: u64,
    /// Starting credits. Default: 1000.
    #[arg(long, default_value_t = 1000)]
    pub credits: u64,
    /// Seed of the task ids and of everything else the simulator makes up. Default:
    /// a random seed, printed at start, so ids never repeat across restarts; give the
    /// printed seed back to repeat a run.
    #[arg(long)]
    pub seed: Option<u64>,
    /// The public base of the file URLs the simulator hands out (audio, streams,
    /// images, stems, WAV, video, uploads), e.g. https://sim.example.com when a proxy
    /// fronts the simulator. The files are still served at --bind. Default: the
    /// simulator's own address.
    #[arg(long)]
    pub public_base_url: Option<url::Url>,
}

#[derive(Debug, Clone, Args)]
pub struct SchemaCmd {
    /// The type name, e.g. GenerateLyricsRequest. Without it, the names are listed.
    pub type_name: Option<String>,
    /// Print every schema as one JSON object keyed by type name.
    #[arg(long, conflicts_with = "type_name")]
    pub all: bool,
}
