//! DTOs of the foundation: businesses, contacts in brief, and the unified timeline.

use serde::{Deserialize, Serialize};

use crate::{Channel, ContactStatus, Direction, IdentityKind};

/// One business: one SQLite file, listed in the registry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Business {
    pub id: String,
    pub name: String,
    /// Absolute path of the business's SQLite file.
    pub path: String,
    pub created_at: i64,
    /// Whether this is the business the app and CLI open by default.
    pub current: bool,
}

/// What the app needs to decide its first screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppStatus {
    pub businesses: Vec<Business>,
    /// The open business, if any; `None` on first start.
    pub current: Option<Business>,
}

/// A normalized contact identity (lower-cased email, E.164 phone, or handle).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identity {
    pub kind: IdentityKind,
    pub value: String,
}

/// A contact as lists and the timeline show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactSummary {
    pub id: i64,
    pub name: String,
    pub company: Option<String>,
    pub status: ContactStatus,
    pub identities: Vec<Identity>,
    pub created_at: i64,
    pub updated_at: i64,
    /// The newest message either way, UTC ms.
    #[serde(default)]
    pub last_contact_at: Option<i64>,
    /// Historic lifetime value: completed orders, minor units, all currencies added as
    /// recorded (per-currency figures are on the profile).
    #[serde(default)]
    pub lifetime_value_minor: i64,
    /// Lead score and tier from the last analysis.
    #[serde(default)]
    pub score: Option<i64>,
    #[serde(default)]
    pub tier: Option<crate::Tier>,
    /// Why they need the owner now, if they do.
    #[serde(default)]
    pub attention: Option<String>,
}

/// Keyset position in a newest-first timeline: the sort key of the last item of the
/// previous page. Opaque to clients: pass back what the store returned. In JSON the key is
/// a string, because sort keys exceed the integers JavaScript numbers hold exactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineCursor {
    #[serde(with = "i64_as_string")]
    pub key: i64,
}

mod i64_as_string {
    use serde::{de, Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(value: &i64, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(value)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<i64, D::Error> {
        String::deserialize(deserializer)?
            .parse()
            .map_err(de::Error::custom)
    }
}

/// A timeline query. Empty `channels` means every channel.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineRequest {
    pub contact_id: Option<i64>,
    #[serde(default)]
    pub channels: Vec<Channel>,
    /// Inclusive lower bound, UTC ms.
    pub since: Option<i64>,
    /// Exclusive upper bound, UTC ms.
    pub until: Option<i64>,
    /// Free text as the user typed it; the core turns it into a safe full-text query.
    pub search: Option<String>,
    pub after: Option<TimelineCursor>,
    /// Page size; the core caps it.
    pub limit: Option<u32>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursor_keys_travel_as_strings_without_losing_digits() {
        let cursor = TimelineCursor {
            key: 1_882_424_937_051_468_517,
        };
        let json = serde_json::to_string(&cursor).unwrap();
        assert_eq!(json, r#"{"key":"1882424937051468517"}"#);
        assert_eq!(
            serde_json::from_str::<TimelineCursor>(&json).unwrap(),
            cursor
        );
        assert!(serde_json::from_str::<TimelineCursor>(r#"{"key":"x"}"#).is_err());
    }
}

/// One interaction on the timeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimelineItem {
    pub id: i64,
    pub contact_id: Option<i64>,
    pub contact_name: Option<String>,
    pub channel: Channel,
    pub direction: Direction,
    pub occurred_at: i64,
    pub subject: Option<String>,
    pub body: Option<String>,
    /// Whether the message has an HTML part (fetch it sanitized with `message_html`).
    #[serde(default)]
    pub has_html: bool,
    pub summary: Option<String>,
    /// VADER compound score in [-1, 1], once scored.
    pub sentiment: Option<f64>,
    pub thread_key: Option<String>,
    pub duration_ms: Option<i64>,
    pub cost_micros: Option<i64>,
    pub source: String,
    pub metadata: serde_json::Value,
}

impl TimelineItem {
    /// The one line that stands for this item in a list: its subject, else its summary
    /// (for calls the summary first), else its body, else why there is no text.
    pub fn headline(&self) -> &str {
        // A call's summary says more than its end reason.
        let first = if matches!(self.channel, crate::Channel::VoiceAi | crate::Channel::Call) {
            self.summary.as_deref().or(self.subject.as_deref())
        } else {
            self.subject.as_deref().or(self.summary.as_deref())
        };
        first.or(self.body.as_deref()).unwrap_or_else(|| {
            match self.metadata.get("body_state").and_then(|s| s.as_str()) {
                Some("unavailable") => "(text not available: Telnyx keeps texts for 10 days)",
                Some("redacted") => "(text redacted by the messaging profile)",
                _ => "",
            }
        })
    }
}

/// A page of the timeline, newest first, and where the next one starts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimelinePage {
    pub items: Vec<TimelineItem>,
    /// `None` when this is the last page.
    pub next: Option<TimelineCursor>,
}

/// The first-start choice: an empty business or the demo.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateBusiness {
    pub name: String,
    /// Fill it with the demo business's data.
    pub demo: bool,
}

/// A message's HTML, sanitized by the core, and the policy its frame must carry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageHtml {
    pub html: String,
    /// Remote images held back (0 once the user allowed them).
    pub blocked_images: u32,
    /// The Content-Security-Policy for the frame that shows it.
    pub policy: String,
}
