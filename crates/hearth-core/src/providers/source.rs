//! The one shape every polled feed has, and the loop that drains it.
//!
//! A run covers a time window fixed when it starts (from the stored cursor, minus an
//! overlap, to now); each batch carries the cursor after it and is stored with it in one
//! transaction. The cursor says whether its run is complete: an incomplete one (a crash,
//! a kill, an error) is resumed exactly where it stopped, a complete one starts the next
//! run. Fetching batch n+1 overlaps storing batch n.

use futures::future::BoxFuture;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::ProviderError;
use crate::store::{ProviderBatch, Store};

/// A pollable feed: VAPI calls, Telnyx messages, call records, opt-outs.
pub trait Source: Send + Sync {
    /// Its key in `sync_cursors` (and in progress reports).
    fn cursor_key(&self) -> &'static str;
    /// Where a run starts, given the stored cursor (`None`: never synced) and now (UTC ms).
    fn start(&self, stored: Option<Value>, now: i64) -> Value;
    /// Whether a cursor is at the end of its run.
    fn finished(&self, cursor: &Value) -> bool;
    /// The batch after `cursor`; its `cursor` field is the next one.
    fn next_batch<'a>(
        &'a self,
        cursor: &'a Value,
    ) -> BoxFuture<'a, Result<ProviderBatch, ProviderError>>;
}

/// What draining a source did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DrainReport {
    pub batches: u64,
    pub received: u64,
    pub written: u64,
    pub contacts_created: u64,
    pub opt_outs: u64,
    pub reconciled: u64,
    /// Records that could not be read, and the first reason.
    pub rejected: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_rejection: Option<String>,
}

/// Runs a source to the end of its current run, storing as it goes.
pub async fn drain(
    store: &Store,
    source: &dyn Source,
    progress: &(dyn Fn(&DrainReport) + Send + Sync),
) -> Result<DrainReport, ProviderError> {
    let key = source.cursor_key();
    let stored = store.sync_cursor(key, "").await?;
    let mut cursor = source.start(stored, crate::now_ms());
    let mut report = DrainReport::default();
    let mut pending: Option<ProviderBatch> = None;
    let mut stop = false;
    loop {
        let fetch = async {
            if stop || source.finished(&cursor) {
                Ok(None)
            } else {
                source.next_batch(&cursor).await.map(Some)
            }
        };
        let save = async {
            match pending.take() {
                Some(batch) => store
                    .store_provider_batch(&batch)
                    .await
                    .map(|r| Some((r, batch.rejected))),
                None => Ok(None),
            }
        };
        let (fetched, saved) = tokio::join!(fetch, save);
        if let Some((r, rejected)) = saved? {
            report.rejected += rejected.len() as u64;
            if report.first_rejection.is_none() {
                report.first_rejection = rejected.into_iter().next();
            }
            report.batches += 1;
            report.received += r.received;
            report.written += r.written;
            report.contacts_created += r.contacts_created;
            report.opt_outs += r.opt_outs;
            report.reconciled += r.reconciled;
            progress(&report);
        }
        match fetched? {
            None if pending.is_none() => break,
            None => {}
            Some(mut batch) => {
                batch.cursor_source = key.to_owned();
                match &batch.cursor {
                    Some(next) => cursor = next.clone(),
                    None => {
                        // A source that forgot its cursor would loop forever: store what
                        // it gave and end the run.
                        tracing::error!(source = key, "a batch came without a cursor");
                        stop = true;
                    }
                }
                pending = Some(batch);
            }
        }
    }
    Ok(report)
}

/// A run over `(lower, upper]` in UTC ms, shared by the sources' own cursors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Run {
    pub lower: i64,
    pub upper: i64,
    pub complete: bool,
}

impl Run {
    /// The run that follows `previous` (or the first one): from its upper bound minus
    /// `overlap`, or `history` back, to `now - lag`.
    pub fn next(previous: Option<Run>, now: i64, overlap: i64, history: i64, lag: i64) -> Run {
        let upper = now - lag;
        let lower = match previous {
            Some(p) => (p.upper - overlap).min(upper),
            None => upper - history,
        };
        Run {
            lower,
            upper,
            complete: false,
        }
    }
}

/// A feed's own cursor, which knows the run it belongs to.
pub trait RunCursor: Serialize + serde::de::DeserializeOwned {
    fn run(&self) -> Run;
}

/// Where a run starts: the stored cursor while its run is incomplete (a resume), else
/// `next` of it (or of nothing, the first time). An unreadable stored cursor counts as none.
pub fn start_cursor<C: RunCursor>(
    stored: Option<Value>,
    next: impl FnOnce(Option<C>) -> C,
) -> Value {
    let stored: Option<C> = stored.and_then(|v| serde_json::from_value(v).ok());
    let cursor = match stored {
        Some(c) if !c.run().complete => c,
        previous => next(previous),
    };
    serde_json::to_value(cursor).unwrap_or_default()
}

/// Whether a cursor ends its run (an unreadable one does, so nothing loops on it).
pub fn cursor_finished<C: RunCursor>(cursor: &Value) -> bool {
    serde_json::from_value::<C>(cursor.clone()).map_or(true, |c| c.run().complete)
}

/// UTC ms as the ISO 8601 text both APIs take, with milliseconds and `Z`.
pub fn iso(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .unwrap_or_default()
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// ISO 8601 text from either API as UTC ms (`None` when unreadable).
pub fn parse_time(text: &str) -> Option<i64> {
    chrono::DateTime::parse_from_rfc3339(text.trim())
        .ok()
        .map(|t| t.timestamp_millis())
        .or_else(|| {
            // Telnyx sometimes omits the offset; read it as UTC.
            chrono::NaiveDateTime::parse_from_str(text.trim(), "%Y-%m-%dT%H:%M:%S%.f")
                .ok()
                .map(|t| t.and_utc().timestamp_millis())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_overlap_their_predecessor() {
        let first = Run::next(None, 10_000, 100, 5_000, 5);
        assert_eq!((first.lower, first.upper), (4_995, 9_995));
        let done = Run {
            complete: true,
            ..first
        };
        let second = Run::next(Some(done), 20_000, 100, 5_000, 5);
        assert_eq!((second.lower, second.upper), (9_895, 19_995));
    }

    #[test]
    fn times_read_both_ways() {
        let ms = parse_time("2026-08-01T14:03:22.512Z").unwrap();
        assert_eq!(iso(ms), "2026-08-01T14:03:22.512Z");
        assert_eq!(parse_time("2026-08-01T14:03:22Z"), Some(ms - 512));
        assert_eq!(parse_time("2026-08-01T14:03:22.512"), Some(ms));
        assert_eq!(parse_time("2026-08-01T16:03:22.512+02:00"), Some(ms));
        assert_eq!(parse_time("yesterday"), None);
    }
}
