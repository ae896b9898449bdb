//! The unified timeline: channel filter, search, and the list, newest first.

use hearth_types::{Channel, Direction, TimelineItem};
use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::format;
use crate::hooks::{use_load, Load};
use crate::hooks::{use_shortcuts, use_timeline};
use crate::state::keys::KeyAction;
use crate::state::timeline::TimelineAction;

/// A short label per channel, shown on its badge and filter chip.
pub fn channel_label(channel: Channel) -> &'static str {
    match channel {
        Channel::Email => "Email",
        Channel::Sms => "SMS",
        Channel::Call => "Call",
        Channel::VoiceAi => "AI call",
        Channel::Chat => "Chat",
        Channel::Order => "Order",
        Channel::Note => "Note",
        Channel::Social => "Social",
    }
}

#[derive(Properties, PartialEq)]
pub struct TimelineProps {
    /// Show one contact's timeline; `None` for the whole business.
    #[prop_or_default]
    pub contact_id: Option<i64>,
}

/// The timeline with its filters. Key it by contact so a new contact starts fresh.
#[function_component(TimelineView)]
pub fn timeline_view(props: &TimelineProps) -> Html {
    let (state, load_more) = use_timeline(props.contact_id);
    let on_key = {
        let dispatcher = state.dispatcher();
        use_callback((), move |action: KeyAction, _| {
            if action == KeyAction::Escape {
                dispatcher.dispatch(TimelineAction::CloseDetails);
            }
        })
    };
    use_shortcuts(on_key);

    let on_search = {
        let dispatcher = state.dispatcher();
        Callback::from(move |e: InputEvent| {
            if let Some(input) = e.target_dyn_into::<web_sys::HtmlInputElement>() {
                dispatcher.dispatch(TimelineAction::Search(input.value()));
            }
        })
    };
    let on_range = {
        let dispatcher = state.dispatcher();
        Callback::from(move |_: Event| {
            let read = |id: &str| {
                web_sys::window()
                    .and_then(|w| w.document())
                    .and_then(|d| d.get_element_by_id(id))
                    .and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok())
                    .map(|input| input.value())
                    .unwrap_or_default()
            };
            dispatcher.dispatch(TimelineAction::Range {
                since: format::local_day_start(&read("since"), 0),
                // The end day is included: the range stops at the next midnight.
                until: format::local_day_start(&read("until"), 1),
            });
        })
    };
    let all_selected = state.channels.is_empty();
    let on_all = {
        let dispatcher = state.dispatcher();
        Callback::from(move |_: MouseEvent| dispatcher.dispatch(TimelineAction::AllChannels))
    };
    let chips = Channel::ALL.iter().map(|channel| {
        let channel = *channel;
        let selected = state.channels.contains(&channel);
        let dispatcher = state.dispatcher();
        let onclick = Callback::from(move |_: MouseEvent| {
            dispatcher.dispatch(TimelineAction::ToggleChannel(channel))
        });
        html! {
            <button class={classes!("chip", format!("ch-{channel}"), selected.then_some("on"))}
                data-channel={channel.as_str()} aria-pressed={selected.to_string()} {onclick}>
                { channel_label(channel) }
            </button>
        }
    });

    let status = if let Some(error) = &state.error {
        html! { <span class="error" role="alert">{ error }</span> }
    } else if state.loading && state.items.is_empty() {
        html! { "Loading…" }
    } else if state.items.is_empty() {
        html! { "No interactions match these filters." }
    } else {
        let more = if state.next.is_some() {
            ", more below"
        } else {
            ""
        };
        html! { format!("{} shown{more}", state.items.len()) }
    };
    let on_more = Callback::from(move |_: MouseEvent| load_more.emit(()));

    html! {
        <section class="timeline-view">
            <super::charts::ActivityChart />
            <div class="toolbar">
                <input id="search" type="search" placeholder="Search subjects, messages, transcripts…"
                    value={state.search.clone()} oninput={on_search} aria-label="Search the timeline" />
                <label class="range">{ "From " }
                    <input id="since" type="date" onchange={on_range.clone()} aria-label="From date" /></label>
                <label class="range">{ "to " }
                    <input id="until" type="date" onchange={on_range} aria-label="To date" /></label>
                <div id="channel-filter" class="chips" role="group" aria-label="Channels">
                    <button class={classes!("chip", "all", all_selected.then_some("on"))} data-channel="all"
                        aria-pressed={all_selected.to_string()} onclick={on_all}>{ "All" }</button>
                    { for chips }
                </div>
            </div>
            <div id="timeline-status" class="status" data-loading={state.loading.to_string()}>{ status }</div>
            <ol id="timeline" class="timeline">
                { for state.items.iter().map(|item| {
                    let expanded = state.expanded == Some(item.id);
                    let dispatcher = state.dispatcher();
                    let id = item.id;
                    let on_toggle = Callback::from(move |_: MouseEvent| dispatcher.dispatch(TimelineAction::ToggleDetails(id)));
                    html! { <Row key={item.id} item={item.clone()} {expanded} {on_toggle} /> }
                }) }
            </ol>
            if state.next.is_some() {
                <button id="load-more" class="more" onclick={on_more} disabled={state.loading}>{ "Load more" }</button>
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct RowProps {
    item: TimelineItem,
    expanded: bool,
    on_toggle: Callback<MouseEvent>,
}

#[function_component(Row)]
fn row(props: &RowProps) -> Html {
    let item = &props.item;
    let channel = item.channel;
    let headline = item.headline();
    let arrow = match item.direction {
        Direction::Inbound => "←",
        Direction::Outbound => "→",
        Direction::Internal => "•",
    };
    html! {
        <li class={classes!("timeline-item", format!("ch-{channel}"), props.expanded.then_some("open"))}
            data-channel={channel.as_str()} data-id={item.id.to_string()}>
            <button class="row" onclick={props.on_toggle.clone()} aria-expanded={props.expanded.to_string()}>
                <span class={classes!("badge", format!("ch-{channel}"))}>{ channel_label(channel) }</span>
                <span class="dir" title={item.direction.as_str()}>{ arrow }</span>
                <span class="who">{ item.contact_name.clone().unwrap_or_default() }</span>
                <span class="what">{ headline }</span>
                <time>{ format::time(item.occurred_at) }</time>
            </button>
            if props.expanded {
                <div class="details">
                    if let Some(summary) = &item.summary {
                        <p class="summary"><strong>{ "Summary: " }</strong>{ summary }</p>
                    }
                    if item.has_html {
                        <MessageFrame id={item.id} />
                    } else if let Some(body) = &item.body {
                        <pre class="body">{ body }</pre>
                    }
                    if let Some(ms) = item.duration_ms {
                        <p class="meta">{ format!("Duration: {}:{:02}", ms / 60_000, (ms / 1000) % 60) }</p>
                    }
                    { attachments(&item.metadata) }
                    if let Some(notes) = unreadable(&item.metadata) {
                        <p class="meta unreadable">{ format!("Could not read all of it: {notes}") }</p>
                    }
                </div>
            }
        </li>
    }
}

/// An email's attachments (name, type, size) from its metadata.
fn attachments(metadata: &serde_json::Value) -> Html {
    let Some(list) = metadata
        .get("attachments")
        .and_then(|a| a.as_array())
        .filter(|a| !a.is_empty())
    else {
        return Html::default();
    };
    html! {
        <ul class="attachments">
            { for list.iter().map(|a| {
                let name = a.get("name").and_then(|n| n.as_str()).unwrap_or("(no name)");
                let kind = a.get("content_type").and_then(|t| t.as_str()).unwrap_or("");
                let size = a.get("size").and_then(|s| s.as_u64()).unwrap_or(0);
                html! { <li>{ format!("Attachment: {name} \u{2014} {kind}, {}", format::bytes(size)) }</li> }
            }) }
        </ul>
    }
}

/// What the mail parser could not read, if anything.
fn unreadable(metadata: &serde_json::Value) -> Option<String> {
    let notes: Vec<&str> = metadata
        .get("notes")?
        .as_array()?
        .iter()
        .filter_map(|n| n.as_str())
        .collect();
    (!notes.is_empty()).then(|| notes.join("; "))
}

#[derive(Properties, PartialEq)]
struct MessageFrameProps {
    id: i64,
}

/// A message's HTML, sanitized by the core, in a sandboxed frame (no scripts, no same
/// origin) that carries its own CSP; remote images stay blocked until the user allows them.
#[function_component(MessageFrame)]
fn message_frame(props: &MessageFrameProps) -> Html {
    let allow = use_state(|| false);
    let html = use_load((props.id, *allow), |(id, allow)| {
        crate::api::message_html(id, allow)
    });
    let on_allow = {
        let allow = allow.clone();
        Callback::from(move |e: MouseEvent| {
            e.stop_propagation();
            allow.set(true);
        })
    };
    match html {
        Load::Loading => html! { <p class="meta">{ "Loading message…" }</p> },
        Load::Failed(e) => html! { <p class="error">{ e }</p> },
        Load::Ready(None) => html! {},
        Load::Ready(Some(message)) => {
            let document = format!(
                "<!doctype html><html><head><meta charset=\"utf-8\">\
                 <meta http-equiv=\"Content-Security-Policy\" content=\"{}\"></head>\
                 <body>{}</body></html>",
                message.policy, message.html
            );
            let blocked = message.blocked_images;
            html! {
                <div class="message-html">
                    if blocked > 0 {
                        <p class="blocked-images">
                            { format!("{blocked} remote image{} blocked to protect your privacy. ", if blocked == 1 { "" } else { "s" }) }
                            <button class="show-images" onclick={on_allow}>{ "Show images" }</button>
                        </p>
                    }
                    <iframe class="message-frame" sandbox="" srcdoc={document} title="Message"
                        referrerpolicy="no-referrer"></iframe>
                </div>
            }
        }
    }
}
