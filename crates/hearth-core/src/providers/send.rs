//! Texts (Telnyx `POST /messages`) and AI calls (VAPI `POST /call`) through the durable
//! outbox. The exact request body is fixed when queued; it goes out once.
//!
//! Neither API has an idempotency key, so a request whose answer was lost (timeout,
//! dropped connection, 5xx, an unreadable 2xx) is never re-sent on its own: the row
//! becomes `unknown` and the next poll settles it — a VAPI call carries our reference in
//! its `name`; a Telnyx text is matched by number and text. 429 and connection failures
//! are retried with backoff; a refusal is final, and Telnyx's 40300 ("blocked due to STOP")
//! also records the opt-out.

use hearth_types::{Channel, Direction};
use serde_json::{json, Map, Value};

use super::telnyx::wire::CreateMessage;
use super::vapi::convert::REFERENCE_PREFIX;
use super::vapi::wire::{CreateCall, Customer};
use super::{connect, telnyx, vapi, Provider, ProviderError, ProviderSettings};
use crate::domain::normalize_phone;
use crate::domain::NewInteraction;
use crate::events::EventSink;
use crate::now_ms;
use crate::outbox::{backoff_ms, OutboxReport};
use crate::secrets::SecretStore;
use crate::store::{OptOut, OutboxItem, PhoneParty, SendOutcome, Store};

/// Longest text accepted (Telnyx splits long texts into parts; ten parts is plenty).
pub const MAX_SMS_CHARS: usize = 1600;

async fn settings(store: &Store, provider: Provider) -> Result<ProviderSettings, ProviderError> {
    let name = provider.as_str();
    let account = store
        .provider_account(name)
        .await?
        .ok_or(ProviderError::NotConfigured { provider: name })?;
    Ok(super::settings_of(&account))
}

async fn refuse_opted_out(store: &Store, channel: &str, number: &str) -> Result<(), ProviderError> {
    match store.opt_out_of(channel, number).await? {
        Some(o) => Err(ProviderError::OptedOut {
            channel: channel.into(),
            address: number.into(),
            how: describe_opt_out(&o),
        }),
        None => Ok(()),
    }
}

fn describe_opt_out(o: &OptOut) -> String {
    let when = chrono::DateTime::from_timestamp_millis(o.occurred_at)
        .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_default();
    let keyword = o
        .keyword
        .as_deref()
        .map(|k| format!("{k}, "))
        .unwrap_or_default();
    format!("{keyword}{} on {when}", o.source.replace('_', " "))
}

/// Queues a text to `to` from the Telnyx number in Settings.
pub async fn queue_sms(store: &Store, to: &str, text: &str) -> Result<OutboxItem, ProviderError> {
    let (_, payload) = prepare_sms(store, to, text).await?;
    let reference = format!("{REFERENCE_PREFIX}sms:{}", uuid::Uuid::new_v4());
    Ok(store
        .queue_outbox("sms", "telnyx", &payload, &reference)
        .await?)
}

/// The exact `POST /messages` body for a text to `to` (normalized, checked against the
/// opt-out ledger), with that number.
pub async fn prepare_sms(
    store: &Store,
    to: &str,
    text: &str,
) -> Result<(String, Vec<u8>), ProviderError> {
    let settings = settings(store, Provider::Telnyx).await?;
    let from = settings.from_number.ok_or(ProviderError::InvalidSettings {
        provider: "telnyx",
        reason: "no sending number; set it in Settings (from number)".into(),
    })?;
    let to = normalize_phone(to, store.region())?;
    let text = text.trim();
    if text.is_empty() || text.chars().count() > MAX_SMS_CHARS {
        return Err(ProviderError::InvalidSettings {
            provider: "telnyx",
            reason: format!("a text must have 1 to {MAX_SMS_CHARS} characters"),
        });
    }
    refuse_opted_out(store, "sms", &to).await?;
    let body = CreateMessage {
        to: to.clone(),
        from,
        text: text.to_owned(),
        messaging_profile_id: settings.messaging_profile_id,
    };
    Ok((to, serde_json::to_vec(&body).unwrap_or_default()))
}

/// Queues a text answering a stored interaction: to the number that interaction was
/// with, else the contact's first phone number.
pub async fn queue_sms_reply(
    store: &Store,
    interaction_id: i64,
    text: &str,
) -> Result<OutboxItem, ProviderError> {
    let (contact, number) = store.reply_target(interaction_id).await?;
    let number = match number {
        Some(n) => n,
        None => {
            let contact = contact.ok_or_else(|| ProviderError::InvalidSettings {
                provider: "telnyx",
                reason: "this message has no contact to text back".into(),
            })?;
            store
                .contact(contact)
                .await?
                .identities
                .into_iter()
                .find(|i| i.kind == hearth_types::IdentityKind::Phone)
                .map(|i| i.value)
                .ok_or_else(|| ProviderError::InvalidSettings {
                    provider: "telnyx",
                    reason: "the contact has no phone number".into(),
                })?
        }
    };
    queue_sms(store, &number, text).await
}

/// Queues an AI call to `to` with the assistant and number in Settings; `variables` fill
/// the assistant's `{{placeholders}}`.
pub async fn queue_call(
    store: &Store,
    to: &str,
    name: Option<&str>,
    variables: Map<String, Value>,
) -> Result<OutboxItem, ProviderError> {
    let reference = format!("{REFERENCE_PREFIX}call:{}", uuid::Uuid::new_v4());
    let (_, payload) = prepare_call(store, to, name, variables, None, None, &reference).await?;
    Ok(store
        .queue_outbox("voice_ai", "vapi", &payload, &reference)
        .await?)
}

/// The exact `POST /call` body for an AI call to `to` (checked against the opt-out
/// ledger): the assistant and number in Settings unless `assistant` / `number` name
/// others, and `reference` as the call's `name`, so a call whose answer was lost is
/// recognised later.
pub async fn prepare_call(
    store: &Store,
    to: &str,
    name: Option<&str>,
    variables: Map<String, Value>,
    assistant: Option<&str>,
    number: Option<&str>,
    reference: &str,
) -> Result<(String, Vec<u8>), ProviderError> {
    let settings = settings(store, Provider::Vapi).await?;
    let missing = |what: &str| ProviderError::InvalidSettings {
        provider: "vapi",
        reason: format!("no {what}; set it in Settings"),
    };
    let assistant_id = match assistant.map(str::trim).filter(|a| !a.is_empty()) {
        Some(a) => a.to_owned(),
        None => settings
            .assistant_id
            .ok_or_else(|| missing("assistant id"))?,
    };
    let phone_number_id = match number.map(str::trim).filter(|n| !n.is_empty()) {
        Some(n) => n.to_owned(),
        None => settings
            .phone_number_id
            .ok_or_else(|| missing("phone number id"))?,
    };
    let to = normalize_phone(to, store.region())?;
    refuse_opted_out(store, "voice_ai", &to).await?;
    let body = CreateCall {
        assistant_id,
        phone_number_id,
        customer: Customer {
            number: Some(to.clone()),
            name: name
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .map(str::to_owned),
            email: None,
        },
        assistant_overrides: (!variables.is_empty())
            .then(|| json!({ "variableValues": Value::Object(variables) })),
        name: reference.to_owned(),
    };
    Ok((to, serde_json::to_vec(&body).unwrap_or_default()))
}

/// Sends every due text and call in the outbox.
pub async fn process_outbox(
    store: &Store,
    secrets: &dyn SecretStore,
    events: &dyn EventSink,
) -> Result<OutboxReport, ProviderError> {
    Ok(
        crate::outbox::process(store, events, &["sms", "voice_ai"], |item| async move {
            send_one(store, secrets, &item).await
        })
        .await?,
    )
}

async fn send_one(store: &Store, secrets: &dyn SecretStore, item: &OutboxItem) -> SendOutcome {
    let retry = |error: String, wait_ms: i64| SendOutcome::Retry {
        error,
        at: now_ms() + backoff_ms(item.attempts).max(wait_ms),
    };
    let provider = if item.channel == "sms" {
        Provider::Telnyx
    } else {
        Provider::Vapi
    };
    let conn = match connect(store, secrets, provider).await {
        Ok(c) => c,
        Err(e) => return retry(e.to_string(), 0),
    };
    let result = if provider == Provider::Telnyx {
        send_sms(store, &conn.api, item).await
    } else {
        send_call(store, &conn.api, item).await
    };
    match result {
        Ok(()) => SendOutcome::Sent,
        Err(Failure::Retry(e, wait)) => retry(e, wait),
        Err(Failure::Final(error)) => SendOutcome::Failed { error },
        Err(Failure::Unknown(e)) => SendOutcome::Unknown {
            error: format!(
                "{e}; it may have gone out, so Hearth will not send it again on its own (the next sync will tell)"
            ),
        },
    }
}

enum Failure {
    Retry(String, i64),
    Final(String),
    Unknown(String),
}

fn failure(f: super::http::PostFailure) -> Failure {
    use super::http::PostFailure;
    match f {
        PostFailure::NotSent { error, wait } => {
            Failure::Retry(error.to_string(), wait.map_or(0, |w| w.as_millis() as i64))
        }
        // A key can be fixed in Settings: try again later rather than give up.
        PostFailure::Refused(e @ ProviderError::Unauthorized { .. }) => {
            Failure::Retry(e.to_string(), 0)
        }
        PostFailure::Refused(e) => Failure::Final(e.to_string()),
        PostFailure::Unknown(e) => Failure::Unknown(e.to_string()),
    }
}

async fn send_sms(store: &Store, api: &super::http::Api, item: &OutboxItem) -> Result<(), Failure> {
    let body: CreateMessage = serde_json::from_slice(&item.payload)
        .map_err(|e| Failure::Final(format!("unreadable queued text: {e}")))?;
    // An opt-out may have arrived since the text was queued.
    if let Ok(Some(o)) = store.opt_out_of("sms", &body.to).await {
        return Err(Failure::Final(format!(
            "{} opted out ({}); not sent",
            body.to,
            describe_opt_out(&o)
        )));
    }
    let sent = match telnyx::client::send_message(api, &item.payload).await {
        Ok(sent) => sent,
        Err(super::http::PostFailure::Refused(ProviderError::Refused {
            code: Some(code),
            message,
            ..
        })) if code == "40300" => {
            let opt_out = OptOut {
                channel: "sms".into(),
                address: body.to.clone(),
                keyword: Some("STOP".into()),
                source: "send_refused".into(),
                occurred_at: now_ms(),
                opt_in: false,
            };
            if let Err(e) = store.record_opt_outs(&[opt_out]).await {
                tracing::error!(error = %e, "could not record an opt-out");
            }
            return Err(Failure::Final(format!(
                "{} opted out by texting STOP (Telnyx 40300: {message}); not sent and not retried",
                body.to
            )));
        }
        Err(f) => return Err(failure(f)),
    };
    let status = sent
        .data
        .to
        .as_ref()
        .and_then(|to| to.pointer("/0/status"))
        .cloned()
        .unwrap_or(Value::Null);
    let interaction = NewInteraction {
        body: Some(body.text.clone()),
        cost_micros: sent
            .data
            .cost
            .as_ref()
            .and_then(|c| c.get("amount"))
            .and_then(telnyx::convert::micros),
        metadata: json!({
            "status": status, "delivery": "sent", "our_number": body.from,
            "their_number": body.to, "reference": item.reference,
        }),
        ..NewInteraction::new(
            Channel::Sms,
            Direction::Outbound,
            now_ms(),
            telnyx::convert::SOURCE,
            sent.data.id,
        )
    };
    let party = PhoneParty {
        number: body.to,
        name: None,
    };
    if let Err(e) = store.record_sent(item.id, &interaction, Some(party)).await {
        // It went out; the next sync brings the record anyway.
        tracing::error!(error = %e, "could not store a sent text");
    }
    Ok(())
}

async fn send_call(
    store: &Store,
    api: &super::http::Api,
    item: &OutboxItem,
) -> Result<(), Failure> {
    let body: CreateCall = serde_json::from_slice(&item.payload)
        .map_err(|e| Failure::Final(format!("unreadable queued call: {e}")))?;
    let to = body.customer.number.clone().unwrap_or_default();
    if let Ok(Some(o)) = store.opt_out_of("voice_ai", &to).await {
        return Err(Failure::Final(format!(
            "{to} opted out ({}); not called",
            describe_opt_out(&o)
        )));
    }
    let call = vapi::client::create_call(api, &item.payload)
        .await
        .map_err(failure)?;
    if let Some(reason) = call
        .ended_reason
        .as_deref()
        .filter(|r| r.contains("concurrency-limit"))
    {
        // VAPI answers 201 with a call that ended before it started: nobody was called.
        return Err(Failure::Retry(
            format!("VAPI's concurrent-call limit was reached ({reason}); the call was not placed"),
            60_000,
        ));
    }
    let interaction = NewInteraction {
        subject: Some(format!(
            "AI call · {}",
            call.status.as_deref().unwrap_or("queued")
        )),
        metadata: json!({
            "status": call.status, "delivery": "sent", "name": body.name,
            "customer_number": to, "customer_name": body.customer.name,
            "assistant_id": body.assistant_id, "phone_number_id": body.phone_number_id,
        }),
        ..NewInteraction::new(
            Channel::VoiceAi,
            Direction::Outbound,
            super::source::parse_time(&call.created_at).unwrap_or_else(now_ms),
            vapi::convert::SOURCE,
            call.id,
        )
    };
    let party = PhoneParty {
        number: to,
        name: body.customer.name.clone(),
    };
    if let Err(e) = store.record_sent(item.id, &interaction, Some(party)).await {
        tracing::error!(error = %e, "could not store a placed call");
    }
    Ok(())
}
