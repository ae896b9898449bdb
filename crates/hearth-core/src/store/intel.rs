//! Storage for customer intelligence: which contacts need another look (marked by triggers
//! in the transactions that change them), the facts the rules read, per chunk of contacts
//! in one read snapshot, and the conclusions, written set-based with the marks they clear.

use std::collections::HashMap;

use hearth_types::{
    ContactIntel, Engagement, HotLead, LeadFactor, LeadWeights, LtvFigures, Stage, Tier,
};
use serde::Serialize;

use super::{Store, StoreError};
use crate::domain::DomainError;

/// A contact's facts as stored, before the text is scanned.
#[derive(Debug, Clone, Default)]
pub struct RawFacts {
    pub contact_id: i64,
    pub name: String,
    pub status: String,
    pub has_email: bool,
    pub has_phone: bool,
    pub company: Option<String>,
    pub time_zone: Option<String>,
    pub has_notes: bool,
    pub merged: bool,
    /// The owner marked the conversation done up to here, or snoozed it until then.
    pub done_through: Option<i64>,
    pub snoozed_until: Option<i64>,
    /// The dirty mark read with these facts, if any.
    pub dirty_seq: Option<i64>,
    /// Oldest first.
    pub interactions: Vec<RawInteraction>,
    pub orders: i64,
    pub last_order_at: Option<i64>,
    /// (title, stage), newest first.
    pub open_deals: Vec<(String, String)>,
    pub previous: Option<Previous>,
}

/// An interaction as the analysis reads it.
#[derive(Debug, Clone)]
pub struct RawInteraction {
    pub channel: String,
    pub direction: String,
    pub occurred_at: i64,
    pub duration_ms: Option<i64>,
    pub sentiment: Option<f64>,
    /// The customer's own words: an inbound message's body, a call's customer turns.
    pub customer_text: Option<String>,
}

/// What the last pass stored, for crossings and unchanged lifetime value.
#[derive(Debug, Clone, Default)]
pub struct Previous {
    pub tier: String,
    pub hot_since: Option<i64>,
    pub last_inbound_at: Option<i64>,
    pub ltv: Option<LtvFigures>,
}

/// One row to store.
#[derive(Debug, Clone, Serialize)]
pub struct IntelRow {
    pub id: i64,
    /// The dirty mark this row answers (cleared only if still the same).
    pub seq: Option<i64>,
    pub score: i64,
    pub tier: &'static str,
    pub factors: Vec<LeadFactor>,
    pub stage: &'static str,
    pub stage_reason: String,
    pub next_action: String,
    pub next_reason: String,
    pub engagement: Engagement,
    pub ltv: Option<LtvFigures>,
    pub needs_attention: Option<String>,
    pub attention_rank: i64,
    pub hot_since: Option<i64>,
    pub last_inbound_at: Option<i64>,
}

const WEIGHTS: &str = "lead_weights";
const TIME_ZONE: &str = "time_zone";
const DISCOUNT: &str = "ltv_discount_rate";
const ORDERS_CHANGED: &str = "intel_orders_changed";
const MODEL_DAY: &str = "ltv_model_day";

fn ids_json(ids: &[i64]) -> String {
    serde_json::to_string(ids).unwrap_or_else(|_| "[]".into())
}

impl Store {
    /// The lead-score weights (the defaults until the business changes one).
    pub async fn lead_weights(&self) -> Result<LeadWeights, StoreError> {
        Ok(self
            .setting(WEIGHTS)
            .await?
            .and_then(|s| serde_json::from_str(&s).ok())
            .unwrap_or_default())
    }

    /// Stores new weights and marks every contact for another look.
    pub async fn set_lead_weights(&self, weights: &LeadWeights) -> Result<(), StoreError> {
        let json = serde_json::to_string(weights).unwrap_or_else(|_| "{}".into());
        let mut tx = self.begin("change lead weights").await?;
        sqlx::query!(
            "INSERT INTO business_settings (key, value) VALUES (?1, ?2) \
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            WEIGHTS,
            json
        )
        .execute(&mut *tx)
        .await
        .map_err(StoreError::query("store lead weights"))?;
        mark_all_tx(&mut tx).await?;
        tx.commit()
            .await
            .map_err(StoreError::query("store lead weights"))
    }

    /// The business's time zone (IANA name) for hours of day; the machine's when unset.
    pub async fn business_time_zone(&self) -> Result<chrono_tz::Tz, StoreError> {
        let set = self.setting(TIME_ZONE).await?;
        Ok(set
            .or_else(|| iana_time_zone::get_timezone().ok())
            .and_then(|z| z.parse().ok())
            .unwrap_or(chrono_tz::Tz::UTC))
    }

    /// Sets the business's time zone after checking the name.
    pub async fn set_business_time_zone(&self, name: &str) -> Result<(), StoreError> {
        let tz: chrono_tz::Tz = name
            .trim()
            .parse()
            .map_err(|_| DomainError::InvalidTimeZone(name.to_owned()))?;
        self.set_setting(TIME_ZONE, tz.name()).await?;
        self.mark_all_for_analysis().await
    }

    /// The monthly discount rate for 12-month CLV (1 % unless set).
    pub async fn ltv_discount_rate(&self) -> Result<f64, StoreError> {
        Ok(self
            .setting(DISCOUNT)
            .await?
            .and_then(|s| s.parse::<f64>().ok())
            .filter(|r| r.is_finite() && *r > -1.0 && *r < 1.0)
            .unwrap_or(0.01))
    }

    /// Whether the lifetime-value model must be fitted again: orders changed, or it was
    /// fitted on another day than `day` (P(alive) moves with time).
    pub async fn ltv_model_stale(&self, day: &str) -> Result<bool, StoreError> {
        let changed = self.setting(ORDERS_CHANGED).await?.as_deref() == Some("1");
        let fitted = self.setting(MODEL_DAY).await?;
        Ok(changed || fitted.as_deref() != Some(day))
    }

    /// Records a fit made on `day` (before reading the orders, so a change during the
    /// fit sets the flag again).
    pub async fn ltv_model_fitting(&self, day: &str) -> Result<(), StoreError> {
        self.set_setting(ORDERS_CHANGED, "0").await?;
        self.set_setting(MODEL_DAY, day).await
    }

    /// Marks every contact for the next analysis pass.
    pub async fn mark_all_for_analysis(&self) -> Result<(), StoreError> {
        let mut tx = self.begin("mark contacts").await?;
        mark_all_tx(&mut tx).await?;
        tx.commit()
            .await
            .map_err(StoreError::query("mark contacts"))
    }

    /// Contacts marked for analysis, after `after`, by id.
    pub async fn dirty_contacts(&self, after: i64, limit: i64) -> Result<Vec<i64>, StoreError> {
        sqlx::query_scalar!(
            "SELECT contact_id FROM intel_dirty WHERE contact_id > ? ORDER BY contact_id LIMIT ?",
            after,
            limit
        )
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::query("read contacts to analyse"))
    }

    /// Contacts marked for analysis.
    pub async fn count_dirty_contacts(&self) -> Result<i64, StoreError> {
        sqlx::query_scalar!("SELECT COUNT(*) FROM intel_dirty")
            .fetch_one(&self.pool)
            .await
            .map_err(StoreError::query("count contacts to analyse"))
    }

    /// Every contact after `after` (merged ones too: their rows must go), by id.
    pub async fn contact_ids(&self, after: i64, limit: i64) -> Result<Vec<i64>, StoreError> {
        sqlx::query_scalar!(
            "SELECT id FROM contacts WHERE id > ? ORDER BY id LIMIT ?",
            after,
            limit
        )
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::query("list contacts to analyse"))
    }

    /// Contacts whose stored lifetime value may change with a new model.
    pub async fn contacts_with_orders_or_ltv(&self) -> Result<Vec<i64>, StoreError> {
        sqlx::query_scalar!(
            r#"SELECT contact_id AS "id!: i64" FROM orders WHERE contact_id IS NOT NULL
               UNION SELECT contact_id FROM contact_intel WHERE ltv IS NOT NULL
               ORDER BY 1"#
        )
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::query("list customers"))
    }

    /// The facts of these contacts, read in one snapshot; ids that do not exist are left
    /// out.
    pub async fn intel_facts(&self, ids: &[i64]) -> Result<Vec<RawFacts>, StoreError> {
        let json = ids_json(ids);
        let mut tx = self.begin_read("read facts to analyse").await?;
        let contacts = sqlx::query!(
            r#"SELECT c.id AS "id!: i64", c.name, c.status, c.notes != '' AS "has_notes!: bool",
                      c.time_zone, co.name AS "company?", c.merged_into IS NOT NULL AS "merged!: bool",
                      EXISTS (SELECT 1 FROM contact_identities i
                              WHERE i.contact_id = c.id AND i.kind = 'email') AS "has_email!: bool",
                      EXISTS (SELECT 1 FROM contact_identities i
                              WHERE i.contact_id = c.id AND i.kind = 'phone') AS "has_phone!: bool",
                      d.seq AS "dirty_seq?: i64",
                      p.tier AS "prev_tier?", p.hot_since, p.last_inbound_at AS "prev_inbound?: i64",
                      p.ltv AS "prev_ltv?",
                      ib.done_through AS "done_through?: i64", ib.snoozed_until AS "snoozed_until?: i64"
               FROM contacts c
               LEFT JOIN inbox_state ib ON ib.contact_id = c.id
               LEFT JOIN companies co ON co.id = c.company_id
               LEFT JOIN intel_dirty d ON d.contact_id = c.id
               LEFT JOIN contact_intel p ON p.contact_id = c.id
               WHERE c.id IN (SELECT value FROM json_each(?1))
               ORDER BY c.id"#,
            json
        )
        .fetch_all(&mut *tx)
        .await
        .map_err(StoreError::query("read contacts to analyse"))?;
        let mut out: Vec<RawFacts> = Vec::with_capacity(contacts.len());
        let mut at: HashMap<i64, usize> = HashMap::with_capacity(contacts.len());
        for c in contacts {
            at.insert(c.id, out.len());
            out.push(RawFacts {
                contact_id: c.id,
                name: c.name,
                status: c.status,
                has_email: c.has_email,
                has_phone: c.has_phone,
                company: c.company,
                time_zone: c.time_zone,
                has_notes: c.has_notes,
                merged: c.merged,
                done_through: c.done_through,
                snoozed_until: c.snoozed_until,
                dirty_seq: c.dirty_seq,
                previous: c.prev_tier.map(|tier| Previous {
                    tier,
                    hot_since: c.hot_since,
                    last_inbound_at: c.prev_inbound,
                    ltv: c.prev_ltv.and_then(|s| serde_json::from_str(&s).ok()),
                }),
                ..RawFacts::default()
            });
        }
        let rows = sqlx::query!(
            r#"SELECT contact_id AS "contact_id!: i64", channel, direction, occurred_at,
                      duration_ms, sentiment,
                      CASE WHEN channel IN ('voice_ai', 'call')
                           THEN json_extract(metadata, '$.customer_text')
                           WHEN direction = 'inbound' THEN body END AS "text?: String"
               FROM interactions
               WHERE contact_id IN (SELECT value FROM json_each(?1))
               ORDER BY contact_id, occurred_at, id"#,
            json
        )
        .fetch_all(&mut *tx)
        .await
        .map_err(StoreError::query("read interactions to analyse"))?;
        for r in rows {
            if let Some(&i) = at.get(&r.contact_id) {
                out[i].interactions.push(RawInteraction {
                    channel: r.channel,
                    direction: r.direction,
                    occurred_at: r.occurred_at,
                    duration_ms: r.duration_ms,
                    sentiment: r.sentiment,
                    customer_text: r.text,
                });
            }
        }
        let orders = sqlx::query!(
            r#"SELECT contact_id AS "contact_id!: i64", COUNT(*) AS "n!: i64",
                      MAX(placed_at) AS "last!: i64"
               FROM orders WHERE status = 'completed'
                 AND contact_id IN (SELECT value FROM json_each(?1))
               GROUP BY contact_id"#,
            json
        )
        .fetch_all(&mut *tx)
        .await
        .map_err(StoreError::query("read orders to analyse"))?;
        for o in orders {
            if let Some(&i) = at.get(&o.contact_id) {
                out[i].orders = o.n;
                out[i].last_order_at = Some(o.last);
            }
        }
        let deals = sqlx::query!(
            r#"SELECT contact_id AS "contact_id!: i64", title, stage FROM deals
               WHERE stage NOT IN ('won', 'lost')
                 AND contact_id IN (SELECT value FROM json_each(?1))
               ORDER BY contact_id, created_at DESC, id DESC"#,
            json
        )
        .fetch_all(&mut *tx)
        .await
        .map_err(StoreError::query("read deals to analyse"))?;
        for d in deals {
            if let Some(&i) = at.get(&d.contact_id) {
                out[i].open_deals.push((d.title, d.stage));
            }
        }
        tx.commit()
            .await
            .map_err(StoreError::query("finish reading facts"))?;
        Ok(out)
    }

    /// Stores conclusions, drops those of merged contacts, and clears the dirty marks
    /// they answer, in one transaction.
    pub async fn store_intel(
        &self,
        rows: &[IntelRow],
        merged: &[(i64, Option<i64>)],
        now: i64,
    ) -> Result<(), StoreError> {
        let json = serde_json::to_string(rows).map_err(|source| StoreError::Encode {
            what: "the analysis",
            source,
        })?;
        let merged_json = serde_json::to_string(
            &merged
                .iter()
                .map(|(id, seq)| serde_json::json!({ "id": id, "seq": seq }))
                .collect::<Vec<_>>(),
        )
        .unwrap_or_else(|_| "[]".into());
        let mut tx = self.begin("store the analysis").await?;
        sqlx::query!(
            r#"INSERT INTO contact_intel (contact_id, score, tier, factors, stage, stage_reason,
                   next_action, next_reason, engagement, ltv, p_alive, clv_12m_minor,
                   needs_attention, attention_rank, hot_since, last_inbound_at, computed_at)
               SELECT j.value ->> '$.id', j.value ->> '$.score', j.value ->> '$.tier',
                      j.value -> '$.factors', j.value ->> '$.stage', j.value ->> '$.stage_reason',
                      j.value ->> '$.next_action', j.value ->> '$.next_reason',
                      j.value -> '$.engagement',
                      CASE WHEN j.value ->> '$.ltv' IS NOT NULL THEN j.value -> '$.ltv' END,
                      j.value ->> '$.ltv.p_alive', j.value ->> '$.ltv.clv_12m_minor',
                      j.value ->> '$.needs_attention', j.value ->> '$.attention_rank',
                      j.value ->> '$.hot_since', j.value ->> '$.last_inbound_at', ?2
               FROM json_each(?1) j WHERE true
               ON CONFLICT (contact_id) DO UPDATE SET
                   score = excluded.score, tier = excluded.tier, factors = excluded.factors,
                   stage = excluded.stage, stage_reason = excluded.stage_reason,
                   next_action = excluded.next_action, next_reason = excluded.next_reason,
                   engagement = excluded.engagement, ltv = excluded.ltv,
                   p_alive = excluded.p_alive, clv_12m_minor = excluded.clv_12m_minor,
                   needs_attention = excluded.needs_attention,
                   attention_rank = excluded.attention_rank, hot_since = excluded.hot_since,
                   last_inbound_at = excluded.last_inbound_at, computed_at = excluded.computed_at"#,
            json,
            now
        )
        .execute(&mut *tx)
        .await
        .map_err(StoreError::query("store the analysis"))?;
        sqlx::query!(
            "DELETE FROM contact_intel WHERE contact_id IN \
             (SELECT j.value ->> '$.id' FROM json_each(?1) j)",
            merged_json
        )
        .execute(&mut *tx)
        .await
        .map_err(StoreError::query("drop merged contacts' analysis"))?;
        sqlx::query!(
            "DELETE FROM intel_dirty WHERE (contact_id, seq) IN \
             (SELECT j.value ->> '$.id', j.value ->> '$.seq' FROM json_each(?1) j \
              UNION ALL SELECT j.value ->> '$.id', j.value ->> '$.seq' FROM json_each(?2) j)",
            json,
            merged_json
        )
        .execute(&mut *tx)
        .await
        .map_err(StoreError::query("clear analysed marks"))?;
        tx.commit()
            .await
            .map_err(StoreError::query("store the analysis"))
    }

    /// What the last pass concluded about a contact.
    pub async fn contact_intel(&self, id: i64) -> Result<Option<ContactIntel>, StoreError> {
        let row = sqlx::query!(
            r#"SELECT score, tier, factors, stage, stage_reason, next_action, next_reason,
                      engagement, ltv, needs_attention, hot_since, computed_at
               FROM contact_intel WHERE contact_id = ?"#,
            id
        )
        .fetch_optional(&self.pool)
        .await
        .map_err(StoreError::query("read a contact's analysis"))?;
        let Some(r) = row else { return Ok(None) };
        let bad = |column: &'static str| {
            move |source: serde_json::Error| StoreError::BadJson { column, id, source }
        };
        Ok(Some(ContactIntel {
            score: r.score,
            tier: Tier::parse(&r.tier).unwrap_or(Tier::Cold),
            factors: serde_json::from_str(&r.factors).map_err(bad("lead factors"))?,
            stage: Stage::parse(&r.stage).unwrap_or(Stage::Discovery),
            stage_reason: r.stage_reason,
            next_action: r.next_action,
            next_reason: r.next_reason,
            engagement: serde_json::from_str(&r.engagement).map_err(bad("engagement"))?,
            ltv: r
                .ltv
                .map(|s| serde_json::from_str(&s))
                .transpose()
                .map_err(bad("lifetime value"))?,
            needs_attention: r.needs_attention,
            hot_since: r.hot_since,
            computed_at: r.computed_at,
        }))
    }

    /// Current hot leads, highest score first.
    pub async fn hot_leads(&self, limit: i64) -> Result<Vec<HotLead>, StoreError> {
        let rows = sqlx::query!(
            r#"SELECT i.contact_id, c.name, i.score, i.factors
               FROM contact_intel i JOIN contacts c ON c.id = i.contact_id
               WHERE i.tier = 'hot' AND c.merged_into IS NULL
               ORDER BY i.score DESC, i.hot_since DESC LIMIT ?"#,
            limit
        )
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::query("read hot leads"))?;
        Ok(rows
            .into_iter()
            .map(|r| {
                let factors: Vec<LeadFactor> = serde_json::from_str(&r.factors).unwrap_or_default();
                HotLead {
                    contact_id: r.contact_id,
                    name: r.name,
                    score: r.score,
                    reason: crate::analytics::lead::headline(&factors),
                }
            })
            .collect())
    }

    /// Contacts per tier and how many need attention: (hot, warm, cold, attention).
    pub async fn intel_counts(&self) -> Result<(i64, i64, i64, i64), StoreError> {
        let r = sqlx::query!(
            r#"SELECT coalesce(SUM(tier = 'hot'), 0) AS "hot!: i64",
                      coalesce(SUM(tier = 'warm'), 0) AS "warm!: i64",
                      coalesce(SUM(tier = 'cold'), 0) AS "cold!: i64",
                      coalesce(SUM(needs_attention IS NOT NULL), 0) AS "attention!: i64"
               FROM contact_intel"#
        )
        .fetch_one(&self.pool)
        .await
        .map_err(StoreError::query("count tiers"))?;
        Ok((r.hot, r.warm, r.cold, r.attention))
    }
}

async fn mark_all_tx(tx: &mut sqlx::Transaction<'static, sqlx::Sqlite>) -> Result<(), StoreError> {
    sqlx::query!(
        "INSERT INTO intel_dirty (contact_id) SELECT id FROM contacts WHERE true \
         ON CONFLICT (contact_id) DO UPDATE SET seq = seq + 1"
    )
    .execute(&mut **tx)
    .await
    .map_err(StoreError::query("mark contacts"))?;
    Ok(())
}

impl Store {
    /// Seed 002's customer context for a phone number, email or id: who they are, where
    /// they stand, what is open, and a one-line summary for a person or an AI agent.
    pub async fn customer_context(
        &self,
        key: &str,
    ) -> Result<hearth_types::CustomerContext, StoreError> {
        let contact = self.find_contact(key).await?;
        let profile = self.contact_profile(contact.id).await?;
        let id = profile.contact.id;
        let last = sqlx::query!(
            r#"SELECT occurred_at, channel, direction,
                      coalesce(nullif(summary, ''), nullif(subject, ''), substr(body, 1, 120), '')
                          AS "about!: String"
               FROM interactions WHERE contact_id = ? AND direction != 'internal'
               ORDER BY sort_key DESC LIMIT 1"#,
            id
        )
        .fetch_optional(&self.pool)
        .await
        .map_err(StoreError::query("read the last interaction"))?;
        let last_contact = match last {
            Some(r) => Some(hearth_types::ContextTouch {
                at: r.occurred_at,
                channel: r.channel.parse().map_err(|source| StoreError::BadEnum {
                    column: "channel",
                    source,
                })?,
                direction: r.direction.parse().map_err(|source| StoreError::BadEnum {
                    column: "direction",
                    source,
                })?,
                about: r.about.split_whitespace().collect::<Vec<_>>().join(" "),
            }),
            None => None,
        };
        let c = &profile.contact;
        let of = |kind: hearth_types::IdentityKind| {
            c.identities
                .iter()
                .filter(|i| i.kind == kind)
                .map(|i| i.value.clone())
                .collect::<Vec<_>>()
        };
        let open_deals: Vec<_> = profile
            .deals
            .iter()
            .filter(|d| d.stage != "won" && d.stage != "lost")
            .cloned()
            .collect();
        let intel = profile.intel.as_ref();
        let summary = context_line(&profile, &open_deals, last_contact.as_ref());
        Ok(hearth_types::CustomerContext {
            contact_id: id,
            name: c.name.clone(),
            company: c.company.clone(),
            status: c.status.as_str().to_owned(),
            emails: of(hearth_types::IdentityKind::Email),
            phones: of(hearth_types::IdentityKind::Phone),
            score: intel.map(|i| i.score),
            tier: intel.map(|i| i.tier),
            stage: intel.map(|i| i.stage),
            next_action: intel.map(|i| format!("{} — {}", i.next_action, i.next_reason)),
            open_deals,
            next_contact_at: profile.open_tasks.iter().filter_map(|t| t.due_at).min(),
            pending_tasks: profile.open_tasks.clone(),
            notes: profile.notes.clone(),
            sentiment: profile.sentiment.clone(),
            last_contact,
            summary,
        })
    }
}

/// "Ann Lee (Acme) — hot lead, score 92, purchase intent; open deal “Roof” (proposal);
/// sentiment positive, improving; last: email 2 d ago about “Quote”".
fn context_line(
    p: &hearth_types::ContactProfile,
    open_deals: &[hearth_types::Deal],
    last: Option<&hearth_types::ContextTouch>,
) -> String {
    let c = &p.contact;
    let mut line = c.name.clone();
    if let Some(co) = &c.company {
        line.push_str(&format!(" ({co})"));
    }
    let mut parts = Vec::new();
    match &p.intel {
        Some(i) => parts.push(format!(
            "{} {}, score {}, {}",
            i.tier.as_str(),
            if p.orders.is_empty() {
                "lead"
            } else {
                "customer"
            },
            i.score,
            i.stage.label()
        )),
        None => parts.push(c.status.as_str().to_owned()),
    }
    if let Some(d) = open_deals.first() {
        parts.push(format!("open deal “{}” ({})", d.title, d.stage));
    }
    if let Some(s) = &p.sentiment {
        parts.push(format!("sentiment {}, {}", s.label, s.trend));
    }
    if let Some(t) = last {
        let about = if t.about.chars().count() > 60 {
            format!("{}…", t.about.chars().take(60).collect::<String>())
        } else {
            t.about.clone()
        };
        parts.push(format!(
            "last: {} {} {}{}",
            t.direction.as_str(),
            t.channel.as_str(),
            crate::analytics::facts::ago(crate::now_ms() - t.at),
            if about.is_empty() {
                String::new()
            } else {
                format!(" about “{about}”")
            }
        ));
    }
    if let Some(i) = &p.intel {
        parts.push(format!("next: {} — {}", i.next_action, i.next_reason));
    }
    format!("{line} — {}", parts.join("; "))
}

impl Store {
    /// Marks these contacts for the next analysis pass.
    pub async fn mark_for_analysis(&self, ids: &[i64]) -> Result<(), StoreError> {
        let json = ids_json(ids);
        sqlx::query!(
            "INSERT INTO intel_dirty (contact_id) \
             SELECT c.id FROM contacts c WHERE c.id IN (SELECT value FROM json_each(?1)) \
             ON CONFLICT (contact_id) DO UPDATE SET seq = seq + 1",
            json
        )
        .execute(&self.pool)
        .await
        .map_err(StoreError::query("mark contacts"))?;
        Ok(())
    }
}
