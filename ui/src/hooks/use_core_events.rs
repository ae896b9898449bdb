//! Listens to the core's events (`core-event`) while a component is mounted.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use yew::prelude::*;

/// Calls `on_event` with each core event (`{"kind": "...", ...}`) until unmounted.
#[hook]
pub fn use_core_events(on_event: Callback<serde_json::Value>) {
    // The latest callback, so the listener registered once always calls the current one.
    let latest = use_mut_ref(|| on_event.clone());
    *latest.borrow_mut() = on_event;
    use_effect_with((), move |_| {
        let handler = Rc::new(Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
            let payload = js_sys::Reflect::get(&event, &JsValue::from_str("payload"))
                .ok()
                .and_then(|p| serde_wasm_bindgen::from_value::<serde_json::Value>(p).ok());
            if let Some(payload) = payload {
                let callback = latest.borrow().clone();
                callback.emit(payload);
            }
        }));
        // The unlisten function arrives later; an unmount before then unlistens on arrival.
        let unlisten: Rc<RefCell<Option<js_sys::Function>>> = Rc::default();
        let gone = Rc::new(std::cell::Cell::new(false));
        {
            let (unlisten, gone) = (Rc::clone(&unlisten), Rc::clone(&gone));
            let handler = Rc::clone(&handler);
            wasm_bindgen_futures::spawn_local(async move {
                match crate::api::listen_core_events(&handler).await {
                    Ok(f) => {
                        if gone.get() {
                            let _ = f.call0(&JsValue::NULL);
                        } else {
                            *unlisten.borrow_mut() = Some(f);
                        }
                    }
                    Err(e) => web_sys::console::warn_1(&e),
                }
            });
        }
        // The handler lives until the listener is gone (not leaked: a timeline's state is
        // reachable from it).
        move || {
            gone.set(true);
            if let Some(f) = unlisten.borrow_mut().take() {
                let _ = f.call0(&JsValue::NULL);
            }
            drop(handler);
        }
    });
}

/// Whether a core event means new or changed interactions.
pub fn adds_interactions(event: &serde_json::Value) -> bool {
    let count = |key: &str| event.get(key).and_then(|v| v.as_u64()).unwrap_or(0);
    match event.get("kind").and_then(|k| k.as_str()) {
        Some("mail_folder_synced") => count("new") > 0,
        Some("provider_synced") => count("received") > 0,
        Some("campaign_progress") => count("sent") > 0,
        Some("outbox_changed") => event.get("state").and_then(|s| s.as_str()) == Some("sent"),
        _ => false,
    }
}
