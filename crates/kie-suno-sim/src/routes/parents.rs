//! What a request may refer to: a finished music task of this simulator and one of
//! its tracks (WAV, video, separation, persona, timestamped lyrics, extend,
//! replace-section), a finished task of another family (MIDI, cover image), or one of
//! the simulator's own file URLs (the uploads and covers of its files). The task
//! found is the new task's parent, whose fault keywords it inherits.

use kie_suno_types::{AudioId, TaskId};

use super::envelope::Reject;
use crate::records::{Child, Family, MediaSpec};
use crate::state::Shared;
use crate::sync::read;

/// A track of a finished music task, as a request names it.
#[derive(Debug, Clone)]
pub(crate) struct Track {
    /// The music task.
    pub(crate) task: TaskId,
    /// Its index among the task's tracks (`musicIndex`).
    pub(crate) index: usize,
    /// The track.
    pub(crate) child: Child,
}

/// The track `audio_id` of the finished music task `task_id`.
pub(crate) fn music_track(shared: &Shared, task_id: &str, audio_id: &str) -> Result<Track, Reject> {
    let tasks = read(&shared.tasks);
    let task = tasks
        .get(&TaskId::new(task_id))
        .filter(|t| t.family == Family::Music)
        .ok_or_else(|| {
            Reject::validation(format!(
                "taskId {task_id} is not a music task of this simulator"
            ))
        })?;
    if !task.succeeded_as(Family::Music) {
        return Err(Reject::validation(format!(
            "the music task {task_id} is not complete ({})",
            task.stage().status
        )));
    }
    let (index, child) = task.child(audio_id).ok_or_else(|| {
        Reject::validation(format!(
            "audioId {audio_id} is not a track of task {task_id}"
        ))
    })?;
    Ok(Track {
        task: TaskId::new(task_id),
        index,
        child: child.clone(),
    })
}

/// The parent track of a media request: a finished music task of this simulator.
pub(crate) fn media_of(
    shared: &Shared,
    task: &TaskId,
    audio: &AudioId,
) -> Result<MediaSpec, Reject> {
    let track = music_track(shared, task.as_str(), audio.as_str())?;
    Ok(MediaSpec {
        parent_task: task.as_str().to_owned(),
        audio_id: Some(audio.as_str().to_owned()),
        music_index: track.index,
    })
}

/// The music task one of whose tracks is `audio_id`, with that track.
pub(crate) fn find_track_owner(shared: &Shared, audio_id: &str) -> Option<(TaskId, Child)> {
    read(&shared.tasks).iter().find_map(|(id, t)| {
        let (_, child) = t.child(audio_id).filter(|_| t.family == Family::Music)?;
        Some((id.clone(), child.clone()))
    })
}

/// The children of `task`, when it is a task of `family` that finished with its
/// results; otherwise the 422 saying it is not a completed `what` task.
pub(crate) fn finished(
    shared: &Shared,
    task: &TaskId,
    family: Family,
    what: &str,
) -> Result<Vec<Child>, Reject> {
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

/// The task behind one of the simulator's own file URLs: the task whose file it is,
/// or, for an upload, the task whose file was uploaded by URL.
pub(crate) fn task_of_url(shared: &Shared, url: &str) -> Option<TaskId> {
    let path = shared.own_file_path(url)?;
    if let Some(upload) = path.strip_prefix("uploads/") {
        return shared.uploads.get(upload)?.origin;
    }
    let task = TaskId::new(path.split('/').next()?);
    read(&shared.tasks).contains_key(&task).then_some(task)
}
