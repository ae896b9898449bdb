//! Side effects: the only code that calls the shell.

mod use_core_events;
mod use_load;
mod use_save_contact;
mod use_send_reply;
mod use_settings;
mod use_shortcuts;
mod use_sync_indicator;
mod use_timeline;

pub use use_core_events::{adds_interactions, use_core_events};
pub use use_load::{use_load, Load};
pub use use_save_contact::use_save_contact;
pub use use_send_reply::use_send_reply;
pub use use_settings::{use_settings, Settings};
pub use use_shortcuts::use_shortcuts;
pub use use_sync_indicator::use_sync_indicator;
pub use use_timeline::use_timeline;
