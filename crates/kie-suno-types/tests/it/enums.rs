//! Every open enum keeps an unseen value and writes it back unchanged; every
//! task status is consistent about terminal / success / failure.

use kie_suno_types::{
    ApiCode, BoostStatus, CallbackType, CoverImageStatus, CoverImageStatusName, LyricsItemStatus,
    LyricsStatus, MidiStatus, Model, MusicStatus, OperationType, PersonaModel, SeparationStatus,
    SeparationType, SoundKey, StemName, TaskState, VideoStatus, VocalGender, WavStatus,
};
use serde::de::DeserializeOwned;
use serde::Serialize;

fn round_trip<T: DeserializeOwned + Serialize + std::fmt::Debug>(wire: &str) -> T {
    let v: T = serde_json::from_str(wire).unwrap_or_else(|e| panic!("{wire}: {e}"));
    assert_eq!(serde_json::to_string(&v).unwrap(), wire, "{v:?}");
    v
}

macro_rules! unseen_string_round_trips {
    ($($ty:ident),* $(,)?) => {$(
        let v: $ty = round_trip("\"SOMETHING_NEW_2027\"");
        assert!(!v.is_known(), "{}", stringify!($ty));
        assert_eq!(v.as_str(), "SOMETHING_NEW_2027");
        assert_eq!(v.to_string(), "SOMETHING_NEW_2027");
        match &v {
            $ty::Unknown(u) => assert_eq!(u.as_str(), "SOMETHING_NEW_2027"),
            other => panic!("{other:?}"),
        }
        // Every way of building a value parses: an unseen value stays unseen...
        assert_eq!(<$ty>::from("SOMETHING_NEW_2027"), v);
        assert_eq!(<$ty>::from("SOMETHING_NEW_2027".to_owned()), v);
        assert_eq!("SOMETHING_NEW_2027".parse::<$ty>().unwrap(), v);
        for known in <$ty>::KNOWN {
            let v: $ty = round_trip(&format!("\"{known}\""));
            assert!(v.is_known(), "{known}");
            // ... and a known value is always its variant, never `Unknown`.
            for built in [
                <$ty>::from(*known),
                <$ty>::from((*known).to_owned()),
                known.parse::<$ty>().unwrap(),
                <$ty>::from_wire(known),
                serde_json::from_value(serde_json::json!(known)).unwrap(),
            ] {
                assert_eq!(built, v, "{known}");
                assert!(!matches!(built, $ty::Unknown(_)), "{known}");
            }
            assert_eq!(v.as_str(), *known);
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
        SoundKey,
        StemName,
    );
}

#[test]
fn unseen_integer_values_round_trip_unchanged() {
    for code in [599, 0, -1] {
        let c = round_trip::<ApiCode>(&code.to_string());
        assert!(
            matches!(c, ApiCode::Unknown(u) if u.as_i64() == code),
            "{c:?}"
        );
        assert_eq!(c, ApiCode::from_i64(code));
        assert_eq!(c.as_i64(), code);
        assert_eq!(c.to_string(), code.to_string());
    }
    for known in ApiCode::KNOWN {
        for c in [
            round_trip::<ApiCode>(&known.to_string()),
            ApiCode::from_i64(*known),
            ApiCode::from(*known),
            serde_json::from_str(&format!("\"{known}\"")).unwrap(),
        ] {
            assert!(!matches!(c, ApiCode::Unknown(_)), "{known}");
            assert_eq!(c.as_i64(), *known);
        }
    }
    let m = round_trip::<MidiStatus>("42");
    assert!(matches!(m, MidiStatus::Unknown(u) if u.as_i64() == 42));
    assert_eq!(m, MidiStatus::from_i64(42));
    let c = round_trip::<CoverImageStatus>("42");
    assert!(matches!(c, CoverImageStatus::Unknown(u) if u.as_i64() == 42));
    assert_eq!(c, CoverImageStatus::from_i64(42));
    for known in 0..4 {
        assert!(!matches!(
            MidiStatus::from_i64(known),
            MidiStatus::Unknown(_)
        ));
        assert!(!matches!(
            CoverImageStatus::from_i64(known),
            CoverImageStatus::Unknown(_)
        ));
    }
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
