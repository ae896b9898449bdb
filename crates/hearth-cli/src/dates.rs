//! Dates on the command line: `YYYY-MM-DD` (midnight UTC) or RFC 3339 with an offset.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};

use crate::exit::BadInput;

/// Parses a date or timestamp into UTC milliseconds.
pub fn parse(input: &str) -> Result<i64, BadInput> {
    let s = input.trim();
    if let Ok(at) = DateTime::parse_from_rfc3339(s) {
        return Ok(at.timestamp_millis());
    }
    if let Ok(day) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        if let Some(midnight) = day.and_hms_opt(0, 0, 0) {
            return Ok(Utc.from_utc_datetime(&midnight).timestamp_millis());
        }
    }
    Err(BadInput(format!(
        "invalid date {input:?}: use YYYY-MM-DD or an RFC 3339 time such as 2026-03-01T09:30:00Z"
    )))
}

/// Formats UTC milliseconds for people, in UTC.
pub fn show(ms: i64) -> String {
    DateTime::<Utc>::from_timestamp_millis(ms)
        .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_else(|| ms.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_and_times_parse_and_garbage_does_not() {
        assert_eq!(parse("1970-01-02").unwrap(), 86_400_000);
        assert_eq!(parse("1970-01-01T01:00:00+01:00").unwrap(), 0);
        for bad in ["", "yesterday", "2026-13-01", "2026-02-30", "01/02/2026"] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
    }
}
