//! The unified timeline: newest first, keyset-paginated on the sort key.
//!
//! Every interaction has a unique `sort_key`: its time in milliseconds in the high bits
//! and a stable hash of its source key in the low [`SORT_BITS`] bits. Ordering by it is
//! ordering by time, and because it is also the rowid of the FTS5 index, a search walks
//! the matches newest first and stops after one page instead of collecting and sorting
//! every match (on a 1M-interaction business, "water heater" matches 100k rows).
//!
//! Filters: one contact or the whole business, a set of channels, a date range (a sort-key
//! range), and full-text search. User search text never reaches FTS5 as syntax: it is cut
//! into words, each quoted, the last one a prefix, all of them required.

use hearth_types::{
    Channel, Direction, TimelineCursor, TimelineItem, TimelinePage, TimelineRequest,
};
use sqlx::Row;

use super::sql::SqlParts;
use super::{Store, StoreError};
use crate::domain::DomainError;

/// Items per page when the request does not say.
pub const DEFAULT_PAGE: u32 = 50;
/// The largest page the store returns.
pub const MAX_PAGE: u32 = 500;
/// At most this many search words are used.
const MAX_SEARCH_TERMS: usize = 16;
/// Low bits of the sort key that hold the hash; times up to ±2^42 ms (years 1831-2109) fit.
pub const SORT_BITS: u32 = 20;
/// The range of `occurred_at` that a sort key can hold.
pub const TIME_RANGE: std::ops::Range<i64> = -(1 << 42)..(1 << 42);

/// The sort key of an interaction: time first, then a stable hash (FNV-1a) of its source
/// key, so that equal times still order the same way on every machine.
pub fn sort_key(occurred_at: i64, source: &str, account: &str, source_id: &str) -> i64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in source
        .bytes()
        .chain([0x1f])
        .chain(account.bytes())
        .chain([0x1f])
        .chain(source_id.bytes())
    {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    (occurred_at << SORT_BITS) | (hash & ((1 << SORT_BITS) - 1)) as i64
}

/// The smallest sort key at or after a time.
fn time_key(at: i64) -> i64 {
    at.clamp(TIME_RANGE.start, TIME_RANGE.end - 1) << SORT_BITS
}

/// The columns [`row_to_item`] reads, from `interactions i` and `contacts c`.
pub(super) const ITEM_COLUMNS: &str =
    "SELECT i.id, i.sort_key, i.contact_id, c.name AS contact_name, i.channel, i.direction, \
     i.occurred_at, i.subject, i.body, i.body_html IS NOT NULL AS has_html, i.summary, \
     i.sentiment, i.thread_key, i.duration_ms, i.cost_micros, i.source, i.metadata ";

/// Timeline queries are the shared request DTO.
pub type TimelineQuery = TimelineRequest;

impl Store {
    /// One page of the timeline.
    pub async fn timeline(&self, request: &TimelineRequest) -> Result<TimelinePage, StoreError> {
        let limit = page_size(request);
        let parts = timeline_sql(request, limit)?;
        let rows = parts
            .builder()
            .build()
            .fetch_all(&self.pool)
            .await
            .map_err(StoreError::query("read the timeline"))?;
        let next = match rows.get(limit as usize) {
            // One row more than a page: the cursor is the last row of this page.
            Some(_) => Some(TimelineCursor {
                key: rows[limit as usize - 1]
                    .try_get("sort_key")
                    .map_err(StoreError::query("read a timeline row"))?,
            }),
            None => None,
        };
        let items = rows
            .iter()
            .take(limit as usize)
            .map(row_to_item)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(TimelinePage { items, next })
    }

    /// The SQL of [`Store::timeline`] for this request with its values inlined as literals,
    /// so that `hearth bench` can run the same statement through the `sqlite3` CLI.
    pub fn timeline_sql_literal(request: &TimelineRequest) -> Result<String, StoreError> {
        Ok(timeline_sql(request, page_size(request))?.literal())
    }
}

fn page_size(request: &TimelineRequest) -> u32 {
    request.limit.unwrap_or(DEFAULT_PAGE).clamp(1, MAX_PAGE)
}

fn timeline_sql(request: &TimelineRequest, limit: u32) -> Result<SqlParts, StoreError> {
    if let (Some(since), Some(until)) = (request.since, request.until) {
        if since >= until {
            return Err(DomainError::BadRange { since, until }.into());
        }
    }
    let search = request.search.as_deref().and_then(fts_query);
    let mut q = SqlParts::default();
    q.sql(ITEM_COLUMNS);
    // With a search, FTS5 drives: it walks matching rowids (sort keys) downwards, so the
    // key range and the order are its own. Without one, the sort-key indexes drive.
    let key = if search.is_some() {
        "f.rowid"
    } else {
        "i.sort_key"
    };
    match &search {
        Some(fts) => {
            q.sql(
                "FROM interactions_fts f JOIN interactions i ON i.sort_key = f.rowid \
                 LEFT JOIN contacts c ON c.id = i.contact_id WHERE interactions_fts MATCH ",
            )
            .text(fts.clone());
        }
        None => {
            q.sql("FROM interactions i LEFT JOIN contacts c ON c.id = i.contact_id WHERE 1 = 1");
        }
    }
    if let Some(contact_id) = request.contact_id {
        q.sql(" AND i.contact_id = ").int(contact_id);
    }
    if !request.channels.is_empty() && request.channels.len() < Channel::ALL.len() {
        let mut channels = request.channels.clone();
        channels.sort();
        channels.dedup();
        q.sql(" AND i.channel IN ")
            .text_list(channels.iter().map(|c| c.as_str()));
    }
    let mut upper = request.until.map(time_key);
    if let Some(after) = request.after {
        upper = Some(upper.map_or(after.key, |u| u.min(after.key)));
    }
    if let Some(since) = request.since {
        q.sql(" AND ").sql(key).sql(" >= ").int(time_key(since));
    }
    if let Some(upper) = upper {
        q.sql(" AND ").sql(key).sql(" < ").int(upper);
    }
    // One extra row tells whether another page exists.
    q.sql(" ORDER BY ")
        .sql(key)
        .sql(" DESC LIMIT ")
        .int(i64::from(limit) + 1);
    Ok(q)
}

/// Turns what a person typed into a safe FTS5 query: every word quoted and required, the
/// last one matched as a prefix while it is still being typed. `None` when no word is left.
pub fn fts_query(text: &str) -> Option<String> {
    let words: Vec<&str> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(MAX_SEARCH_TERMS)
        .collect();
    let (last, rest) = words.split_last()?;
    let mut query = String::new();
    for word in rest {
        query.push('"');
        query.push_str(word);
        query.push_str("\" ");
    }
    query.push('"');
    query.push_str(last);
    query.push('"');
    // Still typing the last word: match it as a prefix.
    if text.ends_with(|c: char| c.is_alphanumeric()) {
        query.push('*');
    }
    Some(query)
}

pub(super) fn row_to_item(row: &sqlx::sqlite::SqliteRow) -> Result<TimelineItem, StoreError> {
    let get = |e: sqlx::Error| StoreError::Query {
        action: "read a timeline row",
        source: e,
    };
    let id: i64 = row.try_get("id").map_err(get)?;
    let channel: String = row.try_get("channel").map_err(get)?;
    let direction: String = row.try_get("direction").map_err(get)?;
    let metadata: String = row.try_get("metadata").map_err(get)?;
    Ok(TimelineItem {
        id,
        contact_id: row.try_get("contact_id").map_err(get)?,
        contact_name: row.try_get("contact_name").map_err(get)?,
        channel: channel
            .parse::<Channel>()
            .map_err(|source| StoreError::BadEnum {
                column: "channel",
                source,
            })?,
        direction: direction
            .parse::<Direction>()
            .map_err(|source| StoreError::BadEnum {
                column: "direction",
                source,
            })?,
        occurred_at: row.try_get("occurred_at").map_err(get)?,
        subject: row.try_get("subject").map_err(get)?,
        body: row.try_get("body").map_err(get)?,
        has_html: row.try_get("has_html").map_err(get)?,
        summary: row.try_get("summary").map_err(get)?,
        sentiment: row.try_get("sentiment").map_err(get)?,
        thread_key: row.try_get("thread_key").map_err(get)?,
        duration_ms: row.try_get("duration_ms").map_err(get)?,
        cost_micros: row.try_get("cost_micros").map_err(get)?,
        source: row.try_get("source").map_err(get)?,
        metadata: serde_json::from_str(&metadata).map_err(|source| StoreError::BadJson {
            column: "metadata",
            id,
            source,
        })?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_text_becomes_quoted_words() {
        assert_eq!(
            fts_query("water heater").as_deref(),
            Some("\"water\" \"heater\"*")
        );
        assert_eq!(
            fts_query("water heater ").as_deref(),
            Some("\"water\" \"heater\"")
        );
        assert_eq!(
            fts_query("\"unbalanced AND (NEAR* -col:x").as_deref(),
            Some("\"unbalanced\" \"AND\" \"NEAR\" \"col\" \"x\"*")
        );
        assert_eq!(fts_query("  ***  "), None);
        assert_eq!(
            fts_query("Ümlaut café").as_deref(),
            Some("\"Ümlaut\" \"café\"*")
        );
    }

    #[test]
    fn every_filter_is_bound_not_interpolated() {
        let request = TimelineRequest {
            contact_id: Some(7),
            channels: vec![Channel::Sms, Channel::Email, Channel::Sms],
            since: Some(1),
            until: Some(2),
            search: Some("o'neil; DROP TABLE contacts".into()),
            after: Some(TimelineCursor { key: 9 }),
            limit: Some(10),
        };
        let parts = timeline_sql(&request, 10).unwrap();
        let sql = parts.builder().sql().to_owned();
        assert!(!sql.contains("neil"), "{sql}");
        assert!(!sql.contains("DROP"), "{sql}");
        assert!(sql.contains("i.channel IN (?, ?)"), "{sql}");
        assert!(parts
            .literal()
            .contains("'\"o\" \"neil\" \"DROP\" \"TABLE\" \"contacts\"*'"));
    }

    #[test]
    fn sort_keys_order_by_time_then_stably_by_source() {
        let a = sort_key(1_000, "imap", "me", "<a@x>");
        assert_eq!(a, sort_key(1_000, "imap", "me", "<a@x>"), "stable");
        assert!(a < sort_key(1_001, "imap", "me", "<a@x>"));
        assert!(sort_key(-5, "s", "", "1") < sort_key(0, "s", "", "1"));
        assert_ne!(a, sort_key(1_000, "imap", "me", "<b@x>"));
        assert!(time_key(1_000) <= a && a < time_key(1_001));
    }

    #[test]
    fn an_empty_date_range_is_refused() {
        let request = TimelineRequest {
            since: Some(5),
            until: Some(5),
            ..Default::default()
        };
        assert!(timeline_sql(&request, 10).is_err());
    }
}
