//! The error every desktop command returns, so the UI can tell kinds apart.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A failed command, by kind, with a message meant for the user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "message", rename_all = "snake_case")]
pub enum CommandError {
    /// What was asked for does not exist (a business, a contact).
    NotFound(String),
    /// The input was refused (a bad date, email, phone, name).
    BadInput(String),
    /// No business is open yet: the app shows its first-start choice.
    NoBusiness(String),
    /// The database file is locked, damaged or from a newer Hearth.
    Database(String),
    /// A mail server, provider or the OS keyring failed (unreachable, TLS, login); the
    /// message carries the server's own words.
    Remote(String),
    /// Anything else; the message says what failed.
    Internal(String),
}

impl CommandError {
    /// The message for the user.
    pub fn message(&self) -> &str {
        match self {
            CommandError::NotFound(m)
            | CommandError::BadInput(m)
            | CommandError::NoBusiness(m)
            | CommandError::Database(m)
            | CommandError::Remote(m)
            | CommandError::Internal(m) => m,
        }
    }
}

impl fmt::Display for CommandError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

impl std::error::Error for CommandError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serializes_as_kind_and_message() {
        let e = CommandError::NotFound("no contact 7".into());
        let json = serde_json::to_string(&e).unwrap();
        assert_eq!(json, r#"{"kind":"not_found","message":"no contact 7"}"#);
        assert_eq!(serde_json::from_str::<CommandError>(&json).unwrap(), e);
    }
}
