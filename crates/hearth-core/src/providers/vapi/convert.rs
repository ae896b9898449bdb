//! VAPI calls → timeline records (`voice_ai` interactions).
//!
//! Kept: direction, start and end, duration (VAPI has no duration field: end − start),
//! `endedReason` as free text, cost (USD float → integer micro-dollars), the transcript
//! as the body and the customer's own turns apart (only they count for sentiment),
//! summary, success evaluation (a string), structured data and outputs, and the stable
//! recording URL (never the presigned ones, which expire).

use hearth_types::{Channel, Direction};
use serde_json::{json, Map, Value};

use super::wire::Call;
use crate::domain::NewInteraction;
use crate::store::{PhoneParty, ProviderRecord};

/// The source name of VAPI interactions.
pub const SOURCE: &str = "vapi";

/// Our outbox references start with this, so a polled call's `name` can be recognised.
pub const REFERENCE_PREFIX: &str = "hearth:";

/// A call as a record; `Ok(None)` for calls that are not phone calls (web calls).
/// `e164` normalizes the customer's number; `our_number` is the resolved phone-number id.
pub fn call_record(
    call: &Call,
    our_number: Option<&str>,
    e164: impl Fn(&str) -> Option<String>,
) -> Result<Option<ProviderRecord>, String> {
    let direction = match call.call_type.as_deref() {
        Some("inboundPhoneCall") => Direction::Inbound,
        Some("outboundPhoneCall") => Direction::Outbound,
        _ => return Ok(None),
    };
    let time = |t: &Option<String>| t.as_deref().and_then(crate::providers::source::parse_time);
    let created = crate::providers::source::parse_time(&call.created_at).ok_or_else(|| {
        format!(
            "call {}: unreadable createdAt {:?}",
            call.id, call.created_at
        )
    })?;
    let started = time(&call.started_at);
    let ended = time(&call.ended_at);
    let duration_ms = match (started, ended) {
        (Some(s), Some(e)) if e >= s => Some(e - s),
        _ => None,
    };
    let customer = call.customer.clone().unwrap_or_default();
    let party = customer
        .number
        .as_deref()
        .and_then(&e164)
        .map(|number| PhoneParty {
            number,
            name: customer.name.clone(),
        });
    let artifact = call.artifact.clone().unwrap_or_default();
    let analysis = call.analysis.clone().unwrap_or_default();
    let recording = artifact
        .recording
        .as_ref()
        .and_then(|r| {
            r.mono
                .as_ref()
                .and_then(|m| m.combined_url.clone())
                .or_else(|| r.stereo_url.clone())
        })
        .or_else(|| artifact.recording_url.clone())
        .or_else(|| artifact.stereo_recording_url.clone());
    let customer_text =
        customer_turns(artifact.messages.as_deref(), artifact.transcript.as_deref());
    let mut meta = Map::new();
    let mut put = |k: &str, v: Value| {
        if !v.is_null() {
            meta.insert(k.to_owned(), v);
        }
    };
    put("status", json!(call.status));
    put("updated_at", json!(call.updated_at));
    put("ended_reason", json!(call.ended_reason));
    put("ended_message", json!(call.ended_message));
    put("started_at", json!(started));
    put("ended_at", json!(ended));
    put("cost_usd", json!(call.cost));
    put(
        "success_evaluation",
        analysis.success_evaluation.clone().unwrap_or(Value::Null),
    );
    put(
        "structured_data",
        analysis.structured_data.clone().unwrap_or(Value::Null),
    );
    put(
        "structured_data_multi",
        analysis
            .structured_data_multi
            .clone()
            .unwrap_or(Value::Null),
    );
    put(
        "structured_outputs",
        artifact.structured_outputs.clone().unwrap_or(Value::Null),
    );
    put("recording_url", json!(recording));
    put("customer_text", json!(customer_text));
    put("customer_number", json!(customer.number));
    put("customer_name", json!(customer.name));
    put("assistant_id", json!(call.assistant_id));
    put("phone_number_id", json!(call.phone_number_id));
    put("our_number", json!(our_number));
    put("name", json!(call.name));
    put(
        "variables",
        call.assistant_overrides
            .as_ref()
            .and_then(|o| o.get("variableValues").cloned())
            .unwrap_or(Value::Null),
    );
    let body = artifact.transcript.clone().filter(|t| !t.trim().is_empty());
    let sentiment = crate::analytics::score::interaction_sentiment(
        Channel::VoiceAi,
        direction,
        body.as_deref(),
        customer_text.as_deref(),
    );
    let interaction = NewInteraction {
        subject: Some(subject(call)),
        sentiment,
        body,
        summary: analysis.summary.clone().filter(|s| !s.trim().is_empty()),
        duration_ms,
        cost_micros: call
            .cost
            .filter(|c| c.is_finite())
            .map(|c| (c * 1e6).round() as i64),
        metadata: Value::Object(meta),
        ..NewInteraction::new(
            Channel::VoiceAi,
            direction,
            started.unwrap_or(created),
            SOURCE,
            call.id.clone(),
        )
    };
    Ok(Some(ProviderRecord {
        interaction,
        party,
        reference: call
            .name
            .clone()
            .filter(|n| n.starts_with(REFERENCE_PREFIX)),
    }))
}

/// A short line for the timeline: "AI call · customer-ended-call".
fn subject(call: &Call) -> String {
    let state = call
        .ended_reason
        .as_deref()
        .or(call.status.as_deref())
        .unwrap_or("unknown");
    format!("AI call · {state}")
}

/// The customer's own words: `user` turns of `artifact.messages` (any role naming the
/// customer), else the `User:` lines of the transcript. The agent's turns never count.
pub fn customer_turns(messages: Option<&[Value]>, transcript: Option<&str>) -> Option<String> {
    if let Some(messages) = messages {
        let turns: Vec<&str> = messages
            .iter()
            .filter(|m| {
                matches!(
                    m.get("role").and_then(Value::as_str),
                    Some("user" | "customer")
                )
            })
            .filter_map(|m| m.get("message").and_then(Value::as_str))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .collect();
        if !turns.is_empty() {
            return Some(turns.join("\n"));
        }
    }
    let mut turns = Vec::new();
    let mut customer = false;
    for line in transcript?.lines() {
        let trimmed = line.trim();
        let speaker = trimmed
            .split_once(':')
            .map(|(s, rest)| (s.trim(), rest.trim()));
        match speaker {
            Some(("User" | "Customer", rest)) => {
                customer = true;
                if !rest.is_empty() {
                    turns.push(rest.to_owned());
                }
            }
            Some(("AI" | "Assistant" | "Bot" | "Agent", _)) => customer = false,
            _ if customer && !trimmed.is_empty() => turns.push(trimmed.to_owned()),
            _ => {}
        }
    }
    (!turns.is_empty()).then(|| turns.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(json: Value) -> Call {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn the_contract_example_converts() {
        let c = call(json!({
            "id": "8c1e", "orgId": "o", "type": "outboundPhoneCall", "status": "ended",
            "createdAt": "2026-08-01T14:02:55.101Z", "updatedAt": "2026-08-01T14:07:40.880Z",
            "startedAt": "2026-08-01T14:03:02.412Z", "endedAt": "2026-08-01T14:07:31.009Z",
            "endedReason": "customer-ended-call", "phoneNumberId": "pn",
            "customer": { "number": "+14155550123", "name": "Dana Reyes" },
            "assistantOverrides": { "variableValues": { "firstName": "Dana" } },
            "cost": 0.1473, "name": "hearth:call:1",
            "artifact": {
                "transcript": "AI: Hi Dana, this is Acme...\nUser: Yes, Thursday works.",
                "messages": [
                    { "role": "system", "message": "You are a helpful agent" },
                    { "role": "bot", "message": "Hi Dana, this is Acme..." },
                    { "role": "user", "message": "Yes, Thursday works." }
                ],
                "recording": { "mono": { "combinedUrl": "https://storage.vapi.ai/m.wav" } },
                "presignedMonoUrl": "https://signed/expiring",
                "structuredOutputs": { "550e": { "name": "Booking", "result": { "booked": true } } }
            },
            "analysis": { "summary": "Agreed to Thursday.", "successEvaluation": "true",
                          "structuredData": { "appointmentDay": "Thursday" } },
            "someNewField": { "x": 1 }
        }));
        let r = call_record(&c, Some("+18445550001"), |n| Some(n.to_owned()))
            .unwrap()
            .unwrap();
        let i = &r.interaction;
        assert_eq!(i.channel, Channel::VoiceAi);
        assert_eq!(i.direction, Direction::Outbound);
        assert_eq!(i.duration_ms, Some(268_597));
        assert_eq!(i.cost_micros, Some(147_300));
        assert_eq!(i.summary.as_deref(), Some("Agreed to Thursday."));
        assert!(i.body.as_deref().unwrap().starts_with("AI: Hi Dana"));
        assert_eq!(i.metadata["customer_text"], "Yes, Thursday works.");
        assert_eq!(i.metadata["success_evaluation"], "true");
        assert_eq!(i.metadata["recording_url"], "https://storage.vapi.ai/m.wav");
        assert_eq!(
            i.metadata["structured_outputs"]["550e"]["result"]["booked"],
            true
        );
        assert_eq!(i.metadata["our_number"], "+18445550001");
        assert_eq!(r.reference.as_deref(), Some("hearth:call:1"));
        assert_eq!(r.party.unwrap().name.as_deref(), Some("Dana Reyes"));
        assert!(!i.metadata.to_string().contains("signed/expiring"));
    }

    #[test]
    fn web_calls_are_skipped_and_sparse_calls_are_fine() {
        let web = call(json!({"id": "w", "createdAt": "2026-08-01T14:06:10.000Z",
                              "updatedAt": "2026-08-01T14:06:12.300Z", "type": "webCall"}));
        assert!(call_record(&web, None, |_| None).unwrap().is_none());
        let live = call(json!({"id": "l", "createdAt": "2026-08-01T14:06:10.000Z",
                               "updatedAt": "2026-08-01T14:06:12.300Z", "type": "inboundPhoneCall",
                               "status": "in-progress", "customer": {"number": "+12125550177"}}));
        let r = call_record(&live, None, |n| Some(n.to_owned()))
            .unwrap()
            .unwrap();
        assert_eq!(r.interaction.duration_ms, None);
        assert_eq!(
            r.interaction.subject.as_deref(),
            Some("AI call · in-progress")
        );
        assert_eq!(r.reference, None);
    }

    #[test]
    fn customer_turns_come_from_the_transcript_when_messages_are_missing() {
        let t = "AI: Hello, how can I help?\nUser: My heater broke\nagain, twice now.\nAI: Sorry to hear that.\nUser: Can you come today?";
        assert_eq!(
            customer_turns(None, Some(t)).unwrap(),
            "My heater broke\nagain, twice now.\nCan you come today?"
        );
        let roles = [
            json!({"role": "assistant", "message": "Hi"}),
            json!({"role": "user", "message": "Hey"}),
        ];
        assert_eq!(customer_turns(Some(&roles), Some(t)).unwrap(), "Hey");
        assert_eq!(customer_turns(None, Some("AI: only the agent spoke")), None);
    }
}
