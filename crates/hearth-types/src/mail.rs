//! Mail accounts, sync status and sending, as the UI sees them.

use serde::{Deserialize, Serialize};

/// A mail account as the settings form sends it. The password goes straight to the OS
/// keyring and is never stored or echoed back.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailAccountInput {
    pub name: String,
    pub imap_host: String,
    pub imap_port: u16,
    /// "tls", "starttls" or "plain" (plain only to this computer).
    pub imap_security: String,
    pub username: String,
    pub addresses: Vec<String>,
    pub ca_pem: Option<String>,
    pub smtp_host: Option<String>,
    pub smtp_port: Option<u16>,
    pub smtp_security: Option<String>,
    pub folders: Vec<String>,
    pub password: String,
}

/// A configured account, without secrets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailAccountView {
    pub name: String,
    /// "host:port (security)".
    pub imap: String,
    pub username: String,
    pub addresses: Vec<String>,
    pub smtp: Option<String>,
    pub folders: Vec<String>,
}

/// One source of data and how its sync stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceStatus {
    /// "mail" now; "vapi" and "telnyx" later.
    pub source: String,
    pub account: String,
    pub folder: String,
    /// "idle", "syncing", "error" or "paused".
    pub state: String,
    pub stored: i64,
    pub server_total: Option<i64>,
    /// Progress of the sync running now: done of total new messages.
    pub done: Option<u64>,
    pub total: Option<u64>,
    pub last_error: Option<String>,
    pub retry_at: Option<i64>,
    pub last_synced_at: Option<i64>,
}

/// Everything the sync status panel shows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncStatus {
    /// Whether a background sync runs at all (the desktop app; not the CLI).
    pub running: bool,
    pub paused: bool,
    pub sources: Vec<SourceStatus>,
    pub outbox_pending: i64,
    pub outbox_unknown: i64,
    pub outbox_failed: i64,
}

/// A reply to a stored message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SendReply {
    pub interaction_id: i64,
    pub body: String,
    /// Email (the default) or SMS.
    #[serde(default)]
    pub channel: Option<crate::Channel>,
}

/// How a send ended right away: "sent", or "pending" (queued: it goes out when the server
/// is reachable), "failed" or "unknown", with the reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SendResult {
    pub outbox_id: i64,
    pub state: String,
    pub message: Option<String>,
    pub interaction_id: Option<i64>,
}
