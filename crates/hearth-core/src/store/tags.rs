//! Contact tags: free-form labels, case-insensitive, used to pick campaign audiences.

use super::{Store, StoreError};
use crate::now_ms;

/// A tag as stored: trimmed, inner spaces as dashes, lower case, at most 40 characters.
pub fn normalize_tag(tag: &str) -> Option<String> {
    let tag: String = tag
        .trim()
        .to_lowercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join("-");
    (!tag.is_empty() && tag.chars().count() <= 40).then_some(tag)
}

impl Store {
    /// Adds tags to contacts, `(contact id, tag)` pairs, in one transaction; returns how
    /// many were new.
    pub async fn tag_contacts(&self, pairs: &[(i64, String)]) -> Result<u64, StoreError> {
        let now = now_ms();
        let mut tx = self.begin("tag contacts").await?;
        let mut added = 0;
        for (contact, tag) in pairs {
            let Some(tag) = normalize_tag(tag) else {
                continue;
            };
            let done = sqlx::query!(
                "INSERT OR IGNORE INTO contact_tags (contact_id, tag, created_at) VALUES (?, ?, ?)",
                contact,
                tag,
                now
            )
            .execute(&mut *tx)
            .await
            .map_err(StoreError::query("tag a contact"))?;
            added += done.rows_affected();
        }
        tx.commit()
            .await
            .map_err(StoreError::query("commit tags"))?;
        Ok(added)
    }

    /// Removes a tag from a contact; whether it had it.
    pub async fn untag_contact(&self, contact: i64, tag: &str) -> Result<bool, StoreError> {
        let tag = normalize_tag(tag).unwrap_or_default();
        let done = sqlx::query!(
            "DELETE FROM contact_tags WHERE contact_id = ? AND tag = ?",
            contact,
            tag
        )
        .execute(&self.pool)
        .await
        .map_err(StoreError::query("untag a contact"))?;
        Ok(done.rows_affected() == 1)
    }

    /// A contact's tags, sorted.
    pub async fn contact_tags(&self, contact: i64) -> Result<Vec<String>, StoreError> {
        sqlx::query_scalar!(
            "SELECT tag FROM contact_tags WHERE contact_id = ? ORDER BY tag",
            contact
        )
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::query("read a contact's tags"))
    }

    /// Every tag in use with how many contacts carry it, most used first.
    pub async fn tags(&self) -> Result<Vec<(String, i64)>, StoreError> {
        let rows = sqlx::query!(
            r#"SELECT tag, COUNT(*) AS "n!: i64" FROM contact_tags GROUP BY tag ORDER BY COUNT(*) DESC, tag"#
        )
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::query("list tags"))?;
        Ok(rows.into_iter().map(|r| (r.tag, r.n)).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_normalized() {
        assert_eq!(
            normalize_tag("  Spring Event "),
            Some("spring-event".into())
        );
        assert_eq!(normalize_tag("   "), None);
        assert_eq!(normalize_tag(&"x".repeat(41)), None);
    }
}
