//! Saves the contact form: creates or updates through the shell, then reports back.

use hearth_types::ContactSummary;
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api;
use crate::state::contact_form::{ContactForm, FormAction, Save};

/// The callback that saves; a refusal goes back into the form word for word, a saved
/// contact goes to `on_saved`.
#[hook]
pub fn use_save_contact(
    form: UseReducerDispatcher<ContactForm>,
    on_saved: Callback<ContactSummary>,
) -> Callback<Save> {
    Callback::from(move |save: Save| {
        form.dispatch(FormAction::Saving);
        let form = form.clone();
        let on_saved = on_saved.clone();
        spawn_local(async move {
            let result = match &save {
                Save::Create(input) => api::create_contact(input).await,
                Save::Update(edit) => api::update_contact(edit).await,
            };
            match result {
                Ok(contact) => on_saved.emit(contact),
                Err(e) => form.dispatch(FormAction::Failed(e.to_string())),
            }
        });
    })
}
