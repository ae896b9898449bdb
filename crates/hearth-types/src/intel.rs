//! What Hearth concludes about a contact: lead score with its factors, tier, journey stage,
//! next best action, engagement, lifetime value and P(alive), and whether they need the
//! owner's attention. The core recomputes it as interactions and orders arrive.

use serde::{Deserialize, Serialize};

use crate::{Channel, ContactSentiment};

/// One part of a lead score: what was seen and what it is worth.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeadFactor {
    /// Stable key, as in the weights ("budget", "urgency", ...).
    pub key: String,
    /// Points added (negative: taken away).
    pub points: i64,
    /// Why, in words: "asked about pricing 3 times".
    pub reason: String,
}

/// Lead tiers: hot ≥ 80, warm 60–79, cold below.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    Cold,
    Warm,
    Hot,
}

impl Tier {
    pub const fn of(score: i64) -> Tier {
        if score >= 80 {
            Tier::Hot
        } else if score >= 60 {
            Tier::Warm
        } else {
            Tier::Cold
        }
    }

    pub const fn as_str(self) -> &'static str {
        match self {
            Tier::Hot => "hot",
            Tier::Warm => "warm",
            Tier::Cold => "cold",
        }
    }

    pub fn parse(s: &str) -> Option<Tier> {
        match s {
            "hot" => Some(Tier::Hot),
            "warm" => Some(Tier::Warm),
            "cold" => Some(Tier::Cold),
            _ => None,
        }
    }
}

/// Where a contact is in their journey (seed 000).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    Discovery,
    Consideration,
    PurchaseIntent,
    ActiveCustomer,
    SupportRequest,
    RetentionRisk,
}

impl Stage {
    pub const ALL: [Stage; 6] = [
        Stage::Discovery,
        Stage::Consideration,
        Stage::PurchaseIntent,
        Stage::ActiveCustomer,
        Stage::SupportRequest,
        Stage::RetentionRisk,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Stage::Discovery => "discovery",
            Stage::Consideration => "consideration",
            Stage::PurchaseIntent => "purchase_intent",
            Stage::ActiveCustomer => "active_customer",
            Stage::SupportRequest => "support_request",
            Stage::RetentionRisk => "retention_risk",
        }
    }

    /// For people: "purchase intent".
    pub const fn label(self) -> &'static str {
        match self {
            Stage::Discovery => "discovery",
            Stage::Consideration => "consideration",
            Stage::PurchaseIntent => "purchase intent",
            Stage::ActiveCustomer => "active customer",
            Stage::SupportRequest => "support request",
            Stage::RetentionRisk => "retention risk",
        }
    }

    pub fn parse(s: &str) -> Option<Stage> {
        Stage::ALL.into_iter().find(|st| st.as_str() == s)
    }
}

/// How a contact engages (seed 000/003 engagement metrics).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Engagement {
    /// Inbound messages and calls that a later outbound one answered, of all inbound
    /// ones (consecutive inbound ones count once); `None` with nothing inbound.
    pub response_rate: Option<f64>,
    /// Median time from their message to our answer, ms.
    pub our_response_ms: Option<i64>,
    /// Median time from our message to their answer, ms.
    pub their_response_ms: Option<i64>,
    /// The channel they use most to reach us.
    pub preferred_channel: Option<Channel>,
    /// Hours of day (0–23, in the contact's time zone, else the business's) when they
    /// reach us most, busiest first (up to three).
    pub best_hours: Vec<u8>,
    /// The time zone `best_hours` are in.
    pub time_zone: String,
    /// Share of the profile that is filled in, 0–100, and what is missing.
    pub completeness: u8,
    pub missing: Vec<String>,
    /// Longest call, ms.
    pub longest_call_ms: Option<i64>,
}

/// Lifetime value and survival, from the business's fitted BG/NBD + Gamma-Gamma models.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LtvFigures {
    pub currency: String,
    /// Completed orders in this currency, and their sum and mean, minor units.
    pub orders: i64,
    pub historic_minor: i64,
    pub average_minor: i64,
    /// Probability the customer is still "alive" (will buy again).
    pub p_alive: f64,
    pub expected_purchases_52w: f64,
    /// Discounted 12-month value, minor units; `None` when no one bought twice (the spend
    /// model cannot be fitted).
    pub clv_12m_minor: Option<i64>,
}

/// Everything concluded about one contact.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContactIntel {
    pub score: i64,
    pub tier: Tier,
    pub factors: Vec<LeadFactor>,
    pub stage: Stage,
    pub stage_reason: String,
    /// "Respond now", "Address concerns", "Win back", ...
    pub next_action: String,
    /// "replied 2 h ago", "negative trend", "P(alive) 0.18", ...
    pub next_reason: String,
    pub engagement: Engagement,
    pub ltv: Option<LtvFigures>,
    /// Why the contact needs the owner now; `None` when they don't.
    pub needs_attention: Option<String>,
    /// When they last became hot (UTC ms); `None` while not hot.
    pub hot_since: Option<i64>,
    pub computed_at: i64,
}

/// A hot lead, for the tray and notifications.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HotLead {
    pub contact_id: i64,
    pub name: String,
    pub score: i64,
    /// The biggest factors, in words.
    pub reason: String,
}

/// Seed 002's customer context: everything an agent needs before answering a caller.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomerContext {
    pub contact_id: i64,
    pub name: String,
    pub company: Option<String>,
    pub status: String,
    pub emails: Vec<String>,
    pub phones: Vec<String>,
    pub score: Option<i64>,
    pub tier: Option<Tier>,
    pub stage: Option<Stage>,
    pub next_action: Option<String>,
    pub open_deals: Vec<crate::Deal>,
    pub pending_tasks: Vec<crate::Task>,
    pub notes: String,
    pub sentiment: Option<ContactSentiment>,
    /// Newest interaction: (UTC ms, channel, direction, what it was about).
    pub last_contact: Option<ContextTouch>,
    /// The next open task's due time, UTC ms.
    pub next_contact_at: Option<i64>,
    /// One line for a person or an AI agent's prompt.
    pub summary: String,
}

/// An interaction in a context card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContextTouch {
    pub at: i64,
    pub channel: Channel,
    pub direction: crate::Direction,
    pub about: String,
}

/// Points per lead-score factor; the business can change them in settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct LeadWeights {
    /// Where every contact starts.
    pub base: i64,
    pub contact_details: i64,
    pub company_known: i64,
    pub budget: i64,
    pub timeline: i64,
    pub urgency: i64,
    pub decision_maker: i64,
    pub competitor: i64,
    pub messages_5plus: i64,
    pub fast_replies: i64,
    pub long_call: i64,
    pub pricing_questions: i64,
    pub technical_questions: i64,
    pub positive_sentiment: i64,
    /// Taken away (give a positive number).
    pub negative_sentiment: i64,
    /// Taken away when they have not written or called for 60 days.
    pub gone_quiet: i64,
}

impl Default for LeadWeights {
    fn default() -> Self {
        // Seed 000's business-fit points (budget 20, timeline 15, decision maker 25,
        // competitor 10) and seed 003's chat rules (contact details 20, address 15,
        // urgency 10, 5+ messages 10, 2+ minutes 5).
        LeadWeights {
            base: 0,
            contact_details: 20,
            company_known: 15,
            budget: 20,
            timeline: 15,
            urgency: 10,
            decision_maker: 25,
            competitor: 10,
            messages_5plus: 10,
            fast_replies: 10,
            long_call: 5,
            pricing_questions: 10,
            technical_questions: 5,
            positive_sentiment: 10,
            negative_sentiment: 15,
            gone_quiet: 30,
        }
    }
}

impl LeadWeights {
    /// (key, value) pairs in display order.
    pub fn entries(&self) -> [(&'static str, i64); 16] {
        [
            ("base", self.base),
            ("contact_details", self.contact_details),
            ("company_known", self.company_known),
            ("budget", self.budget),
            ("timeline", self.timeline),
            ("urgency", self.urgency),
            ("decision_maker", self.decision_maker),
            ("competitor", self.competitor),
            ("messages_5plus", self.messages_5plus),
            ("fast_replies", self.fast_replies),
            ("long_call", self.long_call),
            ("pricing_questions", self.pricing_questions),
            ("technical_questions", self.technical_questions),
            ("positive_sentiment", self.positive_sentiment),
            ("negative_sentiment", self.negative_sentiment),
            ("gone_quiet", self.gone_quiet),
        ]
    }

    /// Sets one weight by key; an error names the known keys.
    pub fn set(&mut self, key: &str, points: i64) -> Result<(), String> {
        if !(-100..=100).contains(&points) {
            return Err(format!(
                "{key}: points must be between -100 and 100, not {points}"
            ));
        }
        let slot = match key {
            "base" => &mut self.base,
            "contact_details" => &mut self.contact_details,
            "company_known" => &mut self.company_known,
            "budget" => &mut self.budget,
            "timeline" => &mut self.timeline,
            "urgency" => &mut self.urgency,
            "decision_maker" => &mut self.decision_maker,
            "competitor" => &mut self.competitor,
            "messages_5plus" => &mut self.messages_5plus,
            "fast_replies" => &mut self.fast_replies,
            "long_call" => &mut self.long_call,
            "pricing_questions" => &mut self.pricing_questions,
            "technical_questions" => &mut self.technical_questions,
            "positive_sentiment" => &mut self.positive_sentiment,
            "negative_sentiment" => &mut self.negative_sentiment,
            "gone_quiet" => &mut self.gone_quiet,
            _ => {
                let known: Vec<_> = self.entries().iter().map(|(k, _)| *k).collect();
                return Err(format!(
                    "unknown lead-score factor {key:?}; known: {}",
                    known.join(", ")
                ));
            }
        };
        *slot = points;
        Ok(())
    }
}

/// The intelligence settings the Settings view edits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IntelSettings {
    pub weights: LeadWeights,
    /// "22:00-07:00", or empty for none.
    pub quiet_hours: String,
    /// IANA name, for best contact hours.
    pub time_zone: String,
    /// Desktop notifications for hot leads.
    pub notify_hot_leads: bool,
}
