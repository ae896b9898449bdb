//! `GET /call`: a bare array, no cursor, no order, at most `limit` items.
//!
//! When more calls match than `limit`, the sim returns a random subset in random order
//! (seeded, so a run is reproducible). A client therefore cannot page by "the oldest item
//! on this page": it has to split its time window until a window returns fewer than
//! `limit` calls, which works whatever order the real Vapi uses (UNCONFIRMED, 1.8.1).

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use rand::seq::SliceRandom;
use serde_json::Value;
use uuid::Uuid;

use super::call::{Call, Ctx};
use super::error::VapiError;
use crate::pool::Accounts;
use crate::state::Shared;
use crate::time::{now_ms, parse_bound, Bound, Op};

const DEFAULT_LIMIT: usize = 100;
const MAX_LIMIT: f64 = 1000.0;

/// A filter on an id-like field: absent, or a value that may match nothing.
#[derive(Debug, Default)]
enum Want<T> {
    #[default]
    Any,
    Only(T),
    Nothing,
}

impl<T: PartialEq> Want<T> {
    fn admits(&self, v: Option<T>) -> bool {
        match self {
            Want::Any => true,
            Want::Only(w) => v.as_ref() == Some(w),
            Want::Nothing => false,
        }
    }
}

/// The parsed query of `GET /call`.
#[derive(Debug)]
pub(crate) struct CallQuery {
    id: Want<Uuid>,
    assistant: Want<u8>,
    number: Want<u8>,
    pub limit: usize,
    created: Vec<Bound>,
    updated: Vec<Bound>,
}

fn op_of(suffix: &str) -> Option<Op> {
    match suffix {
        "Gt" => Some(Op::Gt),
        "Ge" => Some(Op::Ge),
        "Lt" => Some(Op::Lt),
        "Le" => Some(Op::Le),
        _ => None,
    }
}

impl CallQuery {
    /// Validates like Vapi's NestJS pipe: unknown parameters and bad values are all
    /// reported together in one 400.
    pub(crate) fn parse(
        params: &[(String, String)],
        accounts: &Accounts,
    ) -> Result<Self, VapiError> {
        let mut q = CallQuery {
            id: Want::Any,
            assistant: Want::Any,
            number: Want::Any,
            limit: DEFAULT_LIMIT,
            created: Vec::new(),
            updated: Vec::new(),
        };
        let mut errors = Vec::new();
        for (k, v) in params {
            match k.as_str() {
                "id" => q.id = v.parse().map_or(Want::Nothing, Want::Only),
                "assistantId" => {
                    q.assistant = accounts
                        .assistants
                        .iter()
                        .position(|a| a.to_string() == *v)
                        .map_or(Want::Nothing, |i| Want::Only(i as u8));
                }
                "phoneNumberId" => {
                    q.number = accounts
                        .vapi_numbers
                        .iter()
                        .position(|n| n.id.to_string() == *v)
                        .map_or(Want::Nothing, |i| Want::Only(i as u8));
                }
                "limit" => match v.trim().parse::<f64>() {
                    Ok(n) if n.is_nan() => errors.push(
                        "limit must be a number conforming to the specified constraints".into(),
                    ),
                    Ok(n) if n > MAX_LIMIT => {
                        errors.push("limit must not be greater than 1000".into())
                    }
                    Ok(n) if n < 0.0 => errors.push("limit must not be less than 0".into()),
                    Ok(n) => q.limit = n as usize,
                    Err(_) => errors.push(
                        "limit must be a number conforming to the specified constraints".into(),
                    ),
                },
                other => {
                    let field = other
                        .strip_prefix("createdAt")
                        .map(|s| (s, &mut q.created))
                        .or_else(|| other.strip_prefix("updatedAt").map(|s| (s, &mut q.updated)));
                    match field.and_then(|(suffix, list)| Some((op_of(suffix)?, list))) {
                        Some((op, list)) => match parse_bound(v) {
                            Some(micros) => list.push(Bound { op, micros }),
                            None => {
                                errors.push(format!("{other} must be a valid ISO 8601 date string"))
                            }
                        },
                        None => errors.push(format!("property {other} should not exist")),
                    }
                }
            }
        }
        if errors.is_empty() {
            Ok(q)
        } else {
            Err(VapiError::Invalid(errors))
        }
    }

    pub(crate) fn admits(&self, c: &Call) -> bool {
        let phone = (c.kind != super::call::CallType::Web).then_some(c.number);
        self.id.admits(Some(c.id))
            && self.assistant.admits(c.assistant)
            && self.number.admits(phone)
            && self.created.iter().all(|b| b.admits(c.created_at))
            && self.updated.iter().all(|b| b.admits(c.updated_at))
    }
}

/// `GET /vapi/call`.
pub(crate) async fn list_calls(
    State(sh): State<Arc<Shared>>,
    Query(params): Query<Vec<(String, String)>>,
) -> Result<Response, VapiError> {
    let q = CallQuery::parse(&params, &sh.accounts)?;
    let chosen: Vec<Call> = {
        let mut st = sh.state();
        let st = &mut *st;
        let mut matches: Vec<usize> = (0..st.vapi.calls.len())
            .filter(|&i| q.admits(&st.vapi.calls[i]))
            .collect();
        let take = q.limit.min(matches.len());
        let (chosen, _) = matches.partial_shuffle(&mut st.rng, take);
        chosen.iter().map(|&i| st.vapi.calls[i].clone()).collect()
    };
    let ctx = Ctx {
        accounts: &sh.accounts,
        pool: &sh.pool,
        now: now_ms(),
        nonce: sh.nonce(),
    };
    let items: Vec<Value> = chosen.iter().map(|c| c.render(&ctx)).collect();
    Ok(Json(Value::Array(items)).into_response())
}
