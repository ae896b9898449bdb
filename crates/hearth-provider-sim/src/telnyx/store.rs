//! The sim's Telnyx records: generation, and the changes tests ask for.
//!
//! MDRs and CDRs are kept sorted by `(created_at, id)`, so a `filter[created_at]` window is
//! a binary search and a page of `sort=-created_at` is a slice walked backwards; new records
//! land at the end. That keeps a 100k-record poll cheap even in a debug build.

use std::collections::HashMap;

use rand::seq::SliceRandom;
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use uuid::Uuid;

use super::model::{keyword, Body, Cdr, Keyword, Mdr, OptOut, Party};
use crate::config::SimConfig;
use crate::pool::{random_uuid, Customer};
use crate::text::{self, INBOUND_SMS, OUTBOUND_SMS};
use crate::time::{to_secs, Ms, HOUR, SECOND};

/// How the generated opt-outs were typed.
const STOP_WORDS: [&str; 8] = [
    "STOP",
    "stop",
    "Stop",
    "UNSUBSCRIBE",
    "STOP ALL",
    "quit",
    "Cancel",
    "end",
];

/// Outbound statuses with weights, and the error code a failure carries.
const OUTBOUND_STATUS: [(&str, Option<&str>, u32); 5] = [
    ("delivered", None, 88),
    ("failed", Some("40008"), 4),
    ("gw_reject", Some("40002"), 3),
    ("dlr_timeout", None, 3),
    ("gw_timeout", Some("40011"), 2),
];

#[derive(Debug, Default)]
pub(crate) struct TelnyxStore {
    pub mdrs: Vec<Mdr>,
    /// uuid → created_at, to find an MDR in the sorted vector.
    pub mdr_index: HashMap<Uuid, Ms>,
    pub cdrs: Vec<Cdr>,
    /// Sorted by `created_at`.
    pub optouts: Vec<OptOut>,
}

impl TelnyxStore {
    pub(crate) fn generate(
        rng: &mut ChaCha8Rng,
        cfg: &SimConfig,
        pool: &[Customer],
        now: Ms,
        span: Ms,
    ) -> Self {
        let mut s = Self::default();
        let latest = to_secs(now) - 70 * SECOND;
        let earliest = (latest - span).min(latest - SECOND);
        let when = |rng: &mut ChaCha8Rng| to_secs(rng.random_range(earliest..=latest));

        // Opt-outs first: about half also left the inbound STOP text that caused them.
        let mut people: Vec<u32> = (0..pool.len() as u32).collect();
        let (chosen, _) = people.partial_shuffle(rng, cfg.optouts.min(pool.len()));
        let mut mdrs = Vec::with_capacity(cfg.telnyx_messages);
        for (k, &who) in chosen.iter().enumerate() {
            let at = when(rng);
            let typed = STOP_WORDS[k % STOP_WORDS.len()];
            let with_text = k % 2 == 0 && mdrs.len() < cfg.telnyx_messages;
            if with_text {
                let typed_at = at - SECOND * rng.random_range(1..4);
                let mut m = inbound(rng, Party::Pool(who), typed_at);
                m.body = Body::Owned(typed.into());
                mdrs.push(m);
            }
            let made_by_keyword = with_text || k % 3 != 2;
            s.optouts.push(OptOut {
                to: pool[who as usize].number.clone(),
                keyword: made_by_keyword.then(|| keyword(typed).0),
                profile: made_by_keyword,
                created_at: at,
            });
        }
        s.optouts.sort_by_key(|o| o.created_at);

        while mdrs.len() < cfg.telnyx_messages && !pool.is_empty() {
            let party = Party::Pool(rng.random_range(0..pool.len() as u32));
            let at = when(rng);
            let m = if rng.random_bool(0.5) {
                inbound(rng, party, at)
            } else {
                let m = outbound(rng, party, at, now);
                s.blocked_outbound(m, pool)
            };
            mdrs.push(m);
        }
        mdrs.sort_by_key(Mdr::key);
        s.mdr_index = mdrs.iter().map(|m| (m.uuid, m.created_at)).collect();
        s.mdrs = mdrs;

        if !pool.is_empty() {
            s.cdrs = (0..cfg.telnyx_calls)
                .map(|_| {
                    let party = Party::Pool(rng.random_range(0..pool.len() as u32));
                    let at = when(rng);
                    voice(rng, party, at)
                })
                .collect();
            s.cdrs.sort_by_key(Cdr::key);
        }
        s
    }

    /// A generated outbound text to someone who had already opted out fails with 40300,
    /// the code T-DOC says shows up in MDR `errors` for STOP blocks.
    fn blocked_outbound(&self, mut m: Mdr, pool: &[Customer]) -> Mdr {
        let to = m.party.number(pool);
        if self
            .optouts
            .iter()
            .any(|o| o.to == to && o.created_at < m.created_at)
        {
            m.status = "failed";
            m.error = Some("40300");
            m.completed_at = m.sent_at;
            m.updated_at = m.sent_at.unwrap_or(m.created_at);
        }
        m
    }

    pub(crate) fn insert_mdr(&mut self, m: Mdr) {
        let key = m.key();
        let pos = self.mdrs.partition_point(|x| x.key() < key);
        self.mdr_index.insert(m.uuid, m.created_at);
        self.mdrs.insert(pos, m);
    }

    pub(crate) fn find_mdr(&self, id: Uuid) -> Option<&Mdr> {
        let created = *self.mdr_index.get(&id)?;
        let from = self.mdrs.partition_point(|m| m.created_at < created);
        self.mdrs[from..]
            .iter()
            .take_while(|m| m.created_at == created)
            .find(|m| m.uuid == id)
    }

    pub(crate) fn is_blocked(&self, to: &str) -> bool {
        self.optouts.iter().any(|o| o.to == to)
    }

    /// `n` texts, about half inbound, created in the last few seconds.
    pub(crate) fn add_messages(
        &mut self,
        rng: &mut ChaCha8Rng,
        n: usize,
        now: Ms,
        pool: &[Customer],
    ) -> Vec<Uuid> {
        if pool.is_empty() {
            return Vec::new();
        }
        (0..n)
            .map(|_| {
                let party = Party::Pool(rng.random_range(0..pool.len() as u32));
                let at = to_secs(now) - SECOND * rng.random_range(0..3);
                let m = if rng.random_bool(0.5) {
                    inbound(rng, party, at)
                } else {
                    let mut m = outbound(rng, party, at, now);
                    // Fresh sends are still waiting for their delivery receipt, or just got it.
                    m.sent_at = Some(at);
                    m.completed_at = None;
                    m.updated_at = at;
                    m.status = "dlr_unconfirmed";
                    m.error = None;
                    if rng.random_bool(0.5) {
                        m.status = "delivered";
                        m.completed_at = Some(at);
                    }
                    self.blocked_outbound(m, pool)
                };
                let id = m.uuid;
                self.insert_mdr(m);
                id
            })
            .collect()
    }

    /// Moves `n` outbound MDRs to a new status (`updated_at` = now, `created_at` kept):
    /// pending receipts first (newest first), then late failures of delivered texts.
    pub(crate) fn change_statuses(&mut self, rng: &mut ChaCha8Rng, n: usize, now: Ms) -> Vec<Uuid> {
        let now = to_secs(now);
        let mut picked: Vec<usize> = (0..self.mdrs.len())
            .rev()
            .filter(|&i| self.mdrs[i].status == "dlr_unconfirmed")
            .take(n)
            .collect();
        if picked.len() < n {
            let mut rest: Vec<usize> = (0..self.mdrs.len())
                // A STOP-blocked text stays blocked.
                .filter(|&i| {
                    let m = &self.mdrs[i];
                    !m.inbound && m.status != "dlr_unconfirmed" && m.error != Some("40300")
                })
                .collect();
            let (more, _) = rest.partial_shuffle(rng, n - picked.len());
            picked.extend_from_slice(more);
        }
        picked
            .into_iter()
            .map(|i| {
                let m = &mut self.mdrs[i];
                if m.status == "delivered" {
                    m.status = "failed";
                    m.error = Some("40008");
                } else {
                    m.status = "delivered";
                    m.error = None;
                }
                m.completed_at = Some(now);
                m.updated_at = now.max(m.updated_at);
                m.uuid
            })
            .collect()
    }

    /// A customer texts us; keywords add or remove their opt-out.
    pub(crate) fn inbound_text(
        &mut self,
        rng: &mut ChaCha8Rng,
        from: &str,
        text: &str,
        now: Ms,
        pool: &[Customer],
    ) -> Uuid {
        let at = to_secs(now);
        let mut m = inbound(rng, Party::of(from, pool), at);
        m.body = Body::Owned(text.into());
        m.parts = text::sms_parts(text);
        let id = m.uuid;
        self.insert_mdr(m);
        match keyword(text) {
            (norm, Some(Keyword::OptOut)) if !self.is_blocked(from) => {
                tracing::info!(from, keyword = %norm, "provider sim: opt-out recorded");
                self.optouts.push(OptOut {
                    to: from.to_owned(),
                    keyword: Some(norm),
                    profile: true,
                    created_at: at,
                });
            }
            (_, Some(Keyword::OptIn)) => {
                tracing::info!(from, "provider sim: opt-out removed");
                self.optouts.retain(|o| o.to != from);
            }
            _ => {}
        }
        id
    }
}

/// An inbound text at `at`, body from the inbound table.
pub(crate) fn inbound(rng: &mut ChaCha8Rng, party: Party, at: Ms) -> Mdr {
    let body = rng.random_range(0..INBOUND_SMS.len() as u16);
    Mdr {
        uuid: random_uuid(rng),
        inbound: true,
        party,
        status: "received",
        mms: false,
        parts: text::sms_parts(INBOUND_SMS[usize::from(body)]),
        created_at: at,
        sent_at: None,
        completed_at: None,
        updated_at: at,
        error: None,
        carrier: rng.random_range(0..4),
        body: Body::Inbound(body),
    }
}

/// An outbound text at `at`; those of the last four hours may still await a receipt.
pub(crate) fn outbound(rng: &mut ChaCha8Rng, party: Party, at: Ms, now: Ms) -> Mdr {
    let body = rng.random_range(0..OUTBOUND_SMS.len() as u16);
    let sent = at + SECOND;
    let done = sent + SECOND * rng.random_range(1..5);
    let (status, error) = if now - at < 4 * HOUR && rng.random_bool(0.4) {
        ("dlr_unconfirmed", None)
    } else {
        let total: u32 = OUTBOUND_STATUS.iter().map(|s| s.2).sum();
        let mut roll = rng.random_range(0..total);
        let mut pick = (OUTBOUND_STATUS[0].0, OUTBOUND_STATUS[0].1);
        for (st, err, w) in OUTBOUND_STATUS {
            if roll < w {
                pick = (st, err);
                break;
            }
            roll -= w;
        }
        pick
    };
    let pending = status == "dlr_unconfirmed";
    Mdr {
        uuid: random_uuid(rng),
        inbound: false,
        party,
        status,
        mms: rng.random_bool(0.02),
        parts: text::sms_parts(&text::fill(OUTBOUND_SMS[usize::from(body)], Some("Alex"))),
        created_at: at,
        sent_at: Some(sent),
        completed_at: (!pending).then_some(done),
        updated_at: if pending { sent } else { done },
        error,
        carrier: rng.random_range(0..4),
        body: Body::Outbound(body),
    }
}

/// A voice call at `at`; about one in five was not answered.
fn voice(rng: &mut ChaCha8Rng, party: Party, at: Ms) -> Cdr {
    let answered = rng.random_bool(0.8);
    let call_sec = if answered {
        rng.random_range(8..900)
    } else {
        0
    };
    let ring = rng.random_range(3..30);
    Cdr {
        id: random_uuid(rng),
        inbound: rng.random_bool(0.55),
        party,
        started_at: at,
        finished_at: at + SECOND * i64::from(ring + call_sec),
        call_sec,
        billed_sec: call_sec.div_ceil(60) * 60,
        dialect: rng.random_range(0..3),
        hangup: if answered { 0 } else { rng.random_range(1..6) },
        leg: rng.random(),
    }
}
