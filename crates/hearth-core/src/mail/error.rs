//! Mail errors: each names the server and the step that failed, keeps the server's own
//! words where there are any, and says whether trying again later can help.

use thiserror::Error;

use crate::secrets::SecretError;
use crate::store::StoreError;

#[derive(Debug, Error)]
pub enum MailError {
    #[error("invalid mail account: {0}")]
    InvalidAccount(String),
    #[error("cannot resolve host {host}")]
    Dns {
        host: String,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot connect to {host}:{port}")]
    Tcp {
        host: String,
        port: u16,
        #[source]
        source: std::io::Error,
    },
    #[error("TLS with {host} failed: {reason}")]
    Tls { host: String, reason: String },
    #[error("{host} does not offer {capability}")]
    Capability { host: String, capability: String },
    #[error("{host} refused the login for {user}: {server_said}")]
    Login {
        host: String,
        user: String,
        server_said: String,
    },
    #[error("IMAP {action} on {host} failed: {detail}")]
    Imap {
        host: String,
        action: String,
        detail: String,
    },
    #[error("{host} did not answer within {seconds} s while {action}")]
    Timeout {
        host: String,
        action: &'static str,
        seconds: u64,
    },
    #[error("no folder {folder} on {host}")]
    NoFolder { host: String, folder: String },
    #[error("SMTP with {host}:{port} failed: {detail}")]
    Smtp {
        host: String,
        port: u16,
        detail: String,
        /// Whether the server may accept the same message later (4xx, unreachable).
        transient: bool,
    },
    #[error("account {account} has no SMTP server set")]
    NoSmtp { account: String },
    #[error("no mail account can send replies yet: add one with an SMTP server in Settings")]
    NoSendingAccount,
    #[error("no password for mail account {account} in the OS keyring; add it again")]
    NoPassword { account: String },
    #[error("cannot build the message: {0}")]
    Compose(String),
    #[error(transparent)]
    Secret(#[from] SecretError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl MailError {
    /// Whether the same operation may work later without the user changing anything.
    pub fn is_transient(&self) -> bool {
        match self {
            MailError::Dns { .. }
            | MailError::Tcp { .. }
            | MailError::Timeout { .. }
            | MailError::Imap { .. } => true,
            MailError::Smtp { transient, .. } => *transient,
            _ => false,
        }
    }
}
