//! The `kie-suno` binary against the embedded simulator (no KIE_API_KEY).

use std::process::{Command, Output};

use kie_suno_types::{LyricsRecord, LyricsStatus, TaskState};

/// A ledger for this test binary's runs (never the user's own).
fn ledger() -> std::path::PathBuf {
    static DIR: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();
    DIR.get_or_init(|| tempfile::tempdir().expect("tempdir"))
        .path()
        .join("ledger.db")
}

fn kie_suno(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kie-suno"))
        .args(args)
        .env("KIE_SUNO_LEDGER", ledger())
        .env_remove("KIE_API_KEY")
        .env_remove("KIE_BASE_URL")
        .env_remove("KIE_CALLBACK_URL")
        .env_remove("RUST_LOG")
        .output()
        .expect("run kie-suno")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The number of variation headings (`── i/n: title ──`) printed.
fn headings(stdout: &str) -> usize {
    stdout
        .lines()
        .filter(|l| l.starts_with("── ") && l.ends_with(" ──"))
        .count()
}

#[test]
fn lyrics_happy_path_prints_every_variation() {
    let out = kie_suno(&["lyrics", "a lighthouse keeper who talks to the sea"]);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(
        out.status.success(),
        "exit {:?}\nstderr: {stderr}",
        out.status
    );
    assert!(stderr.contains("embedded simulator"), "stderr: {stderr}");
    let n = headings(&stdout);
    assert!(
        (2..=3).contains(&n),
        "expected 2-3 variations, got {n}:\n{stdout}"
    );
    assert!(stdout.contains("[Verse"), "stdout: {stdout}");
    assert!(stdout.contains("[Chorus"), "stdout: {stdout}");
    // The heading says "1/n".
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with(&format!("── 1/{n}: "))),
        "{stdout}"
    );
}

#[test]
fn lyrics_json_parses_into_the_typed_record() {
    let out = kie_suno(&["lyrics", "--json", "rain on a tin roof"]);
    assert!(out.status.success(), "stderr: {}", text(&out.stderr));
    let record: LyricsRecord =
        serde_json::from_slice(&out.stdout).expect("stdout is a LyricsRecord");
    assert_eq!(record.status, LyricsStatus::Success);
    assert!(record.status.is_success());
    assert!(record.variations().len() >= 2, "{record:?}");
    assert!(record.variations().iter().all(|v| v.is_complete()));
}

#[test]
fn sensitive_prompt_exits_with_the_task_failed_code_and_the_reason() {
    let out = kie_suno(&["lyrics", "something rude [sim:sensitive]"]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(6), "stderr: {stderr}");
    assert!(
        out.stdout.is_empty(),
        "nothing on stdout: {}",
        text(&out.stdout)
    );
    assert!(stderr.contains("error: "), "{stderr}");
    assert!(
        stderr.contains("SENSITIVE_WORD_ERROR") || stderr.contains("code 400"),
        "the reason is named: {stderr}"
    );
    assert!(stderr.contains("hint: "), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn dropped_callback_is_recovered_by_polling() {
    let out = kie_suno(&["lyrics", "a song nobody calls back [sim:drop-callback]"]);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "stderr: {}", text(&out.stderr));
    assert!(headings(&stdout) >= 2, "{stdout}");
}

#[test]
fn duplicate_callbacks_are_printed_once() {
    let out = kie_suno(&["lyrics", "say it twice [sim:duplicate-callback]"]);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "stderr: {}", text(&out.stderr));
    let n = headings(&stdout);
    assert!((2..=3).contains(&n), "each variation once: {stdout}");
    let firsts = stdout.lines().filter(|l| l.starts_with("── 1/")).count();
    assert_eq!(firsts, 1, "{stdout}");
}

#[test]
fn too_long_prompt_is_refused_before_sending() {
    let prompt = "é".repeat(201);
    let out = kie_suno(&["lyrics", &prompt]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(9), "stderr: {stderr}");
    assert!(stderr.contains("prompt"), "{stderr}");
    assert!(stderr.contains("200"), "{stderr}");
}

#[test]
fn music_prints_tracks_with_titles_and_audio_urls() {
    let out = kie_suno(&["music", "a calm piano piece for a rainy morning"]);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "stderr: {}", text(&out.stderr));
    assert!(headings(&stdout) >= 1, "{stdout}");
    assert!(stdout.contains("audio:  http"), "{stdout}");
}

#[test]
fn credits_without_a_key_is_a_usage_error() {
    let out = kie_suno(&["credits"]);
    assert_eq!(out.status.code(), Some(2), "stderr: {}", text(&out.stderr));
    assert!(text(&out.stderr).contains("KIE_API_KEY"));
}

#[test]
fn real_mode_without_a_callback_url_is_a_usage_error_and_the_key_is_not_echoed() {
    let out = Command::new(env!("CARGO_BIN_EXE_kie-suno"))
        .env("KIE_SUNO_LEDGER", ledger())
        .args(["music", "hello"])
        .env("KIE_API_KEY", "sk-secret-test-key-123")
        .env_remove("KIE_CALLBACK_URL")
        .output()
        .expect("run kie-suno");
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "stderr: {stderr}");
    assert!(stderr.contains("--callback-url"), "{stderr}");
    assert!(!stderr.contains("sk-secret-test-key-123"));
}

#[test]
fn schema_lists_and_prints_types() {
    let out = kie_suno(&["schema"]);
    assert!(out.status.success());
    let names = text(&out.stdout);
    assert!(
        names.lines().any(|l| l == "GenerateLyricsRequest"),
        "{names}"
    );
    let out = kie_suno(&["schema", "GenerateLyricsRequest"]);
    assert!(out.status.success());
    let schema: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json schema");
    assert!(schema.to_string().contains("callBackUrl"), "{schema}");
    let out = kie_suno(&["schema", "NoSuchType"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn sounds_refuses_an_undocumented_key_before_starting_anything() {
    let out = kie_suno(&["sounds", "rain on a tin roof", "--key", "Ebm"]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "stderr: {stderr}");
    assert!(
        stderr.contains("D#m"),
        "the documented keys are listed: {stderr}"
    );
    assert!(!stderr.contains("embedded simulator"), "{stderr}");
    let out = kie_suno(&["sounds", "rain", "--tempo", "301"]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(9), "stderr: {stderr}");
    assert!(stderr.contains("soundTempo"), "{stderr}");
}

#[test]
fn sounds_help_lists_its_flags() {
    let out = kie_suno(&["sounds", "--help"]);
    let stdout = text(&out.stdout);
    assert!(out.status.success());
    for flag in ["--loop", "--tempo", "--key", "--model", "--json"] {
        assert!(stdout.contains(flag), "{flag}: {stdout}");
    }
}

#[test]
fn sounds_prints_playable_tracks_on_the_embedded_simulator() {
    let out = kie_suno(&[
        "sounds",
        "rain on a tin roof",
        "--loop",
        "--tempo",
        "90",
        "--key",
        "Am",
        "--model",
        "V5_5",
    ]);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(out.status.success(), "stderr: {stderr}");
    assert!(stderr.contains("embedded simulator"), "{stderr}");
    assert!(headings(&stdout) >= 1, "{stdout}");
    assert!(stdout.contains("audio:  http"), "{stdout}");
    assert!(!stdout.contains("audio:  \n"), "{stdout}");
    let out = kie_suno(&["sounds", "--json", "waves on pebbles"]);
    assert!(out.status.success(), "stderr: {}", text(&out.stderr));
    let record: kie_suno_types::MusicRecord =
        serde_json::from_slice(&out.stdout).expect("stdout is a MusicRecord");
    assert_eq!(record.status, kie_suno_types::MusicStatus::Success);
    assert!(record.playable_tracks().count() >= 1, "{record:?}");
}
