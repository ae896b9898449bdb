//! Showing one alert and waiting, on a thread of its own, for the user to open it.

use chrono::NaiveTime;
use notify_rust::{Hint, Notification, Urgency};

use crate::error::NotifyError;
use crate::quiet::QuietHours;

/// The action key of the "Open contact" button.
pub const OPEN_ACTION: &str = "open";
/// The freedesktop key for clicking the notification's body; it opens the contact too.
pub const DEFAULT_ACTION: &str = "default";
/// The label of both actions (servers show the `default` one as a click on the body, not
/// as a button).
const OPEN_LABEL: &str = "Open contact";
/// The freedesktop category hint: the closest standard one to "a person wants you".
const CATEGORY: &str = "im.received";

/// Something worth interrupting the user for, about one contact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alert {
    /// The contact the alert is about; handed to the `on_open` callback.
    pub contact_id: i64,
    /// One line, shown in bold (plain text).
    pub summary: String,
    /// The detail. Passed on verbatim: servers that advertise `body-markup` read it as
    /// their small HTML-like markup, so escape `&`, `<` and `>` in text from outside.
    pub body: String,
}

impl Alert {
    /// An alert whose body is plain text: `&`, `<` and `>` are escaped so a server that
    /// reads markup shows them as written.
    pub fn plain(contact_id: i64, summary: &str, body: &str) -> Alert {
        Alert {
            contact_id,
            summary: summary.to_owned(),
            body: body
                .replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;"),
        }
    }
}

/// What [`Notifier::deliver`] did with an alert.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    /// The notification server took it and gave it this id.
    Shown {
        /// The server's id for the notification.
        id: u32,
    },
    /// Held back by the quiet hours; D-Bus was not touched. Nothing is queued: showing it
    /// later is the caller's decision.
    Quiet,
}

/// Shows alerts as desktop notifications under one application name, honouring optional
/// quiet hours.
///
/// Cheap to create and to clone; it keeps no connection: each delivery opens its own
/// session-bus connection, which stays open only as long as its action is waited for.
#[derive(Debug, Clone)]
pub struct Notifier {
    app_name: String,
    quiet_hours: Option<QuietHours>,
}

impl Notifier {
    /// A notifier whose notifications carry `app_name` (the desktop shows it as the
    /// sender; Hearth passes `"Hearth"`), with no quiet hours.
    pub fn new(app_name: &str) -> Notifier {
        Notifier {
            app_name: app_name.to_owned(),
            quiet_hours: None,
        }
    }

    /// Holds alerts back while the local time is inside `quiet_hours` (`None`: never).
    pub fn with_quiet_hours(mut self, quiet_hours: Option<QuietHours>) -> Notifier {
        self.quiet_hours = quiet_hours;
        self
    }

    /// The quiet hours in force, if any.
    pub fn quiet_hours(&self) -> Option<QuietHours> {
        self.quiet_hours
    }

    /// Shows `alert`, unless `now_local` (the user's local wall-clock time, passed in so
    /// that callers and tests decide what "now" is) is inside the quiet hours, in which
    /// case it returns [`Delivery::Quiet`] without touching D-Bus.
    ///
    /// The notification has two actions, [`OPEN_ACTION`] ("Open contact") and
    /// [`DEFAULT_ACTION`] (a click on its body), the category hint `im.received` and
    /// normal urgency; the server decides how long it stays.
    ///
    /// When `on_open` is given, a thread is started that waits for the user: if either
    /// action is invoked, it calls `on_open(alert.contact_id)` once. The thread ends
    /// without calling it when the notification is closed (dismissed or expired: the
    /// server emits `NotificationClosed`) or the bus connection ends. A notification that
    /// is never acted on nor closed keeps its thread and connection for the life of the
    /// process. An action invoked in the few milliseconds between the server answering
    /// and the thread subscribing to the action signal is missed (notify-rust subscribes
    /// only after the notification is shown); a person is never that fast. The callback
    /// runs on that thread, so it must hand work to the UI thread itself.
    ///
    /// This **blocks** on a D-Bus round trip (connect, authenticate, `Notify`): from an
    /// async runtime, call it inside `spawn_blocking`.
    ///
    /// # Errors
    ///
    /// [`NotifyError::NoServer`] when no notification daemon owns
    /// `org.freedesktop.Notifications`, [`NotifyError::NoBus`] when there is no session
    /// bus, [`NotifyError::Failed`] for any other D-Bus failure, and
    /// [`NotifyError::Listen`] when the notification was shown but its waiting thread
    /// could not be started. Never panics on D-Bus failures.
    pub fn deliver(
        &self,
        alert: &Alert,
        now_local: NaiveTime,
        on_open: Option<Box<dyn FnOnce(i64) + Send + 'static>>,
    ) -> Result<Delivery, NotifyError> {
        if let Some(quiet) = self.quiet_hours.filter(|q| q.contains(now_local)) {
            tracing::debug!(
                contact_id = alert.contact_id,
                quiet_hours = %quiet,
                now = %now_local,
                "alert held back by quiet hours"
            );
            return Ok(Delivery::Quiet);
        }

        let handle = Notification::new()
            .appname(&self.app_name)
            .summary(&alert.summary)
            .body(&alert.body)
            .action(DEFAULT_ACTION, OPEN_LABEL)
            .action(OPEN_ACTION, OPEN_LABEL)
            .hint(Hint::Category(CATEGORY.to_owned()))
            .urgency(Urgency::Normal)
            .show()
            .map_err(|e| NotifyError::from_show(alert.contact_id, e))?;
        let id = handle.id();
        tracing::debug!(contact_id = alert.contact_id, id, "notification shown");

        if let Some(on_open) = on_open {
            let contact_id = alert.contact_id;
            std::thread::Builder::new()
                .name(format!("notify-{id}"))
                .spawn(move || {
                    handle.wait_for_action(|action| match action {
                        OPEN_ACTION | DEFAULT_ACTION => {
                            tracing::debug!(contact_id, id, action, "notification opened");
                            on_open(contact_id);
                        }
                        // "__closed" when dismissed or expired, or an action we did not add.
                        other => tracing::debug!(id, action = other, "notification closed"),
                    });
                })
                .map_err(|source| NotifyError::Listen { id, source })?;
        }
        Ok(Delivery::Shown { id })
    }
}

#[cfg(test)]
mod plain_tests {
    use super::*;

    #[test]
    fn plain_bodies_are_escaped_for_markup_servers() {
        let a = Alert::plain(7, "Hot lead: A & B", "Score 90 — <b>budget</b> & timeline");
        assert_eq!(a.summary, "Hot lead: A & B");
        assert_eq!(
            a.body,
            "Score 90 — &lt;b&gt;budget&lt;/b&gt; &amp; timeline"
        );
    }
}
