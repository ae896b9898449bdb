//! Desktop notifications for hot leads.
//!
//! A [`Notifier`] turns an [`Alert`] about a contact into a freedesktop notification
//! (`org.freedesktop.Notifications` on the D-Bus session bus, through `notify-rust`'s
//! pure-Rust zbus backend) with an "Open contact" action, unless the local time falls in
//! the user's [`QuietHours`]. When the user clicks the notification or its action, a
//! callback gets the contact id; what "opening" means (raising the window, routing to the
//! contact) is the caller's business, so this crate depends on neither `hearth-core` nor
//! Tauri.
//!
//! Everything here is synchronous: [`Notifier::deliver`] blocks on a D-Bus round trip, so
//! code on an async runtime calls it through `spawn_blocking`.
//!
//! Linux and the BSDs only in practice: notify-rust has other backends for macOS and
//! Windows, but the action wiring here is the freedesktop one.

mod error;
mod notifier;
mod quiet;

pub use error::{NotifyError, QuietHoursError};
pub use notifier::{Alert, Delivery, Notifier, DEFAULT_ACTION, OPEN_ACTION};
pub use quiet::QuietHours;
