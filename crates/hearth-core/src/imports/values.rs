//! Dates and order statuses as shops and spreadsheets write them.
//!
//! Dates are read in a short, fixed list of forms, each unambiguous by itself; slashed
//! dates (01/02/2024) are read only when the person importing says which order they use,
//! because the file alone cannot tell January 2nd from February 1st. A time without an
//! offset is read as UTC: the file does not say where it was written.

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use serde::Serialize;

use crate::store::TIME_RANGE;

/// The statuses an imported order can have.
pub const STATUSES: [&str; 5] = ["completed", "pending", "refunded", "cancelled", "failed"];

/// How to read dates written with slashes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DateFormat {
    /// Only the ISO forms; a slashed date is refused as ambiguous.
    #[default]
    Iso,
    /// Also `MM/DD/YYYY`, as in the US.
    MonthFirst,
    /// Also `DD/MM/YYYY`, as in most of the world.
    DayFirst,
}

impl DateFormat {
    /// Parses `iso`, `us` (or `mdy`) and `dmy` (or `day-first`).
    pub fn parse(name: &str) -> Option<DateFormat> {
        match name.trim().to_ascii_lowercase().as_str() {
            "iso" => Some(DateFormat::Iso),
            "us" | "mdy" => Some(DateFormat::MonthFirst),
            "dmy" | "day-first" => Some(DateFormat::DayFirst),
            _ => None,
        }
    }
}

/// Why a date was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DateError {
    Missing,
    Ambiguous,
    Unreadable(DateFormat),
    OutOfRange,
    Future,
}

impl std::fmt::Display for DateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let iso = "YYYY-MM-DD, YYYY-MM-DD HH:MM[:SS] (UTC), YYYY-MM-DD HH:MM:SS +HHMM or \
                   RFC 3339 such as 2024-01-15T10:30:00Z";
        match self {
            DateError::Missing => f.write_str("a date is required"),
            DateError::Ambiguous => f.write_str(
                "a date with slashes can be month-first or day-first: choose the date \
                 format us (MM/DD/YYYY) or dmy (DD/MM/YYYY)",
            ),
            DateError::Unreadable(DateFormat::Iso) => write!(f, "not a date: use {iso}"),
            DateError::Unreadable(DateFormat::MonthFirst) => {
                write!(f, "not a date: use MM/DD/YYYY [HH:MM[:SS]] or {iso}")
            }
            DateError::Unreadable(DateFormat::DayFirst) => {
                write!(f, "not a date: use DD/MM/YYYY [HH:MM[:SS]] or {iso}")
            }
            DateError::OutOfRange => {
                f.write_str("outside the years 1831 to 2109 that Hearth stores")
            }
            DateError::Future => f.write_str("an order cannot be placed in the future"),
        }
    }
}

/// How far past `now` a date may be: a day covers every time zone of a file's "today".
const FUTURE_SLACK_MS: i64 = 24 * 60 * 60 * 1000;

/// Parses a date into UTC milliseconds. Accepted, in order:
/// - RFC 3339 with `Z` or an offset: `2024-01-15T10:30:00Z`, `2024-01-15T10:30:00.5+02:00`;
/// - `YYYY-MM-DD HH:MM:SS +HHMM` (Shopify's exports);
/// - `YYYY-MM-DD HH:MM[:SS[.fff]]`, with a space or `T`, read as UTC;
/// - `YYYY-MM-DD`, midnight UTC;
/// - with [`DateFormat::MonthFirst`] or [`DateFormat::DayFirst`] only: `M/D/YYYY` or
///   `D/M/YYYY`, optionally followed by ` HH:MM[:SS]` (UTC).
///
/// The date must lie in the years Hearth stores and not more than a day after `now`
/// (so a two-digit year is refused as out of range).
pub fn parse_date(input: &str, format: DateFormat, now: i64) -> Result<i64, DateError> {
    let text = input.trim();
    if text.is_empty() {
        return Err(DateError::Missing);
    }
    let ms = read_date(text, format)?.timestamp_millis();
    if !TIME_RANGE.contains(&ms) {
        return Err(DateError::OutOfRange);
    }
    if ms > now.saturating_add(FUTURE_SLACK_MS) {
        return Err(DateError::Future);
    }
    Ok(ms)
}

fn read_date(text: &str, format: DateFormat) -> Result<DateTime<Utc>, DateError> {
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Ok(at.with_timezone(&Utc));
    }
    if let Ok(at) = DateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S %z") {
        return Ok(at.with_timezone(&Utc));
    }
    let naive = |forms: &[&str]| {
        forms.iter().find_map(|form| {
            NaiveDateTime::parse_from_str(text, form)
                .ok()
                .or_else(|| {
                    NaiveDate::parse_from_str(text, form)
                        .ok()
                        .and_then(|day| day.and_hms_opt(0, 0, 0))
                })
                .map(|at| Utc.from_utc_datetime(&at))
        })
    };
    let iso = [
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d",
    ];
    if let Some(at) = naive(&iso) {
        return Ok(at);
    }
    if !text.contains('/') {
        return Err(DateError::Unreadable(format));
    }
    let slashed = match format {
        DateFormat::Iso => return Err(DateError::Ambiguous),
        DateFormat::MonthFirst => ["%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M", "%m/%d/%Y"],
        DateFormat::DayFirst => ["%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y"],
    };
    naive(&slashed).ok_or(DateError::Unreadable(format))
}

/// Maps a shop's word for an order's state to one of [`STATUSES`], ignoring case, `-`, `_`
/// and extra spaces: paid, shipped, fulfilled and delivered orders are completed;
/// processing, on hold, awaiting payment and authorized ones pending; voided ones
/// cancelled; declined and denied ones failed.
pub fn parse_status(input: &str) -> Option<&'static str> {
    let words: Vec<String> = input
        .split(|c: char| c.is_whitespace() || c == '-' || c == '_')
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    let status = match words.join(" ").as_str() {
        "complete" | "completed" | "paid" | "fulfilled" | "shipped" | "delivered" => "completed",
        "pending" | "processing" | "on hold" | "awaiting payment" | "authorized" => "pending",
        "refunded" => "refunded",
        "cancelled" | "canceled" | "voided" => "cancelled",
        "failed" | "declined" | "denied" => "failed",
        _ => return None,
    };
    Some(status)
}

/// The reason given for a status [`parse_status`] does not know.
pub(crate) const UNKNOWN_STATUS: &str = "unknown status: use completed, pending, refunded, \
     cancelled or failed (or complete, paid, fulfilled, shipped, delivered, processing, \
     on hold, awaiting payment, authorized, canceled, voided, declined, denied)";

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_763_683_200_000; // 2025-11-21T00:00:00Z

    fn at(text: &str) -> i64 {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .timestamp_millis()
    }

    #[test]
    fn iso_forms_are_read_and_naive_times_are_utc() {
        let iso = |s: &str| parse_date(s, DateFormat::Iso, NOW);
        let ten_thirty = at("2024-01-15T10:30:00Z");
        for text in [
            "2024-01-15T10:30:00Z",
            "2024-01-15T12:30:00+02:00",
            "2024-01-15 10:30:00",
            "2024-01-15T10:30:00",
            "2024-01-15 10:30",
            "2024-01-15T10:30",
            "2024-01-15 05:30:00 -0500",
            " 2024-01-15 10:30:00.000 ",
        ] {
            assert_eq!(iso(text), Ok(ten_thirty), "{text}");
        }
        assert_eq!(iso("2024-01-15"), Ok(at("2024-01-15T00:00:00Z")));
        assert_eq!(
            iso("2024-01-15T10:30:00.250Z"),
            Ok(ten_thirty + 250),
            "milliseconds kept"
        );
    }

    #[test]
    fn slashed_dates_need_a_stated_order() {
        assert_eq!(
            parse_date("01/02/2024", DateFormat::Iso, NOW),
            Err(DateError::Ambiguous)
        );
        assert_eq!(
            parse_date("13/02/2024", DateFormat::Iso, NOW),
            Err(DateError::Ambiguous),
            "one unambiguous-looking row does not decide for the file"
        );
        let us = |s: &str| parse_date(s, DateFormat::MonthFirst, NOW);
        let dmy = |s: &str| parse_date(s, DateFormat::DayFirst, NOW);
        assert_eq!(us("01/02/2024"), Ok(at("2024-01-02T00:00:00Z")));
        assert_eq!(us("1/2/2024"), Ok(at("2024-01-02T00:00:00Z")));
        assert_eq!(us("12/31/2024 18:05"), Ok(at("2024-12-31T18:05:00Z")));
        assert_eq!(dmy("01/02/2024"), Ok(at("2024-02-01T00:00:00Z")));
        assert_eq!(dmy("31/12/2024 18:05:09"), Ok(at("2024-12-31T18:05:09Z")));
        assert_eq!(
            us("31/12/2024"),
            Err(DateError::Unreadable(DateFormat::MonthFirst))
        );
        assert_eq!(
            dmy("12/31/2024"),
            Err(DateError::Unreadable(DateFormat::DayFirst))
        );
        assert_eq!(us("1/2/24"), Err(DateError::OutOfRange));
        // The ISO forms still work with a slashed format chosen.
        assert_eq!(us("2024-01-02"), Ok(at("2024-01-02T00:00:00Z")));
    }

    #[test]
    fn wrong_dates_say_why() {
        let iso = |s: &str| parse_date(s, DateFormat::Iso, NOW);
        assert_eq!(iso(""), Err(DateError::Missing));
        assert_eq!(iso("  "), Err(DateError::Missing));
        for bad in [
            "2024-02-30",
            "2024-13-01",
            "yesterday",
            "15 Jan 2024",
            "2024-01-15T25:00:00Z",
            "20240115",
            "1705314600",
        ] {
            assert_eq!(
                iso(bad),
                Err(DateError::Unreadable(DateFormat::Iso)),
                "{bad}"
            );
        }
        assert_eq!(iso("0024-01-15"), Err(DateError::OutOfRange));
        assert_eq!(iso("1700-01-15"), Err(DateError::OutOfRange));
        assert_eq!(iso("2025-11-21T23:00:00Z"), Ok(at("2025-11-21T23:00:00Z")));
        assert_eq!(
            iso("2025-11-22T00:00:00Z"),
            Ok(at("2025-11-22T00:00:00Z")),
            "a day's slack"
        );
        assert_eq!(iso("2025-11-22T00:00:01Z"), Err(DateError::Future));
        assert_eq!(iso("2025-11-23"), Err(DateError::Future));
        assert!(DateError::Ambiguous.to_string().contains("us (MM/DD/YYYY)"));
    }

    #[test]
    fn statuses_map_common_words() {
        for (written, status) in [
            ("Complete", "completed"),
            ("COMPLETED", "completed"),
            ("paid", "completed"),
            ("Fulfilled", "completed"),
            ("shipped", "completed"),
            ("pending", "pending"),
            ("Processing", "pending"),
            ("On Hold", "pending"),
            ("on-hold", "pending"),
            ("on_hold", "pending"),
            ("refunded", "refunded"),
            ("Canceled", "cancelled"),
            ("cancelled", "cancelled"),
            ("failed", "failed"),
        ] {
            assert_eq!(parse_status(written), Some(status), "{written}");
        }
        for unknown in ["", "done?", "partially refunded", "chargeback", "open"] {
            assert_eq!(parse_status(unknown), None, "{unknown}");
        }
        for status in STATUSES {
            assert_eq!(parse_status(status), Some(status));
            assert!(UNKNOWN_STATUS.contains(status));
        }
    }

    #[test]
    fn date_formats_have_names() {
        assert_eq!(DateFormat::parse("US"), Some(DateFormat::MonthFirst));
        assert_eq!(DateFormat::parse("dmy"), Some(DateFormat::DayFirst));
        assert_eq!(DateFormat::parse("iso"), Some(DateFormat::Iso));
        assert_eq!(DateFormat::parse("european"), None);
    }
}
