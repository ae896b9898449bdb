//! After a crash or a lost answer, a send in `unknown` either went out or did not, and the
//! only safe way to know is to ask the other side: the business's own mailbox (every
//! campaign email carries a Bcc to it and has a Message-ID fixed in advance), Telnyx's
//! message records (matched by number and text), VAPI's call list (our reference is the
//! call's `name`). Absence counts only once the provider's records can be trusted to be
//! complete: after a wait per channel (Telnyx warns that records of the last ~4 h may lag).

use std::collections::HashMap;

use super::CampaignError;
use crate::mail::{convert, imap, password};
use crate::providers::{connect, job::sync_provider, vapi, Provider};
use crate::secrets::SecretStore;
use crate::store::{OpenSend, Store};
use hearth_types::StepChannel;

/// What the other side says about one send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Evidence {
    Sent,
    NotSent,
    /// Not yet knowable (records may lag, or the lookup failed): ask again later.
    Unsure(String),
}

/// The setting that overrides how long to wait for records before absence counts.
pub const WAIT_SETTING: &str = "campaign_evidence_wait";

/// Minutes to wait per channel before a missing record means "not sent": the setting
/// (`"email=10,sms=240,call=2"`, or one number for all), else these defaults.
pub async fn waits(store: &Store) -> Result<HashMap<StepChannel, i64>, CampaignError> {
    let mut waits: HashMap<StepChannel, i64> = [
        (StepChannel::Email, 10),
        (StepChannel::Sms, 240),
        (StepChannel::Call, 2),
    ]
    .into();
    if let Some(value) = store.setting(WAIT_SETTING).await? {
        apply_waits(&mut waits, &value);
    }
    Ok(waits)
}

/// Parses the setting into `waits`; unreadable parts are ignored.
pub fn apply_waits(waits: &mut HashMap<StepChannel, i64>, value: &str) {
    if let Ok(all) = value.trim().parse::<i64>() {
        for v in waits.values_mut() {
            *v = all.max(0);
        }
        return;
    }
    for part in value.split(',') {
        if let Some((k, v)) = part.split_once('=') {
            if let (Some(ch), Ok(m)) = (StepChannel::parse(k), v.trim().parse::<i64>()) {
                waits.insert(ch, m.max(0));
            }
        }
    }
}

/// Evidence for unknown sends of one channel.
pub async fn gather(
    store: &Store,
    secrets: &dyn SecretStore,
    channel: StepChannel,
    sends: &[OpenSend],
    now: i64,
    wait_minutes: i64,
) -> HashMap<i64, Evidence> {
    let found = match channel {
        StepChannel::Email => emails(store, secrets, sends).await,
        StepChannel::Sms => texts(store, secrets, sends).await,
        StepChannel::Call => calls(store, secrets, sends, now).await,
    };
    let found = match found {
        Ok(f) => f,
        Err(e) => {
            let why = e.to_string();
            return sends
                .iter()
                .map(|s| (s.outbox_id, Evidence::Unsure(why.clone())))
                .collect();
        }
    };
    sends
        .iter()
        .map(|s| {
            let evidence = if found.contains(&s.outbox_id) {
                Evidence::Sent
            } else if now - s.outbox_created_at >= wait_minutes * 60_000 {
                Evidence::NotSent
            } else {
                Evidence::Unsure(format!(
                    "no record yet; absence counts after {wait_minutes} min"
                ))
            };
            (s.outbox_id, evidence)
        })
        .collect()
}

/// Outbox ids whose message is in the account's INBOX (the Bcc copy) or Sent folder.
async fn emails(
    store: &Store,
    secrets: &dyn SecretStore,
    sends: &[OpenSend],
) -> Result<Vec<i64>, CampaignError> {
    let mut by_account: HashMap<String, Vec<(i64, String)>> = HashMap::new();
    for s in sends {
        let item = store.outbox_item(s.outbox_id).await?;
        if let Some(id) = convert::parse(&item.payload).message_id {
            by_account
                .entry(item.account)
                .or_default()
                .push((s.outbox_id, id));
        }
    }
    let mut found = Vec::new();
    for (name, items) in by_account {
        let account = store.mail_account(&name).await?;
        let password = password(store, secrets, &account).await?;
        let host = account.imap.host.clone();
        let mut session = imap::login(&account, &password).await?;
        let folders = imap::list_folders(&mut session, &host).await?;
        let mut names = vec!["INBOX".to_owned()];
        if let Some(sent) = imap::find_sent(&folders) {
            names.push(sent.name.clone());
        }
        let mut left = items;
        for folder in names {
            if left.is_empty() {
                break;
            }
            imap::examine(&mut session, &host, &folder).await?;
            let mut missing = Vec::new();
            for (outbox_id, message_id) in left {
                if imap::has_message_id(&mut session, &host, &message_id).await? {
                    found.push(outbox_id);
                } else {
                    missing.push((outbox_id, message_id));
                }
            }
            left = missing;
        }
        let _ = imap::step(&host, "logging out", session.logout()).await;
    }
    Ok(found)
}

/// Outbox ids the Telnyx sync matched to a message record (it settles them itself).
async fn texts(
    store: &Store,
    secrets: &dyn SecretStore,
    sends: &[OpenSend],
) -> Result<Vec<i64>, CampaignError> {
    sync_provider(store, secrets, Provider::Telnyx, &|_, _| {}).await?;
    let mut found = Vec::new();
    for s in sends {
        if store.outbox_item(s.outbox_id).await?.state == "sent" {
            found.push(s.outbox_id);
        }
    }
    Ok(found)
}

/// Outbox ids whose reference is the `name` of a call VAPI lists.
async fn calls(
    store: &Store,
    secrets: &dyn SecretStore,
    sends: &[OpenSend],
    now: i64,
) -> Result<Vec<i64>, CampaignError> {
    const LIMIT: usize = 1000;
    let conn = connect(store, secrets, Provider::Vapi).await?;
    let earliest = sends
        .iter()
        .map(|s| s.outbox_created_at)
        .min()
        .unwrap_or(now)
        - 10 * 60_000;
    let listed = vapi::client::list_calls(&conn.api, earliest, now + 60_000, LIMIT).await?;
    if listed.len() >= LIMIT {
        return Err(CampaignError::Invalid(vec![
            "VAPI listed 1000 calls in the window; cannot tell which went out".into(),
        ]));
    }
    let names: std::collections::HashSet<String> = listed
        .iter()
        .filter_map(|raw| {
            serde_json::from_str::<serde_json::Value>(raw.get())
                .ok()
                // A call VAPI ended at once for its concurrency limit never rang.
                .filter(|v| {
                    !v.get("endedReason")
                        .and_then(|r| r.as_str())
                        .is_some_and(|r| r.contains("concurrency-limit"))
                })
                .and_then(|v| v.get("name").and_then(|n| n.as_str()).map(str::to_owned))
        })
        .collect();
    let mut found = Vec::new();
    for s in sends {
        let item = store.outbox_item(s.outbox_id).await?;
        if names.contains(&item.reference) {
            found.push(s.outbox_id);
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_read_from_the_setting() {
        let mut w: HashMap<StepChannel, i64> =
            [(StepChannel::Email, 10), (StepChannel::Sms, 240)].into();
        apply_waits(&mut w, "sms=5, email=x");
        assert_eq!(w[&StepChannel::Sms], 5);
        assert_eq!(w[&StepChannel::Email], 10);
        apply_waits(&mut w, "0");
        assert_eq!(w[&StepChannel::Sms], 0);
    }
}
