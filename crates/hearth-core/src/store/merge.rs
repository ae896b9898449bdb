//! Duplicates and merging: the probable duplicates of a business, a merge that moves
//! everything of one contact to another in one transaction and records exactly what moved,
//! and an undo that moves those rows back.

use hearth_types::{DuplicatePair, MergeResult};
use serde::{Deserialize, Serialize};

use super::{Store, StoreError};
use crate::domain::duplicates::{self, Candidate};
use crate::now_ms;

/// What a merge moved, kept to undo it.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Moved {
    identities: Vec<i64>,
    interactions: Vec<i64>,
    orders: Vec<i64>,
    deals: Vec<i64>,
    tasks: Vec<i64>,
    /// The merged contact's company, filled in on the kept one (it had none).
    company_id: Option<i64>,
    /// Text appended to the kept contact's notes.
    notes: String,
}

fn ids_of(rows: Vec<i64>) -> String {
    serde_json::to_string(&rows).unwrap_or_else(|_| "[]".into())
}

impl Store {
    /// Probable duplicates among the contacts, surest first, at most `limit`.
    pub async fn find_duplicates(&self, limit: usize) -> Result<Vec<DuplicatePair>, StoreError> {
        let rows = sqlx::query!(
            r#"SELECT c.id AS "id!: i64", c.name, co.name AS "company?",
                      (SELECT json_group_array(value) FROM contact_identities
                       WHERE contact_id = c.id AND kind = 'email') AS "emails!: String",
                      (SELECT json_group_array(value) FROM contact_identities
                       WHERE contact_id = c.id AND kind = 'phone') AS "phones!: String"
               FROM contacts c LEFT JOIN companies co ON co.id = c.company_id
               WHERE c.merged_into IS NULL"#
        )
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::query("read contacts for duplicates"))?;
        let candidates: Vec<Candidate> = rows
            .into_iter()
            .map(|r| Candidate {
                id: r.id,
                name: r.name,
                company: r.company,
                emails: serde_json::from_str(&r.emails).unwrap_or_default(),
                phones: serde_json::from_str(&r.phones).unwrap_or_default(),
            })
            .collect();
        let pairs = tokio::task::spawn_blocking(move || duplicates::find(&candidates))
            .await
            .unwrap_or_default();
        let mut out = Vec::new();
        for p in pairs.into_iter().take(limit) {
            out.push(DuplicatePair {
                a: self.contact(p.a).await?,
                b: self.contact(p.b).await?,
                score: p.score,
                reasons: p.reasons,
            });
        }
        Ok(out)
    }

    /// Merges `other` into `keep`: its emails, phones and handles, interactions, orders,
    /// deals and tasks move to `keep`; its company fills in a missing one; its notes are
    /// appended. `other` stays as a forwarding record (`merged_into`), so links to it still
    /// resolve. All in one transaction, recorded for [`Store::undo_merge`].
    pub async fn merge_contacts(&self, keep: i64, other: i64) -> Result<MergeResult, StoreError> {
        let keep = self.resolve_merged(keep).await?;
        let other = self.resolve_merged(other).await?;
        if keep == other {
            return Err(crate::domain::DomainError::SameContact(keep).into());
        }
        let mut tx = self.begin("merge contacts").await?;
        let mut moved = Moved::default();
        for (table, slot) in [
            ("contact_identities", &mut moved.identities),
            ("interactions", &mut moved.interactions),
            ("orders", &mut moved.orders),
            ("deals", &mut moved.deals),
            ("tasks", &mut moved.tasks),
        ] {
            let sql =
                format!("UPDATE {table} SET contact_id = ?1 WHERE contact_id = ?2 RETURNING id");
            *slot = sqlx::query_scalar::<_, i64>(&sql)
                .bind(keep)
                .bind(other)
                .fetch_all(&mut *tx)
                .await
                .map_err(StoreError::query("move a merged contact's rows"))?;
        }
        let profiles = sqlx::query!(
            "SELECT id, company_id, notes FROM contacts WHERE id IN (?1, ?2)",
            keep,
            other
        )
        .fetch_all(&mut *tx)
        .await
        .map_err(StoreError::query("read the contacts to merge"))?;
        let find = |id: i64| profiles.iter().find(|p| p.id == id);
        let (Some(k), Some(o)) = (find(keep), find(other)) else {
            return Err(StoreError::NotFound {
                what: "contact",
                key: format!("{keep} or {other}"),
            });
        };
        if k.company_id.is_none() {
            moved.company_id = o.company_id;
        }
        if !o.notes.trim().is_empty() && !k.notes.contains(o.notes.trim()) {
            moved.notes = if k.notes.trim().is_empty() {
                o.notes.trim().to_owned()
            } else {
                format!("\n\n{}", o.notes.trim())
            };
        }
        let now = now_ms();
        sqlx::query!(
            "UPDATE contacts SET company_id = coalesce(company_id, ?2), notes = notes || ?3, \
                 updated_at = ?4 WHERE id = ?1",
            keep,
            moved.company_id,
            moved.notes,
            now
        )
        .execute(&mut *tx)
        .await
        .map_err(StoreError::query("update the kept contact"))?;
        // Tags are copied (the merged contact keeps its own, so an undo leaves both as
        // they were, plus the copies on the kept one).
        sqlx::query!(
            "INSERT OR IGNORE INTO contact_tags (contact_id, tag, created_at) \
             SELECT ?1, tag, ?3 FROM contact_tags WHERE contact_id = ?2",
            keep,
            other,
            now
        )
        .execute(&mut *tx)
        .await
        .map_err(StoreError::query("copy tags to the kept contact"))?;
        sqlx::query!(
            "UPDATE contacts SET merged_into = ?1, updated_at = ?3 WHERE id = ?2",
            keep,
            other,
            now
        )
        .execute(&mut *tx)
        .await
        .map_err(StoreError::query("mark the merged contact"))?;
        let json = serde_json::to_string(&moved).map_err(|source| StoreError::Encode {
            what: "a merge",
            source,
        })?;
        let merge_id = sqlx::query_scalar!(
            r#"INSERT INTO contact_merges (kept_id, merged_id, moved, merged_at)
               VALUES (?1, ?2, ?3, ?4) RETURNING id AS "id!: i64""#,
            keep,
            other,
            json,
            now
        )
        .fetch_one(&mut *tx)
        .await
        .map_err(StoreError::query("record the merge"))?;
        tx.commit()
            .await
            .map_err(StoreError::query("merge contacts"))?;
        Ok(MergeResult {
            merge_id,
            kept: self.contact(keep).await?,
            merged_id: other,
            identities: moved.identities.len() as i64,
            interactions: moved.interactions.len() as i64,
            orders: moved.orders.len() as i64,
            deals: moved.deals.len() as i64,
            tasks: moved.tasks.len() as i64,
        })
    }

    /// Undoes a merge: the rows it moved go back (those still on the kept contact), the
    /// filled-in company and appended notes are taken back, and the merged contact stands
    /// on its own again. The contact that was merged, as it is now.
    pub async fn undo_merge(
        &self,
        merge_id: i64,
    ) -> Result<hearth_types::ContactSummary, StoreError> {
        let mut tx = self.begin("undo a merge").await?;
        let row = sqlx::query!(
            "SELECT kept_id, merged_id, moved, undone_at FROM contact_merges WHERE id = ?",
            merge_id
        )
        .fetch_optional(&mut *tx)
        .await
        .map_err(StoreError::query("read a merge"))?
        .ok_or_else(|| StoreError::NotFound {
            what: "merge",
            key: merge_id.to_string(),
        })?;
        if row.undone_at.is_some() {
            return Err(crate::domain::DomainError::AlreadyUndone(merge_id).into());
        }
        let moved: Moved =
            serde_json::from_str(&row.moved).map_err(|source| StoreError::BadJson {
                column: "moved",
                id: merge_id,
                source,
            })?;
        let (keep, other) = (row.kept_id, row.merged_id);
        for (table, ids) in [
            ("contact_identities", &moved.identities),
            ("interactions", &moved.interactions),
            ("orders", &moved.orders),
            ("deals", &moved.deals),
            ("tasks", &moved.tasks),
        ] {
            let sql = format!(
                "UPDATE {table} SET contact_id = ?1 WHERE contact_id = ?2 \
                 AND id IN (SELECT value FROM json_each(?3))"
            );
            sqlx::query(&sql)
                .bind(other)
                .bind(keep)
                .bind(ids_of(ids.clone()))
                .execute(&mut *tx)
                .await
                .map_err(StoreError::query("move rows back"))?;
        }
        let now = now_ms();
        // Notes: take back exactly the appended text, if it is still at the end.
        sqlx::query!(
            "UPDATE contacts SET
                 company_id = CASE WHEN ?2 IS NOT NULL AND company_id = ?2 THEN NULL ELSE company_id END,
                 notes = CASE WHEN ?3 != '' AND substr(notes, -length(?3)) = ?3
                              THEN substr(notes, 1, length(notes) - length(?3)) ELSE notes END,
                 updated_at = ?4
             WHERE id = ?1",
            keep,
            moved.company_id,
            moved.notes,
            now
        )
        .execute(&mut *tx)
        .await
        .map_err(StoreError::query("restore the kept contact"))?;
        sqlx::query!(
            "UPDATE contacts SET merged_into = NULL, updated_at = ?2 WHERE id = ?1",
            other,
            now
        )
        .execute(&mut *tx)
        .await
        .map_err(StoreError::query("restore the merged contact"))?;
        sqlx::query!(
            "UPDATE contact_merges SET undone_at = ?2 WHERE id = ?1",
            merge_id,
            now
        )
        .execute(&mut *tx)
        .await
        .map_err(StoreError::query("record the undo"))?;
        tx.commit()
            .await
            .map_err(StoreError::query("undo a merge"))?;
        self.contact(other).await
    }
}

#[cfg(test)]
mod tests {
    use hearth_types::{Channel, Direction, IdentityKind};

    use super::*;
    use crate::domain::{NewContact, NewInteraction, NewOrder};

    #[tokio::test]
    async fn a_merge_moves_everything_and_undo_puts_it_back() {
        let store = Store::open_in_memory().await.unwrap();
        let add = |name: &str, email: &str, notes: &str| NewContact {
            name: name.into(),
            notes: Some(notes.into()),
            identities: vec![(IdentityKind::Email, email.into())],
            ..Default::default()
        };
        let ann = store
            .add_contact(&add("Ann Lee", "ann.lee@gmail.com", ""))
            .await
            .unwrap();
        let dup = store
            .add_contact(&NewContact {
                company: Some("Lee Bakery".into()),
                ..add("Annie Lee", "annlee+shop@gmail.com", "prefers texts")
            })
            .await
            .unwrap();
        let other = store
            .add_contact(&add("Carla Diaz", "carla@x.com", ""))
            .await
            .unwrap();
        let msg = |c: i64, id: &str| NewInteraction {
            contact_id: Some(c),
            ..NewInteraction::new(Channel::Sms, Direction::Inbound, 1_000, "t", id)
        };
        store
            .upsert_interactions(&[
                msg(ann.id, "1"),
                msg(dup.id, "2"),
                msg(dup.id, "3"),
                msg(other.id, "4"),
            ])
            .await
            .unwrap();
        store
            .upsert_orders(&[NewOrder {
                contact_id: Some(dup.id),
                source: "shop".into(),
                external_id: "o1".into(),
                placed_at: 5,
                total_minor: 1_000,
                currency: "USD".into(),
                status: "completed".into(),
                items: serde_json::json!([]),
            }])
            .await
            .unwrap();

        let found = store.find_duplicates(10).await.unwrap();
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!((found[0].a.id, found[0].b.id), (ann.id, dup.id));

        let merged = store.merge_contacts(ann.id, dup.id).await.unwrap();
        assert_eq!(
            (merged.identities, merged.interactions, merged.orders),
            (1, 2, 1)
        );
        assert_eq!(merged.kept.company.as_deref(), Some("Lee Bakery"));
        assert_eq!(merged.kept.identities.len(), 2);
        let profile = store.contact_profile(ann.id).await.unwrap();
        assert_eq!(profile.notes, "prefers texts");
        assert_eq!(profile.orders[0].count, 1);
        // The merged contact forwards; no duplicates remain.
        assert_eq!(store.contact(dup.id).await.unwrap().id, ann.id);
        assert!(store.find_duplicates(10).await.unwrap().is_empty());
        assert!(store.merge_contacts(ann.id, dup.id).await.is_err());

        let back = store.undo_merge(merged.merge_id).await.unwrap();
        assert_eq!(back.id, dup.id);
        assert_eq!(back.identities.len(), 1);
        let ann_now = store.contact_profile(ann.id).await.unwrap();
        assert_eq!(ann_now.contact.company, None);
        assert_eq!(ann_now.notes, "");
        assert!(ann_now.orders.is_empty());
        assert_eq!(
            store.contact_profile(dup.id).await.unwrap().orders[0].count,
            1
        );
        assert!(
            store.undo_merge(merged.merge_id).await.is_err(),
            "undone once"
        );
        assert_eq!(store.find_duplicates(10).await.unwrap().len(), 1);
    }
}
