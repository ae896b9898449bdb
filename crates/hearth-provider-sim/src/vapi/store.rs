//! The sim's Vapi calls: generation and the changes tests ask for.
//!
//! Calls change after they end (analysis and cost arrive in post-processing), which is why
//! clients sync on `updatedAt`; `touch` plays exactly those changes, and `add_at` piles many
//! calls onto one instant so a client's window bisection meets a window it cannot split.

use std::collections::{HashMap, HashSet};

use rand::seq::SliceRandom;
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use uuid::Uuid;

use super::call::{script_ms, Analysis, Call, CallType, Convo, Recording, Status};
use crate::pool::random_uuid;
use crate::text::SCRIPTS;
use crate::time::{Ms, MINUTE, SECOND};

/// Reasons a call that connected ended with, weighted.
const CONNECTED: &[(&str, u32)] = &[
    ("customer-ended-call", 40),
    ("assistant-ended-call", 18),
    ("assistant-said-end-call-phrase", 15),
    ("assistant-forwarded-call", 8),
    ("silence-timed-out", 7),
    ("exceeded-max-duration", 3),
    ("pipeline-error-openai-llm-failed", 2),
    (
        "call.in-progress.error-assistant-did-not-receive-customer-audio",
        2,
    ),
];

/// Reasons an outbound call that never reached a person ended with.
const MISSED: &[&str] = &[
    "customer-did-not-answer",
    "customer-busy",
    "voicemail",
    "twilio-failed-to-connect-call",
    "manually-canceled",
    "call.start.error-vapi-number-outbound-daily-limit",
];

/// Reasons for calls that never started (no `startedAt`).
const NEVER_STARTED: &[&str] = &[
    "customer-did-not-answer",
    "customer-busy",
    "twilio-failed-to-connect-call",
    "call.start.error-vapi-number-outbound-daily-limit",
];

/// All calls, in insertion order, with an id index.
#[derive(Debug, Default)]
pub(crate) struct VapiStore {
    pub calls: Vec<Call>,
    pub by_id: HashMap<Uuid, usize>,
}

impl VapiStore {
    /// `n` calls spread over `[now - span, now - 1 min]`: mostly ended phone calls, a few web
    /// calls, up to three still in progress and two whose analysis has not arrived yet.
    pub(crate) fn generate(rng: &mut ChaCha8Rng, n: usize, now: Ms, span: Ms, pool: usize) -> Self {
        let mut store = Self {
            calls: Vec::with_capacity(n),
            by_id: HashMap::with_capacity(n),
        };
        let latest = now - MINUTE;
        let earliest = (now - span).min(latest - 1);
        let live = if n >= 10 { 3 } else { 0 };
        let pending = if n >= 10 { 2 } else { 0 };
        for i in 0..n {
            let call = if i < live {
                let started = latest - rng.random_range(0..8 * MINUTE);
                in_progress(rng, started, pool)
            } else if i < live + pending {
                let updated = latest - rng.random_range(0..4 * MINUTE);
                let mut c = finished(rng, updated, pool, false);
                c.analysis_ready = false;
                c
            } else {
                let updated = rng.random_range(earliest..=latest);
                finished(rng, updated, pool, true)
            };
            store.push(call);
        }
        store
    }

    pub(crate) fn push(&mut self, call: Call) {
        self.by_id.insert(call.id, self.calls.len());
        self.calls.push(call);
    }

    /// Calls that count against the concurrency cap.
    pub(crate) fn active(&self) -> usize {
        self.calls.iter().filter(|c| c.is_active()).count()
    }

    /// `n` calls that just finished (`updatedAt` = now, `createdAt` a minute or two before).
    pub(crate) fn add(
        &mut self,
        rng: &mut ChaCha8Rng,
        n: usize,
        now: Ms,
        pool: usize,
    ) -> Vec<Uuid> {
        (0..n)
            .map(|_| {
                let c = finished(rng, now, pool, true);
                let id = c.id;
                self.push(c);
                id
            })
            .collect()
    }

    /// `n` campaign calls that never connected, all created, ended and updated at `t`.
    pub(crate) fn add_at(
        &mut self,
        rng: &mut ChaCha8Rng,
        n: usize,
        t: Ms,
        pool: usize,
    ) -> Vec<Uuid> {
        (0..n)
            .map(|_| {
                let mut c = base(rng, CallType::Outbound, pool);
                c.created_at = t;
                c.updated_at = t;
                c.ended_at = Some(t);
                c.ended_reason = Some(NEVER_STARTED[rng.random_range(0..NEVER_STARTED.len())]);
                c.campaign = true;
                c.analysis = Analysis::Neither;
                c.recording = Recording::None;
                let id = c.id;
                self.push(c);
                id
            })
            .collect()
    }

    /// Changes `n` calls the way Vapi does after the fact, `updatedAt` = now: live calls end
    /// (with transcript and analysis), pending analyses arrive, then random ended calls get
    /// a late analysis or a final cost.
    pub(crate) fn touch(&mut self, rng: &mut ChaCha8Rng, n: usize, now: Ms) -> Vec<Uuid> {
        let mut picked: Vec<usize> = Vec::with_capacity(n);
        let mut live: Vec<usize> = (0..self.calls.len())
            .filter(|&i| self.calls[i].is_active())
            .collect();
        live.sort_by_key(|&i| self.calls[i].created_at);
        picked.extend(live);
        picked.extend((0..self.calls.len()).filter(|&i| {
            let c = &self.calls[i];
            !c.is_active() && !c.analysis_ready
        }));
        picked.truncate(n);
        if picked.len() < n {
            let mut seen: HashSet<usize> = picked.iter().copied().collect();
            let mut rest: Vec<usize> = (0..self.calls.len())
                .filter(|i| !seen.contains(i))
                .collect();
            let (chosen, _) = rest.partial_shuffle(rng, n - picked.len());
            seen.extend(chosen.iter().copied());
            picked.extend_from_slice(chosen);
        }
        picked
            .into_iter()
            .map(|i| {
                let c = &mut self.calls[i];
                if c.is_active() {
                    end_now(rng, c, now);
                } else if !c.analysis_ready {
                    c.analysis_ready = true;
                } else if c.analysis == Analysis::Neither
                    && matches!(c.convo, Some(Convo::Script(_)))
                {
                    c.analysis = Analysis::Classic;
                } else {
                    c.cost = Some(round4(c.cost.unwrap_or(0.0) + 0.0012));
                }
                c.updated_at = now.max(c.updated_at + 1);
                c.id
            })
            .collect()
    }
}

fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

fn pick_kind(rng: &mut ChaCha8Rng) -> CallType {
    match rng.random_range(0..100) {
        0..6 => CallType::Web,
        6..56 => CallType::Inbound,
        _ => CallType::Outbound,
    }
}

fn pick_script(rng: &mut ChaCha8Rng, kind: CallType) -> u16 {
    let want_outbound = kind == CallType::Outbound;
    let choices: Vec<u16> = (0..SCRIPTS.len() as u16)
        .filter(|&i| SCRIPTS[usize::from(i)].outbound == want_outbound)
        .collect();
    choices[rng.random_range(0..choices.len())]
}

fn pick_reason(rng: &mut ChaCha8Rng) -> &'static str {
    let total: u32 = CONNECTED.iter().map(|(_, w)| w).sum();
    let mut roll = rng.random_range(0..total);
    for (reason, w) in CONNECTED {
        if roll < *w {
            return reason;
        }
        roll -= w;
    }
    "customer-ended-call"
}

/// A call with its identity and variation knobs chosen, timeless and not yet ended.
pub(crate) fn base(rng: &mut ChaCha8Rng, kind: CallType, pool: usize) -> Call {
    let customer = (kind != CallType::Web && pool > 0).then(|| rng.random_range(0..pool) as u32);
    Call {
        id: random_uuid(rng),
        kind,
        status: Status::Ended,
        created_at: 0,
        updated_at: 0,
        started_at: None,
        ended_at: None,
        ended_reason: None,
        customer,
        number: u8::from(rng.random_bool(0.15)),
        assistant: Some(u8::from(rng.random_bool(0.2))),
        cost: None,
        convo: None,
        bot_role: rng.random_bool(0.5),
        recording: match rng.random_range(0..100) {
            0..60 => Recording::Current,
            60..85 => Recording::CurrentAndLegacy,
            85..95 => Recording::LegacyOnly,
            _ => Recording::None,
        },
        analysis: match rng.random_range(0..100) {
            0..55 => Analysis::Classic,
            55..85 => Analysis::Outputs,
            85..93 => Analysis::Both,
            _ => Analysis::Neither,
        },
        analysis_ready: true,
        eval_format: rng.random_range(0..3),
        extra: rng.random_bool(0.03),
        campaign: kind == CallType::Outbound && rng.random_bool(0.3),
        created: None,
    }
}

/// An ended call whose last update (end of post-processing) is at `updated`. Outbound calls
/// sometimes never reach a person when `may_miss`.
fn finished(rng: &mut ChaCha8Rng, updated: Ms, pool: usize, may_miss: bool) -> Call {
    let kind = pick_kind(rng);
    let mut c = base(rng, kind, pool);
    c.updated_at = updated;
    let post = rng.random_range(2 * SECOND..30 * SECOND);
    let ended = updated - post;
    if may_miss && kind == CallType::Outbound && rng.random_bool(0.22) {
        let reason = MISSED[rng.random_range(0..MISSED.len())];
        c.ended_reason = Some(reason);
        c.ended_at = Some(ended);
        c.analysis = Analysis::Neither;
        if reason == "voicemail" {
            let started = ended - rng.random_range(20 * SECOND..35 * SECOND);
            c.started_at = Some(started);
            c.created_at = started - rng.random_range(SECOND..25 * SECOND);
            c.convo = Some(Convo::Voicemail);
            c.cost = Some(round4(rng.random_range(0.02..0.06)));
        } else {
            c.created_at = ended - rng.random_range(SECOND..40 * SECOND);
            c.recording = Recording::None;
            c.cost = (reason != "twilio-failed-to-connect-call").then_some(0.0);
        }
        return c;
    }
    let script = pick_script(rng, kind);
    let talk = script_ms(script) + rng.random_range(5 * SECOND..60 * SECOND);
    let started = ended - talk;
    c.created_at = started - rng.random_range(500..8 * SECOND);
    c.started_at = Some(started);
    c.ended_at = Some(ended);
    c.ended_reason = Some(pick_reason(rng));
    c.convo = Some(Convo::Script(script));
    c.cost = Some(round4(
        talk as f64 / 60_000.0 * rng.random_range(0.07..0.16),
    ));
    c
}

/// A call that started at `started` and is still going.
fn in_progress(rng: &mut ChaCha8Rng, started: Ms, pool: usize) -> Call {
    let kind = if rng.random_bool(0.6) {
        CallType::Inbound
    } else {
        CallType::Outbound
    };
    let mut c = base(rng, kind, pool);
    c.status = Status::InProgress;
    c.created_at = started - rng.random_range(500..5 * SECOND);
    c.started_at = Some(started);
    c.updated_at = started + 300;
    c
}

/// Ends a queued or live call now, with a conversation and its analysis.
pub(crate) fn end_now(rng: &mut ChaCha8Rng, c: &mut Call, now: Ms) {
    let started = c.started_at.unwrap_or((c.created_at + SECOND).min(now));
    c.status = Status::Ended;
    c.started_at = Some(started);
    c.ended_at = Some(now.max(started));
    c.ended_reason = Some(pick_reason(rng));
    if c.convo.is_none() {
        c.convo = Some(Convo::Script(pick_script(rng, c.kind)));
    }
    if c.analysis == Analysis::Neither {
        c.analysis = Analysis::Classic;
    }
    if c.recording == Recording::None {
        c.recording = Recording::Current;
    }
    c.analysis_ready = true;
    let talk = (now - started).max(SECOND);
    c.cost = Some(round4((talk as f64 / 60_000.0 * 0.11).max(0.01)));
}
