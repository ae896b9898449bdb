//! Errors of this crate: one for reading quiet hours, one for showing a notification.

/// Quiet hours that could not be read (see [`crate::QuietHours`]'s `FromStr`).
#[derive(Debug, thiserror::Error)]
pub enum QuietHoursError {
    /// No `-` between the two times.
    #[error("invalid quiet hours {input:?}: expected HH:MM-HH:MM, e.g. 22:00-07:00")]
    NotARange {
        /// The text as given (trimmed).
        input: String,
    },
    /// One side is not a 24-hour `HH:MM` time.
    #[error("invalid quiet hours {input:?}: {part:?} is not a time of day (HH:MM)")]
    BadTime {
        /// The text as given (trimmed).
        input: String,
        /// The side that failed to parse.
        part: String,
        #[source]
        source: chrono::ParseError,
    },
}

/// A notification that could not be shown, or whose action cannot be waited for.
///
/// notify-rust reports every D-Bus failure as one opaque error type, so which of the first
/// three variants you get is read from its message; the original error is always kept as
/// the `source`.
#[derive(Debug, thiserror::Error)]
pub enum NotifyError {
    /// The session bus answered but nothing owns `org.freedesktop.Notifications` (no
    /// notification daemon running, e.g. a bare window manager or a headless session).
    #[error(
        "cannot show the notification for contact {contact_id}: no notification server on \
         the D-Bus session bus (nothing owns org.freedesktop.Notifications)"
    )]
    NoServer {
        /// The contact the alert was about.
        contact_id: i64,
        #[source]
        source: notify_rust::error::Error,
    },
    /// No session bus could be reached (`DBUS_SESSION_BUS_ADDRESS` unset or stale, bus
    /// gone).
    #[error(
        "cannot show the notification for contact {contact_id}: cannot connect to the D-Bus \
         session bus (is DBUS_SESSION_BUS_ADDRESS set?)"
    )]
    NoBus {
        /// The contact the alert was about.
        contact_id: i64,
        #[source]
        source: notify_rust::error::Error,
    },
    /// Any other failure of the `Notify` call (the server returned an error, the reply
    /// was malformed, ...).
    #[error("cannot show the notification for contact {contact_id}: the Notify call failed")]
    Failed {
        /// The contact the alert was about.
        contact_id: i64,
        #[source]
        source: notify_rust::error::Error,
    },
    /// The notification is on screen, but the thread that waits for its action could not
    /// be started, so clicking it will do nothing.
    #[error(
        "notification {id} is shown, but clicking it will do nothing: cannot start the \
         thread that waits for its action"
    )]
    Listen {
        /// The notification's id on the server.
        id: u32,
        #[source]
        source: std::io::Error,
    },
}

impl NotifyError {
    /// Sorts a failed `show()` by its message (notify-rust keeps its error kind private;
    /// with the zbus backend the message is zbus's own).
    pub(crate) fn from_show(contact_id: i64, source: notify_rust::error::Error) -> NotifyError {
        let text = source.to_string();
        if text.starts_with("org.freedesktop.DBus.Error.ServiceUnknown")
            || text.starts_with("org.freedesktop.DBus.Error.NameHasNoOwner")
        {
            NotifyError::NoServer { contact_id, source }
        } else if is_connection_failure(&text) {
            NotifyError::NoBus { contact_id, source }
        } else {
            NotifyError::Failed { contact_id, source }
        }
    }
}

/// zbus 6's messages for "could not reach the bus": `Error::Connection` (socket missing or
/// refusing), `Error::Address` (unset or malformed address), `Error::Handshake` (the bus
/// would not authenticate us) and `Error::InputOutput`.
fn is_connection_failure(text: &str) -> bool {
    const PREFIXES: &[&str] = &[
        "failed to connect to ",
        "address error: ",
        "D-Bus handshake failed: ",
        "I/O error: ",
    ];
    PREFIXES.iter().any(|p| text.starts_with(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sort(message: &str) -> NotifyError {
        NotifyError::from_show(7, notify_rust::error::Error::from(message))
    }

    #[test]
    fn show_failures_are_sorted_by_zbus_message() {
        let no_server = sort(
            "org.freedesktop.DBus.Error.ServiceUnknown: The name org.freedesktop.Notifications \
             was not provided by any .service files",
        );
        assert!(matches!(
            no_server,
            NotifyError::NoServer { contact_id: 7, .. }
        ));
        assert!(no_server.to_string().contains("no notification server"));

        for message in [
            "failed to connect to `unix:path=/run/user/1000/bus`: No such file or directory",
            "address error: Invalid address",
            "D-Bus handshake failed: Unsupported",
        ] {
            assert!(
                matches!(sort(message), NotifyError::NoBus { .. }),
                "{message}"
            );
        }
        let failed = sort("org.freedesktop.DBus.Error.NoReply: timed out");
        assert!(matches!(failed, NotifyError::Failed { .. }));
        assert!(std::error::Error::source(&failed).is_some());
    }
}
