//! The media families (cover images, WAV, vocal / stem separation, MIDI, music
//! video): one generic handle over a [`MediaTask`] record type, and the
//! synchronous music tools (timestamped lyrics, style boost, persona).

use std::marker::PhantomData;

use kie_suno_types::{
    BoostStyleRequest, BoostStyleResult, CoverImageRecord, CoverImageRequest, Endpoint, MidiRecord,
    MidiRequest, MusicVideoRequest, Persona, PersonaRequest, SeparationRecord, SeparationRequest,
    TaskId, TaskState, TimestampedLyrics, TimestampedLyricsRequest, VideoRecord, WavRecord,
    WavRequest,
};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::TaskFailure;
use crate::music::Music;
use crate::wait::Verdict;
use crate::{Client, Result, WaitOptions};

/// A task family with one submit endpoint and one details endpoint, whose
/// record says by itself whether the task succeeded and carries its result.
///
/// Implemented for the five media records; implement it for a record of your own
/// to get [`Media`]'s `generate` / `details` / `wait` on an endpoint this crate
/// does not type.
pub trait MediaTask: DeserializeOwned + Send + 'static {
    /// The body that creates a task.
    type Request: Serialize + Sync;
    /// The endpoint that creates a task.
    const SUBMIT: Endpoint;
    /// The endpoint that reads a task's details.
    const DETAILS: Endpoint;
    /// The task id.
    fn task_id(&self) -> &TaskId;
    /// The status as the server spelled it.
    fn status_name(&self) -> String;
    /// Whether the task finished successfully.
    fn is_success(&self) -> bool;
    /// Whether the task finished without a result.
    fn is_failure(&self) -> bool;
    /// Whether the record carries the task's result (a URL, images, stems, notes).
    fn has_result(&self) -> bool;
    /// The task's error code, when failed.
    fn error_code(&self) -> Option<i64>;
    /// The task's error message, when failed.
    fn error_message(&self) -> Option<&str>;
}

fn non_empty(s: Option<&str>) -> bool {
    s.is_some_and(|s| !s.trim().is_empty())
}

macro_rules! media_task {
    ($record:ty, $request:ty, $submit:ident, $details:ident, |$r:ident| $status:expr, |$p:ident| $has:expr) => {
        impl MediaTask for $record {
            type Request = $request;
            const SUBMIT: Endpoint = Endpoint::$submit;
            const DETAILS: Endpoint = Endpoint::$details;
            fn task_id(&self) -> &TaskId {
                &self.task_id
            }
            fn status_name(&self) -> String {
                let $r = self;
                $status
            }
            fn is_success(&self) -> bool {
                self.success_flag.is_success()
            }
            fn is_failure(&self) -> bool {
                self.success_flag.is_failure()
            }
            fn has_result(&self) -> bool {
                let $p = self;
                $has
            }
            fn error_code(&self) -> Option<i64> {
                self.error_code.as_ref().and_then(|c| c.as_i64())
            }
            fn error_message(&self) -> Option<&str> {
                self.error_message.as_deref()
            }
        }
    };
}

media_task!(
    CoverImageRecord,
    CoverImageRequest,
    CoverImage,
    CoverImageDetails,
    |r| match r.success_flag.as_i64() {
        Some(i) => i.to_string(),
        None => format!("{:?}", r.success_flag),
    },
    |r| r.images().iter().any(|i| !i.trim().is_empty())
);
media_task!(
    WavRecord,
    WavRequest,
    WavConvert,
    WavDetails,
    |r| r.success_flag.as_str().to_owned(),
    |r| non_empty(r.wav_url())
);
media_task!(
    SeparationRecord,
    SeparationRequest,
    VocalSeparation,
    SeparationDetails,
    |r| r.success_flag.as_str().to_owned(),
    |r| r.response.as_ref().is_some_and(|s| {
        [
            &s.vocal_url,
            &s.instrumental_url,
            &s.backing_vocals_url,
            &s.drums_url,
            &s.bass_url,
            &s.guitar_url,
            &s.piano_url,
            &s.keyboard_url,
            &s.percussion_url,
            &s.strings_url,
            &s.synth_url,
            &s.fx_url,
            &s.brass_url,
        ]
        .iter()
        .any(|u| non_empty(u.as_deref()))
            || s.origin_data
                .iter()
                .flatten()
                .any(|t| non_empty(t.audio_url.as_deref()))
    })
);
media_task!(
    MidiRecord,
    MidiRequest,
    Midi,
    MidiDetails,
    |r| r.success_flag.as_i64().to_string(),
    |r| r
        .midi_data
        .as_ref()
        .is_some_and(|d| d.instruments.is_some())
);
media_task!(
    VideoRecord,
    MusicVideoRequest,
    MusicVideo,
    MusicVideoDetails,
    |r| r.success_flag.as_str().to_owned(),
    |r| non_empty(r.video_url())
);

/// The endpoints of one media family. Get one with [`Client::cover_image`],
/// [`Client::wav`], [`Client::separation`], [`Client::midi`] or
/// [`Client::video`], or [`Client::media`] for any [`MediaTask`].
#[derive(Debug)]
pub struct Media<'a, R> {
    client: &'a Client,
    record: PhantomData<fn() -> R>,
}

impl<R> Clone for Media<'_, R> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<R> Copy for Media<'_, R> {}

pub(crate) fn judge_media<R: MediaTask>(record: R) -> Verdict<R> {
    if record.is_failure() {
        return Verdict::Failed(TaskFailure {
            task_id: record.task_id().clone(),
            status: Some(record.status_name()),
            code: record.error_code(),
            message: record.error_message().map(str::to_owned),
        });
    }
    if record.is_success() {
        return if record.has_result() {
            Verdict::Done(record)
        } else {
            Verdict::Empty(record.status_name())
        };
    }
    Verdict::Pending(record.status_name())
}

impl Client {
    /// The endpoints of any [`MediaTask`] family.
    pub fn media<R: MediaTask>(&self) -> Media<'_, R> {
        Media {
            client: self,
            record: PhantomData,
        }
    }

    /// Cover art images for a music task (`/api/v1/suno/cover/...`).
    pub fn cover_image(&self) -> Media<'_, CoverImageRecord> {
        self.media()
    }

    /// WAV conversion (`/api/v1/wav/...`).
    pub fn wav(&self) -> Media<'_, WavRecord> {
        self.media()
    }

    /// Vocal / stem separation (`/api/v1/vocal-removal/...`).
    pub fn separation(&self) -> Media<'_, SeparationRecord> {
        self.media()
    }

    /// MIDI from a separation task (`/api/v1/midi/...`).
    pub fn midi(&self) -> Media<'_, MidiRecord> {
        self.media()
    }

    /// Music video (`/api/v1/mp4/...`).
    pub fn video(&self) -> Media<'_, VideoRecord> {
        self.media()
    }
}

impl<R: MediaTask> Media<'_, R> {
    /// Submits a task (`R::SUBMIT`). Billed: rate limited, and never retried once
    /// it may have reached the server.
    pub async fn generate(&self, req: &R::Request) -> Result<TaskId> {
        self.client.post_task(R::SUBMIT, req).await
    }

    /// The task's details (`R::DETAILS`).
    pub async fn details(&self, task_id: &TaskId) -> Result<R> {
        self.client.details(R::DETAILS, task_id).await
    }

    /// Polls until the task settles. Success always carries the result: a success
    /// status without one is [`EmptyResult`](crate::ClientError::EmptyResult). A
    /// failure callback fed in as a [`Signal`](crate::Signal) ends the wait; a
    /// success callback makes it poll at once for the typed record.
    pub async fn wait(&self, task_id: &TaskId, options: WaitOptions) -> Result<R> {
        self.client
            .wait_loop(
                task_id,
                options,
                || self.details(task_id),
                R::status_name,
                judge_media::<R>,
                |_| None,
            )
            .await
    }
}

impl Music<'_> {
    /// `POST /api/v1/generate/get-timestamped-lyrics` (synchronous): word-aligned
    /// lyrics and a waveform of a generated track. Not billed; retried like a read.
    pub async fn timestamped_lyrics(
        &self,
        req: &TimestampedLyricsRequest,
    ) -> Result<TimestampedLyrics> {
        self.client().call(Endpoint::TimestampedLyrics, req).await
    }

    /// `POST /api/v1/style/generate` (synchronous): expands a style description.
    /// Billed: never retried once it may have reached the server.
    pub async fn boost_style(&self, req: &BoostStyleRequest) -> Result<BoostStyleResult> {
        self.client().call(Endpoint::BoostStyle, req).await
    }

    /// `POST /api/v1/generate/generate-persona` (synchronous): a persona from a
    /// generated track, usable as `personaId`. Treated as billed.
    pub async fn create_persona(&self, req: &PersonaRequest) -> Result<Persona> {
        self.client().call(Endpoint::Persona, req).await
    }
}
