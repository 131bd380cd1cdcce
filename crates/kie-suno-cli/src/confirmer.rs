//! Where the client and the receiver meet: the [`Confirmer`] that fetches a
//! task's record-info through `kie-suno-client` (its rate limiter and read
//! retries included), so the receiver can store it as the authoritative outcome.
//! The receiver crate does not depend on the client crate; this binary has both.

use kie_suno_callbacks::{
    BoxFuture, ConfirmError, ConfirmRequest, Confirmer, RecordInfo, RemoteState,
};
use kie_suno_client::{Client, MediaTask};
use kie_suno_types::{
    CallbackFamily, CoverImageRecord, Endpoint, LyricsRecord, MidiRecord, MusicRecord,
    SeparationRecord, TaskState, VideoRecord, WavRecord,
};
use serde::de::DeserializeOwned;

/// Confirms callbacks with the record-info endpoints of the API the client talks to.
#[derive(Debug, Clone)]
pub struct ClientConfirmer {
    client: Client,
}

impl ClientConfirmer {
    /// A confirmer over `client` (the API key it holds is never logged).
    pub fn new(client: Client) -> Self {
        Self { client }
    }
}

/// The record-info endpoint of a callback family.
pub fn details_endpoint(family: CallbackFamily) -> Endpoint {
    match family {
        CallbackFamily::Lyrics => Endpoint::LyricsDetails,
        CallbackFamily::CoverImage => Endpoint::CoverImageDetails,
        CallbackFamily::Wav => Endpoint::WavDetails,
        CallbackFamily::Separation => Endpoint::SeparationDetails,
        CallbackFamily::Midi => Endpoint::MidiDetails,
        CallbackFamily::Video => Endpoint::MusicVideoDetails,
        // Music, replace-section (polled at music record-info), and any family
        // added later.
        _ => Endpoint::MusicDetails,
    }
}

fn typed<T: DeserializeOwned>(data: &serde_json::Value) -> Result<T, ConfirmError> {
    serde_json::from_value(data.clone())
        .map_err(|e| format!("record-info data does not parse: {e}").into())
}

fn from_status(status: &impl TaskState, name: String) -> RemoteState {
    if status.is_success() {
        RemoteState::Succeeded
    } else if status.is_failure() {
        RemoteState::Failed
    } else {
        RemoteState::Running(name)
    }
}

fn media<R: MediaTask>(data: &serde_json::Value) -> Result<RemoteState, ConfirmError> {
    let r: R = typed(data)?;
    Ok(if r.is_success() && r.has_result() {
        RemoteState::Succeeded
    } else if r.is_failure() {
        RemoteState::Failed
    } else {
        RemoteState::Running(r.status_name())
    })
}

/// The task's state according to its record-info `data`.
pub fn state_of(
    family: CallbackFamily,
    data: &serde_json::Value,
) -> Result<RemoteState, ConfirmError> {
    match family {
        CallbackFamily::Lyrics => {
            let r: LyricsRecord = typed(data)?;
            Ok(from_status(&r.status, r.status.as_str().to_owned()))
        }
        CallbackFamily::CoverImage => media::<CoverImageRecord>(data),
        CallbackFamily::Wav => media::<WavRecord>(data),
        CallbackFamily::Separation => media::<SeparationRecord>(data),
        CallbackFamily::Midi => media::<MidiRecord>(data),
        CallbackFamily::Video => media::<VideoRecord>(data),
        _ => {
            let r: MusicRecord = typed(data)?;
            Ok(from_status(&r.status, r.status.as_str().to_owned()))
        }
    }
}

impl Confirmer for ClientConfirmer {
    fn record_info(
        &self,
        request: ConfirmRequest,
    ) -> BoxFuture<'static, Result<RecordInfo, ConfirmError>> {
        let client = self.client.clone();
        Box::pin(async move {
            let path = details_endpoint(request.family).path();
            let data: serde_json::Value = client
                .raw()
                .get(path, &[("taskId", request.task_id.as_str())])
                .await?;
            let state = state_of(request.family, &data)?;
            Ok(RecordInfo::new(state, data))
        })
    }
}
