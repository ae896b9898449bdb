//! DTOs of the inbox: contacts waiting for an answer.

use serde::{Deserialize, Serialize};

use crate::{Channel, TimelineItem};

/// One contact waiting for an answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InboxEntry {
    pub contact_id: i64,
    pub contact_name: String,
    /// The oldest unanswered inbound message's time: how long they have waited.
    pub waiting_since: i64,
    /// Unanswered inbound messages.
    pub waiting_count: i64,
    /// The newest unanswered message, to show and to reply to.
    pub latest: TimelineItem,
    /// Channels the contact can be answered on (from their identities).
    pub reply_channels: Vec<Channel>,
}
