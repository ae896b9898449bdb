//! The mail job: an owned background component that keeps every account in step while the
//! app runs. It sends the outbox, syncs each account, waits for IMAP IDLE on INBOX (one
//! watcher per account) or the poll interval, and obeys `SyncNow`, `Pause` and `Stop`.
//! A failing account is retried with capped exponential backoff and jitter; its error
//! and retry time are kept in the store for the status panel.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio::time::{Instant, MissedTickBehavior};

use super::imap;
use super::send::{backoff_ms, process_outbox};
use super::sync::{sync_account, SyncOptions};
use super::{password, MailAccount};
use crate::events::{CoreEvent, EventSink};
use crate::now_ms;
use crate::secrets::SecretStore;
use crate::store::Store;

/// What the owner of the job can ask.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobCommand {
    SyncNow,
    Pause(bool),
    Stop,
}

/// Live progress per (account, folder): done and total of the running sync.
pub type LiveProgress = Arc<Mutex<HashMap<(String, String), (u64, u64)>>>;

/// A running mail job.
pub struct MailJob {
    commands: mpsc::Sender<JobCommand>,
    handle: JoinHandle<()>,
    /// Progress of folders being synced right now.
    pub progress: LiveProgress,
    paused: Arc<std::sync::atomic::AtomicBool>,
}

impl std::fmt::Debug for MailJob {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MailJob").finish_non_exhaustive()
    }
}

/// Forwards events and keeps the live progress table.
struct Recorder {
    inner: Arc<dyn EventSink>,
    progress: LiveProgress,
}

impl EventSink for Recorder {
    fn emit(&self, event: CoreEvent) {
        if let Ok(mut table) = self.progress.lock() {
            match &event {
                CoreEvent::MailProgress {
                    account,
                    folder,
                    done,
                    total,
                } => {
                    table.insert((account.clone(), folder.clone()), (*done, *total));
                }
                CoreEvent::MailFolderSynced {
                    account, folder, ..
                } => {
                    table.remove(&(account.clone(), folder.clone()));
                }
                CoreEvent::MailSyncFailed { account, .. } => {
                    table.retain(|(a, _), _| a != account);
                }
                _ => {}
            }
        }
        self.inner.emit(event);
    }
}

impl MailJob {
    /// Starts the job; it syncs at once, then on IDLE news, `SyncNow` or every `poll`.
    pub fn start(
        store: Store,
        secrets: Arc<dyn SecretStore>,
        events: Arc<dyn EventSink>,
        poll: Duration,
    ) -> MailJob {
        let (tx, rx) = mpsc::channel(16);
        let progress = LiveProgress::default();
        let paused = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let recorder = Arc::new(Recorder {
            inner: events,
            progress: Arc::clone(&progress),
        });
        let worker = Worker {
            store,
            secrets,
            events: recorder,
            poll,
            commands: rx,
            wake: tx.clone(),
            paused: Arc::clone(&paused),
            retry_at: HashMap::new(),
            watchers: HashMap::new(),
        };
        MailJob {
            commands: tx,
            handle: tokio::spawn(worker.run()),
            progress,
            paused,
        }
    }

    /// Asks for a sync now (also resumes nothing: a paused job stays paused).
    pub async fn sync_now(&self) {
        let _ = self.commands.send(JobCommand::SyncNow).await;
    }

    /// Pauses or resumes; a sync in progress stops after the batch in hand.
    pub async fn pause(&self, paused: bool) {
        self.paused
            .store(paused, std::sync::atomic::Ordering::SeqCst);
        let _ = self.commands.send(JobCommand::Pause(paused)).await;
    }

    pub fn is_paused(&self) -> bool {
        self.paused.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Stops the job, waiting up to `timeout` for a sync in progress to reach a batch
    /// boundary; after that the task is aborted (a batch is one transaction, so nothing is
    /// half-written either way).
    pub async fn stop(self, timeout: Duration) {
        let _ = self.commands.send(JobCommand::Stop).await;
        let mut handle = self.handle;
        if tokio::time::timeout(timeout, &mut handle).await.is_err() {
            handle.abort();
            let _ = handle.await;
        }
    }
}

struct Worker {
    store: Store,
    secrets: Arc<dyn SecretStore>,
    events: Arc<Recorder>,
    poll: Duration,
    commands: mpsc::Receiver<JobCommand>,
    wake: mpsc::Sender<JobCommand>,
    paused: Arc<std::sync::atomic::AtomicBool>,
    /// Accounts in backoff: when they may be tried again.
    retry_at: HashMap<String, (i64, i64)>,
    /// IDLE watchers per account.
    watchers: HashMap<String, JoinHandle<()>>,
}

impl Worker {
    async fn run(mut self) {
        if let Err(e) = self.store.recover_outbox().await {
            tracing::warn!(error = %e, "cannot recover the outbox");
        }
        let mut ticker = tokio::time::interval(self.poll);
        ticker.set_missed_tick_behavior(MissedTickBehavior::Skip);
        loop {
            if !self.paused.load(std::sync::atomic::Ordering::SeqCst) {
                self.pass().await;
            }
            let next = tokio::select! {
                command = self.commands.recv() => command.unwrap_or(JobCommand::Stop),
                _ = ticker.tick() => JobCommand::SyncNow,
            };
            match next {
                JobCommand::Stop => break,
                JobCommand::Pause(p) => {
                    self.paused.store(p, std::sync::atomic::Ordering::SeqCst);
                    if p {
                        self.stop_watchers();
                    }
                }
                JobCommand::SyncNow => {}
            }
        }
        self.stop_watchers();
    }

    fn stop_watchers(&mut self) {
        for (_, watcher) in self.watchers.drain() {
            watcher.abort();
        }
    }

    /// One round: the outbox, then every account not in backoff.
    async fn pass(&mut self) {
        let events: Arc<dyn EventSink> = self.events.clone();
        if let Err(e) = process_outbox(&self.store, self.secrets.as_ref(), events.as_ref()).await {
            tracing::warn!(error = %e, "outbox pass failed");
        }
        let accounts = match self.store.mail_accounts().await {
            Ok(a) => a,
            Err(e) => {
                tracing::warn!(error = %e, "cannot read mail accounts");
                return;
            }
        };
        self.watchers
            .retain(|name, w| accounts.iter().any(|a| &a.name == name) && !w.is_finished());
        let now = now_ms();
        for account in accounts {
            if let Some((at, _)) = self.retry_at.get(&account.name) {
                if *at > now {
                    continue;
                }
            }
            let result = sync_account(
                &self.store,
                self.secrets.as_ref(),
                &account,
                events.as_ref(),
                SyncOptions {
                    pause: Some(Arc::clone(&self.paused)),
                    ..SyncOptions::default()
                },
            )
            .await;
            match result {
                Ok(_) => {
                    self.retry_at.remove(&account.name);
                    if !self.watchers.contains_key(&account.name) {
                        let watcher = tokio::spawn(watch_inbox(
                            self.store.clone(),
                            Arc::clone(&self.secrets),
                            account.clone(),
                            self.wake.clone(),
                        ));
                        self.watchers.insert(account.name.clone(), watcher);
                    }
                }
                Err(e) => {
                    let failures = self.retry_at.get(&account.name).map_or(0, |(_, n)| *n);
                    let at = now_ms() + backoff_ms(failures);
                    self.retry_at
                        .insert(account.name.clone(), (at, failures + 1));
                    tracing::warn!(account = %account.name, error = %e, retry_at = at, "mail sync failed");
                    // The failing folders (or, for an account-level failure, all of them)
                    // already carry the error: add when it will be retried.
                    for folder in self
                        .store
                        .folder_states(Some(account.id))
                        .await
                        .unwrap_or_default()
                        .into_iter()
                        .filter(|f| f.state == "error")
                    {
                        let _ = self
                            .store
                            .set_folder_state(
                                folder.id,
                                "error",
                                folder.last_error.as_deref(),
                                Some(at),
                                None,
                            )
                            .await;
                    }
                    events.emit(CoreEvent::MailSyncFailed {
                        account: account.name.clone(),
                        folder: None,
                        error: e.to_string(),
                        retry_at: Some(at),
                    });
                }
            }
        }
    }
}

/// Waits in IMAP IDLE on INBOX and asks for a sync whenever the server reports news;
/// reconnects with backoff when the connection drops. Servers end IDLE after 30 minutes,
/// so it is renewed every 25.
async fn watch_inbox(
    store: Store,
    secrets: Arc<dyn SecretStore>,
    account: MailAccount,
    wake: mpsc::Sender<JobCommand>,
) {
    let mut failures = 0i64;
    loop {
        let started = Instant::now();
        let result: Result<(), super::MailError> = async {
            let password = password(&store, secrets.as_ref(), &account).await?;
            let mut session = imap::login(&account, &password).await?;
            imap::examine(&mut session, &account.imap.host, "INBOX").await?;
            let mut first = true;
            loop {
                let mut idle = session.idle();
                idle.init().await.map_err(|e| super::MailError::Imap {
                    host: account.imap.host.clone(),
                    action: "IDLE".into(),
                    detail: e.to_string(),
                })?;
                if std::mem::take(&mut first) && wake.send(JobCommand::SyncNow).await.is_err() {
                    // Mail that arrived between the last sync and IDLE: look once more.
                    return Ok(());
                }
                let (wait, _stop) = idle.wait_with_timeout(Duration::from_secs(25 * 60));
                let news = matches!(
                    wait.await,
                    Ok(async_imap::extensions::idle::IdleResponse::NewData(_))
                );
                session = idle.done().await.map_err(|e| super::MailError::Imap {
                    host: account.imap.host.clone(),
                    action: "IDLE DONE".into(),
                    detail: e.to_string(),
                })?;
                if news && wake.send(JobCommand::SyncNow).await.is_err() {
                    return Ok(());
                }
            }
        }
        .await;
        if wake.is_closed() {
            return;
        }
        if let Err(e) = result {
            tracing::info!(account = %account.name, error = %e, "IDLE watcher reconnecting");
        }
        if started.elapsed() > Duration::from_secs(300) {
            failures = 0;
        }
        tokio::time::sleep(Duration::from_millis(backoff_ms(failures) as u64)).await;
        failures += 1;
    }
}
