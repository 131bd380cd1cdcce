//! The finish of the command line, as a user meets it: a closed stdout ends quietly
//! with exit 0, `--help` has ENVIRONMENT and EXAMPLES, `--base-url` works without a
//! key and says so, enum flags take only documented values, a `--timeout` below the
//! first poll is refused before anything is billed, transport errors name their
//! cause, logs carry no colour codes when piped, completions for four shells, and
//! `--json` errors are one JSON object on stderr.

use std::io::Read as _;
use std::process::{Command, Output, Stdio};

use kie_suno_sim::{SimConfig, SimHandle, Simulator, Timing};
use kie_suno_types::Endpoint;
use serde_json::Value;

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_kie-suno"));
    c.env_remove("KIE_API_KEY")
        .env_remove("KIE_BASE_URL")
        .env_remove("KIE_CALLBACK_URL")
        .env_remove("RUST_LOG")
        .env_remove("NO_COLOR");
    c
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Runs `kie-suno args` with its ledger in a fresh directory, off the runtime.
async fn run(args: Vec<String>) -> Output {
    tokio::task::spawn_blocking(move || {
        let dir = tempfile::tempdir().unwrap();
        bin()
            .args(&args)
            .env("KIE_SUNO_LEDGER", dir.path().join("ledger.db"))
            .output()
            .unwrap()
    })
    .await
    .unwrap()
}

async fn sim() -> SimHandle {
    Simulator::spawn(
        SimConfig::new()
            .with_timing(Timing::instant())
            .with_credits(4321),
    )
    .await
    .unwrap()
}

fn args(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

/// Runs `kie-suno args` with stdout a pipe whose reading end is closed before the
/// command writes anything: its first write meets EPIPE.
fn with_stdout_closed(args: &[&str], envs: &[(&str, &str)]) -> Output {
    let dir = tempfile::tempdir().unwrap();
    let mut child = bin()
        .args(args)
        .envs(envs.iter().copied())
        .env("KIE_SUNO_LEDGER", dir.path().join("ledger.db"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let status = child.wait().unwrap();
    Output {
        status,
        stdout: Vec::new(),
        stderr: stderr.into_bytes(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_closed_stdout_ends_quietly_with_exit_0() {
    let sim = sim().await;
    let base = sim.base_url.clone();
    let cases: Vec<Vec<&str>> = vec![
        vec!["schema", "--all"],
        vec!["schema"],
        vec!["completions", "bash"],
        vec!["--help"],
        vec!["lyrics", "-q", "the sea"],
        vec!["lyrics", "-q", "--json", "the sea"],
        vec!["music", "-q", "a song"],
        vec!["--base-url", &base, "credits"],
        vec!["--base-url", &base, "--json", "credits"],
    ];
    for case in cases {
        let case: Vec<String> = case.iter().map(|s| (*s).to_owned()).collect();
        let out = tokio::task::spawn_blocking(move || {
            let refs: Vec<&str> = case.iter().map(String::as_str).collect();
            (case.clone(), with_stdout_closed(&refs, &[]))
        })
        .await
        .unwrap();
        let (case, out) = out;
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{case:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{case:?}: {stderr}");
        assert!(
            !stderr.to_lowercase().contains("broken pipe"),
            "{case:?}: {stderr}"
        );
    }
}

#[test]
fn help_has_an_environment_section_and_every_command_examples() {
    let out = bin().arg("--help").output().unwrap();
    let help = text(&out.stdout);
    assert!(out.status.success());
    for var in [
        "ENVIRONMENT:",
        "KIE_API_KEY",
        "KIE_BASE_URL",
        "KIE_WEBHOOK_HMAC_KEY",
        "KIE_SUNO_LEDGER",
        "KIE_CALLBACK_URL",
        "NO_COLOR",
        "EXAMPLES:",
        "EXIT STATUS:",
    ] {
        assert!(help.contains(var), "{var}: {help}");
    }
    for cmd in [
        "lyrics",
        "music",
        "sounds",
        "download",
        "credits",
        "tasks",
        "show",
        "wait",
        "batch",
        "callbacks",
        "sim",
        "schema",
        "completions",
    ] {
        let out = bin().args([cmd, "--help"]).output().unwrap();
        let help = text(&out.stdout);
        assert!(out.status.success(), "{cmd}");
        assert!(help.contains("EXAMPLES:"), "{cmd}: {help}");
        assert!(help.contains(&format!("kie-suno {cmd}")), "{cmd}: {help}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn base_url_works_without_a_key_and_says_which_api_is_used() {
    let sim = sim().await;
    let out = run(args(&["--base-url", &sim.base_url, "credits"])).await;
    let stderr = text(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert_eq!(text(&out.stdout).trim(), "4321");
    assert_eq!(
        stderr.trim(),
        format!(
            "KIE_API_KEY is not set: using the API at {} without a key",
            sim.base_url
        )
    );
    // A whole task, its callback taken by a local receiver; KIE_BASE_URL works too.
    let out = tokio::task::spawn_blocking({
        let base = sim.base_url.clone();
        move || {
            let dir = tempfile::tempdir().unwrap();
            bin()
                .args([
                    "lyrics",
                    "--json",
                    "--poll-interval",
                    "1",
                    "a harbour at dawn",
                ])
                .env("KIE_BASE_URL", base)
                .env("KIE_SUNO_LEDGER", dir.path().join("l.db"))
                .output()
                .unwrap()
        }
    })
    .await
    .unwrap();
    let stderr = text(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains(&format!("using the API at {}", sim.base_url))
            && stderr.contains("local callback receiver"),
        "{stderr}"
    );
    let record: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(record["status"], "SUCCESS", "{record}");
    assert_eq!(sim.stats().tasks_via(Endpoint::GenerateLyrics), 1);
    // -q: no line.
    let out = run(args(&["-q", "--base-url", &sim.base_url, "credits"])).await;
    assert!(out.status.success());
    assert_eq!(text(&out.stderr), "");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enum_flags_take_only_documented_values_and_nothing_is_sent_otherwise() {
    let sim = sim().await;
    let b = sim.base_url.clone();
    for (case, wanted) in [
        (vec!["music", "x", "--model", "V9"], "V5_5"),
        (vec!["music", "x", "--stop-at", "half"], "complete"),
        (vec!["sounds", "x", "--model", "V4"], "V5_5"),
        (vec!["sounds", "x", "--key", "H"], "F#m"),
        (vec!["download", "abc", "--family", "song"], "separation"),
        (vec!["completions", "tcsh"], "powershell"),
    ] {
        let mut full = vec!["--base-url", b.as_str()];
        full.extend(case.iter().copied());
        let out = run(args(&full)).await;
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{case:?}: {stderr}");
        assert!(stderr.contains("possible values"), "{case:?}: {stderr}");
        assert!(stderr.contains(wanted), "{case:?}: {stderr}");
    }
    let stats = sim.stats();
    assert_eq!(stats.requests.values().sum::<u64>(), 0, "{stats:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_timeout_below_the_first_poll_is_refused_before_anything_is_billed() {
    let sim = sim().await;
    let b = sim.base_url.clone();
    for case in [
        vec!["--base-url", b.as_str(), "lyrics", "x", "--timeout", "0"],
        vec!["--base-url", b.as_str(), "lyrics", "x", "--timeout", "5"],
        vec!["--base-url", b.as_str(), "music", "x", "--timeout", "9"],
        vec![
            "--base-url",
            b.as_str(),
            "sounds",
            "x",
            "--timeout",
            "3",
            "--poll-interval",
            "4",
        ],
        vec!["lyrics", "x", "--timeout", "0"],
    ] {
        let out = run(args(&case)).await;
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{case:?}: {stderr}");
        assert!(
            stderr.contains("shorter than the first poll"),
            "{case:?}: {stderr}"
        );
        assert!(!stderr.contains("simulator"), "nothing started: {stderr}");
    }
    assert_eq!(sim.stats().requests.values().sum::<u64>(), 0);
    // At the poll interval it is accepted.
    let out = run(args(&[
        "--base-url",
        &b,
        "-q",
        "lyrics",
        "x",
        "--timeout",
        "2",
        "--poll-interval",
        "2",
    ]))
    .await;
    assert!(out.status.success(), "{}", text(&out.stderr));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_transport_error_names_its_cause() {
    // A port nothing listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let base = format!("http://127.0.0.1:{port}");
    let out = run(args(&["--base-url", &base, "credits"])).await;
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(8), "{stderr}");
    assert!(stderr.contains("connection refused"), "{stderr}");
    let out = run(args(&["--base-url", &base, "--json", "credits"])).await;
    let stderr = text(&out.stderr);
    let err: Value = serde_json::from_str(stderr.lines().last().unwrap()).unwrap();
    assert_eq!(err["error"]["code"], "unavailable", "{err}");
    assert!(
        err["error"]["message"]
            .as_str()
            .unwrap()
            .contains("connection refused"),
        "{err}"
    );
}

#[test]
fn logs_carry_no_colour_codes_when_stderr_is_not_a_terminal() {
    for no_color in [false, true] {
        let mut cmd = bin();
        cmd.args(["-vv", "lyrics", "rain on a tin roof"]);
        let dir = tempfile::tempdir().unwrap();
        cmd.env("KIE_SUNO_LEDGER", dir.path().join("l.db"));
        if no_color {
            cmd.env("NO_COLOR", "1");
        }
        let out = cmd.output().unwrap();
        let stderr = text(&out.stderr);
        assert!(out.status.success(), "{stderr}");
        assert!(
            stderr.contains("DEBUG") || stderr.contains("INFO"),
            "{stderr}"
        );
        assert!(!stderr.contains('\u{1b}'), "{stderr}");
    }
}

#[test]
fn completions_for_four_shells() {
    for (shell, marker) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef kie-suno"),
        ("fish", "complete -c kie-suno"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let out = bin().args(["completions", shell]).output().unwrap();
        let script = text(&out.stdout);
        assert!(out.status.success(), "{shell}");
        assert!(script.contains(marker), "{shell}: {script}");
        assert!(script.contains("download"), "{shell}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_errors_are_one_object_on_stderr() {
    let cases: Vec<(Vec<&str>, &str, i64)> = vec![
        (vec!["--json", "credits"], "usage", 2),
        (vec!["--json", "music", "x", "--model", "V9"], "usage", 2),
        (vec!["music", "x", "--json", "--bogus-flag"], "usage", 2),
        (vec!["--json", "schema", "NoSuchType"], "usage", 2),
        (
            vec!["--json", "lyrics", "rude [sim:sensitive]"],
            "task_failed",
            6,
        ),
        (
            vec![
                "--json",
                "download",
                "../etc",
                "--family",
                "music",
                "--base-url",
                "http://127.0.0.1:9",
            ],
            "usage",
            2,
        ),
    ];
    for (case, code, exit) in cases {
        let out = run(args(&case)).await;
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(exit as i32), "{case:?}: {stderr}");
        let last = stderr.lines().last().unwrap_or_default();
        let err: Value =
            serde_json::from_str(last).unwrap_or_else(|e| panic!("{case:?}: {e}: {stderr}"));
        assert_eq!(err["error"]["code"], code, "{case:?}: {err}");
        assert_eq!(err["error"]["exit"], exit, "{case:?}: {err}");
        assert!(
            !err["error"]["message"]
                .as_str()
                .unwrap_or_default()
                .is_empty(),
            "{err}"
        );
        assert!(out.stdout.is_empty(), "{case:?}");
    }
}

/// A `kie-suno sim --json` child, killed when dropped.
struct SimChild(std::process::Child);

impl Drop for SimChild {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn a_standalone_sim_serves_music_download_and_a_later_download_by_ledger_family() {
    use std::io::BufRead as _;
    let mut child = bin()
        .args(["sim", "--json", "--bind", "127.0.0.1:0", "--step-ms", "0"])
        .env_remove("KIE_SIM_API_KEY")
        .env_remove("KIE_SIM_HMAC_KEY")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let sim = SimChild(child);
    let mut line = String::new();
    std::io::BufReader::new(stdout)
        .read_line(&mut line)
        .unwrap();
    let hello: Value = serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line}"));
    let base = hello["listening"].as_str().unwrap().to_owned();
    assert!(hello["seed"].is_u64(), "{hello}");

    let dir = tempfile::tempdir().unwrap();
    let ledger = dir.path().join("ledger.db");
    let songs = dir.path().join("songs");
    let out = bin()
        .args(["--base-url", &base, "--json", "music", "a song about rain"])
        .args(["--poll-interval", "1", "--download"])
        .arg(&songs)
        .env("KIE_SUNO_LEDGER", &ledger)
        .output()
        .unwrap();
    let stderr = text(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains(&format!("using the API at {base}")),
        "{stderr}"
    );
    let record: Value = serde_json::from_slice(&out.stdout).unwrap();
    let id = record["taskId"].as_str().unwrap().to_owned();
    assert_eq!(std::fs::read_dir(songs.join(&id)).unwrap().count(), 6);

    // Later: the family comes from the ledger; every file is already complete.
    let out = bin()
        .args(["--base-url", &base, "--json", "download", &id, "--dir"])
        .arg(&songs)
        .env("KIE_SUNO_LEDGER", &ledger)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["tasks"][0]["family"], "music");
    let files = report["tasks"][0]["files"].as_array().unwrap();
    assert_eq!(files.len(), 6);
    assert!(files.iter().all(|f| f["skipped"] == true), "{files:?}");
    // An id the ledger does not know needs --family.
    let out = bin()
        .args(["--base-url", &base, "download", "0123abcd"])
        .env("KIE_SUNO_LEDGER", &ledger)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("--family"),
        "{}",
        text(&out.stderr)
    );
    drop(sim);
}

/// Colour (SGR) escape sequences in `s`: ESC [ digits/semicolons m.
fn sgr_count(s: &str) -> usize {
    s.split('\u{1b}')
        .skip(1)
        .filter(|rest| {
            rest.strip_prefix('[').is_some_and(|r| {
                let end = r.find(|c: char| !(c.is_ascii_digit() || c == ';'));
                end.is_some_and(|i| r[i..].starts_with('m'))
            })
        })
        .count()
}

/// On a terminal (a pty from util-linux `script`), logs are coloured, unless
/// NO_COLOR is set. Without `script` on the machine the pty half cannot run; the
/// pipe half above still does.
#[test]
fn no_color_turns_colour_off_on_a_terminal() {
    if Command::new("script").arg("--version").output().is_err() {
        eprintln!("util-linux `script` is not installed: no pty to test with");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let ledger = dir.path().join("l.db");
    let run_on_pty = |no_color: bool| {
        let inner = format!(
            "{} -vv lyrics 'rain on a tin roof'",
            env!("CARGO_BIN_EXE_kie-suno")
        );
        let mut c = Command::new("script");
        c.args(["-qec", &inner, "/dev/null"])
            .env_remove("KIE_API_KEY")
            .env_remove("KIE_BASE_URL")
            .env_remove("KIE_CALLBACK_URL")
            .env_remove("RUST_LOG")
            .env("KIE_SUNO_LEDGER", &ledger);
        if no_color {
            c.env("NO_COLOR", "1");
        } else {
            c.env_remove("NO_COLOR");
        }
        let out = c.output().unwrap();
        assert!(out.status.success(), "{}", text(&out.stderr));
        text(&out.stdout)
    };
    let coloured = run_on_pty(false);
    assert!(sgr_count(&coloured) > 0, "{coloured}");
    let plain = run_on_pty(true);
    assert!(plain.contains("DEBUG") || plain.contains("INFO"), "{plain}");
    assert_eq!(sgr_count(&plain), 0, "{plain}");
}
