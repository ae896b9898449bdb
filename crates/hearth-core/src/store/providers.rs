//! VAPI and Telnyx in the store: provider settings (never keys), cached phone numbers, the
//! opt-out ledger, and the polled records' batch write.
//!
//! The batch write is set-based like the mail sync's (`mail_batch`): a handful of
//! statements per batch. Records are upserted by `(source, "", id)`, because calls and
//! message statuses change after they are first seen; a body or summary already stored is
//! kept when the new copy has none (outbound texts are known locally, inbound bodies are
//! fetched once), and metadata is merged key by key. The sync cursor moves in the same
//! transaction, so a crash never skips or doubles a record.

use std::collections::{HashMap, HashSet};

use serde::Serialize;
use serde_json::{json, Value};
use sqlx::{Sqlite, Transaction};

use super::timeline::{sort_key, TIME_RANGE};
use super::{Store, StoreError};
use crate::domain::NewInteraction;
use crate::now_ms;

/// Rows per multi-row upsert: 14 parameters each.
const ROWS_PER_INSERT: usize = 1000;

/// What the owner configured for a provider (the key is in the keyring).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProviderAccount {
    pub provider: String,
    pub base_url: String,
    pub settings: Value,
    pub enabled: bool,
    pub last_sync_at: Option<i64>,
    pub last_error: Option<String>,
    pub last_error_at: Option<i64>,
    pub retry_at: Option<i64>,
}

/// The other party of a polled record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhoneParty {
    /// E.164.
    pub number: String,
    pub name: Option<String>,
}

/// One polled record on its way to the timeline.
#[derive(Debug, Clone)]
pub struct ProviderRecord {
    pub interaction: NewInteraction,
    pub party: Option<PhoneParty>,
    /// Our own outbox reference when the record carries it back (a VAPI call's `name`).
    pub reference: Option<String>,
}

/// An opt-out (or, with `opt_in`, its withdrawal) seen by a sync or a send.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OptOut {
    pub channel: String,
    pub address: String,
    pub keyword: Option<String>,
    pub source: String,
    pub occurred_at: i64,
    /// START / UNSTOP: removes an earlier opt-out of the same channel and address.
    #[serde(skip)]
    pub opt_in: bool,
}

/// A batch as a provider source produced it.
#[derive(Debug, Clone, Default)]
pub struct ProviderBatch {
    /// The `sync_cursors` source the cursor belongs to (e.g. "vapi", "telnyx_sms").
    pub cursor_source: String,
    pub records: Vec<ProviderRecord>,
    pub opt_outs: Vec<OptOut>,
    /// Stored with the records, in the same transaction.
    pub cursor: Option<Value>,
    /// Records the source could not read, each with its reason (logged and counted; the
    /// rest of the batch is stored).
    pub rejected: Vec<String>,
}

/// What a batch write did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ProviderBatchReport {
    pub received: u64,
    /// New or changed interactions (identical re-deliveries write nothing).
    pub written: u64,
    pub contacts_created: u64,
    pub opt_outs: u64,
    /// Outbox rows confirmed by the records.
    pub reconciled: u64,
}

impl Store {
    /// A provider's settings, if configured.
    pub async fn provider_account(
        &self,
        provider: &str,
    ) -> Result<Option<ProviderAccount>, StoreError> {
        Ok(self
            .provider_accounts()
            .await?
            .into_iter()
            .find(|a| a.provider == provider))
    }

    /// Every configured provider.
    pub async fn provider_accounts(&self) -> Result<Vec<ProviderAccount>, StoreError> {
        let rows = sqlx::query!(
            "SELECT provider, base_url, settings, enabled, last_sync_at, last_error, \
                 last_error_at, retry_at FROM provider_accounts ORDER BY provider"
        )
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::query("read provider settings"))?;
        rows.into_iter()
            .map(|r| {
                Ok(ProviderAccount {
                    settings: serde_json::from_str(&r.settings).map_err(|source| {
                        StoreError::BadJson {
                            column: "provider_accounts.settings",
                            id: 0,
                            source,
                        }
                    })?,
                    provider: r.provider,
                    base_url: r.base_url,
                    enabled: r.enabled != 0,
                    last_sync_at: r.last_sync_at,
                    last_error: r.last_error,
                    last_error_at: r.last_error_at,
                    retry_at: r.retry_at,
                })
            })
            .collect()
    }

    /// Creates or replaces a provider's settings (its sync history is kept).
    pub async fn set_provider_account(
        &self,
        provider: &str,
        base_url: &str,
        settings: &Value,
    ) -> Result<ProviderAccount, StoreError> {
        let now = now_ms();
        let settings_text = settings.to_string();
        sqlx::query!(
            "INSERT INTO provider_accounts (provider, base_url, settings, created_at, updated_at) \
             VALUES (?1, ?2, ?3, ?4, ?4) \
             ON CONFLICT (provider) DO UPDATE SET base_url = excluded.base_url, \
                 settings = excluded.settings, enabled = 1, updated_at = excluded.updated_at",
            provider,
            base_url,
            settings_text,
            now
        )
        .execute(&self.pool)
        .await
        .map_err(StoreError::query("save provider settings"))?;
        self.provider_account(provider)
            .await?
            .ok_or_else(|| StoreError::NotFound {
                what: "provider",
                key: provider.into(),
            })
    }

    /// Forgets a provider's settings and cursors (its records stay on the timeline).
    pub async fn delete_provider_account(&self, provider: &str) -> Result<(), StoreError> {
        let mut tx = self.begin("remove a provider").await?;
        let done = sqlx::query!("DELETE FROM provider_accounts WHERE provider = ?", provider)
            .execute(&mut *tx)
            .await
            .map_err(StoreError::query("remove a provider"))?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound {
                what: "provider",
                key: provider.into(),
            });
        }
        let prefix = format!("{provider}%");
        sqlx::query!("DELETE FROM sync_cursors WHERE source LIKE ?", prefix)
            .execute(&mut *tx)
            .await
            .map_err(StoreError::query("forget provider cursors"))?;
        tx.commit()
            .await
            .map_err(StoreError::query("commit removing a provider"))
    }

    /// Records how a provider's sync ended: `Ok(())` clears the error.
    pub async fn record_provider_sync(
        &self,
        provider: &str,
        outcome: Result<(), (&str, Option<i64>)>,
    ) -> Result<(), StoreError> {
        let now = now_ms();
        match outcome {
            Ok(()) => sqlx::query!(
                "UPDATE provider_accounts SET last_sync_at = ?1, last_error = NULL, \
                     last_error_at = NULL, retry_at = NULL WHERE provider = ?2",
                now,
                provider
            )
            .execute(&self.pool)
            .await
            .map(|_| ()),
            Err((error, retry_at)) => sqlx::query!(
                "UPDATE provider_accounts SET last_error = ?1, last_error_at = ?2, retry_at = ?3 \
                 WHERE provider = ?4",
                error,
                now,
                retry_at,
                provider
            )
            .execute(&self.pool)
            .await
            .map(|_| ()),
        }
        .map_err(StoreError::query("record a provider sync"))
    }

    /// How many interactions came from a source ("vapi", "telnyx").
    pub async fn count_source(&self, source: &str) -> Result<i64, StoreError> {
        sqlx::query_scalar!(
            r#"SELECT COUNT(*) AS "n!: i64" FROM interactions WHERE source = ?"#,
            source
        )
        .fetch_one(&self.pool)
        .await
        .map_err(StoreError::query("count a source's records"))
    }

    /// Who a reply to an interaction goes to: its contact, and the number the
    /// interaction itself was with, when it was a text or call.
    pub async fn reply_target(&self, id: i64) -> Result<(Option<i64>, Option<String>), StoreError> {
        let row = sqlx::query!(
            r#"SELECT contact_id, coalesce(json_extract(metadata, '$.their_number'),
                   json_extract(metadata, '$.customer_number')) AS "number?: String"
               FROM interactions WHERE id = ?"#,
            id
        )
        .fetch_optional(&self.pool)
        .await
        .map_err(StoreError::query("read an interaction"))?
        .ok_or_else(|| StoreError::NotFound {
            what: "interaction",
            key: id.to_string(),
        })?;
        Ok((row.contact_id, row.number))
    }

    /// A cached phone-number resource: `Some((number, name))` when known.
    pub async fn cached_phone_number(
        &self,
        provider: &str,
        id: &str,
    ) -> Result<Option<(Option<String>, Option<String>)>, StoreError> {
        let row = sqlx::query!(
            "SELECT number, name FROM provider_phone_numbers WHERE provider = ? AND id = ?",
            provider,
            id
        )
        .fetch_optional(&self.pool)
        .await
        .map_err(StoreError::query("read a cached phone number"))?;
        Ok(row.map(|r| (r.number, r.name)))
    }

    /// Caches a phone-number resource.
    pub async fn cache_phone_number(
        &self,
        provider: &str,
        id: &str,
        number: Option<&str>,
        name: Option<&str>,
    ) -> Result<(), StoreError> {
        let now = now_ms();
        sqlx::query!(
            "INSERT INTO provider_phone_numbers (provider, id, number, name, fetched_at) \
             VALUES (?, ?, ?, ?, ?) ON CONFLICT (provider, id) DO UPDATE SET \
                 number = excluded.number, name = excluded.name, fetched_at = excluded.fetched_at",
            provider,
            id,
            number,
            name,
            now
        )
        .execute(&self.pool)
        .await
        .map_err(StoreError::query("cache a phone number"))?;
        Ok(())
    }

    /// The opt-out ledger of a channel (every channel when `None`), newest first.
    pub async fn opt_outs(&self, channel: Option<&str>) -> Result<Vec<OptOut>, StoreError> {
        let rows = sqlx::query!(
            "SELECT channel, address, keyword, source, occurred_at FROM opt_outs \
             WHERE ?1 IS NULL OR channel = ?1 ORDER BY occurred_at DESC, address",
            channel
        )
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::query("read opt-outs"))?;
        Ok(rows
            .into_iter()
            .map(|r| OptOut {
                channel: r.channel,
                address: r.address,
                keyword: r.keyword,
                source: r.source,
                occurred_at: r.occurred_at,
                opt_in: false,
            })
            .collect())
    }

    /// The opt-out of an address on a channel, if it has one.
    pub async fn opt_out_of(
        &self,
        channel: &str,
        address: &str,
    ) -> Result<Option<OptOut>, StoreError> {
        let row = sqlx::query!(
            "SELECT keyword, source, occurred_at FROM opt_outs WHERE channel = ? AND address = ?",
            channel,
            address
        )
        .fetch_optional(&self.pool)
        .await
        .map_err(StoreError::query("check an opt-out"))?;
        Ok(row.map(|r| OptOut {
            channel: channel.into(),
            address: address.into(),
            keyword: r.keyword,
            source: r.source,
            occurred_at: r.occurred_at,
            opt_in: false,
        }))
    }

    /// Records opt-outs (and opt-ins) outside a sync, e.g. a send refused with 40300.
    pub async fn record_opt_outs(&self, opt_outs: &[OptOut]) -> Result<u64, StoreError> {
        let mut tx = self.begin("record opt-outs").await?;
        let n = record_opt_outs_tx(&mut tx, opt_outs).await?;
        tx.commit()
            .await
            .map_err(StoreError::query("commit opt-outs"))?;
        Ok(n)
    }

    /// Stores a polled batch, its opt-outs and its cursor in one transaction.
    pub async fn store_provider_batch(
        &self,
        batch: &ProviderBatch,
    ) -> Result<ProviderBatchReport, StoreError> {
        let mut tx = self.begin("store provider records").await?;
        let report = store_provider_batch_tx(&mut tx, batch).await?;
        tx.commit()
            .await
            .map_err(StoreError::query("commit provider records"))?;
        Ok(report)
    }

    /// Which of these record ids of a source already have a body.
    pub async fn records_with_body(
        &self,
        source: &str,
        ids: &[&str],
    ) -> Result<HashSet<String>, StoreError> {
        let ids = serde_json::to_string(ids).unwrap_or_else(|_| "[]".into());
        let rows = sqlx::query_scalar!(
            r#"SELECT source_id AS "id!: String" FROM interactions
               WHERE source = ?1 AND source_account = '' AND body IS NOT NULL
                 AND source_id IN (SELECT value FROM json_each(?2))"#,
            source,
            ids
        )
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::query("look up stored bodies"))?;
        Ok(rows.into_iter().collect())
    }
}

async fn record_opt_outs_tx(
    tx: &mut Transaction<'static, Sqlite>,
    opt_outs: &[OptOut],
) -> Result<u64, StoreError> {
    let now = now_ms();
    let mut changed = 0;
    for o in opt_outs {
        let done = if o.opt_in {
            sqlx::query!(
                "DELETE FROM opt_outs WHERE channel = ? AND address = ? AND occurred_at <= ?",
                o.channel,
                o.address,
                o.occurred_at
            )
            .execute(&mut **tx)
            .await
        } else {
            // The earliest sighting wins; a later mirror of the same opt-out changes nothing.
            sqlx::query!(
                "INSERT INTO opt_outs (channel, address, keyword, source, occurred_at, created_at) \
                 VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (channel, address) DO NOTHING",
                o.channel,
                o.address,
                o.keyword,
                o.source,
                o.occurred_at,
                now
            )
            .execute(&mut **tx)
            .await
        }
        .map_err(StoreError::query("record an opt-out"))?;
        changed += done.rows_affected();
    }
    Ok(changed)
}

/// [`Store::store_provider_batch`] inside a transaction.
pub(crate) async fn store_provider_batch_tx(
    tx: &mut Transaction<'static, Sqlite>,
    batch: &ProviderBatch,
) -> Result<ProviderBatchReport, StoreError> {
    let now = now_ms();
    let mut report = ProviderBatchReport {
        received: batch.records.len() as u64,
        ..Default::default()
    };
    // 1. Contacts by phone number: found, or created with the best name seen.
    let mut names: HashMap<&str, Option<&str>> = HashMap::new();
    for party in batch.records.iter().filter_map(|r| r.party.as_ref()) {
        let name = names.entry(party.number.as_str()).or_default();
        if name.is_none() {
            *name = party
                .name
                .as_deref()
                .map(str::trim)
                .filter(|n| !n.is_empty());
        }
    }
    let numbers: Vec<&str> = names.keys().copied().collect();
    let numbers_json = json_list(&numbers);
    let found = sqlx::query!(
        r#"SELECT i.value AS "value!: String", i.contact_id AS "contact_id!: i64",
                  c.name AS "name!: String"
           FROM contact_identities i JOIN contacts c ON c.id = i.contact_id
           WHERE i.kind = 'phone' AND i.value IN (SELECT value FROM json_each(?1))"#,
        numbers_json
    )
    .fetch_all(&mut **tx)
    .await
    .map_err(StoreError::query("look up phone numbers"))?;
    let mut owners: HashMap<String, i64> = HashMap::new();
    // A contact created from a bare number learns its name when a record brings one.
    let mut renames = Vec::new();
    for row in found {
        if row.name == row.value {
            if let Some(Some(name)) = names.get(row.value.as_str()) {
                renames.push(json!({ "id": row.contact_id, "name": name }));
            }
        }
        owners.insert(row.value, row.contact_id);
    }
    if !renames.is_empty() {
        let renames = json_list(&renames);
        sqlx::query!(
            "UPDATE contacts SET name = j.value ->> '$.name', updated_at = ?1 \
             FROM json_each(?2) j WHERE contacts.id = j.value ->> '$.id'",
            now,
            renames
        )
        .execute(&mut **tx)
        .await
        .map_err(StoreError::query("name contacts"))?;
    }
    let missing: Vec<&str> = numbers
        .iter()
        .copied()
        .filter(|n| !owners.contains_key(*n))
        .collect();
    let new: Vec<(&str, &str)> = missing
        .iter()
        .map(|number| {
            (
                *number,
                names.get(number).copied().flatten().unwrap_or(number),
            )
        })
        .collect();
    let ids =
        super::contacts::create_contacts_tx(tx, hearth_types::IdentityKind::Phone, &new).await?;
    report.contacts_created = ids.len() as u64;
    for ((number, _), id) in new.iter().zip(ids) {
        owners.insert((*number).to_owned(), id);
    }

    // 2. Sort keys: unique within the batch and against other stored rows (a record
    // already stored keeps its own key when its time has not changed).
    let mut seen = HashSet::new();
    let records: Vec<&ProviderRecord> = batch
        .records
        .iter()
        .rev()
        .filter(|r| {
            seen.insert((
                r.interaction.source.as_str(),
                r.interaction.source_id.as_str(),
            ))
        })
        .collect();
    if let Some(bad) = records
        .iter()
        .find(|r| !TIME_RANGE.contains(&r.interaction.occurred_at))
    {
        return Err(crate::domain::DomainError::TimeOutOfRange(bad.interaction.occurred_at).into());
    }
    let mut keys: Vec<i64> = records
        .iter()
        .map(|r| {
            let i = &r.interaction;
            sort_key(i.occurred_at, &i.source, &i.source_account, &i.source_id)
        })
        .collect();
    let wanted_json = json_list(&keys);
    let holders: HashMap<i64, (String, String)> = sqlx::query!(
        r#"SELECT sort_key AS "sort_key!: i64", source, source_id FROM interactions
           WHERE sort_key IN (SELECT value FROM json_each(?1))"#,
        wanted_json
    )
    .fetch_all(&mut **tx)
    .await
    .map_err(StoreError::query("check sort keys"))?
    .into_iter()
    .map(|r| (r.sort_key, (r.source, r.source_id)))
    .collect();
    let wanted: HashSet<i64> = keys.iter().copied().collect();
    let mut used = HashSet::new();
    for (record, key) in records.iter().zip(keys.iter_mut()) {
        let (source, id) = (&record.interaction.source, &record.interaction.source_id);
        loop {
            let free = if used.contains(key) {
                false
            } else if let Some((s, i)) = holders.get(key) {
                s == source && i == id
            } else if wanted.contains(key) {
                true
            } else {
                // Beyond the batch's own keys: probe the table (rare).
                sqlx::query_scalar!(
                    r#"SELECT id AS "id!: i64" FROM interactions WHERE sort_key = ?
                       AND NOT (source = ? AND source_id = ?)"#,
                    *key,
                    source,
                    id
                )
                .fetch_optional(&mut **tx)
                .await
                .map_err(StoreError::query("probe a sort key"))?
                .is_none()
            };
            if free {
                used.insert(*key);
                break;
            }
            *key += 1;
        }
    }

    // 3. The upsert.
    let rows: Vec<(&ProviderRecord, i64, String)> = records
        .iter()
        .zip(&keys)
        .map(|(r, k)| (*r, *k, r.interaction.metadata.to_string()))
        .collect();
    for chunk in rows.chunks(ROWS_PER_INSERT) {
        let mut insert = sqlx::QueryBuilder::<Sqlite>::new(
            "INSERT INTO interactions (sort_key, contact_id, channel, direction, occurred_at, \
                 subject, body, summary, sentiment, source, source_id, duration_ms, cost_micros, \
                 metadata, created_at, updated_at) ",
        );
        insert.push_values(chunk, |mut b, (record, key, metadata)| {
            let i = &record.interaction;
            let contact = record
                .party
                .as_ref()
                .and_then(|p| owners.get(&p.number).copied())
                .or(i.contact_id);
            b.push_bind(*key)
                .push_bind(contact)
                .push_bind(i.channel.as_str())
                .push_bind(i.direction.as_str())
                .push_bind(i.occurred_at)
                .push_bind(i.subject.as_deref())
                .push_bind(i.body.as_deref())
                .push_bind(i.summary.as_deref())
                .push_bind(i.sentiment)
                .push_bind(i.source.as_str())
                .push_bind(i.source_id.as_str())
                .push_bind(i.duration_ms)
                .push_bind(i.cost_micros)
                .push_bind(metadata.as_str())
                .push_bind(now)
                .push_bind(now);
        });
        insert.push(
            " ON CONFLICT (source, source_account, source_id) DO UPDATE SET \
                 sort_key = CASE WHEN interactions.occurred_at = excluded.occurred_at \
                     THEN interactions.sort_key ELSE excluded.sort_key END, \
                 contact_id = excluded.contact_id, channel = excluded.channel, \
                 direction = excluded.direction, occurred_at = excluded.occurred_at, \
                 subject = coalesce(excluded.subject, interactions.subject), \
                 body = coalesce(excluded.body, interactions.body), \
                 summary = coalesce(excluded.summary, interactions.summary), \
                 sentiment = coalesce(excluded.sentiment, interactions.sentiment), \
                 duration_ms = coalesce(excluded.duration_ms, interactions.duration_ms), \
                 cost_micros = coalesce(excluded.cost_micros, interactions.cost_micros), \
                 metadata = json_patch(interactions.metadata, excluded.metadata), \
                 updated_at = excluded.updated_at \
             WHERE (interactions.contact_id, interactions.channel, interactions.direction, \
                    interactions.occurred_at) \
                   IS NOT (excluded.contact_id, excluded.channel, excluded.direction, \
                    excluded.occurred_at) \
                OR (excluded.subject IS NOT NULL AND excluded.subject IS NOT interactions.subject) \
                OR (excluded.body IS NOT NULL AND excluded.body IS NOT interactions.body) \
                OR (excluded.summary IS NOT NULL AND excluded.summary IS NOT interactions.summary) \
                OR (excluded.sentiment IS NOT NULL \
                    AND excluded.sentiment IS NOT interactions.sentiment) \
                OR (excluded.duration_ms IS NOT NULL \
                    AND excluded.duration_ms IS NOT interactions.duration_ms) \
                OR (excluded.cost_micros IS NOT NULL \
                    AND excluded.cost_micros IS NOT interactions.cost_micros) \
                OR json_patch(interactions.metadata, excluded.metadata) \
                    IS NOT json(interactions.metadata)",
        );
        let done = insert
            .build()
            .execute(&mut **tx)
            .await
            .map_err(StoreError::query("store provider records"))?;
        report.written += done.rows_affected();
    }

    // 4. Our own sends coming back: the outbox learns they went out.
    let references: Vec<Value> = records
        .iter()
        .filter_map(|r| {
            r.reference.as_ref().map(|reference| {
                json!({ "reference": reference, "source": r.interaction.source,
                        "id": r.interaction.source_id })
            })
        })
        .collect();
    if !references.is_empty() {
        let references = json_list(&references);
        let done = sqlx::query!(
            "UPDATE outbox SET state = 'sent', sent_at = coalesce(sent_at, ?1), updated_at = ?1, \
                 last_error = NULL, \
                 interaction_id = (SELECT i.id FROM interactions i, json_each(?2) j \
                     WHERE j.value ->> '$.reference' = outbox.reference \
                       AND i.source = j.value ->> '$.source' AND i.source_account = '' \
                       AND i.source_id = j.value ->> '$.id') \
             WHERE state IN ('unknown', 'sending', 'pending') \
               AND reference IN (SELECT value ->> '$.reference' FROM json_each(?2))",
            now,
            references
        )
        .execute(&mut **tx)
        .await
        .map_err(StoreError::query("reconcile the outbox"))?;
        report.reconciled = done.rows_affected();
    }

    // 5. Opt-outs and the cursor.
    report.opt_outs = record_opt_outs_tx(tx, &batch.opt_outs).await?;
    if let Some(cursor) = &batch.cursor {
        let cursor = cursor.to_string();
        sqlx::query!(
            "INSERT INTO sync_cursors (source, account, cursor, updated_at) VALUES (?1, '', ?2, ?3) \
             ON CONFLICT (source, account) DO UPDATE SET cursor = excluded.cursor, \
                 updated_at = excluded.updated_at",
            batch.cursor_source,
            cursor,
            now
        )
        .execute(&mut **tx)
        .await
        .map_err(StoreError::query("move the sync cursor"))?;
    }
    Ok(report)
}

fn json_list<T: Serialize>(items: &[T]) -> String {
    serde_json::to_string(items).unwrap_or_else(|_| "[]".into())
}
