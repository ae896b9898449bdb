//! Telnyx records as the sim stores them: message detail records, voice (call-control)
//! detail records and opt-outs.
//!
//! Stored compactly (pool indices, template indices, millisecond times truncated to whole
//! seconds, money as micro-dollars) and rendered per response in `render.rs`. Message bodies
//! live here but are only ever served by `GET /messages/{id}`; an MDR never carries text.

use uuid::Uuid;

use crate::pool::Customer;
use crate::text::{self, INBOUND_SMS, OUTBOUND_SMS};
use crate::time::Ms;

/// The customer side of a record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Party {
    Pool(u32),
    Other(Box<str>),
}

impl Party {
    pub(crate) fn number<'a>(&'a self, pool: &'a [Customer]) -> &'a str {
        match self {
            Party::Pool(i) => pool
                .get(*i as usize)
                .map_or("+15555550100", |c| c.number.as_str()),
            Party::Other(n) => n,
        }
    }

    pub(crate) fn customer<'a>(&self, pool: &'a [Customer]) -> Option<&'a Customer> {
        match self {
            Party::Pool(i) => pool.get(*i as usize),
            Party::Other(_) => None,
        }
    }

    pub(crate) fn is_uk(&self, pool: &[Customer]) -> bool {
        self.number(pool).starts_with("+44")
    }

    /// The pool entry with this number, or the number itself.
    pub(crate) fn of(number: &str, pool: &[Customer]) -> Party {
        pool.iter()
            .position(|c| c.number == number)
            .map_or_else(|| Party::Other(number.into()), |i| Party::Pool(i as u32))
    }
}

/// A message body.
#[derive(Clone, Debug)]
pub(crate) enum Body {
    Inbound(u16),
    Outbound(u16),
    Owned(Box<str>),
}

impl Body {
    pub(crate) fn text(&self, name: Option<&str>) -> String {
        match self {
            Body::Inbound(i) => INBOUND_SMS[usize::from(*i) % INBOUND_SMS.len()].to_owned(),
            Body::Outbound(i) => {
                text::fill(OUTBOUND_SMS[usize::from(*i) % OUTBOUND_SMS.len()], name)
            }
            Body::Owned(s) => s.to_string(),
        }
    }
}

/// A message detail record (T-SPEC `MessageDetailRecord`).
#[derive(Clone, Debug)]
pub(crate) struct Mdr {
    pub uuid: Uuid,
    pub inbound: bool,
    pub party: Party,
    /// `delivered`, `received`, `failed`, `gw_reject`, `gw_timeout`, `dlr_unconfirmed`, `dlr_timeout`.
    pub status: &'static str,
    pub mms: bool,
    pub parts: u32,
    pub created_at: Ms,
    pub sent_at: Option<Ms>,
    pub completed_at: Option<Ms>,
    pub updated_at: Ms,
    /// A Telnyx error code for failed messages, e.g. `40008`.
    pub error: Option<&'static str>,
    /// Index into the carrier table of the party's country.
    pub carrier: u8,
    pub body: Body,
}

impl Mdr {
    pub(crate) fn key(&self) -> (Ms, Uuid) {
        (self.created_at, self.uuid)
    }

    pub(crate) fn cli<'a>(&'a self, pool: &'a [Customer], ours: &'a str) -> &'a str {
        if self.inbound {
            self.party.number(pool)
        } else {
            ours
        }
    }

    pub(crate) fn cld<'a>(&'a self, pool: &'a [Customer], ours: &'a str) -> &'a str {
        if self.inbound {
            ours
        } else {
            self.party.number(pool)
        }
    }
}

/// A call-control detail record. Its schema is not in T-SPEC (2.5), so `dialect` picks one
/// of several observed field spellings per record.
#[derive(Clone, Debug)]
pub(crate) struct Cdr {
    pub id: Uuid,
    pub inbound: bool,
    pub party: Party,
    pub started_at: Ms,
    pub finished_at: Ms,
    pub call_sec: u32,
    pub billed_sec: u32,
    pub dialect: u8,
    /// Index into `HANGUP_CAUSES`.
    pub hangup: u8,
    pub leg: u64,
}

impl Cdr {
    pub(crate) fn key(&self) -> (Ms, Uuid) {
        (self.started_at, self.id)
    }
}

pub(crate) const HANGUP_CAUSES: [&str; 6] = [
    "normal_clearing",
    "originator_cancel",
    "user_busy",
    "no_answer",
    "timeout",
    "call_rejected",
];

/// A `messaging_optouts` row: our number blocked from texting `to`.
#[derive(Clone, Debug)]
pub(crate) struct OptOut {
    pub to: String,
    /// The keyword as normalized (`STOP`, `STOP ALL`, …); `None` for blocks made another way.
    pub keyword: Option<String>,
    /// Whether the row names our messaging profile (it is nullable in T-SPEC).
    pub profile: bool,
    pub created_at: Ms,
}

/// What an inbound text does to the block list (2.6).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Keyword {
    OptOut,
    OptIn,
}

/// Normalizes a text (trimmed, single spaces, upper case) and classifies it as a keyword.
pub(crate) fn keyword(text: &str) -> (String, Option<Keyword>) {
    let norm = text
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_uppercase();
    let kind = match norm.as_str() {
        "STOP" | "STOPALL" | "STOP ALL" | "UNSUBSCRIBE" | "CANCEL" | "END" | "QUIT" => {
            Some(Keyword::OptOut)
        }
        "START" | "UNSTOP" => Some(Keyword::OptIn),
        _ => None,
    };
    (norm, kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_are_trimmed_and_case_insensitive() {
        assert_eq!(keyword("  stop ").1, Some(Keyword::OptOut));
        assert_eq!(keyword("Stop   All").0, "STOP ALL");
        assert_eq!(keyword("Stop   All").1, Some(Keyword::OptOut));
        assert_eq!(keyword("unstop").1, Some(Keyword::OptIn));
        assert_eq!(keyword("please stop texting me").1, None);
    }
}
