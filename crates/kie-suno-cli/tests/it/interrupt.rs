//! Real signals to a `kie-suno` child during a wait: the exit code (130 / 143), the
//! task id and the command that resumes it on stderr (with `-q` and a piped stderr),
//! the temporary directories removed, and the resume command working.

use kie_suno_sim::{SimConfig, Timing};
use kie_suno_types::TaskId;

use crate::kit::{drain, signal, stderr_until, submitted_id, text, Sandbox};

/// The `kie-suno-<pid>-*` directories of a process in the temp directory.
fn scratch_dirs(pid: u32) -> Vec<std::path::PathBuf> {
    let prefix = format!("kie-suno-{pid}-");
    std::fs::read_dir(std::env::temp_dir())
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with(&prefix))
        .map(|e| e.path())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigint_during_a_wait_exits_130_and_names_the_resume_command_that_works() {
    let sb = Sandbox::new(SimConfig::new().with_timing(Timing::manual())).await;
    let mut child = sb
        .cmd(&[
            "-q",
            "lyrics",
            "an interrupted song",
            "--poll-interval",
            "1",
        ])
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (seen, rest) = stderr_until(stderr, "submitted").await;
    let id = submitted_id(&seen);
    signal(&child, "INT").await;
    let status = child.wait().await.unwrap();
    let stderr = seen + &drain(rest).await;
    assert_eq!(status.code(), Some(130), "{stderr}");
    assert!(
        stderr.contains(&format!("resume with `kie-suno wait {id}`")),
        "{stderr}"
    );
    assert!(stderr.contains("SIGINT"), "{stderr}");

    // The resume command does resume it.
    sb.sim.advance(&TaskId::new(id.clone()));
    let waited = sb.run(&["wait", &id, "--poll-interval", "1"]).await;
    assert!(waited.status.success(), "{}", text(&waited.stderr));
    assert!(text(&waited.stdout).contains("[Verse"));
    assert_eq!(sb.sim.count_generate("an interrupted song"), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_on_the_embedded_simulator_exits_143_and_removes_its_temp_dirs() {
    let sb = Sandbox::new(SimConfig::new()).await;
    let mut child = sb
        .embedded(&["-q", "lyrics", "never ends [sim:stall]"])
        .spawn()
        .unwrap();
    let pid = child.id().unwrap();
    let stderr = child.stderr.take().unwrap();
    let (seen, rest) = stderr_until(stderr, "submitted").await;
    let id = submitted_id(&seen);
    assert!(
        !scratch_dirs(pid).is_empty(),
        "the run's receiver keeps a scratch directory while it waits"
    );
    signal(&child, "TERM").await;
    let status = child.wait().await.unwrap();
    let stderr = seen + &drain(rest).await;
    assert_eq!(status.code(), Some(143), "{stderr}");
    assert!(stderr.contains(&format!("kie-suno wait {id}")), "{stderr}");
    assert!(stderr.contains("SIGTERM"), "{stderr}");
    assert_eq!(scratch_dirs(pid), Vec::<std::path::PathBuf>::new());
    // The ledger has it, pending.
    let (tasks, _) = sb.tasks().await;
    assert_eq!(tasks.len(), 1);
    assert_eq!(tasks[0]["task_id"], id.as_str());
    assert_eq!(tasks[0]["state"], "pending");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_signal_during_wait_command_exits_with_its_code_too() {
    let sb = Sandbox::new(SimConfig::new().with_timing(Timing::manual())).await;
    let first = sb
        .run(&[
            "-q",
            "lyrics",
            "slow to finish",
            "--timeout",
            "2",
            "--poll-interval",
            "1",
        ])
        .await;
    let id = submitted_id(&text(&first.stderr));
    let child = sb
        .cmd(&["wait", &id, "--poll-interval", "1"])
        .spawn()
        .unwrap();
    // `wait` shows no spinner on a pipe; a first poll has happened once the
    // simulator counts it.
    let polls = |sb: &Sandbox| {
        sb.sim
            .stats()
            .requests_to(kie_suno_types::Endpoint::LyricsDetails)
    };
    let before = polls(&sb);
    crate::kit::eventually("wait polls", || polls(&sb) > before).await;
    signal(&child, "TERM").await;
    let out = child.wait_with_output().await.unwrap();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(143), "{stderr}");
    assert!(stderr.contains(&format!("kie-suno wait {id}")), "{stderr}");
}
