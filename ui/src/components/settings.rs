//! Settings: the sync status panel, the mail accounts (test, remove) beside the form
//! that adds one, and the VAPI and Telnyx settings.

use hearth_types::MailAccountView;
use yew::prelude::*;

use super::general_settings::GeneralCard;
use super::intel_settings::IntelCard;
use super::providers::ProvidersCard;
use super::sync_panel::SyncPanel;
use crate::hooks::{use_settings, Settings};
use crate::state::settings::{default_port, Check, Field, SettingsAction};

#[function_component(SettingsView)]
pub fn settings_view() -> Html {
    let settings = use_settings();
    let form_generation = settings.state.form_generation;
    html! {
        <section id="settings" class="settings-view">
            <div class="settings-grid">
                <div class="settings-column">
                    <SyncPanel settings={settings.clone()} />
                    <section id="mail-accounts" class="card">
                        <h2>{ "Mail accounts" }</h2>
                        <AccountList settings={settings.clone()} />
                    </section>
                    <ProvidersCard />
                    <IntelCard />
                    <GeneralCard />
                </div>
                <section id="mail-add-card" class="card">
                    <AccountForm key={form_generation} settings={settings} />
                </section>
            </div>
        </section>
    }
}

#[derive(Properties, Clone)]
pub struct SettingsProps {
    pub settings: Settings,
}

impl PartialEq for SettingsProps {
    fn eq(&self, other: &Self) -> bool {
        // The callbacks are rebuilt with every state; the state decides.
        self.settings.state == other.settings.state
    }
}

#[function_component(AccountList)]
fn account_list(props: &SettingsProps) -> Html {
    let s = &props.settings;
    let state = &s.state;
    match &state.accounts {
        None if state.accounts_error.is_none() => {
            html! { <p id="mail-accounts-status" class="status">{ "Loading…" }</p> }
        }
        None => html! {
            <p id="mail-accounts-status" class="error" role="alert">
                { state.accounts_error.clone().unwrap_or_default() }
            </p>
        },
        Some(accounts) if accounts.is_empty() => html! {
            <p id="mail-accounts-status" class="placeholder">{ "No mail account yet: add one with the form." }</p>
        },
        Some(accounts) => html! {
            <ul id="mail-account-list" class="account-list">
                { for accounts.iter().map(|a| account_row(s, a)) }
            </ul>
        },
    }
}

fn account_row(s: &Settings, a: &MailAccountView) -> Html {
    let name = a.name.clone();
    let check = s.state.checks.get(&a.name);
    let on_test = {
        let (test, name) = (s.test.clone(), name.clone());
        Callback::from(move |_: MouseEvent| test.emit(name.clone()))
    };
    let dispatcher = s.state.dispatcher();
    let on_ask = {
        let (dispatcher, name) = (dispatcher.clone(), name.clone());
        Callback::from(move |_: MouseEvent| {
            dispatcher.dispatch(SettingsAction::AskRemove(name.clone()))
        })
    };
    let on_keep =
        Callback::from(move |_: MouseEvent| dispatcher.dispatch(SettingsAction::CancelRemove));
    let on_remove = {
        let (remove, name) = (s.remove.clone(), name.clone());
        Callback::from(move |_: MouseEvent| remove.emit(name.clone()))
    };
    let confirming = s.state.confirm_remove.as_deref() == Some(a.name.as_str());
    let testing = check == Some(&Check::Running);
    html! {
        <li class="mail-account" data-name={a.name.clone()}>
            <div class="account-head">
                <strong class="account-name">{ &a.name }</strong>
                <span class="actions">
                    <button class="test" onclick={on_test} disabled={testing}>
                        { if testing { "Testing…" } else { "Test connection" } }
                    </button>
                    <button class="remove" onclick={on_ask} disabled={confirming}>{ "Remove" }</button>
                </span>
            </div>
            <dl class="account-facts">
                <dt>{ "IMAP" }</dt><dd class="imap">{ &a.imap }</dd>
                <dt>{ "User" }</dt><dd class="user">{ &a.username }</dd>
                <dt>{ "Addresses" }</dt><dd class="addresses">{ a.addresses.join(", ") }</dd>
                <dt>{ "SMTP" }</dt>
                <dd class="smtp">{ a.smtp.clone().unwrap_or_else(|| "not set: replies cannot be sent from this account".into()) }</dd>
                if !a.folders.is_empty() {
                    <dt>{ "Also syncs" }</dt><dd class="folders">{ a.folders.join(", ") }</dd>
                }
            </dl>
            if confirming {
                <div class="confirm" role="alert">
                    <span>{ format!("Stop syncing {} and remove its password from the keyring? Mail already stored stays on the timeline.", a.name) }</span>
                    <button class="remove-confirm danger" onclick={on_remove}>{ "Remove account" }</button>
                    <button class="remove-cancel" onclick={on_keep}>{ "Keep" }</button>
                </div>
            }
            if let Some((_, e)) = s.state.remove_error.as_ref().filter(|(n, _)| *n == a.name) {
                <p class="remove-error error" role="alert">{ e }</p>
            }
            {
                match check {
                    None => html! {},
                    Some(Check::Running) => html! {
                        <p class="test-result running" role="status">{ "Logging in…" }</p>
                    },
                    Some(Check::Passed(summary)) => html! {
                        <p class="test-result ok" role="status">{ summary }</p>
                    },
                    Some(Check::Failed(error)) => html! {
                        <p class="test-result error" role="alert">{ error }</p>
                    },
                }
            }
        </li>
    }
}

#[function_component(AccountForm)]
fn account_form(props: &SettingsProps) -> Html {
    let s = &props.settings;
    let form = &s.state.form;
    let saving = s.state.saving;
    let edit = |field: Field| {
        let dispatcher = s.state.dispatcher();
        Callback::from(move |e: InputEvent| {
            let value = e
                .target_dyn_into::<web_sys::HtmlInputElement>()
                .map(|i| i.value())
                .or_else(|| {
                    e.target_dyn_into::<web_sys::HtmlTextAreaElement>()
                        .map(|t| t.value())
                });
            if let Some(value) = value {
                dispatcher.dispatch(SettingsAction::Edit(field, value));
            }
        })
    };
    let choose = |field: Field| {
        let dispatcher = s.state.dispatcher();
        Callback::from(move |e: Event| {
            if let Some(select) = e.target_dyn_into::<web_sys::HtmlSelectElement>() {
                dispatcher.dispatch(SettingsAction::Edit(field, select.value()));
            }
        })
    };
    let security = |id: &'static str, field: Field, current: &str| {
        let options = [
            ("tls", "TLS"),
            ("starttls", "STARTTLS"),
            ("plain", "None (plain text)"),
        ];
        html! {
            <select {id} onchange={choose(field)} disabled={saving}>
                { for options.iter().map(|(value, label)| html! {
                    <option value={*value} selected={current == *value}>{ *label }</option>
                }) }
            </select>
        }
    };
    let on_submit = {
        let submit = s.submit.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            submit.emit(());
        })
    };
    html! {
        <form id="mail-account-form" class="account-form" onsubmit={on_submit} aria-busy={saving.to_string()}>
            <h2>{ "Add a mail account" }</h2>
            <p class="hint lead">
                { "Hearth reads your mail over IMAP and sends your replies over SMTP. \
                   The password is kept in this computer's keyring, never in the business file." }
            </p>
            <div class="form-grid">
                <label class="field">{ "Name" }
                    <input id="mail-name" value={form.name.clone()} oninput={edit(Field::Name)}
                        placeholder="e.g. Shop mail" maxlength="60" disabled={saving} />
                </label>
                <label class="field">{ "User name" }
                    <input id="mail-user" value={form.username.clone()} oninput={edit(Field::Username)}
                        autocomplete="off" placeholder="usually your address" disabled={saving} />
                </label>
                <label class="field wide">{ "IMAP server" }
                    <input id="mail-host" value={form.imap_host.clone()} oninput={edit(Field::ImapHost)}
                        placeholder="imap.example.com" disabled={saving} />
                </label>
                <label class="field">{ "Port" }
                    <input id="mail-port" value={form.imap_port.clone()} oninput={edit(Field::ImapPort)}
                        inputmode="numeric" placeholder={default_port(&form.imap_security, false).to_string()} disabled={saving} />
                </label>
                <label class="field">{ "Security" }
                    { security("mail-security", Field::ImapSecurity, &form.imap_security) }
                </label>
                <p class="hint wide" id="mail-security-hint">
                    { "“None (plain text)” is only allowed to this computer (localhost), e.g. a local mail bridge." }
                </p>
                <label class="field wide">{ "Password" }
                    <input id="mail-password" type="password" value={form.password.clone()} oninput={edit(Field::Password)}
                        autocomplete="new-password" disabled={saving} />
                    <span class="hint">{ "Goes to this computer's keyring; it is never shown again." }</span>
                </label>
                <label class="field wide">{ "Your addresses" }
                    <textarea id="mail-addresses" rows="2" value={form.addresses.clone()} oninput={edit(Field::Addresses)}
                        placeholder="you@example.com, sales@example.com" disabled={saving}></textarea>
                    <span class="hint">{ "Mail from these is yours; everyone else becomes a contact. Commas or new lines between them." }</span>
                </label>
                <fieldset class="wide smtp">
                    <legend>{ "Sending replies (SMTP, optional)" }</legend>
                    <label class="field">{ "SMTP server" }
                        <input id="mail-smtp-host" value={form.smtp_host.clone()} oninput={edit(Field::SmtpHost)}
                            placeholder="smtp.example.com" disabled={saving} />
                    </label>
                    <label class="field">{ "Port" }
                        <input id="mail-smtp-port" value={form.smtp_port.clone()} oninput={edit(Field::SmtpPort)}
                            inputmode="numeric" placeholder={default_port(&form.smtp_security, true).to_string()} disabled={saving} />
                    </label>
                    <label class="field">{ "Security" }
                        { security("mail-smtp-security", Field::SmtpSecurity, &form.smtp_security) }
                    </label>
                </fieldset>
                <label class="field wide">{ "Extra folders" }
                    <input id="mail-folders" value={form.folders.clone()} oninput={edit(Field::Folders)}
                        placeholder="Archive, Clients/2024" disabled={saving} />
                    <span class="hint">{ "INBOX and Sent are always synced. Commas between folders." }</span>
                </label>
                <label class="field wide">{ "CA certificate (PEM, optional)" }
                    <textarea id="mail-ca" rows="2" value={form.ca_pem.clone()} oninput={edit(Field::CaPem)}
                        class="mono" placeholder="-----BEGIN CERTIFICATE-----" disabled={saving}></textarea>
                    <span class="hint">{ "For a self-hosted server with its own certificate authority." }</span>
                </label>
            </div>
            <div class="form-actions">
                <button id="mail-add" type="submit" class="primary" disabled={saving}>
                    { if saving { "Adding…" } else { "Add account" } }
                </button>
                if let Some(e) = &s.state.form_error {
                    <p id="mail-form-error" class="error" role="alert">{ e }</p>
                }
                if let Some(added) = &s.state.added {
                    <p id="mail-form-added" class="ok" role="status">{ added }</p>
                }
            </div>
        </form>
    }
}
