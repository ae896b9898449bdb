//! Scoring a whole business: every interaction's sentiment, in pages by id, scored on all
//! cores and written back in one statement per page. New interactions are scored as they
//! arrive (mail, calls, texts); this pass fills in what predates it (imports, the demo)
//! and, with `all`, recomputes everything after the rules change.

use std::time::Instant;

use serde::Serialize;

use super::score::interaction_sentiment;
use crate::store::{ScoringRow, Store, StoreError};

/// Interactions read per page.
const PAGE: i64 = 20_000;

/// What a rescoring pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct RescoreReport {
    pub scanned: u64,
    pub changed: u64,
    pub seconds: f64,
}

fn score(rows: &[ScoringRow]) -> Vec<(i64, Option<f64>)> {
    rows.iter()
        .map(|r| {
            (
                r.id,
                interaction_sentiment(
                    r.channel,
                    r.direction,
                    r.body.as_deref(),
                    r.customer_text.as_deref(),
                ),
            )
        })
        .collect()
}

/// Scores sentiment for every interaction that has none (or all of them).
pub async fn rescore_sentiment(
    store: &Store,
    all: bool,
    progress: &(dyn Fn(u64) + Send + Sync),
) -> Result<RescoreReport, StoreError> {
    let started = Instant::now();
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let mut report = RescoreReport::default();
    let mut after = 0;
    loop {
        let rows = store.interactions_for_scoring(after, PAGE, all).await?;
        let Some(last) = rows.last() else { break };
        after = last.id;
        report.scanned += rows.len() as u64;
        let scores = tokio::task::spawn_blocking(move || {
            let chunk = rows.len().div_ceil(threads).max(1);
            std::thread::scope(|s| {
                let parts: Vec<_> = rows.chunks(chunk).map(|c| s.spawn(|| score(c))).collect();
                parts
                    .into_iter()
                    .flat_map(|p| p.join().unwrap_or_default())
                    .collect::<Vec<_>>()
            })
        })
        .await
        .unwrap_or_default();
        // Without `all`, only rows still unscored were read: an unscorable one stays NULL
        // and is read again next time, which costs a read, not a write.
        report.changed += store.set_sentiments(&scores).await?;
        progress(report.scanned);
    }
    report.seconds = started.elapsed().as_secs_f64();
    Ok(report)
}
