//! The outbox pass every channel shares: take the due rows of some channels, claim each
//! (so two senders never take the same row), send it, record how it ended and tell the
//! listeners. What "send" means is the channel's: SMTP for mail, Telnyx for texts, VAPI
//! for AI calls.

use std::future::Future;

use serde::Serialize;

use crate::events::{CoreEvent, EventSink};
use crate::now_ms;
use crate::store::{OutboxItem, SendOutcome, Store, StoreError};

/// What one pass over the outbox did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct OutboxReport {
    pub sent: u64,
    pub retrying: u64,
    pub failed: u64,
    pub unknown: u64,
}

/// Waiting time before attempt `attempts + 1`: 30 s doubling to an hour, with jitter.
pub fn backoff_ms(attempts: i64) -> i64 {
    let base = 30_000i64
        .saturating_mul(1 << attempts.clamp(0, 7))
        .min(3_600_000);
    // uuid's v4 is a handy source of random bits (the OS's).
    let jitter = (uuid::Uuid::new_v4().as_u128() % (base as u128 / 4 + 1)) as i64;
    base + jitter
}

/// Sends every due row of `channels` with `send`.
pub async fn process<F, Fut>(
    store: &Store,
    events: &dyn EventSink,
    channels: &[&str],
    send: F,
) -> Result<OutboxReport, StoreError>
where
    F: Fn(OutboxItem) -> Fut,
    Fut: Future<Output = SendOutcome>,
{
    let mut report = OutboxReport::default();
    for item in store.outbox(Some(now_ms())).await? {
        if !channels.contains(&item.channel.as_str()) || !store.claim_outbox(item.id).await? {
            continue;
        }
        let (id, channel) = (item.id, item.channel.clone());
        let outcome = send(item).await;
        match &outcome {
            SendOutcome::Sent => report.sent += 1,
            SendOutcome::Retry { .. } => report.retrying += 1,
            SendOutcome::Failed { .. } => report.failed += 1,
            SendOutcome::Unknown { .. } => report.unknown += 1,
        }
        store.finish_outbox(id, &outcome).await?;
        let state = outcome.state().to_owned();
        tracing::info!(id, %channel, %state, "outbox item attempted");
        events.emit(CoreEvent::OutboxChanged { id, state });
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        assert!((30_000..=37_500).contains(&backoff_ms(0)));
        assert!((60_000..=75_000).contains(&backoff_ms(1)));
        assert!(backoff_ms(50) <= 4_500_000);
    }
}
