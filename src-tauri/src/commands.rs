//! Tauri commands: one core call each.

use hearth_core::demo::{self, DemoOptions};
use hearth_core::store::ContactFilter;
use hearth_types::{
    AppStatus, CommandError, ContactProfile, ContactSummary, ContactsRequest, CreateBusiness,
    InboxEntry, MessageHtml, TimelinePage, TimelineRequest,
};
use tauri::State;

use crate::error::{from_business, from_store};
use crate::state::AppState;

#[tauri::command]
pub async fn app_status(state: State<'_, AppState>) -> Result<AppStatus, CommandError> {
    state.registry.status().map_err(from_business)
}

/// Creates a business (optionally filled with the demo data), opens it and makes it current.
#[tauri::command]
pub async fn create_business(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    request: CreateBusiness,
) -> Result<AppStatus, CommandError> {
    let (business, store) = state
        .registry
        .create(&request.name)
        .await
        .map_err(from_business)?;
    if request.demo {
        if let Err(e) = demo::seed(&store, &DemoOptions::default(), |_, _| {}).await {
            // Never leave a half-built demo behind: it goes to the trash.
            store.close().await;
            let _ = state.registry.delete(&business.id);
            return Err(CommandError::Internal(format!(
                "cannot build the demo business: {e}"
            )));
        }
    }
    let business = state
        .registry
        .set_current(&business.id)
        .map_err(from_business)?;
    *state.open.write().await = Some((business, store));
    state.restart_jobs(&app).await;
    state.registry.status().map_err(from_business)
}

/// Opens another business and makes it current.
#[tauri::command]
pub async fn open_business(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    id: String,
) -> Result<AppStatus, CommandError> {
    let (business, store) = state
        .registry
        .open(Some(&id))
        .await
        .map_err(from_business)?;
    state
        .registry
        .set_current(&business.id)
        .map_err(from_business)?;
    *state.open.write().await = Some((business, store));
    state.restart_jobs(&app).await;
    state.registry.status().map_err(from_business)
}

#[tauri::command]
pub async fn timeline(
    state: State<'_, AppState>,
    request: TimelineRequest,
) -> Result<TimelinePage, CommandError> {
    state
        .store()
        .await?
        .timeline(&request)
        .await
        .map_err(from_store)
}

#[tauri::command]
pub async fn contacts(
    state: State<'_, AppState>,
    request: ContactsRequest,
) -> Result<Vec<ContactSummary>, CommandError> {
    let filter = ContactFilter {
        search: request.search,
        sort: request.sort,
        limit: request.limit,
        ..Default::default()
    };
    state
        .store()
        .await?
        .list_contacts(&filter)
        .await
        .map_err(from_store)
}

#[tauri::command]
pub async fn contact_profile(
    state: State<'_, AppState>,
    id: i64,
) -> Result<ContactProfile, CommandError> {
    state
        .store()
        .await?
        .contact_profile(id)
        .await
        .map_err(from_store)
}

#[tauri::command]
pub async fn inbox(state: State<'_, AppState>) -> Result<Vec<InboxEntry>, CommandError> {
    let now = hearth_core::now_ms();
    state
        .store()
        .await?
        .inbox(now, 200)
        .await
        .map_err(from_store)
}

/// Marks a contact's messages up to `through` (UTC ms) as handled.
#[tauri::command]
pub async fn inbox_done(
    state: State<'_, AppState>,
    contact_id: i64,
    through: i64,
) -> Result<(), CommandError> {
    state
        .store()
        .await?
        .inbox_done(contact_id, through)
        .await
        .map_err(from_store)
}

/// Hides a waiting contact for `hours`.
#[tauri::command]
pub async fn inbox_snooze(
    state: State<'_, AppState>,
    contact_id: i64,
    hours: u32,
) -> Result<(), CommandError> {
    let until = hearth_core::now_ms() + i64::from(hours) * 3_600_000;
    state
        .store()
        .await?
        .inbox_snooze(contact_id, until)
        .await
        .map_err(from_store)
}

#[tauri::command]
pub async fn rename_business(
    state: State<'_, AppState>,
    id: String,
    name: String,
) -> Result<AppStatus, CommandError> {
    let renamed = state.registry.rename(&id, &name).map_err(from_business)?;
    if let Some((open, _)) = state.open.write().await.as_mut() {
        if open.id == renamed.id {
            *open = renamed;
        }
    }
    state.registry.status().map_err(from_business)
}

/// Backs up the open business into the data folder's `backups/`; returns the file's path.
#[tauri::command]
pub async fn backup_business(state: State<'_, AppState>) -> Result<String, CommandError> {
    let open = state.open.read().await;
    let (business, store) = open
        .as_ref()
        .ok_or_else(|| CommandError::NoBusiness("no business is open".into()))?;
    let path = state
        .registry
        .default_backup_path(business)
        .map_err(from_business)?;
    store.backup_to(&path).await.map_err(from_store)?;
    Ok(path.to_string_lossy().into_owned())
}

/// A message's HTML, sanitized by the core; remote images only when the user allows them.
#[tauri::command]
pub async fn message_html(
    state: State<'_, AppState>,
    id: i64,
    allow_remote_images: bool,
) -> Result<Option<MessageHtml>, CommandError> {
    state
        .store()
        .await?
        .message_html(id, allow_remote_images)
        .await
        .map_err(from_store)
}

/// A contact's sentiment and orders over time, for the profile's charts.
#[tauri::command]
pub async fn contact_series(
    state: State<'_, AppState>,
    id: i64,
) -> Result<hearth_types::ContactSeries, CommandError> {
    state
        .store()
        .await?
        .contact_series(id)
        .await
        .map_err(from_store)
}

/// Interactions per channel per week, the last 12 weeks.
#[tauri::command]
pub async fn weekly_activity(
    state: State<'_, AppState>,
) -> Result<hearth_types::WeeklyActivity, CommandError> {
    state
        .store()
        .await?
        .weekly_activity(12, hearth_core::now_ms())
        .await
        .map_err(from_store)
}
