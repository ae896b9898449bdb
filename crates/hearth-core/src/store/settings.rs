//! Per-business settings: a small key/value table inside the business file.

use super::{Store, StoreError};
use crate::domain::{parse_region, Region};

const DEFAULT_REGION: &str = "default_region";

impl Store {
    /// Reads a setting.
    pub async fn setting(&self, key: &str) -> Result<Option<String>, StoreError> {
        sqlx::query_scalar!("SELECT value FROM business_settings WHERE key = ?", key)
            .fetch_optional(&self.pool)
            .await
            .map_err(StoreError::query("read a setting"))
    }

    /// Writes a setting.
    pub async fn set_setting(&self, key: &str, value: &str) -> Result<(), StoreError> {
        sqlx::query!(
            "INSERT INTO business_settings (key, value) VALUES (?, ?) \
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            key,
            value
        )
        .execute(&self.pool)
        .await
        .map_err(StoreError::query("write a setting"))?;
        Ok(())
    }

    /// Sets the default phone region ("US", "GB", ...) after checking it.
    pub async fn set_default_region(&self, code: &str) -> Result<Region, StoreError> {
        let region = parse_region(code)?;
        self.set_setting(DEFAULT_REGION, region.code()).await?;
        self.cache_region(region);
        Ok(region)
    }

    pub(super) async fn load_default_region(&self) -> Result<Region, StoreError> {
        match self.setting(DEFAULT_REGION).await? {
            Some(code) => Ok(parse_region(&code)?),
            None => Ok(Region::default()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn region_is_checked_stored_and_cached() {
        let store = Store::open_in_memory().await.unwrap();
        assert_eq!(store.region().code(), "US");
        store.set_default_region("gb").await.unwrap();
        assert_eq!(store.region().code(), "GB");
        assert_eq!(
            store.setting(DEFAULT_REGION).await.unwrap().as_deref(),
            Some("GB")
        );
        assert!(store.set_default_region("Narnia").await.is_err());
        assert_eq!(store.region().code(), "GB");
    }
}
