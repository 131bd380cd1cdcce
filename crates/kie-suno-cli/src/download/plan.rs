//! Which files a task's outcome has: every http(s) URL of its record (audio,
//! streams, images, stems, WAV, video), named after where it sits in the record,
//! plus the MIDI notes (a MIDI task's outcome is data, not a URL) as `midi.json`.

use serde_json::Value;

/// One file of an outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// Fetched from this URL.
    Url(String),
    /// Written as is (the MIDI notes).
    Inline(Vec<u8>),
}

/// A file to download: its name in the task's directory and where it comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedFile {
    pub name: String,
    pub source: Source,
}

/// The files of a record (the record-info `data`, as the types crate serialises it):
/// every string that is an http(s) URL, except the callback URL sent with the task
/// and the `source*` copies of a track's URLs on the upstream host (the same
/// files again). URLs repeated under two keys are downloaded once.
pub fn plan(record: &Value) -> Vec<PlannedFile> {
    let mut out: Vec<PlannedFile> = Vec::new();
    let mut path = Vec::new();
    walk(record, &mut path, &mut out);
    if let Some(midi) = record.get("midiData").filter(|m| !m.is_null()) {
        if let Ok(bytes) = serde_json::to_vec_pretty(midi) {
            out.push(PlannedFile {
                name: "midi.json".to_owned(),
                source: Source::Inline(bytes),
            });
        }
    }
    out
}

fn walk(v: &Value, path: &mut Vec<String>, out: &mut Vec<PlannedFile>) {
    match v {
        Value::Object(map) => {
            for (k, x) in map {
                let lower = k.to_ascii_lowercase();
                if lower.contains("callback") || lower.starts_with("source") || lower == "param" {
                    continue;
                }
                path.push(k.clone());
                walk(x, path, out);
                path.pop();
            }
        }
        Value::Array(items) => {
            for (i, x) in items.iter().enumerate() {
                path.push((i + 1).to_string());
                walk(x, path, out);
                path.pop();
            }
        }
        Value::String(s) if is_http(s) => {
            if out.iter().any(|f| f.source == Source::Url(s.clone())) {
                return;
            }
            let name = unique(name_for(path, s), out);
            out.push(PlannedFile {
                name,
                source: Source::Url(s.clone()),
            });
        }
        _ => {}
    }
}

fn is_http(s: &str) -> bool {
    url::Url::parse(s).is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
}

/// `response.sunoData.1.audioUrl` → `1-audio.mp3`; `response.vocalUrl` → `vocal.mp3`;
/// `response.images.2` → `images-2.png`.
fn name_for(path: &[String], url: &str) -> String {
    let parts: Vec<String> = path
        .iter()
        .filter(|p| !matches!(p.as_str(), "response" | "data" | "sunoData"))
        .map(|p| kebab(strip_url_suffix(p)))
        .filter(|p| !p.is_empty())
        .collect();
    let stem = if parts.is_empty() {
        "file".to_owned()
    } else {
        parts.join("-")
    };
    let ext = extension_of(url).unwrap_or_else(|| default_extension(&stem).to_owned());
    format!("{stem}.{ext}")
}

fn strip_url_suffix(key: &str) -> &str {
    key.strip_suffix("Url")
        .or_else(|| key.strip_suffix("_url"))
        .or_else(|| key.strip_suffix("URL"))
        .unwrap_or(key)
}

fn kebab(key: &str) -> String {
    let mut out = String::new();
    for c in key.chars() {
        if c.is_ascii_uppercase() {
            if !out.is_empty() {
                out.push('-');
            }
            out.push(c.to_ascii_lowercase());
        } else if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_owned()
}

/// The extension of the URL's last path segment, when it is a short alphanumeric one.
fn extension_of(url: &str) -> Option<String> {
    let parsed = url::Url::parse(url).ok()?;
    let last = parsed.path_segments()?.next_back()?.to_owned();
    let (_, ext) = last.rsplit_once('.')?;
    (1..=5)
        .contains(&ext.len())
        .then_some(())
        .filter(|()| ext.chars().all(|c| c.is_ascii_alphanumeric()))
        .map(|()| ext.to_ascii_lowercase())
}

/// For URLs without an extension (stems, streams, cover images): by what the key says.
fn default_extension(stem: &str) -> &'static str {
    if stem.contains("image") {
        "png"
    } else if stem.contains("video") {
        "mp4"
    } else if stem.contains("wav") {
        "wav"
    } else {
        "mp3"
    }
}

fn unique(name: String, taken: &[PlannedFile]) -> String {
    if !taken.iter().any(|f| f.name == name) {
        return name;
    }
    let (stem, ext) = name.rsplit_once('.').unwrap_or((name.as_str(), "bin"));
    (2..)
        .map(|n| format!("{stem}-{n}.{ext}"))
        .find(|candidate| !taken.iter().any(|f| &f.name == candidate))
        .unwrap_or(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn documented(name: &str) -> Value {
        let path = format!(
            "{}/../kie-suno-types/fixtures/documented/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        let text = std::fs::read_to_string(path).unwrap_or_default();
        serde_json::from_str::<Value>(&text).unwrap_or_default()["data"].clone()
    }

    fn names(v: &Value) -> Vec<String> {
        plan(v).into_iter().map(|f| f.name).collect()
    }

    #[test]
    fn music_tracks_give_audio_stream_and_image() {
        let v = documented("music-record-info.response.json");
        assert_eq!(
            names(&v),
            ["1-audio.mp3", "1-stream-audio.mp3", "1-image.jpeg"]
        );
    }

    #[test]
    fn stems_and_origin_tracks_are_named_by_key_and_the_callback_url_is_left_out() {
        let v = documented("separation-record-info.split_stem.response.json");
        let n = names(&v);
        assert!(n.contains(&"vocal.mp3".to_owned()), "{n:?}");
        assert!(n.contains(&"woodwinds.mp3".to_owned()), "{n:?}");
        assert!(n.contains(&"origin-data-4-audio.mp3".to_owned()), "{n:?}");
        assert_eq!(n.len(), 16, "{n:?}");
        assert!(plan(&v)
            .iter()
            .all(|f| !matches!(&f.source, Source::Url(u) if u.contains("ngrok"))));
    }

    #[test]
    fn cover_images_video_wav_and_midi() {
        assert_eq!(
            names(&documented("cover-image-record-info.response.json")),
            ["images-1.png", "images-2.png"]
        );
        assert_eq!(
            names(&documented("video-record-info.response.json")),
            ["video.mp4"]
        );
        assert_eq!(
            names(&documented("wav-record-info.response.json")),
            ["audio-wav.wav"]
        );
        let midi = plan(&documented("midi-record-info.response.json"));
        assert_eq!(midi.len(), 1);
        assert_eq!(midi[0].name, "midi.json");
        assert!(matches!(&midi[0].source, Source::Inline(b) if b.len() > 100));
    }

    #[test]
    fn a_repeated_url_is_planned_once_and_names_never_collide() {
        let v = serde_json::json!({
            "a": {"audioUrl": "https://x.test/1.mp3"},
            "b": {"audioUrl": "https://x.test/1.mp3"},
            "audioUrl": "https://x.test/2.mp3",
            "audio_url": "https://x.test/3.mp3",
            "note": "not a url",
            "ftp": "ftp://x.test/file"
        });
        let n = names(&v);
        assert_eq!(n, ["a-audio.mp3", "audio.mp3", "audio-2.mp3"]);
    }
}
