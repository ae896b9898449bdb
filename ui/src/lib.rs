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
    if let Some(boot) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("boot"))
    {
        boot.remove();
    }
    yew::Renderer::<components::app::App>::new().render();
}
