//! General settings (phone region, mail check interval, data folder) and restoring backups.

use hearth_core::business::location;
use hearth_types::{
    AppStatus, BackupFile, ChangeDataDir, CommandError, DataDirSource, GeneralSettings,
    RestoreBackup, SetGeneral,
};
use tauri::State;

use crate::error::{from_business, from_store};
use crate::state::AppState;

#[tauri::command]
pub async fn general_settings(state: State<'_, AppState>) -> Result<GeneralSettings, CommandError> {
    let store = state.store().await?;
    let in_use = state.registry.data_dir().to_owned();
    // What a start now would use; it differs from the folder in use after a change.
    let located = location::locate().map_err(from_business)?;
    let source = if located.dir == in_use {
        located.source
    } else if location::default_data_dir().as_ref() == Some(&in_use) {
        DataDirSource::Default
    } else {
        DataDirSource::Chosen
    };
    let next = (located.dir != in_use).then_some(located.dir);
    Ok(GeneralSettings {
        data_dir: in_use.to_string_lossy().into_owned(),
        data_dir_source: source,
        next_data_dir: next.map(|d| d.to_string_lossy().into_owned()),
        default_region: store.region().code().to_owned(),
        mail_poll_secs: store.mail_poll_secs().await.map_err(from_store)?,
    })
}

/// Saves the phone region and the mail interval; mail sync restarts on the new interval.
#[tauri::command]
pub async fn set_general(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    settings: SetGeneral,
) -> Result<GeneralSettings, CommandError> {
    let store = state.store().await?;
    // Both are checked before either is written.
    hearth_core::domain::parse_region(&settings.default_region)
        .map_err(|e| from_store(e.into()))?;
    let poll_changed = store.mail_poll_secs().await.map_err(from_store)? != settings.mail_poll_secs;
    store
        .set_mail_poll_secs(settings.mail_poll_secs)
        .await
        .map_err(from_store)?;
    store
        .set_default_region(&settings.default_region)
        .await
        .map_err(from_store)?;
    if poll_changed {
        state.restart_jobs(&app).await;
    }
    general_settings(state).await
}

/// Chooses the data folder for the next start, copying the businesses there first if asked.
#[tauri::command]
pub async fn change_data_dir(
    state: State<'_, AppState>,
    change: ChangeDataDir,
) -> Result<GeneralSettings, CommandError> {
    let dir = std::path::PathBuf::from(change.path.trim());
    if change.copy {
        state.registry.copy_to(&dir).await.map_err(from_business)?;
    }
    location::choose_data_dir(&dir).map_err(from_business)?;
    general_settings(state).await
}

/// Restarts the app (to use a newly chosen data folder).
#[tauri::command]
pub fn restart_app(app: tauri::AppHandle) {
    app.restart();
}

/// The backups in the data folder, newest first.
#[tauri::command]
pub async fn backups(state: State<'_, AppState>) -> Result<Vec<BackupFile>, CommandError> {
    state.registry.backups().map_err(from_business)
}

/// Restores a backup as a new business (checked before it is listed) and opens it.
#[tauri::command]
pub async fn restore_backup(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    restore: RestoreBackup,
) -> Result<AppStatus, CommandError> {
    let name = restore
        .name
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty());
    let business = state
        .registry
        .restore(std::path::Path::new(restore.path.trim()), name)
        .await
        .map_err(from_business)?;
    crate::commands::open_business(app, state, business.id).await
}
