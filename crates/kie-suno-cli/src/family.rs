//! The task families the CLI can submit, wait on and look up, with their endpoints.

use clap::ValueEnum;
use kie_suno_types::Endpoint;

/// A family of tasks: one create endpoint (the one `batch` uses) and one details
/// endpoint (the one `show` and `wait` poll).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, ValueEnum)]
pub enum Family {
    /// Generate Lyrics.
    Lyrics,
    /// Generate Music (and its details endpoint, shared by the other music operations).
    Music,
    /// Generate Sounds (details at the music record-info endpoint).
    Sounds,
    /// Cover images of a music task.
    CoverImage,
    /// WAV conversion.
    Wav,
    /// Vocal / stem separation.
    Separation,
    /// MIDI from separated stems.
    Midi,
    /// Music video.
    Video,
}

impl Family {
    /// Every family.
    pub const ALL: [Family; 8] = [
        Family::Lyrics,
        Family::Music,
        Family::Sounds,
        Family::CoverImage,
        Family::Wav,
        Family::Separation,
        Family::Midi,
        Family::Video,
    ];

    /// The name used on the command line, in the ledger and in JSON.
    pub fn name(self) -> &'static str {
        match self {
            Family::Lyrics => "lyrics",
            Family::Music => "music",
            Family::Sounds => "sounds",
            Family::CoverImage => "cover-image",
            Family::Wav => "wav",
            Family::Separation => "separation",
            Family::Midi => "midi",
            Family::Video => "video",
        }
    }

    /// The family named `name` (as [`name`](Self::name) spells it).
    pub fn parse(name: &str) -> Option<Family> {
        Family::ALL.into_iter().find(|f| f.name() == name)
    }

    /// The endpoint that creates a task of this family.
    pub fn submit(self) -> Endpoint {
        match self {
            Family::Lyrics => Endpoint::GenerateLyrics,
            Family::Music => Endpoint::GenerateMusic,
            Family::Sounds => Endpoint::GenerateSounds,
            Family::CoverImage => Endpoint::CoverImage,
            Family::Wav => Endpoint::WavConvert,
            Family::Separation => Endpoint::VocalSeparation,
            Family::Midi => Endpoint::Midi,
            Family::Video => Endpoint::MusicVideo,
        }
    }
}

impl std::fmt::Display for Family {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_match_clap() {
        for family in Family::ALL {
            assert_eq!(Family::parse(family.name()), Some(family));
            let clap_name = family
                .to_possible_value()
                .map(|v| v.get_name().to_owned())
                .unwrap_or_default();
            assert_eq!(clap_name, family.name());
            assert!(family.submit().creates_task(), "{family}");
        }
        assert_eq!(Family::parse("Lyrics"), None);
    }
}
