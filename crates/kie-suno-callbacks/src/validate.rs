//! Input limits checked before anything is stored: JSON nesting depth, the shape
//! of a task id and of a stage (the values the stores index), the stage a
//! callback is stored under (normalised per family, so a sender cannot invent
//! one), and the family a body's shape belongs to.
//!
//! Every store and the receiver apply the same checks, so SQLite and PostgreSQL
//! accept and refuse the same values.

use kie_suno_types::{ApiCode, Callback, CallbackFamily, CallbackType};
use serde::de::IgnoredAny;
use serde::Deserialize;

/// The deepest accepted nesting of JSON arrays and objects in a callback body:
/// 64. The deepest documented callback nests 5 levels (MIDI notes); serde_json's
/// own limit (128) does not apply to values skipped inside unknown fields.
pub const MAX_JSON_DEPTH: usize = 64;

/// The longest accepted task id, in bytes: 128. KIE's task ids are 32
/// lowercase hex digits (`captured/`); the documented examples use up to 22
/// characters (`task_id_5bbe7721119d`, `task38695****935u9043u`).
pub const MAX_TASK_ID_LEN: usize = 128;

/// The longest accepted stage, in bytes: 32 (the receiver stores only
/// [`Stage`] values; a store of your own may use others).
pub const MAX_STAGE_LEN: usize = 32;

/// Why a task id (or a stage) cannot be stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum InvalidValue {
    /// Empty.
    Empty,
    /// Longer than the limit.
    TooLong,
    /// A byte outside printable ASCII (`!` to `~`): a control character, a
    /// space, a NUL, any non-ASCII character.
    Forbidden,
}

impl InvalidValue {
    /// The reason as fixed text (never the value).
    pub fn reason(self) -> &'static str {
        match self {
            Self::Empty => "empty",
            Self::TooLong => "too long",
            Self::Forbidden => "not printable ascii",
        }
    }
}

impl std::fmt::Display for InvalidValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.reason())
    }
}

impl std::error::Error for InvalidValue {}

fn printable(value: &str, max: usize) -> Result<(), InvalidValue> {
    if value.is_empty() {
        return Err(InvalidValue::Empty);
    }
    if value.len() > max {
        return Err(InvalidValue::TooLong);
    }
    if !value.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(InvalidValue::Forbidden);
    }
    Ok(())
}

/// Checks a task id: 1 to [`MAX_TASK_ID_LEN`] bytes of printable ASCII without
/// spaces (`!` to `~`). What every store accepts, and the receiver answers 422
/// `invalid_task_id` to anything else.
pub fn check_task_id(task_id: &str) -> Result<(), InvalidValue> {
    printable(task_id, MAX_TASK_ID_LEN)
}

/// Checks a stage: 1 to [`MAX_STAGE_LEN`] bytes of printable ASCII.
pub fn check_stage(stage: &str) -> Result<(), InvalidValue> {
    printable(stage, MAX_STAGE_LEN)
}

/// The store-side check of the values a store indexes (task id and stage), as
/// the crate's error.
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub(crate) fn storable(task_id: &str, stage: Option<&str>) -> Result<(), crate::Error> {
    check_task_id(task_id).map_err(|e| crate::Error::InvalidInput {
        field: "task id",
        reason: e.reason(),
    })?;
    if let Some(stage) = stage {
        check_stage(stage).map_err(|e| crate::Error::InvalidInput {
            field: "stage",
            reason: e.reason(),
        })?;
    }
    Ok(())
}

/// Whether no array or object in `body` nests deeper than `max`. A linear scan
/// that skips strings (escapes included; `memchr` jumps over their contents);
/// it does not check the syntax, which the parser does afterwards.
pub fn json_depth_within(body: &[u8], max: usize) -> bool {
    let mut depth = 0usize;
    let mut i = 0usize;
    while i < body.len() {
        match body[i] {
            b'"' => {
                // To the closing quote: the next quote not escaped.
                let mut j = i + 1;
                loop {
                    match memchr::memchr2(b'"', b'\\', &body[j.min(body.len())..]) {
                        None => return true,
                        Some(k) if body[j + k] == b'\\' => j += k + 2,
                        Some(k) => {
                            i = j + k;
                            break;
                        }
                    }
                }
            }
            b'{' | b'[' => {
                depth += 1;
                if depth > max {
                    return false;
                }
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    true
}

/// The stage a callback is stored under: the idempotency key's last part.
///
/// Normalised per family from the documented values, never taken verbatim from
/// the unsigned body: music and replace-section use `callbackType` (trimmed,
/// any case) `text` / `first` / `complete` / `error`; lyrics always says
/// `complete`, even on failure, so its stage comes from the code, like every
/// family without a `callbackType`. An undocumented `callbackType` is stored as
/// [`Stage::Other`]: one row per task and family, further ones counted as
/// repeats, so a sender cannot create rows without bound, and nothing KIE may
/// add later is refused (and lost after its three retries).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Stage {
    /// Music: lyrics or text generated.
    Text,
    /// Music: the first track generated.
    First,
    /// Finished (successfully, for families without stages).
    Complete,
    /// Failed.
    Error,
    /// Music: a `callbackType` not documented.
    Other,
}

impl Stage {
    /// The stored text: `text`, `first`, `complete`, `error`, `other`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Text => "text",
            Self::First => "first",
            Self::Complete => "complete",
            Self::Error => "error",
            Self::Other => "other",
        }
    }

    /// The stage of a parsed callback.
    pub fn of(callback: &Callback) -> Self {
        match callback {
            Callback::Music(c) | Callback::ReplaceSection(c) => {
                Self::from_callback_type(&c.data.callback_type)
            }
            _ if callback.code() == ApiCode::Success => Self::Complete,
            _ => Self::Error,
        }
    }

    fn from_callback_type(t: &CallbackType) -> Self {
        let text = t.as_str().trim();
        if text.eq_ignore_ascii_case("text") {
            Self::Text
        } else if text.eq_ignore_ascii_case("first") {
            Self::First
        } else if text.eq_ignore_ascii_case("complete") {
            Self::Complete
        } else if text.eq_ignore_ascii_case("error") {
            Self::Error
        } else {
            Self::Other
        }
    }

    /// Whether the task sends nothing after a callback of this stage with this
    /// code: `complete` and `error` are final, `text` and `first` are not, an
    /// undocumented stage is final when it reports a failure.
    pub fn is_terminal(self, code: ApiCode) -> bool {
        match self {
            Self::Complete | Self::Error => true,
            Self::Text | Self::First => false,
            Self::Other => code != ApiCode::Success,
        }
    }

    /// Whether a callback of this stage with this code reports success.
    pub fn is_success(self, code: ApiCode) -> bool {
        self == Self::Complete && code == ApiCode::Success
    }
}

impl std::fmt::Display for Stage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The fields that give a body's family away (00-endpoint-index and the
/// documented payloads), present and not `null`, and the envelope fields of the
/// callback key: `C` and `T` are the types those are read as ([`IgnoredAny`]
/// when only the family is wanted).
#[derive(Deserialize)]
#[serde(bound = "C: Deserialize<'de>, T: Deserialize<'de>")]
#[cfg_attr(not(feature = "router"), allow(dead_code))] // the key is the router's
struct ShapeProbe<C, T> {
    #[serde(default)]
    code: Option<C>,
    #[serde(default, rename = "taskId")]
    task_id: Option<T>,
    #[serde(default)]
    data: Option<ShapeData<T>>,
}

#[derive(Deserialize)]
#[serde(bound = "T: Deserialize<'de>")]
#[cfg_attr(not(feature = "router"), allow(dead_code))] // the key is the router's
struct ShapeData<T> {
    #[serde(default)]
    task_id: Option<T>,
    #[serde(default, rename = "taskId")]
    task_id_camel: Option<T>,
    #[serde(default, rename = "callbackType")]
    callback_type: Option<String>,
    #[serde(default)]
    images: Option<IgnoredAny>,
    #[serde(default, rename = "audioWavUrl", alias = "audio_wav_url")]
    audio_wav_url: Option<IgnoredAny>,
    #[serde(default)]
    vocal_separation_info: Option<IgnoredAny>,
    #[serde(default)]
    instruments: Option<IgnoredAny>,
    #[serde(default, alias = "videoUrl")]
    video_url: Option<IgnoredAny>,
    #[serde(default)]
    error: Option<IgnoredAny>,
    #[serde(default)]
    data: Option<Vec<ItemProbe>>,
}

#[derive(Deserialize)]
struct ItemProbe {
    #[serde(default)]
    text: Option<IgnoredAny>,
    #[serde(default, alias = "audioUrl")]
    audio_url: Option<IgnoredAny>,
    #[serde(default, alias = "streamAudioUrl")]
    stream_audio_url: Option<IgnoredAny>,
    #[serde(default, alias = "sourceAudioUrl")]
    source_audio_url: Option<IgnoredAny>,
}

/// A family whose distinctive fields a body carries although it arrived on
/// `family`'s route, or `None`.
///
/// The markers: `data.callbackType` (lyrics, music, replace-section; `text` and
/// `first` are music's alone),
/// `data.data[].text` (lyrics), `data.data[].audio_url` / `stream_audio_url` /
/// `source_audio_url` (music, replace-section), `data.error` (replace-section;
/// refused only on families that have neither), `data.images` (cover image),
/// `data.audioWavUrl` (WAV), `data.vocal_separation_info` (separation),
/// `data.instruments` (MIDI), `data.video_url` (video). A body that is not an
/// object of objects, or carries none of these, gives nothing away: its own
/// family's parser decides. Bodies that no field tells apart (a music and a
/// replace-section success, two bare error bodies) are kept apart by the family
/// in the idempotency key instead.
pub fn foreign_family(family: CallbackFamily, body: &[u8]) -> Option<CallbackFamily> {
    let probe: ShapeProbe<IgnoredAny, IgnoredAny> = serde_json::from_slice(body).ok()?;
    evidence(family, probe.data.as_ref()?)
}

/// The callback key ([`kie_suno_types::callback_key`]) and [`foreign_family`]
/// of a body in one pass over it; `None` when that pass fails, and the caller
/// then asks the two one at a time (each decides its own failure).
#[cfg(feature = "router")]
pub(crate) fn key_and_family(
    family: CallbackFamily,
    body: &[u8],
) -> Option<(
    Result<kie_suno_types::CallbackKey, kie_suno_types::KeyError>,
    Option<CallbackFamily>,
)> {
    use kie_suno_types::CallbackKey;
    let probe: ShapeProbe<ApiCode, std::borrow::Cow<'_, str>> =
        serde_json::from_slice(body).ok()?;
    let data = probe.data.as_ref();
    let key = CallbackKey::from_fields(
        probe.code,
        data.and_then(|d| d.task_id.as_deref()),
        data.and_then(|d| d.task_id_camel.as_deref()),
        probe.task_id.as_deref(),
        data.and_then(|d| d.callback_type.as_deref()),
    );
    Some((key, data.and_then(|d| evidence(family, d))))
}

fn evidence<T>(family: CallbackFamily, data: &ShapeData<T>) -> Option<CallbackFamily> {
    use CallbackFamily as F;
    let items = data.data.as_deref().unwrap_or(&[]);
    let lyrics_items = items.iter().any(|i| i.text.is_some());
    let music_items = items.iter().any(|i| {
        i.audio_url.is_some() || i.stream_audio_url.is_some() || i.source_audio_url.is_some()
    });
    let staged = matches!(family, F::Lyrics | F::Music | F::ReplaceSection);
    // Progress stages are music's: lyrics sends one callback, always `complete`.
    let progress = data.callback_type.as_deref().is_some_and(|t| {
        let t = t.trim();
        t.eq_ignore_ascii_case("text") || t.eq_ignore_ascii_case("first")
    });
    let music_like = matches!(family, F::Music | F::ReplaceSection);
    let evidence = [
        (data.callback_type.is_some() && !staged, F::Music),
        (progress && family == F::Lyrics, F::Music),
        (lyrics_items && family != F::Lyrics, F::Lyrics),
        (music_items && !music_like, F::Music),
        (data.error.is_some() && !music_like, F::ReplaceSection),
        (
            data.images.is_some() && family != F::CoverImage,
            F::CoverImage,
        ),
        (data.audio_wav_url.is_some() && family != F::Wav, F::Wav),
        (
            data.vocal_separation_info.is_some() && family != F::Separation,
            F::Separation,
        ),
        (data.instruments.is_some() && family != F::Midi, F::Midi),
        (data.video_url.is_some() && family != F::Video, F::Video),
    ];
    evidence.iter().find(|(hit, _)| *hit).map(|(_, f)| *f)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The one-pass probe against the two readers it stands in for, over every
    /// documented callback, on every family's route, and over bodies that break
    /// either reader: where it answers, both agree; where it does not, the router
    /// asks them one at a time.
    #[test]
    #[cfg(feature = "router")]
    #[allow(clippy::unwrap_used)] // tests may unwrap
    fn one_pass_key_and_family_agree_with_the_two_readers() {
        // The documented callbacks live in the types crate: in the workspace, not in
        // this crate's package (whose own test run then checks the bodies below only).
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut bodies: Vec<Vec<u8>> = Vec::new();
        if root.join("../../Cargo.toml").exists() {
            bodies = std::fs::read_dir(root.join("../kie-suno-types/fixtures/documented"))
                .unwrap()
                .map(|e| e.unwrap().path())
                .filter(|p| {
                    p.file_name()
                        .unwrap()
                        .to_string_lossy()
                        .contains("callback")
                })
                .map(|p| std::fs::read(p).unwrap())
                .collect();
            assert!(bodies.len() >= 40, "documented callbacks: {}", bodies.len());
        }
        let documented = bodies.len();
        for edge in [
            r#"{"code":200,"data":{"task_id":"  ","taskId":"t2"}}"#,
            r#"{"code":200,"data":{"taskId":"t2","callbackType":""}}"#,
            r#"{"code":501,"taskId":"t3","data":null}"#,
            r#"{"code":"x","data":{"task_id":"t4"}}"#,
            r#"{"data":{"task_id":7}}"#,
            r#"{"data":{"task_id":"t5","data":{"text":"not a list"}}}"#,
            r#"{"data":{"task_id":"t6","images":5,"data":[{"text":null,"audio_url":"u"}]}}"#,
            r#"{"data":{"task_id":"t7","callbackType":"first"},"code":200}"#,
            r#"{"data":{"task_id":"t\u0038"}}"#,
            r#"{"data":"flat","taskId":"t9"}"#,
            r#"{"code":200,"code":200,"data":{"task_id":"t10"}}"#,
            r#"[1,2]"#,
            r#"{"data":{"task_id":"t11""#,
        ] {
            bodies.push(edge.as_bytes().to_vec());
        }
        let mut answered = 0;
        for body in &bodies {
            for &family in CallbackFamily::ALL {
                let Some((key, foreign)) = key_and_family(family, body) else {
                    continue;
                };
                answered += 1;
                assert_eq!(
                    key,
                    kie_suno_types::callback_key(body),
                    "{}",
                    String::from_utf8_lossy(body)
                );
                if key.is_ok() {
                    assert_eq!(
                        foreign,
                        foreign_family(family, body),
                        "{family}: {}",
                        String::from_utf8_lossy(body)
                    );
                }
            }
        }
        // Every documented callback takes the one pass on every route, and so do five
        // of the edge bodies (the others fail it and go the old way).
        assert!(
            answered >= (documented + 5) * CallbackFamily::ALL.len(),
            "{answered} answers for {documented} documented callbacks"
        );
    }

    #[test]
    fn depth_counts_containers_outside_strings_only() {
        assert!(json_depth_within(br#"{"a":[{"b":1}]}"#, 3));
        assert!(!json_depth_within(br#"{"a":[{"b":1}]}"#, 2));
        assert!(json_depth_within(br#"{"a":"[[[[[[\"[[[["}"#, 1));
        assert!(json_depth_within(br#"{"a":"\\"}"#, 1));
        assert!(!json_depth_within(br#"{"a":"\\",[[1]]}"#, 2));
        // Unterminated strings and escapes at the very end do not panic.
        assert!(json_depth_within(br#"{"a":"abc"#, 1));
        assert!(json_depth_within(br#"{"a":"abc\"#, 1));
        assert!(json_depth_within(b"\"", 0));
        let deep = format!("{}{}", "[".repeat(65), "]".repeat(65));
        assert!(!json_depth_within(deep.as_bytes(), MAX_JSON_DEPTH));
        let ok = format!("{}{}", "[".repeat(64), "]".repeat(64));
        assert!(json_depth_within(ok.as_bytes(), MAX_JSON_DEPTH));
    }

    #[test]
    fn parse_refuses_deep_json_before_serde_sees_it() {
        let deep = format!(
            "{{\"code\":200,\"junk\":{}1{},\"data\":{{}}}}",
            "{\"a\":".repeat(100_000),
            "}".repeat(100_000)
        );
        let r = crate::parse(CallbackFamily::Lyrics, deep.as_bytes());
        assert_eq!(r.err(), Some(crate::Rejection::JsonTooDeep));
    }

    #[test]
    fn stages_are_normalised_and_bounded() {
        for (raw, stage) in [
            ("complete", Stage::Complete),
            (" Complete ", Stage::Complete),
            ("TEXT", Stage::Text),
            ("First", Stage::First),
            ("error", Stage::Error),
            ("x1", Stage::Other),
            ("", Stage::Other),
        ] {
            let t: CallbackType = serde_json::from_value(serde_json::json!(raw))
                .expect("a string is a callback type");
            assert_eq!(Stage::from_callback_type(&t), stage, "{raw:?}");
            assert_eq!(check_stage(stage.as_str()), Ok(()));
        }
        assert!(Stage::Other.is_terminal(ApiCode::from_i64(500)));
        assert!(!Stage::Other.is_terminal(ApiCode::Success));
        assert!(Stage::Complete.is_success(ApiCode::Success));
        assert!(!Stage::Complete.is_success(ApiCode::from_i64(500)));
    }

    #[test]
    fn task_ids_are_printable_ascii_of_bounded_length() {
        assert_eq!(check_task_id("3e63b4cc88d52611159371f6af5571e7"), Ok(()));
        assert_eq!(check_task_id("task38695****935u9043u"), Ok(()));
        assert_eq!(check_task_id(&"a".repeat(128)), Ok(()));
        assert_eq!(check_task_id(&"a".repeat(129)), Err(InvalidValue::TooLong));
        assert_eq!(check_task_id(""), Err(InvalidValue::Empty));
        for bad in ["a\u{0}b", "a\nb", "a b", "\u{1b}[31m", "tâche", "a\u{7f}"] {
            assert_eq!(check_task_id(bad), Err(InvalidValue::Forbidden), "{bad:?}");
        }
    }
}
