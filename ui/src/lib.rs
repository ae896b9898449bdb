//! Hearth's UI: Yew function components over reducers.
//!
//! - `state/`: pure `Reducible` state, unit-tested natively.
//! - `hooks/`: the only place with side effects (calls into the shell).
//! - `api.rs`: every `invoke` goes through one typed function per command, with DTOs from
//!   `hearth-types` and errors as `CommandError`.
//! - `components/`: what is drawn.

pub mod api;
pub mod components;
pub mod hooks;
pub mod state;

/// Mounts the app on `<body>`.
pub fn start() {
    // A panic stops the page's Rust code: say so on the console, on `<html data-ui-error>`
    // (where a test can read it) and in the app's log, where a person reporting a problem
    // will find it.
    std::panic::set_hook(Box::new(|info| {
        let message = info.to_string();
        web_sys::console::error_1(&message.as_str().into());
        if let Some(root) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
        {
            let _ = root.set_attribute("data-ui-error", &message);
        }
        api::report_ui_error(&message);
    }));
    if let Some(boot) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("boot"))
    {
        boot.remove();
    }
    yew::Renderer::<components::app::App>::new().render();
}
