//! Per-business settings: a small key/value table inside the business file.

use super::{Store, StoreError};
use crate::domain::{parse_region, Region};

const DEFAULT_REGION: &str = "default_region";
const MAIL_POLL: &str = "mail_poll_secs";

/// How often mail is checked when IDLE brings no news, unless set (seconds).
pub const MAIL_POLL_DEFAULT: u64 = 300;
/// The range a user may set: from 30 s (servers throttle faster polls) to a day.
pub const MAIL_POLL_RANGE: std::ops::RangeInclusive<u64> = 30..=86_400;

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

    /// How often mail is checked when the server's IDLE brings no news.
    pub async fn mail_poll_secs(&self) -> Result<u64, StoreError> {
        Ok(self
            .setting(MAIL_POLL)
            .await?
            .and_then(|v| v.parse().ok())
            .filter(|v| MAIL_POLL_RANGE.contains(v))
            .unwrap_or(MAIL_POLL_DEFAULT))
    }

    /// Sets the mail check interval after checking it is in [`MAIL_POLL_RANGE`].
    pub async fn set_mail_poll_secs(&self, secs: u64) -> Result<(), StoreError> {
        if !MAIL_POLL_RANGE.contains(&secs) {
            return Err(crate::domain::DomainError::OutOfRange {
                what: "the mail check interval (seconds)",
                value: secs,
                min: *MAIL_POLL_RANGE.start(),
                max: *MAIL_POLL_RANGE.end(),
            }
            .into());
        }
        self.set_setting(MAIL_POLL, &secs.to_string()).await
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
        assert_eq!(store.mail_poll_secs().await.unwrap(), MAIL_POLL_DEFAULT);
        store.set_mail_poll_secs(120).await.unwrap();
        assert_eq!(store.mail_poll_secs().await.unwrap(), 120);
        assert!(store.set_mail_poll_secs(5).await.is_err(), "too often");
        assert_eq!(store.mail_poll_secs().await.unwrap(), 120, "kept");
        assert_eq!(store.region().code(), "GB");
    }
}
