//! Orders, deals and tasks: the commercial side of a contact.

use super::{Store, StoreError};
use crate::domain::{NewDeal, NewOrder, NewTask};
use crate::now_ms;

impl Store {
    /// Inserts or updates orders in one transaction, keyed by `(source, external_id)`.
    pub async fn upsert_orders(&self, batch: &[NewOrder]) -> Result<u64, StoreError> {
        let now = now_ms();
        let mut tx = self.begin("store orders").await?;
        let mut written = 0;
        for order in batch {
            let items = order.items.to_string();
            written += sqlx::query!(
                "INSERT INTO orders (contact_id, source, external_id, placed_at, total_minor, \
                     currency, status, items, created_at, updated_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9) \
                 ON CONFLICT (source, external_id) DO UPDATE SET \
                     contact_id = excluded.contact_id, placed_at = excluded.placed_at, \
                     total_minor = excluded.total_minor, currency = excluded.currency, \
                     status = excluded.status, items = excluded.items, \
                     updated_at = excluded.updated_at",
                order.contact_id,
                order.source,
                order.external_id,
                order.placed_at,
                order.total_minor,
                order.currency,
                order.status,
                items,
                now
            )
            .execute(&mut *tx)
            .await
            .map_err(StoreError::query("upsert an order"))?
            .rows_affected();
        }
        tx.commit()
            .await
            .map_err(StoreError::query("commit orders"))?;
        Ok(written)
    }

    /// Completed orders placed up to `until` (UTC ms) with a contact, for lifetime-value
    /// models: (contact, contact name, placed at, total in minor units, currency).
    pub async fn orders_for_ltv(
        &self,
        until: i64,
    ) -> Result<Vec<(i64, String, i64, i64, String)>, StoreError> {
        let rows = sqlx::query!(
            r#"SELECT o.contact_id AS "contact_id!: i64", c.name, o.placed_at, o.total_minor,
                   o.currency
               FROM orders o JOIN contacts c ON c.id = o.contact_id
               WHERE o.status = 'completed' AND o.placed_at <= ?
               ORDER BY o.contact_id, o.placed_at"#,
            until
        )
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::query("read orders"))?;
        Ok(rows
            .into_iter()
            .map(|r| (r.contact_id, r.name, r.placed_at, r.total_minor, r.currency))
            .collect())
    }

    /// Adds deals in one transaction.
    pub async fn add_deals(&self, batch: &[NewDeal]) -> Result<(), StoreError> {
        let now = now_ms();
        let mut tx = self.begin("add deals").await?;
        for deal in batch {
            sqlx::query!(
                "INSERT INTO deals (contact_id, title, value_minor, currency, stage, probability, \
                     expected_close, created_at, updated_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
                deal.contact_id,
                deal.title,
                deal.value_minor,
                deal.currency,
                deal.stage,
                deal.probability,
                deal.expected_close,
                now
            )
            .execute(&mut *tx)
            .await
            .map_err(StoreError::query("add a deal"))?;
        }
        tx.commit().await.map_err(StoreError::query("commit deals"))
    }

    /// Adds open tasks in one transaction.
    pub async fn add_tasks(&self, batch: &[NewTask]) -> Result<(), StoreError> {
        let now = now_ms();
        let mut tx = self.begin("add tasks").await?;
        for task in batch {
            sqlx::query!(
                "INSERT INTO tasks (contact_id, title, due_at, priority, created_at, updated_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
                task.contact_id,
                task.title,
                task.due_at,
                task.priority,
                now
            )
            .execute(&mut *tx)
            .await
            .map_err(StoreError::query("add a task"))?;
        }
        tx.commit().await.map_err(StoreError::query("commit tasks"))
    }
}
