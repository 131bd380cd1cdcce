//! Command-line arguments (clap derive).

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Lyrics and music from the KIE.AI Suno API.
///
/// With KIE_API_KEY unset, `lyrics`, `music` and `sounds` run against an embedded
/// simulator (and a local callback receiver), so everything works offline and without
/// an account.
#[derive(Debug, Parser)]
#[command(name = "kie-suno", version, about, long_about = None)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    /// More logging on stderr (-v info, -vv debug). Default: warnings only.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command shares.
#[derive(Debug, Clone, Args)]
pub struct Global {
    /// Print the typed result as JSON on stdout instead of the readable form.
    #[arg(long, global = true)]
    pub json: bool,
    /// No spinner and no informational lines on stderr.
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// API base URL. Default: https://api.kie.ai (env KIE_BASE_URL).
    #[arg(long, env = "KIE_BASE_URL", global = true, hide_env_values = true)]
    pub base_url: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Generate lyrics and wait for them: `kie-suno lyrics "<prompt>"`; or
    /// `kie-suno lyrics show <task-id>`.
    Lyrics(LyricsCmd),
    /// Generate music and wait for the tracks.
    Music(MusicCmd),
    /// Generate sounds (ambience, loops, effects) and wait for them:
    /// `kie-suno sounds "<prompt>" [--loop] [--tempo BPM] [--key KEY] [--model V5|V5_5]`.
    Sounds(SoundsCmd),
    /// Print the account's remaining credits.
    Credits,
    /// The callback receiver.
    Callbacks(CallbacksCmd),
    /// Run the simulator of the KIE API standalone.
    Sim(SimCmd),
    /// Print the JSON Schema of a wire type, or list them.
    Schema(SchemaCmd),
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
    /// Model: V4, V4_5, V4_5PLUS, V4_5ALL, V5, V5_5. Default: V5.
    #[arg(long, default_value = "V5")]
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
    /// Key: Cm, C#m, Dm, D#m, Em, Fm, F#m, Gm, G#m, Am, A#m, Bm, C, C#, D, D#, E, F,
    /// F#, G, G#, A, A#, B (sharps only), or Any. Default: Any (not sent).
    #[arg(long)]
    pub key: Option<String>,
    /// Model: V5 or V5_5. Default: V5.
    #[arg(long, default_value = "V5")]
    pub model: String,
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
