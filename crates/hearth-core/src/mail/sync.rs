//! Syncing an account: INBOX, Sent (by SPECIAL-USE, else by name) and the user's extra
//! folders. Per folder: UIDVALIDITY checked (a change starts the folder over without
//! duplicating anything), only UIDs above the stored high-water mark fetched, in batches
//! bounded by count and bytes. While one batch is written the next is already being
//! fetched; each batch is parsed off the async threads.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use serde::Serialize;

use super::imap::{self, Session};
use super::{password, prepare, MailAccount, MailError};
use crate::events::{CoreEvent, EventSink};
use crate::secrets::SecretStore;
use crate::store::{IncomingMail, Store};

/// Batch limits, and a pause switch checked between batches.
#[derive(Debug, Clone)]
pub struct SyncOptions {
    pub batch_messages: usize,
    pub batch_bytes: u64,
    /// When set (by the app's Pause), a running sync stops after the batch in hand.
    pub pause: Option<Arc<AtomicBool>>,
}

impl Default for SyncOptions {
    fn default() -> Self {
        SyncOptions {
            batch_messages: 500,
            batch_bytes: 16 << 20,
            pause: None,
        }
    }
}

impl SyncOptions {
    fn paused(&self) -> bool {
        self.pause
            .as_ref()
            .is_some_and(|p| p.load(Ordering::SeqCst))
    }
}

/// What a folder sync did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FolderSummary {
    pub folder: String,
    pub role: String,
    /// New UIDs fetched this time.
    pub fetched: u64,
    /// Of those, messages stored for the first time (the rest were copies already known).
    pub new: u64,
    pub server_total: u64,
    pub uid_validity_changed: bool,
}

/// What an account sync did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccountSummary {
    pub account: String,
    pub folders: Vec<FolderSummary>,
}

/// Logs in and syncs every folder of the account.
pub async fn sync_account(
    store: &Store,
    secrets: &dyn SecretStore,
    account: &MailAccount,
    events: &dyn EventSink,
    options: SyncOptions,
) -> Result<AccountSummary, MailError> {
    let connected = async {
        let password = password(store, secrets, account).await?;
        imap::login(account, &password).await
    }
    .await;
    let mut session = match connected {
        Ok(session) => session,
        Err(e) => return Err(account_failed(store, account, events, e).await),
    };
    // Folder-level failures are recorded (and reported) by the folder that failed.
    let summary = sync_session(&mut session, store, account, events, options).await;
    let _ = imap::step(&account.imap.host, "logging out", session.logout()).await;
    summary
}

/// Records and reports a failure that is the account's, not one folder's (keyring,
/// connection, TLS, login, listing folders), and hands the error back.
async fn account_failed(
    store: &Store,
    account: &MailAccount,
    events: &dyn EventSink,
    error: MailError,
) -> MailError {
    if let Err(store_error) = record_account_error(store, account, &error.to_string()).await {
        tracing::warn!(error = %store_error, "cannot record a sync error");
    }
    events.emit(CoreEvent::MailSyncFailed {
        account: account.name.clone(),
        folder: None,
        error: error.to_string(),
        retry_at: None,
    });
    error
}

/// Puts an account-level failure (login, TLS, unreachable) on its folders, INBOX at least,
/// so the status panel shows it even before the first successful sync.
pub async fn record_account_error(
    store: &Store,
    account: &MailAccount,
    error: &str,
) -> Result<(), MailError> {
    store.ensure_folder(account.id, "INBOX", "inbox").await?;
    for folder in store.folder_states(Some(account.id)).await? {
        store
            .set_folder_state(folder.id, "error", Some(error), None, None)
            .await?;
    }
    Ok(())
}

/// The folders to sync, with their roles.
pub async fn plan_folders(
    session: &mut Session,
    account: &MailAccount,
) -> Result<Vec<(String, &'static str)>, MailError> {
    let host = &account.imap.host;
    let folders = imap::list_folders(session, host).await?;
    let mut plan = vec![("INBOX".to_owned(), "inbox")];
    if let Some(sent) = imap::find_sent(&folders) {
        plan.push((sent.name.clone(), "sent"));
    }
    for extra in &account.extra_folders {
        if plan.iter().any(|(name, _)| name == extra) {
            continue;
        }
        if !folders.iter().any(|f| &f.name == extra) {
            return Err(MailError::NoFolder {
                host: host.clone(),
                folder: extra.clone(),
            });
        }
        plan.push((extra.clone(), "extra"));
    }
    Ok(plan)
}

async fn sync_session(
    session: &mut Session,
    store: &Store,
    account: &MailAccount,
    events: &dyn EventSink,
    options: SyncOptions,
) -> Result<AccountSummary, MailError> {
    let plan = match plan_folders(session, account).await {
        Ok(plan) => plan,
        Err(e) => return Err(account_failed(store, account, events, e).await),
    };
    let mut folders = Vec::with_capacity(plan.len());
    for (name, role) in plan {
        if options.paused() {
            break;
        }
        match sync_folder(
            session,
            store,
            account,
            &name,
            role,
            events,
            options.clone(),
        )
        .await
        {
            Ok(summary) => folders.push(summary),
            Err(e) => {
                let message = e.to_string();
                let state = store.ensure_folder(account.id, &name, role).await?;
                store
                    .set_folder_state(state.id, "error", Some(&message), None, None)
                    .await?;
                events.emit(CoreEvent::MailSyncFailed {
                    account: account.name.clone(),
                    folder: Some(name.clone()),
                    error: message,
                    retry_at: None,
                });
                return Err(e);
            }
        }
    }
    Ok(AccountSummary {
        account: account.name.clone(),
        folders,
    })
}

/// Splits UIDs (with sizes) into fetch batches.
fn batches(uids: &[(u32, u32)], options: &SyncOptions) -> Vec<Vec<u32>> {
    let mut out = Vec::new();
    let mut current = Vec::new();
    let mut bytes = 0u64;
    for &(uid, size) in uids {
        if !current.is_empty()
            && (current.len() >= options.batch_messages
                || bytes + u64::from(size) > options.batch_bytes)
        {
            out.push(std::mem::take(&mut current));
            bytes = 0;
        }
        current.push(uid);
        bytes += u64::from(size);
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// Parses and compresses a batch on two blocking threads (the machine we aim at has two
/// cores; the writer mostly waits on SQLite meanwhile).
async fn prepare_parallel(
    mut fetched: Vec<imap::FetchedMessage>,
) -> Result<Vec<IncomingMail>, MailError> {
    let second = fetched.split_off(fetched.len() / 2);
    let work = |part: Vec<imap::FetchedMessage>| {
        tokio::task::spawn_blocking(move || {
            part.iter()
                .map(|m| prepare(&m.raw, Some(m.uid), m.internal_date))
                .collect::<Vec<_>>()
        })
    };
    let (a, b) = tokio::join!(work(fetched), work(second));
    let stopped =
        |e: tokio::task::JoinError| MailError::Compose(format!("parsing a batch stopped: {e}"));
    let mut all = a.map_err(stopped)?;
    all.extend(b.map_err(stopped)?);
    Ok(all)
}

/// Syncs one folder.
pub async fn sync_folder(
    session: &mut Session,
    store: &Store,
    account: &MailAccount,
    folder: &str,
    role: &str,
    events: &dyn EventSink,
    options: SyncOptions,
) -> Result<FolderSummary, MailError> {
    let host = &account.imap.host;
    let mut state = store.ensure_folder(account.id, folder, role).await?;
    let status = imap::examine(session, host, folder).await?;
    let validity = i64::from(status.uid_validity);
    let changed = state.uid_validity.is_some_and(|v| v != validity);
    if state.uid_validity != Some(validity) {
        if changed {
            tracing::warn!(account = %account.name, folder, "UIDVALIDITY changed; resyncing the folder");
        }
        store.reset_folder(state.id, validity).await?;
        state.last_uid = 0;
    }
    store
        .set_folder_state(
            state.id,
            "syncing",
            None,
            None,
            Some(i64::from(status.exists)),
        )
        .await?;
    let after = u32::try_from(state.last_uid).unwrap_or(0);
    let uids = imap::new_uids(session, host, after).await?;
    let total = uids.len() as u64;
    let progress = |done: u64| {
        events.emit(CoreEvent::MailProgress {
            account: account.name.clone(),
            folder: folder.to_owned(),
            done,
            total,
        })
    };
    progress(0);
    let mut done = 0u64;
    let mut new = 0u64;
    let mut pending: Option<(Vec<IncomingMail>, u32)> = None;
    for batch in batches(&uids, &options) {
        if options.paused() {
            tracing::info!(account = %account.name, folder, "paused; the rest waits for resume");
            break;
        }
        let last = batch.last().copied().unwrap_or(after);
        let to_store = pending.take();
        let write = async {
            let started = std::time::Instant::now();
            let result = match &to_store {
                Some((mails, last)) => store
                    .store_mail_batch(account, Some((state.id, validity)), mails, Some(*last))
                    .await
                    .map(|r| Some((r, mails.len() as u64))),
                None => Ok(None),
            };
            (result, started.elapsed())
        };
        let fetch = async {
            let started = std::time::Instant::now();
            let fetched = imap::fetch_messages(session, host, &batch).await?;
            let fetch_time = started.elapsed();
            // Parsing runs on the blocking pool while the previous batch is written.
            let prepared = prepare_parallel(fetched).await?;
            tracing::debug!(?fetch_time, parse_time = ?(started.elapsed() - fetch_time), "mail batch fetched");
            Ok::<_, MailError>(prepared)
        };
        let (prepared, (written, write_time)) = tokio::join!(fetch, write);
        tracing::debug!(?write_time, messages = batch.len(), "mail batch written");
        if let Some((report, count)) = written? {
            new += report.new;
            done += count;
            progress(done);
        }
        let prepared = prepared?;
        pending = Some((prepared, last));
    }
    if let Some((mails, last)) = pending {
        let report = store
            .store_mail_batch(account, Some((state.id, validity)), &mails, Some(last))
            .await?;
        new += report.new;
        done += mails.len() as u64;
        progress(done);
    }
    store
        .set_folder_state(state.id, "idle", None, None, Some(i64::from(status.exists)))
        .await?;
    let stored = store
        .folder_states(Some(account.id))
        .await?
        .into_iter()
        .find(|f| f.id == state.id)
        .map_or(0, |f| f.stored);
    events.emit(CoreEvent::MailFolderSynced {
        account: account.name.clone(),
        folder: folder.to_owned(),
        new,
        stored,
    });
    Ok(FolderSummary {
        folder: folder.to_owned(),
        role: role.to_owned(),
        fetched: total,
        new,
        server_total: u64::from(status.exists),
        uid_validity_changed: changed,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batches_respect_count_and_bytes() {
        let uids: Vec<(u32, u32)> = (1..=10).map(|u| (u, 100)).collect();
        let opts = SyncOptions {
            batch_messages: 4,
            batch_bytes: 1_000_000,
            pause: None,
        };
        assert_eq!(
            batches(&uids, &opts),
            vec![vec![1, 2, 3, 4], vec![5, 6, 7, 8], vec![9, 10]]
        );
        let opts = SyncOptions {
            batch_messages: 100,
            batch_bytes: 250,
            pause: None,
        };
        assert_eq!(batches(&uids, &opts)[0], vec![1, 2]);
        // A message bigger than the byte limit still gets a batch of its own.
        let big = [(1, 10), (2, 5_000), (3, 10)];
        assert_eq!(batches(&big, &opts), vec![vec![1], vec![2], vec![3]]);
    }
}
