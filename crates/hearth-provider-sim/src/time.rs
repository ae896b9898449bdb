//! Times as the two providers write and read them.
//!
//! Records keep UTC epoch milliseconds (`Ms`): compact for 100k-row stores and cheap to
//! compare. Vapi writes millisecond ISO strings, Telnyx whole seconds; every stored time is
//! already truncated to what is written out, so a client that echoes a served value back as a
//! filter bound gets exact `>`/`>=` semantics. Filter bounds are compared in microseconds so a
//! bound finer than a millisecond is not rounded into a false match.

use chrono::{DateTime, NaiveDate, NaiveDateTime, SecondsFormat, Utc};

/// UTC epoch milliseconds.
pub(crate) type Ms = i64;

pub(crate) const SECOND: Ms = 1_000;
pub(crate) const MINUTE: Ms = 60 * SECOND;
pub(crate) const HOUR: Ms = 60 * MINUTE;
pub(crate) const DAY: Ms = 24 * HOUR;

/// The real clock, in milliseconds: clients poll with `now - 5s` windows, so records must
/// be placed against the same clock they read.
pub(crate) fn now_ms() -> Ms {
    Utc::now().timestamp_millis()
}

/// Truncates to whole seconds (Telnyx precision).
pub(crate) fn to_secs(ms: Ms) -> Ms {
    ms.div_euclid(SECOND) * SECOND
}

fn datetime(ms: Ms) -> DateTime<Utc> {
    // Every Ms in the sim comes from the real clock plus or minus a few years, well inside
    // chrono's range; the epoch fallback only guards against a corrupted value.
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

/// `2026-08-01T14:03:22.512Z`, the Vapi shape.
pub(crate) fn iso_millis(ms: Ms) -> String {
    datetime(ms).to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// `2026-08-01T14:12:03Z`, the Telnyx shape.
pub(crate) fn iso_secs(ms: Ms) -> String {
    datetime(ms).to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Converts a chrono time to `Ms`, truncated to milliseconds.
pub(crate) fn from_datetime(t: DateTime<Utc>) -> Ms {
    t.timestamp_millis()
}

/// Parses a filter bound into UTC epoch microseconds.
///
/// Accepts RFC 3339 (`2026-08-01T14:00:00Z`, with or without fraction, any offset), a
/// datetime without zone (read as UTC) and a bare date (`2026-08-01`, midnight UTC), which
/// is what both providers' docs and third-party clients are seen to send.
pub(crate) fn parse_bound(raw: &str) -> Option<i64> {
    let raw = raw.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(raw) {
        return Some(t.timestamp_micros());
    }
    for fmt in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"] {
        if let Ok(t) = NaiveDateTime::parse_from_str(raw, fmt) {
            return Some(t.and_utc().timestamp_micros());
        }
    }
    NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc().timestamp_micros())
}

/// A comparison operator of a time filter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Op {
    Gt,
    Ge,
    Lt,
    Le,
}

/// One `field op value` bound, the value in microseconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Bound {
    pub op: Op,
    pub micros: i64,
}

impl Bound {
    /// Whether a stored millisecond time satisfies the bound.
    pub(crate) fn admits(self, ms: Ms) -> bool {
        let v = ms.saturating_mul(1_000);
        match self.op {
            Op::Gt => v > self.micros,
            Op::Ge => v >= self.micros,
            Op::Lt => v < self.micros,
            Op::Le => v <= self.micros,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_parse_dates_and_datetimes() {
        let day = parse_bound("2026-08-01").unwrap();
        assert_eq!(parse_bound("2026-08-01T00:00:00Z"), Some(day));
        assert_eq!(parse_bound("2026-08-01T00:00:00.000Z"), Some(day));
        assert_eq!(parse_bound("2026-08-01T02:00:00+02:00"), Some(day));
        assert_eq!(parse_bound("2026-08-01T00:00:00"), Some(day));
        assert_eq!(parse_bound("yesterday"), None);
        assert_eq!(parse_bound("2026-08-01T00:00:00 00:00"), None);
    }

    #[test]
    fn formats_round_trip_through_the_parser() {
        let ms = 1_785_592_982_412;
        assert_eq!(iso_millis(ms), "2026-08-01T14:03:02.412Z");
        assert_eq!(iso_secs(to_secs(ms)), "2026-08-01T14:03:02Z");
        assert_eq!(parse_bound(&iso_millis(ms)), Some(ms * 1_000));
        let b = Bound {
            op: Op::Gt,
            micros: ms * 1_000,
        };
        assert!(!b.admits(ms) && b.admits(ms + 1));
        let b = Bound {
            op: Op::Ge,
            micros: ms * 1_000 + 1,
        };
        assert!(
            !b.admits(ms),
            "a sub-millisecond bound must not round into a match"
        );
    }
}
