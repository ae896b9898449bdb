//! `GET /messaging_optouts` (2.6): who has texted STOP, newest first.
//!
//! Its time bounds are `created_at[gte]` / `created_at[lte]`, without the `filter[]` prefix
//! `detail_records` uses; like there, a `filter[...]` the endpoint does not know matches
//! nothing rather than failing, so a client that borrows the other endpoint's spelling
//! sees an empty list.

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::Json;
use serde_json::Value;

use super::error::TelnyxError;
use super::query::Page;
use super::render::Ctx;
use crate::state::Shared;
use crate::time::{parse_bound, Bound, Op};

const MAX_PAGE: usize = 250;

/// `GET /telnyx/v2/messaging_optouts`.
pub(crate) async fn list(
    State(sh): State<Arc<Shared>>,
    Query(params): Query<Vec<(String, String)>>,
) -> Result<Json<Value>, TelnyxError> {
    let page = Page::parse(&params, MAX_PAGE)?;
    let mut bounds = Vec::new();
    let mut never = false;
    let mut redact = false;
    let ours = sh.accounts.telnyx_number;
    let profile = sh.accounts.profile_id.to_string();
    for (k, v) in &params {
        match k.as_str() {
            "created_at[gte]" | "created_at[lte]" => {
                let op = if k.ends_with("[gte]") { Op::Ge } else { Op::Le };
                let micros = parse_bound(v).ok_or_else(|| {
                    TelnyxError::bad_param(k, format!("Invalid date-time '{v}' for {k}"))
                })?;
                bounds.push(Bound { op, micros });
            }
            "filter[from]" => never |= v != ours,
            "filter[messaging_profile_id]" => never |= *v != profile,
            "redaction_enabled" => redact = v == "true",
            other if other.starts_with("filter[") || other.starts_with("created_at[") => {
                never = true
            }
            _ => {}
        }
    }
    let ctx = Ctx {
        accounts: &sh.accounts,
        pool: &sh.pool,
    };
    let st = sh.state();
    let matching: Vec<_> = st
        .telnyx
        .optouts
        .iter()
        .rev()
        .filter(|o| !never && bounds.iter().all(|b| b.admits(o.created_at)))
        .collect();
    let (start, end) = page.window();
    let data: Vec<Value> = matching
        .iter()
        .skip(start)
        .take(end - start)
        .map(|o| ctx.optout(o, redact))
        .collect();
    let total = matching.len();
    drop(st);
    Ok(Json(page.envelope(data, total)))
}
