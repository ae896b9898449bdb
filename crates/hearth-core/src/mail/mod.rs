//! Mail: any IMAP server synced straight from the desktop, replies sent over SMTP.
//!
//! One file per protocol and per step: [`account`] (what the user configures, checked),
//! [`tls`] (system roots plus an account's own CA), [`imap`] (async-imap over tokio),
//! [`convert`] (raw message → [`convert::ParsedMail`] with mail-parser, never failing),
//! [`sync`] (folders → batches → the store, with progress and honest high-water UIDs),
//! [`compose`] and [`smtp`] (lettre), [`send`] (the durable outbox), [`html`] (display).
//!
//! The sync's promise: a folder's recorded UID only moves in the same transaction that
//! stores the messages up to it, so a crash at any point loses nothing and a rerun
//! duplicates nothing (messages are keyed by [`convert::message_key`] across folders).

pub mod account;
pub mod compose;
pub mod convert;
mod error;
pub mod html;
pub mod imap;
pub mod job;
pub mod send;
pub mod smtp;
pub mod status;
pub mod sync;
pub mod tls;

pub use account::{Endpoint, MailAccount, NewMailAccount, Security};
pub use error::MailError;

use crate::secrets::{mail_password_key, SecretStore};
use crate::store::{IncomingMail, Store};

/// Stores an account's password in the keyring and the account in the business file.
pub async fn add_account(
    store: &Store,
    secrets: &dyn SecretStore,
    new: NewMailAccount,
    password: &str,
) -> Result<MailAccount, MailError> {
    let new = new.validate()?;
    if password.is_empty() {
        return Err(MailError::InvalidAccount("the password is empty".into()));
    }
    let key = mail_password_key(&store.business_uid().await?, &new.name);
    secrets.set(&key, password).await?;
    match store.add_mail_account(&new).await {
        Ok(account) => Ok(account),
        Err(e) => {
            let _ = secrets.delete(&key).await;
            Err(e.into())
        }
    }
}

/// Removes an account and its password.
pub async fn remove_account(
    store: &Store,
    secrets: &dyn SecretStore,
    name: &str,
) -> Result<(), MailError> {
    store.delete_mail_account(name).await?;
    let key = mail_password_key(&store.business_uid().await?, name);
    secrets.delete(&key).await?;
    Ok(())
}

/// What a connection test found.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TestReport {
    /// Folders that will be synced, with their roles.
    pub folders: Vec<(String, String)>,
    /// "host:port" of the SMTP server logged in to, when the account has one.
    pub smtp: Option<String>,
}

impl std::fmt::Display for TestReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let folders: Vec<String> = self
            .folders
            .iter()
            .map(|(n, r)| format!("{n} ({r})"))
            .collect();
        write!(f, "IMAP ok: will sync {}", folders.join(", "))?;
        match &self.smtp {
            Some(s) => write!(f, "; SMTP ok: logged in to {s}"),
            None => write!(
                f,
                "; SMTP: not set (replies cannot be sent from this account)"
            ),
        }
    }
}

/// Logs in to IMAP (and SMTP) and lists what would be synced; the error says which step
/// failed (DNS, TCP, TLS trust, login, capability).
pub async fn test_account(
    store: &Store,
    secrets: &dyn SecretStore,
    account: &MailAccount,
) -> Result<TestReport, MailError> {
    let password = password(store, secrets, account).await?;
    let mut session = imap::login(account, &password).await?;
    let folders = sync::plan_folders(&mut session, account).await?;
    let _ = imap::step(&account.imap.host, "logging out", session.logout()).await;
    let smtp = match &account.smtp {
        Some(_) => {
            let (mut conn, endpoint) = smtp::connect(account, &password).await?;
            let _ = conn.quit().await;
            Some(format!("{}:{}", endpoint.host, endpoint.port))
        }
        None => None,
    };
    Ok(TestReport {
        folders: folders
            .into_iter()
            .map(|(n, r)| (n, r.to_owned()))
            .collect(),
        smtp,
    })
}

/// An account's password from the keyring.
pub async fn password(
    store: &Store,
    secrets: &dyn SecretStore,
    account: &MailAccount,
) -> Result<String, MailError> {
    let key = mail_password_key(&store.business_uid().await?, &account.name);
    secrets
        .get(&key)
        .await?
        .ok_or_else(|| MailError::NoPassword {
            account: account.name.clone(),
        })
}

/// Parses and compresses a raw message for the store (CPU work: call off the async
/// threads for big batches).
pub fn prepare(raw: &[u8], uid: Option<u32>, internal_date: Option<i64>) -> IncomingMail {
    IncomingMail {
        uid,
        parsed: convert::parse(raw),
        raw_zstd: compress(raw),
        raw_size: raw.len() as i64,
        internal_date,
    }
}

/// zstd level 3 (mail shrinks 3-4x) with one compressor per thread: creating a context per
/// message cost more than compressing it (profiled).
fn compress(raw: &[u8]) -> Vec<u8> {
    thread_local! {
        static COMPRESSOR: std::cell::RefCell<Option<zstd::bulk::Compressor<'static>>> =
            const { std::cell::RefCell::new(None) };
    }
    COMPRESSOR.with(|cell| {
        let mut slot = cell.borrow_mut();
        if slot.is_none() {
            *slot = zstd::bulk::Compressor::new(3).ok();
        }
        slot.as_mut()
            .and_then(|c| c.compress(raw).ok())
            .unwrap_or_else(|| zstd::encode_all(raw, 3).unwrap_or_default())
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn compressed_mail_reads_back_exactly() {
        let raw = b"Subject: hi\r\n\r\nhello hello hello hello".repeat(50);
        for _ in 0..3 {
            let packed = super::compress(&raw);
            assert!(packed.len() < raw.len());
            assert_eq!(zstd::decode_all(packed.as_slice()).unwrap(), raw);
        }
    }
}
