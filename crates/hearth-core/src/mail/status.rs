//! The app's view of mail: accounts without secrets, per-folder sync status with live
//! progress, and replies sent from the inbox composer.

use hearth_types::{MailAccountInput, MailAccountView, SendResult, SourceStatus, SyncStatus};

use super::job::LiveProgress;
use super::{Endpoint, MailAccount, MailError, NewMailAccount, Security};
use crate::store::Store;

/// The form's input as a new account.
pub fn account_from_input(input: &MailAccountInput) -> Result<NewMailAccount, MailError> {
    let smtp = match (&input.smtp_host, input.smtp_port) {
        (Some(host), Some(port)) if !host.trim().is_empty() => Some(Endpoint {
            host: host.trim().to_owned(),
            port,
            security: Security::parse(input.smtp_security.as_deref().unwrap_or("tls"))?,
        }),
        _ => None,
    };
    Ok(NewMailAccount {
        name: input.name.clone(),
        imap: Endpoint {
            host: input.imap_host.trim().to_owned(),
            port: input.imap_port,
            security: Security::parse(&input.imap_security)?,
        },
        username: input.username.trim().to_owned(),
        addresses: input.addresses.clone(),
        ca_pem: input.ca_pem.clone().filter(|p| !p.trim().is_empty()),
        smtp,
        extra_folders: input.folders.clone(),
    })
}

fn endpoint(e: &Endpoint) -> String {
    format!("{}:{} ({})", e.host, e.port, e.security.as_str())
}

/// An account without its secrets.
pub fn account_view(a: &MailAccount) -> MailAccountView {
    MailAccountView {
        name: a.name.clone(),
        imap: endpoint(&a.imap),
        username: a.username.clone(),
        addresses: a.addresses.clone(),
        smtp: a.smtp.as_ref().map(endpoint),
        folders: a.extra_folders.clone(),
    }
}

/// Every folder's state, with the live progress of running syncs.
pub async fn sync_status(
    store: &Store,
    live: Option<&LiveProgress>,
    paused: bool,
) -> Result<SyncStatus, MailError> {
    let accounts = store.mail_accounts().await?;
    let folders = store.folder_states(None).await?;
    let progress = live
        .and_then(|l| l.lock().ok().map(|t| t.clone()))
        .unwrap_or_default();
    let mut sources = Vec::new();
    for folder in folders {
        let Some(account) = accounts.iter().find(|a| a.id == folder.account_id) else {
            continue;
        };
        let running = progress.get(&(account.name.clone(), folder.name.clone()));
        let state = if paused && folder.state != "error" {
            "paused".to_owned()
        } else if running.is_some() {
            "syncing".to_owned()
        } else if folder.state == "syncing" && live.is_none() {
            // Nothing runs here: a "syncing" row is left from a sync that stopped.
            "idle".to_owned()
        } else {
            folder.state.clone()
        };
        sources.push(SourceStatus {
            source: "mail".into(),
            account: account.name.clone(),
            folder: folder.name,
            state,
            stored: folder.stored,
            server_total: folder.server_total,
            done: running.map(|r| r.0),
            total: running.map(|r| r.1),
            last_error: folder.last_error,
            retry_at: folder.retry_at,
            last_synced_at: folder.last_synced_at,
        });
    }
    // Polled every second by the status panel: counts only, no payloads.
    let counts = store.outbox_counts().await?;
    let count = |state: &str| {
        counts
            .iter()
            .find(|(s, _)| s == state)
            .map_or(0, |(_, n)| *n)
    };
    Ok(SyncStatus {
        running: live.is_some(),
        paused,
        sources,
        outbox_pending: count("pending"),
        outbox_unknown: count("unknown"),
        outbox_failed: count("failed"),
    })
}

/// Queues a reply to a stored email from the account that received it (else the first
/// account that can send).
pub async fn queue_reply_from(
    store: &Store,
    interaction_id: i64,
    body: &str,
) -> Result<SendResult, MailError> {
    if body.trim().is_empty() {
        return Err(MailError::Compose("the reply is empty".into()));
    }
    let accounts = store.mail_accounts().await?;
    let meta_account = store.interaction_account(interaction_id).await?;
    let account = accounts
        .iter()
        .find(|a| Some(&a.name) == meta_account.as_ref() && a.smtp.is_some())
        .or_else(|| accounts.iter().find(|a| a.smtp.is_some()))
        .ok_or(MailError::NoSendingAccount)?;
    let item = super::send::queue_reply(store, &account.name, interaction_id, body).await?;
    Ok(SendResult {
        outbox_id: item.id,
        state: item.state,
        message: item.last_error,
        interaction_id: item.interaction_id,
    })
}
