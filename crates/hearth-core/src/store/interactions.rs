//! Interactions: idempotent batch upserts keyed by `(source, source_account, source_id)`.

use sqlx::{Sqlite, Transaction};

use super::timeline::{sort_key, TIME_RANGE};
use super::{Store, StoreError};
use crate::domain::{DomainError, NewInteraction};
use crate::now_ms;

/// An interaction's text as sentiment scoring reads it.
#[derive(Debug, Clone)]
pub struct ScoringRow {
    pub id: i64,
    pub channel: hearth_types::Channel,
    pub direction: hearth_types::Direction,
    pub body: Option<String>,
    pub customer_text: Option<String>,
}

/// What a batch upsert did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct UpsertReport {
    /// Rows that were new or changed. Re-sending an identical record writes nothing.
    pub written: u64,
    /// Rows in the batch.
    pub received: u64,
}

impl Store {
    /// Inserts or updates a batch of interactions in one transaction: either all of them
    /// land or none does.
    pub async fn upsert_interactions(
        &self,
        batch: &[NewInteraction],
    ) -> Result<UpsertReport, StoreError> {
        let mut tx = self.begin("store interactions").await?;
        let report = upsert_interactions_tx(&mut tx, batch).await?;
        tx.commit()
            .await
            .map_err(StoreError::query("commit interactions"))?;
        Ok(report)
    }

    /// A message's HTML, sanitized for display, with its frame policy; `None` when the
    /// message has no HTML part.
    pub async fn message_html(
        &self,
        id: i64,
        allow_remote_images: bool,
    ) -> Result<Option<hearth_types::MessageHtml>, StoreError> {
        let html = sqlx::query_scalar!("SELECT body_html FROM interactions WHERE id = ?", id)
            .fetch_optional(&self.pool)
            .await
            .map_err(StoreError::query("read a message"))?
            .ok_or_else(|| StoreError::NotFound {
                what: "interaction",
                key: id.to_string(),
            })?;
        Ok(html.map(|html| {
            let safe = crate::mail::html::sanitize(&html, allow_remote_images);
            hearth_types::MessageHtml {
                html: safe.html,
                blocked_images: safe.blocked_images,
                policy: crate::mail::html::frame_policy(allow_remote_images).to_owned(),
            }
        }))
    }

    /// A page of interactions whose sentiment can be scored (inbound messages, calls), by
    /// id after `after_id`; only unscored ones unless `all`.
    pub async fn interactions_for_scoring(
        &self,
        after_id: i64,
        limit: i64,
        all: bool,
    ) -> Result<Vec<ScoringRow>, StoreError> {
        let rows = sqlx::query!(
            r#"SELECT id AS "id!: i64", channel, direction, body,
                   json_extract(metadata, '$.customer_text') AS "customer_text?: String"
               FROM interactions
               WHERE id > ?1 AND (?2 OR sentiment IS NULL)
                 AND (direction = 'inbound' OR channel IN ('voice_ai', 'call'))
               ORDER BY id LIMIT ?3"#,
            after_id,
            all,
            limit
        )
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::query("read interactions to score"))?;
        Ok(rows
            .into_iter()
            .map(|r| ScoringRow {
                id: r.id,
                channel: r.channel.parse().unwrap_or(hearth_types::Channel::Note),
                direction: r
                    .direction
                    .parse()
                    .unwrap_or(hearth_types::Direction::Internal),
                body: r.body,
                customer_text: r.customer_text,
            })
            .collect())
    }

    /// Writes sentiments (`None` clears one); the number of rows that changed.
    pub async fn set_sentiments(&self, scores: &[(i64, Option<f64>)]) -> Result<u64, StoreError> {
        let json = serde_json::to_string(
            &scores
                .iter()
                .map(|(id, s)| serde_json::json!({ "id": id, "s": s }))
                .collect::<Vec<_>>(),
        )
        .unwrap_or_else(|_| "[]".into());
        let done = sqlx::query!(
            "UPDATE interactions SET sentiment = j.value ->> '$.s' FROM json_each(?1) j \
             WHERE interactions.id = j.value ->> '$.id' \
               AND interactions.sentiment IS NOT (j.value ->> '$.s')",
            json
        )
        .execute(&self.pool)
        .await
        .map_err(StoreError::query("store sentiments"))?;
        Ok(done.rows_affected())
    }

    /// Number of interactions in the business.
    pub async fn count_interactions(&self) -> Result<i64, StoreError> {
        sqlx::query_scalar!("SELECT COUNT(*) FROM interactions")
            .fetch_one(&self.pool)
            .await
            .map_err(StoreError::query("count interactions"))
    }
}

/// How many neighbouring sort keys to try when two interactions share a millisecond and a
/// hash; reaching the limit means something else is wrong.
const KEY_PROBES: i64 = 64;

/// [`Store::upsert_interactions`] inside a caller's transaction.
pub(crate) async fn upsert_interactions_tx(
    tx: &mut Transaction<'static, Sqlite>,
    batch: &[NewInteraction],
) -> Result<UpsertReport, StoreError> {
    if let Some(bad) = batch.iter().find(|i| !TIME_RANGE.contains(&i.occurred_at)) {
        return Err(DomainError::TimeOutOfRange(bad.occurred_at).into());
    }
    let mut written = 0;
    for item in batch {
        let key = sort_key(
            item.occurred_at,
            &item.source,
            &item.source_account,
            &item.source_id,
        );
        let mut probe = 0;
        loop {
            match upsert_one(tx, item, key + probe).await {
                Ok(rows) => {
                    written += rows;
                    break;
                }
                Err(e) if probe + 1 < KEY_PROBES && is_sort_key_clash(&e) => probe += 1,
                Err(e) => {
                    return Err(StoreError::Query {
                        action: "upsert an interaction",
                        source: e,
                    })
                }
            }
        }
    }
    Ok(UpsertReport {
        written,
        received: batch.len() as u64,
    })
}

fn is_sort_key_clash(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(db) if db.message().contains("interactions.sort_key"))
}

/// One upsert; the number of rows written (0 when nothing changed).
async fn upsert_one(
    tx: &mut Transaction<'static, Sqlite>,
    item: &NewInteraction,
    key: i64,
) -> Result<u64, sqlx::Error> {
    let now = now_ms();
    {
        let channel = item.channel.as_str();
        let direction = item.direction.as_str();
        let metadata = item.metadata.to_string();
        // An identical re-delivery changes nothing, so FTS triggers do not churn; a known
        // sentiment is kept when the new record has none.
        let result = sqlx::query!(
            "INSERT INTO interactions (body_html, sort_key, contact_id, channel, direction, occurred_at, subject, body, \
                 summary, sentiment, source, source_account, source_id, thread_key, duration_ms, \
                 cost_micros, metadata, created_at, updated_at) \
             VALUES (?18, ?17, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?16) \
             ON CONFLICT (source, source_account, source_id) DO UPDATE SET \
                 sort_key = CASE WHEN interactions.occurred_at = excluded.occurred_at \
                     THEN interactions.sort_key ELSE excluded.sort_key END, \
                 contact_id = excluded.contact_id, channel = excluded.channel, \
                 direction = excluded.direction, occurred_at = excluded.occurred_at, \
                 subject = excluded.subject, body = excluded.body, summary = excluded.summary, \
                 body_html = excluded.body_html, \
                 sentiment = coalesce(excluded.sentiment, interactions.sentiment), \
                 thread_key = excluded.thread_key, duration_ms = excluded.duration_ms, \
                 cost_micros = excluded.cost_micros, metadata = excluded.metadata, \
                 updated_at = excluded.updated_at \
             WHERE (interactions.contact_id, interactions.channel, interactions.direction, \
                    interactions.occurred_at, interactions.subject, interactions.body, \
                    interactions.summary, interactions.thread_key, interactions.duration_ms, \
                    interactions.cost_micros, interactions.metadata, interactions.body_html) \
                IS NOT (excluded.contact_id, excluded.channel, excluded.direction, \
                    excluded.occurred_at, excluded.subject, excluded.body, excluded.summary, \
                    excluded.thread_key, excluded.duration_ms, excluded.cost_micros, \
                    excluded.metadata, excluded.body_html) \
                OR (excluded.sentiment IS NOT NULL \
                    AND excluded.sentiment IS NOT interactions.sentiment)",
            item.contact_id,
            channel,
            direction,
            item.occurred_at,
            item.subject,
            item.body,
            item.summary,
            item.sentiment,
            item.source,
            item.source_account,
            item.source_id,
            item.thread_key,
            item.duration_ms,
            item.cost_micros,
            metadata,
            now,
            key,
            item.body_html,
        )
        .execute(&mut **tx)
        .await?;
        Ok(result.rows_affected())
    }
}

#[cfg(test)]
mod tests {
    use hearth_types::{Channel, Direction, TimelineRequest};

    use super::*;

    fn sms(id: &str, at: i64, body: &str) -> NewInteraction {
        NewInteraction {
            body: Some(body.into()),
            ..NewInteraction::new(Channel::Sms, Direction::Inbound, at, "telnyx", id)
        }
    }

    #[tokio::test]
    async fn upserting_twice_never_duplicates_and_updates_in_place() {
        let store = Store::open_in_memory().await.unwrap();
        let batch = [sms("a", 1, "hello there"), sms("b", 2, "second")];
        let first = store.upsert_interactions(&batch).await.unwrap();
        assert_eq!(
            first,
            UpsertReport {
                written: 2,
                received: 2
            }
        );
        let again = store.upsert_interactions(&batch).await.unwrap();
        assert_eq!(again.written, 0, "identical records write nothing");
        let changed = store
            .upsert_interactions(&[sms("a", 1, "edited body")])
            .await
            .unwrap();
        assert_eq!(changed.written, 1);
        assert_eq!(store.count_interactions().await.unwrap(), 2);

        // Full-text search follows the update: the old words are gone, the new ones found.
        let search = |s: &str| TimelineRequest {
            search: Some(s.into()),
            ..Default::default()
        };
        assert!(store
            .timeline(&search("hello"))
            .await
            .unwrap()
            .items
            .is_empty());
        assert_eq!(
            store.timeline(&search("edited")).await.unwrap().items.len(),
            1
        );
    }

    #[tokio::test]
    async fn a_bad_row_rolls_back_the_whole_batch() {
        let store = Store::open_in_memory().await.unwrap();
        let mut bad = sms("c", 3, "bad sentiment");
        bad.sentiment = Some(7.0); // outside [-1, 1]: the CHECK constraint refuses it
        let err = store
            .upsert_interactions(&[sms("ok", 1, "fine"), bad])
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::Query { .. }), "{err}");
        assert_eq!(store.count_interactions().await.unwrap(), 0);
    }

    #[tokio::test]
    async fn same_millisecond_same_hash_still_gets_a_unique_key() {
        let store = Store::open_in_memory().await.unwrap();
        // Find two source ids whose hashes collide in the low bits at the same time.
        let mut seen = std::collections::HashMap::new();
        let (a, b) = (0..)
            .find_map(|n: u32| {
                let id = n.to_string();
                let key = sort_key(5, "telnyx", "", &id);
                seen.insert(key, id.clone()).map(|other| (other, id))
            })
            .unwrap();
        store
            .upsert_interactions(&[sms(&a, 5, "first"), sms(&b, 5, "second")])
            .await
            .unwrap();
        assert_eq!(store.count_interactions().await.unwrap(), 2);
        let page = store.timeline(&TimelineRequest::default()).await.unwrap();
        assert_eq!(page.items.len(), 2);
    }

    #[tokio::test]
    async fn times_outside_the_storable_range_are_refused() {
        let store = Store::open_in_memory().await.unwrap();
        let err = store
            .upsert_interactions(&[sms("x", i64::MAX, "far future")])
            .await
            .unwrap_err();
        assert!(
            matches!(err, StoreError::Invalid(DomainError::TimeOutOfRange(_))),
            "{err}"
        );
    }

    #[tokio::test]
    async fn message_html_is_sanitized_on_every_read() {
        let store = Store::open_in_memory().await.unwrap();
        let mail = NewInteraction {
            body_html: Some(
                r#"<p>Hi</p><script>x()</script><img src="https://t.example/p.png">"#.into(),
            ),
            ..NewInteraction::new(Channel::Email, Direction::Inbound, 1, "imap", "<m@x>")
        };
        store
            .upsert_interactions(&[mail, sms("plain", 2, "no html")])
            .await
            .unwrap();
        let page = store.timeline(&TimelineRequest::default()).await.unwrap();
        let (plain, html) = (&page.items[0], &page.items[1]);
        assert!(html.has_html && !plain.has_html);
        let shown = store.message_html(html.id, false).await.unwrap().unwrap();
        // The image element stays, without its source: nothing is fetched.
        assert_eq!(shown.html, "<p>Hi</p><img>");
        assert_eq!(shown.blocked_images, 1);
        assert!(shown.policy.contains("img-src data:;"));
        assert_eq!(store.message_html(plain.id, false).await.unwrap(), None);
        assert!(matches!(
            store.message_html(999, false).await,
            Err(StoreError::NotFound { .. })
        ));
    }

    #[tokio::test]
    async fn a_known_sentiment_survives_a_resync_without_one() {
        let store = Store::open_in_memory().await.unwrap();
        let mut scored = sms("s", 1, "great");
        scored.sentiment = Some(0.6);
        store.upsert_interactions(&[scored]).await.unwrap();
        store
            .upsert_interactions(&[sms("s", 1, "great")])
            .await
            .unwrap();
        let page = store.timeline(&TimelineRequest::default()).await.unwrap();
        assert_eq!(page.items[0].sentiment, Some(0.6));
    }
}
