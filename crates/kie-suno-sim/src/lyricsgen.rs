//! Deterministic lyrics: titles and `[Verse]` / `[Chorus]` texts built from the words
//! of a prompt. A pure function of (prompt, variation index); no randomness.

/// FNV-1a, 64 bit: a stable hash (std's `DefaultHasher` may change between releases).
pub(crate) fn fnv1a(parts: &[&[u8]]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for b in part.iter() {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        // Separator so ("ab", "c") and ("a", "bc") differ.
        h ^= 0xff;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// A small deterministic generator (splitmix64) seeded from the hash.
struct Pick(u64);

impl Pick {
    fn new(seed: u64) -> Self {
        Self(seed)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            return 0;
        }
        (self.next() % n as u64) as usize
    }
}

const STOPWORDS: &[&str] = &[
    "a",
    "about",
    "above",
    "after",
    "again",
    "all",
    "an",
    "and",
    "any",
    "are",
    "as",
    "at",
    "be",
    "been",
    "before",
    "being",
    "but",
    "by",
    "can",
    "could",
    "did",
    "do",
    "does",
    "for",
    "from",
    "had",
    "has",
    "have",
    "her",
    "his",
    "how",
    "i",
    "if",
    "in",
    "into",
    "is",
    "it",
    "its",
    "just",
    "make",
    "me",
    "more",
    "my",
    "of",
    "on",
    "one",
    "or",
    "our",
    "out",
    "over",
    "she",
    "so",
    "some",
    "song",
    "songs",
    "that",
    "the",
    "their",
    "them",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "through",
    "to",
    "track",
    "up",
    "very",
    "was",
    "we",
    "were",
    "what",
    "when",
    "where",
    "which",
    "while",
    "who",
    "with",
    "write",
    "would",
    "you",
    "your",
    "lyrics",
    "lyric",
    "music",
    "style",
    "like",
    "want",
    "please",
    "something",
    "feel",
    "type",
    "kind",
];

/// Used when a prompt has too few words of its own.
const FALLBACK: &[&str] = &[
    "river", "midnight", "summer", "harbor", "ember", "compass", "meadow", "lantern", "echo",
    "horizon",
];

/// The salient words of a prompt, in order of appearance, without repeats.
fn salient_words(prompt: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    for raw in prompt.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '-')) {
        let w = raw
            .trim_matches(|c: char| c == '\'' || c == '-')
            .to_lowercase();
        if w.chars().count() < 3 || STOPWORDS.contains(&w.as_str()) {
            continue;
        }
        if w.chars().all(|c| c.is_ascii_digit()) {
            continue;
        }
        if !words.contains(&w) {
            words.push(w);
        }
    }
    words
}

fn title_case(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

const TITLES: &[&str] = &[
    "{A} {B}",
    "Songs of {A}",
    "Back to {A}",
    "{A} Tonight",
    "The {A} We Knew",
    "Where the {B} Begins",
    "{B} and {A}",
    "Ballad of {A}",
    "After the {B}",
    "Letters to {A}",
];

const VERSE: &[&str] = &[
    "I still remember {a} in the morning light",
    "We were chasing {a} down an open road",
    "Every corner whispers {a} like a secret told",
    "Streetlights hum a tune of {a} and {b}",
    "Pockets full of {a}, we never counted time",
    "The {a} was ours before we knew its name",
    "Somewhere past the {a}, the {b} keeps calling",
    "Paper dreams of {a} folded in my hands",
    "Dusty photographs of {a} on the wall",
    "The radio played {a} while the rain came down",
    "We wrote our names in {a} on a summer door",
    "Slow steps through {a}, the evening turning gold",
    "You said the {a} would never let us go",
    "Footprints in the {a} where the {b} used to be",
    "Quiet as the {a}, loud as the {b}",
    "I hear the {a} call when the night is young",
];

const CHORUS: &[&str] = &[
    "Oh, {a}, carry me home",
    "Sing it loud for {a} and {b}",
    "We won't let the {a} fade away",
    "Hold on to {a}, hold on tonight",
    "And every road leads back to {a}",
    "{A}, you're the song I know by heart",
    "Light it up, the {a} is ours again",
    "Run with me through {a} and {b}",
    "Don't look back, the {a} is calling",
    "We are young in the {a} forever",
];

const BRIDGE: &[&str] = &[
    "If the {a} should fall, I'll catch it in my hands",
    "Time moves on, but {a} stays the same",
    "Close your eyes, the {b} is all we need",
    "When the {a} is gone, we'll still have this song",
    "Between the {a} and the {b}, I found my way",
    "Let the {a} decide where the night will end",
];

/// The words a variation draws from: the prompt's, padded with fallbacks.
fn word_pool(prompt: &str, pick: &mut Pick) -> Vec<String> {
    let mut words = salient_words(prompt);
    let mut i = pick.below(FALLBACK.len());
    while words.len() < 3 {
        let w = FALLBACK[i % FALLBACK.len()].to_owned();
        if !words.contains(&w) {
            words.push(w);
        }
        i += 1;
    }
    words
}

fn fill(template: &str, a: &str, b: &str) -> String {
    template
        .replace("{A}", &title_case(a))
        .replace("{B}", &title_case(b))
        .replace("{a}", a)
        .replace("{b}", b)
}

/// `n` distinct lines from `bank`, each filled with words of the pool.
fn lines(bank: &[&str], n: usize, words: &[String], pick: &mut Pick) -> Vec<String> {
    let mut used: Vec<usize> = Vec::with_capacity(n);
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        let mut idx = pick.below(bank.len());
        while used.contains(&idx) && used.len() < bank.len() {
            idx = (idx + 1) % bank.len();
        }
        used.push(idx);
        let a = &words[pick.below(words.len())];
        let mut b = &words[pick.below(words.len())];
        if b == a {
            b = &words[(words.iter().position(|w| w == a).unwrap_or(0) + 1) % words.len()];
        }
        out.push(fill(bank[idx], a, b));
    }
    out
}

/// How many variations a prompt yields: 2 or 3, decided by the prompt.
pub(crate) fn variation_count(prompt: &str) -> usize {
    2 + (fnv1a(&[prompt.as_bytes(), b"count"]) % 2) as usize
}

/// The title of variation `index`; variation 0 is the prompt's two main words.
pub(crate) fn title(prompt: &str, index: usize) -> String {
    let mut pick = Pick::new(fnv1a(&[prompt.as_bytes(), &index.to_le_bytes(), b"title"]));
    let words = word_pool(prompt, &mut pick);
    let template = if index == 0 {
        TITLES[0]
    } else {
        TITLES[1 + pick.below(TITLES.len() - 1)]
    };
    fill(template, &words[0], &words[1])
}

/// The lyrics of variation `index`: sections marked `[Verse]`, `[Chorus]`, ...
pub(crate) fn lyrics(prompt: &str, index: usize) -> String {
    let mut pick = Pick::new(fnv1a(&[prompt.as_bytes(), &index.to_le_bytes(), b"lyrics"]));
    let words = word_pool(prompt, &mut pick);
    let chorus = lines(CHORUS, 4, &words, &mut pick);
    let mut sections: Vec<(String, Vec<String>)> = Vec::new();
    let verse1 = lines(VERSE, 4, &words, &mut pick);
    let verse2 = lines(VERSE, 4, &words, &mut pick);
    match index % 3 {
        0 => {
            sections.push(("[Verse]".into(), verse1));
            sections.push(("[Chorus]".into(), chorus.clone()));
            sections.push(("[Verse 2]".into(), verse2));
            sections.push(("[Chorus]".into(), chorus));
        }
        1 => {
            sections.push(("[Intro]".into(), lines(BRIDGE, 1, &words, &mut pick)));
            sections.push(("[Verse]".into(), verse1));
            sections.push(("[Pre-Chorus]".into(), lines(BRIDGE, 2, &words, &mut pick)));
            sections.push(("[Chorus]".into(), chorus.clone()));
            sections.push(("[Verse 2]".into(), verse2));
            sections.push(("[Chorus]".into(), chorus));
        }
        _ => {
            sections.push(("[Verse]".into(), verse1));
            sections.push(("[Chorus]".into(), chorus.clone()));
            sections.push(("[Bridge]".into(), lines(BRIDGE, 2, &words, &mut pick)));
            sections.push(("[Chorus]".into(), chorus));
            sections.push(("[Outro]".into(), lines(CHORUS, 1, &words, &mut pick)));
        }
    }
    sections
        .into_iter()
        .map(|(head, body)| format!("{head}\n{}", body.join("\n")))
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// A style-tag line for music built from a prompt (`"nostalgic, town, acoustic"`).
pub(crate) fn tags(prompt: &str) -> String {
    const GENRES: &[&str] = &["acoustic", "indie pop", "folk", "synthwave", "soul", "rock"];
    let mut pick = Pick::new(fnv1a(&[prompt.as_bytes(), b"tags"]));
    let mut words = salient_words(prompt);
    words.truncate(2);
    words.push(GENRES[pick.below(GENRES.len())].to_owned());
    words.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    const PROMPT: &str = "A nostalgic song about childhood memories and growing up in a small town";

    #[test]
    fn the_same_input_gives_the_same_lyrics() {
        for i in 0..3 {
            assert_eq!(lyrics(PROMPT, i), lyrics(PROMPT, i));
            assert_eq!(title(PROMPT, i), title(PROMPT, i));
        }
        assert_ne!(lyrics(PROMPT, 0), lyrics(PROMPT, 1));
        assert_ne!(lyrics(PROMPT, 0), lyrics("a song about the sea", 0));
    }

    #[test]
    fn lyrics_have_sections_and_prompt_words() {
        let text = lyrics(PROMPT, 0);
        assert!(text.starts_with("[Verse]\n"), "{text}");
        assert!(text.contains("\n\n[Chorus]\n"), "{text}");
        let words = [
            "nostalgic",
            "childhood",
            "memories",
            "growing",
            "small",
            "town",
        ];
        assert!(words.iter().any(|w| text.contains(w)), "{text}");
        assert_eq!(title(PROMPT, 0), "Nostalgic Childhood");
    }

    #[test]
    fn a_prompt_without_content_words_still_gets_lyrics() {
        let text = lyrics("a song", 2);
        assert!(text.contains("[Chorus]"));
        assert!(!title("a song", 1).trim().is_empty());
        assert!((2..=3).contains(&variation_count("a song")));
    }

    #[test]
    fn non_ascii_prompts_are_fine() {
        let t = title("夜晚的城市 灯火辉煌 ünïcödé", 0);
        assert!(!t.is_empty());
        assert!(lyrics("夜晚的城市 灯火辉煌", 1).contains("[Verse]"));
    }
}
