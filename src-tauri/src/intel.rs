//! Customer intelligence in the shell: the settings commands, hot-lead desktop
//! notifications (through `hearth-notify`, with quiet hours, whose action opens the
//! contact), and the tray: open, sync now, pause, the current hot leads, quit, with the
//! number of hot leads as its tooltip. Closing the window hides it to the tray; syncing
//! and analysis go on.

use hearth_core::events::{hot_lead_messages, HotLeadAlert};
use hearth_core::Store;
use hearth_notify::{Alert, Delivery, Notifier, QuietHours};
use hearth_types::{CommandError, HotLead, IntelSettings};
use tauri::menu::{Menu, MenuItem, PredefinedMenuItem, Submenu};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Emitter, Manager, State};

use crate::error::from_store;
use crate::state::AppState;

const QUIET_HOURS: &str = "quiet_hours";
const NOTIFY: &str = "notify_hot_leads";
const TRAY: &str = "main";
/// Hot leads listed in the tray menu.
const TRAY_LEADS: i64 = 8;

async fn quiet_hours(store: &Store) -> Option<QuietHours> {
    store
        .setting(QUIET_HOURS)
        .await
        .ok()
        .flatten()
        .and_then(|s| s.parse().ok())
}

#[tauri::command]
pub async fn intel_settings(state: State<'_, AppState>) -> Result<IntelSettings, CommandError> {
    let store = state.store().await?;
    Ok(IntelSettings {
        weights: store.lead_weights().await.map_err(from_store)?,
        quiet_hours: quiet_hours(&store)
            .await
            .map(|q| q.to_string())
            .unwrap_or_default(),
        time_zone: store
            .business_time_zone()
            .await
            .map_err(from_store)?
            .name()
            .to_owned(),
        notify_hot_leads: store.setting(NOTIFY).await.map_err(from_store)?.as_deref() != Some("0"),
    })
}

/// Saves the settings; weights or time zone that changed make every contact be looked at
/// again (the analysis runs at once).
#[tauri::command]
pub async fn set_intel_settings(
    state: State<'_, AppState>,
    settings: IntelSettings,
) -> Result<IntelSettings, CommandError> {
    let store = state.store().await?;
    let quiet = settings.quiet_hours.trim();
    let quiet = if quiet.is_empty() {
        String::new()
    } else {
        quiet
            .parse::<QuietHours>()
            .map_err(|e| CommandError::BadInput(e.to_string()))?
            .to_string()
    };
    for (key, points) in settings.weights.entries() {
        if !(-100..=100).contains(&points) {
            return Err(CommandError::BadInput(format!(
                "{key}: points must be between -100 and 100, not {points}"
            )));
        }
    }
    if store.lead_weights().await.map_err(from_store)? != settings.weights {
        store
            .set_lead_weights(&settings.weights)
            .await
            .map_err(from_store)?;
    }
    let zone = store.business_time_zone().await.map_err(from_store)?;
    if zone.name() != settings.time_zone.trim() {
        store
            .set_business_time_zone(&settings.time_zone)
            .await
            .map_err(from_store)?;
    }
    store
        .set_setting(QUIET_HOURS, &quiet)
        .await
        .map_err(from_store)?;
    store
        .set_setting(NOTIFY, if settings.notify_hot_leads { "1" } else { "0" })
        .await
        .map_err(from_store)?;
    state.nudge_analysis().await;
    intel_settings(state).await
}

/// The contact a notification or the tray asked to open, if any.
#[derive(Default)]
pub struct PendingOpen(std::sync::Mutex<Option<i64>>);

/// Takes the pending "open this contact" ask.
#[tauri::command]
pub fn take_open_contact(pending: State<'_, PendingOpen>) -> Option<i64> {
    pending.0.lock().ok().and_then(|mut p| p.take())
}

#[tauri::command]
pub async fn hot_leads(state: State<'_, AppState>) -> Result<Vec<HotLead>, CommandError> {
    state.store().await?.hot_leads(50).await.map_err(from_store)
}

/// Shows the window and asks the UI to open a contact. The ask is kept until the UI takes
/// it, so a click that comes before the page is ready (or while it reloads) still counts.
pub fn open_contact(app: &AppHandle, id: i64) {
    tracing::info!(
        contact = id,
        "opening a contact from a notification or the tray"
    );
    if let Ok(mut pending) = app.state::<PendingOpen>().0.lock() {
        *pending = Some(id);
    }
    show_window(app);
    if let Err(e) = app.emit("open-contact", id) {
        tracing::debug!(error = %e, "cannot ask the window to open a contact");
    }
}

fn show_window(app: &AppHandle) {
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.show();
        let _ = window.unminimize();
        let _ = window.set_focus();
    }
}

/// Shows the notifications for a pass's hot leads, unless they are switched off or it is
/// quiet hours. D-Bus calls block, so they run off the async runtime.
pub fn notify(app: &AppHandle, store: Store, alerts: Vec<HotLeadAlert>) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        if store.setting(NOTIFY).await.ok().flatten().as_deref() == Some("0") {
            return;
        }
        let notifier = Notifier::new("Hearth").with_quiet_hours(quiet_hours(&store).await);
        let messages = hot_lead_messages(&alerts);
        let _ = tokio::task::spawn_blocking(move || {
            let now = chrono::Local::now().time();
            for m in messages {
                let alert = Alert::plain(m.contact_id, &m.summary, &m.body);
                let opener = app.clone();
                let on_open: Box<dyn FnOnce(i64) + Send> =
                    Box::new(move |id| open_contact(&opener, id));
                match notifier.deliver(&alert, now, Some(on_open)) {
                    Ok(Delivery::Shown { id }) => {
                        tracing::info!(id, summary = %alert.summary, "hot-lead notification")
                    }
                    Ok(Delivery::Quiet) => {
                        tracing::info!(summary = %alert.summary, "quiet hours: not notified")
                    }
                    Err(e) => tracing::warn!(error = %e, "cannot show a notification"),
                }
            }
        })
        .await;
    });
}

/// Creates the tray icon with its menu.
pub fn create_tray(app: &AppHandle) -> tauri::Result<()> {
    let menu = tray_menu(app, &[])?;
    let mut tray = TrayIconBuilder::with_id(TRAY)
        .tooltip("Hearth")
        .menu(&menu)
        .on_menu_event(|app, event| on_menu(app, event.id.as_ref()));
    if let Some(icon) = app.default_window_icon() {
        tray = tray.icon(icon.clone());
    }
    tray.build(app)?;
    Ok(())
}

fn tray_menu(app: &AppHandle, leads: &[HotLead]) -> tauri::Result<Menu<tauri::Wry>> {
    let hot = Submenu::with_id(
        app,
        "hot",
        if leads.is_empty() {
            "No hot leads".to_owned()
        } else {
            format!("Hot leads ({})", leads.len())
        },
        !leads.is_empty(),
    )?;
    for lead in leads {
        hot.append(&MenuItem::with_id(
            app,
            format!("lead:{}", lead.contact_id),
            format!("{} — {}", lead.name, lead.score),
            true,
            None::<&str>,
        )?)?;
    }
    Menu::with_items(
        app,
        &[
            &MenuItem::with_id(app, "open", "Open Hearth", true, None::<&str>)?,
            &hot,
            &PredefinedMenuItem::separator(app)?,
            &MenuItem::with_id(app, "sync", "Sync now", true, None::<&str>)?,
            &MenuItem::with_id(app, "pause", "Pause sync", true, None::<&str>)?,
            &MenuItem::with_id(app, "resume", "Resume sync", true, None::<&str>)?,
            &PredefinedMenuItem::separator(app)?,
            &MenuItem::with_id(app, "quit", "Quit Hearth", true, None::<&str>)?,
        ],
    )
}

fn on_menu(app: &AppHandle, id: &str) {
    match id {
        "open" => show_window(app),
        "quit" => app.exit(0),
        "sync" | "pause" | "resume" => {
            let app = app.clone();
            let id = id.to_owned();
            tauri::async_runtime::spawn(async move {
                let state = app.state::<AppState>();
                match id.as_str() {
                    "sync" => state.sync_now().await,
                    "pause" => state.pause(true).await,
                    _ => state.pause(false).await,
                }
            });
        }
        other => {
            if let Some(contact) = other.strip_prefix("lead:").and_then(|s| s.parse().ok()) {
                open_contact(app, contact);
            }
        }
    }
}

/// Refreshes the tray's hot leads and tooltip from the store.
pub fn refresh_tray(app: &AppHandle, store: Store) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let leads = match store.hot_leads(TRAY_LEADS).await {
            Ok(leads) => leads,
            Err(e) => {
                tracing::debug!(error = %e, "cannot read hot leads for the tray");
                return;
            }
        };
        let (hot, ..) = store.intel_counts().await.unwrap_or_default();
        let tooltip = match hot {
            0 => "Hearth — no hot leads".to_owned(),
            1 => "Hearth — 1 hot lead".to_owned(),
            n => format!("Hearth — {n} hot leads"),
        };
        let handle = app.clone();
        // Menus are built on the main thread.
        let _ = app.run_on_main_thread(move || {
            if let Some(tray) = handle.tray_by_id(TRAY) {
                if let Ok(menu) = tray_menu(&handle, &leads) {
                    let _ = tray.set_menu(Some(menu));
                }
                let _ = tray.set_tooltip(Some(tooltip));
            }
        });
    });
}
