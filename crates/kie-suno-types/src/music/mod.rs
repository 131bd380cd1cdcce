//! The music family (notes 10-16, 20, 21): models and their limits, the create
//! requests (generate, extend, upload-cover, upload-extend, add-instrumental,
//! add-vocals, replace-section, mashup), the record-info details and the callbacks.
//!
//! Where the upstream docs contradict themselves, this module settles it as follows
//! (`docs/contradictions.md` has the full list):
//!
//! - Track keys are camelCase in record-info (`audioUrl`) and snake_case in callbacks
//!   (`audio_url`). [`MusicTrack`] (record-info) and [`CallbackTrack`] (callbacks)
//!   each accept both spellings and write their own origin's spelling back.
//! - `createTime` is a `"2025-01-01 00:00:00"` string in most examples and integer
//!   epoch milliseconds in the newest callback example: it is a [`KieTime`](crate::KieTime).
//! - `source_*` fields appear only in some callback examples (and, per third-party
//!   code, in record-info): they are optional.
//! - The non-custom generate prompt limit is 500 characters in every schema and in
//!   the quickstart, 3000 on one newest rendered page: we take **500** (what every
//!   other source says; a prompt that long belongs in custom mode). Upload-cover
//!   and mashup say 500 too.
//! - `prompt` is schema-required everywhere but the prose makes it conditional: we
//!   validate the prose rules (custom + vocal needs it; non-custom needs it; extend
//!   with `defaultParamFlag: false` does not).
//! - `title` is 80 characters for every model on generate/mashup, but 80 or 100 by
//!   model on extend/upload-cover/upload-extend: [`Model::title_limit`].
//! - `V3_5` appears only in the quickstart; it is a known [`Model`] with the V4
//!   limits (the quickstart pairs them). Unknown models get the newest (largest)
//!   limits: the server stays the judge.
//! - `personaModel` is "only for V5 / V5_5" in the newest docs, yet every documented
//!   request example sends it with `V4`: it is not checked against the model.
//!   `duration` is "only effective with V5_5": range-checked (10-360), not rejected
//!   for other models, as the newest example also sends it with `V4`.
//! - Replace-section: the section was 6-60 s in older docs; the newest say "at
//!   least 10 s" and no more than 50% of the track: we require **at least 10 s**
//!   and leave the 50% to the API (the request does not carry the track's length;
//!   `check_track_duration` checks it given one). `fullLyrics` is required (newest).
//! - The failure `data.data` of music callbacks is `null` on some pages and `[]` on
//!   others; both parse (`None` / empty). Replace-section failures carry `data.error`.

mod callback;
mod common;
mod extend;
mod generate;
mod mashup;
mod overlay;
mod record;
mod replace;
mod rules;
mod track;
mod upload;

pub use callback::{MusicCallback, MusicCallbackData};
pub use common::{
    Model, PersonaModel, VocalGender, GENERATE_TITLE_MAX_CHARS, SIMPLE_PROMPT_MAX_CHARS,
    SIMPLE_UPLOAD_PROMPT_MAX_CHARS,
};
pub use extend::{ExtendMusicRequest, ExtendMusicRequestBuilder};
pub use generate::{GenerateMusicRequest, GenerateMusicRequestBuilder};
pub use mashup::{MashupRequest, MashupRequestBuilder};
pub use overlay::{
    AddInstrumentalRequest, AddInstrumentalRequestBuilder, AddVocalsRequest,
    AddVocalsRequestBuilder, OVERLAY_NEGATIVE_TAGS_MAX_CHARS, OVERLAY_TAGS_MAX_CHARS,
};
pub use record::{MusicRecord, MusicResponse, OperationType};
pub use replace::{
    ReplaceSectionRequest, ReplaceSectionRequestBuilder, REPLACE_MAX_TRACK_SHARE,
    REPLACE_MIN_SECONDS,
};
pub use track::{CallbackTrack, MusicTrack};
pub use upload::{
    UploadCoverRequest, UploadCoverRequestBuilder, UploadExtendRequest, UploadExtendRequestBuilder,
};
