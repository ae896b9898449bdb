//! Sentiment for whole customer messages and calls, on top of the VADER port.
//!
//! Why this layer: VADER is tuned for one sentence. Fed a whole email it scores the quoted
//! history, the signature and "Sent from my iPhone" too, its compound saturates towards ±1 as
//! valences add up, and every '!' in the text amplifies every sentence. So the CRM first keeps
//! only what the customer wrote ([`strip_email_noise`], [`customer_turns`]), then scores
//! sentence by sentence and averages ([`score_text`]). All functions are pure.

use super::vader::{polarity_scores, polarity_scores_with_hits};

/// The coarse label shown in the UI, with VADER's customary ±0.05 thresholds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Label {
    /// compound ≥ 0.05
    Positive,
    /// compound ≤ -0.05
    Negative,
    /// Anything in between (and NaN).
    Neutral,
}

/// Labels a compound score: Positive at ≥ 0.05, Negative at ≤ -0.05, Neutral otherwise.
pub fn label(compound: f64) -> Label {
    if compound >= 0.05 {
        Label::Positive
    } else if compound <= -0.05 {
        Label::Negative
    } else {
        Label::Neutral
    }
}

/// Scores a text, or `None` when it is empty or only whitespace.
///
/// The rule: a text that is one sentence (per [`split_sentences`]) gets VADER's compound. A
/// longer text gets the plain mean of the compounds of its sentences *that carry sentiment*
/// (at least one word with a non-zero valence), so "Order #4521." or "See you Tuesday." do not
/// pull an angry email towards neutral. If no sentence carries sentiment, the compound of the
/// whole text is used. The mean is not rounded.
pub fn score_text(text: &str) -> Option<f64> {
    if text.trim().is_empty() {
        return None;
    }
    let sentences = split_sentences(text);
    if sentences.len() <= 1 {
        return Some(polarity_scores(text).compound);
    }
    let mut sum = 0.0;
    let mut count = 0u32;
    for sentence in sentences {
        let (scores, hit) = polarity_scores_with_hits(sentence);
        if hit {
            sum += scores.compound;
            count += 1;
        }
    }
    if count == 0 {
        Some(polarity_scores(text).compound)
    } else {
        Some(sum / f64::from(count))
    }
}

/// Splits text into trimmed, non-empty sentences (slices of `text`).
///
/// A sentence ends at a line break, or at a run of `.`, `!`, `?` or `…` (plus closing quotes
/// or brackets) followed by whitespace or the end of the text, so "Great!!!" stays whole. A
/// single '.' after a title or Latin abbreviation ("Mr.", "Dr.", "e.g.", "vs."), an initial
/// ("J. Smith"), a dotted abbreviation ("a.m.") or "No."/"Nr." before a number does not end a
/// sentence; an ellipsis followed by a lower-case word does not either. Decimals ("3.5") and
/// URLs never split, since no whitespace follows their dots.
pub fn split_sentences(text: &str) -> Vec<&str> {
    fn push<'t>(sentences: &mut Vec<&'t str>, piece: &'t str) {
        let piece = piece.trim();
        if !piece.is_empty() {
            sentences.push(piece);
        }
    }
    let mut sentences = Vec::new();
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((idx, c)) = chars.next() {
        if c == '\n' {
            push(&mut sentences, text.get(start..idx).unwrap_or(""));
            start = idx + 1;
            continue;
        }
        if !is_terminator(c) {
            continue;
        }
        let mut end = idx + c.len_utf8();
        let mut run_len = 1;
        let mut only_dots = c == '.';
        while let Some(&(j, d)) = chars.peek() {
            if !is_terminator(d) {
                break;
            }
            only_dots &= d == '.';
            run_len += 1;
            end = j + d.len_utf8();
            chars.next();
        }
        while let Some(&(j, d)) = chars.peek() {
            if !is_closer(d) {
                break;
            }
            end = j + d.len_utf8();
            chars.next();
        }
        let rest = text.get(end..).unwrap_or("");
        if rest.chars().next().is_some_and(|n| !n.is_whitespace()) {
            continue;
        }
        if only_dots
            && run_len == 1
            && ends_with_abbreviation(text.get(start..idx).unwrap_or(""), rest)
        {
            continue;
        }
        let ellipsis = c == '…' || (only_dots && run_len > 1);
        if ellipsis && next_word_is_lowercase(rest) {
            continue;
        }
        push(&mut sentences, text.get(start..end).unwrap_or(""));
        start = end;
    }
    push(&mut sentences, text.get(start..).unwrap_or(""));
    sentences
}

fn is_terminator(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | '…')
}

fn is_closer(c: char) -> bool {
    matches!(c, '"' | '\'' | ')' | ']' | '”' | '’' | '»')
}

/// Abbreviations that (almost) never end a sentence.
const ABBREVIATIONS: [&str; 14] = [
    "mr", "mrs", "ms", "dr", "prof", "st", "jr", "sr", "vs", "cf", "approx", "mt", "ft", "ca",
];

/// Whether the word just before a single '.' is an abbreviation rather than a sentence end.
fn ends_with_abbreviation(before: &str, rest: &str) -> bool {
    let word = before
        .rsplit(char::is_whitespace)
        .next()
        .unwrap_or("")
        .trim_start_matches(['(', '[', '"', '\'', '“', '‘']);
    let mut letters = word.chars();
    if let (Some(first), None) = (letters.next(), letters.next()) {
        return first.is_uppercase();
    }
    // Dotted abbreviations ("e.g", "a.m", "Ph.D") but not domains ("example.com").
    let short_part = |part: &str| {
        (1..=2).contains(&part.chars().count()) && part.chars().all(char::is_alphabetic)
    };
    if word.contains('.') && word.split('.').all(short_part) {
        return true;
    }
    let lower = word.to_lowercase();
    if lower == "no" || lower == "nr" {
        return rest.trim_start().starts_with(|c: char| c.is_ascii_digit());
    }
    ABBREVIATIONS.contains(&lower.as_str())
}

fn next_word_is_lowercase(rest: &str) -> bool {
    let rest = rest.trim_start_matches([' ', '\t']);
    rest.chars().next().is_some_and(char::is_lowercase)
}

/// Keeps what the sender wrote in an email body: drops quoted lines ("> ..."), and cuts at the
/// first reply header (`On <date>, X wrote:`, also wrapped over up to three lines, and the
/// German/French forms), "-----Original Message-----" / forwarded-message markers, an Outlook
/// "From:" + "Sent:" header block, a signature delimiter ("-- "), or a mobile sign-off
/// ("Sent from my iPhone", "Get Outlook for Android"). A closing valediction ("Best regards,",
/// "Thanks,") followed by at most four short lines (name, company, phone) is dropped too,
/// since its pleasantry would make every email look positive. Lines are right-trimmed and
/// joined with '\n'.
pub fn strip_email_noise(body: &str) -> String {
    let lines: Vec<&str> = body.lines().collect();
    let mut kept: Vec<&str> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let trimmed = line.trim();
        if starts_block_to_cut(lines.get(i..).unwrap_or_default()) {
            break;
        }
        if trimmed.starts_with('>') {
            continue;
        }
        kept.push(line.trim_end());
    }
    if let Some(cut) = valediction_start(&kept) {
        kept.truncate(cut);
    }
    kept.join("\n").trim().to_string()
}

/// Whether `lines[0]` starts quoted history, a forwarded message or a signature.
fn starts_block_to_cut(lines: &[&str]) -> bool {
    let Some(first) = lines.first() else {
        return false;
    };
    if first.trim_end() == "--" {
        return true;
    }
    let trimmed = first.trim();
    let lower = trimmed.to_lowercase();
    if lower.starts_with("---")
        && (lower.contains("original message") || lower.contains("forwarded message"))
    {
        return true;
    }
    if lower == "begin forwarded message:" {
        return true;
    }
    // Outlook's rule line above a quoted header block.
    if trimmed.len() >= 10
        && trimmed.chars().all(|c| c == '_')
        && lines
            .iter()
            .skip(1)
            .find(|l| !l.trim().is_empty())
            .is_some_and(|l| l.trim_start().starts_with("From:"))
    {
        return true;
    }
    if is_mobile_signoff(&lower) {
        return true;
    }
    if is_reply_header(lines) {
        return true;
    }
    // Outlook: "From: X" then, within a few lines, `Sent: <date>`.
    lower.starts_with("from:")
        && lines.iter().skip(1).take(4).any(|l| {
            let l = l.trim().to_lowercase();
            l.starts_with("sent:") || l.starts_with("date:")
        })
}

fn is_mobile_signoff(lower: &str) -> bool {
    let prefixes = ["sent from ", "sent via ", "get outlook for "];
    prefixes.iter().any(|p| lower.starts_with(p)) && lower.split_whitespace().count() <= 8
}

/// `On <date>, X wrote:` (possibly wrapped over three lines), `Am ... schrieb <address>:`,
/// "Le ... a écrit :" with an address, or any line ending in "wrote:" right before quoted text.
fn is_reply_header(lines: &[&str]) -> bool {
    let Some(first) = lines.first() else {
        return false;
    };
    let first = first.trim();
    let mut joined = String::new();
    for line in lines.iter().take(3) {
        if !joined.is_empty() {
            joined.push(' ');
        }
        joined.push_str(line.trim());
        let english = first.starts_with("On ") && joined.ends_with("wrote:");
        // "Am Montag schrieb ich Ihnen:" is prose; the client headers carry the address.
        let german = first.starts_with("Am ") && joined.contains(" schrieb ");
        let french = first.starts_with("Le ") && joined.contains(" a écrit");
        let foreign = (german || french) && joined.contains('@') && joined.ends_with(':');
        if english || foreign {
            return true;
        }
    }
    first.ends_with("wrote:")
        && lines
            .iter()
            .skip(1)
            .find(|l| !l.trim().is_empty())
            .is_some_and(|l| l.trim_start().starts_with('>'))
}

/// Index of a closing valediction near the end of `lines`, if what follows it looks like a
/// signature (at most four non-empty lines of at most 60 characters) and something precedes it.
fn valediction_start(lines: &[&str]) -> Option<usize> {
    const CLOSINGS: [&str; 20] = [
        "regards",
        "best regards",
        "kind regards",
        "warm regards",
        "best wishes",
        "best",
        "cheers",
        "thanks",
        "thank you",
        "many thanks",
        "thanks again",
        "sincerely",
        "yours sincerely",
        "yours truly",
        "yours",
        "all the best",
        "take care",
        "talk soon",
        "warmly",
        "respectfully",
    ];
    let non_empty: Vec<usize> = (0..lines.len())
        .filter(|&i| !lines[i].trim().is_empty())
        .collect();
    for (rank, &i) in non_empty.iter().rev().enumerate().take(5) {
        let lower = lines[i].trim().trim_end_matches(',').to_lowercase();
        if !CLOSINGS.contains(&lower.as_str()) {
            continue;
        }
        let tail_ok = non_empty[non_empty.len() - rank..]
            .iter()
            .all(|&j| lines[j].trim().chars().count() <= 60);
        let has_body = non_empty.first().is_some_and(|&first| first < i);
        if tail_ok && has_body {
            return Some(i);
        }
    }
    None
}

/// Keeps the customer's side of a voice-AI (VAPI) transcript such as
/// `"AI: Hello!\nUser: My order is late."`: lines labelled "User:" or "Customer:" are kept
/// without the label, lines labelled "AI:", "Assistant:" or "Bot:" are dropped, and an
/// unlabelled line belongs to the speaker before it (lines before any label are dropped).
/// Labels are matched case-insensitively. Kept lines are trimmed and joined with '\n'.
pub fn customer_turns(transcript: &str) -> String {
    let mut kept: Vec<&str> = Vec::new();
    let mut customer_speaking = false;
    for line in transcript.lines() {
        let mut content = line.trim();
        if let Some((speaker, rest)) = content.split_once(':') {
            match speaker.trim().to_lowercase().as_str() {
                "user" | "customer" => {
                    customer_speaking = true;
                    content = rest.trim();
                }
                "ai" | "assistant" | "bot" => customer_speaking = false,
                _ => {}
            }
        }
        if customer_speaking && !content.is_empty() {
            kept.push(content);
        }
    }
    kept.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_use_the_customary_thresholds() {
        assert_eq!(label(0.05), Label::Positive);
        assert_eq!(label(0.9), Label::Positive);
        assert_eq!(label(-0.05), Label::Negative);
        assert_eq!(label(0.0499), Label::Neutral);
        assert_eq!(label(-0.0499), Label::Neutral);
        assert_eq!(label(f64::NAN), Label::Neutral);
    }

    #[test]
    fn splits_sentences_without_breaking_abbreviations_or_numbers() {
        assert_eq!(
            split_sentences("Great job!!! Thanks. Really?! Yes"),
            ["Great job!!!", "Thanks.", "Really?!", "Yes"]
        );
        assert_eq!(
            split_sentences("Mr. Smith paid $3.50, e.g. cash. Dr. Who said no."),
            ["Mr. Smith paid $3.50, e.g. cash.", "Dr. Who said no."]
        );
        assert_eq!(
            split_sentences("See www.example.com now. Ok"),
            ["See www.example.com now.", "Ok"]
        );
        assert_eq!(
            split_sentences("J. Smith called. No. 5 is fine."),
            ["J. Smith called.", "No. 5 is fine."]
        );
        assert_eq!(
            split_sentences("No. I don't want it."),
            ["No.", "I don't want it."]
        );
        assert_eq!(
            split_sentences("line one\nline two\r\n\nthree"),
            ["line one", "line two", "three"]
        );
        assert_eq!(
            split_sentences("He said \"wow!\" Then left."),
            ["He said \"wow!\"", "Then left."]
        );
        assert_eq!(
            split_sentences("I waited... and waited... Nothing."),
            ["I waited... and waited...", "Nothing."]
        );
        assert_eq!(split_sentences("open 9 a.m. daily"), ["open 9 a.m. daily"]);
        assert_eq!(
            split_sentences("See example.com. Then call."),
            ["See example.com.", "Then call."]
        );
        assert!(split_sentences("  \n ").is_empty());
    }

    #[test]
    fn scores_texts_by_mean_of_sentiment_bearing_sentences() {
        assert_eq!(score_text(""), None);
        assert_eq!(score_text(" \n\t"), None);
        assert_eq!(
            score_text("The book was good."),
            Some(polarity_scores("The book was good.").compound)
        );
        // Neutral sentences do not dilute the mean.
        let text = "Order 4521 arrived. The box was damaged. I am angry.";
        let want = (polarity_scores("The box was damaged.").compound
            + polarity_scores("I am angry.").compound)
            / 2.0;
        assert_eq!(score_text(text), Some(want));
        // No sentence with sentiment: the whole text's compound (0 here).
        assert_eq!(score_text("Order 4521. Tuesday at 10."), Some(0.0));
        assert_eq!(
            score_text("Great!!! Thanks."),
            Some(
                (polarity_scores("Great!!!").compound + polarity_scores("Thanks.").compound) / 2.0
            )
        );
    }

    #[test]
    fn strips_quotes_reply_headers_and_signatures() {
        let body = "Hi,\nThe repair failed again.\n\n\
            On Mon, Jan 5, 2026 at 9:14 AM Jane <jane@example.com> wrote:\n> Great news!\n> Thanks";
        assert_eq!(strip_email_noise(body), "Hi,\nThe repair failed again.");
        let wrapped =
            "Fine.\nOn Mon, Jan 5, 2026 at 9:14 AM Jane Doe <\njane@example.com> wrote:\n> hi";
        assert_eq!(strip_email_noise(wrapped), "Fine.");
        let inline = "I disagree.\n> You said it was fine\nIt was not.";
        assert_eq!(strip_email_noise(inline), "I disagree.\nIt was not.");
        let outlook =
            "Please call me.\r\n\r\n-----Original Message-----\r\nFrom: Support\r\nGreat offer!";
        assert_eq!(strip_email_noise(outlook), "Please call me.");
        let outlook2 = "Ok.\n________________________________\n\
            From: Shop <a@b.c>\nSent: Monday\nTo: me\nSubject: Sale";
        assert_eq!(strip_email_noise(outlook2), "Ok.");
        let sig = "Love it.\n-- \nJohn Smith\nThe best plumbers in town!";
        assert_eq!(strip_email_noise(sig), "Love it.");
        let mobile = "Running late, sorry.\n\nSent from my iPhone";
        assert_eq!(strip_email_noise(mobile), "Running late, sorry.");
        let closing =
            "The part is broken again.\nPlease advise.\n\nThanks,\nMark\nMark's Garage | 555-0134";
        assert_eq!(
            strip_email_noise(closing),
            "The part is broken again.\nPlease advise."
        );
        assert_eq!(strip_email_noise("Thanks,\nMark"), "Thanks,\nMark");
        let german = "Passt.\nAm 05.01.2026 um 09:14 schrieb Jane Doe <jane@example.com>:\n> Hallo";
        assert_eq!(strip_email_noise(german), "Passt.");
        let prose = "Am Montag schrieb ich Ihnen:\nDie Heizung ist kaputt.";
        assert_eq!(strip_email_noise(prose), prose);
        let prose = "Sent from the warehouse on Monday, the parcel should arrive by Friday.";
        assert_eq!(strip_email_noise(prose), prose);
    }

    #[test]
    fn keeps_only_the_customer_side_of_a_transcript() {
        let transcript = "AI: Thanks for calling, how can I help?\n\
            User: My boiler is broken.\nIt is freezing here.\n\
            AI: I'm sorry to hear that.\nassistant: Let me book a visit.\nnot the customer\n\
            Customer: Thank you!\nBot: Bye\nUser:\n";
        assert_eq!(
            customer_turns(transcript),
            "My boiler is broken.\nIt is freezing here.\nThank you!"
        );
        assert_eq!(customer_turns("Hello there\nAI: hi"), "");
        assert_eq!(
            customer_turns("USER: Note: call back later"),
            "Note: call back later"
        );
    }
}
