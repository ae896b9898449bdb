//! Campaigns (seed 001): who to reach (audience), what to say on which channel (steps),
//! when and how fast (schedule), and what happened to each person (recipients, results).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::{ContactStatus, Stage, Tier};

macro_rules! names {
    ($name:ident { $($variant:ident => $wire:literal),+ $(,)? }) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub const fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $wire),+
                }
            }

            pub fn parse(s: &str) -> Option<$name> {
                let s = s.trim().to_ascii_lowercase();
                Self::ALL.iter().copied().find(|v| v.as_str() == s)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

names!(CampaignKind {
    Winback => "winback",
    Followup => "followup",
    Promotional => "promotional",
    Feedback => "feedback",
});

names!(CampaignStatus {
    Draft => "draft",
    Scheduled => "scheduled",
    Active => "active",
    Paused => "paused",
    Completed => "completed",
    Cancelled => "cancelled",
});

// The channel of one step; a campaign with several steps is "multi".
names!(StepChannel {
    Email => "email",
    Sms => "sms",
    Call => "call",
});

names!(RecipientStatus {
    Pending => "pending",
    Queued => "queued",
    Sending => "sending",
    Sent => "sent",
    Delivered => "delivered",
    Answered => "answered",
    Replied => "replied",
    Failed => "failed",
    OptedOut => "opted_out",
    Skipped => "skipped",
    Unknown => "unknown",
});

impl CampaignKind {
    pub const fn label(self) -> &'static str {
        match self {
            CampaignKind::Winback => "Win-back",
            CampaignKind::Followup => "Follow-up",
            CampaignKind::Promotional => "Promotion",
            CampaignKind::Feedback => "Feedback",
        }
    }
}

/// Who a campaign reaches. Every criterion left empty matches everyone.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Audience {
    /// Days since the last interaction on any channel: at least / at most.
    pub days_since_contact_min: Option<u32>,
    pub days_since_contact_max: Option<u32>,
    pub statuses: Vec<ContactStatus>,
    pub tiers: Vec<Tier>,
    pub score_min: Option<u8>,
    pub score_max: Option<u8>,
    /// Historic lifetime value (sum of orders), minor units.
    pub ltv_min_minor: Option<i64>,
    pub ltv_max_minor: Option<i64>,
    /// Average sentiment of their own messages and calls (-1 ..= 1).
    pub sentiment_min: Option<f64>,
    pub sentiment_max: Option<f64>,
    pub stages: Vec<Stage>,
    pub has_email: Option<bool>,
    pub has_phone: Option<bool>,
    /// Any of these tags.
    pub tags: Vec<String>,
    /// Contacts added by hand (even when no rule matches) and removed by hand.
    pub include: Vec<i64>,
    pub exclude: Vec<i64>,
}

/// An email step's content; `{variables}` are filled per recipient.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct EmailContent {
    /// The mail account to send from (the first one when empty).
    pub account: String,
    pub subject: String,
    pub text: String,
    /// Optional simple HTML (sanitized; no scripts, no remote content).
    pub html: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SmsContent {
    pub text: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CallContent {
    /// The VAPI assistant (the one in Settings when empty).
    pub assistant_id: Option<String>,
    /// The VAPI phone number (id) to call from (the one in Settings when empty).
    pub phone_number_id: Option<String>,
    /// Values for the assistant's `{{placeholders}}`; each may use `{variables}`.
    pub variables: BTreeMap<String, String>,
}

/// One step of the sequence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    pub channel: StepChannel,
    /// Hours after the previous step went out (ignored for the first step); the step is
    /// taken only when the person has not replied by then.
    #[serde(default)]
    pub delay_hours: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<EmailContent>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sms: Option<SmsContent>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call: Option<CallContent>,
}

/// Sending hours in each recipient's local time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SendWindow {
    /// "09:00" and "18:00": start inclusive, end exclusive.
    pub start: String,
    pub end: String,
    /// ISO weekdays allowed, 1 = Monday .. 7 = Sunday.
    pub days: Vec<u8>,
}

impl Default for SendWindow {
    fn default() -> Self {
        SendWindow {
            start: "09:00".into(),
            end: "20:00".into(),
            days: vec![1, 2, 3, 4, 5, 6],
        }
    }
}

/// Pace for one channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Pace {
    /// Token bucket: this many per minute on average, bursts up to `burst`.
    pub per_minute: u32,
    pub burst: u32,
    /// At most this many per local day (business time zone); 0 = no cap.
    pub daily_cap: u32,
}

impl Default for Pace {
    fn default() -> Self {
        Pace {
            per_minute: 60,
            burst: 10,
            daily_cap: 0,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Schedule {
    /// When to start; now when empty.
    pub start_at: Option<i64>,
    /// None: any time of day.
    pub window: Option<SendWindow>,
    pub email: Pace,
    pub sms: Pace,
    pub call: Pace,
    /// Calls in progress at once (VAPI allows 10 by default).
    pub call_concurrency: u32,
    /// Replies, calls and orders this many days after contact count for the campaign.
    pub attribution_days: u32,
}

impl Default for Schedule {
    fn default() -> Self {
        Schedule {
            start_at: None,
            window: Some(SendWindow::default()),
            email: Pace::default(),
            sms: Pace {
                per_minute: 30,
                burst: 5,
                daily_cap: 0,
            },
            call: Pace {
                per_minute: 5,
                burst: 2,
                daily_cap: 200,
            },
            call_concurrency: 10,
            attribution_days: 14,
        }
    }
}

/// Everything the wizard collects.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CampaignSpec {
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub kind: CampaignKind,
    #[serde(default)]
    pub audience: Audience,
    pub steps: Vec<Step>,
    #[serde(default)]
    pub schedule: Schedule,
    /// `{promotion}`, `{agent_name}`, `{business_name}` and any other fixed value.
    #[serde(default)]
    pub variables: BTreeMap<String, String>,
}

impl CampaignSpec {
    /// "email", "sms", "call" or "multi".
    pub fn channel(&self) -> &'static str {
        match self.steps.as_slice() {
            [one] => one.channel.as_str(),
            _ => "multi",
        }
    }
}

/// An excluded person and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exclusion {
    pub contact_id: i64,
    pub name: String,
    pub reason: String,
}

/// A person the audience selects.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AudienceMember {
    pub contact_id: i64,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
}

/// The live count while the audience is being built.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AudiencePreview {
    pub count: u64,
    pub sample: Vec<AudienceMember>,
    pub excluded_count: u64,
    /// The first excluded people with their reasons.
    pub excluded: Vec<Exclusion>,
    /// Excluded people per reason.
    pub excluded_by_reason: BTreeMap<String, u64>,
}

/// A recipient missing a variable a template uses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MissingVariable {
    pub contact_id: i64,
    pub name: String,
    pub variables: Vec<String>,
}

/// One step rendered for one person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepPreview {
    pub channel: StepChannel,
    pub to: Option<String>,
    pub subject: Option<String>,
    pub text: String,
    pub html: Option<String>,
    /// SMS only: "GSM-7" or "UCS-2", characters and parts.
    pub encoding: Option<String>,
    pub chars: Option<u32>,
    pub segments: Option<u32>,
    pub missing: Vec<String>,
}

/// The Review step: what will happen on launch.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CampaignReview {
    pub audience: AudiencePreview,
    pub previews: Vec<StepPreview>,
    pub missing: Vec<MissingVariable>,
    pub max_sms_segments: u32,
    /// Provider costs at list price, micro-dollars (SMS per part, calls per minute).
    pub cost_estimate_micros: i64,
    pub cost_note: String,
    pub warnings: Vec<String>,
    /// Problems that stop a launch.
    pub errors: Vec<String>,
}

/// A campaign in the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampaignSummary {
    pub id: i64,
    pub name: String,
    pub kind: CampaignKind,
    pub channel: String,
    pub status: CampaignStatus,
    pub recipients: u64,
    pub contacted: u64,
    pub replied: u64,
    pub created_at: i64,
    pub launched_at: Option<i64>,
    pub completed_at: Option<i64>,
}

/// One person's outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecipientRow {
    pub contact_id: i64,
    pub name: String,
    pub status: RecipientStatus,
    /// The step being worked on or last taken (0-based).
    pub step: u32,
    pub channel: Option<StepChannel>,
    pub address: Option<String>,
    pub attempts: u32,
    pub provider_id: Option<String>,
    pub error: Option<String>,
    pub last_sent_at: Option<i64>,
    pub replied_at: Option<i64>,
    pub revenue_minor: i64,
}

/// Counts and outcomes of a campaign.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CampaignResults {
    pub recipients: u64,
    pub by_status: BTreeMap<String, u64>,
    /// Sends per step and channel that went out.
    pub sent_by_step: Vec<(u32, String, u64)>,
    pub contacted: u64,
    pub replied: u64,
    pub inbound_calls: u64,
    pub conversions: u64,
    pub revenue_minor: i64,
    pub currency: String,
    pub cost_micros: i64,
}

/// A campaign with its spec, progress and results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CampaignDetail {
    pub summary: CampaignSummary,
    pub spec: CampaignSpec,
    pub results: CampaignResults,
    /// What the engine is waiting for ("outside the send window until 09:00", ...).
    pub waiting: Option<String>,
    pub last_error: Option<String>,
}

/// How a text travels: GSM 03.38 7-bit when every character is in its tables, else UCS-2.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmsEncoding {
    Gsm7,
    Ucs2,
}

impl SmsEncoding {
    pub const fn label(self) -> &'static str {
        match self {
            SmsEncoding::Gsm7 => "GSM-7",
            SmsEncoding::Ucs2 => "UCS-2",
        }
    }
}

const GSM_BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
const GSM_EXTENDED: &str = "^{}\\[~]|€\u{c}";

/// Encoding, length in that encoding's units (septets or UTF-16 units) and parts: 160/153
/// septets or 70/67 units per part.
pub fn sms_parts(text: &str) -> (SmsEncoding, u32, u32) {
    let mut septets = 0u32;
    let mut gsm = true;
    for c in text.chars() {
        if GSM_BASIC.contains(c) {
            septets += 1;
        } else if GSM_EXTENDED.contains(c) {
            septets += 2;
        } else {
            gsm = false;
            break;
        }
    }
    let (encoding, units, single, multi) = if gsm {
        (SmsEncoding::Gsm7, septets, 160, 153)
    } else {
        let units = text.encode_utf16().count() as u32;
        (SmsEncoding::Ucs2, units, 70, 67)
    };
    let parts = if units == 0 {
        0
    } else if units <= single {
        1
    } else {
        units.div_ceil(multi)
    };
    (encoding, units, parts)
}

/// The line a marketing text ends with unless it already tells how to stop.
pub const SMS_OPT_OUT: &str = "Reply STOP to opt out.";

/// The text with the opt-out line added when it does not mention STOP.
pub fn with_sms_opt_out(text: &str) -> String {
    let text = text.trim_end();
    if text.to_ascii_lowercase().contains("stop") {
        text.to_owned()
    } else {
        format!("{text}\n{SMS_OPT_OUT}")
    }
}
