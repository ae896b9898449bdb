//! DTOs of a contact's profile: who they are, what they bought, how they talk to us.

use serde::{Deserialize, Serialize};

use crate::{Channel, ContactStatus, ContactSummary, Identity};

/// A deal with a contact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deal {
    pub id: i64,
    pub title: String,
    pub value_minor: i64,
    pub currency: String,
    pub stage: String,
    pub probability: i64,
    pub expected_close: Option<i64>,
}

/// An open follow-up task.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Task {
    pub id: i64,
    pub title: String,
    pub due_at: Option<i64>,
    pub priority: String,
}

/// What a contact has bought, per currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderStats {
    pub currency: String,
    pub count: i64,
    /// Historic lifetime value: the sum of completed orders, in minor units.
    pub total_minor: i64,
    pub average_minor: i64,
    pub first_at: i64,
    pub last_at: i64,
}

/// Interactions on one channel, by direction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelCount {
    pub channel: Channel,
    pub inbound: i64,
    pub outbound: i64,
    pub internal: i64,
}

/// Everything the profile panel shows; each part is empty when there is no data for it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContactProfile {
    pub contact: ContactSummary,
    pub notes: String,
    pub deals: Vec<Deal>,
    pub open_tasks: Vec<Task>,
    pub orders: Vec<OrderStats>,
    pub channels: Vec<ChannelCount>,
    pub first_contact_at: Option<i64>,
    pub last_contact_at: Option<i64>,
    /// How the customer's own words have felt, recent ones weighing most; `None` until
    /// something they wrote or said has been scored.
    #[serde(default)]
    pub sentiment: Option<ContactSentiment>,
    /// Lead score, journey, next action, engagement and lifetime value; `None` until the
    /// business's first analysis has run.
    #[serde(default)]
    pub intel: Option<crate::ContactIntel>,
}

/// A contact's sentiment: a recency-weighted VADER score and its trend.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContactSentiment {
    /// In [-1, 1]; each interaction weighs half as much per 30 days of age.
    pub score: f64,
    /// "positive" (≥ 0.05), "negative" (≤ −0.05) or "neutral".
    pub label: String,
    /// "improving", "declining", "stable", or "too few" (under four scored interactions).
    pub trend: String,
    /// Mean of the newest third of the scored interactions, and of the rest.
    pub recent: Option<f64>,
    pub earlier: Option<f64>,
    /// Interactions scored.
    pub scored: i64,
}

/// The orders a contacts list can come in (seed 004's views).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContactSort {
    /// By name.
    #[default]
    Name,
    /// Newest conversation first.
    Recent,
    /// Highest historic lifetime value first.
    TopLtv,
    /// Highest lead score first.
    TopScore,
    /// Who needs the owner now: hot leads waiting, customers slipping away, souring
    /// sentiment.
    NeedsAttention,
}

impl ContactSort {
    pub const fn as_str(self) -> &'static str {
        match self {
            ContactSort::Name => "name",
            ContactSort::Recent => "recent",
            ContactSort::TopLtv => "top_ltv",
            ContactSort::TopScore => "top_score",
            ContactSort::NeedsAttention => "needs_attention",
        }
    }
}

/// A contacts list request.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactsRequest {
    pub search: Option<String>,
    #[serde(default)]
    pub sort: ContactSort,
    pub limit: Option<u32>,
}

/// A contact to create, as the desktop form sends it: emails and phones as typed (the core
/// normalizes them; a phone in national format takes the business's default region).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactInput {
    pub name: String,
    pub company: Option<String>,
    pub status: Option<ContactStatus>,
    pub notes: Option<String>,
    #[serde(default)]
    pub emails: Vec<String>,
    #[serde(default)]
    pub phones: Vec<String>,
}

/// Changes to a contact from the edit form; `None` keeps a field, `Some("")` clears the
/// company. Added emails and phones are as typed; removed identities are as shown
/// (normalized). Everything applies, or nothing does.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactEdit {
    pub id: i64,
    pub name: Option<String>,
    pub company: Option<String>,
    pub status: Option<ContactStatus>,
    pub notes: Option<String>,
    #[serde(default)]
    pub add_emails: Vec<String>,
    #[serde(default)]
    pub add_phones: Vec<String>,
    #[serde(default)]
    pub remove: Vec<Identity>,
}

/// Two contacts that are probably one person, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DuplicatePair {
    pub a: ContactSummary,
    pub b: ContactSummary,
    /// 0–1, higher is surer.
    pub score: f64,
    pub reasons: Vec<String>,
}

/// What a merge moved to the kept contact; `merge_id` undoes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MergeResult {
    pub merge_id: i64,
    pub kept: ContactSummary,
    pub merged_id: i64,
    pub identities: i64,
    pub interactions: i64,
    pub orders: i64,
    pub deals: i64,
    pub tasks: i64,
}
