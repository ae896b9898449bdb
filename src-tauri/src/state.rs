//! What the shell holds between commands: the registry, the open business, and the mail,
//! provider and analysis jobs that keep that business in step while the app runs.

use std::sync::Arc;
use std::time::Duration;

use hearth_core::analytics::intel::AnalysisJob;
use hearth_core::campaigns::engine::CampaignJob;
use hearth_core::events::{CoreEvent, EventSink};
use hearth_core::mail::job::MailJob;
use hearth_core::providers::job::ProviderJob;
use hearth_core::secrets::{KeyringSecrets, SecretStore};
use hearth_core::{Registry, Store};
use hearth_types::{Business, CommandError};
use tauri::Emitter;
use tokio::sync::{Mutex, RwLock};

/// How often the provider job looks for due polls and sends (each provider polls on its
/// own interval from Settings).
const PROVIDER_TICK: Duration = Duration::from_secs(5);
/// How often the analysis looks for changed contacts (a pass with nothing to do is one
/// indexed count).
const ANALYSIS_TICK: Duration = Duration::from_secs(5);
/// How often the campaign engine looks for due steps when idle (it goes on at once while
/// work is due, and is nudged by launch, pause, resume and stop).
const CAMPAIGN_TICK: Duration = Duration::from_secs(2);

pub struct AppState {
    pub registry: Registry,
    pub open: RwLock<Option<(Business, Store)>>,
    pub secrets: Arc<dyn SecretStore>,
    pub mail: Mutex<Option<MailJob>>,
    pub providers: Mutex<Option<ProviderJob>>,
    pub analysis: Mutex<Option<AnalysisJob>>,
    pub campaigns: Mutex<Option<CampaignJob>>,
}

/// Core events go to the webview as `core-event`; hot leads become desktop notifications
/// and the tray follows the analysis.
pub struct ShellEvents {
    app: tauri::AppHandle,
    store: Store,
}

impl ShellEvents {
    pub fn new(app: &tauri::AppHandle, store: &Store) -> ShellEvents {
        ShellEvents {
            app: app.clone(),
            store: store.clone(),
        }
    }
}

impl EventSink for ShellEvents {
    fn emit(&self, event: CoreEvent) {
        match &event {
            CoreEvent::HotLeads { leads } => {
                crate::intel::notify(&self.app, self.store.clone(), leads.clone())
            }
            CoreEvent::IntelUpdated { .. } => {
                crate::intel::refresh_tray(&self.app, self.store.clone())
            }
            _ => {}
        }
        if let Err(e) = self.app.emit("core-event", &event) {
            tracing::debug!(error = %e, "cannot forward a core event");
        }
    }
}

impl AppState {
    /// Opens the current business, if there is one. A business that fails to open is
    /// logged and left closed: the UI then offers the first-start choice and shows why.
    pub async fn load(registry: Registry) -> AppState {
        let open = match registry.open(None).await {
            Ok(open) => Some(open),
            Err(hearth_core::BusinessError::NoneYet) => None,
            Err(e) => {
                tracing::warn!(error = %e, "cannot open the current business");
                None
            }
        };
        AppState {
            registry,
            open: RwLock::new(open),
            secrets: Arc::new(KeyringSecrets),
            mail: Mutex::new(None),
            providers: Mutex::new(None),
            analysis: Mutex::new(None),
            campaigns: Mutex::new(None),
        }
    }

    /// The open business's store (a cheap clone of its pool).
    pub async fn store(&self) -> Result<Store, CommandError> {
        self.open
            .read()
            .await
            .as_ref()
            .map(|(_, store)| store.clone())
            .ok_or_else(|| CommandError::NoBusiness("no business is open".into()))
    }

    /// (Re)starts background sync for the open business.
    pub async fn restart_jobs(&self, app: &tauri::AppHandle) {
        let mut slot = self.mail.lock().await;
        if let Some(job) = slot.take() {
            job.stop(Duration::from_secs(10)).await;
        }
        let mut providers = self.providers.lock().await;
        if let Some(job) = providers.take() {
            job.stop(Duration::from_secs(10)).await;
        }
        let mut analysis = self.analysis.lock().await;
        if let Some(job) = analysis.take() {
            job.stop(Duration::from_secs(10)).await;
        }
        let mut campaigns = self.campaigns.lock().await;
        if let Some(job) = campaigns.take() {
            job.stop(Duration::from_secs(10)).await;
        }
        if let Ok(store) = self.store().await {
            let business_name = self
                .open
                .read()
                .await
                .as_ref()
                .map(|(b, _)| b.name.clone())
                .unwrap_or_default();
            *campaigns = Some(CampaignJob::start(
                store.clone(),
                Arc::clone(&self.secrets),
                Arc::new(ShellEvents::new(app, &store)),
                hearth_core::campaigns::Sender { business_name },
                CAMPAIGN_TICK,
            ));
            let events = Arc::new(ShellEvents::new(app, &store));
            *analysis = Some(AnalysisJob::start(
                store.clone(),
                events.clone(),
                ANALYSIS_TICK,
            ));
            // How often mail is polled when IDLE brings no news (IDLE usually does within
            // a second): the business's setting.
            let poll = store.mail_poll_secs().await.unwrap_or_else(|e| {
                tracing::warn!(error = %e, "cannot read the mail interval; using the default");
                hearth_core::store::MAIL_POLL_DEFAULT
            });
            *slot = Some(MailJob::start(
                store.clone(),
                Arc::clone(&self.secrets),
                events.clone(),
                Duration::from_secs(poll),
            ));
            *providers = Some(ProviderJob::start(
                store,
                Arc::clone(&self.secrets),
                events,
                PROVIDER_TICK,
            ));
        }
    }

    /// Runs an analysis pass now (after settings change).
    pub async fn nudge_analysis(&self) {
        if let Some(job) = self.analysis.lock().await.as_ref() {
            job.nudge();
        }
    }

    /// Runs a campaign pass now.
    pub async fn nudge_campaigns(&self) {
        if let Some(job) = self.campaigns.lock().await.as_ref() {
            job.nudge();
        }
    }

    /// Syncs mail and providers now.
    pub async fn sync_now(&self) {
        if let Some(job) = self.mail.lock().await.as_ref() {
            job.sync_now().await;
        }
        if let Some(job) = self.providers.lock().await.as_ref() {
            job.sync_now().await;
        }
    }

    /// Pauses or resumes mail and provider sync.
    pub async fn pause(&self, paused: bool) {
        if let Some(job) = self.mail.lock().await.as_ref() {
            job.pause(paused).await;
        }
        if let Some(job) = self.providers.lock().await.as_ref() {
            job.pause(paused).await;
        }
    }
}
