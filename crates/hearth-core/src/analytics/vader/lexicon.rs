//! VADER's tables and lexicons, parsed once into the shape the rules need.
//!
//! Why one map: every question the rules ask about a word (its valence, whether it boosts,
//! negates, is a rule word such as "but" or "least", or starts a phrase) is answered by a
//! single lookup per token, which is most of what makes the port fast. The constants are
//! `vaderSentiment.py`'s own, in its order.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::LazyLock;

use super::text::is_py_space;

const B_INCR: f64 = 0.293;
const B_DECR: f64 = -0.293;

#[rustfmt::skip]
const NEGATE: [&str; 59] = [
    "aint", "arent", "cannot", "cant", "couldnt", "darent", "didnt", "doesnt", "ain't", "aren't",
    "can't", "couldn't", "daren't", "didn't", "doesn't", "dont", "hadnt", "hasnt", "havent", "isnt",
    "mightnt", "mustnt", "neither", "don't", "hadn't", "hasn't", "haven't", "isn't", "mightn't",
    "mustn't", "neednt", "needn't", "never", "none", "nope", "nor", "not", "nothing", "nowhere",
    "oughtnt", "shant", "shouldnt", "uhuh", "wasnt", "werent", "oughtn't", "shan't", "shouldn't",
    "uh-uh", "wasn't", "weren't", "without", "wont", "wouldnt", "won't", "wouldn't", "rarely",
    "seldom", "despite",
];

/// `BOOSTER_DICT`. The three two-word keys only ever match through the n-gram step of the
/// special-idioms check, since a token never contains a space.
#[rustfmt::skip]
const BOOSTER_DICT: [(&str, f64); 84] = [
    ("absolutely", B_INCR), ("amazingly", B_INCR), ("awfully", B_INCR), ("completely", B_INCR),
    ("considerable", B_INCR), ("considerably", B_INCR), ("decidedly", B_INCR), ("deeply", B_INCR),
    ("effing", B_INCR), ("enormous", B_INCR), ("enormously", B_INCR), ("entirely", B_INCR),
    ("especially", B_INCR), ("exceptional", B_INCR), ("exceptionally", B_INCR), ("extreme", B_INCR),
    ("extremely", B_INCR), ("fabulously", B_INCR), ("flipping", B_INCR), ("flippin", B_INCR),
    ("frackin", B_INCR), ("fracking", B_INCR), ("fricking", B_INCR), ("frickin", B_INCR),
    ("frigging", B_INCR), ("friggin", B_INCR), ("fully", B_INCR), ("fuckin", B_INCR),
    ("fucking", B_INCR), ("fuggin", B_INCR), ("fugging", B_INCR), ("greatly", B_INCR),
    ("hella", B_INCR), ("highly", B_INCR), ("hugely", B_INCR), ("incredible", B_INCR),
    ("incredibly", B_INCR), ("intensely", B_INCR), ("major", B_INCR), ("majorly", B_INCR),
    ("more", B_INCR), ("most", B_INCR), ("particularly", B_INCR), ("purely", B_INCR),
    ("quite", B_INCR), ("really", B_INCR), ("remarkably", B_INCR), ("so", B_INCR),
    ("substantially", B_INCR), ("thoroughly", B_INCR), ("total", B_INCR), ("totally", B_INCR),
    ("tremendous", B_INCR), ("tremendously", B_INCR), ("uber", B_INCR), ("unbelievably", B_INCR),
    ("unusually", B_INCR), ("utter", B_INCR), ("utterly", B_INCR), ("very", B_INCR),
    ("almost", B_DECR), ("barely", B_DECR), ("hardly", B_DECR), ("just enough", B_DECR),
    ("kind of", B_DECR), ("kinda", B_DECR), ("kindof", B_DECR), ("kind-of", B_DECR),
    ("less", B_DECR), ("little", B_DECR), ("marginal", B_DECR), ("marginally", B_DECR),
    ("occasional", B_DECR), ("occasionally", B_DECR), ("partly", B_DECR), ("scarce", B_DECR),
    ("scarcely", B_DECR), ("slight", B_DECR), ("slightly", B_DECR), ("somewhat", B_DECR),
    ("sort of", B_DECR), ("sorta", B_DECR), ("sortof", B_DECR), ("sort-of", B_DECR),
];

/// `SPECIAL_CASES`, each key split at its spaces (Python compares space-joined tokens).
const SPECIAL_CASES: [(&[&str], f64); 9] = [
    (&["the", "shit"], 3.0),
    (&["the", "bomb"], 3.0),
    (&["bad", "ass"], 1.5),
    (&["badass"], 1.5),
    (&["bus", "stop"], 0.0),
    (&["yeah", "right"], -2.0),
    (&["kiss", "of", "death"], -1.5),
    (&["to", "die", "for"], 3.0),
    (&["beating", "heart"], 3.5),
];

/// What the tables know about one lower-cased word. One hash lookup per token answers every
/// question the rules ask about it; 16 bytes, so the 7,500-entry map stays cache-friendly.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct WordInfo {
    /// The lexicon valence, meaningful only with `IN_LEXICON`.
    valence: f64,
    /// 1 + the word's index in BOOSTER_DICT, or 0.
    booster: u8,
    pub(super) flags: u8,
    pub(super) tag: Tag,
    /// 1 + the word's index among the words of SPECIAL_CASES and of the two-word boosters, or 0,
    /// so that matching a phrase compares small integers rather than strings.
    pub(super) phrase_word: u8,
}

/// The words the rules test by name, tagged once per token instead of compared as strings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(super) enum Tag {
    #[default]
    Other,
    No,
    But,
    Kind,
    Of,
    Never,
    So,
    This,
    Without,
    Doubt,
    Least,
    At,
    Very,
    Or,
    Nor,
}

const TAGS: [(&str, Tag); 14] = [
    ("no", Tag::No),
    ("but", Tag::But),
    ("kind", Tag::Kind),
    ("of", Tag::Of),
    ("never", Tag::Never),
    ("so", Tag::So),
    ("this", Tag::This),
    ("without", Tag::Without),
    ("doubt", Tag::Doubt),
    ("least", Tag::Least),
    ("at", Tag::At),
    ("very", Tag::Very),
    ("or", Tag::Or),
    ("nor", Tag::Nor),
];

const IN_LEXICON: u8 = 1;
pub(super) const NEGATE_WORD: u8 = 2;

impl WordInfo {
    pub(super) fn valence(self) -> Option<f64> {
        (self.flags & IN_LEXICON != 0).then_some(self.valence)
    }

    pub(super) fn booster(self) -> Option<f64> {
        let index = usize::from(self.booster).checked_sub(1)?;
        BOOSTER_DICT.get(index).map(|&(_, boost)| boost)
    }
}

/// The parsed lexicons, built once on first use.
pub(super) struct Lexicons {
    words: FastMap<Key<'static>, WordInfo>,
    /// Single-code-point emoji keys (the only ones the per-character loop can match).
    emoji: FastMap<char, &'static str>,
    /// The few keys below U+2000 (©, ®): accented letters then skip the hash lookup.
    emoji_below_2000: Vec<(char, &'static str)>,
    /// SPECIAL_CASES as `phrase_word` sequences.
    pub(super) special_cases: Vec<(Vec<u8>, f64)>,
    /// The BOOSTER_DICT keys with spaces, as `phrase_word` sequences.
    pub(super) booster_phrases: Vec<(Vec<u8>, f64)>,
}

pub(super) static LEXICONS: LazyLock<Lexicons> = LazyLock::new(|| {
    let mut words: FastMap<Key<'static>, WordInfo> = FastMap::default();
    for (word, valence) in parse_lexicon(VADER_LEXICON) {
        let info = words.entry(Key(word)).or_default();
        info.valence = valence;
        info.flags |= IN_LEXICON;
    }
    for (index, (word, _)) in (1u8..).zip(BOOSTER_DICT) {
        words.entry(Key(word)).or_default().booster = index;
    }
    for word in NEGATE {
        words.entry(Key(word)).or_default().flags |= NEGATE_WORD;
    }
    for (word, tag) in TAGS {
        words.entry(Key(word)).or_default().tag = tag;
    }
    let mut phrase_words = Vec::new();
    let special_cases = SPECIAL_CASES
        .iter()
        .map(|&(key, value)| (intern_phrase(&mut phrase_words, key.iter().copied()), value))
        .collect();
    let booster_phrases = BOOSTER_DICT
        .iter()
        .filter(|(key, _)| key.contains(' '))
        .map(|&(key, boost)| (intern_phrase(&mut phrase_words, key.split(' ')), boost))
        .collect();
    for (id, word) in (1u8..).zip(phrase_words) {
        words.entry(Key(word)).or_default().phrase_word = id;
    }
    let mut emoji = FastMap::default();
    let mut emoji_below_2000 = Vec::new();
    for (key, description) in parse_emoji_lexicon(EMOJI_LEXICON) {
        let mut chars = key.chars();
        if let (Some(c), None) = (chars.next(), chars.next()) {
            if c < '\u{2000}' {
                emoji_below_2000.push((c, description));
            }
            emoji.insert(c, description);
        }
    }
    Lexicons {
        words,
        emoji,
        emoji_below_2000,
        special_cases,
        booster_phrases,
    }
});

/// The `phrase_word` ids of a phrase's words, giving new words the next id.
fn intern_phrase(
    known: &mut Vec<&'static str>,
    phrase: impl Iterator<Item = &'static str>,
) -> Vec<u8> {
    let mut ids = Vec::new();
    for word in phrase {
        let index = known.iter().position(|&w| w == word).unwrap_or_else(|| {
            known.push(word);
            known.len() - 1
        });
        ids.push(u8::try_from(index + 1).unwrap_or(u8::MAX));
    }
    ids
}

/// A lexicon key. Its equality compares short keys as one integer instead of calling
/// `memcmp`, which was a visible share of the per-word cost.
#[derive(Debug, Clone, Copy, Hash)]
struct Key<'a>(&'a str);

impl PartialEq for Key<'_> {
    fn eq(&self, other: &Self) -> bool {
        let (a, b) = (self.0.as_bytes(), other.0.as_bytes());
        let pack = |bytes: &[u8]| bytes.iter().fold(0u64, |word, &b| word << 8 | u64::from(b));
        a.len() == b.len()
            && if a.len() <= 8 {
                pack(a) == pack(b)
            } else {
                a == b
            }
    }
}

impl Eq for Key<'_> {}

/// A map with rustc's Fx hash: the keys are fixed, so hash flooding is no concern, and SipHash
/// was a visible share of the per-word cost.
type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

#[derive(Default)]
struct FxHasher(u64);

impl FxHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            self.add(
                rest.iter()
                    .rev()
                    .fold(0, |word, &b| word << 8 | u64::from(b)),
            );
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

pub(super) const VADER_LEXICON: &str = include_str!("../data/vader_lexicon.txt");
pub(super) const EMOJI_LEXICON: &str = include_str!("../data/emoji_utf8_lexicon.txt");

/// `make_lex_dict`: `word<TAB>mean<TAB>...` lines; later duplicates win.
pub(super) fn parse_lexicon(raw: &'static str) -> HashMap<&'static str, f64> {
    let mut map = HashMap::new();
    for line in raw.trim_end_matches('\n').split('\n') {
        if line.is_empty() {
            continue;
        }
        let mut fields = line.trim_matches(is_py_space).split('\t');
        if let (Some(word), Some(Ok(measure))) = (fields.next(), fields.next().map(str::parse)) {
            map.insert(word, measure);
        }
    }
    map
}

/// `make_emoji_dict`: `emoji<TAB>description` lines (the file has CRLF endings).
pub(super) fn parse_emoji_lexicon(raw: &'static str) -> HashMap<&'static str, &'static str> {
    let mut map = HashMap::new();
    for line in raw.trim_end_matches('\n').split('\n') {
        let mut fields = line.trim_matches(is_py_space).split('\t');
        if let (Some(emoji), Some(description)) = (fields.next(), fields.next()) {
            map.insert(emoji, description);
        }
    }
    map
}

impl Lexicons {
    /// What the tables know about a lower-cased word (all `None`/`false` when nothing).
    pub(super) fn word(&self, lower: &str) -> WordInfo {
        self.words.get(&Key(lower)).copied().unwrap_or_default()
    }

    pub(super) fn emoji(&self, c: char) -> Option<&'static str> {
        if c < '\u{2000}' {
            let found = self.emoji_below_2000.iter().find(|&&(key, _)| key == c);
            found.map(|&(_, description)| description)
        } else {
            self.emoji.get(&c).copied()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lexicons_parse_like_python() {
        assert_eq!(parse_lexicon(VADER_LEXICON).len(), 7506);
        assert_eq!(parse_emoji_lexicon(EMOJI_LEXICON).len(), 3570);
        assert_eq!(LEXICONS.emoji.len(), 1212);
        assert_eq!(
            LEXICONS.emoji.get(&'😁').copied(),
            Some("beaming face with smiling eyes")
        );
        // A later duplicate line wins, as in a Python dict.
        assert_eq!(LEXICONS.word("lol").valence(), Some(1.8));
    }
}
