//! Serde mirrors of the VAPI API (providers.md §1). Only `id`, `createdAt` and `updatedAt`
//! are required by VAPI's schema; everything else is optional here, open enums are
//! strings, unknown fields are ignored, and loosely typed parts (`successEvaluation`,
//! structured data, message items) stay JSON values.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A `Call` (`GET /call`, `GET /call/{id}`, `POST /call` 201).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Call {
    pub id: String,
    pub created_at: String,
    pub updated_at: String,
    #[serde(default, rename = "type")]
    pub call_type: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub started_at: Option<String>,
    #[serde(default)]
    pub ended_at: Option<String>,
    #[serde(default)]
    pub ended_reason: Option<String>,
    #[serde(default)]
    pub ended_message: Option<String>,
    #[serde(default)]
    pub customer: Option<Customer>,
    #[serde(default)]
    pub phone_number_id: Option<String>,
    #[serde(default)]
    pub assistant_id: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    /// USD, a JSON number.
    #[serde(default)]
    pub cost: Option<f64>,
    #[serde(default)]
    pub assistant_overrides: Option<Value>,
    #[serde(default)]
    pub artifact: Option<Artifact>,
    #[serde(default)]
    pub analysis: Option<Analysis>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Customer {
    #[serde(default)]
    pub number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Artifact {
    #[serde(default)]
    pub transcript: Option<String>,
    /// `UserMessage`, `BotMessage`, `SystemMessage`, tool messages: read by `role`.
    #[serde(default)]
    pub messages: Option<Vec<Value>>,
    #[serde(default)]
    pub recording: Option<Recording>,
    /// Deprecated; read only when `recording` has nothing.
    #[serde(default)]
    pub recording_url: Option<String>,
    #[serde(default)]
    pub stereo_recording_url: Option<String>,
    #[serde(default)]
    pub structured_outputs: Option<Value>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Recording {
    #[serde(default)]
    pub mono: Option<MonoRecording>,
    #[serde(default)]
    pub stereo_url: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MonoRecording {
    #[serde(default)]
    pub combined_url: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Analysis {
    #[serde(default)]
    pub summary: Option<String>,
    /// A string whose format the rubric sets ("true", "8", "Pass"): never parsed.
    #[serde(default)]
    pub success_evaluation: Option<Value>,
    #[serde(default)]
    pub structured_data: Option<Value>,
    #[serde(default)]
    pub structured_data_multi: Option<Value>,
}

/// `GET /phone-number/{id}`.
#[derive(Debug, Clone, Deserialize)]
pub struct PhoneNumber {
    #[serde(default)]
    pub number: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
}

/// `POST /call` body (`CreateCallDTO`), the fields Hearth sets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateCall {
    pub assistant_id: String,
    pub phone_number_id: String,
    pub customer: Customer,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assistant_overrides: Option<Value>,
    /// Our outbox reference, so the polled call links back.
    pub name: String,
}
