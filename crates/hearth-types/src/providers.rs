//! VAPI and Telnyx as the UI sees them: settings (the key goes to the OS keyring and is
//! never echoed back), and the texts and AI calls started from the app.

use serde::{Deserialize, Serialize};

/// A provider's settings as the form sends them. `key` is only sent to set or replace it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderInput {
    /// "vapi" or "telnyx".
    pub provider: String,
    /// Empty for the real API.
    pub base_url: Option<String>,
    pub key: Option<String>,
    pub assistant_id: Option<String>,
    pub phone_number_id: Option<String>,
    pub from_number: Option<String>,
    pub messaging_profile_id: Option<String>,
    pub poll_secs: Option<u64>,
}

/// A configured provider, without its key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderView {
    pub provider: String,
    pub base_url: String,
    pub assistant_id: Option<String>,
    pub phone_number_id: Option<String>,
    pub from_number: Option<String>,
    pub messaging_profile_id: Option<String>,
    pub poll_secs: u64,
    pub last_sync_at: Option<i64>,
    pub last_error: Option<String>,
    pub retry_at: Option<i64>,
}

/// A text to send to a contact's number (or any number).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SendText {
    pub to: String,
    pub text: String,
}

/// An AI call to place; `variables` fill the assistant's `{{placeholders}}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StartCall {
    pub to: String,
    pub name: Option<String>,
    pub variables: Vec<(String, String)>,
}
