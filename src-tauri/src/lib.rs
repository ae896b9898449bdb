//! The desktop shell: glue between Tauri and `hearth-core`.
//!
//! Every command takes the shared [`state::AppState`], makes one core call and maps its
//! error to the serializable [`hearth_types::CommandError`]. No SQL, HTTP, IMAP or keyring
//! code lives here: that is all in the core.

mod campaigns;
mod commands;
mod contacts;
mod error;
mod general;
mod intel;
mod mail;
mod providers;
mod state;

use hearth_core::Registry;

/// Whether the tray icon exists (then closing the window hides it).
struct TrayReady(bool);

/// When the process started its work (for the first-paint figure).
static STARTED: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();

/// The page painted its first view: how long after start (ms). Logged once; the
/// desktop benchmark reads it.
#[tauri::command]
fn first_paint(view: String) -> u64 {
    static LOGGED: std::sync::Once = std::sync::Once::new();
    let ms = STARTED.get().map_or(0, |s| s.elapsed().as_millis() as u64);
    LOGGED.call_once(|| tracing::info!(view, ms, "first view painted"));
    ms
}

/// A failure of the page's own code (a panic in the UI), for the log.
#[tauri::command]
fn ui_error(message: String) {
    tracing::error!(%message, "the window's code failed");
}

/// Starts the app.
pub fn run() {
    STARTED.get_or_init(std::time::Instant::now);
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("HEARTH_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let result = tauri::Builder::default()
        .setup(|app| {
            use tauri::Manager;
            let registry = Registry::from_env()?;
            let state = tauri::async_runtime::block_on(state::AppState::load(registry));
            app.manage(state);
            app.manage(intel::PendingOpen::default());
            // No tray host (some desktops have none) is not fatal: the window stays.
            let tray = intel::create_tray(app.handle());
            if let Err(e) = &tray {
                tracing::warn!(error = %e, "no tray icon");
            }
            app.manage(TrayReady(tray.is_ok()));
            let handle = app.handle().clone();
            tauri::async_runtime::spawn(async move {
                let state = handle.state::<state::AppState>();
                state.restart_jobs(&handle).await;
            });
            Ok(())
        })
        .on_window_event(|window, event| {
            use tauri::Manager;
            // Close to the tray: syncing and analysis go on; "Quit Hearth" in the tray
            // menu ends the app. Without a tray, closing quits as usual.
            if let tauri::WindowEvent::CloseRequested { api, .. } = event {
                let tray = window
                    .app_handle()
                    .try_state::<TrayReady>()
                    .is_some_and(|t| t.0);
                if tray && std::env::var_os("HEARTH_CLOSE_QUITS").is_none() {
                    api.prevent_close();
                    let _ = window.hide();
                }
            }
        })
        .invoke_handler(tauri::generate_handler![
            commands::app_status,
            first_paint,
            ui_error,
            commands::create_business,
            commands::open_business,
            commands::timeline,
            commands::contacts,
            commands::contact_profile,
            commands::contact_series,
            commands::weekly_activity,
            contacts::create_contact,
            contacts::update_contact,
            contacts::duplicates,
            contacts::merge_contacts,
            contacts::undo_merge,
            commands::inbox,
            commands::inbox_done,
            commands::inbox_snooze,
            commands::rename_business,
            commands::backup_business,
            commands::message_html,
            general::general_settings,
            general::set_general,
            general::change_data_dir,
            general::restart_app,
            general::backups,
            general::restore_backup,
            mail::mail_accounts,
            mail::add_mail_account,
            mail::remove_mail_account,
            mail::test_mail_account,
            mail::sync_status,
            mail::sync_now,
            mail::pause_sync,
            mail::send_reply,
            providers::providers,
            providers::set_provider,
            providers::remove_provider,
            providers::send_sms,
            providers::start_call,
            intel::intel_settings,
            intel::set_intel_settings,
            intel::hot_leads,
            intel::take_open_contact,
            campaigns::campaigns,
            campaigns::campaign_review,
            campaigns::save_campaign,
            campaigns::launch_campaign,
            campaigns::control_campaign,
            campaigns::campaign_detail,
            campaigns::campaign_recipients,
            campaigns::export_campaign,
            campaigns::campaign_preview,
        ])
        .run(tauri::generate_context!());
    if let Err(e) = result {
        tracing::error!(error = %e, "the app stopped with an error");
        std::process::exit(1);
    }
}
