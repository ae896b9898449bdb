//! `POST /messages` (2.2) and `GET /messages/{id}` (2.3).
//!
//! A send answers 200 (not 201) and creates the outbound MDR later polls return, with
//! `uuid` equal to the message `id` (the likely reading of UNCONFIRMED 2.8.1). A send to an
//! opted-out person is refused with 409 / `40300`. Bodies are served for 10 days after
//! creation, then the message is a 404 like any unknown id.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde_json::{json, Value};
use uuid::Uuid;

use super::error::TelnyxError;
use super::model::{Body, Party};
use super::render::Ctx;
use super::store::outbound;
use crate::pool::is_e164;
use crate::state::Shared;
use crate::text::sms_parts;
use crate::time::{now_ms, to_secs, DAY};

/// How long `GET /messages/{id}` can see a message (T-SPEC).
const BODY_RETENTION: i64 = 10 * DAY;

fn is_short_code(s: &str) -> bool {
    (5..=6).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
}

/// `POST /telnyx/v2/messages`.
pub(crate) async fn send(
    State(sh): State<Arc<Shared>>,
    raw: Bytes,
) -> Result<Json<Value>, TelnyxError> {
    let body: Value = serde_json::from_slice(&raw).map_err(|e| TelnyxError {
        status: StatusCode::BAD_REQUEST,
        code: "10015",
        title: "Bad Request",
        detail: format!("The request body is not valid JSON: {e}"),
        source: None,
    })?;
    let field = |k: &str| {
        body.get(k)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
    };
    let to = field("to").ok_or_else(|| TelnyxError::body_field("to", true))?;
    if !is_e164(to) && !is_short_code(to) {
        return Err(TelnyxError::body_field("to", false));
    }
    let ours = sh.accounts.telnyx_number;
    let from = match field("from") {
        Some(f) if f == ours => f,
        Some(f) => {
            return Err(TelnyxError {
                status: StatusCode::BAD_REQUEST,
                code: "40305",
                title: "Invalid 'from' address",
                detail: format!("The 'from' address {f} is not a number on this account."),
                source: Some("/from".into()),
            })
        }
        None if field("messaging_profile_id").is_some() => ours,
        None => return Err(TelnyxError::body_field("from", true)),
    };
    let has_media = body
        .get("media_urls")
        .and_then(Value::as_array)
        .is_some_and(|a| !a.is_empty());
    let text = match field("text") {
        Some(t) => t.to_owned(),
        None if has_media => String::new(),
        None => return Err(TelnyxError::body_field("text", true)),
    };
    let now = now_ms();
    let (mdr, text) = {
        let mut st = sh.state();
        let st = &mut *st;
        if st.telnyx.is_blocked(to) {
            return Err(TelnyxError {
                status: StatusCode::CONFLICT,
                code: "40300",
                title: "Blocked due to STOP message",
                detail: format!("Messages cannot be sent from '{from}' to '{to}' due to an existing block rule."),
                source: None,
            });
        }
        let at = to_secs(now);
        let mut m = outbound(&mut st.rng, Party::of(to, &sh.pool), at, now);
        m.status = "delivered";
        m.error = None;
        m.mms = has_media;
        m.parts = sms_parts(&text);
        m.sent_at = Some(at);
        m.completed_at = Some(at);
        m.updated_at = at;
        m.body = Body::Owned(text.as_str().into());
        st.telnyx.insert_mdr(m.clone());
        st.sent_messages.push(body.clone());
        (m, text)
    };
    tracing::info!(id = %mdr.uuid, to, "provider sim: telnyx message sent");
    let ctx = Ctx {
        accounts: &sh.accounts,
        pool: &sh.pool,
    };
    Ok(Json(json!({ "data": ctx.message(&mdr, &text, Some(now)) })))
}

/// `GET /telnyx/v2/messages/{id}`.
pub(crate) async fn get(
    State(sh): State<Arc<Shared>>,
    Path(id): Path<String>,
) -> Result<Json<Value>, TelnyxError> {
    let id: Uuid = id.parse().map_err(|_| TelnyxError::not_found())?;
    let mdr = sh
        .state()
        .telnyx
        .find_mdr(id)
        .cloned()
        .ok_or_else(TelnyxError::not_found)?;
    if now_ms() - mdr.created_at > BODY_RETENTION {
        return Err(TelnyxError::not_found());
    }
    let name = mdr.party.customer(&sh.pool).and_then(|c| c.first_name());
    let text = mdr.body.text(name);
    let ctx = Ctx {
        accounts: &sh.accounts,
        pool: &sh.pool,
    };
    Ok(Json(json!({ "data": ctx.message(&mdr, &text, None) })))
}
