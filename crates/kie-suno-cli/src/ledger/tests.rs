//! The ledger's unit tests.

use super::*;

fn ledger() -> (tempfile::TempDir, Ledger) {
    let dir = tempfile::tempdir().expect("tempdir");
    let ledger = Ledger::open(&dir.path().join("sub/ledger.db")).expect("open");
    (dir, ledger)
}

#[test]
fn an_intent_becomes_a_task_and_its_outcome() -> anyhow::Result<()> {
    let (_dir, ledger) = ledger();
    let request = serde_json::json!({"prompt": "x"});
    let id = ledger.intent(Family::Lyrics, &request, None)?;
    let entry = ledger.local(id)?.context("entry")?;
    assert_eq!(entry.state, State::Submitting);
    assert_eq!(entry.request, request);
    assert_eq!(entry.task_id, None);
    ledger.submitted(id, "t-1")?;
    let record = serde_json::json!({"status": "SUCCESS"});
    ledger.outcome("t-1", State::Succeeded, "SUCCESS", Some(&record), None)?;
    let entry = ledger.task("t-1")?.context("by task id")?;
    assert_eq!(entry.local_id, id);
    assert_eq!(entry.family, Family::Lyrics);
    assert_eq!(entry.state, State::Succeeded);
    assert_eq!(entry.status.as_deref(), Some("SUCCESS"));
    assert_eq!(entry.outcome, Some(record));
    assert!(entry.submitted_at_ms.is_some());
    // A status-only update keeps the last outcome.
    ledger.outcome("t-1", State::Succeeded, "SUCCESS", None, None)?;
    assert!(ledger.task("t-1")?.context("entry")?.outcome.is_some());
    Ok(())
}

#[test]
fn filters_select_by_family_state_and_status() -> anyhow::Result<()> {
    let (_dir, ledger) = ledger();
    let a = ledger.intent(Family::Lyrics, &Value::Null, None)?;
    let b = ledger.intent(Family::Music, &Value::Null, None)?;
    let c = ledger.intent(Family::Music, &Value::Null, None)?;
    ledger.submitted(a, "a")?;
    ledger.submitted(b, "b")?;
    ledger.not_submitted(c, State::Refused, "422")?;
    ledger.outcome("b", State::Pending, "TEXT_SUCCESS", None, None)?;
    let music = ledger.list(&Filter {
        family: Some(Family::Music),
        ..Filter::default()
    })?;
    assert_eq!(music.len(), 2);
    let refused = ledger.list(&Filter {
        state: Some(State::Refused),
        ..Filter::default()
    })?;
    assert_eq!(refused.len(), 1);
    assert_eq!(refused[0].error.as_deref(), Some("422"));
    let text = ledger.list(&Filter {
        status: Some("text_success".to_owned()),
        ..Filter::default()
    })?;
    assert_eq!(text.len(), 1);
    assert_eq!(text[0].task_id.as_deref(), Some("b"));
    Ok(())
}

#[test]
fn a_batch_key_is_written_once() -> anyhow::Result<()> {
    let (_dir, ledger) = ledger();
    ledger.intent(Family::Lyrics, &Value::Null, Some("k"))?;
    assert!(ledger
        .intent(Family::Lyrics, &Value::Null, Some("k"))
        .is_err());
    assert_eq!(ledger.list(&Filter::default())?.len(), 1);
    assert!(ledger.by_batch_key("k")?.is_some());
    Ok(())
}

#[test]
fn an_intent_of_a_dead_process_turns_unknown_once() -> anyhow::Result<()> {
    let (_dir, ledger) = ledger();
    let mine = ledger.intent(Family::Lyrics, &Value::Null, None)?;
    let theirs = ledger.intent(Family::Music, &Value::Null, None)?;
    // A pid that no process has (beyond Linux's pid_max).
    ledger.with(|c| {
        c.execute(
            "UPDATE tasks SET pid = 2147483646 WHERE local_id = ?1",
            params![theirs.0],
        )
    })?;
    if !Path::new("/proc/self").exists() {
        return Ok(()); // the age rule elsewhere: not testable without waiting
    }
    let found = ledger.reconcile()?;
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].local_id, theirs);
    assert_eq!(found[0].state, State::Unknown);
    assert_eq!(
        ledger.local(mine)?.context("mine")?.state,
        State::Submitting
    );
    assert!(ledger.reconcile()?.is_empty(), "reported once");
    Ok(())
}

#[test]
fn downloads_are_recorded_per_task_and_url() -> anyhow::Result<()> {
    let (_dir, ledger) = ledger();
    let mut file = DownloadRecord {
        url: "http://x/a.mp3".to_owned(),
        path: PathBuf::from("/tmp/a.mp3"),
        size: 3,
        sha256: "ab".repeat(32),
        completed_at_ms: now_ms(),
    };
    ledger.record_download("t", &file)?;
    file.size = 4;
    ledger.record_download("t", &file)?;
    let files = ledger.downloads("t")?;
    assert_eq!(files, vec![file]);
    assert!(ledger.downloads("other")?.is_empty());
    Ok(())
}
