//! A task's life under the ledger: the intent before the POST, the task id after it
//! (always printed on stderr), each outcome, and the interrupts (SIGINT, SIGTERM) that
//! end a wait with the command that resumes it.

use std::future::Future;

use anyhow::Context;
use kie_suno_client::{Client, ClientError, Media, MediaTask, MusicStage, WaitOptions};
use kie_suno_types::{
    CoverImageRecord, MidiRecord, SeparationRecord, TaskId, TaskState, VideoRecord, WavRecord,
};
use serde::Serialize;
use serde_json::Value;

use crate::args::Global;
use crate::family::Family;
use crate::ledger::{self, Ledger, State};
use crate::output::Spinner;

/// Opens the ledger `--ledger` / `KIE_SUNO_LEDGER` names (else the default one) and
/// reports, on stderr, the intents of earlier runs that crashed mid-POST.
pub fn open_ledger(global: &Global) -> anyhow::Result<Ledger> {
    let path = match &global.ledger {
        Some(p) => p.clone(),
        None => ledger::default_path()?,
    };
    let ledger = Ledger::open(&path)?;
    for entry in ledger.reconcile()? {
        eprintln!(
            "warning: ledger entry {} ({}, written {}) was interrupted during its submission: \
             the task may exist and be billed; it is not resubmitted \
             (`kie-suno tasks --status unknown` lists such entries)",
            entry.local_id,
            entry.family,
            ledger::rfc3339(entry.created_at_ms)
        );
    }
    Ok(ledger)
}

/// What a failed submission leaves: `Refused` when the API (or the client, before
/// sending) refused it, so nothing was billed; `Unknown` when it may have been.
pub fn fate(e: &ClientError) -> State {
    match e {
        ClientError::Unauthorized(_)
        | ClientError::InsufficientCredits(_)
        | ClientError::RateLimited(_)
        | ClientError::Maintenance(_)
        | ClientError::Validation(_)
        | ClientError::ContentPolicy(_)
        | ClientError::Api(_)
        | ClientError::InvalidRequest(_)
        | ClientError::Encode(_)
        | ClientError::Config(_) => State::Refused,
        ClientError::Transport { .. } if e.is_connect() => State::Refused,
        _ => State::Unknown,
    }
}

/// Submits under the ledger: the intent (with the request as JSON) is on disk before
/// `post` runs; the task id, or why there is none, after it. The task id is printed
/// on stderr whatever `--quiet` says, as is the warning of an unknown fate.
pub async fn submit<F>(
    ledger: &Ledger,
    spinner: &Spinner,
    family: Family,
    request: &impl Serialize,
    batch_key: Option<&str>,
    post: F,
) -> anyhow::Result<TaskId>
where
    F: Future<Output = Result<TaskId, ClientError>>,
{
    let body = serde_json::to_value(request).context("cannot encode the request")?;
    let local = ledger.intent(family, &body, batch_key)?;
    match post.await {
        Ok(task_id) => {
            // Print first: even if the ledger write fails, the id is seen.
            spinner.line(&format!("task {task_id} submitted ({family})"));
            ledger.submitted(local, task_id.as_str())?;
            Ok(task_id)
        }
        Err(e) => {
            let state = fate(&e);
            let message = error_chain(&e);
            ledger.not_submitted(local, state, &message)?;
            if state == State::Unknown {
                spinner.line(&format!(
                    "warning: the {family} request may have been billed without an answer: \
                     kept as ledger entry {local} (`kie-suno tasks --status unknown`)"
                ));
            }
            Err(e.into())
        }
    }
}

/// An error and its causes on one line.
pub fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut line = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        line.push_str(": ");
        line.push_str(&s.to_string());
        source = s.source();
    }
    line
}

/// Records in the ledger what a wait ended with: a record (its state from `state`),
/// a failure, or nothing new (a deadline, a transport error: the task is still pending).
/// A failed write is a warning: the task id is already in the ledger.
pub fn record<R: Serialize>(
    ledger: &Ledger,
    task_id: &TaskId,
    result: Result<(&R, State, &str), &ClientError>,
) {
    let written = match result {
        Ok((record, state, status)) => {
            let value = serde_json::to_value(record).ok();
            ledger.outcome(task_id.as_str(), state, status, value.as_ref(), None)
        }
        Err(ClientError::TaskFailed(f)) => ledger.outcome(
            task_id.as_str(),
            State::Failed,
            f.status().unwrap_or("FAILED"),
            None,
            Some(&error_chain(&ClientError::TaskFailed(f.clone()))),
        ),
        Err(_) => Ok(()),
    };
    if let Err(e) = written {
        eprintln!("warning: cannot record the outcome of task {task_id}: {e:#}");
    }
}

/// The signal that interrupted a wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signal {
    /// SIGINT (Ctrl-C): exit 130.
    Interrupt,
    /// SIGTERM: exit 143.
    Terminate,
}

impl Signal {
    /// The exit code: 128 + the signal number.
    pub fn exit_code(self) -> u8 {
        match self {
            Signal::Interrupt => 130,
            Signal::Terminate => 143,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Signal::Interrupt => "SIGINT",
            Signal::Terminate => "SIGTERM",
        }
    }
}

/// The handlers of SIGINT and SIGTERM. Installed just before a submission, so a
/// signal arriving during the POST waits for its answer (the task id) instead of
/// killing the process with a billed task unrecorded.
#[derive(Debug)]
pub struct Interrupts {
    #[cfg(unix)]
    int: tokio::signal::unix::Signal,
    #[cfg(unix)]
    term: tokio::signal::unix::Signal,
}

impl Interrupts {
    /// Installs the handlers (from then on the signals no longer kill the process).
    pub fn install() -> anyhow::Result<Self> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            Ok(Self {
                int: signal(SignalKind::interrupt()).context("cannot handle SIGINT")?,
                term: signal(SignalKind::terminate()).context("cannot handle SIGTERM")?,
            })
        }
        #[cfg(not(unix))]
        {
            Ok(Self {})
        }
    }

    /// The next signal.
    pub async fn recv(&mut self) -> Signal {
        #[cfg(unix)]
        {
            tokio::select! {
                _ = self.int.recv() => Signal::Interrupt,
                _ = self.term.recv() => Signal::Terminate,
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
            Signal::Interrupt
        }
    }

    /// Runs `work` unless a signal comes first; then the error names the tasks
    /// still running and how to resume them.
    pub async fn guard<T>(
        &mut self,
        tasks: impl FnOnce() -> Vec<String>,
        simulated: bool,
        work: impl Future<Output = T>,
    ) -> Result<T, Interrupted> {
        tokio::select! {
            out = work => Ok(out),
            signal = self.recv() => Err(Interrupted { signal, tasks: tasks(), simulated }),
        }
    }
}

/// A wait ended by a signal.
#[derive(Debug)]
pub struct Interrupted {
    /// The signal.
    pub signal: Signal,
    /// The task ids still running.
    pub tasks: Vec<String>,
    /// On the embedded simulator (whose tasks end with the process).
    pub simulated: bool,
}

impl std::fmt::Display for Interrupted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "interrupted by {}", self.signal.name())?;
        match self.tasks.as_slice() {
            [] => {}
            [one] => write!(
                f,
                ": task {one} is still running; resume with `kie-suno wait {one}`"
            )?,
            many => write!(
                f,
                ": {} tasks are still running ({}); resume with `kie-suno wait <task-id>` \
                 or by running the same `kie-suno batch` again",
                many.len(),
                many.join(", ")
            )?,
        }
        if self.simulated && !self.tasks.is_empty() {
            f.write_str(" (on the embedded simulator a task ends with the process)")?;
        }
        Ok(())
    }
}

impl std::error::Error for Interrupted {}

/// A task's details as the ledger keeps them.
#[derive(Debug, Clone)]
pub struct Snapshot {
    /// The API's status name.
    pub status: String,
    /// What it means here.
    pub state: State,
    /// The record as JSON.
    pub record: Value,
}

fn state_of(success: bool, failure: bool) -> State {
    if success {
        State::Succeeded
    } else if failure {
        State::Failed
    } else {
        State::Pending
    }
}

fn snapshot<R: Serialize>(record: &R, status: String, state: State) -> Snapshot {
    Snapshot {
        status,
        state,
        record: serde_json::to_value(record).unwrap_or(Value::Null),
    }
}

fn media_snapshot<R: MediaTask + Serialize>(record: &R) -> Snapshot {
    snapshot(
        record,
        record.status_name(),
        state_of(record.is_success(), record.is_failure()),
    )
}

/// Reads a task's details at its family's record-info endpoint.
pub async fn details(
    client: &Client,
    family: Family,
    task_id: &TaskId,
) -> Result<Snapshot, ClientError> {
    Ok(match family {
        Family::Lyrics => {
            let r = client.lyrics().details(task_id).await?;
            let state = state_of(r.status.is_success(), r.status.is_failure());
            snapshot(&r, r.status.to_string(), state)
        }
        Family::Music | Family::Sounds => {
            let r = client.music().details(task_id).await?;
            let state = state_of(r.status.is_success(), r.status.is_failure());
            snapshot(&r, r.status.to_string(), state)
        }
        Family::CoverImage => media_snapshot(&client.cover_image().details(task_id).await?),
        Family::Wav => media_snapshot(&client.wav().details(task_id).await?),
        Family::Separation => media_snapshot(&client.separation().details(task_id).await?),
        Family::Midi => media_snapshot(&client.midi().details(task_id).await?),
        Family::Video => media_snapshot(&client.video().details(task_id).await?),
    })
}

async fn media_wait<R: MediaTask + Serialize>(
    handle: Media<'_, R>,
    task_id: &TaskId,
    options: WaitOptions,
) -> Result<Snapshot, ClientError> {
    Ok(media_snapshot(&handle.wait(task_id, options).await?))
}

/// Waits for a task of any family to finish (music: every track, `SUCCESS`).
pub async fn wait(
    client: &Client,
    family: Family,
    task_id: &TaskId,
    options: WaitOptions,
) -> Result<Snapshot, ClientError> {
    match family {
        Family::Lyrics => {
            let o = client.lyrics().wait(task_id, options).await?;
            let r = o.record();
            Ok(snapshot(r, r.status.to_string(), State::Succeeded))
        }
        Family::Music => {
            let options = options.with_stop_at(MusicStage::Success);
            let o = client.music().wait(task_id, options).await?;
            Ok(snapshot(
                o.record(),
                o.status().to_string(),
                State::Succeeded,
            ))
        }
        Family::Sounds => {
            let options = options.with_stop_at(MusicStage::Success);
            let o = client.sounds().wait(task_id, options).await?;
            Ok(snapshot(
                o.record(),
                o.status().to_string(),
                State::Succeeded,
            ))
        }
        Family::CoverImage => {
            media_wait::<CoverImageRecord>(client.cover_image(), task_id, options).await
        }
        Family::Wav => media_wait::<WavRecord>(client.wav(), task_id, options).await,
        Family::Separation => {
            media_wait::<SeparationRecord>(client.separation(), task_id, options).await
        }
        Family::Midi => media_wait::<MidiRecord>(client.midi(), task_id, options).await,
        Family::Video => media_wait::<VideoRecord>(client.video(), task_id, options).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_message_names_the_task_and_the_resume_command() {
        let one = Interrupted {
            signal: Signal::Terminate,
            tasks: vec!["abc".to_owned()],
            simulated: false,
        };
        assert_eq!(
            one.to_string(),
            "interrupted by SIGTERM: task abc is still running; resume with `kie-suno wait abc`"
        );
        assert_eq!(one.signal.exit_code(), 143);
        assert_eq!(Signal::Interrupt.exit_code(), 130);
        let none = Interrupted {
            signal: Signal::Interrupt,
            tasks: vec![],
            simulated: true,
        };
        assert_eq!(none.to_string(), "interrupted by SIGINT");
    }

    #[test]
    fn a_request_refused_before_sending_is_known_unbilled() {
        let refused = kie_suno_types::GenerateLyricsRequest::builder("")
            .build()
            .err()
            .map(ClientError::InvalidRequest);
        assert_eq!(refused.as_ref().map(fate), Some(State::Refused));
    }
}
