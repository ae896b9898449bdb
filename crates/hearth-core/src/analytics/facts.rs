//! What the analysis knows about one contact, read from the store in one snapshot: the
//! input of the lead score, journey, next best action and engagement rules, which are pure
//! functions of it (and of `now`), so each rule is tested with hand-made facts.

use std::collections::BTreeMap;

use hearth_types::{Channel, ContactSentiment, ContactStatus, Direction, LtvFigures};

use super::signals::Signal;

/// One interaction, as the rules see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Touch {
    pub at: i64,
    pub channel: Channel,
    pub direction: Direction,
    pub duration_ms: Option<i64>,
}

impl Touch {
    /// Messages and calls that a person sent or made (not notes, not orders).
    pub fn is_conversation(&self) -> bool {
        !matches!(self.channel, Channel::Note | Channel::Order)
            && self.direction != Direction::Internal
    }
}

/// A signal in the customer's words: in how many messages, when last, and a quote from
/// the newest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seen {
    pub count: u32,
    pub last_at: i64,
    pub quote: String,
}

/// An open deal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenDeal {
    pub title: String,
    pub stage: String,
}

/// Everything the rules read about a contact.
#[derive(Debug, Clone)]
pub struct Facts {
    pub contact_id: i64,
    pub name: String,
    pub status: ContactStatus,
    pub has_email: bool,
    pub has_phone: bool,
    pub company: Option<String>,
    pub time_zone: Option<String>,
    pub has_notes: bool,
    /// Oldest first.
    pub touches: Vec<Touch>,
    pub signals: BTreeMap<Signal, Seen>,
    pub sentiment: Option<ContactSentiment>,
    /// Completed orders in any currency, and the newest one's time.
    pub orders: i64,
    pub last_order_at: Option<i64>,
    pub open_deals: Vec<OpenDeal>,
    pub ltv: Option<LtvFigures>,
    /// Inbox marks: answered up to here (done), or put off until then (snoozed).
    pub done_through: Option<i64>,
    pub snoozed_until: Option<i64>,
}

impl Facts {
    /// A contact with nothing known but a name.
    pub fn new(contact_id: i64, name: &str) -> Facts {
        Facts {
            contact_id,
            name: name.to_owned(),
            status: ContactStatus::Lead,
            has_email: false,
            has_phone: false,
            company: None,
            time_zone: None,
            has_notes: false,
            touches: Vec::new(),
            signals: BTreeMap::new(),
            sentiment: None,
            orders: 0,
            last_order_at: None,
            open_deals: Vec::new(),
            ltv: None,
            done_through: None,
            snoozed_until: None,
        }
    }

    pub fn last(&self, direction: Direction) -> Option<i64> {
        self.touches
            .iter()
            .rev()
            .find(|t| t.direction == direction && t.is_conversation())
            .map(|t| t.at)
    }

    /// Their newest message or call when it still waits for an answer: newer than our
    /// newest one and than the owner's "done" mark, and not snoozed at `now`.
    pub fn waiting(&self, now: i64) -> Option<i64> {
        let last_in = self.last(Direction::Inbound)?;
        let answered = self.last(Direction::Outbound).is_some_and(|o| o >= last_in)
            || self.done_through.is_some_and(|d| d >= last_in);
        let snoozed = self.snoozed_until.is_some_and(|s| s > now);
        (!answered && !snoozed).then_some(last_in)
    }

    /// Is a customer: bought something or is marked as one.
    pub fn is_customer(&self) -> bool {
        self.orders > 0 || matches!(self.status, ContactStatus::Customer | ContactStatus::Vip)
    }

    pub fn signal(&self, s: Signal) -> Option<&Seen> {
        self.signals.get(&s)
    }
}

/// "5 min", "2 h", "3 d", "6 months": a length of time, for reasons.
pub fn span(ms: i64) -> String {
    let min = ms.max(0) / 60_000;
    if min < 1 {
        "under a minute".into()
    } else if min < 60 {
        format!("{min} min")
    } else if min < 48 * 60 {
        format!("{} h", min / 60)
    } else if min < 60 * 24 * 60 {
        format!("{} d", min / (60 * 24))
    } else {
        format!("{} months", min / (60 * 24 * 30))
    }
}

/// "2 h ago", "just now": how long ago, for reasons.
pub fn ago(ms: i64) -> String {
    if ms < 60_000 {
        "just now".into()
    } else {
        format!("{} ago", span(ms))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_read_like_a_person_would_say_them() {
        assert_eq!(ago(-5), "just now");
        assert_eq!(ago(30_000), "just now");
        assert_eq!(ago(5 * 60_000), "5 min ago");
        assert_eq!(ago(2 * 3_600_000 + 5), "2 h ago");
        assert_eq!(ago(47 * 3_600_000), "47 h ago");
        assert_eq!(ago(3 * 86_400_000), "3 d ago");
        assert_eq!(ago(200 * 86_400_000), "6 months ago");
        assert_eq!(span(30_000), "under a minute");
        assert_eq!(span(3 * 86_400_000), "3 d");
    }
}
