//! Telnyx JSON shapes: MDRs (2.4A), voice CDRs (2.5), opt-outs (2.6) and message payloads
//! (2.2, 2.3).
//!
//! Money is a decimal string with a `currency`, and not always with the same number of
//! places (`"0.0040"` next to `"0.003"` and `"0.0"`), as the examples in the contract show.

use serde_json::{json, Value};

use super::model::{Cdr, Mdr, OptOut, HANGUP_CAUSES};
use crate::pool::{Accounts, Customer};
use crate::time::{iso_millis, iso_secs, Ms, DAY};

const US_CARRIERS: [&str; 4] = [
    "T-Mobile USA",
    "Verizon Wireless",
    "AT&T Wireless",
    "US Cellular",
];
const UK_CARRIERS: [&str; 3] = ["EE Limited", "Vodafone UK", "O2 UK"];

/// What rendering needs besides the record.
pub(crate) struct Ctx<'a> {
    pub accounts: &'a Accounts,
    pub pool: &'a [Customer],
}

/// Micro-dollars as a decimal string with `places` decimals.
pub(crate) fn money(micros: i64, places: u32) -> String {
    let unit = 10i64.pow(6 - places);
    let v = micros / unit;
    let scale = 10i64.pow(places);
    format!(
        "{}.{:0width$}",
        v / scale,
        v % scale,
        width = places as usize
    )
}

fn carrier(uk: bool, i: u8) -> &'static str {
    if uk {
        UK_CARRIERS[usize::from(i) % UK_CARRIERS.len()]
    } else {
        US_CARRIERS[usize::from(i) % US_CARRIERS.len()]
    }
}

/// Per-part rate in micro-dollars.
fn sms_rate(m: &Mdr, uk: bool) -> i64 {
    match (m.inbound, uk) {
        (false, false) => 4_000,
        (false, true) => 40_000,
        (true, false) => 4_000,
        (true, true) => 0,
    }
}

fn sms_cost(m: &Mdr, uk: bool) -> i64 {
    let fee = if !m.inbound && !uk { 3_000 } else { 0 };
    sms_rate(m, uk) * i64::from(m.parts) + fee
}

impl Ctx<'_> {
    pub(crate) fn mdr(&self, m: &Mdr) -> Value {
        let ours = self.accounts.telnyx_number;
        let uk = m.party.is_uk(self.pool);
        let outbound_us = !m.inbound && !uk;
        let mut v = json!({
            "record_type": "message_detail_record",
            "uuid": m.uuid.to_string(),
            "direction": if m.inbound { "inbound" } else { "outbound" },
            "cli": m.cli(self.pool, ours),
            "cld": m.cld(self.pool, ours),
            "status": m.status,
            "message_type": if m.mms { "MMS" } else { "SMS" },
            "parts": m.parts,
            "created_at": iso_secs(m.created_at),
            "updated_at": iso_secs(m.updated_at),
            "cost": money(sms_cost(m, uk), 4),
            "rate": money(sms_rate(m, uk), 4),
            "carrier_fee": if outbound_us { money(3_000, 3) } else { money(0, 1) },
            "currency": "USD",
            "carrier": carrier(uk, m.carrier),
            "country_code": if uk { "GB" } else { "US" },
            "source_country_code": "US",
            "profile_id": self.accounts.profile_id.to_string(),
            "profile_name": self.accounts.profile_name,
            "errors": m.error.map_or_else(Vec::new, |e| vec![e]),
            "tags": "",
            "on_net": false,
            "fteu": false,
            "user_id": self.accounts.telnyx_org.to_string(),
        });
        if let Some(o) = v.as_object_mut() {
            if let Some(t) = m.sent_at {
                o.insert("sent_at".into(), iso_secs(t).into());
            }
            if let Some(t) = m.completed_at {
                o.insert("completed_at".into(), iso_secs(t).into());
            }
        }
        v
    }

    /// A voice CDR in one of three field spellings (`cli`/`caller_number`, …).
    pub(crate) fn cdr(&self, c: &Cdr) -> Value {
        let ours = self.accounts.telnyx_number;
        let them = c.party.number(self.pool);
        let (from, to) = if c.inbound {
            (them, ours)
        } else {
            (ours, them)
        };
        let rate: i64 = if c.inbound { 3_500 } else { 7_000 };
        let cost = rate * i64::from(c.billed_sec) / 60;
        let mut v = json!({
            "id": c.id.to_string(),
            "direction": if c.inbound { "inbound" } else { "outbound" },
            "started_at": iso_secs(c.started_at),
            "finished_at": iso_secs(c.finished_at),
            "call_sec": c.call_sec,
            "billed_sec": c.billed_sec,
            "rate": money(rate, 4),
            "cost": money(cost, 4),
            "currency": "USD",
        });
        let Some(o) = v.as_object_mut() else {
            return v;
        };
        let control_id = format!("v3:{:016x}{:016x}", c.leg, c.id.as_u128() as u64);
        let hangup = HANGUP_CAUSES[usize::from(c.hangup) % HANGUP_CAUSES.len()];
        match c.dialect % 3 {
            0 => {
                o.insert("record_type".into(), "call-control".into());
                o.insert("cli".into(), from.into());
                o.insert("cld".into(), to.into());
                o.insert("created_at".into(), iso_secs(c.started_at).into());
                o.insert("call_control_id".into(), control_id.into());
                o.insert("call_leg_id".into(), format!("{:x}", c.leg).into());
                o.insert("hangup_cause".into(), hangup.into());
                o.insert("connection_name".into(), "Hearth voice".into());
                o.insert("tags".into(), "".into());
            }
            1 => {
                o.insert("record_type".into(), "call_control_detail_record".into());
                o.insert("caller_number".into(), from.into());
                o.insert("dest_number".into(), to.into());
                o.insert("telnyx_call_control_id".into(), control_id.into());
                o.insert("connected".into(), (c.call_sec > 0).into());
                o.insert("attempted".into(), true.into());
                o.insert("billing_group_name".into(), Value::Null);
            }
            _ => {
                o.insert("record_type".into(), "call-control".into());
                o.insert("cli".into(), from.into());
                o.insert("cld".into(), to.into());
                o.insert("call_session_id".into(), c.id.to_string().into());
                o.insert("session_id".into(), format!("{:x}", c.leg).into());
                o.insert(
                    "sip_call_id".into(),
                    format!("{:x}@sip.telnyx.com", c.leg).into(),
                );
            }
        }
        v
    }

    pub(crate) fn optout(&self, o: &OptOut, redact: bool) -> Value {
        let to = if redact {
            let keep = o.to.chars().count().saturating_sub(4);
            format!("{}****", o.to.chars().take(keep).collect::<String>())
        } else {
            o.to.clone()
        };
        json!({
            "from": self.accounts.telnyx_number,
            "to": to,
            "keyword": o.keyword,
            "messaging_profile_id": o.profile.then(|| self.accounts.profile_id.to_string()),
            "created_at": iso_secs(o.created_at),
        })
    }

    /// The message payload of `GET /messages/{id}` (and, with `just_sent`, of the
    /// `POST /messages` reply, whose recipient is still `queued`).
    pub(crate) fn message(&self, m: &Mdr, text: &str, just_sent: Option<Ms>) -> Value {
        let ours = self.accounts.telnyx_number;
        let them = m.party.number(self.pool);
        let uk = m.party.is_uk(self.pool);
        let line = json!({ "phone_number": them, "carrier": carrier(uk, m.carrier), "line_type": "Wireless" });
        let us = json!({ "phone_number": ours, "carrier": "Telnyx", "line_type": "VoIP" });
        let received = just_sent.unwrap_or(m.created_at);
        let (from, to) = if m.inbound {
            let mut to = us;
            to["status"] = "webhook_delivered".into();
            (line, to)
        } else {
            let mut to = line;
            to["status"] = if just_sent.is_some() {
                "queued"
            } else {
                recipient_status(m.status)
            }
            .into();
            (us, to)
        };
        let time = |t: Option<Ms>| t.filter(|_| just_sent.is_none()).map(iso_millis);
        json!({
            "record_type": "message",
            "id": m.uuid.to_string(),
            "direction": if m.inbound { "inbound" } else { "outbound" },
            "type": if m.mms { "MMS" } else { "SMS" },
            "messaging_profile_id": self.accounts.profile_id.to_string(),
            "organization_id": self.accounts.telnyx_org.to_string(),
            "from": from,
            "to": [to],
            "text": text,
            "media": [],
            "subject": null,
            "parts": m.parts,
            "encoding": if text.is_ascii() { "GSM-7" } else { "UCS-2" },
            "cost": { "amount": money(sms_cost(m, uk), 4), "currency": "USD" },
            "received_at": iso_millis(received),
            "sent_at": time(m.sent_at),
            "completed_at": time(m.completed_at),
            "valid_until": iso_millis(received + DAY),
            "webhook_url": null,
            "webhook_failover_url": null,
            "wait_seconds": 0.0,
            "errors": [],
            "tags": [],
            "tcr_campaign_id": null,
        })
    }
}

/// The recipient status (`to[].status`) an MDR status corresponds to.
fn recipient_status(mdr_status: &str) -> &'static str {
    match mdr_status {
        "delivered" => "delivered",
        "dlr_unconfirmed" | "dlr_timeout" => "delivery_unconfirmed",
        "gw_timeout" => "sending_failed",
        _ => "delivery_failed",
    }
}

#[cfg(test)]
mod tests {
    use super::money;

    #[test]
    fn money_strings() {
        assert_eq!(money(4_000, 4), "0.0040");
        assert_eq!(money(3_000, 3), "0.003");
        assert_eq!(money(0, 1), "0.0");
        assert_eq!(money(1_234_567, 4), "1.2345");
    }
}
