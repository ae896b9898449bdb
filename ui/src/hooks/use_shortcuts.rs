//! Listens for keyboard shortcuts on the document and reports them.

use std::cell::Cell;
use std::rc::Rc;

use gloo_events::{EventListener, EventListenerOptions};
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::state::keys::{key_action, step, KeyAction};

/// Calls `on_action` for each shortcut; focuses search and handles `Esc` itself.
#[hook]
pub fn use_shortcuts(on_action: Callback<KeyAction>) {
    use_effect_with(on_action, |on_action| {
        let on_action = on_action.clone();
        let after_g = Rc::new(Cell::new(false));
        let listener = web_sys::window()
            .and_then(|w| w.document())
            .map(|document| {
                // Not passive: `/` must not type itself into the search box it focuses.
                let options = EventListenerOptions::enable_prevent_default();
                EventListener::new_with_options(&document, "keydown", options, move |event| {
                    let Some(event) = event.dyn_ref::<web_sys::KeyboardEvent>() else {
                        return;
                    };
                    let active = web_sys::window()
                        .and_then(|w| w.document())
                        .and_then(|d| d.active_element());
                    let typing = active.as_ref().is_some_and(|e| {
                        matches!(e.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
                    });
                    let modifiers = event.ctrl_key() || event.meta_key() || event.alt_key();
                    let action = key_action(&event.key(), typing, after_g.get(), modifiers);
                    after_g.set(action == KeyAction::StartGo);
                    match action {
                        KeyAction::Nothing | KeyAction::StartGo => return,
                        KeyAction::FocusSearch => {
                            event.prevent_default();
                            focus_search();
                        }
                        // Several views listen at once (the app and the timeline): the first
                        // one to see a key press moves; the others recognise it by its time
                        // stamp.
                        KeyAction::Next | KeyAction::Previous if first_to_see(event) => {
                            event.prevent_default();
                            move_in_list(action == KeyAction::Next);
                        }
                        KeyAction::Escape => {
                            if let Some(field) =
                                active.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
                            {
                                let _ = field.blur();
                            }
                        }
                        _ => {}
                    }
                    on_action.emit(action);
                })
            });
        move || drop(listener)
    });
}

/// Focuses the search box of the current view.
fn focus_search() {
    let field = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector("#search, #contact-search").ok().flatten())
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(field) = field {
        let _ = field.focus();
    }
}

/// Whether no other listener has handled this key press yet.
fn first_to_see(event: &web_sys::KeyboardEvent) -> bool {
    thread_local! {
        static LAST: Cell<f64> = const { Cell::new(f64::NAN) };
    }
    let stamp = event.time_stamp();
    LAST.with(|last| last.replace(stamp) != stamp)
}

/// The items `j` / `k` walk through, in every view: their buttons take focus, so Enter opens
/// them the way a click does.
const LIST_ITEMS: &str = "#timeline .timeline-item > button.row, #contacts .contact-row > button, \
     #inbox .inbox-item button.reply";

/// Focuses the next or previous item of the list on screen.
fn move_in_list(forward: bool) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Ok(nodes) = document.query_selector_all(LIST_ITEMS) else {
        return;
    };
    let items: Vec<web_sys::HtmlElement> = (0..nodes.length())
        .filter_map(|i| nodes.item(i))
        .filter_map(|n| n.dyn_into::<web_sys::HtmlElement>().ok())
        .collect();
    let active = document.active_element();
    let current = active.as_ref().and_then(|a| {
        items
            .iter()
            .position(|i| AsRef::<web_sys::Element>::as_ref(i) == a)
    });
    if let Some(next) = step(current, items.len(), forward).and_then(|i| items.get(i)) {
        let _ = next.focus();
        let options = web_sys::ScrollIntoViewOptions::new();
        options.set_block(web_sys::ScrollLogicalPosition::Nearest);
        next.scroll_into_view_with_scroll_into_view_options(&options);
    }
}
