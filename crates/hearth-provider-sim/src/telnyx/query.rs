//! Telnyx query parameters: deepObject keys (`filter[created_at][gte]`), paging and
//! relative date ranges.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use serde_json::{json, Value};

use super::error::TelnyxError;
use crate::time::{from_datetime, Ms};

/// Splits `filter[a][b]` into `("filter", ["a", "b"])`; a key without brackets has no parts.
pub(crate) fn split_key(key: &str) -> (&str, Vec<&str>) {
    let Some(open) = key.find('[') else {
        return (key, Vec::new());
    };
    let head = &key[..open];
    let mut parts = Vec::new();
    let mut rest = &key[open..];
    while let Some(inner) = rest.strip_prefix('[') {
        let Some(close) = inner.find(']') else {
            // `filter[a` — not a shape anything understands.
            parts.push(inner);
            break;
        };
        parts.push(&inner[..close]);
        rest = &inner[close + 1..];
    }
    (head, parts)
}

/// A requested page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Page {
    pub number: usize,
    pub size: usize,
}

impl Page {
    /// Reads `page[number]` / `page[size]`: default 1 / 20, size capped at `max` by a 400.
    pub(crate) fn parse(params: &[(String, String)], max: usize) -> Result<Page, TelnyxError> {
        let mut page = Page {
            number: 1,
            size: 20,
        };
        for (k, v) in params {
            let slot = match k.as_str() {
                "page[number]" => &mut page.number,
                "page[size]" => &mut page.size,
                _ => continue,
            };
            *slot = v
                .trim()
                .parse::<usize>()
                .ok()
                .filter(|n| *n >= 1)
                .ok_or_else(|| {
                    TelnyxError::bad_param(k, format!("{k} must be a positive integer"))
                })?;
        }
        if page.size > max {
            return Err(TelnyxError::bad_param(
                "page[size]",
                format!("page[size] must be less than or equal to {max}"),
            ));
        }
        Ok(page)
    }

    /// Items `[start, end)` of the whole result that fall on this page.
    pub(crate) fn window(self) -> (usize, usize) {
        let start = (self.number - 1).saturating_mul(self.size);
        (start, start.saturating_add(self.size))
    }

    pub(crate) fn envelope(self, data: Vec<Value>, total: usize) -> Value {
        json!({
            "data": data,
            "meta": {
                "page_number": self.number,
                "page_size": self.size,
                "total_pages": total.div_ceil(self.size),
                "total_results": total,
            }
        })
    }
}

fn midnight(d: NaiveDate) -> Ms {
    d.and_hms_opt(0, 0, 0)
        .map_or(0, |t| from_datetime(t.and_utc()))
}

/// `filter[date_range]` values as a UTC `[start, end)` window; `None` for unknown values.
pub(crate) fn date_range(value: &str, now: DateTime<Utc>) -> Option<(Ms, Ms)> {
    let today = now.date_naive();
    // Checked: `last_N_days` takes any N a client sends.
    let day = |d: i64| today.checked_add_signed(Duration::try_days(d)?);
    let week_start = day(-i64::from(today.weekday().num_days_from_monday()))?;
    let week = |w: i64| week_start.checked_add_signed(Duration::try_days(7 * w)?);
    let month_start = today.with_day(1)?;
    let month = |delta: i32| {
        let m0 = month_start.year() * 12 + month_start.month0() as i32 + delta;
        NaiveDate::from_ymd_opt(m0.div_euclid(12), m0.rem_euclid(12) as u32 + 1, 1)
    };
    let (a, b) = match value {
        "today" => (today, day(1)?),
        "yesterday" => (day(-1)?, today),
        "tomorrow" => (day(1)?, day(2)?),
        "this_week" => (week_start, week(1)?),
        "last_week" => (week(-1)?, week_start),
        "next_week" => (week(1)?, week(2)?),
        "this_month" => (month_start, month(1)?),
        "last_month" => (month(-1)?, month_start),
        "next_month" => (month(1)?, month(2)?),
        other => {
            let n: i64 = other
                .strip_prefix("last_")?
                .strip_suffix("_days")?
                .parse()
                .ok()?;
            (day(n.checked_neg()?)?, day(1)?)
        }
    };
    Some((midnight(a), midnight(b)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_deep_object_keys() {
        assert_eq!(
            split_key("filter[created_at][gte]"),
            ("filter", vec!["created_at", "gte"])
        );
        assert_eq!(split_key("page[size]"), ("page", vec!["size"]));
        assert_eq!(split_key("sort"), ("sort", vec![]));
        assert_eq!(split_key("filter[oops"), ("filter", vec!["oops"]));
    }

    #[test]
    fn date_ranges() {
        let now = DateTime::parse_from_rfc3339("2026-08-20T15:00:00Z")
            .unwrap()
            .to_utc();
        let (a, b) = date_range("yesterday", now).unwrap();
        assert_eq!(b - a, 86_400_000);
        let (a, _) = date_range("last_month", now).unwrap();
        assert_eq!(crate::time::iso_secs(a), "2026-07-01T00:00:00Z");
        assert_eq!(
            date_range("last_7_days", now).map(|(a, b)| (b - a) / 86_400_000),
            Some(8)
        );
        assert_eq!(date_range("someday", now), None);
        assert_eq!(date_range("last_99999999999999_days", now), None);
    }
}
