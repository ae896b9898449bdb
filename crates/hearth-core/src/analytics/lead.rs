//! The lead score: 0–100, the sum of the factors the seeds name (seed 000's business fit
//! and behaviour, seed 003's chat rules), each stored with its points and a reason a person
//! can check ("budget mentioned: “Our budget is around 6,000 dollars”"). Weights are the
//! business's to change. Tiers: hot ≥ 80, warm 60–79, cold below.

use hearth_types::{Channel, Direction, LeadFactor, LeadWeights, Tier};

use super::facts::{ago, Facts};
use super::signals::Signal;

/// Days without a message or call from them before "gone quiet" applies.
pub const QUIET_DAYS: i64 = 60;
/// Their median reply time that counts as fast.
const FAST_REPLY_MS: i64 = 4 * 3_600_000;
/// A call this long shows real interest (seed 003: 2+ minutes).
const LONG_CALL_MS: i64 = 120_000;
const DAY_MS: i64 = 86_400_000;

/// A computed score.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeadScore {
    pub score: i64,
    pub tier: Tier,
    /// Biggest contribution first.
    pub factors: Vec<LeadFactor>,
}

/// Scores a contact at `now` (UTC ms).
pub fn score(
    f: &Facts,
    w: &LeadWeights,
    their_median_reply_ms: Option<i64>,
    now: i64,
) -> LeadScore {
    let mut factors = Vec::new();
    let mut add = |key: &str, points: i64, reason: String| {
        if points != 0 {
            factors.push(LeadFactor {
                key: key.to_owned(),
                points,
                reason,
            });
        }
    };
    if w.base != 0 {
        add("base", w.base, "starting score".into());
    }
    match (f.has_email, f.has_phone) {
        (true, true) => add(
            "contact_details",
            w.contact_details,
            "email and phone known".into(),
        ),
        (true, false) => add("contact_details", w.contact_details, "email known".into()),
        (false, true) => add("contact_details", w.contact_details, "phone known".into()),
        (false, false) => {}
    }
    if let Some(company) = &f.company {
        add(
            "company_known",
            w.company_known,
            format!("works at {company}"),
        );
    }
    let said = |s: Signal, what: &str| {
        f.signal(s).map(|seen| {
            let times = if seen.count > 1 {
                format!(" ({} times)", seen.count)
            } else {
                String::new()
            };
            format!("{what}{times}: “{}”", seen.quote)
        })
    };
    for (key, signal, weight, what) in [
        ("budget", Signal::Budget, w.budget, "budget mentioned"),
        ("timeline", Signal::Timeline, w.timeline, "timeline given"),
        ("urgency", Signal::Urgency, w.urgency, "urgent"),
        (
            "decision_maker",
            Signal::DecisionMaker,
            w.decision_maker,
            "decision maker",
        ),
        (
            "competitor",
            Signal::Competitor,
            w.competitor,
            "comparing with others",
        ),
        (
            "pricing_questions",
            Signal::Pricing,
            w.pricing_questions,
            "asked about pricing",
        ),
        (
            "technical_questions",
            Signal::Technical,
            w.technical_questions,
            "technical questions",
        ),
    ] {
        if let Some(reason) = said(signal, what) {
            add(key, weight, reason);
        }
    }
    let exchanged = f.touches.iter().filter(|t| t.is_conversation()).count();
    if exchanged >= 5 {
        add(
            "messages_5plus",
            w.messages_5plus,
            format!("{exchanged} messages and calls exchanged"),
        );
    }
    if let Some(ms) = their_median_reply_ms.filter(|ms| *ms <= FAST_REPLY_MS) {
        add(
            "fast_replies",
            w.fast_replies,
            format!("replies within {} min (median)", (ms / 60_000).max(1)),
        );
    }
    let longest_call = f
        .touches
        .iter()
        .filter(|t| matches!(t.channel, Channel::Call | Channel::VoiceAi))
        .filter_map(|t| t.duration_ms)
        .max();
    if let Some(ms) = longest_call.filter(|ms| *ms >= LONG_CALL_MS) {
        add(
            "long_call",
            w.long_call,
            format!("a {} min call", ms / 60_000),
        );
    }
    if let Some(s) = &f.sentiment {
        if s.label == "positive" {
            add(
                "positive_sentiment",
                w.positive_sentiment,
                format!("positive sentiment ({:+.2})", s.score),
            );
        } else if s.label == "negative" {
            add(
                "negative_sentiment",
                -w.negative_sentiment,
                format!("negative sentiment ({:+.2})", s.score),
            );
        }
    }
    match f.last(Direction::Inbound) {
        Some(at) if now - at > QUIET_DAYS * DAY_MS => add(
            "gone_quiet",
            -w.gone_quiet,
            format!("last heard from {}", ago(now - at)),
        ),
        _ => {}
    }
    let total: i64 = factors.iter().map(|f| f.points).sum();
    let score = total.clamp(0, 100);
    factors.sort_by(|a, b| b.points.cmp(&a.points).then(a.key.cmp(&b.key)));
    LeadScore {
        score,
        tier: Tier::of(score),
        factors,
    }
}

/// The two or three biggest reasons, for a notification or the tray.
pub fn headline(factors: &[LeadFactor]) -> String {
    factors
        .iter()
        .filter(|f| f.points > 0 && f.key != "base")
        .take(3)
        .map(|f| f.reason.split(':').next().unwrap_or(&f.reason).to_owned())
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use hearth_types::ContactSentiment;

    use super::*;
    use crate::analytics::facts::{Seen, Touch};

    const NOW: i64 = 1_000 * DAY_MS;

    fn seen(quote: &str) -> Seen {
        Seen {
            count: 1,
            last_at: NOW - DAY_MS,
            quote: quote.into(),
        }
    }

    fn touch(days_ago: i64, channel: Channel, direction: Direction) -> Touch {
        Touch {
            at: NOW - days_ago * DAY_MS,
            channel,
            direction,
            duration_ms: None,
        }
    }

    fn points(s: &LeadScore, key: &str) -> Option<i64> {
        s.factors.iter().find(|f| f.key == key).map(|f| f.points)
    }

    #[test]
    fn an_unknown_contact_scores_zero_and_is_cold() {
        let s = score(&Facts::new(1, "x"), &LeadWeights::default(), None, NOW);
        assert_eq!((s.score, s.tier, s.factors.len()), (0, Tier::Cold, 0));
    }

    #[test]
    fn every_factor_adds_its_weight_with_a_reason() {
        let w = LeadWeights::default();
        let mut f = Facts::new(1, "Ann");
        f.has_email = true;
        let s = score(&f, &w, None, NOW);
        assert_eq!(points(&s, "contact_details"), Some(20));
        assert_eq!(s.factors[0].reason, "email known");
        f.has_phone = true;
        assert_eq!(
            score(&f, &w, None, NOW).factors[0].reason,
            "email and phone known"
        );
        f.company = Some("Acme".into());
        let s = score(&f, &w, None, NOW);
        assert_eq!(points(&s, "company_known"), Some(15));
        assert_eq!(s.score, 35);
        for (signal, key, pts) in [
            (Signal::Budget, "budget", 20),
            (Signal::Timeline, "timeline", 15),
            (Signal::Urgency, "urgency", 10),
            (Signal::DecisionMaker, "decision_maker", 25),
            (Signal::Competitor, "competitor", 10),
            (Signal::Pricing, "pricing_questions", 10),
            (Signal::Technical, "technical_questions", 5),
        ] {
            let mut g = Facts::new(1, "x");
            g.signals.insert(signal, seen("the words"));
            let s = score(&g, &w, None, NOW);
            assert_eq!((points(&s, key), s.score), (Some(pts), pts), "{key}");
            assert!(
                s.factors[0].reason.ends_with("“the words”"),
                "{:?}",
                s.factors
            );
        }
        // Support needs are not a buying signal.
        let mut g = Facts::new(1, "x");
        g.signals.insert(Signal::Support, seen("broken"));
        assert_eq!(score(&g, &w, None, NOW).score, 0);
    }

    #[test]
    fn conversation_length_speed_and_calls_count() {
        let w = LeadWeights::default();
        let mut f = Facts::new(1, "x");
        for d in 0..4 {
            f.touches
                .push(touch(10 - d, Channel::Email, Direction::Inbound));
        }
        f.touches.push(touch(1, Channel::Note, Direction::Internal));
        assert_eq!(points(&score(&f, &w, None, NOW), "messages_5plus"), None);
        f.touches.push(touch(0, Channel::Sms, Direction::Outbound));
        let s = score(&f, &w, None, NOW);
        assert_eq!(points(&s, "messages_5plus"), Some(10));
        assert_eq!(
            points(&score(&f, &w, Some(3_600_000), NOW), "fast_replies"),
            Some(10)
        );
        assert_eq!(
            points(&score(&f, &w, Some(5 * 3_600_000), NOW), "fast_replies"),
            None
        );
        f.touches.push(Touch {
            duration_ms: Some(119_000),
            ..touch(0, Channel::VoiceAi, Direction::Inbound)
        });
        assert_eq!(points(&score(&f, &w, None, NOW), "long_call"), None);
        f.touches.push(Touch {
            duration_ms: Some(185_000),
            ..touch(0, Channel::Call, Direction::Inbound)
        });
        let s = score(&f, &w, None, NOW);
        assert_eq!(points(&s, "long_call"), Some(5));
        assert!(s.factors.iter().any(|f| f.reason == "a 3 min call"));
    }

    #[test]
    fn sentiment_and_silence_take_points_away_and_the_score_stays_in_range() {
        let w = LeadWeights::default();
        let mut f = Facts::new(1, "x");
        f.has_email = true;
        let feel = |score: f64, label: &str| ContactSentiment {
            score,
            label: label.into(),
            trend: "stable".into(),
            recent: None,
            earlier: None,
            scored: 3,
        };
        f.sentiment = Some(feel(0.6, "positive"));
        assert_eq!(score(&f, &w, None, NOW).score, 30);
        f.sentiment = Some(feel(-0.6, "negative"));
        assert_eq!(score(&f, &w, None, NOW).score, 5);
        f.touches
            .push(touch(61, Channel::Email, Direction::Inbound));
        let s = score(&f, &w, None, NOW);
        assert_eq!((s.score, points(&s, "gone_quiet")), (0, Some(-30)));
        assert!(s
            .factors
            .iter()
            .any(|f| f.reason == "last heard from 2 months ago"));
        // Everything at once is capped at 100 and hot.
        let mut g = Facts::new(1, "x");
        g.has_email = true;
        g.company = Some("A".into());
        for s in Signal::ALL {
            g.signals.insert(s, seen("q"));
        }
        let s = score(&g, &w, None, NOW);
        assert_eq!((s.score, s.tier), (100, Tier::Hot));
    }

    #[test]
    fn weights_change_the_score_and_tiers_follow() {
        let mut w = LeadWeights::default();
        let mut f = Facts::new(1, "x");
        f.signals.insert(Signal::Budget, seen("budget"));
        w.set("budget", 65).unwrap();
        assert_eq!(score(&f, &w, None, NOW).tier, Tier::Warm);
        w.set("budget", 80).unwrap();
        assert_eq!(score(&f, &w, None, NOW).tier, Tier::Hot);
        w.set("base", 10).unwrap();
        assert_eq!(score(&f, &w, None, NOW).score, 90);
        assert!(w.set("budget", 101).is_err());
        assert!(w.set("vibes", 1).unwrap_err().contains("known: base"));
    }

    #[test]
    fn headline_names_the_biggest_reasons_without_quotes() {
        let mut f = Facts::new(1, "x");
        f.has_email = true;
        f.signals
            .insert(Signal::DecisionMaker, seen("I am the owner"));
        f.signals.insert(Signal::Budget, seen("budget of 5k"));
        let s = score(&f, &LeadWeights::default(), None, NOW);
        assert_eq!(
            headline(&s.factors),
            "decision maker, budget mentioned, email known"
        );
    }
}
