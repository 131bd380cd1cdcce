//! The documented callback bodies (`kie-suno-types/fixtures/documented`) of
//! every family and stage, as templates whose task id can be swapped.

use std::sync::OnceLock;

use bytes::Bytes;
use kie_suno_types::{callback_key, CallbackFamily};
use serde_json::Value;

use crate::signed::{SignedCallback, Signer};

/// A documented body, looked up at compile time in the types crate's `fixtures` table
/// (so this crate also builds from its package, which has no `../kie-suno-types`); a
/// name that is not there fails the build.
macro_rules! documented {
    ($file:literal) => {
        const { by_name($file) }
    };
}

const fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

const fn by_name(name: &str) -> &'static str {
    let table = kie_suno_types::fixtures::DOCUMENTED;
    let mut i = 0;
    while i < table.len() {
        if same(table[i].0, name) {
            return table[i].1;
        }
        i += 1;
    }
    panic!("no documented fixture of that name")
}

/// The task id of the documented lyrics callbacks.
pub const DOC_TASK: &str = "3b66882fde0a5d398bd269cab6d9542b";
/// The documented lyrics success callback (task [`DOC_TASK`]), byte for byte.
pub const LYRICS_SUCCESS: &str = documented!("lyrics-callback.success.json");
/// The documented lyrics failure callback (task [`DOC_TASK`]), byte for byte.
pub const LYRICS_FAILURE: &str = documented!("lyrics-callback.failure.json");

/// Documented callbacks per family: at least one for each stage the family has,
/// the one [`documented`] picks first.
const DOCUMENTED: &[(CallbackFamily, &str)] = &[
    (CallbackFamily::Lyrics, LYRICS_SUCCESS),
    (CallbackFamily::Lyrics, LYRICS_FAILURE),
    (
        CallbackFamily::Music,
        documented!("music-callback.complete.json"),
    ),
    (
        CallbackFamily::Music,
        documented!("music-extend-callback.text.json"),
    ),
    (
        CallbackFamily::Music,
        documented!("music-extend-callback.first.json"),
    ),
    (
        CallbackFamily::Music,
        documented!("music-callback.error.json"),
    ),
    (
        CallbackFamily::ReplaceSection,
        documented!("replace-section-callback.complete.json"),
    ),
    (
        CallbackFamily::ReplaceSection,
        documented!("replace-section-callback.error.json"),
    ),
    (
        CallbackFamily::CoverImage,
        documented!("cover-image-callback.complete.json"),
    ),
    (
        CallbackFamily::CoverImage,
        documented!("cover-image-callback.error.json"),
    ),
    (
        CallbackFamily::Wav,
        documented!("wav-callback.complete.json"),
    ),
    (CallbackFamily::Wav, documented!("wav-callback.error.json")),
    (
        CallbackFamily::Separation,
        documented!("separation-callback.separate_vocal.complete.json"),
    ),
    (
        CallbackFamily::Separation,
        documented!("separation-callback.separate_vocal.error.json"),
    ),
    (
        CallbackFamily::Midi,
        documented!("midi-callback.complete.json"),
    ),
    (
        CallbackFamily::Midi,
        documented!("midi-callback.error.json"),
    ),
    (
        CallbackFamily::Video,
        documented!("video-callback.complete.json"),
    ),
    (
        CallbackFamily::Video,
        documented!("video-callback.error.json"),
    ),
];

/// The documented body of a family's callback at `stage` (`text`, `first`,
/// `complete`, `error`: the stage the receiver reads with
/// [`kie_suno_types::callback_key`]), if the docs have one.
pub fn documented(family: CallbackFamily, stage: &str) -> Option<&'static str> {
    DOCUMENTED
        .iter()
        .filter(|(f, _)| *f == family)
        .map(|(_, body)| *body)
        .find(|body| callback_key(body.as_bytes()).is_ok_and(|k| k.stage == stage))
}

/// Where a body keeps its task id (where [`kie_suno_types::callback_key`] looks).
#[derive(Debug, Clone, Copy)]
enum Slot {
    /// `data.task_id`.
    DataSnake,
    /// `data.taskId`.
    DataCamel,
    /// A top-level `taskId`.
    TopCamel,
}

/// A callback body whose task id can be swapped: [`CallbackTemplate::body`]
/// writes it as compact JSON with another task id, every other field as it was.
#[derive(Debug, Clone)]
pub struct CallbackTemplate {
    json: Value,
    slot: Slot,
}

impl CallbackTemplate {
    /// A template of `body`; `None` when it is not a JSON object with a task id
    /// at `data.task_id`, `data.taskId` or `taskId`.
    pub fn from_body(body: &str) -> Option<Self> {
        let json: Value = serde_json::from_str(body).ok()?;
        let data = json.get("data").and_then(Value::as_object);
        let slot = if data.is_some_and(|d| d.contains_key("task_id")) {
            Slot::DataSnake
        } else if data.is_some_and(|d| d.contains_key("taskId")) {
            Slot::DataCamel
        } else if json.get("taskId").is_some() {
            Slot::TopCamel
        } else {
            return None;
        };
        Some(Self { json, slot })
    }

    /// The documented callback of `family` at `stage` (see [`documented`]).
    pub fn documented(family: CallbackFamily, stage: &str) -> Option<Self> {
        documented(family, stage).and_then(Self::from_body)
    }

    /// The documented lyrics success callback ([`LYRICS_SUCCESS`]).
    pub fn lyrics() -> Self {
        match Self::from_body(LYRICS_SUCCESS) {
            Some(t) => t,
            None => unreachable!("the documented lyrics callback has data.task_id"),
        }
    }

    /// The body with `task_id` as its task id, as compact JSON.
    pub fn body(&self, task_id: &str) -> Bytes {
        let mut json = self.json.clone();
        let (holder, key) = match self.slot {
            Slot::DataSnake => (json.get_mut("data"), "task_id"),
            Slot::DataCamel => (json.get_mut("data"), "taskId"),
            Slot::TopCamel => (Some(&mut json), "taskId"),
        };
        if let Some(Value::Object(fields)) = holder {
            fields.insert(key.to_owned(), Value::from(task_id));
        }
        match serde_json::to_vec(&json) {
            Ok(bytes) => Bytes::from(bytes),
            Err(e) => unreachable!("a json value always serialises: {e}"),
        }
    }

    /// The body for `task_id`, signed for it at `timestamp` (Unix seconds).
    pub fn signed(&self, signer: &Signer, task_id: &str, timestamp: u64) -> SignedCallback {
        SignedCallback::new(signer, task_id, timestamp, self.body(task_id))
    }
}

/// The documented lyrics success callback with another task id, as compact JSON.
pub fn lyrics_body(task_id: &str) -> String {
    static LYRICS: OnceLock<CallbackTemplate> = OnceLock::new();
    let body = LYRICS.get_or_init(CallbackTemplate::lyrics).body(task_id);
    String::from_utf8_lossy(&body).into_owned()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap
mod tests {
    use super::*;

    #[test]
    fn every_family_has_a_complete_and_an_error_body_of_its_own_shape() {
        for family in CallbackFamily::ALL.iter().copied() {
            let stages: &[&str] = match family {
                // The failed lyrics callback is a `complete` callback with code 400.
                CallbackFamily::Lyrics => &["complete"],
                CallbackFamily::Music => &["text", "first", "complete", "error"],
                _ => &["complete", "error"],
            };
            for stage in stages {
                let template = CallbackTemplate::documented(family, stage)
                    .unwrap_or_else(|| panic!("{family} {stage}"));
                let body = template.body("task-under-test");
                let key = callback_key(&body).unwrap();
                assert_eq!(key.task_id.as_str(), "task-under-test", "{family} {stage}");
                assert_eq!(key.stage, *stage, "{family} {stage}");
                let parsed = kie_suno_types::parse(family, &body).unwrap();
                assert_eq!(parsed.task_id().as_str(), "task-under-test");
            }
        }
        assert!(documented(CallbackFamily::Wav, "first").is_none());
    }

    #[test]
    fn only_the_task_id_changes() {
        let original: Value = serde_json::from_str(LYRICS_SUCCESS).unwrap();
        let same: Value = serde_json::from_str(&lyrics_body(DOC_TASK)).unwrap();
        assert_eq!(same, original);
        let other: Value = serde_json::from_str(&lyrics_body("t-2")).unwrap();
        assert_eq!(other["data"]["task_id"], "t-2");
        assert_eq!(other["data"]["data"], original["data"]["data"]);
        assert!(CallbackTemplate::from_body("{\"code\":200}").is_none());
        assert!(CallbackTemplate::from_body("not json").is_none());
    }

    #[test]
    fn a_signed_template_is_signed_for_its_task() {
        let signer = Signer::new(b"k");
        let cb = CallbackTemplate::lyrics().signed(&signer, "t-3", 1_700_000_000);
        assert_eq!(cb.signature, signer.sign("t-3", 1_700_000_000));
        assert_eq!(cb.timestamp, "1700000000");
        assert_eq!(cb.body, CallbackTemplate::lyrics().body("t-3"));
    }
}
