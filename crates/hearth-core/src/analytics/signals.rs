//! What a customer's own words say about their intent: budget, timeline, urgency,
//! decision-making power, competitors, pricing and technical questions, support needs.
//! Whole-word, case-insensitive phrase matching (one Aho-Corasick automaton for every
//! phrase), so a million messages scan in well under a second, and every hit keeps a short
//! quote so a score can say *why*.

use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

/// The kinds of signal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Signal {
    Budget,
    Timeline,
    Urgency,
    DecisionMaker,
    Competitor,
    Pricing,
    Technical,
    Support,
}

impl Signal {
    pub const ALL: [Signal; 8] = [
        Signal::Budget,
        Signal::Timeline,
        Signal::Urgency,
        Signal::DecisionMaker,
        Signal::Competitor,
        Signal::Pricing,
        Signal::Technical,
        Signal::Support,
    ];

    const fn index(self) -> usize {
        self as usize
    }
}

/// Phrases per signal, lower case, matched as whole words.
const PHRASES: &[(Signal, &[&str])] = &[
    (
        Signal::Budget,
        &[
            "budget",
            "budgeted",
            "price range",
            "can spend",
            "willing to spend",
            "afford",
            "financing",
            "up to $",
        ],
    ),
    (
        Signal::Timeline,
        &[
            "timeline",
            "deadline",
            "by next week",
            "next week",
            "next month",
            "this month",
            "this week",
            "this quarter",
            "next quarter",
            "by the end of",
            "before the holidays",
            "before christmas",
            "within a month",
            "within two weeks",
            "in two weeks",
            "start date",
            "when can you start",
            "when could you start",
            "by monday",
            "by friday",
            "this weekend",
        ],
    ),
    (
        Signal::Urgency,
        &[
            "urgent",
            "urgently",
            "asap",
            "as soon as possible",
            "immediately",
            "right away",
            "emergency",
            "today",
            "tonight",
            "soon",
            "quickly",
            "no heat",
            "flooding",
        ],
    ),
    (
        Signal::DecisionMaker,
        &[
            "i am the owner",
            "i'm the owner",
            "i own",
            "we own",
            "homeowner",
            "business owner",
            "ceo",
            "founder",
            "co-founder",
            "managing director",
            "director",
            "head of",
            "purchasing manager",
            "i can decide",
            "decide quickly",
            "my decision",
            "i make the decisions",
            "sign off",
            "approve the",
            "i approve",
        ],
    ),
    (
        Signal::Competitor,
        &[
            "competitor",
            "another company",
            "other company",
            "another contractor",
            "other contractors",
            "other quotes",
            "another quote",
            "second opinion",
            "currently using",
            "switching from",
            "compared to",
            "cheaper elsewhere",
            "someone else quoted",
        ],
    ),
    (
        Signal::Pricing,
        &[
            "price",
            "prices",
            "pricing",
            "cost",
            "costs",
            "how much",
            "quote",
            "quotes",
            "estimate",
            "rates",
            "rate",
            "discount",
            "fee",
            "fees",
            "invoice",
            "deposit",
            "payment plan",
        ],
    ),
    (
        Signal::Technical,
        &[
            "spec",
            "specs",
            "specification",
            "specifications",
            "compatible",
            "compatibility",
            "install",
            "installation",
            "integrate",
            "integration",
            "api",
            "warranty",
            "model number",
            "which model",
            "technical",
            "voltage",
            "amp",
            "how does it work",
            "how does that work",
            "efficiency",
            "certified",
            "permit",
        ],
    ),
    (
        Signal::Support,
        &[
            "not working",
            "stopped working",
            "doesn't work",
            "does not work",
            "won't turn on",
            "will not turn on",
            "broken",
            "broke",
            "leaking",
            "leak",
            "problem with",
            "issue with",
            "refund",
            "return it",
            "complaint",
            "still waiting",
            "never arrived",
            "damaged",
            "faulty",
            "fix it",
            "help with my order",
        ],
    ),
];

struct Matcher {
    automaton: AhoCorasick,
    /// Signal of each pattern.
    kinds: Vec<Signal>,
}

static MATCHER: LazyLock<Matcher> = LazyLock::new(|| {
    let mut patterns = Vec::new();
    let mut kinds = Vec::new();
    for (kind, phrases) in PHRASES {
        for p in *phrases {
            patterns.push(*p);
            kinds.push(*kind);
        }
    }
    let automaton = AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::LeftmostLongest)
        .build(&patterns)
        .unwrap_or_else(|e| panic!("the signal phrases are a valid automaton: {e}"));
    Matcher { automaton, kinds }
});

/// One signal seen in one text: where, for a quote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    pub signal: Signal,
    pub start: usize,
    pub end: usize,
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

/// The signals in `text`, each at most once (its first place), plus money amounts
/// ("$5,000", "£300", "6k dollars") as budget.
pub fn scan(text: &str) -> Vec<Hit> {
    let m = &*MATCHER;
    let bytes = text.as_bytes();
    let mut seen = [false; Signal::ALL.len()];
    let mut hits = Vec::new();
    for found in m.automaton.find_iter(text) {
        let (s, e) = (found.start(), found.end());
        let pattern = found.pattern().as_usize();
        // A phrase ending in a symbol ("up to $") needs no boundary after it.
        let last = bytes[e - 1];
        let before_ok = s == 0 || !is_word_byte(bytes[s - 1]);
        let after_ok = !is_word_byte(last) || e == bytes.len() || !is_word_byte(bytes[e]);
        if !(before_ok && after_ok) {
            continue;
        }
        let kind = m.kinds[pattern];
        if !seen[kind.index()] {
            seen[kind.index()] = true;
            hits.push(Hit {
                signal: kind,
                start: s,
                end: e,
            });
        }
    }
    if !seen[Signal::Budget.index()] {
        if let Some((s, e)) = money(text) {
            hits.push(Hit {
                signal: Signal::Budget,
                start: s,
                end: e,
            });
        }
    }
    hits
}

/// The first money amount: a currency sign before digits.
fn money(text: &str) -> Option<(usize, usize)> {
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if matches!(c, '$' | '€' | '£') {
            if let Some(&(j, d)) = chars.peek() {
                if d.is_ascii_digit() {
                    let end = text[j..]
                        .find(|ch: char| !(ch.is_ascii_digit() || ch == ',' || ch == '.'))
                        .map_or(text.len(), |k| j + k);
                    return Some((i, end));
                }
            }
        }
    }
    None
}

/// A short quote around a hit: the words nearby, at most ~70 characters, on one line.
pub fn quote(text: &str, hit: &Hit) -> String {
    const SIDE: usize = 32;
    let floor = |mut i: usize| {
        while !text.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let mut from = floor(hit.start.saturating_sub(SIDE));
    let mut to = floor((hit.end + SIDE).min(text.len()));
    // Keep whole words and stay inside the sentence.
    if from > 0 {
        if let Some(k) = text[from..hit.start].find(' ') {
            from += k + 1;
        }
    }
    if let Some(k) = text[from..hit.start].rfind(['.', '!', '?', '\n']) {
        from += k + 1;
    }
    if to < text.len() {
        if let Some(k) = text[hit.end..to].rfind(' ') {
            to = hit.end + k;
        }
    }
    if let Some(k) = text[hit.end..to].find(['.', '!', '?', '\n']) {
        to = hit.end + k;
    }
    let words: Vec<&str> = text[from..to].split_whitespace().collect();
    let mut out = words.join(" ");
    if from > 0 && !text[..from].trim_end().ends_with(['.', '!', '?']) {
        out.insert(0, '…');
    }
    if to < text.len() && !text[to..].trim_start().starts_with(['.', '!', '?']) {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<Signal> {
        let mut k: Vec<_> = scan(text).into_iter().map(|h| h.signal).collect();
        k.sort();
        k
    }

    #[test]
    fn finds_each_signal_as_whole_words() {
        assert_eq!(kinds("Our budget is around 6,000"), [Signal::Budget]);
        assert_eq!(kinds("We can pay $5,000 for it"), [Signal::Budget]);
        assert_eq!(
            kinds("We need it done before the holidays"),
            [Signal::Timeline]
        );
        assert_eq!(kinds("This is URGENT"), [Signal::Urgency]);
        assert_eq!(
            kinds("I am the owner and need it quickly"),
            [Signal::Urgency, Signal::DecisionMaker]
        );
        assert_eq!(
            kinds("Another contractor quoted less"),
            [Signal::Competitor]
        );
        assert_eq!(kinds("How much would that cost?"), [Signal::Pricing]);
        assert_eq!(kinds("Is it compatible with 100 amp?"), [Signal::Technical]);
        assert_eq!(kinds("The heater stopped working"), [Signal::Support]);
        // Whole words only: "costume", "prices" inside "apricesx", "soonest" are not hits.
        assert!(kinds("a costume party, apricesx, soonest").is_empty());
        assert!(kinds("").is_empty());
        assert!(kinds("Thanks, see you").is_empty());
    }

    #[test]
    fn each_signal_counts_once_per_text() {
        let hits = scan("price? price! what price");
        assert_eq!(hits.len(), 1);
        assert_eq!((hits[0].start, hits[0].end), (0, 5));
    }

    #[test]
    fn quotes_stay_short_whole_worded_and_in_their_sentence() {
        let text = "Hello there. We are remodeling our upstairs bathroom and need the plumbing moved. Our budget is around 6,000 dollars and we would like it done before the holidays. Thanks!";
        let hit = scan(text)
            .into_iter()
            .find(|h| h.signal == Signal::Budget)
            .unwrap();
        let q = quote(text, &hit);
        assert!(q.starts_with("Our budget is around"), "{q}");
        assert!(q.chars().count() <= 72, "{q}");
        assert!(!q.contains("plumbing"), "{q}");
        // Multi-byte text near the edges does not split a character.
        let text = "éééééééééééééééééééééééééééééé price ééééééééééééééééééééééééééééééééé";
        let hit = scan(text)[0];
        assert!(quote(text, &hit).contains("price"));
    }
}
