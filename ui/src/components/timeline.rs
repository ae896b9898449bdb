//! The unified timeline: channel filter, search, and the list, newest first.

use std::rc::Rc;

use hearth_types::{Channel, Direction, TimelineItem};
use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::format;
use crate::hooks::{use_load, Load};
use crate::hooks::{use_shortcuts, use_timeline};
use crate::state::keys::KeyAction;
use crate::state::timeline::TimelineAction;
use crate::state::window::{self, Heights};

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
    let list_ref = use_node_ref();
    let view = use_view(list_ref.clone());
    let rows = use_state(Measured::default);
    let view = *view;
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
    let count = state.items.len();
    let open_at = state
        .expanded
        .and_then(|id| state.items.iter().position(|item| item.id == id));
    let heights = Heights {
        row: rows.row,
        open: open_at.zip(rows.open),
    };
    let (view_top, view_bottom) = view.unwrap_or((0.0, 1_000.0));
    let slice = window::slice(count, heights, view_top, view_bottom);
    {
        // Once the reader has scrolled near the last loaded row, fetch the next page.
        let load_more = load_more.clone();
        let wants = view.is_some()
            && state.next.is_some()
            && !state.loading
            && window::wants_more(count, heights, view_bottom);
        use_effect_with((wants, count), move |(wants, _)| {
            if *wants {
                load_more.emit(());
            }
        });
    }
    {
        // The rows not in the page are stood in for by the list's height (all rows) and its
        // top padding (those above). The height never depends on which rows are in the page,
        // so swapping them never shortens the page and never moves the scroll position.
        // Set through the CSSOM: the app's CSP (`style-src 'self'`) refuses style attributes.
        let list = list_ref.clone();
        let windowed = slice.end - slice.start < count;
        let total = if windowed {
            heights.total(count).round() as i64
        } else {
            0
        };
        let pads = (slice.pad_top.round() as i64, total);
        use_effect_with(pads, move |(top, total)| {
            if let Some(list) = list.cast::<web_sys::HtmlElement>() {
                let style = list.style();
                let _ = style.set_property("padding-top", &format!("{top}px"));
                let _ = style.set_property("min-height", &format!("{total}px"));
            }
        });
    }
    {
        // Measure a collapsed row and the open one after each render.
        let list = list_ref.clone();
        let rows = rows.clone();
        use_effect(move || {
            if let Some(measured) = measure(&list) {
                // An open row scrolled out of the page keeps its last height.
                let next = Measured {
                    row: measured.row,
                    open: measured.open.or(rows.open),
                };
                let moved = |a: f64, b: f64| (a - b).abs() > 0.5;
                let changed = moved(next.row, rows.row)
                    || match (next.open, rows.open) {
                        (Some(a), Some(b)) => moved(a, b),
                        (a, b) => a.is_some() != b.is_some(),
                    };
                if changed {
                    rows.set(next);
                }
            }
        });
    }
    {
        // The first loaded timeline after start, once painted (two animation frames on):
        // the cold-start figure of the desktop benchmark.
        let done = !state.loading;
        use_effect_with(done, move |done| {
            if *done {
                report_first_paint();
            }
        });
    }
    let on_more = Callback::from(move |_: MouseEvent| load_more.emit(()));
    let on_toggle = {
        let dispatcher = state.dispatcher();
        use_callback((), move |id: i64, _| {
            dispatcher.dispatch(TimelineAction::ToggleDetails(id))
        })
    };
    let on_reload = {
        let dispatcher = state.dispatcher();
        Callback::from(move |_: MouseEvent| dispatcher.dispatch(TimelineAction::Reload))
    };

    html! {
        <section class="timeline-view">
            if props.contact_id.is_none() {
                // The business's weeks; a profile has its own charts.
                <super::charts::ActivityChart />
            }
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
            <div id="timeline-status" class="status" data-loading={state.loading.to_string()}
                data-search={state.search.clone()} data-generation={state.generation.to_string()}>
                { status }
                if state.stale {
                    <button id="timeline-fresh" class="link" onclick={on_reload}>{ "New activity: show it" }</button>
                }
            </div>
            <ol id="timeline" class="timeline" ref={list_ref} data-count={count.to_string()}
                data-start={slice.start.to_string()} data-end={slice.end.to_string()}>
                { for state.items[slice.start..slice.end].iter().enumerate().map(|(offset, item)| {
                    let expanded = state.expanded == Some(item.id);
                    let index = slice.start + offset;
                    html! { <Row key={item.id} item={Rc::clone(item)} {index} {expanded} on_toggle={on_toggle.clone()} /> }
                }) }
            </ol>
            if state.next.is_some() {
                <button id="load-more" class="more" onclick={on_more} disabled={state.loading}>{ "Load more" }</button>
            }
        </section>
    }
}

/// Reports the first painted timeline to the shell, once per page load, and keeps the
/// figure on `<html data-first-paint-ms>`.
fn report_first_paint() {
    thread_local! {
        static REPORTED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    }
    if REPORTED.with(|r| r.replace(true)) {
        return;
    }
    let Some(window) = web_sys::window() else {
        return;
    };
    let after_paint = wasm_bindgen::closure::Closure::once_into_js(move || {
        let next = wasm_bindgen::closure::Closure::once_into_js(move || {
            yew::platform::spawn_local(async {
                if let Ok(ms) = crate::api::first_paint("timeline").await {
                    if let Some(root) = web_sys::window()
                        .and_then(|w| w.document())
                        .and_then(|d| d.document_element())
                    {
                        let _ = root.set_attribute("data-first-paint-ms", &ms.to_string());
                    }
                }
            });
        });
        if let Some(w) = web_sys::window() {
            let _ = w.request_animation_frame(next.unchecked_ref());
        }
    });
    let _ = window.request_animation_frame(after_paint.unchecked_ref());
}

/// Row heights as last measured in the page.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Measured {
    row: f64,
    open: Option<f64>,
}

impl Default for Measured {
    fn default() -> Self {
        Measured {
            row: window::ROW_GUESS,
            open: None,
        }
    }
}

/// The heights of a collapsed row and of the open one, if they are in the page.
fn measure(list: &NodeRef) -> Option<Measured> {
    let list = list.cast::<web_sys::Element>()?;
    let height = |css: &str| {
        list.query_selector(css)
            .ok()
            .flatten()
            .map(|e| e.get_bounding_client_rect().height())
            .filter(|h| *h > 0.0)
    };
    Some(Measured {
        row: height(":scope > .timeline-item:not(.open)")?,
        open: height(":scope > .timeline-item.open"),
    })
}

/// Where the screen is, in px from the top of `list`: `None` until the reader scrolls or
/// resizes the window (so a list that merely fits never fetches more by itself).
#[hook]
fn use_view(list: NodeRef) -> UseStateHandle<Option<(f64, f64)>> {
    let view = use_state_eq(|| None::<(f64, f64)>);
    {
        let view = view.clone();
        use_effect_with(list, move |list| {
            let list = list.clone();
            let update = move || {
                let Some(element) = list.cast::<web_sys::Element>() else {
                    return;
                };
                let screen = web_sys::window()
                    .and_then(|w| w.inner_height().ok())
                    .and_then(|h| h.as_f64())
                    .unwrap_or(800.0);
                let top = -element.get_bounding_client_rect().top();
                // To the nearest 8 px: no re-render for every pixel scrolled.
                let snap = |y: f64| (y / 8.0).round() * 8.0;
                view.set(Some((snap(top), snap(top + screen))));
            };
            let update = std::rc::Rc::new(update);
            // Any scrolling element (the page, or the profile's pane) moves the list.
            let options = gloo_events::EventListenerOptions {
                phase: gloo_events::EventListenerPhase::Capture,
                passive: true,
            };
            let listeners = web_sys::window()
                .and_then(|w| Some((w.document()?, w)))
                .map(|(document, window)| {
                    let on_scroll = std::rc::Rc::clone(&update);
                    let on_resize = std::rc::Rc::clone(&update);
                    (
                        gloo_events::EventListener::new_with_options(
                            &document,
                            "scroll",
                            options,
                            move |_| on_scroll(),
                        ),
                        gloo_events::EventListener::new(&window, "resize", move |_| on_resize()),
                    )
                });
            move || drop(listeners)
        });
    }
    view
}

#[derive(Properties)]
struct RowProps {
    item: Rc<TimelineItem>,
    /// Its place in the whole list (the page holds only the rows on screen).
    index: usize,
    expanded: bool,
    /// Opens or closes the item with this id (one callback for every row).
    on_toggle: Callback<i64>,
}

impl PartialEq for RowProps {
    /// The same item (the same loaded copy) in the same state: a row that stays in the
    /// page while others scroll in and out is not drawn again.
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.item, &other.item)
            && self.index == other.index
            && self.expanded == other.expanded
            && self.on_toggle == other.on_toggle
    }
}

#[function_component(Row)]
fn row(props: &RowProps) -> Html {
    let item = &props.item;
    let on_click = {
        let (on_toggle, id) = (props.on_toggle.clone(), item.id);
        Callback::from(move |_: MouseEvent| on_toggle.emit(id))
    };
    let channel = item.channel;
    let headline = item.headline();
    let arrow = match item.direction {
        Direction::Inbound => "←",
        Direction::Outbound => "→",
        Direction::Internal => "•",
    };
    html! {
        <li class={classes!("timeline-item", format!("ch-{channel}"), props.expanded.then_some("open"))}
            data-channel={channel.as_str()} data-id={item.id.to_string()} data-index={props.index.to_string()}>
            <button class="row" onclick={on_click} aria-expanded={props.expanded.to_string()}>
                <span class={classes!("badge", format!("ch-{channel}"))}>{ channel_label(channel) }</span>
                <span class="dir" title={item.direction.as_str()}>{ arrow }</span>
                { sentiment_marker(item.sentiment) }
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
                    { order_items(&item.metadata) }
                    if let Some(url) = item.metadata.get("recording_url").and_then(|u| u.as_str()) {
                        <p class="meta recording">{ "Recording: " }<code>{ url }</code></p>
                    }
                    if let Some(notes) = unreadable(&item.metadata) {
                        <p class="meta unreadable">{ format!("Could not read all of it: {notes}") }</p>
                    }
                </div>
            }
        </li>
    }
}

/// A dot coloured by the item's sentiment (VADER's ±0.05 bands), its score on hover; an
/// empty cell when it has not been scored.
fn sentiment_marker(score: Option<f64>) -> Html {
    let Some(score) = score.filter(|s| s.is_finite()) else {
        return html! { <span class="mood none"></span> };
    };
    let (class, word) = if score >= 0.05 {
        ("pos", "positive")
    } else if score <= -0.05 {
        ("neg", "negative")
    } else {
        ("neu", "neutral")
    };
    let title = format!("Sentiment {score:+.2} ({word})");
    html! { <span class={classes!("mood", class)} title={title.clone()} aria-label={title}></span> }
}

/// An order's lines (name, quantity, price) from its metadata.
fn order_items(metadata: &serde_json::Value) -> Html {
    let Some(items) = metadata
        .get("items")
        .and_then(|a| a.as_array())
        .filter(|a| !a.is_empty())
    else {
        return Html::default();
    };
    let currency = metadata
        .get("currency")
        .and_then(|c| c.as_str())
        .unwrap_or("USD");
    html! {
        <table class="order-items">
            <thead><tr><th>{ "Item" }</th><th>{ "Qty" }</th><th>{ "Price" }</th></tr></thead>
            <tbody>
            { for items.iter().map(|line| {
                let (name, qty, price) = format::order_line(line, currency);
                html! { <tr><td>{ name }</td><td>{ qty }</td><td>{ price }</td></tr> }
            }) }
            </tbody>
            if let Some(total) = metadata.get("total_minor").and_then(|t| t.as_i64()) {
                <tfoot><tr><td colspan="2">{ "Total" }</td><td>{ format::money(total, currency) }</td></tr></tfoot>
            }
        </table>
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
