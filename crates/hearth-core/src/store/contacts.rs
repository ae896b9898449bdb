//! Contacts and their identities.
//!
//! Every sync resolves people through [`Store::find_or_create_contact`]: a normalized
//! identity (email, E.164 phone, handle) is unique per kind, so the same address always
//! lands on the same contact. A contact merged into another forwards to the kept one.

use hearth_types::{ContactSort, ContactStatus, ContactSummary, Identity, IdentityKind};
use sqlx::{Sqlite, Transaction};

use super::{Store, StoreError};
use crate::domain::{normalize_identity, normalize_phone, ContactChanges, DomainError, NewContact};
use crate::now_ms;

/// The contact an identity resolved to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ContactMatch {
    pub contact_id: i64,
    /// Whether the contact was created by this call.
    pub created: bool,
}

/// What `list_contacts` returns.
#[derive(Debug, Clone, Default)]
pub struct ContactFilter {
    /// Matches name, company, email or phone (as typed or normalized).
    pub search: Option<String>,
    pub status: Option<ContactStatus>,
    pub sort: ContactSort,
    pub limit: Option<u32>,
    pub offset: Option<u32>,
}

/// Merged chains are short; this bounds a corrupted cycle.
const MAX_MERGE_HOPS: usize = 32;

impl Store {
    /// Creates a contact with its identities in one transaction. An identity that already
    /// belongs to someone is an error, and nothing is written.
    pub async fn add_contact(&self, new: &NewContact) -> Result<ContactSummary, StoreError> {
        let ids = self.add_contacts(std::slice::from_ref(new)).await?;
        self.contact(ids[0]).await
    }

    /// Creates many contacts in one transaction: all of them, or none when any one is
    /// invalid or claims an identity that is taken. Returns their ids in order.
    pub async fn add_contacts(&self, batch: &[NewContact]) -> Result<Vec<i64>, StoreError> {
        let region = self.region();
        let mut prepared = Vec::with_capacity(batch.len());
        for new in batch {
            let mut identities = Vec::with_capacity(new.identities.len());
            for (kind, raw) in &new.identities {
                identities.push((*kind, normalize_identity(*kind, raw, region)?));
            }
            let name = contact_name(&new.name, &identities)?;
            prepared.push((new, name, identities));
        }
        let mut tx = self.begin("add contacts").await?;
        let mut ids = Vec::with_capacity(batch.len());
        for (new, name, identities) in &prepared {
            ids.push(add_contact_tx(&mut tx, new, name, identities).await?);
        }
        tx.commit()
            .await
            .map_err(StoreError::query("commit new contacts"))?;
        Ok(ids)
    }

    /// Finds the contact that owns an identity, or creates one named `name` (or after the
    /// identity when no name is known). The raw value is normalized first.
    pub async fn find_or_create_contact(
        &self,
        kind: IdentityKind,
        raw: &str,
        name: Option<&str>,
    ) -> Result<ContactMatch, StoreError> {
        let value = normalize_identity(kind, raw, self.region())?;
        let mut tx = self.begin("find or create a contact").await?;
        let found = find_or_create_contact_tx(&mut tx, kind, &value, name).await?;
        tx.commit()
            .await
            .map_err(StoreError::query("commit a new contact"))?;
        Ok(found)
    }

    /// One contact with its identities. A merged contact forwards to the one it was merged
    /// into.
    pub async fn contact(&self, id: i64) -> Result<ContactSummary, StoreError> {
        let id = self.resolve_merged(id).await?;
        let row = sqlx::query!(
            r#"SELECT c.id AS "id!", c.name, co.name AS "company?", c.status,
                      c.created_at, c.updated_at,
                      max(coalesce(c.last_inbound_at, c.last_outbound_at),
                          coalesce(c.last_outbound_at, c.last_inbound_at)) AS "last_contact_at: i64",
                      (SELECT coalesce(SUM(total_minor), 0) FROM orders o
                       WHERE o.contact_id = c.id AND o.status = 'completed') AS "ltv!: i64",
                      (SELECT json_group_array(json_object('kind', kind, 'value', value))
                         FROM (SELECT kind, value FROM contact_identities
                               WHERE contact_id = c.id ORDER BY kind, id)) AS "identities!: String",
                      intel.score AS "score?: i64", intel.tier AS "tier?",
                      intel.needs_attention AS "attention?"
               FROM contacts c LEFT JOIN companies co ON co.id = c.company_id
               LEFT JOIN contact_intel intel ON intel.contact_id = c.id
               WHERE c.id = ?"#,
            id
        )
        .fetch_optional(&self.pool)
        .await
        .map_err(StoreError::query("read a contact"))?
        .ok_or_else(|| StoreError::NotFound {
            what: "contact",
            key: id.to_string(),
        })?;
        summary(Row {
            id: row.id,
            name: row.name,
            company: row.company,
            status: &row.status,
            created_at: row.created_at,
            updated_at: row.updated_at,
            identities: &row.identities,
            last_contact_at: row.last_contact_at,
            ltv: row.ltv,
            score: row.score,
            tier: row.tier.as_deref(),
            attention: row.attention,
        })
    }

    /// Resolves what a person types to name a contact: an id, an email or a phone number.
    pub async fn find_contact(&self, key: &str) -> Result<ContactSummary, StoreError> {
        let key = key.trim();
        // A bare number is an id when such a contact exists, else a phone number.
        if let Ok(id) = key.parse::<i64>() {
            if !key.starts_with('+') {
                match self.contact(id).await {
                    Err(StoreError::NotFound { .. }) if key.len() >= 7 => {}
                    found => return found,
                }
            }
        }
        let (kind, value) = if key.contains('@') {
            (IdentityKind::Email, crate::domain::normalize_email(key)?)
        } else {
            (IdentityKind::Phone, normalize_phone(key, self.region())?)
        };
        let kind_str = kind.as_str();
        let owner = sqlx::query_scalar!(
            "SELECT contact_id FROM contact_identities WHERE kind = ? AND value = ?",
            kind_str,
            value
        )
        .fetch_optional(&self.pool)
        .await
        .map_err(StoreError::query("look up an identity"))?
        .ok_or(StoreError::NotFound {
            what: "contact",
            key: value,
        })?;
        self.contact(owner).await
    }

    /// Contacts (never merged-away ones), by name, filtered and paged.
    pub async fn list_contacts(
        &self,
        filter: &ContactFilter,
    ) -> Result<Vec<ContactSummary>, StoreError> {
        let limit = i64::from(filter.limit.unwrap_or(100).clamp(1, 10_000));
        let offset = i64::from(filter.offset.unwrap_or(0));
        let status = filter.status.map(ContactStatus::as_str);
        let search = filter
            .search
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty());
        // A search that looks like a phone number also matches its E.164 form.
        let phone = search.and_then(|s| normalize_phone(s, self.region()).ok());
        let pattern = search.map(|s| format!("%{}%", escape_like(&s.to_lowercase())));
        let sort = filter.sort.as_str();
        let rows = sqlx::query!(
            r#"SELECT c.id AS "id!", c.name, co.name AS "company?", c.status,
                      c.created_at, c.updated_at,
                      max(coalesce(c.last_inbound_at, c.last_outbound_at),
                          coalesce(c.last_outbound_at, c.last_inbound_at)) AS "last_contact_at: i64",
                      (SELECT coalesce(SUM(total_minor), 0) FROM orders o
                       WHERE o.contact_id = c.id AND o.status = 'completed') AS "ltv!: i64",
                      (SELECT json_group_array(json_object('kind', kind, 'value', value))
                         FROM (SELECT kind, value FROM contact_identities
                               WHERE contact_id = c.id ORDER BY kind, id)) AS "identities!: String",
                      intel.score AS "score?: i64", intel.tier AS "tier?",
                      intel.needs_attention AS "attention?"
               FROM contacts c LEFT JOIN companies co ON co.id = c.company_id
               LEFT JOIN contact_intel intel ON intel.contact_id = c.id
               WHERE c.merged_into IS NULL
                 AND (?1 IS NULL OR c.status = ?1)
                 AND (?2 IS NULL
                      OR lower(c.name) LIKE ?2 ESCAPE '\'
                      OR lower(co.name) LIKE ?2 ESCAPE '\'
                      OR EXISTS (SELECT 1 FROM contact_identities ci
                                 WHERE ci.contact_id = c.id
                                   AND (ci.value LIKE ?2 ESCAPE '\' OR ci.value = ?3)))
                 AND (?6 != 'needs_attention' OR intel.needs_attention IS NOT NULL)
               ORDER BY
                   CASE WHEN ?6 = 'needs_attention' THEN intel.attention_rank END DESC,
                   CASE WHEN ?6 = 'needs_attention' THEN intel.score END DESC,
                   CASE WHEN ?6 = 'top_score' THEN intel.score END DESC,
                   CASE WHEN ?6 = 'recent'
                        THEN max(coalesce(c.last_inbound_at, c.last_outbound_at),
                                 coalesce(c.last_outbound_at, c.last_inbound_at)) END DESC,
                   CASE WHEN ?6 = 'top_ltv'
                        THEN (SELECT coalesce(SUM(total_minor), 0) FROM orders o
                              WHERE o.contact_id = c.id AND o.status = 'completed') END DESC,
                   c.name COLLATE NOCASE, c.id
               LIMIT ?4 OFFSET ?5"#,
            status,
            pattern,
            phone,
            limit,
            offset,
            sort
        )
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::query("list contacts"))?;
        rows.into_iter()
            .map(|r| {
                summary(Row {
                    id: r.id,
                    name: r.name,
                    company: r.company,
                    status: &r.status,
                    created_at: r.created_at,
                    updated_at: r.updated_at,
                    identities: &r.identities,
                    last_contact_at: r.last_contact_at,
                    ltv: r.ltv,
                    score: r.score,
                    tier: r.tier.as_deref(),
                    attention: r.attention,
                })
            })
            .collect()
    }

    /// Applies changes to a contact in one transaction; an identity that belongs to someone
    /// else is refused and nothing changes.
    pub async fn update_contact(
        &self,
        id: i64,
        changes: &ContactChanges,
    ) -> Result<ContactSummary, StoreError> {
        let id = self.resolve_merged(id).await?;
        let region = self.region();
        let mut added = Vec::with_capacity(changes.add_identities.len());
        for (kind, raw) in &changes.add_identities {
            added.push((*kind, normalize_identity(*kind, raw, region)?));
        }
        if let Some(name) = &changes.name {
            if name.trim().is_empty() {
                return Err(DomainError::Empty { field: "name" }.into());
            }
        }
        let mut tx = self.begin("update a contact").await?;
        // `Some("")` clears the company; `None` keeps it.
        let company = changes.company.as_deref().map(str::trim);
        let company_id = match company {
            Some(name) if !name.is_empty() => Some(company_id_tx(&mut tx, name).await?),
            _ => None,
        };
        let set_company = company.is_some();
        let name = changes.name.as_deref().map(str::trim);
        let status = changes.status.map(ContactStatus::as_str);
        let now = now_ms();
        sqlx::query!(
            "UPDATE contacts SET name = coalesce(?1, name), \
                 company_id = CASE WHEN ?2 THEN ?3 ELSE company_id END, \
                 status = coalesce(?4, status), notes = coalesce(?5, notes), updated_at = ?6 \
             WHERE id = ?7",
            name,
            set_company,
            company_id,
            status,
            changes.notes,
            now,
            id
        )
        .execute(&mut *tx)
        .await
        .map_err(StoreError::query("update a contact"))?;
        for (kind, value) in &changes.remove_identities {
            let kind = kind.as_str();
            sqlx::query!(
                "DELETE FROM contact_identities WHERE contact_id = ? AND kind = ? AND value = ?",
                id,
                kind,
                value
            )
            .execute(&mut *tx)
            .await
            .map_err(StoreError::query("remove an identity"))?;
        }
        for (kind, value) in &added {
            match identity_owner_tx(&mut tx, *kind, value).await? {
                Some(owner) if owner == id => {}
                Some(owner) => {
                    return Err(StoreError::IdentityTaken {
                        kind: kind.as_str(),
                        value: value.clone(),
                        contact_id: owner,
                    })
                }
                None => insert_identity_tx(&mut tx, id, *kind, value).await?,
            }
        }
        tx.commit()
            .await
            .map_err(StoreError::query("commit contact changes"))?;
        self.contact(id).await
    }

    /// Deletes a contact and its identities. Its interactions, orders, deals and tasks stay
    /// in the business, no longer linked to anyone.
    pub async fn delete_contact(&self, id: i64) -> Result<(), StoreError> {
        let id = self.resolve_merged(id).await?;
        let mut tx = self.begin("delete a contact").await?;
        // Contacts merged into this one forward nowhere once it is gone.
        sqlx::query!(
            "UPDATE contacts SET merged_into = NULL WHERE merged_into = ?",
            id
        )
        .execute(&mut *tx)
        .await
        .map_err(StoreError::query("unlink merged contacts"))?;
        sqlx::query!("DELETE FROM contacts WHERE id = ?", id)
            .execute(&mut *tx)
            .await
            .map_err(StoreError::query("delete a contact"))?;
        tx.commit()
            .await
            .map_err(StoreError::query("commit a deletion"))
    }

    /// Follows `merged_into` to the contact that stands for `id` now.
    pub async fn resolve_merged(&self, id: i64) -> Result<i64, StoreError> {
        let mut current = id;
        for _ in 0..MAX_MERGE_HOPS {
            let merged =
                sqlx::query_scalar!("SELECT merged_into FROM contacts WHERE id = ?", current)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(StoreError::query("read a contact"))?
                    .ok_or_else(|| StoreError::NotFound {
                        what: "contact",
                        key: id.to_string(),
                    })?;
            match merged {
                Some(next) => current = next,
                None => return Ok(current),
            }
        }
        Err(StoreError::Corrupt {
            path: self.path.clone(),
            source: None,
        })
    }

    /// A write transaction. `BEGIN IMMEDIATE` takes SQLite's write lock first, waiting for
    /// another writer up to the busy timeout. A plain (deferred) transaction that reads and
    /// then writes fails at once with SQLITE_BUSY when another connection wrote in between,
    /// without waiting at all: under load a mail sync racing the analysis failed that way
    /// ("database error while trying to reconcile the outbox").
    pub(crate) async fn begin(
        &self,
        action: &'static str,
    ) -> Result<Transaction<'static, Sqlite>, StoreError> {
        self.pool
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(StoreError::query(action))
    }

    /// A read-only transaction: one snapshot for reads that must agree, taking no lock
    /// that would hold up a writer.
    pub(crate) async fn begin_read(
        &self,
        action: &'static str,
    ) -> Result<Transaction<'static, Sqlite>, StoreError> {
        self.pool.begin().await.map_err(StoreError::query(action))
    }
}

/// Creates one contact per `(identity value, name)` in two statements, for batch syncs;
/// the new ids, in order. Values must be normalized and unowned. Ids are handed out here:
/// the caller's transaction holds the write lock from its first write, and a concurrent
/// writer makes it fail whole (the sync then retries the batch).
pub(crate) async fn create_contacts_tx(
    tx: &mut Transaction<'static, Sqlite>,
    kind: IdentityKind,
    new: &[(&str, &str)],
) -> Result<Vec<i64>, StoreError> {
    if new.is_empty() {
        return Ok(Vec::new());
    }
    let now = now_ms();
    let next: i64 =
        sqlx::query_scalar!(r#"SELECT coalesce(max(id), 0) + 1 AS "next!: i64" FROM contacts"#)
            .fetch_one(&mut **tx)
            .await
            .map_err(StoreError::query("number new contacts"))?;
    let ids: Vec<i64> = (0..new.len() as i64).map(|i| next + i).collect();
    let rows: Vec<serde_json::Value> = new
        .iter()
        .zip(&ids)
        .map(|((value, name), id)| serde_json::json!({ "id": id, "name": name, "value": value }))
        .collect();
    let rows = serde_json::to_string(&rows).unwrap_or_else(|_| "[]".into());
    let kind = kind.as_str();
    sqlx::query!(
        "INSERT INTO contacts (id, name, created_at, updated_at) \
         SELECT value ->> '$.id', value ->> '$.name', ?1, ?1 FROM json_each(?2)",
        now,
        rows
    )
    .execute(&mut **tx)
    .await
    .map_err(StoreError::query("create contacts"))?;
    sqlx::query!(
        "INSERT INTO contact_identities (contact_id, kind, value, created_at) \
         SELECT value ->> '$.id', ?3, value ->> '$.value', ?1 FROM json_each(?2)",
        now,
        rows,
        kind
    )
    .execute(&mut **tx)
    .await
    .map_err(StoreError::query("create identities"))?;
    Ok(ids)
}

/// [`Store::find_or_create_contact`] inside a caller's transaction, for batch syncs.
/// `value` must already be normalized.
pub(crate) async fn find_or_create_contact_tx(
    tx: &mut Transaction<'static, Sqlite>,
    kind: IdentityKind,
    value: &str,
    name: Option<&str>,
) -> Result<ContactMatch, StoreError> {
    if let Some(owner) = identity_owner_tx(tx, kind, value).await? {
        return Ok(ContactMatch {
            contact_id: owner,
            created: false,
        });
    }
    let name = name
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .unwrap_or(value);
    let now = now_ms();
    let id = sqlx::query_scalar!(
        "INSERT INTO contacts (name, created_at, updated_at) VALUES (?, ?, ?) RETURNING id",
        name,
        now,
        now
    )
    .fetch_one(&mut **tx)
    .await
    .map_err(StoreError::query("insert a contact"))?;
    insert_identity_tx(tx, id, kind, value).await?;
    Ok(ContactMatch {
        contact_id: id,
        created: true,
    })
}

pub(super) async fn add_contact_tx(
    tx: &mut Transaction<'static, Sqlite>,
    new: &NewContact,
    name: &str,
    identities: &[(IdentityKind, String)],
) -> Result<i64, StoreError> {
    for (kind, value) in identities {
        if let Some(owner) = identity_owner_tx(tx, *kind, value).await? {
            return Err(StoreError::IdentityTaken {
                kind: kind.as_str(),
                value: value.clone(),
                contact_id: owner,
            });
        }
    }
    let company_id = match new
        .company
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        Some(company) => Some(company_id_tx(tx, company).await?),
        None => None,
    };
    let status = new.status.unwrap_or(ContactStatus::Lead).as_str();
    let notes = new.notes.as_deref().unwrap_or("");
    let now = now_ms();
    let id = sqlx::query_scalar!(
        "INSERT INTO contacts (name, company_id, status, notes, created_at, updated_at) \
         VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
        name,
        company_id,
        status,
        notes,
        now,
        now
    )
    .fetch_one(&mut **tx)
    .await
    .map_err(StoreError::query("insert a contact"))?;
    for (kind, value) in identities {
        insert_identity_tx(tx, id, *kind, value).await?;
    }
    Ok(id)
}

/// The live (not merged-away) owner of an identity.
async fn identity_owner_tx(
    tx: &mut Transaction<'static, Sqlite>,
    kind: IdentityKind,
    value: &str,
) -> Result<Option<i64>, StoreError> {
    let kind = kind.as_str();
    sqlx::query_scalar!(
        "SELECT contact_id FROM contact_identities WHERE kind = ? AND value = ?",
        kind,
        value
    )
    .fetch_optional(&mut **tx)
    .await
    .map_err(StoreError::query("look up an identity"))
}

pub(super) async fn insert_identity_tx(
    tx: &mut Transaction<'static, Sqlite>,
    contact_id: i64,
    kind: IdentityKind,
    value: &str,
) -> Result<(), StoreError> {
    let kind = kind.as_str();
    let now = now_ms();
    sqlx::query!(
        "INSERT INTO contact_identities (contact_id, kind, value, created_at) VALUES (?, ?, ?, ?)",
        contact_id,
        kind,
        value,
        now
    )
    .execute(&mut **tx)
    .await
    .map_err(StoreError::query("insert an identity"))?;
    Ok(())
}

async fn company_id_tx(
    tx: &mut Transaction<'static, Sqlite>,
    name: &str,
) -> Result<i64, StoreError> {
    let now = now_ms();
    sqlx::query_scalar!(
        r#"INSERT INTO companies (name, created_at, updated_at) VALUES (?1, ?2, ?2)
           ON CONFLICT (name COLLATE NOCASE) DO UPDATE SET name = name
           RETURNING id AS "id!""#,
        name,
        now
    )
    .fetch_one(&mut **tx)
    .await
    .map_err(StoreError::query("find or create a company"))
}

fn contact_name(name: &str, identities: &[(IdentityKind, String)]) -> Result<String, StoreError> {
    let name = name.trim();
    if !name.is_empty() {
        return Ok(name.to_owned());
    }
    identities
        .first()
        .map(|(_, value)| value.clone())
        .ok_or(StoreError::Invalid(DomainError::EmptyContact))
}

fn escape_like(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// One contact row as the contact queries return it.
struct Row<'a> {
    id: i64,
    name: String,
    company: Option<String>,
    status: &'a str,
    created_at: i64,
    updated_at: i64,
    identities: &'a str,
    last_contact_at: Option<i64>,
    ltv: i64,
    score: Option<i64>,
    tier: Option<&'a str>,
    attention: Option<String>,
}

fn summary(row: Row<'_>) -> Result<ContactSummary, StoreError> {
    let identities: Vec<Identity> =
        serde_json::from_str(row.identities).map_err(|source| StoreError::BadJson {
            column: "identities",
            id: row.id,
            source,
        })?;
    let status = row
        .status
        .parse::<ContactStatus>()
        .map_err(|source| StoreError::BadEnum {
            column: "status",
            source,
        })?;
    Ok(ContactSummary {
        id: row.id,
        name: row.name,
        company: row.company,
        status,
        identities,
        created_at: row.created_at,
        updated_at: row.updated_at,
        last_contact_at: row.last_contact_at,
        lifetime_value_minor: row.ltv,
        score: row.score,
        tier: row.tier.and_then(hearth_types::Tier::parse),
        attention: row.attention,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ann() -> NewContact {
        NewContact {
            name: "Ann Lee".into(),
            company: Some("Lee Bakery".into()),
            identities: vec![
                (IdentityKind::Email, "Ann@LeeBakery.com".into()),
                (IdentityKind::Phone, "(415) 555-0132".into()),
            ],
            ..Default::default()
        }
    }

    #[tokio::test]
    async fn identities_are_normalized_and_found_every_way() {
        let store = Store::open_in_memory().await.unwrap();
        let added = store.add_contact(&ann()).await.unwrap();
        assert_eq!(added.company.as_deref(), Some("Lee Bakery"));
        let values: Vec<_> = added.identities.iter().map(|i| i.value.as_str()).collect();
        assert_eq!(values, ["ann@leebakery.com", "+14155550132"]);
        for key in [
            "ann@leebakery.com",
            "ANN@leebakery.com",
            "+1 415 555 0132",
            "4155550132",
        ] {
            assert_eq!(store.find_contact(key).await.unwrap().id, added.id, "{key}");
        }
        assert_eq!(
            store.find_contact(&added.id.to_string()).await.unwrap().id,
            added.id
        );
    }

    #[tokio::test]
    async fn find_or_create_reuses_the_owner_of_an_identity() {
        let store = Store::open_in_memory().await.unwrap();
        let first = store
            .find_or_create_contact(IdentityKind::Phone, "415-555-0199", Some("Bo"))
            .await
            .unwrap();
        assert!(first.created);
        let again = store
            .find_or_create_contact(IdentityKind::Phone, "+14155550199", None)
            .await
            .unwrap();
        assert_eq!(
            again,
            ContactMatch {
                contact_id: first.contact_id,
                created: false
            }
        );
        let unnamed = store
            .find_or_create_contact(IdentityKind::Email, "x@y.org", None)
            .await
            .unwrap();
        assert_eq!(
            store.contact(unnamed.contact_id).await.unwrap().name,
            "x@y.org"
        );
    }

    #[tokio::test]
    async fn a_taken_identity_is_refused_and_nothing_is_written() {
        let store = Store::open_in_memory().await.unwrap();
        store.add_contact(&ann()).await.unwrap();
        let dup = NewContact {
            name: "Someone Else".into(),
            identities: vec![
                (IdentityKind::Email, "new@x.com".into()),
                (IdentityKind::Email, "ann@leebakery.com".into()),
            ],
            ..Default::default()
        };
        let err = store.add_contact(&dup).await.unwrap_err();
        assert!(matches!(err, StoreError::IdentityTaken { .. }), "{err}");
        assert!(store.find_contact("new@x.com").await.is_err());
        assert_eq!(
            store
                .list_contacts(&ContactFilter::default())
                .await
                .unwrap()
                .len(),
            1
        );
    }

    #[tokio::test]
    async fn bad_identities_are_refused_before_any_write() {
        let store = Store::open_in_memory().await.unwrap();
        let bad = NewContact {
            name: "Bad".into(),
            identities: vec![(IdentityKind::Phone, "12".into())],
            ..Default::default()
        };
        assert!(matches!(
            store.add_contact(&bad).await,
            Err(StoreError::Invalid(_))
        ));
        let nameless = NewContact::default();
        assert!(matches!(
            store.add_contact(&nameless).await,
            Err(StoreError::Invalid(DomainError::EmptyContact))
        ));
    }

    #[tokio::test]
    async fn update_changes_fields_and_identities_all_or_nothing() {
        let store = Store::open_in_memory().await.unwrap();
        let ann = store.add_contact(&ann()).await.unwrap();
        let bob = store
            .add_contact(&NewContact {
                name: "Bob".into(),
                identities: vec![(IdentityKind::Email, "bob@x.com".into())],
                ..Default::default()
            })
            .await
            .unwrap();
        let changes = ContactChanges {
            name: Some("Ann Lee-Park".into()),
            company: Some(String::new()),
            status: Some(ContactStatus::Vip),
            add_identities: vec![(IdentityKind::Phone, "415 555 0111".into())],
            remove_identities: vec![(IdentityKind::Email, "ann@leebakery.com".into())],
            ..Default::default()
        };
        let updated = store.update_contact(ann.id, &changes).await.unwrap();
        assert_eq!(updated.name, "Ann Lee-Park");
        assert_eq!(updated.company, None);
        assert_eq!(updated.status, ContactStatus::Vip);
        let values: Vec<_> = updated
            .identities
            .iter()
            .map(|i| i.value.as_str())
            .collect();
        assert_eq!(values, ["+14155550132", "+14155550111"]);

        // Taking Bob's email fails and leaves the rename undone too.
        let steal = ContactChanges {
            name: Some("Thief".into()),
            add_identities: vec![(IdentityKind::Email, "BOB@x.com".into())],
            ..Default::default()
        };
        let err = store.update_contact(ann.id, &steal).await.unwrap_err();
        assert!(
            matches!(err, StoreError::IdentityTaken { contact_id, .. } if contact_id == bob.id)
        );
        assert_eq!(store.contact(ann.id).await.unwrap().name, "Ann Lee-Park");
    }

    #[tokio::test]
    async fn deleting_a_contact_keeps_its_history_unlinked() {
        use hearth_types::{Channel, Direction, TimelineRequest};

        let store = Store::open_in_memory().await.unwrap();
        let ann = store.add_contact(&ann()).await.unwrap();
        let note = crate::domain::NewInteraction {
            contact_id: Some(ann.id),
            body: Some("called about the quote".into()),
            ..crate::domain::NewInteraction::new(
                Channel::Note,
                Direction::Internal,
                5,
                "manual",
                "n1",
            )
        };
        store.upsert_interactions(&[note]).await.unwrap();
        store.delete_contact(ann.id).await.unwrap();
        assert!(matches!(
            store.contact(ann.id).await,
            Err(StoreError::NotFound { .. })
        ));
        assert!(
            store.find_contact("ann@leebakery.com").await.is_err(),
            "identities go too"
        );
        let page = store.timeline(&TimelineRequest::default()).await.unwrap();
        assert_eq!(page.items.len(), 1);
        assert_eq!(page.items[0].contact_id, None);
    }

    #[tokio::test]
    async fn lists_sort_by_recent_conversation_and_by_lifetime_value() {
        use hearth_types::{Channel, Direction};

        use crate::domain::{NewInteraction, NewOrder};

        let store = Store::open_in_memory().await.unwrap();
        let mut ids = Vec::new();
        for name in ["Ann", "Bob", "Cy"] {
            let new = NewContact {
                name: name.into(),
                ..Default::default()
            };
            ids.push(store.add_contact(&new).await.unwrap().id);
        }
        let (ann, bob, cy) = (ids[0], ids[1], ids[2]);
        let talk = |who: i64, id: &str, at: i64| NewInteraction {
            contact_id: Some(who),
            ..NewInteraction::new(Channel::Sms, Direction::Inbound, at, "t", id)
        };
        store
            .upsert_interactions(&[talk(ann, "1", 10), talk(bob, "2", 30)])
            .await
            .unwrap();
        let order = |who: i64, id: &str, total: i64| NewOrder {
            contact_id: Some(who),
            source: "shop".into(),
            external_id: id.into(),
            placed_at: 1,
            total_minor: total,
            currency: "USD".into(),
            status: "completed".into(),
            items: serde_json::json!([]),
        };
        store
            .upsert_orders(&[
                order(cy, "a", 900),
                order(ann, "b", 500),
                order(ann, "c", 500),
            ])
            .await
            .unwrap();
        let list = |sort| {
            let store = store.clone();
            async move {
                let filter = ContactFilter {
                    sort,
                    ..Default::default()
                };
                store
                    .list_contacts(&filter)
                    .await
                    .unwrap()
                    .iter()
                    .map(|c| c.id)
                    .collect::<Vec<_>>()
            }
        };
        assert_eq!(list(ContactSort::Name).await, [ann, bob, cy]);
        assert_eq!(
            list(ContactSort::Recent).await,
            [bob, ann, cy],
            "never-contacted last"
        );
        assert_eq!(list(ContactSort::TopLtv).await, [ann, cy, bob]);
        let ann_now = store.contact(ann).await.unwrap();
        assert_eq!(
            (ann_now.lifetime_value_minor, ann_now.last_contact_at),
            (1_000, Some(10))
        );
    }

    #[tokio::test]
    async fn list_searches_name_company_email_and_phone_literally() {
        let store = Store::open_in_memory().await.unwrap();
        let ann = store.add_contact(&ann()).await.unwrap();
        store
            .add_contact(&NewContact {
                name: "100% Bob_".into(),
                ..Default::default()
            })
            .await
            .unwrap();
        let find = |s: &str| {
            let store = store.clone();
            let s = s.to_owned();
            async move {
                let filter = ContactFilter {
                    search: Some(s),
                    ..Default::default()
                };
                store
                    .list_contacts(&filter)
                    .await
                    .unwrap()
                    .into_iter()
                    .map(|c| c.id)
                    .collect::<Vec<_>>()
            }
        };
        assert_eq!(find("ann").await, [ann.id]);
        assert_eq!(find("bakery").await, [ann.id]);
        assert_eq!(find("leebakery.com").await, [ann.id]);
        assert_eq!(find("(415) 555-0132").await, [ann.id]);
        assert_eq!(find("%").await.len(), 1, "% is literal");
        assert_eq!(find("_").await.len(), 1, "_ is literal");
    }
}
