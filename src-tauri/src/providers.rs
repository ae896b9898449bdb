//! Provider commands: VAPI and Telnyx settings (the key to the keyring), texts and AI calls
//! started from the app. Each is one core call.

use hearth_core::providers::{self, send, status};
use hearth_types::{CommandError, ProviderInput, ProviderView, SendResult, SendText, StartCall};
use tauri::State;

use crate::error::{from_provider, from_store};
use crate::state::AppState;

#[tauri::command]
pub async fn providers(state: State<'_, AppState>) -> Result<Vec<ProviderView>, CommandError> {
    let store = state.store().await?;
    let accounts = store.provider_accounts().await.map_err(from_store)?;
    Ok(accounts.iter().map(status::provider_view).collect())
}

/// Saves a provider (its key to the keyring) and polls it at once.
#[tauri::command]
pub async fn set_provider(
    state: State<'_, AppState>,
    input: ProviderInput,
) -> Result<ProviderView, CommandError> {
    let store = state.store().await?;
    let (provider, settings) = status::settings_from_input(&store, &input)
        .await
        .map_err(from_provider)?;
    let base = input
        .base_url
        .as_deref()
        .map(str::trim)
        .filter(|b| !b.is_empty());
    let key = input.key.as_deref().filter(|k| !k.is_empty());
    let account = providers::configure(
        &store,
        state.secrets.as_ref(),
        provider,
        base,
        settings,
        key,
    )
    .await
    .map_err(from_provider)?;
    if let Some(job) = state.providers.lock().await.as_ref() {
        job.sync_now().await;
    }
    Ok(status::provider_view(&account))
}

#[tauri::command]
pub async fn remove_provider(
    state: State<'_, AppState>,
    provider: String,
) -> Result<(), CommandError> {
    let store = state.store().await?;
    let provider = providers::Provider::parse(&provider)
        .ok_or_else(|| CommandError::BadInput(format!("unknown provider {provider:?}")))?;
    providers::remove(&store, state.secrets.as_ref(), provider)
        .await
        .map_err(from_provider)
}

/// Sends what is due in the outbox now; its events reach the webview, so open timelines
/// show the new text or call.
pub(crate) async fn deliver(
    app: &tauri::AppHandle,
    state: &State<'_, AppState>,
    store: &hearth_core::Store,
    outbox_id: i64,
) -> Result<SendResult, CommandError> {
    send::process_outbox(
        store,
        state.secrets.as_ref(),
        &crate::state::ShellEvents::new(app, store),
    )
    .await
    .map_err(from_provider)?;
    let item = store.outbox_item(outbox_id).await.map_err(from_store)?;
    Ok(SendResult {
        outbox_id: item.id,
        state: item.state,
        message: item.last_error,
        interaction_id: item.interaction_id,
    })
}

/// Queues a text and tries to send it at once; offline, it waits in the outbox.
#[tauri::command]
pub async fn send_sms(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    request: SendText,
) -> Result<SendResult, CommandError> {
    let store = state.store().await?;
    let item = send::queue_sms(&store, &request.to, &request.text)
        .await
        .map_err(from_provider)?;
    deliver(&app, &state, &store, item.id).await
}

/// Queues an AI call and tries to place it at once.
#[tauri::command]
pub async fn start_call(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    request: StartCall,
) -> Result<SendResult, CommandError> {
    let store = state.store().await?;
    let variables = request
        .variables
        .into_iter()
        .map(|(k, v)| (k, serde_json::Value::String(v)))
        .collect();
    let item = send::queue_call(&store, &request.to, request.name.as_deref(), variables)
        .await
        .map_err(from_provider)?;
    deliver(&app, &state, &store, item.id).await
}
