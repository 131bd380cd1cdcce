//! The task ledger: a local SQLite file where every task the CLI submits is written
//! *before* its POST (the intent), again after it (the task id, or why it was refused),
//! and at each outcome, so a billed task is never forgotten.
//!
//! An intent whose POST never answered (the process crashed or was killed mid-POST, a
//! timeout, a 5xx after sending) is `unknown`: it may have been billed, so it is
//! reported and never resubmitted on its own. Downloaded files are recorded per task
//! (URL, path, size, SHA-256).
//!
//! One connection per process, in WAL mode with `synchronous = FULL`: an intent is
//! on disk before the request that bills leaves. Several processes may share the file
//! (SQLite's locking, with a busy timeout).

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::Context;
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde_json::Value;

use crate::family::Family;

/// Where a task stands, as far as this machine knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum State {
    /// The intent is written; the POST is in flight.
    Submitting,
    /// The POST was sent but never answered readably (crash, kill, timeout, 5xx):
    /// the task may exist and be billed. Never resubmitted on its own.
    Unknown,
    /// The API refused the request (nothing billed).
    Refused,
    /// Submitted (a task id); no final outcome yet.
    Pending,
    /// Finished with a result.
    Succeeded,
    /// Finished without a result (failure status or failure callback).
    Failed,
}

impl State {
    /// Every state.
    pub const ALL: [State; 6] = [
        State::Submitting,
        State::Unknown,
        State::Refused,
        State::Pending,
        State::Succeeded,
        State::Failed,
    ];

    /// The name stored in the ledger and printed.
    pub fn name(self) -> &'static str {
        match self {
            State::Submitting => "submitting",
            State::Unknown => "unknown",
            State::Refused => "refused",
            State::Pending => "pending",
            State::Succeeded => "succeeded",
            State::Failed => "failed",
        }
    }

    /// The state named `name`.
    pub fn parse(name: &str) -> Option<State> {
        State::ALL.into_iter().find(|s| s.name() == name)
    }

    /// Whether the task will not change any more.
    pub fn is_final(self) -> bool {
        matches!(self, State::Refused | State::Succeeded | State::Failed)
    }
}

impl std::fmt::Display for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// The local id of a ledger entry (assigned at the intent, before any task id exists).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LocalId(pub i64);

impl std::fmt::Display for LocalId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "#{}", self.0)
    }
}

/// One task as the ledger knows it.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The local id.
    pub local_id: LocalId,
    /// The family.
    pub family: Family,
    /// The request body as sent (JSON; `null` for a task adopted by `wait --family`).
    pub request: Value,
    /// When the intent was written (ms since the Unix epoch).
    pub created_at_ms: i64,
    /// When the API answered with the task id.
    pub submitted_at_ms: Option<i64>,
    /// The API's task id, once known.
    pub task_id: Option<String>,
    /// Where the task stands.
    pub state: State,
    /// The API's status name at the last look (`PENDING`, `SUCCESS`, ...).
    pub status: Option<String>,
    /// The last details record or callback (JSON).
    pub outcome: Option<Value>,
    /// Why it was refused, failed or is unknown.
    pub error: Option<String>,
    /// The last change.
    pub updated_at_ms: i64,
    /// The batch line this task was submitted for (see `batch`).
    pub batch_key: Option<String>,
}

/// A file of a task's outcome saved on this machine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DownloadRecord {
    /// The URL it came from.
    pub url: String,
    /// Where it is.
    pub path: PathBuf,
    /// Its size in bytes.
    pub size: u64,
    /// Its SHA-256, lowercase hex.
    pub sha256: String,
    /// When the download completed (ms since the Unix epoch).
    pub completed_at_ms: i64,
}

/// What `tasks` lists.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Only this family.
    pub family: Option<Family>,
    /// Only this state.
    pub state: Option<State>,
    /// Only this API status (case-insensitive), e.g. `TEXT_SUCCESS`.
    pub status: Option<String>,
}

/// The ledger: cheap to clone, shared by the tasks of one process.
#[derive(Debug, Clone)]
pub struct Ledger {
    conn: Arc<Mutex<Connection>>,
    path: PathBuf,
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS tasks (
    local_id      INTEGER PRIMARY KEY AUTOINCREMENT,
    family        TEXT    NOT NULL,
    request       TEXT    NOT NULL,
    created_at    INTEGER NOT NULL,
    submitted_at  INTEGER,
    task_id       TEXT    UNIQUE,
    state         TEXT    NOT NULL,
    status        TEXT,
    outcome       TEXT,
    error         TEXT,
    updated_at    INTEGER NOT NULL,
    batch_key     TEXT    UNIQUE,
    pid           INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS tasks_state ON tasks(state);
CREATE TABLE IF NOT EXISTS downloads (
    task_id       TEXT    NOT NULL,
    url           TEXT    NOT NULL,
    path          TEXT    NOT NULL,
    size          INTEGER NOT NULL,
    sha256        TEXT    NOT NULL,
    completed_at  INTEGER NOT NULL,
    PRIMARY KEY (task_id, url)
);
PRAGMA user_version = 1;
";

const COLUMNS: &str = "local_id, family, request, created_at, submitted_at, task_id, state, \
                       status, outcome, error, updated_at, batch_key";

/// Milliseconds since the Unix epoch, now.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// The default ledger file: `ledger.db` in the platform's data directory for
/// kie-suno (`~/.local/share/kie-suno` on Linux, `~/Library/Application
/// Support/ai.kie.kie-suno` on macOS, `%APPDATA%\kie\kie-suno\data` on Windows).
pub fn default_path() -> anyhow::Result<PathBuf> {
    let dirs = directories::ProjectDirs::from("ai", "kie", "kie-suno").context(
        "no home directory to keep the task ledger in: pass --ledger PATH (or set KIE_SUNO_LEDGER)",
    )?;
    Ok(dirs.data_dir().join("ledger.db"))
}

impl Ledger {
    /// Opens (creating it and its directory if needed) the ledger at `path`.
    pub fn open(path: &Path) -> anyhow::Result<Self> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).with_context(|| {
                format!("cannot create the ledger's directory {}", dir.display())
            })?;
        }
        let conn = Connection::open(path)
            .with_context(|| format!("cannot open the task ledger {}", path.display()))?;
        conn.busy_timeout(Duration::from_secs(10))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.execute_batch(SCHEMA)
            .with_context(|| format!("cannot create the task ledger {}", path.display()))?;
        Ok(Self {
            conn: Arc::new(Mutex::new(conn)),
            path: path.to_owned(),
        })
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn with<T>(&self, f: impl FnOnce(&Connection) -> rusqlite::Result<T>) -> anyhow::Result<T> {
        let conn = self.conn.lock().unwrap_or_else(PoisonError::into_inner);
        f(&conn).with_context(|| format!("task ledger {}", self.path.display()))
    }

    /// Writes the intent to submit `request` (before the POST); returns its local id.
    /// With a `batch_key` already in the ledger, nothing is written and the call fails
    /// (a batch line is submitted at most once).
    pub fn intent(
        &self,
        family: Family,
        request: &Value,
        batch_key: Option<&str>,
    ) -> anyhow::Result<LocalId> {
        let now = now_ms();
        self.with(|c| {
            c.execute(
                "INSERT INTO tasks (family, request, created_at, state, updated_at, batch_key, pid)
                 VALUES (?1, ?2, ?3, 'submitting', ?3, ?4, ?5)",
                params![
                    family.name(),
                    request.to_string(),
                    now,
                    batch_key,
                    std::process::id()
                ],
            )?;
            Ok(LocalId(c.last_insert_rowid()))
        })
    }

    /// Writes the intent again for an entry whose request was refused (nothing was
    /// billed), before submitting it anew.
    pub fn reintent(&self, id: LocalId) -> anyhow::Result<()> {
        let now = now_ms();
        let changed = self.with(|c| {
            c.execute(
                "UPDATE tasks SET state = 'submitting', error = NULL, updated_at = ?2, pid = ?3
                 WHERE local_id = ?1 AND state = 'refused'",
                params![id.0, now, std::process::id()],
            )
        })?;
        anyhow::ensure!(changed == 1, "ledger entry {id} is not a refused request");
        Ok(())
    }

    /// The API answered the intent with `task_id`.
    pub fn submitted(&self, id: LocalId, task_id: &str) -> anyhow::Result<()> {
        let now = now_ms();
        self.with(|c| {
            c.execute(
                "UPDATE tasks SET task_id = ?2, state = 'pending', status = 'PENDING',
                        submitted_at = ?3, updated_at = ?3, error = NULL
                 WHERE local_id = ?1",
                params![id.0, task_id, now],
            )
        })?;
        Ok(())
    }

    /// The POST ended without a task id: `refused` (nothing billed) or `unknown`.
    pub fn not_submitted(&self, id: LocalId, state: State, error: &str) -> anyhow::Result<()> {
        let now = now_ms();
        self.with(|c| {
            c.execute(
                "UPDATE tasks SET state = ?2, error = ?3, updated_at = ?4 WHERE local_id = ?1",
                params![id.0, state.name(), error, now],
            )
        })?;
        Ok(())
    }

    /// A new outcome of a submitted task: its state, the API's status name, the
    /// record or callback, and an error message for a failure.
    pub fn outcome(
        &self,
        task_id: &str,
        state: State,
        status: &str,
        outcome: Option<&Value>,
        error: Option<&str>,
    ) -> anyhow::Result<()> {
        let now = now_ms();
        let outcome = outcome.map(Value::to_string);
        self.with(|c| {
            c.execute(
                "UPDATE tasks SET state = ?2, status = ?3, outcome = COALESCE(?4, outcome),
                        error = ?5, updated_at = ?6
                 WHERE task_id = ?1",
                params![task_id, state.name(), status, outcome, error, now],
            )
        })?;
        Ok(())
    }

    /// Records a task submitted elsewhere (by another tool, or before the ledger
    /// existed) so `wait` can follow it; does nothing if it is already known.
    pub fn adopt(&self, family: Family, task_id: &str) -> anyhow::Result<()> {
        let now = now_ms();
        self.with(|c| {
            c.execute(
                "INSERT OR IGNORE INTO tasks
                     (family, request, created_at, submitted_at, task_id, state, status,
                      updated_at, pid)
                 VALUES (?1, 'null', ?2, ?2, ?3, 'pending', 'PENDING', ?2, ?4)",
                params![family.name(), now, task_id, std::process::id()],
            )
        })?;
        Ok(())
    }

    /// The entry of a task id.
    pub fn task(&self, task_id: &str) -> anyhow::Result<Option<Entry>> {
        let sql = format!("SELECT {COLUMNS} FROM tasks WHERE task_id = ?1");
        let row = self.with(|c| c.query_row(&sql, params![task_id], raw_entry).optional())?;
        row.map(RawEntry::into_entry).transpose()
    }

    /// The entry of a local id.
    pub fn local(&self, id: LocalId) -> anyhow::Result<Option<Entry>> {
        let sql = format!("SELECT {COLUMNS} FROM tasks WHERE local_id = ?1");
        let row = self.with(|c| c.query_row(&sql, params![id.0], raw_entry).optional())?;
        row.map(RawEntry::into_entry).transpose()
    }

    /// The entry written for a batch line.
    pub fn by_batch_key(&self, key: &str) -> anyhow::Result<Option<Entry>> {
        let sql = format!("SELECT {COLUMNS} FROM tasks WHERE batch_key = ?1");
        let row = self.with(|c| c.query_row(&sql, params![key], raw_entry).optional())?;
        row.map(RawEntry::into_entry).transpose()
    }

    /// The entries that match `filter`, oldest first.
    pub fn list(&self, filter: &Filter) -> anyhow::Result<Vec<Entry>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM tasks
             WHERE (?1 IS NULL OR family = ?1) AND (?2 IS NULL OR state = ?2)
               AND (?3 IS NULL OR upper(status) = upper(?3))
             ORDER BY local_id"
        );
        let rows = self.with(|c| {
            let mut stmt = c.prepare(&sql)?;
            let rows = stmt.query_map(
                params![
                    filter.family.map(Family::name),
                    filter.state.map(State::name),
                    filter.status.as_deref()
                ],
                raw_entry,
            )?;
            rows.collect::<rusqlite::Result<Vec<_>>>()
        })?;
        rows.into_iter().map(RawEntry::into_entry).collect()
    }

    /// Turns the intents whose process is gone (it crashed or was killed during the
    /// POST) into `unknown` entries, and returns them, so the caller reports them.
    pub fn reconcile(&self) -> anyhow::Result<Vec<Entry>> {
        let candidates: Vec<(i64, u32, i64)> = self.with(|c| {
            let mut stmt = c.prepare(
                "SELECT local_id, pid, created_at FROM tasks WHERE state = 'submitting'",
            )?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
            rows.collect()
        })?;
        let now = now_ms();
        let mut found = Vec::new();
        for (local_id, pid, created_at) in candidates {
            if process_alive(pid, now.saturating_sub(created_at)) {
                continue;
            }
            let changed = self.with(|c| {
                c.execute(
                    "UPDATE tasks SET state = 'unknown', updated_at = ?2,
                            error = 'the process that sent it ended before the answer: \
                                     the task may exist and be billed'
                     WHERE local_id = ?1 AND state = 'submitting'",
                    params![local_id, now],
                )
            })?;
            if changed == 1 {
                if let Some(e) = self.local(LocalId(local_id))? {
                    found.push(e);
                }
            }
        }
        Ok(found)
    }

    /// Records (or replaces, for the same task and URL) a downloaded file.
    pub fn record_download(&self, task_id: &str, file: &DownloadRecord) -> anyhow::Result<()> {
        let size = i64::try_from(file.size).context("file size out of range")?;
        self.with(|c| {
            c.execute(
                "INSERT INTO downloads (task_id, url, path, size, sha256, completed_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (task_id, url) DO UPDATE SET path = excluded.path,
                     size = excluded.size, sha256 = excluded.sha256,
                     completed_at = excluded.completed_at",
                params![
                    task_id,
                    file.url,
                    file.path.to_string_lossy(),
                    size,
                    file.sha256,
                    file.completed_at_ms
                ],
            )
        })?;
        Ok(())
    }

    /// The files downloaded for a task, by URL.
    pub fn downloads(&self, task_id: &str) -> anyhow::Result<Vec<DownloadRecord>> {
        self.with(|c| {
            let mut stmt = c.prepare(
                "SELECT url, path, size, sha256, completed_at FROM downloads
                 WHERE task_id = ?1 ORDER BY url",
            )?;
            let rows = stmt.query_map(params![task_id], |r| {
                Ok(DownloadRecord {
                    url: r.get(0)?,
                    path: PathBuf::from(r.get::<_, String>(1)?),
                    size: u64::try_from(r.get::<_, i64>(2)?).unwrap_or(0),
                    sha256: r.get(3)?,
                    completed_at_ms: r.get(4)?,
                })
            })?;
            rows.collect()
        })
    }
}

/// Whether the process `pid` that wrote an intent `age_ms` ago may still be sending
/// it. On Linux, `/proc` says; elsewhere an intent older than the longest POST
/// (the client's timeouts) is taken as abandoned.
fn process_alive(pid: u32, age_ms: i64) -> bool {
    if pid == std::process::id() {
        return true;
    }
    let proc = Path::new("/proc");
    if proc.join("self").exists() {
        return proc.join(pid.to_string()).exists();
    }
    age_ms < 10 * 60 * 1000
}

/// A row as stored, before its names are checked.
struct RawEntry {
    local_id: i64,
    family: String,
    request: String,
    created_at: i64,
    submitted_at: Option<i64>,
    task_id: Option<String>,
    state: String,
    status: Option<String>,
    outcome: Option<String>,
    error: Option<String>,
    updated_at: i64,
    batch_key: Option<String>,
}

fn raw_entry(r: &Row<'_>) -> rusqlite::Result<RawEntry> {
    Ok(RawEntry {
        local_id: r.get(0)?,
        family: r.get(1)?,
        request: r.get(2)?,
        created_at: r.get(3)?,
        submitted_at: r.get(4)?,
        task_id: r.get(5)?,
        state: r.get(6)?,
        status: r.get(7)?,
        outcome: r.get(8)?,
        error: r.get(9)?,
        updated_at: r.get(10)?,
        batch_key: r.get(11)?,
    })
}

impl RawEntry {
    fn into_entry(self) -> anyhow::Result<Entry> {
        let family = Family::parse(&self.family).with_context(|| {
            format!(
                "ledger entry #{}: unknown family {:?}",
                self.local_id, self.family
            )
        })?;
        let state = State::parse(&self.state).with_context(|| {
            format!(
                "ledger entry #{}: unknown state {:?}",
                self.local_id, self.state
            )
        })?;
        let json =
            |text: &str| serde_json::from_str(text).unwrap_or(Value::String(text.to_owned()));
        Ok(Entry {
            local_id: LocalId(self.local_id),
            family,
            request: json(&self.request),
            created_at_ms: self.created_at,
            submitted_at_ms: self.submitted_at,
            task_id: self.task_id,
            state,
            status: self.status,
            outcome: self.outcome.as_deref().map(json),
            error: self.error,
            updated_at_ms: self.updated_at,
            batch_key: self.batch_key,
        })
    }
}

impl Entry {
    /// The entry as one JSON object (what `tasks --json` and `show --json` print).
    pub fn to_json(&self) -> Value {
        serde_json::json!({
            "local_id": self.local_id.0,
            "family": self.family.name(),
            "task_id": self.task_id,
            "state": self.state.name(),
            "status": self.status,
            "created_at": rfc3339(self.created_at_ms),
            "submitted_at": self.submitted_at_ms.map(rfc3339),
            "updated_at": rfc3339(self.updated_at_ms),
            "error": self.error,
            "batch_key": self.batch_key,
            "request": self.request,
            "outcome": self.outcome,
        })
    }
}

/// A time in ms since the epoch as RFC 3339 (UTC, milliseconds).
pub fn rfc3339(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
        .unwrap_or_else(|| ms.to_string())
}

#[cfg(test)]
mod tests;
