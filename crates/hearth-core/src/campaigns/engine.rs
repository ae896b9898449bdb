//! The campaign engine: one `tick` settles finished sends into the ledger, asks the other
//! side about sends left unknown by a crash, attributes replies (and honours
//! "unsubscribe"), then takes due steps in small batches within the send window, token
//! buckets, daily caps and call concurrency, and hands them to the shared outbox.
//!
//! Crash safety: a send row and its outbox row are committed together before any network
//! work; `UNIQUE (recipient_id, step)` stops a second send of a step; the outbox claims a
//! row (`sending`) in a committed transaction before talking to the server; after a crash
//! such rows are `unknown` and are settled only from evidence ([`super::evidence`]).

use std::collections::{HashMap, HashSet};

use chrono_tz::Tz;
use hearth_types::{CampaignSpec, CampaignStatus, RecipientStatus, StepChannel};
use serde::Serialize;
use serde_json::{Map, Value};

use super::evidence::{self, Evidence};
use super::pace::{self, TokenBucket};
use super::{address_for, render_step, template, values_for, CampaignError, Sender};
use crate::events::EventSink;
use crate::mail::prepare;
use crate::providers::ProviderError;
use crate::secrets::SecretStore;
use crate::store::{DueRecipient, NewSend, OpenSend, OptOut, RecipientUpdate, Store};

/// What one tick did, summed over campaigns.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct TickReport {
    pub active: u64,
    pub queued: u64,
    pub sent: u64,
    pub failed: u64,
    pub unknown: u64,
    /// Unknown sends the other side confirmed.
    pub confirmed: u64,
    /// Unknown sends the other side has no record of: queued again.
    pub requeued: u64,
    pub replied: u64,
    pub opted_out: u64,
    pub skipped: u64,
    pub completed: Vec<i64>,
    /// Something is due right now (the caller may tick again at once).
    pub busy: bool,
    /// The earliest time something is due later.
    pub next_due: Option<i64>,
}

/// How many sends to queue before handing them to the outbox (and re-reading the status,
/// so pause and stop act within a batch).
const BATCH: usize = 10;
/// Recipients read per look for due steps.
const SCAN: u32 = 200;
/// A placed call counts against the concurrency cap for at most this long unless VAPI
/// reports it ended sooner.
const CALL_SLOT_MS: i64 = 30 * 60_000;

/// The engine; keep one for the life of the process (it holds the token buckets).
pub struct Engine {
    sender: Sender,
    buckets: HashMap<(i64, StepChannel), TokenBucket>,
}

impl Engine {
    pub fn new(sender: Sender) -> Engine {
        Engine {
            sender,
            buckets: HashMap::new(),
        }
    }

    /// One pass over every active campaign at time `now`. With `deliver` false nothing
    /// leaves the machine (the outbox is not processed, no evidence is asked for): what
    /// tests of selection, pacing and windows use.
    pub async fn tick(
        &mut self,
        store: &Store,
        secrets: &dyn SecretStore,
        events: &dyn EventSink,
        now: i64,
        deliver: bool,
    ) -> Result<TickReport, CampaignError> {
        let mut report = TickReport::default();
        store.start_due_campaigns(now).await?;
        let business_tz = store.business_time_zone().await?;
        for (id, spec) in store.active_campaigns().await? {
            report.active += 1;
            let spec: CampaignSpec = match serde_json::from_str(&spec) {
                Ok(s) => s,
                Err(e) => {
                    let why = format!("unreadable campaign spec: {e}");
                    store.note_campaign(id, None, Some(&why)).await?;
                    continue;
                }
            };
            let mut run = Run {
                id,
                spec: &spec,
                business_tz,
                now,
                waiting: None,
            };
            self.settle(store, &run, &mut report).await?;
            if deliver {
                self.reconcile(store, secrets, &run, &mut report).await?;
            }
            self.replies(store, &run, &mut report).await?;
            store.refresh_outcomes(id).await?;
            let cancelled = store.cancel_unwanted_sends(id, now).await?;
            if cancelled > 0 {
                tracing::info!(campaign = id, cancelled, "queued sends withdrawn");
                self.settle(store, &run, &mut report).await?;
            }
            loop {
                if store.campaign(id).await?.status != CampaignStatus::Active {
                    break;
                }
                let queued = self.select(store, &mut run, &mut report).await?;
                if !deliver {
                    break;
                }
                // Sends queued now, and earlier ones due again (a retry, a send the
                // evidence showed never left).
                let waiting = store
                    .open_sends(id)
                    .await?
                    .iter()
                    .any(|s| s.outbox_state == "pending" && s.outbox_due_at <= now);
                if queued == 0 && !waiting {
                    break;
                }
                store.cancel_unwanted_sends(id, now).await?;
                if let Err(e) = deliver_outbox(store, secrets, events).await {
                    store.note_campaign(id, None, Some(&e.to_string())).await?;
                }
                self.settle(store, &run, &mut report).await?;
                if queued == 0 {
                    break;
                }
            }
            let open = store.open_sends(id).await?;
            if store.unfinished_recipients(id).await? == 0 && open.is_empty() {
                store
                    .set_campaign_status(
                        id,
                        &[CampaignStatus::Active],
                        CampaignStatus::Completed,
                        now,
                    )
                    .await?;
                report.completed.push(id);
                continue;
            }
            let next = store.next_due(id).await?;
            if let Some(next) = next {
                report.next_due = Some(report.next_due.map_or(next, |n| n.min(next)));
                if next <= now && run.waiting.is_none() {
                    report.busy = true;
                }
            }
            for s in open.iter().filter(|s| s.outbox_state == "pending") {
                if s.outbox_due_at <= now {
                    report.busy = true;
                }
                let at = s.outbox_due_at;
                report.next_due = Some(report.next_due.map_or(at, |n| n.min(at)));
            }
            let waiting = run.waiting.clone().or_else(|| {
                next.filter(|n| *n > now)
                    .map(|n| format!("next step due {}", clock(n, business_tz)))
            });
            store.note_campaign(id, waiting.as_deref(), None).await?;
        }
        Ok(report)
    }

    /// Outbox results into the ledger and each recipient's progress.
    async fn settle(
        &self,
        store: &Store,
        run: &Run<'_>,
        report: &mut TickReport,
    ) -> Result<(), CampaignError> {
        let steps = &run.spec.steps;
        for s in store.open_sends(run.id).await? {
            let state = match s.outbox_state.as_str() {
                "pending" => "queued",
                other => other,
            };
            if state == s.state {
                continue;
            }
            let next = s.step as usize + 1;
            let update = match state {
                "sent" => {
                    report.sent += 1;
                    let at = s.sent_at.unwrap_or(run.now);
                    match steps.get(next) {
                        Some(step) => RecipientUpdate {
                            status: RecipientStatus::Sent,
                            step: Some(next as u32),
                            due_at: Some(at + i64::from(step.delay_hours) * 3_600_000),
                            done: false,
                            sent_at: Some(at),
                            error: None,
                        },
                        None => RecipientUpdate {
                            status: RecipientStatus::Sent,
                            step: None,
                            due_at: None,
                            done: true,
                            sent_at: Some(at),
                            error: None,
                        },
                    }
                }
                "failed" => {
                    report.failed += 1;
                    RecipientUpdate {
                        status: RecipientStatus::Failed,
                        step: (next < steps.len()).then_some(next as u32),
                        due_at: Some(run.now),
                        done: next >= steps.len(),
                        sent_at: None,
                        error: s.outbox_error.clone(),
                    }
                }
                other => {
                    if other == "unknown" {
                        report.unknown += 1;
                    }
                    RecipientUpdate {
                        status: match other {
                            "sending" => RecipientStatus::Sending,
                            "unknown" => RecipientStatus::Unknown,
                            _ => RecipientStatus::Queued,
                        },
                        step: None,
                        due_at: None,
                        done: false,
                        sent_at: None,
                        error: s.outbox_error.clone(),
                    }
                }
            };
            store
                .settle_send(
                    s.id,
                    state,
                    s.outbox_error.as_deref(),
                    s.recipient_id,
                    &update,
                    run.now,
                )
                .await?;
        }
        Ok(())
    }

    /// Unknown sends: confirmed from the other side's records, or queued again once those
    /// records say they never arrived.
    async fn reconcile(
        &self,
        store: &Store,
        secrets: &dyn SecretStore,
        run: &Run<'_>,
        report: &mut TickReport,
    ) -> Result<(), CampaignError> {
        let unknown: Vec<OpenSend> = store
            .open_sends(run.id)
            .await?
            .into_iter()
            .filter(|s| s.outbox_state == "unknown")
            .collect();
        if unknown.is_empty() {
            return Ok(());
        }
        let waits = evidence::waits(store).await?;
        let mut changed = false;
        for channel in StepChannel::ALL {
            let sends: Vec<OpenSend> = unknown
                .iter()
                .filter(|s| s.channel == *channel)
                .cloned()
                .collect();
            if sends.is_empty() {
                continue;
            }
            let wait = waits.get(channel).copied().unwrap_or(10);
            let found = evidence::gather(store, secrets, *channel, &sends, run.now, wait).await;
            for s in &sends {
                match found.get(&s.outbox_id) {
                    Some(Evidence::Sent) => {
                        store.mark_outbox_sent(s.outbox_id, run.now).await?;
                        report.confirmed += 1;
                        changed = true;
                    }
                    Some(Evidence::NotSent) => {
                        // The other side has no trace of it: it never left; the same row
                        // (same bytes, same reference) goes out on the next pass.
                        store.retry_outbox(s.outbox_id).await?;
                        report.requeued += 1;
                        changed = true;
                    }
                    Some(Evidence::Unsure(why)) => {
                        tracing::info!(outbox = s.outbox_id, %why, "send still unsettled");
                    }
                    None => {}
                }
            }
        }
        if changed {
            self.settle(store, run, report).await?;
        }
        Ok(())
    }

    /// Replies, calls in and "unsubscribe"/"stop" answers from contacted recipients.
    async fn replies(
        &self,
        store: &Store,
        run: &Run<'_>,
        report: &mut TickReport,
    ) -> Result<(), CampaignError> {
        let mut seen: HashSet<i64> = HashSet::new();
        for r in store
            .recipient_replies(run.id, super::window_ms(run.spec))
            .await?
        {
            if !seen.insert(r.recipient_id) {
                continue;
            }
            let stop = template::asks_to_stop(r.subject.as_deref(), r.body.as_deref());
            if stop && r.channel == "email" {
                if let Some(address) = &r.email {
                    store
                        .record_opt_outs(&[OptOut {
                            channel: "email".into(),
                            address: address.to_lowercase(),
                            keyword: Some("unsubscribe".into()),
                            source: "inbound_email".into(),
                            occurred_at: r.occurred_at,
                            opt_in: false,
                        }])
                        .await?;
                }
            }
            let status = if stop {
                report.opted_out += 1;
                RecipientStatus::OptedOut
            } else {
                report.replied += 1;
                RecipientStatus::Replied
            };
            store
                .mark_replied(r.recipient_id, r.occurred_at, status, run.now)
                .await?;
        }
        Ok(())
    }

    /// Queues up to [`BATCH`] due steps; returns how many.
    async fn select(
        &mut self,
        store: &Store,
        run: &mut Run<'_>,
        report: &mut TickReport,
    ) -> Result<usize, CampaignError> {
        let now = run.now;
        let spec = run.spec;
        let mut queued = 0;
        let mut capped: HashSet<StepChannel> = HashSet::new();
        for r in store.due_recipients(run.id, now, SCAN).await? {
            if queued >= BATCH || capped.len() == StepChannel::ALL.len() {
                break;
            }
            let step_index = r.step as usize;
            let Some(step) = spec.steps.get(step_index) else {
                store
                    .update_recipient(
                        r.id,
                        &RecipientUpdate::finished(RecipientStatus::Skipped),
                        now,
                    )
                    .await?;
                continue;
            };
            let c = &r.candidate;
            // Checked again at send time, across every channel and address.
            if let Some(why) = &c.opted_out {
                report.opted_out += 1;
                let mut u = RecipientUpdate::finished(RecipientStatus::OptedOut);
                u.error = Some(format!("opted out ({why})"));
                store.update_recipient(r.id, &u, now).await?;
                continue;
            }
            if c.status == "blocked" {
                report.skipped += 1;
                let mut u = RecipientUpdate::finished(RecipientStatus::Skipped);
                u.error = Some("blocked".into());
                store.update_recipient(r.id, &u, now).await?;
                continue;
            }
            let Some(address) = address_for(step.channel, c).map(str::to_owned) else {
                report.skipped += 1;
                let what = match step.channel {
                    StepChannel::Email => "email address",
                    _ => "phone number",
                };
                store
                    .update_recipient(r.id, &skip(&r, spec, now, format!("no {what}")), now)
                    .await?;
                continue;
            };
            if capped.contains(&step.channel) {
                continue;
            }
            if let Some(window) = &spec.schedule.window {
                let tz = pace::recipient_zone(
                    c.time_zone.as_deref(),
                    c.phone.as_deref(),
                    run.business_tz,
                );
                let open = pace::next_open(window, tz, now);
                if open > now {
                    let u = RecipientUpdate {
                        status: status_now(&r),
                        step: None,
                        due_at: Some(open),
                        done: false,
                        sent_at: None,
                        error: None,
                    };
                    store.update_recipient(r.id, &u, now).await?;
                    run.waiting.get_or_insert_with(|| {
                        format!(
                            "outside the send window for some recipients (next opens {})",
                            clock(open, tz)
                        )
                    });
                    continue;
                }
            }
            let pace_of = match step.channel {
                StepChannel::Email => spec.schedule.email,
                StepChannel::Sms => spec.schedule.sms,
                StepChannel::Call => spec.schedule.call,
            };
            if pace_of.daily_cap > 0 {
                let since = pace::local_midnight(run.business_tz, now);
                if store.sends_since(run.id, step.channel, since).await? >= pace_of.daily_cap {
                    capped.insert(step.channel);
                    run.waiting = Some(format!(
                        "daily cap of {} {} reached; continues tomorrow",
                        pace_of.daily_cap, step.channel
                    ));
                    continue;
                }
            }
            if step.channel == StepChannel::Call {
                let busy = store.calls_in_progress(run.id, now, CALL_SLOT_MS).await?;
                if busy >= spec.schedule.call_concurrency.max(1) {
                    capped.insert(StepChannel::Call);
                    run.waiting = Some(format!("{busy} calls in progress (the limit)"));
                    continue;
                }
            }
            let key = (run.id, step.channel);
            let bucket = match self.buckets.entry(key) {
                std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                std::collections::hash_map::Entry::Vacant(e) => {
                    let recent = store
                        .sends_since(run.id, step.channel, now - 60_000)
                        .await?;
                    e.insert(TokenBucket::new(pace_of, now, recent))
                }
            };
            if bucket.take(now).is_err() {
                capped.insert(step.channel);
                continue;
            }
            match build_send(
                store,
                &self.sender,
                run.id,
                spec,
                &r,
                step_index,
                &address,
                now,
            )
            .await
            {
                Ok(send) => {
                    if store.queue_campaign_send(run.id, &send, now).await? {
                        queued += 1;
                        report.queued += 1;
                    }
                }
                Err(CampaignError::Provider(ProviderError::OptedOut { how, .. })) => {
                    report.opted_out += 1;
                    let mut u = RecipientUpdate::finished(RecipientStatus::OptedOut);
                    u.error = Some(format!("opted out ({how})"));
                    store.update_recipient(r.id, &u, now).await?;
                }
                Err(
                    e @ (CampaignError::Provider(ProviderError::Invalid(_))
                    | CampaignError::Mail(crate::mail::MailError::Compose(_))),
                ) => {
                    report.skipped += 1;
                    store
                        .update_recipient(r.id, &skip(&r, spec, now, e.to_string()), now)
                        .await?;
                }
                Err(e) => {
                    // Settings or the network: nothing is lost, the step stays due.
                    let why = e.to_string();
                    store
                        .note_campaign(run.id, Some("cannot send: see the last error"), Some(&why))
                        .await?;
                    capped.insert(step.channel);
                    run.waiting = Some(format!("cannot send {}: {why}", step.channel));
                }
            }
        }
        Ok(queued)
    }
}

/// The state of one campaign's pass.
struct Run<'a> {
    id: i64,
    spec: &'a CampaignSpec,
    business_tz: Tz,
    now: i64,
    waiting: Option<String>,
}

impl RecipientUpdate {
    /// No more steps.
    pub fn finished(status: RecipientStatus) -> RecipientUpdate {
        RecipientUpdate {
            status,
            step: None,
            due_at: None,
            done: true,
            sent_at: None,
            error: None,
        }
    }
}

fn status_now(r: &DueRecipient) -> RecipientStatus {
    if r.first_sent_at.is_some() {
        RecipientStatus::Sent
    } else {
        RecipientStatus::Pending
    }
}

/// A step that cannot be taken for this person: on to the next, or finished.
fn skip(r: &DueRecipient, spec: &CampaignSpec, now: i64, why: String) -> RecipientUpdate {
    let next = r.step as usize + 1;
    let status = if r.first_sent_at.is_some() {
        RecipientStatus::Sent
    } else {
        RecipientStatus::Skipped
    };
    RecipientUpdate {
        status,
        step: (next < spec.steps.len()).then_some(next as u32),
        due_at: Some(now),
        done: next >= spec.steps.len(),
        sent_at: None,
        error: Some(why),
    }
}

fn clock(ms: i64, tz: Tz) -> String {
    use chrono::TimeZone;
    tz.timestamp_millis_opt(ms)
        .single()
        .map(|t| t.format("%a %d %b %H:%M %Z").to_string())
        .unwrap_or_default()
}

/// The send for one step: exact bytes, fixed reference.
#[allow(clippy::too_many_arguments)]
async fn build_send(
    store: &Store,
    sender: &Sender,
    campaign: i64,
    spec: &CampaignSpec,
    r: &DueRecipient,
    step_index: usize,
    address: &str,
    now: i64,
) -> Result<NewSend, CampaignError> {
    let step = &spec.steps[step_index];
    let c = &r.candidate;
    let step_no = step_index as u32;
    match step.channel {
        StepChannel::Email => {
            let e = step.email.clone().unwrap_or_default();
            let account = super::email_account(store, &e.account).await?;
            let preview = render_step(
                spec,
                step_index,
                sender,
                account.addresses.first().map(String::as_str),
                c,
            );
            let id = super::message_id(&account, campaign, r.id, step_no);
            let raw = super::build_email(&account, address, &preview, &id, true)?;
            let mail = prepare(&raw, None, Some(now));
            Ok(NewSend {
                recipient_id: r.id,
                step: step_no,
                channel: step.channel,
                address: address.to_owned(),
                reference: mail.parsed.message_key.clone(),
                outbox_channel: "email",
                outbox_account: account.name.clone(),
                payload: raw,
                mail: Some((account, mail)),
            })
        }
        StepChannel::Sms => {
            let preview = render_step(spec, step_index, sender, None, c);
            let (to, payload) =
                crate::providers::send::prepare_sms(store, address, &preview.text).await?;
            Ok(NewSend {
                recipient_id: r.id,
                step: step_no,
                channel: step.channel,
                address: to,
                reference: format!("hearth:sms:c{campaign}-r{}-s{step_no}", r.id),
                outbox_channel: "sms",
                outbox_account: "telnyx".into(),
                payload,
                mail: None,
            })
        }
        StepChannel::Call => {
            let call = step.call.clone().unwrap_or_default();
            let values = values_for(spec, sender, c);
            let variables: Map<String, Value> = call
                .variables
                .iter()
                .map(|(k, v)| (k.clone(), Value::String(template::render(v, &values).0)))
                .collect();
            let reference = format!("hearth:call:c{campaign}-r{}-s{step_no}", r.id);
            let (to, payload) = crate::providers::send::prepare_call(
                store,
                address,
                Some(&c.name),
                variables,
                call.assistant_id.as_deref(),
                call.phone_number_id.as_deref(),
                &reference,
            )
            .await?;
            Ok(NewSend {
                recipient_id: r.id,
                step: step_no,
                channel: step.channel,
                address: to,
                reference,
                outbox_channel: "voice_ai",
                outbox_account: "vapi".into(),
                payload,
                mail: None,
            })
        }
    }
}

/// Sends what is due in the shared outbox: mail over SMTP, texts and calls to the providers.
async fn deliver_outbox(
    store: &Store,
    secrets: &dyn SecretStore,
    events: &dyn EventSink,
) -> Result<(), CampaignError> {
    crate::mail::send::process_outbox(store, secrets, events).await?;
    crate::providers::send::process_outbox(store, secrets, events).await?;
    Ok(())
}

/// The engine as the app runs it: a pass every `tick` (at once again while work is due,
/// and when nudged after a launch, pause or resume), until stopped.
#[derive(Debug)]
pub struct CampaignJob(crate::periodic::Periodic);

impl CampaignJob {
    pub fn start(
        store: Store,
        secrets: std::sync::Arc<dyn SecretStore>,
        events: std::sync::Arc<dyn EventSink>,
        sender: Sender,
        tick: std::time::Duration,
    ) -> CampaignJob {
        CampaignJob(crate::periodic::Periodic::start(
            move |mut ticker| async move {
                let mut engine = Engine::new(sender);
                loop {
                    let mut again = false;
                    match engine
                        .tick(
                            &store,
                            secrets.as_ref(),
                            events.as_ref(),
                            crate::now_ms(),
                            true,
                        )
                        .await
                    {
                        Ok(r) => {
                            if r.sent + r.queued + r.failed + r.replied + r.opted_out > 0
                                || !r.completed.is_empty()
                            {
                                events.emit(crate::events::CoreEvent::CampaignProgress {
                                    sent: r.sent,
                                    queued: r.queued,
                                    completed: r.completed.clone(),
                                });
                            }
                            again = r.busy;
                        }
                        Err(e) => tracing::warn!(error = %e, "campaign pass failed"),
                    }
                    let wait = if again {
                        std::time::Duration::from_millis(20)
                    } else {
                        tick
                    };
                    if !ticker.wait(wait).await {
                        break;
                    }
                }
            },
        ))
    }

    /// A pass now (after a launch, pause, resume or stop).
    pub fn nudge(&self) {
        self.0.nudge();
    }

    /// Stops after the pass in hand; each send is committed before it leaves, so an
    /// abort loses nothing.
    pub async fn stop(self, timeout: std::time::Duration) {
        self.0.stop(timeout).await;
    }
}
