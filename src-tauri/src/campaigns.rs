//! Campaign commands: the wizard's live review, save, one-click launch, pause, resume and
//! stop, the list, a campaign's progress and results, and the CSV export. The engine runs
//! as a background job (see `state.rs`).

use hearth_core::campaigns::{self, CampaignError, Control, Sender};
use hearth_types::{
    CampaignDetail, CampaignReview, CampaignSpec, CampaignStatus, CampaignSummary, CommandError,
    RecipientRow,
};
use tauri::State;

use crate::error::{from_mail, from_provider, from_store};
use crate::state::AppState;

fn from_campaign(e: CampaignError) -> CommandError {
    let message = e.to_string();
    match e {
        CampaignError::Store(e) => from_store(e),
        CampaignError::Mail(e) => from_mail(e),
        CampaignError::Provider(e) => from_provider(e),
        CampaignError::Invalid(_) | CampaignError::WrongState { .. } => {
            CommandError::BadInput(message)
        }
    }
}

async fn sender(state: &AppState) -> Sender {
    Sender {
        business_name: state
            .open
            .read()
            .await
            .as_ref()
            .map(|(b, _)| b.name.clone())
            .unwrap_or_default(),
    }
}

/// Every campaign, newest first.
#[tauri::command]
pub async fn campaigns(state: State<'_, AppState>) -> Result<Vec<CampaignSummary>, CommandError> {
    state.store().await?.campaigns().await.map_err(from_store)
}

/// The Review of a spec as it stands: live audience count and sample, who is left out
/// and why, previews, missing variables, SMS parts, cost, warnings and blocking errors.
#[tauri::command]
pub async fn campaign_review(
    state: State<'_, AppState>,
    spec: CampaignSpec,
) -> Result<CampaignReview, CommandError> {
    let store = state.store().await?;
    let sender = sender(&state).await;
    campaigns::review(&store, &spec, &sender, hearth_core::now_ms())
        .await
        .map_err(from_campaign)
}

/// Saves a draft (new when `id` is none); returns its id.
#[tauri::command]
pub async fn save_campaign(
    state: State<'_, AppState>,
    id: Option<i64>,
    spec: CampaignSpec,
) -> Result<i64, CommandError> {
    let store = state.store().await?;
    let now = hearth_core::now_ms();
    match id {
        Some(id) => campaigns::update(&store, id, &spec, now)
            .await
            .map(|()| id)
            .map_err(from_campaign),
        None => campaigns::create(&store, &spec, now)
            .await
            .map_err(from_campaign),
    }
}

/// One click: fixes the recipients and starts (or schedules) the campaign.
#[tauri::command]
pub async fn launch_campaign(
    state: State<'_, AppState>,
    id: i64,
) -> Result<CampaignDetail, CommandError> {
    let store = state.store().await?;
    let sender = sender(&state).await;
    campaigns::launch(&store, id, &sender, hearth_core::now_ms())
        .await
        .map_err(from_campaign)?;
    state.nudge_campaigns().await;
    campaigns::detail(&store, id).await.map_err(from_campaign)
}

/// "pause", "resume" or "stop".
#[tauri::command]
pub async fn control_campaign(
    state: State<'_, AppState>,
    id: i64,
    action: String,
) -> Result<CampaignStatus, CommandError> {
    let action = match action.as_str() {
        "pause" => Control::Pause,
        "resume" => Control::Resume,
        "stop" => Control::Stop,
        other => return Err(CommandError::BadInput(format!("unknown action {other:?}"))),
    };
    let store = state.store().await?;
    let status = campaigns::control(&store, id, action, hearth_core::now_ms())
        .await
        .map_err(from_campaign)?;
    state.nudge_campaigns().await;
    Ok(status)
}

/// A campaign's spec, progress and results.
#[tauri::command]
pub async fn campaign_detail(
    state: State<'_, AppState>,
    id: i64,
) -> Result<CampaignDetail, CommandError> {
    let store = state.store().await?;
    campaigns::detail(&store, id).await.map_err(from_campaign)
}

/// Per-recipient outcomes.
#[tauri::command]
pub async fn campaign_recipients(
    state: State<'_, AppState>,
    id: i64,
) -> Result<Vec<RecipientRow>, CommandError> {
    let store = state.store().await?;
    campaigns::recipients(&store, id)
        .await
        .map_err(from_campaign)
}

/// Writes the per-recipient outcomes as CSV into the data folder's `exports/`; returns the
/// file's path (no secrets are in it).
#[tauri::command]
pub async fn export_campaign(state: State<'_, AppState>, id: i64) -> Result<String, CommandError> {
    let store = state.store().await?;
    let rows = campaigns::recipients(&store, id)
        .await
        .map_err(from_campaign)?;
    let csv = campaigns::recipients_csv(&rows).map_err(from_campaign)?;
    let dir = state.registry.data_dir().join("exports");
    let path = dir.join(format!("campaign-{id}-results.csv"));
    std::fs::create_dir_all(&dir)
        .and_then(|()| std::fs::write(&path, csv))
        .map_err(|e| CommandError::Internal(format!("cannot write {}: {e}", path.display())))?;
    Ok(path.display().to_string())
}

/// Every step of a spec rendered for one contact.
#[tauri::command]
pub async fn campaign_preview(
    state: State<'_, AppState>,
    spec: CampaignSpec,
    contact: i64,
) -> Result<Vec<hearth_types::StepPreview>, CommandError> {
    let store = state.store().await?;
    let sender = sender(&state).await;
    campaigns::preview_for(&store, &spec, &sender, contact)
        .await
        .map_err(from_campaign)
}
