//! Deterministic lyrics: titles and `[Verse]` / `[Chorus]` texts built from the words
//! of a prompt. A pure function of (prompt, variation index); no randomness.

use crate::ids::fnv1a;

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
    "the river",
    "midnight",
    "the summer rain",
    "the harbor lights",
    "the open sky",
    "the city lights",
    "the highway",
    "the northern stars",
    "the old radio",
    "the horizon",
];

/// Whether a word reads like an adjective (a "mood" word) rather than a thing: a
/// crude suffix test, good enough for song lines.
fn mood_like(word: &str) -> bool {
    word.chars().count() > 4
        && ["ic", "ous", "ful", "ive", "less", "ish", "ed"]
            .iter()
            .any(|suffix| word.ends_with(suffix))
}

/// A lone `-ing` word (`growing`) is a verb: neither a thing nor a mood.
fn verb_like(word: &str) -> bool {
    word.chars().count() > 5 && word.ends_with("ing")
}

/// The words a prompt offers: things (runs of content words, at most two long,
/// e.g. `small town`) and moods (`nostalgic`, `growing`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
struct Pool {
    things: Vec<String>,
    moods: Vec<String>,
}

fn content_word(raw: &str) -> Option<String> {
    let w = raw
        .trim_matches(|c: char| c == '\'' || c == '-')
        .to_lowercase();
    let ok = w.chars().count() >= 3
        && !STOPWORDS.contains(&w.as_str())
        && !w.chars().all(|c| c.is_ascii_digit());
    ok.then_some(w)
}

fn pool_of(prompt: &str) -> Pool {
    let mut pool = Pool::default();
    let mut run: Vec<String> = Vec::new();
    let flush = |run: &mut Vec<String>, pool: &mut Pool| {
        match run.len() {
            0 => {}
            1 if verb_like(&run[0]) => {}
            1 => {
                let w = run.remove(0);
                let list = if mood_like(&w) {
                    &mut pool.moods
                } else {
                    &mut pool.things
                };
                if !list.contains(&w) {
                    list.push(w);
                }
            }
            n => {
                for w in &run[..n - 2] {
                    if mood_like(w) && !pool.moods.contains(w) {
                        pool.moods.push(w.clone());
                    }
                }
                let phrase = run[n - 2..].join(" ");
                if !pool.things.contains(&phrase) {
                    pool.things.push(phrase);
                }
            }
        }
        run.clear();
    };
    for raw in prompt.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '-')) {
        match content_word(raw) {
            Some(w) => run.push(w),
            None if raw.is_empty() => {}
            None => flush(&mut run, &mut pool),
        }
    }
    flush(&mut run, &mut pool);
    pool
}

fn title_case(text: &str) -> String {
    text.split(' ')
        .map(|word| {
            let mut chars = word.chars();
            match chars.next() {
                Some(first) => first.to_uppercase().chain(chars).collect(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

const TITLES: &[&str] = &[
    "{A}",
    "Songs of {A}",
    "Back to {A}",
    "{A} Tonight",
    "{M} Hearts",
    "Where {B} Begins",
    "{A} and {B}",
    "Ballad of {A}",
    "After {B}",
    "Letters to {A}",
];

const VERSE: &[&str] = &[
    "I still remember {a} in the morning light",
    "We were chasing {a} down an open road",
    "Dusty photographs of {a} on the wall",
    "Streetlights hum a tune of {a} and {b}",
    "Pockets full of {a}, we never counted time",
    "Paper dreams of {a} folded in my hands",
    "The radio played songs of {a} while the rain came down",
    "We wrote our names beside {a} on a summer door",
    "Slow steps through {a}, the evening turning gold",
    "You swore that {a} would never let us go",
    "Footprints leading back to {a}, soft as yesterday",
    "Somewhere past {a} I can hear {b} calling",
    "Everything felt {m} when we were young",
    "A {m} feeling rolling in like the tide",
    "Quiet as {a}, loud as {b}",
    "I keep {a} in a pocket close to my heart",
];

const CHORUS: &[&str] = &[
    "Oh, {a}, carry me home",
    "Sing it loud for {a} and {b}",
    "We won't let {a} fade away",
    "Hold on to {a}, hold on tonight",
    "And every road leads back to {a}",
    "{A}, you're the song I know by heart",
    "Light it up, we're home in {a} again",
    "Run with me through {a} and {b}",
    "Don't look back, I hear {a} calling",
    "Forever {m}, forever young",
    "We are young inside {a} forever",
];

const BRIDGE: &[&str] = &[
    "If the sky should fall, I'll hold {a} with both hands",
    "Time moves on, but I still dream of {a}",
    "Close your eyes and think of {b}",
    "When the lights go out, we'll still have {a}",
    "Between {a} and {b}, I found my way",
    "Let the {m} night decide where it will end",
    "Something {m} is calling from the dark",
];

/// Used when a prompt offers too few things or moods of its own.
const FALLBACK_MOODS: &[&str] = &["golden", "restless", "quiet", "wild", "tender", "electric"];

/// The words a variation draws from: the prompt's, padded with fallbacks.
fn word_pool(prompt: &str, pick: &mut Pick) -> Pool {
    let mut pool = pool_of(prompt);
    // Two things from the prompt would repeat a lot: a third image adds variety.
    let mut i = pick.below(FALLBACK.len());
    while pool.things.len() < 3 {
        let w = FALLBACK[i % FALLBACK.len()].to_owned();
        if !pool.things.contains(&w) {
            pool.things.push(w);
        }
        i += 1;
    }
    if pool.moods.is_empty() {
        pool.moods
            .push(FALLBACK_MOODS[pick.below(FALLBACK_MOODS.len())].to_owned());
    }
    pool
}

fn fill(template: &str, a: &str, b: &str, m: &str) -> String {
    template
        .replace("{A}", &title_case(a))
        .replace("{B}", &title_case(b))
        .replace("{M}", &title_case(m))
        .replace("{a}", a)
        .replace("{b}", b)
        .replace("{m}", m)
}

/// `n` distinct lines from `bank`, each filled with words of the pool.
fn lines(bank: &[&str], n: usize, pool: &Pool, pick: &mut Pick) -> Vec<String> {
    let mut used: Vec<usize> = Vec::with_capacity(n);
    let mut out = Vec::with_capacity(n);
    let things = &pool.things;
    while out.len() < n {
        let mut idx = pick.below(bank.len());
        while used.contains(&idx) && used.len() < bank.len() {
            idx = (idx + 1) % bank.len();
        }
        used.push(idx);
        let ai = pick.below(things.len());
        let bi = (ai + 1 + pick.below(things.len() - 1)) % things.len();
        let m = &pool.moods[pick.below(pool.moods.len())];
        out.push(fill(bank[idx], &things[ai], &things[bi], m));
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
    let pool = word_pool(prompt, &mut pick);
    let template = if index == 0 {
        TITLES[0]
    } else {
        TITLES[1 + pick.below(TITLES.len() - 1)]
    };
    fill(template, &pool.things[0], &pool.things[1], &pool.moods[0])
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
    let pool = pool_of(prompt);
    let mut words: Vec<String> = pool.moods.into_iter().take(1).collect();
    words.extend(pool.things.into_iter().take(1));
    words.push(GENRES[pick.below(GENRES.len())].to_owned());
    words.join(", ")
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap
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
        assert_eq!(title(PROMPT, 0), "Childhood Memories");
    }

    #[test]
    fn a_prompt_without_content_words_still_gets_lyrics() {
        let text = lyrics("a song", 2);
        assert!(text.contains("[Chorus]"));
        assert!(!title("a song", 1).trim().is_empty());
        assert!((2..=3).contains(&variation_count("a song")));
    }

    #[test]
    fn prompts_split_into_things_and_moods() {
        let pool = pool_of(PROMPT);
        assert_eq!(pool.things, ["childhood memories", "small town"]);
        assert_eq!(pool.moods, ["nostalgic"]);
    }

    #[test]
    fn non_ascii_prompts_are_fine() {
        let t = title("夜晚的城市 灯火辉煌 ünïcödé", 0);
        assert!(!t.is_empty());
        assert!(lyrics("夜晚的城市 灯火辉煌", 1).contains("[Verse]"));
    }
}
