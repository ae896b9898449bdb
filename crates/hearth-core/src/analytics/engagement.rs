//! Engagement metrics (seeds 000 and 003): response rate, median response times both ways,
//! preferred channel, best contact hours in the contact's time zone, data completeness.

use std::collections::BTreeMap;

use chrono::{DateTime, Timelike};
use chrono_tz::Tz;
use hearth_types::{Channel, Direction, Engagement};

use super::facts::Facts;

/// Replies later than this are not "answers" (a message a month later is a new thread).
const ANSWER_WINDOW_MS: i64 = 14 * 86_400_000;

fn median(mut v: Vec<i64>) -> Option<i64> {
    if v.is_empty() {
        return None;
    }
    v.sort_unstable();
    let n = v.len();
    Some(if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2
    })
}

/// Metrics for a contact; `business_tz` when the contact has no (valid) time zone.
pub fn engagement(f: &Facts, business_tz: Tz) -> Engagement {
    let talk: Vec<_> = f.touches.iter().filter(|t| t.is_conversation()).collect();
    // Answers both ways: the first message of a run on one side, answered by the first of
    // the next run on the other side.
    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    let (mut waiting_in, mut waiting_out): (Option<i64>, Option<i64>) = (None, None);
    let (mut inbound_runs, mut answered) = (0usize, 0usize);
    let mut prev: Option<Direction> = None;
    for t in &talk {
        match t.direction {
            Direction::Inbound => {
                if prev != Some(Direction::Inbound) {
                    inbound_runs += 1;
                    waiting_in = Some(t.at);
                    if let Some(out) = waiting_out.take() {
                        if t.at - out <= ANSWER_WINDOW_MS {
                            theirs.push(t.at - out);
                        }
                    }
                }
            }
            Direction::Outbound => {
                if prev != Some(Direction::Outbound) {
                    waiting_out = Some(t.at);
                    if let Some(inb) = waiting_in.take() {
                        if t.at - inb <= ANSWER_WINDOW_MS {
                            answered += 1;
                            ours.push(t.at - inb);
                        }
                    }
                }
            }
            Direction::Internal => {}
        }
        prev = Some(t.direction);
    }
    let tz = f
        .time_zone
        .as_deref()
        .and_then(|z| z.parse::<Tz>().ok())
        .unwrap_or(business_tz);
    let mut by_channel: BTreeMap<Channel, (usize, i64)> = BTreeMap::new();
    let mut hours = [0usize; 24];
    for t in talk.iter().filter(|t| t.direction == Direction::Inbound) {
        let e = by_channel.entry(t.channel).or_default();
        e.0 += 1;
        e.1 = e.1.max(t.at);
        if let Some(at) = DateTime::from_timestamp_millis(t.at) {
            hours[at.with_timezone(&tz).hour() as usize] += 1;
        }
    }
    // Most used, then most recently used.
    let preferred_channel = by_channel
        .iter()
        .max_by_key(|(_, (n, last))| (*n, *last))
        .map(|(c, _)| *c);
    let mut ranked: Vec<(usize, u8)> = hours
        .iter()
        .enumerate()
        .filter(|(_, n)| **n > 0)
        .map(|(h, n)| (*n, h as u8))
        .collect();
    ranked.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let best_hours = ranked.into_iter().take(3).map(|(_, h)| h).collect();

    let named = !f.name.trim().is_empty()
        && !f.name.contains('@')
        && !f
            .name
            .trim_start_matches('+')
            .chars()
            .all(|c| c.is_ascii_digit() || c == ' ');
    let fields = [
        ("name", named),
        ("email", f.has_email),
        ("phone", f.has_phone),
        ("company", f.company.is_some()),
        ("time zone", f.time_zone.is_some()),
        ("notes", f.has_notes),
    ];
    let filled = fields.iter().filter(|(_, ok)| *ok).count();
    Engagement {
        response_rate: (inbound_runs > 0).then(|| answered as f64 / inbound_runs as f64),
        our_response_ms: median(ours),
        their_response_ms: median(theirs),
        preferred_channel,
        best_hours,
        time_zone: tz.name().to_owned(),
        completeness: (filled * 100 / fields.len()) as u8,
        missing: fields
            .iter()
            .filter(|(_, ok)| !*ok)
            .map(|(what, _)| (*what).to_owned())
            .collect(),
        longest_call_ms: f
            .touches
            .iter()
            .filter(|t| matches!(t.channel, Channel::Call | Channel::VoiceAi))
            .filter_map(|t| t.duration_ms)
            .max(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analytics::facts::Touch;

    const H: i64 = 3_600_000;

    fn t(at: i64, channel: Channel, direction: Direction) -> Touch {
        Touch {
            at,
            channel,
            direction,
            duration_ms: None,
        }
    }

    #[test]
    fn answers_are_timed_both_ways_and_runs_count_once() {
        use Channel::*;
        use Direction::*;
        let mut f = Facts::new(1, "Ann Lee");
        f.touches = vec![
            t(0, Email, Inbound),
            t(H, Email, Inbound),      // same run: not a second question
            t(3 * H, Email, Outbound), // we answered after 3 h
            t(3 * H + 1, Note, Internal),
            t(4 * H, Sms, Inbound),       // they answered after 1 h
            t(6 * H, Sms, Outbound),      // we answered after 2 h
            t(30 * 24 * H, Sms, Inbound), // unanswered
        ];
        let e = engagement(&f, Tz::UTC);
        assert_eq!(e.response_rate, Some(2.0 / 3.0));
        assert_eq!(e.our_response_ms, Some((3 * H + 2 * H) / 2));
        assert_eq!(e.their_response_ms, Some(H));
        // Two texts to two emails: most used wins, ties go to the most recent.
        assert_eq!(e.preferred_channel, Some(Sms));
        assert_eq!(e.best_hours, vec![0, 1, 4]);
        assert_eq!(e.completeness, 16);
        assert_eq!(
            e.missing,
            ["email", "phone", "company", "time zone", "notes"]
        );
    }

    #[test]
    fn late_replies_are_not_answers_and_silence_has_no_rate() {
        let mut f = Facts::new(1, "+14155550123");
        assert_eq!(engagement(&f, Tz::UTC).response_rate, None);
        f.touches = vec![
            t(0, Channel::Email, Direction::Inbound),
            t(15 * 24 * H, Channel::Email, Direction::Outbound),
        ];
        let e = engagement(&f, Tz::UTC);
        assert_eq!((e.response_rate, e.our_response_ms), (Some(0.0), None));
        assert!(
            e.missing.contains(&"name".to_owned()),
            "a bare number is no name"
        );
    }

    #[test]
    fn hours_are_in_the_contacts_zone_else_the_business_zone() {
        let mut f = Facts::new(1, "Bo");
        // 17:00 UTC, in January.
        let at = 1_767_286_800_000;
        f.touches = vec![t(at, Channel::Sms, Direction::Inbound)];
        assert_eq!(engagement(&f, Tz::UTC).best_hours, vec![17]);
        assert_eq!(engagement(&f, Tz::Europe__Paris).best_hours, vec![18]);
        f.time_zone = Some("America/New_York".into());
        let e = engagement(&f, Tz::Europe__Paris);
        assert_eq!(
            (e.best_hours, e.time_zone.as_str()),
            (vec![12], "America/New_York")
        );
        f.time_zone = Some("Mars/Olympus".into());
        assert_eq!(engagement(&f, Tz::UTC).time_zone, "UTC");
    }
}
