//! Online backup: `VACUUM INTO` writes a consistent, compacted copy while the business
//! stays open, and the copy opens like any business file.

use std::path::Path;

use super::{Store, StoreError};

impl Store {
    /// Writes a consistent copy of the database to `dest`, which must not exist yet.
    pub async fn backup_to(&self, dest: &Path) -> Result<(), StoreError> {
        if dest.exists() {
            return Err(StoreError::Exists {
                path: dest.to_owned(),
            });
        }
        let dest_str = dest.to_string_lossy().into_owned();
        sqlx::query("VACUUM INTO ?")
            .bind(dest_str)
            .execute(&self.pool)
            .await
            .map_err(StoreError::query("write the backup"))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use hearth_types::{ContactStatus, IdentityKind};

    use super::*;
    use crate::domain::NewContact;

    #[tokio::test]
    async fn a_backup_opens_with_the_same_data() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::create(&dir.path().join("live.sqlite"))
            .await
            .unwrap();
        let added = store
            .add_contact(&NewContact {
                name: "Cy".into(),
                status: Some(ContactStatus::Vip),
                identities: vec![(IdentityKind::Email, "cy@x.io".into())],
                ..Default::default()
            })
            .await
            .unwrap();
        let dest = dir.path().join("copy.sqlite");
        store.backup_to(&dest).await.unwrap();
        assert!(store.backup_to(&dest).await.is_err(), "never overwrites");
        let copy = Store::open(&dest).await.unwrap();
        copy.integrity_check().await.unwrap();
        assert_eq!(copy.find_contact("cy@x.io").await.unwrap(), added);
    }
}
