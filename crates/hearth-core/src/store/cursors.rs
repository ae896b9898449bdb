//! Sync cursors: where each source's last sync stopped, per account.

use super::{Store, StoreError};
use crate::now_ms;

impl Store {
    /// The stored cursor of a source and account, if any.
    pub async fn sync_cursor(
        &self,
        source: &str,
        account: &str,
    ) -> Result<Option<serde_json::Value>, StoreError> {
        let row = sqlx::query!(
            "SELECT cursor FROM sync_cursors WHERE source = ? AND account = ?",
            source,
            account
        )
        .fetch_optional(&self.pool)
        .await
        .map_err(StoreError::query("read a sync cursor"))?;
        row.map(|r| {
            serde_json::from_str(&r.cursor).map_err(|source| StoreError::BadJson {
                column: "cursor",
                id: 0,
                source,
            })
        })
        .transpose()
    }

    /// Records a source's cursor.
    pub async fn set_sync_cursor(
        &self,
        source: &str,
        account: &str,
        cursor: &serde_json::Value,
    ) -> Result<(), StoreError> {
        let cursor = cursor.to_string();
        let now = now_ms();
        sqlx::query!(
            "INSERT INTO sync_cursors (source, account, cursor, updated_at) VALUES (?, ?, ?, ?) \
             ON CONFLICT (source, account) DO UPDATE SET cursor = excluded.cursor, \
             updated_at = excluded.updated_at",
            source,
            account,
            cursor,
            now
        )
        .execute(&self.pool)
        .await
        .map_err(StoreError::query("write a sync cursor"))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[tokio::test]
    async fn cursors_are_per_source_and_account() {
        let store = Store::open_in_memory().await.unwrap();
        assert_eq!(store.sync_cursor("vapi", "main").await.unwrap(), None);
        store
            .set_sync_cursor(
                "vapi",
                "main",
                &json!({"updatedAt": "2026-11-01T00:00:00Z"}),
            )
            .await
            .unwrap();
        store
            .set_sync_cursor(
                "vapi",
                "main",
                &json!({"updatedAt": "2026-11-02T00:00:00Z"}),
            )
            .await
            .unwrap();
        store
            .set_sync_cursor("telnyx", "main", &json!({"page": 3}))
            .await
            .unwrap();
        assert_eq!(
            store.sync_cursor("vapi", "main").await.unwrap(),
            Some(json!({"updatedAt": "2026-11-02T00:00:00Z"}))
        );
        assert_eq!(
            store.sync_cursor("telnyx", "main").await.unwrap(),
            Some(json!({"page": 3}))
        );
    }
}
