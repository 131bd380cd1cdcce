//! What a media request may refer to: a finished music task of this simulator and
//! one of its tracks (WAV, video, separation, persona, timestamped lyrics, extend),
//! or a finished task of another family (MIDI, cover image).

use kie_suno_types::{AudioId, TaskId};

use super::envelope::Reject;
use crate::records::{Family, MediaSpec};
use crate::state::Shared;
use crate::sync::read;

/// The index of `audio_id` among the tracks of the finished music task `task_id`.
pub(crate) fn music_track(shared: &Shared, task_id: &str, audio_id: &str) -> Result<usize, Reject> {
    let tasks = read(&shared.tasks);
    let task = tasks
        .get(&TaskId::new(task_id))
        .filter(|t| t.family == Family::Music)
        .ok_or_else(|| {
            Reject::validation(format!(
                "taskId {task_id} is not a music task of this simulator"
            ))
        })?;
    if task.stage().status != "SUCCESS" {
        return Err(Reject::validation(format!(
            "the music task {task_id} is not complete ({})",
            task.stage().status
        )));
    }
    task.children
        .iter()
        .position(|c| c == audio_id)
        .ok_or_else(|| {
            Reject::validation(format!(
                "audioId {audio_id} is not a track of task {task_id}"
            ))
        })
}

/// The parent track of a media request: a finished music task of this simulator.
pub(crate) fn media_of(
    shared: &Shared,
    task: &TaskId,
    audio: &AudioId,
) -> Result<MediaSpec, Reject> {
    let index = music_track(shared, task.as_str(), audio.as_str())?;
    Ok(MediaSpec {
        parent_task: task.as_str().to_owned(),
        audio_id: Some(audio.as_str().to_owned()),
        music_index: index,
    })
}

/// The music task one of whose tracks is `audio_id`.
pub(crate) fn find_track_owner(shared: &Shared, audio_id: &str) -> Option<TaskId> {
    read(&shared.tasks)
        .iter()
        .find(|(_, t)| t.family == Family::Music && t.children.iter().any(|c| c == audio_id))
        .map(|(id, _)| id.clone())
}

/// The child ids of `task`, when it is a task of `family` that reached `SUCCESS`;
/// otherwise the 422 saying it is not a completed `what` task.
pub(crate) fn finished(
    shared: &Shared,
    task: &TaskId,
    family: Family,
    what: &str,
) -> Result<Vec<String>, Reject> {
    read(&shared.tasks)
        .get(task)
        .filter(|t| t.succeeded_as(family))
        .map(|t| t.children.clone())
        .ok_or_else(|| {
            Reject::validation(format!(
                "taskId {} is not a completed {what} task of this simulator",
                task.as_str()
            ))
        })
}
