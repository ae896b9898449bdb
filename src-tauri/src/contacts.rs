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
