//! The inbox: who is waiting for an answer, oldest first, with done, snooze and reply.

use hearth_types::{Channel, InboxEntry};
use yew::platform::spawn_local;
use yew::prelude::*;

use super::format;
use super::timeline::channel_label;
use crate::api;
use crate::hooks::{use_load, Load};

/// Why the reply composer cannot send yet.
pub const REPLY_DISABLED: &str =
    "Sending arrives with the mail (SMTP) and Telnyx integrations; until then, reply from your usual app and mark it done here.";

#[function_component(InboxView)]
pub fn inbox_view() -> Html {
    // Bumped after each action: the list reloads.
    let revision = use_state(|| 0u32);
    let error = use_state(|| None::<String>);
    let entries = use_load(*revision, |_| api::inbox());
    let act = {
        let revision = revision.clone();
        let error = error.clone();
        Callback::from(move |action: Action| {
            let revision = revision.clone();
            let error = error.clone();
            spawn_local(async move {
                let result = match action {
                    Action::Done {
                        contact_id,
                        through,
                    } => api::inbox_done(contact_id, through).await,
                    Action::Snooze { contact_id } => api::inbox_snooze(contact_id, 24).await,
                };
                match result {
                    Ok(()) => revision.set(*revision + 1),
                    Err(e) => error.set(Some(e.to_string())),
                }
            });
        })
    };
    let (list, status, loading) = match &entries {
        Load::Loading => (Vec::new(), "Loading…".to_owned(), true),
        Load::Failed(e) => (Vec::new(), e.clone(), false),
        Load::Ready(list) if list.is_empty() => (
            Vec::new(),
            "Nobody is waiting for an answer.".to_owned(),
            false,
        ),
        Load::Ready(list) => (
            list.clone(),
            format!("{} waiting, oldest first", list.len()),
            false,
        ),
    };
    html! {
        <section class="inbox-view">
            <div id="inbox-status" class="status" data-loading={loading.to_string()}>{ status }</div>
            if let Some(message) = &*error {
                <p class="banner error" role="alert">{ message }</p>
            }
            <ol id="inbox" class="inbox">
                { for list.iter().map(|e| html! {
                    <InboxRow key={e.contact_id} entry={e.clone()} act={act.clone()} />
                }) }
            </ol>
        </section>
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Action {
    Done { contact_id: i64, through: i64 },
    Snooze { contact_id: i64 },
}

#[derive(Properties, PartialEq)]
struct RowProps {
    entry: InboxEntry,
    act: Callback<Action>,
}

#[function_component(InboxRow)]
fn inbox_row(props: &RowProps) -> Html {
    let composing = use_state(|| false);
    let e = &props.entry;
    let item = &e.latest;
    let text = item.headline();
    let contact_id = e.contact_id;
    let through = item.occurred_at;
    let on_done = {
        let act = props.act.clone();
        Callback::from(move |_: MouseEvent| {
            act.emit(Action::Done {
                contact_id,
                through,
            })
        })
    };
    let on_snooze = {
        let act = props.act.clone();
        Callback::from(move |_: MouseEvent| act.emit(Action::Snooze { contact_id }))
    };
    let on_reply = {
        let composing = composing.clone();
        Callback::from(move |_: MouseEvent| composing.set(!*composing))
    };
    let channel = item.channel;
    html! {
        <li class={classes!("inbox-item", format!("ch-{channel}"))} data-contact={e.contact_id.to_string()}>
            <div class="inbox-line">
                <span class={classes!("badge", format!("ch-{channel}"))}>{ channel_label(channel) }</span>
                <span class="who">{ &e.contact_name }</span>
                <span class="what">{ text }</span>
                <span class="waiting" title="waiting since">
                    { format!("{} · {} waiting", format::time(e.waiting_since), e.waiting_count) }
                </span>
                <span class="actions">
                    <button class="reply" onclick={on_reply}>{ "Reply" }</button>
                    <button class="snooze" onclick={on_snooze}>{ "Snooze 1 day" }</button>
                    <button class="done" onclick={on_done}>{ "Done" }</button>
                </span>
            </div>
            if *composing {
                <form class="composer" onsubmit={Callback::from(|e: SubmitEvent| e.prevent_default())}>
                    <label>
                        { "Reply by " }
                        <select>
                            { for e.reply_channels.iter().map(|c| html! {
                                <option value={c.as_str()}>{ if *c == Channel::Sms { "SMS" } else { "Email" } }</option>
                            }) }
                        </select>
                    </label>
                    <textarea placeholder="Write a reply…" rows="3"></textarea>
                    <button type="submit" class="send" disabled=true title={REPLY_DISABLED}>{ "Send" }</button>
                    <p class="not-connected">{ REPLY_DISABLED }</p>
                </form>
            }
        </li>
    }
}
