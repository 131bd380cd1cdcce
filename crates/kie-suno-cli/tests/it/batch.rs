//! `kie-suno batch` end to end: every line's outcome as one JSON line, and a batch
//! killed midway resumed from the ledger without any line submitted twice (the
//! simulator counts the POSTs per prompt).

use std::collections::BTreeSet;
use std::time::Duration;

use kie_suno_sim::{SimConfig, SimRateLimit, Timing};
use serde_json::Value;
use tokio::io::{AsyncBufReadExt, BufReader};

use crate::kit::{text, Sandbox};

fn lines(stdout: &str) -> Vec<Value> {
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_batch_resumes_without_submitting_a_line_twice() {
    // The simulator allows more than the batch's pace, so no refusal (and its
    // retry) can count as a second POST of a prompt.
    let config = SimConfig::new()
        .with_timing(Timing::uniform(Duration::from_millis(200)))
        .with_rate_limit(Some(SimRateLimit::new(8, Duration::from_secs(1))));
    let sb = Sandbox::new(config).await;
    let prompts: Vec<String> = (1..=12).map(|i| format!("batch song number {i}")).collect();
    let mut file = String::from("# one prompt per line\n\n");
    for p in &prompts {
        file.push_str(p);
        file.push('\n');
    }
    let path = sb.dir.path().join("prompts.txt");
    std::fs::write(&path, file).unwrap();
    let path = path.to_string_lossy().into_owned();
    let args = [
        "batch",
        path.as_str(),
        "--rate",
        "4/1",
        "--poll-interval",
        "1",
    ];

    // First run: killed (SIGKILL, no chance to clean up) after three outcomes.
    let mut child = sb.cmd(&args).spawn().unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut first = Vec::new();
    while first.len() < 3 {
        let line = out.next_line().await.unwrap().expect("a JSON line");
        first.push(serde_json::from_str::<Value>(&line).unwrap());
    }
    child.kill().await.unwrap();
    let _ = child.wait().await;
    let sent_before = prompts
        .iter()
        .filter(|p| sb.sim.count_generate(p) > 0)
        .count();
    assert!(sent_before < prompts.len(), "killed before the end");

    // Second run: the same file resumes.
    let resumed = sb.run(&args).await;
    let (stdout, stderr) = (text(&resumed.stdout), text(&resumed.stderr));
    let all = lines(&stdout);
    assert_eq!(all.len(), prompts.len(), "{stdout}\n{stderr}");
    assert!(stderr.contains("resuming"), "{stderr}");
    let numbers: BTreeSet<u64> = all.iter().filter_map(|l| l["line"].as_u64()).collect();
    assert_eq!(
        numbers,
        (3..=14).collect::<BTreeSet<u64>>(),
        "one line per task"
    );
    for (p, l) in prompts.iter().zip(3u64..) {
        let line = all.iter().find(|x| x["line"] == l).unwrap();
        let count = sb.sim.count_generate(p);
        assert!(count <= 1, "{p} submitted {count} times");
        // A line killed mid-POST stays unknown (never resubmitted); the others succeed.
        match line["state"].as_str() {
            Some("succeeded") => {
                assert_eq!(count, 1, "{p}");
                assert_eq!(line["outcome"]["status"], "SUCCESS", "{line}");
            }
            Some("unknown") => assert!(line["task_id"].is_null()),
            other => panic!("{p}: state {other:?}: {line}"),
        }
    }
    // The three printed before the kill are the same tasks now.
    for f in &first {
        let same = all.iter().find(|x| x["line"] == f["line"]).unwrap();
        assert_eq!(same["task_id"], f["task_id"]);
    }
    let unknown = all.iter().filter(|l| l["state"] == "unknown").count();
    assert_eq!(
        resumed.status.code(),
        Some(if unknown == 0 { 0 } else { 6 }),
        "{stderr}"
    );

    // A third run submits nothing.
    let before: u64 = prompts.iter().map(|p| sb.sim.count_generate(p)).sum();
    let third = sb.run(&args).await;
    assert_eq!(lines(&text(&third.stdout)).len(), prompts.len());
    let after: u64 = prompts.iter().map(|p| sb.sim.count_generate(p)).sum();
    assert_eq!(before, after);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_lines_of_several_families_and_a_bad_line_refused_before_anything_is_sent() {
    let sb = Sandbox::new(SimConfig::new().with_timing(Timing::instant())).await;
    let bad = sb.dir.path().join("bad.jsonl");
    std::fs::write(
        &bad,
        format!(
            "first prompt\n{{\"family\":\"lyrics\",\"request\":{{\"prompt\":\"{}\"}}}}\n",
            "x".repeat(201)
        ),
    )
    .unwrap();
    let out = sb.run(&["batch", &bad.to_string_lossy()]).await;
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("bad.jsonl:2"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(sb.sim.count_generate("first prompt"), 0, "nothing sent");

    let good = sb.dir.path().join("good.jsonl");
    let cb = sb.sim.url("/sim/sink");
    std::fs::write(
        &good,
        format!(
            "{{\"family\":\"music\",\"request\":{{\"prompt\":\"a music line\",\"model\":\"V5\",\"customMode\":false,\"instrumental\":true,\"callBackUrl\":\"{cb}\"}}}}\n\
             {{\"prompt\":\"a bare lyrics request\"}}\n\
             {{\"family\":\"sounds\",\"request\":{{\"prompt\":\"rain loop\",\"model\":\"V5\"}}}}\n"
        ),
    )
    .unwrap();
    let out = sb
        .run(&[
            "-q",
            "batch",
            &good.to_string_lossy(),
            "--poll-interval",
            "1",
        ])
        .await;
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(out.status.success(), "{stderr}");
    let all = lines(&stdout);
    assert_eq!(all.len(), 3, "{stdout}");
    let family = |n: u64| all.iter().find(|l| l["line"] == n).unwrap()["family"].clone();
    assert_eq!(family(1), "music");
    assert_eq!(family(2), "lyrics");
    assert_eq!(family(3), "sounds");
    assert!(all.iter().all(|l| l["state"] == "succeeded"), "{stdout}");
    // Each task id was on stderr even with -q.
    for l in &all {
        let id = l["task_id"].as_str().unwrap();
        assert!(stderr.contains(&format!("task {id} submitted")), "{stderr}");
    }
}
