//! The numbers behind the charts.

use std::collections::BTreeMap;

use hearth_types::{Channel, ChannelWeeks, ContactSeries, Point, WeeklyActivity};

use super::{Store, StoreError};

const WEEK_MS: i64 = 7 * 86_400_000;
/// 1970-01-05 was a Monday.
const MONDAY: i64 = 4 * 86_400_000;
/// Points per series: a chart has no room for more.
const MAX_POINTS: i64 = 500;

/// The Monday 00:00 UTC starting the week of `at`.
pub fn week_start(at: i64) -> i64 {
    at - (at - MONDAY).rem_euclid(WEEK_MS)
}

impl Store {
    /// A contact's sentiment and orders over time (the newest 500 of each).
    pub async fn contact_series(&self, contact: i64) -> Result<ContactSeries, StoreError> {
        let sentiment = sqlx::query!(
            r#"SELECT occurred_at AS "at!: i64", sentiment AS "value!: f64" FROM (
                   SELECT occurred_at, sentiment FROM interactions
                   WHERE contact_id = ?1 AND sentiment IS NOT NULL
                   ORDER BY occurred_at DESC LIMIT ?2)
               ORDER BY occurred_at"#,
            contact,
            MAX_POINTS
        )
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::query("read a sentiment series"))?;
        let currency = sqlx::query_scalar!(
            "SELECT currency FROM orders WHERE contact_id = ? GROUP BY currency \
             ORDER BY COUNT(*) DESC, currency LIMIT 1",
            contact
        )
        .fetch_optional(&self.pool)
        .await
        .map_err(StoreError::query("read a contact's currency"))?;
        let orders = sqlx::query!(
            r#"SELECT placed_at AS "at!: i64", total_minor AS "value!: i64" FROM (
                   SELECT placed_at, total_minor FROM orders
                   WHERE contact_id = ?1 AND currency = ?2
                   ORDER BY placed_at DESC LIMIT ?3)
               ORDER BY placed_at"#,
            contact,
            currency,
            MAX_POINTS
        )
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::query("read an order series"))?;
        Ok(ContactSeries {
            sentiment: sentiment
                .into_iter()
                .map(|r| Point {
                    at: r.at,
                    value: r.value,
                })
                .collect(),
            orders: orders
                .into_iter()
                .map(|r| Point {
                    at: r.at,
                    value: r.value as f64,
                })
                .collect(),
            currency,
        })
    }

    /// Interactions per channel for the `weeks` weeks up to the one containing `now`.
    pub async fn weekly_activity(
        &self,
        weeks: u32,
        now: i64,
    ) -> Result<WeeklyActivity, StoreError> {
        let weeks = i64::from(weeks.clamp(1, 104));
        let first = week_start(now) - (weeks - 1) * WEEK_MS;
        let end = first + weeks * WEEK_MS;
        let rows = sqlx::query!(
            r#"SELECT channel, (occurred_at - ?1) / ?2 AS "week!: i64", COUNT(*) AS "n!: i64"
               FROM interactions WHERE occurred_at >= ?1 AND occurred_at < ?3
               GROUP BY channel, 2"#,
            first,
            WEEK_MS,
            end
        )
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::query("count interactions per week"))?;
        let mut by_channel: BTreeMap<Channel, Vec<u32>> = BTreeMap::new();
        for r in rows {
            let Ok(channel) = r.channel.parse::<Channel>() else {
                continue;
            };
            let counts = by_channel
                .entry(channel)
                .or_insert_with(|| vec![0; weeks as usize]);
            if let Some(slot) = counts.get_mut(r.week as usize) {
                *slot = r.n as u32;
            }
        }
        Ok(WeeklyActivity {
            week_starts: (0..weeks).map(|w| first + w * WEEK_MS).collect(),
            channels: by_channel
                .into_iter()
                .map(|(channel, counts)| ChannelWeeks { channel, counts })
                .collect(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{NewContact, NewInteraction};
    use hearth_types::Direction;

    #[test]
    fn weeks_start_on_monday() {
        use chrono::Datelike;
        // Sunday 2026-11-22 at noon; its week began Monday 2026-11-16.
        let sunday = 1_795_305_600_000 + 12 * 3_600_000;
        let monday = week_start(sunday);
        assert_eq!((sunday - monday) / 86_400_000, 6);
        let day = chrono::DateTime::from_timestamp_millis(monday).unwrap();
        assert_eq!(
            (day.weekday(), day.format("%H:%M").to_string()),
            (chrono::Weekday::Mon, "00:00".into())
        );
        assert_eq!(week_start(monday), monday);
    }

    #[tokio::test]
    async fn series_and_weekly_counts() {
        let store = Store::open_in_memory().await.unwrap();
        let c = store
            .add_contact(&NewContact {
                name: "Ann".into(),
                ..Default::default()
            })
            .await
            .unwrap()
            .id;
        let now = 1_795_305_600_000;
        let mut batch = Vec::new();
        for (k, (days, channel, sentiment)) in [
            (1, Channel::Email, Some(0.5)),
            (2, Channel::Sms, Some(-0.2)),
            (9, Channel::Email, None),
            (400, Channel::Call, Some(0.9)),
        ]
        .into_iter()
        .enumerate()
        {
            batch.push(NewInteraction {
                contact_id: Some(c),
                sentiment,
                ..NewInteraction::new(
                    channel,
                    Direction::Inbound,
                    now - days * 86_400_000,
                    "test",
                    format!("i{k}"),
                )
            });
        }
        store.upsert_interactions(&batch).await.unwrap();
        let s = store.contact_series(c).await.unwrap();
        let values: Vec<f64> = s.sentiment.iter().map(|p| p.value).collect();
        assert_eq!(values, vec![0.9, -0.2, 0.5], "oldest first");
        assert!(s.orders.is_empty() && s.currency.is_none());
        let w = store.weekly_activity(4, now).await.unwrap();
        assert_eq!(w.week_starts.len(), 4);
        let email = w
            .channels
            .iter()
            .find(|c| c.channel == Channel::Email)
            .unwrap();
        assert_eq!(email.counts.iter().sum::<u32>(), 2);
        assert!(
            w.channels.iter().all(|c| c.channel != Channel::Call),
            "400 days ago is out"
        );
    }
}
