//! The Vapi side, mounted at `/vapi` (standing for `https://api.vapi.ai`), per section 1 of
//! `shared/providers.md`: `GET /call`, `GET /call/{id}`, `POST /call`, `GET /phone-number`
//! and `GET /phone-number/{id}`.

pub(crate) mod call;
mod create;
pub(crate) mod error;
mod list;
pub(crate) mod store;

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{Method, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};

use crate::pool::VapiNumber;
use crate::state::Shared;
use crate::time::{iso_millis, now_ms};
use call::Ctx;
use error::VapiError;

pub(crate) fn router() -> Router<Arc<Shared>> {
    Router::new()
        .route("/call", get(list::list_calls).post(create::create_call))
        .route("/call/{id}", get(get_call))
        .route("/phone-number", get(list_numbers))
        .route("/phone-number/{id}", get(get_number))
        .fallback(not_found)
}

async fn get_call(
    State(sh): State<Arc<Shared>>,
    Path(id): Path<String>,
) -> Result<Response, VapiError> {
    let not_found = || VapiError::NotFound("Call not found".into());
    let id: uuid::Uuid = id.parse().map_err(|_| not_found())?;
    let call = {
        let st = sh.state();
        let i = *st.vapi.by_id.get(&id).ok_or_else(not_found)?;
        st.vapi.calls[i].clone()
    };
    let ctx = Ctx {
        accounts: &sh.accounts,
        pool: &sh.pool,
        now: now_ms(),
        nonce: sh.nonce(),
    };
    Ok(Json(call.render(&ctx)).into_response())
}

fn number_json(sh: &Shared, n: &VapiNumber) -> Value {
    let at = iso_millis(sh.accounts.created_at);
    json!({
        "id": n.id.to_string(),
        "orgId": sh.accounts.vapi_org.to_string(),
        "number": n.number,
        "name": n.name,
        "provider": n.provider,
        "assistantId": sh.accounts.assistants[0].to_string(),
        "status": "active",
        "createdAt": at,
        "updatedAt": at,
    })
}

async fn list_numbers(State(sh): State<Arc<Shared>>) -> Json<Value> {
    let all: Vec<Value> = sh
        .accounts
        .vapi_numbers
        .iter()
        .map(|n| number_json(&sh, n))
        .collect();
    Json(Value::Array(all))
}

async fn get_number(
    State(sh): State<Arc<Shared>>,
    Path(id): Path<String>,
) -> Result<Json<Value>, VapiError> {
    sh.accounts
        .vapi_numbers
        .iter()
        .find(|n| n.id.to_string() == id)
        .map(|n| Json(number_json(&sh, n)))
        .ok_or_else(|| VapiError::NotFound("Phone Number Not Found".into()))
}

async fn not_found(method: Method, uri: Uri) -> VapiError {
    VapiError::NotFound(format!("Cannot {method} {}", uri.path()))
}
