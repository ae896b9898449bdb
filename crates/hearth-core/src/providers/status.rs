//! Providers as the UI shows them: settings without keys, and one sync-status row each.

use hearth_types::{ProviderInput, ProviderView, SourceStatus};

use super::{Provider, ProviderError, ProviderSettings};
use crate::store::{ProviderAccount, Store};

/// A stored provider as the settings view shows it.
pub fn provider_view(account: &ProviderAccount) -> ProviderView {
    let s = super::settings_of(account);
    ProviderView {
        provider: account.provider.clone(),
        base_url: account.base_url.clone(),
        assistant_id: s.assistant_id,
        phone_number_id: s.phone_number_id,
        from_number: s.from_number,
        messaging_profile_id: s.messaging_profile_id,
        poll_secs: s.poll_secs,
        last_sync_at: account.last_sync_at,
        last_error: account.last_error.clone(),
        retry_at: account.retry_at,
    }
}

/// The form's input as a provider and settings, keeping stored values the form left empty.
pub async fn settings_from_input(
    store: &Store,
    input: &ProviderInput,
) -> Result<(Provider, ProviderSettings), ProviderError> {
    let provider = Provider::parse(&input.provider).ok_or(ProviderError::InvalidSettings {
        provider: "provider",
        reason: format!("unknown provider {:?}", input.provider),
    })?;
    let mut s = match store.provider_account(provider.as_str()).await? {
        Some(a) => super::settings_of(&a),
        None => ProviderSettings::default(),
    };
    let set = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    s.assistant_id = set(&input.assistant_id).or(s.assistant_id);
    s.phone_number_id = set(&input.phone_number_id).or(s.phone_number_id);
    s.from_number = set(&input.from_number).or(s.from_number);
    s.messaging_profile_id = set(&input.messaging_profile_id).or(s.messaging_profile_id);
    s.poll_secs = input.poll_secs.unwrap_or(s.poll_secs);
    Ok((provider, s))
}

/// One status row per configured provider for the sync panel.
pub async fn source_rows(
    store: &Store,
    running: bool,
    paused: bool,
    syncing: &[String],
) -> Result<Vec<SourceStatus>, ProviderError> {
    let mut rows = Vec::new();
    for a in store.provider_accounts().await? {
        let (name, feeds) = match a.provider.as_str() {
            "vapi" => ("VAPI", "AI calls"),
            _ => ("Telnyx", "texts, call records, opt-outs"),
        };
        let state = if paused && a.last_error.is_none() {
            "paused"
        } else if running && syncing.contains(&a.provider) {
            "syncing"
        } else if a.last_error.is_some() {
            "error"
        } else {
            "idle"
        };
        rows.push(SourceStatus {
            source: a.provider.clone(),
            account: name.into(),
            folder: feeds.into(),
            state: state.into(),
            stored: store.count_source(&a.provider).await?,
            server_total: None,
            done: None,
            total: None,
            last_error: a.last_error.clone(),
            retry_at: a.retry_at,
            last_synced_at: a.last_sync_at,
        });
    }
    Ok(rows)
}
