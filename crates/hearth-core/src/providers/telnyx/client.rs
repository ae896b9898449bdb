//! The Telnyx endpoints Hearth uses, as typed calls over [`Api`]. Query filters are
//! deepObject style, passed as literal keys (`filter[record_type]`).

use super::wire::{MessageEnvelope, Page};
use crate::providers::http::{Api, PostFailure};
use crate::providers::vapi::client::path_segment;
use crate::providers::ProviderError;

/// One page of `GET /detail_records` or `GET /messaging_optouts`.
pub async fn page(api: &Api, path: &str, query: &[(&str, String)]) -> Result<Page, ProviderError> {
    api.get(path, query).await
}

/// `GET /messages/{id}`: the message with its text (only within 10 days of creation).
pub async fn message(api: &Api, id: &str) -> Result<MessageEnvelope, ProviderError> {
    api.get(&format!("/messages/{}", path_segment(id)), &[])
        .await
}

/// `POST /messages` with a prepared body; 200 gives the queued message.
pub async fn send_message(api: &Api, body: &[u8]) -> Result<MessageEnvelope, PostFailure> {
    api.post("/messages", body).await
}
