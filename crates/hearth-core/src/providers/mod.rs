//! VAPI (voice-AI calls) and Telnyx (SMS, call records, opt-outs), polled onto the
//! timeline and used to send. The contract is `shared/providers.md`; where it says
//! UNCONFIRMED, both readings are accepted.
//!
//! One module per provider, each split into `client` (HTTP), `wire` (serde mirrors of the
//! API, every field optional, unknown fields kept) and `convert` (wire → store records);
//! everything else sees only store records. Each pollable feed is a [`source::Source`]:
//! it turns a cursor into the next batch and the cursor after it, and [`source::drain`]
//! stores each batch with its cursor in one transaction, so a crash mid-ingest resumes
//! where it stopped and duplicates nothing. [`http`] holds the one retry policy;
//! [`send`] the outbox for SMS and AI calls; [`job`] the poller the app runs.

mod error;
pub mod http;
pub mod job;
pub mod send;
pub mod source;
pub mod status;
pub mod telnyx;
pub mod vapi;

use std::time::Duration;

use serde::{Deserialize, Serialize};

pub use error::ProviderError;

use crate::secrets::{provider_key_key, SecretStore};
use crate::store::{ProviderAccount, Store};

/// The providers Hearth speaks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Provider {
    Vapi,
    Telnyx,
}

impl Provider {
    pub const ALL: [Provider; 2] = [Provider::Vapi, Provider::Telnyx];

    pub fn as_str(self) -> &'static str {
        match self {
            Provider::Vapi => "vapi",
            Provider::Telnyx => "telnyx",
        }
    }

    pub fn parse(text: &str) -> Option<Provider> {
        match text.trim().to_ascii_lowercase().as_str() {
            "vapi" => Some(Provider::Vapi),
            "telnyx" => Some(Provider::Telnyx),
            _ => None,
        }
    }

    /// The real API's base URL.
    pub fn default_base_url(self) -> &'static str {
        match self {
            Provider::Vapi => "https://api.vapi.ai",
            Provider::Telnyx => "https://api.telnyx.com/v2",
        }
    }
}

/// A provider's non-secret settings (stored as JSON in `provider_accounts.settings`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ProviderSettings {
    /// VAPI: the saved assistant that places outbound calls.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assistant_id: Option<String>,
    /// VAPI: the phone-number resource calls go out from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone_number_id: Option<String>,
    /// Telnyx: our sending number (E.164).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from_number: Option<String>,
    /// Telnyx: the messaging profile, when sending needs one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub messaging_profile_id: Option<String>,
    /// Seconds between polls while the app runs.
    pub poll_secs: u64,
    /// How far back the first sync reaches.
    pub history_days: u32,
    /// Per-request timeout (VAPI's own SDK uses 60 s: call lists can be large).
    pub timeout_secs: u64,
}

impl Default for ProviderSettings {
    fn default() -> Self {
        ProviderSettings {
            assistant_id: None,
            phone_number_id: None,
            from_number: None,
            messaging_profile_id: None,
            poll_secs: 120,
            history_days: 365,
            timeout_secs: 60,
        }
    }
}

/// The settings stored with a provider (defaults for anything missing or unreadable).
pub fn settings_of(account: &ProviderAccount) -> ProviderSettings {
    serde_json::from_value(account.settings.clone()).unwrap_or_default()
}

/// A provider ready to talk to: its settings and key.
#[derive(Debug, Clone)]
pub struct Connection {
    pub provider: Provider,
    pub settings: ProviderSettings,
    pub api: http::Api,
}

/// Checks a base URL: https anywhere, plain http only to this machine (the stand-in).
pub fn check_base_url(provider: Provider, url: &str) -> Result<String, ProviderError> {
    let bad = |reason: String| ProviderError::InvalidSettings {
        provider: provider.as_str(),
        reason,
    };
    let parsed = reqwest::Url::parse(url.trim()).map_err(|e| bad(format!("{url:?}: {e}")))?;
    let host = parsed.host_str().unwrap_or("").to_owned();
    match parsed.scheme() {
        "https" => {}
        "http" if is_loopback(&host) => {}
        "http" => {
            return Err(bad(format!(
                "{url} is plain http to another machine; use https (plain http is only allowed to 127.0.0.1, ::1 or localhost)"
            )))
        }
        other => return Err(bad(format!("{url}: unsupported scheme {other}"))),
    }
    Ok(url.trim().trim_end_matches('/').to_owned())
}

fn is_loopback(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Saves a provider's settings, and its key in the keyring when one is given.
pub async fn configure(
    store: &Store,
    secrets: &dyn SecretStore,
    provider: Provider,
    base_url: Option<&str>,
    settings: ProviderSettings,
    key: Option<&str>,
) -> Result<ProviderAccount, ProviderError> {
    let base = check_base_url(provider, base_url.unwrap_or(provider.default_base_url()))?;
    let name = provider.as_str();
    // Checked (and normalized) before anything is stored.
    let mut settings = settings;
    if let Some(number) = settings.from_number.take() {
        settings.from_number = Some(crate::domain::normalize_phone(&number, store.region())?);
    }
    if settings.poll_secs < 10 {
        return Err(ProviderError::InvalidSettings {
            provider: name,
            reason: "poll every 10 seconds or more".into(),
        });
    }
    let key_name = provider_key_key(&store.business_uid().await?, name);
    match key.map(str::trim) {
        Some("") => {
            return Err(ProviderError::InvalidSettings {
                provider: name,
                reason: "the API key is empty".into(),
            })
        }
        Some(k) => secrets.set(&key_name, k).await?,
        None if secrets.get(&key_name).await?.is_none() => {
            return Err(ProviderError::NoKey { provider: name })
        }
        None => {}
    }
    let json = serde_json::to_value(&settings).unwrap_or_default();
    Ok(store.set_provider_account(name, &base, &json).await?)
}

/// Forgets a provider: settings, cursors and key (its records stay on the timeline).
pub async fn remove(
    store: &Store,
    secrets: &dyn SecretStore,
    provider: Provider,
) -> Result<(), ProviderError> {
    store.delete_provider_account(provider.as_str()).await?;
    let key_name = provider_key_key(&store.business_uid().await?, provider.as_str());
    secrets.delete(&key_name).await?;
    Ok(())
}

/// The settings and key of a configured provider, ready to use.
pub async fn connect(
    store: &Store,
    secrets: &dyn SecretStore,
    provider: Provider,
) -> Result<Connection, ProviderError> {
    let name = provider.as_str();
    let account = store
        .provider_account(name)
        .await?
        .ok_or(ProviderError::NotConfigured { provider: name })?;
    let settings = settings_of(&account);
    let key_name = provider_key_key(&store.business_uid().await?, name);
    let key = secrets
        .get(&key_name)
        .await?
        .ok_or(ProviderError::NoKey { provider: name })?;
    let api = http::Api::new(
        name,
        &account.base_url,
        &key,
        Duration::from_secs(settings.timeout_secs.max(1)),
    )?;
    Ok(Connection {
        provider,
        settings,
        api,
    })
}

/// A phone number as a provider sent it, in E.164: normalized when the numbering plan
/// knows it, else kept when it already looks like E.164 (providers send E.164).
pub fn e164(raw: &str, store: &Store) -> Option<String> {
    if let Ok(n) = crate::domain::normalize_phone(raw, store.region()) {
        return Some(n);
    }
    let digits = raw.strip_prefix('+')?;
    (digits.len() >= 7 && digits.len() <= 15 && digits.bytes().all(|b| b.is_ascii_digit()))
        .then(|| raw.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls_are_https_or_loopback() {
        assert!(check_base_url(Provider::Vapi, "https://api.vapi.ai/").is_ok());
        assert!(check_base_url(Provider::Vapi, "http://127.0.0.1:9/vapi").is_ok());
        assert!(check_base_url(Provider::Vapi, "http://localhost:9").is_ok());
        assert!(check_base_url(Provider::Vapi, "http://[::1]:9").is_ok());
        let err = check_base_url(Provider::Telnyx, "http://api.telnyx.com/v2").unwrap_err();
        assert!(err.to_string().contains("plain http"), "{err}");
        assert!(check_base_url(Provider::Telnyx, "ftp://x").is_err());
    }
}
