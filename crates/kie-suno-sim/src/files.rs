//! The bytes behind `/sim/files/...`: small, valid stand-ins for the generated files
//! (silent MP3 and WAV audio, a one-pixel PNG) and the uploads kept in memory, so
//! downloads work offline. The route that serves them is `routes::files`.

use std::collections::HashMap;
use std::sync::Mutex;

use bytes::Bytes;
use chrono::{DateTime, Utc};
use kie_suno_types::TaskId;

use crate::sync::lock;

/// A stored upload.
#[derive(Debug, Clone)]
pub(crate) struct Upload {
    pub(crate) mime: String,
    pub(crate) bytes: Bytes,
    /// When it was stored, on `SimConfig::clock` (uploads are kept 3 days).
    pub(crate) uploaded_at: DateTime<Utc>,
    /// The task whose file this is, when it was uploaded by URL from one of the
    /// simulator's own files (a task made from it inherits that task's keywords).
    pub(crate) origin: Option<TaskId>,
}

/// Uploaded files by `uploadPath/fileName`.
#[derive(Debug, Default)]
pub(crate) struct Uploads(Mutex<HashMap<String, Upload>>);

impl Uploads {
    /// Stores (or replaces) the file at `path`.
    pub(crate) fn insert(&self, path: String, upload: Upload) {
        lock(&self.0).insert(path, upload);
    }

    /// The file at `path`.
    pub(crate) fn get(&self, path: &str) -> Option<Upload> {
        lock(&self.0).get(path).cloned()
    }
}

/// One second of silence as MPEG-1 Layer III frames (128 kbit/s, 44.1 kHz, mono):
/// a frame header followed by zeroed side information and main data.
fn silent_mp3() -> Vec<u8> {
    const FRAME_LEN: usize = 417; // 144 * 128000 / 44100, no padding
    const FRAMES: usize = 39; // 39 * 1152 samples ≈ 1.02 s
    let mut out = Vec::with_capacity(FRAME_LEN * FRAMES);
    for _ in 0..FRAMES {
        out.extend_from_slice(&[0xFF, 0xFB, 0x90, 0xC4]);
        out.resize(out.len() + FRAME_LEN - 4, 0);
    }
    out
}

/// One second of 8 kHz, 16-bit mono silence.
fn silent_wav() -> Vec<u8> {
    const RATE: u32 = 8000;
    let data_len: u32 = RATE * 2;
    let mut out = Vec::with_capacity(44 + data_len as usize);
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&(36 + data_len).to_le_bytes());
    out.extend_from_slice(b"WAVEfmt ");
    out.extend_from_slice(&16u32.to_le_bytes());
    out.extend_from_slice(&1u16.to_le_bytes()); // PCM
    out.extend_from_slice(&1u16.to_le_bytes()); // mono
    out.extend_from_slice(&RATE.to_le_bytes());
    out.extend_from_slice(&(RATE * 2).to_le_bytes());
    out.extend_from_slice(&2u16.to_le_bytes());
    out.extend_from_slice(&16u16.to_le_bytes());
    out.extend_from_slice(b"data");
    out.extend_from_slice(&data_len.to_le_bytes());
    out.resize(out.len() + data_len as usize, 0);
    out
}

/// A 1x1 transparent PNG.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4,
    0x89, 0x00, 0x00, 0x00, 0x0A, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x00, 0x01, 0x00, 0x00,
    0x05, 0x00, 0x01, 0x0D, 0x0A, 0x2D, 0xB4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE,
    0x42, 0x60, 0x82,
];

/// The bytes and MIME type behind a `/sim/files/` path: an upload, or a generated
/// stand-in chosen by extension.
pub(crate) fn lookup(uploads: &Uploads, path: &str) -> Option<(String, Bytes)> {
    if let Some(upload) = path.strip_prefix("uploads/") {
        return uploads.get(upload).map(|u| (u.mime, u.bytes));
    }
    let ext = path.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    let is_stream = path.contains("/stream/");
    let (mime, bytes): (&str, Vec<u8>) = match ext.as_deref() {
        Some("wav") => ("audio/wav", silent_wav()),
        Some("png" | "jpeg" | "jpg") => ("image/png", PNG.to_vec()),
        Some("mp3") => ("audio/mpeg", silent_mp3()),
        _ if is_stream => ("audio/mpeg", silent_mp3()),
        Some("mp4") => ("video/mp4", b"kie-suno-sim placeholder video".to_vec()),
        _ => return None,
    };
    Some((mime.to_owned(), Bytes::from(bytes)))
}
