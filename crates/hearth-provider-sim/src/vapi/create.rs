//! `POST /call`: one outbound call, created `queued` (1.5).
//!
//! The created call echoes `name`, `customer` and `assistantOverrides`, counts against the
//! org's concurrency cap until it ends, and ends later (`touch_vapi_calls`, the dev ticker)
//! with a transcript and analysis. Over the cap the sim takes the second UNCONFIRMED
//! reading of 1.5: a 201 for a call that has already ended with
//! `call.start.error-subscription-concurrency-limit-reached`.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Map, Value};

use super::call::{Analysis, Call, CallType, Created, Ctx, Recording, Status};
use super::error::VapiError;
use super::store::base;
use crate::pool::{is_e164, Accounts};
use crate::state::Shared;
use crate::time::now_ms;

const CONCURRENCY_REASON: &str = "call.start.error-subscription-concurrency-limit-reached";

/// A validated create request.
struct Request {
    assistant: Option<u8>,
    number: u8,
    created: Created,
}

fn string_field<'a>(
    obj: &'a Map<String, Value>,
    key: &str,
    errors: &mut Vec<String>,
) -> Option<&'a str> {
    match obj.get(key) {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s),
        Some(_) => {
            errors.push(format!("{key} must be a string"));
            None
        }
    }
}

/// Field checks first (reported together, as an array), then the lookups (a string).
fn validate(body: &Value, accounts: &Accounts) -> Result<Request, VapiError> {
    let obj = body
        .as_object()
        .ok_or_else(|| VapiError::Invalid(vec!["body must be an object".into()]))?;
    let mut errors = Vec::new();
    let assistant_id = string_field(obj, "assistantId", &mut errors);
    let number_id = string_field(obj, "phoneNumberId", &mut errors);
    let name = string_field(obj, "name", &mut errors).map(str::to_owned);
    let customer = obj.get("customer");
    match customer {
        Some(Value::Object(c)) => {
            match c.get("number") {
                Some(Value::String(n)) if is_e164(n) => {}
                _ => errors.push(
                    "customer.number must be a valid phone number in the E.164 format. Hot tip, you may be missing the country code (Eg. US: +1).".into(),
                ),
            }
            if c.get("name")
                .is_some_and(|n| !n.is_string() && !n.is_null())
            {
                errors.push("customer.name must be a string".into());
            }
        }
        Some(_) => errors.push("customer must be an object".into()),
        None => {}
    }
    let overrides = obj.get("assistantOverrides").filter(|v| !v.is_null());
    if let Some(o) = overrides {
        if !o.is_object() {
            errors.push("assistantOverrides must be an object".into());
        } else if o
            .get("variableValues")
            .is_some_and(|v| !v.is_object() && !v.is_null())
        {
            errors.push("assistantOverrides.variableValues must be an object".into());
        }
    }
    if !errors.is_empty() {
        return Err(VapiError::Invalid(errors));
    }
    if obj.contains_key("customers") {
        return Err(VapiError::BadRequest(
            "hearth-provider-sim does not simulate batch calls (`customers`); send one `customer` per request.".into(),
        ));
    }
    let assistant = match assistant_id {
        Some(id) => Some(
            accounts
                .assistants
                .iter()
                .position(|a| a.to_string() == id)
                .map(|i| i as u8)
                .ok_or_else(|| {
                    VapiError::BadRequest(format!("Couldn't Get Assistant. `assistantId` {id} Does Not Exist."))
                })?,
        ),
        None if ["assistant", "squadId", "squad", "workflowId", "workflow"]
            .iter()
            .any(|k| obj.get(*k).is_some_and(|v| !v.is_null())) =>
        {
            None
        }
        None => {
            return Err(VapiError::BadRequest(
                "Need Either `assistant` Or `assistantId` Or `squad` Or `squadId` Or `workflow` Or `workflowId`.".into(),
            ))
        }
    };
    let number = match number_id {
        Some(id) => accounts
            .vapi_numbers
            .iter()
            .position(|n| n.id.to_string() == id)
            .map(|i| i as u8)
            .ok_or_else(|| {
                VapiError::BadRequest(format!(
                    "Couldn't Get Phone Number. `phoneNumberId` {id} Does Not Exist."
                ))
            })?,
        None if obj.get("phoneNumber").is_some_and(Value::is_object) => 0,
        None => {
            return Err(VapiError::BadRequest(
                "Need Either `phoneNumberId` Or `phoneNumber`.".into(),
            ))
        }
    };
    let Some(customer) = customer.cloned() else {
        return Err(VapiError::BadRequest(
            "Couldn't Create Call. Need Either `customer` Or `customerId` For Outbound Call."
                .into(),
        ));
    };
    let first_name = customer
        .get("name")
        .and_then(Value::as_str)
        .and_then(|n| n.split(' ').next())
        .map(str::to_owned);
    Ok(Request {
        assistant,
        number,
        created: Created {
            customer,
            overrides: overrides.cloned(),
            name,
            first_name,
        },
    })
}

/// `POST /vapi/call`.
pub(crate) async fn create_call(
    State(sh): State<Arc<Shared>>,
    body: Bytes,
) -> Result<Response, VapiError> {
    let value: Value = serde_json::from_slice(&body).map_err(|e| {
        VapiError::BadRequest(format!(
            "Unexpected token in JSON at line {} column {}",
            e.line(),
            e.column()
        ))
    })?;
    let req = validate(&value, &sh.accounts)?;
    let now = now_ms();
    let limit = sh.concurrency_limit;
    let (call, active) = {
        let mut st = sh.state();
        let st = &mut *st;
        let active = st.vapi.active();
        let mut c: Call = base(&mut st.rng, CallType::Outbound, 0);
        c.customer = None;
        c.number = req.number;
        c.assistant = req.assistant;
        c.created_at = now;
        c.updated_at = now;
        c.extra = false;
        c.campaign = false;
        c.created = Some(Box::new(req.created));
        if active >= limit {
            c.ended_at = Some(now);
            c.ended_reason = Some(CONCURRENCY_REASON);
            c.analysis = Analysis::Neither;
            c.recording = Recording::None;
            c.cost = Some(0.0);
        } else {
            c.status = Status::Queued;
        }
        st.vapi.push(c.clone());
        st.created_calls.push(value);
        (c, active)
    };
    tracing::info!(call = %call.id, status = ?call.status, "provider sim: vapi call created");
    let ctx = Ctx {
        accounts: &sh.accounts,
        pool: &sh.pool,
        now,
        nonce: sh.nonce(),
    };
    let mut out = call.render(&ctx);
    let blocked = active >= limit;
    if let Some(m) = out.as_object_mut() {
        m.insert(
            "subscriptionLimits".into(),
            json!({
                "concurrencyBlocked": blocked,
                "concurrencyLimit": limit,
                "remainingConcurrentCalls": if blocked { 0 } else { limit - active - 1 },
            }),
        );
    }
    Ok((StatusCode::CREATED, Json(out)).into_response())
}
