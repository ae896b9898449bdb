//! A contact's profile: identities, deals, open tasks, orders and channel counts, read in
//! one snapshot (a read transaction) so the numbers agree with each other.

use hearth_types::{Channel, ChannelCount, ContactProfile, Deal, OrderStats, Task};

use super::{Store, StoreError};

impl Store {
    /// The profile of a contact (a merged contact forwards to the kept one).
    pub async fn contact_profile(&self, id: i64) -> Result<ContactProfile, StoreError> {
        let contact = self.contact(id).await?;
        let id = contact.id;
        let mut tx = self.begin_read("read a contact profile").await?;
        let notes = sqlx::query_scalar!("SELECT notes FROM contacts WHERE id = ?", id)
            .fetch_one(&mut *tx)
            .await
            .map_err(StoreError::query("read notes"))?;
        let deals = sqlx::query_as!(
            Deal,
            "SELECT id, title, value_minor, currency, stage, probability, expected_close \
             FROM deals WHERE contact_id = ? ORDER BY created_at DESC, id DESC",
            id
        )
        .fetch_all(&mut *tx)
        .await
        .map_err(StoreError::query("read deals"))?;
        let open_tasks = sqlx::query_as!(
            Task,
            "SELECT id, title, due_at, priority FROM tasks \
             WHERE contact_id = ? AND status = 'open' ORDER BY due_at IS NULL, due_at, id",
            id
        )
        .fetch_all(&mut *tx)
        .await
        .map_err(StoreError::query("read tasks"))?;
        let orders = sqlx::query_as!(
            OrderStats,
            r#"SELECT currency, COUNT(*) AS "count!: i64", SUM(total_minor) AS "total_minor!: i64",
                      SUM(total_minor) / COUNT(*) AS "average_minor!: i64",
                      MIN(placed_at) AS "first_at!: i64", MAX(placed_at) AS "last_at!: i64"
               FROM orders WHERE contact_id = ? AND status = 'completed'
               GROUP BY currency ORDER BY SUM(total_minor) DESC"#,
            id
        )
        .fetch_all(&mut *tx)
        .await
        .map_err(StoreError::query("read order totals"))?;
        let rows = sqlx::query!(
            r#"SELECT channel,
                      SUM(direction = 'inbound') AS "inbound!: i64",
                      SUM(direction = 'outbound') AS "outbound!: i64",
                      SUM(direction = 'internal') AS "internal!: i64",
                      MIN(occurred_at) AS "first_at!: i64", MAX(occurred_at) AS "last_at!: i64"
               FROM interactions WHERE contact_id = ? GROUP BY channel ORDER BY COUNT(*) DESC"#,
            id
        )
        .fetch_all(&mut *tx)
        .await
        .map_err(StoreError::query("count interactions"))?;
        let scored: Vec<(i64, f64)> = sqlx::query!(
            r#"SELECT occurred_at, sentiment AS "sentiment!: f64" FROM interactions
               WHERE contact_id = ? AND sentiment IS NOT NULL ORDER BY occurred_at"#,
            id
        )
        .fetch_all(&mut *tx)
        .await
        .map_err(StoreError::query("read sentiments"))?
        .into_iter()
        .map(|r| (r.occurred_at, r.sentiment))
        .collect();
        tx.commit()
            .await
            .map_err(StoreError::query("finish reading a profile"))?;
        let intel = self.contact_intel(id).await?;
        let mut channels = Vec::with_capacity(rows.len());
        for row in &rows {
            channels.push(ChannelCount {
                channel: row
                    .channel
                    .parse::<Channel>()
                    .map_err(|source| StoreError::BadEnum {
                        column: "channel",
                        source,
                    })?,
                inbound: row.inbound,
                outbound: row.outbound,
                internal: row.internal,
            });
        }
        Ok(ContactProfile {
            contact,
            notes,
            deals,
            open_tasks,
            orders,
            channels,
            first_contact_at: rows.iter().map(|r| r.first_at).min(),
            last_contact_at: rows.iter().map(|r| r.last_at).max(),
            sentiment: crate::analytics::contact_sentiment::contact_sentiment(
                &scored,
                crate::now_ms(),
            ),
            intel,
        })
    }
}

#[cfg(test)]
mod tests {
    use hearth_types::{Direction, IdentityKind};

    use super::*;
    use crate::domain::{NewContact, NewDeal, NewInteraction, NewOrder, NewTask};

    #[tokio::test]
    async fn the_profile_adds_up_what_the_business_knows() {
        let store = Store::open_in_memory().await.unwrap();
        let ann = store
            .add_contact(&NewContact {
                name: "Ann".into(),
                notes: Some("prefers texts".into()),
                identities: vec![(IdentityKind::Email, "ann@x.com".into())],
                ..Default::default()
            })
            .await
            .unwrap();
        let order = |id: &str, total, status: &str| NewOrder {
            contact_id: Some(ann.id),
            source: "shop".into(),
            external_id: id.into(),
            placed_at: total,
            total_minor: total,
            currency: "USD".into(),
            status: status.into(),
            items: serde_json::json!([]),
        };
        store
            .upsert_orders(&[
                order("1", 1_000, "completed"),
                order("2", 3_000, "completed"),
                order("3", 50_000, "refunded"),
            ])
            .await
            .unwrap();
        let msg = |id: &str, channel, direction, at| NewInteraction {
            contact_id: Some(ann.id),
            ..NewInteraction::new(channel, direction, at, "t", id)
        };
        store
            .upsert_interactions(&[
                msg("a", Channel::Sms, Direction::Inbound, 10),
                msg("b", Channel::Sms, Direction::Outbound, 20),
                msg("c", Channel::Sms, Direction::Inbound, 30),
                msg("d", Channel::Email, Direction::Outbound, 5),
            ])
            .await
            .unwrap();
        store
            .add_deals(&[NewDeal {
                contact_id: ann.id,
                title: "Remodel".into(),
                value_minor: 500_000,
                currency: "USD".into(),
                stage: "proposal".into(),
                probability: 50,
                expected_close: None,
            }])
            .await
            .unwrap();
        store
            .add_tasks(&[NewTask {
                contact_id: ann.id,
                title: "Call back".into(),
                due_at: Some(99),
                priority: "high".into(),
            }])
            .await
            .unwrap();

        let p = store.contact_profile(ann.id).await.unwrap();
        assert_eq!(p.notes, "prefers texts");
        assert_eq!(p.deals.len(), 1);
        assert_eq!(p.open_tasks[0].title, "Call back");
        assert_eq!(p.orders.len(), 1);
        let usd = &p.orders[0];
        assert_eq!(
            (usd.count, usd.total_minor, usd.average_minor),
            (2, 4_000, 2_000),
            "refunds excluded"
        );
        assert_eq!(
            p.channels[0],
            ChannelCount {
                channel: Channel::Sms,
                inbound: 2,
                outbound: 1,
                internal: 0
            }
        );
        assert_eq!(p.channels[1].channel, Channel::Email);
        assert_eq!((p.first_contact_at, p.last_contact_at), (Some(5), Some(30)));
    }

    #[tokio::test]
    async fn a_contact_with_no_history_has_an_empty_profile() {
        let store = Store::open_in_memory().await.unwrap();
        let bo = store
            .add_contact(&NewContact {
                name: "Bo".into(),
                ..Default::default()
            })
            .await
            .unwrap();
        let p = store.contact_profile(bo.id).await.unwrap();
        assert!(p.deals.is_empty() && p.orders.is_empty() && p.channels.is_empty());
        assert_eq!(p.last_contact_at, None);
    }
}
