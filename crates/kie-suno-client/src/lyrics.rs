//! `client.lyrics()`: generate lyrics, read their details, wait for them.

use kie_suno_types::{
    Callback, Endpoint, GenerateLyricsRequest, LyricsRecord, LyricsResponse, LyricsStatus,
    LyricsVariation, TaskId, TaskState,
};

use crate::error::TaskFailure;
use crate::wait::Verdict;
use crate::{Client, Result, WaitOptions};

/// The lyrics endpoints. Get one with [`Client::lyrics`].
#[derive(Debug, Clone, Copy)]
pub struct Lyrics<'a> {
    client: &'a Client,
}

/// A finished lyrics task: the record and its completed variations (never empty).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct LyricsOutcome {
    record: LyricsRecord,
    variations: Vec<LyricsVariation>,
}

impl LyricsOutcome {
    /// Builds the outcome of a record, or `None` when the record is not a success
    /// with at least one completed variation.
    pub fn from_record(record: LyricsRecord) -> Option<Self> {
        if !record.status.is_success() {
            return None;
        }
        let variations: Vec<LyricsVariation> = record
            .variations()
            .iter()
            .filter(|v| v.is_complete())
            .cloned()
            .collect();
        (!variations.is_empty()).then_some(Self { record, variations })
    }

    /// Builds the outcome of a success callback, or `None` when it is not one or
    /// carries no completed variation.
    pub fn from_callback(cb: &Callback) -> Option<Self> {
        #[allow(unreachable_patterns)]
        let Callback::Lyrics(cb) = cb
        else {
            return None;
        };
        if !cb.is_success() {
            return None;
        }
        let mut response = LyricsResponse::default();
        response.task_id = Some(cb.data.task_id.clone());
        response.data = Some(cb.variations());
        let mut record = LyricsRecord::new(cb.data.task_id.clone(), LyricsStatus::Success);
        record.response = Some(response);
        Self::from_record(record)
    }

    /// The task id.
    pub fn task_id(&self) -> &TaskId {
        &self.record.task_id
    }

    /// The completed variations; at least one.
    pub fn variations(&self) -> &[LyricsVariation] {
        &self.variations
    }

    /// The full record, failed variations included.
    pub fn record(&self) -> &LyricsRecord {
        &self.record
    }

    /// The completed variations, owned.
    pub fn into_variations(self) -> Vec<LyricsVariation> {
        self.variations
    }
}

pub(crate) fn judge_lyrics(record: LyricsRecord) -> Verdict<LyricsOutcome> {
    let status = record.status.clone();
    if status.is_failure() {
        return Verdict::Failed(TaskFailure {
            task_id: record.task_id.clone(),
            status: Some(status.as_str().to_owned()),
            code: record.error_code.as_ref().and_then(|c| c.as_i64()),
            message: record.error_message.clone(),
        });
    }
    if status.is_success() {
        return match LyricsOutcome::from_record(record) {
            Some(o) => Verdict::Done(o),
            None => Verdict::Empty(status.as_str().to_owned()),
        };
    }
    Verdict::Pending(status.as_str().to_owned())
}

impl Client {
    /// The lyrics endpoints.
    pub fn lyrics(&self) -> Lyrics<'_> {
        Lyrics { client: self }
    }
}

impl Lyrics<'_> {
    /// `POST /api/v1/lyrics`: submits a lyrics task. Billed; never retried once it
    /// may have reached the server.
    pub async fn generate(&self, req: &GenerateLyricsRequest) -> Result<TaskId> {
        self.client.post_task(Endpoint::GenerateLyrics, req).await
    }

    /// `GET /api/v1/lyrics/record-info`: the task's details.
    pub async fn details(&self, task_id: &TaskId) -> Result<LyricsRecord> {
        self.client.details(Endpoint::LyricsDetails, task_id).await
    }

    /// Polls until the task settles: its completed variations, or
    /// [`TaskFailed`](crate::ClientError::TaskFailed),
    /// [`EmptyResult`](crate::ClientError::EmptyResult) (success without lyrics),
    /// [`WaitDeadline`](crate::ClientError::WaitDeadline),
    /// [`PollFailed`](crate::ClientError::PollFailed). A lyrics success callback
    /// fed in as a [`Signal`](crate::Signal) settles it without another poll.
    pub async fn wait(&self, task_id: &TaskId, options: WaitOptions) -> Result<LyricsOutcome> {
        self.client
            .wait_loop(
                task_id,
                options,
                || self.details(task_id),
                |r: &LyricsRecord| r.status.as_str().to_owned(),
                judge_lyrics,
                LyricsOutcome::from_callback,
            )
            .await
    }
}
