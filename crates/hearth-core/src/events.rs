//! What the core tells the outside world while it works: sync progress, errors, outbox
//! changes. The shell turns these into UI events, tray state and notifications; the CLI
//! prints them; tests collect them. The core never knows who listens.

use serde::Serialize;

/// Something the core did or noticed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CoreEvent {
    /// A folder sync made progress: `done` of `total` new messages stored.
    MailProgress {
        account: String,
        folder: String,
        done: u64,
        total: u64,
    },
    /// A folder is stored up to the server's newest message.
    MailFolderSynced {
        account: String,
        folder: String,
        new: u64,
        stored: i64,
    },
    /// A sync failed; it is retried at `retry_at` (UTC ms) when that can help.
    MailSyncFailed {
        account: String,
        folder: Option<String>,
        error: String,
        retry_at: Option<i64>,
    },
    /// An outbox row changed state (queued, sent, failed, unknown).
    OutboxChanged { id: i64, state: String },
    /// A provider feed stored a batch: `received` records so far in this poll.
    ProviderProgress {
        provider: String,
        feed: String,
        received: u64,
    },
    /// A provider poll finished.
    ProviderSynced { provider: String, received: u64 },
    /// A provider poll failed; it is tried again at `retry_at` (UTC ms).
    ProviderSyncFailed {
        provider: String,
        error: String,
        retry_at: Option<i64>,
    },
}

/// Where events go.
pub trait EventSink: Send + Sync {
    fn emit(&self, event: CoreEvent);
}

/// Drops every event.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoEvents;

impl EventSink for NoEvents {
    fn emit(&self, _event: CoreEvent) {}
}

impl EventSink for tokio::sync::broadcast::Sender<CoreEvent> {
    fn emit(&self, event: CoreEvent) {
        // No receiver is fine: nobody is looking right now.
        let _ = self.send(event);
    }
}

impl<F: Fn(CoreEvent) + Send + Sync> EventSink for F {
    fn emit(&self, event: CoreEvent) {
        self(event)
    }
}
