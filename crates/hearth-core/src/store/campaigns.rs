//! Campaigns in SQLite: the campaign rows, the audience query, the recipients fixed at
//! launch and the send ledger. A send row and its outbox row are written in one
//! transaction, and `UNIQUE (recipient_id, step)` makes a second send of a step impossible.

use std::collections::BTreeMap;

use hearth_types::{
    Audience, CampaignKind, CampaignResults, CampaignStatus, CampaignSummary, RecipientRow,
    RecipientStatus, StepChannel,
};
use sqlx::{QueryBuilder, Row, Sqlite};

use super::mail::IncomingMail;
use super::mail_batch::store_batch_tx;
use super::{Store, StoreError};
use crate::mail::account::MailAccount;

/// A campaign row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CampaignRow {
    pub id: i64,
    pub name: String,
    pub status: CampaignStatus,
    pub spec: String,
    pub waiting: Option<String>,
    pub last_error: Option<String>,
    pub created_at: i64,
    pub launched_at: Option<i64>,
    pub completed_at: Option<i64>,
}

/// A contact the audience rules select, with what the engine needs to reach them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub contact_id: i64,
    pub name: String,
    pub status: String,
    pub company: Option<String>,
    pub time_zone: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// "sms: STOP by text on 2026-11-02", when any of their addresses opted out.
    pub opted_out: Option<String>,
}

/// A recipient whose next step is due.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueRecipient {
    pub id: i64,
    pub step: u32,
    pub first_sent_at: Option<i64>,
    pub candidate: Candidate,
}

/// A send that has not reached a final state, with its outbox row's state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenSend {
    pub id: i64,
    pub recipient_id: i64,
    pub step: u32,
    pub channel: StepChannel,
    pub state: String,
    pub outbox_id: i64,
    pub outbox_state: String,
    pub outbox_error: Option<String>,
    pub outbox_created_at: i64,
    /// When the outbox will try it (pending rows).
    pub outbox_due_at: i64,
    pub sent_at: Option<i64>,
}

/// A send to store: the ledger row and the exact outbox payload.
#[derive(Debug, Clone)]
pub struct NewSend {
    pub recipient_id: i64,
    pub step: u32,
    pub channel: StepChannel,
    pub address: String,
    pub reference: String,
    pub outbox_channel: &'static str,
    pub outbox_account: String,
    pub payload: Vec<u8>,
    /// Email only: the message as the timeline shows it once queued.
    pub mail: Option<(MailAccount, IncomingMail)>,
}

/// What becomes of a recipient after one of their sends settles (or is skipped).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecipientUpdate {
    pub status: RecipientStatus,
    /// The next step, when it changes.
    pub step: Option<u32>,
    /// When it becomes due, when that changes.
    pub due_at: Option<i64>,
    pub done: bool,
    pub sent_at: Option<i64>,
    pub error: Option<String>,
}

/// An inbound message or call from a recipient after they were contacted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecipientReply {
    pub recipient_id: i64,
    pub contact_id: i64,
    pub occurred_at: i64,
    pub channel: String,
    pub subject: Option<String>,
    pub body: Option<String>,
    /// The address of the last email step sent to them, for an "unsubscribe" reply.
    pub email: Option<String>,
}

fn status_of(s: &str) -> CampaignStatus {
    CampaignStatus::parse(s).unwrap_or(CampaignStatus::Draft)
}

fn candidate(row: &sqlx::sqlite::SqliteRow) -> Candidate {
    Candidate {
        contact_id: row.get("id"),
        name: row.get("name"),
        status: row.get("status"),
        company: row.get("company"),
        time_zone: row.get("time_zone"),
        email: row.get("email"),
        phone: row.get("phone"),
        opted_out: row.get("opted_out"),
    }
}

/// The per-contact columns every audience and recipient query reads.
const CONTACT_COLUMNS: &str = "c.id AS id, c.name AS name, c.status AS status, \
    co.name AS company, c.time_zone AS time_zone, \
    (SELECT value FROM contact_identities WHERE contact_id = c.id AND kind = 'email' ORDER BY id LIMIT 1) AS email, \
    (SELECT value FROM contact_identities WHERE contact_id = c.id AND kind = 'phone' ORDER BY id LIMIT 1) AS phone, \
    (SELECT o.channel || ': ' || coalesce(o.keyword || ', ', '') || replace(o.source, '_', ' ') || ' on ' || \
            strftime('%Y-%m-%d', o.occurred_at / 1000, 'unixepoch') \
       FROM contact_identities i JOIN opt_outs o ON o.address = i.value \
      WHERE i.contact_id = c.id LIMIT 1) AS opted_out";

impl Store {
    /// Stores a new draft campaign.
    pub async fn create_campaign(
        &self,
        name: &str,
        description: &str,
        kind: CampaignKind,
        channel: &str,
        spec: &str,
        now: i64,
    ) -> Result<i64, StoreError> {
        let kind = kind.as_str();
        sqlx::query_scalar!(
            "INSERT INTO campaigns (name, description, kind, channel, spec, created_at, updated_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
            name,
            description,
            kind,
            channel,
            spec,
            now,
            now
        )
        .fetch_one(&self.pool)
        .await
        .map_err(StoreError::query("create a campaign"))
    }

    /// Replaces a draft's spec.
    #[allow(clippy::too_many_arguments)] // the columns of one row
    pub async fn update_campaign(
        &self,
        id: i64,
        name: &str,
        description: &str,
        kind: CampaignKind,
        channel: &str,
        spec: &str,
        now: i64,
    ) -> Result<bool, StoreError> {
        let kind = kind.as_str();
        let done = sqlx::query!(
            "UPDATE campaigns SET name = ?, description = ?, kind = ?, channel = ?, spec = ?, \
                 updated_at = ? WHERE id = ? AND status = 'draft'",
            name,
            description,
            kind,
            channel,
            spec,
            now,
            id
        )
        .execute(&self.pool)
        .await
        .map_err(StoreError::query("update a campaign"))?;
        Ok(done.rows_affected() == 1)
    }

    /// One campaign.
    pub async fn campaign(&self, id: i64) -> Result<CampaignRow, StoreError> {
        let r = sqlx::query!(
            "SELECT id, name, status, spec, waiting, last_error, created_at, launched_at, \
                 completed_at FROM campaigns WHERE id = ?",
            id
        )
        .fetch_optional(&self.pool)
        .await
        .map_err(StoreError::query("read a campaign"))?
        .ok_or_else(|| StoreError::NotFound {
            what: "campaign",
            key: id.to_string(),
        })?;
        Ok(CampaignRow {
            id: r.id,
            name: r.name,
            status: status_of(&r.status),
            spec: r.spec,
            waiting: r.waiting,
            last_error: r.last_error,
            created_at: r.created_at,
            launched_at: r.launched_at,
            completed_at: r.completed_at,
        })
    }

    /// A campaign found by id or exact name.
    pub async fn find_campaign(&self, key: &str) -> Result<CampaignRow, StoreError> {
        if let Ok(id) = key.trim().parse::<i64>() {
            return self.campaign(id).await;
        }
        let id = sqlx::query_scalar!(
            "SELECT id FROM campaigns WHERE name = ? ORDER BY id DESC LIMIT 1",
            key
        )
        .fetch_optional(&self.pool)
        .await
        .map_err(StoreError::query("find a campaign"))?
        .ok_or_else(|| StoreError::NotFound {
            what: "campaign",
            key: key.to_owned(),
        })?;
        self.campaign(id).await
    }

    /// Every campaign, newest first, with its counts.
    pub async fn campaigns(&self) -> Result<Vec<CampaignSummary>, StoreError> {
        self.campaign_summaries(None).await
    }

    /// One campaign with its counts.
    pub async fn campaign_summary(&self, id: i64) -> Result<CampaignSummary, StoreError> {
        self.campaign_summaries(Some(id))
            .await?
            .pop()
            .ok_or_else(|| StoreError::NotFound {
                what: "campaign",
                key: id.to_string(),
            })
    }

    async fn campaign_summaries(
        &self,
        id: Option<i64>,
    ) -> Result<Vec<CampaignSummary>, StoreError> {
        let rows = sqlx::query!(
            r#"SELECT c.id, c.name, c.kind, c.channel, c.status, c.created_at, c.launched_at,
                   c.completed_at,
                   (SELECT COUNT(*) FROM campaign_recipients r WHERE r.campaign_id = c.id) AS "recipients!: i64",
                   (SELECT COUNT(*) FROM campaign_recipients r WHERE r.campaign_id = c.id
                        AND r.first_sent_at IS NOT NULL) AS "contacted!: i64",
                   (SELECT COUNT(*) FROM campaign_recipients r WHERE r.campaign_id = c.id
                        AND r.replied_at IS NOT NULL) AS "replied!: i64"
               FROM campaigns c WHERE ?1 IS NULL OR c.id = ?1 ORDER BY c.id DESC"#,
            id
        )
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::query("list campaigns"))?;
        Ok(rows
            .into_iter()
            .map(|r| CampaignSummary {
                id: r.id,
                name: r.name,
                kind: CampaignKind::parse(&r.kind).unwrap_or(CampaignKind::Followup),
                channel: r.channel,
                status: status_of(&r.status),
                recipients: r.recipients as u64,
                contacted: r.contacted as u64,
                replied: r.replied as u64,
                created_at: r.created_at,
                launched_at: r.launched_at,
                completed_at: r.completed_at,
            })
            .collect())
    }

    /// Moves a campaign from one of `from` to `to`; false when it was in another state.
    pub async fn set_campaign_status(
        &self,
        id: i64,
        from: &[CampaignStatus],
        to: CampaignStatus,
        now: i64,
    ) -> Result<bool, StoreError> {
        let from: Vec<&str> = from.iter().map(|s| s.as_str()).collect();
        let from = serde_json::to_string(&from).unwrap_or_default();
        let to = to.as_str();
        let done = sqlx::query!(
            "UPDATE campaigns SET status = ?1, updated_at = ?2, \
                 paused_at = CASE WHEN ?1 = 'paused' THEN ?2 ELSE paused_at END, \
                 completed_at = CASE WHEN ?1 = 'completed' THEN ?2 ELSE completed_at END, \
                 cancelled_at = CASE WHEN ?1 = 'cancelled' THEN ?2 ELSE cancelled_at END, \
                 waiting = CASE WHEN ?1 IN ('completed', 'cancelled') THEN NULL ELSE waiting END \
             WHERE id = ?3 AND status IN (SELECT value FROM json_each(?4))",
            to,
            now,
            id,
            from
        )
        .execute(&self.pool)
        .await
        .map_err(StoreError::query("change a campaign's status"))?;
        Ok(done.rows_affected() == 1)
    }

    /// What the engine is waiting for, and its last error, for the details page.
    pub async fn note_campaign(
        &self,
        id: i64,
        waiting: Option<&str>,
        error: Option<&str>,
    ) -> Result<(), StoreError> {
        sqlx::query!(
            "UPDATE campaigns SET waiting = ?, last_error = coalesce(?, last_error) WHERE id = ?",
            waiting,
            error,
            id
        )
        .execute(&self.pool)
        .await
        .map_err(StoreError::query("note a campaign's progress"))?;
        Ok(())
    }

    /// Scheduled campaigns whose start has come become active; returns how many.
    pub async fn start_due_campaigns(&self, now: i64) -> Result<u64, StoreError> {
        let done = sqlx::query!(
            "UPDATE campaigns SET status = 'active', updated_at = ?1 \
             WHERE status = 'scheduled' AND coalesce(scheduled_at, 0) <= ?1",
            now
        )
        .execute(&self.pool)
        .await
        .map_err(StoreError::query("start scheduled campaigns"))?;
        Ok(done.rows_affected())
    }

    /// Active campaigns: (id, spec).
    pub async fn active_campaigns(&self) -> Result<Vec<(i64, String)>, StoreError> {
        let rows =
            sqlx::query!("SELECT id, spec FROM campaigns WHERE status = 'active' ORDER BY id")
                .fetch_all(&self.pool)
                .await
                .map_err(StoreError::query("read active campaigns"))?;
        Ok(rows.into_iter().map(|r| (r.id, r.spec)).collect())
    }

    /// The contacts `audience` selects (rules or added by hand, minus removed by hand),
    /// merged-away contacts never; `limit` for a sample.
    pub async fn audience_candidates(
        &self,
        audience: &Audience,
        now: i64,
        limit: Option<u32>,
    ) -> Result<Vec<Candidate>, StoreError> {
        let a = audience;
        let need_last = a.days_since_contact_min.is_some() || a.days_since_contact_max.is_some();
        let need_ltv = a.ltv_min_minor.is_some() || a.ltv_max_minor.is_some();
        let need_sentiment = a.sentiment_min.is_some() || a.sentiment_max.is_some();
        let mut q: QueryBuilder<Sqlite> = QueryBuilder::new("SELECT ");
        q.push(CONTACT_COLUMNS);
        q.push(" FROM contacts c LEFT JOIN companies co ON co.id = c.company_id ");
        q.push(" LEFT JOIN contact_intel ci ON ci.contact_id = c.id ");
        if need_last {
            q.push(
                " LEFT JOIN (SELECT contact_id, MAX(occurred_at) AS last_at FROM interactions \
                   WHERE contact_id IS NOT NULL AND direction IN ('inbound', 'outbound') \
                   GROUP BY contact_id) la ON la.contact_id = c.id ",
            );
        }
        if need_ltv {
            q.push(
                " LEFT JOIN (SELECT contact_id, SUM(total_minor) AS ltv FROM orders \
                   WHERE contact_id IS NOT NULL GROUP BY contact_id) lv ON lv.contact_id = c.id ",
            );
        }
        if need_sentiment {
            q.push(
                " LEFT JOIN (SELECT contact_id, AVG(sentiment) AS s FROM interactions \
                   WHERE contact_id IS NOT NULL AND direction = 'inbound' AND sentiment IS NOT NULL \
                   GROUP BY contact_id) se ON se.contact_id = c.id ",
            );
        }
        q.push(" WHERE c.merged_into IS NULL AND ((1 = 1");
        const DAY: i64 = 86_400_000;
        if let Some(d) = a.days_since_contact_min {
            q.push(" AND coalesce(la.last_at, 0) <= ")
                .push_bind(now - i64::from(d) * DAY);
        }
        if let Some(d) = a.days_since_contact_max {
            q.push(" AND la.last_at >= ")
                .push_bind(now - i64::from(d) * DAY);
        }
        let list = |q: &mut QueryBuilder<Sqlite>, column: &str, values: Vec<&str>| {
            if !values.is_empty() {
                q.push(format!(" AND {column} IN (SELECT value FROM json_each("))
                    .push_bind(serde_json::to_string(&values).unwrap_or_default())
                    .push("))");
            }
        };
        list(
            &mut q,
            "c.status",
            a.statuses.iter().map(|s| s.as_str()).collect(),
        );
        list(
            &mut q,
            "ci.tier",
            a.tiers.iter().map(|t| t.as_str()).collect(),
        );
        list(
            &mut q,
            "ci.stage",
            a.stages.iter().map(|s| s.as_str()).collect(),
        );
        if let Some(min) = a.score_min {
            q.push(" AND coalesce(ci.score, 0) >= ")
                .push_bind(i64::from(min));
        }
        if let Some(max) = a.score_max {
            q.push(" AND coalesce(ci.score, 0) <= ")
                .push_bind(i64::from(max));
        }
        if let Some(min) = a.ltv_min_minor {
            q.push(" AND coalesce(lv.ltv, 0) >= ").push_bind(min);
        }
        if let Some(max) = a.ltv_max_minor {
            q.push(" AND coalesce(lv.ltv, 0) <= ").push_bind(max);
        }
        if let Some(min) = a.sentiment_min {
            q.push(" AND se.s >= ").push_bind(min);
        }
        if let Some(max) = a.sentiment_max {
            q.push(" AND se.s <= ").push_bind(max);
        }
        let tags: Vec<String> = a
            .tags
            .iter()
            .filter_map(|t| super::normalize_tag(t))
            .collect();
        if !tags.is_empty() {
            q.push(
                " AND EXISTS (SELECT 1 FROM contact_tags t WHERE t.contact_id = c.id \
                   AND t.tag IN (SELECT value FROM json_each(",
            )
            .push_bind(serde_json::to_string(&tags).unwrap_or_default())
            .push(")))");
        }
        for (kind, want) in [("email", a.has_email), ("phone", a.has_phone)] {
            if let Some(want) = want {
                q.push(if want {
                    " AND EXISTS"
                } else {
                    " AND NOT EXISTS"
                });
                q.push(format!(
                    " (SELECT 1 FROM contact_identities WHERE contact_id = c.id AND kind = '{kind}')"
                ));
            }
        }
        q.push(")");
        if !a.include.is_empty() {
            q.push(" OR c.id IN (SELECT value FROM json_each(")
                .push_bind(serde_json::to_string(&a.include).unwrap_or_default())
                .push("))");
        }
        q.push(")");
        if !a.exclude.is_empty() {
            q.push(" AND c.id NOT IN (SELECT value FROM json_each(")
                .push_bind(serde_json::to_string(&a.exclude).unwrap_or_default())
                .push("))");
        }
        q.push(" ORDER BY c.id");
        if let Some(limit) = limit {
            q.push(" LIMIT ").push_bind(i64::from(limit));
        }
        let rows = q
            .build()
            .fetch_all(&self.pool)
            .await
            .map_err(StoreError::query("select a campaign audience"))?;
        Ok(rows.iter().map(candidate).collect())
    }

    /// One contact as the audience query sees them (for a preview).
    pub async fn campaign_candidate(&self, contact: i64) -> Result<Candidate, StoreError> {
        let sql = format!(
            "SELECT {CONTACT_COLUMNS} FROM contacts c LEFT JOIN companies co ON co.id = c.company_id \
             WHERE c.id = ?"
        );
        let row = sqlx::query(&sql)
            .bind(contact)
            .fetch_optional(&self.pool)
            .await
            .map_err(StoreError::query("read a contact for a campaign"))?
            .ok_or_else(|| StoreError::NotFound {
                what: "contact",
                key: contact.to_string(),
            })?;
        Ok(candidate(&row))
    }

    /// Launch: fixes the recipients and makes the campaign active (or scheduled), in one
    /// transaction; false when it was not a draft.
    pub async fn launch_campaign(
        &self,
        id: i64,
        contacts: &[i64],
        start_at: i64,
        now: i64,
    ) -> Result<bool, StoreError> {
        let status = if start_at > now {
            "scheduled"
        } else {
            "active"
        };
        let mut tx = self.begin("launch a campaign").await?;
        let done = sqlx::query!(
            "UPDATE campaigns SET status = ?, scheduled_at = ?, launched_at = ?, updated_at = ? \
             WHERE id = ? AND status = 'draft'",
            status,
            start_at,
            now,
            now,
            id
        )
        .execute(&mut *tx)
        .await
        .map_err(StoreError::query("launch a campaign"))?;
        if done.rows_affected() != 1 {
            return Ok(false);
        }
        for chunk in contacts.chunks(5000) {
            let list = serde_json::to_string(chunk).unwrap_or_default();
            sqlx::query!(
                "INSERT INTO campaign_recipients (campaign_id, contact_id, due_at, updated_at) \
                 SELECT ?, value, ?, ? FROM json_each(?)",
                id,
                start_at,
                now,
                list
            )
            .execute(&mut *tx)
            .await
            .map_err(StoreError::query("add campaign recipients"))?;
        }
        tx.commit()
            .await
            .map_err(StoreError::query("commit a launch"))?;
        Ok(true)
    }

    /// Recipients whose last step went out and whose provider has since reported more:
    /// a text delivered (Telnyx's record) becomes `delivered`, a call that lasted becomes
    /// `answered`. Returns how many changed.
    pub async fn refresh_outcomes(&self, campaign: i64) -> Result<u64, StoreError> {
        let done = sqlx::query!(
            "UPDATE campaign_recipients SET status = CASE \
                 WHEN (SELECT s.channel FROM campaign_sends s WHERE s.recipient_id = campaign_recipients.id \
                       AND s.state = 'sent' ORDER BY s.step DESC LIMIT 1) = 'call' THEN 'answered' \
                 ELSE 'delivered' END \
             WHERE campaign_id = ?1 AND status = 'sent' AND EXISTS ( \
                 SELECT 1 FROM campaign_sends s JOIN outbox o ON o.id = s.outbox_id \
                 JOIN interactions i ON i.id = o.interaction_id \
                 WHERE s.id = (SELECT id FROM campaign_sends WHERE recipient_id = campaign_recipients.id \
                               AND state = 'sent' ORDER BY step DESC LIMIT 1) \
                   AND ((s.channel = 'sms' AND i.metadata ->> '$.status' = 'delivered') \
                     OR (s.channel = 'call' AND coalesce(i.duration_ms, 0) > 0)))",
            campaign
        )
        .execute(&self.pool)
        .await
        .map_err(StoreError::query("refresh campaign outcomes"))?;
        Ok(done.rows_affected())
    }

    /// Recipients whose step is due and not yet queued, oldest first.
    pub async fn due_recipients(
        &self,
        campaign: i64,
        now: i64,
        limit: u32,
    ) -> Result<Vec<DueRecipient>, StoreError> {
        let sql = format!(
            "SELECT r.id AS rid, r.step AS step, r.first_sent_at AS first_sent_at, {CONTACT_COLUMNS} \
             FROM campaign_recipients r JOIN contacts c ON c.id = r.contact_id \
             LEFT JOIN companies co ON co.id = c.company_id \
             WHERE r.campaign_id = ? AND r.done = 0 AND r.due_at <= ? \
               AND NOT EXISTS (SELECT 1 FROM campaign_sends s \
                               WHERE s.recipient_id = r.id AND s.step = r.step) \
             ORDER BY r.due_at, r.id LIMIT ?"
        );
        let rows = sqlx::query(&sql)
            .bind(campaign)
            .bind(now)
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await
            .map_err(StoreError::query("read due recipients"))?;
        Ok(rows
            .iter()
            .map(|row| DueRecipient {
                id: row.get("rid"),
                step: row.get::<i64, _>("step") as u32,
                first_sent_at: row.get("first_sent_at"),
                candidate: candidate(row),
            })
            .collect())
    }

    /// The earliest time a recipient without an open send is due (for "waiting until").
    pub async fn next_due(&self, campaign: i64) -> Result<Option<i64>, StoreError> {
        sqlx::query_scalar!(
            r#"SELECT MIN(r.due_at) AS "due: i64" FROM campaign_recipients r WHERE r.campaign_id = ? AND r.done = 0
               AND NOT EXISTS (SELECT 1 FROM campaign_sends s WHERE s.recipient_id = r.id AND s.step = r.step)"#,
            campaign
        )
        .fetch_one(&self.pool)
        .await
        .map_err(StoreError::query("read the next due time"))
    }

    /// Recipients not finished.
    pub async fn unfinished_recipients(&self, campaign: i64) -> Result<i64, StoreError> {
        sqlx::query_scalar!(
            r#"SELECT COUNT(*) AS "n!: i64" FROM campaign_recipients WHERE campaign_id = ? AND done = 0"#,
            campaign
        )
        .fetch_one(&self.pool)
        .await
        .map_err(StoreError::query("count unfinished recipients"))
    }

    /// Sends of `campaign` (and `channel`) created since `since`: for rate limits and caps.
    pub async fn sends_since(
        &self,
        campaign: i64,
        channel: StepChannel,
        since: i64,
    ) -> Result<u32, StoreError> {
        let channel = channel.as_str();
        let n = sqlx::query_scalar!(
            r#"SELECT COUNT(*) AS "n!: i64" FROM campaign_sends
               WHERE campaign_id = ? AND channel = ? AND created_at >= ?"#,
            campaign,
            channel,
            since
        )
        .fetch_one(&self.pool)
        .await
        .map_err(StoreError::query("count recent sends"))?;
        Ok(n as u32)
    }

    /// Calls of `campaign` that may still be in progress: queued or sending, or placed in
    /// the last `window_ms` and not reported ended by VAPI.
    pub async fn calls_in_progress(
        &self,
        campaign: i64,
        now: i64,
        window_ms: i64,
    ) -> Result<u32, StoreError> {
        let since = now - window_ms;
        let n = sqlx::query_scalar!(
            r#"SELECT COUNT(*) AS "n!: i64" FROM campaign_sends s JOIN outbox o ON o.id = s.outbox_id
               LEFT JOIN interactions i ON i.id = o.interaction_id
               WHERE s.campaign_id = ? AND s.channel = 'call'
                 AND (s.state IN ('queued', 'sending', 'unknown')
                      OR (s.state = 'sent' AND s.settled_at >= ?
                          AND coalesce(i.metadata ->> '$.status', 'queued') <> 'ended'))"#,
            campaign,
            since
        )
        .fetch_one(&self.pool)
        .await
        .map_err(StoreError::query("count calls in progress"))?;
        Ok(n as u32)
    }

    /// Writes a send and its outbox row (and, for email, the queued message on the
    /// timeline) in one transaction; false when this step was already queued.
    pub async fn queue_campaign_send(
        &self,
        campaign: i64,
        send: &NewSend,
        now: i64,
    ) -> Result<bool, StoreError> {
        let mut tx = self.begin("queue a campaign send").await?;
        let step = i64::from(send.step);
        let exists = sqlx::query_scalar!(
            "SELECT id FROM campaign_sends WHERE recipient_id = ? AND step = ?",
            send.recipient_id,
            step
        )
        .fetch_optional(&mut *tx)
        .await
        .map_err(StoreError::query("check the ledger"))?;
        if exists.is_some() {
            return Ok(false);
        }
        let mut interaction_id: Option<i64> = None;
        if let Some((account, mail)) = &send.mail {
            store_batch_tx(&mut tx, account, None, std::slice::from_ref(mail), "queued").await?;
            interaction_id = sqlx::query_scalar!(
                "SELECT interaction_id FROM mail_messages WHERE message_key = ?",
                mail.parsed.message_key
            )
            .fetch_optional(&mut *tx)
            .await
            .map_err(StoreError::query("find a queued email"))?
            .flatten();
        }
        let outbox_id = sqlx::query_scalar!(
            "INSERT INTO outbox (channel, account, payload, reference, next_attempt_at, \
                 interaction_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            send.outbox_channel,
            send.outbox_account,
            send.payload,
            send.reference,
            now,
            interaction_id,
            now,
            now
        )
        .fetch_one(&mut *tx)
        .await
        .map_err(StoreError::query("queue a campaign send"))?;
        let channel = send.channel.as_str();
        sqlx::query!(
            "INSERT INTO campaign_sends (campaign_id, recipient_id, step, channel, address, \
                 reference, outbox_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            campaign,
            send.recipient_id,
            step,
            channel,
            send.address,
            send.reference,
            outbox_id,
            now
        )
        .execute(&mut *tx)
        .await
        .map_err(StoreError::query("write the send ledger"))?;
        sqlx::query!(
            "UPDATE campaign_recipients SET status = 'queued', error = NULL, updated_at = ? WHERE id = ?",
            now,
            send.recipient_id
        )
        .execute(&mut *tx)
        .await
        .map_err(StoreError::query("mark a recipient queued"))?;
        tx.commit()
            .await
            .map_err(StoreError::query("commit a campaign send"))?;
        Ok(true)
    }

    /// Sends of `campaign` not yet sent or failed, with their outbox rows.
    pub async fn open_sends(&self, campaign: i64) -> Result<Vec<OpenSend>, StoreError> {
        let rows = sqlx::query!(
            r#"SELECT s.id, s.recipient_id, s.step, s.channel, s.state,
                   o.id AS "outbox_id!: i64", o.state AS outbox_state, o.last_error,
                   o.created_at AS outbox_created_at, o.next_attempt_at, o.sent_at
               FROM campaign_sends s JOIN outbox o ON o.id = s.outbox_id
               WHERE s.campaign_id = ? AND s.state IN ('queued', 'sending', 'unknown')
               ORDER BY s.id"#,
            campaign
        )
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::query("read open sends"))?;
        Ok(rows
            .into_iter()
            .map(|r| OpenSend {
                id: r.id,
                recipient_id: r.recipient_id,
                step: r.step as u32,
                channel: StepChannel::parse(&r.channel).unwrap_or(StepChannel::Email),
                state: r.state,
                outbox_id: r.outbox_id,
                outbox_state: r.outbox_state,
                outbox_error: r.last_error,
                outbox_created_at: r.outbox_created_at,
                outbox_due_at: r.next_attempt_at,
                sent_at: r.sent_at,
            })
            .collect())
    }

    /// Queued sends that must not go out any more: the person opted out (any channel,
    /// any of their addresses) or replied since, or the campaign was stopped. Their outbox
    /// rows fail before anyone sends them; returns how many.
    pub async fn cancel_unwanted_sends(&self, campaign: i64, now: i64) -> Result<u64, StoreError> {
        let done = sqlx::query!(
            "UPDATE outbox SET state = 'failed', updated_at = ?1, \
                 last_error = 'not sent: the person opted out or replied first, or the campaign was stopped' \
             WHERE state = 'pending' AND id IN ( \
                 SELECT s.outbox_id FROM campaign_sends s \
                 JOIN campaign_recipients r ON r.id = s.recipient_id \
                 JOIN campaigns c ON c.id = s.campaign_id \
                 WHERE s.campaign_id = ?2 AND s.state = 'queued' AND ( \
                     c.status = 'cancelled' OR r.replied_at IS NOT NULL OR r.status = 'opted_out' \
                     OR EXISTS (SELECT 1 FROM contact_identities i JOIN opt_outs o ON o.address = i.value \
                                WHERE i.contact_id = r.contact_id)))",
            now,
            campaign
        )
        .execute(&self.pool)
        .await
        .map_err(StoreError::query("cancel unwanted sends"))?;
        Ok(done.rows_affected())
    }

    /// Records a send's new state and its recipient's progress, together.
    pub async fn settle_send(
        &self,
        send_id: i64,
        state: &str,
        error: Option<&str>,
        recipient: i64,
        update: &RecipientUpdate,
        now: i64,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin("settle a campaign send").await?;
        let final_state = matches!(state, "sent" | "failed");
        let settled = final_state.then_some(now);
        sqlx::query!(
            "UPDATE campaign_sends SET state = ?, error = ?, settled_at = coalesce(settled_at, ?) \
             WHERE id = ?",
            state,
            error,
            settled,
            send_id
        )
        .execute(&mut *tx)
        .await
        .map_err(StoreError::query("settle a campaign send"))?;
        update_recipient(&mut tx, recipient, update, now).await?;
        tx.commit()
            .await
            .map_err(StoreError::query("commit a settled send"))
    }

    /// A recipient's progress without a send (skipped step, opted out, replied).
    pub async fn update_recipient(
        &self,
        recipient: i64,
        update: &RecipientUpdate,
        now: i64,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin("update a recipient").await?;
        update_recipient(&mut tx, recipient, update, now).await?;
        tx.commit()
            .await
            .map_err(StoreError::query("commit a recipient"))
    }

    /// Stops every unfinished recipient of a campaign (when it is stopped).
    pub async fn finish_recipients(&self, campaign: i64, now: i64) -> Result<u64, StoreError> {
        let done = sqlx::query!(
            "UPDATE campaign_recipients SET done = 1, updated_at = ?, \
                 status = CASE WHEN status = 'pending' THEN 'skipped' ELSE status END \
             WHERE campaign_id = ? AND done = 0 \
               AND NOT EXISTS (SELECT 1 FROM campaign_sends s JOIN outbox o ON o.id = s.outbox_id \
                               WHERE s.recipient_id = campaign_recipients.id \
                                 AND o.state IN ('sending', 'unknown'))",
            now,
            campaign
        )
        .execute(&self.pool)
        .await
        .map_err(StoreError::query("finish recipients"))?;
        Ok(done.rows_affected())
    }

    /// Inbound messages and calls from contacted recipients (not yet counted as replied)
    /// within `window_ms` of their first contact.
    pub async fn recipient_replies(
        &self,
        campaign: i64,
        window_ms: i64,
    ) -> Result<Vec<RecipientReply>, StoreError> {
        let rows = sqlx::query!(
            r#"SELECT r.id AS "rid!: i64", r.contact_id, i.occurred_at, i.channel, i.subject,
                   substr(i.body, 1, 400) AS "body?: String",
                   (SELECT s.address FROM campaign_sends s WHERE s.recipient_id = r.id
                       AND s.channel = 'email' ORDER BY s.step DESC LIMIT 1) AS "email?: String"
               FROM campaign_recipients r
               JOIN interactions i ON i.contact_id = r.contact_id AND i.direction = 'inbound'
                AND i.channel IN ('email', 'sms', 'call', 'voice_ai')
                AND i.occurred_at > r.first_sent_at - 1000 AND i.occurred_at <= r.first_sent_at + ?
               WHERE r.campaign_id = ? AND r.first_sent_at IS NOT NULL AND r.replied_at IS NULL
               ORDER BY i.occurred_at"#,
            window_ms,
            campaign
        )
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::query("read replies to a campaign"))?;
        Ok(rows
            .into_iter()
            .map(|r| RecipientReply {
                recipient_id: r.rid,
                contact_id: r.contact_id,
                occurred_at: r.occurred_at,
                channel: r.channel,
                subject: r.subject,
                body: r.body,
                email: r.email,
            })
            .collect())
    }

    /// Marks a recipient as having replied (once).
    pub async fn mark_replied(
        &self,
        recipient: i64,
        at: i64,
        status: RecipientStatus,
        now: i64,
    ) -> Result<(), StoreError> {
        let status = status.as_str();
        sqlx::query!(
            "UPDATE campaign_recipients SET replied_at = ?, status = ?, done = 1, updated_at = ? \
             WHERE id = ? AND replied_at IS NULL",
            at,
            status,
            now,
            recipient
        )
        .execute(&self.pool)
        .await
        .map_err(StoreError::query("mark a reply"))?;
        Ok(())
    }

    /// The outbox row of a send: payload and reference, for evidence.
    pub async fn mark_outbox_sent(&self, outbox_id: i64, now: i64) -> Result<(), StoreError> {
        sqlx::query!(
            "UPDATE outbox SET state = 'sent', sent_at = coalesce(sent_at, ?1), updated_at = ?1, \
                 last_error = NULL WHERE id = ?2 AND state IN ('unknown', 'sending')",
            now,
            outbox_id
        )
        .execute(&self.pool)
        .await
        .map_err(StoreError::query("settle an outbox row"))?;
        sqlx::query!(
            "UPDATE interactions SET metadata = json_set(metadata, '$.delivery', 'sent') \
             WHERE id = (SELECT interaction_id FROM outbox WHERE id = ?)",
            outbox_id
        )
        .execute(&self.pool)
        .await
        .map_err(StoreError::query("mark a message sent"))?;
        Ok(())
    }

    /// Per-recipient outcomes, in recipient order.
    pub async fn campaign_recipients(
        &self,
        campaign: i64,
        window_ms: i64,
    ) -> Result<Vec<RecipientRow>, StoreError> {
        let rows = sqlx::query!(
            r#"SELECT r.contact_id, c.name, r.status, r.step, r.error, r.last_sent_at, r.replied_at,
                   s.channel AS "channel?", s.address AS "address?", o.attempts AS "attempts?",
                   i.source_id AS "provider_id?",
                   (SELECT coalesce(SUM(total_minor), 0) FROM orders od WHERE od.contact_id = r.contact_id
                       AND od.placed_at > r.first_sent_at AND od.placed_at <= r.first_sent_at + ?)
                       AS "revenue!: i64"
               FROM campaign_recipients r JOIN contacts c ON c.id = r.contact_id
               LEFT JOIN campaign_sends s ON s.id = (SELECT id FROM campaign_sends
                   WHERE recipient_id = r.id ORDER BY step DESC LIMIT 1)
               LEFT JOIN outbox o ON o.id = s.outbox_id
               LEFT JOIN interactions i ON i.id = o.interaction_id
               WHERE r.campaign_id = ? ORDER BY r.id"#,
            window_ms,
            campaign
        )
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::query("read campaign recipients"))?;
        Ok(rows
            .into_iter()
            .map(|r| RecipientRow {
                contact_id: r.contact_id,
                name: r.name,
                status: RecipientStatus::parse(&r.status).unwrap_or(RecipientStatus::Pending),
                step: r.step as u32,
                channel: r.channel.as_deref().and_then(StepChannel::parse),
                address: r.address,
                attempts: r.attempts.unwrap_or(0) as u32,
                provider_id: r.provider_id,
                error: r.error,
                last_sent_at: r.last_sent_at,
                replied_at: r.replied_at,
                revenue_minor: r.revenue,
            })
            .collect())
    }

    /// Counts, replies, conversions and cost of a campaign.
    pub async fn campaign_results(
        &self,
        campaign: i64,
        window_ms: i64,
    ) -> Result<CampaignResults, StoreError> {
        let mut results = CampaignResults::default();
        let by_status = sqlx::query!(
            r#"SELECT status, COUNT(*) AS "n!: i64" FROM campaign_recipients WHERE campaign_id = ?
               GROUP BY status"#,
            campaign
        )
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::query("count recipients"))?;
        results.by_status = by_status
            .into_iter()
            .map(|r| (r.status, r.n as u64))
            .collect::<BTreeMap<_, _>>();
        results.recipients = results.by_status.values().sum();
        let steps = sqlx::query!(
            r#"SELECT step, channel, COUNT(*) AS "n!: i64" FROM campaign_sends
               WHERE campaign_id = ? AND state = 'sent' GROUP BY step, channel ORDER BY step"#,
            campaign
        )
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::query("count sends"))?;
        results.sent_by_step = steps
            .into_iter()
            .map(|r| (r.step as u32, r.channel, r.n as u64))
            .collect();
        let r = sqlx::query!(
            r#"SELECT
                 (SELECT COUNT(*) FROM campaign_recipients WHERE campaign_id = ?1 AND first_sent_at IS NOT NULL) AS "contacted!: i64",
                 (SELECT COUNT(*) FROM campaign_recipients WHERE campaign_id = ?1 AND replied_at IS NOT NULL) AS "replied!: i64",
                 (SELECT COUNT(DISTINCT r.id) FROM campaign_recipients r JOIN interactions i
                     ON i.contact_id = r.contact_id AND i.direction = 'inbound' AND i.channel IN ('call', 'voice_ai')
                    AND i.occurred_at > r.first_sent_at AND i.occurred_at <= r.first_sent_at + ?2
                   WHERE r.campaign_id = ?1) AS "calls!: i64",
                 (SELECT COUNT(DISTINCT r.id) FROM campaign_recipients r JOIN orders o
                     ON o.contact_id = r.contact_id AND o.placed_at > r.first_sent_at
                    AND o.placed_at <= r.first_sent_at + ?2
                   WHERE r.campaign_id = ?1) AS "conversions!: i64",
                 (SELECT coalesce(SUM(o.total_minor), 0) FROM campaign_recipients r JOIN orders o
                     ON o.contact_id = r.contact_id AND o.placed_at > r.first_sent_at
                    AND o.placed_at <= r.first_sent_at + ?2
                   WHERE r.campaign_id = ?1) AS "revenue!: i64",
                 (SELECT o.currency FROM campaign_recipients r JOIN orders o ON o.contact_id = r.contact_id
                   WHERE r.campaign_id = ?1 AND o.placed_at > r.first_sent_at LIMIT 1) AS "currency?: String",
                 (SELECT coalesce(SUM(i.cost_micros), 0) FROM campaign_sends s JOIN outbox ob ON ob.id = s.outbox_id
                    JOIN interactions i ON i.id = ob.interaction_id WHERE s.campaign_id = ?1) AS "cost!: i64""#,
            campaign,
            window_ms
        )
        .fetch_one(&self.pool)
        .await
        .map_err(StoreError::query("read campaign results"))?;
        results.contacted = r.contacted as u64;
        results.replied = r.replied as u64;
        results.inbound_calls = r.calls as u64;
        results.conversions = r.conversions as u64;
        results.revenue_minor = r.revenue;
        results.currency = r.currency.unwrap_or_else(|| "USD".into());
        results.cost_micros = r.cost;
        Ok(results)
    }
}

async fn update_recipient(
    tx: &mut sqlx::Transaction<'static, Sqlite>,
    recipient: i64,
    u: &RecipientUpdate,
    now: i64,
) -> Result<(), StoreError> {
    let status = u.status.as_str();
    let step = u.step.map(i64::from);
    let done = i64::from(u.done);
    sqlx::query!(
        "UPDATE campaign_recipients SET status = CASE WHEN replied_at IS NULL THEN ? ELSE status END, \
             step = coalesce(?, step), due_at = coalesce(?, due_at), done = max(done, ?), error = ?, \
             first_sent_at = coalesce(first_sent_at, ?), last_sent_at = coalesce(?, last_sent_at), \
             updated_at = ? WHERE id = ?",
        status,
        step,
        u.due_at,
        done,
        u.error,
        u.sent_at,
        u.sent_at,
        now,
        recipient
    )
    .execute(&mut **tx)
    .await
    .map_err(StoreError::query("update a campaign recipient"))?;
    Ok(())
}
