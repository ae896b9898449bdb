//! `GET /detail_records` (2.4A, 2.5): MDRs and voice CDRs, filtered, sorted, paged.
//!
//! The awkward documented part is kept: a filter of a shape the API does not understand
//! (`filter[date_range][gte]`, an attribute records do not have) is not an error but an
//! empty 200, so a client that mistypes a filter silently sees nothing. Known filters: time
//! bounds on `created_at`/`started_at` and `updated_at`/`finished_at` (date or datetime),
//! `direction`, `status`, `cli`/`cld` (exact, `starts_with`, `ends_with`, `contains`),
//! `date_range`, and any other top-level attribute by exact value.

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::Json;
use chrono::Utc;
use serde_json::Value;

use super::error::TelnyxError;
use super::query::{date_range, split_key, Page};
use super::render::Ctx;
use crate::state::Shared;
use crate::time::{parse_bound, Bound, Ms, Op};

const MAX_PAGE: usize = 50;

/// Record types T-SPEC lists that the sim has no records of (they answer an empty page).
const OTHER_TYPES: &[&str] = &[
    "sip-trunking",
    "webrtc",
    "conference",
    "conference-participant",
    "amd",
    "verify",
    "fax",
    "recording",
    "media_storage",
    "wireless",
    "ai-voice-assistant",
    "dx",
    "inference",
    "lookup",
    "number-lookup",
    "sim-card-usage",
    "call-forwarding",
    "sms-verify",
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Messaging,
    Voice,
    Empty,
}

#[derive(Clone, Copy, Debug)]
enum TextOp {
    Eq,
    StartsWith,
    EndsWith,
    Contains,
}

impl TextOp {
    fn admits(self, have: &str, want: &str) -> bool {
        match self {
            TextOp::Eq => have == want,
            TextOp::StartsWith => have.starts_with(want),
            TextOp::EndsWith => have.ends_with(want),
            TextOp::Contains => have.contains(want),
        }
    }
}

#[derive(Clone, Debug)]
enum Cond {
    Created(Bound),
    Updated(Bound),
    Direction(String),
    Cli(TextOp, String),
    Cld(TextOp, String),
    /// Any other attribute, by exact value of its rendered JSON.
    Attr(String, String),
    /// A shape the API does not understand: matches nothing.
    Never,
}

/// A record as the filters see it.
struct View<'a> {
    created: Ms,
    updated: Ms,
    inbound: bool,
    cli: &'a str,
    cld: &'a str,
}

fn time_op(op: &str) -> Option<Op> {
    match op {
        "gte" => Some(Op::Ge),
        "gt" => Some(Op::Gt),
        "lte" => Some(Op::Le),
        "lt" => Some(Op::Lt),
        _ => None,
    }
}

fn text_op(op: Option<&str>) -> Option<TextOp> {
    match op {
        None => Some(TextOp::Eq),
        Some("starts_with") => Some(TextOp::StartsWith),
        Some("ends_with") => Some(TextOp::EndsWith),
        Some("contains") => Some(TextOp::Contains),
        Some(_) => None,
    }
}

struct Search {
    kind: Kind,
    conds: Vec<Cond>,
    page: Page,
    descending: bool,
}

fn parse(params: &[(String, String)]) -> Result<Search, TelnyxError> {
    let mut kind = None;
    let mut conds = Vec::new();
    let mut descending = true;
    for (k, v) in params {
        let (head, parts) = split_key(k);
        match (head, parts.as_slice()) {
            ("filter", ["record_type"]) => {
                kind = Some(match v.as_str() {
                    "messaging" => Kind::Messaging,
                    "call-control" => Kind::Voice,
                    t if OTHER_TYPES.contains(&t) => Kind::Empty,
                    _ => {
                        return Err(TelnyxError::bad_param(
                            k,
                            format!("Invalid record type '{v}'"),
                        ))
                    }
                });
            }
            ("filter", [field, op])
                if matches!(
                    *field,
                    "created_at" | "started_at" | "updated_at" | "finished_at"
                ) =>
            {
                let Some(op) = time_op(op) else {
                    conds.push(Cond::Never);
                    continue;
                };
                let micros = parse_bound(v).ok_or_else(|| {
                    TelnyxError::bad_param(k, format!("Invalid date-time '{v}' for {k}"))
                })?;
                let b = Bound { op, micros };
                conds.push(if matches!(*field, "created_at" | "started_at") {
                    Cond::Created(b)
                } else {
                    Cond::Updated(b)
                });
            }
            ("filter", ["direction"]) => conds.push(Cond::Direction(v.clone())),
            ("filter", [field @ ("cli" | "cld"), rest @ ..]) if rest.len() <= 1 => {
                let cond = match text_op(rest.first().copied()) {
                    Some(op) if *field == "cli" => Cond::Cli(op, v.clone()),
                    Some(op) => Cond::Cld(op, v.clone()),
                    None => Cond::Never,
                };
                conds.push(cond);
            }
            ("filter", ["date_range"]) => match date_range(v, Utc::now()) {
                Some((a, b)) => {
                    conds.push(Cond::Created(Bound {
                        op: Op::Ge,
                        micros: a * 1000,
                    }));
                    conds.push(Cond::Created(Bound {
                        op: Op::Lt,
                        micros: b * 1000,
                    }));
                }
                None => conds.push(Cond::Never),
            },
            ("filter", [attr]) => conds.push(Cond::Attr((*attr).to_owned(), v.clone())),
            ("filter", _) => conds.push(Cond::Never),
            ("sort", []) => {
                descending = match v.as_str() {
                    "created_at" => false,
                    "-created_at" => true,
                    _ => {
                        return Err(TelnyxError::bad_param(
                            "sort",
                            format!("Invalid sort '{v}'"),
                        ))
                    }
                }
            }
            _ => {}
        }
    }
    let kind = kind.ok_or_else(|| {
        TelnyxError::bad_param("filter[record_type]", "filter[record_type] is required")
    })?;
    Ok(Search {
        kind,
        conds,
        page: Page::parse(params, MAX_PAGE)?,
        descending,
    })
}

impl Search {
    /// Whether a record passes every condition; `render` is only called for `Attr`.
    fn admits(&self, v: &View<'_>, render: impl Fn() -> Value) -> bool {
        let mut rendered: Option<Value> = None;
        self.conds.iter().all(|c| match c {
            Cond::Created(b) => b.admits(v.created),
            Cond::Updated(b) => b.admits(v.updated),
            Cond::Direction(d) => d == if v.inbound { "inbound" } else { "outbound" },
            Cond::Cli(op, want) => op.admits(v.cli, want),
            Cond::Cld(op, want) => op.admits(v.cld, want),
            Cond::Never => false,
            Cond::Attr(k, want) => match rendered.get_or_insert_with(&render).get(k) {
                Some(Value::String(s)) => s == want,
                Some(Value::Number(n)) => want.parse::<f64>().ok() == n.as_f64(),
                Some(Value::Bool(b)) => want.parse::<bool>() == Ok(*b),
                _ => false,
            },
        })
    }

    /// The index range of a sorted store that can hold matches, from the creation bounds.
    fn candidates(&self, len: usize, created_at: impl Fn(usize) -> Ms) -> (usize, usize) {
        let mut lo_ms = Ms::MIN;
        let mut hi_ms = Ms::MAX;
        for c in &self.conds {
            if let Cond::Created(b) = c {
                match b.op {
                    Op::Gt | Op::Ge => lo_ms = lo_ms.max(b.micros.div_euclid(1000)),
                    Op::Lt | Op::Le => hi_ms = hi_ms.min(b.micros.div_euclid(1000) + 1),
                }
            }
        }
        let first = partition(len, |i| created_at(i) < lo_ms);
        let end = partition(len, |i| created_at(i) <= hi_ms);
        (first, end.max(first))
    }
}

fn partition(len: usize, pred: impl Fn(usize) -> bool) -> usize {
    let (mut lo, mut hi) = (0, len);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if pred(mid) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    lo
}

/// `GET /telnyx/v2/detail_records`.
pub(crate) async fn detail_records(
    State(sh): State<Arc<Shared>>,
    Query(params): Query<Vec<(String, String)>>,
) -> Result<Json<Value>, TelnyxError> {
    let search = parse(&params)?;
    let ctx = Ctx {
        accounts: &sh.accounts,
        pool: &sh.pool,
    };
    let ours = sh.accounts.telnyx_number;
    let (start, end) = search.page.window();
    let mut total = 0usize;
    let mut data = Vec::new();
    let st = sh.state();
    let mut visit = |matched: bool, render: &dyn Fn() -> Value| {
        if matched {
            if (start..end).contains(&total) {
                data.push(render());
            }
            total += 1;
        }
    };
    match search.kind {
        Kind::Empty => {}
        Kind::Messaging => {
            let recs = &st.telnyx.mdrs;
            let (a, b) = search.candidates(recs.len(), |i| recs[i].created_at);
            let walk: Box<dyn Iterator<Item = usize>> = if search.descending {
                Box::new((a..b).rev())
            } else {
                Box::new(a..b)
            };
            for i in walk {
                let m = &recs[i];
                let view = View {
                    created: m.created_at,
                    updated: m.updated_at,
                    inbound: m.inbound,
                    cli: m.cli(&sh.pool, ours),
                    cld: m.cld(&sh.pool, ours),
                };
                let render = || ctx.mdr(m);
                visit(search.admits(&view, render), &render);
            }
        }
        Kind::Voice => {
            let recs = &st.telnyx.cdrs;
            let (a, b) = search.candidates(recs.len(), |i| recs[i].started_at);
            let walk: Box<dyn Iterator<Item = usize>> = if search.descending {
                Box::new((a..b).rev())
            } else {
                Box::new(a..b)
            };
            for i in walk {
                let c = &recs[i];
                let them = c.party.number(&sh.pool);
                let (cli, cld) = if c.inbound {
                    (them, ours)
                } else {
                    (ours, them)
                };
                let view = View {
                    created: c.started_at,
                    updated: c.finished_at,
                    inbound: c.inbound,
                    cli,
                    cld,
                };
                let render = || ctx.cdr(c);
                visit(search.admits(&view, render), &render);
            }
        }
    }
    drop(st);
    Ok(Json(search.page.envelope(data, total)))
}
