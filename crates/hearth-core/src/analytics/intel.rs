//! The analysis pass: for each contact marked as changed (or every contact), read its facts,
//! apply the rules (lead score, journey, next action, engagement, attention) and store the
//! conclusions with the marks they answer, chunk by chunk, so a pass stopped at any point
//! resumes with what is left. The lifetime-value model is refitted when orders changed or
//! on a new day (P(alive) moves with time), and then every customer is looked at again.
//! Contacts that became hot, and hot leads who wrote again, are announced once per pass.

use std::collections::{BTreeMap, HashMap};
use std::time::Instant;

use chrono::{DateTime, NaiveDate};
use chrono_tz::Tz;
use hearth_types::{Channel, ContactStatus, Direction, LeadWeights, LtvFigures, Tier};

use super::clv::FitOptions;
use super::contact_sentiment::contact_sentiment;
use super::engagement::engagement;
use super::facts::{Facts, OpenDeal, Seen, Touch};
use super::journey::{attention, next_action, stage};
use super::lead::{self, headline};
use super::ltv::{self, LtvError};
use super::sentiment::strip_email_noise;
use super::signals::{quote, scan};
use crate::events::{CoreEvent, EventSink, HotLeadAlert, HotLeadKind};
use crate::store::{IntelRow, RawFacts, Store, StoreError};

/// Contacts read, computed and written together.
const CHUNK: usize = 2_000;
/// Buying signals count when said within this window (90 days).
pub const SIGNAL_WINDOW_MS: i64 = 90 * 86_400_000;
/// The L2 penalty for a model that has no plain maximum-likelihood fit.
const PENALIZER: f64 = 0.001;

/// Which contacts a pass looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Those marked as changed (and every customer when the model is refitted).
    Changed,
    /// Everyone.
    All,
}

/// What a pass did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AnalysisReport {
    pub contacts: u64,
    pub hot: u64,
    pub alerts: Vec<HotLeadAlert>,
    /// The model was refitted, on this many orders' customers.
    pub refitted: Option<usize>,
    /// The currency modelled.
    pub currency: Option<String>,
    /// Why lifetime value is missing or how it was fitted, when that needs saying.
    pub ltv_note: Option<String>,
    pub elapsed_ms: u64,
}

/// Why a pass failed.
#[derive(Debug, thiserror::Error)]
pub enum AnalysisError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the analysis stopped unexpectedly: {0}")]
    Worker(String),
}

/// Runs one pass at `now` (UTC ms).
pub async fn analyze(
    store: &Store,
    events: &dyn EventSink,
    scope: Scope,
    now: i64,
) -> Result<AnalysisReport, AnalysisError> {
    let started = Instant::now();
    let weights = store.lead_weights().await?;
    let tz = store.business_time_zone().await?;
    let today = DateTime::from_timestamp_millis(now)
        .map(|t| t.date_naive())
        .unwrap_or(NaiveDate::MIN);
    let mut report = AnalysisReport::default();

    // A new model when orders changed or the day did; then every customer is looked at.
    let day = today.to_string();
    let mut fresh_ltv: Option<HashMap<i64, LtvFigures>> = None;
    if scope == Scope::All || store.ltv_model_stale(&day).await? {
        store.ltv_model_fitting(&day).await?;
        let discount = store.ltv_discount_rate().await?;
        // Small order books often have no sharp maximum. Fallbacks: scipy's default
        // gradient tolerance (1e-5, what `lifetimes` fits to) with more iterations, then
        // lifetimes' advice, a small L2 penalty, keeping the best point found.
        let mut fitted = ltv::fit(store, today, None, discount).await;
        // (options, what it says, whether it can help a spend model that diverged: a looser
        // tolerance cannot)
        let fallbacks = [
            (
                FitOptions {
                    tolerance: 1e-5,
                    max_iterations: 5_000,
                    ..FitOptions::default()
                },
                "fitted to scipy's gradient tolerance 1e-5",
                false,
            ),
            (
                FitOptions {
                    penalizer_coef: PENALIZER,
                    strict: false,
                    ..FitOptions::default()
                },
                "fitted with a small L2 penalty (lifetimes' advice for small order books)",
                true,
            ),
        ];
        for (options, how, helps_spend) in fallbacks {
            // A failed BG/NBD fit, or a spend model that did not fit, tries the next way.
            let why = match &fitted {
                Err(LtvError::Model(e)) => e.to_string(),
                Ok(f) => match &f.gamma_gamma {
                    Err(_) if !helps_spend => continue,
                    Err(e) => format!("spend model: {e}"),
                    Ok(_) => break,
                },
                Err(_) => break,
            };
            let next = ltv::fit_with(store, today, None, discount, options).await;
            let better = match (&fitted, &next) {
                (Err(_), _) => true,
                (Ok(_), Ok(n)) => n.gamma_gamma.is_ok(),
                (Ok(_), Err(_)) => false,
            };
            if better {
                if let Ok(f) = &next {
                    report.ltv_note = Some(format!(
                        "no fit at full precision ({why}); {how}{}",
                        if f.bgnbd.converged {
                            ""
                        } else {
                            ", not fully converged"
                        }
                    ));
                }
                fitted = next;
            }
        }
        let map = match fitted {
            Ok(fit) => {
                report.refitted = Some(fit.contacts.len());
                if let Err(why) = &fit.gamma_gamma {
                    report.ltv_note = Some(format!("no 12-month value: {why}"));
                }
                report.currency = Some(fit.currency.clone());
                fit.contacts
                    .iter()
                    .map(|c| {
                        (
                            c.contact_id,
                            LtvFigures {
                                currency: fit.currency.clone(),
                                orders: c.orders as i64,
                                historic_minor: c.historic_minor,
                                average_minor: if c.orders > 0 {
                                    c.historic_minor / c.orders as i64
                                } else {
                                    0
                                },
                                p_alive: c.p_alive,
                                expected_purchases_52w: c.expected_purchases_52w,
                                clv_12m_minor: c.clv_12m_minor.map(|v| v.round() as i64),
                            },
                        )
                    })
                    .collect()
            }
            Err(LtvError::Store(e)) => return Err(e.into()),
            Err(e) => {
                report.ltv_note = Some(e.to_string());
                HashMap::new()
            }
        };
        fresh_ltv = Some(map);
    }

    let mut ids: Vec<i64> = Vec::new();
    match scope {
        Scope::All => {
            let mut after = 0;
            loop {
                let page = store.contact_ids(after, 50_000).await?;
                let Some(&last) = page.last() else { break };
                after = last;
                ids.extend(page);
            }
        }
        Scope::Changed => {
            let mut after = 0;
            loop {
                let page = store.dirty_contacts(after, 50_000).await?;
                let Some(&last) = page.last() else { break };
                after = last;
                ids.extend(page);
            }
            if fresh_ltv.is_some() {
                ids.extend(store.contacts_with_orders_or_ltv().await?);
                ids.sort_unstable();
                ids.dedup();
            }
        }
    }

    for chunk in ids.chunks(CHUNK) {
        let raw = store.intel_facts(chunk).await?;
        let weights = weights.clone();
        let fresh = fresh_ltv.as_ref().map(|m| {
            chunk
                .iter()
                .filter_map(|id| m.get(id).map(|l| (*id, l.clone())))
                .collect::<HashMap<_, _>>()
        });
        let (rows, merged, alerts) =
            tokio::task::spawn_blocking(move || conclude(raw, fresh.as_ref(), &weights, tz, now))
                .await
                .map_err(|e| AnalysisError::Worker(e.to_string()))?;
        store.store_intel(&rows, &merged, now).await?;
        report.contacts += rows.len() as u64;
        report.hot += rows.iter().filter(|r| r.tier == "hot").count() as u64;
        report.alerts.extend(alerts);
    }
    if report.contacts > 0 {
        events.emit(CoreEvent::IntelUpdated {
            contacts: report.contacts,
            hot: report.hot,
        });
    }
    if !report.alerts.is_empty() {
        events.emit(CoreEvent::HotLeads {
            leads: report.alerts.clone(),
        });
    }
    report.elapsed_ms = started.elapsed().as_millis() as u64;
    Ok(report)
}

const FULL_DAY: &str = "intel_full_day";

/// The pass a running app makes: everyone once a day (reasons like "waiting for 3 h" and
/// "last heard from 2 months ago" age without any change), else only changed contacts.
pub async fn analyze_due(
    store: &Store,
    events: &dyn EventSink,
    now: i64,
) -> Result<AnalysisReport, AnalysisError> {
    let today = DateTime::from_timestamp_millis(now)
        .map(|t| t.date_naive().to_string())
        .unwrap_or_default();
    if store.setting(FULL_DAY).await?.as_deref() != Some(today.as_str()) {
        let report = analyze(store, events, Scope::All, now).await?;
        store.set_setting(FULL_DAY, &today).await?;
        return Ok(report);
    }
    if store.count_dirty_contacts().await? == 0 && !store.ltv_model_stale(&today).await? {
        return Ok(AnalysisReport::default());
    }
    analyze(store, events, Scope::Changed, now).await
}

/// A running analysis: a pass every `tick` when something changed, at once when nudged.
#[derive(Debug)]
pub struct AnalysisJob(crate::periodic::Periodic);

impl AnalysisJob {
    pub fn start(
        store: Store,
        events: std::sync::Arc<dyn EventSink>,
        tick: std::time::Duration,
    ) -> AnalysisJob {
        AnalysisJob(crate::periodic::Periodic::start(
            move |mut ticker| async move {
                loop {
                    match analyze_due(&store, events.as_ref(), crate::now_ms()).await {
                        Ok(r) if r.contacts > 0 => tracing::debug!(
                            contacts = r.contacts,
                            hot = r.hot,
                            ms = r.elapsed_ms,
                            "analysis pass"
                        ),
                        Ok(_) => {}
                        // The marks stay: the next pass tries again.
                        Err(e) => tracing::warn!(error = %e, "analysis pass failed"),
                    }
                    if !ticker.wait(tick).await {
                        break;
                    }
                }
            },
        ))
    }

    /// Runs a pass soon (after a sync or an import).
    pub fn nudge(&self) {
        self.0.nudge();
    }

    /// Stops after the pass in hand (each chunk is one transaction: an abort loses
    /// nothing but time).
    pub async fn stop(self, timeout: std::time::Duration) {
        self.0.stop(timeout).await;
    }
}

type Concluded = (Vec<IntelRow>, Vec<(i64, Option<i64>)>, Vec<HotLeadAlert>);

/// The rules over one chunk; `fresh` holds new lifetime values when the model was
/// refitted (a customer missing from it has none now).
fn conclude(
    raw: Vec<RawFacts>,
    fresh: Option<&HashMap<i64, LtvFigures>>,
    weights: &LeadWeights,
    tz: Tz,
    now: i64,
) -> Concluded {
    let mut rows = Vec::with_capacity(raw.len());
    let mut merged = Vec::new();
    let mut alerts = Vec::new();
    for r in raw {
        if r.merged {
            merged.push((r.contact_id, r.dirty_seq));
            continue;
        }
        let ltv = match fresh {
            Some(m) => m.get(&r.contact_id).cloned(),
            None => r.previous.as_ref().and_then(|p| p.ltv.clone()),
        };
        let facts = facts_of(&r, ltv, now);
        let eng = engagement(&facts, tz);
        let lead = lead::score(&facts, weights, eng.their_response_ms, now);
        let (st, st_reason) = stage(&facts, now);
        let (action, why) = next_action(&facts, &lead, st, &eng, now);
        let needs = attention(&facts, &lead, now);
        let last_inbound = facts.last(Direction::Inbound);
        let prev = r.previous.as_ref();
        let was_hot = prev.is_some_and(|p| p.tier == "hot");
        let hot_since = match lead.tier {
            Tier::Hot => Some(prev.and_then(|p| p.hot_since).unwrap_or(now)),
            _ => None,
        };
        if lead.tier == Tier::Hot {
            let kind = if !was_hot {
                Some(HotLeadKind::BecameHot)
            } else if last_inbound > prev.and_then(|p| p.last_inbound_at) {
                Some(HotLeadKind::WroteAgain)
            } else {
                None
            };
            if let Some(kind) = kind {
                alerts.push(HotLeadAlert {
                    contact_id: r.contact_id,
                    name: r.name.clone(),
                    score: lead.score,
                    reason: headline(&lead.factors),
                    kind,
                });
            }
        }
        rows.push(IntelRow {
            id: r.contact_id,
            seq: r.dirty_seq,
            score: lead.score,
            tier: lead.tier.as_str(),
            factors: lead.factors,
            stage: st.as_str(),
            stage_reason: st_reason,
            next_action: action,
            next_reason: why,
            engagement: eng,
            ltv: facts.ltv,
            needs_attention: needs.as_ref().map(|(why, _)| why.clone()),
            attention_rank: needs.map_or(0, |(_, rank)| rank),
            hot_since,
            last_inbound_at: last_inbound,
        });
    }
    (rows, merged, alerts)
}

/// Turns stored facts into the rules' facts: channels parsed, the customer's words
/// scanned for signals, sentiment summarized.
fn facts_of(r: &RawFacts, ltv: Option<LtvFigures>, now: i64) -> Facts {
    let mut f = Facts::new(r.contact_id, &r.name);
    f.status = r.status.parse().unwrap_or(ContactStatus::Lead);
    f.has_email = r.has_email;
    f.has_phone = r.has_phone;
    f.company = r.company.clone();
    f.time_zone = r.time_zone.clone();
    f.has_notes = r.has_notes;
    f.orders = r.orders;
    f.last_order_at = r.last_order_at;
    f.open_deals = r
        .open_deals
        .iter()
        .map(|(title, stage)| OpenDeal {
            title: title.clone(),
            stage: stage.clone(),
        })
        .collect();
    f.ltv = ltv;
    f.done_through = r.done_through;
    f.snoozed_until = r.snoozed_until;
    let mut scored = Vec::new();
    let mut signals: BTreeMap<_, Seen> = BTreeMap::new();
    for i in &r.interactions {
        let channel: Channel = i.channel.parse().unwrap_or(Channel::Note);
        let direction: Direction = i.direction.parse().unwrap_or(Direction::Internal);
        f.touches.push(Touch {
            at: i.occurred_at,
            channel,
            direction,
            duration_ms: i.duration_ms,
        });
        if let Some(s) = i.sentiment {
            scored.push((i.occurred_at, s));
        }
        // What they said long ago no longer tells what they want now.
        if now - i.occurred_at > SIGNAL_WINDOW_MS {
            continue;
        }
        let Some(text) = i.customer_text.as_deref() else {
            continue;
        };
        let cleaned;
        let text = if channel == Channel::Email {
            cleaned = strip_email_noise(text);
            cleaned.as_str()
        } else {
            text
        };
        for hit in scan(text) {
            let seen = signals.entry(hit.signal).or_insert_with(|| Seen {
                count: 0,
                last_at: i64::MIN,
                quote: String::new(),
            });
            seen.count += 1;
            // Rows come oldest first: the newest quote wins.
            seen.last_at = i.occurred_at;
            seen.quote = quote(text, &hit);
        }
    }
    f.signals = signals;
    f.sentiment = contact_sentiment(&scored, now);
    f
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{NewContact, NewInteraction, NewOrder};
    use hearth_types::IdentityKind;

    const DAY: i64 = 86_400_000;

    fn collect() -> (
        std::sync::Arc<std::sync::Mutex<Vec<CoreEvent>>>,
        impl EventSink,
    ) {
        let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let sink = {
            let seen = seen.clone();
            move |e: CoreEvent| seen.lock().unwrap().push(e)
        };
        (seen, sink)
    }

    async fn lead(store: &Store, name: &str, email: &str) -> i64 {
        store
            .add_contact(&NewContact {
                name: name.into(),
                identities: vec![(IdentityKind::Email, email.into())],
                ..Default::default()
            })
            .await
            .unwrap()
            .id
    }

    fn inbound(contact: i64, id: &str, at: i64, body: &str) -> NewInteraction {
        NewInteraction {
            contact_id: Some(contact),
            body: Some(body.into()),
            ..NewInteraction::new(Channel::Sms, Direction::Inbound, at, "test", id)
        }
    }

    #[tokio::test]
    async fn changed_contacts_are_scored_once_and_hot_leads_announced_once_per_crossing() {
        let store = Store::open_in_memory().await.unwrap();
        let now = crate::now_ms();
        let ann = lead(&store, "Ann", "ann@x.com").await;
        let bob = lead(&store, "Bob", "bob@x.com").await;
        let (seen, sink) = collect();
        let r = analyze(&store, &sink, Scope::Changed, now).await.unwrap();
        assert_eq!((r.contacts, r.hot, r.alerts.len()), (2, 0, 0));
        assert!(r.ltv_note.unwrap().contains("no completed orders"));
        assert_eq!(store.count_dirty_contacts().await.unwrap(), 0);
        // Nothing changed: nothing to do.
        let r = analyze(&store, &sink, Scope::Changed, now).await.unwrap();
        assert_eq!(r.contacts, 0);

        // Ann writes like a buyer: budget, owner, urgent, timeline.
        store
            .upsert_interactions(&[inbound(
                ann,
                "1",
                now - DAY,
                "I am the owner. Our budget is $8,000 and we need it done this month, it's urgent. How much for the install?",
            )])
            .await
            .unwrap();
        let r = analyze(&store, &sink, Scope::Changed, now).await.unwrap();
        assert_eq!((r.contacts, r.hot), (1, 1));
        assert_eq!(r.alerts.len(), 1);
        assert_eq!(r.alerts[0].kind, HotLeadKind::BecameHot);
        assert_eq!(r.alerts[0].name, "Ann");
        let intel = store.contact_intel(ann).await.unwrap().unwrap();
        assert_eq!(intel.tier, Tier::Hot);
        assert_eq!(intel.score, 100);
        assert!(intel
            .factors
            .iter()
            .any(|f| f.key == "budget" && f.reason.contains("$8,000")));
        assert_eq!(intel.next_action, "Respond now");
        assert_eq!(
            intel
                .needs_attention
                .as_deref()
                .map(|s| s.starts_with("hot lead waiting")),
            Some(true)
        );
        let hot_since = intel.hot_since.unwrap();

        // Analysed again with nothing new: no second notification.
        store.mark_all_for_analysis().await.unwrap();
        let r = analyze(&store, &sink, Scope::Changed, now).await.unwrap();
        assert_eq!((r.contacts, r.alerts.len()), (2, 0));
        // She writes again: news, though she was hot already.
        store
            .upsert_interactions(&[inbound(ann, "2", now - 1000, "Any update?")])
            .await
            .unwrap();
        let r = analyze(&store, &sink, Scope::Changed, now).await.unwrap();
        assert_eq!(r.alerts.len(), 1);
        assert_eq!(r.alerts[0].kind, HotLeadKind::WroteAgain);
        assert_eq!(
            store.contact_intel(ann).await.unwrap().unwrap().hot_since,
            Some(hot_since)
        );

        // Weights change: she cools below 80, then crosses again and is announced again.
        let mut w = store.lead_weights().await.unwrap();
        w.set("decision_maker", 0).unwrap();
        w.set("budget", 0).unwrap();
        store.set_lead_weights(&w).await.unwrap();
        let r = analyze(&store, &sink, Scope::Changed, now).await.unwrap();
        assert_eq!((r.hot, r.alerts.len()), (0, 0));
        assert_eq!(
            store.contact_intel(ann).await.unwrap().unwrap().hot_since,
            None
        );
        store
            .set_lead_weights(&LeadWeights::default())
            .await
            .unwrap();
        let r = analyze(&store, &sink, Scope::Changed, now).await.unwrap();
        assert_eq!(r.alerts.len(), 1);
        assert_eq!(r.alerts[0].kind, HotLeadKind::BecameHot);
        assert_eq!(store.hot_leads(10).await.unwrap()[0].contact_id, ann);
        let _ = bob;

        let events = seen.lock().unwrap();
        let announced: Vec<_> = events
            .iter()
            .filter_map(|e| match e {
                CoreEvent::HotLeads { leads } => Some(leads.len()),
                _ => None,
            })
            .collect();
        assert_eq!(announced, [1, 1, 1]);
    }

    #[tokio::test]
    async fn orders_refit_the_model_and_merged_contacts_lose_their_rows() {
        let store = Store::open_in_memory().await.unwrap();
        let now = crate::now_ms();
        let mut ids = Vec::new();
        for i in 0..30 {
            ids.push(lead(&store, &format!("C{i}"), &format!("c{i}@x.com")).await);
        }
        let mut orders = Vec::new();
        for (n, id) in ids.iter().enumerate() {
            for k in 0..(n % 4 + 1) {
                orders.push(NewOrder {
                    contact_id: Some(*id),
                    source: "shop".into(),
                    external_id: format!("{n}-{k}"),
                    placed_at: now - ((n as i64 * 7 + k as i64 * 40) % 300 + 1) * DAY,
                    total_minor: 1_000 + 500 * k as i64 + n as i64 * 10,
                    currency: "USD".into(),
                    status: "completed".into(),
                    items: serde_json::json!([]),
                });
            }
        }
        store.upsert_orders(&orders).await.unwrap();
        let r = analyze(&store, &crate::events::NoEvents, Scope::Changed, now)
            .await
            .unwrap();
        assert_eq!(r.refitted, Some(30), "{:?}", r.ltv_note);
        assert_eq!(r.contacts, 30);
        let intel = store.contact_intel(ids[3]).await.unwrap().unwrap();
        let ltv = intel.ltv.unwrap();
        assert_eq!((ltv.orders, ltv.currency.as_str()), (4, "USD"));
        assert!(ltv.p_alive > 0.0 && ltv.p_alive <= 1.0, "{ltv:?}");
        assert!(ltv.clv_12m_minor.is_some());
        assert_eq!(intel.stage, hearth_types::Stage::ActiveCustomer);
        // Same day, no new orders: no refit.
        let r = analyze(&store, &crate::events::NoEvents, Scope::Changed, now)
            .await
            .unwrap();
        assert_eq!((r.refitted, r.contacts), (None, 0));
        // Merging moves the rows; the merged contact's analysis goes.
        sqlx::query("UPDATE orders SET contact_id = ?1 WHERE contact_id = ?2")
            .bind(ids[0])
            .bind(ids[1])
            .execute(&store.pool)
            .await
            .unwrap();
        sqlx::query("UPDATE contacts SET merged_into = ?1 WHERE id = ?2")
            .bind(ids[0])
            .bind(ids[1])
            .execute(&store.pool)
            .await
            .unwrap();
        analyze(&store, &crate::events::NoEvents, Scope::Changed, now)
            .await
            .unwrap();
        assert!(store.contact_intel(ids[1]).await.unwrap().is_none());
        assert_eq!(
            store
                .contact_intel(ids[0])
                .await
                .unwrap()
                .unwrap()
                .ltv
                .unwrap()
                .orders,
            3
        );
    }
}
