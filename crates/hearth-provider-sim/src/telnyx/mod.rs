//! The Telnyx side, mounted at `/telnyx/v2` (standing for `https://api.telnyx.com/v2`), per
//! section 2 of `shared/providers.md`: `GET /detail_records`, `POST /messages`,
//! `GET /messages/{id}` and `GET /messaging_optouts`.

pub(crate) mod error;
mod messages;
pub(crate) mod model;
mod optouts;
mod query;
mod records;
pub(crate) mod render;
pub(crate) mod store;

use std::sync::Arc;

use axum::routing::{get, post};
use axum::Router;

use crate::state::Shared;
use error::TelnyxError;

pub(crate) fn router() -> Router<Arc<Shared>> {
    Router::new()
        .route("/detail_records", get(records::detail_records))
        .route("/messages", post(messages::send))
        .route("/messages/{id}", get(messages::get))
        .route("/messaging_optouts", get(optouts::list))
        .fallback(|| async { TelnyxError::not_found() })
}
