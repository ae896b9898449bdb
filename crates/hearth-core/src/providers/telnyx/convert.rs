//! Telnyx records → timeline records: messaging detail records as `sms` interactions,
//! voice detail records as `call` interactions, opt-out rows and STOP texts as opt-outs.
//! Money is a decimal string, turned into integer micro-units exactly (never f64).

use std::str::FromStr;

use hearth_types::{Channel, Direction};
use rust_decimal::Decimal;
use serde_json::{json, Map, Value};

use super::wire::{CallRecord, MessageRecord, OptOutRow};
use crate::domain::NewInteraction;
use crate::providers::source::parse_time;
use crate::store::{OptOut, PhoneParty, ProviderRecord};

/// The source name of Telnyx interactions.
pub const SOURCE: &str = "telnyx";

/// What is known of a message's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Body {
    /// Fetched, or sent from here.
    Text(String),
    /// Outbound and not fetched: the copy sent from here is kept as it is.
    Local,
    /// Older than Telnyx keeps bodies (10 days), or gone: said so, never guessed.
    Unavailable,
    /// The messaging profile redacts texts.
    Redacted,
}

/// A decimal money string ("0.0040") or number as integer micro-units.
pub fn micros(value: &Value) -> Option<i64> {
    let text = match value {
        Value::String(s) => s.trim().to_owned(),
        Value::Number(n) => n.to_string(),
        _ => return None,
    };
    let d = Decimal::from_str(&text)
        .or_else(|_| Decimal::from_scientific(&text))
        .ok()?;
    (d * Decimal::from(1_000_000)).round().try_into().ok()
}

fn text_of(value: &Option<Value>) -> Option<String> {
    match value.as_ref()? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// An MDR as an `sms` interaction; `e164` normalizes the other party's number.
pub fn message_record(
    mdr: &MessageRecord,
    body: Body,
    e164: impl Fn(&str) -> Option<String>,
) -> Result<ProviderRecord, String> {
    let direction = match mdr.direction.as_deref() {
        Some("inbound") => Direction::Inbound,
        Some("outbound") => Direction::Outbound,
        other => return Err(format!("message {}: unknown direction {other:?}", mdr.uuid)),
    };
    let at = mdr
        .created_at
        .as_deref()
        .or(mdr.sent_at.as_deref())
        .and_then(parse_time)
        .ok_or_else(|| format!("message {}: no readable created_at", mdr.uuid))?;
    let (ours, theirs) = match direction {
        Direction::Inbound => (&mdr.cld, &mdr.cli),
        _ => (&mdr.cli, &mdr.cld),
    };
    let party = theirs
        .as_deref()
        .and_then(&e164)
        .map(|number| PhoneParty { number, name: None });
    let mut meta = Map::new();
    let mut put = |k: &str, v: Value| {
        if !v.is_null() {
            meta.insert(k.to_owned(), v);
        }
    };
    put("status", json!(mdr.status));
    put("carrier", json!(mdr.carrier));
    put("message_type", json!(mdr.message_type));
    put("parts", mdr.parts.clone().unwrap_or(Value::Null));
    put("cost", json!(text_of(&mdr.cost)));
    put("currency", json!(mdr.currency));
    put("country_code", json!(mdr.country_code));
    put("profile", json!(mdr.profile_name));
    put("our_number", json!(ours));
    put("their_number", json!(theirs));
    put(
        "sent_at",
        json!(mdr.sent_at.as_deref().and_then(parse_time)),
    );
    put(
        "completed_at",
        json!(mdr.completed_at.as_deref().and_then(parse_time)),
    );
    put("updated_at", json!(mdr.updated_at));
    if let Some(errors) = mdr
        .errors
        .as_ref()
        .filter(|e| e.as_array().is_some_and(|a| !a.is_empty()))
    {
        put("errors", errors.clone());
    }
    let text = match body {
        Body::Text(t) => Some(t),
        Body::Local => None,
        Body::Unavailable => {
            put("body_state", json!("unavailable"));
            None
        }
        Body::Redacted => {
            put("body_state", json!("redacted"));
            None
        }
    };
    let sentiment = crate::analytics::score::interaction_sentiment(
        Channel::Sms,
        direction,
        text.as_deref(),
        None,
    );
    let interaction = NewInteraction {
        body: text,
        sentiment,
        cost_micros: mdr.cost.as_ref().and_then(micros),
        metadata: Value::Object(meta),
        ..NewInteraction::new(Channel::Sms, direction, at, SOURCE, mdr.uuid.clone())
    };
    Ok(ProviderRecord {
        interaction,
        party,
        reference: None,
    })
}

/// A voice detail record as a `call` interaction, read tolerantly.
pub fn call_record(
    cdr: &CallRecord,
    e164: impl Fn(&str) -> Option<String>,
) -> Result<ProviderRecord, String> {
    let id = [
        &cdr.id,
        &cdr.call_leg_id,
        &cdr.call_control_id,
        &cdr.telnyx_call_control_id,
        &cdr.call_session_id,
        &cdr.session_id,
        &cdr.sip_call_id,
    ]
    .into_iter()
    .find_map(|v| v.clone().filter(|s| !s.is_empty()))
    .ok_or("a call record without any id")?;
    let direction = match cdr
        .direction
        .as_deref()
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("inbound" | "incoming") => Direction::Inbound,
        Some("outbound" | "outgoing") => Direction::Outbound,
        other => return Err(format!("call record {id}: unknown direction {other:?}")),
    };
    let time =
        |a: &Option<String>, b: &Option<String>| a.as_deref().or(b.as_deref()).and_then(parse_time);
    let started = time(&cdr.started_at, &cdr.start_time);
    let finished = time(&cdr.finished_at, &cdr.end_time);
    let at = started
        .or(cdr.created_at.as_deref().and_then(parse_time))
        .or(finished)
        .ok_or_else(|| format!("call record {id}: no readable start time"))?;
    let from = cdr
        .cli
        .as_ref()
        .or(cdr.caller_number.as_ref())
        .or(cdr.from.as_ref());
    let to = cdr
        .cld
        .as_ref()
        .or(cdr.dest_number.as_ref())
        .or(cdr.to.as_ref());
    let (ours, theirs) = match direction {
        Direction::Inbound => (to, from),
        _ => (from, to),
    };
    let seconds = |v: &Option<Value>| match v.as_ref()? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse::<f64>().ok(),
        _ => None,
    };
    let talk = seconds(&cdr.call_sec);
    let duration_ms = talk
        .map(|s| (s * 1000.0).round() as i64)
        .or(match (started, finished) {
            (Some(s), Some(f)) if f >= s => Some(f - s),
            _ => None,
        });
    let mut meta = Map::new();
    let mut put = |k: &str, v: Value| {
        if !v.is_null() {
            meta.insert(k.to_owned(), v);
        }
    };
    put("hangup_cause", json!(cdr.hangup_cause));
    put("hangup_source", json!(cdr.hangup_source));
    put("answered", json!(talk.map(|s| s > 0.0)));
    put("billed_sec", json!(seconds(&cdr.billed_sec)));
    put("cost", json!(text_of(&cdr.cost)));
    put("currency", json!(cdr.currency));
    put("our_number", json!(ours));
    put("their_number", json!(theirs));
    put("connection", json!(cdr.connection_name));
    put(
        "call_control_id",
        json!(cdr
            .call_control_id
            .as_ref()
            .or(cdr.telnyx_call_control_id.as_ref())),
    );
    let subject = match (talk, &cdr.hangup_cause) {
        (Some(s), _) if s <= 0.0 => "Call · not answered".to_owned(),
        (_, Some(cause)) => format!("Call · {cause}"),
        _ => "Call".to_owned(),
    };
    Ok(ProviderRecord {
        interaction: NewInteraction {
            subject: Some(subject),
            duration_ms,
            cost_micros: cdr.cost.as_ref().and_then(micros),
            metadata: Value::Object(meta),
            ..NewInteraction::new(Channel::Call, direction, at, SOURCE, id)
        },
        party: theirs
            .map(String::as_str)
            .and_then(&e164)
            .map(|number| PhoneParty { number, name: None }),
        reference: None,
    })
}

/// A mirrored opt-out row.
pub fn opt_out(row: &OptOutRow, e164: impl Fn(&str) -> Option<String>) -> Result<OptOut, String> {
    let address =
        e164(&row.to).ok_or_else(|| format!("opt-out for {:?}: not a phone number", row.to))?;
    Ok(OptOut {
        channel: "sms".into(),
        address,
        keyword: row.keyword.clone(),
        source: "telnyx_optouts".into(),
        occurred_at: row
            .created_at
            .as_deref()
            .and_then(parse_time)
            .unwrap_or_else(crate::now_ms),
        opt_in: false,
    })
}

/// Telnyx's opt-out keywords (STOP, STOPALL, STOP ALL, UNSUBSCRIBE, CANCEL, END, QUIT) and
/// opt-in ones (START, UNSTOP): `Some(true)` opts out, `Some(false)` opts back in. The
/// whole text must be the keyword, as carriers read it.
pub fn keyword(text: &str) -> Option<bool> {
    let word: String = text
        .trim()
        .trim_end_matches(['.', '!'])
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_ascii_uppercase();
    match word.as_str() {
        "STOP" | "STOPALL" | "STOP ALL" | "UNSUBSCRIBE" | "CANCEL" | "END" | "QUIT" => Some(true),
        "START" | "UNSTOP" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(n: &str) -> Option<String> {
        Some(n.to_owned())
    }

    #[test]
    fn money_is_exact() {
        assert_eq!(micros(&json!("0.0040")), Some(4_000));
        assert_eq!(micros(&json!("0.0")), Some(0));
        assert_eq!(micros(&json!("12.345678")), Some(12_345_678));
        assert_eq!(micros(&json!(0.1473)), Some(147_300));
        assert_eq!(micros(&json!("n/a")), None);
    }

    #[test]
    fn the_contract_mdrs_convert() {
        let inbound: MessageRecord = serde_json::from_value(json!({
            "record_type": "message_detail_record", "uuid": "9f1c", "direction": "inbound",
            "message_type": "SMS", "status": "received", "cli": "+14155550123",
            "cld": "+18445550001", "parts": 1, "created_at": "2026-08-01T14:12:03Z",
            "cost": "0.0000", "currency": "USD", "carrier": "T-Mobile USA", "errors": [], "tags": ""
        }))
        .unwrap();
        let r = message_record(&inbound, Body::Text("Thursday works".into()), id).unwrap();
        assert_eq!(r.interaction.direction, Direction::Inbound);
        assert_eq!(r.party.unwrap().number, "+14155550123");
        assert_eq!(r.interaction.body.as_deref(), Some("Thursday works"));
        assert_eq!(r.interaction.metadata["our_number"], "+18445550001");
        assert_eq!(r.interaction.metadata.get("errors"), None);
        let old = message_record(&inbound, Body::Unavailable, id).unwrap();
        assert_eq!(old.interaction.body, None);
        assert_eq!(old.interaction.metadata["body_state"], "unavailable");
        let outbound: MessageRecord = serde_json::from_value(json!({
            "uuid": "4038", "direction": "outbound", "status": "delivered", "cli": "+18445550001",
            "cld": "+14155550123", "created_at": "2026-08-01T14:10:00Z", "cost": "0.0040",
            "carrier_fee": "0.003", "currency": "USD", "errors": ["40008"]
        }))
        .unwrap();
        let r = message_record(&outbound, Body::Local, id).unwrap();
        assert_eq!(r.party.unwrap().number, "+14155550123");
        assert_eq!(r.interaction.cost_micros, Some(4_000));
        assert_eq!(r.interaction.metadata["cost"], "0.0040");
        assert_eq!(r.interaction.metadata["errors"][0], "40008");
        let bad: MessageRecord =
            serde_json::from_value(json!({"uuid": "x", "direction": "sideways"})).unwrap();
        assert!(message_record(&bad, Body::Local, id)
            .unwrap_err()
            .contains("direction"));
    }

    #[test]
    fn call_records_are_read_under_every_name() {
        let a: CallRecord = serde_json::from_value(json!({
            "id": "4b67", "direction": "outbound", "cli": "+18445550001", "cld": "+14155550123",
            "started_at": "2026-08-01T15:00:02Z", "finished_at": "2026-08-01T15:03:10Z",
            "call_sec": 181, "billed_sec": 240, "cost": "0.0280", "hangup_cause": "normal_clearing"
        }))
        .unwrap();
        let r = call_record(&a, id).unwrap();
        assert_eq!(r.interaction.channel, Channel::Call);
        assert_eq!(r.interaction.duration_ms, Some(181_000));
        assert_eq!(r.party.unwrap().number, "+14155550123");
        assert_eq!(
            r.interaction.subject.as_deref(),
            Some("Call · normal_clearing")
        );
        let b: CallRecord = serde_json::from_value(json!({
            "call_leg_id": "leg", "direction": "inbound", "caller_number": "+14155550124",
            "dest_number": "+18445550001", "start_time": "2026-08-01T15:00:02Z", "call_sec": "0"
        }))
        .unwrap();
        let r = call_record(&b, id).unwrap();
        assert_eq!(r.interaction.source_id, "leg");
        assert_eq!(r.party.unwrap().number, "+14155550124");
        assert_eq!(
            r.interaction.subject.as_deref(),
            Some("Call · not answered")
        );
        assert!(call_record(&CallRecord::default(), id).is_err());
    }

    #[test]
    fn keywords_are_whole_texts() {
        for k in [
            "STOP",
            "stop",
            " Stop. ",
            "STOP ALL",
            "stopall",
            "Unsubscribe",
            "QUIT!",
            "end",
        ] {
            assert_eq!(keyword(k), Some(true), "{k}");
        }
        assert_eq!(keyword("start"), Some(false));
        assert_eq!(keyword("UNSTOP"), Some(false));
        assert_eq!(keyword("please stop calling me"), None);
        assert_eq!(keyword("I want to cancel my appointment"), None);
    }
}
