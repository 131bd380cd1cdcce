//! The payloads captured from the live API by the authors of public projects:
//! every file of `/work/shared/kie-api/captured/` (its README says what each
//! parses as), as copied into `crates/kie-suno-types/fixtures/captured/`.

use super::{cap, Fixture};

/// Every captured live payload (6).
pub const CAPTURED: &[Fixture] = &[
    cap(
        "credits.response.kie-live-2026-03-26-a.json",
        "CreditsResponse",
    ),
    cap(
        "file-upload-stream.response.kie-live-2026-03-26-a.json",
        "FileUploadResponse",
    ),
    cap(
        "music-generate.response.kie-live-2026-03-04.json",
        "TaskCreatedResponse",
    ),
    cap(
        "music-record-info.response.kie-live-2026-03-04.author-redacted.json",
        "MusicRecordResponse",
    ),
    cap(
        "music-record-info.response.kie-live-shape.author-sanitized.json",
        "MusicRecordResponse",
    ),
    // A bare `data` object, no envelope.
    cap(
        "timestamped-lyrics.data.kie-observed-live.author-trimmed.json",
        "TimestampedLyrics",
    ),
];
