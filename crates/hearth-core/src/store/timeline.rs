//! The unified timeline: newest first, keyset-paginated on `(occurred_at, id)`.
//!
//! Filters: one contact or the whole business, a set of channels, a date range, and
//! full-text search. User search text never reaches FTS5 as syntax: it is cut into
//! words, each quoted, the last one a prefix, all of them required.

use hearth_types::{Channel, Direction, TimelineCursor, TimelineItem, TimelinePage, TimelineRequest};
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
        let mut items = rows.iter().map(row_to_item).collect::<Result<Vec<_>, _>>()?;
        let next = if items.len() > limit as usize {
            items.truncate(limit as usize);
            items.last().map(|last| TimelineCursor { occurred_at: last.occurred_at, id: last.id })
        } else {
            None
        };
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
    let mut q = SqlParts::default();
    q.sql(
        "SELECT i.id, i.contact_id, c.name AS contact_name, i.channel, i.direction, \
         i.occurred_at, i.subject, i.body, i.summary, i.sentiment, i.thread_key, \
         i.duration_ms, i.cost_micros, i.source, i.metadata \
         FROM interactions i LEFT JOIN contacts c ON c.id = i.contact_id WHERE 1 = 1",
    );
    if let Some(contact_id) = request.contact_id {
        q.sql(" AND i.contact_id = ").int(contact_id);
    }
    if !request.channels.is_empty() && request.channels.len() < Channel::ALL.len() {
        let mut channels = request.channels.clone();
        channels.sort();
        channels.dedup();
        q.sql(" AND i.channel IN ").text_list(channels.iter().map(|c| c.as_str()));
    }
    if let Some(since) = request.since {
        q.sql(" AND i.occurred_at >= ").int(since);
    }
    if let Some(until) = request.until {
        q.sql(" AND i.occurred_at < ").int(until);
    }
    if let Some(fts) = request.search.as_deref().and_then(fts_query) {
        q.sql(" AND i.id IN (SELECT rowid FROM interactions_fts WHERE interactions_fts MATCH ")
            .text(fts)
            .sql(")");
    }
    if let Some(after) = request.after {
        q.sql(" AND (i.occurred_at, i.id) < (").int(after.occurred_at).sql(", ").int(after.id);
        q.sql(")");
    }
    // One extra row tells whether another page exists.
    q.sql(" ORDER BY i.occurred_at DESC, i.id DESC LIMIT ").int(i64::from(limit) + 1);
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

fn row_to_item(row: &sqlx::sqlite::SqliteRow) -> Result<TimelineItem, StoreError> {
    let get = |e: sqlx::Error| StoreError::Query { action: "read a timeline row", source: e };
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
            .map_err(|source| StoreError::BadEnum { column: "channel", source })?,
        direction: direction
            .parse::<Direction>()
            .map_err(|source| StoreError::BadEnum { column: "direction", source })?,
        occurred_at: row.try_get("occurred_at").map_err(get)?,
        subject: row.try_get("subject").map_err(get)?,
        body: row.try_get("body").map_err(get)?,
        summary: row.try_get("summary").map_err(get)?,
        sentiment: row.try_get("sentiment").map_err(get)?,
        thread_key: row.try_get("thread_key").map_err(get)?,
        duration_ms: row.try_get("duration_ms").map_err(get)?,
        cost_micros: row.try_get("cost_micros").map_err(get)?,
        source: row.try_get("source").map_err(get)?,
        metadata: serde_json::from_str(&metadata)
            .map_err(|source| StoreError::BadJson { column: "metadata", id, source })?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_text_becomes_quoted_words() {
        assert_eq!(fts_query("water heater").as_deref(), Some("\"water\" \"heater\"*"));
        assert_eq!(fts_query("water heater ").as_deref(), Some("\"water\" \"heater\""));
        assert_eq!(
            fts_query("\"unbalanced AND (NEAR* -col:x").as_deref(),
            Some("\"unbalanced\" \"AND\" \"NEAR\" \"col\" \"x\"*")
        );
        assert_eq!(fts_query("  ***  "), None);
        assert_eq!(fts_query("Ümlaut café").as_deref(), Some("\"Ümlaut\" \"café\"*"));
    }

    #[test]
    fn every_filter_is_bound_not_interpolated() {
        let request = TimelineRequest {
            contact_id: Some(7),
            channels: vec![Channel::Sms, Channel::Email, Channel::Sms],
            since: Some(1),
            until: Some(2),
            search: Some("o'neil; DROP TABLE contacts".into()),
            after: Some(TimelineCursor { occurred_at: 5, id: 9 }),
            limit: Some(10),
        };
        let parts = timeline_sql(&request, 10).unwrap();
        let sql = parts.builder().sql().to_owned();
        assert!(!sql.contains("neil"), "{sql}");
        assert!(!sql.contains("DROP"), "{sql}");
        assert!(sql.contains("i.channel IN (?, ?)"), "{sql}");
        assert!(parts.literal().contains("'\"o\" \"neil\" \"DROP\" \"TABLE\" \"contacts\"*'"));
    }

    #[test]
    fn an_empty_date_range_is_refused() {
        let request = TimelineRequest { since: Some(5), until: Some(5), ..Default::default() };
        assert!(timeline_sql(&request, 10).is_err());
    }
}
