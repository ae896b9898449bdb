//! Provider errors: each names the provider and keeps its own words (VAPI's `message`,
//! Telnyx's `errors[0]`), or the first bytes of a body that was not what the contract
//! promised, so the sync status can show the owner something true.

use thiserror::Error;

use crate::domain::DomainError;
use crate::secrets::SecretError;
use crate::store::StoreError;

#[derive(Debug, Error)]
pub enum ProviderError {
    #[error(
        "{provider} is not set up; add it in Settings or with `hearth provider set {provider}`"
    )]
    NotConfigured { provider: &'static str },
    #[error("no API key for {provider} in the OS keyring; set it again in Settings")]
    NoKey { provider: &'static str },
    #[error("invalid {provider} settings: {reason}")]
    InvalidSettings {
        provider: &'static str,
        reason: String,
    },
    #[error("{provider} refused the API key (HTTP {status}): {message}")]
    Unauthorized {
        provider: &'static str,
        status: u16,
        message: String,
    },
    #[error("{provider} refused the request (HTTP {status}{}): {message}", code.as_ref().map(|c| format!(", code {c}")).unwrap_or_default())]
    Refused {
        provider: &'static str,
        status: u16,
        code: Option<String>,
        message: String,
    },
    #[error("{provider} is unavailable (HTTP {status} after {attempts} attempts): {message}")]
    Unavailable {
        provider: &'static str,
        status: u16,
        attempts: u32,
        message: String,
    },
    #[error("cannot reach {provider} after {attempts} attempts: {detail}")]
    Network {
        provider: &'static str,
        attempts: u32,
        detail: String,
    },
    #[error(
        "{provider} sent an unreadable answer to {what}: {detail}; it began with {body_start:?}"
    )]
    BadResponse {
        provider: &'static str,
        what: String,
        detail: String,
        body_start: String,
    },
    #[error("{provider} has more than {limit} calls updated within one millisecond near {at}; the list API cannot return them all")]
    TooDense {
        provider: &'static str,
        limit: usize,
        at: String,
    },
    #[error("{address} opted out of {channel} ({how}); Hearth will not contact them there")]
    OptedOut {
        channel: String,
        address: String,
        how: String,
    },
    #[error(transparent)]
    Invalid(#[from] DomainError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Secret(#[from] SecretError),
}

impl ProviderError {
    /// Whether waiting and trying again can help (the job backs off; the CLI says so).
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            ProviderError::Unavailable { .. }
                | ProviderError::Network { .. }
                | ProviderError::BadResponse { .. }
        ) || matches!(self, ProviderError::Store(e) if e.is_locked())
    }

    /// Whether this error came from the provider or the way to it (CLI exit code 5).
    pub fn is_remote(&self) -> bool {
        matches!(
            self,
            ProviderError::Unauthorized { .. }
                | ProviderError::Refused { .. }
                | ProviderError::Unavailable { .. }
                | ProviderError::Network { .. }
                | ProviderError::BadResponse { .. }
                | ProviderError::TooDense { .. }
                | ProviderError::Secret(_)
        )
    }
}
