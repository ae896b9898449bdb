//! The new/edit contact form: name, company, status, notes and any number of emails and
//! phones. The core's refusal is shown beside the form, word for word.

use hearth_types::{ContactStatus, ContactSummary};
use yew::prelude::*;

use crate::hooks::use_save_contact;
use crate::state::contact_form::{ContactForm, Field, FormAction, List, Mode};

#[derive(Properties, PartialEq)]
pub struct ContactFormProps {
    /// The form as it opens: empty, or filled with the contact being edited.
    pub initial: ContactForm,
    pub on_saved: Callback<ContactSummary>,
    pub on_cancel: Callback<()>,
}

fn text(e: &InputEvent) -> Option<String> {
    use wasm_bindgen::JsCast;
    let target = e.target()?;
    if let Some(input) = target.dyn_ref::<web_sys::HtmlInputElement>() {
        return Some(input.value());
    }
    target
        .dyn_ref::<web_sys::HtmlTextAreaElement>()
        .map(|t| t.value())
}

#[function_component(ContactFormView)]
pub fn contact_form_view(props: &ContactFormProps) -> Html {
    let initial = props.initial.clone();
    let form = use_reducer(move || initial);
    let save = use_save_contact(form.dispatcher(), props.on_saved.clone());
    let saving = form.saving;
    let set = |field: Field| {
        let form = form.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(v) = text(&e) {
                form.dispatch(FormAction::Set(field, v));
            }
        })
    };
    let on_status = {
        let form = form.clone();
        Callback::from(move |e: Event| {
            if let Some(select) = e.target_dyn_into::<web_sys::HtmlSelectElement>() {
                if let Ok(status) = select.value().parse::<ContactStatus>() {
                    form.dispatch(FormAction::SetStatus(status));
                }
            }
        })
    };
    let on_submit = {
        let form = form.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if !form.saving {
                save.emit(form.save());
            }
        })
    };
    let on_cancel = {
        let cancel = props.on_cancel.clone();
        Callback::from(move |_: MouseEvent| cancel.emit(()))
    };
    let rows = |list: List| {
        let (values, class, kind, placeholder, add_id, add_label) = match list {
            List::Emails => (
                &form.emails,
                "contact-email",
                "email",
                "name@example.com",
                "contact-add-email",
                "+ add another email",
            ),
            List::Phones => (
                &form.phones,
                "contact-phone",
                "tel",
                "(415) 555-0199 or +44 20 7946 0958",
                "contact-add-phone",
                "+ add another phone",
            ),
        };
        let add = {
            let form = form.clone();
            Callback::from(move |_: MouseEvent| form.dispatch(FormAction::AddRow(list)))
        };
        html! { <>
            <ul class="identity-rows">
                { for values.iter().enumerate().map(|(i, value)| {
                    let edit = {
                        let form = form.clone();
                        Callback::from(move |e: InputEvent| {
                            if let Some(v) = text(&e) {
                                form.dispatch(FormAction::SetRow(list, i, v));
                            }
                        })
                    };
                    let remove = {
                        let form = form.clone();
                        Callback::from(move |_: MouseEvent| form.dispatch(FormAction::RemoveRow(list, i)))
                    };
                    html! {
                        <li>
                            <input class={class} type={kind} value={value.clone()} oninput={edit}
                                {placeholder} disabled={saving} aria-label={kind} />
                            <button type="button" class="remove-row" onclick={remove} disabled={saving}
                                title="Remove" aria-label={format!("Remove {value}")}>{ "×" }</button>
                        </li>
                    }
                }) }
            </ul>
            <button type="button" id={add_id} class="add-row" onclick={add} disabled={saving}>{ add_label }</button>
        </> }
    };
    let editing = matches!(form.mode, Mode::Edit { .. });
    html! {
        <form id="contact-form" class="card contact-form" onsubmit={on_submit} aria-busy={saving.to_string()}>
            <h2>{ if editing { "Edit contact" } else { "New contact" } }</h2>
            <div class="form-grid">
                <label class="field">{ "Name" }
                    <input id="contact-name" value={form.name.clone()} oninput={set(Field::Name)}
                        placeholder="e.g. Ana García" disabled={saving} />
                </label>
                <label class="field">{ "Company" }
                    <input id="contact-company" value={form.company.clone()} oninput={set(Field::Company)}
                        placeholder="optional" disabled={saving} />
                </label>
                <label class="field">{ "Status" }
                    <select id="contact-status" onchange={on_status} disabled={saving}>
                        { for ContactStatus::ALL.iter().map(|s| html! {
                            <option value={s.as_str()} selected={*s == form.status}>{ s.as_str() }</option>
                        }) }
                    </select>
                </label>
                <div class="field wide identities-field">
                    <span>{ "Emails" }</span>
                    { rows(List::Emails) }
                </div>
                <div class="field wide identities-field">
                    <span>{ "Phones" }</span>
                    { rows(List::Phones) }
                    <span class="hint">{ "A number without a country code takes the business's country." }</span>
                </div>
                <label class="field wide">{ "Notes" }
                    <textarea id="contact-notes" rows="3" value={form.notes.clone()} oninput={set(Field::Notes)}
                        disabled={saving}></textarea>
                </label>
            </div>
            <div class="form-actions">
                <button id="contact-save" type="submit" class="primary" disabled={saving}>
                    { if saving { "Saving…" } else if editing { "Save changes" } else { "Create contact" } }
                </button>
                <button id="contact-cancel" type="button" onclick={on_cancel} disabled={saving}>{ "Cancel" }</button>
                if let Some(e) = &form.error {
                    <p id="contact-form-error" class="error" role="alert">{ e }</p>
                }
            </div>
        </form>
    }
}
