//! Serde mirrors of the Telnyx API (providers.md §2). Lists come as `{data, meta}`; money
//! is a decimal string; the voice detail-record schema is unconfirmed, so its fields are
//! read under every name seen (`cli`/`caller_number`, `cld`/`dest_number`, …) and may all
//! be missing.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A list page.
#[derive(Debug, Clone, Deserialize)]
pub struct Page {
    /// Raw items: one unreadable record does not hide the others.
    #[serde(default)]
    pub data: Vec<Box<serde_json::value::RawValue>>,
    #[serde(default)]
    pub meta: Option<Meta>,
}

#[derive(Debug, Clone, Copy, Default, Deserialize)]
pub struct Meta {
    #[serde(default)]
    pub page_number: Option<u32>,
    #[serde(default)]
    pub total_pages: Option<u32>,
    #[serde(default)]
    pub total_results: Option<u64>,
}

/// A messaging detail record (MDR). `uuid` is the message id; there is no body.
#[derive(Debug, Clone, Deserialize)]
pub struct MessageRecord {
    pub uuid: String,
    #[serde(default)]
    pub direction: Option<String>,
    #[serde(default)]
    pub cli: Option<String>,
    #[serde(default)]
    pub cld: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub message_type: Option<String>,
    #[serde(default)]
    pub parts: Option<Value>,
    #[serde(default)]
    pub created_at: Option<String>,
    #[serde(default)]
    pub sent_at: Option<String>,
    #[serde(default)]
    pub completed_at: Option<String>,
    #[serde(default)]
    pub updated_at: Option<String>,
    #[serde(default)]
    pub cost: Option<Value>,
    #[serde(default)]
    pub currency: Option<String>,
    #[serde(default)]
    pub carrier: Option<String>,
    #[serde(default)]
    pub country_code: Option<String>,
    #[serde(default)]
    pub profile_name: Option<String>,
    #[serde(default)]
    pub errors: Option<Value>,
}

/// A voice (call-control) detail record, every field unconfirmed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct CallRecord {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub call_control_id: Option<String>,
    #[serde(default)]
    pub telnyx_call_control_id: Option<String>,
    #[serde(default)]
    pub call_session_id: Option<String>,
    #[serde(default)]
    pub call_leg_id: Option<String>,
    #[serde(default)]
    pub session_id: Option<String>,
    #[serde(default)]
    pub sip_call_id: Option<String>,
    #[serde(default)]
    pub direction: Option<String>,
    #[serde(default)]
    pub cli: Option<String>,
    #[serde(default)]
    pub caller_number: Option<String>,
    #[serde(default)]
    pub from: Option<String>,
    #[serde(default)]
    pub cld: Option<String>,
    #[serde(default)]
    pub dest_number: Option<String>,
    #[serde(default)]
    pub to: Option<String>,
    #[serde(default)]
    pub started_at: Option<String>,
    #[serde(default)]
    pub start_time: Option<String>,
    #[serde(default)]
    pub finished_at: Option<String>,
    #[serde(default)]
    pub end_time: Option<String>,
    #[serde(default)]
    pub created_at: Option<String>,
    #[serde(default)]
    pub call_sec: Option<Value>,
    #[serde(default)]
    pub billed_sec: Option<Value>,
    #[serde(default)]
    pub cost: Option<Value>,
    #[serde(default)]
    pub currency: Option<String>,
    #[serde(default)]
    pub hangup_cause: Option<String>,
    #[serde(default)]
    pub hangup_source: Option<String>,
    #[serde(default)]
    pub connection_name: Option<String>,
}

/// One row of `GET /messaging_optouts`: `from` is our number, `to` the person.
#[derive(Debug, Clone, Deserialize)]
pub struct OptOutRow {
    #[serde(default)]
    pub from: Option<String>,
    pub to: String,
    #[serde(default)]
    pub keyword: Option<String>,
    #[serde(default)]
    pub created_at: Option<String>,
}

/// `GET /messages/{id}` and the `POST /messages` answer: `{data: message}`.
#[derive(Debug, Clone, Deserialize)]
pub struct MessageEnvelope {
    pub data: Message,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Message {
    pub id: String,
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub to: Option<Value>,
    #[serde(default)]
    pub cost: Option<Value>,
    #[serde(default)]
    pub parts: Option<Value>,
    #[serde(default)]
    pub received_at: Option<String>,
}

/// `POST /messages` body (`CreateMessageRequest`), the fields Hearth sets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CreateMessage {
    pub to: String,
    pub from: String,
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub messaging_profile_id: Option<String>,
}
