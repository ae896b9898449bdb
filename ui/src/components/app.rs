//! The root: first start, or the open business with its timeline.

use hearth_types::{AppStatus, CommandError};
use yew::platform::spawn_local;
use yew::prelude::*;

use super::business_menu::BusinessMenu;
use super::campaigns::CampaignsView;
use super::contacts::ContactsView;
use super::first_start::FirstStart;
use super::inbox::InboxView;
use super::settings::SettingsView;
use super::timeline::TimelineView;
use crate::api;
use crate::hooks::{use_shortcuts, use_sync_indicator};
use crate::state::keys::KeyAction;
use crate::state::settings::indicator;

#[function_component(App)]
pub fn app() -> Html {
    let status = use_state(|| None::<Result<AppStatus, CommandError>>);
    {
        let status = status.clone();
        use_effect_with((), move |_| {
            spawn_local(async move { status.set(Some(api::app_status().await)) });
        });
    }
    let on_status = {
        let status = status.clone();
        Callback::from(move |s: AppStatus| status.set(Some(Ok(s))))
    };
    match &*status {
        None => html! { <main class="centered">{ "Opening Hearth…" }</main> },
        Some(Err(e)) => html! {
            <main class="centered error" id="fatal-error">{ format!("Hearth cannot start: {e}") }</main>
        },
        Some(Ok(s)) if s.current.is_none() => html! { <FirstStart on_status={on_status} /> },
        Some(Ok(s)) => html! { <Shell status={s.clone()} on_status={on_status} /> },
    }
}

#[derive(Properties, PartialEq)]
struct ShellProps {
    status: AppStatus,
    on_status: Callback<AppStatus>,
}

/// The main views.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum View {
    Inbox,
    Timeline,
    Contacts,
    Campaigns,
    Settings,
}

#[function_component(Shell)]
fn shell(props: &ShellProps) -> Html {
    let error = use_state(|| None::<String>);
    let view = use_state(|| View::Timeline);
    // A notification or the tray asked for a contact: (id, how many asks so far).
    let open_contact = use_state(|| None::<(i64, u32)>);
    {
        let (view, open_contact) = (view.clone(), open_contact.clone());
        use_effect_with((), move |_| {
            let asks = std::rc::Rc::new(std::cell::Cell::new(0u32));
            api::on_open_contact(Callback::from(move |id: i64| {
                asks.set(asks.get() + 1);
                open_contact.set(Some((id, asks.get())));
                view.set(View::Contacts);
            }));
        });
    }
    let on_key = {
        let view = view.clone();
        use_callback((), move |action: KeyAction, _| match action {
            KeyAction::GoInbox => view.set(View::Inbox),
            KeyAction::GoTimeline => view.set(View::Timeline),
            KeyAction::GoContacts => view.set(View::Contacts),
            KeyAction::GoCampaigns => view.set(View::Campaigns),
            KeyAction::GoSettings => view.set(View::Settings),
            _ => {}
        })
    };
    use_shortcuts(on_key);
    let nav = |target: View, id: &'static str, label: &'static str| {
        let view = view.clone();
        let on = *view == target;
        html! {
            <button {id} class={classes!("nav", on.then_some("on"))} aria-current={on.then_some("page")}
                onclick={Callback::from(move |_: MouseEvent| view.set(target))}>{ label }</button>
        }
    };
    let sync = use_sync_indicator();
    let sync_indicator = match sync.as_ref().and_then(indicator) {
        Some((state, label)) => {
            let view = view.clone();
            html! {
                <button id="sync-indicator" class={classes!("sync-indicator", state)} data-state={state}
                    title="Sync status" onclick={Callback::from(move |_: MouseEvent| view.set(View::Settings))}>
                    <span class="dot" aria-hidden="true"></span>{ label }
                </button>
            }
        }
        None => html! {},
    };
    let current = props.status.current.clone();
    let current_id = current.as_ref().map(|b| b.id.clone()).unwrap_or_default();
    let on_switch = {
        let on_status = props.on_status.clone();
        let error = error.clone();
        Callback::from(move |e: Event| {
            let Some(select) = e.target_dyn_into::<web_sys::HtmlSelectElement>() else {
                return;
            };
            let id = select.value();
            let on_status = on_status.clone();
            let error = error.clone();
            spawn_local(async move {
                match api::open_business(&id).await {
                    Ok(status) => on_status.emit(status),
                    Err(e) => error.set(Some(e.to_string())),
                }
            });
        })
    };
    html! {
        <div class="shell">
            <header class="topbar">
                <span class="logo">{ "Hearth" }</span>
                <nav class="views">
                    { nav(View::Inbox, "nav-inbox", "Inbox") }
                    { nav(View::Timeline, "nav-timeline", "Timeline") }
                    { nav(View::Contacts, "nav-contacts", "Contacts") }
                    { nav(View::Campaigns, "nav-campaigns", "Campaigns") }
                    { nav(View::Settings, "nav-settings", "Settings") }
                </nav>
                { sync_indicator }
                <label class="switcher">
                    <span class="sr-only">{ "Business" }</span>
                    <select id="business-switcher" onchange={on_switch}>
                        { for props.status.businesses.iter().map(|b| html! {
                            <option value={b.id.clone()} selected={b.id == current_id}>{ &b.name }</option>
                        }) }
                    </select>
                </label>
                <span id="business-name" class="business-name">
                    { current.as_ref().map(|b| b.name.clone()).unwrap_or_default() }
                </span>
                if let Some(business) = &current {
                    <BusinessMenu key={business.id.clone()} current={business.clone()} on_status={props.on_status.clone()} />
                }
            </header>
            if let Some(message) = &*error {
                <div class="banner error" role="alert">{ message }</div>
            }
            {
                match *view {
                    View::Inbox => html! { <InboxView key={current_id.clone()} /> },
                    View::Timeline => html! { <TimelineView key={current_id.clone()} /> },
                    View::Contacts => html! { <ContactsView key={current_id.clone()} open={*open_contact} /> },
                    View::Campaigns => html! { <CampaignsView key={current_id.clone()} /> },
                    View::Settings => html! { <SettingsView key={current_id.clone()} /> },
                }
            }
        </div>
    }
}
