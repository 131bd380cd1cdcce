//! `client.music()`: the music family (generate, extend, upload-cover,
//! upload-extend, add-instrumental, add-vocals, replace-section, mashup), all
//! polled through music record-info, with a stage-aware waiter.

use kie_suno_types::{
    AddInstrumentalRequest, AddVocalsRequest, Callback, CallbackType, Endpoint, ExtendMusicRequest,
    GenerateMusicRequest, MashupRequest, MusicRecord, MusicResponse, MusicStatus, MusicTrack,
    ReplaceSectionRequest, TaskId, TaskState, UploadCoverRequest, UploadExtendRequest,
};

use crate::error::TaskFailure;
use crate::wait::{MusicStage, Verdict};
use crate::{Client, Result, WaitOptions};

/// The music endpoints. Get one with [`Client::music`].
///
/// Every submission is billed: rate limited, and never retried once it may have
/// reached the server.
#[derive(Debug, Clone, Copy)]
pub struct Music<'a> {
    client: &'a Client,
}

/// A music task that reached the stage waited for, with its tracks.
///
/// A track can be listed before its audio exists (at `FIRST_SUCCESS` the second
/// track's `audioUrl` may still be `""`): [`tracks`](Self::tracks) hands out
/// only the playable ones, [`all_tracks`](Self::all_tracks) every one.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct MusicOutcome {
    record: MusicRecord,
}

impl MusicOutcome {
    /// The outcome of a record that reached `stage` with what that stage
    /// promises, or `None`: at the text stage at least one track (lyrics, no
    /// audio yet), at the first and complete stages at least one playable track
    /// ([`MusicTrack::is_playable`]).
    pub fn from_record(record: MusicRecord, stage: MusicStage) -> Option<Self> {
        let reached = record
            .status
            .stage_rank()
            .is_some_and(|r| r >= stage.rank());
        let has = match stage {
            MusicStage::TextSuccess => !record.tracks().is_empty(),
            _ => record.playable_tracks().next().is_some(),
        };
        (reached && has).then_some(Self { record })
    }

    /// The outcome of a success callback whose stage reached `stage` and that
    /// carries tracks, or `None`.
    pub fn from_callback(cb: &Callback, stage: MusicStage) -> Option<Self> {
        #[allow(unreachable_patterns)]
        let (Callback::Music(c) | Callback::ReplaceSection(c)) = cb
        else {
            return None;
        };
        if c.code != kie_suno_types::ApiCode::Success {
            return None;
        }
        let status = match c.stage() {
            CallbackType::Text => MusicStatus::TextSuccess,
            CallbackType::First => MusicStatus::FirstSuccess,
            CallbackType::Complete => MusicStatus::Success,
            _ => return None,
        };
        let mut response = MusicResponse::default();
        response.task_id = Some(c.data.task_id.clone());
        response.suno_data = Some(c.tracks().iter().cloned().map(MusicTrack::from).collect());
        let mut record = MusicRecord::new(c.data.task_id.clone(), status);
        record.response = Some(response);
        Self::from_record(record, stage)
    }

    /// The task id.
    pub fn task_id(&self) -> &TaskId {
        &self.record.task_id
    }

    /// The status reached (`TEXT_SUCCESS`, `FIRST_SUCCESS` or `SUCCESS`).
    pub fn status(&self) -> &MusicStatus {
        &self.record.status
    }

    /// The playable tracks (a non-blank `audioUrl`): at least one at the first
    /// and complete stages; none at the text stage. A track whose audio does not
    /// exist yet is left out (see [`all_tracks`](Self::all_tracks)).
    pub fn tracks(&self) -> Vec<&MusicTrack> {
        self.record.playable_tracks().collect()
    }

    /// Every track listed, playable or not (the text stage's lyrics, the second
    /// track at `FIRST_SUCCESS` before its audio exists).
    pub fn all_tracks(&self) -> &[MusicTrack] {
        self.record.tracks()
    }

    /// The full record.
    pub fn record(&self) -> &MusicRecord {
        &self.record
    }

    /// The record, owned.
    pub fn into_record(self) -> MusicRecord {
        self.record
    }
}

pub(crate) fn judge_music(record: MusicRecord, stage: MusicStage) -> Verdict<MusicOutcome> {
    let status = record.status.clone();
    if status.is_failure() {
        return Verdict::Failed(TaskFailure {
            task_id: record.task_id.clone(),
            status: Some(status.as_str().to_owned()),
            code: record.error_code.as_ref().and_then(|c| c.as_i64()),
            message: record.error_message.clone(),
        });
    }
    if let Some(o) = MusicOutcome::from_record(record, stage) {
        return Verdict::Done(o);
    }
    if status.is_success() {
        // Finished, and still no track: nothing more will come.
        return Verdict::Empty(status.as_str().to_owned());
    }
    // Not there yet, or an intermediate stage without tracks yet.
    Verdict::Pending(status.as_str().to_owned())
}

impl Client {
    /// The music endpoints.
    pub fn music(&self) -> Music<'_> {
        Music { client: self }
    }
}

impl<'a> Music<'a> {
    pub(crate) fn client(&self) -> &'a Client {
        self.client
    }

    /// `POST /api/v1/generate`: generate music (two tracks per task).
    pub async fn generate(&self, req: &GenerateMusicRequest) -> Result<TaskId> {
        self.client.post_task(Endpoint::GenerateMusic, req).await
    }

    /// `POST /api/v1/generate/extend`: extend a generated track.
    pub async fn extend(&self, req: &ExtendMusicRequest) -> Result<TaskId> {
        self.client.post_task(Endpoint::ExtendMusic, req).await
    }

    /// `POST /api/v1/generate/upload-cover`: restyle an uploaded audio.
    pub async fn upload_cover(&self, req: &UploadCoverRequest) -> Result<TaskId> {
        self.client.post_task(Endpoint::UploadCover, req).await
    }

    /// `POST /api/v1/generate/upload-extend`: extend an uploaded audio.
    pub async fn upload_extend(&self, req: &UploadExtendRequest) -> Result<TaskId> {
        self.client.post_task(Endpoint::UploadExtend, req).await
    }

    /// `POST /api/v1/generate/add-instrumental`: accompaniment for uploaded vocals.
    pub async fn add_instrumental(&self, req: &AddInstrumentalRequest) -> Result<TaskId> {
        self.client.post_task(Endpoint::AddInstrumental, req).await
    }

    /// `POST /api/v1/generate/add-vocals`: vocals for an uploaded instrumental.
    pub async fn add_vocals(&self, req: &AddVocalsRequest) -> Result<TaskId> {
        self.client.post_task(Endpoint::AddVocals, req).await
    }

    /// `POST /api/v1/generate/replace-section`: regenerate a time range of a track.
    pub async fn replace_section(&self, req: &ReplaceSectionRequest) -> Result<TaskId> {
        self.client.post_task(Endpoint::ReplaceSection, req).await
    }

    /// `POST /api/v1/generate/mashup`: a mashup of two uploaded tracks.
    pub async fn mashup(&self, req: &MashupRequest) -> Result<TaskId> {
        self.client.post_task(Endpoint::Mashup, req).await
    }

    /// `GET /api/v1/generate/record-info`: the details of any music-family task.
    pub async fn details(&self, task_id: &TaskId) -> Result<MusicRecord> {
        self.client.details(Endpoint::MusicDetails, task_id).await
    }

    /// Polls until the task reaches `options.stop_at()` (default `SUCCESS`) with at
    /// least one track. An intermediate stage without tracks yet keeps polling;
    /// `SUCCESS` without tracks is [`EmptyResult`](crate::ClientError::EmptyResult).
    /// A music callback fed in as a [`Signal`](crate::Signal) settles the wait
    /// when it reaches the stage with tracks, and fails it on an error callback.
    pub async fn wait(&self, task_id: &TaskId, options: WaitOptions) -> Result<MusicOutcome> {
        let stage = options.stop_at;
        self.client
            .wait_loop(
                task_id,
                options,
                || self.details(task_id),
                |r: &MusicRecord| r.status.as_str().to_owned(),
                |r| judge_music(r, stage),
                |cb| MusicOutcome::from_callback(cb, stage),
            )
            .await
    }
}
