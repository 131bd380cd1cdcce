//! The hand-written invalid samples of `crates/kie-suno-types/fixtures/negative/`:
//! the type that must reject each, and what its schema can say about it.

use kie_suno_types::CallbackFamily as F;

use super::{neg, Negative, SchemaVerdict};
use SchemaVerdict::{CannotExpress, NotJson, Rejects};

const CONDITIONAL: &str =
    "a field required only under another field's value (customMode / defaultParamFlag / type)";
const PER_MODEL: &str = "a length limit that depends on the value of `model`";
const DIFFERENCE: &str = "a rule on the difference of two numbers";
const OPEN_MODEL: &str = "the model enum is open (any string is a model); the subset an endpoint accepts is that endpoint's rule";

/// The hand-written invalid samples.
pub const NEGATIVE: &[Negative] = &[
    neg(
        "GenerateMusicRequest--custom-mode-without-style.json",
        "GenerateMusicRequest",
        None,
        CannotExpress(CONDITIONAL),
        "style is required when customMode is true",
    ),
    neg(
        "GenerateMusicRequest--v4-prompt-3001-chars.json",
        "GenerateMusicRequest",
        None,
        CannotExpress(PER_MODEL),
        "the limit is 3000 (model V4)",
    ),
    neg(
        "GenerateMusicRequest--style-weight-above-1.json",
        "GenerateMusicRequest",
        None,
        Rejects,
        "styleWeight must be between 0 and 1",
    ),
    neg(
        "GenerateMusicRequest--callback-url-not-http.json",
        "GenerateMusicRequest",
        None,
        Rejects,
        "callBackUrl must be an absolute http or https url",
    ),
    neg(
        "GenerateMusicRequest--custom-mode-is-a-string.json",
        "GenerateMusicRequest",
        None,
        Rejects,
        "expected a boolean",
    ),
    neg(
        "GenerateMusicRequest--missing-model.json",
        "GenerateMusicRequest",
        None,
        Rejects,
        "missing field `model`",
    ),
    neg(
        "GenerateMusicRequest--model-is-a-number.json",
        "GenerateMusicRequest",
        None,
        Rejects,
        "invalid type: integer `5`, expected a string",
    ),
    neg(
        "GenerateMusicRequest--truncated.json",
        "GenerateMusicRequest",
        None,
        NotJson,
        "EOF while parsing",
    ),
    neg(
        "GenerateLyricsRequest--prompt-201-chars.json",
        "GenerateLyricsRequest",
        None,
        Rejects,
        "prompt is too long: 201 characters, the limit is 200",
    ),
    neg(
        "GenerateLyricsRequest--callback-url-not-http.json",
        "GenerateLyricsRequest",
        None,
        Rejects,
        "callBackUrl must be an absolute http or https url",
    ),
    neg(
        "ExtendMusicRequest--custom-without-continue-at.json",
        "ExtendMusicRequest",
        None,
        CannotExpress(CONDITIONAL),
        "continueAt is required when defaultParamFlag is true",
    ),
    neg(
        "AddInstrumentalRequest--model-v4-not-accepted.json",
        "AddInstrumentalRequest",
        None,
        CannotExpress(OPEN_MODEL),
        "model is not allowed: V4",
    ),
    neg(
        "MashupRequest--three-urls.json",
        "MashupRequest",
        None,
        Rejects,
        "exactly 2 urls are required, got 3",
    ),
    neg(
        "ReplaceSectionRequest--section-5-seconds.json",
        "ReplaceSectionRequest",
        None,
        CannotExpress(DIFFERENCE),
        "infillEndS - infillStartS must be at least 10, got 5",
    ),
    neg(
        "ReplaceSectionRequest--missing-full-lyrics.json",
        "ReplaceSectionRequest",
        None,
        Rejects,
        "missing field `fullLyrics`",
    ),
    neg(
        "PersonaRequest--vocal-window-5-seconds.json",
        "PersonaRequest",
        None,
        CannotExpress(DIFFERENCE),
        "vocalEnd - vocalStart must be between 10 and 30",
    ),
    neg(
        "MusicVideoRequest--author-51-chars.json",
        "MusicVideoRequest",
        None,
        Rejects,
        "author is too long: 51 characters, the limit is 50",
    ),
    neg(
        "FileUploadUrlRequest--upload-path-leading-slash.json",
        "FileUploadUrlRequest",
        None,
        Rejects,
        "uploadPath is not allowed",
    ),
    neg(
        "SeparationRequest--split-stem-advanced-without-stem-name.json",
        "SeparationRequest",
        None,
        CannotExpress(CONDITIONAL),
        "stemName is required when type is split_stem_advanced",
    ),
    neg(
        "GenerateSoundsRequest--tempo-301.json",
        "GenerateSoundsRequest",
        None,
        Rejects,
        "soundTempo must be between 1 and 300, got 301",
    ),
    neg(
        "GenerateSoundsRequest--prompt-501-chars.json",
        "GenerateSoundsRequest",
        None,
        Rejects,
        "prompt is too long: 501 characters, the limit is 500",
    ),
    neg(
        "GenerateSoundsRequest--model-v4-not-accepted.json",
        "GenerateSoundsRequest",
        None,
        CannotExpress(OPEN_MODEL),
        "model is not allowed: V4",
    ),
    neg(
        "GenerateSoundsRequest--missing-model.json",
        "GenerateSoundsRequest",
        None,
        Rejects,
        "missing field `model`",
    ),
    neg(
        "MusicCallback--missing-task-id.json",
        "MusicCallback",
        Some(F::Music),
        Rejects,
        "missing field `task_id`",
    ),
    neg(
        "MusicCallback--truncated.json",
        "MusicCallback",
        Some(F::Music),
        NotJson,
        "EOF while parsing",
    ),
    neg(
        "LyricsCallback--data-is-a-string.json",
        "LyricsCallback",
        Some(F::Lyrics),
        Rejects,
        "expected struct LyricsCallbackData",
    ),
    neg(
        "MidiCallback--no-task-id-anywhere.json",
        "MidiCallback",
        Some(F::Midi),
        Rejects,
        "missing field `taskId`",
    ),
    neg(
        "WavCallback--task-id-is-a-number.json",
        "WavCallback",
        Some(F::Wav),
        Rejects,
        "invalid type: integer `988`, expected a string",
    ),
    neg(
        "MusicRecordResponse--status-is-a-number.json",
        "MusicRecordResponse",
        None,
        Rejects,
        "invalid type: integer `3`, expected a string",
    ),
    neg(
        "TaskCreatedResponse--code-is-a-bool.json",
        "TaskCreatedResponse",
        None,
        Rejects,
        "expected an integer code",
    ),
];
