//! The `stemName` of advanced stem separation (`split_stem_advanced`, newest
//! docs): [`StemName`], the 98 documented stem names.

use crate::macros::open_str_enum;

open_str_enum! {
    /// `stemName`: the one stem `split_stem_advanced` extracts. The newest docs
    /// list these names (example `Piano`); a name not listed is kept as an
    /// unknown value and sent unchanged (the server is the judge).
    pub enum StemName {
        /// Lead Vocal.
        LeadVocal = "Lead Vocal",
        /// Drum Kit.
        DrumKit = "Drum Kit",
        /// Kick.
        Kick = "Kick",
        /// Snare.
        Snare = "Snare",
        /// Risers.
        Risers = "Risers",
        /// Bass.
        Bass = "Bass",
        /// Backing Vocals.
        BackingVocals = "Backing Vocals",
        /// Piano.
        Piano = "Piano",
        /// Electric Guitar.
        ElectricGuitar = "Electric Guitar",
        /// Percussion.
        Percussion = "Percussion",
        /// String Section.
        StringSection = "String Section",
        /// Synth.
        Synth = "Synth",
        /// Acoustic Guitar.
        AcousticGuitar = "Acoustic Guitar",
        /// Sound Effects.
        SoundEffects = "Sound Effects",
        /// Synth Pad.
        SynthPad = "Synth Pad",
        /// Synth Bass.
        SynthBass = "Synth Bass",
        /// Guitar.
        Guitar = "Guitar",
        /// Brass Section.
        BrassSection = "Brass Section",
        /// Organ.
        Organ = "Organ",
        /// Electronic Drum Kit.
        ElectronicDrumKit = "Electronic Drum Kit",
        /// Lead Electric Guitar.
        LeadElectricGuitar = "Lead Electric Guitar",
        /// Synth Keys.
        SynthKeys = "Synth Keys",
        /// Rhythm Electric Guitar.
        RhythmElectricGuitar = "Rhythm Electric Guitar",
        /// Electric Piano.
        ElectricPiano = "Electric Piano",
        /// Upright Bass.
        UprightBass = "Upright Bass",
        /// Keyboards.
        Keyboards = "Keyboards",
        /// Distorted Electric Guitar.
        DistortedElectricGuitar = "Distorted Electric Guitar",
        /// Synth Strings.
        SynthStrings = "Synth Strings",
        /// Synth Lead.
        SynthLead = "Synth Lead",
        /// Woodwinds.
        Woodwinds = "Woodwinds",
        /// Rhythm Acoustic Guitar.
        RhythmAcousticGuitar = "Rhythm Acoustic Guitar",
        /// Flute.
        Flute = "Flute",
        /// Harp.
        Harp = "Harp",
        /// Tambourine.
        Tambourine = "Tambourine",
        /// Trumpet.
        Trumpet = "Trumpet",
        /// Arpeggiator.
        Arpeggiator = "Arpeggiator",
        /// Accordion.
        Accordion = "Accordion",
        /// Fiddle.
        Fiddle = "Fiddle",
        /// Pedal Steel Guitar.
        PedalSteelGuitar = "Pedal Steel Guitar",
        /// Synth Voice.
        SynthVoice = "Synth Voice",
        /// Violin.
        Violin = "Violin",
        /// Digital Piano.
        DigitalPiano = "Digital Piano",
        /// Synth Brass.
        SynthBrass = "Synth Brass",
        /// Mandolin.
        Mandolin = "Mandolin",
        /// Choir.
        Choir = "Choir",
        /// Banjo.
        Banjo = "Banjo",
        /// Bells.
        Bells = "Bells",
        /// Clarinet.
        Clarinet = "Clarinet",
        /// Tenor Saxophone.
        TenorSaxophone = "Tenor Saxophone",
        /// Trombone.
        Trombone = "Trombone",
        /// Shaker.
        Shaker = "Shaker",
        /// French Horn.
        FrenchHorn = "French Horn",
        /// Glockenspiel.
        Glockenspiel = "Glockenspiel",
        /// Electric Bass.
        ElectricBass = "Electric Bass",
        /// Cello.
        Cello = "Cello",
        /// Timpani.
        Timpani = "Timpani",
        /// Harmonica.
        Harmonica = "Harmonica",
        /// Marimba.
        Marimba = "Marimba",
        /// Vibraphone.
        Vibraphone = "Vibraphone",
        /// Lap Steel Guitar.
        LapSteelGuitar = "Lap Steel Guitar",
        /// Saxophone.
        Saxophone = "Saxophone",
        /// Orchestra.
        Orchestra = "Orchestra",
        /// Horns.
        Horns = "Horns",
        /// Cymbals.
        Cymbals = "Cymbals",
        /// Hand Clap.
        HandClap = "Hand Clap",
        /// Oboe.
        Oboe = "Oboe",
        /// Celesta.
        Celesta = "Celesta",
        /// Congas.
        Congas = "Congas",
        /// Drone.
        Drone = "Drone",
        /// Alto Saxophone.
        AltoSaxophone = "Alto Saxophone",
        /// Double Bass.
        DoubleBass = "Double Bass",
        /// Ukulele.
        Ukulele = "Ukulele",
        /// Harpsichord.
        Harpsichord = "Harpsichord",
        /// Baritone Saxophone.
        BaritoneSaxophone = "Baritone Saxophone",
        /// Xylophone.
        Xylophone = "Xylophone",
        /// Tuba.
        Tuba = "Tuba",
        /// Bass Guitar.
        BassGuitar = "Bass Guitar",
        /// Whistle.
        Whistle = "Whistle",
        /// Lead Guitar.
        LeadGuitar = "Lead Guitar",
        /// Rhodes.
        Rhodes = "Rhodes",
        /// 808 (the drum machine sound).
        EightOhEight = "808",
        /// Bongos.
        Bongos = "Bongos",
        /// Bassoon.
        Bassoon = "Bassoon",
        /// Cowbell.
        Cowbell = "Cowbell",
        /// Viola.
        Viola = "Viola",
        /// Sitar.
        Sitar = "Sitar",
        /// Steel Drums.
        SteelDrums = "Steel Drums",
        /// Piccolo.
        Piccolo = "Piccolo",
        /// Theremin.
        Theremin = "Theremin",
        /// Bagpipes.
        Bagpipes = "Bagpipes",
        /// Hi-Hat.
        HiHat = "Hi-Hat",
        /// Music Box.
        MusicBox = "Music Box",
        /// Melodica.
        Melodica = "Melodica",
        /// Tabla.
        Tabla = "Tabla",
        /// Koto.
        Koto = "Koto",
        /// Djembe.
        Djembe = "Djembe",
        /// Taiko.
        Taiko = "Taiko",
        /// Didgeridoo.
        Didgeridoo = "Didgeridoo",
    }
}
