//! Contact commands: create and edit a contact with its emails and phones.

use hearth_core::domain::{ContactChanges, NewContact};
use hearth_types::{CommandError, ContactEdit, ContactInput, ContactSummary};
use tauri::State;

use crate::error::from_store;
use crate::state::AppState;

/// Creates a contact; an email or phone that belongs to someone else refuses it whole.
#[tauri::command]
pub async fn create_contact(
    state: State<'_, AppState>,
    input: ContactInput,
) -> Result<ContactSummary, CommandError> {
    state
        .store()
        .await?
        .add_contact(&NewContact::from(input))
        .await
        .map_err(from_store)
}

/// Applies an edit in one transaction: all of it, or nothing.
#[tauri::command]
pub async fn update_contact(
    state: State<'_, AppState>,
    edit: ContactEdit,
) -> Result<ContactSummary, CommandError> {
    let id = edit.id;
    state
        .store()
        .await?
        .update_contact(id, &ContactChanges::from(edit))
        .await
        .map_err(from_store)
}

/// Probable duplicates, surest first.
#[tauri::command]
pub async fn duplicates(
    state: State<'_, AppState>,
) -> Result<Vec<hearth_types::DuplicatePair>, CommandError> {
    state
        .store()
        .await?
        .find_duplicates(100)
        .await
        .map_err(from_store)
}

/// Merges `other` into `keep` (undoable).
#[tauri::command]
pub async fn merge_contacts(
    state: State<'_, AppState>,
    keep: i64,
    other: i64,
) -> Result<hearth_types::MergeResult, CommandError> {
    state
        .store()
        .await?
        .merge_contacts(keep, other)
        .await
        .map_err(from_store)
}

/// Undoes a merge; the contact that stands on its own again.
#[tauri::command]
pub async fn undo_merge(
    state: State<'_, AppState>,
    merge_id: i64,
) -> Result<ContactSummary, CommandError> {
    state
        .store()
        .await?
        .undo_merge(merge_id)
        .await
        .map_err(from_store)
}
