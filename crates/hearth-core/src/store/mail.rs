//! Mail in the store: accounts, folder sync state, and the batch write that turns fetched
//! messages into interactions, contacts and threads in one transaction per batch — so a
//! crash leaves every batch either fully stored (with its high-water UID) or not at all.

use super::{Store, StoreError};
use crate::mail::account::{Endpoint, MailAccount, NewMailAccount, Security};
use crate::mail::convert::ParsedMail;
use crate::now_ms;

/// `interactions.source` of every email.
pub const EMAIL_SOURCE: &str = "email";

const BUSINESS_UID: &str = "business_uid";

/// A message ready to store: parsed, with its raw bytes compressed.
#[derive(Debug, Clone)]
pub struct IncomingMail {
    pub uid: Option<u32>,
    pub parsed: ParsedMail,
    pub raw_zstd: Vec<u8>,
    pub raw_size: i64,
    /// INTERNALDATE (UTC ms): the message's time when its Date header is unusable.
    pub internal_date: Option<i64>,
}

/// A folder's sync state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FolderState {
    pub id: i64,
    pub account_id: i64,
    pub name: String,
    pub role: String,
    pub uid_validity: Option<i64>,
    pub last_uid: i64,
    pub server_total: Option<i64>,
    pub stored: i64,
    pub state: String,
    pub last_error: Option<String>,
    pub retry_at: Option<i64>,
    pub last_synced_at: Option<i64>,
}

/// What a batch write did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MailBatchReport {
    /// Messages stored for the first time.
    pub new: u64,
    /// Messages already stored (another folder, a copy, or a batch redone after a crash).
    pub known: u64,
}

impl Store {
    /// The business's own id, made on first use and kept inside its file: secrets in the
    /// OS keyring are filed under it.
    pub async fn business_uid(&self) -> Result<String, StoreError> {
        if let Some(uid) = self.setting(BUSINESS_UID).await? {
            return Ok(uid);
        }
        let fresh = uuid::Uuid::new_v4().to_string();
        sqlx::query!(
            "INSERT OR IGNORE INTO business_settings (key, value) VALUES (?, ?)",
            BUSINESS_UID,
            fresh
        )
        .execute(&self.pool)
        .await
        .map_err(StoreError::query("write the business id"))?;
        Ok(self.setting(BUSINESS_UID).await?.unwrap_or(fresh))
    }

    /// Adds a mail account (already validated). Names are unique.
    pub async fn add_mail_account(&self, new: &NewMailAccount) -> Result<MailAccount, StoreError> {
        let addresses = serde_json::to_string(&new.addresses).unwrap_or_else(|_| "[]".into());
        let extra = serde_json::to_string(&new.extra_folders).unwrap_or_else(|_| "[]".into());
        let imap_security = new.imap.security.as_str();
        let imap_port = i64::from(new.imap.port);
        let smtp_host = new.smtp.as_ref().map(|s| s.host.clone());
        let smtp_port = new.smtp.as_ref().map(|s| i64::from(s.port));
        let smtp_security = new.smtp.as_ref().map(|s| s.security.as_str());
        let now = now_ms();
        let result = sqlx::query!(
            "INSERT INTO mail_accounts (name, imap_host, imap_port, imap_security, username, \
                 addresses, ca_pem, smtp_host, smtp_port, smtp_security, extra_folders, \
                 created_at, updated_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            new.name,
            new.imap.host,
            imap_port,
            imap_security,
            new.username,
            addresses,
            new.ca_pem,
            smtp_host,
            smtp_port,
            smtp_security,
            extra,
            now,
            now
        )
        .execute(&self.pool)
        .await;
        match result {
            Err(sqlx::Error::Database(db)) if db.message().contains("UNIQUE") => {
                Err(StoreError::Exists {
                    path: format!("mail account {}", new.name).into(),
                })
            }
            Err(e) => Err(StoreError::query("add a mail account")(e)),
            Ok(_) => self.mail_account(&new.name).await,
        }
    }

    /// Every mail account, by name.
    pub async fn mail_accounts(&self) -> Result<Vec<MailAccount>, StoreError> {
        let rows = sqlx::query!(
            r#"SELECT id AS "id!", name, imap_host, imap_port, imap_security, username, addresses,
                   ca_pem, smtp_host, smtp_port, smtp_security, extra_folders
               FROM mail_accounts ORDER BY name"#
        )
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::query("list mail accounts"))?;
        rows.into_iter()
            .map(|r| {
                let security = |s: &str| Security::parse(s).unwrap_or(Security::Tls);
                Ok(MailAccount {
                    id: r.id,
                    name: r.name,
                    imap: Endpoint {
                        host: r.imap_host,
                        port: u16::try_from(r.imap_port).unwrap_or(993),
                        security: security(&r.imap_security),
                    },
                    username: r.username,
                    addresses: serde_json::from_str(&r.addresses).map_err(|source| {
                        StoreError::BadJson {
                            column: "mail_accounts.addresses",
                            id: r.id,
                            source,
                        }
                    })?,
                    ca_pem: r.ca_pem,
                    smtp: match (r.smtp_host, r.smtp_port, r.smtp_security) {
                        (Some(host), Some(port), Some(sec)) => Some(Endpoint {
                            host,
                            port: u16::try_from(port).unwrap_or(465),
                            security: security(&sec),
                        }),
                        _ => None,
                    },
                    extra_folders: serde_json::from_str(&r.extra_folders).unwrap_or_default(),
                })
            })
            .collect()
    }

    /// One mail account by name.
    pub async fn mail_account(&self, name: &str) -> Result<MailAccount, StoreError> {
        self.mail_accounts()
            .await?
            .into_iter()
            .find(|a| a.name == name)
            .ok_or_else(|| StoreError::NotFound {
                what: "mail account",
                key: name.to_owned(),
            })
    }

    /// Removes an account and its folder state; its messages stay on the timeline.
    pub async fn delete_mail_account(&self, name: &str) -> Result<(), StoreError> {
        let done = sqlx::query!("DELETE FROM mail_accounts WHERE name = ?", name)
            .execute(&self.pool)
            .await
            .map_err(StoreError::query("delete a mail account"))?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound {
                what: "mail account",
                key: name.to_owned(),
            });
        }
        Ok(())
    }

    /// A folder's state, created on first sight.
    pub async fn ensure_folder(
        &self,
        account_id: i64,
        name: &str,
        role: &str,
    ) -> Result<FolderState, StoreError> {
        sqlx::query!(
            "INSERT INTO mail_folders (account_id, name, role) VALUES (?, ?, ?) \
             ON CONFLICT (account_id, name) DO UPDATE SET role = excluded.role",
            account_id,
            name,
            role
        )
        .execute(&self.pool)
        .await
        .map_err(StoreError::query("record a mail folder"))?;
        self.folder_states(Some(account_id))
            .await?
            .into_iter()
            .find(|f| f.name == name)
            .ok_or_else(|| StoreError::NotFound {
                what: "mail folder",
                key: name.to_owned(),
            })
    }

    /// Folder states of one account, or of all.
    pub async fn folder_states(
        &self,
        account_id: Option<i64>,
    ) -> Result<Vec<FolderState>, StoreError> {
        let rows = sqlx::query!(
            r#"SELECT f.id AS "id!", f.account_id, f.name, f.role, f.uid_validity, f.last_uid,
                   f.server_total, f.state, f.last_error, f.retry_at, f.last_synced_at,
                   (SELECT COUNT(*) FROM mail_uids u
                    WHERE u.folder_id = f.id AND u.uid_validity = f.uid_validity) AS "stored!: i64"
               FROM mail_folders f
               WHERE ?1 IS NULL OR f.account_id = ?1
               ORDER BY f.account_id, f.role <> 'inbox', f.role <> 'sent', f.name"#,
            account_id
        )
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::query("read mail folder states"))?;
        Ok(rows
            .into_iter()
            .map(|r| FolderState {
                id: r.id,
                account_id: r.account_id,
                name: r.name,
                role: r.role,
                uid_validity: r.uid_validity,
                last_uid: r.last_uid,
                server_total: r.server_total,
                stored: r.stored,
                state: r.state,
                last_error: r.last_error,
                retry_at: r.retry_at,
                last_synced_at: r.last_synced_at,
            })
            .collect())
    }

    /// A new UIDVALIDITY: forget the folder's UIDs (not its messages) and start over. The
    /// messages come back through the same message keys, so nothing is duplicated.
    pub async fn reset_folder(&self, folder_id: i64, uid_validity: i64) -> Result<(), StoreError> {
        let mut tx = self.begin("reset a mail folder").await?;
        sqlx::query!("DELETE FROM mail_uids WHERE folder_id = ?", folder_id)
            .execute(&mut *tx)
            .await
            .map_err(StoreError::query("forget a folder's UIDs"))?;
        sqlx::query!(
            "UPDATE mail_folders SET uid_validity = ?, last_uid = 0 WHERE id = ?",
            uid_validity,
            folder_id
        )
        .execute(&mut *tx)
        .await
        .map_err(StoreError::query("reset a mail folder"))?;
        tx.commit()
            .await
            .map_err(StoreError::query("commit a folder reset"))
    }

    /// Records a folder's sync state as the status panel shows it.
    pub async fn set_folder_state(
        &self,
        folder_id: i64,
        state: &str,
        error: Option<&str>,
        retry_at: Option<i64>,
        server_total: Option<i64>,
    ) -> Result<(), StoreError> {
        let synced = (state == "idle").then(now_ms);
        sqlx::query!(
            "UPDATE mail_folders SET state = ?, last_error = ?, retry_at = ?, \
                 server_total = coalesce(?, server_total), \
                 last_synced_at = coalesce(?, last_synced_at) \
             WHERE id = ?",
            state,
            error,
            retry_at,
            server_total,
            synced,
            folder_id
        )
        .execute(&self.pool)
        .await
        .map_err(StoreError::query("record a folder's state"))?;
        Ok(())
    }

    /// Stores a batch of fetched messages and, with them, the folder's new high-water UID:
    /// one transaction, so the recorded UID never runs ahead of what is stored.
    pub async fn store_mail_batch(
        &self,
        account: &MailAccount,
        folder: Option<(i64, i64)>,
        batch: &[IncomingMail],
        last_uid: Option<u32>,
    ) -> Result<MailBatchReport, StoreError> {
        let mut tx = self.begin("store mail").await?;
        let report =
            super::mail_batch::store_batch_tx(&mut tx, account, folder, batch, "received").await?;
        if let (Some((folder_id, validity)), Some(uid)) = (folder, last_uid) {
            let uid = i64::from(uid);
            sqlx::query!(
                "UPDATE mail_folders SET last_uid = max(last_uid, ?) \
                 WHERE id = ? AND uid_validity = ?",
                uid,
                folder_id,
                validity
            )
            .execute(&mut *tx)
            .await
            .map_err(StoreError::query("advance a folder's UID"))?;
        }
        tx.commit()
            .await
            .map_err(StoreError::query("commit mail"))?;
        Ok(report)
    }

    /// The raw bytes of a stored message (decompressed), by its interaction.
    pub async fn raw_message(&self, interaction_id: i64) -> Result<Vec<u8>, StoreError> {
        let blob = sqlx::query_scalar!(
            "SELECT raw_zstd FROM mail_messages WHERE interaction_id = ?",
            interaction_id
        )
        .fetch_optional(&self.pool)
        .await
        .map_err(StoreError::query("read a raw message"))?
        .ok_or_else(|| StoreError::NotFound {
            what: "email",
            key: interaction_id.to_string(),
        })?;
        zstd::decode_all(blob.as_slice()).map_err(|_| StoreError::Corrupt {
            path: self.path.clone(),
            source: None,
        })
    }

    /// The mail account an email came through (from its metadata), if it is an email.
    pub async fn interaction_account(
        &self,
        interaction_id: i64,
    ) -> Result<Option<String>, StoreError> {
        let found = sqlx::query_scalar!(
            r#"SELECT metadata ->> '$.account' AS "account?: String" FROM interactions
               WHERE id = ? AND channel = 'email'"#,
            interaction_id
        )
        .fetch_optional(&self.pool)
        .await
        .map_err(StoreError::query("read an email's account"))?
        .ok_or_else(|| StoreError::NotFound {
            what: "email",
            key: interaction_id.to_string(),
        })?;
        Ok(found)
    }

    /// Number of stored messages.
    pub async fn count_mail(&self) -> Result<i64, StoreError> {
        sqlx::query_scalar!("SELECT COUNT(*) FROM mail_messages")
            .fetch_one(&self.pool)
            .await
            .map_err(StoreError::query("count mail"))
    }
}
