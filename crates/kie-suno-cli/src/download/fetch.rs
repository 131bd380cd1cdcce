//! One file onto disk: resumable (a `.NAME.part` file in the target directory is
//! continued with `Range: bytes=N-`, kept only when the answer is a 206 whose
//! `Content-Range` starts at N; a 200 starts again from zero), atomic (the part file
//! is synced and renamed into place, so a file under its final name is always
//! complete), hashed with SHA-256 as it is written.
//!
//! A part file is continued only while the file on the host is the one it began:
//! the validator of the first answer (its strong `ETag`, else its `Last-Modified`)
//! is kept next to it (`.NAME.part.validator`) and sent as `If-Range`, so a host
//! whose file changed answers with the whole new file (200); a 206 that carries
//! another validator is not trusted either. A part file without one (left by an
//! older version, or from a host that sends neither) is continued as before.

use std::path::{Path, PathBuf};

use indicatif::ProgressBar;
use reqwest::header::{
    HeaderMap, HeaderValue, CONTENT_RANGE, ETAG, IF_RANGE, LAST_MODIFIED, RANGE,
};
use reqwest::StatusCode;
use sha2::{Digest, Sha256};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::plan::{PlannedFile, Source};

/// What became of one file.
#[derive(Debug, Clone, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Fetched {
    pub name: String,
    pub path: PathBuf,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    pub bytes: u64,
    pub sha256: String,
    /// The bytes already on disk that a range request continued (0: fetched whole).
    pub resumed_from: u64,
    /// The file was already complete under its final name: nothing fetched.
    pub skipped: bool,
}

/// Why a file could not be downloaded.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// The file host no longer has the file (404 / 410): KIE deletes generated
    /// files 14 days after the task was created.
    #[error("{name}: the file has expired (HTTP {status} from {host}; KIE keeps generated files 14 days)")]
    Expired {
        name: String,
        status: u16,
        host: String,
    },
    /// Another non-success answer.
    #[error("{name}: HTTP {status} from {host}")]
    Status {
        name: String,
        status: u16,
        host: String,
    },
    /// The connection failed or broke off (a part file, when any, is kept for the
    /// next run to resume).
    #[error("{name}: {cause}")]
    Transport { name: String, cause: String },
    /// The body ended before the length the server announced.
    #[error("{name}: the download stopped at {got} of {expected} bytes (run again to resume)")]
    Short {
        name: String,
        got: u64,
        expected: u64,
    },
    /// Reading or writing the file.
    #[error("{name}: {path}: {source}")]
    Io {
        name: String,
        path: String,
        #[source]
        source: std::io::Error,
    },
}

/// The part file of `name` in `dir`.
pub fn part_path(dir: &Path, name: &str) -> PathBuf {
    dir.join(format!(".{name}.part"))
}

/// Where the validator of a part file is kept (see the module docs).
pub fn validator_path(part: &Path) -> PathBuf {
    let mut path = part.as_os_str().to_owned();
    path.push(".validator");
    PathBuf::from(path)
}

/// The validator `If-Range` may carry for this answer: a strong `ETag`, else
/// `Last-Modified` (a weak `ETag` may not be sent in `If-Range`).
fn validator(headers: &HeaderMap) -> Option<String> {
    let text = |name| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
            .filter(|v| !v.is_empty())
    };
    match text(ETAG) {
        Some(tag) if !tag.starts_with("W/") => Some(tag.to_owned()),
        _ => text(LAST_MODIFIED).map(str::to_owned),
    }
}

/// Removes a file that may not exist.
async fn remove_if_there(path: &Path) -> std::io::Result<()> {
    match tokio::fs::remove_file(path).await {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

/// Downloads `file` into `dir` (which exists), skipping it when it is already there
/// (and, when `recorded` holds the size and SHA-256 the ledger has for it, matches
/// them: a file changed on disk since is downloaded again).
pub async fn fetch(
    http: &reqwest::Client,
    file: &PlannedFile,
    dir: &Path,
    bar: &ProgressBar,
    recorded: Option<(u64, String)>,
) -> Result<Fetched, FetchError> {
    let target = dir.join(&file.name);
    let io = |path: &Path| {
        let name = file.name.clone();
        let path = path.display().to_string();
        move |source| FetchError::Io { name, path, source }
    };
    let url = match &file.source {
        Source::Url(u) => Some(u.clone()),
        Source::Inline(_) => None,
    };
    if tokio::fs::try_exists(&target).await.map_err(io(&target))? {
        let (bytes, sha256) = hash_file(&target).await.map_err(io(&target))?;
        let matches = recorded
            .as_ref()
            .is_none_or(|(size, sha)| *size == bytes && *sha == sha256);
        if matches {
            return Ok(Fetched {
                name: file.name.clone(),
                path: target,
                url,
                bytes,
                sha256,
                resumed_from: 0,
                skipped: true,
            });
        }
        eprintln!(
            "warning: {} differs from the size and SHA-256 the ledger recorded for it: downloading it again",
            target.display()
        );
    }
    let part = part_path(dir, &file.name);
    let (bytes, sha256, resumed_from) = match &file.source {
        Source::Inline(data) => {
            tokio::fs::write(&part, data).await.map_err(io(&part))?;
            (data.len() as u64, hex(&Sha256::digest(data)), 0)
        }
        Source::Url(url) => download(http, &file.name, url, &part, bar).await?,
    };
    let f = tokio::fs::File::open(&part).await.map_err(io(&part))?;
    f.sync_all().await.map_err(io(&part))?;
    drop(f);
    tokio::fs::rename(&part, &target)
        .await
        .map_err(io(&target))?;
    let validator = validator_path(&part);
    remove_if_there(&validator).await.map_err(io(&validator))?;
    sync_dir(dir).await;
    Ok(Fetched {
        name: file.name.clone(),
        path: target,
        url,
        bytes,
        sha256,
        resumed_from,
        skipped: false,
    })
}

/// Fetches `url` into `part`, continuing what is there; returns (length, SHA-256
/// hex, bytes resumed from).
async fn download(
    http: &reqwest::Client,
    name: &str,
    url: &str,
    part: &Path,
    bar: &ProgressBar,
) -> Result<(u64, String, u64), FetchError> {
    let host = url::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
        .unwrap_or_default();
    let io = |source| FetchError::Io {
        name: name.to_owned(),
        path: part.display().to_string(),
        source,
    };
    let have = match tokio::fs::metadata(part).await {
        Ok(m) => m.len(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => 0,
        Err(e) => return Err(io(e)),
    };
    let validator_file = validator_path(part);
    let vio = |source| FetchError::Io {
        name: name.to_owned(),
        path: validator_file.display().to_string(),
        source,
    };
    let kept = if have > 0 {
        match tokio::fs::read(&validator_file).await {
            Ok(v) => Some(v),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(vio(e)),
        }
    } else {
        None
    };
    // What this run wrote is always a header value; anything else was not
    // written by it, and the part file is not trusted either.
    let kept = match kept.map(|v| HeaderValue::from_bytes(v.trim_ascii())) {
        None => None,
        Some(Ok(v)) if !v.is_empty() => Some(v),
        Some(_) => {
            tokio::fs::remove_file(part).await.map_err(io)?;
            remove_if_there(&validator_file).await.map_err(vio)?;
            return Box::pin(download(http, name, url, part, bar)).await;
        }
    };
    let mut request = http.get(url);
    if have > 0 {
        request = request.header(RANGE, format!("bytes={have}-"));
        if let Some(v) = &kept {
            request = request.header(IF_RANGE, v.clone());
        }
    }
    let mut response = request.send().await.map_err(|e| FetchError::Transport {
        name: name.to_owned(),
        cause: crate::exit::transport_cause(&e),
    })?;
    let status = response.status();
    if status == StatusCode::RANGE_NOT_SATISFIABLE && have > 0 {
        // The part file is not a prefix of this file (it may be of an older one):
        // start again.
        tokio::fs::remove_file(part).await.map_err(io)?;
        remove_if_there(&validator_file).await.map_err(vio)?;
        return Box::pin(download(http, name, url, part, bar)).await;
    }
    if matches!(status, StatusCode::NOT_FOUND | StatusCode::GONE) {
        return Err(FetchError::Expired {
            name: name.to_owned(),
            status: status.as_u16(),
            host,
        });
    }
    if !status.is_success() {
        return Err(FetchError::Status {
            name: name.to_owned(),
            status: status.as_u16(),
            host,
        });
    }
    let answered = validator(response.headers());
    let content_range = response
        .headers()
        .get(CONTENT_RANGE)
        .and_then(|v| v.to_str().ok());
    let kept = kept.as_ref().and_then(|v| v.to_str().ok());
    let continued = match judge(status, content_range, have, kept, answered.as_deref()) {
        Answer::Continue => true,
        Answer::Whole => false,
        Answer::Refetch => {
            // A range we did not ask for, or of a changed file: fetch the whole file.
            tokio::fs::remove_file(part).await.map_err(io)?;
            remove_if_there(&validator_file).await.map_err(vio)?;
            return Box::pin(download(http, name, url, part, bar)).await;
        }
        Answer::Unasked => {
            // A 206 to a request without a range: what it holds is not known.
            return Err(FetchError::Status {
                name: name.to_owned(),
                status: status.as_u16(),
                host,
            });
        }
    };
    if !continued {
        // From byte 0: keep this answer's validator for a later resume.
        match &answered {
            Some(v) => tokio::fs::write(&validator_file, v).await,
            None => remove_if_there(&validator_file).await,
        }
        .map_err(vio)?;
    }
    let start = if continued { have } else { 0 };
    let mut hasher = Sha256::new();
    let mut file = if continued {
        hash_prefix(part, &mut hasher).await.map_err(io)?;
        tokio::fs::OpenOptions::new()
            .append(true)
            .open(part)
            .await
            .map_err(io)?
    } else {
        tokio::fs::File::create(part).await.map_err(io)?
    };
    let expected = response.content_length().map(|n| n + start);
    bar.inc_length(expected.unwrap_or(0));
    bar.inc(start);
    let mut written = start;
    loop {
        let chunk = response.chunk().await.map_err(|e| FetchError::Transport {
            name: name.to_owned(),
            cause: crate::exit::transport_cause(&e),
        });
        let chunk = match chunk {
            Ok(Some(c)) => c,
            Ok(None) => break,
            Err(e) => {
                let _ = file.flush().await;
                return Err(e);
            }
        };
        file.write_all(&chunk).await.map_err(io)?;
        hasher.update(&chunk);
        written += chunk.len() as u64;
        bar.inc(chunk.len() as u64);
    }
    file.flush().await.map_err(io)?;
    if let Some(expected) = expected.filter(|e| *e != written) {
        return Err(FetchError::Short {
            name: name.to_owned(),
            got: written,
            expected,
        });
    }
    Ok((written, hex(&hasher.finalize()), start))
}

/// What an answer means for a part file of `have` bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Answer {
    /// A 206 from where the part file ends, of the file it began: append.
    Continue,
    /// Not a 206: the whole file, from byte 0.
    Whole,
    /// A 206 from elsewhere, or of a file whose validator changed: drop the part
    /// file and ask again without a range.
    Refetch,
    /// A 206 although no range was asked for.
    Unasked,
}

/// Judges a success answer: its status, `Content-Range`, and validator
/// (`answered`) against the part file's length and kept validator. A side that
/// has no validator does not count against continuing (see the module docs).
fn judge(
    status: StatusCode,
    content_range: Option<&str>,
    have: u64,
    kept: Option<&str>,
    answered: Option<&str>,
) -> Answer {
    if status != StatusCode::PARTIAL_CONTENT {
        return Answer::Whole;
    }
    if have == 0 {
        return Answer::Unasked;
    }
    let from_the_end = content_range.and_then(content_range_start) == Some(have);
    let same_file = kept.is_none() || answered.is_none() || kept == answered;
    if from_the_end && same_file {
        Answer::Continue
    } else {
        Answer::Refetch
    }
}

/// The first byte of `bytes FIRST-LAST/TOTAL`.
fn content_range_start(value: &str) -> Option<u64> {
    let range = value.trim().strip_prefix("bytes ")?;
    let (span, _) = range.split_once('/')?;
    let (first, _) = span.split_once('-')?;
    first.trim().parse().ok()
}

async fn hash_prefix(path: &Path, hasher: &mut Sha256) -> std::io::Result<u64> {
    let mut f = tokio::fs::File::open(path).await?;
    let mut buf = vec![0u8; 64 * 1024];
    let mut total = 0u64;
    loop {
        let n = f.read(&mut buf).await?;
        if n == 0 {
            return Ok(total);
        }
        hasher.update(&buf[..n]);
        total += n as u64;
    }
}

/// The length and SHA-256 (hex) of a file on disk.
pub async fn hash_file(path: &Path) -> std::io::Result<(u64, String)> {
    let mut hasher = Sha256::new();
    let n = hash_prefix(path, &mut hasher).await?;
    Ok((n, hex(&hasher.finalize())))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Makes a rename in `dir` durable (Unix; elsewhere a no-op).
async fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = tokio::fs::File::open(dir).await {
        let _ = d.sync_all().await;
    }
    #[cfg(not(unix))]
    let _ = dir;
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap
mod tests {
    use super::{content_range_start, judge, validator, Answer};
    use reqwest::header::{HeaderMap, HeaderValue, ETAG, LAST_MODIFIED};
    use reqwest::StatusCode;

    #[test]
    fn answers_to_a_ranged_request() {
        let partial = StatusCode::PARTIAL_CONTENT;
        let range = Some("bytes 4000-9999/10000");
        let tag = Some("\"v1\"");
        assert_eq!(judge(partial, range, 4000, tag, tag), Answer::Continue);
        // Either side without a validator: continued as before validators were kept.
        assert_eq!(judge(partial, range, 4000, None, tag), Answer::Continue);
        assert_eq!(judge(partial, range, 4000, tag, None), Answer::Continue);
        // A host that ignored If-Range and answered for another file.
        assert_eq!(
            judge(partial, range, 4000, tag, Some("\"v2\"")),
            Answer::Refetch
        );
        // A range from elsewhere, or none.
        assert_eq!(
            judge(partial, Some("bytes 0-9999/10000"), 4000, tag, tag),
            Answer::Refetch
        );
        assert_eq!(judge(partial, None, 4000, tag, tag), Answer::Refetch);
        // A 206 to a request that asked for no range.
        assert_eq!(
            judge(partial, Some("bytes 0-99/10000"), 0, None, None),
            Answer::Unasked
        );
        // A 200 is the whole file, whatever was asked.
        assert_eq!(
            judge(StatusCode::OK, None, 4000, tag, Some("\"v2\"")),
            Answer::Whole
        );
        assert_eq!(judge(StatusCode::OK, None, 0, None, None), Answer::Whole);
    }

    #[test]
    fn the_validator_is_a_strong_etag_else_last_modified() {
        let headers = |pairs: &[(reqwest::header::HeaderName, &str)]| {
            let mut h = HeaderMap::new();
            for (name, value) in pairs {
                h.insert(name.clone(), HeaderValue::from_str(value).unwrap());
            }
            h
        };
        let date = "Tue, 01 Dec 2026 10:00:00 GMT";
        assert_eq!(
            validator(&headers(&[(ETAG, "\"abc\""), (LAST_MODIFIED, date)])).as_deref(),
            Some("\"abc\"")
        );
        // A weak tag may not be sent in If-Range.
        assert_eq!(
            validator(&headers(&[(ETAG, "W/\"abc\""), (LAST_MODIFIED, date)])).as_deref(),
            Some(date)
        );
        assert_eq!(validator(&headers(&[(ETAG, "W/\"abc\"")])), None);
        assert_eq!(validator(&headers(&[])), None);
    }

    #[test]
    fn content_range() {
        assert_eq!(content_range_start("bytes 100-199/200"), Some(100));
        assert_eq!(content_range_start("bytes 0-0/*"), Some(0));
        assert_eq!(content_range_start("bytes */200"), None);
        assert_eq!(content_range_start("items 1-2/3"), None);
    }
}
