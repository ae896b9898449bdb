//! Telnyx (providers.md §2): SMS and call detail records polled from
//! `GET /detail_records`, inbound bodies from `GET /messages/{id}`, opt-outs from
//! `GET /messaging_optouts`, texts sent with `POST /messages`.
//!
//! There is no message list: the detail records are the feed. They are walked by
//! `created_at` over a run window with a multi-hour overlap (Telnyx warns that the last
//! ~4 h of records can still change), ascending so new records land on later pages, all
//! pages, several fetched at once. Records are upserted by id because statuses change.
//! Whether the created_at filter takes a full datetime is unconfirmed: a 400 switches the
//! run to whole dates, filtered to the window here.

pub mod client;
pub mod convert;
pub mod wire;

use std::collections::HashMap;

use futures::future::BoxFuture;
use futures::{StreamExt, TryStreamExt};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use self::convert::Body;
use self::wire::{CallRecord, MessageRecord, OptOutRow, Page};
use super::http::Api;
use super::source::{cursor_finished, iso, parse_time, start_cursor, Run, RunCursor, Source};
use super::ProviderError;
use crate::store::{OptOut, ProviderBatch, Store};

/// Telnyx keeps message bodies this long.
const BODY_DAYS_MS: i64 = 10 * 86_400_000;
/// A little inside the 10 days, so a body is not asked for at the last second.
const BODY_MARGIN_MS: i64 = 10 * 60_000;
const DAY_MS: i64 = 86_400_000;
/// Requests in flight at once (pages, bodies).
const CONCURRENCY: usize = 6;

/// Which Telnyx feed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Feed {
    /// Messaging detail records → `sms` interactions.
    Messages,
    /// Call-control detail records → `call` interactions.
    Calls,
    /// `messaging_optouts` → the opt-out ledger.
    OptOuts,
}

impl Feed {
    fn key(self) -> &'static str {
        match self {
            Feed::Messages => "telnyx_sms",
            Feed::Calls => "telnyx_calls",
            Feed::OptOuts => "telnyx_optouts",
        }
    }

    fn page_size(self) -> u32 {
        match self {
            Feed::OptOuts => 250,
            _ => 50,
        }
    }

    /// Pages per stored batch: about a thousand records.
    fn pages_per_batch(self) -> u32 {
        match self {
            Feed::OptOuts => 4,
            _ => 20,
        }
    }

    /// Re-read this much of the previous run.
    fn overlap_ms(self) -> i64 {
        match self {
            Feed::OptOuts => 10 * 60_000,
            _ => 6 * 3_600_000,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
struct Cursor {
    run: Run,
    /// The next page to fetch (1-based).
    page: u32,
    /// The API refused full datetimes in this run.
    #[serde(default)]
    date_only: bool,
}

impl RunCursor for Cursor {
    fn run(&self) -> Run {
        self.run
    }
}

/// One Telnyx feed as a [`Source`].
#[derive(Debug)]
pub struct TelnyxSource {
    feed: Feed,
    api: Api,
    store: Store,
    history_ms: i64,
}

impl TelnyxSource {
    pub fn new(feed: Feed, api: Api, store: Store, history_days: u32) -> TelnyxSource {
        TelnyxSource {
            feed,
            api,
            store,
            history_ms: i64::from(history_days) * DAY_MS,
        }
    }

    fn query(&self, c: &Cursor, page: u32) -> (&'static str, Vec<(&'static str, String)>) {
        let (lower, upper) = if c.date_only {
            (day(c.run.lower), day(c.run.upper + DAY_MS))
        } else {
            (iso(c.run.lower), iso(c.run.upper))
        };
        let mut q = vec![
            ("page[number]", page.to_string()),
            ("page[size]", self.feed.page_size().to_string()),
        ];
        let path = match self.feed {
            Feed::OptOuts => {
                q.push(("created_at[gte]", lower));
                q.push(("created_at[lte]", upper));
                "/messaging_optouts"
            }
            feed => {
                let kind = if feed == Feed::Messages {
                    "messaging"
                } else {
                    "call-control"
                };
                q.push(("filter[record_type]", kind.to_owned()));
                q.push(("filter[created_at][gte]", lower));
                q.push(("filter[created_at][lte]", upper));
                q.push(("sort", "created_at".to_owned()));
                "/detail_records"
            }
        };
        (path, q)
    }

    async fn page(&self, c: &Cursor, page: u32) -> Result<Page, ProviderError> {
        let (path, query) = self.query(c, page);
        client::page(&self.api, path, &query).await
    }

    async fn batch(&self, cursor: &Value) -> Result<ProviderBatch, ProviderError> {
        let mut c: Cursor =
            serde_json::from_value(cursor.clone()).map_err(|e| ProviderError::BadResponse {
                provider: "telnyx",
                what: "the stored sync cursor".into(),
                detail: e.to_string(),
                body_start: cursor.to_string(),
            })?;
        let first = match self.page(&c, c.page).await {
            Err(ProviderError::Refused { status: 400, .. }) if !c.date_only => {
                tracing::info!(feed = ?self.feed, "full datetimes refused; filtering by date");
                c.date_only = true;
                self.page(&c, c.page).await?
            }
            other => other?,
        };
        let size = self.feed.page_size() as usize;
        let total = first.meta.and_then(|m| m.total_pages);
        let mut last = c.page;
        let mut more = match total {
            Some(t) => c.page < t,
            None => first.data.len() >= size,
        };
        let mut items = first.data;
        if more {
            let end = c.page + self.feed.pages_per_batch() - 1;
            let end = total.map_or(end, |t| end.min(t));
            let pages: Vec<Page> = futures::stream::iter(c.page + 1..=end)
                .map(|n| self.page(&c, n))
                .buffered(CONCURRENCY)
                .try_collect()
                .await?;
            for page in pages {
                last += 1;
                let short = page.data.len() < size;
                items.extend(page.data);
                if short && total.is_none() {
                    more = false;
                    break;
                }
            }
            if let Some(t) = total {
                more = last < t;
            }
        }
        let mut batch = self.convert(items, &c).await?;
        if more {
            c.page = last + 1;
        } else {
            c.page = 1;
            c.run.complete = true;
        }
        batch.cursor = Some(serde_json::to_value(c).unwrap_or_default());
        Ok(batch)
    }

    async fn convert(
        &self,
        items: Vec<Box<serde_json::value::RawValue>>,
        c: &Cursor,
    ) -> Result<ProviderBatch, ProviderError> {
        let mut batch = ProviderBatch::default();
        let e164 = |n: &str| super::e164(n, &self.store);
        let in_window = |at: Option<&str>| {
            !c.date_only
                || at
                    .and_then(parse_time)
                    .is_none_or(|t| t >= c.run.lower && t <= c.run.upper)
        };
        let reject = |batch: &mut ProviderBatch,
                      what: &str,
                      item: &serde_json::value::RawValue,
                      e: String| {
            let reason = format!(
                "Telnyx {what}: {e} (in {})",
                crate::providers::http::body_start(item.get().as_bytes())
            );
            tracing::warn!(%reason, "skipping an unreadable record");
            batch.rejected.push(reason);
        };
        match self.feed {
            Feed::OptOuts => {
                for item in items {
                    match serde_json::from_str::<OptOutRow>(item.get()) {
                        Ok(row) if in_window(row.created_at.as_deref()) => {
                            match convert::opt_out(&row, e164) {
                                Ok(o) => batch.opt_outs.push(o),
                                Err(e) => reject(&mut batch, "opt-out", &item, e),
                            }
                        }
                        Ok(_) => {}
                        Err(e) => reject(&mut batch, "opt-out", &item, e.to_string()),
                    }
                }
            }
            Feed::Calls => {
                for item in items {
                    match serde_json::from_str::<CallRecord>(item.get()) {
                        Ok(cdr)
                            if in_window(
                                cdr.started_at.as_deref().or(cdr.start_time.as_deref()),
                            ) =>
                        {
                            match convert::call_record(&cdr, e164) {
                                Ok(r) => batch.records.push(r),
                                Err(e) => reject(&mut batch, "call record", &item, e),
                            }
                        }
                        Ok(_) => {}
                        Err(e) => reject(&mut batch, "call record", &item, e.to_string()),
                    }
                }
            }
            Feed::Messages => {
                let mut mdrs = Vec::new();
                for item in items {
                    match serde_json::from_str::<MessageRecord>(item.get()) {
                        Ok(m) if in_window(m.created_at.as_deref()) => mdrs.push(m),
                        Ok(_) => {}
                        Err(e) => reject(&mut batch, "message record", &item, e.to_string()),
                    }
                }
                let bodies = self.bodies(&mdrs).await?;
                for m in &mdrs {
                    let (body, reference) =
                        bodies.get(&m.uuid).cloned().unwrap_or((Body::Local, None));
                    if let (Body::Text(text), Some("inbound")) = (&body, m.direction.as_deref()) {
                        if let (Some(out), Some(from)) =
                            (convert::keyword(text), m.cli.as_deref().and_then(e164))
                        {
                            batch.opt_outs.push(OptOut {
                                channel: "sms".into(),
                                address: from,
                                keyword: Some(text.trim().to_ascii_uppercase()),
                                source: "inbound_sms".into(),
                                occurred_at: m
                                    .created_at
                                    .as_deref()
                                    .and_then(parse_time)
                                    .unwrap_or_else(crate::now_ms),
                                opt_in: !out,
                            });
                        }
                    }
                    match convert::message_record(m, body, e164) {
                        Ok(mut r) => {
                            r.reference = reference;
                            batch.records.push(r)
                        }
                        Err(e) => {
                            let reason = format!("Telnyx message record: {e}");
                            tracing::warn!(%reason, "skipping an unreadable record");
                            batch.rejected.push(reason);
                        }
                    }
                }
            }
        }
        Ok(batch)
    }

    /// Bodies for the records that need one: inbound texts younger than 10 days not yet
    /// stored with their text, and outbound ones that may be a send whose answer was lost
    /// (matched to the outbox by number and text). Older inbound texts are unavailable.
    async fn bodies(
        &self,
        mdrs: &[MessageRecord],
    ) -> Result<HashMap<String, (Body, Option<String>)>, ProviderError> {
        let ids: Vec<&str> = mdrs.iter().map(|m| m.uuid.as_str()).collect();
        let stored = self.store.records_with_body(convert::SOURCE, &ids).await?;
        let unsettled = self.store.unsettled_outbox("sms").await?;
        let mut waiting: HashMap<String, Vec<(String, String)>> = HashMap::new();
        for item in unsettled {
            if let Ok(m) = serde_json::from_slice::<wire::CreateMessage>(&item.payload) {
                waiting
                    .entry(m.to)
                    .or_default()
                    .push((item.reference, m.text));
            }
        }
        let now = crate::now_ms();
        let mut result = HashMap::new();
        let mut fetch = Vec::new();
        for m in mdrs {
            if stored.contains(&m.uuid) {
                continue;
            }
            let young = m
                .created_at
                .as_deref()
                .and_then(parse_time)
                .is_some_and(|t| now - t < BODY_DAYS_MS - BODY_MARGIN_MS);
            match m.direction.as_deref() {
                Some("inbound") if young => fetch.push(m.uuid.clone()),
                Some("inbound") => {
                    result.insert(m.uuid.clone(), (Body::Unavailable, None));
                }
                _ if young && m.cld.as_ref().is_some_and(|to| waiting.contains_key(to)) => {
                    fetch.push(m.uuid.clone())
                }
                _ => {}
            }
        }
        let fetched: Vec<(String, Option<String>)> = futures::stream::iter(fetch)
            .map(|id| async move {
                match client::message(&self.api, &id).await {
                    Ok(m) => Ok((id, Some(m.data.text.unwrap_or_default()))),
                    Err(ProviderError::Refused { status: 404, .. }) => Ok((id, None)),
                    Err(e) => Err(e),
                }
            })
            .buffer_unordered(CONCURRENCY)
            .try_collect()
            .await?;
        let directions: HashMap<&str, (&str, Option<&str>)> = mdrs
            .iter()
            .map(|m| {
                (
                    m.uuid.as_str(),
                    (m.direction.as_deref().unwrap_or(""), m.cld.as_deref()),
                )
            })
            .collect();
        for (id, text) in fetched {
            let (direction, to) = directions.get(id.as_str()).copied().unwrap_or(("", None));
            let entry = if direction == "inbound" {
                match text {
                    Some(t) if t.is_empty() => (Body::Redacted, None),
                    Some(t) => (Body::Text(t), None),
                    None => (Body::Unavailable, None),
                }
            } else {
                let reference = to.and_then(|to| waiting.get_mut(to)).and_then(|rows| {
                    let at = rows
                        .iter()
                        .position(|(_, sent)| Some(sent) == text.as_ref())?;
                    Some(rows.remove(at).0)
                });
                match (text, reference) {
                    (Some(t), Some(r)) => (Body::Text(t), Some(r)),
                    _ => (Body::Local, None),
                }
            };
            result.insert(id, entry);
        }
        Ok(result)
    }
}

fn day(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .unwrap_or_default()
        .format("%Y-%m-%d")
        .to_string()
}

impl Source for TelnyxSource {
    fn cursor_key(&self) -> &'static str {
        self.feed.key()
    }

    fn start(&self, stored: Option<Value>, now: i64) -> Value {
        start_cursor(stored, |previous: Option<Cursor>| Cursor {
            run: Run::next(
                previous.map(|c| c.run),
                now,
                self.feed.overlap_ms(),
                self.history_ms,
                0,
            ),
            page: 1,
            date_only: false,
        })
    }

    fn finished(&self, cursor: &Value) -> bool {
        cursor_finished::<Cursor>(cursor)
    }

    fn next_batch<'a>(
        &'a self,
        cursor: &'a Value,
    ) -> BoxFuture<'a, Result<ProviderBatch, ProviderError>> {
        Box::pin(self.batch(cursor))
    }
}
