//! `client.sounds()`: Generate Sounds (`POST /api/v1/generate/sounds`), whose
//! result is polled through music record-info (the endpoint's page links there;
//! no sounds callback, status set or details endpoint is documented).

use kie_suno_types::{Endpoint, GenerateSoundsRequest, MusicRecord, TaskId};

use crate::music::{judge_music, MusicOutcome};
use crate::{Client, Result, WaitOptions};

/// The Generate Sounds endpoint. Get one with [`Client::sounds`].
///
/// A submission is billed: rate limited, and never retried once it may have
/// reached the server.
#[derive(Debug, Clone, Copy)]
pub struct Sounds<'a> {
    client: &'a Client,
}

impl Client {
    /// The Generate Sounds endpoint.
    pub fn sounds(&self) -> Sounds<'_> {
        Sounds { client: self }
    }
}

impl Sounds<'_> {
    /// `POST /api/v1/generate/sounds`: ambience, loops or effects from a prompt.
    ///
    /// ```no_run
    /// use kie_suno_client::types::{GenerateSoundsRequest, Model};
    /// use kie_suno_client::{Client, WaitOptions};
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// let client = Client::from_env()?;
    /// let req = GenerateSoundsRequest::builder("rain on a tin roof", Model::V5)
    ///     .with_sound_loop(true)
    ///     .build()?;
    /// let task = client.sounds().generate(&req).await?;
    /// let outcome = client.sounds().wait(&task, WaitOptions::new()).await?;
    /// for track in outcome.tracks() {
    ///     println!("{}", track.audio_url().unwrap_or_default());
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn generate(&self, req: &GenerateSoundsRequest) -> Result<TaskId> {
        self.client.post_task(Endpoint::GenerateSounds, req).await
    }

    /// `GET /api/v1/generate/record-info`: the details of a sounds task, read
    /// as a music record (where the endpoint's page sends you to poll; the
    /// result's shape for sounds is not documented).
    pub async fn details(&self, task_id: &TaskId) -> Result<MusicRecord> {
        self.client.details(Endpoint::MusicDetails, task_id).await
    }

    /// Polls music record-info until the task reaches `options.stop_at()`
    /// (default `SUCCESS`) with a playable track, as
    /// [`Music::wait`](crate::Music::wait) does. No sounds callback is
    /// documented, so a callback fed in as a [`Signal`](crate::Signal) only makes
    /// the waiter poll now (or ends the wait if it reports a failure of this
    /// task).
    pub async fn wait(&self, task_id: &TaskId, options: WaitOptions) -> Result<MusicOutcome> {
        let stage = options.stop_at;
        self.client
            .wait_loop(
                task_id,
                options,
                || self.details(task_id),
                |r: &MusicRecord| r.status.as_str().to_owned(),
                |r| judge_music(r, stage),
                |_| None,
            )
            .await
    }
}
