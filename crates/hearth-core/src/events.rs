//! What the core tells the outside world while it works: sync progress, errors, outbox
//! changes. The shell turns these into UI events, tray state and notifications; the CLI
//! prints them; tests collect them. The core never knows who listens.

use serde::Serialize;

/// Something the core did or noticed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CoreEvent {
    /// A folder sync made progress: `done` of `total` new messages stored.
    MailProgress {
        account: String,
        folder: String,
        done: u64,
        total: u64,
    },
    /// A folder is stored up to the server's newest message.
    MailFolderSynced {
        account: String,
        folder: String,
        new: u64,
        stored: i64,
    },
    /// A sync failed; it is retried at `retry_at` (UTC ms) when that can help.
    MailSyncFailed {
        account: String,
        folder: Option<String>,
        error: String,
        retry_at: Option<i64>,
    },
    /// An outbox row changed state (queued, sent, failed, unknown).
    OutboxChanged { id: i64, state: String },
    /// A provider feed stored a batch: `received` records so far in this poll.
    ProviderProgress {
        provider: String,
        feed: String,
        received: u64,
    },
    /// A provider poll finished.
    ProviderSynced { provider: String, received: u64 },
    /// A provider poll failed; it is tried again at `retry_at` (UTC ms).
    ProviderSyncFailed {
        provider: String,
        error: String,
        retry_at: Option<i64>,
    },
    /// A campaign pass changed something (sends, replies, status): views refresh.
    CampaignProgress {
        sent: u64,
        queued: u64,
        completed: Vec<i64>,
    },
    /// An analysis pass stored new conclusions for `contacts` contacts.
    IntelUpdated { contacts: u64, hot: u64 },
    /// Contacts became hot leads, or hot leads wrote or called again: one event per pass,
    /// each lead once per crossing.
    HotLeads { leads: Vec<HotLeadAlert> },
}

/// A hot lead worth telling the owner about now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HotLeadAlert {
    pub contact_id: i64,
    pub name: String,
    pub score: i64,
    /// The biggest factors, in words.
    pub reason: String,
    /// Why now: they just became hot, or a hot lead wrote or called again.
    pub kind: HotLeadKind,
}

/// What made a hot lead news.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HotLeadKind {
    BecameHot,
    WroteAgain,
}

/// Where events go.
pub trait EventSink: Send + Sync {
    fn emit(&self, event: CoreEvent);
}

/// Drops every event.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoEvents;

impl EventSink for NoEvents {
    fn emit(&self, _event: CoreEvent) {}
}

impl EventSink for tokio::sync::broadcast::Sender<CoreEvent> {
    fn emit(&self, event: CoreEvent) {
        // No receiver is fine: nobody is looking right now.
        let _ = self.send(event);
    }
}

impl<F: Fn(CoreEvent) + Send + Sync> EventSink for F {
    fn emit(&self, event: CoreEvent) {
        self(event)
    }
}

/// A desktop notification's words for hot leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HotLeadMessage {
    /// The contact its action opens.
    pub contact_id: i64,
    pub summary: String,
    pub body: String,
}

/// Most notifications one pass shows; beyond it, one notification lists them all (a
/// first analysis or a big import must not bury the desktop).
pub const MAX_SEPARATE_ALERTS: usize = 3;

/// The notifications for a pass's alerts: one per lead, or one for all of them.
pub fn hot_lead_messages(alerts: &[HotLeadAlert]) -> Vec<HotLeadMessage> {
    if alerts.len() > MAX_SEPARATE_ALERTS {
        let mut sorted: Vec<_> = alerts.iter().collect();
        sorted.sort_by(|a, b| b.score.cmp(&a.score).then(a.contact_id.cmp(&b.contact_id)));
        let names: Vec<_> = sorted
            .iter()
            .take(5)
            .map(|a| format!("{} ({})", a.name, a.score))
            .collect();
        let more = alerts.len().saturating_sub(5);
        let body = if more > 0 {
            format!("{} and {more} more", names.join(", "))
        } else {
            names.join(", ")
        };
        return vec![HotLeadMessage {
            contact_id: sorted[0].contact_id,
            summary: format!("{} hot leads", alerts.len()),
            body,
        }];
    }
    alerts
        .iter()
        .map(|a| HotLeadMessage {
            contact_id: a.contact_id,
            summary: match a.kind {
                HotLeadKind::BecameHot => format!("Hot lead: {}", a.name),
                HotLeadKind::WroteAgain => format!("{} (hot lead) wrote again", a.name),
            },
            body: format!("Score {} — {}", a.score, a.reason),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alert(id: i64, score: i64, kind: HotLeadKind) -> HotLeadAlert {
        HotLeadAlert {
            contact_id: id,
            name: format!("C{id}"),
            score,
            reason: "budget mentioned, decision maker".into(),
            kind,
        }
    }

    #[test]
    fn a_few_leads_get_a_notification_each_and_many_get_one() {
        let m = hot_lead_messages(&[
            alert(1, 85, HotLeadKind::BecameHot),
            alert(2, 90, HotLeadKind::WroteAgain),
        ]);
        assert_eq!(m.len(), 2);
        assert_eq!(m[0].summary, "Hot lead: C1");
        assert_eq!(m[0].body, "Score 85 — budget mentioned, decision maker");
        assert_eq!(m[1].summary, "C2 (hot lead) wrote again");
        let many: Vec<_> = (1..=7)
            .map(|i| alert(i, 80 + i, HotLeadKind::BecameHot))
            .collect();
        let m = hot_lead_messages(&many);
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].summary, "7 hot leads");
        assert_eq!(m[0].contact_id, 7);
        assert_eq!(
            m[0].body,
            "C7 (87), C6 (86), C5 (85), C4 (84), C3 (83) and 2 more"
        );
        assert!(hot_lead_messages(&[]).is_empty());
    }
}
