//! Every open enum keeps an unseen value and writes it back unchanged; every
//! task status is consistent about terminal / success / failure.

use kie_suno_types::{
    ApiCode, BoostStatus, CallbackType, CoverImageStatus, CoverImageStatusName, LyricsItemStatus,
    LyricsStatus, MidiStatus, Model, MusicStatus, OperationType, PersonaModel, SeparationStatus,
    SeparationType, TaskState, VideoStatus, VocalGender, WavStatus,
};
use serde::de::DeserializeOwned;
use serde::Serialize;

fn round_trip<T: DeserializeOwned + Serialize + std::fmt::Debug>(wire: &str) -> T {
    let v: T = serde_json::from_str(wire).unwrap_or_else(|e| panic!("{wire}: {e}"));
    assert_eq!(serde_json::to_string(&v).unwrap(), wire, "{v:?}");
    v
}

macro_rules! unseen_string_round_trips {
    ($($ty:ty),* $(,)?) => {$(
        let v: $ty = round_trip("\"SOMETHING_NEW_2027\"");
        assert!(!v.is_known(), "{}", stringify!($ty));
        assert_eq!(v.as_str(), "SOMETHING_NEW_2027");
        assert_eq!(v.to_string(), "SOMETHING_NEW_2027");
        for known in <$ty>::KNOWN {
            let v: $ty = round_trip(&format!("\"{known}\""));
            assert!(v.is_known(), "{known}");
        }
    )*};
}

#[test]
fn unseen_string_values_round_trip_unchanged() {
    unseen_string_round_trips!(
        LyricsStatus,
        MusicStatus,
        LyricsItemStatus,
        CallbackType,
        Model,
        VocalGender,
        PersonaModel,
        OperationType,
        WavStatus,
        SeparationStatus,
        VideoStatus,
        BoostStatus,
        CoverImageStatusName,
        SeparationType,
    );
}

#[test]
fn unseen_integer_values_round_trip_unchanged() {
    assert_eq!(round_trip::<ApiCode>("599"), ApiCode::Unknown(599));
    assert_eq!(round_trip::<ApiCode>("0"), ApiCode::Unknown(0));
    for known in ApiCode::KNOWN {
        assert_ne!(
            round_trip::<ApiCode>(&known.to_string()),
            ApiCode::Unknown(*known)
        );
    }
    assert_eq!(round_trip::<MidiStatus>("42"), MidiStatus::Unknown(42));
    assert_eq!(
        round_trip::<CoverImageStatus>("42"),
        CoverImageStatus::Unknown(42)
    );
    let named: CoverImageStatus = round_trip("\"COVER_QUEUED\"");
    assert!(matches!(named, CoverImageStatus::Named(ref n) if !n.is_known()));
}

fn consistent<S: TaskState + std::fmt::Debug>(
    states: impl IntoIterator<Item = S>,
) -> (usize, usize) {
    let (mut ok, mut bad) = (0, 0);
    for s in states {
        assert!(!(s.is_success() && s.is_failure()), "{s:?}");
        assert_eq!(s.is_terminal(), s.is_success() || s.is_failure(), "{s:?}");
        ok += usize::from(s.is_success());
        bad += usize::from(s.is_failure());
    }
    (ok, bad)
}

macro_rules! known_states {
    ($ty:ty) => {
        <$ty>::KNOWN
            .iter()
            .map(|k| <$ty>::from_wire(k))
            .collect::<Vec<_>>()
    };
}

#[test]
fn every_status_family_is_consistent() {
    assert_eq!(consistent(known_states!(LyricsStatus)), (1, 4));
    assert_eq!(consistent(known_states!(MusicStatus)), (1, 4));
    assert_eq!(consistent(known_states!(WavStatus)), (1, 4));
    assert_eq!(consistent(known_states!(SeparationStatus)), (1, 3));
    assert_eq!(consistent(known_states!(VideoStatus)), (1, 3));
    assert_eq!(consistent(known_states!(BoostStatus)), (1, 1));
    assert_eq!(consistent((0..5).map(MidiStatus::from_i64)), (1, 2));
    assert_eq!(consistent((0..5).map(CoverImageStatus::from_i64)), (1, 1));
    // Music progress stages are not terminal.
    for s in [
        MusicStatus::Pending,
        MusicStatus::TextSuccess,
        MusicStatus::FirstSuccess,
    ] {
        assert!(!s.is_terminal(), "{s:?}");
    }
    // An unseen status that names a failure is one.
    assert!(MusicStatus::from_wire("GENERATE_VIDEO_FAILED").is_failure());
    assert!(!MusicStatus::from_wire("QUEUED").is_terminal());
}
