//! The task ledger end to end: entries written by `lyrics`, `tasks`, `show` and
//! `wait` on a task left behind by a timeout, and the `unknown` entries a crash
//! mid-POST or a 5xx after sending leave.

use std::time::Duration;

use kie_suno_sim::{Faults, SimConfig, Timing};
use kie_suno_types::TaskId;

use crate::kit::{eventually, text, Sandbox};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_task_left_by_a_timeout_is_listed_shown_and_waited_for() {
    let sb = Sandbox::new(SimConfig::new().with_timing(Timing::manual())).await;
    let prompt = "a harbour at dawn";
    let out = sb
        .run(&[
            "-q",
            "lyrics",
            prompt,
            "--timeout",
            "2",
            "--poll-interval",
            "1",
        ])
        .await;
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(7), "{stderr}");
    let id = crate::kit::submitted_id(&stderr);
    // The hint names a command that works for this task.
    assert!(stderr.contains("`kie-suno wait <task-id>`"), "{stderr}");
    assert!(!stderr.contains("lyrics show"), "{stderr}");

    let (tasks, _) = sb.tasks().await;
    assert_eq!(tasks.len(), 1, "{tasks:?}");
    let entry = &tasks[0];
    assert_eq!(entry["task_id"], id.as_str());
    assert_eq!(entry["family"], "lyrics");
    assert_eq!(entry["state"], "pending");
    assert_eq!(entry["request"]["prompt"], prompt);
    assert!(entry["submitted_at"].is_string(), "{entry}");

    let shown = sb.run(&["show", &id, "--json"]).await;
    assert!(shown.status.success(), "{}", text(&shown.stderr));
    let shown: serde_json::Value = serde_json::from_slice(&shown.stdout).unwrap();
    assert_eq!(shown["status"], "PENDING");
    assert_eq!(shown["outcome"]["taskId"], id.as_str());

    // The task finishes later; `wait` follows it with the family from the ledger.
    assert_eq!(
        sb.sim.advance(&TaskId::new(id.clone())).as_deref(),
        Some("SUCCESS")
    );
    let waited = sb.run(&["wait", &id, "--poll-interval", "1"]).await;
    let (stdout, stderr) = (text(&waited.stdout), text(&waited.stderr));
    assert!(waited.status.success(), "{stderr}");
    assert!(stdout.contains("[Verse"), "{stdout}");
    assert!(stdout.contains("── 1/"), "{stdout}");

    // The ledger has the outcome: listed by state and by API status, shown offline.
    for status in ["succeeded", "SUCCESS"] {
        let listed = sb.run(&["tasks", "--status", status]).await;
        assert!(text(&listed.stdout).contains(&id), "{status}");
    }
    let none = sb.run(&["tasks", "--family", "music", "--json"]).await;
    assert_eq!(text(&none.stdout).trim(), "[]");
    let offline = sb.embedded(&["show", &id]).output().await.unwrap();
    let offline_out = text(&offline.stdout);
    assert!(offline.status.success(), "{}", text(&offline.stderr));
    assert!(offline_out.contains("SUCCESS (succeeded)"), "{offline_out}");
    assert!(offline_out.contains("[Chorus"), "{offline_out}");
    // Submitted once, whatever was looked up.
    assert_eq!(sb.sim.count_generate(prompt), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wait_takes_the_family_of_a_task_the_ledger_does_not_know() {
    let sb = Sandbox::new(SimConfig::new().with_timing(Timing::instant())).await;
    let created = reqwest::Client::new()
        .post(sb.sim.url("/api/v1/lyrics"))
        .bearer_auth("k")
        .json(&serde_json::json!({"prompt": "elsewhere", "callBackUrl": sb.sim.url("/sim/sink")}))
        .send()
        .await
        .unwrap()
        .json::<serde_json::Value>()
        .await
        .unwrap();
    let id = created["data"]["taskId"].as_str().unwrap().to_owned();
    let unknown = sb.run(&["wait", &id]).await;
    assert_eq!(unknown.status.code(), Some(2), "{}", text(&unknown.stderr));
    assert!(text(&unknown.stderr).contains("--family"));
    let waited = sb
        .run(&[
            "wait",
            &id,
            "--family",
            "lyrics",
            "--json",
            "--poll-interval",
            "1",
        ])
        .await;
    assert!(waited.status.success(), "{}", text(&waited.stderr));
    let record: kie_suno_types::LyricsRecord = serde_json::from_slice(&waited.stdout).unwrap();
    assert_eq!(record.task_id.as_str(), id);
    let (tasks, _) = sb.tasks().await;
    assert_eq!(tasks.len(), 1);
    assert_eq!(tasks[0]["state"], "succeeded");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crash_mid_post_leaves_an_unknown_entry_reported_and_never_resubmitted() {
    let faults = Faults::default().with_slow_delay(Duration::from_secs(600));
    let sb = Sandbox::new(SimConfig::new().with_faults(faults)).await;
    let prompt = "a slow one [sim:slow]";
    let mut child = sb.cmd(&["lyrics", prompt]).spawn().unwrap();
    // The POST has reached the API (so the intent was written before it): crash now.
    eventually("the POST reaches the simulator", || {
        sb.sim.count_generate(prompt) == 1
    })
    .await;
    child.kill().await.unwrap();
    let _ = child.wait().await;

    let (tasks, stderr) = sb.tasks().await;
    assert_eq!(tasks.len(), 1, "{tasks:?}");
    assert_eq!(tasks[0]["state"], "unknown", "{:?}", tasks[0]);
    assert!(tasks[0]["task_id"].is_null());
    assert_eq!(tasks[0]["request"]["prompt"], prompt);
    assert!(
        stderr.contains("interrupted during its submission"),
        "reported at the next run: {stderr}"
    );
    // Reported once, kept for ever, listed by state.
    let (again, stderr) = sb.tasks().await;
    assert_eq!(again[0]["state"], "unknown");
    assert!(!stderr.contains("interrupted during"), "{stderr}");
    let listed = sb.run(&["tasks", "--status", "unknown"]).await;
    assert!(text(&listed.stdout).contains("unknown"));
    assert!(text(&listed.stderr).contains("may exist and be billed"));
    assert_eq!(sb.sim.count_generate(prompt), 1, "never resubmitted");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_5xx_after_sending_is_unknown_and_a_refusal_is_refused() {
    let faults = Faults::default().with_submit_500(1.0);
    let sb = Sandbox::new(SimConfig::new().with_faults(faults)).await;
    let out = sb.run(&["-q", "lyrics", "five hundred"]).await;
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(8), "{stderr}");
    assert!(stderr.contains("may have been billed"), "{stderr}");

    let sb2 = Sandbox::new(SimConfig::new()).await;
    let out = sb2.run(&["-q", "lyrics", "broke [sim:no-credits]"]).await;
    assert_eq!(out.status.code(), Some(4), "{}", text(&out.stderr));

    let (tasks, _) = sb.tasks().await;
    assert_eq!(tasks.len(), 1);
    assert_eq!(tasks[0]["state"], "unknown");
    assert!(
        tasks[0]["error"].as_str().unwrap_or("").contains("500"),
        "{:?}",
        tasks[0]
    );
    let (tasks, _) = sb2.tasks().await;
    assert_eq!(tasks.len(), 1);
    assert_eq!(tasks[0]["state"], "refused");
}
