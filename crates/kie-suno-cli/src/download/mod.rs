//! `kie-suno download <task-id>... [--dir D]` and the `--download D` of the
//! generating commands: every file of each task's outcome into `D/<task-id>/`,
//! a few at a time, with one progress bar; resumable, atomic, skipping what is
//! already complete; a warning when KIE is about to delete a task's files (14 days
//! after the task was created) and a typed error when it has.

mod fetch;
mod plan;

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use futures::StreamExt;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use kie_suno_client::Client;
use kie_suno_types::TaskId;
use serde_json::Value;

pub use fetch::Fetched;

use crate::args::Global;
use crate::exit::{Failure, EXPIRED, UNAVAILABLE, USAGE};
use crate::family::Family;
use crate::ledger::{DownloadRecord, Ledger};

/// KIE deletes generated media files this long after the task was created
/// (Getting Started, "Data retention").
pub const RETENTION: Duration = Duration::from_secs(14 * 24 * 60 * 60);
/// Warn when less than this is left.
pub const WARN_BEFORE: Duration = Duration::from_secs(2 * 24 * 60 * 60);

/// One task's record, read from its record-info endpoint.
#[derive(Debug, Clone)]
pub struct TaskFiles {
    pub task_id: TaskId,
    pub family: Family,
    /// The record as the types crate serialises it.
    pub record: Value,
    /// When the task was created (Unix milliseconds), when the record says.
    pub created_ms: Option<i64>,
}

/// The result of one task's downloads.
#[derive(Debug, Clone, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskReport {
    pub task_id: TaskId,
    pub family: &'static str,
    pub dir: PathBuf,
    pub files: Vec<Fetched>,
    pub errors: Vec<String>,
    /// Whether the task, or one of its files, has expired.
    pub expired: bool,
    /// Whether the record lists no file yet (a task still running, or stopped at its
    /// text stage).
    #[serde(skip)]
    pub nothing_yet: bool,
}

/// Reads a task's record from the record-info endpoint of its family.
pub async fn read_task(
    client: &Client,
    task_id: &TaskId,
    family: Family,
) -> anyhow::Result<TaskFiles> {
    let record = match family {
        Family::Lyrics => {
            return Err(Failure::new(
                USAGE,
                format!("task {task_id} is a lyrics task: lyrics are text, there are no files to download (`kie-suno show {task_id}` prints them)"),
            )
            .into())
        }
        Family::Music | Family::Sounds => {
            let r = client.music().details(task_id).await?;
            serde_json::to_value(&r)?
        }
        Family::CoverImage => {
            let r = client.cover_image().details(task_id).await?;
            serde_json::to_value(&r)?
        }
        Family::Wav => {
            let r = client.wav().details(task_id).await?;
            serde_json::to_value(&r)?
        }
        Family::Separation => {
            let r = client.separation().details(task_id).await?;
            serde_json::to_value(&r)?
        }
        Family::Midi => {
            let r = client.midi().details(task_id).await?;
            serde_json::to_value(&r)?
        }
        Family::Video => {
            let r = client.video().details(task_id).await?;
            serde_json::to_value(&r)?
        }
    };
    Ok(TaskFiles {
        task_id: task_id.clone(),
        family,
        created_ms: created_ms(&record),
        record,
    })
}

/// When a task was created, from its record: the earliest `createTime` in it (a
/// music record has one per track, not always one of its own).
pub fn created_ms(record: &Value) -> Option<i64> {
    fn walk(v: &Value, best: &mut Option<i64>) {
        match v {
            Value::Object(map) => {
                for (k, x) in map {
                    if k == "createTime" {
                        let t = serde_json::from_value::<kie_suno_types::KieTime>(x.clone())
                            .ok()
                            .and_then(|t| t.to_unix_millis());
                        if let Some(t) = t {
                            *best = Some(best.map_or(t, |b| b.min(t)));
                        }
                    } else {
                        walk(x, best);
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|x| walk(x, best)),
            _ => {}
        }
    }
    let mut best = None;
    walk(record, &mut best);
    best
}

/// A task id as a directory name: letters, digits, `-` and `_` only.
pub fn check_task_id(id: &str) -> Result<TaskId, Failure> {
    if !id.is_empty()
        && id.len() <= 128
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        Ok(TaskId::new(id))
    } else {
        Err(Failure::new(
            USAGE,
            format!("{id:?} is not a task id (letters, digits, '-' and '_')"),
        ))
    }
}

/// How long ago (`now_ms - created_ms`) a task was created, when known.
fn age(created_ms: Option<i64>, now_ms: i64) -> Option<Duration> {
    let created = created_ms?;
    u64::try_from(now_ms.saturating_sub(created))
        .ok()
        .map(Duration::from_millis)
}

use crate::ledger::now_ms;

/// The bar: bytes over the announced total; hidden unless stderr is a terminal.
fn progress_bar(enabled: bool) -> ProgressBar {
    if !enabled || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} downloading [{elapsed}] {bytes}/{total_bytes} {binary_bytes_per_sec} {msg}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.enable_steady_tick(Duration::from_millis(100));
    bar
}

/// The HTTP client of the file hosts: no API key is ever sent to them.
pub fn file_client() -> anyhow::Result<reqwest::Client> {
    Ok(reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(10))
        .read_timeout(Duration::from_secs(60))
        .user_agent(concat!("kie-suno/", env!("CARGO_PKG_VERSION")))
        .build()?)
}

/// Downloads every file of `tasks` into `dir/<task-id>/`, `jobs` at a time.
/// Returns one report per task (in the order given); files that failed are in
/// each report's `errors`. Expiry is checked first: a task past KIE's 14 days is
/// an error without a request; one with less than two days left is warned about.
pub async fn download_all(
    global: &Global,
    tasks: &[TaskFiles],
    dir: &Path,
    jobs: usize,
    ledger: Option<&Ledger>,
) -> anyhow::Result<Vec<TaskReport>> {
    let http = file_client()?;
    let now = now_ms();
    let mut reports = Vec::new();
    let mut work = Vec::new();
    for (i, task) in tasks.iter().enumerate() {
        let task_dir = dir.join(task.task_id.as_str());
        let mut report = TaskReport {
            task_id: task.task_id.clone(),
            family: task.family.name(),
            dir: task_dir.clone(),
            files: Vec::new(),
            errors: Vec::new(),
            expired: false,
            nothing_yet: false,
        };
        let planned = plan::plan(&task.record);
        if let Some(age) = age(task.created_ms, now) {
            if age >= RETENTION {
                report.errors.push(format!(
                    "task {} was created {} days ago: KIE deletes generated files after 14 days (expired)",
                    task.task_id,
                    age.as_secs() / 86_400
                ));
                report.expired = true;
                reports.push(report);
                continue;
            }
            let left = RETENTION - age;
            if left < WARN_BEFORE && !planned.is_empty() {
                eprintln!(
                    "warning: task {} was created {:.1} days ago: KIE deletes its files in about {} hours",
                    task.task_id,
                    age.as_secs_f64() / 86_400.0,
                    left.as_secs() / 3600
                );
            }
        }
        if planned.is_empty() {
            report.nothing_yet = true;
            report.errors.push(format!(
                "task {} has no files (yet): its record lists no file URL",
                task.task_id
            ));
            reports.push(report);
            continue;
        }
        std::fs::create_dir_all(&task_dir).map_err(|e| {
            Failure::new(
                crate::exit::INTERNAL,
                format!("cannot create {}: {e}", task_dir.display()),
            )
        })?;
        let recorded = match ledger {
            Some(l) => l.downloads(task.task_id.as_str())?,
            None => Vec::new(),
        };
        for file in planned {
            let key = match &file.source {
                plan::Source::Url(u) => u.clone(),
                plan::Source::Inline(_) => format!("record:{}", file.name),
            };
            let known = recorded
                .iter()
                .find(|r| r.url == key)
                .map(|r| (r.size, r.sha256.clone()));
            work.push((i, task_dir.clone(), file, known));
        }
        reports.push(report);
    }
    let bar = progress_bar(!global.quiet);
    let results: Vec<(usize, Result<Fetched, fetch::FetchError>)> = futures::stream::iter(work)
        .map(|(i, task_dir, file, known)| {
            let http = &http;
            let bar = &bar;
            async move { (i, fetch::fetch(http, &file, &task_dir, bar, known).await) }
        })
        .buffer_unordered(jobs.clamp(1, 16))
        .collect()
        .await;
    bar.finish_and_clear();
    for (i, result) in results {
        // One report per task, in the tasks' order.
        let Some(report) = reports.get_mut(i) else {
            continue;
        };
        match result {
            Ok(f) => {
                if let Some(ledger) = ledger {
                    let record = DownloadRecord {
                        url: f
                            .url
                            .clone()
                            .unwrap_or_else(|| format!("record:{}", f.name)),
                        path: std::path::absolute(&f.path).unwrap_or_else(|_| f.path.clone()),
                        size: f.bytes,
                        sha256: f.sha256.clone(),
                        completed_at_ms: crate::ledger::now_ms(),
                    };
                    if let Err(e) = ledger.record_download(report.task_id.as_str(), &record) {
                        report.errors.push(format!("{}: {e:#}", f.name));
                    }
                }
                report.files.push(f);
            }
            Err(e) => {
                report.expired |= matches!(e, fetch::FetchError::Expired { .. });
                report.errors.push(e.to_string());
            }
        }
    }
    for report in &mut reports {
        report.files.sort_by(|a, b| a.name.cmp(&b.name));
    }
    Ok(reports)
}

/// Prints the reports (JSON or one line per file) and turns errors into the exit
/// status: any expired file or task → [`EXPIRED`], other failures → [`UNAVAILABLE`].
pub fn finish(global: &Global, reports: &[TaskReport]) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    if global.json {
        serde_json::to_writer_pretty(&mut out, &serde_json::json!({ "tasks": reports }))?;
        writeln!(out)?;
    } else {
        for r in reports {
            for f in &r.files {
                let how = if f.skipped {
                    " (already complete)".to_owned()
                } else if f.resumed_from > 0 {
                    format!(" (resumed at byte {})", f.resumed_from)
                } else {
                    String::new()
                };
                writeln!(
                    out,
                    "{}  {} bytes  sha256 {}{how}",
                    f.path.display(),
                    f.bytes,
                    f.sha256
                )?;
            }
        }
    }
    out.flush()?;
    let errors: Vec<&String> = reports.iter().flat_map(|r| &r.errors).collect();
    if errors.is_empty() {
        return Ok(());
    }
    for e in &errors {
        if !global.json {
            eprintln!("error: {e}");
        }
    }
    let expired = reports.iter().any(|r| r.expired);
    let n = errors.len();
    let message = if n == 1 {
        errors[0].clone()
    } else {
        format!("{n} file(s) could not be downloaded; first: {}", errors[0])
    };
    let failure = if expired {
        Failure::new(EXPIRED, message).with_hint(
            "KIE deletes generated files 14 days after the task was created: download sooner next time (`--download DIR` on the generating command)",
        )
    } else {
        Failure::new(UNAVAILABLE, message).with_hint(
            "run the same command again: complete files are skipped, partial ones resumed",
        )
    };
    Err(failure.into())
}

/// `kie-suno download <task-id>... [--dir D] [--family F] [--jobs N]`.
pub async fn command(global: &Global, args: crate::args::DownloadArgs) -> anyhow::Result<()> {
    let mut ids: Vec<TaskId> = Vec::new();
    for id in &args.task_ids {
        let id = check_task_id(id)?;
        // Twice on the command line is once: two fetches must never share a part file.
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    let ledger = crate::track::open_ledger(global)?;
    let env = crate::embedded::Env::for_query(global).await?;
    let mut tasks = Vec::new();
    for id in &ids {
        let entry = ledger.task(id.as_str())?;
        let family = match (args.family, &entry) {
            (Some(f), _) => f,
            (None, Some(e)) => e.family,
            (None, None) => {
                return Err(Failure::new(
                    USAGE,
                    format!("task {id} is not in the ledger: pass --family (music, sounds, cover-image, wav, separation, midi, video)"),
                )
                .into())
            }
        };
        let mut task = read_task(&env.client, id, family).await?;
        if task.created_ms.is_none() {
            task.created_ms = entry.and_then(|e| e.submitted_at_ms.or(Some(e.created_at_ms)));
        }
        tasks.push(task);
    }
    let reports = download_all(
        global,
        &tasks,
        &args.dir,
        usize::from(args.jobs),
        Some(&ledger),
    )
    .await?;
    env.close().await;
    finish(global, &reports)
}

/// `--download DIR` of a generating command: the files of the outcome just
/// received, while its URLs (on the embedded simulator: the simulator itself) live.
pub async fn after_outcome(
    global: &Global,
    ledger: &Ledger,
    dir: &Path,
    task_id: &TaskId,
    family: Family,
    record: &impl serde::Serialize,
) -> anyhow::Result<()> {
    let record = serde_json::to_value(record)?;
    let task = TaskFiles {
        task_id: task_id.clone(),
        family,
        created_ms: created_ms(&record),
        record,
    };
    let mut reports =
        download_all(global, std::slice::from_ref(&task), dir, 4, Some(ledger)).await?;
    // `--stop-at text` has no files yet: nothing to download is no failure here.
    for r in &mut reports {
        if r.nothing_yet {
            if !global.quiet {
                eprintln!("--download: task {} has no files yet", r.task_id);
            }
            r.errors.clear();
        }
    }
    if !global.quiet && !global.json {
        for r in &reports {
            for f in &r.files {
                eprintln!("saved {} ({} bytes)", f.path.display(), f.bytes);
            }
        }
    }
    let errors: Vec<&String> = reports.iter().flat_map(|r| &r.errors).collect();
    if let Some(first) = errors.first() {
        let code = if reports.iter().any(|r| r.expired) {
            EXPIRED
        } else {
            UNAVAILABLE
        };
        return Err(Failure::new(code, format!("--download: {first}"))
            .with_hint(format!(
                "`kie-suno download {task_id} --dir {}` tries again (complete files are skipped)",
                dir.display()
            ))
            .into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_created_time_is_the_earliest_create_time_of_the_record() {
        let v = serde_json::json!({
            "response": {"sunoData": [
                {"createTime": "2026-01-02 00:00:00"},
                {"createTime": 1_767_225_600_000_i64}
            ]}
        });
        assert_eq!(created_ms(&v), Some(1_767_225_600_000));
        assert_eq!(created_ms(&serde_json::json!({"createTime": 5})), Some(5));
        assert_eq!(created_ms(&serde_json::json!({"x": 1})), None);
    }

    #[test]
    fn task_ids_must_be_safe_directory_names() {
        assert!(check_task_id("5c79be8e_0f2a-4b1d").is_ok());
        for bad in ["", "../etc", "a/b", "a b", "a\\b", "."] {
            assert!(check_task_id(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn age_is_known_only_with_a_created_time() {
        assert_eq!(age(None, 10), None);
        assert_eq!(age(Some(4_000), 10_000), Some(Duration::from_secs(6)));
        // A created time in the future (clock skew) is no age.
        assert_eq!(age(Some(20_000), 10_000), None);
    }
}
