//! The inbox: who is waiting for an answer, oldest first, with done, snooze and reply.

use hearth_types::{Channel, InboxEntry, SendReply};
use yew::platform::spawn_local;
use yew::prelude::*;

use super::format;
use super::timeline::channel_label;
use crate::api;
use crate::hooks::{use_load, use_send_reply, Load};
use crate::state::composer::{default_channel, send_block, Outcome};

#[function_component(InboxView)]
pub fn inbox_view() -> Html {
    // Bumped after each action: the list reloads.
    let revision = use_state(|| 0u32);
    let error = use_state(|| None::<String>);
    // How the last reply went; it outlives the row, which leaves once answered.
    let sent = use_state(|| None::<Outcome>);
    let entries = use_load(*revision, |_| api::inbox());
    let on_sent = {
        let revision = revision.clone();
        let sent = sent.clone();
        Callback::from(move |outcome: Outcome| {
            sent.set(Some(outcome));
            revision.set(*revision + 1);
        })
    };
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
            if let Some(outcome) = &*sent {
                <p id="reply-result" class={classes!("reply-result", outcome.state.clone())}
                    data-state={outcome.state.clone()} role="status">{ &outcome.text }</p>
            }
            <ol id="inbox" class="inbox">
                { for list.iter().map(|e| html! {
                    <InboxRow key={e.contact_id} entry={e.clone()} act={act.clone()} on_sent={on_sent.clone()} />
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
    /// A reply went into the outbox (sent or not).
    on_sent: Callback<Outcome>,
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
                    <button class="reply" onclick={on_reply} aria-expanded={composing.to_string()}>{ "Reply" }</button>
                    <button class="snooze" onclick={on_snooze}>{ "Snooze 1 day" }</button>
                    <button class="done" onclick={on_done}>{ "Done" }</button>
                </span>
            </div>
            if *composing {
                <Composer entry={e.clone()} on_sent={props.on_sent.clone()}
                    on_close={Callback::from(move |()| composing.set(false))} />
            }
        </li>
    }
}

#[derive(Properties, PartialEq)]
struct ComposerProps {
    entry: InboxEntry,
    on_sent: Callback<Outcome>,
    on_close: Callback<()>,
}

/// Replies by email to the latest email, or by text (Telnyx) to the contact's number;
/// other channels say why they cannot send.
#[function_component(Composer)]
fn composer(props: &ComposerProps) -> Html {
    let e = &props.entry;
    let latest = e.latest.channel;
    let channel = use_state(|| default_channel(latest, &e.reply_channels));
    let body = use_state(String::new);
    let error = use_state(|| None::<String>);
    let on_result = {
        let (body, error) = (body.clone(), error.clone());
        let (on_sent, on_close) = (props.on_sent.clone(), props.on_close.clone());
        Callback::from(move |outcome: Outcome| {
            if outcome.queued() {
                body.set(String::new());
                error.set(None);
                on_close.emit(());
                on_sent.emit(outcome);
            } else {
                // Refused before it reached the outbox: keep the text, say why.
                error.set(Some(outcome.text));
            }
        })
    };
    let (sending, send) = use_send_reply(e.contact_name.clone(), on_result);
    let block = send_block(latest, *channel);
    let empty = body.trim().is_empty();
    let on_submit = {
        let (body, error) = (body.clone(), error.clone());
        let interaction_id = e.latest.id;
        let chosen = *channel;
        Callback::from(move |ev: SubmitEvent| {
            ev.prevent_default();
            if block.is_none() && !body.trim().is_empty() {
                error.set(None);
                send.emit(SendReply {
                    interaction_id,
                    body: (*body).clone(),
                    channel: Some(chosen),
                });
            }
        })
    };
    let on_channel = {
        let channel = channel.clone();
        Callback::from(move |ev: Event| {
            if let Some(select) = ev.target_dyn_into::<web_sys::HtmlSelectElement>() {
                let chosen = if select.value() == Channel::Sms.as_str() {
                    Channel::Sms
                } else {
                    Channel::Email
                };
                channel.set(chosen);
            }
        })
    };
    let on_body = {
        let body = body.clone();
        Callback::from(move |ev: InputEvent| {
            if let Some(area) = ev.target_dyn_into::<web_sys::HtmlTextAreaElement>() {
                body.set(area.value());
            }
        })
    };
    let title = match (block, empty) {
        (Some(why), _) => why,
        (None, true) => "Write a reply first",
        (None, false) => "Send this reply",
    };
    html! {
        <form class="composer" onsubmit={on_submit} aria-busy={sending.to_string()}>
            <label>
                { "Reply by " }
                <select class="reply-channel" onchange={on_channel} disabled={sending}>
                    { for e.reply_channels.iter().map(|c| html! {
                        <option value={c.as_str()} selected={*c == *channel}>{ if *c == Channel::Sms { "SMS" } else { "Email" } }</option>
                    }) }
                </select>
            </label>
            <textarea class="reply-body" placeholder="Write a reply…" rows="3" value={(*body).clone()}
                oninput={on_body} disabled={sending}></textarea>
            <div class="composer-actions">
                <button type="submit" class="send" disabled={block.is_some() || empty || sending} {title}>
                    { if sending { "Sending…" } else { "Send" } }
                </button>
                if let Some(why) = block {
                    <p class="not-connected">{ why }</p>
                }
                if let Some(message) = &*error {
                    <p class="send-error error" role="alert">{ message }</p>
                }
            </div>
        </form>
    }
}
