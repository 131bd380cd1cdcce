//! Confirmation after the 200: a terminal callback is committed pending and
//! answered at once; the worker stores record-info as the outcome, retries with
//! backoff, gives up, disputes a disagreeing body, never confirms a key twice,
//! and resumes jobs left in the store.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use http::StatusCode;
use kie_suno_callbacks::{
    disagreement, ConfirmPolicy, ConfirmRequest, Confirmation, OutcomeKind, Receiver,
    ReceiverConfig, RecordInfo, RemoteState, SqliteOptions, SqliteStore, Store, Trust,
};
use kie_suno_types::{CallbackFamily, TaskId};
use serde_json::json;

use crate::common::*;

/// Record-info of the documented lyrics task: the documented callback's texts.
fn lyrics_info(state: RemoteState) -> RecordInfo {
    let body: serde_json::Value = serde_json::from_str(lyrics_success()).unwrap();
    RecordInfo::new(
        state,
        json!({"taskId": DOC_TASK, "status": "SUCCESS", "response": {"data": body["data"]["data"]}}),
    )
}

fn fast() -> ConfirmPolicy {
    ConfirmPolicy::default()
        .retry_delays(Duration::from_millis(5), Duration::from_millis(20))
        .idle_poll(Duration::from_millis(20))
}

/// A confirmer answering from a script, one answer per call (the last repeats),
/// counting its calls.
fn scripted(
    answers: Vec<Result<RecordInfo, &'static str>>,
) -> (impl kie_suno_callbacks::Confirmer, Arc<AtomicUsize>) {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let answers = Arc::new(answers);
    let confirmer = move |r: ConfirmRequest| {
        let n = counter.fetch_add(1, Ordering::SeqCst);
        let answers = answers.clone();
        async move {
            assert_eq!(r.family, CallbackFamily::Lyrics);
            assert!(r.attempt >= 1);
            let answer = answers[n.min(answers.len() - 1)].clone();
            answer.map_err(Into::into)
        }
    };
    (confirmer, calls)
}

#[tokio::test]
async fn a_terminal_callback_is_answered_pending_and_record_info_becomes_the_outcome() {
    let (confirmer, calls) = scripted(vec![
        Ok(RecordInfo::new(
            RemoteState::Running("PENDING".into()),
            json!({}),
        )),
        Err("connection reset"),
        Ok(lyrics_info(RemoteState::Succeeded)),
    ]);
    let rig = Rig::new(
        ReceiverConfig::new()
            .confirmer(confirmer)
            .confirm_policy(fast()),
    )
    .await;
    // The 200 comes before any confirmation: the worker is not even running yet.
    let (status, body) = send(
        &rig.router(),
        unsigned("/callbacks/lyrics", lyrics_success()),
    )
    .await;
    assert_eq!(
        (status, body["duplicate"].as_bool()),
        (StatusCode::OK, Some(false))
    );
    let s = &rig.count(DOC_TASK).await[0];
    assert_eq!(s.confirmation, Confirmation::Pending);
    assert_eq!(calls.load(Ordering::SeqCst), 0);
    assert_eq!(rig.stats().await.pending_confirmations, 1);

    let background = rig.receiver.start_background().await;
    let outcome = rig
        .receiver
        .outcomes()
        .wait_final(&TaskId::new(DOC_TASK))
        .await
        .unwrap();
    background.stop().await;
    assert_eq!(outcome.kind, OutcomeKind::Confirmed);
    assert_eq!(outcome.trust, Trust::Confirmed);
    assert!(outcome.is_final() && outcome.success && !outcome.is_disputed());
    assert_eq!(
        outcome.data_json().unwrap(),
        lyrics_info(RemoteState::Succeeded).data
    );
    // Two retries (still running, then a transport error) before the answer.
    assert_eq!(calls.load(Ordering::SeqCst), 3);
    let s = &rig.count(DOC_TASK).await[0];
    assert_eq!(s.confirmation, Confirmation::Confirmed);
    assert_eq!(s.trust, Trust::Confirmed);
    let stats = rig.stats().await;
    assert_eq!(
        (stats.pending_confirmations, stats.oldest_pending_ms),
        (0, None)
    );
}

#[tokio::test]
async fn a_body_that_disagrees_with_record_info_is_disputed_and_record_info_is_the_outcome() {
    let (confirmer, _) = scripted(vec![Ok(lyrics_info(RemoteState::Succeeded))]);
    let rig = Rig::new(
        ReceiverConfig::new()
            .confirmer(confirmer)
            .confirm_policy(fast()),
    )
    .await;
    let background = rig.receiver.start_background().await;
    let forged = lyrics_success().replace("Starry Night Dreams", "Forged Title");
    let (status, _) = send(&rig.router(), unsigned("/callbacks/lyrics", &forged)).await;
    assert_eq!(status, StatusCode::OK);
    let outcome = rig
        .receiver
        .outcomes()
        .wait_final(&TaskId::new(DOC_TASK))
        .await
        .unwrap();
    background.stop().await;
    assert!(outcome.is_disputed(), "{outcome:?}");
    let data = outcome.data.clone().unwrap();
    assert!(data.contains("Starry Night Dreams") && !data.contains("Forged Title"));
    let s = &rig.count(DOC_TASK).await[0];
    assert_eq!(s.confirmation, Confirmation::Disputed);
    assert_eq!(s.trust, Trust::Unsigned, "a disputed body is not trusted");
    assert!(s.confirm_note.as_deref().unwrap().contains("record-info"));
}

#[tokio::test]
async fn giving_up_makes_no_outcome_and_a_new_delivery_queues_it_again() {
    let (confirmer, calls) = scripted(vec![
        Ok(RecordInfo::new(
            RemoteState::Running("PENDING".into()),
            json!({}),
        )),
        Ok(RecordInfo::new(
            RemoteState::Running("PENDING".into()),
            json!({}),
        )),
        Ok(lyrics_info(RemoteState::Succeeded)),
    ]);
    let rig = Rig::new(
        ReceiverConfig::new()
            .confirmer(confirmer)
            .confirm_policy(fast().max_attempts(2)),
    )
    .await;
    let background = rig.receiver.start_background().await;
    send(
        &rig.router(),
        unsigned("/callbacks/lyrics", lyrics_success()),
    )
    .await;
    let mut stream = rig.receiver.outcomes().stream(0);
    assert_eq!(stream.next().await.unwrap().kind, OutcomeKind::Callback);
    let gave_up = stream.next().await.unwrap();
    assert_eq!(gave_up.kind, OutcomeKind::Unconfirmed);
    assert!(!gave_up.is_final());
    assert_eq!(
        rig.count(DOC_TASK).await[0].confirmation,
        Confirmation::Failed
    );
    assert!(rig
        .receiver
        .outcomes()
        .final_from_store(&TaskId::new(DOC_TASK))
        .await
        .unwrap()
        .is_none());
    // KIE delivers again: counted as a repeat, and the confirmation is queued again.
    let (_, body) = send(
        &rig.router(),
        unsigned("/callbacks/lyrics", lyrics_success()),
    )
    .await;
    assert_eq!(body["duplicate"], true);
    let confirmed = stream.next().await.unwrap();
    background.stop().await;
    assert!(confirmed.is_final());
    assert_eq!(calls.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn a_key_already_confirmed_is_not_confirmed_again() {
    let (confirmer, calls) = scripted(vec![Ok(lyrics_info(RemoteState::Succeeded))]);
    let rig = Rig::new(
        ReceiverConfig::new()
            .confirmer(confirmer)
            .confirm_policy(fast()),
    )
    .await;
    let background = rig.receiver.start_background().await;
    send(
        &rig.router(),
        unsigned("/callbacks/lyrics", lyrics_success()),
    )
    .await;
    let outcomes = rig.receiver.outcomes();
    outcomes.wait_final(&TaskId::new(DOC_TASK)).await.unwrap();
    for _ in 0..3 {
        send(
            &rig.router(),
            unsigned("/callbacks/lyrics", lyrics_success()),
        )
        .await;
    }
    let s = &rig.count(DOC_TASK).await[0];
    assert_eq!((s.deliveries, s.confirmation), (4, Confirmation::Confirmed));
    assert_eq!(rig.stats().await.pending_confirmations, 0);
    // Nothing is queued, so the worker has nothing to call the confirmer for.
    background.stop().await;
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    // The same job finished twice (two workers racing) is stored once.
    let id = s.id;
    assert_eq!(
        rig.store
            .finish_confirmation(id, kie_suno_callbacks::ConfirmResult::GaveUp("late".into()))
            .await
            .unwrap(),
        None
    );
    let events = rig
        .store
        .outcomes_for(&TaskId::new(DOC_TASK))
        .await
        .unwrap();
    assert_eq!(events.len(), 2);
}

#[tokio::test]
async fn a_job_left_in_the_store_is_confirmed_by_the_next_receiver() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("resume.db");
    {
        // The first receiver answered 200 and stopped (crashed) before confirming.
        let store = SqliteStore::open(&path, SqliteOptions::default())
            .await
            .unwrap();
        let mut cb = record(DOC_TASK, "complete");
        cb.confirmation = Confirmation::Pending;
        let recorded = store.record(cb).await.unwrap();
        assert!(recorded.queued && recorded.is_new());
        // A claim by the dying worker, whose lease then runs out.
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis() as i64;
        let claimed = store.claim_confirmations(now + 1, 0, 10).await.unwrap();
        assert_eq!(claimed.len(), 1);
        store.close().await.unwrap();
    }
    let store = Arc::new(
        SqliteStore::open(&path, SqliteOptions::default())
            .await
            .unwrap(),
    );
    let (confirmer, calls) = scripted(vec![Ok(lyrics_info(RemoteState::Succeeded))]);
    let receiver = Receiver::new(
        ReceiverConfig::new()
            .confirmer(confirmer)
            .confirm_policy(fast()),
        store.clone() as Arc<dyn Store>,
    );
    let background = receiver.start_background().await;
    let outcome = receiver
        .outcomes()
        .wait_final(&TaskId::new(DOC_TASK))
        .await
        .unwrap();
    background.stop().await;
    assert!(outcome.success);
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[test]
fn disagreement_compares_success_result_urls_and_texts() {
    let body = json!({"code": 200, "data": {"task_id": "t", "data": [
        {"audio_url": "https://cdn.example/a.mp3", "title": "Song"}]}})
    .to_string();
    let info = |data| RecordInfo::new(RemoteState::Succeeded, data);
    let same = info(json!({"response": {"sunoData": [
        {"audioUrl": "https://cdn.example/a.mp3", "title": "Song"},
        {"audioUrl": "https://cdn.example/b.mp3", "title": "Song"}]}}));
    assert_eq!(disagreement(body.as_bytes(), true, &same), None);
    let other_url = info(json!({"response": {"sunoData": [
        {"audioUrl": "https://cdn.example/real.mp3", "title": "Song"}]}}));
    assert!(disagreement(body.as_bytes(), true, &other_url)
        .unwrap()
        .contains("1 result URL"));
    let other_title = info(json!({"response": {"sunoData": [
        {"audioUrl": "https://cdn.example/a.mp3", "title": "Real"}]}}));
    assert!(disagreement(body.as_bytes(), true, &other_title)
        .unwrap()
        .contains("text"));
    let failed = RecordInfo::new(RemoteState::Failed, json!({}));
    assert!(disagreement(body.as_bytes(), true, &failed)
        .unwrap()
        .contains("record-info a failure"));
    assert!(disagreement(b"not json", true, &same).is_some());
}
