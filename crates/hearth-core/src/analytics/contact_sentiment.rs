//! A contact's sentiment from their interactions' scores: a recency-weighted mean (an
//! interaction weighs half as much per 30 days of age, so last week's complaint outweighs
//! last year's praise) and a trend comparing the newest third of the scored interactions
//! with the rest. "Needs attention" and the next best action read the trend.

use hearth_types::ContactSentiment;

use super::sentiment::{label, Label};

/// Days for an interaction's weight to halve.
const HALF_LIFE_DAYS: f64 = 30.0;
/// A difference of means beyond this is a trend.
const TREND_STEP: f64 = 0.15;
/// Fewer scored interactions than this give no trend.
const TREND_MIN: usize = 4;

/// `points` are (occurred at, score), oldest first; `now` in UTC ms.
pub fn contact_sentiment(points: &[(i64, f64)], now: i64) -> Option<ContactSentiment> {
    if points.is_empty() {
        return None;
    }
    let (mut sum, mut weights) = (0.0, 0.0);
    for (at, score) in points {
        let age_days = ((now - at).max(0) as f64) / 86_400_000.0;
        let w = 0.5f64.powf(age_days / HALF_LIFE_DAYS);
        sum += w * score;
        weights += w;
    }
    let score = if weights > 0.0 { sum / weights } else { 0.0 };
    let mean = |s: &[(i64, f64)]| s.iter().map(|p| p.1).sum::<f64>() / s.len() as f64;
    let (trend, recent, earlier) = if points.len() < TREND_MIN {
        ("too few", None, None)
    } else {
        let split = points.len() - (points.len() / 3).max(2);
        let (old, new) = points.split_at(split);
        let (recent, earlier) = (mean(new), mean(old));
        let trend = if recent - earlier > TREND_STEP {
            "improving"
        } else if earlier - recent > TREND_STEP {
            "declining"
        } else {
            "stable"
        };
        (trend, Some(recent), Some(earlier))
    };
    Some(ContactSentiment {
        score,
        label: match label(score) {
            Label::Positive => "positive",
            Label::Negative => "negative",
            Label::Neutral => "neutral",
        }
        .into(),
        trend: trend.into(),
        recent,
        earlier,
        scored: points.len() as i64,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = 86_400_000;

    #[test]
    fn recent_words_weigh_most_and_trends_need_enough_of_them() {
        let now = 400 * DAY;
        assert_eq!(contact_sentiment(&[], now), None);
        // Praise a year ago, a complaint yesterday: negative overall.
        let s = contact_sentiment(&[(35 * DAY, 0.9), (399 * DAY, -0.6)], now).unwrap();
        assert!(s.score < -0.5, "{s:?}");
        assert_eq!(
            (s.label.as_str(), s.trend.as_str()),
            ("negative", "too few")
        );
        // Same-day scores average plainly.
        let s = contact_sentiment(&[(now, 0.2), (now, 0.4)], now).unwrap();
        assert!((s.score - 0.3).abs() < 1e-12);
        let declining: Vec<(i64, f64)> = [0.8, 0.7, 0.6, 0.5, -0.4, -0.5]
            .iter()
            .enumerate()
            .map(|(i, s)| (i as i64 * DAY, *s))
            .collect();
        let s = contact_sentiment(&declining, 10 * DAY).unwrap();
        assert_eq!(s.trend, "declining");
        assert!(
            (s.recent.unwrap() + 0.45).abs() < 1e-12 && (s.earlier.unwrap() - 0.65).abs() < 1e-12
        );
        let improving: Vec<(i64, f64)> = declining.iter().map(|(t, s)| (*t, -s)).collect();
        assert_eq!(
            contact_sentiment(&improving, 10 * DAY).unwrap().trend,
            "improving"
        );
        let flat: Vec<(i64, f64)> = (0..6).map(|i| (i * DAY, 0.3 + 0.01 * i as f64)).collect();
        let s = contact_sentiment(&flat, 10 * DAY).unwrap();
        assert_eq!((s.label.as_str(), s.trend.as_str()), ("positive", "stable"));
    }
}
