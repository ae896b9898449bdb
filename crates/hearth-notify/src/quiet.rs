//! Quiet hours: a daily window of local time in which alerts are held back.

use std::fmt;
use std::str::FromStr;

use chrono::{NaiveTime, Timelike};

use crate::error::QuietHoursError;

/// A daily window of local time, `start` inclusive and `end` exclusive, in which no
/// notification is shown. It may wrap midnight: `22:00-07:00` is quiet from 22:00 until
/// 06:59:59 the next morning.
///
/// An empty window (`start == end`, e.g. `00:00-00:00`) is never quiet: "quiet all day"
/// is better said by not creating a [`crate::Notifier`] at all, and treating it as empty
/// means no setting can silently swallow every alert.
///
/// Written and parsed as `HH:MM-HH:MM` (24-hour clock, minute precision; seconds set
/// through the public fields are honoured by [`QuietHours::contains`] but not shown by
/// `Display`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct QuietHours {
    /// When the quiet window begins (inclusive).
    pub start: NaiveTime,
    /// When it ends (exclusive); earlier than `start` when the window wraps midnight.
    pub end: NaiveTime,
}

impl QuietHours {
    /// Whether `t` (local wall-clock time) falls inside the window.
    pub fn contains(&self, t: NaiveTime) -> bool {
        use std::cmp::Ordering;
        match self.start.cmp(&self.end) {
            Ordering::Equal => false,
            Ordering::Less => self.start <= t && t < self.end,
            Ordering::Greater => t >= self.start || t < self.end,
        }
    }
}

impl FromStr for QuietHours {
    type Err = QuietHoursError;

    /// Parses `HH:MM-HH:MM`, e.g. `22:00-07:00`; spaces around either time are allowed.
    fn from_str(s: &str) -> Result<QuietHours, QuietHoursError> {
        let input = s.trim();
        let (start, end) = input
            .split_once('-')
            .ok_or_else(|| QuietHoursError::NotARange {
                input: input.to_owned(),
            })?;
        let time = |part: &str| {
            let part = part.trim();
            NaiveTime::parse_from_str(part, "%H:%M").map_err(|source| QuietHoursError::BadTime {
                input: input.to_owned(),
                part: part.to_owned(),
                source,
            })
        };
        Ok(QuietHours {
            start: time(start)?,
            end: time(end)?,
        })
    }
}

impl fmt::Display for QuietHours {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:02}:{:02}-{:02}:{:02}",
            self.start.hour(),
            self.start.minute(),
            self.end.hour(),
            self.end.minute()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).expect("valid time")
    }

    fn q(s: &str) -> QuietHours {
        s.parse().unwrap_or_else(|e| panic!("{s:?}: {e}"))
    }

    #[test]
    fn parses_and_displays_the_same_form() {
        let quiet = q("22:00-07:00");
        assert_eq!(
            quiet,
            QuietHours {
                start: t(22, 0),
                end: t(7, 0)
            }
        );
        assert_eq!(quiet.to_string(), "22:00-07:00");
        assert_eq!(q(" 9:05 - 17:30 ").to_string(), "09:05-17:30");
    }

    #[test]
    fn window_wrapping_midnight() {
        let quiet = q("22:00-07:00");
        for (h, m) in [(22, 0), (23, 59), (0, 0), (3, 30), (6, 59)] {
            assert!(quiet.contains(t(h, m)), "{h:02}:{m:02} should be quiet");
        }
        for (h, m) in [(7, 0), (12, 0), (21, 59)] {
            assert!(
                !quiet.contains(t(h, m)),
                "{h:02}:{m:02} should not be quiet"
            );
        }
        let almost_seven = NaiveTime::from_hms_opt(6, 59, 59).expect("valid time");
        assert!(quiet.contains(almost_seven));
    }

    #[test]
    fn window_within_one_day() {
        let quiet = q("12:00-13:30");
        assert!(quiet.contains(t(12, 0)));
        assert!(quiet.contains(t(13, 29)));
        assert!(!quiet.contains(t(13, 30)));
        assert!(!quiet.contains(t(11, 59)));
        assert!(!quiet.contains(t(0, 0)));
    }

    #[test]
    fn empty_window_is_never_quiet() {
        let quiet = q("08:00-08:00");
        for h in 0..24 {
            assert!(!quiet.contains(t(h, 0)));
        }
    }

    #[test]
    fn bad_input_says_what_is_wrong() {
        let err = "22:00".parse::<QuietHours>().expect_err("no range");
        assert!(matches!(err, QuietHoursError::NotARange { .. }));
        assert_eq!(
            err.to_string(),
            "invalid quiet hours \"22:00\": expected HH:MM-HH:MM, e.g. 22:00-07:00"
        );

        let err = "22:00-25:00".parse::<QuietHours>().expect_err("hour 25");
        assert!(
            matches!(&err, QuietHoursError::BadTime { part, .. } if part == "25:00"),
            "{err:?}"
        );
        assert_eq!(
            err.to_string(),
            "invalid quiet hours \"22:00-25:00\": \"25:00\" is not a time of day (HH:MM)"
        );
        assert!(std::error::Error::source(&err).is_some());

        for bad in [
            "",
            "-",
            "22:00-",
            "ten-seven",
            "22:00-07:00-08:00",
            "22-07",
            "22:00:00-07:00",
        ] {
            assert!(
                bad.parse::<QuietHours>().is_err(),
                "{bad:?} should not parse"
            );
        }
    }
}
