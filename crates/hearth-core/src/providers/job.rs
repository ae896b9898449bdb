//! Provider sync as one call ([`sync_provider`]) and as the background component the app
//! runs ([`ProviderJob`]): every few seconds it sends due texts and calls, and polls each
//! configured provider whose interval has passed; `SyncNow`, `Pause` and `Stop` are obeyed.
//! A failing provider waits with capped exponential backoff and jitter (never a hot
//! loop); its error and retry time are kept in the store for the status panel.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio::time::MissedTickBehavior;

use super::source::{drain, DrainReport, Source};
use super::telnyx::{Feed, TelnyxSource};
use super::vapi::CallsSource;
use super::{connect, send, Provider, ProviderError};
use crate::events::{CoreEvent, EventSink};
use crate::mail::job::JobCommand;
use crate::now_ms;
use crate::secrets::SecretStore;
use crate::store::Store;

/// What one provider sync did, per feed.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SyncReport {
    pub provider: &'static str,
    pub feeds: Vec<(&'static str, DrainReport)>,
}

impl SyncReport {
    pub fn received(&self) -> u64 {
        self.feeds.iter().map(|(_, r)| r.received).sum()
    }
}

/// Polls every feed of a provider once, to now. `progress` sees each stored batch.
pub async fn sync_provider(
    store: &Store,
    secrets: &dyn SecretStore,
    provider: Provider,
    progress: &(dyn Fn(&str, &DrainReport) + Send + Sync),
) -> Result<SyncReport, ProviderError> {
    let conn = connect(store, secrets, provider).await?;
    let history = conn.settings.history_days;
    let sources: Vec<Box<dyn Source>> = match provider {
        Provider::Vapi => vec![Box::new(CallsSource::new(conn.api, store.clone(), history))],
        Provider::Telnyx => [Feed::OptOuts, Feed::Messages, Feed::Calls]
            .into_iter()
            .map(|feed| -> Box<dyn Source> {
                Box::new(TelnyxSource::new(
                    feed,
                    conn.api.clone(),
                    store.clone(),
                    history,
                ))
            })
            .collect(),
    };
    let mut report = SyncReport {
        provider: provider.as_str(),
        feeds: Vec::new(),
    };
    for source in &sources {
        let key = source.cursor_key();
        let done = drain(store, source.as_ref(), &|r| progress(key, r)).await?;
        report.feeds.push((key, done));
    }
    Ok(report)
}

/// A running provider job.
pub struct ProviderJob {
    commands: mpsc::Sender<JobCommand>,
    handle: JoinHandle<()>,
    paused: Arc<AtomicBool>,
    syncing: Syncing,
}

/// The providers being polled right now.
type Syncing = Arc<std::sync::Mutex<Vec<String>>>;

impl std::fmt::Debug for ProviderJob {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProviderJob").finish_non_exhaustive()
    }
}

impl ProviderJob {
    /// Starts the job: it sends and polls at once, then on its own schedule; `tick` is
    /// how often it looks for due work.
    pub fn start(
        store: Store,
        secrets: Arc<dyn SecretStore>,
        events: Arc<dyn EventSink>,
        tick: Duration,
    ) -> ProviderJob {
        let (tx, rx) = mpsc::channel(16);
        let paused = Arc::new(AtomicBool::new(false));
        let syncing = Syncing::default();
        let worker = Worker {
            syncing: Arc::clone(&syncing),
            store,
            secrets,
            events,
            tick,
            commands: rx,
            paused: Arc::clone(&paused),
            due: HashMap::new(),
        };
        ProviderJob {
            commands: tx,
            handle: tokio::spawn(worker.run()),
            paused,
            syncing,
        }
    }

    /// Polls every provider now, even one in backoff.
    pub async fn sync_now(&self) {
        let _ = self.commands.send(JobCommand::SyncNow).await;
    }

    pub async fn pause(&self, paused: bool) {
        self.paused.store(paused, Ordering::SeqCst);
        let _ = self.commands.send(JobCommand::Pause(paused)).await;
    }

    pub fn is_paused(&self) -> bool {
        self.paused.load(Ordering::SeqCst)
    }

    /// The providers being polled right now.
    pub fn syncing(&self) -> Vec<String> {
        self.syncing.lock().map(|s| s.clone()).unwrap_or_default()
    }

    /// Stops, waiting up to `timeout` for a batch in hand (each batch is one
    /// transaction, so an abort after that loses nothing).
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
    events: Arc<dyn EventSink>,
    tick: Duration,
    commands: mpsc::Receiver<JobCommand>,
    paused: Arc<AtomicBool>,
    syncing: Syncing,
    /// Per provider: when it is next due, and failures in a row.
    due: HashMap<Provider, (i64, u32)>,
}

/// Backoff after `failures` failed polls in a row: 30 s doubling to 30 min, with jitter.
pub fn poll_backoff_ms(failures: u32) -> i64 {
    let base = 30_000i64
        .saturating_mul(1 << failures.min(6))
        .min(1_800_000);
    let jitter = (uuid::Uuid::new_v4().as_u128() % (base as u128 / 4 + 1)) as i64;
    base + jitter
}

impl Worker {
    async fn run(mut self) {
        let mut ticker = tokio::time::interval(self.tick);
        ticker.set_missed_tick_behavior(MissedTickBehavior::Skip);
        loop {
            if !self.paused.load(Ordering::SeqCst) {
                self.pass().await;
            }
            let command = tokio::select! {
                command = self.commands.recv() => Some(command.unwrap_or(JobCommand::Stop)),
                _ = ticker.tick() => None,
            };
            match command {
                None => {}
                Some(JobCommand::Stop) => break,
                Some(JobCommand::Pause(p)) => self.paused.store(p, Ordering::SeqCst),
                Some(JobCommand::SyncNow) => {
                    for (at, _) in self.due.values_mut() {
                        *at = 0;
                    }
                }
            }
        }
    }

    async fn pass(&mut self) {
        if let Err(e) =
            send::process_outbox(&self.store, self.secrets.as_ref(), self.events.as_ref()).await
        {
            tracing::warn!(error = %e, "provider outbox pass failed");
        }
        let accounts = match self.store.provider_accounts().await {
            Ok(a) => a,
            Err(e) => {
                tracing::warn!(error = %e, "cannot read provider settings");
                return;
            }
        };
        for account in accounts.into_iter().filter(|a| a.enabled) {
            let Some(provider) = Provider::parse(&account.provider) else {
                continue;
            };
            let (at, failures) = self.due.get(&provider).copied().unwrap_or((0, 0));
            if at > now_ms() || self.paused.load(Ordering::SeqCst) {
                continue;
            }
            let settings = super::settings_of(&account);
            let events = Arc::clone(&self.events);
            let name = provider.as_str();
            if let Ok(mut s) = self.syncing.lock() {
                s.push(name.to_owned());
            }
            let result = sync_provider(&self.store, self.secrets.as_ref(), provider, &|feed, r| {
                events.emit(CoreEvent::ProviderProgress {
                    provider: name.into(),
                    feed: feed.into(),
                    received: r.received,
                })
            })
            .await;
            if let Ok(mut s) = self.syncing.lock() {
                s.retain(|p| p != name);
            }
            match result {
                Ok(report) => {
                    let _ = self.store.record_provider_sync(name, Ok(())).await;
                    self.due
                        .insert(provider, (now_ms() + settings.poll_secs as i64 * 1000, 0));
                    self.events.emit(CoreEvent::ProviderSynced {
                        provider: name.into(),
                        received: report.received(),
                    });
                }
                Err(e) => {
                    let retry_at = now_ms() + poll_backoff_ms(failures);
                    let error = e.to_string();
                    tracing::warn!(provider = name, %error, retry_at, "provider sync failed");
                    let _ = self
                        .store
                        .record_provider_sync(name, Err((&error, Some(retry_at))))
                        .await;
                    self.due.insert(provider, (retry_at, failures + 1));
                    self.events.emit(CoreEvent::ProviderSyncFailed {
                        provider: name.into(),
                        error,
                        retry_at: Some(retry_at),
                    });
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn poll_backoff_grows_and_is_capped() {
        assert!((30_000..=37_500).contains(&poll_backoff_ms(0)));
        assert!((60_000..=75_000).contains(&poll_backoff_ms(1)));
        assert!(poll_backoff_ms(40) <= 2_250_000);
    }
}
