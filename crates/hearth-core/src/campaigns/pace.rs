//! How fast and when: a token bucket per channel, daily caps, and the send window in each
//! recipient's local time. Everything takes the time as an argument, so tests drive a clock.

use chrono::{Datelike, Duration, NaiveTime, TimeZone, Timelike};
use chrono_tz::Tz;
use hearth_types::{Pace, SendWindow};

/// A token bucket: `burst` tokens, refilled at `per_minute`.
#[derive(Debug, Clone, PartialEq)]
pub struct TokenBucket {
    capacity: f64,
    per_ms: f64,
    tokens: f64,
    at: i64,
}

impl TokenBucket {
    /// A bucket that already spent `recent` tokens (sends in the last minute, read from
    /// the ledger after a restart, so a crash does not grant a fresh burst).
    pub fn new(pace: Pace, now: i64, recent: u32) -> TokenBucket {
        let capacity = f64::from(pace.burst.max(1));
        TokenBucket {
            capacity,
            per_ms: f64::from(pace.per_minute.max(1)) / 60_000.0,
            tokens: (capacity - f64::from(recent)).max(0.0),
            at: now,
        }
    }

    fn refill(&mut self, now: i64) {
        if now > self.at {
            self.tokens = (self.tokens + (now - self.at) as f64 * self.per_ms).min(self.capacity);
            self.at = now;
        }
    }

    /// Takes a token, or says when the next one will be there.
    pub fn take(&mut self, now: i64) -> Result<(), i64> {
        self.refill(now);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            Ok(())
        } else {
            Err(now + ((1.0 - self.tokens) / self.per_ms).ceil() as i64)
        }
    }
}

fn parse_hhmm(s: &str) -> Option<NaiveTime> {
    NaiveTime::parse_from_str(s.trim(), "%H:%M").ok()
}

/// Checks a window: times readable, start before end, days 1..=7.
pub fn check_window(w: &SendWindow) -> Result<(), String> {
    let (Some(start), Some(end)) = (parse_hhmm(&w.start), parse_hhmm(&w.end)) else {
        return Err(format!(
            "send window {:?}-{:?}: times are HH:MM, e.g. 09:00",
            w.start, w.end
        ));
    };
    if start >= end {
        return Err(format!(
            "send window {}-{}: the start must be before the end",
            w.start, w.end
        ));
    }
    if w.days.is_empty() || w.days.iter().any(|d| !(1..=7).contains(d)) {
        return Err("send window: days are 1 (Monday) to 7 (Sunday), at least one".into());
    }
    Ok(())
}

/// `now` when it is inside the window in `tz`, else the window's next opening (UTC ms).
pub fn next_open(w: &SendWindow, tz: Tz, now: i64) -> i64 {
    let (Some(start), Some(end)) = (parse_hhmm(&w.start), parse_hhmm(&w.end)) else {
        return now;
    };
    let Some(local) = tz.timestamp_millis_opt(now).single() else {
        return now;
    };
    let allowed = |d: chrono::NaiveDate| w.days.contains(&(d.weekday().number_from_monday() as u8));
    let today = local.date_naive();
    let time = local.time().with_nanosecond(0).unwrap_or(local.time());
    if allowed(today) && time >= start && time < end {
        return now;
    }
    for offset in 0..=8 {
        let day = today + Duration::days(offset);
        if !allowed(day) {
            continue;
        }
        // A start time skipped by a DST change opens an hour later.
        let opening = tz
            .from_local_datetime(&day.and_time(start))
            .earliest()
            .or_else(|| {
                tz.from_local_datetime(&day.and_time(start + Duration::hours(1)))
                    .earliest()
            });
        if let Some(opening) = opening {
            let ms = opening.timestamp_millis();
            if ms > now {
                return ms;
            }
        }
    }
    now
}

/// The start of the local day containing `now`, in UTC ms (for daily caps).
pub fn local_midnight(tz: Tz, now: i64) -> i64 {
    tz.timestamp_millis_opt(now)
        .single()
        .and_then(|t| {
            tz.from_local_datetime(&t.date_naive().and_time(NaiveTime::MIN))
                .earliest()
        })
        .map_or(now - now.rem_euclid(86_400_000), |t| t.timestamp_millis())
}

/// A recipient's time zone: their own, else their number's, else the business's.
pub fn recipient_zone(own: Option<&str>, phone: Option<&str>, business: Tz) -> Tz {
    own.and_then(|z| z.parse::<Tz>().ok())
        .or_else(|| phone.and_then(zone_of_number))
        .unwrap_or(business)
}

/// The time zone a phone number's region or area code points to, when there is one clear
/// answer: one-zone countries, and North American area codes of the larger zones.
pub fn zone_of_number(e164: &str) -> Option<Tz> {
    let digits = e164.strip_prefix('+')?;
    if let Some(rest) = digits.strip_prefix('1') {
        let area: u16 = rest.get(..3)?.parse().ok()?;
        return north_american_zone(area);
    }
    const COUNTRIES: &[(&str, Tz)] = &[
        ("44", Tz::Europe__London),
        ("353", Tz::Europe__Dublin),
        ("33", Tz::Europe__Paris),
        ("49", Tz::Europe__Berlin),
        ("34", Tz::Europe__Madrid),
        ("39", Tz::Europe__Rome),
        ("31", Tz::Europe__Amsterdam),
        ("32", Tz::Europe__Brussels),
        ("41", Tz::Europe__Zurich),
        ("43", Tz::Europe__Vienna),
        ("45", Tz::Europe__Copenhagen),
        ("46", Tz::Europe__Stockholm),
        ("47", Tz::Europe__Oslo),
        ("48", Tz::Europe__Warsaw),
        ("351", Tz::Europe__Lisbon),
        ("358", Tz::Europe__Helsinki),
        ("30", Tz::Europe__Athens),
        ("420", Tz::Europe__Prague),
        ("36", Tz::Europe__Budapest),
        ("40", Tz::Europe__Bucharest),
        ("90", Tz::Europe__Istanbul),
        ("972", Tz::Asia__Jerusalem),
        ("971", Tz::Asia__Dubai),
        ("91", Tz::Asia__Kolkata),
        ("81", Tz::Asia__Tokyo),
        ("82", Tz::Asia__Seoul),
        ("86", Tz::Asia__Shanghai),
        ("852", Tz::Asia__Hong_Kong),
        ("65", Tz::Asia__Singapore),
        ("64", Tz::Pacific__Auckland),
        ("27", Tz::Africa__Johannesburg),
        ("234", Tz::Africa__Lagos),
        ("254", Tz::Africa__Nairobi),
        ("54", Tz::America__Argentina__Buenos_Aires),
        ("56", Tz::America__Santiago),
        ("57", Tz::America__Bogota),
        ("51", Tz::America__Lima),
    ];
    COUNTRIES
        .iter()
        .filter(|(code, _)| digits.starts_with(code))
        .max_by_key(|(code, _)| code.len())
        .map(|(_, tz)| *tz)
}

fn north_american_zone(area: u16) -> Option<Tz> {
    const PACIFIC: &[u16] = &[
        206, 209, 213, 253, 279, 310, 323, 341, 350, 360, 369, 408, 415, 424, 425, 442, 458, 503,
        509, 510, 530, 541, 559, 562, 564, 619, 626, 628, 650, 657, 661, 669, 702, 707, 714, 725,
        747, 760, 775, 805, 818, 820, 831, 840, 858, 909, 916, 925, 949, 951, 971, 236, 250, 604,
        672, 778,
    ];
    const MOUNTAIN: &[u16] = &[
        208, 303, 307, 385, 406, 435, 505, 575, 719, 720, 801, 970, 983, 368, 403, 587, 780, 825,
    ];
    const ARIZONA: &[u16] = &[480, 520, 602, 623, 928];
    const CENTRAL: &[u16] = &[
        205, 210, 214, 217, 218, 219, 224, 225, 228, 251, 254, 256, 262, 281, 309, 312, 314, 316,
        318, 319, 320, 325, 331, 334, 337, 346, 361, 402, 405, 409, 414, 417, 430, 432, 469, 479,
        501, 504, 507, 512, 515, 531, 563, 573, 580, 601, 608, 612, 618, 620, 630, 636, 641, 651,
        660, 662, 682, 708, 712, 713, 715, 726, 737, 763, 769, 773, 779, 785, 806, 815, 816, 817,
        830, 832, 847, 870, 872, 903, 913, 915, 918, 920, 936, 940, 952, 956, 972, 979, 985, 204,
        306, 431, 639,
    ];
    const EASTERN: &[u16] = &[
        201, 202, 203, 207, 212, 215, 216, 229, 231, 234, 239, 240, 248, 267, 269, 276, 301, 302,
        304, 305, 315, 321, 330, 332, 336, 339, 347, 351, 352, 386, 401, 404, 407, 410, 412, 413,
        419, 434, 440, 443, 470, 475, 478, 484, 508, 513, 516, 518, 540, 551, 561, 567, 570, 571,
        585, 586, 603, 607, 609, 610, 614, 616, 617, 631, 646, 667, 678, 703, 704, 706, 716, 717,
        718, 724, 727, 732, 734, 740, 754, 757, 770, 772, 774, 781, 786, 802, 803, 804, 810, 813,
        814, 828, 838, 843, 845, 848, 850, 856, 857, 860, 862, 863, 864, 865, 878, 904, 908, 910,
        912, 914, 917, 919, 929, 934, 937, 941, 947, 954, 959, 973, 978, 980, 984, 989, 226, 249,
        289, 343, 365, 416, 437, 438, 450, 514, 519, 548, 579, 581, 613, 647, 705, 807, 819, 873,
        905,
    ];
    if PACIFIC.contains(&area) {
        Some(Tz::America__Los_Angeles)
    } else if ARIZONA.contains(&area) {
        Some(Tz::America__Phoenix)
    } else if MOUNTAIN.contains(&area) {
        Some(Tz::America__Denver)
    } else if CENTRAL.contains(&area) {
        Some(Tz::America__Chicago)
    } else if EASTERN.contains(&area) {
        Some(Tz::America__New_York)
    } else if area == 808 {
        Some(Tz::Pacific__Honolulu)
    } else if area == 907 {
        Some(Tz::America__Anchorage)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(tz: Tz, y: i32, m: u32, d: u32, h: u32, min: u32) -> i64 {
        tz.with_ymd_and_hms(y, m, d, h, min, 0)
            .single()
            .unwrap()
            .timestamp_millis()
    }

    #[test]
    fn the_bucket_allows_a_burst_then_the_rate() {
        let pace = Pace {
            per_minute: 6,
            burst: 3,
            daily_cap: 0,
        };
        let mut b = TokenBucket::new(pace, 0, 0);
        for _ in 0..3 {
            assert_eq!(b.take(0), Ok(()));
        }
        // One token every 10 s.
        assert_eq!(b.take(0), Err(10_000));
        assert_eq!(b.take(9_999), Err(10_000));
        assert_eq!(b.take(10_000), Ok(()));
        assert_eq!(b.take(10_000), Err(20_000));
        // A restart after 2 recent sends leaves one token.
        let mut b = TokenBucket::new(pace, 0, 2);
        assert_eq!(b.take(0), Ok(()));
        assert!(b.take(0).is_err());
    }

    #[test]
    fn the_window_is_in_the_recipients_time() {
        let w = SendWindow {
            start: "09:00".into(),
            end: "17:00".into(),
            days: vec![1, 2, 3, 4, 5],
        };
        let la = Tz::America__Los_Angeles;
        // Friday 2026-11-20 10:00 in LA: open.
        let now = at(la, 2026, 11, 20, 10, 0);
        assert_eq!(next_open(&w, la, now), now);
        // Friday 18:00: next is Monday 09:00 in LA.
        let now = at(la, 2026, 11, 20, 18, 0);
        assert_eq!(next_open(&w, la, now), at(la, 2026, 11, 23, 9, 0));
        // The same instant is 03:00 Saturday in London: Monday 09:00 London.
        let london = Tz::Europe__London;
        assert_eq!(next_open(&w, london, now), at(london, 2026, 11, 23, 9, 0));
        // Early morning: today at 09:00.
        let now = at(la, 2026, 11, 19, 6, 30);
        assert_eq!(next_open(&w, la, now), at(la, 2026, 11, 19, 9, 0));
        assert!(check_window(&w).is_ok());
        let bad = SendWindow {
            start: "18:00".into(),
            ..w.clone()
        };
        assert!(check_window(&bad).is_err());
    }

    #[test]
    fn zones_come_from_the_contact_then_the_number() {
        let business = Tz::Europe__Berlin;
        assert_eq!(
            recipient_zone(Some("Asia/Tokyo"), Some("+14155550123"), business),
            Tz::Asia__Tokyo
        );
        assert_eq!(
            recipient_zone(None, Some("+14155550123"), business),
            Tz::America__Los_Angeles
        );
        assert_eq!(
            recipient_zone(None, Some("+12125550123"), business),
            Tz::America__New_York
        );
        assert_eq!(
            recipient_zone(None, Some("+442071234567"), business),
            Tz::Europe__London
        );
        assert_eq!(
            recipient_zone(None, Some("+3531234567"), business),
            Tz::Europe__Dublin
        );
        assert_eq!(recipient_zone(None, None, business), business);
        let mid = local_midnight(
            Tz::America__New_York,
            at(Tz::America__New_York, 2026, 11, 20, 23, 0),
        );
        assert_eq!(mid, at(Tz::America__New_York, 2026, 11, 20, 0, 0));
    }
}
