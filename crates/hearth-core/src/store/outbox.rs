//! The durable outbox: outbound work is written here first, so it survives a crash or a
//! night offline, and goes out once. A message handed to a server whose answer was lost is
//! never re-sent blindly: it becomes `unknown` until a sync sees it (or the owner decides).

use serde::Serialize;

use super::mail::IncomingMail;
use super::mail_batch::store_batch_tx;
use super::{Store, StoreError};
use crate::mail::account::MailAccount;
use crate::now_ms;

/// One outbox row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OutboxItem {
    pub id: i64,
    pub channel: String,
    pub account: String,
    #[serde(skip)]
    pub payload: Vec<u8>,
    pub reference: String,
    pub state: String,
    pub attempts: i64,
    pub next_attempt_at: i64,
    pub last_error: Option<String>,
    pub interaction_id: Option<i64>,
    pub sent_at: Option<i64>,
}

/// How a send attempt ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendOutcome {
    Sent,
    /// Not accepted, safe to try again at `at`.
    Retry {
        error: String,
        at: i64,
    },
    /// Refused for good.
    Failed {
        error: String,
    },
    /// The data may have gone out: do not resend without evidence.
    Unknown {
        error: String,
    },
}

impl SendOutcome {
    /// The outbox state this outcome leaves a row in.
    pub fn state(&self) -> &'static str {
        match self {
            SendOutcome::Sent => "sent",
            SendOutcome::Retry { .. } => "pending",
            SendOutcome::Failed { .. } => "failed",
            SendOutcome::Unknown { .. } => "unknown",
        }
    }
}

impl Store {
    /// Queues an email: the message is stored and shown on the timeline at once (as
    /// "queued"), and the outbox row holds its exact bytes.
    pub async fn queue_email(
        &self,
        account: &MailAccount,
        mail: &IncomingMail,
        raw: &[u8],
    ) -> Result<OutboxItem, StoreError> {
        let mut tx = self.begin("queue an email").await?;
        store_batch_tx(&mut tx, account, None, std::slice::from_ref(mail), "queued").await?;
        let now = now_ms();
        let interaction_id = sqlx::query_scalar!(
            "SELECT interaction_id FROM mail_messages WHERE message_key = ?",
            mail.parsed.message_key
        )
        .fetch_one(&mut *tx)
        .await
        .map_err(StoreError::query("find a queued email"))?;
        let id = sqlx::query_scalar!(
            "INSERT INTO outbox (channel, account, payload, reference, next_attempt_at, \
                 interaction_id, created_at, updated_at) \
             VALUES ('email', ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            account.name,
            raw,
            mail.parsed.message_key,
            now,
            interaction_id,
            now,
            now
        )
        .fetch_one(&mut *tx)
        .await
        .map_err(StoreError::query("queue an email"))?;
        tx.commit()
            .await
            .map_err(StoreError::query("commit a queued email"))?;
        self.outbox_item(id).await
    }

    /// Queues provider work (an SMS or a voice-AI call): `payload` is the exact request
    /// body, `reference` our own id for it. The timeline gets the interaction once the
    /// provider has accepted it ([`Store::record_sent`]) or a sync has seen it.
    pub async fn queue_outbox(
        &self,
        channel: &str,
        account: &str,
        payload: &[u8],
        reference: &str,
    ) -> Result<OutboxItem, StoreError> {
        let now = now_ms();
        let id = sqlx::query_scalar!(
            "INSERT INTO outbox (channel, account, payload, reference, next_attempt_at, \
                 created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
            channel,
            account,
            payload,
            reference,
            now,
            now,
            now
        )
        .fetch_one(&self.pool)
        .await
        .map_err(StoreError::query("queue outbound work"))?;
        self.outbox_item(id).await
    }

    /// Stores what the provider accepted as an interaction and links the outbox row to it.
    pub async fn record_sent(
        &self,
        outbox_id: i64,
        interaction: &crate::domain::NewInteraction,
        party: Option<super::PhoneParty>,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin("record a sent item").await?;
        let batch = super::ProviderBatch {
            records: vec![super::ProviderRecord {
                interaction: interaction.clone(),
                party,
                reference: None,
            }],
            ..Default::default()
        };
        super::providers::store_provider_batch_tx(&mut tx, &batch).await?;
        sqlx::query!(
            "UPDATE outbox SET interaction_id = (SELECT id FROM interactions \
                 WHERE source = ? AND source_account = '' AND source_id = ?) WHERE id = ?",
            interaction.source,
            interaction.source_id,
            outbox_id
        )
        .execute(&mut *tx)
        .await
        .map_err(StoreError::query("link a sent item"))?;
        tx.commit()
            .await
            .map_err(StoreError::query("commit a sent item"))
    }

    /// A channel's rows whose send may or may not have arrived (`unknown`), oldest first:
    /// a sync reconciles them from the provider's own records.
    pub async fn unsettled_outbox(&self, channel: &str) -> Result<Vec<OutboxItem>, StoreError> {
        let mut rows = self
            .outbox_rows(None, None, Some((channel, "unknown")))
            .await?;
        rows.reverse();
        Ok(rows)
    }

    /// One outbox row.
    pub async fn outbox_item(&self, id: i64) -> Result<OutboxItem, StoreError> {
        self.outbox_rows(None, Some(id), None)
            .await?
            .pop()
            .ok_or_else(|| StoreError::NotFound {
                what: "outbox item",
                key: id.to_string(),
            })
    }

    /// The outbox, newest first; only rows due by `due_by` and still pending when given.
    pub async fn outbox(&self, due_by: Option<i64>) -> Result<Vec<OutboxItem>, StoreError> {
        self.outbox_rows(due_by, None, None).await
    }

    /// How many outbox rows are in each state (without reading their payloads).
    pub async fn outbox_counts(&self) -> Result<Vec<(String, i64)>, StoreError> {
        let rows =
            sqlx::query!(r#"SELECT state, COUNT(*) AS "count!: i64" FROM outbox GROUP BY state"#)
                .fetch_all(&self.pool)
                .await
                .map_err(StoreError::query("count the outbox"))?;
        Ok(rows.into_iter().map(|r| (r.state, r.count)).collect())
    }

    async fn outbox_rows(
        &self,
        due_by: Option<i64>,
        id: Option<i64>,
        channel_state: Option<(&str, &str)>,
    ) -> Result<Vec<OutboxItem>, StoreError> {
        let (channel, state) = channel_state.unzip();
        let rows = sqlx::query!(
            r#"SELECT id AS "id!", channel, account, payload, reference, state, attempts,
                   next_attempt_at, last_error, interaction_id, sent_at
               FROM outbox
               WHERE (?1 IS NULL OR (state = 'pending' AND next_attempt_at <= ?1))
                 AND (?2 IS NULL OR id = ?2)
                 AND (?3 IS NULL OR (channel = ?3 AND state = ?4))
               ORDER BY id DESC"#,
            due_by,
            id,
            channel,
            state
        )
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::query("read the outbox"))?;
        Ok(rows
            .into_iter()
            .map(|r| OutboxItem {
                id: r.id,
                channel: r.channel,
                account: r.account,
                payload: r.payload,
                reference: r.reference,
                state: r.state,
                attempts: r.attempts,
                next_attempt_at: r.next_attempt_at,
                last_error: r.last_error,
                interaction_id: r.interaction_id,
                sent_at: r.sent_at,
            })
            .collect())
    }

    /// Claims a pending row for sending; false when another sender has it or it is done.
    pub async fn claim_outbox(&self, id: i64) -> Result<bool, StoreError> {
        let now = now_ms();
        let done = sqlx::query!(
            "UPDATE outbox SET state = 'sending', attempts = attempts + 1, updated_at = ? \
             WHERE id = ? AND state = 'pending'",
            now,
            id
        )
        .execute(&self.pool)
        .await
        .map_err(StoreError::query("claim an outbox item"))?;
        Ok(done.rows_affected() == 1)
    }

    /// Records how an attempt ended, on the row and on its interaction's `delivery`.
    pub async fn finish_outbox(&self, id: i64, outcome: &SendOutcome) -> Result<(), StoreError> {
        let now = now_ms();
        let state = outcome.state();
        let (error, next, sent_at) = match outcome {
            SendOutcome::Sent => (None, None, Some(now)),
            SendOutcome::Retry { error, at } => (Some(error.as_str()), Some(*at), None),
            SendOutcome::Failed { error } | SendOutcome::Unknown { error } => {
                (Some(error.as_str()), None, None)
            }
        };
        let delivery = if state == "pending" { "queued" } else { state };
        let mut tx = self.begin("finish an outbox item").await?;
        sqlx::query!(
            "UPDATE outbox SET state = ?, last_error = ?, \
                 next_attempt_at = coalesce(?, next_attempt_at), sent_at = ?, updated_at = ? \
             WHERE id = ?",
            state,
            error,
            next,
            sent_at,
            now,
            id
        )
        .execute(&mut *tx)
        .await
        .map_err(StoreError::query("finish an outbox item"))?;
        sqlx::query!(
            "UPDATE interactions SET metadata = json_set(metadata, '$.delivery', ?), updated_at = ? \
             WHERE id = (SELECT interaction_id FROM outbox WHERE id = ?)",
            delivery,
            now,
            id
        )
        .execute(&mut *tx)
        .await
        .map_err(StoreError::query("mark a message's delivery"))?;
        tx.commit()
            .await
            .map_err(StoreError::query("commit an outbox result"))
    }

    /// After a crash: rows caught mid-send may or may not have gone out. A text or call
    /// whose provider answer was already stored (the interaction is linked) did go out;
    /// the others become `unknown`.
    pub async fn recover_outbox(&self) -> Result<u64, StoreError> {
        let now = now_ms();
        sqlx::query!(
            "UPDATE outbox SET state = 'sent', sent_at = coalesce(sent_at, ?1), updated_at = ?1, \
                 last_error = NULL \
             WHERE state = 'sending' AND channel IN ('sms', 'voice_ai') AND interaction_id IS NOT NULL",
            now
        )
        .execute(&self.pool)
        .await
        .map_err(StoreError::query("recover the outbox"))?;
        let done = sqlx::query!(
            "UPDATE outbox SET state = 'unknown', updated_at = ?, \
                 last_error = 'Hearth stopped while sending; it may have gone out. Check Sent, then resend or discard.' \
             WHERE state = 'sending'",
            now
        )
        .execute(&self.pool)
        .await
        .map_err(StoreError::query("recover the outbox"))?;
        Ok(done.rows_affected())
    }

    /// The owner's decision to send an unknown or failed row again.
    pub async fn retry_outbox(&self, id: i64) -> Result<(), StoreError> {
        let now = now_ms();
        let done = sqlx::query!(
            "UPDATE outbox SET state = 'pending', next_attempt_at = ?, updated_at = ? \
             WHERE id = ? AND state IN ('unknown', 'failed')",
            now,
            now,
            id
        )
        .execute(&self.pool)
        .await
        .map_err(StoreError::query("retry an outbox item"))?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound {
                what: "unsent outbox item",
                key: id.to_string(),
            });
        }
        Ok(())
    }
}
