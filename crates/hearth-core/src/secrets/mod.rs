//! Secrets (mail passwords, API keys) live only in the OS keyring, never in SQLite, logs or
//! exports. Everything that needs one goes through [`SecretStore`]: the real implementation
//! is the `keyring` crate (Secret Service on Linux), and unit tests use [`MemorySecrets`].
//!
//! Keys are namespaced by the business's own id (kept inside its file), so two businesses
//! with an account of the same name never share a password, and a renamed or moved file
//! keeps its secrets.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use futures::future::BoxFuture;
use thiserror::Error;

/// The keyring service name every Hearth secret is filed under.
pub const SERVICE: &str = "hearth";

#[derive(Debug, Error)]
pub enum SecretError {
    #[error("the OS keyring is not available ({0}); Hearth keeps passwords only there")]
    Unavailable(String),
    #[error("cannot {action} the secret {key} in the OS keyring")]
    Keyring {
        action: &'static str,
        key: String,
        #[source]
        source: keyring::Error,
    },
}

/// Where secrets are kept. Methods are async because the keyring talks to a D-Bus service.
pub trait SecretStore: Send + Sync + std::fmt::Debug {
    fn get<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<String>, SecretError>>;
    fn set<'a>(&'a self, key: &'a str, secret: &'a str) -> BoxFuture<'a, Result<(), SecretError>>;
    fn delete<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<(), SecretError>>;
}

/// The OS keyring through the `keyring` crate; every call runs on the blocking pool.
#[derive(Debug, Clone, Default)]
pub struct KeyringSecrets;

impl KeyringSecrets {
    async fn call<T: Send + 'static>(
        action: &'static str,
        key: &str,
        f: impl FnOnce(keyring::Entry) -> Result<T, keyring::Error> + Send + 'static,
    ) -> Result<T, SecretError> {
        let owned = key.to_owned();
        let result = tokio::task::spawn_blocking(move || {
            let entry = keyring::Entry::new(SERVICE, &owned)?;
            f(entry)
        })
        .await
        .map_err(|e| SecretError::Unavailable(e.to_string()))?;
        result.map_err(|source| match source {
            keyring::Error::PlatformFailure(e) | keyring::Error::NoStorageAccess(e) => {
                SecretError::Unavailable(e.to_string())
            }
            source => SecretError::Keyring {
                action,
                key: key.to_owned(),
                source,
            },
        })
    }
}

impl SecretStore for KeyringSecrets {
    fn get<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<String>, SecretError>> {
        Box::pin(Self::call("read", key, |entry| {
            match entry.get_password() {
                Ok(secret) => Ok(Some(secret)),
                Err(keyring::Error::NoEntry) => Ok(None),
                Err(e) => Err(e),
            }
        }))
    }

    fn set<'a>(&'a self, key: &'a str, secret: &'a str) -> BoxFuture<'a, Result<(), SecretError>> {
        let secret = secret.to_owned();
        Box::pin(Self::call("store", key, move |entry| {
            entry.set_password(&secret)
        }))
    }

    fn delete<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<(), SecretError>> {
        Box::pin(Self::call("delete", key, |entry| {
            match entry.delete_credential() {
                Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
                Err(e) => Err(e),
            }
        }))
    }
}

/// Secrets in memory, for unit tests and throwaway stores.
#[derive(Debug, Clone, Default)]
pub struct MemorySecrets(Arc<Mutex<HashMap<String, String>>>);

impl MemorySecrets {
    fn map(&self) -> std::sync::MutexGuard<'_, HashMap<String, String>> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl SecretStore for MemorySecrets {
    fn get<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<String>, SecretError>> {
        let found = self.map().get(key).cloned();
        Box::pin(async move { Ok(found) })
    }

    fn set<'a>(&'a self, key: &'a str, secret: &'a str) -> BoxFuture<'a, Result<(), SecretError>> {
        self.map().insert(key.to_owned(), secret.to_owned());
        Box::pin(async { Ok(()) })
    }

    fn delete<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<(), SecretError>> {
        self.map().remove(key);
        Box::pin(async { Ok(()) })
    }
}

/// The keyring key of a mail account's password.
pub fn mail_password_key(business_uid: &str, account: &str) -> String {
    format!("{business_uid}/mail/{account}")
}

/// The keyring key of a provider's API key (VAPI private key, Telnyx API v2 key).
pub fn provider_key_key(business_uid: &str, provider: &str) -> String {
    format!("{business_uid}/provider/{provider}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn memory_secrets_round_trip() {
        let secrets = MemorySecrets::default();
        assert_eq!(secrets.get("a").await.unwrap(), None);
        secrets.set("a", "s3cret").await.unwrap();
        assert_eq!(secrets.get("a").await.unwrap().as_deref(), Some("s3cret"));
        secrets.delete("a").await.unwrap();
        secrets.delete("a").await.unwrap();
        assert_eq!(secrets.get("a").await.unwrap(), None);
    }
}
