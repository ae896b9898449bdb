//! VADER sentiment scores: an exact port of Python's `vaderSentiment` 3.3.2.
//!
//! Why a port and not a crate: Hearth scores customer mail, SMS and call transcripts on the
//! owner's machine, with no Python runtime and no network, and the numbers must be the ones the
//! reference implementation gives (they are compared against it and shown next to it). The
//! `vader_sentiment` crate disagrees with Python on many negation and "but" sentences, so this
//! file follows `vaderSentiment/vaderSentiment.py` step by step, float operation by float
//! operation, bugs included. `tests/fixtures/vader_reference.tsv` (made by
//! `scripts/vader-reference.py` with CPython 3.11) pins it: every row must match bit for bit.
//!
//! Provenance and licence: `data/vader_lexicon.txt` and `data/emoji_utf8_lexicon.txt` are copied
//! unchanged from the vaderSentiment 3.3.2 wheel, MIT licence, (c) 2016 C.J. Hutto; see
//! `data/README.md`. Method: Hutto & Gilbert, "VADER: A Parsimonious Rule-based Model for
//! Sentiment Analysis of Social Media Text", ICWSM-14.
//!
//! Python behaviour kept on purpose (each is what 3.3.2 really does):
//! - Text: emoji are replaced one code point at a time (multi-code-point lexicon keys such as
//!   flags or ZWJ sequences never match; a space is added only *before* a description, and only
//!   when the previous character was not `' '`); then `str.strip()` / `str.split()` on Python's
//!   whitespace (which, unlike Rust's, includes U+001C..U+001F); each token loses leading and
//!   trailing ASCII punctuation unless that leaves two code points or fewer (":)", "ok!").
//! - Lexicon lookups use `str.lower()`, so upper-case lexicon keys (":D", "O.o") and keys with
//!   spaces ("fed up", "can't stand") are unreachable; later duplicate lines win.
//! - `str.isupper()` follows CPython 3.11's Unicode 14 tables, so characters cased only in later
//!   Unicode versions count as uncased (see `PY311_UNCASED`).
//! - A word in ALL CAPS among mixed-case words gets +C_INCR if its valence is > 0, otherwise
//!   -C_INCR (a zero valence goes negative).
//! - Negation looks up to three words back; "never so/this" multiplies by 1.25, but at distance
//!   three the precedence bug makes any "so"/"this" right before the word multiply by 1.25.
//! - "no" before a lexicon word zeroes its own valence and negates the next words; "least" not
//!   after "at"/"very" negates.
//! - The "but" rule finds each value with `list.index()`, so with repeated values it rescales the
//!   first equal element again instead of the current one.
//! - Special-case idioms are only checked three or more words into the text; the one-word key
//!   "badass" can never match; the "sentiment laden idioms" table is unused in 3.3.2 (not ported).
//! - neg/neu/pos are rounded to 3 decimals, compound to 4, with Python's `round` (correctly
//!   rounded, half-even on the binary value, -0.0 kept), and the valences are summed left to
//!   right as CPython 3.11's `sum()` does (3.12 added compensated summation).
//!
//! `str.lower()` is Rust's `to_lowercase` (same full mappings and final-sigma rule); where the
//! Unicode versions differ, both sides produce non-ASCII text, and every reachable lexicon key
//! and rule word is ASCII, so no lookup can change.
//!
//! Speed (scoring is run over whole mailboxes): the lexicons are parsed once into one map whose
//! entry answers every question about a word (valence, booster, negation, rule word, phrase
//! word), rule words and phrases are compared as small tags rather than strings, all-ASCII text
//! takes a fused byte-level tokenizer, and per-call buffers are reused per thread. About 45x
//! the Python package on the same sentences; the results are unchanged by all of it.
//!
//! Layout: this file holds the API and the rules; `vader/lexicon.rs` the tables and lexicons,
//! `vader/text.rs` Python's string and `round` semantics.

mod lexicon;
mod text;

use std::borrow::Cow;
use std::cell::RefCell;
use std::mem::take;

use lexicon::{Lexicons, Tag, LEXICONS, NEGATE_WORD};
use text::{
    contains_nt, for_each_ascii_token, py_isupper, py_round, py_strip, strip_punc_if_word, PySplit,
};

/// VADER's four scores for one text, rounded exactly as Python's `polarity_scores` rounds them.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct SentimentScores {
    /// Share of negative weight, 3 decimals.
    pub neg: f64,
    /// Share of neutral words, 3 decimals.
    pub neu: f64,
    /// Share of positive weight, 3 decimals.
    pub pos: f64,
    /// Normalized sum of valences in [-1, 1], 4 decimals.
    pub compound: f64,
}

/// Scores `text` exactly like `SentimentIntensityAnalyzer().polarity_scores(text)` in Python.
pub fn polarity_scores(text: &str) -> SentimentScores {
    polarity_scores_with_hits(text).0
}

/// [`polarity_scores`], plus whether any word ended up with a non-zero valence (a sentence with
/// sentiment evidence, as opposed to one VADER found nothing in).
pub(super) fn polarity_scores_with_hits(text: &str) -> (SentimentScores, bool) {
    SCRATCH.with(|scratch| match scratch.try_borrow_mut() {
        Ok(mut scratch) => score(text, &mut scratch),
        // Not reachable (nothing here re-enters), but a fresh scratch beats a panic.
        Err(_) => score(text, &mut Scratch::default()),
    })
}

/// Buffers reused from call to call on a thread: scoring many short texts is the common case,
/// and allocating them per text cost about 5% of the time.
#[derive(Default)]
struct Scratch {
    tokens: Vec<Token>,
    lower: String,
    sentiments: Vec<f64>,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// Beyond this many tokens (or bytes in one token) the buffers are freed after use rather than
/// kept for the thread.
const SCRATCH_KEEP_TOKENS: usize = 4096;
const SCRATCH_KEEP_BYTES: usize = 1 << 16;

/// VADER's emphasis constants (`C_INCR`, `N_SCALAR`); the booster ones live with the tables.
const C_INCR: f64 = 0.733;
const N_SCALAR: f64 = -0.74;

fn score(text: &str, scratch: &mut Scratch) -> (SentimentScores, bool) {
    let lexicons = &*LEXICONS;
    let translated = replace_emoji(text, lexicons);
    let text = py_strip(&translated);
    let words = Words::new(
        text,
        lexicons,
        take(&mut scratch.tokens),
        &mut scratch.lower,
    );

    let n = words.len();
    let sentiments = &mut scratch.sentiments;
    sentiments.clear();
    for i in 0..n {
        let valence = if words.tokens[i].booster.is_some()
            || (i + 1 < n && words.is(i, Tag::Kind) && words.is(i + 1, Tag::Of))
        {
            0.0
        } else {
            sentiment_valence(&words, i)
        };
        sentiments.push(valence);
    }
    but_check(&words, sentiments);
    let hit = sentiments.iter().any(|&s| s != 0.0);
    let scores = score_valence(sentiments, text);
    if n <= SCRATCH_KEEP_TOKENS && scratch.lower.capacity() <= SCRATCH_KEEP_BYTES {
        scratch.tokens = words.tokens;
    } else {
        *scratch = Scratch::default();
    }
    (scores, hit)
}

/// The emoji loop at the top of `polarity_scores`.
fn replace_emoji<'t>(text: &'t str, lexicons: &Lexicons) -> Cow<'t, str> {
    // No emoji key is ASCII, so most texts need no copy at all.
    if text.is_ascii() {
        return Cow::Borrowed(text);
    }
    let Some((first, _)) = text
        .char_indices()
        .find(|&(_, c)| lexicons.emoji(c).is_some())
    else {
        return Cow::Borrowed(text);
    };
    let (head, tail) = text.split_at(first);
    let mut out = String::with_capacity(text.len() + 32);
    out.push_str(head);
    let mut prev_space = head.chars().next_back().is_none_or(|c| c == ' ');
    for c in tail.chars() {
        if let Some(description) = lexicons.emoji(c) {
            if !prev_space {
                out.push(' ');
            }
            out.push_str(description);
            prev_space = false;
        } else {
            out.push(c);
            prev_space = c == ' ';
        }
    }
    Cow::Owned(out)
}

/// One token of `SentiText.words_and_emoticons`, with what the rules ask about it precomputed
/// from its lower-cased form (which is then no longer needed).
struct Token {
    valence: Option<f64>,
    booster: Option<f64>,
    is_upper: bool,
    /// `negated([word])`: in NEGATE or containing "n't".
    negated: bool,
    /// See `lexicon::WordInfo::phrase_word`.
    phrase_word: u8,
    tag: Tag,
}

struct Words<'l> {
    tokens: Vec<Token>,
    /// Index of the first "but" (`list.index('but')`).
    first_but: Option<usize>,
    is_cap_diff: bool,
    lexicons: &'l Lexicons,
}

impl<'l> Words<'l> {
    /// Tokenizes `text` into `tokens` (cleared first), lower-casing through `lower_buf`.
    fn new(
        text: &str,
        lexicons: &'l Lexicons,
        mut tokens: Vec<Token>,
        lower_buf: &mut String,
    ) -> Words<'l> {
        tokens.clear();
        let mut push = |token: &str, already_lower: bool| {
            let lower = if already_lower {
                token
            } else {
                lower_buf.clear();
                if token.is_ascii() {
                    lower_buf.push_str(token);
                    lower_buf.make_ascii_lowercase();
                } else if token.contains('Σ') {
                    // Final sigma depends on context: leave it to the str method.
                    lower_buf.push_str(&token.to_lowercase());
                } else {
                    lower_buf.extend(token.chars().flat_map(char::to_lowercase));
                }
                lower_buf.as_str()
            };
            let info = lexicons.word(lower);
            tokens.push(Token {
                valence: info.valence(),
                booster: info.booster(),
                is_upper: !already_lower && py_isupper(token),
                negated: info.flags & NEGATE_WORD != 0 || contains_nt(lower),
                phrase_word: info.phrase_word,
                tag: info.tag,
            });
        };
        if text.is_ascii() {
            for_each_ascii_token(text, |token, has_upper| push(token, !has_upper));
        } else {
            for raw in PySplit(text) {
                let token = strip_punc_if_word(raw);
                let already_lower =
                    token.is_ascii() && !token.bytes().any(|b| b.is_ascii_uppercase());
                push(token, already_lower);
            }
        }
        let allcaps = tokens.iter().filter(|t| t.is_upper).count();
        let cap_differential = tokens.len() - allcaps;
        let is_cap_diff = 0 < cap_differential && cap_differential < tokens.len();
        let first_but = tokens.iter().position(|t| t.tag == Tag::But);
        Words {
            tokens,
            first_but,
            is_cap_diff,
            lexicons,
        }
    }

    fn len(&self) -> usize {
        self.tokens.len()
    }

    fn is(&self, i: usize, tag: Tag) -> bool {
        self.tokens[i].tag == tag
    }
}

/// `sentiment_valence` for word `i` (not a booster, not the "kind" of "kind of").
fn sentiment_valence(words: &Words, i: usize) -> f64 {
    let token = &words.tokens[i];
    let Some(lexicon_valence) = token.valence else {
        return 0.0;
    };
    let n = words.len();
    let mut valence = lexicon_valence;
    // "no" as a negation of the next lexicon word rather than a lexicon word itself.
    if words.is(i, Tag::No) && i != n - 1 && words.tokens[i + 1].valence.is_some() {
        valence = 0.0;
    }
    if (i > 0 && words.is(i - 1, Tag::No))
        || (i > 1 && words.is(i - 2, Tag::No))
        || (i > 2
            && words.is(i - 3, Tag::No)
            && (words.is(i - 1, Tag::Or) || words.is(i - 1, Tag::Nor)))
    {
        valence = lexicon_valence * N_SCALAR;
    }
    if token.is_upper && words.is_cap_diff {
        if valence > 0.0 {
            valence += C_INCR;
        } else {
            valence -= C_INCR;
        }
    }
    for start_i in 0..3 {
        if i > start_i && words.tokens[i - (start_i + 1)].valence.is_none() {
            let mut s = scalar_inc_dec(words, i - (start_i + 1), valence);
            if start_i == 1 && s != 0.0 {
                s *= 0.95;
            }
            if start_i == 2 && s != 0.0 {
                s *= 0.9;
            }
            valence += s;
            valence = negation_check(valence, words, start_i, i);
            if start_i == 2 {
                valence = special_idioms_check(valence, words, i);
            }
        }
    }
    least_check(valence, words, i)
}

/// `scalar_inc_dec`: the push of a booster/dampener word `j` on a valence.
fn scalar_inc_dec(words: &Words, j: usize, valence: f64) -> f64 {
    let token = &words.tokens[j];
    let Some(mut scalar) = token.booster else {
        return 0.0;
    };
    if valence < 0.0 {
        scalar *= -1.0;
    }
    if token.is_upper && words.is_cap_diff {
        if valence > 0.0 {
            scalar += C_INCR;
        } else {
            scalar -= C_INCR;
        }
    }
    scalar
}

/// `_negation_check`, including its operator-precedence bug at distance three.
fn negation_check(valence: f64, words: &Words, start_i: usize, i: usize) -> f64 {
    use Tag::{Doubt, Never, So, This, Without};
    let is = |k: usize, tag: Tag| words.is(k, tag);
    match start_i {
        0 if words.tokens[i - 1].negated => valence * N_SCALAR,
        1 => {
            if is(i - 2, Never) && (is(i - 1, So) || is(i - 1, This)) {
                valence * 1.25
            } else if is(i - 2, Without) && is(i - 1, Doubt) {
                valence
            } else if words.tokens[i - 2].negated {
                valence * N_SCALAR
            } else {
                valence
            }
        }
        2 => {
            if (is(i - 3, Never) && (is(i - 2, So) || is(i - 2, This)))
                || (is(i - 1, So) || is(i - 1, This))
            {
                valence * 1.25
            } else if is(i - 3, Without) && (is(i - 2, Doubt) || is(i - 1, Doubt)) {
                valence
            } else if words.tokens[i - 3].negated {
                valence * N_SCALAR
            } else {
                valence
            }
        }
        _ => valence,
    }
}

/// The value of the SPECIAL_CASES key equal to tokens `from..from + len` joined by spaces.
fn special_case(words: &Words, from: usize, len: usize) -> Option<f64> {
    let table = &words.lexicons.special_cases;
    table
        .iter()
        .find(|(key, _)| phrase_eq(key, words, from, len))
        .map(|&(_, v)| v)
}

/// Whether the words of a phrase equal tokens `from..from + len`. Python compares space-joined
/// strings; tokens never contain a space, so comparing word by word is the same.
fn phrase_eq(key: &[u8], words: &Words, from: usize, len: usize) -> bool {
    key.len() == len
        && words.tokens.get(from..from + len).is_some_and(|tokens| {
            tokens
                .iter()
                .zip(key)
                .all(|(token, &id)| token.phrase_word == id)
        })
}

/// `_special_idioms_check` for word `i` (only ever called with `i >= 3`).
fn special_idioms_check(mut valence: f64, words: &Words, i: usize) -> f64 {
    let n = words.len();
    // (first token, length) of onezero, twoonezero, twoone, threetwoone, threetwo.
    let sequences = [(i - 1, 2), (i - 2, 3), (i - 2, 2), (i - 3, 3), (i - 3, 2)];
    let candidates = sequences
        .iter()
        .filter(|&&(from, _)| words.tokens[from].phrase_word != 0);
    if let Some(v) = candidates
        .filter_map(|&(from, len)| special_case(words, from, len))
        .next()
    {
        valence = v;
    }
    let head = words.tokens[i].phrase_word != 0;
    if head && n - 1 > i {
        if let Some(v) = special_case(words, i, 2) {
            valence = v;
        }
    }
    if head && n - 1 > i + 1 {
        if let Some(v) = special_case(words, i, 3) {
            valence = v;
        }
    }
    // Booster/dampener n-grams such as "sort of" or "kind of": threetwoone, threetwo, twoone.
    for (from, len) in [(i - 3, 3), (i - 3, 2), (i - 2, 2)] {
        if words.tokens[from].phrase_word != 0 {
            for (key, boost) in &words.lexicons.booster_phrases {
                if phrase_eq(key, words, from, len) {
                    valence += boost;
                }
            }
        }
    }
    valence
}

/// `_least_check`.
fn least_check(valence: f64, words: &Words, i: usize) -> f64 {
    let after_least = |k: usize| words.tokens[k].valence.is_none() && words.is(k, Tag::Least);
    if i > 1 && after_least(i - 1) {
        if !words.is(i - 2, Tag::At) && !words.is(i - 2, Tag::Very) {
            return valence * N_SCALAR;
        }
        valence
    } else if i > 0 && after_least(i - 1) {
        valence * N_SCALAR
    } else {
        valence
    }
}

/// `_but_check`, with Python's `sentiments.index(sentiment)`: the *first* element equal to the
/// current value is the one rescaled.
fn but_check(words: &Words, sentiments: &mut [f64]) {
    let Some(bi) = words.first_but else {
        return;
    };
    for k in 0..sentiments.len() {
        let sentiment = sentiments[k];
        let si = sentiments.iter().position(|&s| s == sentiment).unwrap_or(k);
        if si < bi {
            sentiments[si] = sentiment * 0.5;
        } else if si > bi {
            sentiments[si] = sentiment * 1.5;
        }
    }
}

/// `_punctuation_emphasis`: up to four '!' and, from two on, '?'.
fn punctuation_emphasis(text: &str) -> f64 {
    // Most texts have neither: a memchr scan is cheaper than counting.
    let count = |mark: u8| {
        let bytes = text.as_bytes();
        if bytes.contains(&mark) {
            bytes.iter().filter(|&&b| b == mark).count()
        } else {
            0
        }
    };
    let (ep_count, qm_count) = (count(b'!'), count(b'?'));
    let ep_amplifier = ep_count.min(4) as f64 * 0.292;
    let qm_amplifier = match qm_count {
        0 | 1 => 0.0,
        2 | 3 => qm_count as f64 * 0.18,
        _ => 0.96,
    };
    ep_amplifier + qm_amplifier
}

fn normalize(score: f64) -> f64 {
    let alpha = 15.0;
    let norm_score = score / (score * score + alpha).sqrt();
    norm_score.clamp(-1.0, 1.0)
}

/// `score_valence`.
fn score_valence(sentiments: &[f64], text: &str) -> SentimentScores {
    if sentiments.is_empty() {
        return SentimentScores::default();
    }
    let mut sum_s = 0.0;
    for &s in sentiments {
        sum_s += s;
    }
    let punct_emph_amplifier = punctuation_emphasis(text);
    if sum_s > 0.0 {
        sum_s += punct_emph_amplifier;
    } else if sum_s < 0.0 {
        sum_s -= punct_emph_amplifier;
    }
    let compound = normalize(sum_s);

    let mut pos_sum = 0.0;
    let mut neg_sum = 0.0;
    let mut neu_count = 0u32;
    // Adding +0.0 leaves both sums unchanged (they start at +0.0), so this is Python's
    // if-chain without its unpredictable branches.
    for &s in sentiments {
        pos_sum += if s > 0.0 { s + 1.0 } else { 0.0 };
        neg_sum += if s < 0.0 { s - 1.0 } else { 0.0 };
        neu_count += u32::from(s == 0.0);
    }
    if pos_sum > f64::abs(neg_sum) {
        pos_sum += punct_emph_amplifier;
    } else if pos_sum < f64::abs(neg_sum) {
        neg_sum -= punct_emph_amplifier;
    }
    let neu_count = f64::from(neu_count);
    let total = pos_sum + f64::abs(neg_sum) + neu_count;
    SentimentScores {
        neg: py_round(f64::abs(neg_sum / total), 3),
        neu: py_round(f64::abs(neu_count / total), 3),
        pos: py_round(f64::abs(pos_sum / total), 3),
        compound: py_round(compound, 4),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIXTURE: &str = include_str!("../../tests/fixtures/vader_reference.tsv");

    /// Undoes the escaping of `scripts/vader-reference.py`.
    fn unescape(field: &str) -> String {
        let mut out = String::with_capacity(field.len());
        let mut chars = field.chars();
        while let Some(c) = chars.next() {
            if c != '\\' {
                out.push(c);
                continue;
            }
            match chars.next() {
                Some('\\') => out.push('\\'),
                Some('t') => out.push('\t'),
                Some('n') => out.push('\n'),
                Some('r') => out.push('\r'),
                Some('u') => {
                    let hex: String = chars.by_ref().skip(1).take_while(|&c| c != '}').collect();
                    let cp = u32::from_str_radix(&hex, 16).expect("hex escape");
                    out.push(char::from_u32(cp).expect("valid code point"));
                }
                other => panic!("bad escape \\{other:?} in {field:?}"),
            }
        }
        out
    }

    #[test]
    fn matches_python_reference_on_every_fixture_row() {
        let mut rows = 0;
        let mut exact = 0;
        let mut mismatches = Vec::new();
        for (line_no, line) in FIXTURE.lines().enumerate().skip(1) {
            let fields: Vec<&str> = line.split('\t').collect();
            assert_eq!(fields.len(), 5, "line {}: {line:?}", line_no + 1);
            let text = unescape(fields[0]);
            let want: Vec<f64> = fields[1..]
                .iter()
                .map(|f| f.parse().expect("float"))
                .collect();
            let got = polarity_scores(&text);
            let got = [got.neg, got.neu, got.pos, got.compound];
            rows += 1;
            if got
                .iter()
                .zip(&want)
                .all(|(g, w)| g.to_bits() == w.to_bits())
            {
                exact += 1;
            } else {
                mismatches.push(format!(
                    "line {}: {text:?} want {want:?} got {got:?}",
                    line_no + 1
                ));
            }
        }
        assert!(rows > 2000, "fixture has only {rows} rows");
        assert!(
            mismatches.is_empty(),
            "{} of {rows} rows differ ({exact} exact):\n{}",
            mismatches.len(),
            mismatches.join("\n")
        );
    }

    fn scores(text: &str) -> [f64; 4] {
        let s = polarity_scores(text);
        [s.neg, s.neu, s.pos, s.compound]
    }

    #[test]
    fn hand_picked_sentences() {
        assert_eq!(
            scores("VADER is smart, handsome, and funny."),
            [0.0, 0.254, 0.746, 0.8316]
        );
        assert_eq!(
            scores("VADER is VERY SMART, uber handsome, and FRIGGIN FUNNY!!!"),
            [0.0, 0.294, 0.706, 0.9469]
        );
        assert_eq!(scores("not bad"), [0.0, 0.26, 0.74, 0.431]);
        assert_eq!(scores("isn't very good"), [0.567, 0.433, 0.0, -0.3865]);
        assert_eq!(scores("never so happy"), [0.0, 0.297, 0.703, 0.6948]);
        assert_eq!(
            scores("good good but good good"),
            [0.0, 0.079, 0.921, 0.891]
        );
        assert_eq!(scores(":)"), [0.0, 0.0, 1.0, 0.4588]);
        assert_eq!(scores("!!!"), [0.0, 1.0, 0.0, 0.0]);
        assert_eq!(scores(""), [0.0; 4]);
        assert_eq!(scores(" \t\n"), [0.0; 4]);
        // Emoji become their descriptions ("beaming face with smiling eyes" ...).
        assert_eq!(
            scores("Catch utf-8 emoji such as 💘 and 💋 and 😁"),
            [0.0, 0.583, 0.417, 0.875]
        );
        // "but": before halves, after multiplies by 1.5; with repeated values `list.index()`
        // rescales the first equal element again.
        let but =
            "The plot was good, but the characters are uncompelling and the dialog is not great.";
        assert_eq!(scores(but), [0.327, 0.579, 0.094, -0.7042]);
        assert_eq!(
            scores("happy happy but sad sad happy"),
            [0.436, 0.052, 0.512, 0.1154]
        );
        // "no" before a lexicon word loses its own valence and negates what follows.
        assert_eq!(scores("no no good"), [0.454, 0.189, 0.357, -0.1326]);
        // Special case idioms apply three or more words in.
        assert_eq!(scores("This pizza is the bomb"), [0.0, 0.5, 0.5, 0.6124]);
        assert_eq!(
            scores("At least it isn't a horrible book."),
            [0.0, 0.678, 0.322, 0.431]
        );
        // U+001C is whitespace to Python, not to Rust's `char::is_whitespace`.
        assert_eq!(scores("good\u{1c}bad"), [0.547, 0.0, 0.453, -0.1531]);
        // ALL CAPS among lower case adds C_INCR.
        assert_eq!(scores("ok GOOD ok"), [0.0, 0.0, 1.0, 0.7925]);
    }
}
