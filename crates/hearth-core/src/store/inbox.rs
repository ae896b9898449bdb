//! The inbox: contacts whose latest inbound message has not been answered.
//!
//! A contact is waiting when it sent something (email, SMS, chat, social, a call) after the
//! business last wrote or called it, and after the owner last marked it done; a snooze
//! hides it until its time. Oldest waiting first. Blocked and merged-away contacts never
//! wait.

use std::collections::HashMap;

use hearth_types::{Channel, InboxEntry, TimelineItem};

use super::sql::SqlParts;
use super::timeline::{row_to_item, ITEM_COLUMNS};
use super::{Store, StoreError};
use crate::now_ms;

impl Store {
    /// Who is waiting for an answer at `now`, oldest first.
    pub async fn inbox(&self, now: i64, limit: u32) -> Result<Vec<InboxEntry>, StoreError> {
        let limit = i64::from(limit.clamp(1, 1_000));
        // The partial index `contacts_waiting` holds exactly the contacts whose newest
        // inbound message is unanswered; the per-contact figures are index seeks.
        let waiting = sqlx::query!(
            r#"SELECT c.id AS "contact_id!: i64", c.name AS "name!: String",
                      w.since AS "waiting_since!: i64", w.count AS "waiting_count!: i64",
                      w.latest AS "latest_key!: i64",
                      (SELECT group_concat(DISTINCT kind) FROM contact_identities ci
                       WHERE ci.contact_id = c.id) AS "kinds: String"
               FROM contacts c
               LEFT JOIN inbox_state s ON s.contact_id = c.id
               JOIN (SELECT cc.id AS contact_id, MIN(i.occurred_at) AS since, COUNT(*) AS count,
                            MAX(i.sort_key) AS latest
                     -- Contacts drive (CROSS JOIN keeps that order): each is one index seek
                     -- for its unanswered inbound messages.
                     FROM contacts cc
                     LEFT JOIN inbox_state ss ON ss.contact_id = cc.id
                     CROSS JOIN interactions i ON i.contact_id = cc.id AND i.direction = 'inbound'
                       AND i.occurred_at > max(coalesce(cc.last_outbound_at, -9223372036854775807),
                                               coalesce(ss.done_through, -9223372036854775807))
                     WHERE cc.last_inbound_at > coalesce(cc.last_outbound_at, -9223372036854775807)
                       AND i.channel IN ('email', 'sms', 'chat', 'social', 'voice_ai', 'call')
                     GROUP BY cc.id) w ON w.contact_id = c.id
               WHERE c.last_inbound_at > coalesce(c.last_outbound_at, -9223372036854775807)
                 AND c.merged_into IS NULL AND c.status <> 'blocked'
                 AND (s.snoozed_until IS NULL OR s.snoozed_until <= ?1)
               ORDER BY w.since, c.id
               LIMIT ?2"#,
            now,
            limit
        )
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::query("read the inbox"))?;
        if waiting.is_empty() {
            return Ok(Vec::new());
        }
        let mut latest = self
            .items_by_key(waiting.iter().map(|w| w.latest_key))
            .await?;
        let mut entries = Vec::with_capacity(waiting.len());
        for w in waiting {
            let Some(item) = latest.remove(&w.latest_key) else {
                continue;
            };
            let kinds = w.kinds.unwrap_or_default();
            let mut reply_channels = Vec::new();
            if kinds.split(',').any(|k| k == "email") {
                reply_channels.push(Channel::Email);
            }
            if kinds.split(',').any(|k| k == "phone") {
                reply_channels.push(Channel::Sms);
            }
            entries.push(InboxEntry {
                contact_id: w.contact_id,
                contact_name: w.name,
                waiting_since: w.waiting_since,
                waiting_count: w.waiting_count,
                latest: item,
                reply_channels,
            });
        }
        Ok(entries)
    }

    /// Marks everything a contact sent up to `through` as handled.
    pub async fn inbox_done(&self, contact_id: i64, through: i64) -> Result<(), StoreError> {
        let now = now_ms();
        sqlx::query!(
            "INSERT INTO inbox_state (contact_id, done_through, updated_at) VALUES (?1, ?2, ?3) \
             ON CONFLICT (contact_id) DO UPDATE SET \
                 done_through = max(coalesce(done_through, ?2), ?2), snoozed_until = NULL, \
                 updated_at = ?3",
            contact_id,
            through,
            now
        )
        .execute(&self.pool)
        .await
        .map_err(StoreError::query("mark a conversation done"))?;
        Ok(())
    }

    /// Hides a waiting contact until `until`.
    pub async fn inbox_snooze(&self, contact_id: i64, until: i64) -> Result<(), StoreError> {
        let now = now_ms();
        sqlx::query!(
            "INSERT INTO inbox_state (contact_id, snoozed_until, updated_at) VALUES (?1, ?2, ?3) \
             ON CONFLICT (contact_id) DO UPDATE SET snoozed_until = ?2, updated_at = ?3",
            contact_id,
            until,
            now
        )
        .execute(&self.pool)
        .await
        .map_err(StoreError::query("snooze a conversation"))?;
        Ok(())
    }

    /// Timeline items by sort key.
    async fn items_by_key(
        &self,
        keys: impl Iterator<Item = i64>,
    ) -> Result<HashMap<i64, TimelineItem>, StoreError> {
        let mut q = SqlParts::default();
        q.sql(ITEM_COLUMNS).sql(
            "FROM interactions i LEFT JOIN contacts c ON c.id = i.contact_id WHERE i.sort_key IN (",
        );
        for (n, key) in keys.enumerate() {
            if n > 0 {
                q.sql(", ");
            }
            q.int(key);
        }
        q.sql(")");
        let rows = q
            .builder()
            .build()
            .fetch_all(&self.pool)
            .await
            .map_err(StoreError::query("read inbox messages"))?;
        let mut items = HashMap::with_capacity(rows.len());
        for row in &rows {
            use sqlx::Row;
            let key: i64 = row
                .try_get("sort_key")
                .map_err(StoreError::query("read a sort key"))?;
            items.insert(key, row_to_item(row)?);
        }
        Ok(items)
    }
}

#[cfg(test)]
mod tests {
    use hearth_types::{ContactStatus, Direction, IdentityKind};

    use super::*;
    use crate::domain::{ContactChanges, NewContact, NewInteraction};

    async fn person(store: &Store, name: &str, email: &str) -> i64 {
        store
            .add_contact(&NewContact {
                name: name.into(),
                identities: vec![(IdentityKind::Email, email.into())],
                ..Default::default()
            })
            .await
            .unwrap()
            .id
    }

    fn msg(contact: i64, id: &str, direction: Direction, at: i64) -> NewInteraction {
        NewInteraction {
            contact_id: Some(contact),
            body: Some(format!("message {id}")),
            ..NewInteraction::new(Channel::Email, direction, at, "t", id)
        }
    }

    #[tokio::test]
    async fn waiting_means_written_after_our_last_answer_oldest_first() {
        let store = Store::open_in_memory().await.unwrap();
        let ann = person(&store, "Ann", "ann@x.com").await;
        let bob = person(&store, "Bob", "bob@x.com").await;
        let cy = person(&store, "Cy", "cy@x.com").await;
        store
            .upsert_interactions(&[
                // Ann: answered, then wrote twice more.
                msg(ann, "a1", Direction::Inbound, 10),
                msg(ann, "a2", Direction::Outbound, 20),
                msg(ann, "a3", Direction::Inbound, 30),
                msg(ann, "a4", Direction::Inbound, 40),
                // Bob: wrote first, still waiting, longest.
                msg(bob, "b1", Direction::Inbound, 5),
                // Cy: answered.
                msg(cy, "c1", Direction::Inbound, 1),
                msg(cy, "c2", Direction::Outbound, 2),
            ])
            .await
            .unwrap();
        let inbox = store.inbox(100, 50).await.unwrap();
        let who: Vec<_> = inbox
            .iter()
            .map(|e| (e.contact_name.as_str(), e.waiting_since, e.waiting_count))
            .collect();
        assert_eq!(who, [("Bob", 5, 1), ("Ann", 30, 2)]);
        assert_eq!(inbox[1].latest.body.as_deref(), Some("message a4"));
        assert_eq!(inbox[1].reply_channels, [Channel::Email]);
    }

    #[tokio::test]
    async fn done_snooze_and_blocked_take_contacts_out() {
        let store = Store::open_in_memory().await.unwrap();
        let ann = person(&store, "Ann", "ann@x.com").await;
        let bob = person(&store, "Bob", "bob@x.com").await;
        let cy = person(&store, "Cy", "cy@x.com").await;
        store
            .upsert_interactions(&[
                msg(ann, "a1", Direction::Inbound, 10),
                msg(bob, "b1", Direction::Inbound, 10),
                msg(cy, "c1", Direction::Inbound, 10),
            ])
            .await
            .unwrap();
        store.inbox_done(ann, 10).await.unwrap();
        store.inbox_snooze(bob, 500).await.unwrap();
        let blocked = ContactChanges {
            status: Some(ContactStatus::Blocked),
            ..Default::default()
        };
        store.update_contact(cy, &blocked).await.unwrap();
        assert!(store.inbox(100, 50).await.unwrap().is_empty());
        // The snooze ends; Ann writes again after being marked done.
        store
            .upsert_interactions(&[msg(ann, "a2", Direction::Inbound, 600)])
            .await
            .unwrap();
        let names: Vec<_> = store
            .inbox(700, 50)
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.contact_name)
            .collect();
        assert_eq!(names, ["Bob", "Ann"]);
    }
}
