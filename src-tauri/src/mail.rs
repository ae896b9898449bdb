//! Mail commands: accounts, the sync status panel, sync now / pause, and replies from the
//! inbox composer (email, or a text through Telnyx). Each is one core call.

use hearth_core::mail::{self, status};
use hearth_types::{
    CommandError, MailAccountInput, MailAccountView, SendReply, SendResult, SyncStatus,
};
use tauri::State;

use crate::error::{from_mail, from_store};
use crate::state::AppState;

#[tauri::command]
pub async fn mail_accounts(
    state: State<'_, AppState>,
) -> Result<Vec<MailAccountView>, CommandError> {
    let store = state.store().await?;
    let accounts = store.mail_accounts().await.map_err(from_store)?;
    Ok(accounts.iter().map(status::account_view).collect())
}

/// Adds an account (password to the keyring) and starts syncing it at once.
#[tauri::command]
pub async fn add_mail_account(
    state: State<'_, AppState>,
    input: MailAccountInput,
) -> Result<MailAccountView, CommandError> {
    let store = state.store().await?;
    let new = status::account_from_input(&input).map_err(from_mail)?;
    let account = mail::add_account(&store, state.secrets.as_ref(), new, &input.password)
        .await
        .map_err(from_mail)?;
    if let Some(job) = state.mail.lock().await.as_ref() {
        job.sync_now().await;
    }
    Ok(status::account_view(&account))
}

#[tauri::command]
pub async fn remove_mail_account(
    state: State<'_, AppState>,
    name: String,
) -> Result<(), CommandError> {
    let store = state.store().await?;
    mail::remove_account(&store, state.secrets.as_ref(), &name)
        .await
        .map_err(from_mail)
}

/// Logs in and reports what would sync, or precisely what failed.
#[tauri::command]
pub async fn test_mail_account(
    state: State<'_, AppState>,
    name: String,
) -> Result<String, CommandError> {
    let store = state.store().await?;
    let account = store.mail_account(&name).await.map_err(from_store)?;
    let report = mail::test_account(&store, state.secrets.as_ref(), &account)
        .await
        .map_err(from_mail)?;
    Ok(report.to_string())
}

#[tauri::command]
pub async fn sync_status(state: State<'_, AppState>) -> Result<SyncStatus, CommandError> {
    let store = state.store().await?;
    let job = state.mail.lock().await;
    let live = job.as_ref().map(|j| j.progress.clone());
    let paused = job.as_ref().is_some_and(|j| j.is_paused());
    drop(job);
    let mut status = status::sync_status(&store, live.as_ref(), paused)
        .await
        .map_err(from_mail)?;
    let syncing = state
        .providers
        .lock()
        .await
        .as_ref()
        .map(|j| j.syncing())
        .unwrap_or_default();
    let rows =
        hearth_core::providers::status::source_rows(&store, status.running, paused, &syncing)
            .await
            .map_err(crate::error::from_provider)?;
    status.sources.extend(rows);
    Ok(status)
}

#[tauri::command]
pub async fn sync_now(state: State<'_, AppState>) -> Result<(), CommandError> {
    state.sync_now().await;
    Ok(())
}

#[tauri::command]
pub async fn pause_sync(state: State<'_, AppState>, paused: bool) -> Result<(), CommandError> {
    state.pause(paused).await;
    Ok(())
}

/// Queues a reply and tries to send it right away; offline, it waits in the outbox.
#[tauri::command]
pub async fn send_reply(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    request: SendReply,
) -> Result<SendResult, CommandError> {
    let store = state.store().await?;
    if request.channel == Some(hearth_types::Channel::Sms) {
        let item = hearth_core::providers::send::queue_sms_reply(
            &store,
            request.interaction_id,
            &request.body,
        )
        .await
        .map_err(crate::error::from_provider)?;
        return crate::providers::deliver(&app, &state, &store, item.id).await;
    }
    let queued = status::queue_reply_from(&store, request.interaction_id, &request.body)
        .await
        .map_err(from_mail)?;
    mail::send::process_outbox(
        &store,
        state.secrets.as_ref(),
        &crate::state::ShellEvents::new(&app, &store),
    )
    .await
    .map_err(from_mail)?;
    let item = store
        .outbox_item(queued.outbox_id)
        .await
        .map_err(from_store)?;
    Ok(SendResult {
        outbox_id: item.id,
        state: item.state,
        message: item.last_error,
        interaction_id: item.interaction_id,
    })
}
