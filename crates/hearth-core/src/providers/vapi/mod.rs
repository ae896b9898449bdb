//! VAPI voice-AI calls (providers.md §1): polled with `GET /call` by `updatedAt` (calls
//! change after they end), placed with `POST /call`.
//!
//! `GET /call` returns a bare array with no paging and no documented order, at most
//! `limit` (≤ 1000) items. So the poll walks time windows `(after, hi]` forward; a window
//! that comes back with exactly `limit` items may be truncated and is halved until it
//! fits (bisection), which works whatever order the server uses. Window sizes adapt to
//! the density seen, so a quiet account costs one request per poll.

pub mod client;
pub mod convert;
pub mod wire;

use std::collections::HashMap;
use std::sync::Mutex;

use futures::future::BoxFuture;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::http::Api;
use super::source::{cursor_finished, iso, start_cursor, Run, RunCursor, Source};
use super::ProviderError;
use crate::store::{ProviderBatch, Store};

/// The most calls `GET /call` returns at once.
pub const LIMIT: usize = 1000;
/// Consecutive windows asked for at once.
const WINDOWS_AT_ONCE: usize = 4;
/// Re-read this much before the last run's end: late writes and clock skew.
const OVERLAP_MS: i64 = 2 * 60_000;
/// Windows end this far before now, so calls being written are read next time.
const LAG_MS: i64 = 5_000;
const DAY_MS: i64 = 86_400_000;

/// Where a VAPI run stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
struct Cursor {
    run: Run,
    /// Everything updated up to here (exclusive lower bound of the next window) is stored.
    after: i64,
    /// The next window's width.
    window_ms: i64,
}

impl RunCursor for Cursor {
    fn run(&self) -> Run {
        self.run
    }
}

/// The calls feed.
#[derive(Debug)]
pub struct CallsSource {
    api: Api,
    store: Store,
    history_ms: i64,
    /// phone-number id → E.164, for this run.
    numbers: Mutex<HashMap<String, Option<String>>>,
}

impl CallsSource {
    pub fn new(api: Api, store: Store, history_days: u32) -> CallsSource {
        CallsSource {
            api,
            store,
            history_ms: i64::from(history_days) * DAY_MS,
            numbers: Mutex::new(HashMap::new()),
        }
    }

    /// Our number for a phone-number id: cached in memory, then in the store, then asked
    /// of VAPI once (`GET /phone-number/{id}`); an unknown id is cached as unknown.
    async fn our_number(&self, id: &str) -> Result<Option<String>, ProviderError> {
        if let Some(known) = self.numbers.lock().ok().and_then(|m| m.get(id).cloned()) {
            return Ok(known);
        }
        let number = match self.store.cached_phone_number("vapi", id).await? {
            Some((number, _)) => number,
            None => {
                let (number, name) = match client::phone_number(&self.api, id).await {
                    Ok(p) => (p.number, p.name),
                    Err(ProviderError::Refused { status: 404, .. }) => (None, None),
                    Err(e) => return Err(e),
                };
                self.store
                    .cache_phone_number("vapi", id, number.as_deref(), name.as_deref())
                    .await?;
                number
            }
        };
        if let Ok(mut m) = self.numbers.lock() {
            m.insert(id.to_owned(), number.clone());
        }
        Ok(number)
    }

    async fn batch(&self, cursor: &Value) -> Result<ProviderBatch, ProviderError> {
        let mut c: Cursor =
            serde_json::from_value(cursor.clone()).map_err(|e| ProviderError::BadResponse {
                provider: "vapi",
                what: "the stored sync cursor".into(),
                detail: e.to_string(),
                body_start: cursor.to_string(),
            })?;
        // Up to WINDOWS_AT_ONCE consecutive windows are asked for together; the batch keeps
        // those before the first full one, which is halved and asked again next time.
        let (items, hi) = loop {
            let mut bounds = Vec::with_capacity(WINDOWS_AT_ONCE);
            let mut lo = c.after;
            while bounds.len() < WINDOWS_AT_ONCE && lo < c.run.upper {
                let hi = (lo + c.window_ms).min(c.run.upper);
                bounds.push((lo, hi));
                lo = hi;
            }
            if bounds.is_empty() {
                bounds.push((c.after, c.run.upper));
            }
            // The first window alone, so a failing server sees one request's retries, not
            // four; the rest together once it answered.
            let (lo, hi) = bounds[0];
            let first = client::list_calls(&self.api, lo, hi, LIMIT).await?;
            let mut pages = vec![first];
            if pages[0].len() < LIMIT && bounds.len() > 1 {
                pages.extend(
                    futures::future::try_join_all(
                        bounds[1..]
                            .iter()
                            .map(|(lo, hi)| client::list_calls(&self.api, *lo, *hi, LIMIT)),
                    )
                    .await?,
                );
            }
            let mut items = Vec::new();
            let mut reached = c.after;
            for ((_, hi), page) in bounds.iter().zip(pages) {
                if page.len() >= LIMIT {
                    break;
                }
                items.extend(page);
                reached = *hi;
            }
            if reached > c.after {
                break (items, reached);
            }
            let (lo, hi) = bounds[0];
            if hi - lo <= 1 {
                return Err(ProviderError::TooDense {
                    provider: "vapi",
                    limit: LIMIT,
                    at: iso(hi),
                });
            }
            c.window_ms = ((hi - lo) / 2).max(1);
            tracing::debug!(window_ms = c.window_ms, "VAPI window full; halving it");
        };
        let mut batch = ProviderBatch::default();
        for item in items {
            let call = match serde_json::from_str::<wire::Call>(item.get()) {
                Ok(call) => call,
                Err(e) => {
                    let id = serde_json::from_str::<Value>(item.get())
                        .ok()
                        .and_then(|v| v.get("id").and_then(Value::as_str).map(str::to_owned))
                        .unwrap_or_else(|| "?".into());
                    let reason = format!("VAPI call {id}: {e}");
                    tracing::warn!(%reason, "skipping an unreadable call");
                    batch.rejected.push(reason);
                    continue;
                }
            };
            let our = match &call.phone_number_id {
                Some(id) => self.our_number(id).await?,
                None => None,
            };
            match convert::call_record(&call, our.as_deref(), |n| super::e164(n, &self.store)) {
                Ok(Some(record)) => batch.records.push(record),
                Ok(None) => {}
                Err(reason) => batch.rejected.push(reason),
            }
        }
        // Aim each window at a quarter to three quarters of the limit.
        let windows = ((hi - c.after) / c.window_ms.max(1)).max(1);
        let per_window = (batch.records.len() + batch.rejected.len()) as i64 / windows;
        let width = c.window_ms;
        c.window_ms = if per_window < (LIMIT / 4) as i64 {
            width.saturating_mul(2)
        } else if per_window > (LIMIT * 3 / 4) as i64 {
            width / 2
        } else {
            width
        }
        .clamp(1, 30 * DAY_MS);
        c.after = hi;
        c.run.complete = hi >= c.run.upper;
        batch.cursor = Some(serde_json::to_value(c).unwrap_or_default());
        Ok(batch)
    }
}

impl Source for CallsSource {
    fn cursor_key(&self) -> &'static str {
        "vapi"
    }

    fn start(&self, stored: Option<Value>, now: i64) -> Value {
        start_cursor(stored, |previous: Option<Cursor>| {
            let run = Run::next(
                previous.map(|c| c.run),
                now,
                OVERLAP_MS,
                self.history_ms,
                LAG_MS,
            );
            Cursor {
                run,
                after: run.lower,
                window_ms: previous.map_or(DAY_MS, |c| c.window_ms.max(OVERLAP_MS)),
            }
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
