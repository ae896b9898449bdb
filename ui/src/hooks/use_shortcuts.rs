//! Listens for keyboard shortcuts on the document and reports them.

use std::cell::Cell;
use std::rc::Rc;

use gloo_events::EventListener;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::state::keys::{key_action, KeyAction};

/// Calls `on_action` for each shortcut; focuses search and handles `Esc` itself.
#[hook]
pub fn use_shortcuts(on_action: Callback<KeyAction>) {
    use_effect_with(on_action, |on_action| {
        let on_action = on_action.clone();
        let after_g = Rc::new(Cell::new(false));
        let listener = web_sys::window()
            .and_then(|w| w.document())
            .map(|document| {
                EventListener::new(&document, "keydown", move |event| {
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
